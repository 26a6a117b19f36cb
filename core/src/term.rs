//! Terms (a paid span of membership with an inclusive end) and the rules that produce them:
//! rolling, calendar and lifetime.

use std::fmt;

use serde::{Deserialize, Serialize};
use time::Date;

use crate::lifecycle_error::LifecycleError;
use crate::period::{
    add_days, add_months, days_in_month, CalendarRenewal, CalendarRenewalEnd, DateError, DateRules, LeapExpiry, Length,
    MonthDay, MonthEndRule, RenewalEnd, RollingEnd, Unit,
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
        /// For monthly periods: the day of the month each period starts on, 1 to 31 (default 1).
        /// A day a month lacks is that month's last day: with 31, periods start Jan 31, Feb 28
        /// (29), Mar 31, Apr 30.
        #[schemars(range(min = 1, max = 31))]
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
    /// Anniversary terms that expire on a fixed day of the month: a join's term ends on
    /// `expires_on` of the month its anniversary falls in (for year lengths, the join month), that
    /// day included (the rolling-end setting does not apply).
    RollingToDay {
        /// The length of one term.
        length: Length,
        /// The day of the month the term expires on: 1 to 31 (clamped in short months) or
        /// `"month_end"`.
        expires_on: DayOfMonth,
        /// The day a renewal expires on, in the month of the renewal date plus the terms bought
        /// (for year lengths, the renewal month). Without it, a renewal ends on `expires_on` of
        /// the month of the old end plus the terms bought.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        renewal_expires_on: Option<DayOfMonth>,
    },
    /// One expiry date for every member: a join's term runs from the join date to `expires`,
    /// and the plan is not renewed (Tendenci's fixed option "expires on a fixed date").
    FixedDate {
        /// The last day of every term, `YYYY-MM-DD`.
        #[serde(with = "crate::period::date_text")]
        #[schemars(with = "String")]
        expires: Date,
    },
    /// Fixed-expiry terms: every term expires on one day of the year (Tendenci's fixed types). A
    /// join runs from the join date to the next expiry after it (an expiry on the join date has
    /// passed); a join `rollover_days` or fewer days before that expiry runs to the one after.
    FixedExpiry {
        /// The day of the year every term expires on, `"MM-DD"`; `"02-29"` is Feb 28 in common
        /// years (see `settings.leap_expiry`).
        expires: ExpiryDay,
        /// A join this many days or fewer before the expiry also gets the next year, 0 to 365.
        /// Default 0 (no rollover).
        #[schemars(range(max = 365))]
        #[serde(default, skip_serializing_if = "is_zero")]
        rollover_days: u32,
    },
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

/// The day of the year a fixed-expiry term expires on: a month-day, Feb 29 allowed (Feb 28 in
/// common years). Written `"MM-DD"`.
///
/// ```
/// use amscore::ExpiryDay;
/// use time::macros::date;
/// let leap: ExpiryDay = "02-29".parse()?;
/// assert_eq!(leap.in_year(2025)?, date!(2025-02-28));
/// assert_eq!(leap.in_year(2024)?, date!(2024-02-29));
/// # Ok::<(), amscore::DateError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ExpiryDay {
    month: time::Month,
    day: u8,
}

impl ExpiryDay {
    /// This day in a year, clamped to the month's length.
    ///
    /// # Errors
    /// [`DateError::OutOfRange`] for a year outside -9999..=9999.
    pub fn in_year(&self, year: i32) -> Result<Date, DateError> {
        let day = self.day.min(days_in_month(year, self.month));
        Date::from_calendar_date(year, self.month, day)
            .map_err(|_| DateError::OutOfRange { what: format!("{self} in {year}") })
    }

    /// The first expiry after `date`.
    fn after(&self, date: Date) -> Result<Date, DateError> {
        let this_year = self.in_year(date.year())?;
        if this_year > date {
            Ok(this_year)
        } else {
            self.in_year(date.year() + 1)
        }
    }

    /// The expiry a year after `expiry`, as the leap-day rule moves it.
    fn next(&self, expiry: Date, rules: DateRules) -> Result<Date, DateError> {
        match rules.leap_expiry {
            LeapExpiry::EachYear => self.in_year(expiry.year() + 1),
            LeapExpiry::ClampedOnce => add_months(expiry, 12, MonthEndRule::Clamp),
        }
    }
}

impl fmt::Display for ExpiryDay {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}-{:02}", u8::from(self.month), self.day)
    }
}

impl std::str::FromStr for ExpiryDay {
    type Err = DateError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let invalid = || DateError::InvalidMonthDay { text: s.to_owned(), reason: "expected MM-DD".to_owned() };
        if s == "02-29" || s == "--02-29" {
            return Ok(ExpiryDay { month: time::Month::February, day: 29 });
        }
        let md: MonthDay = s.parse().map_err(|_| invalid())?;
        Ok(ExpiryDay { month: md.month(), day: md.day() })
    }
}

impl Serialize for ExpiryDay {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for ExpiryDay {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

impl schemars::JsonSchema for ExpiryDay {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "ExpiryDay".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "description": "The day of the year a fixed-expiry term expires on, \"MM-DD\" (02-29 allowed: Feb 28 in common years).",
            "pattern": "^(--)?(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$"
        })
    }
}

/// A day of the month a term expires on: a day number (clamped to the month's length) or the
/// month's last day. Written `15` or `"month_end"`.
///
/// ```
/// use amscore::DayOfMonth;
/// use time::macros::date;
/// assert_eq!(DayOfMonth::Day(31).in_month_of(date!(2025-02-10))?, date!(2025-02-28));
/// assert_eq!(DayOfMonth::MonthEnd.in_month_of(date!(2024-02-10))?, date!(2024-02-29));
/// # Ok::<(), amscore::DateError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DayOfMonth {
    /// This day, 1 to 31; a month without it gives its last day.
    Day(u8),
    /// The month's last day.
    MonthEnd,
}

impl DayOfMonth {
    /// This day in the month (and year) of `date`.
    ///
    /// # Errors
    /// [`DateError::InvalidMonthDay`] for a day outside 1..=31.
    pub fn in_month_of(self, date: Date) -> Result<Date, DateError> {
        let last = days_in_month(date.year(), date.month());
        let day = match self {
            DayOfMonth::Day(d) if (1..=31).contains(&d) => d.min(last),
            DayOfMonth::Day(d) => {
                return Err(DateError::InvalidMonthDay { text: d.to_string(), reason: "day must be 1..=31".into() })
            }
            DayOfMonth::MonthEnd => last,
        };
        Date::from_calendar_date(date.year(), date.month(), day)
            .map_err(|_| DateError::OutOfRange { what: format!("day {day} of {date}'s month") })
    }
}

impl Serialize for DayOfMonth {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            DayOfMonth::Day(d) => s.serialize_u8(*d),
            DayOfMonth::MonthEnd => s.serialize_str("month_end"),
        }
    }
}

impl<'de> Deserialize<'de> for DayOfMonth {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = DayOfMonth;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a day of the month 1 to 31 or \"month_end\"")
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<DayOfMonth, E> {
                match u8::try_from(v) {
                    Ok(d) if (1..=31).contains(&d) => Ok(DayOfMonth::Day(d)),
                    _ => Err(E::custom(format!("day of the month {v} is not 1 to 31"))),
                }
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<DayOfMonth, E> {
                Err(E::custom(format!("day of the month {v} is not 1 to 31")))
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<DayOfMonth, E> {
                if v == "month_end" {
                    Ok(DayOfMonth::MonthEnd)
                } else {
                    Err(E::custom(format!("`{v}` is not a day of the month (1 to 31 or \"month_end\")")))
                }
            }
        }
        d.deserialize_any(V)
    }
}

impl schemars::JsonSchema for DayOfMonth {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "DayOfMonth".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "A day of the month a term expires on: 1 to 31 (clamped in short months) or \"month_end\".",
            "oneOf": [
                {"type": "integer", "minimum": 1, "maximum": 31},
                {"type": "string", "const": "month_end"}
            ]
        })
    }
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
            TermRule::RollingToDay { length, expires_on, .. } => {
                let end = expires_on.in_month_of(length.times_after(join_date, terms, rules.month_end)?)?;
                Ok(JoinTerm {
                    member_since: join_date,
                    term: Term { start: join_date, end: Some(end) },
                    rolled_over: false,
                })
            }
            TermRule::FixedExpiry { expires, rollover_days } => {
                let mut end = expires.in_year(join_date.year())?;
                // An expiry on the join date has passed (it is midnight at the day's start); the
                // join then also covers the next year, as a rollover does.
                let mut rolled_over = end == join_date;
                if end <= join_date {
                    end = expires.next(end, rules)?;
                }
                if *rollover_days > 0 && (end - join_date).whole_days() <= i64::from(*rollover_days) {
                    end = expires.next(end, rules)?;
                    rolled_over = true;
                }
                for _ in 1..terms {
                    end = expires.next(end, rules)?;
                }
                Ok(JoinTerm { member_since: join_date, term: Term { start: join_date, end: Some(end) }, rolled_over })
            }
            TermRule::FixedDate { expires } => {
                if join_date > *expires {
                    return Err(DateError::OutOfRange {
                        what: format!("a join on {join_date}, after the plan's one expiry {expires}"),
                    });
                }
                Ok(JoinTerm {
                    member_since: join_date,
                    term: Term { start: join_date, end: Some(*expires) },
                    rolled_over: false,
                })
            }
        }
    }

    /// The new term of a renewal on `date` of a term that ends on `previous_end`, buying `terms`
    /// terms: [`TermRule::next_term`], except where the policy lays a renewal out from its date
    /// (`renewal_end: from_renewal_date_except_years` for month and day terms,
    /// `calendar_renewal: as_join` for calendar plans) or the plan's renewals expire on a day of
    /// the renewal month. Returns `Ok(None)` for a lifetime rule, and for a plan with one expiry
    /// date, which is never renewed.
    ///
    /// ```
    /// use amscore::{DateRules, Length, RenewalEnd, TermRule, Unit};
    /// use time::macros::date;
    /// let rule = TermRule::Rolling { length: Length::new(1, Unit::Month) };
    /// let rules = DateRules { renewal_end: RenewalEnd::FromRenewalDateExceptYears, ..DateRules::default() };
    /// let t = rule.renewal_term(date!(2024-05-20), date!(2024-05-10), 1, rules)?.expect("renewed");
    /// assert_eq!((t.start, t.end), (date!(2024-05-10), Some(date!(2024-06-09))));
    /// # Ok::<(), amscore::DateError>(())
    /// ```
    ///
    /// # Errors
    /// [`DateError::OutOfRange`] at the ends of the calendar.
    #[inline]
    pub fn renewal_term(
        &self,
        previous_end: Date,
        date: Date,
        terms: u32,
        rules: DateRules,
    ) -> Result<Option<Term>, DateError> {
        match self {
            TermRule::Rolling { length }
                if rules.renewal_end == RenewalEnd::FromRenewalDateExceptYears && length.unit != Unit::Year =>
            {
                Ok(Some(self.first_term(date, terms, rules)?.term))
            }
            TermRule::Calendar { .. } | TermRule::FixedExpiry { .. }
                if rules.calendar_renewal == CalendarRenewal::AsJoin =>
            {
                Ok(Some(self.first_term(date, terms, rules)?.term))
            }
            TermRule::RollingToDay { length, renewal_expires_on: Some(day), .. } => {
                let start = add_days(previous_end, 1)?;
                let end = day.in_month_of(length.times_after(date, terms, rules.month_end)?)?;
                if end < start {
                    return Err(DateError::OutOfRange {
                        what: format!("a renewal on {date} ending {end}, before its start {start}"),
                    });
                }
                Ok(Some(Term { start, end: Some(end) }))
            }
            _ => self.next_term(previous_end, terms, rules),
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
    #[inline]
    pub fn next_term(&self, previous_end: Date, terms: u32, rules: DateRules) -> Result<Option<Term>, DateError> {
        let start = add_days(previous_end, 1)?;
        match self {
            TermRule::Rolling { length } => {
                let from_previous_end = match rules.renewal_end {
                    RenewalEnd::FromNextStart => false,
                    RenewalEnd::FromPreviousEnd => true,
                    RenewalEnd::FromPreviousEndForYears | RenewalEnd::FromRenewalDateExceptYears => {
                        length.unit == Unit::Year
                    }
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
            TermRule::Lifetime | TermRule::FixedDate { .. } => Ok(None),
            TermRule::FixedExpiry { expires, .. } => {
                let mut end = expires.after(previous_end)?;
                for _ in 1..terms {
                    end = expires.after(end)?;
                }
                Ok(Some(Term { start, end: Some(end) }))
            }
            TermRule::RollingToDay { length, expires_on, .. } => {
                let end = expires_on.in_month_of(length.times_after(previous_end, terms, rules.month_end)?)?;
                Ok(Some(Term { start, end: Some(end) }))
            }
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
        let (months, anchor_day) = match self {
            TermRule::Calendar { period: CalendarPeriod::Year, .. } => (i64::from(periods) * 12, None),
            TermRule::Calendar { anchor_day, .. } => (i64::from(periods), *anchor_day),
            _ => (i64::from(periods), None),
        };
        // A monthly anchor day a month lacks is that month's last day, so the next period starts
        // on the anchor day (clamped) of the month `months` on, not on the clamped day of this
        // period's start. Of the yearly anchors only Feb 29 falls on a day some years lack, so
        // only it depends on the month-end rule. Clamp: the periods end the day before the
        // anchor's own date in their last year, Feb 29 again in a leap year. Overflow: the
        // months are added to the start as PHP's mktime does (CiviCRM), so a period from Mar 1
        // of a common year ends on Feb 29 of a leap year, the next period's first day.
        let next = match (self, anchor_day) {
            (_, Some(day)) => {
                DayOfMonth::Day(day).in_month_of(add_months(period_start, months, MonthEndRule::Clamp)?)?
            }
            (TermRule::Calendar { period: CalendarPeriod::Year, anchor: Some(anchor), .. }, None)
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

/// The latest date on or before `date` whose day of the month is `day` (1..=31; a month without
/// it counts its last day).
fn day_on_or_before(day: u8, date: Date) -> Result<Date, DateError> {
    let this_month = DayOfMonth::Day(day).in_month_of(date)?;
    if this_month <= date {
        Ok(this_month)
    } else {
        DayOfMonth::Day(day).in_month_of(add_months(this_month, -1, MonthEndRule::Clamp)?)
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

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use time::macros::date;

    use super::*;

    fn calendar_month(anchor_day: u8) -> TermRule {
        TermRule::Calendar {
            period: CalendarPeriod::Month,
            anchor: None,
            anchor_day: Some(anchor_day),
            periods: 1,
            rollover: None,
            rollover_day: None,
            join_start: CalendarJoinStart::PeriodStart,
        }
    }

    proptest! {
        /// Monthly periods from any anchor day tile the calendar: each period starts the day after
        /// the last one ended, on the anchor day or (in a month without it) the month's last day,
        /// and contains the date it was asked for.
        #[test]
        fn monthly_anchor_periods_tile_the_calendar_and_start_on_the_clamped_anchor(
            anchor_day in 1u8..=31, offset in 0i64..3000, count in 1usize..30,
        ) {
            let rule = calendar_month(anchor_day);
            let date = add_days(date!(2022 - 01 - 01), offset).unwrap_or(date!(2022 - 01 - 01));
            let first = rule.first_term(date, 1, DateRules::default()).map_err(|e| TestCaseError::fail(e.to_string()))?;
            prop_assert!(first.term.contains(date));
            let mut term = first.term;
            for _ in 0..count {
                let start_day = DayOfMonth::Day(anchor_day).in_month_of(term.start).map_err(|e| TestCaseError::fail(e.to_string()))?;
                prop_assert_eq!(term.start, start_day);
                let end = term.end.ok_or_else(|| TestCaseError::fail("no end"))?;
                let next = rule.next_term(end, 1, DateRules::default()).map_err(|e| TestCaseError::fail(e.to_string()))?;
                let next = next.ok_or_else(|| TestCaseError::fail("no next term"))?;
                prop_assert_eq!(Some(next.start), add_days(end, 1).ok());
                term = next;
            }
        }

        /// A fixed-expiry join always ends on the expiry day (its clamped form) after the join,
        /// within the rollover days plus a year.
        #[test]
        fn a_fixed_expiry_join_ends_on_an_expiry_day_after_the_join(
            month in 1u8..=12, day in 1u8..=31, rollover in 0u32..=365, offset in 0i64..4000, clamped in any::<bool>(),
        ) {
            let Ok(md) = MonthDay::new(month, day.min(days_in_month(2023, time::Month::try_from(month).unwrap_or(time::Month::January)))) else {
                return Ok(());
            };
            let expires = ExpiryDay { month: md.month(), day: md.day() };
            let rule = TermRule::FixedExpiry { expires, rollover_days: rollover };
            let rules = DateRules {
                leap_expiry: if clamped { LeapExpiry::ClampedOnce } else { LeapExpiry::EachYear },
                ..DateRules::default()
            };
            let join = add_days(date!(2020 - 01 - 01), offset).unwrap_or(date!(2020 - 01 - 01));
            let j = rule.first_term(join, 1, rules).map_err(|e| TestCaseError::fail(e.to_string()))?;
            let end = j.term.end.ok_or_else(|| TestCaseError::fail("no end"))?;
            prop_assert!(end > join);
            prop_assert!((end - join).whole_days() <= 366 + i64::from(rollover) + 1);
            prop_assert_eq!(end.month(), md.month());
        }
    }
}
