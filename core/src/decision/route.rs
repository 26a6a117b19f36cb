//! Where a request goes: self-service, a staff [`Queue`], or refused ([`Route`]).

use serde::{Deserialize, Serialize};

use crate::request::RequestKind;

/// The staff queue a request is routed to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, schemars::JsonSchema)]
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
            | RequestKind::CancelMembership
            | RequestKind::AddDependant
            | RequestKind::RemoveDependant => Queue::Membership,
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
