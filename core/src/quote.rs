//! Quotes: what joining, renewing, reinstating, changing plan or seats, or cancelling costs on a
//! date, as line items that sum exactly to the total. Quoting never changes anything.
//!
//! # Conventions
//!
//! - **Money.** Every amount is in the plan's currency. Each line is rounded once, to the
//!   currency's minor unit, with the policy's named `settings.rounding` (default half away from
//!   zero; half-even is an option). The total is the exact sum of the rounded lines: no cent is
//!   created or lost. Proration fractions are exact (see [`crate::Proration`] for day counts,
//!   denominators, cutoffs and `settings.quotes.fraction_scale`).
//! - **Signs.** Charges are positive; credits, discounts and refunds are explicit negative lines.
//!   A line of zero is still shown (a credit of 0.00 when nothing was paid), never as `-0.00`.
//!   Credits are computed as positive amounts, rounded, then negated, so a credit rounds exactly
//!   like the charge it mirrors (this matters only for the directed modes `floor`/`ceiling`).
//! - **Join.** Calendar plans prorate the first period per the plan's `proration`; rolling and
//!   lifetime plans charge full dues (their term starts on the join date). A join on or after the
//!   rollover day pays per `proration.rollover_charge`. Extra terms bought at once are charged in
//!   full. The join fee is not prorated unless `proration.join_fee` says so. A minimum charge
//!   floors the prorated dues line but never exceeds the full dues.
//! - **Renewal.** Renewal price (or dues) × terms on the plan of the new term (the renew-to plan
//!   for progressions); a multi-term discount from `settings.quotes.multi_term_discounts` (the
//!   entry with the most terms not above the terms bought), as a negative line, rounded once; a
//!   late fee when renewing in grace; a reinstatement fee when lapsed. A reinstatement that
//!   restarts the term is prorated like a join only if `proration.reinstatements` is set. After
//!   the reinstatement window, the quote is a rejoin: a join quote, join fee included.
//! - **Plan change.** A change to a plan whose dues are at least the current plan's is an
//!   upgrade, effective on the change date: a credit for the unused part of the old plan (basis:
//!   what was actually paid for the term, capped at what is left after earlier credits) and a
//!   charge for the rest of the term on the new plan, each prorated with its own plan's rule (a
//!   plan with `granularity: none` is prorated by inclusive actual days for changes). The term's
//!   end stays, unless `settings.quotes.upgrade_restarts_term`. A downgrade is scheduled for the
//!   day after the term's end (a zero quote) unless `settings.quotes.downgrade` is `immediate`.
//!   A negative net is, per `settings.quotes.negative_net`, left as an account credit (the
//!   default), forfeited to zero, or converted into whole extra days on the new plan (the
//!   unconverted remainder is forfeited); either way by an explicit line.
//! - **Seats.** Dues cover the plan's included seats; each seat beyond costs `price_per_seat` per
//!   term. A seat change mid-term is prorated like a plan change; fewer seats give a credit at the
//!   list price, capped by what was paid when the request says so.
//! - **Cancellation.** Refund per `settings.quotes.refund`: `none`, `prorated_by_day` (inclusive
//!   actual days from the effective date to the term's end) or `prorated_by_month` (whole months
//!   that start on or after the effective date), minus the plan's `cancellation_fee`, never below
//!   zero; effective on the date (default) or at the term's end (`settings.quotes.cancel_at`).

use std::fmt::{self, Write as _};

use rust_decimal::Decimal;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use time::Date;

use crate::codes::error_codes;
use crate::error::Error;
use crate::money::{decimal_text, Currency, Money, Rounding};
use crate::period::{add_days, Offset};
use crate::plan::{Plan, PlanId};
use crate::proration::{split_even, RolloverCharge};
use crate::proration::{whole_unused_months, Fraction, Granularity, MinimumCharge, ProrationUnit, Remainder};
use crate::renewal::ReinstatementStart;
use crate::rules::Rulebook;
use crate::status::{MemberId, MemberStatus, Membership, RenewalKind, Status};
use crate::term::{Term, TermRule};

/// A quote that cannot be given as asked.
///
/// ```
/// use amscore::{ErrorCode, QuoteError};
/// assert_eq!(QuoteError::ZeroParts.code(), 2007);
/// assert_eq!(QuoteError::SeatsBelowMinimum { seats: 3, min: 5 }.to_string(), "3 seats is below the plan's minimum of 5");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum QuoteError {
    /// A plan change, seat change or cancellation dated outside the current term.
    #[error("date {date} is outside the current term {term}")]
    DateOutsideTerm {
        /// The date asked about.
        date: Date,
        /// The current term.
        term: Term,
    },
    /// A plan change between plans priced in different currencies; amscore never converts.
    #[error("cannot change from a {from} plan to a {to} plan")]
    CurrencyMismatch {
        /// The current plan's currency.
        from: Currency,
        /// The new plan's currency.
        to: Currency,
    },
    /// Fewer seats than the plan allows.
    #[error("{seats} seats is below the plan's minimum of {min}")]
    SeatsBelowMinimum {
        /// The seats asked for.
        seats: u32,
        /// The plan's minimum.
        min: u32,
    },
    /// More seats than the plan allows.
    #[error("{seats} seats is above the plan's maximum of {max}")]
    SeatsAboveMaximum {
        /// The seats asked for.
        seats: u32,
        /// The plan's maximum.
        max: u32,
    },
    /// Seats asked for on a plan that has none.
    #[error("plan `{plan}` has no seats")]
    NoSeats {
        /// The plan.
        plan: String,
    },
    /// An amount that must not be negative.
    #[error("{field}: {amount} must not be negative")]
    NegativeAmount {
        /// Which amount.
        field: String,
        /// The amount given.
        amount: String,
    },
    /// A split into zero parts (zero instalments, no weights).
    #[error("cannot split into zero parts")]
    ZeroParts,
    /// A split into more parts than amscore allows (1200).
    #[error("cannot split into {count} parts: at most 1200")]
    TooManyParts {
        /// The parts asked for.
        count: u32,
    },
    /// Earlier credits larger than what was paid for the term.
    #[error("credits already applied ({credits}) exceed the amount paid ({paid})")]
    CreditsExceedPaid {
        /// The earlier credits.
        credits: String,
        /// The amount paid.
        paid: String,
    },
    /// A plan change to the plan the member already has.
    #[error("the member is already on plan `{plan}`")]
    SamePlan {
        /// The plan.
        plan: String,
    },
    /// A plan or seat change on a lifetime term, which has no end to prorate against.
    #[error("a lifetime term has no end to prorate against")]
    LifetimeTerm,
    /// A payment in a currency other than the plan's.
    #[error("payment in {found} but the plan is priced in {expected}")]
    PaymentCurrency {
        /// The plan's currency.
        expected: Currency,
        /// The payment's currency.
        found: Currency,
    },
    /// A cancellation of a membership that is already cancelled or whose member has died.
    #[error("a {status} membership cannot be cancelled")]
    NotCancellable {
        /// The status on the date.
        status: Status,
    },
    /// A seat change to the number of seats the member already has.
    #[error("the membership already has {seats} seats")]
    SeatsUnchanged {
        /// The seats.
        seats: u32,
    },
}

error_codes!(QuoteError, "quote", QUOTE_ERRORS, {
    QuoteError::DateOutsideTerm { .. } => 2001, "change_date_outside_term";
    QuoteError::CurrencyMismatch { .. } => 2002, "plan_change_currency_mismatch";
    QuoteError::SeatsBelowMinimum { .. } => 2003, "seats_below_minimum";
    QuoteError::SeatsAboveMaximum { .. } => 2004, "seats_above_maximum";
    QuoteError::NoSeats { .. } => 2005, "plan_has_no_seats";
    QuoteError::NegativeAmount { .. } => 2006, "negative_amount";
    QuoteError::ZeroParts => 2007, "zero_parts";
    QuoteError::TooManyParts { .. } => 2008, "too_many_parts";
    QuoteError::CreditsExceedPaid { .. } => 2009, "credits_exceed_paid";
    QuoteError::SamePlan { .. } => 2010, "same_plan";
    QuoteError::LifetimeTerm => 2011, "lifetime_term_not_prorated";
    QuoteError::PaymentCurrency { .. } => 2012, "payment_currency_mismatch";
    QuoteError::NotCancellable { .. } => 2013, "not_cancellable";
    QuoteError::SeatsUnchanged { .. } => 2014, "seat_count_unchanged";
});

/// When a downgrade takes effect.
///
/// ```
/// let t: amscore::DowngradeTiming = serde_json::from_str(r#""immediate""#)?;
/// assert_eq!(t, amscore::DowngradeTiming::Immediate);
/// assert_eq!(amscore::DowngradeTiming::default(), amscore::DowngradeTiming::TermEnd);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum DowngradeTiming {
    /// The day after the current term ends; nothing is charged or credited now. The default.
    #[default]
    TermEnd,
    /// On the change date, prorated like an upgrade.
    Immediate,
}

/// What happens to a plan change's net credit (a negative total).
///
/// ```
/// let n: amscore::NegativeNet = serde_json::from_str(r#""extra_days""#)?;
/// assert_eq!(n, amscore::NegativeNet::ExtraDays);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum NegativeNet {
    /// The total stays negative: an account credit for the member. The default.
    #[default]
    AccountCredit,
    /// The credit is forfeited: a line brings the total to zero.
    Zero,
    /// The credit buys whole extra days on the new plan, at its daily price over the term; the
    /// term's end moves out and the total is zero.
    ExtraDays,
}

/// How a cancellation refunds.
///
/// ```
/// assert_eq!(amscore::RefundPolicy::default(), amscore::RefundPolicy::None);
/// let r: amscore::RefundPolicy = serde_json::from_str(r#""prorated_by_day""#)?;
/// assert_eq!(r, amscore::RefundPolicy::ProratedByDay);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum RefundPolicy {
    /// No refund. The default.
    #[default]
    None,
    /// The unused days (inclusive, actual days of the term).
    ProratedByDay,
    /// The whole unused months (months of the term that start on or after the effective date).
    ProratedByMonth,
}

/// When a cancellation takes effect.
///
/// ```
/// let c: amscore::CancelAt = serde_json::from_str(r#""term_end""#)?;
/// assert_eq!(c, amscore::CancelAt::TermEnd);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum CancelAt {
    /// On the cancellation date. The default.
    #[default]
    Date,
    /// The day after the term's end: nothing is unused, so nothing is refunded.
    TermEnd,
}

/// A discount for buying several terms at once.
///
/// ```
/// let d: amscore::MultiTermDiscount = serde_json::from_str(r#"{"terms": 3, "percent": "10"}"#)?;
/// assert_eq!(d.terms, 3);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MultiTermDiscount {
    /// The terms bought (at least 2).
    pub terms: u32,
    /// The percentage off the dues, above 0 and at most 100 (`"10"` for 10%).
    #[schemars(with = "crate::money::DecimalText")]
    #[serde(with = "decimal_text")]
    pub percent: Decimal,
}

/// Policy-wide quote settings, under `settings.quotes`. Rounding is `settings.rounding`.
///
/// ```
/// let s: amscore::QuoteSettings = serde_json::from_str(r#"{"refund": "prorated_by_month"}"#)?;
/// assert_eq!(s.refund, amscore::RefundPolicy::ProratedByMonth);
/// assert_eq!(s.fraction_scale, None);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct QuoteSettings {
    /// Quantize proration fractions to this many decimals (with `settings.rounding`) before
    /// multiplying, as some systems do. Default: exact fractions.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fraction_scale: Option<u32>,
    /// When a downgrade takes effect (default `term_end`).
    pub downgrade: DowngradeTiming,
    /// What a net credit becomes (default `account_credit`).
    pub negative_net: NegativeNet,
    /// Whether an upgrade starts a new term on the new plan instead of keeping the term's end.
    pub upgrade_restarts_term: bool,
    /// How cancellations refund (default `none`).
    pub refund: RefundPolicy,
    /// When cancellations take effect (default on the `date`).
    pub cancel_at: CancelAt,
    /// Discounts for buying several terms at once.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub multi_term_discounts: Vec<MultiTermDiscount>,
    /// Where the cents left over by an instalment split go (default the `last` instalment).
    pub instalment_remainder: Remainder,
}

/// What a quote is for.
///
/// ```
/// assert_eq!(serde_json::to_string(&amscore::QuoteKind::SeatChange)?, r#""seat_change""#);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum QuoteKind {
    /// A new member joins.
    Join,
    /// A current member renews.
    Renewal,
    /// A lapsed member reinstates.
    Reinstatement,
    /// A member past the reinstatement window joins again.
    Rejoin,
    /// A change to a plan at least as dear, effective now.
    Upgrade,
    /// A change to a cheaper plan.
    Downgrade,
    /// More or fewer seats on an organisational plan.
    SeatChange,
    /// The member cancels.
    Cancellation,
}

/// What a quote line is.
///
/// ```
/// assert_eq!(serde_json::to_string(&amscore::LineKind::CreditToDays)?, r#""credit_to_days""#);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LineKind {
    /// Membership dues (possibly prorated).
    Dues,
    /// Seats beyond those the dues include.
    Seats,
    /// The one-time join fee.
    JoinFee,
    /// The reinstatement fee.
    ReinstatementFee,
    /// The fee for renewing in grace.
    LateFee,
    /// A multi-term discount (negative).
    Discount,
    /// A credit for the unused part of what was paid (negative).
    Credit,
    /// A refund of the unused part of what was paid (negative).
    Refund,
    /// The cancellation fee (never more than the refund).
    CancellationFee,
    /// A net credit forfeited under the policy (positive, bringing the total to zero).
    ForfeitedCredit,
    /// A net credit converted into extra days on the new plan (positive, bringing the total to zero).
    CreditToDays,
    /// A scheduled change that costs nothing now (zero).
    ScheduledChange,
}

/// One line of a quote: what, how much, and the period it covers.
///
/// ```
/// use time::macros::date;
/// let q = amscore::Engine::from_preset("amscore")?.quote_join(&"individual".into(), date!(2025-03-10), 1, None)?;
/// assert_eq!(q.lines[1].kind, amscore::LineKind::JoinFee);
/// assert_eq!(q.lines[1].amount.to_string(), "25.00 USD");
/// assert_eq!(q.lines[1].period, None);
/// # Ok::<(), amscore::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuoteLine {
    /// What the line is.
    pub kind: LineKind,
    /// A sentence a person can read (`"Chapter dues, 6 of 12 months"`).
    pub description: String,
    /// The amount, rounded to the currency's minor unit; negative for credits.
    pub amount: Money,
    /// The days the line pays for, if it pays for days.
    pub period: Option<Term>,
    /// The proration fraction applied, if the amount was prorated.
    pub proration: Option<Fraction>,
}

/// The answer to "what happens, and what does it cost, if this member does X on date D".
///
/// In JSON the currency is written once and amounts are decimal strings:
/// `{"kind": "join", ..., "currency": "USD", "lines": [{"kind": "dues", "amount": "100.00", ...}], "total": "100.00"}`.
///
/// ```
/// use time::macros::date;
/// let engine = amscore::Engine::from_preset("amscore")?;
/// let q = engine.quote_join(&"individual".into(), date!(2025-03-10), 1, None)?;
/// assert_eq!(q.total.to_string(), "225.00 USD"); // 200.00 dues + 25.00 join fee
/// assert_eq!(q.lines.len(), 2);
/// # Ok::<(), amscore::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quote {
    /// What the quote is for.
    pub kind: QuoteKind,
    /// The plan after the action.
    pub plan: PlanId,
    /// When the action takes effect.
    pub effective: Date,
    /// The term after the action (`None` when a cancellation leaves no paid day).
    pub term: Option<Term>,
    /// Member-since after the action.
    pub member_since: Date,
    /// The status on the quote's date once the action is done and paid.
    pub status_after: Status,
    /// The line items, in order.
    pub lines: Vec<QuoteLine>,
    /// The exact sum of the lines: positive to pay, negative to credit or refund.
    pub total: Money,
}

impl Quote {
    /// The quote's currency.
    pub fn currency(&self) -> Currency {
        self.total.currency()
    }

    /// The sum of the lines (always equal to `total`; exposed so callers can check).
    ///
    /// # Errors
    /// [`crate::MoneyError::Overflow`].
    pub fn sum_of_lines(&self) -> Result<Money, crate::MoneyError> {
        self.lines.iter().try_fold(Money::zero(self.currency()), |acc, l| acc.checked_add(&l.amount))
    }
}

impl fmt::Display for Quote {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for l in &self.lines {
            writeln!(f, "{:>14}  {}", l.amount.to_string(), l.description)?;
        }
        write!(f, "{:>14}  total", self.total.to_string())
    }
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct LineDoc {
    kind: LineKind,
    description: String,
    #[serde(with = "decimal_text")]
    amount: Decimal,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    period: Option<Term>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    proration: Option<Fraction>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct QuoteDoc {
    kind: QuoteKind,
    plan: PlanId,
    effective: Date,
    term: Option<Term>,
    member_since: Date,
    status_after: Status,
    currency: Currency,
    lines: Vec<LineDoc>,
    #[serde(with = "decimal_text")]
    total: Decimal,
}

impl Serialize for Quote {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        QuoteDoc {
            kind: self.kind,
            plan: self.plan.clone(),
            effective: self.effective,
            term: self.term,
            member_since: self.member_since,
            status_after: self.status_after,
            currency: self.currency(),
            lines: self
                .lines
                .iter()
                .map(|l| LineDoc {
                    kind: l.kind,
                    description: l.description.clone(),
                    amount: l.amount.amount(),
                    period: l.period,
                    proration: l.proration,
                })
                .collect(),
            total: self.total.amount(),
        }
        .serialize(s)
    }
}

impl<'de> Deserialize<'de> for Quote {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let doc = QuoteDoc::deserialize(d)?;
        let c = doc.currency;
        Ok(Quote {
            kind: doc.kind,
            plan: doc.plan,
            effective: doc.effective,
            term: doc.term,
            member_since: doc.member_since,
            status_after: doc.status_after,
            lines: doc
                .lines
                .into_iter()
                .map(|l| QuoteLine {
                    kind: l.kind,
                    description: l.description,
                    amount: Money::new(l.amount, c),
                    period: l.period,
                    proration: l.proration,
                })
                .collect(),
            total: Money::new(doc.total, c),
        })
    }
}

/// A plan change to quote: the member's facts, the new plan, the change date and what was paid.
///
/// ```
/// let c: amscore::PlanChange = serde_json::from_str(r#"{
///     "membership": {"member_id": "M-1", "plan": "individual", "member_since": "2025-01-01",
///                    "term": {"start": "2025-01-01", "end": "2025-12-31"}},
///     "plan": "retired", "date": "2025-07-01", "amount_paid": {"amount": "180.00", "currency": "USD"}}"#)?;
/// assert_eq!(c.credits_applied, None);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanChange {
    /// The membership's facts (current plan and term).
    pub membership: Membership,
    /// The plan to change to.
    pub plan: PlanId,
    /// The change date (inside the current term).
    pub date: Date,
    /// What was actually paid for the current term: the credit's basis.
    pub amount_paid: Money,
    /// Credits already given against the current term (default none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credits_applied: Option<Money>,
    /// Seats on the new plan, for organisational plans (default: its included seats).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seats: Option<u32>,
}

/// A seat-count change to quote on an organisational plan.
///
/// ```
/// let c: amscore::SeatChange = serde_json::from_str(r#"{
///     "membership": {"member_id": "O-1", "plan": "corporate", "member_since": "2025-01-01",
///                    "term": {"start": "2025-01-01", "end": "2025-12-31"}},
///     "date": "2025-07-01", "seats_from": 10, "seats_to": 12}"#)?;
/// assert_eq!(c.amount_paid, None);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeatChange {
    /// The membership's facts.
    pub membership: Membership,
    /// The change date (inside the current term).
    pub date: Date,
    /// The seats the membership has now.
    pub seats_from: u32,
    /// The seats after the change.
    pub seats_to: u32,
    /// What was paid for the term, to cap a credit for fewer seats (optional).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount_paid: Option<Money>,
    /// Credits already given against the current term (default none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credits_applied: Option<Money>,
}

/// A cancellation to quote.
///
/// ```
/// let c: amscore::Cancellation = serde_json::from_str(r#"{
///     "membership": {"member_id": "M-1", "plan": "individual", "member_since": "2025-01-01",
///                    "term": {"start": "2025-01-01", "end": "2025-12-31"}},
///     "date": "2025-03-01", "amount_paid": {"amount": "120.00", "currency": "USD"}}"#)?;
/// assert_eq!(c.amount_paid.to_string(), "120.00 USD");
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Cancellation {
    /// The membership's facts.
    pub membership: Membership,
    /// The cancellation date.
    pub date: Date,
    /// What was actually paid for the current term: the refund's basis.
    pub amount_paid: Money,
    /// Credits or refunds already given against the current term (default none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credits_applied: Option<Money>,
}

/// The money rules of one engine, bundled for the quote arithmetic.
struct Pricing {
    rounding: Rounding,
    scale: Option<u32>,
}

impl Pricing {
    fn prorate(&self, amount: &Money, f: Option<Fraction>) -> Result<Money, Error> {
        Ok(match f {
            Some(f) => f.apply(amount, self.scale, self.rounding)?,
            None => amount.round(self.rounding),
        })
    }
}

fn line(kind: LineKind, description: String, amount: Money, period: Option<Term>, f: Option<Fraction>) -> QuoteLine {
    QuoteLine { kind, description, amount, period, proration: f }
}

/// A line's description, written into one string: `head`, then ` × N terms` for more than one
/// term, then `, 7 of 12 months` for a prorated (not whole) fraction. (Formatting the pieces
/// separately and joining them was a third of a join quote: benches/README.md.)
fn description(head: fmt::Arguments<'_>, terms: u32, f: Option<&Fraction>) -> String {
    let mut text = String::with_capacity(64);
    // Writing into a String cannot fail.
    let _ = text.write_fmt(head);
    if terms > 1 {
        let _ = write!(text, " × {terms} terms");
    }
    if let Some(f) = f.filter(|f| !f.is_whole()) {
        let unit = match (f.unit, f.of == 1) {
            (ProrationUnit::Day, true) => "day",
            (ProrationUnit::Day, false) => "days",
            (ProrationUnit::Month, true) => "month",
            (ProrationUnit::Month, false) => "months",
            (ProrationUnit::Quarter, true) => "quarter",
            (ProrationUnit::Quarter, false) => "quarters",
            (ProrationUnit::Half, true) => "half",
            (ProrationUnit::Half, false) => "halves",
        };
        let _ = write!(text, ", {} of {} {unit}", f.units, f.of);
    }
    text
}

/// The extra seats beyond the included ones and their price for one term, checking the limits.
fn seat_extra(plan: &Plan, seats: Option<u32>) -> Result<Option<(u32, Money)>, Error> {
    let Some(cfg) = &plan.seats else {
        return match seats {
            Some(_) => Err(QuoteError::NoSeats { plan: plan.id.to_string() }.into()),
            None => Ok(None),
        };
    };
    let Some(n) = seats else {
        return Ok(None);
    };
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

/// Checks a payment: the plan's currency, not negative, exact in minor units.
fn check_money(field: &str, m: &Money, expected: Currency) -> Result<(), Error> {
    if m.currency() != expected {
        return Err(QuoteError::PaymentCurrency { expected, found: m.currency() }.into());
    }
    if m.is_negative() {
        return Err(QuoteError::NegativeAmount { field: field.to_owned(), amount: m.amount().to_string() }.into());
    }
    m.to_minor_units()?;
    Ok(())
}

/// What is left of a payment for crediting: paid minus earlier credits, checked.
fn credit_room(paid: &Money, credits: Option<&Money>, currency: Currency) -> Result<Money, Error> {
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
fn minus(m: Money) -> Money {
    if m.is_zero() {
        Money::zero(m.currency())
    } else {
        m.negated()
    }
}

fn min_money(a: Money, b: Money) -> Money {
    if b.amount() < a.amount() {
        b
    } else {
        a
    }
}

/// The number of calendar periods a span covers, for per-period denominators.
fn span_periods(plan: &Plan, term: Term) -> u32 {
    let days = term.days().unwrap_or(1);
    match plan.term {
        TermRule::Calendar { period: crate::term::CalendarPeriod::Month, .. } => {
            u32::try_from((days + 15) / 30).unwrap_or(1).max(1)
        }
        _ => u32::try_from((days + 182) / 365).unwrap_or(1).max(1),
    }
}

/// What quotes read: the core rules and the policy's `settings.quotes`. Every quote is a method
/// of this context; [`Engine`](crate::Engine)'s quote methods ask it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Quoter<'a> {
    pub(crate) rules: &'a Rulebook,
    pub(crate) settings: &'a QuoteSettings,
}

impl Quoter<'_> {
    fn plan(&self, id: &PlanId) -> Result<&Plan, Error> {
        Ok(self.rules.plan(id)?)
    }

    fn pricing(&self) -> Pricing {
        Pricing { rounding: self.rules.rounding(), scale: self.settings.fraction_scale }
    }

    fn sum_lines(&self, currency: Currency, lines: &[QuoteLine]) -> Result<Money, Error> {
        Ok(lines.iter().try_fold(Money::zero(currency), |acc, l| acc.checked_add(&l.amount))?)
    }

    fn status_after(&self, m: &Membership, plan: &PlanId, term: Term, member_since: Date, date: Date) -> Status {
        let after = Membership {
            member_id: m.member_id.clone(),
            plan: plan.clone(),
            member_since,
            term,
            pending: false,
            cancelled_on: None,
            status_override: m.status_override.clone(),
            deceased_on: None,
        };
        self.rules.status_on(&after, date.max(member_since)).map_or(Status::Active, |s| s.status)
    }

    /// Dues lines (and seat lines) for a first term on `plan` starting at `date`, prorated per the
    /// plan's rule when `prorate` is true. Returns the term, whether it rolled over, and the lines.
    fn first_term_lines(
        &self,
        plan: &Plan,
        date: Date,
        terms: u32,
        seats: Option<u32>,
        price: Money,
        prorate: bool,
    ) -> Result<(crate::term::JoinTerm, Vec<QuoteLine>, Option<Fraction>), Error> {
        let pricing = self.pricing();
        let rules = self.rules.date_rules();
        let jt = self.rules.join_terms(&plan.id, date, terms)?;
        let extra = seat_extra(plan, seats)?;
        let rule = &plan.proration;
        let mut lines = Vec::new();
        let push = |f: Option<Fraction>, count: u32, period: Term, lines: &mut Vec<QuoteLine>| -> Result<(), Error> {
            let full = price.checked_mul(Decimal::from(count))?;
            let mut amount = pricing.prorate(&full, f)?;
            let mut text = description(format_args!("{} dues", plan.name), count, f.as_ref());
            if let (Some(min), true) = (rule.minimum, f.is_some_and(|fr| !fr.is_whole())) {
                let floor = match min {
                    MinimumCharge::MinorUnit => Money::from_minor_units(1, full.currency()),
                    MinimumCharge::Amount(a) => Money::new(a, full.currency()).round(pricing.rounding),
                };
                let floor = min_money(floor, full.round(pricing.rounding));
                if amount.amount() < floor.amount() {
                    amount = floor;
                    text.push_str(" (minimum charge)");
                }
            }
            lines.push(line(LineKind::Dues, text, amount, Some(period), f.filter(|fr| !fr.is_whole())));
            if let Some((n, per_term)) = extra {
                let full = per_term.checked_mul(Decimal::from(count))?;
                let amount = pricing.prorate(&full, f)?;
                let text = description(format_args!("{n} extra seats"), count, f.as_ref());
                lines.push(line(LineKind::Seats, text, amount, Some(period), f.filter(|fr| !fr.is_whole())));
            }
            Ok(())
        };
        let mut used = None;
        match &plan.term {
            TermRule::Calendar { .. } if prorate && rule.granularity != Granularity::None => {
                let period_start = plan.term.period_start(date)?;
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
                    push(None, terms, Term { start: date.max(jt.term.start), end: Some(term_end) }, &mut lines)?;
                } else {
                    let f = rule.fraction(date, period_start, first_end, plan.term.periods_per_term())?;
                    used = f;
                    push(f, 1, covered, &mut lines)?;
                    let more = terms - 1 + u32::from(jt.rolled_over);
                    if more > 0 {
                        push(None, more, rest(add_days(first_end, 1)?), &mut lines)?;
                    }
                }
            }
            _ => push(None, terms, jt.term, &mut lines)?,
        }
        Ok((jt, lines, used))
    }

    /// The quote for a new member joining `plan` on `date`, buying `terms` terms (and, for
    pub(crate) fn quote_join(&self, plan: &PlanId, date: Date, terms: u32, seats: Option<u32>) -> Result<Quote, Error> {
        self.join_quote(plan, date, terms, seats, QuoteKind::Join, None)
    }

    fn join_quote(
        &self,
        plan_id: &PlanId,
        date: Date,
        terms: u32,
        seats: Option<u32>,
        kind: QuoteKind,
        facts: Option<&Membership>,
    ) -> Result<Quote, Error> {
        let plan = self.plan(plan_id)?;
        let pricing = self.pricing();
        let (jt, mut lines, f) = self.first_term_lines(plan, date, terms, seats, plan.prices.join_dues(), true)?;
        if let Some(fee) = plan.prices.join_fee {
            let fee = Money::new(fee, plan.prices.currency);
            let f = f.filter(|_| plan.proration.join_fee);
            let amount = pricing.prorate(&fee, f)?;
            lines.push(line(LineKind::JoinFee, description(format_args!("Join fee"), 1, f.as_ref()), amount, None, f));
        }
        let total = self.sum_lines(plan.prices.currency, &lines)?;
        let blank = Membership {
            member_id: MemberId(String::new()),
            plan: plan.id.clone(),
            member_since: date,
            term: jt.term,
            pending: false,
            cancelled_on: None,
            status_override: None,
            deceased_on: None,
        };
        let m = facts.unwrap_or(&blank);
        Ok(Quote {
            kind,
            plan: plan.id.clone(),
            effective: date,
            term: Some(jt.term),
            member_since: date,
            status_after: self.status_after(m, &plan.id, jt.term, date, date),
            lines,
            total,
        })
    }

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

    /// Turns a negative total into what the policy says: an account credit (left as is), a
    /// forfeit line, or extra days on the plan (moving the term's end).
    fn settle_negative(
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
                lines.push(line(
                    LineKind::ForfeitedCredit,
                    format!("Credit of {credit} forfeited"),
                    credit,
                    None,
                    None,
                ));
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
                let text = format!("Credit of {credit} converted into {days} extra days on {}", plan.name);
                lines.push(line(LineKind::CreditToDays, text, credit, period, None));
            }
        }
        Ok(())
    }

    /// The quote for changing a membership to another plan on `date`: an upgrade now (credit
    pub(crate) fn quote_change_plan(&self, change: &PlanChange) -> Result<Quote, Error> {
        let m = &change.membership;
        m.check()?;
        let old = self.plan(&m.plan)?;
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
                status_after: self.status_after(m, &m.plan, m.term, m.member_since, date),
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
            let (jt, charge, _) = self.first_term_lines(new, date, 1, change.seats, new.prices.join_dues(), true)?;
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
        self.settle_negative(new, change.seats, &mut term, &mut lines)?;
        let total = self.sum_lines(new.prices.currency, &lines)?;
        Ok(Quote {
            kind: if upgrade { QuoteKind::Upgrade } else { QuoteKind::Downgrade },
            plan: new.id.clone(),
            effective: date,
            term: Some(term),
            member_since: m.member_since,
            status_after: self.status_after(m, &new.id, term, m.member_since, date),
            lines,
            total,
        })
    }

    /// The quote for changing the seat count of an organisational membership on `date`: the
    pub(crate) fn quote_change_seats(&self, change: &SeatChange) -> Result<Quote, Error> {
        let m = &change.membership;
        m.check()?;
        let plan = self.plan(&m.plan)?;
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
            let text = description(format_args!("Seats {from} → {to}: unused seats"), 1, f.as_ref());
            lines.push(line(LineKind::Credit, text, minus(credit), Some(rest), f));
        } else {
            let amount = pricing.prorate(&delta, f)?;
            let text = description(format_args!("Seats {from} → {to}"), 1, f.as_ref());
            lines.push(line(LineKind::Seats, text, amount, Some(rest), f));
        }
        let mut term = m.term;
        self.settle_negative(plan, Some(to), &mut term, &mut lines)?;
        let total = self.sum_lines(currency, &lines)?;
        Ok(Quote {
            kind: QuoteKind::SeatChange,
            plan: plan.id.clone(),
            effective: change.date,
            term: Some(term),
            member_since: m.member_since,
            status_after: self.status_after(m, &plan.id, term, m.member_since, change.date),
            lines,
            total,
        })
    }

    /// The quote for cancelling a membership on `date`: a refund of the unused part of what was
    pub(crate) fn quote_cancel(&self, cancel: &Cancellation) -> Result<Quote, Error> {
        let m = &cancel.membership;
        let plan = self.plan(&m.plan)?;
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
                RefundPolicy::ProratedByDay => Some((
                    crate::proration::Proration::default().for_changes().fraction(date, m.term.start, end, 1)?,
                    end,
                )),
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
                let text = description(
                    format_args!("Refund of unused {} (paid {})", plan.name, cancel.amount_paid),
                    1,
                    f.as_ref(),
                );
                lines.push(line(LineKind::Refund, text, minus(refund), Some(Term { start: date, end: Some(end) }), f));
                refund
            }
            None => {
                let why = match (quotes.refund, m.term.end) {
                    (_, None) => "lifetime dues are not refunded",
                    (RefundPolicy::None, _) => "no refund under the policy",
                    _ => "nothing of the term is unused",
                };
                lines.push(line(LineKind::Refund, format!("No refund: {why}"), zero, None, None));
                zero
            }
        };
        if let Some(fee) = plan.prices.cancellation_fee.filter(|f| !f.is_zero()) {
            let fee = Money::new(fee, currency).round(pricing.rounding);
            let charged = min_money(fee, refund);
            let text = if charged == fee {
                "Cancellation fee".to_owned()
            } else {
                format!("Cancellation fee of {fee}, limited to the refund")
            };
            lines.push(line(LineKind::CancellationFee, text, charged, None, None));
        }
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

    /// Splits a total into `count` instalments that sum to it exactly; the remainder cents go
    pub(crate) fn split_instalments(&self, total: &Money, count: u32) -> Result<Vec<Money>, Error> {
        split_even(total, count, self.settings.instalment_remainder)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Engine;
    use time::macros::date;

    fn engine(settings: &str, plans: &str) -> Engine {
        let text = format!(r#"{{"version": 1, "settings": {settings}, "plans": [{plans}]}}"#);
        Engine::from_json(&text).unwrap_or_else(|e| panic!("{e}"))
    }

    fn calendar(id: &str, dues: &str) -> String {
        format!(
            r#"{{"id": "{id}", "name": "{id}", "term": {{"kind": "calendar", "period": "year"}},
                "prices": {{"currency": "USD", "dues": "{dues}"}}, "proration": {{"granularity": "month"}}}}"#
        )
    }

    fn member(plan: &str) -> Membership {
        Membership {
            member_id: "M".into(),
            plan: plan.into(),
            member_since: date!(2025 - 01 - 01),
            term: Term { start: date!(2025 - 01 - 01), end: Some(date!(2025 - 12 - 31)) },
            pending: false,
            cancelled_on: None,
            status_override: None,
            deceased_on: None,
        }
    }

    fn usd(text: &str) -> Money {
        Money::parse(text, Currency::USD).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn the_issue_examples_hold() {
        let e = engine("{}", &format!("{}, {}", calendar("a", "200.00"), calendar("b", "120.00")));
        let q = e.quote_join(&"a".into(), date!(2025 - 07 - 15), 1, None).map(|q| q.total);
        assert_eq!(q, Ok(usd("100.00")));
        let q = e.quote_join(&"b".into(), date!(2025 - 06 - 10), 1, None).map(|q| q.total);
        assert_eq!(q, Ok(usd("70.00")));
        let e = engine(r#"{"quotes": {"refund": "prorated_by_month"}}"#, &calendar("b", "120.00"));
        let c = Cancellation {
            membership: member("b"),
            date: date!(2025 - 03 - 01),
            amount_paid: usd("120.00"),
            credits_applied: None,
        };
        assert_eq!(e.quote_cancel(&c).map(|q| q.total), Ok(usd("-100.00")));
    }

    #[test]
    fn a_zero_credit_is_never_negative_zero() {
        let e = engine("{}", &format!("{}, {}", calendar("a", "100.00"), calendar("b", "200.00")));
        let change = PlanChange {
            membership: member("a"),
            plan: "b".into(),
            date: date!(2025 - 07 - 01),
            amount_paid: usd("0.00"),
            credits_applied: None,
            seats: None,
        };
        let q = e.quote_change_plan(&change).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(q.lines[0].amount.amount().to_string(), "0.00");
        assert!(!q.lines[0].amount.amount().is_sign_negative());
    }

    #[test]
    fn extra_days_are_whole_days_at_the_new_plans_daily_price() {
        let settings = r#"{"quotes": {"downgrade": "immediate", "negative_net": "extra_days"}}"#;
        let e = engine(settings, &format!("{}, {}", calendar("big", "365.00"), calendar("small", "100.00")));
        let change = PlanChange {
            membership: member("big"),
            plan: "small".into(),
            date: date!(2025 - 12 - 01),
            amount_paid: usd("365.00"),
            credits_applied: None,
            seats: None,
        };
        let q = e.quote_change_plan(&change).unwrap_or_else(|e| panic!("{e}"));
        // Credit 1/12 of 365.00 = 30.42, charge 1/12 of 100.00 = 8.33: net 22.09, which buys
        // floor(22.09 × 365 / 100) = 80 days.
        assert_eq!(
            q.lines.iter().map(|l| l.amount.amount().to_string()).collect::<Vec<_>>(),
            ["-30.42", "8.33", "22.09"]
        );
        assert_eq!(q.total, usd("0.00"));
        assert_eq!(q.term.and_then(|t| t.end), Some(date!(2026 - 03 - 21)));
    }

    #[test]
    fn every_quote_error_has_a_code_in_the_quote_block() {
        for e in QUOTE_ERRORS {
            assert!((2000..2100).contains(&e.code), "{e:?}");
        }
    }
}
