"""Input hardening: each attack of issue 15 mounted through the real CLI (or the table reader), each refused
with a problem naming the file, the line and the field, nothing written and the audit chain intact.

The attacks, as they were observed before the hardening:

* an id holding ``/`` (the audit log's object ids join composite primary keys with ``/``) made
  ``audit verify`` fail for ever on legitimate data, which hides later tampering;
* an id holding ``:`` (claim ids are ``activity:TEACHER:ACTIVITY``) made another teacher's activity
  unimportable: teacher ``t1:x``'s activity ``y`` and teacher ``t1``'s activity ``x:y`` are one claim;
* look-alike ids (full-width ``ＴＥＡＣＨＥＲ１`` next to ``TEACHER1``, a U+202E override) were two teachers;
* a 129-character id went into SQLite and raised a traceback on PostgreSQL;
* a 1.5 KB XLSX claiming cell ``XFD1048576`` ended in MemoryError; a 103 KB XLSX cell became a name of
  35 million characters;
* hours with 5 decimal places imported fine and then stuck the claim at final approval (exit 4);
* dates such as 1900 or 3000 went in;
* a command waiting on a busy SQLite database said "cannot open or migrate".
"""
from __future__ import annotations

import json
import re
import sqlite3
import zipfile

import pytest
import sqlalchemy as sa
from openpyxl import Workbook

from tests.conftest import KEYS_FOR, write_case
from xuefen.io import fields as F
from xuefen.io import tables
from xuefen.store import engine as store_engine
from xuefen.store import schema as S

ORGS = """id,name,level,parent_id,region
yn,云南省教育厅,province,,kunming
km,昆明市教育局,city,yn,kunming
wh,五华区教育局,county,km,kunming
s1,示例第一小学,school,wh,kunming
"""
ACTORS = """id,name,role,org_id
adm1,王校管,school_admin,s1
cty1,赵区管,county_admin,wh
"""
TEACHERS = "id,name,stage,school_id,hired_on\nt1,陈一,primary,s1,2010-09-01\n"
ACT_HEADER = "teacher_id,id,kind,level,date,days,hours,assessment\n"
#: one good teacher row under its header, for the XLSX files
TEACHER_ROWS = [["id", "name", "stage", "school_id"], ["t2", "林二", "primary", "s1"]]


def _write(tmp_path, name, text):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def _counts(db_url) -> dict:
    eng = sa.create_engine(db_url)
    try:
        with eng.connect() as conn:
            return {t.name: conn.execute(sa.select(sa.func.count()).select_from(t)).scalar_one()
                    for t in (S.orgs, S.actors, S.teachers, S.activities, S.claims, S.audit_log)}
    finally:
        eng.dispose()


def _errors(result) -> list[str]:
    return [ln[len("error: "):] for ln in result.output.splitlines() if ln.startswith("error: ")]


@pytest.fixture
def registry(cli, tmp_path):
    """Kunming's school s1 in county wh, its school and county administrators, and teacher t1."""
    for kind, text in (("orgs", ORGS), ("actors", ACTORS), ("teachers", TEACHERS)):
        cli("import", kind, _write(tmp_path, f"{kind}.csv", text), *KEYS_FOR[kind], expect=0)
    return cli


def _refused(cli, kind, path, *expected: str):
    """Import ``path`` as ``kind``: exit 2, each expected problem among the errors, nothing written.

    An expected problem is the start of an error line, optionally ``~`` and a text the line holds further on.
    """
    before = _counts(cli.db_url)
    r = cli("import", kind, path)
    assert r.exit_code == 2, r.output
    assert "Traceback" not in r.output
    errors = _errors(r)
    for e in expected:
        head, _, tail = e.partition("~")
        assert any(ln.startswith(head) and tail in ln for ln in errors), (e, errors)
    assert _counts(cli.db_url) == before
    return errors


def test_the_parsers_limits_are_the_columns():
    assert F.ID_MAX == S.ID.length == 128  # one limit, in Python, for SQLite and PostgreSQL alike
    assert F.AMOUNT_PLACES == S.AMOUNT_SCALE == 4
    assert (F.YEAR_MIN, F.YEAR_MAX) == (1950, 2100)


# -- "/" and ":" ----------------------------------------------------------------------------------------


def test_an_id_with_a_slash_is_refused_and_audit_verify_stays_intact(registry, tmp_path):
    # teacher t1's activity "a/b" would be audit object "t1/a/b", which is also teacher "t1/a"'s activity "b"
    p = _write(tmp_path, "acts.csv", ACT_HEADER + "t1,a1,training,city,2020-04-18,3,,pass\n"
                                                  "t1,a/b,training,city,2020-04-19,3,,pass\n")
    errors = _refused(registry, "activities", p, f"{p}:3: id: 'a/b' contains '/'")
    assert "composite keys" in errors[0]
    t = _write(tmp_path, "t.csv", "id,name,stage,school_id\nt1/a,林二,primary,s1\n")
    _refused(registry, "teachers", t, f"{t}:2: id: 't1/a' contains '/'")
    o = _write(tmp_path, "o.csv", "id,name,level,parent_id,region\ns/2,某校,school,wh,kunming\n")
    _refused(registry, "orgs", o, f"{o}:2: id: 's/2' contains '/'")
    o2 = _write(tmp_path, "o2.csv", "id,name,level,parent_id,region\ns2,某校,school,w/h,kunming\n")
    _refused(registry, "orgs", o2, f"{o2}:2: parent_id: 'w/h' contains '/'")
    a = _write(tmp_path, "a.csv", "id,name,role,org_id\nadm/2,某人,school_admin,s1\n")
    _refused(registry, "actors", a, f"{a}:2: id: 'adm/2' contains '/'")
    good = _write(tmp_path, "good.csv", ACT_HEADER + "t1,a1,training,city,2020-04-18,3,,pass\n")
    registry("import", "activities", good, expect=0)
    assert registry("audit", "verify").exit_code == 0


def test_an_id_with_a_colon_is_refused_so_claims_never_collide(registry, tmp_path):
    # claim activity:t1:x:y is teacher t1's activity x:y and teacher t1:x's activity y
    t = _write(tmp_path, "t.csv", "id,name,stage,school_id\nt1:x,林二,primary,s1\n")
    _refused(registry, "teachers", t, f"{t}:2: id: 't1:x' contains ':'")
    p = _write(tmp_path, "acts.csv", ACT_HEADER + "t1,x:y,training,city,2020-04-18,3,,pass\n")
    _refused(registry, "activities", p, f"{p}:2: id: 'x:y' contains ':'")
    p2 = _write(tmp_path, "acts2.csv", ACT_HEADER + "t1:x,y,training,city,2020-04-18,3,,pass\n")
    _refused(registry, "activities", p2, f"{p2}:2: teacher_id: 't1:x' contains ':'")
    assert registry("audit", "verify").exit_code == 0


def test_the_first_administrator_id_is_checked_too(empty_cli):
    r = empty_cli("init", "--admin", "ad:min")
    assert r.exit_code == 2 and "error: --admin: 'ad:min' contains ':'" in r.output
    r = empty_cli("init", "--admin", "admin", "--name", "王\u202e一")
    assert r.exit_code == 2 and "U+202E" in r.output


# -- look-alikes: NFKC, control and format characters ---------------------------------------------------


def test_a_full_width_id_is_stored_normalised_and_collides_with_its_ascii_twin(registry, tmp_path):
    both = _write(tmp_path, "t.csv",
                  "id,name,stage,school_id\nＴＥＡＣＨＥＲ１,林二,primary,s1\nTEACHER1,林三,primary,s1\n")
    _refused(registry, "teachers", both, f"{both}:3: id: teacher 'TEACHER1' repeats line 2")
    one = _write(tmp_path, "t1.csv", "id,name,stage,school_id\nＴＥＡＣＨＥＲ１,林二,primary,ｓ１\n")
    registry("import", "teachers", one, expect=0)
    eng = sa.create_engine(registry.db_url)
    with eng.connect() as conn:
        assert conn.execute(sa.select(S.teachers.c.id, S.teachers.c.school_id)
                            .where(S.teachers.c.name == "林二")).all() == [("TEACHER1", "s1")]
    eng.dispose()
    # the half-width spelling is the same teacher: a re-import changes nothing, an activity finds it
    registry("import", "teachers", _write(tmp_path, "t2.csv", "id,name,stage,school_id\nTEACHER1,林二,primary,s1\n"),
             expect=0)
    act = _write(tmp_path, "a.csv", ACT_HEADER + "ＴＥＡＣＨＥＲ１,a1,training,city,2020-04-18,3,,pass\n")
    registry("import", "activities", act, expect=0)
    assert _counts(registry.db_url)["claims"] == 1
    assert registry("audit", "verify").exit_code == 0


@pytest.mark.parametrize("char", ["\u202e", "\u200b", "\u2066", "\x1b", "\u2028"])
def test_control_and_format_characters_in_an_id_are_refused_by_code_point(registry, tmp_path, char):
    t = _write(tmp_path, "t.csv", f"id,name,stage,school_id\nt{char}2,林二,primary,s1\n")
    errors = _refused(registry, "teachers", t, f"{t}:2: id: ")
    assert f"U+{ord(char):04X}" in errors[0]
    assert char not in errors[0]  # shown escaped: a message never turns the terminal's text around


def test_a_bidi_override_or_a_control_character_in_a_name_is_refused(registry, tmp_path):
    t = _write(tmp_path, "t.csv", "id,name,stage,school_id\nt2,陈\u202e二,primary,s1\nt3,\"陈\x07三\",primary,s1\n")
    errors = _refused(registry, "teachers", t, f"{t}:2: name: ", f"{t}:3: name: ")
    assert "U+202E" in errors[0] and "U+0007" in errors[1]
    long_name = _write(tmp_path, "n.csv", f"id,name,stage,school_id\nt2,{'陈' * (F.NAME_MAX + 1)},primary,s1\n")
    _refused(registry, "teachers", long_name, f"{long_name}:2: name: ~is 201 characters long; a name has at most 200")


# -- one length limit on every database -----------------------------------------------------------------


def test_a_129_character_id_is_refused_the_same_on_every_database(registry, tmp_path):
    long_id = "T" * (F.ID_MAX + 1)
    t = _write(tmp_path, "t.csv", f"id,name,stage,school_id\n{long_id},林二,primary,s1\n")
    errors = _refused(registry, "teachers", t, f"{t}:2: id: ")
    assert errors == [f"{t}:2: id: '{'T' * 40}…' is 129 characters long; an id has at most 128"]
    p = _write(tmp_path, "a.csv", ACT_HEADER + f"t1,{'a' * 129},training,city,2020-04-18,3,,pass\n")
    _refused(registry, "activities", p, f"{p}:2: id: ~is 129 characters long")


def test_ids_of_128_characters_go_all_the_way_through_approval(registry, tmp_path):
    # the ids built from them (claim, signature) are longer than a column: they are shortened with a hash
    tid, aid = "T" * F.ID_MAX, "a" * F.ID_MAX
    registry("import", "teachers", _write(tmp_path, "t.csv", f"id,name,stage,school_id\n{tid},林二,primary,s1\n"),
             expect=0)
    act = _write(tmp_path, "a.csv", ACT_HEADER + f"{tid},{aid},training,city,2020-04-18,3,,pass\n")
    registry("import", "activities", act, expect=0)
    [queued] = json.loads(registry("queue", "--as", "adm1", "--json", expect=0).output)
    assert len(queued["claim"]) <= F.ID_MAX and queued["activity"] == aid
    registry("approve", queued["claim"], "--as", "adm1", "--on", "2020-05-01", expect=0)
    out = json.loads(registry("approve", queued["claim"], "--as", "cty1", "--on", "2020-05-01", "--json",
                              expect=0).output)
    assert out["after"] == "approved" and out["entries"]
    assert registry("audit", "verify").exit_code == 0


# -- XLSX: dimensions, size, cells ----------------------------------------------------------------------


def _xlsx(path, rows):
    wb = Workbook()
    for r in rows:
        wb.active.append(r)
    wb.save(path)
    return path


def _patch(path, edit):
    """Rewrite the workbook's members inside the zip with ``edit(name, text) -> text``, as a hand-made
    attack file would be made (openpyxl itself writes neither a false dimension nor a cell over 32,767)."""
    with zipfile.ZipFile(path) as zf:
        members = {i.filename: zf.read(i.filename) for i in zf.infolist()}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, edit(name, data.decode()).encode() if name.endswith(".xml") else data)
    return path


def _patch_dimension(path, ref: str):
    """Make the first sheet's ``<dimension ref=…>`` claim ``ref``."""
    def edit(name, text):
        if name != "xl/worksheets/sheet1.xml":
            return text
        text, n = re.subn(r'<dimension ref="[^"]*"\s*/>', f'<dimension ref="{ref}"/>', text)
        assert n == 1
        return text
    return _patch(path, edit)


def test_an_xlsx_claiming_cell_xfd1048576_is_refused_before_its_rows_are_read(registry, tmp_path):
    p = _patch_dimension(_xlsx(tmp_path / "t.xlsx", TEACHER_ROWS), "A1:XFD1048576")
    assert p.stat().st_size < 10_000
    errors = _refused(registry, "teachers", p, f"{p} sheet 'Sheet': 1,048,575 rows after the header")
    assert "at most 1,000,000" in errors[0]
    wide = _patch_dimension(_xlsx(tmp_path / "w.xlsx", TEACHER_ROWS[:1]), "A1:XFD2")
    _refused(registry, "teachers", wide, f"{wide} sheet 'Sheet': 16,384 columns; a table may have at most 200")


def test_an_xlsx_with_a_cell_past_its_declared_dimension_loses_nothing(registry, tmp_path):
    # the dimension says A1:B1, the sheet holds four columns and a row: every cell is still read
    p = _patch_dimension(_xlsx(tmp_path / "t.xlsx", TEACHER_ROWS), "A1:B1")
    registry("import", "teachers", p, expect=0)
    assert _counts(registry.db_url)["teachers"] == 2


def test_an_xlsx_too_large_uncompressed_is_refused_before_it_is_unpacked(registry, tmp_path, monkeypatch):
    p = _xlsx(tmp_path / "t.xlsx", TEACHER_ROWS)
    with zipfile.ZipFile(p) as zf:
        size = sum(i.file_size for i in zf.infolist())
    monkeypatch.setattr(tables, "MAX_FILE_BYTES", size - 1)
    _refused(registry, "teachers", p, f"{p}: uncompressed, the workbook holds {size:,} bytes")


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_a_huge_cell_is_refused_the_same_in_xlsx_and_csv(registry, tmp_path, fmt):
    huge = "陈" * 1_000_000  # compresses to a few KB: the observed 103 KB file held 35 million characters
    header, row = TEACHER_ROWS[0], ["t2", huge, "primary", "s1"]
    if fmt == "xlsx":
        p = _xlsx(tmp_path / "t.xlsx", [header, [*row[:1], "HUGE-NAME", *row[2:]]])
        _patch(p, lambda name, text: text.replace("HUGE-NAME", huge))
        assert p.stat().st_size < 100_000
    else:
        p = _write(tmp_path, "t.csv", ",".join(header) + "\n" + ",".join(row) + "\n")
    errors = _refused(registry, "teachers", p, f"{p}:Sheet!B2: " if fmt == "xlsx" else f"{p}:2: ")
    assert "at most 10000" in errors[0]
    if fmt == "xlsx":  # the csv module's own limit (131072) comes first in a CSV
        assert errors == [f"{p}:Sheet!B2: name: the cell holds 1000000 characters; a cell holds at most 10000"]


def test_a_cell_a_little_over_the_limit_is_refused_in_both_formats(registry, tmp_path):
    long = "x" * (tables.MAX_CELL_CHARS + 1)
    c = _write(tmp_path, "t.csv", f"id,name,stage,school_id,hired_on\nt2,林二,primary,s1,{long}\n")
    x = _xlsx(tmp_path / "t.xlsx", [[*TEACHER_ROWS[0], "hired_on"], [*TEACHER_ROWS[1], long]])
    for p, where in ((c, "2"), (x, "Sheet!E2")):  # an XLSX's problem names the sheet and the cell
        assert _refused(registry, "teachers", p) == [
            f"{p}:{where}: hired_on: the cell holds 10001 characters; a cell holds at most 10000"]


# -- amounts and dates ----------------------------------------------------------------------------------


def test_hours_with_five_decimal_places_are_refused_at_import_never_rounded(registry, tmp_path):
    p = _write(tmp_path, "a.csv", ACT_HEADER + "t1,a1,training,city,2020-04-18,,7.12345,pass\n"
                                               "t1,a2,training,city,2020-04-18,0.000001,,pass\n"
                                               "t1,a3,training,city,2020-04-18,,7.1234,pass\n")
    _refused(registry, "activities", p, f"{p}:2: hours: 7.12345 has more than 4 decimal places (the ledger keeps 4)",
             f"{p}:3: days: 0.000001 has more than 4 decimal places")
    x = _xlsx(tmp_path / "a.xlsx", [ACT_HEADER.strip().split(","), ["t1", "a1", "training", "city", "2020-04-18", None,
                                                                   7.12345, "pass"]])
    _refused(registry, "activities", x, f"{x}:Sheet!G2: hours: 7.12345 has more than 4 decimal places")
    # four places go in, and all the way through approval
    ok = _write(tmp_path, "ok.csv", ACT_HEADER + "t1,a3,training,city,2020-04-18,,7.1234,pass\n")
    registry("import", "activities", ok, expect=0)
    registry("approve", "activity:t1:a3", "--as", "adm1", "--on", "2020-05-01", expect=0)
    registry("approve", "activity:t1:a3", "--as", "cty1", "--on", "2020-05-01", expect=0)


@pytest.mark.parametrize("date", ["1900-01-01", "3000-01-01", "1949-12-31", "2101-01-01"])
def test_dates_outside_1950_to_2100_are_refused_at_import(registry, tmp_path, date):
    p = _write(tmp_path, "a.csv", ACT_HEADER + f"t1,a1,training,city,{date},3,,pass\n")
    _refused(registry, "activities", p, f"{p}:2: date: {date} is outside the years 1950-2100")
    t = _write(tmp_path, "t.csv", f"id,name,stage,school_id,hired_on\nt2,林二,primary,s1,{date}\n")
    _refused(registry, "teachers", t, f"{t}:2: hired_on: {date} is outside the years 1950-2100")


def test_a_case_file_refuses_five_decimal_places_and_far_dates(cli, tmp_path):
    case = {"region": "kunming", "as_of": "3000-01-01",
            "teacher": {"id": "T\u202e1", "stage": "primary", "cycle_start": "1900-02-01"},
            "activities": [{"id": "a:1", "kind": "training", "level": "city", "date": "2015-04-18",
                            "hours": "7.12345", "assessment": "pass"}]}
    r = cli("evaluate", write_case(tmp_path, case))
    assert r.exit_code == 2, r.output
    out = r.output
    for expected in ("as_of: 3000-01-01 is outside the years 1950-2100",
                     "teacher: cycle_start: 1900-02-01 is outside the years 1950-2100",
                     "teacher: id: 'T\\u202e1' contains U+202E",
                     "activity 'a:1': id: 'a:1' contains ':'",
                     "activity 'a:1': hours: 7.12345 has more than 4 decimal places (the ledger keeps 4)"):
        assert expected in out, (expected, out)


# -- a busy SQLite database -----------------------------------------------------------------------------


def _hold_write_lock(db_url) -> sqlite3.Connection:
    con = sqlite3.connect(db_url.removeprefix("sqlite:///"), isolation_level=None)
    con.execute("BEGIN IMMEDIATE")  # what another xuefen command writing holds
    return con


def test_a_busy_sqlite_database_says_busy_and_exits_4(backend, registry, tmp_path, monkeypatch):
    if backend != "sqlite":
        pytest.skip("the write lock and its busy timeout are SQLite's")
    monkeypatch.setattr(store_engine, "SQLITE_BUSY_SECONDS", 0.2)
    p = _write(tmp_path, "a.csv", ACT_HEADER + "t1,a1,training,city,2020-04-18,3,,pass\n")
    before = _counts(registry.db_url)
    con = _hold_write_lock(registry.db_url)
    try:
        r = registry("import", "activities", p)
    finally:
        con.rollback()
        con.close()
    assert r.exit_code == 4, r.output
    [error] = _errors(r)
    assert "is busy: another xuefen command is writing to it" in error and "try again" in error
    assert "cannot open or migrate" not in r.output and "Traceback" not in r.output
    assert _counts(registry.db_url) == before
    registry("import", "activities", p, expect=0)  # once the other has finished, the same command goes through


def test_a_lock_taken_after_the_database_was_opened_says_busy_too(backend, registry, tmp_path, monkeypatch):
    if backend != "sqlite":
        pytest.skip("the write lock and its busy timeout are SQLite's")
    from xuefen import imports
    from xuefen.store import DatabaseBusy, open_engine

    monkeypatch.setattr(store_engine, "SQLITE_BUSY_SECONDS", 0.2)
    eng = open_engine(registry.db_url)
    p = _write(tmp_path, "a.csv", ACT_HEADER + "t1,a1,training,city,2020-04-18,3,,pass\n")
    con = _hold_write_lock(registry.db_url)
    try:
        with pytest.raises(DatabaseBusy) as info:
            imports.import_file(eng, "activities", p, signer=registry.signer("admin"))
    finally:
        con.rollback()
        con.close()
        eng.dispose()
    assert info.value.exit_code == 4 and "is busy" in str(info.value)
