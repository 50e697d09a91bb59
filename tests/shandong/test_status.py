"""Issue 13: Shandong's, Dongying's and Weifang's results in the one status vocabulary (docs/formats.md §2)."""
from __future__ import annotations

import pytest

from tests.shandong.helpers import case, county, full_cycle, school


def year(ev, y):
    return next(item for item in ev["years"] if item["year"] == y)


def row(rows, key):
    hits = [r for r in rows if r["key"] == key]
    assert len(hits) == 1, [r["key"] for r in rows]
    return hits[0]


@pytest.mark.rule("S-R1")
@pytest.mark.parametrize("region", ["shandong", "dongying"])
def test_met_short_and_in_progress(region):
    ev = case(full_cycle(), region=region, as_of="2019-12-31")
    assert {y["status"] for y in ev["years"]} == {"met"}
    assert row(ev["cycle"]["requirements"], "S-R1")["status"] == "in_progress"  # 288 of 360, cycle running
    assert ev["cycle"]["status"] == "in_progress" and ev["certificate"]["status"] == "in_progress"
    ev = case([county("a", hours=20)], region=region)
    assert year(ev, 2017)["status"] == "short" and row(year(ev, 2017)["requirements"], "S-R1")["status"] == "short"
    ev = case([county("a", hours=20)], region=region, as_of="2017-06-30")
    assert year(ev, 2017)["status"] == "in_progress" and ev["cycle"]["status"] == "in_progress"


@pytest.mark.rule("S-R3", "S-C5")
def test_advisory_and_maximum_rows():
    ev = case(full_cycle() + [school("s", "2018-06-10", hours=200)], as_of="2019-12-31")
    rows = ev["cycle"]["requirements"]
    assert {r["status"] for r in rows if r["rule"] == "S-R3"} == {"advisory"}
    assert row(rows, "S-C5")["status"] == "maximum"
    keys = [r["key"] for r in rows]
    assert len(keys) == len(set(keys)) and "S-R3.all_staff" in keys


@pytest.mark.rule("S-L1")
def test_waived_leave_made_up():
    acts = [county("a", "2016-05-10", hours=20), county("b", "2017-05-10", hours=60),
            county("c", "2018-05-10", hours=64)]
    ev = case(acts, as_of="2018-12-31", leave=[{"from": "2016-03-01", "to": "2016-09-30", "kind": "maternity"}])
    r = row(year(ev, 2016)["requirements"], "S-R1")
    assert (r["status"], r["status_rule"], r["met"]) == ("waived", "S-L1", True)
    assert year(ev, 2016)["status"] == "waived"


@pytest.mark.rule("W-R2", "W-R3")
def test_weifang_scheme_rows():
    from tests.shandong.test_weifang import case as wcase, full_cycle as wfull
    ev = wcase(wfull(), as_of="2014-12-31")
    assert ev["cycle"]["status"] == "met" and {r["status"] for r in ev["cycle"]["requirements"]} <= {"met", "maximum"}
    ev = wcase(wfull()[:1], as_of="2014-12-31")
    assert ev["cycle"]["status"] == "short" and ev["certificate"]["status"] == "short"
