"""Hypothesis properties mirroring the Rust ones: answers are pure functions of their inputs."""

from __future__ import annotations

import datetime as dt
import pickle
from collections import Counter
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


def reordered_engine(order: list[int]) -> amscore.Engine:
    """The default engine's policy with its plans listed in another order (`order[i]` is the old
    index of the new i-th plan): the plans' order carries no meaning."""
    policy = ENGINE.policy.to_dict()
    policy["plans"] = [policy["plans"][i] for i in order]
    engine = amscore.Engine(policy)
    assert [p.id for p in engine.policy.plans] == [PLANS[i] for i in order]
    return engine


@given(memberships(), days, st.permutations(range(len(PLANS))))
def test_status_is_a_pure_function_of_facts_and_date(m: amscore.Membership, on: dt.date, order: list[int]) -> None:
    again = pickle.loads(pickle.dumps(ENGINE))
    shuffled = reordered_engine(order)
    status = outcome(ENGINE.status_on, m, on)
    assert status == outcome(again.status_on, m, on) == outcome(shuffled.status_on, m, on)
    renewal = outcome(ENGINE.renewal_term, m, on)
    assert renewal == outcome(again.renewal_term, m, on) == outcome(shuffled.renewal_term, m, on)
    assert outcome(ENGINE.quote_renewal, m, on) == outcome(shuffled.quote_renewal, m, on)


@st.composite
def renewal_cases(draw: st.DrawFn) -> tuple[amscore.Membership, dt.date]:
    """A membership and a renewal date. About half of the memberships are neither pending nor
    cancelled, and most dates fall near the term's end, where the renewal paths are: around the
    renewal window (the preset's windows open up to 90 days before the end; its grace lasts up to
    2 months), or up to 400 days after the end (reinstatement and rejoin). The rest are anywhere."""
    m = draw(memberships())
    if draw(st.booleans()):
        m = amscore.Membership(m.member_id, m.plan, m.member_since, m.term)
    where = draw(st.sampled_from(["anywhere", "window", "window", "after"]))
    if m.term.end is None or where == "anywhere":
        return m, draw(days)
    offset = draw(st.integers(-90, 30) if where == "window" else st.integers(-120, 400))
    return m, m.term.end + dt.timedelta(days=offset)


RENEWAL_ERRORS = range(1401, 1407)
LIFECYCLE_ERRORS = range(1301, 1307)
CURRENT = ("new", "active", "grace")
ERROR_PATHS = {
    1302: "before_join",
    1401: "window_not_open",
    1402: "lifetime",
    1403: "not_renewable",
    1405: "backdate_too_short",
    1406: "renewal_only",
}


def renewal_path(m: amscore.Membership, on: dt.date) -> str:
    """Renews `m` on `on` with the default engine, checks what must hold for the outcome, and returns
    the path taken: extend, reinstate, rejoin, or the error's name."""
    plan = ENGINE.plan(m.plan)
    stopped = m.pending or (m.cancelled_on is not None and m.cancelled_on <= on)
    kind, *rest = outcome(ENGINE.renewal_term, m, on)
    if kind == "error":
        _, code, message = rest
        assert code in RENEWAL_ERRORS or code in LIFECYCLE_ERRORS, (code, message)
        # The checks come in a fixed order: lifetime plan, date before joining, pending or cancelled.
        if plan.is_lifetime:
            assert code == 1402, message
        elif on < m.member_since:
            assert code == 1302, message
        elif stopped:
            assert code == 1403, message
        else:
            assert code in (1401, 1405, 1406), message
            assert m.term.end is not None
            if code == 1401:  # the window opens before the term ends
                assert on < m.term.end, message
            if code == 1406:
                assert plan.to_dict().get("flags", {}).get("renewal_only"), message
        return ERROR_PATHS.get(code, str(code))
    r = rest[0]
    assert not plan.is_lifetime and not stopped and on >= m.member_since
    assert m.term.end is not None
    assert r["term"].end is not None and r["term"].end >= on, (r, on)  # never bought time already over
    if r["kind"] == "extend":
        assert r["status_before"] in CURRENT
        assert r["term"].start == m.term.end + dt.timedelta(days=1)
        assert r["member_since"] == m.member_since
        assert r["plan"] == (plan.renew_to or m.plan)
    elif r["kind"] == "reinstate":
        # The amscore preset back-dates reinstatements: the new term closes the gap.
        assert r["status_before"] == "lapsed"
        assert on > m.term.end
        assert r["term"].start == m.term.end + dt.timedelta(days=1)
        assert r["member_since"] == m.member_since
        assert r["plan"] == (plan.renew_to or m.plan)
    else:
        assert r["kind"] == "rejoin", r
        assert r["status_before"] == "expired"
        assert r["member_since"] == on
        assert r["term"].start <= on
        assert r["plan"] == m.plan
    return str(r["kind"])


@given(renewal_cases())
def test_extension_never_leaves_a_gap_nor_overlaps(case: tuple[amscore.Membership, dt.date]) -> None:
    """Every outcome is checked: an extension (and a back-dated reinstatement) starts the day after
    the old term ends, a rejoin resets member-since, and each error is the one the facts call for."""
    renewal_path(*case)


def test_generated_renewal_cases_reach_every_path() -> None:
    seen: Counter[str] = Counter()

    @settings(max_examples=400, database=None, derandomize=True)
    @given(renewal_cases())
    def collect(case: tuple[amscore.Membership, dt.date]) -> None:
        seen[renewal_path(*case)] += 1

    collect()
    total = sum(seen.values())
    # The property above is only as good as its cases: a quarter of them must extend (at the time
    # of writing 155 of 400), and each other path must occur.
    assert total >= 300, seen
    assert seen["extend"] >= total // 4, seen
    for path in ("reinstate", "rejoin", "lifetime", "before_join", "not_renewable", *ERROR_PATHS.values()):
        assert seen[path] > 0, seen


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
