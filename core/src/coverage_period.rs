//! Coverage over time and the staff work a batch makes: the coverage report per month or
//! quarter with the change from the previous period (is the website used more, what got better
//! after a rule changed), and the work items of the requests sent to staff.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use time::{Date, Month};

use crate::coverage::CoverageReport;
use crate::decision::{Decision, ReasonCode};
use crate::engine::Engine;
use crate::error::Error;
use crate::request::{RequestKind, SelfServiceRequest};
use crate::success::CapPeriod;
use crate::work::{minutes_text, WorkItem};

/// The period a coverage view is cut in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReportPeriod {
    /// Calendar months (`2026-11`).
    Month,
    /// Calendar quarters from January (`2026-Q4`).
    Quarter,
}

impl ReportPeriod {
    /// The period a date falls in: its label and first day.
    ///
    /// ```
    /// use time::macros::date;
    /// assert_eq!(amscore::ReportPeriod::Quarter.of(date!(2026-11-27)), ("2026-Q4".to_owned(), date!(2026-10-01)));
    /// assert_eq!(amscore::ReportPeriod::Month.of(date!(2026-11-27)).0, "2026-11");
    /// ```
    pub fn of(self, date: Date) -> (String, Date) {
        // The calendar periods are the activity caps' (one reading of "the quarter a date is in").
        let cap = match self {
            ReportPeriod::Month => CapPeriod::Month,
            ReportPeriod::Quarter => CapPeriod::Quarter,
        };
        let (year, n) = cap.key(date);
        let (label, first_month) = match self {
            ReportPeriod::Month => (format!("{year:04}-{n:02}"), n),
            ReportPeriod::Quarter => (format!("{year:04}-Q{}", n + 1), n * 3 + 1),
        };
        let month = u8::try_from(first_month).ok().and_then(|m| Month::try_from(m).ok()).unwrap_or(Month::January);
        (label, Date::from_calendar_date(year, month, 1).unwrap_or(date))
    }
}

/// How one reason changed from the previous period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReasonDelta {
    /// The reason.
    pub code: ReasonCode,
    /// Change in requests sent to staff that list it.
    pub sent_to_staff: i64,
    /// Change in refused requests that list it.
    pub refused: i64,
    /// Change in the staff minutes it costs (when the policy sets minutes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub staff_minutes: Option<i64>,
}

/// The change from the previous period that has requests.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PeriodChange {
    /// The period compared with.
    pub previous: String,
    /// Change in the self-service share, percentage points.
    #[serde(with = "crate::money::decimal_text")]
    pub self_service_share: Decimal,
    /// Change in requests.
    pub requests: i64,
    /// Change in self-service requests.
    pub self_service: i64,
    /// Change in requests sent to staff.
    pub staff: i64,
    /// Change in staff minutes (when the policy sets minutes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub staff_minutes: Option<i64>,
    /// The reasons whose counts or minutes changed, largest change in requests sent to staff
    /// first (then in refusals, then the reason order).
    pub reasons: Vec<ReasonDelta>,
}

/// The coverage of one period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PeriodCoverage {
    /// The period's label (`2026-11`, `2026-Q4`).
    pub period: String,
    /// Its first day.
    #[serde(with = "crate::period::date_text")]
    pub start: Date,
    /// The coverage report of its requests.
    pub report: CoverageReport,
    /// The change from the previous period with requests (`None` for the first).
    pub change: Option<PeriodChange>,
}

/// The coverage report by period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CoveragePeriods {
    /// How the periods are cut.
    pub period: ReportPeriod,
    /// The periods that have requests, in time order.
    pub periods: Vec<PeriodCoverage>,
    /// Rows that could not be read as requests, so have no time (they are in no period).
    pub unplaced: usize,
}

fn delta(after: usize, before: usize) -> i64 {
    i64::try_from(after).unwrap_or(i64::MAX) - i64::try_from(before).unwrap_or(i64::MAX)
}

fn delta_minutes(after: Option<u64>, before: Option<u64>) -> Option<i64> {
    let (a, b) = (after?, before?);
    Some(i64::try_from(a).unwrap_or(i64::MAX) - i64::try_from(b).unwrap_or(i64::MAX))
}

/// A reason's counts in one period: sent to staff, refused, staff minutes.
type ReasonCounts = (usize, usize, Option<u64>);

/// The rows of a batch, keyed as [`CoverageReport::build_costed`] reads them.
type Keyed<'a> = Vec<(Option<RequestKind>, Option<&'a Decision>)>;

fn change(previous: &str, before: &CoverageReport, after: &CoverageReport) -> PeriodChange {
    let mut codes: BTreeMap<ReasonCode, (ReasonCounts, ReasonCounts)> = BTreeMap::new();
    for r in &before.reasons {
        codes.entry(r.code).or_default().0 = (r.sent_to_staff, r.refused, r.staff_minutes);
    }
    for r in &after.reasons {
        codes.entry(r.code).or_default().1 = (r.sent_to_staff, r.refused, r.staff_minutes);
    }
    let costed = after.staff_minutes.is_some();
    let mut reasons: Vec<ReasonDelta> = codes
        .into_iter()
        .map(|(code, (b, a))| ReasonDelta {
            code,
            sent_to_staff: delta(a.0, b.0),
            refused: delta(a.1, b.1),
            staff_minutes: costed.then(|| delta_minutes(Some(a.2.unwrap_or(0)), Some(b.2.unwrap_or(0)))).flatten(),
        })
        .filter(|d| d.sent_to_staff != 0 || d.refused != 0 || d.staff_minutes.is_some_and(|m| m != 0))
        .collect();
    reasons.sort_by(|a, b| {
        b.sent_to_staff
            .unsigned_abs()
            .cmp(&a.sent_to_staff.unsigned_abs())
            .then(b.refused.unsigned_abs().cmp(&a.refused.unsigned_abs()))
            .then(a.code.cmp(&b.code))
    });
    PeriodChange {
        previous: previous.to_owned(),
        self_service_share: after.overall.self_service_share - before.overall.self_service_share,
        requests: delta(after.overall.requests, before.overall.requests),
        self_service: delta(after.overall.self_service, before.overall.self_service),
        staff: delta(after.overall.staff, before.overall.staff),
        staff_minutes: delta_minutes(after.staff_minutes, before.staff_minutes),
        reasons,
    }
}

impl Engine {
    /// The coverage report per month or quarter of the requests' times, each with the change
    /// from the previous period that has requests. Each period's report is
    /// [`CoverageReport::build_costed`] over its requests, so it carries the staff time when the
    /// policy sets minutes.
    ///
    /// ```
    /// use serde_json::json;
    /// let engine = amscore::Engine::from_preset("amscore")?;
    /// let rows: Vec<_> = [("2026-09-10T10:00", "retired"), ("2026-10-02T10:00", "individual")]
    ///     .iter()
    ///     .map(|(at, plan)| amscore::parse_self_service_request(
    ///         json!({"at": at, "action": {"kind": "join", "plan": plan}})).map_err(amscore::Error::from))
    ///     .collect();
    /// let view = engine.coverage_by_period(&rows, amscore::ReportPeriod::Month);
    /// assert_eq!(view.periods.len(), 2);
    /// let october = view.periods[1].change.as_ref().unwrap();
    /// assert_eq!((october.previous.as_str(), october.self_service_share.to_string()), ("2026-09", "100.0".into()));
    /// # Ok::<(), amscore::PolicyError>(())
    /// ```
    pub fn coverage_by_period(
        &self,
        rows: &[Result<SelfServiceRequest, Error>],
        period: ReportPeriod,
    ) -> CoveragePeriods {
        let batch = self.decide_batch(rows);
        let mut groups: BTreeMap<Date, (String, Keyed<'_>)> = BTreeMap::new();
        let mut unplaced = 0;
        for (row, result) in rows.iter().zip(&batch.results) {
            let Ok(request) = row else {
                unplaced += 1;
                continue;
            };
            let (label, start) = period.of(request.at.date());
            groups
                .entry(start)
                .or_insert_with(|| (label, Vec::new()))
                .1
                .push((Some(request.action.kind()), result.as_ref().ok()));
        }
        let mut periods: Vec<PeriodCoverage> = Vec::with_capacity(groups.len());
        for (start, (label, keyed)) in groups {
            let report = CoverageReport::build_costed(&keyed, Some(&self.policy().staff));
            let change = periods.last().map(|p| change(&p.period, &p.report, &report));
            periods.push(PeriodCoverage { period: label, start, report, change });
        }
        CoveragePeriods { period, periods, unplaced }
    }

    /// The work items of a batch: one for each request the policy sends to staff, with its
    /// queue, its reasons and the request time ([`WorkItem::from_decision`]); its id is the
    /// request's `id`, or the row's index when it has none. Rows that cannot be decided make no
    /// item (the coverage report counts them as errors).
    ///
    /// ```
    /// use serde_json::json;
    /// let engine = amscore::Engine::from_preset("amscore")?;
    /// let rows = vec![Ok(amscore::parse_self_service_request(
    ///     json!({"id": "R-7", "at": "2026-11-27T16:00", "action": {"kind": "join", "plan": "retired"}})).unwrap())];
    /// let items = engine.work_items(&rows);
    /// assert_eq!((items[0].id.as_str(), items[0].queue), ("R-7", amscore::Queue::Membership));
    /// # Ok::<(), amscore::PolicyError>(())
    /// ```
    pub fn work_items(&self, rows: &[Result<SelfServiceRequest, Error>]) -> Vec<WorkItem> {
        rows.iter()
            .enumerate()
            .filter_map(|(i, row)| {
                let request = row.as_ref().ok()?;
                let decision = self.decide(request).ok()?;
                WorkItem::from_decision(request.id.clone().unwrap_or_else(|| i.to_string()), request, &decision)
            })
            .collect()
    }
}

/// The coverage by period as text for people: one line per period with its requests, the
/// self-service share, staff requests and staff time, and the change from the previous period
/// with the reasons that moved most.
///
/// ```
/// use serde_json::json;
/// let engine = amscore::Engine::from_preset("amscore")?;
/// let rows = vec![Ok(amscore::parse_self_service_request(
///     json!({"at": "2026-11-27T16:00", "action": {"kind": "join", "plan": "retired"}})).unwrap())];
/// let text = amscore::format_coverage_periods(&engine.coverage_by_period(&rows, amscore::ReportPeriod::Quarter));
/// assert!(text.contains("2026-Q4"));
/// # Ok::<(), amscore::PolicyError>(())
/// ```
pub fn format_coverage_periods(view: &CoveragePeriods) -> String {
    let mut out = String::new();
    let costed = view.periods.iter().any(|p| p.report.staff_minutes.is_some());
    // Writing to a String cannot fail.
    let _ = writeln!(
        out,
        "{:<9} {:>8} {:>13} {:>7}{} {:>10}",
        "period",
        "requests",
        "self-service",
        "staff",
        if costed { format!(" {:>14}", "staff time") } else { String::new() },
        "change"
    );
    for p in &view.periods {
        let o = &p.report.overall;
        let change = p.change.as_ref().map_or(String::new(), |c| {
            let sign = if c.self_service_share >= Decimal::ZERO { "+" } else { "" };
            let mut text = format!("{sign}{} pts, staff {:+}", c.self_service_share, c.staff);
            if let Some(m) = c.staff_minutes {
                text.push_str(&format!(", staff time {}{}", if m >= 0 { "+" } else { "" }, minutes_text(m)));
            }
            let moved: Vec<String> = c
                .reasons
                .iter()
                .take(3)
                .map(|r| match (r.sent_to_staff, r.refused) {
                    (0, refused) => format!("{} refused {refused:+}", r.code),
                    (staff, _) => format!("{} {staff:+}", r.code),
                })
                .collect();
            if !moved.is_empty() {
                text.push_str(&format!(" ({})", moved.join(", ")));
            }
            text
        });
        let _ = writeln!(
            out,
            "{:<9} {:>8} {:>13} {:>7}{} {}",
            p.period,
            o.requests,
            format!("{}%", o.self_service_share),
            o.staff,
            p.report.staff_minutes.map_or(String::new(), |m| format!(" {:>14}", minutes_text(m))),
            change
        );
    }
    if view.unplaced > 0 {
        let _ = writeln!(out, "({} rows could not be read and have no time)", view.unplaced);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn rows(list: &[(&str, &str)]) -> Vec<Result<SelfServiceRequest, Error>> {
        list.iter()
            .map(|(at, plan)| {
                crate::decision::parse_self_service_request(json!({"at": at, "action": {"kind": "join", "plan": plan}}))
                    .map_err(Error::from)
            })
            .collect()
    }

    #[test]
    fn periods_compare_with_the_previous_one_and_cost_staff_time() {
        let engine = Engine::from_json(
            r#"{"version": 1, "preset": "amscore", "staff": {"minutes": {"plan_requires_approval": 15}}}"#,
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let mut list = rows(&[
            ("2026-07-01T09:00", "retired"),
            ("2026-08-15T09:00", "retired"),
            ("2026-09-30T23:59", "individual"),
            ("2026-10-01T00:00", "individual"),
            ("2026-12-01T09:00", "individual"),
            ("2026-12-02T09:00", "retired"),
        ]);
        list.push(Err(crate::decision::DecisionError::Syntax { path: String::new(), message: "bad".into() }.into()));
        let view = engine.coverage_by_period(&list, ReportPeriod::Quarter);
        let labels: Vec<&str> = view.periods.iter().map(|p| p.period.as_str()).collect();
        assert_eq!(labels, ["2026-Q3", "2026-Q4"]);
        assert_eq!(view.unplaced, 1);
        let (q3, q4) = (&view.periods[0].report, &view.periods[1].report);
        assert_eq!(
            (q3.overall.staff, q3.staff_minutes, q4.overall.staff, q4.staff_minutes),
            (2, Some(30), 1, Some(15))
        );
        let c = view.periods[1].change.as_ref().unwrap_or_else(|| panic!("a change"));
        assert_eq!((c.staff, c.staff_minutes, c.self_service_share.to_string()), (-1, Some(-15), "33.4".to_owned()));
        assert_eq!(c.reasons[0].code, ReasonCode::PlanRequiresApproval);
        assert_eq!((c.reasons[0].sent_to_staff, c.reasons[0].staff_minutes), (-1, Some(-15)));
        // The periods' counts add up to the whole batch's.
        let whole = engine.decide_batch(&list).report;
        let sum: usize = view.periods.iter().map(|p| p.report.overall.requests).sum();
        assert_eq!(sum + view.unplaced, whole.overall.requests);
        let text = format_coverage_periods(&view);
        assert!(text.contains("2026-Q4"), "{text}");
        assert!(text.contains("+33.4 pts, staff -1, staff time -15 min (plan_requires_approval -1)"), "{text}");
    }

    #[test]
    fn months_are_labelled_and_start_on_the_first() {
        assert_eq!(
            ReportPeriod::Month.of(time::macros::date!(2026 - 02 - 28)),
            ("2026-02".into(), time::macros::date!(2026 - 02 - 01))
        );
        assert_eq!(ReportPeriod::Quarter.of(time::macros::date!(2026 - 03 - 31)).0, "2026-Q1");
        assert_eq!(
            ReportPeriod::Quarter.of(time::macros::date!(2026 - 04 - 01)).1,
            time::macros::date!(2026 - 04 - 01)
        );
    }
}
