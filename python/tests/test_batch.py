"""The columnar batch over pandas and pyarrow: results per row, errors in their own row."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pandas as pd
import pyarrow as pa
import pytest

import amscore
from conftest import synthetic_roster

AS_OF = dt.date(2026, 1, 20)


def frame(rows: list[dict]) -> pd.DataFrame:
    base = {"member_id": "M", "plan": "individual", "member_since": dt.date(2020, 1, 15), "term_start": dt.date(2025, 1, 15), "term_end": dt.date(2026, 1, 14)}
    return pd.DataFrame([{**base, **r} for r in rows])


def expected_row(engine: amscore.Engine, row: pd.Series) -> dict:
    """What the single-member API says about one row (None for a row that is an error)."""
    try:
        term = amscore.Term(row["term_start"], row["term_end"])
        m = amscore.Membership(
            row["member_id"], row["plan"], row["member_since"], term,
            pending=bool(row.get("pending", False)), cancelled_on=row.get("cancelled_on"),
        )
        status = engine.status_on(m, AS_OF)
    except amscore.AmsError as e:
        return {"error_code": e.code}
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
        None, "unknown_plan", "request_missing_field", "request_missing_field", "term_ends_before_start", "invalid_date", None,
    ]
    assert list(out["error_code"].astype(object).where(out["error_code"].notna(), None)) == [None, 1301, 1603, 1603, 1303, 1103, None]
    assert out.loc[2, "error_message"] == "plan: missing value"
    assert out.loc[3, "error_message"] == "member_since: missing value"
    assert out.loc[5, "error_message"] == "term_start: not a valid date"
    assert out.loc[1, "error_message"] == "unknown plan `platinum`"
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
    assert list(out.index) == [10, 20] and out.loc[20, "error_name"] == "unknown_plan"


def test_not_a_frame_is_a_type_error(engine: amscore.Engine) -> None:
    with pytest.raises(TypeError, match="pandas.DataFrame or a pyarrow.Table"):
        engine.batch([{"member_id": "a"}], AS_OF)
