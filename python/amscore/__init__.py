"""amscore: the membership rules of an association management system, for Python.

Compile a policy once into an ``Engine``, then ask it about one member or a whole roster::

    >>> from datetime import date
    >>> import amscore
    >>> engine = amscore.Engine("amscore")
    >>> engine.join_term("individual", date(2025, 1, 15))["term"]
    Term(2025-01-15, 2026-01-14)

``Engine.batch`` takes any Arrow-compatible table (a ``pyarrow.Table``, ``pandas.DataFrame``,
``polars.DataFrame``, DuckDB relation...; columns in ``amscore.REQUIRED_COLUMNS`` and
``amscore.OPTIONAL_COLUMNS``) and returns the same kind with ``amscore.RESULT_COLUMNS`` appended
(or, with ``lines=True``, the renewal quotes' lines: ``amscore.QUOTE_LINE_COLUMNS``).
``Engine.quote_join_batch`` quotes joining for every row of such a table (``amscore.JOIN_COLUMNS``)
and returns the same kind with ``amscore.JOIN_RESULT_COLUMNS`` appended (or the quotes' lines:
``amscore.JOIN_LINE_COLUMNS``). Engines pickle, so the batch maps over Dask or Spark
partitions. The success analytics (``Engine.engagement_scores``, ``segments``, ``at_risk``,
``cohort_table``, ``retention_metrics``, ``snapshot_metrics``, ``renewal_due``,
``upgrade_candidates``) take a members frame (a term history, ``amscore.SUCCESS_MEMBER_COLUMNS``)
and an events frame (``amscore.EVENT_COLUMNS``) and return ``pandas.DataFrame`` results whose
``attrs["errors"]`` lists every bad input row (``amscore.row_errors(frame)`` gives them as a frame;
``attrs`` holds plain values only). Every error is an ``AmsError`` subclass carrying ``.code``, ``.name`` and ``.path``.
"""

from amscore._batch import (
    DECISION_COLUMNS,
    JOIN_COLUMNS,
    JOIN_LINE_COLUMNS,
    JOIN_RESULT_COLUMNS,
    OPTIONAL_COLUMNS,
    QUOTE_LINE_COLUMNS,
    REQUIRED_COLUMNS,
    RESULT_COLUMNS,
)
from amscore._engine import Engine
from amscore._success import EVENT_COLUMNS, ROW_ERROR_COLUMNS, SUCCESS_MEMBER_COLUMNS, row_errors
from amscore._core import (
    AmsError,
    AuditError,
    DateError,
    Decision,
    DecisionBatch,
    DecisionError,
    InputError,
    Membership,
    Money,
    MoneyError,
    NotEligibleError,
    Plan,
    Policy,
    PolicyError,
    Quote,
    QuoteError,
    Report,
    RequestError,
    RosterError,
    SuccessError,
    Term,
    WhatIf,
    WorkError,
    __version__,
    error_table,
    presets,
)

__all__ = [
    "DECISION_COLUMNS",
    "EVENT_COLUMNS",
    "JOIN_COLUMNS",
    "JOIN_LINE_COLUMNS",
    "JOIN_RESULT_COLUMNS",
    "OPTIONAL_COLUMNS",
    "QUOTE_LINE_COLUMNS",
    "REQUIRED_COLUMNS",
    "RESULT_COLUMNS",
    "ROW_ERROR_COLUMNS",
    "SUCCESS_MEMBER_COLUMNS",
    "AmsError",
    "AuditError",
    "DateError",
    "Decision",
    "DecisionBatch",
    "DecisionError",
    "Engine",
    "InputError",
    "Membership",
    "Money",
    "MoneyError",
    "NotEligibleError",
    "Plan",
    "Policy",
    "PolicyError",
    "Quote",
    "QuoteError",
    "Report",
    "RequestError",
    "RosterError",
    "SuccessError",
    "Term",
    "WhatIf",
    "WorkError",
    "__version__",
    "error_table",
    "presets",
    "row_errors",
]
