"""Shandong (山东省): hooks. Every number comes from :mod:`xuefen_shandong.rules`."""
from __future__ import annotations

from xuefen import hookimpl
from xuefen.model import Region, RuleSet

from xuefen_shandong.rules import CODE, RULES as R, RULESET

REGION = Region(code=CODE, name="山东省 Shandong", units=("credits",),
                rulesets=(RuleSet(RULESET, R["S-D1"].values["start"], R["S-D1"].values["end"], "S-D1",
                                  R["S-D1"].article),),
                cycle_years=R["S-R1"].values["cycle_years"], cycle_rule=("S-R1", R["S-R1"].article))


@hookimpl
def xuefen_region():
    return REGION


@hookimpl
def xuefen_rules():
    return list(R.values())
