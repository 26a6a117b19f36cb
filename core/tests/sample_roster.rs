//! Loads the bundled sample association (`examples/sample/`) and checks exact counts.
//!
//! The expected numbers come from the construction in `examples/sample/generate.py`: every
//! member is built for a status on 2026-11-24, and every bad row is built with exactly one
//! problem of a named kind. If the generator changes, rerun it and update these numbers from
//! what it prints.

use std::collections::BTreeMap;
use std::path::PathBuf;

use amscore::{Engine, Roster, Status};
use time::macros::date;

fn sample() -> (Engine, Roster) {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..").join("examples").join("sample");
    let policy = std::fs::read_to_string(dir.join("policy.json")).expect("examples/sample/policy.json");
    let engine = Engine::from_json(&policy).expect("the sample policy is valid");
    let csv = std::fs::read(dir.join("roster.csv")).expect("examples/sample/roster.csv");
    let roster = Roster::from_csv(engine.rules(), &csv[..]).expect("the sample roster's header is valid");
    (engine, roster)
}

#[test]
fn sample_roster_rows_are_all_accounted_for() {
    let (_, roster) = sample();
    assert_eq!(roster.rows_read, 1512);
    assert_eq!(roster.rows_used(), 1402);
    assert_eq!(roster.rows_with_problems(), 110);
    assert_eq!(roster.problems.len(), 110, "each bad row has exactly one problem");
    assert_eq!(roster.members.len(), 383);
    // Every row number appears exactly once: in one member's history or in the problems.
    let mut rows: Vec<usize> = roster.members.iter().flat_map(|m| m.terms.iter().filter_map(|t| t.row)).collect();
    rows.extend(roster.problems.iter().map(|p| p.row));
    rows.sort_unstable();
    assert_eq!(rows, (0..1512).collect::<Vec<_>>());
}

#[test]
fn sample_roster_problems_by_kind() {
    let (_, roster) = sample();
    let counts = roster.problem_counts();
    let counts: Vec<(u32, &str, usize)> = counts.iter().map(|c| (c.code, c.name.as_str(), c.count)).collect();
    assert_eq!(
        counts,
        [
            (1505, "malformed_row", 4),
            (1506, "missing_value", 10),
            (1507, "impossible_date", 10),
            (1508, "term_end_before_start", 10),
            (1509, "plan_not_in_policy", 10),
            (1510, "overlapping_terms", 10),
            (1511, "duplicate_term_record", 10),
            (1512, "wrong_currency", 10),
            (1513, "invalid_currency_code", 4),
            (1514, "unparsable_amount", 10),
            (1515, "unparsable_flag", 10),
            (1516, "unparsable_status", 4),
            (1517, "member_since_after_term_end", 4),
            (1518, "lifetime_term_has_end", 4),
        ]
    );
}

#[test]
fn sample_roster_first_problems_name_row_field_and_value() {
    let (_, roster) = sample();
    let first: Vec<String> = roster.problems.iter().take(3).map(ToString::to_string).collect();
    assert_eq!(
        first,
        [
            "row 1, member_id ``: a value is required",
            "row 31, amount_paid `two hundred`: invalid amount: expected a decimal number such as 12.50",
            "row 51, member_since `2023-00-10`: not a calendar date (expected YYYY-MM-DD)",
        ]
    );
    assert_eq!(
        (roster.problems[1].line, roster.problems[1].member_id.as_ref().map(|m| m.0.as_str())),
        (Some(32), Some("M0008"))
    );
}

#[test]
fn sample_members_by_status_on_2026_11_24() {
    let (engine, roster) = sample();
    let mut by_status: BTreeMap<Status, usize> = BTreeMap::new();
    for m in &roster.members {
        let status = engine.status_on(&m.membership, date!(2026 - 11 - 24)).expect("every sample member has a status");
        *by_status.entry(status.status).or_default() += 1;
    }
    assert_eq!(
        by_status.into_iter().collect::<Vec<_>>(),
        [
            (Status::Pending, 12),
            (Status::New, 30),
            (Status::Active, 190),
            (Status::Grace, 20),
            (Status::Lapsed, 35),
            (Status::Expired, 70),
            (Status::Cancelled, 15),
            (Status::Suspended, 5),
            (Status::Deceased, 6),
        ]
    );
}
