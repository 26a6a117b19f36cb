//! The success functions' inputs checked: the members and events usable, a row error for every other, and the facts derived for one date (status, tenure, engagement) that segments and rules test.

use std::collections::{BTreeMap, HashMap};

use rust_decimal::Decimal;
use serde::Serialize;
use time::Date;

use super::error::SuccessError;
use super::Context;
pub(crate) use crate::member::MemberHistory;
use crate::money::decimal_text;
use crate::period::{add_months, MonthEndRule};
use crate::plan::PlanId;
pub(crate) use crate::row_error::RowError;
use crate::row_error::Source;
use crate::status::{MemberId, Status};
use crate::term::Term;

use super::activity::{ActivityEvent, ActivityKind};
use super::engagement::{score_members, MemberScore};

/// A roster row that passed its checks, with its sorted history and its events.
#[derive(Debug, Clone)]
pub(crate) struct Member<'a> {
    pub(crate) row: usize,
    pub(crate) history: &'a MemberHistory,
    pub(crate) terms: Vec<Term>,
    pub(crate) joined: Date,
    pub(crate) events: Vec<&'a ActivityEvent>,
}

impl Member<'_> {
    pub(crate) fn id(&self) -> &MemberId {
        self.history.id()
    }
}

/// The usable rows of a roster and its activity log, and an error for every other row.
#[derive(Debug, Clone)]
pub(crate) struct Roster<'a> {
    pub(crate) members: Vec<Member<'a>>,
    pub(crate) errors: Vec<RowError>,
}

/// Checks every member row (plan, terms, duplicates) and every event row (member, kind, date,
/// value), attaching each good event to its member.
pub(crate) fn prepare<'a>(
    ctx: Context<'_>,
    members: &'a [MemberHistory],
    events: &'a [ActivityEvent],
    kinds: &[ActivityKind],
) -> Roster<'a> {
    let mut errors = Vec::new();
    let mut good: Vec<Member<'a>> = Vec::new();
    let mut first_row: HashMap<&MemberId, usize> = HashMap::new();
    let mut index: HashMap<&MemberId, usize> = HashMap::new();
    for (position, h) in members.iter().enumerate() {
        let id = h.id();
        let row = h.row().unwrap_or(position);
        if let Some(&first) = first_row.get(id) {
            let err = SuccessError::DuplicateMember { member_id: id.to_string(), first };
            errors.push(RowError::new(Source::Members, row, &err).member(Some(id.clone())));
            continue;
        }
        first_row.insert(id, position);
        if let Err(message) = check_member(ctx, h) {
            let err = SuccessError::InvalidMember { member_id: id.to_string(), message };
            errors.push(RowError::new(Source::Members, row, &err).member(Some(id.clone())));
            continue;
        }
        index.insert(id, good.len());
        good.push(Member { row, history: h, terms: h.history(), joined: h.joined(), events: Vec::new() });
    }
    let kind_ids: HashMap<&str, &ActivityKind> = kinds.iter().map(|k| (k.id.as_str(), k)).collect();
    for (position, e) in events.iter().enumerate() {
        let at = |err: &SuccessError| {
            RowError::new(Source::Events, e.row.unwrap_or(position), err).member(Some(e.member_id.clone()))
        };
        let Some(&i) = index.get(&e.member_id) else {
            let err = if first_row.contains_key(&e.member_id) {
                SuccessError::InvalidMember {
                    member_id: e.member_id.to_string(),
                    message: "the member's roster row has an error (see members)".into(),
                }
            } else {
                SuccessError::UnknownMember { member_id: e.member_id.to_string() }
            };
            errors.push(at(&err));
            continue;
        };
        let Some(kind) = kind_ids.get(e.kind.as_str()) else {
            errors.push(at(&SuccessError::UnknownActivityKind { kind: e.kind.to_string() }));
            continue;
        };
        let member = &mut good[i];
        let problem = if e.date < member.joined {
            Some(SuccessError::EventBeforeJoin {
                member_id: e.member_id.to_string(),
                date: e.date,
                joined: member.joined,
            })
        } else if e.value.is_some_and(|v| v.is_sign_negative() && !v.is_zero()) {
            Some(SuccessError::NegativeEventValue { value: e.value.unwrap_or_default() })
        } else if kind.per_value && e.value.is_none() {
            Some(SuccessError::MissingEventValue { kind: e.kind.to_string() })
        } else {
            None
        };
        match problem {
            Some(err) => errors.push(at(&err)),
            None => member.events.push(e),
        }
    }
    errors.sort_by_key(RowError::sort_key);
    Roster { members: good, errors }
}

fn check_member(ctx: Context<'_>, h: &MemberHistory) -> Result<(), String> {
    ctx.rules.plan(&h.membership.plan).map_err(|e| e.to_string())?;
    h.membership.check().map_err(|e| e.to_string())?;
    for (i, t) in h.terms.iter().map(|t| t.term).enumerate() {
        if let Some(end) = t.end {
            if end < t.start {
                return Err(format!("terms[{i}]: term ends on {end}, before it starts on {}", t.start));
            }
        }
    }
    if h.balance_due.is_sign_negative() && !h.balance_due.is_zero() {
        return Err("balance_due must not be negative".into());
    }
    Ok(())
}

/// The facts about one member on one date that segment rules and at-risk rules test.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MemberFacts {
    /// The member.
    pub member_id: MemberId,
    /// The current plan.
    pub plan: PlanId,
    /// The lifecycle status on the date.
    pub status: Status,
    /// Whether that status counts as a member (per the policy's status rules).
    pub counts_as_member: bool,
    /// Whole days since member-since.
    pub tenure_days: i64,
    /// Whole years since member-since (a member who joined 2024-03-01 has 1 on 2025-03-01).
    pub tenure_years: i64,
    /// Whether the member is within the first year since member-since.
    pub first_year: bool,
    /// The engagement score on the date.
    #[serde(with = "decimal_text")]
    pub engagement_score: Decimal,
    /// The engagement percentile within the roster (share of members with a lower score, 0–100).
    #[serde(with = "decimal_text")]
    pub engagement_percentile: Decimal,
    /// Days from the date to the current term's end (negative once it has passed); `None` for a
    /// lifetime term.
    pub days_to_renewal: Option<i64>,
    /// Whether the member renews automatically.
    pub auto_renew: bool,
    /// What the member owes.
    #[serde(with = "decimal_text")]
    pub balance_due: Decimal,
    /// The member's organisation, if any.
    pub organization: Option<String>,
    /// Custom attributes.
    pub attributes: BTreeMap<String, String>,
}

/// Whole years from `from` to `to` (anniversaries passed), with the clamp rule for Feb 29.
pub(crate) fn whole_years(from: Date, to: Date) -> i64 {
    if to < from {
        return 0;
    }
    let mut years = i64::from(to.year() - from.year());
    while years > 0 && add_months(from, years * 12, MonthEndRule::Clamp).is_ok_and(|d| d > to) {
        years -= 1;
    }
    years
}

/// The derived facts of every usable member on `as_of`, their scores, and every row error.
pub(crate) struct Derived<'a> {
    pub(crate) roster: Roster<'a>,
    pub(crate) scores: Vec<MemberScore>,
    pub(crate) facts: Vec<MemberFacts>,
}

/// Prepares the roster, scores it and derives each member's facts on `as_of`. Members whose
/// status cannot be computed on the date (it is before they joined) become row errors.
pub(crate) fn derive<'a>(
    ctx: Context<'_>,
    members: &'a [MemberHistory],
    events: &'a [ActivityEvent],
    as_of: Date,
) -> Result<Derived<'a>, SuccessError> {
    let policy = ctx.policy;
    let mut roster = prepare(ctx, members, events, &policy.activity_kinds);
    let mut keep = Vec::with_capacity(roster.members.len());
    for m in roster.members.drain(..) {
        match ctx.rules.status_on(&m.history.membership, as_of) {
            Ok(_) => keep.push(m),
            Err(e) => {
                let err = SuccessError::InvalidMember { member_id: m.id().to_string(), message: e.to_string() };
                roster.errors.push(RowError::new(Source::Members, m.row, &err).member(Some(m.id().clone())));
            }
        }
    }
    roster.members = keep;
    let scores = score_members(policy, &roster.members, as_of)?;
    let mut facts = Vec::with_capacity(scores.len());
    for (m, s) in roster.members.iter().zip(&scores) {
        let h = m.history;
        let (status, counts_as_member) = ctx
            .rules
            .status_on(&h.membership, as_of)
            .map(|s| (s.status, s.counts_as_member))
            .unwrap_or((Status::Expired, false));
        let since = h.membership.member_since;
        let tenure_years = whole_years(since, as_of);
        facts.push(MemberFacts {
            member_id: h.id().clone(),
            plan: h.membership.plan.clone(),
            status,
            counts_as_member,
            tenure_days: (as_of - since).whole_days(),
            tenure_years,
            first_year: tenure_years == 0,
            engagement_score: s.score,
            engagement_percentile: s.percentile,
            days_to_renewal: h.membership.term.end.map(|e| (e - as_of).whole_days()),
            auto_renew: h.auto_renew,
            balance_due: h.balance_due,
            organization: h.organization.clone(),
            attributes: h.attributes.clone(),
        });
    }
    roster.errors.sort_by_key(RowError::sort_key);
    Ok(Derived { roster, scores, facts })
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn whole_years_counts_anniversaries_passed() {
        assert_eq!(whole_years(date!(2024 - 03 - 01), date!(2025 - 02 - 28)), 0);
        assert_eq!(whole_years(date!(2024 - 03 - 01), date!(2025 - 03 - 01)), 1);
        assert_eq!(whole_years(date!(2024 - 02 - 29), date!(2025 - 02 - 28)), 1);
        assert_eq!(whole_years(date!(2020 - 06 - 15), date!(2026 - 06 - 14)), 5);
        assert_eq!(whole_years(date!(2026 - 06 - 15), date!(2020 - 06 - 14)), 0);
    }
}
