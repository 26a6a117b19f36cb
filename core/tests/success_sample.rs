//! The bundled sample's activity log and success policy: the log parses without a bad line, and
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
    let (events, errors) = parse_activity_csv(&text);
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(events.len(), text.lines().count() - 1);
    assert!(events.iter().all(|e| e.member_id.0.starts_with("M0") && e.date <= date!(2026 - 11 - 24)));
}

#[test]
fn sample_success_policy_compiles_and_scores_every_kind() {
    let success: serde_json::Value = serde_json::from_str(&sample("success_policy.json")).expect("JSON");
    let policy = serde_json::json!({"version": 1, "preset": "amscore", "success": success});
    let engine = amscore::gateway::engine_from_value(policy).expect("the sample success policy compiles");
    let (events, _) = parse_activity_csv(&sample("activity.csv"));
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
    });
    let r = engagement_scores(&engine, &[member], &one, date!(2026 - 11 - 24), &Default::default()).expect("scores");
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    assert_eq!(r.scores[0].breakdown.iter().map(|k| k.events as usize).sum::<usize>(), one.len());
}
