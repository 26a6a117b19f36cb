//! Renewal dates: extending a current member, reinstating a lapsed one, or a rejoin.

use serde::{Deserialize, Serialize};
use time::Date;

use crate::codes::error_codes;
use crate::plan::PlanId;
use crate::status::{RenewalKind, Status, StatusFlags};
use crate::term::Term;

/// A renewal that cannot be done as asked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RenewalError {
    /// The renewal window has not opened yet.
    #[error("renewal not open until {opens_on}")]
    WindowNotOpen {
        /// The first day renewal is open.
        opens_on: Date,
    },
    /// Lifetime memberships are never renewed.
    #[error("lifetime memberships are not renewed")]
    LifetimeNotRenewable,
    /// The member's status does not allow renewal (pending, cancelled, suspended, deceased).
    #[error("a {status} membership cannot be renewed")]
    NotRenewable {
        /// The member's status on the renewal date.
        status: Status,
    },
    /// The number of terms is zero or above the plan's maximum.
    #[error("cannot buy {terms} terms at once: must be 1 to {max}")]
    InvalidTermCount {
        /// The number asked for.
        terms: u32,
        /// The plan's maximum.
        max: u32,
    },
    /// A back-dated renewal (a reinstatement closing the gap, or an extension in a grace period
    /// longer than the term) would end before the renewal date: the terms bought do not reach it.
    #[error("a back-dated renewal of {terms} term(s) from {start} would end on {end}, before {date}")]
    BackdateTooShort {
        /// The back-dated start.
        start: Date,
        /// Where the back-dated term would end.
        end: Date,
        /// The renewal date.
        date: Date,
        /// The number of terms asked for.
        terms: u32,
    },
    /// The plan has one expiry date for every member (`fixed_date`): there is no later term to
    /// renew into.
    #[error("plan `{plan}` expires on {expires} for every member and is not renewed")]
    OneExpiryDate {
        /// The plan.
        plan: String,
        /// Its one expiry date.
        expires: Date,
    },
    /// The member must rejoin, but their plan is renewal-only (a progression or grandfathered
    /// plan): a rejoin has to choose a plan that sells to new members.
    #[error("plan `{plan}` is renewal-only: rejoin on a plan open to new members")]
    RejoinOnRenewalOnlyPlan {
        /// The renewal-only plan.
        plan: String,
    },
}

error_codes!(RenewalError, "renewal", RENEWAL_ERRORS, {
    RenewalError::WindowNotOpen { .. } => 1401, "renewal_window_not_open";
    RenewalError::LifetimeNotRenewable => 1402, "lifetime_not_renewable";
    RenewalError::NotRenewable { .. } => 1403, "status_not_renewable";
    RenewalError::InvalidTermCount { .. } => 1404, "invalid_term_count";
    RenewalError::BackdateTooShort { .. } => 1405, "backdate_too_short";
    RenewalError::RejoinOnRenewalOnlyPlan { .. } => 1406, "rejoin_on_renewal_only_plan";
    RenewalError::OneExpiryDate { .. } => 1410, "one_expiry_date_not_renewable";
});

/// How a lapsed member's reinstatement term is placed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReinstatementStart {
    /// The new term starts the day after the old one ended, closing the gap (the default):
    /// terms stay contiguous and the member pays for the lapsed days.
    #[default]
    Backdate,
    /// The new term is laid out as a join on the renewal date would be (for calendar plans: the
    /// period containing it, with rollover); the gap stays unpaid and member-since is kept.
    Restart,
}

/// What renewing a lifetime membership does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum LifetimeRenewal {
    /// A lifetime membership is never renewed: [`RenewalError::LifetimeNotRenewable`] (the
    /// default).
    #[default]
    Refuse,
    /// The renewal keeps the lifetime term as it is, with no end (CiviCRM, whose renewal of a
    /// current lifetime membership keeps its start date and leaves its end empty).
    Keep,
}

/// What a current member's renewal does when the extended term would still end before the
/// renewal date (a short term renewed long after it ended, while the status still counts as
/// current: a monthly membership still New).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ShortExtension {
    /// Refused with [`RenewalError::BackdateTooShort`]: the member would pay for time that is
    /// already over (the default).
    #[default]
    Refuse,
    /// The term is extended from the old end all the same (CiviCRM extends any current status).
    Extend,
}

/// The renewal conventions a policy chooses, bundled for the rule book.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct RenewalRules {
    /// Where a lapsed member's reinstatement term starts.
    pub reinstatement: ReinstatementStart,
    /// What renewing a lifetime membership does.
    pub lifetime: LifetimeRenewal,
    /// What an extension that still ends before the renewal date does.
    pub short_extension: ShortExtension,
}

/// The outcome of a renewal on a date: which path, the new plan (after a renew-to progression),
/// the new term, and member-since afterwards.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RenewalTerm {
    /// Extend, reinstate or rejoin.
    pub kind: RenewalKind,
    /// The member's status on the renewal date.
    pub status_before: Status,
    /// The plan of the new term (the renew-to plan for progressions).
    pub plan: PlanId,
    /// The new term, covering all terms bought.
    pub term: Term,
    /// How many terms were bought.
    pub terms: u32,
    /// Member-since after the renewal.
    #[serde(with = "crate::period::date_text")]
    pub member_since: Date,
}

/// The renewal path for a status, or why there is none.
pub(crate) fn renewal_kind(status: &StatusFlags) -> Result<RenewalKind, RenewalError> {
    if let (true, Some(kind)) = (status.renewable, status.renewal) {
        return Ok(kind);
    }
    match (status.renewable, status.counts_as_member) {
        (true, true) => Ok(RenewalKind::Extend),
        (true, false) => Ok(RenewalKind::Reinstate),
        (false, _) => match status.status {
            Status::Pending | Status::Cancelled | Status::Suspended | Status::Deceased => {
                Err(RenewalError::NotRenewable { status: status.status })
            }
            _ => Ok(RenewalKind::Rejoin),
        },
    }
}
