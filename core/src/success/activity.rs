//! Activity events (instrumentation) and the policy's activity kinds: weight, scoring by value,
//! and a cap on how many events of a kind count per calendar period.

use std::fmt;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use time::Date;

use crate::money::{decimal_text, opt_decimal_text};
use crate::status::MemberId;

/// An activity kind's identifier (`"event_attended"`, `"login"`, `"donation"`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(transparent)]
pub struct KindId(pub String);

impl KindId {
    /// The identifier as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl From<&str> for KindId {
    fn from(s: &str) -> KindId {
        KindId(s.to_owned())
    }
}

impl fmt::Display for KindId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// One thing a member did on a date: attended an event, logged in, donated (with a value).
///
/// ```
/// let e: amscore::success::ActivityEvent = serde_json::from_str(
///     r#"{"member_id": "M-1", "date": "2025-05-01", "kind": "donation", "value": "50.00"}"#)?;
/// assert_eq!(e.value.unwrap().to_string(), "50.00");
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ActivityEvent {
    /// The member.
    pub member_id: MemberId,
    /// The day it happened.
    #[serde(with = "crate::period::date_text")]
    pub date: Date,
    /// The kind of activity (one of the policy's `success.activity_kinds`).
    pub kind: KindId,
    /// An amount (a donation, a purchase), used by kinds scored by value.
    #[serde(default, with = "opt_decimal_text", skip_serializing_if = "Option::is_none")]
    pub value: Option<Decimal>,
    /// The row it was read from (0-based), when read from rows ([`read_events`](super::read_events)):
    /// errors about the event name that row. Not part of an event document.
    #[serde(skip)]
    pub row: Option<usize>,
}

/// The calendar period a cap counts events in. Periods are fixed on the calendar (ISO weeks from
/// Monday, months, quarters from January, years), never relative to the scoring date, so the set
/// of events that count does not change as the date moves on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum CapPeriod {
    /// One calendar day.
    Day,
    /// One ISO week (Monday to Sunday).
    Week,
    /// One calendar month.
    Month,
    /// One calendar quarter (Jan–Mar, Apr–Jun, Jul–Sep, Oct–Dec).
    Quarter,
    /// One calendar year.
    Year,
}

impl CapPeriod {
    /// The period a date falls in, as a sortable key.
    ///
    /// ```
    /// use amscore::success::CapPeriod;
    /// use time::macros::date;
    /// // 2024-12-30 is in ISO week 1 of 2025.
    /// assert_eq!(CapPeriod::Week.key(date!(2024-12-30)), CapPeriod::Week.key(date!(2025-01-05)));
    /// assert_ne!(CapPeriod::Quarter.key(date!(2025-03-31)), CapPeriod::Quarter.key(date!(2025-04-01)));
    /// ```
    pub fn key(self, date: Date) -> (i32, u32) {
        match self {
            CapPeriod::Day => (date.year(), u32::from(date.ordinal())),
            CapPeriod::Week => {
                let (y, w, _) = date.to_iso_week_date();
                (y, u32::from(w))
            }
            CapPeriod::Month => (date.year(), u32::from(u8::from(date.month()))),
            CapPeriod::Quarter => (date.year(), (u32::from(u8::from(date.month())) - 1) / 3),
            CapPeriod::Year => (date.year(), 0),
        }
    }
}

/// At most `max` events of a kind count per calendar period; in each period the most recent
/// events count (ties keep the input order) and the rest are reported as capped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Cap {
    /// How many events count per period (at least 1).
    pub max: u32,
    /// The period.
    pub per: CapPeriod,
}

/// A kind of activity and how it scores: `{"id": "login", "weight": "1", "cap": {"max": 4, "per": "month"}}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ActivityKind {
    /// The kind's identifier, as events name it.
    pub id: KindId,
    /// A label for people, if different from the id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// Points per event (or per unit of value), before decay. Not negative.
    #[schemars(with = "crate::money::DecimalText")]
    #[serde(with = "decimal_text")]
    pub weight: Decimal,
    /// Whether an event scores `weight × value` (a donation of 50 with weight 0.1 scores 5)
    /// instead of `weight`. Such events must carry a value.
    #[serde(default)]
    pub per_value: bool,
    /// A cap on how many events count per period, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cap: Option<Cap>,
}
