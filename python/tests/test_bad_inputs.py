"""The bad-input catalogue of the Python surface (issue 9 asks for one per surface): every way a
caller can hand amscore a wrong Python value, with the exact exception class, ``.code`` (the C
API's number; ``None`` for Python's own ``TypeError``/``ValueError``/``OverflowError``, which
carry none) and the exact message. One row per distinct bad input."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Callable, NamedTuple

import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

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


def cyclic_dict(base: dict[str, Any], key: str) -> dict[str, Any]:
    """``base`` with ``base[key]`` the dict itself."""
    d = dict(base)
    d[key] = d
    return d


def cyclic_list() -> list[Any]:
    """A list whose first item is the list itself."""
    items: list[Any] = []
    items.append(items)
    return items


def nested(levels: int) -> Any:
    """``levels`` lists, each inside the one before (built without recursion)."""
    inner: Any = []
    for _ in range(levels - 1):
        inner = [inner]
    return inner


def duplicated(frame: pd.DataFrame, column: str) -> pd.DataFrame:
    """``frame`` with ``column`` given twice."""
    return pd.concat([frame, frame[[column]]], axis=1)


def duplicated_table(frame: pd.DataFrame, column: str) -> pa.Table:
    table = pa.Table.from_pandas(frame, preserve_index=False)
    return table.append_column(column, table.column(column))


POLICY = {"version": 1, "preset": "amscore"}
DEEP = "nested too deep: more than 127 levels of dicts and lists (JSON's recursion limit)"
# The container at level 128 (the request dict is level 1, `x` level 2): `x` and 126 `[0]`.
DEEP_PATH = "x" + "[0]" * 126
CANCEL = {"op": "quote_cancel", "date": "2025-03-01",
          "membership": {"member_id": "M-1", "plan": "individual", "member_since": "2025-01-01",
                         "term": {"start": "2025-01-01", "end": "2025-12-31"}}}


def cancel(amount: Any) -> Any:
    return ENGINE.answer({**CANCEL, "amount_paid": {"amount": amount, "currency": "USD"}})


FLOAT_MONEY = 'Money amount: float is not an exact amount; pass decimal.Decimal or a decimal string such as "12.50"'
FRAME_FLOAT = 'float is not an exact amount; use decimal.Decimal, int or decimal text such as "12.50"'

CATALOGUE = [
    # A term end that disagrees with its plan's kind (hardening item 1), through the single calls
    Bad("annual plan term with no end (status_on)",
        lambda: ENGINE.status_on(amscore.Membership("M-1", "individual", dt.date(2025, 1, 15), amscore.Term(dt.date(2025, 1, 15), None)), DAY),
        amscore.InputError, 1307, "plan `individual` is not a lifetime plan: its term needs an end"),
    Bad("annual plan term with no end (quote_renewal)",
        lambda: ENGINE.quote_renewal(amscore.Membership("M-1", "chapter", dt.date(2025, 1, 15), amscore.Term(dt.date(2025, 1, 15), None)), DAY),
        amscore.InputError, 1307, "plan `chapter` is not a lifetime plan: its term needs an end"),
    Bad("lifetime plan term with an end (renewal_term)",
        lambda: ENGINE.renewal_term(amscore.Membership("M-1", "lifetime", dt.date(2020, 1, 1), amscore.Term(dt.date(2020, 1, 1), dt.date(2020, 12, 31))), DAY),
        amscore.InputError, 1308, "plan `lifetime` is a lifetime plan: its term has no end (given 2020-12-31)"),
    # JSON text: one reader (the core's), which refuses a key given twice
    Bad("duplicate key in a membership's JSON text",
        lambda: amscore.Membership.from_json('{"member_id": "M-1", "plan": "individual", "plan": "retired", '
                                             '"member_since": "2020-01-15", "term": {"start": "2025-01-15", "end": "2026-01-14"}}'),
        amscore.RequestError, 1601, "duplicate field `plan`", ""),
    Bad("duplicate key in a plan's JSON text",
        lambda: amscore.Plan.from_json('{"id": "p", "name": "P", "term": {"kind": "rolling", "length": {"count": 1, "unit": "year"}}, '
                                       '"prices": {"currency": "USD", "dues": "1.00", "dues": "2.00"}}'),
        amscore.PolicyError, 1201, "prices: duplicate field `dues`", "prices"),
    # Money
    Bad("float money", lambda: amscore.Money(1.5, "USD"), TypeError, None, FLOAT_MONEY),
    Bad("float NaN money", lambda: amscore.Money(float("nan"), "USD"), TypeError, None, FLOAT_MONEY),
    Bad("Decimal NaN money", lambda: amscore.Money(Decimal("NaN"), "USD"), amscore.MoneyError, 1003,
        "invalid amount `NaN`: expected a decimal number such as 12.50"),
    Bad("Decimal infinity money", lambda: amscore.Money(Decimal("-Infinity"), "USD"), amscore.MoneyError, 1003,
        "invalid amount `-Infinity`: expected a decimal number such as 12.50"),
    Bad("exponent text money", lambda: amscore.Money("1e3", "USD"), amscore.MoneyError, 1003,
        "invalid amount `1e3`: expected a decimal number such as 12.50"),
    Bad("exponent Decimal too precise for money", lambda: amscore.Money(Decimal("1.000000000000000000000000000000001"), "USD"),
        amscore.MoneyError, 1003,
        "invalid amount `1.000000000000000000000000000000001`: Number has a high precision that can not be represented."),
    Bad("Decimal far beyond any amount", lambda: amscore.Money(Decimal("1E+5000"), "USD"), amscore.MoneyError, 1003,
        "invalid amount `1E+5000`: expected a decimal number such as 12.50"),
    Bad("exponent text in a request amount", lambda: cancel("1E+2"), amscore.RequestError, 1601,
        "amount_paid.amount: invalid amount `1E+2`: expected a decimal number such as 12.50", "amount_paid.amount"),
    Bad("too precise Decimal in a request amount", lambda: cancel(Decimal("1E-40")), amscore.RequestError, 1601,
        "amount_paid.amount: invalid amount `0." + "0" * 39 + "1`: Number has a high precision that can not be represented.",
        "amount_paid.amount"),
    Bad("unknown currency", lambda: amscore.Money(Decimal("1.00"), "XYZ"), amscore.MoneyError, 1001, "unknown currency `XYZ`"),
    Bad("bool money", lambda: amscore.Money(True, "USD"), TypeError, None, "Money amount: expected decimal.Decimal, int or str, got bool"),
    # Dates
    Bad("datetime for a date", lambda: ENGINE.join_term("individual", dt.datetime(2025, 1, 15, 12, 0)), TypeError, None,
        "date: expected datetime.date, got datetime.datetime (amscore dates have no time of day; pass .date())"),
    Bad("str for a date", lambda: ENGINE.join_term("individual", "2025-01-15"), TypeError, None, "date: expected datetime.date, got str"),
    Bad("None for a date", lambda: ENGINE.join_term("individual", None), TypeError, None, "date: expected datetime.date, got NoneType"),
    Bad("datetime with a time of day as_of for a batch", lambda: ENGINE.batch(roster(), dt.datetime(2025, 6, 1, 9, 30)), TypeError, None,
        "as_of: expected datetime.date, got datetime.datetime (amscore dates have no time of day; pass .date())"),
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
    # Nesting: dicts and lists that contain themselves, or nest deeper than JSON text may
    Bad("self-referencing request dict", lambda: ENGINE.call(cyclic_dict({"op": "describe_policy"}, "again")),
        amscore.RequestError, 1601, "again: this dict contains itself (a cycle back to the top of the document)", "again"),
    Bad("self-referencing list in what_if", lambda: ENGINE.call({"op": "what_if", "policy": POLICY, "requests": cyclic_list()}),
        amscore.RequestError, 1601, "requests[0]: this list contains itself (a cycle back to `requests`)", "requests[0]"),
    Bad("self-referencing policy dict", lambda: amscore.Engine(cyclic_dict(POLICY, "settings")), amscore.PolicyError, 1201,
        "settings: this dict contains itself (a cycle back to the top of the document)", "settings"),
    Bad("self-referencing decision request", lambda: ENGINE.decide(cyclic_dict({"at": "2025-03-10T12:00"}, "action")),
        amscore.RequestError, 1601, "action: this dict contains itself (a cycle back to the top of the document)", "action"),
    Bad("request nested 128 levels", lambda: ENGINE.call({"op": "describe_policy", "x": nested(127)}), amscore.RequestError, 1601,
        f"{DEEP_PATH}: {DEEP}", DEEP_PATH),
    Bad("request nested 100,000 levels", lambda: ENGINE.call({"op": "describe_policy", "x": nested(100_000)}), amscore.RequestError,
        1601, f"{DEEP_PATH}: {DEEP}", DEEP_PATH),
    Bad("policy nested 10,000 levels", lambda: amscore.Engine({**POLICY, "x": nested(10_000)}), amscore.PolicyError, 1201,
        f"{DEEP_PATH}: {DEEP}", DEEP_PATH),
    Bad("membership nested too deep", lambda: amscore.Membership.from_dict({"x": nested(5_000)}), amscore.RequestError, 1601,
        f"{DEEP_PATH}: {DEEP}", DEEP_PATH),
    # Frames
    Bad("not a frame", lambda: ENGINE.batch([1, 2], DAY), TypeError, None,
        "roster: expected a pyarrow.Table, a pandas.DataFrame, a polars.DataFrame, a DuckDB relation or an object with "
        "__arrow_c_stream__, got list"),
    Bad("missing roster column", lambda: ENGINE.batch(roster().drop(columns=["term_end"]), DAY), amscore.RosterError, 1501,
        "missing column `term_end`", "term_end"),
    Bad("missing members column", lambda: ENGINE.cohort_table(roster().drop(columns=["plan"]), DAY), amscore.RosterError, 1501,
        "missing column `plan`", "plan"),
    Bad("missing events column", lambda: ENGINE.segments(roster(), EVENTS.drop(columns=["kind"]), DAY), amscore.SuccessError, 4009,
        "events.kind: missing column `kind`", "events.kind"),
    Bad("duplicate roster column", lambda: ENGINE.batch(duplicated(roster(), "plan"), DAY), amscore.RosterError, 1503,
        "duplicate column `plan`", "plan"),
    Bad("duplicate roster column in a pyarrow table", lambda: ENGINE.batch(duplicated_table(roster(), "term_end"), DAY),
        amscore.RosterError, 1503, "duplicate column `term_end`", "term_end"),
    Bad("duplicate result column in the roster", lambda: ENGINE.batch(roster(status=["x"]).pipe(duplicated, "status"), DAY),
        amscore.RosterError, 1503, "duplicate column `status`", "status"),
    Bad("duplicate members column", lambda: ENGINE.cohort_table(duplicated(roster(), "member_since"), DAY), amscore.RosterError, 1503,
        "duplicate column `member_since`", "member_since"),
    Bad("duplicate members column in a pyarrow table", lambda: ENGINE.cohort_table(duplicated_table(roster(), "member_id"), DAY),
        amscore.RosterError, 1503, "duplicate column `member_id`", "member_id"),
    Bad("duplicate attribute column", lambda: ENGINE.segments(duplicated(roster(**{"attribute.region": ["north"]}), "attribute.region"),
        None, DAY), amscore.RosterError, 1503, "duplicate column `attribute.region`", "attribute.region"),
    Bad("duplicate events column", lambda: ENGINE.segments(roster(), duplicated_table(EVENTS, "kind"), DAY), amscore.RosterError, 1503,
        "events.kind: duplicate column `kind`", "events.kind"),
    Bad("batch datetime64 with a time of day", lambda: ENGINE.batch(roster(term_start=pd.to_datetime(["2025-01-01 10:30"])), DAY),
        TypeError, None, "roster.term_start: row 0: expected a date, got a datetime with a time of day (2025-01-01 10:30:00)"),
    # The message names the column's dtype as given: the unit is set, as pandas 2 (ns) and pandas 3
    # (us, for text) would infer different ones.
    Bad("batch time-zoned date column", lambda: ENGINE.batch(roster(term_start=pd.to_datetime(["2025-01-01"]).tz_localize("UTC").as_unit("ns")), DAY),
        TypeError, None, "roster.term_start: dates have no time zone; got datetime64[ns, UTC]"),
    Bad("batch time-zoned date column in microseconds", lambda: ENGINE.batch(roster(term_start=pd.to_datetime(["2025-01-01"]).tz_localize("UTC").as_unit("us")), DAY),
        TypeError, None, "roster.term_start: dates have no time zone; got datetime64[us, UTC]"),
    Bad("batch datetime cell in an object column", lambda: ENGINE.batch(roster(term_end=pd.Series([dt.datetime(2025, 12, 31, 9, 0)], dtype=object)), DAY),
        TypeError, None, "roster.term_end: row 0: expected datetime.date, got datetime.datetime (2025-12-31 09:00:00); pass .date()"),
    Bad("batch time-zoned datetime cell", lambda: ENGINE.batch(roster(term_end=pd.Series([dt.datetime(2025, 12, 31, tzinfo=dt.timezone.utc)], dtype=object)), DAY),
        TypeError, None, "roster.term_end: row 0: expected datetime.date, got datetime.datetime (2025-12-31 00:00:00+00:00); pass .date()"),
    Bad("batch pyarrow timestamp with a time of day", lambda: ENGINE.batch(pa.Table.from_pandas(
        roster(member_since=pd.to_datetime(["2020-01-01 00:00:01"])), preserve_index=False), DAY),
        TypeError, None, "roster.member_since: row 0: expected a date, got a datetime with a time of day (2020-01-01 00:00:01)"),
    Bad("batch pyarrow time-zoned timestamp", lambda: ENGINE.batch(pa.Table.from_pandas(
        roster(member_since=pd.to_datetime(["2020-01-01"]).tz_localize("Europe/Paris").as_unit("ns")), preserve_index=False), DAY),
        TypeError, None, "roster.member_since: dates have no time zone; got timestamp[ns, tz=Europe/Paris]"),
    Bad("wrong column dtype", lambda: ENGINE.cohort_table(roster(plan=[7]), DAY), TypeError, None, "members.plan: row 0: expected str, got int"),
    Bad("bytes cells", lambda: ENGINE.cohort_table(roster(member_id=[b"M-1"]), DAY), TypeError, None,
        "members.member_id: row 0: expected str, got bytes"),
    Bad("datetime64 with a time of day", lambda: ENGINE.cohort_table(roster(term_start=pd.to_datetime(["2025-01-01 10:30"])), DAY),
        TypeError, None, "members.term_start: row 0: expected a date, got a datetime with a time of day (2025-01-01 10:30:00)"),
    Bad("time-zoned date column", lambda: ENGINE.cohort_table(roster(term_start=pd.to_datetime(["2025-01-01"]).tz_localize("UTC").as_unit("ns")), DAY),
        TypeError, None, "members.term_start: dates have no time zone; got datetime64[ns, UTC]"),
    Bad("time-zoned date column in microseconds", lambda: ENGINE.cohort_table(roster(term_start=pd.to_datetime(["2025-01-01"]).tz_localize("UTC").as_unit("us")), DAY),
        TypeError, None, "members.term_start: dates have no time zone; got datetime64[us, UTC]"),
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


# --- Nesting: the same limit as JSON text, cycles refused, never a crash ---------------------------


def test_python_documents_nest_as_deep_as_json_text_and_no_deeper() -> None:
    import json

    taken = {"op": "describe_policy", "x": nested(126)}  # 127 levels: what serde_json reads
    assert ENGINE.call(taken) == json.loads(ENGINE.call_json(json.dumps(taken)))
    refused = {"op": "describe_policy", "x": nested(127)}
    assert json.loads(ENGINE.call_json(json.dumps(refused)))["error"]["code"] == 1601
    with pytest.raises(amscore.RequestError):
        ENGINE.call(refused)
    shared = [1, 2]  # the same list twice is no cycle
    assert ENGINE.call({"op": "describe_policy", "a": shared, "b": [shared, shared]})["error"]["name"] == "request_unknown_field"


@st.composite
def chains(draw: Any) -> tuple[Any, str | None]:
    """A request holding a chain of dicts and lists (with scalar siblings), some made cyclic by
    an innermost reference to one of the chain (or the request), and the message amscore must
    raise (None when the request converts)."""
    step = st.tuples(st.booleans(), st.integers(0, 3))
    # Shallow chains, and chains around and beyond the limit of 127 levels.
    steps = draw(st.one_of(st.lists(step, max_size=10), st.lists(step, min_size=120, max_size=400)))
    cyclic = draw(st.booleans()) and steps
    request: dict[str, Any] = {"op": "describe_policy"}
    containers: list[tuple[Any, str]] = [(request, "")]
    parent, path = request, ""
    for i, (is_dict, siblings) in enumerate(steps):
        child: Any = {} if is_dict else []
        if isinstance(parent, dict):
            for j in range(siblings):
                parent[f"s{j}"] = j
            key = "x" if parent is request else f"k{i}"
            parent[key] = child
            path = f"{path}.{key}" if path else key
        else:
            parent.extend(range(siblings))
            path = f"{path}[{siblings}]"
            parent.append(child)
        containers.append((child, path))
        parent = child
    expected = None
    if len(containers) > 127:
        expected = f"{containers[127][1]}: {DEEP}"
    elif cyclic:
        target, target_path = containers[draw(st.integers(0, len(containers) - 1))]
        if isinstance(parent, dict):
            parent["back"] = target
            ref = f"{path}.back"
        else:
            ref = f"{path}[{len(parent)}]"
            parent.append(target)
        back = f"`{target_path}`" if target_path else "the top of the document"
        expected = f"{ref}: this {type(target).__name__} contains itself (a cycle back to {back})"
    return request, expected


@settings(max_examples=150, deadline=None)
@given(chains())
def test_deep_and_cyclic_documents_never_crash(case: tuple[Any, str | None]) -> None:
    request, expected = case
    if expected is None:
        assert list(ENGINE.call(request)) in (["ok"], ["error"])  # converted; the gateway answers (unknown field `x`)
        return
    # The same document as a request (RequestError 1601) and as a policy (PolicyError 1201).
    for convert, cls, code in ((ENGINE.call, amscore.RequestError, 1601), (ENGINE.answer, amscore.RequestError, 1601),
                               (amscore.Engine, amscore.PolicyError, 1201)):
        with pytest.raises(amscore.AmsError) as info:
            convert(request)
        e = info.value
        assert type(e) is cls and e.code == code, (type(e), e)
        assert str(e) == expected
        assert e.path == expected.split(": ", 1)[0]


# --- Decimals: one grammar, finite Decimals taken exactly everywhere ----------------------------


def test_a_finite_decimal_is_taken_by_its_value_everywhere() -> None:
    assert amscore.Money(Decimal("1E+2"), "USD") == amscore.Money("100", "USD")
    assert repr(amscore.Money(Decimal("1.50"), "USD")) == "Money('1.50', 'USD')"  # places kept
    assert repr(amscore.Money(Decimal("-125E-2"), "USD")) == "Money('-1.25', 'USD')"
    assert cancel(Decimal("1E+2")) == cancel("100")
    assert ENGINE.call({**CANCEL, "amount_paid": {"amount": Decimal("12E+1"), "currency": "USD"}}) == ENGINE.call(
        {**CANCEL, "amount_paid": {"amount": "120", "currency": "USD"}})
    # Text with an exponent is refused by the core's grammar, whichever door it comes through.
    with pytest.raises(amscore.MoneyError):
        amscore.Money("1E+2", "USD")
    # The success frames: a Decimal cell with an exponent is its value too.
    members = roster(balance_due=[Decimal("5E+1")])
    as_text = roster(balance_due=["50"])
    assert ENGINE.segments(members, None, DAY).equals(ENGINE.segments(as_text, None, DAY))
    out = ENGINE.retention_metrics(roster(), DAY, economics={"currency": "USD", "annual_dues": Decimal("2E+2"), "non_dues_revenue": 0})
    same = ENGINE.retention_metrics(roster(), DAY, economics={"currency": "USD", "annual_dues": "200", "non_dues_revenue": 0})
    assert out.equals(same)


# --- Dates: the core's one grammar for text cells in the batch -----------------------------------


@pytest.mark.parametrize("kind", ["pandas", "pyarrow"])
def test_batch_text_dates_are_read_with_the_core_grammar(kind: str) -> None:
    texts = ["2020-W01-1", "20200101", "2020-1-1", "2020-02-30", "2020-01-01", " 2020-01-01 ", ""]
    frame = pd.DataFrame({
        "member_id": [f"M-{i}" for i in range(len(texts))],
        "plan": ["individual"] * len(texts),
        "member_since": texts,
        "term_start": ["2025-01-01"] * len(texts),
        "term_end": ["2025-12-31"] * len(texts),
    })
    out = ENGINE.batch(frame if kind == "pandas" else pa.Table.from_pandas(frame, preserve_index=False), DAY)
    if kind == "pyarrow":
        out = out.to_pandas()
    codes = [None if pd.isna(c) else int(c) for c in out["error_code"]]
    assert codes == [1507, 1507, 1507, 1507, None, None, 1506]
    assert [None if pd.isna(m) else m for m in out["error_message"]] == [
        "member_since: not a calendar date (expected YYYY-MM-DD)",
        "member_since: not a calendar date (expected YYYY-MM-DD)",
        "member_since: not a calendar date (expected YYYY-MM-DD)",
        "member_since: not a calendar date (expected YYYY-MM-DD)",
        None,
        None,
        "member_since: a value is required",
    ]
    # The success frames read the same text with the same grammar.
    errors = amscore.row_errors(ENGINE.cohort_table(frame, DAY))
    assert sorted(errors.loc[errors["field"] == "member_since", "row"].tolist()) == [0, 1, 2, 3, 6]


def test_batch_mixed_date_cells_are_text_for_the_core() -> None:
    cells = pd.Series([dt.date(2020, 1, 1), "2020-W01-1", dt.datetime(2020, 1, 1), 7, None], dtype=object)
    frame = pd.DataFrame({"member_id": list("abcde"), "plan": ["individual"] * 5, "member_since": cells,
                          "term_start": [dt.date(2025, 1, 1)] * 5, "term_end": [dt.date(2025, 12, 31)] * 5})
    out = ENGINE.batch(frame, DAY)
    assert [None if pd.isna(m) else m for m in out["error_message"]] == [
        None, "member_since: not a calendar date (expected YYYY-MM-DD)", None,
        "member_since: not a calendar date (expected YYYY-MM-DD)", "member_since: a value is required"]


# --- Plans: codes wide enough for any policy ----------------------------------------------------


def test_forty_thousand_plans_report_the_right_renewal_plan() -> None:
    template = ENGINE.plan("individual").to_dict()
    plans = [{**template, "id": f"p{i}", "name": f"Plan {i}"} for i in range(40_000)]
    engine = amscore.Engine({"version": 1, "plans": plans})
    ids = ["p0", "p32767", "p32768", "p39999"]
    frame = pd.DataFrame({"member_id": ids, "plan": ids, "member_since": [dt.date(2020, 1, 15)] * 4,
                          "term_start": [dt.date(2025, 1, 15)] * 4, "term_end": [dt.date(2026, 1, 14)] * 4})
    as_of = dt.date(2026, 1, 20)
    out = engine.batch(frame, as_of)
    assert out["error_code"].isna().all()
    assert list(out["renewal_plan"].astype(object)) == ids
    table = engine.batch(pa.Table.from_pandas(frame, preserve_index=False), as_of)
    assert table.column("renewal_plan").to_pylist() == ids
    assert table.column("renewal_plan").type.index_type == pa.int32()
