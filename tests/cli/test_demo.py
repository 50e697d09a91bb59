"""``xuefen demo``, the README's first command: builds, reports, is deterministic, and runs twice.

The first build is the installed program's (the README's command as a user runs it); the report, the
verification and the second build run the same command group in-process (no second interpreter).
"""
from __future__ import annotations

import json

from tests.conftest import run_exe, run_in_process


def _report(path, org, year):
    r = run_in_process("--db", f"sqlite:///{path}", "report", "--org", org, "--year", year, "--json")
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


def test_demo_builds_a_registry_prints_its_report_and_is_deterministic(tmp_path):
    first = tmp_path / "a.db"
    r = run_exe("demo", "--db", first)
    assert r.returncode == 0, r.stderr
    assert "Traceback" not in r.stderr
    assert "approvals" in r.stdout and "ledger entries posted" in r.stdout
    assert "audit verify" in r.stdout  # the next commands to try
    # every action is signed: the invented actors' keys are beside the database, and it says how to use them
    keys = tmp_path / "a.keys"
    assert f"export XUEFEN_KEYS_DIR={keys}" in r.stdout and "audit checkpoint -o a.checkpoint.json" in r.stdout
    assert keys.stat().st_mode & 0o777 == 0o700
    assert len(list(keys.glob("*.pem"))) > 5 and all(k.stat().st_mode & 0o077 == 0 for k in keys.glob("*.pem"))
    # the printed suggestions name the report org and year: reuse them
    line = next(ln for ln in r.stdout.splitlines() if " report --org " in ln)
    words = line.split()
    org, year = words[words.index("--org") + 1], words[words.index("--year") + 1]
    rep = _report(first, org, year)
    assert rep["summary"]["teachers"] >= 100
    assert run_in_process("--db", f"sqlite:///{first}", "audit", "verify").returncode == 0
    # no region is preferred: with several installed, it says which it chose and how to choose another
    assert "the first by code; choose another with --region CODE" in r.stdout

    # running it again replaces the earlier demo; the same seed gives the same registry
    again = run_in_process("demo", "--db", first)
    assert again.returncode == 0, again.stderr
    assert "replacing the earlier demo" in again.stdout
    assert _report(first, org, year) == rep


def test_demo_will_not_overwrite_a_file_that_is_not_a_demo(tmp_path):
    precious = tmp_path / "registry.db"
    precious.write_bytes(b"not a demo")
    r = run_in_process("demo", "--db", precious)
    assert r.returncode == 2 and "not a demo registry" in r.stderr
    assert precious.read_bytes() == b"not a demo"
