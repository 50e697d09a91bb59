"""Import templates: ``xuefen template orgs|actors|teachers|activities --region CODE -o FILE.xlsx``.

A template is a workbook a clerk fills in and imports as it is (``xuefen import KIND FILE.xlsx``):

* the first sheet (the one the importer reads) has a header row of the field names the importer accepts
  for the region (docs/formats.md §3: required ones first, in bold, then the optional ones, then the
  fields the region declares), each header with a comment in Chinese (:data:`xuefen.labels.FIELD_DOCS`)
  saying what goes there; the header row is frozen;
* vocabulary columns (kinds, levels, stages, roles, assessments …, true/false as 是/否) carry a
  drop-down list (data validation against the hidden sheet ``选项``), and refuse anything else;
* id columns are formatted as text (``@``), so an 18-digit id stays the digits typed;
* the sheet ``示例`` holds example rows under the same header — rows that import for this region (an
  activity example is one the region's conversion credits) — and ``说明`` explains every column.

The example rows are on their own sheet, never on the sheet that is imported: an import is all or
nothing and cannot tell an example left in from a real record, so it would register it.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from xuefen import labels, model
from xuefen.errors import InputError
from xuefen.io import fields as F

KINDS = ("orgs", "actors", "teachers", "activities")
#: rows of the data sheet prepared with the text format and the drop-down lists
ROWS = 2000
LISTS_SHEET = "选项"
EXAMPLE_SHEET = "示例"
HELP_SHEET = "说明"
YES_NO = ("是", "否")


def columns(kind: str, region: model.Region) -> tuple[list[str], set[str], list[str]]:
    """``(columns, required, declared)`` the importer accepts for ``kind`` in ``region``."""
    if kind == "orgs":
        spec, required, declared = F.ORG_FIELDS, F.ORG_REQUIRED, ()
    elif kind == "actors":
        spec, required, declared = F.ACTOR_FIELDS, F.ACTOR_REQUIRED, ()
    elif kind == "teachers":
        spec, required, declared = F.TEACHER_FIELDS, F.TEACHER_REQUIRED + ("school_id",), \
            F.field_names(region.teacher_fields)
    elif kind == "activities":
        spec = {"teacher_id": F.parse_id, **F.ACTIVITY_FIELDS}
        required, declared = ("teacher_id",) + F.ACTIVITY_REQUIRED, F.field_names(region.activity_fields)
    else:
        raise InputError(f"template: {kind!r} is not a table to import (one of {', '.join(KINDS)})")
    first = [f for f in spec if f in required]
    first.sort(key=required.index)
    rest = [f for f in spec if f not in required]
    if "name" in rest:  # a person's or unit's name next to the required columns, where a clerk looks for it
        rest.remove("name")
        first.append("name")
    cols = first + rest + [f for f in declared if f not in spec]
    return cols, set(required), list(declared)


#: how a declared field's type reads in the template's notes (model.FIELD_TYPES)
TYPE_NOTES = {"bool": "是 / 否", "date": "日期，如 2024-03-15", "decimal": "数字", "int": "整数", "text": "文字",
              "id": "编号（按文本保存）", "choice": "从下拉列表中选择", "json": "JSON"}


def declared_field(kind: str, field: str, region_code: str) -> "model.Field | None":
    """The region's declaration of ``field`` (:class:`xuefen.model.Field`), or None for a core field."""
    from xuefen.regions import runtime

    region = runtime(region_code).region
    fields = {"teachers": region.teacher_fields, "activities": region.activity_fields}.get(kind, ())
    return next((f for f in fields if f.name == field), None)


def vocabulary(kind: str, field: str, region_code: str) -> tuple[str, ...] | None:
    """The closed list a column takes, or None for free text, numbers and dates."""
    lists = {
        ("orgs", "level"): model.ORG_LEVELS,
        ("orgs", "region"): (region_code,),
        ("actors", "role"): tuple(r for r in model.ROLES if r != "registry_admin"),
        ("teachers", "stage"): model.STAGES,
        ("activities", "kind"): model.KINDS,
        ("activities", "level"): model.LEVELS,
        ("activities", "delivery"): model.DELIVERIES,
        ("activities", "assessment"): model.ASSESSMENTS,
        ("activities", "degree_level"): model.DEGREE_LEVELS,
    }
    if (kind, field) in lists:
        return lists[(kind, field)]
    own = declared_field(kind, field, region_code)
    if own is not None:  # a region's declared field: its own vocabulary (a choice), yes/no (a bool)
        return own.choices or None if own.type == "choice" else YES_NO if own.type == "bool" else None
    spec = {"teachers": F.TEACHER_FIELDS, "activities": F.ACTIVITY_FIELDS}.get(kind, {})
    if spec.get(field) is F.parse_bool:
        return YES_NO
    return None


def _doc(kind: str, field: str, required: bool, declared: bool, region_code: str, choices) -> str:
    text = labels.FIELD_DOCS.get(f"{kind}.{field}")
    own = declared_field(kind, field, region_code) if declared else None
    if text is None and own is not None:  # the region's declaration says what it is (model.Field.doc)
        text = (f"{region_code} 地区声明的字段（{TYPE_NOTES[own.type]}）：{own.doc or field}"
                f"{'' if own.default in (None, False, '') else f'；不填按 {own.default}'}。"
                f"详见该地区插件的说明（README）。")
    elif text is None:
        text = (f"{region_code} 地区声明的字段，含义与取值见该地区插件的说明（README）。" if declared else field)
    head = labels.header(field, "zh")
    title = f"{field}" + (f"（{head}）" if head != field else "") + ("，必填" if required else "，可空")
    if choices and f"{kind}.{field}" not in labels.FIELD_DOCS:
        text += " 可选：" + "、".join(f"{c} {labels.VOCABULARY.get(c, '')}".strip() for c in choices)
    return f"{title}\n{text}"


def _example_date(region: model.Region) -> dt.date:
    """A day the region's current rule set covers (today's if it does)."""
    today = dt.date.today()
    if region.ruleset_on(today) is not None:
        return today.replace(month=3, day=15) if region.ruleset_on(today.replace(month=3, day=15)) else today
    starts = [rs.start for rs in region.rulesets if rs.start is not None]
    return max(starts) if starts else today


def examples(kind: str, code: str) -> list[dict]:
    """Example rows that import for region ``code`` (orgs first: a county and its school; the actor,
    teacher and activity belong to that school)."""
    from xuefen.regions import runtime
    if kind == "orgs":
        return [{"id": "D001", "name": "示例县教育局", "level": "county", "region": code},
                {"id": "S001", "name": "示例县第一小学", "level": "school", "parent_id": "D001", "region": code}]
    if kind == "actors":
        return [{"id": "S001-ADMIN", "name": "李示例", "role": "school_admin", "org_id": "S001"}]
    if kind == "teachers":
        return [{"id": "530102198001011234", "name": "张示例", "stage": "primary", "school_id": "S001",
                 "hired_on": "2010-09-01", "class_teacher": "否"}]
    rt = runtime(code)
    day = _example_date(rt.region)
    teacher = model.Teacher(id="530102198001011234", stage="primary", school_id="S001",
                            hired_on=dt.date(2010, 9, 1))
    from xuefen.model import Entry, History
    from xuefen.needs import import_problems
    rs = rt.region.ruleset_on(day)
    target = rt if rs is None or rs.delegate is None else rt.delegate(rs.delegate)
    candidates = [dict(kind="training", level="county", hours="8", assessment="pass"),
                  dict(kind="training", level="city", hours="8", assessment="pass", mandatory="是"),
                  dict(kind="school_based", level="school", hours="8", assessment="pass"),
                  dict(kind="training", level="county", hours="8", rate="1", assessment="pass", module="ethics"),
                  dict(kind="training", level="provincial", hours="24", credits="2", assessment="pass",
                       public_subject="是", face_to_face="是", module="ethics")]
    base = {"teacher_id": teacher.id, "id": f"{day.year}-PX-001", "date": day.isoformat()}
    if rs is not None:
        for extra in candidates:
            values, problems = F.parse_record({k: v for k, v in {**base, **extra}.items() if k != "teacher_id"},
                                              F.ACTIVITY_FIELDS, F.ACTIVITY_REQUIRED, "example")
            if problems:
                continue
            act = F.activity_from(values)
            if import_problems(rt, teacher, act):
                continue
            try:
                out = target.hook.xuefen_convert(activity=act, teacher=teacher, history=History(activities=(act,)),
                                                 ruleset=rs, settings=target.settings) or []
            except InputError:
                continue
            if any(isinstance(e, Entry) for e in out):
                return [{**base, **extra}]
    return [{**base, **candidates[0]}]


def write_template(kind: str, code: str, path: str | Path) -> dict:
    """Write the template of ``kind`` for region ``code`` to ``path``; returns ``{"columns": [...]}``."""
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter, quote_sheetname
    from openpyxl.worksheet.datavalidation import DataValidation

    from xuefen.regions import installed, runtime
    if code not in installed():
        known = ", ".join(sorted(installed())) or "none installed"
        raise InputError(f"template: --region: unknown region {code!r} (installed: {known})")
    region = runtime(code).region
    cols, required, declared = columns(kind, region)
    wb = Workbook()
    ws = wb.active
    ws.title = {"orgs": "单位", "actors": "人员", "teachers": "教师", "activities": "活动"}[kind]
    lists = wb.create_sheet(LISTS_SHEET)
    example = wb.create_sheet(EXAMPLE_SHEET)
    help_ = wb.create_sheet(HELP_SHEET)
    bold, grey = Font(bold=True), PatternFill("solid", fgColor="DDEBF7")
    need = PatternFill("solid", fgColor="FCE4D6")
    list_col = 0
    for i, field in enumerate(cols, 1):
        letter = get_column_letter(i)
        is_req = field in required
        choices = vocabulary(kind, field, code)
        cell = ws.cell(row=1, column=i, value=field)
        cell.font = bold
        cell.fill = need if is_req else grey
        note = _doc(kind, field, is_req, field in declared, code, choices)
        comment = Comment(note, "xuefen")
        comment.width, comment.height = 320, 140
        cell.comment = comment
        width = max(len(field) + 4, 12)
        if field in F.ID_FIELDS:
            width = max(width, 22)
            ws.column_dimensions[letter].number_format = "@"
            for r in range(2, ROWS + 2):
                ws.cell(row=r, column=i).number_format = "@"
        ws.column_dimensions[letter].width = width
        if choices:
            list_col += 1
            lc = get_column_letter(list_col)
            lists.cell(row=1, column=list_col, value=field)
            for j, value in enumerate(choices, 2):
                lists.cell(row=j, column=list_col, value=value)
                lists.cell(row=j, column=list_col + 0).number_format = "@"
            ref = f"{quote_sheetname(LISTS_SHEET)}!${lc}$2:${lc}${len(choices) + 1}"
            dv = DataValidation(type="list", formula1=f"={ref}", allow_blank=True, showDropDown=False)
            dv.error = f"{field}：请从下拉列表中选择（" + "、".join(choices[:8]) + ("…" if len(choices) > 8 else "") + "）"
            dv.errorTitle = "取值不在列表中"
            dv.prompt = labels.header(field, "zh")
            dv.showErrorMessage = dv.showInputMessage = True
            ws.add_data_validation(dv)
            dv.add(f"{letter}2:{letter}{ROWS + 1}")
    ws.freeze_panes = "A2"
    lists.sheet_state = "hidden"

    # the example sheet: the same header, rows that import for this region
    rows = examples(kind, code)
    for i, field in enumerate(cols, 1):
        c = example.cell(row=1, column=i, value=field)
        c.font = bold
        example.column_dimensions[get_column_letter(i)].width = ws.column_dimensions[get_column_letter(i)].width
        for r, row in enumerate(rows, 2):
            value = row.get(field)
            parse = {**F.ACTIVITY_FIELDS, **F.TEACHER_FIELDS}.get(field) if kind in ("teachers", "activities") else None
            if value is not None and parse in (F.parse_decimal, F.parse_score, F.parse_int):
                value = parse(value)  # a number cell, as a clerk types it
            cell = example.cell(row=r, column=i, value=value)
            if field in F.ID_FIELDS:
                cell.number_format = "@"
    example.freeze_panes = "A2"
    example.cell(row=len(rows) + 3, column=1,
                 value="示例行：复制到第一张工作表填写；本工作表不会被导入（导入只读第一张工作表）。")

    # the help sheet: one row per column
    help_.append(["字段", "中文", "是否必填", "说明", "可选值"])
    for c in help_[1]:
        c.font = bold
    for field in cols:
        choices = vocabulary(kind, field, code)
        help_.append([field, labels.header(field, "zh"), "必填" if field in required else "可空",
                      _doc(kind, field, field in required, field in declared, code, None).split("\n", 1)[1],
                      "、".join(f"{c} {labels.VOCABULARY.get(c, '')}".strip() for c in choices) if choices else ""])
    help_.append([])
    help_.append(["", "", "", f"导入：xuefen import {kind} 文件.xlsx --as 操作人；全部正确才导入，任何一行有误则一行也不导入，"
                  f"错误以 文件:工作表!单元格 标明。编号列已设为文本格式，请勿改为数字（18 位证号会丢失末尾数字）。"])
    from openpyxl.styles import Alignment
    wrap = Alignment(wrap_text=True, vertical="top")
    for row in help_.iter_rows(min_row=2):
        for c in row[3:5]:
            c.alignment = wrap
    for letter, width in zip("ABCDE", (22, 16, 10, 60, 50)):
        help_.column_dimensions[letter].width = width
    help_.freeze_panes = "A2"
    wb.properties.title = f"xuefen {kind} template · {code}"
    from xuefen.io.report_xlsx import _save
    _save(wb, Path(path))
    return {"columns": cols, "sheet": ws.title, "examples": len(rows)}

