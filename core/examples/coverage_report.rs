//! Decides a JSON-lines file of self-service requests under a policy and prints the coverage
//! report; with a second policy, also what would change under it.
//!
//! `cargo run -p amscore --example coverage_report -- [policy.json] [requests.jsonl] [other-policy.json]`
//! (defaults: the bundled sample in `examples/sample/`).

use std::path::PathBuf;
use std::process::ExitCode;

use amscore::{format_coverage, parse_request_lines, Engine};

fn sample(name: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../examples/sample").join(name).display().to_string()
}

fn run() -> Result<(), String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let policy_path = args.first().cloned().unwrap_or_else(|| sample("policy.json"));
    let requests_path = args.get(1).cloned().unwrap_or_else(|| sample("requests.jsonl"));
    let read = |p: &str| std::fs::read_to_string(p).map_err(|e| format!("{p}: {e}"));
    let engine = Engine::from_json(&read(&policy_path)?).map_err(|e| format!("{policy_path}: {e}"))?;
    let rows = parse_request_lines(&read(&requests_path)?);
    let batch = engine.decide_batch(&rows);
    println!("{} requests from {requests_path}, policy {policy_path}\n", rows.len());
    print!("{}", format_coverage(&batch.report));
    for (i, err) in batch.results.iter().enumerate().filter_map(|(i, r)| r.as_ref().err().map(|e| (i, e))).take(5) {
        println!("row {}: error {}", i + 1, err);
    }
    if let Some(other_path) = args.get(2) {
        let other = Engine::from_json(&read(other_path)?).map_err(|e| format!("{other_path}: {e}"))?;
        print!("\n{}", amscore::format_what_if(&engine.what_if(&other, &rows)));
    }
    Ok(())
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("coverage_report: {e}");
            ExitCode::FAILURE
        }
    }
}
