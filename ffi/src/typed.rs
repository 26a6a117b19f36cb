//! Typed fast paths: status, join term and renewal term with `#[repr(C)]` structs, no JSON.

use std::cell::Cell;
use std::ffi::c_char;

use amscore::{
    Engine, MemberId, MemberStatus, Membership, Pause, PlanId, RenewalKind, RenewalTerm, Status, StatusOverride, Term,
};
use time::{Date, Month};

use crate::{ams_engine, ams_result, deref, guard, out_ptr, str_arg, Failure, AMS_MAX_ID_LEN};

thread_local! {
    /// This thread's last plan id, kept for the next call: a caller asking about one plan again
    /// and again (the common case) then allocates nothing for it.
    static PLAN_ID: Cell<Option<PlanId>> = const { Cell::new(None) };
}

/// A plan id equal to `plan`, reusing this thread's last one when it is the same.
pub(crate) fn plan_id(plan: &str) -> PlanId {
    match PLAN_ID.with(Cell::take) {
        Some(id) if id.as_str() == plan => id,
        _ => PlanId::from(plan),
    }
}

/// Keeps a plan id for this thread's next call (see [`plan_id`]).
pub(crate) fn recycle(id: PlanId) {
    PLAN_ID.with(|cell| cell.set(Some(id)));
}

/// A calendar date (proleptic Gregorian, no time zone). `month` is 1 to 12, `day` 1 to 31.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ams_date {
    /// The year, 1 to 9999 (the core's date grammar).
    pub year: i32,
    /// The month, 1 to 12.
    pub month: u8,
    /// The day of the month, 1 to 31.
    pub day: u8,
}

impl ams_date {
    pub(crate) fn to_date(self, argument: &str) -> Result<Date, Failure> {
        // The core's date grammar: years 1 to 9999 (time itself would take -9999 to 9999).
        let year = Some(self.year).filter(|y| (1..=9999).contains(y));
        let month = Month::try_from(self.month).ok();
        let date = year.zip(month).and_then(|(y, m)| Date::from_calendar_date(y, m, self.day).ok());
        date.ok_or_else(|| {
            let text = format!("{:04}-{:02}-{:02}", self.year, self.month, self.day);
            let mut f = Failure::core(&amscore::DateError::InvalidDate { text }.into());
            f.message = format!("{argument}: {}", f.message);
            f.at(argument)
        })
    }
}

impl From<Date> for ams_date {
    fn from(d: Date) -> ams_date {
        let (year, month, day) = d.to_calendar_date();
        ams_date { year, month: u8::from(month), day }
    }
}

/// A lifecycle status. `AMS_STATUS_NONE` (0) means "no status" where a status is optional.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ams_status {
    /// No status (only meaningful in `ams_membership.override_status`).
    None = 0,
    /// Applied, awaiting payment or approval.
    Pending = 1,
    /// Within the first months of membership.
    New = 2,
    /// Within a paid term.
    Active = 3,
    /// The term has ended, but the member is still treated as a member for a while.
    Grace = 4,
    /// No longer a member, but may still reinstate.
    Lapsed = 5,
    /// Must rejoin.
    Expired = 6,
    /// Cancelled.
    Cancelled = 7,
    /// Held by staff.
    Suspended = 8,
    /// The member has died.
    Deceased = 9,
}

const STATUSES: [(ams_status, Status); 9] = [
    (ams_status::Pending, Status::Pending),
    (ams_status::New, Status::New),
    (ams_status::Active, Status::Active),
    (ams_status::Grace, Status::Grace),
    (ams_status::Lapsed, Status::Lapsed),
    (ams_status::Expired, Status::Expired),
    (ams_status::Cancelled, Status::Cancelled),
    (ams_status::Suspended, Status::Suspended),
    (ams_status::Deceased, Status::Deceased),
];

impl From<Status> for ams_status {
    fn from(s: Status) -> ams_status {
        STATUSES.iter().find(|(_, core)| *core == s).map_or(ams_status::None, |(c, _)| *c)
    }
}

fn status_from_number(n: u32) -> Option<Status> {
    STATUSES.iter().find(|(c, _)| *c as u32 == n).map(|(_, s)| *s)
}

/// What a renewal does.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ams_renewal_kind {
    /// No renewal (only in `ams_assessment.renewal`, when renewing is refused).
    None = 0,
    /// A current member extends from the current term's end.
    Extend = 1,
    /// A lapsed member reinstates, keeping member-since.
    Reinstate = 2,
    /// A new join; member-since resets.
    Rejoin = 3,
}

impl From<RenewalKind> for ams_renewal_kind {
    fn from(kind: RenewalKind) -> ams_renewal_kind {
        // The C numbers are ABI: a test checks this mapping against the core's list of kinds.
        match kind {
            RenewalKind::Extend => ams_renewal_kind::Extend,
            RenewalKind::Reinstate => ams_renewal_kind::Reinstate,
            RenewalKind::Rejoin => ams_renewal_kind::Rejoin,
        }
    }
}

/// What the AMS knows about one membership (the facts of the JSON `membership` object). Zero
/// the struct first (`ams_membership m = {0};`): all-zero optional fields mean "not set".
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct ams_membership {
    /// The plan id (UTF-8, `plan_len` bytes, need not be NUL-terminated).
    pub plan: *const c_char,
    /// The length of `plan` in bytes.
    pub plan_len: usize,
    /// The member's join date.
    pub member_since: ams_date,
    /// The current term's first day.
    pub term_start: ams_date,
    /// The current term's last day (inclusive); ignored when `lifetime` is true.
    pub term_end: ams_date,
    /// The current term never ends.
    pub lifetime: bool,
    /// Applied, awaiting payment or approval.
    pub pending: bool,
    /// Whether `cancelled_on` is set.
    pub has_cancelled_on: bool,
    /// The day the membership was cancelled.
    pub cancelled_on: ams_date,
    /// Whether `deceased_on` is set.
    pub has_deceased_on: bool,
    /// The day the member died.
    pub deceased_on: ams_date,
    /// A staff override of the status (an `ams_status` number), or `AMS_STATUS_NONE`.
    pub override_status: u32,
    /// Whether `override_until` is set (otherwise the override holds indefinitely).
    pub has_override_until: bool,
    /// The last day the override holds.
    pub override_until: ams_date,
    /// The member pays no tax (false when zeroed): quotes carry zero tax lines and tax-inclusive
    /// prices are charged without their tax.
    pub tax_exempt: bool,
    /// Whether the membership has a pause (`pause_from` to `pause_to`, inside the term).
    pub has_pause: bool,
    /// The first paused day.
    pub pause_from: ams_date,
    /// The last paused day (inclusive).
    pub pause_to: ams_date,
    /// A renewal awaits payment: the status stays the current term's; an online renewal goes
    /// to staff (`renewal_already_pending`). Appended: zero (false) is today's behaviour.
    pub renewal_pending: bool,
}

impl ams_membership {
    /// # Safety
    /// `plan` must be valid for `plan_len` bytes of reading.
    pub(crate) unsafe fn read(&self) -> Result<Membership, Failure> {
        // SAFETY: the caller's contract.
        let plan = unsafe { str_arg(self.plan, self.plan_len, AMS_MAX_ID_LEN, "membership.plan") }?;
        let opt = |set: bool, d: ams_date, what: &str| set.then(|| d.to_date(what)).transpose();
        let status_override = match self.override_status {
            0 => None,
            n => Some(StatusOverride {
                status: status_from_number(n).ok_or_else(|| {
                    Failure::new(
                        ams_result::InvalidParameter,
                        format!("membership.override_status: {n} is not an ams_status"),
                    )
                    .at("membership.override_status")
                })?,
                until: opt(self.has_override_until, self.override_until, "membership.override_until")?,
            }),
        };
        Ok(Membership {
            member_id: MemberId(String::new()),
            plan: plan_id(plan),
            member_since: self.member_since.to_date("membership.member_since")?,
            term: Term {
                start: self.term_start.to_date("membership.term_start")?,
                end: opt(!self.lifetime, self.term_end, "membership.term_end")?,
            },
            pending: self.pending,
            cancelled_on: opt(self.has_cancelled_on, self.cancelled_on, "membership.cancelled_on")?,
            status_override,
            deceased_on: opt(self.has_deceased_on, self.deceased_on, "membership.deceased_on")?,
            tax_exempt: self.tax_exempt,
            pause: match self.has_pause {
                true => Some(Pause {
                    from: self.pause_from.to_date("membership.pause_from")?,
                    to: self.pause_to.to_date("membership.pause_to")?,
                }),
                false => None,
            },
            renewal_pending: self.renewal_pending,
        })
    }
}

/// A membership's status on a date, with what it allows. (The association's label for the
/// status is in the JSON gateway's `status_on` answer.)
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ams_member_status {
    /// The status.
    pub status: ams_status,
    /// Whether the member counts as a member (member pricing, voting, directory).
    pub counts_as_member: bool,
    /// Whether the member may renew.
    pub renewable: bool,
}

impl From<&MemberStatus> for ams_member_status {
    fn from(s: &MemberStatus) -> ams_member_status {
        ams_member_status { status: s.status.into(), counts_as_member: s.counts_as_member, renewable: s.renewable }
    }
}

/// The first term of a join.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ams_join_term {
    /// The member's join date (member-since).
    pub member_since: ams_date,
    /// The term's first day.
    pub term_start: ams_date,
    /// The term's last day (inclusive); zeroed when `lifetime` is true.
    pub term_end: ams_date,
    /// The term never ends.
    pub lifetime: bool,
    /// The join fell on or after the rollover day, so the term also covers the next period.
    pub rolled_over: bool,
}

/// The outcome of a renewal.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ams_renewal {
    /// Extend, reinstate or rejoin.
    pub kind: ams_renewal_kind,
    /// The member's status on the renewal date.
    pub status_before: ams_status,
    /// The plan of the new term (differs from the membership's for progressions such as
    /// `student-y1` to `student-y2`). Points into the engine: valid until `ams_engine_free`;
    /// not NUL-terminated.
    pub plan: *const c_char,
    /// The length of `plan` in bytes.
    pub plan_len: usize,
    /// The new term's first day.
    pub term_start: ams_date,
    /// The new term's last day (inclusive); zeroed when `lifetime` is true.
    pub term_end: ams_date,
    /// The new term never ends.
    pub lifetime: bool,
    /// How many terms were bought.
    pub terms: u32,
    /// Member-since after the renewal.
    pub member_since: ams_date,
}

impl ams_renewal {
    /// No renewal: every field zero, the plan NULL (`ams_assessment.renewal` when renewing is
    /// refused).
    pub(crate) const NONE: ams_renewal = ams_renewal {
        kind: ams_renewal_kind::None,
        status_before: ams_status::None,
        plan: std::ptr::null(),
        plan_len: 0,
        term_start: NO_DATE,
        term_end: NO_DATE,
        lifetime: false,
        terms: 0,
        member_since: NO_DATE,
    };

    /// The C form of a core renewal; its plan id is lent from the engine, which owns its plans.
    pub(crate) fn from_core(engine: &Engine, r: &RenewalTerm) -> Result<ams_renewal, Failure> {
        let plan = engine.plan(&r.plan).map_err(amscore::Error::from)?;
        Ok(ams_renewal {
            kind: r.kind.into(),
            status_before: r.status_before.into(),
            plan: plan.id.as_str().as_ptr().cast(),
            plan_len: plan.id.as_str().len(),
            term_start: r.term.start.into(),
            term_end: r.term.end.map_or(NO_DATE, ams_date::from),
            lifetime: r.term.end.is_none(),
            terms: r.terms,
            member_since: r.member_since.into(),
        })
    }
}

pub(crate) const NO_DATE: ams_date = ams_date { year: 0, month: 0, day: 0 };

/// The status of a membership on a date (the JSON gateway's `status_on`).
///
/// # Safety
/// `engine` must come from `ams_engine_new_*`; `membership` must point to a valid
/// `ams_membership` whose `plan` is valid for `plan_len` bytes; `status_out` must be valid for
/// writing.
///
/// # Errors
/// `AMS_RESULT_NULL_PARAMETER`, `AMS_RESULT_INPUT_TOO_LONG`, `AMS_RESULT_INVALID_UTF8`, `AMS_RESULT_INVALID_PARAMETER`,
/// `AMS_RESULT_INVALID_DATE`, and the lifecycle errors (1300 block).
#[no_mangle]
pub unsafe extern "C" fn ams_engine_status_on(
    engine: *const ams_engine,
    membership: *const ams_membership,
    date: ams_date,
    status_out: *mut ams_member_status,
) -> ams_result {
    guard(|| {
        // SAFETY: the caller's contract.
        let engine = unsafe { deref(engine, "engine") }?;
        // SAFETY: the caller's contract.
        let membership = unsafe { deref(membership, "membership") }?;
        let status_out = out_ptr(status_out, "status_out")?;
        // SAFETY: the caller's contract.
        let m = unsafe { membership.read() }?;
        let s = date.to_date("date").and_then(|d| Ok(engine.engine.status_on(&m, d)?));
        recycle(m.plan);
        let s = s?;
        let out = ams_member_status::from(&s);
        // SAFETY: checked non-NULL; the caller's contract.
        unsafe { status_out.write(out) };
        Ok(())
    })
}

/// The first term of a member joining plan `plan` (UTF-8, `plan_len` bytes) on `date`, buying
/// `terms` terms at once (the JSON gateway's `join_term`).
///
/// # Safety
/// `engine` must come from `ams_engine_new_*`; `plan` must be valid for `plan_len` bytes;
/// `term_out` must be valid for writing.
///
/// # Errors
/// `AMS_RESULT_NULL_PARAMETER`, `AMS_RESULT_INPUT_TOO_LONG`, `AMS_RESULT_INVALID_UTF8`, `AMS_RESULT_INVALID_DATE`,
/// `AMS_RESULT_UNKNOWN_PLAN`, `AMS_RESULT_INVALID_TERM_COUNT`, `AMS_RESULT_DATE_OUT_OF_RANGE`.
#[no_mangle]
pub unsafe extern "C" fn ams_engine_join_term(
    engine: *const ams_engine,
    plan: *const c_char,
    plan_len: usize,
    date: ams_date,
    terms: u32,
    term_out: *mut ams_join_term,
) -> ams_result {
    // SAFETY: the caller's contract; NULL dates are no dates, the plan's own first term.
    unsafe { ams_engine_join_term_dated(engine, plan, plan_len, date, terms, std::ptr::null(), term_out) }
}

/// Staff-entered dates of a join (the JSON gateway's `start` and `end` on `join_term` and
/// `quote_join`). All zero: no dates, the plan's own first term.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ams_join_dates {
    /// Whether `start` is set.
    pub has_start: bool,
    /// The term's first day (on or before the join date), kept as given; the end follows the
    /// plan's period from it.
    pub start: ams_date,
    /// Whether `end` is set.
    pub has_end: bool,
    /// The term's last day (on or after the join date, at most the end of the terms bought).
    pub end: ams_date,
}

impl ams_join_dates {
    pub(crate) fn to_dates(self) -> Result<amscore::JoinDates, Failure> {
        let start = if self.has_start { Some(self.start.to_date("dates.start")?) } else { None };
        let end = if self.has_end { Some(self.end.to_date("dates.end")?) } else { None };
        Ok(amscore::JoinDates { start, end })
    }
}

/// [`ams_engine_join_term`] with staff-entered dates: `dates` may be NULL (no dates).
///
/// # Safety
/// As [`ams_engine_join_term`]; `dates`, when not NULL, must point to a valid `ams_join_dates`.
///
/// # Errors
/// Those of [`ams_engine_join_term`], and the dates' lifecycle errors (1320 to 1324).
#[no_mangle]
pub unsafe extern "C" fn ams_engine_join_term_dated(
    engine: *const ams_engine,
    plan: *const c_char,
    plan_len: usize,
    date: ams_date,
    terms: u32,
    dates: *const ams_join_dates,
    term_out: *mut ams_join_term,
) -> ams_result {
    guard(|| {
        // SAFETY: the caller's contract.
        let engine = unsafe { deref(engine, "engine") }?;
        // SAFETY: the caller's contract.
        let plan = unsafe { str_arg(plan, plan_len, AMS_MAX_ID_LEN, "plan") }?;
        let term_out = out_ptr(term_out, "term_out")?;
        // SAFETY: the caller's contract (NULL is no dates).
        let dates = match unsafe { dates.as_ref() } {
            Some(d) => d.to_dates()?,
            None => amscore::JoinDates::default(),
        };
        let id = plan_id(plan);
        let j = date.to_date("date").and_then(|d| Ok(engine.engine.join_term_dated(&id, d, terms, dates)?));
        recycle(id);
        let j = j?;
        let out = ams_join_term {
            member_since: j.member_since.into(),
            term_start: j.term.start.into(),
            term_end: j.term.end.map_or(NO_DATE, ams_date::from),
            lifetime: j.term.end.is_none(),
            rolled_over: j.rolled_over,
        };
        // SAFETY: checked non-NULL; the caller's contract.
        unsafe { term_out.write(out) };
        Ok(())
    })
}

/// The new term if the member renews on `date`, buying `terms` terms (the JSON gateway's
/// `renewal_term`).
///
/// # Safety
/// `engine` must come from `ams_engine_new_*`; `membership` must point to a valid
/// `ams_membership` whose `plan` is valid for `plan_len` bytes; `renewal_out` must be valid for
/// writing.
///
/// # Errors
/// `AMS_RESULT_NULL_PARAMETER`, `AMS_RESULT_INPUT_TOO_LONG`, `AMS_RESULT_INVALID_UTF8`, `AMS_RESULT_INVALID_PARAMETER`,
/// `AMS_RESULT_INVALID_DATE`, the renewal errors (1400 block) and the lifecycle errors (1300).
#[no_mangle]
pub unsafe extern "C" fn ams_engine_renewal_term(
    engine: *const ams_engine,
    membership: *const ams_membership,
    date: ams_date,
    terms: u32,
    renewal_out: *mut ams_renewal,
) -> ams_result {
    guard(|| {
        // SAFETY: the caller's contract.
        let engine = unsafe { deref(engine, "engine") }?;
        // SAFETY: the caller's contract.
        let membership = unsafe { deref(membership, "membership") }?;
        let renewal_out = out_ptr(renewal_out, "renewal_out")?;
        // SAFETY: the caller's contract.
        let m = unsafe { membership.read() }?;
        let r = date.to_date("date").and_then(|d| Ok(engine.engine.renewal_term(&m, d, terms)?));
        recycle(m.plan);
        let out = ams_renewal::from_core(&engine.engine, &r?)?;
        // SAFETY: checked non-NULL; the caller's contract.
        unsafe { renewal_out.write(out) };
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::header_enumerators;

    /// The snake_case names the core's policy schema lists for one of its enums.
    fn core_names(definition: &str) -> Vec<String> {
        let schema = amscore::policy_schema();
        schema["$defs"][definition]["oneOf"]
            .as_array()
            .unwrap_or_else(|| panic!("{definition} in the policy schema"))
            .iter()
            .map(|v| v["const"].as_str().expect("a name").to_owned())
            .collect()
    }

    #[test]
    fn ams_status_numbers_every_core_status_by_its_name() {
        let header = header_enumerators("AMS_STATUS_");
        let core = core_names("Status");
        let mut c_names: Vec<&String> = header.keys().filter(|n| *n != "none").collect();
        c_names.sort();
        let mut core_sorted: Vec<&String> = core.iter().collect();
        core_sorted.sort();
        assert_eq!(c_names, core_sorted, "the header's ams_status names against the core's statuses");
        assert_eq!(header.get("none"), Some(&0));
        for name in &core {
            let status: Status = serde_json::from_value(serde_json::json!(name)).expect("a core status");
            assert_eq!(status.as_str(), name);
            let number = ams_status::from(status) as u32;
            assert_eq!(Some(&number), header.get(name), "ams_status for {name}");
            assert_eq!(status_from_number(number), Some(status), "the status numbered {number}");
        }
    }

    #[test]
    fn ams_renewal_kind_numbers_every_core_renewal_kind_by_its_name() {
        let header = header_enumerators("AMS_RENEWAL_KIND_");
        let core = core_names("RenewalKind");
        assert_eq!(header.len(), core.len() + 1, "the core's kinds and NONE: {header:?}");
        assert_eq!(header.get("none"), Some(&0));
        for name in &core {
            let kind: RenewalKind = serde_json::from_value(serde_json::json!(name)).expect("a core renewal kind");
            assert_eq!(Some(&(ams_renewal_kind::from(kind) as u32)), header.get(name), "ams_renewal_kind for {name}");
        }
    }
}
