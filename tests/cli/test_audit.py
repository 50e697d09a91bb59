"""``xuefen audit verify`` / ``audit log`` against a real database (SQLite or PostgreSQL), and tampering found by SQL."""
from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
import sqlalchemy as sa

from xuefen import audit, ledger
from xuefen.model import Entry
from xuefen.store import open_engine, repo

from tests.cli.test_import import ACTIVITIES, ORGS, TEACHERS, _write


@pytest.fixture
def posted(cli, tmp_path):
    """Imported data plus one claim's entries posted through the ledger; returns the entry id."""
    cli("init", expect=0)
    for kind, text in (("orgs", ORGS), ("teachers", TEACHERS), ("activities", ACTIVITIES)):
        cli("import", kind, _write(tmp_path, f"{kind}.csv", text), expect=0)
    eng = open_engine(cli.db_url)
    with eng.begin() as conn, audit.acting(conn, cli.signer("admin"), "post"):
        [p] = ledger.post(conn, repo.claim_id_for("t2", "a1"), "t2",
                          [Entry("a1", 2021, dt.date(2021, 5, 6), "K-C3", "第五条", hours=Decimal("7.5"))])
    eng.dispose()
    return p.id


def _sql(db_url, statement, **params):
    """Run one raw SQL statement behind the program's back (no audit record), on either database."""
    eng = sa.create_engine(db_url)
    with eng.begin() as conn:
        conn.execute(sa.text(statement), params)
    eng.dispose()


def test_verify_intact(cli, posted):
    r = cli("audit", "verify", expect=0)
    # 4 records of the first administrator (its row, its key, the key on its row, the pseudonym key), then
    # one batch record each for the 3 orgs, the 2 teachers, the 3 activities and their 3 claims, and 1 entry:
    # each import and the posting a signed action
    assert r.output.strip() == "chain intact, 9 records, 5 signed actions"
    assert json.loads(cli("audit", "verify", "--json", expect=0).output) == {
        "intact": True, "records": 9, "actions": 5, "broken": None, "problems": [], "counts": {}, "checkpoints": 0}


def test_verify_names_an_entry_whose_hours_were_updated_in_sql(cli, posted):
    _sql(cli.db_url, "UPDATE entries SET hours = hours * 2 WHERE id = :id", id=posted)
    r = cli("audit", "verify", expect=1)
    assert f"broken: entries {posted}: hours is \"15\" in the table but \"7.5\" in audit record 9" in r.output


def test_verify_names_a_claim_deleted_in_sql(cli, posted):
    claim = repo.claim_id_for("t1", "a2")
    _sql(cli.db_url, "DELETE FROM claims WHERE id = :id", id=claim)
    r = cli("audit", "verify", expect=1)
    assert f"broken: claims {claim}: row is missing" in r.output


def test_verify_names_a_claim_whose_state_was_changed_in_sql(cli, posted):
    claim = repo.claim_id_for("t1", "a1")
    _sql(cli.db_url, "UPDATE claims SET state = 'approved' WHERE id = :id", id=claim)
    r = cli("audit", "verify", expect=1)
    assert f"broken: claims {claim}: state is \"approved\" in the table but \"school_review\"" in r.output


def test_verify_names_an_audit_record_updated_in_sql(cli, posted):
    _sql(cli.db_url, "UPDATE audit_log SET actor_id = 'nobody' WHERE seq = 5")
    r = cli("audit", "verify", expect=1)
    assert "broken: audit_log 5: hash does not match the record's content" in r.output
    out = json.loads(cli("audit", "verify", "--json", expect=1).output)
    assert out["broken"] == {"table": "audit_log", "id": "5", "seq": 5,
                             "problem": "hash does not match the record's content (the record was altered)"}


def test_verify_names_an_audit_record_deleted_in_sql(cli, posted):
    _sql(cli.db_url, "DELETE FROM audit_log WHERE seq = 7")
    r = cli("audit", "verify", expect=1)
    assert "broken: audit_log 7: record 7 is missing" in r.output


def test_log_shows_the_newest_records_with_actor_and_change(cli, posted):
    recs = json.loads(cli("audit", "log", "--limit", "3", "--json", expect=0).output)
    # the entry's record, then two of the claims' batch record (record 8), one row each
    assert [(r["seq"], r["object_type"]) for r in recs] == [(9, "entry"), (8, "claim"), (8, "claim")]
    assert recs[1]["batch"] == f"batch:{repo.claim_id_for('t1', 'a1')}..{repo.claim_id_for('t2', 'a1')}"
    assert recs[0]["batch"] is None
    assert recs[0]["actor_id"] == "admin" and recs[0]["action"] == "post" and recs[0]["after"]["hours"] == "7.5"
    text = cli("audit", "log", "--limit", "1", expect=0).output
    assert "admin" in text and "post" in text
    only = json.loads(cli("audit", "log", "--object", f"entry:{posted}", "--json", expect=0).output)
    assert [r["object_id"] for r in only] == [posted]


def test_log_of_one_object_finds_its_row_in_a_batch_record(cli, posted):
    """An activity imported with others sits in the import's batch record: `audit log --object` shows its own
    row's image, as a record of its own would."""
    only = json.loads(cli("audit", "log", "--object", "activity:t1/a2", "--json", expect=0).output)
    assert [(r["seq"], r["object_id"], r["action"]) for r in only] == [(7, "t1/a2", "import")]
    assert only[0]["batch"] == "batch:t1/a1..t2/a1" and only[0]["after"]["id"] == "a2"
    assert only[0]["after"]["teacher_id"] == "t1" and only[0]["before"] is None
    text = cli("audit", "log", "--object", "activity:t1/a2", expect=0).output
    assert "t1/a2" in text and "created" in text
    assert json.loads(cli("audit", "log", "--object", "activity:t9/a2", "--json", expect=0).output) == []


@pytest.mark.parametrize("statement, named", [
    ("UPDATE activities SET date = '2015-01-01' WHERE teacher_id = 't1' AND id = 'a1'", "activities"),
    ("UPDATE teachers SET school_id = 's2' WHERE id = 't1'", "teachers"),
    ("UPDATE orgs SET parent_id = 'yn' WHERE id = 's1'", "orgs"),
    ("DELETE FROM claims WHERE teacher_id = 't1'; DELETE FROM activities WHERE teacher_id = 't1' AND id = 'a2'",
     "activities"),
])
def test_verify_names_a_registry_row_changed_in_sql(cli, posted, statement, named):
    """An activity's data, a teacher's school or an org's place in the tree changed behind the program's back."""
    for one in statement.split("; "):
        _sql(cli.db_url, one)
    r = cli("audit", "verify", expect=1)
    assert f"broken: {named} " in r.output
