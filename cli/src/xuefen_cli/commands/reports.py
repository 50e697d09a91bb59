"""``xuefen status TEACHER`` and ``xuefen report --org ID --year YYYY``: how they are shown.

Both evaluate from the database with the same pure computation as
``xuefen evaluate`` (:mod:`xuefen.registry`): a teacher's approved claims only.
The report itself is the core's use case (:mod:`xuefen.reports`); this module renders it.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
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
from xuefen_cli.output import console, json_text, print_json



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
        status = r.status
        if status == "waived":
            mark = Text(f"waived ({r.override_rule})", style="green")
        elif status == "in_progress":
            mark = Text(f"in progress, {dec_str(r.threshold - r.counted)} to go", style="yellow")
        elif status == "advisory":
            mark = Text("advice: " + ("✓" if r.met else f"{dec_str(r.threshold - r.counted)} below"), style="dim")
        else:
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
    """A teacher's (教师) progress towards each requirement (要求) of the year (年度) and the cycle (周期), from
    their approved claims."""
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
        status = ev.cycle_status()[0]  # an unfinished cycle not yet met is in progress, not short
        state = {"met": "[green]met[/]", "waived": "[green]waived[/]", "in_progress": "[yellow]in progress[/]",
                 "not_required": "not required"}.get(status, "[red]not met[/]")
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


def write_csv(report: dict, out, lang: str = "en") -> None:
    """One row per teacher and requirement; headers the field names (``lang="en"``, FORMATS.md §3) or
    Chinese (``zh``, :mod:`xuefen.labels`)."""
    fields = csv_fields(report["redacted"])
    out.write(csv_header(fields, lang))
    schools = {s["id"]: s for s in report["schools"]}
    for t in report["teachers"]:
        out.write(csv_item(t, schools.get(t["school"], {"flags": []}), fields=fields, year=report["year"]))


def csv_fields(redacted: bool) -> tuple[str, ...]:
    return tuple(f for f in CSV_FIELDS if not (redacted and f == "name"))


def csv_header(fields, lang: str = "en") -> str:
    from xuefen.labels import header

    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerow([f if lang == "en" else header(f, lang) for f in fields])
    return buf.getvalue()


def csv_item(t: dict, school: dict, *, fields, year: int) -> str:
    """:func:`write_csv`'s rows of one teacher's item (``school`` its school's row, for the flags)."""
    from xuefen.io.tables import neutralise

    flags = " ".join(sorted({f["rule"] for f in school["flags"]}))
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=fields, lineterminator="\n")
    cycle = t.get("cycle")
    rows = [(str(year), r) for r in t["requirements"]]
    if cycle:
        rows += [(f"{cycle['start']}/{cycle['end']}", r) for r in cycle["requirements"]]
    for period, r in rows or [("", {})]:
        row = {"teacher": t["teacher"], "school": t["school"], "region": t["region"], "period": period,
               "rule": r.get("rule", ""), "article": r.get("article", ""), "unit": r.get("unit", ""),
               "required": r.get("required", ""), "counted": r.get("counted", ""), "short": r.get("short", ""),
               "met": "" if not r else str(r["met"]).lower(), "school_flags": flags}
        if "name" in fields:
            row["name"] = t.get("name") or ""
        # a CSV is opened in a spreadsheet: text that would start a formula is neutralised
        w.writerow({k: neutralise(v) for k, v in row.items()})
    return buf.getvalue()


#: the report table's words: (English, Chinese)
WORDS = {
    "year": ("year {year}", "{year}年度"), "teachers": ("teachers", "名教师"), "met": ("met", "达标"),
    "short": ("short", "未达标"), "in_progress": ("in progress", "进行中"), "flagged": ("school(s) flagged", "所学校被标记"), "schools": ("schools", "学校"),
    "school": ("school", "学校"), "teacher": ("teacher", "教师"), "requirement": ("requirement", "要求"),
    "counted": ("counted", "已计"), "required": ("required", "应修"), "short_by": ("short", "尚缺"),
    "title": ("xuefen report", "继续教育学时报告"), "short_title": ("teachers short of what they must earn",
                                                               "未完成学时的教师"),
    "all_title": ("teachers", "教师"), "none": ("no requirement this year", "本年度无要求"),
    "cycle": ("cycle {start}–{end} ", "周期 {start}–{end} "), "by": ("{year} by {name}", "{year}年度 · 按 {name}"),
    "flag": ("flag", "标记"),
    "cycle_head": ("cycle: ", "周期: "), "as_of": ("as of {day}", "截至 {day}"),
    "short_count": ("{n} teacher(s) short: {year} in {y}, {cycle} in their cycle",
                    "{n} 名教师未达标: {y}年度 {year} 名, 周期 {cycle} 名"),
}


def _w(key: str, lang: str, **kw) -> str:
    en, zh = WORDS[key]
    return (zh if lang == "zh" else en).format(**kw)


def _flag_message(sc: dict, f: dict, lang: str, year: int) -> str:
    """A school flag's message; in Chinese, the region's ``flag/RULE`` template filled with the school's figures
    (else the rule's label and the plugin's own message)."""
    from xuefen import labels as L

    if lang != "zh":
        return f["message"]
    template = L.flag_template(sc["region"], f["rule"], lang)
    if template:
        return template.format(short=sc["short"], total=sc["with_requirements"], year=f.get("year", year),
                               school=sc["name"])
    return f"{L.rule_label(sc['region'], f['rule'], lang)}: {f['message']}"


def show_report(report: dict, *, short_only: bool = False, out=None, lang: str = "en") -> None:
    """The report as tables; ``lang`` ``zh`` in Chinese (what ``xuefen report`` prints by default), with the
    region's rule labels, ``en`` in English."""
    from xuefen import labels as L

    c = out or console()
    s = report["summary"]
    share = f"{s['short'] / s['with_requirements'] * 100:.1f}%" if s["with_requirements"] else "—"
    sep = " · "
    head = Text.assemble((f"{report['name']} ({report['org']})", "bold"), sep, _w("year", lang, year=report["year"]),
                         "\n", (f"{s['teachers']}", "bold"), f" {_w('teachers', lang)}{sep}",
                         (f"{s['met']}", "bold green"), f" {_w('met', lang)}{sep}",
                         (f"{s['short']}", "bold red"), f" {_w('short', lang)} ({share}){sep}",
                         (f"{s['flagged_schools']}", "bold red" if s["flagged_schools"] else "bold"),
                         f" {_w('flagged', lang)}")
    more = []
    if s.get("with_cycle"):
        parts = [_w("cycle_head", lang), (f"{s['cycle_met']}", "bold green"), f" {_w('met', lang)}{sep}"]
        if s.get("cycle_in_progress"):  # cycles still running, not yet met: not short
            parts += [(f"{s['cycle_in_progress']}", "bold"), f" {_w('in_progress', lang)}{sep}"]
        parts += [(f"{s.get('cycle_short', s['with_cycle'] - s['cycle_met'])}", "bold red"), f" {_w('short', lang)}"]
        more.append(Text.assemble(*parts))
    if report.get("as_of") and report["as_of"] != f"{report['year']}-12-31":
        more.append(Text(_w("as_of", lang, day=report["as_of"])))
    if more:
        head.append_text(Text("\n") + Text(sep).join(more))
    t = Table(title=_w("schools", lang), title_justify="left", show_edge=False)
    for col, kw in ((_w("school", lang), {"overflow": "fold"}), (_w("teachers", lang).strip("名"), {"justify": "right"}),
                    (_w("met", lang), {"justify": "right"}), (_w("short", lang), {"justify": "right"}), ("", {}),
                    (L.term("flags", lang), {"overflow": "fold"})):
        t.add_column(col, **kw)
    for sc in report["schools"]:
        n = sc["with_requirements"]
        met = n - sc["short"]
        bar = ProgressBar(total=max(n, 1), completed=met, width=20 if lang == "en" else 12,
                          complete_style="red" if sc["flags"] else "green",
                          finished_style="green")
        flags = "\n".join(f"[red]{f['rule']}[/] ({f['article']}) {_flag_message(sc, f, lang, report['year'])}"
                          for f in sc["flags"]) or "[green]—[/]"
        t.add_row(f"{sc['name']}\n[dim]{sc['id']}[/]", str(sc["teachers"]), str(met), str(sc["short"]), bar, flags)
    title = f"xuefen report · {report['org']} · {report['year']}" if lang == "en" else \
        f"{_w('title', lang)} · {report['org']} · {report['year']}"
    c.print(Panel(Group(head, Text(""), t), title=title, border_style="cyan", expand=False),
            soft_wrap=False)  # the headline wraps, never cut
    for name, values in report.get("by", {}).items():
        units = sorted({u for amounts in values.values() for u in amounts if u != "teachers"})
        g = Table(title=_w("by", lang, year=report["year"], name=name), title_justify="left", show_edge=False)
        g.add_column(name)
        g.add_column(_w("teachers", lang).strip("名"), justify="right")
        for u in units:
            g.add_column(L.unit_label(u, lang), justify="right")
        for value, amounts in values.items():
            g.add_row(value, str(amounts["teachers"]), *(amounts.get(u) or "0" for u in units))
        c.print(g)
    names = {sc["id"]: sc["name"] for sc in report["schools"]}
    for item in report["teachers"]:
        for f in item.get("flags", ()):
            c.print(f"[red]{_w('flag', lang)}[/] {item['teacher']}: {f['rule']} ({f['article']}) {f['message']}")
    def short_of(item) -> dict:  # what the headline counts: short in the year, short in the cycle
        from xuefen.reports import is_short
        return item.get("short") or is_short(item)

    rows = [tt for tt in report["teachers"] if not short_only or any(short_of(tt).values())]
    if short_only:
        c.print(_w("short_count", lang, n=len(rows), year=s["short"], y=report["year"], cycle=s.get("cycle_short", 0)))
    if not rows:
        return
    tt = Table(title=_w("short_title" if short_only else "all_title", lang), title_justify="left", show_edge=False)
    for key in ("teacher", "school", "requirement", "counted", "required", "short_by"):
        tt.add_column(_w(key, lang), justify="right" if key in ("counted", "required", "short_by") else "left",
                      overflow="fold")
    for item in rows:
        who = item["teacher"] + (f" {item['name']}" if item.get("name") else "")
        cycle = item.get("cycle")
        lines = [("", r) for r in item["requirements"] if not short_only or not r["met"]]
        if cycle and (not short_only or short_of(item)["cycle"]):  # a cycle still in progress is not short
            lines += [(_w("cycle", lang, start=cycle["start"], end=cycle["end"]), r) for r in cycle["requirements"]
                      if not short_only or not r["met"]]
        if not lines:
            tt.add_row(who, names.get(item["school"], item["school"]), f"[dim]{_w('none', lang)}[/]", "", "", "")
            continue
        for i, (period, r) in enumerate(lines):
            short = Text(r["short"], style="bold red") if not r["met"] else Text("✓", style="green")
            label = L.rule_label(item["region"], r["rule"], lang, r["label"] or None) if lang == "zh" else \
                (r["label"] or "")
            tt.add_row(who if i == 0 else "", names.get(item["school"], item["school"]) if i == 0 else "",
                       f"{period}{r['rule']} {label}".strip(), r["counted"],
                       f"{r['required']} {L.unit_label(r['unit'], lang)}", short)
    c.print(tt)


@click.command("report")
@click.option("--org", "org_id", required=True, help="Org unit id: every teacher at or below it.")
@click.option("--year", type=int, default=None,
              help="The year reported, as of its 31 December (default: this year, as of today).")
@click.option("--as-of", "as_of", metavar="DATE", default=None,
              help="Evaluate as of this day (its year is the year reported; default: today).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.option("--csv", "as_csv", is_flag=True, help="Print CSV (UTF-8 with a BOM, for Excel): one row per teacher "
                                                     "and requirement.")
@click.option("--xlsx", "xlsx", metavar="FILE", default=None,
              help="Write the report as an Excel workbook: a summary sheet with a chart, one sheet per school.")
@click.option("--redact", is_flag=True, help="No teacher id or name: a stable pseudonym instead.")
@click.option("--short-only", is_flag=True,
              help="List only the teachers short in the year or in their cycle (what the headline counts), in "
                   "every output form.")
@click.option("--by", "by", multiple=True, metavar="NAME",
              help="Also sum the year's earned amounts per value of NAME, an entry attribute the region "
                   "declares as NAME:VALUE buckets (Chifeng: level, dimension; Lincang: module). Repeatable. "
                   "With --csv: one row per teacher, grouping, value and unit instead.")
@click.option("--html", "html_path", metavar="FILE.html", default=None,
              help="Write the report as one self-contained, printable HTML page (A4, a page per school): "
                   "completion per requirement (要求) per school (学校) as charts, the shortfall list (学时缺口), "
                   "the school flags (标记, e.g. K-R5) and the rule and article (规则, 条款) behind each figure.")
@click.option("--lang", type=click.Choice(["zh", "en"]), default=None,
              help="Language (语言) of the table, the HTML page and the --xlsx headers: zh (中文, the default) or "
                   "en; --csv keeps the field names unless --lang zh.")
@click.option("--workers", type=click.IntRange(1, 64), default=1, show_default=True,
              help="Evaluate the teachers in N processes (the same report, byte for byte): for a city's or a "
                   "province's report on a machine with N cores to spare. Used from 2,000 teachers.")
@click.pass_context
def report_cmd(ctx, org_id, year, as_of, as_json, as_csv, xlsx, redact, short_only, by, html_path, lang, workers):
    """Met / short (达标 / 尚缺) per requirement of every teacher (教师) under an org unit (单位), for the year
    (年度) and the cycle (周期), and each school's flags (标记, e.g. K-R5).

    Without --year or --as-of: this year as of today, and each teacher's current cycle."""
    from xuefen.store import open_engine

    if sum(map(bool, (as_json, as_csv, html_path, xlsx))) > 1:
        raise InputError("report: --json, --csv, --html and --xlsx exclude each other")
    if html_path is not None and not html_path.lower().endswith((".html", ".htm")):
        raise InputError(f"--html: {html_path}: the file name must end in .html")
    for name in by:
        if not name.strip() or ":" in name:
            raise InputError(f"--by: {name!r} is not a grouping name (e.g. level, dimension, module)")
    by = tuple(dict.fromkeys(n.strip() for n in by))
    day = _date(as_of, "--as-of") if as_of is not None else None
    engine = open_engine(ctx.obj["db_url"])
    from xuefen import reports

    with engine.connect() as conn:
        key = reports.redact_key(conn) if redact else None
    if html_path is not None:  # a page is built from the whole report
        with engine.begin() as conn:
            report = reports.build_report(conn, org_id, year, key=key, by=by, as_of=day, short_only=short_only,
                                          workers=workers)
        from xuefen import html_report

        try:
            html_report.write(report, html_path, lang=lang or "zh")
        except OSError as exc:
            raise InputError(f"--html: {html_path}: {exc.strerror or exc}") from None
        click.echo(f"{html_path}: {len(report['schools'])} school(s), {len(report['teachers'])} teacher(s)")
        return
    # JSON, CSV, the workbook and the table: read school by school, each teacher's item rendered as it is made
    # and spooled to a temporary file, then written in the report's order (memory flat in the number of teachers)
    from functools import partial

    year, day = reports.period(year, day)  # once: the rows' year is the report's
    if xlsx:
        from xuefen_cli import xlsx_out

        xlsx_out.checked_output(xlsx, what="--xlsx")  # before the report is read
        renders = {"xlsx": xlsx_out.xlsx_item}
    elif as_json:
        renders = {"json": json_item}
    elif as_csv and by:
        renders = {"csv": partial(by_csv_item, fields=by_csv_fields(bool(key)), year=year)}
    elif as_csv:
        renders = {"csv": partial(csv_item, fields=csv_fields(bool(key)), year=year)}
    else:
        renders = {"table": table_item}
    with engine.begin() as conn:
        spooled = reports.spool_report(conn, org_id, year, renders=renders, key=key, by=by, as_of=day,
                                       short_only=short_only, workers=workers)
    with spooled:
        if xlsx:
            xlsx_out.write_spooled(spooled, xlsx, lang=lang or "zh", short_only=short_only)
        elif as_json:
            write_json(spooled, sys.stdout)
        elif as_csv:
            out = sys.stdout
            fields = by_csv_fields(bool(key)) if by else csv_fields(bool(key))
            out.write("\ufeff" + csv_header(fields, "en" if by else lang or "en"))  # the BOM: Excel reads UTF-8
            for text in spooled.texts("csv"):
                out.write(text)
            if by:
                before, after = spooled.stream.around()
                out.write(by_csv_text(reports.by_total_rows(after["by"], before["year"], bool(key)), fields))
        else:
            before, after = spooled.stream.around()
            show_report({**before, "teachers": _SpooledItems(spooled), **after}, short_only=short_only,
                        lang=lang or "zh")


def write_by_csv(report: dict, out) -> None:
    """``report --by NAME --csv``: :func:`xuefen.reports.by_rows`, with the same formula protection."""
    from xuefen import reports

    fields = by_csv_fields(report["redacted"])
    out.write(csv_header(fields))
    out.write(by_csv_text(reports.by_rows(report), fields))


def by_csv_fields(redacted: bool) -> tuple[str, ...]:
    from xuefen import reports

    return tuple(f for f in reports.BY_FIELDS if not (redacted and f == "name"))


def by_csv_text(rows, fields) -> str:
    from xuefen.io.tables import neutralise

    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=fields, lineterminator="\n")
    for row in rows:
        w.writerow({k: neutralise(v) for k, v in row.items()})
    return buf.getvalue()


def by_csv_item(t: dict, school: dict, *, fields, year: int) -> str:
    """:func:`write_by_csv`'s rows of one teacher's item."""
    from xuefen import reports

    return by_csv_text(reports.by_item_rows(t, year, "name" not in fields), fields)


def json_item(t: dict, school: dict) -> str:
    """A teacher's item as ``report --json`` prints it (before the document's indentation)."""
    return json_text(t)


#: what the table reads of a teacher's item (not the evaluation)
TABLE_KEYS = ("teacher", "name", "school", "region", "met", "status", "requirements", "cycle", "flags", "short")


def table_item(t: dict, school: dict) -> str:
    """What :func:`show_report` reads of a teacher's item, as compact JSON (spooled, read back)."""
    return json.dumps({k: t[k] for k in TABLE_KEYS if k in t}, ensure_ascii=False)


def write_json(spooled, out) -> None:
    """``report --json`` of a spooled report (:func:`xuefen.reports.spool_report`, rendering ``json`` with
    :func:`json_item`): byte for byte :func:`xuefen_cli.output.print_json` of the report dict — the keys
    before ``teachers``, then each teacher's item indented two levels, then the keys after it — but one
    item at a time."""
    before, after = spooled.stream.around()
    head = json_text(before)
    out.write(head[:-2])  # "{\n ...\n}" without its closing "\n}"
    out.write(',\n "teachers": ')
    first = True
    for text in spooled.texts("json"):
        out.write("[\n  " if first else ",\n  ")
        out.write(text.replace("\n", "\n  "))  # a JSON string holds no raw newline: only the layout's
        first = False
    out.write("[]" if first else "\n ]")
    out.write("," + json_text(after)[1:] + "\n")


class _SpooledItems:
    """The spooled teachers' table items, read back in order each time they are iterated."""

    def __init__(self, spooled):
        self.spooled = spooled

    def __iter__(self):
        return (json.loads(t) for t in self.spooled.texts("table"))


COMMANDS = [status_cmd, report_cmd]
