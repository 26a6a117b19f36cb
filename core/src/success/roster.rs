//! The success functions' inputs checked: the members and events usable, a row error for every other, and the facts derived for one date (status, tenure, engagement) that segments and rules test.

use std::collections::BTreeMap;
use std::ops::Range;

use rust_decimal::Decimal;
use rustc_hash::FxHashMap;
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

use super::activity::ActivityKind;
use super::activity_log::{ActivityLog, LoggedEvent};
use super::engagement::{score_members, MemberScore};

/// A roster row that passed its checks, and where its events are in the roster's events.
#[derive(Debug, Clone)]
pub(crate) struct Member<'a> {
    pub(crate) row: usize,
    pub(crate) history: &'a MemberHistory,
    pub(crate) joined: Date,
    /// The member's events: `Roster::events[events]`.
    pub(crate) events: Range<usize>,
}

impl Member<'_> {
    pub(crate) fn id(&self) -> &MemberId {
        self.history.id()
    }
}

/// A usable event: its kind (its place in the policy's `activity_kinds`), day and value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Event {
    pub(crate) kind: usize,
    pub(crate) date: Date,
    pub(crate) value: Option<Decimal>,
}

/// The usable rows of a roster and its activity log, and an error for every other row.
#[derive(Debug, Clone)]
pub(crate) struct Roster<'a> {
    pub(crate) members: Vec<Member<'a>>,
    /// Every usable event, member by member (each member's by kind, then most recent first,
    /// then in the order read).
    pub(crate) events: Vec<Event>,
    pub(crate) errors: Vec<RowError>,
}

impl Roster<'_> {
    /// A member's events, by kind, most recent first, equal days in the order read.
    pub(crate) fn events_of(&self, member: &Member<'_>) -> &[Event] {
        &self.events[member.events.clone()]
    }
}

/// Checks every member row (plan, terms, duplicates) and every event (member, kind, date,
/// value), gathering each good event under its member.
pub(crate) fn prepare<'a>(
    ctx: Context<'_>,
    members: &'a [MemberHistory],
    log: &ActivityLog<'_>,
    kinds: &[ActivityKind],
) -> Roster<'a> {
    let mut errors = Vec::new();
    let mut good: Vec<Member<'a>> = Vec::new();
    let mut first_row: FxHashMap<&str, usize> = FxHashMap::default();
    let mut index: FxHashMap<&str, usize> = FxHashMap::default();
    for (position, h) in members.iter().enumerate() {
        let id = h.id();
        let row = h.row().unwrap_or(position);
        if let Some(&first) = first_row.get(id.0.as_str()) {
            let err = SuccessError::DuplicateMember { member_id: id.to_string(), first };
            errors.push(RowError::new(Source::Members, row, &err).member(Some(id.clone())));
            continue;
        }
        first_row.insert(id.0.as_str(), position);
        if let Err(message) = check_member(ctx, h) {
            let err = SuccessError::InvalidMember { member_id: id.to_string(), message };
            errors.push(RowError::new(Source::Members, row, &err).member(Some(id.clone())));
            continue;
        }
        index.insert(id.0.as_str(), good.len());
        good.push(Member { row, history: h, joined: h.joined(), events: 0..0 });
    }
    // Each id and kind of the log looked up once: an event is then two array reads.
    const NONE: usize = usize::MAX;
    let member_of: Vec<(usize, Date)> =
        log.member_ids().iter().map(|id| index.get(id).map_or((NONE, Date::MIN), |&i| (i, good[i].joined))).collect();
    let kind_of: Vec<Option<usize>> =
        log.kinds().iter().map(|k| kinds.iter().rposition(|kind| kind.id.as_str() == *k)).collect();
    // Whether an event is usable, and its member: `Err` with the reason when it is not.
    let verdict = |e: &LoggedEvent| -> Result<(usize, usize), SuccessError> {
        let member_id = log.member_ids()[e.member];
        let kind_id = log.kinds()[e.kind];
        match (member_of[e.member], kind_of[e.kind]) {
            ((NONE, _), _) if first_row.contains_key(member_id) => Err(SuccessError::InvalidMember {
                member_id: member_id.to_owned(),
                message: "the member's roster row has an error (see members)".into(),
            }),
            ((NONE, _), _) => Err(SuccessError::UnknownMember { member_id: member_id.to_owned() }),
            (_, None) => Err(SuccessError::UnknownActivityKind { kind: kind_id.to_owned() }),
            ((i, joined), Some(k)) => {
                if e.date < joined {
                    Err(SuccessError::EventBeforeJoin { member_id: member_id.to_owned(), date: e.date, joined })
                } else if e.value.is_some_and(|v| v.is_sign_negative() && !v.is_zero()) {
                    Err(SuccessError::NegativeEventValue { value: e.value.unwrap_or_default() })
                } else if kinds[k].per_value && e.value.is_none() {
                    Err(SuccessError::MissingEventValue { kind: kind_id.to_owned() })
                } else {
                    Ok((i, k))
                }
            }
        }
    };
    // First pass: each usable event's member (`NONE` for the others, which get their error)
    // and kind, and how many events each member has.
    let mut counts = vec![0usize; good.len()];
    let mut goes_to: Vec<(usize, usize)> = Vec::with_capacity(log.len());
    for e in log.events() {
        match verdict(e) {
            Ok((i, k)) => {
                counts[i] += 1;
                goes_to.push((i, k));
            }
            Err(err) => {
                goes_to.push((NONE, 0));
                let member_id = MemberId::from(log.member_ids()[e.member]);
                errors.push(RowError::new(Source::Events, e.row, &err).member(Some(member_id)));
            }
        }
    }
    // Second pass: each member's events side by side (a counting sort, which keeps the order
    // read), then by kind and most recent first.
    let mut start = 0;
    for (m, n) in good.iter_mut().zip(&counts) {
        m.events = start..start + n;
        start += n;
    }
    let mut next: Vec<usize> = good.iter().map(|m| m.events.start).collect();
    let placeholder = Event { kind: 0, date: Date::MIN, value: None };
    let mut events = vec![placeholder; start];
    for (e, &(i, kind)) in log.events().iter().zip(&goes_to) {
        if i != NONE {
            events[next[i]] = Event { kind, date: e.date, value: e.value };
            next[i] += 1;
        }
    }
    for m in &good {
        events[m.events.clone()].sort_by_key(|e| (e.kind, std::cmp::Reverse(e.date)));
    }
    errors.sort_by_key(RowError::sort_key);
    Roster { members: good, events, errors }
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

/// A member's facts on a date, borrowed from the member: what [`MemberFacts`] holds, without a
/// copy of its text (the rules read a hundred thousand members' facts at a time).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Facts<'a> {
    pub(crate) member_id: &'a MemberId,
    pub(crate) plan: &'a PlanId,
    pub(crate) status: Status,
    pub(crate) counts_as_member: bool,
    pub(crate) tenure_days: i64,
    pub(crate) tenure_years: i64,
    pub(crate) first_year: bool,
    pub(crate) engagement_score: Decimal,
    pub(crate) engagement_percentile: Decimal,
    pub(crate) days_to_renewal: Option<i64>,
    pub(crate) auto_renew: bool,
    pub(crate) balance_due: Decimal,
    pub(crate) organization: Option<&'a str>,
    pub(crate) attributes: &'a BTreeMap<String, String>,
}

impl MemberFacts {
    /// The facts, borrowed.
    pub(crate) fn view(&self) -> Facts<'_> {
        Facts {
            member_id: &self.member_id,
            plan: &self.plan,
            status: self.status,
            counts_as_member: self.counts_as_member,
            tenure_days: self.tenure_days,
            tenure_years: self.tenure_years,
            first_year: self.first_year,
            engagement_score: self.engagement_score,
            engagement_percentile: self.engagement_percentile,
            days_to_renewal: self.days_to_renewal,
            auto_renew: self.auto_renew,
            balance_due: self.balance_due,
            organization: self.organization.as_deref(),
            attributes: &self.attributes,
        }
    }
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

/// The usable members on `as_of` (those whose status can be computed on the date), each one's
/// status and engagement score, and every row error.
pub(crate) struct Scored<'a> {
    pub(crate) roster: Roster<'a>,
    /// Each member's status on the date and whether it counts as a member.
    pub(crate) statuses: Vec<(Status, bool)>,
    pub(crate) scores: Vec<MemberScore>,
}

/// Prepares the roster and scores it on `as_of`. Members whose status cannot be computed on the
/// date (it is before they joined) become row errors.
pub(crate) fn score<'a>(
    ctx: Context<'_>,
    members: &'a [MemberHistory],
    log: &ActivityLog<'_>,
    as_of: Date,
) -> Result<Scored<'a>, SuccessError> {
    let policy = ctx.policy;
    let mut roster = prepare(ctx, members, log, &policy.activity_kinds);
    let mut keep = Vec::with_capacity(roster.members.len());
    let mut statuses = Vec::with_capacity(roster.members.len());
    for m in roster.members.drain(..) {
        match ctx.rules.status_on(&m.history.membership, as_of) {
            Ok(s) => {
                statuses.push((s.status, s.counts_as_member));
                keep.push(m);
            }
            Err(e) => {
                let err = SuccessError::InvalidMember { member_id: m.id().to_string(), message: e.to_string() };
                roster.errors.push(RowError::new(Source::Members, m.row, &err).member(Some(m.id().clone())));
            }
        }
    }
    roster.members = keep;
    let scores = score_members(policy, &roster, as_of)?;
    roster.errors.sort_by_key(RowError::sort_key);
    Ok(Scored { roster, statuses, scores })
}

/// The derived facts (engagement included) of every usable member on `as_of`, and every row error.
pub(crate) struct Derived<'a> {
    pub(crate) roster: Roster<'a>,
    pub(crate) facts: Vec<Facts<'a>>,
}

/// Prepares the roster, scores it and derives each member's facts on `as_of`. Members whose
/// status cannot be computed on the date (it is before they joined) become row errors.
pub(crate) fn derive<'a>(
    ctx: Context<'_>,
    members: &'a [MemberHistory],
    log: &ActivityLog<'_>,
    as_of: Date,
) -> Result<Derived<'a>, SuccessError> {
    let Scored { roster, statuses, scores } = score(ctx, members, log, as_of)?;
    let mut facts = Vec::with_capacity(scores.len());
    for ((m, s), &(status, counts_as_member)) in roster.members.iter().zip(&scores).zip(&statuses) {
        let h: &'a MemberHistory = m.history;
        let since = h.membership.member_since;
        let tenure_years = whole_years(since, as_of);
        facts.push(Facts {
            member_id: h.id(),
            plan: &h.membership.plan,
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
            organization: h.organization.as_deref(),
            attributes: &h.attributes,
        });
    }
    Ok(Derived { roster, facts })
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
