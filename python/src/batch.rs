//! The columnar batch: status, renewal, renewal quote (and optionally the self-service decision) for every row of a roster, computed from flat
//! columns without the GIL. Every row gets a result or an error of its own.

use amscore::{
    Action, ErrorCode, MemberFacts, MemberId, Membership, PlanId, QuoteKind, RenewalKind, Route, SelfServiceRequest,
    Status, Term,
};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict};
use time::{Date, PrimitiveDateTime, Time};

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

/// A validity bitmap in Arrow's layout (bit `i % 8` of byte `i / 8`, set when valid).
struct Validity(Vec<u8>);

impl Validity {
    fn new(n: usize) -> Validity {
        Validity(vec![0; n.div_ceil(8)])
    }
    fn set(&mut self, row: usize) {
        self.0[row / 8] |= 1 << (row % 8);
    }
}

/// The result columns, in Arrow's memory layout, so that Python wraps them without copying.
pub(crate) struct Output {
    n: usize,
    status: Vec<i8>,
    status_valid: Validity,
    counts_as_member: Validity,
    renewal_kind: Vec<i8>,
    renewal_valid: Validity,
    renewal_plan: Vec<i16>,
    renewal_start: Vec<i32>,
    renewal_end: Vec<i32>,
    renewal_end_valid: Validity,
    renewal_member_since: Vec<i32>,
    refusal: Vec<i16>,
    refusal_valid: Validity,
    error_code: Vec<i16>,
    error_name: Vec<i16>,
    error_valid: Validity,
    error_offsets: Vec<i32>,
    error_text: Vec<u8>,
    quote_total: Vec<i128>,
    quote_currency: Vec<i8>,
    quote_valid: Validity,
    quote_error: Vec<i16>,
    quote_error_valid: Validity,
    route: Vec<i8>,
    route_valid: Validity,
    reason_offsets: Vec<i32>,
    reason_text: Vec<u8>,
    currencies: Vec<String>,
    quote_scale: u32,
}

/// The route names, in the order of their codes in the `route` result buffer.
const ROUTES: [&str; 3] = ["self_service", "staff", "refused"];

/// The renewal kind a renewal quote stands for.
fn quote_renewal_kind(kind: QuoteKind) -> Option<RenewalKind> {
    match kind {
        QuoteKind::Renewal => Some(RenewalKind::Extend),
        QuoteKind::Reinstatement => Some(RenewalKind::Reinstate),
        QuoteKind::Rejoin => Some(RenewalKind::Rejoin),
        _ => None,
    }
}

fn i32_at(buf: &[u8], row: usize) -> i32 {
    let mut b = [0u8; 4];
    b.copy_from_slice(&buf[row * 4..row * 4 + 4]);
    i32::from_le_bytes(b)
}

fn days(date: Date) -> i32 {
    date.to_julian_day() - EPOCH_JULIAN_DAY
}

fn name_index(table: &[amscore::ErrorInfo], code: u32) -> i16 {
    table.iter().position(|e| e.code == code).and_then(|i| i16::try_from(i).ok()).unwrap_or(-1)
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
pub(crate) fn run(
    engine: &amscore::Engine,
    c: &Columns<'_>,
    as_of: Date,
    terms: u32,
    decide: bool,
) -> Result<Output, String> {
    let n = c.plan_codes.len() / 4;
    let lengths_ok = c.plan_codes.len() == n * 4
        && [c.member_since, c.term_start, c.term_end].iter().all(|b| b.len() == n * 4)
        && [c.cancelled_on, c.deceased_on].iter().all(|b| b.is_empty() || b.len() == n * 4)
        && (c.pending.is_empty() || c.pending.len() == n);
    if !lengths_ok {
        return Err("batch columns have different lengths".into());
    }
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
    let table = amscore::error_table();
    let mut currencies: Vec<String> = Vec::new();
    for p in &engine.policy().plans {
        let code = p.prices.currency.code().to_owned();
        if !currencies.contains(&code) {
            currencies.push(code);
        }
    }
    let quote_scale = engine.policy().plans.iter().map(|p| p.prices.currency.minor_units()).max().unwrap_or(2);
    let mut out = Output {
        n,
        status: vec![0; n],
        status_valid: Validity::new(n),
        counts_as_member: Validity::new(n),
        renewal_kind: vec![0; n],
        renewal_valid: Validity::new(n),
        renewal_plan: vec![0; n],
        renewal_start: vec![0; n],
        renewal_end: vec![0; n],
        renewal_end_valid: Validity::new(n),
        renewal_member_since: vec![0; n],
        refusal: vec![0; n],
        refusal_valid: Validity::new(n),
        error_code: vec![0; n],
        error_name: vec![0; n],
        error_valid: Validity::new(n),
        error_offsets: Vec::with_capacity(n + 1),
        error_text: Vec::new(),
        quote_total: vec![0; n],
        quote_currency: vec![0; n],
        quote_valid: Validity::new(n),
        quote_error: vec![0; n],
        quote_error_valid: Validity::new(n),
        route: vec![0; if decide { n } else { 0 }],
        route_valid: Validity::new(if decide { n } else { 0 }),
        reason_offsets: Vec::with_capacity(if decide { n + 1 } else { 0 }),
        reason_text: Vec::new(),
        currencies,
        quote_scale,
    };
    out.error_offsets.push(0);
    if decide {
        out.reason_offsets.push(0);
    }
    for row in 0..n {
        let error = match membership_row(c, &mut templates, row) {
            Err(e) => Some(e),
            Ok(m) => match engine.status_on(m, as_of) {
                Err(e) => Some(RowError::of(&e)),
                Ok(s) => {
                    out.status[row] = STATUSES.iter().position(|x| *x == s.status).map_or(-1, |i| i as i8);
                    out.status_valid.set(row);
                    if s.counts_as_member {
                        out.counts_as_member.set(row);
                    }
                    out.renewal_and_quote(engine, m, as_of, terms, row, &table);
                    if decide {
                        out.decide(engine, m, as_of, terms, row);
                    }
                    None
                }
            },
        };
        if let Some(e) = error {
            out.error_code[row] = i16::try_from(e.code).unwrap_or(i16::MAX);
            out.error_name[row] = name_index(&table, e.code);
            out.error_valid.set(row);
            out.error_text.extend_from_slice(e.message.as_bytes());
        }
        out.error_offsets.push(i32::try_from(out.error_text.len()).map_err(|_| "error messages exceed 2 GiB")?);
        if decide {
            out.reason_offsets.push(i32::try_from(out.reason_text.len()).map_err(|_| "reasons exceed 2 GiB")?);
        }
    }
    Ok(out)
}

impl Output {
    /// The renewal columns and the renewal quote of one row whose status is known.
    fn renewal_and_quote(
        &mut self,
        engine: &amscore::Engine,
        m: &Membership,
        as_of: Date,
        terms: u32,
        row: usize,
        table: &[amscore::ErrorInfo],
    ) {
        let renewal = match engine.quote_renewal(m, as_of, terms, None) {
            Ok(q) => {
                let mut total = q.total.amount();
                total.rescale(self.quote_scale);
                self.quote_total[row] = total.mantissa();
                let currency = q.total.currency();
                self.quote_currency[row] =
                    self.currencies.iter().position(|c| c == currency.code()).map_or(-1, |i| i as i8);
                self.quote_valid.set(row);
                match (quote_renewal_kind(q.kind), q.term) {
                    (Some(kind), Some(term)) => Ok((kind, q.plan, term, q.member_since)),
                    _ => engine.renewal_term(m, as_of, terms).map(|r| (r.kind, r.plan, r.term, r.member_since)),
                }
            }
            Err(e) if crate::errors::family_of(e.code()) == "renewal" => Err(e),
            Err(e) => {
                self.quote_error[row] = name_index(table, e.code());
                self.quote_error_valid.set(row);
                engine.renewal_term(m, as_of, terms).map(|r| (r.kind, r.plan, r.term, r.member_since))
            }
        };
        match renewal {
            Ok((kind, plan, term, member_since)) => {
                self.renewal_kind[row] = KINDS.iter().position(|k| *k == kind).map_or(-1, |i| i as i8);
                let plans = &engine.policy().plans;
                self.renewal_plan[row] = plans.iter().position(|p| p.id == plan).map_or(-1, |i| i as i16);
                self.renewal_start[row] = days(term.start);
                if let Some(end) = term.end {
                    self.renewal_end[row] = days(end);
                    self.renewal_end_valid.set(row);
                }
                self.renewal_member_since[row] = days(member_since);
                self.renewal_valid.set(row);
            }
            Err(e) => {
                self.refusal[row] = name_index(table, e.code());
                self.refusal_valid.set(row);
            }
        }
    }

    /// The self-service decision on renewing online that day, and its reason codes.
    fn decide(&mut self, engine: &amscore::Engine, m: &Membership, as_of: Date, terms: u32, row: usize) {
        let request = SelfServiceRequest {
            id: None,
            at: PrimitiveDateTime::new(as_of, Time::MIDNIGHT),
            member: Some(MemberFacts { membership: Some(m.clone()), ..MemberFacts::default() }),
            action: Action::Renew { terms },
        };
        if let Ok(d) = engine.decide(&request) {
            self.route[row] = match d.route {
                Route::SelfService => 0,
                Route::Staff { .. } => 1,
                Route::Refused => 2,
            };
            self.route_valid.set(row);
            for (i, r) in d.reasons.iter().enumerate() {
                if i > 0 {
                    self.reason_text.push(b';');
                }
                self.reason_text.extend_from_slice(r.code.as_str().as_bytes());
            }
        }
    }
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

/// A column as a Python bytes object of its little-endian values, written in place; consumes
/// (and so frees) the column.
fn le_bytes<'py, T: Copy, const N: usize>(
    py: Python<'py>,
    values: Vec<T>,
    to_le: fn(T) -> [u8; N],
) -> PyResult<Bound<'py, PyBytes>> {
    PyBytes::new_with(py, values.len() * N, |bytes| {
        for (chunk, v) in bytes.chunks_exact_mut(N).zip(values) {
            chunk.copy_from_slice(&to_le(v));
        }
        Ok(())
    })
}

impl Output {
    /// The result columns as a dict of Arrow buffers (bytes), plus the name tables the codes
    /// index. Each buffer is copied into Python once and its Rust copy dropped straight away.
    pub(crate) fn into_dict<'py>(self, py: Python<'py>, engine: &amscore::Engine) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        let Output {
            n,
            status,
            status_valid,
            counts_as_member,
            renewal_kind,
            renewal_valid,
            renewal_plan,
            renewal_start,
            renewal_end,
            renewal_end_valid,
            renewal_member_since,
            refusal,
            refusal_valid,
            error_code,
            error_name,
            error_valid,
            error_offsets,
            error_text,
            quote_total,
            quote_currency,
            quote_valid,
            quote_error,
            quote_error_valid,
            route,
            route_valid,
            reason_offsets,
            reason_text,
            currencies,
            quote_scale,
        } = self;
        let put = |key: &str, bytes: Vec<u8>| d.set_item(key, PyBytes::new(py, &bytes));
        d.set_item("rows", n)?;
        d.set_item("status", le_bytes(py, status, i8::to_le_bytes)?)?;
        put("status_valid", status_valid.0)?;
        put("counts_as_member", counts_as_member.0)?;
        d.set_item("renewal_kind", le_bytes(py, renewal_kind, i8::to_le_bytes)?)?;
        put("renewal_valid", renewal_valid.0)?;
        d.set_item("renewal_plan", le_bytes(py, renewal_plan, i16::to_le_bytes)?)?;
        d.set_item("renewal_start", le_bytes(py, renewal_start, i32::to_le_bytes)?)?;
        d.set_item("renewal_end", le_bytes(py, renewal_end, i32::to_le_bytes)?)?;
        put("renewal_end_valid", renewal_end_valid.0)?;
        d.set_item("renewal_member_since", le_bytes(py, renewal_member_since, i32::to_le_bytes)?)?;
        d.set_item("refusal", le_bytes(py, refusal, i16::to_le_bytes)?)?;
        put("refusal_valid", refusal_valid.0)?;
        d.set_item("error_code", le_bytes(py, error_code, i16::to_le_bytes)?)?;
        d.set_item("error_name", le_bytes(py, error_name, i16::to_le_bytes)?)?;
        put("error_valid", error_valid.0)?;
        d.set_item("error_offsets", le_bytes(py, error_offsets, i32::to_le_bytes)?)?;
        put("error_text", error_text)?;
        d.set_item("quote_total", le_bytes(py, quote_total, i128::to_le_bytes)?)?;
        d.set_item("quote_scale", quote_scale)?;
        d.set_item("quote_currency", le_bytes(py, quote_currency, i8::to_le_bytes)?)?;
        d.set_item("currency_names", currencies)?;
        put("quote_valid", quote_valid.0)?;
        d.set_item("quote_error", le_bytes(py, quote_error, i16::to_le_bytes)?)?;
        put("quote_error_valid", quote_error_valid.0)?;
        d.set_item("route", le_bytes(py, route, i8::to_le_bytes)?)?;
        put("route_valid", route_valid.0)?;
        d.set_item("route_names", ROUTES.to_vec())?;
        d.set_item("reason_offsets", le_bytes(py, reason_offsets, i32::to_le_bytes)?)?;
        put("reason_text", reason_text)?;
        d.set_item("status_names", STATUSES.iter().map(|s| s.as_str()).collect::<Vec<_>>())?;
        d.set_item("renewal_kind_names", KINDS.iter().map(|k| kind_name(*k)).collect::<Vec<_>>())?;
        d.set_item("renewal_plan_names", engine.policy().plans.iter().map(|p| p.id.as_str()).collect::<Vec<_>>())?;
        d.set_item("error_names", amscore::error_table().iter().map(|e| e.name).collect::<Vec<_>>())?;
        Ok(d)
    }
}
