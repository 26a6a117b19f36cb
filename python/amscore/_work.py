"""Staff work as DataFrames: the work items of a batch of website requests, the staff queues aged
on a date-time (owners, due times, overdue, loads, the share resolved within the service level),
and the coverage report by month or quarter. Every answer is the core's (through the gateway's
``staff_queues``, ``work_items`` and ``coverage_by_period`` operations); this module only lays
the answers out as frames. Date-times are naive ``datetime.datetime`` values in the association's
wall-clock time, as the requests carry them."""

from __future__ import annotations

import datetime as _dt
from decimal import Decimal
from typing import Any

ITEM_COLUMNS = ("id", "queue", "reasons", "requested_at", "closed_at")
"""The columns of a work-items frame (``closed_at`` is optional; null for open items)."""

AGED_COLUMNS = (
    "id", "queue", "reasons", "requested_at", "team", "assignee", "service_level", "service_level_value",
    "due", "age_minutes", "business_minutes", "business_minutes_left", "overdue",
)
"""The columns of ``Engine.staff_queues``' frame, one row per open item, oldest first."""


def _time(v: Any) -> Any:
    return None if v is None else _dt.datetime.fromisoformat(v)


def _records(frame: Any, what: str) -> list[dict[str, Any]]:
    """A frame's rows (or a list of dicts) as dicts for a gateway request; pandas' missing values
    become None and its timestamps naive ``datetime.datetime``."""
    if frame is None:
        return []
    if isinstance(frame, list):
        return [dict(r) for r in frame]
    if hasattr(frame, "to_dict"):
        import pandas as pd

        rows = frame.to_dict(orient="records")

        def cell(v: Any) -> Any:
            if isinstance(v, pd.Timestamp):
                return v.to_pydatetime()
            if v is pd.NaT:
                return None
            if isinstance(v, float) and v != v:  # NaN: a missing value
                return None
            if hasattr(v, "tolist"):  # a numpy array of reasons
                return v.tolist()
            return v

        return [{k: cell(v) for k, v in r.items()} for r in rows]
    raise TypeError(f"{what}: expected a pandas.DataFrame or a list of dicts, got {type(frame).__name__}")


def _items(frame: Any) -> list[dict[str, Any]]:
    items = []
    for r in _records(frame, "items"):
        item = {k: r[k] for k in ("id", "queue", "requested_at") if k in r}
        item["reasons"] = list(r.get("reasons") or [])
        if r.get("closed_at") is not None:
            item["closed_at"] = r["closed_at"]
        items.append(item)
    return items


def _text(frame: Any, *columns: str) -> Any:
    """Text columns as the running pandas makes text whatever the rows (``str`` with NaN for
    missing under pandas 3, ``object`` with None under pandas 2: ``amscore._core._text_column``),
    not pandas' guess from the values (object for a column of None only, float NaN for missing)."""
    from amscore import _core, _success

    for c in columns:
        frame[c] = _core._text_column([None if _success._is_null(v) else v for v in frame[c].tolist()])
    return frame


def _decimals(frame: Any, *columns: str) -> Any:
    """``Decimal`` columns as objects, None for missing (pandas would make them NaN)."""
    for c in columns:
        frame[c] = frame[c].astype(object).where(frame[c].notna(), None)
    return frame


def _level(level: Any) -> tuple[Any, Any]:
    """A service level ``{"business_hours": 16}`` as (kind, value)."""
    if not level:
        return None, None
    ((kind, value),) = level.items()
    return kind, value


def work_items(engine: Any, requests: Any) -> Any:
    import pandas as pd

    result = engine.answer({"op": "work_items", "requests": list(requests)})
    rows = [{**i, "requested_at": _time(i["requested_at"])} for i in result["items"]]
    return pd.DataFrame(rows, columns=["id", "queue", "reasons", "requested_at"])


def staff_queues(engine: Any, items: Any, as_of: Any, assignments: Any = None) -> Any:
    import pandas as pd

    request = {"op": "staff_queues", "items": _items(items), "assignments": _records(assignments, "assignments"), "as_of": as_of}
    r = engine.answer(request)
    rows = []
    for i in r["items"]:
        kind, value = _level(i["service_level"])
        rows.append({
            **i,
            "requested_at": _time(i["requested_at"]),
            "due": _time(i["due"]),
            "service_level": kind,
            "service_level_value": value,
        })
    frame = pd.DataFrame(rows, columns=list(AGED_COLUMNS))
    frame["business_minutes_left"] = frame["business_minutes_left"].astype("Int64")
    frame["overdue"] = frame["overdue"].astype(bool)
    _text(frame, "team", "assignee", "service_level")
    frame.attrs["as_of"] = _time(r["as_of"])
    for k in ("open", "overdue", "unowned"):
        frame.attrs[k] = r[k]
    owners = pd.DataFrame(r["by_owner"], columns=["team", "assignee", "open", "overdue", "oldest_business_minutes"])
    frame.attrs["by_owner"] = _text(owners, "team", "assignee")
    frame.attrs["by_queue"] = pd.DataFrame(r["by_queue"], columns=["queue", "open", "overdue", "oldest_business_minutes"])
    resolved = pd.DataFrame(
        [{**x, "share": None if x["share"] is None else Decimal(x["share"])} for x in r["resolved"]],
        columns=["queue", "closed", "within", "share", "without_service_level"],
    )
    frame.attrs["resolved"] = _decimals(_text(resolved, "queue"), "share")
    return frame


def coverage_by_period(engine: Any, requests: Any, period: str = "month") -> Any:
    import pandas as pd

    r = engine.answer({"op": "coverage_by_period", "requests": list(requests), "period": period})
    rows, reasons, changes = [], [], []
    for p in r["periods"]:
        o, c = p["report"]["overall"], p["change"]
        rows.append({
            "period": p["period"],
            "start": _dt.date.fromisoformat(p["start"]),
            "requests": o["requests"],
            "self_service": o["self_service"],
            "staff": o["staff"],
            "refused": o["refused"],
            "errors": o["errors"],
            "self_service_share": Decimal(o["self_service_share"]),
            "staff_minutes": p["report"].get("staff_minutes"),
            "change_self_service_share": None if c is None else Decimal(c["self_service_share"]),
            "change_staff": None if c is None else c["staff"],
            "change_staff_minutes": None if c is None else c.get("staff_minutes"),
        })
        for x in p["report"]["reasons"]:
            reasons.append({"period": p["period"], **x, "staff_minutes": x.get("staff_minutes")})
        for x in [] if c is None else c["reasons"]:
            changes.append({"period": p["period"], "previous": c["previous"], **x, "staff_minutes": x.get("staff_minutes")})
    frame = pd.DataFrame(rows, columns=[
        "period", "start", "requests", "self_service", "staff", "refused", "errors", "self_service_share",
        "staff_minutes", "change_self_service_share", "change_staff", "change_staff_minutes",
    ])
    for col in ("staff_minutes", "change_staff", "change_staff_minutes"):
        frame[col] = frame[col].astype("Int64")
    frame.attrs["period"] = r["period"]
    frame.attrs["unplaced"] = r["unplaced"]
    frame.attrs["reasons"] = pd.DataFrame(reasons, columns=["period", "code", "sent_to_staff", "alone_blocked", "refused", "staff_minutes"])
    frame.attrs["changes"] = pd.DataFrame(changes, columns=["period", "previous", "code", "sent_to_staff", "refused", "staff_minutes"])
    return frame
