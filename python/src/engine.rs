//! The `Engine` class: a policy compiled once, answering single questions and whole rosters.

use amscore::gateway::{self, GatewayError};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyString, PyType};
use serde_json::Value;
use time::Date;

use crate::batch;
use crate::convert::{
    extract_count, extract_date, extract_opt_date, from_value, to_value, to_value_at, type_name, Doc,
};
use crate::decisions::{Decision, DecisionBatch, Quote, Report, WhatIf};
use crate::errors::raise;
use crate::success;
use crate::types::{Membership, Money, Plan, Policy, Term};

/// Raises a core error, with its path when it has one.
pub(crate) fn raise_core(err: &amscore::Error) -> PyErr {
    let doc = gateway::error_document(&GatewayError::Engine(err.clone()));
    raise(err, doc["error"]["path"].as_str())
}

/// An amount of money given as `Money`, else a `TypeError` naming the argument.
fn extract_money(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<amscore::Money> {
    obj.cast::<Money>()
        .map(|m| m.get().0)
        .map_err(|_| PyTypeError::new_err(format!("{what}: expected amscore.Money, got {}", type_name(obj))))
}

/// An optional `Money`: `None` stays `None`.
fn extract_opt_money(obj: Option<&Bound<'_, PyAny>>, what: &str) -> PyResult<Option<amscore::Money>> {
    obj.filter(|o| !o.is_none()).map(|o| extract_money(o, what)).transpose()
}

/// Whether a frame cell is missing: None, a float NaN, `pandas.NA` or `pandas.NaT`.
fn is_missing(cell: &Bound<'_, PyAny>) -> PyResult<bool> {
    if cell.is_none() {
        return Ok(true);
    }
    if let Ok(f) = cell.cast::<pyo3::types::PyFloat>() {
        return Ok(f.value().is_nan());
    }
    let name = type_name(cell);
    Ok(name == "NAType" || name == "NaTType")
}

/// A frame row's cells without the missing ones, within nested dicts too: a struct column of
/// Arrow or polars gives every row all of the struct's fields, null where the row has none.
fn present_cells<'py>(row: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
    let Ok(dict) = row.cast::<PyDict>() else {
        return Ok(row.clone());
    };
    let present = PyDict::new(row.py());
    for (k, v) in dict.iter() {
        if !is_missing(&v)? {
            present.set_item(k, present_cells(&v)?)?;
        }
    }
    Ok(present.into_any())
}

/// The self-service requests of `requests` as JSON documents, one per row: a list (or any
/// iterable) of dicts, or a frame whose columns are a request's fields (`at`, `member`,
/// `action`, ...): a `pandas.DataFrame`, a `polars.DataFrame` or a `pyarrow.Table`, read row by
/// row with missing cells (None, NaN, NaT, NA) left out. A dict or text is a `TypeError`: it is one
/// request or none, not a batch. A row that is not a request becomes that row's error.
fn request_values(requests: &Bound<'_, PyAny>) -> PyResult<Vec<Value>> {
    let py = requests.py();
    if requests.cast::<PyDict>().is_ok()
        || requests.is_instance_of::<PyString>()
        || requests.is_instance_of::<pyo3::types::PyBytes>()
    {
        return Err(PyTypeError::new_err(format!(
            "requests: expected a list of request dicts or a DataFrame, got {} (wrap a single request in a list)",
            type_name(requests)
        )));
    }
    let records = if requests.hasattr("to_dicts")? {
        Some(requests.call_method0("to_dicts")?)
    } else if requests.hasattr("to_pylist")? && requests.hasattr("column_names")? {
        Some(requests.call_method0("to_pylist")?)
    } else if requests.hasattr("to_dict")? && requests.hasattr("columns")? {
        let kwargs = PyDict::new(py);
        kwargs.set_item("orient", "records")?;
        Some(requests.call_method("to_dict", (), Some(&kwargs))?)
    } else {
        None
    };
    let mut values = Vec::new();
    match records {
        Some(records) => {
            for (i, row) in records.try_iter()?.enumerate() {
                values.push(to_value_at(&present_cells(&row?)?, &format!("[{i}]"), Doc::Request)?);
            }
        }
        None => {
            for (i, r) in requests.try_iter()?.enumerate() {
                values.push(to_value_at(&r?, &format!("[{i}]"), Doc::Request)?);
            }
        }
    }
    Ok(values)
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
    ///
    /// Staff-entered dates: `start` (kept as given; the end follows the plan's period from it)
    /// and `end`, keyword-only:
    ///
    /// >>> Engine("amscore").join_term("individual", date(2025, 3, 1), end=date(2025, 12, 31))["term"]
    /// Term(2025-03-01, 2025-12-31)
    #[pyo3(signature = (plan, date, terms=None, *, start=None, end=None), text_signature = "($self, plan, date, terms=1, *, start=None, end=None)")]
    fn join_term<'py>(
        &self,
        py: Python<'py>,
        plan: &str,
        date: &Bound<'py, PyAny>,
        terms: Option<&Bound<'py, PyAny>>,
        start: Option<&Bound<'py, PyAny>>,
        end: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyDict>> {
        let date = extract_date(date, "date")?;
        let terms = terms.filter(|t| !t.is_none()).map_or(Ok(1), |t| extract_count(t, "terms"))?;
        let dates = amscore::JoinDates { start: extract_opt_date(start, "start")?, end: extract_opt_date(end, "end")? };
        let j = self.engine.join_term_dated(&plan.into(), date, terms, dates).map_err(|e| raise_core(&e))?;
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
    /// `tax_exempt=True` quotes a new member who pays no tax (on a plan with tax).
    ///
    /// Raises `InputError` for an unknown plan, `QuoteError` for seats or dependants out of
    /// range. `dependants`: a household plan's dependants besides the primary.
    ///
    /// >>> Engine("amscore").quote_join("individual", date(2025, 3, 10)).total
    /// Money('225.00', 'USD')
    ///
    /// With staff-entered `start` and/or `end` (keyword-only), the dues run from `date` to the
    /// term's end:
    ///
    /// >>> str(Engine("amscore").quote_join("individual", date(2025, 3, 1), end=date(2025, 12, 31)).lines[0]["description"])
    /// 'Individual dues, 306 of 365 days'
    #[pyo3(signature = (plan, date, terms=None, seats=None, dependants=None, *, tax_exempt=false, start=None, end=None), text_signature = "($self, plan, date, terms=1, seats=None, dependants=None, *, tax_exempt=False, start=None, end=None)")]
    #[allow(clippy::too_many_arguments)] // a join's options, as keyword arguments
    fn quote_join(
        &self,
        plan: &str,
        date: &Bound<'_, PyAny>,
        terms: Option<&Bound<'_, PyAny>>,
        seats: Option<&Bound<'_, PyAny>>,
        dependants: Option<&Bound<'_, PyAny>>,
        tax_exempt: bool,
        start: Option<&Bound<'_, PyAny>>,
        end: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Quote> {
        let date = extract_date(date, "date")?;
        let terms = terms.filter(|t| !t.is_none()).map_or(Ok(1), |t| extract_count(t, "terms"))?;
        let seats = seats.filter(|s| !s.is_none()).map(|s| extract_count(s, "seats")).transpose()?;
        let options = amscore::JoinOptions {
            terms,
            seats,
            dependants: dependants.filter(|d| !d.is_none()).map(|d| extract_count(d, "dependants")).transpose()?,
            tax_exempt,
            dates: amscore::JoinDates { start: extract_opt_date(start, "start")?, end: extract_opt_date(end, "end")? },
        };
        self.engine.quote_join_with(&plan.into(), date, &options).map(Quote).map_err(|e| raise_core(&e))
    }

    /// The quote for renewing on `date` (extension, reinstatement or rejoin, with their fees).
    ///
    /// Raises `NotEligibleError` when the renewal is refused, `QuoteError` for seats or
    /// dependants out of range. `dependants`: the dependants a household's primary holds.
    ///
    /// >>> m = Membership("M-1", "individual", date(2020, 1, 15), Term(date(2025, 1, 15), date(2026, 1, 14)))
    /// >>> [(line["kind"], str(line["amount"])) for line in Engine("amscore").quote_renewal(m, date(2026, 1, 20)).lines]
    /// [('dues', '200.00 USD'), ('late_fee', '10.00 USD')]
    #[pyo3(signature = (membership, date, terms=None, seats=None, dependants=None), text_signature = "($self, membership, date, terms=1, seats=None, dependants=None)")]
    fn quote_renewal(
        &self,
        membership: &Membership,
        date: &Bound<'_, PyAny>,
        terms: Option<&Bound<'_, PyAny>>,
        seats: Option<&Bound<'_, PyAny>>,
        dependants: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Quote> {
        let date = extract_date(date, "date")?;
        let terms = terms.filter(|t| !t.is_none()).map_or(Ok(1), |t| extract_count(t, "terms"))?;
        let seats = seats.filter(|s| !s.is_none()).map(|s| extract_count(s, "seats")).transpose()?;
        let dependants = dependants.filter(|d| !d.is_none()).map(|d| extract_count(d, "dependants")).transpose()?;
        self.engine
            .quote_renewal_household(&membership.0, date, terms, seats, dependants)
            .map(Quote)
            .map_err(|e| raise_core(&e))
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
    ///
    /// `requests` is a list of request dicts or a frame of them (see `decide_batch`).
    fn coverage_report(&self, py: Python<'_>, requests: &Bound<'_, PyAny>) -> PyResult<Report> {
        let values = request_values(requests)?;
        Ok(Report(py.detach(|| self.engine.decide_values(values)).report))
    }

    /// Decides a batch of website requests: a `DecisionBatch` with each row's `Decision` (or
    /// the error it was refused with, not raised) and the coverage report. `requests` is a list
    /// of request dicts (as `decide` takes) or a frame whose columns are a request's fields
    /// (`at`, `member`, `action`; a `pandas.DataFrame`, `polars.DataFrame` or `pyarrow.Table`,
    /// missing cells left out). `DecisionBatch.to_frame()` gives one row per request.
    ///
    /// >>> b = Engine("amscore").decide_batch([{"at": "2025-03-10T12:00", "action": {"kind": "join", "plan": "individual"}}])
    /// >>> b.to_frame()[["route", "quote_total"]].values.tolist()
    /// [['self_service', Decimal('225.00')]]
    fn decide_batch(&self, py: Python<'_>, requests: &Bound<'_, PyAny>) -> PyResult<DecisionBatch> {
        let values = request_values(requests)?;
        Ok(DecisionBatch(py.detach(|| self.engine.decide_values(values))))
    }

    /// Replays a batch of website requests under another policy (a `Policy`, dict, JSON text,
    /// preset name or path, as `Engine` takes) and reports what changes: a `WhatIf`.
    ///
    /// Raises `PolicyError` for a policy that cannot be compiled.
    ///
    /// >>> w = Engine("amscore").what_if({"version": 1, "preset": "amscore",
    /// ...     "self_service": {"plans": {"retired": {"join_approval": False}}}},
    /// ...     [{"at": "2025-03-10T12:00", "action": {"kind": "join", "plan": "retired"}}])
    /// >>> w.changed, w.transitions
    /// (1, [{'from': 'staff', 'requests': 1, 'to': 'self_service'}])
    fn what_if(&self, py: Python<'_>, policy: &Bound<'_, PyAny>, requests: &Bound<'_, PyAny>) -> PyResult<WhatIf> {
        let policy = Policy::from_source(policy)?;
        let other = amscore::Engine::new(policy.0).map_err(|e| raise(&e, Some(e.path())))?;
        let values = request_values(requests)?;
        Ok(WhatIf(py.detach(|| {
            let rows: Vec<_> = values
                .into_iter()
                .map(|v| amscore::parse_self_service_request(v).map_err(amscore::Error::from))
                .collect();
            self.engine.what_if(&other, &rows)
        })))
    }

    /// The quote for changing a member's plan on `date`: credit for the unused part of what was
    /// paid (`amount_paid`, less `credits_applied` already given), the new plan's prorated dues
    /// and its fees. Amounts are `Money`; `seats` for an organisational plan.
    ///
    /// Raises `QuoteError` for a change the policy does not allow or amounts in another currency.
    ///
    /// >>> m = Membership("M-1", "individual", date(2020, 1, 15), Term(date(2025, 1, 15), date(2026, 1, 14)))
    /// >>> q = Engine("amscore").quote_change_plan(m, "lifetime", date(2025, 7, 15), Money("200.00", "USD"))
    /// >>> q.kind, q.total
    /// ('upgrade', Money('2899.18', 'USD'))
    #[pyo3(signature = (membership, plan, date, amount_paid, credits_applied=None, seats=None))]
    #[allow(clippy::too_many_arguments)]
    fn quote_change_plan(
        &self,
        membership: &Membership,
        plan: &str,
        date: &Bound<'_, PyAny>,
        amount_paid: &Bound<'_, PyAny>,
        credits_applied: Option<&Bound<'_, PyAny>>,
        seats: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Quote> {
        let change = amscore::PlanChange {
            membership: membership.0.clone(),
            plan: plan.into(),
            date: extract_date(date, "date")?,
            amount_paid: extract_money(amount_paid, "amount_paid")?,
            credits_applied: extract_opt_money(credits_applied, "credits_applied")?,
            seats: seats.filter(|s| !s.is_none()).map(|s| extract_count(s, "seats")).transpose()?,
        };
        self.engine.quote_change_plan(&change).map(Quote).map_err(|e| raise_core(&e))
    }

    /// The quote for changing the seats of an organisational membership on `date` from
    /// `seats_from` to `seats_to`: the seat price difference for the rest of the term (a credit
    /// for fewer seats, capped by `amount_paid` less `credits_applied` when given).
    ///
    /// Raises `QuoteError` for a plan without seats or a count out of range.
    ///
    /// >>> m = Membership("ORG-1", "corporate", date(2025, 1, 1), Term(date(2025, 1, 1), date(2025, 12, 31)))
    /// >>> Engine("amscore").quote_change_seats(m, date(2025, 7, 1), 10, 12).kind
    /// 'seat_change'
    #[pyo3(signature = (membership, date, seats_from, seats_to, amount_paid=None, credits_applied=None))]
    #[allow(clippy::too_many_arguments)]
    fn quote_change_seats(
        &self,
        membership: &Membership,
        date: &Bound<'_, PyAny>,
        seats_from: &Bound<'_, PyAny>,
        seats_to: &Bound<'_, PyAny>,
        amount_paid: Option<&Bound<'_, PyAny>>,
        credits_applied: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Quote> {
        let change = amscore::SeatChange {
            membership: membership.0.clone(),
            date: extract_date(date, "date")?,
            seats_from: extract_count(seats_from, "seats_from")?,
            seats_to: extract_count(seats_to, "seats_to")?,
            amount_paid: extract_opt_money(amount_paid, "amount_paid")?,
            credits_applied: extract_opt_money(credits_applied, "credits_applied")?,
        };
        self.engine.quote_change_seats(&change).map(Quote).map_err(|e| raise_core(&e))
    }

    /// The quote for cancelling a membership on `date`: the refund of the unused part of
    /// `amount_paid` (less `credits_applied`) by the policy's refund rule, minus the plan's
    /// cancellation fee, never below zero. The total is negative: money back.
    ///
    /// >>> m = Membership("M-1", "individual", date(2020, 1, 15), Term(date(2025, 1, 15), date(2026, 1, 14)))
    /// >>> Engine("amscore").quote_cancel(m, date(2025, 3, 1), Money("200.00", "USD")).kind
    /// 'cancellation'
    #[pyo3(signature = (membership, date, amount_paid, credits_applied=None))]
    fn quote_cancel(
        &self,
        membership: &Membership,
        date: &Bound<'_, PyAny>,
        amount_paid: &Bound<'_, PyAny>,
        credits_applied: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Quote> {
        let cancel = amscore::Cancellation {
            membership: membership.0.clone(),
            date: extract_date(date, "date")?,
            amount_paid: extract_money(amount_paid, "amount_paid")?,
            credits_applied: extract_opt_money(credits_applied, "credits_applied")?,
        };
        self.engine.quote_cancel(&cancel).map(Quote).map_err(|e| raise_core(&e))
    }

    /// The quote for the membership's pause (`Membership(..., pause=(from, to))`, inside the
    /// term): with the plan's `pause: extend` (the default) a zero line and the term extended by
    /// the paused days; with `pause: credit` a credit for the paused days' share of
    /// `amount_paid` (less `credits_applied`), which is then required.
    ///
    /// >>> m = Membership("M-1", "individual", date(2020, 1, 15), Term(date(2025, 1, 15), date(2026, 1, 14)),
    /// ...                pause=(date(2025, 6, 1), date(2025, 6, 30)))
    /// >>> Engine("amscore").quote_pause(m).term.end
    /// datetime.date(2026, 2, 13)
    #[pyo3(signature = (membership, amount_paid=None, credits_applied=None))]
    fn quote_pause(
        &self,
        membership: &Membership,
        amount_paid: Option<&Bound<'_, PyAny>>,
        credits_applied: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Quote> {
        let pausing = amscore::Pausing {
            membership: membership.0.clone(),
            amount_paid: extract_opt_money(amount_paid, "amount_paid")?,
            credits_applied: extract_opt_money(credits_applied, "credits_applied")?,
        };
        self.engine.quote_pause(&pausing).map(Quote).map_err(|e| raise_core(&e))
    }

    /// Splits `total` (`Money`) into `count` instalments that sum to it exactly, the remainder's
    /// minor units placed as the policy's `settings.quotes.instalment_remainder` says.
    ///
    /// Raises `QuoteError` for a count of zero.
    ///
    /// >>> [str(p) for p in Engine("amscore").split_instalments(Money("100.00", "USD"), 3)]
    /// ['33.34 USD', '33.33 USD', '33.33 USD']
    fn split_instalments(&self, total: &Bound<'_, PyAny>, count: &Bound<'_, PyAny>) -> PyResult<Vec<Money>> {
        let total = extract_money(total, "total")?;
        let count = extract_count(count, "count")?;
        let parts = self.engine.split_instalments(&total, count).map_err(|e| raise_core(&e))?;
        Ok(parts.into_iter().map(Money).collect())
    }

    /// Shares `total` (`Money`) in proportion to the whole-number `weights` (70/30, seats per
    /// chapter): the parts always sum to the total, a part of weight 0 is zero, and the units left
    /// over after rounding every share down go where `remainder` says: `"largest_remainder"` (the
    /// default), `"first_parts"`, `"last_parts"` or `"last"` (see docs/quotes.md). The same parts as
    /// the gateway's `allocate` and C's `ams_allocate`.
    ///
    /// Raises `TypeError` for a weight that is not an `int`, `ValueError` for a negative weight or
    /// an unknown rule, `QuoteError` for no weights or all weights zero.
    ///
    /// >>> [str(p) for p in Engine("amscore").allocate(Money("1.00", "USD"), [1, 2])]
    /// ['0.33 USD', '0.67 USD']
    /// >>> [str(p) for p in Engine("amscore").allocate(Money("1.00", "USD"), [1, 2], remainder="first_parts")]
    /// ['0.34 USD', '0.66 USD']
    #[pyo3(signature = (total, weights, remainder="largest_remainder"))]
    fn allocate(&self, total: &Bound<'_, PyAny>, weights: &Bound<'_, PyAny>, remainder: &str) -> PyResult<Vec<Money>> {
        let total = extract_money(total, "total")?;
        if weights.is_instance_of::<PyString>() {
            return Err(PyTypeError::new_err("weights: expected a sequence of whole numbers, got str"));
        }
        let parts_weights = weights
            .try_iter()?
            .enumerate()
            .map(|(i, w)| extract_count(&w?, &format!("weights[{i}]")))
            .collect::<PyResult<Vec<u32>>>()?;
        let rule: amscore::Remainder = serde_json::from_value(Value::String(remainder.to_owned())).map_err(|_| {
            let names: Vec<String> = amscore::Remainder::ALL.iter().map(|r| format!("'{}'", r.as_str())).collect();
            pyo3::exceptions::PyValueError::new_err(format!(
                "remainder: unknown rule '{remainder}'; the rules are {}",
                names.join(", ")
            ))
        })?;
        let parts = amscore::allocate_by(&total, &parts_weights, rule).map_err(|e| raise_core(&e))?;
        Ok(parts.into_iter().map(Money).collect())
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
