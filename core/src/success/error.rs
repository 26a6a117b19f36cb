//! The error of a success input row, or of a success request's numbers.

use rust_decimal::Decimal;
use time::Date;

use crate::codes::error_codes;

/// A problem with one row of a success input (a member, an event) or with a request's numbers.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SuccessError {
    /// An activity event for a member the roster does not have.
    #[error("unknown member `{member_id}`")]
    UnknownMember {
        /// The member id given.
        member_id: String,
    },
    /// An activity event dated before the member joined.
    #[error("event on {date} is before member `{member_id}` joined on {joined}")]
    EventBeforeJoin {
        /// The member.
        member_id: String,
        /// The event's date.
        date: Date,
        /// The member's earliest join date.
        joined: Date,
    },
    /// An activity kind the policy's `success.activity_kinds` does not list.
    #[error("unknown activity kind `{kind}`")]
    UnknownActivityKind {
        /// The kind given.
        kind: String,
    },
    /// An event of a kind scored by value that has no value.
    #[error("activity kind `{kind}` is scored by value, but the event has none")]
    MissingEventValue {
        /// The kind.
        kind: String,
    },
    /// A negative event value.
    #[error("event value {value} is negative")]
    NegativeEventValue {
        /// The value given.
        value: Decimal,
    },
    /// Two roster rows for the same member.
    #[error("member `{member_id}` appears more than once (first at members[{first}])")]
    DuplicateMember {
        /// The member.
        member_id: String,
        /// The row index of the first occurrence.
        first: usize,
    },
    /// A member whose facts cannot be used: an unknown plan, a term ending before it starts, or a
    /// status that cannot be computed on the date.
    #[error("member `{member_id}`: {message}")]
    InvalidMember {
        /// The member.
        member_id: String,
        /// What is wrong.
        message: String,
    },
    /// Snapshot counts that contradict each other (more renewing members than there were).
    #[error("{message}")]
    InconsistentCounts {
        /// What is wrong.
        message: String,
    },
    /// A request value that is not allowed (a negative amount, a segment the policy lacks).
    #[error("{}{message}", crate::codes::at(path))]
    InvalidInput {
        /// Where in the request.
        path: String,
        /// What is wrong.
        message: String,
    },
    /// A number too large for exact decimal arithmetic.
    #[error("arithmetic overflow computing {what}")]
    Overflow {
        /// What was being computed.
        what: String,
    },
}

error_codes!(SuccessError, "success", SUCCESS_ERRORS, {
    SuccessError::UnknownMember { .. } => 4001, "unknown_member";
    SuccessError::EventBeforeJoin { .. } => 4002, "event_before_join";
    SuccessError::UnknownActivityKind { .. } => 4003, "unknown_activity_kind";
    SuccessError::MissingEventValue { .. } => 4004, "missing_event_value";
    SuccessError::NegativeEventValue { .. } => 4005, "negative_event_value";
    SuccessError::DuplicateMember { .. } => 4006, "duplicate_member";
    SuccessError::InvalidMember { .. } => 4007, "invalid_member";
    SuccessError::InconsistentCounts { .. } => 4008, "inconsistent_counts";
    SuccessError::InvalidInput { .. } => 4009, "invalid_success_input";
    SuccessError::Overflow { .. } => 4010, "success_overflow";
});
