//! The columnar batch: status and renewal for every row of a roster, computed from flat
//! columns without the GIL. Every row gets a result or an error of its own.

use amscore::{ErrorCode, MemberId, Membership, PlanId, RenewalKind, Status, Term};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict};
use time::Date;

/// The null marker of a date column.
pub(crate) const NULL_DATE: i32 = i32::MIN;
/// The marker of a date cell that could not be read as a date.
pub(crate) const INVALID_DATE: i32 = i32::MIN + 1;
/// The Julian day number of 1970-01-01.
const EPOCH_JULIAN_DAY: i32 = 2_440_588;

/// The status names, in the order of their codes in the `status` result buffer.
pub(crate) const STATUSES: [Status; 9] = [
    Status::Pending,
    Status::New,
    Status::Active,
    Status::Grace,
    Status::Lapsed,
    Status::Expired,
    Status::Cancelled,
    Status::Suspended,
    Status::Deceased,
];

/// The renewal kinds, in the order of their codes in the `renewal_kind` result buffer.
const KINDS: [RenewalKind; 3] = [RenewalKind::Extend, RenewalKind::Reinstate, RenewalKind::Rejoin];

/// A renewal kind's snake_case name.
pub(crate) fn kind_name(kind: RenewalKind) -> &'static str {
    match kind {
        RenewalKind::Extend => "extend",
        RenewalKind::Reinstate => "reinstate",
        RenewalKind::Rejoin => "rejoin",
    }
}

/// The input columns, borrowed from Python bytes objects.
pub(crate) struct Columns<'a> {
    pub(crate) plan_codes: &'a [u8],
    pub(crate) plan_names: &'a [String],
    pub(crate) member_since: &'a [u8],
    pub(crate) term_start: &'a [u8],
    pub(crate) term_end: &'a [u8],
    pub(crate) pending: &'a [u8],
    pub(crate) cancelled_on: &'a [u8],
    pub(crate) deceased_on: &'a [u8],
}

/// The result columns.
pub(crate) struct Output {
    status: Vec<u8>,
    counts_as_member: Vec<u8>,
    renewal_kind: Vec<u8>,
    renewal_plan: Vec<u8>,
    renewal_start: Vec<u8>,
    renewal_end: Vec<u8>,
    renewal_member_since: Vec<u8>,
    refusal_code: Vec<u8>,
    error_code: Vec<u8>,
    error_rows: Vec<u32>,
    error_messages: Vec<String>,
}

fn i32_at(buf: &[u8], row: usize) -> i32 {
    let mut b = [0u8; 4];
    b.copy_from_slice(&buf[row * 4..row * 4 + 4]);
    i32::from_le_bytes(b)
}

fn days(date: Date) -> i32 {
    date.to_julian_day() - EPOCH_JULIAN_DAY
}

/// A row's problem before the core is asked: which code, and the message.
struct RowError {
    code: u32,
    message: String,
}

impl RowError {
    fn of<E: ErrorCode + std::fmt::Display>(err: &E) -> RowError {
        RowError { code: err.code(), message: err.to_string() }
    }
}

/// Reads one date cell; `Ok(None)` for null.
fn date_cell(buf: &[u8], row: usize, column: &str) -> Result<Option<Date>, RowError> {
    if buf.is_empty() {
        return Ok(None);
    }
    match i32_at(buf, row) {
        NULL_DATE => Ok(None),
        INVALID_DATE => {
            let e = amscore::DateError::InvalidDate { text: column.to_owned() };
            Err(RowError { code: e.code(), message: format!("{column}: not a valid date") })
        }
        d => Date::from_julian_day(d.saturating_add(EPOCH_JULIAN_DAY)).map(Some).map_err(|_| {
            let e = amscore::DateError::OutOfRange { what: column.to_owned() };
            RowError { code: e.code(), message: format!("{column}: date out of range") }
        }),
    }
}

/// A required date cell: null is a missing value.
fn required_date(buf: &[u8], row: usize, column: &str) -> Result<Date, RowError> {
    date_cell(buf, row, column)?.ok_or_else(|| missing(column))
}

fn missing(column: &str) -> RowError {
    let e = amscore::gateway::RequestError::MissingField { path: String::new(), field: column.to_owned() };
    RowError { code: e.code(), message: format!("{column}: missing value") }
}

/// Runs status and renewal over every row.
///
/// # Errors
/// A message when the buffers' lengths disagree (a bug in the Python wrapper, not a bad row).
pub(crate) fn run(engine: &amscore::Engine, c: &Columns<'_>, as_of: Date, terms: u32) -> Result<Output, String> {
    let n = c.plan_codes.len() / 4;
    let lengths_ok = c.plan_codes.len() == n * 4
        && [c.member_since, c.term_start, c.term_end].iter().all(|b| b.len() == n * 4)
        && [c.cancelled_on, c.deceased_on].iter().all(|b| b.is_empty() || b.len() == n * 4)
        && (c.pending.is_empty() || c.pending.len() == n);
    if !lengths_ok {
        return Err("batch columns have different lengths".into());
    }
    let plan_ids: Vec<&str> = engine.policy().plans.iter().map(|p| p.id.as_str()).collect();
    let epoch = Date::from_julian_day(EPOCH_JULIAN_DAY).map_err(|e| e.to_string())?;
    let mut templates: Vec<Membership> = c
        .plan_names
        .iter()
        .map(|name| Membership {
            member_id: MemberId(String::new()),
            plan: PlanId::from(name.as_str()),
            member_since: epoch,
            term: Term::lifetime(epoch),
            pending: false,
            cancelled_on: None,
            status_override: None,
            deceased_on: None,
        })
        .collect();
    let mut out = Output {
        status: vec![u8::MAX; n],
        counts_as_member: vec![u8::MAX; n],
        renewal_kind: vec![u8::MAX; n],
        renewal_plan: Vec::with_capacity(n * 4),
        renewal_start: Vec::with_capacity(n * 4),
        renewal_end: Vec::with_capacity(n * 4),
        renewal_member_since: Vec::with_capacity(n * 4),
        refusal_code: Vec::with_capacity(n * 4),
        error_code: Vec::with_capacity(n * 4),
        error_rows: Vec::new(),
        error_messages: Vec::new(),
    };
    for row in 0..n {
        let mut renewal = (-1i32, NULL_DATE, NULL_DATE, NULL_DATE, 0u32);
        let mut error = 0u32;
        match membership_row(c, &mut templates, row) {
            Err(e) => {
                error = e.code;
                out.error_rows.push(u32::try_from(row).unwrap_or(u32::MAX));
                out.error_messages.push(e.message);
            }
            Ok(m) => match engine.status_on(m, as_of) {
                Err(e) => {
                    error = e.code();
                    out.error_rows.push(u32::try_from(row).unwrap_or(u32::MAX));
                    out.error_messages.push(e.to_string());
                }
                Ok(s) => {
                    out.status[row] = STATUSES.iter().position(|x| *x == s.status).map_or(u8::MAX, |i| i as u8);
                    out.counts_as_member[row] = u8::from(s.counts_as_member);
                    match engine.renewal_term(m, as_of, terms) {
                        Ok(r) => {
                            out.renewal_kind[row] =
                                KINDS.iter().position(|k| *k == r.kind).map_or(u8::MAX, |i| i as u8);
                            let plan = plan_ids.iter().position(|p| *p == r.plan.as_str()).map_or(-1, |i| i as i32);
                            renewal =
                                (plan, days(r.term.start), r.term.end.map_or(NULL_DATE, days), days(r.member_since), 0);
                        }
                        Err(e) => renewal.4 = e.code(),
                    }
                }
            },
        }
        out.renewal_plan.extend_from_slice(&renewal.0.to_le_bytes());
        out.renewal_start.extend_from_slice(&renewal.1.to_le_bytes());
        out.renewal_end.extend_from_slice(&renewal.2.to_le_bytes());
        out.renewal_member_since.extend_from_slice(&renewal.3.to_le_bytes());
        out.refusal_code.extend_from_slice(&renewal.4.to_le_bytes());
        out.error_code.extend_from_slice(&error.to_le_bytes());
    }
    Ok(out)
}

/// Fills the row's plan template with the row's facts.
fn membership_row<'t>(
    c: &Columns<'_>,
    templates: &'t mut [Membership],
    row: usize,
) -> Result<&'t Membership, RowError> {
    let code = i32_at(c.plan_codes, row);
    let m = usize::try_from(code).ok().and_then(|i| templates.get_mut(i)).ok_or_else(|| missing("plan"))?;
    m.member_since = required_date(c.member_since, row, "member_since")?;
    let start = required_date(c.term_start, row, "term_start")?;
    let end = date_cell(c.term_end, row, "term_end")?;
    m.term = Term::new(start, end).map_err(|e| RowError::of(&e))?;
    m.pending = c.pending.get(row).is_some_and(|b| *b != 0);
    m.cancelled_on = date_cell(c.cancelled_on, row, "cancelled_on")?;
    m.deceased_on = date_cell(c.deceased_on, row, "deceased_on")?;
    m.check().map_err(|e| RowError::of(&e))?;
    Ok(m)
}

impl Output {
    /// The result buffers as a dict of bytes, plus the name tables the codes index.
    pub(crate) fn into_dict<'py>(self, py: Python<'py>, engine: &amscore::Engine) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("status", PyBytes::new(py, &self.status))?;
        d.set_item("status_names", STATUSES.iter().map(|s| s.as_str()).collect::<Vec<_>>())?;
        d.set_item("counts_as_member", PyBytes::new(py, &self.counts_as_member))?;
        d.set_item("renewal_kind", PyBytes::new(py, &self.renewal_kind))?;
        d.set_item("renewal_kind_names", KINDS.iter().map(|k| kind_name(*k)).collect::<Vec<_>>())?;
        d.set_item("renewal_plan", PyBytes::new(py, &self.renewal_plan))?;
        d.set_item("renewal_plan_names", engine.policy().plans.iter().map(|p| p.id.as_str()).collect::<Vec<_>>())?;
        d.set_item("renewal_start", PyBytes::new(py, &self.renewal_start))?;
        d.set_item("renewal_end", PyBytes::new(py, &self.renewal_end))?;
        d.set_item("renewal_member_since", PyBytes::new(py, &self.renewal_member_since))?;
        d.set_item("refusal_code", PyBytes::new(py, &self.refusal_code))?;
        d.set_item("error_code", PyBytes::new(py, &self.error_code))?;
        d.set_item("error_rows", self.error_rows)?;
        d.set_item("error_messages", self.error_messages)?;
        Ok(d)
    }
}
