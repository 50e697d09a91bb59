"""An ``activities`` row read back as the Activity it stores (``repo.activity_from_row``)."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import attrs
import pytest

from xuefen.model import Activity
from xuefen.store import repo


def _read(data, **cols):
    row = {"id": "A1", "kind": "training", "date": dt.date(2024, 3, 1), **cols, "data": data}
    return repo.activity_from_row(row)


def test_a_stored_activity_reads_back_field_for_field():
    a = Activity("A1", "training", dt.date(2024, 3, 1), level="county", hours=D("12.5"), assessment="excellent",
                 approved_by_authority=False, role="lecturer", full_time=True, events=3, project_id="P-1",
                 extra={"organiser": "teacher_training_school"})
    got = repo.activity_from_row(repo.activity_as_row("T1", a))
    for f in attrs.fields(Activity):
        assert getattr(got, f.name) == getattr(a, f.name), f.name
        assert type(getattr(got, f.name)) is type(getattr(a, f.name)), f.name


def test_stored_values_that_are_not_the_default_are_parsed():
    # the defaults (approved_by_authority True, role "trainee") as other spellings: parsed, not skipped
    got = _read({"approved_by_authority": "false", "role": " trainee ", "national_series": 0, "hours": "4.50"})
    assert got.approved_by_authority is False and got.national_series is False
    assert got.role == "trainee" and got.hours == D("4.50")


def test_a_stored_value_a_field_refuses_is_refused():
    with pytest.raises(ValueError, match="not true or false"):
        _read({"full_time": "maybe"})
    with pytest.raises(ValueError, match="not one of"):
        _read({"level": "galactic"})


def test_the_columns_are_the_activity_s_id_kind_and_date():
    got = _read({"id": "other", "kind": "school_based", "date": "1999-01-01", "note": "kept"})
    assert (got.id, got.kind, got.date) == ("A1", "training", dt.date(2024, 3, 1))
    assert got.extra == {"note": "kept"}


def test_read_typed_is_the_region_s_typing_in_one_build():
    from xuefen.errors import InputError
    from xuefen.regions import runtime

    rt = runtime("kunming")
    row = {"id": "A1", "kind": "training", "date": dt.date(2024, 3, 1), "data": {"hours": "8", "level": "school",
                                                                              "organiser": "teacher_training_school"}}
    got = repo.activity_from_row(row, rt.activity_fields)
    assert got == rt.typed(repo.activity_from_row(row)) and got.extra == {"organiser": "teacher_training_school"}
    assert rt.typed(got) is got  # typed already: the hooks take it as it is
    bare = repo.activity_from_row({**row, "data": {"hours": "8"}}, rt.activity_fields)
    assert bare.extra == {"organiser": None}  # the declared field's default, as rt.typed gives it
    with pytest.raises(InputError, match=r"activity 'A1': organiser: .*bogus"):
        repo.activity_from_row({**row, "data": {"organiser": "bogus"}}, rt.activity_fields)
