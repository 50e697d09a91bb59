"""The import use case through its Python API: chunks, progress, duplicates within a file."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from tests import keys
from xuefen import audit, imports
from xuefen.errors import InputError
from xuefen.store import schema as S

ORGS = "id,name,level,parent_id,region\nkm,昆明市,city,,kunming\ns1,一小,school,km,kunming\n"


def _file(tmp_path, name, text):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def test_bulk_import_in_chunks_with_progress(engine, tmp_path, monkeypatch):
    monkeypatch.setattr(audit, "CHUNK", 40)
    imports.import_file(engine, "orgs", _file(tmp_path, "o.csv", ORGS), signer=keys.signer(keys.ADMIN))
    teachers = "id,stage,school_id\n" + "".join(f"t{i},primary,s1\n" for i in range(100))
    imports.import_file(engine, "teachers", _file(tmp_path, "t.csv", teachers), signer=keys.signer(keys.ADMIN))
    acts = "teacher_id,id,kind,date,hours\n" + "".join(f"t{i % 100},a{i},training,2020-01-02,3\n"
                                                         for i in range(250))
    calls = []
    result = imports.import_file(engine, "activities", _file(tmp_path, "a.csv", acts), signer=keys.signer(keys.ADMIN),
                                 progress=lambda *a: calls.append(a))
    assert (result.created, result.claims, result.unchanged) == (250, 250, 0)
    assert ("writing activities", 40, 250) in calls and ("writing claims", 250, 250) in calls
    assert ("checking", 250, 250) in calls
    with engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(S.claims)).scalar_one() == 250
        assert audit.verify(conn).intact


def test_a_duplicate_id_within_the_file_names_both_lines(engine, tmp_path):
    bad = ORGS + "km,昆明,city,,kunming\n"
    with pytest.raises(InputError) as err:
        imports.import_file(engine, "orgs", _file(tmp_path, "o.csv", bad), signer=keys.signer(keys.ADMIN))
    assert err.value.problems == [f"{tmp_path / 'o.csv'}:4: id: org 'km' repeats line 2"]


def test_a_teacher_needs_a_school_on_import(engine, tmp_path):
    imports.import_file(engine, "orgs", _file(tmp_path, "o.csv", ORGS), signer=keys.signer(keys.ADMIN))
    with pytest.raises(InputError, match=r"t.csv:2: school_id: required"):
        imports.import_file(engine, "teachers", _file(tmp_path, "t.csv", "id,stage,school_id\nt1,primary,\n"), signer=keys.signer(keys.ADMIN))


def test_an_unknown_kind(engine, tmp_path):
    with pytest.raises(InputError, match="not something to import"):
        imports.import_file(engine, "widgets", _file(tmp_path, "o.csv", ORGS), signer=keys.signer(keys.ADMIN))


def _teachers(engine, tmp_path, n=100):
    imports.import_file(engine, "orgs", _file(tmp_path, "o.csv", ORGS), signer=keys.signer(keys.ADMIN))
    teachers = "id,stage,school_id\n" + "".join(f"t{i},primary,s1\n" for i in range(n))
    imports.import_file(engine, "teachers", _file(tmp_path, "t.csv", teachers), signer=keys.signer(keys.ADMIN))


def _counts(engine):
    with engine.connect() as conn:
        return tuple(conn.execute(sa.select(sa.func.count()).select_from(t)).scalar_one()
                     for t in (S.activities, S.claims, S.audit_log))


def test_a_long_file_is_streamed_in_chunks_and_still_one_transaction(engine, tmp_path, monkeypatch):
    monkeypatch.setattr(imports, "STREAM_CHUNK", 30)  # 250 rows: 9 chunks, each written before the next is read
    _teachers(engine, tmp_path)
    acts = "teacher_id,id,kind,date,hours\n" + "".join(f"t{i % 100},a{i},training,2020-01-02,3\n"
                                                         for i in range(250))
    calls = []
    result = imports.import_file(engine, "activities", _file(tmp_path, "a.csv", acts), signer=keys.signer(keys.ADMIN),
                                 progress=lambda *a: calls.append(a))
    assert (result.rows, result.created, result.claims, result.unchanged) == (250, 250, 250, 0)
    assert [c for c in calls if c[0] == "writing activities"][:3] == [("writing activities", 30, 250),
                                                                     ("writing activities", 60, 250),
                                                                     ("writing activities", 90, 250)]
    assert calls[-1] == ("writing claims", 250, 250)
    with engine.connect() as conn:
        assert audit.verify(conn).intact
        acted = conn.execute(sa.select(S.actions.c.statement).order_by(S.actions.c.seq.desc())).first()
    assert '"rows":250' in acted.statement  # the whole file is one signed action
    again = imports.import_file(engine, "activities", _file(tmp_path, "a.csv", acts), signer=keys.signer(keys.ADMIN))
    assert (again.created, again.unchanged) == (0, 250)  # re-importing finds every chunk's rows stored


def test_a_repeat_in_a_later_chunk_names_both_lines_and_nothing_is_written(engine, tmp_path, monkeypatch):
    monkeypatch.setattr(imports, "STREAM_CHUNK", 30)
    _teachers(engine, tmp_path)
    before = _counts(engine)
    rows = [f"t{i % 100},a{i},training,2020-01-02,3" for i in range(200)]
    rows.append("t5,a5,training,2020-01-02,3")  # line 202 repeats line 7, six chunks earlier
    rows.append("t6,a6,training,2020-01-02,3")  # line 203 repeats line 8
    p = _file(tmp_path, "a.csv", "teacher_id,id,kind,date,hours\n" + "\n".join(rows) + "\n")
    with pytest.raises(InputError) as e:
        imports.import_file(engine, "activities", p, signer=keys.signer(keys.ADMIN))
    assert e.value.problems == [f"{p}:202: id: activity 'a5' of teacher 't5' repeats line 7",
                                f"{p}:203: id: activity 'a6' of teacher 't6' repeats line 8"]
    assert _counts(engine) == before  # six chunks had been written: the rollback took them all back


def test_a_bad_row_in_the_last_chunk_writes_nothing_and_every_bad_row_is_named(engine, tmp_path, monkeypatch):
    monkeypatch.setattr(imports, "STREAM_CHUNK", 30)
    _teachers(engine, tmp_path)
    before = _counts(engine)
    rows = [f"t{i % 100},a{i},training,2020-01-02,3" for i in range(100)]
    rows[40] = "t40,a40,training,2020-13-02,3"  # chunk 2 of 4
    rows[99] = "nobody,a99,training,2020-01-02,3"  # the last chunk
    p = _file(tmp_path, "a.csv", "teacher_id,id,kind,date,hours\n" + "\n".join(rows) + "\n")
    with pytest.raises(InputError) as e:
        imports.import_file(engine, "activities", p, signer=keys.signer(keys.ADMIN))
    assert [x.split(": ")[0:2] for x in e.value.problems] == [[f"{p}:42", "date"], [f"{p}:101", "teacher_id"]]
    assert _counts(engine) == before


def test_a_teachers_file_is_streamed_too_with_its_moves_and_repeats(engine, tmp_path, monkeypatch):
    monkeypatch.setattr(imports, "STREAM_CHUNK", 30)
    orgs = ORGS + "s2,二小,school,km,kunming\n"
    imports.import_file(engine, "orgs", _file(tmp_path, "o.csv", orgs), signer=keys.signer(keys.ADMIN))
    head = "id,stage,school_id,hired_on,moved_on\n"
    first = head + "".join(f"t{i},primary,s1,2010-09-01,\n" for i in range(100))
    r = imports.import_file(engine, "teachers", _file(tmp_path, "t.csv", first), signer=keys.signer(keys.ADMIN))
    assert (r.rows, r.created, r.unchanged) == (100, 100, 0)
    rows = [f"t{i},primary,s1,2010-09-01," for i in range(100)]
    rows[70] = "t70,primary,s2,2010-09-01,2021-03-01"  # a move, in the third chunk
    bad = rows + ["t5,primary,s1,2010-09-01,"]  # line 102 repeats line 7, three chunks earlier
    p = _file(tmp_path, "bad.csv", head + "\n".join(bad) + "\n")
    before = _counts(engine)
    with pytest.raises(InputError) as e:
        imports.import_file(engine, "teachers", p, signer=keys.signer(keys.ADMIN))
    assert e.value.problems == [f"{p}:102: id: teacher 't5' repeats line 7"]
    assert _counts(engine) == before
    with engine.connect() as conn:  # the move of the third chunk was rolled back with the rest
        assert conn.execute(sa.select(S.teachers.c.school_id).where(S.teachers.c.id == "t70")).scalar_one() == "s1"
    r = imports.import_file(engine, "teachers", _file(tmp_path, "ok.csv", head + "\n".join(rows) + "\n"),
                            signer=keys.signer(keys.ADMIN))
    assert (r.rows, r.created, r.unchanged, r.moved) == (100, 0, 99, 1)
    with engine.connect() as conn:
        assert conn.execute(sa.select(S.teachers.c.school_id).where(S.teachers.c.id == "t70")).scalar_one() == "s2"
        assert audit.verify(conn).intact


def test_a_large_import_refreshes_postgresqls_statistics_of_what_it_wrote(engine, tmp_path, monkeypatch):
    """The planner must see a bulk load at once: with the statistics of the empty tables it drove the batch
    approval's cohort count from a scan of every claim (imports._analyze)."""
    if engine.dialect.name != "postgresql":
        pytest.skip("ANALYZE is run on PostgreSQL (SQLite's planner reads no statistics it has not got)")
    monkeypatch.setattr(imports, "ANALYZE_FROM_ROWS", 200)
    _teachers(engine, tmp_path)
    acts = "teacher_id,id,kind,date,hours\n" + "".join(f"t{i % 100},a{i},training,2020-01-02,3\n"
                                                         for i in range(250))
    imports.import_file(engine, "activities", _file(tmp_path, "a.csv", acts), signer=keys.signer(keys.ADMIN))
    with engine.connect() as conn:
        rows = dict(conn.execute(sa.text("SELECT relname, reltuples FROM pg_class "
                                         "WHERE relname IN ('activities', 'claims', 'teachers')")).all())
    assert rows["activities"] == rows["claims"] == 250  # analysed in the import's own transaction
    assert rows["teachers"] <= 0  # 100 teachers: below the threshold, left to autovacuum
