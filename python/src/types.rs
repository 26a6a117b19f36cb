//! The frozen value objects: `Money`, `Term`, `Membership`, `Plan`, `Policy`.

use amscore::Currency;
use pyo3::exceptions::{PyFileNotFoundError, PyOSError, PyTypeError};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyString, PyTuple, PyType};
use rust_decimal::Decimal;
use serde_json::Value;
use time::Date;

use crate::convert::{extract_amount, extract_date, extract_opt_date, from_value, to_value, Amount, Doc};
use crate::errors::raise;
use crate::json::json_methods;

/// Reads membership facts the way the gateway reads a request's `membership`, so that errors
/// carry the gateway's codes and a path relative to the membership.
fn read_membership(value: Value) -> PyResult<amscore::Membership> {
    amscore::gateway::parse_membership(value).map_err(|err| raise(&err, Some(err.path())))
}

/// The names of the policy presets amscore ships.
///
/// >>> "amscore" in amscore.presets()
/// True
#[pyfunction]
pub(crate) fn presets() -> Vec<&'static str> {
    amscore::PRESETS.iter().map(|(name, _)| *name).collect()
}

/// An exact amount of money in an ISO 4217 currency.
///
/// >>> from decimal import Decimal
/// >>> Money(Decimal("12.50"), "USD")
/// Money('12.50', 'USD')
#[pyclass(frozen, skip_from_py_object, eq, hash, module = "amscore._core")]
#[derive(Clone, PartialEq, Eq, Hash)]
pub(crate) struct Money(pub(crate) amscore::Money);

#[pymethods]
impl Money {
    /// Money from an amount (`decimal.Decimal`, `int` or a decimal string; never `float`) and a
    /// currency code.
    #[new]
    fn new(amount: &Bound<'_, PyAny>, currency: &str) -> PyResult<Money> {
        let currency = Currency::from_code(currency).map_err(|e| raise(&e, None))?;
        match extract_amount(amount, "Money amount")? {
            Amount::Exact(d) => Ok(Money(amscore::Money::new(d, currency))),
            Amount::Text(t) => amscore::Money::parse(&t, currency).map(Money).map_err(|e| raise(&e, None)),
        }
    }

    /// The exact amount, as `decimal.Decimal`.
    #[getter]
    fn amount(&self) -> Decimal {
        self.0.amount()
    }

    /// The ISO 4217 currency code.
    #[getter]
    fn currency(&self) -> String {
        self.0.currency().code().to_owned()
    }

    fn __str__(&self) -> String {
        self.0.to_string()
    }

    fn __repr__(&self) -> String {
        format!("Money('{}', '{}')", self.0.amount(), self.0.currency().code())
    }

    fn __reduce__<'py>(&self, py: Python<'py>) -> PyResult<(Bound<'py, PyType>, (String, String))> {
        Ok((py.get_type::<Money>(), (self.0.amount().to_string(), self.currency())))
    }
}

/// A term: a first and an inclusive last day; `end` is `None` for a lifetime term.
///
/// >>> from datetime import date
/// >>> Term(date(2025, 1, 15), date(2026, 1, 14)).days
/// 365
#[pyclass(frozen, skip_from_py_object, eq, hash, module = "amscore._core")]
#[derive(Clone, PartialEq, Eq, Hash)]
pub(crate) struct Term(pub(crate) amscore::Term);

#[pymethods]
impl Term {
    /// A term from its first and last day (`datetime.date`; `end=None` for lifetime).
    #[new]
    #[pyo3(signature = (start, end=None))]
    fn new(start: &Bound<'_, PyAny>, end: Option<&Bound<'_, PyAny>>) -> PyResult<Term> {
        let start = extract_date(start, "Term start")?;
        let end = extract_opt_date(end, "Term end")?;
        amscore::Term::new(start, end).map(Term).map_err(|e| raise(&e, None))
    }

    /// The first day.
    #[getter]
    fn start(&self) -> Date {
        self.0.start
    }

    /// The last day (inclusive), or `None` for a lifetime term.
    #[getter]
    fn end(&self) -> Option<Date> {
        self.0.end
    }

    /// Whether the term never ends.
    #[getter]
    fn is_lifetime(&self) -> bool {
        self.0.is_lifetime()
    }

    /// The number of days, both ends counted; `None` for a lifetime term.
    #[getter]
    fn days(&self) -> Option<i64> {
        self.0.days()
    }

    /// Whether a date falls inside the term (both ends included).
    fn contains(&self, date: &Bound<'_, PyAny>) -> PyResult<bool> {
        Ok(self.0.contains(extract_date(date, "date")?))
    }

    /// Whether two terms share at least one day.
    fn overlaps(&self, other: &Term) -> bool {
        self.0.overlaps(&other.0)
    }

    /// The term as JSON text (`{"start": "2025-01-15", "end": "2026-01-14"}`).
    fn to_json(&self) -> PyResult<String> {
        crate::json::text(serde_json::to_string(&self.0))
    }

    fn __repr__(&self) -> String {
        match self.0.end {
            Some(end) => format!("Term({}, {})", self.0.start, end),
            None => format!("Term({}, lifetime)", self.0.start),
        }
    }

    fn __reduce__<'py>(&self, py: Python<'py>) -> PyResult<(Bound<'py, PyType>, Bound<'py, PyTuple>)> {
        let args = PyTuple::new(py, [self.0.start.into_pyobject(py)?.into_any(), self.0.end.into_pyobject(py)?])?;
        Ok((py.get_type::<Term>(), args))
    }
}

/// What the AMS knows about one membership: the facts every status and renewal is computed from.
///
/// >>> from datetime import date
/// >>> m = Membership("M-1", "individual", date(2020, 3, 1), Term(date(2025, 3, 1), date(2026, 2, 28)))
/// >>> m.plan
/// 'individual'
#[pyclass(frozen, skip_from_py_object, eq, module = "amscore._core")]
#[derive(Clone, PartialEq)]
pub(crate) struct Membership(pub(crate) amscore::Membership);

#[pymethods]
impl Membership {
    /// A membership from its facts.
    #[new]
    #[pyo3(signature = (member_id, plan, member_since, term, *, pending=false, cancelled_on=None, deceased_on=None, tax_exempt=false, pause=None, renewal_pending=false))]
    #[allow(clippy::too_many_arguments)] // the membership's facts, as keyword arguments
    fn new(
        member_id: &str,
        plan: &str,
        member_since: &Bound<'_, PyAny>,
        term: &Term,
        pending: bool,
        cancelled_on: Option<&Bound<'_, PyAny>>,
        deceased_on: Option<&Bound<'_, PyAny>>,
        tax_exempt: bool,
        pause: Option<&Bound<'_, PyAny>>,
        renewal_pending: bool,
    ) -> PyResult<Membership> {
        Ok(Membership(amscore::Membership {
            member_id: member_id.into(),
            plan: plan.into(),
            member_since: extract_date(member_since, "member_since")?,
            term: term.0,
            pending,
            cancelled_on: extract_opt_date(cancelled_on, "cancelled_on")?,
            status_override: None,
            deceased_on: extract_opt_date(deceased_on, "deceased_on")?,
            tax_exempt,
            pause: pause.filter(|p| !p.is_none()).map(extract_pause).transpose()?,
            renewal_pending,
        }))
    }

    /// A membership from a dict shaped like the gateway's `membership` (dates as ISO text or
    /// `datetime.date`), including an `override`.
    ///
    /// Raises `RequestError` naming the path of a missing, unknown or invalid field.
    #[classmethod]
    fn from_dict(_cls: &Bound<'_, PyType>, data: &Bound<'_, PyAny>) -> PyResult<Membership> {
        read_membership(to_value(data, Doc::Request)?).map(Membership)
    }

    /// A membership from JSON text (see `from_dict`).
    #[classmethod]
    fn from_json(_cls: &Bound<'_, PyType>, text: &str) -> PyResult<Membership> {
        let value: Value = amscore::read_json(text).map_err(|e| {
            raise(&amscore::gateway::RequestError::Syntax { path: e.path.clone(), message: e.message }, Some(&e.path))
        })?;
        read_membership(value).map(Membership)
    }

    /// The member's identifier.
    #[getter]
    fn member_id(&self) -> String {
        self.0.member_id.to_string()
    }

    /// The plan of the current term.
    #[getter]
    fn plan(&self) -> String {
        self.0.plan.to_string()
    }

    /// The member's join date (member-since).
    #[getter]
    fn member_since(&self) -> Date {
        self.0.member_since
    }

    /// The current term.
    #[getter]
    fn term(&self) -> Term {
        Term(self.0.term)
    }

    /// Applied, awaiting payment or approval.
    #[getter]
    fn pending(&self) -> bool {
        self.0.pending
    }

    /// The day the membership was cancelled, if it was.
    #[getter]
    fn cancelled_on(&self) -> Option<Date> {
        self.0.cancelled_on
    }

    /// The day the member died, if known.
    #[getter]
    fn deceased_on(&self) -> Option<Date> {
        self.0.deceased_on
    }

    /// Whether the member pays no tax.
    #[getter]
    fn tax_exempt(&self) -> bool {
        self.0.tax_exempt
    }

    /// The pause inside the current term, as `(first day, last day)`, if there is one.
    #[getter]
    fn pause(&self) -> Option<(Date, Date)> {
        self.0.pause.map(|p| (p.from, p.to))
    }

    /// A renewal awaits payment (the status stays the current term's until it is paid).
    #[getter]
    fn renewal_pending(&self) -> bool {
        self.0.renewal_pending
    }

    fn __repr__(&self) -> String {
        format!(
            "Membership(member_id='{}', plan='{}', member_since={}, term={})",
            self.0.member_id,
            self.0.plan,
            self.0.member_since,
            Term(self.0.term).__repr__()
        )
    }
}

json_methods!(Membership, noun: "facts", dict_note: "(dates as ISO text), as the gateway reads them");

/// A pause given as a `(from, to)` pair of `datetime.date`, else a `TypeError`.
fn extract_pause(obj: &Bound<'_, PyAny>) -> PyResult<amscore::Pause> {
    let (from, to): (Bound<'_, PyAny>, Bound<'_, PyAny>) = obj
        .extract()
        .map_err(|_| pyo3::exceptions::PyTypeError::new_err("pause: expected a (from, to) pair of datetime.date"))?;
    Ok(amscore::Pause { from: extract_date(&from, "pause.from")?, to: extract_date(&to, "pause.to")? })
}

/// A plan (membership type) of a policy.
///
/// >>> Policy.preset("amscore").plan("individual").currency
/// 'USD'
#[pyclass(frozen, skip_from_py_object, eq, module = "amscore._core")]
#[derive(Clone, PartialEq)]
pub(crate) struct Plan(pub(crate) amscore::Plan);

#[pymethods]
impl Plan {
    /// A plan from a dict shaped like one entry of a policy's `plans`.
    ///
    /// Raises `PolicyError` naming the path of the first problem.
    #[classmethod]
    fn from_dict(_cls: &Bound<'_, PyType>, data: &Bound<'_, PyAny>) -> PyResult<Plan> {
        let value = to_value(data, Doc::Policy)?;
        serde_json::from_value(value).map(Plan).map_err(|e| {
            let err = amscore::PolicyError::Syntax { path: String::new(), message: e.to_string() };
            raise(&err, Some(""))
        })
    }

    /// A plan from JSON text (see `from_dict`).
    #[classmethod]
    fn from_json(cls: &Bound<'_, PyType>, text: &str) -> PyResult<Plan> {
        let value: Value = amscore::read_json(text).map_err(|e| {
            raise(&amscore::PolicyError::Syntax { path: e.path.clone(), message: e.message }, Some(&e.path))
        })?;
        Plan::from_dict(cls, &from_value(cls.py(), &value)?)
    }

    /// The plan's identifier.
    #[getter]
    fn id(&self) -> String {
        self.0.id.to_string()
    }

    /// The name members see.
    #[getter]
    fn name(&self) -> String {
        self.0.name.clone()
    }

    /// The category plans are grouped by, if any.
    #[getter]
    fn category(&self) -> Option<String> {
        self.0.category.clone()
    }

    /// The plan's currency code.
    #[getter]
    fn currency(&self) -> String {
        self.0.prices.currency.code().to_owned()
    }

    /// The dues for one term when joining.
    #[getter]
    fn dues(&self) -> Money {
        Money(self.0.prices.join_dues())
    }

    /// The dues for one term when renewing.
    #[getter]
    fn renewal_dues(&self) -> Money {
        Money(self.0.prices.renewal_dues())
    }

    /// Whether the plan is a lifetime plan.
    #[getter]
    fn is_lifetime(&self) -> bool {
        self.0.is_lifetime()
    }

    /// The most terms a member may buy at once.
    #[getter]
    fn max_terms(&self) -> u32 {
        self.0.max_terms
    }

    /// The plan members move to on renewal, if any.
    #[getter]
    fn renew_to(&self) -> Option<String> {
        self.0.renew_to.as_ref().map(|p| p.to_string())
    }

    fn __repr__(&self) -> String {
        format!("Plan(id='{}', name='{}')", self.0.id, self.0.name)
    }
}

json_methods!(Plan, noun: "plan");

/// A validated policy document: the whole rule set of an association.
///
/// Build one from a dict, JSON text, a file path or a preset name:
///
/// >>> Policy("amscore").name
/// 'amscore default'
/// >>> Policy({"version": 1, "preset": "civicrm"}).version
/// 1
#[pyclass(frozen, skip_from_py_object, eq, module = "amscore._core")]
#[derive(Clone, PartialEq)]
pub(crate) struct Policy(pub(crate) amscore::Policy);

fn policy_error(e: &amscore::PolicyError) -> PyErr {
    raise(e, Some(e.path()))
}

impl Policy {
    pub(crate) fn from_source(source: &Bound<'_, PyAny>) -> PyResult<Policy> {
        if let Ok(p) = source.cast::<Policy>() {
            return Ok(p.get().clone());
        }
        if source.cast::<PyDict>().is_ok() {
            let value = to_value(source, Doc::Policy)?;
            return amscore::Policy::from_value(value).map(Policy).map_err(|e| policy_error(&e));
        }
        if let Ok(text) = source.cast::<PyString>() {
            let text = text.to_cow()?;
            let text: &str = &text;
            let trimmed = text.trim_start();
            if trimmed.starts_with('{') {
                return amscore::Policy::from_json(text).map(Policy).map_err(|e| policy_error(&e));
            }
            let is_preset = amscore::PRESETS.iter().any(|(n, _)| *n == text);
            // A bare name is a preset's; text that names a file (a folder in it, or a `.json`
            // name) is a path, and a missing one is a missing file, not an unknown preset.
            let names_a_file = text.contains(['/', '\\']) || text.ends_with(".json");
            if is_preset || (!names_a_file && !std::path::Path::new(text).exists()) {
                return amscore::Policy::preset(text).map(Policy).map_err(|e| policy_error(&e));
            }
            return Policy::read_file(text);
        }
        let fspath = source.py().import("os")?.getattr("fspath")?;
        if let Ok(path) = fspath.call1((source,)).and_then(|p| p.extract::<String>()) {
            return Policy::read_file(&path);
        }
        Err(PyTypeError::new_err("Policy source: expected a dict, JSON text, a preset name or a path"))
    }

    fn read_file(path: &str) -> PyResult<Policy> {
        let text = std::fs::read_to_string(path).map_err(|e| match e.kind() {
            // `FileNotFoundError(2, "No such file or directory", path)`, as `open` raises it.
            std::io::ErrorKind::NotFound => {
                PyFileNotFoundError::new_err((2, "No such file or directory", path.to_owned()))
            }
            _ => PyOSError::new_err(format!("{path}: {e}")),
        })?;
        amscore::Policy::from_json(&text).map(Policy).map_err(|e| policy_error(&e))
    }
}

#[pymethods]
impl Policy {
    /// A policy from a dict, JSON text (starting with `{`), a preset name, or a file path.
    ///
    /// Raises `PolicyError` with `.path` naming the first problem (`plans[0].term.length.count`).
    #[new]
    fn new(source: &Bound<'_, PyAny>) -> PyResult<Policy> {
        Policy::from_source(source)
    }

    /// A policy from a dict.
    #[classmethod]
    fn from_dict(_cls: &Bound<'_, PyType>, data: &Bound<'_, PyDict>) -> PyResult<Policy> {
        Policy::from_source(data.as_any())
    }

    /// A policy from JSON text.
    #[classmethod]
    fn from_json(_cls: &Bound<'_, PyType>, text: &str) -> PyResult<Policy> {
        amscore::Policy::from_json(text).map(Policy).map_err(|e| policy_error(&e))
    }

    /// A policy from a JSON file.
    #[classmethod]
    fn from_file(_cls: &Bound<'_, PyType>, path: &Bound<'_, PyAny>) -> PyResult<Policy> {
        let path: String = path.py().import("os")?.getattr("fspath")?.call1((path,))?.extract()?;
        Policy::read_file(&path)
    }

    /// A preset shipped with amscore (see `presets()`).
    #[classmethod]
    fn preset(_cls: &Bound<'_, PyType>, name: &str) -> PyResult<Policy> {
        amscore::Policy::preset(name).map(Policy).map_err(|e| policy_error(&e))
    }

    /// Checks the policy again (it was checked when built); raises `PolicyError` naming the path.
    fn validate(&self) -> PyResult<()> {
        self.0.validate().map_err(|e| policy_error(&e))
    }

    /// The format version.
    #[getter]
    fn version(&self) -> u32 {
        self.0.version
    }

    /// The policy's name, if it has one.
    #[getter]
    fn name(&self) -> Option<String> {
        self.0.name.clone()
    }

    /// The plans, in document order.
    #[getter]
    fn plans(&self) -> Vec<Plan> {
        self.0.plans.iter().cloned().map(Plan).collect()
    }

    /// A plan by id; raises `InputError` (`unknown_plan`) if there is none.
    fn plan(&self, id: &str) -> PyResult<Plan> {
        self.0
            .plans
            .iter()
            .find(|p| p.id.as_str() == id)
            .cloned()
            .map(Plan)
            .ok_or_else(|| raise(&amscore::LifecycleError::UnknownPlan { plan: id.to_owned() }, None))
    }

    fn __repr__(&self) -> String {
        format!("Policy(name={:?}, plans={})", self.0.name.as_deref().unwrap_or(""), self.0.plans.len())
    }
}

json_methods!(Policy, noun: "policy", write: amscore::Policy::to_json);
