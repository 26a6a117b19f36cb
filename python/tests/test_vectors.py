"""Every shared conformance vector (tests/vectors/*.json) through ``Engine.call``, with the
comparison rules of tests/vectors/README.md, mirroring core/tests/vectors.rs: every file, every
case, one policy per file (or per case), the JSON gateway, exact ``ok`` documents and the given
keys of ``error`` documents. A file without cases, a case without a name or without ``checks``,
or an ``expect`` that is neither ``ok`` nor ``error`` fails; nothing is skipped."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import amscore

VECTORS = Path(__file__).resolve().parents[2] / "tests" / "vectors"
FILES = sorted(VECTORS.glob("*.json"))


def _load(path: Path) -> dict:
    doc = json.loads(path.read_text())
    assert isinstance(doc.get("cases"), list) and doc["cases"], f"{path.name}: no cases"
    return doc


def _cases() -> list[Any]:
    out = []
    for path in FILES:
        doc = _load(path)
        for case in doc["cases"]:
            out.append(pytest.param(path.name, doc["policy"], case, id=f"{path.stem}::{case['name']}"))
    return out


CASES = _cases()


def json_equal(a: Any, b: Any) -> bool:
    """JSON equality: unlike Python's ==, true is not 1 and 1 is not "1"."""
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(json_equal(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(json_equal(x, y) for x, y in zip(a, b))
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return a == b
    return type(a) is type(b) and a == b


def respond(file_policy: dict, case: dict) -> dict:
    try:
        engine = amscore.Engine(case.get("policy", file_policy))
    except amscore.AmsError as e:
        body = {"code": e.code, "name": e.name, "message": str(e)}
        if e.path is not None:
            body["path"] = e.path
        return {"error": body}
    return engine.call(case["request"])


def test_every_vector_file_is_run() -> None:
    """Every *.json file in tests/vectors is collected, with all its cases, and names are unique
    across files (as the Rust runner requires)."""
    assert len(FILES) >= 20
    ran = {p.values[0] for p in CASES}
    assert ran == {p.name for p in FILES}
    for path in FILES:
        assert sum(1 for p in CASES if p.values[0] == path.name) == len(_load(path)["cases"]), path.name
    names = [p.values[2]["name"] for p in CASES]
    assert len(names) == len(set(names)), "duplicate case names"
    # The success analytics' vectors are among them.
    assert {"success_engagement.json", "success_interventions.json", "success_metrics.json", "roster.json"} <= ran


@pytest.mark.parametrize(("file_name", "file_policy", "case"), CASES)
def test_vector(file_name: str, file_policy: dict, case: dict) -> None:
    assert isinstance(case.get("name"), str) and case["name"], f"{file_name}: case without a name"
    assert case.get("checks"), "every case says what it checks"
    response = respond(file_policy, case)
    expect = case["expect"]
    assert ("ok" in expect) != ("error" in expect), "expect must be {ok: ...} or {error: {...}}"
    if "ok" in expect:
        assert "ok" in response, response
        assert json_equal(response["ok"], expect["ok"]), (response, expect)
        return
    want = expect["error"]
    assert {"code", "name"} <= want.keys(), "an expected error gives code and name"
    assert "error" in response, response
    for key, value in want.items():
        assert key in ("code", "name", "message", "path"), f"unknown key {key} in expected error"
        assert json_equal(response["error"].get(key), value), (key, response, want)
