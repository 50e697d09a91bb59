"""The ledger: posting, reversing, balances; entries are never updated."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import sqlalchemy as sa

from xuefen import audit, ledger
from xuefen.errors import Conflict
from xuefen.model import Entry
from xuefen.store import schema as S

from tests.store.conftest import BOOTSTRAP_RECORDS, seed_claim, signed

D = Decimal


def _entry(hours=None, credits=None, year=2020, buckets=("training",)):
    return Entry("a1", year, dt.date(year, 5, 1), "K-C3", "第五条", hours=hours, credits=credits, buckets=buckets)


def test_post_stores_every_field_and_reads_back_equal(engine):
    e = Entry("a1", 2020, dt.date(2020, 5, 1), "K-C3", "第五条", hours=D("7.5"), buckets=("training", "city"),
              note="3 days × 8 hours")
    with engine.begin() as conn, signed(conn):
        seed_claim(conn)
        [p] = ledger.post(conn, "c1", "t1", [e], actor_id="admin")
    with engine.connect() as conn:
        [back] = ledger.for_claim(conn, "c1")
        rec = audit.records(conn, object_type="entry", object_id=p.id)[0]
    assert back.entry == e and back.id == p.id and back.teacher_id == "t1"
    assert rec.actor_id == "admin" and rec.action == "post" and rec.after["hours"] == "7.5"


def test_reverse_negates_and_points_at_the_original(engine):
    with engine.begin() as conn, signed(conn):
        seed_claim(conn)
        posted = ledger.post(conn, "c1", "t1", [_entry(hours=D("30")), _entry(credits=D("1.5"))])
        reversals = ledger.reverse(conn, "c1", actor_id="admin", reason="falsified certificate")
    assert [r.entry.reverses for r in reversals] == [p.id for p in posted]
    assert reversals[0].entry.hours == D("-30") and reversals[1].entry.credits == D("-1.5")
    assert all(r.entry.note == "falsified certificate" for r in reversals)
    with engine.connect() as conn:
        assert ledger.standing(conn, "t1") == []
        assert {(b.unit, b.amount) for b in ledger.balances(conn, teacher_id="t1")} == {("hours", 0), ("credits", 0)}
        assert len(ledger.for_teacher(conn, "t1")) == 4  # nothing deleted


def test_reversing_twice_posts_nothing_the_second_time(engine):
    with engine.begin() as conn, signed(conn):
        seed_claim(conn)
        ledger.post(conn, "c1", "t1", [_entry(hours=D("8"))])
        ledger.reverse(conn, "c1")
        assert ledger.reverse(conn, "c1") == []


def test_an_entry_is_reversed_at_most_once(engine):
    with engine.begin() as conn, signed(conn):
        seed_claim(conn)
        [p] = ledger.post(conn, "c1", "t1", [_entry(hours=D("8"))])
        ledger.reverse(conn, "c1")
        with pytest.raises(Conflict), conn.begin_nested():  # PostgreSQL: the failed INSERT aborts only this
            ledger.post(conn, "c1", "t1", [_entry(hours=D("-8")).__class__(
                "a1", 2020, dt.date(2020, 5, 1), "K-C3", "第五条", hours=D("-8"), reverses=p.id)])


def test_balances_per_teacher_year_and_unit(engine):
    with engine.begin() as conn, signed(conn):
        seed_claim(conn)
        seed_claim(conn, activity_id="a2", claim_id="c2")
        ledger.post(conn, "c1", "t1", [_entry(hours=D("7.5")), _entry(hours=D("0.1"), year=2021)])
        ledger.post(conn, "c2", "t1", [_entry(hours=D("0.2"), year=2021), _entry(credits=D("2"), year=2021)])
    with engine.connect() as conn:
        got = {(b.year, b.unit): b.amount for b in ledger.balances(conn, teacher_id="t1")}
        assert got == {(2020, "hours"): D("7.5"), (2021, "hours"): D("0.3"), (2021, "credits"): D("2")}
        assert ledger.balance(conn, "t1", 2019, "hours") == 0


def test_posting_for_an_unknown_claim_is_a_conflict_not_a_traceback(engine):
    with engine.begin() as conn, signed(conn):
        seed_claim(conn)
        with pytest.raises(Conflict, match="cannot post"), conn.begin_nested():
            ledger.post(conn, "no-such-claim", "t1", [_entry(hours=D("1"))])


def test_bulk_posting_in_chunks(engine, monkeypatch):
    monkeypatch.setattr(ledger, "CHUNK", 7)
    with engine.begin() as conn, signed(conn):
        seed_claim(conn)
        posted = ledger.post(conn, "c1", "t1", [_entry(hours=D("0.5")) for _ in range(50)])
    assert len({p.id for p in posted}) == 50
    with engine.connect() as conn:
        assert ledger.balance(conn, "t1", 2020, "hours") == D("25")
        assert conn.execute(sa.select(sa.func.count()).select_from(S.entries)).scalar_one() == 50
        assert audit.verify(conn).intact


def test_a_rolled_back_use_case_leaves_nothing(engine):
    with pytest.raises(RuntimeError):
        with engine.begin() as conn, signed(conn):
            seed_claim(conn)
            ledger.post(conn, "c1", "t1", [_entry(hours=D("1"))])
            raise RuntimeError("the use case failed")
    with engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(S.entries)).scalar_one() == 0
        assert audit.count(conn) == BOOTSTRAP_RECORDS  # only the first administrator's, written before
