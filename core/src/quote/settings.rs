//! [`QuoteSettings`] (`settings.quotes`) and its enums: downgrades, net credits, refunds, cancellations, discounts.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::instalments::Remainder;
use crate::money::decimal_text;

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

/// How a plan change made now (an upgrade, or a downgrade with `downgrade: immediate`) is priced.
///
/// ```
/// let m: amscore::ChangeMode = serde_json::from_str(r#""new_period""#)?;
/// assert_eq!(m, amscore::ChangeMode::NewPeriod);
/// assert_eq!(amscore::ChangeMode::default(), amscore::ChangeMode::Prorated);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ChangeMode {
    /// A credit for the unused share of what was actually paid for the current term
    /// (`amount_paid`, never more than what earlier credits left), and the new plan charged for
    /// the rest of the current term (or a new term, with `upgrade_restarts_term`). The default.
    #[default]
    Prorated,
    /// No credit for the old plan; the new plan's full dues (and seats) for a whole term: the
    /// current one, or a new one with `upgrade_restarts_term`.
    NoCredit,
    /// A credit as `prorated`; the new plan charged over its own period containing the change
    /// date (a calendar plan's period, prorated from the date by its rule; a rolling plan's
    /// term from the date, in full), which becomes the term.
    NewPeriod,
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
    /// The unused days, counted with the plan's `proration.day_count` and `denominator`
    /// (default inclusive actual days of the term), as joins and plan changes count them.
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
    /// The terms bought, 2 to 100 (`MAX_TERMS`).
    #[schemars(range(min = 2, max = crate::plan::MAX_TERMS))]
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
    /// multiplying, as some systems do: 0 to 20 decimals. Default: exact fractions.
    #[schemars(range(min = 0, max = 20))]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fraction_scale: Option<u32>,
    /// When a downgrade takes effect (default `term_end`).
    pub downgrade: DowngradeTiming,
    /// What a net credit becomes (default `account_credit`).
    pub negative_net: NegativeNet,
    /// Whether an upgrade starts a new term on the new plan instead of keeping the term's end.
    pub upgrade_restarts_term: bool,
    /// How a plan change made now is priced (default `prorated`).
    pub change_mode: ChangeMode,
    /// How cancellations refund (default `none`).
    pub refund: RefundPolicy,
    /// When cancellations take effect (default on the `date`).
    pub cancel_at: CancelAt,
    /// Discounts for buying several terms at once.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub multi_term_discounts: Vec<MultiTermDiscount>,
    /// Where the cents left over by an instalment split go (default `largest_remainder`: one
    /// each to the first parts, so parts differ by at most one minor unit).
    pub instalment_remainder: Remainder,
}
