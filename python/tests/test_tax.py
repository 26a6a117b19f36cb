"""Tax through the typed API: Quote.net, .tax, .gross and .tax_lines agree with the gateway's
`net`, `tax` and `total` and add up (net lines + tax lines = gross), for exempt members or not."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from amscore import Engine, Membership, Money, Term


def policy(percents: list[str], inclusive: bool, per_total: bool, dues: str, fee: str) -> dict[str, Any]:
    components = [{"name": f"T{i}", "percent": p} for i, p in enumerate(percents)]
    return {
        "version": 1,
        "preset": "amscore",
        "plans": [
            {
                "id": "p",
                "name": "Plan",
                "term": {"kind": "rolling", "length": {"count": 1, "unit": "year"}},
                "prices": {"currency": "CAD", "dues": dues, "join_fee": fee},
                "tax": {
                    "components": components,
                    "prices": "inclusive" if inclusive else "exclusive",
                    "rounding": "per_total" if per_total else "per_line",
                },
            }
        ],
    }


def test_a_gst_join_states_net_tax_and_gross() -> None:
    engine = Engine(policy(["5"], False, False, "100.00", "20.00"))
    q = engine.quote_join("p", dt.date(2025, 3, 10))
    assert (q.net, q.tax, q.gross, q.total) == (
        Money("120.00", "CAD"),
        Money("6.00", "CAD"),
        Money("126.00", "CAD"),
        Money("126.00", "CAD"),
    )
    assert [(line["kind"], line["description"], line["amount"]) for line in q.tax_lines] == [
        ("tax", "T0 5%", Money("6.00", "CAD"))
    ]
    exempt = engine.quote_join("p", dt.date(2025, 3, 10), tax_exempt=True)
    assert (exempt.net, exempt.tax, exempt.total) == (Money("120.00", "CAD"), Money("0.00", "CAD"), Money("120.00", "CAD"))


def test_an_untaxed_quote_has_no_tax() -> None:
    q = Engine("amscore").quote_join("individual", dt.date(2025, 3, 10))
    assert q.tax == Money("0.00", "USD") and q.net == q.total == q.gross and q.tax_lines == []
    assert "net" not in q.to_dict() and "tax" not in q.to_dict()


@settings(max_examples=60, deadline=None)
@given(
    percents=st.lists(st.integers(min_value=0, max_value=25_000), min_size=1, max_size=3),
    inclusive=st.booleans(),
    per_total=st.booleans(),
    dues=st.integers(min_value=0, max_value=10**7),
    fee=st.integers(min_value=0, max_value=10**5),
    exempt=st.booleans(),
    days=st.integers(min_value=-30, max_value=500),
)
def test_taxed_quotes_are_the_gateways_and_add_up(
    percents: list[int], inclusive: bool, per_total: bool, dues: int, fee: int, exempt: bool, days: int
) -> None:
    text = [str(Decimal(p).scaleb(-3).normalize()) for p in percents]
    cents = lambda n: f"{Decimal(n).scaleb(-2):.2f}"  # noqa: E731
    engine = Engine(policy(text, inclusive, per_total, cents(dues), cents(fee)))
    start = dt.date(2025, 1, 1)
    member = Membership("M-1", "p", start, Term(start, dt.date(2025, 12, 31)), tax_exempt=exempt)
    assert member.tax_exempt is exempt
    on = dt.date(2025, 12, 31) + dt.timedelta(days=days)
    quotes = [
        (engine.quote_join("p", start, tax_exempt=exempt), {"op": "quote_join", "plan": "p", "date": start.isoformat(), "tax_exempt": exempt}),
    ]
    request = {"op": "quote_renewal", "membership": member.to_dict(), "date": on.isoformat()}
    if "ok" in engine.call(request):
        quotes.append((engine.quote_renewal(member, on), request))
    for q, req in quotes:
        want = engine.answer(req)
        assert (str(q.net.amount), str(q.tax.amount), str(q.total.amount)) == (want["net"], want["tax"], want["total"])
        lines = sum((line["amount"].amount for line in q.lines if line["kind"] != "tax"), Decimal(0))
        taxes = sum((line["amount"].amount for line in q.tax_lines), Decimal(0))
        assert lines == q.net.amount and taxes == q.tax.amount and lines + taxes == q.gross.amount
        assert len(q.tax_lines) == len(percents)
        if exempt:
            assert q.tax.amount == 0
