"""Start-up: the commands that need no database import neither Alembic nor SQLAlchemy and open nothing.

Each check runs in a fresh interpreter (what a user's ``xuefen`` process is), invokes the
command through the real click group, and then looks at ``sys.modules`` and the working folder.
"""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.conftest import SHARED

PROBE = r"""
import json, os, sys
from xuefen_cli.main import cli
args = json.loads(sys.argv[1])
try:
    cli.main(args, prog_name="xuefen", standalone_mode=False)
except SystemExit as exc:
    if exc.code:
        raise
heavy = sorted(m for m in ("alembic", "sqlalchemy", "mako", "cryptography", "psycopg") if m in sys.modules)
sys.stderr.write("HEAVY=" + json.dumps(heavy) + "\n")
"""


def _probe(tmp_path, args: list[str]) -> list[str]:
    db = tmp_path / "never.db"
    r = subprocess.run([sys.executable, "-c", PROBE, json.dumps(["--db", f"sqlite:///{db}", *args])],
                       capture_output=True, text=True, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert not db.exists(), "a command that needs no database created one"
    line = next(x for x in r.stderr.splitlines() if x.startswith("HEAVY="))
    return json.loads(line[len("HEAVY="):])


@pytest.mark.parametrize("args", [
    ["--help"],
    ["approve", "--help"],
    ["plugins"],
    ["rules", "kunming"],
    ["evaluate", str(SHARED / "examples" / "kunming-example.json"), "--json"],
], ids=lambda a: " ".join(a[:2]).replace("/", "_"))
def test_a_command_without_a_database_imports_no_database_code(tmp_path, args):
    assert _probe(tmp_path, args) == []


def test_a_postgresql_url_without_its_driver_says_which_extra(tmp_path):
    """No psycopg installed: exit 2 naming the extra to install, never a traceback."""
    code = ("import sys; sys.modules['psycopg'] = None; sys.modules['psycopg2'] = None\n"
            "from xuefen_cli.main import cli\n"
            "cli.main(['--db', 'postgresql+psycopg://u:secret@127.0.0.1:1/x', 'audit', 'verify'], prog_name='xuefen')")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path)
    assert r.returncode == 2, r.stderr
    assert "Traceback" not in r.stderr
    assert "pip install 'xuefen[postgresql]'" in r.stderr
    assert "secret" not in r.stderr
