"""One test (at least) per Suzhou District (suzhou-jq) rule id, each breaking if its number or condition changes.

Digest: docs/rules/shandong.md, section "Suzhou District"; text: the first part of
docs/regulations/shandong-2015-and-others.txt (肃州区, 2010-12-02).
"""
from __future__ import annotations

import json
from decimal import Decimal as D

import pytest

from xuefen.errors import InputError
from xuefen.regions import chain, plugin_manager, runtime
from xuefen.rules import rule_rows
from tests.conftest import run_exe, write_case
from tests.suzhou_jq.helpers import (CODE, act, amount, case, district, entry, flags, full_year, refusal, school,
                                     warnings, year_of, year_req)

# -- the region -----------------------------------------------------------------------------


def test_suzhou_is_its_own_region_annual_only_in_credits():
    rt = runtime(CODE)
    assert rt.region.parent is None and rt.region.cycle_years is None and rt.region.units == ("credits",)
    assert [rp.code for rp in chain(CODE)] == [CODE]  # no Shandong in the chain
    names = [name for name, _ in plugin_manager(CODE).list_name_plugin()]
    assert names[:2] == ["xuefen.defaults", f"region:{CODE}"] and not any("shandong" in n for n in names)
    ev = case(full_year(2016))
    assert ev["cycle"] is None and ev["units"] == ["credits"]
    assert all(e["hours"] is None for e in ev["entries"])


def test_suzhou_every_number_in_a_cited_row():
    rows = {r["id"]: r for r in rule_rows(CODE)}
    assert all(r["article"] and r["region"] == CODE for r in rows.values())
    assert rows["SZ-R1"]["values"]["minimum"] == "42" and rows["SZ-R2"]["values"]["minimum"] == "120"


# -- requirements -----------------------------------------------------------------------------


@pytest.mark.rule("SZ-R1")
def test_SZ_R1_every_year_42_of_which_24_district_training_and_16_school_based():
    ev = case(full_year(2016))
    total = year_req(ev, 2016, "SZ-R1", "annual total")
    dist = year_req(ev, 2016, "SZ-R1", "district-or-above training")
    sb = year_req(ev, 2016, "SZ-R1", "school-based")
    assert (total["required"], total["counted"], total["met"], total["article"]) == ("42", "42", True,
                                                                                    "第一条, 第六条")
    assert (dist["required"], dist["counted"], dist["met"]) == ("24", "24", True)
    assert (sb["required"], sb["counted"], sb["met"]) == ("16", "16", True)
    # the total is the first SZ-R1 row (what a reader looking up SZ-R1 finds)
    assert year_of(ev, 2016)["requirements"][0]["label"] == "annual total"
    assert year_of(ev, 2016)["met"] is True


@pytest.mark.rule("SZ-R1")
def test_SZ_R1_one_credit_short_of_each_fails():
    acts = full_year(2016)
    acts[2]["events"] = 1  # 41 in all
    ev = case(acts)
    assert year_req(ev, 2016, "SZ-R1", "annual total")["met"] is False
    assert year_of(ev, 2016)["met"] is False
    acts = full_year(2016)
    acts[0]["hours"] = "23.5"
    acts[2]["events"] = 3  # total 42.5, district 23.5
    ev = case(acts)
    assert year_req(ev, 2016, "SZ-R1", "annual total")["met"] is True
    assert year_req(ev, 2016, "SZ-R1", "district-or-above training")["met"] is False
    acts = full_year(2016)
    acts[1]["events"] = 7  # school-based 14
    acts[0]["hours"] = 26
    ev = case(acts)
    assert year_req(ev, 2016, "SZ-R1", "annual total")["counted"] == "42"
    assert year_req(ev, 2016, "SZ-R1", "school-based")["met"] is False


@pytest.mark.rule("SZ-R1")
def test_SZ_R1_research_counts_towards_42_not_towards_24_or_16():
    ev = case([district("d", hours=24), school("s", events=8), act("r", "research", level="national")])
    assert year_req(ev, 2016, "SZ-R1", "annual total")["counted"] == "50"
    assert year_req(ev, 2016, "SZ-R1", "district-or-above training")["counted"] == "24"
    assert year_req(ev, 2016, "SZ-R1", "school-based")["counted"] == "16"


@pytest.mark.rule("SZ-R1")
def test_SZ_R1_online_training_is_not_district_training_unless_set():
    online = act("o", delivery="online", level="provincial", credits=10, assessment="pass")
    ev = case([online])
    assert year_req(ev, 2016, "SZ-R1", "annual total")["counted"] == "10"
    assert year_req(ev, 2016, "SZ-R1", "district-or-above training")["counted"] == "0"
    ev = case([online], settings={"online_counts_as_district_training": True})
    assert year_req(ev, 2016, "SZ-R1", "district-or-above training")["counted"] == "10"


@pytest.mark.rule("SZ-R1")
def test_SZ_R1_not_before_the_year_of_hiring():
    ev = case([district("d", "2015-05-10", hours=10)], hired_on="2016-09-01", as_of="2016-12-31")
    assert year_of(ev, 2015) is None  # no requirement before the teacher was hired


@pytest.mark.rule("SZ-R2")
def test_SZ_R2_new_teacher_120_in_the_academic_year_of_hiring():
    # hired 2016-09-01: the academic year runs to 2017-08-31 and its credits count whichever year they fall in
    acts = [district("d1", "2016-10-10", hours=60), school("s1", "2016-11-10", events=5),
            district("d2", "2017-03-10", hours=40), school("s2", "2017-08-31", events=5),
            district("late", "2017-09-01", hours=50)]  # next academic year: not SZ-R2's
    ev = case(acts, hired_on="2016-09-01", as_of="2017-12-31")
    r = year_req(ev, 2016, "SZ-R2")
    assert (r["required"], r["counted"], r["met"], r["article"]) == ("120", "120", True, "第一条")
    assert year_req(ev, 2016, "SZ-R1", "annual total") is None  # 120 replaces the 42 in the year of hiring
    assert year_req(ev, 2016, "SZ-R1", "district-or-above training")["counted"] == "60"
    assert year_req(ev, 2016, "SZ-R1", "school-based")["counted"] == "10"
    # the next year is an ordinary year: 42, from that year's credits only
    assert year_req(ev, 2017, "SZ-R1", "annual total")["counted"] == "100"
    acts[3]["events"] = 4  # 118 in the academic year
    ev = case(acts, hired_on="2016-09-01", as_of="2017-12-31")
    assert year_req(ev, 2016, "SZ-R2")["met"] is False
    assert flags(ev, "SZ-P1")[0]["year"] == 2016


@pytest.mark.rule("SZ-R2")
def test_SZ_R2_academic_year_runs_from_1_september():
    acts = [district("aug", "2016-08-31", hours=60), district("sep", "2016-09-01", hours=60)]
    ev = case(acts, hired_on="2016-09-15")
    assert year_req(ev, 2016, "SZ-R2")["counted"] == "60"
    ev = case(acts, hired_on="2016-03-01")  # the academic year 2015/16, ending 2016-08-31
    assert year_req(ev, 2016, "SZ-R2")["counted"] == "60"


@pytest.mark.rule("SZ-R2")
def test_SZ_R2_calendar_year_setting():
    acts = [district("d1", "2016-10-10", hours=100), district("d2", "2017-03-10", hours=20)]
    ev = case(acts, hired_on="2016-09-01", as_of="2017-12-31", settings={"new_teacher_year": "calendar"})
    r = year_req(ev, 2016, "SZ-R2")
    assert (r["counted"], r["met"]) == ("100", False)


@pytest.mark.rule("SZ-R2")
def test_SZ_R2_split_setting():
    acts = [district("d1", "2016-10-10", hours=120)]
    ev = case(acts, hired_on="2016-09-01")
    assert year_req(ev, 2016, "SZ-R1", "school-based")["met"] is False and year_of(ev, 2016)["met"] is False
    ev = case(acts, hired_on="2016-09-01", settings={"new_teacher_split": False})
    assert year_req(ev, 2016, "SZ-R1", "school-based") is None and year_of(ev, 2016)["met"] is True


@pytest.mark.rule("SZ-R2")
def test_SZ_R2_year_of_hiring_reported_while_its_academic_year_runs():
    ev = case([district("d", "2017-03-10", hours=30)], hired_on="2016-09-01", as_of="2017-06-30")
    assert year_req(ev, 2016, "SZ-R2")["counted"] == "30"
    assert "academic year of hiring runs to 2017-08-31" in flags(ev, "SZ-P1")[0]["message"]
    ev = case([], hired_on="2001-09-01", as_of="2016-12-31")
    assert year_of(ev, 2001) is None  # long ago, and before the text was in force


@pytest.mark.rule("SZ-R3")
def test_SZ_R3_no_carry_over_between_years():
    acts = full_year(2015) + full_year(2015, "extra-") + [school("s16", "2016-06-10", events=8)]
    ev = case(acts)
    assert year_req(ev, 2015, "SZ-R1", "annual total")["counted"] == "84"
    r = year_req(ev, 2016, "SZ-R1", "annual total")
    assert (r["counted"], r["met"]) == ("16", False)  # 2015's surplus does not help 2016
    assert any("no carry-over (SZ-R3)" in n for n in r["notes"])
    assert [e["year"] for e in ev["entries"] if e["activity"] == "s16"] == [2016]
    # a December activity stays in its own year
    ev = case([district("dec", "2015-12-31", hours=42)])
    assert entry(ev, "dec")["year"] == 2015 and year_req(ev, 2016, "SZ-R1", "annual total")["counted"] == "0"


@pytest.mark.rule("SZ-R3")
def test_SZ_R3_every_year_checked_on_its_own():
    acts = full_year(2014) + full_year(2016)
    ev = case(acts)
    assert [y["year"] for y in ev["years"]] == [2014, 2016]
    assert year_of(ev, 2014)["met"] and year_of(ev, 2016)["met"]


# -- conversions -----------------------------------------------------------------------------


@pytest.mark.rule("SZ-C1")
def test_SZ_C1_one_credit_per_stated_hour_only_when_passed():
    ev = case([district("d", hours="7.5"), district("f", hours=10, assessment="fail"),
               act("c", level="city", hours=3, assessment="excellent")])
    e = entry(ev, "d")
    assert (e["credits"], e["rule"], e["article"]) == ("7.5", "SZ-C1", "第五条")
    assert "district_training" in e["buckets"]
    assert refusal(ev, "f")["rule"] == "SZ-C1"
    assert amount(ev, "c") == D(3)


@pytest.mark.rule("SZ-C1")
def test_SZ_C1_rate_setting_missing_assessment_and_unapproved():
    assert amount(case([district("d", hours=10)], settings={"credits_per_hour": "0.5"}), "d") == D(5)
    ev = case([act("n", level="county", hours=10)])
    assert amount(ev, "n") == D(10) and warnings(ev, "SZ-C1")
    ev = case([act("n", level="county", hours=10)], settings={"missing_assessment": "refuse"})
    assert refusal(ev, "n")["rule"] == "SZ-C1"
    ev = case([district("u", hours=10, approved_by_authority=False)])
    assert refusal(ev, "u")["rule"] == "SZ-C1"
    with pytest.raises(InputError, match="credits_per_hour"):
        case([district("d", hours=10)], settings={"credits_per_hour": "lots"})


@pytest.mark.rule("SZ-C1")
def test_SZ_C1_school_level_training_is_school_based():
    ev = case([act("t", level="school", events=2, assessment="pass")])
    e = entry(ev, "t")
    assert (e["rule"], e["credits"]) == ("SZ-C3", "4") and "school_based" in e["buckets"]
    assert entry(case([district("d", hours=4)]), "d")["rule"] == "SZ-C1"  # district-or-above is SZ-C1's


@pytest.mark.rule("SZ-C2")
def test_SZ_C2_long_off_duty_training_42_a_year_at_and_over_the_limit():
    ev = case([district("long", full_time=True, days=60)])
    e = entry(ev, "long")
    assert (e["credits"], e["rule"]) == ("42", "SZ-C2")
    assert year_req(ev, 2016, "SZ-R1", "district-or-above training")["counted"] == "42"
    # a second long training in the same year: 42 a year, once
    ev = case([district("long", full_time=True), district("long2", "2016-10-10", full_time=True)])
    assert refusal(ev, "long2")["rule"] == "SZ-C2"
    assert year_req(ev, 2016, "SZ-R1", "annual total")["counted"] == "42"
    # the next year earns its own 42
    ev = case([district("long", full_time=True), district("long2", "2017-02-10", full_time=True)],
              as_of="2017-12-31")
    assert amount(ev, "long2") == D(42)


@pytest.mark.rule("SZ-C2")
def test_SZ_C2_short_training_and_secondment_six_a_day():
    ev = case([district("short", days=3), act("sec", "other", level="county", role="secondment", days="2.5"),
               act("nodays", "other", role="secondment", hours=8)])
    assert (entry(ev, "short")["credits"], entry(ev, "short")["rule"]) == ("18", "SZ-C2")
    assert (entry(ev, "sec")["credits"], entry(ev, "sec")["rule"]) == ("15", "SZ-C2")
    assert refusal(ev, "nodays")["rule"] == "SZ-C2"
    # stated hours win over days (第五条 按照文件规定的学时数)
    assert entry(case([district("both", days=3, hours=10)]), "both")["credits"] == "10"
    assert refusal(case([district("none")]), "none")["rule"] == "SZ-C1"


@pytest.mark.rule("SZ-C3")
def test_SZ_C3_two_per_topic_passed():
    ev = case([school("s", events=3), school("one"), school("f", events=2, assessment="fail")])
    e = entry(ev, "s")
    assert (e["credits"], e["rule"], e["article"]) == ("6", "SZ-C3", "第六条")
    assert amount(ev, "one") == D(2)
    assert refusal(ev, "f")["rule"] == "SZ-C3"
    assert refusal(case([school("z", events=0)]), "z")["rule"] == "SZ-C3"


@pytest.mark.parametrize("level,credits", [("county", "1"), ("city", "3"), ("provincial", "5"), ("national", "10")])
@pytest.mark.rule("SZ-C4")
def test_SZ_C4_research_led_by_level(level, credits):
    ev = case([act("r", "research", level=level, role="leader")])
    assert (entry(ev, "r")["credits"], entry(ev, "r")["rule"]) == (credits, "SZ-C4")


@pytest.mark.rule("SZ-C4")
def test_SZ_C4_members_school_level_and_no_level_refused():
    ev = case([act("m", "research", level="city", role="member"), act("s", "research", level="school"),
               act("n", "research")])
    assert {refusal(ev, a)["rule"] for a in ("m", "s", "n")} == {"SZ-C4"}


@pytest.mark.parametrize("chars,credits", [(1001, "2"), (5000, "2"), (1000, "1"), (999, "1"), ("300", "1")])
@pytest.mark.rule("SZ-C5")
def test_SZ_C5_paper_by_length(chars, credits):
    ev = case([act("p", "publication", level="provincial", characters=chars)])
    assert (entry(ev, "p")["credits"], entry(ev, "p")["rule"]) == (credits, "SZ-C5")


@pytest.mark.rule("SZ-C5")
def test_SZ_C5_provincial_or_higher_journal_only_and_length_unstated():
    ev = case([act("c", "publication", level="city", characters=3000),
               act("n", "publication", level="national")])
    assert refusal(ev, "c")["rule"] == "SZ-C5"
    assert amount(ev, "n") == D(1) and warnings(ev, "SZ-C5")
    with pytest.raises(InputError, match="activity 'x': characters"):
        case([act("x", "publication", level="national", characters="long")])


@pytest.mark.rule("SZ-C6")
def test_SZ_C6_mentoring_three_per_academic_year_once():
    ev = case([act("m1", "mentoring", "2016-03-01", role="mentor")])
    assert (entry(ev, "m1")["credits"], entry(ev, "m1")["rule"]) == ("3", "SZ-C6")
    # a second pair in the same academic year (2015-09-01..2016-08-31): over the limit
    ev = case([act("m1", "mentoring", "2016-03-01", role="mentor"), act("m2", "mentoring", "2016-08-31")])
    assert refusal(ev, "m2")["rule"] == "SZ-C6"
    assert year_req(ev, 2016, "SZ-R1", "annual total")["counted"] == "3"
    # the next academic year starts 1 September: 3 more in the same calendar year
    ev = case([act("m1", "mentoring", "2016-03-01"), act("m2", "mentoring", "2016-09-01")])
    assert amount(ev, "m2") == D(3) and year_req(ev, 2016, "SZ-R1", "annual total")["counted"] == "6"
    assert refusal(case([act("me", "mentoring", role="mentee")]), "me")["rule"] == "SZ-C6"


@pytest.mark.parametrize("level,credits", [("school", "1"), ("county", "3"), ("city", "6"), ("provincial", "9"),
                                           ("national", "9")])
@pytest.mark.rule("SZ-C7")
def test_SZ_C7_open_class_by_level(level, credits):
    ev = case([act("o", "open_class", level=level)])
    assert (entry(ev, "o")["credits"], entry(ev, "o")["rule"]) == (credits, "SZ-C7")
    assert amount(case([act("o", "open_class", level=level, events=2)]), "o") == 2 * D(credits)


@pytest.mark.parametrize("level,credits", [("school", "1"), ("county", "3"), ("city", "6"), ("provincial", "10"),
                                           ("national", "10")])
@pytest.mark.rule("SZ-C8")
def test_SZ_C8_talk_by_level(level, credits):
    ev = case([act("t", "trainer", level=level, hours=2)])
    assert (entry(ev, "t")["credits"], entry(ev, "t")["rule"]) == (credits, "SZ-C8")


@pytest.mark.rule("SZ-C8")
def test_SZ_C8_at_least_one_hour_each():
    ev = case([act("one", "trainer", level="county", hours=1), act("short", "trainer", level="county",
                                                                      hours="0.9"),
               act("two", "trainer", level="county", hours=2, events=2),
               act("thin", "trainer", level="county", hours="1.5", events=2)])
    assert amount(ev, "one") == D(3) and amount(ev, "two") == D(6)
    assert refusal(ev, "short")["rule"] == "SZ-C8" and refusal(ev, "thin")["rule"] == "SZ-C8"


@pytest.mark.parametrize("level,credits", [("county", "1"), ("city", "3"), ("provincial", "6"), ("national", "9")])
@pytest.mark.rule("SZ-C9")
def test_SZ_C9_first_prize_by_level(level, credits):
    ev = case([act("c", "competition", level=level, prize="first")])
    assert (entry(ev, "c")["credits"], entry(ev, "c")["rule"]) == (credits, "SZ-C9")


@pytest.mark.rule("SZ-C9")
def test_SZ_C9_only_first_prize():
    ev = case([act("s", "competition", level="national", prize="second"),
               act("n", "competition", level="national"),
               act("sc", "competition", level="school", prize="first")])
    assert {refusal(ev, a)["rule"] for a in ("s", "n", "sc")} == {"SZ-C9"}
    with pytest.raises(InputError, match="activity 'b': prize"):
        case([act("b", "competition", level="city", prize="gold")])


@pytest.mark.rule("SZ-C10")
def test_SZ_C10_degree_and_online_training_as_stated():
    ev = case([act("deg", "degree_study", credits=12), act("on", delivery="online", level="national", credits="8.5"),
               act("none", "degree_study"), act("on2", delivery="online", hours=10)])
    assert (entry(ev, "deg")["credits"], entry(ev, "deg")["rule"], entry(ev, "deg")["article"]) == (
        "12", "SZ-C10", "第二条, 第四条, 第八条")
    assert (entry(ev, "on")["credits"], entry(ev, "on")["rule"]) == ("8.5", "SZ-C10")
    assert refusal(ev, "none")["rule"] == "SZ-C10" and refusal(ev, "on2")["rule"] == "SZ-C10"


# -- consequence, ours -------------------------------------------------------------------------


@pytest.mark.rule("SZ-P1")
def test_SZ_P1_below_42_no_title_evaluation_or_awards_that_year():
    ev = case(full_year(2016))
    assert ev["certificate"]["eligible"] is True and ev["certificate"]["rule"] == "SZ-P1"
    assert ev["certificate"]["kind"] == "annual" and not flags(ev, "SZ-P1")
    acts = full_year(2016)
    acts[2]["events"] = 1  # 41
    ev = case(acts)
    assert ev["certificate"]["eligible"] is False
    f = flags(ev, "SZ-P1")
    assert len(f) == 1 and (f[0]["year"], f[0]["kind"], f[0]["article"]) == (2016, "veto", "第十二条")


@pytest.mark.rule("SZ-P1")
def test_SZ_P1_veto_on_setting():
    acts = [district("d", hours=42)]  # 42 in all, no school-based
    ev = case(acts)  # default: only a year below the 42 is vetoed (未完成规定42学分)
    assert ev["certificate"]["eligible"] is True and not flags(ev, "SZ-P1")
    ev = case(acts, settings={"veto_on": "all"})
    assert ev["certificate"]["eligible"] is False and flags(ev, "SZ-P1")


@pytest.mark.rule("SZ-D1")
def test_SZ_D1_in_force_from_2010_12_02():
    ev = case([district("before", "2010-12-01", hours=10), district("on", "2010-12-02", hours=10)],
              as_of="2010-12-31")
    r = refusal(ev, "before")
    assert r["rule"] == "SZ-D1" and "2010-12-02" in r["reason"]
    assert amount(ev, "on") == D(10)
    ev = case([district("before", "2010-12-01", hours=10)], as_of="2010-12-31", settings={"in_force": "2010-01-01"})
    assert amount(ev, "before") == D(10)
    with pytest.raises(InputError, match="in_force"):
        case([], settings={"in_force": "soon"})


@pytest.mark.rule("SZ-A1")
def test_SZ_A1_school_then_district_bureau():
    rt = runtime(CODE)
    stages = rt.hook.xuefen_approval_stages(activity=None, teacher=None, settings=rt.settings, purpose="activity")
    assert [(s.name, s.role, s.level, s.rule) for s in stages] == [
        ("school_review", "school_admin", "school", "SZ-A1"), ("county_review", "county_admin", "county", "SZ-A1")]


@pytest.mark.parametrize("kind", ["volunteer_teaching", "studio", "professional_certificate_training", "other"])
@pytest.mark.rule("SZ-X1")
def test_SZ_X1_kinds_outside_the_channels_are_refused(kind):
    ev = case([act("x", kind, level="county", hours=10)])
    assert refusal(ev, "x")["rule"] == "SZ-X1"


# -- the real CLI ---------------------------------------------------------------------------------


def test_suzhou_e2e_evaluate_through_the_console_script(tmp_path):
    data = {"region": CODE, "as_of": "2016-12-31",
            "teacher": {"id": "SZ-E2E-1", "stage": "junior", "hired_on": "2009-09-01"},
            "activities": [
                {"id": "d", "kind": "training", "level": "city", "date": "2016-03-01", "hours": 24,
                 "assessment": "pass"},
                {"id": "s", "kind": "school_based", "level": "school", "date": "2016-05-01", "events": 8,
                 "assessment": "pass"},
                {"id": "p", "kind": "publication", "level": "provincial", "date": "2016-09-01", "characters": 1200},
                {"id": "v", "kind": "volunteer_teaching", "date": "2016-10-01"}]}
    p = run_exe("evaluate", write_case(tmp_path, data), "--json")
    assert p.returncode == 0, p.stderr
    out = json.loads(p.stdout)
    assert out["region"] == CODE and out["cycle"] is None
    assert [(e["activity"], e["credits"], e["rule"]) for e in out["entries"]] == [
        ("d", "24", "SZ-C1"), ("s", "16", "SZ-C3"), ("p", "2", "SZ-C5")]
    assert out["refused"] == [{"activity": "v", "rule": "SZ-X1", "article": "第二条",
                               "reason": "no article of the Suzhou text credits an activity of kind "
                                         "'volunteer_teaching'"}]
    total = out["years"][0]["requirements"][0]
    assert (total["rule"], total["counted"], total["met"]) == ("SZ-R1", "42", True)
    data["activities"][2]["prize"] = "first"  # a field of another kind's rule is accepted, a typo is not
    data["activities"][2]["charcters"] = 5
    p = run_exe("evaluate", write_case(tmp_path, data), "--json")
    assert p.returncode == 2 and "activity 'p': charcters: unknown field" in p.stderr and "Traceback" not in p.stderr


def test_suzhou_e2e_bad_extra_field_is_a_clear_error(tmp_path):
    data = {"region": CODE, "as_of": "2016-12-31", "teacher": {"id": "SZ-E2E-2", "stage": "primary"},
            "activities": [{"id": "c", "kind": "competition", "level": "city", "date": "2016-03-01",
                            "prize": "gold"}]}
    p = run_exe("evaluate", write_case(tmp_path, data))
    assert p.returncode == 2 and "activity 'c': prize: 'gold' is not one of" in p.stderr
    assert "Traceback" not in p.stderr


def test_suzhou_rules_command_lists_every_row():
    p = run_exe("rules", CODE, "--json")
    assert p.returncode == 0, p.stderr
    assert "SZ-C10" in p.stdout and "SZ-P1" in p.stdout
