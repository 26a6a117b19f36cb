//! The `Engine` class: a policy compiled once, answering single questions and whole rosters.

use amscore::gateway::{self, GatewayError};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyType};
use time::Date;

use crate::batch;
use crate::convert::{extract_count, extract_date, from_value, to_value};
use crate::decisions::{Decision, Quote, Report};
use crate::errors::raise;
use crate::success;
use crate::types::{Membership, Plan, Policy, Term};

/// Raises a core error, with its path when it has one.
pub(crate) fn raise_core(err: &amscore::Error) -> PyErr {
    let doc = gateway::error_document(&GatewayError::Engine(err.clone()));
    raise(err, doc["error"]["path"].as_str())
}

/// Calls the DataFrame side of a success analysis, `amscore._success.<name>(*args)`.
fn success_call<'py, A: pyo3::call::PyCallArgs<'py>>(
    slf: &Bound<'py, Engine>,
    name: &str,
    args: A,
) -> PyResult<Bound<'py, PyAny>> {
    slf.py().import("amscore._success")?.getattr(name)?.call1(args)
}

/// An error document of the gateway, raised as the exception of its code.
struct Document {
    code: u32,
    name: &'static str,
    message: String,
}

impl std::fmt::Display for Document {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl amscore::ErrorCode for Document {
    fn code(&self) -> u32 {
        self.code
    }
    fn name(&self) -> &'static str {
        self.name
    }
}

/// A policy compiled for answering questions. Frozen; safe to share between threads; pickles to
/// its policy's JSON, so it travels to worker processes (Dask, Spark).
///
/// >>> from datetime import date
/// >>> engine = Engine("amscore")
/// >>> engine.join_term("individual", date(2025, 1, 15))["term"]
/// Term(2025-01-15, 2026-01-14)
#[pyclass(frozen, module = "amscore._core")]
pub(crate) struct Engine {
    engine: amscore::Engine,
    policy: Policy,
}

#[pymethods]
impl Engine {
    /// Compiles a policy: a `Policy`, a dict, JSON text, a preset name or a file path.
    ///
    /// Raises `PolicyError` naming the path of the first problem.
    #[new]
    fn new(policy: &Bound<'_, PyAny>) -> PyResult<Engine> {
        let policy = Policy::from_source(policy)?;
        let engine = amscore::Engine::new(policy.0.clone()).map_err(|e| raise(&e, Some(e.path())))?;
        Ok(Engine { engine, policy })
    }

    /// The policy this engine was compiled from.
    #[getter]
    fn policy(&self) -> Policy {
        self.policy.clone()
    }

    /// A plan by id; raises `InputError` (`unknown_plan`) if there is none.
    ///
    /// >>> Engine("amscore").plan("retired").name
    /// 'Retired'
    fn plan(&self, id: &str) -> PyResult<Plan> {
        self.engine.plan(&id.into()).cloned().map(Plan).map_err(|e| raise(&e, None))
    }

    /// Answers a gateway request document (`{"op": ..., ...}`) with a response document:
    /// `{"ok": result}` or `{"error": {"code", "name", "message", "path"?}}`. Never raises for
    /// a refused request; dates may be given as `datetime.date` or ISO text.
    ///
    /// >>> Engine("amscore").call({"op": "join_term", "plan": "individual", "date": "2025-01-15"})["ok"]["term"]["end"]
    /// '2026-01-14'
    /// >>> Engine("amscore").call({"op": "teleport"})["error"]["name"]
    /// 'unknown_operation'
    fn call<'py>(&self, py: Python<'py>, request: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
        let request = to_value(request, "")?;
        let response = py.detach(|| gateway::call_value(&self.engine, request));
        from_value(py, &response)
    }

    /// Answers a gateway request given as JSON text, returning JSON text.
    ///
    /// >>> Engine("amscore").call_json('{"op": "describe_policy"}')[:6]
    /// '{"ok":'
    fn call_json(&self, py: Python<'_>, request: &str) -> String {
        py.detach(|| gateway::call(&self.engine, request))
    }

    /// Answers a gateway request document with its `ok` result, raising the exception of the
    /// error's family (with `.code`, `.name`, `.path`) when the request is refused.
    ///
    /// >>> Engine("amscore").answer({"op": "describe_policy"})["version"]
    /// 1
    fn answer<'py>(&self, py: Python<'py>, request: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
        let request = to_value(request, "")?;
        let result = py.detach(|| {
            gateway::parse_request(request)
                .map_err(GatewayError::from)
                .and_then(|r| gateway::answer(&self.engine, &r).map_err(GatewayError::from))
        });
        match result {
            Ok(v) => from_value(py, &v),
            Err(e) => {
                let doc = gateway::error_document(&e);
                let path = doc["error"]["path"].as_str().map(str::to_owned);
                let code = amscore::ErrorCode::code(&e);
                let name = amscore::ErrorCode::name(&e);
                Err(raise(&Document { code, name, message: e.to_string() }, path.as_deref()))
            }
        }
    }

    /// The first term of a member joining `plan` on `date`, buying `terms` terms:
    /// `{"member_since": date, "term": Term, "rolled_over": bool}`.
    ///
    /// A calendar plan joined after its rollover day (Oct 1) also covers the next year:
    ///
    /// >>> Engine("amscore").join_term("chapter", date(2025, 10, 15))["term"]
    /// Term(2025-01-01, 2026-12-31)
    #[pyo3(signature = (plan, date, terms=None), text_signature = "($self, plan, date, terms=1)")]
    fn join_term<'py>(
        &self,
        py: Python<'py>,
        plan: &str,
        date: &Bound<'py, PyAny>,
        terms: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyDict>> {
        let date = extract_date(date, "date")?;
        let terms = terms.filter(|t| !t.is_none()).map_or(Ok(1), |t| extract_count(t, "terms"))?;
        let j = self.engine.join_terms(&plan.into(), date, terms).map_err(|e| raise_core(&e))?;
        let out = PyDict::new(py);
        out.set_item("member_since", j.member_since)?;
        out.set_item("term", Term(j.term))?;
        out.set_item("rolled_over", j.rolled_over)?;
        Ok(out)
    }

    /// The status of a membership on a date:
    /// `{"status", "label", "counts_as_member", "renewable", "renewal"}`.
    ///
    /// Raises `InputError` for inconsistent facts or an unknown plan.
    ///
    /// >>> m = Membership("M-1", "individual", date(2020, 1, 15), Term(date(2025, 1, 15), date(2026, 1, 14)))
    /// >>> Engine("amscore").status_on(m, date(2026, 1, 20))["status"]
    /// 'grace'
    fn status_on<'py>(
        &self,
        py: Python<'py>,
        membership: &Membership,
        date: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyDict>> {
        let date = extract_date(date, "date")?;
        let s = self.engine.status_on(&membership.0, date).map_err(|e| raise_core(&e))?;
        let out = PyDict::new(py);
        out.set_item("status", s.status.as_str())?;
        out.set_item("label", s.label)?;
        out.set_item("counts_as_member", s.counts_as_member)?;
        out.set_item("renewable", s.renewable)?;
        out.set_item("renewal", s.renewal.map(|k| k.as_str()))?;
        Ok(out)
    }

    /// The new term if the member renews on `date`, buying `terms` terms:
    /// `{"kind", "status_before", "plan", "term": Term, "terms", "member_since": date}`.
    ///
    /// Raises `NotEligibleError` when the renewal is refused (window not open, not renewable).
    ///
    /// >>> m = Membership("M-1", "individual", date(2020, 1, 15), Term(date(2025, 1, 15), date(2026, 1, 14)))
    /// >>> Engine("amscore").renewal_term(m, date(2026, 1, 20))["term"]
    /// Term(2026-01-15, 2027-01-14)
    #[pyo3(signature = (membership, date, terms=None), text_signature = "($self, membership, date, terms=1)")]
    fn renewal_term<'py>(
        &self,
        py: Python<'py>,
        membership: &Membership,
        date: &Bound<'py, PyAny>,
        terms: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyDict>> {
        let date = extract_date(date, "date")?;
        let terms = terms.filter(|t| !t.is_none()).map_or(Ok(1), |t| extract_count(t, "terms"))?;
        let r = self.engine.renewal_term(&membership.0, date, terms).map_err(|e| raise_core(&e))?;
        let out = PyDict::new(py);
        out.set_item("kind", r.kind.as_str())?;
        out.set_item("status_before", r.status_before.as_str())?;
        out.set_item("plan", r.plan.as_str())?;
        out.set_item("term", Term(r.term))?;
        out.set_item("terms", r.terms)?;
        out.set_item("member_since", r.member_since)?;
        Ok(out)
    }

    /// The quote for joining `plan` on `date`, buying `terms` terms (and `seats` seats on an
    /// organisational plan).
    ///
    /// Raises `InputError` for an unknown plan, `QuoteError` for seats out of range.
    ///
    /// >>> Engine("amscore").quote_join("individual", date(2025, 3, 10)).total
    /// Money('225.00', 'USD')
    #[pyo3(signature = (plan, date, terms=None, seats=None), text_signature = "($self, plan, date, terms=1, seats=None)")]
    fn quote_join(
        &self,
        plan: &str,
        date: &Bound<'_, PyAny>,
        terms: Option<&Bound<'_, PyAny>>,
        seats: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Quote> {
        let date = extract_date(date, "date")?;
        let terms = terms.filter(|t| !t.is_none()).map_or(Ok(1), |t| extract_count(t, "terms"))?;
        let seats = seats.filter(|s| !s.is_none()).map(|s| extract_count(s, "seats")).transpose()?;
        self.engine.quote_join(&plan.into(), date, terms, seats).map(Quote).map_err(|e| raise_core(&e))
    }

    /// The quote for renewing on `date` (extension, reinstatement or rejoin, with their fees).
    ///
    /// Raises `NotEligibleError` when the renewal is refused, `QuoteError` for seats out of range.
    ///
    /// >>> m = Membership("M-1", "individual", date(2020, 1, 15), Term(date(2025, 1, 15), date(2026, 1, 14)))
    /// >>> [(line["kind"], str(line["amount"])) for line in Engine("amscore").quote_renewal(m, date(2026, 1, 20)).lines]
    /// [('dues', '200.00 USD'), ('late_fee', '10.00 USD')]
    #[pyo3(signature = (membership, date, terms=None, seats=None), text_signature = "($self, membership, date, terms=1, seats=None)")]
    fn quote_renewal(
        &self,
        membership: &Membership,
        date: &Bound<'_, PyAny>,
        terms: Option<&Bound<'_, PyAny>>,
        seats: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Quote> {
        let date = extract_date(date, "date")?;
        let terms = terms.filter(|t| !t.is_none()).map_or(Ok(1), |t| extract_count(t, "terms"))?;
        let seats = seats.filter(|s| !s.is_none()).map(|s| extract_count(s, "seats")).transpose()?;
        self.engine.quote_renewal(&membership.0, date, terms, seats).map(Quote).map_err(|e| raise_core(&e))
    }

    /// The self-service decision for one website request (a dict shaped like the gateway's
    /// `decide` request: `{"at": "2026-10-01T14:30", "member": {...}, "action": {...}}`).
    ///
    /// Raises `DecisionError` naming the path of missing or contradictory facts.
    ///
    /// >>> Engine("amscore").decide({"at": "2025-03-10T12:00", "action": {"kind": "join", "plan": "individual"}}).route
    /// 'self_service'
    fn decide(&self, py: Python<'_>, request: &Bound<'_, PyAny>) -> PyResult<Decision> {
        let value = to_value(request, "")?;
        let request = amscore::parse_self_service_request(value).map_err(|e| raise_core(&e.into()))?;
        py.detach(|| self.engine.decide(&request)).map(Decision).map_err(|e| raise_core(&e))
    }

    /// The coverage report over a list of website requests: the share handled online, by kind,
    /// and the reasons that cost the most staff work. Bad rows count as errors; none raises.
    ///
    /// >>> Engine("amscore").coverage_report([{"at": "2025-03-10T12:00", "action": {"kind": "join", "plan": "retired"}}]).staff
    /// 1
    fn coverage_report(&self, py: Python<'_>, requests: &Bound<'_, PyAny>) -> PyResult<Report> {
        let mut values = Vec::new();
        for (i, r) in requests.try_iter()?.enumerate() {
            values.push(to_value(&r?, &format!("[{i}]"))?);
        }
        Ok(Report(py.detach(|| self.engine.decide_values(values)).report))
    }

    /// The columnar core of `Engine.batch` (`amscore._batch`, which reads the frame and builds
    /// the result frame): `columns` maps each input column to little-endian int32 buffers. Dates
    /// are days since 1970-01-01 (`-2147483648` for null, `-2147483647` for an unreadable value);
    /// text columns (`plan`, `pending`, `override_status`) are `(codes, names)`, codes indexing
    /// names (-1 for null). Absent optional columns are left out. Returns a dict of result
    /// buffers. Runs without the GIL.
    #[pyo3(signature = (as_of, terms, columns, decide=false))]
    fn _batch_columns<'py>(
        &self,
        py: Python<'py>,
        as_of: &Bound<'py, PyAny>,
        terms: Option<&Bound<'py, PyAny>>,
        columns: &Bound<'py, PyDict>,
        decide: bool,
    ) -> PyResult<Bound<'py, PyDict>> {
        let as_of: Date = extract_date(as_of, "as_of")?;
        let terms = terms.filter(|t| !t.is_none()).map_or(Ok(1), |t| extract_count(t, "terms"))?;
        let given = batch::PyColumns::read(columns)?;
        let columns = given.columns();
        let out =
            py.detach(|| batch::run(&self.engine, &columns, as_of, terms, decide)).map_err(PyTypeError::new_err)?;
        out.into_dict(py, &self.engine)
    }

    /// Engagement scores of a roster on a date, as a `pandas.DataFrame`: one row per usable
    /// member with `member_id`, `score` and `percentile` (`Decimal`), `future_events`, and for
    /// every activity kind of the policy (in its order) `points_<kind>` (`Decimal`),
    /// `events_<kind>`, `counted_<kind>`, `capped_<kind>` (a kind without events shows zeros).
    /// `members` is a term-history frame and `events` an activity frame (columns in
    /// `amscore.SUCCESS_MEMBER_COLUMNS` / `amscore.EVENT_COLUMNS`; see `amscore._success`).
    /// `attrs["errors"]` lists every bad row; `attrs["organizations"]` the organisation roll-ups
    /// (`seats` gives seats per organisation for the per-seat score).
    ///
    /// >>> import pandas as pd
    /// >>> engine = Engine({"version": 1, "preset": "amscore", "success": {
    /// ...     "activity_kinds": [{"id": "login", "weight": "2"}], "decay": {"kind": "half_life", "days": 30}}})
    /// >>> members = pd.DataFrame({"member_id": ["M-1"], "plan": ["individual"], "member_since": [date(2025, 1, 1)],
    /// ...                         "term_start": [date(2025, 1, 1)], "term_end": [date(2025, 12, 31)]})
    /// >>> events = pd.DataFrame({"member_id": ["M-1", "M-9"], "date": [date(2025, 5, 1)] * 2, "kind": ["login"] * 2})
    /// >>> scores = engine.engagement_scores(members.success(), events, date(2025, 5, 31))
    /// >>> scores[["score", "points_login", "counted_login"]].values.tolist()
    /// [[Decimal('1.00'), Decimal('1.00'), 1]]
    /// >>> scores.attrs["errors"][["source", "row", "name"]].values.tolist()
    /// [['events', 1, 'unknown_member']]
    #[pyo3(signature = (members, events, as_of, *, seats=None))]
    fn engagement_scores<'py>(
        slf: &Bound<'py, Self>,
        members: &Bound<'py, PyAny>,
        events: &Bound<'py, PyAny>,
        as_of: &Bound<'py, PyAny>,
        seats: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let seats = seats.map_or_else(|| slf.py().None().into_bound(slf.py()), Clone::clone);
        success_call(slf, "engagement_scores", (slf, members, events, as_of, seats))
    }

    /// The policy's segments each member is in on a date, as a long `pandas.DataFrame`: one row
    /// per (member, segment) with `member_id`, `segment` and `matched` (the tests that matched,
    /// joined by `"; "`). `attrs["members"]` lists every member evaluated (also those in no
    /// segment); `attrs["errors"]` every bad row.
    ///
    /// >>> import pandas as pd
    /// >>> engine = Engine({"version": 1, "preset": "amscore", "success": {"segments": [
    /// ...     {"id": "first_year", "rule": {"test": {"fact": "first_year", "op": "eq", "value": True}}}]}})
    /// >>> members = pd.DataFrame({"member_id": ["M-1", "M-2"], "plan": ["individual"] * 2,
    /// ...     "member_since": [date(2025, 1, 1), date(2020, 1, 1)], "term_start": [date(2025, 1, 1)] * 2,
    /// ...     "term_end": [date(2025, 12, 31)] * 2})
    /// >>> engine.segments(members.success(), None, date(2025, 5, 31)).values.tolist()
    /// [['M-1', 'first_year', 'first_year eq true (is true)']]
    fn segments<'py>(
        slf: &Bound<'py, Self>,
        members: &Bound<'py, PyAny>,
        events: &Bound<'py, PyAny>,
        as_of: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        success_call(slf, "segments", (slf, members, events, as_of))
    }

    /// The members the policy's at-risk rules flag on a date, as a `pandas.DataFrame` with one
    /// row per (member, trigger), most urgent members first: `member_id`, `priority` (the
    /// member's most urgent), `trigger` (the rule id), `trigger_priority`, `intervention` (the
    /// rule's action) and `reasons` (the tests that matched, joined by `"; "`).
    /// `previous_triggers` (dicts with `member_id`, `rule`, `date`) apply cooldowns; members held
    /// back by one are in `attrs["suppressed"]`. `attrs["members_at_risk"]` counts members;
    /// `attrs["errors"]` lists every bad row.
    ///
    /// >>> import pandas as pd
    /// >>> engine = Engine({"version": 1, "preset": "amscore", "success": {
    /// ...     "activity_kinds": [{"id": "login", "weight": "1"}],
    /// ...     "at_risk": [{"id": "quiet", "priority": 1, "action": "call", "when": {
    /// ...         "test": {"fact": "engagement_score", "op": "lt", "value": 1}}}]}})
    /// >>> members = pd.DataFrame({"member_id": ["M-1", "M-2"], "plan": ["individual"] * 2,
    /// ...     "member_since": [date(2025, 1, 1)] * 2, "term_start": [date(2025, 1, 1)] * 2,
    /// ...     "term_end": [date(2025, 12, 31)] * 2})
    /// >>> events = pd.DataFrame({"member_id": ["M-2"], "date": [date(2025, 5, 1)], "kind": ["login"]})
    /// >>> engine.at_risk(members.success(), events, date(2025, 5, 31))[["member_id", "trigger", "intervention", "reasons"]].values.tolist()
    /// [['M-1', 'quiet', 'call', 'engagement_score lt 1 (is 0.00)']]
    #[pyo3(signature = (members, events, as_of, *, previous_triggers=None))]
    fn at_risk<'py>(
        slf: &Bound<'py, Self>,
        members: &Bound<'py, PyAny>,
        events: &Bound<'py, PyAny>,
        as_of: &Bound<'py, PyAny>,
        previous_triggers: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let previous = previous_triggers.map_or_else(|| slf.py().None().into_bound(slf.py()), Clone::clone);
        success_call(slf, "at_risk", (slf, members, events, as_of, previous))
    }

    /// The cohort retention table on a date, as a `pandas.DataFrame`: one row per join year
    /// with `join_year`, `members`, and for every `k` years after joining `eligible_<k>`,
    /// `retained_<k>` (nullable ints) and `rate_<k>` (`Decimal`, None where the cohort is too
    /// young). `attrs["members"]` counts the members measured, `attrs["joined_after"]` those
    /// whose first term starts after `as_of` (in no cohort yet); `attrs["errors"]` the bad rows.
    ///
    /// >>> import pandas as pd
    /// >>> members = pd.DataFrame({"member_id": ["M-1", "M-1", "M-2"], "plan": ["individual"] * 3,
    /// ...     "member_since": [date(2023, 1, 1)] * 3, "term_start": [date(2023, 1, 1), date(2024, 1, 1), date(2023, 1, 1)],
    /// ...     "term_end": [date(2023, 12, 31), date(2024, 12, 31), date(2023, 12, 31)]})
    /// >>> table = Engine("amscore").cohort_table(members.success(), date(2025, 6, 1))
    /// >>> table[["join_year", "members", "retained_1", "rate_1"]].values.tolist()
    /// [[2023, 2, 1, Decimal('0.5000')]]
    fn cohort_table<'py>(
        slf: &Bound<'py, Self>,
        members: &Bound<'py, PyAny>,
        as_of: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        success_call(slf, "cohort_table", (slf, members, as_of))
    }

    /// Retention measured on a roster's term histories for the 12 months ending `as_of`, as a
    /// one-row `pandas.DataFrame` with flattened columns: `period_start`, `period_end`,
    /// `counts_members_now` .., `snapshot_renewal_rate_percent` .., `eligibility_churn_rate` ..,
    /// `first_year_renewal_*`, and with `economics` (a dict: `currency`, `annual_dues`,
    /// `non_dues_revenue`, optional `annual_cost`, `acquisition_cost`, exact amounts) the
    /// lifetime values (`*_lifetime_value_gross_amount`, `..._currency`, `..._net_amount`).
    /// Rates and amounts are `Decimal`. `attrs["errors"]` lists bad rows.
    ///
    /// >>> import pandas as pd
    /// >>> members = pd.DataFrame({"member_id": ["M-1", "M-1", "M-2"], "plan": ["individual"] * 3,
    /// ...     "member_since": [date(2023, 1, 1)] * 3, "term_start": [date(2024, 1, 1), date(2025, 1, 1), date(2024, 1, 1)],
    /// ...     "term_end": [date(2024, 12, 31), date(2025, 12, 31), date(2024, 12, 31)]})
    /// >>> m = Engine("amscore").retention_metrics(members.success(), date(2025, 6, 1))
    /// >>> m[["counts_members_now", "snapshot_renewal_rate_percent"]].values.tolist()
    /// [[1, Decimal('50.00')]]
    #[pyo3(signature = (members, as_of, *, economics=None))]
    fn retention_metrics<'py>(
        slf: &Bound<'py, Self>,
        members: &Bound<'py, PyAny>,
        as_of: &Bound<'py, PyAny>,
        economics: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let economics = economics.map_or_else(|| slf.py().None().into_bound(slf.py()), Clone::clone);
        success_call(slf, "retention_metrics", (slf, members, as_of, economics))
    }

    /// Retention metrics from three snapshot counts, as a one-row `pandas.DataFrame` (the same
    /// flattened columns as `retention_metrics`' `snapshot_*`, plus the counts). Raises
    /// `SuccessError` (`inconsistent_counts`) for counts that contradict each other.
    ///
    /// >>> m = Engine("amscore").snapshot_metrics(10_000, 2_000, 9_500,
    /// ...     economics={"currency": "USD", "annual_dues": 125, "non_dues_revenue": 100})
    /// >>> m[["renewal_rate_percent", "average_tenure_exact", "lifetime_value_gross_amount"]].values.tolist()
    /// [[Decimal('84.21'), '19/3', Decimal('1425.00')]]
    #[pyo3(signature = (members_now, joined_last_12_months, members_year_ago, *, economics=None))]
    fn snapshot_metrics<'py>(
        slf: &Bound<'py, Self>,
        members_now: &Bound<'py, PyAny>,
        joined_last_12_months: &Bound<'py, PyAny>,
        members_year_ago: &Bound<'py, PyAny>,
        economics: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let economics = economics.map_or_else(|| slf.py().None().into_bound(slf.py()), Clone::clone);
        success_call(slf, "snapshot_metrics", (slf, members_now, joined_last_12_months, members_year_ago, economics))
    }

    /// Members whose term ends within `within_days` of `as_of` (default the policy's
    /// `success.renewal_due_days`) or has just ended, as a `pandas.DataFrame`: `member_id`,
    /// `plan`, `status`, `term_end`, `days_left`, `auto_renew`. `attrs["errors"]` lists bad rows.
    ///
    /// >>> import pandas as pd
    /// >>> members = pd.DataFrame({"member_id": ["M-1"], "plan": ["individual"], "member_since": [date(2025, 1, 1)],
    /// ...     "term_start": [date(2025, 1, 1)], "term_end": [date(2025, 12, 31)]})
    /// >>> Engine("amscore").renewal_due(members.success(), date(2025, 12, 1))[["member_id", "days_left"]].values.tolist()
    /// [['M-1', 30]]
    #[pyo3(signature = (members, as_of, *, within_days=None))]
    fn renewal_due<'py>(
        slf: &Bound<'py, Self>,
        members: &Bound<'py, PyAny>,
        as_of: &Bound<'py, PyAny>,
        within_days: Option<u32>,
    ) -> PyResult<Bound<'py, PyAny>> {
        success_call(slf, "renewal_due", (slf, members, as_of, within_days))
    }

    /// Members the policy's upgrade rules suggest moving to another plan, as a
    /// `pandas.DataFrame`: `member_id`, `from_plan`, `to_plan`, `reasons` (joined by `"; "`).
    /// `attrs["errors"]` lists bad rows.
    ///
    /// >>> import pandas as pd
    /// >>> members = pd.DataFrame({"member_id": ["M-1"], "plan": ["individual"], "member_since": [date(2025, 1, 1)],
    /// ...     "term_start": [date(2025, 1, 1)], "term_end": [date(2025, 12, 31)]})
    /// >>> len(Engine("amscore").upgrade_candidates(members.success(), None, date(2025, 6, 1)))
    /// 0
    fn upgrade_candidates<'py>(
        slf: &Bound<'py, Self>,
        members: &Bound<'py, PyAny>,
        events: &Bound<'py, PyAny>,
        as_of: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        success_call(slf, "upgrade_candidates", (slf, members, events, as_of))
    }

    /// Where each member stands on the policy's journeys (onboarding, renewal notices) on a date,
    /// as a long `pandas.DataFrame`: one row per (member, journey, milestone) with `member_id`,
    /// `journey`, `milestone`, `state` (`done`, `missed`, `due`, `upcoming`), `due_on` and
    /// `done_on` (`datetime.date` or None). `attrs["errors"]` lists bad rows.
    ///
    /// >>> import pandas as pd
    /// >>> engine = Engine({"version": 1, "preset": "amscore", "success": {
    /// ...     "activity_kinds": [{"id": "welcome_sent", "weight": "0"}],
    /// ...     "journeys": [{"id": "onboarding", "milestones": [
    /// ...         {"id": "welcome", "anchor": "join", "day": 0, "grace_days": 5, "activity": "welcome_sent"}]}]}})
    /// >>> members = pd.DataFrame({"member_id": ["M-1"], "plan": ["individual"], "member_since": [date(2025, 1, 1)],
    /// ...     "term_start": [date(2025, 1, 1)], "term_end": [date(2025, 12, 31)]})
    /// >>> events = pd.DataFrame({"member_id": ["M-1"], "date": [date(2025, 1, 2)], "kind": ["welcome_sent"]})
    /// >>> engine.journeys(members.success(), events, date(2025, 3, 1))[["milestone", "state", "done_on"]].values.tolist()
    /// [['welcome', 'done', datetime.date(2025, 1, 2)]]
    fn journeys<'py>(
        slf: &Bound<'py, Self>,
        members: &Bound<'py, PyAny>,
        events: &Bound<'py, PyAny>,
        as_of: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        success_call(slf, "journeys", (slf, members, events, as_of))
    }

    /// The glue of the success analytics (`amscore/_success.py` calls it): `roster_csv` is the
    /// members frame written as a roster CSV, `extras` one dict (or None) per roster row with
    /// `auto_renew`, `balance_due`, `organization`, `attributes`, `activity_csv` the events
    /// frame written as an activity log. Returns `{"result", "errors", "member_rows"}`; raises
    /// `RosterError` for a roster without a required column, `SuccessError` for a refused request.
    #[allow(clippy::too_many_arguments)]
    #[pyo3(signature = (op, as_of, roster_csv, extras, activity_csv=None, options=None))]
    fn _success<'py>(
        &self,
        py: Python<'py>,
        op: &str,
        as_of: &Bound<'py, PyAny>,
        roster_csv: String,
        extras: &Bound<'py, PyAny>,
        activity_csv: Option<String>,
        options: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyDict>> {
        let as_of: Date = extract_date(as_of, "as_of")?;
        let extras: Vec<Option<success::Extras>> = serde_json::from_value(to_value(extras, "extras")?)
            .map_err(|e| PyTypeError::new_err(format!("extras: {e}")))?;
        let options: success::Options = match options {
            Some(o) if !o.is_none() => serde_json::from_value(to_value(o, "")?).map_err(|e| {
                let err =
                    amscore::success::SuccessError::InvalidInput { path: "options".into(), message: e.to_string() };
                raise(&err, Some("options"))
            })?,
            _ => success::Options::default(),
        };
        let outcome = py
            .detach(|| success::run(&self.engine, op, &roster_csv, &extras, activity_csv.as_deref(), as_of, &options));
        match outcome {
            Ok(o) => {
                let out = PyDict::new(py);
                out.set_item("result", from_value(py, &o.result)?)?;
                out.set_item("errors", from_value(py, &serde_json::Value::Array(o.errors))?)?;
                out.set_item("member_rows", o.member_rows)?;
                Ok(out)
            }
            Err(success::Failure::Roster(e)) => {
                let path = match &e {
                    amscore::RosterError::MissingColumn { column }
                    | amscore::RosterError::UnknownColumn { column }
                    | amscore::RosterError::DuplicateColumn { column } => Some(column.clone()),
                    _ => None,
                };
                Err(raise(&e, path.as_deref()))
            }
            Err(success::Failure::Success(e)) => Err(raise_core(&amscore::Error::Success(e))),
        }
    }

    fn __repr__(&self) -> String {
        format!("Engine(policy={:?})", self.policy.0.name.as_deref().unwrap_or(""))
    }

    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<(Bound<'py, PyType>, (String,))> {
        let text = slf.get().policy.0.to_json().map_err(|e| PyTypeError::new_err(e.to_string()))?;
        Ok((slf.get_type(), (text,)))
    }
}
