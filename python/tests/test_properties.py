"""Hypothesis properties mirroring the Rust ones: answers are pure functions of their inputs."""

from __future__ import annotations

import datetime as dt
import pickle
from decimal import Decimal

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

import amscore

ENGINE = amscore.Engine("amscore")
PLANS = [p.id for p in ENGINE.policy.plans]
days = st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2040, 12, 31))


@st.composite
def memberships(draw: st.DrawFn) -> amscore.Membership:
    since = draw(days)
    start = since + dt.timedelta(days=draw(st.integers(0, 4000)))
    plan = draw(st.sampled_from(PLANS))
    end = None if ENGINE.plan(plan).is_lifetime else start + dt.timedelta(days=draw(st.integers(0, 800)))
    return amscore.Membership(
        "M", plan, since, amscore.Term(start, end),
        pending=draw(st.booleans()),
        cancelled_on=draw(st.none() | st.just(start + dt.timedelta(days=draw(st.integers(0, 400))))),
    )


def outcome(f, *args):  # type: ignore[no-untyped-def]
    try:
        return ("ok", f(*args))
    except amscore.AmsError as e:
        return ("error", type(e).__name__, e.code, str(e))


@given(memberships(), days)
def test_status_is_a_pure_function_of_facts_and_date(m: amscore.Membership, on: dt.date) -> None:
    again = pickle.loads(pickle.dumps(ENGINE))
    assert outcome(ENGINE.status_on, m, on) == outcome(ENGINE.status_on, m, on) == outcome(again.status_on, m, on)
    assert outcome(ENGINE.renewal_term, m, on) == outcome(again.renewal_term, m, on)


@given(memberships(), days)
def test_extension_never_leaves_a_gap_nor_overlaps(m: amscore.Membership, on: dt.date) -> None:
    kind, *rest = outcome(ENGINE.renewal_term, m, on)
    if kind == "ok" and rest[0]["kind"] == "extend":
        assert m.term.end is not None
        assert rest[0]["term"].start == m.term.end + dt.timedelta(days=1)
        assert rest[0]["member_since"] == m.member_since


@settings(max_examples=25, deadline=None)
@given(st.lists(memberships(), min_size=0, max_size=40), days)
def test_batch_is_deterministic_and_equals_the_single_member_answers(ms: list[amscore.Membership], on: dt.date) -> None:
    roster = pd.DataFrame({
        "member_id": [f"M-{i}" for i in range(len(ms))],
        "plan": [m.plan for m in ms],
        "member_since": [m.member_since for m in ms],
        "term_start": [m.term.start for m in ms],
        "term_end": [m.term.end for m in ms],
        "pending": [m.pending for m in ms],
        "cancelled_on": [m.cancelled_on for m in ms],
    })
    first = ENGINE.batch(roster, on)
    pd.testing.assert_frame_equal(first, ENGINE.batch(roster, on))
    for i, m in enumerate(ms):
        status = outcome(ENGINE.status_on, m, on)
        if status[0] == "error":
            assert first.loc[i, "error_code"] == status[2]
            continue
        assert first.loc[i, "status"] == status[1]["status"]
        renewal = outcome(ENGINE.renewal_term, m, on)
        if renewal[0] == "ok":
            assert first.loc[i, "renewal_kind"] == renewal[1]["kind"]
            assert first.loc[i, "renewal_start"] == pd.Timestamp(renewal[1]["term"].start)
        else:
            assert pd.isna(first.loc[i, "renewal_kind"])


@given(memberships(), days, st.integers(1, 3))
def test_renewal_quote_lines_sum_to_the_total(m: amscore.Membership, on: dt.date, terms: int) -> None:
    kind, *rest = outcome(ENGINE.quote_renewal, m, on, terms)
    if kind == "ok":
        q = rest[0]
        assert sum((line["amount"].amount for line in q.lines), Decimal(0)) == q.total.amount
        assert all(line["amount"].currency == q.currency for line in q.lines)
        assert q.total.amount == q.total.amount.quantize(Decimal("0.01"))


@given(st.sampled_from(PLANS), days, st.integers(1, 3))
def test_join_quote_lines_sum_to_the_total_and_are_whole_cents(plan: str, on: dt.date, terms: int) -> None:
    kind, *rest = outcome(ENGINE.quote_join, plan, on, terms)
    if kind == "ok":
        q = rest[0]
        assert sum((line["amount"].amount for line in q.lines), Decimal(0)) == q.total.amount
        for line in q.lines:
            assert line["amount"].amount == line["amount"].amount.quantize(Decimal("0.01"))
    else:
        assert rest[0] in ("QuoteError", "InputError", "NotEligibleError")
