"""Spreadsheets out (issue 17): ``report --xlsx FILE`` and ``report --csv`` as Excel reads them.

A small Kunming registry built and approved through the real CLI; the workbook it writes is read back
with openpyxl: Chinese headers (``--lang en``: English), the header row frozen, widths set, amounts as
number cells equal to the JSON report's exact decimals, ids as text, one sheet per school, a summary
sheet and its bar chart. The CSV starts with a UTF-8 BOM.
"""
from __future__ import annotations

import datetime as dt
import json
import zipfile
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from tests.conftest import ONE_BACKEND
from tests.workflow.helpers import activity, load, teacher

ON = "2015-07-01"
#: an id of 18 digits: a spreadsheet that took it for a number would show 5.30102198001011E+17
LONG_ID = "530102198001011234"


@pytest.fixture
def approved(cli, tmp_path):
    """Three teachers at two schools of county D1, their 2015 activities approved by school and county."""
    load(cli, tmp_path, [teacher("T1"), teacher(LONG_ID), teacher("T3", school="S2")], [
        activity("T1", "a1", level="city", days=3),
        activity("T1", "a2", kind="school_based", hours="20.25", date="2015-06-01"),
        activity(LONG_ID, "a1", level="county", hours=80),
        activity("T3", "a1", level="county", hours="7.5"),
    ])
    for actor in ("sa1", "sa2", "ca1"):
        cli("approve", "--all-queued", "--as", actor, "--on", ON, expect=0)
    return cli


def _report(cli, *args) -> dict:
    return json.loads(cli("report", "--org", "D1", "--year", 2015, "--json", *args, expect=0).output)


def test_report_xlsx_has_a_summary_a_sheet_per_school_and_typed_cells(approved, tmp_path):
    path = tmp_path / "报告.xlsx"
    out = approved("report", "--org", "D1", "--year", 2015, "--xlsx", path, expect=0).output
    assert f"wrote {path}: 3 sheets" in out
    wb = load_workbook(path)
    assert wb.sheetnames == ["汇总", "测试一区第一小学", "测试一区第二小学"]
    report = _report(approved)
    for ws in wb.worksheets:
        assert ws.freeze_panes == "A2"
        assert all(ws.column_dimensions[c].width >= 6 for c in "ABC")
    s1 = wb["测试一区第一小学"]
    header = [c.value for c in s1[1]]
    assert header == ["教师编号", "姓名", "年度/周期", "规则", "要求", "条款", "单位", "应完成", "已计入", "尚差", "是否达标"]
    rows = [[c for c in r] for r in s1.iter_rows(min_row=2)]
    # ids are text cells formatted as text, the 18 digits intact
    ids = {r[0].value for r in rows}
    assert ids == {"T1", LONG_ID}
    assert all(r[0].data_type == "s" and r[0].number_format == "@" for r in rows)
    # amounts are number cells, exactly the report's decimals, shown with their places
    want = {(t["teacher"], req["rule"]): req for t in report["teachers"] if t["school"] == "S1"
            for req in t["requirements"]}
    got = {(r[0].value, r[3].value): r for r in rows if r[2].value == "2015"}
    assert set(got) == set(want) and got
    for key, r in got.items():
        for cell, field in zip(r[7:10], ("required", "counted", "short")):
            assert cell.data_type == "n" and Decimal(str(cell.value)) == Decimal(want[key][field]), (key, field)
        assert r[10].value == ("是" if want[key]["met"] else "否")
    t1 = got[("T1", "K-R2")]
    assert Decimal(str(t1[8].value)) == Decimal("44.25") and t1[8].number_format == "#,##0.00"
    assert s1.auto_filter.ref == f"A1:K{s1.max_row}"
    # the summary: a row per school and the total, then the completion per requirement, and a bar chart
    summary = wb["汇总"]
    assert [c.value for c in summary[1]][:8] == ["学校编号", "学校", "地区", "教师人数", "有年度要求", "达标人数",
                                                 "未达标人数", "达标率"]
    lines = {r[0].value: r for r in summary.iter_rows(min_row=2, max_row=4)}
    assert lines["S1"][3].value == 2 and lines["S2"][3].value == 1
    assert lines["S1"][7].number_format == "0.0%"
    n_met = sum(1 for t in report["teachers"] if t["school"] == "S1" and t["met"])
    assert Decimal(str(lines["S1"][7].value)) == (Decimal(n_met) / 2).quantize(Decimal("0.0001"))
    with zipfile.ZipFile(path) as z:
        charts = [n for n in z.namelist() if n.startswith("xl/charts/chart")]
        assert len(charts) == 1
        chart = z.read(charts[0]).decode()
    assert "<barChart>" in chart and '<barDir val="col" />' in chart and "各项要求完成率" in chart
    # categories: the schools' names; one series per requirement, its title the requirement's header cell
    import re
    refs = re.findall(r"<f>([^<]*)</f>", chart)
    title_cell = refs[0].split("!")[1]
    assert summary[title_cell].value.startswith("K-R2")
    first, last = (int(n) for n in re.findall(r"\$B\$(\d+):\$B\$(\d+)", refs[1])[0])
    assert [summary[f"B{i}"].value for i in range(first, last + 1)] == ["测试一区第一小学", "测试一区第二小学"]
    assert all(summary[f"C{i}"].number_format == "0.0%" for i in range(first, last + 1))


def test_report_xlsx_in_english_and_redacted(approved, tmp_path):
    path = tmp_path / "r.xlsx"
    approved("report", "--org", "D1", "--year", 2015, "--xlsx", path, "--lang", "en", "--redact", expect=0)
    wb = load_workbook(path)
    assert wb.sheetnames[0] == "summary"
    header = [c.value for c in wb.worksheets[1][1]]
    assert header == ["teacher", "period", "rule", "requirement", "article", "unit", "required", "counted",
                      "short", "met"]
    cells = [c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value is not None]
    assert not any(isinstance(v, str) and (LONG_ID in v or "T1" == v or "测试教师" in v) for v in cells)
    assert any(isinstance(v, str) and v.startswith("T-") for v in cells)


def test_report_csv_has_a_bom_and_chinese_headers_on_request(approved):
    out = approved("report", "--org", "D1", "--year", 2015, "--csv", expect=0).output
    assert out.startswith("\ufeffteacher,name,school,region,period,rule,")
    zh = approved("report", "--org", "D1", "--year", 2015, "--csv", "--lang", "zh", expect=0).output
    assert zh.startswith("\ufeff教师编号,姓名,学校编号,地区,年度/周期,规则,条款,单位,应完成,已计入,尚差,是否达标,学校预警\n")
    assert zh.count("\n") == out.count("\n")


def test_report_xlsx_refuses_other_outputs_and_a_bad_file_name(approved, tmp_path):
    r = approved("report", "--org", "D1", "--year", 2015, "--xlsx", tmp_path / "r.xlsx", "--json")
    assert r.exit_code == 2 and "exclude each other" in r.output
    r = approved("report", "--org", "D1", "--year", 2015, "--xlsx", tmp_path / "r.csv")
    assert r.exit_code == 2 and "must end in .xlsx" in r.output
    r = approved("report", "--org", "D1", "--year", 2015, "--xlsx", tmp_path / "nowhere" / "r.xlsx")
    assert r.exit_code == 2 and "does not exist" in r.output and "Traceback" not in r.output


# -- the streamed workbook is the report dict's ------------------------------------------------------


def _workbook(path) -> dict:
    """What a workbook shows, as data: the sheets in order, each cell written (its value, number format and
    boldness; empty styled cells included), column widths, frozen panes, autofilter, print titles, page
    setup, each chart's place and XML (its references), each sheet's recorded size, the workbook's title."""
    import re

    from openpyxl.utils import get_column_letter

    wb = load_workbook(path)
    out = {"sheets": wb.sheetnames, "title": wb.properties.title}
    for ws in wb.worksheets:
        widths = {}
        for d in ws.column_dimensions.values():
            if d.customWidth:
                widths.update({get_column_letter(i): d.width for i in range(d.min, d.max + 1)})
        out[ws.title] = {
            "cells": [(c.coordinate, c.value, c.number_format, bool(c.font.b)) for row in ws.iter_rows() for c in row
                      if c.value is not None or c.has_style],
            "widths": widths, "freeze": ws.freeze_panes, "filter": ws.auto_filter.ref,
            "print_titles": ws.print_title_rows, "fit": ws.sheet_properties.pageSetUpPr.fitToPage,
            "page": (ws.page_setup.orientation, ws.page_setup.fitToWidth, ws.page_setup.fitToHeight),
            "charts": [(type(ch).__name__, ch.anchor._from.row, ch.anchor._from.col) for ch in ws._charts]}
    with zipfile.ZipFile(path) as z:
        names = sorted(z.namelist())
        out["xml"] = [z.read(n).decode() for n in names if n.startswith(("xl/charts/", "xl/drawings/drawing"))]
        out["dimensions"] = [re.findall(r'<dimension ref="[^"]*"', z.read(n).decode()[:4000])
                             for n in names if n.startswith("xl/worksheets/sheet")]
    return out


@pytest.fixture
def shandong(db_url, keys_dir):
    """Shandong's demo registry (three regions' schools under one county), two teachers of its first school
    moved to the next one: one during the year reported (counted at the new school), one after it (counted
    at the old one). The CLI, the report's org and year, the moved teachers and their schools of the year."""
    from xuefen import reports
    from xuefen.store import open_engine
    from xuefen_cli import demo_runner
    from xuefen_cli.commands.demo import demo_region
    from tests.conftest import cli_for

    _, data, _ = demo_region("shandong", 2024)
    engine = open_engine(db_url)
    demo_runner.run(engine, data, 2024, keys_dir=keys_dir)
    org, year = data["report_org"], int(data["year"])
    with engine.connect() as conn:
        before = reports.build_report(conn, org, year)
    engine.dispose()
    first, second = (s["id"] for s in before["schools"][:2])
    a, b = [t["teacher"] for t in before["teachers"] if t["school"] == first][:2]
    cli = cli_for(db_url, keys_dir, bootstrap=False)
    cli("transfer", a, "--to", second, "--on", f"{year}-06-30", "--as", demo_runner.ADMIN, expect=0)
    cli("transfer", b, "--to", second, "--on", f"{year + 1}-03-01", "--as", demo_runner.ADMIN, expect=0)
    return cli, org, year, {a: second, b: first}


def _keys(report: dict) -> set:
    return {(k, r["rule"]) for t in report["teachers"] for k, rs in (("year", t["requirements"]), (
        "cycle", (t.get("cycle") or {}).get("requirements", ()))) for r in rs}


def test_the_streamed_workbook_is_the_workbook_of_the_report_dict(shandong, tmp_path, monkeypatch):
    """``report --xlsx`` (spooled, school by school, write-only) against ``write_report_xlsx`` of
    ``build_report``'s dict (as the CLI wrote it before it was streamed): the same workbook, cell by cell."""
    from xuefen import registry, reports
    from xuefen.store import open_engine
    from xuefen_cli import xlsx_out

    cli, org, year, moved = shandong
    monkeypatch.setattr(registry, "WORKER_CHUNK", 7)  # many batches: the spool's order does the work
    engine = open_engine(cli.db_url)
    with engine.connect() as conn:
        key = reports.redact_key(conn)
    for args, kw in (((), {}), (("--lang", "en", "--redact", "--workers", "2"), {"key": key}),
                     (("--short-only", "--by", "level"), {"short_only": True, "by": ("level",)}),
                     (("--lang", "en", "--as-of", f"{year}-09-30", "--short-only"),
                      {"as_of": dt.date(year, 9, 30), "short_only": True})):
        lang = "en" if "en" in args else "zh"
        streamed, whole = tmp_path / "streamed.xlsx", tmp_path / "whole.xlsx"
        year_args = () if "--as-of" in args else ("--year", year)
        out = cli("report", "--org", org, *year_args, *args, "--xlsx", streamed, expect=0).output
        with engine.connect() as conn:
            rep = reports.build_report(conn, org, None if "--as-of" in args else year, **kw)
        xlsx_out.write_report(rep, str(whole), lang=lang, short_only=bool(kw.get("short_only")))
        got, want = _workbook(streamed), _workbook(whole)
        assert got == want, args
        assert f"{len(want['sheets'])} sheets" in out
        assert len(want["sheets"]) >= len(rep["schools"]) + 1 > 3 and want["xml"], args
        # the summary's rows, where the writer puts them before it has a row to count: the schools and the
        # total, the completion block two rows below (its header, then a row per school), the chart three rows
        # below that, the report's particulars 26 rows below the block
        n, first = len(rep["schools"]), want["sheets"][0]
        at = {c[0]: c[1] for c in want[first]["cells"]}
        assert at[f"B{n + 2}"] == ("合计" if lang == "zh" else "total") and f"A{n + 3}" not in at
        assert at[f"A{n + 4}"].startswith("各项要求完成率" if lang == "zh" else "completion of each requirement")
        assert [at[f"A{n + 5 + i}"] for i in range(1, n + 1)] == [s["id"] for s in rep["schools"]]
        assert want[first]["charts"] == [("BarChart", 2 * n + 7, 0)]  # anchored at A{last + 3}, 0-based
        assert at[f"B{2 * n + 31}"] == f"{rep['name']} ({org})" and want["dimensions"][0] == [
            f'<dimension ref="A1:{max("I", chr(ord("B") + len(_keys(rep))))}{2 * n + 33}"']
        if not args:  # the moved teachers on the sheet of their school of the year
            names = {s["id"]: s["name"] for s in rep["schools"]}
            for tid, school in moved.items():
                assert tid in {c[1] for c in want[names[school]]["cells"] if c[0].startswith("A")}
    engine.dispose()


@ONE_BACKEND  # writing workbooks: the report it writes is read on both backends by the test above
def test_the_workbook_made_past_openpyxl_s_title_check_is_the_one_its_ordinary_calls_make(shandong, tmp_path,
                                                                                           monkeypatch):
    """report_xlsx's two shortcuts on openpyxl 3.1 (sheets made without its duplicate-title scan, closed sheets'
    written settings dropped) against the same report written with openpyxl's ordinary calls only."""
    from xuefen.io import report_xlsx

    cli, org, year, _ = shandong
    fast, plain = tmp_path / "fast.xlsx", tmp_path / "plain.xlsx"
    for args in ((), ("--lang", "en", "--by", "level")):
        assert report_xlsx._known_openpyxl()  # the shortcuts are taken on the openpyxl installed here
        cli("report", "--org", org, "--year", year, *args, "--xlsx", fast, expect=0)
        with monkeypatch.context() as m:
            m.setattr(report_xlsx, "_known_openpyxl", lambda: False)
            cli("report", "--org", org, "--year", year, *args, "--xlsx", plain, expect=0)
        got, want = _workbook(fast), _workbook(plain)
        assert got == want and len(want["sheets"]) > 3, args
