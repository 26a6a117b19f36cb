"""The public ``Engine``: the native engine (``amscore._core.Engine``) with the roster batch, the
bulk join quotes and the success analytics as DataFrames. The DataFrame assembling is Python (``amscore._batch``,
``amscore._success``), which calls the native module only: Python calls Rust, never the reverse."""

from __future__ import annotations

import datetime
from datetime import date
from typing import Any

from amscore import _audit, _batch, _core, _reminders, _success, _work


class Engine(_core.Engine):
    """A policy compiled for answering questions. Frozen; safe to share between threads; pickles to
    its policy's JSON, so it travels to worker processes (Dask, Spark).

    >>> engine = Engine("amscore")
    >>> engine.join_term("individual", date(2025, 1, 15))["term"]
    Term(2025-01-15, 2026-01-14)
    """

    __slots__ = ()

    batch = _batch.batch
    quote_join_batch = _batch.quote_join_batch

    def engagement_scores(self, members: Any, events: Any, as_of: datetime.date, *, seats: dict[str, int] | None = None) -> Any:
        """Engagement scores of a roster on a date, as a `pandas.DataFrame`: one row per usable
        member with `member_id`, `score` and `percentile` (`Decimal`), `future_events`, and for
        every activity kind of the policy (in its order) `points_<kind>` (`Decimal`),
        `events_<kind>`, `counted_<kind>`, `capped_<kind>` (a kind without events shows zeros).
        `members` is a term-history frame and `events` an activity frame (columns in
        `amscore.SUCCESS_MEMBER_COLUMNS` / `amscore.EVENT_COLUMNS`; see `amscore._success`).
        `attrs["errors"]` lists every bad row (dicts; `amscore.row_errors(frame)` makes them a
        frame); `attrs["organizations"]` the organisation roll-ups, dicts with `organization`,
        `members`, `seats`, `total`, `mean` and `per_seat` (`seats` gives seats per organisation
        for the per-seat score). `attrs` holds plain values only, so frames concat and print.

        >>> import pandas as pd
        >>> engine = Engine({"version": 1, "preset": "amscore", "success": {
        ...     "activity_kinds": [{"id": "login", "weight": "2"}], "decay": {"kind": "half_life", "days": 30}}})
        >>> members = pd.DataFrame({"member_id": ["M-1"], "plan": ["individual"], "member_since": [date(2025, 1, 1)],
        ...                         "term_start": [date(2025, 1, 1)], "term_end": [date(2025, 12, 31)]})
        >>> events = pd.DataFrame({"member_id": ["M-1", "M-9"], "date": [date(2025, 5, 1)] * 2, "kind": ["login"] * 2})
        >>> scores = engine.engagement_scores(members, events, date(2025, 5, 31))
        >>> scores[["score", "points_login", "counted_login"]].values.tolist()
        [[Decimal('1.00'), Decimal('1.00'), 1]]
        >>> amscore.row_errors(scores)[["source", "row", "name"]].values.tolist()
        [['events', 1, 'unknown_member']]
        """
        return _success.engagement_scores(self, members, events, as_of, seats)

    def segments(self, members: Any, events: Any, as_of: datetime.date) -> Any:
        """The policy's segments each member is in on a date, as a long `pandas.DataFrame`: one row
        per (member, segment) with `member_id`, `segment` and `matched` (the tests that matched,
        joined by `"; "`). `attrs["members"]` lists every member evaluated (also those in no
        segment); `attrs["errors"]` every bad row.

        >>> import pandas as pd
        >>> engine = Engine({"version": 1, "preset": "amscore", "success": {"segments": [
        ...     {"id": "first_year", "rule": {"test": {"fact": "first_year", "op": "eq", "value": True}}}]}})
        >>> members = pd.DataFrame({"member_id": ["M-1", "M-2"], "plan": ["individual"] * 2,
        ...     "member_since": [date(2025, 1, 1), date(2020, 1, 1)], "term_start": [date(2025, 1, 1)] * 2,
        ...     "term_end": [date(2025, 12, 31)] * 2})
        >>> engine.segments(members, None, date(2025, 5, 31)).values.tolist()
        [['M-1', 'first_year', 'first_year eq true (is true)']]
        """
        return _success.segments(self, members, events, as_of)

    def at_risk(self, members: Any, events: Any, as_of: datetime.date, *, previous_triggers: list[dict[str, Any]] | None = None) -> Any:
        """The members the policy's at-risk rules flag on a date, as a `pandas.DataFrame` with one
        row per (member, trigger), most urgent members first: `member_id`, `priority` (the
        member's most urgent), `trigger` (the rule id), `trigger_priority`, `intervention` (the
        rule's action), `reasons` (the tests that matched, joined by `"; "`) and `date` (the day
        the trigger was raised: `as_of`). `previous_triggers` apply cooldowns: an earlier result
        of `at_risk` as it is (or several concatenated), or dicts with `member_id`, `rule` and
        `date`; members held back by one are in `attrs["suppressed"]` (dicts with `member_id`,
        `code`, `last_triggered`, `until`). `attrs["members_at_risk"]` counts members;
        `attrs["errors"]` lists every bad row (see `amscore.row_errors`).

        >>> import pandas as pd
        >>> engine = Engine({"version": 1, "preset": "amscore", "success": {
        ...     "activity_kinds": [{"id": "login", "weight": "1"}],
        ...     "at_risk": [{"id": "quiet", "priority": 1, "action": "call", "cooldown_days": 30, "when": {
        ...         "test": {"fact": "engagement_score", "op": "lt", "value": 1}}}]}})
        >>> members = pd.DataFrame({"member_id": ["M-1", "M-2"], "plan": ["individual"] * 2,
        ...     "member_since": [date(2025, 1, 1)] * 2, "term_start": [date(2025, 1, 1)] * 2,
        ...     "term_end": [date(2025, 12, 31)] * 2})
        >>> events = pd.DataFrame({"member_id": ["M-2"], "date": [date(2025, 5, 1)], "kind": ["login"]})
        >>> first = engine.at_risk(members, events, date(2025, 5, 31))
        >>> first[["member_id", "trigger", "intervention", "reasons"]].values.tolist()
        [['M-1', 'quiet', 'call', 'engagement_score lt 1 (is 0.00)']]
        >>> later = engine.at_risk(members, events, date(2025, 6, 7), previous_triggers=first)
        >>> len(later), [s["member_id"] for s in later.attrs["suppressed"]]
        (0, ['M-1'])
        """
        return _success.at_risk(self, members, events, as_of, previous_triggers)

    def reminders_due(self, members: Any, events: Any, as_of: datetime.date, *, sent: Any = None) -> Any:
        """The messages of the policy's `success.reminders` sequences due on a date, as a
        `pandas.DataFrame` with one row per message (at most one per member): `member_id`,
        `sequence`, `step`, `channel`, `template`, `priority`, `anchor` and `due_on`
        (`datetime.date`). `sent` is the log of messages already sent (a frame or a list of dicts
        with `member_id`, `date`, `sequence`, `step`, `channel`). Messages held back by a stopped
        sequence or a fatigue rule are in `attrs["suppressed"]` (a list of dicts, as attrs hold
        plain values only; `pd.DataFrame(frame.attrs["suppressed"])` is their frame) with the
        `rule` (`renewed`, `lapsed`, `membership_ended`, `milestone_done`, `quiet_day`, `min_gap`,
        `cap`, `lower_priority`) and its `detail`; `amscore.row_errors(frame)` lists every bad row
        (a sent-log row has the source `sent`).

        >>> import pandas as pd
        >>> engine = Engine({"version": 1, "preset": "amscore", "success": {"reminders": {
        ...     "sequences": [{"id": "renewal", "anchor": "term_end", "priority": 1, "steps": [
        ...         {"id": "d30", "day": -30, "channel": "email", "template": "renewal_30"}]}],
        ...     "fatigue": {"quiet_weekdays": ["sunday"]}}}})
        >>> members = pd.DataFrame({"member_id": ["M-1", "M-2"], "plan": ["individual"] * 2,
        ...     "member_since": [date(2025, 1, 1), date(2025, 1, 7)], "term_start": [date(2025, 1, 1), date(2025, 1, 7)],
        ...     "term_end": [date(2025, 12, 31), date(2026, 1, 6)]})
        >>> engine.reminders_due(members, None, date(2025, 12, 1))[["member_id", "template"]].values.tolist()
        [['M-1', 'renewal_30']]
        >>> sent = [{"member_id": "M-1", "date": date(2025, 12, 1), "sequence": "renewal", "step": "d30", "channel": "email"}]
        >>> [(s["member_id"], s["rule"]) for s in engine.reminders_due(members, None, date(2025, 12, 7), sent=sent).attrs["suppressed"]]
        [('M-2', 'quiet_day')]
        """
        return _reminders.reminders_due(self, members, events, as_of, sent)

    def reminders_forecast(self, members: Any, events: Any, as_of: datetime.date, days: int, *, sent: Any = None) -> Any:
        """The volume of messages of the next `days` days (1 to 366, from `as_of`) per day and
        channel, as a `pandas.DataFrame` with `date`, `channel`, `messages` and `held_back` (what
        fatigue holds back that day): each day decided as `reminders_due` decides it, fed the
        messages of the days before, so the forecast respects the fatigue rules. Members' facts
        stay as given (nobody renews). `attrs["totals"]` counts messages per channel;
        `attrs["errors"]` lists bad rows.

        >>> import pandas as pd
        >>> engine = Engine({"version": 1, "preset": "amscore", "success": {"reminders": {
        ...     "sequences": [{"id": "renewal", "anchor": "term_end", "priority": 1, "steps": [
        ...         {"id": "d30", "day": -30, "channel": "email", "template": "renewal_30"},
        ...         {"id": "d7", "day": -7, "channel": "sms", "template": "renewal_7"}]}]}}})
        >>> members = pd.DataFrame({"member_id": ["M-1"], "plan": ["individual"], "member_since": [date(2025, 1, 1)],
        ...     "term_start": [date(2025, 1, 1)], "term_end": [date(2025, 12, 31)]})
        >>> f = engine.reminders_forecast(members, None, date(2025, 11, 25), 30)
        >>> f[["date", "channel", "messages"]].values.tolist()
        [[datetime.date(2025, 12, 1), 'email', 1], [datetime.date(2025, 12, 24), 'sms', 1]]
        >>> f.attrs["totals"]
        {'email': 1, 'sms': 1}
        """
        return _reminders.reminders_forecast(self, members, events, as_of, days, sent)

    def journeys(self, members: Any, events: Any, as_of: datetime.date) -> Any:
        """Where each member stands on the policy's journeys (onboarding, renewal notices) on a date,
        as a long `pandas.DataFrame`: one row per (member, journey, milestone) with `member_id`,
        `journey`, `milestone`, `state` (`done`, `missed`, `due`, `upcoming`), `due_on` and
        `done_on` (`datetime.date` or None). `attrs["errors"]` lists bad rows.

        >>> import pandas as pd
        >>> engine = Engine({"version": 1, "preset": "amscore", "success": {
        ...     "activity_kinds": [{"id": "welcome_sent", "weight": "0"}],
        ...     "journeys": [{"id": "onboarding", "milestones": [
        ...         {"id": "welcome", "anchor": "join", "day": 0, "grace_days": 5, "activity": "welcome_sent"}]}]}})
        >>> members = pd.DataFrame({"member_id": ["M-1"], "plan": ["individual"], "member_since": [date(2025, 1, 1)],
        ...     "term_start": [date(2025, 1, 1)], "term_end": [date(2025, 12, 31)]})
        >>> events = pd.DataFrame({"member_id": ["M-1"], "date": [date(2025, 1, 2)], "kind": ["welcome_sent"]})
        >>> engine.journeys(members, events, date(2025, 3, 1))[["milestone", "state", "done_on"]].values.tolist()
        [['welcome', 'done', datetime.date(2025, 1, 2)]]
        """
        return _success.journeys(self, members, events, as_of)

    def cohort_table(self, members: Any, as_of: datetime.date) -> Any:
        """The cohort retention table on a date, as a `pandas.DataFrame`: one row per join year
        with `join_year`, `members`, and for every `k` years after joining `eligible_<k>`,
        `retained_<k>` (nullable ints) and `rate_<k>` (`Decimal`, None where the cohort is too
        young). `attrs["members"]` counts the members measured, `attrs["joined_after"]` those
        whose first term starts after `as_of` (in no cohort yet); `attrs["errors"]` the bad rows.

        >>> import pandas as pd
        >>> members = pd.DataFrame({"member_id": ["M-1", "M-1", "M-2"], "plan": ["individual"] * 3,
        ...     "member_since": [date(2023, 1, 1)] * 3, "term_start": [date(2023, 1, 1), date(2024, 1, 1), date(2023, 1, 1)],
        ...     "term_end": [date(2023, 12, 31), date(2024, 12, 31), date(2023, 12, 31)]})
        >>> table = Engine("amscore").cohort_table(members, date(2025, 6, 1))
        >>> table[["join_year", "members", "retained_1", "rate_1"]].values.tolist()
        [[2023, 2, 1, Decimal('0.5000')]]
        """
        return _success.cohort_table(self, members, as_of)

    def retention_metrics(self, members: Any, as_of: datetime.date, *, economics: dict[str, Any] | None = None) -> Any:
        """Retention measured on a roster's term histories for the 12 months ending `as_of`, as a
        one-row `pandas.DataFrame` with flattened columns: `period_start`, `period_end`,
        `counts_members_now` .., `snapshot_renewal_rate_percent` .., `eligibility_churn_rate` ..,
        `first_year_renewal_*`, and with `economics` (a dict: `currency`, `annual_dues`,
        `non_dues_revenue`, optional `annual_cost`, `acquisition_cost`, exact amounts) the
        lifetime values (`*_lifetime_value_gross_amount`, `..._currency`, `..._net_amount`).
        Rates and amounts are `Decimal`. `attrs["errors"]` lists bad rows; `attrs["definitions"]`
        maps each measure to what it means (the definitions below, from the core).

        >>> import pandas as pd
        >>> members = pd.DataFrame({"member_id": ["M-1", "M-1", "M-2"], "plan": ["individual"] * 3,
        ...     "member_since": [date(2023, 1, 1)] * 3, "term_start": [date(2024, 1, 1), date(2025, 1, 1), date(2024, 1, 1)],
        ...     "term_end": [date(2024, 12, 31), date(2025, 12, 31), date(2024, 12, 31)]})
        >>> m = Engine("amscore").retention_metrics(members, date(2025, 6, 1))
        >>> m[["counts_members_now", "snapshot_renewal_rate_percent"]].values.tolist()
        [[1, Decimal('50.00')]]
        """
        return _success.retention_metrics(self, members, as_of, economics)

    def snapshot_metrics(self, members_now: int, joined_last_12_months: int, members_year_ago: int, *, economics: dict[str, Any] | None = None) -> Any:
        """Retention metrics from three snapshot counts, as a one-row `pandas.DataFrame` (the same
        flattened columns as `retention_metrics`' `snapshot_*`, plus the counts). Raises
        `SuccessError` (`inconsistent_counts`) for counts that contradict each other.
        `attrs["definitions"]` maps each measure to what it means (the definitions below).

        >>> m = Engine("amscore").snapshot_metrics(10_000, 2_000, 9_500,
        ...     economics={"currency": "USD", "annual_dues": 125, "non_dues_revenue": 100})
        >>> m[["renewal_rate_percent", "average_tenure_exact", "lifetime_value_gross_amount"]].values.tolist()
        [[Decimal('84.21'), '19/3', Decimal('1425.00')]]
        """
        return _success.snapshot_metrics(self, members_now, joined_last_12_months, members_year_ago, economics)

    def renewal_due(self, members: Any, as_of: datetime.date, *, within_days: int | None = None) -> Any:
        """Members whose term ends within `within_days` of `as_of` (default the policy's
        `success.renewal_due_days`) or has just ended, as a `pandas.DataFrame`: `member_id`,
        `plan`, `status`, `term_end`, `days_left`, `auto_renew`. `attrs["errors"]` lists bad rows.

        >>> import pandas as pd
        >>> members = pd.DataFrame({"member_id": ["M-1"], "plan": ["individual"], "member_since": [date(2025, 1, 1)],
        ...     "term_start": [date(2025, 1, 1)], "term_end": [date(2025, 12, 31)]})
        >>> Engine("amscore").renewal_due(members, date(2025, 12, 1))[["member_id", "days_left"]].values.tolist()
        [['M-1', 30]]
        """
        return _success.renewal_due(self, members, as_of, within_days)

    def upgrade_candidates(self, members: Any, events: Any, as_of: datetime.date) -> Any:
        """Members the policy's upgrade rules suggest moving to another plan, as a
        `pandas.DataFrame`: `member_id`, `from_plan`, `to_plan`, `reasons` (joined by `"; "`).
        `attrs["errors"]` lists bad rows.

        >>> import pandas as pd
        >>> members = pd.DataFrame({"member_id": ["M-1"], "plan": ["individual"], "member_since": [date(2025, 1, 1)],
        ...     "term_start": [date(2025, 1, 1)], "term_end": [date(2025, 12, 31)]})
        >>> len(Engine("amscore").upgrade_candidates(members, None, date(2025, 6, 1)))
        0
        """
        return _success.upgrade_candidates(self, members, events, as_of)

    def work_items(self, requests: Any) -> Any:
        """The work items of a list of website requests (dicts shaped like `decide`'s): one row
        per request the policy sends to staff, as a `pandas.DataFrame` with `id` (the request's
        `id`, or its index in the list), `queue`, `reasons` (a list of reason codes) and
        `requested_at` (a `datetime64` column). Self-service, refused and unreadable requests make
        no item.

        >>> Engine("amscore").work_items([{"id": "R-1", "at": "2026-11-27T16:00",
        ...     "action": {"kind": "join", "plan": "retired"}}]).values.tolist()
        [['R-1', 'membership', ['plan_requires_approval'], Timestamp('2026-11-27 16:00:00')]]
        """
        return _work.work_items(self, requests)

    def staff_queues(self, items: Any, as_of: datetime.datetime, *, assignments: Any = None) -> Any:
        """The staff queues on a date-time (a naive `datetime.datetime`, the association's clock):
        `items` is a frame (or a list of dicts) with `id`, `queue`, `reasons` (lists of reason
        codes), `requested_at` and optionally `closed_at`; `assignments` one with `item` and
        `assignee`. Returns a `pandas.DataFrame` of the open items, oldest first: `id`, `queue`,
        `reasons`, `requested_at`, `team` and `service_level` (`business_hours` or
        `business_days`) with `service_level_value` from the policy's `staff` section, `assignee`,
        `due`, `age_minutes` (calendar), `business_minutes` (open hours only),
        `business_minutes_left` (negative once overdue) and `overdue`. `attrs["by_owner"]` and
        `attrs["by_queue"]` are the loads, `attrs["resolved"]` the share of closed items resolved
        within their service level, `attrs["open"]`, `["overdue"]`, `["unowned"]` the counts.
        Raises `WorkError` for an item given twice, an assignment of an unknown item, or a time
        after `as_of`.

        >>> engine = Engine({"version": 1, "preset": "amscore", "staff": {"teams": {"desk": "Desk"},
        ...     "queues": {"membership": {"team": "desk", "service_level": {"business_hours": 2}}}}})
        >>> items = [{"id": "R-1", "queue": "membership", "reasons": ["plan_requires_approval"],
        ...           "requested_at": datetime.datetime(2026, 11, 27, 16, 0)}]
        >>> q = engine.staff_queues(items, datetime.datetime(2026, 11, 30, 10, 30))
        >>> q[["id", "team", "due", "business_minutes", "overdue"]].values.tolist()
        [['R-1', 'desk', Timestamp('2026-11-30 10:00:00'), 150, True]]
        """
        return _work.staff_queues(self, items, as_of, assignments)

    def coverage_by_period(self, requests: Any, period: str = "month") -> Any:
        """The coverage report of a list of website requests per `month` or `quarter` of their
        times, as a `pandas.DataFrame` with one row per period that has requests: `period`
        (`2026-11`, `2026-Q4`), `start`, the counts, `self_service_share` (`Decimal`, percent),
        `staff_minutes` (when the policy's `staff` section sets minutes per reason) and the change
        from the previous period (`change_self_service_share` in points, `change_staff`,
        `change_staff_minutes`). `attrs["reasons"]` has each period's reasons,
        `attrs["changes"]` the reasons that moved, `attrs["unplaced"]` the unreadable requests.

        >>> rows = [{"at": "2026-09-10T10:00", "action": {"kind": "join", "plan": "retired"}},
        ...         {"at": "2026-10-02T10:00", "action": {"kind": "join", "plan": "individual"}}]
        >>> Engine("amscore").coverage_by_period(rows)[["period", "self_service_share", "change_staff"]].values.tolist()
        [['2026-09', Decimal('0.0'), <NA>], ['2026-10', Decimal('100.0'), -1]]
        """
        return _work.coverage_by_period(self, requests, period)

    def audit_export(
        self,
        export: Any,
        *,
        format: str,
        as_of: datetime.date,
        types: dict[str, str] | None = None,
    ) -> Any:
        """An audit of another system's membership export (``docs/audit.md``), as a
        `pandas.DataFrame` with one row per disagreement: `row`, `line`, `member_id`, `plan`,
        `kind` (`status_differs`, `start_date_differs`, `end_date_differs`, `join_after_start`,
        `override_expired`, `pending_without_payment`), `field` (the export's column), `stored`,
        `expected` (the value the rules give), `rule` and `rule_text`. `export` is the CSV text, its
        bytes, or a path to it; `format` is `"civicrm"` or `"tendenci"`; `types` maps the export's
        membership types to plan ids (a type not given matches a plan by id or name).
        `attrs["summary"]` counts disagreements by kind (every kind listed), `attrs["problems"]`
        lists the rows that could not be audited; `attrs["records"]`, `attrs["audited"]`,
        `attrs["records_with_disagreements"]` count rows. A header or type map that cannot be
        used raises `amscore.AuditError`.

        >>> export = ("Contact ID,Membership Type,Member Since,Membership Start Date,"
        ...           "Membership Expiration Date,Membership Status\\n"
        ...           "101,General,2024-03-01,2024-03-01,2025-03-01,Expired\\n")
        >>> found = Engine("civicrm").audit_export(export, format="civicrm", as_of=date(2025, 6, 30))
        >>> found[["member_id", "kind", "stored", "expected"]].values.tolist()
        [['101', 'end_date_differs', '2025-03-01', '2025-02-28']]
        """
        return _audit.audit_export(self, export, format, as_of, types)

    def write_export(self, members: list[dict[str, Any]], *, format: str, as_of: datetime.date) -> str:
        """Members (gateway member documents: `{"membership": {...}, "terms": [...]}`) written as a
        CiviCRM or Tendenci export with their statuses on `as_of`; auditing it on the same date finds
        no disagreement.

        >>> text = Engine("civicrm").write_export([{"membership": {"member_id": "M-1", "plan": "general",
        ...     "member_since": "2024-03-01", "term": {"start": "2024-03-01", "end": "2025-02-28"}}}],
        ...     format="civicrm", as_of=date(2024, 9, 1))
        >>> text.splitlines()[1]
        'M-1,general,2024-03-01,2024-03-01,2025-02-28,Current,0,,0'
        """
        return _audit.write_export(self, members, format, as_of)


def _metric_definitions() -> str:
    """The core's definitions of the retention measures (``amscore::success::METRIC_DEFINITIONS``,
    which the main job's retention summary also prints), as docstring text."""
    items = "\n".join(f"        - ``{name}``: {definition}" for name, definition in _core.METRIC_DEFINITIONS)
    return "\n        What each measure means (a column is named by its path, ``snapshot_renewal_rate_percent``):\n\n" + items + "\n"


for _method in (Engine.retention_metrics, Engine.snapshot_metrics):
    _method.__doc__ = (_method.__doc__ or "") + _metric_definitions()
