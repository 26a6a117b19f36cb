//! Households: which member of a roster is a dependant of which primary, and the checks of a household (the primary is in the roster, is nobody's dependant, is on a household plan, holds no more dependants than it allows).
//!
//! A dependant's membership follows its primary's term: in a roster (the batch, the success
//! analytics) a dependant's status is its primary's on every date, and a dependant is never a
//! renewal opportunity of its own (the primary renews the household). See docs/households.md.

use crate::codes::error_codes;
use crate::plan::Plan;

/// Why a member naming a primary cannot follow it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum HouseholdError {
    /// The primary named is not a member of the roster (or its rows have problems).
    #[error("primary `{primary}` is not in the roster (or has no valid row)")]
    UnknownPrimary {
        /// The primary's id.
        primary: String,
    },
    /// A member names itself as its primary.
    #[error("a member cannot be its own primary")]
    OwnPrimary,
    /// The primary named is itself a dependant: households are one level deep.
    #[error("primary `{primary}` is itself a dependant of `{of}`")]
    PrimaryIsDependant {
        /// The primary's id.
        primary: String,
        /// The primary's own primary.
        of: String,
    },
    /// The primary's plan is not a household plan.
    #[error("primary `{primary}` is on plan `{plan}`, which is not a household plan")]
    NoHousehold {
        /// The primary's id.
        primary: String,
        /// The primary's plan.
        plan: String,
    },
    /// More dependants name the primary than its plan allows: this one (in row order) is beyond
    /// the cap.
    #[error("primary `{primary}` already holds {max} dependants, the most its plan allows")]
    CapExceeded {
        /// The primary's id.
        primary: String,
        /// The plan's `household.max_dependants`.
        max: u32,
    },
    /// A dependant's own renewal: the primary renews the household (the batch's refusal of a
    /// dependant row).
    #[error("a dependant renews with its primary `{primary}`")]
    RenewsWithPrimary {
        /// The primary's id.
        primary: String,
    },
}

error_codes!(HouseholdError, "roster", HOUSEHOLD_ERRORS, {
    HouseholdError::UnknownPrimary { .. } => 1530, "unknown_primary";
    HouseholdError::OwnPrimary => 1531, "own_primary";
    HouseholdError::PrimaryIsDependant { .. } => 1532, "primary_is_dependant";
    HouseholdError::NoHousehold { .. } => 1533, "primary_plan_has_no_household";
    HouseholdError::CapExceeded { .. } => 1534, "dependant_cap_exceeded";
    HouseholdError::RenewsWithPrimary { .. } => 1535, "renews_with_primary";
});

/// One member of a roster as households see it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct HouseholdMember<'a> {
    /// The member's id (trimmed).
    pub(crate) id: &'a str,
    /// The primary it names (trimmed; empty: none, the member is no dependant).
    pub(crate) primary: &'a str,
    /// The member's plan, `None` when the member has no valid facts (a primary without them is
    /// not found).
    pub(crate) plan: Option<&'a Plan>,
}

/// Each member's primary: `None` for a member who names none, the primary's place in `members`,
/// or why the member cannot follow it. Dependants count against their primary's cap in the
/// order given (a roster's row order): those beyond it are [`HouseholdError::CapExceeded`].
/// When two members share an id, the first is the one found.
pub(crate) fn resolve_households(members: &[HouseholdMember<'_>]) -> Vec<Option<Result<usize, HouseholdError>>> {
    let mut by_id: rustc_hash::FxHashMap<&str, usize> = rustc_hash::FxHashMap::default();
    for (i, m) in members.iter().enumerate() {
        if m.plan.is_some() {
            by_id.entry(m.id).or_insert(i);
        }
    }
    let mut held: rustc_hash::FxHashMap<usize, u32> = rustc_hash::FxHashMap::default();
    members
        .iter()
        .map(|m| {
            if m.primary.is_empty() {
                return None;
            }
            let primary = m.primary.to_owned();
            if m.primary == m.id {
                return Some(Err(HouseholdError::OwnPrimary));
            }
            let Some(&p) = by_id.get(m.primary) else {
                return Some(Err(HouseholdError::UnknownPrimary { primary }));
            };
            let pm = &members[p];
            if !pm.primary.is_empty() {
                return Some(Err(HouseholdError::PrimaryIsDependant { primary, of: pm.primary.to_owned() }));
            }
            let Some(plan) = pm.plan else {
                return Some(Err(HouseholdError::UnknownPrimary { primary }));
            };
            let Some(h) = &plan.household else {
                return Some(Err(HouseholdError::NoHousehold { primary, plan: plan.id.to_string() }));
            };
            let count = held.entry(p).or_insert(0);
            if *count >= h.max_dependants {
                return Some(Err(HouseholdError::CapExceeded { primary, max: h.max_dependants }));
            }
            *count += 1;
            Some(Ok(p))
        })
        .collect()
}
