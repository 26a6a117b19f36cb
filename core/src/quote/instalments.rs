//! Instalments and allocations: splitting an amount into parts that always sum to the whole.
//!
//! Splits ([`split_even`], [`allocate`]) work in integer minor units: the parts always sum to the
//! whole, and where the remainder goes is a named choice ([`Remainder`]).

use serde::{Deserialize, Serialize};

use super::error::QuoteError;
use super::pricing::check_bounded;
use super::Quoter;
use crate::error::Error;
use crate::money::{Currency, Money};

/// Where the minor units left over by a split go: after each part has taken the whole minor units
/// of its exact share, a few units remain (fewer than the number of parts), and this rule names
/// who gets them.
///
/// ```
/// let r: amscore::Remainder = serde_json::from_str(r#""largest_remainder""#)?;
/// assert_eq!(r, amscore::Remainder::LargestRemainder);
/// let r: amscore::Remainder = serde_json::from_str(r#""last_parts""#)?;
/// assert_eq!(r, amscore::Remainder::LastParts);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Remainder {
    /// By largest remainder, ties to the earlier part (the default): one minor unit each to the
    /// parts whose exact share lost the most in rounding down, so that every part is within one
    /// minor unit of its exact share. An even split is then one unit each to the first parts:
    /// 100.00 in 3 → 33.34, 33.33, 33.33; 100.00 in 12 → 4 × 8.34 and 8 × 8.33.
    #[default]
    LargestRemainder,
    /// One minor unit each to the first parts, in order (skipping parts whose exact share is
    /// already a whole number of minor units): 100.00 by 1:1:1 → 33.34, 33.33, 33.33; 1.00 by 1:2
    /// → 0.34, 0.66 (where largest remainder gives 0.33, 0.67).
    FirstParts,
    /// One minor unit each to the last parts, from the last backwards (skipping parts whose exact
    /// share is already whole): 100.00 by 1:1:1 → 33.33, 33.33, 33.34; 0.05 in 7 → 0.00, 0.00
    /// and five parts of 0.01.
    LastParts,
    /// All to the last part: 100.00 in 3 → 33.33, 33.33, 33.34; 100.00 in 12 → 11 × 8.33 and
    /// 8.37 (the last part may differ from its exact share by up to `count - 1` minor units).
    Last,
}

impl Remainder {
    /// Every rule, in the order documented above.
    pub const ALL: [Remainder; 4] =
        [Remainder::LargestRemainder, Remainder::FirstParts, Remainder::LastParts, Remainder::Last];

    /// The rule's name as written in policies and requests (`"largest_remainder"`).
    ///
    /// ```
    /// assert_eq!(amscore::Remainder::FirstParts.as_str(), "first_parts");
    /// ```
    pub const fn as_str(self) -> &'static str {
        match self {
            Remainder::LargestRemainder => "largest_remainder",
            Remainder::FirstParts => "first_parts",
            Remainder::LastParts => "last_parts",
            Remainder::Last => "last",
        }
    }
}

/// Splits an amount into `count` parts that sum to it exactly.
///
/// ```
/// use amscore::{split_even, Currency, Money, Remainder};
/// let total = Money::parse("100.00", Currency::USD)?;
/// let parts = split_even(&total, 3, Remainder::Last)?;
/// assert_eq!(parts.iter().map(|p| p.amount().to_string()).collect::<Vec<_>>(), ["33.33", "33.33", "33.34"]);
/// let even = split_even(&total, 3, Remainder::default())?;
/// assert_eq!(even.iter().map(|p| p.amount().to_string()).collect::<Vec<_>>(), ["33.34", "33.33", "33.33"]);
/// # Ok::<(), amscore::Error>(())
/// ```
///
/// # Errors
/// [`QuoteError::ZeroParts`], [`QuoteError::TooManyParts`] (above 1200),
/// [`QuoteError::NegativeAmount`], [`MoneyError::TooPrecise`](crate::money::MoneyError::TooPrecise)
/// for an amount finer than the currency's minor unit, and
/// [`MoneyError::InvalidAmount`](crate::money::MoneyError::InvalidAmount) for one above
/// [`Money::max_amount`].
pub fn split_even(total: &Money, count: u32, remainder: Remainder) -> Result<Vec<Money>, Error> {
    check_split(total, count)?;
    allocate_by(total, &vec![1; count as usize], remainder)
}

/// Allocates an amount in proportion to whole-number weights (seats per department, say), by
/// largest remainder with ties to the earlier part: the parts sum to the amount exactly.
/// [`allocate_by`] names another remainder rule.
///
/// ```
/// use amscore::{allocate, Currency, Money};
/// let total = Money::parse("10", Currency::JPY)?;
/// let parts = allocate(&total, &[1, 1, 1])?;
/// assert_eq!(parts.iter().map(|p| p.amount().to_string()).collect::<Vec<_>>(), ["4", "3", "3"]);
/// # Ok::<(), amscore::Error>(())
/// ```
///
/// # Errors
/// As [`allocate_by`].
pub fn allocate(total: &Money, weights: &[u32]) -> Result<Vec<Money>, Error> {
    allocate_by(total, weights, Remainder::LargestRemainder)
}

/// Allocates an amount in proportion to whole-number weights (70/30, per seat, per chapter), with
/// the units left over after rounding every share down going where `remainder` says. The parts
/// always sum to the amount exactly; a part of weight 0 is always zero; with
/// [`Remainder::LargestRemainder`], [`Remainder::FirstParts`] or [`Remainder::LastParts`] each
/// part differs from its exact share by less than one minor unit.
///
/// ```
/// use amscore::{allocate_by, Currency, Money, Remainder};
/// let total = Money::parse("1.00", Currency::USD)?;
/// let text = |parts: Vec<Money>| parts.iter().map(|p| p.amount().to_string()).collect::<Vec<_>>();
/// // 70/30 of a dollar divides exactly.
/// assert_eq!(text(allocate_by(&total, &[70, 30], Remainder::LargestRemainder)?), ["0.70", "0.30"]);
/// // 1:2 leaves a cent: the exact shares are 0.333… and 0.666….
/// assert_eq!(text(allocate_by(&total, &[1, 2], Remainder::LargestRemainder)?), ["0.33", "0.67"]);
/// assert_eq!(text(allocate_by(&total, &[1, 2], Remainder::FirstParts)?), ["0.34", "0.66"]);
/// assert_eq!(text(allocate_by(&total, &[1, 2], Remainder::LastParts)?), ["0.33", "0.67"]);
/// # Ok::<(), amscore::Error>(())
/// ```
///
/// # Errors
/// [`QuoteError::ZeroParts`] for no weights or all-zero weights, [`QuoteError::TooManyParts`]
/// (above 1200 parts), [`QuoteError::NegativeAmount`],
/// [`MoneyError::TooPrecise`](crate::money::MoneyError::TooPrecise) for an amount finer than the
/// currency's minor unit, [`MoneyError::InvalidAmount`](crate::money::MoneyError::InvalidAmount)
/// for one above [`Money::max_amount`].
pub fn allocate_by(total: &Money, weights: &[u32], remainder: Remainder) -> Result<Vec<Money>, Error> {
    check_split(total, u32::try_from(weights.len()).unwrap_or(u32::MAX))?;
    let sum: i128 = weights.iter().map(|&w| i128::from(w)).sum();
    if sum == 0 {
        return Err(QuoteError::ZeroParts.into());
    }
    let units = i128::from(total.to_minor_units()?);
    let mut parts: Vec<i128> = weights.iter().map(|&w| units * i128::from(w) / sum).collect();
    let left = usize::try_from(units - parts.iter().sum::<i128>()).unwrap_or(0);
    // The parts whose exact share has a fraction left: the only ones that may take a unit (there
    // are always at least `left` of them, since each fraction is below one unit).
    let fraction = |i: usize| units * i128::from(weights[i]) % sum;
    let takers: Vec<usize> = match remainder {
        Remainder::LargestRemainder => {
            let mut order: Vec<usize> = (0..weights.len()).collect();
            order.sort_by(|&a, &b| fraction(b).cmp(&fraction(a)).then(a.cmp(&b)));
            order.truncate(left);
            order
        }
        Remainder::FirstParts => (0..weights.len()).filter(|&i| fraction(i) != 0).take(left).collect(),
        Remainder::LastParts => (0..weights.len()).rev().filter(|&i| fraction(i) != 0).take(left).collect(),
        Remainder::Last => {
            if let Some(last) = weights.iter().rposition(|&w| w != 0) {
                parts[last] += i128::try_from(left).unwrap_or(0);
            }
            Vec::new()
        }
    };
    for i in takers {
        parts[i] += 1;
    }
    Ok(parts.into_iter().map(|p| minor(p, total.currency())).collect())
}

fn check_split(total: &Money, count: u32) -> Result<(), Error> {
    if count == 0 {
        return Err(QuoteError::ZeroParts.into());
    }
    if count > MAX_PARTS {
        return Err(QuoteError::TooManyParts { count }.into());
    }
    if total.is_negative() {
        return Err(QuoteError::NegativeAmount { field: "total".into(), amount: total.amount().to_string() }.into());
    }
    Ok(check_bounded("total", total)?)
}

/// The most parts a split may have.
const MAX_PARTS: u32 = 1200;

fn minor(units: i128, currency: Currency) -> Money {
    // |units| ≤ the total's, which came from an i64.
    Money::from_minor_units(i64::try_from(units).unwrap_or(i64::MAX), currency)
}

/// One instalment of a taxed total: its amount, and the net and tax it holds
/// (`net + tax = amount`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Instalment {
    /// What is due.
    pub amount: Money,
    /// The part of it that is not tax.
    pub net: Money,
    /// The part of it that is tax.
    pub tax: Money,
}

/// Splits a taxed total (`total` = gross, of which `tax` is tax) into `count` instalments: the
/// amounts are split by `remainder` exactly as [`split_even`] splits the total, the tax by the
/// same rule, and each instalment's net is its amount less its tax. So every instalment's net
/// plus tax is its amount, and the amounts, the nets and the taxes each sum to their totals.
///
/// ```
/// use amscore::{split_taxed, Currency, Money, Remainder};
/// let usd = |s| Money::parse(s, Currency::USD);
/// let parts = split_taxed(&usd("113.00")?, &usd("13.00")?, 3, Remainder::default())?;
/// let text = |f: fn(&amscore::Instalment) -> Money| parts.iter().map(|p| f(p).amount().to_string()).collect::<Vec<_>>();
/// assert_eq!(text(|p| p.amount), ["37.67", "37.67", "37.66"]);
/// assert_eq!(text(|p| p.tax), ["4.34", "4.33", "4.33"]);
/// assert_eq!(text(|p| p.net), ["33.33", "33.34", "33.33"]);
/// # Ok::<(), amscore::Error>(())
/// ```
///
/// # Errors
/// Those of [`split_even`], and [`QuoteError::TaxOutsideTotal`] for a tax below zero, above
/// the total or in another currency.
pub fn split_taxed(total: &Money, tax: &Money, count: u32, remainder: Remainder) -> Result<Vec<Instalment>, Error> {
    let amounts = split_even(total, count, remainder)?;
    if tax.currency() != total.currency() || tax.is_negative() || tax.amount() > total.amount() {
        return Err(QuoteError::TaxOutsideTotal { tax: tax.to_string(), total: total.to_string() }.into());
    }
    let taxes = split_even(tax, count, remainder)?;
    amounts
        .into_iter()
        .zip(taxes)
        .map(|(amount, tax)| Ok(Instalment { amount, net: amount.checked_sub(&tax)?, tax }))
        .collect()
}

impl Quoter<'_> {
    /// [`split_taxed`] with the remainder rule of `settings.quotes.instalment_remainder`.
    pub(crate) fn split_taxed_instalments(
        &self,
        total: &Money,
        tax: &Money,
        count: u32,
    ) -> Result<Vec<Instalment>, Error> {
        split_taxed(total, tax, count, self.settings.instalment_remainder)
    }

    /// Splits a total into `count` instalments that sum to it exactly; the remainder cents go
    /// where `settings.quotes.instalment_remainder` says (by default one each to the first parts).
    pub(crate) fn split_instalments(&self, total: &Money, count: u32) -> Result<Vec<Money>, Error> {
        split_even(total, count, self.settings.instalment_remainder)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_sum_to_the_whole_in_every_currency() {
        for (text, currency) in [("100.00", Currency::USD), ("1000", Currency::JPY), ("10.000", Currency::KWD)] {
            let total = Money::parse(text, currency).unwrap_or_else(|_| Money::zero(currency));
            for n in 1..=13 {
                for r in [Remainder::Last, Remainder::LargestRemainder, Remainder::FirstParts, Remainder::LastParts] {
                    let parts = split_even(&total, n, r).unwrap_or_default();
                    let sum = parts.iter().try_fold(Money::zero(currency), |a, p| a.checked_add(p));
                    assert_eq!(sum.map(|s| s.amount()), Ok(total.amount()), "{text} in {n}");
                }
            }
        }
    }

    fn texts(parts: &[Money]) -> Vec<String> {
        parts.iter().map(|p| p.amount().to_string()).collect()
    }

    #[test]
    fn the_default_split_keeps_parts_within_one_minor_unit() {
        let usd = |s: &str| Money::parse(s, Currency::USD).unwrap_or_else(|_| Money::zero(Currency::USD));
        let twelve = split_even(&usd("100.00"), 12, Remainder::default()).unwrap_or_default();
        assert_eq!(texts(&twelve), [["8.34"; 4].as_slice(), ["8.33"; 8].as_slice()].concat());
        let thousand = split_even(&usd("9.99"), 1000, Remainder::default()).unwrap_or_default();
        assert_eq!(texts(&thousand), [["0.01"; 999].as_slice(), ["0.00"; 1].as_slice()].concat());
        for (text, n) in [("100.00", 7), ("0.05", 7), ("12345.67", 1200), ("1000000000.00", 999)] {
            let parts = split_even(&usd(text), n, Remainder::default()).unwrap_or_default();
            let units: Vec<i64> = parts.iter().filter_map(|p| p.to_minor_units().ok()).collect();
            let (lo, hi) = (units.iter().min(), units.iter().max());
            assert!(lo.zip(hi).is_some_and(|(l, h)| h - l <= 1), "{text} in {n}: {lo:?}..{hi:?}");
        }
        let last = split_even(&usd("100.00"), 12, Remainder::Last).unwrap_or_default();
        assert_eq!(last.last().map(|p| p.amount().to_string()), Some("8.37".into()));
    }

    #[test]
    fn every_rule_is_named_as_serde_names_it() {
        for r in Remainder::ALL {
            assert_eq!(serde_json::to_value(r).ok(), Some(serde_json::Value::from(r.as_str())));
        }
    }

    #[test]
    fn a_split_refuses_a_total_above_the_largest_amount() {
        let total = Money::parse("1000000000.01", Currency::USD).unwrap_or_else(|_| Money::zero(Currency::USD));
        let err = split_even(&total, 2, Remainder::default()).map(|_| ()).unwrap_err();
        assert_eq!(err.to_string(), "invalid amount `1000000000.01`: total must be at most 1000000000.00 USD");
    }
}
