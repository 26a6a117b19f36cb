//! The JSON gateway: one request document in, one result document out. The shared conformance
//! vectors, the C API's `ams_engine_call` and the Python module all speak it.
//!
//! A request names its operation in `op`; the response is `{"ok": result}` or
//! `{"error": {"code", "name", "message", "path"?}}` with the stable codes of [`crate::error_table`].

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use time::Date;

use crate::engine::Engine;
use crate::error::{error_codes, Error, ErrorCode};
use crate::money::Money;
use crate::plan::PlanId;
use crate::policy::{Policy, PolicyError};
use crate::quote::{Cancellation, PlanChange, SeatChange};
use crate::status::Membership;

/// A request document that cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RequestError {
    /// Not JSON, or a value of the wrong type.
    #[error("{}{message}", crate::error::at(path))]
    Syntax {
        /// Where.
        path: String,
        /// What the parser said.
        message: String,
    },
    /// A field the operation does not take.
    #[error("{}unknown field `{field}`", crate::error::at(path))]
    UnknownField {
        /// Where.
        path: String,
        /// The field.
        field: String,
    },
    /// A field the operation needs.
    #[error("{}missing field `{field}`", crate::error::at(path))]
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

    fn from_serde(err: serde_path_to_error::Error<serde_json::Error>) -> RequestError {
        let path = err.path().to_string();
        let path = if path == "." { String::new() } else { path };
        let message = err.inner().to_string();
        let text = message.split(" at line ").next().unwrap_or(&message).to_owned();
        let quoted = || text.split('`').nth(1).unwrap_or_default().to_owned();
        if text.starts_with("unknown variant") && path == "op" {
            RequestError::UnknownOperation { op: quoted() }
        } else if text.starts_with("unknown field") {
            let field = quoted();
            let parent = path.strip_suffix(&field).unwrap_or(&path).trim_end_matches('.').to_owned();
            RequestError::UnknownField { path: parent, field }
        } else if text.starts_with("missing field") {
            RequestError::MissingField { path, field: quoted() }
        } else {
            RequestError::Syntax { path, message: text }
        }
    }
}

fn one() -> u32 {
    1
}

/// A request to the engine, tagged by `op`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case", deny_unknown_fields)]
#[non_exhaustive]
pub enum Request {
    /// The policy's name, version and plan ids.
    DescribePolicy,
    /// [`Engine::join_terms`].
    JoinTerm {
        /// The plan joined.
        plan: PlanId,
        /// The join date.
        date: Date,
        /// Terms bought at once (default 1).
        #[serde(default = "one")]
        terms: u32,
    },
    /// [`Engine::status_on`].
    StatusOn {
        /// The membership's facts.
        membership: Membership,
        /// The date asked about.
        date: Date,
    },
    /// [`Engine::renewal_term`].
    RenewalTerm {
        /// The membership's facts.
        membership: Membership,
        /// The renewal date.
        date: Date,
        /// Terms bought at once (default 1).
        #[serde(default = "one")]
        terms: u32,
    },
    /// [`Engine::quote_join`].
    QuoteJoin {
        /// The plan joined.
        plan: PlanId,
        /// The join date.
        date: Date,
        /// Terms bought at once (default 1).
        #[serde(default = "one")]
        terms: u32,
        /// Seats, for organisational plans.
        #[serde(default)]
        seats: Option<u32>,
    },
    /// [`Engine::quote_renewal`].
    QuoteRenewal {
        /// The membership's facts.
        membership: Membership,
        /// The renewal date.
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
    /// [`Engine::split_instalments`]: answers `{"currency", "parts": ["33.33", ...]}`.
    SplitInstalments {
        /// The amount to split.
        total: Money,
        /// The number of instalments.
        count: u32,
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
            GatewayError::Engine(_) => None,
        }
    }
}

/// Reads a request document.
///
/// # Errors
/// A [`RequestError`] naming the path.
pub fn parse_request(value: Value) -> Result<Request, RequestError> {
    serde_path_to_error::deserialize(value).map_err(RequestError::from_serde)
}

fn to_value<T: Serialize>(v: &T) -> Value {
    // Serializing amscore's own result types cannot fail: they hold no maps with non-string keys.
    serde_json::to_value(v).unwrap_or(Value::Null)
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
        Request::JoinTerm { plan, date, terms } => to_value(&engine.join_terms(plan, *date, *terms)?),
        Request::StatusOn { membership, date } => to_value(&engine.status_on(membership, *date)?),
        Request::RenewalTerm { membership, date, terms } => to_value(&engine.renewal_term(membership, *date, *terms)?),
        Request::QuoteJoin { plan, date, terms, seats } => to_value(&engine.quote_join(plan, *date, *terms, *seats)?),
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
            let rows: Vec<Result<crate::request::SelfServiceRequest, Error>> = requests
                .iter()
                .map(|v| crate::decision::parse_self_service_request(v.clone()).map_err(Error::from))
                .collect();
            to_value(&engine.what_if(&other, &rows))
        }
        Request::SplitInstalments { total, count } => {
            let parts = engine.split_instalments(total, *count)?;
            json!({
                "currency": total.currency(),
                "parts": parts.iter().map(|p| p.amount().to_string()).collect::<Vec<_>>(),
            })
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
    let response = match serde_json::from_str::<Value>(request) {
        Ok(v) => call_value(engine, v),
        Err(e) => {
            error_document(&GatewayError::Request(RequestError::Syntax { path: String::new(), message: e.to_string() }))
        }
    };
    response.to_string()
}

/// Compiles a policy document given as JSON, as the vectors and bindings do.
///
/// # Errors
/// The policy's [`PolicyError`], as a [`GatewayError`].
pub fn engine_from_value(policy: Value) -> Result<Engine, GatewayError> {
    Ok(Engine::new(Policy::from_value(policy)?)?)
}
