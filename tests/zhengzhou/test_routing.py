"""Zhengzhou approval routing: 谁设计培训项目、谁进行学时审核登记 (Z-A1 … Z-A5), the paper path's route (Z-T1)."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest

from xuefen.evaluate import Case, evaluate
from xuefen.model import Activity, Teacher
from xuefen.regions import runtime

d = dt.date


def stages(activity, teacher, purpose="activity", **settings):
    rt = runtime("zhengzhou", settings)
    out = rt.hook.xuefen_approval_stages(activity=activity, teacher=teacher, settings=rt.settings, purpose=purpose)
    return [(s.role, s.level, s.rule, s.medium == "paper") for s in out]


def t(stage="junior", affiliation=None, **kw):
    extra = kw.pop("extra", {})
    if affiliation:
        extra["affiliation"] = affiliation
    prev = kw.pop("previous_certificate_on", d(2017, 4, 1))
    return Teacher("ZZ-R1", stage, previous_certificate_on=prev, extra=extra, **kw)


def a(kind="training", level=None, **kw):
    return Activity("x", kind, kw.pop("date", d(2018, 5, 1)), level=level, hours=D(10), **kw)


@pytest.mark.parametrize("level,approver", [("national", "province"), ("provincial", "province"),
                                            ("city", "city"), ("county", "county")])
@pytest.mark.rule("Z-A1")
def test_Z_A1_the_designer_approves(level, approver):
    assert stages(a(level=level), t()) == [(f"{approver}_admin", approver, "Z-A1", False)]


@pytest.mark.parametrize("stage,approver", [("senior", "province"), ("junior", "city"), ("primary", "county"),
                                            ("kindergarten", "county")])
@pytest.mark.rule("Z-A1")
def test_Z_A1_designer_by_teacher_stage_where_no_level_is_given(stage, approver):
    assert stages(a(), t(stage)) == [(f"{approver}_admin", approver, "Z-A1", False)]


@pytest.mark.rule("Z-A2")
def test_Z_A2_county_famous_backbone_for_secondary_is_county_approved_after_city_filing():
    fb = a(level="county", extra={"famous_backbone": True, "plan_filed_on": "2018-03-01"})
    assert stages(fb, t("senior")) == [("county_admin", "county", "Z-A2", False)]
    assert stages(fb, t("primary")) == [("county_admin", "county", "Z-A1", False)]
    ok = evaluate(Case("zhengzhou", d(2018, 12, 31), t("senior"), (fb,)))
    assert ok.entries[0].rule == "Z-C1" and "famous_backbone" in ok.entries[0].buckets
    unfiled = a(level="county", extra={"famous_backbone": True})
    late = a(level="county", extra={"famous_backbone": True, "plan_filed_on": "2018-05-02"})
    ev = evaluate(Case("zhengzhou", d(2018, 12, 31), t("junior"), (unfiled,)))
    assert (ev.refused[0].rule, ev.refused[0].article) == ("Z-A2", "五")
    ev = evaluate(Case("zhengzhou", d(2018, 12, 31), t("junior"), (late,)))
    assert ev.refused[0].rule == "Z-A2" and "2018-05-02" in ev.refused[0].reason
    ev = evaluate(Case("zhengzhou", d(2018, 12, 31), t("primary"), (unfiled,)))
    assert ev.entries and not ev.refused  # primary teachers' county projects need no city filing


@pytest.mark.parametrize("kind", ["school_based", "research", "open_class"])
@pytest.mark.rule("Z-A3")
def test_Z_A3_school_based_is_the_schools(kind):
    assert stages(a(kind, level="school"), t()) == [("school_admin", "school", "Z-A3", False)]


@pytest.mark.parametrize("stage,affiliation,office", [
    ("junior", "county", "county"), ("senior", "county", "county"), ("primary", "county", "county"),
    ("primary", "city_direct", "county"), ("kindergarten", "province_direct", "county"),
    ("junior", "city_direct", "city"), ("senior", "city_affiliated", "city"), ("senior", "province_direct", "city"),
    ("institution", "city_direct", "city")])
@pytest.mark.rule("Z-A4")
def test_Z_A4_degree_and_non_authority_go_teacher_school_office(stage, affiliation, office):
    want = [("school_admin", "school", "Z-A4", False), (f"{office}_admin", office, "Z-A4", False)]
    deg = a("degree_study", graduated=True)
    assert stages(deg, t(stage, affiliation)) == want
    assert stages(a(approved_by_authority=False), t(stage, affiliation)) == want


@pytest.mark.rule("Z-A4")
def test_Z_A4_institution_office_setting():
    got = stages(a("degree_study"), t("institution", "city_direct"), institution_office="county")
    assert got[-1][1] == "county"


@pytest.mark.parametrize("level", ["county", "city", "provincial"])
@pytest.mark.rule("Z-A5")
def test_Z_A5_support_teaching_registered_by_the_organiser(level):
    approver = {"provincial": "province"}.get(level, level)
    assert stages(a("volunteer_teaching", level=level), t()) == [(f"{approver}_admin", approver, "Z-A5", False)]


@pytest.mark.rule("Z-R5")
def test_Z_R5_new_teacher_training_designed_by_county_or_city():
    assert stages(a("new_teacher_training"), t("primary"))[0][:3] == ("county_admin", "county", "Z-R5")
    assert stages(a("new_teacher_training"), t("senior"))[0][:3] == ("city_admin", "city", "Z-R5")


@pytest.mark.rule("Z-T1")
def test_Z_T1_paper_path_route_is_the_degree_route_on_paper():
    teacher = t("junior", "county", extra={"cutover_path": "paper_path"}, previous_certificate_on=d(2013, 3, 1))
    assert stages(a(level="provincial"), teacher) == [("school_admin", "school", "Z-T1", True),
                                                      ("county_admin", "county", "Z-T1", True)]
    cyc = stages(None, teacher, purpose="cycle")
    assert cyc[-1] == ("city_admin", "city", "Z-T1", True)  # the Zhengzhou bureau issues it


@pytest.mark.rule("Z-T1")
def test_Z_T1_paper_route_ends_with_the_certificate_that_starts_the_next_cycle():
    # the paper-path certificate issued 2018-06-01 starts a cycle on the system: the recorded path no longer routes
    teacher = t("junior", "county", extra={"cutover_path": "paper_path"}, previous_certificate_on=d(2018, 6, 1))
    assert stages(a(level="provincial"), teacher) == [("province_admin", "province", "Z-A1", False)]
    assert stages(None, teacher, purpose="cycle") == [("county_admin", "county", "Z-R1", False)]
    before = t("junior", "county", extra={"cutover_path": "paper_path"}, previous_certificate_on=d(2013, 3, 1))
    assert stages(None, before, purpose="cycle")[-1] == ("city_admin", "city", "Z-T1", True)  # until then


@pytest.mark.rule("Z-T1")
def test_Z_T1_system_path_hours_before_the_cutover_take_the_degree_route_in_the_system():
    teacher = t("junior", "city_direct", extra={"cutover_path": "system_path"}, previous_certificate_on=d(2013, 3, 1))
    assert stages(a(level="county", date=d(2016, 6, 1)), teacher) == [("school_admin", "school", "Z-T1", False),
                                                                      ("city_admin", "city", "Z-T1", False)]
    assert stages(a(level="county", date=d(2017, 6, 1)), teacher) == [("county_admin", "county", "Z-A1", False)]


def test_cycle_review_at_the_registration_office():
    assert stages(None, t("senior", "province_direct"), purpose="cycle") == [("city_admin", "city", "Z-R1", False)]
