//! The roster benchmark of issue 15, its Rust half: a hand-written loop of the amscore preset's
//! rules over plain columns, checked against amscore's one call per member
//! ([`Engine::assess`]) on every row, and the time of each in nanoseconds per member.
//!
//! `benches/roster.py` writes the roster (a CSV of `member_id,plan,member_since,term_start,
//! term_end,pending`), runs this benchmark on it and prints one table with the Python
//! implementations; `benches/README.md` ("Roster kernel") has the numbers. Run alone:
//!
//! ```text
//! cargo bench -p amscore --bench roster -- ROSTER.csv [--as-of 2026-01-20] [--repeat 5] [--tsv] [--kernel-only]
//! ```
//!
//! The rules measured, per member as of a date: the lifecycle status, the renewal (kind, plan,
//! term, member-since) or why it is refused (the window not open yet, with the day it opens),
//! and the renewal quote's total in cents. The hand loop knows only what the roster uses: the
//! preset's rolling one-year plans (`individual`, `retired`, `student-y1`, `student-y2`), one
//! term bought, a term's end the day before its anniversary, months added with the day clamped
//! to the month's end, reinstatements back-dated, no multi-term discount. Its plan table is
//! checked against the preset before anything is timed.
//!
//! Times are wall clock, the best of `--repeat` runs (the machine is shared: the best run is the
//! one least disturbed by the neighbours). A run covers the whole roster and writes one answer
//! per member; the roster's columns (and amscore's [`Membership`] values) are built beforehand.

use std::error::Error as StdError;
use std::fmt::Write as _;
use std::hint::black_box;
use std::time::Instant;

use amscore::kernel::{Bools, Dates, MemberColumns, RosterOptions, Strings, Text, Validity};
use amscore::{
    Engine, Error, ErrorCode, MemberId, Membership, RenewalError, RenewalKind, Status, Term, TermRule, Unit,
};
use time::Date;

type BoxError = Box<dyn StdError + Send + Sync>;

/// The Julian day of 1970-01-01: day numbers here count from it, as Arrow's `date32` does.
const UNIX_EPOCH_JULIAN_DAY: i32 = 2_440_588;

// ---- the hand-written loop ----------------------------------------------------------------------

/// One plan's rules, as the hand loop knows them (every plan here is rolling, one year long).
#[derive(Debug, Clone, Copy)]
struct PlanRules {
    id: &'static str,
    /// The renewal window opens this many days before the term's last day.
    opens_days: i32,
    /// Grace after the term's last day, in days.
    grace_days: i32,
    /// The reinstatement window after grace, in months.
    reinstatement_months: i32,
    /// The plan of a renewed (extended or reinstated) term: a progression, or the plan itself.
    renew_to: u8,
    /// A member who must rejoin cannot rejoin this plan.
    renewal_only: bool,
    /// Dues of one term, joining or renewing (no plan here has a separate renewal price), cents.
    dues: i64,
    join_fee: i64,
    reinstatement_fee: i64,
    /// Renewing in grace.
    late_fee: i64,
}

/// The amscore preset's rolling plans (`core/presets/amscore.json`). Amounts in cents, written
/// dollars_cents.
#[allow(clippy::inconsistent_digit_grouping)]
const PLANS: [PlanRules; 4] = [
    PlanRules {
        id: "individual",
        opens_days: 90,
        grace_days: 30,
        reinstatement_months: 6,
        renew_to: 0,
        renewal_only: false,
        dues: 200_00,
        join_fee: 25_00,
        reinstatement_fee: 25_00,
        late_fee: 10_00,
    },
    PlanRules {
        id: "retired",
        opens_days: 90,
        grace_days: 30,
        reinstatement_months: 6,
        renew_to: 1,
        renewal_only: false,
        dues: 90_00,
        join_fee: 0,
        reinstatement_fee: 0,
        late_fee: 0,
    },
    PlanRules {
        id: "student-y1",
        opens_days: 60,
        grace_days: 30,
        reinstatement_months: 3,
        renew_to: 3,
        renewal_only: false,
        dues: 50_00,
        join_fee: 0,
        reinstatement_fee: 0,
        late_fee: 0,
    },
    PlanRules {
        id: "student-y2",
        opens_days: 60,
        grace_days: 30,
        reinstatement_months: 3,
        renew_to: 0,
        renewal_only: true,
        dues: 75_00,
        join_fee: 0,
        reinstatement_fee: 0,
        late_fee: 0,
    },
];

/// The lifecycle statuses a member of the roster can have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Lifecycle {
    Pending,
    New,
    Active,
    Grace,
    Lapsed,
    Expired,
    /// Any other status, or an error (only amscore's answers can have one).
    Other,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Extend,
    Reinstate,
    Rejoin,
}

/// Why renewing is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Refusal {
    WindowNotOpen {
        opens_on: i32,
    },
    NotRenewable,
    RejoinOnRenewalOnlyPlan,
    BackdateTooShort,
    /// Any other error (only amscore's answers can have one).
    Other,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Renewal {
    kind: Kind,
    /// The new term's plan, an index into [`PLANS`].
    plan: u8,
    start: i32,
    end: i32,
    member_since: i32,
    /// The renewal quote's total in cents (`i64::MIN` where amscore could not price it).
    total: i64,
}

/// One member's answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Answer {
    status: Lifecycle,
    renewal: Result<Renewal, Refusal>,
}

const UNANSWERED: Answer = Answer { status: Lifecycle::Other, renewal: Err(Refusal::Other) };

/// The roster as plain columns (days since 1970-01-01, a plan index), and as amscore's
/// memberships built from the same rows.
struct Roster {
    plan: Vec<u8>,
    member_since: Vec<i32>,
    term_end: Vec<i32>,
    pending: Vec<bool>,
    memberships: Vec<Membership>,
    /// The same rows as the columns amscore's kernel reads (Arrow's layout).
    columns: Columns,
}

/// The roster's columns in Arrow's layout: member ids as UTF-8 with offsets, plans as a
/// dictionary of [`PLANS`]' ids, days since 1970-01-01, pending as bits.
#[derive(Default)]
struct Columns {
    id_offsets: Vec<i32>,
    id_data: Vec<u8>,
    plan_keys: Vec<i32>,
    plan_offsets: Vec<i32>,
    plan_data: Vec<u8>,
    member_since: Vec<i32>,
    term_start: Vec<i32>,
    term_end: Vec<i32>,
    pending: Vec<u8>,
}

impl Columns {
    fn view(&self) -> MemberColumns<'_> {
        fn days(days: &[i32]) -> Dates<'_> {
            Dates::Days { days, valid: None }
        }
        MemberColumns {
            rows: self.plan_keys.len(),
            member_id: Text::Plain {
                values: Strings::Utf8 { offsets: &self.id_offsets, data: &self.id_data },
                valid: None,
            },
            plan: Text::Dictionary {
                keys: &self.plan_keys,
                valid: None,
                values: Strings::Utf8 { offsets: &self.plan_offsets, data: &self.plan_data },
            },
            member_since: days(&self.member_since),
            term_start: days(&self.term_start),
            term_end: days(&self.term_end),
            pending: Bools::Bits { values: Validity::new(&self.pending, 0), rows: self.plan_keys.len(), valid: None },
            ..MemberColumns::default()
        }
    }
}

/// (year, month 1..=12, day 1..=31) of a day number (Howard Hinnant's `civil_from_days`).
fn civil(days: i32) -> (i32, i32, i32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i32::from(month <= 2);
    (year, month, day)
}

/// The day number of a date (Howard Hinnant's `days_from_civil`).
fn days_from_civil(year: i32, month: i32, day: i32) -> i32 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = if month > 2 { month - 3 } else { month + 9 };
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn days_in_month(year: i32, month: i32) -> i32 {
    match month {
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// `months` calendar months after a day, the day clamped to the last of a shorter month.
fn add_months(days: i32, months: i32) -> i32 {
    let (year, month, day) = civil(days);
    let index = year * 12 + month - 1 + months;
    let (year, month) = (index.div_euclid(12), index.rem_euclid(12) + 1);
    days_from_civil(year, month, day.min(days_in_month(year, month)))
}

/// The last day of a one-year term that starts on `start`.
fn year_end(start: i32) -> i32 {
    add_months(start, 12) - 1
}

/// One member's answer by the preset's rules.
fn assess_by_hand(plan: u8, member_since: i32, term_end: i32, pending: bool, as_of: i32) -> Answer {
    if pending {
        return Answer { status: Lifecycle::Pending, renewal: Err(Refusal::NotRenewable) };
    }
    let p = &PLANS[usize::from(plan)];
    let grace_end = term_end + p.grace_days;
    let status = if as_of <= term_end && as_of < add_months(member_since, 3) {
        Lifecycle::New
    } else if as_of <= term_end {
        Lifecycle::Active
    } else if as_of <= grace_end {
        Lifecycle::Grace
    } else if as_of <= add_months(grace_end, p.reinstatement_months) {
        Lifecycle::Lapsed
    } else {
        Lifecycle::Expired
    };
    let renewal = match status {
        Lifecycle::Expired if p.renewal_only => Err(Refusal::RejoinOnRenewalOnlyPlan),
        Lifecycle::Expired => Ok(Renewal {
            kind: Kind::Rejoin,
            plan,
            start: as_of,
            end: year_end(as_of),
            member_since: as_of,
            total: p.dues + p.join_fee,
        }),
        _ if status != Lifecycle::Lapsed && as_of < term_end - p.opens_days => {
            Err(Refusal::WindowNotOpen { opens_on: term_end - p.opens_days })
        }
        _ => {
            let (kind, fee) = match status {
                Lifecycle::Lapsed => (Kind::Reinstate, p.reinstatement_fee),
                Lifecycle::Grace => (Kind::Extend, p.late_fee),
                _ => (Kind::Extend, 0),
            };
            let end = year_end(term_end + 1);
            if end < as_of {
                Err(Refusal::BackdateTooShort)
            } else {
                let total = PLANS[usize::from(p.renew_to)].dues + fee;
                Ok(Renewal { kind, plan: p.renew_to, start: term_end + 1, end, member_since, total })
            }
        }
    };
    Answer { status, renewal }
}

/// The hand-written loop over the whole roster.
fn hand_loop(roster: &Roster, as_of: i32, out: &mut [Answer]) {
    let rows = roster.plan.iter().zip(&roster.member_since).zip(&roster.term_end).zip(&roster.pending);
    for (answer, (((&plan, &since), &end), &pending)) in out.iter_mut().zip(rows) {
        *answer = assess_by_hand(plan, since, end, pending, as_of);
    }
}

// ---- amscore ------------------------------------------------------------------------------------

fn day_number(date: Date) -> i32 {
    date.to_julian_day() - UNIX_EPOCH_JULIAN_DAY
}

fn date_of(days: i32) -> Result<Date, BoxError> {
    Ok(Date::from_julian_day(days + UNIX_EPOCH_JULIAN_DAY)?)
}

/// amscore's assessment in the hand loop's terms.
fn answer_of(engine: &Engine, membership: &Membership, as_of: Date) -> Answer {
    let Ok(a) = engine.assess(membership, as_of, 1, false) else { return UNANSWERED };
    let status = match a.status.status {
        Status::Pending => Lifecycle::Pending,
        Status::New => Lifecycle::New,
        Status::Active => Lifecycle::Active,
        Status::Grace => Lifecycle::Grace,
        Status::Lapsed => Lifecycle::Lapsed,
        Status::Expired => Lifecycle::Expired,
        _ => Lifecycle::Other,
    };
    let renewal = match &a.renewal {
        Ok(r) => Ok(Renewal {
            kind: match r.kind {
                RenewalKind::Extend => Kind::Extend,
                RenewalKind::Reinstate => Kind::Reinstate,
                RenewalKind::Rejoin => Kind::Rejoin,
            },
            plan: PLANS
                .iter()
                .position(|p| p.id == r.plan.as_str())
                .and_then(|i| u8::try_from(i).ok())
                .unwrap_or(u8::MAX),
            start: day_number(r.term.start),
            end: r.term.end.map_or(i32::MIN, day_number),
            member_since: day_number(r.member_since),
            total: a.quote_total.as_ref().ok().and_then(|t| t.to_minor_units().ok()).unwrap_or(i64::MIN),
        }),
        Err(Error::Renewal(RenewalError::WindowNotOpen { opens_on })) => {
            Err(Refusal::WindowNotOpen { opens_on: day_number(*opens_on) })
        }
        Err(Error::Renewal(RenewalError::NotRenewable { .. })) => Err(Refusal::NotRenewable),
        Err(Error::Renewal(RenewalError::RejoinOnRenewalOnlyPlan { .. })) => Err(Refusal::RejoinOnRenewalOnlyPlan),
        Err(Error::Renewal(RenewalError::BackdateTooShort { .. })) => Err(Refusal::BackdateTooShort),
        Err(_) => Err(Refusal::Other),
    };
    Answer { status, renewal }
}

/// amscore's per-member call, [`Engine::assess`] (the single call a Rust user would loop over),
/// the rows split evenly between `threads` scoped threads. The kernel is [`roster_kernel`].
///
/// Returns the CPU time its threads used, in ns, each thread's read by the thread itself (the
/// process's CPU clock can miss a thread that has finished its work but not yet exited).
fn amscore_single_calls(engine: &Engine, roster: &Roster, as_of: Date, threads: usize, out: &mut [Answer]) -> f64 {
    let per_thread = roster.memberships.len().div_ceil(threads.max(1)).max(1);
    std::thread::scope(|scope| {
        let workers: Vec<_> = roster
            .memberships
            .chunks(per_thread)
            .zip(out.chunks_mut(per_thread))
            .map(|(members, answers)| {
                scope.spawn(move || {
                    let started = thread_cpu_ns();
                    for (m, answer) in members.iter().zip(answers) {
                        *answer = answer_of(engine, m, as_of);
                    }
                    thread_cpu_ns() - started
                })
            })
            .collect();
        workers.into_iter().map(|w| w.join().unwrap_or(f64::NAN)).sum()
    })
}

/// The CPU time of the whole process in ns (`CLOCK_PROCESS_CPUTIME_ID`): the kernel's threads are
/// rayon's.
fn process_cpu_ns() -> f64 {
    const CLOCK_PROCESS_CPUTIME_ID: i32 = 2;
    let mut ts = Timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: `ts` is a valid, writable timespec for the duration of the call.
    let _ = unsafe { clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &mut ts) };
    ts.tv_sec as f64 * 1e9 + ts.tv_nsec as f64
}

/// amscore's roster kernel ([`Engine::assess_roster`]) over the roster's columns on `threads`
/// threads (0: every core), its answers in the hand loop's terms; returns the process's CPU time.
fn roster_kernel(engine: &Engine, roster: &Roster, as_of: Date, threads: usize, out: &mut [Answer]) -> f64 {
    let started = process_cpu_ns();
    let options = RosterOptions { date: as_of, terms: 1, decide: false, threads };
    let answers = match engine.assess_roster(&[roster.columns.view()], &options) {
        Ok(a) => a,
        Err(_) => return f64::NAN,
    };
    let cpu = process_cpu_ns() - started;
    let codes = Refusals::new();
    let plans: Vec<u8> = engine
        .rules()
        .plans()
        .iter()
        .map(|p| PLANS.iter().position(|q| q.id == p.id.as_str()).and_then(|i| u8::try_from(i).ok()).unwrap_or(u8::MAX))
        .collect();
    for (a, o) in answers.answers.iter().zip(out.iter_mut()) {
        *o = kernel_answer(a, &codes, &plans);
    }
    cpu
}

/// The error codes of the refusals the hand loop names.
struct Refusals {
    window: u32,
    not_renewable: u32,
    renewal_only: u32,
    backdate: u32,
}

impl Refusals {
    fn new() -> Refusals {
        let d = Date::MIN;
        Refusals {
            window: RenewalError::WindowNotOpen { opens_on: d }.code(),
            not_renewable: RenewalError::NotRenewable { status: Status::Pending }.code(),
            renewal_only: RenewalError::RejoinOnRenewalOnlyPlan { plan: String::new() }.code(),
            backdate: RenewalError::BackdateTooShort { start: d, end: d, date: d, terms: 1 }.code(),
        }
    }
}

/// A kernel answer in the hand loop's terms.
fn kernel_answer(a: &amscore::kernel::Answer, codes: &Refusals, plans: &[u8]) -> Answer {
    let status = match a.status {
        Some(Status::Pending) => Lifecycle::Pending,
        Some(Status::New) => Lifecycle::New,
        Some(Status::Active) => Lifecycle::Active,
        Some(Status::Grace) => Lifecycle::Grace,
        Some(Status::Lapsed) => Lifecycle::Lapsed,
        Some(Status::Expired) => Lifecycle::Expired,
        _ => return UNANSWERED,
    };
    let renewal = match (a.renewal_kind, a.refusal) {
        (Some(kind), _) => Ok(Renewal {
            kind: match kind {
                RenewalKind::Extend => Kind::Extend,
                RenewalKind::Reinstate => Kind::Reinstate,
                RenewalKind::Rejoin => Kind::Rejoin,
            },
            plan: a.renewal_plan.and_then(|p| plans.get(p as usize).copied()).unwrap_or(u8::MAX),
            start: a.renewal_start.map_or(i32::MIN, day_number),
            end: a.renewal_end.map_or(i32::MIN, day_number),
            member_since: a.renewal_member_since.map_or(i32::MIN, day_number),
            total: a.quote_total.unwrap_or(i64::MIN),
        }),
        (None, Some(c)) if c == codes.window => {
            Err(Refusal::WindowNotOpen { opens_on: a.refused_until.map_or(i32::MIN, day_number) })
        }
        (None, Some(c)) if c == codes.not_renewable => Err(Refusal::NotRenewable),
        (None, Some(c)) if c == codes.renewal_only => Err(Refusal::RejoinOnRenewalOnlyPlan),
        (None, Some(c)) if c == codes.backdate => Err(Refusal::BackdateTooShort),
        _ => Err(Refusal::Other),
    };
    Answer { status, renewal }
}

/// Checks the hand loop's plan table against the preset's plans.
fn check_plans(engine: &Engine) -> Result<(), BoxError> {
    let rules = engine.rules();
    for p in &PLANS {
        let plan = rules.plan_by_id(p.id)?;
        let cents = |amount: Option<rust_decimal::Decimal>| -> Result<i64, BoxError> {
            Ok(amscore::Money::new(amount.unwrap_or_default(), plan.prices.currency).to_minor_units()?)
        };
        let length = |l: Option<amscore::Length>, unit: Unit| l.filter(|l| l.unit == unit).map(|l| l.count);
        let renew_to = plan.renew_to.as_ref().map_or(plan.id.as_str(), |to| to.as_str());
        let agrees = matches!(plan.term, TermRule::Rolling { length } if length == amscore::Length::new(1, Unit::Year))
            && plan.windows.renewal_opens_days == u32::try_from(p.opens_days).ok()
            && length(plan.windows.grace, Unit::Day) == u32::try_from(p.grace_days).ok()
            && length(plan.windows.reinstatement, Unit::Month) == u32::try_from(p.reinstatement_months).ok()
            && PLANS[usize::from(p.renew_to)].id == renew_to
            && plan.flags.renewal_only == p.renewal_only
            && plan.prices.renewal.is_none()
            && cents(Some(plan.prices.dues))? == p.dues
            && cents(plan.prices.join_fee)? == p.join_fee
            && cents(plan.prices.reinstatement_fee)? == p.reinstatement_fee
            && cents(plan.prices.late_fee)? == p.late_fee;
        if !agrees {
            return Err(format!("the hand loop's plan `{}` is not the preset's: {p:?} vs {plan:?}", p.id).into());
        }
    }
    Ok(())
}

// ---- the roster file ----------------------------------------------------------------------------

/// A `YYYY-MM-DD` date as a day number.
fn parse_day(text: &[u8]) -> Result<i32, BoxError> {
    let text = std::str::from_utf8(text)?;
    let mut parts = text.splitn(3, '-').map(str::parse::<i32>);
    match (parts.next(), parts.next(), parts.next()) {
        (Some(Ok(y)), Some(Ok(m)), Some(Ok(d))) if (1..=12).contains(&m) && (1..=days_in_month(y, m)).contains(&d) => {
            Ok(days_from_civil(y, m, d))
        }
        _ => Err(format!("not a date: {text:?}").into()),
    }
}

fn read_roster(path: &str) -> Result<Roster, BoxError> {
    let mut reader = csv::Reader::from_path(path)?;
    let headers = reader.byte_headers()?.clone();
    let column = |name: &str| -> Result<usize, BoxError> {
        headers.iter().position(|h| h == name.as_bytes()).ok_or_else(|| format!("{path}: no column `{name}`").into())
    };
    let [id, plan, since, start, end, pending] =
        ["member_id", "plan", "member_since", "term_start", "term_end", "pending"].map(column);
    let (id, plan, since, start, end, pending) = (id?, plan?, since?, start?, end?, pending?);
    let mut roster = Roster {
        plan: vec![],
        member_since: vec![],
        term_end: vec![],
        pending: vec![],
        memberships: vec![],
        columns: Columns { id_offsets: vec![0], plan_offsets: vec![0], ..Columns::default() },
    };
    for p in &PLANS {
        roster.columns.plan_data.extend_from_slice(p.id.as_bytes());
        roster.columns.plan_offsets.push(i32::try_from(roster.columns.plan_data.len())?);
    }
    let mut record = csv::ByteRecord::new();
    while reader.read_byte_record(&mut record)? {
        let field = |i: usize| record.get(i).unwrap_or_default();
        let plan_id = std::str::from_utf8(field(plan))?;
        let plan_index =
            PLANS.iter().position(|p| p.id == plan_id).ok_or_else(|| format!("unknown plan {plan_id:?}"))?;
        let (since, start, end) = (parse_day(field(since))?, parse_day(field(start))?, parse_day(field(end))?);
        let pending = matches!(field(pending), b"true" | b"True" | b"1");
        let c = &mut roster.columns;
        c.id_data.extend_from_slice(field(id));
        c.id_offsets.push(i32::try_from(c.id_data.len())?);
        c.plan_keys.push(i32::try_from(plan_index)?);
        c.member_since.push(since);
        c.term_start.push(start);
        c.term_end.push(end);
        let row = c.plan_keys.len() - 1;
        if row % 8 == 0 {
            c.pending.push(0);
        }
        if let (true, Some(b)) = (pending, c.pending.last_mut()) {
            *b |= 1 << (row % 8);
        }
        roster.plan.push(u8::try_from(plan_index)?);
        roster.member_since.push(since);
        roster.term_end.push(end);
        roster.pending.push(pending);
        roster.memberships.push(Membership {
            member_id: MemberId(std::str::from_utf8(field(id))?.to_owned()),
            plan: plan_id.into(),
            member_since: date_of(since)?,
            term: Term::new(date_of(start)?, Some(date_of(end)?))?,
            pending,
            cancelled_on: None,
            status_override: None,
            deceased_on: None,
            tax_exempt: false,
            pause: None,
            renewal_pending: false,
        });
    }
    Ok(roster)
}

// ---- timing and the report ----------------------------------------------------------------------

/// `struct timespec` on 64-bit Linux.
#[repr(C)]
struct Timespec {
    tv_sec: i64,
    tv_nsec: i64,
}

unsafe extern "C" {
    fn clock_gettime(clock: i32, ts: *mut Timespec) -> i32;
}

/// This thread's CPU time in ns (`CLOCK_THREAD_CPUTIME_ID`). Linux only, as
/// `ffi/examples/core_timing.rs`.
fn thread_cpu_ns() -> f64 {
    const CLOCK_THREAD_CPUTIME_ID: i32 = 3;
    let mut ts = Timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: `ts` is a valid, writable timespec for the duration of the call.
    let _ = unsafe { clock_gettime(CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    ts.tv_sec as f64 * 1e9 + ts.tv_nsec as f64
}

/// The best time of several runs, in nanoseconds per member.
#[derive(Debug, Clone, Copy)]
struct Best {
    wall: f64,
    cpu: f64,
}

impl Best {
    const NONE: Best = Best { wall: f64::INFINITY, cpu: f64::INFINITY };

    /// Times one run of `run` over `members` members; `run` returns the CPU time it used (summed
    /// over its threads).
    fn time(&mut self, members: usize, run: impl FnOnce() -> f64) {
        let members = members.max(1) as f64;
        let started = Instant::now();
        self.cpu = self.cpu.min(run() / members);
        self.wall = self.wall.min(started.elapsed().as_secs_f64() * 1e9 / members);
    }
}

/// The rows where two answer columns differ: a count and the first few, described.
fn differences(roster: &Roster, a: &[Answer], b: &[Answer], what: &str) -> (usize, String) {
    let mut count = 0;
    let mut text = String::new();
    for (i, (x, y)) in a.iter().zip(b).enumerate() {
        if x != y {
            count += 1;
            if count <= 3 {
                let _ = writeln!(text, "  row {i} ({:?}): {what}: {x:?} vs {y:?}", roster.memberships[i]);
            }
        }
    }
    (count, text)
}

/// `--kernel-only`: the kernel on one thread, `repeat` times, checked against `Engine::assess`
/// (untimed) on every row; the profile of the kernel alone, e.g. under callgrind:
///
/// ```text
/// valgrind --tool=callgrind --toggle-collect='amscore::engine::Engine::assess_roster' \
///     target/release/deps/roster-HASH ROSTER.csv --kernel-only --repeat 1
/// ```
fn kernel_only(engine: &Engine, roster: &Roster, as_of: Date, repeat: usize) -> Result<(), BoxError> {
    let n = roster.plan.len();
    let mut by_amscore = vec![UNANSWERED; n];
    amscore_single_calls(engine, roster, as_of, 1, &mut by_amscore);
    let mut by_kernel = vec![UNANSWERED; n];
    let mut best = Best::NONE;
    for _ in 0..repeat.max(1) {
        best.time(n, || roster_kernel(engine, roster, black_box(as_of), 1, black_box(&mut by_kernel)));
    }
    let (wrong, text) = differences(roster, &by_kernel, &by_amscore, "kernel vs Engine::assess");
    if wrong > 0 {
        return Err(format!("{wrong} rows differ between the kernel and Engine::assess:\n{text}").into());
    }
    println!("{n} members: kernel on 1 thread {:.1} ns/member (best of {repeat}); all rows agree", best.wall);
    Ok(())
}

fn main() -> Result<(), BoxError> {
    let args: Vec<String> = std::env::args().skip(1).filter(|a| a != "--bench").collect();
    let option = |name: &str| args.iter().position(|a| a == name).and_then(|i| args.get(i + 1));
    let as_of_text = option("--as-of").map_or("2026-01-20", String::as_str);
    let repeat: usize = option("--repeat").map_or(Ok(5), |r| r.parse())?;
    let tsv = args.iter().any(|a| a == "--tsv");
    let path = args.iter().enumerate().find(|(i, a)| {
        !a.starts_with("--") && !matches!(args.get(i.wrapping_sub(1)).map(String::as_str), Some("--as-of" | "--repeat"))
    });
    let Some((_, path)) = path else {
        eprintln!("roster: no roster given; `benches/roster.py` writes one and runs this benchmark on it");
        return Ok(());
    };

    let engine = Engine::from_preset("amscore")?;
    check_plans(&engine)?;
    let roster = read_roster(path)?;
    let as_of_day = parse_day(as_of_text.as_bytes())?;
    let as_of = date_of(as_of_day)?;
    let n = roster.plan.len();
    let cores = std::thread::available_parallelism().map_or(1, usize::from);

    if args.iter().any(|a| a == "--kernel-only") {
        return kernel_only(&engine, &roster, as_of, repeat);
    }

    let mut by_hand = vec![UNANSWERED; n];
    let mut by_amscore = vec![UNANSWERED; n];
    let mut by_amscore_cores = vec![UNANSWERED; n];
    let mut by_kernel = vec![UNANSWERED; n];
    let mut by_kernel_cores = vec![UNANSWERED; n];
    let (mut hand, mut one, mut all) = (Best::NONE, Best::NONE, Best::NONE);
    let (mut kernel_one, mut kernel_all) = (Best::NONE, Best::NONE);
    // Rounds of the three, so that a busy moment on the shared machine spoils one run of each
    // rather than every run of one.
    for _ in 0..repeat.max(1) {
        hand.time(n, || {
            let started = thread_cpu_ns();
            hand_loop(&roster, black_box(as_of_day), black_box(&mut by_hand));
            thread_cpu_ns() - started
        });
        one.time(n, || amscore_single_calls(&engine, &roster, black_box(as_of), 1, black_box(&mut by_amscore)));
        all.time(n, || {
            amscore_single_calls(&engine, &roster, black_box(as_of), cores, black_box(&mut by_amscore_cores))
        });
        kernel_one.time(n, || roster_kernel(&engine, &roster, black_box(as_of), 1, black_box(&mut by_kernel)));
        kernel_all.time(n, || roster_kernel(&engine, &roster, black_box(as_of), 0, black_box(&mut by_kernel_cores)));
    }

    let (hand_wrong, hand_text) = differences(&roster, &by_hand, &by_amscore, "hand loop vs Engine::assess");
    let (cores_wrong, cores_text) = differences(&roster, &by_amscore_cores, &by_amscore, "all cores vs one thread");
    let (kernel_wrong, kernel_text) = differences(&roster, &by_kernel, &by_amscore, "kernel vs Engine::assess");
    let (kernel_cores_wrong, kernel_cores_text) =
        differences(&roster, &by_kernel_cores, &by_kernel, "kernel on all cores vs one thread");
    let unanswered = by_amscore.iter().filter(|a| a.status == Lifecycle::Other).count();
    if hand_wrong + cores_wrong + kernel_wrong + kernel_cores_wrong + unanswered > 0 {
        return Err(format!(
            "{hand_wrong} rows differ between the hand loop and amscore, {cores_wrong} between amscore on \
             {cores} threads and on one, {kernel_wrong} between the kernel and Engine::assess, \
             {kernel_cores_wrong} between the kernel on every core and on one thread, {unanswered} have no \
             status:\n{hand_text}{cores_text}{kernel_text}{kernel_cores_text}"
        )
        .into());
    }

    let rows = [
        ("Rust hand-written loop (plain columns)", 1, hand),
        ("amscore Engine::assess per member (Rust)", 1, one),
        ("amscore Engine::assess per member (Rust)", cores, all),
        ("amscore kernel, Engine::assess_roster (Rust)", 1, kernel_one),
        ("amscore kernel, Engine::assess_roster (Rust)", cores, kernel_all),
    ];
    if tsv {
        println!("rows\t{n}\tagree\t{n}");
        for (name, threads, best) in rows {
            println!("{name}\t{threads}\t{:.3}\t{:.3}", best.wall, best.cpu);
        }
    } else {
        println!("{n} members as of {as_of}: all {n} rows agree (hand loop = Engine::assess = kernel; all cores = one thread)");
        println!(
            "{:<44} {:>7} {:>10} {:>10} {:>9} {:>12}",
            "implementation", "threads", "ns/member", "CPU ns", "CPU/wall", "x hand loop"
        );
        for (name, threads, b) in rows {
            let (wall, cpu) = (b.wall, b.cpu);
            println!("{name:<44} {threads:>7} {wall:>10.1} {cpu:>10.1} {:>9.2} {:>12.2}", cpu / wall, wall / hand.wall);
        }
        println!("(wall clock, and CPU time summed over the threads: each the best of {repeat} runs)");
    }
    Ok(())
}
