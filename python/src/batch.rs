//! The columnar batch: a roster (or a table of prospective members, for their join quotes) given
//! as any Arrow table (an object with the Arrow PyCapsule stream interface, `__arrow_c_stream__`:
//! a `pyarrow.Table`, a polars frame; `amscore._batch` brings pandas frames and DuckDB relations
//! through pyarrow), read by `amscore_arrow` and answered by the core without the GIL, the result
//! columns handed back as a `pyarrow.Table` on the buffers Rust wrote. The stream hands over the input's buffers (`amscore_arrow` copies only
//! what the kernel cannot read as it is: `utf8_view` text, dictionary keys other than `int32`) and
//! `arrow_pyarrow` the result's. This file only converts; the reading of Arrow columns is
//! `amscore_arrow`'s, every answer the core's.

use amscore::{Column, RosterError};
use amscore_arrow::Error;
pub(crate) use amscore_arrow::RosterOptions;
use arrow_array::cast::AsArray;
use arrow_array::types::{
    Date64Type, TimestampMicrosecondType, TimestampMillisecondType, TimestampNanosecondType, TimestampSecondType,
};
use arrow_array::{Array, RecordBatch};
use arrow_pyarrow::{FromPyArrow, IntoPyArrow, Table, ToPyArrow};
use arrow_schema::{DataType, SchemaRef, TimeUnit};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;

use crate::errors::raise;

/// What the batch answers.
#[derive(Clone, Copy)]
pub(crate) enum Answer {
    /// A roster's result columns, one row per input row, in order.
    Rows(RosterOptions),
    /// A roster's renewal quotes' lines, one row per line of each member's quote.
    QuoteLines(RosterOptions),
    /// The join quote of every row of a table of prospective members
    /// ([`amscore_arrow::quote_joins`]): its result columns, or with `lines` every quote's lines.
    JoinQuotes {
        /// 0: every core; 1: the calling thread.
        threads: usize,
        /// The quotes' lines instead of the result columns.
        lines: bool,
    },
}

impl Answer {
    /// The Python name of the table read, for the messages naming its columns.
    fn source(self) -> &'static str {
        match self {
            Answer::Rows(_) | Answer::QuoteLines(_) => "roster",
            Answer::JoinQuotes { .. } => "table",
        }
    }
}

/// Reads `roster` (anything with `__arrow_c_stream__`), answers it without the GIL and returns
/// the answer as a `pyarrow.Table`: the result columns in one record batch per input batch, or
/// the quote lines in one.
///
/// # Errors
/// `RosterError` for a missing or duplicated column; `TypeError` for a column of a type the
/// batch does not read, or a date column with a time of day or a time zone; the stream's own
/// error when it cannot be read.
pub(crate) fn run<'py>(
    py: Python<'py>,
    engine: &amscore::Engine,
    roster: &Bound<'py, PyAny>,
    answer: Answer,
) -> PyResult<Bound<'py, PyAny>> {
    let (mut batches, schema) = Table::from_pyarrow_bound(roster)?.into_inner();
    if batches.is_empty() {
        // A stream of no batches still names its columns: one empty batch names the results'.
        batches.push(RecordBatch::new_empty(schema));
    }
    let out = py
        .detach(|| match answer {
            Answer::Rows(options) => amscore_arrow::assess_batches(engine, &batches, &options),
            Answer::QuoteLines(options) => {
                amscore_arrow::renewal_quote_lines(engine, &batches, &options).map(|b| vec![b])
            }
            Answer::JoinQuotes { threads, lines } => amscore_arrow::quote_joins(engine, &batches, threads, lines),
        })
        .map_err(|e| raise_arrow(&e, &batches, answer.source()))?;
    let Some(schema) = out.first().map(RecordBatch::schema) else {
        return Err(PyValueError::new_err("the batch answered no record batch"));
    };
    match answer {
        Answer::Rows(_) | Answer::JoinQuotes { lines: false, .. } => by_column(py, &out, &schema),
        _ => Table::try_new(out, schema).map_err(|e| PyValueError::new_err(e.to_string()))?.into_pyarrow(py),
    }
}

/// Result batches as a `pyarrow.Table` whose every column chunk is handed over on its own: a
/// column's buffers are then let go as soon as nothing holds that column (an exported record
/// batch is freed only once every one of its columns is), so that a conversion to pandas can
/// release each Arrow column once it is converted.
fn by_column<'py>(py: Python<'py>, batches: &[RecordBatch], schema: &SchemaRef) -> PyResult<Bound<'py, PyAny>> {
    let pa = py.import("pyarrow")?;
    let mut columns = Vec::with_capacity(schema.fields().len());
    for (i, field) in schema.fields().iter().enumerate() {
        let chunks = batches
            .iter()
            .map(|b| b.column(i).to_data().to_pyarrow(py))
            .collect::<PyResult<Vec<Bound<'py, PyAny>>>>()?;
        columns.push(pa.call_method1("chunked_array", (chunks, field.data_type().to_pyarrow(py)?))?);
    }
    let kwargs = pyo3::types::PyDict::new(py);
    kwargs.set_item("schema", schema.as_ref().to_pyarrow(py)?)?;
    pa.getattr("Table")?.call_method("from_arrays", (columns,), Some(&kwargs))
}

/// The Python exception of a table that cannot be read as a whole; `source` names the table in
/// the messages (`roster.term_end`).
fn raise_arrow(err: &Error, batches: &[RecordBatch], source: &str) -> PyErr {
    match err {
        Error::Roster(e) => {
            let path = match e {
                RosterError::MissingColumn { column }
                | RosterError::DuplicateColumn { column }
                | RosterError::ColumnLength { column, .. } => Some(column.as_str()),
                _ => None,
            };
            raise(e, path)
        }
        Error::UnsupportedType { column, data_type: data_type @ DataType::Timestamp(_, Some(_)), .. } => {
            PyTypeError::new_err(format!("{source}.{column}: dates have no time zone; got {}", type_name(data_type)))
        }
        Error::UnsupportedType { column, data_type, .. }
            if data_type.is_floating() && matches!(Column::named(column), Some(Column::AmountPaid | Column::BalanceDue)) =>
        {
            PyTypeError::new_err(format!(
                "{source}.{column}: float is not an exact amount; use decimal.Decimal, int or decimal text such as \"12.50\""
            ))
        }
        Error::UnsupportedType { column, data_type, expected: expected @ "whole number" } if data_type.is_floating() => {
            PyTypeError::new_err(format!(
                "{source}.{column}: expected {} column, got {} (a pandas integer column with missing values is \
                 float64 unless its dtype is Int64)",
                article(expected),
                type_name(data_type)
            ))
        }
        Error::UnsupportedType { column, data_type, expected } => PyTypeError::new_err(format!(
            "{source}.{column}: expected {} column, got {}",
            article(expected),
            type_name(data_type)
        )),
        Error::TimeOfDay { column, row } => {
            let seen = moment(batches, column, *row).map(|m| format!(" ({m})")).unwrap_or_default();
            PyTypeError::new_err(format!(
                "{source}.{column}: row {row}: expected a date, got a datetime with a time of day{seen}"
            ))
        }
        other => PyValueError::new_err(other.to_string()),
    }
}

/// `a date`, `an amount`: what a column holds, with its article.
fn article(expected: &str) -> String {
    match expected.chars().next() {
        Some('a' | 'e' | 'i' | 'o' | 'u') => format!("an {expected}"),
        _ => format!("a {expected}"),
    }
}

/// Row `row` (counted across the batches) of a timestamp or `date64` column, as Python writes a
/// datetime (`2025-01-01 10:30:00`).
fn moment(batches: &[RecordBatch], column: &str, mut row: usize) -> Option<String> {
    for batch in batches {
        if row < batch.num_rows() {
            return datetime(batch.column_by_name(column)?.as_ref(), row);
        }
        row -= batch.num_rows();
    }
    None
}

/// Value `i` of a timestamp or `date64` array as a date and time.
fn datetime(array: &dyn Array, i: usize) -> Option<String> {
    let at = match array.data_type() {
        DataType::Timestamp(TimeUnit::Second, _) => array.as_primitive::<TimestampSecondType>().value_as_datetime(i),
        DataType::Timestamp(TimeUnit::Millisecond, _) => {
            array.as_primitive::<TimestampMillisecondType>().value_as_datetime(i)
        }
        DataType::Timestamp(TimeUnit::Microsecond, _) => {
            array.as_primitive::<TimestampMicrosecondType>().value_as_datetime(i)
        }
        DataType::Timestamp(TimeUnit::Nanosecond, _) => {
            array.as_primitive::<TimestampNanosecondType>().value_as_datetime(i)
        }
        DataType::Date64 => array.as_primitive::<Date64Type>().value_as_datetime(i),
        _ => None,
    };
    at.map(|t| t.to_string())
}

/// An Arrow type as pyarrow names it (`timestamp[ns, tz=Europe/Paris]`, `double`), the name
/// Python users see; other types as arrow-rs writes them.
fn type_name(data_type: &DataType) -> String {
    match data_type {
        DataType::Float16 => "halffloat".into(),
        DataType::Float32 => "float".into(),
        DataType::Float64 => "double".into(),
        DataType::Timestamp(unit, tz) => {
            let unit = match unit {
                TimeUnit::Second => "s",
                TimeUnit::Millisecond => "ms",
                TimeUnit::Microsecond => "us",
                TimeUnit::Nanosecond => "ns",
            };
            match tz {
                Some(tz) => format!("timestamp[{unit}, tz={tz}]"),
                None => format!("timestamp[{unit}]"),
            }
        }
        other => other.to_string(),
    }
}
