"""``xuefen_activity_needs``: what a region's conversion needs of an activity, asked at import.

The core's default derives it from the region's own conversion (xuefen.needs): a refusal that stating an
absent field lifts is a need, with the refusal's rule; one that no field lifts is a real "nothing earned".
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest

from xuefen import hookimpl, regions
from xuefen.model import Activity, Needed, Region, RuleSet, Teacher
from xuefen.needs import activity_needs

TEACHER = Teacher(id="T1", stage="primary", cycle_start=dt.date(2015, 2, 1))
DAY = dt.date(2015, 5, 1)


def needs(activity, code="kunming"):
    return activity_needs(regions.runtime(code), TEACHER, activity)


@pytest.mark.rule("K-C1")
def test_hook_xuefen_activity_needs():
    rt = regions.runtime("kunming")
    a = Activity("a", "training", DAY, level="provincial")
    rs = rt.region.ruleset_on(DAY)
    out = rt.hook.xuefen_activity_needs(activity=a, teacher=TEACHER, ruleset=rs, settings=rt.settings,
                                        convert=lambda act: rt.hook.xuefen_convert(
                                            activity=act, teacher=TEACHER, history=__import__(
                                                "xuefen.model", fromlist=["History"]).History((act,)),
                                            ruleset=rs, settings=rt.settings))
    assert [(n.fields, n.rule) for n in out] == [(("hours",), "K-C1")]
    assert "no hours stated" in out[0].reason and out[0].article


@pytest.mark.rule("K-C2", "K-C7")
def test_the_default_names_every_field_that_would_do_and_none_for_a_complete_record():
    [n] = needs(Activity("a", "training", DAY, level="county"))
    assert (n.fields, n.rule) == (("hours", "days"), "K-C2") and n.message().endswith("state hours or days")
    [n] = needs(Activity("t", "trainer", DAY, level="county", days=D(2), role="lecturer"))
    assert (n.fields, n.rule) == (("hours",), "K-C7")
    assert needs(Activity("a", "training", DAY, level="county", days=D(3))) == []
    assert needs(Activity("a", "training", DAY, level="city", hours=D(8))) == []


@pytest.mark.rule("K-C12", "K-X1", "K-C1")
def test_a_refusal_no_field_lifts_is_a_real_nothing_earned_not_a_need():
    assert needs(Activity("d", "degree_study", DAY, compensatory=True)) == []  # K-C12 whatever is stated
    assert needs(Activity("r", "research", DAY)) == []  # K-X1: no article registers it
    assert needs(Activity("f", "training", DAY, level="provincial", assessment="fail")) == []  # K-C1: failed


@pytest.mark.rule("K-T1")
def test_a_legacy_record_needs_its_credits_or_hours():
    [n] = needs(Activity("old", "training", dt.date(2010, 1, 1)))  # the 2006 credit method
    assert (n.fields, n.rule) == (("hours", "credits"), "K-T1")


class NeedsModule:
    """A throwaway child of Kunming that needs a module the core cannot guess."""

    @hookimpl
    def xuefen_region(self):
        return Region(code="kunming-mod", name="test child", units=("hours",), parent="kunming",
                      rulesets=(RuleSet("test", dt.date(2015, 2, 1), None, "M-1", "test"),),
                      cycle_years=5, cycle_rule=("M-1", "test"))

    @hookimpl
    def xuefen_activity_needs(self, activity):
        if activity.module is None:
            return [Needed(("module",), "M-1", "第一条", "module required")]
        return None  # the parent's and the core's answer


def test_a_region_answers_first_and_defers_with_none():
    regions.register_region(NeedsModule(), distribution="test-mod")
    try:
        [n] = needs(Activity("a", "training", DAY, level="city", hours=D(8)), "kunming-mod")
        assert (n.fields, n.rule) == (("module",), "M-1")
        [n] = needs(Activity("a", "training", DAY, level="provincial", module="x"), "kunming-mod")
        assert n.rule == "K-C1"
    finally:
        regions.unregister_region("kunming-mod")
