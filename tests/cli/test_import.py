"""``xuefen import``: CSV and XLSX, all or nothing, every bad row named, re-import changes nothing."""
from __future__ import annotations

import json

import pytest
import sqlalchemy as sa
from xuefen.store import head_revision
from openpyxl import Workbook
from tests.conftest import KEYS_FOR

ORGS = """id,name,level,parent_id,region
yn,云南省教育厅,province,,kunming
km,昆明市教育局,city,yn,kunming
wh,五华区教育局,county,km,kunming
s1,示例第一小学,school,wh,kunming
s2,示例第二中学,school,wh,kunming
"""
ACTORS = """id,name,role,org_id
adm1,王校管,school_admin,s1
cty1,赵区管,county_admin,wh
"""
TEACHERS = """id,name,stage,school_id,hired_on,class_teacher,leave
t1,陈一,primary,s1,2010-09-01,true,
t2,林二,junior,s2,,,"[{""from"": ""2019-03-01"", ""to"": ""2019-08-31"", ""kind"": ""maternity""}]"
"""
ACTIVITIES = """teacher_id,id,kind,level,date,days,hours,assessment
t1,a1,training,city,2020-04-18,3,,excellent
t1,a2,school_based,school,2020-11-30,,60,pass
t2,a1,training,county,2021-05-06,,7.5,pass
"""


def _write(tmp_path, name, text, encoding="utf-8"):
    p = tmp_path / name
    p.write_bytes(text.encode(encoding))
    return p


def _count(db_url, table):
    eng = sa.create_engine(db_url)
    with eng.connect() as conn:
        n = conn.execute(sa.text(f"select count(*) from {table}")).scalar_one()
    eng.dispose()
    return n


@pytest.fixture
def loaded(cli, tmp_path):
    """A database with the orgs, actors, teachers and activities above, imported through the CLI."""
    cli("init", expect=0)
    for kind, text in (("orgs", ORGS), ("actors", ACTORS), ("teachers", TEACHERS), ("activities", ACTIVITIES)):
        cli("import", kind, _write(tmp_path, f"{kind}.csv", text), *KEYS_FOR[kind], expect=0)
    return cli


def test_init_creates_then_reports_the_revision(empty_cli):
    assert f"created, schema revision {head_revision()}" in empty_cli("init", expect=0).output
    assert f"already at revision {head_revision()}" in empty_cli("init", expect=0).output


def test_import_csv_of_every_kind(loaded):
    db = loaded.db_url
    # the two actors of the file, and the registry's first administrator who imported them
    assert [_count(db, t) for t in ("orgs", "actors", "teachers", "activities", "claims")] == [5, 3, 2, 3, 3]


def test_imported_activity_keeps_every_field_and_opens_a_claim_in_the_first_stage(loaded):
    from xuefen.store import open_engine, repo
    eng = open_engine(loaded.db_url)
    with eng.connect() as conn:
        acts = {a.id: a for a in repo.activities_of(conn, "t2")}
        claim = repo.get_claim(conn, repo.claim_id_for("t2", "a1"))
        teacher = repo.get_teacher(conn, "t2")
    eng.dispose()
    assert str(acts["a1"].hours) == "7.5" and acts["a1"].level == "county" and acts["a1"].assessment == "pass"
    assert claim.state == "school_review" and claim.region == "kunming" and claim.version == 1
    assert [s.name for s in claim.stages] == ["school_review", "county_review"]
    assert claim.stages[0].rule == "K-A1" and claim.stages[0].records_assessment
    assert teacher.leave[0].kind == "maternity" and teacher.name == "林二"


def test_reimporting_the_same_files_changes_nothing(loaded, tmp_path):
    db = loaded.db_url
    before = _count(db, "audit_log")
    for kind in ("orgs", "actors", "teachers", "activities"):
        out = loaded("import", kind, tmp_path / f"{kind}.csv", expect=0).output
        assert " 0 " + kind + " imported" in out
    assert _count(db, "audit_log") == before
    assert _count(db, "claims") == 3


def test_reimport_with_changed_data_is_an_error_row_not_an_overwrite(loaded, tmp_path):
    changed = ACTIVITIES.replace("t2,a1,training,county,2021-05-06,,7.5", "t2,a1,training,county,2021-05-06,,9")
    r = loaded("import", "activities", _write(tmp_path, "changed.csv", changed))
    assert r.exit_code == 2
    assert "changed.csv:4: id: activity 'a1' of teacher 't2' is already stored with different data" in r.output
    assert 'hours: "7.5" → "9"' in r.output


def test_every_bad_row_is_reported_and_nothing_is_imported(loaded, tmp_path):
    bad = """teacher_id,id,kind,level,date,hours,assessment
t1,b1,training,city,2020-04-18,8,pass
t1,b2,trainning,city,2020-04-19,8,pass
t1,b3,training,city,2020-13-01,8,pass
nobody,b4,training,city,2020-04-20,8,pass
t1,b5,training,city,2020-04-21,-3,good
t1,b1,training,city,2020-04-18,8,pass
"""
    r = loaded("import", "activities", _write(tmp_path, "bad.csv", bad))
    assert r.exit_code == 2
    lines = [ln for ln in r.output.splitlines() if ln.startswith("error:")]
    p = str(tmp_path / "bad.csv")
    for expected in (f"{p}:3: kind: ", f"{p}:4: date: ", f"{p}:5: teacher_id: no teacher 'nobody'",
                     f"{p}:6: hours: -3 is negative", f"{p}:6: assessment: ", f"{p}:7: id: "):
        assert any(ln.startswith(f"error: {expected}") for ln in lines), (expected, lines)
    assert _count(loaded.db_url, "activities") == 3  # b1 was good, but nothing went in


def test_references_are_checked(cli, tmp_path):
    cli("init", expect=0)
    r = cli("import", "orgs", _write(tmp_path, "o.csv", ORGS.replace("s2,示例第二中学,school,wh,kunming",
                                                                     "s2,示例第二中学,school,nowhere,atlantis")))
    assert r.exit_code == 2 and "o.csv:6: region: unknown region 'atlantis'" in r.output
    cli("import", "orgs", _write(tmp_path, "o2.csv", ORGS), expect=0)
    r = cli("import", "teachers", _write(tmp_path, "t.csv", TEACHERS.replace("t1,陈一,primary,s1", "t1,陈一,primary,wh")))
    assert r.exit_code == 2 and "t.csv:2: school_id: 'wh' is a county, not a school" in r.output
    r = cli("import", "actors", _write(tmp_path, "a.csv", ACTORS.replace("cty1,赵区管,county_admin,wh",
                                                                         "cty1,赵区管,county_admin,xx")))
    assert r.exit_code == 2 and "a.csv:3: org_id: no org unit 'xx'" in r.output
    r = cli("import", "orgs", _write(tmp_path, "o3.csv", "id,name,level,parent_id,region\nc9,某县,county,s1,kunming\n"))
    assert r.exit_code == 2 and "o3.csv:2: parent_id: 's1' is a school" in r.output


def test_unknown_and_missing_columns_are_named_on_line_1(cli, tmp_path):
    cli("init", expect=0)
    r = cli("import", "orgs", _write(tmp_path, "o.csv", "id,nmae,level,region\nx,y,school,kunming\n"))
    assert r.exit_code == 2
    assert "o.csv:1: nmae: unknown field" in r.output and "o.csv:1: name: required column is missing" in r.output


def test_a_utf8_bom_is_accepted(cli, tmp_path):
    cli("init", expect=0)
    cli("import", "orgs", _write(tmp_path, "o.csv", "\ufeff" + ORGS), expect=0)
    assert _count(cli.db_url, "orgs") == 5


def test_a_gbk_file_is_told_to_be_saved_as_utf8(cli, tmp_path):
    cli("init", expect=0)
    r = cli("import", "orgs", _write(tmp_path, "gbk.csv", ORGS, encoding="gbk"))
    assert r.exit_code == 2
    assert "gbk.csv:2: the file is not UTF-8 (it looks like GBK" in r.output and "save it as UTF-8" in r.output
    assert "Traceback" not in r.output


def test_import_xlsx_made_with_openpyxl(cli, tmp_path):
    import datetime as dt
    cli("init", expect=0)
    cli("import", "orgs", _write(tmp_path, "o.csv", ORGS), expect=0)
    cli("import", "teachers", _write(tmp_path, "t.csv", TEACHERS), expect=0)
    wb = Workbook()
    ws = wb.active
    ws.append(["teacher_id", "id", "kind", "level", "date", "hours", "assessment", "mandatory"])
    ws.append(["t1", "x1", "training", "city", dt.datetime(2020, 4, 18), 7.5, "pass", True])
    ws.append(["t1", "x2", "school_based", "school", "2020-11-30", 60, "pass", None])
    ws.append([None] * 8)  # a blank row is skipped
    path = tmp_path / "acts.xlsx"
    wb.save(path)
    r = cli("import", "activities", path, "--json", expect=0)
    assert json.loads(r.output) == {"kind": "activities", "path": str(path), "rows": 2, "created": 2,
                                    "unchanged": 0, "claims": 2}
    assert "0 activities imported, 2 already there" in cli("import", "activities", path, expect=0).output


def test_xlsx_bad_cells_name_the_sheet_row(cli, tmp_path):
    cli("init", expect=0)
    wb = Workbook()
    wb.active.append(["id", "name", "level", "parent_id", "region"])
    wb.active.append(["p", "省", "province", None, "kunming"])
    wb.active.append(["q", "县", "district", None, "kunming"])
    path = tmp_path / "o.xlsx"
    wb.save(path)
    r = cli("import", "orgs", path)
    assert r.exit_code == 2 and f"{path}:Sheet!C3: level: 'district' is not one of" in r.output
    assert _count(cli.db_url, "orgs") == 0


def test_import_as_an_actor_names_them_in_the_audit_log(loaded, tmp_path):
    more = "teacher_id,id,kind,level,date,hours\nt1,a9,training,city,2021-03-03,6\n"
    loaded("import", "activities", _write(tmp_path, "m.csv", more), "--as", "adm1", expect=0)
    log = json.loads(loaded("audit", "log", "--limit", "2", "--json", expect=0).output)
    assert {r["actor_id"] for r in log} == {"adm1"} and {r["action"] for r in log} == {"import"}
    r = loaded("import", "activities", _write(tmp_path, "m2.csv", more), "--as", "ghost")
    assert r.exit_code == 3 and "no signing key for actor ghost" in r.output


def test_not_a_table_file(cli, tmp_path):
    cli("init", expect=0)
    r = cli("import", "orgs", _write(tmp_path, "o.txt", ORGS))
    assert r.exit_code == 2 and "not a .csv or .xlsx file" in r.output
