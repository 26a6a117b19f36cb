//! Sends JSON-lines gateway requests (stdin) to an engine compiled from a policy file and prints
//! one response per line: a command-line window on the JSON gateway.
//!
//! `cargo run -p amscore --example gateway_call -- policy.json < requests.jsonl`

use std::io::{BufRead, Write};
use std::process::ExitCode;

fn main() -> ExitCode {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: gateway_call POLICY.json < requests.jsonl");
        return ExitCode::FAILURE;
    };
    let engine = match std::fs::read_to_string(&path)
        .map_err(|e| e.to_string())
        .and_then(|t| amscore::Engine::from_json(&t).map_err(|e| e.to_string()))
    {
        Ok(e) => e,
        Err(e) => {
            eprintln!("{path}: {e}");
            return ExitCode::FAILURE;
        }
    };
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    for line in std::io::stdin().lock().lines().map_while(Result::ok) {
        if !line.trim().is_empty() && writeln!(out, "{}", amscore::gateway::call(&engine, &line)).is_err() {
            return ExitCode::FAILURE;
        }
    }
    ExitCode::SUCCESS
}
