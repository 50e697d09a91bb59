"""The hook machinery: manager order, inheritance, duplicates, and one test per hook.

Meta-tests keep every hook documented (docs/hooks.md, a heading built from the
spec's argument names) and tested (a ``test_hook_<name>`` somewhere in tests/).
"""
from __future__ import annotations

import datetime as dt
import pathlib
import re
from decimal import Decimal as D

import pytest

from xuefen import hookimpl, hookspecs, regions
from xuefen.errors import DuplicateRegion, UnknownRegion
from xuefen.evaluate import Case, evaluate
from xuefen.model import Activity, Entry, Region, RuleSet, Teacher

ROOT = pathlib.Path(__file__).resolve().parents[2]


class EastKunming:
    """A throwaway sub-jurisdiction: school-based hours count double, everything else is Kunming's."""

    @hookimpl
    def xuefen_region(self):
        return Region(code="kunming-east", name="test child", units=("hours",), parent="kunming",
                      rulesets=(RuleSet("test", dt.date(2015, 2, 1), None, "E-1", "test"),),
                      cycle_years=5, cycle_rule=("E-1", "test"))

    @hookimpl
    def xuefen_convert(self, activity):
        if activity.kind != "school_based":
            return None
        return [Entry(activity.id, activity.date.year, activity.date, "E-1", "test", hours=activity.hours * 2,
                      buckets=("school_based",))]


@pytest.fixture
def child_region():
    plugin = EastKunming()
    regions.register_region(plugin, distribution="test-east")
    try:
        yield plugin
    finally:
        regions.unregister_region("kunming-east")


def teacher(**kw):
    return Teacher(id="T1", stage="primary", cycle_start=dt.date(2015, 2, 1), **kw)


def test_hook_order_core_then_parent_then_region(child_region):
    pm = regions.plugin_manager("kunming-east")
    names = [pm.get_name(impl.plugin) for impl in pm.hook.xuefen_convert.get_hookimpls()]
    assert names == ["xuefen.defaults", "region:kunming", "region:kunming-east"]


def test_child_overrides_one_hook_and_inherits_the_rest(child_region):
    acts = (Activity("sb", "school_based", dt.date(2015, 5, 1), hours=D(20)),
            Activity("c", "training", dt.date(2015, 6, 1), level="city", days=D(2)))
    ev = evaluate(Case("kunming-east", dt.date(2015, 12, 31), teacher(), acts))
    by = {e.activity: e for e in ev.entries}
    assert (by["sb"].rule, by["sb"].hours) == ("E-1", D(40))  # the child's own conversion
    assert (by["c"].rule, by["c"].hours) == ("K-C2", D(16))  # inherited from Kunming
    rules = {r.rule for _, rs in ev.years for r in rs}
    assert "K-R2" in rules and "K-C6" in rules  # inherited requirements and caps


def test_duplicate_region_code_names_both_distributions():
    class Impostor:
        @hookimpl
        def xuefen_region(self):
            return Region(code="kunming", name="x", units=("hours",), rulesets=())

    regions.register_region(Impostor(), distribution="xuefen-impostor")
    try:
        with pytest.raises(DuplicateRegion) as exc:
            regions.installed()
        assert "xuefen-impostor" in str(exc.value) and "xuefen-kunming" in str(exc.value)
    finally:
        regions.unregister_region("kunming")


def test_load_plugins_env_restricts_distributions(monkeypatch):
    monkeypatch.setenv("XUEFEN_LOAD_PLUGINS", "")
    regions.reload()
    try:
        assert regions.installed() == {}
        with pytest.raises(UnknownRegion):
            regions.plugin_manager("kunming")
    finally:
        monkeypatch.delenv("XUEFEN_LOAD_PLUGINS")
        regions.reload()
    assert "kunming" in regions.installed()


def test_unknown_hook_in_a_plugin_is_rejected():
    import pluggy

    class Typo:
        @hookimpl
        def xuefen_convret(self):
            return None

    pm = regions.plugin_manager("kunming")
    pm.register(Typo())
    with pytest.raises(pluggy.PluginValidationError):
        pm.check_pending()


# -- one test per hook ----------------------------------------------------------


def rt():
    return regions.runtime("kunming")


def test_hook_xuefen_region():
    r = rt().hook.xuefen_region()
    assert (r.code, r.units, r.parent, r.cycle_years) == ("kunming", ("hours",), None, 5)


def test_hook_xuefen_settings():
    specs = rt().setting_specs
    assert {"degree_validity", "late_claims_next_round", "legacy_counts"} <= set(specs)
    with pytest.raises(Exception, match="unknown setting"):
        regions.runtime("kunming", {"no_such_setting": 1})
    with pytest.raises(Exception, match="not one of"):
        regions.runtime("kunming", {"degree_validity": "forever"})


def test_hook_xuefen_rules():
    from xuefen.rules import rule_rows
    rows = {r["id"]: r for r in rule_rows("kunming")}
    assert rows["K-C6"]["values"]["maximum"] == "48" and rows["K-C6"]["article"] == "第七条"


def test_hook_xuefen_cycle():
    r = rt()
    c = r.hook.xuefen_cycle(teacher=teacher(), as_of=dt.date(2016, 1, 1), region=r.region, settings=r.settings)
    assert (c.start, c.end, c.rule) == (dt.date(2015, 2, 1), dt.date(2020, 1, 31), "K-R1")
    t = Teacher(id="T", stage="primary")
    c = r.hook.xuefen_cycle(teacher=t, as_of=dt.date(2021, 3, 1), region=r.region, settings=r.settings)
    assert (c.start, c.end) == (dt.date(2020, 2, 1), dt.date(2025, 1, 31))


def test_hook_xuefen_convert():
    from xuefen.evaluate import History
    r = rt()
    a = Activity("a", "training", dt.date(2015, 5, 1), level="county", days=D(1))
    out = r.hook.xuefen_convert(activity=a, teacher=teacher(), history=History((a,)),
                                ruleset=r.region.ruleset_on(a.date), settings=r.settings)
    assert [(e.rule, e.hours) for e in out] == [("K-C2", D(8))]


def test_hook_xuefen_requirements():
    from xuefen.model import Period
    r = rt()
    p = Period("cycle", dt.date(2015, 2, 1), dt.date(2020, 1, 31))
    reqs = r.hook.xuefen_requirements(teacher=teacher(), period=p, ruleset=r.region.ruleset_on(p.end),
                                      settings=r.settings)
    assert [(q.rule, q.minimum) for q in reqs] == [("K-R1", D(360))]


def test_hook_xuefen_transition():
    from xuefen.evaluate import History
    r = rt()
    assert r.hook.xuefen_transition(teacher=teacher(), history=History(()), as_of=dt.date(2016, 1, 1),
                                    settings=r.settings) == []


def test_hook_xuefen_review():
    a = Activity("old", "training", dt.date(2014, 12, 1), credits=D(5))
    ev = evaluate(Case("kunming", dt.date(2015, 12, 31), teacher(), (a,)))
    assert [f.kind for f in ev.flags] == ["legacy"]


def test_hook_xuefen_approval_stages():
    r = rt()
    stages = r.hook.xuefen_approval_stages(activity=None, teacher=teacher(), settings=r.settings,
                                           purpose="activity")
    assert stages[-1].level == "county"


def test_hook_xuefen_cohort_limit():
    r = rt()
    a = Activity("a", "school_based", dt.date(2015, 5, 1))
    assert r.hook.xuefen_cohort_limit(activity=a, settings=r.settings).share == D("0.10")


def test_hook_xuefen_certificate():
    a = Activity("a", "training", dt.date(2015, 5, 1), level="national", hours=D(360))
    ev = evaluate(Case("kunming", dt.date(2015, 12, 31), teacher(), (a,)))
    assert ev.certificate.eligible and ev.certificate.rule == "K-R1"


def test_hook_xuefen_org_flags():
    r = rt()
    assert r.hook.xuefen_org_flags(org_id="S", year=2015, evaluations=[], settings=r.settings) == []


def test_hook_xuefen_demo_data():
    r = rt()
    data = r.hook.xuefen_demo_data(seed=1)
    assert data is None or {"orgs", "actors", "teachers", "activities"} <= set(data)


# -- meta-tests -------------------------------------------------------------------


def _specs():
    pm = regions.plugin_manager("kunming")
    return {name: getattr(pm.hook, name).spec for name in dir(pm.hook) if name.startswith("xuefen_")}


def test_every_hook_is_documented():
    doc = (ROOT / "docs" / "hooks.md").read_text(encoding="utf-8")
    for name, spec in _specs().items():
        heading = f"## {name}({', '.join(spec.argnames)})"
        assert heading in doc, f"docs/hooks.md lacks {heading!r}"
        assert spec.function.__doc__, name


def test_every_hook_has_a_test():
    text = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "tests").rglob("test_*.py"))
    have = set(re.findall(r"def (test_hook_xuefen_\w+)", text))
    missing = {f"test_hook_{name}" for name in _specs()} - have
    assert not missing, missing


def test_every_spec_lives_in_hookspecs():
    assert set(_specs()) == {n for n in dir(hookspecs) if n.startswith("xuefen_")}
