"""Shandong (山东省): one test (at least) per S- rule id, each breaking if its number or condition changes.

Digest: docs/rules/shandong.md; text: docs/regulations/shandong-2015-and-others.txt, fourth part
(鲁教师发〔2015〕3号). Ids S-D1 (dates in force) and S-A1 (approval) are ours.
"""
from __future__ import annotations

import json
import subprocess
import sys
from decimal import Decimal as D

import pytest

from xuefen.errors import InputError
from xuefen.regions import runtime
from tests.conftest import SHARED, XUEFEN, run_exe, write_case
from tests.shandong.helpers import (act, amount, case, county, cycle_req, entry, full_cycle, load_registry, refusal,
                                    school, warnings, year_req)



# -- requirements -----------------------------------------------------------------


@pytest.mark.rule("S-R1")
def test_S_R1_every_year_at_least_48_credits():
    ev = case([county("a", hours=48)])
    r = year_req(ev, 2017, "S-R1")
    assert (r["unit"], r["required"], r["counted"], r["met"], r["article"]) == ("credits", "48", "48", True, "第六条")
    assert year_req(case([county("a", hours="47.5")]), 2017, "S-R1")["met"] is False
    hired = case([county("a", hours=48)], hired_on="2017-09-01")
    assert year_req(hired, 2016, "S-R1") is None  # not yet teaching in 2016
    assert year_req(hired, 2017, "S-R1")["met"] is True


@pytest.mark.rule("S-R1")
def test_S_R1_cycle_of_five_years_at_least_360_credits():
    acts = full_cycle(2016, 72)
    acts[-1]["date"] = "2020-03-01"  # the rules expire on 2020-03-30
    ev = case(acts, as_of="2020-12-31")
    assert (ev["cycle"]["start"], ev["cycle"]["end"]) == ("2016-01-01", "2020-12-31")
    r = cycle_req(ev, "S-R1")
    assert (r["required"], r["counted"], r["met"]) == ("360", "360", True)
    assert ev["cycle"]["met"] is True
    acts[0]["hours"] = 71
    assert cycle_req(case(acts, as_of="2020-12-31"), "S-R1")["met"] is False


@pytest.mark.rule("S-R2")
def test_S_R2_a_teacher_moving_between_shandong_cities_keeps_credits():
    # earned in Dongying (volunteer teaching counts double there, D-C1) before moving to a province-rules city
    acts = [act("v", "volunteer_teaching", "2016-05-10", level="county", hours=10), county("c", hours=40)]
    ev = case(acts, moved_on="2017-01-01", previous_region="dongying")
    e = entry(ev, "v")
    assert (e["rule"], e["credits"]) == ("D-C1", "20")
    assert "moved_from_dongying" in e["buckets"]
    # after the move the province's rules decide: volunteer teaching is not in its registration scope
    ev = case([act("v2", "volunteer_teaching", "2017-05-10", level="county", hours=10)],
              moved_on="2017-01-01", previous_region="dongying")
    assert refusal(ev, "v2")["rule"] == "S-C6"
    # the province's cities only: what was earned outside Shandong stays there
    assert refusal(case(acts, moved_on="2017-01-01", previous_region="kunming"), "v")["rule"] == "S-R2"


@pytest.mark.rule("S-R2")
def test_S_R2_credits_are_valid_across_shandong_only():
    ev = case([county("k", "2016-05-10", hours=10)], moved_on="2017-01-01", previous_region="kunming")
    r = refusal(ev, "k")
    assert r["rule"] == "S-R2" and "across Shandong only" in r["reason"]


@pytest.mark.rule("S-R2")
def test_S_R2_unknown_previous_region_is_a_clear_error():
    with pytest.raises(InputError, match="previous_region: unknown region 'atlantis'"):
        case([county("k", "2016-05-10")], moved_on="2017-01-01", previous_region="atlantis")
    with pytest.raises(InputError, match="moved_on"):
        case([county("k", "2016-05-10")], moved_on="yesterday")
    ev = case([county("k", "2016-05-10")], moved_on="2017-01-01", previous_region="kunming")  # a known one
    assert refusal(ev, "k")["rule"] == "S-R2"


@pytest.mark.rule("S-R3")
def test_S_R3_240_all_staff_and_60_face_to_face_a_warning_never_a_failure():
    ev = case([county("a", hours=48, delivery="online")])
    low = cycle_req(ev, "S-R3", "all-staff")
    assert (low["required"], low["counted"], low["met"], low["severity"]) == ("240", "48", False, "warning")
    f2f = cycle_req(ev, "S-R3", "face-to-face")
    assert (f2f["required"], f2f["counted"]) == ("60", "0")
    assert len(warnings(ev, "S-R3")) == 2
    acts = [county(f"y{y}", f"{y}-05-10", hours=48, face_to_face=True) for y in range(2016, 2021)]
    acts[-1]["date"] = "2020-03-01"
    ev = case(acts, as_of="2020-12-31")
    assert cycle_req(ev, "S-R3", "all-staff")["met"] is True  # 240 exactly
    assert cycle_req(ev, "S-R3", "face-to-face")["met"] is True
    acts[0]["hours"] = 47
    ev = case(acts, as_of="2020-12-31")
    assert cycle_req(ev, "S-R3", "all-staff")["met"] is False
    assert ev["cycle"]["met"] is False  # 359 < 360 (S-R1), not S-R3's doing
    assert [r["rule"] for r in ev["cycle"]["requirements"] if not r["met"] and "severity" not in r] == ["S-R1"]


@pytest.mark.rule("S-R4")
def test_S_R4_public_subjects_over_a_third_is_a_warning_and_nothing_is_cut():
    at = case([county("p", hours=30, public_subject=True), county("o", hours=60)])
    r = cycle_req(at, "S-R4")
    assert (r["maximum"], r["counted"], r["met"], r["severity"]) == ("30", "30", True, "warning")
    assert not warnings(at, "S-R4")
    over = case([county("p", hours=31, public_subject=True), county("o", hours=60)])
    r = cycle_req(over, "S-R4")
    assert (r["maximum"], r["met"]) == ("30.33", False)
    assert len(warnings(over, "S-R4")) == 1
    assert amount(over, "p") == D(31)  # never a cut
    assert year_req(over, 2017, "S-R1")["counted"] == "91"


@pytest.mark.rule("S-R5")
def test_S_R5_class_teachers_need_30_hours_of_class_teacher_training():
    acts = [act("ct", "class_teacher_training", level="county", hours=30, assessment="pass")]
    ev = case(acts, class_teacher=True)
    r = cycle_req(ev, "S-R5")
    assert (r["unit"], r["required"], r["counted"], r["met"], r["article"]) == ("hours", "30", "30", True, "第十六条")
    assert amount(ev, "ct") == D(30)  # the hours earn credits by S-C1
    acts[0]["hours"] = 29
    assert cycle_req(case(acts, class_teacher=True), "S-R5")["met"] is False
    assert cycle_req(case(acts), "S-R5") is None  # not a class teacher


@pytest.mark.rule("S-R6")
def test_S_R6_credits_short_make_the_certificate_not_eligible():
    acts = full_cycle(2016, 72)
    acts[-1]["date"] = "2020-03-01"
    ev = case(acts, as_of="2020-12-31")
    cert = ev["certificate"]
    assert (cert["eligible"], cert["rule"], cert["article"]) == (True, "S-R6", "第二十五条")
    acts[1]["hours"] = 47  # 2017 short of 48 (and the cycle of 360)
    cert = case(acts, as_of="2020-12-31")["certificate"]
    assert cert["eligible"] is False
    assert "registration deferred" in cert["reason"] and "47 of 48" in cert["reason"]


# -- conversion ---------------------------------------------------------------------


@pytest.mark.rule("S-C1")
def test_S_C1_one_hour_is_one_credit_unless_the_project_states_a_rate():
    ev = case([county("a", hours=40), county("b", hours=10, rate="0.5"),
               act("c", level="provincial", credits=12, assessment="pass")])
    assert (entry(ev, "a")["credits"], entry(ev, "a")["rule"], entry(ev, "a")["article"]) == ("40", "S-C1", "第十四条")
    assert amount(ev, "b") == D(5)
    assert amount(ev, "c") == D(12)


@pytest.mark.rule("S-C1")
def test_S_C1_training_not_passed_or_without_hours_earns_nothing():
    ev = case([county("f", assessment="fail"), act("n", level="county", assessment="pass")])
    assert refusal(ev, "f")["rule"] == "S-C1"
    assert "hours required" in refusal(ev, "n")["reason"]


@pytest.mark.rule("S-C2")
def test_S_C2_degree_study_72_per_academic_year_never_twice():
    acts = [act("d1", "degree_study", "2017-03-10", program_id="P", degree_level="master"),
            act("d2", "degree_study", "2017-06-20", program_id="P", degree_level="master"),
            act("d3", "degree_study", "2017-10-10", program_id="P", degree_level="master")]
    ev = case(acts, as_of="2018-12-31")
    e1 = entry(ev, "d1")
    assert (e1["credits"], e1["rule"], e1["year"]) == ("72", "S-C2", 2017)  # academic year 2016-2017
    r = refusal(ev, "d2")
    assert r["rule"] == "S-C2" and "never twice" in r["reason"]
    assert entry(ev, "d3")["year"] == 2018  # academic year 2017-2018 ends in 2018
    other = case(acts, as_of="2018-12-31", settings={"degree_year": "activity_date"})
    assert entry(other, "d3")["year"] == 2017  # the other reading, a named setting
    assert refusal(other, "d2")["rule"] == "S-C2"


@pytest.mark.rule("S-C2")
def test_S_C2_degree_study_needs_passing_grades_and_the_national_series():
    ev = case([act("f", "degree_study", assessment="fail"), act("n", "degree_study", national_series=False),
               act("c", "degree_study", compensatory=True)])
    assert refusal(ev, "f")["rule"] == "S-C2"
    assert refusal(ev, "c")["rule"] == "S-C2"
    assert refusal(ev, "n")["rule"] == "S-C6"


@pytest.mark.rule("S-C3")
def test_S_C3_probation_training_of_120_hours_earns_72_once():
    ev = case([act("p", "new_teacher_training", "2017-03-01", level="county", hours=120, assessment="pass"),
               act("q", "new_teacher_training", "2017-09-01", level="county", hours=120, assessment="pass")],
              hired_on="2016-09-01")
    assert (entry(ev, "p")["credits"], entry(ev, "p")["rule"]) == ("72", "S-C3")
    assert "once" in refusal(ev, "q")["reason"]
    short = case([act("p", "new_teacher_training", level="county", hours="119.5", assessment="pass")])
    assert refusal(short, "p")["rule"] == "S-C3"


@pytest.mark.rule("S-C4")
def test_S_C4_lecturers_in_county_or_above_training_earn_twice_the_hours():
    ev = case([act("l", "trainer", level="county", hours=6, role="lecturer"),
               act("s", "trainer", level="school", hours=6, role="lecturer"),
               act("m", "trainer", level="county", hours=6, role="mentor")])
    assert (entry(ev, "l")["credits"], entry(ev, "l")["rule"], entry(ev, "l")["article"]) == ("12", "S-C4",
                                                                                              "第十七条")
    assert refusal(ev, "s")["rule"] == "S-C4"
    assert refusal(ev, "m")["rule"] == "S-C6"  # 师徒结对 mentoring is not S-C4


@pytest.mark.rule("S-C5")
def test_S_C5_school_based_and_self_study_capped_at_120_per_cycle():
    at = case([school("a", credits=100), school("b", "2017-07-01", credits=20), county("c", hours=48)])
    cap = cycle_req(at, "S-C5")
    assert (cap["maximum"], cap["earned"], cap["counted"]) == ("120", "120", "120")
    assert cycle_req(at, "S-R1")["counted"] == "168"
    over = case([school("a", credits=100), school("b", "2017-07-01", credits=30), county("c", hours=48)])
    cap = cycle_req(over, "S-C5")
    assert (cap["earned"], cap["counted"]) == ("130", "120")
    assert cycle_req(over, "S-R1")["counted"] == "168"  # the excess does not count
    assert amount(over, "b") == D(30)  # the entry keeps what it earned


@pytest.mark.rule("S-C5")
def test_S_C5_the_school_rate_defaults_to_one_credit_per_hour_a_named_setting():
    ev = case([school("a", hours=10)])
    assert (entry(ev, "a")["credits"], entry(ev, "a")["rule"]) == ("10", "S-C5")
    assert amount(case([school("a", hours=10)], settings={"school_based_rate": "0.5"}), "a") == D(5)
    assert runtime("shandong").setting_specs["school_based_rate"].rule == "S-C5"


@pytest.mark.rule("S-C6")
def test_S_C6_other_kinds_refused_unless_school_recognised_self_study():
    ev = case([act("r", "research", hours=10), act("p", "publication", school_recognised=True, credits=4),
               act("u", "training", hours=10, approved_by_authority=False)])
    r = refusal(ev, "r")
    assert (r["rule"], r["article"]) == ("S-C6", "第十三条")
    e = entry(ev, "p")
    assert (e["rule"], e["credits"]) == ("S-C5", "4") and "self_study" in e["buckets"]
    assert refusal(ev, "u")["rule"] == "S-C6"


@pytest.mark.rule("S-C6")
def test_S_C6_a_bad_flag_value_names_the_activity_and_field():
    with pytest.raises(InputError, match="activity 'p': school_recognised"):
        case([act("p", "publication", school_recognised="perhaps")])
    assert refusal(case([act("p", "publication", school_recognised=False)]), "p")["rule"] == "S-C6"


# -- leave, falsification, dates, approval -------------------------------------------


@pytest.mark.rule("S-L1")
def test_S_L1_leave_shortfall_made_up_later_in_the_cycle():
    acts = [county("a", "2016-05-10", hours=20), county("b", "2017-05-10", hours=60),
            county("c", "2018-05-10", hours=64)]
    leave = [{"from": "2016-03-01", "to": "2016-09-30", "kind": "maternity"}]
    ev = case(acts, as_of="2018-12-31", leave=leave)
    r = year_req(ev, 2016, "S-R1")
    assert r["met"] is True and any("S-L1 第二十一条" in n for n in r["notes"])  # 12 + 16 over 48 make up 28
    assert year_req(case(acts, as_of="2018-12-31"), 2016, "S-R1")["met"] is False  # no leave: no make-up
    acts[2]["hours"] = 63  # one credit short of the make-up
    ev = case(acts, as_of="2018-12-31", leave=leave)
    assert year_req(ev, 2016, "S-R1")["met"] is False
    assert warnings(ev, "S-L1")


@pytest.mark.rule("S-L1")
def test_S_L1_make_up_period_is_a_named_setting():
    acts = [county("a", "2016-05-10", hours=20), county("b", "2017-05-10", hours=48),
            county("c", "2018-05-10", hours=76)]
    leave = [{"from": "2016-03-01", "to": "2016-09-30", "kind": "sick"}]
    assert year_req(case(acts, as_of="2018-12-31", leave=leave), 2016, "S-R1")["met"] is True
    ev = case(acts, as_of="2018-12-31", leave=leave, settings={"leave_makeup": "next_year"})
    assert year_req(ev, 2016, "S-R1")["met"] is False
    with pytest.raises(InputError, match="leave_makeup"):
        case(acts, settings={"leave_makeup": "forever"})


@pytest.mark.rule("S-F1")
def test_S_F1_falsified_credits_are_cancelled():
    ev = case([county("a", hours=40, falsified=True), county("b", hours=8)])
    r = refusal(ev, "a")
    assert (r["rule"], r["article"]) == ("S-F1", "第二十三条")
    assert year_req(ev, 2017, "S-R1")["counted"] == "8"
    assert [f["kind"] for f in ev["flags"] if f["rule"] == "S-F1"] == ["integrity"]


@pytest.mark.rule("S-D1")
def test_S_D1_in_force_2015_03_31_to_2020_03_30_outside_refused_with_the_reason():
    acts = [county("before", "2015-03-30"), county("first", "2015-03-31"), county("last", "2020-03-30"),
            county("after", "2020-03-31")]
    ev = case(acts, as_of="2020-12-31", cycle_start="2015-01-01")
    assert amount(ev, "first") == D(48) and amount(ev, "last") == D(48)
    for a in ("before", "after"):
        r = refusal(ev, a)
        assert r["rule"] == "S-D1" and "no installed rule set of shandong was in force" in r["reason"]
        assert "2015-03-31 to 2020-03-30" in r["reason"]


@pytest.mark.rule("S-A1")
def test_S_A1_approval_teacher_then_school_computes_then_authority_recognises():
    rt = runtime("shandong")
    stages = rt.hook.xuefen_approval_stages(activity=None, teacher=None, settings=rt.settings, purpose="activity")
    assert [(s.role, s.level, s.rule) for s in stages] == [("school_admin", "school", "S-A1"),
                                                          ("county_admin", "county", "S-A1")]
    assert stages[0].records_assessment is True


@pytest.mark.rule("S-A1")
def test_S_A1_a_claim_goes_school_then_authority_through_the_cli(cli, tmp_path):
    load_registry(cli, tmp_path, region="shandong")
    claims = json.loads(cli("claims", "--teacher", "T-SD-1", "--json", expect=0).stdout)
    assert [(c["state"], c["stages"]) for c in claims] == [("school_registration",
                                                            ["school_registration", "authority_recognition"])]
    assert json.loads(cli("queue", "--as", "ca", "--json", expect=0).stdout) == []  # the school acts first
    cid = claims[0]["claim"]
    cli("approve", cid, "--as", "ca", "--on", "2017-06-01", expect=3)
    out = json.loads(cli("approve", cid, "--as", "sa1", "--on", "2017-06-01", "--json", expect=0).stdout)
    assert out["after"] == "authority_recognition" and out["entries"] == []
    out = json.loads(cli("approve", cid, "--as", "ca", "--on", "2017-06-02", "--json", expect=0).stdout)
    assert out["after"] == "approved"
    assert [(e["credits"], e["rule"], e["article"]) for e in out["entries"]] == [("40", "S-C1", "第十四条")]


# -- the worked example and the command line -----------------------------------------


def test_shandong_example_passes():
    tool = SHARED / "tools" / "check-examples.py"
    p = subprocess.run([sys.executable, str(tool), XUEFEN, "shandong"], capture_output=True, text=True)
    assert p.returncode == 0, p.stdout + p.stderr
    assert "1/1 examples pass" in p.stdout


def test_evaluate_cli_on_a_shandong_case(tmp_path):
    data = {"region": "shandong", "as_of": "2017-12-31",
            "teacher": {"id": "T-SD-CLI", "stage": "primary", "cycle_start": "2016-01-01"},
            "activities": [county("a", hours=50), act("b", "research", hours=3)]}
    p = run_exe("evaluate", write_case(tmp_path, data), "--json")
    assert p.returncode == 0, p.stderr
    out = json.loads(p.stdout)
    assert year_req(out, 2017, "S-R1")["counted"] == "50"
    assert refusal(out, "b")["rule"] == "S-C6"


def test_rules_cli_lists_every_S_rule_with_its_article():
    p = run_exe("rules", "shandong", "--json")
    assert p.returncode == 0, p.stderr
    rows = {r["id"]: r for r in json.loads(p.stdout)}
    assert {f"S-R{i}" for i in range(1, 7)} | {f"S-C{i}" for i in range(1, 7)} | {"S-L1", "S-F1"} <= set(rows)
    assert rows["S-C2"]["values"]["credits_per_year"] == "72" and rows["S-C2"]["article"] == "第十五条"


def test_demo_rows_state_hours_inside_the_dates_in_force_and_are_deterministic():
    rt, dy = runtime("shandong"), runtime("dongying")
    data = rt.hook.xuefen_demo_data(seed=7)
    assert data == rt.hook.xuefen_demo_data(seed=7)
    assert data["year"] == 2018 and {o["region"] for o in data["orgs"]} == {"shandong"}
    assert all("days" not in a and "events" not in a for a in data["activities"])
    assert all("2015-03-31" <= a["date"] <= "2020-03-30" for a in data["activities"])
    assert {o["region"] for o in dy.hook.xuefen_demo_data(seed=7)["orgs"]} == {"dongying"}
