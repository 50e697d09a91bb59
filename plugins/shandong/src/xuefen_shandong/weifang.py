"""Weifang (潍坊市): TODO (owned by the Weifang engineer) — its own 36-credit scheme before 2015-03-31, the province's from that day."""
from xuefen import hookimpl
from xuefen.model import Region, RuleSet

from xuefen_shandong.rules import RULES as S, RULESET

REGION = Region(code="weifang", name="潍坊市 Weifang", units=("credits",), parent="shandong",
                rulesets=(RuleSet(RULESET, S["S-D1"].values["start"], S["S-D1"].values["end"], "S-D1",
                                  S["S-D1"].article, delegate="shandong"),))


@hookimpl
def xuefen_region():
    return REGION
