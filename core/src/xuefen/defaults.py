"""The core's default hook implementations, registered first in every manager.

A region overrides any of them by answering first; these run only when the
region and its parents returned None.
"""
from __future__ import annotations

import datetime as dt

from xuefen.hookspecs import hookimpl
from xuefen.model import CertificateSpec, Cycle, Deadline, Refusal, Setting, Stage

#: the first day (month, day) of a school year (学年): 1 September
SCHOOL_YEAR_START = (9, 1)
#: what a registration year of an annual minimum is (setting ``registration_year``)
REGISTRATION_YEARS = ("calendar", "school_year", "cycle_year")
#: how a partial year's annual minimums are read (setting ``partial_year``)
PARTIAL_YEARS = ("full", "prorated", "not_required")


def add_years(day: dt.date, years: int) -> dt.date:
    """The same day ``years`` later (29 February becomes 28 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def cycle_from(start: dt.date, years: int) -> tuple[dt.date, dt.date]:
    """A window of ``years`` years from ``start``, last day inclusive."""
    return start, add_years(start, years) - dt.timedelta(days=1)


def current_window(start: dt.date, years: int, as_of: dt.date) -> dt.date:
    """The start of the teacher's current cycle as of ``as_of``: ``start``, moved on in whole cycles of
    ``years`` once a cycle's review round is over — the end of the calendar year in which the cycle ended.

    A cycle is reviewed after it ends (Kunming 第十三条: "五年一周期期满 … 进行核准", in the year-end round,
    "每年底进行年度登记审核"), so until that year's end the ended cycle is still the teacher's, to be
    reviewed; after it, the next one is, and a teacher's cycle today is never one that ended years ago.
    Certifying a cycle starts the next one at once (:mod:`xuefen.claims.certificates` moves
    ``cycle_start``). A region whose text says otherwise answers ``xuefen_cycle`` itself."""
    while True:
        nxt = add_years(start, years)
        if as_of <= dt.date((nxt - dt.timedelta(days=1)).year, 12, 31):
            return start
        start = nxt


@hookimpl
def xuefen_cycle(teacher, as_of, region):
    """From ``teacher.cycle_start`` for ``region.cycle_years``, the teacher's current window as of
    ``as_of`` (:func:`current_window`: an ended cycle until its review round is over, then the next;
    certifying a cycle moves ``cycle_start`` to the next one's start); without it, the window containing ``as_of`` counted in whole
    cycles from the region's first day in force."""
    if not region.cycle_years:
        return None
    rule, article = region.cycle_rule
    if teacher.cycle_start is not None:
        start, end = cycle_from(current_window(teacher.cycle_start, region.cycle_years, as_of),
                                region.cycle_years)
        return Cycle(start, end, rule, article)
    anchor = next((rs.start for rs in region.rulesets if rs.start is not None), None)
    if anchor is None:
        return None
    start = anchor
    while add_years(start, region.cycle_years) <= as_of:
        start = add_years(start, region.cycle_years)
    start, end = cycle_from(start, region.cycle_years)
    return Cycle(start, end, rule, article)


@hookimpl
def xuefen_settings():
    """The core's period settings; a region redeclares one (same name) to change its default."""
    return [
        Setting("registration_year", "calendar", "core", "docs/formats.md §2 (periods)",
                "the year an annual minimum is registered over: calendar (1 January to 31 December: the "
                "digests read 每年 so), school_year (1 September to 31 August, named by its first year) or "
                "cycle_year (a year from the cycle's first day)", REGISTRATION_YEARS),
        Setting("partial_year", "full", "core", "docs/formats.md §2 (periods)",
                "a registration year only partly under the rules (the cycle starts or ends in it, the rule set "
                "comes into force or expires in it, the teacher is hired in it): full (the whole annual minimum; "
                "the texts are silent, so the default), prorated (× the months in force / 12, a month begun "
                "counting whole, rounded up to the ledger's 4 places) or not_required", PARTIAL_YEARS),
    ]


@hookimpl
def xuefen_convert(activity, ruleset):
    """No region rule converted the activity: refuse it, naming the rule set."""
    return [Refusal(activity.id, ruleset.rule, ruleset.article,
                    f"no rule of {ruleset.name} credits an activity of kind {activity.kind!r}")]


@hookimpl
def xuefen_requirements():
    return []


@hookimpl
def xuefen_transition():
    return []


@hookimpl
def xuefen_org_flags():
    return []


@hookimpl
def xuefen_approval_stages():
    """A school review, then the county's: what most regions share."""
    return [Stage("school_review", "school_admin", "school", "core", "DESIGN.md"),
            Stage("county_review", "county_admin", "county", "core", "DESIGN.md")]


@hookimpl
def xuefen_certificate(cycle, evaluation):
    """Eligible when every cycle requirement is met (a cycle requiring nothing is never met)."""
    if cycle is None:
        return None
    first = evaluation.cycle_results[0] if evaluation.cycle_results else None
    rule, article = (first.rule, first.requirement.article) if first else (cycle.rule, cycle.article)
    if not any(r.binding for r in evaluation.cycle_results):
        reason = ""  # the core says why a cycle requiring nothing certifies nothing
    else:
        reason = "every cycle requirement is met" if evaluation.cycle_met else "a cycle requirement is not met"
    return CertificateSpec(eligible=evaluation.cycle_met, rule=rule, article=article, reason=reason)


@hookimpl
def xuefen_deadline(evaluation, period):
    """The period's last day: a year's 31 December citing its first short requirement, a cycle's end citing
    the rule that set the cycle."""
    if period.kind == "cycle":
        cycle = evaluation.cycle
        return Deadline(period.end, cycle.rule, cycle.article, "period_end", "end of the cycle")
    rows = [r for r in evaluation.year_results(period.year) if r.requirement.severity == "requirement"]
    first = next((r for r in rows if not r.met), rows[0] if rows else None)
    if first is None:
        return None
    return Deadline(period.end, first.rule, first.requirement.article, "period_end", "end of the year")


@hookimpl
def xuefen_activity_needs(activity, convert):
    """Derived from the region's conversion: :func:`xuefen.needs.derived_needs`."""
    from xuefen.needs import derived_needs
    return derived_needs(activity, convert)
