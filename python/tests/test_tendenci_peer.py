"""The ``tendenci`` preset against a re-statement of Tendenci's own date rules, on random
membership types and dates (issue 16, item 11).

``Peer`` below re-states, from Tendenci's ``tendenci/apps/memberships/models.py`` (read in the
public repository, Python 3 code), the functions that decide a membership's dates:

- ``MembershipType.get_expiration_dt``: rolling days (``now + timedelta(days=N)``), months
  (``now + relativedelta(months=N)``) and years (``join_dt + relativedelta(years=N)``; option
  '1' moves it to day X of the join month through ``day_validate``, which clamps X to the
  month's length); on renewal, years extend ``previous_expire_dt`` only while it is later than
  ``now``; fixed option '1' builds ``datetime(now.year, month, day_validate(day))``, adds a year
  when that is ``<= now``, and another when ``(expiration_dt - now).days`` is below the rollover
  days.
- ``MembershipDefault.in_grace_period`` (``expire_dt < now < expire_dt + grace``),
  ``is_expired``, ``get_renewal_period_dt`` / ``get_renewal_period_end_dt`` (from
  ``expire_dt - renewal_period_start`` days to ``expire_dt + (renewal_period_end + 1)`` days less
  a second) and ``can_renew``.
- ``set_join_dt`` (a later membership copies ``join_dt`` from the user's earlier one), and a new
  join after the renewal period (``set_renew_dt`` / ``set_expire_dt`` with no
  ``previous_expire_dt``).

Tendenci works on instants. A join or renewal here happens at 09:00 and every question is asked
at 12:00 on its day, so a rolling expiry (09:00 on its day) and a fixed one (midnight) have both
passed when the question's day is the expiry date: the preset's ``expiry: start_of_day``.

Each example maps the random type to an amscore plan the way docs/presets.md says (the preset's
own mapping) and compares, through ``Engine.call`` (the JSON gateway): the join's expiry, the
status on a later day, and what a renewal on that day gives (its path, end and member-since), or
that it is refused before the renewal period opens.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Optional

from dateutil.relativedelta import relativedelta
from hypothesis import given, settings
from hypothesis import strategies as st

import amscore

JOIN_TIME = dt.time(9, 0)
ASK_TIME = dt.time(12, 0)


def day_validate(first_of_month: dt.datetime, day: int) -> int:
    """tendenci.apps.base.utils.day_validate: 0 is 1, a day past the month's end is its last day."""
    day = day or 1
    last = (dt.datetime(first_of_month.year, first_of_month.month, 1) + relativedelta(months=1) - dt.timedelta(days=1)).day
    return min(day, last)


@dataclass(frozen=True)
class TendenciType:
    """The fields of a MembershipType that decide the dates."""

    period_type: str  # 'rolling' or 'fixed'
    period: int = 1
    period_unit: str = "years"
    rolling_option: str = "0"
    rolling_option1_day: int = 0
    fixed_month: int = 12
    fixed_day: int = 31
    can_rollover: bool = False
    rollover_days: int = 0
    renewal_period_start: int = 30
    renewal_period_end: int = 30
    grace: int = 0

    def expiration(self, now: dt.datetime, join_dt: dt.datetime, renewal: bool = False,
                   previous_expire_dt: Optional[dt.datetime] = None) -> dt.datetime:
        """MembershipType.get_expiration_dt (renew_dt is now, as at approval)."""
        if self.period_type == "rolling":
            if self.period_unit == "days":
                return now + dt.timedelta(days=self.period)
            if self.period_unit == "months":
                return now + relativedelta(months=self.period)
            if not renewal:
                if self.rolling_option == "0":
                    return join_dt + relativedelta(years=self.period)
                exp = join_dt + relativedelta(years=self.period)
                day = day_validate(dt.datetime(exp.year, join_dt.month, 1), self.rolling_option1_day)
                return dt.datetime(exp.year, join_dt.month, day, exp.hour, exp.minute, exp.second)
            if previous_expire_dt is not None and previous_expire_dt > now:
                return previous_expire_dt + relativedelta(years=self.period)
            return now + relativedelta(years=self.period)
        day = day_validate(dt.datetime(now.year, self.fixed_month, 1), self.fixed_day)
        exp = dt.datetime(now.year, self.fixed_month, day)
        if exp <= now:
            exp = exp + relativedelta(years=1)
        if self.can_rollover and (exp - now).days < self.rollover_days:
            exp = exp + relativedelta(years=1)
        return exp

    def plan(self) -> dict[str, Any]:
        """The amscore plan for this type, mapped as docs/presets.md (Tendenci section) says."""
        if self.period_type == "fixed":
            term: dict[str, Any] = {"kind": "fixed_expiry", "expires": f"{self.fixed_month:02}-{self.fixed_day:02}"}
            if self.can_rollover and self.rollover_days:
                term["rollover_days"] = self.rollover_days
        elif self.period_unit == "years" and self.rolling_option == "1":
            term = {"kind": "rolling_to_day", "length": {"count": self.period, "unit": "year"},
                    "expires_on": self.rolling_option1_day or 1}
        else:
            unit = {"days": "day", "months": "month", "years": "year"}[self.period_unit]
            term = {"kind": "rolling", "length": {"count": self.period, "unit": unit}}
        return {"id": "t", "name": "Tendenci type", "term": term,
                "prices": {"currency": "USD", "dues": "100.00"},
                "windows": {"renewal_opens_days": self.renewal_period_start,
                            "grace": {"count": self.grace, "unit": "day"},
                            "renewal_closes_days": self.renewal_period_end},
                "max_terms": 1}


@dataclass
class Membership:
    """A MembershipDefault: its join and expiry instants, status_detail 'active'."""

    kind: TendenciType
    join_dt: dt.datetime
    expire_dt: dt.datetime

    def in_grace_period(self, now: dt.datetime) -> bool:
        return self.expire_dt < now < self.expire_dt + relativedelta(days=self.kind.grace)

    def is_expired(self, now: dt.datetime) -> bool:
        return self.expire_dt <= now and not self.in_grace_period(now)

    def renewal_period(self) -> tuple[dt.datetime, dt.datetime]:
        start = self.expire_dt - dt.timedelta(days=self.kind.renewal_period_start)
        end = self.expire_dt + dt.timedelta(days=self.kind.renewal_period_end + 1) - dt.timedelta(seconds=1)
        return start, end

    def can_renew(self, now: dt.datetime) -> bool:
        start, end = self.renewal_period()
        return start <= now <= end

    def status(self, now: dt.datetime) -> str:
        """The amscore status the preset gives each Tendenci state."""
        if now < self.expire_dt:
            return "active"
        if self.in_grace_period(now):
            return "grace"
        return "lapsed" if self.can_renew(now) else "expired"

    def renew(self, now: dt.datetime) -> dict[str, Any]:
        """What a renewal (or, past the renewal period, a new join) on `now` gives."""
        start, end = self.renewal_period()
        if now < start:
            return {"error": 1401}
        if self.can_renew(now):
            kind = "extend" if now < self.expire_dt else "reinstate"
            new = self.kind.expiration(now, self.join_dt, renewal=True, previous_expire_dt=self.expire_dt)
        else:
            kind = "rejoin"
            new = self.kind.expiration(now, now, renewal=True, previous_expire_dt=None)
        # set_join_dt: join_dt comes from the earlier membership, whatever the path.
        return {"kind": kind, "end": new.date().isoformat(), "member_since": self.join_dt.date().isoformat()}


def engine_for(kind: TendenciType) -> amscore.Engine:
    return amscore.Engine({"version": 1, "preset": "tendenci", "plans": [kind.plan()]})


def ok(response: dict[str, Any]) -> Any:
    assert "ok" in response, response
    return response["ok"]


dates = st.dates(min_value=dt.date(2019, 1, 1), max_value=dt.date(2030, 12, 31))
windows = st.tuples(st.integers(0, 60), st.integers(0, 60), st.integers(0, 45))


@st.composite
def rolling_types(draw: st.DrawFn) -> TendenciType:
    unit = draw(st.sampled_from(["days", "months", "years"]))
    period = draw(st.integers(1, 400)) if unit == "days" else draw(st.integers(1, 3))
    start, end, grace = draw(windows)
    return TendenciType("rolling", period=period, period_unit=unit, renewal_period_start=start,
                        renewal_period_end=end, grace=grace)


def month_days() -> st.SearchStrategy[tuple[int, int]]:
    lengths = {1: 31, 2: 29, 3: 31, 4: 30, 5: 31, 6: 30, 7: 31, 8: 31, 9: 30, 10: 31, 11: 30, 12: 31}
    return st.integers(1, 12).flatmap(lambda m: st.tuples(st.just(m), st.integers(1, lengths[m]) | st.sampled_from([1, lengths[m]])))


@st.composite
def fixed_types(draw: st.DrawFn) -> TendenciType:
    month, day = draw(month_days() | st.sampled_from([(2, 29), (2, 28), (12, 31), (6, 30)]))
    rollover = draw(st.booleans())
    start, end, grace = draw(windows)
    return TendenciType("fixed", fixed_month=month, fixed_day=day, can_rollover=rollover,
                        rollover_days=draw(st.integers(1, 120)) if rollover else 0,
                        renewal_period_start=start, renewal_period_end=end, grace=grace)


def at(day: dt.date, time: dt.time) -> dt.datetime:
    return dt.datetime.combine(day, time)


def check_membership(kind: TendenciType, join: dt.date, later_days: int) -> None:
    """The join's expiry, then the status and a renewal `later_days` after the join."""
    engine = engine_for(kind)
    join_dt = at(join, JOIN_TIME)
    expire_dt = kind.expiration(join_dt, join_dt)
    joined = ok(engine.call({"op": "join_term", "plan": "t", "date": join.isoformat()}))
    assert joined["term"] == {"start": join.isoformat(), "end": expire_dt.date().isoformat()}, (kind, join)

    peer = Membership(kind, join_dt, expire_dt)
    day = join + dt.timedelta(days=later_days)
    member = {"member_id": "M-1", "plan": "t", "member_since": join.isoformat(),
              "term": {"start": join.isoformat(), "end": expire_dt.date().isoformat()}}
    now = at(day, ASK_TIME)
    status = ok(engine.call({"op": "status_on", "membership": member, "date": day.isoformat()}))
    assert status["status"] == peer.status(now), (kind, join, day, status)

    expected = peer.renew(now)
    got = engine.call({"op": "renewal_term", "membership": member, "date": day.isoformat()})
    if "error" in expected:
        assert got.get("error", {}).get("code") == expected["error"], (kind, join, day, got)
        return
    renewal = ok(got)
    assert {"kind": renewal["kind"], "end": renewal["term"]["end"], "member_since": renewal["member_since"]} == expected, (
        kind, join, day, got)


@settings(max_examples=400)
@given(rolling_types(), dates, st.integers(0, 1500))
def test_rolling_types_match_tendenci(kind: TendenciType, join: dt.date, later_days: int) -> None:
    check_membership(kind, join, later_days)


@settings(max_examples=400)
@given(fixed_types(), dates, st.integers(0, 900))
def test_fixed_types_match_tendenci(kind: TendenciType, join: dt.date, later_days: int) -> None:
    check_membership(kind, join, later_days)


@settings(max_examples=200)
@given(st.integers(1, 3), st.integers(0, 31), dates)
def test_rolling_day_of_join_month_matches_tendenci(period: int, day: int, join: dt.date) -> None:
    """rolling_option '1': expires on day X of the join month (joins only; see docs/presets.md)."""
    kind = TendenciType("rolling", period=period, period_unit="years", rolling_option="1", rolling_option1_day=day)
    join_dt = at(join, JOIN_TIME)
    joined = ok(engine_for(kind).call({"op": "join_term", "plan": "t", "date": join.isoformat()}))
    assert joined["term"]["end"] == kind.expiration(join_dt, join_dt).date().isoformat(), (kind, join)


def test_the_peer_restatement_reproduces_the_documented_quirks() -> None:
    """The re-statement itself against the dates docs/presets.md quotes (so the comparison above is
    not two copies of one mistake)."""
    leap = TendenciType("fixed", fixed_month=2, fixed_day=29)
    assert leap.expiration(at(dt.date(2023, 3, 1), JOIN_TIME), at(dt.date(2023, 3, 1), JOIN_TIME)).date() == dt.date(2024, 2, 28)
    monthly = TendenciType("rolling", period=1, period_unit="months")
    early = Membership(monthly, at(dt.date(2024, 4, 20), JOIN_TIME), at(dt.date(2024, 5, 20), JOIN_TIME))
    assert early.renew(at(dt.date(2024, 5, 15), ASK_TIME))["end"] == "2024-06-15"
    dec31 = TendenciType("fixed", fixed_month=12, fixed_day=31)
    before = Membership(dec31, at(dt.date(2024, 6, 15), JOIN_TIME), dt.datetime(2024, 12, 31))
    assert before.renew(at(dt.date(2024, 12, 5), ASK_TIME))["end"] == "2024-12-31"
    assert before.status(at(dt.date(2024, 12, 31), ASK_TIME)) == "lapsed"
