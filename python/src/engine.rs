//! The `Engine` class: a policy compiled once, answering single questions and whole rosters.

use amscore::gateway::{self, GatewayError};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyType};
use time::Date;

use crate::batch;
use crate::convert::{extract_count, extract_date, from_value, to_value, to_value_at, Doc};
use crate::decisions::{Decision, Quote, Report};
use crate::errors::raise;
use crate::success;
use crate::types::{Membership, Plan, Policy, Term};

/// Raises a core error, with its path when it has one.
pub(crate) fn raise_core(err: &amscore::Error) -> PyErr {
    let doc = gateway::error_document(&GatewayError::Engine(err.clone()));
    raise(err, doc["error"]["path"].as_str())
}

/// An error document of the gateway, raised as the exception of its code.
struct Document {
    code: u32,
    name: &'static str,
    message: String,
}

impl std::fmt::Display for Document {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl amscore::ErrorCode for Document {
    fn code(&self) -> u32 {
        self.code
    }
    fn name(&self) -> &'static str {
        self.name
    }
}

/// A policy compiled for answering questions. Frozen; safe to share between threads; pickles to
/// its policy's JSON, so it travels to worker processes (Dask, Spark).
///
/// >>> from datetime import date
/// >>> engine = Engine("amscore")
/// >>> engine.join_term("individual", date(2025, 1, 15))["term"]
/// Term(2025-01-15, 2026-01-14)
#[pyclass(frozen, subclass, module = "amscore._core")]
pub(crate) struct Engine {
    engine: amscore::Engine,
    policy: Policy,
}

#[pymethods]
impl Engine {
    /// Compiles a policy: a `Policy`, a dict, JSON text, a preset name or a file path.
    ///
    /// Raises `PolicyError` naming the path of the first problem.
    #[new]
    fn new(policy: &Bound<'_, PyAny>) -> PyResult<Engine> {
        let policy = Policy::from_source(policy)?;
        let engine = amscore::Engine::new(policy.0.clone()).map_err(|e| raise(&e, Some(e.path())))?;
        Ok(Engine { engine, policy })
    }

    /// The policy this engine was compiled from.
    #[getter]
    fn policy(&self) -> Policy {
        self.policy.clone()
    }

    /// A plan by id; raises `InputError` (`unknown_plan`) if there is none.
    ///
    /// >>> Engine("amscore").plan("retired").name
    /// 'Retired'
    fn plan(&self, id: &str) -> PyResult<Plan> {
        self.engine.plan(&id.into()).cloned().map(Plan).map_err(|e| raise(&e, None))
    }

    /// Answers a gateway request document (`{"op": ..., ...}`) with a response document:
    /// `{"ok": result}` or `{"error": {"code", "name", "message", "path"?}}`. Never raises for
    /// a refused request; dates may be given as `datetime.date` or ISO text.
    ///
    /// >>> Engine("amscore").call({"op": "join_term", "plan": "individual", "date": "2025-01-15"})["ok"]["term"]["end"]
    /// '2026-01-14'
    /// >>> Engine("amscore").call({"op": "teleport"})["error"]["name"]
    /// 'unknown_operation'
    fn call<'py>(&self, py: Python<'py>, request: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
        let request = to_value(request, Doc::Request)?;
        let response = py.detach(|| gateway::call_value(&self.engine, request));
        from_value(py, &response)
    }

    /// Answers a gateway request given as JSON text, returning JSON text.
    ///
    /// >>> Engine("amscore").call_json('{"op": "describe_policy"}')[:6]
    /// '{"ok":'
    fn call_json(&self, py: Python<'_>, request: &str) -> String {
        py.detach(|| gateway::call(&self.engine, request))
    }

    /// Answers a gateway request document with its `ok` result, raising the exception of the
    /// error's family (with `.code`, `.name`, `.path`) when the request is refused.
    ///
    /// >>> Engine("amscore").answer({"op": "describe_policy"})["version"]
    /// 1
    fn answer<'py>(&self, py: Python<'py>, request: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
        let request = to_value(request, Doc::Request)?;
        let result = py.detach(|| {
            gateway::parse_request(request)
                .map_err(GatewayError::from)
                .and_then(|r| gateway::answer(&self.engine, &r).map_err(GatewayError::from))
        });
        match result {
            Ok(v) => from_value(py, &v),
            Err(e) => {
                let doc = gateway::error_document(&e);
                let path = doc["error"]["path"].as_str().map(str::to_owned);
                let code = amscore::ErrorCode::code(&e);
                let name = amscore::ErrorCode::name(&e);
                Err(raise(&Document { code, name, message: e.to_string() }, path.as_deref()))
            }
        }
    }

    /// The first term of a member joining `plan` on `date`, buying `terms` terms:
    /// `{"member_since": date, "term": Term, "rolled_over": bool}`.
    ///
    /// A calendar plan joined after its rollover day (Oct 1) also covers the next year:
    ///
    /// >>> Engine("amscore").join_term("chapter", date(2025, 10, 15))["term"]
    /// Term(2025-01-01, 2026-12-31)
    #[pyo3(signature = (plan, date, terms=None), text_signature = "($self, plan, date, terms=1)")]
    fn join_term<'py>(
        &self,
        py: Python<'py>,
        plan: &str,
        date: &Bound<'py, PyAny>,
        terms: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyDict>> {
        let date = extract_date(date, "date")?;
        let terms = terms.filter(|t| !t.is_none()).map_or(Ok(1), |t| extract_count(t, "terms"))?;
        let j = self.engine.join_terms(&plan.into(), date, terms).map_err(|e| raise_core(&e))?;
        let out = PyDict::new(py);
        out.set_item("member_since", j.member_since)?;
        out.set_item("term", Term(j.term))?;
        out.set_item("rolled_over", j.rolled_over)?;
        Ok(out)
    }

    /// The status of a membership on a date:
    /// `{"status", "label", "counts_as_member", "renewable", "renewal"}`.
    ///
    /// Raises `InputError` for inconsistent facts or an unknown plan.
    ///
    /// >>> m = Membership("M-1", "individual", date(2020, 1, 15), Term(date(2025, 1, 15), date(2026, 1, 14)))
    /// >>> Engine("amscore").status_on(m, date(2026, 1, 20))["status"]
    /// 'grace'
    fn status_on<'py>(
        &self,
        py: Python<'py>,
        membership: &Membership,
        date: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyDict>> {
        let date = extract_date(date, "date")?;
        let s = self.engine.status_on(&membership.0, date).map_err(|e| raise_core(&e))?;
        let out = PyDict::new(py);
        out.set_item("status", s.status.as_str())?;
        out.set_item("label", &*s.label)?;
        out.set_item("counts_as_member", s.counts_as_member)?;
        out.set_item("renewable", s.renewable)?;
        out.set_item("renewal", s.renewal.map(|k| k.as_str()))?;
        Ok(out)
    }

    /// The new term if the member renews on `date`, buying `terms` terms:
    /// `{"kind", "status_before", "plan", "term": Term, "terms", "member_since": date}`.
    ///
    /// Raises `NotEligibleError` when the renewal is refused (window not open, not renewable).
    ///
    /// >>> m = Membership("M-1", "individual", date(2020, 1, 15), Term(date(2025, 1, 15), date(2026, 1, 14)))
    /// >>> Engine("amscore").renewal_term(m, date(2026, 1, 20))["term"]
    /// Term(2026-01-15, 2027-01-14)
    #[pyo3(signature = (membership, date, terms=None), text_signature = "($self, membership, date, terms=1)")]
    fn renewal_term<'py>(
        &self,
        py: Python<'py>,
        membership: &Membership,
        date: &Bound<'py, PyAny>,
        terms: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyDict>> {
        let date = extract_date(date, "date")?;
        let terms = terms.filter(|t| !t.is_none()).map_or(Ok(1), |t| extract_count(t, "terms"))?;
        let r = self.engine.renewal_term(&membership.0, date, terms).map_err(|e| raise_core(&e))?;
        let out = PyDict::new(py);
        out.set_item("kind", r.kind.as_str())?;
        out.set_item("status_before", r.status_before.as_str())?;
        out.set_item("plan", r.plan.as_str())?;
        out.set_item("term", Term(r.term))?;
        out.set_item("terms", r.terms)?;
        out.set_item("member_since", r.member_since)?;
        Ok(out)
    }

    /// The quote for joining `plan` on `date`, buying `terms` terms (and `seats` seats on an
    /// organisational plan).
    ///
    /// Raises `InputError` for an unknown plan, `QuoteError` for seats out of range.
    ///
    /// >>> Engine("amscore").quote_join("individual", date(2025, 3, 10)).total
    /// Money('225.00', 'USD')
    #[pyo3(signature = (plan, date, terms=None, seats=None), text_signature = "($self, plan, date, terms=1, seats=None)")]
    fn quote_join(
        &self,
        plan: &str,
        date: &Bound<'_, PyAny>,
        terms: Option<&Bound<'_, PyAny>>,
        seats: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Quote> {
        let date = extract_date(date, "date")?;
        let terms = terms.filter(|t| !t.is_none()).map_or(Ok(1), |t| extract_count(t, "terms"))?;
        let seats = seats.filter(|s| !s.is_none()).map(|s| extract_count(s, "seats")).transpose()?;
        self.engine.quote_join(&plan.into(), date, terms, seats).map(Quote).map_err(|e| raise_core(&e))
    }

    /// The quote for renewing on `date` (extension, reinstatement or rejoin, with their fees).
    ///
    /// Raises `NotEligibleError` when the renewal is refused, `QuoteError` for seats out of range.
    ///
    /// >>> m = Membership("M-1", "individual", date(2020, 1, 15), Term(date(2025, 1, 15), date(2026, 1, 14)))
    /// >>> [(line["kind"], str(line["amount"])) for line in Engine("amscore").quote_renewal(m, date(2026, 1, 20)).lines]
    /// [('dues', '200.00 USD'), ('late_fee', '10.00 USD')]
    #[pyo3(signature = (membership, date, terms=None, seats=None), text_signature = "($self, membership, date, terms=1, seats=None)")]
    fn quote_renewal(
        &self,
        membership: &Membership,
        date: &Bound<'_, PyAny>,
        terms: Option<&Bound<'_, PyAny>>,
        seats: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Quote> {
        let date = extract_date(date, "date")?;
        let terms = terms.filter(|t| !t.is_none()).map_or(Ok(1), |t| extract_count(t, "terms"))?;
        let seats = seats.filter(|s| !s.is_none()).map(|s| extract_count(s, "seats")).transpose()?;
        self.engine.quote_renewal(&membership.0, date, terms, seats).map(Quote).map_err(|e| raise_core(&e))
    }

    /// The self-service decision for one website request (a dict shaped like the gateway's
    /// `decide` request: `{"at": "2026-10-01T14:30", "member": {...}, "action": {...}}`).
    ///
    /// Raises `DecisionError` naming the path of missing or contradictory facts.
    ///
    /// >>> Engine("amscore").decide({"at": "2025-03-10T12:00", "action": {"kind": "join", "plan": "individual"}}).route
    /// 'self_service'
    fn decide(&self, py: Python<'_>, request: &Bound<'_, PyAny>) -> PyResult<Decision> {
        let value = to_value(request, Doc::Request)?;
        let request = amscore::parse_self_service_request(value).map_err(|e| raise_core(&e.into()))?;
        py.detach(|| self.engine.decide(&request)).map(Decision).map_err(|e| raise_core(&e))
    }

    /// The coverage report over a list of website requests: the share handled online, by kind,
    /// and the reasons that cost the most staff work. Bad rows count as errors; none raises.
    ///
    /// >>> Engine("amscore").coverage_report([{"at": "2025-03-10T12:00", "action": {"kind": "join", "plan": "retired"}}]).staff
    /// 1
    fn coverage_report(&self, py: Python<'_>, requests: &Bound<'_, PyAny>) -> PyResult<Report> {
        let mut values = Vec::new();
        for (i, r) in requests.try_iter()?.enumerate() {
            values.push(to_value_at(&r?, &format!("[{i}]"), Doc::Request)?);
        }
        Ok(Report(py.detach(|| self.engine.decide_values(values)).report))
    }

    /// The columnar core of `Engine.batch` (`amscore._batch`, which brings the roster's columns
    /// and builds the result of the kind given): `roster` is any object with the Arrow PyCapsule
    /// stream interface (`__arrow_c_stream__`: a `pyarrow.Table`, a polars frame, ...) holding the
    /// roster's columns. Returns a `pyarrow.Table` of the result columns, one record batch per input
    /// batch, rows in input order; with `lines`, the renewal quotes' lines (`member_id`, `kind`,
    /// `description`, `amount`, `currency`). Reads the columns where they are and answers without
    /// the GIL, on `threads` threads (0: every core; 1: this thread).
    #[pyo3(signature = (roster, as_of, terms=None, decide=false, threads=None, lines=false))]
    #[allow(clippy::too_many_arguments)]
    fn _batch<'py>(
        &self,
        py: Python<'py>,
        roster: &Bound<'py, PyAny>,
        as_of: &Bound<'py, PyAny>,
        terms: Option<&Bound<'py, PyAny>>,
        decide: bool,
        threads: Option<&Bound<'py, PyAny>>,
        lines: bool,
    ) -> PyResult<Bound<'py, PyAny>> {
        let date: Date = extract_date(as_of, "as_of")?;
        let terms = terms.filter(|t| !t.is_none()).map_or(Ok(1), |t| extract_count(t, "terms"))?;
        let threads = threads.filter(|t| !t.is_none()).map_or(Ok(0), |t| extract_count(t, "threads"))?;
        let options = batch::RosterOptions { date, terms, decide, threads: threads as usize };
        let answer = if lines { batch::Answer::QuoteLines(options) } else { batch::Answer::Rows(options) };
        batch::run(py, &self.engine, roster, answer)
    }

    /// The columnar core of `Engine.quote_join_batch` (`amscore._batch`, which brings the
    /// table's columns and builds the result of the kind given): `table` is any object with
    /// `__arrow_c_stream__` holding `plan`, `join_date` and optionally `terms` and `seats`.
    /// Returns a `pyarrow.Table` of the result columns (`quote_total`, `quote_currency`,
    /// `term_start`, `term_end`, `error_code`, `error_name`, `error_message`), one record batch
    /// per input batch, rows in input order; with `lines`, every quote's lines (`row`, `kind`,
    /// `description`, `amount`, `currency`). Answers without the GIL, on `threads` threads (0:
    /// every core; 1: this thread).
    #[pyo3(signature = (table, threads=None, lines=false))]
    fn _quote_join_batch<'py>(
        &self,
        py: Python<'py>,
        table: &Bound<'py, PyAny>,
        threads: Option<&Bound<'py, PyAny>>,
        lines: bool,
    ) -> PyResult<Bound<'py, PyAny>> {
        let threads = threads.filter(|t| !t.is_none()).map_or(Ok(0), |t| extract_count(t, "threads"))?;
        batch::run(py, &self.engine, table, batch::Answer::JoinQuotes { threads: threads as usize, lines })
    }

    /// The native half of the success analytics (the public `amscore.Engine` methods
    /// `engagement_scores`, `segments`, ... in `amscore/_engine.py` call it): `members` and
    /// `events` are dicts of columns (`member_rows` and `event_rows` long), each either a list
    /// of cells (`None`, `str` read by the core's grammar, `bool`, `datetime.date`, or an `int`
    /// day number since 1970-01-01 in a date column) or a typed column: `("days", int32 bytes)`,
    /// `("codes", int32 codes, offsets, data)` (text dictionary-encoded as Arrow lays it out),
    /// `("flags", int8 bytes)` or `("decimals", int128 bytes, validity bytes, scale)`. Returns
    /// `{"result": ..., "errors": columns source, row, member_id, field, value, code, name,
    /// message}`: for `engagement_scores` and `segments` the result is columns (see
    /// `success::result`), for the others the core's answer without its errors; raises
    /// `RosterError` for a members frame without a required column, `SuccessError` for a refused
    /// request, `TypeError` for a typed column whose buffers do not hold its rows.
    #[allow(clippy::too_many_arguments)]
    #[pyo3(signature = (op, as_of, members, member_rows, events=None, event_rows=0, options=None))]
    fn _success<'py>(
        &self,
        py: Python<'py>,
        op: &str,
        as_of: &Bound<'py, PyAny>,
        members: &Bound<'py, PyDict>,
        member_rows: usize,
        events: Option<&Bound<'py, PyDict>>,
        event_rows: usize,
        options: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyDict>> {
        let as_of: Date = extract_date(as_of, "as_of")?;
        let options: success::Options = match options {
            Some(o) if !o.is_none() => serde_json::from_value(to_value(o, Doc::Request)?).map_err(|e| {
                let err =
                    amscore::success::SuccessError::InvalidInput { path: "options".into(), message: e.to_string() };
                raise(&err, Some("options"))
            })?,
            _ => success::Options::default(),
        };
        let input = success::Input::read(members, member_rows, events.map(|e| (e, event_rows)))?;
        let frames = input.view();
        let outcome = py.detach(|| success::run(&self.engine, op, &frames, as_of, &options));
        match outcome {
            Ok(o) => {
                let out = PyDict::new(py);
                out.set_item("result", success::result(py, &self.engine, &o.result)?)?;
                out.set_item("errors", success::error_columns(py, &o.errors)?)?;
                Ok(out)
            }
            Err(success::Failure::Roster(e)) => {
                let path = match &e {
                    amscore::RosterError::MissingColumn { column } => Some(column.clone()),
                    _ => None,
                };
                Err(raise(&e, path.as_deref()))
            }
            Err(success::Failure::Success(e)) => Err(raise_core(&amscore::Error::Success(e))),
            Err(success::Failure::Core(e)) => Err(raise_core(&e)),
        }
    }

    fn __repr__(&self) -> String {
        format!("Engine(policy={:?})", self.policy.0.name.as_deref().unwrap_or(""))
    }

    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<(Bound<'py, PyType>, (String,))> {
        let text = slf.get().policy.0.to_json().map_err(|e| PyTypeError::new_err(e.to_string()))?;
        Ok((slf.get_type(), (text,)))
    }
}
