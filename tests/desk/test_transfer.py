"""Transfers: a teacher's move to another school or region on a date, by `xuefen transfer` or a `teachers`
import with `school_id` and `moved_on`; the history keeps both schools, a year is attributed to the school of
that time, and Shandong's S-R2 carries the credits earned before a move between its cities. Through the real
CLI against a real database."""
from __future__ import annotations

import json

import pytest

from tests.conftest import KEYS_FOR
from tests.workflow.helpers import activity, load, teacher, write_csv


def _teachers(cli, org, year):
    rep = json.loads(cli("report", "--org", org, "--year", str(year), "--json", expect=0).output)
    return {t["teacher"]: t["school"] for t in rep["teachers"]}


@pytest.mark.rule("K-R2")
def test_a_move_by_import_and_by_command_keeps_both_schools_and_years_go_to_the_school_of_the_time(cli, tmp_path):
    load(cli, tmp_path, [teacher("T1"), teacher("T2")], [
        activity("T1", "a15", level="city", hours=72, date="2015-05-10"),
        activity("T1", "a16", level="city", hours=30, date="2016-05-10")])
    for who in ("sa1", "ca1"):
        cli("approve", "--all-queued", "--as", who, "--on", "2016-06-01", expect=0)
    # T1 moves from S1 (county D1) to S3 (county D2) on 2016-03-01, by a re-import with school_id and moved_on
    moved = write_csv(tmp_path / "moved.csv", [teacher("T1", school="S3", moved_on="2016-03-01"), teacher("T2")])
    r = cli("import", "teachers", moved, "--as", "ca1", expect=3)  # D1's admin does not manage S3
    assert "ca1 may not move teacher 'T1'" in r.output and "S3" in r.output
    out = json.loads(cli("import", "teachers", moved, "--as", "cy", "--json", expect=0).output)
    assert (out["created"], out["unchanged"], out["moved"]) == (0, 1, 1)
    again = cli("import", "teachers", moved, "--as", "cy", expect=0).output  # the same file again: nothing moves
    assert "0 teachers imported, 2 already there" in again
    # the report of each year counts T1 at the school of that year
    assert _teachers(cli, "D1", 2015) == {"T1": "S1", "T2": "S1"}
    assert _teachers(cli, "D2", 2015) == {}
    assert _teachers(cli, "D1", 2016) == {"T2": "S1"}
    assert _teachers(cli, "D2", 2016) == {"T1": "S3"}
    st = json.loads(cli("status", "T1", "--as-of", "2015-12-31", "--json", expect=0).output)
    k = next(r for y in st["years"] if y["year"] == 2015 for r in y["requirements"] if r["rule"] == "K-R2")
    assert (k["counted"], k["met"]) == ("72", True)  # the hours moved with her (K: 第十七条)
    # a second move by the command; the history keeps every school
    r = cli("transfer", "T1", "--to", "SC", "--on", "2016-01-01", "--as", "cy", expect=2)
    assert "is not after the teacher's last move (2016-03-01, to S3)" in r.output
    r = cli("transfer", "T1", "--to", "SC", "--on", "2017-09-01", "--as", "ca2", expect=3)
    assert "ca2 may not move the teacher" in r.output and "SC" in r.output
    r = cli("transfer", "T1", "--to", "S3", "--on", "2017-09-01", "--as", "cy", expect=2)
    assert "already at S3" in r.output
    r = cli("transfer", "T1", "--to", "D1", "--on", "2017-09-01", "--as", "cy", expect=2)
    assert "is a county, not a school" in r.output
    out = json.loads(cli("transfer", "T1", "--to", "SC", "--on", "2017-09-01", "--as", "cy", "--json",
                         expect=0).output)
    assert out == {"teacher": "T1", "on": "2017-09-01", "from": "S3", "to": "SC", "from_region": "kunming",
                   "to_region": "kunming"}
    assert _teachers(cli, "KM", 2015)["T1"] == "S1" and _teachers(cli, "KM", 2016)["T1"] == "S3"
    assert _teachers(cli, "KM", 2017)["T1"] == "SC"
    assert cli("audit", "verify", expect=0).output.startswith("chain intact")


SD_ORGS = [
    {"id": "SD", "name": "测试省", "level": "province", "parent_id": "", "region": "shandong"},
    {"id": "DY", "name": "测试东营市", "level": "city", "parent_id": "SD", "region": "dongying"},
    {"id": "DX", "name": "测试东营县", "level": "county", "parent_id": "DY", "region": "dongying"},
    {"id": "DS", "name": "测试东营中学", "level": "school", "parent_id": "DX", "region": "dongying"},
    {"id": "JN", "name": "测试济南市", "level": "city", "parent_id": "SD", "region": "shandong"},
    {"id": "JX", "name": "测试济南县", "level": "county", "parent_id": "JN", "region": "shandong"},
    {"id": "JS", "name": "测试济南中学", "level": "school", "parent_id": "JX", "region": "shandong"},
]
SD_ORGS += [  # a Kunming school: moving from there into Shandong, the credits stay in Yunnan (S-R2)
    {"id": "YN", "name": "测试云南省", "level": "province", "parent_id": "", "region": "kunming"},
    {"id": "KM", "name": "测试昆明市", "level": "city", "parent_id": "YN", "region": "kunming"},
    {"id": "KX", "name": "测试昆明县", "level": "county", "parent_id": "KM", "region": "kunming"},
    {"id": "KS", "name": "测试昆明小学", "level": "school", "parent_id": "KX", "region": "kunming"},
]
SD_ACTORS = [
    {"id": "sa-d", "name": "甲校管", "role": "school_admin", "org_id": "DS"},
    {"id": "ca-d", "name": "乙县管", "role": "county_admin", "org_id": "DX"},
    {"id": "pa", "name": "丙省管", "role": "province_admin", "org_id": "SD"},
    {"id": "sa-k", "name": "丁校管", "role": "school_admin", "org_id": "KS"},
    {"id": "ca-k", "name": "戊县管", "role": "county_admin", "org_id": "KX"},
]


@pytest.mark.rule("S-R2", "D-C1")
def test_S_R2_a_move_between_shandong_cities_recorded_in_the_registry_keeps_the_credits(cli, tmp_path):
    t = {"id": "T-SD-1", "name": "测试教师一", "stage": "junior", "school_id": "DS", "hired_on": "2008-09-01",
         "cycle_start": "2016-01-01"}
    k = {**t, "id": "T-KM-1", "name": "测试教师二", "school_id": "KS"}
    acts = [{"teacher_id": "T-SD-1", "id": "v", "kind": "volunteer_teaching", "date": "2016-05-10",
             "level": "county", "hours": "10"},
            {"teacher_id": "T-KM-1", "id": "k", "kind": "training", "date": "2016-05-10", "level": "city",
             "hours": "24"}]
    for kind, rows in (("orgs", SD_ORGS), ("actors", SD_ACTORS), ("teachers", [t, k]), ("activities", acts)):
        cli("import", kind, write_csv(tmp_path / f"{kind}.csv", rows), *KEYS_FOR[kind], expect=0)
    for who in ("sa-d", "ca-d", "sa-k", "ca-k"):
        cli("approve", "--all-queued", "--as", who, "--on", "2016-06-01", expect=0)
    # from Kunming into Shandong (by the registry administrator, who manages both): valid across Shandong only
    cli("transfer", "T-KM-1", "--to", "JS", "--on", "2017-01-01", "--as", "admin", expect=0)
    km = json.loads(cli("status", "T-KM-1", "--as-of", "2017-12-31", "--json", expect=0).output)
    r = next(r for r in km["refused"] if r["activity"] == "k")
    assert r["rule"] == "S-R2" and "earned in kunming before the move on 2017-01-01" in r["reason"]
    r = cli("transfer", "T-SD-1", "--to", "JS", "--on", "2017-01-01", "--as", "ca-d", expect=3)
    assert "JS" in r.output and "both schools" in r.output
    cli("transfer", "T-SD-1", "--to", "JS", "--on", "2017-01-01", "--as", "pa", expect=0)
    # in 2017 she teaches under the province's rules, and what she earned in Dongying moved with her (S-R2)
    now = json.loads(cli("status", "T-SD-1", "--as-of", "2017-12-31", "--json", expect=0).output)
    assert now["region"] == "shandong"
    e = next(e for e in now["entries"] if e["activity"] == "v")
    assert (e["rule"], e["credits"]) == ("D-C1", "20") and "moved_from_dongying" in e["buckets"]
    # 2016 is still Dongying's year, at the school of that time
    then = json.loads(cli("status", "T-SD-1", "--as-of", "2016-12-31", "--json", expect=0).output)
    assert then["region"] == "dongying"
    assert _teachers(cli, "DY", 2016) == {"T-SD-1": "DS"} and _teachers(cli, "JN", 2016) == {}
    assert _teachers(cli, "JN", 2017) == {"T-SD-1": "JS", "T-KM-1": "JS"} and _teachers(cli, "DY", 2017) == {}
    assert cli("audit", "verify", expect=0).output.startswith("chain intact")



#: (what the attacker does, the SQL on SQLite, the SQL on PostgreSQL)
SQL_MOVES = [
    # a move nobody signed: T1, at S3 since the recorded move, put back at S1 behind the program's back
    ("moved back", "UPDATE teachers SET school_id = 'S1' WHERE id = 'T1'",
     "UPDATE teachers SET school_id = 'S1' WHERE id = 'T1'"),
    # the history rewritten: the recorded move back-dated, so the new school would get 2015 as well
    ("back-dated", "UPDATE teachers SET data = REPLACE(data, '2016-03-01', '2015-01-01') WHERE id = 'T1'",
     "UPDATE teachers SET data = REPLACE(data::text, '2016-03-01', '2015-01-01')::json WHERE id = 'T1'"),
]


@pytest.mark.parametrize("what,sqlite_sql,pg_sql", SQL_MOVES, ids=[m[0] for m in SQL_MOVES])
def test_a_move_written_in_sql_is_named_by_audit_verify(cli, db_url, tmp_path, what, sqlite_sql, pg_sql):
    """The attack: someone who can write the database moves a teacher, or back-dates a recorded move, in
    SQL, with no signed action. ``audit verify`` must fail and name the teacher's row."""
    import sqlalchemy as sa

    load(cli, tmp_path, [teacher("T1"), teacher("T2")], [])
    moved = write_csv(tmp_path / "moved.csv", [teacher("T1", school="S3", moved_on="2016-03-01"), teacher("T2")])
    cli("import", "teachers", moved, "--as", "cy", expect=0)
    assert cli("audit", "verify", expect=0).output.startswith("chain intact")
    engine = sa.create_engine(db_url)
    with engine.begin() as conn:
        sql = sqlite_sql if engine.dialect.name == "sqlite" else pg_sql
        assert conn.execute(sa.text(sql)).rowcount == 1
    engine.dispose()
    r = cli("audit", "verify", expect=1)
    assert "teachers" in r.output and "T1" in r.output
