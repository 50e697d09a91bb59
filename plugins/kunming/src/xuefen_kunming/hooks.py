"""Kunming (昆明市): hooks. Every number comes from :mod:`xuefen_kunming.rules`."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import attrs

from xuefen import hookimpl
from xuefen.defaults import add_years
from xuefen.model import (CertificateSpec, CohortLimit, Deadline, Entry, Field, NotRequired, Region, RuleSet, Setting,
                          Stage, dec_str)

from xuefen_kunming.labels import LABELS
from xuefen_kunming.rules import CODE, DEGREE_ORDER, RULES as R

IN_FORCE = R["K-T1"].values["in_force"]
#: the activity field naming who organised a training where the level vocabulary has no word for it (第五条)
ORGANISER = "organiser"
LEGACY = "2006 credit method (legacy)"
CURRENT = "2015 hours method"

REGION = Region(
    code=CODE,
    name="昆明市 Kunming",
    units=("hours",),
    rulesets=(
        RuleSet(LEGACY, None, IN_FORCE - dt.timedelta(days=1), "K-T1", R["K-T1"].article),
        RuleSet(CURRENT, IN_FORCE, None, "K-T1", R["K-T1"].article),
    ),
    source="kunming-2014.txt: 昆明市中小学教师培训学时登记管理办法（试行）",
    cycle_years=R["K-R1"].values["cycle_years"],
    cycle_rule=("K-R1", R["K-R1"].article),
    activity_fields=(Field(ORGANISER, "choice", tuple(R["K-C2"].values["organisers"]),
                           doc="who organised it: teacher_training_school (教师进修学校, 第五条, K-C2)"),),
    rules=R,
    labels=LABELS,
)


@hookimpl
def xuefen_settings():
    return [
        Setting("degree_validity", "per_programme", "K-C4", R["K-C4"].article,
                "三年有效: per_programme counts at most 3 yearly records of one programme; per_record counts "
                "each record only within 3 years of its date", ("per_programme", "per_record")),
        Setting("late_claims_next_round", False, "K-A2", R["K-A2"].article,
                "a claim filed after 31 October (or, without a filing date, an activity completed after it) "
                "waits for the next registration round (its hours go to that round's year); default: it does "
                "not. Late filing is warned only when the filing date (filed_on) is known"),
        Setting("legacy_counts", True, "K-T1", R["K-T1"].article,
                "records of the 2006 credit method (before 2015-02-01) count towards a cycle that straddles "
                "the date, 1 old credit = 1 hour, flagged"),
    ]


# -- conversion ---------------------------------------------------------------


def _stated_or_days(act, rule):
    """Hours as stated; for K-C2, 8 per day where none are stated."""
    if act.hours is not None:
        return act.hours, None
    if rule == "K-C2" and act.days is not None:
        per_day = R["K-C2"].values["hours_per_day"]
        return act.days * per_day, f"{act.days} days × {per_day} hours (K-C2)"
    return None, None


def organiser(act) -> str | None:
    """The declared field ``organiser``: ``teacher_training_school`` (教师进修学校), which 第五条 names beside the
    city and county authorities (typed where the activity came in)."""
    return act.extra[ORGANISER]


def _by_training_school(act):
    """第五条: a 教师进修学校's training is K-C2 training (hours stated, else 8 a day; 125% for excellent), at
    the level of the county it serves unless a city level is recorded (documented mapping, README)."""
    if organiser(act) != "teacher_training_school" or act.level not in (None, "school"):
        return act
    return attrs.evolve(act, level=R["K-C2"].values["organisers"]["teacher_training_school"])


def _training(act, kind_bucket, conv_rule=None):
    """K-C1/K-C2/K-C3 (and K-C13 for induction/qualification training)."""
    act = _by_training_school(act)
    if act.assessment == "fail":
        rule = "K-C1" if act.level in R["K-C1"].values["levels"] else "K-C2"
        return [R.refuse(rule, act, "assessment fail: no completion certificate, so no hours to register")]
    if act.level in R["K-C1"].values["levels"]:
        base_rule = "K-C1"
        hours, note = _stated_or_days(act, "K-C1")
        if hours is None:
            return [R.refuse("K-C1", act, "no hours stated: 第四条 takes the hours from the documents or "
                                          "completion certificate (8 per day applies only to 第五条 training)")]
    elif act.level == "school" and conv_rule is None:
        return _school_based(act, "school-level training is school-based training (校本研训)")
    else:
        base_rule = "K-C2"  # school-level induction/qualification training: hours as K-C2, no K-C3 bonus
        hours, note = _stated_or_days(act, "K-C2")
        if hours is None:
            return [R.refuse("K-C2", act, "neither hours nor days stated")]
    rule = conv_rule or base_rule
    if base_rule == "K-C2" and act.level in R["K-C2"].values["levels"] + (None,) and act.assessment == "excellent":
        factor = R["K-C3"].values["factor"]
        note = f"excellent trainee: {factor} × {hours} (K-C3)" + (f"; {note}" if note else "")
        hours = hours * factor
        rule = conv_rule or "K-C3"
    return [R.entry(rule, act, hours=hours, buckets=[kind_bucket, act.level], note=note)]


def _school_based(act, note=None):
    if act.assessment == "fail":
        return [R.refuse("K-C6", act, "assessment fail: the school-based training was not certified")]
    if act.hours is None:
        return [R.refuse("K-C6", act, "hours required: school-based hours are registered as recorded")]
    return [R.entry("K-C6", act, hours=act.hours, buckets=["school_based", act.level], note=note)]


def _degree(act, teacher, history, settings):
    if not act.national_series:
        return [R.refuse("K-C12", act, "degree study outside the national education series (非国民教育系列)")]
    if act.compensatory:
        return [R.refuse("K-C12", act, "compensatory degree education (学历补偿教育) earns no hours")]
    if not act.in_subject:
        return [R.refuse("K-C4", act, "the degree does not match the teacher's subject (not 对口或相近)")]
    minimum = R["K-C4"].values["minimum_degree"].get(teacher.stage)
    if minimum is None:
        return [R.refuse("K-C4", act, f"第六条 names degree study only for primary, junior and senior teachers, "
                                      f"not {teacher.stage}")]
    if act.degree_level is None:
        return [R.refuse("K-C4", act, "degree_level required to match the degree to the teaching level")]
    if DEGREE_ORDER.index(act.degree_level) < DEGREE_ORDER.index(minimum):
        return [R.refuse("K-C4", act, f"a {teacher.stage} teacher's degree study counts from {minimum} up, "
                                      f"not {act.degree_level}")]
    valid = R["K-C4"].values["valid_years"]
    same = [e for e in history.entries if "degree_study" in e.buckets
            and e.note is not None and e.note.startswith(f"programme {act.program_id or '-'}:")]
    if any(e.year == act.date.year for e in same):
        return [R.refuse("K-C4", act, f"programme {act.program_id or '-'} already has its {act.date.year} record")]
    if settings["degree_validity"] == "per_programme":
        if len(same) >= valid:
            return [R.refuse("K-C4", act, f"三年有效: programme {act.program_id or '-'} already counted {valid} years")]
    elif history.as_of is not None and add_years(act.date, valid) <= history.as_of:
        return [R.refuse("K-C4", act, f"三年有效: the record of {act.date} expired after {valid} years")]
    hours = R["K-C4"].values["hours_per_year"]
    return [R.entry("K-C4", act, hours=hours, buckets=["degree_study", act.degree_level],
                    note=f"programme {act.program_id or '-'}: {act.date.year} study year")]


def _trainer(act):
    """K-C7: teaching on a county-or-above training project (kind ``trainer``, or a training taught as lecturer)."""
    if not _level_ok(act, "K-C7"):
        return [R.refuse("K-C7", act, "only teaching on a county-or-above training project is registered")]
    if act.hours is None:
        return [R.refuse("K-C7", act, "hours required: the hours taught")]
    f = R["K-C7"].values["factor"]
    return [R.entry("K-C7", act, hours=act.hours * f, buckets=["trainer", act.level],
                    note=f"{f} × {act.hours} hours taught")]


def _level_ok(act, rule):
    """A level-gated rule refuses only a level the text excludes; an unstated level is not held against it."""
    return act.level is None or act.level in R[rule].values["levels"]


def _current(act, teacher, history, settings):
    kind = act.kind
    if not act.approved_by_authority:
        return [R.refuse("K-C12", act, "training not approved by the education authority")]
    if kind in ("training", "class_teacher_training"):
        if act.role in R["K-C7"].values["roles"]:
            return _trainer(act)
        return _training(act, kind)
    if kind in ("new_teacher_training", "principal_training"):
        return _training(act, kind, "K-C13")
    if kind == "school_based":
        return _school_based(act)
    if kind == "degree_study":
        return _degree(act, teacher, history, settings)
    if kind == "self_study_exam":
        n = act.subjects_passed if act.subjects_passed is not None else 1
        if n == 0:
            return [R.refuse("K-C5", act, "no subject passed")]
        per = R["K-C5"].values["hours_per_subject"]
        return [R.entry("K-C5", act, hours=per * n, buckets=["self_study_exam"], note=f"{n} subject(s) × {per}")]
    if kind == "trainer":
        return _trainer(act)
    if kind == "studio":
        if not _level_ok(act, "K-C8"):
            return [R.refuse("K-C8", act, "only city or county famous-teacher/principal bases are registered")]
        role = "convener" if act.role == "convener" else "member"
        return [R.entry("K-C8", act, hours=R.value("K-C8", role), buckets=["studio", f"studio_{role}", act.level])]
    if kind in R["K-C9"].values["kinds"]:  # 志愿支教/送教下乡 lectures and 示范课 (open_class) under dispatch
        if act.full_time and kind == "volunteer_teaching":
            if not _level_ok(act, "K-C10"):
                return [R.refuse("K-C10", act, "full-time support teaching is organised by a county-or-above "
                                               "authority")]
            if act.hours is None:
                return [R.refuse("K-C10", act, "hours required: as the organising authority's document states")]
            return [R.entry("K-C10", act, hours=act.hours, buckets=["volunteer_full_time", act.level])]
        dispatched = act.level in R["K-C9"].values["levels"] if kind == "open_class" else _level_ok(act, "K-C9")
        if not dispatched:  # an open class counts only as a 示范课 a city or county authority dispatched
            return [R.refuse("K-C9", act, "volunteer lectures count when dispatched by a city or county authority")]
        n = act.events if act.events is not None else 1
        per = R["K-C9"].values["hours_per_event"]
        return [R.entry("K-C9", act, hours=per * n, buckets=["volunteer_event", act.level],
                        note=f"{n} event(s) × {per}")]
    if kind == "professional_certificate_training":
        if act.assessment == "fail":
            return [R.refuse("K-C11", act, "no pass certificate (合格证)")]
        if act.hours is None:
            return [R.refuse("K-C11", act, "hours required: as the training notice states")]
        return [R.entry("K-C11", act, hours=act.hours, buckets=["professional_certificate_training", act.level])]
    return [R.refuse("K-X1", act, f"no article of the Kunming text registers hours for {kind!r}")]


@hookimpl
def xuefen_convert(activity, teacher, history, ruleset, settings):
    act = activity
    if ruleset.name == LEGACY:
        amount = act.credits if act.credits is not None else act.hours
        if amount is None:
            return [R.refuse("K-T1", act, "legacy record without credits or hours")]
        rate = R["K-T1"].values["legacy_rate"]
        return [R.entry("K-T1", act, hours=amount * rate, buckets=["legacy", act.kind],
                        note=f"2006 credit method record: {amount} credits × {rate}")]
    results = _current(act, teacher, history, settings)
    if not results or not isinstance(results[0], Entry):
        return results
    deadline = dt.date(act.date.year, R["K-A2"].values["deadline_month"], R["K-A2"].values["deadline_day"])
    filed = act.filed_on
    if filed is not None and filed > deadline:  # K-A2 warns of late filing only when a filing date is known
        msg = f"filed {filed}, after the {deadline} deadline"
        if settings["late_claims_next_round"]:
            # the next round is the filing year's, unless it was filed after that year's deadline too
            filed_deadline = deadline.replace(year=filed.year)
            round_year = filed.year + (1 if filed > filed_deadline else 0)
            results = [attrs.evolve(e, year=round_year) for e in results]
            msg += f"; registered in the {round_year} round"
        results = list(results) + [R.warning("K-A2", msg, act)]
    elif filed is None and act.date > deadline and settings["late_claims_next_round"]:
        # no filing date: completed after the year's deadline, it can only be filed in the next round
        round_year = act.date.year + 1
        note = (f"completed {act.date}, after the {deadline} filing deadline: registered in the {round_year} "
                f"round (K-A2, setting late_claims_next_round)")
        results = [attrs.evolve(e, year=round_year, note=f"{e.note}; {note}" if e.note else note)
                   if isinstance(e, Entry) else e for e in results]
    return results


# -- requirements -------------------------------------------------------------


#: legacy records stand as they were recorded (K-T1): the 2015 method's yearly caps do not cut them
LEGACY_BUCKET = ("legacy",)


def _caps():
    """The yearly caps (K-C6 to K-C9), the same rows for every teacher and year: built once (frozen values)."""
    return list(_CAPS)


def _build_caps():
    return (
        R.requirement("K-C6", "hours", maximum="maximum", all_of=("school_based",), none_of=LEGACY_BUCKET,
                      label="school-based"),
        R.requirement("K-C7", "hours", maximum="maximum", all_of=("trainer",), none_of=LEGACY_BUCKET,
                      label="trainer"),
        R.requirement("K-C8", "hours", maximum="convener", all_of=("studio",), none_of=LEGACY_BUCKET,
                      label="famous-teacher base", key="convener"),
        R.requirement("K-C8", "hours", maximum="member", all_of=("studio_member",), none_of=LEGACY_BUCKET,
                      label="famous-teacher base member", key="member"),
        R.requirement("K-C9", "hours", maximum="maximum", all_of=("volunteer_event",), none_of=LEGACY_BUCKET,
                      label="送教下乡 events"),
    )


_CAPS = _build_caps()


@hookimpl
def xuefen_requirements(teacher, period, ruleset, settings):
    if ruleset is None or ruleset.name == LEGACY:
        return []
    if period.kind == "year":
        y = period.year
        reqs = _caps()
        new_teacher = teacher.hired_on is not None and teacher.hired_on.year == y
        new_principal = teacher.principal_since is not None and teacher.principal_since.year == y
        if new_teacher:
            reqs.append(R.requirement("K-R3", "hours", minimum="minimum", all_of=("new_teacher_training",),
                                      label="induction training"))
        not_yet_hired = teacher.hired_on is not None and y < teacher.hired_on.year
        if not new_teacher and not new_principal and not not_yet_hired:
            reqs.append(R.requirement("K-R2", "hours", minimum="minimum", none_of=_excluded(settings),
                                      label="annual hours"))
        else:
            why = ("the year of hiring: K-R3's induction hours instead" if new_teacher else
                   "the year of appointment as principal (K-R4 in the cycle instead)" if new_principal else
                   f"before the year of hiring ({teacher.hired_on})")
            reqs.append(NotRequired("K-R2", R["K-R2"].article, f"K-R2's {dec_str(R['K-R2'].values['minimum'])} hours do not apply: {why}"))
        return reqs
    reqs = [R.requirement("K-R1", "hours", minimum="minimum", none_of=_excluded(settings), label="cycle hours")]
    if teacher.principal_since is not None and period.start <= teacher.principal_since <= period.end:
        reqs.append(R.requirement("K-R4", "hours", minimum="minimum", all_of=("principal_training",),
                                  label="qualification training"))
    return reqs


def _excluded(settings):
    return () if settings["legacy_counts"] else ("legacy",)


@hookimpl
def xuefen_review(evaluation, history, settings):
    legacy = [e for e in evaluation.entries if "legacy" in e.buckets]
    if not legacy:
        return None
    how = "counted 1 old credit = 1 hour" if settings["legacy_counts"] else "not counted (setting legacy_counts)"
    flags = evaluation.flags + tuple(
        R.flag("K-T1", "legacy", f"2006 credit-method record, {how}", activity=e.activity, year=e.year)
        for e in legacy)
    return attrs.evolve(evaluation, flags=flags)


# -- workflow -----------------------------------------------------------------


#: who serves a county stage of a school with no county above it (K-A1: the county (or the city, for city-direct schools) registration agency reviews (第十四条))
CITY = ("city", "city_admin")


@hookimpl
def xuefen_approval_stages(purpose):
    if purpose == "cycle":
        a = R["K-A3"].article
        return [Stage("school_declared", "school_admin", "school", "K-A3", a),
                Stage("county_rechecked", "county_admin", "county", "K-A3", a, stand_in=CITY),
                Stage("city_confirmed", "city_admin", "city", "K-A3", a),
                Stage("province_filed", "province_admin", "province", "K-A3", a)]
    a = R["K-A1"].article
    return [Stage("school_review", "school_admin", "school", "K-A1", a, records_assessment=True),
            Stage("county_review", "county_admin", "county", "K-A1", a, stand_in=CITY)]


@hookimpl
def xuefen_cohort_limit(activity):
    activity = _by_training_school(activity) if activity.kind != "school_based" else activity
    if activity.kind == "school_based" or (activity.level in R["K-C2"].values["levels"]
                                           and activity.kind in ("training", "class_teacher_training",
                                                                 "new_teacher_training", "principal_training")):
        return CohortLimit("K-C3", R["K-C3"].article, R["K-C3"].values["cohort_share"])
    return None


@hookimpl
def xuefen_certificate(cycle, evaluation):
    if cycle is None:
        return None
    k = next((r for r in evaluation.cycle_results if r.rule == "K-R1"), None)
    short = [r for r in evaluation.cycle_results if not r.met]
    if not short:
        reason = "the cycle's requirements are met; certified after school, county, city and province (K-A3)"
    else:
        reason = "; ".join(f"{r.rule}: {dec_str(r.counted)} of {dec_str(r.threshold)} hours" for r in short)
    return CertificateSpec(eligible=not short, rule="K-R1", article=R["K-R1"].article, reason=reason,
                           title="昆明市中小学教师培训学时周期核准", issuer="province (备案, K-A3)",
                           kind="cycle") if k is not None else None


@hookimpl
def xuefen_org_flags(org_id, year, evaluations):
    """K-R5: 10% or more of a school's teachers short of the year's required hours."""
    annual = ("K-R2", "K-R3")  # the year's required hours (规定学时); a cap alone requires nothing
    required = [ev for ev in evaluations if any(r.rule in annual for r in ev.year_results(year))]
    if not required:
        return []
    short = [ev for ev in required
             if any(not r.met for r in ev.year_results(year) if r.rule in annual)]
    share = R["K-R5"].values["share"]
    if Decimal(len(short)) >= share * len(required):
        if not short:
            return []
        return [R.flag("K-R5", "school_barred",
                       f"{len(short)} of {len(required)} teachers short of {year}'s hours (≥ {share * 100:.0f}%): "
                       f"barred from county-level-and-above awards in {year}", year=year)]
    return []


@hookimpl
def xuefen_deadline(period):
    """K-A2: a year's hours are filed before the end of October (第十四条); the cycle ends as K-R1 sets it."""
    if period.kind != "year":
        return None
    v = R["K-A2"].values
    return Deadline(dt.date(period.year, v["deadline_month"], v["deadline_day"]), "K-A2", R["K-A2"].article,
                    "filing", "filing deadline of the year (31 October)")


# -- demo -----------------------------------------------------------------------

from xuefen_kunming.demo import xuefen_demo_data  # noqa: E402,F401  (the hook lives beside its profile)
