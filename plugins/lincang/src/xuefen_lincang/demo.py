"""Lincang's demo: an invented county of Lincang for ``xuefen demo --region lincang``.

The places and people are invented (``xuefen.demo`` draws the names and the
activities); this module makes them Lincang records: every training carries
the project rate its publishing authority set (inside its L-C2 range, read
from the rule table), a score (a few below 60: L-C3), a module (第十一条) and
the day the project was published (L-P1: March or September, now and then
another month); the kinds converted "按相关规定" carry the authority's stated
credits (L-T2). Project leaders at the province, city and county sign the
first stage (第十五条), so the demo's approvals are signed.
"""
from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from xuefen import hookimpl
from xuefen.demo import Profile, generate, person_name

from xuefen_lincang.rules import CODE, MODULES, RULES as R

#: the demo's report year, and the start of the cycle it falls in
DEMO_YEAR = 2024
PROFILE = Profile(
    region=CODE,
    province=("YN", "云南省"),
    city=("LC", "临沧市"),
    county=("LC-D", "沧源示范县（虚构）"),
    year=DEMO_YEAR,
    prefix="LC-D",
    # the first cycle after the text came into force (L-D1), 5 years (L-H1) on
    cycle_start=R["L-D1"].values["in_force"].replace(year=R["L-D1"].values["in_force"].year
                                                     + R["L-H1"].values["cycle_years"]),
    city_school="临沧市直属示范中学（虚构）",
)
#: modules a county or higher training is about, weighted as a county's offer might be
TRAINING_MODULES = ("ethics", "knowledge", "ability", "ability", "class_management", "mental_health")
assert set(TRAINING_MODULES) <= set(MODULES)
#: kinds whose credits the authority states (L-T2), and the amounts it stated in the demo
STATED_CREDITS = ("4", "6", "8", "10", "12")


def _rate(rng: random.Random, low: Decimal, high: Decimal) -> str:
    """A rate at a quarter step of its range, ends included."""
    step = (high - low) / 4
    return str(low + step * rng.randint(0, 4))


def _score(rng: random.Random, assessment: str | None) -> str:
    if assessment == "fail":
        return str(rng.randint(40, 59))
    if assessment == "excellent":
        return str(rng.randint(90, 100))
    return str(rng.choice((62, 66, 68, 71, 74, 77, 78, 81, 83, 85, 86, 88, 91, 94)))


def lincang(data: dict, seed: int) -> dict:
    """Turn the generator's rows into Lincang records (see the module's doc)."""
    rng = random.Random(seed * 31 + 7)
    c2 = R["L-C2"].values
    p1 = R["L-P1"].values
    county_plus = R["L-H2"].values["levels"]
    for row in data["activities"]:
        kind = row["kind"]
        year = int(row["date"][:4])
        if kind in ("training", "school_based"):
            school = kind == "school_based" or row.get("level") == "school"
            low, high = c2["school_or_online"] if school or row.get("delivery") == "online" \
                else c2["ranges"][row["level"]]
            row["rate"] = _rate(rng, low, high)
            row["score"] = _score(rng, row.pop("assessment", None))
            if not school:
                row["module"] = rng.choice(TRAINING_MODULES)
                row["self_selected"] = "true" if rng.random() < 0.7 else "false"
            if row.get("level") in county_plus:
                month = rng.choice(p1["months"]) if rng.random() < 0.97 else 6
                published = dt.date(year if month < int(row["date"][5:7]) else year - 1, month, 5)
                row["published_on"] = published.isoformat()
        elif kind == "trainer":
            row["module"] = "ability"
        elif kind in R["L-T2"].values["kinds"]:
            row["credits"] = rng.choice(STATED_CREDITS)
            row["module"] = "knowledge"
            row.pop("compensatory", None)
    _packages(data, rng)
    # the project leaders who sign the first stage of each level's projects (L-W1)
    leaders = [(PROFILE.province[0], "province"), (PROFILE.city[0], "city"), (PROFILE.county[0], "county")]
    data["actors"] += [{"id": f"{org}-PL", "name": person_name(rng), "role": "project_leader", "org_id": org}
                       for org, _ in leaders]
    return data


#: what a county offers a teacher in a year besides school-based research: (module, level, days)
PACKAGE = (("ethics", "county", 1), ("class_management", "county", 1), ("knowledge", "city", 2),
           ("ability", "county", 4))
#: the share of teacher-years that take the county's package (the rest fall short somewhere)
PACKAGE_SHARE = 0.85


def _packages(data: dict, rng: random.Random) -> None:
    """Most teachers, most years, take one training per module the county offers (第十一条's modules)."""
    c2 = R["L-C2"].values
    p1 = R["L-P1"].values
    added = []
    for row in data["activities"]:
        if row["kind"] != "school_based" or rng.random() >= PACKAGE_SHARE:
            continue
        row["rate"] = str(c2["school_or_online"][1])  # the school sets the top of its range
        year = int(row["date"][:4])
        for k, (module, level, days) in enumerate(PACKAGE, 1):
            low, high = c2["ranges"][level]
            day = dt.date(year, rng.randint(4, 8), rng.randint(1, 28))
            added.append({"teacher_id": row["teacher_id"], "id": f"{row['teacher_id']}-{year}-L{k}",
                          "kind": "training", "date": day.isoformat(), "level": level,
                          "delivery": "centralized", "days": str(days), "rate": _rate(rng, low, high),
                          "score": _score(rng, None), "module": module,
                          "self_selected": "true" if rng.random() < 0.7 else "false",
                          "published_on": dt.date(year, p1["months"][0], 5).isoformat()})
    data["activities"] += added


#: teachers in the demo county: three approvals each record, each of the first two signed
TEACHERS = 120


def demo_data(seed: int, *, teachers: int = TEACHERS) -> dict:
    return lincang(generate(seed, PROFILE, teachers=teachers), seed)


@hookimpl
def xuefen_demo_data(seed):
    """Deterministic demo rows for an invented Lincang county (FORMATS.md §3)."""
    return demo_data(seed)
