"""Issue 13: Chifeng's results in the one status vocabulary (docs/formats.md §2 ``status``, ``key``)."""
from __future__ import annotations

import pytest

from tests.chifeng.helpers import case, county, school


def year(ev, y):
    return next(item for item in ev["years"] if item["year"] == y)


def row(rows, key):
    hits = [r for r in rows if r["key"] == key]
    assert len(hits) == 1, [r["key"] for r in rows]
    return hits[0]


def a_year(y):
    return [county(f"r{y}", f"{y}-04-10", hours=30), school(f"e{y}", f"{y}-06-10", hours=40)]


@pytest.mark.rule("C-R1", "C-R2")
def test_met_and_keys_independent_of_labels():
    ev = case(a_year(2020))
    y = year(ev, 2020)
    assert [r["key"] for r in y["requirements"]] == ["C-R1", "C-R2.required", "C-R2.elective"]
    assert all(r["status"] == "met" for r in y["requirements"]) and y["status"] == "met"


@pytest.mark.rule("C-R2")
def test_short_names_the_row():
    ev = case([county("r", hours=30)])
    y = year(ev, 2020)
    assert row(y["requirements"], "C-R2.elective")["status"] == "short"
    assert (y["status"], y["met"]) == ("short", False)


@pytest.mark.rule("C-R1")
def test_in_progress_year_and_cycle():
    ev = case([county("r", hours=10)], as_of="2020-06-30")
    assert year(ev, 2020)["status"] == "in_progress"
    assert ev["cycle"]["status"] == "in_progress" and ev["certificate"]["status"] == "in_progress"


@pytest.mark.rule("C-V1")
def test_veto_shows_on_the_years_status():
    ev = case(a_year(2020) + [county("f", "2020-09-01", hours=8, assessment="fail")])
    y = year(ev, 2020)
    assert all(r["status"] == "met" for r in y["requirements"])
    assert (y["status"], y["status_rule"], y["met"]) == ("short", "C-V1", False)
    assert [v["activity"] for v in y["veto"]] == ["f"]


@pytest.mark.rule("C-S1")
def test_not_required_out_of_scope():
    ev = case([county("r", hours=30)], stage="vocational")
    assert ev["certificate"]["status"] == "not_required" and ev["certificate"]["eligible"] is False
