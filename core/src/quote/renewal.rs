//! Renewal and reinstatement quotes: dues × terms, multi-term discount, late and reinstatement fees.

use rust_decimal::Decimal;
use time::Date;

use super::lines::{LineKind, Quote, QuoteKind};
use super::pricing::{description, line, minus, seat_extra};
use super::Quoter;
use crate::error::Error;
use crate::money::Money;
use crate::renewal::ReinstatementStart;
use crate::status::{MemberStatus, Membership, RenewalKind, Status};

impl Quoter<'_> {
    /// [`Engine::quote_renewal`], with the membership's status on `date` when the caller already
    /// knows it (the decision does), so that it is not worked out again.
    pub(crate) fn quote_renewal_given_status(
        &self,
        membership: &Membership,
        date: Date,
        terms: u32,
        seats: Option<u32>,
        status: Option<&MemberStatus>,
    ) -> Result<Quote, Error> {
        let r = match status {
            Some(status) => self.rules.renewal_term_given_status(membership, date, terms, status)?,
            None => self.rules.renewal_term(membership, date, terms)?,
        };
        // The renewal has checked the facts against the plan (through the status).
        let plan = self.plan(&membership.plan)?;
        if r.kind == RenewalKind::Rejoin {
            return self.join_quote(&plan.id, date, terms, seats, QuoteKind::Rejoin, Some(membership));
        }
        let next = self.plan(&r.plan)?;
        let pricing = self.pricing();
        let restart = r.kind == RenewalKind::Reinstate && self.rules.reinstatement() == ReinstatementStart::Restart;
        let mut lines = if restart && next.proration.reinstatements {
            self.first_term_lines(next, date, terms, seats, next.prices.renewal_dues(), true)?.1
        } else {
            let mut lines = Vec::new();
            let full = next.prices.renewal_dues().checked_mul(Decimal::from(terms))?.round(pricing.rounding);
            let text = description(format_args!("{} renewal dues", next.name), terms, None);
            lines.push(line(LineKind::Dues, text, full, Some(r.term), None));
            if let Some((n, per_term)) = seat_extra(next, seats)? {
                let amount = per_term.checked_mul(Decimal::from(terms))?.round(pricing.rounding);
                lines.push(line(
                    LineKind::Seats,
                    description(format_args!("{n} extra seats"), terms, None),
                    amount,
                    Some(r.term),
                    None,
                ));
            }
            lines
        };
        let discount = self.settings.multi_term_discounts.iter().filter(|d| d.terms <= terms).max_by_key(|d| d.terms);
        if let Some(d) = discount {
            let base = self.sum_lines(next.prices.currency, &lines)?;
            let off = minus(base.checked_mul(d.percent / Decimal::ONE_HUNDRED)?.round(pricing.rounding));
            lines.push(line(LineKind::Discount, format!("{}% off for {} terms", d.percent, d.terms), off, None, None));
        }
        if r.kind == RenewalKind::Extend && r.status_before == Status::Grace {
            if let Some(fee) = plan.prices.late_fee {
                let fee = Money::new(fee, plan.prices.currency).round(pricing.rounding);
                lines.push(line(LineKind::LateFee, "Late fee (renewing in grace)".into(), fee, None, None));
            }
        }
        if r.kind == RenewalKind::Reinstate {
            if let Some(fee) = plan.prices.reinstatement_fee {
                let fee = Money::new(fee, plan.prices.currency).round(pricing.rounding);
                lines.push(line(LineKind::ReinstatementFee, "Reinstatement fee".into(), fee, None, None));
            }
        }
        let total = self.sum_lines(next.prices.currency, &lines)?;
        let kind = if r.kind == RenewalKind::Reinstate { QuoteKind::Reinstatement } else { QuoteKind::Renewal };
        Ok(Quote {
            kind,
            plan: r.plan.clone(),
            effective: r.term.start.max(date),
            term: Some(r.term),
            member_since: r.member_since,
            status_after: self.status_after(membership, &r.plan, r.term, r.member_since, date),
            lines,
            total,
        })
    }
}
