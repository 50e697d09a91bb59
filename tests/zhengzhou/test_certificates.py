"""Certificates through the real CLI against a real database: issue once per cycle, serial, validity, next cycle.

Z-R4 (valid 5 years from the issue date, the next cycle inside it), Z-R1 (360 hours
counted and assessed), Z-R5 (the new-teacher certificate after 120 hours passed).
"""
from __future__ import annotations

import datetime as dt
import json

import pytest

from tests.zhengzhou.helpers import activity, approve_all, audit_records, count, load, teacher, teacher_row

d = dt.date


def cycle_done(tid, school="ZS1", stage="primary", prev="2017-04-01", **kw):
    return (teacher(tid, school, stage, previous_certificate_on=prev, **kw),
            [activity(tid, f"{tid}-sb", "school_based", "2018-03-01", level="school", hours=80, assessment="pass"),
             activity(tid, f"{tid}-tr", "training", "2019-05-01", level="county", hours=280, assessment="pass")])


@pytest.fixture
def done(cli, tmp_path):
    t1, a1 = cycle_done("ZT1")
    t2, a2 = teacher("ZT2", previous_certificate_on="2017-04-01"), [
        activity("ZT2", "ZT2-sb", "school_based", "2018-03-01", level="school", hours=80, assessment="pass")]
    t3, a3 = cycle_done("ZT3", "ZSC", "senior")
    t4, a4 = cycle_done("ZT4", prev="2015-03-01")
    load(cli, tmp_path, [t1, t2, t3, t4], a1 + a2 + a3 + a4)
    approve_all(cli, on="2019-06-01")
    return cli


def issue(cli, tid, actor, on, *more, expect=0):
    r = cli("certificate", "issue", tid, "--as", actor, "--on", on, "--json", *more, expect=expect)
    return json.loads(r.stdout) if expect == 0 else r


@pytest.mark.rule("Z-R1")
def test_Z_R1_certificate_issued_once_360_hours_are_counted_with_a_serial(done):
    cert = issue(done, "ZT1", "zd", "2020-06-01")
    assert cert["serial"] == "ZHENGZHOU-CYCLE-2020-000001"
    assert (cert["kind"], cert["rule"], cert["article"]) == ("cycle", "Z-R1", "四")
    assert cert["title"] == "河南省中小学教师继续教育登记证书"
    assert (cert["cycle_start"], cert["issued_on"]) == ("2017-04-01", "2020-06-01")
    assert cert["data"]["counted"]["Z-R1"] == "360"
    second = issue(done, "ZT3", "zc", "2020-06-01")  # a city-direct senior teacher: the city office
    assert second["serial"] == "ZHENGZHOU-CYCLE-2020-000002"
    assert [r.object_id for r in audit_records(done, "issue_certificate")] == [cert["id"], second["id"]]


@pytest.mark.rule("Z-R4")
def test_Z_R4_certificate_is_issued_once_never_twice_for_one_cycle(done):
    from xuefen.store.schema import certificates
    issue(done, "ZT1", "zd", "2020-06-01")
    again = issue(done, "ZT1", "zd", "2020-06-01", expect=3)
    assert "already issued" in again.output and "never twice" in again.output
    later = issue(done, "ZT1", "zd", "2021-01-10", expect=3)
    assert "ZT1" in later.output
    assert count(done, certificates) == 1


@pytest.mark.rule("Z-R4")
def test_Z_R4_issuing_starts_the_next_cycle_from_the_issue_date(done):
    issue(done, "ZT1", "zd", "2020-06-01")
    row = teacher_row(done, "ZT1")
    assert (row.previous_certificate_on, row.cycle_start) == (d(2020, 6, 1), d(2020, 6, 1))
    assert [r.before["previous_certificate_on"] for r in audit_records(done, "next_cycle")] == ["2017-04-01"]
    status = json.loads(done("status", "ZT1", "--as-of", "2020-07-01", "--json", expect=0).stdout)
    assert (status["cycle"]["start"], status["cycle"]["end"]) == ("2020-06-01", "2025-05-31")
    assert status["cycle"]["requirements"][0]["counted"] == "0"


@pytest.mark.parametrize("issued,last", [("2020-06-01", "2025-05-31"), ("2020-02-29", "2025-02-28"),
                                         ("2020-01-01", "2024-12-31")])
@pytest.mark.rule("Z-R4")
def test_Z_R4_valid_5_years_from_issue_edges(done, issued, last):
    cert = issue(done, "ZT1", "zd", issued)
    assert cert["valid_until"] == last
    day_after = (d.fromisoformat(last) + dt.timedelta(days=1)).isoformat()
    before = (d.fromisoformat(issued) - dt.timedelta(days=1)).isoformat()
    status = {on: json.loads(done("certificate", "show", cert["serial"], "--on", on, "--json",
                                  expect=0).stdout)["status"] for on in (before, issued, last, day_after)}
    assert status == {before: "not_yet_issued", issued: "valid", last: "valid", day_after: "expired"}


@pytest.mark.rule("Z-R1")
def test_Z_R1_short_teacher_gets_no_certificate_and_nothing_changes(done):
    from xuefen.store.schema import audit_log, certificates
    n = count(done, audit_log)
    r = issue(done, "ZT2", "zd", "2020-06-01", expect=3)
    assert "Z-R1: 80 of 360 hours (Z-R1, 四)" in r.output
    assert (count(done, certificates), count(done, audit_log)) == (0, n)
    assert teacher_row(done, "ZT2").previous_certificate_on == d(2017, 4, 1)


def test_certificate_refused_to_the_wrong_actor(done):
    from xuefen.store.schema import certificates
    assert "needs a county_admin" in issue(done, "ZT1", "zs1", "2020-06-01", expect=3).output
    assert "needs a city_admin" in issue(done, "ZT3", "zd", "2020-06-01", expect=3).output
    assert "no signing key for actor nobody" in issue(done, "ZT1", "nobody", "2020-06-01", expect=3).output
    assert count(done, certificates) == 0


def test_certificate_dry_run_and_list(done):
    r = json.loads(done("certificate", "issue", "ZT1", "--as", "zd", "--on", "2020-06-01", "--dry-run", "--json",
                        expect=0).stdout)
    assert r["certificate"]["eligible"] and r["already_issued"] is None
    issue(done, "ZT1", "zd", "2020-06-01")
    issue(done, "ZT3", "zc", "2020-06-02")
    listed = json.loads(done("certificate", "list", "--org", "ZD", "--on", "2026-01-01", "--json",
                             expect=0).stdout)
    assert [(c["teacher"], c["status"]) for c in listed] == [("ZT1", "expired")]
    everyone = json.loads(done("certificate", "list", "--json", expect=0).stdout)
    assert [c["teacher"] for c in everyone] == ["ZT1", "ZT3"]
    table = done("certificate", "list", "--teacher", "ZT3", expect=0).output
    assert "1 certificate(s)" in table
    assert done("certificate", "show", "NO-SUCH", expect=2).output.startswith("error:")
    assert "not a date" in done("certificate", "show", "x", "--on", "2020-13-01", expect=2).output


@pytest.mark.rule("Z-R5")
def test_Z_R5_new_teacher_certificate_after_120_hours_passed(cli, tmp_path):
    t = teacher("ZN1", hired_on="2018-09-01")
    acts = [activity("ZN1", "ZN1-n1", "new_teacher_training", "2018-11-01", level="county", hours=60,
                     assessment="pass"),
            activity("ZN1", "ZN1-n2", "new_teacher_training", "2019-03-01", level="county", hours=60,
                     assessment="pass")]
    load(cli, tmp_path, [t], acts)
    approve_all(cli, on="2019-04-01")
    early = issue(cli, "ZN1", "zc", "2019-01-01", "--kind", "new_teacher", expect=3)
    assert "60 of 120" in early.output
    cert = issue(cli, "ZN1", "zc", "2019-04-01", "--kind", "new_teacher")
    assert (cert["title"], cert["rule"], cert["issuer"]) == ("新任教师培训合格证书", "Z-R5", "郑州市教育局")
    assert cert["serial"] == "ZHENGZHOU-NEW_TEACHER-2019-000001" and cert["valid_until"] is None
    assert "already issued" in issue(cli, "ZN1", "zc", "2019-05-01", "--kind", "new_teacher", expect=3).output
    # the new-teacher certificate does not start a cycle: the first runs from the start of work (Z-R5)
    assert teacher_row(cli, "ZN1").previous_certificate_on is None
    assert "no 'diploma' certificate" in issue(cli, "ZN1", "zc", "2019-05-01", "--kind", "diploma",
                                               expect=3).output


@pytest.fixture
def paper(cli, tmp_path):
    """A junior teacher certified 2012-03-01 with 260 hours by 2016-12-31 (paper path) and 100 more in 2018."""
    t = teacher("ZP1", "ZS2", "junior", previous_certificate_on="2012-03-01")
    acts = [activity("ZP1", "ZP1-sb", "school_based", "2014-04-01", level="school", hours=80, assessment="pass"),
            activity("ZP1", "ZP1-a", "training", "2015-05-01", level="county", hours=180, assessment="pass"),
            activity("ZP1", "ZP1-b", "training", "2018-05-01", level="county", hours=100, assessment="pass")]
    load(cli, tmp_path, [t], acts)
    approve_all(cli, on="2018-06-01")
    cli("migrate", "zhengzhou-cutover", "--on", "2018-06-01", "--apply", expect=0)
    return cli


@pytest.mark.rule("Z-T1")
def test_Z_T1_paper_path_certificate_is_issued_by_the_zhengzhou_bureau(paper):
    assert "needs a city_admin" in issue(paper, "ZP1", "zd", "2018-06-01", expect=3).output
    cert = issue(paper, "ZP1", "zc", "2018-06-01")
    assert (cert["title"], cert["rule"], cert["article"]) == ("中小学教师继续教育登记证书", "Z-T1", "八")
    assert cert["issuer"].startswith("郑州市教育局") and cert["valid_until"] == "2023-05-31"
    assert cert["cycle_start"] == "2012-03-01" and cert["data"]["counted"]["Z-R1"] == "360"
    assert teacher_row(paper, "ZP1").previous_certificate_on == d(2018, 6, 1)


@pytest.mark.rule("Z-T2")
def test_Z_T2_no_paper_path_certificate_after_2018_12_31(paper):
    from xuefen.store.schema import certificates
    r = issue(paper, "ZP1", "zc", "2019-01-01", expect=3)
    assert "Z-T2" in r.output and "2018-12-31" in r.output
    assert count(paper, certificates) == 0
    assert issue(paper, "ZP1", "zc", "2018-12-31")["rule"] == "Z-T1"  # the deadline day itself still issues


@pytest.mark.rule("Z-R4")
def test_Z_R4_report_shows_each_teachers_own_cycle(done):
    """Zhengzhou has no yearly minimum (Z-R3 is advice): the report shows each teacher's own cycle."""
    rep = json.loads(done("report", "--org", "ZD", "--year", "2019", "--json", expect=0).stdout)
    cycles = {t["teacher"]: t["cycle"] for t in rep["teachers"]}
    assert cycles["ZT1"]["start"] == "2017-04-01" and cycles["ZT1"]["met"] is True
    z1 = next(r for r in cycles["ZT2"]["requirements"] if r["rule"] == "Z-R1")
    assert (z1["counted"], z1["required"], z1["short"], z1["met"]) == ("80", "360", "280", False)
    # ZT2's cycle has not ended on 31 December 2019: behind, but in progress, not short (docs/formats.md §2)
    assert cycles["ZT2"]["end"] > "2019-12-31" and cycles["ZT2"]["status"] == "in_progress"
    zt2 = next(t for t in rep["teachers"] if t["teacher"] == "ZT2")
    assert rep["summary"]["cycle_in_progress"] >= 1 and zt2["short"] == {"year": False, "cycle": False}
    text = done("report", "--org", "ZD", "--year", "2019", "--short-only", expect=0).stdout
    assert "ZT2" not in text and "ZT1" not in text and "周期 0 名" in text
    # as of the day its cycle has ended, still 280 short: short, and listed
    end = cycles["ZT2"]["end"]
    later = json.loads(done("report", "--org", "ZD", "--as-of", end, "--short-only", "--json", expect=0).stdout)
    assert [t["teacher"] for t in later["teachers"]] == ["ZT2"]
    assert later["teachers"][0]["cycle"]["status"] == "short" and "Z-R1" in json.dumps(later["teachers"][0])
