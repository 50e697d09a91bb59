"""Current by default: `status` and `report` without `--as-of` evaluate today's year and each teacher's current
cycle; a certified cycle starts the next one; `report --short-only` lists whom the headline counts short;
`report --by` in every output form. Through the real CLI against a real database."""
from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest

from tests.chifeng.test_workflow import import_activities, load as cf_load, out_json
from tests.chifeng.helpers import activity_row, full_cycle, teacher_row
from tests.workflow.helpers import activity, load, teacher

TODAY = dt.date.today()
Y = TODAY.year
SIX_YEARS_AGO = dt.date(Y - 6, 2, 1)  # the first cycle ended on 31 January last year, its review round with last year


@pytest.fixture
def kunming(cli, tmp_path):
    """Three teachers whose cycle started six years ago (never certified); this year A has 72 hours, B 10, C none."""
    start = SIX_YEARS_AGO.isoformat()
    day = dt.date(Y, 1, 1).isoformat()
    load(cli, tmp_path, [teacher(t, cycle_start=start, hired_on="2005-09-01") for t in ("A", "B", "C")], [
        activity("A", "a", level="city", hours=72, date=day),
        activity("B", "b", level="city", hours=10, date=day),
    ])
    for who in ("sa1", "ca1"):
        cli("approve", "--all-queued", "--as", who, "--on", TODAY.isoformat(), expect=0)
    return cli


@pytest.mark.rule("K-R1", "K-R2")
def test_status_and_report_without_as_of_are_this_year_and_the_current_cycle(kunming):
    st = json.loads(kunming("status", "A", "--json", expect=0).output)
    assert st["as_of"] == TODAY.isoformat()
    # not the cycle that ended on 31 January last year: the one that followed it
    assert (st["cycle"]["start"], st["cycle"]["end"]) == (f"{Y - 1}-02-01", f"{Y + 4}-01-31")
    k_r2 = next(r for y in st["years"] if y["year"] == Y for r in y["requirements"] if r["rule"] == "K-R2")
    assert (k_r2["counted"], k_r2["met"]) == ("72", True)
    # the report of this year, as of today: every teacher has this year's minimum
    rep = json.loads(kunming("report", "--org", "D1", "--json", expect=0).output)
    assert (rep["year"], rep["as_of"]) == (Y, TODAY.isoformat())
    s = rep["summary"]
    assert (s["teachers"], s["with_requirements"], s["met"], s["short"]) == (3, 3, 1, 2)
    # the cycle runs until Y + 4: not met yet, in progress — not short (docs/formats.md §2 status)
    assert (s["with_cycle"], s["cycle_met"], s["cycle_in_progress"], s["cycle_short"]) == (3, 0, 3, 0)
    assert {t["teacher"]: t["short"] for t in rep["teachers"]} == {
        "A": {"year": False, "cycle": False}, "B": {"year": True, "cycle": False}, "C": {"year": True, "cycle": False}}
    assert {t["teacher"]: (t["status"], t["cycle"]["status"]) for t in rep["teachers"]} == {
        "A": ("met", "in_progress"), "B": ("in_progress", "in_progress"), "C": ("in_progress", "in_progress")}
    assert {t["teacher"]: t["cycle"]["start"] for t in rep["teachers"]} == dict.fromkeys("ABC", f"{Y - 1}-02-01")
    # --as-of a day in the ended cycle's review round: the ended cycle is still the one reviewed
    old = json.loads(kunming("status", "A", "--as-of", f"{Y - 1}-03-01", "--json", expect=0).output)
    assert old["cycle"]["start"] == SIX_YEARS_AGO.isoformat()
    r = kunming("report", "--org", "D1", "--year", str(Y), "--as-of", f"{Y - 1}-12-31", expect=2)
    assert "is not in --year" in r.output


@pytest.mark.rule("K-R1", "K-R2")
def test_short_only_lists_whom_the_headline_counts_in_every_form(kunming):
    text = kunming("report", "--org", "D1", "--short-only", "--lang", "en", expect=0).output
    # the cycle runs until Y + 4: in progress, not short, so only this year's shortfalls are listed
    assert "1 met" in text and "2 short" in text and "cycle: 0 met · 3 in progress · 0 short" in text
    assert f"2 teacher(s) short: 2 in {Y}, 0 in their cycle" in text
    listed = text.split("teachers short of what they must earn")[1]
    assert " A 测试教师A" not in listed  # A met this year; A's cycle is in progress
    b_rows, c_rows = listed.split(" B 测试教师B")[1].split(" C 测试教师C")
    assert "K-R2" in b_rows and "62" in b_rows and "K-R1" not in b_rows  # no in-progress cycle row
    assert "K-R2" in c_rows and "72" in c_rows
    rep = json.loads(kunming("report", "--org", "D1", "--short-only", "--json", expect=0).output)
    assert [t["teacher"] for t in rep["teachers"]] == ["B", "C"] and rep["short_only"] is True
    assert rep["summary"]["short_listed"] == 2 and rep["summary"]["teachers"] == 3
    rows = list(csv.DictReader(io.StringIO(kunming("report", "--org", "D1", "--short-only", "--csv",
                                                   expect=0).output.lstrip("\ufeff"))))
    assert {r["teacher"] for r in rows} == {"B", "C"}
    assert {(r["teacher"], r["rule"], r["short"]) for r in rows if r["period"] == str(Y)} == {
        ("B", "K-R2", "62"), ("C", "K-R2", "72")}


@pytest.mark.rule("K-R2")
def test_short_only_leaves_out_teachers_met_in_year_and_cycle(cli, tmp_path):
    """A teacher who met the year and whose cycle is met is not listed; one short this year is."""
    load(cli, tmp_path, [teacher("A", cycle_start="2015-02-01"), teacher("B", cycle_start="2015-02-01")], [
        *[activity("A", f"a{y}", level="city", hours=72, date=f"{y}-05-10") for y in range(2015, 2020)],
        activity("B", "b", level="city", hours=10, date="2019-05-10")])
    for who in ("sa1", "ca1"):
        cli("approve", "--all-queued", "--as", who, "--on", "2019-12-31", expect=0)
    rep = json.loads(cli("report", "--org", "D1", "--year", "2019", "--short-only", "--json", expect=0).output)
    assert rep["summary"]["short"] == 1 and [t["teacher"] for t in rep["teachers"]] == ["B"]
    text = cli("report", "--org", "D1", "--year", "2019", "--short-only", "--lang", "en", expect=0).output
    assert "测试教师B" in text and "测试教师A" not in text


@pytest.mark.rule("C-R5")
def test_a_certified_cycle_starts_the_next_one(cli, tmp_path):
    rows = [activity_row("T1", a["id"], a["kind"], a["date"],
                         **{k: v for k, v in a.items() if k not in ("id", "kind", "date")}) for a in full_cycle()]
    cf_load(cli, tmp_path, [teacher_row("T1")], [r for r in rows if r["kind"] == "training"], as_actor="ca")
    import_activities(cli, tmp_path, [r for r in rows if r["kind"] == "school_based"], as_actor="sa1",
                      name="electives")
    for actor in ("ca", "sa1", "ca"):
        cli("approve", "--all-queued", "--as", actor, "--on", "2024-12-31", expect=0)
    before = out_json(cli("status", "T1", "--as-of", "2024-12-31", "--json", expect=0))
    assert (before["cycle"]["start"], before["cycle"]["met"]) == ("2020-01-01", True)
    assert before["certificate"]["rule"] == "C-R5"
    c = out_json(cli("submit", "T1", "--cycle", "--as", "sa1", "--on", "2024-12-31", "--json", expect=0))["claim"]
    cli("approve", c, "--as", "sa1", "--on", "2024-12-31", expect=0)
    assert out_json(cli("approve", c, "--as", "ca", "--on", "2024-12-31", "--json", expect=0))["after"] == "certified"
    after = out_json(cli("status", "T1", "--as-of", "2024-12-31", "--json", expect=0))
    assert (after["cycle"]["start"], after["cycle"]["end"], after["cycle"]["met"]) == ("2025-01-01", "2029-12-31",
                                                                                     False)
    # the next review is a new claim for the new cycle; the log holds the move
    nxt = out_json(cli("submit", "T1", "--cycle", "--as", "sa1", "--on", "2025-06-01", "--json", expect=0))["claim"]
    assert nxt != c
    assert cli("audit", "verify", expect=0).output.startswith("chain intact")


@pytest.mark.rule("C-R1")
def test_report_by_works_with_csv(cli, tmp_path):
    cf_load(cli, tmp_path, [teacher_row("T1"), teacher_row("T2")], [
        activity_row("T1", "r1", level="county", delivery="centralized", hours=32, module="专业能力",
                     assessment="pass", project_id="R-1"),
        activity_row("T2", "r1", level="city", delivery="centralized", hours=8, module="政治素质和职业道德",
                     assessment="pass")], as_actor="ca")
    for actor in ("cy", "ca"):
        cli("approve", "--all-queued", "--as", actor, "--on", "2020-06-30", expect=0)
    rep = out_json(cli("report", "--org", "D1", "--year", "2020", "--by", "level", "--json", expect=0))
    out = cli("report", "--org", "D1", "--year", "2020", "--by", "level", "--csv", expect=0).output
    assert out.startswith("\ufeff")  # a BOM, as report --csv: Excel reads UTF-8
    rows = list(csv.DictReader(io.StringIO(out[1:])))
    assert list(rows[0]) == ["teacher", "name", "school", "region", "year", "by", "value", "unit", "amount"]
    got = {(r["teacher"], r["by"], r["value"], r["unit"], r["amount"]) for r in rows}
    want = {(t["teacher"], "level", v, u, a) for t in rep["teachers"] for v, amounts in t["by"]["level"].items()
            for u, a in amounts.items()}
    want |= {("*", "level", v, u, a) for v, amounts in rep["by"]["level"].items() for u, a in amounts.items()
             if u != "teachers"}
    assert got == want and ("T1", "level", "county", "credits", "32") in got and ("*", "level", "city", "credits", "8") in got
    redacted = cli("report", "--org", "D1", "--year", "2020", "--by", "level", "--csv", "--redact", expect=0).output
    assert "name" not in redacted.lstrip("\ufeff").splitlines()[0] and "T1" not in redacted
