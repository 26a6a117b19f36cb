"""The batches behind ``Engine.batch`` and ``Engine.quote_join_batch``: a roster (or a table of
prospective members) in any Arrow-compatible table, the same kind out.

The core reads the roster's Arrow columns where they are (``Engine._batch``: the Arrow
PyCapsule stream interface, ``__arrow_c_stream__``, read by the ``amscore-arrow`` crate) and
answers every row without the GIL, on every core; its result columns come back as a
``pyarrow.Table`` on the buffers Rust wrote. This module only brings the roster to it and puts
the results beside the roster in the kind it was given. It decides nothing: every status,
renewal, refusal, price and route is the core's.

The roster may be:

==================================== ===============================================================
given                                returned
==================================== ===============================================================
``pyarrow.Table``                    the table with the result columns appended (chunked like it)
``pyarrow.RecordBatch``              the batch with the result columns appended
``pyarrow.RecordBatchReader``        a ``pyarrow.Table``: the stream read, the result columns appended
``pandas.DataFrame``                 the frame (index kept) with the result columns appended
``polars.DataFrame``                 the frame with the result columns appended
a DuckDB relation                    a ``pyarrow.Table``: the relation's rows (read once) with the result
                                     columns appended; DuckDB queries it by its Python name. (A relation
                                     belongs to a connection the batch does not know.)
any object with ``__arrow_c_stream__`` a ``pyarrow.Table``, as for a stream
==================================== ===============================================================

Columns are read without a copy where their Arrow type allows: dates as ``date32``, ``date64`` or
``timestamp`` (any unit, at midnight), text as ``string``, ``large_string``, ``string_view`` or a
dictionary of them (pandas categoricals, polars categoricals and enums), flags as ``bool``,
amounts as ``decimal128``. A pandas column goes through pyarrow: ``datetime64`` and
``string[pyarrow]`` columns are not copied; ``object`` columns are (Python objects have no Arrow
layout), each cell read on its own when they mix kinds.

Input columns:

=============== ========= ==========================================================
column          required  meaning
=============== ========= ==========================================================
member_id       yes       the member's identifier (passed through untouched)
plan            yes       the plan id of the current term (text or categorical)
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
amount_paid     no        what the member paid (decimal or decimal text; a float is a ``TypeError``)
currency        no        the ISO 4217 currency of the amounts
auto_renew      no        whether the membership renews itself (bool or text, as ``pending``)
balance_due     no        what the member owes (decimal or decimal text)
organization    no        the organisation the member belongs to
renewal_pending no        a renewal awaits payment (bool or text, as ``pending``): the status
                          stays the current term's; the online renewal goes to staff
tax_exempt      no        the member pays no tax (bool or text, as ``pending``): the renewal
                          quote has no tax (``Membership.tax_exempt``); member-level
pause_from      no        the first day of a pause of this row's term (date; null = none);
                          given with ``pause_to``, one without the other is the row's
                          ``missing_value`` on the empty one (``Membership.pause``)
pause_to        no        the pause's last day, inclusive; the pause lies inside the row's
                          term (else ``pause_outside_term``) and is term-level: the current
                          row's is the member's
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
current_term          whether the member's current facts come from this row
===================== ================================================================

The categorical columns hold only values that can occur: ``status``, ``renewal_kind`` and
``quote_currency`` the core's statuses, renewal kinds and the policy's currencies,
``renewal_plan`` the policy's plans, and the error-name columns (``renewal_refusal``,
``quote_error``, ``error_name``) the errors found in the result (each record batch its own, in
the error table's order), never the whole error table.

With ``decide=True`` two more columns give the self-service decision on renewing online that
day: ``route`` (``self_service``, ``staff``, ``refused``) and ``reasons`` (reason codes joined
by ``;``). With ``lines=True`` the batch returns instead the lines of every member's renewal
quote as one long table of the same kind (``QUOTE_LINE_COLUMNS``: ``member_id``, ``kind``,
``description``, ``amount``, ``currency``), one row per line, members in roster order; a
member's amounts add up to its ``quote_total``.

A row with a missing or unreadable value, an unknown plan or facts that have no status (a
missing ``term_end`` on a plan that is not lifetime: ``missing_value``; an end on a lifetime
plan: ``lifetime_term_has_end``) gets an error in its own row; the batch never raises for a
row and never drops one. A missing required column raises ``RosterError`` naming it, a column
given twice ``RosterError`` ``duplicate_column``. A date column holds dates: a time of day other
than midnight (``datetime64``, ``timestamp`` or ``datetime`` cells) or a time zone raises
``TypeError`` naming the column and row, the same as the success frames (``amscore._success``);
text that is not a ``YYYY-MM-DD`` date is the row's ``impossible_date``. A column of a type the
batch does not read (a float amount) raises ``TypeError`` naming it. pandas results use
``datetime64[ns]`` date columns, ``string[pyarrow]`` text, categoricals, nullable booleans and
integers, and ``pd.ArrowDtype`` decimals (no Python object per row); Arrow results use
``date32``, ``string``, dictionaries, ``int16`` and ``decimal128(38, s)``.

``Engine.quote_join_batch`` quotes joining for every row of a table of prospective members, of any
of the kinds above (the same kind back), each row as ``Engine.quote_join`` quotes it:

=============== ========= ==========================================================
column          required  meaning
=============== ========= ==========================================================
plan            yes       the plan to join (text or categorical)
join_date       yes       the day of joining (a date, as ``member_since`` above)
terms           no        how many terms at once (whole numbers; null = 1)
seats           no        an organisational plan's seats (whole numbers; null = none given)
=============== ========= ==========================================================

Its result columns (``JOIN_RESULT_COLUMNS``, appended): ``quote_total`` (decimal, fees included),
``quote_currency``, ``term_start`` and ``term_end`` (the first term; ``term_end`` null for a
lifetime plan), and ``error_code``, ``error_name``, ``error_message`` for a row that cannot be
quoted (an unknown plan, a missing or impossible date, seats out of range, a negative count),
whose other results are null. With ``lines=True`` it returns instead every quote's lines as one
long table (``JOIN_LINE_COLUMNS``: ``row``, the input row counted from 0, ``kind``,
``description``, ``amount``, ``currency``); a row's amounts add up to its ``quote_total``. A
missing ``plan`` or ``join_date`` column raises ``RosterError`` naming it; a ``terms`` or
``seats`` column that is not whole numbers (a float column, as pandas makes of integers with
missing values unless their dtype is ``Int64``) raises ``TypeError`` naming it.
"""

from __future__ import annotations

import datetime as _dt
from typing import Any

from amscore import _core, _success

# The member frame's columns, as the core names them (required ones first).
REQUIRED_COLUMNS: tuple[str, ...] = _core.REQUIRED_MEMBER_COLUMNS
OPTIONAL_COLUMNS: tuple[str, ...] = tuple(c for c in _core.MEMBER_COLUMNS if c not in _core.REQUIRED_MEMBER_COLUMNS)
# The result columns, the quote lines' and the join table's: the Arrow conversion's own names
# (``amscore_arrow``), read from the native module rather than listed again.
RESULT_COLUMNS: tuple[str, ...] = _core.RESULT_COLUMNS
DECISION_COLUMNS: tuple[str, ...] = _core.DECISION_COLUMNS
QUOTE_LINE_COLUMNS: tuple[str, ...] = _core.QUOTE_LINE_COLUMNS
JOIN_COLUMNS: tuple[str, ...] = _core.JOIN_COLUMNS
JOIN_RESULT_COLUMNS: tuple[str, ...] = _core.JOIN_RESULT_COLUMNS
JOIN_LINE_COLUMNS: tuple[str, ...] = _core.JOIN_LINE_COLUMNS

_DATE_COLUMNS = _success._ROSTER_DATES
_FLAG_COLUMNS = ("pending", "auto_renew", "renewal_pending", "tax_exempt")
_AMOUNT_COLUMNS = _success._ROSTER_AMOUNTS

# What each column holds, for bringing a pandas column to Arrow (any other column is text).
_ROSTER_KINDS = {
    **{c: "date" for c in _DATE_COLUMNS},
    **{c: "flag" for c in _FLAG_COLUMNS},
    **{c: "amount" for c in _AMOUNT_COLUMNS},
}
_JOIN_KINDS = {"join_date": "date", "terms": "count", "seats": "count"}

_KINDS = "a pyarrow.Table, a pandas.DataFrame, a polars.DataFrame, a DuckDB relation or an object with __arrow_c_stream__"


def batch(
    self: _core.Engine,
    roster: Any,
    as_of: _dt.date,
    *,
    terms: int = 1,
    decide: bool = False,
    threads: int = 0,
    lines: bool = False,
) -> Any:
    """Status and renewal for every row of a roster as of a date: any Arrow-compatible table (a
    ``pyarrow.Table``, ``pandas.DataFrame``, ``polars.DataFrame``, DuckDB relation...), returned
    as the same kind with result columns appended (a DuckDB relation or another stream gives a
    ``pyarrow.Table``). A bad row gets an error in its own row; no row is dropped. With
    ``decide=True``, also the self-service decision on renewing online that day (``route``,
    ``reasons`` columns); with ``lines=True``, the renewal quotes' lines instead, one row per line.
    ``threads``: 0 for every core, 1 to answer on the calling thread. The GIL is released while
    the core runs. See ``amscore._batch`` for the columns.

    >>> import pandas as pd
    >>> roster = pd.DataFrame({"member_id": ["M-1"], "plan": ["individual"], "member_since": [date(2020, 1, 15)],
    ...                        "term_start": [date(2025, 1, 15)], "term_end": [date(2026, 1, 14)]})
    >>> out = Engine("amscore").batch(roster, date(2026, 1, 20))
    >>> out.loc[0, "status"], out.loc[0, "renewal_kind"], str(out.loc[0, "quote_total"])
    ('grace', 'extend', '210.00')
    >>> lines = Engine("amscore").batch(roster, date(2026, 1, 20), lines=True)
    >>> [(kind, str(amount)) for kind, amount in zip(lines["kind"], lines["amount"])]
    [('dues', '200.00'), ('late_fee', '10.00')]
    """
    as_of = _success.as_date(as_of, "as_of")
    kind, given = _given(roster)
    names = _names(kind, given)
    read = REQUIRED_COLUMNS + OPTIONAL_COLUMNS + (() if lines else RESULT_COLUMNS + (DECISION_COLUMNS if decide else ()))
    _success._refuse_duplicates(names, lambda c: c in read)
    columns = [c for c in REQUIRED_COLUMNS + OPTIONAL_COLUMNS if c in names]
    out = _Results(self._batch(_stream(kind, given, columns), as_of, terms, decide, threads, lines))
    if lines:
        return _lines_as(kind, out.take())
    return _appended(kind, given, out)


def quote_join_batch(self: _core.Engine, table: Any, *, threads: int = 0, lines: bool = False) -> Any:
    """The join quote of every row of a table of prospective members (``plan``, ``join_date``,
    optional ``terms`` and ``seats``), each as ``Engine.quote_join`` gives it: any
    Arrow-compatible table, returned as the same kind with ``quote_total``, ``quote_currency``,
    ``term_start``, ``term_end``, ``error_code``, ``error_name``, ``error_message`` appended (a
    DuckDB relation or another stream gives a ``pyarrow.Table``). A row that cannot be quoted gets
    its error in its own row; no row is dropped. With ``lines=True``, the quotes' lines instead,
    one row per line (``row``, ``kind``, ``description``, ``amount``, ``currency``). ``threads``: 0
    for every core, 1 to answer on the calling thread. The GIL is released while the core runs.
    See ``amscore._batch`` for the columns.

    >>> import pandas as pd
    >>> table = pd.DataFrame({"plan": ["individual", "gold"], "join_date": [date(2025, 3, 10)] * 2})
    >>> out = Engine("amscore").quote_join_batch(table)
    >>> str(out.loc[0, "quote_total"]), str(out.loc[0, "term_end"].date()), out.loc[1, "error_name"]
    ('225.00', '2026-03-09', 'unknown_plan')
    >>> lines = Engine("amscore").quote_join_batch(table, lines=True)
    >>> [(int(row), kind, str(amount)) for row, kind, amount in zip(lines["row"], lines["kind"], lines["amount"])]
    [(0, 'dues', '200.00'), (0, 'join_fee', '25.00')]
    """
    kind, given = _given(table, "table")
    names = _names(kind, given)
    read = JOIN_COLUMNS + (() if lines else JOIN_RESULT_COLUMNS)
    _success._refuse_duplicates(names, lambda c: c in read)
    columns = [c for c in JOIN_COLUMNS if c in names]
    out = _Results(self._quote_join_batch(_stream(kind, given, columns, _JOIN_KINDS, "table"), threads, lines))
    if lines:
        return _lines_as(kind, out.take())
    return _appended(kind, given, out)


def _given(roster: Any, source: str = "roster") -> tuple[str, Any]:
    """What kind of table the roster is, and the roster to read: a pyarrow stream, a DuckDB
    relation or another stream read into a ``pyarrow.Table`` (its rows are read once, and the
    results go beside those rows)."""
    module = type(roster).__module__.split(".")[0]
    if module == "pandas" and hasattr(roster, "columns") and hasattr(roster, "iloc"):
        return "pandas", roster
    if module == "polars" and hasattr(roster, "hstack"):
        return "polars", roster
    if module == "pyarrow":
        import pyarrow as pa

        if isinstance(roster, pa.Table):
            return "table", roster
        if isinstance(roster, pa.RecordBatch):
            return "record_batch", roster
        if isinstance(roster, pa.RecordBatchReader):
            return "stream", roster.read_all()
    if hasattr(roster, "__arrow_c_stream__"):
        import pyarrow as pa

        return "stream", pa.table(roster)
    raise TypeError(f"{source}: expected {_KINDS}, got {type(roster).__name__}")


def _names(kind: str, given: Any) -> list[str]:
    """The roster's column names, as given."""
    if kind == "record_batch":
        return list(given.schema.names)
    return _success._names(given)


def _stream(kind: str, given: Any, columns: list[str], kinds: dict[str, str] = _ROSTER_KINDS, source: str = "roster") -> Any:
    """The columns the core reads, as an object with ``__arrow_c_stream__``; ``kinds`` says what
    each column holds (for a pandas frame's), ``source`` names the table in errors."""
    import pyarrow as pa

    if kind == "pandas":
        arrays = [_pandas_column(given[c], c, kinds.get(c, "text"), source) for c in columns]
        return pa.Table.from_arrays(arrays, names=columns)
    if kind == "record_batch":
        return pa.Table.from_batches([given]).select(columns)
    return given.select(columns)


class _Results:
    """The result columns (a ``pyarrow.Table``), held in one place so that a conversion can let
    each column go as soon as it is converted."""

    def __init__(self, table: Any) -> None:
        self.table = table

    def take(self) -> Any:
        """The table; this holder keeps it no longer."""
        table, self.table = self.table, None
        return table


def _appended(kind: str, given: Any, results: _Results) -> Any:
    """The roster with the result columns appended, same-named ones replaced."""
    import pyarrow as pa

    out = results.take()
    names = out.column_names
    if kind == "pandas":
        frame = given.copy(deep=False)
        # Each Arrow column is let go once pandas has it (a pandas date or text column is a copy),
        # so that the Arrow results and their pandas copies are never all held at once.
        for name in names:
            column = out.column(0)
            out = out.remove_column(0)
            frame[name] = _to_pandas(column)
            del column
        return frame
    if kind == "polars":
        import polars as pl

        results = pl.from_arrow(out, rechunk=False)
        return given.drop([n for n in names if n in given.columns]).hstack(results)
    if kind == "record_batch":
        kept = [n for n in given.schema.names if n not in names]
        arrays = [given.column(n) for n in kept] + [out.column(n).combine_chunks() for n in names]
        return pa.RecordBatch.from_arrays(arrays, names=kept + names)
    table = given.drop_columns([n for n in names if n in given.column_names])
    for name in names:
        table = table.append_column(name, out.column(name))
    return table


def _lines_as(kind: str, out: Any) -> Any:
    """The quote lines (a ``pyarrow.Table``) as the kind of table the roster was."""
    import pyarrow as pa

    if kind == "pandas":
        import pandas as pd

        return pd.DataFrame({name: _to_pandas(out.column(name)) for name in out.column_names})
    if kind == "polars":
        import polars as pl

        return pl.from_arrow(out, rechunk=False)
    if kind == "record_batch":
        return pa.RecordBatch.from_arrays([c.combine_chunks() for c in out.columns], schema=out.schema)
    return out


# --- pandas columns as Arrow -----------------------------------------------------------------


def _is_text(t: Any) -> bool:
    """Whether an Arrow type of a pandas column, or of a result column, is text the core reads as
    it is (or a dictionary of such text)."""
    import pyarrow as pa

    if pa.types.is_dictionary(t):
        return _is_text(t.value_type)
    return bool(pa.types.is_string(t) or pa.types.is_large_string(t))


def _pandas_column(series: Any, name: str, holds: str = "text", source: str = "roster") -> Any:
    """One pandas column as an Arrow array the core reads; ``holds`` is what the column holds
    (``date``, ``flag``, ``amount``, ``count`` or ``text``). ``datetime64``, categorical,
    ``string[pyarrow]``, bool, integer and decimal columns keep their values' type (and their
    buffers, where pandas holds them as Arrow does); an ``object`` column becomes the type of its
    cells, or text when they mix kinds (each cell then read on its own, so that a bad cell is its
    row's error). A date column with a time zone, or ``datetime`` cells with a time of day, raises
    ``TypeError`` as the success frames do."""
    import pandas as pd
    import pyarrow as pa
    import pyarrow.compute as pc

    where = f"{source}.{name}"
    if holds == "date" and pd.api.types.is_datetime64_any_dtype(series.dtype):
        if getattr(series.dt, "tz", None) is not None:
            raise TypeError(f"{where}: dates have no time zone; got {series.dtype}")
        return pa.array(series, from_pandas=True)  # a time of day is refused by the core, naming the row
    cell = _date_text if holds == "date" else _cell_text
    try:
        array = pa.array(series, from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError, ValueError):
        return _text_cells(series, where, cell)
    t = array.type
    if holds == "date":
        if pa.types.is_timestamp(t) and series.dtype == object:
            return _text_cells(series, where, cell)  # datetime objects: each one checked, as the success frames do
        read = pa.types.is_date32(t) or pa.types.is_date64(t) or pa.types.is_timestamp(t) or _is_text(t)
    elif holds == "amount":
        if pa.types.is_floating(t) and array.null_count == len(array):
            return pa.nulls(len(array), type=pa.string())  # no float in it: nothing to refuse
        # The core refuses a float (naming the column) and reads ints as decimal text.
        read = _is_text(t) or pa.types.is_decimal(t) or pa.types.is_floating(t) or pa.types.is_integer(t)
    elif holds == "count":
        if pa.types.is_floating(t) and array.null_count == len(array):
            return pa.nulls(len(array), type=pa.int64())  # no float in it: nothing to refuse
        return array  # the core reads whole numbers and refuses any other type, naming the column
    elif holds == "flag":
        read = _is_text(t) or pa.types.is_boolean(t) or pa.types.is_integer(t)
    else:
        read = _is_text(t)
    read = read or pa.types.is_null(t)
    if read:
        return array
    try:
        return pc.cast(array, pa.string())  # ints, bools: their text, which the core's grammar reads
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, pa.ArrowTypeError):
        return _text_cells(series, where, cell)


def _text_cells(series: Any, where: str, cell: Any) -> Any:
    """A column read one cell at a time, as text for the core's grammar."""
    import pyarrow as pa

    return pa.array([cell(v, where, row) for row, v in enumerate(series.astype(object))], type=pa.string())


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


def _cell_text(value: Any, where: str, row: int) -> str | None:
    """One text cell of a column that Arrow cannot read as a whole: a bool as Arrow writes it
    (``true``/``false``), anything else as its text; the core reads the text."""
    if _success._is_null(value):
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return value if isinstance(value, str) else str(value)


# --- Results as pandas ---------------------------------------------------------------------


def _to_pandas(column: Any) -> Any:
    """A result column as pandas: categoricals, nullable booleans and integers, datetime64[ns],
    ``string[pyarrow]`` text and ``pd.ArrowDtype`` decimals (no Python object per row)."""
    import pandas as pd
    import pyarrow as pa

    if _is_text(column.type) and not pa.types.is_dictionary(column.type):
        # ``string[pyarrow]`` holds ``large_string``: the text stays in Arrow buffers.
        return pd.arrays.ArrowStringArray(column.cast(pa.large_string()))
    if pa.types.is_date32(column.type):
        # Straight to nanoseconds: no datetime64[ms] copy on the way.
        return column.to_pandas(date_as_object=False, coerce_temporal_nanoseconds=True).to_numpy()
    plain = {pa.bool_(): pd.BooleanDtype(), pa.int16(): pd.Int16Dtype()}

    def mapper(kind: Any) -> Any:
        return pd.ArrowDtype(kind) if pa.types.is_decimal(kind) else plain.get(kind)

    return column.to_pandas(types_mapper=mapper).array
