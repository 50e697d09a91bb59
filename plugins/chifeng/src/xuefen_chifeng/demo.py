"""Chifeng's demo: an invented 旗 (county) of Chifeng for ``xuefen demo --region chifeng``.

Every place and person is invented (names from :func:`xuefen.demo.person_name`
with a seeded generator); only the region code, the cycle length (C-R1), the
routes (C-C1, C-C2), the dimensions (C-L1) and the cohort quota (C-Q1) come
from the rules. The same seed always gives the same rows.
"""
from __future__ import annotations

import datetime as dt
import random

from xuefen import hookimpl
from xuefen.demo import person_name

from xuefen_chifeng.rules import CODE, RULES as R

#: the demo's report year; the long-serving teachers' cycle starts on 1 January of the year before
DEMO_YEAR = 2024
PROVINCE = ("NM", "内蒙古自治区")
CITY = ("CF", "赤峰市")
COUNTY = ("CF-D", "青川旗（示范）")
PREFIX = "CF-D"
#: (name suffix, stage) of the demo's schools; one vocational school shows the C-S1 refusal
SCHOOLS = (("第一幼儿园", "kindergarten"), ("实验小学", "primary"), ("蒙古族中学", "junior"),
           ("第二中学", "senior"), ("特殊教育学校", "special"), ("职业中学", "vocational"))
DIMENSIONS = tuple(R["C-L1"].values["dimensions"])


def _date(rng: random.Random, year: int, first_month=3, last_month=11) -> str:
    start = dt.date(year, first_month, 1).toordinal()
    end = dt.date(year, last_month, 28).toordinal()
    return dt.date.fromordinal(rng.randint(start, end)).isoformat()


def generate(seed: int, *, teachers: int = 120) -> dict:
    """Orgs, actors, teachers and activities (FORMATS.md §3 rows) of an invented Chifeng county."""
    rng = random.Random(seed)
    Y = DEMO_YEAR
    orgs = [
        {"id": PROVINCE[0], "name": PROVINCE[1], "level": "province", "parent_id": "", "region": CODE},
        {"id": CITY[0], "name": CITY[1], "level": "city", "parent_id": PROVINCE[0], "region": CODE},
        {"id": COUNTY[0], "name": COUNTY[1], "level": "county", "parent_id": CITY[0], "region": CODE},
    ]
    actors = [
        {"id": f"{PROVINCE[0]}-ADMIN", "name": person_name(rng), "role": "province_admin", "org_id": PROVINCE[0]},
        {"id": f"{CITY[0]}-ADMIN", "name": person_name(rng), "role": "city_admin", "org_id": CITY[0]},
        {"id": f"{COUNTY[0]}-ADMIN", "name": person_name(rng), "role": "county_admin", "org_id": COUNTY[0]},
    ]
    schools = []
    for i, (suffix, stage) in enumerate(SCHOOLS):
        sid = f"{COUNTY[0]}-S{i + 1:02d}"
        orgs.append({"id": sid, "name": COUNTY[1] + suffix, "level": "school", "parent_id": COUNTY[0],
                     "region": CODE})
        actors.append({"id": f"{sid}-ADMIN", "name": person_name(rng), "role": "school_admin", "org_id": sid})
        schools.append((sid, stage))
    cycle_start = dt.date(Y - 1, 1, 1)
    projects = {y: [f"{COUNTY[0]}-{y}-P{k:02d}" for k in range(1, 5)] for y in (Y - 1, Y)}
    members: dict[str, list[dict]] = {}
    teacher_rows, activity_rows = [], []
    for n in range(teachers):
        # one teacher in twenty teaches at the vocational school, out of scope (C-S1)
        sid, stage = schools[-1] if n % 20 == 0 else schools[n % (len(schools) - 1)]
        tid = f"{PREFIX}-{n + 1:04d}"
        new_teacher = rng.random() < 0.05
        hired = dt.date(Y - 1, 9, 1) if new_teacher else dt.date(rng.randint(1992, Y - 3), 9, 1)
        row = {"id": tid, "name": person_name(rng), "stage": stage, "school_id": sid,
               "hired_on": hired.isoformat(), "cycle_start": max(cycle_start, hired).isoformat()}
        if rng.random() < 0.03:
            row["principal_since"] = dt.date(Y - 1, 8, 1).isoformat()
        teacher_rows.append(row)
        weak = rng.random() < 0.1
        seq = 0

        def add(kind, year, **fields):
            nonlocal seq
            seq += 1
            r = {"teacher_id": tid, "id": f"{tid}-{year}-{seq:02d}", "kind": kind,
                 "date": fields.pop("date", None) or _date(rng, year)}
            r.update({k: (v if isinstance(v, str) else str(v)) for k, v in fields.items()})
            activity_rows.append(r)
            return r

        for year in (Y - 1, Y):
            if year == hired.year:
                add("new_teacher_training", year, level="county", delivery="centralized", hours=120,
                    assessment="pass", module="ability", date=_date(rng, year, 9, 11))
            if "principal_since" in row and year == Y - 1:
                add("principal_training", year, level="city", delivery="centralized", hours=rng.choice((160, 200)),
                    assessment="pass", module="ability", date=_date(rng, year, 9, 11))
            # required: the county's centralized training, in cohorts
            for _ in range(1 if weak else rng.choice((1, 2))):
                r = add("training", year, level="county", delivery="centralized",
                        hours=rng.choice((16, 24, 32)), project_id=rng.choice(projects[year]),
                        assessment="pass", module=rng.choice(DIMENSIONS))
                members.setdefault(r["project_id"], []).append(r)
            if not weak and rng.random() < 0.3:
                add("training", year, level=rng.choice(("city", "provincial")), delivery="centralized",
                    hours=rng.choice((24, 40)), assessment="pass", module=rng.choice(DIMENSIONS))
            # elective: school-based study, self-selected online study, a conversion
            add("school_based", year, level="school", hours=rng.choice((20, 24, 30, 36)), assessment="pass",
                module=rng.choice(DIMENSIONS))
            if not weak:
                add("training", year, level="county", delivery="online", self_selected="true",
                    hours=rng.choice((10, 15, 21)), assessment="pass", module="knowledge")
                r = rng.random()
                if r < 0.2:
                    add("research", year, level="county", hours=rng.choice((8, 12)), module="knowledge",
                        assessment="pass")
                elif r < 0.3:
                    add("volunteer_teaching", year, level="county", hours=rng.choice((6, 9)), module="ability",
                        assigned_by="county", assessment="pass")
                elif r < 0.35:
                    add("training", year, level="county", hours=16, approved_by_authority="false")
            if rng.random() < 0.04:
                add("training", year, level="county", delivery="centralized", hours=24, assessment="fail",
                    module="ethics")
            elif rng.random() < 0.02:
                add("training", year, level="county", delivery="centralized", hours=24, assessment="pass",
                    module="ethics", disciplinary_breach="true")

    # excellent trainees: at most the cohort quota (C-Q1); one cohort goes one over, so the stage that
    # records assessments refuses it citing the quota
    share = R["C-Q1"].values["share"]
    over = sorted(members)[len(members) // 2] if members else None
    for pid in sorted(members):
        cohort = members[pid]
        quota = int(share * len(cohort)) + (1 if pid == over else 0)
        for r in rng.sample(cohort, min(quota, len(cohort))):
            r["assessment"] = "excellent"
    return {"orgs": orgs, "actors": actors, "teachers": teacher_rows, "activities": activity_rows,
            "report_org": COUNTY[0], "year": Y}


@hookimpl
def xuefen_demo_data(seed):
    """Deterministic demo rows for an invented Chifeng county (FORMATS.md §3)."""
    return generate(seed)
