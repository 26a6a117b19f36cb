//! Self-service requests: what a member asks the website to do, with everything the website knows.
//!
//! Times are wall-clock times of the association, with no time zone (`"2026-10-01T14:00"`): the
//! caller converts "now" and an event's start to the same local clock before asking. Cut-offs are
//! counted in wall-clock hours, so a daylight-saving change inside a cut-off window shifts it by
//! the change; associations that care pass UTC for both.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use time::PrimitiveDateTime;

use crate::money::Money;
use crate::plan::PlanId;
use crate::status::{MemberId, Membership};

/// The kinds of request a member makes online, in a stable order.
///
/// ```
/// let k: amscore::RequestKind = serde_json::from_str(r#""register_event""#)?;
/// assert_eq!(k.as_str(), "register_event");
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum RequestKind {
    /// Join a plan.
    Join,
    /// Renew the current membership.
    Renew,
    /// Reinstate a lapsed membership.
    Reinstate,
    /// Move to another plan (up- or downgrade).
    ChangePlan,
    /// Change the number of seats of an organisational membership.
    ChangeSeats,
    /// Cancel the membership.
    CancelMembership,
    /// Register for an event.
    RegisterEvent,
    /// Cancel an event registration.
    CancelRegistration,
    /// Transfer an event registration to someone else.
    TransferRegistration,
    /// Buy a product.
    BuyProduct,
    /// Update a field of the member's profile.
    UpdateProfile,
    /// Add a dependant to a household membership.
    AddDependant,
    /// Remove a dependant from a household membership.
    RemoveDependant,
}

impl RequestKind {
    /// Every kind, in the stable order.
    pub const ALL: [RequestKind; 13] = [
        RequestKind::Join,
        RequestKind::Renew,
        RequestKind::Reinstate,
        RequestKind::ChangePlan,
        RequestKind::ChangeSeats,
        RequestKind::CancelMembership,
        RequestKind::RegisterEvent,
        RequestKind::CancelRegistration,
        RequestKind::TransferRegistration,
        RequestKind::BuyProduct,
        RequestKind::UpdateProfile,
        RequestKind::AddDependant,
        RequestKind::RemoveDependant,
    ];

    /// The kind's snake_case name.
    pub fn as_str(&self) -> &'static str {
        match self {
            RequestKind::Join => "join",
            RequestKind::Renew => "renew",
            RequestKind::Reinstate => "reinstate",
            RequestKind::ChangePlan => "change_plan",
            RequestKind::ChangeSeats => "change_seats",
            RequestKind::CancelMembership => "cancel_membership",
            RequestKind::RegisterEvent => "register_event",
            RequestKind::CancelRegistration => "cancel_registration",
            RequestKind::TransferRegistration => "transfer_registration",
            RequestKind::BuyProduct => "buy_product",
            RequestKind::UpdateProfile => "update_profile",
            RequestKind::AddDependant => "add_dependant",
            RequestKind::RemoveDependant => "remove_dependant",
        }
    }
}

impl fmt::Display for RequestKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What the website knows about the member making a request.
///
/// ```
/// let facts: amscore::MemberFacts = serde_json::from_str(r#"{
///     "membership": {"member_id": "M-1", "plan": "individual", "member_since": "2020-03-01",
///                    "term": {"start": "2025-03-01", "end": "2026-02-28"}},
///     "credentials": ["student"],
///     "balance_due": {"amount": "0.00", "currency": "USD"}
/// }"#)?;
/// assert_eq!(facts.credentials, vec!["student".to_owned()]);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MemberFacts {
    /// The membership, or `None` for a person who is not (or never was) a member.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub membership: Option<Membership>,
    /// Credentials on file and verified (`"student"`, `"retired"`): the categories they prove.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub credentials: Vec<String>,
    /// What the member owes now (unpaid invoices), if anything.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub balance_due: Option<Money>,
    /// What the member paid for the current term (needed to quote plan changes and cancellations).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount_paid: Option<Money>,
    /// Seats currently held, for organisational plans.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seats: Option<u32>,
    /// A plan change already scheduled for the end of the term (a pending downgrade).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scheduled_change: Option<PlanId>,
    /// For a dependant of a household: the primary member's id (the dependant's membership
    /// follows the primary's term; it renews with the primary, never on its own).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub primary: Option<MemberId>,
    /// For a household's primary: the dependants the household holds now (default 0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dependants: Option<u32>,
}

/// The status of an event registration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum RegistrationStatus {
    /// Registered and confirmed.
    Registered,
    /// On the waiting list.
    Waitlisted,
    /// Registered, payment not yet received.
    Unpaid,
    /// Checked in at the event.
    Attended,
    /// Did not come.
    NoShow,
    /// Already cancelled.
    Cancelled,
}

impl RegistrationStatus {
    /// The snake_case name.
    pub fn as_str(&self) -> &'static str {
        match self {
            RegistrationStatus::Registered => "registered",
            RegistrationStatus::Waitlisted => "waitlisted",
            RegistrationStatus::Unpaid => "unpaid",
            RegistrationStatus::Attended => "attended",
            RegistrationStatus::NoShow => "no_show",
            RegistrationStatus::Cancelled => "cancelled",
        }
    }
}

/// What the website knows about an event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EventFacts {
    /// The event's identifier.
    pub id: String,
    /// When it starts, association wall-clock time (`"2026-11-12T09:00"`).
    #[serde(with = "datetime_text")]
    pub starts_at: PrimitiveDateTime,
    /// Places in total, if limited.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub capacity: Option<u32>,
    /// Places taken now.
    #[serde(default)]
    pub registered: u32,
    /// Only members (in a status that counts as a member) may register.
    #[serde(default)]
    pub members_only: bool,
}

/// The request's details, tagged by `kind`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
#[non_exhaustive]
pub enum Action {
    /// Join a plan, buying `terms` terms (and `seats` seats on an organisational plan).
    Join {
        /// The plan.
        plan: PlanId,
        /// Terms bought at once (default 1).
        #[serde(default = "one")]
        terms: u32,
        /// Seats, for organisational plans.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        seats: Option<i64>,
        /// Dependants joining with the primary, for household plans.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        dependants: Option<u32>,
    },
    /// Renew the current membership.
    Renew {
        /// Terms bought at once (default 1).
        #[serde(default = "one")]
        terms: u32,
    },
    /// Reinstate a lapsed membership.
    Reinstate {
        /// Terms bought at once (default 1).
        #[serde(default = "one")]
        terms: u32,
    },
    /// Move to another plan.
    ChangePlan {
        /// The plan moved to.
        plan: PlanId,
    },
    /// Change the number of seats.
    ChangeSeats {
        /// The new number of seats.
        seats: i64,
    },
    /// Cancel the membership.
    CancelMembership,
    /// Register for an event.
    RegisterEvent {
        /// The event.
        event: EventFacts,
    },
    /// Cancel an event registration, refunding what was paid.
    CancelRegistration {
        /// The event.
        event: EventFacts,
        /// The registration's status.
        registration: RegistrationStatus,
        /// What was paid for the registration (the refund asked for).
        paid: Money,
    },
    /// Transfer an event registration to someone else.
    TransferRegistration {
        /// The event.
        event: EventFacts,
        /// The registration's status.
        registration: RegistrationStatus,
    },
    /// Buy a product.
    BuyProduct {
        /// The product's id (it must be listed in the policy's `self_service.products`).
        product: String,
        /// How many.
        quantity: i64,
        /// Whether the member price is asked for.
        #[serde(default)]
        member_price: bool,
        /// Units in stock now, if the website tracks stock.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        in_stock: Option<i64>,
    },
    /// Update a profile field.
    UpdateProfile {
        /// The field's name.
        field: String,
    },
    /// Add a dependant to the member's household (the member is its primary).
    AddDependant,
    /// Remove a dependant from the member's household.
    RemoveDependant,
}

fn one() -> u32 {
    1
}

impl Action {
    /// The request kind of this action.
    pub fn kind(&self) -> RequestKind {
        match self {
            Action::Join { .. } => RequestKind::Join,
            Action::Renew { .. } => RequestKind::Renew,
            Action::Reinstate { .. } => RequestKind::Reinstate,
            Action::ChangePlan { .. } => RequestKind::ChangePlan,
            Action::ChangeSeats { .. } => RequestKind::ChangeSeats,
            Action::CancelMembership => RequestKind::CancelMembership,
            Action::RegisterEvent { .. } => RequestKind::RegisterEvent,
            Action::CancelRegistration { .. } => RequestKind::CancelRegistration,
            Action::TransferRegistration { .. } => RequestKind::TransferRegistration,
            Action::BuyProduct { .. } => RequestKind::BuyProduct,
            Action::UpdateProfile { .. } => RequestKind::UpdateProfile,
            Action::AddDependant => RequestKind::AddDependant,
            Action::RemoveDependant => RequestKind::RemoveDependant,
        }
    }
}

/// A request a member makes on the website: when, who, and what.
///
/// ```
/// let r: amscore::SelfServiceRequest = serde_json::from_str(r#"{
///     "at": "2026-10-01T14:30",
///     "action": {"kind": "join", "plan": "individual"}
/// }"#)?;
/// assert_eq!(r.action.kind(), amscore::RequestKind::Join);
/// assert_eq!(r.at.date(), time::macros::date!(2026-10-01));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SelfServiceRequest {
    /// The caller's identifier for the request (a row id), echoed in reports.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// When the member asks, association wall-clock time with no zone (`"2026-10-01T14:30"`).
    #[serde(with = "datetime_text")]
    pub at: PrimitiveDateTime,
    /// What the website knows about the member; `None` for an anonymous visitor.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub member: Option<MemberFacts>,
    /// What is asked.
    pub action: Action,
}

/// Date-times in JSON as `YYYY-MM-DDTHH:MM` or `YYYY-MM-DDTHH:MM:SS`, no zone; the date part is
/// read with the one date grammar, [`crate::parse_date`].
pub mod datetime_text {
    use super::*;
    use time::Time;

    const SHORT: &[time::format_description::BorrowedFormatItem<'static>] =
        time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]");
    const LONG: &[time::format_description::BorrowedFormatItem<'static>] =
        time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]");
    const HOUR_MINUTE: &[time::format_description::BorrowedFormatItem<'static>] =
        time::macros::format_description!("[hour]:[minute]");
    const HOUR_MINUTE_SECOND: &[time::format_description::BorrowedFormatItem<'static>] =
        time::macros::format_description!("[hour]:[minute]:[second]");

    /// Reads a date-time from text: a date of [`crate::parse_date`], `T`, then `HH:MM` or
    /// `HH:MM:SS`.
    ///
    /// ```
    /// let t = amscore::datetime_text::parse("2026-10-01T09:05").expect("a date-time");
    /// assert_eq!(t.hour(), 9);
    /// assert!(amscore::datetime_text::parse("2026-10-01 09:05").is_none());
    /// assert!(amscore::datetime_text::parse("+2026-10-01T09:05").is_none());
    /// ```
    ///
    /// `None` when the text is not `YYYY-MM-DDTHH:MM[:SS]` with a date that exists.
    pub fn parse(text: &str) -> Option<PrimitiveDateTime> {
        let (date, time) = text.split_once('T')?;
        let date = crate::period::parse_date(date).ok()?;
        Some(PrimitiveDateTime::new(date, parse_time(time)?))
    }

    /// Reads a time of day, the part of a date-time after the `T`: `HH:MM` or `HH:MM:SS`.
    ///
    /// ```
    /// let t = amscore::datetime_text::parse_time("17:00").expect("a time");
    /// assert_eq!((t.hour(), t.minute()), (17, 0));
    /// assert!(amscore::datetime_text::parse_time("5pm").is_none());
    /// ```
    pub fn parse_time(text: &str) -> Option<Time> {
        Time::parse(text, HOUR_MINUTE).or_else(|_| Time::parse(text, HOUR_MINUTE_SECOND)).ok()
    }

    /// Writes a time of day as [`parse_time`] reads it (seconds only when not zero).
    pub fn format_time(value: &Time) -> String {
        let format = if value.second() == 0 { HOUR_MINUTE } else { HOUR_MINUTE_SECOND };
        value.format(format).unwrap_or_default()
    }

    /// Writes a date-time as text (seconds only when not zero).
    pub fn format(value: &PrimitiveDateTime) -> String {
        let format = if value.second() == 0 { SHORT } else { LONG };
        value.format(format).unwrap_or_default()
    }

    /// Serde: writes [`format()`].
    ///
    /// # Errors
    /// The serializer's.
    pub fn serialize<S: Serializer>(value: &PrimitiveDateTime, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&format(value))
    }

    /// Serde: reads [`parse`].
    ///
    /// # Errors
    /// A serde error naming the expected format.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<PrimitiveDateTime, D::Error> {
        let text = String::deserialize(d)?;
        parse(&text).ok_or_else(|| {
            serde::de::Error::custom(format!("`{text}` is not a date-time YYYY-MM-DDTHH:MM (no time zone)"))
        })
    }
}
