"""Chifeng: the defects issue 13 found, each a test named after its rule (teachers and ids invented)."""
from __future__ import annotations

from decimal import Decimal as D

import pytest

from xuefen.regions import runtime
from tests.chifeng.helpers import act, case, credits, entry, refusal


@pytest.mark.rule("C-C2")
def test_C_C2_mandatory_flag_cannot_make_a_school_organised_activity_required():
    ev = case([act("m", "training", level="school", hours=10, mandatory=True),
               act("c", "training", level="county", hours=10, mandatory=True)])
    e = entry(ev, "m")
    assert (e["rule"], e["article"], credits(ev, "m")) == ("C-C2", "第六条, 第十一条", D(5))
    assert "elective" in e["buckets"] and "required" not in e["buckets"]
    warned = [w for w in ev["warnings"] if w.get("activity") == "m"]
    assert len(warned) == 1 and warned[0]["rule"] == "C-C2" and "第十条" in warned[0]["message"]
    assert (entry(ev, "c")["rule"], credits(ev, "c")) == ("C-C1", D(10))  # an authority's: required


@pytest.mark.rule("C-C3")
def test_C_C3_no_assessment_earns_nothing_refused_naming_the_assessment():
    ev = case([act("sb", "school_based", level="school", hours=10, assessment=None),
               act("tr", "training", level="county", delivery="centralized", hours=8, assessment=None)])
    for aid in ("sb", "tr"):
        r = refusal(ev, aid)
        assert r["rule"] == "C-C3" and r["article"] == "第十九条"
        assert r["reason"].startswith("assessment:") and "考核合格后方可获得培训学分" in r["reason"]
    assert not ev["entries"]
    assert runtime("chifeng").setting_specs["unassessed_earns"].default is False


@pytest.mark.rule("C-T1")
def test_C_T1_not_in_force_before_2018_a_named_setting():
    spec = runtime("chifeng").setting_specs["not_before_2018"]
    assert (spec.default, spec.rule) == (True, "C-T1")
    acts = [act("old", "training", date="2017-11-01", level="county", delivery="centralized", hours=20),
            act("new", "training", date="2018-03-01", level="county", delivery="centralized", hours=20)]
    ev = case(acts, as_of="2018-12-31", cycle_start="2017-01-01")
    r = refusal(ev, "old")
    assert r["rule"] == "C-T1" and "2018-01-01" in r["reason"]
    assert credits(ev, "new") == D(20)
    ev = case(acts, as_of="2018-12-31", cycle_start="2017-01-01", settings={"not_before_2018": False})
    assert credits(ev, "old") == D(20)
    # a stated in_force earlier than 2018 is still held to the 2018 floor by default
    ev = case(acts, as_of="2018-12-31", cycle_start="2017-01-01", settings={"in_force": "2017-06-01"})
    assert refusal(ev, "old")["rule"] == "C-T1"
