//! Measurement: renewal rates (snapshot and eligibility bases), first-year renewal, churn and its
//! rolling 30-day variant, average tenure, lifetime value and the cohort retention table.
//!
//! Ratios are kept exact: every measure is one fraction of integer counts (and exact decimal
//! amounts), divided once and rounded once, at the end, with the policy's `success.rounding`.
//! Rates are given to 4 decimals and as percentages to 2; tenures to 2 decimals and as an exact
//! reduced fraction; amounts to the currency's minor unit.

use serde::{Deserialize, Serialize};
use time::Date;

use rust_decimal::Decimal;

use super::Context;
use crate::money::{decimal_text, Currency, Money, Rounding};
use crate::period::{add_days, add_months, MonthEndRule};
use crate::term::Term;

use super::activity_log::ActivityLog;
use super::error::SuccessError;
use super::policy::ReinstatedAs;
use super::roster::{prepare, Member, MemberHistory, RowError};

/// The three counts of the snapshot basis.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SnapshotCounts {
    /// Members on the measurement date.
    pub members_now: u64,
    /// Of those, members who joined in the 12 months before it.
    pub joined_last_12_months: u64,
    /// Members 12 months before the measurement date.
    pub members_year_ago: u64,
}

fn zero() -> Decimal {
    Decimal::ZERO
}

/// What a member is worth a year, for lifetime value: dues and non-dues revenue, and for the net
/// value the yearly cost to serve and the one-time cost to acquire a member.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Economics {
    /// The currency of every amount.
    pub currency: Currency,
    /// Average dues per member per year.
    #[serde(with = "decimal_text")]
    pub annual_dues: Decimal,
    /// Average non-dues revenue (events, products, ...) per member per year.
    #[serde(with = "decimal_text")]
    pub non_dues_revenue: Decimal,
    /// Average yearly cost to serve a member (for the net value; default 0).
    #[serde(default = "zero", with = "decimal_text")]
    pub annual_cost: Decimal,
    /// One-time cost to acquire a member (for the net value; default 0).
    #[serde(default = "zero", with = "decimal_text")]
    pub acquisition_cost: Decimal,
}

impl Economics {
    /// Dues and non-dues revenue, with no costs.
    pub fn new(currency: Currency, annual_dues: Decimal, non_dues_revenue: Decimal) -> Economics {
        Economics {
            currency,
            annual_dues,
            non_dues_revenue,
            annual_cost: Decimal::ZERO,
            acquisition_cost: Decimal::ZERO,
        }
    }

    fn validate(&self) -> Result<(), SuccessError> {
        for (name, v) in [
            ("annual_dues", self.annual_dues),
            ("non_dues_revenue", self.non_dues_revenue),
            ("annual_cost", self.annual_cost),
            ("acquisition_cost", self.acquisition_cost),
        ] {
            if v.is_sign_negative() && !v.is_zero() {
                return Err(SuccessError::InvalidInput {
                    path: format!("economics.{name}"),
                    message: "must not be negative".into(),
                });
            }
            if Money::new(v, self.currency).check_bounded().is_err() {
                return Err(SuccessError::InvalidInput {
                    path: format!("economics.{name}"),
                    message: format!("must be at most {}", Money::max_amount(self.currency)),
                });
            }
        }
        Ok(())
    }
}

/// A rate as its exact fraction and rounded once: `8000 / 9500 → 0.8421, 84.21%`. `None` when the
/// denominator is zero.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rate {
    /// The count on top.
    pub numerator: u64,
    /// The count below.
    pub denominator: u64,
    /// The rate, 0 to 1, rounded to 4 decimals.
    #[serde(with = "crate::money::opt_decimal_text")]
    pub rate: Option<Decimal>,
    /// The rate as a percentage, rounded to 2 decimals.
    #[serde(with = "crate::money::opt_decimal_text")]
    pub percent: Option<Decimal>,
}

impl Rate {
    /// The rate `numerator / denominator`, rounded once.
    ///
    /// ```
    /// let r = amscore::success::Rate::new(8000, 9500, amscore::Rounding::HalfAwayFromZero);
    /// assert_eq!((r.rate.unwrap().to_string(), r.percent.unwrap().to_string()), ("0.8421".into(), "84.21".into()));
    /// ```
    pub fn new(numerator: u64, denominator: u64, rounding: Rounding) -> Rate {
        let (rate, percent) = if denominator == 0 {
            (None, None)
        } else {
            let (n, d) = (Decimal::from(numerator), Decimal::from(denominator));
            (
                Some(crate::money::round_to(n / d, 4, rounding)),
                Some(crate::money::round_to(n * Decimal::ONE_HUNDRED / d, 2, rounding)),
            )
        };
        Rate { numerator, denominator, rate, percent }
    }
}

/// Average tenure in years, 1 ÷ churn: rounded to 2 decimals, and as the exact reduced fraction.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tenure {
    /// Years, rounded once to 2 decimals.
    #[serde(with = "decimal_text")]
    pub years: Decimal,
    /// The exact fraction, reduced (`"19/3"`).
    pub exact: String,
}

/// Lifetime value: gross = (dues + non-dues revenue) × tenure; net = (dues + non-dues − cost) ×
/// tenure − acquisition cost. Each computed exactly and rounded once to the currency's minor unit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LifetimeValue {
    /// The gross value.
    pub gross: Money,
    /// The net value.
    pub net: Money,
}

/// Renewal rate, churn, average tenure and lifetime value on one basis.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RetentionMetrics {
    /// Renewed ÷ the base.
    pub renewal_rate: Rate,
    /// Lost ÷ the base (1 − the renewal rate).
    pub churn: Rate,
    /// 1 ÷ churn; `None` when nobody was lost (or the base is empty).
    pub average_tenure: Option<Tenure>,
    /// Lifetime value, when economics are given and the tenure is finite.
    pub lifetime_value: Option<LifetimeValue>,
}

fn gcd(a: u64, b: u64) -> u64 {
    if b == 0 {
        a
    } else {
        gcd(b, a % b)
    }
}

/// The measures of `renewed` out of `base`.
fn measures(
    renewed: u64,
    base: u64,
    econ: Option<&Economics>,
    rounding: Rounding,
) -> Result<RetentionMetrics, SuccessError> {
    if renewed > base {
        return Err(SuccessError::InconsistentCounts {
            message: format!("{renewed} renewed is more than the {base} who could renew"),
        });
    }
    let lost = base - renewed;
    let average_tenure = (lost > 0).then(|| {
        let g = gcd(base, lost);
        Tenure {
            years: crate::money::round_to(Decimal::from(base) / Decimal::from(lost), 2, rounding),
            exact: format!("{}/{}", base / g, lost / g),
        }
    });
    let lifetime_value = match (econ, lost > 0) {
        (Some(e), true) => {
            let over = || SuccessError::Overflow { what: "lifetime value".into() };
            let (base, lost) = (Decimal::from(base), Decimal::from(lost));
            let annual = e.annual_dues.checked_add(e.non_dues_revenue).ok_or_else(over)?;
            let gross = annual.checked_mul(base).ok_or_else(over)?.checked_div(lost).ok_or_else(over)?;
            let margin = annual.checked_sub(e.annual_cost).ok_or_else(over)?;
            let net = margin
                .checked_mul(base)
                .ok_or_else(over)?
                .checked_div(lost)
                .ok_or_else(over)?
                .checked_sub(e.acquisition_cost)
                .ok_or_else(over)?;
            Some(LifetimeValue {
                gross: Money::new(gross, e.currency).round(rounding),
                net: Money::new(net, e.currency).round(rounding),
            })
        }
        _ => None,
    };
    Ok(RetentionMetrics {
        renewal_rate: Rate::new(renewed, base, rounding),
        churn: Rate::new(lost, base, rounding),
        average_tenure,
        lifetime_value,
    })
}

/// The snapshot-basis measures: renewal rate = (members now − joined in the last 12 months) ÷
/// members a year ago, then churn, tenure and lifetime value from it.
///
/// 10,000 members now, 2,000 of them new, 9,500 a year ago: 8,000 / 9,500 = 84.21%; tenure
/// 1 / (1 − 8000/9500) = 19/3 years; with 125 dues and 100 non-dues a year, LTV = 225 × 19/3 =
/// 1,425.00 exactly. (Rounding the tenure to 6.333 first, as published versions of this example
/// do, gives 1,424.92; amscore rounds once, at the end.)
///
/// ```
/// use amscore::success::{snapshot_metrics, Economics, SnapshotCounts};
/// use rust_decimal::Decimal;
/// let c = SnapshotCounts { members_now: 10_000, joined_last_12_months: 2_000, members_year_ago: 9_500 };
/// let e = Economics::new(amscore::Currency::USD, Decimal::from(125), Decimal::from(100));
/// let m = snapshot_metrics(&c, Some(&e), amscore::Rounding::HalfAwayFromZero)?;
/// assert_eq!(m.average_tenure.unwrap().years.to_string(), "6.33");
/// assert_eq!(m.lifetime_value.unwrap().gross.amount().to_string(), "1425.00");
/// # Ok::<(), amscore::success::SuccessError>(())
/// ```
///
/// # Errors
/// [`SuccessError::InconsistentCounts`] if more members joined than there are, or more remain
/// than there were; [`SuccessError::InvalidInput`] for a negative amount.
pub fn snapshot_metrics(
    counts: &SnapshotCounts,
    econ: Option<&Economics>,
    rounding: Rounding,
) -> Result<RetentionMetrics, SuccessError> {
    econ.map(Economics::validate).transpose()?;
    let renewed = counts.members_now.checked_sub(counts.joined_last_12_months).ok_or_else(|| {
        SuccessError::InconsistentCounts {
            message: format!(
                "{} joined in the last 12 months is more than the {} members now",
                counts.joined_last_12_months, counts.members_now
            ),
        }
    })?;
    measures(renewed, counts.members_year_ago, econ, rounding)
}

/// A member's terms grouped into runs of continuous membership. Terms that touch or overlap join
/// a run; a gap joins it too when it was closed by a reinstatement (member-since predates the
/// gap) and the policy counts reinstated members as continuing.
fn runs(member: &Member<'_>, reinstated: ReinstatedAs) -> Vec<(Date, Option<Date>, Vec<Term>)> {
    let since = member.history.membership.member_since;
    let mut out: Vec<(Date, Option<Date>, Vec<Term>)> = Vec::new();
    for t in &member.history.history() {
        if let Some((_, end, terms)) = out.last_mut() {
            let joins = match *end {
                None => true,
                Some(e) => {
                    let touches = add_days(e, 1).map_or(true, |next| t.start <= next);
                    touches || (reinstated == ReinstatedAs::Continuing && since <= e)
                }
            };
            if joins {
                *end = match (*end, t.end) {
                    (Some(a), Some(b)) => Some(a.max(b)),
                    _ => None,
                };
                terms.push(*t);
                continue;
            }
        }
        out.push((t.start, t.end, vec![*t]));
    }
    out
}

/// A member's runs and end-of-membership facts, for measuring.
struct Measured {
    runs: Vec<(Date, Option<Date>, Vec<Term>)>,
    gone_on: Option<Date>,
}

impl Measured {
    fn new(m: &Member<'_>, reinstated: ReinstatedAs) -> Measured {
        let ms = &m.history.membership;
        let gone_on = match (ms.cancelled_on, ms.deceased_on) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        Measured { runs: runs(m, reinstated), gone_on }
    }

    /// The start of the run covering `date`, if the member is a member then.
    fn run_start_on(&self, date: Date) -> Option<Date> {
        if self.gone_on.is_some_and(|g| g <= date) {
            return None;
        }
        self.runs.iter().find(|(s, e, _)| *s <= date && e.is_none_or(|e| date <= e)).map(|(s, _, _)| *s)
    }

    fn covers(&self, date: Date) -> bool {
        self.run_start_on(date).is_some()
    }
}

/// Retention measured from the roster's term history, for the 12 months ending on a date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RosterRetention {
    /// The first day of the 12-month period.
    #[serde(with = "crate::period::date_text")]
    pub period_start: Date,
    /// The measurement date (the period's last day).
    #[serde(with = "crate::period::date_text")]
    pub period_end: Date,
    /// Whether reinstated members counted as new or continuing.
    pub reinstated: ReinstatedAs,
    /// The snapshot counts.
    pub counts: SnapshotCounts,
    /// Snapshot basis: (members now − joined in the last 12 months) ÷ members a year ago.
    pub snapshot: RetentionMetrics,
    /// Eligibility basis: terms that ended in the period and were renewed ÷ terms that ended in it.
    pub eligibility: RetentionMetrics,
    /// Eligibility basis, first terms only (a member's first term of a run).
    pub first_year_renewal: Rate,
    /// Members 30 days before the date who are no longer members ÷ members 30 days before.
    pub churn_30_days: Rate,
    /// One error per bad member row.
    pub errors: Vec<RowError>,
}

fn date_err(_: crate::period::DateError) -> SuccessError {
    SuccessError::Overflow { what: "measurement date".into() }
}

/// Measures retention from a roster's term history for the 12 months ending on `as_of`.
///
/// A member is a member on a date if a term of theirs covers it (gaps bridged by reinstatement
/// count as covered when `success.reinstated` is `continuing`) and they were not cancelled or dead
/// by then. A term ending in the period is *up for renewal*; it is *renewed* if a later term
/// continues its run. The eligibility basis therefore counts renewal opportunities, not members:
/// a member of a monthly plan is up for renewal up to twelve times in the period, and a
/// household's dependant (a member naming a `primary`) is counted as a member but never up for
/// renewal: its primary renews the household. Outcomes are as the history shows on `as_of`: a term that ended days ago and
/// may still be renewed in grace counts as not renewed yet.
///
/// ```
/// use amscore::success::{retention_metrics, MemberHistory};
/// use time::macros::date;
/// let engine = amscore::Engine::from_preset("amscore")?;
/// let m: MemberHistory = serde_json::from_str(r#"{"membership": {"member_id": "M-1", "plan": "individual",
///   "member_since": "2024-01-01", "term": {"start": "2025-01-01", "end": "2025-12-31"}},
///   "terms": [{"start": "2024-01-01", "end": "2024-12-31"}]}"#).unwrap();
/// let r = retention_metrics(engine.success(), &[m], date!(2025-06-30), None)?;
/// assert_eq!(r.eligibility.renewal_rate.percent.unwrap().to_string(), "100.00");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// [`SuccessError::InvalidInput`] for negative economics; [`SuccessError::Overflow`] at the ends
/// of the calendar.
pub fn retention_metrics(
    ctx: Context<'_>,
    members: &[MemberHistory],
    as_of: Date,
    econ: Option<&Economics>,
) -> Result<RosterRetention, SuccessError> {
    econ.map(Economics::validate).transpose()?;
    let policy = ctx.policy;
    let rounding = policy.rounding;
    let roster = prepare(ctx, members, &ActivityLog::default(), &policy.activity_kinds);
    let year_ago = add_months(as_of, -12, MonthEndRule::Clamp).map_err(date_err)?;
    let month_ago = add_days(as_of, -30).map_err(date_err)?;
    let (mut now, mut joined, mut before) = (0u64, 0u64, 0u64);
    let (mut up, mut renewed, mut first_up, mut first_renewed) = (0u64, 0u64, 0u64, 0u64);
    let (mut base_30, mut lost_30) = (0u64, 0u64);
    for m in &roster.members {
        let x = Measured::new(m, policy.reinstated);
        if let Some(start) = x.run_start_on(as_of) {
            now += 1;
            if start > year_ago {
                joined += 1;
            }
        }
        if x.covers(year_ago) {
            before += 1;
        }
        if x.covers(month_ago) {
            base_30 += 1;
            if !x.covers(as_of) {
                lost_30 += 1;
            }
        }
        // A household's dependant is a member (counted above) but never a renewal opportunity
        // of its own: the primary renews the household (docs/households.md).
        if m.history.primary.is_some() {
            continue;
        }
        for (_, _, terms) in &x.runs {
            for (i, t) in terms.iter().enumerate() {
                let Some(end) = t.end else { continue };
                if end <= year_ago || end > as_of {
                    continue;
                }
                let cancelled = x.gone_on.is_some_and(|g| g <= end);
                let continued = !cancelled && terms[i + 1..].iter().any(|n| n.start > t.start);
                up += 1;
                renewed += u64::from(continued);
                if i == 0 {
                    first_up += 1;
                    first_renewed += u64::from(continued);
                }
            }
        }
    }
    let counts = SnapshotCounts { members_now: now, joined_last_12_months: joined, members_year_ago: before };
    Ok(RosterRetention {
        period_start: add_days(year_ago, 1).map_err(date_err)?,
        period_end: as_of,
        reinstated: policy.reinstated,
        counts,
        snapshot: snapshot_metrics(&counts, econ, rounding)?,
        eligibility: measures(renewed, up, econ, rounding)?,
        first_year_renewal: Rate::new(first_renewed, first_up, rounding),
        churn_30_days: Rate::new(lost_30, base_30, rounding),
        errors: roster.errors,
    })
}

/// One cell of the cohort table: of the cohort's members whose k-th anniversary has come by the
/// measurement date, how many were members on it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CohortCell {
    /// Years since join.
    pub years: u32,
    /// Members whose anniversary has come.
    pub eligible: u64,
    /// Of those, members on the anniversary.
    pub retained: u64,
    /// retained ÷ eligible, rounded once to 4 decimals.
    #[serde(with = "decimal_text")]
    pub rate: Decimal,
}

/// One join year's row of the cohort table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CohortRow {
    /// The year members first joined (the start of their first term).
    pub join_year: i32,
    /// Members in the cohort.
    pub members: u64,
    /// Retention by years since join, from 0.
    pub cells: Vec<CohortCell>,
}

/// The cohort retention table: join year × years since join.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CohortTable {
    /// Rows by join year.
    pub rows: Vec<CohortRow>,
    /// Members counted (the sum of the rows' members).
    pub members: u64,
    /// Members whose first term starts after the date: not in any cohort yet on that date, and
    /// counted here so that rows + `joined_after` + errors account for every member given.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub joined_after: u64,
    /// One error per bad member row.
    pub errors: Vec<RowError>,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

/// The cohort retention table on a date. Each member belongs to the cohort of the year their
/// first term started; year k counts them if a term covers their k-th anniversary (clamped for
/// Feb 29), among members whose k-th anniversary is on or before `as_of`. A member whose first
/// term starts after `as_of` is in no cohort yet and is counted in `joined_after`.
///
/// ```
/// use amscore::success::{cohort_table, MemberHistory};
/// use time::macros::date;
/// let engine = amscore::Engine::from_preset("amscore")?;
/// let m: MemberHistory = serde_json::from_str(r#"{"membership": {"member_id": "M-1", "plan": "individual",
///   "member_since": "2023-05-01", "term": {"start": "2023-05-01", "end": "2024-04-30"}}}"#).unwrap();
/// let t = cohort_table(engine.success(), &[m], date!(2025-06-01))?;
/// let row = &t.rows[0];
/// assert_eq!((row.join_year, row.cells.iter().map(|c| c.retained).collect::<Vec<_>>()), (2023, vec![1, 0, 0]));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// [`SuccessError::Overflow`] at the ends of the calendar.
pub fn cohort_table(ctx: Context<'_>, members: &[MemberHistory], as_of: Date) -> Result<CohortTable, SuccessError> {
    let policy = ctx.policy;
    let roster = prepare(ctx, members, &ActivityLog::default(), &policy.activity_kinds);
    let mut rows: std::collections::BTreeMap<i32, (u64, Vec<(u64, u64)>)> = std::collections::BTreeMap::new();
    let (mut total, mut joined_after) = (0u64, 0u64);
    for m in &roster.members {
        let x = Measured::new(m, policy.reinstated);
        let Some(join) = m.history.history().first().map(|t| t.start) else { continue };
        if join > as_of {
            joined_after += 1;
            continue;
        }
        total += 1;
        let row = rows.entry(join.year()).or_default();
        row.0 += 1;
        let mut k = 0usize;
        loop {
            let anniversary = add_months(join, 12 * k as i64, MonthEndRule::Clamp).map_err(date_err)?;
            if anniversary > as_of {
                break;
            }
            if row.1.len() <= k {
                row.1.push((0, 0));
            }
            row.1[k].0 += 1;
            row.1[k].1 += u64::from(x.covers(anniversary));
            k += 1;
        }
    }
    let rounding = policy.rounding;
    let rows = rows
        .into_iter()
        .map(|(join_year, (members, cells))| CohortRow {
            join_year,
            members,
            cells: cells
                .into_iter()
                .enumerate()
                .map(|(k, (eligible, retained))| CohortCell {
                    years: u32::try_from(k).unwrap_or(u32::MAX),
                    eligible,
                    retained,
                    rate: crate::money::round_to(Decimal::from(retained) / Decimal::from(eligible.max(1)), 4, rounding),
                })
                .collect(),
        })
        .collect();
    Ok(CohortTable { rows, members: total, joined_after, errors: roster.errors })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn published_example_holds_exactly_and_differs_from_rounding_tenure_first() {
        let c = SnapshotCounts { members_now: 10_000, joined_last_12_months: 2_000, members_year_ago: 9_500 };
        let e = Economics::new(Currency::USD, Decimal::from(125), Decimal::from(100));
        let m = snapshot_metrics(&c, Some(&e), Rounding::HalfAwayFromZero).unwrap();
        assert_eq!(m.renewal_rate.percent, Some(Decimal::new(8421, 2)));
        assert_eq!(m.churn.percent, Some(Decimal::new(1579, 2)));
        assert_eq!(m.average_tenure.as_ref().map(|t| t.exact.as_str()), Some("19/3"));
        assert_eq!(m.lifetime_value.as_ref().map(|l| l.gross.amount()), Some(Decimal::new(142500, 2)));
        // The published figure rounds the tenure to 6.333 before multiplying.
        assert_eq!(Decimal::from(225) * Decimal::new(6333, 3), Decimal::new(1_424_925, 3));
    }

    #[test]
    fn counts_that_contradict_are_refused() {
        let c = SnapshotCounts { members_now: 10, joined_last_12_months: 11, members_year_ago: 9 };
        assert_eq!(
            snapshot_metrics(&c, None, Rounding::HalfAwayFromZero).unwrap_err().code_name(),
            "inconsistent_counts"
        );
        let c = SnapshotCounts { members_now: 10, joined_last_12_months: 0, members_year_ago: 9 };
        assert!(snapshot_metrics(&c, None, Rounding::HalfAwayFromZero).is_err());
    }

    #[test]
    fn nobody_lost_means_no_finite_tenure() {
        let c = SnapshotCounts { members_now: 10, joined_last_12_months: 1, members_year_ago: 9 };
        let m = snapshot_metrics(&c, None, Rounding::HalfAwayFromZero).unwrap();
        assert_eq!(m.renewal_rate.rate, Some(Decimal::ONE));
        assert!(m.average_tenure.is_none() && m.lifetime_value.is_none());
    }

    trait CodeName {
        fn code_name(&self) -> &'static str;
    }
    impl CodeName for SuccessError {
        fn code_name(&self) -> &'static str {
            crate::codes::ErrorCode::name(self)
        }
    }
}
