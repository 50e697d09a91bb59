"""The benchmarks still run (a tiny size; their figures are not asserted: no timed assertions in tests)."""
from __future__ import annotations

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
