//! The error of a roster: of its header (the whole roster is refused) or of one row.

use crate::money::Currency;
use crate::plan::PlanId;
use crate::term::Term;
use time::Date;

use crate::codes::error_codes;

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
    /// A count (terms bought, seats) that is not a whole number from 0 to 4,294,967,295.
    #[error("not a count: {value} (a whole number from 0 to 4294967295)")]
    InvalidCount {
        /// The value given.
        value: i64,
    },
    /// A column given to the roster kernel holds fewer or more values than the roster has rows
    /// (a binding's bug or a torn table: the whole roster is refused).
    #[error("column `{column}` has {found} values for {rows} rows")]
    ColumnLength {
        /// The column's name.
        column: String,
        /// The roster's rows.
        rows: usize,
        /// The values the column holds.
        found: usize,
    },
}

impl RosterError {
    /// A CSV record with `values` values under a header of `width` columns: a
    /// [`RosterError::MalformedRow`] (the roster loader's, and any other reader of a roster file).
    ///
    /// ```
    /// let e = amscore::RosterError::wrong_width(3, 12);
    /// assert_eq!(e.to_string(), "malformed row: 3 values, the header has 12 columns");
    /// ```
    pub fn wrong_width(values: usize, width: usize) -> RosterError {
        RosterError::MalformedRow { message: format!("{values} values, the header has {width} columns") }
    }

    /// A CSV value that is not UTF-8: a [`RosterError::MalformedRow`].
    ///
    /// ```
    /// assert_eq!(amscore::RosterError::not_utf8().to_string(), "malformed row: the value is not valid UTF-8");
    /// ```
    pub fn not_utf8() -> RosterError {
        RosterError::MalformedRow { message: "the value is not valid UTF-8".into() }
    }
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
    RosterError::ColumnLength { .. } => 1519, "column_length_mismatch";
    RosterError::InvalidCount { .. } => 1520, "unparsable_count";
});
