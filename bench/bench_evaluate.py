"""Full 5-year evaluation throughput, in the shape of SQLAlchemy's performance suite.

Each strategy is a function with a one-line docstring, run on the same teachers;
the report gives teachers per second and the ratio to the machine's floor (a
bare pass over the same activities that only sums hours), measured in the same
run. Usage: python bench/bench_evaluate.py [N_TEACHERS]
"""
from __future__ import annotations

import datetime as dt
import random
import sys
import time
from decimal import Decimal

from xuefen.evaluate import Case, evaluate, evaluate_many
from xuefen.model import Activity, Teacher
from xuefen.regions import runtime

KINDS = [("training", "city"), ("training", "county"), ("school_based", "school"), ("training", "national"),
         ("trainer", "county"), ("volunteer_teaching", "county"), ("self_study_exam", None)]


def make_cases(n: int, seed: int = 7, per_teacher: int = 20) -> list[Case]:
    rng = random.Random(seed)
    start = dt.date(2015, 2, 1)
    cases = []
    for i in range(n):
        t = Teacher(id=f"B{i:06d}", stage=rng.choice(["primary", "junior", "senior"]), cycle_start=start,
                    hired_on=dt.date(2005, 9, 1))
        acts = []
        for j in range(per_teacher):
            kind, level = rng.choice(KINDS)
            day = start + dt.timedelta(days=rng.randrange(0, 5 * 365))
            acts.append(Activity(f"a{j}", kind, day, level=level, hours=Decimal(rng.randrange(4, 40)),
                                 events=rng.randrange(1, 4), assessment=rng.choice(["pass", "pass", "excellent"])))
        cases.append(Case("kunming", dt.date(2020, 1, 31), t, tuple(acts)))
    return cases


def floor(cases):
    """Machine floor: one pass summing every activity's hours per teacher (no rules)."""
    out = []
    for c in cases:
        total = Decimal(0)
        for a in c.activities:
            total += a.hours or 0
        out.append(total)
    return out


def one_by_one(cases):
    """evaluate() per teacher, resolving the region each time."""
    return [evaluate(c) for c in cases]


def batch(cases):
    """evaluate_many(): the region's manager and settings built once for the batch."""
    return evaluate_many(cases)


def run(n: int) -> list[tuple[str, float]]:
    cases = make_cases(n)
    runtime("kunming")
    results = []
    for fn in (floor, one_by_one, batch):
        t0 = time.perf_counter()
        fn(cases)
        results.append((fn.__name__, time.perf_counter() - t0))
    return results


if __name__ == "__main__":
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    res = run(n)
    base = res[0][1]
    print(f"{n} teachers x 20 activities, full 5-year Kunming evaluation")
    for name, secs in res:
        print(f"  {name:12s} {n / secs:12,.0f} teachers/s   {secs / base:8.1f} x floor   ({secs:.3f} s)")
