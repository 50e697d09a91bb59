"""Dongying (东营市): one test (at least) per D- rule id, and inheritance from ``shandong``.

Digest: docs/rules/shandong.md (Dongying); text: docs/regulations/shandong-2015-and-others.txt,
fifth part (2015-12-04). Dongying states only its differences; everything else is the province's, cited with
Dongying's own article where it restates the rule. D-D1 (dates in force) is ours.
"""
from __future__ import annotations

import json
from decimal import Decimal as D

import pytest

from xuefen import regions
from xuefen.errors import InputError
from xuefen.evaluate import evaluate
from xuefen.io.case import parse_case
from xuefen.regions import runtime
from xuefen.rules import rule_rows
from tests.conftest import run_exe
from tests.shandong.helpers import (act, amount, case, county, cycle_req, entry, load_registry, refusal, school,
                                    warnings, year_req)


def dy(activities, **kw):
    return case(activities, region="dongying", **kw)


# -- inheritance -----------------------------------------------------------------------


def test_dongying_is_a_child_of_shandong_answering_after_it():
    assert [rp.code for rp in regions.chain("dongying")] == ["shandong", "dongying"]
    pm = regions.plugin_manager("dongying")
    names = [pm.get_name(i.plugin) for i in pm.hook.xuefen_convert.get_hookimpls()]
    assert names == ["xuefen.defaults", "region:shandong", "region:dongying"]


@pytest.mark.rule("D-C1")
def test_D_C1_changes_doubling_and_S_C2_is_still_inherited():
    acts = [act("v", "volunteer_teaching", level="county", hours=10),
            act("d", "degree_study", "2017-06-01", program_id="P", degree_level="master")]
    ev = dy(acts)
    v = entry(ev, "v")
    assert (v["rule"], v["credits"], v["article"]) == ("D-C1", "20", "第十五条")
    d = entry(ev, "d")  # the province's S-C2 conversion, citing Dongying's restating article
    assert (d["rule"], d["credits"], d["article"]) == ("S-C2", "72", "第十三条")
    prov = case(acts)  # the province: volunteer teaching is outside its scope, S-C2 the same 72
    assert refusal(prov, "v")["rule"] == "S-C6"
    assert (entry(prov, "d")["credits"], entry(prov, "d")["article"]) == ("72", "第十五条")
    again = dy(acts + [act("d2", "degree_study", "2017-07-01", program_id="P")])
    assert refusal(again, "d2")["rule"] == "S-C2"  # never twice, inherited


@pytest.mark.rule("D-C1")
def test_D_C1_pairing_help_and_sending_teaching_need_a_county_or_above_organiser():
    ev = dy([act("m", "mentoring", level="city", hours=6), act("s", "mentoring", level="school", hours=6),
             act("n", "volunteer_teaching", level="county")])
    assert (entry(ev, "m")["rule"], entry(ev, "m")["credits"]) == ("D-C1", "12")
    assert refusal(ev, "s")["rule"] == "S-C6"  # school mentoring (师徒结对) stays outside the scope
    assert refusal(ev, "n")["rule"] == "D-C1"  # no hours


@pytest.mark.rule("D-C2")
def test_D_C2_a_certificate_with_hours_and_credits_counts_the_credits():
    a = county("c", hours=40, credits=20)
    e = entry(dy([a]), "c")
    assert (e["rule"], e["credits"], e["article"]) == ("D-C2", "20", "第十二条")
    assert amount(case([a]), "c") == D(20)  # the province too: a project's stated credits count (S-C1)
    assert entry(dy([county("h", hours=40)]), "h")["rule"] == "S-C1"  # hours only: inherited S-C1


@pytest.mark.rule("D-S1")
def test_D_S1_public_subject_training_registers_in_dongying():
    a = act("p", public_subject=True, approved_by_authority=False, hours=6, assessment="pass")
    e = entry(dy([a]), "p")
    assert (e["rule"], e["credits"], e["article"]) == ("D-S1", "6", "第六条, 第二十二条")
    assert "public_subject" in e["buckets"]
    assert refusal(case([a]), "p")["rule"] == "S-C6"


@pytest.mark.rule("S-R2", "D-C1")
def test_D_S1_S_R2_move_into_dongying_is_evaluated_under_dongying_from_the_move_date():
    acts = [act("before", "volunteer_teaching", "2016-05-10", level="county", hours=10),
            act("after", "volunteer_teaching", "2017-05-10", level="county", hours=10),
            county("kept", "2016-06-10", hours=30)]
    ev = dy(acts, moved_on="2017-01-01", previous_region="shandong")
    assert refusal(ev, "before")["rule"] == "S-C6"  # earned under the province's rules
    assert entry(ev, "after")["rule"] == "D-C1"
    kept = entry(ev, "kept")
    assert "moved_from_shandong" in kept["buckets"] and kept["credits"] == "30"
    assert cycle_req(ev, "S-R1")["counted"] == "50"  # the credits moved with her
    on_the_day = dy([act("day", "volunteer_teaching", "2017-01-01", level="county", hours=10)],
                    moved_on="2017-01-01")
    assert entry(on_the_day, "day")["rule"] == "D-C1"
    from_outside = dy(acts, moved_on="2017-01-01", previous_region="kunming")  # valid across Shandong only
    assert refusal(from_outside, "before")["rule"] == "S-R2" and entry(from_outside, "after")["rule"] == "D-C1"


def test_inherited_caps_S_C5_at_and_over_120_in_dongying():
    at = dy([school("a", credits=120), county("c", hours=48)])
    assert (cycle_req(at, "S-C5")["counted"], cycle_req(at, "S-C5")["article"]) == ("120", "第十六条")
    over = dy([school("a", credits=121), county("c", hours=48)])
    assert (cycle_req(over, "S-C5")["earned"], cycle_req(over, "S-C5")["counted"]) == ("121", "120")
    assert cycle_req(over, "S-R1")["counted"] == "168"


def test_dongying_restates_the_province_minimums_in_its_own_articles():
    ev = dy([county("a", hours=48)])
    r = year_req(ev, 2017, "S-R1")
    assert (r["required"], r["met"], r["article"]) == ("48", True, "第六条")
    assert ev["certificate"]["article"] == "第二十七条"  # S-R6 in Dongying's text
    assert year_req(dy([county("a", hours=47)]), 2017, "S-R1")["met"] is False


# -- D-R1 rotation ----------------------------------------------------------------------


@pytest.mark.rule("D-R1")
def test_D_R1_rotation_teacher_registered_by_the_school_of_her_personnel_relation(cli, tmp_path):
    load_registry(cli, tmp_path, region="dongying", teacher_extra={"rotation_school_id": "S2"})
    cid = json.loads(cli("claims", "--teacher", "T-SD-1", "--json", expect=0).stdout)[0]["claim"]
    r = cli("approve", cid, "--as", "sa2", "--on", "2017-06-01")  # the school she teaches at
    assert r.exit_code == 3 and "does not contain the teacher's school S1" in r.output
    cli("approve", cid, "--as", "sa1", "--on", "2017-06-01", expect=0)
    out = json.loads(cli("approve", cid, "--as", "ca", "--on", "2017-06-02", "--json", expect=0).stdout)
    assert out["after"] == "approved" and out["entries"][0]["article"] == "第十二条"
    rt = runtime("dongying")
    teacher = parse_case({"region": "dongying", "as_of": "2017-12-31", "activities": [],
                          "teacher": {"id": "x", "stage": "junior", "rotation_school_id": "S2"}}).teacher
    stages = rt.hook.xuefen_approval_stages(activity=None, teacher=teacher, settings=rt.settings,
                                            purpose="activity")
    assert (stages[0].rule, stages[0].article, stages[0].level) == ("D-R1", "第十七条", "school")


# -- D-L1 leave ---------------------------------------------------------------------------


LEAVE_2016 = [{"from": "2016-02-01", "to": "2016-08-31", "kind": "maternity"}]


@pytest.mark.rule("D-L1")
def test_D_L1_leave_shortfall_made_up_in_the_next_year():
    acts = [county("a", "2016-05-10", hours=20), county("b", "2017-05-10", hours=76)]
    ev = dy(acts, as_of="2017-12-31", leave=LEAVE_2016)
    r = year_req(ev, 2016, "S-R1")
    assert r["met"] is True and any("D-L1 第十八条" in n for n in r["notes"])
    acts[1]["hours"] = 75  # one credit short of the make-up
    assert year_req(dy(acts, as_of="2017-12-31", leave=LEAVE_2016), 2016, "S-R1")["met"] is False
    # only the next year: a surplus two years later does not make it up (the province's default would)
    late = [county("a", "2016-05-10", hours=20), county("b", "2017-05-10", hours=48),
            county("c", "2018-05-10", hours=76)]
    assert year_req(dy(late, as_of="2018-12-31", leave=LEAVE_2016), 2016, "S-R1")["met"] is False
    assert year_req(case(late, as_of="2018-12-31", leave=LEAVE_2016), 2016, "S-R1")["met"] is True


@pytest.mark.rule("D-L1")
def test_D_L1_two_consecutive_years_short_made_up_within_the_cycle_or_the_cycle_is_incomplete():
    leave = [{"from": "2016-02-01", "to": "2017-08-31", "kind": "sick"}]
    acts = [county("a", "2016-05-10", hours=40), county("b", "2017-05-10", hours=40),
            county("c", "2018-05-10", hours=48), county("d", "2019-05-10", hours=100),
            county("e", "2020-05-10", hours=132)]
    ev = dy(acts, as_of="2020-12-31", leave=leave)
    assert year_req(ev, 2016, "S-R1")["met"] is True  # 8 made up within the cycle (2019), not only in 2017
    assert year_req(ev, 2017, "S-R1")["met"] is True
    assert ev["cycle"]["met"] is True and ev["certificate"]["eligible"] is True
    assert not [f for f in ev["flags"] if f["rule"] == "D-L1"]
    one_year = dy(acts, as_of="2020-12-31", leave=[{"from": "2016-02-01", "to": "2016-08-31"}])
    assert year_req(one_year, 2016, "S-R1")["met"] is False  # one year on leave: the next year only (2017 short)
    acts[3]["hours"], acts[4]["hours"] = 48, 55  # 16 to make up, 7 over by the cycle's end
    ev = dy(acts, as_of="2020-12-31", leave=leave)
    assert year_req(ev, 2017, "S-R1")["met"] is False
    assert ev["cycle"]["met"] is False
    assert [f["kind"] for f in ev["flags"] if f["rule"] == "D-L1"] == ["incomplete"]
    assert [f for f in dy(acts, as_of="2019-12-31", leave=leave)["flags"] if f["rule"] == "D-L1"] == []  # not yet


# -- D-P1 publication -------------------------------------------------------------------


@pytest.mark.rule("D-P1")
def test_D_P1_the_school_publishes_every_teachers_annual_credits():
    rt = runtime("dongying")
    evs = [evaluate(parse_case({"region": "dongying", "as_of": "2017-12-31",
                                "teacher": {"id": tid, "stage": "junior", "cycle_start": "2016-01-01"},
                                "activities": [county("a", hours=h)]}), rt) for tid, h in (("T1", 50), ("T2", 30))]
    flags = rt.hook.xuefen_org_flags(org_id="S1", year=2017, evaluations=evs, settings=rt.settings)
    assert [(f.rule, f.article, f.kind) for f in flags] == [("D-P1", "第二十五条", "publish")]
    assert "T1 50" in flags[0].message and "T2 30" in flags[0].message
    prov = runtime("shandong")
    assert prov.hook.xuefen_org_flags(org_id="S1", year=2017, evaluations=evs, settings=prov.settings) == []


@pytest.mark.rule("D-P1")
def test_D_P1_the_county_report_carries_each_schools_publication_list(cli, tmp_path):
    load_registry(cli, tmp_path, region="dongying")
    cli("approve", "--all-queued", "--as", "sa1", "--on", "2017-06-01", expect=0)
    cli("approve", "--all-queued", "--as", "ca", "--on", "2017-06-02", expect=0)
    out = json.loads(cli("report", "--org", "X1", "--year", "2017", "--json", expect=0).stdout)
    flags = [f for sch in out["schools"] if sch["id"] == "S1" for f in sch["flags"]]
    assert [(f["rule"], f["kind"]) for f in flags] == [("D-P1", "publish")]
    assert "T-SD-1 40" in flags[0]["message"]


# -- D-T1 transition, D-D1 dates ------------------------------------------------------------


OLD = [act("o1", "training", "2011-05-01", credits=30, legacy=True),
       act("o2", "training", "2011-06-01", hours=20),
       county("w1", "2014-05-01", hours=30),
       county("w2", "2015-05-01", hours=30),
       act("w3", "training", "2013-05-01", credits=12, legacy=True),
       act("o3", "training", "2012-06-30", credits=5)]


@pytest.mark.rule("D-T1")
def test_D_T1_old_certificate_credits_before_2012_07_01_stay_valid():
    ev = dy(OLD, as_of="2016-12-31")
    e = entry(ev, "o1")
    assert (e["rule"], e["credits"], e["article"]) == ("D-T1", "30", "第三十二条")
    assert amount(ev, "o3") == D(5)  # the last day: a record of then was registered on the old certificate
    assert refusal(ev, "o2")["rule"] == "D-T1"  # it states no credits
    decisions = {t["decision"]: t for t in ev["transitions"]}
    assert decisions["old_certificate_valid"]["rule"] == "D-T1"
    assert decisions["old_certificate_valid"]["credits"] == "35"
    off = dy(OLD, as_of="2016-12-31", settings={"old_certificate_valid": "false"})
    assert refusal(off, "o1")["rule"] == "D-T1" and refusal(off, "o3")["rule"] == "D-T1"
    assert "old_certificate_not_counted" in {t["decision"] for t in off["transitions"]}


@pytest.mark.rule("D-T1")
def test_D_T1_old_rules_are_the_provinces_rules_in_force_on_the_date():
    ev = dy(OLD, as_of="2016-12-31")
    w2 = entry(ev, "w2")  # 2015-05-01: the province's 2015 rules, citing the province
    assert (w2["rule"], w2["credits"], w2["article"]) == ("S-C1", "30", "第十四条")
    assert "old_rules" in w2["buckets"]
    r = refusal(ev, "w1")  # 2014: the 2009 rules, not installed
    assert r["rule"] == "D-T1" and "not installed" in r["reason"]
    assert entry(ev, "w3")["credits"] == "12"  # registered on the old certificate after 2012-07-01: as registered
    t = next(t for t in ev["transitions"] if t["decision"] == "old_rules")
    assert (t["rule"], t["old_rules"]) == ("D-T1", "province_in_force") and set(t["activities"]) == {"w1", "w2"}
    dongying_rules = dy(OLD, as_of="2016-12-31", settings={"old_rules": "dongying"})
    assert entry(dongying_rules, "w1")["credits"] == "30"
    with pytest.raises(InputError, match="old_rules"):
        dy(OLD, settings={"old_rules": "whatever"})


@pytest.mark.rule("D-D1")
def test_D_D1_in_force_to_2020_12_03_past_the_province():
    acts = [county("a", "2020-06-01", hours=50), county("b", "2020-12-03", hours=5),
            county("c", "2020-12-04", hours=5)]
    ev = dy(acts, as_of="2020-12-31")
    assert amount(ev, "a") == D(50) and amount(ev, "b") == D(5)
    r = refusal(ev, "c")
    assert (r["rule"], r["article"]) == ("D-D1", "第三十四条")
    prov = case(acts, as_of="2020-12-31")
    assert refusal(prov, "a")["rule"] == "S-D1"


@pytest.mark.rule("S-R2")
def test_D_S1_a_bad_moved_on_names_the_teacher_and_field():
    with pytest.raises(InputError, match="teacher: moved_on: '2017-13-01' is not a date"):  # where the case comes in
        dy([county("a")], moved_on="2017-13-01")
    ev = dy([county("a", "2016-05-10")], moved_on="2017-01-01", previous_region="kunming")  # a good one is read
    assert refusal(ev, "a")["rule"] == "S-R2"


# -- xuefen rules: inheritance made visible ---------------------------------------------------


def test_rules_dongying_shows_inherited_restated_and_changed_rows():
    rows = {r["id"]: r for r in rule_rows("dongying")}
    assert rows["S-R2"]["region"] == "shandong" and rows["S-R2"]["changed_by"] == ["D-S1"]
    assert rows["S-C2"]["restates"] == {"region": "shandong", "article": "第十五条"}
    assert rows["S-C2"]["article"] == "第十三条"
    assert rows["S-C4"]["changed_by"] == ["D-C1"] and rows["D-C1"]["changes"] == ["S-C4"]
    assert rows["D-C1"]["values"]["factor"] == "2" and "changes" not in rows["D-C1"]["values"]
    assert {"D-C1", "D-C2", "D-R1", "D-L1", "D-P1", "D-S1", "D-T1"} <= set(rows)
    p = run_exe("rules", "dongying", env={"COLUMNS": "600", "PATH": "/usr/bin:/bin"})
    assert p.returncode == 0, p.stderr
    assert "shandong (inherited; restated in dongying's 第十三条)" in p.stdout
    assert "dongying (changes S-C4)" in p.stdout
    assert "(changed by D-C1)" in p.stdout
    assert "old_certificate_valid" in p.stdout and "old_rules" in p.stdout
