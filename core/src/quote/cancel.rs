//! Cancellation quotes: a refund of the unused part of what was paid, minus the cancellation fee.

use super::error::QuoteError;
use super::inputs::Cancellation;
use super::lines::{Description, LineKind, Quote, QuoteKind};
use super::pricing::{credit_room, fee_of, line, min_money, minus, paid_on, span_periods};
use super::settings::{CancelAt, RefundPolicy};
use super::Quoter;
use crate::error::Error;
use crate::money::Money;
use crate::period::add_days;
use crate::proration::whole_unused_months;
use crate::status::Status;
use crate::term::Term;

impl Quoter<'_> {
    /// The quote for cancelling a membership on `date`: a refund of the unused part of what was
    pub(crate) fn quote_cancel(&self, cancel: &Cancellation) -> Result<Quote, Error> {
        let m = &cancel.membership;
        let plan = self.rules.plan_of(m)?;
        let currency = plan.prices.currency;
        let room = credit_room(&cancel.amount_paid, cancel.credits_applied.as_ref(), currency)?;
        let date = cancel.date;
        if date < m.term.start {
            return Err(QuoteError::DateOutsideTerm { date, term: m.term }.into());
        }
        let status = self.rules.status_on(m, date)?.status;
        if matches!(status, Status::Cancelled | Status::Deceased) {
            return Err(QuoteError::NotCancellable { status }.into());
        }
        let quotes = self.settings;
        let pricing = self.pricing();
        let zero = Money::zero(currency);
        let mut lines = Vec::new();
        let (effective, term, status_after) = match (quotes.cancel_at, m.term.end) {
            (CancelAt::TermEnd, Some(end)) => (add_days(end, 1)?, Some(m.term), status),
            _ => {
                let before = add_days(date, -1)?;
                let term = (date > m.term.start).then_some(Term { start: m.term.start, end: Some(before) });
                (date, term, Status::Cancelled)
            }
        };
        let unused = match (m.term.end, effective == date) {
            (Some(end), true) if date <= end => match quotes.refund {
                RefundPolicy::None => None,
                // The plan's own day count and denominator, through the one fraction rule.
                RefundPolicy::ProratedByDay => {
                    Some((plan.proration.by_day().fraction(date, m.term.start, end, span_periods(plan, m.term))?, end))
                }
                RefundPolicy::ProratedByMonth => Some((Some(whole_unused_months(date, m.term.start, end)?), end)),
            },
            _ => None,
        };
        let refund = match unused {
            Some((f, end)) => {
                let (part, _used) = match f {
                    Some(f) => f.split(&cancel.amount_paid, pricing.scale, pricing.rounding)?,
                    None => (cancel.amount_paid.round(pricing.rounding), zero),
                };
                let refund = min_money(part, room);
                let text = Description::refund(self.rules.name_of(plan), cancel.amount_paid, f);
                lines.push(line(LineKind::Refund, text, minus(refund), Some(Term { start: date, end: Some(end) }), f));
                refund
            }
            None => {
                let text = match (quotes.refund, m.term.end) {
                    (_, None) => "No refund: lifetime dues are not refunded",
                    (RefundPolicy::None, _) => "No refund: no refund under the policy",
                    _ => "No refund: nothing of the term is unused",
                };
                lines.push(line(LineKind::Refund, text, zero, None, None));
                zero
            }
        };
        if let Some(fee) = plan.prices.cancellation_fee.filter(|f| !f.is_zero()) {
            let fee = Money::new(fee, currency).round(pricing.rounding);
            let charged = min_money(fee, refund);
            let text = if charged == fee {
                Description::from("Cancellation fee")
            } else {
                Description::cancellation_fee_limited(fee)
            };
            lines.push(line(LineKind::CancellationFee, text, charged, None, None));
        }
        // Tax: the refund is a share of what was paid; the fee is a price.
        self.add_tax(&mut lines, m.tax_exempt, |l| match l.kind {
            LineKind::Refund => Some((plan, crate::tax::FeeKind::Dues, paid_on(plan))),
            k => fee_of(k).map(|f| (plan, f, crate::tax::TaxBasis::Price)),
        })?;
        let total = self.sum_lines(currency, &lines)?;
        Ok(Quote {
            kind: QuoteKind::Cancellation,
            plan: plan.id.clone(),
            effective,
            term,
            member_since: m.member_since,
            status_after,
            lines,
            total,
        })
    }
}
