//! `amscore season`: the main job. Loads an association's folder (a policy, a roster, the
//! website's requests and the activity log), computes everything the season's report shows into
//! one [`Season`], then prints it: each member's status, renewal term and renewal quote as of a
//! date, a summary (members by status, renewals due, the renewal season's dues, data quality),
//! the website's requests through the 80/20 decision with its coverage report and what-if, and
//! member success (the at-risk list with reasons, the retention summary).
//!
//! The computing and the printing are apart so that other renderings (an HTML report) print the
//! same [`Season`]; each section is one field and one printing function, so later work can add
//! sections.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use amscore::success::{
    at_risk, cohort_table, format_at_risk, format_retention, parse_activity_csv, reminders_due, reminders_forecast,
    retention_metrics, AtRiskReport, CohortTable, Economics, ReminderForecast, RemindersReport, RosterRetention,
};
use amscore::{
    format_audit, format_coverage, format_staff_queues, format_what_if, parse_date, parse_request_lines, staff_queues,
    AuditReport, CoverageReport, Currency, Engine, Error, ErrorCode, ExportFormat, MemberStatus, Membership, Money,
    ProblemCount, RenewalTerm, Roster, RowError, StaffQueues, Status, WhatIf,
};
use time::{Date, Duration};

use crate::fail::{Fail, Status as Exit};
use crate::out;
use crate::output::Out;
use crate::policy::{io_why, problem};

/// The sample's "today".
pub const DEFAULT_DATE: &str = "2026-11-24";
/// How far ahead "renewals due" looks.
pub const DUE_WITHIN_DAYS: i64 = 90;
/// How many problems the data-quality section lists one by one.
pub const FIRST_PROBLEMS: usize = 8;
/// The sample's economics for lifetime value: average dues and non-dues revenue per member a year.
pub const SAMPLE_ANNUAL_DUES: &str = "200";
/// See [`SAMPLE_ANNUAL_DUES`].
pub const SAMPLE_ANNUAL_NON_DUES: &str = "100";

/// What the engine says about one member on the date.
pub struct MemberLine {
    /// The member's current facts.
    pub membership: Membership,
    /// The status, or why there is none.
    pub status: Result<MemberStatus, Error>,
    /// The renewal term, or why renewing is refused.
    pub renewal: Result<RenewalTerm, Error>,
    /// The renewal quote's total on the date (renewal, reinstatement or rejoin), for one term.
    pub quote: Result<Money, Error>,
}

/// Members by status.
pub struct Statuses {
    /// Members assessed.
    pub members: usize,
    /// Of them, those who count as members.
    pub counted: usize,
    /// Members by status, in lifecycle order.
    pub by_status: BTreeMap<Status, usize>,
    /// Members not assessed on this date, by error name.
    pub not_assessed: BTreeMap<&'static str, usize>,
}

/// Current members whose term ends within [`DUE_WITHIN_DAYS`] days.
pub struct RenewalsDue {
    /// The last day looked at.
    pub horizon: Date,
    /// By year and month of the term's end.
    pub by_month: BTreeMap<(i32, u8), usize>,
    /// Of them, those whose renewal is open now.
    pub open: usize,
    /// Of them, those whose renewal is not open yet.
    pub not_open: usize,
    /// Members in grace (past their end).
    pub overdue: usize,
}

/// The dues expected in the renewal season.
pub struct SeasonDues {
    /// The last term end counted.
    pub horizon: Date,
    /// By currency code: how many quotes, and their exact sum.
    pub totals: BTreeMap<String, (usize, Money)>,
    /// Members due whose renewal cannot be quoted today.
    pub not_quotable: usize,
}

/// The roster's data quality.
pub struct DataQuality {
    /// Data rows read.
    pub rows_read: usize,
    /// Rows used.
    pub rows_used: usize,
    /// Rows with at least one problem.
    pub rows_with_problems: usize,
    /// Problems by kind.
    pub counts: Vec<ProblemCount>,
    /// Every problem.
    pub problems: Vec<RowError>,
}

/// The website's requests through the decision.
pub struct Coverage {
    /// Requests replayed.
    pub requests: usize,
    /// The coverage report.
    pub report: CoverageReport,
    /// The staff queues at the close of the day ([`STAFF_DAY_CLOSE`]): the work items of the
    /// requests sent to staff in the last [`STAFF_WINDOW_DAYS`] days (the folder keeps no closing
    /// times, so older items are taken as done), aged in business time with their owners, when
    /// the policy has a `staff` section.
    pub staff: Option<StaffQueues>,
}

/// How many days back the staff queues take requests as still open.
pub const STAFF_WINDOW_DAYS: i64 = 14;

/// The time of day the staff queues are aged to: the close of the report's day.
pub const STAFF_DAY_CLOSE: time::Time = time::macros::time!(17:00);

/// How many of the oldest open items the staff section lists.
const OLDEST_ITEMS: usize = 8;

/// Member success.
pub struct Success {
    /// Activity events read.
    pub events: usize,
    /// The activity log's bad lines.
    pub bad_lines: Vec<RowError>,
    /// The at-risk list with reasons.
    pub at_risk: AtRiskReport,
    /// The retention summary.
    pub retention: RosterRetention,
    /// Retention by join cohort (join year by years since join).
    pub cohorts: CohortTable,
    /// Today's reminders and what fatigue held back, with the next days' forecast, when the
    /// policy has message sequences (`success.reminders`).
    pub reminders: Option<Reminders>,
}

/// How many days the reminders' forecast looks ahead.
pub const FORECAST_DAYS: u32 = 14;

/// How many due and held-back messages the reminders section lists one by one.
const FIRST_MESSAGES: usize = 5;

/// The reminders section: today's messages (no sent log is kept with the folder, so this is a
/// first run: steps still within their catch-up days are due too) and the forecast.
pub struct Reminders {
    /// Due today, and held back with the rule that held each.
    pub today: RemindersReport,
    /// The next [`FORECAST_DAYS`] days, per day and channel, fatigue applied.
    pub forecast: ReminderForecast,
}

/// Everything the season's report shows, computed before anything is printed.
pub struct Season {
    /// The association's name.
    pub name: String,
    /// The day reported on.
    pub date: Date,
    /// Every member's line.
    pub members: Vec<MemberLine>,
    /// Members by status.
    pub statuses: Statuses,
    /// Renewals due.
    pub renewals_due: RenewalsDue,
    /// The renewal season's dues.
    pub dues: SeasonDues,
    /// Data quality.
    pub data_quality: DataQuality,
    /// The website's requests.
    pub coverage: Coverage,
    /// The same requests under `policy_looser.json`, when the folder has it.
    pub what_if: Option<WhatIf>,
    /// Member success.
    pub success: Success,
    /// The roster written as a CiviCRM and as a Tendenci export and audited against the rules on
    /// the date ([`Engine::write_export`], [`Engine::audit_export`]): amscore's own records agree
    /// with its rules, so each report should find no disagreement.
    pub audits: Vec<AuditReport>,
}

/// The bundled sample: `examples/sample` beside this crate's folder when the program was built
/// from the repository (`cargo run -p amscore-cli -- season`), else under the current folder.
pub fn default_dir() -> PathBuf {
    let built = Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join("examples").join("sample");
    if built.is_dir() {
        built
    } else {
        PathBuf::from("examples").join("sample")
    }
}

/// `amscore season [DIR] [--date D] [--summary-only] [--html PATH]`: with `html`, the report is
/// written to that file as one HTML page ([`crate::html`]) instead of printed.
///
/// # Errors
/// [`Fail`]: a bad date, a file that cannot be read or used, stdout or the HTML file that cannot
/// be written.
pub fn run(dir: Option<PathBuf>, date: &str, summary_only: bool, html: Option<&Path>) -> Result<Exit, Fail> {
    let date = parse_date(date).map_err(|e| Fail::Usage(format!("--date: {e}")))?;
    let dir = dir.unwrap_or_else(default_dir);
    let season = Season::compute(&dir, date)?;
    if let Some(path) = html {
        crate::html::write(&season, path)?;
        return Ok(Exit::Done);
    }
    let mut out = Out::stdout();
    season.print(&mut out, summary_only)?;
    out.finish()?;
    Ok(Exit::Done)
}

/// Reads a file of the folder as text.
fn read(dir: &Path, name: &str) -> Result<String, Fail> {
    let path = dir.join(name);
    std::fs::read_to_string(&path).map_err(|e| Fail::input(path.display(), io_why(&e)))
}

impl Season {
    /// Reads the folder and computes every section (the only I/O: amscore itself never touches
    /// files).
    ///
    /// # Errors
    /// [`Fail::Input`] for a file that cannot be read or used.
    pub fn compute(dir: &Path, date: Date) -> Result<Season, Fail> {
        let policy_path = dir.join("policy.json");
        let engine = Engine::from_json(&read(dir, "policy.json")?)
            .map_err(|e| Fail::input(policy_path.display(), problem(&e)))?;
        let roster_path = dir.join("roster.csv");
        let roster = Roster::from_csv(engine.rules(), read(dir, "roster.csv")?.as_bytes())
            .map_err(|e| Fail::input(roster_path.display(), e))?;
        let members = assess(&engine, &roster, date);
        let (coverage, what_if) = coverage(&engine, dir, date)?;
        Ok(Season {
            name: engine.policy().name.clone().unwrap_or_else(|| "the association".into()),
            date,
            statuses: statuses(&members),
            renewals_due: renewals_due(&members, date),
            dues: dues(&members, date)?,
            data_quality: data_quality(&roster),
            coverage,
            what_if,
            success: success(&engine, &roster, dir, date)?,
            audits: own_export_audits(&engine, &roster, date)?,
            members,
        })
    }

    /// Prints the season as text: the members' lines (unless `summary_only`), then each section.
    ///
    /// # Errors
    /// [`Fail`] when the output cannot be written.
    pub fn print(&self, out: &mut Out, summary_only: bool) -> Result<(), Fail> {
        if !summary_only {
            self.print_members(out)?;
        }
        out!(out, "== {}, as of {} ==", self.name, self.date)?;
        self.print_statuses(out)?;
        self.print_renewals_due(out)?;
        self.print_dues(out)?;
        self.print_data_quality(out)?;
        self.print_coverage(out)?;
        self.print_success(out)?;
        self.print_audits(out)
    }

    /// One line per member: id, plan, status, current term, and the renewal term or why there
    /// is none.
    fn print_members(&self, out: &mut Out) -> Result<(), Fail> {
        out!(out, "{:<8} {:<11} {:<10} {:<26} renewal on {}", "member", "plan", "status", "current term", self.date)?;
        for a in &self.members {
            let m = &a.membership;
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
            out!(out, "{id:<8} {plan:<11} {status:<10} {term:<26} {renewal}")?;
        }
        out!(out)
    }

    /// Members by status, in lifecycle order, and how many count as members.
    fn print_statuses(&self, out: &mut Out) -> Result<(), Fail> {
        let s = &self.statuses;
        out!(out, "Members by status ({} members, {} count as members):", s.members, s.counted)?;
        let line: Vec<String> = s.by_status.iter().map(|(s, n)| format!("{s} {n}")).collect();
        out!(out, "  {}", line.join(" · "))?;
        if !s.not_assessed.is_empty() {
            let line: Vec<String> = s.not_assessed.iter().map(|(name, n)| format!("{name} {n}")).collect();
            out!(out, "  not assessed on this date: {}", line.join(" · "))?;
        }
        Ok(())
    }

    fn print_renewals_due(&self, out: &mut Out) -> Result<(), Fail> {
        let r = &self.renewals_due;
        let due: usize = r.by_month.values().sum();
        out!(out, "Renewals due in the next {DUE_WITHIN_DAYS} days ({} to {}): {due}", self.date, r.horizon)?;
        let line: Vec<String> = r.by_month.iter().map(|((y, m), n)| format!("{y}-{m:02} {n}")).collect();
        out!(out, "  by end month: {}", if line.is_empty() { "none".into() } else { line.join(" · ") })?;
        out!(out, "  renewal open now {} · not open yet {} · in grace (overdue) {}", r.open, r.not_open, r.overdue)
    }

    fn print_dues(&self, out: &mut Out) -> Result<(), Fail> {
        let d = &self.dues;
        out!(out, "Dues expected in the renewal season (terms ending by {}, and grace):", d.horizon)?;
        if d.totals.is_empty() {
            out!(out, "  none")?;
        }
        for (count, total) in d.totals.values() {
            out!(out, "  {count} renewal quotes · {total}")?;
        }
        if d.not_quotable > 0 {
            out!(out, "  {} due but not quotable today (renewal not open yet)", d.not_quotable)?;
        }
        Ok(())
    }

    /// Rows read, used and with problems; problems by kind; the first few problems one by one.
    fn print_data_quality(&self, out: &mut Out) -> Result<(), Fail> {
        let q = &self.data_quality;
        let dropped = q.rows_read - q.rows_used - q.rows_with_problems;
        out!(
            out,
            "Data quality: {} rows read · {} used · {} with problems · {dropped} unaccounted",
            q.rows_read,
            q.rows_used,
            q.rows_with_problems
        )?;
        let kinds: Vec<String> = q.counts.iter().map(|c| format!("{} {}", c.name, c.count)).collect();
        for chunk in kinds.chunks(4) {
            out!(out, "  {}", chunk.join(" · "))?;
        }
        if !q.problems.is_empty() {
            out!(out, "  first {} of {} problems:", FIRST_PROBLEMS.min(q.problems.len()), q.problems.len())?;
        }
        for p in q.problems.iter().take(FIRST_PROBLEMS) {
            let member = p.member_id.as_ref().map_or("(no id)", |m| m.0.as_str());
            out!(out, "    [{}] {member}: {p}", p.code)?;
        }
        Ok(())
    }

    fn print_coverage(&self, out: &mut Out) -> Result<(), Fail> {
        out!(out, "\n== The website's requests: {} replayed (requests.jsonl) ==", self.coverage.requests)?;
        out.text(&format_coverage(&self.coverage.report))?;
        if let Some(w) = &self.what_if {
            out.text(&format!("\n{}", format_what_if(w)))?;
        }
        if let Some(q) = &self.coverage.staff {
            out!(
                out,
                "\n== Staff work: the requests sent to staff in the last {STAFF_WINDOW_DAYS} days, aged in business time =="
            )?;
            out.text(&format_staff_queues(q, OLDEST_ITEMS))?;
        }
        Ok(())
    }

    fn print_success(&self, out: &mut Out) -> Result<(), Fail> {
        let s = &self.success;
        out!(
            out,
            "\n== Member success: {} activity events (activity.csv), {} bad lines ==",
            s.events,
            s.bad_lines.len()
        )?;
        for bad in &s.bad_lines {
            out!(out, "  [{} {}] {bad}", bad.code, bad.name)?;
        }
        out.text(&format_at_risk(&s.at_risk))?;
        out!(
            out,
            "(lifetime value assumes {SAMPLE_ANNUAL_DUES} USD dues and {SAMPLE_ANNUAL_NON_DUES} USD non-dues revenue a year)"
        )?;
        out.text(&format_retention(&s.retention))?;
        self.print_reminders(out)
    }

    /// The audits of the roster's own exports, as the core writes them.
    fn print_audits(&self, out: &mut Out) -> Result<(), Fail> {
        out!(out, "\n== Audit of the association's own records, exported as CiviCRM and Tendenci would ==")?;
        for report in &self.audits {
            out.text(&format_audit(report))?;
        }
        Ok(())
    }

    /// Today's reminders by sequence and channel, what fatigue and the stops held back by rule,
    /// the first few of each, and the forecast's totals per channel.
    fn print_reminders(&self, out: &mut Out) -> Result<(), Fail> {
        let Some(r) = &self.success.reminders else {
            return Ok(());
        };
        let today = &r.today;
        out!(out, "\n== Reminders for {} (no sent log: a first run) ==", self.date)?;
        let tally = |keys: Vec<&str>| -> String {
            let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
            for k in keys {
                *counts.entry(k).or_default() += 1;
            }
            let parts: Vec<String> = counts.iter().map(|(k, n)| format!("{k} {n}")).collect();
            if parts.is_empty() {
                "none".into()
            } else {
                parts.join(" · ")
            }
        };
        out!(out, "Due today: {}", today.due.len())?;
        out!(out, "  by sequence: {}", tally(today.due.iter().map(|m| m.sequence.as_str()).collect()))?;
        out!(out, "  by channel: {}", tally(today.due.iter().map(|m| m.channel.as_str()).collect()))?;
        for m in today.due.iter().take(FIRST_MESSAGES) {
            out!(out, "    {} {}/{} {} {} (due {})", m.member_id, m.sequence, m.step, m.channel, m.template, m.due_on)?;
        }
        out!(out, "Held back: {}", today.suppressed.len())?;
        out!(out, "  by rule: {}", tally(today.suppressed.iter().map(|m| m.rule.as_str()).collect()))?;
        for m in today.suppressed.iter().take(FIRST_MESSAGES) {
            out!(out, "    {} {}/{}: {}", m.member_id, m.sequence, m.step, m.detail)?;
        }
        if !today.errors.is_empty() {
            out!(out, "  {} members or log rows could not be read", today.errors.len())?;
        }
        let f = &r.forecast;
        let totals: Vec<String> = f.totals.iter().map(|(c, n)| format!("{c} {n}")).collect();
        let total: u32 = f.totals.values().sum();
        out!(
            out,
            "Forecast for the next {} days: {total} messages ({})",
            f.days,
            if totals.is_empty() { "none".into() } else { totals.join(" · ") }
        )?;
        let mut per_day: BTreeMap<Date, u32> = BTreeMap::new();
        for row in &f.rows {
            *per_day.entry(row.date).or_default() += row.messages;
        }
        if let Some((day, n)) = per_day.iter().max_by_key(|(d, n)| (**n, std::cmp::Reverse(**d))) {
            out!(out, "  busiest day: {day} with {n} messages")?;
        }
        Ok(())
    }
}

/// Every member's assessment on the date ([`Engine::assess`]).
fn assess(engine: &Engine, roster: &Roster, date: Date) -> Vec<MemberLine> {
    roster
        .members
        .iter()
        .map(|member| {
            let membership = member.membership.clone();
            match engine.assess(&member.membership, date, 1, false) {
                Ok(a) => MemberLine { membership, status: Ok(a.status), renewal: a.renewal, quote: a.quote_total },
                Err(e) => MemberLine { membership, status: Err(e.clone()), renewal: Err(e.clone()), quote: Err(e) },
            }
        })
        .collect()
}

fn statuses(members: &[MemberLine]) -> Statuses {
    let mut s =
        Statuses { members: members.len(), counted: 0, by_status: BTreeMap::new(), not_assessed: BTreeMap::new() };
    for a in members {
        match &a.status {
            Ok(st) => {
                *s.by_status.entry(st.status).or_default() += 1;
                s.counted += usize::from(st.counts_as_member);
            }
            Err(e) => *s.not_assessed.entry(e.name()).or_default() += 1,
        }
    }
    s
}

fn horizon(date: Date) -> Date {
    date.checked_add(Duration::days(DUE_WITHIN_DAYS)).unwrap_or(Date::MAX)
}

/// Current members whose term ends within the next [`DUE_WITHIN_DAYS`] days, by month of the
/// term's end, and whether their renewal is open yet; and those already past their end (grace).
fn renewals_due(members: &[MemberLine], date: Date) -> RenewalsDue {
    let horizon = horizon(date);
    let mut r = RenewalsDue { horizon, by_month: BTreeMap::new(), open: 0, not_open: 0, overdue: 0 };
    for a in members {
        let current = a.status.as_ref().is_ok_and(|s| s.counts_as_member && s.renewable);
        let end = a.membership.term.end.filter(|_| current);
        r.overdue += usize::from(a.status.as_ref().is_ok_and(|s| s.status == Status::Grace));
        let Some(end) = end.filter(|e| (date..=horizon).contains(e)) else {
            continue;
        };
        *r.by_month.entry((end.year(), u8::from(end.month()))).or_default() += 1;
        if a.renewal.is_ok() {
            r.open += 1;
        } else {
            r.not_open += 1;
        }
    }
    r
}

/// The dues expected in the renewal season: the renewal quotes of current members whose term ends
/// within the next [`DUE_WITHIN_DAYS`] days and of those already in grace, summed exactly per
/// currency, with the quotes that could not be made today (window not open yet) counted apart.
fn dues(members: &[MemberLine], date: Date) -> Result<SeasonDues, Fail> {
    let horizon = horizon(date);
    let mut d = SeasonDues { horizon, totals: BTreeMap::new(), not_quotable: 0 };
    for a in members {
        let Ok(status) = &a.status else { continue };
        let ends_in_season = a.membership.term.end.is_some_and(|e| e <= horizon);
        if !(status.counts_as_member && status.renewable && ends_in_season) {
            continue;
        }
        match &a.quote {
            Ok(total) => {
                let entry = d.totals.entry(total.currency().to_string()).or_insert((0, Money::zero(total.currency())));
                entry.0 += 1;
                entry.1 = entry.1.checked_add(total).map_err(|e| Fail::input("renewal season dues", e))?;
            }
            Err(_) => d.not_quotable += 1,
        }
    }
    Ok(d)
}

fn data_quality(roster: &Roster) -> DataQuality {
    DataQuality {
        rows_read: roster.rows_read,
        rows_used: roster.rows_used(),
        rows_with_problems: roster.rows_with_problems(),
        counts: roster.problem_counts(),
        problems: roster.problems.clone(),
    }
}

/// The 80/20 coverage report: replays the folder's website requests (`requests.jsonl`) under the
/// policy, then, if the folder has `policy_looser.json`, what would change under it.
fn coverage(engine: &Engine, dir: &Path, date: Date) -> Result<(Coverage, Option<WhatIf>), Fail> {
    let rows = parse_request_lines(&read(dir, "requests.jsonl")?);
    let batch = engine.decide_batch(&rows);
    let staff = staff_queues_on(engine, &rows, date)?;
    let what_if = if dir.join("policy_looser.json").exists() {
        let path = dir.join("policy_looser.json");
        let other = Engine::from_json(&read(dir, "policy_looser.json")?)
            .map_err(|e| Fail::input(path.display(), problem(&e)))?;
        Some(engine.what_if(&other, &rows))
    } else {
        None
    };
    Ok((Coverage { requests: rows.len(), report: batch.report, staff }, what_if))
}

/// The roster exported in each format the audit reads, then audited on `date`
/// ([`Season::audits`]).
fn own_export_audits(engine: &Engine, roster: &Roster, date: Date) -> Result<Vec<AuditReport>, Fail> {
    ExportFormat::ALL
        .into_iter()
        .map(|format| {
            let what = format!("the {format} export of the roster");
            let export = engine.write_export(format, &roster.members, date).map_err(|e| Fail::input(&what, e))?;
            engine.audit_export(format, &export, date, &BTreeMap::new()).map_err(|e| Fail::input(&what, e))
        })
        .collect()
}

/// The staff queues at the close of `date` ([`Coverage::staff`]), or `None` when the policy has
/// no `staff` section.
fn staff_queues_on(
    engine: &Engine,
    rows: &[Result<amscore::SelfServiceRequest, Error>],
    date: Date,
) -> Result<Option<StaffQueues>, Fail> {
    let policy = &engine.policy().staff;
    if policy.is_empty() {
        return Ok(None);
    }
    let now = time::PrimitiveDateTime::new(date, STAFF_DAY_CLOSE);
    let since = now - Duration::days(STAFF_WINDOW_DAYS);
    let mut items = engine.work_items(rows);
    items.retain(|i| i.requested_at <= now && i.requested_at > since);
    staff_queues(policy, &items, &[], now).map(Some).map_err(|e| Fail::input("staff queues", e))
}

/// Member success: the at-risk list with the reasons that fired, and the retention summary, from
/// the roster's term histories and the activity log (`activity.csv`).
fn success(engine: &Engine, roster: &Roster, dir: &Path, date: Date) -> Result<Success, Fail> {
    let path = dir.join("activity.csv");
    let (events, bad_lines) =
        parse_activity_csv(&read(dir, "activity.csv")?).map_err(|e| Fail::input(path.display(), e))?;
    let members = &roster.members;
    let risk = at_risk(engine.success(), members, &events, &[], date).map_err(|e| Fail::input("at-risk", e))?;
    let money = |t: &str| t.parse().map_err(|e| Fail::input("sample economics", e));
    let econ = Economics::new(Currency::USD, money(SAMPLE_ANNUAL_DUES)?, money(SAMPLE_ANNUAL_NON_DUES)?);
    let retention =
        retention_metrics(engine.success(), members, date, Some(&econ)).map_err(|e| Fail::input("retention", e))?;
    let cohorts = cohort_table(engine.success(), members, date).map_err(|e| Fail::input("cohort table", e))?;
    let reminders = if engine.policy().success.reminders.sequences.is_empty() {
        None
    } else {
        let today =
            reminders_due(engine.success(), members, &events, &[], date).map_err(|e| Fail::input("reminders", e))?;
        let forecast = reminders_forecast(engine.success(), members, &events, &[], date, FORECAST_DAYS)
            .map_err(|e| Fail::input("reminders forecast", e))?;
        Some(Reminders { today, forecast })
    };
    Ok(Success { events: events.len(), bad_lines, at_risk: risk, retention, cohorts, reminders })
}
