//! The policy argument (a file or a preset name), `policy check` and `policy schema`.

use std::path::Path;

use amscore::{Engine, ErrorCode, PolicyError, PRESETS};

use crate::fail::{Fail, Status};
use crate::output::Out;

/// Where a policy comes from.
enum Source<'a> {
    File(&'a Path),
    Preset(&'a str),
}

/// A policy argument: a file when one is there (or the argument looks like a path), a preset
/// when it is a preset's name.
///
/// # Errors
/// [`Fail::Input`]: `no such file` for a path that is not there, the list of presets for a name
/// that is neither.
fn source(arg: &str) -> Result<Source<'_>, Fail> {
    let path = Path::new(arg);
    if path.exists() {
        return Ok(Source::File(path));
    }
    if PRESETS.iter().any(|(name, _)| *name == arg) {
        return Ok(Source::Preset(arg));
    }
    let looks_like_a_path = arg.contains(std::path::MAIN_SEPARATOR) || arg.contains('/') || arg.ends_with(".json");
    if looks_like_a_path {
        return Err(Fail::input(arg, "no such file"));
    }
    let presets: Vec<&str> = PRESETS.iter().map(|(name, _)| *name).collect();
    Err(Fail::input(arg, format!("no such file, and no such preset (presets: {})", presets.join(", "))))
}

/// Reads a policy file as text.
///
/// # Errors
/// [`Fail::Input`] naming the file.
pub fn read_text(path: &Path) -> Result<String, Fail> {
    std::fs::read_to_string(path).map_err(|e| Fail::input(path.display(), io_why(&e)))
}

/// An I/O error as the reason of an input's failure (`no such file` rather than the OS's words
/// for the common case).
pub fn io_why(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file".into(),
        _ => e.to_string(),
    }
}

/// Compiles the policy an argument names, or says why not.
fn compile(arg: &str) -> Result<Result<Engine, PolicyError>, Fail> {
    Ok(match source(arg)? {
        Source::File(path) => Engine::from_json(&read_text(path)?),
        Source::Preset(name) => Engine::from_preset(name),
    })
}

/// A policy's problem as one line: `<path>: <message> [<name> <code>]`.
pub fn problem(e: &PolicyError) -> String {
    format!("{e} [{} {}]", e.name(), e.code())
}

/// The engine of a policy argument.
///
/// # Errors
/// [`Fail::Input`]: the file or preset, and the core's problem with its path.
pub fn load(arg: &str) -> Result<Engine, Fail> {
    compile(arg)?.map_err(|e| Fail::input(arg, problem(&e)))
}

/// `amscore policy check P`: the policy's problem (the core reports the first one it finds,
/// with its path) and exit 1, or a line saying it is valid.
///
/// # Errors
/// [`Fail`] when the policy cannot be read at all, or stdout cannot be written.
pub fn check(arg: &str) -> Result<Status, Fail> {
    let mut out = Out::stdout();
    let status = match compile(arg)? {
        Ok(engine) => {
            let policy = engine.policy();
            let name = policy.name.as_deref().unwrap_or("(unnamed)");
            crate::out!(out, "{arg}: valid: {name}, {} plans", policy.plans.len())?;
            Status::Done
        }
        Err(e) => {
            crate::out!(out, "{arg}: {}", problem(&e))?;
            Status::PolicyProblem
        }
    };
    out.finish()?;
    Ok(status)
}

/// `amscore policy schema`: the JSON Schema the core generates from its types, as the
/// repository ships it (`core/policy.schema.json`: pretty JSON, a final line break).
///
/// # Errors
/// [`Fail`] when stdout cannot be written.
pub fn schema() -> Result<Status, Fail> {
    let text = serde_json::to_string_pretty(&amscore::policy_schema())
        .map_err(|e| Fail::Output(format!("policy schema: {e}")))?;
    let mut out = Out::stdout();
    out.line(&text)?;
    out.finish()?;
    Ok(Status::Done)
}
