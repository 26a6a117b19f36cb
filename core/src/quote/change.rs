//! Plan-change quotes: a credit for the unused old plan and a charge for the new, or a scheduled downgrade.

use super::error::QuoteError;
use super::inputs::PlanChange;
use super::lines::{LineKind, Quote, QuoteKind};
use super::pricing::{credit_room, description, fee_of, line, min_money, minus, paid_on, seat_extra, span_periods};
use super::settings::DowngradeTiming;
use super::Quoter;
use crate::error::Error;
use crate::money::Money;
use crate::period::add_days;
use crate::term::Term;

impl Quoter<'_> {
    /// The quote for changing a membership to another plan on `date`: an upgrade now (credit
    pub(crate) fn quote_change_plan(&self, change: &PlanChange) -> Result<Quote, Error> {
        let m = &change.membership;
        m.check()?;
        let old = self.rules.plan_of(m)?;
        let new = self.plan(&change.plan)?;
        if old.id == new.id {
            return Err(QuoteError::SamePlan { plan: old.id.to_string() }.into());
        }
        if old.prices.currency != new.prices.currency {
            return Err(QuoteError::CurrencyMismatch { from: old.prices.currency, to: new.prices.currency }.into());
        }
        let room = credit_room(&change.amount_paid, change.credits_applied.as_ref(), old.prices.currency)?;
        let end = m.term.end.ok_or(QuoteError::LifetimeTerm)?;
        if !m.term.contains(change.date) {
            return Err(QuoteError::DateOutsideTerm { date: change.date, term: m.term }.into());
        }
        let extra = seat_extra(new, change.seats)?;
        let quotes = self.settings;
        let upgrade = new.prices.dues >= old.prices.dues;
        let date = change.date;
        if !upgrade && quotes.downgrade == DowngradeTiming::TermEnd {
            let effective = add_days(end, 1)?;
            let text = format!("Change to {} from {effective}; nothing to pay now", new.name);
            let lines = vec![line(LineKind::ScheduledChange, text, Money::zero(old.prices.currency), None, None)];
            return Ok(Quote {
                kind: QuoteKind::Downgrade,
                plan: new.id.clone(),
                effective,
                term: Some(m.term),
                member_since: m.member_since,
                status_after: self.status_after(old, m.status_override, m.term, m.member_since, date),
                lines,
                total: Money::zero(old.prices.currency),
            });
        }
        let pricing = self.pricing();
        let rest = Term { start: date, end: Some(end) };
        let f_old = old.proration.for_changes().fraction(date, m.term.start, end, span_periods(old, m.term))?;
        let credit = min_money(pricing.prorate(&change.amount_paid, f_old)?, room);
        let mut lines = vec![line(
            LineKind::Credit,
            description(format_args!("Unused {} (paid {})", old.name, change.amount_paid), 1, f_old.as_ref()),
            minus(credit),
            Some(rest),
            f_old,
        )];
        let mut term = m.term;
        if quotes.upgrade_restarts_term || new.is_lifetime() {
            let mut charge = Vec::new();
            let (jt, _) = self.first_term_lines(new, date, 1, change.seats, new.prices.join_dues(), &mut charge)?;
            term = jt.term;
            lines.extend(charge);
        } else {
            let f_new = new.proration.for_changes().fraction(date, m.term.start, end, span_periods(new, m.term))?;
            let amount = pricing.prorate(&new.prices.join_dues(), f_new)?;
            lines.push(line(
                LineKind::Dues,
                description(format_args!("{} dues", new.name), 1, f_new.as_ref()),
                amount,
                Some(rest),
                f_new,
            ));
            if let Some((n, per_term)) = extra {
                let amount = pricing.prorate(&per_term, f_new)?;
                lines.push(line(
                    LineKind::Seats,
                    description(format_args!("{n} extra seats"), 1, f_new.as_ref()),
                    amount,
                    Some(rest),
                    f_new,
                ));
            }
        }
        // Tax: the credit is a share of what was paid on the old plan; the charges are the new plan's prices.
        self.add_tax(&mut lines, m.tax_exempt, |l| match l.kind {
            LineKind::Credit => Some((old, crate::tax::FeeKind::Dues, paid_on(old))),
            k => fee_of(k).map(|f| (new, f, crate::tax::TaxBasis::Price)),
        })?;
        self.settle_negative(new, change.seats, &mut term, &mut lines)?;
        let total = self.sum_lines(new.prices.currency, &lines)?;
        Ok(Quote {
            kind: if upgrade { QuoteKind::Upgrade } else { QuoteKind::Downgrade },
            plan: new.id.clone(),
            effective: date,
            term: Some(term),
            member_since: m.member_since,
            status_after: self.status_after(new, m.status_override, term, m.member_since, date),
            lines,
            total,
        })
    }
}
