"""Chifeng end to end through the real CLI and a real database file.

The implementing authority imports a training's hours and assessments and the
system converts them (第十四条, C-A1); the school enters electives and the
county confirms them (第十一条, 第十五条, C-A2); the 25% excellent quota is
refused at the stage that records assessments (第十九条, C-Q1); status and
report speak in credits, the report grouped by level and by dimension (第七条).
"""
from __future__ import annotations

import json
from decimal import Decimal as D

import pytest

from tests.chifeng.helpers import ACTORS, ORGS, activity_row, full_cycle, teacher_row
from tests.workflow.helpers import claim, counts, write_csv
from tests.conftest import KEYS_FOR

ON = "2020-12-20"


def out_json(result):
    return json.loads(result.stdout)


def cid(tid, aid):
    return f"activity:{tid}:{aid}"


def load(cli, tmp_path, teachers, activities=(), *, as_actor=None, name="activities"):
    for kind, rows in (("orgs", ORGS), ("actors", ACTORS), ("teachers", teachers)):
        cli("import", kind, write_csv(tmp_path / f"{kind}.csv", rows), *KEYS_FOR[kind], expect=0)
    if activities:
        import_activities(cli, tmp_path, activities, as_actor=as_actor, name=name)


def import_activities(cli, tmp_path, rows, *, as_actor=None, name="activities", expect=0):
    args = ["import", "activities", write_csv(tmp_path / f"{name}.csv", rows), "--json"]
    if as_actor:
        args += ["--as", as_actor]
    return cli(*args, expect=expect)


def approve(cli, claim_id, actor, expect=0):
    return cli("approve", claim_id, "--as", actor, "--on", ON, "--json", expect=expect)


def cohort(project, n, excellent, *, level="county", start=1):
    """``n`` trainees of one county training (a cohort): their ids, and the authority's import rows."""
    ids = [f"{project}-{i:02d}" for i in range(start, start + n)]
    rows = [activity_row(t, project, level=level, delivery="centralized", hours=30, project_id=project,
                         module="专业能力", assessment="excellent" if k < excellent else "pass")
            for k, t in enumerate(ids)]
    return ids, rows


# -- C-A1: the authority imports a training's hours and scores; the system converts them ----------------------


@pytest.mark.rule("C-A1")
def test_C_A1_authority_bulk_import_of_hours_and_scores_then_recognition_converts(cli, tmp_path):
    ids, rows = cohort("P1", 4, 1)
    load(cli, tmp_path, [teacher_row(t) for t in ids], rows, as_actor="ca")
    assert claim(cli, cid(ids[0], "P1")).state == "authority_recognition"
    # the school cannot recognise a required course, nor can the city recognise the county's
    approve(cli, cid(ids[0], "P1"), "sa1", expect=3)
    approve(cli, cid(ids[0], "P1"), "cy", expect=3)
    res = cli("approve", "--all-queued", "--as", "ca", "--on", ON, "--json", expect=0)
    outs = out_json(res)
    assert [o["after"] for o in outs] == ["approved"] * 4
    assert {(e["credits"], e["rule"], e["article"]) for o in outs for e in o["entries"]} == {("30", "C-C1", "第十条")}
    st = out_json(cli("status", ids[0], "--as-of", "2020-12-31", "--json", expect=0))
    assert st["units"] == ["credits"]
    r1 = next(r for y in st["years"] if y["year"] == 2020 for r in y["requirements"] if r["rule"] == "C-R1")
    assert (r1["unit"], r1["counted"], r1["required"], r1["met"]) == ("credits", "30", "50", False)


@pytest.mark.rule("C-A1")
def test_C_A1_city_course_is_recognised_by_the_city(cli, tmp_path):
    load(cli, tmp_path, [teacher_row("T1")], [activity_row("T1", "c1", level="city", delivery="centralized",
                                                             hours=16, assessment="pass")], as_actor="cy")
    approve(cli, cid("T1", "c1"), "ca", expect=3)
    out = out_json(approve(cli, cid("T1", "c1"), "cy"))
    assert out["after"] == "approved" and out["entries"][0]["credits"] == "16"


@pytest.mark.rule("C-S1")
def test_C_S1_vocational_teacher_gets_a_clear_refusal_at_recognition(cli, tmp_path):
    load(cli, tmp_path, [teacher_row("TV", "S2", stage="vocational")],
         [activity_row("TV", "v1", level="county", delivery="centralized", hours=16)], as_actor="ca")
    out = out_json(approve(cli, cid("TV", "v1"), "ca"))
    assert out["entries"] == [] and out["refused"][0]["rule"] == "C-S1"
    assert "vocational" in out["refused"][0]["reason"]
    st = out_json(cli("status", "TV", "--as-of", "2020-12-31", "--json", expect=0))
    assert st["refused"][0]["rule"] == "C-S1" and st["certificate"]["eligible"] is False
    text = cli("status", "TV", "--as-of", "2020-12-31", expect=0).output
    assert "nothing earned" in text and "C-S1" in text  # a credits region is not told of "hours"


# -- C-A2: electives entered by the school, confirmed by the county ------------------------------------------


@pytest.mark.rule("C-A2")
def test_C_A2_school_enters_the_county_confirms_seven_hours_are_three_and_a_half(cli, tmp_path):
    load(cli, tmp_path, [teacher_row("T1")],
         [activity_row("T1", "sb", "school_based", level="school", hours=7, module="专业知识")], as_actor="sa1")
    c = cid("T1", "sb")
    assert claim(cli, c).state == "school_entry"
    approve(cli, c, "ca", expect=3)   # the county confirms, it does not enter
    approve(cli, c, "sa2", expect=3)  # another school's administrator
    assert out_json(approve(cli, c, "sa1"))["after"] == "county_confirmation"
    approve(cli, c, "sa1", expect=3)  # the school cannot confirm its own entry
    out = out_json(approve(cli, c, "ca"))
    assert out["after"] == "approved"
    assert [(e["credits"], e["rule"]) for e in out["entries"]] == [("3.5", "C-C2")]
    st = out_json(cli("status", "T1", "--as-of", "2020-12-31", "--json", expect=0))
    assert [e["credits"] for e in st["entries"]] == ["3.5"]


@pytest.mark.rule("C-A2")
def test_C_A2_city_direct_school_elective_is_confirmed_by_the_city(cli, tmp_path):
    load(cli, tmp_path, [teacher_row("TC", "SC")],
         [activity_row("TC", "sb", "school_based", level="school", hours=10)], as_actor="sac")
    approve(cli, cid("TC", "sb"), "sac")
    out = out_json(approve(cli, cid("TC", "sb"), "cy"))
    assert out["after"] == "approved" and out["entries"][0]["credits"] == "5"


@pytest.mark.rule("C-A3")
def test_C_A3_assigned_work_is_entered_and_confirmed_by_the_assigning_authority(cli, tmp_path):
    load(cli, tmp_path, [teacher_row("T1")],
         [activity_row("T1", "st", "volunteer_teaching", level="county", hours=9, assigned_by="county")],
         as_actor="ca")
    c = cid("T1", "st")
    assert claim(cli, c).state == "authority_entry"
    approve(cli, c, "sa1", expect=3)
    approve(cli, c, "ca")
    out = out_json(approve(cli, c, "ca"))
    assert out["after"] == "approved" and out["entries"][0]["credits"] == "4.5"


def test_chifeng_import_declared_fields_only_bad_value_names_line_and_field(cli, tmp_path):
    load(cli, tmp_path, [teacher_row("T1")])
    bad = [activity_row("T1", "a", level="county", hours=8),
           activity_row("T1", "b", level="county", hours=8, disciplinary_breach="perhaps")]
    res = import_activities(cli, tmp_path, bad, name="bad", expect=2)
    assert "bad.csv:3: disciplinary_breach: 'perhaps' is not true or false" in res.output  # the cell: line, field
    res = import_activities(cli, tmp_path, [activity_row("T1", "c", level="county", hours=8, bonus=3)],
                            name="unknown", expect=2)
    assert "bonus" in res.output
    assert claim(cli, cid("T1", "a")) is None  # all or nothing


# -- C-Q1: the 25% excellent quota, refused at the stage that records assessments ---------------------------------


@pytest.mark.rule("C-Q1")
def test_C_Q1_exactly_a_quarter_excellent_is_allowed(cli, tmp_path):
    ids, rows = cohort("P8", 8, 2)
    load(cli, tmp_path, [teacher_row(t) for t in ids], rows, as_actor="ca")
    for t in ids:
        assert out_json(approve(cli, cid(t, "P8"), "ca"))["after"] == "approved"


@pytest.mark.rule("C-Q1")
def test_C_Q1_one_over_a_quarter_is_refused_citing_the_rule(cli, tmp_path):
    ids, rows = cohort("P4", 4, 2)
    load(cli, tmp_path, [teacher_row(t) for t in ids], rows, as_actor="ca")
    assert out_json(approve(cli, cid(ids[0], "P4"), "ca"))["after"] == "approved"
    before = counts(cli)
    res = approve(cli, cid(ids[1], "P4"), "ca", expect=3)
    assert "2 of 4" in res.output and "25%" in res.output and "(C-Q1, 第十九条)" in res.output
    assert counts(cli) == before  # nothing posted, nothing moved
    # a trainee graded pass is never held back
    assert out_json(approve(cli, cid(ids[2], "P4"), "ca"))["after"] == "approved"


@pytest.mark.rule("C-Q1")
def test_C_Q1_elective_quota_checked_where_the_school_records_it(cli, tmp_path):
    ids = ["E1", "E2", "E3", "E4"]
    rows = [activity_row(t, "sb", "school_based", level="school", hours=10, project_id="SB-1",
                         assessment="excellent" if t in ("E1", "E2") else "pass") for t in ids]
    load(cli, tmp_path, [teacher_row(t) for t in ids], rows, as_actor="sa1")
    approve(cli, cid("E1", "sb"), "sa1")
    res = approve(cli, cid("E2", "sb"), "sa1", expect=3)
    assert "C-Q1" in res.output
    assert claim(cli, cid("E2", "sb")).state == "school_entry"


# -- the whole year: a county's teachers, status and the report by level and dimension ---------------------------


def test_chifeng_year_end_to_end_status_and_report_by_level_and_dimension(cli, tmp_path):
    teachers = [teacher_row("T1"), teacher_row("T2"), teacher_row("TN", hired_on="2020-09-01",
                                                                    cycle_start="2020-09-01")]
    required = [activity_row("T1", "r1", level="county", delivery="centralized", hours=32, module="专业能力",
                             assessment="pass", project_id="R-1"),
                activity_row("T2", "r1", level="county", delivery="centralized", hours=32, module="专业能力",
                             assessment="pass", project_id="R-1"),
                activity_row("T1", "r2", level="city", delivery="centralized", hours=8, module="政治素质和职业道德",
                             assessment="pass"),
                activity_row("TN", "nt", "new_teacher_training", "2020-10-15", level="county",
                             delivery="centralized", hours=120, assessment="pass"),
                activity_row("T2", "f1", level="county", delivery="centralized", hours=8, assessment="fail")]
    load(cli, tmp_path, teachers, required, as_actor="ca")
    import_activities(cli, tmp_path, [
        activity_row("T1", "sb", "school_based", "2020-11-01", level="school", hours=41, module="专业知识"),
        activity_row("T2", "sb", "school_based", "2020-11-01", level="school", hours=7, module="专业知识"),
    ], as_actor="sa1", name="electives")
    cli("approve", "--all-queued", "--as", "cy", "--on", ON, expect=0)   # the city's course
    cli("approve", "--all-queued", "--as", "ca", "--on", ON, expect=0)   # the county's courses
    cli("approve", "--all-queued", "--as", "sa1", "--on", ON, expect=0)  # the school enters electives
    cli("approve", "--all-queued", "--as", "ca", "--on", ON, expect=0)   # the county confirms them
    queued = out_json(cli("queue", "--as", "ca", "--json", expect=0))
    assert queued == []

    st = out_json(cli("status", "T1", "--as-of", "2020-12-31", "--json", expect=0))
    assert {e["activity"]: e["credits"] for e in st["entries"]} == {"r1": "32", "r2": "8", "sb": "20.5"}
    y = next(y for y in st["years"] if y["year"] == 2020)
    got = [(r["rule"], r.get("label"), r["counted"], r["met"]) for r in y["requirements"]]
    assert got == [("C-R1", "annual credits", "60.5", True), ("C-R2", "annual required credits", "40", True),
                   ("C-R2", "annual elective credits", "20.5", True)]
    st2 = out_json(cli("status", "T2", "--as-of", "2020-12-31", "--json", expect=0))
    assert [r["rule"] for r in st2["refused"]] == ["C-C3"]
    assert [(f["rule"], f["year"]) for f in st2["flags"]] == [("C-V1", 2020)]
    stn = out_json(cli("status", "TN", "--as-of", "2020-12-31", "--json", expect=0))
    assert [e["credits"] for e in stn["entries"]] == ["120"]  # shown in the record …
    assert next(r for r in stn["years"][0]["requirements"] if r["rule"] == "C-R1")["counted"] == "0"  # … not counted
    assert next(r for r in stn["cycle"]["requirements"] if r["rule"] == "C-R4")["met"] is True

    rep = out_json(cli("report", "--org", "D1", "--year", "2020", "--by", "level", "--by", "dimension", "--json",
                       expect=0))
    assert rep["by"]["level"] == {"city": {"teachers": 1, "credits": "8"},
                                  "county": {"teachers": 3, "credits": "184"},
                                  "school": {"teachers": 2, "credits": "24"}}
    assert rep["by"]["dimension"] == {"ability": {"teachers": 2, "credits": "64"},
                                      "ethics": {"teachers": 1, "credits": "8"},
                                      "knowledge": {"teachers": 2, "credits": "24"},
                                      "unstated": {"teachers": 1, "credits": "120"}}
    t1 = next(t for t in rep["teachers"] if t["teacher"] == "T1")
    assert t1["by"]["level"] == {"city": {"credits": "8"}, "county": {"credits": "32"},
                                 "school": {"credits": "20.5"}}
    assert sum(D(v["credits"]) for v in rep["by"]["level"].values()) == \
        sum(D(v["credits"]) for v in rep["by"]["dimension"].values())
    text = cli("report", "--org", "D1", "--year", "2020", "--by", "dimension", "--lang", "en", expect=0).output
    assert "by dimension" in text and "knowledge" in text
    res = cli("report", "--org", "D1", "--year", "2020", "--by", "level:x", expect=2)
    assert "--by" in res.output
    # --by in the workbook: a sheet per grouping, the same sums as the JSON, as number cells
    from openpyxl import load_workbook
    book = tmp_path / "by.xlsx"
    cli("report", "--org", "D1", "--year", "2020", "--by", "level", "--xlsx", book, expect=0)
    sheet = load_workbook(book)["按level"]
    assert [c.value for c in sheet[1]] == ["level", "教师人数", "学分"]
    assert {r[0]: (r[1], D(str(r[2]))) for r in sheet.iter_rows(min_row=2, values_only=True)} == {
        v: (a["teachers"], D(a["credits"])) for v, a in rep["by"]["level"].items()}


@pytest.mark.rule("C-A4")
def test_C_A4_cycle_declared_by_the_school_verified_by_the_county_then_certified(cli, tmp_path):
    rows = [activity_row("T1", a["id"], a["kind"], a["date"],
                         **{k: v for k, v in a.items() if k not in ("id", "kind", "date")}) for a in full_cycle()]
    required = [r for r in rows if r["kind"] == "training"]
    electives = [r for r in rows if r["kind"] == "school_based"]
    load(cli, tmp_path, [teacher_row("T1")], required, as_actor="ca")
    import_activities(cli, tmp_path, electives, as_actor="sa1", name="electives")
    for actor in ("ca", "sa1", "ca"):
        cli("approve", "--all-queued", "--as", actor, "--on", "2024-12-31", expect=0)
    st = out_json(cli("status", "T1", "--as-of", "2024-12-31", "--json", expect=0))
    assert st["cycle"]["met"] is True and st["certificate"]["eligible"] is True
    assert st["certificate"]["rule"] == "C-R5"
    sub = out_json(cli("submit", "T1", "--cycle", "--as", "sa1", "--on", "2024-12-31", "--json", expect=0))
    assert sub["after"] == "school_declared"
    c = sub["claim"]
    cli("approve", c, "--as", "ca", "--on", "2024-12-31", expect=3)
    assert out_json(cli("approve", c, "--as", "sa1", "--on", "2024-12-31", "--json", expect=0))["after"] == \
        "county_verified"
    out = out_json(cli("approve", c, "--as", "ca", "--on", "2024-12-31", "--json", expect=0))
    assert out["after"] == "certified" and out["certificate"]


@pytest.mark.parametrize("actor", ["pa"])
@pytest.mark.rule("C-A1")
def test_C_A1_national_course_is_recognised_at_the_province(cli, tmp_path, actor):
    load(cli, tmp_path, [teacher_row("T1")],
         [activity_row("T1", "n1", level="national", delivery="centralized", hours=24)], as_actor=actor)
    approve(cli, cid("T1", "n1"), "ca", expect=3)
    assert out_json(approve(cli, cid("T1", "n1"), actor))["entries"][0]["credits"] == "24"


@pytest.mark.rule("C-V1")
def test_C_V1_a_vetoed_teacher_is_not_certified_through_the_cycle_claim(cli, tmp_path):
    """Met credits, but a failed training: the cycle claim's last approval is refused and nothing is issued."""
    rows = [activity_row("T1", a["id"], a["kind"], a["date"],
                         **{k: v for k, v in a.items() if k not in ("id", "kind", "date")}) for a in full_cycle()]
    rows.append(activity_row("T1", "failed", "training", "2023-06-01", hours=8, level="county",
                             mandatory="true", assessment="fail"))
    required = [r for r in rows if r["kind"] == "training"]
    electives = [r for r in rows if r["kind"] == "school_based"]
    load(cli, tmp_path, [teacher_row("T1")], required, as_actor="ca")
    import_activities(cli, tmp_path, electives, as_actor="sa1", name="electives")
    for actor in ("ca", "sa1", "ca"):
        cli("approve", "--all-queued", "--as", actor, "--on", "2024-12-31", expect=None)
    st = out_json(cli("status", "T1", "--as-of", "2024-12-31", "--json", expect=0))
    assert st["certificate"]["eligible"] is False
    sub = out_json(cli("submit", "T1", "--cycle", "--as", "sa1", "--on", "2024-12-31", "--json", expect=0))
    cli("approve", sub["claim"], "--as", "sa1", "--on", "2024-12-31", expect=0)
    res = cli("approve", sub["claim"], "--as", "ca", "--on", "2024-12-31", expect=3)
    assert "C-V1" in res.output or "C-R5" in res.output
    assert out_json(cli("certificate", "list", "--teacher", "T1", "--json", expect=0)) == []
