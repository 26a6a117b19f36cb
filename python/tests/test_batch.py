"""The columnar batch over pandas and pyarrow: results per row, errors in their own row."""

from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import amscore
from conftest import synthetic_roster

AS_OF = dt.date(2026, 1, 20)


# The same problem, found by the roster's row checks (which the batch applies before assessing a
# member) rather than by the single-member API's checks of a membership: that API's code -> the
# roster's code.
SAME_PROBLEM = {1301: 1509, 1303: 1508, 1306: 1517, 1307: 1506, 1308: 1518}


def row_check(engine: amscore.Engine, plan: object, since: object, start: object, end: object) -> int | None:
    """The first problem the roster's row checks find in a row's plan and dates (their order:
    the plan, the end against the plan's kind, then the dates against each other), or None; the
    batch reports it before the member is assessed."""
    plans = {p.id: p for p in engine.policy.plans}
    if plan not in plans:
        return 1509
    if since is None or start is None:
        return 1506
    if plans[plan].is_lifetime:
        return 1518 if end is not None else None
    if end is None:
        return 1506
    if end < start:
        return 1508
    return 1517 if since > end else None


def frame(rows: list[dict]) -> pd.DataFrame:
    """One row per member (each its own member_id unless given)."""
    rows = [{"member_id": f"M-{i}", **r} for i, r in enumerate(rows)]
    base = {"plan": "individual", "member_since": dt.date(2020, 1, 15), "term_start": dt.date(2025, 1, 15), "term_end": dt.date(2026, 1, 14)}
    return pd.DataFrame([{**base, **r} for r in rows])


def expected_row(engine: amscore.Engine, row: pd.Series) -> dict:
    """What the single-member API says about one row (None for a row that is an error)."""
    problem = row_check(engine, row["plan"], row["member_since"], row["term_start"], cell(row["term_end"]))
    if problem is not None:
        return {"error_code": problem}
    try:
        term = amscore.Term(row["term_start"], row["term_end"])
        m = amscore.Membership(
            row["member_id"], row["plan"], row["member_since"], term,
            pending=bool(row.get("pending", False)), cancelled_on=row.get("cancelled_on"),
        )
        status = engine.status_on(m, AS_OF)
    except amscore.AmsError as e:
        return {"error_code": SAME_PROBLEM.get(e.code, e.code)}
    out = {"error_code": None, "status": status["status"], "counts_as_member": status["counts_as_member"]}
    try:
        r = engine.renewal_term(m, AS_OF)
        out.update(renewal_kind=r["kind"], renewal_plan=r["plan"], renewal_start=r["term"].start, renewal_end=r["term"].end, renewal_member_since=r["member_since"], renewal_refusal=None)
    except amscore.NotEligibleError as e:
        out.update(renewal_kind=None, renewal_plan=None, renewal_start=None, renewal_end=None, renewal_member_since=None, renewal_refusal=e.name)
    try:
        q = engine.quote_renewal(m, AS_OF)
        out.update(quote_total=q.total.amount, quote_currency=q.currency, quote_error=None)
    except (amscore.NotEligibleError, amscore.QuoteError) as e:
        out.update(quote_total=None, quote_currency=None, quote_error=e.name if isinstance(e, amscore.QuoteError) else None)
    return out


def actual_row(row: pd.Series) -> dict:
    def date(v: object) -> object:
        return None if pd.isna(v) else v.date()  # type: ignore[attr-defined]

    def opt(v: object) -> object:
        return None if pd.isna(v) else v

    if not pd.isna(row["error_code"]):
        return {"error_code": int(row["error_code"])}
    return {
        "error_code": None,
        "status": row["status"],
        "counts_as_member": bool(row["counts_as_member"]),
        "renewal_kind": opt(row["renewal_kind"]),
        "renewal_plan": opt(row["renewal_plan"]),
        "renewal_start": date(row["renewal_start"]),
        "renewal_end": date(row["renewal_end"]),
        "renewal_member_since": date(row["renewal_member_since"]),
        "renewal_refusal": opt(row["renewal_refusal"]),
        "quote_total": opt(row["quote_total"]),
        "quote_currency": opt(row["quote_currency"]),
        "quote_error": opt(row["quote_error"]),
    }


def test_batch_agrees_with_the_single_member_api_row_by_row(engine: amscore.Engine) -> None:
    roster = pd.DataFrame(synthetic_roster(3000))
    out = engine.batch(roster, AS_OF)
    assert len(out) == len(roster)
    assert list(out.columns) == list(roster.columns) + list(amscore.RESULT_COLUMNS)
    errors = 0
    for (_, given), (_, got) in zip(roster.iterrows(), out.iterrows()):
        want = expected_row(engine, given)
        assert actual_row(got) == want, (given.to_dict(), got.to_dict())
        errors += want["error_code"] is not None
    assert 0 < errors < 100
    assert out["quote_total"].notna().sum() > 500


def test_quote_totals_are_exact_decimals(engine: amscore.Engine) -> None:
    out = engine.batch(frame([{}, {"term_start": dt.date(2024, 12, 1), "term_end": dt.date(2025, 11, 30)}]), AS_OF)
    # In grace: dues 200.00 + late fee 10.00; lapsed: dues 200.00 + reinstatement fee 25.00.
    assert [str(v) for v in out["quote_total"]] == ["210.00", "225.00"]
    assert list(out["quote_currency"]) == ["USD", "USD"]
    table = engine.batch(pa.Table.from_pandas(frame([{}]), preserve_index=False), AS_OF)
    assert table.column("quote_total").to_pylist() == [Decimal("210.00")]


def test_decide_adds_the_route_and_reasons_of_renewing_online(engine: amscore.Engine) -> None:
    roster = frame([{}, {"term_start": dt.date(2025, 6, 1), "term_end": dt.date(2026, 5, 31)}, {"plan": "platinum"}])
    out = engine.batch(roster, AS_OF, decide=True)
    assert list(out.columns[-2:]) == list(amscore.DECISION_COLUMNS)
    assert list(out["route"].astype(object).where(out["route"].notna(), None)) == ["self_service", "refused", None]
    assert list(out["reasons"].astype(object).where(out["reasons"].notna(), None)) == ["", "renewal_window_not_open", None]
    for i in range(2):
        m = amscore.Membership("M", "individual", roster.loc[i, "member_since"], amscore.Term(roster.loc[i, "term_start"], roster.loc[i, "term_end"]))
        single = engine.decide({"at": f"{AS_OF}T00:00", "member": {"membership": m}, "action": {"kind": "renew"}})
        assert out.loc[i, "route"] == single.route
    assert "route" not in engine.batch(roster, AS_OF).columns


def test_exact_results_for_known_rows(engine: amscore.Engine) -> None:
    out = engine.batch(
        frame([
            {"member_id": "grace"},
            {"member_id": "early", "term_start": dt.date(2025, 6, 1), "term_end": dt.date(2026, 5, 31)},
            {"member_id": "lapsed", "term_start": dt.date(2024, 12, 1), "term_end": dt.date(2025, 11, 30)},
                {"member_id": "expired", "term_start": dt.date(2024, 6, 1), "term_end": dt.date(2025, 5, 31)},
            {"member_id": "lifetime", "plan": "lifetime", "term_end": None},
        ]),
        AS_OF,
    )
    assert list(out["status"]) == ["grace", "active", "lapsed", "expired", "active"]
    assert list(out["counts_as_member"]) == [True, True, False, False, True]
    assert out.loc[0, "renewal_kind"] == "extend"
    assert out.loc[0, "renewal_start"] == pd.Timestamp("2026-01-15")
    assert out.loc[0, "renewal_end"] == pd.Timestamp("2027-01-14")
    assert pd.isna(out.loc[1, "renewal_kind"]) and out.loc[1, "renewal_refusal"] == "renewal_window_not_open"
    # Reinstating back-dates the new term to close the gap; a rejoin starts on the day, anew.
    assert (out.loc[2, "renewal_kind"], out.loc[2, "renewal_start"]) == ("reinstate", pd.Timestamp("2025-12-01"))
    assert out.loc[2, "renewal_member_since"] == pd.Timestamp("2020-01-15")
    assert (out.loc[3, "renewal_kind"], out.loc[3, "renewal_start"]) == ("rejoin", pd.Timestamp("2026-01-20"))
    assert out.loc[3, "renewal_member_since"] == pd.Timestamp("2026-01-20")
    assert out.loc[4, "renewal_refusal"] == "lifetime_not_renewable"
    assert out["error_code"].isna().all()


def test_bad_rows_get_their_own_error_and_no_row_is_dropped(engine: amscore.Engine) -> None:
    roster = frame([
        {"member_id": "ok"},
        {"member_id": "unknown-plan", "plan": "platinum"},
        {"member_id": "no-plan", "plan": None},
        {"member_id": "no-since", "member_since": None},
        {"member_id": "backwards", "term_end": dt.date(2024, 1, 1)},
        {"member_id": "garbage-date", "term_start": "not a date"},
        {"member_id": "ok-too"},
    ])
    out = engine.batch(roster, AS_OF)
    assert list(out["member_id"]) == list(roster["member_id"])
    assert list(out["error_name"].astype(object).where(out["error_name"].notna(), None)) == [
        None, "plan_not_in_policy", "missing_value", "missing_value", "term_end_before_start", "impossible_date", None,
    ]
    assert list(out["error_code"].astype(object).where(out["error_code"].notna(), None)) == [None, 1509, 1506, 1506, 1508, 1507, None]
    assert out.loc[2, "error_message"] == "plan: a value is required"
    assert out.loc[3, "error_message"] == "member_since: a value is required"
    assert out.loc[4, "error_message"] == "term_end: term ends on 2024-01-01, before it starts on 2025-01-15"
    assert out.loc[5, "error_message"] == "term_start: not a calendar date (expected YYYY-MM-DD)"
    assert out.loc[1, "error_message"] == "plan: unknown plan `platinum`"
    assert out["error_message"].dtype == pd.StringDtype("pyarrow") and out["error_message"].isna().tolist() == [True, False, False, False, False, False, True]
    assert list(out["status"].isna()) == [False, True, True, True, True, True, False]


def test_pending_and_cancelled_columns_are_read(engine: amscore.Engine) -> None:
    out = engine.batch(frame([{"pending": True}, {"cancelled_on": dt.date(2025, 3, 1)}, {"pending": None, "cancelled_on": None}]), AS_OF)
    assert list(out["status"]) == ["pending", "cancelled", "grace"]
    refusals = out["renewal_refusal"].astype(object).where(out["renewal_refusal"].notna(), None)
    assert list(refusals) == ["status_not_renewable", "status_not_renewable", None]
    assert out.loc[2, "renewal_kind"] == "extend"


def test_empty_frames(engine: amscore.Engine) -> None:
    empty = frame([{}]).iloc[0:0]
    out = engine.batch(empty, AS_OF)
    assert len(out) == 0 and list(out.columns) == list(empty.columns) + list(amscore.RESULT_COLUMNS)
    table = engine.batch(pa.Table.from_pandas(frame([{}]), preserve_index=False).slice(0, 0), AS_OF)
    assert table.num_rows == 0 and table.column_names[-len(amscore.RESULT_COLUMNS):] == list(amscore.RESULT_COLUMNS)


def test_one_row_frames(engine: amscore.Engine) -> None:
    out = engine.batch(frame([{}]), AS_OF)
    assert (len(out), out.loc[0, "status"], out.loc[0, "renewal_kind"]) == (1, "grace", "extend")
    table = engine.batch(pa.Table.from_pandas(frame([{}]), preserve_index=False), AS_OF)
    assert table.column("status").to_pylist() == ["grace"]
    assert table.column("renewal_end").to_pylist() == [dt.date(2027, 1, 14)]


@pytest.mark.parametrize("column", amscore.REQUIRED_COLUMNS)
def test_missing_required_column_is_a_roster_error_naming_it(engine: amscore.Engine, column: str) -> None:
    roster = frame([{}]).drop(columns=[column])
    with pytest.raises(amscore.RosterError, match=f"missing column `{column}`") as info:
        engine.batch(roster, AS_OF)
    assert info.value.path == column
    with pytest.raises(amscore.RosterError, match=column):
        engine.batch(pa.Table.from_pandas(roster, preserve_index=False), AS_OF)


def test_pandas_and_pyarrow_agree(engine: amscore.Engine) -> None:
    roster = pd.DataFrame(synthetic_roster(500, seed=3))
    from_pandas = engine.batch(roster, AS_OF)
    from_arrow = engine.batch(pa.Table.from_pandas(roster, preserve_index=False), AS_OF).to_pandas()
    for column in amscore.RESULT_COLUMNS:
        left = from_pandas[column].astype(object).where(from_pandas[column].notna(), None).tolist()
        right = from_arrow[column].astype(object).where(from_arrow[column].notna(), None).tolist()
        if column.startswith("renewal_") and column not in ("renewal_kind", "renewal_plan", "renewal_refusal"):
            left = [None if v is None else v.date() for v in left]
        assert left == right, column


def test_a_categorical_plan_reads_as_its_text_and_an_empty_dictionary_as_missing_plans(engine: amscore.Engine) -> None:
    roster = frame([{}, {"plan": "platinum"}, {}])
    as_text = engine.batch(roster, AS_OF)
    as_categorical = engine.batch(roster.assign(plan=roster["plan"].astype("category")), AS_OF)
    for column in amscore.RESULT_COLUMNS:
        left = as_text[column].astype(object).where(as_text[column].notna(), None).tolist()
        right = as_categorical[column].astype(object).where(as_categorical[column].notna(), None).tolist()
        assert left == right, column
    # A dictionary with no values and every key null (int8 keys, as a categorical's): each row's
    # plan is missing, in its own row (the key conversion once panicked on it).
    empty = pa.DictionaryArray.from_arrays(pa.array([None] * 3, pa.int8()), pa.array([], pa.string()))
    table = pa.Table.from_pandas(roster, preserve_index=False)
    table = table.set_column(table.schema.get_field_index("plan"), "plan", empty)
    out = engine.batch(table, AS_OF)
    assert out.column("error_name").to_pylist() == ["missing_value"] * 3
    assert out.column("error_message").to_pylist() == ["plan: a value is required"] * 3


def test_datetime64_and_iso_text_columns_are_accepted(engine: amscore.Engine) -> None:
    roster = frame([{}, {}])
    as_datetime64 = roster.assign(**{c: pd.to_datetime(roster[c]) for c in ("member_since", "term_start", "term_end")})
    as_text = roster.assign(**{c: roster[c].astype(str) for c in ("member_since", "term_start", "term_end")})
    for variant in (as_datetime64, as_text):
        out = engine.batch(variant, AS_OF)
        assert list(out["status"]) == ["grace", "grace"]
        assert out["error_code"].isna().all()


def test_index_is_kept(engine: amscore.Engine) -> None:
    roster = frame([{}, {"plan": "platinum"}]).set_index(pd.Index([10, 20]))
    out = engine.batch(roster, AS_OF)
    assert list(out.index) == [10, 20] and out.loc[20, "error_name"] == "plan_not_in_policy"


def test_not_a_frame_is_a_type_error(engine: amscore.Engine) -> None:
    with pytest.raises(TypeError, match="expected a pyarrow.Table, a pandas.DataFrame, a polars.DataFrame"):
        engine.batch([{"member_id": "a"}], AS_OF)


def test_all_null_result_columns_are_valid_arrow_and_all_null(engine: amscore.Engine) -> None:
    # Columns whose rows are all null share one zeroed buffer instead of buffers of their own;
    # they must still be valid Arrow arrays of their type, null in every row.
    clean = pa.Table.from_pandas(frame([{}, {"term_start": dt.date(2025, 6, 1), "term_end": dt.date(2026, 5, 31)}]), preserve_index=False)
    out = engine.batch(clean, AS_OF, decide=True)
    out.validate(full=True)
    for column in ("error_code", "error_name", "error_message", "quote_error"):
        assert out.column(column).to_pylist() == [None, None], column
    assert out.column("error_message").type == pa.string() and out.column("error_code").type == pa.int16()
    # A roster where every row is bad: every result column but the error columns is all null.
    bad = pa.Table.from_pandas(frame([{"plan": "platinum"}, {"member_since": None}]), preserve_index=False)
    out = engine.batch(bad, AS_OF, decide=True)
    out.validate(full=True)
    assert out.column("error_name").to_pylist() == ["plan_not_in_policy", "missing_value"]
    for column in set(amscore.RESULT_COLUMNS + amscore.DECISION_COLUMNS) - {"error_code", "error_name", "error_message", "current_term"}:
        assert out.column(column).to_pylist() == [None, None], column
    assert out.column("current_term").to_pylist() == [False, False]
    assert engine.batch(bad.to_pandas(), AS_OF)["quote_total"].isna().all()


def test_pandas_results_are_the_arrow_result_columns_converted(engine: amscore.Engine) -> None:
    # The pandas result columns are the Arrow ones (bad rows and all), each converted whole.
    from amscore import _batch

    roster = pd.DataFrame(synthetic_roster(300, seed=11))
    got = engine.batch(roster, AS_OF, decide=True)
    table = engine.batch(pa.Table.from_pandas(roster, preserve_index=False), AS_OF, decide=True)
    want = roster.copy()
    for name in amscore.RESULT_COLUMNS + amscore.DECISION_COLUMNS:
        want[name] = _batch._to_pandas(pa.chunked_array([table.column(name).combine_chunks()]))
    assert got["error_code"].notna().sum() > 0 and got["quote_total"].notna().sum() > 0
    pd.testing.assert_frame_equal(got, want, check_exact=True)


# --- The batch is the core's assessment: the same answers as Engine.call, every fact read ---------

VECTORS = Path(__file__).resolve().parents[2] / "tests" / "vectors"
FACT_COLUMNS = ("member_id", "plan", "member_since", "term_start", "term_end", "pending", "cancelled_on", "deceased_on",
                "override_status", "override_until", "tax_exempt", "pause_from", "pause_to")


def fact_row(m: dict) -> dict:
    """A membership document (as the gateway reads it) as one roster row of text cells."""
    override = m.get("override") or {}
    pause = m.get("pause") or {}
    return {
        "member_id": m.get("member_id"),
        "plan": m.get("plan"),
        "member_since": m.get("member_since"),
        "term_start": m.get("term", {}).get("start"),
        "term_end": m.get("term", {}).get("end"),
        "pending": m.get("pending"),
        "cancelled_on": m.get("cancelled_on"),
        "deceased_on": m.get("deceased_on"),
        "override_status": override.get("status"),
        "override_until": override.get("until"),
        "tax_exempt": m.get("tax_exempt"),
        "pause_from": pause.get("from"),
        "pause_to": pause.get("to"),
    }


def cell(v: object) -> object:
    return None if v is None or (not isinstance(v, (list, dict)) and pd.isna(v)) else v


def day(v: object) -> str | None:
    v = cell(v)
    return None if v is None else v.date().isoformat()  # type: ignore[attr-defined]


def refused_until(error: dict) -> str | None:
    """The date a refusal names, as its message writes it (``renewal not open until 2025-10-16``)."""
    match = re.search(r"until (\d{4}-\d{2}-\d{2})$", error["message"])
    return match.group(1) if error["name"] == "renewal_window_not_open" and match else None


def answer_of_call(engine: amscore.Engine, m: dict, on: dt.date, terms: int) -> dict:
    """What Engine.call's status_on, renewal_term and quote_renewal say of one membership, in the
    shape of :func:`answer_of_row`."""
    d = lambda v: None if v is None else dt.date.fromisoformat(v)  # noqa: E731
    problem = row_check(engine, m.get("plan"), d(m.get("member_since")), d(m.get("term", {}).get("start")), d(m.get("term", {}).get("end")))
    if problem is not None:
        return {"error": problem}
    ask = {"membership": m, "date": on.isoformat()}
    status = engine.call({"op": "status_on", **ask})
    if "error" in status:
        return {"error": SAME_PROBLEM.get(status["error"]["code"], status["error"]["code"])}
    renewal = engine.call({"op": "renewal_term", **ask, "terms": terms})
    quote = engine.call({"op": "quote_renewal", **ask, "terms": terms})
    if "ok" in renewal:
        r = renewal["ok"]
        renewal_answer: tuple = ("renews", r["kind"], r["plan"], r["term"]["start"], r["term"].get("end"), r["member_since"])
        quote_answer: tuple = ("priced", Decimal(quote["ok"]["total"]), quote["ok"]["currency"]) if "ok" in quote else ("unpriced", quote["error"]["name"])
    else:
        renewal_answer = ("refused", renewal["error"]["name"], refused_until(renewal["error"]))
        # Refused, the quote is refused for the same reason; the batch says it once, in renewal_refusal.
        assert quote.get("error", {}).get("code") == renewal["error"]["code"], (renewal, quote)
        quote_answer = ("none",)
    ok = status["ok"]
    return {"error": None, "status": ok["status"], "counts_as_member": ok["counts_as_member"], "renewal": renewal_answer, "quote": quote_answer}


def answer_of_row(row: pd.Series) -> dict:
    if cell(row["error_code"]) is not None:
        return {"error": int(row["error_code"])}
    if cell(row["renewal_kind"]) is not None:
        renewal: tuple = ("renews", row["renewal_kind"], row["renewal_plan"], day(row["renewal_start"]), day(row["renewal_end"]),
                          day(row["renewal_member_since"]))
        assert cell(row["renewal_refused_until"]) is None
    else:
        renewal = ("refused", row["renewal_refusal"], day(row["renewal_refused_until"]))
    if cell(row["quote_total"]) is not None:
        # One decimal scale per column (the policy's largest): compared as numbers.
        quote: tuple = ("priced", row["quote_total"], row["quote_currency"])
    elif cell(row["quote_error"]) is not None:
        quote = ("unpriced", row["quote_error"])
    else:
        quote = ("none",)
    return {"error": None, "status": row["status"], "counts_as_member": bool(row["counts_as_member"]), "renewal": renewal, "quote": quote}


def vector_cases() -> list:
    """Every shared status, renewal and renewal-quote vector whose facts a roster row can carry
    (not those about the request document itself, nor a renewal quote for a number of seats)."""
    out = []
    for name in ("status.json", "renewal.json", "quotes_renewal.json", "quotes_tax.json", "quotes_pause.json"):
        doc = json.loads((VECTORS / name).read_text())
        for case in doc["cases"]:
            request, expect = case["request"], case["expect"]
            error = expect.get("error", {})
            if request.get("op") not in ("status_on", "renewal_term", "quote_renewal"):
                continue
            if not isinstance(request.get("membership"), dict) or "seats" in request or set(request["membership"]) - {
                    "member_id", "plan", "member_since", "term", "pending", "cancelled_on", "deceased_on", "override",
                    "tax_exempt", "pause"}:
                continue
            if error.get("code", 0) // 100 == 16:  # request_*: the document, not the facts
                continue
            out.append(pytest.param(case.get("policy", doc["policy"]), request, expect, id=f"{name[:-5]}::{case['name']}"))
    return out


VECTOR_CASES = vector_cases()


def test_the_vectors_the_batch_runs_include_every_fact_column() -> None:
    assert len(VECTOR_CASES) >= 140
    facts = {key for case in VECTOR_CASES for key in case.values[1]["membership"]}
    assert {"pending", "cancelled_on", "deceased_on", "override", "tax_exempt", "pause"} <= facts


@pytest.mark.parametrize(("policy", "request_", "expect"), VECTOR_CASES)
def test_the_batch_answers_the_shared_vectors_like_engine_call(policy: dict, request_: dict, expect: dict) -> None:
    engine = amscore.Engine(policy)
    on = dt.date.fromisoformat(request_["date"])
    terms = request_.get("terms", 1)
    row = engine.batch(pd.DataFrame([fact_row(request_["membership"])]), on, terms=terms).iloc[0]
    got = answer_of_row(row)
    assert got == answer_of_call(engine, request_["membership"], on, terms)
    # And against the vector itself, for the answer the request asks for.
    op, want = request_["op"], expect.get("ok")
    if "error" in expect:
        code = expect["error"]["code"]
        if got["error"] is not None:
            assert got["error"] == SAME_PROBLEM.get(code, code)
        else:
            assert op != "status_on"
            assert got["renewal"][1] == expect["error"]["name"] or got["quote"] == ("unpriced", expect["error"]["name"])
    elif op == "status_on":
        assert (got["status"], got["counts_as_member"]) == (want["status"], want["counts_as_member"])
    elif op == "renewal_term":
        assert got["renewal"] == ("renews", want["kind"], want["plan"], want["term"]["start"], want["term"].get("end"), want["member_since"])
    else:
        assert got["quote"] == ("priced", Decimal(want["total"]), want["currency"])


def test_a_suspended_override_is_suspended_in_the_batch_as_through_engine_call(engine: amscore.Engine) -> None:
    members = [
        {"member_id": "held", "override": {"status": "suspended"}},
        {"member_id": "held-to-june", "override": {"status": "suspended", "until": "2026-06-30"}},
        {"member_id": "hold-over", "override": {"status": "suspended", "until": "2026-01-19"}},
        {"member_id": "restored", "override": {"status": "active"}, "cancelled_on": "2025-12-01"},
    ]
    base = {"plan": "individual", "member_since": "2020-01-15", "term": {"start": "2025-01-15", "end": "2026-01-14"}}
    docs = [{**base, **m} for m in members]
    out = engine.batch(pd.DataFrame([fact_row(d) for d in docs]), AS_OF)
    called = [engine.call({"op": "status_on", "membership": d, "date": AS_OF.isoformat()})["ok"]["status"] for d in docs]
    assert list(out["status"]) == called == ["suspended", "suspended", "grace", "active"]
    assert list(out["renewal_refusal"].astype(object).where(out["renewal_refusal"].notna(), None)) == [
        "status_not_renewable", "status_not_renewable", None, None]
    # The same through pyarrow, with the override as a categorical column.
    table = pa.Table.from_pandas(pd.DataFrame([fact_row(d) for d in docs]).astype({"override_status": "category"}), preserve_index=False)
    assert engine.batch(table, AS_OF).column("status").to_pylist() == called


@pytest.mark.parametrize("missing", [None, float("nan"), pd.NaT, pd.NA], ids=["None", "NaN", "NaT", "NA"])
def test_a_missing_term_end_is_the_rows_error_unless_the_plan_is_lifetime(engine: amscore.Engine, missing: object) -> None:
    roster = frame([{"member_id": "open", "term_end": missing}, {"member_id": "ok"},
                    {"member_id": "lifetime", "plan": "lifetime", "term_end": missing}])
    out = engine.batch(roster, AS_OF)
    assert [cell(v) for v in out["error_code"]] == [1506, None, None]
    assert out.loc[0, "error_name"] == "missing_value"
    assert out.loc[0, "error_message"] == "term_end: a value is required"
    assert pd.isna(out.loc[0, "status"]) and list(out["status"][1:]) == ["grace", "active"]
    table = engine.batch(pa.Table.from_pandas(roster.astype({"term_end": "datetime64[ns]"}), preserve_index=False), AS_OF)
    assert table.column("error_code").to_pylist() == [1506, None, None]


def test_a_term_end_on_a_lifetime_plan_is_the_rows_error(engine: amscore.Engine) -> None:
    out = engine.batch(frame([{"plan": "lifetime", "term_end": dt.date(2026, 1, 14)}]), AS_OF)
    assert (out.loc[0, "error_code"], out.loc[0, "error_name"]) == (1518, "lifetime_term_has_end")
    assert out.loc[0, "error_message"] == "term_end: plan `lifetime` is a lifetime plan: its term has no end"


def test_pending_text_is_read_with_the_roster_grammar_and_a_bad_value_is_its_rows_error(engine: amscore.Engine) -> None:
    flags = ["true", "false", "Yes", "no", "Y", "n", "1", "0", "", None, "maybe"]
    out = engine.batch(frame([{"pending": f} for f in flags]), AS_OF)
    statuses = out["status"].astype(object).where(out["status"].notna(), None)
    assert list(statuses) == ["pending", "grace", "pending", "grace", "pending", "grace", "pending", "grace", "grace", "grace", None]
    assert out.iloc[-1]["error_code"] == 1515 and out.iloc[-1]["error_name"] == "unparsable_flag"
    assert out.iloc[-1]["error_message"] == "pending: not a yes/no value (true/false, yes/no, y/n, 1/0)"
    # Mixed cells (bools and text, as an object column): each is read on its own; "false" is not pending.
    mixed = engine.batch(frame([{"pending": v} for v in (True, "false", False, "yes", None)]), AS_OF)
    assert list(mixed["status"]) == ["pending", "grace", "grace", "pending", "grace"]
    # pyarrow: a string column, and a bool column.
    text = pa.Table.from_pandas(frame([{"pending": f} for f in ("false", "TRUE", None)]), preserve_index=False)
    assert engine.batch(text, AS_OF).column("status").to_pylist() == ["grace", "pending", "grace"]
    flags_column = pa.Table.from_pandas(frame([{"pending": f} for f in (False, True, None)]), preserve_index=False)
    assert flags_column.column("pending").type == pa.bool_()
    assert engine.batch(flags_column, AS_OF).column("status").to_pylist() == ["grace", "pending", "grace"]


def test_bad_override_cells_are_their_rows_errors(engine: amscore.Engine) -> None:
    out = engine.batch(
        frame([
            {"override_status": "on hold"},
            {"override_until": dt.date(2026, 6, 30)},
            {"override_status": "Suspended", "override_until": "2026-13-01"},
            {"override_status": "", "override_until": None},
            {"override_status": "Suspended", "override_until": "2026-06-30"},
        ]),
        AS_OF,
    )
    assert [cell(v) for v in out["error_code"]] == [1516, 1506, 1507, None, None]
    assert out.loc[0, "error_message"] == (
        "override_status: not a status (pending, new, active, grace, lapsed, expired, cancelled, suspended, deceased)")
    assert out.loc[1, "error_message"] == "override_status: a value is required"
    assert out.loc[2, "error_message"] == "override_until: not a calendar date (expected YYYY-MM-DD)"
    assert list(out["status"][3:]) == ["grace", "suspended"]


def test_deceased_on_is_read(engine: amscore.Engine) -> None:
    out = engine.batch(frame([{"deceased_on": dt.date(2025, 12, 1)}, {"deceased_on": dt.date(2026, 2, 1)}]), AS_OF)
    assert list(out["status"]) == ["deceased", "grace"]


def test_the_refusal_says_until_when_it_applies(engine: amscore.Engine) -> None:
    out = engine.batch(frame([{"term_start": dt.date(2025, 6, 1), "term_end": dt.date(2026, 5, 31)}, {}]), AS_OF)
    assert out.loc[0, "renewal_refusal"] == "renewal_window_not_open"
    assert out.loc[0, "renewal_refused_until"] == pd.Timestamp("2026-03-02")
    assert pd.isna(out.loc[1, "renewal_refused_until"])
    single = engine.call({"op": "renewal_term", "date": AS_OF.isoformat(), "membership": {
        "member_id": "M", "plan": "individual", "member_since": "2020-01-15", "term": {"start": "2025-06-01", "end": "2026-05-31"}}})
    assert single["error"]["message"] == "renewal not open until 2026-03-02"


# --- Property: for any members, the batch row is what Engine.call says -------------------------

PLANS = [p.id for p in amscore.Engine("amscore").policy.plans]
LIFETIME = {p.id for p in amscore.Engine("amscore").policy.plans if p.is_lifetime}
STATUSES = ["pending", "new", "active", "grace", "lapsed", "expired", "cancelled", "suspended", "deceased"]
YES, NO = ["true", "yes", "Y", "1", True], ["false", "no", "N", "0", "", False, None]
NULLS = [None, float("nan"), pd.NaT, pd.NA]


@st.composite
def members(draw: st.DrawFn, on: dt.date) -> tuple[dict, dict]:
    """A membership document for Engine.call and the same facts as roster cells (null term ends,
    flags and status names written in the ways a frame may hold them)."""
    near = lambda lo, hi: on + dt.timedelta(days=draw(st.integers(lo, hi)))  # noqa: E731
    plan = draw(st.sampled_from(PLANS))
    end = near(-500, 200)
    start = end - dt.timedelta(days=draw(st.integers(0, 800)))
    since = start - dt.timedelta(days=draw(st.integers(-30, 3000)))
    wrong_end = draw(st.integers(0, 5)) == 0  # one in six: a missing end, or an end on a lifetime plan
    has_end = (plan not in LIFETIME) != wrong_end
    pending = draw(st.integers(0, 4)) == 0
    doc: dict = {"member_id": "M", "plan": plan, "member_since": since.isoformat(),
                 "term": {"start": start.isoformat(), **({"end": end.isoformat()} if has_end else {})}, "pending": pending}
    row = fact_row(doc)
    row["term_end"] = end if has_end else draw(st.sampled_from(NULLS))
    row["pending"] = draw(st.sampled_from(YES if pending else NO))
    for fact in ("cancelled_on", "deceased_on"):
        if draw(st.integers(0, 5)) == 0:
            doc[fact] = near(-300, 300).isoformat()
            row[fact] = doc[fact]
    if draw(st.integers(0, 3)) == 0:
        status = draw(st.sampled_from(STATUSES))
        until = draw(st.none() | st.just(near(-100, 100)))
        doc["override"] = {"status": status, **({"until": until.isoformat()} if until else {})}
        row["override_status"] = draw(st.sampled_from([status, status.upper(), status.capitalize()]))
        row["override_until"] = until
    return doc, row


@st.composite
def rosters(draw: st.DrawFn) -> tuple[dt.date, int, list[tuple[dict, dict]]]:
    on = draw(st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2035, 12, 31)))
    terms = draw(st.sampled_from([1] * 6 + [2, 3, 0, 4]))
    return on, terms, draw(st.lists(members(on), min_size=1, max_size=8))


@given(rosters())
@settings(max_examples=150)
def test_every_batch_row_is_what_engine_call_says_of_the_member(case: tuple[dt.date, int, list[tuple[dict, dict]]]) -> None:
    engine = amscore.Engine("amscore")
    on, terms, generated = case
    rows = [{**row, "member_id": f"M-{i}"} for i, (_, row) in enumerate(generated)]  # one member each
    out = engine.batch(pd.DataFrame(rows, columns=FACT_COLUMNS), on, terms=terms)
    for (doc, _), (_, row) in zip(generated, out.iterrows()):
        assert answer_of_row(row) == answer_of_call(engine, doc, on, terms), doc


# --- A term history: every row of a member gets the member's answer ---------------------------


def history_roster(seed: int) -> tuple[pd.DataFrame, dict[str, dict]]:
    """Members with two or three consecutive terms each, rows shuffled; and each member's latest
    term as a membership document."""
    import random

    rng = random.Random(seed)
    plans = ["individual", "retired", "chapter", "student-y1", "fiscal"]
    rows, latest = [], {}
    for i in range(120):
        member = f"H-{i}"
        since = dt.date(2019, 1, 1) + dt.timedelta(days=rng.randrange(0, 1500))
        plan = rng.choice(plans)
        start = since
        for _ in range(rng.choice([2, 3])):
            term = engine_default.join_term(plan, start)["term"]
            row = {"member_id": member, "plan": plan, "member_since": since, "term_start": term.start, "term_end": term.end,
                   "pending": False, "cancelled_on": None}
            rows.append(row)
            start = term.end + dt.timedelta(days=1)
        if i % 7 == 0:
            rows[-1]["cancelled_on"] = rows[-1]["term_start"] + dt.timedelta(days=10)
        if i % 11 == 0:
            rows[-2]["pending"] = True  # a fact of an older term: not the member's
        last = rows[-1]
        latest[member] = {"member_id": member, "plan": plan, "member_since": since.isoformat(),
                          "term": {"start": last["term_start"].isoformat(), "end": last["term_end"].isoformat()},
                          **({"cancelled_on": last["cancelled_on"].isoformat()} if last["cancelled_on"] else {})}
    rng.shuffle(rows)
    return pd.DataFrame(rows), latest


engine_default = amscore.Engine("amscore")


@pytest.mark.parametrize("kind", ["pandas", "pyarrow"])
def test_a_term_history_gives_every_row_its_members_current_answer(kind: str) -> None:
    engine = engine_default
    roster, latest = history_roster(5)
    for on in (AS_OF, dt.date(2023, 6, 30)):
        out = engine.batch(roster if kind == "pandas" else pa.Table.from_pandas(roster, preserve_index=False), on, decide=True)
        if kind == "pyarrow":
            out = out.to_pandas(date_as_object=False)
        assert len(out) == len(roster) and out["error_code"].isna().all()
        for _, row in out.iterrows():
            doc = latest[row["member_id"]]
            assert answer_of_row(row) == answer_of_call(engine, doc, on, 1), doc
            current = pd.Timestamp(row["term_start"]) == pd.Timestamp(doc["term"]["start"])
            assert bool(row["current_term"]) == current
        assert out.groupby("member_id")["current_term"].sum().eq(1).all()
        # decide=True: every row of a member has the member's route and reasons.
        assert out.groupby("member_id")["route"].nunique(dropna=False).eq(1).all()
        assert out.groupby("member_id")["reasons"].nunique(dropna=False).eq(1).all()


def test_an_overlapping_term_is_its_rows_error_and_the_member_is_assessed_from_the_others(engine: amscore.Engine) -> None:
    roster = pd.DataFrame([
        {"member_id": "M-1", "plan": "individual", "member_since": dt.date(2020, 1, 15), "term_start": dt.date(2024, 1, 15), "term_end": dt.date(2025, 1, 14)},
        {"member_id": "M-2", "plan": "individual", "member_since": dt.date(2021, 3, 1), "term_start": dt.date(2025, 3, 1), "term_end": dt.date(2026, 2, 28)},
        {"member_id": "M-1", "plan": "individual", "member_since": dt.date(2020, 1, 15), "term_start": dt.date(2025, 1, 15), "term_end": dt.date(2026, 1, 14)},
        {"member_id": "M-1", "plan": "individual", "member_since": dt.date(2020, 1, 15), "term_start": dt.date(2025, 6, 1), "term_end": dt.date(2026, 5, 31)},
        {"member_id": "M-1", "plan": "individual", "member_since": dt.date(2020, 1, 15), "term_start": dt.date(2024, 1, 15), "term_end": dt.date(2025, 1, 14)},
    ])
    out = engine.batch(roster, AS_OF)
    assert [cell(v) for v in out["error_code"]] == [None, None, None, 1510, 1511]
    assert list(out["error_name"].astype(object).where(out["error_name"].notna(), None)) == [
        None, None, None, "overlapping_terms", "duplicate_term_record"]
    assert out.loc[3, "error_message"] == "term_start: term 2025-06-01..=2026-05-31 overlaps term 2025-01-15..=2026-01-14 of row 3"
    assert out.loc[4, "error_message"] == "term_start: duplicate of row 1 (same member and term start)"
    # M-1 is assessed from rows 0 and 2: in grace on its 2025-01-15 term, as Engine.call says.
    m1 = {"member_id": "M-1", "plan": "individual", "member_since": "2020-01-15", "term": {"start": "2025-01-15", "end": "2026-01-14"}}
    for i in (0, 2):
        assert answer_of_row(out.loc[i]) == answer_of_call(engine, m1, AS_OF, 1)
    assert list(out["current_term"]) == [False, True, True, False, False]
    assert list(out["status"].astype(object).where(out["status"].notna(), None)) == ["grace", "active", "grace", None, None]


def test_the_batch_reads_the_success_frames_member_columns(engine: amscore.Engine) -> None:
    roster = frame([{}, {"currency": "EUR"}, {"amount_paid": "200.001"}, {"auto_renew": "perhaps"}, {"balance_due": Decimal("-1")},
                    {"amount_paid": Decimal("200.00"), "currency": "usd", "auto_renew": True, "balance_due": 0, "organization": "ACME"}])
    out = engine.batch(roster, AS_OF)
    assert [cell(v) for v in out["error_code"]] == [None, 1512, 1514, 1515, 1514, None]
    assert list(out["status"].astype(object).where(out["status"].notna(), None)) == ["grace", None, None, None, None, "grace"]
    with pytest.raises(TypeError, match=r"roster.amount_paid: float is not an exact amount"):
        engine.batch(frame([{"amount_paid": 200.0}]), AS_OF)
    with pytest.raises(amscore.RosterError, match="duplicate column `currency`"):
        engine.batch(pd.concat([roster[["currency"]], roster], axis=1), AS_OF)


def test_a_pause_needs_both_days_and_tax_exempt_is_a_flag_in_the_batch(engine: amscore.Engine) -> None:
    # One pause day without the other is missing_value on the empty column; a pause outside the
    # row's term is the membership's own error; tax_exempt reads as the roster's flags do.
    roster = frame([
        {"pause_from": dt.date(2025, 6, 1)},
        {"pause_to": "2025-06-30"},
        {"pause_from": "2024-12-01", "pause_to": "2025-06-30"},
        {"tax_exempt": "maybe"},
        {"tax_exempt": "yes", "pause_from": "2025-06-01", "pause_to": "2025-06-30"},
    ])
    out = engine.batch(roster, AS_OF)
    assert [cell(v) for v in out["error_name"]] == ["missing_value", "missing_value", "pause_outside_term", "unparsable_flag", None]
    assert list(out["error_message"][:2]) == ["pause_to: a value is required", "pause_from: a value is required"]
    # The paused, exempt member is the single call's.
    m = {"member_id": "M-4", "plan": "individual", "member_since": "2020-01-15", "term": {"start": "2025-01-15", "end": "2026-01-14"},
         "tax_exempt": True, "pause": {"from": "2025-06-01", "to": "2025-06-30"}}
    assert answer_of_row(out.iloc[4]) == answer_of_call(engine, m, AS_OF, 1)
