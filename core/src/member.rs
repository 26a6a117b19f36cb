//! A member with their term history: the one member model of the roster loader, the success analytics and the bindings, and the rule for which row's facts are the member's current ones.

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use time::Date;

use crate::money::{decimal_text, Money};
use crate::plan::Plan;
use crate::plan::PlanId;
use crate::status::{Facts, MemberId, Membership};
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
    /// For a household's dependant, the primary member's id (docs/households.md).
    pub primary: Option<MemberId>,
    /// Custom attributes (region, category, chapter, ...), tested by segments as `attribute.<name>`.
    pub attributes: BTreeMap<String, String>,
}

/// The member-level facts one row gives beyond its [`Facts`] (the winning row's are the
/// member's), borrowed from the row: nothing is copied unless the row wins and its facts differ
/// from the member's.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct MemberFactsRow<'r> {
    pub(crate) tax_exempt: bool,
    pub(crate) auto_renew: bool,
    pub(crate) balance_due: Decimal,
    /// Trimmed; empty when there is none.
    pub(crate) organization: &'r str,
    /// The household's primary, for a dependant: trimmed; empty when there is none.
    pub(crate) primary: &'r str,
    /// As given: (name, value), values untrimmed; blank values are left out, a later name wins.
    pub(crate) attributes: &'r [(&'r str, &'r str)],
}

/// A row whose every field is valid, borrowed from its source: one term and the facts the row
/// states.
#[derive(Debug, Clone)]
pub(crate) struct MemberRow<'r> {
    /// Trimmed, not empty.
    pub(crate) member_id: &'r str,
    /// The rule book's plan (a clone of its id shares the text).
    pub(crate) plan: &'r Plan,
    pub(crate) row: usize,
    /// The membership facts the row states, built in place (read by reference, not copied): a
    /// member's current facts when the row wins ([`MemberHistory::add_row`]), and the roster
    /// kernel's facts of a member with one row. Its pause is this row's term's (term-level:
    /// checked against its term).
    pub(crate) status: Facts,
    pub(crate) amount_paid: Option<Money>,
    pub(crate) facts: MemberFactsRow<'r>,
}

impl MemberRow<'_> {
    /// The membership the row states, under the id `member_id`: a member's with this row alone.
    pub(crate) fn membership(&self, member_id: MemberId) -> Membership {
        let f = &self.status;
        Membership {
            member_id,
            plan: self.plan.id.clone(),
            member_since: f.member_since,
            term: f.term,
            pending: f.pending,
            cancelled_on: f.cancelled_on,
            status_override: f.status_override,
            deceased_on: f.deceased_on,
            tax_exempt: self.facts.tax_exempt,
            pause: f.pause,
            renewal_pending: f.renewal_pending,
        }
    }

    /// The row's term as a record of the member's history.
    fn record(&self) -> TermRecord {
        TermRecord {
            term: self.status.term,
            row: Some(self.row),
            plan: Some(self.plan.id.clone()),
            member_since: Some(self.status.member_since),
            amount_paid: self.amount_paid,
        }
    }
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
            primary: None,
            attributes: BTreeMap::new(),
        }
    }

    /// The member from their first row (read first, valid), under the id `member_id`.
    pub(crate) fn from_row(member_id: MemberId, row: &MemberRow<'_>) -> MemberHistory {
        let mut m = MemberHistory {
            membership: row.membership(member_id),
            terms: Vec::with_capacity(1),
            auto_renew: false,
            balance_due: Decimal::ZERO,
            organization: None,
            primary: None,
            attributes: BTreeMap::new(),
        };
        m.add_row(row, &mut Vec::new());
        m
    }

    /// Adds the member's next row (valid, read after every row added before, overlapping none of
    /// them); `scratch` is a buffer reused between calls.
    ///
    /// **Which row wins**: the member's current facts — plan, member-since, term, `pending`,
    /// `cancelled_on`, `deceased_on`, the status override, `renewal_pending`, the term's pause,
    /// and the member-level `tax_exempt`, `auto_renew`, `balance_due`, `organization`, `primary`
    /// and attributes — are those of the row with the latest
    /// `term_start`, and of the later row where two start on the same day. Every row's term is
    /// kept in `terms` ([`MemberHistory::finish_rows`] sorts them by start). This is the only
    /// place the rule is written; the CSV loader and every binding reach it through
    /// [`Roster`](crate::Roster).
    pub(crate) fn add_row<'r>(&mut self, row: &MemberRow<'r>, scratch: &mut Vec<(&'r str, &'r str)>) {
        // Small histories grow one term at a time (no spare capacity); long ones double.
        if self.terms.len() < 8 {
            self.terms.reserve_exact(1);
        }
        self.terms.push(row.record());
        let m = &mut self.membership;
        if self.terms.len() > 1 && row.status.term.start < m.term.start {
            return;
        }
        m.plan = row.plan.id.clone();
        m.set_facts(row.status);
        let facts = &row.facts;
        m.tax_exempt = facts.tax_exempt;
        self.auto_renew = facts.auto_renew;
        self.balance_due = facts.balance_due;
        let organization = Some(facts.organization).filter(|o| !o.is_empty());
        if self.organization.as_deref() != organization {
            self.organization = organization.map(str::to_owned);
        }
        let primary = Some(facts.primary).filter(|p| !p.is_empty());
        if self.primary.as_ref().map(|p| p.0.as_str()) != primary {
            self.primary = primary.map(MemberId::from);
        }
        // The row's attributes as a map would hold them (blank values left out, a later name
        // wins), compared with the member's before anything is copied.
        scratch.clear();
        scratch.extend(facts.attributes.iter().map(|(k, v)| (*k, v.trim())).filter(|(_, v)| !v.is_empty()));
        scratch.reverse();
        scratch.sort_by_key(|(k, _)| *k);
        scratch.dedup_by_key(|(k, _)| *k);
        let same = scratch.len() == self.attributes.len()
            && scratch.iter().zip(&self.attributes).all(|((k, v), (mk, mv))| k == mk && v == mv);
        if !same {
            self.attributes = scratch.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
        }
    }

    /// Ends reading the member's rows: their terms by start (then row), without spare capacity.
    pub(crate) fn finish_rows(&mut self) {
        self.terms.sort_by_key(|t| (t.term.start, t.row));
        self.terms.shrink_to_fit();
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

/// A member as a JSON document: `{membership, terms?, auto_renew?, balance_due?, organization?, primary?, attributes?}`.
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
    #[serde(default, skip_serializing_if = "Option::is_none")]
    primary: Option<MemberId>,
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
        m.primary = doc.primary;
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
            primary: m.primary,
            attributes: m.attributes,
        }
    }
}
