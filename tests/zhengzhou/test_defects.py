"""Zhengzhou: the defects issue 13 found, each a test named after its rule (teachers and ids invented)."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest

from xuefen.evaluate import Case, evaluate
from xuefen.model import Activity, Teacher
from xuefen.regions import runtime

d = dt.date


def run(t, acts, as_of, **settings):
    return evaluate(Case("zhengzhou", as_of, t, tuple(acts), settings))


def act(aid, kind="training", date=d(2019, 5, 1), level="county", hours=40, **kw):
    return Activity(aid, kind, date, level=level, hours=D(hours), assessment="pass", **kw)


@pytest.mark.rule("Z-R4", "Z-R5")
def test_Z_R4_a_stated_cycle_start_wins_over_a_start_of_work_decades_ago():
    t = Teacher(id="ZZ-D1", stage="primary", hired_on=d(1992, 9, 1), cycle_start=d(2018, 3, 1))
    ev = run(t, [act("a", date=d(2019, 5, 1))], as_of=d(2020, 6, 30))
    assert (ev.cycle.start, ev.cycle.end, ev.cycle.rule) == (d(2018, 3, 1), d(2023, 2, 28), "Z-R4")
    assert [r.rule for r in ev.cycle_results if r.rule == "Z-R5"] == []  # no new-teacher 120 demanded
    assert not [w for w in ev.warnings if w.rule == "Z-R5"]  # nor the new-teacher precondition
    rt = runtime("zhengzhou")  # the hook as the core calls it: the teacher's declared fields typed
    spec = rt.hook.xuefen_certificate(teacher=t, cycle=ev.cycle, evaluation=ev, kind="new_teacher",
                                      settings=rt.settings)
    assert not spec.eligible and "within the 5 years" in spec.reason and spec.rule == "Z-R5"


@pytest.mark.rule("Z-R5")
def test_Z_R5_new_teacher_rules_only_for_a_start_of_work_within_five_years():
    old = Teacher(id="ZZ-D2", stage="primary", hired_on=d(2010, 9, 1))  # no certificate, no cycle_start
    ev = run(old, [act("a", date=d(2015, 5, 1))], as_of=d(2020, 6, 30))
    assert not [r for r in ev.cycle_results if r.rule == "Z-R5"]
    assert not [w for w in ev.warnings if w.rule == "Z-R5"]
    new = Teacher(id="ZZ-D3", stage="primary", hired_on=d(2018, 9, 1))
    ev = run(new, [act("a", date=d(2019, 5, 1))], as_of=d(2020, 6, 30))
    r5 = next(r for r in ev.cycle_results if r.rule == "Z-R5")
    assert (r5.threshold, r5.met) == (D(120), False)
    assert [w.activity for w in ev.warnings if w.rule == "Z-R5"] == ["a"]


def paper_teacher_case(school_based):
    t = Teacher(id="ZZ-D4", stage="junior", previous_certificate_on=d(2012, 3, 1))
    acts = [act("a", date=d(2015, 5, 1), hours=260),
            act("b", date=d(2018, 3, 1), hours=100 - school_based)]
    if school_based:
        acts.append(act("sb", "school_based", date=d(2018, 4, 1), level="school", hours=school_based))
    return t, acts


@pytest.mark.rule("Z-T1")
def test_Z_T1_paper_path_needs_the_80_school_based_hours_a_named_setting():
    spec = runtime("zhengzhou").setting_specs["paper_path_school_based"]
    assert (spec.default, spec.rule, spec.article) == (True, "Z-T1", "八")
    t, acts = paper_teacher_case(80)
    ev = run(t, acts, as_of=d(2018, 6, 1))
    assert next(x.decision for x in ev.transitions if x.rule == "Z-T1") == "paper_path"
    cert = ev.certificate
    assert cert.eligible and cert.rule == "Z-T1" and "80 of them school-based" in cert.reason
    t, acts = paper_teacher_case(0)  # 360 hours, none school-based
    ev = run(t, acts, as_of=d(2018, 6, 1))
    assert not ev.certificate.eligible and "Z-R2: 0 of 80" in ev.certificate.reason
    ev = run(t, acts, as_of=d(2018, 6, 1), paper_path_school_based="false")
    assert ev.certificate.eligible and "school-based 80 not required" in ev.certificate.reason


@pytest.mark.rule("Z-C3")
def test_Z_C3_a_degree_exemption_does_not_waive_mandated_special_training():
    degree = Activity("deg", "degree_study", d(2019, 6, 30), hours=None, graduated=True, in_subject=True,
                      degree_level="master")
    t = Teacher(id="ZZ-D5", stage="junior", previous_certificate_on=d(2017, 3, 1))
    ev = run(t, [degree], as_of=d(2020, 1, 1))
    assert ev.cycle_met and ev.certificate.eligible and ev.certificate.rule == "Z-C3"
    owed = attrs_evolve(t, extra={"special_training_owed": "2019年师德专项培训"})
    ev = run(owed, [degree], as_of=d(2020, 1, 1))
    assert ev.exemptions[0]["special_training_owed"] == "2019年师德专项培训"
    assert not ev.cycle_met and not ev.certificate.eligible
    assert ev.certificate.rule == "Z-C3" and "still owed: 2019年师德专项培训" in ev.certificate.reason
    assert any(w.rule == "Z-C3" and "特殊专项培训" in w.message for w in ev.warnings)


def attrs_evolve(t, **kw):
    import attrs
    return attrs.evolve(t, **kw)
