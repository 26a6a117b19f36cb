"""Engine.allocate shares a total by whole-number weights with a named remainder rule: the same
parts as the gateway's `allocate` (one core function), always summing to the total."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import amscore
from amscore import Engine, Money

ENGINE = Engine("amscore")
RULES = ["largest_remainder", "first_parts", "last_parts", "last"]


def gateway(total: str, currency: str, weights: list[int], rule: str) -> dict:
    request = {"op": "allocate", "total": {"amount": total, "currency": currency}, "weights": weights, "remainder": rule}
    return ENGINE.answer(request)


@pytest.mark.parametrize(
    "total, weights, rule, want",
    [
        ("100.00", [70, 30], "largest_remainder", ["70.00", "30.00"]),
        ("1.00", [1, 2], "largest_remainder", ["0.33", "0.67"]),
        ("1.00", [1, 2], "first_parts", ["0.34", "0.66"]),
        ("100.00", [1, 1, 1], "last_parts", ["33.33", "33.33", "33.34"]),
        ("0.05", [1] * 7 + [0], "last", ["0.00"] * 6 + ["0.05", "0.00"]),
    ],
)
def test_allocate_worked_examples(total: str, weights: list[int], rule: str, want: list[str]) -> None:
    parts = ENGINE.allocate(Money(total, "USD"), weights, remainder=rule)
    assert [str(p.amount) for p in parts] == want
    assert {p.currency for p in parts} == {"USD"}


def test_the_default_rule_is_largest_remainder() -> None:
    total = Money("1.00", "USD")
    assert ENGINE.allocate(total, [1, 2]) == ENGINE.allocate(total, [1, 2], remainder="largest_remainder")


@settings(max_examples=150, deadline=None)
@given(
    units=st.integers(min_value=0, max_value=10**11),
    currency=st.sampled_from(["USD", "JPY", "KWD"]),
    weights=st.lists(st.integers(min_value=0, max_value=10**6), min_size=1, max_size=30).filter(any),
    rule=st.sampled_from(RULES),
)
def test_allocate_is_the_gateways_and_sums_to_the_total(units: int, currency: str, weights: list[int], rule: str) -> None:
    exponent = {"USD": 2, "JPY": 0, "KWD": 3}[currency]
    total = Decimal(units).scaleb(-exponent)
    text = f"{total:.{exponent}f}"
    parts = ENGINE.allocate(Money(text, currency), weights, remainder=rule)
    want = gateway(text, currency, weights, rule)
    assert [str(p.amount) for p in parts] == want["parts"]
    assert sum((p.amount for p in parts), Decimal(0)) == Decimal(text)
    assert all(p.amount == 0 for p, w in zip(parts, weights) if w == 0)


def test_allocate_refuses_bad_inputs_with_the_argument_named() -> None:
    total = Money("10.00", "USD")
    with pytest.raises(ValueError, match=r"^remainder: unknown rule 'to_the_treasurer'; the rules are 'largest_remainder', 'first_parts', 'last_parts', 'last'$"):
        ENGINE.allocate(total, [1, 1], remainder="to_the_treasurer")
    with pytest.raises(ValueError, match=r"^weights\[1\]: must not be negative \(got -3\)$"):
        ENGINE.allocate(total, [1, -3])
    with pytest.raises(TypeError, match=r"^weights\[0\]: expected int, got float$"):
        ENGINE.allocate(total, [0.7, 0.3])  # type: ignore[list-item]
    with pytest.raises(TypeError, match=r"^weights: expected a sequence of whole numbers, got str$"):
        ENGINE.allocate(total, "70,30")  # type: ignore[arg-type]
    for weights in ([], [0, 0]):
        response = ENGINE.call({"op": "allocate", "total": {"amount": "10.00", "currency": "USD"}, "weights": weights})
        with pytest.raises(amscore.AmsError) as info:
            ENGINE.allocate(total, weights)
        assert (info.value.code, info.value.name) == (response["error"]["code"], response["error"]["name"]) == (2007, "zero_parts")
