"""The audit of another system's membership export as DataFrames, behind ``Engine.audit_export``.

This module only converts: the export's text (read from a file when given a path) crosses into the
core through the JSON gateway's ``audit_export`` operation, which reads the CiviCRM or Tendenci
export, recomputes each record with the policy's rules and answers every disagreement; the answer
comes back as frames (``docs/audit.md``).
"""

from __future__ import annotations

import datetime
import os
from typing import Any

DISAGREEMENT_COLUMNS = ("row", "line", "member_id", "plan", "kind", "field", "stored", "expected", "rule", "rule_text")
"""The columns of ``Engine.audit_export``'s frame, one row per disagreement."""

PROBLEM_COLUMNS = ("row", "line", "member_id", "field", "value", "code", "name", "message")
"""The columns of ``attrs["problems"]``: the rows that could not be audited."""


def _text(export: str | os.PathLike[str] | bytes) -> str:
    """The export's text: bytes decoded as UTF-8 (a leading BOM dropped by the core's reader), a
    path read, a string with a line break taken as the text itself."""
    if isinstance(export, bytes):
        return export.decode("utf-8")
    if isinstance(export, os.PathLike) or ("\n" not in export and os.path.isfile(export)):
        with open(export, encoding="utf-8-sig", newline="") as f:
            return f.read()
    return export


def audit_export(
    engine: Any,
    export: str | os.PathLike[str] | bytes,
    format: str,
    as_of: datetime.date,
    types: dict[str, str] | None = None,
) -> Any:
    """See ``Engine.audit_export``."""
    import pandas as pd

    from amscore import _core, _success

    report = engine.answer(
        {"op": "audit_export", "format": format, "export": _text(export), "as_of": as_of.isoformat(), "types": types or {}}
    )
    # Text columns as the running pandas makes text whatever the rows (str under pandas 3, object
    # with None under pandas 2); the problems' numbers as plain ints, None for missing.
    numbers = ("row", "line", "code")
    disagreements = {c: [d[c] for d in report["disagreements"]] for c in DISAGREEMENT_COLUMNS}
    frame = pd.DataFrame(
        {c: v if c in numbers else _core._text_column(v) for c, v in disagreements.items()},
        columns=list(DISAGREEMENT_COLUMNS),
    )
    frame = frame.astype({"row": "int64", "line": "int64"})
    frame.attrs["summary"] = pd.DataFrame(
        {"kind": [k["kind"] for k in report["summary"]], "count": [k["count"] for k in report["summary"]]}
    ).astype({"count": "int64"})
    problems = {c: [p.get(c) for p in report["problems"]] for c in PROBLEM_COLUMNS}
    frame.attrs["problems"] = pd.DataFrame(
        {c: _success._objects(v) if c in numbers else _core._text_column(v) for c, v in problems.items()},
        columns=list(PROBLEM_COLUMNS),
    )
    for key in ("format", "records", "audited", "records_with_disagreements"):
        frame.attrs[key] = report[key]
    frame.attrs["as_of"] = as_of
    return frame


def write_export(engine: Any, members: list[dict[str, Any]], format: str, as_of: datetime.date) -> str:
    """See ``Engine.write_export``."""
    result: str = engine.answer({"op": "write_export", "format": format, "members": members, "as_of": as_of.isoformat()})["export"]
    return result
