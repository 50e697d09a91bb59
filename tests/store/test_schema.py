"""The schema comes from Alembic, on a real SQLite file, and amounts round-trip exactly."""
from __future__ import annotations

import datetime as dt
import sqlite3
from decimal import Decimal

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from xuefen import ledger
from xuefen.model import Entry
from xuefen.store import DatabaseError, head_revision, open_engine, schema as S, schema_revision
from xuefen.store.engine import SQLITE_CACHE_KIB

from tests.store.conftest import seed_claim, signed


def test_migration_creates_every_table_on_a_real_sqlite_file(tmp_path):
    path = tmp_path / "x.db"
    eng = open_engine(f"sqlite:///{path}")
    with eng.connect() as conn:
        assert schema_revision(conn) == head_revision() == "0004"
    eng.dispose()
    names = {r[0] for r in sqlite3.connect(path).execute("select name from sqlite_master where type='table'")}
    assert {t.name for t in S.TABLES} | {"alembic_version"} == names


def test_migration_matches_the_metadata(engine):
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), S.metadata)
    assert diff == []


def test_open_engine_twice_is_a_no_op(db_url):
    open_engine(db_url).dispose()
    eng = open_engine(db_url)
    with eng.connect() as conn:
        assert schema_revision(conn) == head_revision()
    eng.dispose()


def test_sqlite_has_foreign_keys_and_wal(engine):
    if engine.dialect.name != "sqlite":
        pytest.skip("SQLite pragmas")
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        # a page cache that holds a province's index pages (2,000 KiB, SQLite's own, is -2000)
        assert conn.exec_driver_sql("PRAGMA cache_size").scalar() == -SQLITE_CACHE_KIB == -65_536


def test_foreign_keys_are_enforced(engine):
    with pytest.raises(sa.exc.IntegrityError):
        with engine.begin() as conn:
            conn.execute(sa.insert(S.teachers), {"id": "t9", "stage": "primary", "school_id": "no-such-school"})


def test_open_engine_on_an_unreachable_database_is_a_clear_error(tmp_path):
    with pytest.raises(DatabaseError, match="cannot open"):
        open_engine(f"sqlite:///{tmp_path / 'no' / 'such' / 'dir.db'}")


@pytest.mark.parametrize("amounts, total", [(["7.5"], "7.5"), (["0.1", "0.2"], "0.3"),
                                            (["99999.9999", "0.0001"], "100000")])
def test_decimal_amounts_round_trip_exactly(engine, amounts, total):
    with engine.begin() as conn, signed(conn):
        seed_claim(conn)
        ledger.post(conn, "c1", "t1", [Entry("a1", 2020, dt.date(2020, 5, 1), "K-C1", "第五条", hours=Decimal(a))
                                       for a in amounts])
    with engine.connect() as conn:
        stored = conn.execute(sa.select(S.entries.c.hours).order_by(S.entries.c.hours)).scalars().all()
        summed = conn.execute(sa.select(sa.func.sum(S.entries.c.hours))).scalar_one()
    assert all(isinstance(v, Decimal) for v in stored)
    assert sorted(stored) == sorted(Decimal(a) for a in amounts)
    assert isinstance(summed, Decimal) and summed == Decimal(total)
    with engine.connect() as conn:
        assert ledger.balance(conn, "t1", 2020, "hours") == Decimal(total)


def test_an_amount_finer_than_the_column_is_refused_not_rounded(engine):
    from xuefen.errors import Conflict
    with engine.begin() as conn, signed(conn):
        seed_claim(conn)
        with pytest.raises(Conflict, match="more than 4 decimal places"):
            ledger.post(conn, "c1", "t1", [Entry("a1", 2020, dt.date(2020, 5, 1), "K-C1", "第五条",
                                                 hours=Decimal("0.33333"))])


def test_the_head_constant_is_alembics_head():
    """open_engine skips Alembic when a database is at HEAD: HEAD must be the newest shipped revision."""
    from xuefen.store.engine import HEAD, alembic_head

    assert HEAD == alembic_head()


def test_the_cohort_of_a_project_is_read_through_its_index(engine):
    """Migration 0003: the cohort query (K-C3's count) finds a project's activities by index, not by a scan."""
    import sqlalchemy as sa

    expr = S.activity_project_id(engine.dialect.name)
    q = sa.select(S.activities.c.id).where(expr == "P-1")
    sql = str(q.compile(engine, compile_kwargs={"literal_binds": True}))
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            plan = " ".join(str(r[-1]) for r in conn.execute(sa.text("EXPLAIN QUERY PLAN " + sql)))
        else:
            conn.execute(sa.text("SET LOCAL enable_seqscan = off"))
            plan = " ".join(r[0] for r in conn.execute(sa.text("EXPLAIN " + sql)))
    assert "ix_activities_project_id" in plan, plan


def test_a_teachers_approved_activities_are_read_from_the_teachers_not_from_every_approved_claim(engine):
    """repo.approved_activity_rows (the report's cases, the final stage's prior activities, a single
    approval's): the chunk's activities by their index, each claim by its unique key — as a join, SQLite
    drove it from the claims' state index, reading every approved claim of the registry per chunk (and
    PostgreSQL did too on tables it had no statistics of)."""
    import sqlalchemy as sa

    from xuefen.store import repo

    seen = []

    def keep(conn, cursor, statement, parameters, context, executemany):
        if "FROM activities" in statement:
            seen.append((statement, parameters))

    sa.event.listen(engine, "before_cursor_execute", keep)
    try:
        with engine.connect() as conn:
            assert repo.approved_activity_rows(conn, ["t1", "t2"]) == {"t1": [], "t2": []}
    finally:
        sa.event.remove(engine, "before_cursor_execute", keep)
    (statement, parameters), = seen
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            plan = " ".join(str(r[-1]) for r in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters))
            assert "SEARCH activities USING INDEX" in plan and "(teacher_id=?)" in plan, plan
            assert "(teacher_id=? AND activity_id=? AND purpose=?)" in plan, plan
        else:  # a subplan run for each activity found by its index, the claim found by its unique key
            conn.exec_driver_sql("SET LOCAL enable_seqscan = off")
            plan = " ".join(r[0] for r in conn.exec_driver_sql("EXPLAIN " + statement, parameters))
            assert "SubPlan" in plan and "uq_claims_teacher_id_activity_id_purpose" in plan, plan
    assert "ix_claims_state" not in plan, plan
