//! Staff work: who owns the 20%. Each request the website sends to staff becomes a
//! [`WorkItem`] (its queue, its reasons and the request time); the policy's `staff` section
//! ([`StaffPolicy`]) gives each queue (and, optionally, reason) an owning team and a service level
//! in business hours or days. [`staff_queues`] ages the open items on a date-time in business
//! time (the working week and holidays, [`BusinessCalendar`]), gives each its due time and
//! whether it is overdue, the load per owner and per queue, the oldest items first, and, for
//! closed items, the share resolved within the service level.
//!
//! ```
//! use amscore::{staff_queues, Queue, ReasonCode, WorkItem};
//! use time::macros::datetime;
//! let policy = amscore::Policy::from_json(r#"{"version": 1, "preset": "amscore", "staff": {
//!     "teams": {"desk": "Membership desk"},
//!     "queues": {"membership": {"team": "desk", "service_level": {"business_hours": 2}}}}}"#)?;
//! let item = WorkItem {
//!     id: "R-1".into(),
//!     queue: Queue::Membership,
//!     reasons: vec![ReasonCode::PlanRequiresApproval],
//!     requested_at: datetime!(2026-11-27 16:00), // a Friday
//!     closed_at: None,
//! };
//! let report = staff_queues(&policy.staff, &[item], &[], datetime!(2026-11-30 10:30))?;
//! let aged = &report.items[0];
//! assert_eq!(aged.due, Some(datetime!(2026-11-30 10:00))); // Monday, the weekend skipped
//! assert_eq!((aged.business_minutes, aged.overdue), (150, true));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod calendar;
pub(crate) mod error;
mod policy;

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;

use rust_decimal::Decimal;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use time::PrimitiveDateTime;

use crate::decision::{Decision, Queue, ReasonCode, Route};
use crate::money::share;
use crate::request::{datetime_text, SelfServiceRequest};

pub use calendar::BusinessCalendar;
pub use error::WorkError;
pub(crate) use error::WORK_ERRORS;
pub use policy::{Ownership, QueueOwner, ReasonOwner, ServiceLevel, StaffPolicy, WorkDay, WorkWeek};

/// Optional date-times in JSON: [`datetime_text`] or `null`.
mod opt_datetime_text {
    use super::*;

    pub(super) fn serialize<S: Serializer>(value: &Option<PrimitiveDateTime>, s: S) -> Result<S::Ok, S::Error> {
        match value {
            Some(v) => datetime_text::serialize(v, s),
            None => s.serialize_none(),
        }
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<PrimitiveDateTime>, D::Error> {
        match Option::<String>::deserialize(d)? {
            None => Ok(None),
            Some(text) => datetime_text::parse(&text).map(Some).ok_or_else(|| {
                serde::de::Error::custom(format!("`{text}` is not a date-time YYYY-MM-DDTHH:MM (no time zone)"))
            }),
        }
    }
}

/// A request staff must handle: `{"id", "queue", "reasons", "requested_at", "closed_at"?}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WorkItem {
    /// The item's id (the request's id).
    pub id: String,
    /// The staff queue.
    pub queue: Queue,
    /// The reasons the request went to staff.
    #[serde(default)]
    pub reasons: Vec<ReasonCode>,
    /// When the member asked (association wall-clock time, `YYYY-MM-DDTHH:MM`).
    #[serde(with = "datetime_text")]
    pub requested_at: PrimitiveDateTime,
    /// When staff closed it, if they have.
    #[serde(default, with = "opt_datetime_text", skip_serializing_if = "Option::is_none")]
    pub closed_at: Option<PrimitiveDateTime>,
}

impl WorkItem {
    /// The work item a decision makes: `Some` for a request sent to staff, with its queue, its
    /// reason codes and the request time; `None` for self-service and refused requests.
    /// `id` names the item (the request's own id, or a row number when it has none).
    pub fn from_decision(id: String, request: &SelfServiceRequest, decision: &Decision) -> Option<WorkItem> {
        let Route::Staff { queue } = decision.route else { return None };
        let mut reasons: Vec<ReasonCode> = decision.reasons.iter().map(|r| r.code).collect();
        reasons.dedup();
        Some(WorkItem { id, queue, reasons, requested_at: request.at, closed_at: None })
    }
}

/// Who works on an item: `{"item": "R-1", "assignee": "dana"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Assignment {
    /// The item's id.
    pub item: String,
    /// The person working on it.
    pub assignee: String,
}

/// An open item on the date-time asked about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AgedItem {
    /// The item's id.
    pub id: String,
    /// The queue.
    pub queue: Queue,
    /// The reasons.
    pub reasons: Vec<ReasonCode>,
    /// When the member asked.
    #[serde(with = "datetime_text")]
    pub requested_at: PrimitiveDateTime,
    /// The owning team (`None`: the queue has no owner in the policy).
    pub team: Option<String>,
    /// The person it is assigned to, if anyone.
    pub assignee: Option<String>,
    /// The service level (`None` for an unowned queue).
    pub service_level: Option<ServiceLevel>,
    /// When it is due (`None` without a service level).
    #[serde(with = "opt_datetime_text")]
    pub due: Option<PrimitiveDateTime>,
    /// Calendar minutes since the request.
    pub age_minutes: i64,
    /// Business minutes since the request (open hours only).
    pub business_minutes: i64,
    /// Business minutes until it is due; negative once overdue (`None` without a due time).
    pub business_minutes_left: Option<i64>,
    /// Whether the due time has passed.
    pub overdue: bool,
}

/// The open load of one owner: a team, or one person of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OwnerLoad {
    /// The team (`None`: items of queues nobody owns).
    pub team: Option<String>,
    /// The person (`None`: the team's items nobody is assigned to).
    pub assignee: Option<String>,
    /// Open items.
    pub open: usize,
    /// Of which overdue.
    pub overdue: usize,
    /// The business age of the oldest, in minutes.
    pub oldest_business_minutes: i64,
}

/// The open load of one queue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QueueLoad {
    /// The queue.
    pub queue: Queue,
    /// Open items.
    pub open: usize,
    /// Of which overdue.
    pub overdue: usize,
    /// The business age of the oldest, in minutes.
    pub oldest_business_minutes: i64,
}

/// How closed items of one queue (or all) met their service level.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Resolution {
    /// The queue (`None`: all queues).
    pub queue: Option<Queue>,
    /// Closed items with a service level.
    pub closed: usize,
    /// Of which closed by their due time.
    pub within: usize,
    /// `within` as a share of `closed`, percent, one decimal (`None` when nothing closed had a
    /// service level).
    #[serde(with = "crate::money::opt_decimal_text")]
    pub share: Option<Decimal>,
    /// Closed items of queues nobody owns (no service level: not in the share).
    pub without_service_level: usize,
}

/// The staff queues on a date-time: every open item aged, the loads, and the resolution share.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StaffQueues {
    /// The moment asked about.
    #[serde(with = "datetime_text")]
    pub as_of: PrimitiveDateTime,
    /// Open items.
    pub open: usize,
    /// Open items past their due time.
    pub overdue: usize,
    /// Open items of queues the policy gives no owner.
    pub unowned: usize,
    /// The open items, oldest request first (then by id).
    pub items: Vec<AgedItem>,
    /// Open load per team and person: each team's assignees by name, then its unassigned items;
    /// teams by id, unowned items last.
    pub by_owner: Vec<OwnerLoad>,
    /// Open load per queue, in the queue order.
    pub by_queue: Vec<QueueLoad>,
    /// For closed items, when any are given: all queues first, then each queue.
    pub resolved: Vec<Resolution>,
}

/// Ages work items on a date-time (see the module's documentation). Items with a `closed_at` are
/// closed: they count only in `resolved`. Paths in errors are `items[i]...` and
/// `assignments[i]...`.
///
/// # Errors
/// [`WorkError`]: an empty or repeated item id, an assignment of an unknown item or of one item
/// twice, a request or closing time after `as_of`, a closing before the request, a due time past
/// 9999-12-31.
pub fn staff_queues(
    policy: &StaffPolicy,
    items: &[WorkItem],
    assignments: &[Assignment],
    as_of: PrimitiveDateTime,
) -> Result<StaffQueues, WorkError> {
    let text = |t: &PrimitiveDateTime| datetime_text::format(t);
    let mut index: HashMap<&str, usize> = HashMap::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let at = |field: &str| format!("items[{i}].{field}");
        if item.id.trim().is_empty() {
            return Err(WorkError::InvalidInput { path: at("id"), message: "must not be empty".into() });
        }
        if let Some(first) = index.insert(item.id.as_str(), i) {
            return Err(WorkError::DuplicateItem { path: at("id"), id: item.id.clone(), first });
        }
        for (field, t) in [("requested_at", Some(item.requested_at)), ("closed_at", item.closed_at)] {
            if let Some(t) = t.filter(|t| *t > as_of) {
                return Err(WorkError::AfterAsOf {
                    path: at(field),
                    id: item.id.clone(),
                    at: text(&t),
                    as_of: text(&as_of),
                });
            }
        }
        if item.closed_at.is_some_and(|c| c < item.requested_at) {
            return Err(WorkError::ClosedBeforeRequested { path: at("closed_at"), id: item.id.clone() });
        }
    }
    let mut assignee: HashMap<&str, &str> = HashMap::with_capacity(assignments.len());
    for (i, a) in assignments.iter().enumerate() {
        if !index.contains_key(a.item.as_str()) {
            return Err(WorkError::UnknownItem { path: format!("assignments[{i}].item"), id: a.item.clone() });
        }
        if a.assignee.trim().is_empty() {
            return Err(WorkError::InvalidInput {
                path: format!("assignments[{i}].assignee"),
                message: "must not be empty".into(),
            });
        }
        if assignee.insert(a.item.as_str(), a.assignee.as_str()).is_some() {
            return Err(WorkError::DuplicateAssignment { path: format!("assignments[{i}].item"), id: a.item.clone() });
        }
    }

    let calendar = BusinessCalendar::new(policy);
    let day = policy.week.day_minutes();
    let mut aged = Vec::new();
    let mut resolved: BTreeMap<Option<Queue>, (usize, usize, usize)> = BTreeMap::new();
    for (i, item) in items.iter().enumerate() {
        let owner = policy.owner_of(item.queue, &item.reasons);
        let due = match owner.service_level {
            Some(level) => Some(
                calendar
                    .add_minutes(item.requested_at, level.minutes(day))
                    .ok_or_else(|| WorkError::OutOfRange { path: format!("items[{i}]"), id: item.id.clone() })?,
            ),
            None => None,
        };
        if let Some(closed) = item.closed_at {
            for key in [None, Some(item.queue)] {
                let row = resolved.entry(key).or_default();
                match due {
                    Some(d) => {
                        row.0 += 1;
                        row.1 += usize::from(closed <= d);
                    }
                    None => row.2 += 1,
                }
            }
            continue;
        }
        let business_minutes = calendar.minutes_between(item.requested_at, as_of);
        let left =
            due.map(
                |d| {
                    if d >= as_of {
                        calendar.minutes_between(as_of, d)
                    } else {
                        -calendar.minutes_between(d, as_of)
                    }
                },
            );
        aged.push(AgedItem {
            id: item.id.clone(),
            queue: item.queue,
            reasons: item.reasons.clone(),
            requested_at: item.requested_at,
            team: owner.team,
            assignee: assignee.get(item.id.as_str()).map(|a| (*a).to_owned()),
            service_level: owner.service_level,
            due,
            age_minutes: (as_of - item.requested_at).whole_minutes(),
            business_minutes,
            business_minutes_left: left,
            overdue: due.is_some_and(|d| as_of > d),
        });
    }
    aged.sort_by(|a, b| a.requested_at.cmp(&b.requested_at).then_with(|| a.id.cmp(&b.id)));

    // Owners: teams by id (unowned last), each team's named assignees, then its unassigned items.
    type OwnerKey<'a> = (bool, Option<&'a str>, bool, Option<&'a str>);
    let mut owners: BTreeMap<OwnerKey<'_>, OwnerLoad> = BTreeMap::new();
    let mut queues: BTreeMap<Queue, QueueLoad> = BTreeMap::new();
    for item in &aged {
        let key = (item.team.is_none(), item.team.as_deref(), item.assignee.is_none(), item.assignee.as_deref());
        let o = owners.entry(key).or_insert_with(|| OwnerLoad {
            team: item.team.clone(),
            assignee: item.assignee.clone(),
            open: 0,
            overdue: 0,
            oldest_business_minutes: 0,
        });
        o.open += 1;
        o.overdue += usize::from(item.overdue);
        o.oldest_business_minutes = o.oldest_business_minutes.max(item.business_minutes);
        let q = queues.entry(item.queue).or_insert(QueueLoad {
            queue: item.queue,
            open: 0,
            overdue: 0,
            oldest_business_minutes: 0,
        });
        q.open += 1;
        q.overdue += usize::from(item.overdue);
        q.oldest_business_minutes = q.oldest_business_minutes.max(item.business_minutes);
    }
    let by_owner = owners.into_values().collect();
    Ok(StaffQueues {
        as_of,
        open: aged.len(),
        overdue: aged.iter().filter(|i| i.overdue).count(),
        unowned: aged.iter().filter(|i| i.team.is_none()).count(),
        items: aged,
        by_owner,
        by_queue: queues.into_values().collect(),
        resolved: resolved
            .into_iter()
            .map(|(queue, (closed, within, without_service_level))| Resolution {
                queue,
                closed,
                within,
                share: (closed > 0).then(|| share(within, closed)),
                without_service_level,
            })
            .collect(),
    })
}

/// Minutes as people read them: `"45 min"`, `"2 h 30 min"`, `"-1 h 05 min"` (a business age, a
/// time left or overdue, staff time in the coverage report).
///
/// ```
/// assert_eq!(amscore::minutes_text(150), "2 h 30 min");
/// assert_eq!(amscore::minutes_text(-65), "-1 h 05 min");
/// ```
pub fn minutes_text(minutes: impl Into<i128>) -> String {
    let minutes: i128 = minutes.into();
    let sign = if minutes < 0 { "-" } else { "" };
    let m = minutes.unsigned_abs();
    if m < 60 {
        format!("{sign}{m} min")
    } else {
        format!("{sign}{} h {:02} min", m / 60, m % 60)
    }
}

/// The staff queues as text for people: the totals, each owner's load, each queue's load, the
/// oldest open items (at most `oldest`), and the resolution share.
///
/// ```
/// use time::macros::datetime;
/// let report = amscore::staff_queues(&amscore::StaffPolicy::default(), &[], &[], datetime!(2026-11-30 10:30))?;
/// let text = amscore::format_staff_queues(&report, 10);
/// assert!(text.starts_with("Staff queues on 2026-11-30T10:30: 0 open, 0 overdue, 0 unowned"));
/// # Ok::<(), amscore::WorkError>(())
/// ```
pub fn format_staff_queues(report: &StaffQueues, oldest: usize) -> String {
    let mut out = String::new();
    // Writing to a String cannot fail.
    let _ = writeln!(
        out,
        "Staff queues on {}: {} open, {} overdue, {} unowned",
        datetime_text::format(&report.as_of),
        report.open,
        report.overdue,
        report.unowned
    );
    if !report.by_owner.is_empty() {
        let _ = writeln!(
            out,
            "\n{:<24} {:<16} {:>6} {:>8} {:>16}",
            "team", "assignee", "open", "overdue", "oldest (business)"
        );
        for o in &report.by_owner {
            let _ = writeln!(
                out,
                "{:<24} {:<16} {:>6} {:>8} {:>16}",
                o.team.as_deref().unwrap_or("(unowned)"),
                o.assignee.as_deref().unwrap_or("(unassigned)"),
                o.open,
                o.overdue,
                minutes_text(o.oldest_business_minutes)
            );
        }
    }
    if !report.by_queue.is_empty() {
        let _ = writeln!(out, "\n{:<24} {:>6} {:>8} {:>16}", "queue", "open", "overdue", "oldest (business)");
        for q in &report.by_queue {
            let _ = writeln!(
                out,
                "{:<24} {:>6} {:>8} {:>16}",
                q.queue.as_str(),
                q.open,
                q.overdue,
                minutes_text(q.oldest_business_minutes)
            );
        }
    }
    if !report.items.is_empty() && oldest > 0 {
        let _ = writeln!(out, "\nOldest open items:");
        for i in report.items.iter().take(oldest) {
            let due = match (i.due, i.business_minutes_left) {
                (Some(d), Some(left)) if i.overdue => {
                    format!("due {}, overdue by {}", datetime_text::format(&d), minutes_text(-left))
                }
                (Some(d), Some(left)) => format!("due {}, {} left", datetime_text::format(&d), minutes_text(left)),
                _ => "no owner, no due time".to_owned(),
            };
            let reasons: Vec<&str> = i.reasons.iter().map(|r| r.as_str()).collect();
            let _ = writeln!(
                out,
                "  {:<12} {:<11} asked {}  age {} (business)  {}  [{}]",
                i.id,
                i.queue.as_str(),
                datetime_text::format(&i.requested_at),
                minutes_text(i.business_minutes),
                due,
                reasons.join(", ")
            );
        }
    }
    for r in &report.resolved {
        let _ = writeln!(
            out,
            "{}Resolved within the service level ({}): {} of {}{}{}",
            if r.queue.is_none() { "\n" } else { "  " },
            r.queue.map_or("all queues", |q| q.as_str()),
            r.within,
            r.closed,
            r.share.map_or(String::new(), |s| format!(" ({s}%)")),
            if r.without_service_level > 0 {
                format!("; {} closed without a service level", r.without_service_level)
            } else {
                String::new()
            }
        );
    }
    out
}

#[cfg(test)]
mod tests;
