//! The quote and decision value objects: `Quote` (with `.lines` and `.total`), `Decision`
//! (with `.route` and `.reasons`) and the coverage `Report` of a batch of requests.

use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};
use serde_json::Value;
use time::Date;

use crate::errors::raise;
use crate::json::{json_methods, plain};
use crate::types::{Money, Term};

/// The snake_case name serde gives an enum value.
pub(crate) fn serde_name<T: serde::Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(Value::String(s)) => s,
        _ => String::new(),
    }
}

/// A price quote: line items (dues, fees, credits, proration) whose sum is the total.
///
/// >>> from datetime import date
/// >>> q = Engine("amscore").quote_join("individual", date(2025, 3, 10))
/// >>> q.total
/// Money('225.00', 'USD')
/// >>> [line["kind"] for line in q.lines]
/// ['dues', 'join_fee']
#[pyclass(frozen, eq, skip_from_py_object, module = "amscore._core")]
#[derive(Clone, PartialEq)]
pub(crate) struct Quote(pub(crate) amscore::Quote);

/// Quote lines as the dicts `Quote.lines` and `Quote.tax_lines` give: `kind`, `description`,
/// `amount` and `period`.
fn line_dicts<'py, 'q>(
    py: Python<'py>,
    lines: impl IntoIterator<Item = &'q amscore::QuoteLine>,
) -> PyResult<Bound<'py, PyList>> {
    let list = PyList::empty(py);
    for l in lines {
        let d = PyDict::new(py);
        d.set_item("kind", serde_name(&l.kind))?;
        d.set_item("description", l.description.to_string())?;
        d.set_item("amount", Money(l.amount))?;
        d.set_item("period", l.period.map(Term))?;
        list.append(d)?;
    }
    Ok(list)
}

#[pymethods]
impl Quote {
    /// What the quote is for (`join`, `renewal`, `reinstatement`, `rejoin`, `upgrade`, ...).
    #[getter]
    fn kind(&self) -> String {
        serde_name(&self.0.kind)
    }

    /// The plan after the action.
    #[getter]
    fn plan(&self) -> String {
        self.0.plan.to_string()
    }

    /// When the action takes effect.
    #[getter]
    fn effective(&self) -> Date {
        self.0.effective
    }

    /// The term after the action, if any.
    #[getter]
    fn term(&self) -> Option<Term> {
        self.0.term.map(Term)
    }

    /// Member-since after the action.
    #[getter]
    fn member_since(&self) -> Date {
        self.0.member_since
    }

    /// The status once the action is done and paid.
    #[getter]
    fn status_after(&self) -> &'static str {
        self.0.status_after.as_str()
    }

    /// The line items, in order: dicts with `kind`, `description`, `amount` (`Money`) and
    /// `period` (`Term` or None).
    #[getter]
    fn lines<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        line_dicts(py, &self.0.lines)
    }

    /// The exact sum of the lines: positive to pay, negative to credit or refund. With tax, the
    /// gross (`net` + `tax`).
    #[getter]
    fn total(&self) -> Money {
        Money(self.0.total)
    }

    /// The total with tax: the amount due (the same as `total`).
    #[getter]
    fn gross(&self) -> Money {
        Money(self.0.gross())
    }

    /// The sum of the lines that are not tax lines.
    ///
    /// >>> Engine("amscore").quote_join("individual", date(2025, 3, 10)).net
    /// Money('225.00', 'USD')
    #[getter]
    fn net(&self) -> PyResult<Money> {
        self.0.net().map(Money).map_err(|e| raise(&e, None))
    }

    /// The sum of the tax lines (zero when the plan has no tax).
    #[getter]
    fn tax(&self) -> PyResult<Money> {
        self.0.tax().map(Money).map_err(|e| raise(&e, None))
    }

    /// The tax lines only (one per tax component of the plan), as in `lines`.
    #[getter]
    fn tax_lines<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        line_dicts(py, self.0.lines.iter().filter(|l| l.kind == amscore::LineKind::Tax))
    }

    /// The currency code.
    #[getter]
    fn currency(&self) -> String {
        self.0.currency().code().to_owned()
    }

    /// The quote as a long `pandas.DataFrame`, one row per line in order: `kind`, `description`,
    /// `amount` (`Decimal`, exact; the column sums to `total`), `currency`, `period_start` and
    /// `period_end` (`datetime.date`, None for a line without a period or a lifetime end). Text
    /// columns are the running pandas' text (`str` under pandas 3, `object` under pandas 2).
    ///
    /// >>> Engine("amscore").quote_join("individual", date(2025, 3, 10)).to_frame()[["kind", "amount"]].values.tolist()
    /// [['dues', Decimal('200.00')], ['join_fee', Decimal('25.00')]]
    fn to_frame<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let lines = &self.0.lines;
        let data = PyDict::new(py);
        data.set_item("kind", text_column(py, lines.iter().map(|l| serde_name(&l.kind)).collect())?)?;
        data.set_item("description", text_column(py, lines.iter().map(|l| l.description.to_string()).collect())?)?;
        data.set_item("amount", objects(py, lines.iter().map(|l| l.amount.amount()).collect())?)?;
        data.set_item(
            "currency",
            text_column(py, lines.iter().map(|l| l.amount.currency().code().to_owned()).collect())?,
        )?;
        data.set_item("period_start", objects(py, lines.iter().map(|l| l.period.map(|p| p.start)).collect())?)?;
        data.set_item("period_end", objects(py, lines.iter().map(|l| l.period.and_then(|p| p.end)).collect())?)?;
        py.import("pandas")?.getattr("DataFrame")?.call1((data,))
    }

    fn __repr__(&self) -> String {
        format!(
            "Quote(kind='{}', plan='{}', total=Money('{}', '{}'))",
            self.kind(),
            self.0.plan,
            self.0.total.amount(),
            self.0.total.currency().code()
        )
    }
}

json_methods!(Quote, noun: "quote", read: "quote");

/// The self-service decision for one request: a route (`self_service`, `staff`, `refused`),
/// the reasons with their codes, and the quote when the website can complete it.
///
/// >>> d = Engine("amscore").decide({"at": "2025-03-10T12:00", "action": {"kind": "join", "plan": "retired"}})
/// >>> d.route, d.reasons[0]["code"]
/// ('staff', 'plan_requires_approval')
#[pyclass(frozen, eq, skip_from_py_object, module = "amscore._core")]
#[derive(Clone, PartialEq)]
pub(crate) struct Decision(pub(crate) amscore::Decision);

#[pymethods]
impl Decision {
    /// `self_service`, `staff` or `refused`.
    #[getter]
    fn route(&self) -> &'static str {
        match self.0.route {
            amscore::Route::SelfService => "self_service",
            amscore::Route::Staff { .. } => "staff",
            amscore::Route::Refused => "refused",
        }
    }

    /// The staff queue, for a `staff` route.
    #[getter]
    fn queue(&self) -> Option<&'static str> {
        match &self.0.route {
            amscore::Route::Staff { queue } => Some(queue.as_str()),
            _ => None,
        }
    }

    /// Whether the website completes the request on its own.
    #[getter]
    fn is_self_service(&self) -> bool {
        self.0.is_self_service()
    }

    /// The reasons, in their stable order: dicts with `code`, `message` and `next_date`
    /// (`datetime.date` or None).
    #[getter]
    fn reasons<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let list = PyList::empty(py);
        for r in &self.0.reasons {
            let d = PyDict::new(py);
            d.set_item("code", r.code.as_str())?;
            d.set_item("message", r.message.to_string())?;
            d.set_item("next_date", r.next_date)?;
            list.append(d)?;
        }
        Ok(list)
    }

    /// When time alone makes the request self-service, if it does.
    #[getter]
    fn next_date(&self) -> Option<Date> {
        self.0.next_date
    }

    /// The quote, for requests the website can complete.
    #[getter]
    fn quote(&self) -> Option<Quote> {
        self.0.quote.clone().map(Quote)
    }

    fn __repr__(&self) -> String {
        let codes: Vec<&str> = self.0.reasons.iter().map(|r| r.code.as_str()).collect();
        format!("Decision(route='{}', reasons={codes:?})", self.route())
    }
}

json_methods!(Decision, noun: "decision", read: "decision");

/// The coverage report over a batch of requests: the share handled online, by request kind,
/// and the reasons that cost the most staff work.
///
/// >>> r = Engine("amscore").coverage_report([{"at": "2025-03-10T12:00", "action": {"kind": "join", "plan": "individual"}}])
/// >>> r.self_service, r.requests
/// (1, 1)
#[pyclass(frozen, eq, skip_from_py_object, module = "amscore._core")]
#[derive(Clone, PartialEq)]
pub(crate) struct Report(pub(crate) amscore::CoverageReport);

#[pymethods]
impl Report {
    /// Requests in the batch.
    #[getter]
    fn requests(&self) -> usize {
        self.0.overall.requests
    }

    /// Requests the website completes.
    #[getter]
    fn self_service(&self) -> usize {
        self.0.overall.self_service
    }

    /// Requests sent to staff.
    #[getter]
    fn staff(&self) -> usize {
        self.0.overall.staff
    }

    /// Requests refused.
    #[getter]
    fn refused(&self) -> usize {
        self.0.overall.refused
    }

    /// Rows that could not be decided.
    #[getter]
    fn errors(&self) -> usize {
        self.0.overall.errors
    }

    /// The self-service share of decided requests, in percent (`decimal.Decimal`).
    #[getter]
    fn self_service_share(&self) -> rust_decimal::Decimal {
        self.0.overall.self_service_share
    }

    /// The report as text a person can read.
    #[getter]
    fn text(&self) -> String {
        amscore::format_coverage(&self.0)
    }

    /// The report as HTML tables, for notebooks (Jupyter shows a `Report` with it).
    fn _repr_html_(&self) -> String {
        report_html(&self.0)
    }

    fn __repr__(&self) -> String {
        format!(
            "Report(requests={}, self_service={}, staff={}, refused={}, errors={})",
            self.0.overall.requests,
            self.0.overall.self_service,
            self.0.overall.staff,
            self.0.overall.refused,
            self.0.overall.errors
        )
    }
}

json_methods!(Report, noun: "report", dict_note: "(overall, by_kind, by_queue, reasons, standing)", read: "report");

/// A minimal HTML escape for text inside a table cell.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// An HTML table: a caption, a header row and rows of already escaped cells.
fn html_table(caption: &str, header: &[&str], rows: &[Vec<String>]) -> String {
    let mut out = format!("<table><caption>{}</caption><thead><tr>", escape(caption));
    for h in header {
        out.push_str(&format!("<th>{}</th>", escape(h)));
    }
    out.push_str("</tr></thead><tbody>");
    for row in rows {
        out.push_str("<tr>");
        for cell in row {
            out.push_str(&format!("<td>{cell}</td>"));
        }
        out.push_str("</tr>");
    }
    out.push_str("</tbody></table>");
    out
}

fn counts_row(label: &str, c: &amscore::RouteCounts) -> Vec<String> {
    vec![
        escape(label),
        c.requests.to_string(),
        c.self_service.to_string(),
        c.staff.to_string(),
        c.refused.to_string(),
        c.errors.to_string(),
        format!("{}%", c.self_service_share),
    ]
}

/// The coverage report as HTML tables (for notebooks): the standing, the counts overall and by
/// kind, the staff queues and the reasons.
pub(crate) fn report_html(r: &amscore::CoverageReport) -> String {
    let header = ["", "requests", "self_service", "staff", "refused", "errors", "self_service_share"];
    let mut counts = vec![counts_row("overall", &r.overall)];
    for k in &r.by_kind {
        let kind = k.kind.as_ref().map_or_else(|| "(unreadable)".to_owned(), serde_name);
        counts.push(counts_row(&kind, &k.counts));
    }
    let queues: Vec<Vec<String>> =
        r.by_queue.iter().map(|q| vec![escape(q.queue.as_str()), q.requests.to_string()]).collect();
    let reasons: Vec<Vec<String>> = r
        .reasons
        .iter()
        .map(|x| {
            vec![
                escape(x.code.as_str()),
                x.sent_to_staff.to_string(),
                x.alone_blocked.to_string(),
                x.refused.to_string(),
            ]
        })
        .collect();
    format!(
        "<div class=\"amscore-report\"><p>{}</p>{}{}{}</div>",
        escape(&r.standing.summary),
        html_table("Requests by route", &header, &counts),
        html_table("Staff queues", &["queue", "requests"], &queues),
        html_table("Reasons", &["code", "sent_to_staff", "alone_blocked", "refused"], &reasons),
    )
}

/// A refused row of a batch as the exception object of its family (not raised), with `.code`,
/// `.name`, `.family` and `.path`.
fn error_object<'py>(py: Python<'py>, err: &amscore::Error) -> Bound<'py, PyAny> {
    crate::engine::raise_core(err).into_value(py).into_bound(py).into_any()
}

/// The decisions of a batch of self-service requests, in input order, and their coverage
/// report. Each result is a `Decision`, or, for a row that could not be decided, the exception
/// of its error family (an `AmsError`, not raised) with `.code`, `.name` and `.path`.
///
/// >>> b = Engine("amscore").decide_batch([{"at": "2025-03-10T12:00", "action": {"kind": "join", "plan": "retired"}}, {"at": "x"}])
/// >>> [type(r).__name__ for r in b.results], b.report.errors
/// (['Decision', 'DecisionError'], 1)
#[pyclass(frozen, skip_from_py_object, module = "amscore._core")]
pub(crate) struct DecisionBatch(pub(crate) amscore::Batch);

#[pymethods]
impl DecisionBatch {
    /// Per request: a `Decision`, or the `AmsError` the row was refused with.
    #[getter]
    fn results<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let list = PyList::empty(py);
        for r in &self.0.results {
            match r {
                Ok(d) => list.append(Decision(d.clone()))?,
                Err(e) => list.append(error_object(py, e))?,
            }
        }
        Ok(list)
    }

    /// The coverage report over the batch.
    #[getter]
    fn report(&self) -> Report {
        Report(self.0.report.clone())
    }

    fn __len__(&self) -> usize {
        self.0.results.len()
    }

    /// The batch as a `pandas.DataFrame`, one row per request in input order: `row`, `route`
    /// (categorical of the core's routes; null for an error), `queue`, `reasons` (the reason
    /// codes joined by `;`, as in `Engine.batch(decide=True)`), `next_date`, `quote_total`
    /// (`Decimal`), `quote_currency`, `error_code`, `error_name`, `error_message`, `error_path`.
    /// Text columns are the running pandas' text whatever the rows: `str` (NaN for missing) under
    /// pandas 3, `object` (None) under pandas 2.
    fn to_frame<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let pd = py.import("pandas")?;
        let n = self.0.results.len();
        let mut route: Vec<Option<&str>> = Vec::with_capacity(n);
        let mut queue: Vec<Option<&str>> = Vec::with_capacity(n);
        let mut reasons: Vec<Option<String>> = Vec::with_capacity(n);
        let mut next_date: Vec<Option<Date>> = Vec::with_capacity(n);
        let mut total: Vec<Option<rust_decimal::Decimal>> = Vec::with_capacity(n);
        let mut currency: Vec<Option<String>> = Vec::with_capacity(n);
        let mut code: Vec<Option<u32>> = Vec::with_capacity(n);
        let mut name: Vec<Option<&str>> = Vec::with_capacity(n);
        let mut message: Vec<Option<String>> = Vec::with_capacity(n);
        let mut path: Vec<Option<String>> = Vec::with_capacity(n);
        for r in &self.0.results {
            match r {
                Ok(d) => {
                    route.push(Some(d.route.name()));
                    queue.push(match &d.route {
                        amscore::Route::Staff { queue } => Some(queue.as_str()),
                        _ => None,
                    });
                    let codes: Vec<&str> = d.reasons.iter().map(|x| x.code.as_str()).collect();
                    reasons.push(Some(codes.join(";")));
                    next_date.push(d.next_date);
                    total.push(d.quote.as_ref().map(|q| q.total.amount()));
                    currency.push(d.quote.as_ref().map(|q| q.currency().code().to_owned()));
                    code.push(None);
                    name.push(None);
                    message.push(None);
                    path.push(None);
                }
                Err(e) => {
                    route.push(None);
                    queue.push(None);
                    reasons.push(None);
                    next_date.push(None);
                    total.push(None);
                    currency.push(None);
                    let doc = amscore::gateway::error_document(&amscore::gateway::GatewayError::Engine(e.clone()));
                    code.push(Some(amscore::ErrorCode::code(e)));
                    name.push(Some(amscore::ErrorCode::name(e)));
                    message.push(Some(e.to_string()));
                    path.push(doc["error"]["path"].as_str().map(str::to_owned));
                }
            }
        }
        let data = PyDict::new(py);
        // int64 whatever the rows (a list pandas reads alone is float64 when empty).
        data.set_item("row", pd.getattr("array")?.call1(((0..n).collect::<Vec<usize>>(), "int64"))?)?;
        let kwargs = PyDict::new(py);
        kwargs.set_item("categories", amscore::Route::NAMES.to_vec())?;
        data.set_item("route", pd.getattr("Categorical")?.call((route,), Some(&kwargs))?)?;
        data.set_item("queue", text_column(py, queue)?)?;
        data.set_item("reasons", text_column(py, reasons)?)?;
        data.set_item("next_date", objects(py, next_date)?)?;
        data.set_item("quote_total", objects(py, total)?)?;
        data.set_item("quote_currency", text_column(py, currency)?)?;
        data.set_item("error_code", pd.getattr("array")?.call1((code, "Int64"))?)?;
        data.set_item("error_name", text_column(py, name)?)?;
        data.set_item("error_message", text_column(py, message)?)?;
        data.set_item("error_path", text_column(py, path)?)?;
        pd.getattr("DataFrame")?.call1((data,))
    }

    fn __repr__(&self) -> String {
        let o = &self.0.report.overall;
        format!(
            "DecisionBatch(requests={}, self_service={}, staff={}, refused={}, errors={})",
            o.requests, o.self_service, o.staff, o.refused, o.errors
        )
    }
}

/// Text values (None for missing) as the running pandas makes a column of text, whatever the
/// values (all missing, none), for the Rust `to_frame`s here.
fn text_column<'py, T: for<'a> IntoPyObject<'a>>(py: Python<'py>, values: Vec<T>) -> PyResult<Bound<'py, PyAny>> {
    text_column_of(PyList::new(py, values)?.as_any())
}

/// `_core._text_column`: a list of text values (None for missing) as the running pandas makes a
/// column of text, the one place that says so (the `to_frame`s here and the package's Python
/// frames call it). Private to the package.
#[pyfunction]
#[pyo3(name = "_text_column")]
pub(crate) fn py_text_column<'py>(values: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
    text_column_of(values)
}

/// The text dtype the running pandas infers (`pd.Series(["text"]).dtype`: the user's pandas and
/// its options): `str` under pandas 3 (or pandas 2 with `future.infer_string`) gives
/// `pd.array(values, dtype=str)`, NaN for missing; otherwise the values are `object` cells, None
/// for missing (a numpy object array: no dtype inferred from the values). The choice holds
/// whatever the values are, so an empty column, or one whose values are all missing, has the same
/// dtype as any other. Calling pandas and numpy only: the conversion to the frame asked for.
fn text_column_of<'py>(values: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
    let py = values.py();
    let pd = py.import("pandas")?;
    let text = pd.getattr("Series")?.call1((vec!["text"],))?.getattr("dtype")?;
    if text.eq(py.get_type::<PyAny>())? {
        let kwargs = PyDict::new(py);
        kwargs.set_item("dtype", py.get_type::<PyAny>())?;
        kwargs.set_item("count", values.len()?)?;
        py.import("numpy")?.getattr("fromiter")?.call((values,), Some(&kwargs))
    } else {
        let kwargs = PyDict::new(py);
        kwargs.set_item("dtype", text)?;
        pd.getattr("array")?.call((values,), Some(&kwargs))
    }
}

/// Values as a `pandas.Series` of Python objects (no dtype inferred from them: dates stay
/// `datetime.date`, amounts `Decimal`).
fn objects<'py, T: for<'a> IntoPyObject<'a> + Clone>(py: Python<'py>, values: Vec<T>) -> PyResult<Bound<'py, PyAny>> {
    let kwargs = PyDict::new(py);
    kwargs.set_item("dtype", "object")?;
    py.import("pandas")?.getattr("Series")?.call((values,), Some(&kwargs))
}

/// What changes when the same requests are decided under another policy (`Engine.what_if`):
/// the route counts before and after, how many requests changed, the route transitions and the
/// reasons cleared or added, and the full report under the other policy.
#[pyclass(frozen, eq, skip_from_py_object, module = "amscore._core")]
#[derive(Clone, PartialEq)]
pub(crate) struct WhatIf(pub(crate) amscore::WhatIf);

#[pymethods]
impl WhatIf {
    /// The route counts under this engine's policy (a dict: `requests`, `self_service`, ...,
    /// shares as decimal text).
    #[getter]
    fn before<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        plain(py, &self.0.before)
    }

    /// The route counts under the other policy.
    #[getter]
    fn after<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        plain(py, &self.0.after)
    }

    /// Requests whose route or reasons changed.
    #[getter]
    fn changed(&self) -> usize {
        self.0.changed
    }

    /// Changed routes, largest first: dicts with `from`, `to` and `requests`.
    #[getter]
    fn transitions<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        plain(py, &self.0.transitions)
    }

    /// Per reason, among changed requests: dicts with `code`, `cleared` and `added`.
    #[getter]
    fn by_reason<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        plain(py, &self.0.by_reason)
    }

    /// The coverage report under the other policy.
    #[getter]
    fn report(&self) -> Report {
        Report(self.0.report.clone())
    }

    /// The comparison as text a person can read.
    #[getter]
    fn text(&self) -> String {
        amscore::format_what_if(&self.0)
    }

    fn __repr__(&self) -> String {
        format!(
            "WhatIf(changed={}, self_service={}->{}, requests={})",
            self.0.changed, self.0.before.self_service, self.0.after.self_service, self.0.before.requests
        )
    }
}

json_methods!(WhatIf, noun: "what-if", read: "what_if");
