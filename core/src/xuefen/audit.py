"""The audit log: append-only and hash-chained; every change, who made it, when, before and after.

Each record carries ``prev_hash`` (the previous record's ``hash``; 64 zeros for
the first) and ``hash = sha256(prev_hash + canonical_json(record))``, where the
record is ``seq, at, actor_id, action, object_type, object_id, before, after``
and canonical JSON is sorted keys, no spaces, UTF-8, amounts as decimal strings.
``seq`` is the previous record's ``seq + 1`` and the primary key, so two
transactions appending at once cannot fork the chain (on PostgreSQL appends
are serialised with an advisory lock; on SQLite every transaction is
``BEGIN IMMEDIATE``).

A record is about one row (``object_id`` its key, ``after`` its image) or, a **batch record**, about up to
:data:`BATCH` rows of one table written by one action (an import's rows, a queue approved as one batch, the
entries it posts): ``object_id`` ``batch:FIRST..LAST``, ``after`` every row's image keyed by the row's key,
``before`` their before-images keyed alike (None for inserts). Its hash covers the whole text, so it is the
digest of its rows; it is chained and signed like any record, and :func:`verify` expands it
(:func:`rows_of`) and checks every row it covers as it checks a record of its own. :func:`records` gives
the per-row views, so a row's history is found either way (docs/formats.md §6).

The rows of the tables in :data:`VERIFIED` (ledger ``entries``, ``claims``, and the registry's ``activities``, ``teachers``, ``actors``, ``orgs``, ``certificates``, ``integrity``) are
cross-checked: the ``after`` of the latest record about a row is that row's
image as written, and :func:`verify` compares every current row with it, so
a row altered, deleted or inserted behind the program's back (by SQL) is found.

How to write, for the other modules (all take the caller's ``Connection``,
never commit)::

    audit.insert(conn, actor_id, schema.claims, [row, ...])        # insert rows + a record (a batch record
                                                                     # per BATCH rows for several)
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

from xuefen.errors import Conflict, RefusedAction
from xuefen.model import dec_str, jsonable  # noqa: F401  (jsonable: part of audit's API)
from xuefen.store import schema
from xuefen.store.schema import Amount, actions, audit_log, utcnow

GENESIS = "0" * 64
#: rows per INSERT executemany
CHUNK = 5000
#: rows one batch record covers at most (:func:`insert` of many rows, :func:`record_many` with ``batch=True``)
BATCH = 1000
#: how a batch record's ``object_id`` starts (``batch:FIRST..LAST``, its first and last row key in sorted order);
#: no row's key starts so (an id holds no ``:``, and the generated keys with one start otherwise)
BATCH_PREFIX = "batch:"
#: PostgreSQL advisory lock key serialising appends to the chain
AUDIT_LOCK = 0x78756567
#: object types whose table rows verify() compares with their latest audit image
VERIFIED: dict[str, sa.Table] = {"entry": schema.entries, "claim": schema.claims, "activity": schema.activities,
                                  "teacher": schema.teachers, "actor": schema.actors, "org": schema.orgs,
                                  "certificate": schema.certificates, "integrity": schema.integrity,
                                  "key": schema.keys, "setting": schema.settings, "signature": schema.signatures}
#: object types whose recorded rows an earlier schema shaped differently (:func:`xuefen.store.schema.upgrade_row`)
UPGRADED: dict[str, str] = {"teacher": "teachers"}
#: object type recorded for a write to each table (audit.insert / audit.update)
OBJECT_TYPES: dict[str, str] = {
    "orgs": "org", "actors": "actor", "teachers": "teacher", "activities": "activity", "claims": "claim",
    "entries": "entry", "certificates": "certificate", "signatures": "signature", "integrity": "integrity",
    "settings": "setting", "keys": "key",
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
    return plain(value)


_PLAIN_TYPES = frozenset({str, int, bool, type(None)})


def plain(value: Any) -> Any:
    """:func:`jsonable`, with a fast path for what rows mostly hold (exact str/int/bool/None, dicts and lists of
    them): the same value, without jsonable's ``isinstance`` chain per leaf (issue 16's import profile:
    ``jsonable`` was most of the audit's cost)."""
    t = type(value)
    if t in _PLAIN_TYPES:
        return value
    if t is dict:
        return {k if type(k) is str else str(k): v if type(v) in _PLAIN_TYPES else plain(v) for k, v in value.items()}
    if t is list or t is tuple:
        return [v if type(v) in _PLAIN_TYPES else plain(v) for v in value]
    return jsonable(value)


_to_plain = plain

#: per table: (column name, is an Amount) in column order
_IMAGE_COLUMNS: dict[sa.Table, tuple[tuple[str, bool], ...]] = {}


def image(table: sa.Table, row: Mapping, done: Mapping = {}) -> dict:  # noqa: B006 - read only
    """A row as JSON values, every column of ``table`` (what ``after`` holds for a row written). ``done``: the
    columns whose values in ``row`` are plain JSON already (converted by the caller), taken as they are."""
    cols = _IMAGE_COLUMNS.get(table)
    if cols is None:
        cols = _IMAGE_COLUMNS[table] = tuple((c.name, isinstance(c.type, Amount)) for c in table.columns)
    out = {}
    get = row.get
    for name, amount in cols:
        v = get(name)
        if v is None or type(v) in _PLAIN_TYPES or name in done:
            out[name] = v
        elif amount:
            out[name] = dec_str(v if isinstance(v, Decimal) else Decimal(str(v)))
        else:
            out[name] = plain(v)
    return out


#: per table: (column name, its scalar default or None) in column order
_DEFAULTS: dict[sa.Table, tuple[tuple[str, Any], ...]] = {}


def complete(table: sa.Table, row: Mapping) -> dict:
    """``row`` with every column: missing ones get the column's scalar default, else None."""
    cols = _DEFAULTS.get(table)
    if cols is None:  # once per table: iterating ``table.columns`` builds a list each time (the import's profile)
        cols = _DEFAULTS[table] = tuple((c.name, c.default.arg if c.default is not None and c.default.is_scalar
                                         else None) for c in table.columns)
    out = dict(row)
    for name, default in cols:
        if name not in out:
            out[name] = default
    return out


#: per table: its primary key's column names
_KEY_NAMES: dict[sa.Table, tuple[str, ...]] = {}


def key_of(table: sa.Table, row: Mapping) -> str:
    """The ``object_id`` of a row: its primary key, parts joined by ``/``."""
    names = _KEY_NAMES.get(table)
    if names is None:  # once per table: iterating a column collection builds a list each time (the import's profile)
        names = _KEY_NAMES[table] = tuple(c.name for c in table.primary_key.columns)
    if len(names) == 1:
        return str(row[names[0]])
    return "/".join(str(row[n]) for n in names)


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
    #: for a row's view of a batch record (:func:`rows_of`): the batch record's ``object_id``; None for a record
    #: as stored. A view's ``seq``, ``prev_hash`` and ``hash`` are its batch record's: the hash covers the batch.
    batch: str | None = None

    @property
    def is_batch(self) -> bool:
        """A stored batch record: ``after`` holds several rows' images keyed by their keys."""
        return self.batch is None and self.object_id.startswith(BATCH_PREFIX)

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
        return {**self.body(), "prev_hash": self.prev_hash, "hash": self.hash, "batch": self.batch}


def rows_of(rec: Record) -> Iterator[Record]:
    """The per-row views of a record: a batch record's rows in key order (each with its own ``object_id``,
    ``before`` and ``after``, and ``batch`` set), any other record itself.

    :raises ValueError: a batch record whose ``after`` is not an object of row images (only an altered record).
    """
    if not rec.is_batch:
        yield rec
        return
    after, before = rec.after, rec.before
    if not isinstance(after, dict) or not after or not (before is None or isinstance(before, dict)) \
            or any(not isinstance(v, dict) for v in after.values()):
        raise ValueError(f"batch record {rec.seq} does not hold its rows' images")
    before = before or {}
    for k in sorted(after):
        yield Record(seq=rec.seq, at=rec.at, actor_id=rec.actor_id, action=rec.action,
                     object_type=rec.object_type, object_id=k, before=before.get(k), after=after[k],
                     prev_hash=rec.prev_hash, hash=rec.hash, batch=rec.object_id)


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
    """Insert records whose ``before_text``/``after_text`` are their canonical JSON already: stored as is (cast
    to ``jsonb`` on PostgreSQL), not serialised a second time by the JSON column."""
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import JSONB

        def text(name):
            return sa.cast(sa.bindparam(name, type_=sa.Text), JSONB)
    else:
        def text(name):
            return sa.bindparam(name, type_=sa.Text)
    stmt = sa.insert(audit_log).values(before=text("before_text"), after=text("after_text"))
    try:
        for i in range(0, len(records), CHUNK):
            conn.execute(stmt, records[i:i + CHUNK])
    except sa.exc.IntegrityError as exc:
        raise Conflict("the audit log was appended to by another transaction at the same time; "
                       "try again") from exc


_DUMP = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode


def _dump(value: Any) -> str:
    """Canonical JSON text of a plain JSON value (sorted keys, no whitespace, non-ASCII kept): what
    ``json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)`` gives, by one encoder
    built once (``json.dumps`` with options builds one per call)."""
    return _DUMP(value)


# -- signed actions ------------------------------------------------------------


#: where an open action is kept on the connection (``Connection.info``)
ACT_KEY = "xuefen.act"
#: the format of a signed statement
STATEMENT_FORMAT = "xuefen-action/1"


@attrs.define
class Act:
    """An action being taken inside one transaction: who signs it, what it is, the records it writes.

    ``subject`` says what the action is about (a claim and its version, a file and its
    table, …) and may be filled in while the action runs; it is signed when the action
    is sealed, together with the range of audit records the action wrote and the hash
    of the last one — which, the records being chained, covers every record before it.
    """

    signer: Any  #: :class:`xuefen.keys.Signer`
    action: str
    at: dt.datetime
    subject: dict = attrs.field(factory=dict)
    adopt_unsigned: bool = False  #: the registry's first action also covers the unsigned records before it
    first: int | None = None
    last: int | None = None
    head: str | None = None
    seq: int | None = None  #: the action's number once sealed

    @property
    def actor_id(self) -> str:
        return self.signer.actor_id


class acting:
    """``with audit.acting(conn, signer, "approve", {"claim": cid}) as act:`` — a signed action.

    Every audit record (:func:`insert`, :func:`update`, :func:`record`) must be written
    inside one, by its actor: a library call cannot change the registry without the
    acting actor's key. On entry the signer's key is checked (registered to the actor,
    valid now, the actor active: :func:`xuefen.keys.check_signer`); on a clean exit the
    action is sealed: one ``actions`` row with the signed statement. An action inside
    an open action of the same actor joins it (one signature for the whole batch).
    """

    def __init__(self, conn, signer, action: str, subject: dict | None = None, *,
                 adopt_unsigned: bool = False, check: bool = True):
        self.conn, self.signer, self.action, self.subject = conn, signer, action, subject or {}
        self.adopt_unsigned, self.check = adopt_unsigned, check
        self.act: Act | None = None
        self.joined = False

    def __enter__(self) -> Act:
        from xuefen import keys

        open_ = self.conn.info.get(ACT_KEY)
        if open_ is not None:
            if getattr(self.signer, "actor_id", None) != open_.actor_id:
                raise RefusedAction(f"{self.action}: inside an action of {open_.actor_id}, not "
                                    f"{getattr(self.signer, 'actor_id', self.signer)!r}")
            self.joined, self.act = True, open_  # the outer action's statement says what it is
            return open_
        at = utcnow()
        if self.check:
            keys.check_signer(self.conn, self.signer, at)
        elif not isinstance(self.signer, keys.Signer):
            raise RefusedAction(f"{self.action}: an action needs a signing key (xuefen.keys.Signer)")
        self.act = Act(self.signer, self.action, at, dict(self.subject), self.adopt_unsigned)
        self.conn.info[ACT_KEY] = self.act
        return self.act

    def __exit__(self, exc_type, exc, tb) -> None:
        if self.joined:
            return
        try:
            if exc_type is None:
                seal(self.conn, self.act)
        finally:
            self.conn.info.pop(ACT_KEY, None)


def current_act(conn, actor_id: str, what: str) -> Act:
    """The action open on ``conn``, which must be ``actor_id``'s.

    :raises RefusedAction: nothing may be written outside a signed action, nor in another actor's name.
    """
    act = conn.info.get(ACT_KEY)
    if act is None:
        raise RefusedAction(f"{what}: not inside a signed action — every change to the registry is signed by "
                            f"its actor (xuefen.audit.acting)")
    if act.actor_id != actor_id:
        raise RefusedAction(f"{what}: written in the name of {actor_id} inside {act.actor_id}'s signed action")
    return act


def current_act_actor(conn) -> str:
    """The actor of the action open on ``conn`` (refused when none is open)."""
    act = conn.info.get(ACT_KEY)
    if act is None:
        raise RefusedAction("not inside a signed action — every change to the registry is signed by its actor "
                            "(xuefen.audit.acting)")
    return act.actor_id


def _actions_tail(conn) -> tuple[int, str, int]:
    """(seq, hash, last record covered) of the newest action; (0, GENESIS, 0) for none."""
    row = conn.execute(sa.select(actions.c.seq, actions.c.hash, actions.c.last_record)
                       .order_by(actions.c.seq.desc()).limit(1)).first()
    return (row.seq, row.hash, row.last_record) if row else (0, GENESIS, 0)


def statement(act: Act, seq: int, prev: str) -> dict:
    """What an action's signature covers."""
    return {"format": STATEMENT_FORMAT, "seq": seq, "prev": prev, "at": jsonable(act.at), "actor": act.actor_id,
            "key": act.signer.fingerprint, "action": act.action, "subject": jsonable(act.subject),
            "records": {"first": act.first, "last": act.last, "count": act.last - act.first + 1, "head": act.head}}


def seal(conn, act: Act) -> int | None:
    """Sign the action's statement and write its ``actions`` row; returns its number (None: it wrote nothing)."""
    from xuefen import keys

    seq, prev, covered = _actions_tail(conn)
    if act.adopt_unsigned and act.first is not None and covered + 1 < act.first:
        act.first = covered + 1  # the registry's first signed action vouches for the records before it
    if act.first is None:
        return None
    seq += 1
    body = statement(act, seq, prev)
    text = canonical(body)
    sig = keys.b64(act.signer.sign(text.encode()))
    h = hashlib.sha256((text + sig).encode()).hexdigest()
    conn.execute(sa.insert(actions), [{"seq": seq, "at": act.at, "actor_id": act.actor_id, "action": act.action,
                                        "key": act.signer.fingerprint, "first_record": act.first,
                                        "last_record": act.last, "statement": text, "signature": sig,
                                        "hash": h}])
    act.seq = seq
    return seq


def _tail_seq(conn) -> int:
    return conn.execute(sa.select(sa.func.max(audit_log.c.seq))).scalar_one() or 0


def record_many(conn, actor_id: str, action: str, object_type: str,
                items: Iterable[tuple[str, Any, Any]], *, at: dt.datetime | None = None,
                plain: bool = False, batch: bool = False, texts: bool = False) -> list[Record]:
    """Append one record per ``(object_id, before, after)``, chained in order; returns them.

    ``plain``: ``before``/``after`` are plain JSON values already (row images), not converted again.
    ``texts``: the items are ``(object_id, before, before_text, after, after_text)``, plain values with their
    canonical texts (:func:`image_text`), stored and hashed as given.
    ``batch``: the items are rows of one table (``after`` each row's image): one batch record per
    :data:`BATCH` rows instead (:func:`batched`); returns the records as stored.
    :raises RefusedAction: not inside ``actor_id``'s signed action (:class:`acting`).
    """
    act = current_act(conn, actor_id, f"{action} {object_type}")
    conv = (lambda v: v) if plain else _to_plain

    def prepared():
        if texts:
            for object_id, before, before_text, after, after_text in items:
                yield str(object_id), before, before_text, after, after_text
            return
        for object_id, before, after in items:
            before, after = conv(before), conv(after)
            yield str(object_id), before, _dump(before), after, _dump(after)

    if batch:
        return _write_records(conn, act, actor_id, action, object_type, batched(list(prepared())), at)
    return _write_records(conn, act, actor_id, action, object_type, prepared(), at)


def image_text(img: Mapping[str, Any], known: Mapping[str, str]) -> str:
    """The canonical text of a row image (``_dump(img)``) where the canonical texts of some of its values are
    known already (``known``: column → text, e.g. a JSON column shared by many rows, serialised once): the
    other columns are encoded in runs, joined in sorted key order — the same text, character for character."""
    parts, run = [], {}
    for k in sorted(img):
        if k in known:
            if run:
                parts.append(_dump(run)[1:-1])
                run = {}
            parts.append(f"{_dump(k)}:{known[k]}")
        else:
            run[k] = img[k]
    if run:
        parts.append(_dump(run)[1:-1])
    return "{" + ",".join(parts) + "}"


def batched(items: list[tuple[str, Any, str, Any, str]]) -> list[tuple[str, Any, str, Any, str]]:
    """Rows given as ``(key, before, before_text, after, after_text)`` grouped in key order into batch records
    of up to :data:`BATCH` rows each, in the same form: ``object_id`` ``batch:FIRST..LAST`` (the first and last key in
    sorted order), ``after`` every row's image keyed by its key, ``before`` the rows' before-images keyed the
    same way (None when every row is new). Each text is the canonical JSON of its value, joined from the rows'
    texts (sorted keys: exactly :func:`canonical` of the object), so the record's hash is the digest of all its
    rows. A group of one row, or rows whose keys repeat, stay one plain record each."""
    if len({it[0] for it in items}) != len(items):
        return items
    # grouped in key order, so the groups' first..last spans do not overlap: a row's batch records are found
    # from their ids (audit log --object: _batches_spanning), one per call at most
    items = sorted(items, key=lambda it: it[0])
    out = []
    for i in range(0, len(items), BATCH):
        group = items[i:i + BATCH]
        if len(group) == 1:
            out.extend(group)
            continue
        keys = [_dump(it[0]) for it in group]
        after = {it[0]: it[3] for it in group}
        after_text = "{" + ",".join(f"{k}:{it[4]}" for k, it in zip(keys, group)) + "}"
        if all(it[1] is None for it in group):
            before, before_text = None, "null"
        else:
            before = {it[0]: it[1] for it in group}
            before_text = "{" + ",".join(f"{k}:{it[2]}" for k, it in zip(keys, group)) + "}"
        out.append((f"{BATCH_PREFIX}{group[0][0]}..{group[-1][0]}", before, before_text, after, after_text))
    return out


def _write_records(conn, act: Act, actor_id: str, action: str, object_type: str, items, at) -> list[Record]:
    """Chain and append records given as ``(object_id, before, before_text, after, after_text)``, the texts
    being the values' canonical JSON (:func:`_dump`)."""
    at = at or utcnow()
    seq, prev = _tail(conn)
    out: list[Record] = []
    at_json = jsonable(at)
    # the record's canonical text is built once, from each part's canonical text: json.dumps of the body with
    # sorted keys is exactly this concatenation (keys in sorted order), so the hash is chain_hash's
    head = (f'{{"action":{_dump(action)},"actor_id":{_dump(actor_id)},"after":')
    mid = f',"at":{_dump(at_json)},"before":'
    tail_type = f',"object_type":{_dump(object_type)},"seq":'
    rows = []
    for oid, before, b, after, a in items:
        seq += 1
        text = f'{head}{a}{mid}{b},"object_id":{_dump(oid)}{tail_type}{seq}}}'
        h = hashlib.sha256((prev + text).encode()).hexdigest()
        out.append(Record(seq=seq, at=at, actor_id=actor_id, action=action, object_type=object_type,
                          object_id=oid, before=before, after=after, prev_hash=prev, hash=h))
        rows.append({"seq": seq, "at": at, "actor_id": actor_id, "action": action, "object_type": object_type,
                     "object_id": oid, "before_text": b, "after_text": a, "prev_hash": prev, "hash": h})
        prev = h
    _append(conn, rows)
    if out:
        if act.first is None:
            act.first = out[0].seq
        act.last, act.head = out[-1].seq, out[-1].hash
    return out


def record(conn, actor_id: str, action: str, object_type: str, object_id: str,
           before: Any = None, after: Any = None, *, at: dt.datetime | None = None) -> Record:
    """Append one record: ``actor_id`` did ``action`` to ``object_type``/``object_id``.

    ``before``/``after`` are JSON-able values (Decimal, dates and attrs values are
    converted); for a row of a :data:`VERIFIED` table, ``after`` must be
    :func:`image` of the row as written — use :func:`insert`/:func:`update`.
    """
    return record_many(conn, actor_id, action, object_type, [(object_id, before, after)], at=at)[0]


def insert(conn, actor_id: str, table: sa.Table, rows: Iterable[Mapping], *, action: str,
           at: dt.datetime | None = None) -> int:
    """Insert ``rows`` into ``table`` (executemany in chunks of :data:`CHUNK`) and record them: one record for
    one row, one batch record per :data:`BATCH` rows for more (:func:`batched`).

    Each row is completed with its columns' defaults first, so the recorded
    image is the row exactly as stored. Returns the number of rows.
    :raises Conflict: a row breaks a unique or foreign key constraint.
    """
    rows = [complete(table, r) for r in rows]
    if not rows:
        return 0
    act = current_act(conn, actor_id, f"{action} {table.name}")
    # serialised once: a JSON column is stored as its canonical text, and the row's image text (what the
    # record's after holds and its hash covers) is one encoder call over the image (the profile: a call per
    # column cost more than the encoding itself)
    json_cols = [c.name for c in table.columns if isinstance(c.type, sa.JSON)]
    # a JSON value given to many rows as one object (an import's claims share their stages) is converted and
    # encoded once, by identity (the rows hold it for the whole call, so its id is not reused); the image's
    # text is joined from the JSON columns' texts and one encoding of the rest (image_text: the same
    # characters), so a JSON column is encoded once, not once for its column and again in the image
    shared: dict[int, tuple[Any, Any, str]] = {}
    params, prepared = [], []
    for r in rows:
        p = {n: v for n, v in r.items() if n not in json_cols}
        texts, values = {}, {}
        for n in json_cols:
            v = r.get(n)
            if v is None:
                values[n], texts[n] = None, "null"
                continue
            hit = shared.get(id(v))
            if hit is None or hit[0] is not v:
                pv = plain(v)
                hit = shared[id(v)] = (v, pv, _dump(pv))
            values[n], texts[n] = hit[1], hit[2]
            p[f"{n}__text"] = hit[2]
        for n in json_cols:
            p.setdefault(f"{n}__text", "null")
        img = image(table, {**r, **values}, done=values)
        params.append(p)
        prepared.append((key_of(table, r), None, "null", img, image_text(img, texts)))
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import JSONB

        stmt = sa.insert(table).values({n: sa.cast(sa.bindparam(f"{n}__text", type_=sa.Text), JSONB)
                                        for n in json_cols})
    else:
        stmt = sa.insert(table).values({n: sa.bindparam(f"{n}__text", type_=sa.Text) for n in json_cols})
    try:
        for i in range(0, len(params), CHUNK):
            conn.execute(stmt, params[i:i + CHUNK])
    except sa.exc.IntegrityError as exc:
        raise Conflict(f"{table.name}: {_integrity_message(exc)}") from exc
    _write_records(conn, act, actor_id, action, OBJECT_TYPES.get(table.name, table.name), batched(prepared), at)
    return len(rows)


def update(conn, actor_id: str, table: sa.Table, key: Mapping, values: Mapping, *, action: str,
           expect: Mapping | None = None, at: dt.datetime | None = None) -> dict | None:
    """Update the one row of ``table`` with primary key ``key`` and record before/after.

    ``expect`` (e.g. ``{"version": 3}``) makes it an optimistic update: when
    the row does not hold those values any more, nothing changes and None is
    returned (the caller raises :class:`~xuefen.errors.Conflict`). Returns the
    new row as a dict.
    :raises KeyError: no row has that key.
    """
    current_act(conn, actor_id, f"{action} {table.name}")
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
            object_id: str | None = None, newest_first: bool = True, expand: bool = True) -> list[Record]:
    """Audit records, newest first by default, optionally about one object.

    ``expand`` (the default): each batch record as its rows' views (:func:`rows_of`), so a row's history
    is found whether its records are plain or batch ones, and ``limit`` counts views; ``expand=False``:
    the records as stored (a batch record once), and ``object_id`` matches only plain records.
    """
    q = sa.select(audit_log)
    if object_type:
        q = q.where(audit_log.c.object_type == object_type)
    if object_id and expand:
        # the batch records holding the key: of those whose first..last span it (too many to name: of all),
        # those whose text holds it
        spans = _batches_spanning(conn, object_id, object_type)
        held = _holds_key(conn, object_id)
        if spans is None:
            held = sa.and_(audit_log.c.object_id.like(BATCH_PREFIX + "%"), held)
        else:
            held = sa.and_(audit_log.c.seq.in_(spans), held) if spans else sa.false()
        q = q.where(sa.or_(audit_log.c.object_id == object_id, held))
    elif object_id:
        q = q.where(audit_log.c.object_id == object_id)
    q = q.order_by(audit_log.c.seq.desc() if newest_first else audit_log.c.seq)
    if limit and not (object_id and expand):  # every record found yields at least one view
        q = q.limit(limit)
    if not expand:
        return [Record.from_row(r) for r in conn.execute(q)]
    out: list[Record] = []
    for r in conn.execute(q):
        rec = Record.from_row(r)
        try:
            views = list(rows_of(rec))
        except ValueError:  # an altered batch record: shown as stored (verify names it)
            views = [rec]
        if object_id:
            views = [v for v in views if v.object_id == object_id]
        elif newest_first:
            views.reverse()
        out.extend(views)
        if limit and len(out) >= limit:
            return out[:limit]
    return out


#: batch records named to the database by their seq at most; more, and their texts are searched instead
MAX_SPANNING = 5_000


def _batches_spanning(conn, key: str, object_type: str | None) -> list[int] | None:
    """The seqs of the batch records (of ``object_type``) whose ``batch:FIRST..LAST`` span ``key``, from
    their ids alone (the object-id index: the records' images are not read); None if more than
    :data:`MAX_SPANNING`. A batch's rows are in key order between its first and last (:func:`batched`), so
    a record that does not span the key does not hold it, and its text is not searched (:func:`records`)."""
    q = sa.select(audit_log.c.seq, audit_log.c.object_id).where(audit_log.c.object_id.like(BATCH_PREFIX + "%"))
    if object_type:
        q = q.where(audit_log.c.object_type == object_type)
    out = [seq for seq, oid in conn.execute(q) if spans(oid, key)]
    return out if len(out) <= MAX_SPANNING else None


def spans(batch_id: str, key: str) -> bool:
    """Whether the batch record ``batch_id`` (``batch:FIRST..LAST``) may hold ``key``: FIRST ≤ key ≤ LAST,
    for any reading of its ``..`` (an id may contain ``..`` itself, so each is tried)."""
    if not batch_id.startswith(BATCH_PREFIX):
        return False
    span = batch_id[len(BATCH_PREFIX):]
    i = span.find("..")
    while i != -1:
        if span[:i] <= key <= span[i + 2:]:
            return True
        i = span.find("..", i + 1)
    return False


def _holds_key(conn, key: str):
    """SQL: a record's ``after`` has ``key`` among its top-level keys (a batch record holding that row). A
    key-existence test on PostgreSQL's jsonb; on SQLite a substring test on the stored canonical text (a key
    is its JSON string followed by ``:``, which no string value is), confirmed by :func:`rows_of`."""
    if conn.dialect.name == "postgresql":
        return sa.func.jsonb_exists(audit_log.c.after, key)
    needle = json.dumps(key, ensure_ascii=False) + ":"
    return sa.func.instr(sa.cast(audit_log.c.after, sa.Text), needle) > 0


def recorded_ids(conn, object_type: str) -> set[str]:
    """The ids of every object of ``object_type`` the log holds a record of (batch records' rows included)."""
    out: set[str] = set()
    q = sa.select(audit_log).where(audit_log.c.object_type == object_type)
    for r in _stream(conn, q):
        rec = Record.from_row(r)
        if rec.is_batch and isinstance(rec.after, dict):
            out.update(rec.after)
        else:
            out.add(rec.object_id)
    return out


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
    """What :func:`verify` found: the number of records and actions, and every problem (none: intact)."""

    records: int
    problems: tuple[Broken, ...] = ()
    actions: int = 0

    @property
    def broken(self) -> Broken | None:
        """The first problem found."""
        return self.problems[0] if self.problems else None

    @property
    def intact(self) -> bool:
        return not self.problems

    def grouped(self) -> dict[str, int]:
        """How many problems of each kind (by table)."""
        out: dict[str, int] = {}
        for p in self.problems:
            out[p.table] = out.get(p.table, 0) + 1
        return out

    def as_json(self) -> dict:
        return {"intact": self.intact, "records": self.records, "actions": self.actions,
                "broken": self.broken.as_json() if self.broken else None,
                "problems": [p.as_json() for p in self.problems], "counts": self.grouped()}


def _stream(conn, q) -> Iterator:
    # the option on the statement, not the connection: Connection.execution_options() changes the
    # connection itself, and later INSERTs on PostgreSQL would then be sent through a server-side cursor
    yield from conn.execute(q.execution_options(yield_per=CHUNK))


def verify(conn, *, limit: int = 1000) -> Verification:
    """Check the chain, the signed actions, then every row of the :data:`VERIFIED` tables against its
    latest record; every problem is listed (up to ``limit``), the first being :attr:`Verification.broken`.

    - a record whose hash does not match its content or its predecessor (an audit row altered
      or deleted), or a gap in the numbering;
    - a record that no signed action covers, an action whose signature does not verify under a
      key its actor held at its time, whose range or head hash does not match the records (a chain
      rebuilt or extended without the private keys), or whose actor is not the records' actor;
    - a row of a verified table that differs from the image its latest record holds, has no
      record, or is missing.
    """
    problems: list[Broken] = []
    expected_seq, prev, n = 1, GENESIS, 0
    latest: dict[tuple[str, str], tuple[int, str | None]] = {}
    hashes: dict[int, tuple[str, str]] = {}  # seq -> (hash as stored, actor)
    images: dict[tuple[str, str], tuple[int, Any]] = {}  # the latest after of each row
    amended: dict[str, tuple[int, str]] = {}  # claim id -> the activity amendment not yet matched by its claim's
    for row in _stream(conn, sa.select(audit_log).order_by(audit_log.c.seq)):
        rec = Record.from_row(row)
        n += 1
        if rec.seq != expected_seq:
            problems.append(Broken("audit_log", str(expected_seq),
                                   f"record {expected_seq} is missing (the next is {rec.seq})", rec.seq))
        elif rec.prev_hash != prev:
            problems.append(Broken("audit_log", str(rec.seq),
                                   "prev_hash does not match the previous record's hash", rec.seq))
        if rec.computed_hash() != rec.hash:
            problems.append(Broken("audit_log", str(rec.seq),
                                   "hash does not match the record's content (the record was altered)", rec.seq))
        hashes[rec.seq] = (rec.hash, rec.actor_id)
        if not (rec.action in RECORD_KINDS or rec.action.startswith("migrate:")):
            problems.append(Broken("audit_log", str(rec.seq), f"record {rec.seq} is of a kind no command writes "
                                   f"({rec.action!r} on {rec.object_type} {rec.object_id})", rec.seq))
        if rec.object_type in VERIFIED:
            try:
                views = list(rows_of(rec))
            except ValueError as exc:
                problems.append(Broken("audit_log", str(rec.seq), f"{exc} (the record was altered)", rec.seq))
                views = []
            for view in views:  # a batch record: every row it covers, checked as a plain record of it would be
                key = (view.object_type, view.object_id)
                prior = images.get(key)
                if view.object_type in UPGRADED:  # recorded under an earlier schema: as its migrations left it
                    up = UPGRADED[view.object_type]
                    view = attrs.evolve(view, before=schema.upgrade_row(up, view.before),
                                        after=schema.upgrade_row(up, view.after))
                # meaning: a change starts from the row as the program last left it; a before that differs
                # means the row was changed behind the program's back in between, then "laundered"
                if (prior is not None and isinstance(view.before, dict) and isinstance(prior[1], dict)
                        and set(view.before) == set(prior[1]) and digest(view.before) != digest(prior[1])):
                    diffs = sorted(k for k in view.before
                                   if canonical(view.before[k]) != canonical(prior[1].get(k)))
                    problems.append(Broken(VERIFIED[view.object_type].name, view.object_id,
                                           f"record {view.seq} starts from a row that differs from record "
                                           f"{prior[0]}'s ({', '.join(diffs)}): changed behind the program's "
                                           f"back in between", view.seq))
                if view.object_type == "activity" and view.action == "amend":
                    why, cid = _amend_problem(view, images)
                    if why:
                        problems.append(Broken("activities", view.object_id, why, view.seq))
                    amended[cid] = (view.seq, view.object_id)
                if view.object_type == "claim" and view.action == "amend":
                    amended.pop(view.object_id, None)
                if view.object_type == "claim" and isinstance(view.before, dict) and isinstance(view.after, dict):
                    why = _transition_problem(view) or _authority_problem(view, images)
                    if why:
                        problems.append(Broken("claims", view.object_id, why, view.seq))
                images[key] = (view.seq, view.after)
                latest[key] = (view.seq, None if view.after is None else digest(view.after))
        prev, expected_seq = rec.hash, rec.seq + 1
    for cid, (seq, oid) in sorted(amended.items(), key=lambda kv: kv[1]):
        problems.append(Broken("activities", oid, f"record {seq} amends the activity, and its claim {cid} was not "
                               f"taken back to its first stage (no amend record of the claim follows)", seq))
    acts = _verify_actions(conn, hashes, problems)
    for object_type, table in VERIFIED.items():
        for row in _stream(conn, sa.select(table).order_by(*table.primary_key.columns)):
            m = row._mapping
            oid = key_of(table, m)
            seq, want = latest.pop((object_type, oid), (None, None))
            img = image(table, m)
            if want is None:
                problems.append(Broken(table.name, oid, "row has no audit record "
                                       "(written behind the program's back)", seq))
            elif digest(img) != want:
                problems.append(Broken(table.name, oid, _difference(conn, seq, oid, img), seq))
    for seq, t, oid in sorted(((seq, t, oid) for (t, oid), (seq, d) in latest.items() if d is not None)):
        problems.append(Broken(VERIFIED[t].name, oid,
                               f"row is missing (deleted behind the program's back; audit record {seq})", seq))
    return Verification(n, tuple(problems[:limit]), acts)


def _verify_actions(conn, hashes: dict[int, tuple[str, str]], problems: list[Broken]) -> int:
    """Check every signed action against the records; returns how many there are."""
    from xuefen import keys

    key_rows = {r.fingerprint: keys.KeyRecord.from_row(r) for r in conn.execute(sa.select(schema.keys))}
    covered: set[int] = set()
    prev, expected, n = GENESIS, 1, 0
    for row in _stream(conn, sa.select(actions).order_by(actions.c.seq)):
        n += 1
        where = str(row.seq)

        def bad(problem: str) -> None:
            problems.append(Broken("actions", where, problem, row.first_record))

        if row.seq != expected:
            bad(f"action {expected} is missing (the next is {row.seq})")
        expected = row.seq + 1
        try:
            body = json.loads(row.statement)
            sig = keys.unb64(row.signature)
        except (ValueError, TypeError):
            bad("the statement or the signature is unreadable")
            continue
        if hashlib.sha256((row.statement + row.signature).encode()).hexdigest() != row.hash:
            bad("hash does not match the statement and signature")
        if body.get("prev") != prev:
            bad("does not follow the previous action (an action was removed or inserted)")
        prev = row.hash
        fields = (body.get("seq"), body.get("actor"), body.get("key"), body.get("action"))
        if fields != (row.seq, row.actor_id, row.key, row.action):
            bad("the signed statement names another number, actor, key or action than its row")
        rec = key_rows.get(body.get("key"))
        at = _parse_time(body.get("at"))
        if rec is None:
            bad(f"signed with key {str(body.get('key'))[:16]}, which is not registered")
        elif rec.actor_id != body.get("actor"):
            bad(f"signed with {rec.actor_id}'s key in the name of {body.get('actor')}")
        elif not keys.verify(rec.public_key, sig, row.statement.encode()):
            bad("the signature does not verify (the action was forged or its statement altered)")
        elif at is None or rec.problem_at(at) is not None:
            bad(f"signed under a key that was not valid then: {rec.problem_at(at) if at else 'no time'}")
        records = body.get("records") or {}
        first, last = records.get("first"), records.get("last")
        if (first, last) != (row.first_record, row.last_record) or not isinstance(first, int) \
                or not isinstance(last, int) or first > last:
            bad("the signed record range does not match its row")
            continue
        head = hashes.get(last)
        if head is None or head[0] != records.get("head"):
            bad(f"records {first}–{last} are not the ones signed (the chain was rewritten up to record {last})")
        clash = [s for s in (first, last) if s in covered]
        if clash:
            bad(f"covers records already covered by an earlier action ({clash[0]})")
        covered.update(range(first, last + 1))
        if body.get("action") != "bootstrap":
            others = sorted({hashes[s][1] for s in range(first, last + 1) if s in hashes} - {row.actor_id})
            if others:
                bad(f"covers records written in the name of {', '.join(others)}")
    unsigned = sorted(set(hashes) - covered)
    if unsigned:
        runs = _runs(unsigned)
        problems.append(Broken("audit_log", str(unsigned[0]),
                               f"{len(unsigned)} record(s) no signed action covers ({runs}): written or rewritten "
                               f"without an actor's key", unsigned[0]))
    return n


#: the kinds of record the program writes (each command's action names; ``migrate:NAME`` besides)
RECORD_KINDS = frozenset({
    "bootstrap", "adopt", "import", "submit", "approve", "return", "reject", "revoke", "resubmit", "post",
    "reverse", "certify", "issue_certificate", "next_cycle", "falsified", "sign", "key_register", "key_retire",
    "key_revoke", "deactivate", "restore", "setting", "assign_verification_code", "revoke_certificate", "amend",
    "withdraw", "transfer"})


def _as_of_then(images: dict, kind: str, oid: str | None):
    img = images.get((kind, oid)) if oid is not None else None
    return img[1] if img is not None and isinstance(img[1], dict) else None


def _authority_problem(rec: Record, images: dict) -> str | None:
    """Whether the record's actor could take its action on the claim *then*: its role, unit and status, the
    teacher's school and the org tree as their own latest records had them (None where the history before
    signing lacks them)."""
    import types

    from xuefen.claims.authority import is_own, refusal_for
    from xuefen.claims.flow import Flow

    if rec.action not in ("approve", "return", "reject", "revoke", "resubmit", "amend", "withdraw"):
        return None
    claim = rec.before
    actor = _as_of_then(images, "actor", rec.actor_id)
    teacher = _as_of_then(images, "teacher", claim.get("teacher_id"))
    if actor is None or teacher is None:
        return None
    chain, unit, seen = [], teacher.get("school_id"), set()
    while unit is not None and unit not in seen:
        seen.add(unit)
        org = _as_of_then(images, "org", unit)
        if org is None:
            break
        chain.append(types.SimpleNamespace(id=org["id"], level=org["level"]))
        unit = org.get("parent_id")
    who = types.SimpleNamespace(id=actor["id"], role=actor["role"], org_id=actor.get("org_id"),
                                active=actor.get("active", True), data=actor.get("data"),
                                teacher_id=actor.get("teacher_id"))
    try:
        flow = Flow.of(claim.get("stages") or (), claim.get("purpose") or "activity")
    except Exception:  # a flow that cannot be built is _transition_problem's to name
        return None
    if rec.action in ("amend", "withdraw"):  # a correction of the record (xuefen.claims.amend)
        from xuefen.claims.authority import correction_refusal

        stage = flow.stages[0] if claim.get("state") == "returned" else flow.stage(claim.get("state"))
        if stage is None:
            return None  # not before final approval: _transition_problem names it
        why = correction_refusal(who, claim["teacher_id"], stage, chain)
        return f"record {rec.seq}: {rec.actor_id} could not {rec.action} it then: {why}" if why else None
    if rec.action == "resubmit":
        if who.active and is_own(who, claim["teacher_id"]):
            return None
        stage = flow.stages[0]
    else:
        stage = flow.stages[-1] if rec.action == "revoke" else flow.stage(claim.get("state"))
    if stage is None:
        return None
    why = refusal_for(who, claim["teacher_id"], stage, chain)
    return f"record {rec.seq}: {rec.actor_id} could not {rec.action} it then: {why}" if why else None


def _amend_problem(rec: Record, images: dict) -> tuple[str | None, str]:
    """An activity is amended only while its claim is before final approval (at a stage, or returned), and
    the same action moves the claim back to its first stage."""
    from xuefen.claims.flow import Flow

    teacher, _, activity = rec.object_id.partition("/")
    from xuefen.store.repo import claim_id_for

    cid = claim_id_for(teacher, activity)
    claim = _as_of_then(images, "claim", cid)
    if claim is None:
        return f"record {rec.seq} amends an activity whose claim {cid} has no record", cid
    try:
        flow = Flow.of(claim.get("stages") or (), claim.get("purpose") or "activity")
    except Exception:
        return None, cid
    state = claim.get("state")
    if flow.stage(state) is None and state != "returned":
        return (f"record {rec.seq} amends the activity of claim {cid}, which was {state} then: a record is "
                f"amended only before final approval (after it, only revocation with reversal)"), cid
    return None, cid


def _transition_problem(rec: Record) -> str | None:
    """Whether a claim's record moves it along its flow: the state the action leads to from the state before."""
    from xuefen.claims.flow import ACTIONS, CORRECTIONS, Flow
    from xuefen.errors import RefusedAction as Refused

    before, after = rec.before.get("state"), rec.after.get("state")
    if rec.action not in ACTIONS + CORRECTIONS:
        if before != after:
            return f"record {rec.seq} moves the claim from {before} to {after} by {rec.action!r}, which is no claim action"
        return None
    try:
        flow = Flow.of(rec.before.get("stages") or (), rec.before.get("purpose") or "activity")
        want = flow.next_state(before, rec.action)
    except (Refused, ValueError, KeyError, TypeError, AttributeError) as exc:
        return f"record {rec.seq}: {rec.action} of a claim that is {before} is not in its flow ({exc})"
    if want != after:
        return (f"record {rec.seq}: {rec.action} takes a claim that is {before} to {want} in its flow, "
                f"not to {after}")
    return None


def _runs(seqs: list[int]) -> str:
    out, start, prev = [], seqs[0], seqs[0]
    for s in seqs[1:] + [None]:
        if s is not None and s == prev + 1:
            prev = s
            continue
        out.append(f"{start}" if start == prev else f"{start}–{prev}")
        if s is not None:
            start = prev = s
    return ", ".join(out[:5]) + (", …" if len(out) > 5 else "")


def _parse_time(value) -> dt.datetime | None:
    try:
        t = dt.datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return None
    return t if t.tzinfo else t.replace(tzinfo=dt.timezone.utc)


def _difference(conn, seq: int, oid: str, img: dict) -> str:
    rec = Record.from_row(conn.execute(sa.select(audit_log).where(audit_log.c.seq == seq)).one())
    after = next((v.after for v in rows_of(rec) if v.object_id == oid), None) or {}
    diffs = [f"{k} is {canonical(img.get(k))} in the table but {canonical(after.get(k))} in audit record {seq}"
             for k in sorted(set(img) | set(after)) if canonical(img.get(k)) != canonical(after.get(k))]
    return "; ".join(diffs) or f"row differs from audit record {seq}"


# -- checkpoints: the log's state, signed, kept outside the database ------------------------------

CHECKPOINT_FORMAT = "xuefen-checkpoint/1"


def registry_id(conn) -> str | None:
    """The registry's identity: the hash of its first signed action (None: nothing signed yet)."""
    return conn.execute(sa.select(actions.c.hash).where(actions.c.seq == 1)).scalar_one_or_none()


def checkpoint(conn, signer) -> dict:
    """A signed statement of the log as it stands — record count and head hash, signed-action count and
    head hash, the registry's identity — for keeping outside the database (sent to the parent bureau,
    printed, committed elsewhere). Reads only; the signer's key must be valid now.

    The returned mapping is what ``xuefen audit checkpoint -o FILE`` writes: ``checkpoint`` (the
    statement), ``signature`` (base64 Ed25519 over its canonical JSON) and ``public_key`` (the signer's
    PEM, so anyone can check the file without the database).
    """
    from xuefen import keys

    at = utcnow()
    keys.check_signer(conn, signer, at)
    last = conn.execute(sa.select(audit_log.c.seq, audit_log.c.hash).order_by(audit_log.c.seq.desc())
                        .limit(1)).first()
    act = conn.execute(sa.select(actions.c.seq, actions.c.hash).order_by(actions.c.seq.desc()).limit(1)).first()
    body = {"format": CHECKPOINT_FORMAT, "registry": registry_id(conn), "at": jsonable(at),
            "signer": signer.actor_id, "key": signer.fingerprint,
            "records": last.seq if last else 0, "head": last.hash if last else GENESIS,
            "actions": act.seq if act else 0, "action_head": act.hash if act else GENESIS}
    sig = signer.sign(canonical(body).encode())
    return {"checkpoint": body, "signature": keys.b64(sig), "public_key": signer.public_pem}


def check_checkpoint(conn, data: Any, where: str = "checkpoint") -> list[Broken]:
    """Whether today's log extends the signed checkpoint ``data``: every problem found (empty: it does).

    A log cut back before the checkpoint (records or actions deleted, a rollback), or rewritten
    anywhere before it (its hash at the checkpoint's count differs), is named; so is a checkpoint
    whose signature does not verify, or that belongs to another registry.
    """
    from xuefen import keys

    def bad(problem: str, seq: int | None = None) -> list[Broken]:
        return [Broken("checkpoint", where, problem, seq)]

    try:
        body, sig, pem = data["checkpoint"], keys.unb64(data["signature"]), data["public_key"]
        n, head, m, action_head = body["records"], body["head"], body["actions"], body["action_head"]
        if body.get("format") != CHECKPOINT_FORMAT or not isinstance(n, int) or not isinstance(m, int):
            raise ValueError("not a checkpoint")
    except (KeyError, TypeError, ValueError, AttributeError):
        return bad("not a checkpoint written by `xuefen audit checkpoint`")
    if keys.fingerprint(pem) != body.get("key") or not keys.verify(pem, sig, canonical(body).encode()):
        return bad("its signature does not verify (the checkpoint file was altered)")
    out: list[Broken] = []
    rid = registry_id(conn)
    if body.get("registry") != rid:
        out += bad("it is another registry's checkpoint (or this registry's first action was replaced)")
    tail = _tail_seq(conn)
    if tail < n:
        out += bad(f"the log has {tail} records, the checkpoint of {body.get('at')} signed by {body.get('signer')} "
                   f"has {n}: records were deleted (truncated or rolled back)", n)
    elif n:
        now = conn.execute(sa.select(audit_log.c.hash).where(audit_log.c.seq == n)).scalar_one_or_none()
        if now != head:
            out += bad(f"record {n} is not the one checkpointed on {body.get('at')}: the log was rewritten at or "
                       f"before it", n)
    acts, _, _ = _actions_tail(conn)
    if acts < m:
        out += bad(f"the log has {acts} signed actions, the checkpoint has {m}: actions were deleted")
    elif m:
        now = conn.execute(sa.select(actions.c.hash).where(actions.c.seq == m)).scalar_one_or_none()
        if now != action_head:
            out += bad(f"signed action {m} is not the one checkpointed: actions were rewritten")
    return out
