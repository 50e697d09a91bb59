"""Deterministic demo data: an invented education bureau, its schools, teachers and their activities.

The generator names no region: a region plugin answers ``xuefen_demo_data(seed)``
by calling :func:`generate` with a :class:`Profile` (its code, place names, id
prefixes, year). The same seed always gives the same rows, so ``xuefen demo``
and the benchmarks (``generate(seed, profile, teachers=100_000)``) reuse it.

Every person is invented: a name is a common surname plus one or two common
given-name characters drawn from a seeded :class:`random.Random`.

Running it through the real import and workflow (every action signed, the
reviewers working their queues) is the CLI's: :mod:`xuefen_cli.demo_runner`.
"""
from __future__ import annotations

import csv
import datetime as dt
import random
from pathlib import Path
from typing import Any

import attrs

#: common surnames (百家姓 order of frequency, roughly)
SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程"
            "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛段雷侯龙史陶黎贺顾毛郝"
            "龚邵万严覃武戴莫孔汤李杨张")
#: common given-name characters
GIVEN = ("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建文辉鹏宇晨婷雪琳欣怡浩然轩涵"
         "思雨佳慧嘉颖志鸿海燕春梅云凤丹俊峰晓东亮瑞琪诗晴梓睿博昊天泽宁安乐康嘉祥雯蕾")

#: school types: (name suffix, stage)
SCHOOL_TYPES = (("实验小学", "primary"), ("第一中学", "senior"), ("育才初级中学", "junior"),
                ("青云小学", "primary"), ("民族中学", "junior"), ("第二小学", "primary"),
                ("外国语学校", "junior"), ("第三中学", "senior"))
#: degree each stage studies for (a degree matched to the teaching level)
DEGREE_FOR = {"primary": "bachelor", "junior": "master", "senior": "master"}


@attrs.frozen
class Profile:
    """What a region tells the generator: its code, place names and id prefixes."""

    region: str  #: region code written on every org row
    province: tuple[str, str]  #: (id, name)
    city: tuple[str, str]
    county: tuple[str, str]
    year: int  #: the report year; activities run over this year and the one before
    prefix: str  #: teacher id prefix, e.g. ``KM-D`` gives ``KM-D-0001``
    cycle_start: dt.date  #: first day of the current cycle of long-serving teachers
    city_school: str | None = None  #: name of a school directly under the city (no county), if any


def person_name(rng: random.Random) -> str:
    """An invented name: a surname and one or two given-name characters."""
    given = "".join(rng.choice(GIVEN) for _ in range(1 if rng.random() < 0.35 else 2))
    return rng.choice(SURNAMES) + given


def _date(rng: random.Random, year: int, first_month=3, last_month=10) -> str:
    start = dt.date(year, first_month, 1).toordinal()
    end = dt.date(year, last_month, 28).toordinal()
    return dt.date.fromordinal(rng.randint(start, end)).isoformat()


def excellent_share(region: str, year: int):
    """The share of a county training's cohort the region lets be graded excellent (its
    ``xuefen_cohort_limit``); 0 where the region sets no limit."""
    from decimal import Decimal

    from xuefen.model import Activity
    from xuefen.regions import runtime

    rt = runtime(region)
    sample = Activity(id="demo", kind="training", date=dt.date(year, 5, 1), level="county", days=2,
                      assessment="excellent", project_id="demo")
    limit = rt.hook.xuefen_cohort_limit(activity=sample, settings=rt.settings)
    return limit.share if limit is not None and limit.assessment == "excellent" else Decimal(0)


def generate(seed: int, profile: Profile, *, teachers: int = 200, schools: int = 5) -> dict[str, Any]:
    """Generate orgs, actors, teachers and activities (docs/formats.md §3 rows) for ``profile``.

    :returns: the ``xuefen_demo_data`` dict: ``orgs``, ``actors``, ``teachers``,
        ``activities``, ``report_org`` and ``year``.
    """
    rng = random.Random(seed)
    p = profile
    Y = p.year
    region = p.region
    orgs = [
        {"id": p.province[0], "name": p.province[1], "level": "province", "parent_id": "", "region": region},
        {"id": p.city[0], "name": p.city[1], "level": "city", "parent_id": p.province[0], "region": region},
        {"id": p.county[0], "name": p.county[1], "level": "county", "parent_id": p.city[0], "region": region},
    ]
    actors = [
        {"id": f"{p.province[0]}-ADMIN", "name": person_name(rng), "role": "province_admin", "org_id": p.province[0]},
        {"id": f"{p.city[0]}-ADMIN", "name": person_name(rng), "role": "city_admin", "org_id": p.city[0]},
        {"id": f"{p.county[0]}-ADMIN", "name": person_name(rng), "role": "county_admin", "org_id": p.county[0]},
    ]
    school_list = []  # (id, stage, weakness)
    for i in range(schools):
        suffix, stage = SCHOOL_TYPES[i % len(SCHOOL_TYPES)]
        sid = f"{p.county[0]}-S{i + 1:02d}"
        name = p.county[1] + suffix + (f"（{i // len(SCHOOL_TYPES) + 1}）" if i >= len(SCHOOL_TYPES) else "")
        orgs.append({"id": sid, "name": name, "level": "school", "parent_id": p.county[0], "region": region})
        actors.append({"id": f"{sid}-ADMIN", "name": person_name(rng), "role": "school_admin", "org_id": sid})
        # one school in three struggles: more of its teachers fall short of the year's hours
        school_list.append((sid, stage, 0.16 if i % 3 == 1 else 0.03))
    if p.city_school:
        sid = f"{p.city[0]}-S01"
        orgs.append({"id": sid, "name": p.city_school, "level": "school", "parent_id": p.city[0], "region": region})
        actors.append({"id": f"{sid}-ADMIN", "name": person_name(rng), "role": "school_admin", "org_id": sid})
        school_list.append((sid, "senior", 0.03))

    # county training projects of each year: cohorts that share a project_id
    projects = {y: [f"{p.county[0]}-{y}-P{k:02d}" for k in range(1, 7)] for y in (Y - 1, Y)}
    members: dict[str, list[dict]] = {}

    teacher_rows, activity_rows = [], []
    city_share = max(1, teachers // 16) if p.city_school else 0
    for n in range(teachers):
        if p.city_school and n >= teachers - city_share:
            sid, stage, weakness = school_list[-1]
        else:
            sid, stage, weakness = school_list[n % schools]
        tid = f"{p.prefix}-{n + 1:04d}"
        roll = rng.random()
        new_teacher = roll < 0.04
        if new_teacher:
            hired = dt.date(Y, 9, 1)
        else:
            hired = dt.date(rng.randint(1992, Y - 2), 9, 1)
        cycle_start = max(p.cycle_start, hired)
        teacher_rows.append({
            "id": tid, "name": person_name(rng), "stage": stage, "school_id": sid,
            "hired_on": hired.isoformat(), "cycle_start": cycle_start.isoformat(),
            "class_teacher": "true" if rng.random() < 0.3 else "false",
        })
        weak = rng.random() < weakness
        seq = 0

        def add(kind, year, **fields):
            nonlocal seq
            seq += 1
            row = {"teacher_id": tid, "id": f"{tid}-{year}-{seq:02d}", "kind": kind,
                   "date": fields.pop("date", None) or _date(rng, year)}
            row.update({k: (str(v) if not isinstance(v, str) else v) for k, v in fields.items()})
            activity_rows.append(row)
            return row

        for year in (Y - 1, Y):
            if year < hired.year:
                continue
            if year == hired.year:  # induction in the year of hiring
                add("new_teacher_training", year, level="county", hours=rng.choice((120, 120, 128, 136)),
                    assessment="pass", date=_date(rng, year, 9, 12))
                continue
            add("school_based", year, level="school", hours=rng.choice((24, 32, 36, 40, 48, 56)), assessment="pass")
            if weak:  # a teacher who fell behind: school-based only, perhaps one short course
                if rng.random() < 0.5:
                    add("training", year, level="county", days=rng.choice((1, 2)), assessment="pass")
                continue
            for _ in range(rng.choice((1, 1, 2))):
                row = add("training", year, level=rng.choice(("county", "county", "city")),
                          project_id=rng.choice(projects[year]), assessment="pass",
                          **({"days": rng.choice((3, 4, 5))} if rng.random() < 0.6
                             else {"hours": rng.choice((24, 32, 40))}))
                members.setdefault(row["project_id"], []).append(row)
            r = rng.random()
            if r < 0.15:
                add("training", year, level=rng.choice(("national", "provincial")),
                    hours=rng.choice((40, 60, 80, 100)), delivery=rng.choice(("centralized", "online")),
                    assessment="pass")
            elif r < 0.25:
                add("volunteer_teaching", year, level="county", events=rng.randint(2, 6))
            elif r < 0.31:
                add("trainer", year, level="county", hours=rng.choice((6, 8, 12, 16, 20)))
            elif r < 0.36:
                add("degree_study", year, level="provincial", degree_level=DEGREE_FOR[stage],
                    program_id=f"{tid}-DEG", date=f"{year}-07-10")
            elif r < 0.39:
                add("self_study_exam", year, subjects_passed=rng.randint(1, 3), date=f"{year}-10-20")
            elif r < 0.42:
                add("studio", year, level="city", role="member")
            elif r < 0.44:  # refused kinds: the rules say why
                add("training", year, level="county", days=2, approved_by_authority="false")
            elif r < 0.46:
                add("degree_study", year, level="county", degree_level="bachelor", compensatory="true")
            elif r < 0.48:
                add("research", year, level="county", hours=20)
            if rng.random() < 0.05:
                add("training", year, level="county", days=2, assessment="fail")

    # excellent trainees: at most the region's cohort share of each project (its xuefen_cohort_limit, e.g.
    # Kunming's K-C3 10%); one cohort goes one over, so the review refuses it citing that rule
    share = excellent_share(p.region, Y)
    over = sorted(members)[len(members) // 2] if members else None
    for pid in sorted(members):
        cohort = members[pid]
        quota = int(len(cohort) * share) + (1 if pid == over else 0)
        for row in rng.sample(cohort, min(quota, len(cohort))):
            row["assessment"] = "excellent"

    return {"orgs": orgs, "actors": actors, "teachers": teacher_rows, "activities": activity_rows,
            "report_org": p.county[0], "year": Y}


# -- the data as the import tables (docs/formats.md §3) ----------------------------------------


TABLE_ORDER = ("orgs", "actors", "teachers", "activities")


def write_tables(data: dict, folder) -> dict[str, Path]:
    """Write the data's tables as CSV files (docs/formats.md §3) in ``folder``; returns kind → path."""
    out = {}
    for kind in TABLE_ORDER:
        rows = data[kind]
        fields: list[str] = []
        for r in rows:
            fields += [k for k in r if k not in fields]
        path = Path(folder) / f"{kind}.csv"
        with path.open("w", encoding="utf-8", newline="") as fh:
            w = csv.DictWriter(fh, fieldnames=fields)
            w.writeheader()
            for r in rows:
                w.writerow({k: r.get(k, "") for k in fields})
        out[kind] = path
    return out
