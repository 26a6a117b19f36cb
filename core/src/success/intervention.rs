//! Intervention: at-risk rules that flag members before they lapse, with the reason codes that
//! fired, a priority, and a cooldown so a member is not flagged again too soon.

use rustc_hash::{FxHashMap, FxHashSet};
use serde::{Deserialize, Serialize};
use time::Date;

use super::Context;
use crate::period::add_days;
use crate::status::MemberId;

use super::activity_log::Events;
use super::error::SuccessError;
use super::roster::derive;
use super::segment::{Compiled, Rule};
use crate::member::MemberHistory;
use crate::row_error::{RowError, Source};

fn staff_outreach() -> String {
    "staff_outreach".to_owned()
}

/// An at-risk rule: `{"id": "first_year_quiet", "when": {...}, "priority": 1, "cooldown_days": 30}`.
/// Its id is the reason code a trigger carries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AtRiskRule {
    /// The rule's identifier: the reason code.
    pub id: String,
    /// A sentence for staff, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// Who the rule flags.
    pub when: Rule,
    /// How urgent: 1 is the most urgent.
    pub priority: u8,
    /// After a trigger, the member is not flagged again by this rule for this many days (0 to
    /// 36600).
    #[schemars(range(max = super::policy::DAYS.max))]
    #[serde(default)]
    pub cooldown_days: u32,
    /// What staff should do (default `staff_outreach`).
    #[serde(default = "staff_outreach")]
    pub action: String,
}

/// A trigger raised before: the member, the rule, the day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PreviousTrigger {
    /// The member.
    pub member_id: MemberId,
    /// The rule (reason code).
    pub rule: String,
    /// The day it was raised.
    #[serde(with = "crate::period::date_text")]
    pub date: Date,
}

/// One rule that fired for a member, and the tests that made it fire.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TriggerReason {
    /// The reason code (the rule's id).
    pub code: String,
    /// What staff should do.
    pub action: String,
    /// The rule's priority.
    pub priority: u8,
    /// The tests that held, in words.
    pub matched: Vec<String>,
}

/// A member flagged today: the most urgent priority among the rules that fired, and every reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Trigger {
    /// The member.
    pub member_id: MemberId,
    /// The most urgent priority among the reasons.
    pub priority: u8,
    /// The rules that fired, most urgent first.
    pub reasons: Vec<TriggerReason>,
}

/// A rule that matched a member but is cooling down, so it did not trigger.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Suppressed {
    /// The member.
    pub member_id: MemberId,
    /// The rule.
    pub code: String,
    /// The previous trigger's day.
    #[serde(with = "crate::period::date_text")]
    pub last_triggered: Date,
    /// The last day of the cooldown.
    #[serde(with = "crate::period::date_text")]
    pub until: Date,
}

/// The at-risk list on a date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AtRiskReport {
    /// Members to act on, most urgent first, then by member id.
    pub triggers: Vec<Trigger>,
    /// Matches held back by a cooldown.
    pub suppressed: Vec<Suppressed>,
    /// One error per bad member, event or previous-trigger row.
    pub errors: Vec<RowError>,
}

/// Flags at-risk members on a date. A rule that matches a member is held back while an earlier
/// trigger of the same rule for the same member is less than `cooldown_days` old (a trigger on
/// day D with a 30-day cooldown holds back days D to D+29; day D+30 may trigger again).
///
/// ```
/// use amscore::success::{at_risk, MemberHistory, PreviousTrigger};
/// use time::macros::date;
/// let engine = amscore::Engine::from_json(r#"{"version": 1, "preset": "amscore", "success": {
///   "at_risk": [{"id": "no_auto_renew", "priority": 2, "cooldown_days": 30,
///                "when": {"test": {"fact": "auto_renew", "op": "eq", "value": false}}}]}}"#)?;
/// let m: MemberHistory = serde_json::from_str(r#"{"membership": {"member_id": "M-1", "plan": "individual",
///   "member_since": "2025-01-01", "term": {"start": "2025-01-01", "end": "2025-12-31"}}}"#).unwrap();
/// let prev = [PreviousTrigger { member_id: "M-1".into(), rule: "no_auto_renew".into(), date: date!(2025-06-01) }];
/// let r = at_risk(engine.success(), &[m.clone()], &[], &prev, date!(2025-06-30))?;
/// assert!(r.triggers.is_empty() && r.suppressed.len() == 1);
/// let r = at_risk(engine.success(), &[m], &[], &prev, date!(2025-07-01))?;
/// assert_eq!(r.triggers[0].reasons[0].code, "no_auto_renew");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// [`SuccessError::Overflow`] if engagement points or a cooldown date overflow.
pub fn at_risk<E: Events + ?Sized>(
    ctx: Context<'_>,
    members: &[MemberHistory],
    events: &E,
    previous: &[PreviousTrigger],
    as_of: Date,
) -> Result<AtRiskReport, SuccessError> {
    let policy = ctx.policy;
    let mut d = derive(ctx, members, &events.log(), as_of)?;
    let known: FxHashSet<&str> = members.iter().map(|m| m.id().0.as_str()).collect();
    let rule_ids: FxHashSet<&str> = policy.at_risk.iter().map(|r| r.id.as_str()).collect();
    let mut last: FxHashMap<(&str, &str), Date> = FxHashMap::default();
    for (i, p) in previous.iter().enumerate() {
        let member_known = known.contains(p.member_id.0.as_str());
        let unknown_rule = member_known && !rule_ids.contains(p.rule.as_str());
        let err = if !member_known {
            Some(SuccessError::UnknownMember { member_id: p.member_id.to_string() })
        } else if !rule_ids.contains(p.rule.as_str()) {
            Some(SuccessError::InvalidInput {
                path: format!("previous_triggers[{i}].rule"),
                message: format!("unknown at-risk rule `{}`", p.rule),
            })
        } else {
            None
        };
        if let Some(err) = err {
            let mut e = RowError::new(Source::PreviousTriggers, i, &err).member(Some(p.member_id.clone()));
            if unknown_rule {
                e = e.field("rule", Some(p.rule.to_string()));
            }
            d.roster.errors.push(e);
            continue;
        }
        if p.date <= as_of {
            let e = last.entry((p.member_id.0.as_str(), p.rule.as_str())).or_insert(p.date);
            *e = (*e).max(p.date);
        }
    }
    let rules: Vec<(&AtRiskRule, Compiled<'_>)> = policy.at_risk.iter().map(|r| (r, Compiled::new(&r.when))).collect();
    let mut triggers = Vec::new();
    let mut suppressed = Vec::new();
    for f in &d.facts {
        let mut reasons = Vec::new();
        for (r, when) in &rules {
            let Some(matched) = when.evaluate(f) else {
                continue;
            };
            if let Some(&prev) = last.get(&(f.member_id.0.as_str(), r.id.as_str())) {
                let until = add_days(prev, i64::from(r.cooldown_days) - 1)
                    .map_err(|_| SuccessError::Overflow { what: "cooldown date".into() })?;
                if as_of <= until {
                    suppressed.push(Suppressed {
                        member_id: f.member_id.clone(),
                        code: r.id.clone(),
                        last_triggered: prev,
                        until,
                    });
                    continue;
                }
            }
            reasons.push(TriggerReason { code: r.id.clone(), action: r.action.clone(), priority: r.priority, matched });
        }
        reasons.sort_by_key(|r| r.priority);
        if let Some(first) = reasons.first() {
            triggers.push(Trigger { member_id: f.member_id.clone(), priority: first.priority, reasons });
        }
    }
    triggers.sort_by(|a, b| a.priority.cmp(&b.priority).then_with(|| a.member_id.cmp(&b.member_id)));
    Ok(AtRiskReport { triggers, suppressed, errors: d.roster.errors })
}
