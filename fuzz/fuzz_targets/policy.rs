//! Policy JSON → parse, validate, compile. A policy that compiles must survive a JSON round trip
//! unchanged, and every refusal must carry a code from the error table.
#![no_main]

use amscore::{error_table, Engine, ErrorCode, Policy};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    match Policy::from_json(text) {
        Ok(policy) => {
            let engine = Engine::new(policy.clone()).expect("a policy that validated compiles");
            let json = policy.to_json().expect("a policy serializes");
            let again = Policy::from_json(&json).expect("a serialized policy reads back");
            assert_eq!(again, policy, "policy JSON round trip");
            assert_eq!(engine.policy(), &policy);
        }
        Err(e) => assert!(error_table().iter().any(|row| row.code == e.code()), "code {} not in the table", e.code()),
    }
});
