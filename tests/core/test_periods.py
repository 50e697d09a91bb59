"""Issue 13: periods as a core concept (registration years, partial years), shares that cut, and
requirements built from rule rows (docs/formats.md §2)."""
from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal as D

import attrs
import pytest

from xuefen import hookimpl, regions
from xuefen.errors import InputError
from xuefen.evaluate import Case, evaluate, with_settings
from xuefen.io.case import parse_case
from xuefen.model import Activity, Region, RuleSet, Teacher
from xuefen.rules import table

from tests.conftest import SHARED

KUNMING = json.loads((SHARED / "examples" / "kunming-example.json").read_text(encoding="utf-8"))
KUNMING.pop("expect")


def kunming(**settings):
    case = parse_case({**KUNMING, "settings": settings})
    return evaluate(case).as_json()


def year(ev, y):
    return next(item for item in ev["years"] if item["year"] == y)


def row(rows, key):
    return next(r for r in rows if r["key"] == key)


@pytest.mark.rule("K-R2", "K-T1")
def test_a_partial_year_is_named_with_the_treatment_applied():
    y = year(kunming(), 2015)  # the cycle and the 2015 method both start on 2015-02-01
    assert (y["start"], y["end"], y["basis"]) == ("2015-01-01", "2015-12-31", "calendar")
    assert "the cycle starts on 2015-02-01" in y["partial"]["why"] and y["partial"]["treatment"] == "full"
    assert row(y["requirements"], "K-R2")["required"] == "72"
    y = year(kunming(partial_year="prorated"), 2015)
    r = row(y["requirements"], "K-R2")
    assert (r["required"], y["partial"]["treatment"]) == ("66", "prorated")  # 72 × 11/12 months in force
    assert any("72 × 11/12 months in force" in n for n in r["notes"])
    y = year(kunming(partial_year="not_required"), 2015)
    assert (y["status"], y["status_rule"]) == ("not_required", "K-R2")
    assert [m["rule"] for m in y["not_required"]] == ["K-R2"] and "partial_year" in y["not_required"][0]["reason"]
    assert [r["key"] for r in y["requirements"]] == ["K-C6"]  # the cap still cuts


@pytest.mark.rule("K-R2")
def test_registration_year_school_year_and_cycle_year():
    ev = kunming(registration_year="school_year")
    spans = [(y["year"], y["start"], y["end"], y["basis"]) for y in ev["years"]]
    assert spans[0] == (2014, "2014-09-01", "2015-08-31", "school_year")
    assert (2015, "2015-09-01", "2016-08-31", "school_year") in spans
    ev = kunming(registration_year="cycle_year")
    assert [(y["year"], y["start"], y["end"]) for y in ev["years"]][0] == (2015, "2015-02-01", "2016-01-31")
    assert "partial" not in ev["years"][0]  # a cycle year lies inside the cycle and the 2015 method
    assert ev["settings"] == {"registration_year": "cycle_year"}


def test_period_settings_refuse_a_bad_value():
    with pytest.raises(InputError, match="settings: partial_year: 'half' is not one of full, prorated, not_required"):
        parse_case({**KUNMING, "settings": {"partial_year": "half"}})
    case = parse_case(KUNMING)
    with pytest.raises(InputError, match="--set: registration_year: 'fiscal' is not one of"):
        with_settings(case, {"registration_year": "fiscal"}, where="--set")


# -- shares that cut, requirements from rule rows ------------------------------------------------


SHARE_RULES = table("share-test",
                    ("SH-1", "第一条", "at least 72 hours a year", {"minimum": D(72)}),
                    ("SH-2", "第二条", "online training counts at most 50% of the year's counted hours",
                     {"share": D("0.5")}))


class ShareRegion:
    REGION = Region(code="share-test", name="test", units=("hours",),
                    rulesets=(RuleSet("only", None, None, "SH-1", "第一条"),), rules=SHARE_RULES)

    @hookimpl
    def xuefen_convert(self, activity, ruleset):
        return [ruleset.rules.entry("SH-1", activity, hours=activity.hours, buckets=[activity.delivery])]

    @hookimpl
    def xuefen_requirements(self, ruleset):
        t = ruleset.rules
        return [t.requirement("SH-2", "hours", share="share", share_max=True, cut=True, all_of=("online",),
                              label="online"),
                t.requirement("SH-1", "hours", minimum="minimum", label="annual hours")]


@pytest.fixture
def share_region():
    regions.register_region(ShareRegion(), distribution="test-share")
    try:
        yield
    finally:
        regions.unregister_region("share-test")


@pytest.mark.parametrize("online,counted_online,total", [(60, "30", "60"), (20, "20", "50"), (30, "30", "60")])
def test_a_share_that_cuts(share_region, online, counted_online, total):
    acts = (Activity("c", "training", dt.date(2020, 3, 1), delivery="centralized", hours=D(30)),
            Activity("o", "training", dt.date(2020, 4, 1), delivery="online", hours=D(online)))
    ev = evaluate(Case("share-test", dt.date(2020, 12, 31), Teacher("T", "primary"), acts)).as_json()
    y = year(ev, 2020)
    share, minimum = row(y["requirements"], "SH-2"), row(y["requirements"], "SH-1")
    assert (share["status"], share["earned"], share["counted"]) == ("maximum", str(online), counted_online)
    assert any("at most 50%" in n for n in share["notes"])
    assert (minimum["earned"], minimum["counted"]) == (str(30 + online), total)
    o = next(e for e in ev["entries"] if e["activity"] == "o")
    assert o["counted"] == {"hours": counted_online}
    assert ("cut_by" in o) == (online > 30)
    if online > 30:
        assert any("cut to 50%" in n for n in minimum["notes"]) and o["cut_by"] == ["SH-2"]


def test_a_child_changing_one_row_changes_the_requirement():
    """A city with an 80-credit annual minimum under Shandong's 48: one row, none of the province's code."""
    from xuefen_shandong.hooks import REGION as SD
    from xuefen_shandong.rules import RULES as SDR

    city_rules = SDR.child("sd-city", ("S-R1", "第三条", "city: at least 400 a cycle and 80 every year",
                                       {"cycle_years": 5, "cycle_minimum": D(400), "year_minimum": D(80)}))
    city = type("City", (), {"REGION": Region(code="sd-city", name="test city", units=("credits",), parent="shandong",
                                              rulesets=tuple(attrs.evolve(rs, rules=None) for rs in SD.rulesets),
                                              cycle_years=5, cycle_rule=("S-R1", "第三条"), rules=city_rules)})()
    regions.register_region(city, distribution="test-city")
    try:
        t = Teacher("T", "junior", hired_on=dt.date(2008, 9, 1), cycle_start=dt.date(2016, 1, 1))
        acts = (Activity("a", "training", dt.date(2017, 5, 10), level="county", hours=D(60), assessment="pass"),)
        ev = evaluate(Case("sd-city", dt.date(2017, 12, 31), t, acts)).as_json()
        r = row(year(ev, 2017)["requirements"], "S-R1")
        assert (r["required"], r["article"], r["status"]) == ("80", "第三条", "short")
        assert row(ev["cycle"]["requirements"], "S-R1")["required"] == "400"
        parent = evaluate(Case("shandong", dt.date(2017, 12, 31), t, acts)).as_json()
        assert row(year(parent, 2017)["requirements"], "S-R1")["required"] == "48"
    finally:
        regions.unregister_region("sd-city")
