"""One test (at least) per Chifeng rule id, each breaking if its number or condition changes.

Digest: docs/rules/chifeng.md; text: docs/regulations/chifeng.txt.
The workflow rules (the 25% quota C-Q1, the approval routes C-A1…C-A4) run
through the real CLI against a real database in ``test_workflow.py``; the
stages themselves are checked here too.
"""
from __future__ import annotations

from decimal import Decimal as D

import pytest

from xuefen.errors import InputError
from xuefen.io.case import parse_case
from xuefen.regions import runtime
from tests.chifeng.helpers import (act, case, county, credits, cycle_req, entry, full_cycle, refusal, school,
                                   year_req)


def warnings(ev, rule, activity=None):
    return [w for w in ev["warnings"] if w["rule"] == rule and (activity is None or w.get("activity") == activity)]


# -- conversion: the two routes (第十条, 第十一条) ---------------------------------------------------


@pytest.mark.rule("C-C1")
def test_C_C1_required_one_credit_per_hour():
    ev = case([county("r", hours=32), county("odd", hours="7.5")])
    e = entry(ev, "r")
    assert (e["credits"], e["rule"], e["article"]) == ("32", "C-C1", "第十条")
    assert "required" in e["buckets"] and "elective" not in e["buckets"]
    assert e["hours"] is None  # the unit is credits (学分)
    assert entry(ev, "odd")["credits"] == "7.5"


@pytest.mark.parametrize("level", ["national", "provincial", "city", "county"])
@pytest.mark.rule("C-C1")
def test_C_C1_centralized_training_of_every_county_or_above_authority_is_required(level):
    ev = case([act("t", "training", level=level, delivery="centralized", hours=10)])
    assert (entry(ev, "t")["rule"], credits(ev, "t")) == ("C-C1", D(10))


@pytest.mark.parametrize("kind", ["new_teacher_training", "principal_training"])
@pytest.mark.rule("C-C1")
def test_C_C1_new_teacher_and_new_principal_training_are_required_whatever_the_flags(kind):
    ev = case([act("k", kind, level="county", hours=40, mandatory=False, self_selected=True)])
    e = entry(ev, "k")
    assert (e["rule"], e["credits"]) == ("C-C1", "40") and "required" in e["buckets"]
    assert warnings(ev, "C-C1", "k")  # the flags were overridden, and it says so


@pytest.mark.rule("C-C1")
def test_C_C1_route_by_organiser_and_form_not_the_teachers_choice():
    acts = [
        act("mand", "training", level="county", hours=10, mandatory=True),       # the flag states the route
        act("notm", "training", level="county", delivery="centralized", hours=10, mandatory=False),
        act("self", "training", level="county", delivery="centralized", hours=10, self_selected=True),
        act("onl", "training", level="national", delivery="online", hours=10),
        act("blend", "training", level="city", delivery="blended", hours=10),
        act("sch", "training", level="school", delivery="centralized", hours=10),
        act("unst", "training", level="city", hours=10),                          # delivery unstated
    ]
    ev = case(acts)
    rules = {a["id"]: entry(ev, a["id"])["rule"] for a in acts}
    assert rules == {"mand": "C-C1", "notm": "C-C2", "self": "C-C2", "onl": "C-C2", "blend": "C-C2",
                     "sch": "C-C2", "unst": "C-C1"}
    assert credits(ev, "mand") == D(10) and credits(ev, "notm") == D(5)
    # the unstated delivery is the setting's reading
    ev = case([act("unst", "training", level="city", hours=10)], settings={"unstated_delivery": "online"})
    assert (entry(ev, "unst")["rule"], credits(ev, "unst")) == ("C-C2", D(5))


@pytest.mark.rule("C-C1")
def test_C_C1_training_without_level_or_flag_is_refused_naming_the_field():
    r = refusal(case([act("t", "training", hours=10)]), "t")
    assert r["rule"] == "C-C1" and r["reason"].startswith("level:")
    # stating the route is enough
    assert credits(case([act("t", "training", hours=10, mandatory=True)]), "t") == D(10)


@pytest.mark.rule("C-C2")
def test_C_C2_elective_half_credit_per_hour():
    ev = case([school("sb", hours=7)])
    e = entry(ev, "sb")
    assert (e["credits"], e["rule"], e["article"]) == ("3.5", "C-C2", "第六条, 第十一条")
    assert "elective" in e["buckets"]
    assert D(e["credits"]) == D("3.5")  # exact: never 3.4999…
    assert entry(case([school("sb", hours=41)]), "sb")["credits"] == "20.5"
    assert entry(case([school("sb", hours="0.1")]), "sb")["credits"] == "0.05"


@pytest.mark.parametrize("kind", ["school_based", "degree_study", "research", "studio", "trainer",
                                  "volunteer_teaching", "other"])
@pytest.mark.rule("C-C2")
def test_C_C2_school_based_self_selected_and_conversions_are_elective(kind):
    ev = case([act("k", kind, level="county", hours=9)])
    assert (entry(ev, "k")["rule"], credits(ev, "k")) == ("C-C2", D("4.5"))


@pytest.mark.rule("C-C2")
def test_C_C2_mandatory_flag_does_not_make_a_conversion_required():
    ev = case([school("sb", hours=10, mandatory=True)])
    assert (entry(ev, "sb")["rule"], credits(ev, "sb")) == ("C-C2", D(5))
    assert warnings(ev, "C-C2", "sb")


@pytest.mark.rule("C-C2")
def test_C_C2_credits_come_from_hours_only():
    r = refusal(case([school("d", days=2)]), "d")
    assert r["rule"] == "C-C2" and r["reason"].startswith("hours:") and "days" in r["reason"]
    ev = case([county("c", hours=10, credits=99)])
    assert credits(ev, "c") == D(10) and warnings(ev, "C-C1", "c")


# -- assessment (第十九条) ----------------------------------------------------------------------------


@pytest.mark.rule("C-C3")
def test_C_C3_failed_assessment_earns_nothing():
    ev = case([county("f", hours=24, assessment="fail"), county("x", hours=24, assessment="excellent"),
               county("p", hours=24, assessment="pass"), school("sf", hours=10, assessment="fail")])
    for a in ("f", "sf"):
        r = refusal(ev, a)
        assert (r["rule"], r["article"]) == ("C-C3", "第十九条") and credits(ev, a) == D(0)
    assert credits(ev, "x") == credits(ev, "p") == D(24)  # excellent earns what pass earns
    # failed even where the route could not be decided
    assert refusal(case([act("n", "training", hours=5, assessment="fail")]), "n")["rule"] == "C-C3"


@pytest.mark.rule("C-C3")
def test_C_C3_no_assessment_earns_as_passed_by_setting():
    ev = case([school("sb", hours=10, assessment=None), school("ok", hours=10, assessment="pass")])
    assert refusal(ev, "sb")["rule"] == "C-C3" and credits(ev, "ok") == D(5)
    ev = case([school("sb", hours=10, assessment=None)], settings={"unassessed_earns": True})
    assert credits(ev, "sb") == D(5)


@pytest.mark.rule("C-C3")
def test_C_C3_score_without_assessment_is_flagged_not_graded():
    ev = case([county("s", hours=8, score=40, assessment=None)], settings={"unassessed_earns": True})
    assert credits(ev, "s") == D(8) and warnings(ev, "C-C3", "s")


# -- requirements (第4条, 第九条) ---------------------------------------------------------------------


@pytest.mark.rule("C-R1")
def test_C_R1_cycle_360_and_every_year_50():
    ev = case(full_cycle(), as_of="2024-12-31")  # 42 required + 30 elective a year: 72, 5 years: 360
    r = cycle_req(ev, "C-R1")
    assert (r["unit"], r["required"], r["counted"], r["met"], r["article"]) == ("credits", "360", "360", True, "第4条")
    assert ev["cycle"]["start"] == "2020-01-01" and ev["cycle"]["end"] == "2024-12-31"
    acts = full_cycle()
    acts[1]["hours"] = 59  # 0.5 credit short
    r = cycle_req(case(acts, as_of="2024-12-31"), "C-R1")
    assert (r["counted"], r["met"]) == ("359.5", False)
    # the year: 30 required + 40 hours elective = 50 exactly; half an hour less is short
    year = [county("r", hours=30), school("e", hours=40)]
    r = year_req(case(year), 2020, "C-R1")
    assert (r["required"], r["counted"], r["met"]) == ("50", "50", True)
    year[1]["hours"] = 39
    assert year_req(case(year), 2020, "C-R1")["met"] is False


@pytest.mark.rule("C-R2")
def test_C_R2_required_30_elective_20_a_year_checked_separately():
    ev = case([county("r", hours=30), school("e", hours=40)])
    req = year_req(ev, 2020, "C-R2", "annual required credits")
    ele = year_req(ev, 2020, "C-R2", "annual elective credits")
    assert (req["required"], req["counted"], req["met"], req["article"]) == ("30", "30", True, "第九条")
    assert (ele["required"], ele["counted"], ele["met"]) == ("20", "20", True)
    # 80 required credits meet the year's 50 but not its elective 20: the buckets do not mix
    ev = case([county("r", hours=80)])
    assert year_req(ev, 2020, "C-R1")["met"] is True
    assert year_req(ev, 2020, "C-R2", "annual required credits")["met"] is True
    ele = year_req(ev, 2020, "C-R2", "annual elective credits")
    assert (ele["counted"], ele["met"]) == ("0", False)
    # nor the other way round: 200 elective hours (100 credits) and 29 required
    ev = case([county("r", hours=29), school("e", hours=200)])
    assert year_req(ev, 2020, "C-R2", "annual required credits")["met"] is False
    # the first C-R2 of a year is the required one (what a checker finding "C-R2" reads)
    assert year_req(ev, 2020, "C-R2")["label"] == "annual required credits"


@pytest.mark.rule("C-R2")
def test_C_R2_cycle_210_required_and_150_elective():
    ev = case(full_cycle(), as_of="2024-12-31")
    req = cycle_req(ev, "C-R2", "cycle required credits")
    ele = cycle_req(ev, "C-R2", "cycle elective credits")
    assert (req["required"], req["counted"], req["met"]) == ("210", "210", True)
    assert (ele["required"], ele["counted"], ele["met"]) == ("150", "150", True)
    assert ev["cycle"]["met"] is True
    # 400 required credits alone: 360 met, the elective 150 is not, so the cycle is not
    acts = [county(f"r{y}", f"{y}-04-01", hours=80) for y in range(2020, 2025)]
    ev = case(acts, as_of="2024-12-31")
    assert cycle_req(ev, "C-R1")["met"] is True
    assert cycle_req(ev, "C-R2", "cycle elective credits")["met"] is False
    assert ev["cycle"]["met"] is False
    acts = full_cycle()
    acts[0]["hours"] = 41  # one required credit short: 209 (the total stays at 359 too)
    assert cycle_req(case(acts, as_of="2024-12-31"), "C-R2", "cycle required credits")["met"] is False


@pytest.mark.rule("C-R3")
def test_C_R3_new_principal_training_half_counts_towards_the_cycle_and_is_shown():
    acts = [act("p", "principal_training", "2020-06-01", level="city", delivery="centralized", hours=200),
            county("r", hours=30), school("e", hours=40)]
    ev = case(acts, principal_since="2020-03-01")
    e = entry(ev, "p")
    assert (e["credits"], e["rule"]) == ("200", "C-C1") and "C-R3" in e["note"]  # all of it in the record
    c1 = cycle_req(ev, "C-R1")
    assert (c1["earned"], c1["counted"]) == ("150", "150")  # 100 of the 200, + 30 + 20
    assert any("50% of 200 counted (C-R3)" in n for n in c1["notes"])
    assert cycle_req(ev, "C-R2", "cycle required credits")["counted"] == "130"
    # not towards the year's 50/30 (the text names only the cycle)
    y1 = year_req(ev, 2020, "C-R1")
    assert y1["counted"] == "50" and any("200 not counted (C-R3)" in n for n in y1["notes"])
    assert year_req(ev, 2020, "C-R2")["counted"] == "30"
    # the setting counts it at 50% in the year too
    ev2 = case(acts, principal_since="2020-03-01", settings={"principal_counts_annually": True})
    assert year_req(ev2, 2020, "C-R1")["counted"] == "150"


@pytest.mark.rule("C-R3")
def test_C_R3_new_principal_needs_300_of_which_100_centralized():
    p1 = act("p1", "principal_training", "2020-06-01", level="city", delivery="centralized", hours=100)
    p2 = act("p2", "principal_training", "2020-09-01", level="city", delivery="online", hours=200)
    ev = case([p1, p2], principal_since="2020-03-01")
    total = cycle_req(ev, "C-R3", "qualification training")
    central = cycle_req(ev, "C-R3", "qualification training, centralized")
    assert (total["required"], total["counted"], total["met"], total["article"]) == ("300", "300", True, "第5条")
    assert (central["required"], central["counted"], central["met"]) == ("100", "100", True)
    ev = case([dict(p1, hours=99), dict(p2, hours=201)], principal_since="2020-03-01")
    assert cycle_req(ev, "C-R3", "qualification training")["met"] is True
    assert cycle_req(ev, "C-R3", "qualification training, centralized")["met"] is False
    ev = case([p1, dict(p2, hours=199)], principal_since="2020-03-01")
    assert cycle_req(ev, "C-R3", "qualification training")["met"] is False
    # no new principal in this cycle: no C-R3 minimum
    assert cycle_req(case([p1]), "C-R3") is None


@pytest.mark.rule("C-R4")
def test_C_R4_new_teacher_training_counts_nowhere_but_is_shown():
    nt = act("n", "new_teacher_training", "2020-10-01", level="county", delivery="centralized", hours=120)
    ev = case([nt, county("r", "2020-11-01", hours=30)], hired_on="2020-09-01", cycle_start="2020-09-01")
    e = entry(ev, "n")
    assert (e["credits"], e["rule"]) == ("120", "C-C1") and "C-R4" in e["note"]  # in the record
    assert year_req(ev, 2020, "C-R1")["counted"] == "30"
    assert year_req(ev, 2020, "C-R2")["counted"] == "30"
    c1 = cycle_req(ev, "C-R1")
    assert c1["counted"] == "30" and any("120 not counted (C-R4)" in n for n in c1["notes"])
    assert cycle_req(ev, "C-R2", "cycle required credits")["counted"] == "30"
    r4 = cycle_req(ev, "C-R4")
    assert (r4["required"], r4["counted"], r4["met"], r4["article"]) == ("120", "120", True, "第5条")
    ev = case([dict(nt, hours=119)], hired_on="2020-09-01", cycle_start="2020-09-01")
    assert cycle_req(ev, "C-R4")["met"] is False
    assert cycle_req(case([county("r", hours=30)]), "C-R4") is None  # hired long before the cycle


@pytest.mark.rule("C-R5")
def test_C_R5_training_assessment_passes_when_every_year_and_the_cycle_are_met():
    ev = case(full_cycle(), as_of="2024-12-31")
    cert = ev["certificate"]
    assert (cert["eligible"], cert["rule"], cert["article"]) == (True, "C-R5", "第二十条")
    # the cycle's totals met, but 2021 short of its elective 20 (made up in 2022): not passed
    acts = full_cycle()
    acts[3]["hours"] = 30
    acts[5]["hours"] = 90
    ev = case(acts, as_of="2024-12-31")
    assert all(r["met"] for r in ev["cycle"]["requirements"])  # the cycle's own rows are met …
    # … but the cycle is met only when what the certificate rule requires is (issue 13)
    assert (ev["cycle"]["met"], ev["cycle"]["status"], ev["cycle"]["status_rule"]) == (False, "short", "C-R5")
    assert ev["certificate"]["eligible"] is False and "2021" in ev["certificate"]["reason"]
    ev = case(acts, as_of="2024-12-31", settings={"certificate_needs_every_year": False})
    assert ev["certificate"]["eligible"] is True


# -- scope (第二条, 第三条) ---------------------------------------------------------------------------


@pytest.mark.rule("C-S1")
def test_C_S1_vocational_teacher_is_refused_with_a_clear_reason():
    ev = case([county("r", hours=30), school("e", hours=10)], stage="vocational")
    for a in ("r", "e"):
        r = refusal(ev, a)
        assert (r["rule"], r["article"]) == ("C-S1", "第二条")
        assert "vocational" in r["reason"] and "中职" in r["reason"]
    assert ev["entries"] == [] and ev["years"] == [] and ev["cycle"] is None  # no cycle to call "met"
    assert ev["certificate"]["eligible"] is False and ev["certificate"]["rule"] == "C-S1"


@pytest.mark.parametrize("stage", ["kindergarten", "primary", "junior", "senior", "special", "institution"])
@pytest.mark.rule("C-S1")
def test_C_S1_every_other_stage_is_in_scope(stage):
    assert credits(case([county("r", hours=30)], stage=stage), "r") == D(30)
    assert refusal(case([county("r", hours=30)], stage="vocational"), "r")["rule"] == "C-S1"  # the line it draws


@pytest.mark.rule("C-S2")
def test_C_S2_activity_no_authority_approved_earns_nothing():
    r = refusal(case([county("u", hours=30, approved_by_authority=False)]), "u")
    assert (r["rule"], r["article"]) == ("C-S2", "第三条")


# -- the one-vote veto (第二十一条) ----------------------------------------------------------------


@pytest.mark.rule("C-V1")
def test_C_V1_failed_training_or_breach_flags_the_year_whatever_the_credits():
    acts = full_cycle()
    acts.append(county("f", "2022-06-01", hours=8, assessment="fail"))
    acts.append(county("b", "2023-06-01", hours=8, disciplinary_breach=True))
    ev = case(acts, as_of="2024-12-31")
    flags = {f["activity"]: f for f in ev["flags"]}
    assert set(flags) == {"f", "b"}
    assert (flags["f"]["rule"], flags["f"]["article"], flags["f"]["kind"], flags["f"]["year"]) == \
        ("C-V1", "第二十一条", "veto", 2022)
    assert flags["b"]["year"] == 2023 and "disciplinary" in flags["b"]["message"]
    assert credits(ev, "b") == D(8)  # the breach does not take its credits; it fails the year
    assert all(r["met"] for r in ev["cycle"]["requirements"])  # the credits are met …
    assert ev["certificate"]["eligible"] is False  # … and the veto fails the assessment anyway
    assert "C-V1" in ev["certificate"]["reason"]
    year = {y["year"]: y for y in ev["years"]}  # the veto shows on the year's status (issue 13)
    assert (year[2022]["status"], year[2022]["status_rule"], year[2022]["met"]) == ("short", "C-V1", False)
    assert all(r["met"] for r in year[2022]["requirements"])
    assert ev["cycle"]["status"] == "short" and ev["cycle"]["met"] is False
    ev = case(acts, as_of="2024-12-31", settings={"veto_blocks_certificate": False,
                                                  "certificate_needs_every_year": False})
    assert ev["certificate"]["eligible"] is True and len(ev["flags"]) == 2
    assert {y["year"]: y["status"] for y in ev["years"]}[2022] == "met"  # only flagged


@pytest.mark.rule("C-V1")
def test_C_V1_bad_breach_value_is_an_input_error_naming_activity_and_field():
    with pytest.raises(InputError, match="activity 'b': disciplinary_breach"):
        case([county("b", hours=8, disciplinary_breach="perhaps")])
    ev = case([county("b", hours=8, disciplinary_breach=True)])  # the field the veto reads
    assert [(f["rule"], f["activity"]) for f in ev["flags"]] == [("C-V1", "b")]


# -- structure: levels and dimensions (第七条) -------------------------------------------------------


@pytest.mark.rule("C-L1")
def test_C_L1_entries_carry_level_and_dimension_for_reports():
    ev = case([county("k", hours=8, module="专业知识"), school("a", hours=8, module="ability"),
               county("e", hours=8, module="政治素质和职业道德"), county("x", hours=8, module="sports")])
    assert {"level:county", "dimension:knowledge"} <= set(entry(ev, "k")["buckets"])
    assert {"level:school", "dimension:ability"} <= set(entry(ev, "a")["buckets"])
    assert "dimension:ethics" in entry(ev, "e")["buckets"]
    assert not [b for b in entry(ev, "x")["buckets"] if b.startswith("dimension:")]
    w = warnings(ev, "C-L1", "x")
    assert w and w[0]["article"] == "第七条"


@pytest.mark.rule("C-L1")
def test_C_L1_three_dimensions_five_levels():
    from xuefen_chifeng.rules import RULES
    v = RULES["C-L1"].values
    assert v["levels"] == ("national", "provincial", "city", "county", "school")
    assert set(v["dimensions"]) == {"ethics", "knowledge", "ability"}
    assert {"政治素质和职业道德", "专业知识", "专业能力"} <= {n for names in v["dimensions"].values() for n in names}


# -- in force (第二十三条) -----------------------------------------------------------------------


@pytest.mark.rule("C-T1")
def test_C_T1_in_force_date_is_a_setting():
    acts = [county("old", "2019-12-31", hours=10), county("new", "2020-01-01", hours=10)]
    ev = case(acts)
    assert credits(ev, "old") == D(10)  # unset: every date
    ev = case(acts, settings={"in_force": "2020-01-01"})
    assert refusal(ev, "old")["rule"] == "C-T1" and credits(ev, "new") == D(10)
    with pytest.raises(InputError, match="in_force"):
        case(acts, settings={"in_force": "soon"})


# -- approval routes (第十条, 第十一条, 第十二条, 第十五条) ------------------------------------------------


def _stages(activity=None, purpose="activity", **settings):
    rt = runtime("chifeng", settings)
    a = None
    if activity is not None:
        a = parse_case({"region": "chifeng", "as_of": "2020-12-31",
                        "teacher": {"id": "t", "stage": "junior"}, "activities": [activity]}).activities[0]
    return [(s.name, s.role, s.level, s.rule, s.records_assessment)
            for s in rt.hook.xuefen_approval_stages(activity=a, teacher=None, settings=rt.settings,
                                                    purpose=purpose)]


@pytest.mark.rule("C-A1")
def test_C_A1_required_course_recognised_by_the_implementing_authority():
    assert _stages(county("r", hours=8)) == [("authority_recognition", "county_admin", "county", "C-A1", True)]
    assert _stages(act("c", "training", level="city", delivery="centralized", hours=8)) == [
        ("authority_recognition", "city_admin", "city", "C-A1", True)]
    # an autonomous-region or national course: the province is the authority in the org tree
    assert _stages(act("n", "training", level="national", delivery="centralized", hours=8))[0][1] == \
        "province_admin"
    assert _stages(act("p", "principal_training", level="city", hours=8))[0][1] == "city_admin"


@pytest.mark.rule("C-A2")
def test_C_A2_elective_entered_by_the_school_confirmed_by_the_county():
    expected = [("school_entry", "school_admin", "school", "C-A2", True),
                ("county_confirmation", "county_admin", "county", "C-A2", False)]
    assert _stages(school("e", hours=8)) == expected
    assert _stages(act("s", "training", level="county", delivery="online", self_selected=True, hours=8)) == expected


@pytest.mark.rule("C-A3")
def test_C_A3_specially_assigned_work_entered_by_the_assigning_authority():
    assert _stages(act("v", "volunteer_teaching", level="county", hours=8, assigned_by="city")) == [
        ("authority_entry", "city_admin", "city", "C-A3", True),
        ("authority_confirmation", "city_admin", "city", "C-A3", False)]
    with pytest.raises(InputError, match="activity 'v': assigned_by"):
        _stages(act("v", "volunteer_teaching", level="county", hours=8, assigned_by="school"))


@pytest.mark.rule("C-A4")
def test_C_A4_cycle_declared_by_the_school_verified_by_the_county():
    assert _stages(purpose="cycle") == [("school_declared", "school_admin", "school", "C-A4", False),
                                        ("county_verified", "county_admin", "county", "C-A4", False)]


@pytest.mark.rule("C-Q1")
def test_C_Q1_quota_is_a_quarter_of_the_cohort_graded_excellent():
    rt = runtime("chifeng")
    limit = rt.hook.xuefen_cohort_limit(activity=None, settings=rt.settings)
    assert (limit.rule, limit.article, limit.share, limit.assessment) == ("C-Q1", "第十九条", D("0.25"), "excellent")
