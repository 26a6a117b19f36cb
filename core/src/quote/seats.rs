//! Seat-change quotes: more or fewer seats on an organisational plan, prorated for the rest of the term.

use super::error::QuoteError;
use super::inputs::SeatChange;
use super::lines::{Description, LineKind, Quote, QuoteKind};
use super::pricing::{credit_room, line, min_money, minus, seat_extra, span_periods};
use super::Quoter;
use crate::error::Error;
use crate::money::Money;
use crate::tax::{FeeKind, TaxBasis};
use crate::term::Term;

impl Quoter<'_> {
    /// The quote for changing the seat count of an organisational membership on `date`: the
    pub(crate) fn quote_change_seats(&self, change: &SeatChange) -> Result<Quote, Error> {
        let m = &change.membership;
        m.check()?;
        let plan = self.rules.plan_of(m)?;
        let currency = plan.prices.currency;
        if plan.seats.is_none() {
            return Err(QuoteError::NoSeats { plan: plan.id.to_string() }.into());
        }
        let (_, cost_from) = seat_extra(plan, Some(change.seats_from))?.unwrap_or((0, Money::zero(currency)));
        let (_, cost_to) = seat_extra(plan, Some(change.seats_to))?.unwrap_or((0, Money::zero(currency)));
        if change.seats_from == change.seats_to {
            return Err(QuoteError::SeatsUnchanged { seats: change.seats_to }.into());
        }
        let room = match &change.amount_paid {
            Some(paid) => Some(credit_room(paid, change.credits_applied.as_ref(), currency)?),
            None => None,
        };
        let end = m.term.end.ok_or(QuoteError::LifetimeTerm)?;
        if !m.term.contains(change.date) {
            return Err(QuoteError::DateOutsideTerm { date: change.date, term: m.term }.into());
        }
        let pricing = self.pricing();
        let f = plan.proration.for_changes().fraction(change.date, m.term.start, end, span_periods(plan, m.term))?;
        let delta = cost_to.checked_sub(&cost_from)?;
        let rest = Term { start: change.date, end: Some(end) };
        let (from, to) = (change.seats_from, change.seats_to);
        let mut lines = Vec::new();
        if delta.is_negative() {
            let credit = pricing.prorate(&delta.negated(), f)?;
            let credit = room.map_or(credit, |r| min_money(credit, r));
            let text = Description::seat_change(from, to, true, f);
            lines.push(line(LineKind::Credit, text, minus(credit), Some(rest), f));
        } else {
            let amount = pricing.prorate(&delta, f)?;
            let text = Description::seat_change(from, to, false, f);
            lines.push(line(LineKind::Seats, text, amount, Some(rest), f));
        }
        // Tax: seats, and a credit for fewer seats, at the plan's list price.
        self.add_tax(&mut lines, m.tax_exempt, |_| Some((plan, FeeKind::Seats, TaxBasis::Price)))?;
        let mut term = m.term;
        self.settle_negative(plan, Some(to), &mut term, &mut lines)?;
        let total = self.sum_lines(currency, &lines)?;
        Ok(Quote {
            kind: QuoteKind::SeatChange,
            plan: plan.id.clone(),
            effective: change.date,
            term: Some(term),
            member_since: m.member_since,
            status_after: self.status_after(plan, m.status_override, term, m.member_since, change.date),
            lines,
            total,
        })
    }
}
