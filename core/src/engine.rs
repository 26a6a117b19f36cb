//! The engine: a policy compiled once, answering questions about (membership, date) as pure functions.

use rustc_hash::FxHashMap;
use time::Date;

use crate::error::Error;
use crate::period::add_days;
use crate::plan::{Plan, PlanId};
use crate::policy::{Policy, PolicyError};
use crate::renewal::{renewal_kind, ReinstatementStart, RenewalError, RenewalKind, RenewalTerm};
use crate::status::{status_on, LifecycleError, MemberStatus, Membership};
use crate::term::{JoinTerm, Term};

/// A policy compiled for answering questions. Immutable; share it across threads freely
/// (`Engine` is `Send + Sync`, and every method takes `&self`).
///
/// ```
/// use amscore::{Engine, Policy, Status};
/// use time::macros::date;
/// let engine = Engine::new(Policy::preset("amscore")?)?;
/// let join = engine.join_term(&"individual".into(), date!(2025-01-15))?;
/// assert_eq!(join.term.end, Some(date!(2026-01-14)));
/// let m = amscore::Membership {
///     member_id: "M-1".into(), plan: "individual".into(), member_since: join.member_since,
///     term: join.term, pending: false, cancelled_on: None, status_override: None, deceased_on: None,
/// };
/// assert_eq!(engine.status_on(&m, date!(2026-01-14))?.status, Status::Active);
/// assert_eq!(engine.status_on(&m, date!(2026-01-15))?.status, Status::Grace);
/// # Ok::<(), amscore::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Engine {
    policy: Policy,
    /// The plans' index in the policy, by id. Hashed with rustc-hash's Fx hasher, not the
    /// standard SipHash (a quarter of a status): the map is built once from the policy and never
    /// grows, so a caller's ids can only miss it, never flood it, and SipHash's defence against
    /// crafted collisions buys nothing here.
    plans: FxHashMap<PlanId, usize>,
}

impl Engine {
    /// Compiles a policy (validating it first).
    ///
    /// # Errors
    /// A [`PolicyError`] naming the path of the first problem.
    pub fn new(policy: Policy) -> Result<Engine, PolicyError> {
        policy.validate()?;
        let plans = policy.plans.iter().enumerate().map(|(i, p)| (p.id.clone(), i)).collect();
        Ok(Engine { policy, plans })
    }

    /// Compiles a policy from JSON text.
    ///
    /// # Errors
    /// A [`PolicyError`] naming the path of the first problem.
    pub fn from_json(text: &str) -> Result<Engine, PolicyError> {
        Engine::new(Policy::from_json(text)?)
    }

    /// Compiles a preset shipped with the crate.
    ///
    /// # Errors
    /// [`PolicyError::UnknownPreset`].
    pub fn from_preset(name: &str) -> Result<Engine, PolicyError> {
        Engine::new(Policy::preset(name)?)
    }

    /// The policy this engine was compiled from.
    pub fn policy(&self) -> &Policy {
        &self.policy
    }

    /// A plan by id.
    ///
    /// # Errors
    /// [`LifecycleError::UnknownPlan`].
    pub fn plan(&self, id: &PlanId) -> Result<&Plan, LifecycleError> {
        self.plan_by_id(id.as_str())
    }

    /// A plan by its id as text, without building a [`PlanId`] (no allocation).
    ///
    /// ```
    /// let engine = amscore::Engine::from_preset("amscore")?;
    /// assert_eq!(engine.plan_by_id("retired")?.name, "Retired");
    /// assert!(engine.plan_by_id("gold").is_err());
    /// # Ok::<(), amscore::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`LifecycleError::UnknownPlan`].
    pub fn plan_by_id(&self, id: &str) -> Result<&Plan, LifecycleError> {
        self.plans
            .get(id)
            .map(|&i| &self.policy.plans[i])
            .ok_or_else(|| LifecycleError::UnknownPlan { plan: id.to_owned() })
    }

    /// The first term of a member joining a plan on a date (one term).
    ///
    /// # Errors
    /// [`LifecycleError::UnknownPlan`], or a date out of range.
    pub fn join_term(&self, plan: &PlanId, join_date: Date) -> Result<JoinTerm, Error> {
        self.join_terms(plan, join_date, 1)
    }

    /// The first term of a member joining a plan on a date, buying `terms` terms at once.
    ///
    /// ```
    /// use time::macros::date;
    /// let engine = amscore::Engine::from_preset("amscore")?;
    /// let j = engine.join_terms(&"individual".into(), date!(2025-03-01), 2)?;
    /// assert_eq!(j.term.end, Some(date!(2027-02-28)));
    /// # Ok::<(), amscore::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`LifecycleError::UnknownPlan`], [`RenewalError::InvalidTermCount`], or a date out of range.
    pub fn join_terms(&self, plan: &PlanId, join_date: Date, terms: u32) -> Result<JoinTerm, Error> {
        let plan = self.plan(plan)?;
        check_terms(plan, terms)?;
        Ok(plan.term.first_term(join_date, terms, self.policy.settings.date_rules())?)
    }

    /// The status of a membership on a date.
    ///
    /// # Errors
    /// [`LifecycleError`]: an unknown plan, inconsistent facts, a date before the member joined.
    pub fn status_on(&self, membership: &Membership, date: Date) -> Result<MemberStatus, Error> {
        let plan = self.plan(&membership.plan)?;
        Ok(status_on(membership, plan, &self.policy.status_rules, date, self.policy.settings.month_end)?)
    }

    /// The new term if the member renews on `date`, buying `terms` terms.
    ///
    /// A current member (active or in grace) extends from the current term's end, once the
    /// renewal window is open; a lapsed member reinstates (back-dated or restarted, per the
    /// policy's `settings.reinstatement`); after the reinstatement window it is a rejoin.
    ///
    /// ```
    /// use amscore::RenewalKind;
    /// use time::macros::date;
    /// let engine = amscore::Engine::from_preset("amscore")?;
    /// let m = amscore::Membership {
    ///     member_id: "M-1".into(), plan: "individual".into(), member_since: date!(2020-01-15),
    ///     term: amscore::Term::new(date!(2025-01-15), Some(date!(2026-01-14)))?,
    ///     pending: false, cancelled_on: None, status_override: None, deceased_on: None,
    /// };
    /// let r = engine.renewal_term(&m, date!(2026-01-20), 1)?;
    /// assert_eq!(r.kind, RenewalKind::Extend);
    /// assert_eq!((r.term.start, r.term.end), (date!(2026-01-15), Some(date!(2027-01-14))));
    /// # Ok::<(), amscore::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`RenewalError::WindowNotOpen`] before the window opens, [`RenewalError::LifetimeNotRenewable`],
    /// [`RenewalError::NotRenewable`] for pending, cancelled, suspended or deceased members,
    /// [`RenewalError::InvalidTermCount`], [`RenewalError::BackdateTooShort`],
    /// [`RenewalError::RejoinOnRenewalOnlyPlan`], and the errors of
    /// [`Engine::status_on`].
    pub fn renewal_term(&self, membership: &Membership, date: Date, terms: u32) -> Result<RenewalTerm, Error> {
        let plan = self.plan(&membership.plan)?;
        let Some(end) = membership.term.end.filter(|_| !plan.is_lifetime()) else {
            return Err(RenewalError::LifetimeNotRenewable.into());
        };
        let status = self.status_on(membership, date)?;
        self.renewal_term_after(membership, plan, end, date, terms, &status)
    }

    /// [`Engine::renewal_term`] for a caller that already knows the membership's status on
    /// `date` (the decision does): the status is not worked out a second time.
    pub(crate) fn renewal_term_given_status(
        &self,
        membership: &Membership,
        date: Date,
        terms: u32,
        status: &MemberStatus,
    ) -> Result<RenewalTerm, Error> {
        let plan = self.plan(&membership.plan)?;
        let Some(end) = membership.term.end.filter(|_| !plan.is_lifetime()) else {
            return Err(RenewalError::LifetimeNotRenewable.into());
        };
        self.renewal_term_after(membership, plan, end, date, terms, status)
    }

    /// The renewal term once the plan, the current term's end and the status are known.
    fn renewal_term_after(
        &self,
        membership: &Membership,
        plan: &Plan,
        end: Date,
        date: Date,
        terms: u32,
        status: &MemberStatus,
    ) -> Result<RenewalTerm, Error> {
        let kind = renewal_kind(status)?;
        let rules = self.policy.settings.date_rules();
        let next_plan = match (&plan.renew_to, kind) {
            (Some(to), RenewalKind::Extend | RenewalKind::Reinstate) => self.plan(to)?,
            _ => plan,
        };
        check_terms(next_plan, terms)?;
        let continued = |start_after: Date| -> Result<Term, Error> {
            Ok(next_plan
                .term
                .next_term(start_after, terms, rules)?
                .map_or_else(|| add_days(start_after, 1).map(Term::lifetime), Ok)?)
        };
        // A back-dated term (an extension in grace, a reinstatement closing the gap) must still
        // reach the renewal date, or the member would pay for time that is already over.
        let reaching = |term: Term| -> Result<Term, Error> {
            match term.end.filter(|e| *e < date) {
                Some(new_end) => {
                    Err(RenewalError::BackdateTooShort { start: term.start, end: new_end, date, terms }.into())
                }
                None => Ok(term),
            }
        };
        let (term, member_since) = match kind {
            RenewalKind::Extend => {
                if let Some(days) = plan.windows.renewal_opens_days {
                    let opens_on = add_days(end, -i64::from(days))?;
                    if date < opens_on {
                        return Err(RenewalError::WindowNotOpen { opens_on }.into());
                    }
                }
                (reaching(continued(end)?)?, membership.member_since)
            }
            RenewalKind::Reinstate => {
                let term = match self.policy.settings.reinstatement {
                    ReinstatementStart::Backdate => reaching(continued(end)?)?,
                    ReinstatementStart::Restart => next_plan.term.first_term(date, terms, rules)?.term,
                };
                (term, membership.member_since)
            }
            RenewalKind::Rejoin => {
                if plan.flags.renewal_only {
                    return Err(RenewalError::RejoinOnRenewalOnlyPlan { plan: plan.id.to_string() }.into());
                }
                (plan.term.first_term(date, terms, rules)?.term, date)
            }
        };
        Ok(RenewalTerm { kind, status_before: status.status, plan: next_plan.id.clone(), term, terms, member_since })
    }
}

fn check_terms(plan: &Plan, terms: u32) -> Result<(), RenewalError> {
    if terms == 0 || terms > plan.max_terms {
        Err(RenewalError::InvalidTermCount { terms, max: plan.max_terms })
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn engine_is_send_and_sync() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<Engine>();
    }

    /// A policy whose plans have these ids (each a one-year calendar plan at 1.00 USD).
    fn policy_with_plans(ids: &[String]) -> Policy {
        let plans: Vec<serde_json::Value> = ids
            .iter()
            .map(|id| {
                serde_json::json!({"id": id, "name": "Plan", "term": {"kind": "calendar", "period": "year"},
                    "prices": {"currency": "USD", "dues": "1.00"}})
            })
            .collect();
        let doc = serde_json::json!({"version": 1, "preset": "amscore", "plans": plans});
        Policy::from_json(&doc.to_string()).unwrap_or_else(|e| panic!("{e}"))
    }

    proptest::proptest! {
        /// Whatever the ids (any length, any characters, ids that are prefixes of each other),
        /// every plan is found by its own id and an id the policy lacks is an unknown plan.
        #[test]
        fn plan_lookup_finds_every_plan_by_its_id_and_nothing_else(
            ids in proptest::collection::btree_set("[a-z]{0,3}[a-zA-Z0-9_ éß-]{1,20}", 1..40),
            missing in "\\PC{0,24}",
        ) {
            let ids: Vec<String> = ids.into_iter().filter(|id| !id.trim().is_empty()).collect();
            proptest::prop_assume!(!ids.is_empty());
            let engine = Engine::new(policy_with_plans(&ids)).unwrap_or_else(|e| panic!("{e}"));
            for (i, id) in ids.iter().enumerate() {
                let plan = engine.plan_by_id(id).unwrap_or_else(|e| panic!("{e}"));
                proptest::prop_assert_eq!(plan.id.as_str(), id.as_str());
                proptest::prop_assert!(std::ptr::eq(plan, &engine.policy().plans[i]));
            }
            if !ids.contains(&missing) {
                proptest::prop_assert_eq!(
                    engine.plan_by_id(&missing).err(),
                    Some(LifecycleError::UnknownPlan { plan: missing.clone() })
                );
            }
        }
    }

    #[test]
    fn plan_lookup_over_preset_plans() {
        let engine = Engine::from_preset("amscore").unwrap_or_else(|e| panic!("{e}"));
        for plan in &engine.policy().plans {
            assert_eq!(engine.plan_by_id(plan.id.as_str()).map(|p| &p.id), Ok(&plan.id));
        }
        assert_eq!(engine.plan_by_id("").err(), Some(LifecycleError::UnknownPlan { plan: String::new() }));
        assert_eq!(
            engine.plan_by_id("individua").err(),
            Some(LifecycleError::UnknownPlan { plan: "individua".into() })
        );
    }
}
