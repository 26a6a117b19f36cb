//! The policy's `success.reminders` section: message sequences (steps relative to an anchor, with
//! conditions, a channel and a template) and the fatigue rules every sequence shares, validated
//! with path-precise errors.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};
use time::Date;

use crate::policy_error::{PolicyError, Range};
use crate::status::Status;

use super::policy::{SuccessPolicy, DAYS, SIGNED_DAYS};

/// A fatigue cap's `max`: 1 to 1000 messages.
const CAP_MAX: Range<u32> = Range::new(1, 1000);

/// A fatigue window (`cap.days`) and the minimum gap: 1 to 366 days.
const WINDOW_DAYS: Range<u32> = Range::new(1, 366);

fn yes() -> bool {
    true
}

fn seven() -> u32 {
    7
}

fn one() -> u32 {
    1
}

/// The date a sequence's steps count from.
///
/// Written `"join"`, `"term_end"`, `"grace_end"` or
/// `{"milestone": {"journey": "onboarding", "milestone": "first_event"}}`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum SequenceAnchor {
    /// Member-since.
    Join,
    /// The last day of a term (each term of the member's history is an anchor; a lifetime term
    /// has none).
    TermEnd,
    /// The last day of grace after a term's end (the term's end for a plan without grace).
    GraceEnd,
    /// The due day of a journey's milestone (see `success.journeys`).
    Milestone {
        /// The journey's id.
        journey: String,
        /// The milestone's id within the journey.
        milestone: String,
    },
}

/// One message of a sequence: `{"id": "d30", "day": -30, "channel": "email", "template":
/// "renewal_30"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReminderStep {
    /// The step's identifier within its sequence.
    pub id: String,
    /// The day the message is due, relative to the anchor (negative before it), -36600 to 36600.
    /// A sequence's steps are in strictly increasing `day` order.
    #[schemars(range(min = super::policy::SIGNED_DAYS.min, max = super::policy::SIGNED_DAYS.max))]
    pub day: i32,
    /// How the message goes out (`email`, `sms`, `letter`, ...): the forecast counts by it.
    pub channel: String,
    /// The template the sending system fills in.
    pub template: String,
    /// The step's priority, overriding its sequence's (1 is the most urgent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priority: Option<u8>,
}

/// A message sequence: steps relative to an anchor, for the members its conditions select.
///
/// A member is in the sequence on a date when every condition given holds on that date: the
/// status is one of `statuses`, auto-renew equals `auto_renew`, the member is in `segment`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Sequence {
    /// The sequence's identifier (what the sent log names).
    pub id: String,
    /// What the steps' days count from.
    pub anchor: SequenceAnchor,
    /// How urgent its messages are when two fall on one day: 1 is the most urgent.
    pub priority: u8,
    /// The statuses the member must be in (any status if empty).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub statuses: Vec<Status>,
    /// Only members whose auto-renew is this (any if absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auto_renew: Option<bool>,
    /// Only members in this segment (see `success.segments`; any member if absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub segment: Option<String>,
    /// Days a step not sent on its due day (held back by fatigue) stays due, unless the next step
    /// falls due first (default 7), 0 to 36600.
    #[schemars(range(max = super::policy::DAYS.max))]
    #[serde(default = "seven")]
    pub catch_up_days: u32,
    /// Whether a renewal stops the sequence (default true): a step anchored on a term's end
    /// (or grace end) is not sent once the member holds a later term.
    #[serde(default = "yes")]
    pub stop_on_renewal: bool,
    /// Whether a lapse stops the sequence (default true): nothing is sent while the member is
    /// lapsed or expired. A win-back sequence sets it to false.
    #[serde(default = "yes")]
    pub stop_on_lapse: bool,
    /// The messages, in increasing `day` order.
    pub steps: Vec<ReminderStep>,
}

impl Sequence {
    /// A step's priority: its own, else the sequence's.
    pub fn priority_of(&self, step: &ReminderStep) -> u8 {
        step.priority.unwrap_or(self.priority)
    }
}

/// A day of the week, written in lowercase English (`"sunday"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
#[allow(missing_docs)]
pub enum Weekday {
    Monday,
    Tuesday,
    Wednesday,
    Thursday,
    Friday,
    Saturday,
    Sunday,
}

impl Weekday {
    /// The day's lowercase name (`"sunday"`), as it is serialised.
    pub fn as_str(self) -> &'static str {
        match self {
            Weekday::Monday => "monday",
            Weekday::Tuesday => "tuesday",
            Weekday::Wednesday => "wednesday",
            Weekday::Thursday => "thursday",
            Weekday::Friday => "friday",
            Weekday::Saturday => "saturday",
            Weekday::Sunday => "sunday",
        }
    }

    /// The day of the week of a date.
    pub fn of(date: Date) -> Weekday {
        match date.weekday() {
            time::Weekday::Monday => Weekday::Monday,
            time::Weekday::Tuesday => Weekday::Tuesday,
            time::Weekday::Wednesday => Weekday::Wednesday,
            time::Weekday::Thursday => Weekday::Thursday,
            time::Weekday::Friday => Weekday::Friday,
            time::Weekday::Saturday => Weekday::Saturday,
            time::Weekday::Sunday => Weekday::Sunday,
        }
    }
}

/// A calendar date in the policy (`"2026-12-25"`), read with the one date grammar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct PolicyDate(#[serde(with = "crate::period::date_text")] pub Date);

impl schemars::JsonSchema for PolicyDate {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "PolicyDate".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "format": "date",
            "description": "A calendar date, YYYY-MM-DD."
        })
    }
}

/// At most `max` messages per member in any `days` consecutive days, across all sequences.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MessageCap {
    /// The most messages in the window, 1 to 1000.
    #[schemars(range(min = 1, max = 1000))]
    pub max: u32,
    /// The window's length in days (the day asked about and the days before it), 1 to 366.
    #[schemars(range(min = 1, max = 366))]
    pub days: u32,
}

/// The fatigue rules every sequence shares. Every field is optional.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct Fatigue {
    /// At most this many messages per member per window (no cap if absent).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cap: Option<MessageCap>,
    /// Days from one message to a member to the next, at least (default 1: one a day), 1 to 366.
    #[schemars(range(min = 1, max = 366))]
    pub min_gap_days: u32,
    /// Days of the week nothing is sent.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub quiet_weekdays: Vec<Weekday>,
    /// Dates nothing is sent (holidays).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub quiet_dates: Vec<PolicyDate>,
}

impl Default for Fatigue {
    fn default() -> Fatigue {
        Fatigue { cap: None, min_gap_days: one(), quiet_weekdays: Vec::new(), quiet_dates: Vec::new() }
    }
}

impl Fatigue {
    /// Whether nothing is sent on `date` (a quiet weekday or a quiet date).
    pub fn is_quiet(&self, date: Date) -> bool {
        self.quiet_weekdays.contains(&Weekday::of(date)) || self.quiet_dates.iter().any(|d| d.0 == date)
    }
}

/// The `success.reminders` section: message sequences and the fatigue rules they share.
///
/// ```
/// let p = amscore::Policy::from_json(r#"{"version": 1, "preset": "amscore", "success": {"reminders": {
///   "sequences": [{"id": "renewal", "anchor": "term_end", "priority": 2, "auto_renew": false,
///     "steps": [{"id": "d30", "day": -30, "channel": "email", "template": "renewal_30"},
///               {"id": "d7", "day": -7, "channel": "email", "template": "renewal_7"}]}],
///   "fatigue": {"cap": {"max": 3, "days": 30}, "min_gap_days": 2, "quiet_weekdays": ["sunday"]}}}}"#)?;
/// assert_eq!(p.success.reminders.sequences[0].steps.len(), 2);
/// let err = amscore::Policy::from_json(r#"{"version": 1, "preset": "amscore", "success": {"reminders": {
///   "sequences": [{"id": "renewal", "anchor": "term_end", "priority": 2,
///     "steps": [{"id": "a", "day": -7, "channel": "email", "template": "t"},
///               {"id": "b", "day": -30, "channel": "email", "template": "t"}]}]}}}"#).unwrap_err();
/// assert_eq!(err.to_string(), "success.reminders.sequences[0].steps[1].day: must be after the previous step's day (-7)");
/// # Ok::<(), amscore::PolicyError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct RemindersPolicy {
    /// The sequences, in policy order (which also breaks priority ties: the earlier wins).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub sequences: Vec<Sequence>,
    /// The fatigue rules.
    pub fatigue: Fatigue,
}

impl RemindersPolicy {
    /// Whether the section is absent (all defaults), so it is left out when the policy is written.
    pub fn is_empty(&self) -> bool {
        *self == RemindersPolicy::default()
    }

    /// A sequence by id, with its place in the policy.
    pub fn sequence(&self, id: &str) -> Option<(usize, &Sequence)> {
        self.sequences.iter().enumerate().find(|(_, s)| s.id == id)
    }

    /// Checks what serde cannot: ids, step order, ranges, and the segments, journeys and
    /// milestones the sequences name (in `success`).
    ///
    /// # Errors
    /// [`PolicyError::InvalidValue`] naming the path under `success.reminders`.
    pub fn validate(&self, success: &SuccessPolicy) -> Result<(), PolicyError> {
        let invalid = |path: String, message: String| PolicyError::InvalidValue { path, message };
        let mut ids = HashSet::new();
        for (i, s) in self.sequences.iter().enumerate() {
            let at = |f: &str| format!("success.reminders.sequences[{i}].{f}");
            if s.id.trim().is_empty() {
                return Err(invalid(at("id"), "must not be empty".into()));
            }
            if !ids.insert(s.id.as_str()) {
                return Err(invalid(at("id"), format!("duplicate sequence `{}`", s.id)));
            }
            DAYS.check(|| at("catch_up_days"), s.catch_up_days)?;
            if let Some(seg) = &s.segment {
                if success.segment(seg).is_none() {
                    return Err(invalid(at("segment"), format!("unknown segment `{seg}`")));
                }
            }
            if let SequenceAnchor::Milestone { journey, milestone } = &s.anchor {
                let Some(j) = success.journeys.iter().find(|j| j.id == *journey) else {
                    return Err(invalid(at("anchor.milestone.journey"), format!("unknown journey `{journey}`")));
                };
                if !j.milestones.iter().any(|m| m.id == *milestone) {
                    return Err(invalid(
                        at("anchor.milestone.milestone"),
                        format!("journey `{journey}` has no milestone `{milestone}`"),
                    ));
                }
            }
            let mut statuses = HashSet::new();
            for (k, st) in s.statuses.iter().enumerate() {
                if !statuses.insert(st) {
                    return Err(invalid(at(&format!("statuses[{k}]")), format!("duplicate status `{st}`")));
                }
            }
            if s.steps.is_empty() {
                return Err(invalid(at("steps"), "must list at least one step".into()));
            }
            let mut step_ids = HashSet::new();
            let mut previous: Option<i32> = None;
            for (k, step) in s.steps.iter().enumerate() {
                let sat = |f: &str| at(&format!("steps[{k}].{f}"));
                if step.id.trim().is_empty() {
                    return Err(invalid(sat("id"), "must not be empty".into()));
                }
                if !step_ids.insert(step.id.as_str()) {
                    return Err(invalid(sat("id"), format!("duplicate step `{}`", step.id)));
                }
                SIGNED_DAYS.check(|| sat("day"), step.day)?;
                if let Some(p) = previous.filter(|&p| step.day <= p) {
                    return Err(invalid(sat("day"), format!("must be after the previous step's day ({p})")));
                }
                previous = Some(step.day);
                if step.channel.trim().is_empty() {
                    return Err(invalid(sat("channel"), "must not be empty".into()));
                }
                if step.template.trim().is_empty() {
                    return Err(invalid(sat("template"), "must not be empty".into()));
                }
            }
        }
        let f = &self.fatigue;
        if let Some(cap) = f.cap {
            CAP_MAX.check(|| "success.reminders.fatigue.cap.max".into(), cap.max)?;
            WINDOW_DAYS.check(|| "success.reminders.fatigue.cap.days".into(), cap.days)?;
        }
        WINDOW_DAYS.check(|| "success.reminders.fatigue.min_gap_days".into(), f.min_gap_days)?;
        let mut days = HashSet::new();
        for (k, d) in f.quiet_weekdays.iter().enumerate() {
            if !days.insert(d) {
                return Err(invalid(
                    format!("success.reminders.fatigue.quiet_weekdays[{k}]"),
                    "duplicate weekday".into(),
                ));
            }
        }
        if days.len() == 7 {
            return Err(invalid("success.reminders.fatigue.quiet_weekdays".into(), "every day is quiet".into()));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use crate::policy::Policy;

    fn err(reminders: &str) -> String {
        let text = format!(r#"{{"version": 1, "preset": "amscore", "success": {{"reminders": {reminders}}}}}"#);
        Policy::from_json(&text).map(|_| String::new()).unwrap_or_else(|e| e.to_string())
    }

    const STEP: &str = r#"{"id": "a", "day": 0, "channel": "email", "template": "t"}"#;

    #[test]
    fn a_policy_with_reminders_round_trips_through_json() {
        let text = format!(
            r#"{{"version": 1, "preset": "amscore", "success": {{"reminders": {{
              "sequences": [{{"id": "s", "anchor": "grace_end", "priority": 3, "statuses": ["lapsed"],
                 "stop_on_lapse": false, "catch_up_days": 0, "steps": [{STEP}]}}],
              "fatigue": {{"cap": {{"max": 2, "days": 14}}, "min_gap_days": 2, "quiet_weekdays": ["saturday"],
                 "quiet_dates": ["2026-12-25"]}}}}}}}}"#
        );
        let policy = Policy::from_json(&text).expect("valid");
        let again = Policy::from_json(&policy.to_json().expect("writes")).expect("reads back");
        assert_eq!(policy, again);
        assert!(!Policy::preset("amscore").expect("preset").to_json().expect("writes").contains("reminders"));
    }

    #[test]
    fn bad_reminder_sections_are_refused_with_their_path() {
        assert_eq!(
            err(r#"{"colour": 1}"#),
            "success.reminders: unknown field `colour`; valid fields: `sequences`, `fatigue`"
        );
        let seq =
            |extra: &str| format!(r#"{{"sequences": [{{"id": "s", "anchor": "join", "priority": 1, {extra}}}]}}"#);
        assert_eq!(err(&seq(r#""steps": []"#)), "success.reminders.sequences[0].steps: must list at least one step");
        assert_eq!(
            err(&seq(&format!(r#""segment": "vip", "steps": [{STEP}]"#))),
            "success.reminders.sequences[0].segment: unknown segment `vip`"
        );
        assert_eq!(
            err(&seq(&format!(r#""steps": [{STEP}, {STEP}]"#))),
            "success.reminders.sequences[0].steps[1].id: duplicate step `a`"
        );
        assert_eq!(
            err(&seq(r#""steps": [{"id": "a", "day": 0, "channel": " ", "template": "t"}]"#)),
            "success.reminders.sequences[0].steps[0].channel: must not be empty"
        );
        assert_eq!(
            err(r#"{"fatigue": {"cap": {"max": 0, "days": 30}}}"#),
            "success.reminders.fatigue.cap.max: must be between 1 and 1000"
        );
        assert_eq!(
            err(r#"{"fatigue": {"min_gap_days": 0}}"#),
            "success.reminders.fatigue.min_gap_days: must be between 1 and 366"
        );
        let all = r#"["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]"#;
        assert_eq!(
            err(&format!(r#"{{"fatigue": {{"quiet_weekdays": {all}}}}}"#)),
            "success.reminders.fatigue.quiet_weekdays: every day is quiet"
        );
        assert!(err(r#"{"fatigue": {"quiet_dates": ["2026-02-30"]}}"#)
            .starts_with("success.reminders.fatigue.quiet_dates[0]"));
    }
}
