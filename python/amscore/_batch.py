"""The columnar batch behind ``Engine.batch``: a roster in, the same roster with results out.

This module reads the frame's columns into flat buffers, hands them to the core
(``Engine._batch_columns``, which assesses every row with ``amscore::Engine::assess``) and wraps
the result buffers as columns of the same kind of frame. It decides nothing: every status,
renewal, refusal, price and route is the core's.

Input columns (a ``pandas.DataFrame`` or a ``pyarrow.Table``):

=============== ========= ==========================================================
column          required  meaning
=============== ========= ==========================================================
member_id       yes       the member's identifier (passed through untouched)
plan            yes       the plan id of the current term (str or categorical)
member_since    yes       join date (``date``, ``datetime64``, ``date32`` or text
                          ``YYYY-MM-DD``, read by the core's one date grammar)
term_start      yes       first day of the current term
term_end        yes       last day of the current term, inclusive; null only on a lifetime plan
pending         no        applied, awaiting payment or approval: bool, or text as the roster
                          CSV writes it (``true/false``, ``yes/no``, ``y/n``, ``1/0``, any
                          case; empty or null = no)
cancelled_on    no        the day the membership was cancelled (date; null = not)
deceased_on     no        the day the member died (date; null = not)
override_status no        a staff override of the status: a status name (``suspended``...);
                          null or empty = none
override_until  no        the override's last day (date; null = indefinitely)
=============== ========= ==========================================================

Result columns, appended (same-named input columns are replaced):

===================== ================================================================
status                lifecycle status as of the date (categorical; null on error)
counts_as_member      whether the member counts as a member (nullable bool)
renewal_kind          extend / reinstate / rejoin if the member renewed that day
renewal_plan          the plan of the new term (after renew-to progressions)
renewal_start         first day of the new term
renewal_end           last day of the new term (null for lifetime)
renewal_member_since  member-since after the renewal (reset by a rejoin)
renewal_refusal       why a renewal that day is refused (``renewal_window_not_open``...)
renewal_refused_until the first day the refusal no longer applies, when that is a date (the
                      day the renewal window opens)
quote_total           what renewing that day costs (decimal; fees included), null if refused
quote_currency        the quote's ISO 4217 currency
quote_error           why a renewal that can be done cannot be priced (e.g. seats), if so
error_code            the row's error code (``amscore.error_table()``), null if none
error_name            the row's error name
error_message         the row's error message, naming the column
===================== ================================================================

With ``decide=True`` two more columns give the self-service decision on renewing online that
day: ``route`` (``self_service``, ``staff``, ``refused``) and ``reasons`` (reason codes joined
by ``;``).

A row with a missing or unreadable value, an unknown plan or facts that have no status (a
missing ``term_end`` on a plan that is not lifetime: ``term_end_missing``; an end on a lifetime
plan: ``term_end_on_lifetime_plan``) gets an error in its own row; the batch never raises for a
row and never drops one. A missing required column raises ``RosterError`` naming it, a column
given twice ``RosterError`` ``duplicate_column``. A date column holds dates: a time of day other
than midnight (``datetime64`` or ``datetime`` cells) or a time zone raises ``TypeError`` naming
the column and row, the same as the success frames (``amscore._success``); text that is not a
``YYYY-MM-DD`` date is the row's ``invalid_date``. pandas
results use ``datetime64[ns]`` date columns and ``string[pyarrow]`` text columns (no Python
object per row); pyarrow results use ``date32`` and ``string``.
"""

from __future__ import annotations

import datetime as _dt
import math
from typing import Any

from amscore import _core, _success

# The member frame's columns, as the core names them (required ones first).
REQUIRED_COLUMNS: tuple[str, ...] = _core.REQUIRED_MEMBER_COLUMNS
OPTIONAL_COLUMNS: tuple[str, ...] = tuple(c for c in _core.MEMBER_COLUMNS if c not in _core.REQUIRED_MEMBER_COLUMNS)
RESULT_COLUMNS = (
    "status",
    "counts_as_member",
    "renewal_kind",
    "renewal_plan",
    "renewal_start",
    "renewal_end",
    "renewal_member_since",
    "renewal_refusal",
    "renewal_refused_until",
    "quote_total",
    "quote_currency",
    "quote_error",
    "error_code",
    "error_name",
    "error_message",
    "current_term",
)
DECISION_COLUMNS = ("route", "reasons")

_DATE_COLUMNS = ("member_since", "term_start", "term_end", "cancelled_on", "deceased_on", "override_until")
_TEXT_COLUMNS = ("member_id", "plan", "pending", "override_status", "amount_paid", "currency", "auto_renew", "balance_due", "organization")
_AMOUNT_COLUMNS = ("amount_paid", "balance_due")
_NULL_DATE = -(2**31)


def _missing_column(column: str) -> _core.RosterError:
    codes = {name: code for code, name, _family in _core.error_table()}
    err = _core.RosterError(f"missing column `{column}`")
    err.code = codes["missing_column"]
    err.name = "missing_column"
    err.family = "roster"
    err.path = column
    return err


def _date_text(value: Any, where: str, row: int) -> str | None:
    """One cell of a date column that Arrow cannot read as a whole, as text for the core's one
    date grammar: a ``date`` as ISO text, a ``datetime`` at midnight without a time zone as its
    date (any other ``datetime`` raises ``TypeError``, as in the success frames), text as it is,
    anything else as its text (the core refuses it in its row)."""
    if _success._is_null(value):
        return None
    if isinstance(value, _dt.datetime):
        return _success._midnight(value, where, row).isoformat()
    if isinstance(value, _dt.date):
        return value.isoformat()
    return value if isinstance(value, str) else str(value)


def _text_dates(cells: list[str | None]) -> Any:
    import pyarrow as pa

    return pa.array(cells, type=pa.string())


def _date_column(roster: Any, name: str, is_table: bool) -> Any:
    """A date column ready to slice: a ``date32`` array (or a ``timestamp`` one, all at midnight,
    cast a chunk at a time), or a ``string`` array for the core's
    one date grammar (``YYYY-MM-DD``; never pandas' or Arrow's parsers, which take ISO week dates
    and basic formats). A time of day or a time zone raises ``TypeError`` naming the column (and
    row), as the success frames do: a date column holds dates."""
    import pandas as pd
    import pyarrow as pa
    import pyarrow.compute as pc

    where = f"roster.{name}"
    if is_table:
        column: Any = roster.column(name)
    else:
        series = roster[name]
        if pd.api.types.is_datetime64_any_dtype(series.dtype):
            _success._check_datetime64(series, where)
        column = _to_arrow(series)
        if not isinstance(column, list) and pa.types.is_timestamp(column.type) and series.dtype == object:
            # datetime objects: each cell is checked as the success frames check it.
            column = list(series)
    if isinstance(column, list):
        return _text_dates([_date_text(v, where, row) for row, v in enumerate(column)])
    t = column.type
    if pa.types.is_dictionary(t):
        column = pc.cast(column, t.value_type)
        t = column.type
    if pa.types.is_date32(t):
        return column
    if pa.types.is_null(t):
        return pa.nulls(len(column), type=pa.date32())
    if pa.types.is_timestamp(t):
        if t.tz is not None:
            raise TypeError(f"{where}: dates have no time zone; got {t}")
        timed = pc.index(pc.not_equal(column, pc.floor_temporal(column, unit="day")), True).as_py()
        if timed >= 0:
            raise TypeError(f"{where}: row {timed}: expected a date, got a datetime with a time of day ({column[timed].as_py()})")
        return column  # every value midnight: cast a chunk at a time (no whole date32 copy)
    if pa.types.is_date64(t):
        return pc.cast(column, pa.date32(), safe=False)
    if pa.types.is_string(t) or pa.types.is_large_string(t):
        return pc.cast(column, pa.string())
    return _text_dates([_date_text(v, where, row) for row, v in enumerate(column.to_pylist())])


def _cell_text(value: Any) -> str | None:
    """One text cell, for columns pyarrow cannot read as a whole: a bool as Arrow writes it
    (``true``/``false``), anything else as its text; the core reads the text."""
    if _success._is_null(value):
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return value if isinstance(value, str) else str(value)


def _name_buffers(dictionary: Any) -> tuple[bytes, bytes]:
    """A dictionary's names for the core as Arrow lays out text: little-endian int32 offsets (one
    more than the names) and the UTF-8 bytes they index; no Python string per name."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    if isinstance(dictionary, pa.ChunkedArray):
        dictionary = dictionary.combine_chunks()
    if not pa.types.is_string(dictionary.type):
        dictionary = pc.cast(dictionary, pa.string())
    n = len(dictionary)
    buffers = dictionary.buffers()
    if n == 0 or buffers[1] is None:
        return np.zeros(1, dtype="<i4").tobytes(), b""
    offsets = np.frombuffer(buffers[1], dtype="<i4", count=n + 1, offset=dictionary.offset * 4)
    data = buffers[2].to_pybytes() if buffers[2] is not None else b""
    return offsets.tobytes(), data


def _date_given(column: Any, start: int, length: int) -> Any:
    """A slice of a prepared date column (``_date_column``) for the core: int32 days (null as
    ``_NULL_DATE``), or ``(codes, offsets, data)`` of text (``_name_buffers``)."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    dates = column.slice(start, length)
    if isinstance(dates, pa.ChunkedArray):
        dates = dates.combine_chunks()
    if pa.types.is_timestamp(dates.type):
        dates = pc.cast(dates, pa.date32())
    if pa.types.is_string(dates.type):
        # Each distinct text once: the core reads each name with its grammar.
        encoded = pc.dictionary_encode(dates)
        codes = pc.fill_null(pc.cast(encoded.indices, pa.int32()), -1)
        return (np.ascontiguousarray(codes.to_numpy(zero_copy_only=False), dtype="<i4").tobytes(), *_name_buffers(encoded.dictionary))
    if dates.null_count == len(dates):
        return np.full(len(dates), _NULL_DATE, dtype="<i4").tobytes()
    # A view of the date32 data (int32 days since 1970-01-01), then one copy into bytes.
    days = np.frombuffer(dates.buffers()[1], dtype="<i4", count=len(dates), offset=dates.offset * 4)
    if dates.null_count:
        days = days.copy()
        days[dates.is_null().to_numpy(zero_copy_only=False)] = _NULL_DATE
    return days.tobytes()


def _text_codes(column: Any) -> Any:
    """A text column dictionary-encoded (a code per row into the names), from str, categorical,
    bool or int cells; the core reads each name with its own grammar (plan ids, yes/no flags,
    status names)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if isinstance(column, list):
        column = pa.array([_cell_text(v) for v in column], type=pa.string())
    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks()
    t = column.type
    try:
        if pa.types.is_dictionary(t):
            return pa.DictionaryArray.from_arrays(column.indices, pc.cast(column.dictionary, pa.string()))
        if pa.types.is_boolean(t):
            # No text per row: false/true are codes 0/1 into the names Arrow writes for them.
            return pa.DictionaryArray.from_arrays(pc.cast(column, pa.int8()), pa.array(["false", "true"]))
        return pc.dictionary_encode(pc.cast(column, pa.string()))
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, pa.ArrowTypeError):
        return _text_codes([_cell_text(v) for v in column.to_pylist()])


def _to_arrow(series: Any) -> Any:
    """A pandas column as a pyarrow array, or as a list of Python objects when its values are
    mixed (then each cell is read on its own, and a bad cell becomes an error in its row)."""
    import pyarrow as pa

    try:
        return pa.array(series, from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError, ValueError):
        return list(series.astype(object))


CHUNK_ROWS = 1 << 15
"""Rows of a result column converted to pandas at a time (the core reads the whole roster in one
call, as a member's rows may be anywhere in it). Formerly also the rows handed to the core at a time: bounds the memory of the input copies and of the core's
result buffers before they are handed over (about 60 bytes a row in flight), and lets the result
columns of a ``pyarrow.Table`` stay chunked without a concatenating copy. 2**15 measured: peak
1.54x the input against 1.83x for 2**17, at the same speed (1M rows)."""


def batch(self: _core.Engine, roster: Any, as_of: _dt.date, *, terms: int = 1, decide: bool = False) -> Any:
    """Status and renewal for every row of a roster (a ``pandas.DataFrame`` or a ``pyarrow.Table``)
    as of a date, returned as the same kind with result columns appended. A bad row gets an
    error in its own row; no row is dropped. See ``amscore._batch`` for the columns.
    With ``decide=True``, also the self-service decision on renewing online that day
    (``route``, ``reasons`` columns).

    >>> import pandas as pd
    >>> roster = pd.DataFrame({"member_id": ["M-1"], "plan": ["individual"], "member_since": [date(2020, 1, 15)],
    ...                        "term_start": [date(2025, 1, 15)], "term_end": [date(2026, 1, 14)]})
    >>> out = Engine("amscore").batch(roster, date(2026, 1, 20))
    >>> out.loc[0, "status"], out.loc[0, "renewal_kind"], str(out.loc[0, "quote_total"])
    ('grace', 'extend', '210.00')
    """
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    if isinstance(as_of, _dt.datetime) or not isinstance(as_of, _dt.date):
        raise TypeError(f"as_of: expected datetime.date, got {type(as_of).__name__}")
    is_table = isinstance(roster, pa.Table)
    if not is_table and not (type(roster).__module__.startswith("pandas") and hasattr(roster, "columns")):
        raise TypeError(f"roster: expected a pandas.DataFrame or a pyarrow.Table, got {type(roster).__name__}")
    names = _success._names(roster)
    read = REQUIRED_COLUMNS + OPTIONAL_COLUMNS + RESULT_COLUMNS + (DECISION_COLUMNS if decide else ())
    _success._refuse_duplicates(names, lambda c: c in read)
    for column in REQUIRED_COLUMNS:
        if column not in names:
            raise _missing_column(column)

    def col(name: str) -> Any:
        column = roster.column(name) if is_table else _to_arrow(roster[name])
        if name in _AMOUNT_COLUMNS:
            _refuse_float_amounts(column, f"roster.{name}")
        return column

    n = roster.num_rows if is_table else len(roster)
    texts = {name: _text_codes(col(name)) for name in _TEXT_COLUMNS if name in names}
    date_columns = {name: _date_column(roster, name, is_table) for name in _DATE_COLUMNS if name in names}

    # One call for the whole roster: a member's rows may be anywhere in it.
    given: dict[str, Any] = {name: _date_given(column, 0, n) for name, column in date_columns.items()}
    del date_columns
    for name, encoded in texts.items():
        codes = pc.fill_null(pc.cast(encoded.indices, pa.int32()), -1)
        given[name] = (np.ascontiguousarray(codes.to_numpy(zero_copy_only=False), dtype="<i4").tobytes(), *_name_buffers(encoded.dictionary))
    del texts
    out = self._batch_columns(as_of, terms, given, decide)
    del given
    columns = _arrow_columns(out, out["rows"], decide)
    del out
    wanted = RESULT_COLUMNS + (DECISION_COLUMNS if decide else ())
    if not is_table:
        # pandas: converted a chunk at a time into preallocated result arrays, each column's
        # Arrow buffers freed once converted.
        frame = roster.copy(deep=False)
        for name in wanted:
            array = columns.pop(name)
            sink = _PandasColumn(n)
            for start in range(0, max(n, 1), CHUNK_ROWS):
                sink.put(start, _to_pandas(pa.chunked_array([array.slice(start, min(CHUNK_ROWS, n - start))])))
            del array
            frame[name] = sink.result()
        return frame
    table = roster
    for name in wanted:
        array = pa.chunked_array([columns.pop(name)])
        if name in table.column_names:
            table = table.drop_columns([name])
        table = table.append_column(name, array)
    return table


def _refuse_float_amounts(column: Any, where: str) -> None:
    """An amount column of floats raises ``TypeError``, as in the success frames: a float is not
    an exact amount."""
    import pyarrow as pa

    if isinstance(column, list):
        for row, v in enumerate(column):
            if isinstance(v, float) and not math.isnan(v):
                raise TypeError(f"{where}: row {row}: float is not an exact amount; use decimal.Decimal, int or decimal text")
        return
    if pa.types.is_floating(column.type) and column.null_count < len(column):
        raise TypeError(f"{where}: float is not an exact amount; use decimal.Decimal, int or decimal text such as \"12.50\"")


class _PandasColumn:
    """A pandas result column of ``n`` rows, filled a chunk at a time: numpy data (and mask, and
    category codes) preallocated and copied into; Arrow-backed columns keep their chunks."""

    def __init__(self, n: int) -> None:
        self.n = n
        self.first: Any = None
        self.data: Any = None
        self.mask: Any = None
        self.chunks: list[Any] = []

    def put(self, start: int, piece: Any) -> None:
        import numpy as np
        import pandas as pd

        if self.first is None:
            self.first = piece
            if isinstance(piece, np.ndarray):
                self.data = np.empty(self.n, dtype=piece.dtype)
            elif isinstance(piece, pd.Categorical):
                self.data = np.empty(self.n, dtype=piece.codes.dtype)
            elif isinstance(piece, (pd.arrays.BooleanArray, pd.arrays.IntegerArray)):
                self.data = np.empty(self.n, dtype=piece._data.dtype)
                self.mask = np.empty(self.n, dtype=bool)
        end = start + len(piece)
        if isinstance(piece, np.ndarray):
            self.data[start:end] = piece
        elif isinstance(piece, pd.Categorical):
            if piece.dtype != self.first.dtype:
                raise AssertionError("result categories differ between chunks")
            self.data[start:end] = piece.codes
        elif self.mask is not None:
            self.data[start:end] = piece._data
            self.mask[start:end] = piece._mask
        else:
            self.chunks.extend(piece.__arrow_array__().chunks)

    def result(self) -> Any:
        import pandas as pd
        import pyarrow as pa

        first = self.first
        if self.data is None:
            return type(first)(pa.chunked_array(self.chunks, type=first.__arrow_array__().type))
        if self.mask is not None:
            return type(first)(self.data, self.mask)
        if isinstance(first, pd.Categorical):
            return pd.Categorical.from_codes(self.data, dtype=first.dtype)
        return self.data


def _to_pandas(column: Any) -> Any:
    """A result column as pandas: categoricals, nullable booleans and integers, datetime64[ns]."""
    import pandas as pd
    import pyarrow as pa

    if pa.types.is_string(column.type):
        # Text stays in Arrow buffers (``string[pyarrow]``, which holds ``large_string``): no
        # Python object per row; an all-null chunk needs no offsets of its own.
        def large(chunk: Any) -> Any:
            if chunk.null_count < len(chunk):
                return chunk.cast(pa.large_string())
            zeros = _zeros(8 * len(chunk) + 8)
            return pa.Array.from_buffers(pa.large_string(), len(chunk), [zeros, zeros, zeros], null_count=len(chunk))

        return pd.arrays.ArrowStringArray(pa.chunked_array([large(c) for c in column.chunks], type=pa.large_string()))
    if pa.types.is_date32(column.type):
        # Straight to nanoseconds: no datetime64[ms] copy on the way.
        return column.to_pandas(date_as_object=False, coerce_temporal_nanoseconds=True).to_numpy()
    plain = {pa.bool_(): pd.BooleanDtype(), pa.int16(): pd.Int16Dtype()}

    def mapper(kind: Any) -> Any:
        return pd.ArrowDtype(kind) if pa.types.is_decimal(kind) else plain.get(kind)

    return column.to_pandas(types_mapper=mapper).array


_ZEROS: list[Any] = []


def _zeros(size: int) -> Any:
    """A read-only zeroed buffer of at least ``size`` bytes, shared by every batch: an anonymous
    memory map, whose untouched pages the kernel backs with its one zero page (no resident
    memory, however many all-null columns read it)."""
    import mmap

    import pyarrow as pa

    if not _ZEROS or _ZEROS[0].size < size:
        _ZEROS[:] = [pa.py_buffer(memoryview(mmap.mmap(-1, max(size, mmap.PAGESIZE))).toreadonly())]
    return _ZEROS[0]


def _arrow_columns(out: dict[str, Any], n: int, decide: bool) -> dict[str, Any]:
    """Wraps the Arrow buffers the core filled, without copying them. The core leaves out (None)
    every buffer of a column whose rows are all null; one zeroed buffer stands for them all (an
    all-zero validity bitmap, zero offsets, zero data), allocated once and never written."""
    import pyarrow as pa

    zeros = _zeros(16 * n + 8)

    def buf(key: str) -> Any:
        data = out[key]
        return zeros if data is None else pa.py_buffer(data)

    def array(kind: Any, data: str, valid: str) -> Any:
        return pa.Array.from_buffers(kind, n, [buf(valid), buf(data)])

    def categorical(data: str, valid: str, kind: Any, names: str) -> Any:
        return pa.DictionaryArray.from_arrays(array(kind, data, valid), pa.array(out[names], type=pa.string()))

    columns = {
        "status": categorical("status", "status_valid", pa.int8(), "status_names"),
        "counts_as_member": pa.Array.from_buffers(pa.bool_(), n, [buf("status_valid"), buf("counts_as_member")]),
        "renewal_kind": categorical("renewal_kind", "renewal_valid", pa.int8(), "renewal_kind_names"),
        "renewal_plan": categorical("renewal_plan", "renewal_valid", pa.int32(), "renewal_plan_names"),
        "renewal_start": array(pa.date32(), "renewal_start", "renewal_valid"),
        "renewal_end": array(pa.date32(), "renewal_end", "renewal_end_valid"),
        "renewal_member_since": array(pa.date32(), "renewal_member_since", "renewal_valid"),
        "renewal_refusal": categorical("refusal", "refusal_valid", pa.int16(), "error_names"),
        "renewal_refused_until": array(pa.date32(), "refused_until", "refused_until_valid"),
        "error_code": array(pa.int16(), "error_code", "error_valid"),
        "error_name": categorical("error_name", "error_valid", pa.int16(), "error_names"),
        "error_message": pa.Array.from_buffers(pa.string(), n, [buf("error_valid"), buf("error_offsets"), buf("error_text")]),
        "quote_total": array(pa.decimal128(38, out["quote_scale"]), "quote_total", "quote_valid"),
        "quote_currency": categorical("quote_currency", "quote_valid", pa.int8(), "currency_names"),
        "quote_error": categorical("quote_error", "quote_error_valid", pa.int16(), "error_names"),
    }
    columns["current_term"] = pa.Array.from_buffers(pa.bool_(), n, [None, buf("current_term")])
    if decide:
        columns["route"] = categorical("route", "route_valid", pa.int8(), "route_names")
        columns["reasons"] = pa.Array.from_buffers(pa.string(), n, [buf("route_valid"), buf("reason_offsets"), buf("reason_text")])
    return {name: columns[name] for name in RESULT_COLUMNS + (DECISION_COLUMNS if decide else ())}
