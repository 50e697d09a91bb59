"""Chifeng (赤峰市): hooks. Every number comes from :mod:`xuefen_chifeng.rules`.

The unit is 学分 credits: a required course (C-C1) earns 1 credit per hour, an
elective (C-C2) 0.5 per hour, exact in decimals. The route is decided by the
organiser and the form (第六条, 第八条, 第十条, 第十一条), see :func:`route`.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import attrs

from xuefen import hookimpl
from xuefen.errors import InputError
from xuefen.io import fields as F
from xuefen.model import CertificateSpec, CohortLimit, Field, Flag, Region, RuleSet, Setting, Stage, dec_str

from xuefen_chifeng.labels import LABELS
from xuefen_chifeng.rules import CODE, COUNTY_OR_ABOVE, RULES as R

RULESET = "Chifeng credits method (教师〔2016〕12号)"
REQUIRED, ELECTIVE = "required", "elective"
#: activity fields Chifeng declares beyond FORMATS.md §1 (documented in the plugin README)
BREACH = R["C-V1"].values["field"]
ASSIGNED = R["C-A3"].values["field"]

REGION = Region(
    code=CODE,
    name="赤峰市 Chifeng",
    units=("credits",),
    rulesets=(RuleSet(RULESET, None, None, "C-T1", R["C-T1"].article),),
    source="chifeng.txt: 赤峰市中小学教师培训学分管理办法",
    cycle_years=R["C-R1"].values["cycle_years"],
    cycle_rule=("C-R1", R["C-R1"].article),
    activity_fields=(
        Field(BREACH, "bool", default=False, doc="a disciplinary breach in the activity: the one-vote veto (C-V1)"),
        Field(ASSIGNED, "choice", COUNTY_OR_ABOVE,
              doc="the level of the authority that specially assigned the work, which enters it (C-A3)"),
    ),
    rules=R, labels=LABELS,
)


def _dated(region: Region, settings: dict) -> Region:
    """C-T1: the rule set runs from the ``in_force`` setting, and by the ``not_before_2018`` reading never
    before 2018-01-01 (unset and off: every date)."""
    start = in_force(settings)
    floor = R["C-T1"].values["not_before"] if settings.get("not_before_2018", True) else None
    if floor is not None and (start is None or start < floor):
        start = floor
    if start is None:
        return region
    return attrs.evolve(region, rulesets=tuple(attrs.evolve(rs, start=start) for rs in region.rulesets))


@hookimpl
def xuefen_region(settings):
    return REGION if settings is None else _dated(REGION, settings)


@hookimpl
def xuefen_cycle(teacher, as_of, region, settings):
    """The core's cycle (C-R1), counted from a stated ``in_force`` only: the 2018 floor of ``not_before_2018``
    says when the method can apply, not when anyone's cycle began."""
    from xuefen import defaults
    stated = in_force(settings)
    anchored = REGION if stated is None else attrs.evolve(
        REGION, rulesets=tuple(attrs.evolve(rs, start=stated) for rs in REGION.rulesets))
    return defaults.xuefen_cycle(teacher=teacher, as_of=as_of, region=anchored)


@hookimpl
def xuefen_settings():
    return [
        Setting("in_force", "", "C-T1", R["C-T1"].article,
                "第二十三条: in force from publication, a date the text does not give. Set it (YYYY-MM-DD) to "
                "refuse activities dated before it; unset (the default): every date is under these rules"),
        Setting("not_before_2018", True, "C-T1", R["C-T1"].article,
                "第1条 implements 《中共赤峰市委员会、赤峰市人民政府关于全面深化新时代教师队伍建设改革的实施意见》, "
                "itself implementing the central opinion of 2018 (中发〔2018〕4号): the method cannot be in force "
                "before 2018-01-01, so activities dated earlier are under no rule set of Chifeng (true, the "
                "default); false: only the in_force setting dates it"),
        Setting("unstated_delivery", "centralized", "C-C1", R["C-C1"].article,
                "a training organised by a county-or-above authority whose delivery is not stated is taken as "
                "this delivery: centralized (集中培训, the default) makes it a required course (C-C1); online or "
                "blended an elective (C-C2). Also decides C-R3's centralized part",
                ("centralized", "online", "blended")),
        Setting("unassessed_earns", False, "C-C3", R["C-C3"].article,
                "第十九条 考核合格后方可获得培训学分: an activity with no assessment stated earns nothing until an "
                "assessment of 合格 or 优秀 is recorded (false, the default: refused naming the missing "
                "assessment); true earns it as passed (the earlier reading, not the text's)"),
        Setting("principal_counts_annually", False, "C-R3", R["C-R3"].article,
                "第5条 names only the cycle: by default new-principal training counts (at 50%) towards the cycle "
                "and its required bucket, not towards the annual 50/30; true counts it at 50% there too"),
        Setting("certificate_needs_every_year", True, "C-R5", R["C-R5"].article,
                "第二十条 reads 'every year and the cycle': the cycle verification passes only when every year "
                "of the cycle met its 50/30/20 too (false: the cycle's requirements alone)"),
        Setting("veto_blocks_certificate", True, "C-V1", R["C-V1"].article,
                "the one-vote veto fails the year's training assessment whatever the credits, and with it the "
                "cycle verification (false: the veto is only flagged)"),
    ]


# -- inputs ------------------------------------------------------------------------


def in_force(settings) -> dt.date | None:
    raw = settings.get("in_force") or ""
    if isinstance(raw, dt.date):
        return raw
    if not str(raw).strip():
        return None
    try:
        return F.parse_date(str(raw))
    except ValueError as exc:
        raise InputError(f"setting in_force: {exc}") from None


def in_scope(teacher) -> bool:
    return teacher.stage in R["C-S1"].values["in_scope"]


def dimension(act) -> str | None:
    """The 第七条 dimension (ethics, knowledge, ability) an activity's ``module`` names, or None."""
    if act.module is None:
        return None
    for key, names in R["C-L1"].values["dimensions"].items():
        if act.module.strip() in names:
            return key
    return None


# -- the route: required (C-C1) or elective (C-C2) ---------------------------------------


@attrs.frozen
class Route:
    """Which route an activity takes, why, and any flag the text overrides."""

    route: str | None  #: ``required``, ``elective``, or None when it cannot be decided
    reason: str
    warning: str | None = None
    delivery: str | None = None  #: the delivery taken (stated, or the unstated_delivery setting)


def route(act, settings) -> Route:
    """Required vs elective by organiser and form, not by the teacher's choice (第六条, 第八条, 第十条, 第十一条).

    New-teacher and new-principal training are required whatever the flags; the
    kinds 第十一条 names (school-based, conversions) are elective; for a training
    the ``mandatory`` flag states the route where given (but never makes a
    school-organised activity required: 第六条, 第十条), else self-selected or
    school-level is elective, and a county-or-above organiser with centralized
    delivery is required.
    """
    c1, c2 = R["C-C1"].values, R["C-C2"].values
    delivery = act.delivery or settings["unstated_delivery"]
    if act.kind in c1["kinds"]:
        warn = None
        if act.mandatory is False or act.self_selected:
            warn = f"{act.kind} is a required course by 第十条 whatever the mandatory/self_selected flags"
        return Route(REQUIRED, f"{act.kind} is a required course (第十条)", warn, delivery)
    if act.kind in c1["flagged_kinds"] and act.mandatory is not None:
        if act.mandatory and act.level == "school":
            return Route(ELECTIVE, "school-organised training is school-based study (校本研修, 第六条)",
                         "the mandatory flag cannot make a school-organised activity a required course: 必修 "
                         "courses are those of 国家级…旗（县、区）级 education authorities (第十条); it stays "
                         "elective (第六条, 第十一条)", delivery)
        if act.mandatory:
            return Route(REQUIRED, "mandatory (指令性) course", None, delivery)
        return Route(ELECTIVE, "not mandatory: an elective course", None, delivery)
    if act.kind in c2["kinds"] or act.kind == "other":
        warn = None
        if act.mandatory:
            warn = f"{act.kind} is an elective by 第十一条: the mandatory flag does not make it required"
        return Route(ELECTIVE, f"{act.kind} is an elective (第十一条)", warn, delivery)
    # a training: organiser and form decide
    if act.self_selected:
        return Route(ELECTIVE, "self-selected study (自主选学)", None, delivery)
    if act.level == "school":
        return Route(ELECTIVE, "school-level training is school-based study (校本研修)", None, delivery)
    if act.level is None:
        return Route(None, "level: required to decide the route: a centralized training of a county-or-above "
                           "authority is required (C-C1), other training elective (C-C2); or state mandatory")
    if act.level in c1["levels"] and delivery == c1["delivery"]:
        how = "centralized" if act.delivery else f"centralized (delivery unstated: setting unstated_delivery)"
        return Route(REQUIRED, f"{how} training of a {act.level} authority", None, delivery)
    return Route(ELECTIVE, f"{delivery} training of a {act.level} authority, not mandatory: elective", None, delivery)


# -- conversion ---------------------------------------------------------------


def _buckets(act, rt: Route) -> list[str | None]:
    """The entry's buckets (``R.entry`` drops the empty ones and keeps each once)."""
    out = [rt.route, act.kind]
    if act.level:
        out += [act.level, f"level:{act.level}"]  # the bare level for requirements, the prefixed one for reports
    if rt.delivery == R["C-C1"].values["delivery"] and rt.route == REQUIRED:
        out.append("centralized")
    dim = dimension(act)
    if dim:
        out.append(f"dimension:{dim}")
    return out


def refusal_before(act, teacher, settings) -> list | None:
    """Refusals that come before any conversion: scope (C-S1, C-S2); the core refuses dates before in_force."""
    start = in_force(settings)
    if start is not None and act.date < start:
        return [R.refuse("C-T1", act, f"dated {act.date}, before the method came into force on {start}")]
    if not in_scope(teacher):
        return [R.refuse("C-S1", act, f"a {teacher.stage} teacher is outside the method's scope (第二条 covers "
                                      f"kindergarten, primary and secondary, special education and education "
                                      f"research institutions; 中职 vocational schools are not covered)")]
    if not act.approved_by_authority:
        return [R.refuse("C-S2", act, "not organised, commissioned or recognised by an education authority (第三条)")]
    return None


@hookimpl
def xuefen_convert(activity, teacher, settings):
    act = activity  # its declared fields arrive typed: a bad value was refused where it came in
    early = refusal_before(act, teacher, settings)
    if early:
        return early
    if act.assessment is not None and act.assessment not in R["C-C3"].values["earning"]:
        return [R.refuse("C-C3", act, f"assessment {act.assessment} (不合格): {dec_str(R['C-C3'].values['credits'])} "
                                      f"credits, and the one-vote veto is flagged for {act.date.year} (C-V1)")]
    if act.assessment is None and not settings["unassessed_earns"]:
        return [R.refuse("C-C3", act, "assessment: none recorded: 第十九条 gives credits only after an assessment "
                                      "of 合格 or 优秀 (考核合格后方可获得培训学分); record the assessment "
                                      "(setting unassessed_earns)")]
    rt = route(act, settings)
    if rt.route is None:
        return [R.refuse("C-C1", act, rt.reason)]
    rule = "C-C1" if rt.route == REQUIRED else "C-C2"
    out: list = []
    if rt.warning:
        out.append(R.warning(rule, rt.warning, act))
    if act.credits is not None:
        out.append(R.warning(rule, f"credits {dec_str(act.credits)} stated: not used, the system converts the "
                                   f"hours (第十四条)", act))
    if act.score is not None and act.assessment is None:
        out.append(R.warning("C-C3", f"score {dec_str(act.score)} without an assessment: the method grades "
                                     f"优秀/合格/不合格 (第十九条), so the score is not graded and the activity earns "
                                     f"as passed; state assessment", act))
    if act.hours is None:
        return out + [R.refuse(rule, act, "hours: required: credits are converted from the hours the organising "
                                          "body states"
                                          + (" (days are not converted)" if act.days is not None else ""))]
    rate = R[rule].values["credits_per_hour"]
    credits = act.hours * rate
    note = f"{rt.route} ({rt.reason}): {dec_str(act.hours)} hours × {dec_str(rate)}"
    if act.kind == "principal_training":
        note += f"; {dec_str(R['C-R3'].values['cycle_share'] * 100)}% counts towards the cycle (C-R3)"
    elif act.kind == "new_teacher_training":
        note += "; not counted towards the cycle or the year (C-R4)"
    out.append(R.entry(rule, act, credits=credits, buckets=_buckets(act, rt), note=note))
    if act.module is not None and dimension(act) is None:
        out.append(R.warning("C-L1", f"module {act.module!r} names none of the three dimensions (ethics, "
                                     f"knowledge, ability): reported as unstated", act))
    return out


# -- requirements -------------------------------------------------------------


def _annual(settings):
    """(none_of, weights) for the annual requirements: C-R4 never counts, C-R3 only by setting."""
    if settings["principal_counts_annually"]:
        return ("new_teacher_training",), (("principal_training", R["C-R3"].values["cycle_share"]),)
    return ("new_teacher_training", "principal_training"), ()


@hookimpl
def xuefen_requirements(teacher, period, settings):
    if not in_scope(teacher):
        return []
    if period.kind == "year":
        none_of, weights = _annual(settings)
        return [
            R.requirement("C-R1", "credits", minimum="annual_minimum", none_of=none_of, weights=weights,
                          label="annual credits"),
            R.requirement("C-R2", "credits", minimum="required_annual", all_of=(REQUIRED,), none_of=none_of,
                          weights=weights, label="annual required credits"),
            R.requirement("C-R2", "credits", minimum="elective_annual", all_of=(ELECTIVE,), none_of=none_of,
                          label="annual elective credits"),
        ]
    weights = (("principal_training", R["C-R3"].values["cycle_share"]),)
    reqs = [
        R.requirement("C-R1", "credits", minimum="cycle_minimum", none_of=("new_teacher_training",),
                      weights=weights, label="cycle credits"),
        R.requirement("C-R2", "credits", minimum="required_cycle", all_of=(REQUIRED,),
                      none_of=("new_teacher_training",), weights=weights, label="cycle required credits"),
        R.requirement("C-R2", "credits", minimum="elective_cycle", all_of=(ELECTIVE,),
                      label="cycle elective credits"),
    ]
    if teacher.principal_since is not None and period.contains(teacher.principal_since):
        reqs += [R.requirement("C-R3", "credits", minimum="minimum", all_of=("principal_training",),
                               label="qualification training"),
                 R.requirement("C-R3", "credits", minimum="centralized_minimum",
                               all_of=("principal_training", "centralized"),
                               label="qualification training, centralized")]
    if teacher.hired_on is not None and period.contains(teacher.hired_on):
        reqs.append(R.requirement("C-R4", "credits", minimum="minimum", all_of=("new_teacher_training",),
                                  label="new-teacher training"))
    return reqs


# -- review: the one-vote veto and the notes on C-R3/C-R4 --------------------------------


def vetoes(teacher, activities, settings, as_of=None) -> list[Flag]:
    """C-V1 flags: a failed training or a disciplinary breach during training, one per activity."""
    out = []
    for act in activities:
        if as_of is not None and act.date > as_of:
            continue
        breach = act.extra[BREACH]
        failed = act.assessment == "fail"
        if not (breach or failed) or refusal_before(act, teacher, settings):
            continue
        why = " and ".join(w for w, on in (("failed training (不合格)", failed),
                                           ("disciplinary breach during training", breach)) if on)
        out.append(Flag("C-V1", R["C-V1"].article, "veto",
                        f"one-vote veto (一票否决) on the {act.date.year} assessment: {why}, whatever the credits",
                        activity=act.id, year=act.date.year,
                        vetoes_year=True if settings["veto_blocks_certificate"] else None))
    return out


def _notes(result, entries):
    """Say what C-R3 and C-R4 did to a C-R1/C-R2 total: the entries are shown, their credits counted at 50% or not."""
    req = result.requirement
    if req.rule not in ("C-R1", "C-R2"):
        return result
    base = attrs.evolve(req, none_of=())
    notes = list(result.notes)
    for kind, rule in (("principal_training", "C-R3"), ("new_teacher_training", "C-R4")):
        picked = [e for e in entries if kind in e.buckets and base.selects(e)]
        if not picked:
            continue
        total = sum((e.amount(req.unit) for e in picked), Decimal(0))
        what = "new-principal training" if rule == "C-R3" else "new-teacher training"
        if req.selects(picked[0]):
            notes.append(f"{what}: {dec_str(req.weight(picked[0]) * 100)}% of {dec_str(total)} counted ({rule})")
        else:
            notes.append(f"{what}: {dec_str(total)} not counted ({rule})")
    return attrs.evolve(result, notes=tuple(notes))


@hookimpl
def xuefen_review(evaluation, teacher, history, settings):
    ev = evaluation
    if not in_scope(teacher):  # C-S1: no cycle under these rules, so none is "met" (every activity is refused)
        return attrs.evolve(ev, cycle=None, cycle_results=(), cycle_met=False)
    flags = tuple(vetoes(teacher, history.activities, settings, ev.as_of))
    years = []
    for y, results in ev.years:
        mine = [e for e in ev.entries if e.year == y and e.date <= ev.as_of]
        years.append((y, tuple(_notes(r, mine) for r in results)))
    cycle_results = ev.cycle_results
    if ev.cycle is not None:
        mine = [e for e in ev.entries if ev.cycle.start <= e.date <= min(ev.cycle.end, ev.as_of)]
        cycle_results = tuple(_notes(r, mine) for r in cycle_results)
    warnings = ev.warnings
    if ev.cycle is None and in_scope(teacher):
        warnings += (R.warning("C-R1", "no cycle_start (and no in_force setting to count cycles from): the "
                                       "5-year cycle requirements (C-R1, C-R2) are not checked"),)
    return attrs.evolve(ev, flags=ev.flags + flags, years=tuple(years), cycle_results=cycle_results,
                        warnings=warnings)


# -- certificate: the cycle verification (C-R5) ----------------------------------------------


def year_passes(evaluation, year: int, settings) -> tuple[bool, list[str]]:
    """C-R5 for one year: its requirements met and, by setting, no one-vote veto (C-V1)."""
    why = [f"{r.rule} {r.requirement.label}: {dec_str(r.counted)} of {dec_str(r.threshold)}"
           for r in evaluation.year_results(year) if not r.met and r.requirement.severity == "requirement"]
    if settings["veto_blocks_certificate"]:
        why += [f"C-V1 veto ({f.activity})" for f in evaluation.flags if f.rule == "C-V1" and f.year == year]
    return not why, why


@hookimpl
def xuefen_certificate(teacher, cycle, evaluation, settings):
    if not in_scope(teacher):
        return CertificateSpec(eligible=False, rule="C-S1", article=R["C-S1"].article,
                               reason=f"a {teacher.stage} teacher is outside the method's scope", kind="cycle",
                               status="not_required")
    if cycle is None:
        return None
    short = [f"{r.rule} {r.requirement.label}: {dec_str(r.counted)} of {dec_str(r.threshold)}"
             for r in evaluation.cycle_results if not r.met and r.requirement.severity == "requirement"]
    for y, _ in evaluation.years:
        if not cycle.start.year <= y <= cycle.end.year:
            continue
        ok, why = year_passes(evaluation, y, settings)
        if not ok and settings["certificate_needs_every_year"]:
            short += [f"{y}: {w}" for w in why]
        elif not ok and settings["veto_blocks_certificate"]:
            short += [f"{y}: {w}" for w in why if w.startswith("C-V1")]
    reason = ("annual and cycle credits and structure met: the training assessment passes"
              if not short else "; ".join(short))
    return CertificateSpec(eligible=not short, rule="C-R5", article=R["C-R5"].article, reason=reason,
                           title="赤峰市中小学教师培训学分周期核定", issuer="county (县级及以上教育行政部门, C-A4)",
                           kind="cycle")


# -- workflow -----------------------------------------------------------------


def authority_level(level: str | None) -> str:
    """The org level (province, city, county) of the authority that organised a course at ``level``."""
    return R["C-A1"].values["authority"].get(level or "county", "county")


#: who serves a county stage of a school with no county above it (C-A2: county-or-above authorities confirm (第十一条, 第十五条); a school directly under the city has no county)
CITY = ("city", "city_admin")


@hookimpl
def xuefen_approval_stages(activity, settings, purpose):
    if purpose == "cycle":
        a = R["C-A4"].article
        return [Stage("school_declared", "school_admin", "school", "C-A4", a),
                Stage("county_verified", "county_admin", "county", "C-A4", a, stand_in=CITY)]
    if activity is None:
        return None
    assigned = activity.extra[ASSIGNED]
    if assigned is not None:
        org = authority_level(assigned)
        a = R["C-A3"].article
        stand_in = CITY if org == "county" else None
        return [Stage("authority_entry", f"{org}_admin", org, "C-A3", a, records_assessment=True, stand_in=stand_in),
                Stage("authority_confirmation", f"{org}_admin", org, "C-A3", a, stand_in=stand_in)]
    rt = route(activity, settings)
    if rt.route == REQUIRED:
        org = authority_level(activity.level)
        return [Stage("authority_recognition", f"{org}_admin", org, "C-A1", R["C-A1"].article,
                      records_assessment=True, stand_in=CITY if org == "county" else None)]
    a = R["C-A2"].article
    return [Stage("school_entry", "school_admin", "school", "C-A2", a, records_assessment=True),
            Stage("county_confirmation", "county_admin", "county", "C-A2", a, stand_in=CITY)]


@hookimpl
def xuefen_cohort_limit(activity):
    """C-Q1: at most 25% of a training's participants (activities sharing project_id) excellent."""
    q = R["C-Q1"]
    return CohortLimit("C-Q1", q.article, q.values["share"], q.values["assessment"])


# -- demo -----------------------------------------------------------------------

from xuefen_chifeng.demo import xuefen_demo_data  # noqa: E402,F401  (the hook lives beside its profile)
