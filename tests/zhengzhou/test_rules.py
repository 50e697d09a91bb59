"""Zhengzhou: one or more tests per rule id of docs/rules/zhengzhou.md, each breaking if its number or condition changes.

Teachers and ids are invented.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest

from xuefen.errors import InputError
from xuefen.evaluate import Case, evaluate
from xuefen.model import Activity, Teacher
from xuefen.regions import runtime
from xuefen.rules import rule_rows

d = dt.date


def teacher(stage="junior", prev=d(2013, 3, 1), **kw):
    return Teacher(id="ZZ-T1", stage=stage, previous_certificate_on=prev, **kw)


def act(aid, kind="training", date=d(2017, 5, 1), level="city", hours=None, **kw):
    return Activity(aid, kind, date, level=level, hours=None if hours is None else D(hours), **kw)


def run(t, acts, as_of=d(2017, 12, 31), **settings):
    return evaluate(Case("zhengzhou", as_of, t, tuple(acts), settings))


def entry(ev, aid):
    hits = [e for e in ev.entries if e.activity == aid]
    assert len(hits) == 1, (aid, ev.entries, ev.refused)
    return hits[0]


def refusal(ev, aid):
    hits = [r for r in ev.refused if r.activity == aid]
    assert len(hits) == 1, (aid, ev.entries, ev.refused)
    return hits[0]


def cyc(ev, rule):
    return next(r for r in ev.cycle_results if r.rule == rule and r.requirement.minimum is not None)


def t1(ev):
    return next((t for t in ev.transitions if t.rule == "Z-T1"), None)


def t2(ev):
    return next((t for t in ev.transitions if t.rule == "Z-T2"), None)


# -- requirements ---------------------------------------------------------------------


@pytest.mark.rule("Z-R1")
def test_Z_R1_cycle_needs_360_hours():
    t = teacher(prev=d(2017, 6, 1))
    a = [act("a", hours=280, date=d(2017, 7, 1)), act("s", "school_based", level="school", hours=80,
                                                        date=d(2017, 9, 1))]
    ev = run(t, a)
    r1 = cyc(ev, "Z-R1")
    assert (r1.threshold, r1.counted, r1.met, r1.requirement.article) == (D(360), D(360), True, "四")
    ev = run(t, [act("a", hours="279.5", date=d(2017, 7, 1)), a[1]])
    assert (cyc(ev, "Z-R1").counted, cyc(ev, "Z-R1").met, ev.cycle_met) == (D("359.5"), False, False)


@pytest.mark.rule("Z-R2")
def test_Z_R2_school_based_80_inside_the_360():
    t = teacher(prev=d(2017, 6, 1))
    ev = run(t, [act("a", hours=300, date=d(2017, 7, 1)),
                 act("s", "school_based", level="school", hours=79, date=d(2017, 9, 1))])
    r2 = cyc(ev, "Z-R2")
    assert (r2.threshold, r2.counted, r2.met) == (D(80), D(79), False)
    assert cyc(ev, "Z-R1").met and not ev.cycle_met  # 379 hours, but 1 school-based hour short


@pytest.mark.rule("Z-R2")
def test_Z_R2_school_based_above_80_still_counts_towards_360():
    t = teacher(prev=d(2017, 6, 1))
    ev = run(t, [act("a", hours=200, date=d(2017, 7, 1)),
                 act("s", "school_based", level="school", hours=160, date=d(2017, 9, 1))])
    assert cyc(ev, "Z-R1").counted == D(360) and ev.cycle_met
    ev = run(t, [act("a", hours=200, date=d(2017, 7, 1)),
                 act("s", "school_based", level="school", hours=160, date=d(2017, 9, 1))],
             school_based_above_80_counts=False)
    assert cyc(ev, "Z-R1").counted == D(280) and not ev.cycle_met


@pytest.mark.rule("Z-R3")
def test_Z_R3_72_a_year_is_a_warning_not_a_failure():
    t = teacher(prev=d(2016, 1, 1))
    ev = run(t, [act("a", hours=210, date=d(2016, 5, 1)),
                 act("s", "school_based", level="school", hours=80, date=d(2016, 9, 1)),
                 act("b", hours=71, date=d(2017, 5, 1))])
    by_year = {y: {r.rule: r for r in rs} for y, rs in ev.years}
    r3 = by_year[2017]["Z-R3"]
    assert (r3.threshold, r3.counted, r3.met, r3.requirement.severity) == (D(72), D(71), False, "warning")
    assert by_year[2016]["Z-R3"].met
    assert [w.rule for w in ev.warnings] == ["Z-R3"] and "2017" in ev.warnings[0].message
    assert ev.cycle_met  # 361 hours: the yearly advice never fails the cycle
    assert ev.as_json()["years"][1]["met"] is True


@pytest.mark.rule("Z-R3")
def test_Z_R3_exactly_72_is_no_warning():
    ev = run(teacher(prev=d(2017, 1, 1)), [act("a", hours=72, date=d(2017, 5, 1))])
    assert not [w for w in ev.warnings if w.rule == "Z-R3"]


@pytest.mark.rule("Z-R4")
def test_Z_R4_cycle_runs_from_previous_certificate_five_years():
    ev = run(teacher(prev=d(2013, 3, 1)), [], as_of=d(2013, 3, 2))
    assert (ev.cycle.start, ev.cycle.end, ev.cycle.rule) == (d(2013, 3, 1), d(2018, 2, 28), "Z-R4")


@pytest.mark.rule("Z-R4")
def test_Z_R4_hours_before_the_certificate_belong_to_the_previous_cycle():
    t = teacher(prev=d(2017, 3, 1))
    ev = run(t, [act("before", hours=50, date=d(2017, 2, 28)), act("on", hours=40, date=d(2017, 3, 1)),
                 act("last", hours=30, date=d(2022, 2, 28)), act("after", hours=20, date=d(2022, 3, 1))],
             as_of=d(2022, 6, 1))
    assert (ev.cycle.start, ev.cycle.end) == (d(2017, 3, 1), d(2022, 2, 28))
    assert cyc(ev, "Z-R1").counted == D(70)  # the first and the last day are inside, the days beyond are not


@pytest.mark.rule("Z-R4")
def test_Z_R4_leap_day_certificate_runs_to_28_february():
    ev = run(teacher(prev=d(2016, 2, 29)), [], as_of=d(2017, 1, 1))
    assert ev.cycle.end == d(2021, 2, 28)


@pytest.mark.rule("Z-R4")
def test_Z_R4_previous_certificate_wins_over_a_stated_cycle_start():
    ev = run(teacher(prev=d(2017, 4, 1), cycle_start=d(2015, 1, 1)), [], as_of=d(2017, 5, 1))
    assert ev.cycle.start == d(2017, 4, 1)


@pytest.mark.rule("Z-R5")
def test_Z_R5_new_teacher_cycle_from_start_of_work_and_120_hours_in_first_year():
    t = teacher(stage="primary", prev=None, hired_on=d(2017, 9, 1))
    acts = [act("n1", "new_teacher_training", level="county", hours=60, date=d(2017, 12, 1), assessment="pass"),
            act("n2", "new_teacher_training", level="county", hours=60, date=d(2018, 8, 31), assessment="pass")]
    ev = run(t, acts, as_of=d(2018, 12, 31))
    assert (ev.cycle.start, ev.cycle.end, ev.cycle.rule) == (d(2017, 9, 1), d(2022, 8, 31), "Z-R5")
    r5 = cyc(ev, "Z-R5")
    assert (r5.threshold, r5.counted, r5.met) == (D(120), D(120), True)
    assert cyc(ev, "Z-R1").counted == D(120)  # the hours count towards continuing education
    assert t1(ev) is None  # no previous certificate: the cutover does not classify a new teacher


@pytest.mark.rule("Z-R5")
def test_Z_R5_hours_after_the_first_year_or_not_passed_do_not_make_the_120():
    t = teacher(stage="primary", prev=None, hired_on=d(2017, 9, 1))
    acts = [act("n1", "new_teacher_training", level="county", hours=60, date=d(2017, 12, 1), assessment="pass"),
            act("late", "new_teacher_training", level="county", hours=60, date=d(2018, 9, 1), assessment="pass"),
            act("unassessed", "new_teacher_training", level="county", hours=10, date=d(2018, 1, 5))]
    ev = run(t, acts, as_of=d(2018, 12, 31))
    assert (cyc(ev, "Z-R5").counted, cyc(ev, "Z-R5").met) == (D(60), False)
    assert cyc(ev, "Z-R1").counted == D(130)
    assert not ev.cycle_met


@pytest.mark.rule("Z-R5")
def test_Z_R5_new_teacher_certificate_after_120_passed_hours():
    from xuefen.regions import runtime
    rt = runtime("zhengzhou")

    def xuefen_certificate(**kw):  # through the region's runtime, as the core calls it
        return rt.hook.xuefen_certificate(**{"settings": rt.settings, **kw})
    t = teacher(stage="junior", prev=None, hired_on=d(2017, 9, 1))
    acts = [act("n1", "new_teacher_training", level="city", hours=120, date=d(2018, 3, 1), assessment="pass")]
    ev = run(t, acts, as_of=d(2018, 4, 1))
    spec = xuefen_certificate(teacher=t, cycle=ev.cycle, evaluation=ev, kind="new_teacher",
                              settings=runtime("zhengzhou").settings)
    assert (spec.eligible, spec.kind, spec.title, spec.issuer, spec.rule, spec.article) == \
        (True, "new_teacher", "新任教师培训合格证书", "郑州市教育局", "Z-R5", "九")
    assert spec.once_from == d(2017, 9, 1)
    ev = run(t, [act("n1", "new_teacher_training", level="city", hours="119.5", date=d(2018, 3, 1),
                     assessment="pass")], as_of=d(2018, 4, 1))
    assert not xuefen_certificate(teacher=t, cycle=ev.cycle, evaluation=ev, kind="new_teacher",
                              settings=runtime("zhengzhou").settings).eligible


@pytest.mark.rule("Z-R5")
def test_Z_R5_further_training_before_the_new_teacher_certificate_is_warned_or_refused():
    t = teacher(stage="primary", prev=None, hired_on=d(2017, 9, 1))
    acts = [act("early", hours=20, level="county", date=d(2017, 10, 1)),
            act("n1", "new_teacher_training", level="county", hours=120, date=d(2017, 11, 1), assessment="pass"),
            act("later", hours=20, level="county", date=d(2017, 12, 1))]
    ev = run(t, acts)
    assert [w.activity for w in ev.warnings if w.rule == "Z-R5"] == ["early"]
    ev = run(t, acts, new_teacher_precondition="refuse")
    assert refusal(ev, "early").rule == "Z-R5" and entry(ev, "later").hours == D(20)


@pytest.mark.rule("Z-S1")
def test_Z_S1_vocational_teacher_is_refused_with_a_clear_reason():
    t = teacher(stage="vocational")
    ev = run(t, [act("a", hours=400)])
    r = refusal(ev, "a")
    assert (r.rule, r.article) == ("Z-S1", "一") and "vocational" in r.reason
    assert not ev.cycle_met and not ev.certificate.eligible and ev.certificate.rule == "Z-S1"
    assert any(w.rule == "Z-S1" for w in ev.warnings)


@pytest.mark.parametrize("stage", ["kindergarten", "primary", "junior", "senior", "special", "institution"])
@pytest.mark.rule("Z-S1")
def test_Z_S1_covered_stages(stage):
    ev = run(teacher(stage=stage), [act("a", hours=10)])
    assert entry(ev, "a").rule == "Z-C1"
    assert refusal(run(teacher(stage="vocational"), [act("a", hours=10)]), "a").rule == "Z-S1"  # the line it draws


@pytest.mark.rule("Z-S1")
def test_Z_S1_no_teacher_qualification_is_out_of_scope():
    ev = run(teacher(extra={"qualified": False}), [act("a", hours=10)])
    assert refusal(ev, "a").rule == "Z-S1" and "qualification" in refusal(ev, "a").reason


# -- conversion ----------------------------------------------------------------------


@pytest.mark.parametrize("level", ["national", "provincial", "city", "county"])
@pytest.mark.rule("Z-C1")
def test_Z_C1_authority_project_hours_as_designed(level):
    ev = run(teacher(), [act("a", level=level, hours="37.5")])
    e = entry(ev, "a")
    assert (e.rule, e.article, e.hours) == ("Z-C1", "五", D("37.5")) and level in e.buckets


@pytest.mark.rule("Z-C1")
def test_Z_C1_needs_designed_hours_and_a_pass():
    ev = run(teacher(), [act("days", days=D(3)), act("fail", hours=20, assessment="fail")])
    assert refusal(ev, "days").rule == "Z-C1" and "days" in refusal(ev, "days").reason
    assert refusal(ev, "fail").rule == "Z-C1"


@pytest.mark.parametrize("kind", ["school_based", "research", "open_class"])
@pytest.mark.rule("Z-C2")
def test_Z_C2_school_based_forms_hours_as_the_school_sets(kind):
    ev = run(teacher(), [act("s", kind, level="school", hours=12)])
    e = entry(ev, "s")
    assert (e.rule, e.hours) == ("Z-C2", D(12)) and "school_based" in e.buckets


@pytest.mark.rule("Z-C2")
def test_Z_C2_open_list_any_school_project_is_school_based():
    ev = run(teacher(), [act("m", "mentoring", level="school", hours=6)])
    assert entry(ev, "m").rule == "Z-C2" and "school_based" in entry(ev, "m").buckets


def _degree(aid="deg", date=d(2016, 6, 30), hours=None, **kw):
    return act(aid, "degree_study", level=None, date=date, hours=hours, graduated=True, degree_level="master",
               **kw)


@pytest.mark.rule("Z-C3")
def test_Z_C3_degree_inside_validity_exempts_the_cycle_and_says_so():
    t = teacher(prev=d(2013, 3, 1))
    ev = run(t, [_degree(hours=0, extra={"started_on": "2014-09-01"})], as_of=d(2017, 12, 31))
    e = entry(ev, "deg")
    assert (e.rule, e.article) == ("Z-C3", "六(一)")
    assert ev.cycle_met and cyc(ev, "Z-R1").met and cyc(ev, "Z-R2").met
    ex = ev.exemptions[0]
    assert (ex["rule"], ex["article"], ex["activity"], ex["exempts"]) == ("Z-C3", "六(一)", "deg", ["Z-R1", "Z-R2"])
    assert ev.certificate.eligible and ev.certificate.rule == "Z-C3"
    assert ev.as_json()["cycle"]["exemptions"][0]["rule"] == "Z-C3"


@pytest.mark.rule("Z-C3")
def test_Z_C3_degree_after_the_validity_does_not_exempt():
    t = teacher(prev=d(2017, 4, 1))  # validity 2017-04-01 … 2022-03-31
    ev = run(t, [_degree(date=d(2022, 4, 1))], as_of=d(2022, 6, 1))
    assert not ev.exemptions and not ev.cycle_met
    ev = run(t, [_degree(date=d(2022, 3, 31))], as_of=d(2022, 6, 1))
    assert ev.exemptions and ev.cycle_met


@pytest.mark.rule("Z-C3")
def test_Z_C3_only_education_subjects_and_settings():
    t = teacher(prev=d(2017, 4, 1))
    ev = run(t, [_degree(date=d(2018, 6, 1), in_subject=False)])
    assert refusal(ev, "deg").rule == "Z-C3" and not ev.exemptions
    ev = run(t, [_degree(date=d(2018, 6, 1))], as_of=d(2019, 1, 1), degree_exemption=False)
    assert not ev.exemptions and not ev.cycle_met
    ev = run(t, [_degree(date=d(2018, 6, 1))], as_of=d(2019, 1, 1), degree_exemption_includes_school_based=False)
    assert ev.exemptions[0]["exempts"] == ["Z-R1"] and not cyc(ev, "Z-R2").met and not ev.cycle_met


@pytest.mark.rule("Z-C3")
def test_Z_C3_degree_hours_are_registered_as_designed():
    ev = run(teacher(prev=d(2017, 4, 1)), [_degree(date=d(2018, 6, 1), hours=240)], as_of=d(2019, 1, 1))
    assert entry(ev, "deg").hours == D(240) and cyc(ev, "Z-R1").counted == D(240)


@pytest.mark.rule("Z-C4")
def test_Z_C4_degree_straddling_cycles_not_finished_gives_no_exemption_this_cycle():
    t = teacher(prev=d(2017, 4, 1))
    study = act("y1", "degree_study", level=None, date=d(2018, 6, 30), hours=0, graduated=False,
                program_id="P1", degree_level="master")
    ev = run(t, [study], as_of=d(2019, 1, 1))
    r = refusal(ev, "y1")
    assert (r.rule, r.article) == ("Z-C4", "六(一)")
    assert not ev.exemptions and not ev.cycle_met
    assert [w.rule for w in ev.warnings if w.activity == "y1"] == ["Z-C4"]


@pytest.mark.rule("Z-C4")
def test_Z_C4_degree_started_in_the_previous_cycle_exempts_the_cycle_it_is_obtained_in():
    t = teacher(prev=d(2017, 4, 1))
    ev = run(t, [_degree(date=d(2018, 6, 30), extra={"started_on": "2016-09-01"}, program_id="P1")],
             as_of=d(2019, 1, 1))
    e = entry(ev, "deg")
    assert (e.rule, e.article) == ("Z-C4", "六(一)")
    assert ev.exemptions[0]["rule"] == "Z-C4" and ev.cycle_met


@pytest.mark.rule("Z-C5")
def test_Z_C5_non_authority_training_with_school_consent():
    ev = run(teacher(), [act("x", level=None, hours=30, approved_by_authority=False)])
    assert (entry(ev, "x").rule, entry(ev, "x").hours) == ("Z-C5", D(30))
    ev = run(teacher(), [act("x", level=None, hours=30, approved_by_authority=False,
                             extra={"school_consent": False})])
    assert refusal(ev, "x").rule == "Z-C5"
    ev = run(teacher(), [act("x", level=None, hours=30, approved_by_authority=False)],
             consent_by_school_review=False)
    assert refusal(ev, "x").rule == "Z-C5"
    ev = run(teacher(), [act("x", level=None, hours=30, approved_by_authority=False,
                             extra={"qualified_institution": "false"})])
    assert refusal(ev, "x").rule == "Z-C5" and "qualified" in refusal(ev, "x").reason


@pytest.mark.rule("Z-C6")
def test_Z_C6_support_teaching_hours_as_the_notice_sets():
    ev = run(teacher(), [act("v", "volunteer_teaching", level="county", hours=16, events=3)])
    assert (entry(ev, "v").rule, entry(ev, "v").hours) == ("Z-C6", D(16))
    ev = run(teacher(), [act("v", "volunteer_teaching", level="school", hours=16)])
    assert refusal(ev, "v").rule == "Z-C6"
    ev = run(teacher(), [act("v", "volunteer_teaching", level="city", events=3)])
    assert refusal(ev, "v").rule == "Z-C6"


@pytest.mark.rule("Z-X1")
def test_Z_X1_a_record_no_article_registers():
    ev = run(teacher(), [act("p", "publication", level=None)])
    assert refusal(ev, "p").rule == "Z-X1"


def test_bad_region_field_names_the_activity_and_field():
    with pytest.raises(InputError, match="activity 'fb': plan_filed_on: .* is not a date"):
        run(teacher(), [act("fb", level="county", hours=10, extra={"famous_backbone": True,
                                                                     "plan_filed_on": "soon"})])


# -- the cutover ---------------------------------------------------------------------------


@pytest.mark.parametrize("hours,decision", [("259.5", "system_path"), ("260", "paper_path"), ("300", "paper_path")])
@pytest.mark.rule("Z-T1")
def test_Z_T1_either_side_of_260(hours, decision):
    ev = run(teacher(stage="primary"), [act("a", hours=hours, date=d(2016, 5, 1))], as_of=d(2017, 6, 30))
    assert (t1(ev).decision, t1(ev).article, t1(ev).data["hours"]) == (decision, "八", D(hours))


@pytest.mark.parametrize("hours,decision", [("359", "system_path"), ("360", "complete"), ("420", "complete")])
@pytest.mark.rule("Z-T1")
def test_Z_T1_senior_either_side_of_360(hours, decision):
    ev = run(teacher(stage="senior"), [act("a", hours=hours, date=d(2016, 5, 1))], as_of=d(2017, 6, 30))
    assert t1(ev).decision == decision and t1(ev).data["threshold"] == D(360)


@pytest.mark.rule("Z-T1")
def test_Z_T1_senior_at_360_is_a_named_setting():
    ev = run(teacher(stage="senior"), [act("a", hours=360, date=d(2016, 5, 1))], as_of=d(2017, 6, 30),
             senior_at_360="paper_path")
    assert t1(ev).decision == "paper_path"
    spec = runtime("zhengzhou").setting_specs["senior_at_360"]
    assert (spec.default, spec.rule) == ("complete", "Z-T1")


@pytest.mark.rule("Z-T1")
def test_Z_T1_counts_2016_12_31_itself_and_not_2017_01_01():
    acts = [act("a", hours=250, date=d(2015, 5, 1)), act("last", hours=10, date=d(2016, 12, 31))]
    ev = run(teacher(), acts, as_of=d(2017, 6, 30))
    assert (t1(ev).decision, t1(ev).data["hours"]) == ("paper_path", D(260))
    acts = [act("a", hours=250, date=d(2015, 5, 1)), act("next", hours=10, date=d(2017, 1, 1))]
    ev = run(teacher(), acts, as_of=d(2017, 6, 30))
    assert (t1(ev).decision, t1(ev).data["hours"]) == ("system_path", D(250))


@pytest.mark.rule("Z-T1")
def test_Z_T1_counts_from_the_previous_certificate_on_and_not_before():
    acts = [act("before", hours=100, date=d(2013, 2, 28)), act("on", hours=200, date=d(2013, 3, 1))]
    ev = run(teacher(prev=d(2013, 3, 1)), acts, as_of=d(2017, 6, 30))
    assert (t1(ev).decision, t1(ev).data["hours"]) == ("system_path", D(200))


@pytest.mark.rule("Z-T1")
def test_Z_T1_does_not_apply_to_a_cycle_begun_after_the_cutover_or_a_new_teacher():
    assert t1(run(teacher(prev=d(2017, 1, 1)), [act("a", hours=300, date=d(2017, 2, 1))])) is None
    t = teacher(prev=None, hired_on=d(2014, 9, 1))
    acts = [act("a", hours=300, date=d(2015, 2, 1))]
    assert t1(run(t, acts)) is None
    ev = run(t, acts, cutover_without_certificate="from_hired_on")
    assert t1(ev).decision == "paper_path"


@pytest.mark.rule("Z-T1")
def test_Z_T1_prev_certificate_on_the_cutover_date_is_classified():
    ev = run(teacher(prev=d(2016, 12, 31)), [act("a", hours=10, date=d(2016, 12, 31))], as_of=d(2017, 6, 30))
    assert t1(ev).decision == "system_path" and t1(ev).data["hours"] == D(10)


@pytest.mark.rule("Z-T1")
def test_Z_T1_paper_path_cycle_runs_to_the_deadline():
    t = teacher(prev=d(2012, 5, 1))  # the fifth year ends 2017-04-30
    acts = [act("a", hours=280, date=d(2014, 5, 1)), act("s", "school_based", level="school", hours=80,
                                                          date=d(2018, 5, 1))]
    ev = run(t, acts, as_of=d(2018, 6, 1))
    assert t1(ev).decision == "paper_path" and ev.cycle.end == d(2018, 12, 31)
    assert ev.cycle_met and ev.certificate.eligible and ev.certificate.issuer.startswith("郑州市教育局")
    ev = run(t, acts, as_of=d(2018, 6, 1), paper_path_cycle="five_years")
    assert ev.cycle.end == d(2017, 4, 30) and not ev.cycle_met


@pytest.mark.rule("Z-T2")
def test_Z_T2_paper_certificate_not_after_2018_12_31():
    t = teacher(prev=d(2014, 1, 1))
    acts = [act("a", hours=280, date=d(2015, 5, 1)), act("s", "school_based", level="school", hours=80,
                                                          date=d(2018, 12, 31))]
    ev = run(t, acts, as_of=d(2018, 12, 31))
    assert ev.certificate.eligible and t2(ev).decision == "open"
    ev = run(t, acts, as_of=d(2019, 1, 1))
    assert not ev.certificate.eligible and ev.certificate.rule == "Z-T2"
    assert t2(ev).decision == "closed"


@pytest.mark.rule("Z-T2")
def test_Z_T2_paper_path_still_short_after_deadline_is_listed_with_its_hours_kept():
    t = teacher(prev=d(2014, 1, 1))
    acts = [act("a", hours=280, date=d(2015, 5, 1)), act("late", hours=100, date=d(2019, 3, 1))]
    ev = run(t, acts, as_of=d(2019, 6, 30))
    tr = t2(ev)
    assert (tr.decision, tr.article, tr.data["hours_at_deadline"], tr.data["hours_to_date"]) == \
        ("manual_handling", "八", D(280), D(380))
    assert entry(ev, "late").hours == D(100)  # never dropped


@pytest.mark.rule("Z-T1")
def test_Z_T1_and_T2_do_not_touch_the_system_path():
    ev = run(teacher(), [act("a", hours=100, date=d(2015, 5, 1))], as_of=d(2019, 6, 30))
    assert t1(ev).decision == "system_path" and t2(ev) is None and ev.cycle.end == d(2018, 2, 28)


# -- the rule table ------------------------------------------------------------------------


def test_every_number_lives_in_a_cited_row():
    rows = {r["id"]: r for r in rule_rows("zhengzhou")}
    assert rows["Z-R1"]["values"]["minimum"] == "360" and rows["Z-R2"]["values"]["minimum"] == "80"
    assert rows["Z-R3"]["values"]["advised"] == "72" and rows["Z-R5"]["values"]["minimum"] == "120"
    assert rows["Z-T1"]["values"]["threshold"] == "260" and rows["Z-T1"]["values"]["senior_threshold"] == "360"
    assert all(r["article"] for r in rows.values())
