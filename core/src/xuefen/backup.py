"""Backup and restore of the whole registry as JSON lines, signed by the actor who exported it.

``dump(conn, out, signer)`` writes every table of :data:`xuefen.store.schema.TABLES`
(the audit log included, hashes and all), ``restore(conn, lines)`` puts it
back into an empty database in one transaction, so a restored registry is the
same registry: every report, every balance and ``audit verify`` come out as
before. The format (one JSON object per line, UTF-8), version 2::

    {"format": "xuefen-backup", "version": 2, "schema": "0002", "tables": ["orgs", ...]}
    {"table": "orgs", "row": {"id": "...", "name": "...", ...}}
    ...
    {"end": true, "rows": {"orgs": 3, ...}, "sha256": "<hex of every line before this one>",
     "checkpoint": {"checkpoint": {...}, "signature": "...", "public_key": "..."},
     "signer": "admin", "key": "<sha256 of the signer's raw public key>",
     "public_key": "<the signer's PEM>", "signature": "<base64 Ed25519>"}

Values are JSON: amounts as decimal strings (exact), dates ``YYYY-MM-DD``,
times ISO 8601 in UTC, JSON columns as they are. Rows come sorted by primary
key, so two dumps of the same registry hold the same rows whatever the
backend. The trailer's counts and checksum make a truncated or edited file an
error, never a partial restore.

The trailer (the end line) is **signed** (version 2): ``signature`` is the exporting actor's
Ed25519 signature of the canonical JSON (:func:`xuefen.audit.canonical`) of the end line
without ``signature``, which holds the sha256 of every line before it, the row counts and
``checkpoint``: the signed checkpoint of the log (:func:`xuefen.audit.checkpoint`, the
same format as ``xuefen audit checkpoint``) taken in the same read transaction as the rows.
A checksum anyone can recompute no longer vouches for the file; a key of the registry does.

:func:`read` checks the signature with the embedded public key and that the key's
fingerprint is ``key`` (and the checkpoint's signer and key are the end line's), the
counts and the checksum. :func:`restore` then inserts the rows and, before anything is
committed, checks that ``key`` is registered for ``signer`` in the restored ``keys``
table and was valid at the checkpoint's time, that the restored log *is* the checkpoint
(the same record and action counts and head hashes, nothing more, nothing less:
:func:`xuefen.audit.check_checkpoint` plus equal counts), and :func:`xuefen.audit.verify`.
A file whose rows were edited and its checksum recomputed, one cut on a line boundary
with a new trailer, or one re-signed with a key that is not the registry's is refused.

A version-1 backup (unsigned, written before signed backups) is refused: nothing in it
proves who wrote it or that it is whole. Restore it with the xuefen version that wrote
it and export again.

A backup holds personal data (teacher ids and names); it is only written on
explicit request (``xuefen export --all --as ACTOR``), mode 0600.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
from decimal import Decimal, InvalidOperation
from typing import IO, Iterable, Iterator

import sqlalchemy as sa

from xuefen.errors import InputError
from xuefen.model import dec_str
from xuefen.store import schema
from xuefen.store.engine import schema_revision
from xuefen.store.schema import Amount, UTCDateTime

FORMAT = "xuefen-backup"
VERSION = 2
#: the last version without a signed trailer (refused)
UNSIGNED_VERSION = 1
#: the fields of a version-2 end line
TRAILER_FIELDS = frozenset({"end", "rows", "sha256", "checkpoint", "signer", "key", "public_key", "signature"})
#: rows per INSERT executemany on restore
CHUNK = 2000


# -- values ------------------------------------------------------------------------


def _to_json(col: sa.Column, value):
    if value is None:
        return None
    if isinstance(col.type, Amount):
        return dec_str(value)
    if isinstance(col.type, UTCDateTime):
        return value.astimezone(dt.timezone.utc).isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return dec_str(value)
    return value


def _from_json(col: sa.Column, value):
    if value is None:
        return None
    if isinstance(col.type, Amount):
        if not isinstance(value, str):
            raise ValueError(f"{value!r} is not a decimal string")
        return Decimal(value)
    if isinstance(col.type, UTCDateTime):
        t = dt.datetime.fromisoformat(value)
        if t.tzinfo is None:
            raise ValueError(f"{value!r} has no time zone")
        return t
    if isinstance(col.type, sa.Date):
        return dt.date.fromisoformat(value)
    if isinstance(col.type, sa.Boolean) and not isinstance(value, bool):
        raise ValueError(f"{value!r} is not true or false")
    if isinstance(col.type, sa.Integer) and (isinstance(value, bool) or not isinstance(value, int)):
        raise ValueError(f"{value!r} is not a whole number")
    return value


def _sort_key(table: sa.Table, row: dict):
    return tuple((0, v, "") if isinstance(v, int) else (1, 0, str(v)) for v in
                 (row[c.name] for c in table.primary_key.columns))


# -- dump --------------------------------------------------------------------------


def rows(conn) -> Iterator[tuple[str, dict]]:
    """Every row of every table as ``(table name, JSON values)``, tables in fill order, rows by key."""
    for table in schema.TABLES:
        out = [{c.name: _to_json(c, r._mapping[c.name]) for c in table.columns}
               for r in conn.execute(sa.select(table))]
        out.sort(key=lambda r: _sort_key(table, r))
        for r in out:
            yield table.name, r


def _line(obj) -> str:
    return json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n"


def dump(conn, out: IO[str], signer) -> dict[str, int]:
    """Write the whole registry to ``out`` as JSON lines, the end line signed by ``signer``; returns
    the row count per table.

    ``conn`` should be one read transaction (on PostgreSQL ``REPEATABLE READ``), so the checkpoint
    and the rows are the same state of the registry.

    :raises RefusedAction: ``signer`` holds no key of its actor valid now (:func:`xuefen.keys.check_signer`).
    """
    from xuefen import audit, keys

    cp = audit.checkpoint(conn, signer)  # checks the key first: nothing is written without a valid one
    h = hashlib.sha256()
    counts = {t.name: 0 for t in schema.TABLES}

    def write(text: str):
        h.update(text.encode())
        out.write(text)

    write(_line({"format": FORMAT, "version": VERSION, "schema": schema_revision(conn),
                 "tables": [t.name for t in schema.TABLES]}))
    for name, row in rows(conn):
        counts[name] += 1
        write(_line({"table": name, "row": row}))
    end = {"end": True, "rows": counts, "sha256": h.hexdigest(), "checkpoint": cp,
           "signer": signer.actor_id, "key": signer.fingerprint, "public_key": signer.public_pem}
    end["signature"] = keys.b64(signer.sign(audit.canonical(end).encode()))
    out.write(_line(end))
    return counts


# -- the signed end line ------------------------------------------------------------


def trailer_problems(trailer, where: str = "backup") -> list[str]:
    """What is wrong with a version-2 end line on its own (no database): its signature under its
    embedded key, the key's fingerprint, and the checkpoint's own signature, signer and key."""
    from xuefen import audit, keys

    missing = sorted(TRAILER_FIELDS - set(trailer))
    if missing:
        return [f"{where}: end line: not signed (no {', '.join(missing)}): a backup is signed by the actor "
                f"who exported it; this end line was not written by `xuefen export --all`"]
    pem, fp, who = trailer["public_key"], trailer["key"], trailer["signer"]
    try:
        if not isinstance(pem, str) or not isinstance(fp, str) or not isinstance(who, str):
            raise ValueError
        sig = keys.unb64(trailer["signature"])
        real = keys.fingerprint(pem)
    except (ValueError, TypeError, InputError):
        return [f"{where}: end line: signature: not a public key and base64 signature"]
    if real != fp:
        return [f"{where}: end line: key: the public key's fingerprint is {real[:16]}, not {fp[:16]} as the end "
                f"line says"]
    body = {k: v for k, v in trailer.items() if k != "signature"}
    if not keys.verify(pem, sig, audit.canonical(body).encode()):
        return [f"{where}: end line: signature: does not verify under {who}'s key {fp[:16]} (the backup or its "
                f"end line was altered after it was signed)"]
    out = []
    cp = trailer["checkpoint"]
    try:
        cbody, cpem, csig = cp["checkpoint"], cp["public_key"], keys.unb64(cp["signature"])
        cfp = keys.fingerprint(cpem)
    except (KeyError, TypeError, ValueError, InputError):
        return [f"{where}: end line: checkpoint: not a checkpoint written by `xuefen audit checkpoint`"]
    if not isinstance(cbody, dict) or not keys.verify(cpem, csig, audit.canonical(cbody).encode()) \
            or cbody.get("key") != cfp:
        out.append(f"{where}: end line: checkpoint: its signature does not verify")
    elif cbody.get("signer") != who or cfp != fp:
        out.append(f"{where}: end line: checkpoint: signed by {cbody.get('signer')} with key {cfp[:16]}, but the "
                   f"backup by {who} with key {fp[:16]}")
    return out


def restored_problems(conn, trailer, where: str = "backup") -> list[str]:
    """What is wrong with the restored registry on ``conn`` against the backup's signed end line:
    the signer's key must be registered for the signer in the restored ``keys`` table and valid
    at the checkpoint's time, and the restored log must be exactly the checkpoint."""
    from xuefen import audit, keys
    from xuefen.store.schema import actions, actors, audit_log

    if not isinstance(trailer, dict) or trailer_problems(trailer, where):
        return [f"{where}: no verified signed end line (read the backup with xuefen.backup.read)"]
    who, fp = trailer["signer"], trailer["key"]
    body = trailer["checkpoint"]["checkpoint"]
    out = []
    rec = keys.key_record(conn, fp)
    if rec is None:
        out.append(f"{where}: end line: signed by {who} with key {fp[:16]}, which is not registered in the "
                   f"registry the backup holds (a backup is signed with a key of its own registry)")
    elif rec.actor_id != who or keys.fingerprint(rec.public_key) != fp:
        out.append(f"{where}: end line: key {fp[:16]} is registered for {rec.actor_id}, not for {who}")
    else:
        try:
            at = dt.datetime.fromisoformat(body.get("at"))
            if at.tzinfo is None:
                raise ValueError
        except (TypeError, ValueError):
            at = None
            out.append(f"{where}: end line: checkpoint: no time (at)")
        why = rec.problem_at(at) if at is not None else None
        if why:
            out.append(f"{where}: end line: {who}'s {why}, before the checkpoint of {body.get('at')}")
        actor = conn.execute(sa.select(actors.c.active).where(actors.c.id == who)).first()
        if actor is None or not actor.active:
            out.append(f"{where}: end line: signer {who} is {'not registered' if actor is None else 'inactive'} in "
                       f"the registry the backup holds")
    out += [f"{where}: {p}" for p in audit.check_checkpoint(conn, trailer["checkpoint"], where="of the end line")]
    records = conn.execute(sa.select(sa.func.max(audit_log.c.seq))).scalar_one() or 0
    acts = conn.execute(sa.select(sa.func.max(actions.c.seq))).scalar_one() or 0
    n, m = body.get("records"), body.get("actions")
    if isinstance(n, int) and isinstance(m, int) and (records > n or acts > m):
        out.append(f"{where}: the backup holds {records} records and {acts} signed actions, its signed "
                   f"checkpoint {n} and {m}: records were added after it was signed")
    return out


# -- restore -----------------------------------------------------------------------


def _self_ordered(table: sa.Table, items: list[dict]) -> list[dict]:
    """Rows ordered so a row a row of the same table points at comes first (orgs.parent_id, entries.reverses)."""
    refs = [(fk.parent.name, fk.column.name) for fk in table.foreign_keys if fk.column.table is table]
    if not refs:
        return items
    pk = [c.name for c in table.primary_key.columns]
    if len(pk) != 1 or any(target != pk[0] for _, target in refs):
        return items
    by_id = {r[pk[0]]: r for r in items}
    done: set = set()
    out: list[dict] = []
    for r in items:
        stack = [r]
        while stack:
            cur = stack[-1]
            if cur[pk[0]] in done:
                stack.pop()
                continue
            pending = [by_id[cur[src]] for src, _ in refs
                       if cur.get(src) is not None and cur[src] in by_id and cur[src] not in done
                       and by_id[cur[src]] is not cur and all(by_id[cur[src]] is not s for s in stack)]
            if pending:
                stack.append(pending[0])
                continue
            stack.pop()
            done.add(cur[pk[0]])
            out.append(cur)
    return out


class Backup(dict):
    """A parsed backup: the rows per table (a dict), with its ``header`` and signed ``trailer``."""

    header: dict | None = None
    trailer: dict | None = None


def read(lines: Iterable[str], where: str = "backup") -> Backup:
    """Parse and check a backup; returns the rows per table, typed for inserting (a :class:`Backup`).

    :raises InputError: naming ``WHERE:LINE`` for every problem (bad JSON, unknown
        table or column, a bad value), a missing/mismatched trailer, or one whose signature does
        not verify (see the module docstring); a version-1 (unsigned) backup.
    """
    tables = {t.name: t for t in schema.TABLES}
    data = Backup({t.name: [] for t in schema.TABLES})
    problems: list[str] = []
    h = hashlib.sha256()
    header = trailer = None
    n = 0
    for n, text in enumerate(lines, 1):
        if trailer is not None:
            if text.strip():
                problems.append(f"{where}:{n}: data after the end line")
            continue
        try:
            obj = json.loads(text)
        except ValueError as exc:
            problems.append(f"{where}:{n}: not valid JSON: {exc}")
            h.update(text.encode())
            continue
        if n == 1:
            if not isinstance(obj, dict) or obj.get("format") != FORMAT:
                raise InputError(f"{where}:1: not a xuefen backup (made by `xuefen export --all`)")
            if obj.get("version") == UNSIGNED_VERSION:
                raise InputError(f"{where}:1: version: backup format 1 predates signed backups: nothing proves who "
                                 f"wrote it or that it is whole, so it is not restored. Restore it with the xuefen "
                                 f"version that wrote it and export again (`xuefen export --all --as ACTOR`)")
            if obj.get("version") != VERSION:
                raise InputError(f"{where}:1: version: backup format {obj.get('version')!r} is not {VERSION}")
            header = obj
            h.update(text.encode())
            continue
        if isinstance(obj, dict) and obj.get("end") is True:
            trailer = obj
            continue
        h.update(text.encode())
        if not isinstance(obj, dict) or set(obj) != {"table", "row"} or not isinstance(obj["row"], dict):
            problems.append(f"{where}:{n}: not a {{\"table\", \"row\"}} line")
            continue
        table = tables.get(obj["table"])
        if table is None:
            problems.append(f"{where}:{n}: table: unknown table {obj['table']!r}")
            continue
        row = {}
        # a row an earlier schema shaped differently, as the migrations since made of it
        for key, value in schema.upgrade_row(table.name, obj["row"]).items():
            if key not in table.c:
                problems.append(f"{where}:{n}: {table.name}.{key}: unknown column")
                continue
            try:
                row[key] = _from_json(table.c[key], value)
            except (ValueError, TypeError, InvalidOperation) as exc:
                problems.append(f"{where}:{n}: {table.name}.{key}: {exc}")
        data[table.name].append(row)
    if header is None and not problems:
        raise InputError(f"{where}: empty file, not a xuefen backup")
    if trailer is None:
        problems.append(f"{where}:{n}: the end line is missing (the backup is truncated)")
    else:
        counts = {k: len(v) for k, v in data.items()}
        said = trailer.get("rows") if isinstance(trailer.get("rows"), dict) else {}
        want = {k: said.get(k, 0) for k in counts}
        if counts != want:
            diff = ", ".join(f"{k} {counts[k]} (end line says {want[k]})" for k in counts if counts[k] != want[k])
            problems.append(f"{where}: rows: {diff}")
        if trailer.get("sha256") != h.hexdigest():
            problems.append(f"{where}: sha256: the checksum does not match (the file was altered)")
        problems += trailer_problems(trailer, where)
    if problems:
        raise InputError(problems)
    data.header, data.trailer = header, trailer
    return data


def is_empty(conn) -> bool:
    return all(conn.execute(sa.select(sa.func.count()).select_from(t)).scalar_one() == 0 for t in schema.TABLES)


def restore(conn, data: Backup, signer=None) -> dict[str, int]:
    """Insert a parsed backup (:func:`read`) into an empty database, inside the caller's transaction.

    Before anything is committed the restored registry is checked against the backup's signed
    end line (:func:`restored_problems`: the exporting actor's key is registered in it and was
    valid at the checkpoint, and the log is exactly the checkpoint) and verified (the chain,
    every signed action, every row against its record: :func:`xuefen.audit.verify`); then the restore
    itself is recorded as an action signed by ``signer``, an administrator of the restored
    registry (the registry administrator) whose key the backup holds.

    :raises InputError: the database already holds data (restore never merges), or the
        backup does not verify (every problem named).
    :raises RefusedAction: no valid key of the restored registry's administrator.
    """
    from xuefen import audit
    from xuefen.claims.authority import REGISTRY_ADMIN, actor_row
    from xuefen.errors import RefusedAction

    trailer = getattr(data, "trailer", None)
    counts = _insert_all(conn, data)
    signed = restored_problems(conn, trailer)
    v = audit.verify(conn)
    if signed or not v.intact:
        shown = [f"backup: {p}" for p in v.problems[:20]]
        more = len(v.problems) - len(shown)
        raise InputError(signed + shown + ([f"backup: and {more} more problem(s)"] if more > 0 else [])
                         + ["backup: nothing was restored"])
    cp = trailer["checkpoint"]["checkpoint"]
    made = {"signer": trailer["signer"], "key": trailer["key"], "at": cp["at"], "sha256": trailer["sha256"]}
    if signer is None:
        raise RefusedAction("restore: a signed action: give the restoring administrator's key (--as, --key)")
    with audit.acting(conn, signer, "restore", {"rows": counts, "records": v.records, "actions": v.actions,
                                                "backup": made}):
        if actor_row(conn, signer.actor_id).role != REGISTRY_ADMIN:
            raise RefusedAction(f"restore: {signer.actor_id} is not the restored registry's administrator")
        audit.record(conn, signer.actor_id, "restore", "registry", "backup", None,
                     {"rows": counts, "records": v.records, "actions": v.actions, "backup": made})
    return counts


def _insert_all(conn, data: dict[str, list[dict]]) -> dict[str, int]:
    nonempty = [t.name for t in schema.TABLES
                if conn.execute(sa.select(sa.func.count()).select_from(t)).scalar_one()]
    if nonempty:
        raise InputError(f"database: restore needs an empty database; it holds {', '.join(nonempty)}")
    counts = {}
    for table in schema.TABLES:
        items = _self_ordered(table, data.get(table.name, []))
        counts[table.name] = len(items)
        # every row gets every column, so executemany batches share one statement
        full = [{c.name: r.get(c.name, c.default.arg if c.default is not None and c.default.is_scalar else None)
                 for c in table.columns} for r in items]
        for i in range(0, len(full), CHUNK):
            try:
                conn.execute(sa.insert(table), full[i:i + CHUNK])
            except sa.exc.IntegrityError as exc:
                raise InputError(f"{table.name}: the backup breaks a constraint: "
                                 f"{str(exc.orig).splitlines()[0]}") from exc
    return counts
