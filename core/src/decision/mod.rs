//! The 80/20 self-service decision: for each request a member makes online, self-service, staff
//! (with a queue) or refused, with every reason that applies, and the quote when self-service.

mod answer;
mod checks;
pub(crate) mod error;
mod events;
mod household;
mod membership;
mod parse;
mod products;
mod profile;
mod reason;
mod route;

use crate::error::Error;
use crate::quote::{Quote, QuoteError, Quoter};
use crate::request::{Action, SelfServiceRequest};
use crate::rules::Rulebook;
use crate::self_service::SelfServicePolicy;

pub use answer::Decision;
pub use error::DecisionError;
pub(crate) use error::DECISION_ERRORS;
pub use parse::parse_self_service_request;
pub use reason::{Reason, ReasonCode, ReasonMessage};
pub use route::{Queue, Route};

use checks::Ctx;
use events::{decide_register, decide_registration_change};
use products::decide_product;
use profile::decide_profile;

/// What decisions read: the core rules, the quotes and the policy's `self_service` section.
/// [`Engine::decide`](crate::Engine::decide) asks it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Decider<'a> {
    pub(crate) rules: &'a Rulebook,
    pub(crate) quoter: Quoter<'a>,
    pub(crate) self_service: &'a SelfServicePolicy,
}

impl Decider<'_> {
    /// Decides one self-service request (see [`Engine::decide`](crate::Engine::decide)).
    pub(crate) fn decide(&self, request: &SelfServiceRequest) -> Result<Decision, Error> {
        let kind = request.action.kind();
        let mut ctx = Ctx {
            book: self.rules,
            rules: self.self_service,
            request,
            kind,
            date: request.at.date(),
            reasons: Vec::new(),
        };
        ctx.check_money_facts()?;
        match &request.action {
            Action::Join { plan, terms, seats, dependants } => {
                self.decide_join(&mut ctx, plan, *terms, *seats, *dependants)
            }
            Action::Renew { terms } | Action::Reinstate { terms } => self.decide_renewal(&mut ctx, *terms),
            Action::ChangePlan { plan } => self.decide_change_plan(&mut ctx, plan),
            Action::ChangeSeats { seats } => self.decide_change_seats(&mut ctx, *seats),
            Action::CancelMembership => self.decide_cancel(&mut ctx),
            Action::RegisterEvent { event } => decide_register(&mut ctx, event).map(|()| None),
            Action::CancelRegistration { event, registration, paid } => {
                decide_registration_change(&mut ctx, event, *registration, Some(*paid)).map(|()| None)
            }
            Action::TransferRegistration { event, registration } => {
                decide_registration_change(&mut ctx, event, *registration, None).map(|()| None)
            }
            Action::BuyProduct { product, quantity, member_price, in_stock } => {
                decide_product(&mut ctx, product, *quantity, *member_price, *in_stock).map(|()| None)
            }
            Action::UpdateProfile { field } => decide_profile(&mut ctx, field).map(|()| None),
            Action::AddDependant => self.decide_dependant(&mut ctx, true),
            Action::RemoveDependant => self.decide_dependant(&mut ctx, false),
        }
        .and_then(|quote| {
            // The quote is computed whatever the route, so that whether it can be priced never
            // depends on the limits: a quote the engine refuses for a reason no other reason
            // explains sends the request to staff; facts it refuses are errors.
            let quote = match quote.map(|q| q()) {
                Some(Ok(q)) => Some(q),
                Some(Err(Error::Quote(e))) if is_bad_fact(&e) => return Err(e.into()),
                Some(Err(e @ Error::Money(_))) => return Err(e),
                Some(Err(Error::Quote(e))) => {
                    if !explained(&e, &ctx.reasons) {
                        ctx.add(ReasonCode::QuoteUnavailable, reason::Sentence::QuoteUnavailable(Box::new(e)));
                    }
                    None
                }
                Some(Err(e)) if ctx.reasons.is_empty() => return Err(e),
                Some(Err(_)) | None => None,
            };
            let mut decision = Decision::from_reasons(kind, std::mem::take(&mut ctx.reasons));
            if decision.is_self_service() {
                decision.quote = quote;
            }
            Ok(decision)
        })
    }
}

/// Quote errors that are about the member's facts (what was paid), not about the request.
fn is_bad_fact(e: &QuoteError) -> bool {
    matches!(
        e,
        QuoteError::NegativeAmount { .. } | QuoteError::PaymentCurrency { .. } | QuoteError::CreditsExceedPaid { .. }
    )
}

/// Whether a reason already listed says why the quote cannot be given.
fn explained(e: &QuoteError, reasons: &[Reason]) -> bool {
    let has = |codes: &[ReasonCode]| reasons.iter().any(|r| codes.contains(&r.code));
    match e {
        QuoteError::SeatsBelowMinimum { .. } => has(&[ReasonCode::SeatsBelowMinimum]),
        QuoteError::SeatsAboveMaximum { .. } => has(&[ReasonCode::SeatCapReached]),
        QuoteError::NoSeats { .. } => has(&[ReasonCode::PlanHasNoSeats]),
        QuoteError::SeatsUnchanged { .. } => has(&[ReasonCode::SeatsUnchanged]),
        QuoteError::DependantsAboveMaximum { .. } => has(&[ReasonCode::DependantCapReached]),
        QuoteError::NoHousehold { .. } => has(&[ReasonCode::PlanHasNoHousehold]),
        QuoteError::SamePlan { .. } => has(&[ReasonCode::SamePlan]),
        QuoteError::NotCancellable { .. } => has(&[ReasonCode::MemberDeceased, ReasonCode::MembershipCancelled]),
        QuoteError::DateOutsideTerm { .. } => has(&[ReasonCode::MembershipNotCurrent]),
        QuoteError::LifetimeTerm => has(&[ReasonCode::PlanStaffOnly, ReasonCode::LifetimeNotRenewable]),
        _ => false,
    }
}

/// A deferred quote, computed once the reasons are known.
type QuoteFn<'a> = Box<dyn FnOnce() -> Result<Quote, Error> + 'a>;
