//! Roster loading and data-quality checks: every row is either used or reported with its problem.
//!
//! A roster is a CSV *term history*: one row per term a member held. The required columns are
//! `member_id, plan, member_since, term_start, term_end`; the optional ones are `pending,
//! cancelled_on, deceased_on, override_status, override_until, amount_paid, currency` (see
//! [`Column`]). A member's current facts (a [`Membership`]) come from their latest term (the row
//! with the latest `term_start`); all their terms are kept as the member's history.
//!
//! Rows are numbered from 1 for the first *data* row: the header is row 0, so data row `n` is the
//! file's record `n + 1` (its line, when no value spans lines). Every row read is either used (it
//! is in exactly one member's history) or listed in [`Roster::problems`] with at least one
//! problem; nothing is dropped silently.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::io::Read;

use serde::ser::SerializeStruct;
use serde::{Serialize, Serializer};
use time::Date;

use crate::codes::{error_codes, ErrorCode};
use crate::engine::Engine;
use crate::money::{parse_decimal, Currency, Money};
use crate::period::parse_date;
use crate::plan::PlanId;
use crate::status::{MemberId, Membership, Status, StatusOverride};
use crate::term::Term;

/// A problem with a roster: with its header (the whole roster is refused) or with one row (the
/// row is reported and not used; the other rows are still read).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RosterError {
    /// A required column is missing from the header.
    #[error("missing column `{column}`")]
    MissingColumn {
        /// The column's name.
        column: String,
    },
    /// The header names a column amscore does not read (often a typo of an optional column).
    #[error("unknown column `{column}`")]
    UnknownColumn {
        /// The column's name, as written.
        column: String,
    },
    /// The header names a column twice.
    #[error("duplicate column `{column}`")]
    DuplicateColumn {
        /// The column's name.
        column: String,
    },
    /// The input could not be read at all (an I/O error from the reader).
    #[error("roster cannot be read: {message}")]
    Unreadable {
        /// What the reader said.
        message: String,
    },
    /// A row that cannot be split into the header's columns, or that is not UTF-8.
    #[error("malformed row: {message}")]
    MalformedRow {
        /// What is wrong.
        message: String,
    },
    /// A required value is empty.
    #[error("a value is required")]
    MissingValue,
    /// A date that is not written `YYYY-MM-DD` or does not exist (`2025-02-30`).
    #[error("not a calendar date (expected YYYY-MM-DD)")]
    InvalidDate,
    /// The term ends before it starts.
    #[error("term ends on {end}, before it starts on {start}")]
    TermEndsBeforeStart {
        /// The term's start.
        start: Date,
        /// The term's end.
        end: Date,
    },
    /// The plan is not in the policy.
    #[error("unknown plan `{plan}`")]
    UnknownPlan {
        /// The plan id as written.
        plan: String,
    },
    /// The term shares days with another term of the same member, read earlier.
    #[error("term {term} overlaps term {other} of row {other_row}")]
    OverlappingTerm {
        /// This row's term.
        term: Term,
        /// The other term.
        other: Term,
        /// The row the other term was read from.
        other_row: usize,
    },
    /// The same member and term start appear twice.
    #[error("duplicate of row {first_row} (same member and term start)")]
    DuplicateRecord {
        /// The row read first, which is used.
        first_row: usize,
    },
    /// The currency is not the plan's.
    #[error("currency {found} is not plan `{plan}`'s ({expected})")]
    CurrencyNotPlans {
        /// The plan.
        plan: PlanId,
        /// The plan's currency.
        expected: Currency,
        /// The currency written.
        found: Currency,
    },
    /// The currency code is not one amscore knows.
    #[error("unknown currency code")]
    UnknownCurrency,
    /// An amount that is not a plain non-negative decimal in the currency's minor units.
    #[error("invalid amount: {reason}")]
    InvalidAmount {
        /// Why it was refused.
        reason: String,
    },
    /// A yes/no value that is not one of `true/false`, `yes/no`, `y/n`, `1/0` (or empty).
    #[error("not a yes/no value (true/false, yes/no, y/n, 1/0)")]
    InvalidFlag,
    /// A status name that is not one of amscore's statuses.
    #[error("not a status (pending, new, active, grace, lapsed, expired, cancelled, suspended, deceased)")]
    InvalidStatus,
    /// The member joined after the term's end: the row contradicts itself.
    #[error("member since {member_since} is after the term's end {term_end}")]
    JoinedAfterTermEnd {
        /// The member's join date.
        member_since: Date,
        /// The term's end.
        term_end: Date,
    },
    /// A lifetime plan's term has an end date.
    #[error("plan `{plan}` is a lifetime plan: its term has no end")]
    LifetimeTermWithEnd {
        /// The plan.
        plan: PlanId,
    },
}

error_codes!(RosterError, "roster", ROSTER_ERRORS, {
    RosterError::MissingColumn { .. } => 1501, "missing_column";
    RosterError::UnknownColumn { .. } => 1502, "unknown_column";
    RosterError::DuplicateColumn { .. } => 1503, "duplicate_column";
    RosterError::Unreadable { .. } => 1504, "roster_unreadable";
    RosterError::MalformedRow { .. } => 1505, "malformed_row";
    RosterError::MissingValue => 1506, "missing_value";
    RosterError::InvalidDate => 1507, "impossible_date";
    RosterError::TermEndsBeforeStart { .. } => 1508, "term_end_before_start";
    RosterError::UnknownPlan { .. } => 1509, "plan_not_in_policy";
    RosterError::OverlappingTerm { .. } => 1510, "overlapping_terms";
    RosterError::DuplicateRecord { .. } => 1511, "duplicate_term_record";
    RosterError::CurrencyNotPlans { .. } => 1512, "wrong_currency";
    RosterError::UnknownCurrency => 1513, "invalid_currency_code";
    RosterError::InvalidAmount { .. } => 1514, "unparsable_amount";
    RosterError::InvalidFlag => 1515, "unparsable_flag";
    RosterError::InvalidStatus => 1516, "unparsable_status";
    RosterError::JoinedAfterTermEnd { .. } => 1517, "member_since_after_term_end";
    RosterError::LifetimeTermWithEnd { .. } => 1518, "lifetime_term_has_end";
});

/// A roster column.
///
/// | column | required | meaning |
/// |---|---|---|
/// | `member_id` | yes | the member's id |
/// | `plan` | yes | the plan id of this term (must be in the policy) |
/// | `member_since` | yes | join date as of this term (`YYYY-MM-DD`) |
/// | `term_start` | yes | the term's first day |
/// | `term_end` | yes | the term's last day, inclusive; empty for a lifetime plan |
/// | `pending` | no | `true/false`, `yes/no`, `y/n`, `1/0`; empty is false |
/// | `cancelled_on` | no | the day the membership was cancelled |
/// | `deceased_on` | no | the day the member died |
/// | `override_status` | no | a staff override: a status name (`suspended`, `active`, ...) |
/// | `override_until` | no | the override's last day; empty holds indefinitely |
/// | `amount_paid` | no | what was paid for the term, a plain decimal (`200.00`) |
/// | `currency` | no | the ISO 4217 code of `amount_paid`; must be the plan's; default the plan's |
///
/// Column names are matched ignoring ASCII case and surrounding spaces; values are trimmed.
/// `pending`, `cancelled_on`, `deceased_on` and the override are facts of the membership: they are
/// checked on every row and taken from the member's latest term.
///
/// ```
/// use amscore::Column;
/// assert_eq!(Column::TermEnd.as_str(), "term_end");
/// assert!(Column::TermEnd.is_required() && !Column::Currency.is_required());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Column {
    /// `member_id`.
    MemberId,
    /// `plan`.
    Plan,
    /// `member_since`.
    MemberSince,
    /// `term_start`.
    TermStart,
    /// `term_end`.
    TermEnd,
    /// `pending`.
    Pending,
    /// `cancelled_on`.
    CancelledOn,
    /// `deceased_on`.
    DeceasedOn,
    /// `override_status`.
    OverrideStatus,
    /// `override_until`.
    OverrideUntil,
    /// `amount_paid`.
    AmountPaid,
    /// `currency`.
    Currency,
}

impl Column {
    /// Every column, required ones first.
    pub const ALL: [Column; 12] = [
        Column::MemberId,
        Column::Plan,
        Column::MemberSince,
        Column::TermStart,
        Column::TermEnd,
        Column::Pending,
        Column::CancelledOn,
        Column::DeceasedOn,
        Column::OverrideStatus,
        Column::OverrideUntil,
        Column::AmountPaid,
        Column::Currency,
    ];

    /// The column's name in the header.
    pub fn as_str(self) -> &'static str {
        match self {
            Column::MemberId => "member_id",
            Column::Plan => "plan",
            Column::MemberSince => "member_since",
            Column::TermStart => "term_start",
            Column::TermEnd => "term_end",
            Column::Pending => "pending",
            Column::CancelledOn => "cancelled_on",
            Column::DeceasedOn => "deceased_on",
            Column::OverrideStatus => "override_status",
            Column::OverrideUntil => "override_until",
            Column::AmountPaid => "amount_paid",
            Column::Currency => "currency",
        }
    }

    /// Whether every roster must have the column.
    pub fn is_required(self) -> bool {
        matches!(self, Column::MemberId | Column::Plan | Column::MemberSince | Column::TermStart | Column::TermEnd)
    }
}

impl fmt::Display for Column {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One problem with one row: where (row, line, field), the value as written, and what is wrong.
///
/// ```
/// let engine = amscore::Engine::from_preset("amscore")?;
/// let csv = "member_id,plan,member_since,term_start,term_end,currency\n\
///            M-7,individual,2020-03-01,2025-03-01,2026-02-28,EUR\n";
/// let roster = amscore::Roster::from_csv(&engine, csv.as_bytes())?;
/// let p = &roster.problems[0];
/// assert_eq!((p.row, p.line, p.member_id.as_str(), p.field), (1, 2, "M-7", Some(amscore::Column::Currency)));
/// assert_eq!((p.code(), p.name()), (1512, "wrong_currency"));
/// assert_eq!(p.to_string(), "row 1, currency `EUR`: currency EUR is not plan `individual`'s (USD)");
/// # Ok::<(), amscore::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowProblem {
    /// The 1-based data row (the header is row 0).
    pub row: usize,
    /// The file line the row starts on (1-based; the header is line 1).
    pub line: u64,
    /// The row's `member_id` as written (empty if missing or unreadable).
    pub member_id: String,
    /// The field, or `None` for a problem with the whole row.
    pub field: Option<Column>,
    /// The value as written (trimmed; empty when missing).
    pub value: String,
    /// What is wrong, with its stable code.
    pub error: RosterError,
}

impl RowProblem {
    /// The problem's stable numeric code.
    pub fn code(&self) -> u32 {
        self.error.code()
    }

    /// The problem's stable snake_case name.
    pub fn name(&self) -> &'static str {
        self.error.name()
    }
}

/// Written as `{"row", "line", "member_id", "field", "value", "code", "name", "message"}`.
impl Serialize for RowProblem {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("RowProblem", 8)?;
        st.serialize_field("row", &self.row)?;
        st.serialize_field("line", &self.line)?;
        st.serialize_field("member_id", &self.member_id)?;
        st.serialize_field("field", &self.field)?;
        st.serialize_field("value", &self.value)?;
        st.serialize_field("code", &self.code())?;
        st.serialize_field("name", self.name())?;
        st.serialize_field("message", &self.error.to_string())?;
        st.end()
    }
}

impl fmt::Display for RowProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "row {}", self.row)?;
        if let Some(field) = self.field {
            write!(f, ", {field} `{}`", self.value)?;
        }
        write!(f, ": {}", self.error)
    }
}

/// One term in a member's history, from one used row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TermRecord {
    /// The row it was read from.
    pub row: usize,
    /// The plan of the term.
    pub plan: PlanId,
    /// Member-since as of this term.
    pub member_since: Date,
    /// The term.
    pub term: Term,
    /// What was paid for it, if the roster says.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub amount_paid: Option<Money>,
}

/// A member: the current facts (from the latest term) and every term read for them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MemberRecord {
    /// The current facts, from the row with the latest `term_start`.
    pub membership: Membership,
    /// Every used term, by start date (the last is the current one).
    pub history: Vec<TermRecord>,
}

/// How many problems of one kind a roster has.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ProblemCount {
    /// The stable code.
    pub code: u32,
    /// The stable name.
    pub name: &'static str,
    /// How many problems have it.
    pub count: usize,
}

/// A roster read and checked against a policy: the members built from the valid rows, and every
/// problem with every other row.
///
/// ```
/// let engine = amscore::Engine::from_preset("amscore")?;
/// let csv = "member_id,plan,member_since,term_start,term_end,amount_paid\n\
///            M-1,individual,2020-03-01,2024-03-01,2025-02-28,200.00\n\
///            M-1,individual,2020-03-01,2025-03-01,2026-02-28,200.00\n\
///            M-2,platinum,2025-01-10,2025-01-10,2026-01-09,\n\
///            M-3,individual,2025-05-01,2025-05-01,2025-02-30,200\n";
/// let roster = amscore::Roster::from_csv(&engine, csv.as_bytes())?;
/// assert_eq!((roster.rows_read, roster.rows_used(), roster.rows_with_problems()), (4, 2, 2));
/// assert_eq!(roster.members[0].history.len(), 2);
/// assert_eq!(roster.members[0].membership.term.start, time::macros::date!(2025-03-01));
/// assert_eq!(roster.problems[0].to_string(), "row 3, plan `platinum`: unknown plan `platinum`");
/// assert_eq!(roster.problems[1].name(), "impossible_date");
/// # Ok::<(), amscore::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Roster {
    /// The members, in the order their first row appears.
    pub members: Vec<MemberRecord>,
    /// Every problem, by row (a row may have several).
    pub problems: Vec<RowProblem>,
    /// How many data rows were read (the header not counted).
    pub rows_read: usize,
}

impl Roster {
    /// Reads a roster in CSV (RFC 4180: comma-separated, `"`-quoted values, a header row) and
    /// checks every row against the engine's policy.
    ///
    /// # Errors
    /// Only for the roster as a whole: [`RosterError::MissingColumn`],
    /// [`RosterError::UnknownColumn`], [`RosterError::DuplicateColumn`] for the header, and
    /// [`RosterError::Unreadable`] if the reader fails. Problems with rows are not errors: they
    /// are listed in [`Roster::problems`].
    pub fn from_csv<R: Read>(engine: &Engine, input: R) -> Result<Roster, RosterError> {
        let mut reader =
            csv::ReaderBuilder::new().has_headers(true).flexible(true).trim(csv::Trim::All).from_reader(input);
        let header = reader.byte_headers().map_err(unreadable)?.clone();
        let positions = column_positions(&header)?;
        let mut problems = Vec::new();
        let mut parsed = Vec::new();
        let mut rows_read = 0;
        for record in reader.byte_records() {
            let record = record.map_err(unreadable)?;
            rows_read += 1;
            let line = record.position().map_or(0, csv::Position::line);
            match parse_row(engine, &positions, header.len(), &record, rows_read, line) {
                Ok(row) => parsed.push(row),
                Err(mut p) => problems.append(&mut p),
            }
        }
        let members = group_members(parsed, &mut problems);
        problems.sort_by_key(|p| p.row);
        Ok(Roster { members, problems, rows_read })
    }

    /// How many rows are used: in exactly one member's history.
    pub fn rows_used(&self) -> usize {
        self.members.iter().map(|m| m.history.len()).sum()
    }

    /// How many rows have at least one problem (and so are not used).
    pub fn rows_with_problems(&self) -> usize {
        let mut rows: Vec<usize> = self.problems.iter().map(|p| p.row).collect();
        rows.dedup();
        rows.len()
    }

    /// The number of problems of each kind, by code.
    ///
    /// ```
    /// let engine = amscore::Engine::from_preset("amscore")?;
    /// let csv = "member_id,plan,member_since,term_start,term_end\n\
    ///            M-1,gold,2020-03-01,2025-03-01,2026-02-28\n\
    ///            M-2,silver,2020-03-01,2025-03-01,2026-02-28\n";
    /// let roster = amscore::Roster::from_csv(&engine, csv.as_bytes())?;
    /// let counts = roster.problem_counts();
    /// assert_eq!((counts[0].name, counts[0].count), ("plan_not_in_policy", 2));
    /// # Ok::<(), amscore::Error>(())
    /// ```
    pub fn problem_counts(&self) -> Vec<ProblemCount> {
        let mut counts: BTreeMap<u32, ProblemCount> = BTreeMap::new();
        for p in &self.problems {
            counts.entry(p.code()).or_insert(ProblemCount { code: p.code(), name: p.name(), count: 0 }).count += 1;
        }
        counts.into_values().collect()
    }
}

/// Written as `{"rows_read", "rows_used", "rows_with_problems", "members", "problems"}`: the
/// gateway's `load_roster` answer.
impl Serialize for Roster {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("Roster", 5)?;
        st.serialize_field("rows_read", &self.rows_read)?;
        st.serialize_field("rows_used", &self.rows_used())?;
        st.serialize_field("rows_with_problems", &self.rows_with_problems())?;
        st.serialize_field("members", &self.members)?;
        st.serialize_field("problems", &self.problems)?;
        st.end()
    }
}

fn unreadable(err: csv::Error) -> RosterError {
    RosterError::Unreadable { message: err.to_string() }
}

/// Where each column of the header is, in [`Column::ALL`] order.
fn column_positions(header: &csv::ByteRecord) -> Result<Vec<(Column, usize)>, RosterError> {
    let mut positions = HashMap::new();
    for (i, raw) in header.iter().enumerate() {
        let name = String::from_utf8_lossy(raw);
        let name = name.trim_start_matches('\u{feff}').trim();
        let column = Column::ALL
            .into_iter()
            .find(|c| c.as_str().eq_ignore_ascii_case(name))
            .ok_or_else(|| RosterError::UnknownColumn { column: name.to_owned() })?;
        if positions.insert(column, i).is_some() {
            return Err(RosterError::DuplicateColumn { column: column.as_str().to_owned() });
        }
    }
    if let Some(missing) = Column::ALL.into_iter().find(|c| c.is_required() && !positions.contains_key(c)) {
        return Err(RosterError::MissingColumn { column: missing.as_str().to_owned() });
    }
    let mut positions: Vec<(Column, usize)> = positions.into_iter().collect();
    positions.sort_unstable();
    Ok(positions)
}

/// A row whose every field is valid, before the checks across rows.
struct ParsedRow {
    record: TermRecord,
    line: u64,
    member_id: MemberId,
    pending: bool,
    cancelled_on: Option<Date>,
    deceased_on: Option<Date>,
    status_override: Option<StatusOverride>,
}

/// Reads one row's fields, collecting every problem.
struct RowReader<'a> {
    values: Vec<(Column, &'a str)>,
    row: usize,
    line: u64,
    problems: Vec<RowProblem>,
}

impl<'a> RowReader<'a> {
    fn get(&self, column: Column) -> &'a str {
        self.values.iter().find(|(c, _)| *c == column).map_or("", |(_, v)| v)
    }

    fn report(&mut self, field: Option<Column>, error: RosterError) {
        let value = field.map_or("", |f| self.get(f)).to_owned();
        let member_id = self.get(Column::MemberId).to_owned();
        self.problems.push(RowProblem { row: self.row, line: self.line, member_id, field, value, error });
    }

    fn required(&mut self, column: Column) -> Option<&'a str> {
        let value = self.get(column);
        if value.is_empty() {
            self.report(Some(column), RosterError::MissingValue);
            None
        } else {
            Some(value)
        }
    }

    fn date(&mut self, column: Column, required: bool) -> Option<Date> {
        let value = self.get(column);
        if value.is_empty() {
            if required {
                self.report(Some(column), RosterError::MissingValue);
            }
            return None;
        }
        parse_date(value).map_err(|_| self.report(Some(column), RosterError::InvalidDate)).ok()
    }

    fn flag(&mut self, column: Column) -> bool {
        match self.get(column).to_ascii_lowercase().as_str() {
            "" | "false" | "no" | "n" | "0" => false,
            "true" | "yes" | "y" | "1" => true,
            _ => {
                self.report(Some(column), RosterError::InvalidFlag);
                false
            }
        }
    }
}

fn parse_row(
    engine: &Engine,
    positions: &[(Column, usize)],
    header_len: usize,
    record: &csv::ByteRecord,
    row: usize,
    line: u64,
) -> Result<ParsedRow, Vec<RowProblem>> {
    let mut values = Vec::with_capacity(positions.len());
    let mut r = RowReader { values: Vec::new(), row, line, problems: Vec::new() };
    if record.len() != header_len {
        let message = format!("{} values, the header has {header_len} columns", record.len());
        r.report(None, RosterError::MalformedRow { message });
        return Err(r.problems);
    }
    for &(column, i) in positions {
        if let Some(raw) = record.get(i) {
            match std::str::from_utf8(raw) {
                Ok(text) => values.push((column, text)),
                Err(_) => r.problems.push(RowProblem {
                    row,
                    line,
                    member_id: String::new(),
                    field: Some(column),
                    value: String::from_utf8_lossy(raw).into_owned(),
                    error: RosterError::MalformedRow { message: "the value is not valid UTF-8".into() },
                }),
            }
        }
    }
    if !r.problems.is_empty() {
        return Err(r.problems);
    }
    r.values = values;
    let member_id = r.required(Column::MemberId);
    // A linear scan by text: no allocation per row, and policies have few plans.
    let plan =
        r.required(Column::Plan).and_then(|id| match engine.policy().plans.iter().find(|p| p.id.as_str() == id) {
            Some(plan) => Some(plan),
            None => {
                r.report(Some(Column::Plan), RosterError::UnknownPlan { plan: id.to_owned() });
                None
            }
        });
    let member_since = r.date(Column::MemberSince, true);
    let start = r.date(Column::TermStart, true);
    let end = match plan {
        Some(p) if p.is_lifetime() => {
            if !r.get(Column::TermEnd).is_empty() {
                r.report(Some(Column::TermEnd), RosterError::LifetimeTermWithEnd { plan: p.id.clone() });
            }
            None
        }
        // Without the plan, an empty end could be a lifetime term: only a written one is checked.
        _ => r.date(Column::TermEnd, plan.is_some()),
    };
    if let (Some(start), Some(end)) = (start, end) {
        if end < start {
            r.report(Some(Column::TermEnd), RosterError::TermEndsBeforeStart { start, end });
        } else if let Some(since) = member_since.filter(|s| *s > end) {
            r.report(Some(Column::MemberSince), RosterError::JoinedAfterTermEnd { member_since: since, term_end: end });
        }
    }
    let pending = r.flag(Column::Pending);
    let cancelled_on = r.date(Column::CancelledOn, false);
    let deceased_on = r.date(Column::DeceasedOn, false);
    let override_status = match r.get(Column::OverrideStatus) {
        "" => None,
        text => {
            let status = serde_json::from_value::<Status>(serde_json::Value::String(text.to_ascii_lowercase()));
            status.map_err(|_| r.report(Some(Column::OverrideStatus), RosterError::InvalidStatus)).ok()
        }
    };
    let override_until = r.date(Column::OverrideUntil, false);
    if override_until.is_some() && r.get(Column::OverrideStatus).is_empty() {
        r.report(Some(Column::OverrideStatus), RosterError::MissingValue);
    }
    let currency = match r.get(Column::Currency) {
        "" => plan.map(|p| p.prices.currency),
        code => match Currency::from_code(&code.to_ascii_uppercase()) {
            Ok(found) => {
                if let Some(p) = plan.filter(|p| p.prices.currency != found) {
                    let error =
                        RosterError::CurrencyNotPlans { plan: p.id.clone(), expected: p.prices.currency, found };
                    r.report(Some(Column::Currency), error);
                }
                Some(found)
            }
            Err(_) => {
                r.report(Some(Column::Currency), RosterError::UnknownCurrency);
                None
            }
        },
    };
    let amount_paid = match r.get(Column::AmountPaid) {
        "" => None,
        text => match amount(text, currency) {
            Ok(money) => money,
            Err(reason) => {
                r.report(Some(Column::AmountPaid), RosterError::InvalidAmount { reason });
                None
            }
        },
    };
    match (r.problems.is_empty(), member_id, plan, member_since, start) {
        (true, Some(id), Some(plan), Some(member_since), Some(start)) => Ok(ParsedRow {
            record: TermRecord { row, plan: plan.id.clone(), member_since, term: Term { start, end }, amount_paid },
            line,
            member_id: MemberId::from(id),
            pending,
            cancelled_on,
            deceased_on,
            status_override: override_status.map(|status| StatusOverride { status, until: override_until }),
        }),
        _ => Err(r.problems),
    }
}

/// An amount paid, in its currency when known (`Ok(None)` if the currency is not known: the row
/// already has a problem with its plan or currency).
fn amount(text: &str, currency: Option<Currency>) -> Result<Option<Money>, String> {
    let value = parse_decimal(text).map_err(|e| match e {
        crate::money::MoneyError::InvalidAmount { reason, .. } => reason,
        other => other.to_string(),
    })?;
    if value.is_sign_negative() && !value.is_zero() {
        return Err("must not be negative".into());
    }
    let Some(currency) = currency else {
        return Ok(None);
    };
    let money = Money::new(value, currency);
    if !money.is_in_minor_units() {
        return Err(format!("more decimals than {currency} allows ({})", currency.minor_units()));
    }
    Ok(Some(money))
}

/// Groups valid rows by member, refusing duplicates and overlaps (the row read first is kept), and
/// builds each member's facts from their latest term.
fn group_members(rows: Vec<ParsedRow>, problems: &mut Vec<RowProblem>) -> Vec<MemberRecord> {
    let mut order: HashMap<MemberId, usize> = HashMap::new();
    let mut groups: Vec<Vec<ParsedRow>> = Vec::new();
    for row in rows {
        let i = *order.entry(row.member_id.clone()).or_insert_with(|| {
            groups.push(Vec::new());
            groups.len() - 1
        });
        let group = &mut groups[i];
        let term = row.record.term;
        let clash = group
            .iter()
            .find(|kept| kept.record.term.start == term.start)
            .map(|kept| (Some(Column::TermStart), RosterError::DuplicateRecord { first_row: kept.record.row }));
        let clash = clash.or_else(|| {
            group.iter().find(|kept| kept.record.term.overlaps(&term)).map(|kept| {
                let error = RosterError::OverlappingTerm { term, other: kept.record.term, other_row: kept.record.row };
                (Some(Column::TermStart), error)
            })
        });
        match clash {
            Some((field, error)) => problems.push(RowProblem {
                row: row.record.row,
                line: row.line,
                member_id: row.member_id.0.clone(),
                field,
                value: term.start.to_string(),
                error,
            }),
            None => group.push(row),
        }
    }
    groups.into_iter().filter_map(member_record).collect()
}

fn member_record(mut rows: Vec<ParsedRow>) -> Option<MemberRecord> {
    rows.sort_by_key(|r| r.record.term.start);
    let latest = rows.pop()?;
    let membership = Membership {
        member_id: latest.member_id,
        plan: latest.record.plan.clone(),
        member_since: latest.record.member_since,
        term: latest.record.term,
        pending: latest.pending,
        cancelled_on: latest.cancelled_on,
        status_override: latest.status_override,
        deceased_on: latest.deceased_on,
    };
    let mut history: Vec<TermRecord> = rows.into_iter().map(|r| r.record).collect();
    history.push(latest.record);
    Some(MemberRecord { membership, history })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use time::macros::date;

    const HEADER: &str = "member_id,plan,member_since,term_start,term_end,pending,cancelled_on,deceased_on,\
                          override_status,override_until,amount_paid,currency\n";

    fn engine() -> Engine {
        Engine::from_preset("amscore").expect("the amscore preset compiles")
    }

    fn load(rows: &str) -> Roster {
        Roster::from_csv(&engine(), format!("{HEADER}{rows}").as_bytes()).expect("the header is valid")
    }

    /// Loads rows and returns the single problem they produce, checking that it is the only one
    /// and that the accounting holds.
    fn only_problem(rows: &str) -> RowProblem {
        let roster = load(rows);
        assert_eq!(roster.problems.len(), 1, "{:?}", roster.problems);
        assert_eq!(roster.rows_used() + roster.rows_with_problems(), roster.rows_read);
        roster.problems[0].clone()
    }

    fn assert_problem(p: &RowProblem, row: usize, field: Option<Column>, value: &str, name: &str) {
        assert_eq!((p.row, p.field, p.value.as_str(), p.name()), (row, field, value, name), "{p}");
    }

    const GOOD: &str = "M-1,individual,2020-03-01,2025-03-01,2026-02-28,,,,,,200.00,USD\n";

    #[test]
    fn a_valid_history_builds_the_member_from_the_latest_term() {
        let roster = load(
            "M-1,individual,2020-03-01,2025-03-01,2026-02-28,no,,,,,200.00,USD\n\
             M-1,individual,2020-03-01,2024-03-01,2025-02-28,,,,suspended,2025-01-01,200,\n\
             M-2,lifetime,2010-05-05,2010-05-05,,,,,,,3000,usd\n",
        );
        assert_eq!(roster.problems, []);
        assert_eq!((roster.rows_read, roster.rows_used()), (3, 3));
        let m1 = &roster.members[0];
        assert_eq!(m1.history.iter().map(|t| t.row).collect::<Vec<_>>(), [2, 1]);
        assert_eq!(m1.membership.term, Term { start: date!(2025 - 03 - 01), end: Some(date!(2026 - 02 - 28)) });
        assert_eq!(m1.membership.status_override, None, "facts come from the latest term only");
        assert_eq!(m1.history[0].amount_paid.map(|m| m.to_string()), Some("200 USD".into()));
        let m2 = &roster.members[1];
        assert_eq!(m2.membership.term, Term::lifetime(date!(2010 - 05 - 05)));
        assert_eq!(m2.history[0].amount_paid.map(|m| m.to_string()), Some("3000 USD".into()));
    }

    #[test]
    fn facts_columns_reach_the_membership() {
        let roster =
            load("M-1,individual,2020-03-01,2025-03-01,2026-02-28,YES,2026-01-02,2026-03-04,Suspended,2026-05-06,,\n");
        let m = &roster.members[0].membership;
        assert!(m.pending);
        assert_eq!((m.cancelled_on, m.deceased_on), (Some(date!(2026 - 01 - 02)), Some(date!(2026 - 03 - 04))));
        assert_eq!(
            m.status_override,
            Some(StatusOverride { status: Status::Suspended, until: Some(date!(2026 - 05 - 06)) })
        );
    }

    #[test]
    fn header_problems_refuse_the_whole_roster() {
        let e = engine();
        let err = |text: &str| Roster::from_csv(&e, text.as_bytes()).expect_err("header is invalid");
        assert_eq!(
            err("member_id,plan,member_since,term_start\nM-1,individual,2020-01-01,2020-01-01\n"),
            RosterError::MissingColumn { column: "term_end".into() }
        );
        assert_eq!(err("").code(), 1501);
        assert_eq!(
            err("member_id,plan,member_since,term_start,term_end,cancelled_at\n"),
            RosterError::UnknownColumn { column: "cancelled_at".into() }
        );
        assert_eq!(
            err("member_id,plan,member_since,term_start,term_end,Plan\n"),
            RosterError::DuplicateColumn { column: "plan".into() }
        );
    }

    #[test]
    fn header_names_ignore_case_spaces_and_a_byte_order_mark() {
        let text = "\u{feff}Member_ID, PLAN ,member_since,term_start,term_end\nM-1,individual,2020-03-01,2025-03-01,2026-02-28\n";
        let roster = Roster::from_csv(&engine(), text.as_bytes()).expect("header is valid");
        assert_eq!((roster.rows_used(), roster.problems.len()), (1, 0));
    }

    #[test]
    fn quoted_values_with_commas_and_quotes_are_read_whole() {
        let text = "member_id,plan,member_since,term_start,term_end\n\"M-1, \"\"the first\"\"\",individual,2020-03-01,2025-03-01,2026-02-28\n";
        let roster = Roster::from_csv(&engine(), text.as_bytes()).expect("header is valid");
        assert_eq!(roster.members[0].membership.member_id.0, "M-1, \"the first\"");
    }

    #[test]
    fn missing_value() {
        let p = only_problem(",individual,2020-03-01,2025-03-01,2026-02-28,,,,,,,\n");
        assert_problem(&p, 1, Some(Column::MemberId), "", "missing_value");
        let p = only_problem("M-1,individual,,2025-03-01,2026-02-28,,,,,,,\n");
        assert_problem(&p, 1, Some(Column::MemberSince), "", "missing_value");
        assert_eq!(p.code(), 1506);
        let p = only_problem("M-1,individual,2020-03-01,2025-03-01,,,,,,,,\n");
        assert_problem(&p, 1, Some(Column::TermEnd), "", "missing_value");
        let p = only_problem("M-1,individual,2020-03-01,2025-03-01,2026-02-28,,,,,2026-05-01,,\n");
        assert_problem(&p, 1, Some(Column::OverrideStatus), "", "missing_value");
    }

    #[test]
    fn impossible_date() {
        let p = only_problem("M-1,individual,2020-03-01,2025-03-01,2025-02-30,,,,,,,\n");
        assert_problem(&p, 1, Some(Column::TermEnd), "2025-02-30", "impossible_date");
        assert_eq!(p.to_string(), "row 1, term_end `2025-02-30`: not a calendar date (expected YYYY-MM-DD)");
        let p = only_problem(&format!("{GOOD}M-2,individual,03/01/2020,2025-03-01,2026-02-28,,,,,,,\n"));
        assert_problem(&p, 2, Some(Column::MemberSince), "03/01/2020", "impossible_date");
        assert_eq!((p.line, p.member_id.as_str()), (3, "M-2"));
        let p = only_problem("M-1,individual,2020-03-01,2025-03-01,2026-02-28,,2026-13-01,,,,,\n");
        assert_problem(&p, 1, Some(Column::CancelledOn), "2026-13-01", "impossible_date");
    }

    #[test]
    fn term_end_before_start() {
        let p = only_problem("M-1,individual,2020-03-01,2025-03-01,2025-02-28,,,,,,,\n");
        assert_problem(&p, 1, Some(Column::TermEnd), "2025-02-28", "term_end_before_start");
        assert_eq!(p.error.to_string(), "term ends on 2025-02-28, before it starts on 2025-03-01");
    }

    #[test]
    fn member_since_after_term_end() {
        let p = only_problem("M-1,individual,2026-03-01,2025-03-01,2026-02-28,,,,,,,\n");
        assert_problem(&p, 1, Some(Column::MemberSince), "2026-03-01", "member_since_after_term_end");
    }

    #[test]
    fn plan_not_in_policy() {
        let p = only_problem("M-1,Individual,2020-03-01,2025-03-01,2026-02-28,,,,,,200.00,USD\n");
        assert_problem(&p, 1, Some(Column::Plan), "Individual", "plan_not_in_policy");
        assert_eq!(p.code(), 1509);
        // Without the plan, an empty end is not reported: it could be a lifetime term.
        let p = only_problem("M-1,gold,2020-03-01,2020-03-01,,,,,,,,\n");
        assert_problem(&p, 1, Some(Column::Plan), "gold", "plan_not_in_policy");
    }

    #[test]
    fn lifetime_term_has_end() {
        let p = only_problem("M-1,lifetime,2020-03-01,2020-03-01,2021-02-28,,,,,,,\n");
        assert_problem(&p, 1, Some(Column::TermEnd), "2021-02-28", "lifetime_term_has_end");
    }

    #[test]
    fn overlapping_terms_keep_the_row_read_first() {
        let roster = load(&format!("{GOOD}M-1,individual,2020-03-01,2026-02-01,2027-01-31,,,,,,,\n"));
        assert_eq!(roster.problems.len(), 1);
        let p = &roster.problems[0];
        assert_problem(p, 2, Some(Column::TermStart), "2026-02-01", "overlapping_terms");
        assert_eq!(p.error.to_string(), "term 2026-02-01..=2027-01-31 overlaps term 2025-03-01..=2026-02-28 of row 1");
        assert_eq!(roster.members[0].history.len(), 1);
        assert_eq!(roster.members[0].history[0].row, 1);
        // A lifetime term overlaps every later term.
        let p = only_problem(
            "M-1,lifetime,2020-03-01,2020-03-01,,,,,,,,\nM-1,individual,2020-03-01,2025-03-01,2026-02-28,,,,,,,\n",
        );
        assert_problem(&p, 2, Some(Column::TermStart), "2025-03-01", "overlapping_terms");
        // Terms that touch without sharing a day do not overlap.
        let roster = load(&format!("{GOOD}M-1,individual,2020-03-01,2026-03-01,2027-02-28,,,,,,,\n"));
        assert_eq!((roster.problems.len(), roster.members[0].history.len()), (0, 2));
    }

    #[test]
    fn duplicate_term_record() {
        let p = only_problem(&format!("{GOOD}{GOOD}"));
        assert_problem(&p, 2, Some(Column::TermStart), "2025-03-01", "duplicate_term_record");
        assert_eq!(p.error, RosterError::DuplicateRecord { first_row: 1 });
        // The same term start for another member is no duplicate.
        let roster = load(&format!("{GOOD}{}", GOOD.replacen("M-1", "M-2", 1)));
        assert_eq!((roster.problems.len(), roster.members.len()), (0, 2));
    }

    #[test]
    fn wrong_currency() {
        let p = only_problem("M-1,individual,2020-03-01,2025-03-01,2026-02-28,,,,,,200.00,EUR\n");
        assert_problem(&p, 1, Some(Column::Currency), "EUR", "wrong_currency");
        assert_eq!(p.error.to_string(), "currency EUR is not plan `individual`'s (USD)");
    }

    #[test]
    fn invalid_currency_code() {
        let p = only_problem("M-1,individual,2020-03-01,2025-03-01,2026-02-28,,,,,,200.00,DOLLARS\n");
        assert_problem(&p, 1, Some(Column::Currency), "DOLLARS", "invalid_currency_code");
    }

    #[test]
    fn unparsable_amount() {
        for (amount, reason) in [
            ("$200", "invalid amount: expected a decimal number such as 12.50"),
            ("-5.00", "invalid amount: must not be negative"),
            ("200.001", "invalid amount: more decimals than USD allows (2)"),
        ] {
            let p = only_problem(&format!("M-1,individual,2020-03-01,2025-03-01,2026-02-28,,,,,,{amount},USD\n"));
            assert_problem(&p, 1, Some(Column::AmountPaid), amount, "unparsable_amount");
            assert_eq!(p.error.to_string(), reason);
        }
    }

    #[test]
    fn unparsable_flag() {
        let p = only_problem("M-1,individual,2020-03-01,2025-03-01,2026-02-28,maybe,,,,,,\n");
        assert_problem(&p, 1, Some(Column::Pending), "maybe", "unparsable_flag");
    }

    #[test]
    fn unparsable_status() {
        let p = only_problem("M-1,individual,2020-03-01,2025-03-01,2026-02-28,,,,on hold,,,\n");
        assert_problem(&p, 1, Some(Column::OverrideStatus), "on hold", "unparsable_status");
    }

    #[test]
    fn malformed_row() {
        let p = only_problem(&format!("{GOOD}M-2,individual,2020-03-01\n"));
        assert_problem(&p, 2, None, "", "malformed_row");
        assert_eq!(p.to_string(), "row 2: malformed row: 3 values, the header has 12 columns");
        let mut bytes = format!("{HEADER}M-1,individual,2020-03-01,2025-03-01,2026-02-28,,,,,,,\n").into_bytes();
        let at = bytes.iter().position(|b| *b == b'M').expect("a member id");
        bytes[at] = 0xff;
        let roster = Roster::from_csv(&engine(), &bytes[..]).expect("the header is valid");
        assert_eq!(roster.problems.len(), 1);
        assert_problem(&roster.problems[0], 1, Some(Column::MemberId), "\u{fffd}-1", "malformed_row");
    }

    #[test]
    fn one_row_may_have_several_problems_and_is_counted_once() {
        let roster = load("M-1,gold,2020-02-30,2025-03-01,2025-02-28,perhaps,,,,,x,\n");
        let names: Vec<&str> = roster.problems.iter().map(RowProblem::name).collect();
        assert_eq!(
            names,
            ["plan_not_in_policy", "impossible_date", "term_end_before_start", "unparsable_flag", "unparsable_amount"]
        );
        assert_eq!((roster.rows_read, roster.rows_with_problems(), roster.rows_used()), (1, 1, 0));
        let counts = roster.problem_counts();
        assert_eq!(
            counts.iter().map(|c| (c.code, c.count)).collect::<Vec<_>>(),
            [(1507, 1), (1508, 1), (1509, 1), (1514, 1), (1515, 1)]
        );
    }

    #[test]
    fn every_row_is_used_or_reported() {
        let roster = load(&format!(
            "{GOOD}{GOOD}M-2,gold,2020-03-01,2025-03-01,2026-02-28,,,,,,,\n\
             M-3,retired,2021-06-01,2025-06-01,2026-05-31,,,,,,90.00,USD\nbroken\n"
        ));
        assert_eq!(roster.rows_read, 5);
        assert_eq!((roster.rows_used(), roster.rows_with_problems()), (2, 3));
        assert_eq!(roster.problems.iter().map(|p| p.row).collect::<Vec<_>>(), [2, 3, 5]);
    }

    #[test]
    fn a_failing_reader_is_unreadable_not_a_panic() {
        struct Failing;
        impl Read for Failing {
            fn read(&mut self, _: &mut [u8]) -> std::io::Result<usize> {
                Err(std::io::Error::other("disk on fire"))
            }
        }
        let err = Roster::from_csv(&engine(), Failing).expect_err("the reader fails");
        assert_eq!(err.name(), "roster_unreadable");
        assert!(err.to_string().contains("disk on fire"), "{err}");
    }

    /// One value for each column, drawn from valid and invalid text.
    fn row_strategy() -> impl Strategy<Value = String> {
        let id = prop::sample::select(vec!["M-1", "M-2", "M-3", "", "M-1"]);
        let plan = prop::sample::select(vec!["individual", "lifetime", "chapter", "gold", ""]);
        let date = prop::sample::select(vec!["2024-03-01", "2025-03-01", "2025-02-28", "2026-02-28", "2025-02-30", ""]);
        let flag = prop::sample::select(vec!["", "yes", "maybe"]);
        let amount = prop::sample::select(vec!["", "200.00", "2.001", "x"]);
        let currency = prop::sample::select(vec!["", "USD", "EUR", "XX"]);
        let status = prop::sample::select(vec!["", "suspended", "frozen"]);
        (id, plan, date.clone(), date.clone(), date.clone(), flag, date, status, amount, currency).prop_map(
            |(id, plan, since, start, end, pending, cancelled, status, amount, currency)| {
                format!("{id},{plan},{since},{start},{end},{pending},{cancelled},,{status},,{amount},{currency}\n")
            },
        )
    }

    proptest! {
        #[test]
        fn no_row_is_dropped_silently(rows in prop::collection::vec(row_strategy(), 0..40)) {
            let roster = load(&rows.concat());
            prop_assert_eq!(roster.rows_read, rows.len());
            let mut seen: Vec<usize> =
                roster.members.iter().flat_map(|m| m.history.iter().map(|t| t.row)).collect();
            let used = seen.len();
            let mut reported: Vec<usize> = roster.problems.iter().map(|p| p.row).collect();
            reported.dedup();
            seen.extend(&reported);
            seen.sort_unstable();
            prop_assert_eq!(seen, (1..=rows.len()).collect::<Vec<_>>());
            prop_assert_eq!(used + roster.rows_with_problems(), roster.rows_read);
        }

        #[test]
        fn used_terms_of_a_member_never_overlap(rows in prop::collection::vec(row_strategy(), 0..40)) {
            let roster = load(&rows.concat());
            for m in &roster.members {
                for (i, a) in m.history.iter().enumerate() {
                    for b in &m.history[i + 1..] {
                        prop_assert!(!a.term.overlaps(&b.term), "{} and {}", a.term, b.term);
                    }
                }
                prop_assert_eq!(Some(&m.membership.term), m.history.last().map(|t| &t.term));
            }
        }
    }
}
