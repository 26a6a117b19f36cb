//! Why a request is not (only) self-service: the reason-code table ([`ReasonCode`]) and a [`Reason`].

use std::fmt;

use serde::{Deserialize, Serialize};
use time::Date;

use super::route::{Queue, Route};
use crate::request::RequestKind;

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
    /// A sentence a person can read: `"renewal opens on 2026-10-02"`.
    pub message: String,
    /// The first date this reason no longer applies, if time alone clears it.
    #[serde(default, with = "crate::period::opt_date_text", skip_serializing_if = "Option::is_none")]
    pub next_date: Option<Date>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

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
