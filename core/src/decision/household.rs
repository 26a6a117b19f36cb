//! Decisions on households: adding or removing a dependant within the plan's cap, and the household checks of a join or a renewal.

use super::checks::Ctx;
use super::reason::ReasonCode;
use super::{Decider, QuoteFn};
use crate::error::Error;
use crate::plan::Plan;

impl Ctx<'_> {
    /// A household of `dependants` dependants bought on `plan` (a join, or a renewal into
    /// `plan`): none on a plan without a household (refused), none beyond its cap (staff).
    pub(super) fn check_household(&mut self, plan: &Plan, dependants: u32) {
        if dependants == 0 {
            return;
        }
        match &plan.household {
            None => self.add(
                ReasonCode::PlanHasNoHousehold,
                format!("{} is not a household plan: it has no dependants", plan.name),
            ),
            Some(h) if dependants > h.max_dependants => self.add(
                ReasonCode::DependantCapReached,
                format!("{dependants} dependants is above the {} maximum of {}", plan.name, h.max_dependants),
            ),
            Some(_) => {}
        }
    }

    /// A dependant's own membership is renewed with the primary's, never on its own.
    pub(super) fn check_not_dependant(&mut self) -> Result<(), Error> {
        if let Some(primary) = self.facts()?.primary.as_ref() {
            self.add(
                ReasonCode::RenewsWithPrimary,
                format!("a dependant's membership follows its primary ({primary}): the primary renews the household"),
            );
        }
        Ok(())
    }
}

impl Decider<'_> {
    /// Adding a dependant (`add`) or removing one: the member is a household's primary, on a
    /// household plan; an addition stays within the plan's cap (beyond it, staff) and needs a
    /// current membership; a removal needs a dependant to remove. No quote: a dependant is priced
    /// with the household's next join or renewal (docs/households.md).
    pub(super) fn decide_dependant<'a>(&'a self, ctx: &mut Ctx<'a>, add: bool) -> Result<Option<QuoteFn<'a>>, Error> {
        let m = ctx.require_member()?;
        let facts = ctx.facts()?;
        ctx.check_status(&m);
        if add {
            ctx.check_current(&m);
        }
        ctx.check_online(Some(m.plan));
        if let Some(primary) = &facts.primary {
            ctx.add(
                ReasonCode::NotHouseholdPrimary,
                format!("the member is a dependant of {primary}: only the household's primary changes its dependants"),
            );
        }
        let held = facts.dependants.unwrap_or(0);
        match &m.plan.household {
            None => ctx.add(
                ReasonCode::PlanHasNoHousehold,
                format!("{} is not a household plan: it has no dependants", m.plan.name),
            ),
            Some(h) if add && held >= h.max_dependants => ctx.add(
                ReasonCode::DependantCapReached,
                format!(
                    "the household holds {held} dependants, the {} maximum is {}: staff may add more",
                    m.plan.name, h.max_dependants
                ),
            ),
            Some(_) if !add && held == 0 => {
                ctx.add(ReasonCode::NoDependantToRemove, "the household holds no dependant".into())
            }
            Some(_) => {}
        }
        Ok(None)
    }
}
