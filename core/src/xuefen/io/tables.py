"""CSV and XLSX tables (docs/formats.md §3): reading rows with their line numbers, writing safe exports.

Reading gives ``(line, {field: text-or-cell-value})`` pairs: a header row of
field names, then one record per row; blank rows are skipped; CSV must be
UTF-8 (a BOM, as Excel writes it, is accepted). XLSX is read with openpyxl in
read-only mode, first sheet.

Limits, the same for both formats (docs/formats.md §3): a file of at most
:data:`MAX_FILE_BYTES` (an XLSX: uncompressed, summed over the archive, checked
before anything is unpacked), at most :data:`MAX_ROWS` rows after the header and
:data:`MAX_COLUMNS` columns (an XLSX's declared dimension is checked before its
rows are read, so a small file claiming cell ``XFD1048576`` is refused instead of
padded out to a billion cells), and at most :data:`MAX_CELL_CHARS` characters in
a cell.

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
#: largest table file, in bytes (an XLSX: the sum of its members' uncompressed sizes). A province's
#: 400,000 activities are about 60 MB of CSV
MAX_FILE_BYTES = 200 * 1024 * 1024
#: most records a table may have after its header row (a file is one transaction; split larger ones)
MAX_ROWS = 1_000_000
#: most columns a table may have: §3's widest table has about 40 fields, with a region's extras
MAX_COLUMNS = 200
#: longest cell, in characters: the longest field (a ``leave`` list) needs a few hundred
MAX_CELL_CHARS = 10_000


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
    try:
        header, rows = _read_csv(p) if fmt == "csv" else _read_xlsx(p)
    except MemoryError:  # a last resort: the limits above are meant to refuse such a file before this
        raise InputError(f"{p}: too large to read in memory; split it into smaller files") from None
    header = [h.strip() if isinstance(h, str) else ("" if h is None else str(h)) for h in header]
    if not any(header):
        raise InputError(f"{p}:1: the first row must name the fields (FORMATS.md §3)")
    problems = []
    seen = set()
    for h in header:
        if len(h) > MAX_CELL_CHARS:
            raise InputError(f"{p}:1: a field name of {len(h)} characters; at most {MAX_CELL_CHARS}")
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
            if isinstance(value, str) and len(value) > MAX_CELL_CHARS:
                problems.append(f"{p}:{line}: {name}: the cell holds {len(value)} characters; a cell holds at "
                                f"most {MAX_CELL_CHARS}")
                continue
            rec[name] = value
        records.append((line, rec))
    if problems:
        raise InputError(problems)
    return Table(p, header, records)


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _too_big(p: Path, size: int, what: str = "") -> InputError:
    return InputError(f"{p}: {what}{size:,} bytes; a table file may hold at most {MAX_FILE_BYTES:,} "
                      f"(split it into smaller files)")


def _too_many(p: Path, rows: int | None, columns: int | None, where: str = "") -> InputError | None:
    """The problem of a table with more than :data:`MAX_ROWS` records or :data:`MAX_COLUMNS` columns."""
    if rows is not None and rows > MAX_ROWS:
        return InputError(f"{p}{where}: {rows:,} rows after the header; a table may have at most {MAX_ROWS:,} "
                          f"(split it into smaller files)")
    if columns is not None and columns > MAX_COLUMNS:
        return InputError(f"{p}{where}: {columns:,} columns; a table may have at most {MAX_COLUMNS}")
    return None


def _read_csv(p: Path) -> tuple[list, list[tuple[int, list]]]:
    try:
        size = p.stat().st_size
        if size > MAX_FILE_BYTES:
            raise _too_big(p, size)
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
        if (problem := _too_many(p, None, len(header), ":1")) is not None:
            raise problem
        rows = []
        start = reader.line_num + 1
        for cells in reader:
            if len(cells) > MAX_COLUMNS and any(not _blank(c) for c in cells[MAX_COLUMNS:]):
                raise _too_many(p, None, len(cells), f":{start}")
            rows.append((start, cells[:MAX_COLUMNS]))
            if len(rows) > MAX_ROWS:
                raise _too_many(p, len(rows), None)
            start = reader.line_num + 1
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):  # the csv module's own limit, far above ours
            raise InputError(f"{p}:{reader.line_num}: a cell holds more than {csv.field_size_limit():,} "
                             f"characters; a cell holds at most {MAX_CELL_CHARS}") from None
        raise InputError(f"{p}:{reader.line_num}: not valid CSV: {exc}") from None
    return header, rows


def _read_xlsx(p: Path) -> tuple[list, list[tuple[int, list]]]:
    import zipfile

    from openpyxl import load_workbook
    unreadable = (zipfile.BadZipFile, zipfile.LargeZipFile, KeyError, OSError, ValueError, TypeError,
                  IndexError, EOFError, NotImplementedError, SyntaxError)  # SyntaxError: XML ParseError's base
    try:
        with zipfile.ZipFile(p) as zf:  # reads the central directory only: nothing is unpacked yet
            size = sum(i.file_size for i in zf.infolist())
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError) as exc:
        raise InputError(f"{p}: not a readable .xlsx workbook ({exc})") from None
    if size > MAX_FILE_BYTES:
        raise _too_big(p, size, "uncompressed, the workbook holds ")
    try:
        wb = load_workbook(p, read_only=True, data_only=True)
    except unreadable as exc:
        raise InputError(f"{p}: not a readable .xlsx workbook ({exc})") from None
    try:
        if not wb.worksheets:
            raise InputError(f"{p}: the workbook has no worksheet")
        ws = wb.worksheets[0]
        where = f" sheet {ws.title!r}"
        # the size the sheet declares (its <dimension ref="A1:…"/>): openpyxl pads every row out to it
        declared = (None if ws.max_row is None else ws.max_row - 1, ws.max_column)
        if (problem := _too_many(p, *declared, where)) is not None:
            raise problem
        ws.reset_dimensions()  # rows as the sheet holds them: no padding, and no cell past the claim dropped
        rows: list = []
        n = 1
        try:
            it = ws.iter_rows(values_only=True)
            header = next(it, None)
            if header is None:
                raise InputError(f"{p}:1: the sheet is empty; the first row must name the fields")
            header = _within_columns(p, 1, header, where)
            for n, cells in enumerate(it, 2):
                if n - 1 > MAX_ROWS:
                    raise _too_many(p, n - 1, None, where)
                if cells:  # a row the sheet skips comes as (): a blank row, left out as read_table would
                    rows.append((n, _within_columns(p, n, cells, where)))
        except unreadable as exc:
            raise InputError(f"{p}:{n}: not a readable .xlsx worksheet ({exc})") from None
    finally:
        wb.close()
    return header, rows


def _within_columns(p: Path, line: int, cells: Sequence, where: str) -> list:
    """The row's cells, at most :data:`MAX_COLUMNS` of them (blank cells past that are dropped)."""
    if len(cells) > MAX_COLUMNS:
        if any(not _blank(c) for c in cells[MAX_COLUMNS:]):
            raise _too_many(p, None, len(cells), f"{where} row {line}")
        cells = cells[:MAX_COLUMNS]
    return list(cells)


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
