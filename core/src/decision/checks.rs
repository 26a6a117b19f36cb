//! The reason collector of one request (`Ctx`) and its checks: status, credentials, money, terms, seats.

use time::Date;

use super::error::DecisionError;
use super::reason::{Reason, ReasonCode, ReasonMessage, Sentence};
use crate::error::Error;
use crate::money::Money;
use crate::plan::{Plan, PlanId};
use crate::request::{MemberFacts, RequestKind, SelfServiceRequest};
use crate::rules::{check_terms, Rulebook};
use crate::self_service::SelfServicePolicy;
use crate::status::{MemberStatus, Membership, Status};

/// The facts of a member with a membership, checked, with the status on the request's date.
pub(super) struct Member<'a> {
    pub(super) membership: &'a Membership,
    pub(super) plan: &'a Plan,
    pub(super) status: MemberStatus,
}

/// Collects reasons for one request.
pub(super) struct Ctx<'a> {
    pub(super) book: &'a Rulebook,
    pub(super) rules: &'a SelfServicePolicy,
    pub(super) request: &'a SelfServiceRequest,
    pub(super) kind: RequestKind,
    pub(super) date: Date,
    pub(super) reasons: Vec<Reason>,
}

impl<'a> Ctx<'a> {
    /// Adds a reason with one of the decision's sentences (written when it is read).
    pub(super) fn add(&mut self, code: ReasonCode, sentence: Sentence) {
        self.say(code, ReasonMessage::of(sentence));
    }

    /// Adds a reason whose sentence is written when it is read.
    pub(super) fn say(&mut self, code: ReasonCode, message: ReasonMessage) {
        self.reasons.push(Reason { code, message, next_date: None });
    }

    /// Adds a reason that time alone clears, whose sentence is written when it is read.
    pub(super) fn say_until(&mut self, code: ReasonCode, message: ReasonMessage, next_date: Option<Date>) {
        self.reasons.push(Reason { code, message, next_date });
    }

    pub(super) fn facts(&self) -> Result<&'a MemberFacts, DecisionError> {
        self.request.member.as_ref().ok_or(DecisionError::MissingFacts { path: "member".into(), kind: self.kind })
    }

    /// The member's membership, checked, with its status; `None` when the facts have none.
    pub(super) fn member(&self) -> Result<Option<Member<'a>>, Error> {
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
        // The plan is known: the status without looking it up again.
        let status = self.book.standing_on(plan, &m.facts(), self.date)?.to_member_status();
        Ok(Some(Member { membership: m, plan, status }))
    }

    pub(super) fn require_member(&self) -> Result<Member<'a>, Error> {
        self.facts()?;
        self.member()?
            .ok_or_else(|| DecisionError::MissingFacts { path: "member.membership".into(), kind: self.kind }.into())
    }

    pub(super) fn plan(&self, id: &PlanId, path: &str) -> Result<&'a Plan, DecisionError> {
        self.book.plan(id).map_err(|_| DecisionError::UnknownPlan { path: path.into(), plan: id.to_string() })
    }

    pub(super) fn check_online(&mut self, plan: Option<&Plan>) {
        if !self.rules.online(self.kind, plan.map(|p| &p.id)) {
            let plan = plan.map(|p| self.book.name_of(p));
            self.say(ReasonCode::OnlineNotAllowed, ReasonMessage::not_taken_online(self.kind, plan));
        }
    }

    /// Reasons that come from the membership's status alone (held, pending, cancelled, deceased).
    pub(super) fn check_status(&mut self, m: &Member<'_>) {
        match m.status.status {
            Status::Deceased => {
                self.say(ReasonCode::MemberDeceased, ReasonMessage::fixed("the member is recorded as deceased"));
            }
            Status::Suspended => {
                let paused = m.membership.pause.filter(|p| p.contains(self.date) && !Self::overridden(m, self.date));
                if let Some(p) = paused {
                    let message = ReasonMessage::of(Sentence::Paused { from: p.from, to: p.to });
                    self.say_until(ReasonCode::MembershipSuspended, message, p.to.next_day());
                    return;
                }
                let until = m.membership.status_override.as_ref().and_then(|o| o.until);
                let next = until.and_then(|u| u.next_day());
                self.say_until(ReasonCode::MembershipSuspended, ReasonMessage::on_hold(until), next);
            }
            Status::Pending => {
                let message = ReasonMessage::fixed("the membership awaits payment or approval");
                self.say(ReasonCode::MembershipPending, message);
            }
            Status::Cancelled => {
                let message = ReasonMessage::cancelled_on(m.membership.cancelled_on);
                self.say(ReasonCode::MembershipCancelled, message);
            }
            _ => {}
        }
    }

    /// Whether a staff override holds on `date` (it comes before a pause).
    fn overridden(m: &Member<'_>, date: Date) -> bool {
        m.membership.status_override.is_some_and(|o| o.until.is_none_or(|u| date <= u))
    }

    pub(super) fn is_held(m: &Member<'_>) -> bool {
        matches!(m.status.status, Status::Deceased | Status::Suspended | Status::Pending | Status::Cancelled)
    }

    /// A change or cancellation needs a current term: not lapsed, and not in grace either (the
    /// term has ended; renew first).
    pub(super) fn check_current(&mut self, m: &Member<'_>) {
        if Self::is_held(m) {
            return;
        }
        let ended = m.membership.term.end.filter(|e| *e < self.date);
        if !m.status.counts_as_member {
            self.add(ReasonCode::MembershipNotCurrent, Sentence::NotCurrent { status: m.status.status, ended });
        } else if let Some(end) = ended {
            self.add(ReasonCode::MembershipNotCurrent, Sentence::TermEnded { status: m.status.status, end });
        }
    }

    /// Whether the website offers `plan` to a member who would be `joined` / `changed to` it: sold
    /// online, and open to new members (not renewal-only).
    pub(super) fn check_offered(&mut self, plan: &Plan, taken_as: &'static str) {
        if !plan.flags.sold_online {
            self.add(ReasonCode::PlanNotSoldOnline, Sentence::NotSoldOnline(self.book.name_of(plan)));
        }
        if plan.flags.renewal_only {
            self.add(ReasonCode::PlanRenewalOnly, Sentence::RenewalOnly { plan: self.book.name_of(plan), taken_as });
        }
    }

    pub(super) fn check_credential(&mut self, plan: &Plan) -> Result<(), DecisionError> {
        let Some(needed) = plan.category.as_ref().and_then(|c| self.rules.credentials.get(c)) else {
            return Ok(());
        };
        let has = self.request.member.as_ref().is_some_and(|f| f.credentials.iter().any(|c| c == needed));
        if !has {
            let sentence =
                Sentence::CredentialRequired { plan: self.book.name_of(plan), needed: needed.as_str().into() };
            self.add(ReasonCode::CredentialRequired, sentence);
        }
        Ok(())
    }

    pub(super) fn check_money_facts(&mut self) -> Result<(), DecisionError> {
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
            self.add(ReasonCode::BalanceOverdue, Sentence::BalanceOverdue { due, limit });
        }
        Ok(())
    }

    pub(super) fn check_refund(&mut self, refund: Money) {
        if let Some(limit) = self.rules.max_online_refund {
            if refund.amount() > limit {
                let limit = Money::new(limit, refund.currency()).round(crate::money::Rounding::HalfAwayFromZero);
                self.add(ReasonCode::RefundAboveOnlineLimit, Sentence::RefundAboveLimit { refund, limit });
            }
        }
    }

    pub(super) fn check_terms(&mut self, plan: &Plan, terms: u32) {
        if check_terms(plan, terms).is_err() {
            self.term_count_invalid(plan, terms);
        }
    }

    pub(super) fn term_count_invalid(&mut self, plan: &Plan, terms: u32) {
        let sentence = Sentence::TermCount { plan: self.book.name_of(plan), max: plan.max_terms, terms };
        self.add(ReasonCode::TermCountInvalid, sentence);
    }

    pub(super) fn check_seats(&mut self, plan: &Plan, seats: i64, path: &str) -> Result<u32, DecisionError> {
        let count = u32::try_from(seats).map_err(|_| DecisionError::InvalidQuantity {
            path: path.into(),
            value: seats,
            rule: "seats must be 0 or more",
        })?;
        match &plan.seats {
            None => self.add(ReasonCode::PlanHasNoSeats, Sentence::NoSeats(self.book.name_of(plan))),
            Some(s) => {
                if count < s.min {
                    let sentence = Sentence::SeatsBelowMinimum { count, min: s.min, plan: self.book.name_of(plan) };
                    self.add(ReasonCode::SeatsBelowMinimum, sentence);
                }
                if let Some(max) = s.max.filter(|m| count > *m) {
                    let sentence = Sentence::SeatsAboveCap { count, max, plan: self.book.name_of(plan) };
                    self.add(ReasonCode::SeatCapReached, sentence);
                }
            }
        }
        Ok(count)
    }

    pub(super) fn is_member(&self) -> Result<bool, Error> {
        Ok(self.member()?.is_some_and(|m| m.status.counts_as_member))
    }
}

/// An amount the member paid or owes: not negative, and exact in the currency's minor units.
pub(super) fn check_amount(amount: Option<&Money>, path: &str) -> Result<(), DecisionError> {
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
    m.check_bounded().map_err(|_| DecisionError::Syntax {
        path: path.into(),
        message: format!("{m} must be at most {}", Money::max_amount(m.currency())),
    })
}

/// A status as it reads after "the membership is": `in grace`, `lapsed`.
pub(super) fn status_phrase(status: Status) -> &'static str {
    match status {
        Status::Grace => "in grace",
        other => other.as_str(),
    }
}
