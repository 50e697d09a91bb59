"""``xuefen status TEACHER`` and ``xuefen report --org ID --year YYYY``: how they are shown.

Both evaluate from the database with the same pure computation as
``xuefen evaluate`` (:mod:`xuefen.registry`): a teacher's approved claims only.
The report itself is the core's use case (:mod:`xuefen.reports`); this module renders it.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
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
from xuefen.model import dec_str
from xuefen_cli.output import console, print_json



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
    from xuefen import reports

    with engine.connect() as conn:
        key = reports.redact_key(conn) if redact else None
    with engine.begin() as conn:
        report = reports.build_report(conn, org_id, year, key=key, by=by)
    if as_json:
        print_json(report)
    elif as_csv:
        buf = io.StringIO()
        write_csv(report, buf)
        sys.stdout.write(buf.getvalue())
    else:
        show_report(report, short_only=short_only)


COMMANDS = [status_cmd, report_cmd]
