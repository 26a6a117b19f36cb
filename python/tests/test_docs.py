"""Every example in the docstrings of the native module and of the Python-level methods (the
batch's frame plumbing in ``amscore._batch``) runs and gives what it says."""

from __future__ import annotations

import datetime
import doctest

import amscore
import amscore._batch
import amscore._core
import amscore._engine
import amscore._success


def test_docstring_examples_run() -> None:
    globs = {name: getattr(amscore, name) for name in amscore.__all__}
    globs.update(amscore=amscore, date=datetime.date)
    modules = (amscore._core, amscore._engine, amscore, amscore._batch, amscore._success)
    for module in modules:
        result = doctest.testmod(module, extraglobs=globs, optionflags=doctest.ELLIPSIS, report=True)
        assert result.failed == 0
    finder = doctest.DocTestFinder()
    with_examples = {t.name.rsplit(".", 1)[-1] for m in modules for t in finder.find(m, globs=globs) if t.examples}
    assert {"Engine", "batch", "quote_join_batch", "status_on", "renewal_term", "quote_join", "quote_renewal", "decide", "Money", "Term", "Policy",
                      "engagement_scores", "segments", "at_risk", "journeys", "cohort_table", "retention_metrics",
                      "snapshot_metrics", "renewal_due", "upgrade_candidates",
                      "quote_change_plan", "quote_change_seats", "quote_cancel", "split_instalments", "decide_batch",
                      "what_if", "to_frame", "row_errors", "audit_export", "write_export"} <= with_examples
