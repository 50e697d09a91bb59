"""bench/bench_report_xlsx.py still runs (a tiny shape; its figures are never asserted), both ways, and
writes the same workbook streamed as from the dict."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from openpyxl import load_workbook

BENCH = Path(__file__).resolve().parents[2] / "bench"


def test_the_workbook_benchmark_runs_at_a_tiny_shape(tmp_path):
    got = {}
    for how in ((), ("--dict",)):
        out = tmp_path / f"r{len(how)}.xlsx"
        r = subprocess.run([sys.executable, str(BENCH / "bench_report_xlsx.py"), "--schools", "3", "--per", "2",
                            "--out", str(out), *how], capture_output=True, text=True, timeout=300)
        assert r.returncode == 0, r.stderr
        line = json.loads(r.stdout)
        assert (line["schools"], line["teachers"], line["rows"], line["sheets"]) == (3, 6, 12, 4)
        assert line["seconds"] > 0 and line["peak_rss_mb"] > 0 and line["dict"] == bool(how)
        wb = load_workbook(out)
        got[how] = [[c.value for row in ws.iter_rows() for c in row] for ws in wb.worksheets]
    assert got[()] == got[("--dict",)] and got[()][1][:2] == ["教师编号", "姓名"]
