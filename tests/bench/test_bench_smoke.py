"""The benchmarks still run (a tiny size; their figures are not asserted: no timed assertions in tests)."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"


@pytest.mark.parametrize("script, args", [("bench_import.py", ["20"]), ("bench_evaluate.py", ["20"]),
                                          ("bench_converting.py", ["5", "12"])])
def test_a_benchmark_runs_at_a_tiny_size(script, args):
    r = subprocess.run([sys.executable, str(BENCH / script), *args], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    assert "floor" in r.stdout and "Traceback" not in r.stderr


def test_the_history_benchmark_approves_one_new_claim_a_teacher_after_earlier_years(tmp_path):
    out = tmp_path / "history.json"
    r = subprocess.run([sys.executable, str(BENCH / "bench_history.py"), "--size", "300", "--back", "0,1",
                        "--json", str(out)], capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr
    ms = json.loads(out.read_text())["measurements"]
    assert [m["name"] for m in ms] == ["approve_county_review"] * 2
    teachers = ms[0]["items"]
    assert teachers > 10 and ms[1]["items"] == teachers  # one final approval a teacher, every one approved
    assert ms[1]["history"] > ms[0]["history"] + 1  # an earlier two-year block approved first
    assert all(m["floor_rate"] > 0 and m["cpu_seconds"] > 0 for m in ms)


def test_the_suite_runs_every_measurement_at_a_tiny_size(tmp_path):
    out = tmp_path / "bench.json"
    r = subprocess.run([sys.executable, str(BENCH / "run.py"), "--sizes", "300", "--json", str(out)],
                       capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr
    ms = json.loads(out.read_text())["measurements"]
    names = {m["name"] for m in ms}
    assert {"floor", "orm_peer", "import", "approve", "end_to_end", "floor_groupby", "report", "floor_evaluate",
            "evaluate"} <= names
    by = {m["name"]: m for m in ms}
    assert by["import"]["items"] == 300 and by["end_to_end"]["items"] == 300
    # two Kunming stages a claim; the generator grades one cohort one over its K-C3 share, so a few are refused
    assert 500 < by["approve"]["items"] < 600
    for m in ms:
        assert set(m) >= {"name", "database", "size", "seconds", "rate", "floor_rate", "ratio", "peak_rss_mb"}
        assert m["database"] == "sqlite" and m["size"] == 300 and m["peak_rss_mb"] > 0
        assert m["cpu_seconds"] > 0  # the phase's process (and workers'): the figure load hardly moves
    assert by["approve"]["cpu_seconds"] == pytest.approx(
        by["approve_school_review"]["cpu_seconds"] + by["approve_county_review"]["cpu_seconds"], abs=2e-3)
    assert by["import"]["ratio"] == pytest.approx(by["import"]["rate"] / by["floor"]["rate"], rel=1e-2)
    assert "ratio" in r.stdout and "import" in r.stdout


def test_scaling_compares_each_measurement_ten_times_larger(monkeypatch):
    monkeypatch.syspath_prepend(str(BENCH))
    import run

    def m(name, size, items, seconds, cpu):
        return {"name": name, "database": "sqlite", "size": size, "items": items, "seconds": seconds,
                "cpu_seconds": cpu}

    rows = run.scaling([m("import", 1000, 1000, 2.0, 1.5), m("import", 10000, 10000, 23.0, 16.5),
                        m("report", 1000, 180, 1.0, None), m("report", 10000, 1800, 12.0, 9.0),
                        m("approve", 10000, 20000, 5.0, 5.0)])  # no 1,000 run of approve: no row
    assert rows == [{"name": "import", "database": "sqlite", "sizes": [1000, 10000], "items": 10.0,
                     "wall": 11.5, "cpu": 11.0},
                    {"name": "report", "database": "sqlite", "sizes": [1000, 10000], "items": 10.0, "wall": 12.0}]
    assert "import: 10.0× the items from 1,000 to 10,000 took 11.5× the time, 11.0× the CPU" in run.table(
        [dict(r, rate=1, floor_rate=None, ratio=None, peak_rss_mb=1) for r in
         [m("import", 1000, 1000, 2.0, 1.5), m("import", 10000, 10000, 23.0, 16.5)]])
