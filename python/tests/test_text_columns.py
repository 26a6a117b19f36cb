"""Text columns of the frames amscore returns have the running pandas' text dtype whatever their
rows: an empty column, or one whose values are all missing, has the dtype of a column with text
(``str`` under pandas 3 or pandas 2 with ``future.infer_string``, ``object`` otherwise). One
function makes them (``_core._text_column``), for the native ``to_frame``s and the package's
Python frames alike, and the native module never calls back into the package's Python."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import pathlib
import re
from collections.abc import Iterator

import pandas as pd
import pytest

import amscore
from amscore import Engine, Membership, Term, _core

ENGINE = Engine("amscore")
MEMBER = Membership("M-1", "individual", dt.date(2020, 1, 15), Term(dt.date(2025, 1, 15), dt.date(2026, 1, 14)))
BATCH_TEXT = ["queue", "reasons", "quote_currency", "error_name", "error_message", "error_path"]
QUOTE_TEXT = ["kind", "description", "currency"]
PANDAS_3 = pd.__version__.startswith("3.")


@contextlib.contextmanager
def pandas_text(infer_string: bool | None) -> Iterator[None]:
    """pandas as it runs (None), or pandas 2 with ``future.infer_string`` set."""
    if infer_string is None:
        yield
    else:
        with pd.option_context("future.infer_string", infer_string):
            yield


# pandas 2 with `future.infer_string` too: pandas 3 deprecates the option (its text is always str).
SETTINGS = [None] + ([] if PANDAS_3 else [True])


@pytest.mark.parametrize("infer_string", SETTINGS)
def test_an_empty_or_all_missing_decision_batch_column_has_the_text_dtype(infer_string: bool | None) -> None:
    batch = [
        {"at": "2025-03-10T12:00", "action": {"kind": "join", "plan": "individual"}},
        {"at": "2025-03-10T12:00", "action": {"kind": "join", "plan": "retired"}},
        {"at": "not a time", "action": {"kind": "join", "plan": "individual"}},
    ]
    with pandas_text(infer_string):
        text = pd.Series(["text"]).dtype
        full = ENGINE.decide_batch(batch).to_frame()
        # A self-service join: no queue, no error (those columns all missing).
        missing = ENGINE.decide_batch(batch[:1]).to_frame()
        empty = ENGINE.decide_batch([]).to_frame()
    assert not full["error_name"].isna().all() and not full["queue"].isna().all()
    assert missing[["queue", "error_name", "error_message", "error_path"]].isna().all().all()
    assert len(empty) == 0
    for frame in (full, missing, empty):
        assert list(frame.dtypes[BATCH_TEXT]) == [text] * len(BATCH_TEXT)
        # The row numbers too: int64 in an empty frame as in any other.
        assert frame["row"].dtype == "int64"
    assert full["row"].tolist() == [0, 1, 2]
    assert (text == object) == (infer_string is None and not PANDAS_3)


@pytest.mark.parametrize("infer_string", SETTINGS)
def test_an_empty_quote_frame_has_the_text_dtype(infer_string: bool | None) -> None:
    quote = ENGINE.quote_renewal(MEMBER, dt.date(2026, 1, 20))
    document = json.loads(quote.to_json())
    document["lines"] = []
    document["total"] = "0.00"  # the lines sum to the total
    with pandas_text(infer_string):
        text = pd.Series(["text"]).dtype
        full = quote.to_frame()
        empty = amscore.Quote.from_json(json.dumps(document)).to_frame()
    assert len(full) > 0 and len(empty) == 0
    for frame in (full, empty):
        assert list(frame.dtypes[QUOTE_TEXT]) == [text] * len(QUOTE_TEXT)


@pytest.mark.parametrize("infer_string", SETTINGS)
def test_the_python_frames_text_columns_are_the_same_function(infer_string: bool | None) -> None:
    with pandas_text(infer_string):
        text = pd.Series(["text"]).dtype
        columns = [_core._text_column(v) for v in ([], [None, None], ["a", None])]
        errors = amscore.row_errors([])
    assert [pd.Series(c).dtype for c in columns] == [text] * 3
    assert pd.isna(columns[2][1]) and (columns[2][1] is None) == (text == object)
    assert len(errors) == 0 and list(errors.dtypes[["source", "name", "message"]]) == [text] * 3


def test_the_native_module_does_not_import_the_package() -> None:
    """Bindings only convert: the Rust half calls pandas and numpy, never ``amscore``'s Python."""
    src = pathlib.Path(__file__).resolve().parents[1] / "src"
    sources = sorted(src.glob("*.rs"))
    assert sources
    calls = [f"{p.name}: {line.strip()}" for p in sources for line in p.read_text().splitlines() if re.search(r'import\("amscore', line)]
    assert calls == []
