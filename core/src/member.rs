//! A member with their term history: the one member model of the roster loader, the success analytics and the bindings, and the rule for which row's facts are the member's current ones.

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use time::Date;

use crate::money::{decimal_text, Money};
use crate::plan::PlanId;
use crate::status::{MemberId, Membership, StatusOverride};
use crate::term::Term;

/// One term a member held, with what its source says about it: the row it was read from and,
/// for a row of a roster, the plan, member-since as of the term and what was paid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TermRecord {
    /// The term.
    pub term: Term,
    /// The row it was read from (0-based), when it was read from rows.
    pub row: Option<usize>,
    /// The plan of the term, when the source says.
    pub plan: Option<PlanId>,
    /// Member-since as of this term, when the source says.
    pub member_since: Option<Date>,
    /// What was paid for it, when the source says.
    pub amount_paid: Option<Money>,
}

impl TermRecord {
    /// A term and nothing else about it.
    pub fn of(term: Term) -> TermRecord {
        TermRecord { term, row: None, plan: None, member_since: None, amount_paid: None }
    }
}

/// A member: the current facts, every term held, and the member-level facts segments test
/// (auto-renew, balance, organisation, custom attributes).
///
/// Built from rows ([`Roster::from_rows`](crate::Roster::from_rows), [`Roster::from_csv`](crate::Roster::from_csv)),
/// the current facts come from one row, chosen by one rule (the latest `term_start`, then the later row). Given as a
/// JSON document (the gateway's success operations), `terms` may leave out the current term:
///
/// ```
/// let m: amscore::success::MemberHistory = serde_json::from_str(r#"{
///   "membership": {"member_id": "M-1", "plan": "individual", "member_since": "2023-03-01",
///                  "term": {"start": "2025-03-01", "end": "2026-02-28"}},
///   "terms": [{"start": "2023-03-01", "end": "2024-02-29"}, {"start": "2024-03-01", "end": "2025-02-28"}],
///   "auto_renew": true, "attributes": {"region": "north"}
/// }"#)?;
/// assert_eq!(m.history().len(), 3);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "MemberDocument", into = "MemberDocument")]
pub struct MemberHistory {
    /// The current membership's facts.
    pub membership: Membership,
    /// Every term, the current one included: by start when read from rows, else as given.
    pub terms: Vec<TermRecord>,
    /// Whether the member renews automatically.
    pub auto_renew: bool,
    /// What the member owes now (in the association's currency).
    pub balance_due: Decimal,
    /// The organisation the member is an employee (seat) of, if any.
    pub organization: Option<String>,
    /// Custom attributes (region, category, chapter, ...), tested by segments as `attribute.<name>`.
    pub attributes: BTreeMap<String, String>,
}

/// The member-level facts one row gives (the winning row's are the member's).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct MemberFactsRow {
    pub(crate) pending: bool,
    pub(crate) cancelled_on: Option<Date>,
    pub(crate) deceased_on: Option<Date>,
    pub(crate) status_override: Option<StatusOverride>,
    pub(crate) auto_renew: bool,
    pub(crate) balance_due: Decimal,
    pub(crate) organization: Option<String>,
    pub(crate) attributes: BTreeMap<String, String>,
}

/// A row whose every field is valid: one term and the facts the row states.
#[derive(Debug, Clone)]
pub(crate) struct MemberRow {
    pub(crate) member_id: MemberId,
    pub(crate) plan: PlanId,
    pub(crate) member_since: Date,
    pub(crate) row: usize,
    pub(crate) record: TermRecord,
    pub(crate) facts: MemberFactsRow,
}

impl MemberHistory {
    /// A member with only a current term and no other facts.
    pub fn new(membership: Membership) -> MemberHistory {
        let current = TermRecord {
            term: membership.term,
            row: None,
            plan: Some(membership.plan.clone()),
            member_since: Some(membership.member_since),
            amount_paid: None,
        };
        MemberHistory {
            membership,
            terms: vec![current],
            auto_renew: false,
            balance_due: Decimal::ZERO,
            organization: None,
            attributes: BTreeMap::new(),
        }
    }

    /// The member from their rows (all of one member, every one valid, none overlapping).
    ///
    /// **Which row wins**: the member's current facts — plan, member-since, term, `pending`,
    /// `cancelled_on`, `deceased_on`, the status override, and the member-level `auto_renew`,
    /// `balance_due`, `organization` and attributes — are those of the row with the latest
    /// `term_start`, and of the later row where two start on the same day. Every row's term is
    /// kept in `terms`, by start. This is the only place the rule is written; the CSV loader and
    /// every binding reach it through [`Roster`](crate::Roster).
    pub(crate) fn from_rows(mut rows: Vec<MemberRow>) -> Option<MemberHistory> {
        rows.sort_by_key(|r| (r.record.term.start, r.row));
        let latest = rows.last()?.clone();
        let membership = Membership {
            member_id: latest.member_id,
            plan: latest.plan,
            member_since: latest.member_since,
            term: latest.record.term,
            pending: latest.facts.pending,
            cancelled_on: latest.facts.cancelled_on,
            status_override: latest.facts.status_override,
            deceased_on: latest.facts.deceased_on,
        };
        Some(MemberHistory {
            membership,
            terms: rows.into_iter().map(|r| r.record).collect(),
            auto_renew: latest.facts.auto_renew,
            balance_due: latest.facts.balance_due,
            organization: latest.facts.organization,
            attributes: latest.facts.attributes,
        })
    }

    /// The member's id.
    pub fn id(&self) -> &MemberId {
        &self.membership.member_id
    }

    /// The row the current facts were read from, when the member was read from rows.
    pub fn row(&self) -> Option<usize> {
        self.terms.iter().rev().find(|t| t.term == self.membership.term).and_then(|t| t.row)
    }

    /// Every term, the current one included, sorted by start and without duplicates.
    pub fn history(&self) -> Vec<Term> {
        let mut all: Vec<Term> = self.terms.iter().map(|t| t.term).collect();
        all.sort_by_key(|t| (t.start, t.end));
        all.dedup();
        all
    }

    /// The member's earliest join: the earlier of member-since and the first term's start.
    pub fn joined(&self) -> Date {
        self.terms
            .iter()
            .map(|t| t.term.start)
            .min()
            .map_or(self.membership.member_since, |s| s.min(self.membership.member_since))
    }
}

/// A member as a JSON document: `{membership, terms?, auto_renew?, balance_due?, organization?, attributes?}`.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct MemberDocument {
    membership: Membership,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    terms: Vec<Term>,
    #[serde(default)]
    auto_renew: bool,
    #[serde(default, with = "decimal_text")]
    balance_due: Decimal,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    organization: Option<String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    attributes: BTreeMap<String, String>,
}

impl From<MemberDocument> for MemberHistory {
    fn from(doc: MemberDocument) -> MemberHistory {
        let mut m = MemberHistory::new(doc.membership);
        let current = m.terms.pop();
        m.terms = doc.terms.into_iter().map(TermRecord::of).collect();
        if let Some(current) = current.filter(|c| !m.terms.iter().any(|t| t.term == c.term)) {
            m.terms.push(current);
        }
        m.auto_renew = doc.auto_renew;
        m.balance_due = doc.balance_due;
        m.organization = doc.organization;
        m.attributes = doc.attributes;
        m
    }
}

impl From<MemberHistory> for MemberDocument {
    fn from(m: MemberHistory) -> MemberDocument {
        MemberDocument {
            terms: m.terms.iter().map(|t| t.term).collect(),
            membership: m.membership,
            auto_renew: m.auto_renew,
            balance_due: m.balance_due,
            organization: m.organization,
            attributes: m.attributes,
        }
    }
}
