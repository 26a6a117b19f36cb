"""The package's README (python/README.md, what pip shows): its example is at most ten lines,
runs, and prints exactly the output the README shows under it."""

from __future__ import annotations

import contextlib
import io
import pathlib
import re

README = pathlib.Path(__file__).resolve().parent.parent / "README.md"


def _blocks(kind: str) -> list[str]:
    return re.findall(rf"^```{kind}\n(.*?)^```$", README.read_text(encoding="utf-8"), flags=re.M | re.S)


def test_readme_example_is_ten_lines_and_prints_what_it_says() -> None:
    (example,) = _blocks("python")
    (shown,) = _blocks("text")
    assert len([line for line in example.splitlines() if line.strip()]) <= 10
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(example, str(README), "exec"), {"__name__": "readme_example"})
    assert out.getvalue() == shown


def test_pyproject_points_at_this_readme() -> None:
    pyproject = (README.parent / "pyproject.toml").read_text(encoding="utf-8")
    assert re.search(r'^readme = "README\.md"$', pyproject, flags=re.M)
