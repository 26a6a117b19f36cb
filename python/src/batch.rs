//! The columnar batch: the core's assessment of every row of a roster (status, renewal or its
//! refusal, renewal quote, optionally the online decision), from flat columns without the GIL.
//! This file only converts: columns in, `Engine::assess` per row, result columns out. Every row
//! gets a result or an error of its own.

use amscore::{
    Assessment, Cell, ErrorCode, MemberId, Membership, PlanId, RenewalKind, RosterError, Route, Status, StatusOverride,
    Term,
};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict};
use time::Date;

/// The null marker of a date column.
pub(crate) const NULL_DATE: i32 = i32::MIN;
/// The marker of a date cell that could not be read as a date.
pub(crate) const INVALID_DATE: i32 = i32::MIN + 1;
/// The Julian day number of 1970-01-01.
const EPOCH_JULIAN_DAY: i32 = 2_440_588;

/// A text column, dictionary-encoded: one little-endian int32 code per row into `names`
/// (-1 for null). No codes: the column is absent.
#[derive(Clone, Copy)]
pub(crate) struct Labels<'a> {
    pub(crate) codes: &'a [u8],
    pub(crate) names: &'a [String],
}

impl Labels<'_> {
    /// The name index of a row; `None` for null or an absent column.
    fn code(&self, row: usize) -> Option<usize> {
        if self.codes.is_empty() {
            return None;
        }
        usize::try_from(i32_at(self.codes, row)).ok().filter(|i| *i < self.names.len())
    }

    /// Reads every name once with `parse`: a row's value is then one lookup.
    fn parsed<T>(&self, parse: impl Fn(&str) -> T) -> Vec<T> {
        self.names.iter().map(|n| parse(n)).collect()
    }
}

/// A date column: typed days, or text for the core's one date grammar.
#[derive(Clone, Copy)]
pub(crate) enum Dates<'a> {
    /// Little-endian int32 days since 1970-01-01 ([`NULL_DATE`] for null, [`INVALID_DATE`] for
    /// an unreadable cell); empty when the column is absent.
    Days(&'a [u8]),
    /// Text cells, dictionary-encoded; each name is read once with `period::parse_date` (through
    /// [`Cell`]): ISO 8601 calendar dates `YYYY-MM-DD`, years 1 to 9999; blank is null.
    Text(Labels<'a>),
}

impl Dates<'_> {
    /// The column's buffer (days or codes), for the length check.
    fn bytes(&self) -> &[u8] {
        match self {
            Dates::Days(b) => b,
            Dates::Text(l) => l.codes,
        }
    }
}

/// The input columns, borrowed from Python bytes objects; an optional column that is absent is
/// empty.
pub(crate) struct Columns<'a> {
    pub(crate) plan: Labels<'a>,
    pub(crate) member_since: Dates<'a>,
    pub(crate) term_start: Dates<'a>,
    pub(crate) term_end: Dates<'a>,
    pub(crate) pending: Labels<'a>,
    pub(crate) cancelled_on: Dates<'a>,
    pub(crate) deceased_on: Dates<'a>,
    pub(crate) override_status: Labels<'a>,
    pub(crate) override_until: Dates<'a>,
}

/// The input columns as Python gave them (`Engine._batch_columns`' dict), held while the core
/// reads their bytes.
pub(crate) struct PyColumns<'py> {
    dates: [Option<PyDates<'py>>; 6],
    labels: [Option<(Bound<'py, PyBytes>, Vec<String>)>; 3],
}

/// A date column as Python gave it: days, or text codes with their names.
type PyDates<'py> = (Bound<'py, PyBytes>, Option<Vec<String>>);

const DATE_COLUMNS: [&str; 6] =
    ["member_since", "term_start", "term_end", "cancelled_on", "deceased_on", "override_until"];
const LABEL_COLUMNS: [&str; 3] = ["plan", "pending", "override_status"];
const NO_NAMES: &[String] = &[];

impl<'py> PyColumns<'py> {
    /// Takes the columns' buffers out of the dict: a date column is bytes (days) or a
    /// `(codes, names)` pair (text), a text column a `(codes, names)` pair; an absent one is
    /// left out.
    pub(crate) fn read(columns: &Bound<'py, PyDict>) -> PyResult<PyColumns<'py>> {
        let mut dates: [Option<PyDates<'py>>; 6] = Default::default();
        for (slot, name) in dates.iter_mut().zip(DATE_COLUMNS) {
            *slot = match columns.get_item(name)? {
                None => None,
                Some(v) => match v.cast_into::<PyBytes>() {
                    Ok(days) => Some((days, None)),
                    Err(e) => {
                        let (codes, names) = e.into_inner().extract::<(Bound<'py, PyBytes>, Vec<String>)>()?;
                        Some((codes, Some(names)))
                    }
                },
            };
        }
        let mut labels: [Option<(Bound<'py, PyBytes>, Vec<String>)>; 3] = Default::default();
        for (slot, name) in labels.iter_mut().zip(LABEL_COLUMNS) {
            *slot = columns.get_item(name)?.map(|v| v.extract::<(Bound<'py, PyBytes>, Vec<String>)>()).transpose()?;
        }
        Ok(PyColumns { dates, labels })
    }

    /// The columns as the batch reads them.
    pub(crate) fn columns(&self) -> Columns<'_> {
        let date = |i: usize| match &self.dates[i] {
            None => Dates::Days(&[]),
            Some((days, None)) => Dates::Days(days.as_bytes()),
            Some((codes, Some(names))) => Dates::Text(Labels { codes: codes.as_bytes(), names }),
        };
        let label = |i: usize| match &self.labels[i] {
            Some((codes, names)) => Labels { codes: codes.as_bytes(), names },
            None => Labels { codes: &[], names: NO_NAMES },
        };
        Columns {
            plan: label(0),
            member_since: date(0),
            term_start: date(1),
            term_end: date(2),
            pending: label(1),
            cancelled_on: date(3),
            deceased_on: date(4),
            override_status: label(2),
            override_until: date(5),
        }
    }
}

/// A validity bitmap in Arrow's layout (bit `i % 8` of byte `i / 8`, set when valid).
struct Validity(Vec<u8>);

impl Validity {
    fn new(n: usize) -> Validity {
        Validity(vec![0; n.div_ceil(8)])
    }
    fn set(&mut self, row: usize) {
        self.0[row / 8] |= 1 << (row % 8);
    }
    /// Whether no row is set (the column is all null).
    fn is_empty(&self) -> bool {
        self.0.iter().all(|b| *b == 0)
    }
}

/// The result columns, in Arrow's memory layout, so that Python wraps them without copying.
pub(crate) struct Output {
    n: usize,
    status: Vec<i8>,
    status_valid: Validity,
    counts_as_member: Validity,
    renewal_kind: Vec<i8>,
    renewal_valid: Validity,
    /// An index into the policy's plans: int32, as a policy has any number of plans.
    renewal_plan: Vec<i32>,
    renewal_start: Vec<i32>,
    renewal_end: Vec<i32>,
    renewal_end_valid: Validity,
    renewal_member_since: Vec<i32>,
    refusal: Vec<i16>,
    refusal_valid: Validity,
    refused_until: Vec<i32>,
    refused_until_valid: Validity,
    error_code: Vec<i16>,
    error_name: Vec<i16>,
    error_valid: Validity,
    error_offsets: Vec<i32>,
    error_text: Vec<u8>,
    quote_total: Vec<i128>,
    quote_currency: Vec<i8>,
    quote_valid: Validity,
    quote_error: Vec<i16>,
    quote_error_valid: Validity,
    route: Vec<i8>,
    route_valid: Validity,
    reason_offsets: Vec<i32>,
    reason_text: Vec<u8>,
    currencies: Vec<String>,
    quote_scale: u32,
}

fn i32_at(buf: &[u8], row: usize) -> i32 {
    let mut b = [0u8; 4];
    b.copy_from_slice(&buf[row * 4..row * 4 + 4]);
    i32::from_le_bytes(b)
}

fn days(date: Date) -> i32 {
    date.to_julian_day() - EPOCH_JULIAN_DAY
}

/// The position of a code in the error table (the order of `error_names`), -1 if it has none.
fn name_index(table: &[amscore::ErrorInfo], code: u32) -> i16 {
    table.iter().position(|e| e.code == code).and_then(|i| i16::try_from(i).ok()).unwrap_or(-1)
}

/// The position of `value` in a core vocabulary (the order of its category names).
fn position<T: PartialEq>(all: &[T], value: &T) -> i8 {
    all.iter().position(|x| x == value).and_then(|i| i8::try_from(i).ok()).unwrap_or(-1)
}

/// A row's problem before the core is asked: which code, and the message.
struct RowError {
    code: u32,
    message: String,
}

impl RowError {
    fn of<E: ErrorCode + std::fmt::Display>(err: &E) -> RowError {
        RowError { code: err.code(), message: err.to_string() }
    }

    /// A bad cell: the error's code, and its message after the column's name.
    fn in_column<E: ErrorCode + std::fmt::Display>(column: &str, err: &E) -> RowError {
        RowError { code: err.code(), message: format!("{column}: {err}") }
    }
}

/// Reads one date cell; `Ok(None)` for null.
fn date_cell(buf: &[u8], row: usize, column: &str) -> Result<Option<Date>, RowError> {
    if buf.is_empty() {
        return Ok(None);
    }
    match i32_at(buf, row) {
        NULL_DATE => Ok(None),
        INVALID_DATE => {
            let e = amscore::DateError::InvalidDate { text: column.to_owned() };
            Err(RowError { code: e.code(), message: format!("{column}: not a valid date") })
        }
        d => Date::from_julian_day(d.saturating_add(EPOCH_JULIAN_DAY)).map(Some).map_err(|_| {
            let e = amscore::DateError::OutOfRange { what: column.to_owned() };
            RowError { code: e.code(), message: format!("{column}: date out of range") }
        }),
    }
}

/// A date column as the rows read it: text names are read once each, with the core's grammar.
struct DateReader<'a> {
    column: &'static str,
    dates: Dates<'a>,
    /// Each name of a text column, read (`Err`: the name as given, not a date).
    parsed: Vec<Result<Option<Date>, String>>,
}

impl<'a> DateReader<'a> {
    fn new(column: &'static str, dates: Dates<'a>) -> DateReader<'a> {
        let parsed = match dates {
            Dates::Days(_) => Vec::new(),
            Dates::Text(labels) => {
                labels.parsed(|name| Cell::<Date>::Text(name).read().map_err(|_| name.trim().to_owned()))
            }
        };
        DateReader { column, dates, parsed }
    }

    /// One cell; `Ok(None)` for null (or an absent column).
    fn cell(&self, row: usize) -> Result<Option<Date>, RowError> {
        match self.dates {
            Dates::Days(buf) => date_cell(buf, row, self.column),
            Dates::Text(labels) => match labels.code(row) {
                None => Ok(None),
                Some(i) => self.parsed[i]
                    .clone()
                    .map_err(|text| RowError::in_column(self.column, &amscore::DateError::InvalidDate { text })),
            },
        }
    }

    /// A required cell: null is a missing value.
    fn required(&self, row: usize) -> Result<Date, RowError> {
        self.cell(row)?.ok_or_else(|| missing(self.column))
    }
}

fn missing(column: &str) -> RowError {
    let e = amscore::gateway::RequestError::MissingField { path: String::new(), field: column.to_owned() };
    RowError { code: e.code(), message: format!("{column}: missing value") }
}

/// The text columns read once per name with the core's grammar, and the plan templates the
/// rows fill in.
struct Readers<'a> {
    templates: Vec<Membership>,
    /// `pending` names as flags (`None`: not a yes/no value).
    flags: Vec<Option<bool>>,
    /// `override_status` names as statuses (`Ok(None)`: empty, no override).
    statuses: Vec<Result<Option<Status>, RosterError>>,
    member_since: DateReader<'a>,
    term_start: DateReader<'a>,
    term_end: DateReader<'a>,
    cancelled_on: DateReader<'a>,
    deceased_on: DateReader<'a>,
    override_until: DateReader<'a>,
}

impl<'a> Readers<'a> {
    fn new(c: &Columns<'a>) -> Result<Readers<'a>, String> {
        let epoch = Date::from_julian_day(EPOCH_JULIAN_DAY).map_err(|e| e.to_string())?;
        let templates = c.plan.parsed(|name| Membership {
            member_id: MemberId(String::new()),
            plan: PlanId::from(name),
            member_since: epoch,
            term: Term::lifetime(epoch),
            pending: false,
            cancelled_on: None,
            status_override: None,
            deceased_on: None,
        });
        // Each distinct label is read once, with the core's one grammar (empty is no / none).
        let flags = c.pending.parsed(|name| Cell::<bool>::Text(name).read().ok().map(Option::unwrap_or_default));
        let statuses =
            c.override_status.parsed(|name| Cell::<Status>::Text(name).read().map_err(|_| RosterError::InvalidStatus));
        Ok(Readers {
            templates,
            flags,
            statuses,
            member_since: DateReader::new("member_since", c.member_since),
            term_start: DateReader::new("term_start", c.term_start),
            term_end: DateReader::new("term_end", c.term_end),
            cancelled_on: DateReader::new("cancelled_on", c.cancelled_on),
            deceased_on: DateReader::new("deceased_on", c.deceased_on),
            override_until: DateReader::new("override_until", c.override_until),
        })
    }

    /// Fills the row's plan template with the row's facts.
    fn membership(&mut self, c: &Columns<'_>, row: usize) -> Result<&Membership, RowError> {
        let m = c.plan.code(row).and_then(|i| self.templates.get_mut(i)).ok_or_else(|| missing("plan"))?;
        m.member_since = self.member_since.required(row)?;
        let start = self.term_start.required(row)?;
        // A null end is a lifetime term: the core refuses it on any other plan (term_end_missing).
        let end = self.term_end.cell(row)?;
        m.term = Term::new(start, end).map_err(|e| RowError::of(&e))?;
        m.pending = match c.pending.code(row) {
            None => false,
            Some(i) => self.flags[i].ok_or_else(|| RowError::in_column("pending", &RosterError::InvalidFlag))?,
        };
        m.cancelled_on = self.cancelled_on.cell(row)?;
        m.deceased_on = self.deceased_on.cell(row)?;
        let status = match c.override_status.code(row) {
            None => None,
            Some(i) => self.statuses[i].clone().map_err(|e| RowError::in_column("override_status", &e))?,
        };
        let until = self.override_until.cell(row)?;
        m.status_override = match (status, until) {
            (Some(status), until) => Some(StatusOverride { status, until }),
            (None, Some(_)) => return Err(missing("override_status")),
            (None, None) => None,
        };
        Ok(m)
    }
}

/// Assesses every row.
///
/// # Errors
/// A message when the buffers' lengths disagree (a bug in the Python wrapper, not a bad row).
pub(crate) fn run(
    engine: &amscore::Engine,
    c: &Columns<'_>,
    as_of: Date,
    terms: u32,
    decide: bool,
) -> Result<Output, String> {
    let n = c.plan.codes.len() / 4;
    let dates_ok = |b: &[u8]| b.is_empty() || b.len() == n * 4;
    let lengths_ok = c.plan.codes.len() == n * 4
        && [c.member_since, c.term_start, c.term_end].iter().all(|d| d.bytes().len() == n * 4)
        && [
            c.cancelled_on.bytes(),
            c.deceased_on.bytes(),
            c.override_until.bytes(),
            c.pending.codes,
            c.override_status.codes,
        ]
        .iter()
        .all(|b| dates_ok(b));
    if !lengths_ok {
        return Err("batch columns have different lengths".into());
    }
    let mut readers = Readers::new(c)?;
    let table = amscore::error_table();
    let mut currencies: Vec<String> = Vec::new();
    for p in &engine.policy().plans {
        let code = p.prices.currency.code().to_owned();
        if !currencies.contains(&code) {
            currencies.push(code);
        }
    }
    let quote_scale = engine.policy().plans.iter().map(|p| p.prices.currency.minor_units()).max().unwrap_or(2);
    let decided = if decide { n } else { 0 };
    let mut out = Output {
        n,
        status: vec![0; n],
        status_valid: Validity::new(n),
        counts_as_member: Validity::new(n),
        renewal_kind: vec![0; n],
        renewal_valid: Validity::new(n),
        renewal_plan: vec![0; n],
        renewal_start: vec![0; n],
        renewal_end: vec![0; n],
        renewal_end_valid: Validity::new(n),
        renewal_member_since: vec![0; n],
        refusal: vec![0; n],
        refusal_valid: Validity::new(n),
        refused_until: vec![0; n],
        refused_until_valid: Validity::new(n),
        error_code: vec![0; n],
        error_name: vec![0; n],
        error_valid: Validity::new(n),
        error_offsets: Vec::with_capacity(n + 1),
        error_text: Vec::new(),
        quote_total: vec![0; n],
        quote_currency: vec![0; n],
        quote_valid: Validity::new(n),
        quote_error: vec![0; n],
        quote_error_valid: Validity::new(n),
        route: vec![0; decided],
        route_valid: Validity::new(decided),
        reason_offsets: Vec::with_capacity(if decide { n + 1 } else { 0 }),
        reason_text: Vec::new(),
        currencies,
        quote_scale,
    };
    out.error_offsets.push(0);
    if decide {
        out.reason_offsets.push(0);
    }
    for row in 0..n {
        let assessed = readers
            .membership(c, row)
            .and_then(|m| engine.assess(m, as_of, terms, decide).map_err(|e| RowError::of(&e)));
        match assessed {
            Ok(a) => out.put(engine, &a, row, &table),
            Err(e) => {
                out.error_code[row] = i16::try_from(e.code).unwrap_or(i16::MAX);
                out.error_name[row] = name_index(&table, e.code);
                out.error_valid.set(row);
                out.error_text.extend_from_slice(e.message.as_bytes());
            }
        }
        out.error_offsets.push(i32::try_from(out.error_text.len()).map_err(|_| "error messages exceed 2 GiB")?);
        if decide {
            out.reason_offsets.push(i32::try_from(out.reason_text.len()).map_err(|_| "reasons exceed 2 GiB")?);
        }
    }
    Ok(out)
}

impl Output {
    /// Writes one row's assessment into the result columns.
    fn put(&mut self, engine: &amscore::Engine, a: &Assessment, row: usize, table: &[amscore::ErrorInfo]) {
        self.status[row] = position(&Status::ALL, &a.status.status);
        self.status_valid.set(row);
        if a.status.counts_as_member {
            self.counts_as_member.set(row);
        }
        match &a.renewal {
            Ok(r) => {
                self.renewal_kind[row] = position(&RenewalKind::ALL, &r.kind);
                let plans = &engine.policy().plans;
                self.renewal_plan[row] =
                    plans.iter().position(|p| p.id == r.plan).and_then(|i| i32::try_from(i).ok()).unwrap_or(-1);
                self.renewal_start[row] = days(r.term.start);
                if let Some(end) = r.term.end {
                    self.renewal_end[row] = days(end);
                    self.renewal_end_valid.set(row);
                }
                self.renewal_member_since[row] = days(r.member_since);
                self.renewal_valid.set(row);
            }
            Err(refused) => {
                self.refusal[row] = name_index(table, refused.code());
                self.refusal_valid.set(row);
                if let Some(until) = a.refused_until() {
                    self.refused_until[row] = days(until);
                    self.refused_until_valid.set(row);
                }
            }
        }
        match &a.quote_total {
            Ok(total) => {
                let mut amount = total.amount();
                amount.rescale(self.quote_scale);
                self.quote_total[row] = amount.mantissa();
                let currency = total.currency();
                self.quote_currency[row] = self
                    .currencies
                    .iter()
                    .position(|c| c == currency.code())
                    .and_then(|i| i8::try_from(i).ok())
                    .unwrap_or(-1);
                self.quote_valid.set(row);
            }
            // When refused, the quote's error is the refusal, already in `renewal_refusal`.
            Err(e) if a.renewal.is_ok() => {
                self.quote_error[row] = name_index(table, e.code());
                self.quote_error_valid.set(row);
            }
            Err(_) => {}
        }
        if let Some(Ok(d)) = &a.decision {
            self.route[row] = i8::try_from(d.route.severity()).unwrap_or(-1);
            self.route_valid.set(row);
            for (i, r) in d.reasons.iter().enumerate() {
                if i > 0 {
                    self.reason_text.push(b';');
                }
                self.reason_text.extend_from_slice(r.code.as_str().as_bytes());
            }
        }
    }
}

/// A column as a Python bytes object of its little-endian values, written in place; consumes
/// (and so frees) the column.
fn le_bytes<'py, T: Copy, const N: usize>(
    py: Python<'py>,
    values: Vec<T>,
    to_le: fn(T) -> [u8; N],
) -> PyResult<Bound<'py, PyBytes>> {
    PyBytes::new_with(py, values.len() * N, |bytes| {
        for (chunk, v) in bytes.chunks_exact_mut(N).zip(values) {
            chunk.copy_from_slice(&to_le(v));
        }
        Ok(())
    })
}

impl Output {
    /// The result columns as a dict of Arrow buffers (bytes), plus the name tables the codes
    /// index. Each buffer is copied into Python once and its Rust copy dropped straight away.
    pub(crate) fn into_dict<'py>(self, py: Python<'py>, engine: &amscore::Engine) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        let Output {
            n,
            status,
            status_valid,
            counts_as_member,
            renewal_kind,
            renewal_valid,
            renewal_plan,
            renewal_start,
            renewal_end,
            renewal_end_valid,
            renewal_member_since,
            refusal,
            refusal_valid,
            refused_until,
            refused_until_valid,
            error_code,
            error_name,
            error_valid,
            error_offsets,
            error_text,
            quote_total,
            quote_currency,
            quote_valid,
            quote_error,
            quote_error_valid,
            route,
            route_valid,
            reason_offsets,
            reason_text,
            currencies,
            quote_scale,
        } = self;
        // A column whose rows are all null carries no data: its buffers (validity included) go
        // out as None, and Python backs them with one shared zeroed buffer.
        let put = |key: &str, null: bool, bytes: Vec<u8>| match null {
            true => d.set_item(key, py.None()),
            false => d.set_item(key, PyBytes::new(py, &bytes)),
        };
        macro_rules! put_le {
            ($key:expr, $null:expr, $values:expr, $to_le:expr) => {
                match $null {
                    true => d.set_item($key, py.None()),
                    false => d.set_item($key, le_bytes(py, $values, $to_le)?),
                }
            };
        }
        let status_null = status_valid.is_empty();
        let renewal_null = renewal_valid.is_empty();
        let renewal_end_null = renewal_end_valid.is_empty();
        let refusal_null = refusal_valid.is_empty();
        let refused_until_null = refused_until_valid.is_empty();
        let error_null = error_valid.is_empty();
        let quote_null = quote_valid.is_empty();
        let quote_error_null = quote_error_valid.is_empty();
        let route_null = route_valid.is_empty();
        d.set_item("rows", n)?;
        put_le!("status", status_null, status, i8::to_le_bytes)?;
        put("status_valid", status_null, status_valid.0)?;
        put("counts_as_member", status_null, counts_as_member.0)?;
        put_le!("renewal_kind", renewal_null, renewal_kind, i8::to_le_bytes)?;
        put("renewal_valid", renewal_null, renewal_valid.0)?;
        put_le!("renewal_plan", renewal_null, renewal_plan, i32::to_le_bytes)?;
        put_le!("renewal_start", renewal_null, renewal_start, i32::to_le_bytes)?;
        put_le!("renewal_end", renewal_end_null, renewal_end, i32::to_le_bytes)?;
        put("renewal_end_valid", renewal_end_null, renewal_end_valid.0)?;
        put_le!("renewal_member_since", renewal_null, renewal_member_since, i32::to_le_bytes)?;
        put_le!("refusal", refusal_null, refusal, i16::to_le_bytes)?;
        put("refusal_valid", refusal_null, refusal_valid.0)?;
        put_le!("refused_until", refused_until_null, refused_until, i32::to_le_bytes)?;
        put("refused_until_valid", refused_until_null, refused_until_valid.0)?;
        put_le!("error_code", error_null, error_code, i16::to_le_bytes)?;
        put_le!("error_name", error_null, error_name, i16::to_le_bytes)?;
        put("error_valid", error_null, error_valid.0)?;
        put_le!("error_offsets", error_null, error_offsets, i32::to_le_bytes)?;
        put("error_text", false, error_text)?;
        put_le!("quote_total", quote_null, quote_total, i128::to_le_bytes)?;
        d.set_item("quote_scale", quote_scale)?;
        put_le!("quote_currency", quote_null, quote_currency, i8::to_le_bytes)?;
        d.set_item("currency_names", currencies)?;
        put("quote_valid", quote_null, quote_valid.0)?;
        put_le!("quote_error", quote_error_null, quote_error, i16::to_le_bytes)?;
        put("quote_error_valid", quote_error_null, quote_error_valid.0)?;
        put_le!("route", route_null, route, i8::to_le_bytes)?;
        put("route_valid", route_null, route_valid.0)?;
        d.set_item("route_names", Route::NAMES.to_vec())?;
        put_le!("reason_offsets", route_null, reason_offsets, i32::to_le_bytes)?;
        put("reason_text", false, reason_text)?;
        d.set_item("status_names", Status::ALL.map(|s| s.as_str()).to_vec())?;
        d.set_item("renewal_kind_names", RenewalKind::ALL.map(|k| k.as_str()).to_vec())?;
        d.set_item("renewal_plan_names", engine.policy().plans.iter().map(|p| p.id.as_str()).collect::<Vec<_>>())?;
        d.set_item("error_names", amscore::error_table().iter().map(|e| e.name).collect::<Vec<_>>())?;
        Ok(d)
    }
}
