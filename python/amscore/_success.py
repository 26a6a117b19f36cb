"""The success analytics as DataFrames, behind ``Engine.engagement_scores``, ``Engine.segments``,
``Engine.at_risk``, ``Engine.cohort_table``, ``Engine.retention_metrics`` and friends.

This module only converts types. A column whose type says what every cell is crosses into the
native ``_core.Engine._success`` as flat buffers, without a Python object per row: ``datetime64``
and ``date32`` dates as day numbers, text (``str``, categoricals, Arrow strings and dictionaries,
``int`` member ids and amounts) as codes into its distinct values, each read once, ``bool`` flags,
``decimal128`` amounts as exact integers and a scale, ``Decimal`` amounts by their exact text. Any
other column crosses cell by cell, as a Python list of ``None``, ``str``, ``bool``,
``datetime.date`` or ``int`` day numbers, and its cells are checked here. The core reads either as
the same typed rows as a roster CSV (``amscore::TermRow``, ``amscore::success::EventRow`` and
``CodedEventRow``), with its one grammar for dates, decimals and flags and its one rule for which
term row gives a member's facts, and answers with structured row errors (source, row, field,
value, code) that are frame rows already; engagement scores and segments come back as columns.

Members frame (a ``pandas.DataFrame`` or a ``pyarrow.Table``): a **term history**, one row per
term a member held, with the roster loader's columns:

=================== ========= ==============================================================
column              required  meaning
=================== ========= ==============================================================
member_id           yes       the member's id (str; an int id is its decimal text)
plan                yes       the plan of this term (str)
member_since        yes       join date as of this term
term_start          yes       the term's first day
term_end            yes       the term's last day, inclusive; null for a lifetime plan
pending             no        bool (or ``yes``/``no`` text); null = False
cancelled_on        no        the day the membership was cancelled
deceased_on         no        the day the member died
override_status     no        a staff override: a status name (``suspended``...)
override_until      no        the override's last day; null holds indefinitely
amount_paid         no        what was paid for the term (``Decimal``, int or decimal text)
currency            no        ISO 4217 code of ``amount_paid`` (default the plan's)
auto_renew          no        bool: the member renews automatically
balance_due         no        what the member owes now (``Decimal``, int or decimal text)
organization        no        the organisation the member holds a seat of (str)
renewal_pending     no        bool (or ``yes``/``no`` text): a renewal awaits payment; null = False
tax_exempt          no        bool (or ``yes``/``no`` text): the member pays no tax; null = False
pause_from          no        the first day of a pause of this term (with ``pause_to``)
pause_to            no        the pause's last day, inclusive, inside the term (with ``pause_from``)
attribute.<name>    no        a custom attribute (str), tested by segments as ``attribute.<name>``
=================== ========= ==============================================================

A member's current facts come from their latest term (the row with the latest ``term_start``, then
the later row), the member-level columns (``auto_renew`` .. ``attribute.*``, ``tax_exempt``) and
the term's pause too: the core's rule, the same as for a roster CSV. Other columns are ignored.

Events frame: ``member_id`` (str or int, as in the members frame), ``date``, ``kind`` (one of the policy's
``success.activity_kinds``) and optionally ``value`` (``Decimal``, int or decimal text; for kinds
scored by value).

Dates may be ``datetime.date``, ``datetime64`` at midnight, or ISO ``YYYY-MM-DD`` text. Types that
cannot be right for a column raise before anything runs, naming the column and row: a ``float``
amount, a ``datetime`` with a time of day, a number or ``bytes`` where text or a date is meant
(an ``int`` member id excepted) (``TypeError``). Values that are the right type but wrong (an impossible date, an unknown plan,
overlapping terms, an event before the member joined, an unknown activity kind) are **row
errors**: the row is left out of the analysis and listed, never dropped silently. Every result
frame carries them as ``frame.attrs["errors"]``, a frame with columns ``source`` (``members``,
``events`` or ``previous_triggers``), ``row`` (0-based position in that input frame), ``member_id``, ``field``,
``value`` (as given), ``code``, ``name`` and ``message``. Values may hold commas, quotes and line
breaks: nothing is written as CSV. A members frame without a required column raises ``RosterError``
(``missing_column``) naming it; an events frame without one raises ``SuccessError``
(``invalid_success_input``) with the path ``events.<column>``.
"""

from __future__ import annotations

import datetime as _dt
import math
from decimal import Decimal
from typing import Any

from amscore import _core

# The member frame's columns, as the core names them (`Column::ALL`), plus `attribute.<name>`.
SUCCESS_MEMBER_COLUMNS: tuple[str, ...] = _core.MEMBER_COLUMNS
"""The members frame's columns (plus any ``attribute.<name>``); the first five are required."""
EVENT_COLUMNS = ("member_id", "date", "kind", "value")
"""The events frame's columns; ``value`` is optional."""
ROW_ERROR_COLUMNS = ("source", "row", "member_id", "field", "value", "code", "name", "message")
"""The columns of ``attrs["errors"]`` on every success result frame."""

_ROSTER_DATES = (
    "member_since",
    "term_start",
    "term_end",
    "cancelled_on",
    "deceased_on",
    "override_until",
    "pause_from",
    "pause_to",
)
"""A roster's date columns (the members frame and the batch read them alike)."""
_ROSTER_AMOUNTS = ("amount_paid", "balance_due")
"""A roster's amount columns."""
_DATES = {*_ROSTER_DATES, "date"}
_AMOUNTS = {*_ROSTER_AMOUNTS, "value"}


def _error(cls: type, name: str, message: str, path: str | None) -> Exception:
    codes = {n: (code, family) for code, n, family in _core.error_table()}
    err = cls(message)
    err.code, err.family = codes[name]
    err.name = name
    err.path = path
    return err


def _is_null(v: Any) -> bool:
    """Whether a cell is pandas' or Python's missing value: None, NaN, NaT or pd.NA. Shared by the
    batch and the success frames."""
    return v is None or (isinstance(v, float) and math.isnan(v)) or type(v).__name__ in ("NaTType", "NAType")


def _duplicate_column(column: str, where: str = "") -> Exception:
    """``RosterError`` 1503 ``duplicate_column``, as the roster CSV's header raises it; ``where``
    (``events``) prefixes the message and the path."""
    path = f"{where}.{column}" if where else column
    prefix = f"{path}: " if where else ""
    return _error(_core.RosterError, "duplicate_column", f"{prefix}duplicate column `{column}`", path)


def _refuse_duplicates(names: list[str], read: Any, where: str = "") -> None:
    """Raises for the first column that is read (``read(name)``) and given more than once: which
    of them would be the column is not for amscore to guess."""
    seen: set[str] = set()
    for name in names:
        if name in seen and read(name):
            raise _duplicate_column(name, where)
        seen.add(name)


def _names(obj: Any) -> list[str]:
    """A frame's column names, as given (before any conversion)."""
    names = obj.column_names if hasattr(obj, "column_names") else getattr(obj, "columns", [])
    return [str(c) for c in names]


def _check_datetime64(series: Any, where: str) -> None:
    """A ``datetime64`` date column: no time zone (``TypeError`` for the column) and no time of day
    (``TypeError`` naming the first row with one). Shared by the batch and the success frames."""
    if getattr(series.dt, "tz", None) is not None:
        raise TypeError(f"{where}: dates have no time zone; got {series.dtype}")
    timed = (series.notna() & (series != series.dt.normalize())).to_numpy()
    if timed.any():
        row = int(timed.argmax())
        raise TypeError(f"{where}: row {row}: expected a date, got a datetime with a time of day ({series.iloc[row]})")


def _midnight(v: _dt.datetime, where: str, row: int) -> _dt.date:
    """A ``datetime`` cell of a date column: its date when it is midnight without a time zone,
    else ``TypeError``. Shared by the batch and the success frames."""
    if v.time() != _dt.time(0) or v.tzinfo is not None:
        raise TypeError(f"{where}: row {row}: expected datetime.date, got datetime.datetime ({v}); pass .date()")
    return v.date()


def _cells(frame: Any, column: str, what: str) -> list[Any]:
    """One column as a list for the core: ``None`` for null, ``str`` (read by the core's grammar),
    ``bool`` for a flag, ``datetime.date`` or an ``int`` day number (since 1970-01-01) for a date.
    Refuses types that cannot be right for the column, naming the column and row."""
    import numpy as np
    import pandas as pd

    series = frame[column]
    where = f"{what}.{column}"
    if column in _DATES and pd.api.types.is_datetime64_any_dtype(series.dtype):
        _check_datetime64(series, where)
        days = series.to_numpy(dtype="datetime64[D]").astype(np.int64).tolist()
        return [None if isnat else d for d, isnat in zip(days, series.isna().tolist())]
    if column in _AMOUNTS and pd.api.types.is_float_dtype(series.dtype) and series.notna().any():
        raise TypeError(f"{where}: float is not an exact amount; use decimal.Decimal, int or decimal text such as \"12.50\"")
    values = series.tolist()
    if pd.api.types.infer_dtype(series, skipna=True) in ("string", "empty") and column not in ("auto_renew",):
        return [v if isinstance(v, str) else None for v in values]
    out: list[Any] = []
    for row, v in enumerate(values):
        if _is_null(v):
            out.append(None)
        elif isinstance(v, bool) or type(v).__name__ == "bool_":
            if column not in ("pending", "auto_renew", "renewal_pending", "tax_exempt"):
                raise TypeError(f"{where}: row {row}: expected {_expected(column)}, got bool")
            out.append(bool(v))
        elif column in ("pending", "auto_renew", "renewal_pending", "tax_exempt"):
            if column == "auto_renew" or not isinstance(v, str):
                raise TypeError(f"{where}: row {row}: expected bool, got {type(v).__name__}")
            out.append(v)
        elif column in _DATES:
            if isinstance(v, _dt.datetime):
                v = _midnight(v, where, row)
            if isinstance(v, (_dt.date, str)):
                out.append(v)
            else:
                raise TypeError(f"{where}: row {row}: expected datetime.date or ISO text, got {type(v).__name__}")
        elif column in _AMOUNTS:
            if isinstance(v, float):
                raise TypeError(f"{where}: row {row}: float is not an exact amount; use decimal.Decimal, int or decimal text")
            if isinstance(v, Decimal):
                out.append(v)  # written out exactly by the native module, then read by the core's grammar
            elif isinstance(v, int):
                out.append(str(v))
            elif isinstance(v, str):
                out.append(v)
            else:
                raise TypeError(f"{where}: row {row}: expected decimal.Decimal, int or str, got {type(v).__name__}")
        elif isinstance(v, str):
            out.append(v)
        else:
            raise TypeError(f"{where}: row {row}: expected str, got {type(v).__name__}")
    return out


def _expected(column: str) -> str:
    if column in _DATES:
        return "datetime.date or ISO text"
    if column in _AMOUNTS:
        return "decimal.Decimal, int or str"
    return "str"


_FLAGS = ("pending", "auto_renew", "renewal_pending", "tax_exempt")
_NULL_DAY = -(2**31)


def _name_buffers(names: Any) -> tuple[bytes, bytes]:
    """Names (an Arrow text array) as Arrow lays out text: little-endian int32 offsets (one more
    than the names) and the UTF-8 bytes they index; no Python string per name."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    if isinstance(names, pa.ChunkedArray):
        names = names.combine_chunks()
    if not pa.types.is_string(names.type):
        names = pc.cast(names, pa.string())
    n = len(names)
    buffers = names.buffers()
    if n == 0 or buffers[1] is None:
        return np.zeros(1, dtype="<i4").tobytes(), b""
    offsets = np.frombuffer(buffers[1], dtype="<i4", count=n + 1, offset=names.offset * 4)
    data = buffers[2].to_pybytes() if buffers[2] is not None else b""
    return offsets.tobytes(), data


def _coded(codes: Any, names: Any) -> tuple[str, bytes, bytes, bytes]:
    """A text column for the core as codes (int32, -1 for null) into its distinct names: each name
    is read once by the core, not once per row."""
    import numpy as np

    codes = np.asarray(codes)
    return ("codes", np.ascontiguousarray(codes, dtype="<i4").tobytes(), *_name_buffers(names))


def _encoded(array: Any) -> tuple[str, bytes, bytes, bytes]:
    """An Arrow array (text, or numbers written as their text) dictionary-encoded for the core."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    if pa.types.is_dictionary(array.type):
        indices, names = array.indices, array.dictionary
    else:
        encoded = pc.dictionary_encode(array)
        indices, names = encoded.indices, encoded.dictionary
    codes = pc.fill_null(pc.cast(indices, pa.int32()), -1).to_numpy(zero_copy_only=False)
    return _coded(codes, pc.cast(names, pa.string()))


def _days(days: Any, null: Any) -> tuple[str, bytes]:
    """Day numbers (since 1970-01-01) for the core, ``_NULL_DAY`` where ``null``."""
    import numpy as np

    days = np.asarray(days, dtype=np.int64).copy()
    days[np.asarray(null, dtype=bool)] = _NULL_DAY
    return ("days", days.astype("<i4").tobytes())


def _is_text(t: Any) -> bool:
    import pyarrow as pa

    return pa.types.is_string(t) or pa.types.is_large_string(t)


def _typed_arrow(array: Any, column: str) -> Any:
    """An Arrow column as typed buffers for the core when its type says what every cell is (dates,
    text or its dictionary, flags, exact decimals, integers), else ``None`` (its cells are then read
    one by one, as pandas gives them)."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    t = array.type
    text = _is_text(t) or (pa.types.is_dictionary(t) and _is_text(t.value_type))
    if pa.types.is_null(t):
        return _coded(np.full(len(array), -1, dtype="<i4"), pa.array([], pa.string()))
    if column in _DATES:
        if pa.types.is_date64(t):
            array, t = pc.cast(array, pa.date32(), safe=False), pa.date32()
        if pa.types.is_date32(t):
            days = pc.fill_null(array.cast(pa.int32()), 0).to_numpy(zero_copy_only=False)
            return _days(days, array.is_null().to_numpy(zero_copy_only=False))
        return _encoded(array) if text else None
    if column in _FLAGS:
        if pa.types.is_boolean(t):
            flags = pc.fill_null(pc.cast(array, pa.int8()), -1).to_numpy(zero_copy_only=False)
            return ("flags", np.ascontiguousarray(flags, dtype="i1").tobytes())
        return _encoded(array) if text and column != "auto_renew" else None
    if column in _AMOUNTS:
        if pa.types.is_decimal128(t) and t.precision <= 28 and 0 <= t.scale <= 28:
            data = array.buffers()[1]
            units = np.frombuffer(data, dtype="u1", count=16 * len(array), offset=16 * array.offset) if len(array) else np.zeros(0, "u1")
            valid = array.is_valid().to_numpy(zero_copy_only=False).astype("u1")
            return ("decimals", units.tobytes(), valid.tobytes(), t.scale)
        return _encoded(array) if text or pa.types.is_integer(t) else None
    if column == "member_id" and pa.types.is_integer(t):
        return _encoded(array)
    return _encoded(array) if text else None


def _typed_series(series: Any, column: str, where: str) -> Any:
    """A pandas column as typed buffers for the core when its dtype says what every cell is
    (``datetime64`` dates, text, categoricals of text, bool flags, integers, exact decimals), else
    ``None`` (``_cells`` reads it cell by cell and refuses what cannot be right)."""
    import numpy as np
    import pandas as pd
    import pyarrow as pa

    dtype = series.dtype
    if isinstance(dtype, pd.ArrowDtype):
        return _typed_arrow(pa.array(series), column)
    if column in _DATES and pd.api.types.is_datetime64_any_dtype(dtype):
        _check_datetime64(series, where)
        days = series.to_numpy(dtype="datetime64[D]").astype(np.int64)
        return _days(days, series.isna().to_numpy())
    if column in _FLAGS and (dtype == np.bool_ or isinstance(dtype, pd.BooleanDtype)):
        return _typed_arrow(pa.array(series, from_pandas=True), column)
    if isinstance(dtype, pd.CategoricalDtype):
        categories = dtype.categories
        if column != "auto_renew" and pd.api.types.infer_dtype(categories, skipna=True) in ("string", "empty"):
            return _coded(series.cat.codes.to_numpy(), pa.array(categories.astype(object), pa.string()))
        return None
    if pd.api.types.is_integer_dtype(dtype) and (column in _AMOUNTS or column == "member_id"):
        return _typed_arrow(pa.array(series, from_pandas=True), column)
    if dtype == object and len(series):
        values = series.to_numpy()
        null = series.isna().to_numpy()
        present = values[~null]
        types = set(map(type, present))
        if column in _AMOUNTS and types and types <= {Decimal, int, str}:
            # A Decimal's text without an exponent is its exact plain text, an int's is what the
            # cells would give; anything else (an exponent, NaN) is read cell by cell.
            texts = pa.array(present.astype(str), pa.string())
            if not pa.compute.any(pa.compute.match_substring_regex(texts, "[^0-9.+-]")).as_py():
                encoded = pa.compute.dictionary_encode(texts)
                codes = np.full(len(series), -1, dtype="<i4")
                codes[~null] = encoded.indices.to_numpy(zero_copy_only=False)
                return _coded(codes, encoded.dictionary)
            return None
        if column in _DATES and types == {_dt.date}:
            days = pa.array(np.where(null, None, values), pa.date32())
            return _typed_arrow(days, column)
    if column != "auto_renew" and pd.api.types.infer_dtype(series, skipna=True) in ("string", "empty"):
        return _typed_arrow(pa.array(series, pa.string(), from_pandas=True), column)
    return None


def _column(obj: Any, column: str, what: str) -> Any:
    """One column of a frame for the core: typed buffers when its type allows, else its cells
    (``_cells``) as Python values."""
    import pyarrow as pa

    if isinstance(obj, pa.Table):
        array = obj.column(column)
        typed = _typed_arrow(array, column)
        if typed is not None:
            return typed
        # The column as the table's pandas conversion gives it.
        obj = pa.table({column: array}).to_pandas(date_as_object=True)
    typed = _typed_series(obj[column], column, f"{what}.{column}")
    return typed if typed is not None else _cells(obj, column, what)


def _table(obj: Any, what: str) -> Any:
    """A frame as given (a ``pandas.DataFrame`` or a ``pyarrow.Table``), else ``TypeError``."""
    import pandas as pd

    if isinstance(obj, pd.DataFrame):
        return obj
    if type(obj).__module__.startswith("pyarrow") and hasattr(obj, "to_pandas"):
        import pyarrow as pa

        return obj if isinstance(obj, pa.Table) else pa.table(obj)
    raise TypeError(f"{what}: expected a pandas.DataFrame or a pyarrow.Table, got {type(obj).__name__}")


def _rows(obj: Any) -> int:
    return obj.num_rows if hasattr(obj, "num_rows") else len(obj)


def _members(members: Any) -> tuple[dict[str, Any], int]:
    _refuse_duplicates(_names(members), lambda c: c in SUCCESS_MEMBER_COLUMNS or c.startswith(_core.ATTRIBUTE_PREFIX))
    frame = _table(members, "members")
    wanted = [c for c in _names(frame) if c in SUCCESS_MEMBER_COLUMNS or c.startswith(_core.ATTRIBUTE_PREFIX)]
    return {c: _column(frame, c, "members") for c in wanted}, _rows(frame)


def _events(events: Any) -> tuple[dict[str, Any], int]:
    _refuse_duplicates(_names(events), lambda c: c in EVENT_COLUMNS, "events")
    frame = _table(events, "events")
    names = _names(frame)
    for column in EVENT_COLUMNS[:3]:
        if column not in names:
            raise _error(_core.SuccessError, "invalid_success_input", f"events.{column}: missing column `{column}`", f"events.{column}")
    return {c: _column(frame, c, "events") for c in EVENT_COLUMNS if c in names}, _rows(frame)


def as_date(value: Any, what: str) -> _dt.date:
    """A date argument: a ``datetime.date``, or a ``datetime`` at midnight without a time zone (a
    ``pandas.Timestamp`` is one), as the native module and the frames' date cells read it; else
    ``TypeError`` naming ``what``."""
    if isinstance(value, _dt.datetime):
        if value.tzinfo is None and value.time() == _dt.time(0):
            return value.date()
        name = "datetime.datetime" if type(value) is _dt.datetime else type(value).__name__
        raise TypeError(f"{what}: expected datetime.date, got {name} (amscore dates have no time of day; pass .date())")
    if not isinstance(value, _dt.date):
        raise TypeError(f"{what}: expected datetime.date, got {type(value).__name__}")
    return value


def _date(as_of: Any) -> _dt.date:
    return as_date(as_of, "as_of")


def _call(engine: Any, op: str, members: Any, events: Any, as_of: Any, options: dict[str, Any] | None = None) -> tuple[Any, Any]:
    """Runs one success function; returns its answer and the errors frame."""
    as_of = _date(as_of)
    member_columns, member_rows = _members(members)
    event_columns, event_rows = (None, 0) if events is None else _events(events)
    out = engine._success(op, as_of, member_columns, member_rows, event_columns, event_rows, options)
    return out["result"], _error_records(out["errors"])


def _error_records(errors: dict[str, list[Any]] | None = None) -> list[dict[str, Any]]:
    """The core's row errors (columns, already in source and row order) as plain records: one dict
    per bad row with the keys of ``ROW_ERROR_COLUMNS``."""
    columns = errors or {}
    rows = len(columns.get("source", []))
    return [{c: columns[c][i] if c in columns else None for c in ROW_ERROR_COLUMNS} for i in range(rows)]


def row_errors(frame: Any) -> Any:
    """The bad input rows of a success result frame (its ``attrs["errors"]`` records) as a
    ``pandas.DataFrame`` with the columns ``ROW_ERROR_COLUMNS``: ``row`` and ``code`` as nullable
    integers, the others as the running pandas' text (``_core._text_column``: ``str`` with NaN for a
    missing ``field`` or ``value`` under pandas 3, ``object`` with None under pandas 2).

    >>> import pandas as pd
    >>> from amscore import Engine
    >>> members = pd.DataFrame({"member_id": ["M-1"], "plan": ["gold"], "member_since": [date(2025, 1, 1)],
    ...     "term_start": [date(2025, 1, 1)], "term_end": [date(2025, 12, 31)]})
    >>> row_errors(Engine("amscore").renewal_due(members, date(2025, 12, 1)))[["source", "row", "name"]].values.tolist()
    [['members', 0, 'plan_not_in_policy']]
    """
    import pandas as pd

    records = list(frame.attrs.get("errors", []) if hasattr(frame, "attrs") else frame)
    columns = {c: [r.get(c) for r in records] for c in ROW_ERROR_COLUMNS}
    return pd.DataFrame(
        {c: pd.array(v, dtype="Int64") if c in ("row", "code") else _core._text_column(v) for c, v in columns.items()},
        columns=list(ROW_ERROR_COLUMNS),
    )


def _dec(v: Any) -> Any:
    return None if v is None else Decimal(v)


def _day(v: Any) -> Any:
    return None if v is None else _dt.date.fromisoformat(v)


def _with_errors(frame: Any, errors: list[dict[str, Any]], **more: Any) -> Any:
    """Sets ``attrs``: plain values only (lists of dicts, numbers, text), never a frame, which
    pandas would compare and copy with every ``concat`` and ``print``."""
    frame.attrs["errors"] = errors
    for k, v in more.items():
        frame.attrs[k] = v
    return frame


def _kinds(engine: Any) -> list[str]:
    success = engine.policy.to_dict().get("success") or {}
    return [k["id"] for k in success.get("activity_kinds", [])]


def engagement_scores(engine: Any, members: Any, events: Any, as_of: Any, seats: dict[str, int] | None = None) -> Any:
    import numpy as np
    import pandas as pd

    result, errors = _call(engine, "engagement_scores", members, events, as_of, {"seats": seats or {}})
    kinds = _kinds(engine)
    columns = ["member_id", "score", "percentile", "future_events"] + [
        f"{p}_{k}" for k in kinds for p in ("points", "events", "counted", "capped")
    ]
    if result["member_id"]:
        # Columns as the core wrote them: text and Decimals as objects, counts as int64.
        data = {c: np.frombuffer(v, dtype="<i8").astype(np.int64) if isinstance(v, bytes) else _objects(v) for c, v in result.items() if c in columns}
        frame = pd.DataFrame(data, columns=columns)
    else:
        frame = pd.DataFrame([], columns=columns)
    orgs = [
        {"organization": o["organization"], "members": o["members"], "seats": o["seats"], "total": Decimal(o["total"]), "mean": Decimal(o["mean"]), "per_seat": Decimal(o["per_seat"])}
        for o in result["organizations"]
    ]
    return _with_errors(frame, errors, organizations=orgs)


def _objects(values: list[Any]) -> Any:
    """A list as an object array (no inference of a dtype from its values)."""
    import numpy as np

    return np.fromiter(values, dtype=object, count=len(values))


def segments(engine: Any, members: Any, events: Any, as_of: Any) -> Any:
    import pandas as pd

    result, errors = _call(engine, "segments", members, events, as_of)
    columns = ["member_id", "segment", "matched"]
    frame = pd.DataFrame({c: _objects(result[c]) for c in columns}, columns=columns)
    return _with_errors(frame, errors, members=result["members"])


def _previous_triggers(previous: Any) -> list[dict[str, Any]]:
    """Triggers raised before, for the core's cooldowns: a list of dicts or a frame (an earlier
    ``at_risk`` result: ``trigger`` is read as ``rule``), each with ``member_id``, ``rule`` and
    ``date`` (``datetime.date``, a ``pandas.Timestamp`` at midnight, or ISO text). Other keys
    (``priority``, ``intervention``, ...) are left out; a missing one is the core's error for that
    row. A missing cell (None, NaN, ``pd.NA``, ``NaT``: a frame's missing text is NaN under
    pandas 3, and in a frame read from CSV) is a missing key, as in a dict without it."""
    if previous is None:
        return []
    if isinstance(previous, (str, bytes, dict)):
        raise TypeError(f"previous_triggers: expected a list of dicts or a DataFrame, got {type(previous).__name__}")
    if hasattr(previous, "to_dicts"):
        rows = previous.to_dicts()
    elif hasattr(previous, "to_pylist") and hasattr(previous, "column_names"):
        rows = previous.to_pylist()
    elif hasattr(previous, "to_dict") and hasattr(previous, "columns"):
        rows = previous.to_dict(orient="records")
    else:
        rows = list(previous)
    out = []
    for i, t in enumerate(rows):
        if not isinstance(t, dict):
            raise TypeError(f"previous_triggers[{i}]: expected a dict, got {type(t).__name__}")
        row: dict[str, Any] = {}
        if "member_id" in t and not _is_null(t["member_id"]):
            row["member_id"] = t["member_id"]
        rule = t["rule"] if "rule" in t else t.get("trigger")
        if not _is_null(rule):
            row["rule"] = rule
        if "date" in t and not _is_null(t["date"]):
            day = t["date"]
            row["date"] = day if isinstance(day, str) else as_date(day, f"previous_triggers[{i}].date")
        out.append(row)
    return out


def at_risk(engine: Any, members: Any, events: Any, as_of: Any, previous_triggers: Any = None) -> Any:
    import pandas as pd

    as_of = as_date(as_of, "as_of")
    previous = _previous_triggers(previous_triggers)
    result, errors = _call(engine, "at_risk", members, events, as_of, {"previous_triggers": previous})
    rows = [
        {
            "member_id": t["member_id"],
            "priority": t["priority"],
            "trigger": r["code"],
            "trigger_priority": r["priority"],
            "intervention": r["action"],
            "reasons": "; ".join(r["matched"]),
            "date": as_of,
        }
        for t in result["triggers"]
        for r in t["reasons"]
    ]
    frame = pd.DataFrame(rows, columns=["member_id", "priority", "trigger", "trigger_priority", "intervention", "reasons", "date"])
    suppressed = [
        {"member_id": x["member_id"], "code": x["code"], "last_triggered": _day(x["last_triggered"]), "until": _day(x["until"])}
        for x in result["suppressed"]
    ]
    return _with_errors(frame, errors, suppressed=suppressed, members_at_risk=len(result["triggers"]))


def cohort_table(engine: Any, members: Any, as_of: Any) -> Any:
    import pandas as pd

    result, errors = _call(engine, "cohort_table", members, None, as_of)
    years = sorted({c["years"] for r in result["rows"] for c in r["cells"]})
    rows = []
    for r in result["rows"]:
        row: dict[str, Any] = {"join_year": r["join_year"], "members": r["members"]}
        cells = {c["years"]: c for c in r["cells"]}
        for y in years:
            c = cells.get(y)
            row[f"eligible_{y}"] = c["eligible"] if c else pd.NA
            row[f"retained_{y}"] = c["retained"] if c else pd.NA
            row[f"rate_{y}"] = Decimal(c["rate"]) if c else None
        rows.append(row)
    columns = ["join_year", "members"] + [f"{p}_{y}" for y in years for p in ("eligible", "retained", "rate")]
    frame = pd.DataFrame(rows, columns=columns)
    for y in years:
        for p in ("eligible", "retained"):
            frame[f"{p}_{y}"] = frame[f"{p}_{y}"].astype("Int64")
    return _with_errors(frame, errors, members=result["members"], joined_after=result.get("joined_after", 0))


def _flatten(prefix: str, value: Any, out: dict[str, Any]) -> None:
    """Nested metric documents as flat columns: ``snapshot.renewal_rate.percent`` becomes
    ``snapshot_renewal_rate_percent``; decimal text becomes ``Decimal``; money becomes an
    ``_amount`` (``Decimal``) and a ``_currency`` column; dates become ``datetime.date``."""
    if isinstance(value, dict):
        for k, v in value.items():
            _flatten(f"{prefix}_{k}" if prefix else k, v, out)
        return
    out[prefix] = value


_METRIC_TEXT = ("exact", "currency", "reinstated")


def _definitions() -> dict[str, str]:
    """What each retention measure means, from the core (``amscore::success::METRIC_DEFINITIONS``)."""
    return dict(_core.METRIC_DEFINITIONS)


def _metrics_frame(doc: dict[str, Any]) -> Any:
    import pandas as pd

    flat: dict[str, Any] = {}
    _flatten("", doc, flat)
    row: dict[str, Any] = {}
    for k, v in flat.items():
        if isinstance(v, str) and k.endswith(("period_start", "period_end")):
            row[k] = _day(v)
        elif isinstance(v, str) and not k.endswith(_METRIC_TEXT):
            row[k] = Decimal(v)
        else:
            row[k] = v
    return pd.DataFrame([row])


def _economics(economics: Any) -> Any:
    if economics is None:
        return None
    if not isinstance(economics, dict):
        raise TypeError(f"economics: expected a dict, got {type(economics).__name__}")
    out = {}
    for k, v in economics.items():
        if isinstance(v, float):
            raise TypeError(f"economics.{k}: float is not an exact amount; use decimal.Decimal, int or decimal text")
        # A Decimal goes as it is: the native module writes its exact value for the core's grammar.
        out[k] = str(v) if isinstance(v, int) and not isinstance(v, bool) else v
    return out


def retention_metrics(engine: Any, members: Any, as_of: Any, economics: Any = None) -> Any:
    result, errors = _call(engine, "retention_metrics", members, None, as_of, {"economics": _economics(economics)})
    return _with_errors(_metrics_frame(result), errors, definitions=_definitions())


def snapshot_metrics(engine: Any, members_now: int, joined_last_12_months: int, members_year_ago: int, economics: Any = None) -> Any:
    counts = {"members_now": members_now, "joined_last_12_months": joined_last_12_months, "members_year_ago": members_year_ago}
    for k, v in counts.items():
        if isinstance(v, bool) or not isinstance(v, int):
            raise TypeError(f"{k}: expected int, got {type(v).__name__}")
        if v < 0:
            raise _error(_core.SuccessError, "invalid_success_input", f"{k}: must not be negative (got {v})", k)
        if v >= 2**64:
            raise _error(_core.SuccessError, "invalid_success_input", f"{k}: {v} is too large (at most {2**64 - 1})", k)
    request: dict[str, Any] = {"op": "snapshot_metrics", "counts": counts}
    econ = _economics(economics)
    if econ is not None:
        request["economics"] = econ
    result = engine.answer(request)
    return _with_errors(_metrics_frame({"counts": counts, **result}), [], definitions=_definitions())


def renewal_due(engine: Any, members: Any, as_of: Any, within_days: int | None = None) -> Any:
    import pandas as pd

    result, errors = _call(engine, "renewal_due", members, None, as_of, {"within_days": within_days})
    rows = [{**d, "term_end": _day(d["term_end"])} for d in result["due"]]
    frame = pd.DataFrame(rows, columns=["member_id", "plan", "status", "term_end", "days_left", "auto_renew"])
    return _with_errors(frame, errors)


def upgrade_candidates(engine: Any, members: Any, events: Any, as_of: Any) -> Any:
    import pandas as pd

    result, errors = _call(engine, "upgrade_candidates", members, events, as_of)
    rows = [{"member_id": c["member_id"], "from_plan": c["from"], "to_plan": c["to"], "reasons": "; ".join(c["reasons"])} for c in result["candidates"]]
    frame = pd.DataFrame(rows, columns=["member_id", "from_plan", "to_plan", "reasons"])
    return _with_errors(frame, errors)


def journeys(engine: Any, members: Any, events: Any, as_of: Any) -> Any:
    import pandas as pd

    result, errors = _call(engine, "journeys", members, events, as_of)
    rows = [
        {
            "member_id": j["member_id"],
            "journey": j["journey"],
            "milestone": m["milestone"],
            "state": m["state"],
            "due_on": _day(m.get("due_on")),
            "done_on": _day(m.get("done_on")),
        }
        for j in result["journeys"]
        for m in j["milestones"]
    ]
    frame = pd.DataFrame(rows, columns=["member_id", "journey", "milestone", "state", "due_on", "done_on"])
    return _with_errors(frame, errors)
