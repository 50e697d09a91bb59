"""Alembic: a populated database of every earlier schema revision upgrades to the newest without loss.

The registry below (orgs, actors, teachers, activities, approved claims with ledger entries, the audit
log) is made by the real program, then written into a database that is only at revision ``REV``
(only the columns that revision has), upgraded with ``xuefen init``, and compared: every row is
still there with the same values, and the audit chain still verifies. Parametrised over every
revision the package ships, so a new migration is tested from the revision before it as soon as it
is added; with one revision, the test is "a populated database at the newest revision: ``init``
changes nothing".
"""
from __future__ import annotations

import pytest
import sqlalchemy as sa
from alembic.script import ScriptDirectory

from tests import keys
from xuefen import audit, backup, claims
from xuefen.store import open_engine, schema as S
from xuefen.store.engine import alembic_config, head_revision, schema_revision, upgrade

from tests.reliability.helpers import fresh_registry, seed_teacher
from tests.reliability.workers import AS_OF, SERVERS

REVISIONS = [s.revision for s in reversed(list(ScriptDirectory.from_config(alembic_config()).walk_revisions()))]


@pytest.fixture(scope="module")
def registry_rows(tmp_path_factory):
    """Every row of a small registry made by the program (on SQLite), as backup JSON values per table."""
    url = f"sqlite:///{tmp_path_factory.mktemp('src') / 'src.db'}"
    engine = fresh_registry(url)
    with engine.begin() as conn:
        claim_ids = {school: seed_teacher(conn, f"M-{n}", school, name=f"迁移{n}",
                                       activities=(("a1", n + 1), ("a2", 1)), as_of=AS_OF)[0]
                  for n, school in enumerate(sorted(SERVERS))}
    for school, cid in claim_ids.items():  # the first activity of each approved at both stages
        for actor in SERVERS[school]:
            claims.approve(engine, cid, keys.signer(actor), as_of=AS_OF)
    with engine.connect() as conn:
        assert audit.verify(conn).intact
        out: dict[str, list[dict]] = {}
        for name, row in backup.rows(conn):
            out.setdefault(name, []).append(row)
    engine.dispose()
    assert len(out["entries"]) == 4 and len(out["audit_log"]) > 20
    return out


#: the first revision whose registries sign every action (xuefen.audit.acting)
SIGNED_FROM = "0002"


def unsigned(rows: dict) -> dict:
    """The registry as a version before signing wrote it: no administrator, no keys, no signed actions, the
    audit log without their records and chained again (what a revision 0001 database holds)."""
    out = {t: [dict(r) for r in rs] for t, rs in rows.items() if t not in ("keys", "actions")}
    admins = {a["id"] for a in out["actors"] if a["role"] == "registry_admin"}
    out["actors"] = [dict(a, public_key=None) for a in out["actors"] if a["id"] not in admins]
    out["settings"] = [r for r in out.get("settings", []) if r["name"] != "redact_key"]
    kept = [r for r in out["audit_log"]
            if r["object_type"] != "key" and r["action"] not in ("bootstrap", "key_register", "key_retire")]
    prev = audit.GENESIS
    for seq, r in enumerate(kept, 1):
        r["seq"] = seq
        body = {k: r[k] for k in ("seq", "at", "actor_id", "action", "object_type", "object_id", "before", "after")}
        r["prev_hash"], r["hash"] = prev, audit.chain_hash(prev, body)
        prev = r["hash"]
    out["audit_log"] = kept
    return out


@pytest.mark.parametrize("rev", REVISIONS)
def test_a_populated_database_upgrades_to_head_without_loss(empty_cli, registry_rows, rev):
    cli = empty_cli
    engine = open_engine(cli.db_url, migrate=False)
    upgrade(engine, rev)
    data = registry_rows if rev >= SIGNED_FROM else unsigned(registry_rows)
    with engine.begin() as conn:
        assert schema_revision(conn) == rev
        present = {t: {c["name"] for c in sa.inspect(conn).get_columns(t)} for t in sa.inspect(conn).get_table_names()}
        written = {}
        for table in S.TABLES:  # parents first
            if table.name not in present or not data.get(table.name):
                continue
            cols = [c for c in table.columns if c.name in present[table.name]]
            rows = [{c.name: backup._from_json(c, r.get(c.name)) for c in cols} for r in data[table.name]]
            rows = backup._self_ordered(table, rows)
            conn.execute(sa.insert(table).values({c.name: sa.bindparam(c.name, type_=c.type) for c in cols}), rows)
            written[table.name] = (cols, rows)
    engine.dispose()
    assert written.keys() >= {"orgs", "actors", "teachers", "activities", "claims", "entries", "audit_log"}

    out = cli("init", expect=0).output  # the user's way to upgrade
    assert (f"already at revision {rev}" if rev == head_revision() else f"upgraded from revision {rev}") in out

    engine = open_engine(cli.db_url, migrate=False)
    with engine.connect() as conn:
        assert schema_revision(conn) == head_revision()
        for name, (cols, rows) in written.items():
            table = S.metadata.tables[name]
            keys = list(table.primary_key.columns)
            got = [dict(r._mapping) for r in conn.execute(sa.select(*cols).order_by(*keys))]
            want = sorted(rows, key=lambda r: tuple(str(r[k.name]) for k in keys))
            got = sorted(got, key=lambda r: tuple(str(r[k.name]) for k in keys))
            assert got == want, name  # every row, every value of the old schema's columns
        v = audit.verify(conn)
        if rev >= SIGNED_FROM:
            assert v.intact, v.broken
        else:  # nothing signed yet: every record is named, until the first administrator vouches for them
            assert [p.table for p in v.problems] == ["audit_log"] and "no signed action covers" in v.broken.problem
        total = conn.execute(sa.select(sa.type_coerce(sa.func.sum(S.entries.c.hours), S.Amount()))).scalar()
    engine.dispose()
    if rev < SIGNED_FROM:
        cli("init", "--admin", "bureau-it", expect=0)  # the first signed action covers the history before it
        engine = open_engine(cli.db_url, migrate=False)
        with engine.connect() as conn:
            v = audit.verify(conn)
            assert v.intact, v.problems
            first = conn.execute(sa.select(S.actions).order_by(S.actions.c.seq)).first()
            assert (first.action, first.first_record) == ("bootstrap", 1)
        engine.dispose()
    assert total == sum(backup._from_json(S.entries.c.hours, r["hours"]) for r in registry_rows["entries"])


def test_0004_moves_normal_school_graduate_into_data_and_the_history_recorded_before_still_verifies(
        empty_cli, registry_rows):
    """Revision 0004: a teacher whose ``normal_school_graduate`` column was true has it in ``teachers.data``
    after the upgrade (a false one, the field's default, has nothing written), the column is gone, and the
    audit records written before, which hold the column, still verify against the migrated rows."""
    cli = empty_cli
    old = {t: [dict(r) for r in rs] for t, rs in registry_rows.items()}
    graduate = sorted(r["id"] for r in old["teachers"])[0]
    for rec in old["audit_log"]:  # what a version before 0004 recorded: the column in every teacher image
        if rec["object_type"] == "teacher":
            for side in ("before", "after"):
                if isinstance(rec[side], dict):
                    rec[side] = {**rec[side], "normal_school_graduate": rec["object_id"] == graduate}
    data = unsigned(old)
    engine = open_engine(cli.db_url, migrate=False)
    upgrade(engine, "0001")
    with engine.begin() as conn:
        present = {t: {c["name"] for c in sa.inspect(conn).get_columns(t)} for t in sa.inspect(conn).get_table_names()}
        assert "normal_school_graduate" in present["teachers"]
        for table in S.TABLES:
            if table.name not in present or not data.get(table.name):
                continue
            cols = [c for c in table.columns if c.name in present[table.name]]
            rows = backup._self_ordered(table, [{c.name: backup._from_json(c, r.get(c.name)) for c in cols}
                                                for r in data[table.name]])
            conn.execute(sa.insert(table).values({c.name: sa.bindparam(c.name, type_=c.type) for c in cols}), rows)
        conn.execute(sa.text("UPDATE teachers SET normal_school_graduate = :t WHERE id = :id"),
                     {"t": True, "id": graduate})
    engine.dispose()
    cli("init", expect=0)
    cli("init", "--admin", "bureau-it", expect=0)  # the first signed action covers the history before it
    engine = open_engine(cli.db_url, migrate=False)
    with engine.connect() as conn:
        assert "normal_school_graduate" not in {c["name"] for c in sa.inspect(conn).get_columns("teachers")}
        moved = {r.id: r.data for r in conn.execute(sa.select(S.teachers.c.id, S.teachers.c.data))}
        assert moved[graduate] == {"normal_school_graduate": True}
        assert all(not (d or {}).get("normal_school_graduate") for t, d in moved.items() if t != graduate)
        v = audit.verify(conn)
        assert v.intact, v.problems
    engine.dispose()


def test_upgrade_row_gives_a_recorded_teacher_image_the_shape_0004_made_of_its_row():
    assert S.upgrade_row("teachers", {"id": "T", "normal_school_graduate": True, "data": {"moved_on": "2019-01-01"}}) \
        == {"id": "T", "data": {"moved_on": "2019-01-01", "normal_school_graduate": True}}
    assert S.upgrade_row("teachers", {"id": "T", "normal_school_graduate": False, "data": None}) == {"id": "T", "data": None}
    now = {"id": "T", "data": {"normal_school_graduate": True}}
    assert S.upgrade_row("teachers", now) is now and S.upgrade_row("claims", {"x": 1}) == {"x": 1}
