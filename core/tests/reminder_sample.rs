//! The sample association's reminders on its date (2026-11-24): the section the main job prints
//! ("today's reminders, and what fatigue held back") comes from one call, and agrees with the
//! forecast's first day.

use std::collections::BTreeMap;
use std::path::PathBuf;

use amscore::success::{parse_activity_csv, reminders_due, reminders_forecast, MemberHistory};
use time::macros::date;

fn sample(name: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../examples/sample").join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn the_sample_association_has_reminders_due_and_held_back_today() {
    let policy: serde_json::Value = serde_json::from_str(&sample("policy.json")).expect("JSON");
    let engine = amscore::gateway::engine_from_value(policy).expect("the sample policy compiles");
    let roster = amscore::Roster::from_csv(engine.rules(), sample("roster.csv").as_bytes()).expect("roster");
    let members: Vec<MemberHistory> = roster.members;
    let (events, _) = parse_activity_csv(&sample("activity.csv")).expect("header");
    let today = date!(2026 - 11 - 24);
    let r = reminders_due(engine.success(), &members, &events, &[], today).expect("reminders");
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    let mut by_sequence: BTreeMap<&str, usize> = BTreeMap::new();
    for m in &r.due {
        *by_sequence.entry(m.sequence.as_str()).or_default() += 1;
    }
    let mut held: BTreeMap<&str, usize> = BTreeMap::new();
    for h in &r.suppressed {
        *held.entry(h.rule.as_str()).or_default() += 1;
    }
    println!("due {} {by_sequence:?}; held back {} {held:?}", r.due.len(), r.suppressed.len());
    assert!(!r.due.is_empty() && !r.suppressed.is_empty());
    let mut ids: Vec<_> = r.due.iter().map(|m| &m.member_id).collect();
    ids.dedup();
    assert_eq!(ids.len(), r.due.len(), "one message per member at most");
    let f = reminders_forecast(engine.success(), &members, &events, &[], today, 1).expect("forecast");
    assert_eq!(f.rows.iter().map(|row| row.messages as usize).sum::<usize>(), r.due.len());
}
