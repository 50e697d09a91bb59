"""The audit log: append-only and hash-chained; every change, who made it, when, before and after.

Each record carries ``prev_hash`` (the previous record's ``hash``; 64 zeros for
the first) and ``hash = sha256(prev_hash + canonical_json(record))``, where the
record is ``seq, at, actor_id, action, object_type, object_id, before, after``
and canonical JSON is sorted keys, no spaces, UTF-8, amounts as decimal strings.
``seq`` is the previous record's ``seq + 1`` and the primary key, so two
transactions appending at once cannot fork the chain (on PostgreSQL appends
are serialised with an advisory lock; on SQLite every transaction is
``BEGIN IMMEDIATE``).

The rows of the tables in :data:`VERIFIED` (ledger ``entries``, ``claims``, and the registry's ``activities``, ``teachers``, ``actors``, ``orgs``, ``certificates``, ``integrity``) are
cross-checked: the ``after`` of the latest record about a row is that row's
image as written, and :func:`verify` compares every current row with it, so
a row altered, deleted or inserted behind the program's back (by SQL) is found.

How to write, for the other modules (all take the caller's ``Connection``,
never commit)::

    audit.insert(conn, actor_id, schema.claims, [row, ...])        # insert rows + one record each
    new = audit.update(conn, actor_id, schema.claims, {"id": cid},  # update one row + record before/after
                       {"state": "county_review", "version": v + 1}, expect={"version": v},
                       action="approve")                             # None when expect did not match
    audit.record(conn, actor_id, "login", "actor", actor_id)       # anything else worth recording

Writing ``entries`` or ``claims`` without these (plain ``conn.execute``) makes
:func:`verify` report the row as changed behind the program's back.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
from decimal import Decimal
from typing import Any, Iterable, Iterator, Mapping

import attrs
import sqlalchemy as sa

from xuefen.errors import Conflict
from xuefen.model import dec_str, jsonable  # noqa: F401  (jsonable: part of audit's API)
from xuefen.store import schema
from xuefen.store.schema import Amount, UTCDateTime, audit_log, utcnow

GENESIS = "0" * 64
#: rows per INSERT executemany
CHUNK = 5000
#: PostgreSQL advisory lock key serialising appends to the chain
AUDIT_LOCK = 0x78756567
#: object types whose table rows verify() compares with their latest audit image
VERIFIED: dict[str, sa.Table] = {"entry": schema.entries, "claim": schema.claims, "activity": schema.activities,
                                  "teacher": schema.teachers, "actor": schema.actors, "org": schema.orgs,
                                  "certificate": schema.certificates, "integrity": schema.integrity}
#: object type recorded for a write to each table (audit.insert / audit.update)
OBJECT_TYPES: dict[str, str] = {
    "orgs": "org", "actors": "actor", "teachers": "teacher", "activities": "activity", "claims": "claim",
    "entries": "entry", "certificates": "certificate", "signatures": "signature", "integrity": "integrity",
    "settings": "setting",
}


# -- canonical form ------------------------------------------------------------


def canonical(value: Any) -> str:
    """Canonical JSON: sorted keys, no whitespace, non-ASCII kept."""
    return json.dumps(jsonable(value), sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def digest(value: Any) -> str:
    """sha256 of the canonical JSON of ``value``."""
    return hashlib.sha256(canonical(value).encode()).hexdigest()


def _column_json(col: sa.Column, value: Any) -> Any:
    if value is None:
        return None
    if isinstance(col.type, Amount):
        return dec_str(value if isinstance(value, Decimal) else Decimal(str(value)))
    return jsonable(value)


def image(table: sa.Table, row: Mapping) -> dict:
    """A row as JSON values, every column of ``table`` (what ``after`` holds for a row written)."""
    return {c.name: _column_json(c, row.get(c.name)) for c in table.columns}


def complete(table: sa.Table, row: Mapping) -> dict:
    """``row`` with every column: missing ones get the column's scalar default, else None."""
    out = dict(row)
    for c in table.columns:
        if c.name not in out:
            d = c.default
            out[c.name] = d.arg if d is not None and d.is_scalar else None
    return out


def key_of(table: sa.Table, row: Mapping) -> str:
    """The ``object_id`` of a row: its primary key, parts joined by ``/``."""
    return "/".join(str(row[c.name]) for c in table.primary_key.columns)


# -- records -------------------------------------------------------------------


@attrs.frozen
class Record:
    """One audit record."""

    seq: int
    at: dt.datetime
    actor_id: str
    action: str
    object_type: str
    object_id: str
    before: Any
    after: Any
    prev_hash: str
    hash: str

    @classmethod
    def from_row(cls, row) -> "Record":
        m = row._mapping
        return cls(seq=m["seq"], at=m["at"], actor_id=m["actor_id"], action=m["action"],
                   object_type=m["object_type"], object_id=m["object_id"], before=m["before"],
                   after=m["after"], prev_hash=m["prev_hash"], hash=m["hash"])

    def as_row(self) -> dict:
        return {"seq": self.seq, "at": self.at, "actor_id": self.actor_id, "action": self.action,
                "object_type": self.object_type, "object_id": self.object_id, "before": self.before,
                "after": self.after, "prev_hash": self.prev_hash, "hash": self.hash}

    def body(self) -> dict:
        """What the hash covers (besides ``prev_hash``)."""
        return {"seq": self.seq, "at": jsonable(self.at), "actor_id": self.actor_id, "action": self.action,
                "object_type": self.object_type, "object_id": self.object_id, "before": self.before,
                "after": self.after}

    def computed_hash(self) -> str:
        return chain_hash(self.prev_hash, self.body())

    def as_json(self) -> dict:
        return {**self.body(), "prev_hash": self.prev_hash, "hash": self.hash}


def chain_hash(prev_hash: str, body: dict) -> str:
    """``sha256(prev_hash + canonical_json(body))`` as hex; ``body`` holds plain JSON values already.

    (:func:`jsonable` is the identity on plain JSON values, so skipping it here gives the
    same text as :func:`canonical` at a fraction of the cost on bulk imports.)
    """
    text = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256((prev_hash + text).encode()).hexdigest()


def _tail(conn) -> tuple[int, str]:
    if conn.dialect.name == "postgresql":
        conn.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": AUDIT_LOCK})
    row = conn.execute(sa.select(audit_log.c.seq, audit_log.c.hash).order_by(audit_log.c.seq.desc())
                       .limit(1)).first()
    return (row.seq, row.hash) if row else (0, GENESIS)


def _append(conn, records: list[dict]) -> None:
    try:
        for i in range(0, len(records), CHUNK):
            conn.execute(sa.insert(audit_log), records[i:i + CHUNK])
    except sa.exc.IntegrityError as exc:
        raise Conflict("the audit log was appended to by another transaction at the same time; "
                       "try again") from exc


def record_many(conn, actor_id: str, action: str, object_type: str,
                items: Iterable[tuple[str, Any, Any]], *, at: dt.datetime | None = None,
                plain: bool = False) -> list[Record]:
    """Append one record per ``(object_id, before, after)``, chained in order; returns them.

    ``plain``: ``before``/``after`` are plain JSON values already (row images), not converted again.
    """
    at = at or utcnow()
    seq, prev = _tail(conn)
    out: list[Record] = []
    conv = (lambda v: v) if plain else jsonable
    at_json = jsonable(at)
    for object_id, before, after in items:
        seq += 1
        body = {"seq": seq, "at": at_json, "actor_id": actor_id, "action": action,
                "object_type": object_type, "object_id": str(object_id), "before": conv(before),
                "after": conv(after)}
        h = chain_hash(prev, body)
        out.append(Record(seq=seq, at=at, actor_id=actor_id, action=action, object_type=object_type,
                          object_id=str(object_id), before=body["before"], after=body["after"],
                          prev_hash=prev, hash=h))
        prev = h
    _append(conn, [r.as_row() for r in out])
    return out


def record(conn, actor_id: str, action: str, object_type: str, object_id: str,
           before: Any = None, after: Any = None, *, at: dt.datetime | None = None) -> Record:
    """Append one record: ``actor_id`` did ``action`` to ``object_type``/``object_id``.

    ``before``/``after`` are JSON-able values (Decimal, dates and attrs values are
    converted); for a row of a :data:`VERIFIED` table, ``after`` must be
    :func:`image` of the row as written — use :func:`insert`/:func:`update`.
    """
    return record_many(conn, actor_id, action, object_type, [(object_id, before, after)], at=at)[0]


def insert(conn, actor_id: str, table: sa.Table, rows: Iterable[Mapping], *, action: str = "create",
           at: dt.datetime | None = None) -> int:
    """Insert ``rows`` into ``table`` (executemany in chunks of :data:`CHUNK`) and record each.

    Each row is completed with its columns' defaults first, so the recorded
    image is the row exactly as stored. Returns the number of rows.
    :raises Conflict: a row breaks a unique or foreign key constraint.
    """
    rows = [complete(table, r) for r in rows]
    if not rows:
        return 0
    try:
        for i in range(0, len(rows), CHUNK):
            conn.execute(sa.insert(table), rows[i:i + CHUNK])
    except sa.exc.IntegrityError as exc:
        raise Conflict(f"{table.name}: {_integrity_message(exc)}") from exc
    record_many(conn, actor_id, action, OBJECT_TYPES.get(table.name, table.name),
                ((key_of(table, r), None, image(table, r)) for r in rows), at=at, plain=True)
    return len(rows)


def update(conn, actor_id: str, table: sa.Table, key: Mapping, values: Mapping, *, action: str = "update",
           expect: Mapping | None = None, at: dt.datetime | None = None) -> dict | None:
    """Update the one row of ``table`` with primary key ``key`` and record before/after.

    ``expect`` (e.g. ``{"version": 3}``) makes it an optimistic update: when
    the row does not hold those values any more, nothing changes and None is
    returned (the caller raises :class:`~xuefen.errors.Conflict`). Returns the
    new row as a dict.
    :raises KeyError: no row has that key.
    """
    where = sa.and_(*(table.c[k] == v for k, v in key.items()))
    q = sa.select(table).where(where)
    if conn.dialect.name == "postgresql":
        q = q.with_for_update()
    old = conn.execute(q).first()
    if old is None:
        raise KeyError(f"{table.name}: no row {dict(key)}")
    old = dict(old._mapping)
    if expect and any(old[k] != v for k, v in expect.items()):
        return None
    cond = where
    if expect:
        cond = sa.and_(where, *(table.c[k] == v for k, v in expect.items()))
    try:
        res = conn.execute(sa.update(table).where(cond).values(**values))
    except sa.exc.IntegrityError as exc:
        raise Conflict(f"{table.name}: {_integrity_message(exc)}") from exc
    if res.rowcount != 1:
        return None
    new = {**old, **values}
    record(conn, actor_id, action, OBJECT_TYPES.get(table.name, table.name), key_of(table, new),
           image(table, old), image(table, new), at=at)
    return new


def _integrity_message(exc: sa.exc.IntegrityError) -> str:
    return str(exc.orig).splitlines()[0] if exc.orig is not None else str(exc)


# -- reading -------------------------------------------------------------------


def records(conn, *, limit: int | None = None, object_type: str | None = None,
            object_id: str | None = None, newest_first: bool = True) -> list[Record]:
    """Audit records, newest first by default, optionally about one object."""
    q = sa.select(audit_log)
    if object_type:
        q = q.where(audit_log.c.object_type == object_type)
    if object_id:
        q = q.where(audit_log.c.object_id == object_id)
    q = q.order_by(audit_log.c.seq.desc() if newest_first else audit_log.c.seq)
    if limit:
        q = q.limit(limit)
    return [Record.from_row(r) for r in conn.execute(q)]


def count(conn) -> int:
    return conn.execute(sa.select(sa.func.count()).select_from(audit_log)).scalar_one()


# -- verification --------------------------------------------------------------


@attrs.frozen
class Broken:
    """The first broken link: which table and row, and what differs."""

    table: str
    id: str
    problem: str
    seq: int | None = None  #: the audit record concerned, where there is one

    def __str__(self) -> str:
        return f"{self.table} {self.id}: {self.problem}"

    def as_json(self) -> dict:
        return {"table": self.table, "id": self.id, "problem": self.problem, "seq": self.seq}


@attrs.frozen
class Verification:
    """What :func:`verify` found: the number of records, and the first broken link (None: intact)."""

    records: int
    broken: Broken | None = None

    @property
    def intact(self) -> bool:
        return self.broken is None

    def as_json(self) -> dict:
        return {"intact": self.intact, "records": self.records,
                "broken": self.broken.as_json() if self.broken else None}


def _stream(conn, q) -> Iterator:
    yield from conn.execution_options(yield_per=CHUNK).execute(q)


def verify(conn) -> Verification:
    """Check the chain, then every row of the :data:`VERIFIED` tables against its latest record.

    Returns the first broken link found: a record whose hash does not match
    its content or its predecessor (an audit row altered or deleted), then a
    row of a verified table that differs from the image its latest record
    holds, has no record, or is missing.
    """
    expected_seq, prev, n = 1, GENESIS, 0
    latest: dict[tuple[str, str], tuple[int, str | None]] = {}
    for row in _stream(conn, sa.select(audit_log).order_by(audit_log.c.seq)):
        rec = Record.from_row(row)
        n += 1
        if rec.seq != expected_seq:
            return Verification(n, Broken("audit_log", str(expected_seq),
                                          f"record {expected_seq} is missing (the next is {rec.seq})", rec.seq))
        if rec.prev_hash != prev:
            return Verification(n, Broken("audit_log", str(rec.seq),
                                          "prev_hash does not match the previous record's hash", rec.seq))
        if rec.computed_hash() != rec.hash:
            return Verification(n, Broken("audit_log", str(rec.seq),
                                          "hash does not match the record's content (the record was altered)",
                                          rec.seq))
        if rec.object_type in VERIFIED:
            latest[(rec.object_type, rec.object_id)] = (rec.seq, None if rec.after is None else digest(rec.after))
        prev, expected_seq = rec.hash, expected_seq + 1
    for object_type, table in VERIFIED.items():
        for row in _stream(conn, sa.select(table).order_by(*table.primary_key.columns)):
            m = row._mapping
            oid = key_of(table, m)
            seq, want = latest.pop((object_type, oid), (None, None))
            img = image(table, m)
            if want is None:
                return Verification(n, Broken(table.name, oid, "row has no audit record "
                                              "(written behind the program's back)", seq))
            if digest(img) != want:
                return Verification(n, Broken(table.name, oid, _difference(conn, seq, img), seq))
    missing = sorted(((seq, t, oid) for (t, oid), (seq, d) in latest.items() if d is not None))
    if missing:
        seq, t, oid = missing[0]
        return Verification(n, Broken(VERIFIED[t].name, oid,
                                      f"row is missing (deleted behind the program's back; audit record {seq})", seq))
    return Verification(n)


def _difference(conn, seq: int, img: dict) -> str:
    after = conn.execute(sa.select(audit_log.c.after).where(audit_log.c.seq == seq)).scalar_one() or {}
    diffs = [f"{k} is {canonical(img.get(k))} in the table but {canonical(after.get(k))} in audit record {seq}"
             for k in sorted(set(img) | set(after)) if canonical(img.get(k)) != canonical(after.get(k))]
    return "; ".join(diffs) or f"row differs from audit record {seq}"
