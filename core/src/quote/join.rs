//! Join quotes: the first term's dues and seats, prorated per the plan's rule, and the join fee.

use rust_decimal::Decimal;
use time::Date;

use super::inputs::JoinOptions;
use super::lines::QuoteLine;
use super::lines::{Description, LineKind, Quote, QuoteKind};
use super::pricing::{fee_of, min_money, seat_extra, span_periods, LineSink, Total};
use super::Quoter;
use crate::error::Error;
use crate::money::Money;
use crate::period::{add_days, Offset};
use crate::plan::{Plan, PlanId};
use crate::proration::{Fraction, Granularity, MinimumCharge, RolloverCharge};
use crate::status::Membership;
use crate::tax::TaxBasis;
use crate::term::{Term, TermRule};

impl Quoter<'_> {
    /// Dues lines (and seat lines) for a first term on `plan` starting at `date`, prorated per the
    /// plan's rule, into `lines`. Returns the term (and whether it rolled
    /// over) and the fraction of the first period charged.
    pub(super) fn first_term_lines<S: LineSink>(
        &self,
        plan: &Plan,
        date: Date,
        terms: u32,
        seats: Option<u32>,
        price: Money,
        lines: &mut S,
    ) -> Result<(crate::term::JoinTerm, Option<Fraction>), Error> {
        let rules = self.rules.date_rules();
        let jt = self.rules.first_term(plan, date, terms)?;
        let extra = seat_extra(plan, seats)?;
        let rule = &plan.proration;
        let push = |f: Option<Fraction>, count: u32, period: Term, lines: &mut S| -> Result<(), Error> {
            self.dues_lines(plan, price, count, f, period, extra, lines)
        };
        let mut used = None;
        match &plan.term {
            TermRule::Calendar { .. } if rule.granularity != Granularity::None => {
                let period_start = plan.term.period_start(date, rules)?;
                let first =
                    plan.term.next_term(add_days(period_start, -1)?, 1, rules)?.unwrap_or(Term::lifetime(period_start));
                let first_end = first.end.unwrap_or(date);
                let within = match rule.only_within {
                    Some(len) => {
                        let o = Offset::from(len);
                        let back = Offset { years: -o.years, months: -o.months, days: -o.days };
                        date >= back.apply(add_days(first_end, 1)?, rules.month_end)?
                    }
                    None => true,
                };
                let term_end = jt.term.end.unwrap_or(first_end);
                let covered = Term { start: date.max(period_start), end: Some(first_end) };
                let rest = |from: Date| Term { start: from, end: Some(term_end) };
                if jt.rolled_over && rule.rollover_charge == RolloverCharge::FullDues || !within {
                    push(None, terms, Term { start: date.max(jt.term.start), end: Some(term_end) }, lines)?;
                } else {
                    let f = rule.fraction(date, period_start, first_end, plan.term.periods_per_term())?;
                    used = f;
                    push(f, 1, covered, lines)?;
                    let more = terms - 1 + u32::from(jt.rolled_over);
                    if more > 0 {
                        push(None, more, rest(add_days(first_end, 1)?), lines)?;
                    }
                }
            }
            _ => push(None, terms, jt.term, lines)?,
        }
        Ok((jt, used))
    }

    /// The dues line of `count` terms at `price` (prorated by `f`, floored at the plan's minimum
    /// charge when prorated) over `period`, and the extra seats' line, into `lines`.
    #[allow(clippy::too_many_arguments)]
    fn dues_lines<S: LineSink>(
        &self,
        plan: &Plan,
        price: Money,
        count: u32,
        f: Option<Fraction>,
        period: Term,
        extra: Option<(u32, Money)>,
        lines: &mut S,
    ) -> Result<(), Error> {
        let pricing = self.pricing();
        let full = price.checked_mul(Decimal::from(count))?;
        let mut amount = pricing.prorate(&full, f)?;
        let mut minimum = false;
        if let (Some(min), true) = (plan.proration.minimum, f.is_some_and(|fr| !fr.is_whole())) {
            let floor = match min {
                MinimumCharge::MinorUnit => Money::from_minor_units(1, full.currency()),
                MinimumCharge::Amount(a) => Money::new(a, full.currency()).round(pricing.rounding),
            };
            let floor = min_money(floor, full.round(pricing.rounding));
            if amount.amount() < floor.amount() {
                amount = floor;
                minimum = true;
            }
        }
        let text = || Description::dues(self.rules.name_of(plan), false, count, f, minimum);
        lines.push(LineKind::Dues, text, amount, Some(period), f.filter(|fr| !fr.is_whole()));
        if let Some((n, per_term)) = extra {
            let full = per_term.checked_mul(Decimal::from(count))?;
            let amount = pricing.prorate(&full, f)?;
            let text = || Description::seats(n, count, f);
            lines.push(LineKind::Seats, text, amount, Some(period), f.filter(|fr| !fr.is_whole()));
        }
        Ok(())
    }

    /// The quote for a join with its [`JoinOptions`]: the first term's dues (seats, join fee),
    /// the dependants beyond those included, then the tax unless the member is exempt. With
    /// staff-entered dates ([`JoinDates`]), the term they give, its dues prorated from the date
    /// to the term's end over the plan's regular span for the terms bought, by the plan's change
    /// rule (`none` counts actual days), and the join fee prorated alike when the plan prorates it.
    pub(crate) fn quote_join_with(&self, plan_id: &PlanId, date: Date, options: &JoinOptions) -> Result<Quote, Error> {
        let JoinOptions { terms, seats, dependants, tax_exempt: exempt, dates } = *options;
        let plan = self.plan(plan_id)?;
        if dates.is_empty() {
            return self.join_quote_taxed(plan, date, terms, seats, dependants, QuoteKind::Join, None, exempt);
        }
        let (jt, regular) = self.rules.first_term_dated(plan, date, terms, dates)?;
        let extra = seat_extra(plan, seats)?;
        let from = date.max(jt.term.start);
        let f = match (jt.term.end, regular.end) {
            (Some(end), Some(regular_end)) => plan.proration.for_changes().fraction_until(
                from,
                end,
                regular.start,
                regular_end,
                span_periods(plan, regular),
            )?,
            _ => None,
        };
        let mut lines = Vec::new();
        let period = Term { start: from, end: jt.term.end };
        self.dues_lines(plan, plan.prices.join_dues(), terms, f, period, extra, &mut lines)?;
        if let Some(fee) = plan.prices.join_fee {
            let fee = Money::new(fee, plan.prices.currency);
            let f = f.filter(|_| plan.proration.join_fee);
            let amount = self.pricing().prorate(&fee, f)?;
            LineSink::push(&mut lines, LineKind::JoinFee, || Description::join_fee(f), amount, None, f);
        }
        self.dependants_line(plan, dependants, terms, Some(jt.term), &mut lines)?;
        self.tax_join(plan, exempt, &mut lines)?;
        let total = lines.sum(plan.prices.currency)?;
        Ok(Quote {
            kind: QuoteKind::Join,
            plan: plan.id.clone(),
            effective: date,
            term: Some(jt.term),
            member_since: date,
            status_after: self.status_after(plan, None, jt.term, date, date),
            lines,
            total,
        })
    }

    /// The quote for a new member joining `plan` on `date`, buying `terms` terms (and, for an
    /// organisational plan, `seats` seats; `None`: the plan's included seats).
    pub(crate) fn quote_join(&self, plan: &PlanId, date: Date, terms: u32, seats: Option<u32>) -> Result<Quote, Error> {
        self.join_quote(plan, date, terms, seats, QuoteKind::Join, None)
    }

    /// The tax of a join's lines: every line is a price of `plan`.
    pub(super) fn tax_join(&self, plan: &Plan, exempt: bool, lines: &mut Vec<QuoteLine>) -> Result<(), Error> {
        self.add_tax(lines, exempt, |l| fee_of(l.kind).map(|f| (plan, f, TaxBasis::Price)))
    }

    pub(super) fn join_quote(
        &self,
        plan_id: &PlanId,
        date: Date,
        terms: u32,
        seats: Option<u32>,
        kind: QuoteKind,
        facts: Option<&Membership>,
    ) -> Result<Quote, Error> {
        let plan = self.plan(plan_id)?;
        self.join_quote_on(plan, date, terms, seats, kind, facts)
    }

    /// [`Quoter::join_quote`] on a plan already looked up.
    pub(crate) fn join_quote_on(
        &self,
        plan: &Plan,
        date: Date,
        terms: u32,
        seats: Option<u32>,
        kind: QuoteKind,
        facts: Option<&Membership>,
    ) -> Result<Quote, Error> {
        self.join_quote_taxed(plan, date, terms, seats, None, kind, facts, facts.is_some_and(|m| m.tax_exempt))
    }

    /// [`Quoter::join_quote_on`], the member exempt from tax or not.
    #[allow(clippy::too_many_arguments)]
    fn join_quote_taxed(
        &self,
        plan: &Plan,
        date: Date,
        terms: u32,
        seats: Option<u32>,
        dependants: Option<u32>,
        kind: QuoteKind,
        facts: Option<&Membership>,
        exempt: bool,
    ) -> Result<Quote, Error> {
        let mut lines = Vec::new();
        let jt = self.join_lines(plan, date, terms, seats, &mut lines)?;
        self.dependants_line(plan, dependants, terms, Some(jt.term), &mut lines)?;
        self.tax_join(plan, exempt, &mut lines)?;
        let total = lines.sum(plan.prices.currency)?;
        let status_override = facts.and_then(|m| m.status_override);
        Ok(Quote {
            kind,
            plan: plan.id.clone(),
            effective: date,
            term: Some(jt.term),
            member_since: date,
            status_after: self.status_after(plan, status_override, jt.term, date, date),
            lines,
            total,
        })
    }

    /// The first term and the total of joining `plan` on `date`, without writing the lines: what
    /// [`Quoter::quote_join`] gives, added up line by line as it would write them.
    pub(crate) fn join_total(
        &self,
        plan: &Plan,
        date: Date,
        terms: u32,
        seats: Option<u32>,
    ) -> Result<(crate::term::JoinTerm, Money), Error> {
        if plan.tax.is_some() {
            // Tax is worked out over the lines (per total, inclusive prices): they are kept.
            let mut lines = Vec::new();
            let jt = self.join_lines(plan, date, terms, seats, &mut lines)?;
            self.tax_join(plan, false, &mut lines)?;
            return Ok((jt, lines.sum(plan.prices.currency)?));
        }
        let mut total = Total::default();
        let jt = self.join_lines(plan, date, terms, seats, &mut total)?;
        Ok((jt, total.sum(plan.prices.currency)?))
    }

    /// The lines of joining `plan` on `date` (a join, or a rejoin): the first term's dues and
    /// seats, prorated per the plan's rule, the multi-term discount on them when
    /// `multi_term_discounts_on_joins` is set, and the join fee.
    pub(super) fn join_lines<S: LineSink>(
        &self,
        plan: &Plan,
        date: Date,
        terms: u32,
        seats: Option<u32>,
        lines: &mut S,
    ) -> Result<crate::term::JoinTerm, Error> {
        let pricing = self.pricing();
        let (jt, f) = self.first_term_lines(plan, date, terms, seats, plan.prices.join_dues(), lines)?;
        if self.settings.multi_term_discounts_on_joins {
            self.multi_term_discount_line(plan, terms, lines)?;
        }
        if let Some(fee) = plan.prices.join_fee {
            let fee = Money::new(fee, plan.prices.currency);
            let f = f.filter(|_| plan.proration.join_fee);
            let amount = pricing.prorate(&fee, f)?;
            lines.push(LineKind::JoinFee, || Description::join_fee(f), amount, None, f);
        }
        Ok(jt)
    }
}
