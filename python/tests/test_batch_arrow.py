"""The batch over any Arrow-compatible table: polars and DuckDB give the pyarrow answers, pandas
text columns of either kind are read, the answers are the same on any number of threads, a 1M-row
table keeps its rows in order, and the renewal quotes' lines add up to each total."""

from __future__ import annotations

import datetime as dt
import time
from decimal import Decimal

import duckdb
import numpy as np
import pandas as pd
import polars as pl
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import amscore
from conftest import synthetic_roster

AS_OF = dt.date(2026, 1, 20)
ENGINE = amscore.Engine("amscore")
WANTED = amscore.RESULT_COLUMNS + amscore.DECISION_COLUMNS


def roster_table(n: int = 2000, seed: int = 5) -> pa.Table:
    """A synthetic roster (bad rows included) with a term history: every 10th member has an
    earlier term on a row of its own, at the end of the table."""
    cols = synthetic_roster(n, seed=seed)
    table = pa.table(cols)
    earlier = table.take(pa.array(range(0, n, 10)))
    starts = earlier.column("term_start").to_pylist()
    earlier = earlier.set_column(3, "term_start", pa.array([s - dt.timedelta(days=365) for s in starts], pa.date32()))
    earlier = earlier.set_column(4, "term_end", pa.array([s - dt.timedelta(days=1) for s in starts], pa.date32()))
    return pa.concat_tables([table, earlier.cast(table.schema)])


def results(out: pa.Table | pd.DataFrame | pl.DataFrame) -> dict[str, list]:
    """The result columns of a batch, as Python values (pandas dates as ``date``)."""
    if isinstance(out, pl.DataFrame):
        out = out.to_arrow()
    if isinstance(out, pd.DataFrame):
        got = {}
        for name in WANTED:
            values = out[name].astype(object).where(out[name].notna(), None).tolist()
            got[name] = [v.date() if isinstance(v, pd.Timestamp) else v for v in values]
        return got
    return {name: out.column(name).to_pylist() for name in WANTED}


@pytest.fixture(scope="module")
def table() -> pa.Table:
    return roster_table()


@pytest.fixture(scope="module")
def want(table: pa.Table) -> dict[str, list]:
    out = ENGINE.batch(table, AS_OF, decide=True)
    assert out.column("error_code").null_count < out.num_rows - 10  # some bad rows, most good
    return results(out)


def test_a_polars_frame_gives_the_pyarrow_answers_as_a_polars_frame(table: pa.Table, want: dict[str, list]) -> None:
    frame = pl.from_arrow(table)
    assert isinstance(frame, pl.DataFrame)
    out = ENGINE.batch(frame, AS_OF, decide=True)
    assert isinstance(out, pl.DataFrame)
    assert out.columns == frame.columns + list(WANTED)
    assert out["member_id"].to_list() == table.column("member_id").to_pylist()
    assert out.schema["status"] == pl.Categorical and out.schema["renewal_end"] == pl.Date
    assert results(out) == want


def test_polars_categoricals_enums_and_datetimes_are_read(table: pa.Table, want: dict[str, list]) -> None:
    plans = [p.id for p in ENGINE.policy.plans] + ["no-such-plan"]
    frame = pl.DataFrame(table).with_columns(
        pl.col("plan").cast(pl.Enum(plans)),
        pl.col("member_id").cast(pl.Categorical),
        pl.col("member_since").cast(pl.Datetime("ms")),
        pl.col("term_start").cast(pl.Datetime("us")),
    )
    assert results(ENGINE.batch(frame, AS_OF, decide=True)) == want
    # A datetime with a time of day is no date: TypeError naming the column and row.
    timed = frame.with_columns(pl.when(pl.int_range(pl.len()) == 7).then(pl.col("term_start") + pl.duration(hours=9))
                               .otherwise(pl.col("term_start")).alias("term_start"))
    with pytest.raises(TypeError, match=r"^roster.term_start: row 7: expected a date, got a datetime with a time of day \(.* 09:00:00\)$"):
        ENGINE.batch(timed, AS_OF)


def test_a_duckdb_relation_gives_the_pyarrow_answers_as_a_pyarrow_table(table: pa.Table, want: dict[str, list]) -> None:
    con = duckdb.connect()
    con.register("roster", table)
    relation = con.sql("select * from roster")
    out = ENGINE.batch(relation, AS_OF, decide=True)
    assert isinstance(out, pa.Table)
    assert out.column_names == table.column_names + list(WANTED)
    assert out.column("member_id").to_pylist() == table.column("member_id").to_pylist()
    assert results(out) == want


def test_a_duckdb_query_is_a_roster() -> None:
    relation = duckdb.sql(
        "select 'M-' || i as member_id, case when i = 2 then 'platinum' else 'individual' end as plan, "
        "date '2020-01-15' as member_since, date '2025-01-15' as term_start, date '2026-01-14' as term_end, "
        "i = 1 as pending from range(4) t(i) order by i"
    )
    out = ENGINE.batch(relation, AS_OF)
    assert out.column("status").to_pylist() == ["grace", "pending", None, "grace"]
    assert out.column("error_name").to_pylist() == [None, None, "plan_not_in_policy", None]


@pytest.mark.parametrize("text", ["string[pyarrow]", "object"])
def test_pandas_text_columns_of_either_kind_give_the_pyarrow_answers(table: pa.Table, want: dict[str, list], text: str) -> None:
    frame = table.to_pandas(date_as_object=True)
    texts = ["member_id", "plan"]
    frame = frame.astype({c: text for c in texts})
    assert all(frame[c].dtype == text for c in texts)
    out = ENGINE.batch(frame, AS_OF, decide=True)
    assert isinstance(out, pd.DataFrame) and list(out.columns) == list(frame.columns) + list(WANTED)
    assert out["error_message"].dtype == pd.StringDtype("pyarrow")
    assert results(out) == want
    # Dates as datetime64 and as string[pyarrow] text.
    dated = frame.assign(member_since=pd.to_datetime(frame["member_since"]),
                         term_start=frame["term_start"].map(lambda d: d.isoformat()).astype("string[pyarrow]"))
    assert results(ENGINE.batch(dated, AS_OF, decide=True)) == want


def test_a_record_batch_and_a_stream_are_rosters(table: pa.Table, want: dict[str, list]) -> None:
    one = table.combine_chunks().to_batches()[0]
    out = ENGINE.batch(one, AS_OF, decide=True)
    assert isinstance(out, pa.RecordBatch) and results(pa.Table.from_batches([out])) == want
    stream = ENGINE.batch(pa.RecordBatchReader.from_batches(table.schema, table.to_batches(max_chunksize=300)), AS_OF, decide=True)
    assert isinstance(stream, pa.Table) and results(stream) == want


def test_result_columns_are_chunked_like_the_input(table: pa.Table, want: dict[str, list]) -> None:
    chunked = pa.Table.from_batches(table.to_batches(max_chunksize=333))
    out = ENGINE.batch(chunked, AS_OF, decide=True)
    assert [len(c) for c in out.column("status").chunks] == [len(c) for c in chunked.column("plan").chunks]
    out.validate(full=True)
    assert results(out) == want


def test_a_result_column_in_the_roster_is_replaced(table: pa.Table) -> None:
    given = table.append_column("status", pa.array(["stale"] * table.num_rows))
    out = ENGINE.batch(given, AS_OF)
    assert out.column_names.count("status") == 1 and "stale" not in out.column("status").to_pylist()
    frame = pl.from_arrow(given)
    assert "stale" not in ENGINE.batch(frame, AS_OF)["status"].to_list()


# --- Threads: the same answers, in the same order, on any number of threads -------------------


@st.composite
def histories(draw: st.DrawFn) -> pa.Table:
    """Members with one to three consecutive terms (some bad cells), rows shuffled, split into
    record batches of a drawn size, so that a member's rows fall in different batches."""
    plans = [p.id for p in ENGINE.policy.plans] + ["platinum"]
    rows = []
    for m in range(draw(st.integers(1, 40))):
        plan = draw(st.sampled_from(plans))
        since = AS_OF - dt.timedelta(days=draw(st.integers(0, 2000)))
        start = since
        for _ in range(draw(st.integers(1, 3))):
            if plan == "lifetime":
                end = None
            else:
                end = start + dt.timedelta(days=draw(st.sampled_from([364, 365, 30, -5])))
            rows.append({"member_id": f"M-{m}", "plan": plan, "member_since": since, "term_start": start, "term_end": end,
                         "pending": draw(st.sampled_from([None, False, True, "maybe"])) if draw(st.integers(0, 5)) == 0 else None})
            start = (end or start) + dt.timedelta(days=1)
    order = draw(st.permutations(range(len(rows))))
    table = pa.Table.from_pylist([{**rows[i], "pending": None if rows[i]["pending"] is None else str(rows[i]["pending"])} for i in order])
    return pa.Table.from_batches(table.to_batches(max_chunksize=draw(st.integers(1, 16))))


@given(histories(), st.sampled_from([0, 2, 3]))
@settings(max_examples=60)
def test_one_thread_gives_what_every_core_gives(roster: pa.Table, threads: int) -> None:
    serial = ENGINE.batch(roster, AS_OF, decide=True, threads=1)
    assert ENGINE.batch(roster, AS_OF, decide=True, threads=threads).equals(serial)
    assert ENGINE.batch(roster, AS_OF, threads=threads, lines=True).equals(ENGINE.batch(roster, AS_OF, threads=1, lines=True))


def test_one_thread_gives_what_every_core_gives_on_a_large_roster() -> None:
    roster = pa.Table.from_batches(roster_table(30_000, seed=9).to_batches(max_chunksize=7000))
    serial = ENGINE.batch(roster, AS_OF, decide=True, threads=1)
    assert ENGINE.batch(roster, AS_OF, decide=True).equals(serial)
    assert ENGINE.batch(roster, AS_OF, decide=True, threads=2).equals(serial)


def test_threads_is_a_count() -> None:
    roster = roster_table(10)
    with pytest.raises(ValueError, match=r"^threads: must not be negative \(got -1\)$"):
        ENGINE.batch(roster, AS_OF, threads=-1)
    with pytest.raises(TypeError, match=r"^threads: expected int, got float$"):
        ENGINE.batch(roster, AS_OF, threads=1.0)  # type: ignore[arg-type]


# --- A million members: every row answered, in order; a bad row's error in its own row ---------


def test_a_million_rows_keep_their_order_and_a_bad_row_its_own_error() -> None:
    n = 1_000_000
    i = np.arange(n)
    as_of_day = (AS_OF - dt.date(1970, 1, 1)).days
    # Each row's term ends on a day of its own (AS_OF - 45 .. AS_OF + 45 days), so an answer on
    # the wrong row shows.
    end = as_of_day - 45 + (i * 7919) % 91
    start = end - 364
    since = start - 1000 - i % 500
    bad_plan, bad_date, backwards = 123_457, 654_321, n - 1
    since[bad_date] = 3_000_000  # year 10183: no date amscore reads
    start[backwards] = end[backwards] + 10
    plan_keys = (i % 2).astype(np.int32)
    plan_keys[bad_plan] = 2
    roster = pa.table({
        "member_id": pa.array([f"M-{k}" for k in range(n)]),
        "plan": pa.DictionaryArray.from_arrays(pa.array(plan_keys), pa.array(["individual", "retired", "platinum"])),
        "member_since": pa.array(since.astype(np.int32), pa.date32()),
        "term_start": pa.array(start.astype(np.int32), pa.date32()),
        "term_end": pa.array(end.astype(np.int32), pa.date32()),
    })
    began = time.perf_counter()
    out = ENGINE.batch(roster, AS_OF)
    elapsed = time.perf_counter() - began
    print(f"1M-row batch: {elapsed:.2f} s")
    assert out.num_rows == n and out.column("member_id").equals(roster.column("member_id"))

    errors = out.column("error_code").combine_chunks()
    bad = np.flatnonzero(errors.is_valid().to_numpy(zero_copy_only=False))
    assert bad.tolist() == [bad_plan, bad_date, backwards]
    assert out.column("error_name").take(bad).to_pylist() == ["plan_not_in_policy", "impossible_date", "term_end_before_start"]
    assert out.column("error_message").take(bad).to_pylist()[:2] == [
        "plan: unknown plan `platinum`", "member_since: not a calendar date (expected YYYY-MM-DD)"]

    good = np.ones(n, dtype=bool)
    good[bad] = False
    status = out.column("status").combine_chunks().dictionary_decode().to_numpy(zero_copy_only=False)
    # Every row whose term has not ended is active; every row renewing extends its own term.
    assert (status[good & (end >= as_of_day)] == "active").all()
    assert set(status[good & (end < as_of_day)]) <= {"grace", "lapsed"}
    kind = out.column("renewal_kind").combine_chunks().dictionary_decode().to_numpy(zero_copy_only=False)
    extends = kind == "extend"
    assert extends.sum() > n // 4
    renewal_start = out.column("renewal_start").combine_chunks().cast(pa.int32()).fill_null(0).to_numpy()
    assert (renewal_start[extends] == end[extends] + 1).all()
    current = out.column("current_term").combine_chunks().to_numpy(zero_copy_only=False)
    assert current[good].all() and not current[bad].any()


# --- The renewal quotes' lines -------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["pyarrow", "pandas", "polars"])
def test_the_lines_of_each_members_quote_add_up_to_its_total(table: pa.Table, kind: str) -> None:
    given = {"pyarrow": table, "pandas": table.to_pandas(), "polars": pl.DataFrame(table)}[kind]
    lines = ENGINE.batch(given, AS_OF, lines=True)
    assert isinstance(lines, type(given))
    if kind == "pandas":
        assert list(lines.columns) == list(amscore.QUOTE_LINE_COLUMNS)
        rows = list(zip(lines["member_id"], lines["amount"], lines["currency"]))
    else:
        arrow = lines.to_arrow() if kind == "polars" else lines
        assert arrow.column_names == list(amscore.QUOTE_LINE_COLUMNS)
        rows = list(zip(*(arrow.column(c).to_pylist() for c in ("member_id", "amount", "currency"))))
    sums: dict[str, Decimal] = {}
    currencies: dict[str, set] = {}
    for member, amount, currency in rows:
        sums[member] = sums.get(member, Decimal(0)) + amount
        currencies.setdefault(member, set()).add(currency)
    out = ENGINE.batch(table, AS_OF)
    totals = {m: (t, c) for m, t, c, cur in zip(*(out.column(k).to_pylist() for k in ("member_id", "quote_total", "quote_currency",
                                                                                     "current_term"))) if cur and t is not None}
    assert len(totals) > 1000
    assert {m: (s, currencies[m].pop()) for m, s in sums.items()} == totals
    # Lines come in roster order, a member's lines together.
    order = [m for m in out.column("member_id").to_pylist() if m in totals]
    seen = list(dict.fromkeys(member for member, _, _ in rows))
    assert seen == list(dict.fromkeys(order))


def test_error_categoricals_hold_only_the_errors_that_occur(table: pa.Table) -> None:
    """The error-name columns' categories are the errors found in the result, never the whole
    error table (an analyst's value_counts() then shows no zero rows of impossible errors)."""
    frame = ENGINE.batch(table.to_pandas(), AS_OF)
    every = len(amscore.error_table())
    for column in ("renewal_refusal", "quote_error", "error_name"):
        values = frame[column]
        assert isinstance(values.dtype, pd.CategoricalDtype), column
        occurring = set(values.dropna().unique())
        assert set(values.cat.categories) == occurring, column
        if column != "quote_error":  # the synthetic roster has refusals and bad rows, no quote errors
            assert occurring, f"{column}: the synthetic roster has some"
        assert len(values.cat.categories) < every
    # The codes beside the names agree row by row.
    names = frame["error_name"].astype(object).where(frame["error_name"].notna(), None).tolist()
    codes = frame["error_code"].astype(object).where(frame["error_code"].notna(), None).tolist()
    assert all((n is None) == (c is None) for n, c in zip(names, codes))
    # Each chunk has its own dictionary; the table's column still reads as one categorical.
    arrow = ENGINE.batch(table, AS_OF)
    assert arrow.column("error_name").to_pandas().cat.categories.tolist() == sorted(
        set(arrow.column("error_name").drop_null().to_pylist()), key=list(frame["error_name"].cat.categories).index
    )
