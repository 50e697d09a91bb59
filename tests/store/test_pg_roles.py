"""PostgreSQL roles: the application role cannot UPDATE or DELETE audit records, signed actions or ledger
entries (privileges revoked), and even the owner role that migrates is stopped by the append-only trigger.

Runs on the PostgreSQL backend only (a real server: CI's, or the throwaway cluster of tests/pg.py).
"""
from __future__ import annotations

import uuid

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from tests.conftest import cli_for


def _as(url: str, role: str) -> str:
    return make_url(url).set(username=role, password=None).render_as_string(hide_password=False)


@pytest.fixture
def roles(backend, tmp_path, keys_dir):
    if backend != "postgresql":
        pytest.skip("database roles are PostgreSQL's")
    from tests.pg import _admin, drop_database, fresh_database
    tag = uuid.uuid4().hex[:8]
    owner, app = f"xuefen_owner_{tag}", f"xuefen_app_{tag}"
    _admin(f'CREATE ROLE "{owner}" LOGIN')
    _admin(f'CREATE ROLE "{app}" LOGIN')
    url = fresh_database()
    name = make_url(url).database
    _admin(f'ALTER DATABASE "{name}" OWNER TO "{owner}"')
    with sa.create_engine(url).begin() as conn:
        conn.execute(sa.text(f'ALTER SCHEMA public OWNER TO "{owner}"'))
    yield url, owner, app
    drop_database(url, wait=True)  # the roles own objects in it until it is gone
    _admin(f'DROP ROLE IF EXISTS "{app}"')
    _admin(f'DROP ROLE IF EXISTS "{owner}"')


def test_the_application_role_cannot_rewrite_history_and_the_owner_is_stopped_by_the_trigger(roles, keys_dir):
    url, owner, app = roles
    as_owner = cli_for(_as(url, owner), keys_dir, bootstrap=False)
    as_owner("init", "--admin", "admin", "--app-role", app, expect=0)
    as_app = cli_for(_as(url, app), keys_dir, bootstrap=False)
    assert as_app("audit", "verify", expect=0).output.startswith("chain intact")  # it reads and it works
    for who, role in ((app, "permission denied"), (owner, "append-only")):
        eng = sa.create_engine(_as(url, who))
        for statement in ("UPDATE audit_log SET actor_id = 'x'", "DELETE FROM audit_log",
                          "UPDATE actions SET action = 'x'", "DELETE FROM entries", "TRUNCATE audit_log"):
            with pytest.raises(sa.exc.DBAPIError, match=role):
                with eng.begin() as conn:
                    conn.execute(sa.text(statement))
        eng.dispose()
    # the application role appends as the program does: a signed import works
    import tempfile, pathlib
    orgs = pathlib.Path(tempfile.mkdtemp()) / "o.csv"
    orgs.write_text("id,name,level,parent_id,region\nYN,云南省,province,,kunming\n", encoding="utf-8")
    as_app("import", "orgs", orgs, expect=0)
    assert as_app("audit", "verify", expect=0).output.startswith("chain intact")


def test_app_role_on_sqlite_is_a_clear_error(backend, empty_cli):
    if backend != "sqlite":
        pytest.skip("the SQLite message")
    r = empty_cli("init", "--app-role", "someone")
    assert r.exit_code == 2 and "PostgreSQL" in r.output
