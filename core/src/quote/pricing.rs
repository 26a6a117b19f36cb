//! The arithmetic every quote shares: rounding, lines, descriptions, seats, credit room, negative nets.

use rust_decimal::Decimal;

use super::error::QuoteError;
use super::lines::{Description, LineKind, QuoteLine};
use super::settings::NegativeNet;
use super::Quoter;
use crate::error::Error;
use crate::money::{Currency, Money, MoneyError, Rounding};
use crate::period::add_days;
use crate::plan::Plan;
use crate::proration::Fraction;
use crate::tax::{apply_tax, FeeKind, TaxBasis, TaxItem};
use crate::term::{Term, TermRule};

/// The money rules of one engine, bundled for the quote arithmetic.
pub(super) struct Pricing {
    pub(super) rounding: Rounding,
    pub(super) scale: Option<u32>,
}

impl Pricing {
    pub(super) fn prorate(&self, amount: &Money, f: Option<Fraction>) -> Result<Money, Error> {
        Ok(match f {
            Some(f) => f.apply(amount, self.scale, self.rounding)?,
            None => amount.round(self.rounding),
        })
    }
}

/// Where a quote's lines go: kept with their descriptions (a `Vec<QuoteLine>`, for a
/// [`Quote`](super::Quote)), or only added up ([`Total`], for a total alone: the roster
/// kernel). Every quote that both need writes its lines once, into either; a description is
/// written only by a sink that keeps it.
pub(crate) trait LineSink {
    /// Adds a line; `text` writes its description, when it is kept.
    fn push(
        &mut self,
        kind: LineKind,
        text: impl FnOnce() -> Description,
        amount: Money,
        period: Option<Term>,
        proration: Option<Fraction>,
    );

    /// The sum of the lines so far, in the quote's currency.
    ///
    /// # Errors
    /// An overflow or a currency that is not the quote's.
    fn sum(&self, currency: Currency) -> Result<Money, Error>;
}

impl LineSink for Vec<QuoteLine> {
    fn push(
        &mut self,
        kind: LineKind,
        text: impl FnOnce() -> Description,
        amount: Money,
        period: Option<Term>,
        proration: Option<Fraction>,
    ) {
        Vec::push(self, line(kind, text(), amount, period, proration));
    }

    fn sum(&self, currency: Currency) -> Result<Money, Error> {
        sum_lines(currency, self)
    }
}

/// The exact sum of lines, in the quote's currency.
///
/// # Errors
/// An overflow, or a line in another currency.
pub(super) fn sum_lines(currency: Currency, lines: &[QuoteLine]) -> Result<Money, Error> {
    Ok(lines.iter().try_fold(Money::zero(currency), |acc, l| acc.checked_add(&l.amount))?)
}

/// The lines of a quote added up as they come, in order, none kept: a quote's total without its
/// lines, equal to the sum of the lines a `Vec<QuoteLine>` would keep.
#[derive(Debug, Default)]
pub(crate) struct Total {
    sum: Option<Result<Money, MoneyError>>,
}

impl LineSink for Total {
    fn push(
        &mut self,
        _: LineKind,
        _: impl FnOnce() -> Description,
        amount: Money,
        _: Option<Term>,
        _: Option<Fraction>,
    ) {
        self.sum = Some(match self.sum.take() {
            None => Money::zero(amount.currency()).checked_add(&amount),
            Some(Ok(acc)) => acc.checked_add(&amount),
            Some(Err(e)) => Err(e),
        });
    }

    fn sum(&self, currency: Currency) -> Result<Money, Error> {
        match &self.sum {
            None => Ok(Money::zero(currency)),
            Some(Ok(acc)) => Ok(Money::zero(currency).checked_add(acc)?),
            Some(Err(e)) => Err(e.clone().into()),
        }
    }
}

pub(super) fn line(
    kind: LineKind,
    description: impl Into<Description>,
    amount: Money,
    period: Option<Term>,
    f: Option<Fraction>,
) -> QuoteLine {
    QuoteLine { kind, description: description.into(), amount, period, proration: f }
}

/// The extra seats beyond the included ones and their price for one term, checking the limits.
pub(super) fn seat_extra(plan: &Plan, seats: Option<u32>) -> Result<Option<(u32, Money)>, Error> {
    let Some(cfg) = &plan.seats else {
        return match seats {
            Some(_) => Err(QuoteError::NoSeats { plan: plan.id.to_string() }.into()),
            None => Ok(None),
        };
    };
    let Some(n) = seats else {
        return Ok(None);
    };
    if n > crate::plan::MAX_SEATS {
        return Err(QuoteError::SeatsAboveMaximum { seats: n, max: crate::plan::MAX_SEATS }.into());
    }
    if n < cfg.min {
        return Err(QuoteError::SeatsBelowMinimum { seats: n, min: cfg.min }.into());
    }
    if let Some(max) = cfg.max.filter(|m| n > *m) {
        return Err(QuoteError::SeatsAboveMaximum { seats: n, max }.into());
    }
    let extra = n.saturating_sub(cfg.included);
    let price = Money::new(cfg.price_per_seat.unwrap_or_default(), plan.prices.currency);
    Ok(Some((extra, price.checked_mul(Decimal::from(extra))?)))
}

/// Checks a payment: the plan's currency, not negative, exact in minor units, at most
/// [`Money::max_amount`].
pub(super) fn check_money(field: &str, m: &Money, expected: Currency) -> Result<(), Error> {
    if m.currency() != expected {
        return Err(QuoteError::PaymentCurrency { expected, found: m.currency() }.into());
    }
    if m.is_negative() {
        return Err(QuoteError::NegativeAmount { field: field.to_owned(), amount: m.amount().to_string() }.into());
    }
    check_bounded(field, m)?;
    m.to_minor_units()?;
    Ok(())
}

/// [`Money::check_bounded`], naming the field in the error (`amount_paid must be at most …`).
pub(super) fn check_bounded(field: &str, m: &Money) -> Result<(), MoneyError> {
    m.check_bounded().map_err(|_| MoneyError::InvalidAmount {
        text: m.amount().to_string(),
        reason: format!("{field} must be at most {}", Money::max_amount(m.currency())),
    })
}

/// What is left of a payment for crediting: paid minus earlier credits, checked.
pub(super) fn credit_room(paid: &Money, credits: Option<&Money>, currency: Currency) -> Result<Money, Error> {
    check_money("amount_paid", paid, currency)?;
    let Some(c) = credits else {
        return Ok(*paid);
    };
    check_money("credits_applied", c, currency)?;
    if c.amount() > paid.amount() {
        return Err(QuoteError::CreditsExceedPaid { credits: c.to_string(), paid: paid.to_string() }.into());
    }
    Ok(paid.checked_sub(c)?)
}

/// The amount with its sign flipped, never a negative zero (`-0.00` would read as a credit).
pub(super) fn minus(m: Money) -> Money {
    if m.is_zero() {
        Money::zero(m.currency())
    } else {
        m.negated()
    }
}

pub(super) fn min_money(a: Money, b: Money) -> Money {
    if b.amount() < a.amount() {
        b
    } else {
        a
    }
}

/// The number of calendar periods a span covers, for per-period denominators.
pub(super) fn span_periods(plan: &Plan, term: Term) -> u32 {
    let days = term.days().unwrap_or(1);
    match plan.term {
        TermRule::Calendar { period: crate::term::CalendarPeriod::Month, .. } => {
            u32::try_from((days + 15) / 30).unwrap_or(1).max(1)
        }
        _ => u32::try_from((days + 182) / 365).unwrap_or(1).max(1),
    }
}

/// The fee a net line charges or credits, for its tax: dues (and a discount on them), seats, or
/// a fee; `None` for lines that are no sale (a forfeited credit, credit to days, a scheduled
/// change, tax itself). A credit or refund is priced by its caller (paid, or at list price).
pub(super) fn fee_of(kind: LineKind) -> Option<FeeKind> {
    match kind {
        // A household's extra dependants are dues (their price is dues per dependant).
        LineKind::Dues | LineKind::Discount | LineKind::Credit | LineKind::Refund | LineKind::Dependants => {
            Some(FeeKind::Dues)
        }
        LineKind::Seats => Some(FeeKind::Seats),
        LineKind::JoinFee => Some(FeeKind::JoinFee),
        LineKind::ReinstatementFee => Some(FeeKind::ReinstatementFee),
        LineKind::LateFee => Some(FeeKind::LateFee),
        LineKind::CancellationFee => Some(FeeKind::CancellationFee),
        LineKind::ForfeitedCredit | LineKind::CreditToDays | LineKind::ScheduledChange | LineKind::Tax => None,
    }
}

/// How a credit of what was paid for a term on `plan` carries its tax: in the proportion of
/// the plan's dues as charged.
pub(super) fn paid_on(plan: &Plan) -> TaxBasis {
    TaxBasis::Paid { reference: plan.prices.join_dues() }
}

impl Quoter<'_> {
    /// Splits a quote's net lines into net and tax ([`apply_tax`]): `tax_of` names, for each
    /// line, the plan whose tax applies, the fee and how the amount carries tax (`None`: not
    /// taxed). Each taxed line's amount becomes its net, and one tax line per component is
    /// added after the lines. Lines on plans without tax are left as they are; a quote with no
    /// taxed plan gets no tax line.
    pub(super) fn add_tax<'p>(
        &self,
        lines: &mut Vec<QuoteLine>,
        exempt: bool,
        tax_of: impl Fn(&QuoteLine) -> Option<(&'p Plan, FeeKind, TaxBasis)>,
    ) -> Result<(), Error> {
        let mut at = Vec::new();
        let mut items = Vec::new();
        for (i, l) in lines.iter().enumerate() {
            if let Some((plan, fee, basis)) = tax_of(l) {
                if let Some(tax) = &plan.tax {
                    items.push(TaxItem { tax, fee, amount: l.amount, basis });
                    at.push(i);
                }
            }
        }
        if items.is_empty() {
            return Ok(());
        }
        let taxed = apply_tax(&items, exempt, self.pricing().rounding)?;
        for (i, net) in at.into_iter().zip(taxed.nets) {
            lines[i].amount = if net.is_zero() { Money::zero(net.currency()) } else { net };
        }
        for t in taxed.lines {
            let text = Description::tax(t.name, t.percent, exempt);
            let amount = if t.amount.is_zero() { Money::zero(t.amount.currency()) } else { t.amount };
            lines.push(line(LineKind::Tax, text, amount, None, None));
        }
        Ok(())
    }

    /// Turns a negative total into what the policy says: an account credit (left as is), a
    /// forfeit line, or extra days on the plan (moving the term's end).
    pub(super) fn settle_negative(
        &self,
        plan: &Plan,
        seats: Option<u32>,
        term: &mut Term,
        lines: &mut Vec<QuoteLine>,
    ) -> Result<(), Error> {
        let currency = plan.prices.currency;
        let total = self.sum_lines(currency, lines)?;
        if !total.is_negative() {
            return Ok(());
        }
        let credit = minus(total);
        match self.settings.negative_net {
            NegativeNet::AccountCredit => {}
            NegativeNet::Zero => {
                lines.push(line(LineKind::ForfeitedCredit, Description::forfeited_credit(credit), credit, None, None));
            }
            NegativeNet::ExtraDays => {
                let end = term.end.ok_or(QuoteError::LifetimeTerm)?;
                let mut per_term = plan.prices.join_dues();
                if let Some((_, s)) = seat_extra(plan, seats)? {
                    per_term = per_term.checked_add(&s)?;
                }
                let term_days = Decimal::from(term.days().unwrap_or(1));
                let days = if per_term.is_zero() {
                    0
                } else {
                    let exact = credit.amount().checked_mul(term_days).ok_or(crate::MoneyError::Overflow)?;
                    let d = exact.checked_div(per_term.amount()).ok_or(crate::MoneyError::Overflow)?.floor();
                    i64::try_from(d.mantissa()).unwrap_or(0).clamp(0, 36_600)
                };
                let period = if days > 0 {
                    let new_end = add_days(end, days)?;
                    *term = Term { start: term.start, end: Some(new_end) };
                    Some(Term { start: add_days(end, 1)?, end: Some(new_end) })
                } else {
                    None
                };
                let text = Description::credit_to_days(credit, days, self.rules.name_of(plan));
                lines.push(line(LineKind::CreditToDays, text, credit, period, None));
            }
        }
        Ok(())
    }
}
