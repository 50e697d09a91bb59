"""End to end through the ``xuefen`` program against a real database (the story through the installed program).

import → queue → refused actions (wrong stage, wrong unit, own claim) → approve through
every stage → status / report (table, JSON, CSV, redacted) → revoke → audit verify →
a row altered behind the program's back → audit verify names it. Bad rows import nothing.
"""
from __future__ import annotations

import csv
import io
import json

import pytest
import sqlalchemy as sa

from tests.conftest import run_exe, run_in_process
from tests.workflow.helpers import ACTORS, ORGS, activity, teacher, write_csv

ON = "2015-07-01"
#: the test that drives the installed program in real subprocesses, every command of the story, on SQLite;
#: on PostgreSQL, and in the other tests, the same command group runs in-process (click's runner), as most
#: CLI tests do: the story's database code is the same, a second interpreter per command adds nothing there
REAL_PROGRAM = {"test_import_approve_report_revoke_verify"}


@pytest.fixture
def xf(db_url, request):
    """The ``xuefen`` program (the installed one in a subprocess for :data:`REAL_PROGRAM`, else in-process);
    the registry's first administrator made by ``init --admin``, who acts when no ``--as`` is given
    ($XUEFEN_ACTOR)."""
    real = request.node.originalname in REAL_PROGRAM and db_url.startswith("sqlite")
    program = run_exe if real else run_in_process

    def run(*args, expect=0):
        r = program("--db", db_url, *args, env={"XUEFEN_ACTOR": "admin"})
        assert "Traceback" not in r.stderr, r.stderr
        if expect is not None:
            assert r.returncode == expect, (args, r.returncode, r.stdout, r.stderr)
        return r

    run.db_url = db_url
    run("init", "--admin", "admin")
    return run


@pytest.fixture
def registry(xf, tmp_path):
    """Teachers T1, T2 at school S1 (county D1); T1 is also an actor (role teacher)."""
    files = {
        "orgs": write_csv(tmp_path / "orgs.csv", ORGS),
        "actors": write_csv(tmp_path / "actors.csv",
                            ACTORS + [{"id": "T1", "name": "测试教师T1", "role": "teacher", "org_id": "S1"}]),
        "teachers": write_csv(tmp_path / "teachers.csv", [teacher("T1"), teacher("T2")]),
        "activities": write_csv(tmp_path / "activities.csv", [
            activity("T1", "a1", level="city", days=3),
            activity("T1", "a2", kind="school_based", hours=20, date="2015-06-01"),
            activity("T2", "a1", level="county", hours=40),
        ]),
    }
    for kind, path in files.items():
        out = xf("import", kind, path, *(("--create-keys",) if kind == "actors" else ()))
        assert "imported" in out.stdout
    return files


def _snapshot(db_url):
    from xuefen.store import open_engine
    from xuefen.store.schema import audit_log, claims, entries
    eng = open_engine(db_url)
    try:
        with eng.begin() as conn:
            return {t.name: sorted(map(tuple, conn.execute(sa.select(t)))) for t in (claims, entries, audit_log)}
    finally:
        eng.dispose()


def _sql(db_url, statement, **params):
    eng = sa.create_engine(db_url)
    try:
        with eng.begin() as conn:
            conn.execute(sa.text(statement), params)
    finally:
        eng.dispose()


def test_import_approve_report_revoke_verify(xf, registry, tmp_path):
    queued = json.loads(xf("queue", "--as", "sa1", "--json").stdout)
    assert [q["claim"] for q in queued] == ["activity:T1:a1", "activity:T1:a2", "activity:T2:a1"]
    assert {q["state"] for q in queued} == {"school_review"}
    assert json.loads(xf("queue", "--as", "ca1", "--json").stdout) == []

    # refused: the county before the school, another school's admin, the teacher on their own claim
    before = _snapshot(xf.db_url)
    r = xf("approve", "activity:T1:a1", "--as", "ca1", "--on", ON, expect=3)
    assert "needs a school_admin" in r.stderr and "K-A1" in r.stderr
    r = xf("approve", "activity:T1:a1", "--as", "sa2", "--on", ON, expect=3)
    assert "does not contain the teacher's school S1" in r.stderr
    r = xf("approve", "activity:T1:a1", "--as", "T1", "--on", ON, expect=3)
    assert "own claim" in r.stderr
    r = xf("approve", "activity:T1:a1", "--as", "nobody", "--on", ON, expect=None)
    assert r.returncode != 0 and "nobody" in r.stderr
    assert _snapshot(xf.db_url) == before

    # through both stages: school, then county; the county's approval posts the entries
    xf("approve", "--all-queued", "--as", "sa1", "--on", ON)
    assert len(json.loads(xf("queue", "--as", "ca1", "--json").stdout)) == 3
    final = json.loads(xf("approve", "activity:T1:a1", "--as", "ca1", "--on", ON, "--json").stdout)
    assert (final["before"], final["after"]) == ("county_review", "approved")
    assert [(e["hours"], e["rule"], e["article"]) for e in final["entries"]] == [("24", "K-C2", "第五条")]
    xf("approve", "--all-queued", "--as", "ca1", "--on", ON)
    assert json.loads(xf("queue", "--as", "ca1", "--json").stdout) == []

    # status: the FORMATS.md §2 evaluation of what was approved
    status = json.loads(xf("status", "T1", "--as-of", "2015-12-31", "--json").stdout)
    assert sorted((e["activity"], e["hours"], e["rule"]) for e in status["entries"]) == [
        ("a1", "24", "K-C2"), ("a2", "20", "K-C6")]
    assert [y["year"] for y in status["years"]] == [2015]
    year = next(r for r in status["years"][0]["requirements"] if r["rule"] == "K-R2")
    assert (year["counted"], year["required"], year["met"]) == ("44", "72", False)
    people = xf("status", "T1", "--as-of", "2015-12-31").stdout
    assert "K-R2" in people and "short 28" in people

    # report: every teacher under the county, short by how much, and the school flag K-R5
    rep = json.loads(xf("report", "--org", "D1", "--year", "2015", "--json").stdout)
    assert rep["summary"]["teachers"] == 2 and rep["summary"]["short"] == 2
    assert [f["rule"] for f in rep["schools"][0]["flags"]] == ["K-R5"]
    out = xf("report", "--org", "D1", "--year", "2015", "--csv").stdout
    assert out.startswith("\ufeffteacher,")  # the BOM: Excel opens it as UTF-8
    rows = list(csv.DictReader(io.StringIO(out.removeprefix("\ufeff"))))
    assert {(r["teacher"], r["period"], r["rule"], r["short"]) for r in rows} == {
        ("T1", "2015", "K-R2", "28"), ("T2", "2015", "K-R2", "32"),
        ("T1", "2015-02-01/2020-01-31", "K-R1", "316"), ("T2", "2015-02-01/2020-01-31", "K-R1", "320")}
    t1 = next(t for t in rep["teachers"] if t["teacher"] == "T1")
    assert (t1["cycle"]["start"], t1["cycle"]["met"]) == ("2015-02-01", False)
    assert t1["evaluation"]["teacher"] == "T1" and t1["evaluation"]["units"] == ["hours"]
    redacted = xf("report", "--org", "D1", "--year", "2015", "--redact", "--json").stdout
    redacted += xf("report", "--org", "D1", "--year", "2015", "--redact", "--csv").stdout
    assert "T1" not in redacted and "T2" not in redacted and "测试教师" not in redacted

    # revoke: reversing entries, the hours gone from status, the chain intact
    xf("revoke", "activity:T1:a1", "--as", "ca1", "--reason", "certificate could not be verified", "--on", ON)
    status = json.loads(xf("status", "T1", "--as-of", "2015-12-31", "--json").stdout)
    assert [e["activity"] for e in status["entries"]] == ["a2"]
    assert xf("audit", "verify").returncode == 0

    # an entry's hours changed in SQL, behind the program's back
    _sql(xf.db_url, "UPDATE entries SET hours = hours * 2 WHERE claim_id = :c", c="activity:T2:a1")
    r = xf("audit", "verify", expect=1)
    assert 'broken: entries e-' in r.stderr and 'hours is "80" in the table but "40"' in r.stderr


def test_bad_rows_import_nothing_and_name_file_line_field(xf, registry, tmp_path):
    before = _snapshot(xf.db_url)
    bad = write_csv(tmp_path / "more.csv", [
        activity("T1", "b1", level="city", hours=8),
        activity("T1", "b2", level="city", hours="-3"),
        activity("T9", "b3", level="city", hours=8),
        activity("T2", "b4", date="2015-02-30", hours=8),
    ])
    r = xf("import", "activities", bad, expect=2)
    assert f"{bad.name}:3: hours" in r.stderr
    assert f"{bad.name}:4: teacher_id" in r.stderr
    assert f"{bad.name}:5: date" in r.stderr
    assert "Traceback" not in r.stderr
    assert _snapshot(xf.db_url) == before


def test_wrong_stage_action_on_an_approved_claim_is_refused(xf, registry):
    xf("approve", "activity:T2:a1", "--as", "sa1", "--on", ON)
    xf("approve", "activity:T2:a1", "--as", "ca1", "--on", ON)
    before = _snapshot(xf.db_url)
    r = xf("approve", "activity:T2:a1", "--as", "ca1", "--on", ON, expect=3)
    assert "approved" in r.stderr
    r = xf("approve", "activity:T2:a1", "--as", "ca1", "--on", ON, "--expect-version", "1", expect=None)
    assert r.returncode in (3, 4)
    assert _snapshot(xf.db_url) == before
