//! The exception classes: `AmsError` and one subclass per error family, each with `.code`,
//! `.name`, `.family` and `.path` from the core's error table.

use std::fmt::Display;

use amscore::ErrorCode;
use pyo3::create_exception;
use pyo3::exceptions::PyException;
use pyo3::prelude::*;
use pyo3::types::PyType;

create_exception!(amscore._core, AmsError, PyException, "Base class of every amscore error.");
create_exception!(amscore._core, PolicyError, AmsError, "A policy document that cannot be compiled.");
create_exception!(amscore._core, MoneyError, AmsError, "An amount or currency problem.");
create_exception!(amscore._core, InputError, AmsError, "Member facts or a question that cannot be answered.");
create_exception!(amscore._core, DateError, InputError, "Date arithmetic out of range, or an invalid date.");
create_exception!(amscore._core, RequestError, InputError, "A gateway request that cannot be read.");
create_exception!(amscore._core, RosterError, InputError, "A roster (batch input) that cannot be read.");
create_exception!(amscore._core, NotEligibleError, AmsError, "A renewal the member is not eligible for.");
create_exception!(amscore._core, QuoteError, AmsError, "A price quote that cannot be made.");
create_exception!(amscore._core, DecisionError, InputError, "A self-service request that cannot be decided.");
create_exception!(
    amscore._core,
    SuccessError,
    InputError,
    "Member-success input that cannot be used (an unknown member, inconsistent counts, a negative amount)."
);

create_exception!(
    amscore._core,
    WorkError,
    InputError,
    "Staff work input that cannot be used (an item given twice, an assignment of an unknown item, a time after as_of)."
);

create_exception!(
    amscore._core,
    AuditError,
    InputError,
    "An export that cannot be audited (a missing column, a type map naming a plan the policy lacks)."
);

/// The exception class for an error family of the core's error table.
fn class_for<'py>(py: Python<'py>, family: &str) -> Bound<'py, PyType> {
    match family {
        "policy" => py.get_type::<PolicyError>(),
        "money" => py.get_type::<MoneyError>(),
        "lifecycle" => py.get_type::<InputError>(),
        "date" => py.get_type::<DateError>(),
        "request" => py.get_type::<RequestError>(),
        "roster" => py.get_type::<RosterError>(),
        "renewal" => py.get_type::<NotEligibleError>(),
        "quote" => py.get_type::<QuoteError>(),
        "decision" => py.get_type::<DecisionError>(),
        "success" | "reminder" => py.get_type::<SuccessError>(),
        "work" => py.get_type::<WorkError>(),
        "audit" => py.get_type::<AuditError>(),
        _ => py.get_type::<AmsError>(),
    }
}

/// The family of a code, from the core's table.
pub(crate) fn family_of(code: u32) -> &'static str {
    amscore::error_table().into_iter().find(|e| e.code == code).map_or("", |e| e.family)
}

/// Builds the exception for a core error: its family's class, with `.code`, `.name`, `.family`
/// and `.path` (None when the error has no path).
pub(crate) fn raise<E: ErrorCode + Display>(err: &E, path: Option<&str>) -> PyErr {
    Python::attach(|py| {
        let family = family_of(err.code());
        let exc = PyErr::from_type(class_for(py, family), err.to_string());
        let value = exc.value(py);
        let set = || -> PyResult<()> {
            value.setattr("code", err.code())?;
            value.setattr("name", err.name())?;
            value.setattr("family", family)?;
            value.setattr("path", path)?;
            Ok(())
        };
        match set() {
            Ok(()) => exc,
            Err(e) => e,
        }
    })
}

/// Every error code amscore defines, as `(code, name, family)` tuples in code order.
///
/// >>> from amscore import error_table
/// >>> (1301, "unknown_plan", "lifecycle") in error_table()
/// True
#[pyfunction]
pub(crate) fn error_table() -> Vec<(u32, &'static str, &'static str)> {
    amscore::error_table().into_iter().map(|e| (e.code, e.name, e.family)).collect()
}

/// Adds the exception classes to the module, with class-level defaults for their attributes.
pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    let base = py.get_type::<AmsError>();
    base.setattr("code", 0)?;
    base.setattr("name", "")?;
    base.setattr("family", "")?;
    base.setattr("path", py.None())?;
    m.add("AmsError", base)?;
    m.add("PolicyError", py.get_type::<PolicyError>())?;
    m.add("MoneyError", py.get_type::<MoneyError>())?;
    m.add("InputError", py.get_type::<InputError>())?;
    m.add("DateError", py.get_type::<DateError>())?;
    m.add("RequestError", py.get_type::<RequestError>())?;
    m.add("RosterError", py.get_type::<RosterError>())?;
    m.add("NotEligibleError", py.get_type::<NotEligibleError>())?;
    m.add("QuoteError", py.get_type::<QuoteError>())?;
    m.add("DecisionError", py.get_type::<DecisionError>())?;
    m.add("SuccessError", py.get_type::<SuccessError>())?;
    m.add("WorkError", py.get_type::<WorkError>())?;
    m.add("AuditError", py.get_type::<AuditError>())?;
    Ok(())
}
