//! Plain-text reports for people: the at-risk list with its reasons, and the retention summary.

use std::collections::BTreeMap;
use std::fmt::Write;

use super::intervention::AtRiskReport;
use super::metrics::{Rate, RetentionMetrics, RosterRetention};
use super::roster::RowError;

fn percent(r: &Rate) -> String {
    match r.percent {
        Some(p) => format!("{p}% ({}/{})", r.numerator, r.denominator),
        None => "n/a (nobody to measure)".to_owned(),
    }
}

/// What each retention measure means: `(name, definition)`, by the name the measure has in
/// [`RosterRetention`] and [`RetentionMetrics`] (and so in the gateway's answer and the flattened
/// columns of the Python frames). [`format_retention`] ends with them; the Python
/// `retention_metrics` and `snapshot_metrics` docstrings and frames carry them.
///
/// ```
/// let (name, definition) = amscore::success::METRIC_DEFINITIONS[0];
/// assert_eq!(name, "snapshot");
/// assert!(definition.contains("members a year ago"));
/// ```
pub const METRIC_DEFINITIONS: [(&str, &str); 9] = [
    (
        "snapshot",
        "the snapshot basis: measures from three counts, members now, members who joined in the last 12 months \
         and members a year ago",
    ),
    ("eligibility", "the eligibility basis: measures from the terms that ended in the 12 months ending on the date"),
    (
        "renewal_rate",
        "renewed ÷ the base: on the snapshot basis (members now − joined in the last 12 months) ÷ members a year \
         ago; on the eligibility basis terms that ended in the period and were renewed ÷ terms that ended in it",
    ),
    ("churn", "lost ÷ the base, that is 1 − the renewal rate"),
    ("average_tenure", "1 ÷ churn, in years (and as the exact fraction); none when nobody was lost"),
    (
        "lifetime_value",
        "gross = (annual dues + non-dues revenue) × average tenure; net = (annual dues + non-dues revenue − annual \
         cost) × average tenure − acquisition cost; each rounded once to the currency's minor unit",
    ),
    ("first_year_renewal", "the eligibility-basis renewal rate of first terms only (a member's first term of a run)"),
    ("churn_30_days", "members 30 days before the date who are no longer members ÷ members 30 days before"),
    (
        "rate",
        "every ratio is exact (numerator and denominator are counts) and rounded once: rate to 4 decimals, \
         percent to 2",
    ),
];

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
    errors(&mut out, &report.errors);
    out
}

/// How many bad rows the text lists one by one; the rest are counted by error name.
const LISTED_ERRORS: usize = 5;

fn errors(out: &mut String, errors: &[RowError]) {
    if errors.is_empty() {
        return;
    }
    let mut by_name: BTreeMap<&str, usize> = BTreeMap::new();
    for e in errors {
        *by_name.entry(e.name.as_str()).or_default() += 1;
    }
    let counts: Vec<String> = by_name.iter().map(|(n, c)| format!("{n} {c}")).collect();
    let _ = writeln!(out, "Rows with errors: {} ({})", errors.len(), counts.join(", "));
    for e in errors.iter().take(LISTED_ERRORS) {
        let _ = writeln!(out, "  {}[{}] [{}] {}", e.source, e.row, e.name, e.message);
    }
    if errors.len() > LISTED_ERRORS {
        let _ = writeln!(out, "  ... and {} more", errors.len() - LISTED_ERRORS);
    }
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
/// let r = retention_metrics(engine.success(), &[], date!(2025-06-30), None)?;
/// assert!(format_retention(&r).starts_with("Retention, 2024-07-01 to 2025-06-30"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn format_retention(r: &RosterRetention) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Retention, {} to {} (reinstated members count as {})",
        r.period_start,
        r.period_end,
        r.reinstated.as_str()
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
    let _ = writeln!(out, "  definitions:");
    for (name, definition) in METRIC_DEFINITIONS {
        let _ = writeln!(out, "    {name}: {definition}");
    }
    errors(&mut out, &r.errors);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::success::{at_risk, retention_metrics, Economics, MemberHistory};
    use crate::{Currency, Engine};
    use rust_decimal::Decimal;
    use time::macros::date;

    fn member(json: &str) -> MemberHistory {
        serde_json::from_str(json).expect("member")
    }

    #[test]
    fn retention_summary_reads_as_text() {
        let engine = Engine::from_preset("amscore").expect("preset");
        let stayed = member(
            r#"{"membership": {"member_id": "A", "plan": "individual", "member_since": "2024-01-01",
                "term": {"start": "2025-01-01", "end": "2025-12-31"}}, "terms": [{"start": "2024-01-01", "end": "2024-12-31"}]}"#,
        );
        let left = member(
            r#"{"membership": {"member_id": "B", "plan": "individual", "member_since": "2024-02-01",
                "term": {"start": "2024-02-01", "end": "2025-01-31"}}}"#,
        );
        let econ = Economics::new(Currency::USD, Decimal::from(125), Decimal::from(100));
        let r =
            retention_metrics(engine.success(), &[stayed, left], date!(2025 - 06 - 30), Some(&econ)).expect("metrics");
        assert_eq!(
            format_retention(&r),
            "Retention, 2024-07-01 to 2025-06-30 (reinstated members count as continuing)\n\
             \x20 members now 1, joined in the last 12 months 0, members a year ago 2\n\
             \x20 snapshot basis: renewal 50.00% (1/2), churn 50.00% (1/2)\n\
             \x20   average tenure 2.00 years (exactly 2/1); lifetime value 450.00 USD gross, 450.00 USD net\n\
             \x20 eligibility basis: renewal 50.00% (1/2), churn 50.00% (1/2)\n\
             \x20   average tenure 2.00 years (exactly 2/1); lifetime value 450.00 USD gross, 450.00 USD net\n\
             \x20 first-year renewal 50.00% (1/2)\n\
             \x20 churn, last 30 days 0.00% (0/1)\n\
             \x20 (ratios are exact; each figure is rounded once, at the end)\n\
             \x20 definitions:\n"
                .to_owned()
                + &METRIC_DEFINITIONS.map(|(n, d)| format!("    {n}: {d}\n")).concat()
        );
    }

    #[test]
    fn at_risk_list_names_reasons_and_summarises_errors() {
        let engine = Engine::from_json(
            r#"{"version": 1, "preset": "amscore", "success": {"at_risk": [
              {"id": "owes", "priority": 2, "action": "billing_call", "when": {"test": {"fact": "balance_due", "op": "gt", "value": 0}}}]}}"#,
        )
        .expect("policy");
        let m = member(
            r#"{"membership": {"member_id": "A", "plan": "individual", "member_since": "2024-01-01",
                "term": {"start": "2025-01-01", "end": "2025-12-31"}}, "balance_due": "20.00"}"#,
        );
        let events: Vec<crate::success::ActivityEvent> = (0..7)
            .map(|i| crate::success::ActivityEvent {
                member_id: format!("X{i}").as_str().into(),
                date: date!(2025 - 01 - 01),
                kind: "login".into(),
                value: None,
                row: None,
            })
            .collect();
        let r = at_risk(engine.success(), &[m], &events, &[], date!(2025 - 06 - 30)).expect("at risk");
        let text = format_at_risk(&r);
        assert_eq!(
            text.lines().take(3).collect::<Vec<_>>(),
            ["At-risk members: 1", "  [P2] A: owes", "        owes -> billing_call: balance_due gt 0 (is 20.00)"]
        );
        assert!(text.contains("Rows with errors: 7 (unknown_member 7)\n"));
        assert!(text.ends_with("  ... and 2 more\n"));
    }
}
