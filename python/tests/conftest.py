"""Shared fixtures: the default engine and a synthetic roster generator."""

from __future__ import annotations

import datetime as dt
import math
import random

import pandas as pd
import pytest
from hypothesis import settings

import amscore

# The machines running the suite are shared: a slow example is not a failure.
settings.register_profile("amscore", deadline=None)
settings.load_profile("amscore")


@pytest.fixture(scope="session")
def engine() -> amscore.Engine:
    return amscore.Engine("amscore")


def synthetic_roster(n: int, seed: int = 7) -> dict[str, list]:
    """A roster of n members over the amscore preset's plans, with a sprinkling of bad rows."""
    rng = random.Random(seed)
    plans = ["individual", "student-y1", "retired", "chapter", "fiscal", "digital", "lifetime", "corporate"]
    cols: dict[str, list] = {k: [] for k in ("member_id", "plan", "member_since", "term_start", "term_end", "pending", "cancelled_on")}
    for i in range(n):
        since = dt.date(2015, 1, 1) + dt.timedelta(days=rng.randrange(0, 3650))
        start = since + dt.timedelta(days=365 * rng.randrange(0, 3))
        plan = rng.choice(plans)
        end = None if plan == "lifetime" else start + dt.timedelta(days=364)
        if i % 997 == 5:
            plan = "no-such-plan"
        if i % 1009 == 7:
            end = start - dt.timedelta(days=3)
        cols["member_id"].append(f"M-{i}")
        cols["plan"].append(plan)
        cols["member_since"].append(since)
        cols["term_start"].append(start)
        cols["term_end"].append(end)
        cols["pending"].append(i % 101 == 0)
        cols["cancelled_on"].append(start + dt.timedelta(days=30) if i % 211 == 0 else None)
    return cols


# What the running pandas makes of a column of text, and its missing value in one: pandas 3 (or
# pandas 2 with ``future.infer_string``) infers its ``str`` dtype, missing as NaN; pandas 2 keeps
# ``object`` cells, missing as None. amscore's text result columns are the running pandas' text.
PANDAS_TEXT = pd.Series(["text"]).dtype


def is_text_missing(value: object) -> bool:
    """Whether a cell of a text column is the running pandas' missing text: None in an ``object``
    column, NaN in a ``str`` one (not merely something ``pd.isna`` accepts)."""
    if PANDAS_TEXT == object:
        return value is None
    return isinstance(value, float) and math.isnan(value)
