"""The exception classes: one per error family, every code mapped, each class raised."""

from __future__ import annotations

import datetime as dt
import pickle
from decimal import Decimal

import pandas as pd
import pytest

import amscore

FAMILY_CLASSES = {
    "money": amscore.MoneyError,
    "date": amscore.DateError,
    "policy": amscore.PolicyError,
    "lifecycle": amscore.InputError,
    "renewal": amscore.NotEligibleError,
    "roster": amscore.RosterError,
    "request": amscore.RequestError,
    "quote": amscore.QuoteError,
    "decision": amscore.DecisionError,
    "success": amscore.SuccessError,
    "reminder": amscore.SuccessError,
    "work": amscore.WorkError,
    "audit": amscore.AuditError,
}

MEMBER = amscore.Membership("M-1", "individual", dt.date(2020, 1, 15), amscore.Term(dt.date(2025, 1, 15), dt.date(2026, 1, 14)))


def test_every_code_of_the_core_table_has_a_family_class() -> None:
    table = amscore.error_table()
    assert len(table) >= 25
    assert {family for _code, _name, family in table} <= FAMILY_CLASSES.keys()
    codes = [code for code, _name, _family in table]
    assert codes == sorted(set(codes))


def test_every_exception_class_is_an_ams_error() -> None:
    for cls in FAMILY_CLASSES.values():
        assert issubclass(cls, amscore.AmsError)
    for cls in (amscore.DateError, amscore.RequestError, amscore.RosterError, amscore.DecisionError, amscore.SuccessError, amscore.WorkError, amscore.AuditError):
        assert issubclass(cls, amscore.InputError)


def test_policy_error_names_the_path() -> None:
    bad = {
        "version": 1,
        "plans": [{"id": "x", "name": "X", "term": {"kind": "rolling", "length": {"count": 0, "unit": "year"}}, "prices": {"currency": "USD", "dues": "1"}}],
    }
    with pytest.raises(amscore.PolicyError) as info:
        amscore.Policy(bad)
    e = info.value
    assert (e.code, e.name, e.family, e.path) == (1205, "invalid_value", "policy", "plans[0].term.length.count")
    assert str(e) == "plans[0].term.length.count: must be > 0"


def test_policy_error_for_unknown_field_and_preset() -> None:
    with pytest.raises(amscore.PolicyError) as info:
        amscore.Engine({"version": 1, "preset": "amscore", "colour": "red"})
    assert (info.value.code, info.value.name, info.value.path) == (1202, "unknown_field", "")
    with pytest.raises(amscore.PolicyError) as info:
        amscore.Policy("no-such-preset")
    assert info.value.name == "unknown_preset"


def test_money_error_for_unknown_currency() -> None:
    with pytest.raises(amscore.MoneyError) as info:
        amscore.Money(Decimal("1.00"), "XYZ")
    assert (info.value.code, info.value.name) == (1001, "unknown_currency")
    with pytest.raises(amscore.MoneyError) as info:
        amscore.Money("1e3", "USD")
    assert info.value.name == "invalid_amount"


def test_input_error_for_unknown_plan(engine: amscore.Engine) -> None:
    m = amscore.Membership("M-2", "platinum", dt.date(2020, 1, 1), amscore.Term(dt.date(2025, 1, 1), dt.date(2025, 12, 31)))
    with pytest.raises(amscore.InputError) as info:
        engine.status_on(m, dt.date(2025, 6, 1))
    assert (info.value.code, info.value.name, info.value.family) == (1301, "unknown_plan", "lifecycle")
    assert info.value.path is None


def test_input_error_for_term_ending_before_it_starts() -> None:
    with pytest.raises(amscore.InputError) as info:
        amscore.Term(dt.date(2025, 1, 2), dt.date(2025, 1, 1))
    assert info.value.name == "term_ends_before_start"


def test_date_error_when_arithmetic_leaves_the_calendar(engine: amscore.Engine) -> None:
    with pytest.raises(amscore.DateError) as info:
        engine.join_term("individual", dt.date(9999, 6, 1))
    assert (info.value.code, info.value.name) == (1101, "date_out_of_range")


def test_request_error_from_answer(engine: amscore.Engine) -> None:
    with pytest.raises(amscore.RequestError) as info:
        engine.answer({"op": "teleport"})
    assert (info.value.code, info.value.name, info.value.path) == (1604, "unknown_operation", "op")
    with pytest.raises(amscore.RequestError) as info:
        amscore.Membership.from_dict({"member_id": "M", "plan": "individual", "member_since": "2020-01-01"})
    assert (info.value.name, info.value.path) == ("request_missing_field", "")
    assert str(info.value) == "missing field `term`"


def test_roster_error_names_the_missing_column(engine: amscore.Engine) -> None:
    frame = pd.DataFrame({"member_id": ["a"], "plan": ["individual"], "member_since": [dt.date(2020, 1, 1)], "term_start": [dt.date(2025, 1, 1)]})
    with pytest.raises(amscore.RosterError) as info:
        engine.batch(frame, dt.date(2025, 6, 1))
    e = info.value
    assert (e.code, e.name, e.path) == (1501, "missing_column", "term_end")
    assert "term_end" in str(e)


def test_not_eligible_error_before_the_window_opens(engine: amscore.Engine) -> None:
    with pytest.raises(amscore.NotEligibleError) as info:
        engine.renewal_term(MEMBER, dt.date(2025, 3, 1))
    assert (info.value.code, info.value.name) == (1401, "renewal_window_not_open")
    assert "2025-10-16" in str(info.value)


def test_ams_error_catches_every_family(engine: amscore.Engine) -> None:
    with pytest.raises(amscore.AmsError):
        engine.renewal_term(MEMBER, dt.date(2025, 3, 1))


def test_exceptions_pickle_with_their_attributes(engine: amscore.Engine) -> None:
    with pytest.raises(amscore.NotEligibleError) as info:
        engine.renewal_term(MEMBER, dt.date(2025, 3, 1))
    back = pickle.loads(pickle.dumps(info.value))
    assert type(back) is amscore.NotEligibleError
    assert (back.code, back.name, str(back)) == (1401, "renewal_window_not_open", str(info.value))


@pytest.mark.parametrize("amount", [1.5, 0.1, float("nan")])
def test_float_money_is_a_type_error(amount: float) -> None:
    with pytest.raises(TypeError, match="float is not an exact amount"):
        amscore.Money(amount, "USD")


def test_datetime_where_a_date_is_meant_is_a_type_error(engine: amscore.Engine) -> None:
    noon = dt.datetime(2025, 1, 15, 12, 0)
    with pytest.raises(TypeError, match="got datetime.datetime"):
        amscore.Term(noon)
    with pytest.raises(TypeError, match="got datetime.datetime"):
        engine.join_term("individual", noon)
    with pytest.raises(TypeError, match="got datetime.datetime"):
        engine.status_on(MEMBER, noon)
    with pytest.raises(TypeError, match="as_of"):
        engine.batch(pd.DataFrame(), noon)
    with pytest.raises(TypeError, match="got str"):
        amscore.Term("2025-01-15")  # type: ignore[arg-type]


def test_quote_error_for_seats_out_of_range(engine: amscore.Engine) -> None:
    with pytest.raises(amscore.QuoteError) as info:
        engine.quote_join("individual", dt.date(2025, 3, 10), seats=5)
    assert (info.value.code, info.value.name, info.value.family) == (2005, "plan_has_no_seats", "quote")


def test_decision_error_names_the_missing_facts(engine: amscore.Engine) -> None:
    with pytest.raises(amscore.DecisionError) as info:
        engine.decide({"at": "2025-03-10T12:00", "action": {"kind": "renew"}})
    assert (info.value.code, info.value.name) == (3001, "missing_member_facts")
    assert info.value.path == "member"


def test_success_error_for_inconsistent_snapshot_counts(engine: amscore.Engine) -> None:
    request = {"op": "snapshot_metrics", "counts": {"members_now": 10, "joined_last_12_months": 20, "members_year_ago": 5}}
    with pytest.raises(amscore.SuccessError) as info:
        engine.answer(request)
    e = info.value
    assert (e.code, e.name, e.family, e.path) == (4008, "inconsistent_counts", "success", None)
    assert str(e) == "20 joined in the last 12 months is more than the 10 members now"
    assert isinstance(e, amscore.InputError)


def test_roster_family_covers_the_roster_loader_block() -> None:
    roster = [(code, name) for code, name, family in amscore.error_table() if family == "roster"]
    assert roster[0] == (1501, "missing_column")
    assert all(1500 < code < 1600 for code, _name in roster)
    success = [code for code, _name, family in amscore.error_table() if family == "success"]
    assert success == list(range(4001, 4011))
