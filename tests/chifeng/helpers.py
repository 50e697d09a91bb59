"""Small builders for Chifeng cases: evaluate through the real pipeline and pick results."""
from __future__ import annotations

from decimal import Decimal

from xuefen.evaluate import evaluate
from xuefen.io.case import parse_case
from tests.evaluation import entry, refusal  # noqa: F401  (re-exported to this folder's tests)


def case(activities, *, as_of="2020-12-31", settings=None, **teacher):
    t = {"id": "T-CF-TEST", "stage": "junior", "hired_on": "2010-09-01", "cycle_start": "2020-01-01"}
    t.update(teacher)
    data = {"region": "chifeng", "as_of": as_of, "teacher": t, "activities": activities}
    if settings:
        data["settings"] = settings
    return evaluate(parse_case(data)).as_json()


def act(id, kind, date="2020-05-10", **fields):
    """An activity, assessed as passed unless ``assessment`` is given (None: no assessment recorded, C-C3)."""
    fields.setdefault("assessment", "pass")
    if fields["assessment"] is None:
        del fields["assessment"]
    return {"id": id, "kind": kind, "date": date, **fields}


def county(id, date="2020-05-10", **kw):
    """A centralized training of the county authority: a required course unless flagged otherwise."""
    kw.setdefault("delivery", "centralized")
    return act(id, "training", date, level="county", **kw)


def school(id, date="2020-05-10", **kw):
    return act(id, "school_based", date, level="school", **kw)


def credits(ev, activity):
    return sum((Decimal(e["credits"]) for e in ev["entries"] if e["activity"] == activity), Decimal(0))


def reqs(results, rule, label=None):
    return [r for r in results if r["rule"] == rule and (label is None or r.get("label") == label)]


def year_req(ev, year, rule, label=None):
    for y in ev["years"]:
        if y["year"] == year:
            found = reqs(y["requirements"], rule, label)
            return found[0] if found else None
    return None


def cycle_req(ev, rule, label=None):
    found = reqs(ev["cycle"]["requirements"], rule, label)
    return found[0] if found else None


def full_cycle(start_year=2020, *, required=42, elective_hours=60):
    """Five years each with ``required`` required credits and ``elective_hours`` elective hours (× 0.5)."""
    out = []
    for y in range(start_year, start_year + 5):
        out.append(county(f"r{y}", f"{y}-04-01", hours=required))
        out.append(school(f"e{y}", f"{y}-10-01", hours=elective_hours))
    return out


# -- a small Chifeng registry, built through the real ``xuefen import`` ---------------------------------
#
#     NM (province) ─ CF (city) ─┬─ D1 (county, 旗) ─┬─ S1 (school)
#                                │                   └─ S2 (school)
#                                └─ SC (school directly under the city)
#
# Every person is invented.

ORGS = [
    {"id": "NM", "name": "测试自治区", "level": "province", "parent_id": "", "region": "chifeng"},
    {"id": "CF", "name": "测试市", "level": "city", "parent_id": "NM", "region": "chifeng"},
    {"id": "D1", "name": "测试旗", "level": "county", "parent_id": "CF", "region": "chifeng"},
    {"id": "S1", "name": "测试旗第一中学", "level": "school", "parent_id": "D1", "region": "chifeng"},
    {"id": "S2", "name": "测试旗职业中学", "level": "school", "parent_id": "D1", "region": "chifeng"},
    {"id": "SC", "name": "测试市直属中学", "level": "school", "parent_id": "CF", "region": "chifeng"},
]
ACTORS = [
    {"id": "pa", "name": "甲区管", "role": "province_admin", "org_id": "NM"},
    {"id": "cy", "name": "乙市管", "role": "city_admin", "org_id": "CF"},
    {"id": "ca", "name": "丙旗管", "role": "county_admin", "org_id": "D1"},
    {"id": "sa1", "name": "丁校管", "role": "school_admin", "org_id": "S1"},
    {"id": "sa2", "name": "戊校管", "role": "school_admin", "org_id": "S2"},
    {"id": "sac", "name": "己校管", "role": "school_admin", "org_id": "SC"},
]


def teacher_row(tid, school="S1", **kw):
    row = {"id": tid, "name": f"测试教师{tid}", "stage": "junior", "school_id": school, "hired_on": "2010-09-01",
           "cycle_start": "2020-01-01"}
    row.update(kw)
    return row


def activity_row(tid, aid, kind="training", date="2020-05-10", **kw):
    """An activity row, assessed as passed unless ``assessment`` is given (None: none recorded, C-C3)."""
    kw.setdefault("assessment", "pass")
    if kw["assessment"] is None:
        del kw["assessment"]
    return {"teacher_id": tid, "id": aid, "kind": kind, "date": date, **{k: str(v) for k, v in kw.items()}}
