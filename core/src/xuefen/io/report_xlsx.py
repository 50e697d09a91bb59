"""A report (:func:`xuefen.reports.build_report`, docs/formats.md's report JSON) as an XLSX workbook.

``xuefen report --xlsx FILE`` writes it. The workbook holds a summary sheet (one row per school and a
total, then each requirement's completion per school, with a bar chart of it), one sheet per school
(one row per teacher and requirement, as ``report --csv``), and one sheet per ``--by`` grouping.
Every sheet has its header row frozen, an autofilter and column widths fitted to what it holds.
Headers are Chinese by default (``lang="en"``: English; :mod:`xuefen.labels` holds both).

Cells are typed: amounts are number cells holding the exact decimal (the number format shows as many
places as the amount has, never rounding it away), shares are percentages, ids and every other text
are text cells (format ``@``; an 18-digit id never turns into a number), and text that would start a
formula is neutralised (:func:`xuefen.io.tables.neutralise`).

The workbook is streamed (issue 16: a province's million teachers in ~20,000 schools): openpyxl's
write-only mode, each sheet written row by row and closed (an open one holds a temporary file), in time
linear in the teachers and the schools, in memory that grows with the schools — each sheet's settings,
which openpyxl keeps until the file is saved (some 20 KB a school), and the summary's counts — never
with the teachers. :func:`write_workbook` takes the report's head (its keys but ``teachers``,
:meth:`xuefen.reports.ReportStream.around`) and ways to iterate the teachers' items — all of them in the
report's order, and one school's — e.g. from a spooled report (:func:`xuefen.reports.spool_report`, as
``report --xlsx`` does); it reads them twice: once to learn what the sheets' columns, filters and the
summary's completion block need (a write-only sheet takes its widths before its first row), then to
write each sheet. :func:`write_report_xlsx` writes a report dict the same way: the same workbook.
"""
from __future__ import annotations

import copy
import os
import re
import tempfile
import unicodedata
from collections import defaultdict
from decimal import Decimal
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping, Sequence

from xuefen import labels
from xuefen.io.tables import neutralise

#: the widest a column is made, in characters
MAX_WIDTH = 60
#: what a sheet's title may not contain (Excel's rule), and its length
_TITLE_BAD = re.compile(r"[\[\]:*?/\\]")
TITLE_MAX = 31
TEXT = "@"
PERCENT = "0.0%"


def number_format(value: Decimal) -> str:
    """A format showing ``value`` exactly: ``0`` for a whole number, ``0.00`` for two places …"""
    exp = value.normalize().as_tuple().exponent
    places = -exp if isinstance(exp, int) and exp < 0 else 0
    return "#,##0" + ("." + "0" * places if places else "")


def _display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _typed(value: Any, kind: str) -> tuple[Any, str | None, str]:
    """A typed cell's ``(value, number format or None, the text it shows)`` (the text: the column's width)."""
    if value is None or value == "":
        return None, (TEXT if kind == "text" else None), ""
    if kind == "number":
        d = value if isinstance(value, Decimal) else Decimal(str(value))
        return d, number_format(d), f"{d:,}"
    if kind == "int":
        return int(value), None, str(value)
    if kind == "percent":
        return value, PERCENT, f"{float(value) * 100:.1f}%"
    text = neutralise(str(value))
    return text, TEXT, text


class _Cells:
    """Write-only cells of one sheet: typed, their styles made once per (format, bold) and copied."""

    def __init__(self, ws):
        self.ws, self._styles = ws, {}

    def cell(self, value: Any, fmt: str | None, bold: bool = False):
        if fmt is None and not bold:
            return value
        from openpyxl.cell import WriteOnlyCell

        cell = WriteOnlyCell(self.ws, value=value)
        style = self._styles.get((fmt, bold))
        if style is None:
            if fmt is not None:
                cell.number_format = fmt
            if bold:
                from openpyxl.styles import Font
                cell.font = Font(bold=True)
            self._styles[(fmt, bold)] = copy.copy(cell._style)
        else:
            cell._style = copy.copy(style)
        return cell

    def row(self, values: Sequence[Any], kinds: Sequence[str], bold: bool = False) -> list:
        out = []
        for value, kind in zip(values, kinds):
            v, fmt, _ = _typed(value, kind)
            out.append(self.cell(v, fmt, bold))
        return out


def _widen(widths: list[int], values: Sequence[Any], kinds: Sequence[str]) -> None:
    for i, (value, kind) in enumerate(zip(values, kinds)):
        if i < len(widths):
            widths[i] = max(widths[i], _display_width(_typed(value, kind)[2]))


def _set_up(ws, widths: Sequence[int], rows: int, filter_: bool = True, size: tuple[int, int] | None = None) -> None:
    """What a write-only sheet takes before its first row: the column widths, the frozen header, the
    autofilter over ``rows`` rows, the printed page (landscape, as wide as the page, the header row on
    every page), and its size (``(columns, rows)``, default ``widths`` by ``rows``: the ``dimension`` an
    ordinary sheet records, which a reader may size the sheet by)."""
    from openpyxl.utils import get_column_letter
    ref = f"A1:{get_column_letter(max(1, (size or (len(widths), rows))[0]))}{max(1, (size or (len(widths), rows))[1])}"
    ws.calculate_dimension = lambda: ref  # what openpyxl's sheet writer asks a sheet for (a write-only one has none)
    for i, w in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(i)].width = min(max(w + 2, 6), MAX_WIDTH)
    ws.freeze_panes = "A2"
    if filter_ and rows > 1:
        ws.auto_filter.ref = f"A1:{get_column_letter(len(widths))}{rows}"
    ws.page_setup.orientation = "landscape"
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.print_title_rows = "1:1"


def _new_sheet(wb, title: str):
    """``wb.create_sheet(title)`` on a write-only workbook, without openpyxl's duplicate-title check: it lists
    every sheet's title for each new sheet, quadratic in a province's ~20,000 school sheets (a fifth of the
    writer's time at 4,000). :func:`_titles` has made ``title`` unique and valid already. This sets
    openpyxl's own private fields, so only on the openpyxl it was checked on (:func:`_known_openpyxl`);
    on another, or should the title not take, the sheet is made the ordinary way."""
    from openpyxl.worksheet._write_only import WriteOnlyWorksheet

    if not _known_openpyxl():
        return wb.create_sheet(title)
    ws = WriteOnlyWorksheet(parent=None, title=None)  # no parent: the title setter returns at once
    ws._parent = wb
    ws._WorkbookChild__title = title
    if ws.title != title or ws.parent is not wb:
        return wb.create_sheet(title)
    wb._sheets.append(ws)
    return ws


#: what a closed write-only sheet has written into its XML already and openpyxl 3.1 never reads again (its
#: save reads the title, state, defined names, autofilter, print titles and area, charts, relations and the
#: written file): dropped on closing, they were two thirds of the ~20 KB each school's sheet kept until the save
_WRITTEN = ("HeaderFooter", "page_setup", "print_options", "page_margins", "views", "protection",
            "sheet_properties", "sheet_format", "column_dimensions", "row_dimensions", "row_breaks", "col_breaks",
            "merged_cells", "data_validations", "conditional_formatting", "scenarios")


def _close(ws) -> None:
    """Close a write-only sheet (its rows and settings written to its temporary file, which it no longer
    holds open) and, on openpyxl 3.1 (whose save is known not to read them), drop what it has written."""
    ws.close()
    if _known_openpyxl():
        for name in _WRITTEN:
            setattr(ws, name, None)


def _known_openpyxl() -> bool:
    """openpyxl 3.1, whose internals :func:`_new_sheet` and :func:`_close` rely on (the workbook is checked
    cell by cell against the one openpyxl's ordinary calls make: tests/cli/test_xlsx_out.py)."""
    import openpyxl

    return openpyxl.__version__.startswith("3.1.")


def _share(met: int, total: int) -> Decimal | None:
    return None if not total else (Decimal(met) / Decimal(total)).quantize(Decimal("0.0001"))


def _titles() -> "callable":
    used: set[str] = set()

    def title(name: str) -> str:
        base = _TITLE_BAD.sub("_", name).strip("'") or "sheet"
        base = base[:TITLE_MAX]
        t, n = base, 2
        while t.lower() in used:
            suffix = f" ({n})"
            t, n = base[:TITLE_MAX - len(suffix)] + suffix, n + 1
        used.add(t.lower())
        return t
    return title


def _teacher_rows(report: Mapping, item: dict, lang: str) -> Iterable[list]:
    year = str(report["year"])
    rows = [(year, r) for r in item["requirements"]]
    cycle = item.get("cycle")
    if cycle:
        rows += [(f"{cycle['start']}/{cycle['end']}", r) for r in cycle["requirements"]]
    redacted = report.get("redacted")
    for period, r in rows or [("", {})]:
        base = [item["teacher"]] + ([] if redacted else [item.get("name") or ""])
        if not r:
            yield base + [period, "", "", "", "", None, None, None, ""]
            continue
        yield base + [period, r["rule"], labels.rule_label(item["region"], r["rule"], lang, r.get("label")),
                      r["article"], labels.unit_label(r["unit"], lang),
                      Decimal(r["required"]), Decimal(r["counted"]), Decimal(r["short"]),
                      labels.yes_no(r["met"], lang)]


def _requirement_keys(report: dict, lang: str) -> list[tuple[str, str, str]]:
    """Each requirement the report's teachers have, as ``(period kind, rule, label)``, in first-seen order."""
    survey = _Survey(report, lang, [])
    for t in report["teachers"]:
        survey.listed(t)
    return survey.keys()


class _Survey:
    """The first pass over the teachers' items: what the sheets need before their first row.

    Of the listed teachers (:meth:`listed`, in the report's order): the requirements in first-seen order
    and each school's ``[met, total]`` per requirement (the summary's completion block); of the teachers
    the school sheets list (:meth:`sheet`): each sheet's column widths and row count."""

    def __init__(self, report: Mapping, lang: str, header: Sequence[str]):
        self.report, self.lang, self.header = report, lang, list(header)
        self._seen: dict = {}
        self.completion: dict[str, dict] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
        self.sheets: dict[str, list] = {}  # school id: [widths, rows]

    def listed(self, t: dict) -> None:
        counts = self.completion[t["school"]]
        for kind, reqs in (("year", t["requirements"]), ("cycle", (t.get("cycle") or {}).get("requirements", ()))):
            for r in reqs:
                self._seen.setdefault((kind, r["rule"]), (t["region"], r.get("label")))
                cell = counts[(kind, r["rule"])]
                cell[0] += bool(r["met"])
                cell[1] += 1

    def sheet(self, t: dict) -> None:
        got = self.sheets.get(t["school"])
        if got is None:
            widths = [0] * len(self.header)
            _widen(widths, self.header, ["text"] * len(self.header))
            got = self.sheets[t["school"]] = [widths, 1]
        for row in _teacher_rows(self.report, t, self.lang):
            _widen(got[0], row, _SCHOOL_KINDS[-len(row):])
            got[1] += 1

    def keys(self) -> list[tuple[str, str, str]]:
        return [(k[0], k[1], labels.rule_label(region, k[1], self.lang, label))
                for k, (region, label) in self._seen.items()]


#: a school sheet's columns (the name's left out of a redacted report) and their kinds
_SCHOOL_COLS = ("teacher", "name", "period", "rule", "requirement", "article", "unit", "required", "counted",
                "short", "met")
_SCHOOL_KINDS = ("text",) * 7 + ("number", "number", "number", "text")


def write_report_xlsx(report: dict, path: str | Path, *, lang: str = "zh", teachers: list | None = None) -> dict:
    """Write ``report`` to ``path`` (replaced whole: written beside it, then renamed). ``teachers``: the
    teacher items the school sheets list (default: all of the report's). Returns what it wrote:
    ``{"sheets": [...], "rows": N}``. The teachers are grouped by school once; :func:`write_workbook`
    writes them."""
    shown = report["teachers"] if teachers is None else teachers
    mine: dict[str, list] = defaultdict(list)
    for t in shown:
        mine[t["school"]].append(t)
    head = {k: v for k, v in report.items() if k != "teachers"}
    return write_workbook(head, path, lang=lang, items=lambda: report["teachers"],
                          school_items=lambda sid: mine.get(sid, ()),
                          sheet_items=None if teachers is None else (lambda: shown))


def write_workbook(report: Mapping, path: str | Path, *, lang: str = "zh", items: Callable[[], Iterable[dict]],
                   school_items: Callable[[str], Iterable[dict]],
                   sheet_items: Callable[[], Iterable[dict]] | None = None) -> dict:
    """Write a report to ``path`` as :func:`write_report_xlsx` does, streamed: ``report`` its keys but
    ``teachers`` (``org``, ``name``, ``year``, ``as_of``, ``redacted``, ``schools``, ``by``); ``items()`` its
    listed teachers' items in the report's order (what the summary's completion block counts);
    ``school_items(id)`` the items a school's sheet lists, in its order; ``sheet_items()`` every item the
    school sheets list, in any order (default: ``items()``). ``items()`` (or ``sheet_items()``) is read
    first, for what a write-only sheet needs before its first row; then each school's. Memory holds one
    teacher's rows, each school's sheet settings and completion counts, never the teachers.
    Returns ``{"sheets": [...], "rows": N}``."""
    from openpyxl import Workbook
    from openpyxl.chart import BarChart, Reference

    h = lambda key: labels.header(key, lang)  # noqa: E731
    schools = report["schools"]
    redacted = report.get("redacted")
    cols = [c for c in _SCHOOL_COLS if not (redacted and c == "name")]
    kinds = _SCHOOL_KINDS[-len(cols):]
    header = [h(c) for c in cols]

    # first pass: the requirements, each school's completion, each school sheet's widths and rows
    survey = _Survey(report, lang, header)
    for t in items():
        survey.listed(t)
        if sheet_items is None:
            survey.sheet(t)
    if sheet_items is not None:
        for t in sheet_items():
            survey.sheet(t)
    keys = survey.keys()

    title = _titles()
    wb = Workbook(write_only=True)
    summary = _new_sheet(wb, title("汇总" if lang == "zh" else "summary"))
    sheets = [summary.title]
    cells = _Cells(summary)

    # the summary: a row per school and the total (its widths), then each requirement's completion per
    # school — the share of the school's listed teachers with it who met it — and its chart
    s_head = [h("school"), h("school_name"), h("region"), h("teachers"), h("with_requirements"),
              h("met_count"), h("short_count"), h("met_share"), h("school_flags")]
    s_kinds = ["text", "text", "text", "int", "int", "int", "int", "percent", "text"]
    lines = []
    total = {"teachers": 0, "with": 0, "short": 0}
    for sc in schools:
        n = sc["with_requirements"]
        lines.append([sc["id"], sc["name"], sc["region"], sc["teachers"], n, n - sc["short"], sc["short"],
                      _share(n - sc["short"], n),
                      "; ".join(f"{f['rule']} ({f['article']}) {f['message']}" for f in sc["flags"])])
        total["teachers"] += sc["teachers"]
        total["with"] += n
        total["short"] += sc["short"]
    total_line = ["", h("total"), "", total["teachers"], total["with"], total["with"] - total["short"],
                  total["short"], _share(total["with"] - total["short"], total["with"]), ""]
    widths = [0] * len(s_head)
    for line in [s_head] + lines + [total_line]:
        _widen(widths, line, ["text"] * len(s_head) if line is s_head else s_kinds)
    cycle_word = "周期" if lang == "zh" else "cycle"
    c_head = [h("school"), h("school_name")] + [f"{cycle_word + ' ' if k == 'cycle' else ''}{rule} {label}".strip()
                                                for k, rule, label in keys]
    widths.extend([0] * max(0, len(c_head) - len(widths)))
    for i, text in enumerate(c_head[2:], 2):
        widths[i] = max(widths[i], min(_display_width(text), 24))
    _set_up(summary, widths, 0, filter_=False, size=(max(len(s_head), len(c_head)), 2 * len(schools) + 33))
    summary.auto_filter.ref = f"A1:I{len(schools) + 1}" if schools else None
    block = "各项要求完成率（按学校）" if lang == "zh" else "completion of each requirement, by school"
    start = len(schools) + 5  # the completion block's header row: two rows below the total
    last = start + len(schools)
    if keys and schools:
        chart = BarChart()
        chart.type = "col"
        chart.title = block
        chart.y_axis.title = h("met_share")
        chart.y_axis.scaling.min, chart.y_axis.scaling.max = 0, 1
        chart.y_axis.number_format = "0%"
        chart.x_axis.delete = chart.y_axis.delete = False  # openpyxl hides the axes otherwise
        chart.legend.position = "b"
        chart.add_data(Reference(summary, min_col=3, max_col=2 + len(keys), min_row=start, max_row=last),
                       titles_from_data=True)
        chart.set_categories(Reference(summary, min_col=2, min_row=start + 1, max_row=last))
        chart.width, chart.height = max(18, 6 + 3 * len(schools)), 10
        summary.add_chart(chart, f"A{last + 3}")
    summary.append(cells.row(s_head, ["text"] * len(s_head), bold=True))
    for line in lines:
        summary.append(cells.row(line, s_kinds))
    summary.append(cells.row(total_line, s_kinds, bold=True))
    summary.append([])
    summary.append([block])
    summary.append(cells.row(c_head, ["text"] * len(c_head)))
    for sc in schools:
        counts = survey.completion.get(sc["id"], {})
        shares = [_share(*counts[(k, rule)]) if (k, rule) in counts else None for k, rule, _ in keys]
        summary.append(cells.row([sc["id"], sc["name"], *shares], ["text", "text"] + ["percent"] * len(keys)))
    for _ in range(last + 1, last + 26):  # the chart (about 20 rows tall) above the report's particulars
        summary.append([])
    info = ([("报告单位", f"{report['name']} ({report['org']})"), ("年度", str(report["year"])),
             ("截至", report["as_of"])] if lang == "zh" else
            [("org unit", f"{report['name']} ({report['org']})"), ("year", str(report["year"])),
             ("as of", report["as_of"])])
    for k, v in info:
        summary.append(cells.row([k, v], ["text", "text"]))
    _close(summary)

    # one sheet per school, closed once written (a province has some 20,000: each open one holds a file)
    written = 0
    empty = [0] * len(header)
    _widen(empty, header, ["text"] * len(header))
    for sc in schools:
        ws = _new_sheet(wb, title(sc["name"] or sc["id"]))
        sheets.append(ws.title)
        sheet_widths, rows = survey.sheets.get(sc["id"], (empty, 1))
        _set_up(ws, sheet_widths, rows)
        cells = _Cells(ws)
        ws.append(cells.row(header, ["text"] * len(header), bold=True))
        for item in school_items(sc["id"]):
            for row in _teacher_rows(report, item, lang):
                ws.append(cells.row(row, kinds))
                written += 1
        _close(ws)
        survey.sheets.pop(sc["id"], None)

    # one sheet per --by grouping
    for name, values in (report.get("by") or {}).items():
        units = sorted({u for amounts in values.values() for u in amounts if u != "teachers"})
        ws = _new_sheet(wb, title(f"按{name}" if lang == "zh" else f"by {name}"))
        sheets.append(ws.title)
        b_head = [name, h("teachers")] + [h(u) if lang == "zh" else u for u in units]
        b_kinds = ["text", "int"] + ["number"] * len(units)
        b_rows = [[value, amounts["teachers"]] + [Decimal(amounts.get(u) or "0") for u in units]
                  for value, amounts in values.items()]
        b_widths = [0] * len(b_head)
        for line in [b_head] + b_rows:
            _widen(b_widths, line, ["text"] * len(b_head) if line is b_head else b_kinds)
        _set_up(ws, b_widths, 1 + len(b_rows))
        cells = _Cells(ws)
        ws.append(cells.row(b_head, ["text"] * len(b_head), bold=True))
        for line in b_rows:
            ws.append(cells.row(line, b_kinds))
        _close(ws)

    wb.properties.title = f"xuefen report · {report['org']} · {report['year']}"
    _save(wb, Path(path))
    return {"sheets": sheets, "rows": written}


def _save(wb, path: Path) -> None:
    """Save beside ``path`` and rename over it: a reader never sees half a workbook."""
    folder = path.parent if str(path.parent) else Path(".")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=folder)
    os.close(fd)
    try:
        wb.save(tmp)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
