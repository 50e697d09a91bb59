"""The ledger: posting entries and reversing entries inside the caller's transaction; balances.

An entry is never updated or deleted. Revoking an approval posts, for each
standing entry of the claim, a reversing entry with the amounts negated whose
``reverses`` names the original (a unique column: an entry is reversed at most
once). Every posting is recorded in the audit log with the row as written.

For the workflow (all take the caller's ``Connection``; none commits)::

    posted = ledger.post(conn, claim_id, teacher_id, evaluation_entries, actor_id=actor)
    reversals = ledger.reverse(conn, claim_id, actor_id=actor, reason="falsified certificate")
    ledger.standing(conn, teacher_id)           # model.Entry values neither reversed nor reversals
    ledger.balances(conn, teacher_id=teacher_id)  # [Balance(teacher_id, year, unit, amount)], net of reversals

Ids are assigned here (``e-`` + a random batch part + the position in the batch), so bulk posting is a plain
executemany in chunks of :data:`CHUNK` rows, no RETURNING.
"""
from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Iterable

import attrs
import sqlalchemy as sa

from xuefen import audit
from xuefen.errors import Conflict, NotFound
from xuefen.model import UNITS, Entry
from xuefen.store.schema import entries, utcnow

#: rows per INSERT executemany
CHUNK = 5000


def new_ids(n: int) -> list[str]:
    """``n`` fresh client-assigned entry ids: a random batch part, then the position (so they sort in order)."""
    batch = uuid.uuid4().hex[:20]
    return [f"e-{batch}-{i:06d}" for i in range(n)]


@attrs.frozen
class Posted:
    """A ledger line as stored: the :class:`~xuefen.model.Entry` plus where and when it was posted."""

    id: str
    claim_id: str
    teacher_id: str
    posted_at: dt.datetime
    entry: Entry

    @classmethod
    def from_row(cls, row) -> "Posted":
        m = row._mapping if hasattr(row, "_mapping") else row
        return cls(id=m["id"], claim_id=m["claim_id"], teacher_id=m["teacher_id"], posted_at=m["posted_at"],
                   entry=Entry(activity=m["activity_id"], year=m["year"], date=m["date"], rule=m["rule"],
                               article=m["article"], hours=m["hours"], credits=m["credits"],
                               buckets=tuple(m["buckets"] or ()), note=m["note"], reverses=m["reverses"]))

    def as_row(self) -> dict:
        e = self.entry
        return {"id": self.id, "claim_id": self.claim_id, "teacher_id": self.teacher_id,
                "activity_id": e.activity, "year": e.year, "date": e.date, "hours": e.hours,
                "credits": e.credits, "buckets": list(e.buckets), "rule": e.rule, "article": e.article,
                "note": e.note, "reverses": e.reverses, "posted_at": self.posted_at}

    def as_json(self) -> dict:
        return {"id": self.id, "claim": self.claim_id, "teacher": self.teacher_id,
                "posted_at": self.posted_at.isoformat(), **self.entry.as_json(),
                **({"reverses": self.entry.reverses} if self.entry.reverses else {})}


@attrs.frozen
class Balance:
    """The net amount (reversals included) of one teacher, year and unit."""

    teacher_id: str
    year: int
    unit: str
    amount: Decimal


def post_many(conn, items: Iterable[tuple[str, str, Entry]], *, actor_id: str | None = None,
              action: str = "post", posted_at: dt.datetime | None = None, batch: bool = False) -> list[Posted]:
    """Post ``(claim_id, teacher_id, entry)`` triples in chunks; each gets an id and an audit record (``batch``:
    one batch record per :data:`xuefen.audit.BATCH` entries, :func:`xuefen.audit.batched`).

    :raises Conflict: an entry was already reversed, or a claim/teacher does not exist.
    """
    at = posted_at or utcnow()
    items = list(items)
    posted = [Posted(id_, claim_id, teacher_id, at, e)
              for id_, (claim_id, teacher_id, e) in zip(new_ids(len(items)), items)]
    rows = [p.as_row() for p in posted]
    try:
        for i in range(0, len(rows), CHUNK):
            conn.execute(sa.insert(entries), rows[i:i + CHUNK])
    except sa.exc.IntegrityError as exc:
        raise Conflict(f"ledger: cannot post: {audit._integrity_message(exc)}") from exc
    except sa.exc.StatementError as exc:  # an amount the column cannot hold exactly
        raise Conflict(f"ledger: cannot post: {exc.orig}") from exc
    actor_id = actor_id or audit.current_act_actor(conn)
    audit.record_many(conn, actor_id, action, "entry",
                      ((r["id"], None, audit.image(entries, r)) for r in rows), at=at, plain=True, batch=batch)
    return posted


def post(conn, claim_id: str, teacher_id: str, items: Iterable[Entry], *, actor_id: str | None = None,
         posted_at: dt.datetime | None = None) -> list[Posted]:
    """Post the entries a claim earned (its final approval), in the caller's transaction."""
    return post_many(conn, ((claim_id, teacher_id, e) for e in items), actor_id=actor_id, posted_at=posted_at)


def for_claim(conn, claim_id: str) -> list[Posted]:
    """Every ledger line of a claim, reversals included, in posting order."""
    q = sa.select(entries).where(entries.c.claim_id == claim_id).order_by(entries.c.posted_at, entries.c.id)
    return [Posted.from_row(r) for r in conn.execute(q)]


def for_teacher(conn, teacher_id: str, *, year: int | None = None) -> list[Posted]:
    """Every ledger line of a teacher, reversals included, by date."""
    q = sa.select(entries).where(entries.c.teacher_id == teacher_id)
    if year is not None:
        q = q.where(entries.c.year == year)
    q = q.order_by(entries.c.date, entries.c.posted_at, entries.c.id)
    return [Posted.from_row(r) for r in conn.execute(q)]


def _reversed_ids():
    return sa.select(entries.c.reverses).where(entries.c.reverses.is_not(None))


def standing(conn, teacher_id: str, *, year: int | None = None) -> list[Entry]:
    """The teacher's entries that still count: not reversals and not reversed, by date."""
    q = (sa.select(entries).where(entries.c.teacher_id == teacher_id, entries.c.reverses.is_(None),
                                  entries.c.id.not_in(_reversed_ids()))
         .order_by(entries.c.date, entries.c.posted_at, entries.c.id))
    if year is not None:
        q = q.where(entries.c.year == year)
    return [Posted.from_row(r).entry for r in conn.execute(q)]


def reverse(conn, claim_id: str, *, actor_id: str | None = None, reason: str | None = None,
            posted_at: dt.datetime | None = None) -> list[Posted]:
    """Post a reversing entry for every standing entry of ``claim_id``; returns the reversals.

    A reversal has the original's year, date, buckets, rule and article, the
    amounts negated, ``reverses`` = the original's id and ``note`` = ``reason``.
    Nothing to reverse returns an empty list.
    :raises Conflict: another transaction reversed the same entry first.
    """
    q = (sa.select(entries).where(entries.c.claim_id == claim_id, entries.c.reverses.is_(None),
                                  entries.c.id.not_in(_reversed_ids()))
         .order_by(entries.c.posted_at, entries.c.id))
    originals = [Posted.from_row(r) for r in conn.execute(q)]
    items = []
    for p in originals:
        e = p.entry
        items.append((p.claim_id, p.teacher_id, attrs.evolve(
            e, hours=None if e.hours is None else -e.hours, credits=None if e.credits is None else -e.credits,
            note=reason or f"reverses {p.id}", reverses=p.id)))
    return post_many(conn, items, actor_id=actor_id, action="reverse", posted_at=posted_at)


def balances(conn, *, teacher_id: str | None = None, year: int | None = None) -> list[Balance]:
    """Net amounts per teacher, year and unit (reversals cancel what they reverse), computed in SQL."""
    q = sa.select(entries.c.teacher_id, entries.c.year, sa.func.sum(entries.c.hours).label("hours"),
                  sa.func.sum(entries.c.credits).label("credits"))
    if teacher_id is not None:
        q = q.where(entries.c.teacher_id == teacher_id)
    if year is not None:
        q = q.where(entries.c.year == year)
    q = q.group_by(entries.c.teacher_id, entries.c.year).order_by(entries.c.teacher_id, entries.c.year)
    out = []
    for r in conn.execute(q):
        for unit in UNITS:
            amount = getattr(r, unit)
            if amount is not None:
                out.append(Balance(r.teacher_id, r.year, unit, amount))
    return out


def balance(conn, teacher_id: str, year: int, unit: str) -> Decimal:
    """The net amount of one teacher, year and unit (0 when nothing was posted)."""
    for b in balances(conn, teacher_id=teacher_id, year=year):
        if b.unit == unit:
            return b.amount
    return Decimal(0)


def get(conn, entry_id: str) -> Posted:
    row = conn.execute(sa.select(entries).where(entries.c.id == entry_id)).first()
    if row is None:
        raise NotFound(f"entry {entry_id}: no such entry")
    return Posted.from_row(row)
