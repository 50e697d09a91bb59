"""``xuefen evaluate CASE.json``: the pure computation, no database."""
from __future__ import annotations

import click
from rich.table import Table

from xuefen_cli.output import console, print_json


def _setting(ctx, param, values):
    out = {}
    for raw in values:
        name, eq, value = raw.partition("=")
        if not eq or not name.strip():
            raise click.BadParameter(f"{raw!r}: write NAME=VALUE (e.g. --set legacy_counts=false)")
        out[name.strip()] = value
    return out


@click.command("evaluate")
@click.argument("case_file", type=click.Path(dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print the evaluation as JSON (FORMATS.md §2).")
@click.option("--set", "overrides", multiple=True, callback=_setting, metavar="NAME=VALUE",
              help="Evaluate under another reading of a named setting (a what-if; `xuefen rules CODE` lists "
                   "them); repeatable, over the case's own \"settings\".")
def evaluate_cmd(case_file, as_json, overrides):
    """Evaluate one teacher's case (FORMATS.md §1) without touching a database."""
    from xuefen.evaluate import evaluate, with_settings
    from xuefen.io.case import read_case_file

    case = read_case_file(case_file)
    if overrides:
        case = with_settings(case, overrides, where="--set")
    ev = evaluate(case)
    if as_json:
        print_json(ev.as_json())
        return
    show_evaluation(ev)


def show_evaluation(ev) -> None:
    c = console()
    c.print(f"[bold]{ev.teacher}[/] — region {ev.region}, as of {ev.as_of}")
    t = Table("activity", "year", *ev.units, "rule", "article", "buckets", title="entries")
    data = ev.as_json()
    for e in data["entries"]:
        t.add_row(e["activity"], str(e["year"]), *[e[u] or "" for u in ev.units], e["rule"], e["article"],
                  ", ".join(e["buckets"]))
    c.print(t)
    if data["refused"]:
        t = Table("activity", "rule", "article", "reason", title="refused")
        for r in data["refused"]:
            t.add_row(r["activity"], r["rule"], r["article"], r["reason"])
        c.print(t)
    for y in data["years"]:
        _reqs(c, f"year {y['year']}: {_status(y)}", y["requirements"])
        for m in y.get("not_required", ()):
            c.print(f"  not required: {m['rule']} ({m['article']}): {m['reason']}")
    if data["cycle"]:
        cy = data["cycle"]
        _reqs(c, f"cycle {cy['start']} – {cy['end']}: {_status(cy)}", cy["requirements"])
    if data["certificate"]:
        cert = data["certificate"]
        c.print(f"certificate: {'eligible' if cert['eligible'] else 'not eligible'}, {cert['status']} "
                f"({cert['rule']}, {cert['article']}) {cert['reason']}")
    if data.get("settings"):
        c.print("settings differing from the defaults: "
                + ", ".join(f"{k}={v}" for k, v in sorted(data["settings"].items())))
    for tr in data["transitions"]:
        c.print(f"transition {tr['rule']} ({tr['article']}): {tr['decision']} {tr['detail']}")
    for w in data["warnings"]:
        c.print(f"[yellow]warning[/] {w['rule']} ({w['article']}): {w['message']}")
    for f in data["flags"]:
        c.print(f"[red]flag[/] {f['rule']} ({f['article']}): {f['message']}")


def _status(period) -> str:
    """A period's status as a line: ``short (C-V1: …)``."""
    s = period["status"]
    if period.get("status_rule"):
        s += f" ({period['status_rule']}: {period.get('status_reason', '')})"
    return s


def _reqs(c, title, reqs) -> None:
    t = Table("key", "article", "unit", "required/max", "earned", "counted", "status", "notes", title=title)
    for r in reqs:
        status = r["status"] if r["status"] != "short" else "SHORT"
        if r.get("status_rule"):
            status += f" ({r['status_rule']})"
        t.add_row(r["key"], r["article"], r["unit"], r.get("required") or f"≤ {r.get('maximum')}", r["earned"],
                  r["counted"], status, "; ".join(r["notes"]))
    c.print(t)


COMMANDS = [evaluate_cmd]
