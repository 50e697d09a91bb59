"""Shortfall notices: the teachers who will miss the year or the cycle if nothing changes.

The use case behind ``xuefen shortfalls`` (the CLI renders it). Each teacher under an org unit is
evaluated from the database on the as-of day, with the same pure computation as ``xuefen evaluate``
(:mod:`xuefen.registry`: approved claims only, nothing dated after the day). A period falls short
when one of its minimums (caps and advice left out, as in the report) is not met:

- the year of the as-of day, by the year's requirements (Kunming's K-R2, K-R3 …);
- the teacher's current cycle, by the cycle's requirements (K-R1, Z-R1, Z-R2 …).

Each short period is one notice: what the teacher still needs per requirement (``short``, naming
its rule and article), the region's deadline for it (``xuefen_deadline``: Kunming's 31 October
filing, K-A2; the cycle's end; Zhengzhou's 2018-12-31 paper-path date, Z-T2; each citing its rule
table row) and the days left until it (negative once it has passed: ``overdue``). ``missing`` is,
per unit, the largest shortfall among the period's requirements: they overlap (Z-R2's 80
school-based hours are part of Z-R1's 360), so the least the teacher must still earn, never their sum.

Notices are sorted by urgency: fewest days left, then most missing, then teacher id.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from xuefen import labels, registry
from xuefen.evaluate import evaluate_many
from xuefen.model import Period, dec_str
from xuefen.reports import year_requirements
from xuefen.store import repo

ZERO = Decimal(0)


def _minimums(results):
    """The rows that make a period short: ordinary minimums (no caps, no advice, no share ceilings)."""
    return [r for r in results if r.requirement.severity == "requirement" and not r.requirement.is_cap
            and not r.requirement.share_max]


def _row(region: str, r) -> dict:
    req = r.requirement
    return {"rule": r.rule, "article": req.article, "unit": req.unit, "label": req.label,
            "labels": {lang: labels.rule_label(region, r.rule, lang, req.label) for lang in labels.LANGS},
            "required": dec_str(r.threshold), "counted": dec_str(r.counted),
            "short": dec_str(max(r.threshold - r.counted, ZERO))}


def _missing(rows: list[dict]) -> dict[str, str]:
    out: dict[str, Decimal] = {}
    for q in rows:
        out[q["unit"]] = max(out.get(q["unit"], ZERO), Decimal(q["short"]))
    return {u: dec_str(a) for u, a in out.items()}


def urgency(notice: dict):
    """The sort key: fewest days left, then most missing (summed over units), then teacher, year before cycle."""
    most = sum((Decimal(a) for a in notice["missing"].values()), ZERO)
    return notice["days_left"], -most, notice["teacher"], notice["period"] != "year"


def notices_of(ev, teacher, rt, as_of: dt.date) -> list[dict]:
    """The short periods of one evaluation, each with its deadline (unsorted, without teacher names)."""
    out = []
    periods = []
    year_rows = [r for r in year_requirements(ev, as_of.year) if not r.met]
    if year_rows:
        periods.append((Period("year", dt.date(as_of.year, 1, 1), dt.date(as_of.year, 12, 31), as_of.year),
                        year_rows))
    if ev.cycle is not None:
        cycle_rows = [r for r in _minimums(ev.cycle_results) if not r.met]
        if cycle_rows:
            periods.append((Period("cycle", ev.cycle.start, ev.cycle.end), cycle_rows))
    for period, rows in periods:
        deadline = rt.hook.xuefen_deadline(teacher=teacher, evaluation=ev, period=period, settings=rt.settings,
                                           region=rt.region)
        reqs = [_row(ev.region, r) for r in rows]
        days = (deadline.date - as_of).days
        d = deadline.as_json()
        d["labels"] = {lang: labels.deadline_label(ev.region, deadline, period.kind, lang) for lang in labels.LANGS}
        out.append({"teacher": ev.teacher, "region": ev.region, "period": period.kind,
                    **({"year": period.year} if period.kind == "year" else {}),
                    "start": period.start.isoformat(), "end": period.end.isoformat(),
                    "deadline": d, "days_left": days, "overdue": days < 0,
                    "missing": _missing(reqs), "requirements": reqs})
    return out


def build_shortfalls(conn, org_id: str, as_of: dt.date) -> dict:
    """Every notice of the teachers under ``org_id`` on ``as_of``, sorted by :func:`urgency`
    (docs/formats.md, *shortfalls --json*)."""
    unit = repo.org(conn, org_id)
    rows = repo.teachers_under(conn, org_id)
    names = {o.id: o.name for o in repo.descendants(conn, org_id)}
    cases = registry.cases(conn, [r.id for r in rows], as_of)
    evs = evaluate_many(cases)
    runtimes: dict = {}
    notices = []
    for row, case, ev in zip(rows, cases, evs):
        rt = runtimes.get(ev.region)
        if rt is None:
            rt = runtimes[ev.region] = registry.region_runtime(conn, ev.region)
        for n in notices_of(ev, case.teacher, rt, as_of):
            notices.append({"teacher": n["teacher"], "name": row.name, "school": row.school_id,
                            "school_name": names.get(row.school_id, row.school_id),
                            **{k: v for k, v in n.items() if k != "teacher"}})
    notices.sort(key=urgency)
    return {"org": org_id, "name": unit.name, "level": unit.level, "as_of": as_of.isoformat(),
            "teachers": len(rows), "short_teachers": len({n["teacher"] for n in notices}),
            "shortfalls": notices}


#: the columns of ``shortfalls --csv`` / ``--xlsx``: one row per notice and requirement
FIELDS = ("teacher", "name", "school", "school_name", "region", "period", "start", "end", "deadline",
          "deadline_rule", "deadline_article", "days_left", "rule", "article", "requirement", "unit", "required",
          "counted", "short")


def table_rows(result: dict, lang: str = labels.DEFAULT_LANG):
    """The rows of :data:`FIELDS`, amounts as Decimals, the requirement named in ``lang``."""
    for n in result["shortfalls"]:
        period = str(n["year"]) if n["period"] == "year" else f"{n['start']}/{n['end']}"
        for q in n["requirements"]:
            yield {"teacher": n["teacher"], "name": n.get("name") or "", "school": n["school"],
                   "school_name": n["school_name"], "region": n["region"], "period": period,
                   "start": n["start"], "end": n["end"], "deadline": n["deadline"]["date"],
                   "deadline_rule": n["deadline"]["rule"], "deadline_article": n["deadline"]["article"],
                   "days_left": n["days_left"], "rule": q["rule"], "article": q["article"],
                   "requirement": q["labels"][lang], "unit": q["unit"],
                   "required": Decimal(q["required"]), "counted": Decimal(q["counted"]),
                   "short": Decimal(q["short"])}
