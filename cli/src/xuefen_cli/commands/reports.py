"""``xuefen status TEACHER`` and ``xuefen report --org ID --year YYYY``.

Both evaluate from the database with the same pure computation as
``xuefen evaluate`` (:mod:`xuefen.registry`): a teacher's approved claims only.
"""
from __future__ import annotations

import csv
import datetime as dt
import hashlib
import hmac
import io
import secrets
import sys
from collections import defaultdict
from decimal import Decimal

import click
from rich.console import Group
from rich.panel import Panel
from rich.progress_bar import ProgressBar
from rich.table import Table
from rich.text import Text

from xuefen.errors import InputError
from xuefen.model import LEVELS, dec_str
from xuefen_cli.output import console, print_json

#: where the per-database key of ``--redact`` pseudonyms is kept (``settings`` table; no region has this code)
REDACT_SCOPE = "*"
REDACT_NAME = "redact_key"


def _date(value: str | None, name: str) -> dt.date:
    if value is None:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise InputError(f"{name}: {value!r} is not a date (YYYY-MM-DD)") from None


# -- status ---------------------------------------------------------------------------


def _bar(counted: Decimal, threshold: Decimal, met: bool, is_max: bool) -> ProgressBar:
    total = float(threshold) if threshold > 0 else 1.0
    done = min(float(counted), total)
    style = "green" if met else ("yellow" if is_max else "red")
    return ProgressBar(total=total, completed=done, width=28, complete_style=style, finished_style=style)


def _requirements_table(title: str, results) -> Table:
    t = Table(title=title, title_justify="left", show_edge=False, pad_edge=False, expand=False)
    for col in ("rule", "requirement", "progress", "counted", "of", "", "notes"):
        t.add_column(col)
    for r in results:
        req = r.requirement
        is_max = req.is_cap or req.share_max
        mark = Text("✓ met", style="green") if r.met else Text(f"short {dec_str(r.threshold - r.counted)}",
                                                                style="bold red")
        if is_max:
            mark = Text("within cap" if r.counted <= r.threshold else "over", style="dim")
        t.add_row(f"{r.rule}\n[dim]{req.article}[/]", req.label or req.label_or_rule(),
                  _bar(r.counted, r.threshold, r.met, is_max),
                  f"{dec_str(r.counted)}", f"{'≤ ' if is_max else ''}{dec_str(r.threshold)} {req.unit}", mark,
                  "; ".join(r.notes))
    return t


@click.command("status")
@click.argument("teacher_id")
@click.option("--as-of", "as_of", metavar="DATE", default=None, help="Evaluate as of this day (default: today).")
@click.option("--json", "as_json", is_flag=True, help="The evaluation as JSON (FORMATS.md §2).")
@click.pass_context
def status_cmd(ctx, teacher_id, as_of, as_json):
    """A teacher's progress towards each requirement, from their approved claims."""
    from xuefen import registry
    from xuefen.store import repo
    from xuefen.store import open_engine

    day = _date(as_of, "--as-of")
    with open_engine(ctx.obj["db_url"]).begin() as conn:
        teacher, region = repo.teacher(conn, teacher_id)
        ev = registry.evaluate_teacher(conn, teacher_id, day)
        school = repo.org(conn, teacher.school_id) if teacher.school_id else None
        pending = [c for c in _claims(conn, teacher_id) if c.state not in ("approved", "certified")]
    if as_json:
        print_json(ev.as_json())
        return
    c = console()
    who = f"[bold]{teacher.name or ''} {teacher.id}[/]".replace("[bold] ", "[bold]")
    c.print(f"{who} — {school.name if school else 'no school'} · {region} · {teacher.stage} · as of {day}")
    years = [y for y, _ in ev.years]
    shown = [y for y in years if y >= day.year - 1] or years[-1:]
    for y in shown:
        c.print(_requirements_table(f"year {y}", [r for r in ev.year_results(y)]))
    if ev.cycle is not None:
        state = "[green]met[/]" if ev.cycle_met else "[red]not met[/]"
        c.print(_requirements_table(f"cycle {ev.cycle.start} – {ev.cycle.end} ({ev.cycle.rule}): ", ev.cycle_results))
        c.print(f"cycle: {state}")
    if ev.certificate is not None:
        cert = ev.certificate
        c.print(f"certificate: {'[green]eligible[/]' if cert.eligible else 'not eligible'} "
                f"({cert.rule}, {cert.article}) {cert.reason}")
    for r in ev.refused:
        c.print(f"[yellow]nothing earned[/] {r.activity}: {r.reason} ({r.rule}, {r.article})")
    for w in ev.warnings:
        c.print(f"[yellow]warning[/] {w.rule} ({w.article}): {w.message}")
    for f in ev.flags:
        c.print(f"[red]flag[/] {f.rule} ({f.article}): {f.message}")
    if pending:
        states = defaultdict(int)
        for p in pending:
            states[p.state] += 1
        c.print("[dim]not counted yet: " + ", ".join(f"{n} {s}" for s, n in sorted(states.items())) + "[/]")


def _claims(conn, teacher_id):
    from xuefen.claims.queues import claims_of
    return claims_of(conn, teacher_id)


# -- report ---------------------------------------------------------------------------


def _year_requirements(ev, year: int):
    """The year's minimums (caps and advice left out): what 'met' means in a report."""
    return [r for r in ev.year_results(year)
            if r.requirement.severity == "requirement" and not r.requirement.is_cap and not r.requirement.share_max]


def _redact_key(engine) -> bytes:
    """The registry's own key for pseudonyms, made by its first signed action (``xuefen init --admin``)."""
    from xuefen.store.schema import settings as settings_table
    import sqlalchemy as sa

    with engine.connect() as conn:
        value = conn.execute(sa.select(settings_table.c.value).where(
            settings_table.c.region == REDACT_SCOPE, settings_table.c.name == REDACT_NAME)).scalar_one_or_none()
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


def build_report(conn, org_id: str, year: int, *, key: bytes | None = None, by: tuple[str, ...] = ()) -> dict:
    """Every teacher under ``org_id`` (met / short per requirement of ``year``), and each school's flags;
    with ``by``, each teacher's and the whole report's amounts of the year per value of each grouping."""
    from xuefen import registry
    from xuefen.store import repo

    unit = repo.org(conn, org_id)
    rows = repo.teachers_under(conn, org_id)
    as_of = dt.date(year, 12, 31)
    evs = registry.evaluate_teachers(conn, [r.id for r in rows], as_of)
    units = {o.id: o for o in repo.descendants(conn, org_id)}
    by_school: dict[str, list] = defaultdict(list)
    teachers = []
    for row, ev in zip(rows, evs):
        by_school[row.school_id].append(ev)
        reqs = [_requirement_row(r) for r in _year_requirements(ev, year)]
        tid = pseudonym(key, row.id) if key else row.id
        item = {"teacher": tid, "school": row.school_id, "region": ev.region,
                "met": all(q["met"] for q in reqs), "requirements": reqs}
        if ev.cycle is not None:  # the cycle the year ends in (a per-teacher cycle, e.g. Zhengzhou's, included)
            item["cycle"] = {"start": ev.cycle.start.isoformat(), "end": ev.cycle.end.isoformat(),
                             "rule": ev.cycle.rule, "met": ev.cycle_met,
                             "requirements": [_requirement_row(r) for r in ev.cycle_results
                                              if r.requirement.severity == "requirement"
                                              and not r.requirement.is_cap and not r.requirement.share_max]}
        # the teacher's whole evaluation in the FORMATS.md §2 shape (the teacher pseudonymised under --redact)
        item["evaluation"] = {**ev.as_json(), "teacher": tid}
        if ev.flags:  # the teacher's own flags (e.g. Lincang's integrity file, L-F1)
            item["flags"] = [f.as_json() for f in ev.flags]
        if by:
            item["by"] = groups_of(ev, year, by)
        if not key:
            item = {"teacher": tid, "name": row.name, **{k: v for k, v in item.items() if k != "teacher"}}
        teachers.append(item)
    schools = []
    for sid in sorted(by_school):
        evals = by_school[sid]
        region = evals[0].region
        rt = registry.region_runtime(conn, region)
        flags = rt.hook.xuefen_org_flags(org_id=sid, year=year, evaluations=evals, settings=rt.settings) or []
        mine = [t for t in teachers if t["school"] == sid]
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
                  "cycle_met": sum(1 for t in teachers if t.get("cycle", {}).get("met"))},
              "schools": schools, "teachers": teachers}
    if by:
        report["by"] = _group_totals(teachers, by)
    return report


CSV_FIELDS = ("teacher", "name", "school", "region", "period", "rule", "article", "unit", "required", "counted",
              "short", "met", "school_flags")


def write_csv(report: dict, out) -> None:
    from xuefen.io.tables import neutralise

    fields = [f for f in CSV_FIELDS if not (report["redacted"] and f == "name")]
    w = csv.DictWriter(out, fieldnames=fields, lineterminator="\n")
    w.writeheader()
    flags = {s["id"]: " ".join(sorted({f["rule"] for f in s["flags"]})) for s in report["schools"]}
    for t in report["teachers"]:
        cycle = t.get("cycle")
        rows = [(str(report["year"]), r) for r in t["requirements"]]
        if cycle:
            rows += [(f"{cycle['start']}/{cycle['end']}", r) for r in cycle["requirements"]]
        for period, r in rows or [("", {})]:
            row = {"teacher": t["teacher"], "school": t["school"], "region": t["region"], "period": period,
                   "rule": r.get("rule", ""), "article": r.get("article", ""), "unit": r.get("unit", ""),
                   "required": r.get("required", ""), "counted": r.get("counted", ""), "short": r.get("short", ""),
                   "met": "" if not r else str(r["met"]).lower(), "school_flags": flags.get(t["school"], "")}
            if "name" in fields:
                row["name"] = t.get("name") or ""
            # a CSV is opened in a spreadsheet: text that would start a formula is neutralised
            w.writerow({k: neutralise(v) for k, v in row.items()})


def show_report(report: dict, *, short_only: bool = False, out=None) -> None:
    c = out or console()
    s = report["summary"]
    share = f"{s['short'] / s['with_requirements'] * 100:.1f}%" if s["with_requirements"] else "—"
    head = Text.assemble((f"{report['name']} ({report['org']})", "bold"), f" · year {report['year']} · ",
                         (f"{s['teachers']}", "bold"), " teachers · ", (f"{s['met']}", "bold green"), " met · ",
                         (f"{s['short']}", "bold red"), f" short ({share}) · ",
                         (f"{s['flagged_schools']}", "bold red" if s["flagged_schools"] else "bold"),
                         " school(s) flagged")
    t = Table(title="schools", title_justify="left", show_edge=False)
    for col, kw in (("school", {}), ("teachers", {"justify": "right"}), ("met", {"justify": "right"}),
                    ("short", {"justify": "right"}), ("", {}), ("flags", {})):
        t.add_column(col, **kw)
    for sc in report["schools"]:
        n = sc["with_requirements"]
        met = n - sc["short"]
        bar = ProgressBar(total=max(n, 1), completed=met, width=20,
                          complete_style="red" if sc["flags"] else "green",
                          finished_style="green")
        flags = "\n".join(f"[red]{f['rule']}[/] ({f['article']}) {f['message']}" for f in sc["flags"]) or "[green]—[/]"
        t.add_row(f"{sc['name']}\n[dim]{sc['id']}[/]", str(sc["teachers"]), str(met), str(sc["short"]), bar, flags)
    c.print(Panel(Group(head, Text(""), t), title=f"xuefen report · {report['org']} · {report['year']}",
                  border_style="cyan", expand=False))
    for name, values in report.get("by", {}).items():
        units = sorted({u for amounts in values.values() for u in amounts if u != "teachers"})
        g = Table(title=f"{report['year']} by {name}", title_justify="left", show_edge=False)
        g.add_column(name)
        g.add_column("teachers", justify="right")
        for u in units:
            g.add_column(u, justify="right")
        for value, amounts in values.items():
            g.add_row(value, str(amounts["teachers"]), *(amounts.get(u) or "0" for u in units))
        c.print(g)
    names = {sc["id"]: sc["name"] for sc in report["schools"]}
    for item in report["teachers"]:
        for f in item.get("flags", ()):
            c.print(f"[red]flag[/] {item['teacher']}: {f['rule']} ({f['article']}) {f['message']}")
    def short(item) -> bool:  # short of the year's minimums, or, with none this year, of the cycle's
        if item["requirements"]:
            return not item["met"]
        return bool(item.get("cycle")) and not item["cycle"]["met"]

    rows = [tt for tt in report["teachers"] if not short_only or short(tt)]
    if not rows:
        return
    tt = Table(title="teachers short of what they must earn" if short_only else "teachers", title_justify="left",
               show_edge=False)
    for col in ("teacher", "school", "requirement", "counted", "required", "short"):
        tt.add_column(col, justify="right" if col in ("counted", "required", "short") else "left")
    for item in rows:
        who = item["teacher"] + (f" {item['name']}" if item.get("name") else "")
        cycle = item.get("cycle")
        lines = [("", r) for r in item["requirements"]]
        if cycle and (not short_only or not lines):
            lines += [(f"cycle {cycle['start']}–{cycle['end']} ", r) for r in cycle["requirements"]]
        if not lines:
            tt.add_row(who, names.get(item["school"], item["school"]), "[dim]no requirement this year[/]", "", "", "")
            continue
        for i, (period, r) in enumerate(lines):
            short = Text(r["short"], style="bold red") if not r["met"] else Text("✓", style="green")
            tt.add_row(who if i == 0 else "", names.get(item["school"], item["school"]) if i == 0 else "",
                       f"{period}{r['rule']} {r['label'] or ''}".strip(), r["counted"],
                       f"{r['required']} {r['unit']}", short)
    c.print(tt)


@click.command("report")
@click.option("--org", "org_id", required=True, help="Org unit id: every teacher at or below it.")
@click.option("--year", type=int, required=True, help="The year reported.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.option("--csv", "as_csv", is_flag=True, help="Print CSV: one row per teacher and requirement.")
@click.option("--redact", is_flag=True, help="No teacher id or name: a stable pseudonym instead.")
@click.option("--short-only", is_flag=True, help="List only the teachers short of a requirement.")
@click.option("--by", "by", multiple=True, metavar="NAME",
              help="Also sum the year's earned amounts per value of NAME, an entry attribute the region "
                   "declares as NAME:VALUE buckets (Chifeng: level, dimension; Lincang: module). Repeatable.")
@click.pass_context
def report_cmd(ctx, org_id, year, as_json, as_csv, redact, short_only, by):
    """Met / short per requirement of every teacher under an org unit, and each school's flags (e.g. K-R5)."""
    from xuefen.store import open_engine

    if as_json and as_csv:
        raise InputError("report: --json and --csv exclude each other")
    if by and as_csv:
        raise InputError("report: --by goes with the table or --json, not --csv (one row per requirement)")
    for name in by:
        if not name.strip() or ":" in name:
            raise InputError(f"--by: {name!r} is not a grouping name (e.g. level, dimension, module)")
    by = tuple(dict.fromkeys(n.strip() for n in by))
    engine = open_engine(ctx.obj["db_url"])
    key = _redact_key(engine) if redact else None
    with engine.begin() as conn:
        report = build_report(conn, org_id, year, key=key, by=by)
    if as_json:
        print_json(report)
    elif as_csv:
        buf = io.StringIO()
        write_csv(report, buf)
        sys.stdout.write(buf.getvalue())
    else:
        show_report(report, short_only=short_only)


COMMANDS = [status_cmd, report_cmd]
