//! The engine: a policy compiled once, answering questions about (membership, date) as pure
//! functions. Each question is asked of the part that owns its rule; the engine only gathers the
//! policy's sections for it.

use time::Date;

use crate::assessment::Assessment;
use crate::decision::{Decider, Decision};
use crate::error::Error;
use crate::lifecycle_error::LifecycleError;
use crate::money::Money;
use crate::plan::{Plan, PlanId};
use crate::policy::Policy;
use crate::policy_error::PolicyError;
use crate::quote::{Cancellation, PlanChange, Quote, Quoter, SeatChange};
use crate::renewal::RenewalTerm;
use crate::request::SelfServiceRequest;
use crate::rules::Rulebook;
use crate::status::{MemberStatus, Membership};
use crate::term::JoinTerm;

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
///     tax_exempt: false, pause: None, renewal_pending: false,
/// };
/// assert_eq!(engine.status_on(&m, date!(2026-01-14))?.status, Status::Active);
/// assert_eq!(engine.status_on(&m, date!(2026-01-15))?.status, Status::Grace);
/// # Ok::<(), amscore::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Engine {
    policy: Policy,
    rules: Rulebook,
}

impl Engine {
    /// Compiles a policy (validating it first).
    ///
    /// # Errors
    /// A [`PolicyError`] naming the path of the first problem.
    pub fn new(policy: Policy) -> Result<Engine, PolicyError> {
        policy.validate()?;
        let s = &policy.settings;
        let rules = Rulebook::new(
            policy.plans.clone(),
            policy.status_rules.clone(),
            s.date_rules(),
            s.renewal_rules(),
            s.status_before_join,
            s.rounding,
        );
        Ok(Engine { policy, rules })
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

    /// The compiled core rules (plans, status table, date and renewal conventions).
    pub fn rules(&self) -> &Rulebook {
        &self.rules
    }

    /// What the member-success analytics read: the core rules and the policy's `success`
    /// section.
    ///
    /// ```
    /// use time::macros::date;
    /// let engine = amscore::Engine::from_preset("amscore")?;
    /// let due = amscore::success::renewal_due(engine.success(), &[], date!(2026-01-01), None)?;
    /// assert!(due.due.is_empty() && due.errors.is_empty());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn success(&self) -> crate::success::Context<'_> {
        crate::success::Context { rules: &self.rules, policy: &self.policy.success }
    }

    /// A plan by id.
    ///
    /// # Errors
    /// [`LifecycleError::UnknownPlan`].
    pub fn plan(&self, id: &PlanId) -> Result<&Plan, LifecycleError> {
        self.rules.plan(id)
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
        self.rules.plan_by_id(id)
    }

    /// The first term of a member joining a plan on a date (one term).
    ///
    /// # Errors
    /// [`LifecycleError::UnknownPlan`], or a date out of range.
    pub fn join_term(&self, plan: &PlanId, join_date: Date) -> Result<JoinTerm, Error> {
        self.rules.join_terms(plan, join_date, 1)
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
    /// [`LifecycleError::UnknownPlan`], [`crate::RenewalError::InvalidTermCount`], or a date out of range.
    pub fn join_terms(&self, plan: &PlanId, join_date: Date, terms: u32) -> Result<JoinTerm, Error> {
        self.rules.join_terms(plan, join_date, terms)
    }

    /// The first term of a member joining a plan on a date with staff-entered dates (an explicit
    /// start kept as given, the end following the plan's period from it; or an explicit end), as
    /// imports and back-office joins enter them.
    ///
    /// ```
    /// use time::macros::date;
    /// let engine = amscore::Engine::from_preset("amscore")?;
    /// let dates = amscore::JoinDates { start: None, end: Some(date!(2025-12-31)) };
    /// let j = engine.join_term_dated(&"individual".into(), date!(2025-03-01), 1, dates)?;
    /// assert_eq!((j.term.start, j.term.end), (date!(2025-03-01), Some(date!(2025-12-31))));
    /// # Ok::<(), amscore::Error>(())
    /// ```
    ///
    /// # Errors
    /// Those of [`Engine::join_terms`], and the dates' errors
    /// ([`LifecycleError::JoinStartAfterDate`], [`LifecycleError::JoinEndBeforeStart`],
    /// [`LifecycleError::JoinEndBeforeDate`], [`LifecycleError::JoinEndAfterTerms`],
    /// [`LifecycleError::JoinEndOnLifetimePlan`]).
    pub fn join_term_dated(
        &self,
        plan: &PlanId,
        join_date: Date,
        terms: u32,
        dates: crate::JoinDates,
    ) -> Result<JoinTerm, Error> {
        self.rules.join_terms_dated(plan, join_date, terms, dates)
    }

    /// The status of a membership on a date.
    ///
    /// # Errors
    /// [`LifecycleError`]: an unknown plan, inconsistent facts, a term end that disagrees with
    /// the plan's kind, a date before the member joined.
    pub fn status_on(&self, membership: &Membership, date: Date) -> Result<MemberStatus, Error> {
        Ok(self.rules.status_on(membership, date)?)
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
    ///     tax_exempt: false, pause: None, renewal_pending: false,
    /// };
    /// let r = engine.renewal_term(&m, date!(2026-01-20), 1)?;
    /// assert_eq!(r.kind, RenewalKind::Extend);
    /// assert_eq!((r.term.start, r.term.end), (date!(2026-01-15), Some(date!(2027-01-14))));
    /// # Ok::<(), amscore::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`crate::RenewalError::WindowNotOpen`] before the window opens,
    /// [`crate::RenewalError::LifetimeNotRenewable`], [`crate::RenewalError::NotRenewable`] for
    /// pending, cancelled, suspended or deceased members, [`crate::RenewalError::InvalidTermCount`],
    /// [`crate::RenewalError::BackdateTooShort`], [`crate::RenewalError::RejoinOnRenewalOnlyPlan`],
    /// and the errors of [`Engine::status_on`].
    pub fn renewal_term(&self, membership: &Membership, date: Date, terms: u32) -> Result<RenewalTerm, Error> {
        self.rules.renewal_term(membership, date, terms)
    }
}

/// Audits of other systems' exports (`docs/audit.md`): each asks the audit with the rule book.
impl Engine {
    /// [`crate::audit_export`] under this policy: every record of a CiviCRM or Tendenci export
    /// whose stored status or dates disagree with the rules on `as_of`.
    ///
    /// ```
    /// use amscore::ExportFormat;
    /// use time::macros::date;
    /// let engine = amscore::Engine::from_preset("tendenci")?;
    /// let export = "member_number,membership_type,join_dt,expire_dt,status_detail\n\
    ///               T-1,Regular,2024-03-15 10:00:00,2025-03-15 10:00:00,expired\n";
    /// let report = engine.audit_export(ExportFormat::Tendenci, export, date!(2024-09-01), &Default::default())?;
    /// assert_eq!(report.disagreements[0].expected, "active");
    /// # Ok::<(), amscore::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`crate::AuditError`] for a header or type map the audit cannot use.
    pub fn audit_export(
        &self,
        format: crate::audit::ExportFormat,
        text: &str,
        as_of: Date,
        types: &std::collections::BTreeMap<String, PlanId>,
    ) -> Result<crate::audit::AuditReport, Error> {
        Ok(crate::audit::audit_export(&self.rules, format, text, as_of, types)?)
    }

    /// [`crate::write_export`] under this policy: members written as a CiviCRM or Tendenci export.
    ///
    /// # Errors
    /// The error of a member whose status cannot be computed on `as_of`.
    pub fn write_export(
        &self,
        format: crate::audit::ExportFormat,
        members: &[crate::member::MemberHistory],
        as_of: Date,
    ) -> Result<String, Error> {
        crate::audit::write_export(&self.rules, format, members, as_of)
    }
}

/// Quotes: each asks the `Quoter` with the policy's `settings.quotes`.
impl Engine {
    pub(crate) fn quoter(&self) -> Quoter<'_> {
        Quoter { rules: &self.rules, settings: &self.policy.settings.quotes }
    }

    /// The quote for a new member joining `plan` on `date`, buying `terms` terms (and, for
    /// organisational plans, `seats` seats; default the included ones).
    ///
    /// ```
    /// use time::macros::date;
    /// let engine = amscore::Engine::from_json(r#"{"version": 1, "plans": [{
    ///     "id": "chapter", "name": "Chapter",
    ///     "term": {"kind": "calendar", "period": "year", "anchor": "01-01"},
    ///     "prices": {"currency": "USD", "dues": "120.00"},
    ///     "proration": {"granularity": "month"}}]}"#)?;
    /// let q = engine.quote_join(&"chapter".into(), date!(2025-06-10), 1, None)?;
    /// assert_eq!(q.total.to_string(), "70.00 USD"); // June..December: 7 of 12 months
    /// # Ok::<(), amscore::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`crate::LifecycleError::UnknownPlan`], [`crate::RenewalError::InvalidTermCount`], seat
    /// limits ([`crate::QuoteError::SeatsBelowMinimum`], [`crate::QuoteError::SeatsAboveMaximum`],
    /// [`crate::QuoteError::NoSeats`]), a date out of range, or an overflow.
    pub fn quote_join(&self, plan: &PlanId, date: Date, terms: u32, seats: Option<u32>) -> Result<Quote, Error> {
        self.quoter().quote_join(plan, date, terms, seats)
    }

    /// [`Engine::quote_join`] for a new member who is exempt from tax (`tax_exempt`), or not:
    /// an exempt member's quote has zero tax lines, and a tax-inclusive price is charged without
    /// its tax.
    ///
    /// ```
    /// use time::macros::date;
    /// let engine = amscore::Engine::from_json(r#"{"version": 1, "preset": "amscore", "plans": [{
    ///     "id": "individual", "name": "Individual",
    ///     "term": {"kind": "rolling", "length": {"count": 1, "unit": "year"}},
    ///     "prices": {"currency": "EUR", "dues": "120.00"},
    ///     "tax": {"components": [{"name": "VAT", "percent": "20"}], "prices": "inclusive"}}]}"#)?;
    /// let q = engine.quote_join_exempt(&"individual".into(), date!(2025-06-10), 1, None, true)?;
    /// assert_eq!(q.total.to_string(), "100.00 EUR");
    /// assert_eq!(q.tax()?.to_string(), "0.00 EUR");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// As [`Engine::quote_join`].
    pub fn quote_join_exempt(
        &self,
        plan: &PlanId,
        date: Date,
        terms: u32,
        seats: Option<u32>,
        tax_exempt: bool,
    ) -> Result<Quote, Error> {
        self.quote_join_with(plan, date, &crate::JoinOptions { terms, seats, tax_exempt, ..Default::default() })
    }

    /// The quote for a join with staff-entered dates ([`crate::JoinDates`]): the term as given,
    /// its dues prorated from `date` to the term's end over the plan's regular span (by the
    /// plan's change rule: `none` counts the plan's days), taxed unless `tax_exempt`. Without
    /// dates, [`Engine::quote_join_exempt`].
    ///
    /// ```
    /// use time::macros::date;
    /// let engine = amscore::Engine::from_preset("amscore")?;
    /// let dates = amscore::JoinDates { start: None, end: Some(date!(2025-12-31)) };
    /// let q = engine.quote_join_dated(&"individual".into(), date!(2025-03-01), 1, None, dates, false)?;
    /// assert_eq!(q.term.and_then(|t| t.end), Some(date!(2025-12-31)));
    /// assert_eq!(q.lines[0].proration.map(|f| (f.units, f.of)), Some((306, 365)));
    /// # Ok::<(), amscore::Error>(())
    /// ```
    ///
    /// # Errors
    /// Those of [`Engine::quote_join`] and of [`Engine::join_term_dated`].
    pub fn quote_join_dated(
        &self,
        plan: &PlanId,
        date: Date,
        terms: u32,
        seats: Option<u32>,
        dates: crate::JoinDates,
        tax_exempt: bool,
    ) -> Result<Quote, Error> {
        self.quote_join_with(plan, date, &crate::JoinOptions { terms, seats, tax_exempt, dates, ..Default::default() })
    }

    /// The quote for a join with every option a join takes ([`crate::JoinOptions`]): terms,
    /// seats, a household's dependants, the member's tax exemption and staff-entered term
    /// dates. The other `quote_join*` methods are this one with some options left at their
    /// defaults; the gateway's `quote_join` and Python's `Engine.quote_join` call it.
    ///
    /// ```
    /// use time::macros::date;
    /// let engine = amscore::Engine::from_preset("amscore")?;
    /// let options = amscore::JoinOptions { terms: 2, ..amscore::JoinOptions::default() };
    /// let q = engine.quote_join_with(&"individual".into(), date!(2025-03-01), &options)?;
    /// assert_eq!(q.term.and_then(|t| t.end), Some(date!(2027-02-28)));
    /// # Ok::<(), amscore::Error>(())
    /// ```
    ///
    /// # Errors
    /// Those of [`Engine::quote_join`], [`Engine::join_term_dated`] and
    /// [`Engine::quote_join_household`].
    pub fn quote_join_with(&self, plan: &PlanId, date: Date, options: &crate::JoinOptions) -> Result<Quote, Error> {
        self.quoter().quote_join_with(plan, date, options)
    }

    /// The quote for changing a membership to another plan on `date`: an upgrade now (credit
    /// for the unused part of what was paid, charge for the rest of the term on the new plan) or
    /// a downgrade (scheduled at the term's end, or now, per policy).
    ///
    /// ```
    /// use time::macros::date;
    /// let engine = amscore::Engine::from_json(r#"{"version": 1, "plans": [
    ///   {"id": "basic", "name": "Basic", "term": {"kind": "calendar", "period": "year"},
    ///    "prices": {"currency": "USD", "dues": "120.00"}, "proration": {"granularity": "month"}},
    ///   {"id": "plus", "name": "Plus", "term": {"kind": "calendar", "period": "year"},
    ///    "prices": {"currency": "USD", "dues": "240.00"}, "proration": {"granularity": "month"}}]}"#)?;
    /// let m = amscore::Membership {
    ///     member_id: "M-1".into(), plan: "basic".into(), member_since: date!(2025-01-01),
    ///     term: amscore::Term::new(date!(2025-01-01), Some(date!(2025-12-31)))?,
    ///     pending: false, cancelled_on: None, status_override: None, deceased_on: None,
    ///     tax_exempt: false, pause: None, renewal_pending: false,
    /// };
    /// let paid = amscore::Money::parse("120.00", amscore::Currency::USD)?;
    /// let change = amscore::PlanChange { membership: m, plan: "plus".into(), date: date!(2025-07-01),
    ///     amount_paid: paid, credits_applied: None, seats: None };
    /// let q = engine.quote_change_plan(&change)?;
    /// // credit 6/12 of 120.00, charge 6/12 of 240.00
    /// assert_eq!(q.lines.iter().map(|l| l.amount.to_string()).collect::<Vec<_>>(), ["-60.00 USD", "120.00 USD"]);
    /// assert_eq!(q.total.to_string(), "60.00 USD");
    /// # Ok::<(), amscore::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`crate::QuoteError::SamePlan`], [`crate::QuoteError::CurrencyMismatch`], [`crate::QuoteError::LifetimeTerm`],
    /// [`crate::QuoteError::DateOutsideTerm`], payment errors ([`crate::QuoteError::PaymentCurrency`],
    /// [`crate::QuoteError::NegativeAmount`], [`crate::QuoteError::CreditsExceedPaid`]), seat limits, an
    /// unknown plan or inconsistent facts.
    pub fn quote_change_plan(&self, change: &PlanChange) -> Result<Quote, Error> {
        self.quoter().quote_change_plan(change)
    }

    /// The quote for changing the seat count of an organisational membership on `date`: the
    /// difference in seat price for the rest of the term, prorated like a plan change.
    ///
    /// ```
    /// use time::macros::date;
    /// let engine = amscore::Engine::from_preset("amscore")?;
    /// let m = amscore::Membership {
    ///     member_id: "ORG-1".into(), plan: "corporate".into(), member_since: date!(2025-01-01),
    ///     term: amscore::Term::new(date!(2025-01-01), Some(date!(2025-12-31)))?,
    ///     pending: false, cancelled_on: None, status_override: None, deceased_on: None,
    ///     tax_exempt: false, pause: None, renewal_pending: false,
    /// };
    /// let change = amscore::SeatChange { membership: m, date: date!(2025-01-01), seats_from: 10,
    ///     seats_to: 12, amount_paid: None, credits_applied: None };
    /// assert_eq!(engine.quote_change_seats(&change)?.total.to_string(), "300.00 USD");
    /// # Ok::<(), amscore::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`crate::QuoteError::NoSeats`], [`crate::QuoteError::SeatsBelowMinimum`], [`crate::QuoteError::SeatsAboveMaximum`],
    /// [`crate::QuoteError::SeatsUnchanged`], [`crate::QuoteError::LifetimeTerm`], [`crate::QuoteError::DateOutsideTerm`],
    /// payment errors, an unknown plan or inconsistent facts.
    pub fn quote_change_seats(&self, change: &SeatChange) -> Result<Quote, Error> {
        self.quoter().quote_change_seats(change)
    }

    /// The quote for cancelling a membership on `date`: a refund of the unused part of what was
    /// paid per the policy's refund rule, minus the plan's cancellation fee, never below zero.
    ///
    /// ```
    /// use time::macros::date;
    /// let engine = amscore::Engine::from_json(r#"{"version": 1,
    ///   "settings": {"quotes": {"refund": "prorated_by_month"}},
    ///   "plans": [{"id": "m", "name": "Member", "term": {"kind": "rolling", "length": {"count": 12, "unit": "month"}},
    ///              "prices": {"currency": "USD", "dues": "120.00"}}]}"#)?;
    /// let m = amscore::Membership {
    ///     member_id: "M-1".into(), plan: "m".into(), member_since: date!(2025-01-01),
    ///     term: amscore::Term::new(date!(2025-01-01), Some(date!(2025-12-31)))?,
    ///     pending: false, cancelled_on: None, status_override: None, deceased_on: None,
    ///     tax_exempt: false, pause: None, renewal_pending: false,
    /// };
    /// let paid = amscore::Money::parse("120.00", amscore::Currency::USD)?;
    /// let c = amscore::Cancellation { membership: m, date: date!(2025-03-01), amount_paid: paid, credits_applied: None };
    /// assert_eq!(engine.quote_cancel(&c)?.total.to_string(), "-100.00 USD"); // 10 unused months
    /// # Ok::<(), amscore::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`crate::QuoteError::NotCancellable`], [`crate::QuoteError::DateOutsideTerm`] (before the term starts),
    /// payment errors, an unknown plan or inconsistent facts.
    pub fn quote_cancel(&self, cancel: &Cancellation) -> Result<Quote, Error> {
        self.quoter().quote_cancel(cancel)
    }

    /// The quote for a membership's pause (`membership.pause`, inside the term): with the plan's
    /// `pause: extend` (the default), a zero line and the term extended by the paused days; with
    /// `pause: credit`, a credit for the paused days' share of what was paid (prorated by the
    /// plan's rule for changes, never more than is left of the payment).
    ///
    /// ```
    /// use time::macros::date;
    /// let engine = amscore::Engine::from_json(r#"{"version": 1,
    ///   "plans": [{"id": "m", "name": "Member", "term": {"kind": "rolling", "length": {"count": 1, "unit": "year"}},
    ///              "prices": {"currency": "USD", "dues": "365.00"}, "pause": "credit"}]}"#)?;
    /// let m = amscore::Membership {
    ///     member_id: "M-1".into(), plan: "m".into(), member_since: date!(2025-01-01),
    ///     term: amscore::Term::new(date!(2025-01-01), Some(date!(2025-12-31)))?,
    ///     pending: false, cancelled_on: None, status_override: None, deceased_on: None,
    ///     pause: Some(amscore::Pause { from: date!(2025-06-01), to: date!(2025-06-30) }),
    ///     tax_exempt: false, renewal_pending: false,
    /// };
    /// let paid = amscore::Money::parse("365.00", amscore::Currency::USD)?;
    /// let p = amscore::Pausing { membership: m, amount_paid: Some(paid), credits_applied: None };
    /// assert_eq!(engine.quote_pause(&p)?.total.to_string(), "-30.00 USD"); // 30 of 365 days
    /// # Ok::<(), amscore::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`crate::QuoteError::NoPause`], [`crate::QuoteError::PauseCreditNeedsPayment`], payment
    /// errors, an unknown plan or inconsistent facts (a pause outside the term, on a lifetime
    /// plan, or ending before it starts).
    pub fn quote_pause(&self, pausing: &crate::quote::Pausing) -> Result<Quote, Error> {
        self.quoter().quote_pause(pausing)
    }

    /// Splits a total into `count` instalments that sum to it exactly; the remainder cents go
    /// where `settings.quotes.instalment_remainder` says (default one each to the first parts, so
    /// that parts differ by at most one minor unit).
    ///
    /// ```
    /// let engine = amscore::Engine::from_preset("amscore")?;
    /// let total = amscore::Money::parse("100.00", amscore::Currency::USD)?;
    /// let parts = engine.split_instalments(&total, 3)?;
    /// assert_eq!(parts.iter().map(|p| p.to_string()).collect::<Vec<_>>(), ["33.34 USD", "33.33 USD", "33.33 USD"]);
    /// # Ok::<(), amscore::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`crate::QuoteError::ZeroParts`], [`crate::QuoteError::TooManyParts`], [`crate::QuoteError::NegativeAmount`],
    /// [`crate::MoneyError::TooPrecise`] for a total finer than the currency's minor unit,
    /// [`crate::MoneyError::InvalidAmount`] for one above [`crate::Money::max_amount`].
    pub fn split_instalments(&self, total: &Money, count: u32) -> Result<Vec<Money>, Error> {
        self.quoter().split_instalments(total, count)
    }

    /// Splits a taxed total (`total` the gross, `tax` its tax) into `count` instalments, each
    /// with its net and tax, by the policy's `settings.quotes.instalment_remainder`
    /// ([`crate::split_taxed`]).
    ///
    /// ```
    /// let engine = amscore::Engine::from_preset("amscore")?;
    /// let usd = |s| amscore::Money::parse(s, amscore::Currency::USD);
    /// let parts = engine.split_taxed_instalments(&usd("105.00")?, &usd("5.00")?, 2)?;
    /// assert_eq!(parts[0].net.to_string(), "50.00 USD");
    /// assert_eq!(parts[1].tax.to_string(), "2.50 USD");
    /// # Ok::<(), amscore::Error>(())
    /// ```
    ///
    /// # Errors
    /// Those of [`Engine::split_instalments`], and [`crate::QuoteError::TaxOutsideTotal`].
    pub fn split_taxed_instalments(
        &self,
        total: &Money,
        tax: &Money,
        count: u32,
    ) -> Result<Vec<crate::quote::Instalment>, Error> {
        self.quoter().split_taxed_instalments(total, tax, count)
    }

    /// The quote for renewing a membership on `date` for `terms` terms: a renewal, a
    /// reinstatement (with its fee) or, past the reinstatement window, a rejoin (a join quote).
    ///
    /// ```
    /// use time::macros::date;
    /// let engine = amscore::Engine::from_preset("amscore")?;
    /// let m = amscore::Membership {
    ///     member_id: "M-1".into(), plan: "individual".into(), member_since: date!(2020-01-15),
    ///     term: amscore::Term::new(date!(2025-01-15), Some(date!(2026-01-14)))?,
    ///     pending: false, cancelled_on: None, status_override: None, deceased_on: None,
    ///     tax_exempt: false, pause: None, renewal_pending: false,
    /// };
    /// let q = engine.quote_renewal(&m, date!(2026-01-20), 1, None)?; // in grace: late fee
    /// assert_eq!(q.total.to_string(), "210.00 USD");
    /// # Ok::<(), amscore::Error>(())
    /// ```
    ///
    /// # Errors
    /// The errors of [`Engine::renewal_term`] (window not open, lifetime plan, not renewable,
    /// term count), seat limits, or an overflow.
    pub fn quote_renewal(
        &self,
        membership: &Membership,
        date: Date,
        terms: u32,
        seats: Option<u32>,
    ) -> Result<Quote, Error> {
        self.quoter().quote_renewal_given_status(membership, date, terms, seats, None)
    }

    /// [`Engine::quote_join`] for a household plan's primary with `dependants` dependants: the
    /// dependants beyond the included ones are a `dependants` line (docs/households.md).
    ///
    /// # Errors
    /// Those of [`Engine::quote_join`], dependants on a plan without a household or above its
    /// maximum.
    pub fn quote_join_household(
        &self,
        plan: &PlanId,
        date: Date,
        terms: u32,
        seats: Option<u32>,
        dependants: Option<u32>,
    ) -> Result<Quote, Error> {
        self.quote_join_with(plan, date, &crate::JoinOptions { terms, seats, dependants, ..Default::default() })
    }

    /// [`Engine::quote_renewal`] for a household plan's primary holding `dependants` dependants.
    ///
    /// # Errors
    /// Those of [`Engine::quote_renewal`], dependants on a plan without a household or above
    /// its maximum.
    pub fn quote_renewal_household(
        &self,
        membership: &Membership,
        date: Date,
        terms: u32,
        seats: Option<u32>,
        dependants: Option<u32>,
    ) -> Result<Quote, Error> {
        self.quoter().quote_renewal_household(membership, date, terms, seats, dependants, None)
    }
}

/// The self-service decision: asks the `Decider` with the policy's `self_service` section.
impl Engine {
    pub(crate) fn decider(&self) -> Decider<'_> {
        Decider { rules: &self.rules, quoter: self.quoter(), self_service: &self.policy.self_service }
    }

    /// Decides one self-service request: the route, every reason that applies (in a stable
    /// order), the next date it would become self-service, and for a self-service membership
    /// request its quote.
    ///
    /// ```
    /// use serde_json::json;
    /// let engine = amscore::Engine::from_preset("amscore")?;
    /// let request = amscore::parse_self_service_request(json!({
    ///     "at": "2025-03-10T12:00", "action": {"kind": "join", "plan": "individual"}}))?;
    /// let d = engine.decide(&request)?;
    /// assert!(d.is_self_service());
    /// assert_eq!(d.quote.map(|q| q.total.to_string()), Some("225.00 USD".into()));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// A [`crate::DecisionError`] for a request that cannot be decided (missing or contradictory facts,
    /// unknown plan or product, negative quantity), or the engine's error for facts it refuses.
    pub fn decide(&self, request: &SelfServiceRequest) -> Result<Decision, Error> {
        self.decider().decide(request)
    }

    /// Assesses a member on `date`: the status, the renewal of `terms` terms (or why it is
    /// refused), the renewal quote's total and, with `decide`, the online decision on renewing
    /// that day. The one per-member answer of the main job, the batch and the C API.
    ///
    /// ```
    /// use time::macros::date;
    /// let engine = amscore::Engine::from_preset("amscore")?;
    /// let m: amscore::Membership = serde_json::from_str(r#"{"member_id": "M-1", "plan": "individual",
    ///     "member_since": "2020-01-15", "term": {"start": "2025-01-15", "end": "2026-01-14"}}"#)?;
    /// let a = engine.assess(&m, date!(2025-06-01), 1, true)?;
    /// assert_eq!(a.status.status, amscore::Status::Active);
    /// assert_eq!(a.refused_until(), Some(date!(2025-10-16)));
    /// assert_eq!(a.quote_total.map_err(|e| e.to_string()), Err("renewal not open until 2025-10-16".into()));
    /// let decision = a.decision.expect("asked for")?;
    /// assert_eq!(decision.reasons[0].code.as_str(), "renewal_window_not_open");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// The errors of [`Engine::status_on`]: facts that have no status are the member's error.
    pub fn assess(&self, membership: &Membership, date: Date, terms: u32, decide: bool) -> Result<Assessment, Error> {
        self.decider().assess(membership, date, terms, decide)
    }

    /// Assesses every member of a roster given as columns, in one chunk or several (an Arrow
    /// table's record batches; a member's rows may be in different chunks), on every core: one
    /// [`Answer`](crate::kernel::Answer) per row, in input order (the chunks' rows one after
    /// the other), each what [`Engine::assess`] gives that row's member (see [`crate::kernel`]).
    ///
    /// ```
    /// use amscore::kernel::{Dates, MemberColumns, RosterOptions, Strings, Text};
    /// use time::macros::date;
    /// let engine = amscore::Engine::from_preset("amscore")?;
    /// let text = |offsets: &'static [i32], data: &'static [u8]| Text::Plain { values: Strings::Utf8 { offsets, data }, valid: None };
    /// let days = |days: &'static [i32]| Dates::Days { days, valid: None };
    /// let roster = MemberColumns {
    ///     rows: 2,
    ///     member_id: text(&[0, 3, 6], b"M-1M-2"),
    ///     plan: text(&[0, 10, 19], b"individualplatinum!"),
    ///     member_since: days(&[18_276, 18_276]), // 2020-01-15
    ///     term_start: days(&[20_103, 20_103]),   // 2025-01-15
    ///     term_end: days(&[20_467, 20_467]),     // 2026-01-14
    ///     ..MemberColumns::default()
    /// };
    /// let options = RosterOptions { date: date!(2026-01-20), terms: 1, decide: false, threads: 1 };
    /// let out = engine.assess_roster(&[roster], &options)?;
    /// assert_eq!(out.answers[0].status, Some(amscore::Status::Grace));
    /// assert_eq!(out.answers[0].quote_total, Some(21_000)); // 210.00 USD
    /// assert_eq!(out.answers[1].status, None);
    /// assert_eq!(out.messages[0].message, "plan: unknown plan `platinum!`");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// Only for the roster as a whole ([`RosterError`](crate::RosterError)): a missing required
    /// column, a column of the wrong length, a thread pool that cannot start. A row's problems
    /// are its answer's error and message.
    pub fn assess_roster(
        &self,
        chunks: &[crate::kernel::MemberColumns<'_>],
        options: &crate::kernel::RosterOptions,
    ) -> Result<crate::kernel::RosterAnswers, crate::RosterError> {
        self.decider().assess_roster(chunks, options)
    }

    /// [`Engine::assess_roster`], each chunk's answers written into `sink` as they are found
    /// (from any thread, in any order; a row answered again later takes its last answer: see
    /// [`AnswerSink`](crate::kernel::AnswerSink)) instead of kept for the whole roster; the rows'
    /// messages and decision reasons are returned.
    ///
    /// ```
    /// use amscore::kernel::{Answer, AnswerSink, Dates, MemberColumns, RosterOptions, Strings, Text};
    /// use std::sync::Mutex;
    /// use time::macros::date;
    /// /// Only the statuses, by row.
    /// struct Statuses(Mutex<Vec<Option<amscore::Status>>>);
    /// impl AnswerSink for Statuses {
    ///     fn put(&self, first: usize, answers: &[Answer]) {
    ///         let mut all = self.0.lock().unwrap();
    ///         for (row, a) in (first..).zip(answers) {
    ///             all[row] = a.status;
    ///         }
    ///     }
    /// }
    /// let engine = amscore::Engine::from_preset("amscore")?;
    /// let text = |offsets: &'static [i32], data: &'static [u8]| Text::Plain { values: Strings::Utf8 { offsets, data }, valid: None };
    /// let days = |days: &'static [i32]| Dates::Days { days, valid: None };
    /// let roster = MemberColumns {
    ///     rows: 2,
    ///     member_id: text(&[0, 3, 6], b"M-1M-2"),
    ///     plan: text(&[0, 10, 19], b"individualplatinum!"),
    ///     member_since: days(&[18_276, 18_276]), // 2020-01-15
    ///     term_start: days(&[20_103, 20_103]),   // 2025-01-15
    ///     term_end: days(&[20_467, 20_467]),     // 2026-01-14
    ///     ..MemberColumns::default()
    /// };
    /// let options = RosterOptions { date: date!(2026-01-20), terms: 1, decide: false, threads: 0 };
    /// let sink = Statuses(Mutex::new(vec![None; 2]));
    /// let notes = engine.assess_roster_into(&[roster], &options, &sink)?;
    /// assert_eq!(*sink.0.lock().unwrap(), [Some(amscore::Status::Grace), None]);
    /// assert_eq!(notes.messages[0].message, "plan: unknown plan `platinum!`");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// As [`Engine::assess_roster`].
    pub fn assess_roster_into(
        &self,
        chunks: &[crate::kernel::MemberColumns<'_>],
        options: &crate::kernel::RosterOptions,
        sink: &dyn crate::kernel::AnswerSink,
    ) -> Result<crate::kernel::RosterNotes, crate::RosterError> {
        self.decider().assess_roster_into(chunks, options, sink)
    }

    /// The join quote of every row of a table of prospective members (`plan`, `join_date`, and
    /// optionally `terms` and `seats`), on `threads` threads (1 on this one, 0 on every core):
    /// each row's total and first term as [`Engine::quote_join`] gives them, in input order, a
    /// row that cannot be quoted with its error and message; with `lines`, each quote too.
    ///
    /// ```
    /// use amscore::kernel::{Dates, JoinColumns, Strings, Text};
    /// let engine = amscore::Engine::from_preset("amscore")?;
    /// let table = JoinColumns {
    ///     rows: 2,
    ///     plan: Text::Plain { values: Strings::Utf8 { offsets: &[0, 10, 14], data: b"individualgold" }, valid: None },
    ///     join_date: Dates::Days { days: &[20_157, 20_157], valid: None }, // 2025-03-10
    ///     ..JoinColumns::default()
    /// };
    /// let out = engine.quote_join_roster(&[table], 0, false)?;
    /// assert_eq!(out.answers[0].total, Some(22_500)); // 200.00 dues + 25.00 join fee
    /// assert_eq!(out.messages[0].message, "plan: unknown plan `gold`");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// Only for the table as a whole: a missing `plan` or `join_date` column, a column of the
    /// wrong length, a thread pool that cannot start.
    pub fn quote_join_roster(
        &self,
        chunks: &[crate::kernel::JoinColumns<'_>],
        threads: usize,
        lines: bool,
    ) -> Result<crate::kernel::JoinAnswers, crate::RosterError> {
        self.quoter().quote_join_roster(chunks, threads, lines)
    }

    /// Every member's renewal quote on `options.date` with its lines, for a roster given as
    /// columns ([`Engine::assess_roster`]'s): each member once, on the row their current facts
    /// come from, in row order (a quote's breakdown, where the kernel gives only the total).
    /// Rows with problems have none; a refused renewal's quote is its refusal.
    ///
    /// # Errors
    /// As [`Engine::assess_roster`].
    pub fn quote_roster_renewals(
        &self,
        chunks: &[crate::kernel::MemberColumns<'_>],
        options: &crate::kernel::RosterOptions,
    ) -> Result<Vec<crate::kernel::RowQuote>, crate::RosterError> {
        self.decider().quote_roster_renewals(chunks, options)
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
                proptest::prop_assert!(std::ptr::eq(plan, &engine.rules().plans()[i]));
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
