"""Issue 13: Suzhou District's results in the one status vocabulary (docs/formats.md §2)."""
from __future__ import annotations

import pytest

from tests.suzhou_jq.helpers import case, district, full_year


def year(ev, y):
    return next(item for item in ev["years"] if item["year"] == y)


@pytest.mark.rule("SZ-R1")
def test_met():
    y = year(case(full_year(2016)), 2016)
    assert y["status"] == "met" and {r["status"] for r in y["requirements"]} == {"met"}
    keys = [r["key"] for r in y["requirements"]]
    assert len(keys) == len(set(keys))


@pytest.mark.rule("SZ-P1")
def test_short_year_is_vetoed():
    ev = case([district("d", hours=10)])
    y = year(ev, 2016)
    assert (y["status"], y["status_rule"], y["met"]) == ("short", "SZ-P1", False)
    assert ev["certificate"]["status"] == "short"


@pytest.mark.rule("SZ-R1")
def test_in_progress_before_the_year_ends():
    ev = case([district("d", hours=10)], as_of="2016-06-30")
    y = year(ev, 2016)
    assert y["status"] == "in_progress" and "veto" not in y
