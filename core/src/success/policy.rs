//! The policy's `success` section: activity kinds, decay, segments, journeys, at-risk rules,
//! upgrade thresholds and measurement choices, validated with path-precise errors.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};

use rust_decimal::Decimal;

use crate::money::Rounding;
use crate::policy_error::{PolicyError, Range};

use super::activity::ActivityKind;
use super::engagement::Decay;
use super::expansion::UpgradeRule;
use super::intervention::AtRiskRule;
use super::journey::Journey;
use super::reminder_policy::RemindersPolicy;
use super::segment::Segment;

/// A count of days in the success section (a half-life, a step's age, a milestone's grace, a
/// cooldown, the renewal-due horizon): 0 to 36600 (a hundred years).
pub(crate) const DAYS: Range<u32> = Range::new(0, 36_600);

/// A milestone's `day` and `from_day`, relative to its anchor: -36600 to 36600.
pub(crate) const SIGNED_DAYS: Range<i32> = Range::new(-36_600, 36_600);

/// An upgrade rule's `min_tenure_years`: 0 to 200.
pub(crate) const TENURE_YEARS: Range<u32> = Range::new(0, 200);

/// An activity kind's `cap.max`: 1 to 100,000 events per period.
const CAP_MAX: Range<u32> = Range::new(1, 100_000);

/// An activity kind's `weight`: 0 to 1000 points per event.
const WEIGHT: Range<Decimal> = Range::new(Decimal::ZERO, Decimal::ONE_THOUSAND);

/// An upgrade rule's `min_score`: 0 to 1,000,000,000 points.
const MIN_SCORE: Range<Decimal> = Range::new(Decimal::ZERO, Decimal::from_parts(1_000_000_000, 0, 0, false, 0));

/// Whether a member who reinstates after a gap counts, in retention measures, as a new member
/// (the gap ended the old membership) or as a continuing one (the gap is bridged).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReinstatedAs {
    /// The gap is bridged: the member counts as a member across it and as having renewed.
    #[default]
    Continuing,
    /// The gap ends the membership: the reinstatement counts as a new join.
    New,
}

impl ReinstatedAs {
    /// The snake_case name (`"continuing"`).
    pub fn as_str(self) -> &'static str {
        match self {
            ReinstatedAs::Continuing => "continuing",
            ReinstatedAs::New => "new",
        }
    }
}

/// The `success` section of a policy document. Every field is optional.
///
/// ```
/// let p = amscore::Policy::from_json(r#"{"version": 1, "preset": "amscore", "success": {
///   "activity_kinds": [{"id": "login", "weight": "1", "cap": {"max": 4, "per": "month"}}],
///   "decay": {"kind": "half_life", "days": 90}
/// }}"#)?;
/// assert_eq!(p.success.activity_kinds.len(), 1);
/// let err = amscore::Policy::from_json(r#"{"version": 1, "preset": "amscore", "success": {
///   "activity_kinds": [{"id": "login", "weight": "-1"}]}}"#).unwrap_err();
/// assert_eq!(err.to_string(), "success.activity_kinds[0].weight: must not be negative");
/// # Ok::<(), amscore::PolicyError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct SuccessPolicy {
    /// The kinds of activity events and how they score.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub activity_kinds: Vec<ActivityKind>,
    /// How points fade with an event's age. Default: no decay.
    pub decay: Decay,
    /// Named groups of members by declarative rules.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub segments: Vec<Segment>,
    /// Journeys of milestones.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub journeys: Vec<Journey>,
    /// At-risk rules: who staff should reach out to, why, how urgently.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub at_risk: Vec<AtRiskRule>,
    /// Upgrade thresholds from one plan to another.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub upgrades: Vec<UpgradeRule>,
    /// How many days ahead the renewal-due list looks by default (default 90), 0 to 36600.
    #[schemars(range(max = DAYS.max))]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub renewal_due_days: Option<u32>,
    /// Whether a reinstated member counts as new or continuing in retention measures.
    pub reinstated: ReinstatedAs,
    /// How rates, tenures and amounts are rounded (once, at the end). Default half away from zero.
    pub rounding: Rounding,
    /// Message sequences (renewal reminders, onboarding notes) and the fatigue rules they share.
    #[serde(skip_serializing_if = "RemindersPolicy::is_empty")]
    pub reminders: RemindersPolicy,
}

impl SuccessPolicy {
    /// Whether the section is absent (all defaults), so it is left out when the policy is written.
    pub fn is_empty(&self) -> bool {
        *self == SuccessPolicy::default()
    }

    /// The renewal-due horizon in days (default 90).
    pub fn renewal_due_days(&self) -> u32 {
        self.renewal_due_days.unwrap_or(90)
    }

    /// Checks what serde cannot: weights, caps, decay steps, references between sections.
    /// `plan_known` says whether a plan id exists.
    ///
    /// # Errors
    /// [`PolicyError::InvalidValue`] or [`PolicyError::UnknownPlanReference`], naming the path.
    pub fn validate(&self, plan_known: &dyn Fn(&str) -> bool) -> Result<(), PolicyError> {
        if let Some(days) = self.renewal_due_days {
            DAYS.check(|| "success.renewal_due_days".into(), days)?;
        }
        let invalid = |path: String, message: &str| PolicyError::InvalidValue { path, message: message.to_owned() };
        let mut kinds = HashSet::new();
        for (i, k) in self.activity_kinds.iter().enumerate() {
            let at = |f: &str| format!("success.activity_kinds[{i}].{f}");
            if k.id.as_str().trim().is_empty() {
                return Err(invalid(at("id"), "must not be empty"));
            }
            if !kinds.insert(k.id.as_str()) {
                return Err(invalid(at("id"), &format!("duplicate activity kind `{}`", k.id)));
            }
            if k.weight.is_sign_negative() && !k.weight.is_zero() {
                return Err(invalid(at("weight"), "must not be negative"));
            }
            WEIGHT.check(|| at("weight"), k.weight)?;
            if k.cap.is_some_and(|c| c.max == 0) {
                return Err(invalid(at("cap.max"), "must be > 0"));
            }
            if let Some(cap) = k.cap {
                CAP_MAX.check(|| at("cap.max"), cap.max)?;
            }
        }
        self.decay.validate("success.decay")?;
        let mut segments = HashSet::new();
        for (i, s) in self.segments.iter().enumerate() {
            let at = format!("success.segments[{i}]");
            if s.id.trim().is_empty() {
                return Err(invalid(format!("{at}.id"), "must not be empty"));
            }
            if !segments.insert(s.id.as_str()) {
                return Err(invalid(format!("{at}.id"), &format!("duplicate segment `{}`", s.id)));
            }
            s.rule.validate(&format!("{at}.rule"), plan_known)?;
        }
        let kind_known = |id: &str| kinds.contains(id);
        let mut journeys = HashSet::new();
        for (i, j) in self.journeys.iter().enumerate() {
            let at = format!("success.journeys[{i}]");
            if !journeys.insert(j.id.as_str()) {
                return Err(invalid(format!("{at}.id"), &format!("duplicate journey `{}`", j.id)));
            }
            if let Some(seg) = &j.segment {
                if !segments.contains(seg.as_str()) {
                    return Err(invalid(format!("{at}.segment"), &format!("unknown segment `{seg}`")));
                }
            }
            if j.milestones.is_empty() {
                return Err(invalid(format!("{at}.milestones"), "must list at least one milestone"));
            }
            let mut ids = HashSet::new();
            for (k, m) in j.milestones.iter().enumerate() {
                let mat = format!("{at}.milestones[{k}]");
                SIGNED_DAYS.check(|| format!("{mat}.day"), m.day)?;
                if let Some(from) = m.from_day {
                    SIGNED_DAYS.check(|| format!("{mat}.from_day"), from)?;
                }
                DAYS.check(|| format!("{mat}.grace_days"), m.grace_days)?;
                if !ids.insert(m.id.as_str()) {
                    return Err(invalid(format!("{mat}.id"), &format!("duplicate milestone `{}`", m.id)));
                }
                if !kind_known(m.activity.as_str()) {
                    return Err(invalid(format!("{mat}.activity"), &format!("unknown activity kind `{}`", m.activity)));
                }
                if m.from_day.is_some_and(|f| f > m.day) {
                    return Err(invalid(format!("{mat}.from_day"), "must be <= day"));
                }
            }
        }
        let mut rules = HashSet::new();
        for (i, r) in self.at_risk.iter().enumerate() {
            let at = format!("success.at_risk[{i}]");
            if r.id.trim().is_empty() {
                return Err(invalid(format!("{at}.id"), "must not be empty"));
            }
            if !rules.insert(r.id.as_str()) {
                return Err(invalid(format!("{at}.id"), &format!("duplicate at-risk rule `{}`", r.id)));
            }
            DAYS.check(|| format!("{at}.cooldown_days"), r.cooldown_days)?;
            r.when.validate(&format!("{at}.when"), plan_known)?;
        }
        for (i, u) in self.upgrades.iter().enumerate() {
            let at = format!("success.upgrades[{i}]");
            for (field, plan) in [("from", &u.from), ("to", &u.to)] {
                if !plan_known(plan.as_str()) {
                    return Err(PolicyError::UnknownPlanReference {
                        path: format!("{at}.{field}"),
                        plan: plan.to_string(),
                    });
                }
            }
            if u.from == u.to {
                return Err(invalid(format!("{at}.to"), "must differ from `from`"));
            }
            if let Some(score) = u.min_score {
                MIN_SCORE.check(|| format!("{at}.min_score"), score)?;
            }
            if let Some(years) = u.min_tenure_years {
                TENURE_YEARS.check(|| format!("{at}.min_tenure_years"), years)?;
            }
            if u.min_percentile.is_some_and(|p| p.is_sign_negative() || p > rust_decimal::Decimal::ONE_HUNDRED) {
                return Err(invalid(format!("{at}.min_percentile"), "must be 0 to 100"));
            }
        }
        self.reminders.validate(self)?;
        Ok(())
    }

    /// A segment by id.
    pub fn segment(&self, id: &str) -> Option<&Segment> {
        self.segments.iter().find(|s| s.id == id)
    }
}

#[cfg(test)]
mod tests {
    use crate::policy::Policy;

    #[test]
    fn a_policy_with_a_success_section_round_trips_through_json() {
        let text = r#"{"version": 1, "preset": "amscore", "success": {
          "activity_kinds": [{"id": "login", "weight": "1", "cap": {"max": 4, "per": "month"}}],
          "decay": {"kind": "steps", "steps": [{"until_day": 30, "factor": "1"}], "after": "0.5"},
          "segments": [{"id": "s", "rule": {"not": {"test": {"fact": "attribute.region", "op": "in", "value": ["north"]}}}}],
          "journeys": [{"id": "j", "milestones": [{"id": "m", "anchor": "term_end", "day": -30, "activity": "login"}]}],
          "at_risk": [{"id": "r", "priority": 1, "cooldown_days": 7, "when": {"test": {"fact": "auto_renew", "op": "eq", "value": false}}}],
          "upgrades": [{"from": "digital", "to": "individual", "min_score": "10"}],
          "renewal_due_days": 45, "reinstated": "new", "rounding": "half_even"}}"#;
        let policy = Policy::from_json(text).expect("valid");
        let again = Policy::from_json(&policy.to_json().expect("writes")).expect("reads back");
        assert_eq!(policy, again);
        assert_eq!(again.success.renewal_due_days(), 45);
    }

    #[test]
    fn a_policy_without_a_success_section_writes_none() {
        let policy = Policy::preset("amscore").expect("preset");
        assert!(policy.success.is_empty());
        assert!(!policy.to_json().expect("writes").contains("success"));
    }

    #[test]
    fn unknown_fields_in_the_success_section_are_refused_with_their_path() {
        let err =
            Policy::from_json(r#"{"version": 1, "preset": "amscore", "success": {"colour": "red"}}"#).unwrap_err();
        assert_eq!(
            (err.path(), err.to_string().as_str()),
            (
                "success",
                "success: unknown field `colour`; valid fields: `activity_kinds`, `decay`, `segments`, `journeys`, \
                 `at_risk`, `upgrades`, `renewal_due_days`, `reinstated`, `rounding`, `reminders`"
            )
        );
    }
}
