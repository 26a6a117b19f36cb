//! Plain-text reports for people: the at-risk list with its reasons, and the retention summary.

use std::fmt::Write;

use super::intervention::AtRiskReport;
use super::metrics::{Rate, RetentionMetrics, RosterRetention};

fn percent(r: &Rate) -> String {
    match r.percent {
        Some(p) => format!("{p}% ({}/{})", r.numerator, r.denominator),
        None => "n/a (nobody to measure)".to_owned(),
    }
}

/// The at-risk list as text: one line per member with priority and reason codes, then the tests
/// that fired, then what was held back by cooldowns and any bad rows.
///
/// ```
/// use amscore::success::{format_at_risk, AtRiskReport};
/// let text = format_at_risk(&AtRiskReport { triggers: vec![], suppressed: vec![], errors: vec![] });
/// assert_eq!(text, "At-risk members: 0\n");
/// ```
pub fn format_at_risk(report: &AtRiskReport) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "At-risk members: {}", report.triggers.len());
    for t in &report.triggers {
        let codes: Vec<&str> = t.reasons.iter().map(|r| r.code.as_str()).collect();
        let _ = writeln!(out, "  [P{}] {}: {}", t.priority, t.member_id, codes.join(", "));
        for r in &t.reasons {
            let _ = writeln!(out, "        {} -> {}: {}", r.code, r.action, r.matched.join("; "));
        }
    }
    if !report.suppressed.is_empty() {
        let _ = writeln!(out, "Held back by cooldown: {}", report.suppressed.len());
        for s in &report.suppressed {
            let _ = writeln!(out, "  {} {} (last {}, quiet until {})", s.member_id, s.code, s.last_triggered, s.until);
        }
    }
    if !report.errors.is_empty() {
        let _ = writeln!(out, "Rows with errors: {}", report.errors.len());
        for e in &report.errors {
            let _ = writeln!(out, "  {} [{}] {}", e.row, e.name, e.message);
        }
    }
    out
}

fn basis(out: &mut String, name: &str, m: &RetentionMetrics) {
    let _ = writeln!(out, "  {name}: renewal {}, churn {}", percent(&m.renewal_rate), percent(&m.churn));
    match &m.average_tenure {
        Some(t) => {
            let _ = write!(out, "    average tenure {} years (exactly {})", t.years, t.exact);
        }
        None => {
            let _ = write!(out, "    average tenure: unbounded (nobody lost)");
        }
    }
    match &m.lifetime_value {
        Some(v) => {
            let _ = writeln!(out, "; lifetime value {} gross, {} net", v.gross, v.net);
        }
        None => out.push('\n'),
    }
}

/// The retention summary as text: both renewal bases, first-year renewal, 30-day churn, tenure
/// and lifetime value. Ratios are exact until this one rounding, which the text says.
///
/// ```
/// use amscore::success::{format_retention, retention_metrics};
/// use time::macros::date;
/// let engine = amscore::Engine::from_preset("amscore")?;
/// let r = retention_metrics(&engine, &[], date!(2025-06-30), None)?;
/// assert!(format_retention(&r).starts_with("Retention, 2024-07-01 to 2025-06-30"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn format_retention(r: &RosterRetention) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Retention, {} to {} (reinstated members count as {:?})",
        r.period_start, r.period_end, r.reinstated
    );
    let c = &r.counts;
    let _ = writeln!(
        out,
        "  members now {}, joined in the last 12 months {}, members a year ago {}",
        c.members_now, c.joined_last_12_months, c.members_year_ago
    );
    basis(&mut out, "snapshot basis", &r.snapshot);
    basis(&mut out, "eligibility basis", &r.eligibility);
    let _ = writeln!(out, "  first-year renewal {}", percent(&r.first_year_renewal));
    let _ = writeln!(out, "  churn, last 30 days {}", percent(&r.churn_30_days));
    let _ = writeln!(out, "  (ratios are exact; each figure is rounded once, at the end)");
    if !r.errors.is_empty() {
        let _ = writeln!(out, "  rows with errors: {}", r.errors.len());
    }
    out
}
