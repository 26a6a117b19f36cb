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
        amscore.Engine("amscore").quote_join("chapter", dt.date(2025, 5, 10)),
        amscore.Engine("amscore").quote_renewal(MEMBER.__class__("M-9", "individual", dt.date(2020, 1, 15), TERM), dt.date(2026, 1, 20)),
        amscore.Engine("amscore").decide({"at": "2025-03-10T12:00", "action": {"kind": "join", "plan": "retired"}}),
        amscore.Engine("amscore").coverage_report([{"at": "2025-03-10T12:00", "action": {"kind": "join", "plan": "individual"}}]),
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


def test_quote_lines_are_money_and_sum_to_the_total(engine: amscore.Engine) -> None:
    q = engine.quote_join("individual", dt.date(2025, 3, 10))
    assert (q.kind, q.plan, q.currency, q.total) == ("join", "individual", "USD", amscore.Money("225.00", "USD"))
    assert [(line["kind"], line["amount"]) for line in q.lines] == [("dues", amscore.Money("200.00", "USD")), ("join_fee", amscore.Money("25.00", "USD"))]
    assert q.lines[0]["period"] == amscore.Term(dt.date(2025, 3, 10), dt.date(2026, 3, 9))
    assert q.term == amscore.Term(dt.date(2025, 3, 10), dt.date(2026, 3, 9))
    assert isinstance(q.total.amount, Decimal)


def test_decision_route_and_reasons(engine: amscore.Engine) -> None:
    m = {"member_id": "M-1", "plan": "individual", "member_since": "2020-01-15", "term": {"start": "2025-01-15", "end": "2026-01-14"}}
    early = engine.decide({"at": "2025-03-10T12:00", "member": {"membership": m}, "action": {"kind": "renew"}})
    assert (early.route, early.queue, early.is_self_service) == ("refused", None, False)
    assert early.reasons == [{"code": "renewal_window_not_open", "message": "renewal opens on 2025-10-16", "next_date": dt.date(2025, 10, 16)}]
    assert early.next_date == dt.date(2025, 10, 16)
    online = engine.decide({"at": "2026-01-05T12:00", "member": {"membership": m}, "action": {"kind": "renew"}})
    assert (online.route, online.reasons) == ("self_service", [])
    assert online.quote is not None and online.quote.total == amscore.Money("200.00", "USD")
    staff = engine.decide({"at": "2025-03-10T12:00", "action": {"kind": "join", "plan": "retired"}})
    assert (staff.route, staff.queue, staff.reasons[0]["code"]) == ("staff", "membership", "plan_requires_approval")


def test_coverage_report(engine: amscore.Engine) -> None:
    r = engine.coverage_report([
        {"at": "2025-03-10T12:00", "action": {"kind": "join", "plan": "individual"}},
        {"at": "2025-03-10T12:00", "action": {"kind": "join", "plan": "retired"}},
        {"not": "a request"},
    ])
    assert (r.requests, r.self_service, r.staff, r.refused, r.errors) == (3, 1, 1, 0, 1)
    assert str(r.self_service_share) == "50.0"
    assert "plan_requires_approval" in r.text
    assert r.to_dict()["overall"]["requests"] == 3
