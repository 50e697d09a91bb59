"""Reports: every teacher under an org unit, met or short for a year and for their cycle, and each school's flags.

The use case behind ``xuefen report`` (the CLI only renders it): each teacher is
evaluated from the database with the same pure computation as ``xuefen evaluate``
(:mod:`xuefen.registry`: approved claims only), the region's school flags come from
``xuefen_org_flags`` (Kunming's K-R5), and ``key`` puts stable pseudonyms in place of
teacher ids (``--redact``). The shape of the result is docs/formats.md's report JSON.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from collections import defaultdict
from decimal import Decimal

import sqlalchemy as sa

from xuefen import registry, transfers
from xuefen.actors import REDACT_NAME, REDACT_SCOPE
from xuefen.errors import InputError
from xuefen.evaluate import collector_paused
from xuefen.model import LEVELS, dec_str
from xuefen.store import repo
from xuefen.store.schema import settings


def year_requirements(ev, year: int):
    """The year's minimums (caps and advice left out): what 'met' means in a report."""
    return [r for r in ev.year_results(year)
            if r.requirement.severity == "requirement" and not r.requirement.is_cap and not r.requirement.share_max]


def redact_key(conn) -> bytes:
    """The registry's own key for pseudonyms, made by its first signed action (``xuefen init --admin``)."""
    value = conn.execute(sa.select(settings.c.value).where(
        settings.c.region == REDACT_SCOPE, settings.c.name == REDACT_NAME)).scalar_one_or_none()
    if value is None:
        raise InputError("report --redact: this registry has no pseudonym key; it is made once, with its first "
                         "administrator (`xuefen init --admin ID`)")
    return bytes.fromhex(value)


def pseudonym(key: bytes, teacher_id: str) -> str:
    """A stable pseudonym: the same teacher gets the same one in every report of this database."""
    return "T-" + hmac.new(key, teacher_id.encode(), hashlib.sha256).hexdigest()[:10]


#: the group of an entry that has no ``NAME:VALUE`` bucket for a ``--by NAME``
UNSTATED = "unstated"


def group_value(entry, name: str) -> str:
    """The value of the grouping ``name`` an entry carries as a ``NAME:VALUE`` bucket (Chifeng's
    ``level:county``, ``dimension:ethics``; Lincang's ``module:ethics``), else :data:`UNSTATED`."""
    prefix = f"{name}:"
    return next((b[len(prefix):] for b in entry.buckets if b.startswith(prefix)), UNSTATED)


def _group_order(value: str):
    return (value == UNSTATED, LEVELS.index(value) if value in LEVELS else len(LEVELS), value)


def groups_of(ev, year: int, by) -> dict:
    """Each grouping of ``by``: the year's entries of one evaluation summed per value and unit (earned,
    before any requirement's weights or caps): ``{"level": {"county": {"credits": "40"}}}``."""
    out = {}
    for name in by:
        sums: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
        for e in ev.entries:
            if e.year != year or e.date > ev.as_of:
                continue
            cell = sums[group_value(e, name)]
            for unit in ev.units:
                cell[unit] += e.amount(unit)
        out[name] = {v: {u: dec_str(a) for u, a in sums[v].items()} for v in sorted(sums, key=_group_order)}
    return out


def _group_totals(teachers: list[dict], by) -> dict:
    out = {}
    for name in by:
        sums: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
        count: dict[str, int] = defaultdict(int)
        for t in teachers:
            for value, amounts in t["by"][name].items():
                count[value] += 1
                for unit, a in amounts.items():
                    sums[value][unit] += Decimal(a)
        out[name] = {v: {"teachers": count[v], **{u: dec_str(a) for u, a in sums[v].items()}}
                     for v in sorted(sums, key=_group_order)}
    return out


def _requirement_row(r) -> dict:
    short = max(r.threshold - r.counted, Decimal(0))
    return {"rule": r.rule, "article": r.requirement.article, "unit": r.requirement.unit,
            "label": r.requirement.label, "required": dec_str(r.threshold),
            "counted": dec_str(r.counted), "short": dec_str(short), "met": r.met}


def period(year: int | None = None, as_of: dt.date | None = None, today: dt.date | None = None
           ) -> tuple[int, dt.date]:
    """The year reported and the day evaluated: without either, today's year as of today (the teacher's
    current cycle, :func:`xuefen.defaults.current_window`); a year alone, as of its 31 December; a day
    alone, its year as of it; both, the day must fall in the year.

    :raises InputError: a day outside the year given.
    """
    today = today or dt.date.today()
    if as_of is None:
        return (year, dt.date(year, 12, 31)) if year is not None else (today.year, today)
    if year is not None and as_of.year != year:
        raise InputError(f"report: --as-of {as_of} is not in --year {year}")
    return as_of.year, as_of


def is_short(item: dict) -> dict:
    """Whether a report's teacher item is short in the year reported (of a minimum of that year) and in the
    cycle reported (the teacher's cycle as of the report's day): ``{"year": bool, "cycle": bool}``; what
    the headline counts (``summary.short``, ``summary.cycle_short``) and ``--short-only`` keeps.

    A cycle is short when its ``status`` is ``short`` (it has ended short, or a rule fails it already); a
    cycle still running and not yet met is ``in_progress``, counted apart (``summary.cycle_in_progress``).
    An item without a cycle ``status`` (a report written before statuses) is short when not met."""
    cycle = item.get("cycle")
    return {"year": bool(item["requirements"]) and not item["met"],
            "cycle": bool(cycle) and (cycle["status"] == "short" if "status" in cycle else not cycle["met"])}


@collector_paused()  # the report's teachers, evaluations and rows are kept to the end: no collector passes over them
def build_report(conn, org_id: str, year: int | None = None, *, key: bytes | None = None, by: tuple[str, ...] = (),
                 as_of: dt.date | None = None, short_only: bool = False, workers: int = 1) -> dict:
    """Every teacher under ``org_id`` (met / short per requirement of ``year``), and each school's flags;
    with ``by``, each teacher's and the whole report's amounts of the year per value of each grouping.

    ``year`` and ``as_of`` as :func:`period` reads them (neither: today's year, as of today). With
    ``short_only`` the teachers listed are those short in the year or in their cycle (:func:`is_short`);
    the summary still counts everyone. ``workers`` > 1 evaluates the teachers in that many processes (the
    same report).
    """
    year, as_of = period(year, as_of)
    unit = repo.org(conn, org_id)
    rows = transfers.teachers_under(conn, org_id, as_of)  # where each taught on the day reported
    evs = registry.evaluate_teachers(conn, [r.id for r in rows], as_of, workers=workers)
    units = {o.id: o for o in repo.descendants(conn, org_id)}
    by_school: dict[str, list] = defaultdict(list)
    teachers = []
    for row, ev in zip(rows, evs):
        school = transfers.school_on(row.school_id, row.data, as_of)
        by_school[school].append(ev)
        reqs = [_requirement_row(r) for r in year_requirements(ev, year)]
        tid = pseudonym(key, row.id) if key else row.id
        item = {"teacher": tid, "school": school, "region": ev.region,
                "met": all(q["met"] for q in reqs), "status": ev.year_status(year)[0], "requirements": reqs}
        if ev.cycle is not None:  # the cycle the year ends in (a per-teacher cycle, e.g. Zhengzhou's, included)
            item["cycle"] = {"start": ev.cycle.start.isoformat(), "end": ev.cycle.end.isoformat(),
                             "rule": ev.cycle.rule, "met": ev.cycle_met, "status": ev.cycle_status()[0],
                             "requirements": [_requirement_row(r) for r in ev.cycle_results
                                              if r.requirement.severity == "requirement"
                                              and not r.requirement.is_cap and not r.requirement.share_max]}
        # the teacher's whole evaluation in the FORMATS.md §2 shape (the teacher pseudonymised under --redact)
        item["evaluation"] = {**ev.as_json(), "teacher": tid}
        if ev.flags:  # the teacher's own flags (e.g. Lincang's integrity file, L-F1)
            item["flags"] = [f.as_json() for f in ev.flags]
        if by:
            item["by"] = groups_of(ev, year, by)
        item["short"] = is_short(item)
        if not key:
            item = {"teacher": tid, "name": row.name, **{k: v for k, v in item.items() if k != "teacher"}}
        teachers.append(item)
    schools = []
    runtimes: dict = {}  # each region's rules and settings once per report
    items_of: dict[str, list] = defaultdict(list)  # the teachers of each school, grouped once (not a scan per school)
    for t in teachers:
        items_of[t["school"]].append(t)
    for sid in sorted(by_school):
        evals = by_school[sid]
        region = evals[0].region
        if region not in runtimes:
            runtimes[region] = registry.region_runtime(conn, region)
        rt = runtimes[region]
        flags = rt.hook.xuefen_org_flags(org_id=sid, year=year, evaluations=evals, settings=rt.settings) or []
        mine = items_of[sid]
        required = [t for t in mine if t["requirements"]]
        short = [t for t in required if not t["met"]]
        schools.append({"id": sid, "name": units[sid].name if sid in units else sid, "region": region,
                        "teachers": len(mine), "with_requirements": len(required), "short": len(short),
                        "flags": [f.as_json() for f in flags]})
    report = {"org": org_id, "name": unit.name, "level": unit.level, "year": year, "as_of": as_of.isoformat(),
              "redacted": bool(key), "summary": {
                  "teachers": len(teachers), "with_requirements": sum(s["with_requirements"] for s in schools),
                  "met": sum(1 for t in teachers if t["requirements"] and t["met"]),
                  "short": sum(s["short"] for s in schools),
                  "flagged_schools": sum(1 for s in schools if s["flags"]),
                  "with_cycle": sum(1 for t in teachers if "cycle" in t),
                  "cycle_met": sum(1 for t in teachers if t.get("cycle", {}).get("met")),
                  "cycle_short": sum(1 for t in teachers if t["short"]["cycle"]),
                  "cycle_in_progress": sum(1 for t in teachers if t.get("cycle", {}).get("status") == "in_progress"),
                  "short_listed": sum(1 for t in teachers if t["short"]["year"] or t["short"]["cycle"])},
              "schools": schools, "teachers": teachers, "short_only": short_only}
    if by:
        report["by"] = _group_totals(teachers, by)
    if short_only:
        report["teachers"] = [t for t in teachers if t["short"]["year"] or t["short"]["cycle"]]
    return report


#: the columns of :func:`by_rows`
BY_FIELDS = ("teacher", "name", "school", "region", "year", "by", "value", "unit", "amount")


def by_rows(report: dict) -> list[dict]:
    """A report's ``--by`` groupings as rows, one per teacher, grouping, value and unit (the amount earned
    in the year, a decimal string), then the report's totals (``teacher`` ``*``): what the CSV and XLSX
    forms of ``report --by`` hold. ``name`` is left out of a redacted report."""
    out = []
    for t in report["teachers"]:
        for name, values in (t.get("by") or {}).items():
            for value, amounts in values.items():
                for unit, amount in amounts.items():
                    row = {"teacher": t["teacher"], "name": t.get("name") or "", "school": t["school"],
                           "region": t["region"], "year": report["year"], "by": name, "value": value, "unit": unit,
                           "amount": amount}
                    out.append(row)
    for name, values in (report.get("by") or {}).items():
        for value, amounts in values.items():
            for unit, amount in amounts.items():
                if unit != "teachers":
                    out.append({"teacher": "*", "name": "", "school": "", "region": "", "year": report["year"],
                                "by": name, "value": value, "unit": unit, "amount": amount})
    if report.get("redacted"):
        for r in out:
            r.pop("name")
    return out
