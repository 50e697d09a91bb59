"""The benchmarks still run (a tiny size; their figures are not asserted: no timed assertions in tests)."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"


@pytest.mark.parametrize("script, size", [("bench_import.py", "20"), ("bench_evaluate.py", "20")])
def test_a_benchmark_runs_at_a_tiny_size(script, size):
    r = subprocess.run([sys.executable, str(BENCH / script), size], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    assert "floor" in r.stdout and "Traceback" not in r.stderr


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
    assert by["import"]["ratio"] == pytest.approx(by["import"]["rate"] / by["floor"]["rate"], rel=1e-2)
    assert "ratio" in r.stdout and "import" in r.stdout
