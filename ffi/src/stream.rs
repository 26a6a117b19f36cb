//! A whole roster in one call: an Arrow C stream of member rows in, the same rows with their
//! answers appended out (`ams_engine_assess_stream`).

use std::ffi::{c_char, c_void, CStr};
use std::sync::Arc;

use amscore_arrow::RosterOptions;
use arrow_array::ffi::{from_ffi_and_data_type, FFI_ArrowArray, FFI_ArrowSchema};
use arrow_array::ffi_stream::FFI_ArrowArrayStream;
use arrow_array::{RecordBatch, RecordBatchIterator, RecordBatchOptions, StructArray};
use arrow_schema::{ArrowError, DataType, Schema, SchemaRef};

use crate::{ams_date, ams_engine, ams_result, deref, guard, out_ptr, Failure};

/// A failure of the conversion between Arrow and the roster: the roster's error with its code, or
/// (for the conversion's own errors, which have none) `AMS_RESULT_INVALID_ARROW`.
fn arrow_failure(err: &amscore_arrow::Error) -> Failure {
    let result =
        err.code().map_or(ams_result::InvalidArrow, |c| ams_result::from_code(c).unwrap_or(ams_result::UnmappedError));
    Failure::new(result, err.to_string()).at("roster")
}

/// A roster stream that fails, or gives what is not valid Arrow.
fn invalid_stream(message: String) -> Failure {
    Failure::new(ams_result::InvalidArrow, message).at("roster")
}

/// An Arrow error of the roster stream's schema or arrays.
fn invalid_arrow(err: ArrowError) -> Failure {
    invalid_stream(format!("roster: {err}"))
}

/// The failure of the roster stream's `get_schema` or `get_next`, which answered `rc`.
fn failed_callback(stream: &mut FFI_ArrowArrayStream, operation: &str, rc: i32) -> Failure {
    let detail = stream.get_last_error.and_then(|last_error| {
        // SAFETY: the stream is live (not released); the C stream interface allows this call right
        // after a failed operation, and the string it returns lives until the next call.
        let text = unsafe { last_error(stream) };
        // SAFETY: non-NULL: a NUL-terminated string, as the interface says.
        (!text.is_null()).then(|| unsafe { CStr::from_ptr(text) }.to_string_lossy().into_owned())
    });
    invalid_stream(match detail {
        Some(detail) => format!("roster: the stream's {operation} failed with {rc}: {detail}"),
        None => format!("roster: the stream's {operation} failed with {rc}"),
    })
}

/// The C Data Interface's `ArrowSchema` as the specification lays it out (arrow-rs's
/// `FFI_ArrowSchema` has this layout but keeps its pointers private, and its accessors assert on
/// them): read only to check a producer's schema before arrow-rs imports it.
#[repr(C)]
struct RawSchema {
    format: *const c_char,
    name: *const c_char,
    metadata: *const c_char,
    flags: i64,
    n_children: i64,
    children: *const *const RawSchema,
    dictionary: *const RawSchema,
    release: Option<unsafe extern "C" fn(*mut RawSchema)>,
    private_data: *mut c_void,
}

/// The C Data Interface's `ArrowArray`, likewise (arrow-rs's `FFI_ArrowArray`).
#[repr(C)]
struct RawArray {
    length: i64,
    null_count: i64,
    offset: i64,
    n_buffers: i64,
    n_children: i64,
    buffers: *const *const c_void,
    children: *const *const RawArray,
    dictionary: *const RawArray,
    release: Option<unsafe extern "C" fn(*mut RawArray)>,
    private_data: *mut c_void,
}

/// How deep a producer's schema or array may nest: a roster's columns are flat, and a cycle of
/// children must end in an error, not a stack overflow.
const MAX_NESTING: usize = 64;

/// The children of a schema or an array: `n` pointers at `children`, each non-NULL.
///
/// # Safety
/// `children`, when not NULL, must be valid for reading `n` pointers (the producer's promise).
unsafe fn raw_children<'a, T>(children: *const *const T, n: i64, at: &str) -> Result<Vec<&'a T>, String> {
    let n = usize::try_from(n).map_err(|_| format!("{at} has {n} children"))?;
    if n == 0 {
        return Ok(Vec::new());
    }
    if children.is_null() {
        return Err(format!("{at} has {n} children and a NULL children pointer"));
    }
    (0..n)
        .map(|i| {
            // SAFETY: the producer's promise: `n` readable pointers.
            let child = unsafe { children.add(i).read_unaligned() };
            // SAFETY: non-NULL children point to live structs (the producer's promise).
            unsafe { child.as_ref() }.ok_or_else(|| format!("{at}: child {i} is NULL"))
        })
        .collect()
}

/// Checks the pointers of a producer's schema that arrow-rs's import reads without checking
/// (a NULL format) or asserts on (children): the answer is an error, never a panic.
fn check_schema(schema: &RawSchema, at: &str, depth: usize) -> Result<(), String> {
    if depth > MAX_NESTING {
        return Err(format!("{at} nests deeper than {MAX_NESTING} levels"));
    }
    if schema.format.is_null() {
        return Err(format!("{at} has a NULL format"));
    }
    // SAFETY: the producer's promise about a live schema's children.
    for (i, child) in unsafe { raw_children(schema.children, schema.n_children, at) }?.into_iter().enumerate() {
        check_schema(child, &format!("{at}'s child {i}"), depth + 1)?;
    }
    // SAFETY: a non-NULL dictionary points to a live schema (the producer's promise).
    if let Some(dictionary) = unsafe { schema.dictionary.as_ref() } {
        check_schema(dictionary, &format!("{at} (dictionary)"), depth + 1)?;
    }
    Ok(())
}

/// Checks an array against its type where arrow-rs's import asserts or reads past what the
/// producer gave: a negative length or offset, the buffers the type's layout has (the validity
/// bitmap's slot included), the children the type has, and a dictionary's values; each child
/// (named `at.field`) and dictionary in turn. What the buffers hold is checked after the import (`validate_full`).
fn check_array(array: &RawArray, data_type: &DataType, at: &str, depth: usize) -> Result<(), String> {
    if depth > MAX_NESTING {
        return Err(format!("{at} nests deeper than {MAX_NESTING} levels"));
    }
    if array.length < 0 || array.offset < 0 {
        return Err(format!("{at} has length {} and offset {}", array.length, array.offset));
    }
    let layout = arrow_data::layout(data_type);
    let buffers = usize::from(layout.can_contain_null_mask) + layout.buffers.len();
    let given = usize::try_from(array.n_buffers).map_err(|_| format!("{at} has {} buffers", array.n_buffers))?;
    // A view type's buffers: validity, views, any number of data buffers, then their lengths.
    let (fits, wanted) = match layout.variadic {
        true => (given > buffers, format!("at least {}", buffers + 1)),
        false => (given == buffers, buffers.to_string()),
    };
    if !fits {
        return Err(format!("{at} ({data_type}) has {given} buffers, not {wanted}"));
    }
    if given > 0 && array.buffers.is_null() {
        return Err(format!("{at} has {given} buffers and a NULL buffers pointer"));
    }
    if layout.variadic && given > buffers + 1 {
        // SAFETY: `given` readable pointers (the producer's promise); the last holds the lengths.
        if unsafe { array.buffers.add(given - 1).read_unaligned() }.is_null() {
            return Err(format!("{at} has {} data buffers and no lengths", given - buffers - 1));
        }
    }
    let fields: Vec<&arrow_schema::Field> = match data_type {
        DataType::List(f)
        | DataType::LargeList(f)
        | DataType::FixedSizeList(f, _)
        | DataType::ListView(f)
        | DataType::LargeListView(f)
        | DataType::Map(f, _) => vec![f.as_ref()],
        DataType::Struct(fields) => fields.iter().map(|f| f.as_ref()).collect(),
        DataType::Union(fields, _) => fields.iter().map(|(_, f)| f.as_ref()).collect(),
        DataType::RunEndEncoded(run_ends, values) => vec![run_ends.as_ref(), values.as_ref()],
        _ => Vec::new(),
    };
    if usize::try_from(array.n_children).ok() != Some(fields.len()) {
        return Err(format!("{at} ({data_type}) has {} children, not {}", array.n_children, fields.len()));
    }
    // SAFETY: the producer's promise about a live array's children.
    let children = unsafe { raw_children(array.children, array.n_children, at) }?;
    for (child, field) in children.into_iter().zip(fields) {
        check_array(child, field.data_type(), &format!("{at}.{}", field.name()), depth + 1)?;
    }
    // SAFETY: a non-NULL dictionary points to a live array (the producer's promise).
    match (unsafe { array.dictionary.as_ref() }, data_type) {
        (Some(values), DataType::Dictionary(_, value_type)) => {
            check_array(values, value_type, &format!("{at} (dictionary)"), depth + 1)
        }
        (None, DataType::Dictionary(..)) => Err(format!("{at} ({data_type}) has no dictionary")),
        (Some(_), _) => Err(format!("{at} ({data_type}) has a dictionary")),
        (None, _) => Ok(()),
    }
}

/// Reads every batch of a live stream, each imported and validated by arrow-rs. (arrow-rs's own
/// `ArrowArrayStreamReader` is not used: it unwraps the `get_last_error` of a failed `get_next`,
/// which the interface allows to be NULL, and so would panic on a producer's plain error.)
fn read_roster(stream: &mut FFI_ArrowArrayStream) -> Result<(SchemaRef, Vec<RecordBatch>), Failure> {
    let (Some(get_schema), Some(get_next)) = (stream.get_schema, stream.get_next) else {
        return Err(
            Failure::new(ams_result::InvalidParameter, "roster: the stream has no get_schema or get_next").at("roster")
        );
    };
    let mut c_schema = FFI_ArrowSchema::empty();
    // SAFETY: a live stream's callback, given a schema to fill.
    let rc = unsafe { get_schema(stream, &mut c_schema) };
    if rc != 0 {
        return Err(failed_callback(stream, "get_schema", rc));
    }
    // SAFETY: `FFI_ArrowSchema` is the C struct, laid out as `RawSchema`.
    let raw = unsafe { &*(&c_schema as *const FFI_ArrowSchema).cast::<RawSchema>() };
    check_schema(raw, "roster: the schema", 0).map_err(invalid_stream)?;
    let schema = Arc::new(Schema::try_from(&c_schema).map_err(invalid_arrow)?);
    drop(c_schema);
    let row_type = DataType::Struct(schema.fields().clone());
    let mut batches = Vec::new();
    loop {
        let mut c_array = FFI_ArrowArray::empty();
        // SAFETY: a live stream's callback, given an array to fill.
        let rc = unsafe { get_next(stream, &mut c_array) };
        if rc != 0 {
            return Err(failed_callback(stream, "get_next", rc));
        }
        if c_array.is_released() {
            return Ok((schema, batches));
        }
        if c_array.num_children() != schema.fields().len() {
            let message = format!(
                "roster: a batch of {} columns in a stream of {}",
                c_array.num_children(),
                schema.fields().len()
            );
            return Err(invalid_stream(message));
        }
        let name = format!("roster: batch {}", batches.len() + 1);
        // SAFETY: `FFI_ArrowArray` is the C struct, laid out as `RawArray`.
        let raw = unsafe { &*(&c_array as *const FFI_ArrowArray).cast::<RawArray>() };
        check_array(raw, &row_type, &name, 0).map_err(invalid_stream)?;
        // SAFETY: the producer promises an array of the stream's schema (its shape is checked
        // above, its values below, before any is read).
        let data = unsafe { from_ffi_and_data_type(c_array, row_type.clone()) }.map_err(invalid_arrow)?;
        data.validate_full().map_err(invalid_arrow)?;
        let rows = data.len();
        let (_, columns, _) = StructArray::from(data).into_parts();
        let options = RecordBatchOptions::new().with_row_count(Some(rows));
        batches.push(RecordBatch::try_new_with_options(schema.clone(), columns, &options).map_err(invalid_arrow)?);
    }
}

/// Assesses a whole roster in one call through the Arrow C stream interface: reads every batch of
/// `roster` (a struct of the roster's columns, such as `member_id`, `plan`, `member_since`,
/// `term_start`, `term_end` as `utf8` and `date32`; a member's rows may be in different
/// batches), assesses every member on `date` for a renewal of `terms` terms (with `decide`, also
/// the online decision on renewing that day) on `threads` threads (0: every core; 1: the calling
/// thread), and writes to `stream_out` a stream of the same batches, in order, each with the
/// answer columns appended (a same-named input column is replaced): `status`,
/// `counts_as_member`, `renewal_kind`, `renewal_plan`, `renewal_start`, `renewal_end`,
/// `renewal_member_since`, `renewal_refusal`, `renewal_refused_until`, `quote_total`,
/// `quote_currency`, `quote_error`, `error_code`, `error_name`, `error_message`, `current_term`,
/// and with `decide` `route` and `reasons`. Every member's answer is `ams_engine_assess`'s on the
/// facts of their current term, written on each of their rows; a bad row gets its
/// `error_code` and the other rows are still answered.
///
/// The call takes `roster` (the interface's move): when it returns, successful or not, `roster`
/// is released (its `release` is NULL), so the caller's usual
/// `if (roster.release) roster.release(&roster);` does nothing. On success `stream_out` holds a
/// new stream, whatever it held before: the caller releases it (and each array it gives) once
/// done. The output owns its data and does not borrow the engine.
///
/// # Safety
/// `engine` must come from `ams_engine_new_*`; `roster` must point to an `ArrowArrayStream` that
/// is live or released (a producer's stream, as the C stream interface defines it), and
/// `stream_out` must be valid for writing an `ArrowArrayStream`.
///
/// # Errors
/// `AMS_RESULT_NULL_PARAMETER`; `AMS_RESULT_INVALID_PARAMETER` for a released stream (or one
/// without its callbacks); `AMS_RESULT_INVALID_DATE`; a roster error (1500 block) for the roster as
/// a whole, such as `AMS_RESULT_MISSING_COLUMN`; `AMS_RESULT_INVALID_ARROW` for a stream whose
/// `get_schema` or `get_next` fails (its `get_last_error` is in the message), a batch that is not
/// valid Arrow or not of the stream's schema, a column of a type amscore does not read there, or
/// a date with a time of day. A row's problem is not an error: it is that row's answer.
#[no_mangle]
pub unsafe extern "C" fn ams_engine_assess_stream(
    engine: *const ams_engine,
    roster: *mut FFI_ArrowArrayStream,
    date: ams_date,
    terms: u32,
    decide: bool,
    threads: u32,
    stream_out: *mut FFI_ArrowArrayStream,
) -> ams_result {
    guard(|| {
        if roster.is_null() {
            return Err(Failure::null("roster"));
        }
        // SAFETY: the caller's contract. The stream is moved out (`*roster` is left released), so
        // that it is released on every return, a panic's included, when `stream` drops.
        let mut stream = unsafe { FFI_ArrowArrayStream::from_raw(roster) };
        // SAFETY: the caller's contract.
        let engine = unsafe { deref(engine, "engine") }?;
        let stream_out = out_ptr(stream_out, "stream_out")?;
        if stream.release.is_none() {
            return Err(Failure::new(ams_result::InvalidParameter, "roster: the stream is released").at("roster"));
        }
        let options = RosterOptions {
            date: date.to_date("date")?,
            terms,
            decide,
            threads: usize::try_from(threads).unwrap_or(0),
        };
        let (schema, batches) = read_roster(&mut stream)?;
        drop(stream);
        // An empty roster still gets the answer columns in its schema, learnt from an empty batch.
        let empty = batches.is_empty();
        let input = if empty { vec![RecordBatch::new_empty(schema)] } else { batches };
        let results = amscore_arrow::assess_batches(&engine.engine, &input, &options).map_err(|e| arrow_failure(&e))?;
        if results.len() != input.len() {
            let message = format!("{} batches of answers for {} batches of rows", results.len(), input.len());
            return Err(Failure::new(ams_result::Panic, message));
        }
        let output = input
            .iter()
            .zip(&results)
            .map(|(batch, answers)| amscore_arrow::with_results(batch, answers))
            .collect::<Result<Vec<RecordBatch>, _>>()
            .map_err(|e| arrow_failure(&e))?;
        let out_schema = output[0].schema();
        let output = if empty { Vec::new() } else { output };
        let reader = RecordBatchIterator::new(output.into_iter().map(Ok), out_schema);
        // SAFETY: checked non-NULL; the caller's contract. `write` does not read what was there.
        unsafe { stream_out.write(FFI_ArrowArrayStream::new(Box::new(reader))) };
        Ok(())
    })
}
