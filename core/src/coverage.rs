//! Batches of self-service decisions and the coverage report: the share handled online, by
//! request kind, the reasons that cost the most staff work, and what-if replays under another policy.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::decision::{parse_self_service_request, Decision, Queue, ReasonCode, Route};
use crate::engine::Engine;
use crate::error::Error;
use crate::json_text::TextProblem;
use crate::money::share;
use crate::request::{RequestKind, SelfServiceRequest};
use crate::work::{minutes_text, StaffPolicy};

/// The 80/20 target: the share of requests the website should complete on its own, in percent.
pub const SELF_SERVICE_TARGET: u32 = 80;

/// How many requests went each way. `self_service + staff + refused + errors = requests`; the
/// shares (percent, one decimal) are of the decided requests, errors left out.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RouteCounts {
    /// Requests in the batch.
    pub requests: usize,
    /// Completed by the website.
    pub self_service: usize,
    /// Sent to staff.
    pub staff: usize,
    /// Refused.
    pub refused: usize,
    /// Rows that could not be decided (bad requests).
    pub errors: usize,
    /// Self-service share of decided requests, percent.
    #[serde(with = "crate::money::decimal_text")]
    pub self_service_share: Decimal,
    /// Staff share of decided requests, percent.
    #[serde(with = "crate::money::decimal_text")]
    pub staff_share: Decimal,
    /// Refused share of decided requests, percent.
    #[serde(with = "crate::money::decimal_text")]
    pub refused_share: Decimal,
}

impl RouteCounts {
    fn add(&mut self, outcome: Option<&Route>) {
        self.requests += 1;
        match outcome {
            Some(Route::SelfService) => self.self_service += 1,
            Some(Route::Staff { .. }) => self.staff += 1,
            Some(Route::Refused) => self.refused += 1,
            None => self.errors += 1,
        }
    }

    fn finish(&mut self) {
        let decided = self.requests - self.errors;
        self.self_service_share = share(self.self_service, decided);
        self.staff_share = share(self.staff, decided);
        self.refused_share = share(self.refused, decided);
    }

    /// Requests that were decided (not errors).
    pub fn decided(&self) -> usize {
        self.requests - self.errors
    }
}

/// The counts for one request kind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KindShares {
    /// The kind (`None` for rows too malformed to have one).
    pub kind: Option<RequestKind>,
    /// Its counts.
    #[serde(flatten)]
    pub counts: RouteCounts,
}

/// One row of the Pareto table of reasons.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReasonRow {
    /// The reason.
    pub code: ReasonCode,
    /// Requests sent to staff that list this reason.
    pub sent_to_staff: usize,
    /// Requests sent to staff for this reason alone: without this one rule they would have been
    /// self-service.
    pub alone_blocked: usize,
    /// Refused requests that list this reason.
    pub refused: usize,
    /// The staff minutes this reason costs: requests sent to staff that list it times the
    /// policy's minutes for it (only when the policy's `staff` section sets minutes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub staff_minutes: Option<u64>,
}

/// Staff work by queue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QueueRow {
    /// The queue.
    pub queue: Queue,
    /// Requests sent to it.
    pub requests: usize,
    /// The staff minutes they cost (only when the policy's `staff` section sets minutes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub staff_minutes: Option<u64>,
}

/// Where the association stands against 80/20.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Standing {
    /// The target share, percent.
    pub target: u32,
    /// Whether the self-service share reaches it.
    pub meets_target: bool,
    /// How many more decided requests would have to be self-service to reach it.
    pub requests_short: usize,
    /// The sentence: `"self-service 83.4% of 3000 decided requests: meets the 80/20 target"`.
    pub summary: String,
}

/// The coverage report over a batch of requests.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CoverageReport {
    /// All requests.
    pub overall: RouteCounts,
    /// By request kind, in the stable kind order (rows without a kind last).
    pub by_kind: Vec<KindShares>,
    /// Staff requests by queue.
    pub by_queue: Vec<QueueRow>,
    /// The Pareto table: reasons by requests sent to staff (most first), then alone-blocked,
    /// then refused, then the stable code order. Reasons that never applied are left out.
    pub reasons: Vec<ReasonRow>,
    /// Where the association stands against 80/20.
    pub standing: Standing,
    /// The staff minutes the requests sent to staff cost, by the policy's minutes per reason
    /// (only when the policy's `staff` section sets minutes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub staff_minutes: Option<u64>,
}

impl CoverageReport {
    /// Builds the report from each row's kind (if it has one) and outcome.
    ///
    /// ```
    /// use serde_json::json;
    /// let engine = amscore::Engine::from_preset("amscore")?;
    /// let batch = engine.decide_values(vec![
    ///     json!({"at": "2025-03-10T12:00", "action": {"kind": "join", "plan": "individual"}}),
    ///     json!({"at": "2025-03-10T12:00", "action": {"kind": "join", "plan": "retired"}}),
    ///     json!({"at": "2025-03-10T12:00", "action": {"kind": "join", "plan": "gold"}}),
    /// ]);
    /// let r = &batch.report;
    /// assert_eq!((r.overall.self_service, r.overall.staff, r.overall.errors), (1, 1, 1));
    /// assert_eq!(r.reasons[0].code, amscore::ReasonCode::PlanRequiresApproval);
    /// assert_eq!(r.reasons[0].alone_blocked, 1);
    /// # Ok::<(), amscore::PolicyError>(())
    /// ```
    pub fn build(rows: &[(Option<RequestKind>, Option<&Decision>)]) -> CoverageReport {
        CoverageReport::build_costed(rows, None)
    }

    /// [`CoverageReport::build`], with the staff time the requests imply when `staff` sets
    /// minutes per reason ([`StaffPolicy::decision_minutes`]: each request sent to staff costs
    /// the minutes of its reasons), by reason, by queue and in total.
    ///
    /// ```
    /// use serde_json::json;
    /// let engine = amscore::Engine::from_json(r#"{"version": 1, "preset": "amscore",
    ///     "staff": {"minutes": {"plan_requires_approval": 12}}}"#)?;
    /// let batch = engine.decide_values(vec![
    ///     json!({"at": "2025-03-10T12:00", "action": {"kind": "join", "plan": "retired"}}),
    ///     json!({"at": "2025-03-11T12:00", "action": {"kind": "join", "plan": "retired"}}),
    /// ]);
    /// assert_eq!(batch.report.staff_minutes, Some(24));
    /// assert_eq!(batch.report.reasons[0].staff_minutes, Some(24));
    /// # Ok::<(), amscore::PolicyError>(())
    /// ```
    pub fn build_costed(
        rows: &[(Option<RequestKind>, Option<&Decision>)],
        staff: Option<&StaffPolicy>,
    ) -> CoverageReport {
        let staff = staff.filter(|s| s.costs_time());
        let mut minutes_by_queue: BTreeMap<Queue, u64> = BTreeMap::new();
        let mut minutes_by_reason: BTreeMap<ReasonCode, u64> = BTreeMap::new();
        let mut overall = RouteCounts::default();
        let mut kinds: BTreeMap<Option<RequestKind>, RouteCounts> = BTreeMap::new();
        let mut queues: BTreeMap<Queue, usize> = BTreeMap::new();
        let mut reasons: BTreeMap<ReasonCode, ReasonRow> = BTreeMap::new();
        for (kind, decision) in rows {
            let route = decision.map(|d| &d.route);
            overall.add(route);
            kinds.entry(*kind).or_default().add(route);
            let Some(d) = decision else { continue };
            if let Route::Staff { queue } = d.route {
                *queues.entry(queue).or_default() += 1;
                if let Some(staff) = staff {
                    *minutes_by_queue.entry(queue).or_default() += staff.decision_minutes(d);
                    let mut codes: Vec<ReasonCode> = d.reasons.iter().map(|r| r.code).collect();
                    codes.dedup();
                    for c in codes {
                        *minutes_by_reason.entry(c).or_default() += u64::from(staff.minutes_of(c));
                    }
                }
            }
            for r in &d.reasons {
                let row = reasons.entry(r.code).or_insert(ReasonRow {
                    code: r.code,
                    sent_to_staff: 0,
                    alone_blocked: 0,
                    refused: 0,
                    staff_minutes: staff.map(|_| 0),
                });
                match d.route {
                    Route::Staff { .. } => {
                        row.sent_to_staff += 1;
                        if d.reasons.iter().all(|o| o.code == r.code) {
                            row.alone_blocked += 1;
                        }
                    }
                    Route::Refused => row.refused += 1,
                    Route::SelfService => {}
                }
            }
        }
        overall.finish();
        let by_kind = kinds
            .into_iter()
            .map(|(kind, mut counts)| {
                counts.finish();
                KindShares { kind, counts }
            })
            .collect::<Vec<_>>();
        let mut by_kind = by_kind;
        by_kind.sort_by_key(|k| (k.kind.is_none(), k.kind));
        let mut reasons: Vec<ReasonRow> = reasons.into_values().collect();
        reasons.sort_by(|a, b| {
            b.sent_to_staff
                .cmp(&a.sent_to_staff)
                .then(b.alone_blocked.cmp(&a.alone_blocked))
                .then(b.refused.cmp(&a.refused))
                .then(a.code.cmp(&b.code))
        });
        if staff.is_some() {
            for r in &mut reasons {
                r.staff_minutes = Some(minutes_by_reason.get(&r.code).copied().unwrap_or(0));
            }
        }
        let standing = standing(&overall, &reasons);
        let by_queue: Vec<QueueRow> = queues
            .into_iter()
            .map(|(queue, requests)| QueueRow {
                queue,
                requests,
                staff_minutes: staff.map(|_| minutes_by_queue.get(&queue).copied().unwrap_or(0)),
            })
            .collect();
        CoverageReport {
            overall,
            by_kind,
            staff_minutes: staff.map(|_| by_queue.iter().filter_map(|q| q.staff_minutes).sum()),
            by_queue,
            reasons,
            standing,
        }
    }
}

fn standing(overall: &RouteCounts, reasons: &[ReasonRow]) -> Standing {
    let decided = overall.decided();
    let target = SELF_SERVICE_TARGET as usize;
    // The fewest self-service requests that make the share at least the target: ceil(decided * 80 / 100).
    let needed = (decided * target).div_ceil(100);
    let requests_short = needed.saturating_sub(overall.self_service);
    let meets_target = decided > 0 && requests_short == 0;
    let head = format!(
        "self-service {}% of {decided} decided requests ({} staff, {} refused, {} errors)",
        overall.self_service_share, overall.staff, overall.refused, overall.errors
    );
    let summary = if decided == 0 {
        "no request could be decided: no standing against 80/20".to_owned()
    } else if meets_target {
        format!("{head}: meets the 80/20 target of {SELF_SERVICE_TARGET}%")
    } else {
        let top = reasons
            .iter()
            .find(|r| r.sent_to_staff > 0)
            .map(|r| {
                format!(
                    "; the costliest rule is `{}` ({} sent to staff, {} by it alone)",
                    r.code, r.sent_to_staff, r.alone_blocked
                )
            })
            .unwrap_or_default();
        format!("{head}: below the 80/20 target of {SELF_SERVICE_TARGET}% by {requests_short} requests{top}")
    };
    Standing { target: SELF_SERVICE_TARGET, meets_target, requests_short, summary }
}

/// A decided batch: each row's decision or error, in input order, and the coverage report.
#[derive(Debug, Clone)]
pub struct Batch {
    /// Per row: the decision, or why the row could not be decided.
    pub results: Vec<Result<Decision, Error>>,
    /// The coverage report over all rows.
    pub report: CoverageReport,
}

/// What changes if the same requests are decided under another policy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WhatIf {
    /// The counts under the current policy.
    pub before: RouteCounts,
    /// The counts under the other policy (the new share).
    pub after: RouteCounts,
    /// Requests whose route or reasons changed.
    pub changed: usize,
    /// Changed routes: `{"from": "staff", "to": "self_service", "requests": 120}`, largest first.
    pub transitions: Vec<Transition>,
    /// Per reason, among changed requests: how many lost it and how many gained it.
    pub by_reason: Vec<ReasonChange>,
    /// The full report under the other policy.
    pub report: CoverageReport,
}

/// Requests that moved from one route to another.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Transition {
    /// The route before (`self_service`, `staff`, `refused` or `error`).
    pub from: String,
    /// The route after.
    pub to: String,
    /// How many requests.
    pub requests: usize,
}

/// How one reason's reach changed under the other policy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReasonChange {
    /// The reason.
    pub code: ReasonCode,
    /// Requests that listed it before and no longer do.
    pub cleared: usize,
    /// Requests that list it now and did not before.
    pub added: usize,
}

fn outcome_name(r: &Result<Decision, Error>) -> String {
    match r {
        Ok(d) => d.route.name().to_owned(),
        Err(_) => "error".to_owned(),
    }
}

/// Reads JSON-lines text (one request document per line, blank lines skipped) into requests, one
/// result per non-blank line: a line that is not JSON, or not a request, keeps its own error so a
/// batch can report it in its row.
///
/// ```
/// let rows = amscore::parse_request_lines("{\"at\": \"2025-03-10T12:00\", \"action\": {\"kind\": \"join\", \"plan\": \"retired\"}}\n\nnot json\n");
/// assert_eq!(rows.len(), 2);
/// assert!(rows[0].is_ok() && rows[1].is_err());
/// ```
pub fn parse_request_lines(text: &str) -> Vec<Result<SelfServiceRequest, Error>> {
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|line| match crate::json_text::read_json(line) {
            Ok(v) => parse_self_service_request(v).map_err(Error::from),
            Err(TextProblem { path, message }) => Err(crate::decision::DecisionError::Syntax { path, message }.into()),
        })
        .collect()
}

impl Engine {
    /// Decides a batch of requests; a row that failed to parse keeps its error, and a bad row
    /// never stops the others.
    pub fn decide_batch(&self, rows: &[Result<SelfServiceRequest, Error>]) -> Batch {
        let results: Vec<Result<Decision, Error>> =
            rows.iter().map(|row| row.as_ref().map_err(Clone::clone).and_then(|r| self.decide(r))).collect();
        let keyed: Vec<(Option<RequestKind>, Option<&Decision>)> = rows
            .iter()
            .zip(&results)
            .map(|(row, res)| (row.as_ref().ok().map(|r| r.action.kind()), res.as_ref().ok()))
            .collect();
        let report = CoverageReport::build_costed(&keyed, Some(&self.policy().staff));
        Batch { results, report }
    }

    /// Parses and decides a batch of JSON requests (see [`CoverageReport::build`] for an example).
    pub fn decide_values(&self, values: Vec<Value>) -> Batch {
        let rows: Vec<Result<SelfServiceRequest, Error>> =
            values.into_iter().map(|v| parse_self_service_request(v).map_err(Error::from)).collect();
        self.decide_batch(&rows)
    }

    /// Replays a batch under another policy and reports what changed.
    ///
    /// ```
    /// use serde_json::json;
    /// let base = amscore::Engine::from_preset("amscore")?;
    /// let looser = amscore::Engine::from_json(r#"{"version": 1, "preset": "amscore",
    ///     "self_service": {"plans": {"retired": {"join_approval": false}}}}"#)?;
    /// let rows = vec![Ok(amscore::parse_self_service_request(
    ///     json!({"at": "2025-03-10T12:00", "action": {"kind": "join", "plan": "retired"}})).unwrap())];
    /// let w = base.what_if(&looser, &rows);
    /// assert_eq!((w.before.self_service, w.after.self_service, w.changed), (0, 1, 1));
    /// assert_eq!(w.by_reason[0].cleared, 1);
    /// # Ok::<(), amscore::PolicyError>(())
    /// ```
    pub fn what_if(&self, other: &Engine, rows: &[Result<SelfServiceRequest, Error>]) -> WhatIf {
        let before = self.decide_batch(rows);
        let after = other.decide_batch(rows);
        let mut transitions: BTreeMap<(String, String), usize> = BTreeMap::new();
        let mut reasons: BTreeMap<ReasonCode, (usize, usize)> = BTreeMap::new();
        let mut changed = 0;
        for (b, a) in before.results.iter().zip(&after.results) {
            let codes = |r: &Result<Decision, Error>| -> Vec<ReasonCode> {
                r.as_ref().map(|d| d.reasons.iter().map(|x| x.code).collect()).unwrap_or_default()
            };
            let (cb, ca) = (codes(b), codes(a));
            let same_route = match (b, a) {
                (Ok(x), Ok(y)) => x.route == y.route,
                (Err(_), Err(_)) => true,
                _ => false,
            };
            if same_route && cb == ca {
                continue;
            }
            changed += 1;
            let (from, to) = (outcome_name(b), outcome_name(a));
            if from != to {
                *transitions.entry((from, to)).or_default() += 1;
            }
            for c in cb.iter().filter(|c| !ca.contains(c)) {
                reasons.entry(*c).or_default().0 += 1;
            }
            for c in ca.iter().filter(|c| !cb.contains(c)) {
                reasons.entry(*c).or_default().1 += 1;
            }
        }
        let mut transitions: Vec<Transition> =
            transitions.into_iter().map(|((from, to), requests)| Transition { from, to, requests }).collect();
        transitions.sort_by_key(|t| std::cmp::Reverse(t.requests));
        let mut by_reason: Vec<ReasonChange> =
            reasons.into_iter().map(|(code, (cleared, added))| ReasonChange { code, cleared, added }).collect();
        by_reason.sort_by_key(|r| std::cmp::Reverse(r.cleared + r.added));
        WhatIf {
            before: before.report.overall,
            after: after.report.overall.clone(),
            changed,
            transitions,
            by_reason,
            report: after.report,
        }
    }
}

/// The coverage report as text for people: the 80/20 standing, shares by kind, staff queues and
/// the Pareto table of reasons.
///
/// ```
/// use serde_json::json;
/// let engine = amscore::Engine::from_preset("amscore")?;
/// let batch = engine.decide_values(vec![json!({"at": "2025-03-10T12:00", "action": {"kind": "join", "plan": "individual"}})]);
/// let text = amscore::format_coverage(&batch.report);
/// assert!(text.contains("meets the 80/20 target"));
/// # Ok::<(), amscore::PolicyError>(())
/// ```
pub fn format_coverage(report: &CoverageReport) -> String {
    let mut out = String::new();
    let o = &report.overall;
    // Writing to a String cannot fail.
    let _ = writeln!(out, "Self-service coverage: {}", report.standing.summary);
    let _ = writeln!(
        out,
        "\n{:<22} {:>8} {:>13} {:>13} {:>13} {:>7}",
        "request kind", "requests", "self-service", "staff", "refused", "errors"
    );
    let cell = |n: usize, s: Decimal| format!("{n} ({s}%)");
    let mut line = |name: &str, c: &RouteCounts| {
        let _ = writeln!(
            out,
            "{:<22} {:>8} {:>13} {:>13} {:>13} {:>7}",
            name,
            c.requests,
            cell(c.self_service, c.self_service_share),
            cell(c.staff, c.staff_share),
            cell(c.refused, c.refused_share),
            c.errors
        );
    };
    for k in &report.by_kind {
        line(k.kind.map_or("(unreadable)", |k| k.as_str()), &k.counts);
    }
    line("all", o);
    if !report.by_queue.is_empty() {
        let queues: Vec<String> =
            report.by_queue.iter().map(|q| format!("{} {}", q.queue.as_str(), q.requests)).collect();
        let _ = writeln!(out, "\nStaff queues: {}", queues.join(", "));
    }
    if let Some(minutes) = report.staff_minutes {
        let queues: Vec<String> = report
            .by_queue
            .iter()
            .map(|q| format!("{} {}", q.queue.as_str(), minutes_text(q.staff_minutes.unwrap_or(0))))
            .collect();
        let _ = writeln!(out, "Staff time: {} ({})", minutes_text(minutes), queues.join(", "));
    }
    if !report.reasons.is_empty() {
        let _ = writeln!(
            out,
            "\n{:<30} {:>13} {:>13} {:>8}{}",
            "reason (Pareto)",
            "sent to staff",
            "alone blocked",
            "refused",
            if report.staff_minutes.is_some() { format!(" {:>14}", "staff time") } else { String::new() }
        );
        for r in &report.reasons {
            let _ =
                write!(out, "{:<30} {:>13} {:>13} {:>8}", r.code.as_str(), r.sent_to_staff, r.alone_blocked, r.refused);
            let _ = match r.staff_minutes {
                Some(m) => writeln!(out, " {:>14}", minutes_text(m)),
                None => writeln!(out),
            };
        }
    }
    out
}

/// A what-if replay as text: the share before and after, the routes that moved, and the reasons
/// cleared or added.
///
/// ```
/// use serde_json::json;
/// let base = amscore::Engine::from_preset("amscore")?;
/// let looser = amscore::Engine::from_json(r#"{"version": 1, "preset": "amscore",
///     "self_service": {"plans": {"retired": {"join_approval": false}}}}"#)?;
/// let rows = vec![Ok(amscore::parse_self_service_request(
///     json!({"at": "2025-03-10T12:00", "action": {"kind": "join", "plan": "retired"}})).unwrap())];
/// let text = amscore::format_what_if(&base.what_if(&looser, &rows));
/// assert!(text.starts_with("What if: 1 of 1 decisions change; self-service 0.0% -> 100.0%"));
/// assert!(text.contains("plan_requires_approval"));
/// # Ok::<(), amscore::PolicyError>(())
/// ```
pub fn format_what_if(w: &WhatIf) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "What if: {} of {} decisions change; self-service {}% -> {}%",
        w.changed, w.before.requests, w.before.self_service_share, w.after.self_service_share
    );
    for t in &w.transitions {
        let _ = writeln!(out, "  {} -> {}: {}", t.from, t.to, t.requests);
    }
    for r in &w.by_reason {
        let _ = writeln!(out, "  {:<30} cleared {:>6}  added {:>6}", r.code.as_str(), r.cleared, r.added);
    }
    let _ = writeln!(out, "  {}", w.report.standing.summary);
    out
}
