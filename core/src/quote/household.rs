//! Household quotes: the dependants beyond those a household plan's dues include, priced per term and added to a join, renewal or rejoin quote.

use rust_decimal::Decimal;

use super::error::QuoteError;
use super::lines::{Description, LineKind, QuoteLine};
use super::pricing::LineSink;
use super::Quoter;
use crate::error::Error;
use crate::plan::{Household, Plan};
use crate::term::Term;

/// The household settings a number of dependants is bought under: `None` for no dependants (or
/// none asked for).
///
/// # Errors
/// [`QuoteError::NoHousehold`] for dependants on a plan that is not a household plan,
/// [`QuoteError::DependantsAboveMaximum`] beyond its `max_dependants`.
pub(crate) fn check_dependants(plan: &Plan, dependants: u32) -> Result<Option<&Household>, QuoteError> {
    match (&plan.household, dependants) {
        (_, 0) => Ok(None),
        (None, _) => Err(QuoteError::NoHousehold { plan: plan.id.to_string() }),
        (Some(h), n) if n > h.max_dependants => {
            Err(QuoteError::DependantsAboveMaximum { dependants: n, max: h.max_dependants })
        }
        (Some(h), _) => Ok(Some(h)),
    }
}

impl Quoter<'_> {
    /// The dependants line of a quote on `plan` (the new term's plan for a renewal), before its
    /// tax: `price_per_dependant` × the dependants beyond the included ones × the terms bought,
    /// for the quote's term `period`, not prorated and outside the multi-term discount
    /// (docs/households.md). No line when none are asked for or all are included.
    pub(super) fn dependants_line(
        &self,
        plan: &Plan,
        dependants: Option<u32>,
        terms: u32,
        period: Option<Term>,
        lines: &mut Vec<QuoteLine>,
    ) -> Result<(), Error> {
        let Some(n) = dependants else { return Ok(()) };
        let Some(household) = check_dependants(plan, n)? else { return Ok(()) };
        let Some((extra, per_term)) = household.extra(n, plan.prices.currency) else { return Ok(()) };
        let amount = per_term.checked_mul(Decimal::from(extra) * Decimal::from(terms))?.round(self.pricing().rounding);
        let included = household.included_dependants;
        let text = move || Description::dependants(extra, included, terms);
        LineSink::push(lines, LineKind::Dependants, text, amount, period, None);
        Ok(())
    }
}
