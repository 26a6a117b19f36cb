//! Typed fast path for the self-service decision on a renewal: route, queue, first reason.

use std::ffi::c_char;

use amscore::{Action, Decision, MemberFacts, Queue, Route, SelfServiceRequest};
use time::{PrimitiveDateTime, Time};

use crate::typed::NO_DATE;
use crate::{ams_date, ams_engine, ams_membership, ams_money, ams_result, deref, guard, out_ptr, Failure};

/// A wall-clock date and time in the association's time zone, with no zone.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ams_datetime {
    /// The date.
    pub date: ams_date,
    /// The hour, 0 to 23.
    pub hour: u8,
    /// The minute, 0 to 59.
    pub minute: u8,
    /// The second, 0 to 59.
    pub second: u8,
}

impl ams_datetime {
    fn to_datetime(self, argument: &str) -> Result<PrimitiveDateTime, Failure> {
        let date = self.date.to_date(argument)?;
        let time = Time::from_hms(self.hour, self.minute, self.second).map_err(|_| {
            Failure::new(
                ams_result::InvalidParameter,
                format!("{argument}: {:02}:{:02}:{:02} is not a time of day", self.hour, self.minute, self.second),
            )
            .at(argument)
        })?;
        Ok(PrimitiveDateTime::new(date, time))
    }
}

/// Where the website sends a request.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ams_route {
    /// No decision (only in `ams_assessment.decision`, when none was asked for or made).
    None = 0,
    /// The website completes it on its own.
    SelfService = 1,
    /// Staff handle it, in `queue`.
    Staff = 2,
    /// It cannot be done as asked; the reasons say what instead.
    Refused = 3,
}

/// The staff queue of a request routed to staff.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ams_queue {
    /// Not routed to staff.
    None = 0,
    /// Joins, renewals, plan changes, approvals, credentials.
    Membership = 1,
    /// Event registrations.
    Events = 2,
    /// Balances, refunds, orders.
    Finance = 3,
    /// Profile records.
    Records = 4,
}

/// A member asking the website to renew (the JSON request `{"action": {"kind": "renew"}}`).
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct ams_renew_request {
    /// The member's membership.
    pub membership: ams_membership,
    /// When the member asks.
    pub at: ams_datetime,
    /// Terms bought at once.
    pub terms: u32,
    /// Whether `balance_due` is set.
    pub has_balance_due: bool,
    /// What the member owes now (unpaid invoices).
    pub balance_due: ams_money,
}

/// The answer to a self-service request, in short. The reasons' messages, the quote's lines and
/// the full list of reasons are in the JSON gateway's `decide` answer.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ams_decision {
    /// Where the request goes.
    pub route: ams_route,
    /// The staff queue when `route` is `AMS_ROUTE_STAFF`, else `AMS_QUEUE_NONE`.
    pub queue: ams_queue,
    /// How many reasons apply (0 for self-service).
    pub reason_count: u32,
    /// The first reason's stable snake_case code (`"renewal_window_not_open"`), a static string
    /// (never free it) of `first_reason_len` bytes, not NUL-terminated; NULL when there is none.
    pub first_reason: *const c_char,
    /// The length of `first_reason` in bytes.
    pub first_reason_len: usize,
    /// Whether `next_date` is set: the day the request becomes self-service, if time alone clears it.
    pub has_next_date: bool,
    /// The day the request becomes self-service.
    pub next_date: ams_date,
    /// Whether `total` is set (self-service renewals carry a quote).
    pub has_total: bool,
    /// The quote's total.
    pub total: ams_money,
}

impl ams_decision {
    /// No decision: every field zero, the first reason NULL (`ams_assessment.decision` when
    /// none was asked for or made).
    pub(crate) const NONE: ams_decision = ams_decision {
        route: ams_route::None,
        queue: ams_queue::None,
        reason_count: 0,
        first_reason: std::ptr::null(),
        first_reason_len: 0,
        has_next_date: false,
        next_date: NO_DATE,
        has_total: false,
        total: ams_money::NONE,
    };

    /// The C form of a core decision: its reasons' codes are the core's static names.
    pub(crate) fn from_core(d: &Decision) -> Result<ams_decision, Failure> {
        let (route, queue) = route_and_queue(d.route);
        let first = d.reasons.first().map(|r| r.code.as_str());
        let total = d.quote.as_ref().map(|q| ams_money::from_money(&q.total)).transpose()?;
        Ok(ams_decision {
            route,
            queue,
            reason_count: u32::try_from(d.reasons.len()).unwrap_or(u32::MAX),
            first_reason: first.map_or(std::ptr::null(), |s| s.as_ptr().cast()),
            first_reason_len: first.map_or(0, str::len),
            has_next_date: d.next_date.is_some(),
            next_date: d.next_date.map_or(NO_DATE, ams_date::from),
            has_total: total.is_some(),
            total: total.unwrap_or(ams_money::NONE),
        })
    }
}

/// The C route and queue of a core route. The C numbers are ABI: a test checks this mapping
/// against the core's names of its routes and queues.
fn route_and_queue(route: Route) -> (ams_route, ams_queue) {
    match route {
        Route::SelfService => (ams_route::SelfService, ams_queue::None),
        Route::Refused => (ams_route::Refused, ams_queue::None),
        Route::Staff { queue } => (ams_route::Staff, queue.into()),
    }
}

impl From<Queue> for ams_queue {
    fn from(queue: Queue) -> ams_queue {
        match queue {
            Queue::Membership => ams_queue::Membership,
            Queue::Events => ams_queue::Events,
            Queue::Finance => ams_queue::Finance,
            Queue::Records => ams_queue::Records,
        }
    }
}

/// Decides a member's request to renew on the website: self-service, staff (which queue) or
/// refused, and why (the JSON gateway's `decide` with a `renew` action).
///
/// # Safety
/// `engine` must come from `ams_engine_new_*`; `request` must point to a valid
/// `ams_renew_request` whose `membership.plan` is valid for `membership.plan_len` bytes;
/// `decision_out` must be valid for writing.
///
/// # Errors
/// `AMS_RESULT_NULL_PARAMETER`, `AMS_RESULT_INPUT_TOO_LONG`, `AMS_RESULT_INVALID_UTF8`, `AMS_RESULT_INVALID_PARAMETER`,
/// `AMS_RESULT_INVALID_DATE`, `AMS_RESULT_UNKNOWN_CURRENCY`, decision errors (3000 block) and the
/// engine's errors for facts it refuses.
#[no_mangle]
pub unsafe extern "C" fn ams_engine_decide_renew(
    engine: *const ams_engine,
    request: *const ams_renew_request,
    decision_out: *mut ams_decision,
) -> ams_result {
    guard(|| {
        // SAFETY: the caller's contract.
        let engine = unsafe { deref(engine, "engine") }?;
        // SAFETY: the caller's contract.
        let request = unsafe { deref(request, "request") }?;
        let decision_out = out_ptr(decision_out, "decision_out")?;
        let balance_due =
            request.has_balance_due.then(|| request.balance_due.to_money("request.balance_due")).transpose()?;
        let facts = MemberFacts {
            // SAFETY: the caller's contract.
            membership: Some(unsafe { request.membership.read() }?),
            balance_due,
            ..MemberFacts::default()
        };
        let core_request = SelfServiceRequest {
            id: None,
            at: request.at.to_datetime("request.at")?,
            member: Some(facts),
            action: Action::Renew { terms: request.terms },
        };
        let out = ams_decision::from_core(&engine.engine.decide(&core_request)?)?;
        // SAFETY: checked non-NULL; the caller's contract.
        unsafe { decision_out.write(out) };
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use amscore::{ReasonCode, RequestKind};

    use crate::header_enumerators;

    #[test]
    fn ams_route_and_ams_queue_number_every_core_route_and_queue_by_its_name() {
        let routes = header_enumerators("AMS_ROUTE_");
        let queues = header_enumerators("AMS_QUEUE_");
        // Every route a decision can take: self-service, or where some reason sends some kind.
        let mut seen = std::collections::BTreeSet::new();
        let reached = ReasonCode::ALL.iter().flat_map(|c| RequestKind::ALL.iter().map(move |k| c.route(*k)));
        for route in std::iter::once(Route::SelfService).chain(reached) {
            let (r, q) = route_and_queue(route);
            assert_eq!(routes.get(route.name()), Some(&(r as u32)), "ams_route for {}", route.name());
            let queue = match route {
                Route::Staff { queue } => queue.as_str(),
                Route::SelfService | Route::Refused => "none",
            };
            assert_eq!(queues.get(queue), Some(&(q as u32)), "ams_queue for {queue}");
            seen.insert(route.name());
            seen.insert(queue);
        }
        let named: std::collections::BTreeSet<&str> =
            routes.keys().chain(queues.keys()).map(String::as_str).filter(|n| *n != "none").collect();
        seen.remove("none");
        assert_eq!(seen, named, "every C route and queue is one the core reaches");
    }
}
