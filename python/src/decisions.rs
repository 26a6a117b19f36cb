//! The quote and decision value objects: `Quote` (with `.lines` and `.total`), `Decision`
//! (with `.route` and `.reasons`) and the coverage `Report` of a batch of requests.

use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyType};
use serde_json::Value;
use time::Date;

use crate::convert::from_value;
use crate::errors::raise;
use crate::types::{Money, Term};

fn json_error(what: &str, e: &serde_json::Error) -> PyErr {
    raise(&amscore::gateway::RequestError::Syntax { path: String::new(), message: format!("{what}: {e}") }, Some(""))
}

fn text<T: serde::Serialize>(value: &T) -> PyResult<String> {
    serde_json::to_string(value).map_err(|e| PyTypeError::new_err(e.to_string()))
}

fn plain<'py, T: serde::Serialize>(py: Python<'py>, value: &T) -> PyResult<Bound<'py, PyAny>> {
    let v = serde_json::to_value(value).map_err(|e| PyTypeError::new_err(e.to_string()))?;
    from_value(py, &v)
}

/// The snake_case name serde gives an enum value.
pub(crate) fn serde_name<T: serde::Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(Value::String(s)) => s,
        _ => String::new(),
    }
}

/// A price quote: line items (dues, fees, credits, proration) whose sum is the total.
///
/// >>> from datetime import date
/// >>> q = Engine("amscore").quote_join("individual", date(2025, 3, 10))
/// >>> q.total
/// Money('225.00', 'USD')
/// >>> [line["kind"] for line in q.lines]
/// ['dues', 'join_fee']
#[pyclass(frozen, eq, skip_from_py_object, module = "amscore._core")]
#[derive(Clone, PartialEq)]
pub(crate) struct Quote(pub(crate) amscore::Quote);

#[pymethods]
impl Quote {
    /// A quote from its JSON text (as `to_json` writes it).
    #[classmethod]
    fn from_json(_cls: &Bound<'_, PyType>, text: &str) -> PyResult<Quote> {
        serde_json::from_str(text).map(Quote).map_err(|e| json_error("quote", &e))
    }

    /// What the quote is for (`join`, `renewal`, `reinstatement`, `rejoin`, `upgrade`, ...).
    #[getter]
    fn kind(&self) -> String {
        serde_name(&self.0.kind)
    }

    /// The plan after the action.
    #[getter]
    fn plan(&self) -> String {
        self.0.plan.to_string()
    }

    /// When the action takes effect.
    #[getter]
    fn effective(&self) -> Date {
        self.0.effective
    }

    /// The term after the action, if any.
    #[getter]
    fn term(&self) -> Option<Term> {
        self.0.term.map(Term)
    }

    /// Member-since after the action.
    #[getter]
    fn member_since(&self) -> Date {
        self.0.member_since
    }

    /// The status once the action is done and paid.
    #[getter]
    fn status_after(&self) -> &'static str {
        self.0.status_after.as_str()
    }

    /// The line items, in order: dicts with `kind`, `description`, `amount` (`Money`) and
    /// `period` (`Term` or None).
    #[getter]
    fn lines<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let list = PyList::empty(py);
        for l in &self.0.lines {
            let d = PyDict::new(py);
            d.set_item("kind", serde_name(&l.kind))?;
            d.set_item("description", l.description.to_string())?;
            d.set_item("amount", Money(l.amount))?;
            d.set_item("period", l.period.map(Term))?;
            list.append(d)?;
        }
        Ok(list)
    }

    /// The exact sum of the lines: positive to pay, negative to credit or refund.
    #[getter]
    fn total(&self) -> Money {
        Money(self.0.total)
    }

    /// The currency code.
    #[getter]
    fn currency(&self) -> String {
        self.0.currency().code().to_owned()
    }

    /// The quote as a JSON-shaped dict.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        plain(py, &self.0)
    }

    /// The quote as JSON text.
    fn to_json(&self) -> PyResult<String> {
        text(&self.0)
    }

    fn __repr__(&self) -> String {
        format!(
            "Quote(kind='{}', plan='{}', total=Money('{}', '{}'))",
            self.kind(),
            self.0.plan,
            self.0.total.amount(),
            self.0.total.currency().code()
        )
    }

    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<(Bound<'py, PyAny>, (String,))> {
        Ok((slf.get_type().getattr("from_json")?, (slf.get().to_json()?,)))
    }
}

/// The self-service decision for one request: a route (`self_service`, `staff`, `refused`),
/// the reasons with their codes, and the quote when the website can complete it.
///
/// >>> d = Engine("amscore").decide({"at": "2025-03-10T12:00", "action": {"kind": "join", "plan": "retired"}})
/// >>> d.route, d.reasons[0]["code"]
/// ('staff', 'plan_requires_approval')
#[pyclass(frozen, eq, skip_from_py_object, module = "amscore._core")]
#[derive(Clone, PartialEq)]
pub(crate) struct Decision(pub(crate) amscore::Decision);

#[pymethods]
impl Decision {
    /// A decision from its JSON text (as `to_json` writes it).
    #[classmethod]
    fn from_json(_cls: &Bound<'_, PyType>, text: &str) -> PyResult<Decision> {
        serde_json::from_str(text).map(Decision).map_err(|e| json_error("decision", &e))
    }

    /// `self_service`, `staff` or `refused`.
    #[getter]
    fn route(&self) -> &'static str {
        match self.0.route {
            amscore::Route::SelfService => "self_service",
            amscore::Route::Staff { .. } => "staff",
            amscore::Route::Refused => "refused",
        }
    }

    /// The staff queue, for a `staff` route.
    #[getter]
    fn queue(&self) -> Option<&'static str> {
        match &self.0.route {
            amscore::Route::Staff { queue } => Some(queue.as_str()),
            _ => None,
        }
    }

    /// Whether the website completes the request on its own.
    #[getter]
    fn is_self_service(&self) -> bool {
        self.0.is_self_service()
    }

    /// The reasons, in their stable order: dicts with `code`, `message` and `next_date`
    /// (`datetime.date` or None).
    #[getter]
    fn reasons<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let list = PyList::empty(py);
        for r in &self.0.reasons {
            let d = PyDict::new(py);
            d.set_item("code", r.code.as_str())?;
            d.set_item("message", &r.message)?;
            d.set_item("next_date", r.next_date)?;
            list.append(d)?;
        }
        Ok(list)
    }

    /// When time alone makes the request self-service, if it does.
    #[getter]
    fn next_date(&self) -> Option<Date> {
        self.0.next_date
    }

    /// The quote, for requests the website can complete.
    #[getter]
    fn quote(&self) -> Option<Quote> {
        self.0.quote.clone().map(Quote)
    }

    /// The decision as a JSON-shaped dict.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        plain(py, &self.0)
    }

    /// The decision as JSON text.
    fn to_json(&self) -> PyResult<String> {
        text(&self.0)
    }

    fn __repr__(&self) -> String {
        let codes: Vec<&str> = self.0.reasons.iter().map(|r| r.code.as_str()).collect();
        format!("Decision(route='{}', reasons={codes:?})", self.route())
    }

    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<(Bound<'py, PyAny>, (String,))> {
        Ok((slf.get_type().getattr("from_json")?, (slf.get().to_json()?,)))
    }
}

/// The coverage report over a batch of requests: the share handled online, by request kind,
/// and the reasons that cost the most staff work.
///
/// >>> r = Engine("amscore").coverage_report([{"at": "2025-03-10T12:00", "action": {"kind": "join", "plan": "individual"}}])
/// >>> r.self_service, r.requests
/// (1, 1)
#[pyclass(frozen, eq, skip_from_py_object, module = "amscore._core")]
#[derive(Clone, PartialEq)]
pub(crate) struct Report(pub(crate) amscore::CoverageReport);

#[pymethods]
impl Report {
    /// A report from its JSON text (as `to_json` writes it).
    #[classmethod]
    fn from_json(_cls: &Bound<'_, PyType>, text: &str) -> PyResult<Report> {
        serde_json::from_str(text).map(Report).map_err(|e| json_error("report", &e))
    }

    /// Requests in the batch.
    #[getter]
    fn requests(&self) -> usize {
        self.0.overall.requests
    }

    /// Requests the website completes.
    #[getter]
    fn self_service(&self) -> usize {
        self.0.overall.self_service
    }

    /// Requests sent to staff.
    #[getter]
    fn staff(&self) -> usize {
        self.0.overall.staff
    }

    /// Requests refused.
    #[getter]
    fn refused(&self) -> usize {
        self.0.overall.refused
    }

    /// Rows that could not be decided.
    #[getter]
    fn errors(&self) -> usize {
        self.0.overall.errors
    }

    /// The self-service share of decided requests, in percent (`decimal.Decimal`).
    #[getter]
    fn self_service_share(&self) -> rust_decimal::Decimal {
        self.0.overall.self_service_share
    }

    /// The report as text a person can read.
    #[getter]
    fn text(&self) -> String {
        amscore::format_coverage(&self.0)
    }

    /// The report as a JSON-shaped dict (overall, by_kind, by_queue, reasons, standing).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        plain(py, &self.0)
    }

    /// The report as JSON text.
    fn to_json(&self) -> PyResult<String> {
        text(&self.0)
    }

    fn __repr__(&self) -> String {
        format!(
            "Report(requests={}, self_service={}, staff={}, refused={}, errors={})",
            self.0.overall.requests,
            self.0.overall.self_service,
            self.0.overall.staff,
            self.0.overall.refused,
            self.0.overall.errors
        )
    }

    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<(Bound<'py, PyAny>, (String,))> {
        Ok((slf.get_type().getattr("from_json")?, (slf.get().to_json()?,)))
    }
}
