"""Issue 13: Zhengzhou's results in the one status vocabulary (docs/formats.md §2)."""
from __future__ import annotations

import pytest

from tests.zhengzhou.test_rules import _degree, act, d, run, teacher


def year(ev, y):
    return next(item for item in ev["years"] if item["year"] == y)


def row(rows, rule):
    hits = [r for r in rows if r["rule"] == rule]
    assert len(hits) == 1, [r["key"] for r in rows]
    return hits[0]


@pytest.mark.rule("Z-R1", "Z-R2")
def test_met_short_in_progress():
    # the paper path's certificate (Z-T2) is part of what the cycle needs: a 2013 cycle met on its rows
    # but past the bureau's last paper-path date is short
    ev = run(teacher(prev=d(2013, 3, 1)), [act("a", hours=280, date=d(2016, 5, 1)),
                                            act("s", "school_based", level="school", hours=80, date=d(2016, 9, 1))],
             as_of=d(2019, 3, 1)).as_json()
    assert (ev["cycle"]["status"], ev["cycle"]["status_rule"], ev["cycle"]["met"]) == ("short", "Z-T2", False)
    t = teacher(prev=d(2017, 1, 1))
    full = [act("a", hours=280, date=d(2018, 5, 1)), act("s", "school_based", level="school", hours=80,
                                                         date=d(2018, 9, 1))]
    ev = run(t, full, as_of=d(2021, 6, 30)).as_json()
    assert ev["cycle"]["status"] == "met" and row(ev["cycle"]["requirements"], "Z-R1")["status"] == "met"
    assert ev["certificate"]["status"] == "met"
    ev = run(t, full[:1], as_of=d(2021, 6, 30)).as_json()
    assert row(ev["cycle"]["requirements"], "Z-R2")["status"] == "in_progress"
    assert ev["cycle"]["status"] == "in_progress"
    ev = run(t, full[:1], as_of=d(2022, 6, 30)).as_json()
    assert ev["cycle"]["status"] == "short" and row(ev["cycle"]["requirements"], "Z-R2")["status"] == "short"


@pytest.mark.rule("Z-R3")
def test_advisory_yearly_hours():
    ev = run(teacher(prev=d(2017, 1, 1)), [act("a", hours=10, date=d(2017, 5, 1))]).as_json()
    r = row(year(ev, 2017)["requirements"], "Z-R3")
    assert (r["status"], r["met"]) == ("advisory", False)
    assert year(ev, 2017)["status"] != "short"


@pytest.mark.rule("Z-C3")
def test_waived_by_a_degree():
    ev = run(teacher(prev=d(2013, 3, 1)), [_degree(hours=0, extra={"started_on": "2014-09-01"})],
             as_of=d(2017, 12, 31)).as_json()
    r = row(ev["cycle"]["requirements"], "Z-R1")
    assert (r["status"], r["status_rule"]) == ("waived", "Z-C3")
    assert ev["cycle"]["status"] == "waived" and ev["certificate"]["status"] in ("waived", "met")


@pytest.mark.rule("Z-S1")
def test_not_required_out_of_scope():
    ev = run(teacher(prev=d(2013, 3, 1), extra={"qualified": False}), [act("a", hours=10)]).as_json()
    assert (ev["cycle"]["status"], ev["cycle"]["met"]) == ("not_required", False)
    assert ev["years"] == []
