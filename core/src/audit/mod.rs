//! An audit of another system's membership export: each record's stored status and dates against
//! what the policy's rules give on a date (`docs/audit.md`).
//!
//! An association moving between systems, or checking its own, exports its memberships. The audit
//! reads a CiviCRM or Tendenci export (CSV text: the core does no I/O), maps each membership type
//! to a plan of the policy, recomputes the record with the rules every other question uses (the
//! plan's term rule for dates, the status table for the status), and lists every field where the
//! stored value disagrees: the field, the stored value, the value the rules give, and the rule
//! that decides. [`write_export`] writes amscore's own members in either format, so that an
//! association can audit its own export (what the main job does), and so that a property can check
//! that amscore's records audit clean.

pub(crate) mod error;

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};
use time::Date;

use crate::cell::Grammar;
use crate::error::Error;
use crate::member::MemberHistory;
use crate::period::{add_days, parse_date, DateRules};
use crate::plan::{Plan, PlanId};
use crate::roster_error::RosterError;
use crate::row_error::{RowError, Source};
use crate::rules::Rulebook;
use crate::status::{MemberId, Membership, Status, StatusOverride};
use crate::term::{CalendarJoinStart, Term, TermRule};

pub use error::AuditError;
pub(crate) use error::AUDIT_ERRORS;

/// The system an export comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExportFormat {
    /// CiviCRM's membership export (CiviMember): the columns are the fields' titles.
    Civicrm,
    /// Tendenci's membership export (`memberships/utils.py`, `process_export`): the columns are
    /// the fields' names.
    Tendenci,
}

impl ExportFormat {
    /// Both formats.
    pub const ALL: [ExportFormat; 2] = [ExportFormat::Civicrm, ExportFormat::Tendenci];

    /// The format's name: `civicrm` or `tendenci`.
    pub fn as_str(self) -> &'static str {
        match self {
            ExportFormat::Civicrm => "civicrm",
            ExportFormat::Tendenci => "tendenci",
        }
    }

    /// The word the format stores for an amscore status (CiviCRM's default status names, Tendenci's
    /// `status_detail` values).
    ///
    /// ```
    /// use amscore::{ExportFormat, Status};
    /// assert_eq!(ExportFormat::Civicrm.status_word(Status::Active), "Current");
    /// assert_eq!(ExportFormat::Tendenci.status_word(Status::Grace), "active");
    /// ```
    pub fn status_word(self, status: Status) -> &'static str {
        match self {
            ExportFormat::Civicrm => match status {
                Status::Pending => "Pending",
                Status::New => "New",
                Status::Active => "Current",
                Status::Grace => "Grace",
                Status::Lapsed | Status::Expired => "Expired",
                Status::Cancelled => "Cancelled",
                Status::Suspended => "Suspended",
                Status::Deceased => "Deceased",
            },
            ExportFormat::Tendenci => match status {
                Status::Pending => "pending",
                Status::New | Status::Active | Status::Grace => "active",
                Status::Lapsed | Status::Expired => "expired",
                Status::Cancelled | Status::Suspended | Status::Deceased => "archive",
            },
        }
    }

    /// Reads a stored status word (any ASCII case) as the amscore status it stands for.
    fn read_status(self, text: &str) -> Result<Status, AuditError> {
        let t = text.to_ascii_lowercase();
        let found = match self {
            ExportFormat::Civicrm => match t.as_str() {
                "new" => Some(Status::New),
                "current" => Some(Status::Active),
                "grace" => Some(Status::Grace),
                "expired" => Some(Status::Expired),
                "pending" => Some(Status::Pending),
                "cancelled" => Some(Status::Cancelled),
                "suspended" => Some(Status::Suspended),
                "deceased" => Some(Status::Deceased),
                _ => None,
            },
            ExportFormat::Tendenci => match t.as_str() {
                "active" => Some(Status::Active),
                "expired" => Some(Status::Expired),
                "pending" => Some(Status::Pending),
                "archive" | "disapproved" => Some(Status::Cancelled),
                _ => None,
            },
        };
        found.ok_or_else(|| AuditError::UnknownStatus {
            status: text.to_owned(),
            format: self.as_str().to_owned(),
            known: match self {
                ExportFormat::Civicrm => "New, Current, Grace, Expired, Pending, Cancelled, Suspended, Deceased",
                ExportFormat::Tendenci => "active, pending, expired, archive, disapproved",
            }
            .to_owned(),
        })
    }
}

/// `civicrm` or `tendenci` (any ASCII case), as a command line or a request names the format.
///
/// ```
/// use amscore::ExportFormat;
/// assert_eq!("CiviCRM".parse::<ExportFormat>(), Ok(ExportFormat::Civicrm));
/// assert_eq!("wild".parse::<ExportFormat>().map_err(|e| e.to_string()),
///            Err("`wild` is not an export format (civicrm, tendenci)".to_owned()));
/// ```
impl std::str::FromStr for ExportFormat {
    type Err = AuditError;
    fn from_str(text: &str) -> Result<ExportFormat, AuditError> {
        ExportFormat::ALL.into_iter().find(|f| f.as_str().eq_ignore_ascii_case(text.trim())).ok_or_else(|| {
            AuditError::UnknownFormat {
                format: text.to_owned(),
                known: ExportFormat::ALL.map(ExportFormat::as_str).join(", "),
            }
        })
    }
}

impl fmt::Display for ExportFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A kind of disagreement between a stored record and the rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DisagreementKind {
    /// The stored status is not the status the status table gives on the date.
    StatusDiffers,
    /// The stored term start is not where the plan's term rule starts a term (a calendar plan's
    /// term starts on its period's first day).
    StartDateDiffers,
    /// The stored end is not an end the plan's term rule gives from the term's start (the first
    /// term, then each renewal from the previous end; a lifetime plan has no end).
    EndDateDiffers,
    /// The member joined after the term (or renewal) the record holds began.
    JoinAfterStart,
    /// A status override whose end date has passed is still set.
    OverrideExpired,
    /// A Pending membership with no payment outstanding (CiviCRM: not pay-later).
    PendingWithoutPayment,
}

impl DisagreementKind {
    /// Every kind, in the order the summary lists them.
    pub const ALL: [DisagreementKind; 6] = [
        DisagreementKind::StatusDiffers,
        DisagreementKind::StartDateDiffers,
        DisagreementKind::EndDateDiffers,
        DisagreementKind::JoinAfterStart,
        DisagreementKind::OverrideExpired,
        DisagreementKind::PendingWithoutPayment,
    ];

    /// The kind's stable snake_case name (`"end_date_differs"`).
    pub fn as_str(self) -> &'static str {
        match self {
            DisagreementKind::StatusDiffers => "status_differs",
            DisagreementKind::StartDateDiffers => "start_date_differs",
            DisagreementKind::EndDateDiffers => "end_date_differs",
            DisagreementKind::JoinAfterStart => "join_after_start",
            DisagreementKind::OverrideExpired => "override_expired",
            DisagreementKind::PendingWithoutPayment => "pending_without_payment",
        }
    }

    /// The rule that decides this kind: a short stable code and a sentence.
    ///
    /// ```
    /// assert_eq!(amscore::DisagreementKind::EndDateDiffers.rule().0, "term_rule_end");
    /// ```
    pub fn rule(self) -> (&'static str, &'static str) {
        match self {
            DisagreementKind::StatusDiffers => (
                "status_table",
                "the status on a date is the first status rule of the policy that matches the membership's facts",
            ),
            DisagreementKind::StartDateDiffers => (
                "term_rule_start",
                "a term starts where the plan's term rule puts it: a calendar plan's term on its period's first day",
            ),
            DisagreementKind::EndDateDiffers => (
                "term_rule_end",
                "a term ends where the plan's term rule puts it: the first term from its start, each renewal from \
                 the previous end; a lifetime plan's term has no end",
            ),
            DisagreementKind::JoinAfterStart => (
                "member_since_first",
                "member since is the first day of membership: no term held begins before the join",
            ),
            DisagreementKind::OverrideExpired => (
                "override_until",
                "a status override holds through its end date; after it the status is computed again",
            ),
            DisagreementKind::PendingWithoutPayment => (
                "pending_awaits_payment",
                "a Pending membership awaits a payment: in a CiviCRM export, a pay-later contribution",
            ),
        }
    }
}

impl fmt::Display for DisagreementKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One field of one record where the stored value disagrees with the rules.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Disagreement {
    /// The export row, counted from 0 (the header not counted).
    pub row: usize,
    /// The file line the row starts on (1-based, the header is line 1).
    pub line: u64,
    /// The member (CiviCRM `Contact ID`, Tendenci `member_number` or else `username`).
    pub member_id: MemberId,
    /// The plan the record's membership type maps to.
    pub plan: PlanId,
    /// The kind of disagreement.
    pub kind: DisagreementKind,
    /// The field (the export's column name).
    pub field: String,
    /// The stored value, as written (empty when the field is empty).
    pub stored: String,
    /// The value the rules give, in the export's words (a date, a status word, a flag; a bound is
    /// written `on or before YYYY-MM-DD`; empty for "no value").
    pub expected: String,
    /// The rule's stable code (see [`DisagreementKind::rule`]).
    pub rule: &'static str,
    /// The rule, as a sentence.
    pub rule_text: &'static str,
}

/// How many disagreements of one kind an audit found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct KindCount {
    /// The kind.
    pub kind: DisagreementKind,
    /// Disagreements of this kind.
    pub count: usize,
}

/// The answer of an audit: every disagreement, the summary by kind, and the rows that could not
/// be audited.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditReport {
    /// The export's format.
    pub format: ExportFormat,
    /// The date the records were recomputed on.
    #[serde(with = "crate::period::date_text")]
    pub as_of: Date,
    /// Data rows in the export.
    pub records: usize,
    /// Rows audited (the others have problems).
    pub audited: usize,
    /// Audited rows with at least one disagreement.
    pub records_with_disagreements: usize,
    /// Every disagreement, by row, then in the order of [`DisagreementKind::ALL`].
    pub disagreements: Vec<Disagreement>,
    /// Disagreements per kind, every kind listed (zero included), in the order of
    /// [`DisagreementKind::ALL`].
    pub summary: Vec<KindCount>,
    /// Rows that could not be audited, with their field and value.
    pub problems: Vec<RowError>,
}

/// CiviCRM's status override (`is_override`): no, permanent, or until a date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Override {
    No,
    Permanent,
    UntilDate,
}

impl Override {
    /// `0/1/2`, yes/no, or CiviCRM's option labels (`CRM_Member_StatusOverrideTypes`).
    fn read(text: &str) -> Result<Override, AuditError> {
        match text.to_ascii_lowercase().as_str() {
            "" | "0" | "no" | "n" | "false" => Ok(Override::No),
            "1" | "yes" | "y" | "true" | "override permanently" => Ok(Override::Permanent),
            "2" | "override until selected date" => Ok(Override::UntilDate),
            _ => Err(AuditError::InvalidOverride),
        }
    }
}

/// The columns a format's audit reads, as positions in the header.
struct Columns {
    names: Vec<String>,
    member: Vec<usize>,
    kind: usize,
    since: usize,
    start: Option<usize>,
    renew: Option<usize>,
    end: usize,
    status: usize,
    override_flag: Option<usize>,
    override_end: Option<usize>,
    pay_later: Option<usize>,
}

impl Columns {
    fn read(format: ExportFormat, header: &csv::StringRecord) -> Result<Columns, AuditError> {
        let names: Vec<String> = header.iter().map(|h| h.trim().trim_start_matches('\u{feff}').to_owned()).collect();
        let find = |accepted: &[&str]| -> Result<Option<usize>, AuditError> {
            let mut found = None;
            for (i, name) in names.iter().enumerate() {
                if accepted.iter().any(|a| a.eq_ignore_ascii_case(name)) {
                    if found.is_some() {
                        return Err(AuditError::DuplicateColumn { column: name.clone() });
                    }
                    found = Some(i);
                }
            }
            Ok(found)
        };
        let need = |accepted: &[&str]| -> Result<usize, AuditError> {
            find(accepted)?.ok_or_else(|| AuditError::MissingColumn {
                column: accepted.join("/"),
                format: format.as_str().to_owned(),
            })
        };
        Ok(match format {
            ExportFormat::Civicrm => Columns {
                member: vec![need(&["Contact ID"])?],
                kind: need(&["Membership Type"])?,
                since: need(&["Member Since"])?,
                start: Some(need(&["Membership Start Date"])?),
                renew: None,
                end: need(&["Membership Expiration Date", "Membership End Date"])?,
                status: need(&["Membership Status", "Status"])?,
                override_flag: find(&["Status Override"])?,
                override_end: find(&["Status Override End Date"])?,
                pay_later: find(&["Is Pay Later", "Pay Later"])?,
                names,
            },
            ExportFormat::Tendenci => {
                let member: Vec<usize> =
                    [find(&["member_number"])?, find(&["username"])?].into_iter().flatten().collect();
                if member.is_empty() {
                    return Err(AuditError::MissingColumn {
                        column: "member_number/username".into(),
                        format: format.as_str().to_owned(),
                    });
                }
                Columns {
                    member,
                    kind: need(&["membership_type"])?,
                    since: need(&["join_dt"])?,
                    start: None,
                    renew: find(&["renew_dt"])?,
                    end: need(&["expire_dt"])?,
                    status: need(&["status_detail"])?,
                    override_flag: None,
                    override_end: None,
                    pay_later: None,
                    names,
                }
            }
        })
    }
}

/// A date as an export writes it: `YYYY-MM-DD`, or a date-time `YYYY-MM-DD HH:MM[:SS]` (also with
/// `T`) whose time is dropped: amscore's dates are calendar dates.
fn export_date(text: &str) -> Result<Date, RosterError> {
    let (day, time) = match text.split_once([' ', 'T']) {
        Some((d, t)) => (d, Some(t)),
        None => (text, None),
    };
    let time_ok = time.is_none_or(|t| {
        let parts: Vec<&str> = t.split(':').collect();
        (2..=3).contains(&parts.len())
            && parts.iter().all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit() || c == '.'))
    });
    match (parse_date(day), time_ok) {
        (Ok(d), true) => Ok(d),
        _ => Err(RosterError::InvalidDate),
    }
}

/// An error of a row, of any family (the roster's cell errors, the audit's own).
trait ErrorCodeDisplay {
    fn row_error(&self, row: usize) -> RowError;
}

impl<E: crate::codes::ErrorCode + fmt::Display> ErrorCodeDisplay for E {
    fn row_error(&self, row: usize) -> RowError {
        RowError::new(Source::Members, row, self)
    }
}

/// One export row, read.
struct Record {
    row: usize,
    line: u64,
    member_id: MemberId,
    plan: PlanId,
    since: Date,
    start: Option<Date>,
    renew: Option<Date>,
    end: Option<Date>,
    end_text: String,
    status: Status,
    status_text: String,
    override_flag: Override,
    override_text: String,
    override_end: Option<Date>,
    pay_later: Option<(bool, String)>,
}

/// Reads one row; every problem of the row is reported.
fn read_record(
    rules: &Rulebook,
    format: ExportFormat,
    cols: &Columns,
    types: &BTreeMap<String, PlanId>,
    row: usize,
    line: u64,
    rec: &csv::StringRecord,
) -> Result<Record, Vec<RowError>> {
    let get = |i: usize| rec.get(i).unwrap_or("").trim();
    let member = cols.member.iter().map(|&i| get(i)).find(|v| !v.is_empty()).unwrap_or("");
    let member_id = (!member.is_empty()).then(|| MemberId(member.to_owned()));
    let mut problems: Vec<RowError> = Vec::new();
    let mut problem = |i: usize, err: RowError| {
        problems.push(err.member(member_id.clone()).field(cols.names[i].clone(), Some(get(i).to_owned())).line(line));
    };
    let at = |e: &dyn ErrorCodeDisplay| e.row_error(row);
    if member_id.is_none() {
        problem(cols.member[0], at(&RosterError::MissingValue));
    }
    let date = |i: usize, required: bool, problem: &mut dyn FnMut(usize, RowError)| {
        let text = get(i);
        if text.is_empty() {
            if required {
                problem(i, at(&RosterError::MissingValue));
            }
            return None;
        }
        match export_date(text) {
            Ok(d) => Some(d),
            Err(e) => {
                problem(i, at(&e));
                None
            }
        }
    };
    let since = date(cols.since, true, &mut problem);
    let start = cols.start.and_then(|i| date(i, true, &mut problem));
    let renew = cols.renew.and_then(|i| date(i, false, &mut problem));
    let end = date(cols.end, false, &mut problem);
    let override_end = cols.override_end.and_then(|i| date(i, false, &mut problem));
    let type_name = get(cols.kind);
    let plan = if type_name.is_empty() {
        problem(cols.kind, at(&RosterError::MissingValue));
        None
    } else {
        let plan = plan_for(rules, types, type_name);
        if plan.is_none() {
            problem(cols.kind, at(&AuditError::UnknownType { type_name: type_name.to_owned() }));
        }
        plan
    };
    let status_text = get(cols.status);
    let status = match format.read_status(status_text) {
        Ok(s) => Some(s),
        Err(e) => {
            problem(cols.status, at(&e));
            None
        }
    };
    let override_text = cols.override_flag.map(get).unwrap_or("");
    let override_flag = match Override::read(override_text) {
        Ok(o) => Some(o),
        Err(e) => {
            if let Some(i) = cols.override_flag {
                problem(i, at(&e));
            }
            None
        }
    };
    let pay_later = match cols.pay_later.map(|i| (i, get(i))) {
        Some((_, "")) | None => None,
        Some((i, text)) => match bool::parse(text) {
            Ok(b) => Some((b, text.to_owned())),
            Err(_) => {
                problem(i, at(&RosterError::InvalidFlag));
                None
            }
        },
    };
    match (member_id, since, plan, status, override_flag) {
        (Some(member_id), Some(since), Some(plan), Some(status), Some(override_flag))
            if problems.is_empty() && (cols.start.is_none() || start.is_some()) =>
        {
            Ok(Record {
                row,
                line,
                member_id,
                plan,
                since,
                start,
                renew,
                end,
                end_text: get(cols.end).to_owned(),
                status,
                status_text: status_text.to_owned(),
                override_flag,
                override_text: override_text.to_owned(),
                override_end,
                pay_later,
            })
        }
        _ => Err(problems),
    }
}

/// The plan an export type maps to: the type map's entry, else a plan whose id or name is the type
/// (any ASCII case).
fn plan_for(rules: &Rulebook, types: &BTreeMap<String, PlanId>, type_name: &str) -> Option<PlanId> {
    if let Some(plan) = types.get(type_name) {
        return Some(plan.clone());
    }
    rules
        .plans()
        .iter()
        .find(|p| p.id.as_str().eq_ignore_ascii_case(type_name) || p.name.eq_ignore_ascii_case(type_name))
        .map(|p| p.id.clone())
}

/// The ends of the terms the plan's rule lays out from a term starting on `anchor`: the first
/// term, then each renewal from the previous end, until one reaches `until` (at most 1,000).
fn chain_ends(rule: &TermRule, anchor: Date, until: Date, dates: DateRules) -> Vec<Date> {
    let mut ends = Vec::new();
    let Some(mut end) = rule.first_term(anchor, 1, dates).ok().and_then(|j| j.term.end) else {
        return ends;
    };
    ends.push(end);
    while end < until && ends.len() < 1000 {
        match rule.next_term(end, 1, dates).ok().flatten().and_then(|t| t.end) {
            Some(next) if next > end => {
                end = next;
                ends.push(end);
            }
            _ => break,
        }
    }
    ends
}

/// Audits one record: every disagreement, or the reason its status cannot be computed.
fn audit_record(
    rules: &Rulebook,
    format: ExportFormat,
    cols: &Columns,
    rec: &Record,
    as_of: Date,
) -> Result<Vec<Disagreement>, AuditError> {
    let plan: &Plan = rules.plan(&rec.plan).map_err(|e| AuditError::NoStatus { message: e.to_string() })?;
    let dates = rules.date_rules();
    let mut found = Vec::new();
    let mut add = |kind: DisagreementKind, column: usize, stored: &str, expected: String| {
        let (rule, rule_text) = kind.rule();
        found.push(Disagreement {
            row: rec.row,
            line: rec.line,
            member_id: rec.member_id.clone(),
            plan: rec.plan.clone(),
            kind,
            field: cols.names[column].clone(),
            stored: stored.to_owned(),
            expected,
            rule,
            rule_text,
        });
    };
    let first_start = |d: Date| plan.term.first_term(d, 1, dates).map(|j| j.term.start).unwrap_or(d);

    // Where the record's term starts (CiviCRM: the stored start; Tendenci: the renewal, else the
    // join), and the anchors its end may be counted from.
    let (start, anchors) = match format {
        ExportFormat::Civicrm => {
            let stored = rec.start.unwrap_or(rec.since);
            let expected = first_start(stored);
            if expected != stored {
                if let Some(i) = cols.start {
                    add(DisagreementKind::StartDateDiffers, i, &stored.to_string(), expected.to_string());
                }
            }
            // The join's own first term too: a join on or after a calendar plan's rollover day
            // gets a longer first term than one counted from the period's start.
            (stored, vec![expected, rec.since])
        }
        ExportFormat::Tendenci => {
            let mut anchors = vec![rec.since];
            anchors.extend(rec.renew);
            (rec.renew.unwrap_or(rec.since), anchors)
        }
    };

    // Member since: no term held begins before the join. A calendar plan that starts terms on the
    // period's first day accepts a join anywhere in the start's first period.
    let bound = match &plan.term {
        TermRule::Calendar { join_start: CalendarJoinStart::PeriodStart, .. } if format == ExportFormat::Civicrm => {
            plan.term.first_term(start, 1, dates).ok().and_then(|j| j.term.end).unwrap_or(start)
        }
        _ => start,
    };
    if rec.since > bound {
        add(DisagreementKind::JoinAfterStart, cols.since, &rec.since.to_string(), format!("on or before {bound}"));
    }

    // The end: an end of the term rule's chain from an anchor; none on a lifetime plan.
    let expected_end = if plan.is_lifetime() {
        None
    } else {
        let until = rec.end.unwrap_or(as_of).max(as_of);
        let ends: Vec<Date> = anchors.iter().flat_map(|&a| chain_ends(&plan.term, a, until, dates)).collect();
        match rec.end {
            Some(stored) => ends.into_iter().min_by_key(|d| ((*d - stored).whole_days().abs(), *d)).or(Some(stored)),
            None => ends.iter().copied().filter(|d| *d >= as_of).min().or_else(|| ends.iter().copied().max()),
        }
    };
    if expected_end != rec.end {
        add(
            DisagreementKind::EndDateDiffers,
            cols.end,
            &rec.end_text,
            expected_end.map(|d| d.to_string()).unwrap_or_default(),
        );
    }

    // The override's end.
    if rec.override_flag == Override::UntilDate {
        if let (Some(until), Some(i)) = (rec.override_end, cols.override_flag) {
            if until < as_of {
                add(DisagreementKind::OverrideExpired, i, &rec.override_text, "0".into());
            }
        }
    }

    // A Pending record awaits a payment.
    if let (Status::Pending, Some((false, text)), Some(i)) = (rec.status, &rec.pay_later, cols.pay_later) {
        add(DisagreementKind::PendingWithoutPayment, i, text, "1".into());
    }

    // The status on the date, from the stored facts (cancellation, suspension and death are facts
    // staff record; the export does not date them, so they are taken as given).
    if !matches!(rec.status, Status::Cancelled | Status::Suspended | Status::Deceased) {
        let end = if plan.is_lifetime() { None } else { rec.end.filter(|e| *e >= start).or(expected_end) };
        let start = end.map_or(start, |e| start.min(e));
        let member_since = end.map_or(rec.since, |e| rec.since.min(e));
        let status_override = (rec.override_flag != Override::No).then_some(StatusOverride {
            status: rec.status,
            until: if rec.override_flag == Override::UntilDate { rec.override_end } else { None },
        });
        let membership = Membership {
            member_id: rec.member_id.clone(),
            plan: rec.plan.clone(),
            member_since,
            term: Term { start, end },
            pending: rec.status == Status::Pending,
            cancelled_on: None,
            status_override,
            deceased_on: None,
            tax_exempt: false,
        };
        let computed =
            rules.status_on(&membership, as_of).map_err(|e| AuditError::NoStatus { message: e.to_string() })?;
        let word = format.status_word(computed.status);
        if word != format.status_word(rec.status) {
            add(DisagreementKind::StatusDiffers, cols.status, &rec.status_text, word.to_owned());
        }
    }
    found.sort_by_key(|d| d.kind);
    Ok(found)
}

/// Audits an export: reads `text` in `format`, maps each membership type to a plan (`types`
/// first, else a plan whose id or name is the type), recomputes each record on `as_of`, and lists
/// every disagreement with the rule that decides it.
///
/// ```
/// use amscore::{audit_export, ExportFormat, Engine};
/// use time::macros::date;
/// let engine = Engine::from_preset("civicrm")?;
/// let export = "Contact ID,Membership Type,Member Since,Membership Start Date,Membership Expiration Date,Membership Status\n\
///               101,General,2024-01-15,2024-01-15,2025-01-15,Current\n";
/// let report = audit_export(engine.rules(), ExportFormat::Civicrm, export, date!(2024-06-01), &Default::default())?;
/// let d = &report.disagreements[0];
/// assert_eq!((d.kind.as_str(), d.stored.as_str(), d.expected.as_str()), ("end_date_differs", "2025-01-15", "2025-01-14"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// [`AuditError`] when the header lacks a column the format needs, names one twice, the text is
/// not CSV, or `types` names a plan the policy lacks. A bad row is a problem of the report.
pub fn audit_export(
    rules: &Rulebook,
    format: ExportFormat,
    text: &str,
    as_of: Date,
    types: &BTreeMap<String, PlanId>,
) -> Result<AuditReport, AuditError> {
    for (type_name, plan) in types {
        if rules.plan(plan).is_err() {
            return Err(AuditError::TypeMapUnknownPlan { type_name: type_name.clone(), plan: plan.to_string() });
        }
    }
    let mut reader = csv::ReaderBuilder::new().has_headers(true).flexible(true).from_reader(text.as_bytes());
    let header = reader.headers().map_err(|e| AuditError::Unreadable { message: e.to_string() })?.clone();
    let cols = Columns::read(format, &header)?;
    let mut report = AuditReport {
        format,
        as_of,
        records: 0,
        audited: 0,
        records_with_disagreements: 0,
        disagreements: Vec::new(),
        summary: Vec::new(),
        problems: Vec::new(),
    };
    let mut rec = csv::StringRecord::new();
    loop {
        let row = report.records;
        let more = match reader.read_record(&mut rec) {
            Ok(more) => more,
            Err(e) => {
                let line = e.position().map_or(0, csv::Position::line);
                let err = RosterError::MalformedRow { message: e.to_string() };
                report.problems.push(RowError::new(Source::Members, row, &err).line(line));
                report.records += 1;
                if matches!(e.kind(), csv::ErrorKind::Io(_)) {
                    break;
                }
                continue;
            }
        };
        if !more {
            break;
        }
        report.records += 1;
        let line = rec.position().map_or(0, csv::Position::line);
        if rec.iter().all(|c| c.trim().is_empty()) {
            report.records -= 1;
            continue;
        }
        match read_record(rules, format, &cols, types, row, line, &rec) {
            Err(problems) => report.problems.extend(problems),
            Ok(record) => match audit_record(rules, format, &cols, &record, as_of) {
                Ok(found) => {
                    report.audited += 1;
                    report.records_with_disagreements += usize::from(!found.is_empty());
                    report.disagreements.extend(found);
                }
                Err(e) => report
                    .problems
                    .push(RowError::new(Source::Members, row, &e).member(Some(record.member_id.clone())).line(line)),
            },
        }
    }
    report.summary = DisagreementKind::ALL
        .into_iter()
        .map(|kind| KindCount { kind, count: report.disagreements.iter().filter(|d| d.kind == kind).count() })
        .collect();
    Ok(report)
}

/// The first day of the member's latest run of contiguous terms (CiviCRM's `start_date`, "the
/// beginning of the current uninterrupted membership period").
fn run_start(member: &MemberHistory) -> Date {
    let history = member.history();
    let current = member.membership.term;
    let Some(mut i) = history.iter().position(|t| *t == current) else {
        return current.start;
    };
    while i > 0 && history[i - 1].end.and_then(|e| add_days(e, 1).ok()) == Some(history[i].start) {
        i -= 1;
    }
    history[i].start
}

/// Writes amscore's members as an export of `format`, with the status each has on `as_of`, each
/// plan's id as the membership type. Auditing the text on the same date finds no disagreement
/// (`core/tests/audit.rs` checks it as an invariant).
///
/// CiviCRM: the start is the first day of the latest run of contiguous terms; `Is Pay Later` is
/// the pending flag; an override still held on `as_of` is written `1` (permanent) or `2` with its
/// end date (one that has ended is not written, as CiviCRM's scheduled job clears it). Tendenci:
/// no override (the status written is the one the dates give); `renew_dt` is the current term's
/// start when the member has renewed, date-times are written
/// `YYYY-MM-DD HH:MM:SS` as Tendenci's export does.
///
/// # Errors
/// The [`Error`] of a member whose status cannot be computed on `as_of`.
pub fn write_export(
    rules: &Rulebook,
    format: ExportFormat,
    members: &[MemberHistory],
    as_of: Date,
) -> Result<String, Error> {
    let mut out = csv::Writer::from_writer(Vec::new());
    let header: &[&str] = match format {
        ExportFormat::Civicrm => &[
            "Contact ID",
            "Membership Type",
            "Member Since",
            "Membership Start Date",
            "Membership Expiration Date",
            "Membership Status",
            "Status Override",
            "Status Override End Date",
            "Is Pay Later",
        ],
        ExportFormat::Tendenci => &[
            "member_number",
            "username",
            "membership_type",
            "join_dt",
            "renew_dt",
            "expire_dt",
            "renewal",
            "status",
            "status_detail",
        ],
    };
    let csv_error = |e: csv::Error| Error::from(RosterError::Unreadable { message: e.to_string() });
    out.write_record(header).map_err(csv_error)?;
    for member in members {
        let m = &member.membership;
        // Tendenci has no status override: its status is the one the dates give.
        let status = match format {
            ExportFormat::Civicrm => rules.status_on(m, as_of)?,
            ExportFormat::Tendenci => rules.status_on(&Membership { status_override: None, ..m.clone() }, as_of)?,
        };
        let word = format.status_word(status.status);
        let end = m.term.end.map(|d| d.to_string()).unwrap_or_default();
        let row: Vec<String> = match format {
            ExportFormat::Civicrm => {
                // An override whose end has passed is no longer held: CiviCRM's scheduled job
                // clears it, and the status written is the computed one.
                let held = m.status_override.filter(|o| o.until.is_none_or(|u| u >= as_of));
                let (flag, until) = match held {
                    None => ("0", String::new()),
                    Some(StatusOverride { until: None, .. }) => ("1", String::new()),
                    Some(StatusOverride { until: Some(u), .. }) => ("2", u.to_string()),
                };
                vec![
                    m.member_id.to_string(),
                    m.plan.to_string(),
                    m.member_since.to_string(),
                    run_start(member).to_string(),
                    end,
                    word.to_owned(),
                    flag.to_owned(),
                    until,
                    if m.pending { "1" } else { "0" }.to_owned(),
                ]
            }
            ExportFormat::Tendenci => {
                let renewed = member.history().len() > 1;
                let stamp = |d: Date| format!("{d} 00:00:00");
                vec![
                    m.member_id.to_string(),
                    m.member_id.to_string(),
                    m.plan.to_string(),
                    stamp(m.member_since),
                    if renewed { stamp(m.term.start) } else { String::new() },
                    m.term.end.map(stamp).unwrap_or(end),
                    if renewed { "True" } else { "False" }.to_owned(),
                    "True".to_owned(),
                    word.to_owned(),
                ]
            }
        };
        out.write_record(&row).map_err(csv_error)?;
    }
    let bytes = out.into_inner().map_err(|e| Error::from(RosterError::Unreadable { message: e.to_string() }))?;
    String::from_utf8(bytes).map_err(|e| Error::from(RosterError::Unreadable { message: e.to_string() }))
}

/// An audit as text for a person: the counts, the summary by kind, then each disagreement and each
/// problem, one line each (what the main job and the command line print).
///
/// ```
/// use amscore::{audit_export, format_audit, Engine, ExportFormat};
/// use time::macros::date;
/// let engine = Engine::from_preset("civicrm")?;
/// let export = "Contact ID,Membership Type,Member Since,Membership Start Date,Membership Expiration Date,Membership Status\n\
///               101,General,2024-01-15,2024-01-15,2025-01-15,Current\n";
/// let report = audit_export(engine.rules(), ExportFormat::Civicrm, export, date!(2024 - 06 - 01), &Default::default())?;
/// let text = format_audit(&report);
/// assert!(text.contains("row 1, member 101: end_date_differs: Membership Expiration Date `2025-01-15`, the rules give `2025-01-14` (term_rule_end)"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn format_audit(report: &AuditReport) -> String {
    use std::fmt::Write as _;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "audit of a {} export on {}: {} records, {} audited, {} with disagreements, {} not audited",
        report.format,
        report.as_of,
        report.records,
        report.audited,
        report.records_with_disagreements,
        report.records - report.audited
    );
    for k in &report.summary {
        let _ = writeln!(out, "  {:<24} {:>6}", k.kind.as_str(), k.count);
    }
    for d in &report.disagreements {
        let _ = writeln!(
            out,
            "  row {}, member {}: {}: {} `{}`, the rules give `{}` ({})",
            d.row + 1,
            d.member_id,
            d.kind,
            d.field,
            d.stored,
            d.expected,
            d.rule
        );
    }
    for p in &report.problems {
        let _ = writeln!(out, "  not audited: {p} ({})", p.name);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codes::ErrorCode;
    use time::macros::date;

    #[test]
    fn export_dates_are_dates_or_date_times_whose_time_is_dropped() {
        assert_eq!(export_date("2025-03-01"), Ok(date!(2025 - 03 - 01)));
        assert_eq!(export_date("2025-03-01 10:20:30"), Ok(date!(2025 - 03 - 01)));
        assert_eq!(export_date("2025-03-01T10:20"), Ok(date!(2025 - 03 - 01)));
        for bad in ["2025-02-30", "2025-03-01 noon", "01/03/2025", "2025-03-01 10", "2025-03-01 :"] {
            assert_eq!(export_date(bad), Err(RosterError::InvalidDate), "{bad}");
        }
    }

    #[test]
    fn every_status_word_reads_back_as_a_status_with_the_same_word() {
        for format in ExportFormat::ALL {
            for status in Status::ALL {
                let word = format.status_word(status);
                let read = format.read_status(&word.to_ascii_uppercase()).expect(word);
                assert_eq!(format.status_word(read), word, "{format} {status}");
            }
        }
        assert_eq!(ExportFormat::Tendenci.read_status("Current").map_err(|e| e.code()), Err(5206));
    }

    #[test]
    fn overrides_read_civicrms_values_and_labels() {
        assert_eq!(Override::read(""), Ok(Override::No));
        assert_eq!(Override::read("No"), Ok(Override::No));
        assert_eq!(Override::read("1"), Ok(Override::Permanent));
        assert_eq!(Override::read("Override Permanently"), Ok(Override::Permanent));
        assert_eq!(Override::read("2"), Ok(Override::UntilDate));
        assert_eq!(Override::read("Override Until Selected Date"), Ok(Override::UntilDate));
        assert_eq!(Override::read("3"), Err(AuditError::InvalidOverride));
    }

    #[test]
    fn the_chain_of_a_rolling_year_counts_each_renewal_from_the_previous_end() {
        let rule = TermRule::Rolling { length: crate::period::Length::new(1, crate::period::Unit::Year) };
        let ends = chain_ends(&rule, date!(2023 - 05 - 10), date!(2025 - 05 - 01), DateRules::default());
        assert_eq!(ends, [date!(2024 - 05 - 09), date!(2025 - 05 - 09)]);
        assert!(chain_ends(&TermRule::Lifetime, date!(2023 - 05 - 10), date!(2030 - 01 - 01), DateRules::default())
            .is_empty());
    }
}
