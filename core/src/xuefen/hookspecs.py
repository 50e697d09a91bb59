"""Hook specifications: what varies by region.

Every hook is called with keyword arguments by the core. A region plugin
implements any subset; the core's defaults (:mod:`xuefen.defaults`) are
registered first, the parent region next, the region itself last, so with
``firstresult=True`` a region answers first and falls back to its parent and
then the core by returning None.

Implementations may accept fewer arguments than a spec names (pluggy passes
only those asked for), so specs grow by arguments, never by new hooks.

What a region declares the core answers for it: ``xuefen_region`` from a
plugin module's ``REGION``, ``xuefen_rules`` from ``Region.rules`` (a
:class:`xuefen.rules.RuleTable`), which every rule set also carries to the
hooks as ``ruleset.rules``. A child that extends its parent's answer rather
than replacing it implements the hook as a new-style wrapper
(``@hookimpl(wrapper=True)``, ``result = yield``): ``xuefen_review`` is one.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:  # pragma: no cover
    import datetime as dt

    from xuefen.model import (Activity, CertificateSpec, CohortLimit, Cycle, Deadline, Evaluation, History,
                              Migration, Needed, Period, Region, Requirement, RuleRow, RuleSet, Setting, Stage,
                              Teacher, Transition)

hookspec = pluggy.HookspecMarker("xuefen")
hookimpl = pluggy.HookimplMarker("xuefen")


# -------------------------------------------------------------------------
# region hooks
# -------------------------------------------------------------------------


@hookspec(firstresult=True)
def xuefen_region(settings: dict | None) -> Region:
    """Declare the region: code, name, units, parent, dated rule sets, rule table, source text.

    Called when regions are discovered and by ``xuefen plugins`` (``settings``
    None), and by the runtime once its settings are resolved. A plugin module
    that declares ``REGION`` and implements no ``xuefen_region`` is answered by
    the core with it. Stops at first non-None result, see firstresult.

    :param settings: the region's resolved named settings, or None before they
        are resolved: where a region's dates are readings (a cut-over day, a day
        in force), take ``settings`` and return the region dated by them.
    :returns: a frozen :class:`xuefen.model.Region`.

    Use in sub-jurisdiction plugins: a child region must return its own
    ``Region`` with ``parent`` set to the parent's code and ``rules`` a child of
    the parent's table (``PARENT.child(...)``); nothing else is inherited from
    this hook.
    """


@hookspec
def xuefen_settings() -> list[Setting]:
    """Declare named settings: the readings a region takes where its text is silent.

    Called when settings are resolved (every evaluation, ``xuefen rules``). All
    implementations answer; a child's setting of the same name overrides its
    parent's default.

    :returns: a list of :class:`xuefen.model.Setting`, or None for none.

    Use in sub-jurisdiction plugins: declare only settings the child adds or
    whose default it changes.
    """


@hookspec
def xuefen_rules() -> list[RuleRow]:
    """List the region's rule table rows (id, article, text, numbers) for ``xuefen rules``.

    All implementations answer; rows of a child with the id of a parent's row
    override it and are shown as overrides. The core answers it for a region
    declaring ``Region.rules`` (the table's declared rows): implement it only
    for rows no table holds.

    :returns: a list of :class:`xuefen.model.RuleRow`, each with ``region`` set.

    Use in sub-jurisdiction plugins: return only the child's own rows.
    """


# -------------------------------------------------------------------------
# evaluation hooks
# -------------------------------------------------------------------------


@hookspec(firstresult=True)
def xuefen_cycle(teacher: Teacher, as_of: dt.date, region: Region, settings: dict) -> Cycle | None:
    """Give the teacher's current cycle window.

    Called once per teacher evaluation, before activities are converted. The
    core's default runs ``region.cycle_years`` from ``teacher.cycle_start``,
    moved on in whole cycles once an ended cycle's review round is over (the
    end of the calendar year it ended in), so the cycle is the teacher's current
    one; certifying a cycle starts the next (the certificate's ``starts_cycle``:
    on its issue date; otherwise ``cycle_start`` becomes the day after the
    certified cycle's end). Stops at first non-None result, see firstresult.

    :param teacher: the teacher evaluated.
    :param as_of: the evaluation date.
    :param region: the region's declaration.
    :param settings: resolved named settings of the region.
    :returns: a :class:`xuefen.model.Cycle`, or None to defer to the parent/core.

    Use in sub-jurisdiction plugins: implement only where the child's cycle
    differs (Zhengzhou runs it from the previous certificate).
    """


@hookspec(firstresult=True)
def xuefen_convert(activity: Activity, teacher: Teacher, history: History, ruleset: RuleSet,
                   settings: dict) -> list | None:
    """Convert one activity into the entries it earns, or refuse it.

    Called for every activity of a teacher in date order, by ``evaluate`` and
    by the workflow when a claim reaches its final stage (the same code).
    Stops at first non-None result, see firstresult.

    :param activity: the activity to convert.
    :param teacher: the teacher it belongs to.
    :param history: the teacher's activities and the entries converted so far.
    :param ruleset: the region's rule set in force on the activity's date.
    :param settings: resolved named settings of the region.
    :returns: a list of :class:`~xuefen.model.Entry`, :class:`~xuefen.model.Refusal`
        and :class:`~xuefen.model.Warning` values (an empty list: nothing earned, no
        reason given), or None when this plugin has no rule for the activity.

    Use in sub-jurisdiction plugins: answer only for the activities whose
    conversion differs and return None for the rest, which the parent converts.
    """


@hookspec(firstresult=True)
def xuefen_activity_needs(activity: Activity, teacher: Teacher, ruleset: RuleSet, settings: dict,
                          convert) -> list[Needed] | None:
    """Say what the region's conversion needs of an activity that its record does not state.

    Called by the importer for every new activity row (``xuefen import activities``), so
    that a record missing what its conversion needs (hours, days, the assessment where the
    region requires it) is refused at import naming the rule, never first turned into
    "nothing earned" at final approval. Stops at first non-None result.

    The core's default derives the needs from the region's own conversion: when
    ``convert(activity)`` refuses the activity and stating one of the absent fields
    (``hours``, ``days``, ``credits``, ``assessment``, ``level``, ``degree_level``,
    ``score``; :data:`xuefen.needs.PROBES`) makes it earn, that field is needed, with the
    refusal's rule, article and reason.

    :param ruleset: the rule set in force on the activity's date.
    :param convert: ``convert(activity) -> list`` the region's ``xuefen_convert`` of an
        activity alone (an empty history), for an implementation that wants to ask it.
    :returns: a list of :class:`~xuefen.model.Needed` (empty: nothing missing), or None to defer.

    Use in sub-jurisdiction plugins: implement only where a need cannot be found by
    stating a field (a region-specific vocabulary such as a ``module``).
    """


@hookspec(firstresult=True)
def xuefen_requirements(teacher: Teacher, period: Period, ruleset: RuleSet | None,
                        settings: dict) -> list[Requirement] | None:
    """Give the minimums and caps a teacher must meet over a year or a cycle.

    Called once per period (each calendar year, then the cycle). Caps
    (``maximum``) limit what their entries contribute to every other
    requirement of the same period. Stops at first non-None result.

    :param teacher: the teacher evaluated.
    :param period: the year or the cycle.
    :param ruleset: the rule set in force at the period's end (or the evaluation date).
    :param settings: resolved named settings of the region.
    :returns: a list of :class:`~xuefen.model.Requirement`, and of
        :class:`~xuefen.model.NotRequired` for the requirements that do not apply
        to the period and why (a year of hiring: the period's ``status`` is then
        ``not_required`` citing it where nothing else is required), or None to defer.
        Build each from its rule row (``ruleset.rules.requirement(id, unit,
        minimum="key")``) so a child region changing the row changes it.

    Use in sub-jurisdiction plugins: return a full list only where the child's
    requirements differ.
    """


@hookspec(firstresult=True)
def xuefen_transition(teacher: Teacher, history: History, as_of: dt.date,
                      settings: dict) -> list[Transition] | None:
    """Decide a region's transition or migration rules for one teacher.

    Called once per teacher evaluation, after conversion, and by
    ``xuefen migrate``. Stops at first non-None result.

    :returns: a list of :class:`~xuefen.model.Transition` (empty: none apply).

    Use in sub-jurisdiction plugins: implement only the child's own transitions.
    """


@hookspec(firstresult=True)
def xuefen_review(evaluation: Evaluation, teacher: Teacher, history: History,
                  settings: dict, region: Region) -> Evaluation | None:
    """Adjust a finished evaluation: flags, exemptions, warnings a table cannot express.

    Called once per teacher after requirements and before the certificate.
    Stops at first non-None result.

    :param region: the evaluated region's declaration (its ``rules`` the table to
        cite: a parent reviewing a child's teacher cites the child's articles).
    :returns: a changed copy (``attrs.evolve``) or None to keep it as it is.

    Use in sub-jurisdiction plugins: to extend the parent's review, implement
    it as a wrapper, ``@hookimpl(wrapper=True)``, taking the parent's answer
    with ``ev = (yield) or evaluation`` and returning the changed copy.
    """


# -------------------------------------------------------------------------
# workflow hooks
# -------------------------------------------------------------------------


@hookspec(firstresult=True)
def xuefen_approval_stages(activity: Activity | None, teacher: Teacher, settings: dict,
                           purpose: str) -> list[Stage] | None:
    """Give the ordered approval stages a claim passes through.

    Called when a claim is created; the claim's state machine is built from
    them. Reaching the last stage posts the entries (``purpose == "activity"``)
    or certifies the cycle (``purpose == "cycle"``, with ``activity`` None).
    Stops at first non-None result.

    :param purpose: ``activity`` (annual registration of one activity) or ``cycle``
        (the cycle review).

    :returns: a list of :class:`~xuefen.model.Stage` (the first is the state
        after submission), or None to defer.

    Use in sub-jurisdiction plugins: implement only where the routing differs.
    """


@hookspec(firstresult=True)
def xuefen_cohort_limit(activity: Activity, settings: dict) -> CohortLimit | None:
    """Give the share of a cohort (activities sharing ``project_id``) that may be graded excellent.

    Called when assessments are recorded (import, the stage that records
    them). Stops at first non-None result.

    :returns: a :class:`~xuefen.model.CohortLimit`, or None for no limit.
    """


# -------------------------------------------------------------------------
# certificate hooks
# -------------------------------------------------------------------------


@hookspec(firstresult=True)
def xuefen_certificate(teacher: Teacher, cycle: Cycle | None, evaluation: Evaluation,
                       settings: dict, kind: str | None) -> CertificateSpec | None:
    """Say whether a certificate is due, its title, issuer and validity.

    Called at the end of every evaluation (``kind`` None) and by ``xuefen
    certificate issue`` (:mod:`xuefen.claims.certificates`) with the kind asked for.
    Stops at first non-None result.

    :param kind: the certificate asked for (e.g. ``cycle``, ``new_teacher``), or
        None for the region's main certificate, the one every evaluation reports.
    :returns: a :class:`~xuefen.model.CertificateSpec` (its ``valid_until``,
        ``starts_cycle`` and ``once_from`` tell the issuer the validity, whether
        issuing starts the teacher's next cycle, and the span it is issued once
        for), or None to defer.

    Use in sub-jurisdiction plugins: implement only where the certificate differs.
    """


# -------------------------------------------------------------------------
# report hooks
# -------------------------------------------------------------------------


@hookspec(firstresult=True)
def xuefen_org_flags(org_id: str, year: int, evaluations: list, settings: dict) -> list | None:
    """Flag an org unit from its teachers' evaluations for a year (Kunming's K-R5 school flag).

    Called by ``xuefen report`` once per school. Stops at first non-None result.

    :param org_id: the school's id.
    :param year: the report's year.
    :param evaluations: the :class:`~xuefen.model.Evaluation` of each teacher of the school.
    :returns: a list of :class:`~xuefen.model.Flag` (empty: none), or None to defer.
    """


@hookspec(firstresult=True)
def xuefen_deadline(teacher: Teacher, evaluation: Evaluation, period: Period, settings: dict,
                    region: Region) -> Deadline | None:
    """Give the last day a teacher can still make up what a period lacks (``xuefen shortfalls``).

    Called by :mod:`xuefen.shortfalls` once per teacher and period that falls short (the
    year of the as-of date, the current cycle). The core's default is the period's last
    day, citing the period's first short requirement (a year) or the rule that set the
    cycle. Stops at first non-None result.

    :param period: the year (``kind == "year"``) or the cycle (``kind == "cycle"``).
    :param region: the evaluated region's declaration (its ``rules`` the table to cite).
    :returns: a :class:`~xuefen.model.Deadline` citing a rule table row, or None to defer.

    Use in sub-jurisdiction plugins: implement only where the child's deadline differs
    (Kunming's 31 October filing, K-A2; Zhengzhou's 2018-12-31 paper-path date, Z-T2).
    """


# -------------------------------------------------------------------------
# migration hooks
# -------------------------------------------------------------------------


@hookspec
def xuefen_migrations() -> list[Migration]:
    """Declare the region's named data migrations, run over a database by ``xuefen migrate NAME``.

    Called by :mod:`xuefen.migrate` (``xuefen migrate`` lists them, ``xuefen
    migrate NAME`` runs one: a dry run printing the decisions per rule and the
    teachers concerned, ``--apply`` recording them in the audit log). All
    implementations answer.

    :returns: a list of :class:`xuefen.model.Migration` (a name unique across
        regions, e.g. ``zhengzhou-cutover``; the region whose teachers it runs
        over; its rule and article; ``decide(teacher, evaluation, settings)``
        giving each teacher's :class:`~xuefen.model.Transition` decisions), or
        None for none.

    Use in sub-jurisdiction plugins: declare only the child's own; the
    parent's are inherited (they run over the parent's teachers).
    """


# -------------------------------------------------------------------------
# demo hooks
# -------------------------------------------------------------------------


@hookspec(firstresult=True)
def xuefen_demo_data(seed: int) -> dict | None:
    """Give deterministic demo data for ``xuefen demo --region CODE``.

    Called by ``xuefen demo``. Stops at first non-None result.

    :param seed: the random seed; the same seed must give the same data.
    :returns: a dict with lists of FORMATS.md §3 rows under ``orgs``, ``actors``,
        ``teachers`` and ``activities`` (values as strings or JSON types), plus
        ``report_org`` (the org id whose report the demo prints) and ``year``;
        or None when the region ships no demo.

    Use in sub-jurisdiction plugins: a child may reuse its parent's generator
    and change the region code of its org rows.
    """
