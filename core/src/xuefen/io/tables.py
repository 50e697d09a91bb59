"""CSV and XLSX tables (docs/formats.md §3): reading rows with their line numbers, writing safe exports.

Reading gives ``(line, {field: text-or-cell-value})`` pairs: a header row of
field names, then one record per row; blank rows are skipped; CSV must be
UTF-8 (a BOM, as Excel writes it, is accepted). XLSX is read with openpyxl in
read-only mode, first sheet.

Writing neutralises formula injection: a text cell that starts with ``=``,
``+``, ``-``, ``@`` (or a tab/carriage return) gets a leading ``'`` so a
spreadsheet shows it as text instead of running it; plain numbers such as
``-8`` or ``+7.5`` are left alone.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import re
from decimal import Decimal
from pathlib import Path
from typing import Any, Iterable, Iterator, Sequence

from xuefen.errors import InputError
from xuefen.model import dec_str

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?\d+(\.\d+)?\Z")
SUFFIXES = {".csv": "csv", ".xlsx": "xlsx", ".xlsm": "xlsx"}


def table_format(path: str | Path) -> str:
    """``csv`` or ``xlsx`` from the file name."""
    fmt = SUFFIXES.get(Path(path).suffix.lower())
    if fmt is None:
        raise InputError(f"{path}: not a .csv or .xlsx file")
    return fmt


class Table:
    """A table read from a file: its header and its records, each with the line it starts on."""

    def __init__(self, path: Path, header: list[str], rows: list[tuple[int, dict]]):
        self.path = path
        self.header = header
        self.rows = rows

    def __len__(self) -> int:
        return len(self.rows)


def read_table(path: str | Path) -> Table:
    """Read a CSV or XLSX table; problems name ``FILE:LINE``.

    :raises InputError: the file cannot be read, is not UTF-8, has no header, or
        repeats a column.
    """
    p = Path(path)
    fmt = table_format(p)
    if not p.is_file():
        raise InputError(f"{p}: no such file")
    header, rows = _read_csv(p) if fmt == "csv" else _read_xlsx(p)
    header = [h.strip() if isinstance(h, str) else ("" if h is None else str(h)) for h in header]
    if not any(header):
        raise InputError(f"{p}:1: the first row must name the fields (FORMATS.md §3)")
    problems = []
    seen = set()
    for h in header:
        if h and h in seen:
            problems.append(f"{p}:1: {h}: the column appears twice")
        seen.add(h)
    if problems:
        raise InputError(problems)
    records = []
    for line, cells in rows:
        if all(_blank(c) for c in cells):
            continue
        rec = {}
        for i, value in enumerate(cells):
            name = header[i] if i < len(header) else ""
            if not name:
                if not _blank(value):
                    problems.append(f"{p}:{line}: column {i + 1}: a value under no field name")
                continue
            if isinstance(value, str) and "\x00" in value:  # PostgreSQL text cannot hold it; no field needs it
                problems.append(f"{p}:{line}: {name}: contains a NUL character (\\x00); remove it")
                continue
            rec[name] = value
        records.append((line, rec))
    if problems:
        raise InputError(problems)
    return Table(p, header, records)


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _read_csv(p: Path) -> tuple[list, list[tuple[int, list]]]:
    try:
        raw = p.read_bytes()
    except OSError as exc:
        raise InputError(f"{p}: cannot read: {exc.strerror}") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        guess = ""
        try:
            raw.decode("gb18030")
            guess = " (it looks like GBK/GB18030, as Excel saves CSV on Chinese Windows)"
        except UnicodeDecodeError:
            pass
        raise InputError(f"{p}:{line}: the file is not UTF-8{guess}; save it as UTF-8 "
                         f"(Excel: Save As → \"CSV UTF-8\") and import it again") from None
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader, None)
        if header is None:
            raise InputError(f"{p}:1: the file is empty; the first row must name the fields")
        rows = []
        start = reader.line_num + 1
        for cells in reader:
            rows.append((start, cells))
            start = reader.line_num + 1
    except csv.Error as exc:
        raise InputError(f"{p}:{reader.line_num}: not valid CSV: {exc}") from None
    return header, rows


def _read_xlsx(p: Path) -> tuple[list, list[tuple[int, list]]]:
    import zipfile

    from openpyxl import load_workbook
    try:
        wb = load_workbook(p, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise InputError(f"{p}: not a readable .xlsx workbook ({exc})") from None
    try:
        ws = wb.worksheets[0]
        it = ws.iter_rows(values_only=True)
        header = next(it, None)
        if header is None:
            raise InputError(f"{p}:1: the sheet is empty; the first row must name the fields")
        rows = [(n, list(cells)) for n, cells in enumerate(it, 2)]
    finally:
        wb.close()
    return list(header), rows


# -- writing -------------------------------------------------------------------


def neutralise(value: Any) -> Any:
    """A cell value safe to open in a spreadsheet: text that could start a formula gets a leading ``'``."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES) and not _PLAIN_NUMBER.match(value):
        return "'" + value
    return value


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return dec_str(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, (list, tuple, dict)):
        import json
        return json.dumps(value, ensure_ascii=False, default=str)
    return str(value)


def write_csv(path: str | Path, header: Sequence[str], rows: Iterable[Sequence[Any] | dict], *,
              bom: bool = True) -> int:
    """Write a UTF-8 CSV (with a BOM by default, so Excel reads it as UTF-8); returns the row count."""
    n = 0
    with open(path, "w", encoding="utf-8-sig" if bom else "utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow([neutralise(h) for h in header])
        for row in rows:
            cells = [row.get(h) for h in header] if isinstance(row, dict) else row
            w.writerow([neutralise(_text(c)) for c in cells])
            n += 1
    return n


def write_xlsx(path: str | Path, header: Sequence[str], rows: Iterable[Sequence[Any] | dict], *,
               title: str = "xuefen") -> int:
    """Write an XLSX workbook (openpyxl write-only); amounts as numbers, text neutralised."""
    from openpyxl import Workbook
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title=title[:31])
    ws.append([neutralise(h) for h in header])
    n = 0
    for row in rows:
        cells = [row.get(h) for h in header] if isinstance(row, dict) else row
        ws.append([_cell(c) for c in cells])
        n += 1
    wb.save(path)
    return n


def _cell(value: Any) -> Any:
    if value is None or isinstance(value, (bool, int, Decimal, dt.date, dt.datetime)):
        return value
    return neutralise(_text(value))


def write_table(path: str | Path, header: Sequence[str], rows: Iterable[Sequence[Any] | dict]) -> int:
    """Write CSV or XLSX, by the file name."""
    return (write_csv if table_format(path) == "csv" else write_xlsx)(path, header, rows)


def iter_dicts(table: Table) -> Iterator[tuple[int, dict]]:
    yield from table.rows
