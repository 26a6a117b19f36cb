//! Proration: a plan's rule for charging part of a term, and the exact fraction of a span a date leaves.
//!
//! # Conventions (each a named policy choice; defaults first)
//!
//! - **Granularity** ([`Granularity`]): `none` (full dues, the default), `day`, `month`,
//!   `quarter` (3 months) or `half` (6 months). Month-based units start on the span's own
//!   boundaries: a fiscal year from Jul 1 has months Jul 1–Jul 31, Aug 1–Aug 31, ...; a rolling
//!   term from Jan 15 has months Jan 15–Feb 14, ...
//! - **Day count** ([`DayCount`]): `inclusive` (the default) counts the days from the date to the
//!   span's last day, both included, over the span's days, both ends included (a join on Dec 31
//!   pays 1 of 365 days). `half_open` counts `[date, last day)`, as systems that subtract dates
//!   do: a join on Dec 31 pays 0 of 364 days.
//! - **Denominator** ([`Denominator`]): the span's `actual` days (365 or 366 for a year, 28 to 31
//!   for a month; the default), `days_365` (365 per year of the span) or a `fixed` number of days
//!   per period. With a fixed denominator a fraction may come out above one; it is capped at one,
//!   so a prorated charge never exceeds the full price.
//! - **The unit the date falls in** (month, quarter, half): counted by default
//!   (`count_join_unit: true`: joining on Jul 31 pays July). With `count_join_unit: false`, or on
//!   or after the `cutoff_day` (month granularity; the day number within the billing month, which
//!   is the day of the month for periods anchored on the 1st), that unit is free. A date on the
//!   first day of a unit always counts that unit: the member has all of it.
//! - **Exactness**: a fraction is the pair `units / of` of integers. A prorated amount is
//!   `price × units ÷ of`, multiplied before dividing, so the only inexactness is the 28th
//!   significant digit of a non-terminating quotient, which can never move a rounding at the
//!   currency's minor unit. Systems that first quantize the fraction (to 4 decimals, say) are
//!   reproduced with `settings.quotes.fraction_scale`; the quantization uses the policy's rounding.
//! - **Rounding** happens once per quote line, to the currency's minor unit, with the policy's
//!   named [`Rounding`] (default half away from zero; half-even is an option). `rust_decimal`'s
//!   `round_dp` default (half-even) is never used.
//!
//! Splitting an amount into instalments (`split_even`, `allocate`) is a quote's business: see
//! `quote/instalments.rs`.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use time::Date;

use crate::money::{decimal_text, Money, MoneyError, Rounding};
use crate::period::{add_days, add_months, DateError, Length, MonthEndRule, MonthSteps};

/// How finely a plan prorates a partial term.
///
/// ```
/// let g: amscore::Granularity = serde_json::from_str(r#""quarter""#)?;
/// assert_eq!(g, amscore::Granularity::Quarter);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Granularity {
    /// No proration: the full dues. The default.
    #[default]
    None,
    /// By day.
    Day,
    /// By whole month.
    Month,
    /// By quarter (3 months).
    Quarter,
    /// By half year (6 months).
    Half,
}

/// How days are counted for day proration.
///
/// ```
/// use amscore::{DayCount, Granularity, Proration};
/// use time::macros::date;
/// let half_open = Proration { granularity: Granularity::Day, day_count: DayCount::HalfOpen, ..Proration::default() };
/// let f = half_open.fraction(date!(2025-12-31), date!(2025-01-01), date!(2025-12-31), 1)?.expect("by day");
/// assert_eq!((f.units, f.of), (0, 364));
/// # Ok::<(), amscore::DateError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum DayCount {
    /// From the date to the span's last day, both included, over the span's days, both included.
    /// The default.
    #[default]
    Inclusive,
    /// `[date, last day)`: the span's last day is not counted, on either side of the fraction.
    HalfOpen,
    /// 30-day months (30E/360 ISDA): every month counts 30 days and a year 360. A date's day is
    /// its day of the month, at most 30, and the last day of any month (Feb 28 or 29 too) is day
    /// 30; days are counted from the date, included, to the day after the span's last day. A
    /// join on Jan 31 or Feb 28 (2025) pays 1 day of its month; a calendar year is 360 days.
    #[serde(rename = "thirty_360")]
    Thirty360,
    /// Whole months, then actual days within the partial month, as billing systems with a
    /// billing day count: the span is cut into months from its first day; the month the date
    /// falls in is charged for its days from the date (included) over that month's actual days,
    /// every later month in full. With a `fixed` or `days_365` denominator the partial month's
    /// days are over that denominator's days per month instead (`fixed: 360` on a year: 30).
    /// A span that is not whole months falls back to inclusive actual days.
    MonthsAndDays,
}

/// The denominator of a day fraction.
///
/// ```
/// use amscore::{Denominator, Granularity, Proration};
/// use time::macros::date;
/// let p = Proration { granularity: Granularity::Day, denominator: Denominator::Days365, ..Proration::default() };
/// let f = p.fraction(date!(2024-01-01), date!(2024-01-01), date!(2024-12-31), 1)?.expect("by day");
/// assert!(f.is_whole()); // 366 of 365 days is capped at the whole
/// # Ok::<(), amscore::DateError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Denominator {
    /// The span's actual days: 365 or 366 for a year, 28 to 31 for a month. The default.
    #[default]
    Actual,
    /// 365 days per year of the span, leap or not.
    #[serde(rename = "days_365")]
    Days365,
    /// A fixed number of days per period (360 for a yearly plan, 30 for a monthly one), 1 to 36600.
    Fixed(#[schemars(range(min = 1, max = 36_600))] u32),
}

/// What a join on or after a calendar plan's rollover day pays.
///
/// ```
/// let r: amscore::RolloverCharge = serde_json::from_str(r#""prorated_plus_full""#)?;
/// assert_eq!(r, amscore::RolloverCharge::ProratedPlusFull);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum RolloverCharge {
    /// Full dues for one term; the rest of the current period is free (the late-join rule).
    /// The default.
    #[default]
    FullDues,
    /// The rest of the current period prorated, plus full dues for the next term.
    ProratedPlusFull,
}

/// The least a prorated charge may come to.
///
/// ```
/// let m: amscore::MinimumCharge = serde_json::from_str(r#"{"amount": "10.00"}"#)?;
/// assert_eq!(m, amscore::MinimumCharge::Amount(rust_decimal::Decimal::new(1000, 2)));
/// let u: amscore::MinimumCharge = serde_json::from_str(r#""minor_unit""#)?;
/// assert_eq!(u, amscore::MinimumCharge::MinorUnit);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum MinimumCharge {
    /// One minor unit of the currency (0.01 USD, 1 JPY, 0.001 KWD).
    MinorUnit,
    /// A fixed amount in the plan's currency, written `{"amount": "10.00"}`.
    Amount(
        #[schemars(with = "crate::money::DecimalText")]
        #[serde(with = "decimal_text")]
        Decimal,
    ),
}

fn yes() -> bool {
    true
}

/// A plan's proration rule: how a join part-way through a calendar period is charged, and how
/// plan changes and cancellations measure the unused part of a term.
///
/// Written under a plan as `"proration": {"granularity": "month"}`; every field has a default.
///
/// ```
/// let p: amscore::Proration = serde_json::from_str(r#"{"granularity": "day", "denominator": {"fixed": 360}}"#)?;
/// assert_eq!(p.denominator, amscore::Denominator::Fixed(360));
/// assert!(p.count_join_unit);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct Proration {
    /// How finely to prorate (default `none`: full dues on joining).
    pub granularity: Granularity,
    /// Day counting for `day` granularity (default `inclusive`).
    pub day_count: DayCount,
    /// The denominator for `day` granularity (default `actual`).
    pub denominator: Denominator,
    /// Whether the month (quarter, half) the date falls in is charged. Default `true`.
    #[serde(default = "yes")]
    pub count_join_unit: bool,
    /// For `month` granularity: a date on or after this day of the billing month does not charge
    /// that month. 2 to 31.
    #[schemars(range(min = 2, max = 31))]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cutoff_day: Option<u8>,
    /// Prorate only joins within this length (a count of 1 to 1200) of the period's end; earlier
    /// joins pay full dues.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub only_within: Option<Length>,
    /// What a join on or after the rollover day pays (default `full_dues`).
    pub rollover_charge: RolloverCharge,
    /// Whether reinstatements that restart the term are prorated like joins (default `false`:
    /// only new members are).
    pub reinstatements: bool,
    /// Whether the join fee is prorated too (default `false`).
    pub join_fee: bool,
    /// The least a prorated dues line may come to (never more than the full dues).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub minimum: Option<MinimumCharge>,
}

impl Default for Proration {
    fn default() -> Proration {
        Proration {
            granularity: Granularity::None,
            day_count: DayCount::Inclusive,
            denominator: Denominator::Actual,
            count_join_unit: true,
            cutoff_day: None,
            only_within: None,
            rollover_charge: RolloverCharge::FullDues,
            reinstatements: false,
            join_fee: false,
            minimum: None,
        }
    }
}

impl Proration {
    /// Whether this is the default rule (no proration), so a policy can leave it out.
    pub fn is_default(&self) -> bool {
        *self == Proration::default()
    }

    /// The rule plan changes and cancellations use: this one, except that `none` becomes
    /// inclusive actual days (a change must measure the unused part somehow).
    ///
    /// ```
    /// use amscore::{Granularity, Proration};
    /// assert_eq!(Proration::default().for_changes().granularity, Granularity::Day);
    /// ```
    pub fn for_changes(&self) -> Proration {
        if self.granularity == Granularity::None {
            self.by_day()
        } else {
            self.clone()
        }
    }

    /// The plan's day count and denominator by day, whatever its granularity: what a refund
    /// "by day" uses, so that a cancellation counts days as the plan's joins and changes do.
    ///
    /// ```
    /// use amscore::{DayCount, Granularity, Proration};
    /// let p = Proration { granularity: Granularity::Month, day_count: DayCount::Thirty360, ..Proration::default() };
    /// assert_eq!((p.by_day().granularity, p.by_day().day_count), (Granularity::Day, DayCount::Thirty360));
    /// ```
    pub fn by_day(&self) -> Proration {
        Proration {
            granularity: Granularity::Day,
            day_count: self.day_count,
            denominator: self.denominator,
            ..Proration::default()
        }
    }

    /// The fraction of the span `[start, end]` (inclusive) charged from `date` on, or `None` for
    /// granularity `none` (charge in full).
    ///
    /// `periods` is the number of calendar periods the span covers (for `days_365` and `fixed`
    /// denominators).
    ///
    /// ```
    /// use amscore::{Granularity, Proration};
    /// use time::macros::date;
    /// let month = Proration { granularity: Granularity::Month, ..Proration::default() };
    /// let f = month.fraction(date!(2025-06-10), date!(2025-01-01), date!(2025-12-31), 1)?.expect("prorated");
    /// assert_eq!((f.units, f.of), (7, 12));
    /// # Ok::<(), amscore::DateError>(())
    /// ```
    ///
    /// # Errors
    /// [`DateError::OutOfRange`] at the ends of the calendar.
    pub fn fraction(&self, date: Date, start: Date, end: Date, periods: u32) -> Result<Option<Fraction>, DateError> {
        let size = match self.granularity {
            Granularity::None => return Ok(None),
            Granularity::Day => return Ok(Some(self.day_fraction(date, start, end, periods)?)),
            Granularity::Month => 1,
            Granularity::Quarter => 3,
            Granularity::Half => 6,
        };
        let unit = match self.granularity {
            Granularity::Quarter => ProrationUnit::Quarter,
            Granularity::Half => ProrationUnit::Half,
            _ => ProrationUnit::Month,
        };
        match month_units(date, start, end, size)? {
            Some((index, of, unit_start)) => {
                let first_day = date == unit_start;
                let cut = self.granularity == Granularity::Month
                    && self.cutoff_day.is_some_and(|c| (date - unit_start).whole_days() + 1 >= i64::from(c));
                let counts = date >= start && (first_day || (self.count_join_unit && !cut));
                let units = if date < start { of } else { of - index - i64::from(!counts) };
                Ok(Some(Fraction::new(unit, units, of)))
            }
            // A span that is not a whole number of units falls back to inclusive actual days.
            None => Ok(Some(Proration::default().day_fraction(date, start, end, periods)?)),
        }
    }

    /// The fraction of the span `[start, end]` charged from `date` up to `until` (its last day,
    /// included): what [`Proration::fraction`] charges from `date` less what it charges from the
    /// day after `until`, in lowest terms when the two differ in denominator. A `until` on or
    /// after `end` is [`Proration::fraction`] itself.
    ///
    /// ```
    /// use amscore::{Granularity, Proration};
    /// use time::macros::date;
    /// let day = Proration { granularity: Granularity::Day, ..Proration::default() };
    /// let f = day.fraction_until(date!(2025-03-01), date!(2025-06-30), date!(2025-01-01), date!(2025-12-31), 1)?.expect("by day");
    /// assert_eq!((f.units, f.of), (122, 365)); // Mar 1 to Jun 30
    /// # Ok::<(), amscore::DateError>(())
    /// ```
    ///
    /// # Errors
    /// [`DateError::OutOfRange`] at the ends of the calendar.
    pub fn fraction_until(
        &self,
        date: Date,
        until: Date,
        start: Date,
        end: Date,
        periods: u32,
    ) -> Result<Option<Fraction>, DateError> {
        let Some(from) = self.fraction(date, start, end, periods)? else {
            return Ok(None);
        };
        if until >= end {
            return Ok(Some(from));
        }
        let Some(rest) = self.fraction(add_days(until, 1)?, start, end, periods)? else {
            return Ok(Some(from));
        };
        if rest.of == from.of {
            return Ok(Some(Fraction::new(from.unit, from.units - rest.units, from.of)));
        }
        let units = from.units * rest.of - rest.units * from.of;
        let of = from.of * rest.of;
        let g = gcd(units.max(0), of).max(1);
        Ok(Some(Fraction::new(from.unit, units / g, of / g)))
    }

    fn day_fraction(&self, date: Date, start: Date, end: Date, periods: u32) -> Result<Fraction, DateError> {
        let from = date.max(start);
        let per_period = |n: i64| n * i64::from(periods.max(1));
        let over = |actual: i64| match self.denominator {
            Denominator::Actual => actual,
            Denominator::Days365 => per_period(365),
            Denominator::Fixed(n) => per_period(i64::from(n)),
        };
        let (units, of) = match self.day_count {
            DayCount::Inclusive => ((end - from).whole_days() + 1, over((end - start).whole_days() + 1)),
            DayCount::HalfOpen => ((end - from).whole_days(), over((end - start).whole_days())),
            DayCount::Thirty360 => {
                let after = add_days(end, 1)?;
                (days_360(from.min(after), after), over(days_360(start, after)))
            }
            DayCount::MonthsAndDays => match month_units(from, start, end, 1)? {
                Some((_, months, _)) if from > end => return Ok(Fraction::new(ProrationUnit::MonthDay, 0, months)),
                Some((index, months, unit_start)) => {
                    let next = add_months(start, index + 1, MonthEndRule::Clamp)?;
                    let partial = (next - from).whole_days();
                    let whole = months - index - 1;
                    let (units, of) = match self.denominator {
                        Denominator::Actual => {
                            let month = (next - unit_start).whole_days();
                            (whole * month + partial, months * month)
                        }
                        // The denominator's days spread evenly over the span's months, in lowest
                        // terms (a fixed 360-day year: 331 of 360, not 3972 of 4320).
                        _ => {
                            let total = over(0);
                            let (units, of) = (whole * total + partial * months, months * total);
                            let g = gcd(units.max(0), of).max(1);
                            (units / g, of / g)
                        }
                    };
                    return Ok(Fraction::new(ProrationUnit::MonthDay, units, of));
                }
                None => return Proration::default().day_fraction(date, start, end, periods),
            },
        };
        Ok(Fraction::new(ProrationUnit::Day, units, of))
    }
}

fn gcd(mut a: i64, mut b: i64) -> i64 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

/// Days from `from` to `to` (exclusive) in 30-day months, 30E/360 ISDA: a day is at most 30, and
/// the last day of any month is day 30.
///
/// ```
/// use time::macros::date;
/// assert_eq!(amscore::days_360(date!(2025-01-01), date!(2026-01-01)), 360);
/// assert_eq!(amscore::days_360(date!(2025-02-28), date!(2025-03-01)), 1);
/// assert_eq!(amscore::days_360(date!(2024-02-28), date!(2024-03-01)), 3);
/// ```
pub fn days_360(from: Date, to: Date) -> i64 {
    let serial = |d: Date| {
        let last = d.month().length(d.year());
        let day = if d.day() == last { 30 } else { d.day().min(30) };
        i64::from(d.year()) * 360 + (i64::from(u8::from(d.month())) - 1) * 30 + i64::from(day)
    };
    serial(to) - serial(from)
}

/// Whole unused months of `[start, end]` from `date`: the months that start on or after it.
///
/// ```
/// use time::macros::date;
/// let f = amscore::whole_unused_months(date!(2025-03-01), date!(2025-01-01), date!(2025-12-31))?;
/// assert_eq!((f.units, f.of), (10, 12));
/// # Ok::<(), amscore::DateError>(())
/// ```
///
/// # Errors
/// [`DateError::OutOfRange`] at the ends of the calendar.
pub fn whole_unused_months(date: Date, start: Date, end: Date) -> Result<Fraction, DateError> {
    let rule = Proration { granularity: Granularity::Month, count_join_unit: false, ..Proration::default() };
    Ok(rule.fraction(date, start, end, 1)?.unwrap_or(Fraction::new(ProrationUnit::Month, 1, 1)))
}

/// Splits `[start, end]` into units of `size` months from `start`. Returns the index of the unit
/// holding `date` (0 before the span, the count after it), the number of units, and that unit's
/// first day; or `None` when the span is not a whole number of units.
fn month_units(date: Date, start: Date, end: Date, size: i64) -> Result<Option<(i64, i64, Date)>, DateError> {
    let after_end = add_days(end, 1)?;
    // `start` on the calendar once: every boundary below is a step of whole months from it.
    let steps = MonthSteps::from(start);
    // The unit boundaries asked for last, kept: each search below asks for its answer again.
    let mut kept: [Option<(i64, Date)>; 2] = [None, None];
    let mut at = |k: i64| -> Result<Date, DateError> {
        if let Some((_, d)) = kept.iter().flatten().find(|(i, _)| *i == k) {
            return Ok(*d);
        }
        let d = steps.add(k * size, MonthEndRule::Clamp)?;
        kept = [Some((k, d)), kept[0]];
        Ok(d)
    };
    // `at` grows strictly with k, and the calendar-month distance from `start` to a date is
    // within one unit of the k sought: start there and step, rather than walking every unit
    // from `start` (a quote's costliest step; see benches/README.md).
    let units_to = |to: Date| steps.months_to(to).div_euclid(size);
    // Spans are at most 1200 months long (policy validation); 2400 units bounds the search.
    let mut of = units_to(after_end).clamp(0, 2401);
    while of > 0 && at(of)? > after_end {
        of -= 1;
    }
    while of <= 2400 && at(of + 1)? <= after_end {
        of += 1;
    }
    if of > 2400 || of == 0 || at(of)? != after_end {
        return Ok(None);
    }
    if date < start {
        return Ok(Some((0, of, start)));
    }
    if date > end {
        return Ok(Some((of, of, after_end)));
    }
    let mut index = units_to(date).clamp(0, of - 1);
    while index > 0 && at(index)? > date {
        index -= 1;
    }
    while index + 1 < of && at(index + 1)? <= date {
        index += 1;
    }
    Ok(Some((index, of, at(index)?)))
}

/// The unit a [`Fraction`] counts in.
///
/// ```
/// assert_eq!(serde_json::to_string(&amscore::ProrationUnit::Half)?, r#""half""#);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProrationUnit {
    /// Days.
    Day,
    /// Months.
    Month,
    /// Quarters.
    Quarter,
    /// Half years.
    Half,
    /// Month-days of a [`DayCount::MonthsAndDays`] fraction: each month of the span counts as
    /// many parts as the partial month has days (or as the denominator gives per month), so
    /// 1 month and 10 of 30 days in a year is `40 of 360`.
    MonthDay,
}

/// An exact proration fraction: `units` of `of`, in a unit. Always `0 ≤ units ≤ of`, `of ≥ 1`.
///
/// ```
/// use amscore::{Currency, Fraction, Money, ProrationUnit, Rounding};
/// let half = Fraction::new(ProrationUnit::Month, 6, 12);
/// let dues = Money::parse("200.00", Currency::USD)?;
/// assert_eq!(half.apply(&dues, None, Rounding::HalfAwayFromZero)?.to_string(), "100.00 USD");
/// # Ok::<(), amscore::MoneyError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fraction {
    /// The unit counted.
    pub unit: ProrationUnit,
    /// The units charged (or unused).
    pub units: i64,
    /// The units in the whole span.
    pub of: i64,
}

impl Fraction {
    /// A fraction, clamped to `0 ≤ units ≤ of` with `of ≥ 1`.
    pub fn new(unit: ProrationUnit, units: i64, of: i64) -> Fraction {
        let of = of.max(1);
        Fraction { unit, units: units.clamp(0, of), of }
    }

    /// The whole span.
    pub fn whole(unit: ProrationUnit) -> Fraction {
        Fraction { unit, units: 1, of: 1 }
    }

    /// Whether the fraction is all of the span.
    pub fn is_whole(&self) -> bool {
        self.units == self.of
    }

    /// The rest of the span: `of - units` of `of`.
    ///
    /// ```
    /// let f = amscore::Fraction::new(amscore::ProrationUnit::Month, 10, 12);
    /// assert_eq!(f.complement().units, 2);
    /// ```
    pub fn complement(&self) -> Fraction {
        Fraction { unit: self.unit, units: self.of - self.units, of: self.of }
    }

    /// The fraction as a decimal, quantized to `scale` decimals with `rounding` if asked.
    ///
    /// ```
    /// use amscore::{Fraction, ProrationUnit, Rounding};
    /// let f = Fraction::new(ProrationUnit::Day, 1, 3);
    /// assert_eq!(f.factor(Some(4), Rounding::HalfAwayFromZero).to_string(), "0.3333");
    /// ```
    pub fn factor(&self, scale: Option<u32>, rounding: Rounding) -> Decimal {
        let exact = Decimal::from(self.units) / Decimal::from(self.of);
        match scale {
            Some(s) => exact.round_dp_with_strategy(s, rounding.strategy()),
            None => exact,
        }
    }

    /// `amount × fraction`, rounded once to the currency's minor unit with `rounding`. Without a
    /// scale the product is formed before dividing; with one, the quantized factor is used.
    ///
    /// # Errors
    /// [`MoneyError::Overflow`].
    pub fn apply(&self, amount: &Money, scale: Option<u32>, rounding: Rounding) -> Result<Money, MoneyError> {
        let raw = match scale {
            Some(_) => amount.checked_mul(self.factor(scale, rounding))?,
            None => {
                if let Some(share) = self.share_in_minor_units(amount, rounding) {
                    return Ok(share);
                }
                self.share_by_decimal(amount)?
            }
        };
        Ok(raw.round(rounding))
    }

    /// `amount × units / of` as a decimal (28 significant digits), before rounding.
    fn share_by_decimal(&self, amount: &Money) -> Result<Money, MoneyError> {
        let product = amount.checked_mul(Decimal::from(self.units))?;
        let quotient = product.amount().checked_div(Decimal::from(self.of)).ok_or(MoneyError::Overflow)?;
        Ok(Money::new(quotient, amount.currency()))
    }

    /// [`Fraction::apply`] without a scale, in integers: `amount × units / of` rounded once to the
    /// minor unit with `rounding`, for an amount in minor units of at most 10^15 (not negative)
    /// and a span of at most 10^6 units. There the rounding is the decimal quotient's: a quotient
    /// that is not exactly on a rounding boundary is at least 1/(2·of) of a minor unit from it,
    /// far more than the decimal quotient's error (under 10^-9 of a minor unit), and one that is
    /// on it is exact in both. `None` outside those bounds (the decimal quotient is used).
    fn share_in_minor_units(&self, amount: &Money, rounding: Rounding) -> Option<Money> {
        let places = amount.currency().minor_units();
        let value = amount.amount();
        if value.scale() > places || value.is_sign_negative() || !(0..=self.of).contains(&self.units) {
            return None;
        }
        if !(1..=1_000_000).contains(&self.of) {
            return None;
        }
        let minor = value.mantissa().checked_mul(10_i128.checked_pow(places - value.scale())?)?;
        if minor > 1_000_000_000_000_000 {
            return None;
        }
        let n = minor * i128::from(self.units);
        // In 64 bits when the product fits (every amount below 1.8e13 minor units, the usual
        // case): one machine division instead of a 128-bit one.
        let (q, r) = match u64::try_from(n) {
            Ok(n) => {
                let of = self.of.unsigned_abs();
                (i128::from(n / of), i128::from(n % of))
            }
            Err(_) => (n / i128::from(self.of), n % i128::from(self.of)),
        };
        let of = i128::from(self.of);
        // Whether to round up (away from zero: n is not negative).
        let up = r != 0
            && match rounding {
                Rounding::HalfAwayFromZero => 2 * r >= of,
                Rounding::HalfEven => 2 * r > of || (2 * r == of && q % 2 == 1),
                Rounding::HalfTowardZero => 2 * r > of,
                Rounding::TowardZero | Rounding::Floor => false,
                Rounding::AwayFromZero | Rounding::Ceiling => true,
            };
        let q = if up { q + 1 } else { q };
        Some(Money::new(Decimal::from_i128_with_scale(q, places), amount.currency()))
    }

    /// Splits `amount` into this fraction's part (rounded once, as [`Fraction::apply`]) and the
    /// rest, so that the two always sum to the amount: a cancellation's refund and the used part.
    ///
    /// ```
    /// use amscore::{Currency, Fraction, Money, ProrationUnit, Rounding};
    /// let paid = Money::parse("0.01", Currency::USD)?;
    /// let (part, rest) = Fraction::new(ProrationUnit::Day, 1, 2).split(&paid, None, Rounding::HalfAwayFromZero)?;
    /// assert_eq!((part.to_string(), rest.to_string()), ("0.01 USD".into(), "0.00 USD".into()));
    /// # Ok::<(), amscore::MoneyError>(())
    /// ```
    ///
    /// # Errors
    /// [`MoneyError::Overflow`].
    pub fn split(&self, amount: &Money, scale: Option<u32>, rounding: Rounding) -> Result<(Money, Money), MoneyError> {
        let part = self.apply(amount, scale, rounding)?;
        let rest = amount.round(rounding).checked_sub(&part)?;
        Ok((part, rest))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    /// The unit-by-unit walk `month_units` replaced: the oracle of its property test.
    fn month_units_by_walking(
        date: Date,
        start: Date,
        end: Date,
        size: i64,
    ) -> Result<Option<(i64, i64, Date)>, DateError> {
        let after_end = add_days(end, 1)?;
        let mut of = 0_i64;
        loop {
            let next = add_months(start, (of + 1) * size, MonthEndRule::Clamp)?;
            if next > after_end {
                break;
            }
            of += 1;
            if of > 2400 {
                return Ok(None);
            }
        }
        if of == 0 || add_months(start, of * size, MonthEndRule::Clamp)? != after_end {
            return Ok(None);
        }
        if date < start {
            return Ok(Some((0, of, start)));
        }
        let mut index = 0_i64;
        while index + 1 < of && add_months(start, (index + 1) * size, MonthEndRule::Clamp)? <= date {
            index += 1;
        }
        if date > end {
            return Ok(Some((of, of, after_end)));
        }
        Ok(Some((index, of, add_months(start, index * size, MonthEndRule::Clamp)?)))
    }

    proptest::proptest! {
        /// The integer share is the decimal quotient rounded once, for every rounding, every
        /// amount written with up to the minor unit's decimals, and every fraction it takes.
        #[test]
        fn an_integer_share_is_the_rounded_decimal_quotient(
            minor in proptest::prop_oneof![0_i64..1_000, 0_i64..=1_000_000_000_000_000],
            dropped in 0_u32..=2,
            of in proptest::prop_oneof![1_i64..=13, 1_i64..=1_000_000],
            units in 0_i64..=1_000_000,
            rounding in proptest::sample::select(vec![
                Rounding::HalfAwayFromZero, Rounding::HalfEven, Rounding::HalfTowardZero, Rounding::TowardZero,
                Rounding::AwayFromZero, Rounding::Floor, Rounding::Ceiling,
            ]),
            currency in proptest::sample::select(vec![crate::Currency::USD, crate::Currency::JPY, crate::Currency::KWD]),
        ) {
            let places = currency.minor_units();
            let dropped = dropped.min(places);
            // The same amount with fewer decimals written (trailing zeros dropped) where it has them.
            let written = Decimal::from_i128_with_scale(i128::from(minor), places);
            let amount = if dropped > 0 && minor % 10_i64.pow(dropped) == 0 {
                Decimal::from_i128_with_scale(i128::from(minor / 10_i64.pow(dropped)), places - dropped)
            } else {
                written
            };
            let amount = Money::new(amount, currency);
            let f = Fraction { unit: ProrationUnit::Day, units: units % (of + 1), of };
            let fast = f.share_in_minor_units(&amount, rounding);
            proptest::prop_assert!(fast.is_some());
            let exact = f.share_by_decimal(&amount).map(|m| m.round(rounding));
            proptest::prop_assert_eq!(fast.map(|m| (m.amount().to_string(), m.currency())),
                exact.ok().map(|m| (m.amount().to_string(), m.currency())));
        }

        #[test]
        fn month_units_equals_the_unit_by_unit_walk(
            start in -4_300_000_i32..=2_913_000,
            len in 0_i64..1300,
            len_months in proptest::bool::ANY,
            offset in -800_i64..900,
            size in proptest::sample::select(vec![1_i64, 3, 6, 12]),
        ) {
            let start = Date::from_julian_day(start + 2_460_000).unwrap_or(Date::MIN);
            // Whole-unit spans (the usual case) and arbitrary day spans.
            let end = if len_months {
                add_months(start, (len % 100 + 1) * size, MonthEndRule::Clamp).and_then(|d| add_days(d, -1))
            } else {
                add_days(start, len)
            };
            let Ok(end) = end else { return Ok(()) };
            let Ok(date) = add_days(start, offset * 7 % 40_000) else { return Ok(()) };
            proptest::prop_assert_eq!(month_units(date, start, end, size), month_units_by_walking(date, start, end, size));
        }
    }

    fn rule(g: Granularity) -> Proration {
        Proration { granularity: g, ..Proration::default() }
    }

    #[test]
    fn month_proration_counts_the_join_month_by_default() {
        let f =
            rule(Granularity::Month).fraction(date!(2025 - 07 - 01), date!(2025 - 01 - 01), date!(2025 - 12 - 31), 1);
        assert_eq!(f, Ok(Some(Fraction::new(ProrationUnit::Month, 6, 12))));
        let f =
            rule(Granularity::Month).fraction(date!(2025 - 07 - 31), date!(2025 - 01 - 01), date!(2025 - 12 - 31), 1);
        assert_eq!(f, Ok(Some(Fraction::new(ProrationUnit::Month, 6, 12))));
    }

    #[test]
    fn cutoff_day_frees_the_join_month() {
        let p = Proration { cutoff_day: Some(15), ..rule(Granularity::Month) };
        let f = |d| p.fraction(d, date!(2025 - 01 - 01), date!(2025 - 12 - 31), 1).map(|f| f.map(|f| f.units));
        assert_eq!(f(date!(2025 - 06 - 14)), Ok(Some(7)));
        assert_eq!(f(date!(2025 - 06 - 15)), Ok(Some(6)));
    }

    #[test]
    fn day_counts_differ_by_convention() {
        let inclusive = rule(Granularity::Day);
        let half_open = Proration { day_count: DayCount::HalfOpen, ..inclusive.clone() };
        let (s, e) = (date!(2024 - 01 - 01), date!(2024 - 12 - 31));
        let f = inclusive.fraction(date!(2024 - 12 - 31), s, e, 1).ok().flatten();
        assert_eq!(f.map(|f| (f.units, f.of)), Some((1, 366)));
        let f = half_open.fraction(date!(2024 - 12 - 31), s, e, 1).ok().flatten();
        assert_eq!(f.map(|f| (f.units, f.of)), Some((0, 365)));
    }

    #[test]
    fn quarters_and_halves_follow_the_span() {
        let (s, e) = (date!(2025 - 07 - 01), date!(2026 - 06 - 30));
        let q = rule(Granularity::Quarter).fraction(date!(2025 - 11 - 20), s, e, 1).ok().flatten();
        assert_eq!(q.map(|f| (f.units, f.of)), Some((3, 4)));
        let h = rule(Granularity::Half).fraction(date!(2026 - 01 - 01), s, e, 1).ok().flatten();
        assert_eq!(h.map(|f| (f.units, f.of)), Some((1, 2)));
    }

    const DAY_COUNTS: [DayCount; 4] =
        [DayCount::Inclusive, DayCount::HalfOpen, DayCount::Thirty360, DayCount::MonthsAndDays];

    #[test]
    fn thirty_day_months_count_month_ends_as_day_30() {
        let p = Proration { day_count: DayCount::Thirty360, ..rule(Granularity::Day) };
        let (s, e) = (date!(2025 - 01 - 01), date!(2025 - 12 - 31));
        let f = |d| p.fraction(d, s, e, 1).ok().flatten().map(|f| (f.units, f.of));
        assert_eq!(f(date!(2025 - 01 - 01)), Some((360, 360)));
        assert_eq!(f(date!(2025 - 01 - 31)), Some((331, 360))); // the 31st is day 30: 1 day of January
        assert_eq!(f(date!(2025 - 02 - 28)), Some((301, 360))); // Feb 28 is February's last day
        assert_eq!(f(date!(2025 - 07 - 01)), Some((180, 360)));
        assert_eq!(f(date!(2025 - 12 - 31)), Some((1, 360)));
        let leap = |d| p.fraction(d, date!(2024 - 01 - 01), date!(2024 - 12 - 31), 1).ok().flatten().map(|f| f.units);
        assert_eq!(leap(date!(2024 - 02 - 28)), Some(303)); // 28, 29 and 30 of a 30-day February
        assert_eq!(leap(date!(2024 - 02 - 29)), Some(301));
    }

    #[test]
    fn months_and_days_charge_the_partial_month_by_its_own_days() {
        let p = Proration { day_count: DayCount::MonthsAndDays, ..rule(Granularity::Day) };
        let (s, e) = (date!(2025 - 01 - 01), date!(2025 - 12 - 31));
        let f = |d| p.fraction(d, s, e, 1).ok().flatten().map(|f| (f.unit, f.units, f.of));
        // Jun 10: 21 of June's 30 days and 6 whole months, of 12 months of 30.
        assert_eq!(f(date!(2025 - 06 - 10)), Some((ProrationUnit::MonthDay, 6 * 30 + 21, 12 * 30)));
        // Feb 28 (2025): 1 of February's 28 days and 10 whole months.
        assert_eq!(f(date!(2025 - 02 - 28)), Some((ProrationUnit::MonthDay, 10 * 28 + 1, 12 * 28)));
        assert_eq!(f(date!(2025 - 01 - 31)), Some((ProrationUnit::MonthDay, 11 * 31 + 1, 12 * 31)));
        // A fixed 360-day year gives every month 30 days: Jan 31 is 1 of 30 days of January.
        let fixed = Proration { denominator: Denominator::Fixed(360), ..p.clone() };
        let g =
            fixed.fraction(date!(2025 - 01 - 31), s, e, 1).ok().flatten().map(|f| f.factor(None, Rounding::HalfEven));
        assert_eq!(g, Some(Decimal::from(11 * 30 + 1) / Decimal::from(360)));
        // A span that is not whole months falls back to inclusive actual days.
        let odd = p.fraction(date!(2025 - 01 - 10), s, date!(2025 - 01 - 19), 1).ok().flatten();
        assert_eq!(odd.map(|f| (f.unit, f.units, f.of)), Some((ProrationUnit::Day, 10, 19)));
    }

    #[test]
    fn by_day_keeps_the_plans_day_count_and_denominator() {
        let p = Proration {
            granularity: Granularity::Month,
            day_count: DayCount::HalfOpen,
            denominator: Denominator::Fixed(360),
            minimum: Some(MinimumCharge::MinorUnit),
            ..Proration::default()
        };
        let d = p.by_day();
        assert_eq!(
            (d.granularity, d.day_count, d.denominator, d.minimum),
            (Granularity::Day, DayCount::HalfOpen, Denominator::Fixed(360), None)
        );
        assert_eq!(
            Proration::default().for_changes(),
            Proration { granularity: Granularity::Day, ..Proration::default() }
        );
    }

    proptest::proptest! {
        /// Invariant: whatever the day count, denominator and dates, a fraction is within [0, 1].
        #[test]
        fn invariant_day_fraction_is_within_zero_and_one(
            start in 0_i32..20_000, months in 1_i64..40, offset in -400_i64..1_600,
            dc in 0_usize..4, den in 0_usize..3, fixed in 1_u32..=400,
        ) {
            let start = Date::from_julian_day(start + 2_450_000).unwrap_or(Date::MIN);
            let Ok(end) = add_months(start, months, MonthEndRule::Clamp).and_then(|d| add_days(d, -1)) else { return Ok(()) };
            let Ok(date) = add_days(start, offset) else { return Ok(()) };
            let denominator = [Denominator::Actual, Denominator::Days365, Denominator::Fixed(fixed)][den];
            let p = Proration { granularity: Granularity::Day, day_count: DAY_COUNTS[dc], denominator, ..Proration::default() };
            let f = p.fraction(date, start, end, 1).ok().flatten();
            proptest::prop_assert!(f.is_some_and(|f| 0 <= f.units && f.units <= f.of && f.of >= 1), "{f:?}");
        }

        /// Invariant: a span charged up to a day and the rest after it add up to the whole
        /// charge from the date, under every day count and granularity (a dated join's share).
        #[test]
        fn invariant_fraction_until_and_the_rest_make_the_fraction(
            start in 0_i32..20_000, months in 1_i64..30, offset in 0_i64..900, len in 0_i64..900,
            dc in 0_usize..4, g in 1_usize..5,
        ) {
            let start = Date::from_julian_day(start + 2_450_000).unwrap_or(Date::MIN);
            let Ok(end) = add_months(start, months, MonthEndRule::Clamp).and_then(|d| add_days(d, -1)) else { return Ok(()) };
            let (Ok(date), Ok(until)) = (add_days(start, offset % (months * 31)), add_days(start, (offset + len) % (months * 31))) else { return Ok(()) };
            if until < date || until >= end {
                return Ok(());
            }
            let granularity = [Granularity::None, Granularity::Day, Granularity::Month, Granularity::Quarter, Granularity::Half][g];
            let p = Proration { granularity, day_count: DAY_COUNTS[dc], ..Proration::default() };
            let (Ok(Some(part)), Ok(Some(whole)), Ok(Some(rest))) = (
                p.fraction_until(date, until, start, end, 1),
                p.fraction(date, start, end, 1),
                add_days(until, 1).and_then(|d| p.fraction(d, start, end, 1)),
            ) else { return Ok(()) };
            let sum = part.factor(None, Rounding::HalfEven) + rest.factor(None, Rounding::HalfEven);
            let diff = (sum - whole.factor(None, Rounding::HalfEven)).abs();
            proptest::prop_assert!(diff < Decimal::new(1, 20), "{part:?} + {rest:?} != {whole:?}");
        }

        /// Invariant: on the term's first day (or before it), the fraction of the whole term is 1,
        /// under every day count with the actual denominator; after its last day it is 0.
        #[test]
        fn invariant_whole_term_fraction_is_one(start in 0_i32..20_000, months in 1_i64..40, days in 0_i64..800, whole_months: bool, dc in 0_usize..4) {
            let start = Date::from_julian_day(start + 2_450_000).unwrap_or(Date::MIN);
            let end = if whole_months { add_months(start, months, MonthEndRule::Clamp).and_then(|d| add_days(d, -1)) } else { add_days(start, days) };
            let Ok(end) = end else { return Ok(()) };
            let p = Proration { granularity: Granularity::Day, day_count: DAY_COUNTS[dc], ..Proration::default() };
            if DAY_COUNTS[dc] == DayCount::HalfOpen && end == start {
                return Ok(()); // a one-day span has no half-open days
            }
            let f = p.fraction(start, start, end, 1).ok().flatten();
            proptest::prop_assert!(f.is_some_and(|f| f.is_whole()), "{f:?}");
            let after = add_days(end, 1).ok().and_then(|d| p.fraction(d, start, end, 1).ok().flatten());
            proptest::prop_assert!(after.is_some_and(|f| f.units == 0), "{after:?}");
        }
    }
}
