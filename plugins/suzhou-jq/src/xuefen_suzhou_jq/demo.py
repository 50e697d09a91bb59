"""Suzhou District's demo: invented schools and teachers for ``xuefen demo --region suzhou-jq``.

The generator of :mod:`xuefen.demo` draws the people and the activities; this
module only says them in Suzhou's terms: school-based training is registered
by topics passed (SZ-C3, ``events``), and degree study, self-study exams and
online training carry the authority's stated credits (SZ-C10), which import
asks for. The schools and people are
invented; the demo year is an ordinary year under the 2010 text (SZ-D1).
"""
from __future__ import annotations

import datetime as dt
import random

from xuefen import hookimpl
from xuefen.demo import Profile, generate

from xuefen_suzhou_jq.rules import CODE

#: the demo's report year (any year after SZ-D1's day in force)
DEMO_YEAR = 2016
#: invented amounts the demo's records state: school-based topics per record, stated credits of a degree year
TOPICS = (6, 8, 8, 9, 10, 12)
STATED_CREDITS = ("8", "10", "12")
#: invented stated credits of an online training (第八条: set by the managing body)
ONLINE_CREDITS = ("2", "4")

PROFILE = Profile(
    region=CODE,
    province=("GS", "甘肃省"),
    city=("JQ", "酒泉市"),
    county=("JQ-SZ", "肃州区（示范）"),
    year=DEMO_YEAR,
    prefix="SZ-D",
    cycle_start=dt.date(DEMO_YEAR - 1, 1, 1),  # unused: Suzhou has no cycle (SZ-R3)
)


def suzhou_rows(data: dict, seed: int) -> dict:
    """Restate the generated activities as Suzhou records them (topics, stated credits)."""
    rng = random.Random(seed)
    for row in data["activities"]:
        if row["kind"] == "school_based":
            row.pop("hours", None)
            row["events"] = str(rng.choice(TOPICS))
        elif row["kind"] in ("degree_study", "self_study_exam"):
            row["credits"] = rng.choice(STATED_CREDITS)
        elif row.get("delivery") == "online":
            row["credits"] = rng.choice(ONLINE_CREDITS)
    return data


@hookimpl
def xuefen_demo_data(seed):
    """Deterministic demo rows for an invented part of Suzhou District (FORMATS.md §3)."""
    return suzhou_rows(generate(seed, PROFILE), seed)
