//! Quotes: what joining, renewing, reinstating, changing plan or seats, or cancelling costs on a
//! date, as line items that sum exactly to the total. Quoting never changes anything.
//!
//! # Conventions
//!
//! - **Money.** Every amount is in the plan's currency. Each line is rounded once, to the
//!   currency's minor unit, with the policy's named `settings.rounding` (default half away from
//!   zero; half-even is an option). The total is the exact sum of the rounded lines: no cent is
//!   created or lost. Proration fractions are exact (see [`crate::Proration`] for day counts,
//!   denominators, cutoffs and `settings.quotes.fraction_scale`).
//! - **Signs.** Charges are positive; credits, discounts and refunds are explicit negative lines.
//!   A line of zero is still shown (a credit of 0.00 when nothing was paid), never as `-0.00`.
//!   Credits are computed as positive amounts, rounded, then negated, so a credit rounds exactly
//!   like the charge it mirrors (this matters only for the directed modes `floor`/`ceiling`).
//! - **Join.** Calendar plans prorate the first period per the plan's `proration`; rolling and
//!   lifetime plans charge full dues (their term starts on the join date). A join on or after the
//!   rollover day pays per `proration.rollover_charge`. Extra terms bought at once are charged in
//!   full. The join fee is not prorated unless `proration.join_fee` says so. A minimum charge
//!   floors the prorated dues line but never exceeds the full dues.
//! - **Renewal.** Renewal price (or dues) × terms on the plan of the new term (the renew-to plan
//!   for progressions); a multi-term discount from `settings.quotes.multi_term_discounts` (the
//!   entry with the most terms not above the terms bought), as a negative line, rounded once; a
//!   late fee when renewing in grace; a reinstatement fee when lapsed. A reinstatement that
//!   restarts the term is prorated like a join only if `proration.reinstatements` is set. After
//!   the reinstatement window, the quote is a rejoin: a join quote, join fee included.
//! - **Plan change.** A change to a plan whose dues are at least the current plan's is an
//!   upgrade, effective on the change date: a credit for the unused part of the old plan (basis:
//!   what was actually paid for the term, capped at what is left after earlier credits) and a
//!   charge for the rest of the term on the new plan, each prorated with its own plan's rule (a
//!   plan with `granularity: none` is prorated by inclusive actual days for changes). The term's
//!   end stays, unless `settings.quotes.upgrade_restarts_term`. A downgrade is scheduled for the
//!   day after the term's end (a zero quote) unless `settings.quotes.downgrade` is `immediate`.
//!   A negative net is, per `settings.quotes.negative_net`, left as an account credit (the
//!   default), forfeited to zero, or converted into whole extra days on the new plan (the
//!   unconverted remainder is forfeited); either way by an explicit line.
//! - **Seats.** Dues cover the plan's included seats; each seat beyond costs `price_per_seat` per
//!   term. A seat change mid-term is prorated like a plan change; fewer seats give a credit at the
//!   list price, capped by what was paid when the request says so.
//! - **Cancellation.** Refund per `settings.quotes.refund`: `none`, `prorated_by_day` (inclusive
//!   actual days from the effective date to the term's end) or `prorated_by_month` (whole months
//!   that start on or after the effective date), minus the plan's `cancellation_fee`, never below
//!   zero; effective on the date (default) or at the term's end (`settings.quotes.cancel_at`).

mod cancel;
mod change;
pub(crate) mod error;
mod household;
mod inputs;
mod instalments;
mod join;
mod lines;
mod pause;
mod pricing;
mod renewal;
mod seats;
mod settings;
#[cfg(test)]
mod tests;

use time::Date;

use crate::error::Error;
use crate::money::{Currency, Money};
use crate::plan::{Plan, PlanId};
use crate::rules::Rulebook;
use crate::status::{Facts, Status, StatusOverride};
use crate::term::Term;

pub use error::QuoteError;
pub(crate) use error::QUOTE_ERRORS;
pub use inputs::{Cancellation, JoinOptions, PlanChange, SeatChange};
pub use instalments::{allocate, allocate_by, split_even, split_taxed, Instalment, Remainder};
pub(crate) use lines::reads_as;
pub use lines::{Description, LineKind, Quote, QuoteKind, QuoteLine};
pub use pause::Pausing;
pub(crate) use renewal::{PriceKey, Prices};
pub use settings::{
    CancelAt, ChangeMode, DowngradeTiming, MultiTermDiscount, NegativeNet, QuoteSettings, RefundPolicy,
};

use pricing::Pricing;

/// What quotes read: the core rules and the policy's `settings.quotes`. Every quote is a method
/// of this context; [`Engine`](crate::Engine)'s quote methods ask it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Quoter<'a> {
    pub(crate) rules: &'a Rulebook,
    pub(crate) settings: &'a QuoteSettings,
}

impl Quoter<'_> {
    fn plan(&self, id: &PlanId) -> Result<&Plan, Error> {
        Ok(self.rules.plan(id)?)
    }

    fn pricing(&self) -> Pricing {
        Pricing { rounding: self.rules.rounding(), scale: self.settings.fraction_scale }
    }

    fn sum_lines(&self, currency: Currency, lines: &[QuoteLine]) -> Result<Money, Error> {
        pricing::sum_lines(currency, lines)
    }

    fn status_after(
        &self,
        plan: &Plan,
        status_override: Option<StatusOverride>,
        term: Term,
        member_since: Date,
        date: Date,
    ) -> Status {
        let after = Facts {
            member_since,
            term,
            pending: false,
            cancelled_on: None,
            status_override,
            deceased_on: None,
            pause: None,
            renewal_pending: false,
        };
        self.rules.standing_on(plan, &after, date.max(member_since)).map_or(Status::Active, |s| s.flags.status)
    }
}
