"""Reading and writing CSV/XLSX tables: line numbers, encodings, formula injection."""
from __future__ import annotations

import csv
import datetime as dt
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from xuefen.errors import InputError
from xuefen.io.tables import neutralise, read_table, write_csv, write_table, write_xlsx

EVIL = ["=HYPERLINK(\"http://x\",\"y\")", "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)", "\t=1"]


@pytest.mark.parametrize("value", EVIL)
def test_formula_like_text_gets_a_leading_quote(value):
    assert neutralise(value) == "'" + value


@pytest.mark.parametrize("value", ["-8", "+7.5", "7.5", "normal text", "学分", "", None, Decimal("-8")])
def test_plain_values_are_left_alone(value):
    assert neutralise(value) == value


def test_csv_export_neutralises_formulas(tmp_path):
    path = tmp_path / "out.csv"
    write_csv(path, ["name", "hours"], [["=1+1", Decimal("-7.5")], {"name": "@x", "hours": Decimal("3")}])
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # Excel reads it as UTF-8
    rows = list(csv.reader(raw.decode("utf-8-sig").splitlines()))
    assert rows == [["name", "hours"], ["'=1+1", "-7.5"], ["'@x", "3"]]


def test_xlsx_export_neutralises_formulas_and_keeps_numbers(tmp_path):
    path = tmp_path / "out.xlsx"
    write_xlsx(path, ["name", "hours", "date"], [["=cmd()", Decimal("7.5"), dt.date(2020, 1, 2)],
                                                 ["+cmd", None, None]])
    ws = load_workbook(path).active
    assert [c.value for c in ws[2]][:2] == ["'=cmd()", 7.5]
    assert ws.cell(3, 1).value == "'+cmd" and ws.cell(2, 1).data_type == "s"


def test_write_table_picks_the_format_by_name(tmp_path):
    assert write_table(tmp_path / "a.csv", ["x"], [["=1"]]) == 1
    assert write_table(tmp_path / "a.xlsx", ["x"], [["=1"]]) == 1
    with pytest.raises(InputError, match="not a .csv or .xlsx"):
        write_table(tmp_path / "a.ods", ["x"], [])


def test_csv_lines_count_quoted_newlines(tmp_path):
    p = tmp_path / "t.csv"
    p.write_text('id,name\n1,"two\nlines"\n\n2,plain\n', encoding="utf-8")
    t = read_table(p)
    assert [(line, rec["id"]) for line, rec in t.rows] == [(2, "1"), (5, "2")]


def test_gbk_csv_is_refused_with_the_fix(tmp_path):
    p = tmp_path / "g.csv"
    p.write_bytes("id,name\n1,昆明\n".encode("gbk"))
    with pytest.raises(InputError) as err:
        read_table(p)
    assert "g.csv:2: the file is not UTF-8 (it looks like GBK" in str(err.value)
    assert "save it as UTF-8" in str(err.value)


def test_a_repeated_column_is_refused(tmp_path):
    p = tmp_path / "t.csv"
    p.write_text("id,id\n1,2\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"t.csv:1: id: the column appears twice"):
        read_table(p)


def test_a_value_under_no_header_is_refused(tmp_path):
    p = tmp_path / "t.csv"
    p.write_text("id,name\n1,a,extra\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"t.csv:2: column 3: a value under no field name"):
        read_table(p)


def test_an_xlsx_that_is_not_a_workbook(tmp_path):
    p = tmp_path / "t.xlsx"
    p.write_text("id\n1\n")
    with pytest.raises(InputError, match="not a readable .xlsx workbook"):
        read_table(p)


def test_a_streamed_csv_gives_the_same_records_and_is_read_again_each_time(tmp_path):
    p = tmp_path / "t.csv"
    p.write_text('\ufeffid,name\n1,"two\nlines"\n\n2,plain\n3,三\n', encoding="utf-8")
    whole, streamed = read_table(p), read_table(p, stream=True)
    assert not isinstance(streamed.rows, list) and len(streamed) == len(whole) == 3
    assert list(streamed.rows) == list(streamed.rows) == whole.rows


def test_a_streamed_csv_is_checked_whole_before_any_record_is_given(tmp_path):
    p = tmp_path / "t.csv"
    p.write_text("id,name\n1,a\n" + "".join(f"{i},x\n" for i in range(2, 50)) + "50,a\x00b\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"t.csv:51: name: contains a NUL"):
        read_table(p, stream=True)
    g = tmp_path / "g.csv"
    g.write_bytes("id,name\n1,a\n2,".encode() + "教师".encode("gbk") + b"\n")
    with pytest.raises(InputError, match=r"g.csv:3: the file is not UTF-8 \(it looks like GBK"):
        read_table(g, stream=True)


def test_a_streamed_csv_changed_after_it_was_checked_is_refused(tmp_path):
    p = tmp_path / "t.csv"
    p.write_text("id,name\n1,a\n2,b\n", encoding="utf-8")
    t = read_table(p, stream=True)
    p.write_text("id,name\n1,a\n2,b\n3,c\n", encoding="utf-8")
    with pytest.raises(InputError, match="the file changed while it was being imported"):
        list(t.rows)
