//! The success analytics over columns: the members and events columns (Python lists of cells, or typed buffers: day numbers, dictionary-coded text, flags, exact decimals; no Python object per row) become the core's typed rows (`TermRow`, `EventRow`, `CodedEventRow`: each distinct text once, read by the core's grammar), the core reads, checks and computes, and its answers (engagement scores and segments as columns) and structured row errors come back. Nothing here parses text or decides a rule: it only converts types.

use std::collections::BTreeMap;

use amscore::success::{
    self, ActivityLog, CodedEventRow, Economics, EventRow, KindPoints, PreviousTrigger, SuccessError,
};
use amscore::{Cell, Column, Roster, RowError, TermRow};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyBytes, PyDict, PyInt, PyList, PyString, PyTuple};
use rust_decimal::Decimal;
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use time::{Date, Duration};

use crate::convert::{decimal_text, from_value, is_instance_of};

/// One cell of a column as Python gave it, owned until the core has read the rows.
enum Given {
    Null,
    Text(String),
    Date(Date),
    Flag(bool),
}

impl Given {
    fn text(&self) -> &str {
        match self {
            Given::Text(t) => t,
            _ => "",
        }
    }

    fn date(&self) -> Cell<'_, Date> {
        match self {
            Given::Null | Given::Flag(_) => Cell::Empty,
            Given::Text(t) => Cell::Text(t),
            Given::Date(d) => Cell::Value(*d),
        }
    }

    fn flag(&self) -> Cell<'_, bool> {
        match self {
            Given::Flag(b) => Cell::Value(*b),
            Given::Text(t) => Cell::Text(t),
            _ => Cell::Empty,
        }
    }

    fn decimal(&self) -> Cell<'_, rust_decimal::Decimal> {
        match self {
            Given::Text(t) => Cell::Text(t),
            _ => Cell::Empty,
        }
    }
}

/// 1970-01-01, day 0 of the day numbers a `datetime64` column is passed as.
const EPOCH: Date = time::macros::date!(1970 - 01 - 01);

/// A column: `None`, `str`, `bool`, a `decimal.Decimal` (its exact text, see
/// [`decimal_text`]), a `datetime.date`, or an `int` day number (days since
/// 1970-01-01, how `amscore._success` passes a `datetime64` column).
fn column(list: &Bound<'_, PyAny>, name: &str, rows: usize) -> PyResult<Vec<Given>> {
    let list = list.cast::<PyList>().map_err(|_| PyTypeError::new_err(format!("{name}: expected a list")))?;
    if list.len() != rows {
        return Err(PyTypeError::new_err(format!("{name}: {} values for {rows} rows", list.len())));
    }
    let mut out = Vec::with_capacity(rows);
    for (row, v) in list.iter().enumerate() {
        let given = if v.is_none() {
            Given::Null
        } else if let Ok(s) = v.cast::<PyString>() {
            Given::Text(s.to_cow()?.into_owned())
        } else if let Ok(b) = v.cast::<PyBool>() {
            Given::Flag(b.is_true())
        } else if v.is_instance_of::<PyInt>() {
            let days: i64 = v.extract()?;
            let date = EPOCH.checked_add(Duration::days(days));
            Given::Date(date.ok_or_else(|| PyTypeError::new_err(format!("{name}: row {row}: date out of range")))?)
        } else if is_instance_of(&v, "decimal", "Decimal")? {
            Given::Text(decimal_text(&v)?)
        } else if let Ok(d) = v.extract::<Date>() {
            Given::Date(d)
        } else {
            let kind = v.get_type().name().map(|n| n.to_string()).unwrap_or_default();
            return Err(PyTypeError::new_err(format!("{name}: row {row}: unexpected {kind}")));
        };
        out.push(given);
    }
    Ok(out)
}

/// A dictionary's names as Arrow lays out text: `len + 1` little-endian int32 offsets into the
/// UTF-8 `data` (no Python string, no allocation per name).
#[derive(Clone, Copy)]
struct Names<'a> {
    offsets: &'a [u8],
    data: &'a [u8],
}

/// What a name that is not UTF-8 text is given to the core as: text every grammar refuses.
const NOT_TEXT: &str = "\u{FFFD}";

/// The little-endian int32 at `i` of a buffer (0 past its end: the lengths are checked first).
fn i32_at(bytes: &[u8], i: usize) -> i32 {
    bytes.get(i * 4..i * 4 + 4).map_or(0, |b| i32::from_le_bytes([b[0], b[1], b[2], b[3]]))
}

impl<'a> Names<'a> {
    fn len(&self) -> usize {
        (self.offsets.len() / 4).saturating_sub(1)
    }

    /// The `i`-th name; text that is not UTF-8 (Arrow's strings always are) reads as a name the
    /// core's grammar refuses.
    fn get(&self, i: usize) -> &'a str {
        let at = |k: usize| usize::try_from(i32_at(self.offsets, k)).unwrap_or(usize::MAX);
        self.data.get(at(i)..at(i + 1)).and_then(|b| std::str::from_utf8(b).ok()).unwrap_or(NOT_TEXT)
    }

    fn all(&self) -> Vec<&'a str> {
        (0..self.len()).map(|i| self.get(i)).collect()
    }
}

/// A column as Python gave it (see `Engine._success`).
enum PyColumn<'py> {
    /// One Python value per row, read one by one.
    Cells(Vec<Given>),
    /// Little-endian int32 days since 1970-01-01, `i32::MIN` for null.
    Days(Bound<'py, PyBytes>),
    /// Text, dictionary-encoded: little-endian int32 codes (-1 for null) into names laid out as
    /// Arrow text (int32 offsets, UTF-8 data).
    Codes(Bound<'py, PyBytes>, Bound<'py, PyBytes>, Bound<'py, PyBytes>),
    /// Flags: one int8 per row, 0 or 1, -1 for null.
    Flags(Bound<'py, PyBytes>),
    /// Exact decimals: one little-endian int128 per row (the value times 10^scale), a validity
    /// byte per row (1: a value, 0: null), and the scale (0 to 28).
    Decimals(Bound<'py, PyBytes>, Bound<'py, PyBytes>, u32),
}

/// The null marker of a days column.
const NULL_DAY: i32 = i32::MIN;

/// A column borrowed for the core (no Python object: read without the GIL).
#[derive(Clone, Copy)]
enum Col<'a> {
    Absent,
    Cells(&'a [Given]),
    Days(&'a [u8]),
    Codes(&'a [u8], Names<'a>),
    Flags(&'a [u8]),
    Decimals(&'a [u8], &'a [u8], u32),
}

impl<'a> Col<'a> {
    /// The name index of a row of a text column; `None` for null.
    fn code(codes: &[u8], names: &Names<'_>, row: usize) -> Option<usize> {
        usize::try_from(i32_at(codes, row)).ok().filter(|i| *i < names.len())
    }

    fn text(&self, row: usize) -> &'a str {
        match *self {
            Col::Cells(c) => c.get(row).map_or("", Given::text),
            Col::Codes(codes, names) => Self::code(codes, &names, row).map_or("", |i| names.get(i)),
            _ => "",
        }
    }

    fn date(&self, row: usize) -> Cell<'a, Date> {
        match *self {
            Col::Cells(c) => c.get(row).map_or(Cell::Empty, Given::date),
            Col::Days(days) => match i32_at(days, row) {
                NULL_DAY => Cell::Empty,
                // The days were checked when the column was read.
                d => EPOCH.checked_add(Duration::days(i64::from(d))).map_or(Cell::Empty, Cell::Value),
            },
            Col::Codes(..) => Cell::Text(self.text(row)).known(),
            _ => Cell::Empty,
        }
    }

    fn flag(&self, row: usize) -> Cell<'a, bool> {
        match *self {
            Col::Cells(c) => c.get(row).map_or(Cell::Empty, Given::flag),
            Col::Flags(flags) => match flags.get(row) {
                Some(0) => Cell::Value(false),
                Some(1) => Cell::Value(true),
                _ => Cell::Empty,
            },
            Col::Codes(codes, names) => {
                Self::code(codes, &names, row).map_or(Cell::Empty, |i| Cell::Text(names.get(i)))
            }
            _ => Cell::Empty,
        }
    }

    fn decimal(&self, row: usize) -> Cell<'a, Decimal> {
        match *self {
            Col::Cells(c) => c.get(row).map_or(Cell::Empty, Given::decimal),
            Col::Codes(codes, names) => {
                Self::code(codes, &names, row).map_or(Cell::Empty, |i| Cell::Text(names.get(i)))
            }
            Col::Decimals(units, valid, scale) => match (valid.get(row), units.get(row * 16..row * 16 + 16)) {
                (Some(1), Some(b)) => {
                    let mut le = [0u8; 16];
                    le.copy_from_slice(b);
                    // Checked when the column was read.
                    Decimal::try_from_i128_with_scale(i128::from_le_bytes(le), scale).map_or(Cell::Empty, Cell::Value)
                }
                _ => Cell::Empty,
            },
            _ => Cell::Empty,
        }
    }
}

trait Known<'a, T> {
    /// A text cell read by the core's grammar now: its value when the text is one, the text
    /// itself otherwise (so that the core reports it in its row).
    fn known(self) -> Cell<'a, T>;
}

impl<'a, T: amscore::Grammar + Copy> Known<'a, T> for Cell<'a, T> {
    fn known(self) -> Cell<'a, T> {
        match self.read() {
            Ok(Some(v)) => Cell::Value(v),
            _ => self,
        }
    }
}

/// The columns of a frame, by name, as Python gave them.
struct Columns<'py> {
    rows: usize,
    columns: BTreeMap<String, PyColumn<'py>>,
}

impl<'py> Columns<'py> {
    fn read(frame: &Bound<'py, PyDict>, rows: usize) -> PyResult<Columns<'py>> {
        let mut columns = BTreeMap::new();
        for (k, v) in frame.iter() {
            let name: String = k.extract()?;
            let given = if v.is_instance_of::<PyList>() {
                PyColumn::Cells(column(&v, &name, rows)?)
            } else {
                typed(&v, &name, rows)?
            };
            columns.insert(name, given);
        }
        Ok(Columns { rows, columns })
    }

    /// The columns borrowed for the core.
    fn view(&self) -> View<'_> {
        let cols = self
            .columns
            .iter()
            .map(|(name, c)| {
                let col = match c {
                    PyColumn::Cells(v) => Col::Cells(v),
                    PyColumn::Days(b) => Col::Days(b.as_bytes()),
                    PyColumn::Codes(codes, offsets, data) => {
                        Col::Codes(codes.as_bytes(), Names { offsets: offsets.as_bytes(), data: data.as_bytes() })
                    }
                    PyColumn::Flags(b) => Col::Flags(b.as_bytes()),
                    PyColumn::Decimals(units, valid, scale) => {
                        Col::Decimals(units.as_bytes(), valid.as_bytes(), *scale)
                    }
                };
                (name.as_str(), col)
            })
            .collect();
        View { rows: self.rows, cols }
    }
}

/// A typed column: `("days", bytes)`, `("codes", codes, offsets, data)`, `("flags", bytes)` or
/// `("decimals", units, validity, scale)`; its buffers' lengths are checked against `rows`, a day
/// number must be a calendar date and a decimal at most 28 digits.
fn typed<'py>(v: &Bound<'py, PyAny>, name: &str, rows: usize) -> PyResult<PyColumn<'py>> {
    let bad = |what: &str| PyTypeError::new_err(format!("{name}: {what}"));
    let tuple = v.cast::<PyTuple>().map_err(|_| bad("expected a list or a typed column"))?;
    let tag: String = tuple.get_item(0)?.extract()?;
    let bytes = |i: usize| -> PyResult<Bound<'py, PyBytes>> {
        tuple.get_item(i)?.cast_into::<PyBytes>().map_err(|_| bad("expected bytes"))
    };
    let given = match (tag.as_str(), tuple.len()) {
        ("days", 2) => PyColumn::Days(bytes(1)?),
        ("codes", 4) => PyColumn::Codes(bytes(1)?, bytes(2)?, bytes(3)?),
        ("flags", 2) => PyColumn::Flags(bytes(1)?),
        ("decimals", 4) => {
            let scale: u32 = tuple.get_item(3)?.extract()?;
            if scale > 28 {
                return Err(bad("a decimal scale is at most 28"));
            }
            PyColumn::Decimals(bytes(1)?, bytes(2)?, scale)
        }
        _ => return Err(bad(&format!("unknown typed column `{tag}`"))),
    };
    let lengths_ok = match &given {
        PyColumn::Days(b) => b.as_bytes().len() == rows * 4,
        PyColumn::Codes(codes, offsets, _) => codes.as_bytes().len() == rows * 4 && offsets.as_bytes().len() >= 4,
        PyColumn::Flags(b) => b.as_bytes().len() == rows,
        PyColumn::Decimals(units, valid, _) => units.as_bytes().len() == rows * 16 && valid.as_bytes().len() == rows,
        PyColumn::Cells(c) => c.len() == rows,
    };
    if !lengths_ok {
        return Err(bad(&format!("the column's buffers do not hold {rows} rows")));
    }
    match &given {
        // As for a list's int day numbers: a day the calendar does not hold.
        PyColumn::Days(days) => {
            for row in 0..rows {
                let d = i32_at(days.as_bytes(), row);
                if d != NULL_DAY && EPOCH.checked_add(Duration::days(i64::from(d))).is_none() {
                    return Err(bad(&format!("row {row}: date out of range")));
                }
            }
        }
        // Arrow's decimal128 of at most 28 digits: a value beyond them is not Arrow's.
        PyColumn::Decimals(units, valid, scale) => {
            for (row, (unit, ok)) in units.as_bytes().chunks_exact(16).zip(valid.as_bytes()).enumerate() {
                let mut le = [0u8; 16];
                le.copy_from_slice(unit);
                if *ok == 1 && Decimal::try_from_i128_with_scale(i128::from_le_bytes(le), *scale).is_err() {
                    return Err(bad(&format!("row {row}: more than 28 digits")));
                }
            }
        }
        _ => {}
    }
    Ok(given)
}

/// A frame's columns borrowed for the core.
struct View<'a> {
    rows: usize,
    cols: BTreeMap<&'a str, Col<'a>>,
}

impl<'a> View<'a> {
    fn col(&self, name: &str) -> Col<'a> {
        self.cols.get(name).copied().unwrap_or(Col::Absent)
    }

    fn has(&self, name: &str) -> bool {
        self.cols.contains_key(name)
    }

    fn term_rows(&self) -> impl Iterator<Item = TermRow<'a>> + '_ {
        let g = |c: Column| self.col(c.as_str());
        let (member_id, plan, override_status, currency, organization) = (
            g(Column::MemberId),
            g(Column::Plan),
            g(Column::OverrideStatus),
            g(Column::Currency),
            g(Column::Organization),
        );
        let (member_since, term_start, term_end) = (g(Column::MemberSince), g(Column::TermStart), g(Column::TermEnd));
        let (cancelled_on, deceased_on, override_until) =
            (g(Column::CancelledOn), g(Column::DeceasedOn), g(Column::OverrideUntil));
        let (pending, auto_renew, renewal_pending) =
            (g(Column::Pending), g(Column::AutoRenew), g(Column::RenewalPending));
        let (amount_paid, balance_due) = (g(Column::AmountPaid), g(Column::BalanceDue));
        let primary = g(Column::Primary);
        let (tax_exempt, pause_from, pause_to) = (g(Column::TaxExempt), g(Column::PauseFrom), g(Column::PauseTo));
        let attributes: Vec<(&'a str, Col<'a>)> = self
            .cols
            .iter()
            .filter_map(|(name, col)| Some((name.strip_prefix(Column::ATTRIBUTE_PREFIX)?, *col)))
            .collect();
        (0..self.rows).map(move |row| TermRow {
            member_id: member_id.text(row),
            plan: plan.text(row),
            member_since: member_since.date(row),
            term_start: term_start.date(row),
            term_end: term_end.date(row),
            pending: pending.flag(row),
            cancelled_on: cancelled_on.date(row),
            deceased_on: deceased_on.date(row),
            override_status: override_status.text(row),
            override_until: override_until.date(row),
            amount_paid: amount_paid.decimal(row),
            currency: currency.text(row),
            auto_renew: auto_renew.flag(row),
            balance_due: balance_due.decimal(row),
            organization: organization.text(row),
            renewal_pending: renewal_pending.flag(row),
            primary: primary.text(row),
            tax_exempt: tax_exempt.flag(row),
            pause_from: pause_from.date(row),
            pause_to: pause_to.date(row),
            attributes: attributes.iter().map(|(name, col)| (*name, col.text(row))).collect(),
        })
    }

    /// The activity log: its member ids and kinds read once per distinct name when they come
    /// dictionary-encoded, else row by row.
    fn log(&self) -> (ActivityLog<'a>, Vec<RowError>) {
        let (member_id, date, kind, value) =
            (self.col("member_id"), self.col("date"), self.col("kind"), self.col("value"));
        // Text dates and values: each distinct text read once by the core's grammar.
        let dates: Option<Vec<Cell<'a, Date>>> = match date {
            Col::Codes(_, names) => Some(names.all().into_iter().map(|n| Cell::Text(n).known()).collect()),
            _ => None,
        };
        let values: Option<Vec<Cell<'a, Decimal>>> = match value {
            Col::Codes(_, names) => Some(names.all().into_iter().map(|n| Cell::Text(n).known()).collect()),
            _ => None,
        };
        let date_at = |row: usize| match (&dates, date) {
            (Some(cells), Col::Codes(codes, names)) => Col::code(codes, &names, row).map_or(Cell::Empty, |i| cells[i]),
            _ => date.date(row),
        };
        let value_at = |row: usize| match (&values, value) {
            (Some(cells), Col::Codes(codes, names)) => Col::code(codes, &names, row).map_or(Cell::Empty, |i| cells[i]),
            _ => value.decimal(row),
        };
        match (member_id, kind) {
            (Col::Codes(member_codes, member_names), Col::Codes(kind_codes, kind_names)) => {
                let (ids, kinds) = (member_names.all(), kind_names.all());
                let rows = (0..self.rows).map(|row| CodedEventRow {
                    member_id: Col::code(member_codes, &member_names, row),
                    date: date_at(row),
                    kind: Col::code(kind_codes, &kind_names, row),
                    value: value_at(row),
                });
                ActivityLog::read_coded(&ids, &kinds, rows)
            }
            _ => ActivityLog::read((0..self.rows).map(|row| EventRow {
                member_id: member_id.text(row),
                date: date_at(row),
                kind: kind.text(row),
                value: value_at(row),
            })),
        }
    }
}

/// Options of the calls, as given from Python.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Options {
    #[serde(default)]
    seats: BTreeMap<String, u32>,
    #[serde(default)]
    previous_triggers: Vec<PreviousTrigger>,
    #[serde(default)]
    economics: Option<Economics>,
    #[serde(default)]
    within_days: Option<u32>,
    /// The sent log of the reminder functions.
    #[serde(default)]
    pub(crate) sent: Vec<success::SentMessage>,
    /// The days of a reminder forecast.
    #[serde(default)]
    pub(crate) days: Option<u32>,
}

/// An error raised for the whole call.
pub(crate) enum Failure {
    Roster(amscore::RosterError),
    Success(SuccessError),
    /// An error of a function that touches several concerns (the reminders).
    Core(amscore::Error),
}

/// The frames' columns, read.
pub(crate) struct Input<'py> {
    members: Columns<'py>,
    events: Option<Columns<'py>>,
}

impl<'py> Input<'py> {
    /// Reads the members columns (`rows` rows) and the events columns, if any.
    pub(crate) fn read(
        members: &Bound<'py, PyDict>,
        member_rows: usize,
        events: Option<(&Bound<'py, PyDict>, usize)>,
    ) -> PyResult<Input<'py>> {
        let members = Columns::read(members, member_rows)?;
        let events = events.map(|(e, n)| Columns::read(e, n)).transpose()?;
        Ok(Input { members, events })
    }

    /// The columns borrowed for the core (read without the GIL).
    pub(crate) fn view(&self) -> Frames<'_> {
        Frames { members: self.members.view(), events: self.events.as_ref().map(Columns::view) }
    }
}

/// The frames' columns borrowed for the core.
pub(crate) struct Frames<'a> {
    members: View<'a>,
    events: Option<View<'a>>,
}

/// A success function's answer: engagement scores and segments as reports (written to Python
/// as columns), the others as JSON (without their errors).
pub(crate) enum Answer {
    Scores(success::EngagementReport),
    Segments(success::SegmentReport),
    Json(Value),
}

/// What a success function answers over frames: its result and every row error, in order.
pub(crate) struct Outcome {
    pub(crate) result: Answer,
    pub(crate) errors: Vec<RowError>,
}

/// Runs one success function over the frames' rows.
pub(crate) fn run(
    engine: &amscore::Engine,
    op: &str,
    input: &Frames<'_>,
    as_of: Date,
    options: &Options,
) -> Result<Outcome, Failure> {
    Column::require(Column::ALL.into_iter().filter(|c| input.members.has(c.as_str()))).map_err(Failure::Roster)?;
    let roster = Roster::from_rows(engine.rules(), input.members.term_rows());
    let (events, event_errors) = match &input.events {
        Some(e) => e.log(),
        None => (ActivityLog::default(), Vec::new()),
    };
    let members = &roster.members;
    let ctx = engine.success();
    let (result, errors) = match op {
        "engagement_scores" => success::engagement_scores(ctx, members, &events, as_of, &options.seats)
            .map(|r| split(r, |r| &mut r.errors))
            .map(|(r, e)| (Answer::Scores(r), e))
            .map_err(Failure::Success),
        "segments" => success::segments(ctx, members, &events, as_of)
            .map(|r| split(r, |r| &mut r.errors))
            .map(|(r, e)| (Answer::Segments(r), e))
            .map_err(Failure::Success),
        "at_risk" => json(
            success::at_risk(ctx, members, &events, &options.previous_triggers, as_of)
                .map(|r| split(r, |r| &mut r.errors)),
        ),
        "journeys" => json(success::journeys(ctx, members, &events, as_of).map(|r| split(r, |r| &mut r.errors))),
        "upgrade_candidates" => {
            json(success::upgrade_candidates(ctx, members, &events, as_of).map(|r| split(r, |r| &mut r.errors)))
        }
        "renewal_due" => {
            json(success::renewal_due(ctx, members, as_of, options.within_days).map(|r| split(r, |r| &mut r.errors)))
        }
        "retention_metrics" => json(
            success::retention_metrics(ctx, members, as_of, options.economics.as_ref())
                .map(|r| split(r, |r| &mut r.errors)),
        ),
        "cohort_table" => json(success::cohort_table(ctx, members, as_of).map(|r| split(r, |r| &mut r.errors))),
        "reminders_due" | "reminders_forecast" => crate::reminders::run(engine, op, members, &events, as_of, options),
        other => Err(Failure::Success(SuccessError::InvalidInput {
            path: "op".into(),
            message: format!("unknown success analysis `{other}`"),
        })),
    }?;
    let mut all = roster.problems.clone();
    all.extend(event_errors);
    all.extend(errors);
    all.sort_by_key(RowError::sort_key);
    Ok(Outcome { result, errors: all })
}

/// Python `decimal.Decimal`s of the core's decimals, each distinct one made once (they are
/// immutable, so equal values, places included, may be one object).
struct Decimals<'py> {
    class: Bound<'py, PyAny>,
    /// Values with two places from 0.00 to `CENTS` − 0.01 (points, scores, percentiles), by cents.
    cents: Vec<Option<Bound<'py, PyAny>>>,
    /// The others, by their exact representation (value and places).
    made: FxHashMap<[u8; 16], Bound<'py, PyAny>>,
}

/// How many two-place values are looked up by cents rather than hashed.
const CENTS: usize = 1 << 20;

impl<'py> Decimals<'py> {
    fn new(py: Python<'py>) -> PyResult<Decimals<'py>> {
        let class = py.import("decimal")?.getattr("Decimal")?;
        Ok(Decimals { class, cents: Vec::new(), made: FxHashMap::default() })
    }

    fn get(&mut self, d: Decimal) -> PyResult<Bound<'py, PyAny>> {
        let cents = (d.scale() == 2 && !d.is_sign_negative())
            .then(|| usize::try_from(d.mantissa()).ok())
            .flatten()
            .filter(|c| *c < CENTS);
        if let Some(c) = cents {
            if self.cents.is_empty() {
                self.cents.resize(CENTS, None);
            }
            if let Some(o) = &self.cents[c] {
                return Ok(o.clone());
            }
            let o = self.class.call1((d.to_string(),))?;
            self.cents[c] = Some(o.clone());
            return Ok(o);
        }
        let key = d.serialize();
        if let Some(o) = self.made.get(&key) {
            return Ok(o.clone());
        }
        let o = self.class.call1((d.to_string(),))?;
        self.made.insert(key, o.clone());
        Ok(o)
    }

    fn list(&mut self, py: Python<'py>, values: impl Iterator<Item = Decimal>) -> PyResult<Bound<'py, PyList>> {
        let items = values.map(|d| self.get(d)).collect::<PyResult<Vec<_>>>()?;
        PyList::new(py, items)
    }
}

/// Little-endian int64 counts, for `numpy.frombuffer`.
fn counts<'py>(py: Python<'py>, values: impl ExactSizeIterator<Item = u32>) -> PyResult<Bound<'py, PyBytes>> {
    PyBytes::new_with(py, values.len() * 8, |buf| {
        for (slot, v) in buf.chunks_exact_mut(8).zip(values) {
            slot.copy_from_slice(&i64::from(v).to_le_bytes());
        }
        Ok(())
    })
}

/// A success function's answer for Python: engagement scores as columns (`member_id`, `score`,
/// `percentile`, `future_events`, and per policy kind `points_<kind>`, `events_<kind>`,
/// `counted_<kind>`, `capped_<kind>`: lists of `str` and `Decimal`, counts as little-endian
/// int64 bytes) with the `organizations` as dicts; segments as columns `member_id`, `segment`,
/// `matched` (one row per match, the sentences joined by `; `) and `members`; the others as the
/// core's JSON answer.
pub(crate) fn result<'py>(py: Python<'py>, engine: &amscore::Engine, answer: &Answer) -> PyResult<Bound<'py, PyAny>> {
    let out = PyDict::new(py);
    match answer {
        Answer::Json(v) => return from_value(py, v),
        Answer::Scores(r) => {
            let mut decimals = Decimals::new(py)?;
            let s = &r.scores;
            out.set_item("member_id", s.iter().map(|m| m.member_id.0.as_str()).collect::<Vec<_>>())?;
            out.set_item("score", decimals.list(py, s.iter().map(|m| m.score))?)?;
            out.set_item("percentile", decimals.list(py, s.iter().map(|m| m.percentile))?)?;
            out.set_item("future_events", counts(py, s.iter().map(|m| m.future_events))?)?;
            // Each member's breakdown by kind, in policy order (kinds without events are left
            // out of it: zero).
            let kinds = &engine.success().policy.activity_kinds;
            let zero = Decimal::new(0, 2);
            let mut by_kind: Vec<Vec<Option<&KindPoints>>> = vec![Vec::with_capacity(s.len()); kinds.len()];
            for m in s {
                let mut points = m.breakdown.iter().peekable();
                for (column, kind) in by_kind.iter_mut().zip(kinds) {
                    column.push(points.next_if(|b| b.kind == kind.id));
                }
            }
            for (kind, column) in kinds.iter().zip(&by_kind) {
                let k = kind.id.as_str();
                out.set_item(
                    format!("points_{k}"),
                    decimals.list(py, column.iter().map(|b| b.map_or(zero, |b| b.points)))?,
                )?;
                out.set_item(format!("events_{k}"), counts(py, column.iter().map(|b| b.map_or(0, |b| b.events)))?)?;
                out.set_item(format!("counted_{k}"), counts(py, column.iter().map(|b| b.map_or(0, |b| b.counted)))?)?;
                out.set_item(format!("capped_{k}"), counts(py, column.iter().map(|b| b.map_or(0, |b| b.capped)))?)?;
            }
            let organizations = serde_json::to_value(&r.organizations)
                .map_err(|e| PyTypeError::new_err(format!("unwritable answer: {e}")))?;
            out.set_item("organizations", from_value(py, &organizations)?)?;
        }
        Answer::Segments(r) => {
            let matches = || r.members.iter().flat_map(|m| m.segments.iter().map(move |s| (m, s)));
            out.set_item("member_id", matches().map(|(m, _)| m.member_id.0.as_str()).collect::<Vec<_>>())?;
            out.set_item("segment", matches().map(|(_, s)| s.segment.as_str()).collect::<Vec<_>>())?;
            out.set_item("matched", matches().map(|(_, s)| s.matched.join("; ")).collect::<Vec<_>>())?;
            out.set_item("members", r.members.iter().map(|m| m.member_id.0.as_str()).collect::<Vec<_>>())?;
        }
    }
    Ok(out.into_any())
}

/// A report without its row errors, and the errors.
pub(crate) fn split<T>(mut report: T, errors: impl FnOnce(&mut T) -> &mut Vec<RowError>) -> (T, Vec<RowError>) {
    let taken = std::mem::take(errors(&mut report));
    (report, taken)
}

/// An answer as JSON, without its `errors`.
pub(crate) fn json_answer<T: Serialize>(answer: &T) -> Result<Answer, amscore::Error> {
    let mut value = serde_json::to_value(answer).map_err(|e| {
        amscore::Error::Success(SuccessError::InvalidInput {
            path: String::new(),
            message: format!("unwritable answer: {e}"),
        })
    })?;
    if let Value::Object(map) = &mut value {
        map.remove("errors");
    }
    Ok(Answer::Json(value))
}

/// A success function's answer as JSON (without its `errors`), and its row errors.
fn json<T: Serialize>(answer: Result<(T, Vec<RowError>), SuccessError>) -> Result<(Answer, Vec<RowError>), Failure> {
    let (answer, errors) = answer.map_err(Failure::Success)?;
    let mut value = serde_json::to_value(answer).map_err(|e| {
        Failure::Success(SuccessError::InvalidInput { path: String::new(), message: format!("unwritable answer: {e}") })
    })?;
    if let Value::Object(map) = &mut value {
        map.remove("errors");
    }
    Ok((Answer::Json(value), errors))
}

/// Row errors as columns: `source`, `row`, `member_id`, `field`, `value`, `code`, `name`, `message`.
pub(crate) fn error_columns<'py>(py: Python<'py>, errors: &[RowError]) -> PyResult<Bound<'py, PyDict>> {
    let out = PyDict::new(py);
    out.set_item("source", errors.iter().map(|e| e.source.as_str()).collect::<Vec<_>>())?;
    out.set_item("row", errors.iter().map(|e| e.row).collect::<Vec<_>>())?;
    out.set_item("member_id", errors.iter().map(|e| e.member_id.as_ref().map(|m| m.0.as_str())).collect::<Vec<_>>())?;
    out.set_item("field", errors.iter().map(|e| e.field.as_deref()).collect::<Vec<_>>())?;
    out.set_item("value", errors.iter().map(|e| e.value.as_deref()).collect::<Vec<_>>())?;
    out.set_item("code", errors.iter().map(|e| e.code).collect::<Vec<_>>())?;
    out.set_item("name", errors.iter().map(|e| e.name.as_str()).collect::<Vec<_>>())?;
    out.set_item("message", errors.iter().map(|e| e.message.as_str()).collect::<Vec<_>>())?;
    Ok(out)
}
