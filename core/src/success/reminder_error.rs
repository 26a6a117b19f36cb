//! The errors of message reminders: a sent-log row the policy cannot place, or a request value
//! out of range (family `reminder`, codes 5000–5099).

use crate::codes::error_codes;

/// A problem with one row of the sent log given to the reminder functions, or with a reminder
/// request's values.
///
/// ```
/// use amscore::ErrorCode;
/// use amscore::success::ReminderError;
/// let e = ReminderError::UnknownSequence { sequence: "renewl".into() };
/// assert_eq!((e.code(), e.name()), (5001, "unknown_sequence"));
/// assert_eq!(e.to_string(), "unknown reminder sequence `renewl`");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ReminderError {
    /// A sent message whose sequence the policy's `success.reminders.sequences` does not list.
    #[error("unknown reminder sequence `{sequence}`")]
    UnknownSequence {
        /// The sequence given.
        sequence: String,
    },
    /// A sent message whose step its sequence does not have.
    #[error("reminder sequence `{sequence}` has no step `{step}`")]
    UnknownStep {
        /// The sequence.
        sequence: String,
        /// The step given.
        step: String,
    },
    /// A sent message to a member the roster does not have (or whose roster row is unusable).
    #[error("message sent to unknown member `{member_id}`")]
    SentToUnknownMember {
        /// The member id given.
        member_id: String,
    },
    /// A request value out of its range (a forecast of 0 days, or of more than 366).
    #[error("{}{message}", crate::codes::at(path))]
    InvalidInput {
        /// Where in the request.
        path: String,
        /// What is wrong.
        message: String,
    },
    /// A date beyond the calendar (an anchor plus a step's day past year 9999).
    #[error("date out of range computing {what}")]
    Overflow {
        /// What was being computed.
        what: String,
    },
}

error_codes!(ReminderError, "reminder", REMINDER_ERRORS, {
    ReminderError::UnknownSequence { .. } => 5001, "unknown_sequence";
    ReminderError::UnknownStep { .. } => 5002, "unknown_step";
    ReminderError::SentToUnknownMember { .. } => 5003, "sent_to_unknown_member";
    ReminderError::InvalidInput { .. } => 5004, "invalid_reminder_input";
    ReminderError::Overflow { .. } => 5005, "reminder_overflow";
});
