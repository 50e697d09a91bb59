"""The reviewer's desk: `xuefen queue` shows what a claim is and what it would earn; `claims TEACHER`.

Through the real CLI against a real database (SQLite, and PostgreSQL when the run covers it).
"""
from __future__ import annotations

import json

import pytest
from rich.cells import cell_len

from tests.workflow.helpers import activity, load, teacher

ON = "2015-07-01"
LONG = "a-very-long-activity-identifier-of-2015-06"


@pytest.fixture
def desk(cli, tmp_path):
    load(cli, tmp_path, [teacher("T1"), teacher("T2", name="欧阳长名字测试老师")], [
        activity("T1", "a1", level="city", days=3, assessment="pass", project_id="PRJ-2015-01"),
        activity("T1", "a2", kind="school_based", hours=20, date="2015-06-01"),
        activity("T2", LONG, level="county", hours=40),
    ])
    return cli


@pytest.mark.rule("K-C2", "K-C6")
def test_queue_json_says_what_each_claim_is_and_earns(desk):
    items = json.loads(desk("queue", "--as", "sa1", "--on", ON, "--json", expect=0).output)
    by = {i["claim"]: i for i in items}
    assert list(by) == ["activity:T1:a1", "activity:T1:a2", f"activity:T2:{LONG}"]
    a1 = by["activity:T1:a1"]
    # the fields as before, unchanged
    assert (a1["teacher"], a1["teacher_name"], a1["school"], a1["activity"], a1["purpose"], a1["state"],
            a1["version"]) == ("T1", "测试教师T1", "S1", "a1", "activity", "school_review", 1)
    # the additions: what it is, its evidence (fields left at their default are no evidence), what it earns
    assert (a1["kind"], a1["level"], a1["date"], a1["hours"], a1["days"]) == ("training", "city", "2015-05-10",
                                                                           None, "3")
    assert a1["evidence"] == {"assessment": "pass", "project_id": "PRJ-2015-01"}
    assert [(e["hours"], e["rule"], e["article"]) for e in a1["earns"]["entries"]] == [("24", "K-C2", "第五条")]
    a2 = by["activity:T1:a2"]
    assert (a2["hours"], a2["days"], a2["evidence"]) == ("20", None, {})
    assert [(e["hours"], e["rule"]) for e in a2["earns"]["entries"]] == [("20", "K-C6")]
    assert [(e["hours"], e["rule"]) for e in by[f"activity:T2:{LONG}"]["earns"]["entries"]] == [("40", "K-C2")]


def test_queue_table_fits_80_columns_and_never_cuts_the_id(desk):
    desk.env["COLUMNS"] = "80"
    out = desk("queue", "--as", "sa1", "--on", ON, expect=0).output
    lines = out.splitlines()
    assert max(cell_len(line) for line in lines) <= 80, out
    cells = [line.split("│") for line in lines if "│" in line]
    first = "".join(c[0].strip() for c in cells)
    rest = " ".join(" ".join(" ".join(c[j].split()) for c in cells if len(c) > j) for j in (1, 2))
    for cid in ("activity:T1:a1", "activity:T1:a2", f"activity:T2:{LONG}"):
        assert cid in first, (cid, out)  # a long id folds onto the next line, never cut or dropped
    for shown in ("测试教师T1", "training · city", "2015-05-10 · 3 days", "24 hours K-C2", "assessment=pass",
                  "20 hours K-C6", "欧阳长名字测试老师", "40 hours K-C2"):
        assert shown in rest, (shown, out)


def test_claims_takes_the_teacher_as_an_argument(desk):
    as_arg = json.loads(desk("claims", "T1", "--json", expect=0).output)
    as_opt = json.loads(desk("claims", "--teacher", "T1", "--json", expect=0).output)
    assert as_arg == as_opt and [c["claim"] for c in as_arg] == ["activity:T1:a1", "activity:T1:a2"]
    r = desk("claims", "T1", "--teacher", "T2", expect=2)
    assert "two teachers given" in r.output
    r = desk("claims", expect=2)
    assert "give the TEACHER id" in r.output
    r = desk("claims", "NOBODY", expect=None)
    assert r.exit_code != 0 and "NOBODY" in r.output
