"""Kunming's demo: an invented district of Kunming for ``xuefen demo``.

The places and people are invented (``xuefen.demo`` draws the names); only the
region code and the cycle's first day (K-T1, K-R1) come from the rules.
"""
from __future__ import annotations

from xuefen import hookimpl
from xuefen.demo import Profile, generate

from xuefen_kunming.rules import CODE, RULES as R

#: the demo's report year, and the start of the cycle it falls in (two 5-year cycles after 2015-02-01)
DEMO_YEAR = 2024
PROFILE = Profile(
    region=CODE,
    province=("YN", "云南省"),
    city=("KM", "昆明市"),
    county=("KM-D", "明湖区（示范）"),
    year=DEMO_YEAR,
    prefix="KM-D",
    cycle_start=R["K-T1"].values["in_force"].replace(year=R["K-T1"].values["in_force"].year
                                                     + R["K-R1"].values["cycle_years"]),
    city_school="昆明市直属示范高级中学",
)


@hookimpl
def xuefen_demo_data(seed):
    """Deterministic demo rows for an invented Kunming district (FORMATS.md §3)."""
    return generate(seed, PROFILE)
