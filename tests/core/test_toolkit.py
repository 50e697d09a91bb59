"""The plugin toolkit (:mod:`xuefen.rules`): a rule table's helpers, a child's table, an unknown id; and what
the core answers from a region's declaration (its REGION, its table, settings given to xuefen_region, a review
wrapper extending the parent's)."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import attrs
import pytest

from xuefen import hookimpl, regions
from xuefen.evaluate import Case, evaluate
from xuefen.model import Activity, Entry, Flag, Refusal, Region, RuleRow, RuleSet, Teacher, Warning
from xuefen.rules import CHANGES, RuleTable, UnknownRule, table

PARENT = table(
    "p",
    ("P-1", "第一条", "school-based: at most 48 a year", {"maximum": D(48)}),
    ("P-2", "第二条", "training: hours as stated", {}),
    ("P-3", "第三条", "leave: make up within the cycle", {}),
)
CHILD = PARENT.child(
    "c",
    ("C-1", "第九条", "leave: make up next year", {"next_years": 1}),
    restates={"P-1": "第五条"},
    changes={"C-1": ("P-3",)},
)
ACT = Activity("a1", "school_based", dt.date(2016, 5, 1), level="school", hours=D(10))


def test_table_is_a_mapping_of_rows_by_id():
    assert isinstance(PARENT, RuleTable) and list(PARENT) == ["P-1", "P-2", "P-3"] and len(PARENT) == 3
    assert PARENT["P-1"] == RuleRow("P-1", "第一条", "school-based: at most 48 a year", {"maximum": D(48)}, "p")
    assert [r.id for r in PARENT.values()] == ["P-1", "P-2", "P-3"] and "P-2" in PARENT and "X" not in PARENT


def test_row_article_and_value():
    assert PARENT.row("P-1") is PARENT["P-1"]
    assert PARENT.article("P-2") == "第二条"
    assert PARENT.value("P-1", "maximum") == D(48)
    with pytest.raises(UnknownRule, match=r"rule 'P-1' of p has no value 'minimum' \(it has: maximum\)"):
        PARENT.value("P-1", "minimum")


def test_entry_cites_the_row_and_defaults_the_year():
    e = PARENT.entry("P-1", ACT, hours=D(10), buckets=["school_based", None, "school", "school_based"],
                     note="as recorded")
    assert e == Entry("a1", 2016, dt.date(2016, 5, 1), "P-1", "第一条", hours=D(10),
                      buckets=("school_based", "school"), note="as recorded")
    e = PARENT.entry("P-2", ACT, credits=D(3), year=2017)
    assert (e.year, e.credits, e.hours, e.buckets) == (2017, D(3), None, ())


def test_refuse_warning_and_flag_cite_the_row():
    assert PARENT.refuse("P-2", ACT, "no hours") == Refusal("a1", "P-2", "第二条", "no hours")
    assert PARENT.warning("P-2", "late", ACT) == Warning("P-2", "第二条", "late", activity="a1")
    assert PARENT.warning("P-2", "late") == Warning("P-2", "第二条", "late")
    assert PARENT.flag("P-3", "veto", "short", year=2016) == Flag("P-3", "第三条", "veto", "short", year=2016)


def test_an_unknown_id_is_a_clear_error():
    for call in (lambda: PARENT["P-9"], lambda: PARENT.article("P-9"), lambda: PARENT.entry("P-9", ACT),
                 lambda: PARENT.refuse("P-9", ACT, "x")):
        with pytest.raises(UnknownRule, match=r"rule 'P-9' is not in p's rule table \(known: P-1, P-2, P-3\)"):
            call()
    assert isinstance(UnknownRule("x"), KeyError)  # a mapping's missing key: ``in`` and ``get`` work


def test_child_restates_overrides_and_inherits():
    assert list(CHILD) == ["P-1", "P-2", "P-3", "C-1"]
    assert [r.id for r in CHILD.declared()] == ["P-1", "C-1"]  # what the child answers xuefen_rules with
    restated = CHILD["P-1"]
    assert (restated.article, restated.region, restated.text, restated.values) == (
        "第五条", "c", PARENT["P-1"].text, PARENT["P-1"].values)
    assert CHILD["P-2"] is PARENT["P-2"]  # inherited as it is
    assert CHILD.entry("P-1", ACT, hours=D(1)).article == "第五条"  # the parent's rule, the child's article
    assert CHILD.refuse("P-2", ACT, "x").article == "第二条"
    assert CHILD["C-1"].values == {"next_years": 1, CHANGES: ("P-3",)}
    assert CHILD.changed_by("P-3") == ("C-1",) and PARENT.changed_by("P-3") == () and CHILD.changed_by("P-1") == ()
    with pytest.raises(UnknownRule, match="'C-1' is not in p's"):
        PARENT["C-1"]  # the parent never sees the child's rows


def test_grandchild_inherits_through_the_chain():
    g = CHILD.child("g", ("G-1", "第一条", "own", {}))
    assert g.article("P-1") == "第五条" and g.article("P-3") == "第三条" and g.parent is CHILD
    assert list(g) == ["P-1", "P-2", "P-3", "C-1", "G-1"]


def test_child_declaration_errors():
    with pytest.raises(UnknownRule, match="'P-9' is not in p's"):
        PARENT.child("c", restates={"P-9": "第一条"})
    with pytest.raises(UnknownRule, match="'P-9' is not in p's"):
        PARENT.child("c", ("C-1", "第一条", "x", {}), changes={"C-1": ("P-9",)})
    with pytest.raises(UnknownRule, match="changes names rules C-2"):
        PARENT.child("c", ("C-1", "第一条", "x", {}), changes={"C-2": ("P-1",)})
    with pytest.raises(ValueError, match="both restated and stated"):
        PARENT.child("c", ("P-1", "第一条", "x", {}), restates={"P-1": "第二条"})
    with pytest.raises(ValueError, match="appears twice"):
        table("p", ("P-1", "a", "x"), ("P-1", "b", "y"))


# -- the region declares, the core answers ------------------------------------------------------


WEST_RULES = table("kunming-west", ("W-1", "第一条", "school-based hours count triple", {"factor": D(3)}))


class WestKunming:
    """A throwaway child of Kunming declaring a table, dated by a setting, extending Kunming's review."""

    REGION = Region(code="kunming-west", name="test child", units=("hours",), parent="kunming",
                    rulesets=(RuleSet("west", dt.date(2015, 2, 1), None, "W-1", "第一条"),
                              RuleSet("2006 credit method (legacy)", None, dt.date(2015, 1, 31), "K-T1", "第十九条")),
                    cycle_years=5, cycle_rule=("W-1", "第一条"), rules=WEST_RULES)
    seen: list = []

    @hookimpl
    def xuefen_region(self, settings):
        self.seen.append(settings)
        if settings is None:
            return self.REGION
        start = dt.date.fromisoformat(settings["west_from"])
        return attrs.evolve(self.REGION, rulesets=(attrs.evolve(self.REGION.rulesets[0], start=start),
                                                   *self.REGION.rulesets[1:]))

    @hookimpl
    def xuefen_settings(self):
        from xuefen.model import Setting
        return [Setting("west_from", "2015-02-01", "W-1", "第一条", "first day of the west's rules")]

    @hookimpl
    def xuefen_convert(self, activity, ruleset):
        if activity.kind != "school_based" or ruleset.name != "west":
            return None
        t = ruleset.rules
        return [t.entry("W-1", activity, hours=activity.hours * t.value("W-1", "factor"), buckets=["school_based"])]

    @hookimpl(wrapper=True)
    def xuefen_review(self, evaluation, region):
        ev = (yield) or evaluation  # Kunming's review (its K-T1 legacy flags), then the child's
        return attrs.evolve(ev, flags=ev.flags + (region.rules.flag("W-1", "west", "reviewed in the west"),))


@pytest.fixture
def west():
    regions.register_region(WestKunming(), distribution="test-west")
    try:
        yield
    finally:
        regions.unregister_region("kunming-west")


def test_the_core_answers_xuefen_rules_from_the_declared_table(west):
    from xuefen.rules import rule_rows
    rows = {r["id"]: r for r in rule_rows("kunming-west")}
    assert rows["W-1"]["region"] == "kunming-west" and rows["K-C6"]["region"] == "kunming"
    assert "xuefen_rules" in regions.hooks_of(regions.installed()["kunming-west"].plugin)


def test_a_module_declaring_region_gets_xuefen_region_from_the_core():
    import types
    plugin = types.SimpleNamespace(REGION=attrs.evolve(WestKunming.REGION, code="kunming-north"))
    regions.register_region(plugin, distribution="test-north")
    try:
        assert regions.runtime("kunming-north").region.code == "kunming-north"
        assert regions.hooks_of(plugin) == ["xuefen_region", "xuefen_rules"]
    finally:
        regions.unregister_region("kunming-north")


def test_xuefen_region_is_given_the_resolved_settings(west):
    WestKunming.seen.clear()
    rt = regions.runtime("kunming-west", {"west_from": "2016-01-01"})
    assert rt.region.rulesets[0].start == dt.date(2016, 1, 1)
    assert WestKunming.seen[-1]["west_from"] == "2016-01-01"
    assert regions.installed()["kunming-west"].region.rulesets[0].start == dt.date(2015, 2, 1)  # settings None


def test_every_rule_set_carries_its_regions_table(west):
    rs = regions.runtime("kunming-west").region.rulesets[0]
    assert rs.rules is WEST_RULES
    assert regions.runtime("kunming").region.rulesets[0].rules is None or "K-C6" in regions.runtime(
        "kunming").region.rulesets[0].rules


def test_a_review_wrapper_extends_the_parents_result(west):
    old = Activity("old", "training", dt.date(2014, 12, 1), credits=D(5))
    sb = Activity("sb", "school_based", dt.date(2015, 5, 1), hours=D(10))
    t = Teacher(id="T1", stage="primary", cycle_start=dt.date(2015, 2, 1))
    ev = evaluate(Case("kunming-west", dt.date(2015, 12, 31), t, (old, sb)))
    assert [(f.rule, f.kind) for f in ev.flags] == [("K-T1", "legacy"), ("W-1", "west")]
    assert [(e.rule, e.hours) for e in ev.entries if e.activity == "sb"] == [("W-1", D(30))]
