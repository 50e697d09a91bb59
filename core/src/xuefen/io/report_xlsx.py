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
"""
from __future__ import annotations

import os
import re
import tempfile
import unicodedata
from decimal import Decimal
from pathlib import Path
from typing import Any, Iterable, Sequence

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


class _Sheet:
    """A worksheet written row by row with typed cells, its widths tracked."""

    def __init__(self, ws, header: Sequence[str], kinds: Sequence[str]):
        self.ws, self.kinds = ws, list(kinds)
        self.widths = [0] * len(header)
        self.rows = 0
        self._row(header, ["text"] * len(header), bold=True)
        ws.freeze_panes = "A2"

    def _row(self, values: Sequence[Any], kinds: Sequence[str], bold: bool = False) -> int:
        from openpyxl.styles import Font
        r = self.ws.max_row + 1 if self.rows else 1
        self.rows += 1
        for i, (value, kind) in enumerate(zip(values, kinds), 1):
            cell = self.ws.cell(row=r, column=i)
            shown = _put(cell, value, kind)
            if bold:
                cell.font = Font(bold=True)
            if i - 1 < len(self.widths):
                self.widths[i - 1] = max(self.widths[i - 1], _display_width(shown))
        return r

    def add(self, values: Sequence[Any], bold: bool = False) -> int:
        return self._row(values, self.kinds, bold)

    def finish(self, filter_: bool = True) -> None:
        from openpyxl.utils import get_column_letter
        for i, w in enumerate(self.widths, 1):
            self.ws.column_dimensions[get_column_letter(i)].width = min(max(w + 2, 6), MAX_WIDTH)
        if filter_ and self.rows > 1:
            self.ws.auto_filter.ref = f"A1:{get_column_letter(len(self.widths))}{self.rows}"
        # printed: landscape, as wide as the page, the header row on every page
        self.ws.page_setup.orientation = "landscape"
        self.ws.sheet_properties.pageSetUpPr.fitToPage = True
        self.ws.page_setup.fitToWidth, self.ws.page_setup.fitToHeight = 1, 0
        self.ws.print_title_rows = "1:1"


def _put(cell, value: Any, kind: str) -> str:
    """Write one typed cell; returns the text it shows (for the column's width)."""
    if value is None or value == "":
        cell.value = None
        if kind == "text":
            cell.number_format = TEXT
        return ""
    if kind == "number":
        d = value if isinstance(value, Decimal) else Decimal(str(value))
        cell.value = d
        cell.number_format = number_format(d)
        return f"{d:,}"
    if kind == "int":
        cell.value = int(value)
        return str(value)
    if kind == "percent":
        cell.value = value
        cell.number_format = PERCENT
        return f"{float(value) * 100:.1f}%"
    text = neutralise(str(value))
    cell.value = text
    cell.number_format = TEXT
    return text


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


def _teacher_rows(report: dict, item: dict, lang: str) -> Iterable[list]:
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
    seen: dict = {}
    for t in report["teachers"]:
        for r in t["requirements"]:
            seen.setdefault(("year", r["rule"]), (t["region"], r.get("label")))
        for r in (t.get("cycle") or {}).get("requirements", ()):
            seen.setdefault(("cycle", r["rule"]), (t["region"], r.get("label")))
    return [(k[0], k[1], labels.rule_label(region, k[1], lang, label)) for k, (region, label) in seen.items()]


def write_report_xlsx(report: dict, path: str | Path, *, lang: str = "zh", teachers: list | None = None) -> dict:
    """Write ``report`` to ``path`` (replaced whole: written beside it, then renamed). ``teachers``: the
    teacher items the school sheets list (default: all of the report's). Returns what it wrote:
    ``{"sheets": [...], "rows": N}``."""
    from openpyxl import Workbook
    from openpyxl.chart import BarChart, Reference

    h = lambda key: labels.header(key, lang)  # noqa: E731
    teachers = report["teachers"] if teachers is None else teachers
    title = _titles()
    wb = Workbook()
    summary = wb.active
    summary.title = title("汇总" if lang == "zh" else "summary")
    s = _Sheet(summary, [h("school"), h("school_name"), h("region"), h("teachers"), h("with_requirements"),
                         h("met_count"), h("short_count"), h("met_share"), h("school_flags")],
               ["text", "text", "text", "int", "int", "int", "int", "percent", "text"])
    total = {"teachers": 0, "with": 0, "short": 0}
    for sc in report["schools"]:
        n = sc["with_requirements"]
        s.add([sc["id"], sc["name"], sc["region"], sc["teachers"], n, n - sc["short"], sc["short"],
               _share(n - sc["short"], n),
               "; ".join(f"{f['rule']} ({f['article']}) {f['message']}" for f in sc["flags"])])
        total["teachers"] += sc["teachers"]
        total["with"] += n
        total["short"] += sc["short"]
    s.add(["", h("total"), "", total["teachers"], total["with"], total["with"] - total["short"], total["short"],
           _share(total["with"] - total["short"], total["with"]), ""], bold=True)
    # each requirement's completion per school: the share of the school's teachers with it who met it
    keys = _requirement_keys(report, lang)
    cycle_word = "周期" if lang == "zh" else "cycle"
    start = s.rows + 3
    names = {sc["id"]: sc["name"] for sc in report["schools"]}
    summary.cell(row=start - 1, column=1, value=("各项要求完成率（按学校）" if lang == "zh" else
                                                 "completion of each requirement, by school"))
    head = [h("school"), h("school_name")] + [f"{cycle_word + ' ' if k == 'cycle' else ''}{rule} {label}".strip()
                                              for k, rule, label in keys]
    s.widths.extend([0] * max(0, len(head) - len(s.widths)))
    for i, text in enumerate(head, 1):
        _put(summary.cell(row=start, column=i), text, "text")
        if i > 2:
            s.widths[i - 1] = max(s.widths[i - 1], min(_display_width(text), 24))
    for j, sc in enumerate(report["schools"], 1):
        mine = [t for t in report["teachers"] if t["school"] == sc["id"]]
        _put(summary.cell(row=start + j, column=1), sc["id"], "text")
        _put(summary.cell(row=start + j, column=2), names[sc["id"]], "text")
        for i, (k, rule, _) in enumerate(keys, 3):
            rows = [r for t in mine for r in (t["requirements"] if k == "year" else
                                              (t.get("cycle") or {}).get("requirements", ())) if r["rule"] == rule]
            _put(summary.cell(row=start + j, column=i), _share(sum(1 for r in rows if r["met"]), len(rows)),
                 "percent")
    if keys and report["schools"]:
        chart = BarChart()
        chart.type = "col"
        chart.title = "各项要求完成率（按学校）" if lang == "zh" else "completion of each requirement, by school"
        chart.y_axis.title = h("met_share")
        chart.y_axis.scaling.min, chart.y_axis.scaling.max = 0, 1
        chart.y_axis.number_format = "0%"
        chart.x_axis.delete = chart.y_axis.delete = False  # openpyxl hides the axes otherwise
        chart.legend.position = "b"
        last = start + len(report["schools"])
        chart.add_data(Reference(summary, min_col=3, max_col=2 + len(keys), min_row=start, max_row=last),
                       titles_from_data=True)
        chart.set_categories(Reference(summary, min_col=2, min_row=start + 1, max_row=last))
        chart.width, chart.height = max(18, 6 + 3 * len(report["schools"])), 10
        summary.add_chart(chart, f"A{last + 3}")
    info_row = start + len(report["schools"]) + 26  # below the chart (about 20 rows tall)
    info = ([("报告单位", f"{report['name']} ({report['org']})"), ("年度", str(report["year"])),
             ("截至", report["as_of"])] if lang == "zh" else
            [("org unit", f"{report['name']} ({report['org']})"), ("year", str(report["year"])),
             ("as of", report["as_of"])])
    for i, (k, v) in enumerate(info):
        _put(summary.cell(row=info_row + i, column=1), k, "text")
        _put(summary.cell(row=info_row + i, column=2), v, "text")
    s.finish(filter_=False)
    summary.auto_filter.ref = f"A1:I{len(report['schools']) + 1}" if report["schools"] else None

    # one sheet per school
    redacted = report.get("redacted")
    cols = ["teacher"] + ([] if redacted else ["name"]) + ["period", "rule", "requirement", "article", "unit",
                                                           "required", "counted", "short", "met"]
    kinds = ["text"] * (len(cols) - 4) + ["number", "number", "number", "text"]
    written = 0
    sheets = [summary.title]
    for sc in report["schools"]:
        ws = wb.create_sheet(title(sc["name"] or sc["id"]))
        sheets.append(ws.title)
        sheet = _Sheet(ws, [h(c) for c in cols], kinds)
        for item in teachers:
            if item["school"] != sc["id"]:
                continue
            for row in _teacher_rows(report, item, lang):
                sheet.add(row)
                written += 1
        sheet.finish()

    # one sheet per --by grouping
    for name, values in (report.get("by") or {}).items():
        units = sorted({u for amounts in values.values() for u in amounts if u != "teachers"})
        ws = wb.create_sheet(title(f"按{name}" if lang == "zh" else f"by {name}"))
        sheets.append(ws.title)
        sheet = _Sheet(ws, [name, h("teachers")] + [h(u) if lang == "zh" else u for u in units],
                       ["text", "int"] + ["number"] * len(units))
        for value, amounts in values.items():
            sheet.add([value, amounts["teachers"]] + [Decimal(amounts.get(u) or "0") for u in units])
        sheet.finish()

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
