"""The bad-input catalogue of the Python surface (issue 9 asks for one per surface): every way a
caller can hand amscore a wrong Python value, with the exact exception class, ``.code`` (the C
API's number; ``None`` for Python's own ``TypeError``/``ValueError``/``OverflowError``, which
carry none) and the exact message. One row per distinct bad input."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Callable, NamedTuple

import pandas as pd
import pytest

import amscore

ENGINE = amscore.Engine("amscore")
DAY = dt.date(2025, 6, 1)
MEMBER = amscore.Membership("M-1", "individual", dt.date(2020, 1, 15), amscore.Term(dt.date(2025, 1, 15), dt.date(2026, 1, 14)))


def roster(**over: Any) -> pd.DataFrame:
    base: dict[str, Any] = {
        "member_id": ["M-1"],
        "plan": ["individual"],
        "member_since": [dt.date(2020, 1, 1)],
        "term_start": [dt.date(2025, 1, 1)],
        "term_end": [dt.date(2025, 12, 31)],
    }
    base.update(over)
    return pd.DataFrame(base)


EVENTS = pd.DataFrame({"member_id": ["M-1"], "date": [dt.date(2025, 5, 1)], "kind": ["login"]})


class Bad(NamedTuple):
    what: str
    call: Callable[[], Any]
    cls: type
    code: int | None
    message: str
    path: str | None = None


FLOAT_MONEY = 'Money amount: float is not an exact amount; pass decimal.Decimal or a decimal string such as "12.50"'
FRAME_FLOAT = 'float is not an exact amount; use decimal.Decimal, int or decimal text such as "12.50"'

CATALOGUE = [
    # Money
    Bad("float money", lambda: amscore.Money(1.5, "USD"), TypeError, None, FLOAT_MONEY),
    Bad("float NaN money", lambda: amscore.Money(float("nan"), "USD"), TypeError, None, FLOAT_MONEY),
    Bad("Decimal NaN money", lambda: amscore.Money(Decimal("NaN"), "USD"), amscore.MoneyError, 1003,
        "invalid amount `NaN`: expected a decimal number such as 12.50"),
    Bad("Decimal infinity money", lambda: amscore.Money(Decimal("-Infinity"), "USD"), amscore.MoneyError, 1003,
        "invalid amount `-Infinity`: expected a decimal number such as 12.50"),
    Bad("exponent text money", lambda: amscore.Money("1e3", "USD"), amscore.MoneyError, 1003,
        "invalid amount `1e3`: expected a decimal number such as 12.50"),
    Bad("unknown currency", lambda: amscore.Money(Decimal("1.00"), "XYZ"), amscore.MoneyError, 1001, "unknown currency `XYZ`"),
    Bad("bool money", lambda: amscore.Money(True, "USD"), TypeError, None, "Money amount: expected decimal.Decimal, int or str, got bool"),
    # Dates
    Bad("datetime for a date", lambda: ENGINE.join_term("individual", dt.datetime(2025, 1, 15, 12, 0)), TypeError, None,
        "date: expected datetime.date, got datetime.datetime (amscore dates have no time of day; pass .date())"),
    Bad("str for a date", lambda: ENGINE.join_term("individual", "2025-01-15"), TypeError, None, "date: expected datetime.date, got str"),
    Bad("None for a date", lambda: ENGINE.join_term("individual", None), TypeError, None, "date: expected datetime.date, got NoneType"),
    Bad("datetime as_of for a batch", lambda: ENGINE.batch(roster(), dt.datetime(2025, 6, 1)), TypeError, None,
        "as_of: expected datetime.date, got datetime"),
    Bad("date beyond the calendar", lambda: ENGINE.join_term("individual", dt.date(9999, 6, 1)), amscore.DateError, 1101,
        "date out of range: 9999-06-01 + 12 months"),
    # Counts
    Bad("int too large for terms", lambda: ENGINE.join_term("individual", DAY, 2**40), OverflowError, None,
        "terms: 1099511627776 is too large (at most 4294967295)"),
    Bad("negative terms", lambda: ENGINE.join_term("individual", DAY, -1), ValueError, None, "terms: must not be negative (got -1)"),
    Bad("float terms", lambda: ENGINE.join_term("individual", DAY, 1.0), TypeError, None, "terms: expected int, got float"),
    Bad("zero terms", lambda: ENGINE.join_term("individual", DAY, 0), amscore.NotEligibleError, 1404,
        "cannot buy 0 terms at once: must be 1 to 3"),
    Bad("negative seats", lambda: ENGINE.quote_join("individual", DAY, seats=-2), ValueError, None, "seats: must not be negative (got -2)"),
    Bad("seats on a plan without seats", lambda: ENGINE.quote_join("individual", DAY, seats=5), amscore.QuoteError, 2005,
        "plan `individual` has no seats"),
    Bad("negative snapshot count", lambda: ENGINE.snapshot_metrics(-1, 0, 0), amscore.SuccessError, 4009,
        "members_now: must not be negative (got -1)", "members_now"),
    Bad("snapshot count too large", lambda: ENGINE.snapshot_metrics(2**64, 0, 0), amscore.SuccessError, 4009,
        "members_now: 18446744073709551616 is too large (at most 18446744073709551615)", "members_now"),
    Bad("float snapshot count", lambda: ENGINE.snapshot_metrics(10.0, 0, 0), TypeError, None, "members_now: expected int, got float"),
    Bad("contradicting snapshot counts", lambda: ENGINE.snapshot_metrics(10, 20, 5), amscore.SuccessError, 4008,
        "20 joined in the last 12 months is more than the 10 members now"),
    # Text
    Bad("bytes instead of str", lambda: ENGINE.plan(b"individual"), TypeError, None, "argument 'id': 'bytes' object is not an instance of 'str'"),
    Bad("unknown plan", lambda: ENGINE.plan("platinum"), amscore.InputError, 1301, "unknown plan `platinum`"),
    # Policies
    Bad("policy field of the wrong type", lambda: amscore.Engine({"version": "one"}), amscore.PolicyError, 1201,
        'version: invalid type: string "one", expected u32', "version"),
    Bad("policy map where a list is meant", lambda: amscore.Engine({"version": 1, "preset": "amscore", "plans": {"x": 1}}),
        amscore.PolicyError, 1201, "plans: invalid type: map, expected a sequence", "plans"),
    Bad("unknown preset", lambda: amscore.Engine("no-such-preset"), amscore.PolicyError, 1210,
        "unknown preset `no-such-preset` (known: amscore, civicrm, tendenci)"),
    Bad("policy from an int", lambda: amscore.Engine(12), TypeError, None, "Policy source: expected a dict, JSON text, a preset name or a path"),
    Bad("truncated policy JSON", lambda: amscore.Policy('{"version": 1,'), amscore.PolicyError, 1201,
        "EOF while parsing a value at line 1 column 14"),
    # Facts
    Bad("term ending before it starts", lambda: amscore.Term(dt.date(2025, 1, 2), dt.date(2025, 1, 1)), amscore.InputError, 1303,
        "term ends on 2025-01-01, before it starts on 2025-01-02"),
    Bad("renewal before the window opens", lambda: ENGINE.renewal_term(MEMBER, dt.date(2025, 3, 1)), amscore.NotEligibleError, 1401,
        "renewal not open until 2025-10-16"),
    Bad("decision without member facts", lambda: ENGINE.decide({"at": "2025-03-10T12:00", "action": {"kind": "renew"}}),
        amscore.DecisionError, 3001, "member: required for a renew request", "member"),
    Bad("unknown gateway operation", lambda: ENGINE.answer({"op": "teleport"}), amscore.RequestError, 1604,
        "op: unknown operation `teleport`", "op"),
    # Frames
    Bad("not a frame", lambda: ENGINE.batch([1, 2], DAY), TypeError, None, "roster: expected a pandas.DataFrame or a pyarrow.Table, got list"),
    Bad("missing roster column", lambda: ENGINE.batch(roster().drop(columns=["term_end"]), DAY), amscore.RosterError, 1501,
        "missing column `term_end`", "term_end"),
    Bad("missing members column", lambda: ENGINE.cohort_table(roster().drop(columns=["plan"]), DAY), amscore.RosterError, 1501,
        "missing column `plan`", "plan"),
    Bad("missing events column", lambda: ENGINE.segments(roster(), EVENTS.drop(columns=["kind"]), DAY), amscore.SuccessError, 4009,
        "events.kind: missing column `kind`", "events.kind"),
    Bad("wrong column dtype", lambda: ENGINE.cohort_table(roster(plan=[7]), DAY), TypeError, None, "members.plan: row 0: expected str, got int"),
    Bad("bytes cells", lambda: ENGINE.cohort_table(roster(member_id=[b"M-1"]), DAY), TypeError, None,
        "members.member_id: row 0: expected str, got bytes"),
    Bad("datetime64 with a time of day", lambda: ENGINE.cohort_table(roster(term_start=pd.to_datetime(["2025-01-01 10:30"])), DAY),
        TypeError, None, "members.term_start: row 0: expected a date, got a datetime with a time of day (2025-01-01 10:30:00)"),
    Bad("time-zoned date column", lambda: ENGINE.cohort_table(roster(term_start=pd.to_datetime(["2025-01-01"]).tz_localize("UTC")), DAY),
        TypeError, None, "members.term_start: dates have no time zone; got datetime64[ns, UTC]"),
    Bad("datetime cell in an object column", lambda: ENGINE.cohort_table(roster(term_end=pd.Series([dt.datetime(2025, 12, 31, 9, 0)], dtype=object)), DAY),
        TypeError, None, "members.term_end: row 0: expected datetime.date, got datetime.datetime (2025-12-31 09:00:00); pass .date()"),
    Bad("float amount column", lambda: ENGINE.engagement_scores(roster(), EVENTS.assign(value=[1.5]), DAY), TypeError, None,
        f"events.value: {FRAME_FLOAT}"),
    Bad("float balance column", lambda: ENGINE.segments(roster(balance_due=[12.5]), None, DAY), TypeError, None,
        f"members.balance_due: {FRAME_FLOAT}"),
    Bad("str where a flag is meant", lambda: ENGINE.segments(roster(auto_renew=["yes"]), None, DAY), TypeError, None,
        "members.auto_renew: row 0: expected bool, got str"),
    Bad("float economics", lambda: ENGINE.snapshot_metrics(10, 2, 9, economics={"currency": "USD", "annual_dues": 125.0, "non_dues_revenue": 0}),
        TypeError, None, "economics.annual_dues: float is not an exact amount; use decimal.Decimal, int or decimal text"),
    Bad("negative economics", lambda: ENGINE.snapshot_metrics(10, 2, 9, economics={"currency": "USD", "annual_dues": -5, "non_dues_revenue": 0}),
        amscore.SuccessError, 4009, "economics.annual_dues: must not be negative", "economics.annual_dues"),
]


def test_the_catalogue_is_large_and_distinct() -> None:
    assert len(CATALOGUE) >= 15
    assert len({b.what for b in CATALOGUE}) == len(CATALOGUE)
    # Every AmsError family a caller can reach with a bad value appears at least once.
    families = {b.cls for b in CATALOGUE}
    assert {amscore.MoneyError, amscore.DateError, amscore.PolicyError, amscore.InputError, amscore.RosterError,
            amscore.NotEligibleError, amscore.QuoteError, amscore.DecisionError, amscore.RequestError, amscore.SuccessError,
            TypeError, ValueError, OverflowError} <= families


@pytest.mark.parametrize("bad", CATALOGUE, ids=[b.what for b in CATALOGUE])
def test_bad_input(bad: Bad) -> None:
    with pytest.raises(Exception) as info:
        bad.call()
    e = info.value
    assert type(e) is bad.cls, (type(e), e)
    assert getattr(e, "code", None) == bad.code
    assert str(e) == bad.message
    if bad.path is not None:
        assert e.path == bad.path
    if isinstance(e, amscore.AmsError):
        known = {code: name for code, name, _family in amscore.error_table()}
        assert known[e.code] == e.name
