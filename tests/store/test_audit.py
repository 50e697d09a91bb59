"""The audit log: hash chain, and rows changed behind the program's back are found."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import sqlalchemy as sa

from xuefen import audit, ledger
from xuefen.model import Entry
from xuefen.store import schema as S

from tests import keys
from tests.store.conftest import BOOTSTRAP_RECORDS, seed_claim, signed


def _posted(engine):
    with engine.begin() as conn, signed(conn):
        seed_claim(conn)
        seed_claim(conn, activity_id="a2", claim_id="c2")
        [p] = ledger.post(conn, "c1", "t1", [Entry("a1", 2020, dt.date(2020, 5, 1), "K-C3", "第五条",
                                                   hours=Decimal("7.5"))], actor_id="admin")
    return p


def test_chain_is_intact_after_normal_writes(engine):
    _posted(engine)
    with engine.connect() as conn:
        v = audit.verify(conn)
        recs = audit.records(conn, newest_first=False)
    # the first administrator's records, then org, teacher, 2 activities, 2 claims, 1 entry
    assert v.intact and v.records == len(recs) == BOOTSTRAP_RECORDS + 7
    assert recs[0].prev_hash == audit.GENESIS
    assert all(b.prev_hash == a.hash for a, b in zip(recs, recs[1:]))
    assert all(r.hash == audit.chain_hash(r.prev_hash, r.body()) for r in recs)


def test_update_records_before_and_after_and_checks_the_version(engine):
    _posted(engine)
    with engine.begin() as conn, signed(conn):  # the school's reviewer, with a key
        audit.insert(conn, "admin", S.actors, [{"id": "sa", "name": "校管", "role": "school_admin", "org_id": "s1"}],
                     action="import")
        keys.give_keys(conn, ["sa"])
    with engine.begin() as conn, signed(conn, "sa"):
        new = audit.update(conn, "sa", S.claims, {"id": "c2"}, {"state": "county_review", "version": 2},
                           expect={"version": 1}, action="approve")
        stale = audit.update(conn, "sa", S.claims, {"id": "c2"}, {"state": "rejected", "version": 2},
                             expect={"version": 1}, action="reject")
        rec = audit.records(conn, limit=1)[0]
    assert new["state"] == "county_review" and stale is None
    assert (rec.actor_id, rec.action, rec.before["state"], rec.after["state"]) == \
        ("sa", "approve", "school_review", "county_review")
    with engine.connect() as conn:
        assert audit.verify(conn).intact


def test_tampered_entry_hours_is_named(engine):
    p = _posted(engine)
    with engine.begin() as conn, signed(conn):
        # through the table's own type, so the stored value means 99 hours on SQLite (scaled integer)
        # and on PostgreSQL (NUMERIC) alike; no audit record is written
        conn.execute(sa.update(S.entries).where(S.entries.c.id == p.id).values(hours=Decimal("99")))
    with engine.connect() as conn:
        v = audit.verify(conn)
    assert not v.intact and v.broken.table == "entries" and v.broken.id == p.id
    assert 'hours is "99" in the table but "7.5"' in v.broken.problem


def test_deleted_claim_is_named(engine):
    _posted(engine)
    with engine.begin() as conn, signed(conn):
        conn.execute(sa.text("DELETE FROM claims WHERE id = 'c2'"))
    with engine.connect() as conn:
        v = audit.verify(conn)
    assert (v.broken.table, v.broken.id) == ("claims", "c2") and "missing" in v.broken.problem


def test_a_row_inserted_behind_the_programs_back_is_named(engine):
    _posted(engine)
    with engine.begin() as conn, signed(conn):
        conn.execute(sa.insert(S.entries), {"id": "forged", "claim_id": "c2", "teacher_id": "t1", "year": 2020,
                                            "date": dt.date(2020, 5, 1), "hours": Decimal("100"),
                                            "buckets": [], "rule": "K-C3", "article": "第五条",
                                            "posted_at": S.utcnow()})
    with engine.connect() as conn:
        v = audit.verify(conn)
    assert (v.broken.table, v.broken.id) == ("entries", "forged") and "no audit record" in v.broken.problem


def test_an_altered_audit_record_is_named(engine):
    _posted(engine)
    with engine.begin() as conn, signed(conn):
        conn.execute(sa.text("UPDATE audit_log SET actor_id = 'someone-else' WHERE seq = 3"))
    with engine.connect() as conn:
        v = audit.verify(conn)
    assert (v.broken.table, v.broken.id, v.broken.seq) == ("audit_log", "3", 3)
    assert "altered" in v.broken.problem


def test_a_deleted_audit_record_is_named(engine):
    _posted(engine)
    with engine.begin() as conn, signed(conn):
        conn.execute(sa.text("DELETE FROM audit_log WHERE seq = 4"))
    with engine.connect() as conn:
        v = audit.verify(conn)
    assert (v.broken.table, v.broken.id) == ("audit_log", "4") and "missing" in v.broken.problem


def test_a_rehashed_audit_record_breaks_the_next_link(engine):
    _posted(engine)
    with engine.begin() as conn, signed(conn):
        rec = audit.records(conn, newest_first=False)[2]
        forged = {**rec.body(), "actor_id": "someone-else"}
        conn.execute(sa.update(S.audit_log).where(S.audit_log.c.seq == rec.seq).values(
            actor_id="someone-else", hash=audit.chain_hash(rec.prev_hash, forged)))
    with engine.connect() as conn:
        v = audit.verify(conn)
    assert v.broken.seq == rec.seq + 1 and "prev_hash" in v.broken.problem


def test_canonical_json_is_stable_and_exact():
    assert audit.canonical({"b": Decimal("7.50"), "a": dt.date(2020, 1, 2)}) == '{"a":"2020-01-02","b":"7.5"}'
    assert audit.canonical({"x": "学分"}) == '{"x":"学分"}'


def test_the_fast_plain_conversion_is_jsonable():
    """audit.plain (the import's fast path, issue 16) gives exactly jsonable's value, so the hashes agree."""
    import datetime as dt
    import enum
    from decimal import Decimal

    from xuefen import audit
    from xuefen.model import jsonable

    class Kind(str, enum.Enum):
        A = "a"

    values = [None, True, 0, -3, "", "昆明", Decimal("1.50"), 1.25, dt.date(2024, 2, 29),
              dt.datetime(2024, 1, 1, 8, tzinfo=dt.timezone(dt.timedelta(hours=8))), dt.datetime(2024, 1, 1),
              Kind.A, ("x", Decimal("2")), {"k": [1, {"d": dt.date(2020, 1, 1)}], 3: None}, {1, 2} and [Decimal(0)]]
    for v in values:
        assert audit.plain(v) == jsonable(v) and audit.canonical(audit.plain(v)) == audit.canonical(v), v


def test_an_image_text_with_known_parts_is_the_canonical_text():
    """audit.image_text (bulk approval's images: the shared stages serialised once) is, character for
    character, the canonical text of the whole image — so the record's hash is the one verify recomputes."""
    stages = [{"name": "审核", "signed": True, "stand_in": ["city", "county"], "rule": "K-W1", "z": None}]
    images = [
        {"activity_id": "a1", "created_at": "2026-01-01T00:00:00+00:00", "data": {"备注": "甲", "n": 1}, "id": "c1",
         "purpose": "activity", "reason": None, "region": "kunming", "stages": stages, "state": "school_review",
         "teacher_id": "t1", "updated_at": "2026-01-02T00:00:00+00:00", "version": 3},
        {"stages": stages},
        {"a": 1, "stages": stages},
        {"stages": stages, "zz": [1, {"b": 2, "a": None}]},
        {"aa": "x", "data": None, "stages": None, "teacher": "测试"},
    ]
    for img in images:
        known = {"stages": audit._dump(img["stages"])}
        assert audit.image_text(img, known) == audit._dump(img), img
        assert audit.image_text(img, {}) == audit._dump(img)
        assert audit.image_text(img, {k: audit._dump(v) for k, v in img.items()}) == audit._dump(img)


def test_rows_sharing_one_json_value_are_recorded_and_stored_as_if_each_had_its_own(engine):
    """audit.insert converts a JSON value shared by many rows (an import's claims share one stages list) once:
    each record's text is still the canonical text of its row's image, each stored column the value's."""
    shared = [{"name": "school_review", "role": "school_admin", "level": "school", "rule": "K-W1",
               "article": "第九条", "signed": False, "stand_in": ("city", "city_admin"), "审核": Decimal("1.50")}]
    now = S.utcnow()
    with engine.begin() as conn, signed(conn):
        seed_claim(conn)
        acts = [{"teacher_id": "t1", "id": f"b{i}", "kind": "training", "date": dt.date(2020, 5, 2),
                 "data": {"hours": "3", "note": "甲" * i}} for i in range(3)]
        audit.insert(conn, keys.ADMIN, S.activities, acts, action="import")
        claims = [{"id": f"cb{i}", "teacher_id": "t1", "activity_id": f"b{i}", "region": "kunming",
                   "purpose": "activity", "stages": shared, "state": "school_review", "version": 1,
                   "created_at": now, "updated_at": now, "data": {"n": i} if i else None} for i in range(3)]
        audit.insert(conn, keys.ADMIN, S.claims, claims, action="import")
    with engine.connect() as conn:
        assert audit.verify(conn).intact
        stored = {r.id: r for r in conn.execute(sa.select(S.claims).where(S.claims.c.id.like("cb%")))}
        rec = conn.execute(sa.select(S.audit_log).where(S.audit_log.c.object_type == "claim")
                           .order_by(S.audit_log.c.seq.desc())).first()
    expected = audit.jsonable(shared)
    assert all(stored[f"cb{i}"].stages == expected for i in range(3))
    assert stored["cb0"].data is None and stored["cb2"].data == {"n": 2}
    after = rec.after if isinstance(rec.after, dict) else audit.json.loads(rec.after)
    for i in range(3):
        img = audit.image(S.claims, {**claims[i], "stages": expected, "reason": None})
        assert after[f"cb{i}"] == img
    # the batch record's text (what its hash covers) is the canonical text of its rows' images, each built on
    # its own: on SQLite the stored text itself (PostgreSQL's jsonb keeps the value, not the characters)
    own = audit._dump({f"cb{i}": audit.image(S.claims, {**claims[i], "reason": None}) for i in range(3)})
    if engine.dialect.name == "sqlite":
        with engine.connect() as conn:
            text = conn.execute(sa.text("SELECT after FROM audit_log WHERE seq = :s"), {"s": rec.seq}).scalar_one()
        assert text == own
    assert audit._dump(after) == own


def test_a_batch_spans_the_keys_between_its_first_and_last_for_any_reading_of_its_dots():
    assert audit.spans("batch:b..d", "c") and audit.spans("batch:b..d", "b") and audit.spans("batch:b..d", "d")
    assert not audit.spans("batch:b..d", "a") and not audit.spans("batch:b..d", "da")
    # an id may contain ".." itself: "x..y" .. "z" and "x" .. "y..z" are both readings, each tried
    assert audit.spans("batch:x..y..z", "x..y") and audit.spans("batch:x..y..z", "y..z")
    assert audit.spans("batch:a...c", "a.") and audit.spans("batch:a...c", "b")  # "a." .. "c" and "a" .. ".c"
    assert not audit.spans("a..c", "b")  # not a batch record's id


def _batch_of_claims(engine, ids):
    now = S.utcnow()
    with engine.begin() as conn, signed(conn):
        seed_claim(conn)
        audit.insert(conn, keys.ADMIN, S.activities, [
            {"teacher_id": "t1", "id": f"x{i}", "kind": "training", "date": dt.date(2020, 5, 2), "data": {}}
            for i in range(len(ids))], action="import")
        audit.insert(conn, keys.ADMIN, S.claims, [
            {"id": cid, "teacher_id": "t1", "activity_id": f"x{i}", "region": "kunming", "purpose": "activity",
             "stages": [], "state": "school_review", "version": 1, "created_at": now, "updated_at": now}
            for i, cid in enumerate(ids)], action="import")


def test_an_objects_history_is_found_in_the_batch_records_spanning_its_key(engine, monkeypatch):
    """audit log --object reads only the batch records whose first..last span the key (their ids, by the
    object-id index), and finds every row of a batch, ids with ".." in them too; with more candidates than
    MAX_SPANNING it searches the records' texts, and finds the same."""
    ids = ["k..1", "k..2", "k.3", "m"]
    _batch_of_claims(engine, ids)
    with engine.connect() as conn:
        batch = [r for r in audit.records(conn, object_type="claim", expand=False) if r.is_batch]
        assert [r.object_id for r in batch] == ["batch:k..1..m"]
        assert audit._batches_spanning(conn, "k.3", "claim") == [batch[0].seq]
        assert audit._batches_spanning(conn, "n", "claim") == []  # after its last: not read
        found = {k: [(r.action, r.batch) for r in audit.records(conn, object_type="claim", object_id=k)]
                 for k in ids + ["c1", "n"]}
        monkeypatch.setattr(audit, "MAX_SPANNING", 0)
        assert {k: [(r.action, r.batch) for r in audit.records(conn, object_type="claim", object_id=k)]
                for k in ids + ["c1", "n"]} == found
    assert all(found[k] == [("import", "batch:k..1..m")] for k in ids), found
    assert found["c1"] and all(b is None for _, b in found["c1"]) and found["n"] == []  # plain records; none


def test_a_calls_rows_are_grouped_in_key_order_so_its_batch_records_spans_do_not_overlap(engine, monkeypatch):
    """More rows than a batch record holds, given in no order: each record's first..last is its own stretch of
    the keys, so a key is spanned by one record of the call (audit log --object reads that one)."""
    monkeypatch.setattr(audit, "BATCH", 2)
    ids = ["q5", "q1", "q4", "q2", "q6", "q3"]
    _batch_of_claims(engine, ids)
    with engine.connect() as conn:
        assert audit.verify(conn).intact
        batch = [r for r in audit.records(conn, object_type="claim", expand=False, newest_first=False) if r.is_batch]
        assert [r.object_id for r in batch] == ["batch:q1..q2", "batch:q3..q4", "batch:q5..q6"]
        for k in ids:
            assert len(audit._batches_spanning(conn, k, "claim")) == 1
            assert [r.batch for r in audit.records(conn, object_type="claim", object_id=k)] == [
                next(r.object_id for r in batch if k in r.after)]
