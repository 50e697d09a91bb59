"""Writing a report or a template to an XLSX file for the CLI: the path checked, the result told."""
from __future__ import annotations

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
    from xuefen.io.report_xlsx import write_report_xlsx

    p = checked_output(path, what="--xlsx")
    teachers = [t for t in report["teachers"] if is_short(t)] if short_only else None
    try:
        done = write_report_xlsx(report, p, lang=lang, teachers=teachers)
    except OSError as exc:
        raise InputError(f"--xlsx: {path}: cannot write: {exc.strerror}") from None
    click.echo(f"wrote {p}: {len(done['sheets'])} sheets ({', '.join(done['sheets'])}), {done['rows']} rows")
