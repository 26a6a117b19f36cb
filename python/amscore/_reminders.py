"""Message reminders as DataFrames, behind ``Engine.reminders_due`` and ``Engine.reminders_forecast``.

The members and events frames are the success analytics' (see ``amscore._success``). The sent log
is a frame (or a list of dicts) with columns ``member_id``, ``date``, ``sequence``, ``step`` and
``channel``: one row per message already sent. This module only converts types; the core decides
what is due, what fatigue or a stopped sequence holds back (``attrs["suppressed"]``, with the
``rule`` and its ``detail``), and what the coming days' volume is.
"""

from __future__ import annotations

import datetime as _dt
from typing import Any

from amscore import _success

SENT_COLUMNS = ("member_id", "date", "sequence", "step", "channel")
"""The sent log's columns."""
DUE_COLUMNS = ("member_id", "sequence", "step", "channel", "template", "priority", "anchor", "due_on")
"""The columns of ``Engine.reminders_due``'s frame."""
SUPPRESSED_COLUMNS = DUE_COLUMNS + ("rule", "detail")
"""The keys of each record of its ``attrs["suppressed"]`` (a list of dicts)."""
FORECAST_COLUMNS = ("date", "channel", "messages", "held_back")
"""The columns of ``Engine.reminders_forecast``'s frame."""


def _cell(v: Any, column: str, row: int) -> Any:
    if _success._is_null(v):
        return None
    if column == "date":
        if hasattr(v, "to_pydatetime"):
            v = v.to_pydatetime()
        if isinstance(v, _dt.datetime):
            if v.time() != _dt.time(0):
                raise TypeError(f"sent.date[{row}]: a datetime with a time of day is not a date")
            v = v.date()
        if isinstance(v, _dt.date):
            return v.isoformat()
        if isinstance(v, str):
            return v
        raise TypeError(f"sent.date[{row}]: expected a date, got {type(v).__name__}")
    if isinstance(v, int) and not isinstance(v, bool) and column == "member_id":
        return str(v)
    if not isinstance(v, str):
        raise TypeError(f"sent.{column}[{row}]: expected str, got {type(v).__name__}")
    return v


def _sent(sent: Any) -> list[dict[str, Any]]:
    """The sent log as the core's rows (dates as ISO text, read by the core's one grammar)."""
    if sent is None:
        return []
    if isinstance(sent, list):
        rows = sent
    else:
        names = _success._names(sent)
        for column in SENT_COLUMNS:
            if column not in names:
                raise _success._error(
                    _success._core.SuccessError, "invalid_success_input", f"sent.{column}: missing column `{column}`", f"sent.{column}"
                )
        table = sent.to_pandas() if hasattr(sent, "to_pandas") else sent
        rows = table[list(SENT_COLUMNS)].to_dict("records")
    return [{c: _cell(r.get(c), c, i) for c in SENT_COLUMNS} for i, r in enumerate(rows)]


def _dated(row: dict[str, Any], *columns: str) -> dict[str, Any]:
    return {**row, **{c: _success._day(row[c]) for c in columns}}


def reminders_due(engine: Any, members: Any, events: Any, as_of: Any, sent: Any = None) -> Any:
    import pandas as pd

    result, errors = _success._call(engine, "reminders_due", members, events, as_of, {"sent": _sent(sent)})
    frame = pd.DataFrame([_dated(d, "anchor", "due_on") for d in result["due"]], columns=list(DUE_COLUMNS))
    # attrs hold plain values only (a frame there breaks pandas' print and concat): the held-back
    # messages as records with the SUPPRESSED_COLUMNS; pd.DataFrame(frame.attrs["suppressed"]) is
    # their frame.
    suppressed = [{c: row[c] for c in SUPPRESSED_COLUMNS} for row in (_dated(s, "anchor", "due_on") for s in result["suppressed"])]
    return _success._with_errors(frame, errors, suppressed=suppressed, date=_success._day(result["date"]))


def reminders_forecast(engine: Any, members: Any, events: Any, as_of: Any, days: int, sent: Any = None) -> Any:
    import pandas as pd

    if isinstance(days, bool) or not isinstance(days, int):
        raise TypeError(f"days: expected int, got {type(days).__name__}")
    result, errors = _success._call(engine, "reminders_forecast", members, events, as_of, {"sent": _sent(sent), "days": days})
    frame = pd.DataFrame([_dated(r, "date") for r in result["rows"]], columns=list(FORECAST_COLUMNS))
    frame["messages"] = frame["messages"].astype("int64")
    frame["held_back"] = frame["held_back"].astype("int64")
    return _success._with_errors(frame, errors, totals=dict(result["totals"]), days=result["days"])
