//! The activity log read from rows (a CSV file, a binding's columns): one [`EventRow`] per row, checked into an [`ActivityEvent`] or a [`RowError`]; and the log in the core's typed form ([`ActivityLog`]: each member id and kind kept once, an event a few numbers), which the success functions read.

use std::borrow::Cow;

use rust_decimal::Decimal;
use rustc_hash::FxHashMap;
use time::Date;

use super::activity::ActivityEvent;
use super::error::SuccessError;
use crate::cell::Cell;
use crate::row_error::{RowError, Source};
use crate::status::MemberId;

/// One row of an activity log as the CSV reader or a binding gives it: `member_id`, `date`,
/// `kind` and an optional `value` (a [`Cell`]: a typed value, or text read by the core's grammar).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct EventRow<'a> {
    /// `member_id`.
    pub member_id: &'a str,
    /// `date`.
    pub date: Cell<'a, Date>,
    /// `kind`.
    pub kind: &'a str,
    /// `value` (for kinds scored by value).
    pub value: Cell<'a, Decimal>,
}

/// One row of an activity log whose member id and kind are given as codes into lists of
/// distinct names (dictionary encoding: an Arrow dictionary array, a pandas categorical), read by
/// [`ActivityLog::read_coded`]: each distinct name is then read once, not once per row.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CodedEventRow<'a> {
    /// `member_id`: its place in the member ids (`None`, or a place past their end, for none).
    pub member_id: Option<usize>,
    /// `date`.
    pub date: Cell<'a, Date>,
    /// `kind`: its place in the kinds (`None`, or a place past their end, for none).
    pub kind: Option<usize>,
    /// `value` (for kinds scored by value).
    pub value: Cell<'a, Decimal>,
}

/// The columns of an activity log.
const COLUMNS: [&str; 4] = ["member_id", "date", "kind", "value"];

/// Checks event rows (0-based, in order): each becomes an event that remembers its row, or a
/// [`RowError`] naming the row and field (code 4009, `invalid_success_input`). Whether members
/// and kinds exist is checked later, by the functions that use the events.
///
/// ```
/// use amscore::Cell;
/// use amscore::success::{read_events, EventRow};
/// let rows = [
///     EventRow { member_id: "M1", date: Cell::Text("2025-05-01"), kind: "donation", value: Cell::Text("50.00") },
///     EventRow { member_id: "M2", date: Cell::Text("2025-13-01"), kind: "login", value: Cell::Empty },
/// ];
/// let (events, errors) = read_events(rows);
/// assert_eq!((events.len(), events[0].row), (1, Some(0)));
/// assert_eq!(errors[0].to_string(), "events[1].date `2025-13-01`: `2025-13-01` is not a date (YYYY-MM-DD)");
/// ```
pub fn read_events<'a>(rows: impl IntoIterator<Item = EventRow<'a>>) -> (Vec<ActivityEvent>, Vec<RowError>) {
    let mut events = Vec::new();
    let mut errors = Vec::new();
    for (index, row) in rows.into_iter().enumerate() {
        match read_event(&row, index) {
            Ok(e) => events.push(e),
            Err(e) => errors.push(*e),
        }
    }
    (events, errors)
}

fn read_event(row: &EventRow<'_>, index: usize) -> Result<ActivityEvent, Box<RowError>> {
    let e = check_event(row, index)?;
    Ok(ActivityEvent {
        member_id: MemberId::from(e.member_id),
        date: e.date,
        kind: e.kind.into(),
        value: e.value,
        row: Some(index),
    })
}

/// A row's checked parts, borrowed from the row.
struct Checked<'a> {
    member_id: &'a str,
    date: Date,
    kind: &'a str,
    value: Option<Decimal>,
}

/// The checks of one row (the one rule of what an event row holds, whatever the row becomes).
fn check_event<'a>(row: &EventRow<'a>, index: usize) -> Result<Checked<'a>, Box<RowError>> {
    let member_id = row.member_id.trim();
    let bad = |field: &str, value: String, message: String| {
        Box::new(
            RowError::new(Source::Events, index, &SuccessError::InvalidInput { path: String::new(), message })
                .member((!member_id.is_empty()).then(|| MemberId::from(member_id)))
                .field(field, Some(value)),
        )
    };
    if member_id.is_empty() {
        return Err(bad("member_id", String::new(), "must not be empty".into()));
    }
    let date = match row.date.read() {
        Ok(Some(date)) => date,
        Ok(None) => return Err(bad("date", String::new(), "must not be empty".into())),
        Err(_) => {
            let given = row.date.given();
            return Err(bad("date", given.clone(), format!("`{given}` is not a date (YYYY-MM-DD)")));
        }
    };
    let kind = row.kind.trim();
    if kind.is_empty() {
        return Err(bad("kind", String::new(), "must not be empty".into()));
    }
    let value = row.value.read().map_err(|_| {
        let given = row.value.given();
        bad("value", given.clone(), format!("`{given}` is not a decimal amount"))
    })?;
    Ok(Checked { member_id, date, kind, value })
}

/// An activity log in the core's typed form: each distinct member id and kind is kept once
/// (borrowed from the rows or events it was read from), and an event is a few numbers (its
/// member's and kind's place in those lists, its day, its value and its row). Every success
/// function that reads events takes one (or a slice of [`ActivityEvent`]s, read into one), so
/// that a log of a million events costs no string per event.
///
/// ```
/// use amscore::Cell;
/// use amscore::success::{engagement_scores, ActivityLog, EventRow, MemberHistory};
/// use time::macros::date;
/// let engine = amscore::Engine::from_json(r#"{"version": 1, "preset": "amscore", "success": {
///   "activity_kinds": [{"id": "login", "weight": "2"}]}}"#)?;
/// let m: MemberHistory = serde_json::from_str(r#"{"membership": {"member_id": "M-1", "plan": "individual",
///   "member_since": "2025-01-01", "term": {"start": "2025-01-01", "end": "2025-12-31"}}}"#)?;
/// let rows = [
///     EventRow { member_id: "M-1", date: Cell::Value(date!(2025-05-01)), kind: "login", value: Cell::Empty },
///     EventRow { member_id: "M-1", date: Cell::Text("2025-05-02"), kind: "login", value: Cell::Empty },
///     EventRow { member_id: "M-1", date: Cell::Text("someday"), kind: "login", value: Cell::Empty },
/// ];
/// let (log, errors) = ActivityLog::read(rows);
/// assert_eq!((log.len(), errors.len()), (2, 1));
/// let r = engagement_scores(engine.success(), &[m], &log, date!(2025-05-31), &Default::default())?;
/// assert_eq!(r.scores[0].score.to_string(), "4.00");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ActivityLog<'a> {
    members: Vec<&'a str>,
    kinds: Vec<&'a str>,
    events: Vec<LoggedEvent>,
}

/// One event of an [`ActivityLog`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct LoggedEvent {
    /// The member id's place in the log's ids.
    pub(crate) member: usize,
    /// The kind's place in the log's kinds.
    pub(crate) kind: usize,
    pub(crate) date: Date,
    pub(crate) value: Option<Decimal>,
    /// The row it was read from (errors about the event name it).
    pub(crate) row: usize,
}

/// Distinct names, each kept once, in the order first seen.
#[derive(Default)]
struct Names<'a> {
    names: Vec<&'a str>,
    index: FxHashMap<Key<'a>, usize>,
}

impl<'a> Names<'a> {
    fn place(&mut self, name: &'a str) -> usize {
        let names = &mut self.names;
        *self.index.entry(Key::of(name)).or_insert_with(|| {
            names.push(name);
            names.len() - 1
        })
    }
}

/// How long a name a [`Key`] holds in itself.
const SHORT: usize = 22;

/// A name as a hash-table key: a short one (member ids usually are) is held in the key itself,
/// so that a lookup compares bytes in the table rather than behind a pointer (a cache miss per
/// event in a log of a million).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum Key<'a> {
    Short(u8, [u8; SHORT]),
    Long(&'a str),
}

impl<'a> Key<'a> {
    fn of(name: &'a str) -> Key<'a> {
        match u8::try_from(name.len()) {
            Ok(len) if name.len() <= SHORT => {
                let mut bytes = [0; SHORT];
                bytes[..name.len()].copy_from_slice(name.as_bytes());
                Key::Short(len, bytes)
            }
            _ => Key::Long(name),
        }
    }
}

/// Builds a log event by event.
#[derive(Default)]
struct Builder<'a> {
    members: Names<'a>,
    kinds: Names<'a>,
    events: Vec<LoggedEvent>,
}

impl<'a> Builder<'a> {
    fn push(&mut self, member_id: &'a str, kind: &'a str, date: Date, value: Option<Decimal>, row: usize) {
        let member = self.members.place(member_id);
        let kind = self.kinds.place(kind);
        self.events.push(LoggedEvent { member, kind, date, value, row });
    }

    fn finish(self) -> ActivityLog<'a> {
        ActivityLog { members: self.members.names, kinds: self.kinds.names, events: self.events }
    }
}

impl<'a> ActivityLog<'a> {
    /// Reads event rows (0-based, in order) with the checks of [`read_events`]: every row becomes
    /// an event of the log or a [`RowError`] (the same errors, in the same order), without a
    /// string per event.
    pub fn read(rows: impl IntoIterator<Item = EventRow<'a>>) -> (ActivityLog<'a>, Vec<RowError>) {
        let rows = rows.into_iter();
        let mut log = Builder::default();
        log.events.reserve(rows.size_hint().0);
        let mut errors = Vec::new();
        for (index, row) in rows.enumerate() {
            match check_event(&row, index) {
                Ok(e) => log.push(e.member_id, e.kind, e.date, e.value, index),
                Err(e) => errors.push(*e),
            }
        }
        (log.finish(), errors)
    }

    /// Reads event rows whose member ids and kinds are codes into `member_ids` and `kinds`
    /// ([`CodedEventRow`]): the same log and the same errors as [`ActivityLog::read`] of the rows
    /// with the names written out, but each distinct name is trimmed, checked and stored once.
    ///
    /// ```
    /// use amscore::Cell;
    /// use amscore::success::{ActivityLog, CodedEventRow};
    /// use time::macros::date;
    /// let ids = ["M-1", " ", "M-2"];
    /// let row = |m, k| CodedEventRow { member_id: m, date: Cell::Value(date!(2025-05-01)), kind: k, value: Cell::Empty };
    /// let (log, errors) = ActivityLog::read_coded(&ids, &["login"], [row(Some(0), Some(0)), row(Some(1), Some(0)), row(Some(2), None)]);
    /// assert_eq!(log.len(), 1);
    /// assert_eq!(errors[0].to_string(), "events[1].member_id ``: must not be empty");
    /// assert_eq!(errors[1].to_string(), "events[2].kind ``: must not be empty");
    /// ```
    pub fn read_coded(
        member_ids: &[&'a str],
        kinds: &[&'a str],
        rows: impl IntoIterator<Item = CodedEventRow<'a>>,
    ) -> (ActivityLog<'a>, Vec<RowError>) {
        let rows = rows.into_iter();
        let mut log = Builder::default();
        log.events.reserve(rows.size_hint().0);
        let place = |names: &mut Names<'a>, all: &[&'a str]| -> Vec<Option<usize>> {
            all.iter()
                .map(|n| {
                    let n = n.trim();
                    (!n.is_empty()).then(|| names.place(n))
                })
                .collect()
        };
        let member_place = place(&mut log.members, member_ids);
        let kind_place = place(&mut log.kinds, kinds);
        let at = |places: &[Option<usize>], code: Option<usize>| code.and_then(|c| places.get(c).copied().flatten());
        let name = |names: &[&'a str], code: Option<usize>| code.and_then(|c| names.get(c).copied()).unwrap_or("");
        let mut errors = Vec::new();
        for (index, row) in rows.enumerate() {
            let member = at(&member_place, row.member_id);
            let kind = at(&kind_place, row.kind);
            if let (Some(member), Some(kind), Ok(Some(date)), Ok(value)) =
                (member, kind, row.date.read(), row.value.read())
            {
                log.events.push(LoggedEvent { member, kind, date, value, row: index });
                continue;
            }
            // The row's error, as the rows with the names written out give it.
            let text = EventRow {
                member_id: name(member_ids, row.member_id),
                date: row.date,
                kind: name(kinds, row.kind),
                value: row.value,
            };
            match check_event(&text, index) {
                Ok(e) => log.push(e.member_id, e.kind, e.date, e.value, index),
                Err(e) => errors.push(*e),
            }
        }
        (log.finish(), errors)
    }

    /// The log of events already read (an event's row is its `row`, else its position).
    pub fn from_events(events: &'a [ActivityEvent]) -> ActivityLog<'a> {
        let mut log = Builder::default();
        log.events.reserve(events.len());
        for (position, e) in events.iter().enumerate() {
            log.push(e.member_id.0.as_str(), e.kind.as_str(), e.date, e.value, e.row.unwrap_or(position));
        }
        log.finish()
    }

    /// How many events the log holds.
    pub fn len(&self) -> usize {
        self.events.len()
    }

    /// Whether the log holds no event.
    pub fn is_empty(&self) -> bool {
        self.events.is_empty()
    }

    /// The events, in the order read.
    pub(crate) fn events(&self) -> &[LoggedEvent] {
        &self.events
    }

    /// The distinct member ids, by place.
    pub(crate) fn member_ids(&self) -> &[&'a str] {
        &self.members
    }

    /// The distinct kinds, by place.
    pub(crate) fn kinds(&self) -> &[&'a str] {
        &self.kinds
    }
}

/// The events a success function reads: a slice, array or vector of [`ActivityEvent`]s, or an
/// [`ActivityLog`] (read from rows or columns without a string per event).
pub trait Events {
    /// The events as a log: borrowed when they are one, else read into one.
    fn log(&self) -> Cow<'_, ActivityLog<'_>>;
}

impl Events for ActivityLog<'_> {
    fn log(&self) -> Cow<'_, ActivityLog<'_>> {
        Cow::Borrowed(self)
    }
}

impl Events for [ActivityEvent] {
    fn log(&self) -> Cow<'_, ActivityLog<'_>> {
        Cow::Owned(ActivityLog::from_events(self))
    }
}

impl<const N: usize> Events for [ActivityEvent; N] {
    fn log(&self) -> Cow<'_, ActivityLog<'_>> {
        Cow::Owned(ActivityLog::from_events(self))
    }
}

impl Events for Vec<ActivityEvent> {
    fn log(&self) -> Cow<'_, ActivityLog<'_>> {
        Cow::Owned(ActivityLog::from_events(self))
    }
}

/// Reads an activity log written as CSV (RFC 4180: `"`-quoted values may hold commas, quotes and
/// line breaks) with a header naming `member_id`, `date`, `kind` and optionally `value`, in any
/// order. Pure: the caller reads the file.
///
/// Every data row (counted from 0, the header not counted) becomes an event or a [`RowError`]
/// with its row, file line and field; blank lines are skipped.
///
/// # Errors
/// A header without `member_id`, `date` or `kind`, or naming another column or one twice
/// ([`SuccessError::InvalidInput`] at `header`).
///
/// ```
/// use amscore::success::parse_activity_csv;
/// let (events, errors) = parse_activity_csv("member_id,date,kind,value\nM1,2025-05-01,donation,50.00\nM2,2025-13-01,login,\n")?;
/// assert_eq!(events.len(), 1);
/// assert_eq!((errors[0].row, errors[0].line, errors[0].field.as_deref()), (1, Some(3), Some("date")));
/// assert_eq!(errors[0].message, "`2025-13-01` is not a date (YYYY-MM-DD)");
/// # Ok::<(), amscore::success::SuccessError>(())
/// ```
pub fn parse_activity_csv(text: &str) -> Result<(Vec<ActivityEvent>, Vec<RowError>), SuccessError> {
    let mut reader =
        csv::ReaderBuilder::new().has_headers(true).flexible(true).trim(csv::Trim::All).from_reader(text.as_bytes());
    let header_error = |message: String| SuccessError::InvalidInput { path: "header".into(), message };
    let header = reader.headers().map_err(|e| header_error(e.to_string()))?.clone();
    let mut at = [None; 4];
    for (i, name) in header.iter().enumerate() {
        let name = name.trim_start_matches('\u{feff}').trim();
        let Some(c) = COLUMNS.iter().position(|c| c.eq_ignore_ascii_case(name)) else {
            return Err(header_error(format!("unknown column `{name}` (expected member_id, date, kind, value)")));
        };
        if at[c].replace(i).is_some() {
            return Err(header_error(format!("duplicate column `{}`", COLUMNS[c])));
        }
    }
    if let Some(c) = (0..3).find(|&c| at[c].is_none()) {
        return Err(header_error(format!("missing column `{}`", COLUMNS[c])));
    }
    let width = header.len();
    let mut events = Vec::new();
    let mut errors = Vec::new();
    for (index, record) in reader.records().enumerate() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let err = SuccessError::InvalidInput { path: String::new(), message: e.to_string() };
                errors.push(RowError::new(Source::Events, index, &err));
                continue;
            }
        };
        let line = record.position().map_or(0, csv::Position::line);
        if record.iter().all(str::is_empty) {
            continue;
        }
        if record.len() != width {
            let message = format!("expected {width} fields, found {}", record.len());
            let err = SuccessError::InvalidInput { path: String::new(), message };
            errors.push(RowError::new(Source::Events, index, &err).line(line));
            continue;
        }
        let field = |c: usize| at[c].and_then(|i| record.get(i)).unwrap_or("");
        let row =
            EventRow { member_id: field(0), date: Cell::Text(field(1)), kind: field(2), value: Cell::Text(field(3)) };
        match read_event(&row, index) {
            Ok(e) => events.push(e),
            Err(e) => errors.push(e.line(line)),
        }
    }
    Ok((events, errors))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> (Vec<ActivityEvent>, Vec<RowError>) {
        parse_activity_csv(text).expect("the header is valid")
    }

    #[test]
    fn every_bad_row_is_reported_with_its_row_line_and_field() {
        let text = "member_id,date,kind,value\nM1,2025-01-01,login,\n,2025-01-01,login,\nM1,2025-01-01\nM1,2025-01-01,,\nM1,2025-01-01,donation,lots\n\nM2,2025-02-01,donation,5.50\n";
        let (events, errors) = read(text);
        assert_eq!(events.len(), 2);
        assert_eq!((events[1].value, events[1].row), (Some(Decimal::new(550, 2)), Some(5)));
        let got: Vec<String> = errors.iter().map(ToString::to_string).collect();
        assert_eq!(
            got,
            [
                "row 2, member_id ``: must not be empty",
                "row 3: expected 4 fields, found 2",
                "row 4, kind ``: must not be empty",
                "row 5, value `lots`: `lots` is not a decimal amount",
            ]
        );
        assert_eq!(errors.iter().map(|e| e.line).collect::<Vec<_>>(), [Some(3), Some(4), Some(5), Some(6)]);
        assert!(errors.iter().all(|e| e.code == 4009));
    }

    #[test]
    fn a_wrong_header_refuses_the_log() {
        let err = parse_activity_csv("id,when,what\nM1,2025-01-01,login\n").expect_err("the header is wrong");
        assert_eq!(err.to_string(), "header: unknown column `id` (expected member_id, date, kind, value)");
        let err = parse_activity_csv("member_id,date\n").expect_err("no kind");
        assert_eq!(err.to_string(), "header: missing column `kind`");
    }

    #[test]
    fn columns_may_come_in_any_order_and_value_may_be_left_out() {
        let (events, errors) = read("kind,member_id,date\nlogin,M1,2025-01-01\n");
        assert_eq!(errors, []);
        assert_eq!((events[0].member_id.0.as_str(), events[0].kind.as_str(), events[0].value), ("M1", "login", None));
    }

    #[test]
    fn a_quoted_comma_or_line_break_stays_in_its_field_and_creates_no_event() {
        // A member id holding a line break followed by what looks like another member's event,
        // and a kind holding a comma: each is one field of one row, never a row of its own.
        let text =
            "member_id,date,kind,value\n\"M1\nM2,2025-01-01,login,\",2025-01-02,login,\nM3,2025-01-03,\"log,in\",\n";
        let (events, errors) = read(text);
        assert_eq!(errors, []);
        assert_eq!(events.len(), 2);
        assert_eq!(events[0].member_id.0, "M1\nM2,2025-01-01,login,");
        assert_eq!((events[0].row, events[1].row), (Some(0), Some(1)));
        assert_eq!(events[1].kind.as_str(), "log,in");
        assert!(events.iter().all(|e| e.member_id.0 != "M2"), "no event for M2 was fabricated");
    }

    #[test]
    fn a_date_holding_a_line_break_is_one_bad_field_not_a_second_event() {
        let text = "member_id,date,kind,value\nM1,\"2025-01-01\nM2,2025-01-01,login,\",login,\n";
        let (events, errors) = read(text);
        assert!(events.is_empty());
        assert_eq!(errors.len(), 1);
        assert_eq!((errors[0].row, errors[0].field.as_deref(), errors[0].code), (0, Some("date"), 4009));
        assert_eq!(errors[0].member_id.as_ref().map(|m| m.0.as_str()), Some("M1"));
    }
}
