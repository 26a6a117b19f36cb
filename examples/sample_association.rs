//! The main job: loads the bundled sample association (a policy and a roster), prints each
//! member's status, renewal term and renewal quote as of a date, then a summary, and replays the
//! sample's website requests through the 80/20 decision with its coverage report, and prints the
//! member-success view: the at-risk list with reasons and the retention summary.
//!
//! ```text
//! cargo run --release -p amscore --example sample_association -- [--date YYYY-MM-DD] [--dir DIR] [--summary-only]
//! ```
//!
//! `--date` defaults to 2026-11-24, the date the sample was built for; `--dir` to
//! `examples/sample` (it must hold `policy.json` and `roster.csv`). Each summary section is one
//! function over a [`Report`], so later work can add sections.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::ExitCode;

use amscore::success::{
    at_risk, format_at_risk, format_retention, parse_activity_csv, retention_metrics, Economics, MemberHistory,
};
use amscore::Currency;
use amscore::{
    format_coverage, format_what_if, parse_date, parse_request_lines, Engine, Error, ErrorCode, MemberStatus, Money,
    RenewalTerm, Roster, Status,
};
use time::{Date, Duration};

/// The sample's "today".
const DEFAULT_DATE: &str = "2026-11-24";
/// How far ahead "renewals due" looks.
const DUE_WITHIN_DAYS: i64 = 90;
/// How many problems the data-quality section lists one by one.
const FIRST_PROBLEMS: usize = 8;

/// The command line.
struct Args {
    date: Date,
    dir: PathBuf,
    summary_only: bool,
}

/// What the engine says about one member on the date.
struct Assessment<'a> {
    member: &'a MemberHistory,
    status: Result<MemberStatus, Error>,
    renewal: Result<RenewalTerm, Error>,
    /// The renewal quote's total on the date (renewal, reinstatement or rejoin), for one term.
    quote: Result<Money, Error>,
}

/// Everything the sections print from: the policy, the roster and each member's assessment.
struct Report<'a> {
    engine: &'a Engine,
    roster: &'a Roster,
    date: Date,
    members: Vec<Assessment<'a>>,
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("sample_association: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), String> {
    let args = parse_args(std::env::args().skip(1))?;
    let (engine, roster) = load(&args.dir)?;
    let report = assess(&engine, &roster, args.date);
    if !args.summary_only {
        print_members(&report);
    }
    print_header(&report);
    print_statuses(&report);
    print_renewals_due(&report);
    print_renewal_season_dues(&report)?;
    print_data_quality(&report);
    print_coverage(&engine, &args.dir)?;
    print_member_success(&report, &args.dir)?;
    Ok(())
}

fn parse_args(mut args: impl Iterator<Item = String>) -> Result<Args, String> {
    let usage = "usage: sample_association [--date YYYY-MM-DD] [--dir DIR] [--summary-only]";
    let default_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..").join("examples").join("sample");
    let mut parsed = Args { date: date_arg(DEFAULT_DATE)?, dir: default_dir, summary_only: false };
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--date" => parsed.date = date_arg(&args.next().ok_or(usage)?)?,
            "--dir" => parsed.dir = PathBuf::from(args.next().ok_or(usage)?),
            "--summary-only" => parsed.summary_only = true,
            "-h" | "--help" => return Err(usage.into()),
            other => return Err(format!("unknown argument `{other}`\n{usage}")),
        }
    }
    Ok(parsed)
}

fn date_arg(text: &str) -> Result<Date, String> {
    parse_date(text).map_err(|e| format!("--date: {e}"))
}

/// Reads the policy and the roster (the only I/O: amscore itself never touches files).
fn load(dir: &std::path::Path) -> Result<(Engine, Roster), String> {
    let read = |name: &str| {
        let path = dir.join(name);
        std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))
    };
    let policy = String::from_utf8(read("policy.json")?).map_err(|e| format!("policy.json: {e}"))?;
    let engine = Engine::from_json(&policy).map_err(|e| format!("policy.json: {e}"))?;
    let roster = Roster::from_csv(engine.rules(), &read("roster.csv")?[..]).map_err(|e| format!("roster.csv: {e}"))?;
    Ok((engine, roster))
}

fn assess<'a>(engine: &'a Engine, roster: &'a Roster, date: Date) -> Report<'a> {
    let members = roster
        .members
        .iter()
        .map(|member| match engine.assess(&member.membership, date, 1, false) {
            Ok(a) => Assessment { member, status: Ok(a.status), renewal: a.renewal, quote: a.quote_total },
            Err(e) => Assessment { member, status: Err(e.clone()), renewal: Err(e.clone()), quote: Err(e) },
        })
        .collect();
    Report { engine, roster, date, members }
}

/// One line per member: id, plan, status, current term, and the renewal term or why there is none.
fn print_members(report: &Report) {
    println!("{:<8} {:<11} {:<10} {:<26} renewal on {}", "member", "plan", "status", "current term", report.date);
    for a in &report.members {
        let m = &a.member.membership;
        let status = match &a.status {
            Ok(s) => s.label.to_string(),
            Err(e) => format!("error {}", e.name()),
        };
        let renewal = match (&a.renewal, &a.quote) {
            (Ok(r), Ok(total)) => {
                format!("{} {} ({}) · {}", format!("{:?}", r.kind).to_lowercase(), r.term, r.plan, total)
            }
            (Ok(r), Err(e)) => {
                format!("{} {} ({}) · no quote: {e}", format!("{:?}", r.kind).to_lowercase(), r.term, r.plan)
            }
            (Err(e), _) => format!("refused: {e} [{}]", e.name()),
        };
        let (id, plan, term) = (m.member_id.to_string(), m.plan.as_str(), m.term.to_string());
        println!("{id:<8} {plan:<11} {status:<10} {term:<26} {renewal}");
    }
    println!();
}

fn print_header(report: &Report) {
    let name = report.engine.policy().name.as_deref().unwrap_or("the association");
    println!("== {name}, as of {} ==", report.date);
}

/// Members by status, in lifecycle order, and how many count as members.
fn print_statuses(report: &Report) {
    let mut by_status: BTreeMap<Status, usize> = BTreeMap::new();
    let mut errors: BTreeMap<&str, usize> = BTreeMap::new();
    let mut counted = 0;
    for a in &report.members {
        match &a.status {
            Ok(s) => {
                *by_status.entry(s.status).or_default() += 1;
                counted += usize::from(s.counts_as_member);
            }
            Err(e) => *errors.entry(e.name()).or_default() += 1,
        }
    }
    println!("Members by status ({} members, {counted} count as members):", report.members.len());
    let line: Vec<String> = by_status.iter().map(|(s, n)| format!("{s} {n}")).collect();
    println!("  {}", line.join(" · "));
    if !errors.is_empty() {
        let line: Vec<String> = errors.iter().map(|(name, n)| format!("{name} {n}")).collect();
        println!("  not assessed on this date: {}", line.join(" · "));
    }
}

/// Current members whose term ends within the next [`DUE_WITHIN_DAYS`] days, by month of the
/// term's end, and whether their renewal is open yet; and those already past their end (grace).
fn print_renewals_due(report: &Report) {
    let horizon = report.date.checked_add(Duration::days(DUE_WITHIN_DAYS)).unwrap_or(Date::MAX);
    let mut by_month: BTreeMap<(i32, u8), usize> = BTreeMap::new();
    let (mut open, mut not_open, mut overdue) = (0, 0, 0);
    for a in &report.members {
        let current = a.status.as_ref().is_ok_and(|s| s.counts_as_member && s.renewable);
        let end = a.member.membership.term.end.filter(|_| current);
        overdue += usize::from(a.status.as_ref().is_ok_and(|s| s.status == Status::Grace));
        let Some(end) = end.filter(|e| (report.date..=horizon).contains(e)) else {
            continue;
        };
        *by_month.entry((end.year(), u8::from(end.month()))).or_default() += 1;
        if a.renewal.is_ok() {
            open += 1;
        } else {
            not_open += 1;
        }
    }
    let due: usize = by_month.values().sum();
    println!("Renewals due in the next {DUE_WITHIN_DAYS} days ({} to {horizon}): {due}", report.date);
    let line: Vec<String> = by_month.iter().map(|((y, m), n)| format!("{y}-{m:02} {n}")).collect();
    println!("  by end month: {}", if line.is_empty() { "none".into() } else { line.join(" · ") });
    println!("  renewal open now {open} · not open yet {not_open} · in grace (overdue) {overdue}");
}

/// The dues expected in the renewal season: the renewal quotes of current members whose term ends
/// within the next [`DUE_WITHIN_DAYS`] days and of those already in grace, summed exactly per
/// currency, with the quotes that could not be made today (window not open yet) counted apart.
fn print_renewal_season_dues(report: &Report) -> Result<(), String> {
    let horizon = report.date.checked_add(Duration::days(DUE_WITHIN_DAYS)).unwrap_or(Date::MAX);
    let mut totals: BTreeMap<String, (usize, Money)> = BTreeMap::new();
    let mut not_quotable = 0;
    for a in &report.members {
        let Ok(status) = &a.status else { continue };
        let ends_in_season = a.member.membership.term.end.is_some_and(|e| e <= horizon);
        let in_season = status.counts_as_member && status.renewable && ends_in_season;
        if !in_season {
            continue;
        }
        match &a.quote {
            Ok(total) => {
                let entry = totals.entry(total.currency().to_string()).or_insert((0, Money::zero(total.currency())));
                entry.0 += 1;
                entry.1 = entry.1.checked_add(total).map_err(|e| format!("renewal season dues: {e}"))?;
            }
            Err(_) => not_quotable += 1,
        }
    }
    println!("Dues expected in the renewal season (terms ending by {horizon}, and grace):");
    if totals.is_empty() {
        println!("  none");
    }
    for (count, total) in totals.values() {
        println!("  {count} renewal quotes · {total}");
    }
    if not_quotable > 0 {
        println!("  {not_quotable} due but not quotable today (renewal not open yet)");
    }
    Ok(())
}

/// The 80/20 coverage report: replays the sample's website requests (`requests.jsonl`) under the
/// policy, then, if the directory has `policy_looser.json`, what would change under it.
fn print_coverage(engine: &Engine, dir: &std::path::Path) -> Result<(), String> {
    let read = |name: &str| {
        let path = dir.join(name);
        std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))
    };
    let rows = parse_request_lines(&read("requests.jsonl")?);
    let batch = engine.decide_batch(&rows);
    println!("\n== The website's requests: {} replayed (requests.jsonl) ==", rows.len());
    print!("{}", format_coverage(&batch.report));
    if dir.join("policy_looser.json").exists() {
        let other = Engine::from_json(&read("policy_looser.json")?).map_err(|e| format!("policy_looser.json: {e}"))?;
        print!("\n{}", format_what_if(&engine.what_if(&other, &rows)));
    }
    Ok(())
}

/// The sample's economics for lifetime value: average dues and non-dues revenue per member a year.
const SAMPLE_ANNUAL_DUES: &str = "200";
/// See [`SAMPLE_ANNUAL_DUES`].
const SAMPLE_ANNUAL_NON_DUES: &str = "100";

/// Member success: the at-risk list with the reasons that fired, and the retention summary, from
/// the roster's term histories and the activity log (`activity.csv`).
fn print_member_success(report: &Report, dir: &std::path::Path) -> Result<(), String> {
    let path = dir.join("activity.csv");
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let (events, bad_lines) = parse_activity_csv(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    let members = &report.roster.members;
    let risk =
        at_risk(report.engine.success(), members, &events, &[], report.date).map_err(|e| format!("at-risk: {e}"))?;
    let money = |t: &str| t.parse().map_err(|e| format!("sample economics: {e}"));
    let econ = Economics::new(Currency::USD, money(SAMPLE_ANNUAL_DUES)?, money(SAMPLE_ANNUAL_NON_DUES)?);
    let retention = retention_metrics(report.engine.success(), members, report.date, Some(&econ))
        .map_err(|e| format!("retention: {e}"))?;
    println!("\n== Member success: {} activity events (activity.csv), {} bad lines ==", events.len(), bad_lines.len());
    for bad in &bad_lines {
        println!("  [{} {}] {bad}", bad.code, bad.name);
    }
    print!("{}", format_at_risk(&risk));
    println!("(lifetime value assumes {SAMPLE_ANNUAL_DUES} USD dues and {SAMPLE_ANNUAL_NON_DUES} USD non-dues revenue a year)");
    print!("{}", format_retention(&retention));
    Ok(())
}

/// Rows read, used and with problems; problems by kind; the first few problems one by one.
fn print_data_quality(report: &Report) {
    let r = report.roster;
    let dropped = r.rows_read - r.rows_used() - r.rows_with_problems();
    println!(
        "Data quality: {} rows read · {} used · {} with problems · {dropped} unaccounted",
        r.rows_read,
        r.rows_used(),
        r.rows_with_problems()
    );
    let kinds: Vec<String> = r.problem_counts().iter().map(|c| format!("{} {}", c.name, c.count)).collect();
    for chunk in kinds.chunks(4) {
        println!("  {}", chunk.join(" · "));
    }
    if !r.problems.is_empty() {
        println!("  first {} of {} problems:", FIRST_PROBLEMS.min(r.problems.len()), r.problems.len());
    }
    for p in r.problems.iter().take(FIRST_PROBLEMS) {
        let member = p.member_id.as_ref().map_or("(no id)", |m| m.0.as_str());
        println!("    [{}] {member}: {p}", p.code);
    }
}
