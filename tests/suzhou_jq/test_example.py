"""The worked Suzhou District case beside this file, checked by the project's own example checker.

``suzhou-jq-example.json`` is a case of FORMATS.md §1 with an ``expect`` block in the shape of
the worked examples in tests/shared/examples (each amount worked out by hand from 第五条–第七条 of the text).
"""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import SHARED, XUEFEN, run_exe, write_case

EXAMPLE = Path(__file__).with_name("suzhou-jq-example.json")


def test_suzhou_worked_example_passes_the_shared_checker(tmp_path):
    (tmp_path / "tools").mkdir()
    (tmp_path / "examples").mkdir()
    shutil.copy(SHARED / "tools" / "check-examples.py", tmp_path / "tools")
    shutil.copy(EXAMPLE, tmp_path / "examples")
    p = subprocess.run([sys.executable, str(tmp_path / "tools" / "check-examples.py"), XUEFEN, "suzhou-jq"],
                       capture_output=True, text=True, timeout=120)
    assert p.returncode == 0 and "1/1 examples pass" in p.stdout, p.stdout + p.stderr


def test_suzhou_worked_example_2016_is_flagged_and_does_not_help_2017(tmp_path):
    data = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    data.pop("expect")
    p = run_exe("evaluate", write_case(tmp_path, data), "--json")
    assert p.returncode == 0, p.stderr
    out = json.loads(p.stdout)
    y2016 = next(y for y in out["years"] if y["year"] == 2016)
    assert y2016["met"] is False  # 50 of district training, but no school-based credits (SZ-R1's 16)
    # 第十二条 未完成规定42学分: the 42 are met, so no veto by default (veto_on total)
    assert [(f["rule"], f["year"]) for f in out["flags"]] == []
    data["settings"] = {"veto_on": "all"}
    p = run_exe("evaluate", write_case(tmp_path, data), "--json")
    assert [(f["rule"], f["year"]) for f in json.loads(p.stdout)["flags"]] == [("SZ-P1", 2016)]
    y2017 = next(y for y in out["years"] if y["year"] == 2017)
    assert [(r["label"], r["counted"]) for r in y2017["requirements"]] == [
        ("annual total", "68"), ("district-or-above training", "28"), ("school-based", "16")]
