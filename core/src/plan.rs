//! Plans (membership types): the term rule, prices, windows, flags and seats a member buys.

use std::fmt;
use std::sync::Arc;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::money::{decimal_text, opt_decimal_text, Currency, Money};
use crate::period::Length;
use crate::policy_error::Range;
use crate::proration::Proration;
use crate::tax::PlanTax;
use crate::term::TermRule;

/// The most terms a plan may sell at once (`max_terms`, and a multi-term discount's `terms`).
pub const MAX_TERMS: u32 = 100;

/// The most seats an organisational plan may have (`seats.min`, `seats.max`, `seats.included`,
/// and the seats of any request).
pub const MAX_SEATS: u32 = 100_000;

/// `max_terms`: 1 to [`MAX_TERMS`].
pub(crate) const TERMS: Range<u32> = Range::new(1, MAX_TERMS);

/// `seats.min`, `seats.max`, `seats.included`: 0 to [`MAX_SEATS`].
pub(crate) const SEATS: Range<u32> = Range::new(0, MAX_SEATS);

/// The most dependants a household plan may hold (`household.max_dependants`,
/// `household.included_dependants`, and the dependants of any request).
pub const MAX_DEPENDANTS: u32 = 50;

/// `household.max_dependants`: 1 to [`MAX_DEPENDANTS`].
pub(crate) const DEPENDANTS: Range<u32> = Range::new(1, MAX_DEPENDANTS);

/// `household.included_dependants`: 0 to [`MAX_DEPENDANTS`] (and at most `max_dependants`).
pub(crate) const INCLUDED_DEPENDANTS: Range<u32> = Range::new(0, MAX_DEPENDANTS);

/// `windows.renewal_opens_days`: 0 to 3660 days (ten years).
pub(crate) const RENEWAL_OPENS_DAYS: Range<u32> = Range::new(0, 3660);

// Every quote stays exact in i64 minor units: at most MAX_TERMS + 1 terms (a join that rolls
// over into the next period adds one) of dues and MAX_SEATS priced seats, plus a handful of fees
// and credits, each at most Money::MAX_MINOR_UNITS.
const _: () = assert!(
    (MAX_TERMS as i128 + 1) * (MAX_SEATS as i128 + 1) * (Money::MAX_MINOR_UNITS as i128)
        + 8 * (Money::MAX_MINOR_UNITS as i128)
        <= i64::MAX as i128
);

/// A plan's identifier, as the association writes it (`"individual"`, `"student-y1"`).
///
/// ```
/// let id = amscore::PlanId::from("individual");
/// assert_eq!(id.as_str(), "individual");
/// ```
// The text is shared, not copied, when an id is cloned: a roster's every term names its plan
// with a clone of the rule book's id, so that a million terms cost no million strings. (A plain
// comment: the doc comment above is also the policy schema's description.)
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, schemars::JsonSchema)]
#[schemars(transparent)]
pub struct PlanId(Arc<str>);

/// Written as the id's text, as a `String` would be.
impl Serialize for PlanId {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

/// Read from a string, as a `String` would be.
impl<'de> Deserialize<'de> for PlanId {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<PlanId, D::Error> {
        String::deserialize(d).map(PlanId::from)
    }
}

impl PlanId {
    /// The identifier as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::borrow::Borrow<str> for PlanId {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl From<&str> for PlanId {
    fn from(s: &str) -> PlanId {
        PlanId(Arc::from(s))
    }
}

impl From<String> for PlanId {
    fn from(s: String) -> PlanId {
        PlanId(Arc::from(s))
    }
}

impl fmt::Display for PlanId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// What a plan costs, in one currency. Amounts are exact decimals written as strings, from 0 to
/// [`Money::max_amount`] (10^11 minor units: 1,000,000,000.00 USD), in the currency's minor units.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Prices {
    /// The plan's currency; every amount below is in it.
    pub currency: Currency,
    /// Dues for one term.
    #[schemars(with = "crate::money::DecimalText")]
    #[serde(with = "decimal_text")]
    pub dues: Decimal,
    /// Dues for one renewal term, if different from `dues`.
    #[schemars(with = "Option<crate::money::DecimalText>")]
    #[serde(default, with = "opt_decimal_text", skip_serializing_if = "Option::is_none")]
    pub renewal: Option<Decimal>,
    /// A one-time join (admin) fee charged on joining and rejoining.
    #[schemars(with = "Option<crate::money::DecimalText>")]
    #[serde(default, with = "opt_decimal_text", skip_serializing_if = "Option::is_none")]
    pub join_fee: Option<Decimal>,
    /// A fee charged on reinstatement (renewing while lapsed).
    #[schemars(with = "Option<crate::money::DecimalText>")]
    #[serde(default, with = "opt_decimal_text", skip_serializing_if = "Option::is_none")]
    pub reinstatement_fee: Option<Decimal>,
    /// A fee charged on renewing during grace.
    #[schemars(with = "Option<crate::money::DecimalText>")]
    #[serde(default, with = "opt_decimal_text", skip_serializing_if = "Option::is_none")]
    pub late_fee: Option<Decimal>,
    /// A fee kept from a cancellation refund (never more than the refund).
    #[schemars(with = "Option<crate::money::DecimalText>")]
    #[serde(default, with = "opt_decimal_text", skip_serializing_if = "Option::is_none")]
    pub cancellation_fee: Option<Decimal>,
}

impl Prices {
    /// Dues for one term on joining.
    pub fn join_dues(&self) -> Money {
        Money::new(self.dues, self.currency)
    }

    /// Dues for one renewal term (the renewal price, or the dues).
    pub fn renewal_dues(&self) -> Money {
        Money::new(self.renewal.unwrap_or(self.dues), self.currency)
    }

    /// A fee as money, zero when the plan has none.
    pub fn fee(&self, fee: Option<Decimal>) -> Money {
        fee.map_or_else(|| Money::zero(self.currency), |f| Money::new(f, self.currency))
    }
}

/// The windows around a term's end: when renewal opens, how long grace lasts, how long a
/// lapsed member may still reinstate.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct Windows {
    /// Renewal opens this many days before the term's end, 0 to 3660; `None` means renewal is
    /// always open.
    #[schemars(range(min = RENEWAL_OPENS_DAYS.min, max = RENEWAL_OPENS_DAYS.max))]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub renewal_opens_days: Option<u32>,
    /// Grace after the term's end (still treated as a member), a count of 0 to 1200. `None`
    /// means no grace.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub grace: Option<Length>,
    /// After grace, how long a lapsed member may reinstate before having to rejoin, a count of 0
    /// to 1200. `None` means no reinstatement window.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reinstatement: Option<Length>,
    /// Renewal closes this many days after the term's end, 0 to 3660, counted from the end even
    /// when that falls inside grace (Tendenci's `renewal_period_end`): the reinstatement window
    /// ends there, or at the grace end, as `settings.renewal_close` says. Not with
    /// `reinstatement`.
    #[schemars(range(min = RENEWAL_OPENS_DAYS.min, max = RENEWAL_OPENS_DAYS.max))]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub renewal_closes_days: Option<u32>,
}

/// Who may do what with a plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct Flags {
    /// The website may sell this plan to new members.
    pub sold_online: bool,
    /// Members may renew this plan online.
    pub renewable_online: bool,
    /// Joining needs staff approval (credentials, proof of student status).
    pub join_needs_approval: bool,
    /// Renewing needs staff approval.
    pub renewal_needs_approval: bool,
    /// Only staff may sell or change this plan.
    pub staff_only: bool,
    /// The plan cannot be joined, only renewed (a grandfathered or progression plan).
    pub renewal_only: bool,
}

impl Default for Flags {
    fn default() -> Flags {
        Flags {
            sold_online: true,
            renewable_online: true,
            join_needs_approval: false,
            renewal_needs_approval: false,
            staff_only: false,
            renewal_only: false,
        }
    }
}

/// Seats on an organisational plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Seats {
    /// The fewest seats the plan may be bought with, 0 to [`MAX_SEATS`].
    #[schemars(range(min = SEATS.min, max = SEATS.max))]
    #[serde(default)]
    pub min: u32,
    /// The most seats, if capped (at most [`MAX_SEATS`] either way).
    #[schemars(range(min = SEATS.min, max = SEATS.max))]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<u32>,
    /// Seats included in the dues, 0 to [`MAX_SEATS`].
    #[schemars(range(min = SEATS.min, max = SEATS.max))]
    #[serde(default)]
    pub included: u32,
    /// The price of each seat beyond the included ones, per term.
    #[schemars(with = "Option<crate::money::DecimalText>")]
    #[serde(default, with = "opt_decimal_text", skip_serializing_if = "Option::is_none")]
    pub price_per_seat: Option<Decimal>,
}

/// A household (family) plan: one primary member buys the membership; dependants share its term
/// and status (docs/households.md).
///
/// ```
/// let h: amscore::Household = serde_json::from_str(
///     r#"{"max_dependants": 4, "included_dependants": 1, "price_per_dependant": "25.00"}"#)?;
/// assert_eq!((h.max_dependants, h.included_dependants), (4, 1));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Household {
    /// The most dependants one primary may hold, 1 to [`MAX_DEPENDANTS`]. Adding one beyond it
    /// online goes to staff (`dependant_cap_reached`); a roster's dependants beyond it are row errors.
    #[schemars(range(min = DEPENDANTS.min, max = DEPENDANTS.max))]
    pub max_dependants: u32,
    /// Dependants the dues include, 0 to `max_dependants` (default 0).
    #[schemars(range(min = INCLUDED_DEPENDANTS.min, max = INCLUDED_DEPENDANTS.max))]
    #[serde(default)]
    pub included_dependants: u32,
    /// The price of each dependant beyond the included ones, per term, in the plan's currency
    /// (none: dependants cost nothing).
    #[schemars(with = "Option<crate::money::DecimalText>")]
    #[serde(default, with = "opt_decimal_text", skip_serializing_if = "Option::is_none")]
    pub price_per_dependant: Option<Decimal>,
}

impl Household {
    /// The dependants beyond the included ones, and their price per term (`None` when nothing is
    /// charged: none beyond, or no price).
    pub(crate) fn extra(&self, dependants: u32, currency: Currency) -> Option<(u32, Money)> {
        let extra = dependants.saturating_sub(self.included_dependants);
        match (extra, self.price_per_dependant) {
            (0, _) | (_, None) => None,
            (n, Some(price)) => Some((n, Money::new(price, currency))),
        }
    }
}

/// A plan (membership type): what a member buys.
///
/// ```
/// let plan: amscore::Plan = serde_json::from_str(r#"{
///     "id": "individual", "name": "Individual",
///     "term": {"kind": "rolling", "length": {"count": 1, "unit": "year"}},
///     "prices": {"currency": "USD", "dues": "200.00"}
/// }"#)?;
/// assert_eq!(plan.prices.renewal_dues().to_string(), "200.00 USD");
/// assert!(plan.flags.sold_online);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Plan {
    /// The identifier, unique in the policy.
    pub id: PlanId,
    /// The name members see.
    pub name: String,
    /// A category the association groups plans by (`"student"`, `"retired"`, `"organisation"`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    /// How terms are laid out in time.
    pub term: TermRule,
    /// What it costs.
    pub prices: Prices,
    /// Renewal, grace and reinstatement windows.
    #[serde(default)]
    pub windows: Windows,
    /// Who may do what.
    #[serde(default)]
    pub flags: Flags,
    /// The most terms a member may buy at once (renew for 1, 2 or 3 terms), 1 to [`MAX_TERMS`].
    /// Default 3.
    #[schemars(range(min = TERMS.min, max = TERMS.max))]
    #[serde(default = "three")]
    pub max_terms: u32,
    /// On renewal, the member moves to this plan (Student year 1 → year 2 → Individual).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub renew_to: Option<PlanId>,
    /// Seats, for organisational plans.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seats: Option<Seats>,
    /// How a partial term is charged on joining, and how changes measure the unused part
    /// (default: no join proration).
    #[serde(default, skip_serializing_if = "Proration::is_default")]
    pub proration: Proration,
    /// The tax on its dues and fees (default none: prices are what members pay).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tax: Option<PlanTax>,
    /// What a member's pause does to the term: `extend` it by the paused days (the default) or
    /// `credit` the paused days' share of what was paid (the term keeps its end).
    #[serde(default, skip_serializing_if = "PauseMode::is_default")]
    pub pause: PauseMode,
    /// Household settings, for a family plan: a primary member and dependants (none: a plan
    /// for one member).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub household: Option<Household>,
}

/// What a pause (a stretch of the term during which the membership is suspended) gives the
/// member back: the paused days at the end of the term, or their share of the dues.
///
/// ```
/// let m: amscore::PauseMode = serde_json::from_str(r#""credit""#)?;
/// assert_eq!(m, amscore::PauseMode::Credit);
/// assert_eq!(amscore::PauseMode::default(), amscore::PauseMode::Extend);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum PauseMode {
    /// The term's end moves out by the paused days (inclusive count): no paid day is lost. The
    /// default.
    #[default]
    Extend,
    /// The term keeps its end; the pause quote credits the paused days' share of what was paid,
    /// prorated with the plan's proration rule for changes.
    Credit,
}

impl PauseMode {
    /// Whether this is the default (`extend`), so a plan can leave it out.
    pub fn is_default(&self) -> bool {
        *self == PauseMode::Extend
    }
}

fn three() -> u32 {
    3
}

impl Plan {
    /// Whether the plan is a lifetime plan.
    pub fn is_lifetime(&self) -> bool {
        matches!(self.term, TermRule::Lifetime)
    }
}
