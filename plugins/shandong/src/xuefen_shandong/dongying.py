"""Dongying (东营市): a child of ``shandong`` (work in progress)."""
from xuefen import hookimpl
from xuefen.model import Region

from xuefen_shandong.hooks import REGION as S

REGION = Region(code="dongying", name="东营市 Dongying", units=("credits",), rulesets=S.rulesets, parent="shandong",
                cycle_years=S.cycle_years, cycle_rule=S.cycle_rule)


@hookimpl
def xuefen_region():
    return REGION
