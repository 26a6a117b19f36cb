//! Renewal and reinstatement quotes: dues × terms, multi-term discount, late and reinstatement fees.

use rust_decimal::Decimal;
use time::Date;

use super::lines::QuoteLine;
use super::lines::{Description, LineKind, Quote, QuoteKind};
use super::pricing::{fee_of, minus, seat_extra, LineSink, Total};
use super::Quoter;
use crate::error::Error;
use crate::money::Money;
use crate::plan::Plan;
use crate::renewal::ReinstatementStart;
use crate::rules::{RenewalPath, Renewals};
use crate::status::{Membership, RenewalKind, Status, StatusFlags};
use crate::tax::TaxBasis;
use crate::term::Term;

impl Quoter<'_> {
    /// [`Engine::quote_renewal`](crate::Engine::quote_renewal), with the membership's status on
    /// `date` when the caller already knows it (the decision does), so that it is not worked out
    /// again.
    pub(crate) fn quote_renewal_given_status(
        &self,
        membership: &Membership,
        date: Date,
        terms: u32,
        seats: Option<u32>,
        status: Option<StatusFlags>,
    ) -> Result<Quote, Error> {
        self.quote_renewal_household(membership, date, terms, seats, None, status)
    }

    /// [`Quoter::quote_renewal_given_status`] for a household primary holding `dependants`
    /// dependants (priced before the tax, like every net line).
    pub(crate) fn quote_renewal_household(
        &self,
        membership: &Membership,
        date: Date,
        terms: u32,
        seats: Option<u32>,
        dependants: Option<u32>,
        status: Option<StatusFlags>,
    ) -> Result<Quote, Error> {
        let plan = self.plan(&membership.plan)?;
        let facts = membership.facts();
        let r = self.rules.renewal_path(plan, &facts, date, terms, status, &mut Renewals::default())?;
        let mut lines = Vec::new();
        let exempt = membership.tax_exempt;
        if r.kind == RenewalKind::Rejoin {
            let jt = self.join_lines(plan, date, terms, seats, &mut lines)?;
            self.dependants_line(plan, dependants, terms, Some(jt.term), &mut lines)?;
            self.tax_join(plan, exempt, &mut lines)?;
            let total = lines.sum(plan.prices.currency)?;
            return Ok(Quote {
                kind: QuoteKind::Rejoin,
                plan: plan.id.clone(),
                effective: date,
                term: Some(jt.term),
                member_since: date,
                status_after: self.status_after(plan, facts.status_override, jt.term, date, date),
                lines,
                total,
            });
        }
        let key = PriceKey::of(plan, &r);
        self.renewal_lines(key, Some(r.term), date, terms, seats, &mut lines)?;
        self.dependants_line(r.plan, dependants, terms, Some(r.term), &mut lines)?;
        self.tax_renewal(key, exempt, &mut lines)?;
        let total = lines.sum(r.plan.prices.currency)?;
        let kind = if r.kind == RenewalKind::Reinstate { QuoteKind::Reinstatement } else { QuoteKind::Renewal };
        let member_since = r.member_since(facts.member_since);
        Ok(Quote {
            kind,
            plan: r.plan.id.clone(),
            effective: r.term.start.max(date),
            term: Some(r.term),
            member_since,
            status_after: self.status_after(r.plan, facts.status_override, r.term, member_since, date),
            lines,
            total,
        })
    }

    /// The total of the quote for a renewal priced by `key` on `date` (no seats), without
    /// writing its lines: what [`Quoter::quote_renewal_given_status`] totals, added up line by
    /// line as it would write them.
    pub(crate) fn renewal_total(&self, key: PriceKey<'_>, date: Date, terms: u32) -> Result<Money, Error> {
        if key.plan.tax.is_some() || key.next.tax.is_some() {
            // Tax is worked out over the lines (per total, inclusive prices): they are kept.
            let mut lines = Vec::new();
            if key.kind == RenewalKind::Rejoin {
                self.join_lines(key.plan, date, terms, None, &mut lines)?;
                self.tax_join(key.plan, key.exempt, &mut lines)?;
                return lines.sum(key.plan.prices.currency);
            }
            self.renewal_lines(key, None, date, terms, None, &mut lines)?;
            self.tax_renewal(key, key.exempt, &mut lines)?;
            return lines.sum(key.next.prices.currency);
        }
        let mut total = Total::default();
        if key.kind == RenewalKind::Rejoin {
            self.join_lines(key.plan, date, terms, None, &mut total)?;
            return total.sum(key.plan.prices.currency);
        }
        self.renewal_lines(key, None, date, terms, None, &mut total)?;
        total.sum(key.next.prices.currency)
    }

    /// The tax of a renewal's lines: the late and reinstatement fees are prices of the member's
    /// plan, the dues, seats and discount of the new term's plan.
    fn tax_renewal(&self, key: PriceKey<'_>, exempt: bool, lines: &mut Vec<QuoteLine>) -> Result<(), Error> {
        self.add_tax(lines, exempt, |l| {
            let plan =
                if matches!(l.kind, LineKind::LateFee | LineKind::ReinstatementFee) { key.plan } else { key.next };
            fee_of(l.kind).map(|f| (plan, f, TaxBasis::Price))
        })
    }

    /// The lines of an extension or a reinstatement (a rejoin's are a join's): the dues of the
    /// new term and its seats, the multi-term discount, the late or reinstatement fee. The new
    /// term (`period`) only dates the dues lines.
    fn renewal_lines<S: LineSink>(
        &self,
        key: PriceKey<'_>,
        period: Option<Term>,
        date: Date,
        terms: u32,
        seats: Option<u32>,
        lines: &mut S,
    ) -> Result<(), Error> {
        let (plan, r) = (key.plan, key);
        let next = key.next;
        let pricing = self.pricing();
        let restart = r.kind == RenewalKind::Reinstate && self.rules.reinstatement() == ReinstatementStart::Restart;
        if restart && next.proration.reinstatements {
            self.first_term_lines(next, date, terms, seats, next.prices.renewal_dues(), lines)?;
        } else {
            let full = next.prices.renewal_dues().checked_mul(Decimal::from(terms))?.round(pricing.rounding);
            let text = || Description::dues(self.rules.name_of(next), true, terms, None, false);
            lines.push(LineKind::Dues, text, full, period, None);
            if let Some((n, per_term)) = seat_extra(next, seats)? {
                let amount = per_term.checked_mul(Decimal::from(terms))?.round(pricing.rounding);
                let text = || Description::seats(n, terms, None);
                lines.push(LineKind::Seats, text, amount, period, None);
            }
        }
        self.multi_term_discount_line(next, terms, lines)?;
        if r.kind == RenewalKind::Extend && r.status_before == Status::Grace {
            if let Some(fee) = plan.prices.late_fee {
                let fee = Money::new(fee, plan.prices.currency).round(pricing.rounding);
                lines.push(LineKind::LateFee, || "Late fee (renewing in grace)".into(), fee, None, None);
            }
        }
        if r.kind == RenewalKind::Reinstate {
            if let Some(fee) = plan.prices.reinstatement_fee {
                let fee = Money::new(fee, plan.prices.currency).round(pricing.rounding);
                lines.push(LineKind::ReinstatementFee, || "Reinstatement fee".into(), fee, None, None);
            }
        }
        Ok(())
    }
}

impl Quoter<'_> {
    /// The multi-term discount line for buying `terms` terms at once
    /// ([`QuoteSettings::multi_term_discount`](super::QuoteSettings::multi_term_discount)): a
    /// negative line of its percentage of the lines so far (the dues and seats), rounded once.
    /// Renewals always take it; joins when `multi_term_discounts_on_joins` is set.
    pub(super) fn multi_term_discount_line<S: LineSink>(
        &self,
        plan: &Plan,
        terms: u32,
        lines: &mut S,
    ) -> Result<(), Error> {
        if let Some(d) = self.settings.multi_term_discount(terms) {
            let base = lines.sum(plan.prices.currency)?;
            let off = minus(base.checked_mul(d.percent / Decimal::ONE_HUNDRED)?.round(self.pricing().rounding));
            lines.push(LineKind::Discount, || Description::discount(d.percent, d.terms), off, None, None);
        }
        Ok(())
    }
}

/// Everything a renewal's price reads: the member's plan (its fees; a rejoin joins it again),
/// the plan of the new term, the path and the status before it (the grace late fee). The new
/// term itself is not among them: it dates the lines, it does not price them. So members whose
/// renewals share a key pay the same on the same date, and the roster kernel works each total
/// out once ([`Prices`]).
#[derive(Debug, Clone, Copy)]
pub(crate) struct PriceKey<'a> {
    pub(crate) plan: &'a Plan,
    pub(crate) next: &'a Plan,
    pub(crate) kind: RenewalKind,
    pub(crate) status_before: Status,
    /// The member is exempt from tax.
    pub(crate) exempt: bool,
}

impl<'a> PriceKey<'a> {
    /// The key of a renewal of a membership of `plan`.
    pub(crate) fn of(plan: &'a Plan, r: &RenewalPath<'a>) -> PriceKey<'a> {
        PriceKey { plan, next: r.plan, kind: r.kind, status_before: r.status_before, exempt: false }
    }

    /// The key for a member exempt from tax, or not.
    pub(crate) fn exempt(self, exempt: bool) -> PriceKey<'a> {
        PriceKey { exempt, ..self }
    }

    fn same(&self, other: &PriceKey<'_>) -> bool {
        std::ptr::eq(self.plan, other.plan)
            && std::ptr::eq(self.next, other.next)
            && self.kind == other.kind
            && self.status_before == other.status_before
            && self.exempt == other.exempt
    }
}

/// Renewal totals already worked out for one date and term count, by [`PriceKey`]: a roster's
/// members on the same plan and path pay the same, and the kernel prices each once. A few dozen
/// keys at most are kept (a policy has few plans); past that, totals are worked out each time.
#[derive(Debug, Default)]
pub(crate) struct Prices<'a> {
    known: Vec<(PriceKey<'a>, Result<Money, Error>)>,
}

impl<'a> Prices<'a> {
    /// The total of the renewal priced by `key`, worked out by [`Quoter::renewal_total`] the
    /// first time.
    pub(crate) fn total(
        &mut self,
        quoter: &Quoter<'_>,
        key: PriceKey<'a>,
        date: Date,
        terms: u32,
    ) -> Result<Money, Error> {
        if let Some((_, total)) = self.known.iter().find(|(k, _)| k.same(&key)) {
            return total.clone();
        }
        let total = quoter.renewal_total(key, date, terms);
        if self.known.len() < 64 {
            self.known.push((key, total.clone()));
        }
        total
    }
}
