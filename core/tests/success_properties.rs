//! Properties of the member-success functions, stated as invariants.

use amscore::success::{
    cohort_table, engagement_scores, retention_metrics, segments, snapshot_metrics, ActivityEvent, Economics,
    MemberHistory, Rate, RetentionMetrics, SnapshotCounts,
};
use amscore::{Currency, Engine, Membership, Rounding, Source, Term, TermRecord};
use proptest::prelude::*;
use rust_decimal::Decimal;
use time::{Date, Duration};

const KINDS: [&str; 3] = ["login", "event_attended", "donation"];

fn engine(decay: &str) -> Engine {
    Engine::from_json(&format!(
        r#"{{"version": 1, "preset": "amscore", "success": {{
          "activity_kinds": [
            {{"id": "login", "weight": "1", "cap": {{"max": 3, "per": "week"}}}},
            {{"id": "event_attended", "weight": "10"}},
            {{"id": "donation", "weight": "0.1", "per_value": true}}],
          "decay": {decay},
          "segments": [
            {{"id": "quiet", "rule": {{"all": [{{"test": {{"fact": "engagement_percentile", "op": "lt", "value": 30}}}},
                                     {{"not": {{"test": {{"fact": "auto_renew", "op": "eq", "value": true}}}}}}]}}}},
            {{"id": "north_or_new", "rule": {{"any": [{{"test": {{"fact": "attribute.region", "op": "eq", "value": "north"}}}},
                                                  {{"test": {{"fact": "first_year", "op": "eq", "value": true}}}}]}}}}]
        }}}}"#
    ))
    .expect("the test policy compiles")
}

fn decay() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(r#"{"kind": "none"}"#.to_owned()),
        (1u32..400).prop_map(|d| format!(r#"{{"kind": "half_life", "days": {d}}}"#)),
        Just(
            r#"{"kind": "steps", "steps": [{"until_day": 30, "factor": "1"}, {"until_day": 90, "factor": "0.6"}, {"until_day": 365, "factor": "0.2"}], "after": "0.05"}"#
                .to_owned()
        ),
    ]
}

fn day(n: i64) -> Date {
    Date::from_calendar_date(2018, time::Month::January, 1).expect("valid date") + Duration::days(n)
}

/// A member: a join day, a number of yearly terms (with an optional gap before the last), and facts.
fn member(i: usize) -> impl Strategy<Value = MemberHistory> {
    (0i64..2500, 1usize..6, prop::option::of(1i64..200), any::<bool>(), any::<bool>()).prop_map(
        move |(join, years, gap, auto_renew, north)| {
            let mut terms = Vec::new();
            let mut start = day(join);
            for y in 0..years {
                if y + 1 == years {
                    if let Some(g) = gap {
                        start += Duration::days(g);
                    }
                }
                let next = start.replace_year(start.year() + 1).unwrap_or(start + Duration::days(365));
                terms.push(Term { start, end: Some(next - Duration::days(1)) });
                start = next;
            }
            let current = *terms.last().expect("at least one term");
            let mut h = MemberHistory::new(Membership {
                member_id: format!("M{i:04}").as_str().into(),
                plan: "individual".into(),
                member_since: day(join),
                term: current,
                pending: false,
                cancelled_on: None,
                status_override: None,
                deceased_on: None,
                tax_exempt: false,
            });
            h.terms = terms.into_iter().map(TermRecord::of).collect();
            h.auto_renew = auto_renew;
            if north {
                h.attributes.insert("region".into(), "north".into());
            }
            h
        },
    )
}

fn roster() -> impl Strategy<Value = Vec<MemberHistory>> {
    (1usize..25).prop_flat_map(|n| (0..n).map(member).collect::<Vec<_>>())
}

/// Events that may be good or bad (unknown member, unknown kind, before join, missing value).
fn events(members: usize) -> impl Strategy<Value = Vec<ActivityEvent>> {
    prop::collection::vec((0..members + 1, 0usize..4, 0i64..3000, prop::option::of(0i64..500)), 0..60).prop_map(
        move |rows| {
            rows.into_iter()
                .map(|(m, k, d, v)| ActivityEvent {
                    member_id: format!("M{m:04}").as_str().into(),
                    date: day(d),
                    kind: KINDS.get(k).copied().unwrap_or("teleport").into(),
                    value: v.map(Decimal::from),
                    row: None,
                })
                .collect()
        },
    )
}

fn roster_and_events() -> impl Strategy<Value = (Vec<MemberHistory>, Vec<ActivityEvent>)> {
    roster().prop_flat_map(|r| {
        let n = r.len();
        (Just(r), events(n))
    })
}

fn as_of() -> impl Strategy<Value = Date> {
    (2600i64..3400).prop_map(day)
}

fn in_unit(r: &Rate) -> bool {
    r.numerator <= r.denominator
        && r.rate.is_none_or(|x| x >= Decimal::ZERO && x <= Decimal::ONE)
        && r.percent.is_none_or(|x| x >= Decimal::ZERO && x <= Decimal::ONE_HUNDRED)
}

fn metrics_in_unit(m: &RetentionMetrics) -> bool {
    in_unit(&m.renewal_rate)
        && in_unit(&m.churn)
        && m.renewal_rate.numerator + m.churn.numerator == m.renewal_rate.denominator
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn score_is_non_negative(decay in decay(), (members, events) in roster_and_events(), date in as_of()) {
        let engine = engine(&decay);
        let report = engagement_scores(engine.success(), &members, &events, date, &Default::default()).expect("scores");
        for s in &report.scores {
            prop_assert!(s.score >= Decimal::ZERO, "{s:?}");
            prop_assert!(s.percentile >= Decimal::ZERO && s.percentile <= Decimal::ONE_HUNDRED);
            prop_assert!(s.breakdown.iter().all(|k| k.points >= Decimal::ZERO && k.counted + k.capped == k.events));
        }
    }

    #[test]
    fn score_never_increases_as_date_moves_away_from_activity(
        decay in decay(), (members, events) in roster_and_events(), step in 1i64..400,
    ) {
        let engine = engine(&decay);
        // Both dates are after every event, so only the distance to the activity changes.
        let (near, far) = (day(3100), day(3100 + step));
        let a = engagement_scores(engine.success(), &members, &events, near, &Default::default()).expect("scores");
        let b = engagement_scores(engine.success(), &members, &events, far, &Default::default()).expect("scores");
        prop_assert_eq!(a.scores.len(), b.scores.len());
        for (x, y) in a.scores.iter().zip(&b.scores) {
            prop_assert_eq!(&x.member_id, &y.member_id);
            prop_assert!(y.score <= x.score, "{} rose from {} to {}", x.member_id, x.score, y.score);
        }
    }

    #[test]
    fn no_event_row_is_silently_dropped((members, events) in roster_and_events(), date in as_of()) {
        let engine = engine(r#"{"kind": "none"}"#);
        let report = engagement_scores(engine.success(), &members, &events, date, &Default::default()).expect("scores");
        let scored: u32 = report.scores.iter().map(|s| s.breakdown.iter().map(|k| k.events).sum::<u32>() + s.future_events).sum();
        let event_errors = report.errors.iter().filter(|e| e.source == Source::Events).count();
        prop_assert_eq!(scored as usize + event_errors, events.len());
    }

    #[test]
    fn segment_membership_is_deterministic((members, events) in roster_and_events(), date in as_of()) {
        let engine = engine(r#"{"kind": "half_life", "days": 90}"#);
        let a = segments(engine.success(), &members, &events, date).expect("segments");
        let b = segments(engine.success(), &members, &events, date).expect("segments");
        prop_assert_eq!(&a, &b);
        // Shuffling the event log (reversing it) does not change anyone's segments.
        let reversed: Vec<ActivityEvent> = events.iter().rev().cloned().collect();
        let c = segments(engine.success(), &members, &reversed, date).expect("segments");
        prop_assert_eq!(&a.members, &c.members);
    }

    #[test]
    fn rates_are_within_zero_and_one(members in roster(), date in as_of(), reinstated_new in any::<bool>()) {
        let policy = format!(r#"{{"version": 1, "preset": "amscore", "success": {{"reinstated": "{}"}}}}"#,
            if reinstated_new { "new" } else { "continuing" });
        let engine = Engine::from_json(&policy).expect("policy");
        let econ = Economics::new(Currency::USD, Decimal::from(125), Decimal::from(100));
        let r = retention_metrics(engine.success(), &members, date, Some(&econ)).expect("metrics");
        prop_assert!(metrics_in_unit(&r.snapshot), "{:?}", r.snapshot);
        prop_assert!(metrics_in_unit(&r.eligibility), "{:?}", r.eligibility);
        prop_assert!(in_unit(&r.first_year_renewal) && in_unit(&r.churn_30_days));
        prop_assert!(r.counts.joined_last_12_months <= r.counts.members_now);
        let t = cohort_table(engine.success(), &members, date).expect("cohorts");
        for row in &t.rows {
            for c in &row.cells {
                prop_assert!(c.retained <= c.eligible && c.eligible <= row.members);
                prop_assert!(c.rate >= Decimal::ZERO && c.rate <= Decimal::ONE);
            }
        }
    }

    #[test]
    fn snapshot_rates_are_within_zero_and_one(ago in 0u64..100_000, kept in 0u64..100_000, joined in 0u64..100_000) {
        let kept = kept.min(ago);
        let counts = SnapshotCounts { members_now: kept + joined, joined_last_12_months: joined, members_year_ago: ago };
        let m = snapshot_metrics(&counts, None, Rounding::HalfAwayFromZero).expect("consistent counts");
        prop_assert!(metrics_in_unit(&m));
    }

    #[test]
    fn cohort_counts_sum_to_roster(members in roster(), date in as_of()) {
        let engine = engine(r#"{"kind": "none"}"#);
        let t = cohort_table(engine.success(), &members, date).expect("cohorts");
        let sum: u64 = t.rows.iter().map(|r| r.members).sum();
        prop_assert_eq!(sum, t.members);
        prop_assert_eq!((sum + t.joined_after) as usize + t.errors.len(), members.len());
        for row in &t.rows {
            prop_assert_eq!(row.cells.first().map(|c| c.eligible), Some(row.members));
        }
    }
}

#[test]
fn each_bad_row_gets_its_own_error() {
    let engine = engine(r#"{"kind": "none"}"#);
    let m: MemberHistory = serde_json::from_str(
        r#"{"membership": {"member_id": "M0000", "plan": "individual", "member_since": "2024-01-01",
            "term": {"start": "2024-01-01", "end": "2024-12-31"}}}"#,
    )
    .expect("member");
    let ev = |id: &str, d: Date, kind: &str, value: Option<i64>| ActivityEvent {
        member_id: id.into(),
        date: d,
        kind: kind.into(),
        value: value.map(Decimal::from),
        row: None,
    };
    let d = Date::from_calendar_date(2024, time::Month::June, 1).expect("date");
    let before = Date::from_calendar_date(2023, time::Month::June, 1).expect("date");
    let events = [
        ev("M0000", d, "login", None),
        ev("M9999", d, "login", None),
        ev("M0000", d, "teleport", None),
        ev("M0000", before, "login", None),
        ev("M0000", d, "donation", None),
        ev("M0000", d, "donation", Some(-3)),
    ];
    let r = engagement_scores(engine.success(), &[m.clone(), m], &events, d, &Default::default()).expect("scores");
    let got: Vec<String> = r.errors.iter().map(|e| format!("{}[{}] {}", e.source, e.row, e.name)).collect();
    assert_eq!(
        got,
        [
            "members[1] duplicate_member",
            "events[1] unknown_member",
            "events[2] unknown_activity_kind",
            "events[3] event_before_join",
            "events[4] missing_event_value",
            "events[5] negative_event_value",
        ]
    );
    assert_eq!(r.scores[0].score.to_string(), "1.00");
}
