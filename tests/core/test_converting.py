"""``Converting``: a teacher's converted history, activities added one at a time, gives what converting all of
them again gives (``convert_all``), converting again only what an added activity comes before; and all of
them where a conversion reads the whole list.

A batch approval (xuefen.claims.bulk) converts each finally approved activity with the teacher's approved
ones and those approved before it in the batch; with it, a teacher's k activities approved in date order
cost k conversions, not k(k+1)/2.
"""
from __future__ import annotations

import datetime as dt
import json
import random
from decimal import Decimal as D
from pathlib import Path

import attrs
import pytest
import sqlalchemy as sa

from xuefen import actors as actors_mod, demo, hookimpl, imports, regions
from xuefen.evaluate import Converting, convert_all
from xuefen.io.case import parse_case
from xuefen.model import Activity, Entry, Region, RuleSet, Teacher
from xuefen.regions import runtime
from xuefen.store import open_engine, repo
from xuefen.store.schema import teachers

CODES = sorted(code for code in regions.installed() if runtime(code).hook.xuefen_demo_data(seed=3) is not None)


def _demo_histories(code: str, folder):
    """Every teacher of ``code``'s demo, imported into a fresh SQLite registry: (runtime, as_of, [(teacher,
    cycle, its activities as stored, typed, in date order)])."""
    rt = runtime(code)
    data = rt.hook.xuefen_demo_data(seed=3)
    paths = demo.write_tables(data, folder)
    engine = open_engine(f"sqlite:///{folder / 'r.db'}")
    with engine.begin() as conn:
        admin = actors_mod.bootstrap(conn, "admin")
    for kind in ("orgs", "actors", "teachers", "activities"):
        imports.import_file(engine, kind, paths[kind], signer=admin)
    as_of = dt.date(int(data["year"]) + 1, 1, 15)
    out = []
    with engine.begin() as conn:
        for tid, in conn.execute(sa.select(teachers.c.id).order_by(teachers.c.id)):
            teacher, region = repo.teacher(conn, tid)
            trt = runtime(region)
            cycle = trt.hook.xuefen_cycle(teacher=teacher, as_of=as_of, region=trt.region, settings=trt.settings)
            acts = [trt.typed(a) for a in repo.activities_of(conn, tid)]
            out.append((trt, trt.typed(teacher), cycle, acts))
    engine.dispose()
    return as_of, out


def _converted(h) -> tuple:
    return list(h.entries), list(h.refused), list(h.warnings)  # not h.activities: reading it is noted


def _orders(acts: list, seed: int):
    """The activities in date order, in reverse, and shuffled (a batch approves in claim-id order)."""
    shuffled = list(acts)
    random.Random(seed).shuffle(shuffled)
    return {"date order": list(acts), "reversed": list(reversed(acts)), "shuffled": shuffled}


def _check(rt, teacher, acts, as_of, cycle, where) -> tuple[int, int]:
    """Each order of adding ``acts`` gives, after every addition, what converting those added gives."""
    work = {}
    for name, order in _orders(acts, len(acts)).items():
        conv = Converting(rt, teacher, [], as_of=as_of, cycle=cycle)
        for i, a in enumerate(order):
            h = conv.add(a)
            whole = convert_all(rt, teacher, order[:i + 1], as_of=as_of, cycle=cycle)
            assert _converted(h) == _converted(whole), (where, name, a.id)
        assert conv.history.activities == whole.activities
        work[name] = conv.converted
    assert work["date order"] == len(acts), where  # each converted once
    assert work["reversed"] == len(acts) * (len(acts) + 1) // 2, where  # each before all: all again
    return work["date order"], work["shuffled"]


@pytest.mark.parametrize("code", CODES)
def test_adding_activities_gives_what_converting_all_again_gives(code, tmp_path):
    """Every region's demo teachers, their activities added in date order, in reverse and shuffled."""
    as_of, histories = _demo_histories(code, tmp_path)
    added = shuffled = every_time = 0
    for rt, teacher, cycle, acts in histories:
        if acts:
            once, mixed = _check(rt, teacher, acts, as_of, cycle, (code, teacher.id))
            added, shuffled = added + once, shuffled + mixed
            every_time += len(acts) * (len(acts) + 1) // 2  # all of them converted again at each addition
    assert added > 50
    # in a random order an activity comes before half the others on average: k + k(k - 1)/4 conversions
    assert shuffled < 0.8 * every_time, (shuffled, every_time)


def _converted(h) -> tuple:
    return list(h.entries), list(h.refused), list(h.warnings)  # not h.activities: reading it is noted


ROOT = Path(__file__).resolve().parents[2]
CASE_FILES = sorted([*ROOT.glob("tests/*/cases/*.json"), *ROOT.glob("tests/shared/examples/*.json"),
                     *ROOT.glob(".ci/cases/*.json"), *ROOT.glob("tests/suzhou_jq/*.json")])


def test_adding_gives_the_same_on_every_case_file():
    """The worked cases: Kunming's degrees counted once, its legacy and cut-over years, the shared examples."""
    assert len(CASE_FILES) > 30
    added = 0
    for path in CASE_FILES:
        case = parse_case(json.loads(path.read_text(encoding="utf-8")), where=str(path))
        rt = runtime(case.region, case.settings)
        teacher = rt.typed(case.teacher)
        cycle = rt.hook.xuefen_cycle(teacher=teacher, as_of=case.as_of, region=rt.region, settings=rt.settings)
        acts = sorted((rt.typed(a) for a in case.activities), key=lambda a: (a.date, a.id))
        if acts:
            added += _check(rt, teacher, acts, case.as_of, cycle, path.name)[0]
    assert added > 100


def _kunming_acts():
    day = dt.date(2016, 3, 1)
    return [Activity(f"a{i}", "training", day + dt.timedelta(days=30 * i), level="county", hours=D(10))
            for i in range(4)]


def _teacher():
    return Teacher(id="T1", stage="primary", cycle_start=dt.date(2015, 2, 1), hired_on=dt.date(2005, 9, 1))


def test_an_activity_added_again_replaces_the_one_of_its_id():
    rt = runtime("kunming")
    acts = _kunming_acts()
    conv = Converting(rt, _teacher(), acts[:3])
    changed = attrs.evolve(acts[1], hours=D(5))
    h = conv.add(changed)
    assert [e.hours for e in h.entries] == [D(10), D(5), D(10)]
    assert _converted(h) == _converted(convert_all(rt, _teacher(), [acts[0], changed, acts[2]]))
    assert conv.converted == 3 + 3  # all again


class PeekingKunming:
    """A throwaway region whose conversion reads the whole list: each entry earns as many hours as the teacher
    has activities (so an earlier entry changes when a later activity joins)."""

    @hookimpl
    def xuefen_region(self):
        return Region(code="kunming-peek", name="test child", units=("hours",), parent="kunming",
                      rulesets=(RuleSet("test", dt.date(2015, 2, 1), None, "P-1", "test"),),
                      cycle_years=5, cycle_rule=("P-1", "test"))

    @hookimpl(tryfirst=True)
    def xuefen_convert(self, activity, history):
        return [Entry(activity.id, activity.date.year, activity.date, "P-1", "test",
                      hours=D(len(history.activities)), buckets=("training",))]


@pytest.fixture
def peeking():
    regions.register_region(PeekingKunming(), distribution="test-peek")
    try:
        yield runtime("kunming-peek")
    finally:
        regions.unregister_region("kunming-peek")


def test_a_conversion_that_reads_the_whole_list_has_all_converted_again(peeking):
    acts = _kunming_acts()
    conv = Converting(peeking, _teacher(), acts[:2])
    assert conv.history.activities_read
    h = conv.add(acts[2])  # extending would leave a0 and a1 at 2 hours
    assert [e.hours for e in h.entries] == [D(3)] * 3
    assert conv.converted == 2 + 3


def test_reading_the_list_of_a_copy_is_noted_on_the_original():
    rt = runtime("kunming")
    acts = _kunming_acts()
    conv = Converting(rt, _teacher(), acts[:2])
    assert not conv.history.activities_read
    attrs.evolve(conv.history, entries=[]).activities  # a conversion reading it from a copy of the history
    assert conv.history.activities_read
    conv.add(acts[3])
    assert conv.converted == 2 + 3  # all again, though it came last
