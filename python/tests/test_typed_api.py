"""The typed methods for every gateway operation (change-plan, seat-change and cancel quotes,
instalments, decision batches, what-if) give the gateway's answer for the same facts; quotes and
decision batches become DataFrames; the coverage report renders as HTML."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

import pandas as pd
import pyarrow as pa
import pytest

import amscore
from amscore import Engine, Membership, Money, Term
from conftest import PANDAS_TEXT, is_text_missing

ENGINE = Engine("amscore")
MEMBER = Membership("M-1", "individual", dt.date(2020, 1, 15), Term(dt.date(2025, 1, 15), dt.date(2026, 1, 14)))
ORG = Membership("ORG-1", "corporate", dt.date(2025, 1, 1), Term(dt.date(2025, 1, 1), dt.date(2025, 12, 31)))
LOOSER = {"version": 1, "preset": "amscore", "self_service": {"plans": {"retired": {"join_approval": False}}}}


def gateway(request: dict[str, Any]) -> Any:
    """The gateway's `ok` answer (dates and money as the JSON documents write them)."""
    return ENGINE.answer(request)


def money(m: Money) -> dict[str, str]:
    return {"amount": str(m.amount), "currency": m.currency}


def requests() -> list[dict[str, Any]]:
    member = {"membership": MEMBER.to_dict(), "amount_paid": {"amount": "200.00", "currency": "USD"}}
    return [
        {"at": "2025-03-10T12:00", "action": {"kind": "join", "plan": "individual"}},
        {"at": "2025-03-10T12:00", "action": {"kind": "join", "plan": "retired"}},
        {"at": "2025-12-01T09:00", "action": {"kind": "renew"}, "member": member},
        {"at": "not a time", "action": {"kind": "join", "plan": "individual"}},
        {"at": "2025-03-10T12:00", "action": {"kind": "join", "plan": "no-such-plan"}},
    ]


# --- Quotes --------------------------------------------------------------------------------


@pytest.mark.parametrize("to_plan, day", [("lifetime", dt.date(2025, 7, 15)), ("retired", dt.date(2025, 3, 1)), ("corporate", dt.date(2025, 9, 1)), ("individual", dt.date(2025, 7, 15))])
def test_quote_change_plan_is_the_gateways(to_plan: str, day: dt.date) -> None:
    paid = Money("200.00", "USD")
    request = {"op": "quote_change_plan", "membership": MEMBER.to_dict(), "plan": to_plan, "date": day.isoformat(), "amount_paid": money(paid)}
    try:
        want = gateway(request)
    except amscore.AmsError as err:
        with pytest.raises(type(err)) as info:
            ENGINE.quote_change_plan(MEMBER, to_plan, day, paid)
        assert (info.value.code, str(info.value)) == (err.code, str(err))
        return
    quote = ENGINE.quote_change_plan(MEMBER, to_plan, day, paid)
    assert quote.to_dict() == want
    assert quote.total.amount == sum((line["amount"].amount for line in quote.lines), Decimal(0))


@pytest.mark.parametrize(
    "plan, day, start, end",
    [
        ("individual", dt.date(2025, 3, 1), None, dt.date(2025, 12, 31)),
        ("individual", dt.date(2025, 3, 1), dt.date(2025, 1, 31), None),
        ("individual", dt.date(2024, 3, 10), dt.date(2024, 2, 29), None),
        ("chapter", dt.date(2025, 3, 15), dt.date(2025, 3, 15), dt.date(2025, 6, 30)),
        ("individual", dt.date(2025, 3, 1), dt.date(2025, 3, 2), None),
        ("individual", dt.date(2025, 3, 1), None, dt.date(2026, 3, 1)),
        ("lifetime", dt.date(2025, 3, 1), None, dt.date(2025, 12, 31)),
    ],
)
def test_dated_join_is_the_gateways(plan: str, day: dt.date, start: dt.date | None, end: dt.date | None) -> None:
    """Staff-entered `start` and `end` give join_term and quote_join the gateway's answers and errors."""
    dates = {k: v.isoformat() for k, v in (("start", start), ("end", end)) if v is not None}
    for op, typed in (("join_term", ENGINE.join_term), ("quote_join", ENGINE.quote_join)):
        request = {"op": op, "plan": plan, "date": day.isoformat(), **dates}
        try:
            want = gateway(request)
        except amscore.AmsError as err:
            with pytest.raises(type(err)) as info:
                typed(plan, day, start=start, end=end)
            assert (info.value.code, str(info.value)) == (err.code, str(err))
            assert 1320 <= err.code <= 1324
            continue
        got = typed(plan, day, start=start, end=end)
        if op == "quote_join":
            assert got.to_dict() == want
        else:
            term = got["term"]
            last = term.end.isoformat() if term.end is not None else None
            typed_doc = {"member_since": got["member_since"].isoformat(), "term": {"start": term.start.isoformat(), "end": last}, "rolled_over": got["rolled_over"]}
            assert typed_doc == want


def test_quote_change_plan_takes_credits_and_seats() -> None:
    paid, credited = Money("200.00", "USD"), Money("150.00", "USD")
    day = dt.date(2025, 7, 15)
    request = {"op": "quote_change_plan", "membership": MEMBER.to_dict(), "plan": "lifetime", "date": day.isoformat(),
               "amount_paid": money(paid), "credits_applied": money(credited)}
    assert ENGINE.quote_change_plan(MEMBER, "lifetime", day, paid, credits_applied=credited).to_dict() == gateway(request)
    assert ENGINE.quote_change_plan(MEMBER, "lifetime", day, paid, credited) != ENGINE.quote_change_plan(MEMBER, "lifetime", day, paid)
    request = {"op": "quote_change_plan", "membership": MEMBER.to_dict(), "plan": "corporate", "date": day.isoformat(),
               "amount_paid": money(paid), "seats": 15}
    assert ENGINE.quote_change_plan(MEMBER, "corporate", day, paid, seats=15).to_dict() == gateway(request)


@pytest.mark.parametrize("seats_to", [12, 8])
def test_quote_change_seats_is_the_gateways(seats_to: int) -> None:
    day = dt.date(2025, 7, 1)
    request = {"op": "quote_change_seats", "membership": ORG.to_dict(), "date": day.isoformat(), "seats_from": 10, "seats_to": seats_to}
    quote = ENGINE.quote_change_seats(ORG, day, 10, seats_to)
    assert quote.to_dict() == gateway(request)
    assert (quote.total.amount > 0) == (seats_to > 10)
    capped = ENGINE.quote_change_seats(ORG, day, 10, seats_to, amount_paid=Money("100.00", "USD"))
    request["amount_paid"] = {"amount": "100.00", "currency": "USD"}
    assert capped.to_dict() == gateway(request)


def test_quote_cancel_is_the_gateways() -> None:
    day, paid = dt.date(2025, 3, 1), Money("200.00", "USD")
    request = {"op": "quote_cancel", "membership": MEMBER.to_dict(), "date": day.isoformat(), "amount_paid": money(paid)}
    quote = ENGINE.quote_cancel(MEMBER, day, paid)
    assert quote.to_dict() == gateway(request)
    assert quote.kind == "cancellation" and quote.total.amount <= 0


PAUSED = Membership(
    "M-1", "individual", dt.date(2020, 1, 15), Term(dt.date(2025, 1, 15), dt.date(2026, 1, 14)),
    pause=(dt.date(2025, 6, 1), dt.date(2025, 6, 30)),
)
CREDIT = Engine({"version": 1, "plans": [{"id": "m", "name": "Member", "pause": "credit",
                 "term": {"kind": "rolling", "length": {"count": 1, "unit": "year"}},
                 "prices": {"currency": "USD", "dues": "365.00"}}]})


def test_quote_pause_is_the_gateways() -> None:
    assert PAUSED.pause == (dt.date(2025, 6, 1), dt.date(2025, 6, 30))
    assert PAUSED.to_dict()["pause"] == {"from": "2025-06-01", "to": "2025-06-30"}
    quote = ENGINE.quote_pause(PAUSED)
    assert quote.to_dict() == gateway({"op": "quote_pause", "membership": PAUSED.to_dict()})
    assert quote.kind == "pause" and quote.total.amount == 0 and quote.term.end == dt.date(2026, 2, 13)
    assert ENGINE.status_on(PAUSED, dt.date(2025, 6, 15))["status"] == "suspended"
    m = Membership("M-1", "m", dt.date(2025, 1, 1), Term(dt.date(2025, 1, 1), dt.date(2025, 12, 31)),
                   pause=(dt.date(2025, 6, 1), dt.date(2025, 6, 30)))
    paid = Money("365.00", "USD")
    credit = CREDIT.quote_pause(m, paid)
    request = {"op": "quote_pause", "membership": m.to_dict(), "amount_paid": money(paid)}
    assert credit.to_dict() == CREDIT.answer(request)
    assert credit.total == Money("-30.00", "USD")
    with pytest.raises(amscore.QuoteError) as missing:
        CREDIT.quote_pause(m)
    assert missing.value.code == 2051 and missing.value.path == "amount_paid"
    with pytest.raises(TypeError, match=r"^pause: expected a \(from, to\) pair of datetime.date$"):
        Membership("M-1", "m", dt.date(2025, 1, 1), Term(dt.date(2025, 1, 1), None), pause=dt.date(2025, 6, 1))  # type: ignore[arg-type]


def test_typed_quotes_refuse_what_is_not_money_or_a_count() -> None:
    with pytest.raises(TypeError, match=r"^amount_paid: expected amscore.Money, got str$"):
        ENGINE.quote_cancel(MEMBER, dt.date(2025, 3, 1), "200.00")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"^credits_applied: expected amscore.Money, got Decimal$"):
        ENGINE.quote_change_plan(MEMBER, "lifetime", dt.date(2025, 7, 15), Money("200", "USD"), Decimal("5"))  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"^seats_to: must not be negative"):
        ENGINE.quote_change_seats(ORG, dt.date(2025, 7, 1), 10, -1)
    with pytest.raises(amscore.QuoteError):
        ENGINE.quote_change_seats(MEMBER, dt.date(2025, 7, 1), 10, 12)  # an individual plan has no seats


@pytest.mark.parametrize("total, count", [("100.00", 3), ("0.05", 7), ("0.00", 4), ("99999.99", 1)])
def test_split_instalments_is_the_gateways(total: str, count: int) -> None:
    parts = ENGINE.split_instalments(Money(total, "USD"), count)
    want = gateway({"op": "split_instalments", "total": {"amount": total, "currency": "USD"}, "count": count})
    assert [str(p.amount) for p in parts] == want["parts"]
    assert {p.currency for p in parts} == {want["currency"]}
    assert sum((p.amount for p in parts), Decimal(0)) == Decimal(total)


@pytest.mark.parametrize("total, count", [("10.00", 0), ("-10.00", 4)])
def test_split_instalments_refuses_as_the_gateway_does(total: str, count: int) -> None:
    response = ENGINE.call({"op": "split_instalments", "total": {"amount": total, "currency": "USD"}, "count": count})
    with pytest.raises(amscore.AmsError) as info:
        ENGINE.split_instalments(Money(total, "USD"), count)
    assert (info.value.code, info.value.name, str(info.value)) == (response["error"]["code"], response["error"]["name"], response["error"]["message"])
    with pytest.raises(TypeError, match=r"^count: expected int, got float$"):
        ENGINE.split_instalments(Money("10.00", "USD"), 2.0)  # type: ignore[arg-type]


def test_quote_to_frame_is_one_row_per_line_summing_to_the_total() -> None:
    quote = ENGINE.quote_renewal(MEMBER, dt.date(2026, 1, 20))
    frame = quote.to_frame()
    assert list(frame.columns) == ["kind", "description", "amount", "currency", "period_start", "period_end"]
    assert frame[["kind", "description"]].values.tolist() == [[line["kind"], line["description"]] for line in quote.lines]
    assert all(type(a) is Decimal for a in frame["amount"])
    assert frame["amount"].sum() == quote.total.amount
    assert set(frame["currency"]) == {quote.currency}
    dues = quote.lines[0]["period"]
    assert (frame.loc[0, "period_start"], frame.loc[0, "period_end"]) == (dues.start, dues.end)
    assert frame["period_start"].isna().tolist() == [line["period"] is None for line in quote.lines]


# --- Decision batches and what-if ----------------------------------------------------------


def test_decide_batch_is_the_gateways() -> None:
    batch = ENGINE.decide_batch(requests())
    want = gateway({"op": "decide_batch", "requests": requests()})
    assert len(batch) == len(want["results"]) == 5
    assert json.loads(batch.report.to_json()) == want["report"]
    for got, w in zip(batch.results, want["results"]):
        if "ok" in w:
            assert isinstance(got, amscore.Decision) and got.to_dict() == w["ok"]
        else:
            assert isinstance(got, amscore.AmsError)
            assert (got.code, got.name, str(got), got.path) == (w["error"]["code"], w["error"]["name"], w["error"]["message"], w["error"].get("path"))
    assert batch.report == ENGINE.coverage_report(requests())


def test_decision_batch_to_frame_is_one_row_per_request() -> None:
    batch = ENGINE.decide_batch(requests())
    frame = batch.to_frame()
    assert frame["row"].tolist() == [0, 1, 2, 3, 4]
    for i, r in enumerate(batch.results):
        if isinstance(r, amscore.Decision):
            queue = frame.loc[i, "queue"]
            assert frame.loc[i, "route"] == r.route and (is_text_missing(queue) if r.queue is None else queue == r.queue)
            assert frame.loc[i, "reasons"] == ";".join(x["code"] for x in r.reasons)
            total = r.quote.total.amount if r.quote else None
            assert frame.loc[i, "quote_total"] == total and pd.isna(frame.loc[i, "error_code"])
        else:
            assert pd.isna(frame.loc[i, "route"])
            assert (frame.loc[i, "error_code"], frame.loc[i, "error_name"], frame.loc[i, "error_message"]) == (r.code, r.name, str(r))
    assert type(frame.loc[0, "quote_total"]) is Decimal
    # Text columns as the running pandas makes text (object under pandas 2, str under pandas 3).
    text = ["queue", "reasons", "quote_currency", "error_name", "error_message", "error_path"]
    assert list(frame.dtypes[text]) == [PANDAS_TEXT] * len(text)
    # The same column types when no row has a queue or an error (pandas alone would infer object
    # for a column of None only).
    alone = ENGINE.decide_batch(requests()[:1]).to_frame()
    assert alone["route"].tolist() == ["self_service"] and is_text_missing(alone.loc[0, "queue"])
    assert list(alone.dtypes[text]) == [PANDAS_TEXT] * len(text)
    # The route categorical holds the core's routes, the values that can occur, and no others.
    routes = {ENGINE.decide(q).route for q in requests()[:3]}
    assert routes <= set(frame["route"].cat.categories) == {"self_service", "staff", "refused"}


def test_what_if_is_the_gateways() -> None:
    w = ENGINE.what_if(LOOSER, requests())
    want = gateway({"op": "what_if", "policy": LOOSER, "requests": requests()})
    assert w.to_dict() == want
    assert w.changed == 1 and w.transitions == [{"from": "staff", "to": "self_service", "requests": 1}]
    assert w.report == Engine(LOOSER).coverage_report(requests())
    assert w.before == json.loads(ENGINE.coverage_report(requests()).to_json())["overall"]
    assert "staff" in w.text
    assert amscore.WhatIf.from_json(w.to_json()) == w
    # Every policy source Engine takes: a Policy, JSON text, a preset name.
    assert ENGINE.what_if(amscore.Policy(LOOSER), requests()) == w
    assert ENGINE.what_if(json.dumps(LOOSER), requests()) == w
    assert ENGINE.what_if("amscore", requests()).changed == 0
    with pytest.raises(amscore.PolicyError):
        ENGINE.what_if({"version": 1, "preset": "amscore", "colour": "red"}, requests())


# --- Request batches given as frames ---------------------------------------------------------


def test_coverage_report_reads_a_frame_of_requests() -> None:
    rows = requests()
    want = ENGINE.coverage_report(rows)
    frame = pd.DataFrame(rows)  # `member` is missing (NaN) on the rows without one
    assert ENGINE.coverage_report(frame) == want
    assert ENGINE.decide_batch(frame).to_frame().equals(ENGINE.decide_batch(rows).to_frame())
    # Arrow and polars give every row all of a struct's fields, null where it has none. (Arrow's
    # `from_pylist` takes its columns from the first row: the one with a member comes first.)
    rows = rows[2:] + rows[:2]
    assert ENGINE.coverage_report(pa.Table.from_pylist(rows)) == ENGINE.coverage_report(rows) == want
    polars = pytest.importorskip("polars")
    assert ENGINE.coverage_report(polars.from_dicts(rows)) == want


def test_a_frame_with_datetime_at_is_read() -> None:
    frame = pd.DataFrame({"at": pd.to_datetime(["2025-03-10 12:00", "2025-03-10 12:00"]),
                          "action": [{"kind": "join", "plan": "individual"}, {"kind": "join", "plan": "retired"}]})
    report = ENGINE.coverage_report(frame)
    assert (report.requests, report.self_service, report.staff, report.errors) == (2, 1, 1, 0)


def test_coverage_report_never_reads_a_frame_as_its_column_names() -> None:
    # A frame of the wrong shape is read row by row: its rows are errors, counted, never a silent 0%.
    wrong = pd.DataFrame({"when": ["2025-03-10T12:00"], "what": ["join"]})
    report = ENGINE.coverage_report(wrong)
    assert (report.requests, report.errors) == (1, 1)
    with pytest.raises(TypeError, match=r"^requests: expected a list of request dicts or a DataFrame, got dict"):
        ENGINE.coverage_report(requests()[0])
    with pytest.raises(TypeError, match=r"got str"):
        ENGINE.decide_batch("requests.json")


# --- HTML in notebooks -----------------------------------------------------------------------


def test_report_renders_as_html() -> None:
    report = ENGINE.coverage_report(requests())
    html = report._repr_html_()
    assert html.startswith('<div class="amscore-report">') and html.endswith("</div>")
    assert html.count("<table>") == 3
    summary = report.to_dict()["standing"]["summary"]
    assert summary.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;") in html
    for row in report.to_dict()["reasons"]:
        assert f"<td>{row['code']}</td><td>{row['sent_to_staff']}</td>" in html
    assert f"<td>overall</td><td>{report.requests}</td><td>{report.self_service}</td>" in html


FAMILY = {
    "version": 1,
    "plans": [
        {
            "id": "family",
            "name": "Family",
            "term": {"kind": "rolling", "length": {"count": 1, "unit": "year"}},
            "prices": {"currency": "USD", "dues": "250.00"},
            "household": {"max_dependants": 4, "included_dependants": 1, "price_per_dependant": "25.00"},
        }
    ],
}


def test_renewal_pending_is_a_typed_membership_fact_as_the_gateway_reads_it() -> None:
    m = Membership("M-1", "individual", dt.date(2020, 1, 15), Term(dt.date(2025, 1, 15), dt.date(2026, 1, 14)), renewal_pending=True)
    assert m.renewal_pending and not MEMBER.renewal_pending
    assert m.to_dict()["renewal_pending"] is True and "renewal_pending" not in MEMBER.to_dict()
    assert Membership.from_dict(m.to_dict()) == m
    # The status stays the current term's; the online renewal goes to finance staff.
    assert ENGINE.status_on(m, dt.date(2026, 1, 20))["status"] == ENGINE.status_on(MEMBER, dt.date(2026, 1, 20))["status"] == "grace"
    d = ENGINE.decide({"at": "2026-01-20T09:00", "action": {"kind": "renew"}, "member": {"membership": m.to_dict()}})
    assert (d.route, d.queue, [r["code"] for r in d.reasons]) == ("staff", "finance", ["renewal_already_pending"])


def test_quote_join_and_renewal_with_dependants_are_the_gateways() -> None:
    engine = Engine(FAMILY)
    q = engine.quote_join("family", dt.date(2028, 2, 29), dependants=3)
    want = engine.answer({"op": "quote_join", "plan": "family", "date": "2028-02-29", "dependants": 3})
    assert json.loads(q.to_json()) == want
    assert [line["kind"] for line in q.lines] == ["dues", "dependants"] and str(q.total.amount) == "300.00"
    m = Membership("H-1", "family", dt.date(2024, 2, 29), Term(dt.date(2027, 3, 1), dt.date(2028, 2, 29)))
    r = engine.quote_renewal(m, dt.date(2028, 2, 1), dependants=2)
    assert json.loads(r.to_json()) == engine.answer({"op": "quote_renewal", "membership": m.to_dict(), "date": "2028-02-01", "dependants": 2})
    with pytest.raises(amscore.QuoteError) as e:
        engine.quote_join("family", dt.date(2028, 2, 29), dependants=5)
    assert e.value.name == "dependants_above_maximum"
