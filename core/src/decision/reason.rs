//! Why a request is not (only) self-service: the reason-code table ([`ReasonCode`]) and a [`Reason`].

use std::cmp::Ordering;
use std::fmt;
use std::sync::Arc;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use time::Date;

use super::route::{Queue, Route};
use crate::request::RequestKind;
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

#[derive(Debug, Clone)]
enum Sentence {
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
}

impl ReasonMessage {
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
