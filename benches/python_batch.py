"""Benchmark (not a test): status + renewal + renewal quote for 1M synthetic members as of a date, through
amscore's columnar batch vs a straightforward pure-Python implementation of the same rules
(datetime, dateutil, decimal). Prints both times, the ratio, and peak memory vs the input size.

    .venv/bin/python benches/python_batch.py [--rows 1000000]

Both implementations must agree on every row; the script checks that before printing timings.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.feather as feather
from dateutil.relativedelta import relativedelta

import amscore

AS_OF = dt.date(2026, 1, 20)
PLANS = ["individual", "retired"]  # rolling one-year plans without a renew-to progression
EPOCH = dt.date(1970, 1, 1)


def synthetic(rows: int, seed: int = 42) -> pa.Table:
    """A roster: members who joined 2010-2025, on a one-year term that started 0-15 years later."""
    rng = np.random.default_rng(seed)
    as_of = (AS_OF - EPOCH).days
    # Most members are current: the term started up to ~20 months before the date.
    start = as_of - rng.integers(0, 600, rows)
    since = start - 365 * rng.integers(0, 12, rows) - rng.integers(0, 3, rows)
    start_dates = start.astype("datetime64[D]")
    # The inclusive end of a one-year rolling term: the anniversary minus one day, where
    # Feb 29 + 1 year clamps to Feb 28.
    years = start_dates.astype("datetime64[Y]")
    day_of_year = start_dates - years.astype("datetime64[D]")
    end = (years + 1).astype("datetime64[D]") + day_of_year - 1
    month = start_dates.astype("datetime64[M]")
    feb29 = (month.astype(int) % 12 == 1) & ((start_dates - month.astype("datetime64[D]")).astype(int) == 28)
    end[feb29] -= 1
    plan = pa.DictionaryArray.from_arrays(pa.array(rng.integers(0, len(PLANS), rows).astype(np.int8)), pa.array(PLANS))
    return pa.table(
        {
            "member_id": pa.array([f"M-{i:07d}" for i in range(rows)]),
            "plan": plan,
            "member_since": pa.array(since.astype(np.int32)).cast(pa.date32()),
            "term_start": pa.array(start.astype(np.int32)).cast(pa.date32()),
            "term_end": pa.array(end.astype(np.int64).astype(np.int32)).cast(pa.date32()),
            "pending": pa.array(rng.random(rows) < 0.01),
        }
    )


# ---- the same rules, in plain Python ------------------------------------------------------------
WINDOWS = {"individual": (90, 30, 6), "retired": (90, 30, 6)}  # renewal opens days, grace days, reinstatement months
# Prices per plan: dues, join fee, reinstatement fee, late fee (renewing in grace).
PRICES = {
    "individual": (Decimal("200.00"), Decimal("25.00"), Decimal("25.00"), Decimal("10.00")),
    "retired": (Decimal("90.00"), Decimal("0.00"), Decimal("0.00"), Decimal("0.00")),
}


def one_year_term(start: dt.date) -> tuple[dt.date, dt.date]:
    return start, start + relativedelta(years=1) - dt.timedelta(days=1)


def pure_python(rows: list[tuple[str, dt.date, dt.date, dt.date, bool]], as_of: dt.date) -> list[tuple[Any, ...]]:
    out = []
    for plan, since, start, end, pending in rows:
        opens, grace, reinstate = WINDOWS[plan]
        dues, join_fee, reinstatement_fee, late_fee = PRICES[plan]
        if pending:
            out.append(("pending", False, None, None, None, None))
            continue
        grace_end = end + dt.timedelta(days=grace)
        reinstatement_end = grace_end + relativedelta(months=reinstate)
        new_end = since + relativedelta(months=3) - dt.timedelta(days=1)
        if since <= as_of <= min(new_end, end):
            status, member, renewable = "new", True, True
        elif as_of <= end:
            status, member, renewable = "active", True, True
        elif as_of <= grace_end:
            status, member, renewable = "grace", True, True
        elif as_of <= reinstatement_end:
            status, member, renewable = "lapsed", False, True
        else:
            status, member, renewable = "expired", False, False
        if renewable and member:
            if as_of < end - dt.timedelta(days=opens):
                out.append((status, member, None, None, None, None))
                continue
            kind, (s, e) = "extend", one_year_term(end + dt.timedelta(days=1))
            total = dues + (late_fee if status == "grace" else Decimal(0))
        elif renewable:
            kind, (s, e) = "reinstate", one_year_term(end + dt.timedelta(days=1))
            if e < as_of:
                out.append((status, member, None, None, None, None))
                continue
            total = dues + reinstatement_fee
        else:
            kind, (s, e) = "rejoin", one_year_term(as_of)
            total = dues + join_fee
        out.append((status, member, kind, s, e, total.quantize(Decimal("0.01"))))
    return out


def python_rows(table: pa.Table) -> list[tuple[str, dt.date, dt.date, dt.date, bool]]:
    cols = [table.column(c).to_pylist() for c in ("plan", "member_since", "term_start", "term_end", "pending")]
    return list(zip(*cols))


def batch_rows(result: pa.Table) -> list[tuple[Any, ...]]:
    cols = [
        result.column(c).to_pylist()
        for c in ("status", "counts_as_member", "renewal_kind", "renewal_start", "renewal_end", "quote_total")
    ]
    return list(zip(*cols))


def status_kib(field: str) -> int:
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith(field + ":"))


def memory_child(path: str) -> None:
    """Reads the roster, resets the peak-RSS mark to the current RSS (Linux clear_refs), runs the
    batch, and reports the input size, the peak above the baseline, and the result's size."""
    table = feather.read_table(path, memory_map=False)
    engine = amscore.Engine("amscore")
    engine.batch(table.slice(0, 10), AS_OF)
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")
    baseline = status_kib("VmRSS")
    result = engine.batch(table, AS_OF)
    peak = status_kib("VmHWM")
    print(f"{table.nbytes} {(peak - baseline) * 1024} {result.nbytes - table.nbytes}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--memory-child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.memory_child:
        memory_child(args.memory_child)
        return

    table = synthetic(args.rows)
    engine = amscore.Engine("amscore")
    engine.batch(table.slice(0, 100), AS_OF)  # warm up imports

    # CPU time of this process (one core: the batch is single-threaded), best of three; the
    # wall-clock time is printed too, but on a shared machine it mostly measures the neighbours.
    def timed(f: Any, repeat: int = 3) -> tuple[float, float, Any]:
        best_cpu, best_wall, out = float("inf"), float("inf"), None
        for _ in range(repeat):
            c0, w0 = time.process_time(), time.perf_counter()
            out = f()
            best_cpu, best_wall = min(best_cpu, time.process_time() - c0), min(best_wall, time.perf_counter() - w0)
        return best_cpu, best_wall, out

    t_batch, w_batch, result = timed(lambda: engine.batch(table, AS_OF))
    frame = table.to_pandas(date_as_object=False)
    t_pandas, w_pandas, _ = timed(lambda: engine.batch(frame, AS_OF))
    rows = python_rows(table)
    t_python, w_python, reference = timed(lambda: pure_python(rows, AS_OF), repeat=1)

    got = batch_rows(result)
    mismatches = sum(1 for a, b in zip(got, reference) if a != b)
    assert len(got) == len(reference) == args.rows
    if mismatches:
        first = next(i for i, (a, b) in enumerate(zip(got, reference)) if a != b)
        sys.exit(f"implementations disagree on {mismatches} rows; first row {first}: {rows[first]} -> {got[first]} vs {reference[first]}")

    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "roster.feather")
        feather.write_feather(table, path, compression="uncompressed")
        child = subprocess.run([sys.executable, __file__, "--memory-child", path], check=True, capture_output=True, text=True)
        input_bytes, extra_peak, added = (int(x) for x in child.stdout.split())

    statuses = {str(k): int(v) for k, v in zip(*np.unique(np.array(result.column("status").to_pylist(), dtype=object).astype(str), return_counts=True))}
    print(f"rows:                         {args.rows:,} (as of {AS_OF}; statuses {statuses})")
    print(f"amscore batch (pyarrow):      {t_batch:.3f} s CPU, {w_batch:.3f} s wall (best of 3; {args.rows / t_batch / 1e6:.2f} M rows/s)")
    print(f"amscore batch (pandas):       {t_pandas:.3f} s CPU, {w_pandas:.3f} s wall")
    print(f"pure Python (dateutil):       {t_python:.3f} s CPU, {w_python:.3f} s wall")
    print(f"speed-up (CPU time):          {t_python / t_batch:.0f}x (pyarrow), {t_python / t_pandas:.0f}x (pandas)")
    print(f"rows in agreement:            {args.rows - mismatches:,} of {args.rows:,}")
    print(f"input table:                  {input_bytes / 2**20:.1f} MiB")
    print(f"batch peak above baseline:    {extra_peak / 2**20:.1f} MiB ({extra_peak / input_bytes:.2f}x input; peak total {(input_bytes + extra_peak) / input_bytes:.2f}x input)")
    print(f"result columns added:         {added / 2**20:.1f} MiB ({added / input_bytes:.2f}x input)")


if __name__ == "__main__":
    main()
