"""``xuefen shortfalls --org ID [--as-of DATE]``: who will miss the year or the cycle, by when, by how much.

The notices are the core's use case (:mod:`xuefen.shortfalls`); this module renders them: a table
(Chinese by default, ``--lang en`` for English, 80 columns wide), CSV, XLSX or JSON.
"""
from __future__ import annotations

import datetime as dt
import io
import sys

import click

from xuefen.errors import InputError

LANG_HELP = "Language of the notices: zh (中文, the default) or en."


def lang_option(fn):
    return click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True,
                        help=LANG_HELP)(fn)


def _day(value: str | None) -> dt.date:
    if value is None:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise InputError(f"--as-of: {value!r} is not a date (YYYY-MM-DD)") from None


def _days(n: dict, lang: str) -> str:
    d = n["days_left"]
    if d < 0:
        return f"逾期{-d}天" if lang == "zh" else f"{-d} d overdue"
    return f"{d}天" if lang == "zh" else f"{d} d"


def show(result: dict, lang: str, out=None) -> None:
    """The notices as a table that fits 80 columns: one row per notice, its requirements inside it."""
    from rich.table import Table
    from rich.text import Text

    from xuefen import labels as L
    from xuefen_cli.output import console

    c = out or console()
    t = L.term
    n_short = result["short_teachers"]
    if lang == "zh":
        head = (f"{result['name']}（{result['org']}）{t('shortfall_notice', lang)} · {t('as_of', lang)} "
                f"{result['as_of']} · {result['teachers']} 名教师，{n_short} 名有缺口")
    else:
        head = (f"{result['name']} ({result['org']}) {t('shortfall_notice', lang)} · {t('as_of', lang)} "
                f"{result['as_of']} · {result['teachers']} teachers, {n_short} short")
    c.print(Text(head, style="bold"))
    if not result["shortfalls"]:
        c.print(Text(t("no_shortfall", lang), style="green"))
        return
    table = Table(show_edge=False, pad_edge=False, expand=False, show_lines=True)
    table.add_column(t("days_left", lang), justify="right", no_wrap=True)
    table.add_column(t("deadline", lang), overflow="fold")
    table.add_column(t("teacher", lang), overflow="fold")
    table.add_column(t("period", lang), overflow="fold")
    table.add_column(t("short", lang), justify="right")
    for n in result["shortfalls"]:
        days = Text(_days(n, lang), style="bold red" if n["days_left"] < 31 else "yellow")
        dl = n["deadline"]
        deadline = f"{dl['date']}\n{dl['rule']} {dl['article']}"
        who = f"{n['teacher']} {n.get('name') or ''}".strip() + f"\n[dim]{n['school_name']}[/]"
        period = (f"{n['year']}{t('year', lang) if lang == 'zh' else ''}" if n["period"] == "year"
                  else f"{t('cycle', lang)} {n['start'][:4]}–{n['end'][:4]}")
        needs = "\n".join(f"{q['rule']} {q['labels'][lang]}" for q in n["requirements"])
        amounts = "\n".join(f"{q['short']} {L.unit_label(q['unit'], lang)}" for q in n["requirements"])
        table.add_row(days, deadline, who, f"{period}\n{needs}", f"\n{amounts}")
    c.print(table)


XLSX_HEADERS = {
    "teacher": ("教师编号", "teacher"), "name": ("姓名", "name"), "school": ("学校编号", "school"),
    "school_name": ("学校", "school name"), "region": ("地区", "region"), "period": ("期间", "period"),
    "start": ("开始", "start"), "end": ("结束", "end"), "deadline": ("截止日期", "deadline"),
    "deadline_rule": ("截止依据", "deadline rule"), "deadline_article": ("截止条款", "deadline article"),
    "days_left": ("剩余天数", "days left"), "rule": ("规则", "rule"), "article": ("条款", "article"),
    "requirement": ("要求", "requirement"), "unit": ("单位", "unit"), "required": ("应修", "required"),
    "counted": ("已计", "counted"), "short": ("尚缺", "short"),
}


def write_xlsx(result: dict, path: str, lang: str) -> int:
    """One sheet, a header row in ``lang``, one row per notice and requirement (amounts as numbers)."""
    from xuefen import labels as L
    from xuefen.io.tables import write_xlsx as write
    from xuefen.shortfalls import FIELDS, table_rows

    header = [XLSX_HEADERS[f][0 if lang == "zh" else 1] for f in FIELDS]
    rows = []
    for r in table_rows(result, lang):
        r = dict(r)
        r["unit"] = L.unit_label(r["unit"], lang)
        rows.append([r[f] for f in FIELDS])
    return write(path, header, rows, title=L.term("shortfalls", lang))


@click.command("shortfalls")
@click.option("--org", "org_id", required=True, help="Org unit (单位) id: every teacher at or below it.")
@click.option("--as-of", "as_of", metavar="DATE", default=None,
              help="The day the notices are made on (截至日期; default: today): approved claims up to it count.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON (docs/formats.md, shortfalls).")
@click.option("--csv", "as_csv", is_flag=True, help="Print CSV: one row per teacher, period and requirement.")
@click.option("--xlsx", "xlsx", metavar="FILE.xlsx", default=None,
              help="Write the same rows to an XLSX workbook, headers in --lang.")
@lang_option
@click.pass_context
def shortfalls_cmd(ctx, org_id, as_of, as_json, as_csv, xlsx, lang):
    """Shortfall notices (学时缺口提醒): the teachers (教师) under an org unit who will miss the year's
    (年度) or the cycle's (周期) required hours (学时) or credits (学分) if nothing changes, what each
    still needs by requirement and rule (规则), the region's deadline (截止日期: Kunming's 31 October
    filing, K-A2; the cycle's end; Zhengzhou's 2018-12-31 paper-path date, Z-T2) and the days left
    (剩余天数). Sorted by urgency: fewest days left, then most missing."""
    from xuefen import shortfalls
    from xuefen.store import open_engine

    if sum(map(bool, (as_json, as_csv, xlsx))) > 1:
        raise InputError("shortfalls: --json, --csv and --xlsx exclude each other")
    if xlsx is not None and not xlsx.lower().endswith(".xlsx"):
        raise InputError(f"--xlsx: {xlsx}: the file name must end in .xlsx")
    day = _day(as_of)
    engine = open_engine(ctx.obj["db_url"])
    with engine.begin() as conn:
        result = shortfalls.build_shortfalls(conn, org_id, day)
    if as_json:
        from xuefen_cli.output import print_json
        print_json(result)
    elif as_csv:
        import csv

        from xuefen.io.tables import neutralise
        from xuefen.model import dec_str

        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(shortfalls.FIELDS)
        for r in shortfalls.table_rows(result, lang):
            w.writerow([neutralise(dec_str(v) if hasattr(v, "as_tuple") else str(v)) for v in
                        (r[f] for f in shortfalls.FIELDS)])
        sys.stdout.write("\ufeff" + buf.getvalue())  # the BOM: Excel reads it as UTF-8
    elif xlsx is not None:
        n = write_xlsx(result, xlsx, lang)
        click.echo(f"{xlsx}: {n} rows" if lang == "en" else f"{xlsx}：{n} 行")
    else:
        show(result, lang)


COMMANDS = [shortfalls_cmd]
