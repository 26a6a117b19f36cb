//! The success functions over the typed activity log give exactly what the row-by-row
//! implementation before it gave (kept here as the reference: one member at a time, each kind's
//! events filtered, sorted and capped with a map, percentiles by binary search), on generated
//! rosters and logs; and the log read from text rows, from dictionary-coded rows and from events
//! is the same log for every function.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::str::FromStr;

use amscore::success::{
    at_risk, engagement_scores, journeys, read_events, segments, upgrade_candidates, ActivityEvent, ActivityLog,
    CodedEventRow, Comparison, EventRow, Fact, KindPoints, MemberFacts, MemberHistory, MemberScore, PreviousTrigger,
    Rule, SuccessError, SuccessPolicy, Test,
};
use amscore::{Cell, Engine, Membership, RowError, Source, Status, Term};
use proptest::prelude::*;
use rust_decimal::Decimal;
use serde_json::{json, Value};
use time::{Date, Duration};

const KINDS: [&str; 5] = ["login", "email_opened", "event_attended", "committee", "donation"];

/// A policy with every kind of cap period, a kind scored by value, and the given decay.
fn engine(decay: &str, login_cap: &str) -> Engine {
    Engine::from_json(&format!(
        r#"{{"version": 1, "preset": "amscore", "success": {{
          "activity_kinds": [
            {{"id": "login", "weight": "1", "cap": {{"max": 2, "per": "{login_cap}"}}}},
            {{"id": "email_opened", "weight": "0.5", "cap": {{"max": 3, "per": "month"}}}},
            {{"id": "event_attended", "weight": "10"}},
            {{"id": "committee", "weight": "15", "cap": {{"max": 1, "per": "quarter"}}}},
            {{"id": "donation", "weight": "0.05", "per_value": true}}],
          "decay": {decay},
          "segments": [
            {{"id": "quiet", "rule": {{"all": [{{"test": {{"fact": "engagement_percentile", "op": "lt", "value": 30}}}},
                                     {{"not": {{"test": {{"fact": "auto_renew", "op": "eq", "value": true}}}}}}]}}}},
            {{"id": "busy", "rule": {{"any": [{{"test": {{"fact": "engagement_score", "op": "ge", "value": "12.5"}}}},
                                          {{"test": {{"fact": "organization", "op": "in", "value": ["Acme", "Globex"]}}}}]}}}}],
          "journeys": [{{"id": "onboarding", "milestones": [
            {{"id": "first_event", "anchor": "join", "day": 60, "from_day": 0, "activity": "event_attended"}}]}}],
          "at_risk": [
            {{"id": "quiet", "priority": 1, "cooldown_days": 30,
              "when": {{"test": {{"fact": "engagement_score", "op": "lt", "value": 5}}}}}},
            {{"id": "lapsing", "priority": 2, "when": {{"not": {{"test": {{"fact": "status", "op": "in", "value": ["active", "new"]}}}}}}}}],
          "upgrades": [{{"from": "individual", "to": "retired", "min_percentile": "50"}}]
        }}}}"#
    ))
    .expect("the test policy compiles")
}

fn decay() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(r#"{"kind": "none"}"#.to_owned()),
        (1u32..400).prop_map(|d| format!(r#"{{"kind": "half_life", "days": {d}}}"#)),
        Just(
            r#"{"kind": "steps", "steps": [{"until_day": 30, "factor": "1"}, {"until_day": 90, "factor": "0.6"}], "after": "0.05"}"#
                .to_owned()
        ),
    ]
}

fn cap_period() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec!["day", "week", "month", "quarter", "year"])
}

fn day(n: i64) -> Date {
    Date::from_calendar_date(2023, time::Month::January, 1).expect("a date") + Duration::days(n)
}

/// Members `M00`.. on one-year terms (a few on an unknown plan, a few given twice).
fn members() -> impl Strategy<Value = Vec<MemberHistory>> {
    let member = (0usize..12, 0i64..500, 0u8..10, any::<bool>(), 0u8..3);
    prop::collection::vec(member, 1..14).prop_map(|rows| {
        rows.into_iter()
            .map(|(id, join, plan, auto_renew, org)| {
                let start = day(join);
                let end = start + Duration::days(364);
                let mut h = MemberHistory::new(Membership {
                    member_id: format!("M{id:02}").as_str().into(),
                    plan: if plan == 0 { "platinum" } else { "individual" }.into(),
                    member_since: start,
                    term: Term { start, end: Some(end) },
                    pending: false,
                    cancelled_on: None,
                    status_override: None,
                    deceased_on: None,
                    tax_exempt: false,
                });
                h.auto_renew = auto_renew;
                h.organization = [None, Some("Acme"), Some("Initech")][usize::from(org)].map(str::to_owned);
                h
            })
            .collect()
    })
}

/// Events of known and unknown members and kinds, on few distinct days (so that equal days and
/// caps are common), some before the member joined, some after the date, values missing,
/// negative or large.
fn events() -> impl Strategy<Value = Vec<ActivityEvent>> {
    let value = prop_oneof![
        Just(None),
        (0i64..100_000).prop_map(|c| Some(Decimal::new(c, 2))),
        Just(Some(Decimal::new(-5, 0))),
        Just(Some(Decimal::new(123_456_789, 3))),
    ];
    let event = (0usize..14, 0usize..6, 0i64..60, value);
    prop::collection::vec(event, 0..160).prop_map(|rows| {
        rows.into_iter()
            .map(|(m, k, d, value)| ActivityEvent {
                member_id: format!("M{m:02}").as_str().into(),
                date: day(300 + d * 7 + i64::try_from(m % 3).expect("small")),
                kind: KINDS.get(k).copied().unwrap_or("teleport").into(),
                value,
                row: None,
            })
            .collect()
    })
}

fn as_of() -> impl Strategy<Value = Date> {
    (200i64..900).prop_map(day)
}

// ------------------------------------------------------------------- the reference

/// The usable members (first row of each id, on a known plan, with a status on the date), each
/// with its events in input order; and every row error, as the row-by-row implementation gave
/// them.
#[allow(clippy::type_complexity)]
fn reference_roster<'a>(
    engine: &Engine,
    members: &'a [MemberHistory],
    events: &'a [ActivityEvent],
    as_of: Date,
) -> (Vec<(usize, &'a MemberHistory, Vec<&'a ActivityEvent>)>, Vec<RowError>) {
    let policy = &engine.success().policy;
    let mut errors = Vec::new();
    let mut good: Vec<(usize, &MemberHistory, Vec<&ActivityEvent>)> = Vec::new();
    let mut first_row: HashMap<&str, usize> = HashMap::new();
    let mut index: HashMap<&str, usize> = HashMap::new();
    for (position, h) in members.iter().enumerate() {
        let id = h.id();
        if let Some(&first) = first_row.get(id.0.as_str()) {
            let err = SuccessError::DuplicateMember { member_id: id.to_string(), first };
            errors.push(RowError::new(Source::Members, position, &err).member(Some(id.clone())));
            continue;
        }
        first_row.insert(id.0.as_str(), position);
        if let Err(e) = engine.plan(&h.membership.plan) {
            let err = SuccessError::InvalidMember { member_id: id.to_string(), message: e.to_string() };
            errors.push(RowError::new(Source::Members, position, &err).member(Some(id.clone())));
            continue;
        }
        index.insert(id.0.as_str(), good.len());
        good.push((position, h, Vec::new()));
    }
    for (position, e) in events.iter().enumerate() {
        let at = |err: &SuccessError| RowError::new(Source::Events, position, err).member(Some(e.member_id.clone()));
        let Some(&i) = index.get(e.member_id.0.as_str()) else {
            let err = if first_row.contains_key(e.member_id.0.as_str()) {
                SuccessError::InvalidMember {
                    member_id: e.member_id.to_string(),
                    message: "the member's roster row has an error (see members)".into(),
                }
            } else {
                SuccessError::UnknownMember { member_id: e.member_id.to_string() }
            };
            errors.push(at(&err));
            continue;
        };
        let Some(kind) = policy.activity_kinds.iter().find(|k| k.id == e.kind) else {
            errors.push(at(&SuccessError::UnknownActivityKind { kind: e.kind.to_string() }));
            continue;
        };
        let joined = good[i].1.joined();
        if e.date < joined {
            errors.push(at(&SuccessError::EventBeforeJoin {
                member_id: e.member_id.to_string(),
                date: e.date,
                joined,
            }));
        } else if e.value.is_some_and(|v| v.is_sign_negative() && !v.is_zero()) {
            errors.push(at(&SuccessError::NegativeEventValue { value: e.value.unwrap_or_default() }));
        } else if kind.per_value && e.value.is_none() {
            errors.push(at(&SuccessError::MissingEventValue { kind: e.kind.to_string() }));
        } else {
            good[i].2.push(e);
        }
    }
    errors.sort_by_key(RowError::sort_key);
    let mut keep = Vec::new();
    for m in good {
        match engine.status_on(&m.1.membership, as_of) {
            Ok(_) => keep.push(m),
            Err(e) => {
                let err = SuccessError::InvalidMember { member_id: m.1.id().to_string(), message: e.to_string() };
                errors.push(RowError::new(Source::Members, m.0, &err).member(Some(m.1.id().clone())));
            }
        }
    }
    errors.sort_by_key(RowError::sort_key);
    (keep, errors)
}

/// One member's score as the row-by-row implementation worked it out.
fn reference_score(policy: &SuccessPolicy, id: &str, events: &[&ActivityEvent], as_of: Date) -> Option<MemberScore> {
    let mut breakdown = Vec::new();
    let mut future_events = 0u32;
    let mut total = Decimal::new(0, 2);
    for kind in &policy.activity_kinds {
        let mut of_kind: Vec<(usize, &ActivityEvent)> =
            events.iter().copied().enumerate().filter(|(_, e)| e.kind == kind.id).collect();
        let before = of_kind.len();
        of_kind.retain(|(_, e)| e.date <= as_of);
        future_events += u32::try_from(before - of_kind.len()).ok()?;
        if of_kind.is_empty() {
            continue;
        }
        of_kind.sort_by(|(ia, a), (ib, b)| b.date.cmp(&a.date).then(ia.cmp(ib)));
        let mut per_period: BTreeMap<(i32, u32), u32> = BTreeMap::new();
        let (mut counted, mut capped) = (0u32, 0u32);
        let mut points = Decimal::ZERO;
        for (_, e) in &of_kind {
            if let Some(cap) = kind.cap {
                let n = per_period.entry(cap.per.key(e.date)).or_default();
                if *n >= cap.max {
                    capped += 1;
                    continue;
                }
                *n += 1;
            }
            counted += 1;
            let base = if kind.per_value { e.value.unwrap_or_default() } else { Decimal::ONE };
            let age = (as_of - e.date).whole_days();
            let p = base.checked_mul(kind.weight)?.checked_mul(policy.decay.factor(age))?;
            points = points.checked_add(p)?;
        }
        let mut points = points.round_dp_with_strategy(2, policy.rounding.strategy());
        points.rescale(2);
        total = total.checked_add(points)?;
        breakdown.push(KindPoints { kind: kind.id.clone(), events: counted + capped, counted, capped, points });
    }
    Some(MemberScore { member_id: id.into(), score: total, percentile: Decimal::ZERO, breakdown, future_events })
}

/// Every usable member's score with its percentile, and every row error.
fn reference_scores(
    engine: &Engine,
    members: &[MemberHistory],
    events: &[ActivityEvent],
    as_of: Date,
) -> Option<(Vec<MemberScore>, Vec<RowError>)> {
    let policy = &engine.success().policy;
    let (roster, errors) = reference_roster(engine, members, events, as_of);
    let mut scores: Vec<MemberScore> =
        roster.iter().map(|(_, h, evs)| reference_score(policy, &h.id().0, evs, as_of)).collect::<Option<Vec<_>>>()?;
    let mut sorted: Vec<Decimal> = scores.iter().map(|s| s.score).collect();
    sorted.sort();
    let n = Decimal::from(sorted.len().max(1));
    for s in &mut scores {
        let lower = sorted.partition_point(|x| *x < s.score);
        let mut p =
            (Decimal::from(lower) * Decimal::ONE_HUNDRED / n).round_dp_with_strategy(2, policy.rounding.strategy());
        p.rescale(2);
        s.percentile = p;
    }
    Some((scores, errors))
}

// ------------------------------------------------------------------- the rules' reference

enum Operand {
    Number(Decimal),
    Text(String),
    Bool(bool),
}

fn operand(v: &Value, number: bool, text: bool) -> Option<Operand> {
    match v {
        Value::Number(n) if number => Decimal::from_str(&n.to_string()).ok().map(Operand::Number),
        Value::String(s) if number => Decimal::from_str_exact(s).ok().map(Operand::Number),
        Value::String(s) if text => Some(Operand::Text(s.clone())),
        Value::Bool(b) if !number && !text => Some(Operand::Bool(*b)),
        _ => None,
    }
}

/// Whether a test holds, and its sentence, as the row-by-row implementation wrote them.
fn reference_holds(t: &Test, f: &MemberFacts) -> (bool, String) {
    let actual: Option<Operand> = match &t.fact {
        Fact::Plan => Some(Operand::Text(f.plan.to_string())),
        Fact::Status => Some(Operand::Text(f.status.to_string())),
        Fact::TenureDays => Some(Operand::Number(Decimal::from(f.tenure_days))),
        Fact::TenureYears => Some(Operand::Number(Decimal::from(f.tenure_years))),
        Fact::FirstYear => Some(Operand::Bool(f.first_year)),
        Fact::EngagementScore => Some(Operand::Number(f.engagement_score)),
        Fact::EngagementPercentile => Some(Operand::Number(f.engagement_percentile)),
        Fact::DaysToRenewal => f.days_to_renewal.map(|d| Operand::Number(Decimal::from(d))),
        Fact::AutoRenew => Some(Operand::Bool(f.auto_renew)),
        Fact::BalanceDue => Some(Operand::Number(f.balance_due)),
        Fact::Organization => f.organization.clone().map(Operand::Text),
        Fact::Attribute(name) => f.attributes.get(name).cloned().map(Operand::Text),
    };
    let (number, text) = match &t.fact {
        Fact::Plan | Fact::Status | Fact::Organization | Fact::Attribute(_) => (false, true),
        Fact::FirstYear | Fact::AutoRenew => (false, false),
        _ => (true, false),
    };
    let ops: Option<Vec<Operand>> = match t.op {
        Comparison::In | Comparison::NotIn => {
            t.value.as_array().and_then(|a| a.iter().map(|v| operand(v, number, text)).collect())
        }
        _ => operand(&t.value, number, text).map(|o| vec![o]),
    };
    let shown = match &actual {
        Some(Operand::Number(n)) => n.to_string(),
        Some(Operand::Text(s)) => s.clone(),
        Some(Operand::Bool(b)) => b.to_string(),
        None => "missing".to_owned(),
    };
    let op = serde_json::to_value(t.op).expect("an op");
    let sentence = format!("{} {} {} (is {shown})", t.fact, op.as_str().expect("text"), t.value);
    let (Some(actual), Some(ops)) = (actual, ops) else {
        return (false, sentence);
    };
    let eq = |a: &Operand, b: &Operand| match (a, b) {
        (Operand::Number(x), Operand::Number(y)) => x == y,
        (Operand::Text(x), Operand::Text(y)) => x == y,
        (Operand::Bool(x), Operand::Bool(y)) => x == y,
        _ => false,
    };
    let cmp = |b: &Operand| match (&actual, b) {
        (Operand::Number(x), Operand::Number(y)) => Some(x.cmp(y)),
        _ => None,
    };
    use std::cmp::Ordering::{Equal, Greater, Less};
    let ok = match t.op {
        Comparison::Eq => ops.first().is_some_and(|b| eq(&actual, b)),
        Comparison::Ne => ops.first().is_some_and(|b| !eq(&actual, b)),
        Comparison::Lt => ops.first().and_then(cmp) == Some(Less),
        Comparison::Le => matches!(ops.first().and_then(cmp), Some(Less | Equal)),
        Comparison::Gt => ops.first().and_then(cmp) == Some(Greater),
        Comparison::Ge => matches!(ops.first().and_then(cmp), Some(Greater | Equal)),
        Comparison::In => ops.iter().any(|b| eq(&actual, b)),
        Comparison::NotIn => !ops.iter().any(|b| eq(&actual, b)),
    };
    (ok, sentence)
}

fn reference_evaluate(rule: &Rule, f: &MemberFacts) -> Option<Vec<String>> {
    match rule {
        Rule::All(rules) => {
            let mut why = Vec::new();
            for r in rules {
                why.extend(reference_evaluate(r, f)?);
            }
            Some(why)
        }
        Rule::Any(rules) => rules.iter().find_map(|r| reference_evaluate(r, f)),
        Rule::Not(r) => match reference_evaluate(r, f) {
            Some(_) => None,
            None => Some(vec![format!("not ({})", reference_describe(r, f))]),
        },
        Rule::Test(t) => {
            let (ok, sentence) = reference_holds(t, f);
            ok.then(|| vec![sentence])
        }
    }
}

fn reference_describe(rule: &Rule, f: &MemberFacts) -> String {
    let join = |rules: &[Rule], sep: &str| rules.iter().map(|r| reference_describe(r, f)).collect::<Vec<_>>().join(sep);
    match rule {
        Rule::All(rules) => join(rules, " and "),
        Rule::Any(rules) => join(rules, " or "),
        Rule::Not(r) => format!("not ({})", reference_describe(r, f)),
        Rule::Test(t) => reference_holds(t, f).1,
    }
}

fn facts() -> impl Strategy<Value = MemberFacts> {
    (
        (prop::sample::select(vec!["individual", "retired"]), 0usize..4, any::<bool>()),
        (-50i64..2000, 0i64..6, any::<bool>()),
        (0i64..3000, 0i64..10_001),
        (prop::option::of(-30i64..400), any::<bool>(), 0i64..5000),
        (prop::option::of(prop::sample::select(vec!["Acme", "Globex"])), prop::option::of(0u8..3)),
    )
        .prop_map(
            |((plan, status, counts), (days, years, first), (score, pct), (renewal, auto, balance), (org, region))| {
                MemberFacts {
                    member_id: "M-1".into(),
                    plan: plan.into(),
                    status: [Status::Active, Status::Grace, Status::Lapsed, Status::New][status],
                    counts_as_member: counts,
                    tenure_days: days,
                    tenure_years: years,
                    first_year: first,
                    engagement_score: Decimal::new(score, 2),
                    engagement_percentile: Decimal::new(pct, 2),
                    days_to_renewal: renewal,
                    auto_renew: auto,
                    balance_due: Decimal::new(balance, 2),
                    organization: org.map(str::to_owned),
                    attributes: region
                        .map(|r| {
                            BTreeMap::from([(
                                "region".to_owned(),
                                ["north", "south", "east"][usize::from(r)].to_owned(),
                            )])
                        })
                        .unwrap_or_default(),
                }
            },
        )
}

fn test() -> impl Strategy<Value = Test> {
    let fact = prop::sample::select(vec![
        "plan",
        "status",
        "tenure_days",
        "tenure_years",
        "first_year",
        "engagement_score",
        "engagement_percentile",
        "days_to_renewal",
        "auto_renew",
        "balance_due",
        "organization",
        "attribute.region",
    ]);
    let op = prop::sample::select(vec!["eq", "ne", "lt", "le", "gt", "ge", "in", "not_in"]);
    let value = prop_oneof![
        (-100i64..3000).prop_map(|n| json!(n)),
        (0i64..10_000).prop_map(|n| json!(Decimal::new(n, 2).to_string())),
        any::<bool>().prop_map(|b| json!(b)),
        prop::sample::select(vec!["individual", "grace", "active", "Acme", "north", "x"]).prop_map(|s| json!(s)),
        prop::collection::vec(
            prop::sample::select(vec![json!("Acme"), json!("north"), json!("grace"), json!(5)]),
            0..3
        )
        .prop_map(Value::Array),
    ];
    (fact, op, value).prop_map(|(fact, op, value)| {
        serde_json::from_value(json!({"fact": fact, "op": op, "value": value})).expect("a test")
    })
}

fn rule() -> impl Strategy<Value = Rule> {
    test().prop_map(Rule::Test).prop_recursive(3, 12, 3, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 1..4).prop_map(Rule::All),
            prop::collection::vec(inner.clone(), 1..4).prop_map(Rule::Any),
            inner.prop_map(|r| Rule::Not(Box::new(r))),
        ]
    })
}

// ------------------------------------------------------------------- the logs

/// The events as text rows (ids and kinds with spaces around some of them, dates and values as
/// text), with a few rows the readers refuse (an empty id, an impossible date, a bad value).
fn text_rows(events: &[ActivityEvent]) -> Vec<(String, String, String, String)> {
    let mut rows: Vec<(String, String, String, String)> = events
        .iter()
        .enumerate()
        .map(|(i, e)| {
            let pad = if i % 3 == 0 { " " } else { "" };
            (
                format!("{pad}{}", e.member_id),
                e.date.to_string(),
                format!("{}{pad}", e.kind),
                e.value.map(|v| v.to_string()).unwrap_or_default(),
            )
        })
        .collect();
    for (i, bad) in [
        ("", "2023-03-01", "login", ""),
        ("M01", "2023-02-30", "login", ""),
        ("M01", "2023-03-01", "donation", "lots"),
        ("M02", "2023-03-01", " ", ""),
    ]
    .into_iter()
    .enumerate()
    {
        let at = (i * 7).min(rows.len());
        rows.insert(at, (bad.0.into(), bad.1.into(), bad.2.into(), bad.3.into()));
    }
    rows
}

fn event_rows(rows: &[(String, String, String, String)]) -> Vec<EventRow<'_>> {
    rows.iter()
        .map(|(m, d, k, v)| EventRow { member_id: m, date: Cell::Text(d), kind: k, value: Cell::Text(v) })
        .collect()
}

/// The rows dictionary-coded, as a binding gives a frame's columns: each distinct id and kind
/// once, dates and values typed where they read.
fn coded_log(rows: &[(String, String, String, String)]) -> (ActivityLog<'_>, Vec<RowError>) {
    fn code<'a>(names: &mut Vec<&'a str>, name: &'a str) -> usize {
        names.iter().position(|n| *n == name).unwrap_or_else(|| {
            names.push(name);
            names.len() - 1
        })
    }
    let mut ids: Vec<&str> = Vec::new();
    let mut kinds: Vec<&str> = Vec::new();
    let mut coded = Vec::new();
    for (m, d, k, v) in rows {
        let member = code(&mut ids, m);
        let kind = code(&mut kinds, k);
        let date = match Cell::<Date>::Text(d).read() {
            Ok(Some(date)) => Cell::Value(date),
            _ => Cell::Text(d.as_str()),
        };
        let value = match Cell::<Decimal>::Text(v).read() {
            Ok(Some(value)) => Cell::Value(value),
            Ok(None) => Cell::Empty,
            Err(_) => Cell::Text(v.as_str()),
        };
        coded.push((member, date, kind, value));
    }
    let rows = coded.into_iter().map(|(member, date, kind, value)| CodedEventRow {
        member_id: Some(member),
        date,
        kind: Some(kind),
        value,
    });
    ActivityLog::read_coded(&ids, &kinds, rows)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn engagement_over_the_log_is_the_row_by_row_answer(
        members in members(), events in events(), as_of in as_of(), decay in decay(), cap in cap_period(),
    ) {
        let engine = engine(&decay, cap);
        let got = engagement_scores(engine.success(), &members, &events, as_of, &Default::default());
        match reference_scores(&engine, &members, &events, as_of) {
            Some((scores, errors)) => {
                let got = got.expect("the reference scored them");
                prop_assert_eq!(got.scores, scores);
                prop_assert_eq!(got.errors, errors);
            }
            None => prop_assert!(got.is_err(), "the reference overflowed"),
        }
    }

    #[test]
    fn a_rule_is_evaluated_as_before(rule in rule(), facts in facts()) {
        prop_assert_eq!(rule.evaluate(&facts), reference_evaluate(&rule, &facts));
    }

    #[test]
    fn every_reader_gives_the_same_log(
        members in members(), events in events(), as_of in as_of(), decay in decay(), cap in cap_period(),
    ) {
        let engine = engine(&decay, cap);
        let ctx = engine.success();
        let rows = text_rows(&events);
        let (read, read_errors) = read_events(event_rows(&rows));
        let (log, log_errors) = ActivityLog::read(event_rows(&rows));
        let (coded, coded_errors) = coded_log(&rows);
        prop_assert_eq!(&log_errors, &read_errors);
        prop_assert_eq!(&coded_errors, &read_errors);
        prop_assert_eq!(log.len(), read.len());
        prop_assert_eq!(coded.len(), read.len());
        let seats = BTreeMap::from([("Acme".to_owned(), 10)]);
        let previous = vec![PreviousTrigger { member_id: "M01".into(), rule: "quiet".into(), date: as_of - Duration::days(3) }];
        let a = engagement_scores(ctx, &members, &read, as_of, &seats);
        prop_assert_eq!(&engagement_scores(ctx, &members, &log, as_of, &seats), &a);
        prop_assert_eq!(&engagement_scores(ctx, &members, &coded, as_of, &seats), &a);
        let a = segments(ctx, &members, &read, as_of);
        prop_assert_eq!(&segments(ctx, &members, &log, as_of), &a);
        prop_assert_eq!(&segments(ctx, &members, &coded, as_of), &a);
        let a = at_risk(ctx, &members, &read, &previous, as_of);
        prop_assert_eq!(&at_risk(ctx, &members, &log, &previous, as_of), &a);
        prop_assert_eq!(&at_risk(ctx, &members, &coded, &previous, as_of), &a);
        let a = journeys(ctx, &members, &read, as_of);
        prop_assert_eq!(&journeys(ctx, &members, &log, as_of), &a);
        prop_assert_eq!(&journeys(ctx, &members, &coded, as_of), &a);
        let a = upgrade_candidates(ctx, &members, &read, as_of);
        prop_assert_eq!(&upgrade_candidates(ctx, &members, &log, as_of), &a);
        prop_assert_eq!(&upgrade_candidates(ctx, &members, &coded, as_of), &a);
    }

    #[test]
    fn segments_and_at_risk_match_the_rules_on_each_members_facts(
        members in members(), events in events(), as_of in as_of(),
    ) {
        // The segments and triggers are the reference rules applied to facts built from the
        // reference scores.
        let engine = engine(r#"{"kind": "half_life", "days": 90}"#, "week");
        let ctx = engine.success();
        let Some((scores, _)) = reference_scores(&engine, &members, &events, as_of) else { return Ok(()) };
        let (roster, _) = reference_roster(&engine, &members, &events, as_of);
        let report = segments(ctx, &members, &events, as_of).expect("segments");
        let risk = at_risk(ctx, &members, &events, &[], as_of).expect("at risk");
        let mut flagged = HashSet::new();
        for (((_, h, _), s), got) in roster.iter().zip(&scores).zip(&report.members) {
            let status = engine.status_on(&h.membership, as_of).expect("a status");
            // The policy's rules test no tenure: those facts are left at zero.
            let facts = MemberFacts {
                member_id: h.id().clone(),
                plan: h.membership.plan.clone(),
                status: status.status,
                counts_as_member: status.counts_as_member,
                tenure_days: 0,
                tenure_years: 0,
                first_year: false,
                engagement_score: s.score,
                engagement_percentile: s.percentile,
                days_to_renewal: h.membership.term.end.map(|e| (e - as_of).whole_days()),
                auto_renew: h.auto_renew,
                balance_due: h.balance_due,
                organization: h.organization.clone(),
                attributes: h.attributes.clone(),
            };
            prop_assert_eq!(&got.member_id, h.id());
            let want: Vec<(String, Vec<String>)> = ctx.policy.segments.iter()
                .filter_map(|seg| reference_evaluate(&seg.rule, &facts).map(|m| (seg.id.clone(), m)))
                .collect();
            let have: Vec<(String, Vec<String>)> = got.segments.iter().map(|m| (m.segment.clone(), m.matched.clone())).collect();
            prop_assert_eq!(have, want);
            if ctx.policy.at_risk.iter().any(|r| reference_evaluate(&r.when, &facts).is_some()) {
                flagged.insert(h.id().0.clone());
            }
        }
        let got: HashSet<String> = risk.triggers.iter().map(|t| t.member_id.0.clone()).collect();
        prop_assert_eq!(got, flagged);
    }
}
