"""Small builders for Suzhou District (suzhou-jq) cases: evaluate through the real pipeline and pick results."""
from __future__ import annotations

from decimal import Decimal

from xuefen.evaluate import evaluate
from xuefen.io.case import parse_case
from tests.evaluation import entry, refusal  # noqa: F401  (re-exported to this folder's tests)

CODE = "suzhou-jq"


def case(activities, *, as_of="2016-12-31", settings=None, **teacher):
    t = {"id": "T-SZ-TEST", "stage": "primary", "hired_on": "2008-09-01"}
    t.update(teacher)
    data = {"region": CODE, "as_of": as_of, "teacher": {k: v for k, v in t.items() if v is not None},
            "activities": activities}
    if settings:
        data["settings"] = settings
    return evaluate(parse_case(data)).as_json()


def act(id, kind="training", date="2016-05-10", **fields):
    return {"id": id, "kind": kind, "date": date, **fields}


def district(id, date="2016-05-10", **fields):
    """A district (county-level) training, passed."""
    return act(id, "training", date, **{"level": "county", "assessment": "pass", **fields})


def school(id, date="2016-06-10", **fields):
    """A school-based training record, passed; ``events`` topics."""
    return act(id, "school_based", date, **{"level": "school", "assessment": "pass", **fields})


def full_year(year, prefix=""):
    """Exactly the year's minimums: 24 of district training, 16 school-based (8 topics), 2 of research."""
    p = prefix or f"y{year}-"
    return [district(p + "d", f"{year}-04-10", hours=24), school(p + "s", f"{year}-06-10", events=8),
            act(p + "o", "open_class", f"{year}-10-10", level="school", events=2)]


def amount(ev, activity):
    return sum((Decimal(e["credits"]) for e in ev["entries"] if e["activity"] == activity and e["credits"]),
               Decimal(0))


def year_req(ev, year, rule, label=None):
    for y in ev["years"]:
        if y["year"] == year:
            hits = [r for r in y["requirements"] if r["rule"] == rule and (label is None or r.get("label") == label)]
            return hits[0] if hits else None
    return None


def year_of(ev, year):
    return next((y for y in ev["years"] if y["year"] == year), None)


def warnings(ev, rule):
    return [w for w in ev["warnings"] if w["rule"] == rule]


def flags(ev, rule):
    return [f for f in ev["flags"] if f["rule"] == rule]
