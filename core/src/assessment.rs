//! The assessment of one member on one date: the status, the renewal path or why renewing is
//! refused, the renewal quote's total and, when asked, the online decision on renewing that day.
//! The one per-member answer that the main job, the batch and the C API give.

use time::{Date, PrimitiveDateTime, Time};

use crate::decision::{Decider, Decision};
use crate::error::Error;
use crate::money::Money;
use crate::plan::Plan;
use crate::quote::{PriceKey, Prices};
use crate::renewal::{RenewalError, RenewalTerm};
use crate::request::{Action, MemberFacts, SelfServiceRequest};
use crate::rules::{Refusal, RenewalPath, Renewals, Rulebook};
use crate::status::{Facts, MemberStatus, Membership, Standing};

/// What amscore says of one member on one date.
///
/// ```
/// use time::macros::date;
/// let engine = amscore::Engine::from_preset("amscore")?;
/// let m: amscore::Membership = serde_json::from_str(r#"{"member_id": "M-1", "plan": "individual",
///     "member_since": "2020-01-15", "term": {"start": "2025-01-15", "end": "2026-01-14"}}"#)?;
/// let a = engine.assess(&m, date!(2026-01-20), 1, false)?;
/// assert_eq!(a.status.status, amscore::Status::Grace);
/// assert_eq!(a.renewal.as_ref().map(|r| r.term.start).ok(), Some(date!(2026-01-15)));
/// // 200.00 dues and the 10.00 late fee of renewing in grace.
/// assert_eq!(a.quote_total.map(|t| t.to_string()), Ok("210.00 USD".into()));
/// assert!(a.decision.is_none());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assessment {
    /// The status on the date.
    pub status: MemberStatus,
    /// The renewal on the date, or why it is refused (the first reason; a
    /// [`RenewalError`] names the rule, and [`Assessment::refused_until`] the day it stops
    /// applying when it is a date).
    pub renewal: Result<RenewalTerm, Error>,
    /// The renewal quote's total, fees included, or why there is none: the refusal itself when
    /// renewing is refused, otherwise why it cannot be priced.
    pub quote_total: Result<Money, Error>,
    /// The online decision on renewing that day, when asked for; an error when the request
    /// cannot be decided.
    pub decision: Option<Result<Decision, Error>>,
}

impl Assessment {
    /// The first day the renewal's refusal no longer applies, when that is a date (the day the
    /// renewal window opens).
    pub fn refused_until(&self) -> Option<Date> {
        self.renewal.as_ref().err().and_then(refused_until_error)
    }
}

/// The first day a renewal's refusal no longer applies, when that is a date: the day the renewal
/// window opens ([`Assessment::refused_until`]).
fn refused_until_error(refusal: &Error) -> Option<Date> {
    match refusal {
        Error::Renewal(e) => window_opens(e),
        _ => None,
    }
}

/// [`refused_until_error`] of a refusal as the rule book finds it (the kernel's answers).
pub(crate) fn refused_until(refusal: &Refusal<'_>) -> Option<Date> {
    match refusal.unnamed() {
        Ok(e) => window_opens(&e),
        Err(e) => refused_until_error(e),
    }
}

/// The day a renewal refused by `refusal` becomes possible, when it is a date: the day the
/// renewal window opens.
fn window_opens(refusal: &RenewalError) -> Option<Date> {
    match refusal {
        RenewalError::WindowNotOpen { opens_on } => Some(*opens_on),
        _ => None,
    }
}

/// The assessment of a membership's facts on a plan, before anything is copied out of the rule
/// book: what [`Decider::assess`] makes an [`Assessment`] of, and the roster kernel writes into
/// its columns (nothing allocated on the way).
#[derive(Debug)]
pub(crate) struct Assessed<'a> {
    /// The status on the date, its label borrowed from its rule.
    pub(crate) status: Standing<'a>,
    /// The renewal on the date, its plan borrowed, or why it is refused (nothing written).
    pub(crate) renewal: Result<RenewalPath<'a>, Refusal<'a>>,
    /// The renewal quote's total when renewing is not refused (else `None`: the refusal is the
    /// quote's answer too), or why it cannot be priced (boxed: rare, and it keeps the assessment
    /// small).
    pub(crate) quote_total: Option<Result<Money, Box<Error>>>,
}

/// What one thread of the roster kernel keeps from one member's assessment to the next: the
/// renewals already checked and the renewal totals already priced ([`Decider::assess_facts`]).
/// A single call's is empty ([`Memo::default`]: nothing kept, nothing allocated).
#[derive(Debug, Default)]
pub(crate) struct Memo<'a> {
    /// The renewals already checked.
    pub(crate) renewals: Renewals<'a>,
    /// The renewal totals already priced.
    pub(crate) prices: Prices<'a>,
}

impl Memo<'_> {
    /// A memo for one thread of the roster kernel, assessing on `date` for renewals of `terms`
    /// terms.
    pub(crate) fn for_roster(date: Date, terms: u32) -> Self {
        Memo { renewals: Renewals::new(date, terms), prices: Prices::default() }
    }
}

impl<'a> Decider<'a> {
    /// Assesses a membership on `date` for a renewal of `terms` terms; with `decide`, also the
    /// online decision on renewing that day (a renewal request at the start of the day, with the
    /// membership as the only fact the website has).
    ///
    /// # Errors
    /// The errors of the status (facts that cannot have one): the row's error.
    pub(crate) fn assess(
        &self,
        membership: &Membership,
        date: Date,
        terms: u32,
        decide: bool,
    ) -> Result<Assessment, Error> {
        let plan = self.rules.plan(&membership.plan)?;
        let facts = membership.facts();
        let a = self.assess_facts(plan, &facts, membership.tax_exempt, date, terms, &mut Memo::default())?;
        let renewal = a.renewal.map(|r| r.to_term(facts.member_since)).map_err(Error::from);
        let quote_total = match (a.quote_total, &renewal) {
            (Some(total), _) => total.map_err(|e| *e),
            (None, Err(refused)) => Err(refused.clone()),
            // Not reached: a renewal that is not refused is priced (`assess_facts`).
            (None, Ok(_)) => Err(RenewalError::LifetimeNotRenewable.into()),
        };
        let decision = decide.then(|| self.decide_renewal_online(membership, date, terms));
        Ok(Assessment { status: a.status.to_member_status(), renewal, quote_total, decision })
    }

    /// The online decision on renewing `terms` terms on `date`: a renewal request at the start
    /// of the day, with the membership as the only fact the website has.
    ///
    /// # Errors
    /// The errors of [`Decider::decide`].
    pub(crate) fn decide_renewal_online(
        &self,
        membership: &Membership,
        date: Date,
        terms: u32,
    ) -> Result<Decision, Error> {
        self.decide(&SelfServiceRequest {
            id: None,
            at: PrimitiveDateTime::new(date, Time::MIDNIGHT),
            member: Some(MemberFacts { membership: Some(membership.clone()), ..MemberFacts::default() }),
            action: Action::Renew { terms },
        })
    }

    /// The status, the renewal and the renewal quote's total of facts on `plan` (already looked
    /// up) on `date`: the one computation behind [`Decider::assess`] and the roster kernel. The
    /// renewal and its total come from `memo` when a renewal checked (priced) the same way has
    /// been (the kernel keeps one per thread; a single call, an empty one).
    ///
    /// # Errors
    /// The errors of the status.
    #[inline(always)]
    pub(crate) fn assess_facts(
        &self,
        plan: &'a Plan,
        facts: &Facts,
        tax_exempt: bool,
        date: Date,
        terms: u32,
        memo: &mut Memo<'a>,
    ) -> Result<Assessed<'a>, Error> {
        let rules: &'a Rulebook = self.rules;
        let status = rules.standing_on(plan, facts, date)?;
        let renewal = rules.renewal_path(plan, facts, date, terms, Some(status.flags), &mut memo.renewals);
        let quote_total = renewal.as_ref().ok().map(|r| {
            memo.prices.total(&self.quoter, PriceKey::of(plan, r).exempt(tax_exempt), date, terms).map_err(Box::new)
        });
        Ok(Assessed { status, renewal, quote_total })
    }
}
