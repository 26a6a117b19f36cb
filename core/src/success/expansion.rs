//! Expansion and renewal: members ready for an upgrade (engagement and tenure beyond a plan's
//! thresholds) and members whose renewal is due.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use time::Date;

use super::Context;
use crate::money::opt_decimal_text;
use crate::plan::PlanId;
use crate::status::{MemberId, Status};

use super::activity_log::{ActivityLog, Events};
use super::error::SuccessError;
use super::roster::{derive, MemberHistory, RowError};

/// An upgrade path and its thresholds: `{"from": "digital", "to": "individual", "min_score": "40",
/// "min_tenure_years": 1}`. Every threshold given must be met (each is "at least").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UpgradeRule {
    /// The plan members are on.
    pub from: PlanId,
    /// The plan to offer.
    pub to: PlanId,
    /// The least engagement score, 0 to 1000000000.
    #[schemars(with = "Option<crate::money::DecimalText>")]
    #[serde(default, with = "opt_decimal_text", skip_serializing_if = "Option::is_none")]
    pub min_score: Option<Decimal>,
    /// The least engagement percentile (0–100).
    #[schemars(with = "Option<crate::money::DecimalText>")]
    #[serde(default, with = "opt_decimal_text", skip_serializing_if = "Option::is_none")]
    pub min_percentile: Option<Decimal>,
    /// The least whole years since member-since, 0 to 200.
    #[schemars(range(max = super::policy::TENURE_YEARS.max))]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_tenure_years: Option<u32>,
}

/// A member to offer an upgrade, with the thresholds they passed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UpgradeCandidate {
    /// The member.
    pub member_id: MemberId,
    /// Their plan.
    pub from: PlanId,
    /// The plan to offer.
    pub to: PlanId,
    /// The thresholds met, in words.
    pub reasons: Vec<String>,
}

/// A member whose current term ends within the horizon (or has ended, while they are in grace).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RenewalDue {
    /// The member.
    pub member_id: MemberId,
    /// Their plan.
    pub plan: PlanId,
    /// Their status on the date.
    pub status: Status,
    /// The current term's last day.
    #[serde(with = "crate::period::date_text")]
    pub term_end: Date,
    /// Days from the date to the term's end (negative in grace).
    pub days_left: i64,
    /// Whether the member renews automatically (no notice needed, only a card check).
    pub auto_renew: bool,
}

/// Upgrade candidates and the rows that could not be used.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UpgradeReport {
    /// Candidates, in roster then rule order.
    pub candidates: Vec<UpgradeCandidate>,
    /// One error per bad member or event row.
    pub errors: Vec<RowError>,
}

/// The renewal-due list and the rows that could not be used.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RenewalDueReport {
    /// Members due, by term end then member id.
    pub due: Vec<RenewalDue>,
    /// One error per bad member row.
    pub errors: Vec<RowError>,
}

/// Members who count as members and meet every threshold of an upgrade rule from their plan.
///
/// ```
/// use amscore::success::{upgrade_candidates, MemberHistory};
/// use time::macros::date;
/// let engine = amscore::Engine::from_json(r#"{"version": 1, "preset": "amscore", "success": {
///   "upgrades": [{"from": "digital", "to": "individual", "min_tenure_years": 2}]}}"#)?;
/// let m: MemberHistory = serde_json::from_str(r#"{"membership": {"member_id": "M-1", "plan": "digital",
///   "member_since": "2022-01-01", "term": {"start": "2025-01-01", "end": "2025-12-31"}}}"#).unwrap();
/// let r = upgrade_candidates(engine.success(), &[m], &[], date!(2025-06-01))?;
/// assert_eq!(r.candidates[0].reasons, ["tenure 3 years >= 2"]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// [`SuccessError::Overflow`] if engagement points overflow.
pub fn upgrade_candidates<E: Events + ?Sized>(
    ctx: Context<'_>,
    members: &[MemberHistory],
    events: &E,
    as_of: Date,
) -> Result<UpgradeReport, SuccessError> {
    let d = derive(ctx, members, &events.log(), as_of)?;
    let mut candidates = Vec::new();
    for f in d.facts.iter().filter(|f| f.counts_as_member) {
        for u in ctx.policy.upgrades.iter().filter(|u| u.from == *f.plan) {
            let mut reasons = Vec::new();
            let mut ok = true;
            if let Some(min) = u.min_score {
                ok &= f.engagement_score >= min;
                reasons.push(format!("score {} >= {min}", f.engagement_score));
            }
            if let Some(min) = u.min_percentile {
                ok &= f.engagement_percentile >= min;
                reasons.push(format!("percentile {} >= {min}", f.engagement_percentile));
            }
            if let Some(min) = u.min_tenure_years {
                ok &= f.tenure_years >= i64::from(min);
                reasons.push(format!("tenure {} years >= {min}", f.tenure_years));
            }
            if ok {
                candidates.push(UpgradeCandidate {
                    member_id: f.member_id.clone(),
                    from: u.from.clone(),
                    to: u.to.clone(),
                    reasons,
                });
            }
        }
    }
    Ok(UpgradeReport { candidates, errors: d.roster.errors })
}

/// Members who count as members and whose current term ends within `within_days` of the date
/// (the policy's `renewal_due_days` if `None`), including those already in grace.
///
/// ```
/// use amscore::success::{renewal_due, MemberHistory};
/// use time::macros::date;
/// let engine = amscore::Engine::from_preset("amscore")?;
/// let m: MemberHistory = serde_json::from_str(r#"{"membership": {"member_id": "M-1", "plan": "individual",
///   "member_since": "2025-01-01", "term": {"start": "2025-01-01", "end": "2025-12-31"}}}"#).unwrap();
/// let r = renewal_due(engine.success(), &[m], date!(2025-12-01), Some(30))?;
/// assert_eq!(r.due[0].days_left, 30);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// [`SuccessError::Overflow`] (not expected: no engagement is scored).
pub fn renewal_due(
    ctx: Context<'_>,
    members: &[MemberHistory],
    as_of: Date,
    within_days: Option<u32>,
) -> Result<RenewalDueReport, SuccessError> {
    let within = i64::from(within_days.unwrap_or_else(|| ctx.policy.renewal_due_days()));
    let d = derive(ctx, members, &ActivityLog::default(), as_of)?;
    let mut due: Vec<RenewalDue> = d
        .roster
        .members
        .iter()
        .zip(&d.facts)
        .filter(|(_, f)| f.counts_as_member)
        .filter_map(|(m, f)| {
            let end = m.history.membership.term.end?;
            let days_left = (end - as_of).whole_days();
            (days_left <= within).then(|| RenewalDue {
                member_id: f.member_id.clone(),
                plan: f.plan.clone(),
                status: f.status,
                term_end: end,
                days_left,
                auto_renew: f.auto_renew,
            })
        })
        .collect();
    due.sort_by(|a, b| a.term_end.cmp(&b.term_end).then_with(|| a.member_id.cmp(&b.member_id)));
    Ok(RenewalDueReport { due, errors: d.roster.errors })
}
