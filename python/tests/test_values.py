"""Value objects: dates and decimals in and out, equality, hashing, repr and pickling."""

from __future__ import annotations

import datetime as dt
import pickle
from decimal import Decimal
from pathlib import Path

import pytest

import amscore

TERM = amscore.Term(dt.date(2025, 1, 15), dt.date(2026, 1, 14))
MEMBER = amscore.Membership("M-1", "individual", dt.date(2020, 1, 15), TERM, pending=True, cancelled_on=dt.date(2025, 6, 1))


def test_version_comes_from_cargo() -> None:
    assert amscore.__version__ == "0.1.0"
    assert set(amscore.__all__) >= {"Engine", "Policy", "AmsError", "__version__"}


def test_money_is_exact_decimal_in_and_out() -> None:
    m = amscore.Money(Decimal("12.50"), "USD")
    assert m.amount == Decimal("12.50") and isinstance(m.amount, Decimal)
    assert (m.currency, str(m), repr(m)) == ("USD", "12.50 USD", "Money('12.50', 'USD')")
    assert amscore.Money("12.50", "USD") == m
    assert amscore.Money(3, "JPY").amount == Decimal(3)
    assert hash(amscore.Money("12.50", "USD")) == hash(m)
    assert amscore.Money("12.50", "EUR") != m


def test_term_dates_in_and_out() -> None:
    assert (TERM.start, TERM.end, TERM.days, TERM.is_lifetime) == (dt.date(2025, 1, 15), dt.date(2026, 1, 14), 365, False)
    assert type(TERM.start) is dt.date
    assert TERM.contains(dt.date(2026, 1, 14)) and not TERM.contains(dt.date(2026, 1, 15))
    life = amscore.Term(dt.date(2000, 1, 1))
    assert (life.end, life.days, life.is_lifetime) == (None, None, True)
    assert life.overlaps(TERM)
    assert repr(TERM) == "Term(2025-01-15, 2026-01-14)"
    assert len({TERM, amscore.Term(dt.date(2025, 1, 15), dt.date(2026, 1, 14))}) == 1


def test_membership_round_trips_through_dict_and_json() -> None:
    assert (MEMBER.member_id, MEMBER.plan, MEMBER.member_since, MEMBER.term) == ("M-1", "individual", dt.date(2020, 1, 15), TERM)
    assert (MEMBER.pending, MEMBER.cancelled_on, MEMBER.deceased_on) == (True, dt.date(2025, 6, 1), None)
    d = MEMBER.to_dict()
    assert d["term"] == {"start": "2025-01-15", "end": "2026-01-14"}
    assert amscore.Membership.from_dict(d) == MEMBER
    assert amscore.Membership.from_json(MEMBER.to_json()) == MEMBER


def test_policy_from_dict_json_file_and_preset(tmp_path: Path) -> None:
    preset = amscore.Policy.preset("amscore")
    assert amscore.Policy("amscore") == preset
    assert amscore.Policy(preset.to_json()) == preset
    assert amscore.Policy(preset.to_dict()) == preset
    path = tmp_path / "policy.json"
    path.write_text(preset.to_json())
    assert amscore.Policy(path) == preset
    assert amscore.Policy(str(path)) == preset
    assert amscore.Policy.from_file(path) == preset
    assert set(amscore.presets()) >= {"amscore", "civicrm", "tendenci"}
    assert preset.validate() is None
    assert [p.id for p in preset.plans][:2] == ["individual", "student-y1"]


def test_plan_attributes() -> None:
    plan = amscore.Policy("amscore").plan("individual")
    assert (plan.id, plan.currency, plan.is_lifetime) == ("individual", "USD", False)
    assert isinstance(plan.dues, amscore.Money) and plan.dues.currency == "USD"
    assert amscore.Plan.from_dict(plan.to_dict()) == plan
    assert amscore.Policy("amscore").plan("student-y1").renew_to == "student-y2"


def test_engine_typed_answers_use_dates(engine: amscore.Engine) -> None:
    m = amscore.Membership("M-1", "individual", dt.date(2020, 1, 15), TERM)
    s = engine.status_on(m, dt.date(2026, 1, 20))
    assert (s["status"], s["counts_as_member"], s["renewable"]) == ("grace", True, True)
    r = engine.renewal_term(m, dt.date(2026, 1, 20))
    assert (r["kind"], r["term"], r["member_since"]) == ("extend", amscore.Term(dt.date(2026, 1, 15), dt.date(2027, 1, 14)), dt.date(2020, 1, 15))
    assert engine.call({"op": "status_on", "membership": m, "date": dt.date(2026, 1, 20)})["ok"]["status"] == "grace"
    assert engine.call_json('{"op": "describe_policy"}').startswith('{"ok":')


@pytest.mark.parametrize(
    "obj",
    [
        amscore.Money("12.50", "USD"),
        TERM,
        amscore.Term(dt.date(2000, 1, 1)),
        MEMBER,
        amscore.Policy("amscore").plan("corporate"),
        amscore.Policy("civicrm"),
    ],
    ids=lambda o: type(o).__name__,
)
def test_value_objects_pickle(obj: object) -> None:
    assert pickle.loads(pickle.dumps(obj)) == obj


def test_engine_pickles_to_an_equal_engine(engine: amscore.Engine) -> None:
    back = pickle.loads(pickle.dumps(engine))
    assert back.policy == engine.policy
    req = {"op": "join_term", "plan": "fiscal", "date": "2025-10-15"}
    assert back.call(req) == engine.call(req)


def test_value_objects_are_frozen() -> None:
    with pytest.raises(AttributeError):
        TERM.start = dt.date(2020, 1, 1)  # type: ignore[misc]
