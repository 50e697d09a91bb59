"""Small builders for Lincang cases: evaluate through the real pipeline and pick results."""
from __future__ import annotations

from decimal import Decimal

from xuefen.evaluate import evaluate
from xuefen.io.case import parse_case
from tests.evaluation import entry, refusal  # noqa: F401  (re-exported to this folder's tests)


def case(activities, *, as_of="2019-12-31", settings=None, **teacher):
    t = {"id": "T-LC-TEST", "stage": "junior", "hired_on": "2008-09-01", "cycle_start": "2019-01-01"}
    t.update(teacher)
    data = {"region": "lincang", "as_of": as_of, "teacher": t, "activities": activities}
    if settings:
        data["settings"] = settings
    return evaluate(parse_case(data)).as_json()


def act(id, kind="training", date="2019-05-10", **fields):
    return {"id": id, "kind": kind, "date": date, **fields}


def county(id, date="2019-05-10", **fields):
    """A county training, centralized, graded 合格 (coefficient 0.10) unless told otherwise."""
    fields = {"level": "county", "delivery": "centralized", "rate": 1, "score": 60, **fields}
    return act(id, "training", date, **fields)


def school(id, date="2019-06-10", **fields):
    fields = {"level": "school", "rate": 1, "score": 60, **fields}
    return act(id, "school_based", date, **fields)


def full_year(year, prefix=""):
    """Activities meeting every annual requirement: 48 county hours, 24 school-based, 72+ credits per module."""
    d = f"{year}-05-10"
    p = prefix or f"y{year}-"
    return [
        county(p + "eth", d, hours=6, module="ethics"),
        county(p + "kno", d, hours=12, module="knowledge", self_selected=True),
        county(p + "abi", d, hours=24, module="ability", self_selected=True),
        county(p + "cls", d, hours=6, module="class_management"),
        school(p + "sb", f"{year}-06-10", hours=24),
    ]


def amount(ev, activity, unit):
    return sum((Decimal(e[unit]) for e in ev["entries"] if e["activity"] == activity and e[unit] is not None),
               Decimal(0))


def year_req(ev, year, rule, n=0):
    for y in ev["years"]:
        if y["year"] == year:
            hits = [r for r in y["requirements"] if r["rule"] == rule]
            return hits[n] if len(hits) > n else None
    return None


def cycle_req(ev, rule):
    for r in ev["cycle"]["requirements"]:
        if r["rule"] == rule:
            return r
    return None


def warnings(ev, rule):
    return [w for w in ev["warnings"] if w["rule"] == rule]
