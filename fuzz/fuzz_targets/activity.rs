//! The activity log (the main job's second CSV) and engagement scoring over it, against the
//! sample association's policy: every non-blank line after the header becomes an event or a row
//! error, and scoring answers or refuses with a code from the error table (never panics, e.g. on
//! a huge `value` times a weight).
#![no_main]

use std::collections::BTreeMap;
use std::sync::OnceLock;

use amscore::success::{engagement_scores, parse_activity_csv, MemberHistory};
use amscore::{error_table, Engine, ErrorCode};
use libfuzzer_sys::fuzz_target;
use time::macros::date;

fn engine() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(|| {
        Engine::from_json(include_str!("../../examples/sample/policy.json")).expect("the sample policy compiles")
    })
}

fn members() -> &'static [MemberHistory] {
    static MEMBERS: OnceLock<Vec<MemberHistory>> = OnceLock::new();
    MEMBERS.get_or_init(|| {
        ["M0039", "M0080", "M1"]
            .iter()
            .map(|id| {
                serde_json::from_value(serde_json::json!({"membership": {"member_id": id, "plan": "individual",
                    "member_since": "2022-01-01", "term": {"start": "2025-01-01", "end": "2025-12-31"}}}))
                .expect("a member history")
            })
            .collect()
    })
}

fn in_table(code: u32) -> bool {
    error_table().iter().any(|r| r.code == code)
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let (events, errors) = match parse_activity_csv(&text) {
        Ok(read) => read,
        Err(e) => {
            // A bad header refuses the whole log, with a code from the table.
            assert!(in_table(e.code()), "{e}");
            return;
        }
    };
    for e in &errors {
        assert!(in_table(e.code), "{e:?}");
    }
    // Nothing dropped silently and nothing fabricated: every row is one event or one error.
    let mut rows: Vec<usize> = events.iter().filter_map(|e| e.row).chain(errors.iter().map(|e| e.row)).collect();
    let read = rows.len();
    rows.sort_unstable();
    rows.dedup();
    assert_eq!(rows.len(), read, "a row gave two results");
    assert_eq!(events.iter().filter(|e| e.row.is_none()).count(), 0, "an event without its row");
    match engagement_scores(engine().success(), members(), &events, date!(2025 - 06 - 30), &BTreeMap::new()) {
        Ok(report) => {
            for e in &report.errors {
                assert!(in_table(e.code), "{e:?}");
            }
        }
        Err(e) => assert!(in_table(e.code())),
    }
});
