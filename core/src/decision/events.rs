//! Decisions on event registrations: registering, and cancelling or transferring a registration.

use time::{Duration, PrimitiveDateTime};

use super::checks::{check_amount, Ctx};
use super::error::DecisionError;
use super::reason::{ReasonCode, Sentence};
use crate::error::Error;
use crate::money::Money;
use crate::request::{EventFacts, RegistrationStatus};

/// When online requests about an event close, `hours` before its start (negative: after it).
///
/// # Errors
/// [`DecisionError::OutOfRange`] when the moment is outside the calendar.
fn closes_at(event: &EventFacts, hours: i64) -> Result<PrimitiveDateTime, Error> {
    // The policy bounds the cut-off to a year either way; the arithmetic is checked regardless
    // (`Duration::hours` itself panics past ±2.5e15 hours).
    let out_of_range = || DecisionError::OutOfRange { path: "action.event.starts_at".into() };
    let cutoff = hours.checked_mul(3600).map(Duration::seconds).ok_or_else(out_of_range)?;
    Ok(event.starts_at.checked_sub(cutoff).ok_or_else(out_of_range)?)
}

/// Adds [`ReasonCode::EventCutoffPassed`] when the request comes at or after the cut-off of
/// `hours` before the event's start: the one cut-off rule of registering, cancelling and
/// transferring (`verb` names the requests closed). Returns the moment they closed.
fn check_cutoff(
    ctx: &mut Ctx<'_>,
    event: &EventFacts,
    hours: i64,
    verb: &'static str,
) -> Result<PrimitiveDateTime, Error> {
    let closes_at = closes_at(event, hours)?;
    if ctx.request.at >= closes_at {
        let minutes_left = (event.starts_at - ctx.request.at).whole_minutes();
        let sentence = Sentence::EventCutoff { event: event.id.as_str().into(), minutes_left, verb, closes_at, hours };
        ctx.add(ReasonCode::EventCutoffPassed, sentence);
    }
    Ok(closes_at)
}

/// A registration: online until the event starts, or, with `event_register_cutoff_hours`, until
/// that cut-off (after it, staff). Once the event has started and online registration has
/// closed, the request is refused.
pub(super) fn decide_register(ctx: &mut Ctx<'_>, event: &EventFacts) -> Result<(), Error> {
    ctx.check_online(None);
    let closed = match ctx.rules.event_register_cutoff_hours {
        Some(hours) => check_cutoff(ctx, event, hours, "registrations")?.max(event.starts_at),
        None => event.starts_at,
    };
    if ctx.request.at >= closed {
        let sentence = Sentence::EventStarted { event: event.id.as_str().into(), starts_at: event.starts_at };
        ctx.add(ReasonCode::EventStarted, sentence);
    }
    if event.members_only && !ctx.is_member()? {
        ctx.add(ReasonCode::EventMembersOnly, Sentence::EventMembersOnly(event.id.as_str().into()));
    }
    if let Some(cap) = event.capacity.filter(|c| event.registered >= *c) {
        let sentence = Sentence::EventFull { event: event.id.as_str().into(), registered: event.registered, cap };
        ctx.add(ReasonCode::EventFull, sentence);
    }
    Ok(())
}

pub(super) fn decide_registration_change(
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
        ctx.add(ReasonCode::RegistrationNotEligible, Sentence::RegistrationNotEligible(registration));
    }
    let hours =
        if refund.is_some() { ctx.rules.event_cancel_cutoff_hours } else { ctx.rules.event_transfer_cutoff_hours };
    check_cutoff(ctx, event, hours, verb)?;
    if let Some(paid) = refund {
        check_amount(Some(&paid), "action.paid.amount")?;
        ctx.check_refund(paid);
    }
    Ok(())
}
