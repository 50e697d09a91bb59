"""``xuefen evaluate``: the real console script on files; bad input names the record and field, exit 2."""
from __future__ import annotations

import json

import pytest

from tests.conftest import SHARED, write_case
from tests.conftest import run_in_process as run_exe  # the real command group, in-process (start-up: test_startup.py)

GOOD = {"region": "kunming", "as_of": "2015-12-31",
        "teacher": {"id": "T-1", "stage": "primary", "cycle_start": "2015-02-01"},
        "activities": [{"id": "a1", "kind": "training", "level": "city", "date": "2015-04-18", "days": 3,
                        "assessment": "excellent"}]}


def test_evaluate_json_matches_the_worked_example(tmp_path):
    data = json.loads((SHARED / "examples" / "kunming-example.json").read_text(encoding="utf-8"))
    data.pop("expect")
    p = run_exe("evaluate", write_case(tmp_path, data), "--json")
    assert p.returncode == 0, p.stderr
    out = json.loads(p.stdout)
    assert [(e["activity"], e["hours"], e["rule"]) for e in out["entries"]] == [("a1", "30", "K-C3"),
                                                                                ("a2", "60", "K-C6")]
    assert out["refused"][0]["rule"] == "K-C12"
    assert out["units"] == ["hours"]


def test_evaluate_prints_a_table_for_people(tmp_path):
    p = run_exe("evaluate", write_case(tmp_path, GOOD))
    assert p.returncode == 0 and "K-C3" in p.stdout and "K-R2" in p.stdout


@pytest.mark.parametrize("patch,expected", [
    (lambda c: c["activities"][0].update(hourz=3), "activity 'a1': hourz: unknown field"),
    (lambda c: c["activities"][0].update(days="three"), "activity 'a1': days: 'three' is not a number"),
    (lambda c: c["activities"][0].update(date="2015-02-30"), "activity 'a1': date: '2015-02-30' is not a date"),
    (lambda c: c["activities"][0].update(kind="karaoke"), "activity 'a1': kind: 'karaoke' is not one of"),
    (lambda c: c["activities"][0].update(days=-1), "activity 'a1': days: -1 is negative"),
    (lambda c: c["activities"][0].update(days=True), "activity 'a1': days: True is not a number"),
    (lambda c: c.update(region="atlantis"), "region: unknown region 'atlantis'"),
    (lambda c: c["teacher"].update(stage="college"), "teacher: stage: 'college' is not one of"),
    (lambda c: c["teacher"].pop("id"), "teacher: id: required"),
    (lambda c: c.update(as_of="31/12/2015"), "as_of: '31/12/2015' is not a date"),
    (lambda c: c["activities"].append(dict(c["activities"][0])), "activity 'a1': id: duplicate activity id"),
    (lambda c: c.update(settings={"nope": 1}), "settings: nope: unknown setting"),
])
def test_evaluate_bad_input_names_activity_and_field(tmp_path, patch, expected):
    case = json.loads(json.dumps(GOOD))
    patch(case)
    p = run_exe("evaluate", write_case(tmp_path, case), "--json")
    assert p.returncode == 2, (p.stdout, p.stderr)
    assert expected in p.stderr
    assert "Traceback" not in p.stderr and p.stdout == ""


def test_evaluate_reports_every_problem_at_once(tmp_path):
    case = json.loads(json.dumps(GOOD))
    case["activities"].append({"id": "a2", "kind": "training", "date": "nope", "hours": "x"})
    p = run_exe("evaluate", write_case(tmp_path, case))
    assert p.returncode == 2
    assert "activity 'a2': date:" in p.stderr and "activity 'a2': hours:" in p.stderr


def test_evaluate_unreadable_and_invalid_json(tmp_path):
    p = run_exe("evaluate", tmp_path / "missing.json")
    assert p.returncode == 2 and "cannot read" in p.stderr
    bad = tmp_path / "bad.json"
    bad.write_text("{\n  \"region\": ,\n}", encoding="utf-8")
    p = run_exe("evaluate", bad)
    assert p.returncode == 2 and "bad.json:2: not valid JSON" in p.stderr
    gbk = tmp_path / "gbk.json"
    gbk.write_bytes(json.dumps(GOOD, ensure_ascii=False).replace("T-1", "教师").encode("gbk"))
    p = run_exe("evaluate", gbk)
    assert p.returncode == 2 and "save the file as UTF-8" in p.stderr


def test_amounts_are_exact_decimals(tmp_path):
    case = json.loads(json.dumps(GOOD))
    case["activities"] = [{"id": f"a{i}", "kind": "training", "level": "county", "date": "2015-05-01",
                           "hours": "0.1"} for i in range(3)]
    out = json.loads(run_exe("evaluate", write_case(tmp_path, case), "--json").stdout)
    r = [r for y in out["years"] for r in y["requirements"] if r["rule"] == "K-R2"][0]
    assert r["counted"] == "0.3"


def test_plugins_json_lists_kunming_with_its_distribution():
    p = run_exe("plugins", "--json")
    items = {i["region"]: i for i in json.loads(p.stdout)}
    k = items["kunming"]
    assert (k["name"], k["entry_point"], k["parent"]) == ("xuefen-kunming", "xuefen_kunming.hooks", None)
    assert "xuefen_convert" in k["hooks"] and k["version"]


def test_rules_prints_ids_and_articles():
    p = run_exe("rules", "kunming", "--json")
    rows = {r["id"]: r for r in json.loads(p.stdout)}
    assert rows["K-C9"]["values"]["hours_per_event"] == "5" and rows["K-C9"]["article"] == "第十条"
    p = run_exe("rules", "atlantis")
    assert p.returncode == 2 and "unknown region" in p.stderr
