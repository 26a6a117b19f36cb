//! The rule book: a policy's core rules compiled for answering (the plans by id, the status
//! table, the date, renewal and rounding conventions), and the questions every part asks of them:
//! a plan, a join term, a status, and whether (and how) a membership renews on a date.

use time::Date;

use crate::codes::ErrorCode;
use crate::error::Error;
use crate::lifecycle_error::LifecycleError;
use crate::money::Rounding;
use crate::period::{add_days, DateRules, RejoinSince};
use crate::plan::{Plan, PlanId};
use crate::renewal::{
    renewal_kind, LifetimeRenewal, ReinstatementStart, RenewalError, RenewalRules, RenewalTerm, ShortExtension,
};
use crate::status::{
    self, Facts, MemberStatus, Membership, RenewalKind, Standing, Status, StatusBeforeJoin, StatusFlags, StatusRule,
};
use crate::term::{JoinDates, JoinTerm, Term, TermRule};

/// A policy's core rules, compiled: what quotes, decisions and the success analytics ask.
///
/// An [`Engine`](crate::Engine) holds one ([`Engine::rules`](crate::Engine::rules)); each of its
/// questions is answered here once, whoever asks.
///
/// ```
/// use time::macros::date;
/// let engine = amscore::Engine::from_preset("amscore")?;
/// let rules = engine.rules();
/// assert_eq!(rules.plan_by_id("retired")?.name, "Retired");
/// let join = rules.join_terms(&"individual".into(), date!(2025-01-15), 1)?;
/// assert_eq!(join.term.end, Some(date!(2026-01-14)));
/// # Ok::<(), amscore::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Rulebook {
    plans: Vec<Plan>,
    /// The plans' index by id ([`PlanIndex`]).
    index: PlanIndex,
    /// The plans' names, shared by the quote lines that name them (a clone allocates nothing).
    names: Vec<std::sync::Arc<str>>,
    /// Each plan's renew-to plan, by position in `plans` (`None`: no renew-to plan), so that a
    /// progression's next plan is not looked up by id on every renewal.
    renew_to: Vec<Option<usize>>,
    status_rules: Vec<StatusRule>,
    dates: DateRules,
    renewals: RenewalRules,
    before_join: StatusBeforeJoin,
    rounding: Rounding,
}

/// Everything that stands in the way of renewing a membership on a date, and the renewal itself
/// when nothing does: the one answer behind [`Rulebook::renewal_term`] (which reports the first
/// obstacle) and the online decision (which reports every one).
///
/// Small and plain (no `String`, nothing to drop): the obstacles are held as a compact record
/// ([`Obstacles`]) and become [`RenewalError`]s only when one is reported.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RenewalCheck<'a> {
    /// The path renewing takes in the member's status; `None` when the status allows none
    /// (pending, cancelled, suspended, deceased).
    pub(crate) kind: Option<RenewalKind>,
    /// The plan of the new term: the renew-to plan, unless the path is a rejoin (which joins the
    /// member's own plan again).
    pub(crate) next_plan: &'a Plan,
    /// The current term's last day.
    pub(crate) end: Date,
    /// What stands in the way, in the order [`Rulebook::renewal_term`] reports them.
    pub(crate) obstacles: Obstacles<'a>,
    /// The renewal, when there is no obstacle.
    pub(crate) renewal: Option<RenewalPath<'a>>,
}

/// The obstacles to a renewal, held as a compact record: which were found (one bit each, in the
/// order [`Rulebook::renewal_term`] reports them: the status, the term count, the window, a
/// rejoin on a renewal-only plan, a back-date; or a lifetime term, or a plan with one expiry
/// date, alone) and the few dates and counts they name, the plan borrowed. Each is written as
/// its [`RenewalError`] only when it is reported ([`Obstacles::iter`]), so that checking a
/// renewal allocates, copies and drops nothing.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Obstacles<'a> {
    /// The obstacles found, one bit each ([`Obstacles::STATUS`] …).
    found: u8,
    /// The member's plan (named by a rejoin on a renewal-only plan and by a plan with one expiry
    /// date).
    plan: &'a Plan,
    /// The status that allows no renewal.
    status: Status,
    /// The terms asked for (the term count, a back-date).
    terms: u32,
    /// The most terms the next plan sells at once.
    max: u32,
    /// The day the renewal window opens.
    opens_on: Date,
    /// The plan's one expiry date.
    expires: Date,
    /// The back-dated term that ends too early, and the renewal date it does not reach.
    backdate: (Date, Date, Date),
}

impl<'a> Obstacles<'a> {
    const STATUS: u8 = 1;
    const TERMS: u8 = 1 << 1;
    const WINDOW: u8 = 1 << 2;
    const REJOIN: u8 = 1 << 3;
    const BACKDATE: u8 = 1 << 4;
    const LIFETIME: u8 = 1 << 5;
    const ONE_EXPIRY: u8 = 1 << 6;

    /// None yet, on a membership of `plan`.
    fn none(plan: &'a Plan) -> Obstacles<'a> {
        Obstacles {
            found: 0,
            plan,
            status: Status::Active,
            terms: 0,
            max: 0,
            opens_on: Date::MIN,
            expires: Date::MIN,
            backdate: (Date::MIN, Date::MIN, Date::MIN),
        }
    }

    /// Records a status that allows no renewal.
    fn push_status(&mut self, status: Status) {
        self.status = status;
        self.found |= Self::STATUS;
    }

    /// Records a term count the next plan does not sell (it sells 1 to `max`).
    fn push_terms(&mut self, terms: u32, max: u32) {
        (self.terms, self.max) = (terms, max);
        self.found |= Self::TERMS;
    }

    /// Records a renewal window that opens on `opens_on`.
    fn push_window(&mut self, opens_on: Date) {
        self.opens_on = opens_on;
        self.found |= Self::WINDOW;
    }

    /// Records a rejoin on the (renewal-only) member's plan.
    fn push_rejoin(&mut self) {
        self.found |= Self::REJOIN;
    }

    /// Records a back-dated term `start..=end` of `terms` terms that ends before `date`.
    fn push_backdate(&mut self, start: Date, end: Date, date: Date, terms: u32) {
        self.backdate = (start, end, date);
        self.terms = terms;
        self.found |= Self::BACKDATE;
    }

    /// Records a lifetime term, which is not renewed.
    fn push_lifetime(&mut self) {
        self.found |= Self::LIFETIME;
    }

    /// Records the member's plan's one expiry date.
    fn push_one_expiry(&mut self, expires: Date) {
        self.expires = expires;
        self.found |= Self::ONE_EXPIRY;
    }

    /// Whether nothing stands in the way.
    pub(crate) fn is_empty(&self) -> bool {
        self.found == 0
    }

    /// The obstacle of one bit as its [`RenewalError`].
    fn error(&self, bit: u8) -> RenewalError {
        self.error_naming(bit, || self.plan.id.to_string())
    }

    /// The obstacle of one bit as its [`RenewalError`], a plan-naming one with `plan` as the id.
    #[inline]
    fn error_naming(&self, bit: u8, plan: impl FnOnce() -> String) -> RenewalError {
        match bit {
            Self::STATUS => RenewalError::NotRenewable { status: self.status },
            Self::TERMS => RenewalError::InvalidTermCount { terms: self.terms, max: self.max },
            Self::WINDOW => RenewalError::WindowNotOpen { opens_on: self.opens_on },
            Self::REJOIN => RenewalError::RejoinOnRenewalOnlyPlan { plan: plan() },
            Self::BACKDATE => {
                let (start, end, date) = self.backdate;
                RenewalError::BackdateTooShort { start, end, date, terms: self.terms }
            }
            Self::ONE_EXPIRY => RenewalError::OneExpiryDate { plan: plan(), expires: self.expires },
            _ => RenewalError::LifetimeNotRenewable,
        }
    }

    /// The obstacles, in order, each written as its [`RenewalError`].
    pub(crate) fn iter(&self) -> impl Iterator<Item = RenewalError> + '_ {
        // The bits found, lowest first (none: done at once).
        let mut left = self.found;
        std::iter::from_fn(move || {
            let bit = left & left.wrapping_neg();
            left &= !bit;
            (bit != 0).then(|| self.error(bit))
        })
    }

    /// The first obstacle, when there is one.
    fn first(&self) -> Option<RenewalError> {
        (!self.is_empty()).then(|| self.error(self.found & self.found.wrapping_neg()))
    }

    /// The first obstacle with no plan id written (an empty one: nothing allocated), for its
    /// code and its dates.
    #[inline]
    fn first_unnamed(&self) -> RenewalError {
        self.error_naming(self.found & self.found.wrapping_neg(), String::new)
    }
}

/// A renewal that nothing stands in the way of, borrowing its plan from the rule book: the
/// [`RenewalTerm`] the public API gives ([`RenewalPath::to_term`]) without copying the plan id.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RenewalPath<'a> {
    pub(crate) kind: RenewalKind,
    pub(crate) status_before: Status,
    /// The plan of the new term.
    pub(crate) plan: &'a Plan,
    pub(crate) term: Term,
    pub(crate) terms: u32,
    /// The member-since the renewal sets (a rejoin that resets it: the renewal date); `None`
    /// when it keeps the member's ([`RenewalPath::member_since`]). The path holds nothing of
    /// the member's own member-since, so that it is one answer for every member with the same
    /// plan, term and status ([`Renewals`]).
    pub(crate) new_member_since: Option<Date>,
}

impl RenewalPath<'_> {
    /// The member-since after the renewal of a member whose member-since is `kept`.
    #[inline]
    pub(crate) fn member_since(&self, kept: Date) -> Date {
        self.new_member_since.unwrap_or(kept)
    }

    /// The renewal as the public API gives it, for a member whose member-since is
    /// `member_since`.
    pub(crate) fn to_term(self, member_since: Date) -> RenewalTerm {
        RenewalTerm {
            kind: self.kind,
            status_before: self.status_before,
            plan: self.plan.id.clone(),
            term: self.term,
            terms: self.terms,
            member_since: self.member_since(member_since),
        }
    }
}

impl<'a> RenewalCheck<'a> {
    /// The renewal, or the first obstacle (read in place: the check is not copied, and the
    /// obstacle is not written as its [`RenewalError`] here).
    pub(crate) fn first(&self) -> Result<RenewalPath<'a>, Refusal<'a>> {
        match (self.renewal, self.obstacles.is_empty()) {
            (Some(renewal), true) => Ok(renewal),
            (_, false) => Err(Refusal::Obstacle(self.obstacles)),
            // Not reached: `renewal_check` leaves `renewal` empty only after recording an
            // obstacle (the status, the term count, the window, a rejoin on a renewal-only plan,
            // a back-date, or a lifetime term, which is the only way to have no term end). An
            // error rather than a panic, so that no input can ever panic here.
            (None, true) => Err(Refusal::Error(Box::new(RenewalError::LifetimeNotRenewable.into()))),
        }
    }
}

/// Why a renewal is refused, as the rule book finds it: the obstacles (the first of them is the
/// refusal), still as their compact record, so that a refusal only counted or coded (the roster
/// kernel) writes and allocates nothing; or an error (an unknown plan, a date out of range,
/// facts that cannot be renewed). [`Error::from`] gives it as the public API does.
#[derive(Debug, Clone)]
pub(crate) enum Refusal<'a> {
    /// What stands in the way (never empty): the first obstacle is the refusal.
    Obstacle(Obstacles<'a>),
    /// The renewal cannot be worked out (boxed: rare, and it keeps a refusal small).
    Error(Box<Error>),
}

impl Refusal<'_> {
    /// The refusal's [`RenewalError`] with no plan id written (for its code and its dates;
    /// the plan-naming variants name no plan), or the error.
    #[inline]
    pub(crate) fn unnamed(&self) -> Result<RenewalError, &Error> {
        match self {
            Refusal::Obstacle(o) => Ok(o.first_unnamed()),
            Refusal::Error(e) => Err(&**e),
        }
    }
}

/// What a renewal check reads ([`Rulebook::term_renewal`]) but the date and the term count
/// (one [`Renewals`] is for one of each), as the key of [`Renewals`]: the plan (the rule book's,
/// by address), the term, the end renewals continue from, and the status and what it allows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct RenewalKey {
    plan: usize,
    term: Term,
    end: Option<Date>,
    status: StatusFlags,
}

impl RenewalKey {
    #[inline]
    fn of(plan: &Plan, term: Term, end: Option<Date>, status: StatusFlags) -> RenewalKey {
        RenewalKey { plan: std::ptr::from_ref(plan) as usize, term, end, status }
    }

    /// The key's slot in a table of `mask + 1` slots (a power of two).
    #[inline]
    fn slot(&self, mask: usize) -> usize {
        // A date as its year and day of the year (what `Date` holds: no calendar arithmetic).
        let day = |d: Option<Date>| d.map_or(0, |d| u64::from(d.year().unsigned_abs()) << 9 | u64::from(d.ordinal()));
        let h = (day(Some(self.term.start)) << 32 | day(self.term.end))
            ^ day(self.end).rotate_left(17)
            ^ (self.plan as u64).rotate_left(40)
            ^ (self.status.status as u64) << 56;
        (h.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 40) as usize & mask
    }
}

/// Renewals already checked on one date for one term count, by [`RenewalKey`]: the roster
/// kernel's members on the same plan, with the same term and status, renew the same way (a
/// roster of a million members has some thousands of such keys), and each thread checks each
/// once. A table of slots (one cache line each), each keeping the last key that fell on it; a
/// renewal that cannot be worked out (an error) is not kept. An empty one
/// ([`Renewals::default`], a single call's) keeps nothing and allocates nothing.
#[derive(Debug, Default)]
pub(crate) struct Renewals<'a> {
    /// The date and the term count of the renewals kept.
    on: Option<(Date, u32)>,
    slots: Vec<Option<(RenewalKey, Result<RenewalPath<'a>, Obstacles<'a>>)>>,
}

impl<'a> Renewals<'a> {
    /// The slots of a kernel's table (a power of two): 1 MB.
    const SLOTS: usize = 16384;

    /// A table for the roster kernel's renewals on `date` for `terms` terms.
    pub(crate) fn new(date: Date, terms: u32) -> Renewals<'a> {
        Renewals { on: Some((date, terms)), slots: vec![None; Self::SLOTS] }
    }

    /// [`Renewals::new`] with `slots` slots (a power of two): a test's small table, whose keys
    /// share slots.
    #[cfg(test)]
    fn with_slots(date: Date, terms: u32, slots: usize) -> Renewals<'a> {
        Renewals { on: Some((date, terms)), slots: vec![None; slots] }
    }

    /// The renewal of `key` on `date` for `terms` terms: the one kept, or `check`'s (kept unless
    /// an error).
    #[inline]
    fn path(
        &mut self,
        key: RenewalKey,
        date: Date,
        terms: u32,
        check: impl FnOnce() -> Result<RenewalPath<'a>, Refusal<'a>>,
    ) -> Result<RenewalPath<'a>, Refusal<'a>> {
        if self.on != Some((date, terms)) {
            return check();
        }
        let i = key.slot(self.slots.len().wrapping_sub(1));
        let Some(slot) = self.slots.get_mut(i) else { return check() };
        if let Some((k, known)) = slot {
            if *k == key {
                return known.map_err(Refusal::Obstacle);
            }
        }
        let path = check();
        match &path {
            Ok(p) => *slot = Some((key, Ok(*p))),
            Err(Refusal::Obstacle(o)) => *slot = Some((key, Err(*o))),
            Err(Refusal::Error(_)) => {}
        }
        path
    }
}

impl From<Refusal<'_>> for Error {
    fn from(refusal: Refusal<'_>) -> Error {
        match refusal {
            Refusal::Obstacle(o) => o.first().unwrap_or(RenewalError::LifetimeNotRenewable).into(),
            Refusal::Error(e) => *e,
        }
    }
}

impl ErrorCode for Refusal<'_> {
    fn code(&self) -> u32 {
        self.unnamed().map_or_else(ErrorCode::code, |e| e.code())
    }

    fn name(&self) -> &'static str {
        self.unnamed().map_or_else(ErrorCode::name, |e| e.name())
    }
}

impl Rulebook {
    /// Compiles the core rules of a validated policy.
    pub(crate) fn new(
        plans: Vec<Plan>,
        status_rules: Vec<StatusRule>,
        dates: DateRules,
        renewals: RenewalRules,
        before_join: StatusBeforeJoin,
        rounding: Rounding,
    ) -> Rulebook {
        let index = PlanIndex::new(&plans);
        let names = plans.iter().map(|p| std::sync::Arc::from(p.name.as_str())).collect();
        let mut rules = Rulebook {
            plans,
            index,
            names,
            renew_to: Vec::new(),
            status_rules,
            dates,
            renewals,
            before_join,
            rounding,
        };
        rules.renew_to =
            rules.plans.iter().map(|p| p.renew_to.as_ref().and_then(|to| rules.plan_index(to.as_str()))).collect();
        rules
    }

    /// The plans, in the policy's order.
    pub fn plans(&self) -> &[Plan] {
        &self.plans
    }

    /// The ordered status table.
    pub fn status_rules(&self) -> &[StatusRule] {
        &self.status_rules
    }

    /// The date conventions (month ends, rolling ends, renewal ends).
    pub fn date_rules(&self) -> DateRules {
        self.dates
    }

    /// Where a lapsed member's reinstatement term starts.
    pub fn reinstatement(&self) -> ReinstatementStart {
        self.renewals.reinstatement
    }

    /// The renewal conventions (reinstatement, lifetime renewals, short extensions).
    pub fn renewal_rules(&self) -> RenewalRules {
        self.renewals
    }

    /// What the status is on a date before the member joined.
    pub fn status_before_join(&self) -> StatusBeforeJoin {
        self.before_join
    }

    /// How amounts are rounded to the currency's minor unit.
    pub fn rounding(&self) -> Rounding {
        self.rounding
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
    /// # Errors
    /// [`LifecycleError::UnknownPlan`].
    pub fn plan_by_id(&self, id: &str) -> Result<&Plan, LifecycleError> {
        match self.plan_index(id).and_then(|i| self.plans.get(i)) {
            Some(plan) => Ok(plan),
            None => Err(unknown_plan(id)),
        }
    }

    /// A plan's position in [`Rulebook::plans`], by id.
    #[inline]
    pub fn plan_index(&self, id: &str) -> Option<usize> {
        self.index.get(&self.plans, id)
    }

    /// A membership's plan, with the membership checked against it (its own facts, and a term
    /// end that agrees with the plan's kind).
    ///
    /// # Errors
    /// [`LifecycleError::UnknownPlan`] and the errors of [`Membership::check`] and
    /// [`Membership::check_plan`].
    pub fn plan_of(&self, membership: &Membership) -> Result<&Plan, LifecycleError> {
        let plan = self.plan(&membership.plan)?;
        membership.check()?;
        membership.check_plan(plan)?;
        Ok(plan)
    }

    /// The position of a plan of this rule book in [`Rulebook::plans`] (`None` for a plan of
    /// another rule book).
    pub fn index_of(&self, plan: &Plan) -> Option<usize> {
        // The plans lie in one slice: a plan of it is found from its address, with no search.
        let offset = (plan as *const Plan as usize).wrapping_sub(self.plans.as_ptr() as usize);
        let i = offset / std::mem::size_of::<Plan>();
        self.plans.get(i).filter(|p| std::ptr::eq(*p, plan)).map(|_| i)
    }

    /// A plan's renew-to plan (the plan of its renewals), when it has one.
    ///
    /// # Errors
    /// [`LifecycleError::UnknownPlan`] for a renew-to plan this rule book does not have.
    fn renew_to_of(&self, plan: &Plan) -> Result<Option<&Plan>, LifecycleError> {
        let Some(to) = &plan.renew_to else {
            return Ok(None);
        };
        match self.index_of(plan).and_then(|i| self.renew_to[i]) {
            Some(j) => Ok(Some(&self.plans[j])),
            None => self.plan(to).map(Some),
        }
    }

    /// A plan's name, shared (for a plan of another rule book, a copy).
    pub(crate) fn name_of(&self, plan: &Plan) -> std::sync::Arc<str> {
        match self.index_of(plan).and_then(|i| self.names.get(i)) {
            Some(name) => name.clone(),
            None => std::sync::Arc::from(plan.name.as_str()),
        }
    }

    /// The first term of a member joining a plan on a date, buying `terms` terms at once.
    ///
    /// # Errors
    /// [`LifecycleError::UnknownPlan`], [`RenewalError::InvalidTermCount`], or a date out of range.
    pub fn join_terms(&self, plan: &PlanId, join_date: Date, terms: u32) -> Result<JoinTerm, Error> {
        self.first_term(self.plan(plan)?, join_date, terms)
    }

    /// [`Rulebook::join_terms`] on a plan already looked up.
    pub(crate) fn first_term(&self, plan: &Plan, join_date: Date, terms: u32) -> Result<JoinTerm, Error> {
        check_terms(plan, terms)?;
        if let TermRule::FixedDate { expires } = plan.term {
            if join_date > expires {
                return Err(LifecycleError::JoinAfterPlanExpiry {
                    plan: plan.id.to_string(),
                    expires,
                    date: join_date,
                }
                .into());
            }
        }
        Ok(plan.term.first_term(join_date, terms, self.dates)?)
    }

    /// The first term of a member joining a plan on a date with staff-entered dates: an explicit
    /// start kept as given (on or before the join date) while the end follows the plan's period
    /// from it, and an explicit end (on or after the join date, at most the end of the terms
    /// bought). Without dates, [`Rulebook::join_terms`].
    ///
    /// ```
    /// use amscore::JoinDates;
    /// use time::macros::date;
    /// let engine = amscore::Engine::from_preset("amscore")?;
    /// let rules = engine.rules();
    /// let dates = JoinDates { start: Some(date!(2025-01-10)), end: None };
    /// let j = rules.join_terms_dated(&"individual".into(), date!(2025-02-01), 1, dates)?;
    /// assert_eq!((j.member_since, j.term.start, j.term.end), (date!(2025-02-01), date!(2025-01-10), Some(date!(2026-01-09))));
    /// # Ok::<(), amscore::Error>(())
    /// ```
    ///
    /// # Errors
    /// Those of [`Rulebook::join_terms`], and [`LifecycleError::JoinStartAfterDate`],
    /// [`LifecycleError::JoinEndBeforeStart`], [`LifecycleError::JoinEndBeforeDate`],
    /// [`LifecycleError::JoinEndAfterTerms`], [`LifecycleError::JoinEndOnLifetimePlan`].
    pub fn join_terms_dated(
        &self,
        plan: &PlanId,
        join_date: Date,
        terms: u32,
        dates: JoinDates,
    ) -> Result<JoinTerm, Error> {
        Ok(self.first_term_dated(self.plan(plan)?, join_date, terms, dates)?.0)
    }

    /// [`Rulebook::join_terms_dated`] on a plan already looked up; also the plan's regular span
    /// for the terms bought (from the start of the period holding the term's start to the end the
    /// plan gives), which a dated join is prorated against.
    pub(crate) fn first_term_dated(
        &self,
        plan: &Plan,
        join_date: Date,
        terms: u32,
        dates: JoinDates,
    ) -> Result<(JoinTerm, Term), Error> {
        let base = self.first_term(plan, dates.start.unwrap_or(join_date), terms)?;
        if dates.is_empty() {
            return Ok((base, base.term));
        }
        let start = dates.start.unwrap_or(base.term.start);
        if start > join_date {
            return Err(LifecycleError::JoinStartAfterDate { start, date: join_date }.into());
        }
        let end = match (dates.end, base.term.end) {
            (Some(_), None) => return Err(LifecycleError::JoinEndOnLifetimePlan { plan: plan.id.to_string() }.into()),
            (Some(end), Some(latest)) => {
                if end < start {
                    return Err(LifecycleError::JoinEndBeforeStart { end, start }.into());
                }
                if end < join_date {
                    return Err(LifecycleError::JoinEndBeforeDate { end, date: join_date }.into());
                }
                if end > latest {
                    return Err(LifecycleError::JoinEndAfterTerms { end, latest }.into());
                }
                Some(end)
            }
            (None, end) => end,
        };
        let jt = JoinTerm {
            member_since: join_date,
            term: Term { start, end },
            rolled_over: base.rolled_over && dates.end.is_none(),
        };
        let regular =
            Term { start: plan.term.period_start(start, self.dates)?.min(base.term.start), end: base.term.end };
        Ok((jt, regular))
    }

    /// The status of a membership on a date.
    ///
    /// # Errors
    /// [`LifecycleError`]: an unknown plan, inconsistent facts, a term end that disagrees with
    /// the plan, a date before the member joined.
    pub fn status_on(&self, membership: &Membership, date: Date) -> Result<MemberStatus, LifecycleError> {
        let plan = self.plan(&membership.plan)?;
        Ok(self.standing_on(plan, &membership.facts(), date)?.to_member_status())
    }

    /// [`Rulebook::status_on`] for facts on a plan already looked up, with the label borrowed
    /// from the rule (nothing allocated): the one status computation every caller reaches.
    pub(crate) fn standing_on(&self, plan: &Plan, facts: &Facts, date: Date) -> Result<Standing<'_>, LifecycleError> {
        status::status_on(facts, plan, &self.status_rules, date, self.dates, self.before_join)
    }

    /// The last day a lapsed member of `plan` whose term ended on `term_end` may reinstate.
    ///
    /// # Errors
    /// A date out of range.
    pub(crate) fn reinstatement_end(&self, plan: &Plan, term_end: Date) -> Result<Date, Error> {
        Ok(status::reinstatement_end(plan, term_end, self.dates)?)
    }

    /// The new term if the member renews on `date`, buying `terms` terms; the first thing that
    /// stands in the way (the status, the term count, the window, a rejoin on a renewal-only plan, a
    /// back-dated term that ends too early) as the error.
    ///
    /// # Errors
    /// [`RenewalError`] for the first obstacle, and the errors of [`Rulebook::status_on`].
    pub fn renewal_term(&self, membership: &Membership, date: Date, terms: u32) -> Result<RenewalTerm, Error> {
        let plan = self.plan(&membership.plan)?;
        let path = self.renewal_path(plan, &membership.facts(), date, terms, None, &mut Renewals::default())?;
        Ok(path.to_term(membership.member_since))
    }

    /// [`Rulebook::renewal_term`] for facts on a plan already looked up, the plan borrowed; with
    /// the status on `date` when the caller already knows it (worked out by
    /// [`Rulebook::standing_on`], which checked the facts), so that it is not worked out again;
    /// taken from `renewals` when a member with the same plan, term and status has been
    /// answered there (the roster kernel keeps one per thread; a single call, an empty one).
    pub(crate) fn renewal_path<'a>(
        &'a self,
        plan: &'a Plan,
        facts: &Facts,
        date: Date,
        terms: u32,
        status: Option<StatusFlags>,
        renewals: &mut Renewals<'a>,
    ) -> Result<RenewalPath<'a>, Refusal<'a>> {
        let refusal = |e: Error| Refusal::Error(Box::new(e));
        let status = match status {
            Some(status) => status,
            None => self.renewable_status(plan, facts, date).map_err(refusal)?,
        };
        let end = facts.effective_term(plan).map_err(|e| refusal(LifecycleError::from(e).into()))?.end;
        let key = RenewalKey::of(plan, facts.term, end, status);
        renewals.path(key, date, terms, || {
            self.term_renewal(plan, facts.term, end, date, terms, status).map_err(refusal)?.first()
        })
    }

    /// The status on `date` of facts that have not been checked yet, checked for a renewal: the
    /// facts against their plan, and a lifetime plan whose renewals the policy refuses.
    fn renewable_status(&self, plan: &Plan, facts: &Facts, date: Date) -> Result<StatusFlags, Error> {
        facts.check()?;
        facts.check_plan(plan)?;
        if plan.is_lifetime() && self.renewals.lifetime == LifetimeRenewal::Refuse {
            return Err(RenewalError::LifetimeNotRenewable.into());
        }
        Ok(self.standing_on(plan, facts, date)?.flags)
    }

    /// Whether a membership can be renewed on `date` for `terms` terms, every reason it cannot,
    /// and the renewal when it can. The status on `date` is the caller's, worked out once by
    /// [`Rulebook::status_on`] for this membership, which has already checked its facts against
    /// its plan: they are not checked a second time here.
    ///
    /// The obstacles, in order: the status allows no renewal; the term count is not one the
    /// next plan sells; the renewal window has not opened (for an extension, or a status that
    /// allows none); a rejoin on a renewal-only plan; a back-dated term that would end before
    /// `date`. A lifetime membership has only [`RenewalError::LifetimeNotRenewable`].
    ///
    /// # Errors
    /// An unknown plan or renew-to plan, a date out of range.
    pub(crate) fn renewal_check<'a>(
        &'a self,
        plan: &'a Plan,
        membership: &Facts,
        date: Date,
        terms: u32,
        status: StatusFlags,
    ) -> Result<RenewalCheck<'a>, Error> {
        // A pause that extends the term moves the end renewals continue from (and the window).
        let end = membership.effective_term(plan).map_err(LifecycleError::from)?.end;
        self.term_renewal(plan, membership.term, end, date, terms, status)
    }

    /// [`Rulebook::renewal_check`] of a membership's term `term` on `plan`, whose end renewals
    /// continue from is `end` (its effective term's: a pause can move it; `None` for a lifetime
    /// term), for a member whose status on `date` is `status`. Nothing else of the member is
    /// read: the check is one answer for every member with the same plan, term and status (the
    /// renewal's member-since is [`RenewalPath::new_member_since`], set only when the renewal
    /// sets it).
    ///
    /// # Errors
    /// An unknown renew-to plan, a date out of range.
    fn term_renewal<'a>(
        &'a self,
        plan: &'a Plan,
        term: Term,
        end: Option<Date>,
        date: Date,
        terms: u32,
        status: StatusFlags,
    ) -> Result<RenewalCheck<'a>, Error> {
        let Some(end) = end else {
            let mut obstacles = Obstacles::none(plan);
            if self.renewals.lifetime == LifetimeRenewal::Keep {
                // The lifetime term is kept as it is (CiviCRM): the renewal's path is the status's.
                let kind = renewal_kind(&status).map_err(|_| obstacles.push_status(status.status)).ok();
                let renewal = kind.filter(|_| obstacles.is_empty()).map(|kind| RenewalPath {
                    kind,
                    status_before: status.status,
                    plan,
                    term,
                    terms,
                    new_member_since: None,
                });
                return Ok(RenewalCheck { kind, next_plan: plan, end: term.start, obstacles, renewal });
            }
            obstacles.push_lifetime();
            return Ok(RenewalCheck { kind: None, next_plan: plan, end: term.start, obstacles, renewal: None });
        };
        let mut obstacles = Obstacles::none(plan);
        if let TermRule::FixedDate { expires } = plan.term {
            obstacles.push_one_expiry(expires);
            return Ok(RenewalCheck { kind: None, next_plan: plan, end, obstacles, renewal: None });
        }
        let kind = renewal_kind(&status).map_err(|_| obstacles.push_status(status.status)).ok();
        let next_plan = match kind {
            Some(RenewalKind::Extend | RenewalKind::Reinstate) | None => self.renew_to_of(plan)?.unwrap_or(plan),
            Some(RenewalKind::Rejoin) => plan,
        };
        let terms_ok = sells_terms(next_plan, terms);
        if !terms_ok {
            obstacles.push_terms(terms, next_plan.max_terms);
        }
        if let (Some(days), Some(RenewalKind::Extend) | None) = (plan.windows.renewal_opens_days, kind) {
            let opens_on = add_days(end, -i64::from(days))?;
            if date < opens_on {
                obstacles.push_window(opens_on);
            }
        }
        let rejoin_closed = kind == Some(RenewalKind::Rejoin) && plan.flags.renewal_only;
        if rejoin_closed {
            obstacles.push_rejoin();
        }
        let term = match kind {
            Some(kind) if terms_ok && !rejoin_closed => Some(self.renewed_term(kind, next_plan, end, date, terms)?),
            _ => None,
        };
        let term = match term {
            // A back-dated term (an extension in grace, a reinstatement closing the gap) must
            // still reach the renewal date, or the member would pay for time that is already over.
            Some(t)
                if t.end.is_some_and(|e| e < date)
                    && kind != Some(RenewalKind::Rejoin)
                    && !(kind == Some(RenewalKind::Extend)
                        && self.renewals.short_extension == ShortExtension::Extend) =>
            {
                let new_end = t.end.unwrap_or(date);
                obstacles.push_backdate(t.start, new_end, date, terms);
                None
            }
            other => other,
        };
        let renewal = match (kind, term) {
            (Some(kind), Some(term)) if obstacles.is_empty() => {
                let new_member_since = match (kind, self.dates.rejoin_since) {
                    (RenewalKind::Rejoin, RejoinSince::Reset) => Some(date),
                    _ => None,
                };
                Some(RenewalPath { kind, status_before: status.status, plan: next_plan, term, terms, new_member_since })
            }
            _ => None,
        };
        Ok(RenewalCheck { kind, next_plan, end, obstacles, renewal })
    }

    /// The new term of a renewal on its path (before checking that it reaches the date).
    fn renewed_term(
        &self,
        kind: RenewalKind,
        next_plan: &Plan,
        end: Date,
        date: Date,
        terms: u32,
    ) -> Result<Term, Error> {
        let continued = || -> Result<Term, Error> {
            Ok(next_plan
                .term
                .renewal_term(end, date, terms, self.dates)?
                .map_or_else(|| add_days(end, 1).map(Term::lifetime), Ok)?)
        };
        Ok(match (kind, self.renewals.reinstatement) {
            (RenewalKind::Extend, _) | (RenewalKind::Reinstate, ReinstatementStart::Backdate) => continued()?,
            (RenewalKind::Reinstate, ReinstatementStart::Restart) => {
                next_plan.term.first_term(date, terms, self.dates)?.term
            }
            (RenewalKind::Rejoin, _) => next_plan.term.first_term(date, terms, self.dates)?.term,
        })
    }
}

/// Whether a plan sells `terms` terms at once: 1 to its `max_terms`.
fn sells_terms(plan: &Plan, terms: u32) -> bool {
    terms != 0 && terms <= plan.max_terms
}

/// Whether a plan sells `terms` terms at once ([`RenewalError::InvalidTermCount`] if not).
pub(crate) fn check_terms(plan: &Plan, terms: u32) -> Result<(), RenewalError> {
    if sells_terms(plan, terms) {
        Ok(())
    } else {
        Err(RenewalError::InvalidTermCount { terms, max: plan.max_terms })
    }
}

/// [`LifecycleError::UnknownPlan`], built out of line (the plan lookup's hot path calls nothing).
#[cold]
#[inline(never)]
fn unknown_plan(id: &str) -> LifecycleError {
    LifecycleError::UnknownPlan { plan: id.to_owned() }
}

/// An id's length and its first and last eight bytes (for 4 to 7 bytes, its first and last
/// four; for 1 to 3, its first, middle and last byte): the whole id when it is at most 16 bytes
/// long, which plan ids almost always are. Read in whole words, never copied byte by byte.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
struct IdKey {
    len: usize,
    head: u64,
    tail: u64,
}

impl IdKey {
    #[inline(always)]
    fn of(id: &[u8]) -> IdKey {
        let len = id.len();
        let (head, tail) = match (id.first_chunk::<8>(), id.last_chunk::<8>()) {
            (Some(h), Some(t)) => (u64::from_le_bytes(*h), u64::from_le_bytes(*t)),
            _ => match (id.first_chunk::<4>(), id.last_chunk::<4>()) {
                (Some(h), Some(t)) => (u64::from(u32::from_le_bytes(*h)) | u64::from(u32::from_le_bytes(*t)) << 32, 0),
                _ => {
                    let byte = |b: Option<&u8>| u64::from(b.copied().unwrap_or(0));
                    (byte(id.first()) | byte(id.get(len / 2)) << 8 | byte(id.last()) << 16, 0)
                }
            },
        };
        IdKey { len, head, tail }
    }

    /// Whether the key is the whole id (no second comparison needed).
    #[inline(always)]
    fn is_whole(&self) -> bool {
        self.len <= 16
    }

    #[inline(always)]
    fn slot(&self, mask: usize) -> usize {
        let h = (self.head ^ self.tail.rotate_left(29) ^ self.len as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        (h >> 40) as usize & mask
    }
}

/// The plans' positions by id: an open-addressed table (linear probing, at most half full) of
/// [`IdKey`]s, built once and never grown. An id of at most 16 bytes is found by comparing its
/// key alone, with no hash of its text and no `memcmp`; a longer one is compared in full too.
/// Equal ids keep the last plan's position (as a map built from the plans in order would).
#[derive(Debug, Clone, Default)]
struct PlanIndex {
    /// `(key, position + 1)`; 0 marks an empty slot.
    slots: Box<[(IdKey, usize)]>,
    mask: usize,
}

impl PlanIndex {
    fn new(plans: &[Plan]) -> PlanIndex {
        let size = (plans.len() * 2).next_power_of_two().max(8);
        let mut index = PlanIndex { slots: vec![(IdKey::default(), 0); size].into_boxed_slice(), mask: size - 1 };
        for (i, p) in plans.iter().enumerate() {
            let id = p.id.as_str().as_bytes();
            let key = IdKey::of(id);
            let mut s = key.slot(index.mask);
            loop {
                let (k, at) = &mut index.slots[s];
                if *at == 0 || (*k == key && (key.is_whole() || plans[*at - 1].id.as_str().as_bytes() == id)) {
                    *k = key;
                    *at = i + 1;
                    break;
                }
                s = (s + 1) & index.mask;
            }
        }
        index
    }

    /// The position of the plan `id` among `plans` (the plans this index was built from).
    #[inline(always)]
    fn get(&self, plans: &[Plan], id: &str) -> Option<usize> {
        let key = IdKey::of(id.as_bytes());
        let mut s = key.slot(self.mask);
        loop {
            let (k, at) = self.slots.get(s)?;
            if *at == 0 {
                return None;
            }
            if *k == key && (key.is_whole() || plans.get(*at - 1).is_some_and(|p| p.id.as_str() == id)) {
                return Some(*at - 1);
            }
            s = (s + 1) & self.mask;
        }
    }
}

#[cfg(test)]
mod tests {
    use time::Date;

    use super::{PlanIndex, Renewals};
    use crate::error::Error;
    use crate::status::{Facts, Pause, Status, StatusOverride};
    use crate::term::Term;
    use crate::{Engine, Plan, RenewalTerm, PRESETS};

    /// Invariant: a renewal taken from the kernel's memo ([`Renewals`]) is the renewal worked out
    /// without it, for every preset's plans, for members that share a plan, term and status but
    /// not their member-since (a rejoin that resets it, one that keeps it), with pauses,
    /// overrides and pending applications, on dates before, in and after the terms; with a table
    /// of four slots (keys evict each other) and a kernel's, and asked on another date than the
    /// memo's (not kept).
    #[test]
    fn invariant_a_remembered_renewal_is_the_renewal_worked_out_again() {
        for (preset, _) in PRESETS {
            let engine = Engine::from_preset(preset).unwrap_or_else(|e| panic!("{preset}: {e}"));
            remembered_renewals_of(preset, engine.rules());
        }
    }

    /// [`invariant_a_remembered_renewal_is_the_renewal_worked_out_again`] for one preset.
    fn remembered_renewals_of<'a>(preset: &str, rules: &'a super::Rulebook) {
        let day = |d: Date, n: i64| d.checked_add(time::Duration::days(n)).unwrap_or(d);
        let first = time::macros::date!(2024 - 01 - 31);
        for date in [time::macros::date!(2025 - 02 - 28), time::macros::date!(2026 - 01 - 20)] {
            for terms in [1, 2] {
                let mut small = Renewals::with_slots(date, terms, 4);
                let mut kernel = Renewals::new(date, terms);
                let mut other = Renewals::new(day(date, 1), terms);
                let mut compared = 0;
                for plan in rules.plans() {
                    for start in (0..900).step_by(37).map(|n| day(first, n)) {
                        let Ok(join) = plan.term.first_term(start, 1, rules.dates) else { continue };
                        for (since, term, pending, pause, status_override) in [
                            (start, join.term, false, None, None),
                            (day(start, -800), join.term, false, None, None),
                            (day(start, -3), join.term, true, None, None),
                            (start, Term { start, end: None }, false, None, None),
                            (start, join.term, false, Some(Pause { from: day(start, 30), to: day(start, 90) }), None),
                            (
                                start,
                                join.term,
                                false,
                                None,
                                Some(StatusOverride { status: Status::Active, until: Some(day(date, 10)) }),
                            ),
                        ] {
                            let facts = Facts {
                                member_since: since,
                                term,
                                pending,
                                cancelled_on: None,
                                status_override,
                                deceased_on: None,
                                pause,
                                renewal_pending: false,
                            };
                            let Ok(status) = rules.standing_on(plan, &facts, date) else { continue };
                            let answer = |renewals: &mut Renewals<'a>| -> Result<RenewalTerm, Error> {
                                rules
                                    .renewal_path(plan, &facts, date, terms, Some(status.flags), renewals)
                                    .map(|p| p.to_term(facts.member_since))
                                    .map_err(Error::from)
                            };
                            let expected = answer(&mut Renewals::default());
                            // Twice each: the second from the table.
                            for memo in [&mut small, &mut kernel, &mut other] {
                                assert_eq!(answer(memo), expected, "{preset} {} {facts:?} on {date}", plan.id);
                                assert_eq!(answer(memo), expected, "{preset} {} {facts:?} on {date}", plan.id);
                            }
                            compared += 1;
                        }
                    }
                }
                assert!(compared > 100, "{preset}: {compared} members compared");
                assert!(kernel.slots.iter().flatten().count() > 10, "{preset}: the table kept nothing");
                assert_eq!(other.slots.iter().flatten().count(), 0, "{preset}: kept a renewal of another date");
            }
        }
    }

    /// Plans of the amscore preset renamed to `ids`, in order.
    fn plans_named(ids: &[&str]) -> Vec<Plan> {
        let engine = Engine::from_preset("amscore").unwrap_or_else(|e| panic!("{e}"));
        let first = engine.rules().plans()[0].clone();
        ids.iter().map(|id| Plan { id: (*id).into(), ..first.clone() }).collect()
    }

    #[test]
    fn the_plan_index_finds_the_last_plan_of_each_id_and_nothing_else() {
        let long = "association-membership-";
        let ids = [
            "individual",
            "",
            "a",
            "student-y1",
            "student-y2",
            "12345678",
            "123456789",
            "1234567812345678",
            "association-membership-a-annual",
            "association-membership-b-annual",
            "student-y1",
            "association-membership-a-annual",
            "ünïcode",
            "abc",
            "abcd",
            "abcde",
            "ab",
            "digital",
        ];
        let plans = plans_named(&ids);
        let index = PlanIndex::new(&plans);
        let asked = ids.iter().copied().chain([
            "individua",
            "individual!",
            "Individual",
            "student-y3",
            "1234567",
            "12345678123456789",
            "association-membership-c-annual",
            long,
            "\0",
            "a\0",
            "abd",
            "acc",
            "bbc",
            "abce",
            "abdd",
            "abcdf",
            "abcee",
            "b",
            "aa",
            "digitaL",
            "digita",
        ]);
        for id in asked {
            let expected = plans.iter().rposition(|p| p.id.as_str() == id);
            assert_eq!(index.get(&plans, id), expected, "{id:?}");
        }
        // The preset's own plans, each at its place.
        let engine = Engine::from_preset("amscore").unwrap_or_else(|e| panic!("{e}"));
        for (i, p) in engine.rules().plans().iter().enumerate() {
            assert_eq!(engine.rules().plan_index(p.id.as_str()), Some(i));
        }
    }
}
