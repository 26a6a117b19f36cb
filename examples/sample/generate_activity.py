#!/usr/bin/env python3
"""Generates examples/sample/activity.csv: the sample association's member activity log.

Deterministic (fixed seed, standard library only): run it again and the file is byte-identical.

    python3 examples/sample/generate_activity.py                    # roster.csv -> activity.csv
    python3 examples/sample/generate_activity.py ROSTER.csv OUT.csv # elsewhere (for checks)

It reads the sample roster (examples/sample/roster.csv, written by generate.py) for each member
the roster loader keeps (rows with problems are skipped) and their latest member-since,
cancellation and death dates, and writes a
few years of activity (2023-01-01 to AS_OF) of the kinds declared in the `success` section of policy.json. No
event is dated before a member joined or after they were cancelled or died. Each member gets an
engagement propensity, so the log has quiet members (the at-risk list) and very active ones
(upgrade candidates); onboarding milestones and renewal notices (60 days before a term's end)
are recorded for most members.
"""

import csv
import random
import re
import sys
from datetime import date, timedelta
from pathlib import Path

SEED = 20261124
AS_OF = date(2026, 11, 24)
START = date(2023, 1, 1)
HERE = Path(__file__).resolve().parent
VALID_ID = re.compile(r"^M0\d{3}$")
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
PLANS = {"individual", "student-y1", "student-y2", "chapter", "fiscal", "digital", "retired", "lifetime", "corporate"}
STATUSES = {"pending", "new", "active", "grace", "lapsed", "expired", "cancelled", "suspended", "deceased"}
FLAGS = {"", "yes", "no", "true", "false", "y", "n", "1", "0"}

# kind -> (mean events per year for an average member, value range or None)
KINDS = {
    "login": (8, None),
    "email_opened": (6, None),
    "event_attended": (2, None),
    "course_completed": (1, None),
    "committee": (0.3, None),
    "volunteer_role": (0.3, None),
    "purchase": (1, (20, 400)),
    "donation": (0.4, (25, 500)),
}

rng = random.Random(SEED)


def parse(text):
    if not ISO_DATE.match(text or ""):
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def usable(row):
    """Whether the roster loader keeps the row: the sample's deliberately bad rows each fail one
    of these checks (a mirror of amscore's roster checks, enough for the sample's problems)."""
    since, start, end = parse(row["member_since"]), parse(row["term_start"]), parse(row["term_end"])
    if not VALID_ID.match(row["member_id"] or "") or row["plan"] not in PLANS or not since or not start:
        return False
    if (row["plan"] == "lifetime") != (row["term_end"] == ""):
        return False
    if row["term_end"] and (not end or end < start or since > end):
        return False
    if any(row.get(k) and not parse(row[k]) for k in ("cancelled_on", "deceased_on", "override_until")):
        return False
    if row.get("override_status") and row["override_status"] not in STATUSES:
        return False
    if row.get("currency") not in ("", "USD", None):
        return False
    if row.get("amount_paid") and not re.match(r"^\d+(\.\d{1,2})?$", row["amount_paid"]):
        return False
    return (row.get("pending") or "").lower() in FLAGS


def read_roster(path):
    """member id -> (join, last day active, term ends) from the roster's valid rows."""
    members = {}
    ends = {}
    with open(path, newline="") as f:
        for row in csv.DictReader(f):
            if not usable(row):
                continue
            mid = row["member_id"]
            since = parse(row["member_since"])
            end = parse(row.get("term_end") or "")
            if end:
                ends.setdefault(mid, set()).add(end)
            gone = [d for d in (parse(row.get("cancelled_on") or ""), parse(row.get("deceased_on") or "")) if d]
            join, last = members.get(mid, (since, AS_OF))
            join = max(join, since)
            last = min([last] + [d - timedelta(days=1) for d in gone])
            members[mid] = (join, last)
    return {mid: (join, last, sorted(ends.get(mid, ()))) for mid, (join, last) in members.items()}


def day_between(lo, hi):
    return lo + timedelta(days=rng.randint(0, (hi - lo).days))


def events_for(mid, join, last, term_ends):
    out = []
    lo = max(join, START)
    if last < lo:
        return out
    span_years = ((last - lo).days + 1) / 365.25
    # A quarter of members are quiet, a tenth very active.
    r = rng.random()
    propensity = 0.1 if r < 0.25 else 3.0 if r > 0.9 else rng.uniform(0.5, 1.5)
    # Activity fades for some members towards the end (drifting away).
    fading = rng.random() < 0.3
    for kind, (per_year, values) in KINDS.items():
        n = int(per_year * propensity * span_years + rng.random())
        for _ in range(n):
            d = day_between(lo, last)
            if fading and d > AS_OF - timedelta(days=240) and rng.random() < 0.8:
                continue
            value = "" if values is None else f"{rng.randint(*values)}.00"
            out.append((mid, d, kind, value))
    # Onboarding milestones for members who joined in the log's time span.
    if join >= START and rng.random() < 0.9:
        out.append((mid, min(join + timedelta(days=rng.randint(0, 4)), last), "welcome_sent", ""))
    if join >= START and join + timedelta(days=85) <= last and rng.random() < 0.6:
        out.append((mid, join + timedelta(days=rng.randint(80, 100)), "check_in", ""))
    # Renewal notices 60 days before most term ends.
    for end in term_ends:
        d = end - timedelta(days=60 - rng.randint(0, 3))
        if lo <= d <= last and rng.random() < 0.7:
            out.append((mid, d, "renewal_notice", ""))
    return out


def main(argv):
    roster = Path(argv[1]) if len(argv) > 1 else HERE / "roster.csv"
    out_path = Path(argv[2]) if len(argv) > 2 else HERE / "activity.csv"
    members = read_roster(roster)
    rows = []
    for mid in sorted(members):
        join, last, term_ends = members[mid]
        rows.extend(events_for(mid, join, last, term_ends))
    rows.sort(key=lambda r: (r[1], r[0], r[2], r[3]))
    with open(out_path, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["member_id", "date", "kind", "value"])
        for mid, d, kind, value in rows:
            w.writerow([mid, d.isoformat(), kind, value])
    print(f"{len(rows)} events for {len(members)} members -> {out_path}")


if __name__ == "__main__":
    main(sys.argv)
