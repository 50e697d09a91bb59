"""``xuefen new-region``: the distribution it writes installs and passes its own tests as written.

The generated distribution is really installed (``pip install --no-deps --target``, a folder of
its own, so this environment's regions are untouched) and used from there with ``PYTHONPATH``:
its ``.dist-info`` carries the entry point, so ``xuefen plugins`` finds the new code, its tests
run against the installed package and ``xuefen test`` passes its worked case. A child
(``--parent``) finds its parent among this environment's editable installs.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys

from tests.conftest import run_exe, run_in_process


def _installed_env(tmp_path, out):
    site = tmp_path / "site"
    p = subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--no-build-isolation",
                        "--no-index", "--target", str(site), str(out)], capture_output=True, text=True,
                       timeout=300)
    assert p.returncode == 0, p.stdout + p.stderr
    return {**os.environ, "PYTHONPATH": str(site)}


def test_new_region_installs_and_passes_its_own_tests(tmp_path):
    out = tmp_path / "xuefen-xian-bl"
    p = run_exe("new-region", "xian-bl", "--name", "碑林区 Beilin (示范)", "-o", out)
    assert p.returncode == 0, p.stderr
    package = out / "src" / "xuefen_xian_bl"
    assert {f.name for f in package.iterdir()} >= {"__init__.py", "rules.py", "hooks.py"}
    pyproject = (out / "pyproject.toml").read_text(encoding="utf-8")
    assert 'name = "xuefen-xian-bl"' in pyproject and 'xian-bl = "xuefen_xian_bl.hooks"' in pyproject
    assert '"xuefen>=0.1.0"' in pyproject
    readme = (out / "README.md").read_text(encoding="utf-8")
    assert "| setting | default | reading |" in readme and "`XIANBL-R1`" in readme

    env = _installed_env(tmp_path, out)
    listed = run_exe("plugins", "--json", env=env)
    assert listed.returncode == 0, listed.stderr
    regions = {i["region"]: i for i in json.loads(listed.stdout)}
    assert regions["xian-bl"]["name"] == "xuefen-xian-bl" and regions["xian-bl"]["parent"] is None
    assert "xian-bl" not in {i["region"] for i in json.loads(run_exe("plugins", "--json").stdout)}

    tests = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"], cwd=out,
                           env=env, capture_output=True, text=True, timeout=300)
    assert tests.returncode == 0 and "3 passed" in tests.stdout, tests.stdout + tests.stderr
    cases = run_exe("test", out / "cases", env=env)
    assert cases.returncode == 0 and "1 passed, 0 failed" in cases.stdout, cases.stdout + cases.stderr
    rules = json.loads(run_exe("rules", "xian-bl", "--json", env=env).stdout)
    assert [(r["id"], r["article"]) for r in rules] == [("XIANBL-R1", "第X条"), ("XIANBL-C1", "第X条")]


def test_new_region_parent_writes_a_child_restating_nothing_that_answers_as_the_parent(tmp_path):
    out = tmp_path / "xuefen-suzhou-jq-x"
    p = run_in_process("new-region", "suzhou-jq-x", "--name", "示范分区", "--parent", "suzhou-jq", "-o", out)
    assert p.returncode == 0, p.stderr
    pyproject = (out / "pyproject.toml").read_text(encoding="utf-8")
    assert 'dependencies = ["xuefen>=0.1.0", "xuefen-suzhou-jq"]' in pyproject
    assert 'suzhou-jq-x = "xuefen_suzhou_jq_x.hooks"' in pyproject
    rules = (out / "src" / "xuefen_suzhou_jq_x" / "rules.py").read_text(encoding="utf-8")
    assert "from xuefen_suzhou_jq.hooks import REGION as PARENT" in rules and "PARENT.rules.child(CODE)" in rules

    env = _installed_env(tmp_path, out)
    regions = {i["region"]: i for i in json.loads(run_exe("plugins", "--json", env=env).stdout)}
    assert regions["suzhou-jq-x"]["parent"] == "suzhou-jq"
    tests = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"], cwd=out,
                           env=env, capture_output=True, text=True, timeout=300)
    assert tests.returncode == 0 and "2 passed" in tests.stdout, tests.stdout + tests.stderr
    cases = run_exe("test", out / "cases", env=env)
    assert cases.returncode == 0 and "1 passed, 0 failed" in cases.stdout, cases.stdout + cases.stderr
    rows = json.loads(run_exe("rules", "suzhou-jq-x", "--json", env=env).stdout)
    assert rows and {r["region"] for r in rows} == {"suzhou-jq"}  # every row inherited, none restated


def test_new_region_refuses_an_unknown_parent(tmp_path):
    p = run_in_process("new-region", "abc", "--name", "示范", "--parent", "nowhere", "-o", tmp_path / "gen")
    assert p.returncode == 2 and "'nowhere'" in p.stderr and "suzhou-jq" in p.stderr, p.stderr
    assert not (tmp_path / "gen").exists()


def test_new_region_prefix_option_names_the_rule_ids(tmp_path):
    out = tmp_path / "gen"
    p = run_in_process("new-region", "suzhou-x", "--name", "示范", "--prefix", "SX", "-o", out)
    assert p.returncode == 0, p.stderr
    assert '("SX-R1", "第X条"' in (out / "src" / "xuefen_suzhou_x" / "rules.py").read_text(encoding="utf-8")
    assert '@pytest.mark.rule("SX-C1")' in (out / "tests" / "test_rules.py").read_text(encoding="utf-8")


def test_new_region_refuses_an_existing_folder(tmp_path):
    out = tmp_path / "there"
    out.mkdir()
    p = run_in_process("new-region", "abc", "--name", "示范", "-o", out)
    assert p.returncode == 2 and "already exists" in p.stderr and "Traceback" not in p.stderr
    assert list(out.iterdir()) == []


def test_new_region_refuses_an_invalid_code_or_prefix(tmp_path):
    for args in (["Bad_Code", "--name", "示范"], ["9abc", "--name", "示范"], ["a--b", "--name", "示范"],
                 ["abc", "--name", "示范", "--prefix", "a1"], ["abc", "--name", 'say "hi"']):
        p = run_in_process("new-region", *args, "-o", tmp_path / "gen")
        assert p.returncode == 2 and "error:" in p.stderr and "Traceback" not in p.stderr, (args, p.stderr)
        assert not (tmp_path / "gen").exists()


def test_new_region_help():
    p = run_exe("new-region", "--help")
    assert p.returncode == 0 and "xuefen-CODE" in p.stdout and "--name" in p.stdout
