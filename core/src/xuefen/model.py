"""The values every region speaks of.

Frozen ``attrs`` classes for values (an activity, an entry, a requirement),
amounts as :class:`decimal.Decimal` end to end. Named constructors
(``from_json``/``as_json``) live at the edges; the database mapping lives in
:mod:`xuefen.store`.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Callable, Mapping

import attrs

# -- vocabulary the core owns (docs/rules/README.md "Shared vocabulary") ----------

LEVELS = ("national", "provincial", "city", "county", "school")
STAGES = ("kindergarten", "primary", "junior", "senior", "special", "vocational", "institution")
DELIVERIES = ("centralized", "online", "blended")
ASSESSMENTS = ("excellent", "pass", "fail")
KINDS = (
    "training", "school_based", "degree_study", "self_study_exam", "trainer", "studio",
    "volunteer_teaching", "new_teacher_training", "principal_training",
    "class_teacher_training", "research", "publication", "open_class", "competition",
    "mentoring", "professional_certificate_training", "other",
)
DEGREE_LEVELS = ("associate", "bachelor", "master", "doctor")
LEAVE_KINDS = ("maternity", "sick", "other")
UNITS = ("hours", "credits")
ORG_LEVELS = ("province", "city", "county", "school")
ROLES = ("teacher", "school_admin", "county_admin", "city_admin", "province_admin", "project_leader",
         "registry_admin")
#: roles that may register actors and keys, org units and records within their unit (registry_admin: anywhere)
MANAGER_ROLES = ("school_admin", "county_admin", "city_admin", "province_admin", "registry_admin")


def to_decimal(value: Any) -> Decimal | None:
    """Convert to an exact Decimal; floats go through their shortest repr."""
    if value is None or isinstance(value, Decimal):
        return value
    if isinstance(value, bool):
        raise TypeError("a number, not a boolean")
    if isinstance(value, float):
        return Decimal(repr(value))
    return Decimal(value)


def dec_str(value: Decimal | None) -> str | None:
    """A Decimal as the JSON string of docs/formats.md §2: exact, no exponent, no trailing zeros."""
    if value is None:
        return None
    if value == value.to_integral_value():
        return str(value.quantize(Decimal(1)))
    return format(value.normalize(), "f")


def _opt_date(value):
    return value


@attrs.frozen
class Leave:
    """An approved leave of absence (Shandong make-up rules)."""

    start: dt.date  #: first day of the leave (JSON ``from``)
    end: dt.date  #: last day of the leave (JSON ``to``)
    kind: str = "other"  #: ``maternity``, ``sick`` or ``other``


@attrs.frozen
class Teacher:
    """A teacher, as of an evaluation. Fields follow docs/formats.md §1 ``teacher``."""

    id: str  #: registry id (教师资格证号 or the region's id)
    stage: str  #: 学段, one of :data:`STAGES`
    hired_on: dt.date | None = None  #: first day of teaching work
    principal_since: dt.date | None = None  #: appointed principal/director on
    class_teacher: bool = False  #: 班主任
    cycle_start: dt.date | None = None  #: first day of the current cycle, where not derived
    previous_certificate_on: dt.date | None = None  #: previous registration certificate's issue date
    school_id: str | None = None  #: org unit id of the teacher's school
    leave: tuple[Leave, ...] = ()  #: approved leave
    normal_school_graduate: bool = False  #: 师范类 graduate (Weifang probation)
    name: str | None = None  #: display name (import tables only)
    extra: dict = attrs.field(factory=dict, hash=False)  #: region-declared fields


@attrs.frozen
class Activity:
    """One thing a teacher did, as recorded. Fields follow docs/formats.md §1 ``activity``.

    ``project_id`` (a training's cohort), ``filed_on`` (when the claim was filed) and
    ``legacy`` (recorded under a repealed method) are additions to the format.
    """

    id: str
    kind: str
    date: dt.date
    level: str | None = None
    delivery: str | None = None
    hours: Decimal | None = attrs.field(default=None, converter=to_decimal)
    days: Decimal | None = attrs.field(default=None, converter=to_decimal)
    assessment: str | None = None
    score: Decimal | None = attrs.field(default=None, converter=to_decimal)
    mandatory: bool | None = None
    self_selected: bool | None = None
    module: str | None = None
    approved_by_authority: bool = True
    role: str = "trainee"
    events: int | None = None
    subjects_passed: int | None = None
    degree_level: str | None = None
    national_series: bool = True
    in_subject: bool = True
    compensatory: bool = False
    program_id: str | None = None
    graduated: bool = False
    full_time: bool = False
    rate: Decimal | None = attrs.field(default=None, converter=to_decimal)
    credits: Decimal | None = attrs.field(default=None, converter=to_decimal)
    public_subject: bool = False
    face_to_face: bool = False
    practical_hours: Decimal | None = attrs.field(default=None, converter=to_decimal)
    published_on: dt.date | None = None
    normal_school: bool = False
    attendance_shortfall: bool = False
    project_id: str | None = None
    filed_on: dt.date | None = None
    legacy: bool = False
    extra: dict = attrs.field(factory=dict, hash=False)


@attrs.frozen
class Entry:
    """One ledger line: what an activity earned, before caps.

    Caps never cut entries; the evaluation reports what counted.
    """

    activity: str  #: the activity's external id
    year: int  #: the calendar year it belongs to
    date: dt.date  #: the activity's date (decides the cycle)
    rule: str  #: digest rule id that justified the amount
    article: str  #: the article cited
    hours: Decimal | None = attrs.field(default=None, converter=to_decimal)
    credits: Decimal | None = attrs.field(default=None, converter=to_decimal)
    buckets: tuple[str, ...] = attrs.field(default=(), converter=tuple)  #: tags requirements select on
    note: str | None = None  #: human explanation
    reverses: str | None = None  #: id of the entry a reversal cancels (ledger)

    def amount(self, unit: str) -> Decimal:
        value = self.hours if unit == "hours" else self.credits
        return value if value is not None else Decimal(0)

    def as_json(self) -> dict:
        return {
            "activity": self.activity, "year": self.year,
            "hours": dec_str(self.hours), "credits": dec_str(self.credits),
            "buckets": list(self.buckets), "rule": self.rule, "article": self.article,
            **({"note": self.note} if self.note else {}),
        }


@attrs.frozen
class Refusal:
    """An activity that earns nothing, and the rule that says so."""

    activity: str
    rule: str
    article: str
    reason: str

    def as_json(self) -> dict:
        return {"activity": self.activity, "rule": self.rule, "article": self.article, "reason": self.reason}


@attrs.frozen
class Warning:
    """Something a person should look at; never changes an amount or a result."""

    rule: str
    article: str
    message: str
    activity: str | None = None

    def as_json(self) -> dict:
        d = {"rule": self.rule, "article": self.article, "message": self.message}
        if self.activity:
            d["activity"] = self.activity
        return d


@attrs.frozen
class Flag:
    """A consequence recorded on the teacher's record (one-vote veto, integrity file, a school flag)."""

    rule: str
    article: str
    kind: str  #: short machine word, e.g. ``veto``, ``integrity``, ``liability``
    message: str
    activity: str | None = None
    year: int | None = None

    def as_json(self) -> dict:
        return {k: v for k, v in attrs.asdict(self).items() if v is not None}


@attrs.frozen
class Period:
    """A span requirements are checked over: a calendar year or a cycle."""

    kind: str  #: ``year`` or ``cycle``
    start: dt.date
    end: dt.date  #: inclusive
    year: int | None = None  #: for ``kind == "year"``

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.end


@attrs.frozen
class Cycle:
    """A teacher's cycle window and the rule that set it."""

    start: dt.date
    end: dt.date  #: inclusive
    rule: str
    article: str


@attrs.frozen
class Requirement:
    """A minimum (``minimum``) or a cap (``maximum``) over the entries of one period.

    Entries are selected by ``unit`` and by buckets: an entry counts when it has
    every bucket of ``all_of``, at least one of ``any_of`` (if given) and none of
    ``none_of``. ``weights`` scales entries having a bucket (C-R3's 50%).
    ``share`` turns the threshold into a share of the period's counted total in
    the unit (L-S1's 60%, S-R4's third). A cap (``maximum``) limits what its
    selected entries contribute to every other requirement of the period, in
    date order; ``severity = "warning"`` reports without failing the period.
    """

    rule: str
    article: str
    unit: str
    minimum: Decimal | None = attrs.field(default=None, converter=to_decimal)
    maximum: Decimal | None = attrs.field(default=None, converter=to_decimal)
    all_of: tuple[str, ...] = attrs.field(default=(), converter=tuple)
    any_of: tuple[str, ...] = attrs.field(default=(), converter=tuple)
    none_of: tuple[str, ...] = attrs.field(default=(), converter=tuple)
    weights: tuple[tuple[str, Decimal], ...] = attrs.field(default=(), converter=tuple)
    share: Decimal | None = attrs.field(default=None, converter=to_decimal)
    share_max: bool = False  #: with ``share``: the share is a ceiling (S-R4), not a floor
    severity: str = "requirement"  #: ``requirement`` or ``warning``
    label: str = ""  #: human name (``school-based``)

    def selects(self, entry: Entry, buckets: frozenset | None = None) -> bool:
        """Whether ``entry`` counts here; pass ``buckets`` (its bucket set) when checking many requirements."""
        b = buckets if buckets is not None else frozenset(entry.buckets)
        if self.all_of and not self._all.issubset(b):
            return False
        if self.any_of and self._any.isdisjoint(b):
            return False
        if self.none_of and not self._none.isdisjoint(b):
            return False
        return True

    @property
    def _all(self) -> frozenset:
        return frozenset(self.all_of)

    @property
    def _any(self) -> frozenset:
        return frozenset(self.any_of)

    @property
    def _none(self) -> frozenset:
        return frozenset(self.none_of)

    def weight(self, entry: Entry) -> Decimal:
        for bucket, factor in self.weights:
            if bucket in entry.buckets:
                return Decimal(factor)
        return Decimal(1)

    @property
    def is_cap(self) -> bool:
        return self.maximum is not None and self.minimum is None and self.share is None

    def label_or_rule(self) -> str:
        return self.label or ("/".join(self.all_of + self.any_of) or "all")


@attrs.frozen
class RequirementResult:
    """A requirement checked over one period (docs/formats.md §2)."""

    requirement: Requirement
    earned: Decimal
    counted: Decimal
    threshold: Decimal  #: required minimum, or the maximum of a cap
    met: bool
    notes: tuple[str, ...] = ()

    @property
    def rule(self) -> str:
        return self.requirement.rule

    def as_json(self) -> dict:
        r = self.requirement
        d = {"rule": r.rule, "article": r.article, "unit": r.unit}
        if r.minimum is not None or (r.share is not None and not r.share_max):
            d["required"] = dec_str(self.threshold)
        else:
            d["maximum"] = dec_str(self.threshold)
        d.update({"earned": dec_str(self.earned), "counted": dec_str(self.counted), "met": self.met,
                  "notes": list(self.notes)})
        if r.severity != "requirement":
            d["severity"] = r.severity
        if r.label:
            d["label"] = r.label
        return d


@attrs.frozen
class Stage:
    """One approval stage of a claim: who acts, at what authority level."""

    name: str  #: state name, e.g. ``school_review``
    role: str  #: actor role that may act, one of :data:`ROLES`
    level: str  #: org level the actor's unit must have: school, county, city, province
    rule: str
    article: str
    signed: bool = False  #: the action is an electronic signature (Lincang 第十五条)
    records_assessment: bool = False  #: this stage records grades (quota checks run here)
    on_paper: bool = False  #: handled on paper, recorded afterwards (Zhengzhou paper path)


@attrs.frozen
class CertificateSpec:
    """A certificate that is due (or not), as a region's certificate rule says."""

    eligible: bool
    rule: str
    article: str
    reason: str = ""
    title: str | None = None
    issuer: str | None = None  #: org level or body that issues it
    valid_years: int | None = None
    kind: str = "cycle"  #: e.g. ``cycle``, ``new_teacher``
    valid_until: dt.date | None = None  #: last valid day if issued on the evaluation date (region's count)
    starts_cycle: bool = False  #: issuing it starts the teacher's next cycle on the issue date
    once_from: dt.date | None = None  #: start of the span it is issued once for (default: the cycle's start)

    def as_json(self) -> dict:
        d = {"eligible": self.eligible, "rule": self.rule, "article": self.article, "reason": self.reason}
        if self.valid_until is not None:
            d["valid_until"] = self.valid_until.isoformat()
        for k in ("title", "issuer", "valid_years"):
            if getattr(self, k) is not None:
                d[k] = getattr(self, k)
        d["kind"] = self.kind
        return d


@attrs.frozen
class Deadline:
    """The last day a teacher can still make up a period's shortfall, and the rule that sets it
    (Kunming's 31 October filing, K-A2; a cycle's end; Zhengzhou's paper-path date, Z-T2)."""

    date: dt.date  #: the last day (inclusive)
    rule: str
    article: str
    kind: str = "period_end"  #: ``filing`` (claims must be filed by then), ``period_end``, ``issue`` (last issue date)
    label: str = ""  #: what falls due, in English (the region's labels give it in Chinese)

    def as_json(self) -> dict:
        d = {"date": self.date.isoformat(), "rule": self.rule, "article": self.article, "kind": self.kind}
        if self.label:
            d["label"] = self.label
        return d


@attrs.frozen
class Transition:
    """A transition rule's decision for one teacher (e.g. Zhengzhou Z-T1)."""

    rule: str
    article: str
    decision: str
    detail: str = ""
    data: dict = attrs.field(factory=dict, hash=False)
    cycle: Cycle | None = None  #: where the rule moves the teacher's cycle window, the new window

    def as_json(self) -> dict:
        d = {"rule": self.rule, "article": self.article, "decision": self.decision, "detail": self.detail}
        d.update({k: (dec_str(v) if isinstance(v, Decimal) else v) for k, v in self.data.items()})
        return d


@attrs.frozen
class RuleSet:
    """A dated set of rules of a region: in force from ``start`` until ``end`` (inclusive).

    ``name`` is passed to the hooks so one plugin can hold several sets; a
    ``delegate`` names another region code whose plugin answers for the dates
    (Weifang from 2015-03-31 answers as ``shandong``).
    """

    name: str
    start: dt.date | None
    end: dt.date | None
    rule: str
    article: str
    delegate: str | None = None
    #: the rule table (:class:`xuefen.rules.RuleTable`) hooks cite for this set: by default the declaring
    #: region's ``rules``, filled in by the runtime, so a parent's code cites a child's articles
    rules: Any = attrs.field(default=None, eq=False, hash=False, repr=False)

    def covers(self, day: dt.date) -> bool:
        return (self.start is None or day >= self.start) and (self.end is None or day <= self.end)


@attrs.frozen
class Region:
    """What a region plugin declares of itself."""

    code: str
    name: str
    units: tuple[str, ...] = attrs.field(converter=tuple)  #: ``hours``, ``credits`` or both
    rulesets: tuple[RuleSet, ...] = attrs.field(converter=tuple)
    source: str = ""  #: the regulation text it implements
    parent: str | None = None
    cycle_years: int | None = None  #: None: the region has no cycle (annual only)
    cycle_rule: tuple[str, str] = ("", "")  #: (rule id, article) that sets the cycle's length
    activity_fields: tuple[str, ...] = attrs.field(default=(), converter=tuple)  #: extra fields it declares
    teacher_fields: tuple[str, ...] = attrs.field(default=(), converter=tuple)
    #: (rule id, article) an integrity-file record cites when a claim is revoked as falsified
    #: (Lincang's L-F1); None: the claim's last approval stage's rule
    integrity_rule: tuple[str, str] | None = None
    #: the region's rule table (:func:`xuefen.rules.table`, a child's ``PARENT.child(...)``): the core
    #: answers ``xuefen_rules`` with its declared rows and gives it to every rule set as ``rules``
    rules: Any = attrs.field(default=None, eq=False, hash=False, repr=False)
    #: the region's labels in Chinese and English (:mod:`xuefen.labels`): ``{"region": {"zh": …, "en": …},
    #: RULE: {…}, "RULE/requirement label": {…}}``; a child falls back to its parent's
    labels: Mapping = attrs.field(factory=dict, eq=False, hash=False, repr=False)

    def ruleset_on(self, day: dt.date) -> RuleSet | None:
        for rs in self.rulesets:
            if rs.covers(day):
                return rs
        return None


@attrs.frozen
class CohortLimit:
    """At most ``share`` of a cohort may be graded ``assessment`` (Kunming 10%, Chifeng 25%)."""

    rule: str
    article: str
    share: Decimal = attrs.field(converter=to_decimal)
    assessment: str = "excellent"


@attrs.frozen
class Setting:
    """A named setting: the reading the project takes where a text is silent."""

    name: str
    default: Any
    rule: str
    article: str
    doc: str
    choices: tuple = ()


@attrs.frozen
class RuleRow:
    """One row of a region's rule tables, as ``xuefen rules`` prints it."""

    id: str
    article: str
    text: str
    values: dict = attrs.field(factory=dict, hash=False)
    region: str = ""  #: region code that defines the row (inheritance made visible)


@attrs.frozen
class Evaluation:
    """The result of evaluating one teacher (docs/formats.md §2)."""

    region: str
    as_of: dt.date
    teacher: str
    units: tuple[str, ...]
    entries: tuple[Entry, ...]
    refused: tuple[Refusal, ...]
    years: tuple[tuple[int, tuple[RequirementResult, ...]], ...]
    cycle: Cycle | None
    cycle_results: tuple[RequirementResult, ...]
    cycle_met: bool
    certificate: CertificateSpec | None
    transitions: tuple[Transition, ...] = ()
    warnings: tuple[Warning, ...] = ()
    flags: tuple[Flag, ...] = ()
    exemptions: tuple[dict, ...] = ()

    def year_results(self, year: int) -> tuple[RequirementResult, ...]:
        for y, results in self.years:
            if y == year:
                return results
        return ()

    def as_json(self) -> dict:
        return {
            "region": self.region,
            "as_of": self.as_of.isoformat(),
            "teacher": self.teacher,
            "units": list(self.units),
            "entries": [e.as_json() for e in self.entries],
            "refused": [r.as_json() for r in self.refused],
            "years": [{"year": y, "requirements": [r.as_json() for r in rs],
                       "met": all(r.met for r in rs if r.requirement.severity == "requirement")}
                      for y, rs in self.years],
            "cycle": None if self.cycle is None else {
                "start": self.cycle.start.isoformat(), "end": self.cycle.end.isoformat(),
                "rule": self.cycle.rule, "article": self.cycle.article,
                "requirements": [r.as_json() for r in self.cycle_results],
                "met": self.cycle_met,
                **({"exemptions": list(self.exemptions)} if self.exemptions else {}),
            },
            "certificate": None if self.certificate is None else self.certificate.as_json(),
            "transitions": [t.as_json() for t in self.transitions],
            "warnings": [w.as_json() for w in self.warnings],
            "flags": [f.as_json() for f in self.flags],
        }


@attrs.define
class History:
    """What a converter may look at: all the teacher's activities, and the entries so far."""

    activities: tuple[Activity, ...]
    entries: list[Entry] = attrs.field(factory=list)
    refused: list[Refusal] = attrs.field(factory=list)
    warnings: list[Warning] = attrs.field(factory=list)
    as_of: dt.date | None = None
    cycle: Cycle | None = None

    def entries_of_kind(self, *buckets: str) -> list[Entry]:
        return [e for e in self.entries if all(b in e.buckets for b in buckets)]


@attrs.frozen
class Migration:
    """A named migration of one region (what ``xuefen_migrations`` returns)."""

    name: str  #: e.g. ``zhengzhou-cutover``
    region: str  #: the region whose teachers it runs over
    rule: str
    article: str
    doc: str  #: one paragraph: what it decides and what applying records
    #: ``decide(teacher, evaluation, settings) -> list[Transition]`` (empty: the teacher is not concerned)
    decide: Callable[..., list[Transition]] = attrs.field(eq=False, repr=False)
    field: str | None = None  #: region-declared teacher field ``--apply`` writes the first decision to
    #: (rule, decision) pairs listed apart for people to handle by hand (e.g. Z-T2 ``manual_handling``)
    manual: tuple[tuple[str, str], ...] = attrs.field(default=(), converter=tuple)



# -- plain JSON values (what the audit log, backups and JSON columns hold) ----------------


def jsonable(value: Any) -> Any:
    """``value`` as plain JSON values: Decimal → decimal string, date → ISO, datetime → UTC ISO."""
    if value is None or isinstance(value, (str, bool, int)):
        return value
    if isinstance(value, Decimal):
        return dec_str(value)
    if isinstance(value, float):
        return dec_str(Decimal(repr(value)))
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=dt.timezone.utc)
        return value.astimezone(dt.timezone.utc).isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [jsonable(v) for v in value]
    if attrs.has(type(value)):
        return jsonable(attrs.asdict(value, recurse=False))
    raise TypeError(f"{type(value).__name__} cannot be recorded in the audit log")


@attrs.frozen
class Needed:
    """What a region's conversion needs of an activity that its record does not state (``xuefen_activity_needs``):
    the import refuses the row naming the rule, instead of the activity earning nothing at final approval."""

    fields: tuple[str, ...] = attrs.field(converter=tuple)  #: the fields, any one of which would do
    rule: str
    article: str
    reason: str  #: the region's own words (its conversion's refusal)

    def message(self) -> str:
        state = " or ".join(self.fields)
        return (f"needed by {self.rule} ({self.article}): {self.reason}; without it the activity would earn "
                f"nothing at final approval: state {state}")
