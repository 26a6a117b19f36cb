//! `amscore`, the command line of the amscore rules engine, for operations staff: the season's
//! report on an association's files, a whole roster's assessment (CSV, Parquet or JSON lines in
//! and out), the website's requests through the self-service decision with the coverage report,
//! and the policy check. Every answer is the core's (`amscore`, through `amscore-arrow` for
//! rosters); this program only reads files, converts and prints.

mod assess;
mod audit;
mod decide;
mod fail;
mod html;
mod output;
mod policy;
mod season;
mod svg;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::fail::{Fail, Status};

/// The exit codes, as `--help` and the README list them.
macro_rules! exit_codes {
    () => {
        "Exit codes:
  0  done (rows with problems are answers: they carry their error columns)
  1  `policy check`: the policy has a problem
  2  bad usage: an unknown option, a missing argument, a bad --date
  3  bad input: no such file, a policy the core refuses, a roster without a required column
  4  the output cannot be written (a closed pipe is not an error: the program stops quietly)"
    };
}

#[derive(Parser)]
#[command(
    name = "amscore",
    version = amscore::VERSION,
    about = "The amscore membership rules engine on an association's files",
    after_help = concat!(
        "Examples:\n",
        "  amscore season                                  the bundled sample association, as of 2026-11-24\n",
        "  amscore season my-association --date 2027-01-15 --summary-only\n",
        "  amscore assess roster.csv --policy policy.json --date 2026-11-24 -o answers.parquet\n",
        "  amscore decide requests.jsonl --policy policy.json --what-if looser.json\n",
        "  amscore policy check policy.json\n",
        "  amscore audit export.csv --format civicrm --policy civicrm --date 2026-11-24 --types types.json\n",
        "\n",
        exit_codes!(),
    ),
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// The main job: every member's status, renewal and quote, then the season's summary
    /// (statuses, renewals due, dues, data quality, the website's requests, member success).
    #[command(after_help = "\
Examples:
  amscore season                         the bundled sample (examples/sample), as of 2026-11-24
  amscore season path/to/dir --date 2027-01-15 --summary-only
  amscore season --html report.html      the report as one HTML page with charts, to open in a browser

DIR holds policy.json, roster.csv, requests.jsonl and activity.csv (policy_looser.json too, for
the what-if).")]
    Season {
        /// The association's folder (default: the bundled sample, examples/sample).
        dir: Option<PathBuf>,
        /// The day to report on, YYYY-MM-DD.
        #[arg(long, default_value = season::DEFAULT_DATE)]
        date: String,
        /// Print the summary only, not one line per member.
        #[arg(long)]
        summary_only: bool,
        /// Write the report as one self-contained HTML page (charts drawn inline, nothing
        /// fetched) to this file instead of printing it.
        #[arg(long, value_name = "PATH")]
        html: Option<PathBuf>,
    },
    /// Every member of a roster assessed on a date: the roster's rows with the result columns
    /// appended (status, renewal, quote, error columns); CSV, Parquet or JSON lines.
    #[command(after_help = "\
Examples:
  amscore assess roster.csv --policy policy.json --date 2026-11-24            CSV on stdout
  amscore assess roster.csv --policy amscore --date 2026-11-24 -o out.parquet
  amscore assess roster.parquet --policy policy.json --date 2026-11-24 --decide -o out.jsonl
  amscore assess roster.csv --policy policy.json --date 2026-11-24 --lines    each quote's lines

The roster is read by its extension: .parquet, else CSV (a header row; the core's column names).
The output format is -o's extension: .csv, .parquet or .jsonl (stdout: CSV). A row with a
problem is kept, with error_code, error_name and error_message; a CSV record with the wrong
number of values too (its values as far as the header goes).")]
    Assess {
        /// The roster: CSV or Parquet.
        roster: PathBuf,
        /// The policy: a JSON file or a preset name (amscore, civicrm, tendenci).
        #[arg(long)]
        policy: String,
        /// The day to assess on, YYYY-MM-DD.
        #[arg(long)]
        date: String,
        /// Where to write: .csv, .parquet or .jsonl (default: CSV on stdout).
        #[arg(short, long)]
        output: Option<PathBuf>,
        /// Write the long table of every renewal quote's lines instead (member_id, kind,
        /// description, amount, currency).
        #[arg(long, conflicts_with = "decide")]
        lines: bool,
        /// Add the online decision on renewing that day (route, reasons).
        #[arg(long)]
        decide: bool,
        /// Terms a renewal buys.
        #[arg(long, default_value_t = 1)]
        terms: u32,
        /// Threads (0: every core).
        #[arg(long, default_value_t = 0)]
        threads: usize,
    },
    /// The website's requests (JSON lines) through the self-service decision: the coverage
    /// report (the 80/20 standing, staff work by reason), and with --what-if, what changes.
    #[command(after_help = "\
Examples:
  amscore decide examples/sample/requests.jsonl --policy examples/sample/policy.json
  amscore decide requests.jsonl --policy policy.json --what-if looser.json
  amscore decide requests.jsonl --policy amscore -o decisions.jsonl

-o writes one line per request, in order: {\"ok\": decision} or {\"error\": {code, name, message, path}}.")]
    Decide {
        /// The requests, one JSON document per line (blank lines skipped).
        requests: PathBuf,
        /// The policy: a JSON file or a preset name.
        #[arg(long)]
        policy: String,
        /// Another policy to replay the requests under, and report what would change.
        #[arg(long)]
        what_if: Option<String>,
        /// Write each decision as a JSON line to this file.
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
    /// The policy document: check one, or print its JSON Schema.
    #[command(subcommand)]
    Policy(PolicyCommand),
    /// Another system's membership export (CiviCRM or Tendenci) checked against the rules: each
    /// record whose stored status or dates disagree, with the field, both values and the rule,
    /// then the count of each kind of disagreement (docs/audit.md).
    #[command(after_help = "\
Examples:
  amscore audit examples/audit/civicrm_memberships.csv --format civicrm --policy civicrm --date 2025-06-30 \\
      --types examples/audit/civicrm_types.json
  amscore audit tendenci.csv --format tendenci --policy policy.json --date 2026-11-24 --types types.json --json

The export's membership types are matched to the policy's plans by id or name, or by --types, a
JSON object of type name to plan id ({\"General\": \"general\"}). Rows that cannot be audited
are listed as problems. Disagreements are the answer: the exit status is 0.")]
    Audit {
        /// The export: CSV as the other system writes it.
        export: PathBuf,
        /// The system that wrote it: civicrm or tendenci.
        #[arg(long)]
        format: String,
        /// The policy: a JSON file or a preset name (civicrm and tendenci reproduce those systems).
        #[arg(long)]
        policy: String,
        /// The day to recompute statuses on, YYYY-MM-DD.
        #[arg(long)]
        date: String,
        /// A JSON file mapping the export's membership types to plan ids.
        #[arg(long)]
        types: Option<PathBuf>,
        /// Print the report as JSON (the gateway's audit_export answer) instead of text.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
enum PolicyCommand {
    /// Checks a policy (a file or a preset name): prints its problem with its path and exits 1,
    /// or says it is valid.
    #[command(after_help = "\
Examples:
  amscore policy check examples/sample/policy.json
  amscore policy check tendenci

The core stops at the first problem it finds (with its path); fix it and check again.")]
    Check {
        /// The policy: a JSON file or a preset name.
        policy: String,
    },
    /// Prints the policy document's JSON Schema (core/policy.schema.json), generated from the
    /// core's types.
    Schema,
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return fail::usage(&e),
    };
    let result = match cli.command {
        Command::Season { dir, date, summary_only, html } => season::run(dir, &date, summary_only, html.as_deref()),
        Command::Assess { roster, policy, date, output, lines, decide, terms, threads } => {
            let args = assess::Args { roster, policy, date, output, lines, decide, terms, threads };
            assess::run(&args)
        }
        Command::Decide { requests, policy, what_if, output } => {
            decide::run(&requests, &policy, what_if.as_deref(), output.as_deref())
        }
        Command::Policy(PolicyCommand::Check { policy }) => policy::check(&policy),
        Command::Policy(PolicyCommand::Schema) => policy::schema(),
        Command::Audit { export, format, policy, date, types, json } => audit::run(&audit::Args {
            export: &export,
            format: &format,
            policy: &policy,
            date: &date,
            types: types.as_deref(),
            json,
        }),
    };
    match result {
        Ok(status) => status.into(),
        Err(Fail::ClosedPipe) => Status::Done.into(),
        Err(fail) => fail.report(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_command_line_is_well_formed() {
        <Cli as clap::CommandFactory>::command().debug_assert();
    }
}
