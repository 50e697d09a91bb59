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
