"""Shared fixtures: a real database per test, and the real CLI.

``db_url`` is a fresh SQLite file under ``tmp_path``; when
``XUEFEN_TEST_DATABASE`` is ``postgresql`` the same tests run against the
PostgreSQL server named by ``XUEFEN_TEST_POSTGRES_URL``, or a throwaway
cluster ``tests/pg.py`` starts (one fresh database per test, dropped after it).
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent
#: the shared worked examples and their checker, copied into the repository (tests/shared/README.md)
SHARED = ROOT / "tests" / "shared"
XUEFEN = str(Path(sys.executable).with_name("xuefen"))


@pytest.fixture
def db_url(tmp_path):
    if os.environ.get("XUEFEN_TEST_DATABASE") == "postgresql":
        from tests.pg import drop_database, fresh_database
        url = fresh_database()
        yield url
        drop_database(url)
        return
    yield f"sqlite:///{tmp_path / 'xuefen.db'}"


@pytest.fixture
def cli(db_url):
    """Invoke the real ``xuefen`` command group in-process against ``db_url``: ``cli("queue", "--as", "a1")``."""
    from xuefen_cli.main import cli as group

    runner = CliRunner()

    def run(*args, input=None, expect=None):
        result = runner.invoke(group, ["--db", db_url, *map(str, args)], input=input, catch_exceptions=False)
        if expect is not None:
            assert result.exit_code == expect, result.output
        return result

    run.db_url = db_url
    return run


@pytest.fixture
def xuefen_exe():
    """The installed console script, for tests that need a real subprocess."""
    return XUEFEN


def write_case(tmp_path, case: dict, name="case.json") -> Path:
    p = tmp_path / name
    p.write_text(json.dumps(case, ensure_ascii=False), encoding="utf-8")
    return p


def run_exe(*args, **kw):
    return subprocess.run([XUEFEN, *map(str, args)], capture_output=True, text=True, **kw)
