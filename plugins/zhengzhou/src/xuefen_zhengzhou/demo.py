"""Zhengzhou's demo: an invented district of Zhengzhou for ``xuefen demo --region zhengzhou``.

The places and people are invented (``xuefen.demo.person_name`` draws the
names). The data shows what is Zhengzhou's own: per-teacher cycles from each
teacher's previous certificate (Z-R4), teachers on both sides of the 260-hour
cutover (Z-T1, senior-high at 360) with hours from before 2017, new teachers'
120 hours (Z-R5), routing by the project's designer (county, city, province,
school; degree study through the registration office), and a few records the
rules refuse at final approval (a failed assessment, a county famous/backbone
project whose plan the city never filed). A record of days without the designed
hours (Z-C1) is refused at import, so the demo has none.

Only the region code and the cutover's dates come from the rules; the demo
year sits before the bureau's paper-path deadline, so paper-path certificates
can still be issued.
"""
from __future__ import annotations

import datetime as dt
import random

from xuefen.demo import person_name

from xuefen_zhengzhou.rules import CODE, RULES as R

CUTOVER = R["Z-T1"].values["cutover"]
#: the report year: activities run up to its end; claims are reviewed early the next year
DEMO_YEAR = CUTOVER.year + 1
PROVINCE = ("HA", "河南省")
CITY = ("ZZ", "郑州市")
COUNTY = ("ZZ-D", "嵩阳区（示范）")
CITY_SCHOOL = ("ZZ-S01", "郑州市直属示范高级中学")
#: county schools: (name, stage)
SCHOOLS = (("实验小学", "primary"), ("育英初级中学", "junior"), ("第一高级中学", "senior"),
           ("第二小学", "primary"), ("中心幼儿园", "kindergarten"))
#: the level that designs a stage's ordinary projects (五): what the demo's training records carry
DESIGNER = {"kindergarten": "county", "primary": "county", "junior": "city", "senior": "provincial"}


def _day(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    return dt.date.fromordinal(rng.randint(start.toordinal(), end.toordinal()))


def demo_data(seed: int, *, teachers: int = 120) -> dict:
    """Deterministic demo rows (FORMATS.md §3) for an invented Zhengzhou district."""
    rng = random.Random(seed)
    Y = DEMO_YEAR
    orgs = [
        {"id": PROVINCE[0], "name": PROVINCE[1], "level": "province", "parent_id": "", "region": CODE},
        {"id": CITY[0], "name": CITY[1], "level": "city", "parent_id": PROVINCE[0], "region": CODE},
        {"id": COUNTY[0], "name": COUNTY[1], "level": "county", "parent_id": CITY[0], "region": CODE},
        {"id": CITY_SCHOOL[0], "name": CITY_SCHOOL[1], "level": "school", "parent_id": CITY[0], "region": CODE},
    ]
    actors = [{"id": f"{o['id']}-ADMIN", "name": person_name(rng), "role": f"{o['level']}_admin", "org_id": o["id"]}
              for o in orgs[:3]]
    actors.append({"id": f"{CITY_SCHOOL[0]}-ADMIN", "name": person_name(rng), "role": "school_admin",
                   "org_id": CITY_SCHOOL[0]})
    schools = [(CITY_SCHOOL[0], "senior", "city_direct")]
    for i, (suffix, stage) in enumerate(SCHOOLS):
        sid = f"{COUNTY[0]}-S{i + 1:02d}"
        orgs.append({"id": sid, "name": COUNTY[1] + suffix, "level": "school", "parent_id": COUNTY[0],
                     "region": CODE})
        actors.append({"id": f"{sid}-ADMIN", "name": person_name(rng), "role": "school_admin", "org_id": sid})
        schools.append((sid, stage, "county"))

    teacher_rows, activity_rows = [], []
    for n in range(teachers):
        sid, stage, affiliation = schools[(n + 1) % len(schools)] if n % 8 else schools[0]
        tid = f"ZZ-D-{n + 1:04d}"
        roll = rng.random()
        row = {"id": tid, "name": person_name(rng), "stage": stage, "school_id": sid, "affiliation": affiliation}
        seq = 0

        def add(kind, day, **fields):
            nonlocal seq
            seq += 1
            activity_rows.append({"teacher_id": tid, "id": f"{tid}-{seq:02d}", "kind": kind, "date": day.isoformat(),
                                  **{k: str(v) for k, v in fields.items()}})

        if roll < 0.06:  # a new teacher: 120 hours of new-teacher training in the first year (Z-R5)
            hired = dt.date(Y - 1, 9, 1)
            row["hired_on"] = hired.isoformat()
            level = "county" if stage in ("primary", "kindergarten") else "city"
            add("new_teacher_training", dt.date(Y - 1, 11, 20), level=level, hours=60, assessment="pass")
            add("new_teacher_training", dt.date(Y, 3, 15), level=level,
                hours=60 if rng.random() < 0.8 else 40, assessment="pass")
            add("school_based", dt.date(Y, 10, 10), level="school", hours=rng.choice((16, 24)), assessment="pass")
            teacher_rows.append(row)
            continue
        row["hired_on"] = dt.date(rng.randint(1990, 2008), 9, 1).isoformat()
        if roll < 0.62:  # certified in 2012-2013: the cutover counts their hours to 2016-12-31 (Z-T1)
            prev = _day(rng, dt.date(CUTOVER.year - 4, 9, 1), dt.date(CUTOVER.year - 3, 12, 31))
            pace = rng.choice((45, 55, 60, 70, 80, 90))
        else:  # certified later: a short first stretch before the cutover, or none
            prev = _day(rng, dt.date(CUTOVER.year - 1, 3, 1), dt.date(Y, 4, 30))
            pace = rng.choice((50, 72, 80))
        row["previous_certificate_on"] = prev.isoformat()
        teacher_rows.append(row)
        for year in range(prev.year, Y + 1):
            first = max(prev + dt.timedelta(days=1), dt.date(year, 1, 1))
            last = dt.date(year, 12, 20)
            if first > last:
                continue
            share = (last - first).days / 354
            sb = int(rng.choice((16, 20, 24)) * share)
            if sb:
                add("school_based", _day(rng, first, last), level="school", hours=sb, assessment="pass")
            hours = int((pace - 20) * share * rng.uniform(0.8, 1.2))
            if hours >= 8:
                add("training", _day(rng, first, last), level=DESIGNER[stage], hours=hours, assessment="pass")
            if year >= Y - 1:
                r = rng.random()
                day = _day(rng, first, last)
                if r < 0.12:
                    add("training", day, level="county", hours=rng.choice((24, 32, 40)), assessment="pass")
                elif r < 0.18:
                    add("volunteer_teaching", day, level="county", hours=rng.choice((8, 12, 16)))
                elif r < 0.22:
                    add("training", day, approved_by_authority="false", school_consent="true",
                        hours=rng.choice((16, 20)), assessment="pass")
                elif r < 0.24:
                    add("degree_study", day, level="provincial", degree_level="master", in_subject="true",
                        graduated="true", hours=0)
                elif r < 0.26:  # (days without the designed hours are refused at import since Z-C1 is asked there)
                    pass
                elif r < 0.28:  # refused: failed the assessment
                    add("training", day, level="city", hours=24, assessment="fail")
                elif r < 0.30 and stage in ("junior", "senior"):  # refused: plan never filed with the city (Z-A2)
                    add("training", day, level="county", hours=30, assessment="pass", famous_backbone="true")
    return {"orgs": orgs, "actors": actors, "teachers": teacher_rows, "activities": activity_rows,
            "report_org": COUNTY[0], "year": Y}
