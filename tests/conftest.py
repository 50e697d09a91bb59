"""Shared fixtures: a real database per test, and the real CLI.

``db_url`` is a fresh database for each test, on every backend the run covers:
SQLite always, and PostgreSQL as well when ``XUEFEN_TEST_POSTGRES_URL`` names a
server (what ``.ci/run`` does) or ``XUEFEN_TEST_DATABASES=sqlite,postgresql``
asks for one (a throwaway cluster ``tests/pg.py`` starts). So only the tests
that touch a database run twice, in one pytest session; their ids end in
``[sqlite]`` or ``[postgresql]``.

Each database is a copy of one template migrated once per session (a file copy
on SQLite, ``CREATE DATABASE … TEMPLATE`` on PostgreSQL): migrating is tested by
``tests/store``, not paid again by every test. ``empty_db_url`` is a database
with no schema at all, for the tests of migrating and restoring.
"""
from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent
#: the shared worked examples and their checker, copied into the repository (tests/shared/README.md)
SHARED = ROOT / "tests" / "shared"
XUEFEN = str(Path(sys.executable).with_name("xuefen"))
#: the test registries' first administrator (``xuefen init --admin admin``)
ADMIN = "admin"
#: extra arguments of ``xuefen import KIND`` in tests: imported actors get their keys in the test's key folder
KEYS_FOR = {"orgs": (), "actors": ("--create-keys",), "teachers": (), "activities": ()}


def _backends() -> list[str]:
    """The database backends this run covers (see the module docstring)."""
    asked = os.environ.get("XUEFEN_TEST_DATABASES")
    if asked:
        return [b.strip() for b in asked.split(",") if b.strip()]
    if os.environ.get("XUEFEN_TEST_DATABASE") == "postgresql":  # the older spelling: PostgreSQL only
        return ["postgresql"]
    return ["sqlite", "postgresql"] if os.environ.get("XUEFEN_TEST_POSTGRES_URL") else ["sqlite"]


BACKENDS = _backends()


@pytest.fixture(params=BACKENDS)
def backend(request) -> str:
    """``sqlite`` or ``postgresql``: the backend of this test's database."""
    return request.param


#: ``@ONE_BACKEND`` on a test whose database code another test already runs on both backends, and whose own
#: work (writing workbooks, a long story) is the same on either: it runs on the first backend of the run only
ONE_BACKEND = pytest.mark.parametrize("backend", BACKENDS[:1], indirect=True)


@pytest.fixture(scope="session")
def _sqlite_template(tmp_path_factory) -> Path:
    """An SQLite file migrated to the newest schema, once per session."""
    from xuefen.store import open_engine

    path = tmp_path_factory.mktemp("template") / "template.db"
    open_engine(f"sqlite:///{path}").dispose()
    con = sqlite3.connect(path)  # fold the write-ahead log into the file, so one file copy is the database
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    return path


@pytest.fixture
def db_url(backend, tmp_path, request):
    """A fresh database at the newest schema, with no rows."""
    if backend == "postgresql":
        from tests.pg import drop_database, fresh_database, migrated_template
        url = fresh_database(template=migrated_template())
        yield url
        drop_database(url)
        return
    path = tmp_path / "xuefen.db"
    shutil.copyfile(request.getfixturevalue("_sqlite_template"), path)
    yield f"sqlite:///{path}"


@pytest.fixture
def empty_db_url(backend, tmp_path):
    """A fresh database with no schema at all (for migrating and restoring)."""
    if backend == "postgresql":
        from tests.pg import drop_database, fresh_database
        url = fresh_database()
        yield url
        drop_database(url)
        return
    yield f"sqlite:///{tmp_path / 'empty.db'}"


def cli_for(db_url: str, keys_dir: Path, *, bootstrap: bool = True):
    """The real ``xuefen`` command group, in-process against ``db_url``: ``run("queue", "--as", "a1")``.

    Keys live in ``keys_dir`` (``$XUEFEN_KEYS_DIR``); the registry's first administrator ``admin`` is
    made with ``xuefen init --admin admin`` (unless ``bootstrap`` is false) and acts when no ``--as``
    is given (``$XUEFEN_ACTOR``). Actors imported with ``import actors --create-keys`` get their keys there.
    """
    from xuefen_cli.main import cli as group

    env = {"XUEFEN_ACTOR": ADMIN, "XUEFEN_KEY": None, "XUEFEN_KEY_PASSPHRASE": None}  # $XUEFEN_KEYS_DIR: keys_dir
    runner = CliRunner(env=env)
    if bootstrap:  # the first administrator with its test key (tests/keys.py), its key file in keys_dir
        from tests import keys
        from xuefen.store import open_engine
        engine = open_engine(db_url)
        with engine.begin() as conn:
            from xuefen.actors import has_admin
            if not has_admin(conn):
                keys.bootstrap(conn)
        engine.dispose()

    def run(*args, input=None, expect=None):
        result = runner.invoke(group, ["--db", db_url, *map(str, args)], input=input, catch_exceptions=False)
        if expect is not None:
            assert result.exit_code == expect, result.output
        return result

    def signer(actor_id: str):
        """The key ``actor_id`` has in ``keys_dir``, for a test that acts through the library (an actor with
        no key there gets its unregistered test key, which every action refuses)."""
        from tests import keys
        from xuefen.keys import Signer, safe_name
        path = keys_dir / f"{safe_name(actor_id)}.pem"
        return Signer.load(actor_id, path) if path.exists() else keys.signer(actor_id)

    run.db_url, run.keys_dir, run.env, run.signer = db_url, keys_dir, env, signer
    return run


@pytest.fixture(autouse=True)
def keys_dir(tmp_path, monkeypatch) -> Path:
    """A private key folder for the test's actors (mode 0700), ``$XUEFEN_KEYS_DIR`` for the whole test:
    no test reads or writes the keys of the person running the suite."""
    folder = tmp_path / "keys"
    folder.mkdir(mode=0o700, exist_ok=True)
    monkeypatch.setenv("XUEFEN_KEYS_DIR", str(folder))
    for name in ("XUEFEN_KEY", "XUEFEN_ACTOR", "XUEFEN_KEY_PASSPHRASE"):
        monkeypatch.delenv(name, raising=False)
    return folder


@pytest.fixture
def cli(db_url, keys_dir):
    """Invoke the real ``xuefen`` command group in-process against ``db_url``: ``cli("queue", "--as", "a1")``."""
    return cli_for(db_url, keys_dir)


@pytest.fixture
def empty_cli(empty_db_url, keys_dir):
    """The same against a database with no schema yet (what ``xuefen init`` starts from)."""
    return cli_for(empty_db_url, keys_dir, bootstrap=False)


@pytest.fixture
def xuefen_exe():
    """The installed console script, for tests that need a real subprocess."""
    return XUEFEN


def write_case(tmp_path, case: dict, name="case.json") -> Path:
    p = tmp_path / name
    p.write_text(json.dumps(case, ensure_ascii=False), encoding="utf-8")
    return p


def run_exe(*args, env: dict | None = None, **kw):
    """The installed ``xuefen`` in a real subprocess; ``env`` (e.g. ``cli.env``) on top of this process's."""
    full = {**os.environ, **{k: v for k, v in (env or {}).items() if v is not None}}
    for k, v in (env or {}).items():
        if v is None:
            full.pop(k, None)
    return subprocess.run([XUEFEN, *map(str, args)], capture_output=True, text=True, env=full, **kw)


def run_in_process(*args, env: dict | None = None):
    """The real ``xuefen`` command group in this process (click's runner), answering like :func:`run_exe`:
    ``returncode``, ``stdout``, ``stderr``. For the many CLI tests that need no separate process; the few
    that must see the installed program (start-up, signals, the console script) use :func:`run_exe`."""
    import types

    from xuefen_cli.main import cli as group

    result = CliRunner(env=env).invoke(group, [str(a) for a in args], catch_exceptions=True)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return types.SimpleNamespace(returncode=result.exit_code, stdout=result.stdout, stderr=result.stderr)
