"""The values every region speaks of.

Frozen ``attrs`` classes for values (an activity, an entry, a requirement),
amounts as :class:`decimal.Decimal` end to end. Named constructors
(``from_json``/``as_json``) live at the edges; the database mapping lives in
:mod:`xuefen.store`.
"""
from __future__ import annotations

import datetime as dt
import inspect
import types
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
#: where an approval stage is handled (:attr:`Stage.medium`)
MEDIA = ("registry", "paper")
ORG_LEVELS = ("province", "city", "county", "school")
ROLES = ("teacher", "school_admin", "county_admin", "city_admin", "province_admin", "project_leader",
         "registry_admin")
#: roles that may register actors and keys, org units and records within their unit (registry_admin: anywhere)
MANAGER_ROLES = ("school_admin", "county_admin", "city_admin", "province_admin", "registry_admin")


_ONE = Decimal(1)


def to_decimal(value: Any) -> Decimal | None:
    """Convert to an exact Decimal; floats go through their shortest repr.

    The value is kept in its plain form, without trailing zeros (``12.0`` is ``12``, ``7.50`` is
    ``7.5``), so a note that prints it reads as the ledger holds it (never ``1.25 × 12.0``).
    """
    if value is None:
        return value
    if isinstance(value, Decimal):
        d = value
    elif isinstance(value, bool):
        raise TypeError("a number, not a boolean")
    elif isinstance(value, float):
        d = Decimal(repr(value))
    else:
        d = Decimal(value)
    return plain(d)


def plain(d: Decimal) -> Decimal:
    """``d`` without trailing zeros and without an exponent where it can be helped (exactly equal)."""
    if not d.is_finite():
        return d
    exp = d.as_tuple().exponent
    if exp == 0:
        return d
    if exp > 0 or d == d.to_integral_value():
        try:
            return d.quantize(_ONE)
        except ArithmeticError:  # pragma: no cover - beyond the context's precision
            return d
    n = d.normalize()
    return n if n.as_tuple().exponent >= -12 else d


def dec_str(value: Decimal | None) -> str | None:
    """A Decimal as the JSON string of docs/formats.md §2: exact, no exponent, no trailing zeros."""
    if value is None:
        return None
    if value == value.to_integral_value():
        return str(value.quantize(Decimal(1)))
    return format(value.normalize(), "f")


def share_text(share: Decimal) -> str:
    """A share as people write it: ``50%``, ``12.5%``, ``1/3`` (never ``33.33333333333333333333333334%``)."""
    pct = share * 100
    if pct == pct.quantize(Decimal("0.01")):
        return f"{dec_str(pct)}%"
    for d in range(2, 13):
        n = (share * d).to_integral_value()
        if n and abs(share - n / Decimal(d)) < Decimal("1e-12"):
            return f"{n}/{d}"
    return f"{dec_str(pct.quantize(Decimal('0.01')))}%"


def _opt_date(value):
    return value


#: the types of a region-declared field (:class:`Field`); ``json``: kept as given, unchecked
FIELD_TYPES = ("bool", "date", "decimal", "int", "text", "id", "choice", "json")


def _fields(value) -> tuple:
    return tuple(Field(v) if isinstance(v, str) else v for v in value)


@attrs.frozen
class Field:
    """A field a region declares on its teachers or activities (:attr:`Region.teacher_fields`,
    :attr:`Region.activity_fields`).

    :mod:`xuefen.io` parses it once, where the record comes in (a case file, an import table): a bad
    value is refused naming the file, line or cell and the field, like a core field's. Hooks read it
    typed from ``record.extra[name]``, ``default`` when the record has none.
    """

    name: str
    type: str = attrs.field(default="json", validator=attrs.validators.in_(FIELD_TYPES))  #: one of :data:`FIELD_TYPES`
    choices: tuple[str, ...] = attrs.field(default=(), converter=tuple)  #: the vocabulary of a ``choice``
    default: Any = None  #: what hooks read when the record has no value
    doc: str = ""  #: one line for the region's README and ``xuefen rules``


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
    #: a veto that fails ``year`` whatever its rows say (Chifeng C-V1, Suzhou SZ-P1): the year's ``status``
    #: is ``short`` and names it (None: the flag only records a consequence)
    vetoes_year: bool | None = None

    def as_json(self) -> dict:
        return {k: v for k, v in attrs.asdict(self).items() if v is not None}


@attrs.frozen
class Period:
    """A span requirements are checked over: a calendar year or a cycle."""

    kind: str  #: ``year`` or ``cycle``
    start: dt.date
    end: dt.date  #: inclusive
    year: int | None = None  #: for ``kind == "year"``: the year it is registered as (its first day's year)
    #: what a year is (setting ``registration_year``): ``calendar``, ``school_year`` (1 September to
    #: 31 August) or ``cycle_year`` (from the cycle's first day)
    basis: str = "calendar"

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.end


@attrs.frozen
class PeriodInfo:
    """What the evaluation knows of one period beyond its rows: its span, partiality, what is not required."""

    start: dt.date
    end: dt.date  #: inclusive
    basis: str = "calendar"
    partial: str = ""  #: why the year is partial (empty: a full year)
    treatment: str = ""  #: for a partial year: ``full``, ``prorated`` or ``not_required`` (setting ``partial_year``)
    not_required: tuple = ()  #: :class:`NotRequired` items
    rule: str = ""  #: what a period with no requirement cites (its rule set, or the cycle's rule)
    article: str = ""
    no_rules: bool = False  #: no rule set of the region was in force during the period


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
    the unit (L-S1's 60%, S-R4's third); with ``share_max`` and ``cut`` it is a share
    that cuts: the selected entries count at most ``share`` of the period's counted
    total. A cap (``maximum``) limits what its selected entries contribute to every
    other requirement of the period, in date order; ``severity = "warning"`` reports
    without failing the period. ``key`` names the row within its rule (docs/formats.md
    §2 ``key``); build a requirement from its rule row with ``RuleTable.requirement``.
    """

    rule: str
    article: str
    unit: str = attrs.field(validator=attrs.validators.in_(("hours", "credits")))  #: ``hours`` or ``credits``
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
    #: the row's stable name within its rule, whatever the label's language (``convener`` gives the key
    #: ``K-C8.convener``); empty: derived from the rule and, where a rule has several rows, its buckets
    key: str = ""
    #: with ``share`` and ``share_max``: the share cuts (the cap pass limits the selected entries to it)
    cut: bool = False
    notes: tuple[str, ...] = attrs.field(default=(), converter=tuple)  #: said on the result (a prorating)

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

    @property
    def is_share_cut(self) -> bool:
        """A share that cuts: the selected entries count at most ``share`` of the period's counted total."""
        return self.cut and self.share is not None and self.share_max

    @property
    def is_maximum(self) -> bool:
        """A cap or a share that cuts: a limit, never a requirement to meet (status ``maximum``)."""
        return self.is_cap or self.is_share_cut

    def label_or_rule(self) -> str:
        return self.label or ("/".join(self.all_of + self.any_of) or "all")


#: the one status vocabulary of rows, years, the cycle and the certificate (docs/formats.md §2)
STATUSES = ("met", "short", "in_progress", "not_required", "waived", "advisory", "maximum")
#: statuses that do not make their period short
NOT_SHORT = ("met", "not_required", "waived", "advisory", "maximum")


@attrs.frozen
class NotRequired:
    """A requirement that does not apply to a period, and why (a year of hiring, a partial year).

    A region's ``xuefen_requirements`` may return these beside its requirements; the
    evaluation lists them under the period's ``not_required`` and, when nothing else
    is required, gives the period the status ``not_required`` citing the first.
    """

    rule: str
    article: str
    reason: str

    def as_json(self) -> dict:
        return {"rule": self.rule, "article": self.article, "reason": self.reason}


@attrs.frozen
class RequirementResult:
    """A requirement checked over one period (docs/formats.md §2)."""

    requirement: Requirement
    earned: Decimal
    counted: Decimal
    threshold: Decimal  #: required minimum, or the maximum of a cap
    met: bool
    notes: tuple[str, ...] = ()
    in_progress: bool = False  #: the period had not ended on the evaluation date
    #: ``waived`` or ``not_required``, set by the rule that says so (``waive``), with its rule and reason
    override: str | None = None
    override_rule: str | None = None
    override_article: str | None = None
    override_reason: str = ""

    @property
    def rule(self) -> str:
        return self.requirement.rule

    def waive(self, rule: str, article: str, reason: str) -> "RequirementResult":
        """This row waived by ``rule`` (leave made up, a degree exemption): ``met`` and status ``waived``."""
        return attrs.evolve(self, met=True, override="waived", override_rule=rule, override_article=article,
                            override_reason=reason)

    @property
    def status(self) -> str:
        """``maximum`` (a cap), ``advisory`` (a warning row), ``waived``/``not_required`` (as a rule said),
        ``met``, ``in_progress`` (short, the period not over) or ``short``."""
        r = self.requirement
        if r.is_maximum:
            return "maximum"
        if r.severity != "requirement":
            return "advisory"
        if self.override:
            return self.override
        if self.met:
            return "met"
        return "in_progress" if self.in_progress else "short"

    @property
    def binding(self) -> bool:
        """Whether the row can make its period short (not a cap, not advice)."""
        return not self.requirement.is_maximum and self.requirement.severity == "requirement"

    def as_json(self, key: str | None = None) -> dict:
        r = self.requirement
        d = {"rule": r.rule, "article": r.article, "unit": r.unit}
        if key is not None:
            d["key"] = key
        if r.minimum is not None or (r.share is not None and not r.share_max):
            d["required"] = dec_str(self.threshold)
        else:
            d["maximum"] = dec_str(self.threshold)
        status = self.status
        d.update({"earned": dec_str(self.earned), "counted": dec_str(self.counted),
                  "met": self.met, "status": status,
                  "notes": list(self.notes)})
        if self.override:
            d["status_rule"] = self.override_rule
            if self.override_article:
                d["status_article"] = self.override_article
            d["status_reason"] = self.override_reason
        if r.severity != "requirement":
            d["severity"] = r.severity
        if r.label:
            d["label"] = r.label
        return d


def requirement_keys(results) -> list[str]:
    """Stable keys of a period's rows (docs/formats.md §2 ``key``), unique among them.

    A row's explicit ``Requirement.key`` gives ``RULE.KEY``; a rule with one row is its id;
    the rows of a rule stated several times are told apart by their buckets
    (``C-R2.required``, ``C-R2.elective``), then by unit, then by position.
    """
    by_rule: dict[str, int] = {}
    for res in results:
        by_rule[res.requirement.rule] = by_rule.get(res.requirement.rule, 0) + 1
    keys: list[str] = []
    for res in results:
        r = res.requirement
        if r.key:
            k = r.key if r.key.startswith(r.rule + ".") else f"{r.rule}.{r.key}"
        elif by_rule[r.rule] == 1:
            k = r.rule
        else:
            k = f"{r.rule}.{'+'.join(r.all_of + r.any_of) or r.unit}"
        keys.append(k)
    groups: dict[str, list[int]] = {}
    for n, k in enumerate(keys):
        groups.setdefault(k, []).append(n)
    for k, idx in groups.items():
        if len(idx) > 1 and len({results[n].requirement.unit for n in idx}) > 1:
            for n in idx:
                keys[n] = f"{k}.{results[n].requirement.unit}"
    out, used = [], set()
    for k in keys:
        k2, n = k, 2
        while k2 in used:
            k2, n = f"{k}.{n}", n + 1
        used.add(k2)
        out.append(k2)
    return out


@attrs.frozen
class Stage:
    """One approval stage of a claim: who acts, at what authority level."""

    name: str  #: state name, e.g. ``school_review``
    role: str  #: actor role that may act, one of :data:`ROLES`
    level: str  #: org level the actor's unit must have: school, county, city, province
    rule: str
    article: str
    signed: bool = False  #: the action is an electronic signature (the region's rule says so)
    records_assessment: bool = False  #: this stage records grades (quota checks run here)
    #: where the stage is handled, one of :data:`MEDIA`: ``registry`` (acted in xuefen), or ``paper``
    #: (handled on paper and recorded afterwards), as the stage's rule says
    medium: str = attrs.field(default="registry", validator=attrs.validators.in_(MEDIA))
    #: ``(level, role)`` that serves this stage for a school with no unit at the stage's ``level`` above it
    #: (e.g. ``("city", "city_admin")`` for a school directly under a city), as the stage's rule and
    #: article say; None: such a school's claims cannot pass the stage
    stand_in: tuple[str, str] | None = attrs.field(default=None, converter=lambda v: None if v is None else tuple(v))


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
    #: ``not_required`` (a teacher out of scope) where the region says so; None: derived (``met`` when
    #: eligible, else the cycle's ``in_progress``/``not_required``, else ``short``)
    status: str | None = None

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
    #: the activity fields it declares (:class:`Field`; a plain name is an untyped ``json`` field)
    activity_fields: tuple[Field, ...] = attrs.field(default=(), converter=_fields)
    teacher_fields: tuple[Field, ...] = attrs.field(default=(), converter=_fields)
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
    #: year (or ``"cycle"``) → :class:`PeriodInfo`
    periods: dict = attrs.field(factory=dict, eq=False, hash=False)
    #: per entry (aligned with ``entries``): ``{unit: (counted, (rule ids that cut it))}``
    entry_counted: tuple = attrs.field(default=(), eq=False, hash=False)
    #: the named settings whose value differs from the region's default (a what-if)
    settings: dict = attrs.field(factory=dict, eq=False, hash=False)

    def year_results(self, year: int) -> tuple[RequirementResult, ...]:
        for y, results in self.years:
            if y == year:
                return results
        return ()

    # -- statuses (docs/formats.md §2 ``status``) ------------------------------------------

    def vetoes(self, year: int) -> list[Flag]:
        """The flags vetoing ``year`` (Chifeng C-V1, Suzhou SZ-P1)."""
        return [f for f in self.flags if f.vetoes_year and f.year == year]

    def _ended(self, end: dt.date) -> bool:
        return end <= self.as_of

    def year_status(self, year: int) -> tuple[str, str | None, str | None, str]:
        """``(status, rule, article, reason)`` of a year: a veto, else its rows, else why nothing is required."""
        info = self.periods.get(year)
        end = info.end if info else dt.date(year, 12, 31)
        vetoes = self.vetoes(year)
        if vetoes:
            return "short", vetoes[0].rule, vetoes[0].article, vetoes[0].message
        return _rows_status(self.year_results(year), info, self._ended(end))

    def cycle_status(self) -> tuple[str, str | None, str | None, str]:
        """The cycle's status: its rows, then what the region's certificate rule requires (never ``met`` empty)."""
        if self.cycle is None:
            return "not_required", None, None, "no cycle"
        info = self.periods.get("cycle")
        ended = self._ended(self.cycle.end)
        status = _rows_status(self.cycle_results, info, ended)
        if status[0] in ("met", "waived"):
            cert = self.certificate
            if cert is not None and cert.kind == "cycle" and not cert.eligible:
                return ("short" if ended else "in_progress"), cert.rule, cert.article, cert.reason
            if not self.cycle_met:
                return ("short" if ended else "in_progress"), self.cycle.rule, self.cycle.article, \
                    "the region's review does not pass the cycle"
        return status

    def certificate_status(self) -> str | None:
        cert = self.certificate
        if cert is None:
            return None
        if cert.status:
            return cert.status
        cycle = self.cycle_status()[0] if self.cycle is not None else None
        if cert.eligible:
            return "waived" if cycle == "waived" else "met"
        if cert.kind == "cycle" and cycle in ("in_progress", "not_required"):
            return cycle
        return "short"

    # -- JSON ---------------------------------------------------------------------------

    def _entry_json(self, i: int, e: Entry) -> dict:
        d = e.as_json()
        for u in self.units:  # an entry earning nothing in a unit the region uses shows 0, never null
            if d.get(u) is None:
                d[u] = "0"
        if len(self.entry_counted) == len(self.entries):
            counted, cut = {}, []
            for u in self.units:
                c = self.entry_counted[i].get(u)
                if c is not None:
                    counted[u] = dec_str(c[0])
                    cut += [r for r in c[1] if r not in cut]
            d["counted"] = counted
            if cut:
                d["cut_by"] = cut
        return d

    def _period_json(self, results, status) -> dict:
        keys = requirement_keys(results)
        d = {"requirements": [r.as_json(k) for r, k in zip(results, keys)], "status": status[0]}
        if status[0] != "met" and status[1]:
            d["status_rule"] = status[1]
            if status[2]:
                d["status_article"] = status[2]
            d["status_reason"] = status[3]
        return d

    def _info_json(self, key) -> dict:
        info = self.periods.get(key)
        if info is None:
            return {}
        d: dict = {}
        if key != "cycle":
            d.update({"start": info.start.isoformat(), "end": info.end.isoformat(), "basis": info.basis})
            if info.partial:
                d["partial"] = {"why": info.partial, "treatment": info.treatment}
        if info.not_required:
            d["not_required"] = [m.as_json() for m in info.not_required]
        return d

    def as_json(self) -> dict:
        years = []
        for y, rs in self.years:
            st = self.year_status(y)
            item = {"year": y, **self._period_json(rs, st)}
            item["met"] = st[0] in NOT_SHORT
            item.update(self._info_json(y))
            vetoes = self.vetoes(y)
            if vetoes:
                item["veto"] = [f.as_json() for f in vetoes]
            years.append(item)
        cycle = None
        if self.cycle is not None:
            st = self.cycle_status()
            cycle = {"start": self.cycle.start.isoformat(), "end": self.cycle.end.isoformat(),
                     "rule": self.cycle.rule, "article": self.cycle.article, **self._period_json(self.cycle_results, st),
                     "met": bool(self.cycle_met) and st[0] in ("met", "waived")}
            cycle.update(self._info_json("cycle"))
            if self.exemptions:
                cycle["exemptions"] = list(self.exemptions)
        cert = None
        if self.certificate is not None:
            cert = self.certificate.as_json()
            cert["status"] = self.certificate_status()
        out = {
            "region": self.region,
            "as_of": self.as_of.isoformat(),
            "teacher": self.teacher,
            "units": list(self.units),
            "entries": [self._entry_json(i, e) for i, e in enumerate(self.entries)],
            "refused": [r.as_json() for r in self.refused],
            "years": years,
            "cycle": cycle,
            "certificate": cert,
            "transitions": [t.as_json() for t in self.transitions],
            "warnings": [w.as_json() for w in self.warnings],
            "flags": [f.as_json() for f in self.flags],
            "settings": jsonable(self.settings),
        }
        return out


def _rows_status(results, info, ended: bool) -> tuple[str, str | None, str | None, str]:
    """A period's status from its rows (``info`` says why nothing is required where nothing is)."""
    binding = [r for r in results if r.binding]
    if not binding:
        if info is not None and info.not_required:
            m = info.not_required[0]
            return "not_required", m.rule, m.article, m.reason
        rule = info.rule if info is not None else None
        article = info.article if info is not None else None
        why = ("no rule set of the region was in force during the period" if info is not None and info.no_rules
               else "no requirement of the region applies to this period")
        return "not_required", rule, article, why
    statuses = [r.status for r in binding]
    for want in ("short", "in_progress"):
        rows = [r for r in binding if r.status == want]
        if rows:
            r = rows[0]
            return (want, r.rule, r.requirement.article,
                    "; ".join(f"{x.requirement.label or x.rule}: {dec_str(x.counted)} of {dec_str(x.threshold)} "
                              f"{x.requirement.unit}" for x in rows))
    if all(s == "not_required" for s in statuses):
        r = binding[0]
        return "not_required", r.override_rule, r.override_article, r.override_reason
    if all(s in ("waived", "not_required") for s in statuses):
        r = next(x for x in binding if x.status == "waived")
        return "waived", r.override_rule, r.override_article, r.override_reason
    return "met", None, None, ""


def _noted(name: str, doc: str) -> property:
    """A :class:`History` list read through a property that notes the read (:attr:`History.read`)."""
    slot = f"_{name}"

    def read(self):
        self._seen.add(name)
        return getattr(self, slot)

    return property(read, doc=doc)


@attrs.define
class History:
    """What a converter may look at: all the teacher's activities, and the entries so far.

    What a conversion reads of it is noted (:attr:`read`, shared by the copies ``attrs.evolve`` makes), so
    the core knows what the conversion of an activity depends on (:class:`xuefen.evaluate.Converting`,
    :func:`xuefen.evaluate.convert_alone`): an activity whose conversion read none of ``activities``,
    ``entries``, ``refused`` and ``warnings`` earns the same whatever the teacher's other activities; one
    whose conversion read the entries so far but not ``activities`` earns the same whatever comes after it
    in date order."""

    #: all the teacher's activities, in date order
    _activities: tuple[Activity, ...] = attrs.field(alias="activities")
    #: the entries of the activities converted so far
    _entries: list[Entry] = attrs.field(factory=list, alias="entries")
    _refused: list[Refusal] = attrs.field(factory=list, alias="refused")
    _warnings: list[Warning] = attrs.field(factory=list, alias="warnings")
    as_of: dt.date | None = None
    cycle: Cycle | None = None

    #: the names of the lists read (a set shared by the copies ``attrs.evolve`` makes; never emptied)
    _seen: set = attrs.field(factory=set, alias="_seen", eq=False, repr=False)

    activities = _noted("activities", "All the teacher's activities being converted, in date order.")
    entries = _noted("entries", "The entries of the activities converted so far.")
    refused = _noted("refused", "The refusals of the activities converted so far.")
    warnings = _noted("warnings", "The warnings of the activities converted so far.")

    @property
    def read(self) -> frozenset[str]:
        """The lists (``activities``, ``entries``, ``refused``, ``warnings``) anything has read of this history
        or of a copy of it."""
        return frozenset(self._seen)

    @property
    def activities_read(self) -> bool:
        """Whether anything has read ``activities`` of this history or of a copy of it."""
        return "activities" in self._seen

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



# -- fast copies of frozen values ---------------------------------------------------------


_COPIERS: dict = {}


def _copier(cls: type, changed: tuple):
    """A function copying a ``cls`` with the fields ``changed`` given (generated once, as attrs builds its own
    ``__init__``), or None where a changed field has a converter or a validator."""
    fields = attrs.fields(cls)
    by_name = {a.name: a for a in fields}
    if getattr(cls, "__attrs_post_init__", None) is not None or any(
            by_name[c].converter is not None or by_name[c].validator is not None for c in changed):
        return None
    lines = [f"def copy(_o, {', '.join('c_' + c for c in changed)}):", "    _n = _new(_cls)"]
    ns = {"_new": object.__new__, "_set": object.__setattr__, "_cls": cls}
    for i, a in enumerate(fields):
        value = "c_" + a.name if a.name in changed else "_o." + a.name
        slot = inspect.getattr_static(cls, a.name, None)
        if type(slot) is types.MemberDescriptorType:  # a slotted class: its slot's own setter, half the time
            ns[f"_s{i}"] = slot.__set__
            lines.append(f"    _s{i}(_n, {value})")
        else:
            lines.append(f"    _set(_n, {a.name!r}, {value})")
    lines.append("    return _n")
    exec("\n".join(lines), ns)  # noqa: S102 - the source is built here from the class's own field names
    return ns["copy"]


def replace(obj: Any, **changes: Any) -> Any:
    """``attrs.evolve(obj, **changes)`` for a frozen value of this module, without running ``__init__`` again.

    The kept values were converted when ``obj`` was built, so copying them is what ``evolve``'s second
    pass through the converters gives; a changed field with a converter or a validator goes through
    ``attrs.evolve`` itself, so the result is always the one ``evolve`` gives (the evaluator copies a
    record per activity and teacher, where ``evolve`` was a fifth of the time).
    """
    key = (type(obj), tuple(changes))
    try:
        copy = _COPIERS[key]
    except KeyError:
        unknown = set(changes) - {a.name for a in attrs.fields(type(obj))}
        if unknown:
            return attrs.evolve(obj, **changes)  # attrs names the field
        copy = _COPIERS[key] = _copier(*key)
    if copy is None:
        return attrs.evolve(obj, **changes)
    return copy(obj, *changes.values())


# -- plain JSON values (what the audit log, backups and JSON columns hold) ----------------


def jsonable(value: Any) -> Any:
    """``value`` as plain JSON values: Decimal → decimal string, date → ISO, datetime → UTC ISO."""
    kind = type(value)  # the plain types first, by identity (isinstance against Mapping is slow)
    if kind is str or kind is int or kind is bool or value is None:
        return value
    if kind is dict:
        return {(k if type(k) is str else str(k)): jsonable(v) for k, v in value.items()}
    if kind is list or kind is tuple:
        return [jsonable(v) for v in value]
    if isinstance(value, (str, bool, int)):
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
