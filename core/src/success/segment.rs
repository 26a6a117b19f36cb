//! Segmentation: declarative rules (all / any / not over tests of member facts and derived values)
//! that name groups of members, and say which tests made a member match.

use std::fmt;
use std::str::FromStr;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use time::Date;

use super::Context;
use crate::policy_error::PolicyError;
use crate::status::{MemberId, Status};

use super::activity_log::Events;
use super::error::SuccessError;
use super::roster::{derive, Facts, MemberFacts, MemberHistory, RowError};

/// A fact about a member that a rule can test.
///
/// Written as its name: `plan`, `status`, `tenure_days`, `tenure_years`, `first_year`,
/// `engagement_score`, `engagement_percentile`, `days_to_renewal`, `auto_renew`, `balance_due`,
/// `organization`, or `attribute.<name>` for a custom attribute (`attribute.region`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(try_from = "String", into = "String")]
pub enum Fact {
    /// The current plan's id (text).
    Plan,
    /// The lifecycle status on the date (text).
    Status,
    /// Whole days since member-since (number).
    TenureDays,
    /// Whole years since member-since (number).
    TenureYears,
    /// Within the first year since member-since (true/false).
    FirstYear,
    /// The engagement score (number).
    EngagementScore,
    /// The engagement percentile, 0–100 (number).
    EngagementPercentile,
    /// Days to the current term's end; missing for a lifetime term (number).
    DaysToRenewal,
    /// Whether the member renews automatically (true/false).
    AutoRenew,
    /// The balance due (number).
    BalanceDue,
    /// The member's organisation; missing if none (text).
    Organization,
    /// A custom attribute; missing if the member lacks it (text).
    Attribute(String),
}

const FACT_NAMES: &[(&str, Fact)] = &[
    ("plan", Fact::Plan),
    ("status", Fact::Status),
    ("tenure_days", Fact::TenureDays),
    ("tenure_years", Fact::TenureYears),
    ("first_year", Fact::FirstYear),
    ("engagement_score", Fact::EngagementScore),
    ("engagement_percentile", Fact::EngagementPercentile),
    ("days_to_renewal", Fact::DaysToRenewal),
    ("auto_renew", Fact::AutoRenew),
    ("balance_due", Fact::BalanceDue),
    ("organization", Fact::Organization),
];

impl TryFrom<String> for Fact {
    type Error = String;
    fn try_from(s: String) -> Result<Fact, String> {
        if let Some(name) = s.strip_prefix("attribute.") {
            if name.is_empty() {
                return Err("`attribute.` needs an attribute name".into());
            }
            return Ok(Fact::Attribute(name.to_owned()));
        }
        FACT_NAMES.iter().find(|(n, _)| *n == s).map(|(_, f)| f.clone()).ok_or_else(|| {
            let names: Vec<&str> = FACT_NAMES.iter().map(|(n, _)| *n).collect();
            format!("unknown fact `{s}` (known: {}, attribute.<name>)", names.join(", "))
        })
    }
}

impl From<Fact> for String {
    fn from(f: Fact) -> String {
        f.to_string()
    }
}

impl fmt::Display for Fact {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Fact::Attribute(name) => write!(f, "attribute.{name}"),
            other => f.write_str(FACT_NAMES.iter().find(|(_, x)| x == other).map_or("?", |(n, _)| n)),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FactType {
    Number,
    Text,
    Bool,
}

impl Fact {
    fn kind(&self) -> FactType {
        match self {
            Fact::Plan | Fact::Status | Fact::Organization | Fact::Attribute(_) => FactType::Text,
            Fact::FirstYear | Fact::AutoRenew => FactType::Bool,
            _ => FactType::Number,
        }
    }
}

/// How a test compares a fact with its value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Comparison {
    /// Equal.
    Eq,
    /// Not equal.
    Ne,
    /// Less than (numbers).
    Lt,
    /// Less than or equal (numbers).
    Le,
    /// Greater than (numbers).
    Gt,
    /// Greater than or equal (numbers).
    Ge,
    /// One of a list.
    In,
    /// None of a list.
    NotIn,
}

impl Comparison {
    fn as_str(self) -> &'static str {
        match self {
            Comparison::Eq => "eq",
            Comparison::Ne => "ne",
            Comparison::Lt => "lt",
            Comparison::Le => "le",
            Comparison::Gt => "gt",
            Comparison::Ge => "ge",
            Comparison::In => "in",
            Comparison::NotIn => "not_in",
        }
    }
}

/// One test of a fact: `{"fact": "tenure_years", "op": "lt", "value": 1}`. Numbers may be written
/// as JSON numbers or decimal strings. A missing fact (a lifetime member's days to renewal, an
/// attribute the member lacks) fails every test.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Test {
    /// The fact tested.
    pub fact: Fact,
    /// The comparison.
    pub op: Comparison,
    /// The value (a list for `in` / `not_in`).
    pub value: Value,
}

/// A declarative rule: `{"all": [...]}`, `{"any": [...]}`, `{"not": {...}}` or `{"test": {...}}`.
///
/// ```
/// use amscore::success::Rule;
/// let r: Rule = serde_json::from_value(serde_json::json!({"all": [
///     {"test": {"fact": "first_year", "op": "eq", "value": true}},
///     {"not": {"test": {"fact": "auto_renew", "op": "eq", "value": true}}}
/// ]}))?;
/// assert!(matches!(r, Rule::All(ref v) if v.len() == 2));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Rule {
    /// Every rule holds.
    All(Vec<Rule>),
    /// At least one rule holds (the first that does is named).
    Any(Vec<Rule>),
    /// The rule does not hold.
    Not(Box<Rule>),
    /// A test of one fact.
    Test(Test),
}

/// A typed operand, checked once when the policy is validated.
enum Operand {
    Number(Decimal),
    Text(String),
    Bool(bool),
}

fn operand(v: &Value, ty: FactType) -> Option<Operand> {
    match (ty, v) {
        (FactType::Number, Value::Number(n)) => Decimal::from_str(&n.to_string()).ok().map(Operand::Number),
        (FactType::Number, Value::String(s)) => Decimal::from_str_exact(s).ok().map(Operand::Number),
        (FactType::Text, Value::String(s)) => Some(Operand::Text(s.clone())),
        (FactType::Bool, Value::Bool(b)) => Some(Operand::Bool(*b)),
        _ => None,
    }
}

impl Test {
    fn operands(&self) -> Option<Vec<Operand>> {
        let ty = self.fact.kind();
        match self.op {
            Comparison::In | Comparison::NotIn => {
                self.value.as_array()?.iter().map(|v| operand(v, ty)).collect::<Option<Vec<_>>>()
            }
            _ => operand(&self.value, ty).map(|o| vec![o]),
        }
    }

    fn validate(&self, path: &str, plan_known: &dyn Fn(&str) -> bool) -> Result<(), PolicyError> {
        let invalid =
            |field: &str, message: String| PolicyError::InvalidValue { path: format!("{path}.{field}"), message };
        let ty = self.fact.kind();
        let ordered = matches!(self.op, Comparison::Lt | Comparison::Le | Comparison::Gt | Comparison::Ge);
        if ordered && ty != FactType::Number {
            return Err(invalid(
                "op",
                format!("`{}` compares numbers; `{}` is not a number", self.op.as_str(), self.fact),
            ));
        }
        let list = matches!(self.op, Comparison::In | Comparison::NotIn);
        if list && ty == FactType::Bool {
            return Err(invalid("op", format!("use `eq` for the true/false fact `{}`", self.fact)));
        }
        let expected = match (ty, list) {
            (FactType::Number, false) => "a number",
            (FactType::Number, true) => "a list of numbers",
            (FactType::Text, false) => "a string",
            (FactType::Text, true) => "a list of strings",
            (FactType::Bool, _) => "true or false",
        };
        let Some(ops) = self.operands() else {
            return Err(invalid("value", format!("`{}` needs {expected}", self.fact)));
        };
        for o in &ops {
            if let Operand::Text(t) = o {
                if self.fact == Fact::Plan && !plan_known(t) {
                    return Err(PolicyError::UnknownPlanReference { path: format!("{path}.value"), plan: t.clone() });
                }
                if self.fact == Fact::Status && serde_json::from_value::<Status>(Value::String(t.clone())).is_err() {
                    return Err(invalid("value", format!("unknown status `{t}`")));
                }
            }
        }
        Ok(())
    }
}

/// A fact's value for one member, borrowed from the facts.
enum Actual<'f> {
    Number(Decimal),
    Text(&'f str),
    Bool(bool),
}

/// A test ready for many members: its operands read and its words written once.
pub(crate) struct CompiledTest<'r> {
    fact: &'r Fact,
    op: Comparison,
    /// `None` when the value is not of the fact's type (a rule not validated): the test fails.
    operands: Option<Vec<Operand>>,
    /// `fact op value`, the start of the evidence sentence.
    words: String,
}

impl CompiledTest<'_> {
    fn actual<'f>(&self, f: &Facts<'f>) -> Option<Actual<'f>> {
        match self.fact {
            Fact::Plan => Some(Actual::Text(f.plan.as_str())),
            Fact::Status => Some(Actual::Text(f.status.as_str())),
            Fact::TenureDays => Some(Actual::Number(Decimal::from(f.tenure_days))),
            Fact::TenureYears => Some(Actual::Number(Decimal::from(f.tenure_years))),
            Fact::FirstYear => Some(Actual::Bool(f.first_year)),
            Fact::EngagementScore => Some(Actual::Number(f.engagement_score)),
            Fact::EngagementPercentile => Some(Actual::Number(f.engagement_percentile)),
            Fact::DaysToRenewal => f.days_to_renewal.map(|d| Actual::Number(Decimal::from(d))),
            Fact::AutoRenew => Some(Actual::Bool(f.auto_renew)),
            Fact::BalanceDue => Some(Actual::Number(f.balance_due)),
            Fact::Organization => f.organization.map(Actual::Text),
            Fact::Attribute(name) => f.attributes.get(name).map(|v| Actual::Text(v.as_str())),
        }
    }

    /// Whether the test holds for the facts. A missing fact fails every test.
    fn holds(&self, f: &Facts<'_>) -> bool {
        let (Some(actual), Some(ops)) = (self.actual(f), self.operands.as_ref()) else {
            return false;
        };
        let eq = |b: &Operand| match (&actual, b) {
            (Actual::Number(x), Operand::Number(y)) => x == y,
            (Actual::Text(x), Operand::Text(y)) => *x == y.as_str(),
            (Actual::Bool(x), Operand::Bool(y)) => x == y,
            _ => false,
        };
        let cmp = |b: &Operand| match (&actual, b) {
            (Actual::Number(x), Operand::Number(y)) => Some(x.cmp(y)),
            _ => None,
        };
        use std::cmp::Ordering::{Equal, Greater, Less};
        match self.op {
            Comparison::Eq => ops.first().is_some_and(eq),
            Comparison::Ne => ops.first().is_some_and(|b| !eq(b)),
            Comparison::Lt => ops.first().and_then(cmp) == Some(Less),
            Comparison::Le => matches!(ops.first().and_then(cmp), Some(Less | Equal)),
            Comparison::Gt => ops.first().and_then(cmp) == Some(Greater),
            Comparison::Ge => matches!(ops.first().and_then(cmp), Some(Greater | Equal)),
            Comparison::In => ops.iter().any(eq),
            Comparison::NotIn => !ops.iter().any(eq),
        }
    }

    /// The evidence sentence: `tenure_years lt 1 (is 0)`.
    fn sentence(&self, f: &Facts<'_>) -> String {
        let shown = match self.actual(f) {
            Some(Actual::Number(n)) => n.to_string(),
            Some(Actual::Text(t)) => t.to_owned(),
            Some(Actual::Bool(b)) => b.to_string(),
            None => "missing".to_owned(),
        };
        format!("{} (is {shown})", self.words)
    }
}

/// A rule ready for many members: each test's operands read and words written once, and a
/// member's sentences written only when the rule holds for them.
pub(crate) enum Compiled<'r> {
    All(Vec<Compiled<'r>>),
    Any(Vec<Compiled<'r>>),
    Not(Box<Compiled<'r>>),
    Test(CompiledTest<'r>),
}

impl<'r> Compiled<'r> {
    pub(crate) fn new(rule: &'r Rule) -> Compiled<'r> {
        match rule {
            Rule::All(rules) => Compiled::All(rules.iter().map(Compiled::new).collect()),
            Rule::Any(rules) => Compiled::Any(rules.iter().map(Compiled::new).collect()),
            Rule::Not(r) => Compiled::Not(Box::new(Compiled::new(r))),
            Rule::Test(t) => Compiled::Test(Compiled::test(t)),
        }
    }

    fn test(t: &'r Test) -> CompiledTest<'r> {
        CompiledTest {
            fact: &t.fact,
            op: t.op,
            operands: t.operands(),
            words: format!("{} {} {}", t.fact, t.op.as_str(), t.value),
        }
    }

    /// Whether the rule holds for a member's facts.
    fn holds(&self, facts: &Facts<'_>) -> bool {
        match self {
            Compiled::All(rules) => rules.iter().all(|r| r.holds(facts)),
            Compiled::Any(rules) => rules.iter().any(|r| r.holds(facts)),
            Compiled::Not(r) => !r.holds(facts),
            Compiled::Test(t) => t.holds(facts),
        }
    }

    /// [`Rule::evaluate`]: if the rule holds, the tests that made it hold, as sentences.
    pub(crate) fn evaluate(&self, facts: &Facts<'_>) -> Option<Vec<String>> {
        if !self.holds(facts) {
            return None;
        }
        let mut why = Vec::new();
        self.why(facts, &mut why);
        Some(why)
    }

    /// The sentences of a rule that holds: every part of `all`, the first part of `any` that
    /// holds, the words of a `not`'s rule (which does not hold), a test's sentence.
    fn why(&self, facts: &Facts<'_>, out: &mut Vec<String>) {
        match self {
            Compiled::All(rules) => rules.iter().for_each(|r| r.why(facts, out)),
            Compiled::Any(rules) => {
                if let Some(r) = rules.iter().find(|r| r.holds(facts)) {
                    r.why(facts, out);
                }
            }
            Compiled::Not(r) => out.push(format!("not ({})", r.describe(facts))),
            Compiled::Test(t) => out.push(t.sentence(facts)),
        }
    }

    /// The rule in words, with the member's values.
    fn describe(&self, facts: &Facts<'_>) -> String {
        let join =
            |rules: &[Compiled<'_>], sep: &str| rules.iter().map(|r| r.describe(facts)).collect::<Vec<_>>().join(sep);
        match self {
            Compiled::All(rules) => join(rules, " and "),
            Compiled::Any(rules) => join(rules, " or "),
            Compiled::Not(r) => format!("not ({})", r.describe(facts)),
            Compiled::Test(t) => t.sentence(facts),
        }
    }
}

impl Rule {
    /// Checks the rule's tests (types, plan ids, statuses), naming the path of the first problem.
    ///
    /// # Errors
    /// [`PolicyError::InvalidValue`] or [`PolicyError::UnknownPlanReference`].
    pub fn validate(&self, path: &str, plan_known: &dyn Fn(&str) -> bool) -> Result<(), PolicyError> {
        match self {
            Rule::All(rules) | Rule::Any(rules) => {
                let key = if matches!(self, Rule::All(_)) { "all" } else { "any" };
                if rules.is_empty() {
                    return Err(PolicyError::InvalidValue {
                        path: format!("{path}.{key}"),
                        message: "must list at least one rule".into(),
                    });
                }
                for (i, r) in rules.iter().enumerate() {
                    r.validate(&format!("{path}.{key}[{i}]"), plan_known)?;
                }
                Ok(())
            }
            Rule::Not(r) => r.validate(&format!("{path}.not"), plan_known),
            Rule::Test(t) => t.validate(&format!("{path}.test"), plan_known),
        }
    }

    /// Whether the rule holds for a member's facts; if it does, the tests that made it hold, as
    /// sentences (`tenure_years lt 1 (is 0)`).
    pub fn evaluate(&self, facts: &MemberFacts) -> Option<Vec<String>> {
        Compiled::new(self).evaluate(&facts.view())
    }
}

/// A named segment: `{"id": "first_year", "rule": {...}}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Segment {
    /// The segment's identifier.
    pub id: String,
    /// A label for people, if different from the id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// Who is in it.
    pub rule: Rule,
}

/// A segment a member is in, and the tests that put them there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SegmentMatch {
    /// The segment.
    pub segment: String,
    /// The tests that held, in words.
    pub matched: Vec<String>,
}

/// The segments one member is in (possibly several, possibly none).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MemberSegments {
    /// The member.
    pub member_id: MemberId,
    /// The segments, in policy order.
    pub segments: Vec<SegmentMatch>,
}

/// Every member's segments, and the rows that could not be used.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SegmentReport {
    /// Members, in roster order.
    pub members: Vec<MemberSegments>,
    /// One error per bad member or event row.
    pub errors: Vec<RowError>,
}

/// The policy's segments, each rule ready for many members.
pub(crate) struct Segments<'p>(Vec<(&'p Segment, Compiled<'p>)>);

impl<'p> Segments<'p> {
    pub(crate) fn new(segments: &'p [Segment]) -> Segments<'p> {
        Segments(segments.iter().map(|s| (s, Compiled::new(&s.rule))).collect())
    }

    /// The segments of one member's facts, in policy order.
    pub(crate) fn of(&self, facts: &Facts<'_>) -> Vec<SegmentMatch> {
        self.0
            .iter()
            .filter_map(|(s, rule)| rule.evaluate(facts).map(|matched| SegmentMatch { segment: s.id.clone(), matched }))
            .collect()
    }
}

/// Places every member of a roster in the policy's segments on a date.
///
/// ```
/// use amscore::success::{segments, MemberHistory};
/// use time::macros::date;
/// let engine = amscore::Engine::from_json(r#"{"version": 1, "preset": "amscore", "success": {
///   "segments": [{"id": "newcomers", "rule": {"test": {"fact": "first_year", "op": "eq", "value": true}}}]}}"#)?;
/// let m: MemberHistory = serde_json::from_str(r#"{"membership": {"member_id": "M-1", "plan": "individual",
///   "member_since": "2025-01-01", "term": {"start": "2025-01-01", "end": "2025-12-31"}}}"#).unwrap();
/// let r = segments(engine.success(), &[m], &[], date!(2025-06-01))?;
/// assert_eq!(r.members[0].segments[0].matched, ["first_year eq true (is true)"]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// [`SuccessError::Overflow`] if engagement points overflow.
pub fn segments<E: Events + ?Sized>(
    ctx: Context<'_>,
    members: &[MemberHistory],
    events: &E,
    as_of: Date,
) -> Result<SegmentReport, SuccessError> {
    let d = derive(ctx, members, &events.log(), as_of)?;
    let defs = Segments::new(&ctx.policy.segments);
    let members =
        d.facts.iter().map(|f| MemberSegments { member_id: f.member_id.clone(), segments: defs.of(f) }).collect();
    Ok(SegmentReport { members, errors: d.roster.errors })
}
