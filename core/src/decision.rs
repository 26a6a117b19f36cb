//! The 80/20 self-service decision: for each request a member makes online, self-service, staff
//! (with a queue) or refused, with every reason that applies, and the quote when self-service.

use std::fmt;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use time::{Date, Duration, PrimitiveDateTime};

use crate::codes::{error_codes, SerdeProblem};
use crate::error::Error;
use crate::money::Money;
use crate::period::add_days;
use crate::plan::{Plan, PlanId};
use crate::quote::Quoter;
use crate::quote::{Cancellation, LineKind, PlanChange, Quote, QuoteError, SeatChange};
use crate::renewal::{ReinstatementStart, RenewalError};
use crate::request::{
    datetime_text, Action, EventFacts, MemberFacts, RegistrationStatus, RequestKind, SelfServiceRequest,
};
use crate::rules::{check_terms, Rulebook};
use crate::self_service::SelfServicePolicy;
use crate::status::{MemberStatus, Membership, RenewalKind, Status};

/// A request that cannot be decided: facts missing or contradictory, or a value out of range.
/// Every variant names where in the request (`action.quantity`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DecisionError {
    /// Facts the request kind needs are missing (`member`, `member.membership`, `member.amount_paid`).
    #[error("{path}: required for a {kind} request")]
    MissingFacts {
        /// Where.
        path: String,
        /// The request kind.
        kind: RequestKind,
    },
    /// A plan the policy does not have.
    #[error("{path}: unknown plan `{plan}`")]
    UnknownPlan {
        /// Where.
        path: String,
        /// The id given.
        plan: String,
    },
    /// The request is dated before the member joined.
    #[error("{path}: {date} is before the member joined on {member_since}")]
    DateBeforeJoin {
        /// Where.
        path: String,
        /// The request's date.
        date: Date,
        /// The member's join date.
        member_since: Date,
    },
    /// A quantity (units, seats, stock) that is negative or zero where it must be positive.
    #[error("{path}: {value} is not allowed: {rule}")]
    InvalidQuantity {
        /// Where.
        path: String,
        /// The value given.
        value: i64,
        /// What is allowed.
        rule: &'static str,
    },
    /// A negative amount of money where one is paid or owed.
    #[error("{path}: {amount} must not be negative")]
    NegativeAmount {
        /// Where.
        path: String,
        /// The amount given.
        amount: String,
    },
    /// A product the policy's `self_service.products` does not list.
    #[error("{path}: unknown product `{product}`")]
    UnknownProduct {
        /// Where.
        path: String,
        /// The id given.
        product: String,
    },
    /// Member facts that contradict each other (a term that ends before it starts).
    #[error("{path}: {message}")]
    InconsistentFacts {
        /// Where.
        path: String,
        /// What contradicts what.
        message: String,
    },
    /// A field the request format does not have.
    #[error("{}unknown field `{field}`", crate::codes::at(path))]
    UnknownField {
        /// Where.
        path: String,
        /// The field.
        field: String,
    },
    /// A required field of the request format is missing.
    #[error("{}missing field `{field}`", crate::codes::at(path))]
    MissingField {
        /// Where.
        path: String,
        /// The field.
        field: String,
    },
    /// Not a request: wrong JSON type, bad date, unknown kind.
    #[error("{}{message}", crate::codes::at(path))]
    Syntax {
        /// Where.
        path: String,
        /// What the parser said.
        message: String,
    },
    /// An amount with more decimals than its currency has (`10.005 USD`).
    #[error("{path}: {amount} has more decimals than {currency} allows")]
    AmountTooPrecise {
        /// Where.
        path: String,
        /// The amount given.
        amount: String,
        /// The currency.
        currency: crate::money::Currency,
    },
    /// A date or time out of the supported range after arithmetic.
    #[error("{path}: date out of range")]
    OutOfRange {
        /// Where.
        path: String,
    },
}

error_codes!(DecisionError, "decision", DECISION_ERRORS, {
    DecisionError::MissingFacts { .. } => 3001, "missing_member_facts";
    DecisionError::UnknownPlan { .. } => 3002, "request_unknown_plan";
    DecisionError::DateBeforeJoin { .. } => 3003, "request_before_join";
    DecisionError::InvalidQuantity { .. } => 3004, "invalid_quantity";
    DecisionError::NegativeAmount { .. } => 3005, "request_negative_amount";
    DecisionError::UnknownProduct { .. } => 3006, "unknown_product";
    DecisionError::InconsistentFacts { .. } => 3007, "inconsistent_member_facts";
    DecisionError::UnknownField { .. } => 3008, "request_field_unknown";
    DecisionError::MissingField { .. } => 3009, "request_field_missing";
    DecisionError::Syntax { .. } => 3010, "request_invalid";
    DecisionError::OutOfRange { .. } => 3011, "request_date_out_of_range";
    DecisionError::AmountTooPrecise { .. } => 3012, "request_amount_too_precise";
});

impl DecisionError {
    /// Where in the request the error is (`""` for the whole request).
    pub fn path(&self) -> &str {
        match self {
            DecisionError::MissingFacts { path, .. }
            | DecisionError::UnknownPlan { path, .. }
            | DecisionError::DateBeforeJoin { path, .. }
            | DecisionError::InvalidQuantity { path, .. }
            | DecisionError::NegativeAmount { path, .. }
            | DecisionError::UnknownProduct { path, .. }
            | DecisionError::InconsistentFacts { path, .. }
            | DecisionError::UnknownField { path, .. }
            | DecisionError::MissingField { path, .. }
            | DecisionError::Syntax { path, .. }
            | DecisionError::AmountTooPrecise { path, .. }
            | DecisionError::OutOfRange { path } => path,
        }
    }
}

/// Reads a self-service request from JSON, with path-precise errors.
///
/// ```
/// let err = amscore::parse_self_service_request(serde_json::json!({
///     "at": "2026-10-01T10:00", "action": {"kind": "renew", "terms": 1, "colour": "red"}})).unwrap_err();
/// assert_eq!(err.to_string(), "action: unknown field `colour`");
/// ```
///
/// # Errors
/// [`DecisionError::UnknownField`], [`DecisionError::MissingField`] or [`DecisionError::Syntax`].
pub fn parse_self_service_request(value: Value) -> Result<SelfServiceRequest, DecisionError> {
    serde_path_to_error::deserialize(value).map_err(|err| {
        let path = err.path().to_string();
        let path = if path == "." { String::new() } else { path };
        match SerdeProblem::classify(path, &err.inner().to_string()) {
            SerdeProblem::UnknownField { path, field } => DecisionError::UnknownField { path, field },
            SerdeProblem::MissingField { path, field } => DecisionError::MissingField { path, field },
            SerdeProblem::Other { path, message } => DecisionError::Syntax { path, message },
        }
    })
}

/// The staff queue a request is routed to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Queue {
    /// Joins, renewals, plan changes, approvals, credentials.
    Membership,
    /// Event registrations.
    Events,
    /// Balances, refunds, orders.
    Finance,
    /// Profile records.
    Records,
}

impl Queue {
    /// The queue's snake_case name.
    pub fn as_str(&self) -> &'static str {
        match self {
            Queue::Membership => "membership",
            Queue::Events => "events",
            Queue::Finance => "finance",
            Queue::Records => "records",
        }
    }

    /// The queue that handles a kind of request by default.
    pub fn for_kind(kind: RequestKind) -> Queue {
        match kind {
            RequestKind::Join
            | RequestKind::Renew
            | RequestKind::Reinstate
            | RequestKind::ChangePlan
            | RequestKind::ChangeSeats
            | RequestKind::CancelMembership => Queue::Membership,
            RequestKind::RegisterEvent | RequestKind::CancelRegistration | RequestKind::TransferRegistration => {
                Queue::Events
            }
            RequestKind::BuyProduct => Queue::Finance,
            RequestKind::UpdateProfile => Queue::Records,
        }
    }
}

/// Where a request goes: the website completes it, staff handle it, or it cannot be done.
///
/// Routes are ordered by severity: `self_service < staff < refused`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "route", rename_all = "snake_case")]
pub enum Route {
    /// The website completes it on its own.
    SelfService,
    /// Staff handle it, in a queue.
    Staff {
        /// The queue.
        queue: Queue,
    },
    /// It cannot be done as asked (online or by staff); the reasons say what instead.
    Refused,
}

impl Route {
    /// The route names by severity: `Route::NAMES[usize::from(r.severity())] == r.name()`.
    ///
    /// ```
    /// use amscore::{Queue, Route};
    /// for r in [Route::SelfService, Route::Staff { queue: Queue::Events }, Route::Refused] {
    ///     assert_eq!(Route::NAMES[usize::from(r.severity())], r.name());
    /// }
    /// ```
    pub const NAMES: [&'static str; 3] = ["self_service", "staff", "refused"];

    /// 0 for self-service, 1 for staff, 2 for refused.
    pub fn severity(&self) -> u8 {
        match self {
            Route::SelfService => 0,
            Route::Staff { .. } => 1,
            Route::Refused => 2,
        }
    }

    /// The route's name: `self_service`, `staff` or `refused`.
    pub fn name(&self) -> &'static str {
        match self {
            Route::SelfService => "self_service",
            Route::Staff { .. } => "staff",
            Route::Refused => "refused",
        }
    }
}

macro_rules! reason_codes {
    ($($(#[$doc:meta])* $variant:ident => $name:literal, $route:expr;)*) => {
        /// Why a request is not (only) self-service. Stable snake_case names; the enum order is
        /// the order reasons are listed in.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
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
    /// The engine cannot price the request (the message says why): staff price it by hand.
    QuoteUnavailable => "quote_unavailable", MEMBERSHIP;
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
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_date: Option<Date>,
}

/// The answer for one request.
///
/// In JSON: `{"route": "staff", "queue": "finance", "reasons": [...], "next_date"?, "quote"?}`.
///
/// ```
/// use serde_json::json;
/// let engine = amscore::Engine::from_preset("amscore")?;
/// let request = amscore::parse_self_service_request(json!({
///     "at": "2025-10-10T09:00",
///     "member": {"membership": {"member_id": "M-1", "plan": "individual", "member_since": "2020-01-15",
///                               "term": {"start": "2025-01-15", "end": "2026-01-14"}}},
///     "action": {"kind": "renew"}}))?;
/// let d = engine.decide(&request)?;
/// assert_eq!(d.route, amscore::Route::Refused);
/// assert_eq!(d.reasons[0].message, "renewal opens on 2025-10-16");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Decision {
    /// Where the request goes: the worst route among the reasons.
    #[serde(flatten)]
    pub route: Route,
    /// Every reason that applies, in the stable order of [`ReasonCode`].
    pub reasons: Vec<Reason>,
    /// When every reason has a next date, the latest: the day the request becomes self-service.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_date: Option<Date>,
    /// The quote, for self-service joins, renewals, reinstatements, plan and seat changes and
    /// cancellations.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quote: Option<Quote>,
}

impl Decision {
    /// Whether the website completes the request on its own.
    pub fn is_self_service(&self) -> bool {
        self.route == Route::SelfService
    }

    /// Builds a decision from its reasons: sorted in the stable order, route = the worst.
    fn from_reasons(kind: RequestKind, mut reasons: Vec<Reason>) -> Decision {
        reasons.sort_by(|a, b| a.code.cmp(&b.code).then_with(|| a.message.cmp(&b.message)));
        reasons.dedup_by(|a, b| a.code == b.code && a.message == b.message);
        let route = reasons.iter().map(|r| r.code.route(kind)).fold(Route::SelfService, |worst, r| {
            if r.severity() > worst.severity() {
                r
            } else {
                worst
            }
        });
        let next_date = if reasons.is_empty() {
            None
        } else {
            reasons.iter().map(|r| r.next_date).collect::<Option<Vec<Date>>>().and_then(|d| d.into_iter().max())
        };
        Decision { route, reasons, next_date, quote: None }
    }
}

/// The facts of a member with a membership, checked, with the status on the request's date.
struct Member<'a> {
    membership: &'a Membership,
    plan: &'a Plan,
    status: MemberStatus,
}

/// Collects reasons for one request.
struct Ctx<'a> {
    book: &'a Rulebook,
    rules: &'a SelfServicePolicy,
    request: &'a SelfServiceRequest,
    kind: RequestKind,
    date: Date,
    reasons: Vec<Reason>,
}

impl<'a> Ctx<'a> {
    fn add(&mut self, code: ReasonCode, message: String) {
        self.reasons.push(Reason { code, message, next_date: None });
    }

    fn add_until(&mut self, code: ReasonCode, message: String, next_date: Option<Date>) {
        self.reasons.push(Reason { code, message, next_date });
    }

    fn facts(&self) -> Result<&'a MemberFacts, DecisionError> {
        self.request.member.as_ref().ok_or(DecisionError::MissingFacts { path: "member".into(), kind: self.kind })
    }

    /// The member's membership, checked, with its status; `None` when the facts have none.
    fn member(&self) -> Result<Option<Member<'a>>, Error> {
        let Some(m) = self.request.member.as_ref().and_then(|f| f.membership.as_ref()) else {
            return Ok(None);
        };
        m.check().map_err(|e| DecisionError::InconsistentFacts {
            path: "member.membership".into(),
            message: e.to_string(),
        })?;
        let plan = self.book.plan(&m.plan).map_err(|_| DecisionError::UnknownPlan {
            path: "member.membership.plan".into(),
            plan: m.plan.to_string(),
        })?;
        if self.date < m.member_since {
            return Err(DecisionError::DateBeforeJoin {
                path: "at".into(),
                date: self.date,
                member_since: m.member_since,
            }
            .into());
        }
        m.check_plan(plan).map_err(|e| DecisionError::InconsistentFacts {
            path: "member.membership.term".into(),
            message: e.to_string(),
        })?;
        let status = self.book.status_on(m, self.date)?;
        Ok(Some(Member { membership: m, plan, status }))
    }

    fn require_member(&self) -> Result<Member<'a>, Error> {
        self.facts()?;
        self.member()?
            .ok_or_else(|| DecisionError::MissingFacts { path: "member.membership".into(), kind: self.kind }.into())
    }

    fn plan(&self, id: &PlanId, path: &str) -> Result<&'a Plan, DecisionError> {
        self.book.plan(id).map_err(|_| DecisionError::UnknownPlan { path: path.into(), plan: id.to_string() })
    }

    fn check_online(&mut self, plan: Option<&Plan>) {
        if !self.rules.online(self.kind, plan.map(|p| &p.id)) {
            let message = match plan {
                Some(p) => format!("{} requests for {} are not taken online", self.kind, p.name),
                None => format!("{} requests are not taken online", self.kind),
            };
            self.add(ReasonCode::OnlineNotAllowed, message);
        }
    }

    /// Reasons that come from the membership's status alone (held, pending, cancelled, deceased).
    fn check_status(&mut self, m: &Member<'_>) {
        match m.status.status {
            Status::Deceased => self.add(ReasonCode::MemberDeceased, "the member is recorded as deceased".into()),
            Status::Suspended => {
                let until = m.membership.status_override.as_ref().and_then(|o| o.until);
                let next = until.and_then(|u| u.next_day());
                let message = match until {
                    Some(u) => format!("the membership is on hold by staff until {u}"),
                    None => "the membership is on hold by staff".into(),
                };
                self.add_until(ReasonCode::MembershipSuspended, message, next);
            }
            Status::Pending => {
                self.add(ReasonCode::MembershipPending, "the membership awaits payment or approval".into());
            }
            Status::Cancelled => {
                let message = match m.membership.cancelled_on {
                    Some(d) => format!("the membership was cancelled on {d}"),
                    None => "the membership was cancelled".into(),
                };
                self.add(ReasonCode::MembershipCancelled, message);
            }
            _ => {}
        }
    }

    fn is_held(m: &Member<'_>) -> bool {
        matches!(m.status.status, Status::Deceased | Status::Suspended | Status::Pending | Status::Cancelled)
    }

    /// A change or cancellation needs a current term: not lapsed, and not in grace either (the
    /// term has ended; renew first).
    fn check_current(&mut self, m: &Member<'_>) {
        if Self::is_held(m) {
            return;
        }
        let ended = m.membership.term.end.filter(|e| *e < self.date);
        if !m.status.counts_as_member {
            let end = ended.map(|e| format!(" (term ended {e})")).unwrap_or_default();
            self.add(
                ReasonCode::MembershipNotCurrent,
                format!("the membership is {}{end}: reinstate or join first", status_phrase(m.status.status)),
            );
        } else if let Some(e) = ended {
            self.add(
                ReasonCode::MembershipNotCurrent,
                format!("the membership is {}: its term ended on {e}; renew first", status_phrase(m.status.status)),
            );
        }
    }

    fn check_credential(&mut self, plan: &Plan) -> Result<(), DecisionError> {
        let Some(needed) = plan.category.as_ref().and_then(|c| self.rules.credentials.get(c)) else {
            return Ok(());
        };
        let has = self.request.member.as_ref().is_some_and(|f| f.credentials.iter().any(|c| c == needed));
        if !has {
            self.add(ReasonCode::CredentialRequired, format!("{} needs a `{needed}` credential on file", plan.name));
        }
        Ok(())
    }

    fn check_money_facts(&mut self) -> Result<(), DecisionError> {
        let facts = self.request.member.as_ref();
        check_amount(facts.and_then(|f| f.amount_paid).as_ref(), "member.amount_paid.amount")?;
        check_amount(facts.and_then(|f| f.balance_due).as_ref(), "member.balance_due.amount")?;
        let Some(due) = facts.and_then(|f| f.balance_due) else {
            return Ok(());
        };
        let tolerance = self.rules.balance_due_tolerance;
        // A balance does not stop a member from updating their own record.
        if due.amount() > tolerance && self.kind != RequestKind::UpdateProfile {
            let limit = Money::new(tolerance, due.currency()).round(crate::money::Rounding::HalfAwayFromZero);
            self.add(
                ReasonCode::BalanceOverdue,
                format!("a balance of {due} is due; the website accepts up to {limit} outstanding"),
            );
        }
        Ok(())
    }

    fn check_refund(&mut self, refund: Money) {
        if let Some(limit) = self.rules.max_online_refund {
            if refund.amount() > limit {
                let limit = Money::new(limit, refund.currency()).round(crate::money::Rounding::HalfAwayFromZero);
                self.add(
                    ReasonCode::RefundAboveOnlineLimit,
                    format!("a refund of {refund} is above the online limit of {limit}"),
                );
            }
        }
    }

    fn check_terms(&mut self, plan: &Plan, terms: u32) {
        if check_terms(plan, terms).is_err() {
            self.term_count_invalid(plan, terms);
        }
    }

    fn term_count_invalid(&mut self, plan: &Plan, terms: u32) {
        let sells = match plan.max_terms {
            1 => "1 term at a time".to_owned(),
            max => format!("1 to {max} terms at once"),
        };
        self.add(ReasonCode::TermCountInvalid, format!("{} sells {sells}, not {terms}", plan.name));
    }

    fn check_seats(&mut self, plan: &Plan, seats: i64, path: &str) -> Result<u32, DecisionError> {
        let count = u32::try_from(seats).map_err(|_| DecisionError::InvalidQuantity {
            path: path.into(),
            value: seats,
            rule: "seats must be 0 or more",
        })?;
        match &plan.seats {
            None => self.add(ReasonCode::PlanHasNoSeats, format!("{} has no seats", plan.name)),
            Some(s) => {
                if count < s.min {
                    self.add(
                        ReasonCode::SeatsBelowMinimum,
                        format!("{count} seats is below the minimum of {} for {}", s.min, plan.name),
                    );
                }
                if let Some(max) = s.max.filter(|m| count > *m) {
                    self.add(
                        ReasonCode::SeatCapReached,
                        format!("{count} seats is above the online cap of {max} for {}", plan.name),
                    );
                }
            }
        }
        Ok(count)
    }

    fn is_member(&self) -> Result<bool, Error> {
        Ok(self.member()?.is_some_and(|m| m.status.counts_as_member))
    }
}

/// What decisions read: the core rules, the quotes and the policy's `self_service` section.
/// [`Engine::decide`](crate::Engine::decide) asks it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Decider<'a> {
    pub(crate) rules: &'a Rulebook,
    pub(crate) quoter: Quoter<'a>,
    pub(crate) self_service: &'a SelfServicePolicy,
}

impl Decider<'_> {
    /// Decides one self-service request (see [`Engine::decide`](crate::Engine::decide)).
    pub(crate) fn decide(&self, request: &SelfServiceRequest) -> Result<Decision, Error> {
        let kind = request.action.kind();
        let mut ctx = Ctx {
            book: self.rules,
            rules: self.self_service,
            request,
            kind,
            date: request.at.date(),
            reasons: Vec::new(),
        };
        ctx.check_money_facts()?;
        match &request.action {
            Action::Join { plan, terms, seats } => self.decide_join(&mut ctx, plan, *terms, *seats),
            Action::Renew { terms } | Action::Reinstate { terms } => self.decide_renewal(&mut ctx, *terms),
            Action::ChangePlan { plan } => self.decide_change_plan(&mut ctx, plan),
            Action::ChangeSeats { seats } => self.decide_change_seats(&mut ctx, *seats),
            Action::CancelMembership => self.decide_cancel(&mut ctx),
            Action::RegisterEvent { event } => decide_register(&mut ctx, event).map(|()| None),
            Action::CancelRegistration { event, registration, paid } => {
                decide_registration_change(&mut ctx, event, *registration, Some(*paid)).map(|()| None)
            }
            Action::TransferRegistration { event, registration } => {
                decide_registration_change(&mut ctx, event, *registration, None).map(|()| None)
            }
            Action::BuyProduct { product, quantity, member_price, in_stock } => {
                decide_product(&mut ctx, product, *quantity, *member_price, *in_stock).map(|()| None)
            }
            Action::UpdateProfile { field } => decide_profile(&mut ctx, field).map(|()| None),
        }
        .and_then(|quote| {
            // The quote is computed whatever the route, so that whether it can be priced never
            // depends on the limits: a quote the engine refuses for a reason no other reason
            // explains sends the request to staff; facts it refuses are errors.
            let quote = match quote.map(|q| q()) {
                Some(Ok(q)) => Some(q),
                Some(Err(Error::Quote(e))) if is_bad_fact(&e) => return Err(e.into()),
                Some(Err(e @ Error::Money(_))) => return Err(e),
                Some(Err(Error::Quote(e))) => {
                    if !explained(&e, &ctx.reasons) {
                        ctx.add(ReasonCode::QuoteUnavailable, format!("the website cannot price this request: {e}"));
                    }
                    None
                }
                Some(Err(e)) if ctx.reasons.is_empty() => return Err(e),
                Some(Err(_)) | None => None,
            };
            let mut decision = Decision::from_reasons(kind, std::mem::take(&mut ctx.reasons));
            if decision.is_self_service() {
                decision.quote = quote;
            }
            Ok(decision)
        })
    }

    fn decide_join<'a>(
        &'a self,
        ctx: &mut Ctx<'_>,
        plan_id: &'a PlanId,
        terms: u32,
        seats: Option<i64>,
    ) -> Result<Option<QuoteFn<'a>>, Error> {
        let plan = ctx.plan(plan_id, "action.plan")?;
        if let Some(m) = ctx.member()? {
            if m.status.counts_as_member {
                let until = m.membership.term.end.map(|e| format!(" until {e}")).unwrap_or_default();
                let message = format!(
                    "already a member ({} on {}{until}): renew or change plan instead",
                    m.status.status, m.plan.name
                );
                ctx.add(ReasonCode::AlreadyMember, message);
            }
        }
        ctx.check_online(Some(plan));
        if plan.flags.staff_only {
            ctx.add(ReasonCode::PlanStaffOnly, format!("only staff may sell {}", plan.name));
        }
        if !plan.flags.sold_online {
            ctx.add(ReasonCode::PlanNotSoldOnline, format!("{} is not sold online", plan.name));
        }
        if plan.flags.renewal_only {
            ctx.add(ReasonCode::PlanRenewalOnly, format!("{} cannot be joined, only renewed into", plan.name));
        }
        let approval = ctx.rules.plans.get(&plan.id).and_then(|r| r.join_approval);
        if approval.unwrap_or(plan.flags.join_needs_approval) {
            ctx.add(ReasonCode::PlanRequiresApproval, format!("joining {} needs staff approval", plan.name));
        }
        ctx.check_credential(plan)?;
        ctx.check_terms(plan, terms);
        let seats = seats.map(|s| ctx.check_seats(plan, s, "action.seats")).transpose()?;
        let date = ctx.date;
        Ok(Some(Box::new(move || self.quoter.quote_join(plan_id, date, terms, seats))))
    }

    fn decide_renewal<'a>(&'a self, ctx: &mut Ctx<'a>, terms: u32) -> Result<Option<QuoteFn<'a>>, Error> {
        let m = ctx.require_member()?;
        let (membership, plan) = (m.membership, m.plan);
        let reinstate_only = ctx.kind == RequestKind::Reinstate;
        ctx.check_status(&m);
        ctx.check_online(Some(plan));
        if plan.is_lifetime() {
            ctx.add(
                ReasonCode::LifetimeNotRenewable,
                format!("{} is a lifetime membership: nothing to renew", plan.name),
            );
            return Ok(None);
        }
        if !plan.flags.renewable_online {
            ctx.add(ReasonCode::OnlineNotAllowed, format!("{} is not renewable online", plan.name));
        }
        // Whether the membership renews on the day, and every reason it does not: the rule
        // book's one answer, which `renewal_term` reports the first of.
        let check = self.rules.renewal_check(membership, ctx.date, terms, &m.status)?;
        let end = check.end;
        // Before the window opens, whatever else holds the renewal (a staff hold, say).
        for obstacle in &check.obstacles {
            if let (RenewalError::WindowNotOpen { opens_on }, false) = (obstacle, reinstate_only) {
                ctx.add_until(
                    ReasonCode::RenewalWindowNotOpen,
                    format!("renewal opens on {opens_on}"),
                    Some(*opens_on),
                );
            }
        }
        match check.kind {
            Some(RenewalKind::Extend) if reinstate_only => ctx.add(
                ReasonCode::NothingToReinstate,
                format!("the membership is {} (term ends {end}): renew instead", status_phrase(m.status.status)),
            ),
            Some(RenewalKind::Reinstate) if self.rules.reinstatement() == ReinstatementStart::Backdate => {
                let start = add_days(end, 1)?;
                let days = (ctx.date - start).whole_days();
                if let Some(max) = ctx.rules.max_backdating_days.filter(|m| days > i64::from(*m)) {
                    ctx.add(
                        ReasonCode::BackdatingLimitExceeded,
                        format!(
                            "reinstating would back-date the term {days} days to {start}; \
                             the website may back-date up to {max} days"
                        ),
                    );
                }
            }
            Some(RenewalKind::Rejoin) => {
                let closed = self.rules.reinstatement_end(plan, end)?;
                ctx.add(
                    ReasonCode::ReinstatementWindowClosed,
                    format!("the reinstatement window closed on {closed}: join again instead"),
                );
            }
            Some(RenewalKind::Extend | RenewalKind::Reinstate) | None => {}
        }
        let next_plan = check.next_plan;
        for obstacle in &check.obstacles {
            match obstacle {
                RenewalError::InvalidTermCount { .. } => ctx.term_count_invalid(next_plan, terms),
                RenewalError::BackdateTooShort { end: new_end, .. } => ctx.add(
                    ReasonCode::BackdateTooShort,
                    format!("{terms} term(s) back-dated would end on {new_end}, before {}: buy more terms", ctx.date),
                ),
                RenewalError::RejoinOnRenewalOnlyPlan { .. } => ctx.add(
                    ReasonCode::PlanRenewalOnly,
                    format!("{} cannot be joined again, only renewed into: rejoin on another plan", plan.name),
                ),
                // Reported above (the window), or by the status itself (a hold).
                _ => {}
            }
        }
        let approval = ctx.rules.plans.get(&plan.id).and_then(|r| r.renewal_approval);
        if approval.unwrap_or(plan.flags.renewal_needs_approval) {
            ctx.add(ReasonCode::PlanRequiresApproval, format!("renewing {} needs staff approval", plan.name));
        }
        ctx.check_credential(next_plan)?;
        let date = ctx.date;
        let seats = ctx.request.member.as_ref().and_then(|f| f.seats).filter(|_| next_plan.seats.is_some());
        // The status on the day is known already (`m`): the quote does not work it out again.
        let status = m.status;
        let quoter = self.quoter;
        Ok(Some(Box::new(move || quoter.quote_renewal_given_status(membership, date, terms, seats, Some(&status)))))
    }

    fn decide_change_plan<'a>(&'a self, ctx: &mut Ctx<'a>, to: &'a PlanId) -> Result<Option<QuoteFn<'a>>, Error> {
        let m = ctx.require_member()?;
        let target = ctx.plan(to, "action.plan")?;
        let facts = ctx.facts()?;
        ctx.check_status(&m);
        ctx.check_current(&m);
        ctx.check_online(Some(m.plan));
        if target.id != m.plan.id {
            ctx.check_online(Some(target));
        }
        if target.id == m.plan.id {
            ctx.add(ReasonCode::SamePlan, format!("the member is already on {}", target.name));
        }
        for p in [m.plan, target] {
            if p.flags.staff_only {
                ctx.add(ReasonCode::PlanStaffOnly, format!("only staff may change {}", p.name));
            }
        }
        if !target.flags.sold_online {
            ctx.add(ReasonCode::PlanNotSoldOnline, format!("{} is not sold online", target.name));
        }
        if target.flags.renewal_only {
            ctx.add(ReasonCode::PlanRenewalOnly, format!("{} cannot be changed to, only renewed into", target.name));
        }
        for p in [m.plan, target] {
            if ctx.rules.plans.get(&p.id).is_some_and(|r| r.change_approval) {
                ctx.add(
                    ReasonCode::PlanRequiresApproval,
                    format!("changing to or from {} needs staff approval", p.name),
                );
            }
        }
        ctx.check_credential(target)?;
        if let Some(scheduled) = &facts.scheduled_change {
            let when =
                m.membership.term.end.and_then(|e| e.next_day()).map(|d| format!(" for {d}")).unwrap_or_default();
            ctx.add(ReasonCode::DowngradePending, format!("a change to `{scheduled}` is already scheduled{when}"));
        }
        let Some(paid) = facts.amount_paid else {
            return Err(DecisionError::MissingFacts { path: "member.amount_paid".into(), kind: ctx.kind }.into());
        };
        let membership = m.membership;
        let seats = facts.seats.filter(|_| target.seats.is_some());
        let change = PlanChange {
            membership: membership.clone(),
            plan: to.clone(),
            date: ctx.date,
            amount_paid: paid,
            credits_applied: None,
            seats,
        };
        self.refund_check(ctx, || self.quoter.quote_change_plan(&change))?;
        Ok(Some(Box::new(move || self.quoter.quote_change_plan(&change))))
    }

    fn decide_change_seats<'a>(&'a self, ctx: &mut Ctx<'a>, seats: i64) -> Result<Option<QuoteFn<'a>>, Error> {
        let m = ctx.require_member()?;
        let facts = ctx.facts()?;
        ctx.check_status(&m);
        ctx.check_current(&m);
        ctx.check_online(Some(m.plan));
        let to = ctx.check_seats(m.plan, seats, "action.seats")?;
        let Some(from) = facts.seats.or_else(|| m.plan.seats.as_ref().map(|s| s.included)) else {
            return Ok(None);
        };
        if from == to {
            ctx.add(ReasonCode::SeatsUnchanged, format!("the membership already has {to} seats"));
        }
        let change = SeatChange {
            membership: m.membership.clone(),
            date: ctx.date,
            seats_from: from,
            seats_to: to,
            amount_paid: facts.amount_paid,
            credits_applied: None,
        };
        if from != to && m.plan.seats.is_some() && !m.plan.is_lifetime() {
            self.refund_check(ctx, || self.quoter.quote_change_seats(&change))?;
        }
        Ok(Some(Box::new(move || self.quoter.quote_change_seats(&change))))
    }

    fn decide_cancel<'a>(&'a self, ctx: &mut Ctx<'a>) -> Result<Option<QuoteFn<'a>>, Error> {
        let m = ctx.require_member()?;
        let facts = ctx.facts()?;
        ctx.check_status(&m);
        ctx.check_current(&m);
        ctx.check_online(Some(m.plan));
        let Some(paid) = facts.amount_paid else {
            return Err(DecisionError::MissingFacts { path: "member.amount_paid".into(), kind: ctx.kind }.into());
        };
        let cancel =
            Cancellation { membership: m.membership.clone(), date: ctx.date, amount_paid: paid, credits_applied: None };
        if !Ctx::is_held(&m) {
            self.refund_check(ctx, || self.quoter.quote_cancel(&cancel))?;
        }
        Ok(Some(Box::new(move || self.quoter.quote_cancel(&cancel))))
    }

    /// Quotes a change that may refund, to check the refund against the online limit. A quote
    /// the engine refuses is left for the decision's own quote step to report.
    fn refund_check(&self, ctx: &mut Ctx<'_>, quote: impl FnOnce() -> Result<Quote, Error>) -> Result<(), Error> {
        if ctx.rules.max_online_refund.is_none() {
            return Ok(());
        }
        match quote() {
            // A refund is paid out; a credit kept on the account (a plan change) is not.
            Ok(q) if q.total.is_negative() && q.lines.iter().any(|l| l.kind == LineKind::Refund) => {
                ctx.check_refund(q.total.negated());
            }
            Ok(_) => {}
            Err(Error::Quote(_)) => {}
            Err(e) => return Err(e),
        }
        Ok(())
    }
}

/// An amount the member paid or owes: not negative, and exact in the currency's minor units.
fn check_amount(amount: Option<&Money>, path: &str) -> Result<(), DecisionError> {
    let Some(m) = amount else { return Ok(()) };
    if m.is_negative() {
        return Err(DecisionError::NegativeAmount { path: path.into(), amount: m.amount().to_string() });
    }
    if !m.is_in_minor_units() {
        return Err(DecisionError::AmountTooPrecise {
            path: path.into(),
            amount: m.amount().to_string(),
            currency: m.currency(),
        });
    }
    Ok(())
}

/// Quote errors that are about the member's facts (what was paid), not about the request.
fn is_bad_fact(e: &QuoteError) -> bool {
    matches!(
        e,
        QuoteError::NegativeAmount { .. } | QuoteError::PaymentCurrency { .. } | QuoteError::CreditsExceedPaid { .. }
    )
}

/// Whether a reason already listed says why the quote cannot be given.
fn explained(e: &QuoteError, reasons: &[Reason]) -> bool {
    let has = |codes: &[ReasonCode]| reasons.iter().any(|r| codes.contains(&r.code));
    match e {
        QuoteError::SeatsBelowMinimum { .. } => has(&[ReasonCode::SeatsBelowMinimum]),
        QuoteError::SeatsAboveMaximum { .. } => has(&[ReasonCode::SeatCapReached]),
        QuoteError::NoSeats { .. } => has(&[ReasonCode::PlanHasNoSeats]),
        QuoteError::SeatsUnchanged { .. } => has(&[ReasonCode::SeatsUnchanged]),
        QuoteError::SamePlan { .. } => has(&[ReasonCode::SamePlan]),
        QuoteError::NotCancellable { .. } => has(&[ReasonCode::MemberDeceased, ReasonCode::MembershipCancelled]),
        QuoteError::DateOutsideTerm { .. } => has(&[ReasonCode::MembershipNotCurrent]),
        QuoteError::LifetimeTerm => has(&[ReasonCode::PlanStaffOnly, ReasonCode::LifetimeNotRenewable]),
        _ => false,
    }
}

/// A deferred quote, computed once the reasons are known.
type QuoteFn<'a> = Box<dyn FnOnce() -> Result<Quote, Error> + 'a>;

/// A status as it reads after "the membership is": `in grace`, `lapsed`.
fn status_phrase(status: Status) -> &'static str {
    match status {
        Status::Grace => "in grace",
        other => other.as_str(),
    }
}

fn hours_text(hours: i64) -> String {
    if hours >= 0 {
        format!("{hours} hours before the start")
    } else {
        format!("{} hours after the start", -hours)
    }
}

fn decide_register(ctx: &mut Ctx<'_>, event: &EventFacts) -> Result<(), Error> {
    ctx.check_online(None);
    if ctx.request.at >= event.starts_at {
        ctx.add(
            ReasonCode::EventStarted,
            format!("event `{}` started at {}", event.id, datetime_text::format(&event.starts_at)),
        );
    }
    if event.members_only && !ctx.is_member()? {
        ctx.add(ReasonCode::EventMembersOnly, format!("event `{}` is for members only", event.id));
    }
    if let Some(cap) = event.capacity.filter(|c| event.registered >= *c) {
        ctx.add(
            ReasonCode::EventFull,
            format!("event `{}` is full: {} of {cap} places taken", event.id, event.registered),
        );
    }
    Ok(())
}

fn decide_registration_change(
    ctx: &mut Ctx<'_>,
    event: &EventFacts,
    registration: RegistrationStatus,
    refund: Option<Money>,
) -> Result<(), Error> {
    ctx.facts()?;
    ctx.member()?;
    ctx.check_online(None);
    let verb = if refund.is_some() { "cancellations" } else { "transfers" };
    if !ctx.rules.eligible_registration_statuses.contains(&registration) {
        ctx.add(
            ReasonCode::RegistrationNotEligible,
            format!("a registration that is {} cannot be changed online", registration.as_str().replace('_', " ")),
        );
    }
    let hours =
        if refund.is_some() { ctx.rules.event_cancel_cutoff_hours } else { ctx.rules.event_transfer_cutoff_hours };
    let closes_at: PrimitiveDateTime = event
        .starts_at
        .checked_sub(Duration::hours(hours))
        .ok_or(DecisionError::OutOfRange { path: "action.event.starts_at".into() })?;
    if ctx.request.at >= closes_at {
        let left = (event.starts_at - ctx.request.at).whole_minutes();
        let when = if left >= 0 {
            format!("starts in {}h{:02}", left / 60, left % 60)
        } else {
            format!("started {}h{:02} ago", -left / 60, -left % 60)
        };
        ctx.add(
            ReasonCode::EventCutoffPassed,
            format!(
                "event `{}` {when}: online {verb} closed at {} ({})",
                event.id,
                datetime_text::format(&closes_at),
                hours_text(hours)
            ),
        );
    }
    if let Some(paid) = refund {
        check_amount(Some(&paid), "action.paid.amount")?;
        ctx.check_refund(paid);
    }
    Ok(())
}

fn decide_product(
    ctx: &mut Ctx<'_>,
    product: &str,
    quantity: i64,
    member_price: bool,
    in_stock: Option<i64>,
) -> Result<(), Error> {
    let rules = ctx
        .rules
        .products
        .get(product)
        .ok_or_else(|| DecisionError::UnknownProduct { path: "action.product".into(), product: product.to_owned() })?;
    if quantity <= 0 {
        return Err(DecisionError::InvalidQuantity {
            path: "action.quantity".into(),
            value: quantity,
            rule: "must be at least 1",
        }
        .into());
    }
    if let Some(s) = in_stock.filter(|s| *s < 0) {
        return Err(DecisionError::InvalidQuantity {
            path: "action.in_stock".into(),
            value: s,
            rule: "must be 0 or more",
        }
        .into());
    }
    ctx.check_online(None);
    let wants_member_terms = rules.members_only || (member_price && rules.member_price);
    if wants_member_terms && !ctx.is_member()? {
        let what = if rules.members_only { "is sold to members only" } else { "has its member price for members only" };
        ctx.add(ReasonCode::ProductMembersOnly, format!("product `{product}` {what}"));
    }
    if let Some(stock) = in_stock.filter(|s| rules.track_stock && quantity > *s) {
        ctx.add(ReasonCode::OutOfStock, format!("product `{product}`: {quantity} asked for, {stock} in stock"));
    }
    if let Some(max) = rules.max_online_quantity.filter(|m| quantity > i64::from(*m)) {
        ctx.add(
            ReasonCode::QuantityAboveOnlineLimit,
            format!("{quantity} units of `{product}` is above the online limit of {max} per order"),
        );
    }
    Ok(())
}

fn decide_profile(ctx: &mut Ctx<'_>, field: &str) -> Result<(), Error> {
    ctx.facts()?;
    ctx.member()?;
    ctx.check_online(None);
    if ctx.rules.staff_only_fields.iter().any(|f| f == field) {
        ctx.add(ReasonCode::StaffOnlyField, format!("only staff may change the `{field}` field"));
    }
    Ok(())
}

/// `part` as a percentage of `whole`, rounded half away from zero to one decimal (0 when empty).
pub(crate) fn share(part: usize, whole: usize) -> Decimal {
    if whole == 0 {
        return Decimal::new(0, 1);
    }
    let mut pct = (Decimal::from(part as u64) * Decimal::ONE_HUNDRED / Decimal::from(whole as u64))
        .round_dp_with_strategy(1, rust_decimal::RoundingStrategy::MidpointAwayFromZero);
    pct.rescale(1);
    pct
}

#[cfg(test)]
mod tests {
    use super::*;

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

    #[test]
    fn route_is_the_worst_reason_and_reasons_sort_stably() {
        let r = |code| Reason { code, message: String::new(), next_date: None };
        let d = Decision::from_reasons(
            RequestKind::Renew,
            vec![r(ReasonCode::BalanceOverdue), r(ReasonCode::CredentialRequired)],
        );
        assert_eq!(d.route, Route::Staff { queue: Queue::Membership });
        assert_eq!(d.reasons[0].code, ReasonCode::CredentialRequired);
        let d =
            Decision::from_reasons(RequestKind::Renew, vec![r(ReasonCode::BalanceOverdue), r(ReasonCode::SamePlan)]);
        assert_eq!(d.route, Route::Refused);
        assert_eq!(Decision::from_reasons(RequestKind::Renew, vec![]).route, Route::SelfService);
    }

    #[test]
    fn decisions_read_back_from_their_json() {
        let text = r#"{"route": "staff", "queue": "events", "reasons": [{"code": "event_full", "message": "full"}]}"#;
        let d: Decision = serde_json::from_str(text).expect("a decision");
        assert_eq!(d.route, Route::Staff { queue: Queue::Events });
        let back = serde_json::to_value(&d).expect("serializes");
        assert_eq!(back, serde_json::from_str::<Value>(text).expect("JSON"));
    }

    #[test]
    fn shares_round_half_away_from_zero_to_one_decimal() {
        assert_eq!(share(1, 3).to_string(), "33.3");
        assert_eq!(share(2, 3).to_string(), "66.7");
        assert_eq!(share(1, 2).to_string(), "50.0");
        assert_eq!(share(0, 0).to_string(), "0.0");
    }
}
