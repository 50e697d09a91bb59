"""Small builders for Shandong and Dongying cases: evaluate through the real pipeline and pick results.

Every person here is invented.
"""
from __future__ import annotations

from decimal import Decimal

from xuefen.evaluate import evaluate
from xuefen.io.case import parse_case
from tests.evaluation import entry, refusal  # noqa: F401  (re-exported to this folder's tests)
from tests.conftest import KEYS_FOR


def case(activities, *, region="shandong", as_of="2017-12-31", settings=None, **teacher):
    t = {"id": "T-SD-TEST", "stage": "junior", "hired_on": "2008-09-01", "cycle_start": "2016-01-01"}
    t.update(teacher)
    data = {"region": region, "as_of": as_of, "teacher": t, "activities": activities}
    if settings:
        data["settings"] = settings
    return evaluate(parse_case(data)).as_json()


def act(id, kind="training", date="2017-05-10", **fields):
    return {"id": id, "kind": kind, "date": date, **fields}


def county(id, date="2017-05-10", hours=48, **fields):
    """A county training passed: S-C1 at 1 credit per hour."""
    return act(id, "training", date, **{"level": "county", "hours": hours, "assessment": "pass", **fields})


def school(id, date="2017-06-10", **fields):
    return act(id, "school_based", date, **{"level": "school", "assessment": "pass", **fields})


def amount(ev, activity, unit="credits"):
    return sum((Decimal(e[unit]) for e in ev["entries"] if e["activity"] == activity and e[unit] is not None),
               Decimal(0))


def year_req(ev, year, rule, n=0):
    for y in ev["years"]:
        if y["year"] == year:
            hits = [r for r in y["requirements"] if r["rule"] == rule]
            return hits[n] if len(hits) > n else None
    return None


def cycle_req(ev, rule, label=None):
    hits = [r for r in ev["cycle"]["requirements"] if r["rule"] == rule and (label is None or label in r["label"])]
    return hits[0] if hits else None


def warnings(ev, rule):
    return [w for w in ev["warnings"] if w["rule"] == rule]


def full_cycle(start=2016, per_year=72, prefix=""):
    """County training of ``per_year`` hours in each of five years from ``start``."""
    return [county(f"{prefix}y{y}", f"{y}-05-10", hours=per_year) for y in range(start, start + 5)]


# -- a small registry through the real ``xuefen import`` ------------------------------

def orgs(region):
    return [
        {"id": "SD", "name": "测试省", "level": "province", "parent_id": "", "region": region},
        {"id": "C1", "name": "测试市", "level": "city", "parent_id": "SD", "region": region},
        {"id": "X1", "name": "测试县", "level": "county", "parent_id": "C1", "region": region},
        {"id": "S1", "name": "测试县第一中学", "level": "school", "parent_id": "X1", "region": region},
        {"id": "S2", "name": "测试县第二中学", "level": "school", "parent_id": "X1", "region": region},
    ]


ACTORS = [
    {"id": "sa1", "name": "甲校管", "role": "school_admin", "org_id": "S1"},
    {"id": "sa2", "name": "乙校管", "role": "school_admin", "org_id": "S2"},
    {"id": "ca", "name": "丙县管", "role": "county_admin", "org_id": "X1"},
]


def load_registry(cli, tmp_path, *, region, teacher_extra=None, activities=None):
    """Orgs, actors, one teacher T-SD-1 at school S1 and her activities, imported through the CLI."""
    from tests.workflow.helpers import write_csv
    teacher = {"id": "T-SD-1", "name": "测试教师一", "stage": "junior", "school_id": "S1", "hired_on": "2008-09-01",
               "cycle_start": "2016-01-01", **(teacher_extra or {})}
    acts = activities or [{"teacher_id": "T-SD-1", "id": "a1", "kind": "training", "date": "2017-05-10",
                           "level": "county", "hours": "40", "assessment": "pass"}]
    for kind, rows in (("orgs", orgs(region)), ("actors", ACTORS), ("teachers", [teacher]), ("activities", acts)):
        cli("import", kind, write_csv(tmp_path / f"{kind}.csv", rows), *KEYS_FOR[kind], expect=0)
