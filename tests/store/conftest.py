"""Fixtures for the storage tests: a migrated database and a few rows to hang entries on."""
from __future__ import annotations

import datetime as dt

import pytest

from xuefen import audit
from xuefen.store import open_engine, schema as S
from tests import keys


@pytest.fixture
def engine(db_url):
    """The test database with its first administrator (``admin``, the test key of :mod:`tests.keys`)."""
    eng = open_engine(db_url)
    with eng.begin() as conn:
        keys.bootstrap(conn)
    yield eng
    eng.dispose()


#: Kunming's two review stages, as a claim keeps them (verify checks that records follow them)
STAGES = [{"name": "school_review", "role": "school_admin", "level": "school", "rule": "K-A1", "article": "第八条"},
          {"name": "county_review", "role": "county_admin", "level": "county", "rule": "K-A1", "article": "第八条"}]

#: records the first administrator's action writes: its actor row, its key, the key on its row, the pseudonym key
BOOTSTRAP_RECORDS = 4


def signed(conn, actor: str = keys.ADMIN, action: str = "test"):
    """A signed action of ``actor`` (its test key) on ``conn``: what every write needs."""
    return audit.acting(conn, keys.signer(actor), action)


def seed_claim(conn, *, teacher_id="t1", activity_id="a1", claim_id="c1", actor_id=keys.ADMIN):
    """An org, a teacher, an activity and its claim, written through the audit log."""
    now = S.utcnow()
    if conn.execute(S.orgs.select().where(S.orgs.c.id == "s1")).first() is None:
        audit.insert(conn, actor_id, S.orgs, [{"id": "s1", "name": "第一小学", "level": "school", "region": "kunming"}],
                     action="import")
    if conn.execute(S.teachers.select().where(S.teachers.c.id == teacher_id)).first() is None:
        audit.insert(conn, actor_id, S.teachers, [{"id": teacher_id, "stage": "primary", "school_id": "s1"}],
                     action="import")
    audit.insert(conn, actor_id, S.activities, [{"teacher_id": teacher_id, "id": activity_id, "kind": "training",
                                                 "date": dt.date(2020, 5, 1), "data": {}}], action="import")
    audit.insert(conn, actor_id, S.claims, [{
        "id": claim_id, "teacher_id": teacher_id, "activity_id": activity_id, "region": "kunming",
        "purpose": "activity", "stages": STAGES, "state": "school_review", "created_at": now, "updated_at": now}],
        action="submit")
    return claim_id
