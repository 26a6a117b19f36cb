"""Typed columns (datetime64 and date32 dates, categoricals and Arrow dictionaries, bool flags,
decimal128, int and Decimal amounts, int member ids) cross into the core as buffers; every answer
is exactly the one the same frames give cell by cell (``_success._cells``, one Python value per
row, how every column crossed before), and the one the JSON gateway gives for the same members
and events."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import amscore
from amscore import _success
from conftest import PANDAS_TEXT

ENGINE = amscore.Engine({"version": 1, "preset": "amscore", "success": {
    "activity_kinds": [
        {"id": "login", "weight": "1", "cap": {"max": 2, "per": "week"}},
        {"id": "event_attended", "weight": "10"},
        {"id": "donation", "weight": "0.05", "per_value": True},
    ],
    "decay": {"kind": "half_life", "days": 90},
    "segments": [
        {"id": "quiet", "rule": {"all": [{"test": {"fact": "engagement_percentile", "op": "lt", "value": 40}},
                                         {"not": {"test": {"fact": "auto_renew", "op": "eq", "value": True}}}]}},
        {"id": "north", "rule": {"test": {"fact": "attribute.region", "op": "eq", "value": "north"}}},
    ],
    "at_risk": [{"id": "quiet", "priority": 1, "cooldown_days": 30,
                 "when": {"test": {"fact": "engagement_score", "op": "lt", "value": 3}}}],
}})
AS_OF = dt.date(2025, 6, 30)
BASE = dt.date(2023, 1, 1)
IDS = [f"M{i}" for i in range(6)]
VALUES = [None, Decimal("5"), Decimal("5.00"), Decimal("12.345"), Decimal("0.10"), Decimal("1E+1"), Decimal("-2"), Decimal("250")]

members = st.lists(
    st.tuples(
        st.sampled_from(IDS),
        st.sampled_from(["individual", "individual", "retired", "no-such-plan"]),
        st.integers(0, 700),  # days after BASE the term starts
        st.booleans(),  # auto-renew
        st.sampled_from([None, "Acme", "Initech"]),
        st.sampled_from([None, "north", "south"]),
        st.sampled_from([None, None, None, Decimal("12.50"), Decimal("0")]),  # balance due
    ),
    min_size=1,
    max_size=8,
)
events = st.lists(
    st.tuples(
        st.sampled_from(IDS + ["M9"]),
        st.integers(-30, 950),  # days after BASE
        st.sampled_from(["login", "login", "event_attended", "donation", "teleport"]),
        st.sampled_from(VALUES),
    ),
    max_size=30,
)


def member_frame(rows: list[Any]) -> pd.DataFrame:
    """Typed pandas columns: datetime64 dates (a lifetime-free roster: every term has an end), bool
    flags, text ids and plans, a region attribute, Decimal balances."""
    start = [BASE + dt.timedelta(days=r[2]) for r in rows]
    return pd.DataFrame({
        "member_id": [r[0] for r in rows],
        "plan": [r[1] for r in rows],
        "member_since": pd.to_datetime(start),
        "term_start": pd.to_datetime(start),
        "term_end": pd.to_datetime([s + dt.timedelta(days=364) for s in start]),
        "auto_renew": [r[3] for r in rows],
        "organization": [r[4] for r in rows],
        "attribute.region": [r[5] for r in rows],
        "balance_due": pd.Series([r[6] for r in rows], dtype=object),
    })


def event_frame(rows: list[Any]) -> pd.DataFrame:
    """Typed pandas columns: datetime64 dates, a categorical kind, Decimal values."""
    return pd.DataFrame({
        "member_id": [r[0] for r in rows],
        "date": pd.to_datetime([BASE + dt.timedelta(days=r[1]) for r in rows]),
        "kind": pd.Categorical([r[2] for r in rows]),
        "value": pd.Series([r[3] for r in rows], dtype=object),
    })


def variants(m: pd.DataFrame, e: pd.DataFrame) -> dict[str, tuple[Any, Any]]:
    """The same frames in the typed forms a caller may hand over."""
    as_table = lambda f: pa.Table.from_pandas(f, preserve_index=False)  # noqa: E731
    texts = e.assign(date=e["date"].dt.strftime("%Y-%m-%d"), kind=e["kind"].astype(object))
    # decimal128 holds one scale: the values at three places.
    three_places = [None if v is None else v.quantize(Decimal("0.001")) for v in e["value"]]
    arrow_events = as_table(e).set_column(3, "value", pa.array(three_places, pa.decimal128(12, 3)))
    return {
        "pandas": (m, e),
        "pandas text dates and kinds": (m, texts),
        "pandas categorical ids": (m.assign(member_id=pd.Categorical(m["member_id"])), e.assign(member_id=pd.Categorical(e["member_id"]))),
        "pandas arrow-backed": (m.assign(plan=m["plan"].astype("string[pyarrow]")), e.assign(member_id=e["member_id"].astype("string[pyarrow]"))),
        "arrow": (as_table(m), as_table(e)),
        "arrow decimal128": (as_table(m), arrow_events),
    }


def cells(frame: Any, columns: list[str], what: str) -> dict[str, list[Any]]:
    """Every column cell by cell, one Python value per row: how the frames crossed before."""
    if isinstance(frame, pa.Table):
        frame = frame.to_pandas(date_as_object=True)
    return {c: _success._cells(frame, c, what) for c in columns if c in frame.columns}


def native(op: str, m: Any, e: Any, typed: bool, options: dict[str, Any] | None = None) -> Any:
    if typed:
        mc, mn = _success._members(m)
        ec, en = _success._events(e)
    else:
        mc, mn = cells(m, list(_success.SUCCESS_MEMBER_COLUMNS) + ["attribute.region"], "members"), len(m)
        ec, en = cells(e, list(_success.EVENT_COLUMNS), "events"), len(e)
    return ENGINE._success(op, AS_OF, mc, mn, ec, en, options)


def plain(v: Any) -> Any:
    """Answers compared exactly: a Decimal by its text (places included)."""
    if isinstance(v, dict):
        return {k: plain(x) for k, x in v.items()}
    if isinstance(v, list):
        return [plain(x) for x in v]
    if isinstance(v, Decimal):
        return ("Decimal", str(v))
    return v


@settings(max_examples=60)
@given(members, events)
def test_typed_columns_answer_as_the_cells_do(m_rows: list[Any], e_rows: list[Any]) -> None:
    previous = [{"member_id": "M1", "rule": "quiet", "date": AS_OF - dt.timedelta(days=3)}]
    for name, (m, e) in variants(member_frame(m_rows), event_frame(e_rows)).items():
        for op, options in (("engagement_scores", None), ("segments", None), ("at_risk", {"previous_triggers": previous}), ("journeys", None)):
            typed = plain(native(op, m, e, True, options))
            by_cell = plain(native(op, m, e, False, options))
            assert typed == by_cell, (name, op)


@settings(max_examples=40)
@given(members, events)
def test_int_member_ids_are_their_text(m_rows: list[Any], e_rows: list[Any]) -> None:
    number = lambda rows: [(int(r[0][1:]), *r[1:]) for r in rows]  # noqa: E731
    m, e = member_frame(m_rows), event_frame(e_rows)
    mi, ei = member_frame(number(m_rows)), event_frame(number(e_rows))
    mi["member_id"] = mi["member_id"].astype(np.int64)
    ei["member_id"] = ei["member_id"].astype(np.int64)
    as_text = lambda f: f.assign(member_id=pd.Series([s[1:] for s in f["member_id"]], dtype=object, index=f.index))  # noqa: E731
    table = lambda f: pa.Table.from_pandas(f, preserve_index=False)  # noqa: E731
    for ints, texts in (((mi, ei), (as_text(m), as_text(e))), ((table(mi), table(ei)), (table(as_text(m)), table(as_text(e))))):
        a = ENGINE.engagement_scores(*ints, AS_OF)
        b = ENGINE.engagement_scores(*texts, AS_OF)
        assert a.astype(str).values.tolist() == b.astype(str).values.tolist()
        assert amscore.row_errors(a).astype(str).values.tolist() == amscore.row_errors(b).astype(str).values.tolist()


def gateway_members(rows: list[Any]) -> list[dict[str, Any]]:
    out, seen = [], set()
    for member_id, plan, offset, auto_renew, org, region, balance in rows:
        if member_id in seen:
            continue
        seen.add(member_id)
        start = (BASE + dt.timedelta(days=offset)).isoformat()
        doc: dict[str, Any] = {"membership": {"member_id": member_id, "plan": plan, "member_since": start,
                                              "term": {"start": start, "end": (BASE + dt.timedelta(days=offset + 364)).isoformat()}},
                               "auto_renew": auto_renew}
        if org:
            doc["organization"] = org
        if region:
            doc["attributes"] = {"region": region}
        if balance is not None:
            doc["balance_due"] = str(balance)
        out.append(doc)
    return out


@settings(max_examples=40)
@given(members, events)
def test_scores_and_segments_frames_are_the_gateways_answers(m_rows: list[Any], e_rows: list[Any]) -> None:
    # One row per member on a known plan (the loader and the gateway report other rows differently).
    seen: set[str] = set()
    m_rows = [r for r in m_rows if r[1] != "no-such-plan" and not (r[0] in seen or seen.add(r[0]))]
    if not m_rows:
        return
    events_doc = [{"member_id": r[0], "date": (BASE + dt.timedelta(days=r[1])).isoformat(), "kind": r[2],
                   **({} if r[3] is None else {"value": format(r[3], "f")})} for r in e_rows]
    ask = {"members": gateway_members(m_rows), "events": events_doc, "as_of": AS_OF.isoformat()}
    want = ENGINE.answer({"op": "engagement_scores", **ask})
    for name, (m, e) in variants(member_frame(m_rows), event_frame(e_rows)).items():
        scores = ENGINE.engagement_scores(m, e, AS_OF)
        rows = []
        for s in want["scores"]:
            by = {b["kind"]: b for b in s["breakdown"]}
            row = [s["member_id"], s["score"], s["percentile"], s["future_events"]]
            for k in ("login", "event_attended", "donation"):
                b = by.get(k, {"points": "0.00", "events": 0, "counted": 0, "capped": 0})
                row += [b["points"], b["events"], b["counted"], b["capped"]]
            rows.append(row)
        got = [[str(v) if isinstance(v, Decimal) else (v.item() if hasattr(v, "item") else v) for v in row] for row in scores.astype(object).values.tolist()]
        assert got == rows, name
        assert [str(d) for d in scores["score"]] == [s["score"] for s in want["scores"]]
        # member_id is text as the running pandas makes it (object under pandas 2, str under
        # pandas 3), the Decimals objects, the counts int64.
        assert list(scores.dtypes) == [PANDAS_TEXT] + [np.dtype(object)] * 2 + [np.dtype(np.int64)] + [np.dtype(object), *[np.dtype(np.int64)] * 3] * 3
        errors = amscore.row_errors(scores)
        assert sorted(zip(errors["row"], errors["code"])) == sorted((e["row"], e["code"]) for e in want["errors"]), name
        segs = ENGINE.segments(m, e, AS_OF)
        want_segs = ENGINE.answer({"op": "segments", **ask})
        assert segs.values.tolist() == [[w["member_id"], s["segment"], "; ".join(s["matched"])] for w in want_segs["members"] for s in w["segments"]]
        assert segs.attrs["members"] == [w["member_id"] for w in want_segs["members"]]


@pytest.mark.parametrize("rows", [0, 1])
def test_empty_and_one_row_frames_keep_their_column_types(rows: int) -> None:
    m = member_frame([("M1", "individual", 10, True, None, None, None)])
    e = event_frame([("M1", 20, "login", None)] * rows)
    scores = ENGINE.engagement_scores(m, e, AS_OF)
    assert len(scores) == 1 and scores["events_login"].tolist() == [rows]
    none = ENGINE.engagement_scores(m.iloc[:0], e.iloc[:0], AS_OF)
    assert len(none) == 0 and set(none.dtypes) == {np.dtype(object)}


def test_empty_typed_columns_cross_as_empty_buffers() -> None:
    m = member_frame([("M1", "individual", 10, True, None, None, None)])
    e = pa.table({"member_id": pa.array([], pa.string()), "date": pa.array([], pa.date32()),
                  "kind": pa.array([], pa.string()).dictionary_encode(), "value": pa.array([], pa.decimal128(12, 2))})
    scores = ENGINE.engagement_scores(pa.Table.from_pandas(m, preserve_index=False), e, AS_OF)
    assert scores["member_id"].tolist() == ["M1"] and scores["score"].tolist() == [Decimal("0.00")]


def test_a_day_beyond_the_calendar_is_refused_with_its_column_and_row() -> None:
    m = member_frame([("M1", "individual", 10, True, None, None, None)])
    days = pa.array([19000, 10**8], pa.int32()).cast(pa.date32())
    e = pa.table({"member_id": ["M1", "M1"], "date": days, "kind": ["login", "login"]})
    with pytest.raises(TypeError, match=r"^date: row 1: date out of range$"):
        ENGINE.engagement_scores(m, e, AS_OF)
