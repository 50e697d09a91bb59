"""One test (at least) per Kunming rule id, each breaking if its number or condition changes.

Digest: docs/rules/kunming.md; text: docs/regulations/kunming-2014.txt.
"""
from __future__ import annotations

from decimal import Decimal as D

import pytest

from tests.kunming.helpers import act, case, cycle_req, entry, hours, refusal, year_req


def city(id, date="2015-05-10", **kw):
    return act(id, "training", date, level="city", **kw)


# -- requirements ----------------------------------------------------------------


@pytest.mark.rule("K-R1")
def test_K_R1_cycle_needs_360_hours():
    acts = [city(f"c{y}", f"{y}-05-10", hours=72) for y in range(2015, 2020)]
    ev = case(acts, as_of="2020-01-31")
    r = cycle_req(ev, "K-R1")
    assert (r["required"], r["counted"], r["met"], r["article"]) == ("360", "360", True, "第三条")
    assert ev["cycle"]["start"] == "2015-02-01" and ev["cycle"]["end"] == "2020-01-31"
    ev = case(acts[:-1] + [city("c2019", "2019-05-10", hours="71.5")], as_of="2020-01-31")
    assert cycle_req(ev, "K-R1")["met"] is False
    assert ev["certificate"]["eligible"] is False and ev["certificate"]["rule"] == "K-R1"


@pytest.mark.rule("K-R1")
def test_K_R1_cycle_excludes_activities_outside_the_window():
    ev = case([city("before", "2020-02-01", hours=400)], as_of="2020-03-01")
    assert cycle_req(ev, "K-R1")["counted"] == "0"


@pytest.mark.rule("K-R2")
def test_K_R2_other_teachers_need_72_a_year():
    ev = case([city("a", hours=72)])
    r = year_req(ev, 2015, "K-R2")
    assert (r["required"], r["counted"], r["met"]) == ("72", "72", True)
    ev = case([city("a", hours="71.9")])
    assert year_req(ev, 2015, "K-R2")["met"] is False


@pytest.mark.rule("K-R2")
def test_K_R2_not_for_new_teacher_in_year_of_hiring_nor_new_principal_in_year_of_appointment():
    ev = case([city("a", hours=10)], hired_on="2015-09-01")
    assert year_req(ev, 2015, "K-R2") is None
    ev = case([city("a", hours=10)], principal_since="2015-03-01")
    assert year_req(ev, 2015, "K-R2") is None
    ev = case([city("a", "2016-04-01", hours=10)], as_of="2016-12-31", hired_on="2015-09-01")
    assert year_req(ev, 2016, "K-R2")["required"] == "72"


@pytest.mark.rule("K-R3")
def test_K_R3_new_teacher_needs_120_hours_of_induction_in_year_of_hiring():
    acts = [act("ind", "new_teacher_training", "2015-10-01", level="county", hours=120)]
    ev = case(acts, hired_on="2015-08-25")
    r = year_req(ev, 2015, "K-R3")
    assert (r["required"], r["counted"], r["met"]) == ("120", "120", True)
    acts = [act("ind", "new_teacher_training", "2015-10-01", level="county", hours=119),
            city("other", hours=50)]
    ev = case(acts, hired_on="2015-08-25")
    r = year_req(ev, 2015, "K-R3")
    assert (r["counted"], r["met"]) == ("119", False)


@pytest.mark.rule("K-R4")
def test_K_R4_new_principal_needs_300_hours_of_qualification_training():
    acts = [act("q", "principal_training", "2016-06-01", level="provincial", hours=300)]
    ev = case(acts, as_of="2016-12-31", principal_since="2016-01-10")
    r = cycle_req(ev, "K-R4")
    assert (r["required"], r["counted"], r["met"]) == ("300", "300", True)
    acts = [act("q", "principal_training", "2016-06-01", level="provincial", hours=299)]
    ev = case(acts, as_of="2016-12-31", principal_since="2016-01-10")
    assert cycle_req(ev, "K-R4")["met"] is False
    assert cycle_req(case(acts, as_of="2016-12-31"), "K-R4") is None


def _school(evs_short, total):
    from xuefen.evaluate import evaluate
    from xuefen.io.case import parse_case
    from xuefen.regions import runtime

    evs = []
    for n in range(total):
        h = 10 if n < evs_short else 72
        data = {"region": "kunming", "as_of": "2015-12-31",
                "teacher": {"id": f"T{n}", "stage": "primary", "cycle_start": "2015-02-01"},
                "activities": [{"id": "a", "kind": "training", "level": "city", "date": "2015-05-01", "hours": h}]}
        evs.append(evaluate(parse_case(data)))
    rt = runtime("kunming")
    return rt.hook.xuefen_org_flags(org_id="S1", year=2015, evaluations=evs, settings=rt.settings)


@pytest.mark.rule("K-R5")
def test_K_R5_school_flag_at_ten_percent_short():
    flags = _school(1, 10)
    assert [f.rule for f in flags] == ["K-R5"] and flags[0].article == "第十八条"
    assert _school(1, 11) == []
    assert _school(0, 10) == []


@pytest.mark.rule("K-R5")
def test_K_R5_teachers_without_required_hours_that_year_are_not_in_the_denominator():
    from xuefen.evaluate import evaluate
    from xuefen.io.case import parse_case
    from xuefen.regions import runtime

    def ev(tid, kind, hours, **teacher):
        data = {"region": "kunming", "as_of": "2015-12-31",
                "teacher": {"id": tid, "stage": "primary", "cycle_start": "2015-02-01", **teacher},
                "activities": [{"id": "a", "kind": kind, "level": "city", "date": "2015-05-01", "hours": hours}]}
        return evaluate(parse_case(data))

    # 1 of 10 teachers with K-R2 is short (10%); a new principal with only a K-C6 cap result that year
    # is not one of the school's teachers with required hours, so 1 of 11 (< 10%) would miss the flag
    evs = [ev("short", "training", 10)] + [ev(f"ok{n}", "training", 72) for n in range(9)]
    evs.append(ev("np", "school_based", 60, principal_since="2015-03-01"))
    assert [r.rule for r in evs[-1].year_results(2015)] == ["K-C6"]
    rt = runtime("kunming")
    flags = rt.hook.xuefen_org_flags(org_id="S1", year=2015, evaluations=evs, settings=rt.settings)
    assert [f.rule for f in flags] == ["K-R5"] and "1 of 10" in flags[0].message


# -- conversion ------------------------------------------------------------------


@pytest.mark.rule("K-C1")
def test_K_C1_national_and_provincial_hours_as_stated_no_excellent_bonus():
    ev = case([act("n", "training", level="national", hours=50, assessment="excellent"),
               act("p", "training", level="provincial", hours=40)])
    assert entry(ev, "n")["rule"] == "K-C1" and hours(ev, "n") == D(50)
    assert hours(ev, "p") == D(40)
    ev = case([act("n", "training", level="national", days=3)])
    assert refusal(ev, "n")["rule"] == "K-C1"


@pytest.mark.rule("K-C2")
def test_K_C2_city_county_training_eight_hours_per_day_when_none_stated():
    ev = case([city("d", days=3), act("h", "training", level="county", hours=10, days=3),
               city("half", days="2.5")])
    assert hours(ev, "d") == D(24) and entry(ev, "d")["rule"] == "K-C2"
    assert hours(ev, "h") == D(10)
    assert hours(ev, "half") == D(20)


@pytest.mark.rule("K-C3")
def test_K_C3_excellent_trainee_gets_125_percent_of_K_C2_hours():
    ev = case([city("x", days=3, assessment="excellent"), city("y", hours=10, assessment="excellent")])
    assert hours(ev, "x") == D(30) and entry(ev, "x")["rule"] == "K-C3"
    assert hours(ev, "y") == D("12.5")


@pytest.mark.rule("K-C3")
def test_K_C3_cohort_limit_is_ten_percent():
    from xuefen.model import Activity
    from xuefen.regions import runtime
    import datetime as dt

    rt = runtime("kunming")
    lim = rt.hook.xuefen_cohort_limit(activity=Activity("a", "training", dt.date(2015, 5, 1), level="county"),
                                      settings=rt.settings)
    assert (lim.rule, lim.share, lim.assessment) == ("K-C3", D("0.10"), "excellent")
    assert rt.hook.xuefen_cohort_limit(activity=Activity("a", "training", dt.date(2015, 5, 1), level="national"),
                                       settings=rt.settings) is None


@pytest.mark.parametrize("stage,level,ok", [
    ("primary", "associate", True), ("primary", "bachelor", True),
    ("junior", "associate", False), ("junior", "bachelor", True),
    ("senior", "bachelor", False), ("senior", "master", True), ("senior", "doctor", True),
    ("kindergarten", "bachelor", False), ("special", "master", False),
])
@pytest.mark.rule("K-C4")
def test_K_C4_degree_study_48_a_year_matched_to_teaching_level(stage, level, ok):
    ev = case([act("d", "degree_study", degree_level=level, program_id="P1")], stage=stage)
    if ok:
        assert hours(ev, "d") == D(48) and entry(ev, "d")["rule"] == "K-C4"
    else:
        assert refusal(ev, "d")["rule"] == "K-C4"


@pytest.mark.rule("K-C4")
def test_K_C4_out_of_subject_degree_earns_nothing():
    ev = case([act("d", "degree_study", degree_level="bachelor", in_subject=False)])
    assert refusal(ev, "d")["rule"] == "K-C4"


@pytest.mark.rule("K-C4")
def test_K_C4_at_most_three_years_per_programme():
    acts = [act(f"d{y}", "degree_study", f"{y}-07-01", degree_level="bachelor", program_id="P")
            for y in range(2015, 2019)]
    ev = case(acts, as_of="2019-12-31")
    assert [hours(ev, f"d{y}") for y in range(2015, 2018)] == [D(48)] * 3
    assert refusal(ev, "d2018")["rule"] == "K-C4"
    # one record per year of study
    ev = case([act("a", "degree_study", "2015-03-01", degree_level="bachelor", program_id="P"),
               act("b", "degree_study", "2015-09-01", degree_level="bachelor", program_id="P")])
    assert refusal(ev, "b")["rule"] == "K-C4"


@pytest.mark.rule("K-C4")
def test_K_C4_per_record_setting_keeps_each_record_three_years():
    acts = [act(f"d{y}", "degree_study", f"{y}-07-01", degree_level="bachelor", program_id="P")
            for y in range(2015, 2019)]
    ev = case(acts, as_of="2019-12-31", settings={"degree_validity": "per_record"})
    assert refusal(ev, "d2015")["rule"] == "K-C4"  # expired: 2015-07-01 + 3 years <= as_of
    assert hours(ev, "d2018") == D(48)


@pytest.mark.rule("K-C5")
def test_K_C5_self_study_exam_24_per_subject():
    ev = case([act("s", "self_study_exam", subjects_passed=2), act("one", "self_study_exam")])
    assert hours(ev, "s") == D(48) and entry(ev, "s")["rule"] == "K-C5"
    assert hours(ev, "one") == D(24)


@pytest.mark.rule("K-C6")
def test_K_C6_school_based_capped_at_48_a_year():
    ev = case([act("sb1", "school_based", level="school", hours=30),
               act("sb2", "school_based", "2015-11-01", level="school", hours=30), city("c", hours=40)])
    cap = year_req(ev, 2015, "K-C6")
    assert (cap["maximum"], cap["earned"], cap["counted"]) == ("48", "60", "48")
    r = year_req(ev, 2015, "K-R2")
    assert (r["earned"], r["counted"]) == ("100", "88")
    assert any("K-C6" in n for n in r["notes"])
    ev = case([act("sb", "school_based", level="school", hours=48)])
    assert year_req(ev, 2015, "K-R2")["counted"] == "48"


@pytest.mark.rule("K-C6")
def test_K_C6_cap_is_per_year_also_in_the_cycle():
    acts = [act("a", "school_based", "2015-05-01", hours=60), act("b", "school_based", "2016-05-01", hours=60)]
    ev = case(acts, as_of="2016-12-31")
    assert cycle_req(ev, "K-R1")["counted"] == "96"


@pytest.mark.rule("K-C7")
def test_K_C7_trainer_twice_the_hours_at_most_72_a_year():
    ev = case([act("t", "trainer", level="county", hours=30), act("t2", "trainer", "2015-06-01", level="city",
                                                                  hours=10)])
    assert hours(ev, "t") == D(60) and entry(ev, "t")["rule"] == "K-C7"
    cap = year_req(ev, 2015, "K-C7")
    assert (cap["earned"], cap["counted"], cap["maximum"]) == ("80", "72", "72")
    assert refusal(case([act("t", "trainer", level="school", hours=5)]), "t")["rule"] == "K-C7"


@pytest.mark.rule("K-C8")
def test_K_C8_famous_teacher_base_convener_72_member_48():
    ev = case([act("c", "studio", level="city", role="convener"), act("m", "studio", "2016-03-01", level="county",
                                                                      role="member")], as_of="2016-12-31")
    assert hours(ev, "c") == D(72) and hours(ev, "m") == D(48) and entry(ev, "c")["rule"] == "K-C8"
    ev = case([act("m1", "studio", level="city", role="member"), act("m2", "studio", "2015-06-01", level="county",
                                                                     role="member")])
    assert year_req(ev, 2015, "K-R2")["counted"] == "48"
    assert refusal(case([act("x", "studio", level="provincial")]), "x")["rule"] == "K-C8"


@pytest.mark.rule("K-C9")
def test_K_C9_volunteer_lectures_5_per_event_at_most_24_a_year():
    ev = case([act("v", "volunteer_teaching", level="county", events=3),
               act("v2", "volunteer_teaching", "2015-06-01", level="city", events=2)])
    assert hours(ev, "v") == D(15) and entry(ev, "v")["rule"] == "K-C9"
    cap = year_req(ev, 2015, "K-C9")
    assert (cap["earned"], cap["counted"], cap["maximum"]) == ("25", "24", "24")


@pytest.mark.rule("K-C10")
def test_K_C10_full_time_support_teaching_hours_as_document_states():
    ev = case([act("f", "volunteer_teaching", level="county", full_time=True, hours=200)])
    assert hours(ev, "f") == D(200) and entry(ev, "f")["rule"] == "K-C10"
    assert year_req(ev, 2015, "K-C9") is None  # not capped as events


@pytest.mark.rule("K-C11")
def test_K_C11_professional_training_with_pass_certificate():
    ev = case([act("p", "professional_certificate_training", hours=16, assessment="pass"),
               act("f", "professional_certificate_training", hours=16, assessment="fail")])
    assert hours(ev, "p") == D(16) and entry(ev, "p")["rule"] == "K-C11"
    assert refusal(ev, "f")["rule"] == "K-C11"


@pytest.mark.parametrize("fields", [
    {"kind": "training", "level": "city", "hours": 10, "approved_by_authority": False},
    {"kind": "degree_study", "degree_level": "bachelor", "national_series": False},
    {"kind": "degree_study", "degree_level": "bachelor", "compensatory": True},
])
@pytest.mark.rule("K-C12")
def test_K_C12_unapproved_non_national_series_and_compensatory_are_refused(fields):
    kind = fields.pop("kind")
    ev = case([act("x", kind, **fields)])
    r = refusal(ev, "x")
    assert (r["rule"], r["article"]) == ("K-C12", "第十二条")
    assert hours(ev, "x") == 0


@pytest.mark.rule("K-C13")
def test_K_C13_induction_and_qualification_training_count_towards_the_cycle():
    ev = case([act("i", "new_teacher_training", level="county", days=15),
               act("q", "principal_training", level="provincial", hours=100)], hired_on="2015-03-01")
    assert entry(ev, "i")["rule"] == "K-C13" and hours(ev, "i") == D(120)
    assert hours(ev, "q") == D(100)
    assert cycle_req(ev, "K-R1")["counted"] == "220"


# -- approval, transition ---------------------------------------------------------


def _stages(purpose):
    from xuefen.regions import runtime
    rt = runtime("kunming")
    return rt.hook.xuefen_approval_stages(activity=None, teacher=None, settings=rt.settings, purpose=purpose)


@pytest.mark.rule("K-A1")
def test_K_A1_annual_registration_school_then_county():
    stages = _stages("activity")
    assert [(s.name, s.role, s.level) for s in stages] == [("school_review", "school_admin", "school"),
                                                           ("county_review", "county_admin", "county")]
    assert {s.rule for s in stages} == {"K-A1"} and stages[0].article == "第十四条"


@pytest.mark.rule("K-A2")
def test_K_A2_claim_after_31_october_warns_and_optionally_moves_round():
    on_time = case([city("a", "2015-05-01", hours=72, filed_on="2015-10-31")])
    assert not on_time["warnings"]
    late = case([city("a", "2015-05-01", hours=72, filed_on="2015-11-01")])
    assert [w["rule"] for w in late["warnings"]] == ["K-A2"]
    assert entry(late, "a")["year"] == 2015
    moved = case([city("a", "2015-05-01", hours=72, filed_on="2015-11-01")], as_of="2016-12-31",
                 settings={"late_claims_next_round": True})
    assert entry(moved, "a")["year"] == 2016
    assert year_req(moved, 2016, "K-R2")["counted"] == "72"
    later = case([city("a", "2015-05-01", hours=72, filed_on="2017-03-01")], as_of="2017-12-31",
                 settings={"late_claims_next_round": True})
    assert entry(later, "a")["year"] == 2017
    latest = case([city("a", "2015-05-01", hours=72, filed_on="2017-11-01")], as_of="2018-12-31",
                  settings={"late_claims_next_round": True})
    assert entry(latest, "a")["year"] == 2018
    nov = case([city("n", "2015-11-01", hours=72)])
    # no filing date: no late-filing warning (K-A2 warns only when filed_on is known)
    assert not nov["warnings"] and entry(nov, "n")["year"] == 2015
    assert not case([city("o", "2015-10-31", hours=72)])["warnings"]
    nov = case([city("n", "2015-11-01", hours=72)], as_of="2016-12-31", settings={"late_claims_next_round": True})
    assert entry(nov, "n")["year"] == 2016


@pytest.mark.rule("K-A3")
def test_K_A3_cycle_review_school_county_city_province():
    stages = _stages("cycle")
    assert [s.level for s in stages] == ["school", "county", "city", "province"]
    assert {s.rule for s in stages} == {"K-A3"} and stages[-1].name == "province_filed"


@pytest.mark.rule("K-T1")
def test_K_T1_legacy_records_count_one_credit_one_hour_flagged():
    acts = [act("old", "training", "2014-11-01", level="city", credits=20),
            city("new", "2015-05-01", hours=10)]
    ev = case(acts, cycle_start="2014-09-01", as_of="2015-12-31")
    e = entry(ev, "old")
    assert (e["rule"], e["hours"], e["article"]) == ("K-T1", "20", "第十九条")
    assert cycle_req(ev, "K-R1")["counted"] == "30"
    assert [f["kind"] for f in ev["flags"]] == ["legacy"]
    ev = case(acts, cycle_start="2014-09-01", as_of="2015-12-31", settings={"legacy_counts": False})
    assert cycle_req(ev, "K-R1")["counted"] == "10"


@pytest.mark.rule("K-T1")
def test_K_T1_no_annual_requirement_before_the_rules_were_in_force():
    ev = case([act("old", "training", "2014-11-01", level="city", hours=20)], cycle_start="2014-09-01",
              as_of="2015-12-31")
    assert [y["year"] for y in ev["years"]] == [2015]


@pytest.mark.rule("K-T2")
def test_K_T2_hours_follow_the_teacher_between_schools():
    ev1 = case([city("a", hours=40)], school_id="S1")
    ev2 = case([city("a", hours=40)], school_id="S2")
    assert cycle_req(ev1, "K-R1")["counted"] == cycle_req(ev2, "K-R1")["counted"] == "40"
    # nothing an evaluation returns cites K-T2 (no move is refused or converted under it): its row states it
    from xuefen_kunming.rules import RULES
    assert RULES["K-T2"].article == "第十七条" and "keeps the hours" in RULES["K-T2"].text


@pytest.mark.parametrize("kind", ["research", "publication", "competition", "mentoring", "other"])
@pytest.mark.rule("K-X1")
def test_K_X1_kinds_no_article_registers_are_refused(kind):
    ev = case([act("x", kind, hours=10)])
    assert refusal(ev, "x")["rule"] == "K-X1"


def test_kunming_failed_training_earns_nothing():
    ev = case([city("f", hours=20, assessment="fail")])
    assert refusal(ev, "f")["rule"] == "K-C2"


@pytest.mark.rule("K-C9")
def test_K_C9_unstated_level_is_not_held_against_the_activity():
    ev = case([act("v", "volunteer_teaching", events=2), act("t", "trainer", hours=3)])
    assert hours(ev, "v") == D(10) and hours(ev, "t") == D(6)


@pytest.mark.rule("K-R2")
def test_K_R2_no_annual_requirement_before_the_year_of_hiring():
    acts = [act("ind", "new_teacher_training", "2016-10-01", level="city", hours=120),
            city("y17", "2017-04-01", hours=72)]
    ev = case(acts, as_of="2017-12-31", hired_on="2016-09-01")
    assert year_req(ev, 2015, "K-R2") is None and year_req(ev, 2016, "K-R2") is None
    assert year_req(ev, 2017, "K-R2")["met"] is True
    assert year_req(ev, 2016, "K-R3")["counted"] == "120"


@pytest.mark.rule("K-C7")
def test_K_C7_training_taught_as_lecturer_is_twice_the_hours():
    ev = case([act("lec", "training", level="county", role="lecturer", hours=10)])
    assert (entry(ev, "lec")["rule"], entry(ev, "lec")["hours"]) == ("K-C7", "20")
    ev = case([act("lec", "training", level="school", role="lecturer", hours=10)])
    assert refusal(ev, "lec")["rule"] == "K-C7"


@pytest.mark.rule("K-C13")
def test_K_C13_school_level_induction_counts_towards_K_R3_without_bonus():
    acts = [act("ind", "new_teacher_training", "2015-10-01", level="school", hours=120, assessment="excellent")]
    ev = case(acts, hired_on="2015-09-01")
    assert (entry(ev, "ind")["rule"], entry(ev, "ind")["hours"]) == ("K-C13", "120")
    assert year_req(ev, 2015, "K-R3")["met"] is True


@pytest.mark.rule("K-T1")
def test_K_T1_legacy_records_stand_as_recorded_the_K_C6_cap_does_not_cut_them():
    acts = [act("L", "school_based", "2015-01-15", level="school", hours=40),
            act("S", "school_based", "2015-03-01", level="school", hours=48)]
    ev = case(acts, cycle_start="2014-09-01")
    assert year_req(ev, 2015, "K-R2")["counted"] == "88"
    assert year_req(ev, 2015, "K-C6")["counted"] == "48"


@pytest.mark.rule("K-C9")
def test_K_C9_dispatched_demo_class_shares_the_24_cap_with_volunteer_lectures():
    acts = [act("v", "volunteer_teaching", "2015-03-01", level="county", events=3),
            act("o", "open_class", "2015-05-01", level="city", events=2)]
    ev = case(acts)
    assert (entry(ev, "o")["rule"], entry(ev, "o")["hours"]) == ("K-C9", "10")
    assert year_req(ev, 2015, "K-C9")["counted"] == "24"
    for level in ("school", None):
        ev = case([act("o", "open_class", level=level, events=1)] if level else [act("o", "open_class", events=1)])
        assert refusal(ev, "o")["rule"] == "K-C9"
