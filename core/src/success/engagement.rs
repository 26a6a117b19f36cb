//! Engagement scores: per-kind weights, caps per calendar period, time decay (half-life or a step
//! table), a per-member breakdown, the percentile within the roster, and organisation roll-ups.

use std::collections::BTreeMap;

use rust_decimal::{Decimal, RoundingStrategy};
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};
use time::Date;

use super::Context;
use crate::money::{decimal_text, Rounding};
use crate::policy_error::{PolicyError, Range};
use crate::status::MemberId;

use super::activity::KindId;
use super::activity_log::Events;
use super::error::SuccessError;
use super::policy::SuccessPolicy;
use super::roster::{score, Event, MemberHistory, Roster, RowError};

/// The places a decay factor is computed to (rounded toward zero).
const FACTOR_PLACES: u32 = 12;

/// One row of a step decay table: events up to `until_day` days old keep `factor` of their points.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DecayStep {
    /// The oldest age, in days, this step covers (inclusive), 0 to 36600.
    #[schemars(range(max = super::policy::DAYS.max))]
    pub until_day: u32,
    /// The share of points kept, 0 to 1.
    #[schemars(with = "crate::money::DecimalText")]
    #[serde(with = "decimal_text")]
    pub factor: Decimal,
}

/// How an event's points fade with its age (days from the event to the scoring date).
///
/// Written `{"kind": "none"}`, `{"kind": "half_life", "days": 90}` or
/// `{"kind": "steps", "steps": [{"until_day": 30, "factor": "1"}, {"until_day": 60, "factor": "0.8"}], "after": "0"}`.
///
/// A half-life factor is 2^(−age/days), computed to 12 decimal places (rounded toward zero); an
/// age of exactly one half-life keeps exactly 0.5.
///
/// ```
/// use amscore::success::Decay;
/// use rust_decimal::Decimal;
/// let d = Decay::HalfLife { days: 90 };
/// assert_eq!(d.factor(0), Decimal::ONE);
/// assert_eq!(d.factor(90), Decimal::new(5, 1));
/// assert_eq!(d.factor(180), Decimal::new(25, 2));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Decay {
    /// Points never fade.
    #[default]
    None,
    /// Points halve every `days` days.
    HalfLife {
        /// The half-life in days, 1 to 36600.
        #[schemars(range(min = 1, max = super::policy::DAYS.max))]
        days: u32,
    },
    /// A step table: the first step whose `until_day` is at least the age gives the factor;
    /// older events keep `after` (default 0).
    Steps {
        /// The steps, by increasing `until_day`, with factors that never increase.
        steps: Vec<DecayStep>,
        /// The factor for events older than the last step.
        #[schemars(with = "crate::money::DecimalText")]
        #[serde(default, with = "decimal_text")]
        after: Decimal,
    },
}

impl Decay {
    /// The share of points an event `age` days old keeps (1 for age ≤ 0 in every scheme but a
    /// step table whose first step says otherwise).
    pub fn factor(&self, age: i64) -> Decimal {
        let age = age.max(0);
        match self {
            Decay::None => Decimal::ONE,
            Decay::HalfLife { days } => half_life_factor(age, i64::from((*days).max(1))),
            Decay::Steps { steps, after } => {
                steps.iter().find(|s| age <= i64::from(s.until_day)).map_or(*after, |s| s.factor)
            }
        }
    }

    pub(crate) fn validate(&self, path: &str) -> Result<(), PolicyError> {
        let invalid = |field: String, message: &str| PolicyError::InvalidValue { path: field, message: message.into() };
        match self {
            Decay::None => Ok(()),
            Decay::HalfLife { days } => {
                if *days == 0 {
                    return Err(invalid(format!("{path}.days"), "must be > 0"));
                }
                Range::new(1, super::policy::DAYS.max).check(|| format!("{path}.days"), *days)
            }
            Decay::Steps { steps, after } => {
                if steps.is_empty() {
                    return Err(invalid(format!("{path}.steps"), "must list at least one step"));
                }
                let in_unit = |f: &Decimal| !f.is_sign_negative() && *f <= Decimal::ONE;
                let mut previous: Option<&DecayStep> = None;
                for (i, s) in steps.iter().enumerate() {
                    let at = format!("{path}.steps[{i}]");
                    super::policy::DAYS.check(|| format!("{at}.until_day"), s.until_day)?;
                    if !in_unit(&s.factor) {
                        return Err(invalid(format!("{at}.factor"), "must be between 0 and 1"));
                    }
                    if let Some(p) = previous {
                        if s.until_day <= p.until_day {
                            return Err(invalid(format!("{at}.until_day"), "must be greater than the previous step's"));
                        }
                        if s.factor > p.factor {
                            return Err(invalid(format!("{at}.factor"), "must not exceed the previous step's"));
                        }
                    }
                    previous = Some(s);
                }
                if !in_unit(after) || previous.is_some_and(|p| *after > p.factor) {
                    return Err(invalid(format!("{path}.after"), "must be between 0 and the last step's factor"));
                }
                Ok(())
            }
        }
    }
}

/// 2^(−age/half_life): whole half-lives halve exactly; the remainder is exp(−r·ln 2 / h) by its
/// Taylor series (|x| < ln 2: it converges within 30 terms, far beyond the 12 places kept).
fn half_life_factor(age: i64, half_life: i64) -> Decimal {
    let whole = age / half_life;
    let rest = age % half_life;
    if whole >= 100 {
        return Decimal::ZERO;
    }
    let ln2 = Decimal::from_i128_with_scale(6_931_471_805_599_453_094_172_321_215, 28);
    let x = ln2 * Decimal::from(rest) / Decimal::from(half_life);
    let mut term = Decimal::ONE;
    let mut sum = Decimal::ONE;
    // Terms below 1e-20 cannot move a factor kept to 12 places.
    let negligible = Decimal::new(1, 20);
    for k in 1..30u32 {
        term = -term * x / Decimal::from(k);
        sum += term;
        if term.abs() < negligible {
            break;
        }
    }
    for _ in 0..whole {
        sum /= Decimal::TWO;
    }
    sum.round_dp_with_strategy(FACTOR_PLACES, RoundingStrategy::ToZero).max(Decimal::ZERO)
}

/// How one activity kind contributed to a member's score.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KindPoints {
    /// The kind.
    pub kind: KindId,
    /// Events of this kind on or before the date.
    pub events: u32,
    /// Events that counted.
    pub counted: u32,
    /// Events over the kind's cap, which did not count.
    pub capped: u32,
    /// Points after weights and decay, rounded once to 2 decimals.
    #[serde(with = "decimal_text")]
    pub points: Decimal,
}

/// A member's engagement score on a date, with its breakdown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MemberScore {
    /// The member.
    pub member_id: MemberId,
    /// The score: the sum of the breakdown's points.
    #[serde(with = "decimal_text")]
    pub score: Decimal,
    /// The share of the roster with a lower score, 0 to 100, rounded to 2 decimals.
    #[serde(with = "decimal_text")]
    pub percentile: Decimal,
    /// Points by kind, in the policy's kind order; kinds without events are left out.
    pub breakdown: Vec<KindPoints>,
    /// Events dated after the scoring date: not scored (they have not happened yet), but counted.
    pub future_events: u32,
}

/// An organisation's roll-up of its employees' scores.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrganizationScore {
    /// The organisation.
    pub organization: String,
    /// Employees on the roster.
    pub members: u32,
    /// Seats the organisation holds (given, or the number of employees).
    pub seats: u32,
    /// The sum of the employees' scores.
    #[serde(with = "decimal_text")]
    pub total: Decimal,
    /// The mean score per employee, rounded once to 2 decimals.
    #[serde(with = "decimal_text")]
    pub mean: Decimal,
    /// The total per seat, rounded once to 2 decimals.
    #[serde(with = "decimal_text")]
    pub per_seat: Decimal,
}

/// Every member's score, the organisations' roll-ups, and the rows that could not be used.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EngagementReport {
    /// Scores, in roster order.
    pub scores: Vec<MemberScore>,
    /// Roll-ups by organisation name.
    pub organizations: Vec<OrganizationScore>,
    /// One error per bad member or event row.
    pub errors: Vec<RowError>,
}

fn overflow(what: &str) -> SuccessError {
    SuccessError::Overflow { what: what.into() }
}

/// The decay factor of each age, worked out once per call: ages up to `DENSE_AGES` in a table,
/// older ones in a map; and the points of one event of a kind not scored by value, by kind and
/// age (`None` when they overflow).
struct Factors<'p> {
    decay: &'p Decay,
    dense: Vec<Option<Decimal>>,
    sparse: FxHashMap<i64, Decimal>,
    points: Vec<Vec<Option<Option<Decimal>>>>,
    sparse_points: FxHashMap<(usize, i64), Option<Decimal>>,
}

/// Ages (in days) whose factors are kept in a table: 179 years.
const DENSE_AGES: usize = 1 << 16;

impl<'p> Factors<'p> {
    fn new(decay: &'p Decay) -> Factors<'p> {
        Factors {
            decay,
            dense: Vec::new(),
            sparse: FxHashMap::default(),
            points: Vec::new(),
            sparse_points: FxHashMap::default(),
        }
    }

    /// The points of one event of kind `kind` (not scored by value, weight `weight`) `age` days
    /// old: 1 × weight × factor, worked out once per kind and age.
    fn points(&mut self, kind: usize, weight: Decimal, age: i64) -> Option<Decimal> {
        let work = |f: &mut Self| Decimal::ONE.checked_mul(weight).and_then(|p| p.checked_mul(f.get(age)));
        match usize::try_from(age) {
            Ok(i) if i < DENSE_AGES => {
                if kind >= self.points.len() {
                    self.points.resize(kind + 1, Vec::new());
                }
                if i >= self.points[kind].len() {
                    self.points[kind].resize(i + 1, None);
                }
                if let Some(p) = self.points[kind][i] {
                    return p;
                }
                let p = work(self);
                self.points[kind][i] = Some(p);
                p
            }
            _ => {
                if let Some(&p) = self.sparse_points.get(&(kind, age)) {
                    return p;
                }
                let p = work(self);
                self.sparse_points.insert((kind, age), p);
                p
            }
        }
    }

    fn get(&mut self, age: i64) -> Decimal {
        let decay = self.decay;
        match usize::try_from(age) {
            Ok(i) if i < DENSE_AGES => {
                if i >= self.dense.len() {
                    self.dense.resize(i + 1, None);
                }
                *self.dense[i].get_or_insert_with(|| decay.factor(age))
            }
            _ => *self.sparse.entry(age).or_insert_with(|| decay.factor(age)),
        }
    }
}

/// Scores one member: per kind, the counted events (most recent `max` per cap period) times
/// weight (× value) times decay; each kind's points rounded once; the score is their sum.
/// `events` are the member's, by kind, most recent first, equal days in the order read.
fn score_member(
    policy: &SuccessPolicy,
    member_id: &MemberId,
    events: &[Event],
    as_of: Date,
    factors: &mut Factors<'_>,
) -> Result<MemberScore, SuccessError> {
    // At most one entry per kind the member has events of (they are grouped by kind).
    let groups = events.windows(2).filter(|w| w[0].kind != w[1].kind).count() + usize::from(!events.is_empty());
    let mut breakdown = Vec::with_capacity(groups);
    let mut future_events = 0u32;
    let mut total = Decimal::new(0, 2);
    let mut rest = events;
    for (k, kind) in policy.activity_kinds.iter().enumerate() {
        let (of_kind, others) = rest.split_at(rest.iter().take_while(|e| e.kind == k).count());
        rest = others;
        // The events after the date come first (most recent first): not scored, but counted.
        let future = of_kind.iter().take_while(|e| e.date > as_of).count();
        future_events += u32::try_from(future).unwrap_or(u32::MAX);
        let events = &of_kind[future..];
        if events.is_empty() {
            continue;
        }
        // Periods are fixed on the calendar and the events most recent first: a period's
        // events are side by side.
        let mut period = None;
        let mut in_period = 0u32;
        let (mut counted, mut capped) = (0u32, 0u32);
        let mut points = Decimal::ZERO;
        for e in events {
            if let Some(cap) = kind.cap {
                let key = cap.per.key(e.date);
                if period != Some(key) {
                    period = Some(key);
                    in_period = 0;
                }
                if in_period >= cap.max {
                    capped += 1;
                    continue;
                }
                in_period += 1;
            }
            counted += 1;
            let age = (as_of - e.date).whole_days();
            let p = if kind.per_value {
                let base = e.value.unwrap_or_default();
                base.checked_mul(kind.weight).and_then(|p| p.checked_mul(factors.get(age)))
            } else {
                factors.points(k, kind.weight, age)
            }
            .ok_or_else(|| overflow("engagement points"))?;
            points = points.checked_add(p).ok_or_else(|| overflow("engagement points"))?;
        }
        let points = crate::money::round_to(points, 2, policy.rounding);
        total = total.checked_add(points).ok_or_else(|| overflow("engagement score"))?;
        breakdown.push(KindPoints { kind: kind.id.clone(), events: counted + capped, counted, capped, points });
    }
    Ok(MemberScore { member_id: member_id.clone(), score: total, percentile: Decimal::ZERO, breakdown, future_events })
}

/// Scores every member and sets each one's percentile: the share of members with a strictly
/// lower score, × 100, rounded once to 2 decimals.
pub(crate) fn score_members(
    policy: &SuccessPolicy,
    roster: &Roster<'_>,
    as_of: Date,
) -> Result<Vec<MemberScore>, SuccessError> {
    // Decay factors depend only on the age in days: compute each once per call.
    let mut factors = Factors::new(&policy.decay);
    let mut scores = roster
        .members
        .iter()
        .map(|m| score_member(policy, m.id(), roster.events_of(m), as_of, &mut factors))
        .collect::<Result<Vec<_>, _>>()?;
    // By score: a member's share of lower scores is where their score's run of equal scores
    // starts.
    let mut by_score: Vec<usize> = (0..scores.len()).collect();
    by_score.sort_unstable_by(|&a, &b| scores[a].score.cmp(&scores[b].score));
    let n = Decimal::from(scores.len().max(1));
    let mut run: Option<(Decimal, Decimal)> = None;
    for (place, &i) in by_score.iter().enumerate() {
        let score = scores[i].score;
        let percentile = match run {
            Some((s, p)) if s == score => p,
            _ => {
                let p = crate::money::round_to(Decimal::from(place) * Decimal::ONE_HUNDRED / n, 2, policy.rounding);
                run = Some((score, p));
                p
            }
        };
        scores[i].percentile = percentile;
    }
    Ok(scores)
}

/// Rolls employees' scores up to their organisations: sum, mean per employee and total per seat.
/// `seats` gives an organisation's seat count; without it the number of employees is used.
///
/// ```
/// use amscore::success::{organization_rollup, MemberScore};
/// use rust_decimal::Decimal;
/// let s = |id: &str, score: i64| MemberScore { member_id: id.into(), score: Decimal::from(score),
///     percentile: Decimal::ZERO, breakdown: vec![], future_events: 0 };
/// let orgs = organization_rollup(&[(s("a", 10), Some("Acme")), (s("b", 5), Some("Acme")), (s("c", 7), None)],
///     &[("Acme".to_string(), 10)].into(), amscore::Rounding::HalfAwayFromZero);
/// assert_eq!((orgs[0].total.to_string(), orgs[0].mean.to_string(), orgs[0].per_seat.to_string()),
///            ("15".to_string(), "7.50".to_string(), "1.50".to_string()));
/// ```
pub fn organization_rollup(
    scores: &[(MemberScore, Option<&str>)],
    seats: &BTreeMap<String, u32>,
    rounding: Rounding,
) -> Vec<OrganizationScore> {
    rollup(scores.iter().map(|(s, org)| (s.score, *org)), seats, rounding)
}

/// [`organization_rollup`] of (score, organisation) pairs.
fn rollup<'o>(
    scores: impl Iterator<Item = (Decimal, Option<&'o str>)>,
    seats: &BTreeMap<String, u32>,
    rounding: Rounding,
) -> Vec<OrganizationScore> {
    let mut groups: BTreeMap<&str, (u32, Decimal)> = BTreeMap::new();
    for (score, org) in scores {
        if let Some(org) = org {
            let g = groups.entry(org).or_default();
            g.0 += 1;
            g.1 += score;
        }
    }
    groups
        .into_iter()
        .map(|(org, (members, total))| {
            let seat_count = seats.get(org).copied().filter(|n| *n > 0).unwrap_or(members);
            let per = |d: u32| crate::money::round_to(total / Decimal::from(d.max(1)), 2, rounding);
            OrganizationScore {
                organization: org.to_owned(),
                members,
                seats: seat_count,
                total,
                mean: per(members),
                per_seat: per(seat_count),
            }
        })
        .collect()
}

/// Engagement scores of a roster on a date, with breakdowns, percentiles and organisation
/// roll-ups; every unusable member or event row is reported in `errors`.
///
/// ```
/// use amscore::success::{engagement_scores, ActivityEvent, MemberHistory};
/// use time::macros::date;
/// let engine = amscore::Engine::from_json(r#"{"version": 1, "preset": "amscore", "success": {
///   "activity_kinds": [{"id": "login", "weight": "2"}], "decay": {"kind": "half_life", "days": 30}}}"#)?;
/// let m: MemberHistory = serde_json::from_str(r#"{"membership": {"member_id": "M-1", "plan": "individual",
///   "member_since": "2025-01-01", "term": {"start": "2025-01-01", "end": "2025-12-31"}}}"#).unwrap();
/// let e = ActivityEvent { member_id: "M-1".into(), date: date!(2025-05-01), kind: "login".into(), value: None, row: None };
/// let r = engagement_scores(engine.success(), &[m], &[e], date!(2025-05-31), &Default::default())?;
/// assert_eq!(r.scores[0].score.to_string(), "1.00"); // 2 points, one half-life old
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// [`SuccessError::Overflow`] if points overflow exact decimal arithmetic.
pub fn engagement_scores<E: Events + ?Sized>(
    ctx: Context<'_>,
    members: &[MemberHistory],
    events: &E,
    as_of: Date,
    seats: &BTreeMap<String, u32>,
) -> Result<EngagementReport, SuccessError> {
    let d = score(ctx, members, &events.log(), as_of)?;
    let with_org = d.scores.iter().zip(&d.roster.members).map(|(s, m)| (s.score, m.history.organization.as_deref()));
    let organizations = rollup(with_org, seats, ctx.policy.rounding);
    Ok(EngagementReport { scores: d.scores, organizations, errors: d.roster.errors })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn half_life_is_exact_at_whole_half_lives_and_decreasing_between() {
        let d = Decay::HalfLife { days: 30 };
        assert_eq!(d.factor(0), Decimal::ONE);
        assert_eq!(d.factor(30), Decimal::new(5, 1));
        assert_eq!(d.factor(60), Decimal::new(25, 2));
        assert_eq!(d.factor(15).to_string(), "0.707106781186");
        let mut last = Decimal::TWO;
        for age in 0..400 {
            let f = d.factor(age);
            assert!(f <= last, "factor rose at age {age}");
            last = f;
        }
        assert_eq!(d.factor(30 * 100), Decimal::ZERO);
    }

    #[test]
    fn step_table_boundaries_are_inclusive() {
        let d = Decay::Steps {
            steps: vec![
                DecayStep { until_day: 30, factor: Decimal::ONE },
                DecayStep { until_day: 60, factor: Decimal::new(8, 1) },
            ],
            after: Decimal::new(1, 1),
        };
        assert_eq!(d.factor(30), Decimal::ONE);
        assert_eq!(d.factor(31), Decimal::new(8, 1));
        assert_eq!(d.factor(60), Decimal::new(8, 1));
        assert_eq!(d.factor(61), Decimal::new(1, 1));
    }

    #[test]
    fn step_tables_that_rise_are_refused_with_their_path() {
        let d = Decay::Steps {
            steps: vec![
                DecayStep { until_day: 30, factor: Decimal::new(5, 1) },
                DecayStep { until_day: 60, factor: Decimal::new(8, 1) },
            ],
            after: Decimal::ZERO,
        };
        assert_eq!(d.validate("success.decay").unwrap_err().path(), "success.decay.steps[1].factor");
    }
}
