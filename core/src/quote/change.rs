//! Plan-change quotes: a credit for the unused old plan and a charge for the new, or a scheduled downgrade.

use super::error::QuoteError;
use super::inputs::PlanChange;
use super::lines::{Description, LineKind, Quote, QuoteKind};
use time::Date;

use super::lines::QuoteLine;
use super::pricing::{credit_room, fee_of, line, min_money, minus, paid_on, seat_extra, span_periods};
use super::settings::{ChangeMode, DowngradeTiming};
use super::Quoter;
use crate::error::Error;
use crate::money::Money;
use crate::period::add_days;
use crate::plan::Plan;
use crate::proration::{Fraction, MinimumCharge};
use crate::term::{Term, TermRule};

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
            let text = Description::scheduled_change(self.rules.name_of(new), effective);
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
        let mut lines = Vec::new();
        if quotes.change_mode == ChangeMode::NoCredit {
            let text = Description::no_credit(self.rules.name_of(old));
            lines.push(line(LineKind::Credit, text, Money::zero(old.prices.currency), None, None));
        } else {
            let f_old = old.proration.for_changes().fraction(date, m.term.start, end, span_periods(old, m.term))?;
            let credit = min_money(pricing.prorate(&change.amount_paid, f_old)?, room);
            lines.push(line(
                LineKind::Credit,
                Description::unused(self.rules.name_of(old), change.amount_paid, f_old),
                minus(credit),
                Some(rest),
                f_old,
            ));
        }
        let mut term = m.term;
        let restart = quotes.upgrade_restarts_term || new.is_lifetime();
        match quotes.change_mode {
            ChangeMode::Prorated if restart => {
                let mut charge = Vec::new();
                let (jt, _) = self.first_term_lines(new, date, 1, change.seats, new.prices.join_dues(), &mut charge)?;
                term = jt.term;
                lines.extend(charge);
            }
            ChangeMode::Prorated => {
                let f_new = new.proration.for_changes().fraction(date, m.term.start, end, span_periods(new, m.term))?;
                self.change_charge(new, extra, f_new, rest, &mut lines)?;
            }
            ChangeMode::NoCredit => {
                if restart {
                    term = self.rules.first_term(new, date, 1)?.term;
                }
                let period = Term { start: date.max(term.start), end: term.end };
                self.change_charge(new, extra, None, period, &mut lines)?;
            }
            ChangeMode::NewPeriod => {
                let own = self.own_period(new, date)?;
                let f_new = match own.end {
                    Some(own_end) => {
                        new.proration.for_changes().fraction(date, own.start, own_end, new.term.periods_per_term())?
                    }
                    None => None,
                };
                term = own;
                self.change_charge(new, extra, f_new, Term { start: date, end: own.end }, &mut lines)?;
            }
        }
        // Tax: the credit is a share of what was paid on the old plan; the charges are the new plan's prices.
        self.add_tax(&mut lines, m.tax_exempt, |l| match l.kind {
            LineKind::Credit => Some((old, crate::tax::FeeKind::Dues, paid_on(old))),
            k => fee_of(k).map(|f| (new, f, crate::tax::TaxBasis::Price)),
        })?;
        self.minimum_on_net(new, &mut lines)?;
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

    /// The new plan's dues (and extra seats) of a change, over `period`, prorated by `f`.
    fn change_charge(
        &self,
        new: &Plan,
        extra: Option<(u32, Money)>,
        f: Option<Fraction>,
        period: Term,
        lines: &mut Vec<QuoteLine>,
    ) -> Result<(), Error> {
        let pricing = self.pricing();
        let amount = pricing.prorate(&new.prices.join_dues(), f)?;
        lines.push(line(
            LineKind::Dues,
            Description::dues(self.rules.name_of(new), false, 1, f, false),
            amount,
            Some(period),
            f,
        ));
        if let Some((n, per_term)) = extra {
            let amount = pricing.prorate(&per_term, f)?;
            lines.push(line(LineKind::Seats, Description::seats(n, 1, f), amount, Some(period), f));
        }
        Ok(())
    }

    /// The new plan's own period containing `date`: a calendar plan's period (its periods per
    /// term), a rolling plan's first term from the date, a lifetime term.
    fn own_period(&self, new: &Plan, date: Date) -> Result<Term, Error> {
        let rules = self.rules.date_rules();
        match &new.term {
            TermRule::Calendar { .. } => {
                let period_start = new.term.period_start(date, rules)?;
                Ok(new.term.next_term(add_days(period_start, -1)?, 1, rules)?.unwrap_or(Term::lifetime(period_start)))
            }
            _ => Ok(self.rules.first_term(new, date, 1)?.term),
        }
    }

    /// The new plan's minimum charge on the change's positive net: a net above zero but below
    /// the minimum (never more than the plan's full dues) raises the last dues line to meet it.
    fn minimum_on_net(&self, new: &Plan, lines: &mut [QuoteLine]) -> Result<(), Error> {
        let Some(min) = new.proration.minimum else {
            return Ok(());
        };
        let pricing = self.pricing();
        let currency = new.prices.currency;
        let net = self.sum_lines(currency, lines)?;
        if net.is_negative() || net.is_zero() {
            return Ok(());
        }
        let floor = match min {
            MinimumCharge::MinorUnit => Money::from_minor_units(1, currency),
            MinimumCharge::Amount(a) => Money::new(a, currency).round(pricing.rounding),
        };
        let floor = min_money(floor, new.prices.join_dues().round(pricing.rounding));
        if net.amount() >= floor.amount() {
            return Ok(());
        }
        let Some(dues) = lines.iter_mut().rev().find(|l| l.kind == LineKind::Dues) else {
            return Ok(());
        };
        dues.amount = dues.amount.checked_add(&floor.checked_sub(&net)?)?;
        let was = std::mem::replace(&mut dues.description, Description::from(""));
        dues.description = Description::raised_to_minimum(was, floor);
        Ok(())
    }
}
