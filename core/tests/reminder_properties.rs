//! Properties of message reminders, stated as invariants: a year of daily runs, each fed the
//! messages of the runs before it, never breaks a fatigue rule for any member, never sends a
//! step twice for the same anchor, and is exactly what the forecast counts.

use std::collections::{BTreeMap, HashSet};

use amscore::success::{reminders_due, reminders_forecast, MemberHistory, SentMessage, Weekday};
use amscore::Engine;
use proptest::prelude::*;
use time::{Date, Duration};

const WEEKDAYS: [&str; 7] = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];

/// The fatigue rules a case draws.
#[derive(Debug, Clone)]
struct Rules {
    cap_max: u32,
    cap_days: u32,
    min_gap: u32,
    quiet: Vec<usize>,
    catch_up: u32,
}

fn engine(r: &Rules) -> Engine {
    let quiet: Vec<String> = r.quiet.iter().map(|&d| format!("\"{}\"", WEEKDAYS[d])).collect();
    Engine::from_json(&format!(
        r#"{{"version": 1, "preset": "amscore", "success": {{
          "segments": [{{"id": "first_year", "rule": {{"test": {{"fact": "first_year", "op": "eq", "value": true}}}}}}],
          "reminders": {{
            "sequences": [
              {{"id": "renewal", "anchor": "term_end", "priority": 1, "auto_renew": false, "catch_up_days": {c},
                "steps": [{{"id": "d60", "day": -60, "channel": "email", "template": "t"}},
                          {{"id": "d30", "day": -30, "channel": "email", "template": "t"}},
                          {{"id": "d14", "day": -14, "channel": "email", "template": "t"}},
                          {{"id": "d7", "day": -7, "channel": "sms", "template": "t"}},
                          {{"id": "d1", "day": -1, "channel": "email", "template": "t"}},
                          {{"id": "g10", "day": 10, "channel": "sms", "template": "t", "priority": 2}}]}},
              {{"id": "welcome", "anchor": "join", "priority": 2, "catch_up_days": {c},
                "steps": [{{"id": "w0", "day": 0, "channel": "email", "template": "t"}},
                          {{"id": "w3", "day": 3, "channel": "email", "template": "t"}},
                          {{"id": "w30", "day": 30, "channel": "email", "template": "t"}}]}},
              {{"id": "survey", "anchor": "join", "priority": 3, "segment": "first_year", "catch_up_days": {c},
                "steps": [{{"id": "m6", "day": 180, "channel": "email", "template": "t"}},
                          {{"id": "m11", "day": 330, "channel": "email", "template": "t"}}]}},
              {{"id": "winback", "anchor": "grace_end", "priority": 2, "statuses": ["lapsed"], "stop_on_lapse": false,
                "catch_up_days": {c},
                "steps": [{{"id": "l1", "day": 1, "channel": "letter", "template": "t"}},
                          {{"id": "l30", "day": 30, "channel": "email", "template": "t"}}]}}],
            "fatigue": {{"cap": {{"max": {max}, "days": {days}}}, "min_gap_days": {gap}, "quiet_weekdays": [{quiet}]}}}}}}}}"#,
        c = r.catch_up,
        max = r.cap_max,
        days = r.cap_days,
        gap = r.min_gap,
        quiet = quiet.join(", ")
    ))
    .expect("the test policy compiles")
}

fn rules() -> impl Strategy<Value = Rules> {
    (1u32..5, 1u32..60, 1u32..10, proptest::sample::subsequence((0..7).collect::<Vec<_>>(), 0..4), 0u32..10)
        .prop_map(|(cap_max, cap_days, min_gap, quiet, catch_up)| Rules { cap_max, cap_days, min_gap, quiet, catch_up })
}

const START: Date = time::macros::date!(2025 - 01 - 01);

/// A member who joined some days before the year (or during it), on the `individual` plan, who
/// renewed some number of times, possibly auto-renewing.
fn member(i: usize) -> impl Strategy<Value = MemberHistory> {
    (-500i64..300, 0usize..3, any::<bool>()).prop_map(move |(joined, renewals, auto_renew)| {
        let since = START + Duration::days(joined);
        let mut terms = Vec::new();
        let mut start = since;
        for _ in 0..=renewals {
            let end = start.replace_year(start.year() + 1).unwrap_or(start + Duration::days(365)) - Duration::days(1);
            terms.push((start, end));
            start = end + Duration::days(1);
        }
        let (cs, ce) = terms[terms.len() - 1];
        let history: Vec<String> = terms.iter().map(|(s, e)| format!(r#"{{"start": "{s}", "end": "{e}"}}"#)).collect();
        serde_json::from_str(&format!(
            r#"{{"membership": {{"member_id": "M{i}", "plan": "individual", "member_since": "{since}",
                 "term": {{"start": "{cs}", "end": "{ce}"}}}}, "terms": [{}], "auto_renew": {auto_renew}}}"#,
            history.join(", ")
        ))
        .expect("a member document")
    })
}

fn roster() -> impl Strategy<Value = Vec<MemberHistory>> {
    (1usize..6).prop_flat_map(|n| (0..n).map(member).collect::<Vec<_>>())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// A year of daily runs fed their own output: no member ever gets more than `cap.max`
    /// messages in any `cap.days` days, two messages closer than `min_gap_days`, more than one a
    /// day, or one on a quiet weekday; no step goes twice for the same anchor; and the forecast
    /// of the same year counts exactly these messages, day by day and channel by channel.
    #[test]
    fn a_year_of_daily_runs_never_breaks_a_fatigue_rule(r in rules(), members in roster()) {
        let engine = engine(&r);
        let ctx = engine.success();
        let mut sent: Vec<SentMessage> = Vec::new();
        let mut steps = HashSet::new();
        let mut by_day: BTreeMap<(Date, String), u32> = BTreeMap::new();
        for n in 0..365 {
            let date = START + Duration::days(n);
            let report = reminders_due(ctx, &members, &[], &sent, date).expect("a day's run");
            // The only unusable members are those who have not joined yet.
            for e in &report.errors {
                let m = members.iter().find(|m| Some(m.id()) == e.member_id.as_ref());
                prop_assert!(m.is_some_and(|m| m.joined() > date), "{e:?}");
            }
            for m in &report.due {
                prop_assert!(steps.insert((m.member_id.clone(), m.sequence.clone(), m.step.clone(), m.anchor)),
                    "{m:?} sent twice");
                *by_day.entry((date, m.channel.clone())).or_default() += 1;
            }
            sent.extend(report.sent());
        }
        let mut per_member: BTreeMap<&str, Vec<Date>> = BTreeMap::new();
        for s in &sent {
            per_member.entry(s.member_id.0.as_str()).or_default().push(s.date);
        }
        for (id, dates) in &per_member {
            for w in dates.windows(2) {
                prop_assert!((w[1] - w[0]).whole_days() >= i64::from(r.min_gap), "{id}: {} then {}", w[0], w[1]);
            }
            for (k, d) in dates.iter().enumerate() {
                let quiet = r.quiet.iter().any(|&q| WEEKDAYS[q] == Weekday::of(*d).as_str());
                prop_assert!(!quiet, "{id}: a message on a quiet {d}");
                let window_start = *d - Duration::days(i64::from(r.cap_days) - 1);
                let in_window = dates[..=k].iter().filter(|x| **x >= window_start).count();
                prop_assert!(in_window <= r.cap_max as usize, "{id}: {in_window} messages in the {} days to {d}", r.cap_days);
            }
        }
        let forecast = reminders_forecast(ctx, &members, &[], &[], START, 365).expect("the forecast");
        let counted: BTreeMap<(Date, String), u32> = forecast.rows.iter()
            .filter(|row| row.messages > 0)
            .map(|row| ((row.date, row.channel.clone()), row.messages))
            .collect();
        prop_assert_eq!(counted, by_day);
    }
}

/// The simulation above is not vacuous: with a tight cap, a year of daily runs sends messages
/// and fatigue holds some back.
#[test]
fn a_year_with_a_tight_cap_sends_and_holds_back() {
    let r = Rules { cap_max: 2, cap_days: 30, min_gap: 3, quiet: vec![6], catch_up: 7 };
    let engine = engine(&r);
    let members: Vec<MemberHistory> = (0..3)
        .map(|i| {
            serde_json::from_str(&format!(
                r#"{{"membership": {{"member_id": "M{i}", "plan": "individual", "member_since": "2025-0{m}-01",
                     "term": {{"start": "2025-0{m}-01", "end": "2025-12-31"}}}}}}"#,
                m = i + 1
            ))
            .expect("a member")
        })
        .collect();
    let mut sent = Vec::new();
    let mut held = 0;
    for n in 0..365 {
        let report = reminders_due(engine.success(), &members, &[], &sent, START + Duration::days(n)).expect("a run");
        held += report.suppressed.iter().filter(|h| h.rule.is_fatigue()).count();
        sent.extend(report.sent());
    }
    // Each member: the three welcome steps and the 6-month survey at least.
    assert!(sent.len() >= 12, "{sent:?}");
    assert!(held > 0);
}
