"""Opening a database: the engine, its connection settings, and migrations to the newest schema.

``open_engine(url)`` is what every use case starts from::

    engine = open_engine("sqlite:///xuefen.db")      # creates/upgrades the schema
    with engine.begin() as conn:                       # one transaction per use case
        ...                                            # repositories take ``conn``, never commit

SQLite: foreign keys on, WAL journal, and every transaction starts with
``BEGIN IMMEDIATE`` so two writers never interleave (the second waits up to
:data:`SQLITE_BUSY_SECONDS`). PostgreSQL: ``postgresql+psycopg://user@host/db``.
The schema is only ever created by Alembic (``store/migrations``), never by
``metadata.create_all``.
"""
from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from importlib import resources

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.pool import StaticPool

from xuefen.errors import Conflict, XuefenError

DEFAULT_URL = "sqlite:///xuefen.db"
#: how long an SQLite writer waits for another to finish before giving up
SQLITE_BUSY_SECONDS = 30
#: PostgreSQL advisory lock key held while migrating (any constant shared by all xuefen processes)
MIGRATION_LOCK = 0x78756566  # "xuef"
#: the newest revision in ``store/migrations/versions`` (a test keeps it equal to Alembic's head).
#: Opening a database already at this revision reads one row and never imports Alembic, which
#: costs about a quarter of a second of every command's start-up.
HEAD = "0004"


class DatabaseError(XuefenError):
    """The database cannot be opened or migrated."""

    exit_code = 2


class DatabaseBusy(DatabaseError, Conflict):
    """SQLite: another process held the database's write lock for longer than :data:`SQLITE_BUSY_SECONDS`.

    Exit code 4, like :class:`~xuefen.errors.Conflict`: nothing was changed, and the same command run again
    once the other one has finished will go through.
    """

    exit_code = 4


#: what SQLite says when the busy timeout ran out (SQLITE_BUSY, SQLITE_LOCKED)
_SQLITE_BUSY = ("database is locked", "database table is locked", "database is busy")


def _busy_message(url) -> str:
    return (f"database {url.render_as_string(hide_password=True)} is busy: another xuefen command is writing "
            f"to it (waited {SQLITE_BUSY_SECONDS} s); nothing was changed, try again when it has finished")


def _json_default(value):
    if isinstance(value, Decimal):
        from xuefen.model import dec_str
        return dec_str(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def json_dumps(value) -> str:
    """What JSON columns store: Decimals as decimal strings, dates as ISO text, non-ASCII kept."""
    return json.dumps(value, ensure_ascii=False, default=_json_default)


def alembic_config(connection=None, url: str | None = None):
    """An Alembic configuration pointing at the migrations shipped inside the package."""
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(resources.files("xuefen.store") / "migrations"))
    if url:
        cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


#: SQLite's page cache per connection, in KiB (``PRAGMA cache_size = -N``; SQLite's own default is 2,000 KiB).
#: A province's database is gigabytes: with 2 MiB the inner pages of its indexes fell out of the cache, so
#: every look-up and insert read them back from the file (docs/reliability.md, bench/README.md). Pages are
#: allocated as used, so a small database costs no more.
SQLITE_CACHE_KIB = 65_536


def create_engine(url: str = DEFAULT_URL, *, echo: bool = False) -> Engine:
    """An engine configured for xuefen, without touching the schema (see :func:`open_engine`)."""
    u = make_url(url)
    kw: dict = {"echo": echo, "json_serializer": json_dumps}
    if u.get_backend_name() == "sqlite":
        memory = u.database in (None, "", ":memory:")
        kw["connect_args"] = {"timeout": SQLITE_BUSY_SECONDS, "check_same_thread": False}
        if memory:
            kw["poolclass"] = StaticPool
        engine = sa.create_engine(u, **kw)

        @event.listens_for(engine, "connect")
        def _sqlite_connect(dbapi_conn, _record):
            dbapi_conn.isolation_level = None  # we issue BEGIN ourselves
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys = ON")
            cur.execute(f"PRAGMA cache_size = -{SQLITE_CACHE_KIB}")
            if not memory:
                cur.execute("PRAGMA journal_mode = WAL")
                cur.execute("PRAGMA synchronous = NORMAL")
            cur.close()

        @event.listens_for(engine, "begin")
        def _sqlite_begin(conn):
            conn.exec_driver_sql("BEGIN IMMEDIATE")

        @event.listens_for(engine, "handle_error")
        def _sqlite_busy(context):
            # the write lock was not free within the busy timeout: say so, instead of a traceback or
            # "cannot open or migrate" (raising here replaces SQLAlchemy's OperationalError)
            orig = context.original_exception
            if type(orig).__name__ == "OperationalError" and str(orig).lower().startswith(_SQLITE_BUSY):
                raise DatabaseBusy(_busy_message(engine.url)) from orig

        return engine
    if u.get_backend_name() == "postgresql":
        kw["pool_pre_ping"] = True
    return sa.create_engine(u, **kw)


def schema_revision(conn) -> str | None:
    """The schema revision the database is at (None: empty database)."""
    if not sa.inspect(conn).has_table("alembic_version"):
        return None
    rows = conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalars().all()
    if len(rows) > 1:  # branches: let Alembic say what it makes of them
        from alembic.runtime.migration import MigrationContext

        return MigrationContext.configure(conn).get_current_revision()
    return rows[0] if rows else None


def head_revision() -> str:
    """The newest schema revision this version of xuefen ships (:data:`HEAD`)."""
    return HEAD


def alembic_head() -> str:
    """The head revision as Alembic finds it in the shipped migration scripts (tests compare it with HEAD)."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def upgrade(engine: Engine, revision: str = "head") -> tuple[str | None, str | None]:
    """Run Alembic migrations up to ``revision`` in one transaction; returns (before, after)."""
    try:
        with engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                conn.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": MIGRATION_LOCK})
            before = schema_revision(conn)
            if before != HEAD or revision != "head":
                from alembic import command

                command.upgrade(alembic_config(conn), revision)
            after = schema_revision(conn)
    except sa.exc.OperationalError as exc:
        raise DatabaseError(f"database {engine.url.render_as_string(hide_password=True)}: "
                            f"cannot open or migrate: {exc.orig}") from exc
    return before, after


def _shown(url: str) -> str:
    """The URL as it may be printed: its password hidden."""
    try:
        return repr(make_url(url).render_as_string(hide_password=True))
    except sa.exc.ArgumentError:
        return repr(url)


def open_engine(url: str = DEFAULT_URL, *, migrate: bool = True, echo: bool = False) -> Engine:
    """The engine for ``url``, its schema brought to the newest revision (``alembic upgrade head``).

    :param url: ``sqlite:///path.db`` (default ``sqlite:///xuefen.db``), ``sqlite://`` (in memory)
        or ``postgresql+psycopg://user:password@host/db``.
    :param migrate: False to leave the schema as it is.
    :raises DatabaseError: the database cannot be reached or migrated.
    :raises DatabaseBusy: SQLite: another process kept the write lock longer than :data:`SQLITE_BUSY_SECONDS`
        (exit code 4; so does any later transaction of the engine that waits as long).
    """
    try:
        engine = create_engine(url, echo=echo)
    except ImportError as exc:
        backend = make_url(url).get_backend_name()
        hint = (" — install the PostgreSQL driver: pip install 'xuefen[postgresql]' (psycopg 3)"
                if backend == "postgresql" else "")
        raise DatabaseError(f"database URL {_shown(url)}: {exc}{hint}") from exc
    except sa.exc.ArgumentError as exc:
        raise DatabaseError(f"database URL {_shown(url)}: {exc}") from exc
    if migrate:
        upgrade(engine)
    return engine


#: tables an application role may only read and append to (PostgreSQL; a trigger also refuses the owner)
APPEND_ONLY = ("audit_log", "actions", "entries")


def grant_app_role(engine: Engine, role: str) -> list[str]:
    """Give PostgreSQL role ``role`` what the application needs and no more: read and write the registry's
    tables, but only read and append to the audit log, the signed actions and the ledger, and never
    migrate. Run as the owner role (the one that migrates); returns the statements run.

    :raises DatabaseError: not PostgreSQL, or the role does not exist.
    """
    if engine.dialect.name != "postgresql":
        raise DatabaseError("--app-role: database roles are PostgreSQL's; an SQLite file has none")
    q = engine.dialect.identifier_preparer.quote
    r = q(role)
    protected = ", ".join(APPEND_ONLY)
    statements = [
        f"GRANT USAGE ON SCHEMA {q('public')} TO {r}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {r}",
        f"REVOKE UPDATE, DELETE, TRUNCATE ON {protected} FROM {r}",
        f"REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON alembic_version FROM {r}",
    ]
    try:
        with engine.begin() as conn:
            if conn.execute(sa.text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": role}).first() is None:
                raise DatabaseError(f"--app-role: no PostgreSQL role {role!r} (CREATE ROLE {role} LOGIN first)")
            for st in statements:
                conn.execute(sa.text(st))
    except sa.exc.DBAPIError as exc:
        raise DatabaseError(f"--app-role {role}: {exc.orig}") from exc
    return statements
