//! Calibration: the renewal rate by score decile, so an association can see whether its
//! engagement score predicts renewal.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::money::{decimal_text, Rounding};

use super::metrics::Rate;

/// A past score and whether the member then renewed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Outcome {
    /// The score.
    #[serde(with = "decimal_text")]
    pub score: Decimal,
    /// Whether the member renewed.
    pub renewed: bool,
}

/// One decile of members by score (1 = lowest scores).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Decile {
    /// 1 to 10.
    pub decile: u8,
    /// The lowest score in it.
    #[serde(with = "decimal_text")]
    pub min_score: Decimal,
    /// The highest score in it.
    #[serde(with = "decimal_text")]
    pub max_score: Decimal,
    /// Renewed ÷ members in the decile.
    pub renewal: Rate,
}

/// Renewal by score decile, and overall.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Calibration {
    /// Deciles with at least one member, lowest scores first.
    pub deciles: Vec<Decile>,
    /// Renewed ÷ everyone.
    pub overall: Rate,
}

/// Renewal rate by score decile. Outcomes are sorted by score (equal scores keep their input
/// order) and the i-th of n (from 0) goes to decile ⌊10·i/n⌋ + 1, so decile sizes differ by at
/// most one; equal scores may straddle a decile boundary.
///
/// ```
/// use amscore::success::{calibration, Outcome};
/// use rust_decimal::Decimal;
/// let outcomes: Vec<Outcome> = (0..20).map(|i| Outcome { score: Decimal::from(i), renewed: i >= 10 }).collect();
/// let c = calibration(&outcomes, amscore::Rounding::HalfAwayFromZero);
/// assert_eq!(c.deciles.len(), 10);
/// assert_eq!(c.deciles[0].renewal.rate, Some(Decimal::ZERO));
/// assert_eq!(c.deciles[9].renewal.rate, Some(Decimal::ONE));
/// ```
pub fn calibration(outcomes: &[Outcome], rounding: Rounding) -> Calibration {
    let mut sorted: Vec<&Outcome> = outcomes.iter().collect();
    sorted.sort_by_key(|o| o.score);
    let n = sorted.len();
    let mut groups: Vec<Vec<&Outcome>> = vec![Vec::new(); 10];
    for (i, o) in sorted.iter().enumerate() {
        groups[i * 10 / n].push(o);
    }
    let deciles = groups
        .iter()
        .enumerate()
        .filter(|(_, g)| !g.is_empty())
        .map(|(d, g)| Decile {
            decile: u8::try_from(d + 1).unwrap_or(10),
            min_score: g.first().map(|o| o.score).unwrap_or_default(),
            max_score: g.last().map(|o| o.score).unwrap_or_default(),
            renewal: Rate::new(g.iter().filter(|o| o.renewed).count() as u64, g.len() as u64, rounding),
        })
        .collect();
    let renewed = outcomes.iter().filter(|o| o.renewed).count() as u64;
    Calibration { deciles, overall: Rate::new(renewed, n as u64, rounding) }
}
