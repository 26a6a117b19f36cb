//! Pause quotes: what a pause inside the term gives back, the paused days at the term's end or a credit for them.

use serde::{Deserialize, Serialize};
use time::Date;

use super::error::QuoteError;
use super::lines::{Description, LineKind, Quote, QuoteKind};
use super::pricing::{credit_room, line, min_money, minus, span_periods};
use super::Quoter;
use crate::error::Error;
use crate::money::Money;
use crate::period::add_days;
use crate::plan::{PauseMode, Plan};
use crate::proration::{DayCount, Fraction, Granularity, ProrationUnit};
use crate::status::{Membership, Pause};
use crate::term::Term;

/// A pause to quote: the member's facts (with their [`Pause`]) and, for a credit, what was paid.
///
/// ```
/// let p: amscore::Pausing = serde_json::from_str(r#"{
///     "membership": {"member_id": "M-1", "plan": "individual", "member_since": "2025-01-01",
///                    "term": {"start": "2025-01-01", "end": "2025-12-31"},
///                    "pause": {"from": "2025-06-01", "to": "2025-06-30"}},
///     "amount_paid": {"amount": "200.00", "currency": "USD"}}"#)?;
/// assert_eq!(p.membership.pause.map(|p| p.days()), Some(30));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Pausing {
    /// The membership's facts; `membership.pause` is the pause quoted.
    pub membership: Membership,
    /// What was actually paid for the current term: a credit's basis (needed when the plan
    /// credits paused days; unused when it extends the term).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount_paid: Option<Money>,
    /// Credits already given against the current term (default none): a credit never takes
    /// more than what is left of the payment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credits_applied: Option<Money>,
}

/// The share of the term `[term.start, end]` that the paused days `[from, to]` are, by
/// `plan`'s proration rule for changes ([`Proration::for_changes`](crate::Proration::for_changes)):
/// its denominator ([`Proration::fraction`](crate::Proration::fraction) on the term's first day),
/// and as units, the paused days under the rule's day count (by day), or what the rule counts
/// from the pause's first day less what it counts from the day after the pause (by month,
/// quarter or half: the whole units the pause takes out). By day the count is direct rather than
/// a difference of two fractions, because a fraction is capped at the whole (a `days_365` or
/// `fixed` denominator shorter than the term) and a difference of capped counts would lose days.
///
/// # Errors
/// A date out of range.
pub(crate) fn paused_share(plan: &Plan, term: Term, end: Date, pause: Pause) -> Result<Fraction, Error> {
    let rule = plan.proration.for_changes();
    let periods = span_periods(plan, term);
    let count = |date: Date| -> Result<Option<Fraction>, Error> { Ok(rule.fraction(date, term.start, end, periods)?) };
    // `for_changes` always prorates (a plan without proration counts days), so these are `Some`.
    let nothing = Fraction::new(ProrationUnit::Day, 0, 1);
    let of = count(term.start)?.unwrap_or(nothing).of;
    let from = count(pause.from)?.unwrap_or(nothing);
    let units = match rule.granularity {
        Granularity::Day | Granularity::None => match rule.day_count {
            DayCount::Inclusive => pause.days(),
            // Half-open: the term's last day is not counted.
            DayCount::HalfOpen => (pause.to.min(add_days(end, -1)?) - pause.from).whole_days() + 1,
            // 30-day months: the paused days as the 30E/360 count reckons them.
            DayCount::Thirty360 => crate::proration::days_360(pause.from, add_days(pause.to.min(end), 1)?),
            // The partial month's actual days, then whole months: the rule's own share of the
            // paused span (its denominator is the span's months, never capped).
            DayCount::MonthsAndDays => {
                let share = rule.fraction_until(pause.from, pause.to, term.start, end, periods)?;
                return Ok(share.unwrap_or(nothing));
            }
        },
        Granularity::Month | Granularity::Quarter | Granularity::Half => {
            from.units - count(add_days(pause.to, 1)?)?.map_or(0, |f| f.units)
        }
    };
    Ok(Fraction::new(from.unit, units, of))
}

impl Quoter<'_> {
    /// The quote for a membership's pause ([`Engine::quote_pause`](crate::Engine::quote_pause)).
    pub(crate) fn quote_pause(&self, pausing: &Pausing) -> Result<Quote, Error> {
        let m = &pausing.membership;
        let plan = self.rules.plan_of(m)?;
        let pause = m.pause.ok_or(QuoteError::NoPause)?;
        let end = m.term.end.ok_or(QuoteError::LifetimeTerm)?;
        let currency = plan.prices.currency;
        let facts = m.facts();
        let term = facts.effective_term(plan).map_err(crate::LifecycleError::from)?;
        let status_after = self.rules.standing_on(plan, &facts, pause.from)?.flags.status;
        let days = pause.days();
        let lines = match plan.pause {
            PauseMode::Extend => {
                let new_end = term.end.unwrap_or(end);
                let text = Description::pause_extended(days, new_end, end);
                let extension = Term { start: add_days(end, 1)?, end: Some(new_end) };
                vec![line(LineKind::ScheduledChange, text, Money::zero(currency), Some(extension), None)]
            }
            PauseMode::Credit => {
                let paid = pausing.amount_paid.ok_or(QuoteError::PauseCreditNeedsPayment)?;
                let room = credit_room(&paid, pausing.credits_applied.as_ref(), currency)?;
                let share = paused_share(plan, m.term, end, pause)?;
                let credit = min_money(self.pricing().prorate(&paid, Some(share))?, room);
                let text = Description::pause_credit(days, self.rules.name_of(plan), paid, share);
                let paused = Term { start: pause.from, end: Some(pause.to) };
                vec![line(LineKind::Credit, text, minus(credit), Some(paused), Some(share))]
            }
        };
        let total = self.sum_lines(currency, &lines)?;
        Ok(Quote {
            kind: QuoteKind::Pause,
            plan: plan.id.clone(),
            effective: pause.from,
            term: Some(term),
            member_since: m.member_since,
            status_after,
            lines,
            total,
        })
    }
}
