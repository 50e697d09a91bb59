"""Issue 13: the core's status vocabulary, keys and readable amounts (docs/formats.md §2)."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest

from xuefen import hookimpl, regions
from xuefen.evaluate import Case, evaluate
from xuefen.model import (Activity, Region, Requirement, RequirementResult, RuleSet, Teacher, requirement_keys,
                          share_text, to_decimal)
from xuefen.rules import table

EMPTY_RULES = table("empty-test", ("E-1", "第一条", "a cycle of five years, nothing required", {}))


class EmptyRegion:
    """A region whose cycle requires nothing: it must never read as met nor certify (issue 13)."""

    REGION = Region(code="empty-test", name="test", units=("hours",),
                    rulesets=(RuleSet("only", dt.date(2015, 1, 1), None, "E-1", "第一条"),),
                    cycle_years=5, cycle_rule=("E-1", "第一条"), rules=EMPTY_RULES)

    @hookimpl
    def xuefen_convert(self, activity, ruleset):
        return [ruleset.rules.entry("E-1", activity, hours=activity.hours)]


@pytest.fixture
def empty():
    regions.register_region(EmptyRegion(), distribution="test-empty")
    try:
        yield
    finally:
        regions.unregister_region("empty-test")


def test_a_cycle_requiring_nothing_is_never_met_and_never_certifies(empty):
    t = Teacher(id="T", stage="primary", cycle_start=dt.date(2015, 1, 1))
    ev = evaluate(Case("empty-test", dt.date(2020, 6, 30), t, (Activity("a", "training", dt.date(2016, 1, 1),
                                                                         hours=D(10)),)))
    out = ev.as_json()
    assert ev.cycle_met is False
    assert (out["cycle"]["met"], out["cycle"]["status"], out["cycle"]["status_rule"]) == (False, "not_required", "E-1")
    cert = out["certificate"]
    assert (cert["eligible"], cert["status"]) == (False, "not_required") and "nothing to certify" in cert["reason"]


def test_a_cycle_before_any_rule_set_says_so(empty):
    t = Teacher(id="T", stage="primary", cycle_start=dt.date(2005, 1, 1))
    out = evaluate(Case("empty-test", dt.date(2010, 6, 30), t, ())).as_json()
    assert out["cycle"]["status"] == "not_required" and "no rule set" in out["cycle"]["status_reason"]
    assert out["certificate"]["eligible"] is False


def test_keys_are_unique_and_independent_of_labels():
    def res(rule, label, **kw):
        return RequirementResult(Requirement(rule, "a", "hours", minimum=1, label=label, **kw), D(0), D(0), D(1),
                                 False)
    rows = [res("C-R2", "必修", all_of=("required",)), res("C-R2", "选修", all_of=("elective",)),
            res("K-C8", "x", key="convener"), res("K-R2", "年度"), res("X-1", "a"), res("X-1", "b")]
    keys = requirement_keys(rows)
    assert keys == ["C-R2.required", "C-R2.elective", "K-C8.convener", "K-R2", "X-1.hours", "X-1.hours.2"]
    mixed = [res("L-1", "h"), RequirementResult(Requirement("L-1", "a", "credits", minimum=1), D(0), D(0), D(1), False)]
    assert requirement_keys(mixed) == ["L-1.hours", "L-1.credits"]
    relabelled = [RequirementResult(attrs_evolve(r.requirement, label="other"), D(0), D(0), D(1), False)
                  for r in rows]
    assert requirement_keys(relabelled) == keys


def attrs_evolve(obj, **kw):
    import attrs
    return attrs.evolve(obj, **kw)


def test_shares_and_amounts_read_as_people_write_them():
    assert [share_text(D(s)) for s in ("0.5", "0.125", "0.6")] == ["50%", "12.5%", "60%"]
    assert share_text(D(1) / D(3)) == "1/3"
    assert [str(to_decimal(v)) for v in ("12.0", "7.50", 12.5, "100")] == ["12", "7.5", "12.5", "100"]


def test_a_requirement_counts_hours_or_credits_and_nothing_else():
    # the evaluator keeps each entry's counted amount per unit: a unit no entry earns is a plugin bug, named
    assert Requirement("E-1", "第一条", "credits", minimum=D(1)).unit == "credits"
    with pytest.raises(ValueError, match="'unit' must be in \\('hours', 'credits'\\) \\(got 'points'\\)"):
        Requirement("E-1", "第一条", "points", minimum=D(1))
