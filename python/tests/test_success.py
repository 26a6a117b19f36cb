"""The success analytics as DataFrames: on the bundled sample association (against the numbers
the Rust main job prints and against the same core functions reached through the JSON gateway),
over the shared success vectors, and on bad rows."""

from __future__ import annotations

import csv
import datetime as dt
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

import amscore
from conftest import PANDAS_TEXT, is_text_missing

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "examples" / "sample"
VECTORS = ROOT / "tests" / "vectors"
TODAY = dt.date(2026, 11, 24)
ECONOMICS = {"currency": "USD", "annual_dues": Decimal("200"), "non_dues_revenue": Decimal("100")}


@pytest.fixture(scope="module")
def sample() -> tuple[amscore.Engine, pd.DataFrame, pd.DataFrame]:
    engine = amscore.Engine(str(SAMPLE / "policy.json"))
    header, *rows = list(csv.reader((SAMPLE / "roster.csv").open(newline="")))
    # The sample's rows with the wrong number of fields (malformed_row for the CSV loader) cannot
    # be rows of a frame; they are the last four rows of the file, so frame row i is CSV row i + 1.
    assert [i for i, r in enumerate(rows) if len(r) != len(header)] == [1508, 1509, 1510, 1511]
    roster = pd.DataFrame([r for r in rows if len(r) == len(header)], columns=header)
    activity = pd.read_csv(SAMPLE / "activity.csv", dtype=str, keep_default_na=False)
    return engine, roster, activity


@pytest.fixture(scope="module")
def gateway_inputs(sample: Any) -> tuple[list[dict], list[dict], int]:
    """The same sample through the gateway: load_roster, then members as MemberHistory JSON."""
    engine, _roster, _activity = sample
    loaded = engine.answer({"op": "load_roster", "csv": (SAMPLE / "roster.csv").read_text()})
    assert sorted(p["row"] for p in loaded["problems"] if p["name"] == "malformed_row") == [1509, 1510, 1511, 1512]
    members = [{"membership": m["membership"], "terms": [t["term"] for t in m["history"]]} for m in loaded["members"]]
    events = []
    for line in (SAMPLE / "activity.csv").read_text().splitlines()[1:]:
        member_id, date, kind, value = line.split(",")
        events.append({"member_id": member_id, "date": date, "kind": kind, **({"value": value} if value else {})})
    return members, events, len(loaded["problems"])


def test_sample_at_risk_matches_the_rust_main_job_and_the_gateway(sample: Any, gateway_inputs: Any) -> None:
    engine, roster, activity = sample
    frame = engine.at_risk(roster, activity, TODAY)
    # `amscore season` (the main job) prints "At-risk members: 40" for 2026-11-24.
    assert frame.attrs["members_at_risk"] == 40
    assert frame["member_id"].nunique() == 40
    assert list(frame.columns) == ["member_id", "priority", "trigger", "trigger_priority", "intervention", "reasons", "date"]
    first = frame.iloc[0]
    assert (first["member_id"], first["trigger"], first["intervention"]) == ("M0035", "first_year_quiet_renewing", "staff_outreach")
    assert first["reasons"] == (
        "first_year eq true (is true); days_to_renewal le 90 (is 39); days_to_renewal ge 0 (is 39); "
        "engagement_percentile lt 20 (is 7.57); not (auto_renew eq true (is false))"
    )
    members, events, problems = gateway_inputs
    want = engine.answer({"op": "at_risk", "members": members, "events": events, "as_of": TODAY})
    rows = [
        [t["member_id"], t["priority"], r["code"], r["priority"], r["action"], "; ".join(r["matched"]), TODAY]
        for t in want["triggers"]
        for r in t["reasons"]
    ]
    assert frame.values.tolist() == rows
    errors = amscore.row_errors(frame)
    # Every roster problem of the loader is a members row error, but for the four malformed CSV
    # rows a frame cannot hold; the activity log has no bad line.
    assert problems == 110
    assert len(errors) == problems - 4
    assert set(errors["source"]) == {"members"}
    assert set(errors["code"]) <= set(range(1501, 1519))
    assert errors.loc[0, ["row", "field", "name"]].tolist() == [0, "member_id", "missing_value"]


def test_sample_retention_matches_the_rust_main_job(sample: Any) -> None:
    engine, roster, _activity = sample
    m = engine.retention_metrics(roster, TODAY, economics=ECONOMICS)
    assert len(m) == 1
    row = m.iloc[0].to_dict()
    # The numbers `amscore season` (the main job) prints for 2026-11-24.
    want = {
        "period_start": dt.date(2025, 11, 25),
        "period_end": dt.date(2026, 11, 24),
        "reinstated": "continuing",
        "counts_members_now": 235,
        "counts_joined_last_12_months": 81,
        "counts_members_year_ago": 236,
        "snapshot_renewal_rate_numerator": 154,
        "snapshot_renewal_rate_denominator": 236,
        "snapshot_renewal_rate_percent": Decimal("65.25"),
        "snapshot_churn_numerator": 82,
        "snapshot_churn_percent": Decimal("34.75"),
        "snapshot_average_tenure_exact": "118/41",
        "snapshot_average_tenure_years": Decimal("2.88"),
        "snapshot_lifetime_value_gross_amount": Decimal("863.41"),
        "snapshot_lifetime_value_net_amount": Decimal("863.41"),
        "snapshot_lifetime_value_gross_currency": "USD",
        "eligibility_renewal_rate_numerator": 315,
        "eligibility_renewal_rate_denominator": 383,
        "eligibility_renewal_rate_percent": Decimal("82.25"),
        "eligibility_churn_percent": Decimal("17.75"),
        "eligibility_average_tenure_exact": "383/68",
        "eligibility_lifetime_value_gross_amount": Decimal("1689.71"),
        "first_year_renewal_numerator": 53,
        "first_year_renewal_denominator": 67,
        "first_year_renewal_percent": Decimal("79.10"),
        "churn_30_days_numerator": 28,
        "churn_30_days_denominator": 245,
        "churn_30_days_percent": Decimal("11.43"),
    }
    assert {k: row[k] for k in want} == want
    assert len(amscore.row_errors(m)) == 110 - 4


def test_sample_scores_segments_cohorts_journeys_match_the_gateway(sample: Any, gateway_inputs: Any) -> None:
    engine, roster, activity = sample
    members, events, _problems = gateway_inputs
    ask = lambda op, **more: engine.answer({"op": op, "members": members, "as_of": TODAY, **more})  # noqa: E731

    scores = engine.engagement_scores(roster, activity, TODAY)
    want = ask("engagement_scores", events=events)
    assert scores["member_id"].tolist() == [s["member_id"] for s in want["scores"]]
    assert [str(s) for s in scores["score"]] == [s["score"] for s in want["scores"]]
    assert [str(p) for p in scores["percentile"]] == [s["percentile"] for s in want["scores"]]
    kinds = [k["id"] for k in json.loads((SAMPLE / "policy.json").read_text())["success"]["activity_kinds"]]
    assert [c for c in scores.columns if c.startswith("points_")] == [f"points_{k}" for k in kinds]
    for i, s in enumerate(want["scores"]):
        for b in s["breakdown"]:
            got = scores.iloc[i]
            assert (str(got[f"points_{b['kind']}"]), got[f"events_{b['kind']}"], got[f"counted_{b['kind']}"], got[f"capped_{b['kind']}"]) == (
                b["points"], b["events"], b["counted"], b["capped"]
            )
    assert int(scores[[f"events_{k}" for k in kinds]].to_numpy().sum()) == len(activity)

    segs = engine.segments(roster, activity, TODAY)
    want = ask("segments", events=events)
    assert segs.values.tolist() == [[m["member_id"], s["segment"], "; ".join(s["matched"])] for m in want["members"] for s in m["segments"]]
    assert segs.attrs["members"] == [m["member_id"] for m in want["members"]]

    table = engine.cohort_table(roster, TODAY)
    want = ask("cohort_table")
    assert table["join_year"].tolist() == [r["join_year"] for r in want["rows"]]
    for i, r in enumerate(want["rows"]):
        for c in r["cells"]:
            y = c["years"]
            assert (table.loc[i, f"eligible_{y}"], table.loc[i, f"retained_{y}"], str(table.loc[i, f"rate_{y}"])) == (c["eligible"], c["retained"], c["rate"])
    assert table.attrs["members"] == want["members"] == 383
    assert table.attrs["joined_after"] == 0

    journeys = engine.journeys(roster, activity, TODAY)
    want = ask("journeys", events=events)
    assert len(journeys) == sum(len(j["milestones"]) for j in want["journeys"])
    assert journeys.iloc[0].tolist() == ["M0001", "renewal", "notice_60", "done", dt.date(2026, 10, 8), dt.date(2026, 10, 10)]

    due = engine.renewal_due(roster, TODAY)
    want = ask("renewal_due")
    assert due["member_id"].tolist() == [d["member_id"] for d in want["due"]]
    assert due["days_left"].tolist() == [d["days_left"] for d in want["due"]]

    ups = engine.upgrade_candidates(roster, activity, TODAY)
    want = ask("upgrade_candidates", events=events)
    assert ups.values.tolist() == [[c["member_id"], c["from"], c["to"], "; ".join(c["reasons"])] for c in want["candidates"]]


# ---------------------------------------------------------------- the shared success vectors

FRAME_OPS = {"engagement_scores", "segments", "at_risk", "journeys", "upgrade_candidates", "renewal_due", "retention_metrics", "cohort_table", "snapshot_metrics"}
# Cases the DataFrame surface cannot express, each with its reason (test_vectors.py runs them
# all through the gateway). Any other case must be run here.
NOT_EXPRESSIBLE = {
    "at_risk_request_unknown_field": "a misspelt request field: frames have no request document",
}

# A members frame is a term history read by the roster loader, row by row: where the gateway
# vectors give a member document with a bad part, the frame reports the bad *row* with the
# loader's code (1508 term_end_before_start, 1509 plan_not_in_policy, 1511 duplicate_term_record)
# instead of the success block's per-member code (4006, 4007), and an event of a member with no
# usable row is then an unknown member (4001). Exact frame errors: (source, row, member_id, code).
LOADER_REPORTS = {
    "engagement_term_ending_before_start": [("members", 0, "M4", 1508)],
    "engagement_duplicate_member_row": [("members", 2, "M1", 1511), ("members", 3, "M1", 1511)],
    "engagement_member_with_unknown_plan": [("members", 2, "M2", 1509), ("events", 0, "M2", 4001)],
    "retention_roster_bad_row_reported": [("members", 1, "CX", 1509)],
    "segment_bad_rows_reported": [("members", 1, "X2", 1509)],
}
# The one case whose result differs: the loader leaves out only the bad term row, so M4 keeps its
# good current term and is scored (zero: no events), where the member document is refused whole.
FRAME_RESULT = {
    "engagement_term_ending_before_start": [["M4", "0.00", "0.00", 0] + ["0.00", 0, 0, 0] * 3],
}


def _success_cases() -> list[Any]:
    out = []
    for path in sorted(VECTORS.glob("success_*.json")):
        doc = json.loads(path.read_text())
        for case in doc["cases"]:
            out.append(pytest.param(doc["policy"], case, id=f"{path.stem}::{case['name']}"))
    return out


SUCCESS_CASES = _success_cases()


def members_frame(members: list[dict]) -> pd.DataFrame:
    """MemberHistory documents as a term-history frame: one row per term, the current one last."""
    rows = []
    for h in members:
        m = h["membership"]
        current = (m["term"]["start"], m["term"].get("end"))
        since = dt.date.fromisoformat(m["member_since"])
        member = {
            "auto_renew": h.get("auto_renew", False),
            "balance_due": h.get("balance_due"),
            "organization": h.get("organization"),
            **{f"attribute.{k}": v for k, v in h.get("attributes", {}).items()},
        }
        facts = {"pending": m.get("pending", False), "cancelled_on": m.get("cancelled_on"), "deceased_on": m.get("deceased_on")}
        for t in sorted(h.get("terms", []), key=lambda t: t["start"]):
            if (t["start"], t.get("end")) == current:
                continue
            start = dt.date.fromisoformat(t["start"])
            rows.append({"member_id": m["member_id"], "plan": m["plan"], "member_since": min(since, start), "term_start": start,
                         "term_end": t.get("end"), **facts, **member})
        rows.append({"member_id": m["member_id"], "plan": m["plan"], "member_since": since, "term_start": m["term"]["start"],
                     "term_end": m["term"].get("end"), **facts, **member})
    frame = pd.DataFrame(rows, columns=list(dict.fromkeys(["member_id", "plan", "member_since", "term_start", "term_end"] + [k for r in rows for k in r])))
    return frame


def events_frame(events: list[dict]) -> pd.DataFrame:
    return pd.DataFrame(
        {"member_id": [e["member_id"] for e in events], "date": [e["date"] for e in events], "kind": [e["kind"] for e in events],
         "value": [Decimal(e["value"]) if e.get("value") is not None else None for e in events]}
    )


def run_frame(engine: amscore.Engine, r: dict) -> pd.DataFrame:
    op = r["op"]
    if op == "snapshot_metrics":
        c = r["counts"]
        return engine.snapshot_metrics(c["members_now"], c["joined_last_12_months"], c["members_year_ago"], economics=r.get("economics"))
    members = members_frame(r["members"])
    events = events_frame(r.get("events", []))
    as_of = dt.date.fromisoformat(r["as_of"])
    if op == "engagement_scores":
        return engine.engagement_scores(members, events, as_of, seats=r.get("seats"))
    if op == "at_risk":
        return engine.at_risk(members, events, as_of, previous_triggers=r.get("previous_triggers"))
    if op == "renewal_due":
        return engine.renewal_due(members, as_of, within_days=r.get("within_days"))
    if op == "retention_metrics":
        return engine.retention_metrics(members, as_of, economics=r.get("economics"))
    if op == "cohort_table":
        return engine.cohort_table(members, as_of)
    return getattr(engine, op)(members, events, as_of)


def flatten(prefix: str, value: Any, out: dict[str, Any]) -> dict[str, Any]:
    if isinstance(value, dict) and set(value) == {"amount", "currency"}:
        out[f"{prefix}_amount"], out[f"{prefix}_currency"] = value["amount"], value["currency"]
    elif isinstance(value, dict):
        for k, v in value.items():
            flatten(f"{prefix}_{k}" if prefix else k, v, out)
    else:
        out[prefix] = value
    return out


def expected_rows(op: str, ok: dict, engine: amscore.Engine, as_of: str | None = None) -> Any:
    """The gateway's expected answer in the shape of the frame (plain values, decimals as text)."""
    if op == "engagement_scores":
        kinds = [k["id"] for k in (engine.policy.to_dict().get("success") or {}).get("activity_kinds", [])]
        rows = []
        for s in ok["scores"]:
            by = {b["kind"]: b for b in s["breakdown"]}
            row = [s["member_id"], s["score"], s["percentile"], s["future_events"]]
            for k in kinds:
                b = by.get(k, {"points": "0.00", "events": 0, "counted": 0, "capped": 0})
                row += [b["points"], b["events"], b["counted"], b["capped"]]
            rows.append(row)
        return rows
    if op == "segments":
        return [[m["member_id"], s["segment"], "; ".join(s["matched"])] for m in ok["members"] for s in m["segments"]]
    if op == "at_risk":
        # The frame adds the day each trigger was raised (`as_of`), so it can be given back as
        # previous triggers.
        return [[t["member_id"], t["priority"], r["code"], r["priority"], r["action"], "; ".join(r["matched"]), as_of] for t in ok["triggers"] for r in t["reasons"]]
    if op == "journeys":
        return [[j["member_id"], j["journey"], m["milestone"], m["state"], m.get("due_on"), m.get("done_on")] for j in ok["journeys"] for m in j["milestones"]]
    if op == "upgrade_candidates":
        return [[c["member_id"], c["from"], c["to"], "; ".join(c["reasons"])] for c in ok["candidates"]]
    if op == "renewal_due":
        return [[d["member_id"], d["plan"], d["status"], d["term_end"], d["days_left"], d["auto_renew"]] for d in ok["due"]]
    if op == "cohort_table":
        rows = []
        years = sorted({c["years"] for r in ok["rows"] for c in r["cells"]})
        for r in ok["rows"]:
            cells = {c["years"]: c for c in r["cells"]}
            row = [r["join_year"], r["members"]]
            for y in years:
                c = cells.get(y)
                row += [c["eligible"], c["retained"], c["rate"]] if c else [None, None, None]
            rows.append(row)
        return rows
    doc = {k: v for k, v in ok.items() if k != "errors"}
    return [flatten("", doc, {})]


def plain(v: Any) -> Any:
    if isinstance(v, Decimal):
        return str(v)
    if isinstance(v, dt.date):
        return v.isoformat()
    if v is None or v is pd.NA or (isinstance(v, float) and v != v):
        return None
    return v.item() if hasattr(v, "item") else v


def test_every_success_vector_is_run_or_named() -> None:
    names = {p.values[1]["name"] for p in SUCCESS_CASES}
    assert set(NOT_EXPRESSIBLE) <= names
    ops = {p.values[1]["request"]["op"] for p in SUCCESS_CASES}
    # calibration takes past outcomes, not a roster: it has no frame method (the gateway runs it).
    assert ops - FRAME_OPS == {"calibration"}
    assert len(SUCCESS_CASES) >= 120


@pytest.mark.parametrize(("file_policy", "case"), SUCCESS_CASES)
def test_success_vector_through_frames(file_policy: dict, case: dict) -> None:
    r = case["request"]
    if case["name"] in NOT_EXPRESSIBLE or r["op"] not in FRAME_OPS:
        assert r["op"] == "calibration" or case["name"] in NOT_EXPRESSIBLE
        return
    expect = case["expect"]
    policy = case.get("policy", file_policy)
    if "error" in expect:
        want = expect["error"]
        with pytest.raises((amscore.AmsError, TypeError)) as info:
            run_frame(amscore.Engine(policy), r)
        if want["code"] == 1601:  # a float amount in the request: the frame surface's TypeError
            assert info.type is TypeError and "float is not an exact amount" in str(info.value)
            return
        e = info.value
        assert (e.code, e.name) == (want["code"], want["name"])
        if "path" in want:
            assert e.path == want["path"]
        if "message" in want:
            assert str(e) == want["message"]
        return
    engine = amscore.Engine(policy)
    frame = run_frame(engine, r)
    ok = expect["ok"]
    got = [[plain(v) for v in row] for row in frame.astype(object).values.tolist()]
    want_rows = expected_rows(r["op"], ok, engine, r.get("as_of"))
    if case["name"] in FRAME_RESULT:
        want_rows = FRAME_RESULT[case["name"]]
    if r["op"] in ("retention_metrics", "snapshot_metrics"):
        got_row = {k: plain(v) for k, v in frame.iloc[0].to_dict().items()}
        want_row = want_rows[0]
        if r["op"] == "snapshot_metrics":
            want_row = {**flatten("counts", r["counts"], {}), **want_row}
        assert got_row == want_row
    else:
        assert got == want_rows
    errors = amscore.row_errors(frame)
    got_errors = [(s, int(r), m, int(c)) for s, r, m, c in zip(errors["source"], errors["row"], errors["member_id"], errors["code"])]
    if case["name"] in LOADER_REPORTS:
        assert got_errors == LOADER_REPORTS[case["name"]]
        return
    # Row errors: members by member, events and previous triggers by position (one frame row each).
    want_errors = sorted((e["source"], e.get("member_id"), e["code"]) for e in ok.get("errors") or [])
    assert sorted((s, m, c) for s, _r, m, c in got_errors) == want_errors
    for e in ok.get("errors") or []:
        if e["source"] != "members":
            assert (e["source"], e["row"], e.get("member_id"), e["code"]) in got_errors, e


# ---------------------------------------------------------------- bad rows and bad frames


def roster_frame(**over: Any) -> pd.DataFrame:
    base = {
        "member_id": ["M-1", "M-2", "M-3"],
        "plan": ["individual", "no-such-plan", "individual"],
        "member_since": [dt.date(2025, 1, 1), dt.date(2025, 1, 1), "2025-02-30"],
        "term_start": [dt.date(2025, 1, 1), dt.date(2025, 1, 1), dt.date(2025, 1, 1)],
        "term_end": [dt.date(2025, 12, 31), dt.date(2025, 12, 31), dt.date(2025, 12, 31)],
    }
    base.update(over)
    return pd.DataFrame(base)


def test_bad_rows_are_listed_never_dropped(engine: amscore.Engine) -> None:
    events = pd.DataFrame({"member_id": ["M-1", "M-1", "M-7"], "date": ["2025-05-01", "2025-13-01", "2025-05-01"], "kind": ["x"] * 3})
    engine2 = amscore.Engine({"version": 1, "preset": "amscore", "success": {"activity_kinds": [{"id": "x", "weight": "1"}]}})
    scores = engine2.engagement_scores(roster_frame(), events, dt.date(2025, 6, 1))
    assert scores["member_id"].tolist() == ["M-1"]
    errors = amscore.row_errors(scores)
    # Text as the running pandas makes it (a missing field: None under pandas 2, NaN in a `str`
    # column under pandas 3), row and code as nullable integers.
    assert errors.dtypes.to_dict() == {c: pd.Int64Dtype() if c in ("row", "code") else PANDAS_TEXT for c in amscore.ROW_ERROR_COLUMNS}
    rows = errors[["source", "row", "member_id", "field", "code", "name"]].astype(object).values.tolist()
    assert is_text_missing(rows[3][3])
    rows[3][3] = None
    assert rows == [
        ["members", 1, "M-2", "plan", 1509, "plan_not_in_policy"],
        ["members", 2, "M-3", "member_since", 1507, "impossible_date"],
        ["events", 1, "M-1", "date", 4009, "invalid_success_input"],
        ["events", 2, "M-7", None, 4001, "unknown_member"],
    ]
    assert errors.loc[2, ["value", "message"]].tolist() == ["2025-13-01", "`2025-13-01` is not a date (YYYY-MM-DD)"]
    assert list(errors.columns) == list(amscore.ROW_ERROR_COLUMNS)


def test_values_with_commas_quotes_and_line_breaks_stay_in_their_row(engine: amscore.Engine) -> None:
    engine2 = amscore.Engine({"version": 1, "preset": "amscore", "success": {"activity_kinds": [{"id": "x", "weight": "1"}]}})
    members = roster_frame(member_id=["M-1", 'M-2, "the second"', "M-3"], plan=["individual"] * 3, member_since=[dt.date(2025, 1, 1)] * 3)
    # A member id holding a line break and what looks like another member's event is one value of
    # one row: an unknown member, never an event for M-1.
    events = pd.DataFrame({"member_id": ['M-2, "the second"', "M-9\nM-1", "M-1"], "date": ["2025-05-01"] * 3, "kind": ["x", "x", "x,y"]})
    scores = engine2.engagement_scores(members, events, dt.date(2025, 6, 1))
    counted = dict(zip(scores["member_id"], scores["events_x"]))
    assert counted == {"M-1": 0, 'M-2, "the second"': 1, "M-3": 0}
    errors = amscore.row_errors(scores)
    assert errors[["source", "row", "member_id", "name"]].astype(object).values.tolist() == [
        ["events", 1, "M-9\nM-1", "unknown_member"],
        ["events", 2, "M-1", "unknown_activity_kind"],
    ]


def test_empty_frames_give_empty_results(engine: amscore.Engine) -> None:
    members = roster_frame().iloc[:0]
    events = pd.DataFrame({"member_id": [], "date": [], "kind": []})
    scores = engine.engagement_scores(members, events, dt.date(2025, 6, 1))
    assert len(scores) == 0 and len(amscore.row_errors(scores)) == 0
    # No rows, the same column types as with rows.
    assert amscore.row_errors(scores).dtypes.to_dict() == {c: pd.Int64Dtype() if c in ("row", "code") else PANDAS_TEXT for c in amscore.ROW_ERROR_COLUMNS}
    assert engine.retention_metrics(members, dt.date(2025, 6, 1)).loc[0, "counts_members_now"] == 0


def test_missing_columns_name_the_column(engine: amscore.Engine) -> None:
    with pytest.raises(amscore.RosterError) as info:
        engine.cohort_table(roster_frame().drop(columns=["term_end"]), dt.date(2025, 6, 1))
    assert (info.value.code, info.value.name, info.value.path) == (1501, "missing_column", "term_end")
    with pytest.raises(amscore.SuccessError) as info2:
        engine.segments(roster_frame(), pd.DataFrame({"member_id": ["M-1"], "date": ["2025-01-01"]}), dt.date(2025, 6, 1))
    assert (info2.value.code, info2.value.path, str(info2.value)) == (4009, "events.kind", "events.kind: missing column `kind`")


def test_member_level_columns_reach_the_rules() -> None:
    engine = amscore.Engine({"version": 1, "preset": "amscore", "success": {"segments": [
        {"id": "north_owing", "rule": {"all": [
            {"test": {"fact": "attribute.region", "op": "eq", "value": "north"}},
            {"test": {"fact": "balance_due", "op": "gt", "value": 0}},
            {"test": {"fact": "auto_renew", "op": "eq", "value": True}}]}}]}})
    frame = roster_frame(plan=["individual"] * 3, member_since=[dt.date(2025, 1, 1)] * 3)
    frame["attribute.region"] = ["north", "north", "south"]
    frame["balance_due"] = [Decimal("10.00"), Decimal("0"), Decimal("10.00")]
    frame["auto_renew"] = [True, True, True]
    segs = engine.segments(frame, None, dt.date(2025, 6, 1))
    assert segs["member_id"].tolist() == ["M-1"]
    assert segs.attrs["members"] == ["M-1", "M-2", "M-3"]


def test_pyarrow_tables_are_accepted(engine: amscore.Engine) -> None:
    import pyarrow as pa

    frame = roster_frame()
    table = pa.Table.from_pandas(frame.astype({"member_since": str}))
    a = engine.cohort_table(table, dt.date(2025, 6, 1))
    b = engine.cohort_table(frame, dt.date(2025, 6, 1))
    assert a.astype(object).values.tolist() == b.astype(object).values.tolist()
