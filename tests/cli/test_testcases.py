"""``xuefen test CASES...``: case files with an ``expect`` block pass, fail naming each difference, or exit 2.

The command touches no database, so these tests drive the click group in-process
with a plain :class:`click.testing.CliRunner` (not the ``cli`` fixture, which
makes one), plus one real subprocess of the installed console script.
"""
from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.conftest import ROOT, SHARED, XUEFEN
from xuefen.testing import compare, same
from xuefen_cli.main import cli

EXAMPLES = sorted((SHARED / "examples").glob("*.json"))
KUNMING = sorted((ROOT / "tests" / "kunming" / "cases").glob("*.json"))


def xuefen_test(*args):
    return CliRunner().invoke(cli, ["test", *map(str, args)], catch_exceptions=False)


def copy_case(tmp_path, source: Path, change=None, name=None) -> Path:
    data = json.loads(source.read_text(encoding="utf-8"))
    if change:
        change(data)
    p = tmp_path / (name or source.name)
    p.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return p


@pytest.mark.parametrize("path", EXAMPLES + KUNMING, ids=[p.stem for p in EXAMPLES + KUNMING])
def test_every_worked_example_and_kunming_case_passes(path):
    r = xuefen_test(path)
    assert r.exit_code == 0, r.output
    assert r.output.splitlines() == [f"PASS {path}", "1 passed, 0 failed, 0 invalid"]


def test_directories_are_searched_and_every_case_reported():
    r = xuefen_test(SHARED / "examples", ROOT / "tests" / "kunming" / "cases")
    assert r.exit_code == 0, r.output
    lines = r.output.splitlines()
    assert lines[:-1] == [f"PASS {p}" for p in EXAMPLES + KUNMING]
    assert lines[-1] == f"{len(EXAMPLES) + len(KUNMING)} passed, 0 failed, 0 invalid"


def test_a_changed_expected_value_fails_naming_the_path_expected_and_got(tmp_path):
    def change(data):
        data["expect"]["year_req"][0]["counted"] = "77"
        data["expect"]["entries"]["a1"]["hours"] = "31"
        data["expect"]["refused"]["a3"] = "K-C11"

    bad = copy_case(tmp_path, SHARED / "examples" / "kunming-example.json", change)
    r = xuefen_test(bad)
    assert r.exit_code == 1, r.output
    assert r.output.splitlines() == [
        f"FAIL {bad}",
        "  entries.a1.hours: expected 31, got 30",
        "  refused.a3: expected refused by K-C11, got refused by K-C12",
        "  year_req[year=2015,rule=K-R2].counted: expected 77, got 78",
        "0 passed, 1 failed, 0 invalid",
    ]


def test_a_failure_among_passes_fails_the_run_and_json_lists_it(tmp_path):
    good = copy_case(tmp_path, KUNMING[0])
    bad = copy_case(tmp_path, KUNMING[1], lambda d: d["expect"]["cycle_req"][0].update(met=True), name="z-bad.json")
    r = xuefen_test("--json", tmp_path)
    assert r.exit_code == 1, r.output
    out = json.loads(r.stdout)
    assert (out["passed"], out["failed"], out["invalid"]) == (1, 1, 0)
    assert [(c["file"], c["status"]) for c in out["cases"]] == [(str(good), "pass"), (str(bad), "fail")]
    assert out["cases"][1]["differences"] == [{"path": "cycle_req[rule=K-R1].met", "expected": True, "got": False}]


def test_amounts_compare_as_decimals(tmp_path):
    def change(data):
        data["expect"]["year_req"][0]["counted"] = "78.00"
        data["expect"]["entries"]["a1"]["hours"] = 30

    r = xuefen_test(copy_case(tmp_path, SHARED / "examples" / "kunming-example.json", change))
    assert r.exit_code == 0, r.output


def test_a_row_is_picked_by_rule_and_label_and_an_ambiguous_one_fails(tmp_path):
    def change(data):
        data["expect"]["year_req"] += [
            {"year": 2020, "rule": "C-R2", "label": "annual elective credits", "counted": "20.5"},
            {"year": 2020, "rule": "C-R2", "counted": "20.5"},
        ]

    r = xuefen_test(copy_case(tmp_path, SHARED / "examples" / "chifeng-example.json", change))
    assert r.exit_code == 1, r.output
    fails = [line.strip() for line in r.output.splitlines()[1:-1]]
    assert len(fails) == 1 and fails[0].startswith("year_req[year=2020,rule=C-R2]: expected one requirement row, got 2")


@pytest.mark.parametrize("change,expected", [
    (lambda d: d["activities"][0].update(kind="karaoke"), "activity 'a1': kind: 'karaoke' is not one of"),
    (lambda d: d.pop("expect"), "expect: required"),
    (lambda d: d["expect"]["entries"]["a1"].update(hours="thirty"),
     "expect.entries.a1.hours: 'thirty' is not a decimal amount"),
    (lambda d: d["expect"]["entries"]["a1"].update(hour="30"), "expect.entries.a1.hour: unknown unit"),
    (lambda d: d["expect"].update(cycle_mett=True), "expect.cycle_mett: unknown field"),
    (lambda d: d["expect"]["year_req"][0].pop("year"), "expect.year_req[0].year: required"),
])
def test_an_invalid_case_exits_2_naming_the_file_and_the_field(tmp_path, change, expected):
    bad = copy_case(tmp_path, SHARED / "examples" / "kunming-example.json", change)
    r = xuefen_test(bad)
    assert r.exit_code == 2, r.output
    assert f"ERROR {bad}" in r.output.splitlines()
    assert f"{bad}: {expected}" in r.output
    assert "Traceback" not in r.output


def test_unreadable_files_exit_2_and_the_other_cases_still_run(tmp_path):
    broken = tmp_path / "broken.json"
    broken.write_text('{"region": "kunming",', encoding="utf-8")
    good = copy_case(tmp_path, SHARED / "examples" / "kunming-example.json")
    missing = tmp_path / "missing.json"
    r = xuefen_test(missing, broken, good)
    assert r.exit_code == 2, r.output
    assert f"  {missing}: cannot read: no such file or directory" in r.output
    assert f"  {broken}:1: not valid JSON" in r.output
    assert f"PASS {good}" in r.output
    assert r.output.splitlines()[-1] == "1 passed, 0 failed, 2 invalid"


def test_same_compares_decimals_booleans_and_key_subsets():
    assert same("24", "24.0") and same(24, "24.00") and not same("24", "24.5")
    assert not same(True, 1) and not same(1, True) and same(False, False)
    assert same({"a": "1"}, {"a": "1.0", "b": 2}) and not same({"c": 1}, {"a": 1})
    assert same(["x"], ["x"]) and not same(["x"], ["x", "y"])


def test_compare_on_an_evaluation_without_a_cycle():
    out = {"entries": [], "refused": [], "years": [], "cycle": None, "certificate": None, "transitions": [],
           "warnings": [], "units": ["hours"]}
    diffs = compare({"cycle_met": False, "cycle_req": [{"rule": "X-R1", "met": True}]}, out)
    assert [str(d) for d in diffs] == ["cycle_req[rule=X-R1]: expected a requirement row, got none",
                                       "cycle_met: expected false, got null (the case has no cycle)"]


def test_xuefen_test_imports_no_database_code(tmp_path):
    from tests.cli.test_startup import _probe

    assert _probe(tmp_path, ["test", str(SHARED / "examples")]) == []


def test_the_installed_console_script(tmp_path):
    bad = copy_case(tmp_path, SHARED / "examples" / "zhengzhou-example.json",
                    lambda d: d["expect"]["transition"].update(decision="electronic_path"))
    shutil.copy(SHARED / "examples" / "zhengzhou-example.json", tmp_path / "good.json")
    p = subprocess.run([XUEFEN, "test", str(tmp_path)], capture_output=True, text=True, timeout=120)
    assert p.returncode == 1, (p.stdout, p.stderr)
    assert p.stdout.splitlines() == [
        f"PASS {tmp_path / 'good.json'}",
        f"FAIL {bad}",
        "  transition[rule=Z-T1].decision: expected electronic_path, got paper_path",
        "1 passed, 1 failed, 0 invalid",
    ]
    assert p.stderr == ""
