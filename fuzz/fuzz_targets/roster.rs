//! CSV roster loading against the amscore preset: every input is either refused whole (a header
//! problem, with a code from the error table) or loaded with every row used or reported.
#![no_main]

use std::sync::OnceLock;

use amscore::{error_table, Engine, ErrorCode, Roster};
use libfuzzer_sys::fuzz_target;

fn engine() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(|| Engine::from_preset("amscore").expect("the preset compiles"))
}

fuzz_target!(|data: &[u8]| {
    match Roster::from_csv(engine().rules(), data) {
        Ok(roster) => {
            // Nothing dropped silently: every row read is used or has a problem.
            assert_eq!(roster.rows_used() + roster.rows_with_problems(), roster.rows_read);
            for p in &roster.problems {
                assert!(error_table().iter().any(|r| r.code == p.code && r.name == p.name), "{p}");
            }
        }
        Err(e) => assert!(error_table().iter().any(|r| r.code == e.code())),
    }
});
