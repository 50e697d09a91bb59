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
from xuefen.evaluate import Converting, convert_all, convert_alone
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


def _filtered(h, act_id) -> tuple:
    """What an approval took of a whole conversion for its activity before ``own``: its entries and refusals,
    the warnings naming it or no activity."""
    return (tuple(e for e in h.entries if e.activity == act_id), tuple(r for r in h.refused if r.activity == act_id),
            tuple(w for w in h.warnings if w.activity in (act_id, None)))


def _check_alone(rt, teacher, acts, as_of, cycle, where, seen: dict) -> None:
    """Each activity converted alone, where its conversion reads nothing of the history, gives what it gives
    converted with all the others; and what ``Converting.own`` gives, what an approval took before it."""
    whole = convert_all(rt, teacher, acts, as_of=as_of, cycle=cycle)
    kept = Converting(rt, teacher, acts, as_of=as_of, cycle=cycle)
    for a in acts:
        mine = _filtered(whole, a.id)
        assert kept.own(a.id) == mine, (where, a.id)
        alone = convert_alone(rt, teacher, a, as_of=as_of, cycle=cycle)
        seen["alone" if alone is not None else "with history"] += 1
        if alone is not None:
            assert alone == mine, (where, a.id)


def _check(rt, teacher, acts, as_of, cycle, where, seen=None) -> tuple[int, int]:
    """Each order of adding ``acts`` gives what converting them all gives; shuffled (each added before some and
    after others), after every addition what converting those added gives."""
    if seen is not None:
        _check_alone(rt, teacher, acts, as_of, cycle, where, seen)
    work = {}
    for name, order in _orders(acts, len(acts)).items():
        conv = Converting(rt, teacher, [], as_of=as_of, cycle=cycle)
        for i, a in enumerate(order):
            h = conv.add(a)
            if name == "shuffled" or i == len(order) - 1:
                whole = convert_all(rt, teacher, order[:i + 1], as_of=as_of, cycle=cycle)
                assert _converted(h) == _converted(whole), (where, name, a.id)
        assert conv.history.activities == whole.activities
        work[name] = conv.converted
    assert work["date order"] == len(acts), where  # each converted once
    assert work["reversed"] == len(acts) * (len(acts) + 1) // 2, where  # each before all: all again
    return work["date order"], work["shuffled"]


@pytest.mark.parametrize("code", CODES)
def test_adding_activities_gives_what_converting_all_again_gives(code, tmp_path):
    """Every region's demo teachers, their activities added in date order, in reverse and shuffled; each
    converted alone where its conversion reads nothing of the history."""
    _check_demo(code, tmp_path)


def _check_demo(code, tmp_path) -> dict:
    as_of, histories = _demo_histories(code, tmp_path)
    added = shuffled = every_time = 0
    seen = {"alone": 0, "with history": 0}
    for rt, teacher, cycle, acts in histories:
        if acts:
            once, mixed = _check(rt, teacher, acts, as_of, cycle, (code, teacher.id), seen)
            added, shuffled = added + once, shuffled + mixed
            every_time += len(acts) * (len(acts) + 1) // 2  # all of them converted again at each addition
    assert added > 50
    # in a random order an activity comes before half the others on average: k + k(k - 1)/4 conversions
    assert shuffled < 0.8 * every_time, (shuffled, every_time)
    assert seen["alone"] > 50, seen  # most conversions read nothing of the history (a training's hours)
    return seen


def test_some_conversions_read_the_history_and_are_not_done_alone(tmp_path):
    """Zhengzhou's demo has new teachers, whose training before the 新任教师培训合格证书 is judged on the
    new-teacher hours passed so far (Z-R5): their conversions read the entries."""
    seen = _check_demo("zhengzhou", tmp_path)
    assert seen["with history"] > 0, seen


def _converted(h) -> tuple:
    return list(h.entries), list(h.refused), list(h.warnings)  # not h.activities: reading it is noted


ROOT = Path(__file__).resolve().parents[2]
CASE_FILES = sorted([*ROOT.glob("tests/*/cases/*.json"), *ROOT.glob("tests/shared/examples/*.json"),
                     *ROOT.glob(".ci/cases/*.json"), *ROOT.glob("tests/suzhou_jq/*.json")])


def test_adding_gives_the_same_on_every_case_file():
    """The worked cases: Kunming's degrees counted once, its legacy and cut-over years, the shared examples."""
    assert len(CASE_FILES) > 30
    added = 0
    seen = {"alone": 0, "with history": 0}
    for path in CASE_FILES:
        case = parse_case(json.loads(path.read_text(encoding="utf-8")), where=str(path))
        rt = runtime(case.region, case.settings)
        teacher = rt.typed(case.teacher)
        cycle = rt.hook.xuefen_cycle(teacher=teacher, as_of=case.as_of, region=rt.region, settings=rt.settings)
        acts = sorted((rt.typed(a) for a in case.activities), key=lambda a: (a.date, a.id))
        if acts:
            added += _check(rt, teacher, acts, case.as_of, cycle, path.name, seen)[0]
    assert added > 100
    assert seen["alone"] > 50 and seen["with history"] > 0, seen  # Kunming's degrees: K-C9 counted once


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


class Throwaway:
    """A throwaway child region of Kunming whose every activity earns ``hours(activity, history)`` hours."""

    def __init__(self, code: str, hours):
        self.code, self.hours = code, hours

    @hookimpl
    def xuefen_region(self):
        return Region(code=self.code, name="test child", units=("hours",), parent="kunming",
                      rulesets=(RuleSet("test", dt.date(2015, 2, 1), None, "X-1", "test"),),
                      cycle_years=5, cycle_rule=("X-1", "test"))

    @hookimpl(tryfirst=True)
    def xuefen_convert(self, activity, history):
        return [Entry(activity.id, activity.date.year, activity.date, "X-1", "test",
                      hours=self.hours(activity, history), buckets=("training",))]


#: reads the whole list: each entry earns as many hours as the teacher has activities (so an earlier entry
#: changes when a later activity joins)
PeekingKunming = Throwaway("kunming-peek", lambda activity, history: D(len(history.activities)))
#: reads the entries so far: each training earns one hour more than the earlier trainings' entries number
CountingKunming = Throwaway("kunming-count", lambda activity, history: D(1 + len(history.entries_of_kind("training"))))


@pytest.fixture
def peeking():
    regions.register_region(PeekingKunming, distribution="test-peek")
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


def test_a_conversion_that_reads_the_entries_is_not_done_alone():
    regions.register_region(CountingKunming, distribution="test-count")
    try:
        rt = runtime("kunming-count")
        acts = _kunming_acts()
        assert convert_alone(rt, _teacher(), acts[2]) is None  # alone it would earn 1 hour, not 3
        assert Converting(rt, _teacher(), acts).own("a2")[0][0].hours == D(3)
        conv = Converting(rt, _teacher(), acts[:1])
        conv.add(acts[3])
        conv.add(acts[1])  # before a3: a3 converted again, now the third
        assert [e.hours for e in conv.history.entries] == [D(1), D(2), D(3)]
        assert conv.converted == 1 + 1 + 2
    finally:
        regions.unregister_region("kunming-count")


def test_a_conversion_that_reads_nothing_is_done_alone():
    rt = runtime("kunming")
    acts = _kunming_acts()
    alone = convert_alone(rt, _teacher(), acts[2])
    assert alone is not None and alone == Converting(rt, _teacher(), acts).own("a2")
    assert [e.hours for e in alone[0]] == [D(10)] and alone[0][0].rule == "K-C2"  # a county training's hours
