"""Small builders for Kunming cases: evaluate through the real pipeline and pick results."""
from __future__ import annotations

from decimal import Decimal

from xuefen.evaluate import evaluate
from xuefen.io.case import parse_case
from tests.evaluation import entry, refusal  # noqa: F401  (re-exported to this folder's tests)


def case(activities, *, as_of="2015-12-31", settings=None, **teacher):
    t = {"id": "T-KM-TEST", "stage": "primary", "hired_on": "2008-09-01", "cycle_start": "2015-02-01"}
    t.update(teacher)
    data = {"region": "kunming", "as_of": as_of, "teacher": t, "activities": activities}
    if settings:
        data["settings"] = settings
    return evaluate(parse_case(data)).as_json()


def act(id, kind, date="2015-05-10", **fields):
    return {"id": id, "kind": kind, "date": date, **fields}


def hours(ev, activity):
    return sum((Decimal(e["hours"]) for e in ev["entries"] if e["activity"] == activity), Decimal(0))


def year_req(ev, year, rule):
    for y in ev["years"]:
        if y["year"] == year:
            for r in y["requirements"]:
                if r["rule"] == rule:
                    return r
    return None


def cycle_req(ev, rule):
    for r in ev["cycle"]["requirements"]:
        if r["rule"] == rule:
            return r
    return None
