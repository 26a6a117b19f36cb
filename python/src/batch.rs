//! The columnar batch: the core's assessment of every member of a roster (status, renewal or
//! its refusal, renewal quote, optionally the online decision), from flat columns without the
//! GIL. The roster is a term history (several rows per member) or one row per member: the
//! columns become the core's [`TermRow`]s, [`Roster::from_rows`] checks every row and builds each
//! member (the one member model and the one rule of which row's facts win), `Engine::assess`
//! answers once per member, and the answer is written on every row of the member. A row with
//! problems gets them in its own error columns. This file only converts.

use amscore::{Assessment, Cell, ErrorCode, RenewalKind, Roster, Route, RowError, Status, TermRow};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict};
use time::Date;

/// The null marker of a date column.
pub(crate) const NULL_DATE: i32 = i32::MIN;
/// The marker of a date cell that could not be read as a date.
pub(crate) const INVALID_DATE: i32 = i32::MIN + 1;
/// The Julian day number of 1970-01-01.
const EPOCH_JULIAN_DAY: i32 = 2_440_588;
/// What a typed date cell that is no calendar date (out of the years the core reads) is given
/// to the core as: text its grammar refuses, so that the row gets the roster's `impossible_date`.
const NOT_A_DATE: &str = "not a date";

/// A dictionary's names as Arrow lays out text: `len + 1` little-endian int32 offsets into the
/// UTF-8 `data` (no Python string, no allocation per name).
#[derive(Clone, Copy)]
pub(crate) struct Names<'a> {
    offsets: &'a [u8],
    data: &'a [u8],
}

impl<'a> Names<'a> {
    const NONE: Names<'static> = Names { offsets: &[], data: &[] };

    fn len(&self) -> usize {
        (self.offsets.len() / 4).saturating_sub(1)
    }

    /// The `i`-th name; text that is not UTF-8 (Arrow's strings always are) reads as a name the
    /// core's grammar refuses, so the row gets the error.
    fn get(&self, i: usize) -> &'a str {
        let at = |k: usize| usize::try_from(i32_at(self.offsets, k)).unwrap_or(usize::MAX);
        self.data.get(at(i)..at(i + 1)).and_then(|b| std::str::from_utf8(b).ok()).unwrap_or(NOT_TEXT)
    }
}

/// What a name that is not UTF-8 text is given to the core as: text every grammar refuses.
const NOT_TEXT: &str = "\u{FFFD}";

/// A text column, dictionary-encoded: one little-endian int32 code per row into `names`
/// (-1 for null). No codes: the column is absent.
#[derive(Clone, Copy)]
pub(crate) struct Labels<'a> {
    pub(crate) codes: &'a [u8],
    pub(crate) names: Names<'a>,
}

impl<'a> Labels<'a> {
    /// The name index of a row; `None` for null or an absent column.
    fn code(&self, row: usize) -> Option<usize> {
        if self.codes.is_empty() {
            return None;
        }
        usize::try_from(i32_at(self.codes, row)).ok().filter(|i| *i < self.names.len())
    }

    /// The row's text: empty for null or an absent column.
    fn text(&self, row: usize) -> &'a str {
        self.code(row).map_or("", |i| self.names.get(i))
    }

    /// Each name as a cell of the core's grammar, read once: a row's cell is then one lookup.
    /// A name the grammar refuses stays text, so that the core reports it in the row.
    fn cells<T: amscore::Grammar + Copy>(&self) -> Vec<Cell<'a, T>> {
        let names = self.names;
        (0..names.len())
            .map(|i| {
                let name = names.get(i);
                match Cell::<T>::Text(name).read() {
                    Ok(Some(v)) => Cell::Value(v),
                    Ok(None) => Cell::Empty,
                    Err(_) => Cell::Text(name),
                }
            })
            .collect()
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
    pub(crate) member_id: Labels<'a>,
    pub(crate) plan: Labels<'a>,
    pub(crate) member_since: Dates<'a>,
    pub(crate) term_start: Dates<'a>,
    pub(crate) term_end: Dates<'a>,
    pub(crate) pending: Labels<'a>,
    pub(crate) cancelled_on: Dates<'a>,
    pub(crate) deceased_on: Dates<'a>,
    pub(crate) override_status: Labels<'a>,
    pub(crate) override_until: Dates<'a>,
    pub(crate) amount_paid: Labels<'a>,
    pub(crate) currency: Labels<'a>,
    pub(crate) auto_renew: Labels<'a>,
    pub(crate) balance_due: Labels<'a>,
    pub(crate) organization: Labels<'a>,
}

/// The input columns as Python gave them (`Engine._batch_columns`' dict), held while the core
/// reads their bytes.
pub(crate) struct PyColumns<'py> {
    dates: [Option<PyDates<'py>>; 6],
    labels: [Option<PyLabels<'py>>; 9],
}

/// A text column as Python gave it: codes, then the names' offsets and data.
type PyLabels<'py> = (Bound<'py, PyBytes>, Bound<'py, PyBytes>, Bound<'py, PyBytes>);

/// A date column as Python gave it: days, or text codes with their names.
type PyDates<'py> = (Bound<'py, PyBytes>, Option<(Bound<'py, PyBytes>, Bound<'py, PyBytes>)>);

const DATE_COLUMNS: [&str; 6] =
    ["member_since", "term_start", "term_end", "cancelled_on", "deceased_on", "override_until"];
const LABEL_COLUMNS: [&str; 9] = [
    "member_id",
    "plan",
    "pending",
    "override_status",
    "amount_paid",
    "currency",
    "auto_renew",
    "balance_due",
    "organization",
];

impl<'py> PyColumns<'py> {
    /// Takes the columns' buffers out of the dict: a date column is bytes (days) or a
    /// `(codes, offsets, data)` triple (text), a text column a `(codes, offsets, data)` triple; an absent one is
    /// left out.
    pub(crate) fn read(columns: &Bound<'py, PyDict>) -> PyResult<PyColumns<'py>> {
        let mut dates: [Option<PyDates<'py>>; 6] = Default::default();
        for (slot, name) in dates.iter_mut().zip(DATE_COLUMNS) {
            *slot = match columns.get_item(name)? {
                None => None,
                Some(v) => match v.cast_into::<PyBytes>() {
                    Ok(days) => Some((days, None)),
                    Err(e) => {
                        let (codes, offsets, data) = e.into_inner().extract::<PyLabels<'py>>()?;
                        Some((codes, Some((offsets, data))))
                    }
                },
            };
        }
        let mut labels: [Option<PyLabels<'py>>; 9] = Default::default();
        for (slot, name) in labels.iter_mut().zip(LABEL_COLUMNS) {
            *slot = columns.get_item(name)?.map(|v| v.extract::<PyLabels<'py>>()).transpose()?;
        }
        Ok(PyColumns { dates, labels })
    }

    /// The columns as the batch reads them.
    pub(crate) fn columns(&self) -> Columns<'_> {
        let date = |i: usize| match &self.dates[i] {
            None => Dates::Days(&[]),
            Some((days, None)) => Dates::Days(days.as_bytes()),
            Some((codes, Some((offsets, data)))) => Dates::Text(Labels {
                codes: codes.as_bytes(),
                names: Names { offsets: offsets.as_bytes(), data: data.as_bytes() },
            }),
        };
        let label = |i: usize| match &self.labels[i] {
            Some((codes, offsets, data)) => {
                Labels { codes: codes.as_bytes(), names: Names { offsets: offsets.as_bytes(), data: data.as_bytes() } }
            }
            None => Labels { codes: &[], names: Names::NONE },
        };
        Columns {
            member_id: label(0),
            plan: label(1),
            member_since: date(0),
            term_start: date(1),
            term_end: date(2),
            pending: label(2),
            cancelled_on: date(3),
            deceased_on: date(4),
            override_status: label(3),
            override_until: date(5),
            amount_paid: label(4),
            currency: label(5),
            auto_renew: label(6),
            balance_due: label(7),
            organization: label(8),
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
    /// Set on the row each member's current facts come from (a bool column, never null).
    current_term: Validity,
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

/// A date column as the rows read it: each text name read once with the core's grammar.
enum DateReader<'a> {
    Days(&'a [u8]),
    Text(Labels<'a>, Vec<Cell<'a, Date>>),
}

impl<'a> DateReader<'a> {
    fn new(dates: Dates<'a>) -> DateReader<'a> {
        match dates {
            Dates::Days(buf) => DateReader::Days(buf),
            Dates::Text(labels) => DateReader::Text(labels, labels.cells()),
        }
    }

    /// One cell: empty for null (or an absent column).
    fn cell(&self, row: usize) -> Cell<'a, Date> {
        match self {
            DateReader::Days([]) => Cell::Empty,
            DateReader::Days(buf) => match i32_at(buf, row) {
                NULL_DATE => Cell::Empty,
                INVALID_DATE => Cell::Text(NOT_A_DATE),
                d => Date::from_julian_day(d.saturating_add(EPOCH_JULIAN_DAY))
                    .map_or(Cell::Text(NOT_A_DATE), Cell::Value),
            },
            DateReader::Text(labels, cells) => labels.code(row).map_or(Cell::Empty, |i| cells[i]),
        }
    }
}

/// The columns as the core's rows: text read once per distinct value.
struct RowReader<'a> {
    c: &'a Columns<'a>,
    member_since: DateReader<'a>,
    term_start: DateReader<'a>,
    term_end: DateReader<'a>,
    cancelled_on: DateReader<'a>,
    deceased_on: DateReader<'a>,
    override_until: DateReader<'a>,
    pending: Vec<Cell<'a, bool>>,
    auto_renew: Vec<Cell<'a, bool>>,
    amount_paid: Vec<Cell<'a, rust_decimal::Decimal>>,
    balance_due: Vec<Cell<'a, rust_decimal::Decimal>>,
}

impl<'a> RowReader<'a> {
    fn new(c: &'a Columns<'a>) -> RowReader<'a> {
        RowReader {
            c,
            member_since: DateReader::new(c.member_since),
            term_start: DateReader::new(c.term_start),
            term_end: DateReader::new(c.term_end),
            cancelled_on: DateReader::new(c.cancelled_on),
            deceased_on: DateReader::new(c.deceased_on),
            override_until: DateReader::new(c.override_until),
            pending: c.pending.cells(),
            auto_renew: c.auto_renew.cells(),
            amount_paid: c.amount_paid.cells(),
            balance_due: c.balance_due.cells(),
        }
    }

    /// A row's cell of a text column read once per name.
    fn looked_up<T: Copy>(labels: &Labels<'a>, cells: &[Cell<'a, T>], row: usize) -> Cell<'a, T> {
        labels.code(row).map_or(Cell::Empty, |i| cells[i])
    }

    /// Row `row` as the roster loader reads it.
    fn row(&self, row: usize) -> TermRow<'a> {
        let c = self.c;
        TermRow {
            member_id: c.member_id.text(row),
            plan: c.plan.text(row),
            member_since: self.member_since.cell(row),
            term_start: self.term_start.cell(row),
            term_end: self.term_end.cell(row),
            pending: Self::looked_up(&c.pending, &self.pending, row),
            cancelled_on: self.cancelled_on.cell(row),
            deceased_on: self.deceased_on.cell(row),
            override_status: c.override_status.text(row),
            override_until: self.override_until.cell(row),
            amount_paid: Self::looked_up(&c.amount_paid, &self.amount_paid, row),
            currency: c.currency.text(row),
            auto_renew: Self::looked_up(&c.auto_renew, &self.auto_renew, row),
            balance_due: Self::looked_up(&c.balance_due, &self.balance_due, row),
            organization: c.organization.text(row),
            attributes: Vec::new(),
        }
    }
}

/// No text for the row (an index into the batch's messages or reasons).
const NO_TEXT: u32 = u32::MAX;

/// A row's problems as its error message: each problem after its column's name.
fn problems_message(problems: &[RowError]) -> String {
    let mut out = String::new();
    for p in problems {
        if !out.is_empty() {
            out.push_str("; ");
        }
        if let Some(field) = &p.field {
            out.push_str(field);
            out.push_str(": ");
        }
        out.push_str(&p.message);
    }
    out
}

/// Assesses every member and writes each member's answer on each of their rows.
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
    let optional_ok = |b: &[u8]| b.is_empty() || b.len() == n * 4;
    let lengths_ok = c.plan.codes.len() == n * 4
        && c.member_id.codes.len() == n * 4
        && [c.member_since, c.term_start, c.term_end].iter().all(|d| d.bytes().len() == n * 4)
        && [
            c.cancelled_on.bytes(),
            c.deceased_on.bytes(),
            c.override_until.bytes(),
            c.pending.codes,
            c.override_status.codes,
            c.amount_paid.codes,
            c.currency.codes,
            c.auto_renew.codes,
            c.balance_due.codes,
            c.organization.codes,
        ]
        .iter()
        .all(|b| optional_ok(b));
    if !lengths_ok {
        return Err("batch columns have different lengths".into());
    }
    let reader = RowReader::new(c);
    let roster = Roster::from_rows(engine.rules(), (0..n).map(|row| reader.row(row)));
    let table = amscore::error_table();
    let mut out = Output::new(engine, n, decide);
    // Messages and reasons, each written once, and which one each row shows.
    let mut messages: Vec<String> = Vec::new();
    let mut row_message = vec![NO_TEXT; n];
    let mut reasons: Vec<String> = Vec::new();
    let mut row_reasons = vec![NO_TEXT; if decide { n } else { 0 }];
    let text_index = |texts: &Vec<String>| u32::try_from(texts.len()).map_err(|_| "too many messages".to_owned());
    for member in &roster.members {
        let rows = || member.terms.iter().filter_map(|t| t.row).filter(|r| *r < n);
        match engine.assess(&member.membership, as_of, terms, decide) {
            Ok(a) => {
                let reason = match reasons_of(&a) {
                    Some(text) => {
                        let i = text_index(&reasons)?;
                        reasons.push(text);
                        i
                    }
                    None => NO_TEXT,
                };
                for row in rows() {
                    out.put(engine, &a, row, &table);
                    if decide {
                        row_reasons[row] = reason;
                    }
                }
            }
            Err(e) => {
                let i = text_index(&messages)?;
                messages.push(e.to_string());
                for row in rows() {
                    out.put_error(&table, e.code(), row);
                    row_message[row] = i;
                }
            }
        }
        if let Some(row) = member.row().filter(|r| *r < n) {
            out.current_term.set(row);
        }
    }
    for problems in roster.problems.chunk_by(|a, b| a.row == b.row) {
        let row = problems[0].row;
        if row >= n {
            continue;
        }
        let i = text_index(&messages)?;
        messages.push(problems_message(problems));
        out.put_error(&table, problems[0].code, row);
        row_message[row] = i;
    }
    for row in 0..n {
        if let Some(m) = messages.get(row_message[row] as usize) {
            out.error_text.extend_from_slice(m.as_bytes());
        }
        out.error_offsets.push(i32::try_from(out.error_text.len()).map_err(|_| "error messages exceed 2 GiB")?);
        if decide {
            if let Some(r) = reasons.get(row_reasons[row] as usize) {
                out.reason_text.extend_from_slice(r.as_bytes());
            }
            out.reason_offsets.push(i32::try_from(out.reason_text.len()).map_err(|_| "reasons exceed 2 GiB")?);
        }
    }
    Ok(out)
}

/// The online decision's reasons, joined by `;`, when there is a decision.
fn reasons_of(a: &Assessment) -> Option<String> {
    match &a.decision {
        Some(Ok(d)) => Some(d.reasons.iter().map(|r| r.code.as_str()).collect::<Vec<_>>().join(";")),
        _ => None,
    }
}

impl Output {
    fn new(engine: &amscore::Engine, n: usize, decide: bool) -> Output {
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
            current_term: Validity::new(n),
            currencies,
            quote_scale,
        };
        out.error_offsets.push(0);
        if decide {
            out.reason_offsets.push(0);
        }
        out
    }

    /// Writes a row's error code and name (its message is written in row order by `run`).
    fn put_error(&mut self, table: &[amscore::ErrorInfo], code: u32, row: usize) {
        self.error_code[row] = i16::try_from(code).unwrap_or(i16::MAX);
        self.error_name[row] = name_index(table, code);
        self.error_valid.set(row);
    }
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
            current_term,
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
        put("current_term", false, current_term.0)?;
        d.set_item("status_names", Status::ALL.map(|s| s.as_str()).to_vec())?;
        d.set_item("renewal_kind_names", RenewalKind::ALL.map(|k| k.as_str()).to_vec())?;
        d.set_item("renewal_plan_names", engine.policy().plans.iter().map(|p| p.id.as_str()).collect::<Vec<_>>())?;
        d.set_item("error_names", amscore::error_table().iter().map(|e| e.name).collect::<Vec<_>>())?;
        Ok(d)
    }
}
