//! The JSON gateway: one request document in, one result document out. The shared conformance
//! vectors, the C API's `ams_engine_call` and the Python module all speak it.
//!
//! A request names its operation in `op`; the response is `{"ok": result}` or
//! `{"error": {"code", "name", "message", "path"?}}` with the stable codes of [`crate::error_table`].

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use time::Date;

use crate::codes::{error_codes, ErrorCode, SerdeProblem};
use crate::engine::Engine;
use crate::error::Error;
use crate::json_text::TextProblem;
use crate::money::Money;
use crate::plan::PlanId;
use crate::policy::Policy;
use crate::policy_error::PolicyError;
use crate::quote::{Cancellation, PlanChange, SeatChange};
use crate::roster::Roster;
use crate::status::Membership;
use crate::success::{
    self, ActivityEvent, Economics, MemberHistory, Outcome, PreviousTrigger, SentMessage, SnapshotCounts,
};

/// A request document that cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RequestError {
    /// Not JSON, or a value of the wrong type.
    #[error("{}{message}", crate::codes::at(path))]
    Syntax {
        /// Where.
        path: String,
        /// What the parser said.
        message: String,
    },
    /// A field the operation does not take.
    #[error("{}unknown field `{field}`", crate::codes::at(path))]
    UnknownField {
        /// Where.
        path: String,
        /// The field.
        field: String,
    },
    /// A field the operation needs.
    #[error("{}missing field `{field}`", crate::codes::at(path))]
    MissingField {
        /// Where.
        path: String,
        /// The field.
        field: String,
    },
    /// An `op` the gateway does not know.
    #[error("op: unknown operation `{op}`")]
    UnknownOperation {
        /// The operation named.
        op: String,
    },
}

error_codes!(RequestError, "request", REQUEST_ERRORS, {
    RequestError::Syntax { .. } => 1601, "request_syntax";
    RequestError::UnknownField { .. } => 1602, "request_unknown_field";
    RequestError::MissingField { .. } => 1603, "request_missing_field";
    RequestError::UnknownOperation { .. } => 1604, "unknown_operation";
});

impl RequestError {
    /// Where in the request the error is.
    pub fn path(&self) -> &str {
        match self {
            RequestError::Syntax { path, .. }
            | RequestError::UnknownField { path, .. }
            | RequestError::MissingField { path, .. } => path,
            RequestError::UnknownOperation { .. } => "op",
        }
    }

    /// Turns a serde error in the body of operation `op` into the narrowest request error. The
    /// path serde reports starts with the operation's name, which the request does not contain.
    fn from_serde(op: &str, err: serde_path_to_error::Error<serde_json::Error>) -> RequestError {
        let path = err.path().to_string();
        let path = if path == "." || path == op {
            String::new()
        } else {
            path.strip_prefix(op).and_then(|p| p.strip_prefix('.')).unwrap_or(&path).to_owned()
        };
        let message = err.inner().to_string();
        if message.starts_with("unknown variant") && path.is_empty() {
            let op = message.split('`').nth(1).unwrap_or_default().to_owned();
            return RequestError::UnknownOperation { op };
        }
        RequestError::at(path, &message)
    }

    /// The narrowest request error for serde's `message` about the value at `path`.
    fn at(path: String, message: &str) -> RequestError {
        match SerdeProblem::classify(path, message) {
            SerdeProblem::UnknownField { path, field, .. } => RequestError::UnknownField { path, field },
            SerdeProblem::MissingField { path, field } => RequestError::MissingField { path, field },
            SerdeProblem::Other { path, message } => RequestError::Syntax { path, message },
        }
    }
}

/// The answer of a split: the currency and each part's amount.
fn parts_answer(total: &Money, parts: &[Money]) -> Value {
    json!({
        "currency": total.currency(),
        "parts": parts.iter().map(|p| p.amount().to_string()).collect::<Vec<_>>(),
    })
}

fn one() -> u32 {
    1
}

/// A request to the engine. On the wire the operation is named by the `op` field,
/// `{"op": "join_term", "plan": "individual", "date": "2025-01-15"}`; read requests with
/// [`parse_request`], which reports every problem with its path inside the request.
///
/// (The enum itself is externally tagged so that serde can track paths into an operation's
/// fields; an internally tagged enum buffers its content and loses them.)
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
#[non_exhaustive]
pub enum Request {
    /// The policy's name, version and plan ids.
    DescribePolicy,
    /// [`Engine::join_terms`].
    JoinTerm {
        /// The plan joined.
        plan: PlanId,
        /// The join date.
        #[serde(with = "crate::period::date_text")]
        date: Date,
        /// Terms bought at once (default 1).
        #[serde(default = "one")]
        terms: u32,
        /// A staff-entered term start (on or before `date`), kept as given.
        #[serde(default, with = "crate::period::opt_date_text")]
        start: Option<Date>,
        /// A staff-entered term end (on or after `date`, at most the end of the terms bought).
        #[serde(default, with = "crate::period::opt_date_text")]
        end: Option<Date>,
    },
    /// [`Engine::status_on`].
    StatusOn {
        /// The membership's facts.
        membership: Membership,
        /// The date asked about.
        #[serde(with = "crate::period::date_text")]
        date: Date,
    },
    /// [`Engine::renewal_term`].
    RenewalTerm {
        /// The membership's facts.
        membership: Membership,
        /// The renewal date.
        #[serde(with = "crate::period::date_text")]
        date: Date,
        /// Terms bought at once (default 1).
        #[serde(default = "one")]
        terms: u32,
    },
    /// [`Roster::from_csv`]: the members built from a roster and every problem with its rows.
    LoadRoster {
        /// The roster, as CSV text (a header row, then one row per term).
        csv: String,
    },
    /// [`Engine::quote_join`].
    QuoteJoin {
        /// The plan joined.
        plan: PlanId,
        /// The join date.
        #[serde(with = "crate::period::date_text")]
        date: Date,
        /// Terms bought at once (default 1).
        #[serde(default = "one")]
        terms: u32,
        /// Seats, for organisational plans.
        #[serde(default)]
        seats: Option<u32>,
        /// The new member pays no tax (default false).
        #[serde(default)]
        tax_exempt: bool,
        /// A staff-entered term start (on or before `date`), kept as given.
        #[serde(default, with = "crate::period::opt_date_text")]
        start: Option<Date>,
        /// A staff-entered term end (on or after `date`); the dues are prorated to it.
        #[serde(default, with = "crate::period::opt_date_text")]
        end: Option<Date>,
    },
    /// [`Engine::quote_renewal`].
    QuoteRenewal {
        /// The membership's facts.
        membership: Membership,
        /// The renewal date.
        #[serde(with = "crate::period::date_text")]
        date: Date,
        /// Terms bought at once (default 1).
        #[serde(default = "one")]
        terms: u32,
        /// Seats, for organisational plans.
        #[serde(default)]
        seats: Option<u32>,
    },
    /// [`Engine::quote_change_plan`].
    QuoteChangePlan {
        /// The membership's facts.
        membership: Membership,
        /// The plan to change to.
        plan: PlanId,
        /// The change date.
        #[serde(with = "crate::period::date_text")]
        date: Date,
        /// What was paid for the current term.
        amount_paid: Money,
        /// Credits already given against the current term.
        #[serde(default)]
        credits_applied: Option<Money>,
        /// Seats on the new plan.
        #[serde(default)]
        seats: Option<u32>,
    },
    /// [`Engine::quote_change_seats`].
    QuoteChangeSeats {
        /// The membership's facts.
        membership: Membership,
        /// The change date.
        #[serde(with = "crate::period::date_text")]
        date: Date,
        /// Seats now.
        seats_from: u32,
        /// Seats after.
        seats_to: u32,
        /// What was paid for the current term (caps a credit).
        #[serde(default)]
        amount_paid: Option<Money>,
        /// Credits already given against the current term.
        #[serde(default)]
        credits_applied: Option<Money>,
    },
    /// [`Engine::quote_cancel`].
    QuoteCancel {
        /// The membership's facts.
        membership: Membership,
        /// The cancellation date.
        #[serde(with = "crate::period::date_text")]
        date: Date,
        /// What was paid for the current term.
        amount_paid: Money,
        /// Credits or refunds already given against the current term.
        #[serde(default)]
        credits_applied: Option<Money>,
    },
    /// [`Engine::decide`]: one self-service request (see [`crate::SelfServiceRequest`]); error
    /// paths are relative to `request`.
    Decide {
        /// The self-service request.
        request: Value,
    },
    /// [`Engine::decide_batch`]: answers `{"results": [{"ok": decision} | {"error": ...}], "report"}`.
    DecideBatch {
        /// The self-service requests; a bad row gets its own error.
        requests: Vec<Value>,
    },
    /// The coverage report alone: answers `{"report", "text"}` (text from [`crate::format_coverage`]).
    CoverageReport {
        /// The self-service requests.
        requests: Vec<Value>,
    },
    /// [`Engine::what_if`]: replays `requests` under `policy` (a whole policy document).
    WhatIf {
        /// The other policy.
        policy: Value,
        /// The self-service requests.
        requests: Vec<Value>,
    },
    /// [`Engine::split_instalments`]: answers `{"currency", "parts": ["33.33", ...]}`; with
    /// `tax` ([`Engine::split_taxed_instalments`]) also `"net"` and `"tax"`, one per part.
    SplitInstalments {
        /// The amount to split.
        total: Money,
        /// The number of instalments.
        count: u32,
        /// The tax inside `total`, split beside it (default none).
        #[serde(default)]
        tax: Option<Money>,
    },
    /// [`crate::allocate_by`]: a total shared in proportion to whole-number weights, the units
    /// left over going where `remainder` says (default largest remainder); answers
    /// `{"currency", "parts": ["70.00", "30.00"]}`.
    Allocate {
        /// The amount to share.
        total: Money,
        /// One whole-number weight per part (70/30, seats per chapter).
        weights: Vec<u32>,
        /// Where the units left over go.
        #[serde(default)]
        remainder: crate::Remainder,
    },
    /// [`success::engagement_scores`].
    EngagementScores {
        /// The roster.
        members: Vec<MemberHistory>,
        /// The activity log.
        #[serde(default)]
        events: Vec<ActivityEvent>,
        /// The scoring date.
        #[serde(with = "crate::period::date_text")]
        as_of: Date,
        /// Seats per organisation, for the per-seat roll-up.
        #[serde(default)]
        seats: BTreeMap<String, u32>,
    },
    /// [`success::segments`].
    Segments {
        /// The roster.
        members: Vec<MemberHistory>,
        /// The activity log.
        #[serde(default)]
        events: Vec<ActivityEvent>,
        /// The date.
        #[serde(with = "crate::period::date_text")]
        as_of: Date,
    },
    /// [`success::journeys`].
    Journeys {
        /// The roster.
        members: Vec<MemberHistory>,
        /// The activity log.
        #[serde(default)]
        events: Vec<ActivityEvent>,
        /// The date.
        #[serde(with = "crate::period::date_text")]
        as_of: Date,
    },
    /// [`success::at_risk`].
    AtRisk {
        /// The roster.
        members: Vec<MemberHistory>,
        /// The activity log.
        #[serde(default)]
        events: Vec<ActivityEvent>,
        /// Triggers raised before, for cooldowns.
        #[serde(default)]
        previous_triggers: Vec<PreviousTrigger>,
        /// The date.
        #[serde(with = "crate::period::date_text")]
        as_of: Date,
    },
    /// [`success::upgrade_candidates`].
    UpgradeCandidates {
        /// The roster.
        members: Vec<MemberHistory>,
        /// The activity log.
        #[serde(default)]
        events: Vec<ActivityEvent>,
        /// The date.
        #[serde(with = "crate::period::date_text")]
        as_of: Date,
    },
    /// [`success::renewal_due`].
    RenewalDue {
        /// The roster.
        members: Vec<MemberHistory>,
        /// The date.
        #[serde(with = "crate::period::date_text")]
        as_of: Date,
        /// The horizon in days (default: the policy's `success.renewal_due_days`).
        #[serde(default)]
        within_days: Option<u32>,
    },
    /// [`success::retention_metrics`].
    RetentionMetrics {
        /// The roster with term histories.
        members: Vec<MemberHistory>,
        /// The measurement date (the end of the 12-month period).
        #[serde(with = "crate::period::date_text")]
        as_of: Date,
        /// Revenue and costs per member, for lifetime value.
        #[serde(default)]
        economics: Option<Economics>,
    },
    /// [`success::snapshot_metrics`].
    SnapshotMetrics {
        /// The three snapshot counts.
        counts: SnapshotCounts,
        /// Revenue and costs per member, for lifetime value.
        #[serde(default)]
        economics: Option<Economics>,
    },
    /// [`success::cohort_table`].
    CohortTable {
        /// The roster with term histories.
        members: Vec<MemberHistory>,
        /// The measurement date.
        #[serde(with = "crate::period::date_text")]
        as_of: Date,
    },
    /// [`Engine::audit_export`]: answers the [`crate::AuditReport`].
    AuditExport {
        /// `civicrm` or `tendenci`.
        format: crate::audit::ExportFormat,
        /// The export, as CSV text.
        export: String,
        /// The date the records are recomputed on.
        #[serde(with = "crate::period::date_text")]
        as_of: Date,
        /// The export's membership type → a plan id (types not given match a plan by id or name).
        #[serde(default)]
        types: BTreeMap<String, PlanId>,
    },
    /// [`Engine::write_export`]: answers `{"export": "<csv text>"}`.
    WriteExport {
        /// `civicrm` or `tendenci`.
        format: crate::audit::ExportFormat,
        /// The members.
        members: Vec<MemberHistory>,
        /// The date whose statuses are written.
        #[serde(with = "crate::period::date_text")]
        as_of: Date,
    },
    /// [`success::calibration`].
    Calibration {
        /// Past scores and renewal outcomes.
        outcomes: Vec<Outcome>,
    },
    /// [`success::reminders_due`]: the messages due on `as_of` and those held back.
    RemindersDue {
        /// The roster.
        members: Vec<MemberHistory>,
        /// The activity log (for segments and milestones).
        #[serde(default)]
        events: Vec<ActivityEvent>,
        /// The messages already sent.
        #[serde(default)]
        sent: Vec<SentMessage>,
        /// The date.
        #[serde(with = "crate::period::date_text")]
        as_of: Date,
    },
    /// [`success::reminders_forecast`]: the volume of `days` days from `as_of`, per day and
    /// channel.
    RemindersForecast {
        /// The roster.
        members: Vec<MemberHistory>,
        /// The activity log (for segments and milestones).
        #[serde(default)]
        events: Vec<ActivityEvent>,
        /// The messages already sent.
        #[serde(default)]
        sent: Vec<SentMessage>,
        /// The first day.
        #[serde(with = "crate::period::date_text")]
        as_of: Date,
        /// How many days, 1 to 366.
        days: u32,
    },
    /// [`Engine::work_items`]: answers `{"items": [...]}`, one work item per request sent to staff.
    WorkItems {
        /// The self-service requests.
        requests: Vec<Value>,
    },
    /// [`crate::staff_queues`]: the open items aged on `as_of`, the loads per owner and queue,
    /// and the share of closed items resolved within the service level.
    StaffQueues {
        /// The work items, open and closed.
        items: Vec<crate::work::WorkItem>,
        /// Who works on which item.
        #[serde(default)]
        assignments: Vec<crate::work::Assignment>,
        /// The moment asked about (`YYYY-MM-DDTHH:MM`).
        #[serde(with = "crate::request::datetime_text")]
        as_of: time::PrimitiveDateTime,
    },
    /// [`Engine::coverage_by_period`]: the coverage report per `month` or `quarter`, with the
    /// change from the previous period.
    CoverageByPeriod {
        /// The self-service requests.
        requests: Vec<Value>,
        /// `month` or `quarter`.
        period: crate::coverage_period::ReportPeriod,
    },
}

/// Anything the gateway can fail with: a request that cannot be read, or the engine's answer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GatewayError {
    /// The request could not be read.
    #[error(transparent)]
    Request(#[from] RequestError),
    /// The engine refused the request.
    #[error(transparent)]
    Engine(#[from] Error),
}

impl ErrorCode for GatewayError {
    fn code(&self) -> u32 {
        match self {
            GatewayError::Request(e) => e.code(),
            GatewayError::Engine(e) => e.code(),
        }
    }
    fn name(&self) -> &'static str {
        match self {
            GatewayError::Request(e) => e.name(),
            GatewayError::Engine(e) => e.name(),
        }
    }
}

impl GatewayError {
    fn path(&self) -> Option<&str> {
        match self {
            GatewayError::Request(e) => Some(e.path()),
            GatewayError::Engine(Error::Policy(e)) => Some(e.path()),
            GatewayError::Engine(Error::Decision(e)) => Some(e.path()),
            GatewayError::Engine(Error::Success(crate::success::SuccessError::InvalidInput { path, .. })) => Some(path),
            GatewayError::Engine(Error::Reminder(crate::success::ReminderError::InvalidInput { path, .. })) => {
                Some(path)
            }
            GatewayError::Engine(Error::Work(e)) => Some(e.path()),
            GatewayError::Engine(_) => None,
        }
    }
}

/// Reads a request document: an object whose `op` names the operation, with the operation's
/// fields beside it.
///
/// ```
/// use serde_json::json;
/// let err = amscore::gateway::parse_request(json!({"op": "join_term", "plan": "individual", "date": "2025-02-30"}))
///     .unwrap_err();
/// assert_eq!(err.path(), "date");
/// ```
///
/// # Errors
/// A [`RequestError`] naming the path.
pub fn parse_request(value: Value) -> Result<Request, RequestError> {
    let Value::Object(mut fields) = value else {
        return Err(RequestError::Syntax { path: String::new(), message: "a request must be a JSON object".into() });
    };
    let op = match fields.remove("op") {
        Some(Value::String(op)) => op,
        Some(_) => {
            return Err(RequestError::Syntax {
                path: "op".into(),
                message: "must be a string naming the operation".into(),
            })
        }
        None => return Err(RequestError::MissingField { path: String::new(), field: "op".into() }),
    };
    let first_field = fields.keys().next().cloned();
    // An operation without fields is written as serde writes a unit variant: its bare name.
    let unit = serde_path_to_error::deserialize::<_, Request>(Value::String(op.clone()));
    match (unit, first_field) {
        (Ok(request), None) => Ok(request),
        (Ok(_), Some(field)) => Err(RequestError::UnknownField { path: String::new(), field }),
        (Err(_), _) => serde_path_to_error::deserialize(json!({ op.clone(): fields }))
            .map_err(|e| RequestError::from_serde(&op, e)),
    }
}

/// Reads a membership's facts on their own (what a request carries as `membership`), with the
/// same error codes as [`parse_request`] and paths relative to the membership.
///
/// ```
/// use amscore::ErrorCode;
/// use serde_json::json;
/// let err = amscore::gateway::parse_membership(json!({"member_id": "M-1", "plan": "individual",
///     "member_since": "2025-01-15", "term": {"start": "2025-01-15", "end": "2026-02-30"}})).unwrap_err();
/// assert_eq!((err.name(), err.path()), ("request_syntax", "term.end"));
/// let err = amscore::gateway::parse_membership(json!({"member_id": "M-1"})).unwrap_err();
/// assert_eq!(err.to_string(), "missing field `plan`");
/// ```
///
/// # Errors
/// A [`RequestError`] naming the path inside the membership.
pub fn parse_membership(value: Value) -> Result<Membership, RequestError> {
    serde_path_to_error::deserialize(value).map_err(|err| {
        let path = err.path().to_string();
        let path = if path == "." { String::new() } else { path };
        RequestError::at(path, &err.inner().to_string())
    })
}

fn to_value<T: Serialize>(v: &T) -> Value {
    // Serializing amscore's own result types cannot fail: they hold no maps with non-string keys.
    serde_json::to_value(v).unwrap_or(Value::Null)
}

/// Reads each self-service request of a batch; a bad row keeps its error.
fn request_rows(requests: &[Value]) -> Vec<Result<crate::request::SelfServiceRequest, Error>> {
    requests.iter().map(|v| crate::decision::parse_self_service_request(v.clone()).map_err(Error::from)).collect()
}

/// Answers a parsed request.
///
/// # Errors
/// The engine's [`Error`] for the operation.
pub fn answer(engine: &Engine, request: &Request) -> Result<Value, Error> {
    Ok(match request {
        Request::DescribePolicy => {
            let p = engine.policy();
            json!({
                "version": p.version,
                "name": p.name,
                "plans": p.plans.iter().map(|pl| pl.id.as_str()).collect::<Vec<_>>(),
            })
        }
        Request::JoinTerm { plan, date, terms, start, end } => {
            to_value(&engine.join_term_dated(plan, *date, *terms, crate::JoinDates { start: *start, end: *end })?)
        }
        Request::StatusOn { membership, date } => to_value(&engine.status_on(membership, *date)?),
        Request::RenewalTerm { membership, date, terms } => to_value(&engine.renewal_term(membership, *date, *terms)?),
        Request::LoadRoster { csv } => to_value(&Roster::from_csv(engine.rules(), csv.as_bytes())?),
        Request::QuoteJoin { plan, date, terms, seats, tax_exempt, start, end } => {
            let dates = crate::JoinDates { start: *start, end: *end };
            to_value(&engine.quote_join_dated(plan, *date, *terms, *seats, dates, *tax_exempt)?)
        }
        Request::QuoteRenewal { membership, date, terms, seats } => {
            to_value(&engine.quote_renewal(membership, *date, *terms, *seats)?)
        }
        Request::QuoteChangePlan { membership, plan, date, amount_paid, credits_applied, seats } => {
            to_value(&engine.quote_change_plan(&PlanChange {
                membership: membership.clone(),
                plan: plan.clone(),
                date: *date,
                amount_paid: *amount_paid,
                credits_applied: *credits_applied,
                seats: *seats,
            })?)
        }
        Request::QuoteChangeSeats { membership, date, seats_from, seats_to, amount_paid, credits_applied } => {
            to_value(&engine.quote_change_seats(&SeatChange {
                membership: membership.clone(),
                date: *date,
                seats_from: *seats_from,
                seats_to: *seats_to,
                amount_paid: *amount_paid,
                credits_applied: *credits_applied,
            })?)
        }
        Request::QuoteCancel { membership, date, amount_paid, credits_applied } => {
            to_value(&engine.quote_cancel(&Cancellation {
                membership: membership.clone(),
                date: *date,
                amount_paid: *amount_paid,
                credits_applied: *credits_applied,
            })?)
        }
        Request::Decide { request } => {
            to_value(&engine.decide(&crate::decision::parse_self_service_request(request.clone())?)?)
        }
        Request::DecideBatch { requests } => {
            let batch = engine.decide_values(requests.clone());
            let results: Vec<Value> = batch
                .results
                .iter()
                .map(|r| match r {
                    Ok(d) => json!({ "ok": to_value(d) }),
                    Err(e) => error_document(&GatewayError::Engine(e.clone())),
                })
                .collect();
            json!({ "results": results, "report": to_value(&batch.report) })
        }
        Request::CoverageReport { requests } => {
            let report = engine.decide_values(requests.clone()).report;
            json!({ "report": to_value(&report), "text": crate::coverage::format_coverage(&report) })
        }
        Request::WhatIf { policy, requests } => {
            let other = Engine::new(Policy::from_value(policy.clone())?)?;
            to_value(&engine.what_if(&other, &request_rows(requests)))
        }
        Request::SplitInstalments { total, count, tax: None } => {
            parts_answer(total, &engine.split_instalments(total, *count)?)
        }
        Request::SplitInstalments { total, count, tax: Some(tax) } => {
            let parts = engine.split_taxed_instalments(total, tax, *count)?;
            let texts = |f: fn(&crate::quote::Instalment) -> Money| {
                parts.iter().map(|p| f(p).amount().to_string()).collect::<Vec<_>>()
            };
            json!({"currency": total.currency(), "parts": texts(|p| p.amount), "net": texts(|p| p.net), "tax": texts(|p| p.tax)})
        }
        Request::Allocate { total, weights, remainder } => {
            parts_answer(total, &crate::allocate_by(total, weights, *remainder)?)
        }
        Request::EngagementScores { members, events, as_of, seats } => {
            to_value(&success::engagement_scores(engine.success(), members, events, *as_of, seats)?)
        }
        Request::Segments { members, events, as_of } => {
            to_value(&success::segments(engine.success(), members, events, *as_of)?)
        }
        Request::Journeys { members, events, as_of } => {
            to_value(&success::journeys(engine.success(), members, events, *as_of)?)
        }
        Request::AtRisk { members, events, previous_triggers, as_of } => {
            to_value(&success::at_risk(engine.success(), members, events, previous_triggers, *as_of)?)
        }
        Request::UpgradeCandidates { members, events, as_of } => {
            to_value(&success::upgrade_candidates(engine.success(), members, events, *as_of)?)
        }
        Request::RenewalDue { members, as_of, within_days } => {
            to_value(&success::renewal_due(engine.success(), members, *as_of, *within_days)?)
        }
        Request::RetentionMetrics { members, as_of, economics } => {
            to_value(&success::retention_metrics(engine.success(), members, *as_of, economics.as_ref())?)
        }
        Request::SnapshotMetrics { counts, economics } => {
            to_value(&success::snapshot_metrics(counts, economics.as_ref(), engine.policy().success.rounding)?)
        }
        Request::CohortTable { members, as_of } => to_value(&success::cohort_table(engine.success(), members, *as_of)?),
        Request::AuditExport { format, export, as_of, types } => {
            to_value(&engine.audit_export(*format, export, *as_of, types)?)
        }
        Request::WriteExport { format, members, as_of } => {
            json!({ "export": engine.write_export(*format, members, *as_of)? })
        }
        Request::Calibration { outcomes } => {
            to_value(&success::calibration(outcomes, engine.policy().success.rounding))
        }
        Request::RemindersDue { members, events, sent, as_of } => {
            to_value(&success::reminders_due(engine.success(), members, events, sent, *as_of)?)
        }
        Request::RemindersForecast { members, events, sent, as_of, days } => {
            to_value(&success::reminders_forecast(engine.success(), members, events, sent, *as_of, *days)?)
        }
        Request::WorkItems { requests } => json!({ "items": to_value(&engine.work_items(&request_rows(requests))) }),
        Request::StaffQueues { items, assignments, as_of } => {
            to_value(&crate::work::staff_queues(&engine.policy().staff, items, assignments, *as_of)?)
        }
        Request::CoverageByPeriod { requests, period } => {
            to_value(&engine.coverage_by_period(&request_rows(requests), *period))
        }
    })
}

/// The error document for an error: `{"error": {"code", "name", "message", "path"?}}`.
///
/// ```
/// let err = amscore::Policy::from_json("{}").unwrap_err();
/// let doc = amscore::gateway::error_document(&err.into());
/// assert_eq!(doc["error"]["name"], "missing_field");
/// ```
pub fn error_document(err: &GatewayError) -> Value {
    let mut body = json!({ "code": err.code(), "name": err.name(), "message": err.to_string() });
    if let (Some(path), Some(obj)) = (err.path(), body.as_object_mut()) {
        obj.insert("path".into(), Value::String(path.to_owned()));
    }
    json!({ "error": body })
}

impl From<PolicyError> for GatewayError {
    fn from(e: PolicyError) -> GatewayError {
        GatewayError::Engine(Error::Policy(e))
    }
}

/// Answers a request document with a response document. Never fails: every problem becomes an
/// error document.
///
/// ```
/// use serde_json::json;
/// let engine = amscore::Engine::from_preset("amscore")?;
/// let out = amscore::gateway::call_value(&engine, json!({"op": "join_term", "plan": "individual", "date": "2025-01-15"}));
/// assert_eq!(out["ok"]["term"], json!({"start": "2025-01-15", "end": "2026-01-14"}));
/// let bad = amscore::gateway::call_value(&engine, json!({"op": "teleport"}));
/// assert_eq!(bad["error"]["name"], "unknown_operation");
/// # Ok::<(), amscore::PolicyError>(())
/// ```
pub fn call_value(engine: &Engine, request: Value) -> Value {
    match parse_request(request)
        .map_err(GatewayError::from)
        .and_then(|r| answer(engine, &r).map_err(GatewayError::from))
    {
        Ok(v) => json!({ "ok": v }),
        Err(e) => error_document(&e),
    }
}

/// Answers a request given as JSON text, returning JSON text.
///
/// # Errors
/// None: every problem, including malformed JSON, becomes an error document.
pub fn call(engine: &Engine, request: &str) -> String {
    let response = match crate::json_text::read_json(request) {
        Ok(v) => call_value(engine, v),
        Err(TextProblem { path, message }) => {
            error_document(&GatewayError::Request(RequestError::Syntax { path, message }))
        }
    };
    // `to_string` writes through one buffer (faster than `Display`, the same bytes); a `Value`
    // always serializes.
    serde_json::to_string(&response).unwrap_or_default()
}

/// Compiles a policy document given as JSON, as the vectors and bindings do.
///
/// # Errors
/// The policy's [`PolicyError`], as a [`GatewayError`].
pub fn engine_from_value(policy: Value) -> Result<Engine, GatewayError> {
    Ok(Engine::new(Policy::from_value(policy)?)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_err(v: Value) -> RequestError {
        match parse_request(v) {
            Ok(r) => panic!("parsed {r:?}"),
            Err(e) => e,
        }
    }

    #[test]
    fn request_errors_name_their_path_inside_the_operation() {
        let bad_date = parse_err(json!({"op": "join_term", "plan": "individual", "date": "2025-02-30"}));
        assert_eq!(bad_date.path(), "date");
        assert_eq!(bad_date.to_string(), "date: invalid date `2025-02-30`: expected YYYY-MM-DD");
        let nested = parse_err(json!({"op": "status_on", "date": "2025-01-15", "membership": {
            "member_id": "M", "plan": "p", "member_since": "2020-01-01",
            "term": {"start": "2025-01-15", "end": "2026-01-14", "x": 1}}}));
        assert_eq!(nested, RequestError::UnknownField { path: "membership.term".into(), field: "x".into() });
        let missing = parse_err(json!({"op": "status_on", "date": "2025-01-15", "membership": {"plan": "p"}}));
        assert_eq!(missing, RequestError::MissingField { path: "membership".into(), field: "member_id".into() });
        let top = parse_err(json!({"op": "join_term", "plan": "individual"}));
        assert_eq!(top, RequestError::MissingField { path: String::new(), field: "date".into() });
    }

    #[test]
    fn requests_without_a_usable_op_are_refused() {
        assert_eq!(parse_err(json!({"op": "teleport"})), RequestError::UnknownOperation { op: "teleport".into() });
        assert_eq!(
            parse_err(json!({"op": "teleport", "to": "mars"})),
            RequestError::UnknownOperation { op: "teleport".into() }
        );
        assert_eq!(
            parse_err(json!({"plan": "x"})),
            RequestError::MissingField { path: String::new(), field: "op".into() }
        );
        assert_eq!(parse_err(json!({"op": 5})).path(), "op");
        assert_eq!(parse_err(json!([1])).path(), "");
        assert_eq!(
            parse_err(json!({"op": "describe_policy", "x": 1})),
            RequestError::UnknownField { path: String::new(), field: "x".into() }
        );
    }

    #[test]
    fn well_formed_requests_parse() {
        assert_eq!(parse_request(json!({"op": "describe_policy"})), Ok(Request::DescribePolicy));
        assert_eq!(
            parse_request(json!({"op": "join_term", "plan": "individual", "date": "2025-01-15"})),
            Ok(Request::JoinTerm {
                plan: "individual".into(),
                date: time::macros::date!(2025 - 01 - 15),
                terms: 1,
                start: None,
                end: None
            })
        );
    }
}
