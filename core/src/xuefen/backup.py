"""Backup and restore of the whole registry as JSON lines.

``dump(conn, out)`` writes every table of :data:`xuefen.store.schema.TABLES`
(the audit log included, hashes and all), ``restore(conn, lines)`` puts it
back into an empty database in one transaction, so a restored registry is the
same registry: every report, every balance and ``audit verify`` come out as
before. The format (one JSON object per line, UTF-8)::

    {"format": "xuefen-backup", "version": 1, "schema": "0001", "tables": ["orgs", ...]}
    {"table": "orgs", "row": {"id": "...", "name": "...", ...}}
    ...
    {"end": true, "rows": {"orgs": 3, ...}, "sha256": "<hex of every line before this one>"}

Values are JSON: amounts as decimal strings (exact), dates ``YYYY-MM-DD``,
times ISO 8601 in UTC, JSON columns as they are. Rows come sorted by primary
key, so two dumps of the same registry are byte-identical whatever the
backend. The trailer's counts and checksum make a truncated or edited file an
error, never a partial restore.

A backup holds personal data (teacher ids and names); it is only written on
explicit request (``xuefen export --all``).
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
VERSION = 1
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


def dump(conn, out: IO[str]) -> dict[str, int]:
    """Write the whole registry to ``out`` as JSON lines; returns the row count per table."""
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
    out.write(_line({"end": True, "rows": counts, "sha256": h.hexdigest()}))
    return counts


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


def read(lines: Iterable[str], where: str = "backup") -> dict[str, list[dict]]:
    """Parse and check a backup; returns the rows per table, typed for inserting.

    :raises InputError: naming ``WHERE:LINE`` for every problem (bad JSON, unknown
        table or column, a bad value), or a missing/mismatched trailer.
    """
    tables = {t.name: t for t in schema.TABLES}
    data: dict[str, list[dict]] = {t.name: [] for t in schema.TABLES}
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
        for key, value in obj["row"].items():
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
        want = {k: trailer.get("rows", {}).get(k, 0) for k in counts}
        if counts != want:
            diff = ", ".join(f"{k} {counts[k]} (end line says {want[k]})" for k in counts if counts[k] != want[k])
            problems.append(f"{where}: rows: {diff}")
        if trailer.get("sha256") != h.hexdigest():
            problems.append(f"{where}: sha256: the checksum does not match (the file was altered)")
    if problems:
        raise InputError(problems)
    return data


def is_empty(conn) -> bool:
    return all(conn.execute(sa.select(sa.func.count()).select_from(t)).scalar_one() == 0 for t in schema.TABLES)


def restore(conn, data: dict[str, list[dict]], signer=None) -> dict[str, int]:
    """Insert a parsed backup (:func:`read`) into an empty database, inside the caller's transaction.

    Before anything is committed the restored registry is verified (the chain, every signed
    action, every row against its record: :func:`xuefen.audit.verify`); then the restore
    itself is recorded as an action signed by ``signer``, an administrator of the restored
    registry (the registry administrator) whose key the backup holds.

    :raises InputError: the database already holds data (restore never merges), or the
        backup does not verify (every problem named).
    :raises RefusedAction: no valid key of the restored registry's administrator.
    """
    from xuefen import audit
    from xuefen.claims.authority import REGISTRY_ADMIN, actor_row
    from xuefen.errors import RefusedAction

    counts = _insert_all(conn, data)
    v = audit.verify(conn)
    if not v.intact:
        shown = [f"backup: {p}" for p in v.problems[:20]]
        more = len(v.problems) - len(shown)
        raise InputError(shown + ([f"backup: and {more} more problem(s)"] if more > 0 else [])
                         + ["backup: nothing was restored"])
    if signer is None:
        raise RefusedAction("restore: a signed action: give the restoring administrator's key (--as, --key)")
    with audit.acting(conn, signer, "restore", {"rows": counts, "records": v.records, "actions": v.actions}):
        if actor_row(conn, signer.actor_id).role != REGISTRY_ADMIN:
            raise RefusedAction(f"restore: {signer.actor_id} is not the restored registry's administrator")
        audit.record(conn, signer.actor_id, "restore", "registry", "backup", None,
                     {"rows": counts, "records": v.records, "actions": v.actions})
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
