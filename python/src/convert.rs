//! Conversions between Python objects and the core's values: JSON documents, dates, decimals.

use pyo3::exceptions::{PyOverflowError, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple};
use rust_decimal::Decimal;
use serde_json::{Map, Number, Value};
use time::Date;

use crate::errors::raise;

pub(crate) fn is_instance_of(obj: &Bound<'_, PyAny>, module: &str, class: &str) -> PyResult<bool> {
    let cls = obj.py().import(module)?.getattr(class)?;
    obj.is_instance(&cls)
}

pub(crate) fn type_name(obj: &Bound<'_, PyAny>) -> String {
    obj.get_type().name().map(|n| n.to_string()).unwrap_or_else(|_| "?".into())
}

/// A `datetime.date`, or a `datetime.datetime` at midnight without a time zone (a
/// `pandas.Timestamp` is one): the date it is, as a date cell of a frame is read. A datetime with
/// a time of day or a zone, and anything else, is a `TypeError` naming the argument.
pub(crate) fn extract_date(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<Date> {
    if is_instance_of(obj, "datetime", "datetime")? {
        let midnight = obj.getattr("tzinfo")?.is_none()
            && obj.call_method0("time")?.eq(obj.py().import("datetime")?.getattr("time")?.call0()?)?;
        if !midnight {
            let name = type_name(obj);
            let name = if name == "datetime" { "datetime.datetime".to_owned() } else { name };
            return Err(PyTypeError::new_err(format!(
                "{what}: expected datetime.date, got {name} (amscore dates have no time of day; pass .date())"
            )));
        }
        return obj.call_method0("date")?.extract::<Date>();
    }
    if !is_instance_of(obj, "datetime", "date")? {
        return Err(PyTypeError::new_err(format!("{what}: expected datetime.date, got {}", type_name(obj))));
    }
    obj.extract::<Date>()
}

/// A `datetime.datetime` in a document, as the core's date-time text (`2026-10-01T14:30`, seconds
/// when not zero; microseconds kept, for the core's grammar to refuse). The core reads it by what
/// the field is: a date-time such as a request's `at` takes it, a date field refuses it with the
/// date grammar's message. A time zone is a `TypeError`: the core's date-times are wall-clock.
fn datetime_text(obj: &Bound<'_, PyAny>, path: &str) -> PyResult<String> {
    if !obj.getattr("tzinfo")?.is_none() {
        return Err(PyTypeError::new_err(format!(
            "{}: date-times have no time zone (association wall-clock time); got {}",
            show(path),
            obj.str()?
        )));
    }
    let seconds: u8 = obj.getattr("second")?.extract()?;
    let micro: u32 = obj.getattr("microsecond")?.extract()?;
    let spec = if micro != 0 {
        "microseconds"
    } else if seconds != 0 {
        "seconds"
    } else {
        "minutes"
    };
    let kwargs = pyo3::types::PyDict::new(obj.py());
    kwargs.set_item("timespec", spec)?;
    obj.call_method("isoformat", (), Some(&kwargs))?.extract()
}

/// A count (terms, seats): a Python `int` from 0 to 4294967295. A negative count is a
/// `ValueError`, a larger one an `OverflowError`, anything else (float, bool, str) a `TypeError`,
/// each naming the argument.
pub(crate) fn extract_count(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<u32> {
    if obj.is_instance_of::<PyBool>() || !obj.is_instance_of::<PyInt>() {
        return Err(PyTypeError::new_err(format!("{what}: expected int, got {}", type_name(obj))));
    }
    match obj.extract::<i128>() {
        Ok(n) if n < 0 => Err(PyValueError::new_err(format!("{what}: must not be negative (got {n})"))),
        Ok(n) => u32::try_from(n)
            .map_err(|_| PyOverflowError::new_err(format!("{what}: {n} is too large (at most {})", u32::MAX))),
        Err(_) => Err(PyOverflowError::new_err(format!("{what}: {} is too large (at most {})", obj.str()?, u32::MAX))),
    }
}

/// An optional `datetime.date`: `None` stays `None`.
pub(crate) fn extract_opt_date(obj: Option<&Bound<'_, PyAny>>, what: &str) -> PyResult<Option<Date>> {
    match obj {
        Some(o) if !o.is_none() => extract_date(o, what).map(Some),
        _ => Ok(None),
    }
}

/// An exact amount: `decimal.Decimal`, `int` or a decimal string. `float` is refused.
pub(crate) enum Amount {
    /// Already exact.
    Exact(Decimal),
    /// Text for the core to parse with its one decimal grammar (and refuse with its own error).
    Text(String),
}

/// The longest decimal text a `decimal.Decimal` is written out to (digits, sign and point). A
/// finite `Decimal` whose exact plain text would be longer (an exponent beyond about a thousand,
/// far outside any amount the core holds) is given to the core as Python writes it (`1E+5000`),
/// which its grammar refuses, so that no exponent makes a huge string.
const MAX_DECIMAL_TEXT: usize = 1000;

/// A `decimal.Decimal` as text for the core's one decimal grammar: a finite value exactly, as
/// plain decimal text (`Decimal("1E+2")` is `100`, `Decimal("1.50")` is `1.50`, keeping its
/// places); NaN and the infinities as Python writes them, which the grammar refuses. The core
/// then takes or refuses the value by what it is, whether it came as `Money`, a request or a
/// frame cell.
pub(crate) fn decimal_text(obj: &Bound<'_, PyAny>) -> PyResult<String> {
    let python = || -> PyResult<String> { Ok(obj.str()?.to_cow()?.into_owned()) };
    if !obj.call_method0("is_finite")?.extract::<bool>()? {
        return python();
    }
    let (sign, digits, exponent): (u8, Vec<u8>, i64) = obj.call_method0("as_tuple")?.extract()?;
    let mut coefficient: String = digits.iter().map(|d| char::from(b'0' + d % 10)).collect();
    if coefficient.is_empty() {
        coefficient.push('0');
    }
    let sign = if sign == 1 { "-" } else { "" };
    let places = usize::try_from(exponent.unsigned_abs()).unwrap_or(usize::MAX);
    if places.saturating_add(coefficient.len()) > MAX_DECIMAL_TEXT {
        return python();
    }
    if exponent >= 0 {
        if coefficient == "0" {
            // Zero has no integer places to write out: 0E+3 is 0.
            return Ok(format!("{sign}0"));
        }
        return Ok(format!("{sign}{coefficient}{}", "0".repeat(places)));
    }
    if coefficient.len() > places {
        let (int, frac) = coefficient.split_at(coefficient.len() - places);
        Ok(format!("{sign}{int}.{frac}"))
    } else {
        Ok(format!("{sign}0.{}{coefficient}", "0".repeat(places - coefficient.len())))
    }
}

/// Reads an amount, refusing floats with a clear `TypeError`. A `decimal.Decimal` becomes its
/// exact text ([`decimal_text`]) for the core's grammar, as in a request.
pub(crate) fn extract_amount(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<Amount> {
    if obj.is_instance_of::<PyFloat>() {
        return Err(PyTypeError::new_err(format!(
            "{what}: float is not an exact amount; pass decimal.Decimal or a decimal string such as \"12.50\""
        )));
    }
    if obj.is_instance_of::<PyBool>() {
        return Err(PyTypeError::new_err(format!("{what}: expected decimal.Decimal, int or str, got bool")));
    }
    if obj.is_instance_of::<PyInt>() {
        let n: i64 = obj.extract()?;
        return Ok(Amount::Exact(Decimal::from(n)));
    }
    if obj.is_instance_of::<PyString>() {
        return Ok(Amount::Text(obj.extract()?));
    }
    if is_instance_of(obj, "decimal", "Decimal")? {
        return decimal_text(obj).map(Amount::Text);
    }
    Err(PyTypeError::new_err(format!("{what}: expected decimal.Decimal, int or str, got {}", type_name(obj))))
}

/// The deepest nesting of dicts and lists a Python document may have: 127 levels, what
/// serde_json's recursion limit of 128 lets JSON text have (`Engine.call_json`, a policy's text),
/// so that a document is refused or taken the same whichever way it is given. Beyond it (and for
/// a container that contains itself) the conversion stops before it recurses any further, so no
/// input can overflow the stack.
pub(crate) const MAX_DEPTH: usize = 127;

/// What a converted document is, for the error a too deep or cyclic one raises: the error of the
/// same document given as JSON text.
#[derive(Clone, Copy)]
pub(crate) enum Doc {
    /// A policy or a part of one: `PolicyError` 1201 `policy_syntax`.
    Policy,
    /// A request, or facts read like one: `RequestError` 1601 `request_syntax`.
    Request,
}

impl Doc {
    fn refuse(self, path: &str, message: String) -> PyErr {
        match self {
            Doc::Policy => raise(&amscore::PolicyError::Syntax { path: path.to_owned(), message }, Some(path)),
            Doc::Request => {
                raise(&amscore::gateway::RequestError::Syntax { path: path.to_owned(), message }, Some(path))
            }
        }
    }
}

/// A Python object as a JSON value: dicts, lists, str, int, float, bool, None, plus
/// `datetime.date` (ISO text), a naive `datetime.datetime` (the core's date-time text,
/// [`amscore::datetime_text`]), `decimal.Decimal` (its exact value as plain decimal text, see
/// [`decimal_text`]) and amscore's own value objects. Nesting deeper than [`MAX_DEPTH`] levels,
/// or a dict or list that contains itself, raises the error of `doc`.
pub(crate) fn to_value(obj: &Bound<'_, PyAny>, doc: Doc) -> PyResult<Value> {
    to_value_at(obj, "", doc)
}

/// [`to_value`] for a part of a document at `path` (an item of a list of requests).
pub(crate) fn to_value_at(obj: &Bound<'_, PyAny>, path: &str, doc: Doc) -> PyResult<Value> {
    let mut open = Vec::new();
    convert(obj, path, doc, &mut open)
}

/// Converts one value; `open` holds the containers being converted around it (outermost first),
/// with their paths: its depth, and the ancestors a cycle would lead back to.
fn convert(obj: &Bound<'_, PyAny>, path: &str, doc: Doc, open: &mut Vec<(usize, String)>) -> PyResult<Value> {
    if obj.is_none() {
        return Ok(Value::Null);
    }
    if let Ok(b) = obj.cast::<PyBool>() {
        return Ok(Value::Bool(b.is_true()));
    }
    if obj.is_instance_of::<PyInt>() {
        if let Ok(n) = obj.extract::<i64>() {
            return Ok(Value::from(n));
        }
        return obj.extract::<u64>().map(Value::from);
    }
    if let Ok(f) = obj.cast::<PyFloat>() {
        return Number::from_f64(f.value())
            .map(Value::Number)
            .ok_or_else(|| PyTypeError::new_err(format!("{}: {} is not a JSON number", show(path), f.value())));
    }
    if let Ok(s) = obj.cast::<PyString>() {
        return Ok(Value::String(s.to_cow()?.into_owned()));
    }
    let is_dict = obj.cast::<PyDict>().is_ok();
    if is_dict || obj.is_instance_of::<PyList>() || obj.is_instance_of::<PyTuple>() {
        let kind = type_name(obj);
        let id = obj.as_ptr() as usize;
        if let Some((_, outer)) = open.iter().find(|(open_id, _)| *open_id == id) {
            let back = if outer.is_empty() { "the top of the document".to_owned() } else { format!("`{outer}`") };
            return Err(doc.refuse(path, format!("this {kind} contains itself (a cycle back to {back})")));
        }
        if open.len() >= MAX_DEPTH {
            return Err(doc.refuse(
                path,
                format!("nested too deep: more than {MAX_DEPTH} levels of dicts and lists (JSON's recursion limit)"),
            ));
        }
        open.push((id, path.to_owned()));
        let value = if let Ok(d) = obj.cast::<PyDict>() {
            let mut map = Map::new();
            for (k, v) in d.iter() {
                let key: String =
                    k.extract().map_err(|_| PyTypeError::new_err(format!("{}: dict keys must be str", show(path))))?;
                let child = if path.is_empty() { key.clone() } else { format!("{path}.{key}") };
                map.insert(key, convert(&v, &child, doc, open)?);
            }
            Value::Object(map)
        } else {
            let mut items = Vec::new();
            for (i, v) in obj.try_iter()?.enumerate() {
                items.push(convert(&v?, &format!("{path}[{i}]"), doc, open)?);
            }
            Value::Array(items)
        };
        open.pop();
        return Ok(value);
    }
    if is_instance_of(obj, "datetime", "datetime")? {
        return datetime_text(obj, path).map(Value::String);
    }
    if is_instance_of(obj, "datetime", "date")? {
        return Ok(Value::String(extract_date(obj, &show(path))?.to_string()));
    }
    if is_instance_of(obj, "decimal", "Decimal")? {
        return decimal_text(obj).map(Value::String);
    }
    if obj.hasattr("to_json")? && obj.get_type().module()?.to_cow()?.starts_with("amscore") {
        let text: String = obj.call_method0("to_json")?.extract()?;
        return serde_json::from_str(&text).map_err(|e| PyTypeError::new_err(e.to_string()));
    }
    Err(PyTypeError::new_err(format!("{}: cannot convert {} to JSON", show(path), type_name(obj))))
}

fn show(path: &str) -> String {
    if path.is_empty() {
        "value".into()
    } else {
        path.to_owned()
    }
}

/// A JSON value as plain Python objects (dict, list, str, int, float, bool, None).
pub(crate) fn from_value<'py>(py: Python<'py>, value: &Value) -> PyResult<Bound<'py, PyAny>> {
    Ok(match value {
        Value::Null => py.None().into_bound(py),
        Value::Bool(b) => PyBool::new(py, *b).to_owned().into_any(),
        Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                i.into_pyobject(py)?.into_any()
            } else if let Some(u) = n.as_u64() {
                u.into_pyobject(py)?.into_any()
            } else {
                n.as_f64().unwrap_or(f64::NAN).into_pyobject(py)?.into_any()
            }
        }
        Value::String(s) => PyString::new(py, s).into_any(),
        Value::Array(items) => {
            let list = PyList::empty(py);
            for v in items {
                list.append(from_value(py, v)?)?;
            }
            list.into_any()
        }
        Value::Object(map) => {
            let dict = PyDict::new(py);
            for (k, v) in map {
                dict.set_item(k, from_value(py, v)?)?;
            }
            dict.into_any()
        }
    })
}
