"""A teacher's activities approved one after another in one batch: what the final stage's conversion costs.

The final approval of an activity converts it with the teacher's approved activities and those approved
before it in the batch (xuefen.claims.bulk). A batch holding many activities of one teacher is what a
bureau moving years of records into the registry approves: 60 activities a teacher for a 5-year cycle.
Each strategy gets the same teachers; the floor is one pass converting each activity once
(``convert_all`` over all of them), measured in the same run.

Strategies:

* ``floor``: ``convert_all`` once over the teacher's activities.
* ``all_again``: ``convert_all`` over those approved so far at each approval (before ``Converting``:
  k(k+1)/2 conversions for k activities).
* ``converting_id_order``: ``Converting.add`` in the activities' id order (a queue's order: claim ids; the
  dates shuffled against it), only the activities after the added one converted again.
* ``converting_date_order``: ``Converting.add`` in date order: each converted once.

Usage: python bench/bench_converting.py [N_TEACHERS] [ACTIVITIES_PER_TEACHER]   (default 200 60)
"""
from __future__ import annotations

import sys
import time

from bench_evaluate import make_cases

from xuefen.evaluate import Converting, convert_all
from xuefen.regions import runtime


def floor(rt, cases):
    """One pass: each activity converted once."""
    for c in cases:
        convert_all(rt, c.teacher, c.activities, as_of=c.as_of)


def all_again(rt, cases):
    """Every approval converts the teacher's approved activities again."""
    for c in cases:
        prior = []
        for a in c.activities:
            convert_all(rt, c.teacher, prior + [a], as_of=c.as_of)
            prior.append(a)


def converting_id_order(rt, cases):
    """Converting.add in id order (dates shuffled against it)."""
    for c in cases:
        conv = Converting(rt, c.teacher, [], as_of=c.as_of)
        for a in c.activities:
            conv.add(a)


def converting_date_order(rt, cases):
    """Converting.add in date order."""
    for c in cases:
        conv = Converting(rt, c.teacher, [], as_of=c.as_of)
        for a in sorted(c.activities, key=lambda a: (a.date, a.id)):
            conv.add(a)


def run(n: int, per_teacher: int) -> list[tuple[str, float]]:
    cases = make_cases(n, per_teacher=per_teacher)
    rt = runtime("kunming")
    out = []
    for fn in (floor, all_again, converting_id_order, converting_date_order):
        t = time.process_time()
        fn(rt, cases)
        out.append((fn.__name__, time.process_time() - t))
    return out


if __name__ == "__main__":
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    k = int(sys.argv[2]) if len(sys.argv) > 2 else 60
    res = run(n, k)
    base = res[0][1]
    print(f"{n} teachers x {k} activities approved one after another in one batch (Kunming; CPU time)")
    for name, secs in res:
        print(f"  {name:22s} {secs / n * 1000:8.2f} ms a teacher   {secs / base:6.1f} x floor")
