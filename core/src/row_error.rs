//! One bad input row, reported instead of dropped: its structured address (source, row, field, value as given) and its stable code.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::codes::ErrorCode;
use crate::status::MemberId;

/// Which input a row belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// The roster: term rows (a CSV roster, a members frame) or member documents.
    Members,
    /// The activity log: event rows or event documents.
    Events,
    /// The previous at-risk triggers given to `at_risk`.
    PreviousTriggers,
    /// The sent log given to the reminder functions (`reminders_due`, `reminders_forecast`).
    Sent,
}

impl Source {
    /// The source's name: `members`, `events`, `previous_triggers` or `sent`.
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Members => "members",
            Source::Events => "events",
            Source::PreviousTriggers => "previous_triggers",
            Source::Sent => "sent",
        }
    }
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One problem with one input row: where it is (source, 0-based row, file line when read from
/// a file, field), whose it is, the value as given, and what is wrong with its stable code.
///
/// Rows count from 0 in the order given (the first data row of a CSV file, the first row of a
/// frame, the first element of a JSON list). A row may have several errors.
///
/// ```
/// use amscore::{RowError, Source};
/// use amscore::success::SuccessError;
/// let e = RowError::new(Source::Events, 3, &SuccessError::UnknownMember { member_id: "M-9".into() })
///     .member(Some("M-9".into()));
/// assert_eq!((e.code, e.name.as_str()), (4001, "unknown_member"));
/// assert_eq!(e.to_string(), "events[3]: unknown member `M-9`");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RowError {
    /// The input the row belongs to.
    pub source: Source,
    /// The row, counted from 0.
    pub row: usize,
    /// The file line the row starts on (1-based, the header is line 1), when read from a file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<u64>,
    /// The member the row is about, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub member_id: Option<MemberId>,
    /// The field, or `None` for a problem with the whole row.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// The field's value as given (trimmed text, or a typed value written as text).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// The stable error code.
    pub code: u32,
    /// The stable error name.
    pub name: String,
    /// What is wrong, as a sentence (without the address).
    pub message: String,
}

impl RowError {
    /// The error `err` of row `row` of `source`, with no field, member or value yet.
    pub fn new<E: ErrorCode + fmt::Display>(source: Source, row: usize, err: &E) -> RowError {
        RowError {
            source,
            row,
            line: None,
            member_id: None,
            field: None,
            value: None,
            code: err.code(),
            name: err.name().to_owned(),
            message: err.to_string(),
        }
    }

    /// The same error, about `member_id`.
    #[must_use]
    pub fn member(mut self, member_id: Option<MemberId>) -> RowError {
        self.member_id = member_id;
        self
    }

    /// The same error, in `field` whose value was `value`.
    #[must_use]
    pub fn field(mut self, field: impl Into<String>, value: Option<String>) -> RowError {
        self.field = Some(field.into());
        self.value = value;
        self
    }

    /// The same error, on file line `line`.
    #[must_use]
    pub fn line(mut self, line: u64) -> RowError {
        self.line = Some(line);
        self
    }

    /// The order errors are listed in: by source (members, events, previous triggers), then row.
    pub fn sort_key(&self) -> (Source, usize) {
        (self.source, self.row)
    }
}

/// `members[2].currency `EUR`: currency EUR is not plan `individual`'s (USD)`.
impl fmt::Display for RowError {
    /// A row read from a file is named as a person reading the file counts it (`row 31`, from
    /// 1, the header not counted, as the roster's own messages do); a row of a frame or a JSON
    /// list by its index (`members[30]`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let file = self.line.is_some();
        match file {
            true => write!(f, "row {}", self.row + 1)?,
            false => write!(f, "{}[{}]", self.source, self.row)?,
        }
        if let Some(field) = &self.field {
            write!(f, "{}{field}", if file { ", " } else { "." })?;
            if let Some(value) = &self.value {
                write!(f, " `{value}`")?;
            }
        }
        write!(f, ": {}", self.message)
    }
}
