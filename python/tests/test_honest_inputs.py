"""Honest inputs and errors: a missing policy file, an unknown policy field, `pandas.Timestamp`
dates, datetime `at`s, `at_risk` results fed back, plain `attrs`, metric definitions, HTML."""

from __future__ import annotations

import datetime as dt
import os
import pathlib

import pandas as pd
import pytest

import amscore
from amscore import Engine, Membership, Policy, Term

ENGINE = Engine("amscore")
MEMBER = Membership("M-1", "individual", dt.date(2020, 1, 15), Term(dt.date(2025, 1, 15), dt.date(2026, 1, 14)))


# --- Policy sources ---------------------------------------------------------------------------


@pytest.mark.parametrize("source", ["no/such/policy.json", "missing-policy.json", "./nowhere", pathlib.Path("no/such/policy.json")])
def test_a_missing_policy_file_says_no_such_file(source: object, tmp_path: pathlib.Path) -> None:
    os.chdir(tmp_path)
    for build in (Engine, Policy, Policy.from_file):
        with pytest.raises(FileNotFoundError) as info:
            build(source)  # type: ignore[operator]
        assert "No such file or directory" in str(info.value) and info.value.filename == os.fspath(source)
        assert "preset" not in str(info.value)


def test_a_bare_unknown_name_is_still_an_unknown_preset(tmp_path: pathlib.Path) -> None:
    os.chdir(tmp_path)
    with pytest.raises(amscore.PolicyError) as info:
        Engine("amscor")
    assert info.value.name == "unknown_preset"


def test_a_policy_file_is_read(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "policy.json"
    path.write_text(Policy("amscore").to_json())
    assert Engine(str(path)).policy == Engine(path).policy == Policy("amscore")


def test_an_unknown_policy_field_lists_the_valid_ones_and_the_closest() -> None:
    with pytest.raises(amscore.PolicyError) as info:
        Engine({"version": 1, "preset": "amscore", "setings": {}})
    err = info.value
    assert (err.code, err.name, err.path) == (1202, "unknown_field", "")
    message = str(err)
    assert message.startswith("unknown field `setings`; did you mean `settings`? valid fields: ")
    for field in Policy("amscore").to_dict():
        assert f"`{field}`" in message
    with pytest.raises(amscore.PolicyError) as info:
        Engine({"version": 1, "preset": "amscore", "settings": {"rounding": "half_even", "colour": 1}})
    assert info.value.path == "settings"
    assert "unknown field `colour`; valid fields: `month_end`" in str(info.value) and "did you mean" not in str(info.value)
    # Every front door says the same.
    doc = ENGINE.call({"op": "what_if", "policy": {"version": 1, "preset": "amscore", "setings": {}}, "requests": []})
    assert doc["error"]["message"] == message


# --- Dates --------------------------------------------------------------------------------------


def test_a_pandas_timestamp_works_as_a_date() -> None:
    day = dt.date(2026, 1, 20)
    stamp = pd.Timestamp("2026-01-20")
    assert ENGINE.join_term("individual", stamp) == ENGINE.join_term("individual", day)
    assert ENGINE.status_on(MEMBER, stamp) == ENGINE.status_on(MEMBER, day)
    assert ENGINE.quote_renewal(MEMBER, stamp) == ENGINE.quote_renewal(MEMBER, day)
    assert Term(pd.Timestamp("2025-01-15"), pd.Timestamp("2026-01-14")) == MEMBER.term
    assert ENGINE.join_term("individual", dt.datetime(2026, 1, 20)) == ENGINE.join_term("individual", day)
    roster = pd.DataFrame({"member_id": ["M-1"], "plan": ["individual"], "member_since": [dt.date(2020, 1, 15)],
                           "term_start": [dt.date(2025, 1, 15)], "term_end": [dt.date(2026, 1, 14)]})
    assert ENGINE.batch(roster, stamp).equals(ENGINE.batch(roster, day))
    assert ENGINE.renewal_due(roster, stamp).equals(ENGINE.renewal_due(roster, day))


@pytest.mark.parametrize("value", [pd.Timestamp("2026-01-20 09:30"), pd.Timestamp("2026-01-20", tz="UTC"), dt.datetime(2026, 1, 20, 0, 0, 1)])
def test_a_timestamp_with_a_time_or_zone_is_not_a_date(value: object) -> None:
    name = "datetime.datetime" if type(value) is dt.datetime else "Timestamp"
    want = f"date: expected datetime.date, got {name} (amscore dates have no time of day; pass .date())"
    with pytest.raises(TypeError) as info:
        ENGINE.join_term("individual", value)  # type: ignore[arg-type]
    assert str(info.value) == want
    roster = pd.DataFrame({"member_id": ["M-1"], "plan": ["individual"], "member_since": [dt.date(2020, 1, 15)],
                           "term_start": [dt.date(2025, 1, 15)], "term_end": [dt.date(2026, 1, 14)]})
    with pytest.raises(TypeError, match=r"^as_of: expected datetime.date"):
        ENGINE.renewal_due(roster, value)  # type: ignore[arg-type]


def test_a_datetime_at_is_read_as_the_requests_time() -> None:
    text = {"at": "2025-03-10T12:00", "action": {"kind": "join", "plan": "individual"}}
    for at in (dt.datetime(2025, 3, 10, 12, 0), pd.Timestamp("2025-03-10 12:00")):
        assert ENGINE.decide({**text, "at": at}) == ENGINE.decide(text)
    with_seconds = ENGINE.decide({**text, "at": dt.datetime(2025, 3, 10, 12, 0, 30)})
    assert with_seconds == ENGINE.decide({**text, "at": "2025-03-10T12:00:30"})


def test_the_advice_for_a_datetime_at_is_about_time_zones_not_dates() -> None:
    request = {"at": dt.datetime(2025, 3, 10, 12, 0, tzinfo=dt.timezone.utc), "action": {"kind": "join", "plan": "individual"}}
    with pytest.raises(TypeError) as info:
        ENGINE.decide(request)
    assert str(info.value) == "at: date-times have no time zone (association wall-clock time); got 2025-03-10 12:00:00+00:00"
    assert ".date()" not in str(info.value)
    # A date-time where a date is meant: the core's date grammar says what it expects.
    with pytest.raises(amscore.RequestError) as err:
        ENGINE.answer({"op": "join_term", "plan": "individual", "date": dt.datetime(2025, 3, 10, 12, 0)})
    assert err.value.path == "date" and "expected YYYY-MM-DD" in str(err.value)


# --- Success frames ----------------------------------------------------------------------------

SUCCESS = Engine({"version": 1, "preset": "amscore", "success": {
    "activity_kinds": [{"id": "login", "weight": "1"}],
    "at_risk": [{"id": "quiet", "priority": 1, "action": "call", "cooldown_days": 30,
                 "when": {"test": {"fact": "engagement_score", "op": "lt", "value": 1}}}]}})
MEMBERS = pd.DataFrame({"member_id": ["M-1", "M-2", "M-3"], "plan": ["individual", "individual", "gold"],
                        "member_since": [dt.date(2025, 1, 1)] * 3, "term_start": [dt.date(2025, 1, 1)] * 3,
                        "term_end": [dt.date(2025, 12, 31)] * 3})
EVENTS = pd.DataFrame({"member_id": ["M-2", "M-9"], "date": [dt.date(2025, 5, 1)] * 2, "kind": ["login"] * 2})


def test_at_risk_output_is_fed_back_as_previous_triggers() -> None:
    first = SUCCESS.at_risk(MEMBERS, EVENTS, dt.date(2025, 5, 31))
    assert first[["member_id", "trigger", "date"]].values.tolist() == [["M-1", "quiet", dt.date(2025, 5, 31)]]
    week = dt.date(2025, 6, 7)
    assert len(SUCCESS.at_risk(MEMBERS, EVENTS, week)) == 1
    later = SUCCESS.at_risk(MEMBERS, EVENTS, week, previous_triggers=first)
    as_dicts = SUCCESS.at_risk(MEMBERS, EVENTS, week, previous_triggers=[{"member_id": "M-1", "rule": "quiet", "date": dt.date(2025, 5, 31)}])
    assert len(later) == 0 and later.attrs["suppressed"] == as_dicts.attrs["suppressed"]
    assert [s["member_id"] for s in later.attrs["suppressed"]] == ["M-1"]
    # Several earlier results concatenated, dates as Timestamps (a frame read back from a file).
    history = pd.concat([first, first.assign(date=pd.Timestamp("2025-05-01"))], ignore_index=True)
    assert SUCCESS.at_risk(MEMBERS, EVENTS, week, previous_triggers=history).attrs["suppressed"] == later.attrs["suppressed"]
    # After the cooldown the trigger is raised again.
    assert len(SUCCESS.at_risk(MEMBERS, EVENTS, dt.date(2025, 7, 15), previous_triggers=first)) == 1
    with pytest.raises(TypeError, match=r"^previous_triggers: expected a list of dicts or a DataFrame, got dict$"):
        SUCCESS.at_risk(MEMBERS, EVENTS, week, previous_triggers={"member_id": "M-1"})


@pytest.mark.parametrize("missing", [None, float("nan"), pd.NA], ids=["None", "NaN", "NA"])
@pytest.mark.parametrize("column", ["member_id", "rule"])
def test_a_missing_cell_of_previous_triggers_is_a_missing_key(column: str, missing: object) -> None:
    # pandas 3 makes missing text NaN (so does read_csv under pandas 2): the same as no key, never
    # a number sent as the rule or the member.
    row = {"member_id": "M-1", "rule": "quiet", "date": dt.date(2025, 5, 31)}
    without = {k: v for k, v in row.items() if k != column}
    frame = pd.DataFrame({k: pd.Series([missing if k == column else v], dtype=object) for k, v in row.items()})
    week = dt.date(2025, 6, 7)
    with pytest.raises(amscore.AmsError) as want:
        SUCCESS.at_risk(MEMBERS, EVENTS, week, previous_triggers=[without])
    with pytest.raises(amscore.AmsError) as got:
        SUCCESS.at_risk(MEMBERS, EVENTS, week, previous_triggers=frame)
    assert (type(got.value), got.value.code, str(got.value)) == (type(want.value), want.value.code, str(want.value))
    assert want.value.name == "invalid_success_input" and f"`{column}`" in str(want.value)


def results() -> dict[str, pd.DataFrame]:
    day = dt.date(2025, 5, 31)
    return {
        "engagement_scores": SUCCESS.engagement_scores(MEMBERS, EVENTS, day, seats={"ACME": 5}),
        "segments": SUCCESS.segments(MEMBERS, EVENTS, day),
        "at_risk": SUCCESS.at_risk(MEMBERS, EVENTS, day),
        "journeys": SUCCESS.journeys(MEMBERS, EVENTS, day),
        "cohort_table": SUCCESS.cohort_table(MEMBERS, day),
        "retention_metrics": SUCCESS.retention_metrics(MEMBERS, day),
        "snapshot_metrics": SUCCESS.snapshot_metrics(100, 10, 95),
        "renewal_due": SUCCESS.renewal_due(MEMBERS, dt.date(2025, 12, 1)),
        "upgrade_candidates": SUCCESS.upgrade_candidates(MEMBERS, EVENTS, day),
    }


def _plain(value: object) -> bool:
    if isinstance(value, dict):
        return all(isinstance(k, str) and _plain(v) for k, v in value.items())
    if isinstance(value, list):
        return all(_plain(v) for v in value)
    return value is None or type(value).__module__ in ("builtins", "decimal", "datetime")


@pytest.mark.parametrize("name", list(results()))
def test_attrs_hold_only_plain_values_so_frames_concat_and_print(name: str) -> None:
    frame = results()[name]
    assert _plain(frame.attrs), {k: type(v) for k, v in frame.attrs.items()}
    both = pd.concat([frame, frame.copy()], ignore_index=True)
    assert len(both) == 2 * len(frame) and both.attrs == frame.attrs
    assert isinstance(repr(both), str) and both._repr_html_().startswith("<div>")
    errors = amscore.row_errors(frame)
    assert list(errors.columns) == list(amscore.ROW_ERROR_COLUMNS)
    assert len(errors) == len(frame.attrs["errors"])


def test_row_errors_are_the_bad_rows() -> None:
    scores = results()["engagement_scores"]
    errors = amscore.row_errors(scores)
    assert errors[["source", "row", "member_id", "name"]].values.tolist() == [
        ["members", 2, "M-3", "plan_not_in_policy"], ["events", 1, "M-9", "unknown_member"]]
    assert str(errors["code"].dtype) == "Int64"


def test_every_metric_definition_is_in_the_docstrings_and_the_frames() -> None:
    definitions = dict(amscore._core.METRIC_DEFINITIONS)
    assert {"renewal_rate", "churn", "average_tenure", "lifetime_value", "first_year_renewal", "churn_30_days"} <= set(definitions)
    for method in (Engine.retention_metrics, Engine.snapshot_metrics):
        for name, definition in definitions.items():
            assert f"``{name}``: {definition}" in (method.__doc__ or "")
    metrics = results()["retention_metrics"]
    assert metrics.attrs["definitions"] == definitions
    # Every measure defined names columns of the frame (`rate` is how every ratio is written).
    for name in definitions:
        if name != "rate":
            assert any(name in c for c in metrics.columns), name
    assert results()["snapshot_metrics"].attrs["definitions"] == definitions
