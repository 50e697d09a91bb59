"""Issue 13: Kunming's results in the one status vocabulary (docs/formats.md §2 ``status``, ``key``)."""
from __future__ import annotations

import pytest

from tests.kunming.helpers import act, case


def year(ev, y):
    return next(item for item in ev["years"] if item["year"] == y)


def row(rows, key):
    hits = [r for r in rows if r["key"] == key]
    assert len(hits) == 1, [r["key"] for r in rows]
    return hits[0]


@pytest.mark.rule("K-R2")
def test_met_row_and_year():
    ev = case([act("a", "training", level="city", hours=80, assessment="pass")])
    y = year(ev, 2015)
    assert (row(y["requirements"], "K-R2")["status"], y["status"], y["met"]) == ("met", "met", True)
    assert "status_rule" not in y


@pytest.mark.rule("K-R2")
def test_short_once_the_year_is_over():
    ev = case([act("a", "training", level="city", hours=10, assessment="pass")], as_of="2015-12-31")
    y = year(ev, 2015)
    r = row(y["requirements"], "K-R2")
    assert (r["status"], r["met"], y["status"], y["status_rule"]) == ("short", False, "short", "K-R2")
    assert "10 of 72 hours" in y["status_reason"]


@pytest.mark.rule("K-R1")
def test_in_progress_while_the_period_runs():
    ev = case([act("a", "training", level="city", hours=10, assessment="pass")], as_of="2015-06-30")
    assert year(ev, 2015)["status"] == "in_progress"
    assert row(year(ev, 2015)["requirements"], "K-R2")["status"] == "in_progress"
    assert (ev["cycle"]["status"], ev["cycle"]["met"]) == ("in_progress", False)
    assert row(ev["cycle"]["requirements"], "K-R1")["status"] == "in_progress"
    assert ev["certificate"]["status"] == "in_progress" and ev["certificate"]["eligible"] is False


@pytest.mark.rule("K-R2", "K-R3")
def test_not_required_in_the_year_of_hiring_and_of_appointment():
    ev = case([act("n", "new_teacher_training", level="county", hours=120, assessment="pass")],
              hired_on="2015-09-01")
    y = year(ev, 2015)
    assert [m["rule"] for m in y["not_required"]] == ["K-R2"] and "year of hiring" in y["not_required"][0]["reason"]
    assert row(y["requirements"], "K-R3")["status"] == "met" and y["status"] == "met"  # K-R3 applies instead
    ev = case([act("a", "training", level="city", hours=10, assessment="pass")], principal_since="2015-03-01")
    y = year(ev, 2015)
    assert (y["status"], y["status_rule"], y["requirements"]) == ("not_required", "K-R2", [])
    assert "appointment" in y["status_reason"]


@pytest.mark.rule("K-C6", "K-C8")
def test_caps_report_maximum_never_met():
    ev = case([act("s", "school_based", level="school", hours=60, assessment="pass"),
               act("m", "studio", level="city", role="convener"),
               act("a", "training", level="city", hours=40, assessment="pass")])
    y = year(ev, 2015)
    cap = row(y["requirements"], "K-C6")
    assert (cap["status"], cap["maximum"], cap["earned"], cap["counted"]) == ("maximum", "48", "60", "48")
    assert "required" not in cap
    assert row(y["requirements"], "K-C8.convener")["status"] == "maximum"
    s = next(e for e in ev["entries"] if e["activity"] == "s")
    assert (s["hours"], s["counted"], s["cut_by"]) == ("60", {"hours": "48"}, ["K-C6"])  # per-entry counted
    keys = [r["key"] for r in y["requirements"]]
    assert len(keys) == len(set(keys))


@pytest.mark.rule("K-C3")
def test_notes_read_as_the_ledger_holds_amounts():
    ev = case([act("x", "training", level="city", hours=12.0, assessment="excellent")])
    e = next(e for e in ev["entries"] if e["activity"] == "x")
    assert e["hours"] == "15" and "1.25 × 12 " in e["note"] and "12.0" not in e["note"]
