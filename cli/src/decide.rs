//! `amscore decide REQUESTS.jsonl --policy P [--what-if P2] [-o OUT]`: the website's requests
//! through the self-service decision ([`Engine::decide_batch`]), the coverage report as the core
//! writes it, and with `--what-if` the replay under another policy ([`Engine::what_if`]).

use std::path::Path;

use amscore::gateway::{error_document, GatewayError};
use amscore::{format_coverage, format_what_if, parse_request_lines};
use serde_json::json;

use crate::fail::{Fail, Status};
use crate::out;
use crate::output::Out;
use crate::policy::{io_why, load};

/// Runs the subcommand.
///
/// # Errors
/// [`Fail`]: a policy or requests file that cannot be read, an output that cannot be written.
pub fn run(requests: &Path, policy: &str, what_if: Option<&str>, output: Option<&Path>) -> Result<Status, Fail> {
    let engine = load(policy)?;
    let other = what_if.map(load).transpose()?;
    let text = std::fs::read_to_string(requests).map_err(|e| Fail::input(requests.display(), io_why(&e)))?;
    let rows = parse_request_lines(&text);
    let batch = engine.decide_batch(&rows);
    if let Some(path) = output {
        let mut file = Out::file(path)?;
        for result in &batch.results {
            let doc = match result {
                Ok(d) => json!({ "ok": d }),
                Err(e) => error_document(&GatewayError::Engine(e.clone())),
            };
            file.line(&doc.to_string())?;
        }
        file.finish()?;
    }
    let mut out = Out::stdout();
    out!(out, "== {}: {} requests ==", requests.display(), rows.len())?;
    out.text(&format_coverage(&batch.report))?;
    if let Some(other) = &other {
        out.text(&format!("\n{}", format_what_if(&engine.what_if(other, &rows))))?;
    }
    out.finish()?;
    Ok(Status::Done)
}
