"""Staff work from Python: work items, the staff queues aged in business time (across a weekend),
and the coverage by period, as DataFrames that agree with the gateway's answers."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import amscore
from conftest import PANDAS_TEXT, is_text_missing

STAFF = {
    "teams": {"desk": "Membership desk", "cash": "Finance office"},
    "queues": {
        "membership": {"team": "desk", "service_level": {"business_hours": 2}},
        "finance": {"team": "cash", "service_level": {"business_days": 2}},
    },
    "holidays": ["2026-12-25"],
    "minutes": {"plan_requires_approval": 15},
}
ENGINE = amscore.Engine({"version": 1, "preset": "amscore", "staff": STAFF})
FRIDAY_4PM = dt.datetime(2026, 11, 27, 16, 0)
MONDAY_1030 = dt.datetime(2026, 11, 30, 10, 30)


def test_an_item_asked_friday_afternoon_is_due_monday_morning() -> None:
    items = pd.DataFrame({
        "id": ["R-1", "R-2"],
        "queue": ["membership", "finance"],
        "reasons": [["plan_requires_approval"], ["balance_overdue"]],
        "requested_at": pd.to_datetime([FRIDAY_4PM, FRIDAY_4PM]),
        "closed_at": pd.to_datetime([None, None]),
    })
    q = ENGINE.staff_queues(items, MONDAY_1030, assignments=[{"item": "R-2", "assignee": "sam"}])
    assert q["id"].tolist() == ["R-1", "R-2"]
    first = q.iloc[0]
    assert (first["team"], first["service_level"], first["service_level_value"]) == ("desk", "business_hours", 2)
    assert first["due"] == dt.datetime(2026, 11, 30, 10, 0)
    assert (first["age_minutes"], first["business_minutes"], first["business_minutes_left"]) == (3990, 150, -30)
    assert bool(first["overdue"])
    second = q.iloc[1]
    assert (second["assignee"], second["due"]) == ("sam", dt.datetime(2026, 12, 1, 16, 0))
    assert (q.attrs["open"], q.attrs["overdue"], q.attrs["unowned"]) == (2, 1, 0)
    owners = q.attrs["by_owner"]
    assert owners[["team", "open", "overdue"]].values.tolist() == [["cash", 1, 0], ["desk", 1, 1]]
    assert owners.loc[0, "assignee"] == "sam" and is_text_missing(owners.loc[1, "assignee"])
    # Text as the running pandas makes it (object under pandas 2, str under pandas 3).
    assert list(owners.dtypes[["team", "assignee"]]) == [PANDAS_TEXT] * 2
    assert list(q.dtypes[["team", "assignee", "service_level"]]) == [PANDAS_TEXT] * 3
    assert q.attrs["by_queue"]["queue"].tolist() == ["membership", "finance"]
    assert q.attrs["resolved"].empty


def test_closed_items_give_the_share_resolved_within_the_service_level() -> None:
    items = [
        {"id": "C-1", "queue": "membership", "reasons": [], "requested_at": FRIDAY_4PM, "closed_at": dt.datetime(2026, 11, 30, 10, 0)},
        {"id": "C-2", "queue": "membership", "reasons": [], "requested_at": FRIDAY_4PM, "closed_at": dt.datetime(2026, 11, 30, 10, 1)},
        {"id": "C-3", "queue": "events", "reasons": [], "requested_at": FRIDAY_4PM, "closed_at": dt.datetime(2026, 11, 28, 9, 0)},
    ]
    q = ENGINE.staff_queues(items, MONDAY_1030)
    assert q.empty
    resolved = q.attrs["resolved"]
    assert resolved.iloc[0][["closed", "within", "share", "without_service_level"]].tolist() == [2, 1, Decimal("50.0"), 1]
    assert resolved.iloc[2]["share"] is None


def test_bad_items_raise_work_error_with_the_path() -> None:
    items = [{"id": "R-1", "queue": "membership", "reasons": [], "requested_at": FRIDAY_4PM}] * 2
    with pytest.raises(amscore.WorkError) as info:
        ENGINE.staff_queues(items, MONDAY_1030)
    assert (info.value.code, info.value.name, info.value.path) == (5101, "duplicate_work_item", "items[1].id")
    with pytest.raises(amscore.WorkError) as later:
        ENGINE.staff_queues(items[:1], dt.datetime(2026, 11, 27, 15, 0))
    assert later.value.path == "items[0].requested_at"


def test_a_date_time_with_a_zone_is_refused() -> None:
    aware = dt.datetime(2026, 11, 30, 10, 30, tzinfo=dt.timezone.utc)
    with pytest.raises(TypeError, match="no time zone"):
        ENGINE.staff_queues([], aware)


def test_requests_sent_to_staff_become_work_items_and_age() -> None:
    requests = [
        {"id": "W-1", "at": "2026-11-27T16:00", "action": {"kind": "join", "plan": "retired"}},
        {"id": "W-2", "at": "2026-11-27T16:05", "action": {"kind": "join", "plan": "individual"}},
    ]
    items = ENGINE.work_items(requests)
    assert items.values.tolist() == [["W-1", "membership", ["plan_requires_approval"], FRIDAY_4PM]]
    q = ENGINE.staff_queues(items, MONDAY_1030)
    assert q[["id", "business_minutes", "overdue"]].values.tolist() == [["W-1", 150, True]]


def test_coverage_by_quarter_with_staff_time_and_the_change() -> None:
    def join(at: str, plan: str) -> dict:
        return {"at": at, "action": {"kind": "join", "plan": plan}}

    rows = [join("2026-07-01T09:00", "retired"), join("2026-08-15T09:00", "retired"), join("2026-09-30T23:59", "individual"),
            join("2026-10-01T00:00", "individual"), join("2026-12-01T09:00", "individual"), join("2026-12-02T09:00", "retired")]
    view = ENGINE.coverage_by_period(rows, "quarter")
    assert view["period"].tolist() == ["2026-Q3", "2026-Q4"]
    assert view["start"].tolist() == [dt.date(2026, 7, 1), dt.date(2026, 10, 1)]
    assert view["staff_minutes"].tolist() == [30, 15]
    q4 = view.iloc[1]
    assert (q4["change_self_service_share"], q4["change_staff"], q4["change_staff_minutes"]) == (Decimal("33.4"), -1, -15)
    assert view.attrs["changes"][["period", "previous", "code", "sent_to_staff"]].values.tolist() == [["2026-Q4", "2026-Q3", "plan_requires_approval", -1]]
    assert view.attrs["unplaced"] == 0


MINUTES = st.integers(min_value=0, max_value=60 * 24 * 40)


@settings(max_examples=60, deadline=None)
@given(asked=st.lists(MINUTES, min_size=1, max_size=6), later=MINUTES)
def test_the_frame_is_the_gateway_answer_and_business_time_never_exceeds_the_clock(asked: list[int], later: int) -> None:
    """Invariant: every open item's business age is at most its calendar age, an overdue item has
    no business time left, one not overdue has none owed; and the frame holds the gateway's
    answer (the same facts give the same answer at every door)."""
    start = dt.datetime(2026, 11, 20, 0, 0)
    times = [start + dt.timedelta(minutes=m) for m in asked]
    as_of = max(times) + dt.timedelta(minutes=later)
    items = [{"id": f"R-{i}", "queue": "membership" if i % 2 else "finance", "reasons": [], "requested_at": t} for i, t in enumerate(times)]
    q = ENGINE.staff_queues(items, as_of)
    for _, row in q.iterrows():
        assert 0 <= row["business_minutes"] <= row["age_minutes"]
        if row["overdue"]:
            assert row["business_minutes_left"] <= 0
        else:
            assert row["business_minutes_left"] >= 0
    doc = ENGINE.call({"op": "staff_queues", "items": items, "as_of": as_of})["ok"]
    assert q["id"].tolist() == [i["id"] for i in doc["items"]]
    assert q["business_minutes"].tolist() == [i["business_minutes"] for i in doc["items"]]
    assert [None if pd.isna(d) else d.isoformat(timespec="minutes") for d in q["due"]] == [i["due"] for i in doc["items"]]
