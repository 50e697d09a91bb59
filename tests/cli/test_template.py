"""``xuefen template KIND --region CODE -o FILE.xlsx`` (issue 17): a template filled in imports.

Each template is read back with openpyxl: the columns the importer accepts for the region (its declared
fields included), a Chinese comment on each header, drop-down lists for the vocabulary columns, id
columns formatted as text, example rows on the sheet 示例. Then the four templates are filled in with
openpyxl — their example rows copied onto the data sheet, an 18-digit id typed into the text column —
and imported through the real CLI, in order: every one imports, and the activity earns.
"""
from __future__ import annotations

import json

import pytest
from openpyxl import load_workbook

from xuefen.io import fields as F

from tests.conftest import ONE_BACKEND

KINDS = ("orgs", "actors", "teachers", "activities")
#: writing and reading workbooks is the work here, the same on either backend; an XLSX imported on both
#: backends: tests/cli/test_xlsx_in.py
pytestmark = ONE_BACKEND


def _template(cli, tmp_path, kind, region="kunming"):
    path = tmp_path / f"{region}-{kind}.xlsx"
    out = cli("template", kind, "--region", region, "-o", path, expect=0).output
    assert out.startswith(f"wrote {path}: sheet ")
    return path


def _validations(ws) -> dict:
    """column letter -> the list a drop-down offers (read from the hidden sheet it points to)."""
    out = {}
    wb = ws.parent
    for dv in ws.data_validations.dataValidation:
        ref = dv.formula1.lstrip("=")
        sheet, cells = ref.rsplit("!", 1)
        src = wb[sheet.strip("'")]
        start, end = cells.replace("$", "").split(":")
        values = [c.value for row in src[start:end] for c in row]
        for rng in str(dv.sqref).split():
            out[rng.split(":")[0].rstrip("0123456789")] = (values, dv.showErrorMessage)
    return out


def test_the_activities_template_offers_the_regions_columns_with_comments_lists_and_text_ids(cli, tmp_path):
    wb = load_workbook(_template(cli, tmp_path, "activities", "shandong"))
    ws = wb.worksheets[0]
    header = [c.value for c in ws[1]]
    assert header[:4] == ["teacher_id", "id", "kind", "date"]  # the required columns first
    assert set(header) == {"teacher_id", *F.ACTIVITY_FIELDS, "school_recognised", "school_recognized", "falsified",
                           "absent_without_leave"}  # Shandong's declared fields included
    comments = {c.value: c.comment.text for c in ws[1]}
    assert comments["hours"].startswith("hours（学时），可空\n学时")
    assert comments["kind"].startswith("kind（类别），必填")
    assert "shandong 地区声明的字段" in comments["falsified"]
    # a declared field's note is its declaration's (model.Field: type and doc), here Shandong's S-F1 field
    assert "（是 / 否）：found falsified (S-F1)" in comments["falsified"]
    lists = _validations(ws)
    col = {name: c.column_letter for name, c in zip(header, ws[1])}
    assert lists[col["kind"]] == (list(__import__("xuefen.model", fromlist=["KINDS"]).KINDS), True)
    assert lists[col["level"]][0] == ["national", "provincial", "city", "county", "school"]
    assert lists[col["assessment"]][0] == ["excellent", "pass", "fail"]
    assert lists[col["mandatory"]][0] == ["是", "否"]
    assert lists[col["falsified"]][0] == ["是", "否"]  # a declared bool offers yes/no too
    assert col["hours"] not in lists and col["teacher_id"] not in lists
    for name in ("teacher_id", "id", "program_id", "project_id"):
        assert ws[f"{col[name]}2"].number_format == "@" and ws[f"{col[name]}500"].number_format == "@"
    assert ws[f"{col['hours']}2"].number_format == "General"
    assert ws.freeze_panes == "A2"
    assert wb[wb.sheetnames[1]].sheet_state == "hidden"
    assert "示例" in wb.sheetnames and "说明" in wb.sheetnames


def test_the_org_and_actor_templates_list_levels_regions_and_roles(cli, tmp_path):
    orgs = load_workbook(_template(cli, tmp_path, "orgs")).worksheets[0]
    header = [c.value for c in orgs[1]]
    assert header == ["id", "name", "level", "region", "parent_id"]
    lists = _validations(orgs)
    assert lists["C"][0] == ["province", "city", "county", "school"] and lists["D"][0] == ["kunming"]
    actors = load_workbook(_template(cli, tmp_path, "actors")).worksheets[0]
    roles = _validations(actors)["C"][0]
    assert "school_admin" in roles and "registry_admin" not in roles  # made once, by init --admin
    teachers = load_workbook(_template(cli, tmp_path, "teachers")).worksheets[0]
    assert _validations(teachers)["B"][0][:3] == ["kindergarten", "primary", "junior"]


@pytest.mark.parametrize("region", ["kunming", "shandong", "zhengzhou", "lincang", "chifeng", "suzhou-jq"])
def test_templates_filled_in_with_their_examples_import_and_the_activity_earns(cli, tmp_path, region):
    cli("init", expect=0)
    for kind in KINDS:
        path = _template(cli, tmp_path, kind, region)
        wb = load_workbook(path)
        data, example = wb.worksheets[0], wb["示例"]
        assert [c.value for c in example[1]] == [c.value for c in data[1]]
        rows = [[c.value for c in row] for row in example.iter_rows(min_row=2)
                if row[0].value is not None and not str(row[0].value).startswith("示例行")]
        assert rows, kind
        for r, values in enumerate(rows, 2):  # typed in, as a clerk would, into the formatted cells
            for c, value in enumerate(values, 1):
                data.cell(row=r, column=c).value = value
        wb.save(path)
        r = cli("import", kind, path, *(("--create-keys",) if kind == "actors" else ()), "--json")
        assert r.exit_code == 0, (kind, r.output)
        assert json.loads(r.output)["created"] == len(rows)
    status = json.loads(cli("status", "530102198001011234", "--json", expect=0).output)
    assert status["teacher"] == "530102198001011234"  # the 18 digits intact
    claims = json.loads(cli("claims", "--teacher", "530102198001011234", "--json", expect=0).output)
    assert len(claims) == 1


def test_template_refuses_an_unknown_region_and_a_bad_file_name(cli, tmp_path):
    r = cli("template", "teachers", "--region", "atlantis", "-o", tmp_path / "t.xlsx")
    assert r.exit_code == 2 and "unknown region 'atlantis'" in r.output
    r = cli("template", "teachers", "--region", "kunming", "-o", tmp_path / "t.csv")
    assert r.exit_code == 2 and "must end in .xlsx" in r.output
