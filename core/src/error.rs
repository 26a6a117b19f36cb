//! The crate-wide error type, and the table of stable error codes shared with the C API and Python.

use crate::decision::DecisionError;
use crate::money::MoneyError;
use crate::period::DateError;
use crate::policy::PolicyError;
use crate::quote::QuoteError;
use crate::renewal::RenewalError;
use crate::roster::RosterError;
use crate::status::LifecycleError;
use crate::success::SuccessError;

/// A stable, machine-readable identity for an error: a number that never changes meaning and a
/// snake_case name.
///
/// The C API's `ams_result` values and the Python exceptions' `.code` use the same numbers.
///
/// ```
/// use amscore::{ErrorCode, MoneyError};
/// let err = MoneyError::UnknownCurrency { code: "XYZ".into() };
/// assert_eq!(err.code(), 1001);
/// assert_eq!(err.name(), "unknown_currency");
/// ```
pub trait ErrorCode {
    /// The stable numeric code (see [`error_table`]).
    fn code(&self) -> u32;
    /// The stable snake_case name of the code.
    fn name(&self) -> &'static str;
}

/// One row of the error table: a stable code, its name, and the family (the error enum) it belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ErrorInfo {
    /// The stable numeric code.
    pub code: u32,
    /// The stable snake_case name.
    pub name: &'static str,
    /// The family: which concern the error belongs to (`money`, `date`, `policy`, ...).
    pub family: &'static str,
}

/// Implements [`ErrorCode`] for an error enum and produces its rows of the error table.
macro_rules! error_codes {
    ($ty:ident, $family:literal, $table:ident, { $($pat:pat => $code:literal, $name:literal;)* }) => {
        impl $crate::error::ErrorCode for $ty {
            fn code(&self) -> u32 {
                #[allow(unused_variables)]
                match self { $($pat => $code,)* }
            }
            fn name(&self) -> &'static str {
                #[allow(unused_variables)]
                match self { $($pat => $name,)* }
            }
        }
        #[doc = concat!("The rows of the error table for [`", stringify!($ty), "`].")]
        pub(crate) const $table: &[$crate::error::ErrorInfo] = &[
            $($crate::error::ErrorInfo { code: $code, name: $name, family: $family },)*
        ];
    };
}
pub(crate) use error_codes;

/// The `path: ` prefix of an error message, or nothing for the document's root.
pub(crate) fn at(path: &str) -> String {
    if path.is_empty() {
        String::new()
    } else {
        format!("{path}: ")
    }
}

/// What a serde error in a JSON document means, with the path made to name the parent of an
/// unknown field. Each family (policy, gateway request, self-service request) turns this into its
/// own variants, so that the three read serde's messages the same way.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum SerdeProblem {
    /// A field the format does not have; `path` is the object that holds it.
    UnknownField { path: String, field: String },
    /// A required field is missing from the object at `path`.
    MissingField { path: String, field: String },
    /// Anything else: a wrong type, a bad value, not JSON.
    Other { path: String, message: String },
}

impl SerdeProblem {
    /// Classifies serde's `message` (its `Display`) about the value at `path`.
    pub(crate) fn classify(path: String, message: &str) -> SerdeProblem {
        let text = message.split(" at line ").next().unwrap_or(message);
        let quoted = || text.split('`').nth(1).unwrap_or_default().to_owned();
        if text.starts_with("unknown field") {
            let field = quoted();
            let parent = path.strip_suffix(&field).unwrap_or(&path).trim_end_matches('.').to_owned();
            SerdeProblem::UnknownField { path: parent, field }
        } else if text.starts_with("missing field") {
            SerdeProblem::MissingField { path, field: quoted() }
        } else {
            SerdeProblem::Other { path, message: text.to_owned() }
        }
    }
}

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
        }
    }
}

/// Every error code amscore defines, in code order.
///
/// Codes are numbered in blocks by concern and are never renumbered or reused:
/// 1000 money, 1100 dates, 1200 policy, 1300 lifecycle, 1400 renewal, 1500 roster, 1600 gateway requests, 2000 quotes,
/// 3000 self-service decisions, 4000 member success.
///
/// ```
/// let money = amscore::error_table().into_iter().filter(|e| e.family == "money").count();
/// assert!(money >= 3);
/// ```
pub fn error_table() -> Vec<ErrorInfo> {
    let mut all: Vec<ErrorInfo> = [
        crate::money::MONEY_ERRORS,
        crate::period::DATE_ERRORS,
        crate::policy::POLICY_ERRORS,
        crate::status::LIFECYCLE_ERRORS,
        crate::renewal::RENEWAL_ERRORS,
        crate::roster::ROSTER_ERRORS,
        crate::gateway::REQUEST_ERRORS,
        crate::quote::QUOTE_ERRORS,
        crate::decision::DECISION_ERRORS,
        crate::success::SUCCESS_ERRORS,
    ]
    .concat();
    all.sort_by_key(|e| e.code);
    all
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serde_messages_are_classified_with_the_parent_path_of_an_unknown_field() {
        let unknown = SerdeProblem::classify("plans[0].term.x".into(), "unknown field `x`, expected one of `kind`");
        assert_eq!(unknown, SerdeProblem::UnknownField { path: "plans[0].term".into(), field: "x".into() });
        let missing = SerdeProblem::classify("plans[0]".into(), "missing field `id` at line 1 column 9");
        assert_eq!(missing, SerdeProblem::MissingField { path: "plans[0]".into(), field: "id".into() });
        let other =
            SerdeProblem::classify("version".into(), "invalid type: string \"1\", expected u32 at line 1 column 14");
        let message = "invalid type: string \"1\", expected u32".to_owned();
        assert_eq!(other, SerdeProblem::Other { path: "version".into(), message });
    }

    #[test]
    fn codes_and_names_are_unique_and_in_their_family_block() {
        let table = error_table();
        let mut codes: Vec<u32> = table.iter().map(|e| e.code).collect();
        codes.dedup();
        assert_eq!(codes.len(), table.len(), "duplicate code in {table:?}");
        let mut names: Vec<&str> = table.iter().map(|e| e.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), table.len(), "duplicate name");
        for e in &table {
            let block = match e.family {
                "money" => 1000,
                "date" => 1100,
                "policy" => 1200,
                "lifecycle" => 1300,
                "renewal" => 1400,
                "roster" => 1500,
                "request" => 1600,
                "quote" => 2000,
                "decision" => 3000,
                "success" => 4000,
                other => panic!("unknown family {other}"),
            };
            assert!((block..block + 100).contains(&e.code), "{e:?} outside its block");
        }
    }
}
