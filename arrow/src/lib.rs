//! Arrow tables in and out of amscore's roster kernel: the one conversion the Python module and
//! the C API share.
//!
//! A roster arrives as Arrow record batches (from pyarrow, pandas, polars or DuckDB through the
//! PyCapsule interface, or from a C `ArrowArrayStream`). [`assess_batches`] lends each batch's
//! buffers to [`Engine::assess_roster`] without copying them where the type allows (`date32`
//! days, `utf8`/`large_utf8` strings, dictionaries with `int32` keys, booleans, `decimal128`),
//! converts the few that the kernel does not read as they are (`utf8_view`, other dictionary
//! keys, integer flags), and writes the kernel's answers straight into the result columns as each
//! chunk is answered (an [`amscore::kernel::AnswerSink`]), so that the roster's answers are never
//! all held at once. Every rule is the core's; this crate only converts.

use std::sync::Arc;

use amscore::kernel::{
    Amounts, Answer, AnswerSink, Bools, Dates, MemberColumns, RosterNotes, Strings, Text, Validity, EPOCH_JULIAN_DAY,
};
use amscore::{Column, Engine, ErrorCode, RenewalKind, RosterError, Route, Status};
use arrow_array::builder::StringBuilder;
use arrow_array::cast::AsArray;
use arrow_array::types::{Int16Type, Int32Type, Int8Type};
use arrow_array::{
    Array, ArrayRef, BooleanArray, Date32Array, Decimal128Array, DictionaryArray, Int16Array, Int32Array, Int8Array,
    RecordBatch, StringArray,
};
use arrow_buffer::{BooleanBuffer, NullBuffer};
use arrow_schema::{ArrowError, DataType, Field, Schema, SchemaRef, TimeUnit};
use rayon::prelude::*;

pub use amscore::kernel::RosterOptions;

/// Why a roster given as Arrow batches cannot be assessed (a row's problem is never an error:
/// it is that row's answer).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The roster as a whole: a missing or duplicated required column, a column of the wrong
    /// length.
    #[error(transparent)]
    Roster(#[from] RosterError),
    /// A column of a type amscore does not read there (binary floating point for an amount, a
    /// time-zoned timestamp for a date, ...).
    #[error("column `{column}` is {data_type}, which amscore does not read as a {expected}")]
    UnsupportedType {
        /// The column.
        column: String,
        /// Its type.
        data_type: DataType,
        /// What the column holds.
        expected: &'static str,
    },
    /// A date column whose timestamp is not at midnight.
    #[error("column `{column}` row {row} has a time of day: a date column holds dates")]
    TimeOfDay {
        /// The column.
        column: String,
        /// The row (0-based, across batches).
        row: usize,
    },
    /// Arrow refused to build a result column.
    #[error(transparent)]
    Arrow(#[from] ArrowError),
}

impl Error {
    /// The stable code of the roster's error, `None` for an error of the conversion itself.
    pub fn code(&self) -> Option<u32> {
        match self {
            Error::Roster(e) => Some(e.code()),
            _ => None,
        }
    }
}

/// The names of the result columns, in order; with `decide`, `route` and `reasons` follow.
pub const RESULT_COLUMNS: [&str; 16] = [
    "status",
    "counts_as_member",
    "renewal_kind",
    "renewal_plan",
    "renewal_start",
    "renewal_end",
    "renewal_member_since",
    "renewal_refusal",
    "renewal_refused_until",
    "quote_total",
    "quote_currency",
    "quote_error",
    "error_code",
    "error_name",
    "error_message",
    "current_term",
];

/// The result columns of the online decision.
pub const DECISION_COLUMNS: [&str; 2] = ["route", "reasons"];

/// The columns of [`renewal_quote_lines`]' long table.
pub const QUOTE_LINE_COLUMNS: [&str; 5] = ["member_id", "kind", "description", "amount", "currency"];

/// The columns of a join table ([`quote_joins`]), the required ones first.
pub const JOIN_COLUMNS: [&str; 4] = ["plan", "join_date", "terms", "seats"];

/// The columns of [`quote_joins`]' long table of lines.
pub const JOIN_LINE_COLUMNS: [&str; 5] = ["row", "kind", "description", "amount", "currency"];

/// What a column holds, for reading it.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Text,
    Date,
    Flag,
    Amount,
}

fn kind(column: Column) -> Kind {
    match column {
        Column::MemberSince
        | Column::TermStart
        | Column::TermEnd
        | Column::CancelledOn
        | Column::DeceasedOn
        | Column::OverrideUntil
        | Column::PauseFrom
        | Column::PauseTo => Kind::Date,
        Column::Pending | Column::AutoRenew | Column::RenewalPending | Column::TaxExempt => Kind::Flag,
        Column::AmountPaid | Column::BalanceDue => Kind::Amount,
        Column::MemberId
        | Column::Plan
        | Column::OverrideStatus
        | Column::Currency
        | Column::Organization
        | Column::Primary => Kind::Text,
    }
}

/// A column ready for the kernel: the batch's own array, or a conversion of it that the kernel
/// reads as it is.
struct Ready {
    array: ArrayRef,
    /// For a dictionary: its values, as `utf8` or `large_utf8`.
    values: Option<ArrayRef>,
}

/// Where each result column's rows come from: the batches' columns, read for the kernel.
struct Roster {
    batches: Vec<Vec<(Column, Ready)>>,
    rows: Vec<usize>,
}

fn validity(nulls: Option<&NullBuffer>) -> Option<Validity<'_>> {
    nulls.map(|n| Validity::new(n.buffer().as_slice(), n.offset()))
}

fn strings(array: &dyn Array) -> Option<Strings<'_>> {
    if let Some(a) = array.as_string_opt::<i32>() {
        return Some(Strings::Utf8 { offsets: a.value_offsets(), data: a.values() });
    }
    array.as_string_opt::<i64>().map(|a| Strings::LargeUtf8 { offsets: a.value_offsets(), data: a.values() })
}

fn text(r: &Ready) -> Text<'_> {
    let a = r.array.as_ref();
    if let (Some(values), Some(d)) = (&r.values, a.as_dictionary_opt::<Int32Type>()) {
        if let Some(values) = strings(values.as_ref()) {
            return Text::Dictionary { keys: d.keys().values(), valid: validity(d.nulls()), values };
        }
    }
    match strings(a) {
        Some(values) => Text::Plain { values, valid: validity(a.nulls()) },
        None => Text::Absent,
    }
}

/// Ticks a day of a timestamp unit.
fn per_day(unit: TimeUnit) -> i64 {
    match unit {
        TimeUnit::Second => 86_400,
        TimeUnit::Millisecond => 86_400_000,
        TimeUnit::Microsecond => 86_400_000_000,
        TimeUnit::Nanosecond => 86_400_000_000_000,
    }
}

fn dates(r: &Ready) -> Dates<'_> {
    let a = r.array.as_ref();
    match a.data_type() {
        DataType::Date32 => {
            let d = a.as_primitive::<arrow_array::types::Date32Type>();
            Dates::Days { days: d.values(), valid: validity(d.nulls()) }
        }
        DataType::Date64 => {
            let d = a.as_primitive::<arrow_array::types::Date64Type>();
            Dates::Ticks { ticks: d.values(), per_day: per_day(TimeUnit::Millisecond), valid: validity(d.nulls()) }
        }
        DataType::Timestamp(unit, None) => {
            let ticks: &[i64] = match unit {
                TimeUnit::Second => a.as_primitive::<arrow_array::types::TimestampSecondType>().values(),
                TimeUnit::Millisecond => a.as_primitive::<arrow_array::types::TimestampMillisecondType>().values(),
                TimeUnit::Microsecond => a.as_primitive::<arrow_array::types::TimestampMicrosecondType>().values(),
                TimeUnit::Nanosecond => a.as_primitive::<arrow_array::types::TimestampNanosecondType>().values(),
            };
            Dates::Ticks { ticks, per_day: per_day(*unit), valid: validity(a.nulls()) }
        }
        _ => Dates::Text(text(r)),
    }
}

fn bools(r: &Ready) -> Bools<'_> {
    let a = r.array.as_ref();
    match a.as_boolean_opt() {
        Some(b) => Bools::Bits {
            values: Validity::new(b.values().values(), b.values().offset()),
            rows: b.len(),
            valid: validity(b.nulls()),
        },
        None => Bools::Text(text(r)),
    }
}

fn amounts(r: &Ready) -> Amounts<'_> {
    let a = r.array.as_ref();
    match a.data_type() {
        DataType::Decimal128(_, scale) => {
            let d = a.as_primitive::<arrow_array::types::Decimal128Type>();
            Amounts::Decimal128 {
                values: d.values(),
                scale: u32::try_from(*scale).unwrap_or(0),
                valid: validity(d.nulls()),
            }
        }
        _ => Amounts::Text(text(r)),
    }
}

/// Text of any Arrow string layout, as `utf8` or `large_utf8` (a `utf8_view` is copied).
fn as_strings(column: &str, array: &ArrayRef, expected: &'static str) -> Result<ArrayRef, Error> {
    match array.data_type() {
        DataType::Utf8 | DataType::LargeUtf8 => Ok(array.clone()),
        DataType::Utf8View => Ok(Arc::new(array.as_string_view().iter().collect::<StringArray>())),
        DataType::Null => Ok(Arc::new(StringArray::new_null(array.len()))),
        other => Err(Error::UnsupportedType { column: column.to_owned(), data_type: other.clone(), expected }),
    }
}

/// `$body` with `$t` the Arrow type of the integer type `$data_type` (one of the eight), else
/// `$fallback` (`$other` bound to the type).
macro_rules! by_integer_type {
    ($data_type:expr, $t:ident => $body:expr, $other:pat => $fallback:expr) => {
        by_integer_type!(@each $data_type, $t, $body, $other, $fallback,
            Int8 Int8Type, Int16 Int16Type, Int32 Int32Type, Int64 Int64Type,
            UInt8 UInt8Type, UInt16 UInt16Type, UInt32 UInt32Type, UInt64 UInt64Type)
    };
    (@each $data_type:expr, $t:ident, $body:expr, $other:pat, $fallback:expr, $($variant:ident $arrow:ident),*) => {{
        match $data_type {
            $(DataType::$variant => {
                type $t = arrow_array::types::$arrow;
                $body
            })*
            $other => $fallback,
        }
    }};
}

/// A dictionary as `dictionary<int32, utf8 | large_utf8>` (its keys converted when they are of
/// another width).
fn as_dictionary(
    column: &str,
    array: &ArrayRef,
    expected: &'static str,
) -> Result<Option<(ArrayRef, ArrayRef)>, Error> {
    let DataType::Dictionary(key, _) = array.data_type() else {
        return Ok(None);
    };
    let any = array.as_any_dictionary();
    let values = as_strings(column, any.values(), expected)?;
    // Keys of another width widened in one pass of their own type (a pandas categorical's are
    // int8); a key beyond i32 reads as -1, which the kernel reads as null.
    let keys: Int32Array = match **key {
        DataType::Int32 => array.as_dictionary::<Int32Type>().keys().clone(),
        ref other => by_integer_type!(other, K => {
            let keys = array.as_dictionary::<K>().keys();
            // One conversion for every key type (infallible for the narrower ones).
            #[allow(clippy::unnecessary_fallible_conversions, clippy::useless_conversion)]
            let wide: Vec<i32> = keys.values().iter().map(|k| i32::try_from(*k).unwrap_or(-1)).collect();
            Int32Array::new(wide.into(), keys.nulls().cloned())
        }, _ => {
            // Not a key type Arrow allows.
            return Err(Error::UnsupportedType {
                column: column.to_owned(),
                data_type: array.data_type().clone(),
                expected,
            });
        }),
    };
    let dict = DictionaryArray::<Int32Type>::try_new(keys, values.clone())?;
    Ok(Some((Arc::new(dict), values)))
}

/// Reads one column of a batch for the kernel.
fn ready(name: &str, k: Kind, array: &ArrayRef, first_row: usize) -> Result<Ready, Error> {
    let expected = match k {
        Kind::Text => "text",
        Kind::Date => "date",
        Kind::Flag => "yes/no value",
        Kind::Amount => "decimal amount",
    };
    if let Some((array, values)) = as_dictionary(name, array, expected)? {
        return Ok(Ready { array, values: Some(values) });
    }
    let unsupported =
        || Error::UnsupportedType { column: name.to_owned(), data_type: array.data_type().clone(), expected };
    let array = match (k, array.data_type()) {
        (_, DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View | DataType::Null) => {
            as_strings(name, array, expected)?
        }
        (Kind::Date, DataType::Date32 | DataType::Date64) => array.clone(),
        (Kind::Date, DataType::Timestamp(_, None)) => {
            let r = Ready { array: array.clone(), values: None };
            if let Dates::Ticks { ticks, per_day, valid } = dates(&r) {
                let not_midnight =
                    |(i, t): (usize, &i64)| valid.is_none_or(|v| v.is_valid(i)) && t.rem_euclid(per_day) != 0;
                if let Some(row) = ticks.iter().enumerate().position(not_midnight) {
                    return Err(Error::TimeOfDay { column: name.to_owned(), row: first_row + row });
                }
            }
            r.array
        }
        (Kind::Flag, DataType::Boolean) => array.clone(),
        // Integer flags as the text the flag grammar reads (1/0; any other number is the row's
        // `unparsable_flag`).
        (Kind::Flag, t) if t.is_integer() => integers_as_text(array)?,
        (Kind::Amount, DataType::Decimal128(_, scale)) if *scale >= 0 => array.clone(),
        (Kind::Amount, t) if t.is_integer() => integers_as_text(array)?,
        _ => return Err(unsupported()),
    };
    Ok(Ready { array, values: None })
}

fn integers_as_text(array: &ArrayRef) -> Result<ArrayRef, Error> {
    let as_i64 = arrow_array_cast_i64(array)?;
    let mut b = StringBuilder::with_capacity(as_i64.len(), as_i64.len() * 2);
    for v in as_i64.iter() {
        match v {
            Some(v) => b.append_value(v.to_string()),
            None => b.append_null(),
        }
    }
    Ok(Arc::new(b.finish()))
}

/// An integer column's values as `i64` (an unsigned value beyond `i64` reads as null).
fn arrow_array_cast_i64(array: &ArrayRef) -> Result<arrow_array::Int64Array, Error> {
    Ok(by_integer_type!(array.data_type(), T => {
        // One conversion for every integer type (infallible for the narrower ones).
        #[allow(clippy::unnecessary_fallible_conversions, clippy::useless_conversion)]
        let wide: arrow_array::Int64Array =
            array.as_primitive::<T>().iter().map(|v| v.and_then(|v| i64::try_from(v).ok())).collect();
        wide
    }, other => return Err(ArrowError::CastError(format!("{other} is not an integer type")).into())))
}

impl Roster {
    fn read(batches: &[RecordBatch]) -> Result<Roster, Error> {
        let mut out = Roster { batches: Vec::with_capacity(batches.len()), rows: Vec::new() };
        let mut first_row = 0;
        for batch in batches {
            let schema = batch.schema();
            let mut columns = Vec::new();
            for column in Column::ALL {
                let mut found = schema.fields().iter().enumerate().filter(|(_, f)| f.name() == column.as_str());
                let Some((i, _)) = found.next() else { continue };
                if found.next().is_some() {
                    return Err(RosterError::DuplicateColumn { column: column.as_str().to_owned() }.into());
                }
                columns.push((column, ready(column.as_str(), kind(column), batch.column(i), first_row)?));
            }
            first_row += batch.num_rows();
            out.rows.push(batch.num_rows());
            out.batches.push(columns);
        }
        Ok(out)
    }

    /// The batches as the kernel's chunks (borrowed).
    fn chunks(&self) -> Vec<MemberColumns<'_>> {
        self.batches
            .iter()
            .zip(&self.rows)
            .map(|(columns, rows)| {
                let mut c = MemberColumns { rows: *rows, ..MemberColumns::default() };
                for (column, r) in columns {
                    match column {
                        Column::MemberId => c.member_id = text(r),
                        Column::Plan => c.plan = text(r),
                        Column::MemberSince => c.member_since = dates(r),
                        Column::TermStart => c.term_start = dates(r),
                        Column::TermEnd => c.term_end = dates(r),
                        Column::Pending => c.pending = bools(r),
                        Column::CancelledOn => c.cancelled_on = dates(r),
                        Column::DeceasedOn => c.deceased_on = dates(r),
                        Column::OverrideStatus => c.override_status = text(r),
                        Column::OverrideUntil => c.override_until = dates(r),
                        Column::AmountPaid => c.amount_paid = amounts(r),
                        Column::Currency => c.currency = text(r),
                        Column::AutoRenew => c.auto_renew = bools(r),
                        Column::BalanceDue => c.balance_due = amounts(r),
                        Column::Organization => c.organization = text(r),
                        Column::RenewalPending => c.renewal_pending = bools(r),
                        Column::Primary => c.primary = text(r),
                        Column::TaxExempt => c.tax_exempt = bools(r),
                        Column::PauseFrom => c.pause_from = dates(r),
                        Column::PauseTo => c.pause_to = dates(r),
                    }
                }
                c
            })
            .collect()
    }
}

/// The dictionaries the result columns share, built once.
struct Vocabulary {
    statuses: ArrayRef,
    kinds: ArrayRef,
    plans: ArrayRef,
    error_names: Vec<&'static str>,
    error_codes: Vec<u32>,
    /// Each error code's place in the error table, indexed by the code (`-1`: not in the table);
    /// a row's codes are looked up by index, not hashed.
    error_place: Vec<i16>,
    currencies: ArrayRef,
    currency_codes: Vec<String>,
    /// Each currency of `currency_codes` with its key in `quote_currency`'s dictionary and what
    /// a total in its minor units is multiplied by to be in `quote_total`'s scale (compared as
    /// currencies, not as their codes' text).
    currency_keys: Vec<(amscore::Currency, i8, i128)>,
    routes: ArrayRef,
    /// The decimal scale of `quote_total`: the most minor units of any plan's currency.
    scale: u32,
}

impl Vocabulary {
    fn new(engine: &Engine) -> Vocabulary {
        let table = amscore::error_table();
        let plans = engine.rules().plans();
        let mut currency_codes: Vec<String> = Vec::new();
        for p in plans {
            let code = p.prices.currency.code().to_owned();
            if !currency_codes.contains(&code) {
                currency_codes.push(code);
            }
        }
        let strings = |v: Vec<&str>| -> ArrayRef { Arc::new(StringArray::from(v)) };
        let index = |code: u32| usize::try_from(code).ok();
        let size = table.iter().filter_map(|e| index(e.code)).max().map_or(0, |m| m + 1);
        let mut error_place = vec![-1_i16; size];
        for (i, e) in table.iter().enumerate() {
            if let (Some(slot), Ok(i)) = (index(e.code).and_then(|c| error_place.get_mut(c)), i16::try_from(i)) {
                *slot = i;
            }
        }
        let mut v = Vocabulary {
            statuses: strings(Status::ALL.iter().map(|s| s.as_str()).collect()),
            kinds: strings(RenewalKind::ALL.iter().map(|k| k.as_str()).collect()),
            plans: strings(plans.iter().map(|p| p.id.as_str()).collect()),
            error_names: table.iter().map(|e| e.name).collect(),
            error_codes: table.iter().map(|e| e.code).collect(),
            error_place,
            currencies: strings(currency_codes.iter().map(String::as_str).collect()),
            currency_codes,
            currency_keys: Vec::new(),
            routes: strings(Route::NAMES.to_vec()),
            scale: plans.iter().map(|p| p.prices.currency.minor_units()).max().unwrap_or(2),
        };
        for c in plans.iter().map(|p| p.prices.currency) {
            if let (Some(key), false) = (v.currency_key(c), v.currency_keys.iter().any(|(k, ..)| *k == c)) {
                let pow = v.pow(c);
                v.currency_keys.push((c, key, pow));
            }
        }
        v
    }

    /// An error code's place in the error table.
    fn place(&self, code: u32) -> Option<i16> {
        self.error_place.get(usize::try_from(code).ok()?).copied().filter(|p| *p >= 0)
    }

    /// What an error-place column holds for `code` ([`Vocabulary::error_places`]): its place
    /// plus one (0 is none); `None` for a code the table lacks.
    fn held(&self, code: u32) -> Option<i16> {
        self.place(code).and_then(|p| p.checked_add(1))
    }

    /// A quote currency's key in `quote_currency`'s dictionary and its factor to `quote_total`'s
    /// scale; a currency of no plan (it cannot reach here) by its code.
    fn currency(&self, c: amscore::Currency) -> (Option<i8>, i128) {
        match self.currency_keys.iter().find(|(k, ..)| *k == c) {
            Some((_, key, pow)) => (Some(*key), *pow),
            None => (self.currency_key(c), self.pow(c)),
        }
    }

    /// What a total in minor units of `c` is multiplied by to be in `quote_total`'s scale.
    fn pow(&self, c: amscore::Currency) -> i128 {
        10_i128.pow(self.scale.saturating_sub(c.minor_units()))
    }

    /// The key of a currency in `quote_currency`'s dictionary.
    fn currency_key(&self, c: amscore::Currency) -> Option<i8> {
        self.currency_codes.iter().position(|x| x == c.code()).and_then(|i| i8::try_from(i).ok())
    }

    /// An error-name column from each row's place in the error table plus one ([`ResultRows`],
    /// [`Vocabulary::error_column`]): the places that occur, in the table's order, are the
    /// dictionary; the keys are rewritten in place.
    fn error_places(&self, mut c: Col<i16>, rows: usize) -> Result<ArrayRef, Error> {
        if c.valid.0.iter().all(|byte| *byte == 0) {
            // No row has a place: every key is 0 already (as the rewrite below would leave it).
            return dict_col::<Int16Type>(c, rows, &(Arc::new(StringArray::from(Vec::<&str>::new())) as ArrayRef));
        }
        // A row holds its place + 1, and 0 when it has none (`RowsPart::write`): both passes below
        // are one load and one store a row, with no branch on the row.
        let places = self.error_codes.len();
        let slot = |held: i16| usize::from(held.unsigned_abs()).min(places);
        let mut seen = vec![false; places + 1];
        for held in &c.values {
            if let Some(s) = seen.get_mut(slot(*held)) {
                *s = true;
            }
        }
        // Each held value's key among the places that occur (in the table's order); 0 for none.
        let mut key_of: Vec<i16> = vec![0; places + 1];
        let mut names = Vec::new();
        for place in (0..places).filter(|p| seen.get(p + 1).copied().unwrap_or(false)) {
            if let (Some(key), Ok(k)) = (key_of.get_mut(place + 1), i16::try_from(names.len())) {
                *key = k;
            }
            names.push(self.error_names[place]);
        }
        for held in &mut c.values {
            *held = key_of.get(slot(*held)).copied().unwrap_or(0);
        }
        dict_col::<Int16Type>(c, rows, &(Arc::new(StringArray::from(names)) as ArrayRef))
    }

    /// An error-name column: the dictionary holds the names of the errors that occur in these
    /// rows (in the error table's order), so a categorical made from it lists only values that
    /// occur, never the whole table; every code is kept (a code the table lacks cannot reach here;
    /// it would be an error, never a null). The rows held as the sink holds them, then
    /// [`Vocabulary::error_places`].
    fn error_column(&self, codes: impl ExactSizeIterator<Item = Option<u32>>) -> Result<ArrayRef, Error> {
        let rows = codes.len();
        let mut c = Col::<i16>::new(rows);
        for (i, code) in codes.enumerate() {
            if let Some(code) = code {
                let held = self.held(code).ok_or_else(|| unknown_code(code))?;
                if let Some(slot) = c.values.get_mut(i) {
                    *slot = held;
                }
                set_bit(&mut c.valid.0, i, true);
            }
        }
        self.error_places(c, rows)
    }
}

/// An error code the error table lacks (it cannot reach a result column: an error, never a null).
fn unknown_code(code: u32) -> Error {
    Error::Arrow(ArrowError::InvalidArgumentError(format!("error code {code} is not in the error table")))
}

fn days(d: time::Date) -> i32 {
    d.to_julian_day() - EPOCH_JULIAN_DAY
}

fn dict8(keys: Vec<Option<i8>>, values: &ArrayRef) -> Result<ArrayRef, Error> {
    Ok(Arc::new(DictionaryArray::<Int8Type>::try_new(Int8Array::from(keys), values.clone())?))
}

/// A validity or flag bitmap of `rows` bits, all unset, set bit by bit in any order.
struct Bits(Vec<u8>);

impl Bits {
    fn new(rows: usize) -> Bits {
        // Zeroed: the pages are not touched until a row is written.
        Bits(vec![0; rows.div_ceil(8)])
    }

    /// The bitmap in pieces of `seg` rows (`seg` a multiple of 8), for [`RowsPart`].
    fn parts(&mut self, seg: usize) -> std::slice::ChunksMut<'_, u8> {
        self.0.chunks_mut(seg / 8)
    }

    fn into_bools(self, rows: usize) -> BooleanBuffer {
        BooleanBuffer::new(arrow_buffer::Buffer::from_vec(self.0), 0, rows)
    }
}

/// Sets or clears bit `i` of a bitmap.
fn set_bit(bits: &mut [u8], i: usize, on: bool) {
    if let Some(byte) = bits.get_mut(i / 8) {
        let bit = 1 << (i % 8);
        if on {
            *byte |= bit;
        } else {
            *byte &= !bit;
        }
    }
}

/// A piece of a result column ([`Col`]): the values and validity bits of a run of its rows that
/// starts at a multiple of 8, written by one thread at a time.
struct ColPart<'a, T> {
    values: &'a mut [T],
    valid: &'a mut [u8],
}

impl<T: Copy + Default + PartialEq> ColPart<'_, T> {
    /// Writes row `i`'s value, the row not written with a value before (its value and validity
    /// bit are the zeroes the column starts with, [`RowsPart::write`]): a missing value is
    /// nothing to write.
    #[inline]
    fn set(&mut self, i: usize, v: Option<T>) {
        debug_assert!(self.values.get(i).is_none_or(|s| *s == T::default()), "a result row written twice");
        if let (Some(v), Some(slot)) = (v, self.values.get_mut(i)) {
            *slot = v;
            set_bit(self.valid, i, true);
        }
    }
}

/// One result column being written: its values and validity, row by row in any order.
struct Col<T> {
    values: Vec<T>,
    valid: Bits,
}

impl<T: Copy + Default> Col<T> {
    fn new(rows: usize) -> Col<T> {
        Col { values: vec![T::default(); rows], valid: Bits::new(rows) }
    }

    /// The column in pieces of `seg` rows (`seg` a multiple of 8), for [`RowsPart`].
    fn parts(&mut self, seg: usize) -> impl Iterator<Item = ColPart<'_, T>> {
        self.values.chunks_mut(seg).zip(self.valid.parts(seg)).map(|(values, valid)| ColPart { values, valid })
    }

    fn into_parts(self, rows: usize) -> (arrow_buffer::ScalarBuffer<T>, Option<NullBuffer>)
    where
        T: arrow_buffer::ArrowNativeType,
    {
        let nulls = NullBuffer::new(self.valid.into_bools(rows));
        (self.values.into(), (nulls.null_count() > 0).then_some(nulls))
    }
}

/// One input batch's result columns, written as the kernel answers its rows: the keys of the
/// dictionary columns, the day numbers, the totals in the column's scale; an error column holds
/// each row's place in the error table plus one (0: none) until the column is finished.
struct ResultRows {
    rows: usize,
    status: Col<i8>,
    counts_as_member: Bits,
    renewal_kind: Col<i8>,
    renewal_plan: Col<i32>,
    renewal_start: Col<i32>,
    renewal_end: Col<i32>,
    renewal_member_since: Col<i32>,
    refusal: Col<i16>,
    refused_until: Col<i32>,
    quote_total: Col<i128>,
    quote_currency: Col<i8>,
    quote_error: Col<i16>,
    error_code: Col<i16>,
    error_name: Col<i16>,
    current_term: Bits,
    /// With `decide`.
    route: Option<Col<i8>>,
}

/// The rows a segment of [`SEGMENT`] rows of one input batch writes ([`ResultRows::parts`]):
/// the kernel's threads write different segments at once.
struct RowsPart<'a> {
    status: ColPart<'a, i8>,
    counts_as_member: &'a mut [u8],
    renewal_kind: ColPart<'a, i8>,
    renewal_plan: ColPart<'a, i32>,
    renewal_start: ColPart<'a, i32>,
    renewal_end: ColPart<'a, i32>,
    renewal_member_since: ColPart<'a, i32>,
    refusal: ColPart<'a, i16>,
    refused_until: ColPart<'a, i32>,
    quote_total: ColPart<'a, i128>,
    quote_currency: ColPart<'a, i8>,
    quote_error: ColPart<'a, i16>,
    error_code: ColPart<'a, i16>,
    error_name: ColPart<'a, i16>,
    current_term: &'a mut [u8],
    route: Option<ColPart<'a, i8>>,
    /// An error code the error table lacks (it cannot reach here; it would be an error, never a
    /// null).
    unknown_code: Option<u32>,
}

/// The rows of a [`RowsPart`]: a multiple of 8, so that each part has whole validity bytes, and
/// the kernel's pieces of rows (2,048, from each input batch's first row) each write one part.
const SEGMENT: usize = 2048;

impl ResultRows {
    fn new(rows: usize, decide: bool) -> ResultRows {
        ResultRows {
            rows,
            status: Col::new(rows),
            counts_as_member: Bits::new(rows),
            renewal_kind: Col::new(rows),
            renewal_plan: Col::new(rows),
            renewal_start: Col::new(rows),
            renewal_end: Col::new(rows),
            renewal_member_since: Col::new(rows),
            refusal: Col::new(rows),
            refused_until: Col::new(rows),
            quote_total: Col::new(rows),
            quote_currency: Col::new(rows),
            quote_error: Col::new(rows),
            error_code: Col::new(rows),
            error_name: Col::new(rows),
            current_term: Bits::new(rows),
            route: decide.then(|| Col::new(rows)),
        }
    }

    /// These rows in segments of [`SEGMENT`] rows, to be written at once by several threads.
    fn parts(&mut self) -> Vec<RowsPart<'_>> {
        let mut status = self.status.parts(SEGMENT);
        let mut counts_as_member = self.counts_as_member.parts(SEGMENT);
        let mut renewal_kind = self.renewal_kind.parts(SEGMENT);
        let mut renewal_plan = self.renewal_plan.parts(SEGMENT);
        let mut renewal_start = self.renewal_start.parts(SEGMENT);
        let mut renewal_end = self.renewal_end.parts(SEGMENT);
        let mut renewal_member_since = self.renewal_member_since.parts(SEGMENT);
        let mut refusal = self.refusal.parts(SEGMENT);
        let mut refused_until = self.refused_until.parts(SEGMENT);
        let mut quote_total = self.quote_total.parts(SEGMENT);
        let mut quote_currency = self.quote_currency.parts(SEGMENT);
        let mut quote_error = self.quote_error.parts(SEGMENT);
        let mut error_code = self.error_code.parts(SEGMENT);
        let mut error_name = self.error_name.parts(SEGMENT);
        let mut current_term = self.current_term.parts(SEGMENT);
        let mut route = self.route.as_mut().map(|r| r.parts(SEGMENT));
        std::iter::from_fn(|| {
            Some(RowsPart {
                status: status.next()?,
                counts_as_member: counts_as_member.next()?,
                renewal_kind: renewal_kind.next()?,
                renewal_plan: renewal_plan.next()?,
                renewal_start: renewal_start.next()?,
                renewal_end: renewal_end.next()?,
                renewal_member_since: renewal_member_since.next()?,
                refusal: refusal.next()?,
                refused_until: refused_until.next()?,
                quote_total: quote_total.next()?,
                quote_currency: quote_currency.next()?,
                quote_error: quote_error.next()?,
                error_code: error_code.next()?,
                error_name: error_name.next()?,
                current_term: current_term.next()?,
                route: match &mut route {
                    Some(r) => Some(r.next()?),
                    None => None,
                },
                unknown_code: None,
            })
        })
        .collect()
    }
}

impl RowsPart<'_> {
    /// The part's rows.
    fn rows(&self) -> usize {
        self.status.values.len()
    }

    /// Writes row `i` (of the part)'s answer, over nothing: the columns start zeroed (every
    /// value missing, every flag false), and a row is written once with its answer (a member
    /// with several rows is answered after the empty answers its rows were given in their
    /// chunks, [`AnswerSink`]), so that only what the answer has is written.
    fn write(&mut self, v: &Vocabulary, i: usize, a: &Answer) {
        let mut place = |code: Option<u32>| -> Option<i16> {
            let code = code?;
            let held = v.held(code);
            if held.is_none() {
                self.unknown_code = Some(code);
            }
            held
        };
        let (refusal, quote_error, error_name) = (place(a.refusal), place(a.quote_error), place(a.error));
        let day = |d: Option<time::Date>| d.map(days);
        self.status.set(i, a.status.and_then(|s| i8::try_from(s.index()).ok()));
        if a.counts_as_member {
            set_bit(self.counts_as_member, i, true);
        }
        self.renewal_kind.set(i, a.renewal_kind.and_then(|k| i8::try_from(k.index()).ok()));
        self.renewal_plan.set(i, a.renewal_plan.and_then(|p| i32::try_from(p).ok()));
        self.renewal_start.set(i, day(a.renewal_start));
        self.renewal_end.set(i, day(a.renewal_end));
        self.renewal_member_since.set(i, day(a.renewal_member_since));
        self.refusal.set(i, refusal);
        self.refused_until.set(i, day(a.refused_until));
        let (currency, pow) = a.quote_currency.map_or((None, 1), |c| v.currency(c));
        self.quote_total.set(i, a.quote_total.filter(|_| a.quote_currency.is_some()).map(|t| i128::from(t) * pow));
        self.quote_currency.set(i, currency);
        self.quote_error.set(i, quote_error);
        self.error_code.set(i, a.error.and_then(|c| i16::try_from(c).ok()));
        self.error_name.set(i, error_name);
        if a.current_term {
            set_bit(self.current_term, i, true);
        }
        if let Some(route) = &mut self.route {
            route.set(i, a.route.and_then(|r| i8::try_from(r.severity()).ok()));
        }
    }
}

impl ResultRows {
    /// The finished result batch of these rows, `first` being the first one's row across the
    /// roster (for the messages and reasons, which are by row); with `parallel`, its columns are
    /// built at once on rayon's threads.
    fn finish(
        self,
        v: &Vocabulary,
        schema: &SchemaRef,
        notes: &RosterNotes,
        first: usize,
        parallel: bool,
    ) -> Result<RecordBatch, Error> {
        let rows = self.rows;
        let date = |c: Col<i32>| -> Build<'_> {
            Box::new(move || {
                let (values, nulls) = c.into_parts(rows);
                Ok(Arc::new(Date32Array::new(values, nulls)))
            })
        };
        let (status, status_nulls) = self.status.into_parts(rows);
        let scale = i8::try_from(v.scale).unwrap_or(2);
        let (totals, counts_as_member, current_term) = (self.quote_total, self.counts_as_member, self.current_term);
        let (kind, plan, currency) = (self.renewal_kind, self.renewal_plan, self.quote_currency);
        let (refusal, quote_error, error_name, codes) =
            (self.refusal, self.quote_error, self.error_name, self.error_code);
        let member_nulls = status_nulls.clone();
        let mut builds: Vec<Build<'_>> = vec![
            Box::new(move || dictionary::<Int8Type>(status, status_nulls, &v.statuses)),
            Box::new(move || Ok(Arc::new(BooleanArray::new(counts_as_member.into_bools(rows), member_nulls)))),
            Box::new(move || dict_col::<Int8Type>(kind, rows, &v.kinds)),
            Box::new(move || dict_col::<Int32Type>(plan, rows, &v.plans)),
            date(self.renewal_start),
            date(self.renewal_end),
            date(self.renewal_member_since),
            Box::new(move || v.error_places(refusal, rows)),
            date(self.refused_until),
            Box::new(move || {
                let (totals, nulls) = totals.into_parts(rows);
                Ok(Arc::new(Decimal128Array::new(totals, nulls).with_precision_and_scale(38, scale)?))
            }),
            Box::new(move || dict_col::<Int8Type>(currency, rows, &v.currencies)),
            Box::new(move || v.error_places(quote_error, rows)),
            Box::new(move || {
                let (codes, nulls) = codes.into_parts(rows);
                Ok(Arc::new(Int16Array::new(codes, nulls)))
            }),
            Box::new(move || v.error_places(error_name, rows)),
            Box::new(move || Ok(Arc::new(message_column(&notes.messages, first..first + rows)))),
            Box::new(move || Ok(Arc::new(BooleanArray::new(current_term.into_bools(rows), None)))),
        ];
        if let Some(route) = self.route {
            let (keys, nulls) = route.into_parts(rows);
            let valid = nulls.clone();
            builds.push(Box::new(move || dictionary::<Int8Type>(keys, nulls, &v.routes)));
            builds.push(Box::new(move || {
                // Each distinct list of reasons written once.
                let lists = &notes.reasons.lists;
                let joined: Vec<String> =
                    lists.iter().map(|r| r.iter().map(|c| c.as_str()).collect::<Vec<&str>>().join(";")).collect();
                let mut reasons = StringBuilder::new();
                for (k, row) in (first..first + rows).enumerate() {
                    let list = notes.reasons.of_row.get(row).and_then(|p| joined.get(*p as usize));
                    match (valid.as_ref().is_none_or(|n| n.is_valid(k)), list) {
                        (true, Some(r)) => reasons.append_value(r),
                        _ => reasons.append_null(),
                    }
                }
                Ok(Arc::new(reasons.finish()))
            }));
        }
        let columns = if parallel {
            builds.into_par_iter().map(|build| build()).collect::<Result<Vec<ArrayRef>, Error>>()?
        } else {
            builds.into_iter().map(|build| build()).collect::<Result<Vec<ArrayRef>, Error>>()?
        };
        Ok(RecordBatch::try_new(schema.clone(), columns)?)
    }
}

/// One result column to build ([`ResultRows::finish`]).
type Build<'a> = Box<dyn FnOnce() -> Result<ArrayRef, Error> + Send + 'a>;

/// A dictionary column of keys and validity over `values`.
fn dictionary<K: arrow_array::types::ArrowDictionaryKeyType>(
    keys: arrow_buffer::ScalarBuffer<K::Native>,
    nulls: Option<NullBuffer>,
    values: &ArrayRef,
) -> Result<ArrayRef, Error> {
    let keys = arrow_array::PrimitiveArray::<K>::new(keys, nulls);
    Ok(Arc::new(DictionaryArray::<K>::try_new(keys, values.clone())?))
}

fn dict_col<K: arrow_array::types::ArrowDictionaryKeyType>(
    c: Col<K::Native>,
    rows: usize,
    values: &ArrayRef,
) -> Result<ArrayRef, Error> {
    let (keys, nulls) = c.into_parts(rows);
    dictionary::<K>(keys, nulls, values)
}

/// The kernel's sink that writes each answer straight into its batch's result columns
/// ([`ResultRows`]), so that the roster's answers are never all kept at once; each segment of
/// [`SEGMENT`] rows is locked on its own, so the kernel's threads write at once.
struct ResultSink<'v, 'r> {
    vocabulary: &'v Vocabulary,
    /// Where each input batch's rows start.
    starts: Vec<usize>,
    /// Each input batch's segments.
    parts: Vec<Vec<std::sync::Mutex<RowsPart<'r>>>>,
}

impl<'v, 'r> ResultSink<'v, 'r> {
    fn new(vocabulary: &'v Vocabulary, batches: &'r mut [ResultRows]) -> ResultSink<'v, 'r> {
        let starts = batch_starts(batches);
        let parts = batches.iter_mut().map(|b| b.parts().into_iter().map(std::sync::Mutex::new).collect()).collect();
        ResultSink { vocabulary, starts, parts }
    }

    /// Fails if an answer had an error code the error table lacks.
    fn finish(self) -> Result<(), Error> {
        for part in self.parts.into_iter().flatten() {
            let part = part.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner);
            if let Some(c) = part.unknown_code {
                return Err(unknown_code(c));
            }
        }
        Ok(())
    }
}

impl AnswerSink for ResultSink<'_, '_> {
    fn put(&self, first: usize, answers: &[Answer]) {
        let mut row = first;
        let mut rest = answers;
        while !rest.is_empty() {
            let Some(b) = self.starts.partition_point(|s| *s <= row).checked_sub(1) else { return };
            let local = row - self.starts[b];
            let Some(part) = self.parts[b].get(local / SEGMENT) else { return };
            let mut out = part.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            let at = local % SEGMENT;
            let here = out.rows().saturating_sub(at).min(rest.len());
            if here == 0 {
                return;
            }
            for (k, a) in rest[..here].iter().enumerate() {
                out.write(self.vocabulary, at + k, a);
            }
            row += here;
            rest = &rest[here..];
        }
    }
}

/// Where each result batch's rows start across the roster.
fn batch_starts(batches: &[ResultRows]) -> Vec<usize> {
    amscore::kernel::row_starts(batches.iter().map(|b| b.rows))
}

/// One result batch per input batch, the messages and reasons in `notes` put in their rows; on
/// the calling thread with `threads == 1`, otherwise the batches and their columns at once on
/// rayon's threads (0: every core; as [`RosterOptions::threads`]).
fn finish_batches(
    vocabulary: &Vocabulary,
    batches: Vec<ResultRows>,
    schema: &SchemaRef,
    notes: &RosterNotes,
    threads: usize,
) -> Result<Vec<RecordBatch>, Error> {
    let batches: Vec<(usize, ResultRows)> = batch_starts(&batches).into_iter().zip(batches).collect();
    amscore::kernel::on_threads(threads, |parallel| -> Result<Vec<RecordBatch>, Error> {
        if parallel {
            batches
                .into_par_iter()
                .map(|(first, rows)| rows.finish(vocabulary, schema, notes, first, parallel))
                .collect()
        } else {
            batches.into_iter().map(|(first, rows)| rows.finish(vocabulary, schema, notes, first, parallel)).collect()
        }
    })?
}

/// The schema of the result columns.
fn result_schema(v: &Vocabulary, decide: bool) -> SchemaRef {
    let dict = |k: DataType| DataType::Dictionary(Box::new(k), Box::new(DataType::Utf8));
    let mut fields = vec![
        Field::new("status", dict(DataType::Int8), true),
        Field::new("counts_as_member", DataType::Boolean, true),
        Field::new("renewal_kind", dict(DataType::Int8), true),
        Field::new("renewal_plan", dict(DataType::Int32), true),
        Field::new("renewal_start", DataType::Date32, true),
        Field::new("renewal_end", DataType::Date32, true),
        Field::new("renewal_member_since", DataType::Date32, true),
        Field::new("renewal_refusal", dict(DataType::Int16), true),
        Field::new("renewal_refused_until", DataType::Date32, true),
        Field::new("quote_total", DataType::Decimal128(38, i8::try_from(v.scale).unwrap_or(2)), true),
        Field::new("quote_currency", dict(DataType::Int8), true),
        Field::new("quote_error", dict(DataType::Int16), true),
        Field::new("error_code", DataType::Int16, true),
        Field::new("error_name", dict(DataType::Int16), true),
        Field::new("error_message", DataType::Utf8, true),
        Field::new("current_term", DataType::Boolean, false),
    ];
    if decide {
        fields.push(Field::new("route", dict(DataType::Int8), true));
        fields.push(Field::new("reasons", DataType::Utf8, true));
    }
    Arc::new(Schema::new(fields))
}

/// Assesses a roster given as record batches ([`Engine::assess_roster`]): one batch of result
/// columns ([`RESULT_COLUMNS`], then [`DECISION_COLUMNS`] with `options.decide`) per input
/// batch, with its rows, in order.
///
/// # Errors
/// [`Error`]: for the roster as a whole only.
pub fn assess_batches(
    engine: &Engine,
    batches: &[RecordBatch],
    options: &RosterOptions,
) -> Result<Vec<RecordBatch>, Error> {
    let roster = Roster::read(batches)?;
    let chunks = roster.chunks();
    if chunks.is_empty() {
        // No batch at all: the roster still needs its required columns (none are given).
        Column::require(std::iter::empty())?;
    }
    let vocabulary = Vocabulary::new(engine);
    let mut results: Vec<ResultRows> = roster.rows.iter().map(|r| ResultRows::new(*r, options.decide)).collect();
    let sink = ResultSink::new(&vocabulary, &mut results);
    let notes = engine.assess_roster_into(&chunks, options, &sink)?;
    sink.finish()?;
    finish_batches(&vocabulary, results, &result_schema(&vocabulary, options.decide), &notes, options.threads)
}

/// The input batch with the result columns appended; an input column of a result column's name
/// is replaced.
///
/// # Errors
/// [`Error::Arrow`] when the two batches' row counts differ.
pub fn with_results(input: &RecordBatch, results: &RecordBatch) -> Result<RecordBatch, Error> {
    let schema = input.schema();
    let replaced = |name: &str| results.schema().fields().iter().any(|f| f.name() == name);
    let mut fields: Vec<Arc<Field>> = Vec::new();
    let mut columns: Vec<ArrayRef> = Vec::new();
    for (f, c) in schema.fields().iter().zip(input.columns()) {
        if !replaced(f.name()) {
            fields.push(f.clone());
            columns.push(c.clone());
        }
    }
    for (f, c) in results.schema().fields().iter().zip(results.columns()) {
        fields.push(f.clone());
        columns.push(c.clone());
    }
    Ok(RecordBatch::try_new(Arc::new(Schema::new(fields)), columns)?)
}

/// Every member's renewal quote with its lines ([`Engine::quote_roster_renewals`]), as one long
/// table: `member_id`, `kind` (the line's kind), `description`, `amount` (`decimal128(38, s)`),
/// `currency`, one row per line, members in row order, lines in quote order. Members whose
/// renewal is refused or whose row has a problem have no lines.
///
/// # Errors
/// As [`assess_batches`].
pub fn renewal_quote_lines(
    engine: &Engine,
    batches: &[RecordBatch],
    options: &RosterOptions,
) -> Result<RecordBatch, Error> {
    let roster = Roster::read(batches)?;
    let chunks = roster.chunks();
    if chunks.is_empty() {
        Column::require(std::iter::empty())?;
    }
    let quotes = engine.quote_roster_renewals(&chunks, options)?;
    let vocabulary = Vocabulary::new(engine);
    let quoted: Vec<(&str, &amscore::Quote)> =
        quotes.iter().filter_map(|q| q.quote.as_ref().ok().map(|quote| (q.member_id.as_str(), quote))).collect();
    let member_ids =
        |of: &[usize]| -> ArrayRef { Arc::new(StringArray::from_iter_values(of.iter().map(|q| quoted[*q].0))) };
    let quotes: Vec<&amscore::Quote> = quoted.iter().map(|(_, q)| *q).collect();
    lines_table(QUOTE_LINE_COLUMNS, DataType::Utf8, member_ids, &quotes, vocabulary.scale)
}

/// A long table of quotes' lines: the quote's `who` (made from each line's quote, by its place
/// in `quotes`), then each line's kind, description, amount (`decimal128(38, scale)`) and
/// currency; `names` are the five columns' names.
///
/// # Errors
/// [`Error::Arrow`] when a column cannot be built.
fn lines_table(
    names: [&str; 5],
    who_type: DataType,
    who: impl FnOnce(&[usize]) -> ArrayRef,
    quotes: &[&amscore::Quote],
    scale: u32,
) -> Result<RecordBatch, Error> {
    let (mut of, mut kind, mut description, mut currency) =
        (Vec::new(), StringBuilder::new(), StringBuilder::new(), StringBuilder::new());
    let mut amounts: Vec<i128> = Vec::new();
    for (q, quote) in quotes.iter().enumerate() {
        for line in &quote.lines {
            of.push(q);
            kind.append_value(line.kind.as_str());
            description.append_value(line.description.to_string());
            currency.append_value(line.amount.currency().code());
            let mut amount = line.amount.amount();
            amount.rescale(scale);
            amounts.push(amount.mantissa());
        }
    }
    let scale = i8::try_from(scale).unwrap_or(2);
    let [who_name, kind_name, description_name, amount_name, currency_name] = names;
    let schema = Schema::new(vec![
        Field::new(who_name, who_type, false),
        Field::new(kind_name, DataType::Utf8, false),
        Field::new(description_name, DataType::Utf8, false),
        Field::new(amount_name, DataType::Decimal128(38, scale), false),
        Field::new(currency_name, DataType::Utf8, false),
    ]);
    let amount = Decimal128Array::from(amounts).with_precision_and_scale(38, scale)?;
    Ok(RecordBatch::try_new(
        Arc::new(schema),
        vec![
            who(&of),
            Arc::new(kind.finish()),
            Arc::new(description.finish()),
            Arc::new(amount),
            Arc::new(currency.finish()),
        ],
    )?)
}

/// The `error_message` column of the rows `rows` (counted across batches): each row's message,
/// null where it has none (`messages` are by row).
fn message_column(messages: &[amscore::kernel::RowMessage], rows: std::ops::Range<usize>) -> StringArray {
    let first = messages.partition_point(|m| m.row < rows.start);
    if messages.get(first).is_none_or(|m| m.row >= rows.end) {
        // No row here has a message.
        return StringArray::new_null(rows.len());
    }
    let mut next = messages[first..].iter().peekable();
    let mut column = StringBuilder::new();
    for row in rows {
        match next.next_if(|m| m.row == row) {
            Some(m) => column.append_value(&m.message),
            None => column.append_null(),
        }
        while next.next_if(|m| m.row == row).is_some() {}
    }
    column.finish()
}

/// The result columns of [`quote_joins`].
pub const JOIN_RESULT_COLUMNS: [&str; 7] =
    ["quote_total", "quote_currency", "term_start", "term_end", "error_code", "error_name", "error_message"];

/// A count column (`terms`, `seats`) as `i64` values (an integer column of another width is
/// widened: a copy).
fn counts(name: &str, array: &ArrayRef) -> Result<arrow_array::Int64Array, Error> {
    match array.data_type() {
        DataType::Int64 => Ok(array.as_primitive::<arrow_array::types::Int64Type>().clone()),
        DataType::Null => Ok(arrow_array::Int64Array::new_null(array.len())),
        t if t.is_integer() => arrow_array_cast_i64(array),
        other => {
            Err(Error::UnsupportedType { column: name.to_owned(), data_type: other.clone(), expected: "whole number" })
        }
    }
}

/// One batch of a join table: its rows, `plan`, `join_date`, `terms` and `seats`.
type JoinBatch = (usize, Ready, Ready, Option<arrow_array::Int64Array>, Option<arrow_array::Int64Array>);

/// A table of prospective members read for the join kernel.
struct Joins {
    batches: Vec<JoinBatch>,
}

impl Joins {
    fn read(batches: &[RecordBatch]) -> Result<Joins, Error> {
        let mut out = Joins { batches: Vec::new() };
        let mut first_row = 0;
        for batch in batches {
            let schema = batch.schema();
            let find = |name: &str| -> Result<Option<&ArrayRef>, Error> {
                let mut found = schema.fields().iter().enumerate().filter(|(_, f)| f.name() == name);
                let first = found.next().map(|(i, _)| batch.column(i));
                if found.next().is_some() {
                    return Err(RosterError::DuplicateColumn { column: name.to_owned() }.into());
                }
                Ok(first)
            };
            let required = |name: &str| -> Result<&ArrayRef, Error> {
                find(name)?.ok_or_else(|| RosterError::MissingColumn { column: name.to_owned() }.into())
            };
            let [plan, date, terms, seats] = JOIN_COLUMNS;
            let plan = ready(plan, Kind::Text, required(plan)?, first_row)?;
            let date = ready(date, Kind::Date, required(date)?, first_row)?;
            let terms = find(terms)?.map(|a| counts(terms, a)).transpose()?;
            let seats = find(seats)?.map(|a| counts(seats, a)).transpose()?;
            out.batches.push((batch.num_rows(), plan, date, terms, seats));
            first_row += batch.num_rows();
        }
        Ok(out)
    }

    fn chunks(&self) -> Vec<amscore::kernel::JoinColumns<'_>> {
        fn count(a: &Option<arrow_array::Int64Array>) -> amscore::kernel::Counts<'_> {
            match a {
                Some(a) => amscore::kernel::Counts::Values { values: a.values(), valid: validity(a.nulls()) },
                None => amscore::kernel::Counts::Absent,
            }
        }
        self.batches
            .iter()
            .map(|(rows, plan, date, terms, seats)| amscore::kernel::JoinColumns {
                rows: *rows,
                plan: text(plan),
                join_date: dates(date),
                terms: count(terms),
                seats: count(seats),
            })
            .collect()
    }
}

/// The join quote of every row of a table of prospective members ([`Engine::quote_join_roster`]):
/// columns `plan` and `join_date` (required), `terms` and `seats` (optional whole numbers).
/// Without `lines`: one batch of result columns ([`JOIN_RESULT_COLUMNS`]) per input batch, with
/// its rows. With `lines`: one long table of every quote's lines, `row` (the input row, 0-based,
/// across batches), `kind`, `description`, `amount`, `currency`.
///
/// # Errors
/// [`Error`]: for the table as a whole only.
pub fn quote_joins(
    engine: &Engine,
    batches: &[RecordBatch],
    threads: usize,
    lines: bool,
) -> Result<Vec<RecordBatch>, Error> {
    let joins = Joins::read(batches)?;
    if batches.is_empty() {
        return Err(RosterError::MissingColumn { column: JOIN_COLUMNS[0].into() }.into());
    }
    let out = engine.quote_join_roster(&joins.chunks(), threads, lines)?;
    let v = Vocabulary::new(engine);
    let scale = i8::try_from(v.scale).unwrap_or(2);
    if lines {
        let rows = |of: &[usize]| -> ArrayRef {
            Arc::new(arrow_array::Int64Array::from_iter_values(
                of.iter().map(|q| i64::try_from(out.quotes[*q].0).unwrap_or(i64::MAX)),
            ))
        };
        let quotes: Vec<&amscore::Quote> = out.quotes.iter().map(|(_, q)| q).collect();
        return Ok(vec![lines_table(JOIN_LINE_COLUMNS, DataType::Int64, rows, &quotes, v.scale)?]);
    }
    let dict = |k: DataType| DataType::Dictionary(Box::new(k), Box::new(DataType::Utf8));
    let schema = Arc::new(Schema::new(vec![
        Field::new("quote_total", DataType::Decimal128(38, scale), true),
        Field::new("quote_currency", dict(DataType::Int8), true),
        Field::new("term_start", DataType::Date32, true),
        Field::new("term_end", DataType::Date32, true),
        Field::new("error_code", DataType::Int16, true),
        Field::new("error_name", dict(DataType::Int16), true),
        Field::new("error_message", DataType::Utf8, true),
    ]));
    let mut start = 0;
    let mut batches_out = Vec::new();
    for (rows, ..) in &joins.batches {
        let range = start..start + rows;
        start += rows;
        let answers = &out.answers[range.clone()];
        let columns: Vec<ArrayRef> = vec![
            Arc::new(
                answers
                    .iter()
                    .map(|a| a.total.zip(a.currency).map(|(t, c)| i128::from(t) * v.currency(c).1))
                    .collect::<Decimal128Array>()
                    .with_precision_and_scale(38, scale)?,
            ),
            dict8(answers.iter().map(|a| a.currency.and_then(|c| v.currency(c).0)).collect(), &v.currencies)?,
            Arc::new(answers.iter().map(|a| a.term_start.map(days)).collect::<Date32Array>()),
            Arc::new(answers.iter().map(|a| a.term_end.map(days)).collect::<Date32Array>()),
            Arc::new(answers.iter().map(|a| a.error.and_then(|c| i16::try_from(c).ok())).collect::<Int16Array>()),
            v.error_column(answers.iter().map(|a| a.error))?,
            Arc::new(message_column(&out.messages, range)),
        ];
        batches_out.push(RecordBatch::try_new(schema.clone(), columns)?);
    }
    Ok(batches_out)
}
