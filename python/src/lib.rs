//! The Python module of amscore: `amscore._core`, wrapped by the `amscore` package.
//!
//! Value objects (`Money`, `Term`, `Membership`, `Plan`, `Policy`) are frozen and pickle; the
//! `Engine` answers single questions and whole columnar rosters (see `batch.rs`), releasing the
//! GIL while the core runs. Errors become the exception classes of `errors.rs`, each carrying the
//! stable code of `amscore::error_table()`.

mod batch;
mod convert;
mod decisions;
mod engine;
mod errors;
mod json;
mod reminders;
mod success;
mod types;

use pyo3::prelude::*;

/// The native half of the `amscore` package. Import `amscore`, not this module.
#[pymodule]
#[pyo3(name = "_core")]
fn core_module(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", amscore::VERSION)?;
    // The member frame's columns are the core's (`Column::ALL`, required ones first): the batch
    // and the success methods read them from here rather than listing them again.
    let columns = amscore::Column::ALL;
    m.add("MEMBER_COLUMNS", pyo3::types::PyTuple::new(m.py(), columns.map(|c| c.as_str()))?)?;
    let required: Vec<&str> = columns.iter().filter(|c| c.is_required()).map(|c| c.as_str()).collect();
    m.add("REQUIRED_MEMBER_COLUMNS", pyo3::types::PyTuple::new(m.py(), required)?)?;
    m.add("ATTRIBUTE_PREFIX", amscore::Column::ATTRIBUTE_PREFIX)?;
    // The batches' result columns are the Arrow conversion's (`amscore_arrow`), listed once.
    let names = |names: &[&str]| pyo3::types::PyTuple::new(m.py(), names.iter().copied());
    m.add("RESULT_COLUMNS", names(&amscore_arrow::RESULT_COLUMNS)?)?;
    m.add("DECISION_COLUMNS", names(&amscore_arrow::DECISION_COLUMNS)?)?;
    m.add("QUOTE_LINE_COLUMNS", names(&amscore_arrow::QUOTE_LINE_COLUMNS)?)?;
    m.add("JOIN_COLUMNS", names(&amscore_arrow::JOIN_COLUMNS)?)?;
    m.add("JOIN_RESULT_COLUMNS", names(&amscore_arrow::JOIN_RESULT_COLUMNS)?)?;
    m.add("JOIN_LINE_COLUMNS", names(&amscore_arrow::JOIN_LINE_COLUMNS)?)?;
    // What each retention measure means, from the core (the docstrings and frames show them).
    m.add("METRIC_DEFINITIONS", amscore::success::METRIC_DEFINITIONS.to_vec())?;
    m.add_function(wrap_pyfunction!(errors::error_table, m)?)?;
    m.add_function(wrap_pyfunction!(types::presets, m)?)?;
    // The package's text columns (its Python frames and the `to_frame`s) are made in one place;
    // private to the package, so set as an attribute, not added to `__all__`.
    m.setattr("_text_column", wrap_pyfunction!(decisions::py_text_column, m)?)?;
    m.add_class::<types::Money>()?;
    m.add_class::<types::Term>()?;
    m.add_class::<types::Membership>()?;
    m.add_class::<types::Plan>()?;
    m.add_class::<types::Policy>()?;
    m.add_class::<decisions::Quote>()?;
    m.add_class::<decisions::Decision>()?;
    m.add_class::<decisions::Report>()?;
    m.add_class::<decisions::DecisionBatch>()?;
    m.add_class::<decisions::WhatIf>()?;
    m.add_class::<engine::Engine>()?;
    errors::register(m)
}
