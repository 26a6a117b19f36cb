//! Calendar arithmetic: lengths of N days, months or years, signed offsets, month-days, and the
//! month-end rule that decides what Jan 31 + 1 month is.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use time::{Date, Month};

use crate::codes::error_codes;

/// An error in date arithmetic or in a written date.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DateError {
    /// The result of the arithmetic falls outside the supported range (years -9999 to 9999).
    #[error("date out of range: {what}")]
    OutOfRange {
        /// What was being computed.
        what: String,
    },
    /// A month-day that does not exist, such as `02-30` or `13-01`.
    #[error("invalid month-day `{text}`: {reason}")]
    InvalidMonthDay {
        /// The text or values that were given.
        text: String,
        /// Why it was refused.
        reason: String,
    },
    /// A date that cannot be read as an ISO 8601 calendar date (`YYYY-MM-DD`) or does not exist.
    #[error("invalid date `{text}`: expected YYYY-MM-DD")]
    InvalidDate {
        /// The text that was given.
        text: String,
    },
}

error_codes!(DateError, "date", DATE_ERRORS, {
    DateError::OutOfRange { .. } => 1101, "date_out_of_range";
    DateError::InvalidMonthDay { .. } => 1102, "invalid_month_day";
    DateError::InvalidDate { .. } => 1103, "invalid_date";
});

/// What adding months does when the day does not exist in the target month.
///
/// amscore's default is [`MonthEndRule::Clamp`]: Jan 31 + 1 month = Feb 28 (Feb 29 in a leap
/// year), and Feb 29 + 1 year = Feb 28. [`MonthEndRule::Overflow`] reproduces PHP's
/// `mktime`/`strtotime` (and so CiviCRM and other PHP systems): the surplus days spill into the
/// next month, Jan 31 + 1 month = Mar 3 (Mar 2 in a leap year), Feb 29 + 1 year = Mar 1.
///
/// ```
/// use amscore::{add_months, MonthEndRule};
/// use time::macros::date;
/// assert_eq!(add_months(date!(2025-01-31), 1, MonthEndRule::Clamp)?, date!(2025-02-28));
/// assert_eq!(add_months(date!(2024-01-31), 1, MonthEndRule::Clamp)?, date!(2024-02-29));
/// assert_eq!(add_months(date!(2025-01-31), 1, MonthEndRule::Overflow)?, date!(2025-03-03));
/// assert_eq!(add_months(date!(2024-01-31), 1, MonthEndRule::Overflow)?, date!(2024-03-02));
/// # Ok::<(), amscore::DateError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum MonthEndRule {
    /// Clamp to the last day of the target month. The default.
    #[default]
    Clamp,
    /// Spill the surplus days into the following month, as PHP's `mktime` does.
    Overflow,
}

/// Where a rolling term's inclusive end falls.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum RollingEnd {
    /// The day before the anniversary: a 1-year term from 2025-01-15 ends 2026-01-14. The default.
    #[default]
    DayBefore,
    /// The anniversary itself: a 1-year term from 2025-01-15 ends 2026-01-15 (Tendenci, whose
    /// expiry is an instant on the anniversary).
    Anniversary,
}

/// How a renewal's new end is counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum RenewalEnd {
    /// From the new term's first day (the day after the old end), like a join. The default:
    /// old end 2024-02-29 + 1 year → new end 2025-02-28.
    #[default]
    FromNextStart,
    /// The length is added to the old end date (Tendenci): old end 2025-01-14 + 1 year → 2026-01-14.
    FromPreviousEnd,
    /// Years are added to the old end, months and days count from the next start (CiviCRM since
    /// 5.66): old end 2024-02-29 + 1 year → 2025-03-01 with overflow.
    FromPreviousEndForYears,
    /// Years are added to the old end; a month or day term counts from the renewal date, so an
    /// early renewal loses the days left (Tendenci, whose `get_expiration_dt` adds months and days
    /// to `now`): old end 2024-05-20 + 1 month renewed 2024-05-10 → 2024-06-10.
    FromRenewalDateExceptYears,
}

/// Whether a term's last day is still active: what the stored expiry means.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ExpiryInstant {
    /// The term's end date is its last active day (the member expires at the end of it). The
    /// default.
    #[default]
    EndOfDay,
    /// The term's end date is an expiry instant at midnight at its start: on the end date the
    /// member is already past the term (Tendenci, which stores `expire_dt` and compares it with
    /// `now`). Grace and the windows are still counted from the stored end.
    StartOfDay,
}

/// How a calendar plan's renewal is laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum CalendarRenewal {
    /// The renewal adds the next period(s) after the current end. The default.
    #[default]
    NextPeriod,
    /// The renewal is laid out as a join on the renewal date would be, so a renewal before the
    /// rollover window ends on the current end and buys nothing (Tendenci, whose fixed expiry is
    /// computed from `now` whether joining or renewing).
    AsJoin,
}

/// How a `fixed_expiry` plan whose expiry day is Feb 29 moves from year to year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum LeapExpiry {
    /// The expiry day is found in each year afresh: Feb 29 in leap years, Feb 28 otherwise. The
    /// default.
    #[default]
    EachYear,
    /// The expiry is found in the join year, clamped there, and then moved a year on keeping its
    /// day (Tendenci's `relativedelta(years=1)`): in the year before a leap year, Feb 29 becomes
    /// Feb 28 and stays the 28th in the leap year.
    ClampedOnce,
}

/// When a plan's `renewal_closes_days` falls inside grace.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum RenewalClose {
    /// Renewal stays open at least through grace: the reinstatement window ends at the later of
    /// the close and the grace end. The default.
    #[default]
    AfterGrace,
    /// Renewal closes where the plan says, even inside grace (Tendenci's `can_renew`): a renewal
    /// after it is a new join, and from the grace end the member is expired.
    AsStored,
}

/// A rejoining member's member-since date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum RejoinSince {
    /// Member-since becomes the rejoin date. The default.
    #[default]
    Reset,
    /// Member-since stays the first join date (Tendenci, whose `set_join_dt` copies `join_dt` from
    /// any earlier membership of the user, even an archived one).
    Keep,
}

/// How a current member's renewal of a calendar plan is counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum CalendarRenewalEnd {
    /// The new term runs to the end of the next period(s), so terms stay aligned to the calendar
    /// (the default): a Mar-1 year renewed from an end of 2023-02-28 ends 2024-02-29.
    #[default]
    PeriodEnd,
    /// The new end is counted as for a rolling term as long as the plan's period(s), by
    /// [`RenewalEnd`] (CiviCRM, which adds years to the old end of a fixed membership too):
    /// 2023-02-28 + 1 year = 2024-02-28.
    RenewalEnd,
}

/// The date conventions a policy chooses, bundled for the term arithmetic.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct DateRules {
    /// What adding months does at the end of a month.
    pub month_end: MonthEndRule,
    /// Where a rolling term's inclusive end falls.
    pub rolling_end: RollingEnd,
    /// How a renewal's new end is counted.
    pub renewal_end: RenewalEnd,
    /// How a current member's renewal of a calendar plan is counted.
    pub calendar_renewal_end: CalendarRenewalEnd,
    /// Whether the term's end date is still active.
    pub expiry: ExpiryInstant,
    /// How a calendar plan's renewal is laid out.
    pub calendar_renewal: CalendarRenewal,
    /// A rejoining member's member-since.
    pub rejoin_since: RejoinSince,
    /// How a Feb 29 fixed expiry moves from year to year.
    pub leap_expiry: LeapExpiry,
    /// When a renewal close inside grace takes effect.
    pub renewal_close: RenewalClose,
}

fn out_of_range(what: impl fmt::Display) -> DateError {
    DateError::OutOfRange { what: what.to_string() }
}

/// The number of days in a month of a year.
pub(crate) fn days_in_month(year: i32, month: Month) -> u8 {
    month.length(year)
}

/// Adds a number of months (negative to go back) to a date, with the given month-end rule.
///
/// ```
/// use amscore::{add_months, MonthEndRule};
/// use time::macros::date;
/// assert_eq!(add_months(date!(2025-03-31), -1, MonthEndRule::Clamp)?, date!(2025-02-28));
/// assert_eq!(add_months(date!(2025-03-31), -1, MonthEndRule::Overflow)?, date!(2025-03-03));
/// # Ok::<(), amscore::DateError>(())
/// ```
///
/// # Errors
/// [`DateError::OutOfRange`] if the result is outside years -9999..=9999.
#[inline]
pub fn add_months(date: Date, months: i64, rule: MonthEndRule) -> Result<Date, DateError> {
    MonthSteps::from(date).add(months, rule)
}

/// The error of [`add_months`] out of range (built only then, out of line).
#[cold]
#[inline(never)]
fn months_out_of_range(date: Date, months: i64) -> DateError {
    out_of_range(format_args!("{date} + {months} months"))
}

/// A date placed on the calendar once, to add months to it: [`add_months`] is one step from a
/// date; a search over the month boundaries of a span (proration) takes several from one start
/// without converting it to the calendar each time.
#[derive(Debug, Clone, Copy)]
pub(crate) struct MonthSteps {
    date: Date,
    year: i32,
    /// The month, 0 = January.
    month: i64,
    day: u8,
}

impl MonthSteps {
    /// Steps from `date`.
    #[inline]
    pub(crate) fn from(date: Date) -> MonthSteps {
        let (year, month, day) = date.to_calendar_date();
        MonthSteps { date, year, month: i64::from(u8::from(month)) - 1, day }
    }

    /// [`add_months`]: the date `months` months on (back, if negative), by the month-end rule.
    ///
    /// # Errors
    /// [`DateError::OutOfRange`] if the result is outside years -9999..=9999.
    #[inline]
    pub(crate) fn add(&self, months: i64, rule: MonthEndRule) -> Result<Date, DateError> {
        match self.step(months, rule) {
            Some(date) => Ok(date),
            None => Err(months_out_of_range(self.date, months)),
        }
    }

    /// [`MonthSteps::add`], `None` out of range.
    #[inline]
    fn step(&self, months: i64, rule: MonthEndRule) -> Option<Date> {
        // No division while the month stays within the year or the next.
        let index = self.month.checked_add(months)?;
        let (year, index) = if (0..12).contains(&index) {
            (self.year, index)
        } else if (12..24).contains(&index) {
            // Into the next year (a year's term, a window across New Year): no division either.
            (self.year.checked_add(1)?, index - 12)
        } else {
            (i32::try_from(i64::from(self.year).checked_add(index.div_euclid(12))?).ok()?, index.rem_euclid(12))
        };
        day_of_month(year, usize::try_from(index).unwrap_or(0), self.day, rule)
    }

    /// The calendar months from this date's month to `to`'s (negative before it).
    pub(crate) fn months_to(&self, to: Date) -> i64 {
        (i64::from(to.year()) - i64::from(self.year)) * 12 + i64::from(u8::from(to.month())) - 1 - self.month
    }
}

/// Day `day` (1..=31) of a month, a day the month lacks placed by the month-end rule: the last
/// day (clamp) or the surplus days into the next month (overflow). `None` out of range.
fn day_in_month(year: i32, month: Month, day: u8, rule: MonthEndRule) -> Option<Date> {
    day_of_month(year, usize::from(u8::from(month)) - 1, day, rule)
}

/// [`day_in_month`] of the month `index` (0 = January): the date is built from its day of the
/// year, with no calendar conversion. Overflow stays within the year (December has every day).
#[inline]
fn day_of_month(year: i32, index: usize, day: u8, rule: MonthEndRule) -> Option<Date> {
    // The days of the year before each month and before the next year: common and leap years
    // (a month's length is the difference of two neighbours).
    const BEFORE: [[u16; 13]; 2] = [
        [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334, 365],
        [0, 31, 60, 91, 121, 152, 182, 213, 244, 274, 305, 335, 366],
    ];
    let before = &BEFORE[usize::from(time::util::is_leap_year(year))];
    let (first, next) = (*before.get(index)?, *before.get(index + 1)?);
    let day = match rule {
        MonthEndRule::Clamp => u16::from(day).min(next - first),
        MonthEndRule::Overflow => u16::from(day.min(31)),
    };
    Date::from_ordinal_date(year, first + day).ok()
}

/// Adds a number of days (negative to go back) to a date.
///
/// # Errors
/// [`DateError::OutOfRange`] if the result is outside years -9999..=9999.
///
/// ```
/// use time::macros::date;
/// assert_eq!(amscore::add_days(date!(2024-12-31), 1)?, date!(2025-01-01));
/// # Ok::<(), amscore::DateError>(())
/// ```
#[inline]
pub fn add_days(date: Date, days: i64) -> Result<Date, DateError> {
    // Within the year (most offsets: a day back from an end, a window of weeks), by ordinal day:
    // no conversion to or from the calendar.
    let (year, ordinal) = date.to_ordinal_date();
    if let Some(o) = days.checked_add(i64::from(ordinal)).filter(|o| (1..=365).contains(o)) {
        if let Ok(d) = Date::from_ordinal_date(year, u16::try_from(o).unwrap_or(1)) {
            return Ok(d);
        }
    }
    add_days_across_years(date, days)
}

/// [`add_days`] across the end of a year, by Julian day number: no duration, no overflow (a date
/// is within ±3.7 million days of any other, a Julian day an i32).
#[inline(never)]
fn add_days_across_years(date: Date, days: i64) -> Result<Date, DateError> {
    let julian = i64::from(date.to_julian_day()).checked_add(days);
    match julian.and_then(|j| i32::try_from(j).ok()).and_then(|j| Date::from_julian_day(j).ok()) {
        Some(d) => Ok(d),
        None => Err(out_of_range(format_args!("{date} + {days} days"))),
    }
}

/// The unit of a [`Length`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    /// Calendar days.
    Day,
    /// Calendar months (subject to the month-end rule).
    Month,
    /// Calendar years (twelve months; Feb 29 is subject to the month-end rule).
    Year,
}

impl fmt::Display for Unit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Unit::Day => "day",
            Unit::Month => "month",
            Unit::Year => "year",
        })
    }
}

/// A positive length of time: N days, months or years. Written `{"count": 1, "unit": "year"}`.
///
/// ```
/// use amscore::{Length, MonthEndRule, Unit};
/// use time::macros::date;
/// let year = Length::new(1, Unit::Year);
/// assert_eq!(year.after(date!(2025-01-15), MonthEndRule::Clamp)?, date!(2026-01-15));
/// # Ok::<(), amscore::DateError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Length {
    /// How many units: at most [`Length::MAX_COUNT`] (a term's length and a proration window
    /// need at least 1; a grace or reinstatement window may be 0).
    #[schemars(range(max = Length::MAX_COUNT))]
    pub count: u32,
    /// Which unit.
    pub unit: Unit,
}

impl Length {
    /// The largest count a policy may write: 1200 (a hundred years of months).
    pub const MAX_COUNT: u32 = 1200;

    /// A length of `count` units.
    pub const fn new(count: u32, unit: Unit) -> Length {
        Length { count, unit }
    }

    /// The length in months, if the unit is months or years.
    pub fn months(&self) -> Option<i64> {
        match self.unit {
            Unit::Day => None,
            Unit::Month => Some(i64::from(self.count)),
            Unit::Year => Some(i64::from(self.count) * 12),
        }
    }

    /// The date this length after `date`.
    ///
    /// # Errors
    /// [`DateError::OutOfRange`].
    #[inline]
    pub fn after(&self, date: Date, rule: MonthEndRule) -> Result<Date, DateError> {
        self.times_after(date, 1, rule)
    }

    /// The date `n` times this length after `date`, computed in one step from `date` (so that
    /// clamping at a month end happens once, not at every step).
    ///
    /// ```
    /// use amscore::{Length, MonthEndRule, Unit};
    /// use time::macros::date;
    /// let month = Length::new(1, Unit::Month);
    /// assert_eq!(month.times_after(date!(2025-01-31), 2, MonthEndRule::Clamp)?, date!(2025-03-31));
    /// # Ok::<(), amscore::DateError>(())
    /// ```
    ///
    /// # Errors
    /// [`DateError::OutOfRange`].
    #[inline]
    pub fn times_after(&self, date: Date, n: u32, rule: MonthEndRule) -> Result<Date, DateError> {
        let (count, in_days) = match self.months() {
            Some(months) => (months, false),
            None => (i64::from(self.count), true),
        };
        match count.checked_mul(i64::from(n)) {
            Some(days) if in_days => add_days(date, days),
            Some(months) => add_months(date, months, rule),
            None => Err(self.times_out_of_range(date, n)),
        }
    }

    /// The error of [`Length::times_after`] when the count overflows (built only then).
    #[cold]
    #[inline(never)]
    fn times_out_of_range(&self, date: Date, n: u32) -> DateError {
        out_of_range(format_args!("{date} + {n} × {self}"))
    }
}

impl fmt::Display for Length {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let plural = if self.count == 1 { "" } else { "s" };
        write!(f, "{} {}{}", self.count, self.unit, plural)
    }
}

/// A signed offset from a date: years, then months, then days. Written
/// `{"months": 3, "days": -1}`; absent fields are zero.
///
/// ```
/// use amscore::{MonthEndRule, Offset};
/// use time::macros::date;
/// let off = Offset { years: 0, months: 3, days: -1 };
/// assert_eq!(off.apply(date!(2025-01-15), MonthEndRule::Clamp)?, date!(2025-04-14));
/// # Ok::<(), amscore::DateError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct Offset {
    /// Whole years (applied first), -100 to 100.
    #[schemars(range(min = -Offset::MAX_YEARS, max = Offset::MAX_YEARS))]
    #[serde(skip_serializing_if = "is_zero")]
    pub years: i32,
    /// Whole months (applied second, with the month-end rule), -1200 to 1200.
    #[schemars(range(min = -Offset::MAX_MONTHS, max = Offset::MAX_MONTHS))]
    #[serde(skip_serializing_if = "is_zero")]
    pub months: i32,
    /// Days (applied last), -36600 to 36600.
    #[schemars(range(min = -Offset::MAX_DAYS, max = Offset::MAX_DAYS))]
    #[serde(skip_serializing_if = "is_zero")]
    pub days: i32,
}

fn is_zero(v: &i32) -> bool {
    *v == 0
}

impl Offset {
    /// The most years a policy's offset may write, either way: 100.
    pub const MAX_YEARS: i32 = 100;
    /// The most months a policy's offset may write, either way: 1200.
    pub const MAX_MONTHS: i32 = 1200;
    /// The most days a policy's offset may write, either way: 36600 (a hundred years).
    pub const MAX_DAYS: i32 = 36_600;

    /// An offset of whole days.
    pub const fn days(days: i32) -> Offset {
        Offset { years: 0, months: 0, days }
    }

    /// An offset of whole months.
    pub const fn months(months: i32) -> Offset {
        Offset { years: 0, months, days: 0 }
    }

    /// Whether the offset is zero.
    pub fn is_zero(&self) -> bool {
        self.years == 0 && self.months == 0 && self.days == 0
    }

    /// The date this offset away from `date`. Years and months are applied together as months,
    /// with the month-end rule, then days.
    ///
    /// # Errors
    /// [`DateError::OutOfRange`].
    #[inline]
    pub fn apply(&self, date: Date, rule: MonthEndRule) -> Result<Date, DateError> {
        let months = i64::from(self.years) * 12 + i64::from(self.months);
        let shifted = if months == 0 { date } else { add_months(date, months, rule)? };
        if self.days == 0 {
            Ok(shifted)
        } else {
            add_days(shifted, i64::from(self.days))
        }
    }
}

impl From<Length> for Offset {
    fn from(len: Length) -> Offset {
        let count = i32::try_from(len.count).unwrap_or(i32::MAX);
        match len.unit {
            Unit::Day => Offset::days(count),
            Unit::Month => Offset::months(count),
            Unit::Year => Offset { years: count, months: 0, days: 0 },
        }
    }
}

/// A day of the year without a year: the anchor of a calendar period or a rollover day.
/// Written `"MM-DD"` (ISO 8601's `--MM-DD` is accepted too).
///
/// Feb 29 is accepted (CiviCRM accepts it as a fixed type's start or rollover day). In a common
/// year it falls where the policy's month-end rule puts it: Feb 28 with
/// [`MonthEndRule::Clamp`], Mar 1 with [`MonthEndRule::Overflow`] (PHP's `mktime`, so CiviCRM).
/// Every other month-day is the same date under both rules.
///
/// ```
/// use amscore::{MonthDay, MonthEndRule};
/// use time::macros::date;
/// let fiscal: MonthDay = "07-01".parse()?;
/// assert_eq!(fiscal.in_year(2025, MonthEndRule::Clamp)?, date!(2025-07-01));
/// let leap_day: MonthDay = "02-29".parse()?;
/// assert_eq!(leap_day.in_year(2024, MonthEndRule::Clamp)?, date!(2024-02-29));
/// assert_eq!(leap_day.in_year(2025, MonthEndRule::Clamp)?, date!(2025-02-28));
/// assert_eq!(leap_day.in_year(2025, MonthEndRule::Overflow)?, date!(2025-03-01));
/// assert!("02-30".parse::<MonthDay>().is_err());
/// # Ok::<(), amscore::DateError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct MonthDay {
    month: Month,
    day: u8,
}

impl MonthDay {
    /// January 1.
    pub const JAN_1: MonthDay = MonthDay { month: Month::January, day: 1 };

    /// A month-day from numbers.
    ///
    /// # Errors
    /// [`DateError::InvalidMonthDay`] for a month outside 1..=12 or a day the month never has
    /// (Feb 29 is accepted).
    pub fn new(month: u8, day: u8) -> Result<MonthDay, DateError> {
        let invalid = |reason: &str| DateError::InvalidMonthDay {
            text: format!("{month:02}-{day:02}"),
            reason: reason.to_owned(),
        };
        let m = Month::try_from(month).map_err(|_| invalid("month must be 1..12"))?;
        // 2024 is a leap year: its month lengths are the longest each month has.
        if day == 0 || day > days_in_month(2024, m) {
            return Err(invalid("no such day in that month"));
        }
        Ok(MonthDay { month: m, day })
    }

    /// The month.
    pub fn month(&self) -> Month {
        self.month
    }

    /// The day of the month.
    pub fn day(&self) -> u8 {
        self.day
    }

    /// Whether this is Feb 29, the one month-day some years lack.
    pub fn is_leap_day(&self) -> bool {
        self.month == Month::February && self.day == 29
    }

    /// This month-day in a given year; Feb 29 in a common year is placed by the month-end rule
    /// (Feb 28 or Mar 1).
    ///
    /// # Errors
    /// [`DateError::OutOfRange`] for a year outside -9999..=9999.
    pub fn in_year(&self, year: i32, month_end: MonthEndRule) -> Result<Date, DateError> {
        day_in_month(year, self.month, self.day, month_end)
            .ok_or_else(|| out_of_range(format_args!("{self} in {year}")))
    }

    /// The latest date on or before `date` that falls on this month-day (read with
    /// [`MonthDay::in_year`]).
    ///
    /// # Errors
    /// [`DateError::OutOfRange`] at the ends of the supported range.
    pub fn on_or_before(&self, date: Date, month_end: MonthEndRule) -> Result<Date, DateError> {
        let this_year = self.in_year(date.year(), month_end)?;
        if this_year <= date {
            Ok(this_year)
        } else {
            self.in_year(date.year() - 1, month_end)
        }
    }
}

impl fmt::Display for MonthDay {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}-{:02}", u8::from(self.month), self.day)
    }
}

impl FromStr for MonthDay {
    type Err = DateError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let invalid = || DateError::InvalidMonthDay { text: s.to_owned(), reason: "expected MM-DD".to_owned() };
        let body = s.strip_prefix("--").unwrap_or(s);
        let (m, d) = body.split_once('-').ok_or_else(invalid)?;
        if m.len() != 2 || d.len() != 2 {
            return Err(invalid());
        }
        MonthDay::new(m.parse().map_err(|_| invalid())?, d.parse().map_err(|_| invalid())?)
    }
}

impl Serialize for MonthDay {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for MonthDay {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// Reads an ISO 8601 calendar date (`YYYY-MM-DD`): the one date grammar of every surface (JSON
/// documents, CSV cells, columns, options). Exactly four year digits, years 1 to 9999, no sign, a
/// day that exists.
///
/// ```
/// use time::macros::date;
/// assert_eq!(amscore::parse_date("2024-02-29")?, date!(2024-02-29));
/// assert!(amscore::parse_date("2025-02-29").is_err());
/// assert!(amscore::parse_date("+2024-01-01").is_err());
/// assert!(amscore::parse_date("0000-01-01").is_err());
/// # Ok::<(), amscore::DateError>(())
/// ```
///
/// # Errors
/// [`DateError::InvalidDate`] for anything else, including dates that do not exist.
pub fn parse_date(text: &str) -> Result<Date, DateError> {
    let invalid = || DateError::InvalidDate { text: text.to_owned() };
    let bytes = text.as_bytes();
    let number = |range: std::ops::Range<usize>| {
        let digits = bytes.get(range)?;
        digits.iter().all(u8::is_ascii_digit).then(|| digits.iter().fold(0u16, |n, d| n * 10 + u16::from(d - b'0')))
    };
    if bytes.len() != 10 || bytes.get(4) != Some(&b'-') || bytes.get(7) != Some(&b'-') {
        return Err(invalid());
    }
    let (year, month, day) = match (number(0..4), number(5..7), number(8..10)) {
        (Some(y), Some(m), Some(d)) if y >= 1 => (y, m, d),
        _ => return Err(invalid()),
    };
    let month = u8::try_from(month).ok().and_then(|m| Month::try_from(m).ok()).ok_or_else(invalid)?;
    let day = u8::try_from(day).map_err(|_| invalid())?;
    Date::from_calendar_date(i32::from(year), month, day).map_err(|_| invalid())
}

/// A date read from JSON text with [`parse_date`] (serde's `expected` names the grammar).
struct DateText(Date);

impl<'de> Deserialize<'de> for DateText {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Text;
        impl serde::de::Visitor<'_> for Text {
            type Value = DateText;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a date YYYY-MM-DD")
            }
            fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<DateText, E> {
                parse_date(text).map(DateText).map_err(E::custom)
            }
        }
        d.deserialize_str(Text)
    }
}

/// Dates in JSON documents (requests, memberships, terms, events, results), read with
/// [`parse_date`] so that a document and a CSV cell accept the same dates, and written
/// `YYYY-MM-DD`. Used as `#[serde(with = "crate::period::date_text")]`;
/// `core/tests/one_grammar.rs` checks that every deserialized date field says so.
pub(crate) mod date_text {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};
    use time::Date;

    /// Serde: writes `YYYY-MM-DD`.
    pub(crate) fn serialize<S: Serializer>(date: &Date, s: S) -> Result<S::Ok, S::Error> {
        date.serialize(s)
    }

    /// Serde: reads [`super::parse_date`].
    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Date, D::Error> {
        super::DateText::deserialize(d).map(|date| date.0)
    }
}

/// [`date_text`] for an optional date (`null` or absent is `None`; give the field
/// `#[serde(default)]`).
pub(crate) mod opt_date_text {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};
    use time::Date;

    /// Serde: writes `YYYY-MM-DD` or `null`.
    pub(crate) fn serialize<S: Serializer>(date: &Option<Date>, s: S) -> Result<S::Ok, S::Error> {
        date.serialize(s)
    }

    /// Serde: reads [`super::parse_date`] or `null`.
    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Date>, D::Error> {
        Option::<super::DateText>::deserialize(d).map(|date| date.map(|d| d.0))
    }
}

/// [`date_text`] for a list of dates (`["2026-12-25", "2026-12-26"]`).
pub(crate) mod date_list_text {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};
    use time::Date;

    /// Serde: writes each date `YYYY-MM-DD`.
    pub(crate) fn serialize<S: Serializer>(dates: &[Date], s: S) -> Result<S::Ok, S::Error> {
        dates.serialize(s)
    }

    /// Serde: reads each date with [`super::parse_date`].
    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Date>, D::Error> {
        Vec::<super::DateText>::deserialize(d).map(|dates| dates.into_iter().map(|d| d.0).collect())
    }
}

impl schemars::JsonSchema for MonthDay {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "MonthDay".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "description": "A day of the year without a year, \"MM-DD\" (ISO 8601's \"--MM-DD\" too); 02-29 is Feb 28 or Mar 1 in common years, by settings.month_end.",
            "pattern": "^(--)?(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$"
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;
    use time::Duration;

    #[test]
    fn adding_days_within_the_year_or_across_it_is_the_calendar_s_answer() {
        // Every day of a leap year and its neighbours, offsets across year ends both ways.
        let mut d = date!(2023 - 01 - 01);
        while d <= date!(2025 - 12 - 31) {
            for n in (-800..=800).step_by(13).chain([-366, -365, -1, 0, 1, 364, 365, 366]) {
                assert_eq!(add_days(d, n).ok(), d.checked_add(Duration::days(n)), "{d} + {n}");
            }
            d = d.next_day().unwrap_or(d);
        }
        assert!(add_days(date!(9999 - 12 - 31), 1).is_err());
        assert!(add_days(date!(-9999 - 01 - 01), -1).is_err());
    }

    #[test]
    fn adding_months_by_day_of_the_year_is_the_calendar_s_answer() {
        // The calendar's own month step (what add_months did before it worked on days of the
        // year): every day of four years, offsets across year ends both ways, both rules.
        let by_calendar = |d: Date, n: i64, rule: MonthEndRule| -> Option<Date> {
            let index = (i64::from(d.year()) * 12 + i64::from(u8::from(d.month())) - 1).checked_add(n)?;
            let year = i32::try_from(index.div_euclid(12)).ok()?;
            let month = Month::try_from(u8::try_from(index.rem_euclid(12) + 1).ok()?).ok()?;
            match rule {
                MonthEndRule::Clamp => Date::from_calendar_date(year, month, d.day().min(month.length(year))).ok(),
                MonthEndRule::Overflow => {
                    Date::from_calendar_date(year, month, 1).ok()?.checked_add(Duration::days(i64::from(d.day()) - 1))
                }
            }
        };
        let mut d = date!(2023 - 01 - 01);
        while d <= date!(2026 - 12 - 31) {
            for n in (-40..=40).chain([-1200, -121, 119, 1200, i64::MAX, i64::MIN]) {
                for rule in [MonthEndRule::Clamp, MonthEndRule::Overflow] {
                    assert_eq!(add_months(d, n, rule).ok(), by_calendar(d, n, rule), "{d} + {n} months, {rule:?}");
                }
            }
            d = d.next_day().unwrap_or(d);
        }
        for (d, n) in [(date!(9999 - 12 - 31), 1), (date!(9999 - 02 - 28), 11), (date!(-9999 - 01 - 01), -1)] {
            assert!(add_months(d, n, MonthEndRule::Clamp).is_err());
        }
        assert_eq!(add_months(date!(9999 - 01 - 31), 10, MonthEndRule::Clamp), Ok(date!(9999 - 11 - 30)));
    }

    #[test]
    fn clamp_and_overflow_agree_when_the_day_exists() {
        for rule in [MonthEndRule::Clamp, MonthEndRule::Overflow] {
            assert_eq!(add_months(date!(2025 - 01 - 15), 1, rule), Ok(date!(2025 - 02 - 15)));
            assert_eq!(add_months(date!(2025 - 12 - 15), 1, rule), Ok(date!(2026 - 01 - 15)));
            assert_eq!(add_months(date!(2025 - 01 - 15), -13, rule), Ok(date!(2023 - 12 - 15)));
        }
    }

    #[test]
    fn feb_29_plus_a_year() {
        let year = Length::new(1, Unit::Year);
        assert_eq!(year.after(date!(2024 - 02 - 29), MonthEndRule::Clamp), Ok(date!(2025 - 02 - 28)));
        assert_eq!(year.after(date!(2024 - 02 - 29), MonthEndRule::Overflow), Ok(date!(2025 - 03 - 01)));
        assert_eq!(
            Length::new(4, Unit::Year).after(date!(2024 - 02 - 29), MonthEndRule::Clamp),
            Ok(date!(2028 - 02 - 29))
        );
    }

    #[test]
    fn overflow_of_a_31st_into_short_months() {
        assert_eq!(add_months(date!(2025 - 03 - 31), 1, MonthEndRule::Overflow), Ok(date!(2025 - 05 - 01)));
        assert_eq!(add_months(date!(2025 - 03 - 31), 1, MonthEndRule::Clamp), Ok(date!(2025 - 04 - 30)));
    }

    #[test]
    fn arithmetic_out_of_range_is_an_error_not_a_panic() {
        assert!(matches!(add_months(date!(9999 - 12 - 01), 1, MonthEndRule::Clamp), Err(DateError::OutOfRange { .. })));
        assert!(matches!(add_days(date!(9999 - 12 - 31), 1), Err(DateError::OutOfRange { .. })));
        assert!(matches!(
            add_months(date!(2025 - 01 - 01), i64::MAX / 2, MonthEndRule::Clamp),
            Err(DateError::OutOfRange { .. })
        ));
        assert!(matches!(
            Length::new(u32::MAX, Unit::Year).after(date!(2025 - 01 - 01), MonthEndRule::Clamp),
            Err(DateError::OutOfRange { .. })
        ));
    }

    #[test]
    fn the_date_grammar_is_four_digit_years_1_to_9999_without_sign() {
        assert_eq!(parse_date("0001-01-01"), Ok(date!(0001 - 01 - 01)));
        assert_eq!(parse_date("9999-12-31"), Ok(date!(9999 - 12 - 31)));
        for bad in [
            "+2024-01-01",
            "-2024-01-01",
            "0000-01-01",
            "-0001-01-01",
            "+02024-01-01",
            "20240-01-01",
            "2024-1-01",
            "2024-01-1",
            "2024-13-01",
            "2024-00-10",
            "2024-01-00",
            "2025-02-29",
            "2024-01-01T",
            " 2024-01-01",
            "2024/01/01",
            "２０２４-01-01",
            "",
        ] {
            assert_eq!(parse_date(bad), Err(DateError::InvalidDate { text: bad.to_owned() }), "{bad}");
        }
    }

    #[test]
    fn month_days_parse_and_refuse() {
        assert_eq!("--10-01".parse::<MonthDay>().map(|m| m.to_string()), Ok("10-01".into()));
        for bad in ["13-01", "00-10", "04-31", "02-30", "1-1", "10/01", ""] {
            assert!(bad.parse::<MonthDay>().is_err(), "{bad}");
        }
        let clamp = MonthEndRule::Clamp;
        assert_eq!(
            MonthDay::new(10, 1).and_then(|m| m.on_or_before(date!(2025 - 09 - 30), clamp)),
            Ok(date!(2024 - 10 - 01))
        );
        assert_eq!(
            MonthDay::new(10, 1).and_then(|m| m.on_or_before(date!(2025 - 10 - 01), clamp)),
            Ok(date!(2025 - 10 - 01))
        );
    }

    #[test]
    fn feb_29_is_a_month_day_placed_by_the_month_end_rule_in_common_years() {
        let leap_day: MonthDay = "--02-29".parse().expect("02-29 is a month-day");
        assert!(leap_day.is_leap_day() && leap_day.to_string() == "02-29");
        for (year, clamp, overflow) in [
            (2024, date!(2024 - 02 - 29), date!(2024 - 02 - 29)),
            (2025, date!(2025 - 02 - 28), date!(2025 - 03 - 01)),
            (2100, date!(2100 - 02 - 28), date!(2100 - 03 - 01)),
            (2000, date!(2000 - 02 - 29), date!(2000 - 02 - 29)),
        ] {
            assert_eq!(leap_day.in_year(year, MonthEndRule::Clamp), Ok(clamp), "{year}");
            assert_eq!(leap_day.in_year(year, MonthEndRule::Overflow), Ok(overflow), "{year}");
        }
        // On or before: 2025-02-28 is already the clamped Feb 29 of 2025; with overflow it is
        // before Mar 1, so the latest is 2024-02-29.
        assert_eq!(leap_day.on_or_before(date!(2025 - 02 - 28), MonthEndRule::Clamp), Ok(date!(2025 - 02 - 28)));
        assert_eq!(leap_day.on_or_before(date!(2025 - 02 - 28), MonthEndRule::Overflow), Ok(date!(2024 - 02 - 29)));
        assert_eq!(leap_day.on_or_before(date!(2025 - 03 - 01), MonthEndRule::Overflow), Ok(date!(2025 - 03 - 01)));
        // Every other month-day is the same date under both rules, in every year.
        for m in 1..=12u8 {
            for d in 1..=31u8 {
                let Ok(md) = MonthDay::new(m, d) else { continue };
                if md.is_leap_day() {
                    continue;
                }
                for year in 2023..=2025 {
                    let expected = Date::from_calendar_date(year, md.month(), d).ok();
                    assert_eq!(md.in_year(year, MonthEndRule::Clamp).ok(), expected, "{md} {year}");
                    assert_eq!(md.in_year(year, MonthEndRule::Overflow).ok(), expected, "{md} {year}");
                }
            }
        }
    }
}
