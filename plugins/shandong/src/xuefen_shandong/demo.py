"""Shandong's and Dongying's demo: an invented county for ``xuefen demo --region shandong|dongying``.

The places and people are invented (``xuefen.demo`` draws the names). The demo's
records state hours, as Shandong's certificates do (S-C1 has no per-day rule):
a record the generic generator gives in days states hours instead, the
invented hours of an invented training. The report year falls inside the rules'
dates (S-D1: 2015-03-31 to 2020-03-30); the cycle is the province's 2016–2020.
"""
from __future__ import annotations

import datetime as dt

import attrs

from xuefen.demo import Profile, generate

#: the demo's report year and its cycle's first day (inside S-D1's dates)
DEMO_YEAR = 2018
CYCLE_START = dt.date(2016, 1, 1)
#: invented hours per day a demo record states where the generator drew days
DEMO_HOURS_PER_DAY = 6

PROFILE = Profile(region="shandong", province=("SD", "山东省（示范）"), city=("SD-C", "示范市"),
                  county=("SD-X", "示范县"), year=DEMO_YEAR, prefix="SD-X", cycle_start=CYCLE_START)


def demo_rows(seed: int, region: str) -> dict:
    """The generic generator's rows for ``region``, with hours stated where it drew days or events."""
    data = generate(seed, attrs.evolve(PROFILE, region=region))
    for row in data["activities"]:
        days = row.pop("days", None)
        if days is not None:
            row["hours"] = str(int(days) * DEMO_HOURS_PER_DAY)
        events = row.pop("events", None)
        if events is not None:
            row["hours"] = str(int(events) * DEMO_HOURS_PER_DAY)
    return data
