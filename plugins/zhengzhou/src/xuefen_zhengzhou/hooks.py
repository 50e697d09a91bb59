"""Zhengzhou (郑州市): hooks. Every number comes from :mod:`xuefen_zhengzhou.rules`."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import attrs

from xuefen import hookimpl
from xuefen.model import (CertificateSpec, Cycle, Deadline, Entry, Field, Region, RuleSet, Setting, Stage, Transition,
                          Warning, dec_str)

from xuefen_zhengzhou.labels import LABELS
from xuefen_zhengzhou.rules import (AUTHORITY_LEVELS, CITY_BUREAU, CODE, CYCLE_TITLE, NEW_TEACHER_TITLE,
                                    PAPER_TITLE, PROVINCE_SYSTEM, RULES as R)

ZERO = Decimal(0)
IN_FORCE = R["Z-T1"].values["in_force"]
CUTOVER = R["Z-T1"].values["cutover"]
DEADLINE = R["Z-T2"].values["deadline"]
BEFORE = "hours before 郑教明电〔2017〕139号, registered under 八"
CURRENT = "郑教明电〔2017〕139号"

#: bucket of new-teacher training that counts towards Z-R5's 120 (passed, within the first year)
NEW_TEACHER_QUALIFYING = "new_teacher_first_year_passed"

#: the decisions of Z-T1
PATHS = ("system_path", "paper_path", "complete")

#: region-declared teacher fields, parsed once where they come in (``Teacher.extra``, typed); see README
TEACHER_FIELDS = (
    Field("affiliation", "choice", R["Z-A4"].values["affiliations"], "county",
          "the school's affiliation: the registration office (Z-A4)"),
    Field("qualified", "bool", default=True, doc="holds a teacher qualification (Z-S1)"),
    Field("cutover_path", "choice", PATHS, doc="the Z-T1 path, written by xuefen migrate zhengzhou-cutover"),
    # true, or what the training is; kept as given (special_training_owed reads it)
    Field("special_training_owed", doc="the mandated special training the teacher still owes (六(一))"),
)
#: region-declared activity fields (``Activity.extra``, typed); see README
ACTIVITY_FIELDS = (
    Field("famous_backbone", "bool", default=False, doc="a famous/backbone teacher project (Z-C3)"),
    Field("plan_filed_on", "date", doc="the day the project's plan was filed (Z-C3)"),
    Field("started_on", "date", doc="the first day of a degree study (Z-C4)"),
    Field("institution", "text", doc="the institution that ran it"),
    Field("school_consent", "bool", doc="the school agreed to the study (Z-C4)"),
    Field("qualified_institution", "bool", default=True, doc="the institution is qualified (Z-C4)"),
    Field("notice", "text", doc="the organising authority's notice"),
)

REGION = Region(
    code=CODE,
    name="郑州市 Zhengzhou",
    units=("hours",),
    rulesets=(
        RuleSet(BEFORE, None, IN_FORCE - dt.timedelta(days=1), "Z-T1", R["Z-T1"].article),
        RuleSet(CURRENT, IN_FORCE, None, "Z-T1", R["Z-T1"].article),
    ),
    source="zhengzhou-2017.txt: 郑州市教育局关于贯彻落实省中小学幼儿园教师继续教育学时登记管理暂行意见的通知 "
           "(郑教明电〔2017〕139号)",
    cycle_years=R["Z-R1"].values["cycle_years"],
    cycle_rule=("Z-R4", R["Z-R4"].article),
    activity_fields=ACTIVITY_FIELDS,
    teacher_fields=TEACHER_FIELDS,
    rules=R,
    labels=LABELS,
)


@hookimpl
def xuefen_settings():
    return [
        Setting("senior_at_360", "complete", "Z-T1", R["Z-T1"].article,
                "八 names only senior-high teachers short of 360 (system path); a senior-high teacher with 360 or "
                "more by 2016-12-31: the digest's reading is `complete` (certificate on the system path)",
                ("complete", "system_path", "paper_path")),
        Setting("cutover_without_certificate", "not_classified", "Z-T1", R["Z-T1"].article,
                "a teacher with no previous certificate (a new teacher): the text counts from the previous "
                "certificate, so Z-T1 does not apply and the cycle runs from the start of work; `from_hired_on` "
                "counts such a teacher's hours from hired_on instead", ("not_classified", "from_hired_on")),
        Setting("paper_path_cycle", "until_deadline", "Z-T2", R["Z-T2"].article,
                "a paper-path teacher keeps training to 360 (八): their cycle runs at least until the bureau's "
                "2018-12-31 deadline even where the fifth year ended earlier; `five_years` keeps the 5-year window",
                ("until_deadline", "five_years")),
        Setting("degree_exemption", True, "Z-C3", R["Z-C3"].article,
                "可免于 (may exempt): a qualifying degree exempts the cycle's 360 hours; false: its hours only"),
        Setting("paper_path_school_based", True, "Z-T1", R["Z-T1"].article,
                "八 names only 累计完成360学时 for the paper-path certificate; reading: the 80 school-based hours "
                "of 四 are due in every cycle, the paper path's too (true); false: the paper path needs the 360 "
                "only"),
        Setting("degree_exemption_includes_school_based", True, "Z-C3", R["Z-C3"].article,
                "the exemption covers the 80 school-based hours inside the 360 too (the digest's reading)"),
        Setting("school_based_above_80_counts", True, "Z-R2", R["Z-R2"].article,
                "school-based hours above 80 still count towards the 360 (the digest's reading); false caps "
                "school-based hours at 80 in the cycle"),
        Setting("new_teacher_precondition", "warn", "Z-R5", R["Z-R5"].article,
                "the 新任教师培训合格证书 is the precondition for further continuing education: other training of "
                "a new teacher before the 120 hours are passed gets a warning (`warn`) or earns nothing (`refuse`)",
                ("warn", "refuse")),
        Setting("consent_by_school_review", True, "Z-C5", R["Z-C5"].article,
                "non-authority training needs the school's consent: the school's review stage is that consent, "
                "so a record without `school_consent` counts; false requires `school_consent: true`"),
        Setting("institution_office", "city", "Z-A4", R["Z-A4"].article,
                "二 assigns city-direct 'other education institutions' by their corresponding stage; a special "
                "school or institution teacher of a city-direct, city-affiliated or province-direct unit is "
                "registered by the city office (`city`) or the county office (`county`)", ("city", "county")),
    ]


# -- region-declared fields (typed by the core: Teacher.extra / Activity.extra) ----------------------


def _affiliation(teacher) -> str:
    return teacher.extra["affiliation"]


def in_scope(teacher) -> bool:
    """Z-S1: the stage is covered and the teacher holds a teacher qualification."""
    qualified = teacher.extra["qualified"]
    return teacher.stage in R["Z-S1"].values["covered"] and qualified


def scope_reason(teacher) -> str:
    if teacher.stage in R["Z-S1"].values["excluded"]:
        return (f"a {teacher.stage} teacher is outside 一's scope (kindergartens, primary and secondary schools, "
                f"special schools and education institutions); vocational (中职) teachers are not covered")
    return "the teacher holds no teacher qualification (取得教师资格证), which 一 requires"


# -- the cycle (Z-R4, Z-R5) ------------------------------------------------------


def years_end(start: dt.date, years: int) -> dt.date:
    """The last day of ``years`` years from ``start`` inclusive (29 February runs to 28 February)."""
    try:
        anniversary = start.replace(year=start.year + years)
    except ValueError:
        anniversary = dt.date(start.year + years, 3, 1)
    return anniversary - dt.timedelta(days=1)


def base_cycle(teacher) -> Cycle | None:
    """Z-R4 from the previous certificate; else a stated ``cycle_start`` (Z-R4: the records of earlier cycles
    are kept elsewhere); else Z-R5 from the start of work."""
    years = R["Z-R1"].values["cycle_years"]
    if teacher.previous_certificate_on is not None:
        start, rule = teacher.previous_certificate_on, "Z-R4"
    elif teacher.cycle_start is not None:
        start, rule = teacher.cycle_start, "Z-R4"
    elif teacher.hired_on is not None:
        start, rule = teacher.hired_on, "Z-R5"
    else:
        return None
    return Cycle(start, years_end(start, years), rule, R[rule].article)


def is_new_teacher(teacher, as_of: dt.date | None = None) -> bool:
    """Z-R5: no previous certificate, and a start of work within the 5 years before ``as_of`` (九: 360 hours
    within 5 years of starting work); a teacher hired decades ago is not new for lack of a certificate."""
    if teacher.previous_certificate_on is not None or teacher.hired_on is None:
        return False
    if as_of is None:
        return True
    return as_of <= years_end(teacher.hired_on, R["Z-R5"].values["cycle_years"])


@hookimpl
def xuefen_cycle(teacher):
    return base_cycle(teacher)


# -- conversion -------------------------------------------------------------------


def _designed_hours(act, rule, what):
    """The hours of the project design; None with a refusal when they are missing."""
    if act.hours is not None:
        return act.hours, None
    why = f"hours required: {what}"
    if act.days is not None:
        why += " (Zhengzhou registers the designed hours and converts no days)"
    return None, [R.refuse(rule, act, why)]


def _failed(act, rule):
    if act.assessment == "fail":
        return [R.refuse(rule, act, "assessment fail: hours are registered only for a project passed (考核合格)")]
    return None


def _degree(act, teacher, history, settings):
    if not act.in_subject:
        return [R.refuse("Z-C3", act, "六(一) registers degree study in an education/teaching subject (教育教学专业) "
                                      "only; in_subject is false")]
    if not act.graduated:
        return [R.refuse("Z-C4", act, "degree study not finished: nothing is registered and this cycle is not "
                                      "exempt; the cycle in which the certificate is obtained is exempt (六(一))")]
    started = act.extra["started_on"]
    cycle = history.cycle or base_cycle(teacher)
    straddles = started is not None and cycle is not None and started < cycle.start <= act.date
    rule = "Z-C4" if straddles else "Z-C3"
    hours = act.hours if act.hours is not None else ZERO
    note = (f"degree obtained {act.date}"
            + (f", started {started} before this cycle: it exempts this cycle, the one it was obtained in"
               if straddles else "")
            + ("" if act.hours is not None else "; no hours stated in the project design"))
    return [R.entry(rule, act, hours=hours, buckets=["degree_study", act.degree_level], note=note)]


def _school_based(act):
    refused = _failed(act, "Z-C2")
    if refused:
        return refused
    hours, refused = _designed_hours(act, "Z-C2", "the school's project design sets the hours")
    if refused:
        return refused
    return [R.entry("Z-C2", act, hours=hours, buckets=["school_based", act.kind, "school"])]


def _famous_backbone_unfiled(act, teacher) -> str | None:
    """Z-A2: a county famous/backbone project for junior/senior teachers needs its plan filed by the city first."""
    v = R["Z-A2"].values
    where = f"activity {act.id!r}"
    if not (act.extra["famous_backbone"] and act.level == v["level"]
            and teacher.stage in v["stages"]):
        return None
    filed = act.extra["plan_filed_on"]
    start = act.extra["started_on"] or act.date
    if filed is None:
        return ("a county famous/backbone project for junior/senior teachers cannot run before the city office "
                "has reviewed and filed its plan (方案审核备案); no plan_filed_on is recorded")
    if filed > start:
        return (f"the project ran from {start}, before the city office filed its plan on {filed} "
                f"(方案审核备案 comes first)")
    return None


def _authority_project(act, teacher):
    refused = _failed(act, "Z-C1")
    if refused:
        return refused
    unfiled = _famous_backbone_unfiled(act, teacher)
    if unfiled:
        return [R.refuse("Z-A2", act, unfiled)]
    hours, refused = _designed_hours(act, "Z-C1", "the hours of the authority's project design")
    if refused:
        return refused
    fb = "famous_backbone" if act.extra["famous_backbone"] else None
    return [R.entry("Z-C1", act, hours=hours, buckets=["training", act.kind, act.level, fb])]


def _non_authority(act, settings):
    where = f"activity {act.id!r}"
    consent = act.extra["school_consent"]
    if consent is False or (consent is None and not settings["consent_by_school_review"]):
        return [R.refuse("Z-C5", act, "non-authority training is registered only with the school's consent "
                                      "(经所在学校同意)")]
    if not act.extra["qualified_institution"]:
        return [R.refuse("Z-C5", act, "non-authority training counts only at a qualified institution (有资质的培训机构)")]
    refused = _failed(act, "Z-C5")
    if refused:
        return refused
    hours, refused = _designed_hours(act, "Z-C5", "the hours of the project design registered for it")
    if refused:
        return refused
    return [R.entry("Z-C5", act, hours=hours, buckets=["non_authority_training", act.kind])]


def _support_teaching(act):
    if act.level == "school":
        return [R.refuse("Z-C6", act, "support/送教 teaching counts when an education authority organised it, not "
                                      "a school")]
    hours, refused = _designed_hours(act, "Z-C6", "the hours the organising authority's notice sets")
    if refused:
        return refused
    return [R.entry("Z-C6", act, hours=hours, buckets=["support_teaching", act.level])]


def _new_teacher_training(act, teacher, as_of):
    refused = _failed(act, "Z-R5")
    if refused:
        return refused
    hours, refused = _designed_hours(act, "Z-R5", "the hours of the new-teacher training project")
    if refused:
        return refused
    within = R["Z-R5"].values["within_years"]
    qualifying = None
    note = None
    new = is_new_teacher(teacher, as_of)
    if new and teacher.hired_on <= act.date <= years_end(teacher.hired_on, within):
        if act.assessment in ("pass", "excellent"):
            qualifying = NEW_TEACHER_QUALIFYING
        else:
            note = "not assessed as passed yet: counts towards the cycle, not towards the 120 (Z-R5)"
    elif new:
        note = f"outside the first {within} year(s) of work: counts towards the cycle, not towards the 120"
    return [R.entry("Z-R5", act, hours=hours, buckets=["new_teacher_training", act.level, qualifying], note=note)]


def _precondition(act, teacher, history, settings, results):
    """Z-R5: further training of a new teacher before the new-teacher certificate's 120 hours."""
    if not is_new_teacher(teacher, history.as_of) or act.kind == "new_teacher_training":
        return results
    if not results or not isinstance(results[0], Entry):
        return results
    passed = sum((e.hours or ZERO for e in history.entries if NEW_TEACHER_QUALIFYING in e.buckets), ZERO)
    need = R["Z-R5"].values["minimum"]
    if passed >= need:
        return results
    msg = (f"before the 新任教师培训合格证书 ({dec_str(passed)} of {dec_str(need)} new-teacher hours passed): the "
           f"certificate is the precondition for further continuing education")
    if settings["new_teacher_precondition"] == "refuse":
        return [R.refuse("Z-R5", act, msg)]
    return list(results) + [R.warning("Z-R5", msg, act)]


def _convert(act, teacher, history, settings):
    kind = act.kind
    if kind == "degree_study":
        return _degree(act, teacher, history, settings)
    if kind == "self_study_exam":
        return [R.refuse("Z-C3", act, "self-study exam subjects are degree study: registered once the degree "
                                      "certificate is obtained (record it as degree_study, graduated)")]
    if not act.approved_by_authority:
        return _non_authority(act, settings)
    if kind == "volunteer_teaching":
        return _support_teaching(act)
    if kind == "new_teacher_training":
        return _new_teacher_training(act, teacher, history.as_of)
    if kind in R["Z-C2"].values["kinds"] or act.level == R["Z-C2"].values["level"]:
        return _school_based(act)
    if act.level in AUTHORITY_LEVELS or kind in ("training", "class_teacher_training", "principal_training",
                                                 "other"):
        return _authority_project(act, teacher)
    return [R.refuse("Z-X1", act, f"no article registers a {kind!r} record unless an education authority designed "
                                  f"it as a project (五, give its level) or the school as school-based")]


@hookimpl
def xuefen_convert(activity, teacher, history, settings):
    act = activity
    if not in_scope(teacher):
        return [R.refuse("Z-S1", act, scope_reason(teacher))]
    return _precondition(act, teacher, history, settings, _convert(act, teacher, history, settings))


# -- requirements -----------------------------------------------------------------


@hookimpl
def xuefen_requirements(teacher, period, settings):
    if not in_scope(teacher):
        return []
    base = base_cycle(teacher)
    if period.kind == "year":
        if base is None or period.year < base.start.year:
            return []
        return [R.requirement("Z-R3", "hours", minimum="advised", severity="warning",
                              label="advised hours a year (以72学时为宜)")]
    reqs = [R.requirement("Z-R1", "hours", minimum="minimum", label="cycle hours"),
            R.requirement("Z-R2", "hours", minimum="minimum", all_of=("school_based",), label="school-based (校本研修)")]
    if not settings["school_based_above_80_counts"]:
        reqs.insert(0, R.requirement("Z-R2", "hours", maximum="minimum", all_of=("school_based",),
                                     label="school-based (校本研修)"))
    if is_new_teacher(teacher) and teacher.hired_on <= period.end \
            and years_end(teacher.hired_on, R["Z-R5"].values["cycle_years"]) >= period.start:
        # whether the start of work lies within the 5 years before the evaluation: xuefen_review
        reqs.append(R.requirement("Z-R5", "hours", minimum="minimum", all_of=(NEW_TEACHER_QUALIFYING,),
                                  label="new-teacher training (新任教师培训)"))
    return reqs


# -- the cutover (Z-T1, Z-T2) --------------------------------------------------------


def _hours(entries, start, end) -> Decimal:
    return sum((e.hours or ZERO for e in entries if start <= e.date <= end), ZERO)


def classify(teacher, entries, as_of, settings) -> Transition | None:
    """Z-T1 for one teacher: None where it does not apply."""
    if not in_scope(teacher):
        return None
    v = R["Z-T1"].values
    start = teacher.previous_certificate_on
    counted_from = "previous certificate"
    if start is None:
        if settings["cutover_without_certificate"] != "from_hired_on" or teacher.hired_on is None:
            return None
        start, counted_from = teacher.hired_on, "start of work (setting cutover_without_certificate)"
    if start > CUTOVER:
        return None
    until = min(CUTOVER, as_of)
    hours = _hours(entries, start, until)
    senior = teacher.stage == "senior"
    threshold = v["senior_threshold"] if senior else v["threshold"]
    if hours < threshold:
        decision = "system_path"
        how = ("registered in the system as project designs, by the degree-study route "
               "(teacher → school → registration office)")
    elif senior:
        decision = settings["senior_at_360"]
        how = ("八 is silent on senior-high teachers at 360 or more; reading (setting senior_at_360): "
               + {"complete": "complete, certificate on the system path",
                  "system_path": "the system path",
                  "paper_path": "the paper path"}[decision])
    else:
        decision = "paper_path"
        how = ("registered on the paper completion form (结业登记表) by the degree-study route, on paper; the teacher "
               f"keeps training to 360 and the Zhengzhou bureau issues the certificate, not after {DEADLINE}")
    who = "senior-high" if senior else "not senior-high"
    detail = (f"{dec_str(hours)} hours from the {counted_from} ({start}) to {until} "
              f"({who}: {'fewer than' if hours < threshold else 'at least'} {dec_str(threshold)}): {how}")
    if as_of < CUTOVER:
        detail += f"; provisional: evaluated on {as_of}, before the cutover date {CUTOVER}"
    return Transition("Z-T1", R["Z-T1"].article, decision, detail,
                      data={"hours": hours, "threshold": threshold, "counted_from": start.isoformat(),
                            "counted_to": until.isoformat()})


def _deadline(teacher, entries, as_of, cycle: Cycle) -> Transition:
    """Z-T2 for a paper-path teacher."""
    need = R["Z-R1"].values["minimum"]
    at_deadline = _hours(entries, cycle.start, min(cycle.end, DEADLINE))
    data = {"deadline": DEADLINE.isoformat(), "hours_at_deadline": at_deadline}
    if as_of <= DEADLINE:
        return Transition("Z-T2", R["Z-T2"].article, "open",
                          f"the Zhengzhou bureau reviews and issues the paper-path certificate once 360 hours are "
                          f"counted, until {DEADLINE}", data=data)
    to_date = _hours(entries, cycle.start, as_of)
    data["hours_to_date"] = to_date
    if at_deadline < need:
        return Transition("Z-T2", R["Z-T2"].article, "manual_handling",
                          f"paper path, {dec_str(at_deadline)} of {dec_str(need)} hours by the bureau's last date "
                          f"{DEADLINE} ({dec_str(to_date)} to {as_of}, all kept): the text does not say what "
                          f"follows; listed for manual handling", data=data)
    return Transition("Z-T2", R["Z-T2"].article, "closed",
                      f"paper path, {dec_str(at_deadline)} hours by {DEADLINE}: the bureau's certificate was due by "
                      f"then; it issues no paper-path certificate after it", data=data)


@hookimpl
def xuefen_transition(teacher, history, as_of, settings):
    t1 = classify(teacher, history.entries, as_of, settings)
    if t1 is None:
        return []
    out = [t1]
    if t1.decision == "paper_path":
        cycle = history.cycle or base_cycle(teacher)
        if cycle is not None and settings["paper_path_cycle"] == "until_deadline" and cycle.end < DEADLINE:
            cycle = Cycle(cycle.start, DEADLINE, "Z-T2", R["Z-T2"].article)
            out[0] = attrs.evolve(t1, cycle=cycle, detail=t1.detail + f"; the cycle runs on to {DEADLINE} "
                                                                      f"(setting paper_path_cycle)")
        if cycle is not None:
            out.append(_deadline(teacher, history.entries, as_of, cycle))
    return out


def path_of(evaluation) -> str | None:
    """The Z-T1 decision of an evaluation, if any."""
    return next((t.decision for t in evaluation.transitions if t.rule == "Z-T1"), None)


@hookimpl
def xuefen_deadline(evaluation, period):
    """Z-T2: a paper-path teacher's cycle is due by the Zhengzhou bureau's last issue date, 2018-12-31 (八);
    every other cycle by its own end (Z-R4, the default)."""
    if period.kind != "cycle" or path_of(evaluation) != "paper_path":
        return None
    return Deadline(DEADLINE, "Z-T2", R["Z-T2"].article, "issue",
                    "last day the Zhengzhou bureau issues paper-path certificates")


def cutover_decisions(teacher, evaluation, settings):
    """The teacher's Z-T1 path and, on the paper path, Z-T2 (open, closed, or listed for manual handling)."""
    return [t for t in evaluation.transitions if t.rule in ("Z-T1", "Z-T2")]


@hookimpl
def xuefen_migrations():
    from xuefen.migrate import Migration
    return [Migration(
        name=f"{CODE}-cutover", region=CODE, rule="Z-T1", article=R["Z-T1"].article,
        doc=(f"八's 260-hour cutover: each teacher's hours from the previous certificate to {CUTOVER} classify them "
             f"as system_path, paper_path or complete (Z-T1); paper-path teachers short of 360 after {DEADLINE} "
             f"are listed for manual handling (Z-T2). --apply records each decision in the audit log and the "
             f"path in the teacher's cutover_path, which routes their claims"),
        decide=cutover_decisions, field="cutover_path", manual=(("Z-T2", "manual_handling"),))]


# -- review: scope and the degree exemption ----------------------------------------------


def _exemptions(evaluation, history, settings):
    cycle = evaluation.cycle
    if cycle is None or not settings["degree_exemption"]:
        return []
    last = min(cycle.end, evaluation.as_of)
    out = []
    for e in evaluation.entries:
        if "degree_study" in e.buckets and e.rule in ("Z-C3", "Z-C4") and cycle.start <= e.date <= last:
            covered = ["Z-R1"] + (["Z-R2"] if settings["degree_exemption_includes_school_based"] else [])
            how = ("a degree study that straddled cycles, obtained in this one (Z-C4): this cycle is exempt"
                   if e.rule == "Z-C4" else "a degree obtained inside the certificate's 5-year validity (Z-C3)")
            out.append({"rule": e.rule, "article": e.article, "activity": e.activity, "exempts": covered,
                        "detail": f"{how}, on {e.date}: exempt from the cycle's 360 hours"
                                  + (" (the 80 school-based included)" if "Z-R2" in covered else "")
                                  + "; special training an education authority mandates is still required"})
    return out


def _in_progress(evaluation, history):
    """Z-C4: degree records not finished in this cycle."""
    cycle = evaluation.cycle
    if cycle is None:
        return []
    finished = {a.program_id or a.id for a in history.activities if a.kind == "degree_study" and a.graduated
                and a.date <= evaluation.as_of}
    out = []
    for a in history.activities:
        if a.kind == "degree_study" and not a.graduated and (a.program_id or a.id) not in finished \
                and cycle.start <= a.date <= cycle.end:
            out.append(R.warning("Z-C4", "degree study not finished in this cycle: this cycle's 360 hours are "
                                         "still due; the next cycle is exempt once the certificate is obtained in it",
                                 a))
    return out


def special_training_owed(teacher) -> str | None:
    """六(一) 均不包括教育行政部门要求教师必须参加的特殊专项培训: the mandated special training the teacher still
    owes (teacher field ``special_training_owed``: what it is; empty: none owed)."""
    raw = (teacher.extra or {}).get("special_training_owed")
    if raw is None or isinstance(raw, bool):
        return None if not raw else "mandated special training"
    text = str(raw).strip()
    if text.lower() in ("", "false", "no", "0", "none"):
        return None
    return "mandated special training" if text.lower() in ("true", "yes", "1") else text


@hookimpl
def xuefen_review(evaluation, teacher, history, settings):
    ev = evaluation
    if not in_scope(teacher):
        warning = R.warning("Z-S1", scope_reason(teacher))
        return attrs.evolve(ev, cycle_results=(), cycle_met=False, years=(), warnings=ev.warnings + (warning,))
    warnings = ev.warnings + tuple(_in_progress(ev, history))
    results = list(ev.cycle_results)
    if not is_new_teacher(teacher, ev.as_of):  # Z-R5 applies to a start of work within the 5 years before
        results = [r for r in results if r.rule != "Z-R5"]
    exemptions = _exemptions(ev, history, settings)
    owed = special_training_owed(teacher)
    if exemptions:
        first = exemptions[0]
        covered = set(first["exempts"])
        kept = []
        for r in results:
            if r.rule in covered and r.requirement.minimum is not None:
                why = f"exempt: degree study {first['activity']} ({first['rule']}, {first['article']})"
                r = attrs.evolve(r.waive(first["rule"], first["article"], why), notes=r.notes + (why,))
            kept.append(r)
        results = kept
        if owed:
            exemptions = [{**ex, "special_training_owed": owed} for ex in exemptions]
            warnings += (Warning(first["rule"], first["article"],
                                 f"the degree exemption does not waive special training an education authority "
                                 f"mandates (六(一) 均不包括…特殊专项培训): still owed: {owed}"),)
    met = all(r.met for r in results if r.requirement.severity == "requirement")
    if exemptions and owed:
        met = False
    return attrs.evolve(ev, cycle_results=tuple(results), cycle_met=met, exemptions=tuple(exemptions),
                        warnings=warnings)


# -- certificates (四, 九, 八) ------------------------------------------------------------


def _short(evaluation, skip=()) -> str:
    short = [r for r in evaluation.cycle_results if not r.met and r.requirement.severity == "requirement"
             and r.rule not in skip]
    return "; ".join(f"{r.rule}: {dec_str(r.counted)} of {dec_str(r.threshold)} hours" for r in short)


def _owed(evaluation) -> str:
    """The reason a degree exemption still leaves the cycle open: mandated special training owed (六(一))."""
    for ex in evaluation.exemptions:
        if ex.get("special_training_owed"):
            return (f"exempt by degree study {ex['activity']} ({ex['rule']}, {ex['article']}), but mandated special "
                    f"training is still owed: {ex['special_training_owed']} (六(一) 均不包括…特殊专项培训)")
    return ""


def _new_teacher_certificate(teacher, evaluation):
    need = R["Z-R5"].values["minimum"]
    if not is_new_teacher(teacher, evaluation.as_of):
        return CertificateSpec(False, "Z-R5", R["Z-R5"].article,
                               "not a new teacher: the 新任教师培训合格证书 is for a teacher in the first year of work "
                               "with no previous registration certificate, whose start of work lies within the 5 "
                               "years before the evaluation", title=NEW_TEACHER_TITLE,
                               issuer=CITY_BUREAU, kind="new_teacher")
    passed = sum((e.hours or ZERO for e in evaluation.entries
                  if NEW_TEACHER_QUALIFYING in e.buckets and e.date <= evaluation.as_of), ZERO)
    ok = passed >= need
    reason = (f"{dec_str(passed)} of {dec_str(need)} hours of new-teacher training passed within the first "
              f"{R['Z-R5'].values['within_years']} year(s) of work")
    return CertificateSpec(ok, "Z-R5", R["Z-R5"].article, reason, title=NEW_TEACHER_TITLE, issuer=CITY_BUREAU,
                           kind="new_teacher", once_from=teacher.hired_on)


def _cycle_certificate(teacher, cycle, evaluation, settings):
    if cycle is None:
        return CertificateSpec(False, "Z-R4", R["Z-R4"].article,
                               "no cycle: give previous_certificate_on (or hired_on for a new teacher)",
                               title=CYCLE_TITLE, kind="cycle")
    years = R["Z-R4"].values["valid_years"]
    valid_until = years_end(evaluation.as_of, years)
    common = dict(valid_years=years, kind="cycle", valid_until=valid_until, starts_cycle=True,
                  once_from=cycle.start)
    if path_of(evaluation) == "paper_path":
        if evaluation.as_of > DEADLINE:
            return CertificateSpec(False, "Z-T2", R["Z-T2"].article,
                                   f"paper path: the Zhengzhou bureau issues no paper-path certificate after "
                                   f"{DEADLINE}; listed for manual handling", title=PAPER_TITLE,
                                   issuer=CITY_BUREAU, **common)
        with_school_based = settings["paper_path_school_based"]
        rows = [r for r in evaluation.cycle_results if r.requirement.severity == "requirement"
                and (with_school_based or r.rule != "Z-R2")]
        owed = _owed(evaluation)
        ok = all(r.met for r in rows) and not owed
        counted = (f"360 hours counted, {dec_str(R['Z-R2'].values['minimum'])} of them school-based (四 for "
                   f"every cycle; setting paper_path_school_based)" if with_school_based else
                   "360 hours counted (八 累计完成360学时; the school-based 80 not required: setting "
                   "paper_path_school_based false)")
        if ok:
            reason = f"paper path: {counted}; the Zhengzhou bureau issues it on the completion form"
        else:
            reason = "paper path: " + (_short(evaluation, skip=() if with_school_based else ("Z-R2",)) or owed)
        return CertificateSpec(ok, "Z-T1", R["Z-T1"].article, reason, title=PAPER_TITLE,
                               issuer=f"{CITY_BUREAU} (结业登记表, on paper)", **common)
    ok = evaluation.cycle_met
    owed = _owed(evaluation)
    if owed and not _short(evaluation):
        ex = evaluation.exemptions[0]
        return CertificateSpec(False, ex["rule"], ex["article"], owed, title=CYCLE_TITLE, issuer=PROVINCE_SYSTEM,
                               **common)
    if ok and evaluation.exemptions:
        ex = evaluation.exemptions[0]
        reason = f"exempt by degree study {ex['activity']} ({ex['rule']}, {ex['article']})"
        rule, article = ex["rule"], ex["article"]
    else:
        reason = "360 hours counted and assessed" if ok else _short(evaluation)
        rule, article = "Z-R1", R["Z-R1"].article
    return CertificateSpec(ok, rule, article, reason, title=CYCLE_TITLE, issuer=PROVINCE_SYSTEM, **common)


@hookimpl
def xuefen_certificate(teacher, cycle, evaluation, settings, kind):
    if not in_scope(teacher):
        return CertificateSpec(False, "Z-S1", R["Z-S1"].article, scope_reason(teacher), kind=kind or "cycle")
    if kind == "new_teacher":
        return _new_teacher_certificate(teacher, evaluation)
    if kind not in (None, "cycle"):
        return CertificateSpec(False, "Z-X1", R["Z-X1"].article,
                               f"Zhengzhou issues no {kind!r} certificate (cycle, new_teacher)", kind=kind)
    return _cycle_certificate(teacher, cycle, evaluation, settings)


# -- approval routing (Z-A1 … Z-A5) -----------------------------------------------------------

_ROLE = {"school": "school_admin", "county": "county_admin", "city": "city_admin", "province": "province_admin"}
#: where a stage is handled: Z-T1's paper path is handled on paper (结业登记表) and recorded afterwards
PAPER, REGISTRY = "paper", "registry"
#: who serves a county stage of a school with no county above it (our reading: the city office, as 二
#: has the city office register what no county office can)
CITY = ("city", "city_admin")


def _stage(level, rule, name=None, medium=REGISTRY):
    return Stage(name or f"{level}_review", _ROLE[level], level, rule, R[rule].article, medium=medium,
                 stand_in=CITY if level == "county" else None)


def registration_office(teacher, settings) -> str:
    """二: ``city`` or ``county``, the office that registers the teacher's degree-route hours."""
    v = R["Z-A4"].values
    if _affiliation(teacher) not in v["city_office_affiliations"]:
        return "county"
    if teacher.stage in v["city_office_stages"]:
        return "city"
    if teacher.stage in ("special", "institution"):
        return settings["institution_office"]
    return "county"


def degree_route(teacher, settings, medium=REGISTRY, rule="Z-A4"):
    office = registration_office(teacher, settings)
    return [Stage("school_review", "school_admin", "school", rule, R[rule].article, medium=medium,
                  records_assessment=True),
            Stage(f"{office}_office_review", _ROLE[office], office, rule, R[rule].article, medium=medium,
                  stand_in=CITY if office == "county" else None)]


def _designer(activity, teacher) -> str:
    """The level of the authority that designed the project (五): its level, else by the teacher's stage."""
    if activity.kind == "new_teacher_training" and activity.level is None:
        return R["Z-R5"].values["designer"].get(teacher.stage, "county")
    level = activity.level or R["Z-A1"].values["designer"].get(teacher.stage, "county")
    return R["Z-A1"].values["approver"][level]


def recorded_path(teacher) -> str | None:
    """The Z-T1 path recorded on the teacher (``cutover_path``, written by ``xuefen migrate zhengzhou-cutover``);
    None once a certificate issued after the cutover started a new cycle: that cycle is on the system."""
    path = teacher.extra["cutover_path"]
    if teacher.previous_certificate_on is not None and teacher.previous_certificate_on > CUTOVER:
        return None
    return path


@hookimpl
def xuefen_approval_stages(activity, teacher, settings, purpose):
    path = recorded_path(teacher)
    if purpose == "cycle":
        if path == "paper_path":
            return [Stage("school_review", "school_admin", "school", "Z-T1", R["Z-T1"].article, medium=PAPER),
                    Stage("city_bureau_issue", "city_admin", "city", "Z-T1", R["Z-T1"].article, medium=PAPER)]
        office = registration_office(teacher, settings)
        return [_stage(office, "Z-R1", f"{office}_office_review")]
    act = activity
    if path == "paper_path" and act.date >= (teacher.previous_certificate_on or act.date):
        return degree_route(teacher, settings, medium=PAPER, rule="Z-T1")
    if act.kind == "degree_study" or not act.approved_by_authority:
        return degree_route(teacher, settings)
    if path == "system_path" and act.date <= CUTOVER:
        return degree_route(teacher, settings, rule="Z-T1")
    if act.kind == "volunteer_teaching":
        return [_stage(_designer(act, teacher), "Z-A5")]
    if act.kind in R["Z-C2"].values["kinds"] or act.level == "school":
        return [_stage("school", "Z-A3")]
    if act.kind == "new_teacher_training":
        return [_stage(_designer(act, teacher), "Z-R5")]
    level = _designer(act, teacher)
    rule = "Z-A2" if (act.level == "county" and teacher.stage in R["Z-A2"].values["stages"]
                      and act.extra["famous_backbone"]) else "Z-A1"
    return [_stage(level, rule)]


# -- demo -------------------------------------------------------------------------------------


@hookimpl
def xuefen_demo_data(seed):
    from xuefen_zhengzhou.demo import demo_data
    return demo_data(seed)
