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

/// Where the minor units left over by an even split go.
///
/// ```
/// let r: amscore::Remainder = serde_json::from_str(r#""largest_remainder""#)?;
/// assert_eq!(r, amscore::Remainder::LargestRemainder);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Remainder {
    /// By largest remainder, ties to the earlier part (the default): one minor unit each to the
    /// first parts, so that parts differ by at most one minor unit. 100.00 in 3 → 33.34, 33.33,
    /// 33.33; 100.00 in 12 → 4 × 8.34 and 8 × 8.33.
    #[default]
    LargestRemainder,
    /// All to the last part: 100.00 in 3 → 33.33, 33.33, 33.34; 100.00 in 12 → 11 × 8.33 and
    /// 8.37 (the last part may differ from the others by up to `count - 1` minor units).
    Last,
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
    match remainder {
        Remainder::LargestRemainder => allocate(total, &vec![1; count as usize]),
        Remainder::Last => {
            let units = i128::from(total.to_minor_units()?);
            let n = i128::from(count);
            let (base, rest) = (units / n, units % n);
            let currency = total.currency();
            Ok((0..n).map(|i| minor(base + if i == n - 1 { rest } else { 0 }, currency)).collect())
        }
    }
}

/// Allocates an amount in proportion to whole-number weights (seats per department, say), by
/// largest remainder with ties to the earlier part: the parts sum to the amount exactly.
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
/// [`QuoteError::ZeroParts`] for no weights or all-zero weights, [`QuoteError::TooManyParts`],
/// [`QuoteError::NegativeAmount`], [`MoneyError::TooPrecise`](crate::money::MoneyError::TooPrecise),
/// [`MoneyError::InvalidAmount`](crate::money::MoneyError::InvalidAmount) (above
/// [`Money::max_amount`]).
pub fn allocate(total: &Money, weights: &[u32]) -> Result<Vec<Money>, Error> {
    check_split(total, u32::try_from(weights.len()).unwrap_or(u32::MAX))?;
    let sum: i128 = weights.iter().map(|&w| i128::from(w)).sum();
    if sum == 0 {
        return Err(QuoteError::ZeroParts.into());
    }
    let units = i128::from(total.to_minor_units()?);
    let mut parts: Vec<i128> = weights.iter().map(|&w| units * i128::from(w) / sum).collect();
    let mut order: Vec<(usize, i128)> =
        weights.iter().enumerate().map(|(i, &w)| (i, units * i128::from(w) % sum)).collect();
    order.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let left = units - parts.iter().sum::<i128>();
    for (i, _) in order.iter().take(usize::try_from(left).unwrap_or(0)) {
        parts[*i] += 1;
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

impl Quoter<'_> {
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
                for r in [Remainder::Last, Remainder::LargestRemainder] {
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
    fn a_split_refuses_a_total_above_the_largest_amount() {
        let total = Money::parse("1000000000.01", Currency::USD).unwrap_or_else(|_| Money::zero(Currency::USD));
        let err = split_even(&total, 2, Remainder::default()).map(|_| ()).unwrap_err();
        assert_eq!(err.to_string(), "invalid amount `1000000000.01`: total must be at most 1000000000.00 USD");
    }
}
