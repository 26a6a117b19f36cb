//! Decisions on event registrations: registering, and cancelling or transferring a registration.

use time::{Duration, PrimitiveDateTime};

use super::checks::{check_amount, Ctx};
use super::error::DecisionError;
use super::reason::ReasonCode;
use crate::error::Error;
use crate::money::Money;
use crate::request::{datetime_text, EventFacts, RegistrationStatus};

fn hours_text(hours: i64) -> String {
    if hours >= 0 {
        format!("{hours} hours before the start")
    } else {
        format!("{} hours after the start", hours.unsigned_abs())
    }
}

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
fn check_cutoff(ctx: &mut Ctx<'_>, event: &EventFacts, hours: i64, verb: &str) -> Result<PrimitiveDateTime, Error> {
    let closes_at = closes_at(event, hours)?;
    if ctx.request.at >= closes_at {
        let left = (event.starts_at - ctx.request.at).whole_minutes();
        let when = if left >= 0 {
            format!("starts in {}h{:02}", left / 60, left % 60)
        } else {
            format!("started {}h{:02} ago", -left / 60, -left % 60)
        };
        ctx.add(
            ReasonCode::EventCutoffPassed,
            format!(
                "event `{}` {when}: online {verb} closed at {} ({})",
                event.id,
                datetime_text::format(&closes_at),
                hours_text(hours)
            ),
        );
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
        ctx.add(
            ReasonCode::EventStarted,
            format!("event `{}` started at {}", event.id, datetime_text::format(&event.starts_at)),
        );
    }
    if event.members_only && !ctx.is_member()? {
        ctx.add(ReasonCode::EventMembersOnly, format!("event `{}` is for members only", event.id));
    }
    if let Some(cap) = event.capacity.filter(|c| event.registered >= *c) {
        ctx.add(
            ReasonCode::EventFull,
            format!("event `{}` is full: {} of {cap} places taken", event.id, event.registered),
        );
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
        ctx.add(
            ReasonCode::RegistrationNotEligible,
            format!("a registration that is {} cannot be changed online", registration.as_str().replace('_', " ")),
        );
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
