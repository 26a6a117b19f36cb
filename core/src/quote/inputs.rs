//! What a change is quoted from: a [`PlanChange`], a [`SeatChange`] or a [`Cancellation`].

use serde::{Deserialize, Serialize};
use time::Date;

use crate::money::Money;
use crate::plan::PlanId;
use crate::status::Membership;
use crate::term::JoinDates;

/// Everything a join quote may be asked beyond its plan and date: the terms bought, seats (an
/// organisational plan), dependants (a household plan), the new member's tax exemption, and
/// staff-entered term dates. The default is one term and nothing else.
///
/// ```
/// let o = amscore::JoinOptions { dependants: Some(2), ..amscore::JoinOptions::default() };
/// assert_eq!((o.terms, o.seats, o.tax_exempt), (1, None, false));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct JoinOptions {
    /// Terms bought at once (1 or more).
    pub terms: u32,
    /// Seats, for organisational plans (default: the plan's included seats).
    pub seats: Option<u32>,
    /// Dependants besides the primary, for household plans.
    pub dependants: Option<u32>,
    /// The new member pays no tax.
    pub tax_exempt: bool,
    /// Staff-entered term dates (none by default).
    pub dates: JoinDates,
}

impl Default for JoinOptions {
    fn default() -> JoinOptions {
        JoinOptions { terms: 1, seats: None, dependants: None, tax_exempt: false, dates: JoinDates::default() }
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
    #[serde(with = "crate::period::date_text")]
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
    #[serde(with = "crate::period::date_text")]
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
    #[serde(with = "crate::period::date_text")]
    pub date: Date,
    /// What was actually paid for the current term: the refund's basis.
    pub amount_paid: Money,
    /// Credits or refunds already given against the current term (default none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credits_applied: Option<Money>,
}
