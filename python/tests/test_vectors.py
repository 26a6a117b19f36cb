"""Every shared conformance vector (tests/vectors/*.json) through ``Engine.call``, with the
comparison rules of tests/vectors/README.md."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import amscore

VECTORS = Path(__file__).resolve().parents[2] / "tests" / "vectors"


def _cases() -> list[Any]:
    out = []
    for path in sorted(VECTORS.glob("*.json")):
        doc = json.loads(path.read_text())
        for case in doc["cases"]:
            out.append(pytest.param(doc["policy"], case, id=f"{path.stem}::{case['name']}"))
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


def test_vector_files_exist_and_names_are_unique() -> None:
    names = [p.values[1]["name"] for p in CASES]
    assert len(names) >= 3
    assert len(names) == len(set(names))


@pytest.mark.parametrize(("file_policy", "case"), CASES)
def test_vector(file_policy: dict, case: dict) -> None:
    assert case.get("checks"), "every case says what it checks"
    response = respond(file_policy, case)
    expect = case["expect"]
    if "ok" in expect:
        assert "ok" in response, response
        assert json_equal(response["ok"], expect["ok"]), (response, expect)
        return
    want = expect["error"]
    assert {"code", "name"} <= want.keys()
    assert "error" in response, response
    for key, value in want.items():
        assert key in ("code", "name", "message", "path")
        assert json_equal(response["error"].get(key), value), (key, response, want)
