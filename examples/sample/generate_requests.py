#!/usr/bin/env python3
"""Generates examples/sample/requests.jsonl: a deterministic sample of website self-service requests.

Standard library only; the same seed always writes the same file. Each line is one request in the
format of amscore's `SelfServiceRequest`, with the member's facts inline (no roster needed). The mix
is what an association's website sees: mostly renewals and event registrations, then joins,
product orders, cancellations and transfers of registrations, and a tail of exceptions (students
without proof, overdue balances, late cancellations, full events, staff-only profile fields).

Usage: python3 examples/sample/generate_requests.py [count] > examples/sample/requests.jsonl
"""

import datetime as dt
import json
import random
import sys

SEED = 20261124
YEAR_START = dt.date(2026, 1, 1)

# (plan, weight among members); the amscore preset's plans.
MEMBER_PLANS = [
    ("individual", 55), ("chapter", 12), ("fiscal", 6), ("digital", 8), ("retired", 7),
    ("student-y1", 6), ("student-y2", 3), ("corporate", 2), ("lifetime", 1),
]
JOIN_PLANS = [("individual", 60), ("chapter", 10), ("digital", 10), ("student-y1", 10), ("retired", 6),
              ("corporate", 3), ("lifetime", 1)]
DUES = {"individual": "200.00", "chapter": "120.00", "fiscal": "180.00", "digital": "15.00", "retired": "90.00",
        "student-y1": "50.00", "student-y2": "75.00", "corporate": "2500.00", "lifetime": "3000.00"}
WINDOW = {"individual": 90, "chapter": 61, "fiscal": 60, "digital": 10, "retired": 90, "student-y1": 60,
          "student-y2": 60, "corporate": 90}
CATEGORY = {"student-y1": "student", "student-y2": "student", "retired": "retired"}


def pick(rng, weighted):
    return rng.choices([w[0] for w in weighted], weights=[w[1] for w in weighted])[0]


def add_years(d, n):
    try:
        return d.replace(year=d.year + n)
    except ValueError:  # Feb 29
        return d.replace(year=d.year + n, day=28)


def term_ending(plan, end):
    """The current term of `plan` that ends on (or, for calendar plans, around) `end`."""
    if plan in ("chapter", "corporate"):
        return dt.date(end.year, 1, 1), dt.date(end.year, 12, 31)
    if plan == "fiscal":
        y = end.year if end.month >= 7 else end.year - 1
        return dt.date(y, 7, 1), dt.date(y + 1, 6, 30)
    if plan == "digital":
        start = end.replace(day=1)
        nxt = (start + dt.timedelta(days=32)).replace(day=1)
        return start, nxt - dt.timedelta(days=1)
    return add_years(end, -1) + dt.timedelta(days=1), end


def stamp(d, hour, minute=0):
    return f"{d.isoformat()}T{hour:02d}:{minute:02d}"


def money(amount):
    return {"amount": f"{amount:.2f}", "currency": "USD"}


class Gen:
    def __init__(self, seed):
        self.rng = random.Random(seed)
        self.n = 0

    def member(self, plan=None, offset=None, at=None):
        """Facts of a member whose term ends `offset` days after `at` (negative: already ended)."""
        rng = self.rng
        self.n += 1
        plan = plan or pick(rng, MEMBER_PLANS)
        end = at + dt.timedelta(days=offset)
        if plan == "lifetime":
            since = at - dt.timedelta(days=rng.randint(400, 6000))
            term = {"start": since.isoformat(), "end": None}
        else:
            start, end = term_ending(plan, end)
            while start > at:  # a calendar term not started yet: the member holds the one before
                start, end = term_ending(plan, start - dt.timedelta(days=1))
            since = start - dt.timedelta(days=365 * rng.choice([0, 0, 1, 2, 3, 5, 8, 12]))
            term = {"start": start.isoformat(), "end": end.isoformat()}
        membership = {"member_id": f"M-{100000 + self.n}", "plan": plan, "member_since": since.isoformat(),
                      "term": term}
        facts = {"membership": membership, "amount_paid": money(float(DUES[plan]))}
        if plan in CATEGORY and rng.random() < 0.8:
            facts["credentials"] = [CATEGORY[plan]]
        if plan == "corporate":
            facts["seats"] = rng.choice([10, 10, 12, 15, 20])
        r = rng.random()
        if r < 0.04:
            facts["balance_due"] = money(rng.choice([40, 75, 120, 200, 310]))
        elif r < 0.09:
            facts["balance_due"] = money(rng.choice([1.5, 3, 5]))
        if rng.random() < 0.003:
            membership["override"] = {"status": "suspended"}
        return facts

    def at(self):
        day = YEAR_START + dt.timedelta(days=self.rng.randint(0, 364))
        return day, self.rng.choice([7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22])

    def renew(self):
        rng = self.rng
        day, hour = self.at()
        r = rng.random()
        plan = pick(rng, MEMBER_PLANS)
        window = WINDOW.get(plan, 60)
        if r < 0.84:
            offset = rng.randint(-20, window - 1)  # in the window or in grace
        elif r < 0.91:
            offset = rng.randint(window, min(window + 40, 25 if plan == "digital" else 400))  # early
        elif r < 0.97:
            offset = -rng.randint(31, 110)  # lapsed: a reinstatement
        else:
            offset = -rng.randint(200, 500)  # expired
        facts = self.member(plan=plan, offset=offset, at=day)
        end = facts["membership"]["term"]["end"]
        if end:  # calendar terms end where the calendar says: ask `offset` days before that end
            day = dt.date.fromisoformat(end) - dt.timedelta(days=offset)
        terms = 1 if plan.startswith("student") else rng.choice([1, 1, 1, 1, 1, 1, 2, 3])
        return {"at": stamp(day, hour), "member": facts, "action": {"kind": "renew", "terms": terms}}

    def reinstate(self):
        day, hour = self.at()
        facts = self.member(plan=pick(self.rng, MEMBER_PLANS[:5]), offset=-self.rng.randint(25, 110), at=day)
        return {"at": stamp(day, hour), "member": facts, "action": {"kind": "reinstate"}}

    def join(self):
        rng = self.rng
        day, hour = self.at()
        plan = pick(rng, JOIN_PLANS)
        req = {"at": stamp(day, hour), "action": {"kind": "join", "plan": plan}}
        if plan == "corporate":
            req["action"]["seats"] = rng.choice([10, 12, 20, 60])
        if plan in CATEGORY and rng.random() < 0.6:
            req["member"] = {"credentials": [CATEGORY[plan]]}
        elif rng.random() < 0.05:
            # a current member joining again by mistake
            req["member"] = self.member(plan="individual", offset=rng.randint(30, 300), at=day)
        return req

    def event(self, day, hour):
        rng = self.rng
        starts = dt.datetime(day.year, day.month, day.day, hour) + dt.timedelta(hours=rng.randint(30, 1500))
        starts = starts.replace(hour=rng.choice([9, 9, 10, 13, 18]), minute=0)
        capacity = rng.choice([40, 80, 120, 250, 500])
        registered = capacity if rng.random() < 0.05 else rng.randint(0, capacity - 1)
        return {"id": f"EV-{rng.randint(100, 160)}", "starts_at": starts.strftime("%Y-%m-%dT%H:%M"),
                "capacity": capacity, "registered": registered, "members_only": rng.random() < 0.2}

    def register(self):
        rng = self.rng
        day, hour = self.at()
        req = {"at": stamp(day, hour), "action": {"kind": "register_event", "event": self.event(day, hour)}}
        if rng.random() < 0.85:
            req["member"] = self.member(offset=rng.randint(-60, 330), at=day)
        return req

    def registration_change(self, kind):
        rng = self.rng
        day, hour = self.at()
        start = dt.datetime(day.year, day.month, day.day, hour)
        r = rng.random()
        lead = rng.randint(49, 900) if r < 0.8 else rng.randint(0, 48) if r < 0.95 else -rng.randint(1, 6)
        starts = start + dt.timedelta(hours=lead)
        event = {"id": f"EV-{rng.randint(100, 160)}", "starts_at": starts.strftime("%Y-%m-%dT%H:%M"),
                 "capacity": 200, "registered": rng.randint(50, 200)}
        status = rng.choices(["registered", "waitlisted", "unpaid", "attended"], weights=[85, 8, 5, 2])[0]
        action = {"kind": kind, "event": event, "registration": status}
        if kind == "cancel_registration":
            action["paid"] = money(rng.choice([0, 45, 60, 95, 150, 350]))
        return {"at": stamp(day, hour), "member": self.member(offset=rng.randint(10, 300), at=day), "action": action}

    def change_plan(self):
        rng = self.rng
        day, hour = self.at()
        moves = [("individual", "retired"), ("digital", "individual"), ("chapter", "individual"),
                 ("individual", "chapter"), ("student-y2", "individual"), ("retired", "individual"),
                 ("corporate", "individual")]
        frm, to = rng.choice(moves)
        facts = self.member(plan=frm, offset=rng.randint(5, 330), at=day)
        if rng.random() < 0.07:
            facts["scheduled_change"] = "retired"
        return {"at": stamp(day, hour), "member": facts, "action": {"kind": "change_plan", "plan": to}}

    def change_seats(self):
        day, hour = self.at()
        facts = self.member(plan="corporate", offset=self.rng.randint(20, 330), at=day)
        return {"at": stamp(day, hour), "member": facts,
                "action": {"kind": "change_seats", "seats": self.rng.choice([12, 15, 20, 30, 55])}}

    def cancel(self):
        day, hour = self.at()
        facts = self.member(plan=pick(self.rng, MEMBER_PLANS[:6]), offset=self.rng.randint(3, 360), at=day)
        return {"at": stamp(day, hour), "member": facts, "action": {"kind": "cancel_membership"}}

    def product(self):
        rng = self.rng
        day, hour = self.at()
        product = rng.choices(["handbook", "cpd-course", "conference-dvd"], weights=[60, 25, 15])[0]
        action = {"kind": "buy_product", "product": product, "quantity": rng.choice([1, 1, 1, 1, 2, 3, 12]),
                  "member_price": rng.random() < 0.7}
        if product != "cpd-course":
            action["in_stock"] = rng.choice([0, 2, 40, 40, 150, 500])
        req = {"at": stamp(day, hour), "action": action}
        if rng.random() < 0.85:
            req["member"] = self.member(offset=rng.randint(-40, 330), at=day)
        return req

    def profile(self):
        rng = self.rng
        day, hour = self.at()
        field = rng.choices(["email", "address", "phone", "employer", "member_since", "date_of_birth", "designation"],
                            weights=[35, 25, 15, 12, 4, 5, 4])[0]
        return {"at": stamp(day, hour), "member": self.member(offset=rng.randint(10, 300), at=day),
                "action": {"kind": "update_profile", "field": field}}


MIX = [("renew", 40), ("register", 30), ("join", 8), ("product", 5), ("cancel_reg", 5), ("change_plan", 3),
       ("transfer", 2), ("reinstate", 2), ("cancel", 2), ("profile", 2), ("seats", 1)]


def main():
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 3000
    gen = Gen(SEED)
    makers = {
        "renew": gen.renew, "register": gen.register, "join": gen.join, "product": gen.product,
        "cancel_reg": lambda: gen.registration_change("cancel_registration"), "change_plan": gen.change_plan,
        "transfer": lambda: gen.registration_change("transfer_registration"), "reinstate": gen.reinstate,
        "cancel": gen.cancel, "profile": gen.profile, "seats": gen.change_seats,
    }
    out = sys.stdout
    for i in range(count):
        req = makers[pick(gen.rng, MIX)]()
        req = {"id": f"R-{i + 1:05d}", **req}
        out.write(json.dumps(req, separators=(",", ":")) + "\n")


if __name__ == "__main__":
    main()
