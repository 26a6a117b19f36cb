//! [`QuoteError`]: a quote that cannot be given as asked, with its codes (2001–2014).

use time::Date;

use crate::codes::error_codes;
use crate::money::Currency;
use crate::status::Status;
use crate::term::Term;

/// A quote that cannot be given as asked.
///
/// ```
/// use amscore::{ErrorCode, QuoteError};
/// assert_eq!(QuoteError::ZeroParts.code(), 2007);
/// assert_eq!(QuoteError::SeatsBelowMinimum { seats: 3, min: 5 }.to_string(), "3 seats is below the plan's minimum of 5");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum QuoteError {
    /// A plan change, seat change or cancellation dated outside the current term.
    #[error("date {date} is outside the current term {term}")]
    DateOutsideTerm {
        /// The date asked about.
        date: Date,
        /// The current term.
        term: Term,
    },
    /// A plan change between plans priced in different currencies; amscore never converts.
    #[error("cannot change from a {from} plan to a {to} plan")]
    CurrencyMismatch {
        /// The current plan's currency.
        from: Currency,
        /// The new plan's currency.
        to: Currency,
    },
    /// Fewer seats than the plan allows.
    #[error("{seats} seats is below the plan's minimum of {min}")]
    SeatsBelowMinimum {
        /// The seats asked for.
        seats: u32,
        /// The plan's minimum.
        min: u32,
    },
    /// More seats than the plan allows.
    #[error("{seats} seats is above the plan's maximum of {max}")]
    SeatsAboveMaximum {
        /// The seats asked for.
        seats: u32,
        /// The plan's maximum.
        max: u32,
    },
    /// Seats asked for on a plan that has none.
    #[error("plan `{plan}` has no seats")]
    NoSeats {
        /// The plan.
        plan: String,
    },
    /// An amount that must not be negative.
    #[error("{field}: {amount} must not be negative")]
    NegativeAmount {
        /// Which amount.
        field: String,
        /// The amount given.
        amount: String,
    },
    /// A split into zero parts (zero instalments, no weights).
    #[error("cannot split into zero parts")]
    ZeroParts,
    /// A split into more parts than amscore allows (1200).
    #[error("cannot split into {count} parts: at most 1200")]
    TooManyParts {
        /// The parts asked for.
        count: u32,
    },
    /// Earlier credits larger than what was paid for the term.
    #[error("credits already applied ({credits}) exceed the amount paid ({paid})")]
    CreditsExceedPaid {
        /// The earlier credits.
        credits: String,
        /// The amount paid.
        paid: String,
    },
    /// A plan change to the plan the member already has.
    #[error("the member is already on plan `{plan}`")]
    SamePlan {
        /// The plan.
        plan: String,
    },
    /// A plan or seat change on a lifetime term, which has no end to prorate against.
    #[error("a lifetime term has no end to prorate against")]
    LifetimeTerm,
    /// A payment in a currency other than the plan's.
    #[error("payment in {found} but the plan is priced in {expected}")]
    PaymentCurrency {
        /// The plan's currency.
        expected: Currency,
        /// The payment's currency.
        found: Currency,
    },
    /// A cancellation of a membership that is already cancelled or whose member has died.
    #[error("a {status} membership cannot be cancelled")]
    NotCancellable {
        /// The status on the date.
        status: Status,
    },
    /// A seat change to the number of seats the member already has.
    #[error("the membership already has {seats} seats")]
    SeatsUnchanged {
        /// The seats.
        seats: u32,
    },
    /// The tax part of an amount to split is negative, above the amount, or in another currency.
    #[error("tax {tax} must be between zero and the total {total}, in its currency")]
    TaxOutsideTotal {
        /// The tax given.
        tax: String,
        /// The total.
        total: String,
    },
}

error_codes!(QuoteError, "quote", QUOTE_ERRORS, {
    QuoteError::DateOutsideTerm { .. } => 2001, "change_date_outside_term";
    QuoteError::CurrencyMismatch { .. } => 2002, "plan_change_currency_mismatch";
    QuoteError::SeatsBelowMinimum { .. } => 2003, "seats_below_minimum";
    QuoteError::SeatsAboveMaximum { .. } => 2004, "seats_above_maximum";
    QuoteError::NoSeats { .. } => 2005, "plan_has_no_seats";
    QuoteError::NegativeAmount { .. } => 2006, "negative_amount";
    QuoteError::ZeroParts => 2007, "zero_parts";
    QuoteError::TooManyParts { .. } => 2008, "too_many_parts";
    QuoteError::CreditsExceedPaid { .. } => 2009, "credits_exceed_paid";
    QuoteError::SamePlan { .. } => 2010, "same_plan";
    QuoteError::LifetimeTerm => 2011, "lifetime_term_not_prorated";
    QuoteError::PaymentCurrency { .. } => 2012, "payment_currency_mismatch";
    QuoteError::NotCancellable { .. } => 2013, "not_cancellable";
    QuoteError::SeatsUnchanged { .. } => 2014, "seat_count_unchanged";
    QuoteError::TaxOutsideTotal { .. } => 2020, "tax_outside_total";
});

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_quote_error_has_a_code_in_the_quote_block() {
        for e in QUOTE_ERRORS {
            assert!((2000..2100).contains(&e.code), "{e:?}");
        }
    }
}
