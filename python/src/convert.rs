//! Conversions between Python objects and the core's values: JSON documents, dates, decimals.

use pyo3::exceptions::{PyOverflowError, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple};
use rust_decimal::Decimal;
use serde_json::{Map, Number, Value};
use time::Date;

fn is_instance_of(obj: &Bound<'_, PyAny>, module: &str, class: &str) -> PyResult<bool> {
    let cls = obj.py().import(module)?.getattr(class)?;
    obj.is_instance(&cls)
}

fn type_name(obj: &Bound<'_, PyAny>) -> String {
    obj.get_type().name().map(|n| n.to_string()).unwrap_or_else(|_| "?".into())
}

/// A `datetime.date` (refusing `datetime.datetime`, which is a subclass, and anything else).
pub(crate) fn extract_date(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<Date> {
    if is_instance_of(obj, "datetime", "datetime")? {
        return Err(PyTypeError::new_err(format!(
            "{what}: expected datetime.date, got datetime.datetime (amscore dates have no time of day; pass .date())"
        )));
    }
    if !is_instance_of(obj, "datetime", "date")? {
        return Err(PyTypeError::new_err(format!("{what}: expected datetime.date, got {}", type_name(obj))));
    }
    obj.extract::<Date>()
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
    /// Text for the core to parse (and refuse with its own error).
    Text(String),
}

/// Reads an amount, refusing floats with a clear `TypeError`.
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
        if !obj.call_method0("is_finite")?.extract::<bool>()? {
            // NaN and infinities are no amount: the core refuses their text with its own error.
            return Ok(Amount::Text(obj.str()?.to_cow()?.into_owned()));
        }
        return obj.extract::<Decimal>().map(Amount::Exact);
    }
    Err(PyTypeError::new_err(format!("{what}: expected decimal.Decimal, int or str, got {}", type_name(obj))))
}

/// A Python object as a JSON value: dicts, lists, str, int, float, bool, None, plus
/// `datetime.date` (ISO text), `decimal.Decimal` (text) and amscore's own value objects.
pub(crate) fn to_value(obj: &Bound<'_, PyAny>, path: &str) -> PyResult<Value> {
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
    if let Ok(d) = obj.cast::<PyDict>() {
        let mut map = Map::new();
        for (k, v) in d.iter() {
            let key: String =
                k.extract().map_err(|_| PyTypeError::new_err(format!("{}: dict keys must be str", show(path))))?;
            let child = if path.is_empty() { key.clone() } else { format!("{path}.{key}") };
            map.insert(key, to_value(&v, &child)?);
        }
        return Ok(Value::Object(map));
    }
    if obj.is_instance_of::<PyList>() || obj.is_instance_of::<PyTuple>() {
        let mut items = Vec::new();
        for (i, v) in obj.try_iter()?.enumerate() {
            items.push(to_value(&v?, &format!("{path}[{i}]"))?);
        }
        return Ok(Value::Array(items));
    }
    if is_instance_of(obj, "datetime", "date")? {
        return Ok(Value::String(extract_date(obj, &show(path))?.to_string()));
    }
    if is_instance_of(obj, "decimal", "Decimal")? {
        return Ok(Value::String(obj.str()?.to_cow()?.into_owned()));
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
