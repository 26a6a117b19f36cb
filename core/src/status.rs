//! Membership facts and the lifecycle status on any date, computed by an ordered list of status rules.

use std::borrow::Cow;
use std::fmt;

use serde::{Deserialize, Serialize};
use time::Date;

use crate::cell::Grammar;
use crate::lifecycle_error::LifecycleError;
use crate::period::{add_days, DateError, DateRules, ExpiryInstant, MonthEndRule, Offset, RenewalClose};
use crate::plan::{PauseMode, Plan, PlanId};
use crate::term::Term;

/// A member's identifier, as the association's database writes it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct MemberId(pub String);

impl fmt::Display for MemberId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<&str> for MemberId {
    fn from(s: &str) -> MemberId {
        MemberId(s.to_owned())
    }
}

/// A lifecycle status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Applied, awaiting payment or approval.
    Pending,
    /// Within the first months of membership.
    New,
    /// Within a paid term.
    Active,
    /// The term has ended, but the member is still treated as a member for a while.
    Grace,
    /// No longer a member, but may still reinstate.
    Lapsed,
    /// Must rejoin.
    Expired,
    /// Cancelled by the member or the association.
    Cancelled,
    /// Held by staff.
    Suspended,
    /// The member has died.
    Deceased,
}

impl Status {
    /// Every status, in declaration order (the order of the batch's `status` categories).
    ///
    /// ```
    /// assert_eq!(amscore::Status::ALL.map(|s| s.as_str())[..3], ["pending", "new", "active"]);
    /// ```
    pub const ALL: [Status; 9] = [
        Status::Pending,
        Status::New,
        Status::Active,
        Status::Grace,
        Status::Lapsed,
        Status::Expired,
        Status::Cancelled,
        Status::Suspended,
        Status::Deceased,
    ];

    /// The status's place in [`Status::ALL`] (its declaration order), with no search.
    ///
    /// ```
    /// assert_eq!(amscore::Status::Grace.index(), 3);
    /// assert!(amscore::Status::ALL.iter().enumerate().all(|(i, s)| s.index() == i));
    /// ```
    #[inline]
    pub const fn index(self) -> usize {
        self as usize
    }

    /// The status's snake_case name (`"grace"`).
    pub fn as_str(&self) -> &'static str {
        match self {
            Status::Pending => "pending",
            Status::New => "new",
            Status::Active => "active",
            Status::Grace => "grace",
            Status::Lapsed => "lapsed",
            Status::Expired => "expired",
            Status::Cancelled => "cancelled",
            Status::Suspended => "suspended",
            Status::Deceased => "deceased",
        }
    }
}

/// Status names, any ASCII case (`"Suspended"`): the grammar of an override-status cell.
impl Grammar for Status {
    fn parse(text: &str) -> Result<Status, String> {
        Status::ALL.into_iter().find(|s| s.as_str().eq_ignore_ascii_case(text)).ok_or_else(|| {
            let names: Vec<&str> = Status::ALL.iter().map(Status::as_str).collect();
            format!("not a status ({})", names.join(", "))
        })
    }
    fn write(&self) -> String {
        self.as_str().to_owned()
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Which path a renewal takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum RenewalKind {
    /// A current member (active, new or in grace) extends from the current term's end.
    Extend,
    /// A lapsed member renews within the reinstatement window, keeping member-since.
    Reinstate,
    /// The reinstatement window has closed: a new join; member-since resets.
    Rejoin,
}

impl RenewalKind {
    /// Every renewal kind, in declaration order.
    ///
    /// ```
    /// assert_eq!(amscore::RenewalKind::ALL.map(|k| k.as_str()), ["extend", "reinstate", "rejoin"]);
    /// ```
    pub const ALL: [RenewalKind; 3] = [RenewalKind::Extend, RenewalKind::Reinstate, RenewalKind::Rejoin];

    /// The kind's place in [`RenewalKind::ALL`] (its declaration order), with no search.
    ///
    /// ```
    /// assert_eq!(amscore::RenewalKind::Rejoin.index(), 2);
    /// assert!(amscore::RenewalKind::ALL.iter().enumerate().all(|(i, k)| k.index() == i));
    /// ```
    #[inline]
    pub const fn index(self) -> usize {
        self as usize
    }

    /// The kind's snake_case name (`"reinstate"`), as it is serialised.
    pub fn as_str(&self) -> &'static str {
        match self {
            RenewalKind::Extend => "extend",
            RenewalKind::Reinstate => "reinstate",
            RenewalKind::Rejoin => "rejoin",
        }
    }
}

/// A staff override of the computed status, optionally until a date (inclusive).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StatusOverride {
    /// The status staff set.
    pub status: Status,
    /// The last day the override holds; `None` for indefinitely.
    #[serde(default, with = "crate::period::opt_date_text", skip_serializing_if = "Option::is_none")]
    pub until: Option<Date>,
}

/// A stretch of the current term during which the membership is suspended (parental leave,
/// unemployment), both days inclusive. On those days the status is `suspended` (what it allows
/// comes from the status table's `suspended` row, if it has one; otherwise nothing). The plan's
/// [`PauseMode`] says what the member gets back: the term extended by the paused days (the
/// default), or a credit for them ([`Engine::quote_pause`](crate::Engine::quote_pause)).
///
/// ```
/// let p: amscore::Pause = serde_json::from_str(r#"{"from": "2025-03-01", "to": "2025-03-31"}"#)?;
/// assert_eq!(p.days(), 31);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Pause {
    /// The first paused day.
    #[serde(with = "crate::period::date_text")]
    pub from: Date,
    /// The last paused day (inclusive).
    #[serde(with = "crate::period::date_text")]
    pub to: Date,
}

impl Pause {
    /// The paused days, counting both ends (0 or less for a pause that ends before it starts,
    /// which [`Membership::check`] refuses).
    pub fn days(&self) -> i64 {
        (self.to - self.from).whole_days() + 1
    }

    /// Whether `date` is a paused day.
    pub fn contains(&self, date: Date) -> bool {
        self.from <= date && date <= self.to
    }
}

/// What the AMS knows about one membership: the facts every status and renewal is computed from.
///
/// ```
/// let m: amscore::Membership = serde_json::from_str(r#"{
///     "member_id": "M-1", "plan": "individual", "member_since": "2020-03-01",
///     "term": {"start": "2025-03-01", "end": "2026-02-28"}
/// }"#)?;
/// assert!(!m.pending);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Membership {
    /// The member.
    pub member_id: MemberId,
    /// The plan of the current term.
    pub plan: PlanId,
    /// The member's join date; survives renewals and reinstatements, resets on a rejoin.
    #[serde(with = "crate::period::date_text")]
    pub member_since: Date,
    /// The current (latest paid or applied-for) term.
    pub term: Term,
    /// Applied, awaiting payment or approval.
    #[serde(default)]
    pub pending: bool,
    /// The day the membership was cancelled, if it was.
    #[serde(default, with = "crate::period::opt_date_text", skip_serializing_if = "Option::is_none")]
    pub cancelled_on: Option<Date>,
    /// A staff override of the status.
    #[serde(default, rename = "override", skip_serializing_if = "Option::is_none")]
    pub status_override: Option<StatusOverride>,
    /// The day the member died, if known.
    #[serde(default, with = "crate::period::opt_date_text", skip_serializing_if = "Option::is_none")]
    pub deceased_on: Option<Date>,
    /// The member pays no tax (a charity, a public body, a certificate of exemption): quotes
    /// carry zero tax lines and inclusive prices are charged without their tax. Default false.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub tax_exempt: bool,
    /// A pause inside the current term, if there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pause: Option<Pause>,
    /// A renewal awaits payment: the member asked to renew (an invoice is open) and has not paid.
    /// The status and the term stay the current term's until the renewal is paid (then the new
    /// term is written and this fact cleared); an online renewal while one is pending goes to
    /// staff (`renewal_already_pending`). Default false. See docs/households.md.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub renewal_pending: bool,
}

impl Membership {
    /// Checks the facts' own consistency (not the plan): the term, the join date, the days
    /// of cancellation and death, which cannot come before the join, and a pause, which must be
    /// inside the term and end on or after its start.
    ///
    /// # Errors
    /// [`LifecycleError::TermEndsBeforeStart`], [`LifecycleError::JoinedAfterTermEnd`],
    /// [`LifecycleError::DeceasedBeforeJoin`], [`LifecycleError::CancelledBeforeJoin`],
    /// [`LifecycleError::PauseEndsBeforeStart`], [`LifecycleError::PauseOutsideTerm`].
    pub fn check(&self) -> Result<(), LifecycleError> {
        self.facts().check()
    }

    /// Checks the facts against their plan: a lifetime plan's term has no end, every other
    /// plan's term has one, and a lifetime membership is not paused. A membership that fails
    /// this never reaches a status.
    ///
    /// # Errors
    /// [`LifecycleError::TermEndMissing`], [`LifecycleError::TermEndOnLifetimePlan`],
    /// [`LifecycleError::PauseOnLifetimePlan`].
    pub fn check_plan(&self, plan: &Plan) -> Result<(), LifecycleError> {
        self.facts().check_plan(plan)
    }

    /// The facts every status and renewal is computed from, without the member's id and plan
    /// id (nothing is copied that allocates).
    pub(crate) fn facts(&self) -> Facts {
        Facts {
            member_since: self.member_since,
            term: self.term,
            pending: self.pending,
            cancelled_on: self.cancelled_on,
            status_override: self.status_override,
            deceased_on: self.deceased_on,
            pause: self.pause,
            renewal_pending: self.renewal_pending,
        }
    }

    /// Sets the facts; the member's id and the plan's id stay.
    pub(crate) fn set_facts(&mut self, facts: Facts) {
        self.member_since = facts.member_since;
        self.term = facts.term;
        self.pending = facts.pending;
        self.cancelled_on = facts.cancelled_on;
        self.status_override = facts.status_override;
        self.deceased_on = facts.deceased_on;
        self.pause = facts.pause;
        self.renewal_pending = facts.renewal_pending;
    }
}

/// A membership's facts without the member's id and the plan's id: what the status, the renewal
/// and the renewal quote read, held by value (the roster kernel builds one per row without
/// allocating; [`Membership::facts`] gives a membership's).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Facts {
    pub(crate) member_since: Date,
    pub(crate) term: Term,
    pub(crate) pending: bool,
    pub(crate) cancelled_on: Option<Date>,
    pub(crate) status_override: Option<StatusOverride>,
    pub(crate) deceased_on: Option<Date>,
    pub(crate) pause: Option<Pause>,
    /// A renewal awaits payment ([`Membership::renewal_pending`]): read by the decision only,
    /// never by the status.
    pub(crate) renewal_pending: bool,
}

impl Facts {
    /// [`Membership::check`]. In line (every status asks it first), each error built out of
    /// line.
    #[inline(always)]
    pub(crate) fn check(&self) -> Result<(), LifecycleError> {
        if let Some(end) = self.term.end {
            if end < self.term.start {
                return Err(cold(|| LifecycleError::TermEndsBeforeStart { start: self.term.start, end }));
            }
            if self.member_since > end {
                return Err(cold(|| LifecycleError::JoinedAfterTermEnd {
                    member_since: self.member_since,
                    term_end: end,
                }));
            }
        }
        check_after_join(self.member_since, self.cancelled_on, self.deceased_on)?;
        match self.pause {
            Some(p) => check_pause(p, self.term),
            None => Ok(()),
        }
    }

    /// [`Membership::check_plan`]. In line, each error built out of line.
    #[inline]
    pub(crate) fn check_plan(&self, plan: &Plan) -> Result<(), LifecycleError> {
        let lifetime = plan.is_lifetime();
        match (self.term.end, lifetime) {
            (None, false) => Err(cold(|| LifecycleError::TermEndMissing { plan: plan.id.to_string() })),
            (Some(end), true) => Err(cold(|| LifecycleError::TermEndOnLifetimePlan { plan: plan.id.to_string(), end })),
            _ if lifetime && self.pause.is_some() => {
                Err(cold(|| LifecycleError::PauseOnLifetimePlan { plan: plan.id.to_string() }))
            }
            _ => Ok(()),
        }
    }

    /// The term every status and renewal reads: the stored term, its end moved out by the
    /// paused days when the plan's [`PauseMode`] is `extend` (so no paid day is lost to the
    /// pause); the stored term otherwise. The one place a pause moves a term's end.
    ///
    /// # Errors
    /// A date out of range.
    #[inline(always)]
    pub(crate) fn effective_term(&self, plan: &Plan) -> Result<Term, DateError> {
        match (self.pause, self.term.end, plan.pause) {
            (Some(p), Some(end), PauseMode::Extend) => {
                Ok(Term { start: self.term.start, end: Some(add_days(end, p.days())?) })
            }
            _ => Ok(self.term),
        }
    }
}

/// A pause ends on or after its first day and lies inside its term (the roster's rows, on each
/// row's own term, and [`Membership::check`] ask the same).
///
/// # Errors
/// [`LifecycleError::PauseEndsBeforeStart`], [`LifecycleError::PauseOutsideTerm`].
pub(crate) fn check_pause(p: Pause, term: Term) -> Result<(), LifecycleError> {
    if p.to < p.from {
        return Err(LifecycleError::PauseEndsBeforeStart { from: p.from, to: p.to });
    }
    if p.from < term.start || term.end.is_some_and(|end| p.to > end) {
        return Err(LifecycleError::PauseOutsideTerm {
            from: p.from,
            to: p.to,
            term_start: term.start,
            term_end: term.end,
        });
    }
    Ok(())
}

/// A death or a cancellation is on or after the join date (the roster's rows and
/// [`Membership::check`] ask the same).
///
/// # Errors
/// [`LifecycleError::DeceasedBeforeJoin`], [`LifecycleError::CancelledBeforeJoin`].
#[inline]
pub(crate) fn check_after_join(
    member_since: Date,
    cancelled_on: Option<Date>,
    deceased_on: Option<Date>,
) -> Result<(), LifecycleError> {
    if let Some(deceased_on) = deceased_on.filter(|d| *d < member_since) {
        return Err(cold(|| LifecycleError::DeceasedBeforeJoin { deceased_on, member_since }));
    }
    if let Some(cancelled_on) = cancelled_on.filter(|d| *d < member_since) {
        return Err(cold(|| LifecycleError::CancelledBeforeJoin { cancelled_on, member_since }));
    }
    Ok(())
}

/// Builds an error out of line: the checks every status runs first stay small in line.
#[cold]
#[inline(never)]
fn cold<E>(error: impl FnOnce() -> E) -> E {
    error()
}

/// The last day of grace after a term that ends on `term_end`: the end plus the plan's grace
/// window (the end itself without one).
///
/// # Errors
/// A date out of range.
pub(crate) fn grace_end(plan: &Plan, term_end: Date, rule: MonthEndRule) -> Result<Date, DateError> {
    match plan.windows.grace {
        Some(g) => g.after(term_end, rule),
        None => Ok(term_end),
    }
}

/// The last day a lapsed member may reinstate after a term that ends on `term_end`: the grace
/// end plus the plan's reinstatement window (the grace end without one).
///
/// # Errors
/// A date out of range.
pub(crate) fn reinstatement_end(plan: &Plan, term_end: Date, dates: DateRules) -> Result<Date, DateError> {
    reinstatement_end_after(plan, term_end, grace_end(plan, term_end, dates.month_end)?, dates)
}

/// [`reinstatement_end`] from the last day of grace. A plan whose renewal closes a number of days
/// after the term's end closes there, or (by default) at the grace end if that is later.
fn reinstatement_end_after(plan: &Plan, term_end: Date, grace: Date, dates: DateRules) -> Result<Date, DateError> {
    match (plan.windows.renewal_closes_days, plan.windows.reinstatement) {
        (Some(days), _) => {
            let close = add_days(term_end, i64::from(days))?;
            Ok(match dates.renewal_close {
                RenewalClose::AfterGrace => close.max(grace),
                RenewalClose::AsStored => close,
            })
        }
        (None, Some(r)) => r.after(grace, dates.month_end),
        (None, None) => Ok(grace),
    }
}

/// What the status of a membership is on a date before the member joined.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum StatusBeforeJoin {
    /// There is none: [`LifecycleError::DateBeforeJoin`] (the default).
    #[default]
    Refuse,
    /// The status rules decide, as on any other date (CiviCRM: a fixed membership back-dated to
    /// its period start is Current from that start, before its join date). A date no rule
    /// covers is still [`LifecycleError::DateBeforeJoin`].
    StatusRules,
}

/// The event a status-rule boundary is measured from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Event {
    /// The member's join date (member-since).
    Join,
    /// The current term's first day.
    TermStart,
    /// The current term's last active day (never, for a lifetime term): its end date, or the day
    /// before it when `settings.expiry` is `start_of_day`.
    TermEnd,
    /// The last day of grace: the term's end plus the plan's grace window.
    GraceEnd,
    /// The last day a lapsed member may reinstate: grace end plus the plan's reinstatement window.
    ReinstatementEnd,
}

/// A date relative to an event: `{"event": "term_end", "offset": {"months": 1}}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Boundary {
    /// The event.
    pub event: Event,
    /// The offset from it (default zero).
    #[serde(default, skip_serializing_if = "Offset::is_zero")]
    pub offset: Offset,
}

/// One row of the ordered status table: on dates inside its window, a membership has its status.
///
/// The window is `from ≤ date ≤ to`, both inclusive. `from` is the latest of its boundaries and
/// `to` the earliest of its boundaries; an empty list leaves that side open. A boundary on an
/// event that never happens (the end of a lifetime term) is never reached.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StatusRule {
    /// The status this rule gives.
    pub status: Status,
    /// The association's own name for it (`"Current"` for active in CiviCRM), if different.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// The window opens on the latest of these dates (inclusive); empty means open.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub from: Vec<Boundary>,
    /// The window closes on the earliest of these dates (inclusive); empty means open.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub to: Vec<Boundary>,
    /// Whether a member in this status counts as a member (member pricing, voting, directory).
    pub counts_as_member: bool,
    /// Whether a member in this status may renew (extend, or reinstate when not counted as a member).
    pub renewable: bool,
    /// What renewing in this status does, when it is not what the flags imply (renewable and
    /// counted → extend, renewable and not counted → reinstate, not renewable → rejoin). Tendenci,
    /// for one, restarts the term of a member renewing in grace.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub renewal: Option<RenewalKind>,
}

/// A membership's status on a date, with what it allows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MemberStatus {
    /// The status.
    pub status: Status,
    /// The association's name for it: the status's own name (borrowed, nothing allocated) unless
    /// the status rule gives one.
    pub label: Cow<'static, str>,
    /// Whether the member counts as a member.
    pub counts_as_member: bool,
    /// Whether the member may renew.
    pub renewable: bool,
    /// What renewing now does, if the status rule says so explicitly.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub renewal: Option<RenewalKind>,
}

impl MemberStatus {
    /// What the status allows, without its label.
    pub(crate) fn flags(&self) -> StatusFlags {
        StatusFlags {
            status: self.status,
            counts_as_member: self.counts_as_member,
            renewable: self.renewable,
            renewal: self.renewal,
        }
    }
}

/// A status and what it allows, without its label: what renewals read (a copy, nothing
/// allocated).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct StatusFlags {
    pub(crate) status: Status,
    pub(crate) counts_as_member: bool,
    pub(crate) renewable: bool,
    pub(crate) renewal: Option<RenewalKind>,
}

/// A status on a date as the status table gives it: what it allows and, when a rule gave it,
/// the association's label for it, borrowed from the rule. [`MemberStatus`] is this with the
/// label owned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Standing<'r> {
    pub(crate) flags: StatusFlags,
    pub(crate) label: Option<&'r str>,
}

impl Standing<'_> {
    /// A status that comes from a fact (deceased, cancelled, pending) or an override without a
    /// rule: it allows nothing.
    fn of_fact(status: Status) -> Standing<'static> {
        let flags = StatusFlags { status, counts_as_member: false, renewable: false, renewal: None };
        Standing { flags, label: None }
    }

    fn of_rule(r: &StatusRule) -> Standing<'_> {
        let flags = StatusFlags {
            status: r.status,
            counts_as_member: r.counts_as_member,
            renewable: r.renewable,
            renewal: r.renewal,
        };
        Standing { flags, label: r.label.as_deref() }
    }

    /// The status as the public [`MemberStatus`] (its label owned).
    pub(crate) fn to_member_status(self) -> MemberStatus {
        let f = self.flags;
        MemberStatus {
            status: f.status,
            label: match self.label {
                Some(label) => Cow::Owned(label.to_owned()),
                None => Cow::Borrowed(f.status.as_str()),
            },
            counts_as_member: f.counts_as_member,
            renewable: f.renewable,
            renewal: f.renewal,
        }
    }
}

/// The dates the status rules are measured from, for one membership on one plan. The term's
/// last active day, the grace end and the reinstatement end are each worked out at most once, and
/// only when a rule asks for them (month arithmetic is the costliest step of a status; see
/// benches/README.md).
#[derive(Debug, Clone)]
pub(crate) struct EventDates<'a> {
    join: Date,
    term_start: Date,
    term_end: Option<Date>,
    plan: &'a Plan,
    /// The date conventions (what the stored end means, when renewal closes).
    dates: DateRules,
    /// The term's last active day ([`Event::TermEnd`]), once worked out.
    last_active: Option<Date>,
    /// The last day of grace, once worked out (the `grace` and `lapsed` rows both ask).
    grace: Option<Date>,
    /// The last day to reinstate, once worked out.
    reinstatement: Option<Date>,
}

impl<'a> EventDates<'a> {
    /// The dates of a membership that joined on `join`, in `term` (its effective term,
    /// [`Facts::effective_term`]), under the date conventions `dates`.
    pub(crate) fn new(join: Date, term: Term, plan: &'a Plan, dates: DateRules) -> EventDates<'a> {
        EventDates {
            join,
            term_start: term.start,
            term_end: term.end,
            plan,
            dates,
            last_active: None,
            grace: None,
            reinstatement: None,
        }
    }

    /// The date of a boundary, or `None` if its event never happens. A boundary on the join, the
    /// term's start or (when it is the last active day) the stored end, without an offset, is
    /// read as it is; any other is worked out by [`EventDates::worked_out`].
    #[inline(always)]
    fn resolve(&mut self, b: &Boundary) -> Result<Option<Date>, DateError> {
        if b.offset.is_zero() {
            match (b.event, self.dates.expiry) {
                (Event::Join, _) => return Ok(Some(self.join)),
                (Event::TermStart, _) => return Ok(Some(self.term_start)),
                (Event::TermEnd, ExpiryInstant::EndOfDay) => return Ok(self.term_end),
                _ => {}
            }
        }
        self.worked_out(b)
    }

    /// [`EventDates::resolve`] for a boundary with arithmetic in it: its event's date (each
    /// worked out once), then its offset.
    #[inline(never)]
    fn worked_out(&mut self, b: &Boundary) -> Result<Option<Date>, DateError> {
        let base = match (b.event, self.term_end) {
            (Event::Join, _) => self.join,
            (Event::TermStart, _) => self.term_start,
            (_, None) => return Ok(None),
            (Event::TermEnd, Some(end)) => self.last_active(end)?,
            (Event::GraceEnd, Some(end)) => self.grace_end(end)?,
            (Event::ReinstatementEnd, Some(end)) => self.reinstatement_end(end)?,
        };
        b.offset.apply(base, self.dates.month_end).map(Some)
    }

    /// The last active day of a term whose stored end is `end`: the end, or the day before it
    /// when the stored end is an expiry instant at midnight (grace and the windows still count
    /// from the stored end). Worked out once.
    fn last_active(&mut self, end: Date) -> Result<Date, DateError> {
        match (self.last_active, self.dates.expiry) {
            (Some(d), _) => Ok(d),
            (None, ExpiryInstant::EndOfDay) => Ok(end),
            (None, ExpiryInstant::StartOfDay) => {
                let d = add_days(end, -1)?;
                self.last_active = Some(d);
                Ok(d)
            }
        }
    }

    /// The last day of grace after a term ending on `end`, worked out once.
    fn grace_end(&mut self, end: Date) -> Result<Date, DateError> {
        if let Some(g) = self.grace {
            return Ok(g);
        }
        let g = grace_end(self.plan, end, self.dates.month_end)?;
        self.grace = Some(g);
        Ok(g)
    }

    /// The last day to reinstate after a term ending on `end`, worked out once.
    fn reinstatement_end(&mut self, end: Date) -> Result<Date, DateError> {
        if let Some(r) = self.reinstatement {
            return Ok(r);
        }
        let grace = self.grace_end(end)?;
        let r = reinstatement_end_after(self.plan, end, grace, self.dates)?;
        self.reinstatement = Some(r);
        Ok(r)
    }
}

impl StatusRule {
    /// Whether `date` is inside the rule's window.
    #[inline]
    fn matches(&self, date: Date, events: &mut EventDates) -> Result<bool, DateError> {
        for b in &self.from {
            match events.resolve(b)? {
                Some(d) if date >= d => {}
                _ => return Ok(false),
            }
        }
        for b in &self.to {
            if let Some(d) = events.resolve(b)? {
                if date > d {
                    return Ok(false);
                }
            }
        }
        Ok(true)
    }
}

/// Computes the status of a membership on a date: facts first (deceased, a staff override,
/// cancelled, pending, a pause), then the first matching status rule, measured from the
/// effective term ([`Facts::effective_term`]). Checks the facts, and the facts
/// against the plan, first. In line where a caller builds the facts from a membership, so that
/// they are read in place rather than copied.
#[inline]
pub(crate) fn status_on<'r>(
    m: &Facts,
    plan: &Plan,
    rules: &'r [StatusRule],
    date: Date,
    dates: DateRules,
    before_join: StatusBeforeJoin,
) -> Result<Standing<'r>, LifecycleError> {
    m.check()?;
    m.check_plan(plan)?;
    let before_joining = date < m.member_since;
    if before_joining && before_join == StatusBeforeJoin::Refuse {
        return Err(LifecycleError::DateBeforeJoin { date, member_since: m.member_since });
    }
    if m.deceased_on.is_some_and(|d| d <= date) {
        return Ok(Standing::of_fact(Status::Deceased));
    }
    // A status set by a fact rather than by a window: what it allows is the status table's row
    // for it, if the table has one.
    let held = |status: Status| {
        rules.iter().find(|r| r.status == status).map_or_else(|| Standing::of_fact(status), Standing::of_rule)
    };
    if let Some(o) = &m.status_override {
        if o.until.is_none_or(|u| date <= u) {
            return Ok(held(o.status));
        }
    }
    if m.cancelled_on.is_some_and(|d| d <= date) {
        return Ok(Standing::of_fact(Status::Cancelled));
    }
    if m.pending {
        return Ok(Standing::of_fact(Status::Pending));
    }
    if m.pause.is_some_and(|p| p.contains(date)) {
        return Ok(held(Status::Suspended));
    }
    let mut events = EventDates::new(m.member_since, m.effective_term(plan)?, plan, dates);
    for r in rules {
        if r.matches(date, &mut events)? {
            return Ok(Standing::of_rule(r));
        }
    }
    if before_joining {
        return Err(LifecycleError::DateBeforeJoin { date, member_since: m.member_since });
    }
    Err(LifecycleError::NoStatusRuleMatched { date })
}

/// amscore's default status rules: `new` for the first three months of the first term, `active`
/// to the term's end, `grace` to the end of the plan's grace, `lapsed` to the end of the plan's
/// reinstatement window, then `expired`.
///
/// ```
/// let rules = amscore::default_status_rules();
/// assert_eq!(rules.iter().map(|r| r.status.as_str()).collect::<Vec<_>>(),
///            ["new", "active", "grace", "lapsed", "expired"]);
/// ```
pub fn default_status_rules() -> Vec<StatusRule> {
    let at = |event| Boundary { event, offset: Offset::default() };
    vec![
        StatusRule {
            status: Status::New,
            label: None,
            from: vec![at(Event::Join)],
            to: vec![
                Boundary { event: Event::Join, offset: Offset { years: 0, months: 3, days: -1 } },
                at(Event::TermEnd),
            ],
            counts_as_member: true,
            renewable: true,
            renewal: None,
        },
        StatusRule {
            status: Status::Active,
            label: None,
            from: vec![],
            to: vec![at(Event::TermEnd)],
            counts_as_member: true,
            renewable: true,
            renewal: None,
        },
        StatusRule {
            status: Status::Grace,
            label: None,
            from: vec![],
            to: vec![at(Event::GraceEnd)],
            counts_as_member: true,
            renewable: true,
            renewal: None,
        },
        StatusRule {
            status: Status::Lapsed,
            label: None,
            from: vec![],
            to: vec![at(Event::ReinstatementEnd)],
            counts_as_member: false,
            renewable: true,
            renewal: None,
        },
        StatusRule {
            status: Status::Expired,
            label: None,
            from: vec![],
            to: vec![],
            counts_as_member: false,
            renewable: false,
            renewal: None,
        },
    ]
}

#[cfg(test)]
mod tests {
    use time::macros::date;

    use crate::{Engine, Membership, RenewalKind, Status, Term};

    #[test]
    fn every_status_and_renewal_kind_is_listed_once_under_its_serialised_name() {
        for (i, s) in Status::ALL.iter().enumerate() {
            assert_eq!(serde_json::to_value(s).ok(), Some(serde_json::Value::from(s.as_str())));
            assert!(!Status::ALL[..i].contains(s));
        }
        for (i, k) in RenewalKind::ALL.iter().enumerate() {
            assert_eq!(serde_json::to_value(k).ok(), Some(serde_json::Value::from(k.as_str())));
            assert!(!RenewalKind::ALL[..i].contains(k));
        }
    }

    #[test]
    fn an_event_no_rule_reaches_does_not_fail_the_status() {
        // Active until 9999-11-01: grace ends 9999-12-01, the reinstatement end (six months on)
        // is past the last representable year. The `active` row decides before `lapsed` asks for it.
        let engine = Engine::from_preset("amscore").unwrap_or_else(|e| panic!("{e}"));
        let m = Membership {
            member_id: "M-1".into(),
            plan: "individual".into(),
            member_since: date!(9998 - 11 - 02),
            term: Term::new(date!(9998 - 11 - 02), Some(date!(9999 - 11 - 01))).unwrap_or_else(|e| panic!("{e}")),
            pending: false,
            cancelled_on: None,
            status_override: None,
            deceased_on: None,
            tax_exempt: false,
            pause: None,
            renewal_pending: false,
        };
        let status = engine.status_on(&m, date!(9999 - 10 - 01)).map(|s| s.status);
        assert_eq!(status, Ok(Status::Active));
        let err = engine.status_on(&m, date!(9999 - 12 - 20)).map(|s| s.status).unwrap_err();
        assert_eq!(err.to_string(), "date out of range: 9999-12-01 + 6 months");
    }
}
