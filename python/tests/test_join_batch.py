"""Bulk join quotes (``Engine.quote_join_batch``): every row is the single ``Engine.quote_join``
(its total, its first term, or a bad row's error code), the lines add up to each row's total,
pyarrow, pandas and polars tables agree, the answers are the same on one thread as on every core,
and a table the batch cannot read raises naming the column."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import duckdb
import pandas as pd
import polars as pl
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import amscore

ENGINE = amscore.Engine("amscore")
PLANS = [p.id for p in ENGINE.policy.plans]
CODES = {name: code for code, name, _ in amscore.error_table()}
days = st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2040, 12, 31))
counts = st.none() | st.integers(0, 4)
seat_counts = st.none() | st.integers(0, 60)
rows = st.lists(st.tuples(st.sampled_from(PLANS + ["no-such-plan"]), days, counts, seat_counts), max_size=25)


def table_of(rows: list[tuple[str, dt.date | None, int | None, int | None]]) -> pa.Table:
    plan, join_date, terms, seats = (list(c) for c in zip(*rows)) if rows else ([], [], [], [])
    return pa.table({
        "plan": pa.array(plan, pa.string()),
        "join_date": pa.array(join_date, pa.date32()),
        "terms": pa.array(terms, pa.int64()),
        "seats": pa.array(seats, pa.int64()),
    })


def single(plan: str, on: dt.date, terms: int | None, seats: int | None) -> tuple[Any, ...]:
    """What ``Engine.quote_join`` gives, as the batch's result columns would hold it."""
    try:
        q = ENGINE.quote_join(plan, on, terms=terms, seats=seats)
    except amscore.AmsError as e:
        return (None, None, None, None, e.code)
    return (q.total.amount, q.currency, q.term.start if q.term else None, q.term.end if q.term else None, None)


def answers(out: pa.Table | pd.DataFrame) -> list[tuple[Any, ...]]:
    """Each row's total, currency, first term and error code, as Python values."""
    columns = ("quote_total", "quote_currency", "term_start", "term_end", "error_code")
    if isinstance(out, pd.DataFrame):
        values = [out[c].astype(object).where(out[c].notna(), None).tolist() for c in columns]
        return [tuple(v.date() if isinstance(v, pd.Timestamp) else v for v in row) for row in zip(*values)]
    return list(zip(*(out.column(c).to_pylist() for c in columns)))


@settings(max_examples=60)
@given(rows)
def test_every_row_is_the_single_join_quote(given_rows: list[tuple[str, dt.date, int | None, int | None]]) -> None:
    table = table_of(given_rows)
    out = ENGINE.quote_join_batch(table, threads=1)
    assert isinstance(out, pa.Table)
    assert out.column_names == table.column_names + list(amscore.JOIN_RESULT_COLUMNS)
    assert answers(out) == [single(*r) for r in given_rows]
    messages = out.column("error_message").to_pylist()
    names = out.column("error_name").to_pylist()
    for (code, name, message) in zip(out.column("error_code").to_pylist(), names, messages):
        assert (code is None) == (name is None) == (message is None)


@settings(max_examples=30)
@given(rows)
def test_the_lines_of_each_quote_add_up_to_its_total(given_rows: list[tuple[str, dt.date, int | None, int | None]]) -> None:
    table = table_of(given_rows)
    lines = ENGINE.quote_join_batch(table, lines=True)
    assert lines.column_names == list(amscore.JOIN_LINE_COLUMNS)
    sums: dict[int, Decimal] = {}
    for row, amount in zip(lines.column("row").to_pylist(), lines.column("amount").to_pylist()):
        sums[row] = sums.get(row, Decimal(0)) + amount
    out = ENGINE.quote_join_batch(table)
    totals = {i: t for i, t in enumerate(out.column("quote_total").to_pylist()) if t is not None}
    assert sums == totals
    # Each line is the single quote's line, in its order.
    want = [(i, line["kind"], line["amount"].amount, line["amount"].currency)
            for i, r in enumerate(given_rows) if i in totals for line in ENGINE.quote_join(r[0], r[1], r[2], r[3]).lines]
    got = list(zip(*(lines.column(c).to_pylist() for c in ("row", "kind", "amount", "currency"))))
    assert got == want


@pytest.fixture(scope="module")
def big() -> pa.Table:
    """3,000 rows over every plan, a bad row here and there, in three record batches."""
    n = 3000
    plan = [PLANS[i % len(PLANS)] if i % 97 else "no-such-plan" for i in range(n)]
    join_date = [dt.date(2024, 1, 1) + dt.timedelta(days=i % 731) if i % 89 else None for i in range(n)]
    terms = [None if i % 3 else 1 + i % 3 for i in range(n)]
    seats = [None if i % 5 else 5 + i % 50 for i in range(n)]
    whole = table_of(list(zip(plan, join_date, terms, seats)))
    return pa.Table.from_batches(whole.to_batches(max_chunksize=1000))


def test_one_thread_gives_what_every_core_gives(big: pa.Table) -> None:
    every = ENGINE.quote_join_batch(big)
    one = ENGINE.quote_join_batch(big, threads=1)
    assert every.equals(one)
    assert [len(b) for b in every.to_batches()] == [len(b) for b in big.to_batches()]
    assert ENGINE.quote_join_batch(big, lines=True).equals(ENGINE.quote_join_batch(big, threads=1, lines=True))
    codes = every.column("error_code").to_pylist()
    assert codes.count(CODES["missing_value"]) > 10 and codes.count(CODES["unknown_plan"]) > 10
    assert codes.count(None) > 2000


def test_pandas_polars_and_pyarrow_tables_agree(big: pa.Table) -> None:
    want = answers(ENGINE.quote_join_batch(big))
    lines = ENGINE.quote_join_batch(big, lines=True)

    frame = big.to_pandas(types_mapper={pa.int64(): pd.Int64Dtype()}.get)
    frame["plan"] = frame["plan"].astype("category")
    frame["join_date"] = pd.to_datetime(frame["join_date"])  # datetime64 at midnight
    out = ENGINE.quote_join_batch(frame)
    assert isinstance(out, pd.DataFrame) and list(out.columns) == list(frame.columns) + list(amscore.JOIN_RESULT_COLUMNS)
    assert out["quote_total"].dtype == pd.ArrowDtype(pa.decimal128(38, 2)) and out["term_end"].dtype == "datetime64[ns]"
    assert answers(out) == want
    assert pa.Table.from_pandas(ENGINE.quote_join_batch(frame, lines=True), preserve_index=False).to_pylist() == lines.to_pylist()

    polars = pl.from_arrow(big).with_columns(pl.col("plan").cast(pl.Categorical), pl.col("terms").cast(pl.Int8))
    out = ENGINE.quote_join_batch(polars, threads=1)
    assert isinstance(out, pl.DataFrame) and out.columns == polars.columns + list(amscore.JOIN_RESULT_COLUMNS)
    assert answers(out.to_arrow()) == want
    assert ENGINE.quote_join_batch(polars, lines=True).to_arrow().cast(lines.schema).equals(lines)

    text = big.set_column(1, "join_date", big.column("join_date").cast(pa.string()))  # YYYY-MM-DD text
    assert answers(ENGINE.quote_join_batch(text)) == want
    batch = big.combine_chunks().to_batches()[0]
    out = ENGINE.quote_join_batch(batch)
    assert isinstance(out, pa.RecordBatch) and answers(pa.Table.from_batches([out])) == want


def test_a_duckdb_query_is_a_join_table() -> None:
    relation = duckdb.sql(
        "select case when i = 2 then 'gold' else 'individual' end as plan, date '2025-03-10' + i::int as join_date, "
        "(i % 2 + 1)::bigint as terms from range(4) t(i) order by i"
    )
    out = ENGINE.quote_join_batch(relation)
    assert isinstance(out, pa.Table) and out.column_names == ["plan", "join_date", "terms", *amscore.JOIN_RESULT_COLUMNS]
    want = [single(p, d, t, None) for p, d, t in zip(*(out.column(c).to_pylist() for c in ("plan", "join_date", "terms")))]
    assert answers(out) == want and want[2][4] == CODES["unknown_plan"]


def test_a_bad_row_is_its_own_error() -> None:
    frame = pd.DataFrame({
        "plan": ["individual", "", "individual", "corporate", "individual"],
        "join_date": [dt.date(2025, 3, 10), dt.date(2025, 3, 10), "2025-02-30", dt.date(2025, 3, 10), dt.date(2025, 3, 10)],
        "terms": pd.array([None, None, None, None, -1], dtype="Int64"),
        "seats": pd.array([None, None, None, 500, None], dtype="Int64"),
    })
    out = ENGINE.quote_join_batch(frame)
    too_many_seats = single("corporate", dt.date(2025, 3, 10), None, 500)[4]
    assert too_many_seats is not None
    assert out["error_code"].astype(object).where(out["error_code"].notna(), None).tolist() == [
        None, CODES["missing_value"], CODES["impossible_date"], too_many_seats, CODES["unparsable_count"]]
    assert out["error_message"].iloc[1].startswith("plan: ") and out["error_message"].iloc[2].startswith("join_date: ")
    assert out["error_message"].iloc[4].startswith("terms: ")
    assert str(out["quote_total"].iloc[0]) == "225.00" and out["quote_total"].iloc[1:].isna().all()


def test_an_empty_table_gives_empty_results() -> None:
    table = table_of([])
    assert ENGINE.quote_join_batch(table).num_rows == 0
    assert ENGINE.quote_join_batch(table, lines=True).column_names == list(amscore.JOIN_LINE_COLUMNS)


def test_a_missing_join_date_column_raises_naming_it() -> None:
    with pytest.raises(amscore.RosterError, match="join_date") as e:
        ENGINE.quote_join_batch(pd.DataFrame({"plan": ["individual"]}))
    assert e.value.name == "missing_column" and e.value.path == "join_date"
    with pytest.raises(amscore.RosterError, match="join_date"):
        ENGINE.quote_join_batch(pa.table({"plan": ["individual"]}), lines=True)


@pytest.mark.parametrize("kind", ["pyarrow", "pandas", "polars"])
def test_a_float_terms_column_raises_type_error(kind: str) -> None:
    data = {"plan": ["individual", "individual"], "join_date": [dt.date(2025, 3, 10)] * 2, "terms": [1.0, None]}
    table = {"pyarrow": pa.table, "pandas": pd.DataFrame, "polars": pl.DataFrame}[kind](data)
    with pytest.raises(TypeError, match=r"table\.terms: expected a whole number column, got double"):
        ENGINE.quote_join_batch(table)


def test_an_all_missing_pandas_seats_column_is_no_seats() -> None:
    frame = pd.DataFrame({"plan": ["individual"], "join_date": [dt.date(2025, 3, 10)], "seats": [float("nan")]})
    assert str(ENGINE.quote_join_batch(frame)["quote_total"].iloc[0]) == "225.00"


def test_a_time_of_day_or_a_duplicate_column_raises() -> None:
    frame = pd.DataFrame({"plan": ["individual"], "join_date": [pd.Timestamp("2025-03-10 10:30")]})
    with pytest.raises(TypeError, match=r"table\.join_date: row 0"):
        ENGINE.quote_join_batch(frame)
    twice = pd.DataFrame([["individual", dt.date(2025, 3, 10), "x"]], columns=["plan", "join_date", "plan"])
    with pytest.raises(amscore.RosterError, match="plan"):
        ENGINE.quote_join_batch(twice)
    with pytest.raises(TypeError, match="table: expected"):
        ENGINE.quote_join_batch([("individual", dt.date(2025, 3, 10))])
