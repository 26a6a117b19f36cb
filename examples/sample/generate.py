#!/usr/bin/env python3
"""Generates examples/sample/roster.csv: the sample association's term history, 2019-2026.

Deterministic (fixed seed, standard library only): run it again and the file is byte-identical.

    python3 examples/sample/generate.py            # rewrites roster.csv, prints the counts
    python3 examples/sample/generate.py OUT.csv    # writes elsewhere (scripts/test.sh compares)

Every member is built *for* a status on AS_OF (2026-11-24) under examples/sample/policy.json
(the amscore preset's plans and windows), so the expected counts are known by construction:
see STATUS_COUNTS and BAD_ROWS below, which core/tests/sample_roster.rs asserts exactly.
After the valid rows, deliberately bad rows are added: each has exactly one problem.
"""

import csv
import random
import sys
from datetime import date, timedelta
from pathlib import Path

SEED = 20261124
AS_OF = date(2026, 11, 24)
FIRST_YEAR = 2019
HERE = Path(__file__).resolve().parent

COLUMNS = [
    "member_id", "plan", "member_since", "term_start", "term_end", "pending", "cancelled_on",
    "deceased_on", "override_status", "override_until", "amount_paid", "currency",
]

DUES = {
    "individual": "200.00", "student-y1": "50.00", "student-y2": "75.00", "chapter": "120.00",
    "fiscal": "180.00", "digital": "15.00", "retired": "90.00", "lifetime": "3000.00",
    "corporate": "2500.00",
}
ROLLING = {"individual", "student-y1", "student-y2", "retired"}

rng = random.Random(SEED)
day = timedelta(days=1)


def pick(lo, hi):
    """A random date in [lo, hi] whose day of month is at most 28 (no month-end ambiguity)."""
    while True:
        d = lo + timedelta(days=rng.randint(0, (hi - lo).days))
        if d.day <= 28:
            return d


def years(d, n):
    return d.replace(year=d.year + n)


def rolling(start):
    """A 1-year rolling term: ends the day before the anniversary."""
    return (start, years(start, 1) - day)


def calendar_year(year, anchor_month=1, periods=1):
    start = date(year, anchor_month, 1)
    return (start, years(start, periods) - day)


def month(y, m):
    start = date(y, m, 1)
    nxt = date(y + (m == 12), m % 12 + 1, 1)
    return (start, nxt - day)


def prev_month(y, m):
    return (y - (m == 1), 12 if m == 1 else m - 1)


class Member:
    def __init__(self, status):
        self.status = status
        self.terms = []  # (plan, member_since, (start, end))
        self.facts = {}  # facts on the latest row

    def rows(self, member_id):
        out = []
        for i, (plan, since, (start, end)) in enumerate(sorted(self.terms, key=lambda t: t[2][0])):
            latest = i == len(self.terms) - 1
            row = dict.fromkeys(COLUMNS, "")
            row.update(member_id=member_id, plan=plan, member_since=since.isoformat(),
                       term_start=start.isoformat(), term_end=end.isoformat() if end else "")
            if start.year >= 2021:  # older rows came from a system that did not keep payments
                row["amount_paid"] = DUES[plan]
                row["currency"] = "USD" if rng.random() < 0.8 else ""
            if rng.random() < 0.15:
                row["pending"] = "no"
            if latest:
                row.update(self.facts)
            out.append(row)
        return out


def rolling_history(m, plans, latest_start, since=None, max_back=6):
    """Contiguous 1-year rolling terms ending with one that starts on latest_start.

    `plans` is the plan of each term from the latest backwards; the last entry repeats."""
    back = rng.randint(0, max_back)
    while back and years(latest_start, -back) < date(FIRST_YEAR, 1, 1):
        back -= 1
    starts = [years(latest_start, -k) for k in range(back, -1, -1)]
    since = since or starts[0]
    for k, s in enumerate(starts):
        idx = len(starts) - 1 - k
        m.terms.append((plans[min(idx, len(plans) - 1)], since, rolling(s)))
    return since


def calendar_history(m, plan, last_year, anchor_month=1, first_year=None):
    first_year = first_year or rng.randint(max(FIRST_YEAR, last_year - 6), last_year)
    first = date(first_year, anchor_month, 1)
    # Joined before the rollover, and more than 3 months before AS_OF (so not `new`).
    since = pick(first, min(first + timedelta(days=200), AS_OF - timedelta(days=120)))
    for y in range(first_year, last_year + 1):
        m.terms.append((plan, since, calendar_year(y, anchor_month)))
    return since


def digital_history(m, last, min_months=1):
    """Monthly terms ending with the month `last`, joined before the rollover day (the 20th)."""
    y, mo = last
    months = rng.randint(min_months, 18)
    first = (y, mo)
    for _ in range(months - 1):
        first = prev_month(*first)
    since = pick(date(first[0], first[1], 1), date(first[0], first[1], 19))
    cur = first
    while True:
        m.terms.append(("digital", since, month(*cur)))
        if cur == last:
            break
        cur = (cur[0] + (cur[1] == 12), cur[1] % 12 + 1)


# --- members, by the status they have on AS_OF -------------------------------------------------

def active(plan):
    m = Member("active")
    if plan in ("individual", "retired"):
        s = pick(date(2025, 11, 25), date(2026, 8, 15))
        if plan == "individual" and rng.random() < 0.12:
            # Progressed from student: y1, y2, then individual.
            since = years(s, -2)
            m.terms += [("student-y1", since, rolling(since)), ("student-y2", since, rolling(years(s, -1))),
                        ("individual", since, rolling(s))]
        elif plan == "individual" and rng.random() < 0.1:
            # Rejoined: an older block of terms, a gap of more than a year, then member-since resets.
            old = pick(date(2019, 1, 1), date(2020, 6, 30))
            m.terms += [("individual", old, rolling(old)), ("individual", old, rolling(years(old, 1)))]
            rolling_history(m, [plan], s, max_back=1)
        else:
            rolling_history(m, [plan], s)
    elif plan == "student-y1":
        s = pick(date(2025, 12, 1), date(2026, 8, 15))
        m.terms.append((plan, s, rolling(s)))
    elif plan == "student-y2":
        s = pick(date(2025, 12, 1), date(2026, 8, 15))
        first = years(s, -1)
        m.terms += [("student-y1", first, rolling(first)), ("student-y2", first, rolling(s))]
    elif plan == "chapter":
        calendar_history(m, plan, 2026)
    elif plan == "chapter-renewed-early":
        calendar_history(m, "chapter", 2027, first_year=rng.randint(2019, 2025))
    elif plan == "fiscal":
        calendar_history(m, plan, 2026, anchor_month=7)
    elif plan == "digital":
        digital_history(m, (2026, 11), min_months=4)  # joined by August: not `new`
        if rng.random() < 0.4:
            # Bought the next twelve months at once.
            m.terms.append(("digital", m.terms[0][1], (date(2026, 12, 1), date(2027, 11, 30))))
    elif plan == "corporate":
        calendar_history(m, plan, 2026)
    elif plan == "lifetime":
        s = pick(date(2020, 1, 1), date(2026, 7, 31))
        since = s
        if rng.random() < 0.7:
            since = rolling_history(m, ["individual"], years(s, -1), max_back=3)
        m.terms.append(("lifetime", since, (s, None)))
    return m


def new(plan):
    m = Member("new")
    j = pick(date(2026, 9, 1), date(2026, 11, 20))
    if plan in ROLLING or plan == "lifetime":
        m.terms.append((plan, j, rolling(j) if plan != "lifetime" else (j, None)))
    elif plan == "chapter":
        # Joining on or after the rollover (Oct 1) buys the rest of 2026 and all of 2027.
        m.terms.append((plan, j, calendar_year(2026, periods=2 if j >= date(2026, 10, 1) else 1)))
    elif plan == "digital":
        j = pick(date(2026, 9, 1), date(2026, 9, 19))
        for mo in (9, 10, 11):
            m.terms.append((plan, j, month(2026, mo)))
    return m


def ended(status, plan, end_lo, end_hi):
    """A member whose rolling plan's latest term ended in [end_lo, end_hi]."""
    m = Member(status)
    start = pick(years(end_lo, -1) + day, years(end_hi, -1) + day)
    if plan == "student-y2":
        first = years(start, -1)
        m.terms += [("student-y1", first, rolling(first)), ("student-y2", first, rolling(start))]
    elif plan == "student-y1":
        m.terms.append((plan, start, rolling(start)))
    else:
        rolling_history(m, [plan], start)
    return m


def grace(plan):
    # Grace is 30 days after the end: end in [AS_OF - 30, AS_OF - 1].
    return ended("grace", plan, AS_OF - timedelta(days=29), AS_OF - timedelta(days=2))


def lapsed(plan):
    m = Member("lapsed")
    if plan in ("individual", "retired"):  # grace 30 days, then 6 months to reinstate
        return ended("lapsed", plan, date(2026, 6, 15), date(2026, 10, 15))
    if plan == "student-y1":  # grace 30 days, then 3 months
        return ended("lapsed", plan, date(2026, 8, 15), date(2026, 10, 15))
    if plan == "chapter":  # 2025 ended Dec 31; grace to Jan 31; reinstate to Dec 31, 2026
        calendar_history(m, plan, 2025)
    elif plan == "fiscal":  # ended Jun 30, 2026; grace 60 days; reinstate 6 months
        calendar_history(m, plan, 2026, anchor_month=7)
        m.terms.pop()
        if not m.terms:
            calendar_history(m, plan, 2025, anchor_month=7, first_year=2025)
    elif plan == "digital":  # October ended; grace 7 days; reinstate 1 month
        digital_history(m, (2026, 10))
    return m


def expired(plan):
    m = Member("expired")
    if plan in ("individual", "retired"):
        return ended("expired", plan, date(2019, 6, 1), date(2026, 3, 31))
    if plan in ("student-y1", "student-y2"):
        return ended("expired", plan, date(2020, 6, 1), date(2026, 6, 30))
    if plan == "chapter":
        calendar_history(m, plan, rng.randint(2019, 2024))
    elif plan == "fiscal":
        calendar_history(m, plan, rng.randint(2019, 2024), anchor_month=7)
    elif plan == "digital":
        digital_history(m, (rng.randint(2021, 2025), rng.randint(1, 12)) if rng.random() < 0.6 else (2026, 9))
    elif plan == "corporate":
        calendar_history(m, plan, rng.randint(2019, 2025))
    return m


def with_facts(m, status, **facts):
    m.status = status
    m.facts.update(facts)
    return m


def build_members():
    specs = []

    def add(n, make, *args):
        specs.extend((make, args) for _ in range(n))

    add(70, active, "individual")
    add(20, active, "retired")
    add(10, active, "student-y1")
    add(8, active, "student-y2")
    add(25, active, "chapter")
    add(5, active, "chapter-renewed-early")
    add(20, active, "fiscal")
    add(12, active, "digital")
    add(8, active, "corporate")
    add(7, active, "lifetime")
    add(12, new, "individual")
    add(6, new, "student-y1")
    add(3, new, "retired")
    add(4, new, "digital")
    add(3, new, "chapter")
    add(2, new, "lifetime")
    add(12, grace, "individual")
    add(4, grace, "retired")
    add(2, grace, "student-y1")
    add(2, grace, "student-y2")
    add(12, lapsed, "individual")
    add(4, lapsed, "retired")
    add(3, lapsed, "student-y1")
    add(8, lapsed, "chapter")
    add(5, lapsed, "fiscal")
    add(3, lapsed, "digital")
    add(30, expired, "individual")
    add(6, expired, "retired")
    add(4, expired, "student-y1")
    add(2, expired, "student-y2")
    add(10, expired, "chapter")
    add(6, expired, "fiscal")
    add(8, expired, "digital")
    add(4, expired, "corporate")
    members = [make(*args) for make, args in specs]

    # Statuses that come from facts rather than dates.
    for _ in range(8):  # applied for a student membership this month, awaiting proof of enrolment
        j = pick(date(2026, 11, 2), AS_OF)
        members.append(with_facts(Member(""), "pending", pending=rng.choice(["yes", "true", "Y"])))
        members[-1].terms.append(("student-y1", j, rolling(j)))
    for _ in range(4):  # retired applications awaiting approval
        j = pick(date(2026, 10, 15), AS_OF)
        members.append(with_facts(Member(""), "pending", pending="yes"))
        members[-1].terms.append(("retired", j, rolling(j)))
    for plan in ["individual"] * 10 + ["chapter"] * 3 + ["corporate"] * 2:
        m = active(plan)
        start, end = max(m.terms, key=lambda t: t[2][0])[2]
        members.append(with_facts(m, "cancelled", cancelled_on=pick(start, min(end, AS_OF)).isoformat()))
    for _ in range(5):  # staff hold, open-ended or until next year
        until = rng.choice(["", "2027-01-31", AS_OF.isoformat()])
        members.append(with_facts(active("individual"), "suspended", override_status="suspended",
                                  override_until=until))
    for plan in ["individual", "individual", "retired", "retired", "lifetime", "chapter"]:
        m = active(plan)
        start = max(m.terms, key=lambda t: t[2][0])[2][0]
        members.append(with_facts(m, "deceased", deceased_on=pick(max(start, date(2026, 1, 1)), AS_OF).isoformat()))
    for _ in range(3):  # a hold that ended: the dates decide again
        members.append(with_facts(active("individual"), "active", override_status="suspended",
                                  override_until="2026-06-30"))
    for _ in range(2):  # comped by staff while lapsed
        members.append(with_facts(lapsed("individual"), "active", override_status="active",
                                  override_until="2027-03-31"))
    rng.shuffle(members)
    return members


# --- bad rows ----------------------------------------------------------------------------------

def row(member_id, plan, since, start, end, **extra):
    r = dict.fromkeys(COLUMNS, "")
    r.update(member_id=member_id, plan=plan, member_since=since, term_start=start, term_end=end, **extra)
    return r


def bad_rows(members_rows, next_id):
    """Rows with exactly one problem each: (kind, row, attached member id or None)."""
    ids = sorted(members_rows)
    bad = []

    def standalone():
        nonlocal next_id
        next_id += 1
        return f"M{next_id:04d}"

    def some_member():
        return rng.choice(ids)

    def old_term():
        # A 2018 term: before every valid term, so it cannot clash with one.
        s = pick(date(2018, 1, 1), date(2018, 6, 30))
        return s.isoformat(), s.isoformat(), (years(s, 1) - day).isoformat()

    def base(mid=None):
        mid = mid or standalone()
        since, s, e = old_term()
        return mid, since, s, e

    # missing_value: an empty required value.
    for field in ["member_since", "term_start", "term_end", "member_id", "member_since",
                  "term_end", "term_start", "member_since", "term_end", "plan"]:
        mid, since, s, e = base(some_member() if rng.random() < 0.5 else None)
        r = row(mid, "individual", since, s, e, amount_paid="200.00", currency="USD")
        r[field] = ""
        bad.append(("missing_value", r))
    # impossible_date
    for text, field in [("2025-02-30", "term_end"), ("2026-04-31", "term_end"), ("2025-13-01", "term_start"),
                        ("03/15/2024", "member_since"), ("2024-2-5", "term_start"), ("2023-00-10", "member_since"),
                        ("2021-02-29", "term_end"), ("20240101", "term_start"), ("2026-11-31", "cancelled_on"),
                        ("yesterday", "deceased_on")]:
        mid, since, s, e = base(some_member() if rng.random() < 0.5 else None)
        r = row(mid, "individual", since, s, e)
        r[field] = text
        if field == "term_start":
            r["term_end"] = "2018-12-31"
            r["member_since"] = "2018-01-01"
        bad.append(("impossible_date", r))
    # term_end_before_start
    for _ in range(10):
        mid, since, s, e = base(some_member() if rng.random() < 0.5 else None)
        start = date.fromisoformat(s)
        end = start - timedelta(days=rng.choice([1, 30, 365]))
        bad.append(("term_end_before_start", row(mid, "individual", end.isoformat(), s, end.isoformat())))
    # plan_not_in_policy
    for plan in ["gold", "Individual", "student", "family", "emeritus", "gold", "platinum", "INDIVIDUAL",
                 "student-y3", "associate"]:
        mid, since, s, e = base(some_member() if rng.random() < 0.5 else None)
        bad.append(("plan_not_in_policy", row(mid, plan, since, s, e)))
    # overlapping_terms: a second term of a member that starts inside their latest term.
    rolling_members = [i for i in ids if members_rows[i][-1]["plan"] in ("individual", "retired")
                       and members_rows[i][-1]["term_end"]]
    for mid in rng.sample(rolling_members, 10):
        last = members_rows[mid][-1]
        start = date.fromisoformat(last["term_start"]) + timedelta(days=rng.randint(1, 200))
        start = start.replace(day=min(start.day, 28))
        bad.append(("overlapping_terms", row(mid, last["plan"], last["member_since"], start.isoformat(),
                                             (years(start, 1) - day).isoformat(), amount_paid="200.00")))
    # duplicate_term_record: a row exported twice.
    for mid in rng.sample([i for i in ids if i not in {b[1]["member_id"] for b in bad}], 10):
        bad.append(("duplicate_term_record", dict(rng.choice(members_rows[mid]))))
    # wrong_currency
    for cur in ["EUR", "CAD", "GBP", "EUR", "AUD", "CHF", "CAD", "EUR", "GBP", "JPY"]:
        mid, since, s, e = base(some_member() if rng.random() < 0.5 else None)
        amount = "200" if cur == "JPY" else "200.00"
        bad.append(("wrong_currency", row(mid, "individual", since, s, e, amount_paid=amount, currency=cur)))
    # unparsable_amount
    for amount in ["$200.00", "200,00", "two hundred", "-50.00", "200.005", "1e3", "200 USD", "--5", "12.5.0",
                   "N/A"]:
        mid, since, s, e = base(some_member() if rng.random() < 0.5 else None)
        bad.append(("unparsable_amount", row(mid, "individual", since, s, e, amount_paid=amount, currency="USD")))
    # unparsable_flag
    for flag in ["maybe", "pending", "2", "?", "yess", "t", "f", "-", "si", "unknown"]:
        mid, since, s, e = base(some_member() if rng.random() < 0.5 else None)
        bad.append(("unparsable_flag", row(mid, "individual", since, s, e, pending=flag)))
    # invalid_currency_code
    for cur in ["US$", "DOLLARS", "USDD", "$"]:
        mid, since, s, e = base()
        bad.append(("invalid_currency_code", row(mid, "individual", since, s, e, amount_paid="200.00",
                                                 currency=cur)))
    # unparsable_status
    for status in ["on hold", "frozen", "inactive", "current"]:
        mid, since, s, e = base()
        bad.append(("unparsable_status", row(mid, "individual", since, s, e, override_status=status)))
    # member_since_after_term_end
    for _ in range(4):
        mid, since, s, e = base()
        bad.append(("member_since_after_term_end", row(mid, "individual", "2020-05-01", s, e)))
    # lifetime_term_has_end
    for _ in range(4):
        mid, since, s, e = base()
        bad.append(("lifetime_term_has_end", row(mid, "lifetime", since, s, e, amount_paid="3000.00")))
    # malformed_row: too few or too many values (written raw, see main)
    for n in [3, 5, 13, 14]:
        bad.append(("malformed_row", n))
    return bad


def main():
    members = build_members()
    members_rows = {}
    statuses = {}
    for i, m in enumerate(members, start=1):
        mid = f"M{i:04d}"
        members_rows[mid] = m.rows(mid)
        statuses[m.status] = statuses.get(m.status, 0) + 1
    bad = bad_rows(members_rows, len(members))

    # Each member's rows, then any bad rows attached to them; standalone bad rows get their own ids.
    attached = {}
    for kind, r in bad:
        key = r["member_id"] if isinstance(r, dict) else f"~malformed-{r}"
        attached.setdefault(key, []).append((kind, r))
    writer_rows = []
    for mid in sorted(set(members_rows) | set(attached)):
        for r in members_rows.get(mid, []):
            writer_rows.append(r)
        for kind, r in attached.get(mid, []):
            writer_rows.append(r)

    path = Path(sys.argv[1]) if len(sys.argv) > 1 else HERE / "roster.csv"
    with path.open("w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(COLUMNS)
        for r in writer_rows:
            if isinstance(r, int):
                values = [f"M{9000 + r:04d}", "individual", "2020-01-01", "2020-01-01", "2020-12-31",
                          "", "", "", "", "", "", "", "", ""][:r]
                w.writerow(values)
            else:
                w.writerow([r[c] for c in COLUMNS])

    kinds = {}
    for kind, _ in bad:
        kinds[kind] = kinds.get(kind, 0) + 1
    good = sum(len(v) for v in members_rows.values())
    print(f"members: {len(members)}  rows: {good + len(bad)} ({good} valid, {len(bad)} bad)")
    print("status on", AS_OF, dict(sorted(statuses.items())))
    print("bad rows by kind", dict(sorted(kinds.items())))


if __name__ == "__main__":
    main()
