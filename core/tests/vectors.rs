//! Runs every shared conformance vector in `tests/vectors/*.json` through the JSON gateway.

use std::collections::HashSet;
use std::path::PathBuf;

use serde_json::Value;

fn vectors_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..").join("tests").join("vectors")
}

/// Runs one case and returns a description of the mismatch, if any.
fn run_case(file_policy: &Value, case: &Value) -> Result<(), String> {
    let policy = case.get("policy").unwrap_or(file_policy).clone();
    let response = match amscore::gateway::engine_from_value(policy) {
        Ok(engine) => amscore::gateway::call_value(&engine, case["request"].clone()),
        Err(e) => amscore::gateway::error_document(&e),
    };
    let expect = &case["expect"];
    if let Some(ok) = expect.get("ok") {
        if response.get("ok") == Some(ok) {
            return Ok(());
        }
        return Err(format!("expected ok {ok}\n   got {response}"));
    }
    let Some(want) = expect.get("error").and_then(Value::as_object) else {
        return Err("expect must be {\"ok\": ...} or {\"error\": {...}}".into());
    };
    let got = response.get("error").ok_or_else(|| format!("expected error {expect}\n   got {response}"))?;
    for key in ["code", "name"] {
        if !want.contains_key(key) {
            return Err(format!("expected error must give `{key}`"));
        }
    }
    for (key, value) in want {
        if !["code", "name", "message", "path"].contains(&key.as_str()) {
            return Err(format!("unknown key `{key}` in expected error"));
        }
        if got.get(key) != Some(value) {
            return Err(format!(
                "error {key}: expected {value}, got {}\n   full response {response}",
                got.get(key).unwrap_or(&Value::Null)
            ));
        }
    }
    Ok(())
}

#[test]
fn all_shared_vectors_pass() {
    let mut files: Vec<PathBuf> = std::fs::read_dir(vectors_dir())
        .expect("tests/vectors exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no vector files found");
    let mut names = HashSet::new();
    let mut failures = Vec::new();
    let mut count = 0;
    for file in &files {
        let text = std::fs::read_to_string(file).expect("readable vector file");
        let doc: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        let cases = doc["cases"].as_array().unwrap_or_else(|| panic!("{}: no cases", file.display()));
        for case in cases {
            let name = case["name"].as_str().unwrap_or_else(|| panic!("{}: case without name", file.display()));
            assert!(case["checks"].as_str().is_some_and(|c| !c.is_empty()), "{name}: say what it checks");
            assert!(names.insert(name.to_owned()), "duplicate case name {name}");
            count += 1;
            if let Err(why) = run_case(&doc["policy"], case) {
                failures.push(format!(
                    "{}::{name}: {why}",
                    file.file_name().map(|f| f.to_string_lossy()).unwrap_or_default()
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{} of {count} vector cases failed:\n{}", failures.len(), failures.join("\n"));
    eprintln!("{count} vector cases passed");
}
