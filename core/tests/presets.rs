//! The shipped presets: each compiles, survives a JSON round trip, and chooses the settings
//! docs/presets.md says it does.

use amscore::{
    CalendarRenewal, Engine, ExpiryInstant, LeapExpiry, MonthEndRule, Policy, ReinstatementStart, RejoinSince,
    RenewalClose, RenewalEnd, RollingEnd, Settings, PRESETS,
};

fn date_settings(s: &Settings) -> (MonthEndRule, RollingEnd, RenewalEnd, ReinstatementStart) {
    (s.month_end, s.rolling_end, s.renewal_end, s.reinstatement)
}

#[test]
fn every_preset_compiles_and_round_trips() {
    assert_eq!(PRESETS.iter().map(|(n, _)| *n).collect::<Vec<_>>(), ["amscore", "civicrm", "tendenci"]);
    for (name, _) in PRESETS {
        let policy = Policy::preset(name).unwrap_or_else(|e| panic!("{name}: {e}"));
        let text = policy.to_json().unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(Policy::from_json(&text).as_ref(), Ok(&policy), "{name} round trip");
        Engine::new(policy).unwrap_or_else(|e| panic!("{name}: {e}"));
    }
}

#[test]
fn presets_choose_the_documented_date_settings() {
    let settings = |name| Policy::preset(name).map(|p| date_settings(&p.settings));
    assert_eq!(
        settings("amscore"),
        Ok((MonthEndRule::Clamp, RollingEnd::DayBefore, RenewalEnd::FromNextStart, ReinstatementStart::Backdate))
    );
    assert_eq!(
        settings("civicrm"),
        Ok((
            MonthEndRule::Overflow,
            RollingEnd::DayBefore,
            RenewalEnd::FromPreviousEndForYears,
            ReinstatementStart::Restart
        ))
    );
    assert_eq!(
        settings("tendenci"),
        Ok((
            MonthEndRule::Clamp,
            RollingEnd::Anniversary,
            RenewalEnd::FromRenewalDateExceptYears,
            ReinstatementStart::Restart
        ))
    );
}

#[test]
fn only_the_tendenci_preset_takes_tendencis_side_of_each_expiry_convention() {
    let expiry = |name| {
        Policy::preset(name).map(|p| {
            let s = p.settings;
            (s.expiry, s.calendar_renewal, s.rejoin_since, s.leap_expiry, s.renewal_close)
        })
    };
    let defaults = Ok((
        ExpiryInstant::EndOfDay,
        CalendarRenewal::NextPeriod,
        RejoinSince::Reset,
        LeapExpiry::EachYear,
        RenewalClose::AfterGrace,
    ));
    assert_eq!(expiry("amscore"), defaults);
    assert_eq!(expiry("civicrm"), defaults);
    assert_eq!(
        expiry("tendenci"),
        Ok((
            ExpiryInstant::StartOfDay,
            CalendarRenewal::AsJoin,
            RejoinSince::Keep,
            LeapExpiry::ClampedOnce,
            RenewalClose::AsStored
        ))
    );
}

#[test]
fn a_document_naming_a_preset_inherits_what_it_leaves_out() {
    let own = Policy::from_json(
        r#"{"version": 1, "preset": "civicrm", "plans": [{"id": "g", "name": "General",
            "term": {"kind": "rolling", "length": {"count": 1, "unit": "year"}},
            "prices": {"currency": "USD", "dues": "100.00"}}]}"#,
    );
    let civicrm = Policy::preset("civicrm");
    assert_eq!(own.as_ref().map(|p| &p.settings), civicrm.as_ref().map(|p| &p.settings));
    assert_eq!(own.as_ref().map(|p| &p.status_rules), civicrm.as_ref().map(|p| &p.status_rules));
    assert_eq!(own.map(|p| p.plans.len()), Ok(1));
}

#[test]
fn a_document_naming_a_preset_merges_its_settings_field_by_field() {
    let own = Policy::from_json(
        r#"{"version": 1, "preset": "civicrm", "settings": {"currency": "USD", "renewal_end": "from_next_start"}}"#,
    )
    .expect("valid");
    let civicrm = Policy::preset("civicrm").expect("preset");
    assert_eq!(own.settings.month_end, amscore::MonthEndRule::Overflow);
    assert_eq!(own.settings.reinstatement, civicrm.settings.reinstatement);
    assert_eq!(own.settings.renewal_end, amscore::RenewalEnd::FromNextStart);
    assert_eq!(own.settings.currency, Some(amscore::Currency::USD));
    assert_eq!(own.plans, civicrm.plans);
}
