"""amscore: the membership rules of an association management system, for Python.

Compile a policy once into an ``Engine``, then ask it about one member or a whole roster::

    >>> from datetime import date
    >>> import amscore
    >>> engine = amscore.Engine("amscore")
    >>> engine.join_term("individual", date(2025, 1, 15))["term"]
    Term(2025-01-15, 2026-01-14)

``Engine.batch`` takes a ``pandas.DataFrame`` or a ``pyarrow.Table`` (columns in
``amscore.REQUIRED_COLUMNS`` and ``amscore.OPTIONAL_COLUMNS``) and returns the same kind with
``amscore.RESULT_COLUMNS`` appended. Engines pickle, so the batch maps over Dask or Spark
partitions. Every error is an ``AmsError`` subclass carrying ``.code``, ``.name`` and ``.path``.
"""

from amscore._batch import DECISION_COLUMNS, OPTIONAL_COLUMNS, REQUIRED_COLUMNS, RESULT_COLUMNS
from amscore._core import (
    AmsError,
    DateError,
    Decision,
    DecisionError,
    Engine,
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
    __version__,
    error_table,
    presets,
)

__all__ = [
    "DECISION_COLUMNS",
    "OPTIONAL_COLUMNS",
    "REQUIRED_COLUMNS",
    "RESULT_COLUMNS",
    "AmsError",
    "DateError",
    "Decision",
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
    "__version__",
    "error_table",
    "presets",
]
