"""Benchmark (not a test): engagement scores, segments and the at-risk list of 100k members with 1M
activity events through the Python API, from a pandas DataFrame and from a pyarrow Table. Prints
seconds (best and median of the runs) and nanoseconds per event, and checksums of the answers.

    /work/venv-success/bin/python benches/success_scale.py [--members 100000] [--events 1000000] [--repeat 3]

The roster and log are the ones ``benches/success_scale.rs`` generates (the same counter-based
hash, drawn here with numpy), so the checksums printed here equal the Rust benchmark's. Results
and how to run: ``benches/README.md`` ("Success at roster scale").
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import time
from decimal import Decimal
from pathlib import Path
from typing import Any, Callable

import numpy as np
import pandas as pd
import pyarrow as pa

import amscore

AS_OF = dt.date(2025, 6, 30)
EPOCH = dt.date(1970, 1, 1)
PLANS = ["individual", "student-y2", "retired", "corporate", "lifetime", "individual"]
KINDS = ["login", "login", "login", "email_opened", "email_opened", "event_attended", "course_completed", "committee", "purchase", "donation"]
REGIONS = ["north", "south", "east", "west"]
POLICY = Path(__file__).resolve().parent.parent / "examples" / "sample" / "policy.json"

U = np.uint64


def mix(stream: int, i: np.ndarray) -> np.ndarray:
    """SplitMix64 of ``(stream << 40) | i``, as ``mix`` in success_scale.rs."""
    with np.errstate(over="ignore"):
        z = (U(stream) << U(40)) | i.astype(U)
        z = z + U(0x9E3779B97F4A7C15)
        z = (z ^ (z >> U(30))) * U(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> U(27))) * U(0x94D049BB133111EB)
        return z ^ (z >> U(31))


def days(year: np.ndarray, month: np.ndarray, day: np.ndarray) -> np.ndarray:
    """Calendar dates as ``datetime64[D]``."""
    months = ((year.astype(np.int64) - 1970) * 12 + month.astype(np.int64) - 1).astype("datetime64[M]")
    return months.astype("datetime64[D]") + (day.astype(np.int64) - 1)


def parts(d: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    y = d.astype("datetime64[Y]").astype(np.int64) + 1970
    m = d.astype("datetime64[M]").astype(np.int64) % 12 + 1
    day = (d - d.astype("datetime64[M]").astype("datetime64[D]")).astype(np.int64) + 1
    return y, m, day


def generate(n: int, m: int) -> tuple[dict[str, Any], dict[str, Any], list[dict[str, Any]]]:
    as_of = np.datetime64(AS_OF.isoformat(), "D")
    r = mix(1, np.arange(n))
    plan = np.array(PLANS, dtype=object)[(r % U(6)).astype(np.int64)]
    year = 2015 + ((r >> U(8)) % U(11)).astype(np.int64)
    month = 1 + ((r >> U(16)) % U(12)).astype(np.int64)
    day = 1 + ((r >> U(24)) % U(28)).astype(np.int64)
    since = days(year, month, day)
    late = since > as_of
    year[late] = 2024
    since = days(year, month, day)
    ty = np.maximum(2023 + ((r >> U(32)) % U(3)).astype(np.int64), year)
    start = days(ty, month, day)
    future = start > as_of
    start[future] = days(ty[future] - 1, month[future], day[future])
    sy, sm, sd = parts(start)
    end = days(sy + 1, sm, sd) - 1
    corporate = plan == "corporate"
    start[corporate] = np.where(ty[corporate] == year[corporate], since[corporate], days(ty[corporate], np.ones_like(ty[corporate]), np.ones_like(ty[corporate])))
    end[corporate] = days(ty[corporate], np.full_like(ty[corporate], 12), np.full_like(ty[corporate], 31))
    lifetime = plan == "lifetime"
    start[lifetime] = since[lifetime]
    end = end.astype("datetime64[ns]")
    end[lifetime] = np.datetime64("NaT")
    org = ((r >> U(44)) % U(500)).astype(np.int64)
    members = {
        "member_id": [f"M{i:06d}" for i in range(n)],
        "plan": plan,
        "member_since": since.astype("datetime64[ns]"),
        "term_start": start.astype("datetime64[ns]"),
        "term_end": end,
        "auto_renew": ((r >> U(40)) & U(1)) == U(1),
        "organization": [f"Org {o:03d}" if c else None for o, c in zip(org.tolist(), corporate.tolist())],
        "attribute.region": np.array(REGIONS, dtype=object)[((r >> U(50)) % U(4)).astype(np.int64)],
    }

    e = mix(2, np.arange(m))
    who = (e % U(n)).astype(np.int64)
    bad = ((e >> U(54)) % U(1000)).astype(np.int64)
    kind = np.array(KINDS, dtype=object)[((e >> U(20)) % U(10)).astype(np.int64)]
    kind[bad == 0] = "teleport"
    when = as_of - ((e >> U(30)) % U(730)).astype(np.int64)
    ahead = ((e >> U(40)) % U(500)) == U(0)
    when[ahead] = as_of + 1 + ((e >> U(44)) % U(30)).astype(np.int64)[ahead]
    when = np.maximum(when, since[who])
    cents = ((e >> U(32)) % U(40000)).astype(np.int64) + 100
    valued = (kind == "purchase") | (kind == "donation")
    events = {
        "member_id": [("X" if b == 1 else "M") + f"{w:06d}" for w, b in zip(who.tolist(), bad.tolist())],
        "date": when.astype("datetime64[ns]"),
        "kind": kind,
        "cents": np.where(valued, cents, -1),
    }
    previous = [{"member_id": f"M{i:06d}", "rule": "in_grace", "date": AS_OF - dt.timedelta(days=3)} for i in range(0, n, 50)]
    return members, events, previous


def _values(cents: np.ndarray) -> list[Decimal | None]:
    return [None if c < 0 else Decimal(c).scaleb(-2) for c in cents.tolist()]


def as_pandas(members: dict[str, Any], events: dict[str, Any]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Typed pandas frames: datetime64 dates, bool flags, str ids, a categorical kind, Decimal values."""
    frame = pd.DataFrame(members)
    log = pd.DataFrame({"member_id": events["member_id"], "date": events["date"], "kind": pd.Categorical(events["kind"])})
    log["value"] = _values(events["cents"])
    return frame, log


def as_arrow(members: dict[str, Any], events: dict[str, Any]) -> tuple[pa.Table, pa.Table]:
    """Typed Arrow tables: date32 dates, bool flags, string ids, a dictionary kind, decimal128 values."""
    table = pa.table(
        {
            "member_id": pa.array(members["member_id"], pa.string()),
            "plan": pa.array(members["plan"], pa.string()).dictionary_encode(),
            "member_since": pa.array(members["member_since"]).cast(pa.date32()),
            "term_start": pa.array(members["term_start"]).cast(pa.date32()),
            "term_end": pa.array(members["term_end"]).cast(pa.date32()),
            "auto_renew": pa.array(members["auto_renew"]),
            "organization": pa.array(members["organization"], pa.string()),
            "attribute.region": pa.array(members["attribute.region"], pa.string()),
        }
    )
    value = pa.array(_values(events["cents"]), pa.decimal128(12, 2))
    log = pa.table(
        {
            "member_id": pa.array(events["member_id"], pa.string()),
            "date": pa.array(events["date"]).cast(pa.date32()),
            "kind": pa.array(events["kind"], pa.string()).dictionary_encode(),
            "value": value,
        }
    )
    return table, log


def timed(what: str, events: int, repeat: int, f: Callable[[], Any]) -> Any:
    times = []
    out = None
    for _ in range(repeat):
        start = time.perf_counter()
        out = f()
        times.append(time.perf_counter() - start)
    best = min(times)
    print(f"{what:<44} best {best:7.3f} s  median {statistics.median(times):7.3f} s  {best * 1e9 / events:6.0f} ns/event", flush=True)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--only", choices=["pandas", "arrow"], default=None)
    args = parser.parse_args()
    engine = amscore.Engine(POLICY.read_text())
    start = time.perf_counter()
    members, events, previous = generate(args.members, args.events)
    inputs = {"pandas": as_pandas(members, events), "arrow": as_arrow(members, events)}
    print(f"{args.members} members, {args.events} events (generated in {time.perf_counter() - start:.2f} s)")
    m = args.events
    for name, (roster, log) in inputs.items():
        if args.only and name != args.only:
            continue
        scores = timed(f"engagement_scores ({name})", m, args.repeat, lambda: engine.engagement_scores(roster, log, AS_OF))
        total = sum(scores["score"], Decimal(0))
        print(f"  checksum: {len(scores)} scores, total {total}, {len(scores.attrs['organizations'])} organisations, {len(scores.attrs['errors'])} row errors")
        seg = timed(f"segments ({name})", m, args.repeat, lambda: engine.segments(roster, log, AS_OF))
        print(f"  checksum: {len(seg.attrs['members'])} members, {len(seg)} segment matches")
        risk = timed(f"at_risk ({name})", m, args.repeat, lambda: engine.at_risk(roster, log, AS_OF, previous_triggers=previous))
        print(f"  checksum: {risk.attrs['members_at_risk']} triggers, {len(risk.attrs['suppressed'])} suppressed")


if __name__ == "__main__":
    main()
