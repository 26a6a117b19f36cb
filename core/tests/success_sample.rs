//! The bundled sample's activity log and the success section of its policy: the log parses without a bad line, and
//! the success section compiles on top of the amscore preset and scores the log.

use std::path::PathBuf;

use amscore::success::{engagement_scores, parse_activity_csv, MemberHistory};
use amscore::{Membership, Term};
use time::macros::date;

fn sample(name: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../examples/sample").join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn sample_activity_log_parses_cleanly() {
    let text = sample("activity.csv");
    let (events, errors) = parse_activity_csv(&text).expect("header");
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(events.len(), text.lines().count() - 1);
    assert!(events.iter().all(|e| e.member_id.0.starts_with("M0") && e.date <= date!(2026 - 11 - 24)));
}

#[test]
fn sample_success_policy_compiles_and_scores_every_kind() {
    let sample_policy: serde_json::Value = serde_json::from_str(&sample("policy.json")).expect("JSON");
    let policy = serde_json::json!({"version": 1, "preset": "amscore", "success": sample_policy["success"]});
    let engine = amscore::gateway::engine_from_value(policy).expect("the sample success policy compiles");
    let (events, _) = parse_activity_csv(&sample("activity.csv")).expect("header");
    // One long-standing member standing in for M0001, to check every logged kind is declared.
    let one: Vec<_> = events.iter().filter(|e| e.member_id.0 == "M0001").cloned().collect();
    let member = MemberHistory::new(Membership {
        member_id: "M0001".into(),
        plan: "individual".into(),
        member_since: date!(2019 - 01 - 01),
        term: Term::new(date!(2026 - 01 - 01), Some(date!(2026 - 12 - 31))).expect("term"),
        pending: false,
        cancelled_on: None,
        status_override: None,
        deceased_on: None,
        tax_exempt: false,
    });
    let r = engagement_scores(engine.success(), &[member], &one, date!(2026 - 11 - 24), &Default::default())
        .expect("scores");
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    assert_eq!(r.scores[0].breakdown.iter().map(|k| k.events as usize).sum::<usize>(), one.len());
}

#[test]
fn sample_roster_and_activity_give_an_at_risk_list_and_a_retention_summary() {
    use amscore::success::{at_risk, format_at_risk, format_retention, retention_metrics, Economics};
    let policy: serde_json::Value = serde_json::from_str(&sample("policy.json")).expect("JSON");
    let engine = amscore::gateway::engine_from_value(policy).expect("the sample policy compiles");
    let roster = amscore::Roster::from_csv(engine.rules(), sample("roster.csv").as_bytes()).expect("roster");
    let members: Vec<MemberHistory> = roster.members;
    let (events, bad_lines) = parse_activity_csv(&sample("activity.csv")).expect("header");
    assert!(bad_lines.is_empty());
    let today = date!(2026 - 11 - 24);
    let risk = at_risk(engine.success(), &members, &events, &[], today).expect("at risk");
    // The generator skips the roster's bad rows, so every event belongs to a loaded member,
    // on or after their join: no row errors at all.
    assert!(risk.errors.is_empty(), "{:?}", &risk.errors[..risk.errors.len().min(5)]);
    assert!(!risk.triggers.is_empty());
    assert!(risk.triggers.windows(2).all(|w| w[0].priority <= w[1].priority));
    let econ = Economics::new(amscore::Currency::USD, "200".parse().expect("dues"), "100".parse().expect("non-dues"));
    let retention = retention_metrics(engine.success(), &members, today, Some(&econ)).expect("retention");
    let c = retention.counts;
    assert!(c.joined_last_12_months <= c.members_now && c.members_now as usize <= members.len());
    assert!(retention.errors.is_empty(), "{:?}", retention.errors);
    assert!(format_at_risk(&risk).starts_with(&format!("At-risk members: {}\n", risk.triggers.len())));
    assert!(format_retention(&retention).contains("snapshot basis: renewal "));
}
