//! A fuzzed policy and a fuzzed request, separated by the first NUL byte: the policy is compiled
//! as the vector runners do, and if it compiles the request goes through the JSON gateway.
#![no_main]

use amscore::{error_table, gateway, ErrorCode};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some(split) = data.iter().position(|&b| b == 0) else { return };
    let (Ok(policy), Ok(request)) = (std::str::from_utf8(&data[..split]), std::str::from_utf8(&data[split + 1..]))
    else {
        return;
    };
    let Ok(policy) = serde_json::from_str(policy) else { return };
    match gateway::engine_from_value(policy) {
        Ok(engine) => {
            let doc: serde_json::Value = serde_json::from_str(&gateway::call(&engine, request)).expect("JSON answer");
            let obj = doc.as_object().expect("an object");
            assert!(obj.len() == 1 && (obj.contains_key("ok") || obj.contains_key("error")), "{doc}");
        }
        Err(e) => assert!(error_table().iter().any(|r| r.code == e.code())),
    }
});
