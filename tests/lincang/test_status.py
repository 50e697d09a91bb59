"""Issue 13: Lincang's results in the one status vocabulary (docs/formats.md §2 ``status``, ``key``)."""
from __future__ import annotations

import pytest

from tests.lincang.helpers import case, county, full_year


def year(ev, y):
    return next(item for item in ev["years"] if item["year"] == y)


@pytest.mark.rule("L-H1", "L-R1")
def test_met_and_short():
    y = year(case(full_year(2019)), 2019)
    assert y["status"] == "met" and {r["status"] for r in y["requirements"]} == {"met"}
    y = year(case([county("c", hours=6)]), 2019)
    assert y["status"] == "short" and y["status_rule"] == "L-H1"
    keys = [r["key"] for r in y["requirements"]]
    assert len(keys) == len(set(keys)) and "L-H1" in keys


@pytest.mark.rule("L-H1")
def test_in_progress():
    ev = case([county("c", hours=6)], as_of="2019-06-30")
    assert year(ev, 2019)["status"] == "in_progress" and ev["cycle"]["status"] == "in_progress"


@pytest.mark.rule("L-Z1")
def test_not_required_out_of_scope():
    ev = case([county("c", hours=6)], stage="vocational")
    assert ev["certificate"]["status"] == "not_required"


@pytest.mark.rule("L-H4")
def test_entries_show_zero_not_null_in_both_units():
    ev = case([{"id": "n", "kind": "new_teacher_training", "date": "2019-10-01", "level": "county",
                "hours": 120, "practical_hours": 60, "assessment": "pass"}], hired_on="2019-09-01")
    assert all(e["credits"] == "0" and e["hours"] is not None for e in ev["entries"])
