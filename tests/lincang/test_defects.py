"""Lincang: the defects issue 13 found, each a test named after its rule (teachers and ids invented)."""
from __future__ import annotations

import pytest

from xuefen.regions import runtime
from tests.lincang.helpers import case, county, full_year, refusal, school


def cycle_req(ev, rule):
    hits = [r for r in ev["cycle"]["requirements"] if r["rule"] == rule]
    return hits[0] if hits else None


@pytest.mark.rule("L-E1")
def test_L_E1_certificate_needs_every_years_hours_and_credits_as_well_as_the_cycles():
    acts = [a for y in range(2019, 2024) for a in full_year(y)]
    # 2020 has nothing; 2021 makes it up: the cycle's totals hold, 2020's 72 hours and 72 credits do not
    acts = [a for a in acts if not a["date"].startswith("2020")]
    acts += [dict(a, id="x" + a["id"], date=a["date"].replace("2021", "2021")) for a in full_year(2021, "z-")]
    ev = case(acts, as_of="2023-12-31")
    assert all(r["met"] for r in ev["cycle"]["requirements"] if r.get("severity") is None)
    cert = ev["certificate"]
    assert cert["eligible"] is False and cert["rule"] == "L-E1"
    assert "2020: L-H1 0 of 72 hours" in cert["reason"] and "L-R1 0 of 72 credits" in cert["reason"]
    assert "第十一条" in cert["article"]


@pytest.mark.rule("L-S2")
def test_L_S2_elective_hours_at_least_the_required_hours():
    acts = [county("m1", hours=30, mandatory=True, module="ethics"),
            county("e1", hours=20, module="knowledge")]
    ev = case(acts, as_of="2019-12-31")
    r = cycle_req(ev, "L-S2")
    assert (r["required"], r["counted"], r["met"], r["article"]) == ("30", "20", False, "附件1 三(三)")
    assert ev["cycle"]["met"] is False
    ev = case(acts + [school("e2", hours=10)], as_of="2019-12-31")
    assert (cycle_req(ev, "L-S2")["counted"], cycle_req(ev, "L-S2")["met"]) == ("30", True)
    spec = runtime("lincang").setting_specs["required_courses"]
    assert (spec.default, spec.rule) == ("mandatory", "L-S2")


@pytest.mark.rule("L-I1")
def test_L_I1_fifty_hours_of_it_training_in_the_cycle_of_2017():
    acts = [county("it", "2017-10-10", hours=30, module="ability", it_training=True),
            county("tr", "2017-11-10", hours=30, module="ability")]
    ev = case(acts, cycle_start="2017-09-01", as_of="2017-12-31")
    r = cycle_req(ev, "L-I1")
    assert (r["required"], r["counted"], r["met"], r["article"]) == ("50", "30", False, "附件1 三(二)")
    acts[1]["it_training"] = True
    assert cycle_req(case(acts, cycle_start="2017-09-01", as_of="2017-12-31"), "L-I1")["met"] is True
    # a cycle after the 2017 deadline does not ask it again, unless the setting says every cycle
    later = [county("tr", "2019-05-10", hours=30, module="ability")]
    assert cycle_req(case(later), "L-I1") is None
    assert cycle_req(case(later, settings={"it_training_cycles": "every_cycle"}), "L-I1")["met"] is False


@pytest.mark.rule("L-E2")
def test_L_E2_a_record_not_entered_in_the_information_system_does_not_count():
    ev = case([county("off", hours=10, in_system=False), county("on", hours=10)])
    r = refusal(ev, "off")
    assert r["rule"] == "L-E2" and r["article"] == "第二十条" and "information system" in r["reason"]
    assert [e["activity"] for e in ev["entries"]] == ["on"]
