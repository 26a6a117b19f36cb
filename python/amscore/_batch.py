"""The columnar batch behind ``Engine.batch``: a roster in, the same roster with results out.

Input columns (a ``pandas.DataFrame`` or a ``pyarrow.Table``):

============== ========= ==========================================================
column         required  meaning
============== ========= ==========================================================
member_id      yes       the member's identifier (passed through untouched)
plan           yes       the plan id of the current term (str or categorical)
member_since   yes       join date (``date``, ``datetime64``, ``date32`` or ISO text)
term_start     yes       first day of the current term
term_end       yes       last day of the current term, inclusive; null = lifetime
pending        no        applied, awaiting payment or approval (bool; null = False)
cancelled_on   no        the day the membership was cancelled (date; null = not)
deceased_on    no        the day the member died (date; null = not)
============== ========= ==========================================================

Result columns, appended (same-named input columns are replaced):

==================== ================================================================
status               lifecycle status as of the date (categorical; null on error)
counts_as_member     whether the member counts as a member (nullable bool)
renewal_kind         extend / reinstate / rejoin if the member renewed that day
renewal_plan         the plan of the new term (after renew-to progressions)
renewal_start        first day of the new term
renewal_end          last day of the new term (null for lifetime)
renewal_member_since member-since after the renewal (reset by a rejoin)
renewal_refusal      why a renewal that day is refused (``renewal_window_not_open``...)
quote_total          what renewing that day costs (decimal; fees included), null if refused
quote_currency       the quote's ISO 4217 currency
quote_error          why a renewal that can be done cannot be priced (e.g. seats), if so
error_code           the row's error code (``amscore.error_table()``), null if none
error_name           the row's error name
error_message        the row's error message, naming the column
==================== ================================================================

With ``decide=True`` two more columns give the self-service decision on renewing online that
day: ``route`` (``self_service``, ``staff``, ``refused``) and ``reasons`` (reason codes joined
by ``;``).

A row with a missing or unreadable value, an unknown plan or inconsistent facts gets an error in
its own row; the batch never raises for a row and never drops one. A missing required column
raises ``RosterError`` naming it. pandas results use ``datetime64[ns]`` date columns; pyarrow
results use ``date32``.
"""

from __future__ import annotations

import datetime as _dt
from typing import Any

from amscore import _core

REQUIRED_COLUMNS = ("member_id", "plan", "member_since", "term_start", "term_end")
OPTIONAL_COLUMNS = ("pending", "cancelled_on", "deceased_on")
RESULT_COLUMNS = (
    "status",
    "counts_as_member",
    "renewal_kind",
    "renewal_plan",
    "renewal_start",
    "renewal_end",
    "renewal_member_since",
    "renewal_refusal",
    "quote_total",
    "quote_currency",
    "quote_error",
    "error_code",
    "error_name",
    "error_message",
)
DECISION_COLUMNS = ("route", "reasons")

_NULL_DATE = -(2**31)
_INVALID_DATE = _NULL_DATE + 1
_EPOCH = _dt.date(1970, 1, 1)


def _missing_column(column: str) -> _core.RosterError:
    codes = {name: code for code, name, _family in _core.error_table()}
    err = _core.RosterError(f"missing column `{column}`")
    err.code = codes["missing_column"]
    err.name = "missing_column"
    err.family = "roster"
    err.path = column
    return err


def _cell_days(value: Any) -> int:
    """One date cell as days since 1970-01-01, for columns pyarrow cannot cast as a whole."""
    import math

    if value is None or (isinstance(value, float) and math.isnan(value)):
        return _NULL_DATE
    if type(value).__name__ == "NaTType":
        return _NULL_DATE
    if isinstance(value, _dt.datetime):
        value = value.date()
    if isinstance(value, _dt.date):
        return (value - _EPOCH).days
    if isinstance(value, str):
        try:
            return (_dt.date.fromisoformat(value.strip()) - _EPOCH).days
        except ValueError:
            return _INVALID_DATE
    return _INVALID_DATE


def _date_bytes(column: Any) -> bytes:
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    if isinstance(column, list):
        return np.asarray([_cell_days(v) for v in column], dtype="<i4").tobytes()
    t = column.type
    try:
        if pa.types.is_date32(t):
            dates = column
        elif pa.types.is_null(t):
            return np.full(len(column), _NULL_DATE, dtype="<i4").tobytes()
        elif pa.types.is_timestamp(t) or pa.types.is_date64(t) or pa.types.is_string(t) or pa.types.is_large_string(t):
            dates = pc.cast(column, pa.date32(), safe=False)
        else:
            raise TypeError(t)
        if isinstance(dates, pa.ChunkedArray):
            dates = dates.combine_chunks()
        # A view of the date32 data (int32 days since 1970-01-01), then one copy into bytes.
        days = np.frombuffer(dates.buffers()[1], dtype="<i4", count=len(dates), offset=dates.offset * 4)
        if dates.null_count:
            days = days.copy()
            days[dates.is_null().to_numpy(zero_copy_only=False)] = _NULL_DATE
        return days.tobytes()
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, TypeError):
        values = [_cell_days(v) for v in column.to_pylist()]
        return np.asarray(values, dtype="<i4").tobytes()


def _to_arrow(series: Any) -> Any:
    """A pandas column as a pyarrow array, or as a list of Python objects when its values are
    mixed (then each cell is read on its own, and a bad cell becomes an error in its row)."""
    import pyarrow as pa

    try:
        return pa.array(series, from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError, ValueError):
        return list(series.astype(object))


CHUNK_ROWS = 1 << 17
"""Rows handed to the core at a time: bounds the memory of the input copies, and lets the
result columns of a ``pyarrow.Table`` stay chunked without a concatenating copy."""


def _slice(column: Any, start: int, length: int) -> Any:
    return column[start : start + length] if isinstance(column, list) else column.slice(start, length)


def run(engine: _core.Engine, roster: Any, as_of: _dt.date, terms: int = 1, decide: bool = False) -> Any:
    """Runs ``engine`` over ``roster`` as of ``as_of``; see the module docstring for columns."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    if isinstance(as_of, _dt.datetime) or not isinstance(as_of, _dt.date):
        raise TypeError(f"as_of: expected datetime.date, got {type(as_of).__name__}")
    is_table = isinstance(roster, pa.Table)
    if not is_table and not (type(roster).__module__.startswith("pandas") and hasattr(roster, "columns")):
        raise TypeError(f"roster: expected a pandas.DataFrame or a pyarrow.Table, got {type(roster).__name__}")
    names = list(roster.column_names if is_table else roster.columns)
    for column in REQUIRED_COLUMNS:
        if column not in names:
            raise _missing_column(column)

    def col(name: str) -> Any:
        return roster.column(name) if is_table else _to_arrow(roster[name])

    n = roster.num_rows if is_table else len(roster)
    plan = col("plan")
    if isinstance(plan, list):
        plan = pa.array([None if _cell_days(v) == _NULL_DATE else str(v) for v in plan], type=pa.string())
    if isinstance(plan, pa.ChunkedArray):
        plan = plan.combine_chunks()
    plan = pc.cast(plan, pa.string()) if not pa.types.is_dictionary(plan.type) else plan
    encoded = plan if pa.types.is_dictionary(plan.type) else pc.dictionary_encode(plan)
    plan_names = [str(v) for v in encoded.dictionary.to_pylist()]

    date_columns = {name: col(name) for name in ("member_since", "term_start", "term_end", "cancelled_on", "deceased_on") if name in names}
    pending = None
    if "pending" in names:
        pending = col("pending")
        if isinstance(pending, list):
            pending = pa.array([bool(v) if _cell_days(v) != _NULL_DATE else None for v in pending])
        pending = pc.fill_null(pc.cast(pending, pa.bool_()), False)

    chunks: list[dict[str, Any]] = []
    for start in range(0, max(n, 1), CHUNK_ROWS):
        length = min(CHUNK_ROWS, n - start)
        codes = pc.fill_null(pc.cast(encoded.indices.slice(start, length), pa.int32()), -1)

        def dates(name: str) -> bytes:
            return _date_bytes(_slice(date_columns[name], start, length)) if name in date_columns else b""

        flags = b""
        if pending is not None:
            flags = np.asarray(pending.slice(start, length).to_numpy(zero_copy_only=False), dtype=np.uint8).tobytes()
        out = engine._batch_columns(
            as_of,
            terms,
            np.ascontiguousarray(codes.to_numpy(zero_copy_only=False), dtype="<i4").tobytes(),
            plan_names,
            dates("member_since"),
            dates("term_start"),
            dates("term_end"),
            flags,
            dates("cancelled_on"),
            dates("deceased_on"),
            decide,
        )
        chunks.append(_arrow_columns(out, out["rows"], decide))
    wanted = RESULT_COLUMNS + (DECISION_COLUMNS if decide else ())
    results = {name: pa.chunked_array([c[name] for c in chunks]) for name in wanted}
    del chunks
    if is_table:
        table = roster
        for name, array in results.items():
            if name in table.column_names:
                table = table.drop_columns([name])
            table = table.append_column(name, array)
        return table
    frame = roster.copy(deep=False)
    for name in wanted:
        frame[name] = _to_pandas(results.pop(name))
    return frame


def _to_pandas(column: Any) -> Any:
    """A result column as pandas: categoricals, nullable booleans and integers, datetime64[ns]."""
    import pandas as pd
    import pyarrow as pa

    if pa.types.is_date32(column.type):
        return column.to_pandas(date_as_object=False).to_numpy().astype("datetime64[ns]")
    plain = {pa.bool_(): pd.BooleanDtype(), pa.int16(): pd.Int16Dtype(), pa.string(): pd.StringDtype()}

    def mapper(kind: Any) -> Any:
        return pd.ArrowDtype(kind) if pa.types.is_decimal(kind) else plain.get(kind)

    return column.to_pandas(types_mapper=mapper).array


def _arrow_columns(out: dict[str, Any], n: int, decide: bool) -> dict[str, Any]:
    """Wraps the Arrow buffers the core filled, without copying them."""
    import pyarrow as pa

    def buf(key: str) -> Any:
        return pa.py_buffer(out[key])

    def array(kind: Any, data: str, valid: str) -> Any:
        return pa.Array.from_buffers(kind, n, [buf(valid), buf(data)])

    def categorical(data: str, valid: str, kind: Any, names: str) -> Any:
        return pa.DictionaryArray.from_arrays(array(kind, data, valid), pa.array(out[names], type=pa.string()))

    columns = {
        "status": categorical("status", "status_valid", pa.int8(), "status_names"),
        "counts_as_member": pa.Array.from_buffers(pa.bool_(), n, [buf("status_valid"), buf("counts_as_member")]),
        "renewal_kind": categorical("renewal_kind", "renewal_valid", pa.int8(), "renewal_kind_names"),
        "renewal_plan": categorical("renewal_plan", "renewal_valid", pa.int16(), "renewal_plan_names"),
        "renewal_start": array(pa.date32(), "renewal_start", "renewal_valid"),
        "renewal_end": array(pa.date32(), "renewal_end", "renewal_end_valid"),
        "renewal_member_since": array(pa.date32(), "renewal_member_since", "renewal_valid"),
        "renewal_refusal": categorical("refusal", "refusal_valid", pa.int16(), "error_names"),
        "error_code": array(pa.int16(), "error_code", "error_valid"),
        "error_name": categorical("error_name", "error_valid", pa.int16(), "error_names"),
        "error_message": pa.Array.from_buffers(pa.string(), n, [buf("error_valid"), buf("error_offsets"), buf("error_text")]),
        "quote_total": array(pa.decimal128(38, out["quote_scale"]), "quote_total", "quote_valid"),
        "quote_currency": categorical("quote_currency", "quote_valid", pa.int8(), "currency_names"),
        "quote_error": categorical("quote_error", "quote_error_valid", pa.int16(), "error_names"),
    }
    if decide:
        columns["route"] = categorical("route", "route_valid", pa.int8(), "route_names")
        columns["reasons"] = pa.Array.from_buffers(pa.string(), n, [buf("route_valid"), buf("reason_offsets"), buf("reason_text")])
    return {name: columns[name] for name in RESULT_COLUMNS + (DECISION_COLUMNS if decide else ())}
