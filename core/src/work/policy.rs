//! The policy's `staff` section: who owns each staff queue, the service level they answer in,
//! the working week the service level is counted in, and the staff minutes each reason costs.

use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use time::{Date, Time, Weekday};

use crate::decision::{Decision, Queue, ReasonCode, Route};
use crate::policy_error::{PolicyError, Range};
use crate::request::datetime_text;

/// How long staff have to handle an item: business hours or business days, counted in the
/// policy's working week (a business day is one working day's opening hours).
///
/// ```
/// let s: amscore::ServiceLevel = serde_json::from_str(r#"{"business_hours": 16}"#)?;
/// assert_eq!(s, amscore::ServiceLevel::BusinessHours(16));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ServiceLevel {
    /// This many business hours (1 to 8760).
    BusinessHours(u32),
    /// This many business days (1 to 366).
    BusinessDays(u32),
}

/// `business_hours`: 1 to 8760.
const SERVICE_HOURS: Range<u32> = Range::new(1, 8760);
/// `business_days`: 1 to 366.
const SERVICE_DAYS: Range<u32> = Range::new(1, 366);
/// Minutes per reason: 0 to 10080 (a week).
const REASON_MINUTES: Range<u32> = Range::new(0, 10_080);

impl ServiceLevel {
    /// The service level in business minutes, given the length of a working day in minutes.
    pub fn minutes(&self, day_minutes: u32) -> u64 {
        match *self {
            ServiceLevel::BusinessHours(h) => u64::from(h) * 60,
            ServiceLevel::BusinessDays(d) => u64::from(d) * u64::from(day_minutes),
        }
    }
}

/// A day of the week, in the policy's words (`"monday"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum WorkDay {
    /// Monday.
    Monday,
    /// Tuesday.
    Tuesday,
    /// Wednesday.
    Wednesday,
    /// Thursday.
    Thursday,
    /// Friday.
    Friday,
    /// Saturday.
    Saturday,
    /// Sunday.
    Sunday,
}

impl WorkDay {
    /// The calendar's weekday.
    pub fn weekday(self) -> Weekday {
        match self {
            WorkDay::Monday => Weekday::Monday,
            WorkDay::Tuesday => Weekday::Tuesday,
            WorkDay::Wednesday => Weekday::Wednesday,
            WorkDay::Thursday => Weekday::Thursday,
            WorkDay::Friday => Weekday::Friday,
            WorkDay::Saturday => Weekday::Saturday,
            WorkDay::Sunday => Weekday::Sunday,
        }
    }
}

/// Times of day in the policy: `"09:00"`, read with [`datetime_text::parse_time`] (the time part
/// of the one date-time grammar).
mod time_text {
    use super::*;

    pub(super) fn serialize<S: Serializer>(value: &Time, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&datetime_text::format_time(value))
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Time, D::Error> {
        let text = String::deserialize(d)?;
        datetime_text::parse_time(&text)
            .ok_or_else(|| serde::de::Error::custom(format!("`{text}` is not a time of day HH:MM")))
    }
}

/// The working week: the days staff work and the hours they are open, association wall-clock
/// time (the same clock as the requests). Default Monday to Friday, 09:00 to 17:00.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct WorkWeek {
    /// The working days (at least one, each once).
    pub days: Vec<WorkDay>,
    /// When the working day starts (`"09:00"`).
    #[schemars(with = "String")]
    #[serde(with = "time_text")]
    pub opens: Time,
    /// When it ends (`"17:00"`), after `opens`.
    #[schemars(with = "String")]
    #[serde(with = "time_text")]
    pub closes: Time,
}

impl Default for WorkWeek {
    fn default() -> WorkWeek {
        WorkWeek {
            days: vec![WorkDay::Monday, WorkDay::Tuesday, WorkDay::Wednesday, WorkDay::Thursday, WorkDay::Friday],
            opens: time::macros::time!(09:00),
            closes: time::macros::time!(17:00),
        }
    }
}

impl WorkWeek {
    /// The length of a working day, in minutes.
    pub fn day_minutes(&self) -> u32 {
        u32::try_from((self.closes - self.opens).whole_minutes()).unwrap_or(0)
    }
}

/// Who owns a queue's items, and how fast they answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct QueueOwner {
    /// The owning team (an id of `staff.teams`).
    pub team: String,
    /// The service level.
    pub service_level: ServiceLevel,
    /// Items of this queue with one of these reasons go to another team or service level; the
    /// first of an item's reasons (in the reason order) that is listed decides.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub reasons: BTreeMap<ReasonCode, ReasonOwner>,
}

/// A reason's own owner or service level inside a queue (what it leaves out is the queue's).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReasonOwner {
    /// The owning team, if not the queue's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub team: Option<String>,
    /// The service level, if not the queue's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_level: Option<ServiceLevel>,
}

/// The `staff` section of a policy: who owns the 20%.
///
/// ```
/// let p = amscore::Policy::from_json(r#"{"version": 1, "preset": "amscore", "staff": {
///     "teams": {"desk": "Membership desk"},
///     "queues": {"membership": {"team": "desk", "service_level": {"business_hours": 16}}},
///     "holidays": ["2026-12-25"],
///     "minutes": {"plan_requires_approval": 12}}}"#)?;
/// assert_eq!(p.staff.week.day_minutes(), 480);
/// assert_eq!(p.staff.minutes_of(amscore::ReasonCode::PlanRequiresApproval), 12);
/// # Ok::<(), amscore::PolicyError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct StaffPolicy {
    /// The teams, by id, with a name for people.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub teams: BTreeMap<String, String>,
    /// The owner and service level of each queue. A queue not listed has no owner: its items
    /// are reported as unowned, with no due time.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub queues: BTreeMap<Queue, QueueOwner>,
    /// The working week service levels are counted in.
    pub week: WorkWeek,
    /// Days the association is closed (`YYYY-MM-DD`).
    #[schemars(with = "Vec<String>")]
    #[serde(with = "crate::period::date_list_text", skip_serializing_if = "Vec::is_empty")]
    pub holidays: Vec<Date>,
    /// Staff minutes a request sent to staff costs for each of its reasons (0 to 10080).
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub minutes: BTreeMap<ReasonCode, u32>,
    /// Minutes for a reason `minutes` does not list (default 0).
    #[schemars(range(min = 0, max = 10080))]
    #[serde(skip_serializing_if = "is_zero")]
    pub default_minutes: u32,
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

/// Who owns an item and how long they have: the team (`None`: the queue has no owner) and the
/// service level.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ownership {
    /// The owning team.
    pub team: Option<String>,
    /// The service level.
    pub service_level: Option<ServiceLevel>,
}

impl StaffPolicy {
    /// Whether the section is all defaults (then a policy document leaves it out).
    pub fn is_empty(&self) -> bool {
        *self == StaffPolicy::default()
    }

    /// Whether the policy gives staff minutes (then the coverage report shows staff time).
    pub fn costs_time(&self) -> bool {
        !self.minutes.is_empty() || self.default_minutes > 0
    }

    /// The staff minutes one request sent to staff costs for a reason.
    pub fn minutes_of(&self, code: ReasonCode) -> u32 {
        self.minutes.get(&code).copied().unwrap_or(self.default_minutes)
    }

    /// The staff minutes a decision costs: for a request sent to staff, the minutes of each of
    /// its distinct reasons, added up; nothing for self-service or refused requests.
    ///
    /// ```
    /// let engine = amscore::Engine::from_json(r#"{"version": 1, "preset": "amscore",
    ///     "staff": {"minutes": {"plan_requires_approval": 12}}}"#)?;
    /// let r = amscore::parse_self_service_request(serde_json::json!(
    ///     {"at": "2025-03-10T12:00", "action": {"kind": "join", "plan": "retired"}})).unwrap();
    /// let d = engine.decide(&r).unwrap();
    /// assert_eq!(engine.policy().staff.decision_minutes(&d), 12);
    /// # Ok::<(), amscore::PolicyError>(())
    /// ```
    pub fn decision_minutes(&self, decision: &Decision) -> u64 {
        if !matches!(decision.route, Route::Staff { .. }) {
            return 0;
        }
        let mut codes: Vec<ReasonCode> = decision.reasons.iter().map(|r| r.code).collect();
        codes.sort_unstable();
        codes.dedup();
        codes.into_iter().map(|c| u64::from(self.minutes_of(c))).sum()
    }

    /// Who owns an item of `queue` with these reasons, and its service level: the queue's owner,
    /// unless the first of the reasons (in the reason order) that the queue lists says otherwise.
    pub fn owner_of(&self, queue: Queue, reasons: &[ReasonCode]) -> Ownership {
        let Some(q) = self.queues.get(&queue) else {
            return Ownership { team: None, service_level: None };
        };
        let mut sorted = reasons.to_vec();
        sorted.sort_unstable();
        let special = sorted.iter().find_map(|c| q.reasons.get(c));
        Ownership {
            team: Some(special.and_then(|s| s.team.clone()).unwrap_or_else(|| q.team.clone())),
            service_level: Some(special.and_then(|s| s.service_level).unwrap_or(q.service_level)),
        }
    }

    /// Checks the section; paths start with `staff`.
    ///
    /// # Errors
    /// A [`PolicyError`] naming the path of the first problem.
    pub(crate) fn validate(&self) -> Result<(), PolicyError> {
        let invalid = |path: String, message: String| PolicyError::InvalidValue { path, message };
        for (id, name) in &self.teams {
            if id.trim().is_empty() {
                return Err(invalid("staff.teams".into(), "a team id must not be empty".into()));
            }
            if name.trim().is_empty() {
                return Err(invalid(format!("staff.teams.{id}"), "must not be empty".into()));
            }
        }
        let team_known = |team: &str, path: String| -> Result<(), PolicyError> {
            if self.teams.contains_key(team) {
                Ok(())
            } else {
                Err(invalid(path, format!("unknown team `{team}`")))
            }
        };
        let check_level = |level: &ServiceLevel, path: String| -> Result<(), PolicyError> {
            match *level {
                ServiceLevel::BusinessHours(h) => SERVICE_HOURS.check(|| format!("{path}.business_hours"), h),
                ServiceLevel::BusinessDays(d) => SERVICE_DAYS.check(|| format!("{path}.business_days"), d),
            }
        };
        for (queue, owner) in &self.queues {
            let at = format!("staff.queues.{}", queue.as_str());
            team_known(&owner.team, format!("{at}.team"))?;
            check_level(&owner.service_level, format!("{at}.service_level"))?;
            for (code, special) in &owner.reasons {
                let at = format!("{at}.reasons.{code}");
                if let Some(team) = &special.team {
                    team_known(team, format!("{at}.team"))?;
                }
                if let Some(level) = &special.service_level {
                    check_level(level, format!("{at}.service_level"))?;
                }
            }
        }
        let week = &self.week;
        if week.days.is_empty() {
            return Err(invalid("staff.week.days".into(), "must list at least one working day".into()));
        }
        for (i, day) in week.days.iter().enumerate() {
            if week.days[..i].contains(day) {
                return Err(invalid(format!("staff.week.days[{i}]"), "is listed twice".into()));
            }
        }
        if week.closes <= week.opens {
            return Err(invalid("staff.week.closes".into(), "must be after opens".into()));
        }
        for (code, minutes) in &self.minutes {
            REASON_MINUTES.check(|| format!("staff.minutes.{code}"), *minutes)?;
        }
        REASON_MINUTES.check(|| "staff.default_minutes".into(), self.default_minutes)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use crate::policy::Policy;

    fn err(section: &str) -> String {
        let text = format!(r#"{{"version": 1, "preset": "amscore", "staff": {section}}}"#);
        Policy::from_json(&text).map(|_| String::new()).unwrap_or_else(|e| e.to_string())
    }

    #[test]
    fn section_errors_name_their_path() {
        let desk = r#""teams": {"desk": "Desk"}"#;
        assert_eq!(
            err(r#"{"queues": {"membership": {"team": "desk", "service_level": {"business_hours": 8}}}}"#),
            "staff.queues.membership.team: unknown team `desk`"
        );
        assert_eq!(
            err(&format!(
                r#"{{{desk}, "queues": {{"membership": {{"team": "desk", "service_level": {{"business_hours": 0}}}}}}}}"#
            )),
            "staff.queues.membership.service_level.business_hours: must be between 1 and 8760"
        );
        assert_eq!(
            err(&format!(
                r#"{{{desk}, "queues": {{"finance": {{"team": "desk", "service_level": {{"business_days": 2}},
                "reasons": {{"balance_overdue": {{"team": "cashier"}}}}}}}}}}"#
            )),
            "staff.queues.finance.reasons.balance_overdue.team: unknown team `cashier`"
        );
        assert_eq!(err(r#"{"week": {"days": []}}"#), "staff.week.days: must list at least one working day");
        assert_eq!(err(r#"{"week": {"days": ["monday", "monday"]}}"#), "staff.week.days[1]: is listed twice");
        assert_eq!(err(r#"{"week": {"opens": "17:00", "closes": "09:00"}}"#), "staff.week.closes: must be after opens");
        assert!(err(r#"{"week": {"opens": "9am"}}"#).starts_with("staff.week.opens: `9am` is not a time of day"));
        assert_eq!(err(r#"{"minutes": {"same_plan": 20000}}"#), "staff.minutes.same_plan: must be between 0 and 10080");
        assert_eq!(err(r#"{"owners": {}}"#), "staff: unknown field `owners`; valid fields: `teams`, `queues`, `week`, `holidays`, `minutes`, `default_minutes`");
        assert_eq!(err(r#"{"holidays": ["2026-02-30"]}"#).split(':').next(), Some("staff.holidays[0]"));
        assert_eq!(err(r#"{"teams": {"desk": " "}}"#), "staff.teams.desk: must not be empty");
        assert_eq!(err(r#"{"holidays": ["2026-12-25"], "week": {"days": ["saturday"]}}"#), "");
    }
}
