//! Why a request is not (only) self-service: the reason-code table ([`ReasonCode`]) and a [`Reason`].

use std::cmp::Ordering;
use std::fmt;
use std::sync::Arc;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use time::{Date, PrimitiveDateTime};

use super::route::{Queue, Route};
use crate::money::Money;
use crate::plan::PlanId;
use crate::quote::QuoteError;
use crate::request::{datetime_text, RegistrationStatus, RequestKind};
use crate::status::Status;

macro_rules! reason_codes {
    ($($(#[$doc:meta])* $variant:ident => $name:literal, $route:expr;)*) => {
        /// Why a request is not (only) self-service. Stable snake_case names; the enum order is
        /// the order reasons are listed in.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, schemars::JsonSchema)]
        #[serde(rename_all = "snake_case")]
        #[non_exhaustive]
        pub enum ReasonCode {
            $($(#[$doc])* $variant,)*
        }

        impl ReasonCode {
            /// Every code, in the stable order.
            pub const ALL: &'static [ReasonCode] = &[$(ReasonCode::$variant,)*];

            /// The code's stable snake_case name.
            pub fn as_str(&self) -> &'static str {
                match self { $(ReasonCode::$variant => $name,)* }
            }

            /// The route this reason sends a request of `kind` to.
            pub fn route(&self, kind: RequestKind) -> Route {
                let fixed: Option<Route> = match self { $(ReasonCode::$variant => $route,)* };
                fixed.unwrap_or(Route::Staff { queue: Queue::for_kind(kind) })
            }
        }
    };
}

// The route each reason sends to; `BY_KIND`: the staff queue of the request's kind.
const BY_KIND: Option<Route> = None;
const MEMBERSHIP: Option<Route> = Some(Route::Staff { queue: Queue::Membership });
const EVENTS: Option<Route> = Some(Route::Staff { queue: Queue::Events });
const FINANCE: Option<Route> = Some(Route::Staff { queue: Queue::Finance });
const RECORDS: Option<Route> = Some(Route::Staff { queue: Queue::Records });
const REFUSED: Option<Route> = Some(Route::Refused);

reason_codes! {
    /// The policy does not let the website complete this kind of request (for this plan).
    OnlineNotAllowed => "online_not_allowed", BY_KIND;
    /// The member has died.
    MemberDeceased => "member_deceased", REFUSED;
    /// Staff have put the membership on hold.
    MembershipSuspended => "membership_suspended", MEMBERSHIP;
    /// The membership awaits payment or approval.
    MembershipPending => "membership_pending", MEMBERSHIP;
    /// A renewal already awaits payment (an open renewal invoice): staff settle it rather than
    /// the website raising a second one.
    RenewalAlreadyPending => "renewal_already_pending", FINANCE;
    /// The membership was cancelled.
    MembershipCancelled => "membership_cancelled", MEMBERSHIP;
    /// A join by someone who is already a member.
    AlreadyMember => "already_member", REFUSED;
    /// A change or cancellation of a membership that is not current (lapsed or expired).
    MembershipNotCurrent => "membership_not_current", REFUSED;
    /// Only staff may sell or change the plan.
    PlanStaffOnly => "plan_staff_only", MEMBERSHIP;
    /// The website does not sell the plan.
    PlanNotSoldOnline => "plan_not_sold_online", MEMBERSHIP;
    /// The plan cannot be joined, only renewed into.
    PlanRenewalOnly => "plan_renewal_only", REFUSED;
    /// Lifetime memberships are not renewed.
    LifetimeNotRenewable => "lifetime_not_renewable", REFUSED;
    /// A reinstatement of a membership that has not lapsed.
    NothingToReinstate => "nothing_to_reinstate", REFUSED;
    /// The renewal window has not opened yet (the next date says when it does).
    RenewalWindowNotOpen => "renewal_window_not_open", REFUSED;
    /// The reinstatement window has closed: the member must join again.
    ReinstatementWindowClosed => "reinstatement_window_closed", REFUSED;
    /// A back-dated reinstatement would end before today: more terms are needed.
    BackdateTooShort => "backdate_too_short", REFUSED;
    /// A reinstatement back-dated further than the website may.
    BackdatingLimitExceeded => "backdating_limit_exceeded", MEMBERSHIP;
    /// Zero terms, or more than the plan sells at once.
    TermCountInvalid => "term_count_invalid", REFUSED;
    /// A change to the plan the member already has.
    SamePlan => "same_plan", REFUSED;
    /// The plan (or plan change) needs staff approval.
    PlanRequiresApproval => "plan_requires_approval", MEMBERSHIP;
    /// The plan's category needs a credential the member has not proven.
    CredentialRequired => "credential_required", MEMBERSHIP;
    /// A plan change is already scheduled for the end of the term.
    DowngradePending => "downgrade_pending", MEMBERSHIP;
    /// Seats asked for on a plan without seats.
    PlanHasNoSeats => "plan_has_no_seats", REFUSED;
    /// Fewer seats than the plan's minimum.
    SeatsBelowMinimum => "seats_below_minimum", REFUSED;
    /// More seats than the plan's cap.
    SeatCapReached => "seat_cap_reached", MEMBERSHIP;
    /// A seat change to the seats the membership already has.
    SeatsUnchanged => "seats_unchanged", REFUSED;
    /// The member owes more than the website tolerates.
    BalanceOverdue => "balance_overdue", FINANCE;
    /// The refund is larger than the website may pay out.
    RefundAboveOnlineLimit => "refund_above_online_limit", FINANCE;
    /// The event has started.
    EventStarted => "event_started", REFUSED;
    /// The event is for members only.
    EventMembersOnly => "event_members_only", REFUSED;
    /// Every place is taken (staff keep the waiting list).
    EventFull => "event_full", EVENTS;
    /// The online cancellation or transfer cut-off has passed.
    EventCutoffPassed => "event_cutoff_passed", EVENTS;
    /// The registration's status is not one the website may cancel or transfer.
    RegistrationNotEligible => "registration_not_eligible", EVENTS;
    /// The product, or its member price, is for members only.
    ProductMembersOnly => "product_members_only", REFUSED;
    /// Fewer units in stock than asked for.
    OutOfStock => "out_of_stock", REFUSED;
    /// More units than the website sells in one order.
    QuantityAboveOnlineLimit => "quantity_above_online_limit", FINANCE;
    /// Only staff may change this profile field.
    StaffOnlyField => "staff_only_field", RECORDS;
    /// A dependant's membership renews with its household's primary, not on its own.
    RenewsWithPrimary => "renews_with_primary", REFUSED;
    /// Only a household's primary adds or removes dependants.
    NotHouseholdPrimary => "not_household_primary", REFUSED;
    /// Dependants on a plan that is not a household plan.
    PlanHasNoHousehold => "plan_has_no_household", REFUSED;
    /// A dependant beyond the household plan's cap (staff may allow it).
    DependantCapReached => "dependant_cap_reached", MEMBERSHIP;
    /// A removal from a household that holds no dependant.
    NoDependantToRemove => "no_dependant_to_remove", REFUSED;
    /// The engine cannot price the request (the message says why): staff price it by hand.
    QuoteUnavailable => "quote_unavailable", MEMBERSHIP;
    /// The plan has one expiry date for every member (`fixed_date`): there is nothing to renew.
    OneExpiryDateNotRenewable => "one_expiry_date_not_renewable", REFUSED;
}

impl fmt::Display for ReasonCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One reason a request is not self-service: a stable code, a sentence with the concrete values,
/// and, where time alone clears it, the date from which it no longer applies.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Reason {
    /// The stable code.
    pub code: ReasonCode,
    /// A sentence a person can read: `"renewal opens on 2026-10-02"`, written when it is read.
    pub message: ReasonMessage,
    /// The first date this reason no longer applies, if time alone clears it.
    #[serde(default, with = "crate::period::opt_date_text", skip_serializing_if = "Option::is_none")]
    pub next_date: Option<Date>,
}

/// A reason's sentence. It holds the few values the sentence needs and is written only when it
/// is read (`Display`, `to_string`) or serialised (a JSON string), so a decision that nobody
/// reads the words of costs no text. Two messages are equal when they read the same.
///
/// ```
/// let m = amscore::ReasonMessage::from("the member is recorded as deceased".to_owned());
/// assert_eq!(m, "the member is recorded as deceased");
/// assert_eq!(serde_json::to_string(&m)?, r#""the member is recorded as deceased""#);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct ReasonMessage(Sentence);

/// What a sentence says, with the values it is written from (each variant's text is in
/// `Display for ReasonMessage`).
#[derive(Debug, Clone)]
pub(super) enum Sentence {
    Written(String),
    Fixed(&'static str),
    /// `renewal opens on {0}`.
    RenewalOpens(Date),
    /// `the membership is on hold by staff[ until {0}]`.
    OnHold(Option<Date>),
    /// `the membership was cancelled[ on {0}]`.
    CancelledOn(Option<Date>),
    /// `{kind} requests[ for {plan}] are not taken online`.
    NotTakenOnline {
        kind: RequestKind,
        plan: Option<Arc<str>>,
    },
    /// `{0} is not renewable online`.
    NotRenewableOnline(Arc<str>),
    /// `{0} is a lifetime membership: nothing to renew`.
    Lifetime(Arc<str>),
    /// `{doing} {plan} needs staff approval`.
    NeedsApproval {
        doing: &'static str,
        plan: Arc<str>,
    },
    /// `the membership is {status phrase} (term ends {end}): renew instead`.
    NothingToReinstate {
        status: Status,
        end: Date,
    },
    /// `the reinstatement window closed on {0}: join again instead`.
    ReinstatementClosed(Date),
    /// `the membership is paused from {from} to {to}`.
    Paused {
        from: Date,
        to: Date,
    },
    /// `the membership is {status phrase}[ (term ended {ended})]: reinstate or join first`.
    NotCurrent {
        status: Status,
        ended: Option<Date>,
    },
    /// `the membership is {status phrase}: its term ended on {end}; renew first`.
    TermEnded {
        status: Status,
        end: Date,
    },
    /// `{0} is not sold online`.
    NotSoldOnline(Arc<str>),
    /// `{plan} cannot be {taken_as}, only renewed into`.
    RenewalOnly {
        plan: Arc<str>,
        taken_as: &'static str,
    },
    /// `{plan} needs a `{needed}` credential on file`.
    CredentialRequired {
        plan: Arc<str>,
        needed: Box<str>,
    },
    /// `a balance of {due} is due; the website accepts up to {limit} outstanding`.
    BalanceOverdue {
        due: Money,
        limit: Money,
    },
    /// `a refund of {refund} is above the online limit of {limit}`.
    RefundAboveLimit {
        refund: Money,
        limit: Money,
    },
    /// `{plan} sells 1 term at a time, not {terms}` (`1 to {max} terms at once` when `max` > 1).
    TermCount {
        plan: Arc<str>,
        max: u32,
        terms: u32,
    },
    /// `{0} has no seats`.
    NoSeats(Arc<str>),
    /// `{count} seats is below the minimum of {min} for {plan}`.
    SeatsBelowMinimum {
        count: u32,
        min: u32,
        plan: Arc<str>,
    },
    /// `{count} seats is above the online cap of {max} for {plan}`.
    SeatsAboveCap {
        count: u32,
        max: u32,
        plan: Arc<str>,
    },
    /// `{0} is not a household plan: it has no dependants`.
    NoHousehold(Arc<str>),
    /// `{dependants} dependants is above the {plan} maximum of {max}`.
    DependantsAboveCap {
        dependants: u32,
        plan: Arc<str>,
        max: u32,
    },
    /// `a dependant's membership follows its primary ({0}): the primary renews the household`.
    FollowsPrimary(Box<str>),
    /// `the member is a dependant of {0}: only the household's primary changes its dependants`.
    DependantOf(Box<str>),
    /// `the household holds {held} dependants, the {plan} maximum is {max}: staff may add more`.
    HouseholdFull {
        held: u32,
        plan: Arc<str>,
        max: u32,
    },
    /// `already a member ({status} on {plan}[ until {until}]): renew or change plan instead`.
    AlreadyMember {
        status: Status,
        plan: Arc<str>,
        until: Option<Date>,
    },
    /// `only staff may {verb} {plan}`.
    StaffOnly {
        verb: &'static str,
        plan: Arc<str>,
    },
    /// `a renewal already awaits payment[ (the current term ends {0})]: settle the open renewal
    /// instead of a second one`.
    RenewalPending(Option<Date>),
    /// `reinstating would back-date the term {days} days to {start}; the website may back-date
    /// up to {max} days`.
    BackdatingLimit {
        days: i64,
        start: Date,
        max: u32,
    },
    /// `{terms} term(s) back-dated would end on {end}, before {date}: buy more terms`.
    BackdateTooShort {
        terms: u32,
        end: Date,
        date: Date,
    },
    /// `{0} cannot be joined again, only renewed into: rejoin on another plan`.
    RejoinRenewalOnly(Arc<str>),
    /// `{plan} expires on {expires} for every member: nothing to renew`.
    OneExpiryDate {
        plan: Arc<str>,
        expires: Date,
    },
    /// `the member is already on {0}`.
    SamePlan(Arc<str>),
    /// `changing to or from {0} needs staff approval`.
    ChangeNeedsApproval(Arc<str>),
    /// `a change to `{to}` is already scheduled[ for {on}]`.
    ChangeScheduled {
        to: PlanId,
        on: Option<Date>,
    },
    /// `the membership already has {0} seats`.
    SeatsUnchanged(u32),
    /// `the website cannot price this request: {0}`.
    QuoteUnavailable(Box<QuoteError>),
    /// `event `{event}` starts in {h}h{mm}` (or `started {h}h{mm} ago`)`: online {verb} closed at
    /// {closes_at} ({n} hours before the start)` (or `after the start`).
    EventCutoff {
        event: Box<str>,
        minutes_left: i64,
        verb: &'static str,
        closes_at: PrimitiveDateTime,
        hours: i64,
    },
    /// `event `{event}` started at {starts_at}`.
    EventStarted {
        event: Box<str>,
        starts_at: PrimitiveDateTime,
    },
    /// `event `{0}` is for members only`.
    EventMembersOnly(Box<str>),
    /// `event `{event}` is full: {registered} of {cap} places taken`.
    EventFull {
        event: Box<str>,
        registered: u32,
        cap: u32,
    },
    /// `a registration that is {status, spaced} cannot be changed online`.
    RegistrationNotEligible(RegistrationStatus),
    /// `product `{product}` {what}`.
    ProductMembersOnly {
        product: Box<str>,
        what: &'static str,
    },
    /// `product `{product}`: {quantity} asked for, {stock} in stock`.
    OutOfStock {
        product: Box<str>,
        quantity: i64,
        stock: i64,
    },
    /// `{quantity} units of `{product}` is above the online limit of {max} per order`.
    QuantityAboveLimit {
        quantity: i64,
        product: Box<str>,
        max: u32,
    },
    /// `only staff may change the `{0}` field`.
    StaffOnlyField(Box<str>),
}

impl ReasonMessage {
    /// A sentence of the decision's own (its values kept, written when read).
    pub(super) fn of(sentence: Sentence) -> ReasonMessage {
        ReasonMessage(sentence)
    }

    /// A sentence with no values.
    pub(crate) fn fixed(text: &'static str) -> ReasonMessage {
        ReasonMessage(Sentence::Fixed(text))
    }

    /// The renewal window opens on `on`.
    pub(crate) fn renewal_opens(on: Date) -> ReasonMessage {
        ReasonMessage(Sentence::RenewalOpens(on))
    }

    /// Staff hold the membership, until a day or not.
    pub(crate) fn on_hold(until: Option<Date>) -> ReasonMessage {
        ReasonMessage(Sentence::OnHold(until))
    }

    /// The membership was cancelled, on a known day or not.
    pub(crate) fn cancelled_on(on: Option<Date>) -> ReasonMessage {
        ReasonMessage(Sentence::CancelledOn(on))
    }

    /// Requests of `kind` (for a plan, by its name) are not taken online.
    pub(crate) fn not_taken_online(kind: RequestKind, plan: Option<Arc<str>>) -> ReasonMessage {
        ReasonMessage(Sentence::NotTakenOnline { kind, plan })
    }

    /// The plan (its name) is not renewable online.
    pub(crate) fn not_renewable_online(plan: Arc<str>) -> ReasonMessage {
        ReasonMessage(Sentence::NotRenewableOnline(plan))
    }

    /// The plan (its name) is a lifetime membership.
    pub(crate) fn lifetime(plan: Arc<str>) -> ReasonMessage {
        ReasonMessage(Sentence::Lifetime(plan))
    }

    /// `doing` (`joining`, `renewing`) the plan (its name) needs staff approval.
    pub(crate) fn needs_approval(doing: &'static str, plan: Arc<str>) -> ReasonMessage {
        ReasonMessage(Sentence::NeedsApproval { doing, plan })
    }

    /// A current membership (its status, its term's end) has nothing to reinstate.
    pub(crate) fn nothing_to_reinstate(status: Status, end: Date) -> ReasonMessage {
        ReasonMessage(Sentence::NothingToReinstate { status, end })
    }

    /// The reinstatement window closed on `on`.
    pub(crate) fn reinstatement_closed(on: Date) -> ReasonMessage {
        ReasonMessage(Sentence::ReinstatementClosed(on))
    }

    /// The text when it is held as text already.
    fn text(&self) -> Option<&str> {
        match &self.0 {
            Sentence::Written(text) => Some(text),
            Sentence::Fixed(text) => Some(text),
            _ => None,
        }
    }
}

impl fmt::Display for ReasonMessage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Sentence::Written(text) => f.write_str(text),
            Sentence::Fixed(text) => f.write_str(text),
            Sentence::RenewalOpens(on) => write!(f, "renewal opens on {on}"),
            Sentence::OnHold(Some(until)) => write!(f, "the membership is on hold by staff until {until}"),
            Sentence::OnHold(None) => f.write_str("the membership is on hold by staff"),
            Sentence::CancelledOn(Some(on)) => write!(f, "the membership was cancelled on {on}"),
            Sentence::CancelledOn(None) => f.write_str("the membership was cancelled"),
            Sentence::NotTakenOnline { kind, plan: Some(plan) } => {
                write!(f, "{kind} requests for {plan} are not taken online")
            }
            Sentence::NotTakenOnline { kind, plan: None } => write!(f, "{kind} requests are not taken online"),
            Sentence::NotRenewableOnline(plan) => write!(f, "{plan} is not renewable online"),
            Sentence::Lifetime(plan) => write!(f, "{plan} is a lifetime membership: nothing to renew"),
            Sentence::NeedsApproval { doing, plan } => write!(f, "{doing} {plan} needs staff approval"),
            Sentence::NothingToReinstate { status, end } => {
                write!(
                    f,
                    "the membership is {} (term ends {end}): renew instead",
                    super::checks::status_phrase(*status)
                )
            }
            Sentence::ReinstatementClosed(on) => {
                write!(f, "the reinstatement window closed on {on}: join again instead")
            }
            Sentence::Paused { from, to } => write!(f, "the membership is paused from {from} to {to}"),
            Sentence::NotCurrent { status, ended } => {
                write!(f, "the membership is {}", super::checks::status_phrase(*status))?;
                if let Some(e) = ended {
                    write!(f, " (term ended {e})")?;
                }
                f.write_str(": reinstate or join first")
            }
            Sentence::TermEnded { status, end } => write!(
                f,
                "the membership is {}: its term ended on {end}; renew first",
                super::checks::status_phrase(*status)
            ),
            Sentence::NotSoldOnline(plan) => write!(f, "{plan} is not sold online"),
            Sentence::RenewalOnly { plan, taken_as } => write!(f, "{plan} cannot be {taken_as}, only renewed into"),
            Sentence::CredentialRequired { plan, needed } => write!(f, "{plan} needs a `{needed}` credential on file"),
            Sentence::BalanceOverdue { due, limit } => {
                write!(f, "a balance of {due} is due; the website accepts up to {limit} outstanding")
            }
            Sentence::RefundAboveLimit { refund, limit } => {
                write!(f, "a refund of {refund} is above the online limit of {limit}")
            }
            Sentence::TermCount { plan, max: 1, terms } => write!(f, "{plan} sells 1 term at a time, not {terms}"),
            Sentence::TermCount { plan, max, terms } => write!(f, "{plan} sells 1 to {max} terms at once, not {terms}"),
            Sentence::NoSeats(plan) => write!(f, "{plan} has no seats"),
            Sentence::SeatsBelowMinimum { count, min, plan } => {
                write!(f, "{count} seats is below the minimum of {min} for {plan}")
            }
            Sentence::SeatsAboveCap { count, max, plan } => {
                write!(f, "{count} seats is above the online cap of {max} for {plan}")
            }
            Sentence::NoHousehold(plan) => write!(f, "{plan} is not a household plan: it has no dependants"),
            Sentence::DependantsAboveCap { dependants, plan, max } => {
                write!(f, "{dependants} dependants is above the {plan} maximum of {max}")
            }
            Sentence::FollowsPrimary(primary) => {
                write!(f, "a dependant's membership follows its primary ({primary}): the primary renews the household")
            }
            Sentence::DependantOf(primary) => {
                write!(f, "the member is a dependant of {primary}: only the household's primary changes its dependants")
            }
            Sentence::HouseholdFull { held, plan, max } => {
                write!(f, "the household holds {held} dependants, the {plan} maximum is {max}: staff may add more")
            }
            Sentence::AlreadyMember { status, plan, until } => {
                write!(f, "already a member ({status} on {plan}")?;
                if let Some(e) = until {
                    write!(f, " until {e}")?;
                }
                f.write_str("): renew or change plan instead")
            }
            Sentence::StaffOnly { verb, plan } => write!(f, "only staff may {verb} {plan}"),
            Sentence::RenewalPending(end) => {
                f.write_str("a renewal already awaits payment")?;
                if let Some(e) = end {
                    write!(f, " (the current term ends {e})")?;
                }
                f.write_str(": settle the open renewal instead of a second one")
            }
            Sentence::BackdatingLimit { days, start, max } => write!(
                f,
                "reinstating would back-date the term {days} days to {start}; \
                 the website may back-date up to {max} days"
            ),
            Sentence::BackdateTooShort { terms, end, date } => {
                write!(f, "{terms} term(s) back-dated would end on {end}, before {date}: buy more terms")
            }
            Sentence::RejoinRenewalOnly(plan) => {
                write!(f, "{plan} cannot be joined again, only renewed into: rejoin on another plan")
            }
            Sentence::OneExpiryDate { plan, expires } => {
                write!(f, "{plan} expires on {expires} for every member: nothing to renew")
            }
            Sentence::SamePlan(plan) => write!(f, "the member is already on {plan}"),
            Sentence::ChangeNeedsApproval(plan) => write!(f, "changing to or from {plan} needs staff approval"),
            Sentence::ChangeScheduled { to, on } => {
                write!(f, "a change to `{to}` is already scheduled")?;
                if let Some(d) = on {
                    write!(f, " for {d}")?;
                }
                Ok(())
            }
            Sentence::SeatsUnchanged(seats) => write!(f, "the membership already has {seats} seats"),
            Sentence::QuoteUnavailable(e) => write!(f, "the website cannot price this request: {e}"),
            Sentence::EventCutoff { event, minutes_left: left, verb, closes_at, hours } => {
                write!(f, "event `{event}` ")?;
                if *left >= 0 {
                    write!(f, "starts in {}h{:02}", left / 60, left % 60)?;
                } else {
                    write!(f, "started {}h{:02} ago", -left / 60, -left % 60)?;
                }
                write!(f, ": online {verb} closed at {} (", datetime_text::format(closes_at))?;
                if *hours >= 0 {
                    write!(f, "{hours} hours before the start)")
                } else {
                    write!(f, "{} hours after the start)", hours.unsigned_abs())
                }
            }
            Sentence::EventStarted { event, starts_at } => {
                write!(f, "event `{event}` started at {}", datetime_text::format(starts_at))
            }
            Sentence::EventMembersOnly(event) => write!(f, "event `{event}` is for members only"),
            Sentence::EventFull { event, registered, cap } => {
                write!(f, "event `{event}` is full: {registered} of {cap} places taken")
            }
            Sentence::RegistrationNotEligible(status) => {
                f.write_str("a registration that is ")?;
                for (i, word) in status.as_str().split('_').enumerate() {
                    if i > 0 {
                        f.write_str(" ")?;
                    }
                    f.write_str(word)?;
                }
                f.write_str(" cannot be changed online")
            }
            Sentence::ProductMembersOnly { product, what } => write!(f, "product `{product}` {what}"),
            Sentence::OutOfStock { product, quantity, stock } => {
                write!(f, "product `{product}`: {quantity} asked for, {stock} in stock")
            }
            Sentence::QuantityAboveLimit { quantity, product, max } => {
                write!(f, "{quantity} units of `{product}` is above the online limit of {max} per order")
            }
            Sentence::StaffOnlyField(field) => write!(f, "only staff may change the `{field}` field"),
        }
    }
}

impl From<String> for ReasonMessage {
    fn from(text: String) -> ReasonMessage {
        ReasonMessage(Sentence::Written(text))
    }
}

impl PartialEq for ReasonMessage {
    fn eq(&self, other: &ReasonMessage) -> bool {
        match (self.text(), other.text()) {
            (Some(a), _) => other == a,
            (_, Some(b)) => self == b,
            _ => self.to_string() == other.to_string(),
        }
    }
}

impl Eq for ReasonMessage {}

impl PartialEq<str> for ReasonMessage {
    fn eq(&self, other: &str) -> bool {
        match self.text() {
            Some(text) => text == other,
            None => crate::quote::reads_as(self, other),
        }
    }
}

impl PartialEq<&str> for ReasonMessage {
    fn eq(&self, other: &&str) -> bool {
        self == *other
    }
}

/// Messages order as their text does.
impl Ord for ReasonMessage {
    fn cmp(&self, other: &ReasonMessage) -> Ordering {
        match (self.text(), other.text()) {
            (Some(a), Some(b)) => a.cmp(b),
            _ => self.to_string().cmp(&other.to_string()),
        }
    }
}

impl PartialOrd for ReasonMessage {
    fn partial_cmp(&self, other: &ReasonMessage) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Serialize for ReasonMessage {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.text() {
            Some(text) => s.serialize_str(text),
            None => s.collect_str(self),
        }
    }
}

impl<'de> Deserialize<'de> for ReasonMessage {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<ReasonMessage, D::Error> {
        String::deserialize(d).map(ReasonMessage::from)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    #[test]
    fn a_typed_message_reads_serialises_compares_and_orders_as_its_text() {
        use time::macros::date;
        let plan: Arc<str> = Arc::from("Individual");
        let day = date!(2026 - 10 - 02);
        let usd = |text: &str| Money::parse(text, crate::money::Currency::USD).expect("an amount");
        let cases = [
            (ReasonMessage::fixed("the member is recorded as deceased"), "the member is recorded as deceased"),
            (ReasonMessage::renewal_opens(day), "renewal opens on 2026-10-02"),
            (ReasonMessage::on_hold(Some(day)), "the membership is on hold by staff until 2026-10-02"),
            (ReasonMessage::on_hold(None), "the membership is on hold by staff"),
            (ReasonMessage::cancelled_on(Some(day)), "the membership was cancelled on 2026-10-02"),
            (ReasonMessage::cancelled_on(None), "the membership was cancelled"),
            (
                ReasonMessage::not_taken_online(RequestKind::Renew, Some(plan.clone())),
                "renew requests for Individual are not taken online",
            ),
            (ReasonMessage::not_taken_online(RequestKind::Join, None), "join requests are not taken online"),
            (ReasonMessage::not_renewable_online(plan.clone()), "Individual is not renewable online"),
            (ReasonMessage::lifetime(plan.clone()), "Individual is a lifetime membership: nothing to renew"),
            (ReasonMessage::needs_approval("renewing", plan.clone()), "renewing Individual needs staff approval"),
            (
                ReasonMessage::nothing_to_reinstate(Status::Grace, day),
                "the membership is in grace (term ends 2026-10-02): renew instead",
            ),
            (
                ReasonMessage::reinstatement_closed(day),
                "the reinstatement window closed on 2026-10-02: join again instead",
            ),
            (
                ReasonMessage::of(Sentence::NotCurrent { status: Status::Lapsed, ended: Some(day) }),
                "the membership is lapsed (term ended 2026-10-02): reinstate or join first",
            ),
            (
                ReasonMessage::of(Sentence::NotCurrent { status: Status::Grace, ended: None }),
                "the membership is in grace: reinstate or join first",
            ),
            (
                ReasonMessage::of(Sentence::TermCount { plan: plan.clone(), max: 1, terms: 2 }),
                "Individual sells 1 term at a time, not 2",
            ),
            (
                ReasonMessage::of(Sentence::TermCount { plan: plan.clone(), max: 3, terms: 4 }),
                "Individual sells 1 to 3 terms at once, not 4",
            ),
            (
                ReasonMessage::of(Sentence::AlreadyMember { status: Status::Active, plan: plan.clone(), until: None }),
                "already a member (active on Individual): renew or change plan instead",
            ),
            (
                ReasonMessage::of(Sentence::RenewalPending(Some(day))),
                "a renewal already awaits payment (the current term ends 2026-10-02): \
                 settle the open renewal instead of a second one",
            ),
            (
                ReasonMessage::of(Sentence::ChangeScheduled { to: PlanId::from("student"), on: None }),
                "a change to `student` is already scheduled",
            ),
            (
                ReasonMessage::of(Sentence::BalanceOverdue { due: usd("12.50"), limit: usd("5.00") }),
                "a balance of 12.50 USD is due; the website accepts up to 5.00 USD outstanding",
            ),
            (
                ReasonMessage::of(Sentence::RegistrationNotEligible(RegistrationStatus::NoShow)),
                "a registration that is no show cannot be changed online",
            ),
            (
                ReasonMessage::of(Sentence::EventCutoff {
                    event: "gala".into(),
                    minutes_left: -75,
                    verb: "transfers",
                    closes_at: day.with_hms(9, 0, 0).expect("a time"),
                    hours: -2,
                }),
                "event `gala` started 1h15 ago: online transfers closed at 2026-10-02T09:00 (2 hours after the start)",
            ),
        ];
        for (message, text) in &cases {
            assert_eq!(message.to_string(), *text);
            assert_eq!(message, text);
            assert_ne!(message, &text[1..]);
            assert_ne!(message, format!("{text}.").as_str());
            let written = ReasonMessage::from((*text).to_owned());
            assert_eq!(message, &written);
            assert_eq!(&written, message);
            assert_eq!(message.cmp(&written), Ordering::Equal);
            assert_eq!(serde_json::to_value(message).ok(), Some(Value::String((*text).to_owned())));
            let back: ReasonMessage = serde_json::from_value(Value::String((*text).to_owned())).expect("a message");
            assert_eq!(&back, message);
        }
        for (a, ta) in &cases {
            for (b, tb) in &cases {
                assert_eq!(a.cmp(b), ta.cmp(tb), "{ta} vs {tb}");
                assert_eq!(a == b, ta == tb);
            }
        }
    }

    #[test]
    fn there_are_at_least_25_reason_codes_with_unique_names() {
        let mut names: Vec<&str> = ReasonCode::ALL.iter().map(|c| c.as_str()).collect();
        assert!(names.len() >= 25, "{}", names.len());
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), ReasonCode::ALL.len());
        for c in ReasonCode::ALL {
            assert_eq!(serde_json::to_value(c).ok(), Some(Value::String(c.as_str().into())));
        }
    }
}
