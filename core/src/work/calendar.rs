//! Business time: the minutes the association is open between two moments, and the moment a
//! number of open minutes after another, in the policy's working week and holidays.

use std::collections::BTreeSet;

use time::{Date, PrimitiveDateTime, Time};

use super::policy::{StaffPolicy, WorkWeek};

/// The working week and holidays of a `staff` section, ready for arithmetic.
///
/// ```
/// use time::macros::datetime;
/// let policy = amscore::StaffPolicy::default(); // Monday to Friday, 09:00 to 17:00
/// let cal = amscore::BusinessCalendar::new(&policy);
/// // Friday 16:00 plus 2 business hours is Monday 10:00.
/// assert_eq!(cal.add_minutes(datetime!(2026-11-27 16:00), 120), Some(datetime!(2026-11-30 10:00)));
/// assert_eq!(cal.minutes_between(datetime!(2026-11-27 16:00), datetime!(2026-11-30 10:30)), 150);
/// ```
#[derive(Debug, Clone)]
pub struct BusinessCalendar {
    open_days: [bool; 7],
    opens: Time,
    closes: Time,
    holidays: BTreeSet<Date>,
}

impl BusinessCalendar {
    /// The calendar of a `staff` section.
    pub fn new(policy: &StaffPolicy) -> BusinessCalendar {
        let WorkWeek { days, opens, closes } = &policy.week;
        let mut open_days = [false; 7];
        for d in days {
            open_days[usize::from(d.weekday().number_days_from_monday())] = true;
        }
        BusinessCalendar {
            open_days,
            opens: *opens,
            closes: *closes,
            holidays: policy.holidays.iter().copied().collect(),
        }
    }

    /// The open hours of a date, or `None` on a day off (a non-working weekday or a holiday).
    fn open_on(&self, date: Date) -> Option<(PrimitiveDateTime, PrimitiveDateTime)> {
        let working = self.open_days[usize::from(date.weekday().number_days_from_monday())];
        (working && !self.holidays.contains(&date))
            .then(|| (PrimitiveDateTime::new(date, self.opens), PrimitiveDateTime::new(date, self.closes)))
    }

    /// The whole business minutes from `from` to `to` (0 when `to` is not after `from`).
    pub fn minutes_between(&self, from: PrimitiveDateTime, to: PrimitiveDateTime) -> i64 {
        let mut seconds = 0i64;
        let mut day = Some(from.date());
        while let Some(date) = day.filter(|d| *d <= to.date()) {
            if let Some((open, close)) = self.open_on(date) {
                let (start, end) = (open.max(from), close.min(to));
                if start < end {
                    seconds += (end - start).whole_seconds();
                }
            }
            day = date.next_day();
        }
        seconds / 60
    }

    /// The moment `minutes` business minutes after `from`: a clock that runs only in open hours.
    /// Time that runs out exactly at closing ends there (Friday 16:00 + 60 minutes is Friday
    /// 17:00, not Monday 09:00). `None` past 9999-12-31.
    pub fn add_minutes(&self, from: PrimitiveDateTime, minutes: u64) -> Option<PrimitiveDateTime> {
        let mut left = i64::try_from(minutes).ok()?.checked_mul(60)?;
        let mut date = from.date();
        loop {
            if let Some((open, close)) = self.open_on(date) {
                let start = open.max(from);
                if start < close {
                    let available = (close - start).whole_seconds();
                    if left <= available {
                        return Some(start + time::Duration::seconds(left));
                    }
                    left -= available;
                }
            }
            date = date.next_day()?;
        }
    }
}
