"""The set-based approval of a batch (xuefen.claims.bulk) gives what approving claim by claim gives.

The same seeded demo data (a Kunming district: refused kinds, a cohort one over its K-C3 share,
teachers with several activities) is imported into two fresh databases; every reviewer's queue
is approved stage by stage, in one claim by claim (``actions.approve_many``: every statement of
``act`` per claim) and in the other set-based (``bulk.approve_many``). The outcomes, the claims,
the posted entries and the audit verification must agree.
"""
from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
import sqlalchemy as sa

from xuefen import actors as actors_mod, audit, demo, imports
from xuefen.claims import actions, bulk, queues
from xuefen.store import open_engine
from xuefen.store.schema import claims, entries

PROFILE = pytest.importorskip("xuefen_kunming.demo").PROFILE
ON = dt.date(PROFILE.year + 1, 1, 15)


def _second_url(db_url: str, backend: str, tmp_path: Path) -> str:
    if backend == "postgresql":
        from tests.pg import fresh_database, migrated_template

        return fresh_database(template=migrated_template())
    path = tmp_path / "second.db"
    shutil.copyfile(db_url.split("///", 1)[1], path)
    return f"sqlite:///{path}"


def _registry(url: str, folder: Path):
    data = demo.generate(5, PROFILE, teachers=90, schools=3)
    paths = demo.write_tables(data, folder)
    engine = open_engine(url)
    with engine.begin() as conn:
        admin = actors_mod.bootstrap(conn, "admin")
    for kind in ("orgs", "actors", "teachers", "activities"):
        imports.import_file(engine, kind, paths[kind], signer=admin)
    with engine.begin() as conn, audit.acting(conn, admin, "key_register"):
        keys = {a["id"]: actors_mod.create_key(conn, admin, a["id"]) for a in data["actors"]}
    return engine, data, keys


def _shown(o) -> dict:
    if isinstance(o, actions.Outcome):
        j = o.as_json()
        return {**j, "entries": [{k: v for k, v in e.items() if k != "id"} for e in j["entries"]]}
    return {"error": type(o).__name__, "message": str(o)}


def _approve_all(engine, data, keys, approve) -> list:
    shown = []
    for role in ("school_admin", "county_admin", "city_admin"):
        for a in (a for a in data["actors"] if a["role"] == role):
            with engine.begin() as conn:
                ids = [r.id for r in queues.queue(conn, a["id"])]
            shown += [_shown(o) for o in approve(engine, ids, keys[a["id"]], as_of=ON)]
    return shown


def _state(engine) -> tuple:
    with engine.begin() as conn:
        cs = [tuple(r) for r in conn.execute(sa.select(claims.c.id, claims.c.state, claims.c.version, claims.c.reason)
                                             .order_by(claims.c.id))]
        es = sorted(tuple(str(v) for v in r) for r in conn.execute(sa.select(
            entries.c.claim_id, entries.c.teacher_id, entries.c.activity_id, entries.c.year, entries.c.date,
            entries.c.hours, entries.c.credits, entries.c.buckets, entries.c.rule, entries.c.article, entries.c.note)))
        v = audit.verify(conn)
    return cs, es, v


@pytest.mark.rule("K-C3")
def test_set_based_approval_gives_what_claim_by_claim_gives(db_url, backend, tmp_path):
    other = _second_url(db_url, backend, tmp_path)
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    e1, data, keys1 = _registry(db_url, tmp_path / "a")
    e2, _, keys2 = _registry(other, tmp_path / "b")
    one = _approve_all(e1, data, keys1, actions.approve_many)
    many = _approve_all(e2, data, {k: keys2[k] for k in keys2}, bulk.approve_many)
    assert one == many
    approved = [o for o in many if "error" not in o]
    refused = [o for o in many if "error" in o]
    assert len(approved) > 300 and any(o["entries"] for o in approved)
    assert refused and all("K-C3" in o["message"] for o in refused)  # the cohort one over its share
    s1, s2 = _state(e1), _state(e2)
    assert s1[0] == s2[0] and s1[1] == s2[1] and len(s1[1]) > 100
    assert s1[2].intact and s2[2].intact, (s1[2].problems[:3], s2[2].problems[:3])
    e1.dispose()
    e2.dispose()


def test_a_refused_claim_in_a_batch_is_left_as_it_was_and_the_rest_approved(db_url, tmp_path):
    (tmp_path / "a").mkdir()
    engine, data, keys = _registry(db_url, tmp_path / "a")
    school = next(a for a in data["actors"] if a["role"] == "school_admin")
    other_school = next(a for a in data["actors"] if a["role"] == "school_admin" and a["id"] != school["id"])
    with engine.begin() as conn:
        mine = [r.id for r in queues.queue(conn, school["id"])][:5]
        theirs = [r.id for r in queues.queue(conn, other_school["id"])][:1]
    out = bulk.approve_many(engine, mine[:2] + theirs + ["no-such-claim"] + mine[2:], keys[school["id"]], as_of=ON)
    kinds = [type(o).__name__ for o in out]
    assert kinds == ["Outcome", "Outcome", "RefusedAction", "NotFound", "Outcome", "Outcome", "Outcome"]
    assert "does not contain the teacher's school" in str(out[2])
    with engine.begin() as conn:
        states = dict(conn.execute(sa.select(claims.c.id, claims.c.state).where(claims.c.id.in_(mine + theirs))).all())
        assert audit.verify(conn).intact
    assert [states[c] for c in mine] == ["county_review"] * 5 and states[theirs[0]] == "school_review"
    # the batch is one signed action: its statement counts what it did
    with engine.begin() as conn:
        last = conn.execute(sa.text("SELECT statement FROM actions ORDER BY seq DESC LIMIT 1")).scalar_one()
    assert '"approved":5' in last and '"refused":2' in last
    engine.dispose()
