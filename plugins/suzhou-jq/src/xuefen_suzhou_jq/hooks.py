"""Suzhou District (肃州区, Jiuquan, Gansu): hooks. Every number comes from :mod:`xuefen_suzhou_jq.rules`.

An annual-only scheme: no cycle, every calendar year checked on its own
(SZ-R1), a newly hired teacher's academic year of hiring against 120 (SZ-R2),
nothing carried from one year to another (SZ-R3).
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

import attrs

from xuefen import hookimpl
from xuefen.errors import InputError
from xuefen.model import CertificateSpec, Field, Flag, Region, RequirementResult, RuleSet, Setting, Stage, dec_str

from xuefen_suzhou_jq.labels import LABELS
from xuefen_suzhou_jq.rules import CODE, RULES as R

RULESET = "2010 学分管理办法（试行）"
ZERO = Decimal(0)

#: fields this region adds to FORMATS.md §1's activity (declared, so a case may carry them)
PRIZES = ("first", "second", "third", "other")
ACTIVITY_FIELDS = (
    Field("characters", "int", doc="a paper's length in characters (SZ-C5)"),
    Field("prize", "choice", PRIZES, doc="a competition's prize (SZ-C9)"),
)

#: kinds that are training under 第五条 (by level: school-level training is school-based, 第六条)
TRAINING_KINDS = ("training", "new_teacher_training", "class_teacher_training", "principal_training")


def _in_force(value) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise InputError(f"setting in_force: {value!r} is not a date (YYYY-MM-DD)") from None


def _with_settings(region: Region, settings: dict) -> Region:
    """SZ-D1: the day in force is a reading, so it follows the setting ``in_force``."""
    start = _in_force(settings["in_force"])
    return attrs.evolve(region, rulesets=(RuleSet(RULESET, start, None, "SZ-D1", R.article("SZ-D1")),))


REGION = Region(
    code=CODE,
    name="肃州区 Suzhou District (Jiuquan, Gansu)",
    units=("credits",),
    rulesets=(RuleSet(RULESET, R["SZ-D1"].values["in_force"], None, "SZ-D1", R.article("SZ-D1")),),
    source="shandong-2015-and-others.txt, first part: 肃州区 中小学教师继续教育学分管理办法（试行）, 2010-12-02",
    parent=None,
    cycle_years=None,  # annual only (SZ-R1, SZ-R3)
    cycle_rule=("SZ-R3", R.article("SZ-R3")),
    activity_fields=ACTIVITY_FIELDS,
    rules=R, labels=LABELS,
)


@hookimpl
def xuefen_region(settings):
    return REGION if settings is None else _with_settings(REGION, settings)


@hookimpl
def xuefen_settings():
    return [
        Setting("in_force", R["SZ-D1"].values["in_force"].isoformat(), "SZ-D1", R.article("SZ-D1"),
                "the text states no effective date: in force from the day it is dated (YYYY-MM-DD); an activity "
                "dated earlier is refused"),
        Setting("credits_per_hour", str(R["SZ-C1"].values["credits_per_hour"]), "SZ-C1", R.article("SZ-C1"),
                "按学时计: credits per hour of a district-or-above training's stated hours"),
        Setting("new_teacher_year", "academic", "SZ-R2", R.article("SZ-R2"),
                "当学年度: the 120 credits are counted over the academic year containing hired_on, 1 September to "
                "31 August, and reported in the year of hiring (default); or over the calendar year of hiring",
                ("academic", "calendar")),
        Setting("new_teacher_split", True, "SZ-R2", R.article("SZ-R2"),
                "in the year of hiring SZ-R2's 120 replaces only SZ-R1's total of 42; SZ-R1's 24 (district "
                "training) and 16 (school-based, 第六条 每位教师每年) still apply (default true)"),
        Setting("missing_assessment", "count", "SZ-C1", R.article("SZ-C1"),
                "a training or school-based record stating no assessment: counted, with a warning (default), "
                "or refused as not shown to have passed", ("count", "refuse")),
        Setting("online_counts_as_district_training", False, "SZ-R1", R.article("SZ-R1"),
                "online distance training (第二条③, a channel apart from ① and ④) counts towards the 42 but not "
                "towards the 24 of district-or-above training (default false)"),
        Setting("veto_on", "total", "SZ-P1", R.article("SZ-P1"),
                "第十二条 未完成规定42学分: only a year below its total (42; 120 in the year of hiring) is vetoed "
                "(total, default), not a year short of the 24 or 16 with the 42 met; or the year's requirements "
                "as a whole (all)", ("total", "all")),
        Setting("hiring_year_counts_in_calendar_year", True, "SZ-R2", R.article("SZ-R2"),
                "the credits of a new teacher's academic year of hiring (当学年度, 1 September to 31 August) that "
                "are dated in the next calendar year count towards that calendar year's 42 too (true, default: "
                "every credit is registered in its own calendar year, SZ-R3); false: that year's SZ-R1 counts "
                "only the credits dated after the academic year of hiring"),
    ]


# -- conversion ---------------------------------------------------------------


def academic_year(day: dt.date) -> tuple[dt.date, dt.date]:
    """The academic year (学年度) containing ``day``: 1 September to 31 August (SZ-R2's reading)."""
    month, first = R["SZ-R2"].values["academic_year_start"]
    start_year = day.year if (day.month, day.day) >= (month, first) else day.year - 1
    start = dt.date(start_year, month, first)
    return start, dt.date(start_year + 1, month, first) - dt.timedelta(days=1)


def _rate(settings) -> Decimal:
    raw = settings["credits_per_hour"]
    try:
        rate = Decimal(str(raw).strip())
    except (InvalidOperation, ValueError):
        raise InputError(f"setting credits_per_hour: {raw!r} is not a number") from None
    if not rate.is_finite() or rate <= 0:
        raise InputError(f"setting credits_per_hour: {raw!r} is not a positive number")
    return rate


def _assessed(act, rule, settings):
    """SZ-C1/SZ-C3: only a record assessed as passed earns credits. Returns (refusal or None, warnings)."""
    if act.assessment == "fail":
        return [R.refuse(rule, act, "assessment fail: only training assessed as passed earns credits (考核合格)")], []
    if act.assessment is None:
        if settings["missing_assessment"] == "refuse":
            return [R.refuse(rule, act, "no assessment stated: only training assessed as passed earns credits "
                                        "(setting missing_assessment)")], []
        return None, [R.warning(rule, "no assessment stated: counted as passed (setting missing_assessment)",
                                act)]
    return None, []


def _training(act, history, settings):
    """SZ-C1 (hours), SZ-C2 (long off-duty training, short training by days)."""
    if not act.approved_by_authority:
        return [R.refuse("SZ-C1", act, "training not organised or recognised by an education authority (第四条)")]
    if act.level is not None and act.level not in R["SZ-C1"].values["levels"]:
        return [R.refuse("SZ-C1", act, f"level {act.level!r} is not district-or-above")]
    refused, warnings = _assessed(act, "SZ-C1", settings)
    if refused:
        return refused
    base = [act.kind, "training", "district_training", act.level]
    c2 = R["SZ-C2"].values
    if act.full_time:
        year = act.date.year
        if any("long_training" in e.buckets and e.year == year for e in history.entries):
            return [R.refuse("SZ-C2", act, f"long off-duty training already counted {dec_str(c2['long_per_year'])} "
                                           f"credits in {year} (每年可计42学分: once a year)")]
        return [R.entry("SZ-C2", act, credits=c2["long_per_year"], buckets=base + ["long_training"],
                        note=f"off-duty training over a month: {dec_str(c2['long_per_year'])} for {year}")] + warnings
    if act.hours is not None:
        rate = _rate(settings)
        return [R.entry("SZ-C1", act, credits=act.hours * rate, buckets=base,
                        note=f"{dec_str(act.hours)} hours × {dec_str(rate)}")] + warnings
    if act.days is not None:
        return [R.entry("SZ-C2", act, credits=act.days * c2["per_day"], buckets=base + ["short_training"],
                        note=f"short training: {dec_str(act.days)} days × {dec_str(c2['per_day'])}")] + warnings
    return [R.refuse("SZ-C1", act, "neither hours (按学时计) nor days (short training, 6 a day) stated")]


def _secondment(act):
    """SZ-C2: secondment (挂职锻炼), 6 a day."""
    if act.days is None:
        return [R.refuse("SZ-C2", act, "secondment (挂职锻炼) is credited by the day: days required")]
    per = R["SZ-C2"].values["per_day"]
    return [R.entry("SZ-C2", act, credits=act.days * per,
                    buckets=[act.kind, "secondment", "district_training", act.level],
                    note=f"secondment: {dec_str(act.days)} days × {dec_str(per)}")]


def _school_based(act, settings, note=None):
    """SZ-C3: 2 per topic assessed as passed."""
    refused, warnings = _assessed(act, "SZ-C3", settings)
    if refused:
        return refused
    n = act.events if act.events is not None else 1
    if n == 0:
        return [R.refuse("SZ-C3", act, "no topic (专题) completed")]
    per = R["SZ-C3"].values["per_topic"]
    text = f"{n} topic(s) × {dec_str(per)}" + (f"; {note}" if note else "")
    return [R.entry("SZ-C3", act, credits=per * n, buckets=[act.kind, "school_based", act.level], note=text)] + warnings


def _stated(act, kind_bucket, extra=()):
    """SZ-C10: degree study and online training earn the authority's stated credits."""
    if act.assessment == "fail":
        return [R.refuse("SZ-C10", act, "assessment fail: no single-subject pass or diploma, no credits")]
    if act.credits is None:
        return [R.refuse("SZ-C10", act, "the text states no amount for degree study or online training (第八条: set "
                                        "by the managing body): the authority's stated credits are required")]
    return [R.entry("SZ-C10", act, credits=act.credits, buckets=[act.kind, kind_bucket, *extra, act.level],
                    note="credits as stated by the authority")]


def _by_level(act, rule, n=1, what=""):
    table = R[rule].values["credits"]
    if act.level is None:
        return [R.refuse(rule, act, f"level required: {what} earns by level "
                                    f"({', '.join(f'{k} {dec_str(v)}' for k, v in table.items())})")]
    if act.level not in table:
        return [R.refuse(rule, act, f"{what} at level {act.level!r} earns nothing (第七条 names "
                                    f"{', '.join(table)})")]
    per = table[act.level]
    note = f"{act.level}: {dec_str(per)}" + (f" × {n}" if n != 1 else "")
    return [R.entry(rule, act, credits=per * n, buckets=[act.kind, "research_activity", act.level], note=note)]


def _count(act):
    return act.events if act.events is not None else 1


def _research(act):
    """SZ-C4: only the project's leader (主持) earns."""
    if act.role in ("member", "participant"):
        return [R.refuse("SZ-C4", act, f"role {act.role!r}: only the teacher leading the project (主持) earns credits")]
    if act.assessment == "fail":
        return [R.refuse("SZ-C4", act, "the project was not concluded (结题) with a passing appraisal")]
    return _by_level(act, "SZ-C4", what="a research project")


def _publication(act):
    """SZ-C5: provincial-or-higher journal; by length."""
    v = R["SZ-C5"].values
    if act.level is not None and act.level not in v["levels"]:
        return [R.refuse("SZ-C5", act, f"only papers in provincial-or-higher journals earn credits, not {act.level!r}")]
    n = act.extra["characters"]
    if n is None:
        return [R.entry("SZ-C5", act, credits=v["short"], buckets=[act.kind, "research_activity", act.level],
                        note="length not stated: counted as not over 1,000 characters"),
                R.warning("SZ-C5", f"paper length not stated (field characters): counted {dec_str(v['short'])}, "
                                   f"over {v['length']} characters earns {dec_str(v['long'])}", act)]
    amount = v["long"] if n > v["length"] else v["short"]
    return [R.entry("SZ-C5", act, credits=amount, buckets=[act.kind, "research_activity", act.level],
                    note=f"{n} characters ({'over' if n > v['length'] else 'not over'} {v['length']})")]


def _mentoring(act, history):
    """SZ-C6: the mentor earns 3 per academic year, once."""
    if act.role in ("mentee", "trainee_mentee", "apprentice"):
        return [R.refuse("SZ-C6", act, "only the mentor (指导教师) earns credits for 师徒结对")]
    start, end = academic_year(act.date)
    if any("mentoring" in e.buckets and start <= e.date <= end for e in history.entries):
        return [R.refuse("SZ-C6", act, f"mentoring already counted for the academic year {start} to {end} "
                                       f"(每学年可得3学分: once a year)")]
    per = R["SZ-C6"].values["per_academic_year"]
    return [R.entry("SZ-C6", act, credits=per, buckets=[act.kind, "mentoring", "research_activity", act.level],
                    note=f"academic year {start.year}/{end.year}")]


def _talk(act):
    """SZ-C8: at least 1 hour each."""
    n = _count(act)
    minimum = R["SZ-C8"].values["min_hours"]
    if n == 0:
        return [R.refuse("SZ-C8", act, "no talk given")]
    if act.hours is not None and act.hours < minimum * n:
        return [R.refuse("SZ-C8", act, f"{dec_str(act.hours)} hours for {n} talk(s): each talk must last at least "
                                       f"{dec_str(minimum)} hour")]
    return _by_level(act, "SZ-C8", n, "a talk")


def _competition(act):
    """SZ-C9: first prize only."""
    prize = act.extra["prize"]
    if prize is None:
        return [R.refuse("SZ-C9", act, "only a first prize (一等奖) earns credits: the record states no prize "
                                       "(field prize)")]
    if prize != R["SZ-C9"].values["prize"]:
        return [R.refuse("SZ-C9", act, f"{prize} prize: only a first prize (一等奖) earns credits")]
    return _by_level(act, "SZ-C9", what="a first prize")


def _convert(act, teacher, history, settings):
    kind = act.kind
    if act.role == "secondment" and kind in TRAINING_KINDS + ("other",):
        return _secondment(act)
    if kind in TRAINING_KINDS:
        if act.delivery == "online":
            extra = ("district_training",) if settings["online_counts_as_district_training"] else ()
            return _stated(act, "online_training", extra)
        if act.level == "school":
            return _school_based(act, settings, "school-level training is school-based (第六条)")
        return _training(act, history, settings)
    if kind == "school_based":
        return _school_based(act, settings)
    if kind in ("degree_study", "self_study_exam"):
        return _stated(act, "degree_study")
    if kind == "research":
        return _research(act)
    if kind == "publication":
        return _publication(act)
    if kind == "mentoring":
        return _mentoring(act, history)
    if kind == "open_class":
        return _by_level(act, "SZ-C7", _count(act), "an open class")
    if kind == "trainer":
        return _talk(act)
    if kind == "competition":
        return _competition(act)
    return [R.refuse("SZ-X1", act, f"no article of the Suzhou text credits an activity of kind {kind!r}")]


@hookimpl
def xuefen_convert(activity, teacher, history, ruleset, settings):
    return _convert(activity, teacher, history, settings)


# -- requirements -------------------------------------------------------------


def _split():
    return [R.requirement("SZ-R1", "credits", minimum="district_training", all_of=("district_training",),
                          label="district-or-above training"),
            R.requirement("SZ-R1", "credits", minimum="school_based", all_of=("school_based",),
                          label="school-based")]


def _new_teacher_total():
    return R.requirement("SZ-R2", "credits", minimum="minimum", label="new teacher, year of hiring")


def _hiring_year(teacher) -> int | None:
    return teacher.hired_on.year if teacher.hired_on is not None else None


@hookimpl
def xuefen_requirements(teacher, period, ruleset, settings):
    if period.kind != "year" or ruleset is None:
        return []
    y = period.year
    hired = _hiring_year(teacher)
    if hired is not None and y < hired:
        return []  # not yet teaching in the district
    if hired == y:
        return [_new_teacher_total()] + (_split() if settings["new_teacher_split"] else [])
    total = R.requirement("SZ-R1", "credits", minimum="minimum", label="annual total")
    return [total] + _split()


def _result(req, entries, notes=()):
    """A requirement over ``entries`` (Suzhou has no caps: counted is earned)."""
    earned = sum((e.amount(req.unit) for e in entries if req.selects(e)), ZERO)
    return RequirementResult(req, earned, earned, req.minimum, earned >= req.minimum, tuple(notes))


def _year_met(results, settings) -> bool:
    if settings["veto_on"] == "total":
        results = [r for r in results if r.requirement.label in ("annual total", _new_teacher_total().label)]
    return all(r.met for r in results if r.requirement.severity == "requirement")


@hookimpl
def xuefen_review(evaluation, teacher, settings):
    ev = evaluation
    as_of = ev.as_of
    counted = [e for e in ev.entries if e.date <= as_of]
    years = dict(ev.years)
    hired = _hiring_year(teacher)
    if hired is not None and settings["new_teacher_year"] == "academic" and hired <= as_of.year:
        start, end = academic_year(teacher.hired_on)
        window = [e for e in counted if start <= e.date <= end]
        # the year of hiring is reported when evaluated anyway, or while its academic year has credits or
        # is running; never before the text was in force
        relevant = hired in years or ((window or start <= as_of <= end) and end >= _in_force(settings["in_force"]))
    else:
        relevant = False
    if relevant:
        note = (f"academic year of hiring {start} to {end}: credits dated in it count, whichever calendar "
                f"year they are registered in")
        sz_r2 = _result(_new_teacher_total(), window, [note])
        if hired in years:
            years[hired] = tuple(sz_r2 if r.rule == "SZ-R2" else r for r in years[hired])
        else:
            rest = _split() if settings["new_teacher_split"] else []
            years[hired] = (sz_r2, *(_result(r, [e for e in counted if e.year == hired]) for r in rest))
    if relevant and not settings["hiring_year_counts_in_calendar_year"] and end.year in years \
            and end.year != hired:
        nxt = end.year
        after = [e for e in counted if e.year == nxt and e.date > end]
        note = (f"credits dated to {end} belong to the academic year of hiring (SZ-R2) and do not count here "
                f"(setting hiring_year_counts_in_calendar_year)")
        years[nxt] = tuple(_result(r.requirement, after, r.notes + (note,)) if r.rule == "SZ-R1" else r
                           for r in years[nxt])
    out = []
    flags = list(ev.flags)
    for y in sorted(years):
        results = []
        for r in years[y]:
            if r.requirement.label in ("annual total",) or (r.rule == "SZ-R2" and
                                                           settings["new_teacher_year"] == "calendar"):
                r = attrs.evolve(r, notes=r.notes + (f"only credits dated in {y} count: no carry-over (SZ-R3)",))
            results.append(r)
        out.append((y, tuple(results)))
        if not _year_met(results, settings):
            short = "; ".join(f"{r.requirement.label}: {dec_str(r.counted)} of {dec_str(r.threshold)}"
                              for r in results if not r.met)
            running = f" (as of {as_of}, the year is not over)" if dt.date(y, 12, 31) > as_of else ""
            if relevant and y == hired and end > as_of:
                running = f" (as of {as_of}; the academic year of hiring runs to {end})"
            flags.append(Flag("SZ-P1", R.article("SZ-P1"), "veto",
                              f"{y}: short of the required credits ({short}){running}: no title evaluation "
                              f"(职务评聘) and no awards (评优评先) in {y}", year=y,
                              vetoes_year=None if running else True))
    return attrs.evolve(ev, years=tuple(out), flags=tuple(flags))


# -- workflow -----------------------------------------------------------------


#: who serves a county stage of a school with no county above it (our reading (SZ-A1): a school directly under the city has no county; the city serves its county stage)
CITY = ("city", "city_admin")


@hookimpl
def xuefen_approval_stages():
    """SZ-A1: the school registers in December, the district bureau reviews and stamps in January."""
    a = R.article("SZ-A1")
    return [Stage("school_review", "school_admin", "school", "SZ-A1", a, records_assessment=True),
            Stage("county_review", "county_admin", "county", "SZ-A1", a, stand_in=CITY)]


@hookimpl
def xuefen_certificate(teacher, evaluation, settings, kind):
    """SZ-P1: the year's registration decides title evaluation and awards for that year."""
    if kind not in (None, "annual"):
        return None
    y = evaluation.as_of.year
    results = evaluation.year_results(y)
    if not results:
        eligible, reason = True, f"no requirement applies in {y}"
    else:
        eligible = _year_met(results, settings)
        reason = "; ".join(f"{r.requirement.label}: {dec_str(r.counted)} of {dec_str(r.threshold)}"
                           for r in results)
        reason = (f"{y} met ({reason})" if eligible else
                  f"{y} short ({reason}): no title evaluation or awards in {y} (SZ-P1)")
    return CertificateSpec(eligible=eligible, rule="SZ-P1", article=R.article("SZ-P1"), reason=reason,
                           title="中小学教师继续教育登记手册 (annual registration)",
                           issuer="district bureau (区教育局人事监察股, SZ-A1)", kind="annual",
                           once_from=dt.date(y, 1, 1))


# -- demo -----------------------------------------------------------------------

from xuefen_suzhou_jq.demo import xuefen_demo_data  # noqa: E402,F401  (the hook lives beside its profile)
