"""Weifang (潍坊市): one test (at least) per W- rule id, each breaking if its number or condition changes,
and Weifang on both sides of its cut-over to the province's rules (2015-03-31, the day itself included).

Digest: docs/rules/shandong.md (Weifang); text: docs/regulations/shandong-2015-and-others.txt,
third part.
"""
from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal as D

import pytest

from xuefen.errors import InputError
from xuefen.evaluate import evaluate
from xuefen.io.case import parse_case
from xuefen.regions import chain, runtime

from tests.conftest import run_exe, write_case
from tests.evaluation import entry, refusal
from tests.conftest import KEYS_FOR

TEACHER = {"id": "T-WF-TEST", "stage": "primary", "hired_on": "2001-09-01", "cycle_start": "2010-01-01"}


def case(activities, *, as_of="2014-12-31", settings=None, **teacher):
    data = {"region": "weifang", "as_of": as_of, "teacher": {**TEACHER, **teacher}, "activities": activities}
    if settings:
        data["settings"] = settings
    return evaluate(parse_case(data)).as_json()


def act(id, kind="training", date="2013-05-10", **fields):
    return {"id": id, "kind": kind, "date": date, **fields}


def county(id, hours, date="2013-05-10", **kw):
    """County centralized training: W-C2, 10 hours = 1 credit."""
    return act(id, "training", date, level="county", hours=hours, assessment="pass", **kw)


def required(id, credits, date="2013-05-10", **kw):
    return act(id, "training", date, level="city", mandatory=True, credits=credits, **kw)


def credits(ev, activity):
    return sum((D(e["credits"]) for e in ev["entries"] if e["activity"] == activity), D(0))


def cycle_req(ev, rule, label=None):
    hits = [r for r in ev["cycle"]["requirements"] if r["rule"] == rule and (label is None or r.get("label") == label)]
    return hits[0] if hits else None


def year_req(ev, year, rule):
    for y in ev["years"]:
        if y["year"] == year:
            return next((r for r in y["requirements"] if r["rule"] == rule), None)
    return None


def scheme_on(day, settings=None):
    """The rule set a Weifang activity of ``day`` is converted under: Weifang's own (W-T1) or the province's."""
    return runtime("weifang", settings).region.ruleset_on(dt.date.fromisoformat(day))


def full_cycle(extra=()):
    """10 required + 26 elective credits in the 2010-2014 cycle."""
    return [required("req", 10), county("ele", 260), *extra]


# -- W-R: the cycle and its two kinds ---------------------------------------------------------------


@pytest.mark.rule("W-R1")
def test_W_R1_five_year_cycle_of_36_credits_10_required_and_26_elective():
    ev = case(full_cycle())
    assert (ev["cycle"]["start"], ev["cycle"]["end"], ev["cycle"]["rule"]) == ("2010-01-01", "2014-12-31", "W-R1")
    cert = ev["certificate"]
    assert (cert["eligible"], cert["rule"], cert["article"]) == (True, "W-R1", "第六条, 第九条")
    assert "36" in cert["reason"] and cert["valid_years"] == 5
    ev = case([required("req", 10), county("ele", 259)])
    assert ev["certificate"]["eligible"] is False and ev["cycle"]["met"] is False


@pytest.mark.rule("W-R1")
def test_W_R1_neither_kind_makes_up_for_the_other():
    ev = case([required("req", 20), county("ele", 160)])  # 20 + 16 = 36, but elective short
    assert ev["cycle"]["met"] is False
    assert cycle_req(ev, "W-R2")["met"] is True and cycle_req(ev, "W-R3")["counted"] == "16"
    ev = case([required("req", 5), county("ele", 310)])  # 5 + 31 = 36, but required short
    assert cycle_req(ev, "W-R2")["met"] is False and cycle_req(ev, "W-R3")["met"] is True
    assert ev["certificate"]["eligible"] is False


@pytest.mark.rule("W-R1")
def test_W_R1_without_cycle_start_cycles_count_back_from_the_cutover():
    ev = case([county("a", 10, "2012-01-05")], as_of="2013-06-01", cycle_start=None)
    assert (ev["cycle"]["start"], ev["cycle"]["end"], ev["cycle"]["rule"]) == ("2010-03-31", "2015-03-30", "W-T1")
    ev = case([], as_of="2009-06-01", cycle_start=None)
    assert (ev["cycle"]["start"], ev["cycle"]["end"]) == ("2005-03-31", "2010-03-30")


@pytest.mark.rule("W-R2")
def test_W_R2_required_at_least_10_a_cycle():
    r = cycle_req(case(full_cycle()), "W-R2")
    assert (r["required"], r["counted"], r["met"], r["article"]) == ("10", "10", True, "第九条")
    ev = case([required("req", "9.9"), county("ele", 260)])
    assert cycle_req(ev, "W-R2")["met"] is False


@pytest.mark.rule("W-R3")
def test_W_R3_elective_at_least_26_a_cycle():
    r = cycle_req(case(full_cycle()), "W-R3")
    assert (r["required"], r["counted"], r["met"]) == ("26", "26", True)
    ev = case([required("req", 10), county("ele", 259)])
    assert (cycle_req(ev, "W-R3")["counted"], cycle_req(ev, "W-R3")["met"]) == ("25.9", False)


def _probation_case(total, req, normal, after=0, **kw):
    acts = [required("p-req", req, "2011-03-01"), county("p-ele", (total - req) * 10, "2011-06-01")]
    if after:
        acts.append(county("later", after * 10, "2012-10-01"))
    return case(acts, hired_on="2010-09-01", normal_school_graduate=normal, **kw)


@pytest.mark.rule("W-R4")
def test_W_R4_probation_normal_school_graduate_12_of_which_6_required():
    ev = _probation_case(12, 6, True)
    total = cycle_req(ev, "W-R4", "probation (normal-school graduate)")
    req = cycle_req(ev, "W-R4", "probation required (normal-school graduate)")
    assert (total["required"], total["counted"], total["met"]) == ("12", "12", True)
    assert (req["required"], req["counted"], req["met"]) == ("6", "6", True)
    ev = _probation_case(12, 5, True)
    assert cycle_req(ev, "W-R4", "probation required (normal-school graduate)")["met"] is False
    ev = _probation_case(11, 6, True, after=5)  # credits after the probation year do not make it up
    assert cycle_req(ev, "W-R4", "probation (normal-school graduate)")["counted"] == "11"
    assert ev["certificate"]["eligible"] is False


@pytest.mark.rule("W-R4")
def test_W_R4_probation_others_18_of_which_9_required():
    ev = _probation_case(18, 9, False)
    total = cycle_req(ev, "W-R4", "probation (non-normal-school graduate)")
    req = cycle_req(ev, "W-R4", "probation required (non-normal-school graduate)")
    assert (total["required"], total["met"], req["required"], req["met"]) == ("18", True, "9", True)
    ev = _probation_case(17, 9, False)
    assert cycle_req(ev, "W-R4", "probation (non-normal-school graduate)")["met"] is False
    assert cycle_req(_probation_case(12, 6, False), "W-R4", "probation (non-normal-school graduate)")["met"] is False


@pytest.mark.rule("W-R4")
def test_W_R4_probation_length_is_the_setting_probation_months():
    acts = [required("r", 9, "2011-06-01"), county("e", 90, "2011-10-01")]  # 2011-10-01: 13 months after hiring
    ev = case(acts, hired_on="2010-09-01")
    assert cycle_req(ev, "W-R4", "probation (non-normal-school graduate)")["counted"] == "9"
    ev = case(acts, hired_on="2010-09-01", settings={"probation_months": 14})
    assert cycle_req(ev, "W-R4", "probation (non-normal-school graduate)")["counted"] == "18"
    assert cycle_req(case(acts), "W-R4") is None  # hired before the cycle: no probation in it


@pytest.mark.rule("W-R4")
def test_W_R4_probation_credits_count_in_the_cycle_unless_the_setting_says_not():
    acts = [required("p", 10, "2011-03-01"), county("e", 260, "2011-06-01")]
    ev = case(acts, hired_on="2010-09-01")
    assert cycle_req(ev, "W-R2")["counted"] == "10" and cycle_req(ev, "W-R3")["counted"] == "26"
    ev = case(acts, hired_on="2010-09-01", settings={"probation_counts_in_cycle": False})
    assert cycle_req(ev, "W-R2")["counted"] == "0" and cycle_req(ev, "W-R3")["counted"] == "0"
    assert ev["certificate"]["eligible"] is False


# -- W-C: conversions and caps --------------------------------------------------------------------


@pytest.mark.rule("W-C1")
def test_W_C1_required_course_earns_the_credits_the_city_bureau_sets():
    ev = case([required("r", "3.5"), act("none", level="city", mandatory=True, hours=30)])
    e = entry(ev, "r")
    assert (e["rule"], e["credits"], e["article"]) == ("W-C1", "3.5", "第十条")
    assert "required" in e["buckets"] and "elective" not in e["buckets"]
    assert refusal(ev, "none")["rule"] == "W-C1"


@pytest.mark.rule("W-C2")
def test_W_C2_county_or_above_centralized_training_10_hours_1_credit():
    ev = case([county("c", 25), act("n", level="national", hours=40, delivery="centralized"),
               act("r", level="city", hours=20, rate="0.2"), act("x", hours=30),
               act("o", level="provincial", hours=30, delivery="online")])
    assert (entry(ev, "c")["rule"], entry(ev, "c")["credits"], entry(ev, "c")["article"]) == ("W-C2", "2.5", "第十二条 1")
    assert credits(ev, "n") == 4
    assert credits(ev, "r") == 4  # 原则上: the project's stated rate
    assert refusal(ev, "x")["rule"] == "W-C2"  # no level
    assert refusal(ev, "o")["rule"] == "W-C2"  # not centralized
    assert "elective" in entry(ev, "c")["buckets"]


@pytest.mark.rule("W-C3")
def test_W_C3_lectures_point_one_per_hour_at_most_2_in_the_cycle():
    lec = lambda id, h, level="county": act(id, level=level, module="lecture", hours=h)  # noqa: E731
    ev = case(full_cycle([lec("l1", 12), lec("l2", 8, "city")]))
    assert (entry(ev, "l1")["rule"], credits(ev, "l1"), credits(ev, "l2")) == ("W-C3", D("1.2"), D("0.8"))
    cap = cycle_req(ev, "W-C3")
    assert (cap["maximum"], cap["earned"], cap["counted"]) == ("2", "2", "2")
    ev = case(full_cycle([lec("l1", 12), lec("l2", 10, "city")]))
    cap = cycle_req(ev, "W-C3")
    assert (cap["earned"], cap["counted"]) == ("2.2", "2")
    assert cycle_req(ev, "W-R3")["counted"] == "28"  # 26 + 2, not 28.2
    assert refusal(case([lec("p", 10, "provincial")]), "p")["rule"] == "W-C3"


@pytest.mark.parametrize("level,amount", [("county", 5), ("city", 8), ("provincial", 10), ("national", 12)])
@pytest.mark.rule("W-C4")
def test_W_C4_backbone_training_by_level(level, amount):
    ev = case([act("b", level=level, module="backbone", assessment="pass")])
    assert (entry(ev, "b")["rule"], credits(ev, "b")) == ("W-C4", amount)


@pytest.mark.rule("W-C4")
def test_W_C4_backbone_only_the_highest_level_once():
    bb = lambda id, level, date: act(id, date=date, level=level, module="backbone", assessment="pass")  # noqa: E731
    ev = case([bb("b1", "county", "2011-05-01"), bb("b2", "city", "2012-05-01"), bb("b3", "county", "2013-05-01")])
    assert (credits(ev, "b1"), credits(ev, "b2")) == (5, 3)  # the city level tops the county's 5 up to 8
    assert refusal(ev, "b3")["rule"] == "W-C4"
    assert sum(D(e["credits"]) for e in ev["entries"]) == 8
    ev = case([bb("b1", "national", "2011-05-01"), bb("b2", "provincial", "2012-05-01")])
    assert credits(ev, "b1") == 12 and refusal(ev, "b2")["rule"] == "W-C4"
    assert refusal(case([act("nc", level="city", module="backbone")]), "nc")["rule"] == "W-C4"  # no certificate


@pytest.mark.rule("W-C5")
def test_W_C5_normal_school_degree_above_the_qualifying_one_15():
    def deg(id, **kw):
        return act(id, "degree_study", **{"national_series": True, "graduated": True, "normal_school": True,
                                          "degree_level": "bachelor", **kw})
    ev = case([deg("d", program_id="p1")])
    assert (entry(ev, "d")["rule"], credits(ev, "d"), entry(ev, "d")["article"]) == ("W-C5", 15, "第十二条 4")
    assert refusal(case([deg("d", normal_school=False)]), "d")["rule"] == "W-C5"  # 师范类 only
    assert refusal(case([deg("d", graduated=False)]), "d")["rule"] == "W-C5"
    assert refusal(case([deg("d", national_series=False)]), "d")["rule"] == "W-C5"
    assert refusal(case([deg("d")], stage="senior"), "d")["rule"] == "W-C5"  # a senior's qualifying degree
    assert credits(case([deg("d", degree_level="master")], stage="senior"), "d") == 15
    ev = case([deg("d1", program_id="p1"), deg("d2", date="2014-01-01", program_id="p1")])
    assert refusal(ev, "d2")["rule"] == "W-C5"


@pytest.mark.rule("W-C6")
def test_W_C6_senior_teacher_postgraduate_course_12():
    pg = act("pg", level="city", module="postgraduate_course", assessment="pass")
    ev = case([pg], stage="senior")
    assert (entry(ev, "pg")["rule"], credits(ev, "pg")) == ("W-C6", 12)
    assert refusal(case([pg], stage="junior"), "pg")["rule"] == "W-C6"


@pytest.mark.rule("W-C7")
def test_W_C7_research_member_by_level_at_most_6():
    res = lambda id, level: act(id, "research", level=level, assessment="pass", role="member")  # noqa: E731
    ev = case([res("a", "county"), res("b", "city"), res("c", "provincial")])
    assert [credits(ev, x) for x in "abc"] == [1, 2, 3]
    cap = cycle_req(ev, "W-C7")
    assert (cap["maximum"], cap["earned"], cap["counted"]) == ("6", "6", "6")
    ev = case(full_cycle([res("a", "national"), res("b", "provincial")]))
    cap = cycle_req(ev, "W-C7")
    assert (cap["earned"], cap["counted"]) == ("7", "6")
    assert cycle_req(ev, "W-R3")["counted"] == "32"
    assert refusal(case([act("u", "research", level="city")]), "u")["rule"] == "W-C7"  # not appraised
    assert refusal(case([res("s", "school")]), "s")["rule"] == "W-C7"


@pytest.mark.rule("W-C8")
def test_W_C8_teaching_research_attend_per_hour_give_by_level_at_most_6():
    ev = case([act("att", "open_class", level="county", hours=15),
               act("g1", "open_class", level="county", role="lecturer"),
               act("g2", "open_class", level="city", role="lecturer"),
               act("g3", "open_class", level="provincial", role="lecturer"),
               act("g4", "open_class", level="national", role="lecturer")])
    assert [credits(ev, x) for x in ("att", "g1", "g2", "g3", "g4")] == [D("1.5"), D("0.5"), 1, 2, 3]
    cap = cycle_req(ev, "W-C8")
    assert (cap["maximum"], cap["earned"], cap["counted"]) == ("6", "8", "6")
    ev = case([act("g4", "open_class", level="national", role="lecturer", events=2)])
    cap = cycle_req(ev, "W-C8")
    assert (cap["earned"], cap["counted"]) == ("6", "6")


@pytest.mark.rule("W-C9")
def test_W_C9_mentoring_stated_credits_at_most_4():
    men = lambda id, c: act(id, "mentoring", level="county", role="mentor", credits=c)  # noqa: E731
    ev = case([men("m1", 2), men("m2", 2)])
    cap = cycle_req(ev, "W-C9")
    assert (entry(ev, "m1")["rule"], cap["maximum"], cap["earned"], cap["counted"]) == ("W-C9", "4", "4", "4")
    ev = case([men("m1", 3), men("m2", 2)])
    assert (cycle_req(ev, "W-C9")["earned"], cycle_req(ev, "W-C9")["counted"]) == ("5", "4")
    assert refusal(case([act("m", "mentoring", role="mentor")]), "m")["rule"] == "W-C9"


@pytest.mark.rule("W-C10")
def test_W_C10_textbooks_school_3_local_6_national_10_at_most_10():
    tb = lambda id, level: act(id, "publication", level=level, module="textbook")  # noqa: E731
    ev = case([tb("s", "school"), tb("c", "city"), tb("p", "provincial")])
    assert [credits(ev, x) for x in "scp"] == [3, 6, 6]
    cap = cycle_req(ev, "W-C10")
    assert (cap["maximum"], cap["earned"], cap["counted"]) == ("10", "15", "10")
    ev = case([tb("n", "national")])
    assert (credits(ev, "n"), cycle_req(ev, "W-C10")["counted"]) == (10, "10")


@pytest.mark.rule("W-C11")
def test_W_C11_papers_by_level_at_most_4_and_a_monograph_5():
    pa = lambda id, level: act(id, "publication", level=level)  # noqa: E731
    ev = case([pa("c", "county"), pa("m", "city"), pa("p", "provincial"), pa("n", "national")])
    assert [credits(ev, x) for x in "cmpn"] == [D("0.5"), 1, 2, 3]
    cap = cycle_req(ev, "W-C11")
    assert (cap["maximum"], cap["earned"], cap["counted"]) == ("4", "6.5", "4")
    ev = case([pa("p", "provincial"), pa("m", "city"), pa("c", "city")])
    assert (cycle_req(ev, "W-C11")["earned"], cycle_req(ev, "W-C11")["counted"]) == ("4", "4")
    ev = case(full_cycle([pa("n", "national"), pa("n2", "national"), act("mono", "publication", module="monograph")]))
    assert credits(ev, "mono") == 5
    assert cycle_req(ev, "W-R3")["counted"] == "35"  # 26 + 4 (papers, capped) + 5 (monograph, outside the cap)
    assert refusal(case([pa("s", "school")]), "s")["rule"] == "W-C11"


@pytest.mark.rule("W-C12")
def test_W_C12_other_approved_education_credits_set_by_the_approving_authority():
    ev = case([act("o", "other", level="county", credits=2), act("s", "school_based", level="school", credits=3),
               act("x", "school_based", level="school", hours=20)])
    assert (entry(ev, "o")["rule"], credits(ev, "o"), credits(ev, "s")) == ("W-C12", 2, 3)
    assert refusal(ev, "x")["rule"] == "W-C12"


@pytest.mark.rule("W-C13")
def test_W_C13_school_organised_at_most_16_in_the_cycle():
    sch = lambda id, c, date="2012-05-01": act(id, "school_based", date, level="school", credits=c)  # noqa: E731
    ev = case([sch("s1", 10), sch("s2", 6, "2013-05-01")])
    cap = cycle_req(ev, "W-C13")
    assert (cap["maximum"], cap["earned"], cap["counted"]) == ("16", "16", "16")
    ev = case([required("r", 10), sch("s1", 10), sch("s2", 7, "2013-05-01"), county("c", 100)])
    cap = cycle_req(ev, "W-C13")
    assert (cap["earned"], cap["counted"]) == ("17", "16")
    assert cycle_req(ev, "W-R3")["counted"] == "26" and ev["certificate"]["eligible"] is True


# -- W-Z: no credit, and what is owed -----------------------------------------------------------------


@pytest.mark.rule("W-Z1")
def test_W_Z1_without_the_approval_procedure_no_credit():
    ev = case([county("u", 100, approved_by_authority=False)])
    r = refusal(ev, "u")
    assert (r["rule"], r["article"]) == ("W-Z1", "第十四条, 第八条")
    assert ev["entries"] == []


@pytest.mark.rule("W-Z2")
def test_W_Z2_failed_or_absent_over_a_quarter_no_credit():
    ev = case([act("f", level="county", hours=50, assessment="fail"), county("a", 50, attendance_shortfall=True),
               county("ok", 50)])
    assert refusal(ev, "f")["rule"] == "W-Z2" and refusal(ev, "a")["rule"] == "W-Z2"
    assert credits(ev, "ok") == 5


@pytest.mark.rule("W-Z3")
def test_W_Z3_absent_without_leave_owes_10_more_elective_credits():
    ev = case(full_cycle([county("skip", 40, absent_without_leave=True)]))
    assert refusal(ev, "skip")["rule"] == "W-Z3"
    r = cycle_req(ev, "W-R3")
    assert (r["required"], r["counted"], r["met"]) == ("36", "26", False)
    assert ev["certificate"]["eligible"] is False
    assert any(f["rule"] == "W-Z3" and f["activity"] == "skip" for f in ev["flags"])
    ev = case(full_cycle([county("skip", 40, absent_without_leave=True), county("more", 100, "2014-05-01")]))
    assert cycle_req(ev, "W-R3")["met"] is True and ev["certificate"]["eligible"] is True


# -- W-V1: one-vote veto ------------------------------------------------------------------------------


@pytest.mark.rule("W-V1")
def test_W_V1_short_at_the_cycles_end_bars_the_next_cycles_first_two_years():
    ev = case([required("req", 10), county("ele", 250)])
    veto = [f for f in ev["flags"] if f["rule"] == "W-V1"]
    assert len(veto) == 1 and veto[0]["kind"] == "veto"
    assert "2015-01-01 to 2016-12-31" in veto[0]["message"]
    assert not [f for f in case(full_cycle())["flags"] if f["rule"] == "W-V1"]
    ev = case([required("req", 10), county("ele", 250)], as_of="2014-06-30")  # the cycle has not ended yet
    assert not [f for f in ev["flags"] if f["rule"] == "W-V1"]


def _evaluations(passing, failing):
    rt = runtime("weifang")
    ok = evaluate(parse_case({"region": "weifang", "as_of": "2014-12-31", "teacher": TEACHER,
                              "activities": full_cycle()}), rt)
    short = evaluate(parse_case({"region": "weifang", "as_of": "2014-12-31", "teacher": TEACHER,
                                 "activities": [required("req", 10)]}), rt)
    return rt, [ok] * passing + [short] * failing


@pytest.mark.rule("W-V1")
def test_W_V1_school_under_98_percent_passing_is_flagged():
    rt, evs = _evaluations(49, 1)  # 98%: not flagged
    assert rt.hook.xuefen_org_flags(org_id="S1", year=2014, evaluations=evs, settings=rt.settings) == []
    rt, evs = _evaluations(48, 2)  # 96%
    flags = rt.hook.xuefen_org_flags(org_id="S1", year=2014, evaluations=evs, settings=rt.settings)
    assert [(f.rule, f.kind) for f in flags] == [("W-V1", "school_barred")]


# -- W-T1: the cut-over to the province's rules --------------------------------------------------------


@pytest.mark.rule("W-T1")
def test_W_T1_weifang_is_a_child_of_shandong_with_dated_rule_sets():
    assert [rp.code for rp in chain("weifang")] == ["shandong", "weifang"]
    region = runtime("weifang").region
    own, province = region.rulesets[0], region.rulesets[1]
    assert (own.start, str(own.end), own.delegate) == (None, "2015-03-30", None)
    assert (str(province.start), province.delegate) == ("2015-03-31", "shandong")


@pytest.mark.rule("W-T1")
def test_W_T1_both_sides_of_2015_03_31():
    acts = [county("before", 40, "2015-03-30"), county("on", 40, "2015-03-31"), county("after", 40, "2015-04-01")]
    ev = case(acts, as_of="2015-12-31", cycle_start="2011-01-01")
    assert (entry(ev, "before")["rule"], credits(ev, "before")) == ("W-C2", 4)  # 10 hours = 1 credit
    assert (entry(ev, "on")["rule"], credits(ev, "on")) == ("S-C1", 40)  # 1 hour = 1 credit, the day itself
    assert (entry(ev, "after")["rule"], credits(ev, "after")) == ("S-C1", 40)
    assert scheme_on("2015-03-30").rule == "W-T1" and scheme_on("2015-03-31").delegate == "shandong"
    # a period ending after the cut-over is checked by the province's rules; Weifang's credits (10 hours = 1)
    # do not count one-for-one towards it (straddling_cycle split), unless the setting says province
    assert year_req(ev, 2015, "S-R1")["counted"] == "80"
    assert cycle_req(ev, "S-R1")["required"] == "360" and cycle_req(ev, "W-R3") is None
    province = case(acts, as_of="2015-12-31", cycle_start="2011-01-01", settings={"straddling_cycle": "province"})
    assert year_req(province, 2015, "S-R1")["counted"] == "84"
    assert ev["certificate"]["rule"] != "W-R1"
    # evaluated before the cut-over, the same teacher is under Weifang's scheme
    ev = case(acts, as_of="2015-03-30", cycle_start="2011-01-01")
    assert cycle_req(ev, "W-R3")["counted"] == "4" and ev["certificate"]["rule"] == "W-R1"


@pytest.mark.rule("W-T1")
def test_W_T1_province_rules_refuse_what_weifang_credited():
    ev = case([act("pap", "publication", "2015-03-30", level="city"), act("pap2", "publication", "2015-03-31",
                                                                         level="city")], as_of="2015-12-31")
    assert entry(ev, "pap")["rule"] == "W-C11"
    assert refusal(ev, "pap2")["rule"] == "S-C6"
    assert scheme_on("2015-03-30").rule == "W-T1" and scheme_on("2015-03-31").rule != "W-T1"


@pytest.mark.rule("W-T1")
def test_W_T1_weifang_caps_still_hold_in_a_period_the_province_checks():
    lec = [act(f"l{i}", date=f"2014-0{i}-01", level="county", module="lecture", hours=10) for i in range(1, 4)]
    ev = case(lec, as_of="2016-06-30", cycle_start="2012-01-01", settings={"straddling_cycle": "province"})
    assert (cycle_req(ev, "W-C3")["earned"], cycle_req(ev, "W-C3")["counted"]) == ("3", "2")
    assert cycle_req(ev, "S-R1")["counted"] == "2"
    ev = case(lec, as_of="2016-06-30", cycle_start="2012-01-01",
              settings={"straddling_cycle": "province", "weifang_credits_in_province_periods": False})
    assert cycle_req(ev, "S-R1")["counted"] == "0"
    assert runtime("weifang").setting_specs["weifang_credits_in_province_periods"].rule == "W-T1"


@pytest.mark.rule("W-T1")
def test_W_T1_cutover_is_the_setting_weifang_cutover():
    acts = [county("a", 40, "2015-06-01")]
    ev = case(acts, as_of="2015-12-31", settings={"weifang_cutover": "2016-01-01"})
    assert (entry(ev, "a")["rule"], credits(ev, "a")) == ("W-C2", 4)
    assert scheme_on("2015-12-31", {"weifang_cutover": "2016-01-01"}).rule == "W-T1"
    assert scheme_on("2016-01-01", {"weifang_cutover": "2016-01-01"}).delegate == "shandong"
    with pytest.raises(InputError, match="weifang_cutover"):
        case(acts, settings={"weifang_cutover": "31.03.2015"})


@pytest.mark.rule("W-T1")
def test_W_T1_after_the_provinces_rules_end_refused_naming_the_rule_sets():
    ev = case([county("late", 40, "2020-03-31")], as_of="2020-12-31", cycle_start="2016-01-01")
    r = refusal(ev, "late")
    assert "no installed rule set of weifang" in r["reason"] and "2020-03-30" in r["reason"]
    ev = case([county("last", 40, "2020-03-30")], as_of="2020-12-31", cycle_start="2016-01-01")
    assert entry(ev, "last")["rule"] == "S-C1"
    ev = case([], as_of="2021-06-30", cycle_start=None)  # no rule set in force: the province's cycle, not Weifang's
    assert ev["cycle"]["rule"] not in ("W-R1", "W-T1") and ev["cycle"]["start"] <= "2021-06-30" <= ev["cycle"]["end"]


@pytest.mark.rule("W-T1")
def test_W_T1_rules_show_weifang_rows_and_the_inherited_province_rows():
    from xuefen.rules import rule_rows

    rows = {r["id"]: r for r in rule_rows("weifang")}
    assert rows["W-C4"]["region"] == "weifang" and rows["S-C1"]["region"] == "shandong"
    assert str(rows["W-T1"]["values"]["cutover"]) == "2015-03-31"
    assert str(scheme_on("2015-03-30").end) == "2015-03-30"  # the row's date is the one the rule sets use


# -- W-A1 approval, W-X1 kinds ---------------------------------------------------------------------------


@pytest.mark.rule("W-A1")
def test_W_A1_required_to_the_city_elective_to_the_county_the_province_after_the_cutover():
    from xuefen.model import Activity, Teacher

    rt = runtime("weifang")
    t = Teacher(id="T", stage="primary")

    def stages(**kw):
        a = Activity(**{"id": "a", "kind": "training", "level": "county", **kw})
        return rt.hook.xuefen_approval_stages(activity=a, teacher=t, settings=rt.settings, purpose="activity")

    import datetime as dt
    req = stages(date=dt.date(2014, 1, 1), mandatory=True)
    assert [(s.name, s.level, s.rule) for s in req] == [("school_review", "school", "W-A1"),
                                                         ("city_review", "city", "W-A1")]
    ele = stages(date=dt.date(2015, 3, 30))
    assert [(s.name, s.level) for s in ele] == [("school_review", "school"), ("county_review", "county")]
    province = stages(date=dt.date(2015, 3, 31))
    assert province and all(s.rule != "W-A1" for s in province)


@pytest.mark.rule("W-X1")
def test_W_X1_kinds_no_article_credits_are_refused():
    ev = case([act("c", "competition", level="city"), act("t", "trainer", level="county", hours=10)])
    assert refusal(ev, "c")["rule"] == "W-X1" and refusal(ev, "t")["rule"] == "W-X1"


# -- the real CLI --------------------------------------------------------------------------------------------


@pytest.mark.rule("W-T1")
def test_W_T1_evaluate_through_the_real_cli(tmp_path, cli):
    data = {"region": "weifang", "as_of": "2015-12-31", "teacher": {**TEACHER, "cycle_start": "2011-01-01"},
            "activities": [county("w", 40, "2015-03-30"), county("s", 40, "2015-03-31"),
                           act("bad", "training", "2015-01-10", level="county", hours=10, approved_by_authority=False)]}
    path = write_case(tmp_path, data)
    out = cli("evaluate", path, "--json", expect=0)
    ev = json.loads(out.output)
    assert (entry(ev, "w")["rule"], entry(ev, "w")["credits"]) == ("W-C2", "4")
    assert (entry(ev, "s")["rule"], entry(ev, "s")["credits"]) == ("S-C1", "40")
    assert refusal(ev, "bad")["rule"] == "W-Z1"
    p = run_exe("evaluate", path, "--json")
    assert p.returncode == 0 and json.loads(p.stdout)["entries"] == ev["entries"]
    rows = {r["id"]: r for r in json.loads(cli("rules", "weifang", "--json", expect=0).output)}
    assert rows["W-T1"]["values"]["cutover"] == "2015-03-31"  # the day "s" is the first under S-C1


@pytest.mark.rule("W-Z3")
def test_W_Z3_bad_flag_value_is_a_clear_error_through_the_cli(tmp_path):
    data = {"region": "weifang", "as_of": "2014-12-31", "teacher": TEACHER,
            "activities": [county("x", 10, absent_without_leave="perhaps")]}
    p = run_exe("evaluate", write_case(tmp_path, data), "--json")
    assert p.returncode == 2 and "absent_without_leave" in p.stderr and "'x'" in p.stderr
    assert "Traceback" not in p.stderr
    data["activities"][0]["absent_without_leave"] = True
    p = run_exe("evaluate", write_case(tmp_path, data), "--json")
    assert p.returncode == 0 and refusal(json.loads(p.stdout), "x")["rule"] == "W-Z3"


# -- the workflow through the real CLI: Weifang's own approval, then the province's -----------------------

WF_ORGS = [
    {"id": "SDX", "name": "山东省(测试)", "level": "province", "parent_id": "", "region": "weifang"},
    {"id": "WFX", "name": "潍坊市(测试)", "level": "city", "parent_id": "SDX", "region": "weifang"},
    {"id": "WCX", "name": "测试县", "level": "county", "parent_id": "WFX", "region": "weifang"},
    {"id": "WS1", "name": "测试县第一小学", "level": "school", "parent_id": "WCX", "region": "weifang"},
]
WF_ACTORS = [
    {"id": "wsa", "name": "甲校管", "role": "school_admin", "org_id": "WS1"},
    {"id": "wca", "name": "乙县管", "role": "county_admin", "org_id": "WCX"},
    {"id": "wcy", "name": "丙市管", "role": "city_admin", "org_id": "WFX"},
    {"id": "wpa", "name": "丁省管", "role": "province_admin", "org_id": "SDX"},
]


@pytest.mark.rule("W-A1")
def test_W_A1_import_approve_and_status_through_the_real_cli(cli, tmp_path):
    from tests.workflow.helpers import write_csv

    teachers = [{"id": "WT1", "name": "测试教师", "stage": "primary", "school_id": "WS1", "hired_on": "2001-09-01",
                 "cycle_start": "2011-01-01"}]
    acts = [{"teacher_id": "WT1", "id": "req", "kind": "training", "level": "city", "date": "2013-04-01",
             "mandatory": "true", "credits": "10"},
            {"teacher_id": "WT1", "id": "ele", "kind": "training", "level": "county", "date": "2015-03-30",
             "hours": "260", "assessment": "pass"},
            {"teacher_id": "WT1", "id": "prov", "kind": "training", "level": "county", "date": "2015-03-31",
             "hours": "40", "assessment": "pass"}]
    for kind, rows in (("orgs", WF_ORGS), ("actors", WF_ACTORS), ("teachers", teachers), ("activities", acts)):
        cli("import", kind, write_csv(tmp_path / f"{kind}.csv", rows), *KEYS_FOR[kind], expect=0)
    assert len(json.loads(cli("queue", "--as", "wsa", "--json", expect=0).stdout)) == 3
    cli("approve", "--all-queued", "--as", "wsa", "--on", "2015-05-01", expect=0)
    # W-A1: the required course goes to the city bureau, the elective one to the county
    at_city = json.loads(cli("queue", "--as", "wcy", "--json", expect=0).stdout)
    at_county = json.loads(cli("queue", "--as", "wca", "--json", expect=0).stdout)
    assert "req" in json.dumps(at_city) and "req" not in json.dumps(at_county)
    assert "ele" in json.dumps(at_county)
    for _ in range(3):
        for actor in ("wca", "wcy", "wpa"):
            cli("approve", "--all-queued", "--as", actor, "--on", "2015-06-01", expect=0)
    ev = json.loads(cli("status", "WT1", "--as-of", "2015-03-30", "--json", expect=0).stdout)
    assert sorted((e["activity"], e["rule"], e["credits"]) for e in ev["entries"]) == [
        ("ele", "W-C2", "26"), ("prov", "S-C1", "40"), ("req", "W-C1", "10")]
    assert ev["certificate"]["rule"] == "W-R1" and ev["certificate"]["eligible"] is True
    ev = json.loads(cli("status", "WT1", "--as-of", "2015-12-31", "--json", expect=0).stdout)
    assert cycle_req(ev, "S-R1")["required"] == "360" and ev["certificate"]["rule"] != "W-R1"


@pytest.mark.rule("W-T1")
def test_W_T1_a_move_between_weifang_and_dongying_keeps_the_credits():
    """S-R2 across the cut-over: each activity before the move is evaluated as its region did on its date."""
    teacher = {"id": "T-MOVE", "stage": "primary", "cycle_start": "2016-01-01", "moved_on": "2016-06-01",
               "previous_region": "weifang"}
    data = {"region": "dongying", "as_of": "2016-12-31", "teacher": teacher,
            "activities": [county("old", 60, "2015-03-30"), county("wf", 60, "2016-05-01"),
                           county("dy", 40, "2016-07-01")]}
    ev = evaluate(parse_case(data)).as_json()
    assert (entry(ev, "old")["rule"], credits(ev, "old")) == ("W-C2", 6)  # Weifang's scheme, before the cut-over
    assert (entry(ev, "wf")["rule"], credits(ev, "wf")) == ("S-C1", 60)  # the province's rules, in Weifang
    assert "moved_from_weifang" in entry(ev, "wf")["buckets"]
    assert (entry(ev, "dy")["rule"], credits(ev, "dy")) == ("S-C1", 40)
    back = {**teacher, "previous_region": "dongying", "cycle_start": "2011-01-01"}
    ev = case([county("d", 40, "2016-01-10"), county("w", 40, "2016-07-01")], as_of="2016-12-31", **back)
    assert "moved_from_dongying" in entry(ev, "d")["buckets"] and credits(ev, "w") == 40
    assert scheme_on("2015-03-30").rule == "W-T1"  # what "old" was earned under
