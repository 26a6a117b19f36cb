//! The JSON side of the value objects, written once: a serde value as text and as plain Python
//! objects, and [`json_methods!`], which gives every value object holding a serde value the same
//! `to_dict`, `to_json` and `__reduce__` (and, for the engine's answers, `from_json`).

use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;

use crate::convert::from_value;
use crate::errors::raise;

/// A serde value as JSON text (`to_json`), or serde's error as a `TypeError`.
pub(crate) fn text(written: serde_json::Result<String>) -> PyResult<String> {
    written.map_err(|e| PyTypeError::new_err(e.to_string()))
}

/// A serde value as plain Python objects (`to_dict`): dicts, lists, text, numbers, None.
pub(crate) fn plain<'py, T: serde::Serialize>(py: Python<'py>, value: &T) -> PyResult<Bound<'py, PyAny>> {
    let v = serde_json::to_value(value).map_err(|e| PyTypeError::new_err(e.to_string()))?;
    from_value(py, &v)
}

/// JSON text that does not read as a `what` (`from_json` of a value the engine wrote): a
/// `RequestError` (`request_syntax`) at the document's root.
pub(crate) fn read_error(what: &str, e: &serde_json::Error) -> PyErr {
    raise(&amscore::gateway::RequestError::Syntax { path: String::new(), message: format!("{what}: {e}") }, Some(""))
}

/// A second `#[pymethods]` block (pyo3's `multiple-pymethods`) for a frozen value object whose
/// `.0` is a serde value, beside the class's own: `to_dict` (the value as plain Python objects),
/// `to_json` (as JSON text, written by `serde_json::to_string` unless `write:` names another
/// writer of the same signature) and `__reduce__` (a pickle is the class's `from_json` of
/// `to_json`'s text). With `read:`, also `from_json`, reading serde's JSON of the value (a
/// `RequestError` naming the value as `read:` does); without it the class writes its own.
///
/// The docstrings say "The `noun` as a JSON-shaped dict[ `dict_note`]." and "The `noun` as JSON
/// text."; `__reduce__` keeps Python's own.
macro_rules! json_methods {
    (
        $ty:ident,
        noun: $noun:literal
        $(, dict_note: $note:literal)?
        $(, read: $read:literal)?
        $(, write: $write:path)?
    ) => {
        #[pymethods]
        impl $ty {
            $(
                #[doc = concat!("A ", $noun, " from its JSON text (as `to_json` writes it).")]
                #[classmethod]
                fn from_json(_cls: &Bound<'_, pyo3::types::PyType>, text: &str) -> PyResult<$ty> {
                    serde_json::from_str(text).map($ty).map_err(|e| $crate::json::read_error($read, &e))
                }
            )?

            #[doc = concat!("The ", $noun, " as a JSON-shaped dict", $(" ", $note,)? ".")]
            fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
                $crate::json::plain(py, &self.0)
            }

            #[doc = concat!("The ", $noun, " as JSON text.")]
            fn to_json(&self) -> PyResult<String> {
                $crate::json::text($crate::json::json_methods!(@write $($write)?)(&self.0))
            }

            fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<(Bound<'py, PyAny>, (String,))> {
                Ok((slf.get_type().getattr("from_json")?, (slf.get().to_json()?,)))
            }
        }
    };
    (@write) => { serde_json::to_string };
    (@write $write:path) => { $write };
}
pub(crate) use json_methods;
