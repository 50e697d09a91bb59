"""Writing a report or a template to an XLSX file for the CLI: the path checked, the result told.

``report --xlsx`` writes a spooled report (:func:`xuefen.reports.spool_report`, each listed teacher's item
rendered by :func:`xlsx_item`), streamed (:func:`xuefen.io.report_xlsx.write_workbook`): the workbook
:func:`write_report` writes from the report dict, in memory bounded by a batch of schools.
"""
from __future__ import annotations

import json
from pathlib import Path

import click

from xuefen.errors import InputError


def checked_output(path: str, *, what: str) -> Path:
    """``path`` as an output file: an .xlsx, in a folder that exists, not a symbolic link nor a folder."""
    p = Path(path)
    if p.suffix.lower() != ".xlsx":
        raise InputError(f"{what}: {path}: the file name must end in .xlsx")
    if p.is_symlink():
        raise InputError(f"{what}: {path}: is a symbolic link; a workbook is never written through one")
    if p.is_dir():
        raise InputError(f"{what}: {path}: is a folder")
    if not (p.parent if str(p.parent) else Path(".")).is_dir():
        raise InputError(f"{what}: {path}: the folder {p.parent} does not exist")
    return p


def is_short(item: dict) -> bool:
    """Short of the year's minimums, or, with none this year, of the cycle's (as ``report --short-only``)."""
    if item["requirements"]:
        return not item["met"]
    return bool(item.get("cycle")) and not item["cycle"]["met"]


def write_report(report: dict, path: str, *, lang: str, short_only: bool = False) -> None:
    """``report`` (a report dict) to ``path``; ``short_only``: the school sheets list the short teachers."""
    from xuefen.io.report_xlsx import write_report_xlsx

    p = checked_output(path, what="--xlsx")
    teachers = [t for t in report["teachers"] if is_short(t)] if short_only else None
    _written(p, path, lambda: write_report_xlsx(report, p, lang=lang, teachers=teachers))


#: what the workbook reads of a teacher's item (not the evaluation)
XLSX_KEYS = ("teacher", "name", "school", "region", "met", "requirements", "cycle", "short")


def xlsx_item(t: dict, school: dict) -> str:
    """What the workbook reads of a teacher's item, as compact JSON (spooled, read back by :func:`items_of`)."""
    return json.dumps({k: t[k] for k in XLSX_KEYS if k in t}, ensure_ascii=False, separators=(",", ":"),
                      default=str)


def write_spooled(spooled, path: str, *, lang: str, short_only: bool = False) -> None:
    """A spooled report (rendering ``xlsx`` with :func:`xlsx_item`) to ``path``: :func:`write_report`'s
    workbook, streamed — the spool read once in the report's order, then school by school."""
    from xuefen.io.report_xlsx import write_workbook

    p = checked_output(path, what="--xlsx")
    before, after = spooled.stream.around()
    head = {**before, **after}

    def items(school=None):
        return (json.loads(text) for text in spooled.texts("xlsx", school))

    def school_items(sid):
        return (t for t in items(sid) if is_short(t)) if short_only else items(sid)

    sheet_items = (lambda: (t for t in items() if is_short(t))) if short_only else None
    _written(p, path, lambda: write_workbook(head, p, lang=lang, items=items, school_items=school_items,
                                             sheet_items=sheet_items))


def _written(p: Path, path: str, write) -> None:
    try:
        done = write()
    except OSError as exc:
        raise InputError(f"--xlsx: {path}: cannot write: {exc.strerror}") from None
    click.echo(f"wrote {p}: {len(done['sheets'])} sheets ({', '.join(done['sheets'])}), {done['rows']} rows")
