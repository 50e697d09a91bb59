"""Dongying (东营市): a child of ``shandong`` that states only its differences: its region and hooks.

Source: 东营市中小学教师继续教育学分管理办法, 2015-12-04, in force to 2020-12-03
(docs/regulations/shandong-2015-and-others.txt, 第五篇; digest docs/rules/shandong.md).
Its table, rule-set names and the province's rows it restates or changes are in
:mod:`xuefen_shandong.rules` (``DONGYING_RULES``, a child of the province's ``RULES``); the
core hands that table to the province's hooks with every Dongying rule set and region, so
they cite Dongying's articles. Everything not answered here is answered by
:mod:`xuefen_shandong.hooks`, registered before this module in the plugin manager.
"""
from __future__ import annotations

from decimal import Decimal as D

import attrs

from xuefen import hookimpl
from xuefen.model import Region, RuleSet, Setting, Transition, dec_str

from xuefen_shandong import hooks as province
from xuefen_shandong.labels import DONGYING as LABELS
from xuefen_shandong.rules import DONGYING_CODE as CODE, DONGYING_OLD_RULESET as OLD, DONGYING_RULES as RULES
from xuefen_shandong.rules import DONGYING_RULESET as CURRENT, RULES as S

T1, D1 = RULES["D-T1"].values, RULES["D-D1"].values

REGION = Region(
    code=CODE, name="东营市 Dongying", units=("credits",), parent="shandong",
    rulesets=(RuleSet(CURRENT, D1["start"], D1["end"], "D-D1", RULES.article("D-D1")),
              RuleSet(OLD, None, T1["old_rules_until"], "D-T1", RULES.article("D-T1"))),
    source="shandong-2015-and-others.txt, 第五篇: 东营市中小学教师继续教育学分管理办法 (2015-12-04)",
    cycle_years=S["S-R1"].values["cycle_years"], cycle_rule=("S-R1", RULES["S-R1"].article),
    activity_fields=province.ACTIVITY_FIELDS, teacher_fields=province.TEACHER_FIELDS, rules=RULES, labels=LABELS,
)


@hookimpl
def xuefen_settings():
    a = RULES.article("D-T1")
    return [Setting("old_certificate_valid", True, "D-T1", a, "credits registered on the old certificate "
                    "(activities with legacy true) dated before 2012-07-01 stay valid"),
            Setting("old_rules", "province_in_force", "D-T1", a,
                    "training 2012-07-01 to 2015-12-03 not registered on the old certificate: computed under the "
                    "province's rules in force on its date (the 2015 rules from 2015-03-31; before that the 2009 "
                    "rules, not installed, so refused), or under Dongying's 2015 rules",
                    ("province_in_force", "dongying"))]


# -- conversion: only what differs ------------------------------------------------


def _current(act, teacher, history, settings):
    """D-C1, D-C2, D-S1; None where the province's conversion (with Dongying's articles) applies."""
    if act.extra["falsified"]:
        return None
    c1 = RULES["D-C1"].values
    if act.kind in c1["kinds"] and act.approved_by_authority and (
            act.level in c1["levels"] or (act.level is None and act.kind == "volunteer_teaching")):
        if act.hours is None:
            return [RULES.refuse("D-C1", act, "hours required: the hours of the task")]
        return [RULES.entry("D-C1", act, credits=act.hours * c1["factor"],
                            buckets=["trainer", act.kind, act.level],
                            note=f"{dec_str(c1['factor'])} × {dec_str(act.hours)} hours")]
    if act.kind not in province.TRAINING_KINDS or act.level == "school":
        return None
    if act.public_subject and not act.approved_by_authority:
        return province.training(act, RULES, rule="D-S1")
    if act.approved_by_authority and act.hours is not None and act.credits is not None:
        return province.training(act, RULES, credits=act.credits, rule="D-C2",
                                 note=f"certificate states {dec_str(act.hours)} hours and {dec_str(act.credits)} "
                                      f"credits: the credits")
    return None


def _old(act, teacher, history, settings):
    """D-T1: before 2015-12-04."""
    old_certificate = act.date <= T1["old_certificate_until"]  # registered on the old certificate by then
    if old_certificate and not settings["old_certificate_valid"]:
        return [RULES.refuse("D-T1", act, "old-certificate credits not counted (setting "
                                          "old_certificate_valid is false)")]
    if old_certificate or act.legacy:  # registered on the old certificate: as registered
        if act.credits is None:
            return [RULES.refuse("D-T1", act, "an old-certificate record counts the credits registered "
                                              "on it, and this one states none")]
        return [RULES.entry("D-T1", act, credits=act.credits,
                            buckets=["legacy", "old_certificate" if old_certificate else "old_rules"],
                            note="registered on the old 山东省中小学教师继续教育证书")]
    if settings["old_rules"] == "dongying":
        out = _current(act, teacher, history, settings) or province.convert(act, teacher, history, settings, RULES)
    elif province.REGION.ruleset_on(act.date) is None:
        return [RULES.refuse("D-T1", act, f"dated {act.date}: computed under the old provincial and city "
                                          f"rules in force then (鲁教师字〔2009〕14号), which are not "
                                          f"installed")]
    else:  # the province's 2015 rules were in force on its date: they decide, citing the province
        out = province.convert(act, teacher, history, settings, S)
    return [attrs.evolve(r, buckets=r.buckets + ("old_rules",)) if hasattr(r, "buckets") else r for r in out]


@hookimpl
def xuefen_convert(activity, teacher, history, ruleset, settings):
    if province.moved_in_after(activity, teacher, CODE):
        return None  # S-R2: the province converts it under the region it was earned in
    if ruleset.name == OLD:
        return _old(activity, teacher, history, settings)
    return _current(activity, teacher, history, settings)


@hookimpl
def xuefen_requirements(teacher, period, ruleset, settings):
    if ruleset is not None and ruleset.name == OLD:
        return []  # the old rules' requirements are not installed
    if ruleset is None:
        return province.requirements(teacher, period, RULES) if province.overlaps(
            period, D1["start"], D1["end"]) else []
    return None


@hookimpl
def xuefen_transition(teacher, history, as_of, settings):
    a = RULES.article("D-T1")
    out = []
    old = [e for e in history.entries if "old_certificate" in e.buckets]
    old_refused = [r for r in history.refused if r.rule == "D-T1" and "old-certificate" in r.reason]
    if old or old_refused:
        valid = settings["old_certificate_valid"]
        total = sum((e.credits for e in old), D(0))
        out.append(Transition("D-T1", a, "old_certificate_valid" if valid else "old_certificate_not_counted",
                              f"{len(old) + len(old_refused)} old-certificate record(s)"
                              + (f", {dec_str(total)} credits, stay valid" if valid else ": not counted"),
                              data={"credits": total, "valid": valid}))
    window = [x for x in history.activities if T1["old_rules_from"] <= x.date <= T1["old_rules_until"]
              and not x.legacy and not province.moved_in_after(x, teacher, CODE)]
    if window:
        out.append(Transition("D-T1", a, "old_rules", f"{len(window)} activit(ies) from 2012-07-01 to 2015-12-03 "
                              f"not on the old certificate: computed under {settings['old_rules']}",
                              data={"activities": [x.id for x in window], "old_rules": settings["old_rules"]}))
    return out


@hookimpl(wrapper=True)
def xuefen_review(evaluation, teacher):
    """The province's review (S-R4, S-F1, citing Dongying's articles; its S-L1 gives way to D-L1), then D-L1."""
    ev = (yield) or evaluation
    nxt = RULES.value("D-L1", "next_years")
    done = province.make_up(ev, teacher, lambda y, ys: [z for z in ys if y < z <= y + nxt], RULES["D-L1"],
                            consecutive_window=lambda y, ys: province.cycle_years(ev, y, ys))
    if not done:
        return ev
    ev, pending = done
    if pending and ev.cycle is not None and ev.as_of >= ev.cycle.end:  # 视同未完成
        ev = attrs.evolve(ev, cycle_met=False, flags=ev.flags + (RULES.flag(
            "D-L1", "incomplete", "leave shortfall not made up within the cycle: the cycle's "
            "continuing education counts as not completed"),))
    return ev


@hookimpl
def xuefen_certificate(cycle, evaluation):
    return province.certificate(evaluation, RULES, title="东营市中小学教师继续教育学分 (周期)")


@hookimpl
def xuefen_approval_stages(teacher, purpose):
    st = province.stages(RULES)
    if teacher is not None and teacher.extra.get("rotation_school_id"):
        st[0] = attrs.evolve(st[0], rule="D-R1", article=RULES.article("D-R1"))
    return st


@hookimpl
def xuefen_org_flags(org_id, year, evaluations):
    """D-P1: the school publishes every teacher's annual credits."""
    rows = []
    for ev in evaluations:
        r = province.annual(ev.year_results(year))
        rows.append(f"{ev.teacher} {dec_str(r.counted) if r else '0'}")
    if not rows:
        return []
    return [RULES.flag("D-P1", "publish", f"publish {year}'s annual credits of all {len(rows)} "
                       f"teachers: " + ", ".join(rows), year=year)]


@hookimpl
def xuefen_demo_data(seed):
    """The province's demo county, its org rows in Dongying."""
    from xuefen_shandong.demo import demo_rows
    return demo_rows(seed, CODE)
