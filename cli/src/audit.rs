//! `amscore audit EXPORT --format civicrm|tendenci --policy P --date D [--types T.json] [--json]`:
//! another system's membership export checked against the rules ([`Engine::audit_export`]): every
//! record whose stored status or dates disagree with what the rules give, the field, both values
//! and the rule that decides, summarised by kind (the core's [`format_audit`]).

use std::collections::BTreeMap;
use std::path::Path;

use amscore::{format_audit, parse_date, Engine, ErrorCode, ExportFormat, PlanId};

use crate::fail::{Fail, Status};
use crate::output::Out;
use crate::policy::{load, read_text};

/// The subcommand's arguments.
pub struct Args<'a> {
    /// The export file (CSV).
    pub export: &'a Path,
    /// `civicrm` or `tendenci`.
    pub format: &'a str,
    /// The policy: a JSON file or a preset name.
    pub policy: &'a str,
    /// The day to recompute statuses on.
    pub date: &'a str,
    /// A JSON file mapping the export's membership types to plan ids.
    pub types: Option<&'a Path>,
    /// Print the report as JSON instead of text.
    pub json: bool,
}

/// Runs the subcommand. Disagreements are the answer, not a failure: the exit is 0 either way.
///
/// # Errors
/// [`Fail`]: a bad date or format (usage), a file that cannot be read, a type map or export the
/// core refuses, an output that cannot be written.
pub fn run(args: &Args<'_>) -> Result<Status, Fail> {
    let date = parse_date(args.date).map_err(|e| Fail::Usage(format!("--date: {e}")))?;
    let format: ExportFormat =
        args.format.parse().map_err(|e: amscore::AuditError| Fail::Usage(format!("--format: {e}")))?;
    let engine: Engine = load(args.policy)?;
    let types: BTreeMap<String, PlanId> = match args.types {
        Some(path) => serde_json::from_str(&read_text(path)?)
            .map_err(|e| Fail::input(path.display(), format!("not a map of type names to plan ids: {e}")))?,
        None => BTreeMap::new(),
    };
    let text = read_text(args.export)?;
    let report = engine
        .audit_export(format, &text, date, &types)
        .map_err(|e| Fail::input(args.export.display(), format!("{e} [{} {}]", e.name(), e.code())))?;
    let mut out = Out::stdout();
    if args.json {
        let doc = serde_json::to_string_pretty(&report).map_err(|e| Fail::input("the audit report", e))?;
        out.line(&doc)?;
    } else {
        out.text(&format_audit(&report))?;
    }
    out.finish()?;
    Ok(Status::Done)
}
