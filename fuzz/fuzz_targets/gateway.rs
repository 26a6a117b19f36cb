//! Request JSON through the JSON gateway (the one the C API and Python use) with fixed engines:
//! the first byte picks a preset, the rest is the request. Every answer must be one JSON
//! document holding exactly `ok` or an `error` with a code from the error table.
#![no_main]

use std::sync::OnceLock;

use amscore::{error_table, gateway, Engine, PRESETS};
use libfuzzer_sys::fuzz_target;

fn engines() -> &'static [Engine] {
    static ENGINES: OnceLock<Vec<Engine>> = OnceLock::new();
    ENGINES
        .get_or_init(|| PRESETS.iter().map(|(name, _)| Engine::from_preset(name).expect("presets compile")).collect())
}

/// Asserts a gateway response is `{"ok": ...}` or `{"error": {"code", "name", "message", ...}}`.
pub fn check_response(text: &str) {
    let doc: serde_json::Value = serde_json::from_str(text).expect("the gateway answers JSON");
    let obj = doc.as_object().expect("the answer is an object");
    assert_eq!(obj.len(), 1, "exactly one of ok / error: {text}");
    if let Some(err) = obj.get("error") {
        let code = err["code"].as_u64().expect("an error has a numeric code");
        let name = err["name"].as_str().expect("an error has a name");
        assert!(error_table().iter().any(|r| u64::from(r.code) == code && r.name == name), "{code} {name}");
        assert!(err["message"].is_string());
    } else {
        assert!(obj.contains_key("ok"), "{text}");
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else { return };
    let Ok(request) = std::str::from_utf8(rest) else { return };
    let engines = engines();
    let engine = &engines[usize::from(pick) % engines.len()];
    check_response(&gateway::call(engine, request));
});
