//! Decisions on memberships: join, renew or reinstate, change plan or seats, cancel, and the refund check.

use super::checks::Ctx;
use super::error::DecisionError;
use super::reason::{ReasonCode, ReasonMessage, Sentence};
use super::{Decider, QuoteFn};
use crate::error::Error;
use crate::period::add_days;
use crate::plan::PlanId;
use crate::quote::{Cancellation, LineKind, PlanChange, Quote, SeatChange};
use crate::renewal::{LifetimeRenewal, ReinstatementStart, RenewalError};
use crate::request::RequestKind;
use crate::status::RenewalKind;

impl Decider<'_> {
    pub(super) fn decide_join<'a>(
        &'a self,
        ctx: &mut Ctx<'_>,
        plan_id: &'a PlanId,
        terms: u32,
        seats: Option<i64>,
        dependants: Option<u32>,
    ) -> Result<Option<QuoteFn<'a>>, Error> {
        let plan = ctx.plan(plan_id, "action.plan")?;
        if let Some(m) = ctx.member()? {
            if m.status.counts_as_member {
                let sentence = Sentence::AlreadyMember {
                    status: m.status.status,
                    plan: ctx.book.name_of(m.plan),
                    until: m.membership.term.end,
                };
                ctx.add(ReasonCode::AlreadyMember, sentence);
            }
        }
        ctx.check_online(Some(plan));
        if plan.flags.staff_only {
            ctx.add(ReasonCode::PlanStaffOnly, Sentence::StaffOnly { verb: "sell", plan: ctx.book.name_of(plan) });
        }
        ctx.check_offered(plan, "joined");
        let approval = ctx.rules.plans.get(&plan.id).and_then(|r| r.join_approval);
        if approval.unwrap_or(plan.flags.join_needs_approval) {
            let message = ReasonMessage::needs_approval("joining", ctx.book.name_of(plan));
            ctx.say(ReasonCode::PlanRequiresApproval, message);
        }
        ctx.check_credential(plan)?;
        ctx.check_terms(plan, terms);
        let seats = seats.map(|s| ctx.check_seats(plan, s, "action.seats")).transpose()?;
        ctx.check_household(plan, dependants.unwrap_or(0));
        let date = ctx.date;
        let options = crate::quote::JoinOptions { terms, seats, dependants, ..Default::default() };
        Ok(Some(Box::new(move || self.quoter.quote_join_with(plan_id, date, &options))))
    }

    pub(super) fn decide_renewal<'a>(&'a self, ctx: &mut Ctx<'a>, terms: u32) -> Result<Option<QuoteFn<'a>>, Error> {
        let m = ctx.require_member()?;
        let (membership, plan) = (m.membership, m.plan);
        let reinstate_only = ctx.kind == RequestKind::Reinstate;
        ctx.check_status(&m);
        ctx.check_not_dependant()?;
        if membership.renewal_pending {
            ctx.add(ReasonCode::RenewalAlreadyPending, Sentence::RenewalPending(membership.term.end));
        }
        ctx.check_online(Some(plan));
        // A lifetime membership has nothing to renew, unless the policy keeps it on renewal
        // (`settings.lifetime_renewal: keep`, CiviCRM): then it renews as the rule book says.
        if plan.is_lifetime() && self.rules.renewal_rules().lifetime == LifetimeRenewal::Refuse {
            ctx.say(ReasonCode::LifetimeNotRenewable, ReasonMessage::lifetime(ctx.book.name_of(plan)));
            return Ok(None);
        }
        if !plan.flags.renewable_online {
            ctx.say(ReasonCode::OnlineNotAllowed, ReasonMessage::not_renewable_online(ctx.book.name_of(plan)));
        }
        // Whether the membership renews on the day, and every reason it does not: the rule
        // book's one answer, which `renewal_term` reports the first of.
        let check = self.rules.renewal_check(plan, &membership.facts(), ctx.date, terms, m.status.flags())?;
        let end = check.end;
        // Before the window opens, whatever else holds the renewal (a staff hold, say).
        for obstacle in check.obstacles.iter() {
            if let (RenewalError::WindowNotOpen { opens_on }, false) = (&obstacle, reinstate_only) {
                let message = ReasonMessage::renewal_opens(*opens_on);
                ctx.say_until(ReasonCode::RenewalWindowNotOpen, message, Some(*opens_on));
            }
        }
        match check.kind {
            Some(RenewalKind::Extend) if reinstate_only => {
                ctx.say(ReasonCode::NothingToReinstate, ReasonMessage::nothing_to_reinstate(m.status.status, end));
            }
            Some(RenewalKind::Reinstate) if self.rules.reinstatement() == ReinstatementStart::Backdate => {
                let start = add_days(end, 1)?;
                let days = (ctx.date - start).whole_days();
                if let Some(max) = ctx.rules.max_backdating_days.filter(|m| days > i64::from(*m)) {
                    ctx.add(ReasonCode::BackdatingLimitExceeded, Sentence::BackdatingLimit { days, start, max });
                }
            }
            Some(RenewalKind::Rejoin) => {
                let closed = self.rules.reinstatement_end(plan, end)?;
                ctx.say(ReasonCode::ReinstatementWindowClosed, ReasonMessage::reinstatement_closed(closed));
            }
            Some(RenewalKind::Extend | RenewalKind::Reinstate) | None => {}
        }
        let next_plan = check.next_plan;
        for obstacle in check.obstacles.iter() {
            match &obstacle {
                RenewalError::InvalidTermCount { .. } => ctx.term_count_invalid(next_plan, terms),
                RenewalError::BackdateTooShort { end: new_end, .. } => ctx.add(
                    ReasonCode::BackdateTooShort,
                    Sentence::BackdateTooShort { terms, end: *new_end, date: ctx.date },
                ),
                RenewalError::RejoinOnRenewalOnlyPlan { .. } => {
                    ctx.add(ReasonCode::PlanRenewalOnly, Sentence::RejoinRenewalOnly(ctx.book.name_of(plan)))
                }
                RenewalError::OneExpiryDate { expires, .. } => ctx.add(
                    ReasonCode::OneExpiryDateNotRenewable,
                    Sentence::OneExpiryDate { plan: ctx.book.name_of(plan), expires: *expires },
                ),
                // Reported above (the window), or by the status itself (a hold).
                _ => {}
            }
        }
        let approval = ctx.rules.plans.get(&plan.id).and_then(|r| r.renewal_approval);
        if approval.unwrap_or(plan.flags.renewal_needs_approval) {
            let message = ReasonMessage::needs_approval("renewing", ctx.book.name_of(plan));
            ctx.say(ReasonCode::PlanRequiresApproval, message);
        }
        ctx.check_credential(next_plan)?;
        let dependants = ctx.request.member.as_ref().and_then(|f| f.dependants);
        ctx.check_household(next_plan, dependants.unwrap_or(0));
        let date = ctx.date;
        let seats = ctx.request.member.as_ref().and_then(|f| f.seats).filter(|_| next_plan.seats.is_some());
        // The status on the day is known already (`m`): the quote does not work it out again.
        let status = m.status.flags();
        let quoter = self.quoter;
        Ok(Some(Box::new(move || {
            quoter.quote_renewal_household(membership, date, terms, seats, dependants, Some(status))
        })))
    }

    pub(super) fn decide_change_plan<'a>(
        &'a self,
        ctx: &mut Ctx<'a>,
        to: &'a PlanId,
    ) -> Result<Option<QuoteFn<'a>>, Error> {
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
            ctx.add(ReasonCode::SamePlan, Sentence::SamePlan(ctx.book.name_of(target)));
        }
        for p in [m.plan, target] {
            if p.flags.staff_only {
                ctx.add(ReasonCode::PlanStaffOnly, Sentence::StaffOnly { verb: "change", plan: ctx.book.name_of(p) });
            }
        }
        ctx.check_offered(target, "changed to");
        for p in [m.plan, target] {
            if ctx.rules.plans.get(&p.id).is_some_and(|r| r.change_approval) {
                ctx.add(ReasonCode::PlanRequiresApproval, Sentence::ChangeNeedsApproval(ctx.book.name_of(p)));
            }
        }
        ctx.check_credential(target)?;
        if let Some(scheduled) = &facts.scheduled_change {
            let on = m.membership.term.end.and_then(|e| e.next_day());
            ctx.add(ReasonCode::DowngradePending, Sentence::ChangeScheduled { to: scheduled.clone(), on });
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

    pub(super) fn decide_change_seats<'a>(
        &'a self,
        ctx: &mut Ctx<'a>,
        seats: i64,
    ) -> Result<Option<QuoteFn<'a>>, Error> {
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
            ctx.add(ReasonCode::SeatsUnchanged, Sentence::SeatsUnchanged(to));
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

    pub(super) fn decide_cancel<'a>(&'a self, ctx: &mut Ctx<'a>) -> Result<Option<QuoteFn<'a>>, Error> {
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
    pub(super) fn refund_check(
        &self,
        ctx: &mut Ctx<'_>,
        quote: impl FnOnce() -> Result<Quote, Error>,
    ) -> Result<(), Error> {
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
