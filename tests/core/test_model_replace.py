"""``model.replace`` gives what ``attrs.evolve`` gives, field for field (it copies slots without ``__init__``)."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import attrs
import pytest

from xuefen.model import Activity, Entry, Teacher, replace

SAMPLES = [
    Activity("a1", "training", dt.date(2021, 3, 4), level="county", hours="12.5", assessment="excellent",
             project_id="P1", extra={"organiser": "teacher_training_school"}),
    Teacher(id="T1", name="测试教师", stage="junior", cycle_start=dt.date(2019, 1, 1), hired_on=dt.date(2010, 9, 1)),
    Entry(activity="a1", year=2021, date=dt.date(2021, 3, 4), rule="K-C3", article="第五条", hours=D("15.625"),
          buckets=("training", "county"), note="excellent trainee"),
]


def _new_value(value, name):
    if isinstance(value, dict):
        return {"changed": name}
    if isinstance(value, tuple):
        return (*value, name)
    if isinstance(value, bool):
        return not value
    if isinstance(value, dt.date):
        return value + dt.timedelta(days=1)
    if isinstance(value, (int, D)):
        return value + 1
    return f"{value}-{name}"


@pytest.mark.parametrize("obj", SAMPLES, ids=lambda o: type(o).__name__)
def test_replace_equals_evolve_for_every_field(obj):
    fields = attrs.fields(type(obj))
    for f in fields:
        if f.converter is not None or f.validator is not None:
            continue
        value = _new_value(getattr(obj, f.name), f.name)
        got, want = replace(obj, **{f.name: value}), attrs.evolve(obj, **{f.name: value})
        assert type(got) is type(want)
        for g in fields:  # every field, the ones left out of == (extra) too
            assert getattr(got, g.name) == getattr(want, g.name), (f.name, g.name)
        assert getattr(got, f.name) is value
        assert getattr(obj, f.name) is not value  # the original is untouched


def test_replace_of_a_converted_field_goes_through_evolve():
    a = SAMPLES[0]
    got = replace(a, hours="3.50")
    assert got.hours == D("3.50") and isinstance(got.hours, D)
