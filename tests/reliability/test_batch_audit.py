"""Batch audit records (issue 16): one chained, signed record per batch of rows — an import's rows of one table,
a queue's approvals, their entries — holding every row's image, and every per-row guarantee of a record each.

Each attack is mounted behind the program's back (raw SQL, or the library under a real key where the attacker
holds one) on SQLite and PostgreSQL, and ``audit verify`` must name it: a row covered by a batch record altered
or deleted (its table and id), the batch record's own images altered (the record, by its hash), the batch
record rebuilt with a recomputed hash (the signed action), a row laundered through a batch, a batch that moves
claims outside their flow, signed by an actor without the authority, or amends activities of claims it does not
take back.
"""
from __future__ import annotations

import datetime as dt
import json

import pytest
import sqlalchemy as sa

from tests.workflow.helpers import activity, engine, load, teacher
from xuefen import audit
from xuefen.store import schema as S

ON = "2015-07-01"
TEACHERS = ("T1", "T2", "T3")
CLAIMS = [f"activity:{t}:a1" for t in TEACHERS]


@pytest.fixture
def reg(cli, tmp_path):
    """Three teachers of school S1 with a city training each, imported (a batch record per table), then the
    school stage approved as one queue (``approve --all-queued``: one batch record of the three claims)."""
    load(cli, tmp_path, [teacher(t) for t in TEACHERS],
         [activity(t, "a1", level="city", days=n) for n, t in enumerate(TEACHERS, 2)])
    cli("approve", "--all-queued", "--as", "sa1", "--on", ON, expect=0)
    return cli


def _verify(cli) -> list[dict]:
    r = cli("audit", "verify", "--json")
    assert r.exit_code == 1, r.output
    return json.loads(r.output)["problems"]


def _sql(cli, statement, **params):
    raw = sa.create_engine(cli.db_url)
    with raw.begin() as conn:
        assert conn.execute(sa.text(statement), params).rowcount == 1
    raw.dispose()


def _batch(cli, object_type, action):
    """The newest batch record about ``object_type`` written by ``action``, as stored."""
    with engine(cli).begin() as conn:
        recs = [r for r in audit.records(conn, object_type=object_type, expand=False)
                if r.is_batch and r.action == action]
    assert recs, f"no batch record of {object_type} by {action}"
    return recs[0]


def test_an_import_and_a_queue_write_one_batch_record_per_table_and_readers_see_each_row(reg):
    acts, approved = _batch(reg, "activity", "import"), _batch(reg, "claim", "approve")
    assert acts.object_id == "batch:T1/a1..T3/a1" and sorted(acts.after) == ["T1/a1", "T2/a1", "T3/a1"]
    assert acts.before is None
    assert approved.object_id == f"batch:{CLAIMS[0]}..{CLAIMS[-1]}" and sorted(approved.before) == CLAIMS
    assert {k: (v["state"], approved.after[k]["state"]) for k, v in approved.before.items()} == {
        c: ("school_review", "county_review") for c in CLAIMS}
    assert reg("audit", "verify", expect=0).output.startswith("chain intact")
    with engine(reg).begin() as conn:
        history = audit.records(conn, object_type="claim", object_id=CLAIMS[1], newest_first=False)
        row = conn.execute(sa.select(S.claims).where(S.claims.c.id == CLAIMS[1])).one()
    assert [(r.action, r.batch is not None, r.object_id) for r in history] == [("import", True, CLAIMS[1]),
                                                                           ("approve", True, CLAIMS[1])]
    assert history[-1].after == audit.image(S.claims, row._mapping) and history[-1].seq == approved.seq
    assert history[-1].before["state"] == "school_review"


@pytest.mark.parametrize("table,statement,named", [
    ("activities", "UPDATE activities SET date = '2015-01-01' WHERE teacher_id = 'T2' AND id = 'a1'", "T2/a1"),
    ("teachers", "UPDATE teachers SET school_id = 'S2' WHERE id = 'T3'", "T3"),
    ("claims", f"UPDATE claims SET state = 'approved' WHERE id = '{CLAIMS[1]}'", CLAIMS[1]),
])
def test_a_row_a_batch_record_covers_altered_in_sql_is_named(reg, table, statement, named):
    """(a) one row of an imported or a batch-approved table changed behind the program's back."""
    _sql(reg, statement)
    problems = _verify(reg)
    assert [(p["table"], p["id"]) for p in problems] == [(table, named)], problems
    assert "in the table but" in problems[0]["problem"]


def test_a_row_inside_the_batch_record_altered_in_sql_breaks_its_hash(reg):
    """(b) the batch record's stored image of one row changed (to match a row also changed): the record's hash
    no longer matches its content."""
    rec = _batch(reg, "activity", "import")
    after = {**rec.after, "T2/a1": {**rec.after["T2/a1"], "date": "2015-01-01"}}
    with engine(reg).begin() as conn:
        conn.execute(sa.update(S.audit_log).where(S.audit_log.c.seq == rec.seq).values(after=after))
    _sql(reg, "UPDATE activities SET date = '2015-01-01' WHERE teacher_id = 'T2' AND id = 'a1'")
    problems = _verify(reg)
    assert problems[0] == {"table": "audit_log", "id": str(rec.seq), "seq": rec.seq,
                           "problem": "hash does not match the record's content (the record was altered)"}


def test_a_row_a_batch_record_covers_deleted_in_sql_is_named(reg):
    """(c) one claim of the approved batch deleted."""
    _sql(reg, "DELETE FROM claims WHERE id = :id", id=CLAIMS[2])
    problems = _verify(reg)
    assert [(p["table"], p["id"]) for p in problems] == [("claims", CLAIMS[2])], problems
    assert problems[0]["problem"].startswith("row is missing")


def test_a_row_inserted_in_sql_among_a_batch_records_rows_is_named(reg):
    """An extra activity between the batch's first and last key, with no record of its own."""
    _sql(reg, "INSERT INTO activities (teacher_id, id, kind, date, data) "
              "VALUES ('T2', 'a0', 'training', '2015-05-10', '{}')")
    problems = _verify(reg)
    assert [(p["table"], p["id"]) for p in problems] == [("activities", "T2/a0")], problems
    assert "row has no audit record" in problems[0]["problem"]


def test_a_batch_record_rebuilt_with_recomputed_hashes_fails_the_signed_action(reg):
    """(d) a claim moved on in SQL, its image inside the batch record rewritten to match and the record's hash
    (and every later one) recomputed with the public hash function: the chain links, the rows match, but the
    signed action no longer covers these records."""
    rec = _batch(reg, "claim", "approve")
    with engine(reg).begin() as conn:
        rows = [dict(r._mapping) for r in conn.execute(sa.select(S.audit_log).where(S.audit_log.c.seq >= rec.seq)
                                                       .order_by(S.audit_log.c.seq))]
        rows[0]["after"] = {**rows[0]["after"], CLAIMS[1]: {**rows[0]["after"][CLAIMS[1]], "reason": "forged"}}
        prev = rec.prev_hash
        for r in rows:
            body = audit.Record.from_row(type("R", (), {"_mapping": r})()).body()
            r["prev_hash"], r["hash"] = prev, audit.chain_hash(prev, body)
            prev = r["hash"]
        conn.execute(sa.delete(S.audit_log).where(S.audit_log.c.seq >= rec.seq))
        conn.execute(sa.insert(S.audit_log), rows)
        conn.execute(sa.update(S.claims).where(S.claims.c.id == CLAIMS[1]).values(reason="forged"))
    problems = _verify(reg)
    assert [p["table"] for p in problems] == ["actions"], problems
    assert "not the ones signed" in problems[0]["problem"]


def test_a_row_laundered_through_a_batch_approval_is_named(reg):
    """A claim's row changed in SQL, then approved with the county's queue: the batch record's before-image of
    that claim is the altered row, which differs from the claim's previous record."""
    _sql(reg, "UPDATE claims SET reason = 'altered' WHERE id = :id", id=CLAIMS[0])
    reg("approve", "--all-queued", "--as", "ca1", "--on", ON)
    problems = _verify(reg)
    laundered = [p for p in problems if p["table"] == "claims" and p["id"] == CLAIMS[0]]
    assert laundered and "starts from a row that differs" in laundered[0]["problem"], problems
    assert "(reason)" in laundered[0]["problem"]


def test_entries_posted_by_a_batch_approval_are_each_verified(reg):
    """The county's queue posts every entry under one batch record; one entry's hours changed in SQL is named."""
    reg("approve", "--all-queued", "--as", "ca1", "--on", ON, expect=0)
    rec = _batch(reg, "entry", "post")
    assert len(rec.after) >= 3 and reg("audit", "verify", expect=0).output.startswith("chain intact")
    entry = sorted(rec.after)[1]
    _sql(reg, "UPDATE entries SET hours = hours + 1 WHERE id = :id", id=entry)
    problems = _verify(reg)
    assert [(p["table"], p["id"], p["seq"]) for p in problems] == [("entries", entry, rec.seq)], problems


def _signed_claim_batch(cli, actor, action, changes: dict[str, dict], object_type="claim", table=S.claims):
    """Rows changed and recorded as one batch record under ``actor``'s real key, bypassing the workflow's checks
    (what a holder of a key could write with the library alone)."""
    with engine(cli).begin() as conn, audit.acting(conn, cli.signer(actor), action):
        items = []
        for key, values in changes.items():
            cond = [table.c[c.name] == v for c, v in zip(table.primary_key.columns, key.split("/"))] \
                if object_type != "claim" else [table.c.id == key]
            old = dict(conn.execute(sa.select(table).where(*cond)).one()._mapping)
            conn.execute(sa.update(table).where(*cond).values(**values))
            new = dict(conn.execute(sa.select(table).where(*cond)).one()._mapping)
            items.append((key, audit.image(table, old), audit.image(table, new)))
        audit.record_many(conn, actor, action, object_type, items, plain=True, batch=True)


def test_a_signed_batch_moving_claims_outside_their_flow_is_named(reg):
    """The county admin's own signed batch takes two claims from county review straight to revoked, and
    one on by an action not in the flow: each row of the batch is checked against its flow."""
    _signed_claim_batch(reg, "ca1", "approve", {CLAIMS[0]: {"state": "revoked", "version": 3},
                                                CLAIMS[1]: {"state": "returned", "version": 3}})
    problems = _verify(reg)
    named = {p["id"]: p["problem"] for p in problems if p["table"] == "claims"}
    assert set(named) == {CLAIMS[0], CLAIMS[1]}, problems
    assert "approve takes a claim that is county_review to approved in its flow, not to revoked" in named[CLAIMS[0]]


def test_a_signed_batch_by_an_actor_without_authority_is_named(reg):
    """Another school's administrator signs a batch approving S1's claims at the county stage."""
    _signed_claim_batch(reg, "sa2", "approve", {c: {"state": "approved", "version": 3} for c in CLAIMS[:2]})
    problems = _verify(reg)
    named = {p["id"]: p["problem"] for p in problems if p["table"] == "claims"}
    assert set(named) == set(CLAIMS[:2]), problems
    assert all("sa2 could not approve it then" in why for why in named.values()), named


def test_a_signed_batch_amending_activities_without_their_claims_is_named(reg):
    """A batch of activity amendments whose claims are not taken back to their first stage."""
    _signed_claim_batch(reg, "ca1", "amend",
                        {"T1/a1": {"date": dt.date(2015, 5, 11)}, "T2/a1": {"date": dt.date(2015, 5, 12)}},
                        object_type="activity", table=S.activities)
    problems = _verify(reg)
    named = {p["id"]: p["problem"] for p in problems if p["table"] == "activities"}
    assert set(named) == {"T1/a1", "T2/a1"}, problems
    assert all("was not taken back to its first stage" in why for why in named.values()), named
