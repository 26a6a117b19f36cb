//! Communication: which messages of the policy's sequences are due today for whom, which ones
//! fatigue or a stopped sequence held back and by which rule, and a forecast of the coming days'
//! volume per channel — pure functions of (policy, members, activity, sent log, date).
//!
//! **How one day is decided**, for each member (the rules live here and nowhere else):
//!
//! 1. *Anchors.* Each sequence's anchor gives the member zero or more anchor dates: member-since
//!    (`join`); the end of every term in the member's history (`term_end`), or that end's last
//!    day of grace (`grace_end`); a journey milestone's due day (`milestone`, when the journey
//!    applies to the member).
//! 2. *The step due.* For each anchor date, the step due is the last step whose day (anchor +
//!    `day`) is on or before the date; it stays due for `catch_up_days` more days (so a message
//!    held back by fatigue goes out on a later day), and an earlier step is dropped once a later
//!    one falls due. A step already in the sent log for that member (dated from its due day to
//!    the end of its catch-up) is not due again.
//! 3. *Who is in the sequence.* `auto_renew` and `segment` select members; a member who does not
//!    match is simply not in the sequence (nothing is reported).
//! 4. *Stops* (reported as suppressed, with the rule): a cancelled or deceased member gets
//!    nothing (`membership_ended`); a step anchored on a term the member has since renewed
//!    (a later term exists) is not sent (`renewed`, unless `stop_on_renewal` is false); a lapsed
//!    or expired member gets nothing (`lapsed`, unless `stop_on_lapse` is false); a milestone
//!    sequence stops once the milestone is done (`milestone_done`).
//! 5. *Status.* If `statuses` is given, the member's status on the date must be one of them
//!    (otherwise nothing is reported).
//! 6. *Fatigue*, across all sequences, on what is left: on a quiet day nothing goes out
//!    (`quiet_day`); if the member's last message is fewer than `min_gap_days` ago, nothing
//!    (`min_gap`); if the member already had `cap.max` messages in the `cap.days` days ending
//!    on the date, nothing (`cap`); otherwise **one** message goes out — the most urgent
//!    (lowest priority number; ties: the earlier sequence in the policy, then the earlier due
//!    day, then the earlier step) — and the others are held back (`lower_priority`).
//!
//! So a member gets at most one message a day, never two within `min_gap_days`, and never more
//! than `cap.max` in any `cap.days` days, counting the sent log: when each day's due messages are
//! added to the log, the caps hold for ever (`core/tests/reminder_properties.rs` runs a year).

use std::collections::BTreeMap;

use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};
use time::Date;

use super::Context;
use crate::error::Error;
use crate::period::add_days;
use crate::row_error::{RowError, Source};
use crate::status::{MemberId, Status};

use super::activity_log::{ActivityLog, Events};
use super::journey::{milestone_status, MilestoneState};
use super::reminder_error::ReminderError;
use super::reminder_policy::{RemindersPolicy, Sequence, SequenceAnchor, Weekday};
use super::roster::{derive, Derived, Facts, Member, MemberHistory};
use super::segment::Segments;

/// The longest forecast: 366 days.
pub const MAX_FORECAST_DAYS: u32 = 366;

/// A message already sent (one row of the sent log): `{"member_id", "date", "sequence", "step",
/// "channel"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SentMessage {
    /// The member.
    pub member_id: MemberId,
    /// The day it was sent.
    #[serde(with = "crate::period::date_text")]
    pub date: Date,
    /// The sequence.
    pub sequence: String,
    /// The step of the sequence.
    pub step: String,
    /// The channel it went out on.
    pub channel: String,
}

/// Why a due message was not sent: a stopped sequence or a fatigue rule. Written in snake_case
/// (`"quiet_day"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Suppression {
    /// The membership ended: the member is cancelled or deceased (every sequence stops).
    MembershipEnded,
    /// The member renewed: the step is anchored on a term that a later term follows.
    Renewed,
    /// The member is lapsed or expired and the sequence stops on a lapse.
    Lapsed,
    /// The milestone the sequence is anchored on is done.
    MilestoneDone,
    /// The date is a quiet weekday or a quiet date.
    QuietDay,
    /// The member's last message is more recent than the minimum gap.
    MinGap,
    /// The member reached the cap of messages in the window.
    Cap,
    /// Another message due the same day is more urgent.
    LowerPriority,
}

impl Suppression {
    /// Every rule, in declaration order (stops, then fatigue, in the order they are checked).
    ///
    /// ```
    /// use amscore::success::Suppression;
    /// assert_eq!(Suppression::ALL.map(|s| s.as_str())[4..], ["quiet_day", "min_gap", "cap", "lower_priority"]);
    /// ```
    pub const ALL: [Suppression; 8] = [
        Suppression::MembershipEnded,
        Suppression::Renewed,
        Suppression::Lapsed,
        Suppression::MilestoneDone,
        Suppression::QuietDay,
        Suppression::MinGap,
        Suppression::Cap,
        Suppression::LowerPriority,
    ];

    /// The rule's snake_case name (`"min_gap"`), as it is serialised.
    pub fn as_str(self) -> &'static str {
        match self {
            Suppression::MembershipEnded => "membership_ended",
            Suppression::Renewed => "renewed",
            Suppression::Lapsed => "lapsed",
            Suppression::MilestoneDone => "milestone_done",
            Suppression::QuietDay => "quiet_day",
            Suppression::MinGap => "min_gap",
            Suppression::Cap => "cap",
            Suppression::LowerPriority => "lower_priority",
        }
    }

    /// Whether the rule is a fatigue rule (the message stays due and may go out later), rather
    /// than a stopped sequence.
    pub fn is_fatigue(self) -> bool {
        matches!(self, Suppression::QuietDay | Suppression::MinGap | Suppression::Cap | Suppression::LowerPriority)
    }
}

/// A message due today.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DueMessage {
    /// The member.
    pub member_id: MemberId,
    /// The sequence.
    pub sequence: String,
    /// The step.
    pub step: String,
    /// The channel.
    pub channel: String,
    /// The template.
    pub template: String,
    /// The step's priority (1 is the most urgent).
    pub priority: u8,
    /// The anchor date the step counts from.
    #[serde(with = "crate::period::date_text")]
    pub anchor: Date,
    /// The step's due day (anchor + day); earlier than the date when it was held back before.
    #[serde(with = "crate::period::date_text")]
    pub due_on: Date,
}

/// A message that was due but is not sent today, and the rule that held it back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HeldMessage {
    /// The member.
    pub member_id: MemberId,
    /// The sequence.
    pub sequence: String,
    /// The step.
    pub step: String,
    /// The channel.
    pub channel: String,
    /// The template.
    pub template: String,
    /// The step's priority.
    pub priority: u8,
    /// The anchor date.
    #[serde(with = "crate::period::date_text")]
    pub anchor: Date,
    /// The step's due day.
    #[serde(with = "crate::period::date_text")]
    pub due_on: Date,
    /// The rule.
    pub rule: Suppression,
    /// The rule's finding, in words.
    pub detail: String,
}

/// The messages due on a date, those held back, and the rows that could not be used.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RemindersReport {
    /// The date.
    #[serde(with = "crate::period::date_text")]
    pub date: Date,
    /// Messages to send today, in roster order (at most one per member).
    pub due: Vec<DueMessage>,
    /// Messages held back, in roster order, then by priority.
    pub suppressed: Vec<HeldMessage>,
    /// One error per bad member, event or sent-log row.
    pub errors: Vec<RowError>,
}

impl RemindersReport {
    /// The sent-log rows of sending every due message today: what to add to the log once sent.
    pub fn sent(&self) -> Vec<SentMessage> {
        self.due
            .iter()
            .map(|m| SentMessage {
                member_id: m.member_id.clone(),
                date: self.date,
                sequence: m.sequence.clone(),
                step: m.step.clone(),
                channel: m.channel.clone(),
            })
            .collect()
    }
}

/// One day and channel of a forecast.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ForecastRow {
    /// The day.
    #[serde(with = "crate::period::date_text")]
    pub date: Date,
    /// The channel.
    pub channel: String,
    /// Messages that go out.
    pub messages: u32,
    /// Messages fatigue holds back that day (each counts again on every day it is held).
    pub held_back: u32,
}

/// The volume of the coming days per day and channel, from daily runs fed their own output.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReminderForecast {
    /// The first day.
    #[serde(with = "crate::period::date_text")]
    pub from: Date,
    /// How many days.
    pub days: u32,
    /// One row per day and channel with a message or a held-back message, by day then channel.
    pub rows: Vec<ForecastRow>,
    /// Messages per channel over the whole forecast, by channel.
    pub totals: BTreeMap<String, u32>,
    /// One error per bad member, event or sent-log row (as of the first day).
    pub errors: Vec<RowError>,
}

/// A sent-log row the policy can place: its day, sequence and step (places in the policy).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Logged {
    date: Date,
    sequence: usize,
    step: usize,
}

/// The sent log, member by member.
type Log<'m> = FxHashMap<&'m str, Vec<Logged>>;

/// Reads the sent log: every row placed under its member, or an error.
fn read_sent<'m>(ctx: Context<'_>, members: &'m [MemberHistory], sent: &[SentMessage]) -> (Log<'m>, Vec<RowError>) {
    let policy = &ctx.policy.reminders;
    let mut log: Log<'m> = members.iter().map(|m| (m.id().0.as_str(), Vec::new())).collect();
    let mut errors = Vec::new();
    for (i, s) in sent.iter().enumerate() {
        let place = policy.sequence(&s.sequence);
        let step = place.and_then(|(_, seq)| seq.steps.iter().position(|st| st.id == s.step));
        let err = match (log.get_mut(s.member_id.0.as_str()), place, step) {
            (Some(rows), Some((sequence, _)), Some(step)) => {
                rows.push(Logged { date: s.date, sequence, step });
                continue;
            }
            (None, _, _) => RowError::new(
                Source::Sent,
                i,
                &ReminderError::SentToUnknownMember { member_id: s.member_id.to_string() },
            ),
            (_, None, _) => {
                RowError::new(Source::Sent, i, &ReminderError::UnknownSequence { sequence: s.sequence.clone() })
                    .field("sequence", Some(s.sequence.clone()))
            }
            (_, Some(_), None) => RowError::new(
                Source::Sent,
                i,
                &ReminderError::UnknownStep { sequence: s.sequence.clone(), step: s.step.clone() },
            )
            .field("step", Some(s.step.clone())),
        };
        errors.push(err.member(Some(s.member_id.clone())));
    }
    (log, errors)
}

fn day(date: Date, days: i64, what: &str) -> Result<Date, ReminderError> {
    add_days(date, days).map_err(|_| ReminderError::Overflow { what: what.to_owned() })
}

/// One anchor date of a sequence for a member, and what it says about stopping.
struct Instance {
    anchor: Date,
    /// A later term follows the term the anchor belongs to.
    renewed_on: Option<Date>,
    /// The milestone the anchor is, done on this day.
    done_on: Option<Date>,
}

/// The anchor dates of a sequence for a member.
fn instances(
    ctx: Context<'_>,
    seq: &Sequence,
    member: &Member<'_>,
    d: &Derived<'_>,
    in_segment: &dyn Fn(&str) -> bool,
    date: Date,
) -> Result<Vec<Instance>, Error> {
    let h = member.history;
    Ok(match &seq.anchor {
        SequenceAnchor::Join => {
            vec![Instance { anchor: h.membership.member_since, renewed_on: None, done_on: None }]
        }
        SequenceAnchor::TermEnd | SequenceAnchor::GraceEnd => {
            let mut out = Vec::new();
            for (i, t) in h.terms.iter().enumerate() {
                let Some(end) = t.term.end else { continue };
                if h.terms[..i].iter().any(|o| o.term == t.term) {
                    continue;
                }
                let anchor = if seq.anchor == SequenceAnchor::GraceEnd {
                    let plan = t
                        .plan
                        .as_ref()
                        .and_then(|p| ctx.rules.plan(p).ok())
                        .map_or_else(|| ctx.rules.plan(&h.membership.plan), Ok)?;
                    crate::status::grace_end(plan, end, ctx.rules.date_rules().month_end)?
                } else {
                    end
                };
                let renewed_on = h.terms.iter().map(|o| o.term.start).filter(|&s| s > t.term.start).min();
                out.push(Instance { anchor, renewed_on, done_on: None });
            }
            out
        }
        SequenceAnchor::Milestone { journey, milestone } => {
            let policy = ctx.policy;
            let Some(j) = policy.journeys.iter().find(|j| j.id == *journey) else { return Ok(Vec::new()) };
            if j.segment.as_deref().is_some_and(|s| !in_segment(s)) {
                return Ok(Vec::new());
            }
            let Some(m) = j.milestones.iter().find(|m| m.id == *milestone) else { return Ok(Vec::new()) };
            let kind = policy.activity_kinds.iter().rposition(|k| k.id == m.activity);
            let status = milestone_status(m, kind, member, d.roster.events_of(member), date)?;
            let done_on = status.done_on.filter(|_| status.state == MilestoneState::Done);
            status.due_on.map(|anchor| Instance { anchor, renewed_on: None, done_on }).into_iter().collect()
        }
    })
}

/// A message due for a member, before fatigue: where it is in the policy and when it fell due.
struct Candidate {
    sequence: usize,
    step: usize,
    anchor: Date,
    due_on: Date,
    priority: u8,
}

/// A candidate held back, and why.
struct Held {
    member: usize,
    candidate: Candidate,
    rule: Suppression,
    detail: String,
}

/// One day's decision: the message each member gets (the member's place in the roster, the
/// candidate), and every one held back.
struct Day {
    due: Vec<(usize, Candidate)>,
    held: Vec<Held>,
}

/// The stop that applies to a candidate, if any, with its finding.
fn stop(seq: &Sequence, status: Status, inst: &Instance, milestone: &str) -> Option<(Suppression, String)> {
    if matches!(status, Status::Cancelled | Status::Deceased) {
        return Some((Suppression::MembershipEnded, format!("the membership ended (status {status})")));
    }
    if let Some(on) = inst.renewed_on.filter(|_| seq.stop_on_renewal) {
        return Some((Suppression::Renewed, format!("renewed: a later term starts on {on}")));
    }
    if seq.stop_on_lapse && matches!(status, Status::Lapsed | Status::Expired) {
        return Some((Suppression::Lapsed, format!("status {status} stops the sequence")));
    }
    inst.done_on.map(|on| (Suppression::MilestoneDone, format!("milestone `{milestone}` done on {on}")))
}

/// The decision of one day for every usable member of `d`, given the log.
fn run_day(ctx: Context<'_>, d: &Derived<'_>, log: &Log<'_>, date: Date) -> Result<Day, Error> {
    let policy = &ctx.policy.reminders;
    let fatigue = &policy.fatigue;
    let needs_segments = policy.sequences.iter().any(|s| {
        s.segment.is_some()
            || matches!(&s.anchor, SequenceAnchor::Milestone { journey, .. }
                if ctx.policy.journeys.iter().any(|j| j.id == *journey && j.segment.is_some()))
    });
    let segments = Segments::new(&ctx.policy.segments);
    let mut due = Vec::new();
    let mut held = Vec::new();
    for (i, (member, facts)) in d.roster.members.iter().zip(&d.facts).enumerate() {
        let logged: &[Logged] = log.get(member.id().0.as_str()).map_or(&[], Vec::as_slice);
        let member_segments = if needs_segments { segments.of(facts) } else { Vec::new() };
        let in_segment = |id: &str| member_segments.iter().any(|s| s.segment == id);
        let mut candidates: Vec<Candidate> = Vec::new();
        for (si, seq) in policy.sequences.iter().enumerate() {
            if !selects(seq, facts, &in_segment) {
                continue;
            }
            let milestone = match &seq.anchor {
                SequenceAnchor::Milestone { milestone, .. } => milestone.as_str(),
                _ => "",
            };
            for inst in instances(ctx, seq, member, d, &in_segment, date)? {
                let Some(c) = step_due(seq, si, &inst, logged, date)? else { continue };
                if let Some((rule, detail)) = stop(seq, facts.status, &inst, milestone) {
                    held.push(Held { member: i, candidate: c, rule, detail });
                } else if seq.statuses.is_empty() || seq.statuses.contains(&facts.status) {
                    candidates.push(c);
                }
            }
        }
        if candidates.is_empty() {
            continue;
        }
        candidates.sort_by_key(|c| (c.priority, c.sequence, c.due_on, c.step));
        let last = logged.iter().map(|l| l.date).filter(|&l| l <= date).max();
        let gap_ok =
            last.map_or(Ok(true), |l| day(l, i64::from(fatigue.min_gap_days), "next message day").map(|n| n <= date))?;
        let verdict: Option<(Suppression, String)> = if fatigue.is_quiet(date) {
            let what = if fatigue.quiet_dates.iter().any(|q| q.0 == date) {
                format!("{date} is a quiet date")
            } else {
                format!("{} is a quiet weekday", Weekday::of(date).as_str())
            };
            Some((Suppression::QuietDay, what))
        } else if !gap_ok {
            let l = last.unwrap_or(date);
            let next = day(l, i64::from(fatigue.min_gap_days), "next message day")?;
            Some((
                Suppression::MinGap,
                format!("last message on {l}; the next may go on {next} (min gap {} days)", fatigue.min_gap_days),
            ))
        } else if let Some(cap) = fatigue.cap {
            let from = day(date, 1 - i64::from(cap.days), "cap window")?;
            let count = logged.iter().filter(|l| l.date >= from && l.date <= date).count();
            (count >= cap.max as usize).then(|| {
                (
                    Suppression::Cap,
                    format!("{count} messages from {from} to {date} (cap {} in {} days)", cap.max, cap.days),
                )
            })
        } else {
            None
        };
        let mut rest = candidates.into_iter();
        if let Some((rule, detail)) = verdict {
            held.extend(rest.map(|c| Held { member: i, candidate: c, rule, detail: detail.clone() }));
            continue;
        }
        let Some(winner) = rest.next() else { continue };
        let w = &policy.sequences[winner.sequence];
        let detail = format!("{}/{} (priority {}) goes first", w.id, w.steps[winner.step].id, winner.priority);
        held.extend(rest.map(|c| Held {
            member: i,
            candidate: c,
            rule: Suppression::LowerPriority,
            detail: detail.clone(),
        }));
        due.push((i, winner));
    }
    Ok(Day { due, held })
}

/// Whether the sequence's `auto_renew` and `segment` select the member.
fn selects(seq: &Sequence, facts: &Facts<'_>, in_segment: &dyn Fn(&str) -> bool) -> bool {
    seq.auto_renew.is_none_or(|a| a == facts.auto_renew) && seq.segment.as_deref().is_none_or(in_segment)
}

/// The step of `seq` due on `date` for one anchor, if any: the last step on or before the date,
/// within its catch-up, not yet sent.
fn step_due(
    seq: &Sequence,
    si: usize,
    inst: &Instance,
    logged: &[Logged],
    date: Date,
) -> Result<Option<Candidate>, ReminderError> {
    let mut found = None;
    for (k, step) in seq.steps.iter().enumerate() {
        let due_on = day(inst.anchor, i64::from(step.day), "a step's due day")?;
        if due_on > date {
            break;
        }
        found = Some((k, due_on));
    }
    let Some((k, due_on)) = found else { return Ok(None) };
    let until = day(due_on, i64::from(seq.catch_up_days), "a step's catch-up")?;
    if date > until {
        return Ok(None);
    }
    if logged.iter().any(|l| l.sequence == si && l.step == k && l.date >= due_on && l.date <= until && l.date <= date) {
        return Ok(None);
    }
    let priority = seq.priority_of(&seq.steps[k]);
    Ok(Some(Candidate { sequence: si, step: k, anchor: inst.anchor, due_on, priority }))
}

/// The held-back message: the message that was due (as [`due_message`] writes it), with the
/// rule that held it back.
fn held_message(d: &Derived<'_>, policy: &RemindersPolicy, h: Held) -> HeldMessage {
    let Held { member: i, candidate: c, rule, detail } = h;
    let DueMessage { member_id, sequence, step, channel, template, priority, anchor, due_on } =
        due_message(d, i, policy, &c);
    HeldMessage { member_id, sequence, step, channel, template, priority, anchor, due_on, rule, detail }
}

/// The message due to member `i` (its place in the roster) for the candidate `c`.
fn due_message(d: &Derived<'_>, i: usize, policy: &RemindersPolicy, c: &Candidate) -> DueMessage {
    let seq = &policy.sequences[c.sequence];
    let step = &seq.steps[c.step];
    DueMessage {
        member_id: d.roster.members[i].id().clone(),
        sequence: seq.id.clone(),
        step: step.id.clone(),
        channel: step.channel.clone(),
        template: step.template.clone(),
        priority: c.priority,
        anchor: c.anchor,
        due_on: c.due_on,
    }
}

fn merge_errors(mut errors: Vec<RowError>, more: Vec<RowError>) -> Vec<RowError> {
    errors.extend(more);
    errors.sort_by_key(RowError::sort_key);
    errors
}

/// The messages due on `date` for every member, and every one held back with its rule (see the
/// module's documentation for how a day is decided).
///
/// ```
/// use amscore::success::{reminders_due, MemberHistory, SentMessage, Suppression};
/// use time::macros::date;
/// let engine = amscore::Engine::from_json(r#"{"version": 1, "preset": "amscore", "success": {"reminders": {
///   "sequences": [{"id": "renewal", "anchor": "term_end", "priority": 2,
///     "steps": [{"id": "d30", "day": -30, "channel": "email", "template": "renewal_30"}]}],
///   "fatigue": {"min_gap_days": 7}}}}"#)?;
/// let m: MemberHistory = serde_json::from_str(r#"{"membership": {"member_id": "M-1", "plan": "individual",
///   "member_since": "2025-01-01", "term": {"start": "2025-01-01", "end": "2025-12-31"}}}"#).unwrap();
/// let r = reminders_due(engine.success(), &[m.clone()], &[], &[], date!(2025-12-01))?;
/// assert_eq!((r.due[0].step.as_str(), r.due[0].template.as_str()), ("d30", "renewal_30"));
/// // A message sent three days ago holds it back: the minimum gap is seven days.
/// let sent = [SentMessage { member_id: "M-1".into(), date: date!(2025-11-28), sequence: "renewal".into(),
///   step: "d30".into(), channel: "email".into() }];
/// let r = reminders_due(engine.success(), &[m], &[], &sent, date!(2025-12-01))?;
/// assert!(r.due.is_empty() && r.suppressed[0].rule == Suppression::MinGap);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// [`Error::Success`] if engagement points overflow, [`Error::Reminder`] if a step's date is
/// beyond the calendar, a lifecycle or date error if a plan's grace end cannot be computed.
pub fn reminders_due<E: Events + ?Sized>(
    ctx: Context<'_>,
    members: &[MemberHistory],
    events: &E,
    sent: &[SentMessage],
    date: Date,
) -> Result<RemindersReport, Error> {
    let (log, sent_errors) = read_sent(ctx, members, sent);
    let d = derive(ctx, members, &events.log(), date)?;
    let Day { due, held: suppressed } = run_day(ctx, &d, &log, date)?;
    let policy = &ctx.policy.reminders;
    let due = due.iter().map(|(i, c)| due_message(&d, *i, policy, c)).collect();
    let suppressed = suppressed.into_iter().map(|h| held_message(&d, policy, h)).collect();
    let errors = merge_errors(d.roster.errors, sent_errors);
    Ok(RemindersReport { date, due, suppressed, errors })
}

/// The volume of the next `days` days (from `from`, included) per day and channel: each day is
/// decided as [`reminders_due`] decides it, and its due messages are added to the sent log
/// before the next day, so the forecast respects the fatigue rules. Members' facts stay as
/// given: nobody renews, joins or lapses other than by the passing of time (statuses are
/// computed on each day), and no activity happens.
///
/// ```
/// use amscore::success::{reminders_forecast, MemberHistory};
/// use time::macros::date;
/// let engine = amscore::Engine::from_json(r#"{"version": 1, "preset": "amscore", "success": {"reminders": {
///   "sequences": [{"id": "renewal", "anchor": "term_end", "priority": 2,
///     "steps": [{"id": "d30", "day": -30, "channel": "email", "template": "r30"},
///               {"id": "d7", "day": -7, "channel": "sms", "template": "r7"}]}]}}}"#)?;
/// let m: MemberHistory = serde_json::from_str(r#"{"membership": {"member_id": "M-1", "plan": "individual",
///   "member_since": "2025-01-01", "term": {"start": "2025-01-01", "end": "2025-12-31"}}}"#).unwrap();
/// let f = reminders_forecast(engine.success(), &[m], &[], &[], date!(2025-11-25), 30)?;
/// let rows: Vec<(String, &str, u32)> = f.rows.iter().map(|r| (r.date.to_string(), r.channel.as_str(), r.messages)).collect();
/// assert_eq!(rows, [("2025-12-01".to_owned(), "email", 1), ("2025-12-24".to_owned(), "sms", 1)]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// [`ReminderError::InvalidInput`] (path `days`) unless `days` is 1 to 366; otherwise as
/// [`reminders_due`].
pub fn reminders_forecast<E: Events + ?Sized>(
    ctx: Context<'_>,
    members: &[MemberHistory],
    events: &E,
    sent: &[SentMessage],
    from: Date,
    days: u32,
) -> Result<ReminderForecast, Error> {
    if !(1..=MAX_FORECAST_DAYS).contains(&days) {
        return Err(ReminderError::InvalidInput {
            path: "days".into(),
            message: format!("must be between 1 and {MAX_FORECAST_DAYS}"),
        }
        .into());
    }
    let (mut log, sent_errors) = read_sent(ctx, members, sent);
    let events: std::borrow::Cow<'_, ActivityLog<'_>> = events.log();
    let policy = &ctx.policy.reminders;
    let mut errors = Vec::new();
    let mut tally: BTreeMap<(Date, &str), (u32, u32)> = BTreeMap::new();
    let mut totals: BTreeMap<String, u32> = BTreeMap::new();
    for n in 0..days {
        let date = day(from, i64::from(n), "the forecast's days")?;
        let d = derive(ctx, members, &events, date)?;
        let Day { due, held } = run_day(ctx, &d, &log, date)?;
        for h in held.iter().filter(|h| h.rule.is_fatigue()) {
            let channel = policy.sequences[h.candidate.sequence].steps[h.candidate.step].channel.as_str();
            tally.entry((date, channel)).or_default().1 += 1;
        }
        for (i, c) in &due {
            let channel = policy.sequences[c.sequence].steps[c.step].channel.as_str();
            tally.entry((date, channel)).or_default().0 += 1;
            *totals.entry(channel.to_owned()).or_default() += 1;
            let id = d.roster.members[*i].history.id().0.as_str();
            log.entry(id).or_default().push(Logged { date, sequence: c.sequence, step: c.step });
        }
        if n == 0 {
            errors = d.roster.errors;
        }
    }
    let rows = tally
        .into_iter()
        .map(|((date, channel), (messages, held_back))| ForecastRow {
            date,
            channel: channel.to_owned(),
            messages,
            held_back,
        })
        .collect();
    Ok(ReminderForecast { from, days, rows, totals, errors: merge_errors(errors, sent_errors) })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Engine;
    use time::macros::date;

    fn engine(fatigue: &str) -> Engine {
        Engine::from_json(&format!(
            r#"{{"version": 1, "preset": "amscore", "success": {{"reminders": {{
              "sequences": [{{"id": "renewal", "anchor": "term_end", "priority": 1, "catch_up_days": 2,
                "steps": [{{"id": "d30", "day": -30, "channel": "email", "template": "r30"}},
                          {{"id": "d7", "day": -7, "channel": "email", "template": "r7"}}]}},
                {{"id": "lapsed", "anchor": "grace_end", "priority": 1, "stop_on_lapse": false,
                "steps": [{{"id": "l1", "day": 1, "channel": "letter", "template": "back"}}]}}],
              "fatigue": {fatigue}}}}}}}"#
        ))
        .expect("policy")
    }

    fn member() -> MemberHistory {
        serde_json::from_str(
            r#"{"membership": {"member_id": "M", "plan": "individual", "member_since": "2025-01-01",
                "term": {"start": "2025-01-01", "end": "2025-12-31"}}}"#,
        )
        .expect("member")
    }

    #[test]
    fn a_day_run_again_with_its_own_output_sends_nothing_more() {
        let engine = engine("{}");
        let m = [member()];
        let first = reminders_due(engine.success(), &m, &[], &[], date!(2025 - 12 - 01)).expect("run");
        assert_eq!(first.due.len(), 1);
        let again = reminders_due(engine.success(), &m, &[], &first.sent(), date!(2025 - 12 - 01)).expect("rerun");
        assert!(again.due.is_empty() && again.suppressed.is_empty(), "{again:?}");
    }

    #[test]
    fn a_step_not_sent_within_its_catch_up_is_dropped() {
        let engine = engine(r#"{"quiet_weekdays": ["monday", "tuesday", "wednesday"]}"#);
        let m = [member()];
        // Due Monday Dec 1, catch-up 2 days: Tuesday and Wednesday are quiet too, Thursday is late.
        let wed = reminders_due(engine.success(), &m, &[], &[], date!(2025 - 12 - 03)).expect("run");
        assert_eq!(wed.suppressed[0].rule, Suppression::QuietDay);
        let thu = reminders_due(engine.success(), &m, &[], &[], date!(2025 - 12 - 04)).expect("run");
        assert!(thu.due.is_empty() && thu.suppressed.is_empty());
    }

    #[test]
    fn a_later_step_replaces_an_earlier_one_still_waiting() {
        let engine = engine("{}");
        let m = [member()];
        // d30 (Dec 1) was never sent; on Dec 24 d7 is due and d30 is not offered any more.
        let r = reminders_due(engine.success(), &m, &[], &[], date!(2025 - 12 - 24)).expect("run");
        assert_eq!(r.due.iter().map(|d| d.step.as_str()).collect::<Vec<_>>(), ["d7"]);
    }

    #[test]
    fn a_grace_end_anchor_counts_from_the_plans_grace() {
        let engine = engine("{}");
        let m = [member()];
        // The individual plan has 30 days of grace: grace ends 2026-01-30, the letter is due the 31st.
        let r = reminders_due(engine.success(), &m, &[], &[], date!(2026 - 01 - 31)).expect("run");
        assert_eq!((r.due[0].step.as_str(), r.due[0].anchor), ("l1", date!(2026 - 01 - 30)));
    }

    #[test]
    fn every_suppression_has_its_name() {
        for s in Suppression::ALL {
            assert_eq!(serde_json::to_value(s).expect("writes"), s.as_str());
        }
        assert_eq!(Suppression::ALL.iter().filter(|s| s.is_fatigue()).count(), 4);
    }
}
