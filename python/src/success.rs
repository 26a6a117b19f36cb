//! The success analytics over columns: the members and events columns (Python lists, one per frame column) become the core's typed rows (`TermRow`, `EventRow`), the core reads, checks and computes, and its structured row errors come back as columns. Nothing here parses text or decides a rule: it only converts types.

use std::collections::BTreeMap;

use amscore::success::{self, Economics, EventRow, PreviousTrigger, SuccessError};
use amscore::{Cell, Column, Roster, RowError, TermRow};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyInt, PyList, PyString};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use time::{Date, Duration};

use crate::convert::{decimal_text, is_instance_of};

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

/// The columns of a frame, by name.
struct Columns {
    rows: usize,
    columns: BTreeMap<String, Vec<Given>>,
}

impl Columns {
    fn read(frame: &Bound<'_, PyDict>, rows: usize) -> PyResult<Columns> {
        let mut columns = BTreeMap::new();
        for (k, v) in frame.iter() {
            let name: String = k.extract()?;
            let values = column(&v, &name, rows)?;
            columns.insert(name, values);
        }
        Ok(Columns { rows, columns })
    }

    fn get(&self, name: &str, row: usize) -> &Given {
        self.columns.get(name).and_then(|c| c.get(row)).unwrap_or(&Given::Null)
    }

    fn term_row(&self, row: usize) -> TermRow<'_> {
        let g = |c: Column| self.get(c.as_str(), row);
        let attributes = self
            .columns
            .iter()
            .filter_map(|(name, values)| {
                let attribute = name.strip_prefix(Column::ATTRIBUTE_PREFIX)?;
                Some((attribute, values.get(row).map_or("", Given::text)))
            })
            .collect();
        TermRow {
            member_id: g(Column::MemberId).text(),
            plan: g(Column::Plan).text(),
            member_since: g(Column::MemberSince).date(),
            term_start: g(Column::TermStart).date(),
            term_end: g(Column::TermEnd).date(),
            pending: g(Column::Pending).flag(),
            cancelled_on: g(Column::CancelledOn).date(),
            deceased_on: g(Column::DeceasedOn).date(),
            override_status: g(Column::OverrideStatus).text(),
            override_until: g(Column::OverrideUntil).date(),
            amount_paid: g(Column::AmountPaid).decimal(),
            currency: g(Column::Currency).text(),
            auto_renew: g(Column::AutoRenew).flag(),
            balance_due: g(Column::BalanceDue).decimal(),
            organization: g(Column::Organization).text(),
            attributes,
        }
    }

    fn event_row(&self, row: usize) -> EventRow<'_> {
        EventRow {
            member_id: self.get("member_id", row).text(),
            date: self.get("date", row).date(),
            kind: self.get("kind", row).text(),
            value: self.get("value", row).decimal(),
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
}

/// An error raised for the whole call.
pub(crate) enum Failure {
    Roster(amscore::RosterError),
    Success(SuccessError),
}

/// The frames' columns, read.
pub(crate) struct Input {
    members: Columns,
    events: Option<Columns>,
}

impl Input {
    /// Reads the members columns (`rows` rows) and the events columns, if any.
    pub(crate) fn read(
        members: &Bound<'_, PyDict>,
        member_rows: usize,
        events: Option<(&Bound<'_, PyDict>, usize)>,
    ) -> PyResult<Input> {
        let members = Columns::read(members, member_rows)?;
        let events = events.map(|(e, n)| Columns::read(e, n)).transpose()?;
        Ok(Input { members, events })
    }
}

/// What a success function answers over frames: its result and every row error, in order.
pub(crate) struct Outcome {
    pub(crate) result: Value,
    pub(crate) errors: Vec<RowError>,
}

/// Runs one success function over the frames' rows.
pub(crate) fn run(
    engine: &amscore::Engine,
    op: &str,
    input: &Input,
    as_of: Date,
    options: &Options,
) -> Result<Outcome, Failure> {
    Column::require(Column::ALL.into_iter().filter(|c| input.members.columns.contains_key(c.as_str())))
        .map_err(Failure::Roster)?;
    let roster = Roster::from_rows(engine.rules(), (0..input.members.rows).map(|r| input.members.term_row(r)));
    let (events, event_errors) = match &input.events {
        Some(e) => success::read_events((0..e.rows).map(|r| e.event_row(r))),
        None => (Vec::new(), Vec::new()),
    };
    let members = &roster.members;
    let ctx = engine.success();
    let (result, errors) = match op {
        "engagement_scores" => json(
            success::engagement_scores(ctx, members, &events, as_of, &options.seats)
                .map(|r| split(r, |r| &mut r.errors)),
        ),
        "segments" => json(success::segments(ctx, members, &events, as_of).map(|r| split(r, |r| &mut r.errors))),
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

/// A report without its row errors, and the errors.
fn split<T>(mut report: T, errors: impl FnOnce(&mut T) -> &mut Vec<RowError>) -> (T, Vec<RowError>) {
    let taken = std::mem::take(errors(&mut report));
    (report, taken)
}

/// A success function's answer as JSON (without its `errors`), and its row errors.
fn json<T: Serialize>(answer: Result<(T, Vec<RowError>), SuccessError>) -> Result<(Value, Vec<RowError>), Failure> {
    let (answer, errors) = answer.map_err(Failure::Success)?;
    let mut value = serde_json::to_value(answer).map_err(|e| {
        Failure::Success(SuccessError::InvalidInput { path: String::new(), message: format!("unwritable answer: {e}") })
    })?;
    if let Value::Object(map) = &mut value {
        map.remove("errors");
    }
    Ok((value, errors))
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
