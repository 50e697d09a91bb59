"""Tamper evidence: a row of the ledger (``entries``), a claim or the audit log changed or deleted
directly in SQL (no audit record) is named by ``xuefen audit verify``, on SQLite and PostgreSQL.

Each case runs plain SQL through a bare SQLAlchemy engine, the way someone with database access
would, then the real CLI; ``audit verify`` must exit 1 and name the table and the row.
"""
from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from tests import keys
from xuefen import claims

from tests.reliability.helpers import fresh_registry, seed_teacher
from tests.reliability.workers import AS_OF

CLAIM = "activity:T-1:a1"
#: (table, statement, the id verify must name); :entry is the posted entry's id, :seq an audit record
CASES = [
    ("entries", "UPDATE entries SET hours = hours + hours WHERE id = :entry", ":entry"),
    ("entries", "UPDATE entries SET teacher_id = 'T-2' WHERE id = :entry", ":entry"),
    ("entries", "DELETE FROM entries WHERE id = :entry", ":entry"),
    ("claims", f"UPDATE claims SET state = 'county_review' WHERE id = '{CLAIM}'", CLAIM),
    ("claims", f"UPDATE claims SET version = 1 WHERE id = '{CLAIM}'", CLAIM),
    ("claims", "DELETE FROM claims WHERE id = 'activity:T-2:a1'", "activity:T-2:a1"),
    ("audit_log", "UPDATE audit_log SET actor_id = 'ca-K2' WHERE seq = :seq", ":seq"),
    ("audit_log", "UPDATE audit_log SET after = NULL WHERE seq = :seq", ":seq"),
    ("audit_log", "DELETE FROM audit_log WHERE seq = :seq", ":seq"),
    # the newest record cut off the chain's end: the claim it was about no longer matches its latest record
    ("claims", "DELETE FROM audit_log WHERE seq = (SELECT max(seq) FROM audit_log)", CLAIM),
]


@pytest.fixture
def approved(db_url):
    """Three teachers with a claim each; T-1's is approved, so it has an entry in the ledger."""
    engine = fresh_registry(db_url)
    with engine.begin() as conn:
        for n in (1, 2, 3):
            seed_teacher(conn, f"T-{n}", name=f"测试{n}", as_of=AS_OF)
    claims.approve(engine, CLAIM, keys.signer("sa-S1"), as_of=AS_OF)
    out = claims.approve(engine, CLAIM, keys.signer("ca-K1"), as_of=AS_OF)
    with engine.connect() as conn:
        entry = conn.execute(sa.text("SELECT id FROM entries")).scalar_one()
        seq = conn.execute(sa.text("SELECT seq FROM audit_log WHERE object_id = :c ORDER BY seq"),
                           {"c": CLAIM}).scalars().first()
    engine.dispose()
    assert out.after == "approved"
    return {"entry": entry, "seq": seq}


@pytest.mark.parametrize("table,statement,names", CASES, ids=[f"{t}-{s.split()[0].lower()}-{i}"
                                                              for i, (t, s, _) in enumerate(CASES)])
def test_audit_verify_catches_sql_behind_the_programs_back(cli, approved, table, statement, names):
    assert cli("audit", "verify", expect=0).output.startswith("chain intact")
    params = {k: v for k, v in approved.items() if f":{k}" in statement}
    raw = sa.create_engine(cli.db_url)
    with raw.begin() as conn:
        assert conn.execute(sa.text(statement), params).rowcount >= 1
    raw.dispose()
    r = cli("audit", "verify", "--json")
    assert r.exit_code == 1, r.output
    found = json.loads(r.output)
    want = {":entry": approved["entry"], ":seq": str(approved["seq"])}.get(names, names)
    named = [p for p in found["problems"] if p["table"] == table and want in p["id"]]
    assert named and all(p["problem"] for p in named), found["problems"]
    assert found["broken"] == found["problems"][0]
    text = cli("audit", "verify").output
    assert f"broken: {table} " in text and "Traceback" not in text
