//! Decisions on households: adding or removing a dependant within the plan's cap, and the household checks of a join or a renewal.

use super::checks::Ctx;
use super::reason::{ReasonCode, ReasonMessage, Sentence};
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
            None => self.add(ReasonCode::PlanHasNoHousehold, Sentence::NoHousehold(self.book.name_of(plan))),
            Some(h) if dependants > h.max_dependants => self.add(
                ReasonCode::DependantCapReached,
                Sentence::DependantsAboveCap { dependants, plan: self.book.name_of(plan), max: h.max_dependants },
            ),
            Some(_) => {}
        }
    }

    /// A dependant's own membership is renewed with the primary's, never on its own.
    pub(super) fn check_not_dependant(&mut self) -> Result<(), Error> {
        if let Some(primary) = self.facts()?.primary.as_ref() {
            self.add(ReasonCode::RenewsWithPrimary, Sentence::FollowsPrimary(primary.0.as_str().into()));
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
            ctx.add(ReasonCode::NotHouseholdPrimary, Sentence::DependantOf(primary.0.as_str().into()));
        }
        let held = facts.dependants.unwrap_or(0);
        match &m.plan.household {
            None => ctx.add(ReasonCode::PlanHasNoHousehold, Sentence::NoHousehold(ctx.book.name_of(m.plan))),
            Some(h) if add && held >= h.max_dependants => ctx.add(
                ReasonCode::DependantCapReached,
                Sentence::HouseholdFull { held, plan: ctx.book.name_of(m.plan), max: h.max_dependants },
            ),
            Some(_) if !add && held == 0 => {
                ctx.say(ReasonCode::NoDependantToRemove, ReasonMessage::fixed("the household holds no dependant"))
            }
            Some(_) => {}
        }
        Ok(None)
    }
}
