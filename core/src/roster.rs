//! Roster loading and data-quality checks: every row is either used or reported with its problem.
//!
//! A roster is a *term history*: one row per term a member held, read from CSV
//! ([`Roster::from_csv`]) or given as typed rows by a binding ([`Roster::from_rows`]); both go
//! through the same checks ([`TermRow`]) and the same rule for which row gives a member's current
//! facts ([`MemberHistory`]). The required columns are `member_id, plan, member_since, term_start,
//! term_end`; the optional ones are listed in [`Column`], plus any `attribute.<name>`.
//!
//! Rows are counted from 0 for the first *data* row ([`RowError::row`]); the gateway's
//! `load_roster` document writes them from 1, as it always has. Every row read is either used (it
//! is in exactly one member's history) or listed in [`Roster::problems`] with at least one
//! problem; nothing is dropped silently.

use std::collections::hash_map::{Entry, RandomState};
use std::collections::{BTreeMap, HashMap};
use std::hash::BuildHasher;
use std::io::Read;

use rustc_hash::FxHashMap;
use serde::ser::{SerializeSeq, SerializeStruct};
use serde::{Serialize, Serializer};
use time::Date;

use crate::cell::Cell;
use crate::member::{MemberHistory, MemberRow, TermRecord};
use crate::plan::PlanId;
use crate::roster_error::RosterError;
use crate::row_error::{RowError, Source};
use crate::rules::Rulebook;
use crate::status::MemberId;
use crate::term::Term;
use crate::term_row::{check_row, Column, TermRow};

/// How many problems of one kind a roster has.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProblemCount {
    /// The stable code.
    pub code: u32,
    /// The stable name.
    pub name: String,
    /// How many problems have it.
    pub count: usize,
}

/// A roster read and checked against a policy: the members built from the valid rows, and every
/// problem with every other row.
///
/// ```
/// let engine = amscore::Engine::from_preset("amscore")?;
/// let csv = "member_id,plan,member_since,term_start,term_end,amount_paid\n\
///            M-1,individual,2020-03-01,2024-03-01,2025-02-28,200.00\n\
///            M-1,individual,2020-03-01,2025-03-01,2026-02-28,200.00\n\
///            M-2,platinum,2025-01-10,2025-01-10,2026-01-09,\n\
///            M-3,individual,2025-05-01,2025-05-01,2025-02-30,200\n";
/// let roster = amscore::Roster::from_csv(engine.rules(), csv.as_bytes())?;
/// assert_eq!((roster.rows_read, roster.rows_used(), roster.rows_with_problems()), (4, 2, 2));
/// assert_eq!(roster.members[0].terms.len(), 2);
/// assert_eq!(roster.members[0].membership.term.start, time::macros::date!(2025-03-01));
/// assert_eq!(roster.problems[0].to_string(), "row 3, plan `platinum`: unknown plan `platinum`");
/// assert_eq!(roster.problems[1].name, "impossible_date");
/// # Ok::<(), amscore::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Roster {
    /// The members, in the order their first row appears.
    pub members: Vec<MemberHistory>,
    /// Every problem, by row (a row may have several); their source is [`Source::Members`].
    pub problems: Vec<RowError>,
    /// How many data rows were read (the header not counted).
    pub rows_read: usize,
}

impl Roster {
    /// Reads a roster in CSV (RFC 4180: comma-separated, `"`-quoted values, a header row) and
    /// checks every row against the engine's policy.
    ///
    /// # Errors
    /// Only for the roster as a whole: [`RosterError::MissingColumn`],
    /// [`RosterError::UnknownColumn`], [`RosterError::DuplicateColumn`] for the header, and
    /// [`RosterError::Unreadable`] if the reader fails. Problems with rows are not errors: they
    /// are listed in [`Roster::problems`].
    ///
    /// The roster is built as the rows are read: one CSV record is reused for every row, and a
    /// valid row adds one [`TermRecord`](crate::TermRecord) to its member (its plan id shares
    /// the rule book's text), so that loading needs little more than the roster it returns.
    pub fn from_csv<R: Read>(rules: &Rulebook, input: R) -> Result<Roster, RosterError> {
        let mut reader =
            csv::ReaderBuilder::new().has_headers(true).flexible(true).trim(csv::Trim::All).from_reader(input);
        let header = reader.byte_headers().map_err(unreadable)?.clone();
        let header = Header::read(&header)?;
        let mut builder = Builder::default();
        let mut record = csv::ByteRecord::new();
        let mut attributes = Vec::new();
        while reader.read_byte_record(&mut record).map_err(unreadable)? {
            let index = builder.rows_read;
            builder.rows_read += 1;
            let line = record.position().map_or(0, csv::Position::line);
            let row = match header.row(&record, index, line, attributes) {
                Ok(row) => row,
                Err(problem) => {
                    builder.problems.push(*problem);
                    attributes = Vec::new();
                    continue;
                }
            };
            builder.add(check_row(rules, &row, index, Some(line)), Some(line));
            attributes = recycle(row.attributes);
        }
        Ok(builder.finish())
    }

    /// Checks rows a binding gives (one [`TermRow`] per row of its columns, in order) against
    /// the engine's policy: the same checks and rules as [`Roster::from_csv`], without a file.
    /// Whether the required columns are there is [`Column::require`].
    pub fn from_rows<'a>(rules: &Rulebook, rows: impl IntoIterator<Item = TermRow<'a>>) -> Roster {
        Roster::from_indexed_rows(rules, rows.into_iter().enumerate())
    }

    /// [`Roster::from_rows`] for some rows of a larger table, each with its row number there
    /// (increasing): the roster kernel reads the rows of members with several rows this way.
    pub(crate) fn from_indexed_rows<'a>(
        rules: &Rulebook,
        rows: impl IntoIterator<Item = (usize, TermRow<'a>)>,
    ) -> Roster {
        let mut builder = Builder::default();
        for (index, row) in rows {
            builder.rows_read += 1;
            builder.add(check_row(rules, &row, index, None), None);
        }
        builder.finish()
    }

    /// How many rows are used: in exactly one member's history.
    pub fn rows_used(&self) -> usize {
        self.members.iter().map(|m| m.terms.len()).sum()
    }

    /// How many rows have at least one problem (and so are not used).
    pub fn rows_with_problems(&self) -> usize {
        let mut rows: Vec<usize> = self.problems.iter().map(|p| p.row).collect();
        rows.dedup();
        rows.len()
    }

    /// The number of problems of each kind, by code.
    ///
    /// ```
    /// let engine = amscore::Engine::from_preset("amscore")?;
    /// let csv = "member_id,plan,member_since,term_start,term_end\n\
    ///            M-1,gold,2020-03-01,2025-03-01,2026-02-28\n\
    ///            M-2,silver,2020-03-01,2025-03-01,2026-02-28\n";
    /// let roster = amscore::Roster::from_csv(engine.rules(), csv.as_bytes())?;
    /// let counts = roster.problem_counts();
    /// assert_eq!((counts[0].name.as_str(), counts[0].count), ("plan_not_in_policy", 2));
    /// # Ok::<(), amscore::Error>(())
    /// ```
    pub fn problem_counts(&self) -> Vec<ProblemCount> {
        let mut counts: BTreeMap<u32, ProblemCount> = BTreeMap::new();
        for p in &self.problems {
            counts
                .entry(p.code)
                .or_insert_with(|| ProblemCount { code: p.code, name: p.name.clone(), count: 0 })
                .count += 1;
        }
        counts.into_values().collect()
    }
}

/// Written as `{"rows_read", "rows_used", "rows_with_problems", "members", "problems"}`: the
/// gateway's `load_roster` answer. There, rows are counted from 1 (the header not counted), each
/// member is `{membership, history: [{row, plan, member_since, term, amount_paid?}]}` and each
/// problem `{row, line, member_id, field, value, code, name, message}`, as they always were.
impl Serialize for Roster {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("Roster", 5)?;
        st.serialize_field("rows_read", &self.rows_read)?;
        st.serialize_field("rows_used", &self.rows_used())?;
        st.serialize_field("rows_with_problems", &self.rows_with_problems())?;
        st.serialize_field("members", &Members(&self.members))?;
        st.serialize_field("problems", &Problems(&self.problems))?;
        st.end()
    }
}

struct Members<'a>(&'a [MemberHistory]);

impl Serialize for Members<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Record<'a> {
            row: usize,
            plan: &'a Option<PlanId>,
            member_since: &'a Option<Date>,
            term: &'a Term,
            #[serde(skip_serializing_if = "Option::is_none")]
            amount_paid: &'a Option<crate::money::Money>,
        }
        #[derive(Serialize)]
        struct Member<'a> {
            membership: &'a crate::status::Membership,
            history: Vec<Record<'a>>,
        }
        let mut seq = s.serialize_seq(Some(self.0.len()))?;
        for m in self.0 {
            let history = m
                .terms
                .iter()
                .map(|t| Record {
                    row: t.row.map_or(0, |r| r + 1),
                    plan: &t.plan,
                    member_since: &t.member_since,
                    term: &t.term,
                    amount_paid: &t.amount_paid,
                })
                .collect();
            seq.serialize_element(&Member { membership: &m.membership, history })?;
        }
        seq.end()
    }
}

struct Problems<'a>(&'a [RowError]);

impl Serialize for Problems<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.0.len()))?;
        for p in self.0 {
            seq.serialize_element(&serde_json::json!({
                "row": p.row + 1,
                "line": p.line.unwrap_or(0),
                "member_id": p.member_id.as_ref().map_or("", |m| m.0.as_str()),
                "field": p.field,
                "value": p.value.as_deref().unwrap_or(""),
                "code": p.code,
                "name": p.name,
                "message": p.message,
            }))?;
        }
        seq.end()
    }
}

fn unreadable(err: csv::Error) -> RosterError {
    RosterError::Unreadable { message: err.to_string() }
}

/// Where each column of a CSV header is.
struct Header {
    width: usize,
    columns: Vec<(Column, usize)>,
    attributes: Vec<(String, usize)>,
}

impl Header {
    fn read(header: &csv::ByteRecord) -> Result<Header, RosterError> {
        let mut columns: HashMap<Column, usize> = HashMap::new();
        let mut attributes: Vec<(String, usize)> = Vec::new();
        for (i, raw) in header.iter().enumerate() {
            let name = String::from_utf8_lossy(raw);
            let name = name.trim_start_matches('\u{feff}').trim();
            let prefix = Column::ATTRIBUTE_PREFIX.len();
            if name.len() > prefix
                && name.is_char_boundary(prefix)
                && name[..prefix].eq_ignore_ascii_case(Column::ATTRIBUTE_PREFIX)
            {
                let attribute = name[prefix..].to_owned();
                if attributes.iter().any(|(a, _)| *a == attribute) {
                    return Err(RosterError::DuplicateColumn { column: name.to_owned() });
                }
                attributes.push((attribute, i));
                continue;
            }
            let column = Column::named(name).ok_or_else(|| RosterError::UnknownColumn { column: name.to_owned() })?;
            if columns.insert(column, i).is_some() {
                return Err(RosterError::DuplicateColumn { column: column.as_str().to_owned() });
            }
        }
        Column::require(columns.keys().copied())?;
        let mut columns: Vec<(Column, usize)> = columns.into_iter().collect();
        columns.sort_unstable();
        Ok(Header { width: header.len(), columns, attributes })
    }

    /// The record as a row, or the problem that makes it no row at all (the wrong number of
    /// values, text that is not UTF-8).
    /// `attributes` is an empty vector whose allocation the row's attributes reuse.
    fn row<'r>(
        &'r self,
        record: &'r csv::ByteRecord,
        index: usize,
        line: u64,
        attributes: Vec<(&'r str, &'r str)>,
    ) -> Result<TermRow<'r>, Box<RowError>> {
        let malformed = |field: Option<Column>, value: String, error: RosterError| {
            let mut e = RowError::new(Source::Members, index, &error).line(line);
            e.field = field.map(|f| f.as_str().to_owned());
            e.value = Some(value);
            Box::new(e)
        };
        if record.len() != self.width {
            return Err(malformed(None, String::new(), RosterError::wrong_width(record.len(), self.width)));
        }
        let text = |i: usize, column: Option<Column>| -> Result<&'r str, Box<RowError>> {
            let raw = record.get(i).unwrap_or_default();
            std::str::from_utf8(raw).map_err(|_| {
                let value = String::from_utf8_lossy(raw).into_owned();
                malformed(column, value, RosterError::not_utf8())
            })
        };
        let mut row = TermRow { attributes, ..TermRow::default() };
        for &(column, i) in &self.columns {
            let v = text(i, Some(column))?;
            match column {
                Column::MemberId => row.member_id = v,
                Column::Plan => row.plan = v,
                Column::MemberSince => row.member_since = Cell::Text(v),
                Column::TermStart => row.term_start = Cell::Text(v),
                Column::TermEnd => row.term_end = Cell::Text(v),
                Column::Pending => row.pending = Cell::Text(v),
                Column::CancelledOn => row.cancelled_on = Cell::Text(v),
                Column::DeceasedOn => row.deceased_on = Cell::Text(v),
                Column::OverrideStatus => row.override_status = v,
                Column::OverrideUntil => row.override_until = Cell::Text(v),
                Column::AmountPaid => row.amount_paid = Cell::Text(v),
                Column::Currency => row.currency = v,
                Column::AutoRenew => row.auto_renew = Cell::Text(v),
                Column::BalanceDue => row.balance_due = Cell::Text(v),
                Column::Organization => row.organization = v,
                Column::RenewalPending => row.renewal_pending = Cell::Text(v),
                Column::Primary => row.primary = v,
                Column::TaxExempt => row.tax_exempt = Cell::Text(v),
                Column::PauseFrom => row.pause_from = Cell::Text(v),
                Column::PauseTo => row.pause_to = Cell::Text(v),
            }
        }
        for (name, i) in &self.attributes {
            row.attributes.push((name.as_str(), text(*i, None)?));
        }
        Ok(row)
    }
}

/// An empty vector of the same allocation, for the next row's borrowed values: the vector is
/// emptied, so the map runs on nothing, and collecting a vector's own iterator into elements of
/// the same size reuses its allocation.
fn recycle<'b>(mut v: Vec<(&str, &str)>) -> Vec<(&'b str, &'b str)> {
    v.clear();
    v.into_iter().map(|_| ("", "")).collect()
}

/// Up to this many terms, a member's terms are checked against a new one by walking them; past
/// it, through an index of the terms kept by start ([`Builder::kept`]).
const FEW_TERMS: usize = 16;

/// A roster being built as its rows are checked, in the order they are read: each valid row is
/// added to its member's history at once, unless it repeats or overlaps a term of the member
/// kept before it (the row read first is kept, the later one is reported).
#[derive(Default)]
struct Builder {
    /// A member id's 64-bit hash → the member's position in `members` (whose id is compared, so
    /// that each id is stored once, in its member). The hash is keyed at random per roster, so
    /// that no input can make ids collide on purpose.
    index: FxHashMap<u64, u32>,
    hasher: RandomState,
    /// The members whose id's hash is another member's (about never): id → position.
    collided: HashMap<Box<str>, u32>,
    /// The members, in the order their first row appears.
    members: Vec<MemberHistory>,
    /// For members with more than [`FEW_TERMS`] terms: their kept terms by start, as
    /// (start → (end, row)). Kept terms never overlap, so their ends are in order too.
    kept: HashMap<u32, BTreeMap<Date, (Option<Date>, usize)>>,
    /// Overlaps found through `kept`, whose other row `finish` names: (member, row, line, term).
    overlaps: Vec<(u32, usize, Option<u64>, Term)>,
    problems: Vec<RowError>,
    rows_read: usize,
    /// A buffer for [`MemberHistory::add_row`].
    scratch: Vec<(&'static str, &'static str)>,
}

impl Builder {
    /// Adds one checked row: its problems, or its term to its member.
    fn add(&mut self, checked: Result<MemberRow<'_>, Vec<RowError>>, line: Option<u64>) {
        let row = match checked {
            Ok(row) => row,
            Err(mut problems) => {
                self.problems.append(&mut problems);
                return;
            }
        };
        let hash = self.hasher.hash_one(row.member_id);
        let found = match self.index.get(&hash) {
            Some(&m) if self.members[m as usize].membership.member_id.0 == row.member_id => Some(m),
            Some(_) => self.collided.get(row.member_id).copied(),
            None => None,
        };
        let Some(m) = found else {
            let Ok(m) = u32::try_from(self.members.len()) else {
                // More than 4 billion members cannot be held in memory anyway.
                let error = RosterError::MalformedRow { message: "too many members".into() };
                self.problems.push(problem(&row, line, &error));
                return;
            };
            match self.index.entry(hash) {
                Entry::Vacant(slot) => {
                    slot.insert(m);
                }
                Entry::Occupied(_) => {
                    self.collided.insert(row.member_id.into(), m);
                }
            }
            self.members.push(MemberHistory::from_row(MemberId::from(row.member_id), &row));
            return;
        };
        let member = &mut self.members[m as usize];
        let term = row.status.term;
        let clash = match self.kept.get(&m) {
            None => {
                let kept = &member.terms;
                let duplicate = kept
                    .iter()
                    .find(|k| k.term.start == term.start)
                    .map(|k| RosterError::DuplicateRecord { first_row: k.row.unwrap_or(0) + 1 });
                duplicate.or_else(|| {
                    kept.iter().find(|k| k.term.overlaps(&term)).map(|k| RosterError::OverlappingTerm {
                        term,
                        other: k.term,
                        other_row: k.row.unwrap_or(0) + 1,
                    })
                })
            }
            Some(kept) => {
                if let Some((_, first)) = kept.get(&term.start) {
                    Some(RosterError::DuplicateRecord { first_row: first + 1 })
                } else {
                    // The kept term starting last before this one, and the one starting first
                    // after it, are the only ones that may overlap it if none of them does.
                    let before = kept.range(..term.start).next_back();
                    let after = kept.range(term.start..).next();
                    let overlaps = [before, after]
                        .into_iter()
                        .flatten()
                        .any(|(&start, &(end, _))| Term { start, end }.overlaps(&term));
                    if overlaps {
                        self.overlaps.push((m, row.row, line, term));
                        return;
                    }
                    None
                }
            }
        };
        if let Some(error) = clash {
            self.problems.push(problem(&row, line, &error));
            return;
        }
        // `scratch` only ever holds the row's values during the call: it is empty between calls.
        let mut scratch = recycle(std::mem::take(&mut self.scratch));
        member.add_row(&row, &mut scratch);
        self.scratch = recycle(scratch);
        if member.terms.len() > FEW_TERMS {
            let kept = self.kept.entry(m).or_insert_with(|| {
                member.terms.iter().map(|t| (t.term.start, (t.term.end, t.row.unwrap_or(0)))).collect()
            });
            kept.insert(term.start, (term.end, row.row));
        }
    }

    /// The roster: every member's id and terms in place, the overlaps found through the index
    /// reported with the row they overlap, and every problem by row.
    fn finish(mut self) -> Roster {
        self.index = FxHashMap::default();
        self.collided = HashMap::new();
        for member in &mut self.members {
            member.finish_rows();
        }
        self.overlaps.sort_unstable_by_key(|&(m, row, _, _)| (m, row));
        let mut at = 0;
        while at < self.overlaps.len() {
            let m = self.overlaps[at].0;
            let same = self.overlaps[at..].iter().take_while(|o| o.0 == m).count();
            let member = &self.members[m as usize];
            let first_kept = FirstKept::new(&member.terms);
            for &(_, row, line, term) in &self.overlaps[at..at + same] {
                let other = first_kept.overlapping(&term);
                let error =
                    RosterError::OverlappingTerm { term, other: other.term, other_row: other.row.unwrap_or(0) + 1 };
                let mut e = RowError::new(Source::Members, row, &error)
                    .member(Some(member.membership.member_id.clone()))
                    .field(Column::TermStart.as_str(), Some(term.start.to_string()));
                e.line = line;
                self.problems.push(e);
            }
            at += same;
        }
        self.members.shrink_to_fit();
        // Stable: the problems of one row stay in the order they were found.
        self.problems.sort_by_key(|p| p.row);
        self.problems.shrink_to_fit();
        Roster { members: self.members, problems: self.problems, rows_read: self.rows_read }
    }
}

/// A duplicate or overlapping row's problem, at its term start.
fn problem(row: &MemberRow<'_>, line: Option<u64>, error: &RosterError) -> RowError {
    let mut e = RowError::new(Source::Members, row.row, error)
        .member(Some(MemberId::from(row.member_id)))
        .field(Column::TermStart.as_str(), Some(row.status.term.start.to_string()));
    e.line = line;
    e
}

/// The row read first among a member's kept terms that overlap a term: kept terms never overlap
/// each other, so those that overlap a term are a run of them by start, and a segment tree of
/// the rows finds the first row of any run in O(log n).
struct FirstKept<'a> {
    /// The member's kept terms, by start.
    terms: &'a [TermRecord],
    /// `tree[n + i]` = i; `tree[p]` = whichever of its two children has the lower row.
    tree: Vec<usize>,
}

impl<'a> FirstKept<'a> {
    fn new(terms: &'a [TermRecord]) -> FirstKept<'a> {
        let n = terms.len();
        let mut tree = vec![0; 2 * n];
        for (i, slot) in tree[n..].iter_mut().enumerate() {
            *slot = i;
        }
        let mut first = FirstKept { terms, tree };
        for p in (1..n).rev() {
            first.tree[p] = first.earlier(first.tree[2 * p], first.tree[2 * p + 1]);
        }
        first
    }

    /// Of two kept terms, the one read first.
    fn earlier(&self, a: usize, b: usize) -> usize {
        if self.terms[b].row < self.terms[a].row {
            b
        } else {
            a
        }
    }

    /// The kept term read first among those that overlap `term` (at least one does).
    fn overlapping(&self, term: &Term) -> &'a TermRecord {
        let terms = self.terms;
        let mut lo = terms.partition_point(|k| k.term.end.is_some_and(|end| end < term.start)) + terms.len();
        let mut hi = terms.partition_point(|k| term.end.is_none_or(|end| k.term.start <= end)) + terms.len();
        let mut best = lo - terms.len();
        while lo < hi {
            if lo % 2 == 1 {
                best = self.earlier(best, self.tree[lo]);
                lo += 1;
            }
            if hi % 2 == 1 {
                hi -= 1;
                best = self.earlier(best, self.tree[hi]);
            }
            lo /= 2;
            hi /= 2;
        }
        &terms[best.min(terms.len().saturating_sub(1))]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codes::ErrorCode;
    use crate::status::{Status, StatusOverride};
    use crate::Engine;
    use proptest::prelude::*;
    use time::macros::date;

    const HEADER: &str = "member_id,plan,member_since,term_start,term_end,pending,cancelled_on,deceased_on,\
                          override_status,override_until,amount_paid,currency\n";

    fn engine() -> Engine {
        Engine::from_preset("amscore").expect("the amscore preset compiles")
    }

    fn load(rows: &str) -> Roster {
        Roster::from_csv(engine().rules(), format!("{HEADER}{rows}").as_bytes()).expect("the header is valid")
    }

    /// Loads rows and returns the single problem they produce, checking that it is the only one
    /// and that the accounting holds.
    fn only_problem(rows: &str) -> RowError {
        let roster = load(rows);
        assert_eq!(roster.problems.len(), 1, "{:?}", roster.problems);
        assert_eq!(roster.rows_used() + roster.rows_with_problems(), roster.rows_read);
        roster.problems[0].clone()
    }

    /// Checks a problem's address: `row` counts data rows from 1, as a person reads the file.
    fn assert_problem(p: &RowError, row: usize, field: Option<Column>, value: &str, name: &str) {
        let field = field.map(Column::as_str);
        assert_eq!(
            (p.row + 1, p.field.as_deref(), p.value.as_deref(), p.name.as_str()),
            (row, field, Some(value), name),
            "{p}"
        );
    }

    const GOOD: &str = "M-1,individual,2020-03-01,2025-03-01,2026-02-28,,,,,,200.00,USD\n";

    #[test]
    fn a_valid_history_builds_the_member_from_the_latest_term() {
        let roster = load(
            "M-1,individual,2020-03-01,2025-03-01,2026-02-28,no,,,,,200.00,USD\n\
             M-1,individual,2020-03-01,2024-03-01,2025-02-28,,,,suspended,2025-01-01,200,\n\
             M-2,lifetime,2010-05-05,2010-05-05,,,,,,,3000,usd\n",
        );
        assert_eq!(roster.problems, []);
        assert_eq!((roster.rows_read, roster.rows_used()), (3, 3));
        let m1 = &roster.members[0];
        assert_eq!(m1.terms.iter().map(|t| t.row).collect::<Vec<_>>(), [Some(1), Some(0)]);
        assert_eq!(m1.membership.term, Term { start: date!(2025 - 03 - 01), end: Some(date!(2026 - 02 - 28)) });
        assert_eq!(m1.membership.status_override, None, "facts come from the latest term only");
        assert_eq!(m1.terms[0].amount_paid.map(|m| m.to_string()), Some("200 USD".into()));
        let m2 = &roster.members[1];
        assert_eq!(m2.membership.term, Term::lifetime(date!(2010 - 05 - 05)));
        assert_eq!(m2.terms[0].amount_paid.map(|m| m.to_string()), Some("3000 USD".into()));
    }

    #[test]
    fn facts_columns_reach_the_membership() {
        let roster =
            load("M-1,individual,2020-03-01,2025-03-01,2026-02-28,YES,2026-01-02,2026-03-04,Suspended,2026-05-06,,\n");
        let m = &roster.members[0].membership;
        assert!(m.pending);
        assert_eq!((m.cancelled_on, m.deceased_on), (Some(date!(2026 - 01 - 02)), Some(date!(2026 - 03 - 04))));
        assert_eq!(
            m.status_override,
            Some(StatusOverride { status: Status::Suspended, until: Some(date!(2026 - 05 - 06)) })
        );
    }

    #[test]
    fn member_level_facts_come_from_the_latest_term_then_the_later_row() {
        let text =
            "member_id,plan,member_since,term_start,term_end,auto_renew,balance_due,organization,Attribute.region\n\
                    M-1,individual,2020-03-01,2025-03-01,2026-02-28,yes,10.50,Acme,north\n\
                    M-1,individual,2020-03-01,2024-03-01,2025-02-28,no,0,,south\n";
        let roster = Roster::from_csv(engine().rules(), text.as_bytes()).expect("header is valid");
        assert_eq!(roster.problems, []);
        let m = &roster.members[0];
        assert!(m.auto_renew);
        assert_eq!((m.balance_due.to_string().as_str(), m.organization.as_deref()), ("10.50", Some("Acme")));
        assert_eq!(m.attributes.get("region").map(String::as_str), Some("north"));
        assert_eq!(m.row(), Some(0));
    }

    #[test]
    fn typed_rows_and_csv_text_meet_the_same_checks() {
        let typed = TermRow {
            member_id: "M-1",
            plan: "individual",
            member_since: Cell::Value(date!(2020 - 03 - 01)),
            term_start: Cell::Value(date!(2025 - 03 - 01)),
            term_end: Cell::Text("2025-02-30"),
            balance_due: Cell::Text("-1"),
            ..TermRow::default()
        };
        let roster = Roster::from_rows(engine().rules(), [typed]);
        let got: Vec<(Option<&str>, &str)> =
            roster.problems.iter().map(|p| (p.field.as_deref(), p.name.as_str())).collect();
        assert_eq!(got, [(Some("term_end"), "impossible_date"), (Some("balance_due"), "unparsable_amount")]);
        assert_eq!((roster.problems[0].line, roster.problems[0].row), (None, 0));
    }

    #[test]
    fn header_problems_refuse_the_whole_roster() {
        let e = engine();
        let err = |text: &str| Roster::from_csv(e.rules(), text.as_bytes()).expect_err("header is invalid");
        assert_eq!(
            err("member_id,plan,member_since,term_start\nM-1,individual,2020-01-01,2020-01-01\n"),
            RosterError::MissingColumn { column: "term_end".into() }
        );
        assert_eq!(err("").code(), 1501);
        assert_eq!(
            err("member_id,plan,member_since,term_start,term_end,cancelled_at\n"),
            RosterError::UnknownColumn { column: "cancelled_at".into() }
        );
        assert_eq!(
            err("member_id,plan,member_since,term_start,term_end,Plan\n"),
            RosterError::DuplicateColumn { column: "plan".into() }
        );
    }

    #[test]
    fn header_names_ignore_case_spaces_and_a_byte_order_mark() {
        let text = "\u{feff}Member_ID, PLAN ,member_since,term_start,term_end\nM-1,individual,2020-03-01,2025-03-01,2026-02-28\n";
        let roster = Roster::from_csv(engine().rules(), text.as_bytes()).expect("header is valid");
        assert_eq!((roster.rows_used(), roster.problems.len()), (1, 0));
    }

    #[test]
    fn quoted_values_with_commas_and_quotes_are_read_whole() {
        let text = "member_id,plan,member_since,term_start,term_end\n\"M-1, \"\"the first\"\"\",individual,2020-03-01,2025-03-01,2026-02-28\n";
        let roster = Roster::from_csv(engine().rules(), text.as_bytes()).expect("header is valid");
        assert_eq!(roster.members[0].membership.member_id.0, "M-1, \"the first\"");
    }

    #[test]
    fn missing_value() {
        let p = only_problem(",individual,2020-03-01,2025-03-01,2026-02-28,,,,,,,\n");
        assert_problem(&p, 1, Some(Column::MemberId), "", "missing_value");
        let p = only_problem("M-1,individual,,2025-03-01,2026-02-28,,,,,,,\n");
        assert_problem(&p, 1, Some(Column::MemberSince), "", "missing_value");
        assert_eq!(p.code, 1506);
        let p = only_problem("M-1,individual,2020-03-01,2025-03-01,,,,,,,,\n");
        assert_problem(&p, 1, Some(Column::TermEnd), "", "missing_value");
        let p = only_problem("M-1,individual,2020-03-01,2025-03-01,2026-02-28,,,,,2026-05-01,,\n");
        assert_problem(&p, 1, Some(Column::OverrideStatus), "", "missing_value");
    }

    #[test]
    fn impossible_date() {
        let p = only_problem("M-1,individual,2020-03-01,2025-03-01,2025-02-30,,,,,,,\n");
        assert_problem(&p, 1, Some(Column::TermEnd), "2025-02-30", "impossible_date");
        assert_eq!(p.to_string(), "row 1, term_end `2025-02-30`: not a calendar date (expected YYYY-MM-DD)");
        let p = only_problem(&format!("{GOOD}M-2,individual,03/01/2020,2025-03-01,2026-02-28,,,,,,,\n"));
        assert_problem(&p, 2, Some(Column::MemberSince), "03/01/2020", "impossible_date");
        assert_eq!((p.line, p.member_id.as_ref().map(|m| m.0.as_str())), (Some(3), Some("M-2")));
        let p = only_problem("M-1,individual,2020-03-01,2025-03-01,2026-02-28,,2026-13-01,,,,,\n");
        assert_problem(&p, 1, Some(Column::CancelledOn), "2026-13-01", "impossible_date");
    }

    #[test]
    fn term_end_before_start() {
        let p = only_problem("M-1,individual,2020-03-01,2025-03-01,2025-02-28,,,,,,,\n");
        assert_problem(&p, 1, Some(Column::TermEnd), "2025-02-28", "term_end_before_start");
        assert_eq!(p.message, "term ends on 2025-02-28, before it starts on 2025-03-01");
    }

    #[test]
    fn member_since_after_term_end() {
        let p = only_problem("M-1,individual,2026-03-01,2025-03-01,2026-02-28,,,,,,,\n");
        assert_problem(&p, 1, Some(Column::MemberSince), "2026-03-01", "member_since_after_term_end");
    }

    #[test]
    fn plan_not_in_policy() {
        let p = only_problem("M-1,Individual,2020-03-01,2025-03-01,2026-02-28,,,,,,200.00,USD\n");
        assert_problem(&p, 1, Some(Column::Plan), "Individual", "plan_not_in_policy");
        assert_eq!(p.code, 1509);
        // Without the plan, an empty end is not reported: it could be a lifetime term.
        let p = only_problem("M-1,gold,2020-03-01,2020-03-01,,,,,,,,\n");
        assert_problem(&p, 1, Some(Column::Plan), "gold", "plan_not_in_policy");
    }

    #[test]
    fn lifetime_term_has_end() {
        let p = only_problem("M-1,lifetime,2020-03-01,2020-03-01,2021-02-28,,,,,,,\n");
        assert_problem(&p, 1, Some(Column::TermEnd), "2021-02-28", "lifetime_term_has_end");
    }

    #[test]
    fn overlapping_terms_keep_the_row_read_first() {
        let roster = load(&format!("{GOOD}M-1,individual,2020-03-01,2026-02-01,2027-01-31,,,,,,,\n"));
        assert_eq!(roster.problems.len(), 1);
        let p = &roster.problems[0];
        assert_problem(p, 2, Some(Column::TermStart), "2026-02-01", "overlapping_terms");
        assert_eq!(p.message, "term 2026-02-01..=2027-01-31 overlaps term 2025-03-01..=2026-02-28 of row 1");
        assert_eq!(roster.members[0].terms.len(), 1);
        assert_eq!(roster.members[0].terms[0].row, Some(0));
        // A lifetime term overlaps every later term.
        let p = only_problem(
            "M-1,lifetime,2020-03-01,2020-03-01,,,,,,,,\nM-1,individual,2020-03-01,2025-03-01,2026-02-28,,,,,,,\n",
        );
        assert_problem(&p, 2, Some(Column::TermStart), "2025-03-01", "overlapping_terms");
        // Terms that touch without sharing a day do not overlap.
        let roster = load(&format!("{GOOD}M-1,individual,2020-03-01,2026-03-01,2027-02-28,,,,,,,\n"));
        assert_eq!((roster.problems.len(), roster.members[0].terms.len()), (0, 2));
    }

    #[test]
    fn duplicate_term_record() {
        let p = only_problem(&format!("{GOOD}{GOOD}"));
        assert_problem(&p, 2, Some(Column::TermStart), "2025-03-01", "duplicate_term_record");
        assert_eq!(p.message, RosterError::DuplicateRecord { first_row: 1 }.to_string());
        // The same term start for another member is no duplicate.
        let roster = load(&format!("{GOOD}{}", GOOD.replacen("M-1", "M-2", 1)));
        assert_eq!((roster.problems.len(), roster.members.len()), (0, 2));
    }

    #[test]
    fn wrong_currency() {
        let p = only_problem("M-1,individual,2020-03-01,2025-03-01,2026-02-28,,,,,,200.00,EUR\n");
        assert_problem(&p, 1, Some(Column::Currency), "EUR", "wrong_currency");
        assert_eq!(p.message, "currency EUR is not plan `individual`'s (USD)");
    }

    #[test]
    fn invalid_currency_code() {
        let p = only_problem("M-1,individual,2020-03-01,2025-03-01,2026-02-28,,,,,,200.00,DOLLARS\n");
        assert_problem(&p, 1, Some(Column::Currency), "DOLLARS", "invalid_currency_code");
    }

    #[test]
    fn unparsable_amount() {
        for (amount, reason) in [
            ("$200", "invalid amount: expected a decimal number such as 12.50"),
            ("-5.00", "invalid amount: must not be negative"),
            ("200.001", "invalid amount: more decimals than USD allows (2)"),
        ] {
            let p = only_problem(&format!("M-1,individual,2020-03-01,2025-03-01,2026-02-28,,,,,,{amount},USD\n"));
            assert_problem(&p, 1, Some(Column::AmountPaid), amount, "unparsable_amount");
            assert_eq!(p.message, reason);
        }
    }

    #[test]
    fn unparsable_flag() {
        let p = only_problem("M-1,individual,2020-03-01,2025-03-01,2026-02-28,maybe,,,,,,\n");
        assert_problem(&p, 1, Some(Column::Pending), "maybe", "unparsable_flag");
    }

    #[test]
    fn unparsable_status() {
        let p = only_problem("M-1,individual,2020-03-01,2025-03-01,2026-02-28,,,,on hold,,,\n");
        assert_problem(&p, 1, Some(Column::OverrideStatus), "on hold", "unparsable_status");
    }

    #[test]
    fn malformed_row() {
        let p = only_problem(&format!("{GOOD}M-2,individual,2020-03-01\n"));
        assert_problem(&p, 2, None, "", "malformed_row");
        assert_eq!(p.to_string(), "row 2: malformed row: 3 values, the header has 12 columns");
        let mut bytes = format!("{HEADER}M-1,individual,2020-03-01,2025-03-01,2026-02-28,,,,,,,\n").into_bytes();
        let at = bytes.iter().position(|b| *b == b'M').expect("a member id");
        bytes[at] = 0xff;
        let roster = Roster::from_csv(engine().rules(), &bytes[..]).expect("the header is valid");
        assert_eq!(roster.problems.len(), 1);
        assert_problem(&roster.problems[0], 1, Some(Column::MemberId), "\u{fffd}-1", "malformed_row");
    }

    #[test]
    fn one_row_may_have_several_problems_and_is_counted_once() {
        let roster = load("M-1,gold,2020-02-30,2025-03-01,2025-02-28,perhaps,,,,,x,\n");
        let names: Vec<&str> = roster.problems.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(
            names,
            ["plan_not_in_policy", "impossible_date", "term_end_before_start", "unparsable_flag", "unparsable_amount"]
        );
        assert_eq!((roster.rows_read, roster.rows_with_problems(), roster.rows_used()), (1, 1, 0));
        let counts = roster.problem_counts();
        assert_eq!(
            counts.iter().map(|c| (c.code, c.count)).collect::<Vec<_>>(),
            [(1507, 1), (1508, 1), (1509, 1), (1514, 1), (1515, 1)]
        );
    }

    #[test]
    fn every_row_is_used_or_reported() {
        let roster = load(&format!(
            "{GOOD}{GOOD}M-2,gold,2020-03-01,2025-03-01,2026-02-28,,,,,,,\n\
             M-3,retired,2021-06-01,2025-06-01,2026-05-31,,,,,,90.00,USD\nbroken\n"
        ));
        assert_eq!(roster.rows_read, 5);
        assert_eq!((roster.rows_used(), roster.rows_with_problems()), (2, 3));
        assert_eq!(roster.problems.iter().map(|p| p.row).collect::<Vec<_>>(), [1, 2, 4]);
    }

    #[test]
    fn a_failing_reader_is_unreadable_not_a_panic() {
        struct Failing;
        impl Read for Failing {
            fn read(&mut self, _: &mut [u8]) -> std::io::Result<usize> {
                Err(std::io::Error::other("disk on fire"))
            }
        }
        let err = Roster::from_csv(engine().rules(), Failing).expect_err("the reader fails");
        assert_eq!(err.name(), "roster_unreadable");
        assert!(err.to_string().contains("disk on fire"), "{err}");
    }

    /// One value for each column, drawn from valid and invalid text.
    fn row_strategy() -> impl Strategy<Value = String> {
        let id = prop::sample::select(vec!["M-1", "M-2", "M-3", "", "M-1"]);
        let plan = prop::sample::select(vec!["individual", "lifetime", "chapter", "gold", ""]);
        let date = prop::sample::select(vec!["2024-03-01", "2025-03-01", "2025-02-28", "2026-02-28", "2025-02-30", ""]);
        let flag = prop::sample::select(vec!["", "yes", "maybe"]);
        let amount = prop::sample::select(vec!["", "200.00", "2.001", "x"]);
        let currency = prop::sample::select(vec!["", "USD", "EUR", "XX"]);
        let status = prop::sample::select(vec!["", "suspended", "frozen"]);
        (id, plan, date.clone(), date.clone(), date.clone(), flag, date, status, amount, currency).prop_map(
            |(id, plan, since, start, end, pending, cancelled, status, amount, currency)| {
                format!("{id},{plan},{since},{start},{end},{pending},{cancelled},,{status},,{amount},{currency}\n")
            },
        )
    }

    proptest! {
        #[test]
        fn no_row_is_dropped_silently(rows in prop::collection::vec(row_strategy(), 0..40)) {
            let roster = load(&rows.concat());
            prop_assert_eq!(roster.rows_read, rows.len());
            let mut seen: Vec<usize> =
                roster.members.iter().flat_map(|m| m.terms.iter().filter_map(|t| t.row)).collect();
            let used = seen.len();
            let mut reported: Vec<usize> = roster.problems.iter().map(|p| p.row).collect();
            reported.dedup();
            seen.extend(&reported);
            seen.sort_unstable();
            prop_assert_eq!(seen, (0..rows.len()).collect::<Vec<_>>());
            prop_assert_eq!(used + roster.rows_with_problems(), roster.rows_read);
        }

        #[test]
        fn used_terms_of_a_member_never_overlap(rows in prop::collection::vec(row_strategy(), 0..40)) {
            let roster = load(&rows.concat());
            for m in &roster.members {
                for (i, a) in m.terms.iter().enumerate() {
                    for b in &m.terms[i + 1..] {
                        prop_assert!(!a.term.overlaps(&b.term), "{} and {}", a.term, b.term);
                    }
                }
                prop_assert_eq!(Some(&m.membership.term), m.terms.last().map(|t| &t.term));
            }
        }

        /// Duplicates and overlaps against the row-by-row rule, written the plain quadratic way:
        /// each row is compared with every term of its member kept before it; a duplicate names
        /// the kept row with the same start, an overlap the first kept row it overlaps. Members
        /// here have far more than `FEW_TERMS` terms, so the index and the segment tree are used.
        #[test]
        fn duplicates_and_overlaps_follow_the_row_by_row_rule(
            rows in prop::collection::vec((0..2usize, 0..400i64, prop::option::weighted(0.98, 0..6i64)), 0..160)
        ) {
            let day = |d: i64| date!(2020 - 01 - 01).saturating_add(time::Duration::days(d));
            let mut text = String::new();
            let mut kept: Vec<Vec<(Term, usize)>> = vec![Vec::new(); 2];
            let mut expected: Vec<(usize, String)> = Vec::new();
            for (row, &(member, start, length)) in rows.iter().enumerate() {
                let term = Term { start: day(start), end: length.map(|l| day(start + l)) };
                let (plan, end) = match term.end {
                    Some(end) => ("individual", end.to_string()),
                    None => ("lifetime", String::new()),
                };
                text.push_str(&format!("M-{member},{plan},2019-01-01,{},{end},,,,,,,\n", term.start));
                let terms = &mut kept[member];
                let clash = match terms.iter().find(|(k, _)| k.start == term.start) {
                    Some((_, first)) => Some(RosterError::DuplicateRecord { first_row: first + 1 }),
                    None => terms.iter().find(|(k, _)| k.overlaps(&term)).map(|(other, r)| {
                        RosterError::OverlappingTerm { term, other: *other, other_row: r + 1 }
                    }),
                };
                match clash {
                    Some(error) => expected.push((row, error.to_string())),
                    None => terms.push((term, row)),
                }
            }
            let roster = load(&text);
            let got: Vec<(usize, String)> = roster.problems.iter().map(|p| (p.row, p.message.clone())).collect();
            prop_assert_eq!(got, expected);
            for m in &roster.members {
                let member: usize = m.id().0[2..].parse().map_err(|e| TestCaseError::fail(format!("{e}")))?;
                let mut want = kept[member].clone();
                want.sort_by_key(|(t, row)| (t.start, *row));
                let got: Vec<(Term, usize)> = m.terms.iter().map(|t| (t.term, t.row.unwrap_or(usize::MAX))).collect();
                prop_assert_eq!(&got, &want);
                // The winning row: the latest start.
                prop_assert_eq!(Some(m.membership.term), want.last().map(|(t, _)| *t));
            }
        }
    }

    /// One member with 80,000 terms, some of them repeated or overlapping and read out of order:
    /// every check per row is O(log n), so this loads in well under a second in release (it
    /// took 5 s and more when each row was compared with every other).
    #[test]
    fn a_member_with_eighty_thousand_terms() {
        let day = |d: i64| date!(2000 - 01 - 01).saturating_add(time::Duration::days(d));
        let mut text = String::new();
        // Terms of two days each, every other term written first, then the ones between.
        let n = 80_000i64;
        let order = (0..n).step_by(2).chain((1..n).step_by(2));
        for i in order {
            text.push_str(&format!("M-1,individual,1999-01-01,{},{},,,,,,,\n", day(3 * i), day(3 * i + 1)));
        }
        // Row 80000: the same start as term 10 (row 5); row 80001: spans terms 20..=30, whose
        // first read is term 20 (row 10); row 80002: a lifetime term from term 7's second day,
        // whose first read overlapping term is term 8 (row 4).
        text.push_str(&format!("M-1,individual,1999-01-01,{},{},,,,,,,\n", day(30), day(30)));
        text.push_str(&format!("M-1,individual,1999-01-01,{},{},,,,,,,\n", day(59), day(91)));
        text.push_str(&format!("M-1,lifetime,1999-01-01,{},,,,,,,,\n", day(22)));
        let roster = load(&text);
        assert_eq!((roster.rows_read, roster.rows_used(), roster.members.len()), (80_003, 80_000, 1));
        let got: Vec<(usize, &str)> = roster.problems.iter().map(|p| (p.row, p.message.as_str())).collect();
        let overlap = |t: Term, other: Term, other_row: usize| {
            RosterError::OverlappingTerm { term: t, other, other_row }.to_string()
        };
        let term = |i: i64| Term { start: day(3 * i), end: Some(day(3 * i + 1)) };
        assert_eq!(
            got,
            [
                (80_000, RosterError::DuplicateRecord { first_row: 6 }.to_string().as_str()),
                (80_001, overlap(Term { start: day(59), end: Some(day(91)) }, term(20), 11).as_str()),
                (80_002, overlap(Term::lifetime(day(22)), term(8), 5).as_str()),
            ]
        );
        let m = &roster.members[0];
        assert!(m.terms.windows(2).all(|w| w[0].term.end.is_some_and(|end| end < w[1].term.start)));
        assert_eq!(m.membership.term, term(n - 1));
        assert_eq!(m.row(), Some(usize::try_from(n).unwrap_or(0) - 1));
    }
}
