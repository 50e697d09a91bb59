"""Weifang: the defects issue 13 found, each a test named after its rule (teachers and ids invented)."""
from __future__ import annotations

import pytest

from xuefen.regions import runtime
from tests.evaluation import entry, refusal
from tests.shandong.test_weifang import act, case, county, credits, cycle_req, required


@pytest.mark.rule("W-T1")
def test_W_T1_a_cycle_straddling_the_cutover_is_split_weifang_rows_reported_for_its_part():
    spec = runtime("weifang").setting_specs["straddling_cycle"]
    assert (spec.default, spec.rule) == ("split", "W-T1")
    acts = [required("req", 8, "2013-05-10"), county("old", 200, "2014-05-10"),  # 8 required, 20 elective
            county("new", 100, "2016-05-10")]
    ev = case(acts, as_of="2016-12-31", cycle_start="2012-01-01")
    c = ev["cycle"]
    assert (c["start"], c["end"], c["rule"]) == ("2015-03-31", "2020-03-30", "W-T1")
    # the province's 360 counts only the province's credits, never Weifang's 10-hours-per-credit ones
    assert cycle_req(ev, "S-R1")["counted"] == "100" and cycle_req(ev, "W-R2") is None
    t = next(t for t in ev["transitions"] if t["rule"] == "W-T1")
    assert t["decision"] == "cycle_split"
    assert t["old_cycle"] == {"start": "2012-01-01", "end": "2015-03-30"}
    assert (t["W-R2"]["counted"], t["W-R2"]["required"], t["W-R2"]["met"]) == ("8", "10", False)
    assert (t["W-R3"]["counted"], t["W-R3"]["required"], t["W-R3"]["met"]) == ("20", "26", False)
    assert any(w["rule"] == "W-T1" and "W-R2 8 of 10" in w["message"] for w in ev["warnings"])
    # the other reading: the province's rules over the whole cycle, Weifang's credits one-for-one
    ev = case(acts, as_of="2016-12-31", cycle_start="2012-01-01", settings={"straddling_cycle": "province"})
    assert ev["cycle"]["start"] == "2012-01-01" and cycle_req(ev, "S-R1")["counted"] == "128"


@pytest.mark.rule("W-Z4")
def test_W_Z4_a_ten_nos_violation_fails_the_professional_ethics_course():
    acts = [required("eth", 2, "2013-05-10", module="ethics"), required("oth", 8, "2013-06-10")]
    ev = case(acts, ten_nos_violation_on="2012-11-05")
    r = refusal(ev, "eth")
    assert (r["rule"], r["article"]) == ("W-Z4", "第十八条") and "2012-11-05" in r["reason"]
    assert credits(ev, "oth") == 8 and cycle_req(ev, "W-R2")["met"] is False
    # a violation in another cycle does not touch this one's course
    assert credits(case(acts, ten_nos_violation_on="2009-06-01"), "eth") == 2


@pytest.mark.rule("W-A2")
def test_W_A2_a_course_applied_for_less_than_one_or_two_months_ahead_is_warned():
    acts = [county("c-late", 40, "2013-05-10", applied_on="2013-04-01"),    # county: two months
            county("c-ok", 40, "2013-05-10", applied_on="2013-03-10"),
            act("s-late", "school_based", "2013-05-10", level="school", credits=2, applied_on="2013-04-20"),
            act("s-ok", "school_based", "2013-05-10", level="school", credits=2, applied_on="2013-04-10"),
            county("unknown", 40, "2013-05-10")]
    ev = case(acts)
    warned = sorted(w["activity"] for w in ev["warnings"] if w["rule"] == "W-A2")
    assert warned == ["c-late", "s-late"]
    w = next(w for w in ev["warnings"] if w["rule"] == "W-A2" and w["activity"] == "c-late")
    assert "2 month(s)" in w["message"] and w["article"] == "第八条"
    assert entry(ev, "c-late")["credits"] == "4"  # a warning: the credits stand
