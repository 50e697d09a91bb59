"""Shandong (山东省): the province's region and hooks, and what the three Shandong codes share.

Every number comes from :mod:`xuefen_shandong.rules`.

The conversion, the requirements, the leave make-up and the certificate are
plain functions taking the rule table to cite (``T``, a :class:`xuefen.rules.RuleTable`).
The hooks take it from what the core hands them, ``ruleset.rules`` or
``region.rules``: for a city whose table is a child of the province's (Dongying
restates the province's rules in its own articles) it is the city's, so one
conversion serves both and every result names the article of the text that
governs the teacher.

Stable names the city modules (:mod:`xuefen_shandong.dongying`, :mod:`xuefen_shandong.weifang`)
import; they will not be renamed:

- the declared fields ``TEACHER_FIELDS``, ``ACTIVITY_FIELDS`` (declare them on your ``Region``; hooks
  read them typed from ``record.extra``), ``school_recognised(act)``;
- S-R2's move between cities: ``teacher_move(teacher)``, ``move_after(teacher, day)``,
  ``moved_in_after(act, teacher, code)`` and ``convert_before_move(act, teacher, history, own_code,
  rule_row)`` (an activity before a move into ``own_code`` is converted under the region it was
  earned in; None otherwise);
- ``REGION``, ``START``/``END`` (S-D1), and the plain functions the province's hooks are made of,
  each taking the table ``T`` to cite: ``convert(act, teacher, history, settings, T)``,
  ``training``, ``school_based``, ``requirements(teacher, period, T)``, ``make_up``,
  ``certificate(ev, T)``, ``stages(T)``.

This module imports neither city module: they import it.
"""
from __future__ import annotations

import datetime as dt
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal, localcontext

import attrs

from xuefen import hookimpl
from xuefen.errors import InputError
from xuefen.model import (CertificateSpec, Entry, Field, Flag, Refusal, Region, Requirement, RuleSet, Setting, Stage,
                          Warning, dec_str)

from xuefen_shandong.labels import SHANDONG as LABELS
from xuefen_shandong.rules import CODE, RULES as R, RULESET

#: teacher fields the Shandong codes declare (FORMATS.md §1 additions), typed by the core
TEACHER_FIELDS = (
    Field("moved_on", "date", doc="the day the teacher moved into this region from another Shandong region (S-R2, D-S1)"),
    Field("previous_region", "id", default="shandong", doc="the region code the teacher moved from"),
    Field("rotation_school_id", "id", doc="the school a rotating (交流轮岗) teacher teaches at (D-R1)"),
)
#: activity fields the Shandong codes declare
ACTIVITY_FIELDS = (
    Field("school_recognised", "bool", default=False, doc="the school recognised it as 自主研习 (S-C6 → S-C5)"),
    Field("school_recognized", "bool", default=False, doc="the same, US spelling"),
    Field("falsified", "bool", default=False, doc="found falsified (S-F1)"),
    Field("absent_without_leave", "bool", default=False,
          doc="Weifang W-Z3: selected for off-duty training, absent without leave"),
)


def school_recognised(act) -> bool:
    """S-C6 → S-C5: the school recognised the activity as 自主研习 (either spelling of the declared field)."""
    return act.extra["school_recognised"] or act.extra["school_recognized"]


START, END = R["S-D1"].values["start"], R["S-D1"].values["end"]

REGION = Region(
    code=CODE,
    name="山东省 Shandong",
    units=("credits",),
    rulesets=(RuleSet(RULESET, START, END, "S-D1", R["S-D1"].article),),
    source="shandong-2015-and-others.txt, 第四篇: 山东省中小学教师继续教育学分管理办法 (鲁教师发〔2015〕3号)",
    cycle_years=R["S-R1"].values["cycle_years"],
    cycle_rule=("S-R1", R["S-R1"].article),
    activity_fields=ACTIVITY_FIELDS,
    teacher_fields=TEACHER_FIELDS,
    rules=R, labels=LABELS,
)

#: kinds that are authority training (S-C1)
TRAINING_KINDS = ("training", "class_teacher_training", "principal_training", "professional_certificate_training")
#: kinds S-C6 names as registrable only when the school recognises them as 自主研习 (S-C5)
SELF_STUDY_KINDS = ("research", "publication", "open_class", "competition", "volunteer_teaching", "mentoring",
                    "studio", "self_study_exam", "other")


@hookimpl
def xuefen_settings():
    return [
        Setting("school_based_rate", R["S-C5"].values["default_rate"], "S-C5", R["S-C5"].article,
                "credits per hour of school-based training or recognised self-study whose record states no "
                "credits (the school sets its own rate; the text gives none)"),
        Setting("degree_year", "academic_year_end", "S-C2", R["S-C2"].article,
                "the calendar year an academic year's 72 degree-study credits count in (本学年: the text names no "
                "calendar year): the year the academic year ends, or the year of the activity's date",
                ("academic_year_end", "activity_date")),
        Setting("leave_makeup", "cycle", "S-L1", R["S-L1"].article,
                "how long a teacher on leave may make up a year's shortfall (the authority sets it; the text "
                "is silent): within the cycle, or in the next year only", ("cycle", "next_year")),
    ]


# -- what the three codes share: S-R2's move between cities --------------------------


def teacher_move(teacher) -> tuple[dt.date | None, str | None]:
    """(moved_on, previous_region) of a teacher, or (None, None)."""
    moved_on = teacher.extra["moved_on"]
    if moved_on is None:
        return None, None
    return moved_on, teacher.extra["previous_region"]


def move_after(teacher, day: dt.date) -> tuple[dt.date | None, str | None]:
    """(moved_on, previous_region) of the move that followed ``day``: from the registry's history of moves
    (``transfers``, written by ``xuefen transfer`` or a ``teachers`` import with ``moved_on``: the first
    move between regions after ``day``, and the region the teacher left), else the declared ``moved_on``/``previous_region``."""
    from xuefen import transfers

    for m in transfers.history(teacher.extra):
        if day < dt.date.fromisoformat(m["on"]) and m.get("from_region") and m["from_region"] != m.get("to_region"):
            return dt.date.fromisoformat(m["on"]), m["from_region"]  # a move between regions (within one: no change)
    return teacher_move(teacher)


def moved_in_after(act, teacher, own_code: str) -> bool:
    """Whether ``act`` predates the teacher's move into ``own_code`` from another region (S-R2)."""
    moved_on, prev = move_after(teacher, act.date)
    return moved_on is not None and act.date < moved_on and prev != own_code


def convert_before_move(act, teacher, history, own_code: str | None, rule_row):
    """S-R2: an activity before the teacher's move is evaluated under the region it was earned in.

    Returns None when the activity is not before a move into ``own_code``.
    """
    from xuefen import regions  # late: the regions are discovered after this module loads

    if own_code is None:
        return None
    moved_on, prev = move_after(teacher, act.date)
    if moved_on is None or act.date >= moved_on or prev == own_code:
        return None
    rid, art = rule_row.id, rule_row.article
    installed = regions.installed()
    if prev not in installed:
        known = ", ".join(sorted(installed))
        raise InputError(f"teacher {teacher.id!r}: previous_region: unknown region {prev!r} (installed: {known})")
    if "shandong" not in [rp.code for rp in regions.chain(prev)]:
        return [Refusal(act.id, rid, art, f"earned in {prev} before the move on {moved_on}: credits are valid "
                                          f"across Shandong only")]
    rt = regions.runtime(prev)
    rs = rt.region.ruleset_on(act.date)
    if rs is None:
        return [Refusal(act.id, rid, art, f"dated {act.date}, before the move on {moved_on}, when no installed rule "
                                          f"set of {prev} was in force")]
    target = rt if rs.delegate is None else rt.delegate(rs.delegate)
    # the teacher as they were in ``prev``: without the move, so ``prev``'s rules (or the province's,
    # which it delegates to) never send the activity back here
    before_move = attrs.evolve(teacher, extra={k: v for k, v in teacher.extra.items()
                                               if k not in ("moved_on", "previous_region", "transfers")})
    results = target.hook.xuefen_convert(activity=act, teacher=before_move, history=history, ruleset=rs,
                                         settings=target.settings) or []
    tag = f"moved_from_{prev}"
    return [attrs.evolve(r, buckets=r.buckets + (tag,)) if isinstance(r, Entry) else r for r in results]


# -- conversion ---------------------------------------------------------------


def _stated_rate(act, T):
    """S-C1: the credits the project states (十四条 依据课程类型及其重要性折算学分), else its stated rate, else
    原则上 1 hour = 1 credit."""
    per = T["S-C1"].values["credits_per_hour"]
    if act.credits is not None and act.hours is not None:
        return act.credits, (f"the project states {dec_str(act.credits)} credits for {dec_str(act.hours)} hours "
                             f"(by course type and importance; 1 hour = 1 credit only 原则上)")
    if act.hours is not None:
        if act.rate is not None:
            return act.hours * act.rate, f"{act.hours} hours × the project's rate {act.rate}"
        return act.hours * per, None
    if act.credits is not None:
        return act.credits, "credits as the certificate states"
    return None, None


def training_buckets(act) -> list[str]:
    """Buckets the structure checks select on: all-staff training (S-R3), face-to-face, 公需科目 (S-R4)."""
    face = act.face_to_face or act.delivery == "centralized"
    return ["training", act.kind, act.level,
            "all_staff" if act.level in R["S-R3"].values["all_staff_levels"] else None,
            "face_to_face" if face and act.level in R["S-R3"].values["face_to_face_levels"] else None,
            "public_subject" if act.public_subject else None,
            "class_teacher" if act.kind == "class_teacher_training" else None]


def training(act, T, credits=None, note=None, rule="S-C1") -> list:
    """S-C1 (and S-R5's class-teacher hours): authority training, passed."""
    if act.assessment == "fail":
        return [T.refuse(rule, act, "assessment fail: only training passed (经考核合格) earns credits")]
    if credits is None:
        credits, note = _stated_rate(act, T)
    if credits is None:
        return [T.refuse(rule, act, "hours required: credits are computed from the hours trained")]
    hours = act.hours if act.kind == "class_teacher_training" else None
    return [T.entry(rule, act, credits=credits, buckets=training_buckets(act), note=note, hours=hours)]


def school_based(act, T, settings, why=None) -> list:
    """S-C5: school-based training and school-recognised self-study at the school's rate."""
    if act.assessment == "fail":
        return [T.refuse("S-C5", act, "assessment fail: the school did not certify it")]
    if act.credits is not None:
        credits, note = act.credits, "credits as the school computed them"
    elif act.hours is not None:
        rate = settings["school_based_rate"]
        credits, note = act.hours * rate, f"{act.hours} hours × {rate} (setting school_based_rate)"
    else:
        return [T.refuse("S-C5", act, "neither credits nor hours stated: the school computes the credits")]
    if why:
        note = f"{why}; {note}"
    kind = "self_study" if act.kind != "school_based" else None
    return [T.entry("S-C5", act, credits=credits, buckets=["school_based", kind, act.kind], note=note)]


def academic_year_end(day: dt.date, first_month: int) -> int:
    """The calendar year in which the academic year containing ``day`` ends."""
    return day.year + 1 if day.month >= first_month else day.year


def degree(act, history, T, settings) -> list:
    """S-C2: national-series study for a higher degree, passing grades: 72 per academic year, once."""
    v = T["S-C2"].values
    if not act.national_series:
        return [T.refuse("S-C6", act, "degree study outside the national education series (国民教育系列) "
                                      "is not in the registration scope")]
    if act.compensatory:
        return [T.refuse("S-C2", act, "compensatory education (学历补偿) is not study for a higher degree by a "
                                      "teacher already holding the qualifying one (第八条)")]
    if act.assessment == "fail":
        return [T.refuse("S-C2", act, "grades not passed (学业成绩合格 required)")]
    ends = academic_year_end(act.date, v["academic_year_first_month"])
    prog = act.program_id or "-"
    label = f"programme {prog}: academic year {ends - 1}-{ends}"
    if any("degree_study" in e.buckets and e.note == label for e in history.entries):
        return [T.refuse("S-C2", act, f"{label} is already credited: never twice for one academic year")]
    year = ends if settings["degree_year"] == "academic_year_end" else act.date.year
    return [T.entry("S-C2", act, credits=v["credits_per_year"], buckets=["degree_study", act.degree_level],
                    note=label, year=year)]


def new_teacher(act, history, T) -> list:
    """S-C3: probation training of at least 120 hours, passed: 72 credits, once."""
    v = T["S-C3"].values
    if act.assessment == "fail":
        return [T.refuse("S-C3", act, "probation training not passed")]
    if act.hours is None or act.hours < v["minimum_hours"]:
        got = "no hours stated" if act.hours is None else f"{dec_str(act.hours)} hours"
        return [T.refuse("S-C3", act, f"probation training must be at least {dec_str(v['minimum_hours'])} hours "
                                      f"({got})")]
    if history.entries_of_kind("new_teacher"):
        return [T.refuse("S-C3", act, "probation training is credited once")]
    return [T.entry("S-C3", act, credits=v["credits"], buckets=["new_teacher", "training", act.level])]


def trainer(act, T) -> list:
    """S-C4: lecturer, course expert or tutor in county-or-above training: 2 × the hours taught."""
    v = T["S-C4"].values
    if act.role == "mentor":
        return None  # 师徒结对 mentoring is not S-C4: S-C6 decides
    if act.level is not None and act.level not in v["levels"]:
        return [T.refuse("S-C4", act, f"only teaching in county-or-above training counts double, not {act.level}")]
    if act.hours is None:
        return [T.refuse("S-C4", act, "hours required: the training hours taught")]
    return [T.entry("S-C4", act, credits=act.hours * v["factor"], buckets=["trainer", act.level],
                    note=f"{dec_str(v['factor'])} × {dec_str(act.hours)} hours taught")]


def convert(act, teacher, history, settings, T) -> list:
    """The province's conversion of one activity, citing table ``T``."""
    if act.extra["falsified"]:
        return [T.refuse("S-F1", act, "falsified (弄虚作假、骗取学分): the credit record is cancelled")]
    kind = act.kind
    recognised = school_recognised(act)
    if kind == "school_based" or (kind in TRAINING_KINDS and act.level == "school"):
        return school_based(act, T, settings)
    if kind in TRAINING_KINDS or kind == "new_teacher_training":
        if not act.approved_by_authority:
            if recognised:
                return school_based(act, T, settings, "not authority training: school-recognised 自主研习")
            return [T.refuse("S-C6", act, "training neither organised nor recognised by an education authority")]
        return new_teacher(act, history, T) if kind == "new_teacher_training" else training(act, T)
    if kind == "degree_study":
        return degree(act, history, T, settings)
    if kind == "trainer":
        out = trainer(act, T)
        if out is not None:
            return out
    if recognised:
        return school_based(act, T, settings, f"{kind}: school-recognised 自主研习")
    return [T.refuse("S-C6", act, f"{kind!r} is not in the registration scope (authority training, degree "
                                  f"study, school-based training and school-recognised self-study); it counts "
                                  f"only when the school recognises it as 自主研习 (school_recognised)")]


@hookimpl
def xuefen_convert(activity, teacher, history, ruleset, settings):
    T = ruleset.rules or R  # the table of the region whose rule set this is: a child's, citing its articles
    moved = convert_before_move(activity, teacher, history, T.region, T["S-R2"])
    if moved is not None:
        return moved
    return convert(activity, teacher, history, settings, T)


# -- requirements -------------------------------------------------------------


def third(r4) -> Decimal:
    """S-R4's share, rounded up in its last digit: a total of exactly a third is not over it."""
    with localcontext() as ctx:
        ctx.rounding = ROUND_CEILING
        return Decimal(r4.values["share_numerator"]) / Decimal(r4.values["share_denominator"])


def tidy_share(evaluation, T):
    """Show S-R4's ceiling to the cent (the comparison was made with the exact share)."""
    cent = Decimal("0.01")
    fixed = []
    for r in evaluation.cycle_results:
        if r.rule == "S-R4":
            r = attrs.evolve(r, threshold=r.threshold.quantize(cent, ROUND_FLOOR))
        fixed.append(r)
    ws = [w for w in evaluation.warnings if w.rule != "S-R4"]
    ws += [T.warning("S-R4", f"{r.requirement.label} in the cycle: {dec_str(r.counted)} credits, "
                     f"above a third of the total ({dec_str(r.threshold)}): advice, nothing is cut")
           for r in fixed if r.rule == "S-R4" and not r.met]
    return attrs.evolve(evaluation, cycle_results=tuple(fixed), warnings=tuple(ws))


def requirements(teacher, period, T) -> list[Requirement]:
    if period.kind == "year":
        if teacher.hired_on is not None and period.year < teacher.hired_on.year:
            return []  # not yet teaching that year
        return [T.requirement("S-R1", "credits", minimum="year_minimum", label="annual credits")]
    r4 = T["S-R4"]
    reqs = [
        T.requirement("S-C5", "credits", maximum="maximum", all_of=("school_based",),
                      label="school-based and self-study"),
        T.requirement("S-R1", "credits", minimum="cycle_minimum", label="cycle credits"),
        T.requirement("S-R3", "credits", minimum="all_staff_minimum", all_of=("all_staff",), severity="warning",
                      label="all-staff training by county-and-above authorities"),
        T.requirement("S-R3", "credits", minimum="face_to_face_minimum", all_of=("face_to_face",),
                      severity="warning", label="face-to-face training by city/county"),
        # the share is a third rounded up (``third``), not a value of the row: built here
        Requirement("S-R4", r4.article, "credits", share=third(r4), share_max=True, all_of=("public_subject",),
                    severity="warning", label="公需科目 share"),
    ]
    if teacher.class_teacher:
        reqs.append(T.requirement("S-R5", "hours", minimum="minimum_hours", all_of=("class_teacher",),
                                  label="class-teacher training hours"))
    return reqs


def overlaps(period, start, end) -> bool:
    return period.start <= end and period.end >= start


@hookimpl
def xuefen_requirements(teacher, period, ruleset, settings):
    if ruleset is None:  # the period ends after the rules expired: they still govern the part in force
        return requirements(teacher, period, R) if overlaps(period, START, END) else []
    return requirements(teacher, period, ruleset.rules or R)


# -- review: leave make-up (S-L1), falsified credits (S-F1) -------------------


def leave_years(teacher) -> set[int]:
    return {y for lv in teacher.leave for y in range(lv.start.year, lv.end.year + 1)}


def annual(results):
    return next((r for r in results if r.rule == "S-R1" and r.requirement.minimum is not None), None)


def make_up(evaluation, teacher, window, rule_row, consecutive_window=None):
    """Let later years' surplus over their own minimum make up a leave year's shortfall.

    ``window(year, years)`` gives the later years that may make up ``year``'s
    shortfall; ``consecutive_window`` (Dongying) the window when the year before
    or after is short too. Returns ``(changed evaluation, whether a shortfall is
    still to make up)``, or None when nothing applies.
    """
    on_leave = leave_years(teacher)
    if not on_leave:
        return None
    ys = [y for y, _ in evaluation.years]
    res = {y: annual(rs) for y, rs in evaluation.years}
    surplus = {y: max(r.counted - r.threshold, Decimal(0)) if r else Decimal(0) for y, r in res.items()}
    changed: dict[int, object] = {}
    warnings = list(evaluation.warnings)
    short_years = {y for y, r in res.items() if r is not None and not r.met}
    pending = False
    for y in ys:
        r = res[y]
        if r is None or r.met or y not in on_leave:
            continue
        consecutive = any(z in short_years and z in on_leave for z in (y - 1, y + 1))  # 连续2年: both years
        later = (consecutive_window or window)(y, ys) if consecutive else window(y, ys)
        need = r.threshold - r.counted
        used = []
        for z in later:
            take = min(surplus.get(z, Decimal(0)), need)
            if take > 0:
                surplus[z] -= take
                need -= take
                used.append(f"{dec_str(take)} from {z}")
            if need <= 0:
                break
        art = f"{rule_row.id} {rule_row.article}"
        if need <= 0:
            note = f"on leave: shortfall of {dec_str(r.threshold - r.counted)} made up ({', '.join(used)}; {art})"
            changed[y] = attrs.evolve(r.waive(rule_row.id, rule_row.article, note), notes=r.notes + (note,))
        else:
            pending = True
            last = max(later) if later else y
            msg = (f"on leave in {y}: {dec_str(need)} credits still to make up, by the end of {last}"
                   + (" (two consecutive years short: within the cycle)" if consecutive else ""))
            changed[y] = attrs.evolve(r, notes=r.notes + (f"{msg} ({art})",))
            warnings.append(Warning(rule_row.id, rule_row.article, msg))
    if not changed:
        return None
    years = tuple((y, tuple(changed[y] if (r is res[y] and y in changed) else r for r in rs))
                  for y, rs in evaluation.years)
    return attrs.evolve(evaluation, years=years, warnings=tuple(warnings)), pending


def cycle_years(evaluation, y, ys):
    end = evaluation.cycle.end.year if evaluation.cycle else max(ys)
    return [z for z in ys if y < z <= end]


def falsified_flags(evaluation):
    flags = tuple(Flag(r.rule, r.article, "integrity", "falsified credits: the credit record is cancelled",
                       activity=r.activity) for r in evaluation.refused if r.rule == "S-F1")
    return attrs.evolve(evaluation, flags=evaluation.flags + flags) if flags else evaluation


@hookimpl
def xuefen_review(evaluation, teacher, history, settings, region):
    T = region.rules or R  # the evaluated region's table: a child's teacher cites the child's articles
    ev = tidy_share(falsified_flags(evaluation), T)
    if T.changed_by("S-L1"):
        return ev  # a child's own leave rule (Dongying's D-L1) makes up instead, extending this review
    if settings["leave_makeup"] == "next_year":
        window = lambda y, ys: [z for z in ys if z == y + 1]  # noqa: E731
    else:
        window = lambda y, ys: cycle_years(ev, y, ys)  # noqa: E731
    done = make_up(ev, teacher, window, T["S-L1"])
    return done[0] if done else ev


# -- certificate (S-R6) ---------------------------------------------------------


def certificate(evaluation, T, title="山东省中小学教师继续教育学分 (周期)"):
    if evaluation.cycle is None:
        return None
    short = [r for r in evaluation.cycle_results if r.requirement.severity == "requirement" and not r.met]
    c = evaluation.cycle
    short += [r for y, rs in evaluation.years if c.start.year <= y <= c.end.year
              for r in rs if r.requirement.severity == "requirement" and not r.met]
    r6 = T["S-R6"]
    if not short:
        reason = "every annual and cycle requirement is met"
    else:
        reason = ("; ".join(f"{r.rule} {r.requirement.label}: {dec_str(r.counted)} of {dec_str(r.threshold)} "
                            f"{r.requirement.unit}" for r in short)
                  + ": teacher-qualification registration deferred, no higher title, assessment not 优秀")
    return CertificateSpec(eligible=not short, rule="S-R6", article=r6.article, reason=reason, title=title,
                           issuer="education authority (with human resources)", kind="cycle")


@hookimpl
def xuefen_certificate(cycle, evaluation):
    return certificate(evaluation, R)


# -- workflow (S-A1) --------------------------------------------------------------


#: who serves a county stage of a school with no county above it (our reading (the recognising authority's rule): a school directly under the city has no county; the city serves its county stage)
CITY = ("city", "city_admin")


def stages(T, rule="S-A1"):
    a = T[rule].article
    return [Stage("school_registration", "school_admin", "school", rule, a, records_assessment=True),
            Stage("authority_recognition", "county_admin", "county", rule, a, stand_in=CITY)]


@hookimpl
def xuefen_approval_stages(purpose):
    return stages(R)


# -- demo ---------------------------------------------------------------------------


@hookimpl
def xuefen_demo_data(seed):
    """Deterministic demo rows for an invented Shandong county (FORMATS.md §3)."""
    from xuefen_shandong.demo import demo_rows
    return demo_rows(seed, CODE)
