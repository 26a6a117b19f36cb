"""Benchmark (not a test): the roster kernel of issue 15. On one generated roster, nanoseconds per
member for the same rules written five ways: plain Python (datetime, dateutil, decimal), numpy
(vectorised: datetime64[D] / int32 days, int64 cents), a hand-written Rust loop over plain
columns (``benches/roster.rs``), amscore's per-member call from Rust (``Engine::assess``) and
amscore's columnar batch from Python (``Engine.batch``, a ``pyarrow.Table`` in, and a
``pandas.DataFrame``). Every implementation is checked against amscore on every row before any
time is printed; a mismatch stops the run. Also the batch's peak memory against the input's size.

    python benches/roster.py [--rows 1000000]          # one roster: the table and the targets
    python benches/roster.py --sizes 10000,100000,1000000   # and the cost per member by size

Run it with the Python that has the module built (``.venv/bin/python`` after
``./scripts/test.sh``); it builds and runs the Rust half with ``cargo bench -p amscore --bench
roster`` (``--no-rust`` skips it). The roster is written to ``<target>/roster-bench/`` (the
``CARGO_TARGET_DIR``, or ``target/`` in the repository) for the Rust half to read.

The rules, per member as of 2026-01-20 on the amscore preset (``core/presets/amscore.json``):
the lifecycle status (pending, new, active, grace, lapsed, expired); the renewal that day (kind
extend / reinstate / rejoin, the new term's plan, start and end, member-since afterwards) or its
refusal (``renewal_window_not_open`` with the day it opens, ``status_not_renewable`` for a pending
member, ``rejoin_on_renewal_only_plan``); and the renewal quote's total in cents (the next plan's
dues, plus the late fee when renewing in grace, plus the reinstatement fee when reinstating; a
rejoin is a join quote: dues and join fee). The roster's plans are the preset's rolling
one-year plans: ``individual``, ``retired``, ``student-y1`` (renews to ``student-y2``) and
``student-y2`` (renews to ``individual``; renewal-only, so an expired member cannot rejoin it).
The plain and numpy versions know exactly these plans' rules: a term ends the day before its
anniversary, months are added with the day clamped to the month's end, reinstatements are
back-dated, one term is bought, no multi-term discount.

Times are wall clock and CPU time (summed over a run's threads), each the best of ``--repeat``
runs (plain Python: one run, over at most ``--python-rows`` rows); the Rust half runs its three
in at least five rounds. The machine is shared: a CPU/wall column shows the cores each run had.
The plain-Python rows are built from the table before the clock starts (as a cursor would hand
them over); numpy and the batch start from the ``pyarrow.Table``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import inspect
import os
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path
from typing import Any, Callable, NamedTuple, Optional, TypeVar

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.feather as feather
from dateutil.relativedelta import relativedelta

import amscore

REPO = Path(__file__).resolve().parent.parent
AS_OF = dt.date(2026, 1, 20)
EPOCH = dt.date(1970, 1, 1)
SEED = 42
PLAIN_PYTHON_MAX_ROWS = 1_000_000  # plain Python runs on at most this many rows (the first ones)
FLAT = 1.25  # "flat" cost per member: the highest ns/member over the sizes at most this times the lowest (our reading)

I8 = npt.NDArray[np.int8]
I32 = npt.NDArray[np.int32]
I64 = npt.NDArray[np.int64]
T = TypeVar("T")


class Plan(NamedTuple):
    """One plan's rules, as the plain and numpy versions know them (rolling, one year)."""

    id: str
    opens_days: int  # the renewal window opens this many days before the term's last day
    grace_days: int
    reinstatement_months: int  # after grace
    renew_to: str  # the plan of an extended or reinstated term
    renewal_only: bool  # an expired member cannot rejoin it
    dues: Decimal  # one term, joining or renewing (no separate renewal price)
    join_fee: Decimal
    reinstatement_fee: Decimal
    late_fee: Decimal  # renewing in grace


ZERO = Decimal("0.00")
PLANS = (
    Plan("individual", 90, 30, 6, "individual", False, Decimal("200.00"), Decimal("25.00"), Decimal("25.00"), Decimal("10.00")),
    Plan("retired", 90, 30, 6, "retired", False, Decimal("90.00"), ZERO, ZERO, ZERO),
    Plan("student-y1", 60, 30, 3, "student-y2", False, Decimal("50.00"), ZERO, ZERO, ZERO),
    Plan("student-y2", 60, 30, 3, "individual", True, Decimal("75.00"), ZERO, ZERO, ZERO),
)
PLAN_WEIGHTS = (0.5, 0.2, 0.15, 0.15)
PLAN_BY_ID = {p.id: p for p in PLANS}
PLAN_INDEX = {p.id: i for i, p in enumerate(PLANS)}

# The answer's codes (the comparison's common form).
STATUSES = ("pending", "new", "active", "grace", "lapsed", "expired")
KINDS = ("extend", "reinstate", "rejoin")
REFUSALS = ("renewal_window_not_open", "status_not_renewable", "rejoin_on_renewal_only_plan", "backdate_too_short")
NONE = -1  # no code: no kind, no refusal, no plan
NO_DATE = -(2**31)
NO_TOTAL = -(2**63)


class Answers(NamedTuple):
    """Every member's answer as columns: codes index STATUSES, KINDS, REFUSALS and PLANS
    (``NONE`` for none), dates are days since 1970-01-01 (``NO_DATE``), totals are cents
    (``NO_TOTAL``). Renewal fields are set only when the renewal is not refused."""

    status: I8
    kind: I8
    plan: I8
    start: I32
    end: I32
    member_since: I32
    refusal: I8
    refused_until: I32
    total: I64


# ---- the roster ---------------------------------------------------------------------------------


def days(date: dt.date) -> int:
    return (date - EPOCH).days


def add_months(day: I64, months: int | I64) -> I64:
    """Vectorised: ``months`` calendar months after each day (days since 1970-01-01), the day of
    the month clamped to the target month's last day (Jan 31 + 1 month = Feb 28 or 29)."""
    d = day.astype("datetime64[D]")
    month = d.astype("datetime64[M]")
    day_of_month = d - month.astype("datetime64[D]")  # 0-based
    target = month + np.asarray(months, dtype=np.int64).astype("timedelta64[M]")
    first = target.astype("datetime64[D]")
    last = (target + np.timedelta64(1, "M")).astype("datetime64[D]") - np.timedelta64(1, "D")
    return np.asarray(np.minimum(first + day_of_month, last), dtype=np.int64)


def synthetic(rows: int, seed: int = SEED) -> pa.Table:
    """A deterministic roster as of AS_OF, one row per member: a one-year term that started up to
    800 days before the date (so about 45 % are within their term, most before their renewal
    window opens, 4 % in grace, a fifth lapsed and the rest expired); member-since is the term's
    start for three members in ten (the newest of them are ``new``), otherwise 1 to 11 years and
    up to 40 days earlier (every day of the month, so month ends are clamped); 1 % pending."""
    rng = np.random.default_rng(seed)
    as_of = days(AS_OF)
    start = as_of - rng.integers(0, 800, rows)
    first_term = rng.random(rows) < 0.3
    since = np.where(first_term, start, start - 365 * rng.integers(1, 12, rows) - rng.integers(0, 40, rows))
    end = add_months(start, 12) - 1
    plan = rng.choice(len(PLANS), size=rows, p=PLAN_WEIGHTS).astype(np.int8)
    return pa.table(
        {
            "member_id": pa.array([f"M-{i:08d}" for i in range(rows)]),
            "plan": pa.DictionaryArray.from_arrays(pa.array(plan), pa.array([p.id for p in PLANS])),
            "member_since": pa.array(since.astype(np.int32)).cast(pa.date32()),
            "term_start": pa.array(start.astype(np.int32)).cast(pa.date32()),
            "term_end": pa.array(end.astype(np.int32)).cast(pa.date32()),
            "pending": pa.array(rng.random(rows) < 0.01),
        }
    )


# ---- (a) plain Python ---------------------------------------------------------------------------

Row = tuple[str, dt.date, dt.date, dt.date, bool]  # plan, member_since, term_start, term_end, pending
Result = tuple[str, Optional[str], Optional[str], Optional[dt.date], Optional[dt.date], Optional[dt.date], Optional[str], Optional[dt.date], Optional[Decimal]]
# status, kind, plan, start, end, member_since, refusal, refused_until, total


def plain_python(rows: list[Row], as_of: dt.date) -> list[Result]:
    """The rules, row by row, with datetime, dateutil's relativedelta (which clamps to the
    month's end) and Decimal amounts."""
    one_day = dt.timedelta(days=1)
    one_year = relativedelta(years=1)
    three_months = relativedelta(months=3)
    reinstatement = {p.id: relativedelta(months=p.reinstatement_months) for p in PLANS}
    out: list[Result] = []
    for plan_id, since, _start, end, pending in rows:
        p = PLAN_BY_ID[plan_id]
        if pending:
            out.append(("pending", None, None, None, None, None, "status_not_renewable", None, None))
            continue
        grace_end = end + dt.timedelta(days=p.grace_days)
        if as_of <= min(since + three_months - one_day, end):
            status = "new"
        elif as_of <= end:
            status = "active"
        elif as_of <= grace_end:
            status = "grace"
        elif as_of <= grace_end + reinstatement[plan_id]:
            status = "lapsed"
        else:
            status = "expired"
        if status == "expired":
            if p.renewal_only:
                out.append((status, None, None, None, None, None, "rejoin_on_renewal_only_plan", None, None))
                continue
            kind, plan, start, since_after = "rejoin", p.id, as_of, as_of
            total = p.dues + p.join_fee
        else:
            opens_on = end - dt.timedelta(days=p.opens_days)
            if status != "lapsed" and as_of < opens_on:
                out.append((status, None, None, None, None, None, "renewal_window_not_open", opens_on, None))
                continue
            kind = "reinstate" if status == "lapsed" else "extend"
            plan, start, since_after = p.renew_to, end + one_day, since
            fee = p.reinstatement_fee if status == "lapsed" else p.late_fee if status == "grace" else ZERO
            total = PLAN_BY_ID[p.renew_to].dues + fee
        new_end = start + one_year - one_day
        if kind != "rejoin" and new_end < as_of:
            out.append((status, None, None, None, None, None, "backdate_too_short", None, None))
            continue
        out.append((status, kind, plan, start, new_end, since_after, None, None, total))
    return out


def python_rows(table: pa.Table) -> list[Row]:
    cols = [table.column(c).to_pylist() for c in ("plan", "member_since", "term_start", "term_end", "pending")]
    return list(zip(*cols))


def answers_of_python(results: list[Result]) -> Answers:
    n = len(results)
    a = _blank(n)

    def code(names: tuple[str, ...], value: Optional[str]) -> int:
        return NONE if value is None else names.index(value)

    def day(value: Optional[dt.date]) -> int:
        return NO_DATE if value is None else days(value)

    plan_ids = tuple(p.id for p in PLANS)
    for i, (status, kind, plan, start, end, since, refusal, until, total) in enumerate(results):
        a.status[i] = STATUSES.index(status)
        a.kind[i] = code(KINDS, kind)
        a.plan[i] = code(plan_ids, plan)
        a.start[i], a.end[i], a.member_since[i], a.refused_until[i] = day(start), day(end), day(since), day(until)
        a.refusal[i] = code(REFUSALS, refusal)
        a.total[i] = NO_TOTAL if total is None else int(total.quantize(Decimal("0.01")) * 100)
    return a


def _blank(n: int) -> Answers:
    return Answers(
        status=np.full(n, NONE, np.int8),
        kind=np.full(n, NONE, np.int8),
        plan=np.full(n, NONE, np.int8),
        start=np.full(n, NO_DATE, np.int32),
        end=np.full(n, NO_DATE, np.int32),
        member_since=np.full(n, NO_DATE, np.int32),
        refusal=np.full(n, NONE, np.int8),
        refused_until=np.full(n, NO_DATE, np.int32),
        total=np.full(n, NO_TOTAL, np.int64),
    )


# ---- (b) numpy ----------------------------------------------------------------------------------

# Per-plan parameters as arrays, indexed by the plan's code.
OPENS_DAYS = np.array([p.opens_days for p in PLANS], np.int64)
GRACE_DAYS = np.array([p.grace_days for p in PLANS], np.int64)
REINSTATEMENT_MONTHS = np.array([p.reinstatement_months for p in PLANS], np.int64)
RENEW_TO = np.array([PLAN_INDEX[p.renew_to] for p in PLANS], np.int8)
RENEWAL_ONLY = np.array([p.renewal_only for p in PLANS])
DUES = np.array([int(p.dues * 100) for p in PLANS], np.int64)
JOIN_FEE = np.array([int(p.join_fee * 100) for p in PLANS], np.int64)
REINSTATEMENT_FEE = np.array([int(p.reinstatement_fee * 100) for p in PLANS], np.int64)
LATE_FEE = np.array([int(p.late_fee * 100) for p in PLANS], np.int64)


def _days(table: pa.Table, name: str) -> I64:
    return np.asarray(table.column(name).combine_chunks().cast(pa.int32()).to_numpy(), dtype=np.int64)


def numpy_rules(table: pa.Table, as_of_date: dt.date) -> Answers:
    """The rules, vectorised over the table's columns: int64 day numbers (month arithmetic by
    ``add_months``, with the clamp), per-plan parameters gathered by plan code, int64 cents."""
    as_of = days(as_of_date)
    plans = table.column("plan").combine_chunks()
    # The table's dictionary order may differ from PLANS': map its codes to ours.
    ours = np.array([PLAN_INDEX[name] for name in plans.dictionary.to_pylist()], np.int8)
    plan = ours[plans.indices.to_numpy()]
    since, end = _days(table, "member_since"), _days(table, "term_end")
    pending = table.column("pending").combine_chunks().to_numpy(zero_copy_only=False)

    grace_end = end + GRACE_DAYS[plan]
    new = as_of <= np.minimum(add_months(since, 3) - 1, end)
    active = as_of <= end
    grace = as_of <= grace_end
    lapsed = as_of <= add_months(grace_end, REINSTATEMENT_MONTHS[plan])
    status = np.select([pending, new, active, grace, lapsed], [0, 1, 2, 3, 4], 5).astype(np.int8)

    is_lapsed, rejoin = status == 4, status == 5
    extend = (status >= 1) & (status <= 3)
    opens_on = end - OPENS_DAYS[plan]
    window_closed = extend & (as_of < opens_on)
    start = np.where(rejoin, as_of, end + 1)
    new_end = add_months(start, 12) - 1
    backdate = ~rejoin & (new_end < as_of)
    refusal = np.select(
        [pending, window_closed, rejoin & RENEWAL_ONLY[plan], (extend | is_lapsed) & backdate], [1, 0, 2, 3], NONE
    ).astype(np.int8)
    ok = refusal == NONE
    next_plan = np.where(rejoin, plan, RENEW_TO[plan])
    fee = np.where(status == 3, LATE_FEE[plan], 0) + np.where(is_lapsed, REINSTATEMENT_FEE[plan], 0)
    total = np.where(rejoin, DUES[plan] + JOIN_FEE[plan], DUES[next_plan] + fee)
    return Answers(
        status=status,
        kind=np.where(ok, np.select([extend, is_lapsed], [0, 1], 2), NONE).astype(np.int8),
        plan=np.where(ok, next_plan, NONE).astype(np.int8),
        start=np.where(ok, start, NO_DATE).astype(np.int32),
        end=np.where(ok, new_end, NO_DATE).astype(np.int32),
        member_since=np.where(ok, np.where(rejoin, as_of, since), NO_DATE).astype(np.int32),
        refusal=refusal,
        refused_until=np.where(window_closed, opens_on, NO_DATE).astype(np.int32),
        total=np.where(ok, total, NO_TOTAL),
    )


# ---- (c) amscore --------------------------------------------------------------------------------


def _codes(column: Any, names: tuple[str, ...]) -> I8:
    """A text or categorical column's values as indices into ``names`` (null: NONE); a value not
    in ``names`` is an error."""
    text = pc.cast(column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column, pa.string())
    index = pc.index_in(text, value_set=pa.array(names, pa.string()))
    unknown = pc.and_(pc.is_null(index), pc.is_valid(text))
    if pc.any(unknown).as_py():
        raise SystemExit(f"unexpected value {pc.filter(text, unknown)[0]} (expected one of {names})")
    return np.asarray(pc.fill_null(index, NONE).to_numpy(), dtype=np.int8)


def _day_column(column: Any) -> I32:
    if pa.types.is_timestamp(column.type):  # a pandas result's datetime64[ns]
        column = pc.cast(column, pa.date32())
    return np.asarray(pc.fill_null(pc.cast(column, pa.int32()), NO_DATE).to_numpy(), dtype=np.int32)


def answers_of_batch(result: Any) -> Answers:
    """The batch's result (a ``pyarrow.Table`` or a ``pandas.DataFrame``) in the common form."""
    if not isinstance(result, pa.Table):
        result = pa.Table.from_pandas(result[list(RESULT_COLUMNS)], preserve_index=False)
    errors = result.column("error_name").null_count
    if errors != result.num_rows:
        first = pc.index(pc.is_valid(result.column("error_name")), True).as_py()
        raise SystemExit(f"amscore gave {result.num_rows - errors} rows an error; first row {first}: {result.slice(first, 1).to_pylist()}")
    quote_errors = result.column("quote_error").null_count
    if quote_errors != result.num_rows:
        raise SystemExit(f"amscore could not price {result.num_rows - quote_errors} renewals")
    # decimal128(38, 2): narrowed first, so that the product's precision stays within 38 digits.
    total = pc.cast(result.column("quote_total"), pa.decimal128(18, 2))
    cents = pc.cast(pc.multiply(total, pa.scalar(Decimal(100))), pa.int64())
    return Answers(
        status=_codes(result.column("status"), STATUSES),
        kind=_codes(result.column("renewal_kind"), KINDS),
        plan=_codes(result.column("renewal_plan"), tuple(p.id for p in PLANS)),
        start=_day_column(result.column("renewal_start")),
        end=_day_column(result.column("renewal_end")),
        member_since=_day_column(result.column("renewal_member_since")),
        refusal=_codes(result.column("renewal_refusal"), REFUSALS),
        refused_until=_day_column(result.column("renewal_refused_until")),
        total=pc.fill_null(cents, NO_TOTAL).to_numpy().astype(np.int64),
    )


RESULT_COLUMNS = (
    "status",
    "renewal_kind",
    "renewal_plan",
    "renewal_start",
    "renewal_end",
    "renewal_member_since",
    "renewal_refusal",
    "renewal_refused_until",
    "quote_total",
    "quote_error",
    "error_name",
)


def batch_threads() -> bool:
    """Whether ``Engine.batch`` takes a ``threads=`` keyword."""
    return "threads" in inspect.signature(amscore.Engine.batch).parameters


def _columns(answers: Answers) -> list[npt.NDArray[np.signedinteger[Any]]]:
    return [answers.status, answers.kind, answers.plan, answers.start, answers.end, answers.member_since, answers.refusal, answers.refused_until, answers.total]


def check(name: str, got: Answers, want: Answers, table: pa.Table) -> None:
    """Stops the run unless ``got`` is ``want`` on every row (``table``: the inputs, to show)."""
    pairs = list(zip(Answers._fields, _columns(got), _columns(want)))
    wrong = np.zeros(len(want.status), bool)
    for _field, a, b in pairs:
        if len(a) != len(b):
            raise SystemExit(f"{name}: {len(a)} answers for {len(b)} members")
        wrong |= a != b
    if wrong.any():
        i = int(np.flatnonzero(wrong)[0])
        detail = {f: (int(a[i]), int(b[i])) for f, a, b in pairs if a[i] != b[i]}
        raise SystemExit(
            f"{name} disagrees with amscore on {int(wrong.sum()):,} rows; first row {i}: "
            f"{table.slice(i, 1).to_pylist()[0]}: (theirs, amscore's) {detail}"
        )


# ---- timing -------------------------------------------------------------------------------------


def best_of(f: Callable[[], T], repeat: int) -> tuple[float, float, T]:
    """The best wall-clock time and the best CPU time (of the process: every thread's, summed) of
    ``repeat`` calls, in seconds (on a shared machine the best run is the one least disturbed),
    and the last call's result."""
    wall, cpu, out = float("inf"), float("inf"), None
    for _ in range(repeat):
        started, cpu_started = time.perf_counter(), time.process_time()
        out = f()
        cpu = min(cpu, time.process_time() - cpu_started)
        wall = min(wall, time.perf_counter() - started)
    assert out is not None
    return wall, cpu, out


class Timing(NamedTuple):
    name: str
    threads: int
    ns: float  # per member, wall clock
    cpu_ns: float  # per member, CPU time summed over the threads
    rows: int  # members timed


def target_dir() -> Path:
    return Path(os.environ.get("CARGO_TARGET_DIR") or REPO / "target")


def rust_half(table: pa.Table, as_of: dt.date, repeat: int) -> list[Timing]:
    """Writes the roster as CSV and runs ``benches/roster.rs`` on it (which checks its hand loop
    against ``Engine::assess`` on every row, and fails otherwise)."""
    folder = target_dir() / "roster-bench"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"roster-{table.num_rows}.csv"
    columns = ["member_id", "plan", "member_since", "term_start", "term_end", "pending"]
    plain = table.select(columns).set_column(1, "plan", pc.cast(table.column("plan"), pa.string()))
    pacsv.write_csv(plain, str(path))
    command = ["cargo", "bench", "--quiet", "-p", "amscore", "--bench", "roster", "--", str(path), "--as-of", as_of.isoformat(), "--repeat", str(repeat), "--tsv"]
    run = subprocess.run(command, cwd=REPO, capture_output=True, text=True)
    if run.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{run.stdout}{run.stderr}")
    lines = [line.split("\t") for line in run.stdout.splitlines() if "\t" in line]
    rows = int(lines[0][1])
    if lines[0] != ["rows", str(table.num_rows), "agree", str(table.num_rows)]:
        raise SystemExit(f"the Rust half did not check every row: {run.stdout}")
    return [Timing(name, int(threads), float(wall), float(cpu), rows) for name, threads, wall, cpu in lines[1:]]


def measure(rows: int, repeat: int, rust: bool, python_max: int) -> tuple[list[Timing], pa.Table, Answers]:
    """Every implementation on one roster of ``rows`` members, each checked against amscore."""
    table = synthetic(rows)
    engine = amscore.Engine("amscore")
    engine.batch(table.slice(0, 100), AS_OF)  # warm up imports
    timings: list[Timing] = []

    if batch_threads():
        cores = os.cpu_count() or 1
        runs = [("amscore Engine.batch (pyarrow in)", 1), ("amscore Engine.batch (pyarrow in)", cores)]
        for name, threads in runs:
            wall, cpu, result = best_of(lambda: engine.batch(table, AS_OF, threads=threads), repeat)  # type: ignore[call-arg]
            timings.append(Timing(name, threads, wall * 1e9 / rows, cpu * 1e9 / rows, rows))
    else:
        wall, cpu, result = best_of(lambda: engine.batch(table, AS_OF), repeat)
        timings.append(Timing("amscore Engine.batch (pyarrow in)", 1, wall * 1e9 / rows, cpu * 1e9 / rows, rows))
    reference = answers_of_batch(result)
    del result

    frame = table.to_pandas(date_as_object=False)
    wall, cpu, frame_result = best_of(lambda: engine.batch(frame, AS_OF), repeat)
    check("amscore Engine.batch (pandas in)", answers_of_batch(frame_result), reference, table)
    timings.append(Timing("amscore Engine.batch (pandas in)", 1, wall * 1e9 / rows, cpu * 1e9 / rows, rows))
    del frame, frame_result

    wall, cpu, by_numpy = best_of(lambda: numpy_rules(table, AS_OF), repeat)
    check("numpy", by_numpy, reference, table)
    timings.append(Timing("numpy (datetime64[D], int64 cents)", 1, wall * 1e9 / rows, cpu * 1e9 / rows, rows))

    sample = table.slice(0, min(rows, python_max))
    plain_rows = python_rows(sample)
    wall, cpu, by_python = best_of(lambda: plain_python(plain_rows, AS_OF), 1)
    want = Answers._make(column[: sample.num_rows] for column in _columns(reference))
    check("plain Python", answers_of_python(by_python), want, sample)
    m = sample.num_rows
    timings.append(Timing("plain Python (datetime, dateutil, Decimal)", 1, wall * 1e9 / m, cpu * 1e9 / m, m))
    del plain_rows, by_python

    if rust:
        timings.extend(rust_half(table, AS_OF, max(repeat, 5)))
    return timings, table, reference


# ---- memory -------------------------------------------------------------------------------------


def status_kib(field: str) -> int:
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith(field + ":"))


def memory_child(path: str, kind: str) -> None:
    """Reads the roster (as a pyarrow Table, or as the pandas DataFrame an analyst would pass:
    ``table.to_pandas(date_as_object=False)``), resets the peak-RSS mark to the current RSS (Linux
    clear_refs), runs the batch, and prints: the input size, the peak RSS above the baseline, the
    result's added size (``nbytes`` for a Table, ``memory_usage(deep=True)`` for a DataFrame) and
    the RSS still held after the batch (the result's resident footprint)."""
    import gc

    table = feather.read_table(path, memory_map=False)
    engine = amscore.Engine("amscore")
    roster: Any
    if kind == "pandas":
        roster = table.to_pandas(date_as_object=False)
        del table
        input_bytes = int(roster.memory_usage(deep=True).sum())
        engine.batch(roster.iloc[:10], AS_OF)
    else:
        roster = table
        input_bytes = table.nbytes
        engine.batch(table.slice(0, 10), AS_OF)
    gc.collect()
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")
    baseline = status_kib("VmRSS")
    result = engine.batch(roster, AS_OF)
    peak = status_kib("VmHWM")
    gc.collect()
    retained = status_kib("VmRSS") - baseline
    added = int(result.memory_usage(deep=True).sum()) - input_bytes if kind == "pandas" else result.nbytes - input_bytes
    print(f"{input_bytes} {(peak - baseline) * 1024} {added} {retained * 1024}")


class Memory(NamedTuple):
    input_bytes: int
    peak_above: int  # peak RSS above the baseline (the input already loaded)
    added: int  # the result columns' size
    retained: int  # RSS after the batch minus before


def memory(path: str, kind: str, runs: int = 3) -> Memory:
    """The memory child's numbers from the run with the highest peak of ``runs``: the peak varies
    from run to run (Arrow's pool and glibc reuse freed pages differently), and the worst run is
    the honest one."""
    results = []
    for _ in range(runs):
        child = subprocess.run([sys.executable, __file__, "--memory-child", path, "--kind", kind], check=True, capture_output=True, text=True)
        results.append(Memory(*(int(x) for x in child.stdout.split())))
    return max(results, key=lambda r: r.peak_above)


# ---- the report ---------------------------------------------------------------------------------

HAND = "Rust hand-written loop (plain columns)"
BATCH = "amscore Engine.batch (pyarrow in)"
KERNEL = "amscore kernel, Engine::assess_roster (Rust)"
ORDER = (
    "plain Python (datetime, dateutil, Decimal)",
    "numpy (datetime64[D], int64 cents)",
    HAND,
    "amscore Engine::assess per member (Rust)",
    KERNEL,
    BATCH,
    "amscore Engine.batch (pandas in)",
)


def ns_of(timings: list[Timing], name: str, threads: Optional[int] = None) -> Optional[float]:
    found = [t.ns for t in timings if t.name == name and (threads is None or t.threads == threads)]
    return min(found) if found else None


def report(timings: list[Timing], rows: int, reference: Answers) -> None:
    timings = sorted(timings, key=lambda t: (ORDER.index(t.name), t.threads))
    statuses = {name: int((reference.status == i).sum()) for i, name in enumerate(STATUSES)}
    refusals = {name: int((reference.refusal == i).sum()) for i, name in enumerate(REFUSALS)}
    kinds = {name: int((reference.kind == i).sum()) for i, name in enumerate(KINDS)}
    print(f"roster: {rows:,} members as of {AS_OF} (seed {SEED}); plans {', '.join(p.id for p in PLANS)}")
    print(f"  statuses {statuses}")
    print(f"  renewals {kinds}; refusals {refusals}")
    print(f"  every implementation agrees with amscore on every row it ran (status, renewal kind/plan/start/end/member-since, refusal and its date, quote total)")
    print(f"  load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}; {os.cpu_count()} cores; wall clock, best of the runs")
    hand = ns_of(timings, HAND)
    batch = ns_of(timings, BATCH, 1)
    print(f"{'implementation':<44} {'threads':>7} {'rows timed':>11} {'ns/member':>10} {'CPU ns':>9} {'CPU/wall':>9} {'x hand loop':>12} {'x amscore batch':>16}")
    for t in timings:
        vs_hand = f"{t.ns / hand:.2f}" if hand else "-"
        vs_batch = f"{t.ns / batch:.2f}" if batch else "-"
        print(f"{t.name:<44} {t.threads:>7} {t.rows:>11,} {t.ns:>10.1f} {t.cpu_ns:>9.1f} {t.cpu_ns / t.ns:>9.2f} {vs_hand:>12} {vs_batch:>16}")
    print("(ns/member: wall clock; CPU ns: CPU time summed over the threads; CPU/wall: the cores a run had, 1.00 per")
    print(" thread on a free machine, less when the neighbours took some; the ratios are of wall-clock times;")
    print(" x amscore batch: over the pyarrow batch's on 1 thread; Engine.batch takes "
          + ("a threads= keyword)" if batch_threads() else "no threads= keyword yet: it ran single-threaded)"))


def report_targets(timings: list[Timing], mem: Optional[Memory], sizes: dict[int, list[Timing]]) -> None:
    hand = ns_of(timings, HAND)
    numpy = ns_of(timings, ORDER[1])
    python = ns_of(timings, ORDER[0])
    cores = os.cpu_count() or 1
    one = [(name, ns_of(timings, name, 1)) for name in (KERNEL, BATCH, ORDER[3])]
    every = [(name, ns_of(timings, name, cores)) for name in (KERNEL, BATCH, ORDER[3])]
    print("targets (issue 15):")

    def line(what: str, ok: bool, detail: str) -> None:
        print(f"  {what:<58} {'met' if ok else 'NOT MET':<8} {detail}")

    for name, ns in one:
        if ns is not None and hand:
            line(f"1 thread <= 1.5x the hand loop ({name.removeprefix('amscore ')})", ns <= 1.5 * hand, f"{ns / hand:.2f}x")
    for name, ns in every:
        label = name.removeprefix("amscore ")
        if ns is None or cores == 1:
            print(f"  all cores: {label}: not measured on {cores} threads")
            continue
        if hand:
            line(f"all cores faster than the hand loop ({label})", ns < hand, f"{ns:.1f} vs {hand:.1f} ns")
        if numpy:
            line(f"all cores >= 4x faster than numpy ({label})", numpy >= 4 * ns, f"{numpy / ns:.1f}x")
        if python:
            line(f"all cores >= 100x faster than plain Python ({label})", python >= 100 * ns, f"{python / ns:.0f}x")
    if len(sizes) > 1:
        for name in (KERNEL, BATCH, ORDER[3]):
            per = [ns_of(t, name, 1) for t in sizes.values()]
            if all(p is not None for p in per):
                values = [p for p in per if p is not None]
                spread = max(values) / min(values)
                line(f"flat cost per member over the sizes ({name.removeprefix('amscore ')})", spread <= FLAT, f"max/min {spread:.3f} (flat: <= {FLAT})")
    if mem is not None:
        total = (mem.input_bytes + mem.peak_above) / mem.input_bytes
        line("peak memory <= 2x the input table (pyarrow batch)", total <= 2, f"{total:.2f}x (input + peak above it)")


def report_sizes(sizes: dict[int, list[Timing]]) -> None:
    names = [(t.name, t.threads) for t in sorted(next(iter(sizes.values())), key=lambda t: (ORDER.index(t.name), t.threads))]
    print("ns per member by roster size:")
    print(f"{'implementation':<44} {'threads':>7} " + " ".join(f"{n:>12,}" for n in sizes) + f" {'max/min':>8}")
    for name, threads in names:
        per = [ns_of(t, name, threads) or float("nan") for t in sizes.values()]
        print(f"{name:<44} {threads:>7} " + " ".join(f"{p:>12.1f}" for p in per) + f" {max(per) / min(per):>8.2f}")
    sampled = {n: t.rows for n, ts in sizes.items() for t in ts if t.rows != n}
    if sampled:
        print(f"(plain Python timed on the first rows only: {', '.join(f'{r:,} of {n:,}' for n, r in sampled.items())})")


def report_memory(mem: Memory, pd_mem: Memory) -> None:
    mib = 2**20
    print(f"memory of one batch call ({mem.input_bytes / mib:.1f} MiB pyarrow input table, nbytes; worst of 3 runs, each in a process of its own):")
    print(f"  pyarrow: peak RSS above the loaded input {mem.peak_above / mib:.1f} MiB ({mem.peak_above / mem.input_bytes:.2f}x input; "
          f"peak total {(mem.input_bytes + mem.peak_above) / mem.input_bytes:.2f}x input); result columns {mem.added / mib:.1f} MiB; "
          f"resident after {mem.retained / mib:.1f} MiB")
    print(f"  pandas ({pd_mem.input_bytes / mib:.1f} MiB frame, memory_usage(deep=True)): peak above {pd_mem.peak_above / mib:.1f} MiB "
          f"({pd_mem.peak_above / pd_mem.input_bytes:.2f}x input; peak total {(pd_mem.input_bytes + pd_mem.peak_above) / pd_mem.input_bytes:.2f}x); "
          f"result columns {pd_mem.added / mib:.1f} MiB; resident after {pd_mem.retained / mib:.1f} MiB")
    # The result is returned beside the input, so no batch can peak below input + result columns.
    print(f"  least possible peak total with these result columns (input + result): pyarrow "
          f"{(mem.input_bytes + mem.added) / mem.input_bytes:.2f}x, pandas {(pd_mem.input_bytes + pd_mem.added) / pd_mem.input_bytes:.2f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000, help="members in the roster (default 1,000,000)")
    parser.add_argument("--sizes", help="comma-separated roster sizes, e.g. 10000,100000,1000000: the whole run at each, and the cost per member by size")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each timed call; the best is kept (plain Python: one run)")
    parser.add_argument("--python-rows", type=int, default=PLAIN_PYTHON_MAX_ROWS, help="plain Python runs on at most this many rows, the first ones (default 1,000,000)")
    parser.add_argument("--no-rust", action="store_true", help="skip the Rust half (benches/roster.rs)")
    parser.add_argument("--no-memory", action="store_true", help="skip the memory measurement")
    parser.add_argument("--memory-child", help=argparse.SUPPRESS)
    parser.add_argument("--kind", default="pyarrow", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.memory_child:
        memory_child(args.memory_child, args.kind)
        return

    sizes_list = [int(s) for s in args.sizes.split(",")] if args.sizes else [args.rows]
    sizes: dict[int, list[Timing]] = {}
    for rows in sizes_list:
        timings, table, reference = measure(rows, args.repeat, not args.no_rust, args.python_rows)
        sizes[rows] = timings
        report(timings, rows, reference)
        print()
    largest = max(sizes)
    mem: Optional[Memory] = None
    if not args.no_memory:
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "roster.feather")
            feather.write_feather(synthetic(largest), path, compression="uncompressed")
            mem, pd_mem = memory(path, "pyarrow"), memory(path, "pandas")
        report_memory(mem, pd_mem)
        print()
    if len(sizes) > 1:
        report_sizes(sizes)
        print()
    report_targets(sizes[largest], mem, sizes)


if __name__ == "__main__":
    main()
