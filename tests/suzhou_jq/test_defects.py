"""Suzhou District: the defects issue 13 found, each a test named after its rule (teachers and ids invented)."""
from __future__ import annotations

import pytest

from xuefen.regions import runtime
from tests.suzhou_jq.helpers import act, case, district, flags, school


def year(ev, y):
    return next(x for x in ev["years"] if x["year"] == y)


@pytest.mark.rule("SZ-P1")
def test_SZ_P1_veto_only_for_a_year_below_42_not_for_short_school_based():
    # 42 met (30 district + 12 school-based): short of the 16 school-based, but 未完成规定42学分 does not hold
    ev = case([district("d", hours=30), school("s", events=6)])
    assert year(ev, 2016)["met"] is False  # the 16 school-based are still short
    assert not flags(ev, "SZ-P1") and ev["certificate"]["eligible"] is True
    # below 42: vetoed, naming the year
    ev = case([district("d", hours=28), school("s", events=6)])
    f = flags(ev, "SZ-P1")
    assert len(f) == 1 and (f[0]["year"], f[0]["kind"]) == (2016, "veto")
    assert ev["certificate"]["eligible"] is False and "SZ-P1" in ev["certificate"]["reason"]
    assert runtime("suzhou-jq").setting_specs["veto_on"].default == "total"


@pytest.mark.rule("SZ-R2")
def test_SZ_R2_academic_year_of_hiring_credits_towards_the_calendar_years_42_a_named_setting():
    spec = runtime("suzhou-jq").setting_specs["hiring_year_counts_in_calendar_year"]
    assert (spec.default, spec.rule) == (True, "SZ-R2")
    acts = [district("a", "2015-10-10", hours=100), district("b", "2016-03-10", hours=30),  # academic year
            district("c", "2016-10-10", hours=20), school("s", "2016-11-10", events=8)]     # after it
    kw = dict(hired_on="2015-09-01", as_of="2016-12-31")
    ev = case(acts, **kw)
    total = next(r for r in year(ev, 2016)["requirements"] if r["rule"] == "SZ-R1" and r["label"] == "annual total")
    assert (total["counted"], total["met"]) == ("66", True)  # 30 + 20 + 16
    ev = case(acts, settings={"hiring_year_counts_in_calendar_year": False}, **kw)
    total = next(r for r in year(ev, 2016)["requirements"] if r["rule"] == "SZ-R1" and r["label"] == "annual total")
    assert (total["counted"], total["met"]) == ("36", False)  # 20 + 16: the March credits are the hiring year's
    assert any("academic year of hiring" in n for n in total["notes"])
    r2 = next(r for r in year(ev, 2015)["requirements"] if r["rule"] == "SZ-R2")
    assert (r2["counted"], r2["met"]) == ("130", True)
