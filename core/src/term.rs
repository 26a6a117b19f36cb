//! Terms (a paid span of membership with an inclusive end) and the rules that produce them:
//! rolling, calendar and lifetime.

use std::fmt;

use serde::{Deserialize, Serialize};
use time::Date;

use crate::lifecycle_error::LifecycleError;
use crate::period::{
    add_days, add_months, CalendarRenewalEnd, DateError, DateRules, Length, MonthDay, MonthEndRule, RenewalEnd,
    RollingEnd, Unit,
};

/// A span of paid membership. The end date is inclusive; a lifetime term has no end.
///
/// A 1-year rolling term that starts 2025-01-15 ends 2026-01-14.
///
/// ```
/// use amscore::Term;
/// use time::macros::date;
/// let t = Term::new(date!(2025-01-15), Some(date!(2026-01-14)))?;
/// assert!(t.contains(date!(2026-01-14)));
/// assert!(!t.contains(date!(2026-01-15)));
/// assert_eq!(t.days(), Some(365));
/// # Ok::<(), amscore::LifecycleError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Term {
    /// The first day of the term.
    #[serde(with = "crate::period::date_text")]
    pub start: Date,
    /// The last day of the term (inclusive), or `None` for a lifetime term.
    #[serde(default, with = "crate::period::opt_date_text")]
    pub end: Option<Date>,
}

impl Term {
    /// A term from its first and last day.
    ///
    /// # Errors
    /// [`LifecycleError::TermEndsBeforeStart`] if `end < start`.
    pub fn new(start: Date, end: Option<Date>) -> Result<Term, LifecycleError> {
        match end {
            Some(e) if e < start => Err(LifecycleError::TermEndsBeforeStart { start, end: e }),
            _ => Ok(Term { start, end }),
        }
    }

    /// A lifetime term from its first day.
    pub fn lifetime(start: Date) -> Term {
        Term { start, end: None }
    }

    /// Whether the term never ends.
    pub fn is_lifetime(&self) -> bool {
        self.end.is_none()
    }

    /// Whether a date falls inside the term (both ends included).
    pub fn contains(&self, date: Date) -> bool {
        date >= self.start && self.end.is_none_or(|e| date <= e)
    }

    /// The number of days in the term, both ends counted; `None` for a lifetime term.
    pub fn days(&self) -> Option<i64> {
        self.end.map(|e| (e - self.start).whole_days() + 1)
    }

    /// Whether two terms share at least one day.
    ///
    /// ```
    /// use amscore::Term;
    /// use time::macros::date;
    /// let a = Term::new(date!(2025-01-01), Some(date!(2025-12-31)))?;
    /// let b = Term::new(date!(2025-12-31), Some(date!(2026-12-30)))?;
    /// assert!(a.overlaps(&b));
    /// # Ok::<(), amscore::LifecycleError>(())
    /// ```
    pub fn overlaps(&self, other: &Term) -> bool {
        let a_before_b = self.end.is_some_and(|e| e < other.start);
        let b_before_a = other.end.is_some_and(|e| e < self.start);
        !a_before_b && !b_before_a
    }
}

impl fmt::Display for Term {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.end {
            Some(e) => write!(f, "{}..={}", self.start, e),
            None => write!(f, "{}..(lifetime)", self.start),
        }
    }
}

/// The length of one calendar period: a year or a month.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum CalendarPeriod {
    /// A year from the anchor month-day (Jan 1 – Dec 31, or a fiscal year such as Jul 1 – Jun 30).
    Year,
    /// A month from the anchor day of the month.
    Month,
}

/// Where a first term on a calendar plan starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum CalendarJoinStart {
    /// The term is back-dated to the start of the period the member joins in (the default);
    /// the actual join date is reported separately as member-since.
    #[default]
    PeriodStart,
    /// The term starts on the join date and ends with the period (as CiviCRM records it).
    JoinDate,
}

/// Which rollover days a policy accepts on calendar plans.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum RolloverDays {
    /// A rollover must fall inside the period after its first day, and a monthly rollover day
    /// is 1 to 28 (the default): a rollover on the period's first day, which makes every join
    /// buy an extra period, is refused.
    #[default]
    Checked,
    /// Any rollover is taken as given (CiviCRM): a rollover on the period's first day makes every
    /// join roll over, and a monthly rollover day may be 1 to 31; a month without that day has
    /// no rollover.
    AsGiven,
}

/// How a plan's terms are laid out in time.
///
/// Written as a tagged object, for example `{"kind": "rolling", "length": {"count": 1, "unit": "year"}}`,
/// `{"kind": "calendar", "period": "year", "anchor": "01-01", "rollover": "10-01"}` or
/// `{"kind": "lifetime"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum TermRule {
    /// Anniversary terms: a term starts on the join (or renewal) date and runs for a length.
    Rolling {
        /// The length of one term (multi-year terms are simply longer lengths).
        length: Length,
    },
    /// Fixed-period terms: every member's term follows the same calendar.
    Calendar {
        /// A year or a month.
        period: CalendarPeriod,
        /// For yearly periods: the month-day each period starts on (default Jan 1).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        anchor: Option<MonthDay>,
        /// For monthly periods: the day of the month each period starts on, 1 to 28 (default 1).
        #[schemars(range(min = 1, max = 28))]
        #[serde(default, skip_serializing_if = "Option::is_none")]
        anchor_day: Option<u8>,
        /// How many periods one term covers (2 for a two-year term on an annual calendar), 1 to
        /// 100. Default 1.
        #[schemars(range(min = 1, max = 100))]
        #[serde(default = "one")]
        periods: u32,
        /// For yearly periods: joining on or after this month-day (within the period) gives the
        /// rest of this period plus the next one.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        rollover: Option<MonthDay>,
        /// For monthly periods: joining on or after this day of the month gives the rest of this
        /// month plus the next one. 1 to 28, not the anchor day (1 to 31, any day, with
        /// `settings.rollover_days: as_given`).
        #[schemars(range(min = 1, max = 31))]
        #[serde(default, skip_serializing_if = "Option::is_none")]
        rollover_day: Option<u8>,
        /// Where a first term starts: back-dated to the period start (default) or on the join date.
        #[serde(default)]
        join_start: CalendarJoinStart,
    },
    /// Lifetime membership: one term with no end.
    Lifetime,
}

fn one() -> u32 {
    1
}

/// A computed first term: the term, and the member's actual join date (member-since), which
/// differs from the term's start when a calendar plan back-dates it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JoinTerm {
    /// The member's actual join date (member-since).
    #[serde(with = "crate::period::date_text")]
    pub member_since: Date,
    /// The first term.
    pub term: Term,
    /// Whether the join fell on or after the rollover day, so the term also covers the next period.
    pub rolled_over: bool,
}

/// Staff-entered dates of a first term (imports and back-office joins): an explicit start, kept
/// as given while the end still follows the plan's period from it, and an explicit end. Both
/// absent is the plan's own first term.
///
/// ```
/// let d: amscore::JoinDates = serde_json::from_str(r#"{"start": "2025-03-01"}"#)?;
/// assert_eq!(d.end, None);
/// assert!(!d.is_empty());
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JoinDates {
    /// The term's first day (on or before the join date).
    #[serde(default, with = "crate::period::opt_date_text", skip_serializing_if = "Option::is_none")]
    pub start: Option<Date>,
    /// The term's last day (on or after the join date, at most the end of the terms bought).
    #[serde(default, with = "crate::period::opt_date_text", skip_serializing_if = "Option::is_none")]
    pub end: Option<Date>,
}

impl JoinDates {
    /// Whether no date is given.
    pub fn is_empty(&self) -> bool {
        self.start.is_none() && self.end.is_none()
    }
}

impl TermRule {
    /// The first term for a member joining on `join_date`, for `terms` terms at once.
    ///
    /// ```
    /// use amscore::{DateRules, TermRule, CalendarPeriod, CalendarJoinStart, MonthDay};
    /// use time::macros::date;
    /// let rule = TermRule::Calendar {
    ///     period: CalendarPeriod::Year, anchor: None, anchor_day: None, periods: 1,
    ///     rollover: Some(MonthDay::new(10, 1)?), rollover_day: None,
    ///     join_start: CalendarJoinStart::PeriodStart,
    /// };
    /// let j = rule.first_term(date!(2025-10-01), 1, DateRules::default())?;
    /// assert_eq!((j.term.start, j.term.end), (date!(2025-01-01), Some(date!(2026-12-31))));
    /// assert!(j.rolled_over);
    /// # Ok::<(), amscore::DateError>(())
    /// ```
    ///
    /// # Errors
    /// [`DateError::OutOfRange`] at the ends of the calendar.
    pub fn first_term(&self, join_date: Date, terms: u32, rules: DateRules) -> Result<JoinTerm, DateError> {
        match self {
            TermRule::Rolling { length } => Ok(JoinTerm {
                member_since: join_date,
                term: Term { start: join_date, end: Some(rolling_end(join_date, *length, terms, rules)?) },
                rolled_over: false,
            }),
            TermRule::Calendar { rollover, rollover_day, join_start, .. } => {
                let start = self.period_start(join_date, rules)?;
                let rolled_over = match (rollover, rollover_day) {
                    (Some(md), _) => {
                        let first_end = self.periods_end(start, 1, rules.month_end)?;
                        join_date >= rollover_date(*md, start, first_end, join_date, rules.month_end)?
                    }
                    (None, Some(day)) => rollover_day_reached(*day, start, join_date)?,
                    (None, None) => false,
                };
                let periods = self.periods_per_term().saturating_mul(terms).saturating_add(u32::from(rolled_over));
                let end = self.periods_end(start, periods, rules.month_end)?;
                let start = match join_start {
                    CalendarJoinStart::PeriodStart => start,
                    CalendarJoinStart::JoinDate => join_date,
                };
                Ok(JoinTerm { member_since: join_date, term: Term { start, end: Some(end) }, rolled_over })
            }
            TermRule::Lifetime => {
                Ok(JoinTerm { member_since: join_date, term: Term::lifetime(join_date), rolled_over: false })
            }
        }
    }

    /// The next `terms` terms after a term that ends on `previous_end`: contiguous, starting the
    /// day after. Calendar terms run to the end of the period(s) (or, with
    /// [`CalendarRenewalEnd::RenewalEnd`], end as a rolling term of the period's length would);
    /// rolling terms count their end as the policy's [`RenewalEnd`] says.
    ///
    /// ```
    /// use amscore::{DateRules, Length, TermRule, Unit};
    /// use time::macros::date;
    /// let rule = TermRule::Rolling { length: Length::new(1, Unit::Year) };
    /// let next = rule.next_term(date!(2026-01-14), 2, DateRules::default())?.expect("not lifetime");
    /// assert_eq!((next.start, next.end), (date!(2026-01-15), Some(date!(2028-01-14))));
    /// # Ok::<(), amscore::DateError>(())
    /// ```
    ///
    /// # Errors
    /// [`DateError::OutOfRange`] at the ends of the calendar. Returns `Ok(None)` for a lifetime rule.
    pub fn next_term(&self, previous_end: Date, terms: u32, rules: DateRules) -> Result<Option<Term>, DateError> {
        let start = add_days(previous_end, 1)?;
        match self {
            TermRule::Rolling { length } => {
                let from_previous_end = match rules.renewal_end {
                    RenewalEnd::FromNextStart => false,
                    RenewalEnd::FromPreviousEnd => true,
                    RenewalEnd::FromPreviousEndForYears => length.unit == Unit::Year,
                };
                let end = if from_previous_end {
                    length.times_after(previous_end, terms, rules.month_end)?
                } else {
                    add_days(length.times_after(start, terms, rules.month_end)?, -1)?
                };
                Ok(Some(Term { start, end: Some(end) }))
            }
            TermRule::Calendar { period, periods, .. }
                if rules.calendar_renewal_end == CalendarRenewalEnd::RenewalEnd =>
            {
                let length = match period {
                    CalendarPeriod::Year => Length::new(*periods, Unit::Year),
                    CalendarPeriod::Month => Length::new(*periods, Unit::Month),
                };
                TermRule::Rolling { length }.next_term(previous_end, terms, rules)
            }
            TermRule::Calendar { .. } => {
                let period_start = self.period_start(start, rules)?;
                let periods = self.periods_per_term().saturating_mul(terms);
                Ok(Some(Term { start, end: Some(self.periods_end(period_start, periods, rules.month_end)?) }))
            }
            TermRule::Lifetime => Ok(None),
        }
    }

    /// For a calendar rule, the first day of the period containing `date` (a Feb 29 anchor is
    /// placed in common years by the month-end rule); for other rules, `date`.
    ///
    /// # Errors
    /// [`DateError::OutOfRange`] at the ends of the calendar.
    pub fn period_start(&self, date: Date, rules: DateRules) -> Result<Date, DateError> {
        match self {
            TermRule::Calendar { period: CalendarPeriod::Year, anchor, .. } => {
                anchor.unwrap_or(MonthDay::JAN_1).on_or_before(date, rules.month_end)
            }
            TermRule::Calendar { period: CalendarPeriod::Month, anchor_day, .. } => {
                day_on_or_before(anchor_day.unwrap_or(1), date)
            }
            _ => Ok(date),
        }
    }

    /// The number of periods one term covers (1 for non-calendar rules).
    pub fn periods_per_term(&self) -> u32 {
        match self {
            TermRule::Calendar { periods, .. } => *periods,
            _ => 1,
        }
    }

    /// The last day of `periods` calendar periods starting at `period_start`.
    fn periods_end(&self, period_start: Date, periods: u32, month_end: MonthEndRule) -> Result<Date, DateError> {
        let months = match self {
            TermRule::Calendar { period: CalendarPeriod::Year, .. } => i64::from(periods) * 12,
            _ => i64::from(periods),
        };
        // Only a Feb 29 anchor falls on a day some years lack (monthly anchor days are 1..=28),
        // so only it depends on the month-end rule. Clamp: the periods end the day before the
        // anchor's own date in their last year, Feb 29 again in a leap year. Overflow: the
        // months are added to the start as PHP's mktime does (CiviCRM), so a period from Mar 1
        // of a common year ends on Feb 29 of a leap year, the next period's first day.
        let next = match self {
            TermRule::Calendar { period: CalendarPeriod::Year, anchor: Some(anchor), .. }
                if anchor.is_leap_day() && month_end == MonthEndRule::Clamp =>
            {
                let years = i32::try_from(periods).unwrap_or(i32::MAX);
                anchor.in_year(period_start.year().saturating_add(years), month_end)?
            }
            _ => add_months(period_start, months, month_end)?,
        };
        add_days(next, -1)
    }
}

/// The inclusive end of `terms` rolling terms of `length` starting on `start`.
fn rolling_end(start: Date, length: Length, terms: u32, rules: DateRules) -> Result<Date, DateError> {
    let anniversary = length.times_after(start, terms, rules.month_end)?;
    match rules.rolling_end {
        RollingEnd::DayBefore => add_days(anniversary, -1),
        RollingEnd::Anniversary => Ok(anniversary),
    }
}

/// The rollover date a join on `join_date` is measured against, in the first period
/// `start..=first_end`: the month-day in the join's year if that is not past the period's end,
/// else in the year before; and if that is before the period's start, in the year after (as
/// CiviCRM's `isDuringFixedAnnualRolloverPeriod` picks it). A period holds one date of most
/// month-days, and this is it. Only a Feb 29 rollover in a period from Mar 1 of a common year
/// to Feb 29 with `overflow` holds two (Mar 1 and Feb 29): the join's year picks one, so a join
/// from March to December rolls over and one in January or February does not.
fn rollover_date(
    md: MonthDay,
    start: Date,
    first_end: Date,
    join_date: Date,
    month_end: MonthEndRule,
) -> Result<Date, DateError> {
    let year = join_date.year();
    let mut date = md.in_year(year, month_end)?;
    if date > first_end {
        date = md.in_year(year - 1, month_end)?;
    }
    if date < start {
        date = md.in_year(year + 1, month_end)?;
    }
    Ok(date)
}

/// The latest date on or before `date` whose day of the month is `day` (1..=28).
fn day_on_or_before(day: u8, date: Date) -> Result<Date, DateError> {
    let this_month = Date::from_calendar_date(date.year(), date.month(), day).map_err(|_| {
        DateError::InvalidMonthDay { text: day.to_string(), reason: "anchor day must be 1..=28".into() }
    })?;
    if this_month <= date {
        Ok(this_month)
    } else {
        add_months(this_month, -1, MonthEndRule::Clamp)
    }
}

/// Whether a join on `join_date` reaches a monthly rollover day in the period that starts on
/// `start`: the first date on or after `start` on that day of the month. A day the period's
/// first month lacks (the 30th in February) is never reached within the period.
fn rollover_day_reached(day: u8, start: Date, join_date: Date) -> Result<bool, DateError> {
    match Date::from_calendar_date(start.year(), start.month(), day) {
        Ok(d) if d >= start => Ok(join_date >= d),
        Ok(_) => Ok(join_date >= day_on_or_after(day, start)?),
        Err(_) => Ok(false),
    }
}

/// The first date on or after `from` whose day of the month is `day` (1..=28).
fn day_on_or_after(day: u8, from: Date) -> Result<Date, DateError> {
    let this_month = Date::from_calendar_date(from.year(), from.month(), day).map_err(|_| {
        DateError::InvalidMonthDay { text: day.to_string(), reason: "rollover day must be 1..=28".into() }
    })?;
    if this_month >= from {
        Ok(this_month)
    } else {
        add_months(this_month, 1, MonthEndRule::Clamp)
    }
}
