//! [`DecisionError`]: a request that cannot be decided, with where in it and its codes (3001–3012).

use time::Date;

use crate::codes::error_codes;
use crate::request::RequestKind;

/// A request that cannot be decided: facts missing or contradictory, or a value out of range.
/// Every variant names where in the request (`action.quantity`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DecisionError {
    /// Facts the request kind needs are missing (`member`, `member.membership`, `member.amount_paid`).
    #[error("{path}: required for a {kind} request")]
    MissingFacts {
        /// Where.
        path: String,
        /// The request kind.
        kind: RequestKind,
    },
    /// A plan the policy does not have.
    #[error("{path}: unknown plan `{plan}`")]
    UnknownPlan {
        /// Where.
        path: String,
        /// The id given.
        plan: String,
    },
    /// The request is dated before the member joined.
    #[error("{path}: {date} is before the member joined on {member_since}")]
    DateBeforeJoin {
        /// Where.
        path: String,
        /// The request's date.
        date: Date,
        /// The member's join date.
        member_since: Date,
    },
    /// A quantity (units, seats, stock) that is negative or zero where it must be positive.
    #[error("{path}: {value} is not allowed: {rule}")]
    InvalidQuantity {
        /// Where.
        path: String,
        /// The value given.
        value: i64,
        /// What is allowed.
        rule: &'static str,
    },
    /// A negative amount of money where one is paid or owed.
    #[error("{path}: {amount} must not be negative")]
    NegativeAmount {
        /// Where.
        path: String,
        /// The amount given.
        amount: String,
    },
    /// A product the policy's `self_service.products` does not list.
    #[error("{path}: unknown product `{product}`")]
    UnknownProduct {
        /// Where.
        path: String,
        /// The id given.
        product: String,
    },
    /// Member facts that contradict each other (a term that ends before it starts).
    #[error("{path}: {message}")]
    InconsistentFacts {
        /// Where.
        path: String,
        /// What contradicts what.
        message: String,
    },
    /// A field the request format does not have.
    #[error("{}unknown field `{field}`", crate::codes::at(path))]
    UnknownField {
        /// Where.
        path: String,
        /// The field.
        field: String,
    },
    /// A required field of the request format is missing.
    #[error("{}missing field `{field}`", crate::codes::at(path))]
    MissingField {
        /// Where.
        path: String,
        /// The field.
        field: String,
    },
    /// Not a request: wrong JSON type, bad date, unknown kind.
    #[error("{}{message}", crate::codes::at(path))]
    Syntax {
        /// Where.
        path: String,
        /// What the parser said.
        message: String,
    },
    /// An amount with more decimals than its currency has (`10.005 USD`).
    #[error("{path}: {amount} has more decimals than {currency} allows")]
    AmountTooPrecise {
        /// Where.
        path: String,
        /// The amount given.
        amount: String,
        /// The currency.
        currency: crate::money::Currency,
    },
    /// A date or time out of the supported range after arithmetic.
    #[error("{path}: date out of range")]
    OutOfRange {
        /// Where.
        path: String,
    },
}

error_codes!(DecisionError, "decision", DECISION_ERRORS, {
    DecisionError::MissingFacts { .. } => 3001, "missing_member_facts";
    DecisionError::UnknownPlan { .. } => 3002, "request_unknown_plan";
    DecisionError::DateBeforeJoin { .. } => 3003, "request_before_join";
    DecisionError::InvalidQuantity { .. } => 3004, "invalid_quantity";
    DecisionError::NegativeAmount { .. } => 3005, "request_negative_amount";
    DecisionError::UnknownProduct { .. } => 3006, "unknown_product";
    DecisionError::InconsistentFacts { .. } => 3007, "inconsistent_member_facts";
    DecisionError::UnknownField { .. } => 3008, "request_field_unknown";
    DecisionError::MissingField { .. } => 3009, "request_field_missing";
    DecisionError::Syntax { .. } => 3010, "request_invalid";
    DecisionError::OutOfRange { .. } => 3011, "request_date_out_of_range";
    DecisionError::AmountTooPrecise { .. } => 3012, "request_amount_too_precise";
});

impl DecisionError {
    /// Where in the request the error is (`""` for the whole request).
    pub fn path(&self) -> &str {
        match self {
            DecisionError::MissingFacts { path, .. }
            | DecisionError::UnknownPlan { path, .. }
            | DecisionError::DateBeforeJoin { path, .. }
            | DecisionError::InvalidQuantity { path, .. }
            | DecisionError::NegativeAmount { path, .. }
            | DecisionError::UnknownProduct { path, .. }
            | DecisionError::InconsistentFacts { path, .. }
            | DecisionError::UnknownField { path, .. }
            | DecisionError::MissingField { path, .. }
            | DecisionError::Syntax { path, .. }
            | DecisionError::AmountTooPrecise { path, .. }
            | DecisionError::OutOfRange { path } => path,
        }
    }
}
