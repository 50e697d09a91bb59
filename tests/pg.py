"""A real PostgreSQL server for the test suite: one fresh database per test.

``fresh_database()`` creates a uniquely named database and returns its
``postgresql+psycopg://`` URL. The server is

* the one named by ``XUEFEN_TEST_POSTGRES_URL`` (any database on it that the
  user may ``CREATE DATABASE`` from, e.g. ``postgresql+psycopg://postgres@127.0.0.1:5432/postgres``),
  which is what ``.ci/run`` sets after starting a server from Debian's packages; or
* otherwise a throwaway cluster this module starts itself (``initdb`` into a
  temporary directory, loopback only, trust authentication, no fsync), stopped
  and deleted when the test process exits. As root, the cluster runs as the
  ``postgres`` user, since PostgreSQL refuses to run as root.

``drop_database(url)`` removes one again (connections are closed by force).
"""
from __future__ import annotations

import atexit
import concurrent.futures
import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

from sqlalchemy.engine import make_url

_server_url: str | None = None


def _pg_bin(name: str) -> str:
    found = shutil.which(name)
    if found:
        return found
    for cand in sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True):
        return cand
    raise RuntimeError(f"{name} not found: install PostgreSQL (apt-get install -y postgresql) "
                       f"or set XUEFEN_TEST_POSTGRES_URL")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _as_postgres(cmd: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return cmd
    return ["runuser", "-u", "postgres", "--", *cmd]


def start_cluster() -> str:
    """Start a throwaway cluster on 127.0.0.1; returns the admin URL (database ``postgres``)."""
    base = Path(tempfile.mkdtemp(prefix="xuefen-pg-"))
    data, sock = base / "data", base / "sock"
    sock.mkdir()
    if os.geteuid() == 0:
        shutil.chown(base, "postgres")
        shutil.chown(sock, "postgres")
        os.chmod(base, 0o700)
    user = "postgres"
    subprocess.run(_as_postgres([_pg_bin("initdb"), "-D", str(data), "-U", user, "--auth=trust",
                                 "--encoding=UTF8", "--locale=C.UTF-8", "--no-sync"]),
                   check=True, capture_output=True)
    port = _free_port()
    opts = (f"-c listen_addresses=127.0.0.1 -p {port} -k {sock} -c fsync=off "
            f"-c synchronous_commit=off -c full_page_writes=off -c max_connections=200")
    subprocess.run(_as_postgres([_pg_bin("pg_ctl"), "-D", str(data), "-l", str(base / "log"),
                                 "-o", opts, "-w", "start"]), check=True, capture_output=True)

    def stop():
        subprocess.run(_as_postgres([_pg_bin("pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]),
                       capture_output=True)
        shutil.rmtree(base, ignore_errors=True)

    atexit.register(stop)
    return f"postgresql+psycopg://{user}@127.0.0.1:{port}/postgres"


def server_url() -> str:
    """The admin URL of the test server (started on first use when none is configured)."""
    global _server_url
    if _server_url is None:
        _server_url = os.environ.get("XUEFEN_TEST_POSTGRES_URL") or start_cluster()
    return _server_url


def _admin(sql: str) -> None:
    import psycopg

    u = make_url(server_url())
    conninfo = dict(host=u.host or "127.0.0.1", port=u.port or 5432, user=u.username,
                    password=u.password, dbname=u.database or "postgres")
    for attempt in range(50):
        try:
            with psycopg.connect(**{k: v for k, v in conninfo.items() if v is not None},
                                 autocommit=True, connect_timeout=10) as conn:
                conn.execute(sql)
            return
        except psycopg.OperationalError as exc:  # the server is still starting up
            if attempt == 49 or "starting up" not in str(exc):
                raise
            time.sleep(0.2)


def fresh_database(template: str = "template0") -> str:
    """Create a uniquely named database (a copy of ``template``); returns its SQLAlchemy URL.

    A copy of the migrated template is made ahead (:class:`_Ready`): while a test runs, the next test's
    database is being created by the server, so the ~0.1-0.25 s of ``CREATE DATABASE`` is not waited for.
    """
    if template == _template and template is not None:
        return _ready(template).take()
    return _url(_create(template))


def _create(template: str) -> str:
    name = f"xuefen_t_{os.getpid()}_{uuid.uuid4().hex[:12]}"
    _admin(f'CREATE DATABASE "{name}" TEMPLATE "{template}" ENCODING \'UTF8\'')
    return name


#: the one background thread that makes the next test's database and drops the last one's, in order
_background = concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="xuefen-pg")
#: drops handed to the background thread and not yet done
_drops: list[concurrent.futures.Future] = []


class _Ready:
    """One database copied from ``template`` ahead of its use, by the background thread."""

    def __init__(self, template: str):
        self.template = template
        self.next: concurrent.futures.Future | None = None
        atexit.register(self.close)

    def take(self) -> str:
        future, self.next = self.next, _background.submit(_create, self.template)
        return _url(future.result() if future is not None else _create(self.template))

    def close(self) -> None:  # at exit: the background thread has stopped taking work
        future, self.next = self.next, None
        if future is not None:
            try:
                _drop(future.result())
            except Exception:  # the server may be gone already at exit
                pass


def _drop(name: str) -> None:
    _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@atexit.register
def _finish_drops() -> None:
    """At exit, before the template and the server go (atexit runs last-registered first): every drop done."""
    for future in _drops:
        try:
            future.result()
        except Exception:  # the server may be gone already
            pass
    _background.shutdown(wait=True)


_readies: dict[str, _Ready] = {}


def _ready(template: str) -> _Ready:
    if template not in _readies:
        _readies[template] = _Ready(template)
    return _readies[template]


def _url(name: str) -> str:
    u = make_url(server_url()).set(drivername="postgresql+psycopg", database=name)
    return u.render_as_string(hide_password=False)


_template: str | None = None


def migrated_template() -> str:
    """The name of a database migrated to the newest schema, made once per test process.

    Tests copy it with ``CREATE DATABASE … TEMPLATE`` (a file copy inside the server),
    so no test pays for the migration; it is dropped when the process exits.
    """
    global _template
    if _template is None:
        from xuefen.store import open_engine

        name = f"xuefen_tmpl_{os.getpid()}_{uuid.uuid4().hex[:8]}"
        _admin(f'CREATE DATABASE "{name}" TEMPLATE template0 ENCODING \'UTF8\'')
        engine = open_engine(_url(name))
        engine.dispose()
        atexit.register(lambda: _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        _template = name
    return _template


def drop_database(url: str, *, wait: bool = False) -> None:
    """Drop a database made by :func:`fresh_database`, closing its connections by force: by the background
    thread while the next test runs (``DROP DATABASE`` waits for a checkpoint: ~0.1 s), or now with ``wait``."""
    name = make_url(url).database
    if name and name.startswith("xuefen_t_"):
        if wait:
            _drop(name)
        else:
            _drops[:] = [f for f in _drops if not f.done()]
            _drops.append(_background.submit(_drop, name))
