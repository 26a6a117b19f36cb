//! Orchestration: journeys of milestones relative to an anchor (join, term start, term end), and
//! for each member on a date which milestones are upcoming, due, done or missed.

use serde::{Deserialize, Serialize};
use time::Date;

use super::Context;
use crate::period::add_days;
use crate::status::MemberId;

use super::activity::KindId;
use super::activity_log::Events;
use super::error::SuccessError;
use super::roster::{derive, Event, Member, MemberHistory, RowError};
use super::segment::Segments;

/// The date a milestone is measured from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Anchor {
    /// Member-since.
    Join,
    /// The current term's first day.
    TermStart,
    /// The current term's last day (a lifetime term has none: the milestone does not apply).
    TermEnd,
}

/// One step of a journey: `{"id": "first_event", "anchor": "join", "day": 60, "from_day": 0,
/// "activity": "event_attended"}`.
///
/// The milestone is **done** once an event of its `activity` kind falls in its window, from
/// `anchor + from_day` (default: `anchor + day`) to `anchor + day + grace_days`, on or before the
/// date asked about. Before the window it is **upcoming**, inside it **due**, after it **missed**.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Milestone {
    /// The milestone's identifier.
    pub id: String,
    /// What the milestone is measured from.
    pub anchor: Anchor,
    /// The due day, relative to the anchor (negative before it: a renewal notice at −30),
    /// -36600 to 36600.
    #[schemars(range(min = super::policy::SIGNED_DAYS.min, max = super::policy::SIGNED_DAYS.max))]
    pub day: i32,
    /// The first day the activity counts, relative to the anchor (default: `day`), -36600 to
    /// 36600.
    #[schemars(range(min = super::policy::SIGNED_DAYS.min, max = super::policy::SIGNED_DAYS.max))]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from_day: Option<i32>,
    /// Days after the due day the activity still counts (default 0), 0 to 36600.
    #[schemars(range(max = super::policy::DAYS.max))]
    #[serde(default)]
    pub grace_days: u32,
    /// The activity kind that marks the milestone done.
    pub activity: KindId,
}

/// A journey: milestones, for every member or for one segment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Journey {
    /// The journey's identifier.
    pub id: String,
    /// The segment the journey is for; every member if absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub segment: Option<String>,
    /// The milestones.
    pub milestones: Vec<Milestone>,
}

/// Where a member stands on a milestone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MilestoneState {
    /// The window has not opened.
    Upcoming,
    /// The window is open and the activity has not happened: act now.
    Due,
    /// The activity happened in the window.
    Done,
    /// The window closed without the activity.
    Missed,
    /// The anchor never happens (the end of a lifetime term).
    NotApplicable,
}

/// A member's state on one milestone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MilestoneStatus {
    /// The milestone.
    pub milestone: String,
    /// The due date, if the anchor exists.
    #[serde(default, with = "crate::period::opt_date_text")]
    pub due_on: Option<Date>,
    /// The state.
    pub state: MilestoneState,
    /// The first day the activity happened in the window, when done.
    #[serde(default, with = "crate::period::opt_date_text", skip_serializing_if = "Option::is_none")]
    pub done_on: Option<Date>,
}

/// One member's place in one journey.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MemberJourney {
    /// The member.
    pub member_id: MemberId,
    /// The journey.
    pub journey: String,
    /// Every milestone's state, in journey order.
    pub milestones: Vec<MilestoneStatus>,
}

/// Every member's journeys, and the rows that could not be used.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JourneyReport {
    /// One entry per (member, journey that applies), in roster then journey order.
    pub journeys: Vec<MemberJourney>,
    /// One error per bad member or event row.
    pub errors: Vec<RowError>,
}

fn offset(date: Date, days: i32) -> Result<Date, SuccessError> {
    add_days(date, i64::from(days)).map_err(|_| SuccessError::Overflow { what: "milestone date".into() })
}

/// A milestone's state for a member, from the member's `events`; `activity` is the milestone
/// activity's place in the policy's kinds (`None` if it is none of them: no event is one).
pub(super) fn milestone_status(
    m: &Milestone,
    activity: Option<usize>,
    member: &Member<'_>,
    events: &[Event],
    as_of: Date,
) -> Result<MilestoneStatus, SuccessError> {
    let ms = &member.history.membership;
    let anchor = match m.anchor {
        Anchor::Join => Some(ms.member_since),
        Anchor::TermStart => Some(ms.term.start),
        Anchor::TermEnd => ms.term.end,
    };
    let Some(anchor) = anchor else {
        return Ok(MilestoneStatus {
            milestone: m.id.clone(),
            due_on: None,
            state: MilestoneState::NotApplicable,
            done_on: None,
        });
    };
    let due = offset(anchor, m.day)?;
    let opens = offset(anchor, m.from_day.unwrap_or(m.day))?;
    let closes =
        add_days(due, i64::from(m.grace_days)).map_err(|_| SuccessError::Overflow { what: "milestone date".into() })?;
    let done_on = events
        .iter()
        .filter(|e| Some(e.kind) == activity && e.date >= opens && e.date <= closes && e.date <= as_of)
        .map(|e| e.date)
        .min();
    let state = if done_on.is_some() {
        MilestoneState::Done
    } else if as_of < opens {
        MilestoneState::Upcoming
    } else if as_of <= closes {
        MilestoneState::Due
    } else {
        MilestoneState::Missed
    };
    Ok(MilestoneStatus { milestone: m.id.clone(), due_on: Some(due), state, done_on })
}

/// Every member's state on every journey that applies to them, on a date.
///
/// ```
/// use amscore::success::{journeys, ActivityEvent, MemberHistory, MilestoneState};
/// use time::macros::date;
/// let engine = amscore::Engine::from_json(r#"{"version": 1, "preset": "amscore", "success": {
///   "activity_kinds": [{"id": "welcome_sent", "weight": "0"}],
///   "journeys": [{"id": "onboarding", "milestones": [
///     {"id": "welcome", "anchor": "join", "day": 0, "grace_days": 3, "activity": "welcome_sent"}]}]}}"#)?;
/// let m: MemberHistory = serde_json::from_str(r#"{"membership": {"member_id": "M-1", "plan": "individual",
///   "member_since": "2025-01-10", "term": {"start": "2025-01-10", "end": "2026-01-09"}}}"#).unwrap();
/// let r = journeys(engine.success(), &[m.clone()], &[], date!(2025-01-12))?;
/// assert_eq!(r.journeys[0].milestones[0].state, MilestoneState::Due);
/// let r = journeys(engine.success(), &[m], &[], date!(2025-01-14))?;
/// assert_eq!(r.journeys[0].milestones[0].state, MilestoneState::Missed);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// [`SuccessError::Overflow`] if a milestone date or engagement points overflow.
pub fn journeys<E: Events + ?Sized>(
    ctx: Context<'_>,
    members: &[MemberHistory],
    events: &E,
    as_of: Date,
) -> Result<JourneyReport, SuccessError> {
    let policy = ctx.policy;
    let d = derive(ctx, members, &events.log(), as_of)?;
    let segments = Segments::new(&policy.segments);
    let kind = |activity: &KindId| policy.activity_kinds.iter().rposition(|k| k.id == *activity);
    let mut out = Vec::new();
    for (member, facts) in d.roster.members.iter().zip(&d.facts) {
        let in_segments = segments.of(facts);
        for j in &policy.journeys {
            if let Some(seg) = &j.segment {
                if !in_segments.iter().any(|s| &s.segment == seg) {
                    continue;
                }
            }
            let milestones = j
                .milestones
                .iter()
                .map(|m| milestone_status(m, kind(&m.activity), member, d.roster.events_of(member), as_of))
                .collect::<Result<Vec<_>, _>>()?;
            out.push(MemberJourney { member_id: member.id().clone(), journey: j.id.clone(), milestones });
        }
    }
    Ok(JourneyReport { journeys: out, errors: d.roster.errors })
}
