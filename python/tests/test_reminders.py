"""Message reminders as DataFrames: every shared reminders vector through the frame methods
(the same answers as the gateway), the sent log as a frame with its bad rows, refused requests,
and a hypothesis property: 60 daily runs fed their own output never break a fatigue rule, and the
forecast counts exactly those messages."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_success import events_frame, members_frame

import amscore

VECTORS = Path(__file__).resolve().parents[2] / "tests" / "vectors"


def _cases() -> list[Any]:
    out = []
    for path in sorted(VECTORS.glob("reminders*.json")):
        doc = json.loads(path.read_text())
        for case in doc["cases"]:
            out.append(pytest.param(doc["policy"], case, id=f"{path.stem}::{case['name']}"))
    return out


CASES = _cases()


def frame_of(members: list[dict]) -> pd.DataFrame:
    """The members as a term-history frame, with a staff override on every row of its member."""
    frame = members_frame(members)
    overrides = {h["membership"]["member_id"]: h["membership"].get("override") for h in members}
    if any(overrides.values()):
        frame["override_status"] = [(overrides[m] or {}).get("status") for m in frame["member_id"]]
        frame["override_until"] = [(overrides[m] or {}).get("until") for m in frame["member_id"]]
    return frame


def records(frame: pd.DataFrame | list[dict]) -> list[dict]:
    out = []
    for row in (frame if isinstance(frame, list) else frame.to_dict("records")):
        out.append({k: (v.isoformat() if isinstance(v, dt.date) else v.item() if hasattr(v, "item") else v) for k, v in row.items()})
    return out


def run(engine: amscore.Engine, r: dict) -> pd.DataFrame:
    members = frame_of(r["members"])
    events = events_frame(r["events"]) if r.get("events") else None
    as_of = dt.date.fromisoformat(r["as_of"])
    sent = pd.DataFrame(r["sent"], columns=["member_id", "date", "sequence", "step", "channel"]) if r.get("sent") else None
    if r["op"] == "reminders_due":
        return engine.reminders_due(members, events, as_of, sent=sent)
    return engine.reminders_forecast(members, events, as_of, r["days"], sent=sent)


def test_the_reminders_vectors_are_collected() -> None:
    assert len(CASES) >= 12
    assert {p.values[1]["request"]["op"] for p in CASES} == {"reminders_due", "reminders_forecast", "describe_policy"}


@pytest.mark.parametrize(("file_policy", "case"), CASES)
def test_reminders_vector_through_frames(file_policy: dict, case: dict) -> None:
    r = case["request"]
    expect = case["expect"]
    policy = case.get("policy", file_policy)
    if r["op"] == "describe_policy":
        with pytest.raises(amscore.PolicyError) as info:
            amscore.Engine(policy)
        assert (info.value.code, info.value.path) == (expect["error"]["code"], expect["error"]["path"])
        return
    engine = amscore.Engine(policy)
    if "error" in expect:
        with pytest.raises(amscore.SuccessError) as err:
            run(engine, r)
        assert (err.value.code, err.value.name, err.value.path) == (expect["error"]["code"], expect["error"]["name"], expect["error"]["path"])
        return
    ok = expect["ok"]
    frame = run(engine, r)
    errors = amscore.row_errors(frame)
    assert [(e["source"], e["row"], e["code"]) for e in records(errors)] == [(e["source"], e["row"], e["code"]) for e in ok["errors"]]
    if r["op"] == "reminders_due":
        assert records(frame) == ok["due"]
        assert records(frame.attrs["suppressed"]) == ok["suppressed"]
        assert frame.attrs["date"].isoformat() == ok["date"]
    else:
        assert records(frame) == ok["rows"]
        assert frame.attrs["totals"] == ok["totals"]


POLICY = {"version": 1, "preset": "amscore", "success": {"reminders": {"sequences": [
    {"id": "renewal", "anchor": "term_end", "priority": 1, "steps": [
        {"id": "d30", "day": -30, "channel": "email", "template": "r30"},
        {"id": "d14", "day": -14, "channel": "email", "template": "r14"},
        {"id": "d7", "day": -7, "channel": "sms", "template": "r7"},
        {"id": "d1", "day": -1, "channel": "email", "template": "r1"}]},
    {"id": "welcome", "anchor": "join", "priority": 2, "steps": [
        {"id": "w0", "day": 0, "channel": "email", "template": "w0"},
        {"id": "w2", "day": 2, "channel": "email", "template": "w2"}]}]}}}


def test_sent_log_frames_with_datetime64_dates_and_bad_rows() -> None:
    engine = amscore.Engine(POLICY)
    members = pd.DataFrame({"member_id": ["M-1"], "plan": ["individual"], "member_since": [dt.date(2025, 1, 1)],
                            "term_start": [dt.date(2025, 1, 1)], "term_end": [dt.date(2025, 12, 31)]})
    sent = pd.DataFrame({"member_id": ["M-1", "M-9", "M-1"], "date": pd.to_datetime(["2025-12-01", "2025-12-01", "2025-12-01"]),
                         "sequence": ["renewal", "renewal", "nope"], "step": ["d30", "d30", "x"], "channel": ["email"] * 3})
    frame = engine.reminders_due(members, None, dt.date(2025, 12, 1), sent=sent)
    assert frame.empty
    # The one good row is today's 30-day notice: it is not due again, and nothing else is.
    assert frame.attrs["suppressed"] == []
    errors = amscore.row_errors(frame)
    assert errors[["source", "row", "member_id", "name"]].values.tolist() == [
        ["sent", 1, "M-9", "sent_to_unknown_member"], ["sent", 2, "M-1", "unknown_sequence"]]
    assert list(frame.columns) == ["member_id", "sequence", "step", "channel", "template", "priority", "anchor", "due_on"]


def test_a_sent_log_without_a_column_or_with_a_time_of_day_is_refused() -> None:
    engine = amscore.Engine(POLICY)
    members = pd.DataFrame({"member_id": ["M-1"], "plan": ["individual"], "member_since": [dt.date(2025, 1, 1)],
                            "term_start": [dt.date(2025, 1, 1)], "term_end": [dt.date(2025, 12, 31)]})
    with pytest.raises(amscore.SuccessError) as info:
        engine.reminders_due(members, None, dt.date(2025, 12, 1), sent=pd.DataFrame({"member_id": ["M-1"]}))
    assert info.value.path == "sent.date"
    with pytest.raises(TypeError, match="time of day"):
        engine.reminders_due(members, None, dt.date(2025, 12, 1), sent=[
            {"member_id": "M-1", "date": dt.datetime(2025, 12, 1, 9, 30), "sequence": "renewal", "step": "d30", "channel": "email"}])
    with pytest.raises(amscore.SuccessError) as days:
        engine.reminders_forecast(members, None, dt.date(2025, 12, 1), 400)
    assert (days.value.code, days.value.name, days.value.path) == (5004, "invalid_reminder_input", "days")


@st.composite
def scenario(draw: Any) -> tuple[dict, pd.DataFrame]:
    cap_max = draw(st.integers(1, 3))
    cap_days = draw(st.integers(1, 30))
    gap = draw(st.integers(1, 6))
    quiet = draw(st.lists(st.sampled_from(["saturday", "sunday", "wednesday"]), unique=True, max_size=2))
    policy = json.loads(json.dumps(POLICY))
    policy["success"]["reminders"]["fatigue"] = {"cap": {"max": cap_max, "days": cap_days}, "min_gap_days": gap, "quiet_weekdays": quiet}
    n = draw(st.integers(1, 4))
    joins = [dt.date(2025, 1, 1) + dt.timedelta(days=draw(st.integers(-400, 60))) for _ in range(n)]
    # Term ends within the 60 days run, so that the renewal notices fall inside it.
    ends = [dt.date(2025, 1, 1) + dt.timedelta(days=draw(st.integers(5, 60))) for _ in range(n)]
    members = pd.DataFrame({"member_id": [f"M{i}" for i in range(n)], "plan": ["individual"] * n, "member_since": joins,
                            "term_start": [min(j, e - dt.timedelta(days=364)) if j < e else j for j, e in zip(joins, ends)],
                            "term_end": [max(e, j + dt.timedelta(days=1)) for j, e in zip(joins, ends)]})
    members["member_since"] = [min(s, t) for s, t in zip(members["member_since"], members["term_start"])]
    return policy, members


@settings(max_examples=6, deadline=None)
@given(scenario())
def test_daily_runs_fed_their_own_output_never_break_a_fatigue_rule(s: tuple[dict, pd.DataFrame]) -> None:
    policy, members = s
    engine = amscore.Engine(policy)
    fatigue = policy["success"]["reminders"]["fatigue"]
    start, days = dt.date(2025, 1, 1), 60
    sent: list[dict] = []
    for n in range(days):
        day = start + dt.timedelta(days=n)
        frame = engine.reminders_due(members, None, day, sent=sent)
        assert frame["member_id"].is_unique
        sent += [{"member_id": m, "date": day, "sequence": q, "step": p, "channel": c}
                 for m, q, p, c in frame[["member_id", "sequence", "step", "channel"]].values.tolist()]
    by_member: dict[str, list[dt.date]] = {}
    for row in sent:
        by_member.setdefault(row["member_id"], []).append(row["date"])
        assert row["date"].strftime("%A").lower() not in fatigue["quiet_weekdays"]
    for dates in by_member.values():
        assert all((b - a).days >= fatigue["min_gap_days"] for a, b in zip(dates, dates[1:]))
        for d in dates:
            window = [x for x in dates if d - dt.timedelta(days=fatigue["cap"]["days"] - 1) <= x <= d]
            assert len(window) <= fatigue["cap"]["max"]
    forecast = engine.reminders_forecast(members, None, start, days)
    counted: dict[tuple[dt.date, str], int] = {}
    for row in sent:
        counted[(row["date"], row["channel"])] = counted.get((row["date"], row["channel"]), 0) + 1
    assert {(d, c): m for d, c, m in forecast[["date", "channel", "messages"]].values.tolist() if m} == counted
