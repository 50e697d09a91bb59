"""CSV and XLSX tables (docs/formats.md §3): reading rows with their line numbers, writing safe exports.

Reading gives ``(line, {field: text-or-cell-value})`` pairs: a header row of
field names, then one record per row; blank rows are skipped; CSV must be
UTF-8 (a BOM, as Excel writes it, is accepted). XLSX is read with openpyxl in
read-only mode, first sheet, and every problem names the file, the sheet and
the cell (``FILE:SHEET!C7: field: problem``; :meth:`Table.where`). An XLSX cell
is taken as the spreadsheet typed it, never converted behind the user's back:
a number, date or true/false cell under an id column (:data:`xuefen.io.fields.ID_FIELDS`)
is refused ("format the column as text": Excel keeps 15 digits, so an 18-digit
身份证号 typed as a number is already wrong in the file), and so is a formula
cell without a saved value (a file written by a program and never opened in a
spreadsheet) and an error cell (``#REF!``, ``#N/A``).

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
    """A table read from a file: its header and its records, each with the line it starts on.

    ``sheet`` is the worksheet read (an XLSX), None for a CSV.
    """

    def __init__(self, path: Path, header: list[str], rows, sheet: str | None = None):
        self.path = path
        self.header = header
        self.rows = rows  #: a list, or a :class:`StreamedRows` (read_table(stream=True))
        self.sheet = sheet

    def __len__(self) -> int:
        return len(self.rows)

    def where(self, line: int, field: str | None = None) -> str:
        """Where a problem is: ``FILE:LINE`` for a CSV; for an XLSX ``FILE:SHEET!CELL`` (the field's cell on
        that row) or, with no field or one the header lacks, ``FILE:SHEET!LINE:LINE`` (the row)."""
        return _where(self.path, self.sheet, self.header, line, field)

    def locate(self, problems: list[str]) -> list[str]:
        """Problems written as ``f"{FILE:LINE}: field: ..."`` (the importer's form), each with the sheet and
        the field's cell of an XLSX: ``FILE:SHEET!C7: field: ...``. A CSV's are returned as they are."""
        if self.sheet is None:
            return problems
        prefix = f"{self.path}:"
        out = []
        for p in problems:
            m = _LINE_FIELD.match(p, len(prefix)) if p.startswith(prefix) else None
            out.append(p if m is None else f"{self.where(int(m[1]), m[2])}{p[len(prefix) + len(m[1]):]}")
        return out


_LINE_FIELD = re.compile(r"(\d+): ([^:]+):")


def sheet_ref(sheet: str) -> str:
    """A sheet's name as a spreadsheet writes it in a reference: quoted unless a plain word."""
    return sheet if re.fullmatch(r"\w+", sheet) else "'" + sheet.replace("'", "''") + "'"


def _where(path, sheet: str | None, header: Sequence[str], line: int, field: str | None = None) -> str:
    if sheet is None:
        return f"{path}:{line}"
    from openpyxl.utils import get_column_letter
    if field is not None and field in header:
        return f"{path}:{sheet_ref(sheet)}!{get_column_letter(list(header).index(field) + 1)}{line}"
    return f"{path}:{sheet_ref(sheet)}!{line}:{line}"


def read_table(path: str | Path, *, stream: bool = False) -> Table:
    """Read a CSV or XLSX table; problems name ``FILE:LINE``.

    ``stream``: a CSV's records are not held: the file is read once here, with every check below, to count
    them, and read again each time ``Table.rows`` is iterated (:class:`StreamedRows`), so a province's file
    costs memory of one record at a time. An XLSX is read whole either way (a sheet holds at most
    1,048,576 rows).

    :raises InputError: the file cannot be read, is not UTF-8, has no header, or
        repeats a column.
    """
    p = Path(path)
    fmt = table_format(p)
    if not p.is_file():
        raise InputError(f"{p}: no such file")
    sheet, problems = None, []
    try:
        if fmt == "csv":
            header, rows = _read_csv(p)
        else:
            header, rows, sheet, problems = _read_xlsx(p)
    except MemoryError:  # a last resort: the limits above are meant to refuse such a file before this
        raise InputError(f"{p}: too large to read in memory; split it into smaller files") from None
    header = _checked_header(p, sheet, header, problems)
    if stream and fmt == "csv":
        stamp = _stamp(p)
        count = sum(1 for _ in _records(p, sheet, header, rows, problems))
        if problems:
            raise InputError(problems)
        return Table(p, header, StreamedRows(p, header, count, stamp), sheet)
    try:
        records = list(_records(p, sheet, header, rows, problems))
    except MemoryError:
        raise InputError(f"{p}: too large to read in memory; split it into smaller files") from None
    if problems:
        raise InputError(problems)
    return Table(p, header, records, sheet)


class StreamedRows:
    """A CSV's records, read from the file each time they are iterated (``read_table(stream=True)``): the
    ``(line, record)`` pairs a list would hold, with its length. The file was checked whole when it was
    opened; a file changed since (size or modification time) is refused rather than read half old, half new.
    """

    def __init__(self, path: Path, header: list[str], count: int, stamp: tuple):
        self.path, self.header, self.count, self.stamp = path, header, count, stamp

    def __len__(self) -> int:
        return self.count

    def __iter__(self) -> Iterator[tuple[int, dict]]:
        if _stamp(self.path) != self.stamp:
            raise InputError(f"{self.path}: the file changed while it was being imported; import it again")
        problems: list[str] = []
        _, rows = _read_csv(self.path)
        n = 0
        for n, item in enumerate(_records(self.path, None, self.header, rows, problems), 1):
            yield item
        if problems or n != self.count:
            raise InputError(f"{self.path}: the file changed while it was being imported; import it again")


def _stamp(p: Path) -> tuple:
    st = p.stat()
    return st.st_size, st.st_mtime_ns


def _checked_header(p: Path, sheet: str | None, header: list, problems: list[str]) -> list[str]:
    header = [h.strip() if isinstance(h, str) else ("" if h is None else str(h)) for h in header]
    if not any(header):
        raise InputError(f"{_where(p, sheet, header, 1)}: the first row must name the fields (FORMATS.md §3)")
    seen = set()
    for h in header:
        if len(h) > MAX_CELL_CHARS:
            raise InputError(f"{_where(p, sheet, header, 1)}: a field name of {len(h)} characters; at most "
                             f"{MAX_CELL_CHARS}")
        if h and h in seen:
            problems.append(f"{_where(p, sheet, header, 1, h)}: {h}: the column appears twice")
        seen.add(h)
    if problems:
        raise InputError(problems)
    return header


def _records(p: Path, sheet: str | None, header: list[str], rows: Iterable, problems: list[str]
             ) -> Iterator[tuple[int, dict]]:
    """``(line, {field: value})`` of each non-blank row; each bad cell is added to ``problems``."""
    def at(line: int, field: str | None = None) -> str:
        return _where(p, sheet, header, line, field)

    width = len(header)
    simple = sheet is None and all(header)  # a CSV with every column named: most rows take the fast path
    for line, cells in rows:
        if sheet is None:  # a CSV's cells are text
            joined = "".join(cells)
            if not joined.strip():
                continue
            if simple and len(cells) <= width and len(joined) <= MAX_CELL_CHARS and "\x00" not in joined:
                yield line, dict(zip(header, cells))  # no cell can break a rule below
                continue
        elif all(_blank(c) for c in cells):
            continue
        rec = {}
        for i, value in enumerate(cells):
            name = header[i] if i < width else ""
            if not name:
                if not _blank(value):
                    cell = f"{at(line)}" if sheet is None else f"{p}:{sheet_ref(sheet)}!{_letter(i)}{line}"
                    problems.append(f"{cell}: column {i + 1}: a value under no field name")
                continue
            if isinstance(value, str) and ("\x00" in value or len(value) > MAX_CELL_CHARS):
                if "\x00" in value:  # PostgreSQL text cannot hold it; no field needs it
                    problems.append(f"{at(line, name)}: {name}: contains a NUL character (\\x00); remove it")
                else:
                    problems.append(f"{at(line, name)}: {name}: the cell holds {len(value)} characters; a cell "
                                    f"holds at most {MAX_CELL_CHARS}")
                continue
            rec[name] = value
        yield line, rec


def _letter(i: int) -> str:
    from openpyxl.utils import get_column_letter
    return get_column_letter(i + 1)


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


def _read_csv(p: Path) -> tuple[list, Iterator[tuple[int, list]]]:
    """The header and an iterator of ``(line, cells)``: the file is read as it is iterated, never whole."""
    try:
        size = p.stat().st_size
        if size > MAX_FILE_BYTES:
            raise _too_big(p, size)
        fh = open(p, encoding="utf-8-sig", newline="")
    except OSError as exc:
        raise InputError(f"{p}: cannot read: {exc.strerror}") from None
    reader = csv.reader(fh)
    try:
        header = _csv_step(p, fh, reader, lambda: next(reader, None))
    except BaseException:
        fh.close()
        raise
    if header is None:
        fh.close()
        raise InputError(f"{p}:1: the file is empty; the first row must name the fields")
    if (problem := _too_many(p, None, len(header), ":1")) is not None:
        fh.close()
        raise problem
    return header, _csv_rows(p, fh, reader)


def _csv_rows(p: Path, fh, reader) -> Iterator[tuple[int, list]]:
    with fh:
        n = 0
        start = reader.line_num + 1
        while True:
            cells = _csv_step(p, fh, reader, lambda: next(reader, None))
            if cells is None:
                return
            if len(cells) > MAX_COLUMNS and any(not _blank(c) for c in cells[MAX_COLUMNS:]):
                raise _too_many(p, None, len(cells), f":{start}")
            n += 1
            if n > MAX_ROWS:
                raise _too_many(p, n, None)
            yield start, cells[:MAX_COLUMNS]
            start = reader.line_num + 1


def _csv_step(p: Path, fh, reader, step):
    """One step of the csv reader, its errors as the user's: not UTF-8 (naming the line), not CSV."""
    try:
        return step()
    except UnicodeDecodeError:
        raise _not_utf8(p) from None
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):  # the csv module's own limit, far above ours
            raise InputError(f"{p}:{reader.line_num}: a cell holds more than {csv.field_size_limit():,} "
                             f"characters; a cell holds at most {MAX_CELL_CHARS}") from None
        raise InputError(f"{p}:{reader.line_num}: not valid CSV: {exc}") from None


def _not_utf8(p: Path) -> InputError:
    """The problem of a file that is not UTF-8, naming the line of its first bad byte and, if it decodes so,
    that it looks like GBK (read again as bytes: this is the error path only)."""
    raw = p.read_bytes()
    try:
        raw.decode("utf-8-sig")
        line = 1
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
    guess = ""
    try:
        raw.decode("gb18030")
        guess = " (it looks like GBK/GB18030, as Excel saves CSV on Chinese Windows)"
    except UnicodeDecodeError:
        pass
    return InputError(f"{p}:{line}: the file is not UTF-8{guess}; save it as UTF-8 "
                      f"(Excel: Save As → \"CSV UTF-8\") and import it again")


def _read_xlsx(p: Path) -> tuple[list, list[tuple[int, list]], str, list[str]]:
    """The first sheet's header and rows, its title, and the problems of its cells (typed as the sheet
    holds them: see the module's docstring)."""
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
        rows: list = []
        problems: list[str] = []
        header = None
        n = 1
        try:
            for n, cells in _sheet_rows(p, ws):
                if header is None:
                    if n != 1:
                        raise InputError(f"{p}:{sheet_ref(ws.title)}!1:1: the first row is empty; it must name "
                                         f"the fields")
                    header = _within_columns(p, 1, [c[0] for c in cells], where)
                    names = [h.strip() if isinstance(h, str) else h for h in header]
                    ids = {i for i, h in enumerate(names) if h in _id_fields()}
                    continue
                if n - 1 > MAX_ROWS:
                    raise _too_many(p, n - 1, None, where)
                values = _within_columns(p, n, [c[0] for c in cells], where)
                for i, (value, kind, formula) in enumerate(cells[:len(values)]):
                    why = _cell_problem(value, kind, formula, i in ids)
                    if why:
                        name = names[i] if i < len(names) and names[i] else f"column {i + 1}"
                        problems.append(f"{p}:{sheet_ref(ws.title)}!{_letter(i)}{n}: {name}: {why}")
                        values[i] = None
                rows.append((n, values))
            if header is None:
                raise InputError(f"{p}:{sheet_ref(ws.title)}!1:1: the sheet is empty; the first row must name "
                                 f"the fields")
        except unreadable as exc:
            raise InputError(f"{p}:{sheet_ref(ws.title)}!{n}:{n}: not a readable .xlsx worksheet ({exc})") from None
        title = ws.title
    finally:
        wb.close()
    return header, rows, title, problems


def _id_fields() -> frozenset:
    from xuefen.io.fields import ID_FIELDS
    return ID_FIELDS


#: what a cell that is not text is called in a problem
_CELL_KINDS = {"n": "a number", "d": "a date", "b": "a true/false value"}


def _cell_problem(value: Any, kind: str, formula: str | None, is_id: bool) -> str | None:
    """Why a cell is refused as the sheet holds it, or None."""
    if kind == "unsaved":
        return (f"a formula ({_cut(formula)}) with no saved value: open the file in a spreadsheet so it "
                f"calculates, save it, and import it again (or type the value)")
    if kind == "e":
        return f"an error value ({value}) in the cell; correct it in the spreadsheet"
    if is_id and value is not None and kind in _CELL_KINDS:
        shown = (f"{value:.15g}" if isinstance(value, float) else
                 value.isoformat() if isinstance(value, (dt.date, dt.datetime)) else
                 str(value).upper() if isinstance(value, bool) else str(value))
        return f"{_CELL_KINDS[kind]} ({shown}) — format the column as text"
    return None


def _cut(text: str | None, keep: int = 60) -> str:
    text = text or "="
    return text if len(text) <= keep else text[:keep] + "…"


def _sheet_rows(p: Path, ws) -> Iterator[tuple[int, list[tuple[Any, str, str | None]]]]:
    """Each row the sheet holds, as it holds it: ``(line, [(value, type, formula), …])`` with a cell's cached
    value (a formula's saved result), its type (``s`` text, ``n`` number, ``d`` date, ``b`` true/false, ``e``
    an error, ``unsaved`` a formula with no saved value) and the formula's text if it has one. Rows the
    sheet skips are left out; cells it skips are blank (None)."""
    from openpyxl.worksheet._reader import FORMULA_TAG, VALUE_TAG, WorkSheetParser

    class Parser(WorkSheetParser):  # data_only, but a formula without <v> is told apart from an empty cell
        def parse_cell(self, element):
            cell = super().parse_cell(element)
            f = element.find(FORMULA_TAG)
            cell["formula"] = None if f is None else "=" + (f.text or "")
            # no saved value: no <v>, or an empty one that is not an empty text result (t="str"); openpyxl
            # and other writers that never calculate write <v/>
            saved = element.findtext(VALUE_TAG)
            if f is not None and not saved and element.get("t") not in ("str", "inlineStr"):
                cell["data_type"] = "unsaved"
            return cell

    wb = ws.parent
    with ws._get_source() as src:
        parser = Parser(src, ws._shared_strings, data_only=True, epoch=wb.epoch, date_formats=wb._date_formats,
                        timedelta_formats=wb._timedelta_formats)
        for line, cells in parser.parse():
            if not cells:
                continue
            width = max(c["column"] for c in cells)
            if width > MAX_COLUMNS and any(c["column"] > MAX_COLUMNS and not _blank(c["value"]) for c in cells):
                raise _too_many(p, None, width, f" sheet {ws.title!r} row {line}")
            row: list = [(None, "n", None)] * min(width, MAX_COLUMNS)
            for c in cells:
                if c["column"] <= MAX_COLUMNS:
                    value = c["value"]
                    row[c["column"] - 1] = (value, c["data_type"], c["formula"])
            yield line, row


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
    """Write an XLSX workbook (openpyxl write-only) as Excel users expect it: the header row bold and
    frozen, column widths fitted to the header and the first rows, amounts (Decimal) as number cells
    with a format showing their places, text (ids included) as text cells (format ``@``, so an 18-digit
    id stays digits), text that would start a formula neutralised."""
    import itertools

    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title=title[:31])
    it = iter(rows)
    first = list(itertools.islice(it, WIDTH_SAMPLE))
    cells_of = lambda row: [row.get(h) for h in header] if isinstance(row, dict) else row  # noqa: E731
    widths = [_width(h) for h in header]
    for row in first:
        for i, c in enumerate(cells_of(row)[:len(widths)]):
            widths[i] = max(widths[i], _width(_text(c)))
    for i, w in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(i)].width = min(max(w + 2, 6), 60)
    ws.freeze_panes = "A2"
    bold = Font(bold=True)

    def head(h):
        c = WriteOnlyCell(ws, value=neutralise(h))
        c.font = bold
        return c
    n = 0
    try:
        ws.append([head(h) for h in header])
        for row in itertools.chain(first, it):
            ws.append([_typed_cell(ws, c) for c in cells_of(row)])
            n += 1
    except BaseException:  # e.g. openpyxl's IllegalCharacterError: close the sheet's writer, then tell
        try:
            ws.close()
        except Exception:
            pass
        raise
    wb.save(path)
    return n


#: rows of a table :func:`write_xlsx` measures for its column widths
WIDTH_SAMPLE = 500


def _width(text: str) -> int:
    import unicodedata
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in str(text))


def _typed_cell(ws, value: Any):
    from openpyxl.cell import WriteOnlyCell
    value = _cell(value)
    cell = WriteOnlyCell(ws, value=value)
    if isinstance(value, str):
        cell.number_format = "@"
    elif isinstance(value, Decimal) and value.is_finite():
        exp = value.normalize().as_tuple().exponent
        places = -exp if isinstance(exp, int) and exp < 0 else 0
        cell.number_format = "#,##0" + ("." + "0" * places if places else "")
    return cell


def _cell(value: Any) -> Any:
    if value is None or isinstance(value, (bool, int, Decimal, dt.date, dt.datetime)):
        return value
    return neutralise(_text(value))


def write_table(path: str | Path, header: Sequence[str], rows: Iterable[Sequence[Any] | dict]) -> int:
    """Write CSV or XLSX, by the file name."""
    return (write_csv if table_format(path) == "csv" else write_xlsx)(path, header, rows)


def iter_dicts(table: Table) -> Iterator[tuple[int, dict]]:
    yield from table.rows
