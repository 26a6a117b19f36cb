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
error_code           the row's error code (``amscore.error_table()``), null if none
error_name           the row's error name
error_message        the row's error message, naming the column
==================== ================================================================

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
    "error_code",
    "error_name",
    "error_message",
)

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
        days = pc.fill_null(pc.cast(dates, pa.int32()), pa.scalar(_NULL_DATE, pa.int32()))
        return np.ascontiguousarray(days.to_numpy(), dtype="<i4").tobytes()
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


def run(engine: _core.Engine, roster: Any, as_of: _dt.date, terms: int = 1) -> Any:
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
    codes = pc.fill_null(pc.cast(encoded.indices, pa.int32()), -1).to_numpy(zero_copy_only=False)
    plan_names = [str(v) for v in encoded.dictionary.to_pylist()]

    def optional_dates(name: str) -> bytes:
        return _date_bytes(col(name)) if name in names else b""

    if "pending" in names:
        raw_pending = col("pending")
        if isinstance(raw_pending, list):
            raw_pending = pa.array([bool(v) if _cell_days(v) != _NULL_DATE else None for v in raw_pending])
        pending_col = pc.fill_null(pc.cast(raw_pending, pa.bool_()), False)
        pending = np.asarray(pending_col.to_numpy(zero_copy_only=False), dtype=np.uint8).tobytes()
    else:
        pending = b""

    out = engine._batch_columns(
        as_of,
        terms,
        np.ascontiguousarray(codes, dtype="<i4").tobytes(),
        plan_names,
        _date_bytes(col("member_since")),
        _date_bytes(col("term_start")),
        _date_bytes(col("term_end")),
        pending,
        optional_dates("cancelled_on"),
        optional_dates("deceased_on"),
    )
    results = _decode(out, n, as_pandas=not is_table)
    if is_table:
        table = roster
        for name, array in results.items():
            if name in table.column_names:
                table = table.drop_columns([name])
            table = table.append_column(name, array)
        return table
    frame = roster.copy(deep=False)
    for name, array in results.items():
        frame[name] = array
    return frame


def _name_lookup(family_codes: dict[int, str]) -> tuple[Any, list[str]]:
    """An index array from code to position in a names list (0 = none), and the names."""
    import numpy as np

    names = sorted(family_codes.values())
    lookup = np.full(max(family_codes, default=0) + 1, -1, dtype=np.int32)
    for code, name in family_codes.items():
        lookup[code] = names.index(name)
    return lookup, names


def _decode(out: dict[str, Any], n: int, *, as_pandas: bool) -> dict[str, Any]:
    import numpy as np
    import pyarrow as pa

    def u8(key: str) -> Any:
        return np.frombuffer(out[key], dtype=np.uint8, count=n)

    def i32(key: str) -> Any:
        return np.frombuffer(out[key], dtype="<i4", count=n)

    def categorical(codes: Any, names: list[str]) -> Any:
        if as_pandas:
            import pandas as pd

            return pd.Categorical.from_codes(codes, categories=names)
        return pa.DictionaryArray.from_arrays(pa.array(codes, mask=codes < 0), pa.array(names, type=pa.string()))

    def small_codes(raw: Any) -> Any:
        codes = raw.astype(np.int32)
        codes[raw == 255] = -1
        return codes

    def dates(days: Any) -> Any:
        null = days == _NULL_DATE
        if as_pandas:
            wide = days.astype(np.int64)
            wide[null] = np.iinfo(np.int64).min
            return wide.view("datetime64[D]").astype("datetime64[ns]")
        return pa.array(days, mask=null, type=pa.int32()).cast(pa.date32())

    table = _core.error_table()
    all_codes = {code: name for code, name, _family in table}
    lookup, code_names = _name_lookup(all_codes)

    def code_names_of(codes: Any) -> Any:
        idx = np.where(codes > 0, lookup[np.clip(codes, 0, len(lookup) - 1)], -1)
        return categorical(idx.astype(np.int32), code_names)

    status = small_codes(u8("status"))
    counts_raw = u8("counts_as_member")
    counts_null = counts_raw == 255
    kind = small_codes(u8("renewal_kind"))
    refusal = i32("refusal_code")
    error = i32("error_code")
    messages = np.full(n, None, dtype=object)
    if out["error_rows"]:
        messages[np.asarray(out["error_rows"], dtype=np.int64)] = out["error_messages"]
    if as_pandas:
        import pandas as pd

        counts = pd.arrays.BooleanArray(counts_raw == 1, counts_null)
        error_code = pd.arrays.IntegerArray(error.astype(np.int32), error == 0)
        error_message = pd.array(messages, dtype="string")
    else:
        counts = pa.array(counts_raw == 1, mask=counts_null, type=pa.bool_())
        error_code = pa.array(error, mask=error == 0, type=pa.int32())
        error_message = pa.array(messages, type=pa.string())
    return {
        "status": categorical(status, list(out["status_names"])),
        "counts_as_member": counts,
        "renewal_kind": categorical(kind, list(out["renewal_kind_names"])),
        "renewal_plan": categorical(i32("renewal_plan").astype(np.int32), list(out["renewal_plan_names"])),
        "renewal_start": dates(i32("renewal_start")),
        "renewal_end": dates(i32("renewal_end")),
        "renewal_member_since": dates(i32("renewal_member_since")),
        "renewal_refusal": code_names_of(refusal),
        "error_code": error_code,
        "error_name": code_names_of(error),
        "error_message": error_message,
    }
