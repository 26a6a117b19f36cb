//! `amscore season --html PATH`: the season's report as one self-contained HTML page for
//! membership staff: members by status, renewals due by month, the dues expected, the website's
//! self-service share by request kind with the Pareto of the reasons requests went to staff, the
//! staff queues, retention by join cohort as a heat map and the at-risk list with its reasons.
//!
//! The page draws the [`Season`] that the text report prints: every number on it is the core's.
//! It needs nothing from outside: inline CSS, charts as inline SVG drawn by [`crate::svg`], no
//! script, no font or image to fetch (its Content-Security-Policy forbids any). Every text is
//! escaped; the markup is well-formed XML as well as HTML; the same season gives the same bytes.

use std::fmt::Write as _;
use std::path::Path;

use amscore::success::{CohortTable, Rate, RetentionMetrics};
use amscore::StaffQueues;
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;

use crate::fail::Fail;
use crate::season::{Season, DUE_WITHIN_DAYS, FIRST_PROBLEMS, SAMPLE_ANNUAL_DUES, SAMPLE_ANNUAL_NON_DUES};
use crate::svg::{self, escape, Bar, Cell, HeatRow, Part, Stack};

/// A piece of the page, already escaped: made only by this module's functions.
#[derive(Debug, Clone, Default)]
pub struct Html(String);

impl Html {
    /// Text, escaped, in a paragraph.
    pub fn paragraph(text: &str) -> Html {
        Html(format!("<p>{}</p>\n", escape(text)))
    }

    /// A chart from [`crate::svg`] with its caption, as a `<figure>`.
    pub fn figure(svg: String, caption: &str) -> Html {
        Html(format!("<figure>{svg}<figcaption>{}</figcaption></figure>\n", escape(caption)))
    }

    /// A table: its caption, column headings, and rows of cells (the first cell of each row is
    /// the row's heading). Cells that are numbers are aligned right.
    pub fn table(caption: &str, headings: &[&str], rows: &[Vec<String>]) -> Html {
        let mut out = format!("<table><caption>{}</caption><thead><tr>", escape(caption));
        for h in headings {
            let _ = write!(out, "<th scope=\"col\">{}</th>", escape(h));
        }
        out.push_str("</tr></thead><tbody>");
        for row in rows {
            out.push_str("<tr>");
            for (i, cell) in row.iter().enumerate() {
                let tag = if i == 0 { "th scope=\"row\"" } else { "td" };
                let close = if i == 0 { "th" } else { "td" };
                let num = if i > 0 && numeric(cell) { " class=\"num\"" } else { "" };
                let _ = write!(out, "<{tag}{num}>{}</{close}>", escape(cell));
            }
            out.push_str("</tr>");
        }
        out.push_str("</tbody></table>\n");
        Html(out)
    }
}

/// Whether a cell reads as a number (a count, an amount, a share): digits first.
fn numeric(cell: &str) -> bool {
    cell.starts_with(|c: char| c.is_ascii_digit())
}

/// A section of the page: a heading and its parts. The season's own sections are built as these,
/// and [`render`] takes one more for the staff work (see [`staff_queues`]).
#[derive(Debug, Clone)]
pub struct Section {
    /// The anchor (`id`) of the section.
    pub id: String,
    /// The heading.
    pub heading: String,
    /// Paragraphs, figures and tables, in order.
    pub parts: Vec<Html>,
}

impl Section {
    fn new(id: &str, heading: &str) -> Section {
        Section { id: id.to_owned(), heading: heading.to_owned(), parts: Vec::new() }
    }

    fn push(&mut self, part: Html) {
        self.parts.push(part);
    }

    /// The section as `<section>` with an `<h2>` (an `<h3>` when nested).
    fn html(&self, level: u8) -> String {
        let mut out = format!("<section id=\"{}\"><h{level}>{}</h{level}>\n", escape(&self.id), escape(&self.heading));
        for p in &self.parts {
            out.push_str(&p.0);
        }
        out.push_str("</section>\n");
        out
    }
}

/// Writes the season's report to `path` as one HTML file.
///
/// # Errors
/// [`Fail::Output`] when the file cannot be written.
pub fn write(season: &Season, path: &Path) -> Result<(), Fail> {
    let staff = season.coverage.staff.as_ref().map(staff_work);
    std::fs::write(path, render(season, staff.as_ref())).map_err(|e| Fail::Output(format!("{}: {e}", path.display())))
}

/// The staff work under the staff queues: who owns the open items and how old they are in
/// business time (the core's [`StaffQueues`], aged at the close of the report's day), and the
/// oldest open items with their reasons.
pub fn staff_work(q: &StaffQueues) -> Section {
    let mut section = Section::new("staff-owners", "Who owns the open staff work");
    section.push(Html::paragraph(&format!(
        "On {}: {} open items from the requests sent to staff in the last {} days, {} overdue, {} with no owner. \
         Ages count business hours only (the policy's working week and holidays).",
        amscore::datetime_text::format(&q.as_of),
        q.open,
        crate::season::STAFF_WINDOW_DAYS,
        q.overdue,
        q.unowned
    )));
    let owners: Vec<Vec<String>> = q
        .by_owner
        .iter()
        .map(|o| {
            vec![
                o.team.clone().unwrap_or_else(|| "(no owner)".into()),
                o.assignee.clone().unwrap_or_else(|| "(unassigned)".into()),
                o.open.to_string(),
                o.overdue.to_string(),
                amscore::minutes_text(o.oldest_business_minutes),
            ]
        })
        .collect();
    section.push(Html::table(
        "Open items by owner",
        &["team", "assignee", "open", "overdue", "oldest (business time)"],
        &owners,
    ));
    let oldest: Vec<Vec<String>> = q
        .items
        .iter()
        .take(OLDEST_ITEMS)
        .map(|i| {
            let reasons: Vec<&str> = i.reasons.iter().map(|r| r.as_str()).collect();
            vec![
                i.id.clone(),
                i.queue.as_str().to_owned(),
                i.team.clone().unwrap_or_else(|| "(no owner)".into()),
                amscore::datetime_text::format(&i.requested_at),
                amscore::minutes_text(i.business_minutes),
                i.due.map_or_else(|| "no service level".into(), |d| amscore::datetime_text::format(&d)),
                if i.overdue { "overdue".into() } else { "on time".into() },
                reasons.join(", "),
            ]
        })
        .collect();
    section.push(Html::table(
        &format!("The {} oldest open items", oldest.len()),
        &["item", "queue", "team", "asked", "age (business)", "due", "", "reasons"],
        &oldest,
    ));
    section
}

/// How many of the oldest open staff items the report lists.
const OLDEST_ITEMS: usize = 10;

/// The style sheet: plain, printable, readable on a laptop.
const STYLE: &str = "\
body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,'DejaVu Sans',sans-serif;color:#222;background:#fff;\
margin:0 auto;max-width:1100px;padding:16px 24px;line-height:1.4}\
h1{font-size:1.6em;margin:.2em 0}h2{font-size:1.3em;border-bottom:2px solid #2f6db5;padding-bottom:4px;margin-top:1.6em}\
h3{font-size:1.1em}nav ul{list-style:none;padding:0;display:flex;flex-wrap:wrap;gap:6px 16px}\
.figures{display:flex;flex-wrap:wrap;gap:12px;padding:0;list-style:none}\
.figures li{background:#eef3fa;border-left:4px solid #2f6db5;padding:8px 14px;min-width:150px}\
.figures b{display:block;font-size:1.5em}\
figure{margin:12px 0}figcaption{font-size:.9em;color:#555;max-width:760px}svg{max-width:100%;height:auto}\
table{border-collapse:collapse;margin:12px 0;font-size:.92em}caption{text-align:left;font-weight:600;padding:4px 0}\
th,td{border:1px solid #d0d4da;padding:3px 8px;text-align:left;vertical-align:top}thead th{background:#eef3fa}\
td.num{text-align:right;font-variant-numeric:tabular-nums}.reasons{margin:0;padding-left:1.1em}\
.standing{font-weight:600}footer{margin-top:2em;font-size:.85em;color:#555}";

/// The season as one HTML page. `staff_work` is more staff work to show under the staff queues:
/// owners and ageing ([`staff_work`]), when the policy has a `staff` section.
pub fn render(season: &Season, staff_work: Option<&Section>) -> String {
    let title = format!("{}: the season's report, as of {}", season.name, season.date);
    let sections = [
        statuses(season),
        renewals_due(season),
        dues(season),
        self_service(season),
        staff_queues(season, staff_work),
        retention(season),
        at_risk(season),
        data_quality(season),
    ];
    let mut out = String::with_capacity(1 << 17);
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"/>\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\"/>\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\
         <meta name=\"generator\" content=\"amscore {}\"/><title>{}</title><style>{STYLE}</style></head>\n<body>\n\
         <header><h1>{}</h1>\n",
        escape(amscore::VERSION),
        escape(&title),
        escape(&title)
    );
    out.push_str(&key_figures(season).0);
    out.push_str("<nav aria-label=\"Sections\"><ul>");
    for s in &sections {
        let _ = write!(out, "<li><a href=\"#{}\">{}</a></li>", escape(&s.id), escape(&s.heading));
    }
    out.push_str("</ul></nav></header>\n<main>\n");
    for s in &sections {
        out.push_str(&s.html(2));
    }
    let _ = write!(
        out,
        "</main>\n<footer><p>Made by amscore {} from the association's files; every figure is the rules \
         engine's. Lifetime value assumes {SAMPLE_ANNUAL_DUES} USD dues and {SAMPLE_ANNUAL_NON_DUES} USD non-dues \
         revenue a member a year.</p></footer>\n</body></html>\n",
        escape(amscore::VERSION)
    );
    out
}

/// The few numbers at the top of the page.
fn key_figures(season: &Season) -> Html {
    let s = &season.statuses;
    let due: usize = season.renewals_due.by_month.values().sum();
    let dues: Vec<String> = season.dues.totals.values().map(|(_, total)| total.to_string()).collect();
    let due_label = format!("renewals due in {DUE_WITHIN_DAYS} days");
    let figures = [
        ("members", s.members.to_string()),
        ("count as members", s.counted.to_string()),
        (due_label.as_str(), due.to_string()),
        ("dues expected", if dues.is_empty() { "none".into() } else { dues.join(" + ") }),
        ("self-service share", format!("{}%", season.coverage.report.overall.self_service_share)),
        ("members at risk", season.success.at_risk.triggers.len().to_string()),
    ];
    let mut out = String::from("<ul class=\"figures\">");
    for (name, value) in figures {
        let _ = write!(out, "<li><b>{}</b>{}</li>", escape(&value), escape(name));
    }
    out.push_str("</ul>\n");
    Html(out)
}

fn statuses(season: &Season) -> Section {
    let s = &season.statuses;
    let mut section = Section::new("statuses", "Members by status");
    let mut bars: Vec<Bar> = s.by_status.iter().map(|(st, n)| Bar::count(st.as_str(), *n as u64)).collect();
    bars.extend(s.not_assessed.iter().map(|(name, n)| Bar::count(format!("not assessed: {name}"), *n as u64)));
    let caption = format!(
        "{} members on {}, of whom {} count as members; by status in the order of the membership's life.",
        s.members, season.date, s.counted
    );
    section.push(Html::figure(svg::bars("Members by status", &caption, &bars), &caption));
    section
}

fn renewals_due(season: &Season) -> Section {
    let r = &season.renewals_due;
    let due: usize = r.by_month.values().sum();
    let mut section = Section::new("renewals", "Renewals due by month");
    let bars: Vec<Bar> = r.by_month.iter().map(|((y, m), n)| Bar::count(format!("{y}-{m:02}"), *n as u64)).collect();
    let caption = format!(
        "{due} current members whose term ends in the next {DUE_WITHIN_DAYS} days ({} to {}), by the month it ends.",
        season.date, r.horizon
    );
    if bars.is_empty() {
        section.push(Html::paragraph(&format!("No renewal due: {caption}")));
    } else {
        section.push(Html::figure(svg::columns("Renewals due by month", &caption, &bars), &caption));
    }
    section.push(Html::table(
        "Where the renewals stand",
        &["renewals", "members"],
        &[
            vec!["due, renewal open now".into(), r.open.to_string()],
            vec!["due, renewal not open yet".into(), r.not_open.to_string()],
            vec!["in grace (past their end)".into(), r.overdue.to_string()],
        ],
    ));
    section
}

fn dues(season: &Season) -> Section {
    let d = &season.dues;
    let mut section = Section::new("dues", "Dues expected");
    section.push(Html::paragraph(&format!(
        "The renewal quotes of current members whose term ends by {} and of members in grace, summed exactly.",
        d.horizon
    )));
    let mut rows: Vec<Vec<String>> = d
        .totals
        .iter()
        .map(|(currency, (n, total))| vec![currency.clone(), n.to_string(), total.to_string()])
        .collect();
    if d.not_quotable > 0 {
        rows.push(vec!["not quotable today (renewal not open yet)".into(), d.not_quotable.to_string(), String::new()]);
    }
    section.push(Html::table("Dues expected in the renewal season", &["currency", "quotes", "total"], &rows));
    section
}

fn self_service(season: &Season) -> Section {
    let c = &season.coverage;
    let r = &c.report;
    let mut section = Section::new("self-service", "The website's requests: self-service share");
    section.push(Html(format!(
        "<p class=\"standing\">{}</p>\n",
        escape(&format!("{} requests replayed: {}", c.requests, r.standing.summary))
    )));
    let stacks: Vec<Stack> = r
        .by_kind
        .iter()
        .chain(std::iter::once(&amscore::KindShares { kind: None, counts: r.overall.clone() }))
        .enumerate()
        .map(|(i, k)| {
            let label =
                if i == r.by_kind.len() { "all requests" } else { k.kind.map_or("(unreadable)", |k| k.as_str()) };
            let n = &k.counts;
            let mut parts = vec![
                Part {
                    series: "self-service".into(),
                    value: n.self_service as u64,
                    text: format!("{}%", n.self_service_share),
                },
                Part { series: "staff".into(), value: n.staff as u64, text: format!("{}%", n.staff_share) },
                Part { series: "refused".into(), value: n.refused as u64, text: format!("{}%", n.refused_share) },
            ];
            if r.overall.errors > 0 {
                parts.push(Part { series: "errors".into(), value: n.errors as u64, text: n.errors.to_string() });
            }
            Stack { label: label.to_owned(), parts }
        })
        .collect();
    let caption = format!(
        "Each request kind's requests by route: completed by the website, sent to staff, refused; the dashed line is \
         the {}% target.",
        r.standing.target
    );
    section.push(Html::figure(
        svg::stacked("Self-service share by request kind", &caption, &stacks, Some(r.standing.target)),
        &caption,
    ));
    let exceptions: Vec<&amscore::ReasonRow> = r.reasons.iter().filter(|x| x.sent_to_staff > 0).collect();
    if !exceptions.is_empty() {
        let bars: Vec<Bar> = exceptions.iter().map(|x| Bar::count(x.code.as_str(), x.sent_to_staff as u64)).collect();
        let alone: Vec<u64> = exceptions.iter().map(|x| x.alone_blocked as u64).collect();
        let caption = "Why requests went to staff (Pareto): requests listing each reason, most first; the dark part \
                       went to staff for that reason alone (without that one rule they would have been self-service); \
                       the line is the running share of all the reasons listed (a request can list several).";
        section.push(Html::figure(
            svg::pareto("Pareto of the reasons requests went to staff", caption, &bars, &alone, "this reason alone"),
            caption,
        ));
    }
    let rows: Vec<Vec<String>> = r
        .reasons
        .iter()
        .map(|x| {
            vec![
                x.code.as_str().to_owned(),
                x.sent_to_staff.to_string(),
                x.alone_blocked.to_string(),
                x.refused.to_string(),
            ]
        })
        .collect();
    section.push(Html::table(
        "Reasons, by requests sent to staff",
        &["reason", "sent to staff", "by it alone", "refused"],
        &rows,
    ));
    if let Some(w) = &season.what_if {
        let mut rows = vec![vec![
            "self-service share".to_owned(),
            format!("{}%", w.before.self_service_share),
            format!("{}%", w.after.self_service_share),
        ]];
        rows.extend(
            w.transitions
                .iter()
                .map(|t| vec![format!("{} -> {}", t.from, t.to), String::new(), t.requests.to_string()]),
        );
        section.push(Html::table(
            &format!("What if (policy_looser.json): {} of {} decisions change", w.changed, w.before.requests),
            &["", "now", "what if"],
            &rows,
        ));
        section.push(Html::paragraph(&w.report.standing.summary));
    }
    section
}

/// The staff queues: the requests the website sent to each queue (from the coverage report), then
/// `more`, a nested section for what the staff-work report adds (owners, ageing) once it exists.
pub fn staff_queues(season: &Season, more: Option<&Section>) -> Section {
    let r = &season.coverage.report;
    let mut section = Section::new("staff-queues", "Staff queues");
    let bars: Vec<Bar> = r.by_queue.iter().map(|q| Bar::count(q.queue.as_str(), q.requests as u64)).collect();
    let caption = format!("The {} requests the website sent to staff, by the queue they went to.", r.overall.staff);
    if bars.is_empty() {
        section.push(Html::paragraph("No request went to staff."));
    } else {
        section.push(Html::figure(svg::bars("Requests sent to staff by queue", &caption, &bars), &caption));
    }
    if let Some(more) = more {
        section.push(Html(more.html(3)));
    }
    section
}

/// A rate as a percent: the core's exact percent, or "n/a".
fn percent(r: &Rate) -> String {
    r.percent.map_or_else(|| "n/a".to_owned(), |p| format!("{p}% ({}/{})", r.numerator, r.denominator))
}

/// A cohort cell's rate (0 to 1, the core's) as a percent and as a shade from 0 to 100.
fn rate_percent(rate: Decimal) -> (String, u32) {
    let p = (rate * Decimal::ONE_HUNDRED).normalize();
    (format!("{p}%"), p.round().to_u32().unwrap_or(0))
}

fn cohort_rows(t: &CohortTable) -> (Vec<String>, Vec<HeatRow>) {
    let years = t.rows.iter().map(|r| r.cells.len()).max().unwrap_or(0);
    let columns = (0..years).map(|k| format!("year {k}")).collect();
    let rows = t
        .rows
        .iter()
        .map(|row| HeatRow {
            label: format!("{} ({})", row.join_year, row.members),
            cells: (0..years)
                .map(|k| {
                    row.cells.get(k).map(|c| {
                        let (text, shade) = rate_percent(c.rate);
                        let title = format!(
                            "joined {}, year {}: {} of {} members retained ({text})",
                            row.join_year, c.years, c.retained, c.eligible
                        );
                        Cell { shade, text, title }
                    })
                })
                .collect(),
        })
        .collect();
    (columns, rows)
}

fn basis_row(name: &str, m: &RetentionMetrics) -> Vec<String> {
    vec![
        name.to_owned(),
        percent(&m.renewal_rate),
        percent(&m.churn),
        m.average_tenure.as_ref().map_or_else(|| "unbounded".to_owned(), |t| format!("{} years", t.years)),
        m.lifetime_value.as_ref().map_or_else(String::new, |v| v.gross.to_string()),
    ]
}

fn retention(season: &Season) -> Section {
    let s = &season.success;
    let mut section = Section::new("retention", "Retention by join cohort");
    let t = &s.cohorts;
    let (columns, rows) = cohort_rows(t);
    let caption = format!(
        "Each row is the members who first joined in that year (how many in brackets); each cell, of those whose \
         anniversary that many years on has come by {}, the share who were members on it. {} members in cohorts{}.",
        season.date,
        t.members,
        if t.joined_after > 0 { format!(", {} joining later", t.joined_after) } else { String::new() }
    );
    if rows.is_empty() {
        section.push(Html::paragraph("No member has joined yet."));
    } else {
        section.push(Html::figure(
            svg::heat_map("Retention by join cohort", &caption, &columns, &rows, "retained"),
            &caption,
        ));
    }
    let r = &s.retention;
    section.push(Html::table(
        &format!(
            "Retention, {} to {} (reinstated members count as {})",
            r.period_start,
            r.period_end,
            r.reinstated.as_str()
        ),
        &["basis", "renewal", "churn", "average tenure", "lifetime value"],
        &[basis_row("snapshot", &r.snapshot), basis_row("eligibility", &r.eligibility)],
    ));
    section.push(Html::table(
        "Other measures",
        &["measure", "value"],
        &[
            vec!["first-year renewal".into(), percent(&r.first_year_renewal)],
            vec!["churn, last 30 days".into(), percent(&r.churn_30_days)],
            vec!["members now".into(), r.counts.members_now.to_string()],
            vec!["joined in the last 12 months".into(), r.counts.joined_last_12_months.to_string()],
            vec!["members a year ago".into(), r.counts.members_year_ago.to_string()],
        ],
    ));
    section
}

fn at_risk(season: &Season) -> Section {
    let report = &season.success.at_risk;
    let mut section = Section::new("at-risk", "Members at risk");
    section.push(Html::paragraph(&format!(
        "{} members at risk on {}, most urgent first, with the rules that fired, what to do, and the facts that \
         matched.",
        report.triggers.len(),
        season.date
    )));
    let mut out = String::from(
        "<table><caption>The at-risk list</caption><thead><tr><th scope=\"col\">member</th>\
         <th scope=\"col\">priority</th><th scope=\"col\">reasons</th></tr></thead><tbody>",
    );
    for t in &report.triggers {
        let _ = write!(
            out,
            "<tr><th scope=\"row\">{}</th><td>P{}</td><td><ul class=\"reasons\">",
            escape(&t.member_id.to_string()),
            t.priority
        );
        for r in &t.reasons {
            let _ = write!(
                out,
                "<li><b>{}</b>, {}: {}</li>",
                escape(&r.code),
                escape(&r.action),
                escape(&r.matched.join("; "))
            );
        }
        out.push_str("</ul></td></tr>");
    }
    out.push_str("</tbody></table>\n");
    section.push(Html(out));
    if !report.suppressed.is_empty() {
        let rows: Vec<Vec<String>> = report
            .suppressed
            .iter()
            .map(|s| vec![s.member_id.to_string(), s.code.clone(), s.last_triggered.to_string(), s.until.to_string()])
            .collect();
        section.push(Html::table(
            "Held back by cooldown",
            &["member", "reason", "last triggered", "quiet until"],
            &rows,
        ));
    }
    section
}

fn data_quality(season: &Season) -> Section {
    let q = &season.data_quality;
    let mut section = Section::new("data-quality", "Data quality");
    section.push(Html::paragraph(&format!(
        "{} roster rows read: {} used, {} with problems. Activity log: {} events, {} bad lines.",
        q.rows_read,
        q.rows_used,
        q.rows_with_problems,
        season.success.events,
        season.success.bad_lines.len()
    )));
    let rows: Vec<Vec<String>> = q.counts.iter().map(|c| vec![c.name.to_string(), c.count.to_string()]).collect();
    if !rows.is_empty() {
        section.push(Html::table("Problems by kind", &["problem", "rows"], &rows));
        let first: Vec<Vec<String>> = q
            .problems
            .iter()
            .take(FIRST_PROBLEMS)
            .map(|p| {
                let member = p.member_id.as_ref().map_or("(no id)", |m| m.0.as_str());
                vec![member.to_owned(), p.code.to_string(), p.to_string()]
            })
            .collect();
        section.push(Html::table(
            &format!("The first {} of {} problems", first.len(), q.problems.len()),
            &["member", "code", "problem"],
            &first,
        ));
    }
    section
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_escape_every_cell_and_mark_row_headings() {
        let t = Html::table("<b>", &["a&b"], &[vec!["<script>alert(1)</script>".into(), "12".into()]]);
        assert_eq!(
            t.0,
            "<table><caption>&lt;b&gt;</caption><thead><tr><th scope=\"col\">a&amp;b</th></tr></thead><tbody><tr>\
             <th scope=\"row\">&lt;script&gt;alert(1)&lt;/script&gt;</th><td class=\"num\">12</td></tr></tbody></table>\n"
        );
    }

    #[test]
    fn a_section_escapes_its_heading_and_nests() {
        let mut s = Section::new("x\"y", "Owners <& ageing>");
        s.push(Html::paragraph("'quoted'"));
        assert_eq!(
            s.html(3),
            "<section id=\"x&quot;y\"><h3>Owners &lt;&amp; ageing&gt;</h3>\n<p>&#39;quoted&#39;</p>\n</section>\n"
        );
    }

    /// The staff-work hook: a section given to [`render`] is shown inside the staff queues.
    #[test]
    fn more_staff_work_is_nested_under_the_staff_queues() {
        let date = amscore::parse_date(crate::season::DEFAULT_DATE).unwrap_or_else(|e| panic!("{e}"));
        let season = Season::compute(&crate::season::default_dir(), date).unwrap_or_else(|e| panic!("{e:?}"));
        let mut owners = Section::new("staff-owners", "Owners & ageing");
        owners.push(Html::table("Open items by owner", &["owner", "open"], &[vec!["<Ana>".into(), "3".into()]]));
        let page = render(&season, Some(&owners));
        let queues = &page[page.find("<section id=\"staff-queues\">").unwrap_or(0)..];
        let queues = &queues[..queues.find("</section>\n</section>").unwrap_or(0)];
        assert!(queues.contains("<section id=\"staff-owners\"><h3>Owners &amp; ageing</h3>"), "{queues}");
        assert!(queues.contains("<th scope=\"row\">&lt;Ana&gt;</th>"));
        assert!(!render(&season, None).contains("staff-owners"));
    }

    #[test]
    fn cohort_rates_are_the_core_s_as_percents() {
        assert_eq!(rate_percent(Decimal::new(8333, 4)), ("83.33%".to_owned(), 83));
        assert_eq!(rate_percent(Decimal::new(10000, 4)), ("100%".to_owned(), 100));
        assert_eq!(rate_percent(Decimal::new(0, 4)), ("0%".to_owned(), 0));
    }
}
