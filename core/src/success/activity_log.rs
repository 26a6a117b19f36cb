//! The activity log read from rows (a CSV file, a binding's columns): one [`EventRow`] per row, checked into an [`ActivityEvent`] or a [`RowError`].

use rust_decimal::Decimal;
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
    Ok(ActivityEvent { member_id: MemberId::from(member_id), date, kind: kind.into(), value, row: Some(index) })
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
