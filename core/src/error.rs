//! The crate-wide [`Error`]: every family's error in one enum, for operations that touch several
//! concerns.

use crate::audit::error::AuditError;
use crate::codes::ErrorCode;
use crate::decision::error::DecisionError;
use crate::lifecycle_error::LifecycleError;
use crate::money::MoneyError;
use crate::period::DateError;
use crate::policy_error::PolicyError;
use crate::quote::error::QuoteError;
use crate::renewal::RenewalError;
use crate::roster_error::RosterError;
use crate::success::error::SuccessError;
use crate::success::reminder_error::ReminderError;
use crate::work::error::WorkError;

/// Every error amscore can return, by concern.
///
/// Each concern has its own enum; this wrapper lets one operation that touches several concerns
/// (a renewal needs dates, the policy and the lifecycle) return one type. Its [`ErrorCode`] is the
/// inner error's.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// An error about money or currencies.
    #[error(transparent)]
    Money(#[from] MoneyError),
    /// An error about date arithmetic.
    #[error(transparent)]
    Date(#[from] DateError),
    /// An error in a policy document.
    #[error(transparent)]
    Policy(#[from] PolicyError),
    /// An error in a member's facts or a status question.
    #[error(transparent)]
    Lifecycle(#[from] LifecycleError),
    /// A renewal that cannot be done.
    #[error(transparent)]
    Renewal(#[from] RenewalError),
    /// An error in a roster row.
    #[error(transparent)]
    Roster(#[from] RosterError),
    /// A quote that cannot be given as asked.
    #[error(transparent)]
    Quote(#[from] QuoteError),
    /// A self-service request that cannot be decided.
    #[error(transparent)]
    Decision(#[from] DecisionError),
    /// An error in member-success input.
    #[error(transparent)]
    Success(#[from] SuccessError),
    /// An error in a message-reminder request.
    #[error(transparent)]
    Reminder(#[from] ReminderError),
    /// An error in staff work input (work items, assignments).
    #[error(transparent)]
    Work(#[from] WorkError),
    /// An audit of another system's export that cannot be done.
    #[error(transparent)]
    Audit(#[from] AuditError),
}

impl ErrorCode for Error {
    fn code(&self) -> u32 {
        match self {
            Error::Money(e) => e.code(),
            Error::Date(e) => e.code(),
            Error::Policy(e) => e.code(),
            Error::Lifecycle(e) => e.code(),
            Error::Renewal(e) => e.code(),
            Error::Roster(e) => e.code(),
            Error::Quote(e) => e.code(),
            Error::Decision(e) => e.code(),
            Error::Success(e) => e.code(),
            Error::Reminder(e) => e.code(),
            Error::Work(e) => e.code(),
            Error::Audit(e) => e.code(),
        }
    }
    fn name(&self) -> &'static str {
        match self {
            Error::Money(e) => e.name(),
            Error::Date(e) => e.name(),
            Error::Policy(e) => e.name(),
            Error::Lifecycle(e) => e.name(),
            Error::Renewal(e) => e.name(),
            Error::Roster(e) => e.name(),
            Error::Quote(e) => e.name(),
            Error::Decision(e) => e.name(),
            Error::Success(e) => e.name(),
            Error::Reminder(e) => e.name(),
            Error::Work(e) => e.name(),
            Error::Audit(e) => e.name(),
        }
    }
}
