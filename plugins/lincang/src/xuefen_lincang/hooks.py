"""Lincang (临沧市): hooks. Every number comes from :mod:`xuefen_lincang.rules`.

Lincang counts hours (学时) **and** credits (学分): a training's entry carries
both, and the requirements come in both units, every year and every cycle
(第十一条 last paragraph).
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import attrs

from xuefen import hookimpl
from xuefen.defaults import add_years
from xuefen.errors import InputError
from xuefen.io import fields as F
from xuefen.model import (CertificateSpec, Field, Flag, Region, Requirement, RequirementResult, RuleSet, Setting,
                          Stage, dec_str, to_decimal)

from xuefen_lincang.labels import LABELS
from xuefen_lincang.rules import CODE, COUNTY_PLUS, MODULES, RULES as R

IN_FORCE = R["L-D1"].values["in_force"]
RULESET = "2017 全员培训管理办法（试行）"
#: region-declared activity fields (FORMATS.md §1 allows a region's own): L-F1 and L-P2 facts
ACTIVITY_FIELDS = (
    Field("falsified", "bool", default=False, doc="found falsified: the claim is revoked, an integrity record (L-F1)"),
    Field("per_plan", "bool", default=True, doc="school-based training held as the school's plan says (L-C2)"),
    Field("effective", "bool", default=True, doc="school-based training judged effective (L-C2)"),
    Field(R["L-E2"].values["field"], "bool", default=True,
          doc="entered in the information system: a record not entered counts for nothing (L-E2)"),
    Field(R["L-I1"].values["field"], "bool", default=False, doc="IT (信息技术) training: L-I1's 50 hours"),
)
#: kinds converted as a training project under L-C1 (第十条, and 第十二条 first paragraph)
TRAINING_KINDS = ("training", "school_based", "class_teacher_training", "principal_training")
#: the module a kind's credits go to when the record names none
DEFAULT_MODULE = {"school_based": "school_based", "class_teacher_training": "class_management"}

REGION = Region(
    code=CODE,
    name="临沧市 Lincang",
    units=("hours", "credits"),
    rulesets=(RuleSet(RULESET, IN_FORCE, None, "L-D1", R["L-D1"].article),),
    source="lincang-2017.txt: 临沧市中小学教师全员培训管理办法（试行）(临教发〔2017〕105号 附件2)",
    cycle_years=R["L-H1"].values["cycle_years"],
    cycle_rule=("L-H1", R["L-H1"].article),
    activity_fields=ACTIVITY_FIELDS,
    integrity_rule=("L-F1", R["L-F1"].article),
    rules=R, labels=LABELS,
)


@hookimpl
def xuefen_settings():
    c1 = R["L-C1"].values
    return [
        Setting("rate_out_of_range", "refuse", "L-C2", R.article("L-C2"),
                "第十条 gives the rate ranges as what applies 一般 (normally): refuse an activity whose rate lies "
                "outside its range (default), or warn and compute its credits with the stated rate",
                ("refuse", "warn")),
        Setting("grade_coefficients", dict(c1["coefficients"]), "L-C1", R.article("L-C1"),
                "performance coefficient by grade (pass 合格 60-69, fair 中 70-79, good 良 80-89, excellent 优 "
                "90-100); default reads 0.1/0.15/0.2/0.25 as ascending from 合格, so a better grade earns more; "
                "swap the values for the other reading"),
        Setting("assessment_grades", dict(c1["assessment_grades"]), "L-C1", R.article("L-C1"),
                "with no score, the grade an assessment reads as (default: excellent as 优, pass as 合格)"),
        Setting("self_selected_default", "school_based", "L-S1", R.article("L-S1"),
                "a record that says neither self_selected nor mandatory: only school-based research counts as "
                "self-selected (default; 第七条 含校本研修), or every record not marked mandatory does",
                ("school_based", "not_mandatory")),
        Setting("blended_rate_range", "level", "L-C2", R.article("L-C2"),
                "blended training takes its level's rate range (default) or the online range",
                ("level", "online")),
        Setting("hours_when_credits_withheld", "count", "L-C3", R.article("L-C3"),
                "the text withholds only credits from failed training (第十三条) and from school-based research "
                "not per plan or ineffective (第十五条): its hours still count, shown as an entry with zero "
                "credits (default), or the activity is refused", ("count", "refuse")),
        Setting("centralized_hours", "days", "L-H5", R.article("L-H5"),
                "a centralized training stating both days and hours counts 6 hours per day (default, 第九条 "
                "按照每天6学时计算) or its stated hours", ("days", "stated")),
        Setting("hire_year_annual", "required", "L-H4", R.article("L-H4"),
                "第九条 asks 72 hours (and 第十一条 72 credits) of every teacher every year and is silent on a "
                "new teacher's year of hiring, when the 120 induction hours are due and not counted: the annual "
                "minimums still apply that year (default), or only the induction minimums do",
                ("required", "induction_only")),
        Setting("required_courses", "mandatory", "L-S2", R.article("L-S2"),
                "附件1 三(三) sets 选学 hours against 必修 hours without saying which records are 必修: those marked "
                "`mandatory` (default; every other record is 选学), or every record that is not self-selected "
                "(L-S1's reading of 自主选学)", ("mandatory", "not_self_selected")),
        Setting("it_training_cycles", "containing_deadline", "L-I1", R.article("L-I1"),
                "附件1 三(二) asks the 50 hours of the 信息技术应用能力提升工程 by 2017: of the cycle that includes "
                "2017-12-31 (default), of every cycle, or of none (`off`: reported nowhere)",
                ("containing_deadline", "every_cycle", "off")),
        Setting("induction_year", "first_twelve_months", "L-H4", R.article("L-H4"),
                "任职第一年: induction within 12 months of hired_on counts in the year of hiring (default), or "
                "only induction dated in the calendar year of hiring", ("first_twelve_months", "calendar")),
    ]


# -- helpers ------------------------------------------------------------------------


def _module(act, kind_default=None):
    m = act.module or kind_default
    if m is not None and m not in MODULES:
        raise F.problem(act, "module", f"{m!r} is not one of {', '.join(MODULES)}")
    return m


def _self_selected(act, school_based, settings):
    """L-S1: an explicit ``self_selected`` wins; otherwise setting ``self_selected_default``."""
    if act.self_selected is not None:
        return act.self_selected
    if act.mandatory:
        return False
    return school_based or settings["self_selected_default"] == "not_mandatory"


def _hours(act, settings, warnings):
    """L-H5: 6 hours a day for centralized training, actual hours online."""
    per_day = R["L-H5"].values["hours_per_day"]
    if act.delivery == "online":
        if act.hours is None:
            raise F.problem(act, "hours", "required: online training counts its actual hours (L-H5)")
        return act.hours, "online: actual hours (L-H5)"
    if act.days is not None:
        by_days = act.days * per_day
        centralized = act.kind != "school_based" and act.delivery in (None, "centralized")
        if act.hours is None or (centralized and settings["centralized_hours"] == "days"):
            if act.hours is not None and act.hours != by_days:
                warnings.append(R.warning("L-H5", f"stated {dec_str(act.hours)} hours, counted "
                                                  f"{dec_str(act.days)} days × {dec_str(per_day)} = "
                                                  f"{dec_str(by_days)} (setting centralized_hours)", act))
            return by_days, f"{dec_str(act.days)} days × {dec_str(per_day)} hours (L-H5)"
    if act.hours is not None:
        return act.hours, None
    raise F.problem(act, "hours", "required: hours, or days of centralized training (L-H5)")


def _grade(act, settings):
    """L-C1/L-C3: the grade of a score (bands half-open), else of the assessment; ``fail`` below 60."""
    c1 = R["L-C1"].values
    if act.score is not None:
        if act.score < R["L-C3"].values["pass_score"]:
            return "fail", f"score {dec_str(act.score)}"
        for low, grade in c1["bands"]:
            if act.score >= low:
                return grade, f"score {dec_str(act.score)}"
    if act.assessment is not None:
        grade = settings["assessment_grades"].get(act.assessment)
        if grade != "fail" and grade not in c1["coefficients"]:
            raise InputError(f"settings: assessment_grades: {act.assessment!r} maps to {grade!r}, not one of "
                             f"{', '.join(c1['coefficients'])} or fail")
        return grade, f"assessment {act.assessment}"
    raise F.problem(act, "score", "required: a score from 0 to 100 (or an assessment) grades the training (L-C1)")


def _coefficient(grade, settings):
    table = settings["grade_coefficients"]
    if not isinstance(table, dict) or set(table) != set(R["L-C1"].values["coefficients"]):
        raise InputError(f"settings: grade_coefficients: needs exactly the grades "
                         f"{', '.join(R['L-C1'].values['coefficients'])}")
    try:
        value = to_decimal(table[grade] if not isinstance(table[grade], str) else table[grade].strip())
    except Exception:
        value = None
    if value is None or not value.is_finite() or value < 0:
        raise InputError(f"settings: grade_coefficients: {grade}: {table[grade]!r} is not a number ≥ 0")
    return value


def rate_range(act, school_based, settings):
    """L-C2: the (low, high) range of the activity's project rate."""
    c2 = R["L-C2"].values
    online = act.delivery == "online" or (act.delivery == "blended" and settings["blended_rate_range"] == "online")
    if school_based or online:
        return c2["school_or_online"], "school-based or online"
    return c2["ranges"][act.level], act.level


# -- conversion ---------------------------------------------------------------------


def _withheld(act, rule, hours, buckets, note, settings):
    """L-C3/L-P2: credits withheld; the hours stay (setting ``hours_when_credits_withheld``)."""
    if settings["hours_when_credits_withheld"] == "refuse":
        return [R.refuse(rule, act, note + "; refused (setting hours_when_credits_withheld)")]
    return [R.entry(rule, act, hours=hours, credits=R[rule].values["credits"], buckets=buckets, note=note)]


def _training(act, settings):
    school_based = act.kind == "school_based" or act.level == "school"
    if not school_based and act.level is None:
        raise F.problem(act, "level", f"required: one of {', '.join(COUNTY_PLUS)} or school (L-C2, L-H2)")
    warnings: list = []
    p1 = R["L-P1"].values
    if act.published_on is not None and act.level in p1["levels"] and not school_based \
            and act.published_on.month not in p1["months"]:
        warnings.append(R.warning("L-P1", f"a {act.level} project published on {act.published_on}, not in March "
                                          f"or September", act))
    if not act.approved_by_authority and not school_based:
        return [R.refuse("L-A1", act, "training not approved by the same-level education authority "
                                      "(organised outside the education system)")] + warnings
    hours, hours_note = _hours(act, settings, warnings)
    module = _module(act, DEFAULT_MODULE.get(act.kind) or ("school_based" if school_based else None))
    buckets = [act.kind, act.level or "school",
               "school_based" if school_based else ("county_plus" if act.level in COUNTY_PLUS else None),
               f"module:{module}" if module else None,
               "self_selected" if _self_selected(act, school_based, settings) else None,
               "mandatory" if act.mandatory else None,
               "it_training" if act.extra[R["L-I1"].values["field"]] else None]
    notes = [n for n in (f"{dec_str(hours)} hours" + (f" ({hours_note})" if hours_note else ""),) if n]
    if school_based:
        why = []
        if not act.approved_by_authority:
            why.append("plan not approved by the county authority")
        if not act.extra["per_plan"]:
            why.append("not carried out per plan")
        if not act.extra["effective"]:
            why.append("assessed as ineffective")
        if why:
            return _withheld(act, "L-P2", hours, buckets,
                             "; ".join(notes + [", ".join(why) + ": no credits (L-P2)"]), settings) + warnings
    grade, how = _grade(act, settings)
    if grade == "fail":
        return _withheld(act, "L-C3", hours, buckets + ["failed"],
                         "; ".join(notes + [f"{how}: fail (不合格), no credits; costs on the teacher (L-C3)"]),
                         settings) + warnings
    if act.rate is None:
        raise F.problem(act, "rate", "required: the project rate (学分/学时) the publishing authority set (L-C2)")
    (low, high), what = rate_range(act, school_based, settings)
    if not low <= act.rate <= high:
        msg = f"rate {dec_str(act.rate)} outside the {what} range {dec_str(low)}-{dec_str(high)}"
        if settings["rate_out_of_range"] == "refuse":
            return [R.refuse("L-C2", act, msg)] + warnings
        warnings.append(R.warning("L-C2", msg + "; credited as stated (setting rate_out_of_range)", act))
    coefficient = _coefficient(grade, settings)
    base = act.rate * hours
    performance = base * coefficient
    credits = base + performance
    name = R["L-C1"].values["grade_names"][grade]
    notes.append(f"base {dec_str(act.rate)} × {dec_str(hours)} = {dec_str(base)}; {how}: {name} "
                 f"{dec_str(coefficient)} × {dec_str(base)} = {dec_str(performance)}")
    if module is None:
        warnings.append(R.warning("L-R1", "no module: its credits count only towards the total", act))
    return [R.entry("L-C1", act, hours=hours, credits=credits, buckets=buckets, note="; ".join(notes))] + warnings


def _induction(act, teacher, settings):
    """L-H4: induction hours, shown but not counted towards the cycle; no credits."""
    warnings: list = []
    hours, hours_note = _hours(act, settings, warnings)
    practical = act.practical_hours
    if practical is not None and practical > hours:
        raise F.problem(act, "practical_hours", f"{dec_str(practical)} is more than the {dec_str(hours)} hours")
    year = act.date.year
    h4 = R["L-H4"].values
    hired = teacher.hired_on
    if (settings["induction_year"] == "first_twelve_months" and hired is not None
            and hired <= act.date < add_years(hired, h4["first_year_years"])):
        year = hired.year
    note = "induction (上岗培训): not counted towards the cycle (L-H4)" + (f"; {hours_note}" if hours_note else "")
    base = [act.kind, "induction", act.level]
    out = []
    if practical:
        out.append(R.entry("L-H4", act, hours=practical, buckets=base + ["practical"], year=year,
                           note=note + f"; practical part {dec_str(practical)}"))
    if hours - (practical or 0) > 0 or not out:
        out.append(R.entry("L-H4", act, hours=hours - (practical or 0), buckets=base, year=year, note=note))
    return out + warnings


def _trainer(act, settings):
    """L-T1: hours taught × the level's factor, credits only."""
    factors = R["L-T1"].values["factors"]
    if act.level is None:
        raise F.problem(act, "level", f"required: the training project's level ({', '.join(factors)}) (L-T1)")
    if act.level not in factors:
        return [R.refuse("L-T1", act, f"teaching on a {act.level}-level project earns no credits under 第十二条 "
                                      f"(国培, provincial, 州市 and county projects only)")]
    if act.hours is None:
        raise F.problem(act, "hours", "required: the hours taught (L-T1)")
    f = factors[act.level]
    module = _module(act)
    return [R.entry("L-T1", act, credits=act.hours * f,
                    buckets=["trainer", act.level, f"module:{module}" if module else None,
                             "self_selected" if _self_selected(act, False, settings) else None],
                    note=f"{dec_str(act.hours)} hours taught × {dec_str(f)}; credits only, no hours (L-T1)")]


def _stated(act, settings):
    """L-T2: the authority's stated credits, recorded as stated."""
    if act.assessment == "fail" or act.subjects_passed == 0:
        return [R.refuse("L-T2", act, "not awarded or no exam passed: 第十二条 converts only completed, awarded or "
                                      "passed work")]
    if act.credits is None:
        raise F.problem(act, "credits", "required: the credits the authority stated for it (L-T2, 按相关规定)")
    module = _module(act)
    return [R.entry("L-T2", act, credits=act.credits,
                    buckets=[act.kind, act.level, f"module:{module}" if module else None,
                             "self_selected" if _self_selected(act, False, settings) else None],
                    note="credits as the authority stated (第十二条 按相关规定); no hours")]


@hookimpl
def xuefen_convert(activity, teacher, history, ruleset, settings):
    act = activity
    if teacher.stage in R["L-Z1"].values["excluded"]:
        return [R.refuse("L-Z1", act, f"{teacher.stage} teachers are governed by other rules (第二十五条: 中等职业学校"
                                      f"教师的学分管理办法另行规定)")]
    if act.extra["falsified"]:
        return [R.refuse("L-F1", act, "falsified hours, grade or credits: the training's credits are void and the "
                                      "case is entered in the teacher's integrity file (诚信档案)")]
    if not act.extra[R["L-E2"].values["field"]]:
        return [R.refuse("L-E2", act, "in_system: false: not entered in the information system (未按规定录入信息管理"
                                      "系统); its hours and credits are no basis for registration or assessment")]
    if act.kind == "new_teacher_training":
        return _induction(act, teacher, settings)
    if act.kind in TRAINING_KINDS:
        return _training(act, settings)
    if not act.approved_by_authority:
        return [R.refuse("L-A1", act, "not approved by the same-level education authority")]
    if act.kind == "trainer":
        return _trainer(act, settings)
    if act.kind in R["L-T2"].values["kinds"]:
        return _stated(act, settings)
    return [R.refuse("L-N1", act, f"no article of the Lincang text converts an activity of kind {act.kind!r}")]


# -- requirements --------------------------------------------------------------------


@hookimpl
def xuefen_requirements(teacher, period, ruleset, settings):
    if ruleset is None or teacher.stage in R["L-Z1"].values["excluded"]:
        return []
    key = "year" if period.kind == "year" else "cycle"
    hire_year = period.kind == "year" and teacher.hired_on is not None and period.year == teacher.hired_on.year
    reqs = [] if hire_year and settings["hire_year_annual"] == "induction_only" else [
        R.requirement("L-H1", "hours", minimum=key, label="hours in total", none_of=("induction",)),
        R.requirement("L-H2", "hours", minimum=key, label="county-level-and-above training",
                      all_of=("county_plus",)),
        R.requirement("L-H3", "hours", minimum=key, label="school-based research", all_of=("school_based",)),
        R.requirement("L-R1", "credits", minimum=key, label="credits in total"),
    ] + [R.requirement(rule, "credits", minimum=key, label=f"module {R[rule].values['module']}",
                       all_of=(f"module:{R[rule].values['module']}",))
         for rule in ("L-R2", "L-R3", "L-R4", "L-R5", "L-R6")]
    if period.kind == "cycle":
        reqs.append(R.requirement("L-S1", "credits", share="share", all_of=("self_selected",),
                                  label="self-selected projects"))
        i1 = R["L-I1"].values
        which = settings["it_training_cycles"]
        if which == "every_cycle" or (which == "containing_deadline" and period.contains(i1["deadline"])):
            reqs.append(R.requirement("L-I1", "hours", minimum="minimum", label="信息技术应用能力提升工程 training",
                                      all_of=("it_training",)))
    elif hire_year:
        reqs += [R.requirement("L-H4", "hours", minimum="minimum", all_of=("induction",), label="induction"),
                 R.requirement("L-H4", "hours", minimum="practical", all_of=("induction", "practical"),
                               label="induction, practical part")]
    return reqs


def _required_course(entry, settings) -> bool:
    """L-S2: whether an entry is a required (必修) course by the setting ``required_courses``."""
    if settings["required_courses"] == "mandatory":
        return "mandatory" in entry.buckets
    return "self_selected" not in entry.buckets


def elective_hours(evaluation, settings) -> RequirementResult | None:
    """L-S2 (附件1 三(三)): the cycle's elective (选学) hours against its required (必修) hours, induction aside."""
    cycle = evaluation.cycle
    if cycle is None:
        return None
    last = min(cycle.end, evaluation.as_of)
    mine = [e for e in evaluation.entries if cycle.start <= e.date <= last and "induction" not in e.buckets
            and e.hours is not None]
    required = sum((e.hours for e in mine if _required_course(e, settings)), Decimal(0))
    elective = sum((e.hours for e in mine if not _required_course(e, settings)), Decimal(0))
    threshold = required * R["L-S2"].values["ratio"]
    req = Requirement("L-S2", R.article("L-S2"), "hours", minimum=threshold,
                      label="elective (选学) hours, at least the required (必修) hours")
    how = "records marked mandatory" if settings["required_courses"] == "mandatory" else "records not self-selected"
    return RequirementResult(req, elective, elective, threshold, elective >= threshold,
                             (f"required (必修) hours {dec_str(required)}: {how} (setting required_courses)",))


@hookimpl
def xuefen_review(evaluation, teacher, history, settings):
    evaluation = _with_elective_hours(evaluation, teacher, settings)
    flags = []
    for e in evaluation.entries:
        if e.rule == "L-C3":
            flags.append(R.flag("L-C3", "liability", "failed training: no credits, and the costs of the training "
                                "fall on the teacher (第十三条)", activity=e.activity, year=e.year))
    for r in evaluation.refused:
        if r.rule == "L-C3":
            flags.append(R.flag("L-C3", "liability", "failed training: no credits, and the costs of the training "
                                "fall on the teacher (第十三条)", activity=r.activity))
        elif r.rule == "L-F1":
            act = next((a for a in history.activities if a.id == r.activity), None)
            flags.append(R.flag("L-F1", "integrity", "falsified record: its credits are void; entered in the "
                                "teacher's integrity file (诚信档案)", activity=r.activity,
                                year=act.date.year if act else None))
    for rec in (teacher.extra or {}).get("integrity", ()) if isinstance(teacher.extra, dict) else ():
        if isinstance(rec, dict):  # integrity-file records the database keeps (xuefen revoke --falsified)
            why = rec.get("reason")
            flags.append(Flag(rec.get("rule") or "L-F1", rec.get("article") or R.article("L-F1"), "integrity",
                              "entered in the teacher's integrity file (诚信档案): revoked as falsified, the "
                              "training's credits are void" + (f" ({why})" if why else ""),
                              activity=rec.get("activity")))
    if not flags:
        return evaluation
    return attrs.evolve(evaluation, flags=evaluation.flags + tuple(flags))


def _with_elective_hours(evaluation, teacher, settings):
    if teacher.stage in R["L-Z1"].values["excluded"]:
        return evaluation
    row = elective_hours(evaluation, settings)
    if row is None:
        return evaluation
    results = evaluation.cycle_results + (row,)
    met = all(r.met for r in results if r.requirement.severity == "requirement")
    return attrs.evolve(evaluation, cycle_results=results, cycle_met=met)


def short_years(evaluation, cycle) -> list[str]:
    """L-E1: every year of the cycle short in hours or credits, named with its rows."""
    out = []
    for year, results in evaluation.years:
        if not cycle.start.year <= year <= cycle.end.year:
            continue
        short = [r for r in results if not r.met and r.requirement.severity == "requirement"]
        if short:
            out.append(f"{year}: " + ", ".join(f"{r.rule} {dec_str(r.counted)} of {dec_str(r.threshold)} "
                                               f"{r.requirement.unit}" for r in short))
    return out


@hookimpl
def xuefen_certificate(teacher, cycle, evaluation):
    if teacher.stage in R["L-Z1"].values["excluded"]:
        return CertificateSpec(eligible=False, rule="L-Z1", article=R.article("L-Z1"),
                               reason=f"{teacher.stage} teachers' credits are governed by other rules",
                               status="not_required")
    if cycle is None:
        return None
    short = [f"{r.rule}: {dec_str(r.counted)} of {dec_str(r.threshold)} {r.requirement.unit}"
             for r in evaluation.cycle_results if not r.met and r.requirement.severity == "requirement"]
    years = short_years(evaluation, cycle)
    if years:
        short.append("every year's hours and credits too (第十一条): " + "; ".join(years))
    reason = "; ".join(short) if short else "the cycle's and every year's hours and credits are all met"
    return CertificateSpec(eligible=not short, rule="L-E1", article=R.article("L-E1"), reason=reason,
                           title="教师资格定期注册：全员培训学时学分", issuer="county/city education authority",
                           kind="cycle")


# -- workflow ------------------------------------------------------------------------


#: who serves a county stage of a school with no county above it (our reading (L-W1, L-W2): a school directly under the city has no county; the city serves its county stage)
CITY = ("city", "city_admin")


@hookimpl
def xuefen_approval_stages(activity, purpose):
    """L-W1/L-W2 (第十五条): the leader's and the authority head's approvals are electronic signatures."""
    if purpose != "activity":
        return None
    school_based = activity is not None and (activity.kind == "school_based" or activity.level == "school")
    if school_based:
        a = R.article("L-W2")
        return [Stage("entered", "school_admin", "school", "L-W2", a, signed=True, records_assessment=True),
                Stage("leader_signed", "county_admin", "county", "L-W2", a, signed=True, stand_in=CITY),
                Stage("authority_signed", "province_admin", "province", "L-W2", a)]
    a = R.article("L-W1")
    level = R["L-W1"].values["leader_level"].get(activity.level if activity else None, "county")
    return [Stage("entered", "project_leader", level, "L-W1", a, signed=True, records_assessment=True,
                  stand_in=("city", "project_leader") if level == "county" else None),
            Stage("leader_signed", "county_admin", "county", "L-W1", a, signed=True, stand_in=CITY),
            Stage("authority_signed", "province_admin", "province", "L-W1", a)]


# -- demo -------------------------------------------------------------------------------

from xuefen_lincang.demo import xuefen_demo_data  # noqa: E402,F401  (the hook lives beside its profile)
