"""The audit of another system's export through Python: the shipped synthetic exports give the
disagreements the Rust suite pins, paths and text give the same frame, refused audits raise
AuditError, and (an invariant, with hypothesis) amscore's own records audit clean."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import amscore
import amscore._audit
from conftest import PANDAS_TEXT

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "audit"
AS_OF = dt.date(2025, 6, 30)


def test_the_civicrm_example_gives_every_kind() -> None:
    engine = amscore.Engine("civicrm")
    found = engine.audit_export(EXAMPLES / "civicrm_memberships.csv", format="civicrm", as_of=AS_OF,
                                types={"Fixed Annual": "fixed-annual"})
    assert found[["member_id", "kind", "stored", "expected"]].values.tolist() == [
        ["102", "status_differs", "Current", "Expired"],
        ["103", "end_date_differs", "2025-03-01", "2025-02-28"],
        ["104", "start_date_differs", "2024-06-15", "2024-01-01"],
        ["105", "join_after_start", "2024-08-01", "on or before 2024-07-01"],
        ["106", "status_differs", "Current", "Expired"],
        ["106", "override_expired", "2", "0"],
        ["107", "pending_without_payment", "0", "1"],
        ["108", "end_date_differs", "2029-05-04", ""],
    ]
    summary = dict(found.attrs["summary"].values.tolist())
    assert summary == {"status_differs": 2, "start_date_differs": 1, "end_date_differs": 2, "join_after_start": 1,
                       "override_expired": 1, "pending_without_payment": 1}
    problems = found.attrs["problems"]
    assert problems[["row", "field", "value", "name"]].values.tolist() == [
        [10, "Membership Type", "Platinum", "unmapped_membership_type"]]
    assert (found.attrs["records"], found.attrs["audited"], found.attrs["records_with_disagreements"]) == (11, 10, 7)
    assert found["rule"].tolist()[1] == "term_rule_end"
    # Text as the running pandas makes it (object under pandas 2, str under pandas 3), numbers as numbers.
    text = [c for c in amscore._audit.DISAGREEMENT_COLUMNS if c not in ("row", "line")]
    assert list(found.dtypes[text]) == [PANDAS_TEXT] * len(text) and list(found.dtypes[["row", "line"]]) == [np.dtype(np.int64)] * 2
    assert list(problems.dtypes[["member_id", "field", "value", "name", "message"]]) == [PANDAS_TEXT] * 5
    assert [type(v) for v in problems.loc[0, ["row", "line", "code"]]] == [int] * 3


def test_text_bytes_and_path_give_the_same_frame() -> None:
    engine = amscore.Engine("tendenci")
    path = EXAMPLES / "tendenci_memberships.csv"
    types = {"Annual Dec 31": "annual-dec31"}
    by_path = engine.audit_export(path, format="tendenci", as_of=AS_OF, types=types)
    by_text = engine.audit_export(path.read_text(encoding="utf-8"), format="tendenci", as_of=AS_OF, types=types)
    by_bytes = engine.audit_export(path.read_bytes(), format="tendenci", as_of=AS_OF, types=types)
    assert by_path.equals(by_text) and by_path.equals(by_bytes)
    assert by_path[["member_id", "kind"]].values.tolist() == [
        ["T-202", "status_differs"], ["T-203", "end_date_differs"], ["T-204", "join_after_start"]]


def test_refused_audits_raise_audit_error() -> None:
    engine = amscore.Engine("civicrm")
    with pytest.raises(amscore.AuditError) as info:
        engine.audit_export("Contact ID,Membership Type\n1,General\n", format="civicrm", as_of=AS_OF)
    assert (info.value.code, info.value.name, info.value.family) == (5201, "missing_export_column", "audit")
    header = (EXAMPLES / "civicrm_memberships.csv").read_text(encoding="utf-8").splitlines()[0] + "\n"
    with pytest.raises(amscore.AuditError) as info:
        engine.audit_export(header, format="civicrm", as_of=AS_OF, types={"Gold": "gold"})
    assert info.value.code == 5204


@settings(max_examples=40, deadline=None)
@given(
    preset=st.sampled_from(["amscore", "civicrm", "tendenci"]),
    pick=st.integers(0, 15),
    join=st.dates(dt.date(2016, 1, 1), dt.date(2028, 12, 31)),
    later=st.integers(0, 500),
    fmt=st.sampled_from(["civicrm", "tendenci"]),
)
def test_invariant_amscores_own_joins_audit_clean(preset: str, pick: int, join: dt.date, later: int, fmt: str) -> None:
    engine = amscore.Engine(preset)
    plans = [p for p in engine.answer({"op": "describe_policy"})["plans"] if p != "corporate"]
    plan = plans[pick % len(plans)]
    term = engine.answer({"op": "join_term", "plan": plan, "date": join.isoformat()})
    member = {"membership": {"member_id": "P-1", "plan": plan, "member_since": term["member_since"], "term": term["term"]}}
    as_of = max(dt.date.fromisoformat(term["term"]["start"]), join) + dt.timedelta(days=later)
    text = engine.write_export([member], format=fmt, as_of=as_of)
    found = engine.audit_export(text, format=fmt, as_of=as_of)
    assert found.empty and found.attrs["problems"].empty and found.attrs["audited"] == 1
