"""Weifang (潍坊市): its own 36-credit scheme, then the province's rules: its region and hooks. Every number
comes from :mod:`xuefen_shandong.rules` (``WEIFANG_RULES``, ids W-*).

Weifang is a child of ``shandong`` in time. Its region declares two kinds of dated rule set:
Weifang's own scheme (:data:`SCHEME`) until the day before the cut-over (W-T1, the named setting
``weifang_cutover``, 2015-03-31 by default), and from that day the province's rule sets, each
with ``delegate="shandong"``. The core converts each activity with the rule set in force on its
date (a delegated set is answered by the province's plugin); the hooks here answer for Weifang's
own set and hand every other period to the set's delegate, so no hook tests a date itself.

How a Weifang activity says what it is (FORMATS.md §1 fields, plus ``module`` values):

- a required course (W-C1): ``mandatory`` true with the city bureau's ``credits``;
- centralized training of a county-or-above authority (W-C2): ``kind`` training, ``level``, ``hours``
  (a project's own ``credits`` or ``rate`` wins: 原则上);
- reports and lectures (W-C3): ``module`` ``lecture``; backbone-teacher training (W-C4): ``module``
  ``backbone``; a postgraduate course (W-C6): ``module`` ``postgraduate_course``;
- degree study (W-C5): ``kind`` degree_study with ``normal_school``, ``graduated``, ``degree_level``;
- research (W-C7): ``kind`` research, appraised (``assessment`` pass); teaching research (W-C8): ``kind``
  open_class, ``role`` trainee (attending, by ``hours``) or any other role (giving it, by ``level``);
- mentoring (W-C9): ``kind`` mentoring with ``credits``; textbooks (W-C10): ``kind`` publication, ``module``
  ``textbook``; papers (W-C11): ``kind`` publication (``module`` ``monograph`` for a monograph);
- school-organised or county-approved education (W-C12, W-C13): ``level`` school or ``kind`` school_based
  (or ``kind`` other at county level) with the approving authority's ``credits``;
- W-Z3: the declared field ``absent_without_leave``.
"""
from __future__ import annotations

import calendar
import datetime as dt
from decimal import Decimal

import attrs

from xuefen import hookimpl, regions
from xuefen.defaults import add_years, cycle_from
from xuefen.errors import InputError
from xuefen.io import fields as F
from xuefen.model import (CertificateSpec, Cycle, Entry, Field, Region, RuleSet, Setting, Stage, Transition, Warning,
                          dec_str)

from xuefen_shandong.hooks import ACTIVITY_FIELDS, TEACHER_FIELDS, convert_before_move
from xuefen_shandong.labels import WEIFANG as LABELS
from xuefen_shandong.rules import DEGREE_ORDER, RULES as S, RULESET, WEIFANG_CODE as CODE
from xuefen_shandong.rules import WEIFANG_COUNTY_AND_ABOVE as COUNTY_AND_ABOVE, WEIFANG_RULES as R
from xuefen_shandong.rules import WEIFANG_SCHEME as SCHEME

PARENT = "shandong"
CUTOVER = R["W-T1"].values["cutover"]
WEIFANG = "weifang"  #: bucket on every entry of Weifang's own scheme
REQUIRED, ELECTIVE = "required", "elective"
#: Weifang's own declared fields (W-Z4, W-A2), beside the ones the Shandong codes share
VIOLATION = R["W-Z4"].values["field"]
APPLIED = R["W-A2"].values["field"]


def _own_ruleset(cutover: dt.date) -> RuleSet:
    return RuleSet(SCHEME, None, cutover - dt.timedelta(days=1), "W-T1", R["W-T1"].article)

#: Weifang's teacher fields: the province's, and W-R4's graduate kind (moved here from the core's Teacher)
WEIFANG_TEACHER_FIELDS = TEACHER_FIELDS + (
    Field("normal_school_graduate", "bool", default=False,
          doc="graduated from a normal (teacher-training, 师范类) programme: the probation minimums (W-R4)"),
    Field(VIOLATION, "date", doc="the day a report of a 《十不》 violation was verified (W-Z4)"),
)

REGION = Region(
    code=CODE,
    name="潍坊市 Weifang",
    units=("credits",),
    # as declared; the runtime re-derives the province's sets from the parent and the cut-over setting (_dated)
    rulesets=(_own_ruleset(CUTOVER),
              RuleSet(f"{RULESET} ({CODE})", CUTOVER, S["S-D1"].values["end"], "S-D1", S["S-D1"].article,
                      delegate=PARENT)),
    source="shandong-2015-and-others.txt, part 3: 潍坊市中小学教师继续教育学分制管理规定(试行)",
    parent=PARENT,
    cycle_years=R["W-R1"].values["cycle_years"],
    cycle_rule=("W-R1", R["W-R1"].article),
    activity_fields=ACTIVITY_FIELDS + (
        Field(APPLIED, "date", doc="the day the organiser applied in writing for the training (W-A2)"),),
    teacher_fields=WEIFANG_TEACHER_FIELDS,
    rules=R, labels=LABELS,
)


def cutover(settings: dict) -> dt.date:
    """W-T1: the first day of the province's rules for Weifang teachers (setting ``weifang_cutover``)."""
    raw = settings.get("weifang_cutover", CUTOVER.isoformat())
    try:
        return F.parse_date(raw)
    except ValueError as exc:
        raise InputError(f"setting weifang_cutover: {exc}") from None


def _parent_runtime(settings: dict, code: str = PARENT):
    """The delegate region's runtime with the settings it knows (a child sees its parent's settings)."""
    base = regions.runtime(code)
    overrides = {k: v for k, v in settings.items() if k in base.setting_specs and v != base.settings.get(k)}
    return regions.runtime(code, overrides) if overrides else base


def _dated(region: Region, settings: dict) -> Region:
    """Weifang's own set until the day before the cut-over, then the parent's sets, delegated to it.

    Each delegated set is named for Weifang and carries Weifang's table (a child of the province's,
    whose S-* rows are the province's), so the province's hooks cite the province's articles and know
    they answer for a Weifang teacher: a teacher who moved from Weifang (S-R2) is not sent back to
    Weifang again.
    """
    day = cutover(settings)
    later = []
    for rs in _parent_runtime(settings).region.rulesets:
        if rs.end is not None and rs.end < day:
            continue
        start = day if rs.start is None or rs.start < day else rs.start
        later.append(attrs.evolve(rs, name=f"{rs.name} ({CODE})", start=start, delegate=rs.delegate or PARENT,
                                  rules=R))
    return attrs.evolve(region, rulesets=(_own_ruleset(day), *later))


def _region(settings: dict) -> Region:
    return _dated(REGION, settings)


def _governing(day: dt.date, settings: dict) -> RuleSet | None:
    return _region(settings).ruleset_on(day)


@hookimpl
def xuefen_region(settings):
    return REGION if settings is None else _dated(REGION, settings)


@hookimpl
def xuefen_settings():
    return [
        Setting("weifang_cutover", CUTOVER.isoformat(), "W-T1", R["W-T1"].article,
                "the Weifang text has no end date: from this day (YYYY-MM-DD; default 2015-03-31, the day the "
                "province's 鲁教师发〔2015〕3号 came into force) a Weifang teacher's activities are evaluated as "
                "shandong, and a period ending on or after it by the province's rules"),
        Setting("straddling_cycle", "split", "W-T1", R["W-T1"].article,
                "a cycle that began under Weifang's scheme and runs past the cut-over: the texts are silent. "
                "`split` (default): the cut-over ends the old cycle, whose W-R2/W-R3 are reported for the part "
                "under Weifang's scheme (transition W-T1), and the province's 5-year cycle starts on the cut-over "
                "day; Weifang's credits (10 hours = 1 credit) never count towards the province's periods. "
                "`province`: the whole cycle is checked by the province's rules, Weifang's credits counting as "
                "weifang_credits_in_province_periods says", ("split", "province")),
        Setting("weifang_credits_in_province_periods", True, "W-T1", R["W-T1"].article,
                "with straddling_cycle `province` only: credits earned under Weifang's scheme before the cut-over "
                "count one-for-one towards a year or cycle the province's rules check (credits are valid across "
                "the province, 第六条); false: they do not"),
        Setting("probation_months", R["W-R4"].values["probation_months"], "W-R4", R["W-R4"].article,
                "第十三条 does not state how long probation (试用期) lasts: entries dated within this many months "
                "from hired_on count towards W-R4"),
        Setting("probation_counts_in_cycle", True, "W-R4", R["W-R4"].article,
                "第十三条 'then the rest of the cycle': probation credits count towards the cycle's W-R2/W-R3 too "
                "(default); false: the cycle's 10 + 26 must come from after probation"),
    ]


# -- conversion ---------------------------------------------------------------------


def _per_hour(act, rule):
    rate = R[rule].values["credits_per_hour"]
    if act.hours is None:
        return None, None
    return act.hours * rate, f"{dec_str(act.hours)} hours × {dec_str(rate)}"


def _add_months(day: dt.date, months: int) -> dt.date:
    y, m = divmod(day.month - 1 + months, 12)
    year, month = day.year + y, m + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _in_probation(teacher, day, settings) -> bool:
    """W-R4: the day falls in the teacher's probation (``probation_months`` from ``hired_on``)."""
    if teacher.hired_on is None:
        return False
    months = int(settings.get("probation_months", R["W-R4"].values["probation_months"]))
    return teacher.hired_on <= day < _add_months(teacher.hired_on, months)


def _same_cycle(a: dt.date, b: dt.date, cycle) -> bool:
    if cycle is None:
        return True
    return cycle.start <= a <= cycle.end and cycle.start <= b <= cycle.end


def _training(act, teacher, settings):
    module = act.module
    if module == "lecture":
        if act.level not in R["W-C3"].values["levels"]:
            return [R.refuse("W-C3", act, f"reports and lectures count when the city or county bureau organised "
                                          f"them, not {act.level or 'an unstated level'}")]
        credits, note = _per_hour(act, "W-C3")
        if credits is None:
            return [R.refuse("W-C3", act, "hours required: 1 hour = 0.1 credit")]
        return [R.entry("W-C3", act, credits=credits, buckets=[WEIFANG, ELECTIVE, "lecture", act.level],
                        note=note)]
    if module == "postgraduate_course":
        if teacher.stage not in R["W-C6"].values["stages"]:
            return [R.refuse("W-C6", act, f"a postgraduate course (研究生课程进修班) counts for senior-high teachers, "
                                          f"not {teacher.stage}")]
        if not (act.graduated or act.assessment in ("pass", "excellent")):
            return [R.refuse("W-C6", act, "completion certificate (结业证书) required: graduated true or assessment "
                                          "pass")]
        return [R.entry("W-C6", act, credits=R["W-C6"].values["credits"],
                        buckets=[WEIFANG, ELECTIVE, "postgraduate_course"])]
    if act.level == "school" or act.kind == "school_based":
        return _approved_by_county_or_school(act, school=True)
    if act.level in R["W-C2"].values["levels"]:
        if act.delivery in ("online", "blended"):
            if act.level == "county" and act.credits is not None:
                return _approved_by_county_or_school(act)
            return [R.refuse("W-C2", act, f"{act.delivery} training is not centralized training (集中培训); only a "
                                          f"county bureau's approved course with stated credits counts (W-C12)")]
        if act.credits is not None:
            return [R.entry("W-C2", act, credits=act.credits,
                            buckets=[WEIFANG, ELECTIVE, "centralized", act.level],
                            note="credits stated by the project (原则上)")]
        if act.rate is not None and act.hours is not None:
            return [R.entry("W-C2", act, credits=act.hours * act.rate,
                            buckets=[WEIFANG, ELECTIVE, "centralized", act.level],
                            note=f"{dec_str(act.hours)} hours × the project's rate {dec_str(act.rate)} (原则上)")]
        credits, note = _per_hour(act, "W-C2")
        if credits is None:
            return [R.refuse("W-C2", act, "hours required: 10 hours = 1 credit")]
        return [R.entry("W-C2", act, credits=credits, buckets=[WEIFANG, ELECTIVE, "centralized", act.level],
                        note=note)]
    return [R.refuse("W-C2", act, "the organising authority's level is required (county or above: W-C2; school: "
                                  "W-C12)")]


def _approved_by_county_or_school(act, school=False):
    if act.credits is None:
        return [R.refuse("W-C12", act, "the approving authority sets the credits: credits required")]
    buckets = [ELECTIVE, act.level or "school"]
    if school or act.level == "school":
        buckets.append("school_organised")
    return [R.entry("W-C12", act, credits=act.credits, buckets=(WEIFANG, *buckets),
                    note="credits set by the approving authority")]


def _backbone(act, history):
    table_ = R["W-C4"].values["credits"]
    if act.level not in table_:
        return [R.refuse("W-C4", act, f"backbone-teacher training counts at county, city, provincial or national "
                                      f"level, not {act.level or 'an unstated level'}")]
    if act.assessment not in ("pass", "excellent") and not act.graduated:
        return [R.refuse("W-C4", act, "the certificate (合格证书) is required: assessment pass")]
    amount = table_[act.level]
    best = sum((e.credits for e in history.entries if "backbone" in e.buckets and WEIFANG in e.buckets
                and _same_cycle(e.date, act.date, history.cycle)), Decimal(0))
    if best >= amount:
        return [R.refuse("W-C4", act, f"only the highest backbone training counts, once: {dec_str(best)} already "
                                      f"credited in the cycle, {act.level} gives {dec_str(amount)}")]
    note = (f"{act.level} {dec_str(amount)}" if not best else
            f"highest level counts once: {act.level} {dec_str(amount)} tops up the {dec_str(best)} already credited")
    return [R.entry("W-C4", act, credits=amount - best, buckets=[WEIFANG, ELECTIVE, "backbone", act.level],
                    note=note)]


def _degree(act, teacher, history):
    if not act.national_series:
        return [R.refuse("W-C5", act, "degree study outside the national education series (国民教育系列)")]
    if not act.normal_school:
        return [R.refuse("W-C5", act, "only 师范类 degree study counts (normal_school)")]
    if not act.graduated:
        return [R.refuse("W-C5", act, "credited with the degree certificate (graduated true on its date)")]
    qualifying = R["W-C5"].values["qualifying_degree"].get(teacher.stage)
    if qualifying is not None:
        if act.degree_level is None:
            return [R.refuse("W-C5", act, f"degree_level required: a {teacher.stage} teacher's degree must be above "
                                          f"{qualifying}")]
        if DEGREE_ORDER.index(act.degree_level) <= DEGREE_ORDER.index(qualifying):
            return [R.refuse("W-C5", act, f"{act.degree_level} is not above a {teacher.stage} teacher's qualifying "
                                          f"degree ({qualifying})")]
    prog = act.program_id or act.id
    if any(e.rule == "W-C5" and e.note == f"programme {prog}" for e in history.entries):
        return [R.refuse("W-C5", act, f"programme {prog} already credited")]
    return [R.entry("W-C5", act, credits=R["W-C5"].values["credits"],
                    buckets=[WEIFANG, ELECTIVE, "degree_study", act.degree_level],
                    note=f"programme {prog}")]


def _levelled(act, rule, bucket):
    amounts = R[rule].values["credits"]
    if act.level not in amounts:
        levels = ", ".join(amounts)
        return [R.refuse(rule, act, f"counts at {levels} level, not {act.level or 'an unstated level'}")]
    n = act.events if act.events is not None else 1
    amount = amounts[act.level] * n
    note = f"{n} × {dec_str(amounts[act.level])} ({act.level})" if n != 1 else None
    return [R.entry(rule, act, credits=amount, buckets=[WEIFANG, ELECTIVE, bucket, act.level], note=note)]


def _violation_on(teacher) -> dt.date | None:
    """W-Z4: the day a report of a 《十不》 violation was verified (teacher field ``ten_nos_violation_on``)."""
    return teacher.extra[VIOLATION]


def _window(teacher, day: dt.date, cycle) -> tuple[dt.date, dt.date] | None:
    """The teacher's 5-year cycle containing ``day``: the evaluated cycle if it does, else counted from
    ``cycle_start`` in whole cycles."""
    if cycle is not None and cycle.start <= day <= cycle.end:
        return cycle.start, cycle.end
    if teacher.cycle_start is None:
        return None
    years = R["W-R1"].values["cycle_years"]
    start = teacher.cycle_start
    while add_years(start, years) <= day:
        start = add_years(start, years)
    while start > day:
        start = add_years(start, -years)
    return cycle_from(start, years)


def _ethics_failed(act, teacher, history) -> list | None:
    """W-Z4 (第十八条): a verified 《十不》 violation in the cycle fails the 职业道德教育 course."""
    on = _violation_on(teacher)
    if on is None or act.module != R["W-Z4"].values["module"]:
        return None
    window = _window(teacher, act.date, history.cycle)
    if window is not None and not window[0] <= on <= window[1]:
        return None
    return [R.refuse("W-Z4", act, f"a violation of the 《十不》 code was reported and verified on {on}, in this "
                                  f"cycle: the 职业道德教育 course is failed (第十八条), no credit")]


def _applied_late(act) -> Warning | None:
    """W-A2 (第八条): the organiser's written application, one or two months ahead, when its date is known."""
    applied = act.extra[APPLIED]
    if applied is None:
        return None
    months = R["W-A2"].values["months"].get(act.level or "school")
    if months is None:
        return None
    latest = _add_months(act.date, -months)
    if applied <= latest:
        return None
    to = "the city bureau" if act.level in ("county", "city") else "the county bureau"
    return R.warning("W-A2", f"applied on {applied}, less than {months} month(s) before the course on {act.date}: "
                             f"a {act.level or 'school'}-organised course applies in writing to {to} by {latest} "
                             f"(第八条)", act)


def _own(act, teacher, history, settings):
    """One activity under Weifang's own scheme (before the cut-over)."""
    late = _applied_late(act)
    out = _own_result(act, teacher, history, settings)
    return list(out) + [late] if late is not None else out


def _own_result(act, teacher, history, settings):
    if not act.approved_by_authority:
        return [R.refuse("W-Z1", act, "held without the approval procedure (未按规定办理审批手续): no credit")]
    if act.extra["absent_without_leave"]:
        owed = R["W-Z3"].values["owed"]
        return [R.refuse("W-Z3", act, f"selected for off-duty training and absent without leave: no credit, "
                                      f"{dec_str(owed)} more elective credits owed in the cycle")]
    if act.assessment == "fail":
        return [R.refuse("W-Z2", act, "assessment failed (第十六条): no credit")]
    if act.attendance_shortfall:
        return [R.refuse("W-Z2", act, "absent for more than a quarter of the class hours (第十七条): no credit")]
    failed = _ethics_failed(act, teacher, history)
    if failed:
        return failed
    if act.mandatory:
        if act.credits is None:
            return [R.refuse("W-C1", act, "a required course earns the credits the city bureau sets: credits "
                                          "required")]
        return [R.entry("W-C1", act, credits=act.credits, buckets=[WEIFANG, REQUIRED, act.level],
                        note="set by the city bureau")]
    kind = act.kind
    if kind in ("training", "new_teacher_training", "class_teacher_training", "principal_training",
                "professional_certificate_training", "school_based", "other"):
        if act.module == "backbone":
            return _backbone(act, history)
        if kind == "other":
            if act.level not in R["W-C12"].values["levels"]:
                return [R.refuse("W-X1", act, "other activities count only as approved continuing education of a "
                                              "county bureau or the school (W-C12)")]
            return _approved_by_county_or_school(act)
        return _training(act, teacher, settings)
    if kind == "degree_study":
        return _degree(act, teacher, history)
    if kind == "research":
        if act.assessment not in ("pass", "excellent"):
            return [R.refuse("W-C7", act, "the project's results must be appraised (通过鉴定): assessment pass")]
        return _levelled(act, "W-C7", "research")
    if kind == "open_class":
        if act.role == "trainee":
            if act.level not in COUNTY_AND_ABOVE:
                return [R.refuse("W-C8", act, "teaching-research activities count when a county-or-above research "
                                              "body holds them")]
            credits, note = _per_hour(act, "W-C8")
            if credits is None:
                return [R.refuse("W-C8", act, "hours required: attending counts 0.1 credit per hour")]
            return [R.entry("W-C8", act, credits=credits,
                            buckets=[WEIFANG, ELECTIVE, "teaching_research", act.level], note=note)]
        return _levelled(act, "W-C8", "teaching_research")
    if kind == "mentoring":
        if act.credits is None:
            return [R.refuse("W-C9", act, "the text states no amount: the credits the authority states are required")]
        return [R.entry("W-C9", act, credits=act.credits, buckets=[WEIFANG, ELECTIVE, "mentoring", act.level],
                        note="filed mentoring agreement")]
    if kind == "publication":
        if act.module == "textbook":
            return _levelled(act, "W-C10", "textbook")
        if act.module == "monograph":
            return [R.entry("W-C11", act, credits=R["W-C11"].values["monograph"],
                            buckets=[WEIFANG, ELECTIVE, "monograph"], note="monograph")]
        return _levelled(act, "W-C11", "paper")
    return [R.refuse("W-X1", act, f"no article of the Weifang text credits an activity of kind {kind!r}")]


@hookimpl
def xuefen_convert(activity, teacher, history, ruleset, settings):
    if ruleset.name != SCHEME:
        return None  # a set Weifang does not own: its delegate (the province) answers
    moved = convert_before_move(activity, teacher, history, CODE, S["S-R2"])
    if moved is not None:
        return moved
    results = _own(activity, teacher, history, settings)
    if _in_probation(teacher, activity.date, settings):
        results = [attrs.evolve(r, buckets=r.buckets + ("probation",)) if isinstance(r, Entry) else r
                   for r in results]
    return results


# -- requirements -------------------------------------------------------------------


def _caps():
    """W-C3, W-C7…W-C11, W-C13: cycle caps on the entries of Weifang's own scheme."""
    def cap(rule, bucket, label):
        return R.requirement(rule, "credits", maximum="maximum", all_of=(WEIFANG, bucket), label=label)
    return [cap("W-C3", "lecture", "reports and lectures"), cap("W-C7", "research", "research projects"),
            cap("W-C8", "teaching_research", "teaching-research activities"), cap("W-C9", "mentoring", "mentoring"),
            cap("W-C10", "textbook", "textbooks"), cap("W-C11", "paper", "papers"),
            cap("W-C13", "school_organised", "school-organised")]


def _probation(teacher, period, settings):
    if teacher.hired_on is None or not (period.start <= teacher.hired_on <= period.end):
        return []
    kind = "normal" if teacher.extra["normal_school_graduate"] else "other"
    who = "normal-school graduate" if kind == "normal" else "non-normal-school graduate"
    return [R.requirement("W-R4", "credits", minimum=f"{kind}_total", all_of=(WEIFANG, "probation"),
                          label=f"probation ({who})"),
            R.requirement("W-R4", "credits", minimum=f"{kind}_required", all_of=(WEIFANG, "probation", REQUIRED),
                          label=f"probation required ({who})")]


@hookimpl
def xuefen_requirements(teacher, period, ruleset, settings):
    if ruleset is None:
        return []
    if ruleset.name != SCHEME:
        # a period the province's rules check: its requirements, and Weifang's caps on the Weifang entries in it
        prt = _parent_runtime(settings, ruleset.delegate or PARENT)
        theirs = list(prt.hook.xuefen_requirements(teacher=teacher, period=period, ruleset=ruleset,
                                                   settings=prt.settings) or ())
        if settings.get("straddling_cycle", "split") == "split" \
                or not settings.get("weifang_credits_in_province_periods", True):
            theirs = [r if r.is_cap else attrs.evolve(r, none_of=r.none_of + (WEIFANG,)) for r in theirs]
        return _caps() + theirs if period.kind == "cycle" else theirs
    if period.kind == "year":
        return []  # Weifang's scheme counts per cycle only (第九条)
    apart = () if settings.get("probation_counts_in_cycle", True) else ("probation",)
    return [*_caps(),
            R.requirement("W-R2", "credits", minimum="minimum", all_of=(WEIFANG, REQUIRED), none_of=apart,
                          label="required courses"),
            R.requirement("W-R3", "credits", minimum="minimum", all_of=(WEIFANG, ELECTIVE), none_of=apart,
                          label="elective courses"),
            *_probation(teacher, period, settings)]


# -- cycle, review, certificate -------------------------------------------------------


@hookimpl
def xuefen_cycle(teacher, as_of, region, settings):
    rs = region.ruleset_on(as_of)
    if rs is None or rs.name != SCHEME:
        prt = _parent_runtime(settings, (rs.delegate if rs else None) or PARENT)
        theirs = prt.hook.xuefen_cycle(teacher=teacher, as_of=as_of, region=prt.region, settings=prt.settings)
        day = cutover(settings)
        if theirs is not None and settings.get("straddling_cycle", "split") == "split" \
                and theirs.start < day <= theirs.end:
            return Cycle(*cycle_from(day, R["W-R1"].values["cycle_years"]), "W-T1", R["W-T1"].article)
        return theirs
    years = region.cycle_years
    rule, article = region.cycle_rule
    if teacher.cycle_start is not None:
        return Cycle(*cycle_from(teacher.cycle_start, years), rule, article)
    # W-T1 reading: the text has no date, so cycles are counted back in whole cycles from the cut-over
    end = region.rulesets[0].end
    start = add_years(end + dt.timedelta(days=1), -years)
    while start > as_of:
        start = add_years(start, -years)
    return Cycle(*cycle_from(start, years), "W-T1", R["W-T1"].article)


def _cycle_set(evaluation, settings) -> RuleSet | None:
    if evaluation.cycle is None:
        return None
    return _governing(min(evaluation.cycle.end, evaluation.as_of), settings)


@hookimpl(wrapper=True)
def xuefen_review(evaluation, teacher, history, settings):
    """A cycle under the province's rules: the province's review; under Weifang's scheme: W-Z3 and W-V1."""
    province = yield
    rs = _cycle_set(evaluation, settings)
    if rs is None or rs.name != SCHEME:
        return _report_old_part(province if province is not None else evaluation, teacher, settings)
    ev = evaluation  # the province's review does not apply to Weifang's own scheme
    cycle = ev.cycle
    owed_each = R["W-Z3"].values["owed"]
    absent = [a for a in history.activities
              if cycle.start <= a.date <= min(cycle.end, ev.as_of) and a.extra["absent_without_leave"]
              and _governing(a.date, settings) is not None and _governing(a.date, settings).name == SCHEME]
    flags = list(ev.flags)
    results = list(ev.cycle_results)
    if absent:
        owed = owed_each * len(absent)
        results = [attrs.evolve(r, threshold=r.threshold + owed, met=r.counted >= r.threshold + owed,
                                notes=r.notes + (f"W-Z3: {dec_str(owed)} more owed ({', '.join(a.id for a in absent)} "
                                                 f"absent without leave)",))
                   if r.rule == "W-R3" else r for r in results]
        flags += [R.flag("W-Z3", "training_barred",
                         f"absent without leave from selected off-duty training: {dec_str(owed_each)} more elective "
                         f"credits owed and the training place withdrawn", activity=a.id, year=a.date.year)
                  for a in absent]
    met = all(r.met for r in results if r.requirement.severity == "requirement")
    if ev.as_of >= cycle.end and not met:
        years = R["W-V1"].values["years_barred"]
        nxt = cycle.end + dt.timedelta(days=1)
        until = add_years(nxt, years) - dt.timedelta(days=1)
        flags.append(R.flag("W-V1", "veto",
                            f"credits short at the cycle's end ({cycle.end}): no promotion, awards, commendation or "
                            f"backbone selection from {nxt} to {until}", year=nxt.year))
    if flags == list(ev.flags) and results == list(ev.cycle_results):
        return None
    return attrs.evolve(ev, cycle_results=tuple(results), cycle_met=met, flags=tuple(flags))


def _old_part_counted(entries, start: dt.date, end: dt.date) -> dict[str, Decimal]:
    """What Weifang's entries from ``start`` to ``end`` count towards W-R2 and W-R3, its caps applied in date order."""
    caps = _caps()
    left = {c.rule: c.maximum for c in caps}
    out = {REQUIRED: Decimal(0), ELECTIVE: Decimal(0)}
    for e in sorted((e for e in entries if WEIFANG in e.buckets and start <= e.date <= end),
                    key=lambda e: (e.date, e.activity)):
        amount = e.amount("credits")
        for c in caps:
            if c.selects(e):
                take = min(amount, max(left[c.rule], Decimal(0)))
                left[c.rule] -= take
                amount = take
        for kind in (REQUIRED, ELECTIVE):
            if kind in e.buckets:
                out[kind] += amount
    return out


def _report_old_part(ev, teacher, settings):
    """W-T1, straddling_cycle ``split``: the old cycle ended at the cut-over; its W-R2/W-R3 for the part under
    Weifang's scheme, reported as the transition's data (the province's cycle starts on the cut-over day)."""
    day = cutover(settings)
    cycle = ev.cycle
    if cycle is None or cycle.rule != "W-T1" or cycle.start != day or teacher.cycle_start is None \
            or teacher.cycle_start >= day:
        return ev
    old = _window(teacher, day - dt.timedelta(days=1), None)
    if old is None:
        return ev
    start, end = old[0], day - dt.timedelta(days=1)
    counted = _old_part_counted(ev.entries, start, end)
    rows, short = {}, []
    for rule, kind in (("W-R2", REQUIRED), ("W-R3", ELECTIVE)):
        need = R[rule].values["minimum"]
        met = counted[kind] >= need
        rows[rule] = {"article": R[rule].article, "required": dec_str(need), "counted": dec_str(counted[kind]),
                      "met": met}
        if not met:
            short.append(f"{rule} {dec_str(counted[kind])} of {dec_str(need)}")
    detail = (f"the cycle from {start} straddled the cut-over: it ended on {end} under Weifang's scheme "
              f"(W-R2 {rows['W-R2']['counted']} of {rows['W-R2']['required']} required, W-R3 "
              f"{rows['W-R3']['counted']} of {rows['W-R3']['required']} elective credits, 10 hours = 1 credit), and "
              f"the province's cycle runs from {day} to {cycle.end}; Weifang's credits do not count towards it "
              f"(setting straddling_cycle)")
    t = Transition("W-T1", R["W-T1"].article, "cycle_split", detail,
                   data={"old_cycle": {"start": start.isoformat(), "end": end.isoformat()}, **rows})
    warnings = ev.warnings
    if short:
        warnings += (R.warning("W-T1", f"the part of the old cycle under Weifang's scheme ({start} to {end}) was "
                                       f"short: {'; '.join(short)} (reported; the province's cycle is apart)"),)
    return attrs.evolve(ev, transitions=ev.transitions + (t,), warnings=warnings)


@hookimpl
def xuefen_certificate(teacher, cycle, evaluation, settings, kind):
    rs = _cycle_set(evaluation, settings)
    if rs is None or rs.name != SCHEME:
        prt = _parent_runtime(settings, (rs.delegate if rs else None) or PARENT)
        return prt.hook.xuefen_certificate(teacher=teacher, cycle=cycle, evaluation=evaluation,
                                           settings=prt.settings, kind=kind)
    if kind not in (None, "cycle"):
        return None
    short = [r for r in evaluation.cycle_results if not r.met and r.requirement.severity == "requirement"]
    total = R["W-R1"].values["total"]
    if short:
        reason = "; ".join(f"{r.rule} {r.requirement.label}: {dec_str(r.counted)} of {dec_str(r.threshold)}"
                           for r in short) + " (neither kind makes up for the other)"
    else:
        reason = f"the cycle's {dec_str(total)} credits are complete: required and elective each met"
    return CertificateSpec(eligible=not short, rule="W-R1", article=R["W-R1"].article, reason=reason,
                           title="潍坊市中小学教师继续教育学分 (周期合格)", issuer="city (必修) and county (选修) bureaus",
                           valid_years=R["W-R1"].values["cycle_years"], kind="cycle")


# -- workflow and reports --------------------------------------------------------------


#: who serves a county stage of a school with no county above it (our reading (W-A1): a school directly under the city has no county; the city serves its county stage)
CITY = ("city", "city_admin")


@hookimpl
def xuefen_approval_stages(activity, teacher, settings, purpose):
    rs = _governing(activity.date, settings) if activity is not None else None
    if rs is None or rs.name != SCHEME:
        prt = _parent_runtime(settings, (rs.delegate if rs else None) or PARENT)
        return prt.hook.xuefen_approval_stages(activity=activity, teacher=teacher, settings=prt.settings,
                                               purpose=purpose)
    a = R["W-A1"].article
    if activity.mandatory:
        return [Stage("school_review", "school_admin", "school", "W-A1", a),
                Stage("city_review", "city_admin", "city", "W-A1", a)]
    return [Stage("school_review", "school_admin", "school", "W-A1", a),
            Stage("county_review", "county_admin", "county", "W-A1", a, stand_in=CITY)]


@hookimpl
def xuefen_org_flags(org_id, year, evaluations, settings):
    """W-V1: a school under 98% of its teachers passing a Weifang cycle that ended by ``year``."""
    ended = [ev for ev in evaluations if ev.cycle is not None and ev.cycle.end.year == year
             and ev.as_of >= ev.cycle.end and ev.certificate is not None and ev.certificate.rule == "W-R1"]
    if not ended:
        return None
    passed = sum(1 for ev in ended if ev.cycle_met)
    rate = R["W-V1"].values["school_pass_rate"]
    if Decimal(passed) >= rate * len(ended):
        return []
    years = R["W-V1"].values["years_barred"]
    return [R.flag("W-V1", "school_barred",
                   f"{passed} of {len(ended)} teachers passed the cycle ending in {year} (under "
                   f"{dec_str(rate * 100)}%): no awards, commendation or honours for the school in the next "
                   f"cycle's first {years} years", year=year)]
