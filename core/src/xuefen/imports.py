"""Importing the tables of docs/formats.md §3 (orgs, actors, teachers, activities) into the database.

All or nothing per file: every row is parsed with the field parsers of
:mod:`xuefen.io.fields` and checked against the database (the school exists
and is a school, the org unit exists, the teacher exists, the region is
installed); any problem and nothing is written, and every bad row is reported
as ``FILE:LINE: field: what is wrong`` in one :class:`~xuefen.errors.InputError`.

Re-importing is idempotent: a row whose id is already stored with the same
data is skipped; with different data it is an error row (a correction is a
workflow action, never a silent overwrite).

An imported activity opens its claim in the first approval stage its region
returns (``xuefen_approval_stages(purpose="activity")``). New rows are written
with Core ``executemany`` in chunks, each with its audit record naming the
importing actor, in the caller's one transaction.
"""
from __future__ import annotations

import types
from pathlib import Path
from typing import Callable

import attrs
import sqlalchemy as sa

from xuefen import audit, model, needs, registry, transfers
from xuefen.claims.authority import REGISTRY_ADMIN, actor_row, management_refusal
from xuefen.errors import InputError, RefusedAction, XuefenError
from xuefen.io import fields as F
from xuefen.io.tables import Table, read_table
from xuefen.regions import installed
from xuefen.store import repo
from xuefen.store.schema import activities, actors, claims, orgs, teachers, utcnow

KINDS = ("orgs", "actors", "teachers", "activities")
#: ids looked up per query when checking what is already stored
LOOKUP_CHUNK = 500
#: records of an activities file checked and written at a time (:meth:`_Importer._build_activities`)
STREAM_CHUNK = 5000
#: org levels from the top; a parent must be higher than its child
LEVEL_ORDER = ("province", "city", "county", "school")
#: at most this many differing fields are named in a "different data" problem
DIFF_FIELDS_SHOWN = 3

Progress = Callable[[str, int, int], None]  # (phase, done, total)


@attrs.frozen
class ImportResult:
    """What an import did."""

    kind: str
    path: str
    rows: int  #: records in the file
    created: int  #: new rows written
    unchanged: int  #: rows already stored with the same data
    claims: int = 0  #: claims opened (activities)
    moved: int = 0  #: teachers moved to another school (a stored teacher's row with ``school_id`` and ``moved_on``)
    ids: tuple = attrs.field(default=(), repr=False)  #: ids of the rows written (orgs, actors, teachers)

    def as_json(self) -> dict:
        return attrs.asdict(self, filter=lambda a, _: a.name != "ids" and (a.name != "moved" or self.kind == "teachers"))


def import_file(engine, kind: str, path: str | Path, *, signer,
                progress: Progress | None = None) -> ImportResult:
    """Read ``path`` (CSV or XLSX) and import it as ``kind`` in one transaction, signed by ``signer``."""
    table = read_table(path, stream=True)
    with engine.begin() as conn:
        return import_table(conn, kind, table, signer=signer, progress=progress)


def import_table(conn, kind: str, table: Table, *, signer, progress: Progress | None = None) -> ImportResult:
    """Import an already read table in the caller's transaction as one signed action of ``signer``
    (:class:`xuefen.keys.Signer`): the whole file is one signature, however many rows.

    :raises InputError: bad rows (each as FILE:LINE: field: problem); nothing is written.
    :raises RefusedAction: no valid key, or rows outside the signer's authority (each named); nothing is written.
    """
    if kind not in KINDS:
        raise InputError(f"{kind}: not something to import (one of {', '.join(KINDS)})")
    subject = {"kind": kind, "file": Path(str(table.path)).name, "rows": len(table)}
    with audit.acting(conn, signer, f"import_{kind}", subject) as act:
        result = _Importer(conn, kind, table, signer.actor_id, progress or (lambda *_: None)).run()
        act.subject.update({"created": result.created, "claims": result.claims})
    _analyze(conn, kind, result.created)
    return result


#: rows written by one import from which PostgreSQL's statistics of the tables are refreshed (:func:`_analyze`)
ANALYZE_FROM_ROWS = 1000
#: the tables an import of each kind writes
WRITES = {"orgs": ("orgs",), "actors": ("actors",), "teachers": ("teachers",), "activities": ("activities", "claims")}


def _analyze(conn, kind: str, created: int) -> None:
    """``ANALYZE`` the tables a large import wrote, on PostgreSQL, in its transaction (the statistics see its
    rows and are rolled back with them). Without it the planner reads the tables as they were before the
    load until autovacuum's next pass: after a first import of 10,000 activities it estimated 25 claims
    and drove the batch approval's cohort count from a scan of every claim, which at a province's size is a
    scan per approved batch (PostgreSQL's manual, "Populating a Database": run ANALYZE afterwards). A role
    that does not own a table gets a warning from PostgreSQL and the table is skipped: nothing fails."""
    if conn.dialect.name != "postgresql" or created < ANALYZE_FROM_ROWS:
        return
    for name in WRITES[kind]:
        conn.execute(sa.text(f"ANALYZE {name}"))  # a name of WRITES, never user input


class _Importer:
    def __init__(self, conn, kind: str, table: Table, actor_id: str, progress: Progress):
        self.conn, self.kind, self.table, self.actor_id, self.progress = conn, kind, table, actor_id, progress
        self.path = str(table.path)
        self.problems: list[str] = []
        self.refusals: list[str] = []
        self._runtimes: dict = {}
        self._authority: dict = {}
        self._stages: dict = {}  # the stages' JSON form, one list per distinct flow
        self.actor = actor_row(conn, actor_id)

    # -- shared --

    def where(self, line: int) -> str:
        return f"{self.path}:{line}"

    def run(self) -> ImportResult:
        spec, required, extras = self._spec()
        try:
            self._check_header(spec, required, extras)
        except InputError as exc:
            raise InputError(self.table.locate(exc.problems)) from None
        build = getattr(self, f"_build_{self.kind}")
        result = build()
        if self.problems:  # an XLSX's named by sheet and cell (Table.locate)
            raise InputError(self.table.locate(self.problems))
        if self.refusals:
            raise RefusedAction(self.table.locate(self.refusals))
        return result

    def allowed(self, line: int, field: str, unit_id: str | None, what: str) -> bool:
        """Whether the importing actor manages ``unit_id``; if not, the line is refused naming why."""
        if unit_id not in self._authority:
            self._authority[unit_id] = management_refusal(self.conn, self.actor, unit_id, what)
        why = self._authority[unit_id]
        if why:
            self.refusals.append(f"{self.where(line)}: {field}: {self.actor.id} may not {what}: {why}")
        return why is None

    def _spec(self):
        regions = installed()
        if self.kind == "orgs":
            return F.ORG_FIELDS, F.ORG_REQUIRED, set()
        if self.kind == "actors":
            return F.ACTOR_FIELDS, F.ACTOR_REQUIRED, set()
        if self.kind == "teachers":
            extras = {f for rp in regions.values() for f in F.field_names(rp.region.teacher_fields)} | {"moved_on"}  # transfers
            return F.TEACHER_FIELDS, F.TEACHER_REQUIRED + ("school_id",), extras
        extras = {f for rp in regions.values() for f in F.field_names(rp.region.activity_fields)}
        return {"teacher_id": F.parse_id, **F.ACTIVITY_FIELDS}, ("teacher_id",) + F.ACTIVITY_REQUIRED, extras

    def _check_header(self, spec, required, extras) -> None:
        cols = [h for h in self.table.header if h]
        problems = [f"{self.where(1)}: {h}: unknown field" for h in cols if h not in spec and h not in extras]
        problems += [f"{self.where(1)}: {r}: required column is missing" for r in required if r not in cols]
        if problems:
            raise InputError(problems)

    def _parse(self, line: int, raw: dict, spec, required, extra_fields=()) -> dict | None:
        values, probs = F.parse_record(raw, spec, required, self.where(line), tuple(extra_fields),
                                       blank_is_missing=True)
        self.problems += probs
        return None if probs else values

    def _existing(self, table: sa.Table, keys: list) -> dict:
        """Stored rows of ``table`` whose primary key is in ``keys`` (tuples for composite keys)."""
        cols = list(table.primary_key.columns)
        out: dict = {}
        keys = list(dict.fromkeys(keys))
        for i in range(0, len(keys), LOOKUP_CHUNK):
            chunk = keys[i:i + LOOKUP_CHUNK]
            cond = cols[0].in_(chunk) if len(cols) == 1 else repo.keys_in(cols, chunk)
            for row in self.conn.execute(sa.select(table).where(cond)):
                m = dict(row._mapping)
                out[m[cols[0].name] if len(cols) == 1 else tuple(m[c.name] for c in cols)] = m
        return out

    @staticmethod
    def _comparable(row: dict, fields) -> dict:
        """A row with its data's declared fields as this version stores them (parsed by their type, then as
        JSON) and without those at their default, so a row an earlier version stored (as given, or with no
        value where the default holds) equals the same file imported again."""
        data = row.get("data")
        if not isinstance(data, dict) or not fields:
            return row
        out = dict(data)
        for f in fields:
            if isinstance(f, str) or f.name not in out:
                continue
            value = out[f.name]
            if value is not None:
                try:
                    value = model.jsonable(F.parse_declared(f, value))
                except ValueError:
                    pass  # a stored value this version would refuse differs, and is reported as such
            if value is None or value == model.jsonable(f.default):
                del out[f.name]
            else:
                out[f.name] = value
        return {**row, "data": out or None}

    def _same_or_problem(self, table: sa.Table, line: int, label: str, new: dict, old: dict) -> bool:
        """True when the stored row equals ``new``; otherwise report which fields differ."""
        a, b = audit.image(table, old), audit.image(table, audit.complete(table, new))
        if a == b:
            return True
        diffs = []
        for k in (c.name for c in table.columns):
            if a.get(k) != b.get(k):
                if isinstance(a.get(k), dict) and isinstance(b.get(k), dict):
                    for kk in sorted(set(a[k]) | set(b[k])):
                        if a[k].get(kk) != b[k].get(kk):
                            diffs.append(f"{kk}: {audit.canonical(a[k].get(kk))} → {audit.canonical(b[k].get(kk))}")
                else:
                    diffs.append(f"{k}: {audit.canonical(a.get(k))} → {audit.canonical(b.get(k))}")
        shown = "; ".join(diffs[:DIFF_FIELDS_SHOWN]) + (f"; and {len(diffs) - DIFF_FIELDS_SHOWN} more"
                                                        if len(diffs) > DIFF_FIELDS_SHOWN else "")
        self.problems.append(f"{self.where(line)}: id: {label} is already stored with different data ({shown}); "
                             f"a re-import never overwrites")
        return False

    def _write(self, table: sa.Table, rows: list[dict], done: int = 0, of: int | None = None,
               total: int | None = None) -> None:
        """Write ``rows`` in chunks of :data:`audit.CHUNK`, each with its audit record, unless the file has a
        problem. Progress counts the file's rows: ``done`` before this part, ``of`` rows in it, ``total``."""
        if self.problems or self.refusals:
            return
        of = len(rows) if of is None else of
        total = len(rows) if total is None else total
        written = 0
        for i in range(0, len(rows), audit.CHUNK):
            chunk = rows[i:i + audit.CHUNK]
            audit.insert(self.conn, self.actor_id, table, chunk, action="import")
            written += len(chunk)
            self.progress(f"writing {table.name}", done + min(written, of), total)
        if written < of or not rows:  # rows already stored (or refused) count as done
            if of:
                self.progress(f"writing {table.name}", done + of, total)

    def _runtime(self, region: str):
        if region not in self._runtimes:
            self._runtimes[region] = registry.region_runtime(self.conn, region) if region in installed() else None
        return self._runtimes[region]

    def _unknown_region(self, region) -> str:
        known = ", ".join(sorted(installed())) or "none installed"
        return f"unknown region {region!r} (installed: {known})"

    def _dup(self, seen: dict, key, line: int, field: str, label: str) -> bool:
        if key in seen:
            self.problems.append(f"{self.where(line)}: {field}: {label} repeats line {seen[key]}")
            return True
        seen[key] = line
        return False

    def _tick(self, n: int) -> None:
        if n % 1000 == 0 or n == len(self.table):
            self.progress("checking", n, len(self.table))

    # -- orgs --

    def _build_orgs(self) -> ImportResult:
        parsed, seen = [], {}
        for n, (line, raw) in enumerate(self.table.rows, 1):
            v = self._parse(line, raw, F.ORG_FIELDS, F.ORG_REQUIRED)
            self._tick(n)
            if v is None or self._dup(seen, v["id"], line, "id", f"org {v['id']!r}"):
                continue
            if v["region"] not in installed():
                self.problems.append(f"{self.where(line)}: region: {self._unknown_region(v['region'])}")
                continue
            parsed.append((line, repo.Org(id=v["id"], name=v["name"], level=v["level"], region=v["region"],
                                          parent_id=v.get("parent_id"))))
        in_file = {o.id: o for _, o in parsed}
        parents = self._existing(orgs, [o.parent_id for _, o in parsed if o.parent_id and o.parent_id not in in_file])
        stored = self._existing(orgs, [o.id for _, o in parsed])
        new, unchanged = [], 0
        for line, o in parsed:
            if o.parent_id:
                p = in_file.get(o.parent_id) or (repo.Org.from_row(parents[o.parent_id])
                                                 if o.parent_id in parents else None)
                if p is None:
                    self.problems.append(f"{self.where(line)}: parent_id: no org unit {o.parent_id!r} "
                                         f"(neither in this file nor in the database)")
                    continue
                if LEVEL_ORDER.index(p.level) >= LEVEL_ORDER.index(o.level):
                    self.problems.append(f"{self.where(line)}: parent_id: {o.parent_id!r} is a {p.level}; "
                                         f"a {o.level}'s parent must be higher "
                                         f"({', '.join(LEVEL_ORDER[:LEVEL_ORDER.index(o.level)]) or 'none'})")
                    continue
            if o.id in stored:
                unchanged += self._same_or_problem(orgs, line, f"org {o.id!r}", o.as_row(), stored[o.id])
            elif self.allowed(line, "parent_id", o.parent_id if o.parent_id not in in_file else
                              _root_in_db(o, in_file), f"register org unit {o.id}"):
                new.append(o)
        new.sort(key=lambda o: LEVEL_ORDER.index(o.level))  # parents before children
        self._write(orgs, [o.as_row() for o in new])
        return ImportResult("orgs", self.path, len(self.table), len(new), unchanged, ids=tuple(o.id for o in new))

    # -- actors --

    def _build_actors(self) -> ImportResult:
        parsed, seen = [], {}
        for n, (line, raw) in enumerate(self.table.rows, 1):
            v = self._parse(line, raw, F.ACTOR_FIELDS, F.ACTOR_REQUIRED)
            self._tick(n)
            if v is None or self._dup(seen, v["id"], line, "id", f"actor {v['id']!r}"):
                continue
            if v["role"] == REGISTRY_ADMIN:
                self.problems.append(f"{self.where(line)}: role: {REGISTRY_ADMIN} is created once, by "
                                     f"`xuefen init --admin`, never imported")
                continue
            parsed.append((line, repo.Actor(id=v["id"], name=v["name"], role=v["role"], org_id=v["org_id"],
                                            teacher_id=v.get("teacher_id"))))
        known = self._existing(orgs, [a.org_id for _, a in parsed])
        stored = self._existing(actors, [a.id for _, a in parsed])
        new, unchanged = [], 0
        for line, a in parsed:
            if a.org_id not in known:
                self.problems.append(f"{self.where(line)}: org_id: no org unit {a.org_id!r} (import the orgs first)")
            elif a.id in stored:
                # an actor's key, status and data are managed elsewhere; a re-import compares what the file holds
                old = stored[a.id]
                mine = {**old, "name": a.name, "role": a.role, "org_id": a.org_id,
                        "teacher_id": a.teacher_id if a.teacher_id is not None else old.get("teacher_id")}
                unchanged += self._same_or_problem(actors, line, f"actor {a.id!r}", mine, old)
            elif self.allowed(line, "org_id", a.org_id, f"register actor {a.id}"):
                new.append(a)
        self._write(actors, [a.as_row() for a in new])
        return ImportResult("actors", self.path, len(self.table), len(new), unchanged, ids=tuple(a.id for a in new))

    # -- teachers --

    def _build_teachers(self) -> ImportResult:
        """The file in chunks of :data:`STREAM_CHUNK` records, as :meth:`_build_activities` (a province
        registers a million teachers): each chunk checked, then written with its moves while the file has no
        problem, in the one transaction."""
        total = len(self.table)
        schools: dict = {}
        seen = _SeenKeys(self.conn, ("id",))
        created = unchanged = moved = done = 0
        for chunk in _chunks(self.table.rows, STREAM_CHUNK):
            new, same, moves = self._teachers_chunk(chunk, schools, seen, done)
            unchanged += same
            self._write(teachers, new, done, len(chunk), total)
            if not self.problems and not self.refusals:
                for stored_row, entry in moves:
                    transfers.apply(self.conn, self.actor_id, stored_row, entry)
                created += len(new)
                moved += len(moves)
            done += len(chunk)
        seen.close()
        return ImportResult("teachers", self.path, total, created, unchanged, moved=moved)

    def _teachers_chunk(self, chunk, schools: dict, seen: "_SeenKeys", done: int):
        """Check one chunk of a teachers file; returns its new rows, the rows unchanged, and its moves."""
        wanted = {F.normal_id(raw.get("school_id")) for _, raw in chunk} - set(schools)
        schools.update(self._existing(orgs, [w for w in wanted if w]))
        known = self._existing(teachers, [F.normal_id(raw.get("id")) for _, raw in chunk])
        parsed, mine, moves = [], {}, []
        for n, (line, raw) in enumerate(chunk, done + 1):
            self._tick(n)
            school = schools.get(F.normal_id(raw.get("school_id")))
            rt = self._runtime(school["region"]) if school else None
            move = self._move(line, raw, known.get(F.normal_id(raw.get("id"))), rt)
            if move is not None:
                raw = {k: v for k, v in raw.items() if k != "moved_on"}
                if move is RECORDED:
                    move = None  # the move this row states is already recorded: compared as any row
            v = self._parse(line, raw, F.TEACHER_FIELDS, F.TEACHER_REQUIRED + ("school_id",),
                            rt.teacher_fields if rt else ())
            if v is None or self._dup(mine, v["id"], line, "id", f"teacher {v['id']!r}"):
                continue
            if school is None:
                self.problems.append(f"{self.where(line)}: school_id: no org unit {v['school_id']!r} "
                                     f"(import the orgs first)")
                continue
            if school["level"] != "school":
                self.problems.append(f"{self.where(line)}: school_id: {v['school_id']!r} is a {school['level']}, "
                                     f"not a school")
                continue
            if rt is None:
                self.problems.append(f"{self.where(line)}: school_id: the school's region: "
                                     f"{self._unknown_region(school['region'])}")
                continue
            if move is not None:
                moves.append((line, v, move))
                continue
            parsed.append((line, F.teacher_from(v), rt))
        earlier = seen.lines(list(mine))  # the same id in an earlier chunk
        for line, what in [(ln, t.id) for ln, t, _ in parsed] + [(ln, v["id"]) for ln, v, _ in moves]:
            if what in earlier:
                self.problems.append(f"{self.where(line)}: id: teacher {what!r} repeats line {earlier[what]}")
        parsed = [p for p in parsed if p[1].id not in earlier]
        moves = [m for m in moves if m[1]["id"] not in earlier]
        seen.add([(k, ln) for k, ln in mine.items() if k not in earlier])
        new, unchanged = [], 0
        moved = self._moves(moves, known)
        for line, t, rt in parsed:
            row = repo.teacher_as_row(t)
            if t.id in known:
                fields = rt.teacher_fields
                unchanged += self._same_or_problem(teachers, line, f"teacher {t.id!r}", self._comparable(row, fields),
                                                   self._comparable(_without_history(known[t.id]), fields))
            elif self.allowed(line, "school_id", t.school_id, f"register teachers of {t.school_id}"):
                new.append(row)
        return new, unchanged, moved

    def _move(self, line: int, raw: dict, stored, rt):
        """A row of a teacher already stored, at another school, with ``moved_on``: a transfer on that day
        (:mod:`xuefen.transfers`); returns the day, or None (then the row is compared as usual)."""
        day = raw.get("moved_on")
        if stored is None or day is None or (isinstance(day, str) and not day.strip()):
            return None
        try:
            day = F.parse_date(day)
        except ValueError as exc:
            self.problems.append(f"{self.where(line)}: moved_on: {exc}")
            return None
        school = F.normal_id(raw.get("school_id"))
        if school == stored["school_id"]:
            last = (transfers.history(stored["data"]) or [None])[-1]
            return RECORDED if last and (last["to"], last["on"]) == (school, day.isoformat()) else None
        return day if school else None

    def _moves(self, moves, known) -> list:
        """Check each transfer row: the rest of the row as stored, the move itself, the actor over both schools."""
        out = []
        for line, v, day in moves:
            old = known[v["id"]]
            mine = repo.teacher_as_row(F.teacher_from({**v, "school_id": old["school_id"]}))
            data_old = {k: x for k, x in (old.get("data") or {}).items() if k not in (transfers.KEY, "moved_on")}
            mine["data"] = {k: x for k, x in (mine.get("data") or {}).items() if k != "moved_on"} or None
            if not self._same_or_problem(teachers, line, f"teacher {v['id']!r}", mine,
                                         {**old, "data": data_old or None}):
                continue
            row = types.SimpleNamespace(**old)  # the stored row, as attributes
            try:
                entry, why = transfers.check(self.conn, self.actor, row, v["school_id"], day, self.where(line))
            except XuefenError as exc:
                self.problems.append(str(exc))
                continue
            if why:
                self.refusals.append(f"{self.where(line)}: school_id: {self.actor.id} may not move teacher "
                                     f"{v['id']!r}: {why}")
                continue
            out.append((row, entry))
        return out

    # -- activities --

    def _build_activities(self) -> ImportResult:
        """The file in chunks of :data:`STREAM_CHUNK` records, each checked and (while the file has no
        problem) written before the next is read, in the one transaction: memory of one chunk, however
        long the file. A problem anywhere stops the writing, the rest of the file is still checked (every
        bad row is named), and the transaction is rolled back: all or nothing as before."""
        spec = {"teacher_id": F.parse_id, **F.ACTIVITY_FIELDS}
        required = ("teacher_id",) + F.ACTIVITY_REQUIRED
        total = len(self.table)
        schools: dict = {}  # each school's row, once per import (a province has tens of thousands)
        seen = _SeenKeys(self.conn)  # (teacher, activity) -> line, across chunks, in the database
        created = unchanged = done = 0
        now = utcnow()
        for chunk in _chunks(self.table.rows, STREAM_CHUNK):
            new_acts, new_claims, same = self._activities_chunk(chunk, spec, required, schools, seen, now,
                                                                done, total)
            unchanged += same
            self._write(activities, new_acts, done, len(chunk), total)
            self._write(claims, new_claims, done, len(chunk), total)
            if not (self.problems or self.refusals):
                created += len(new_acts)
            done += len(chunk)
        seen.close()  # on an error the transaction's rollback takes the table with it
        return ImportResult("activities", self.path, total, created, unchanged, created)

    def _activities_chunk(self, chunk, spec, required, schools, seen, now, done, total):
        """Check one chunk of the file; returns its new activity rows, their claims, and the rows unchanged."""
        found = self._existing(teachers, [F.normal_id(raw.get("teacher_id")) for _, raw in chunk])
        missing = {t["school_id"] for t in found.values() if t["school_id"] and t["school_id"] not in schools}
        schools.update(self._existing(orgs, list(missing)))
        parsed, mine = [], {}
        for n, (line, raw) in enumerate(chunk, done + 1):
            self._tick(n)
            trow = found.get(F.normal_id(raw.get("teacher_id")))
            school = schools.get(trow["school_id"]) if trow and trow["school_id"] else None
            rt = self._runtime(school["region"]) if school else None
            v = self._parse(line, raw, spec, required, rt.activity_fields if rt else ())
            if v is None:
                continue
            tid = v.pop("teacher_id")
            if self._dup(mine, (tid, v["id"]), line, "id", f"activity {v['id']!r} of teacher {tid!r}"):
                continue
            if trow is None:
                self.problems.append(f"{self.where(line)}: teacher_id: no teacher {tid!r} (import the teachers first)")
                continue
            if school is None:
                self.problems.append(f"{self.where(line)}: teacher_id: teacher {tid!r} has no school, "
                                     f"so no region's rules apply")
                continue
            if rt is None:
                self.problems.append(f"{self.where(line)}: teacher_id: the region of teacher {tid!r}: "
                                     f"{self._unknown_region(school['region'])}")
                continue
            parsed.append((line, tid, F.activity_from(v), rt))
        earlier = seen.lines([(tid, a.id) for _, tid, a, _ in parsed])  # the same key in an earlier chunk
        if earlier:
            kept = []
            for item in parsed:
                line, tid, act, _ = item
                if (tid, act.id) in earlier:
                    self.problems.append(f"{self.where(line)}: id: activity {act.id!r} of teacher {tid!r} repeats "
                                         f"line {earlier[(tid, act.id)]}")
                else:
                    kept.append(item)
            parsed = kept
        seen.add([((tid, a.id), line) for line, tid, a, _ in parsed])
        stored = self._existing(activities, [(tid, a.id) for _, tid, a, _ in parsed])
        teacher_values = {}
        new_acts, new_claims, unchanged = [], [], 0
        for line, tid, act, rt in parsed:
            row = repo.activity_as_row(tid, act)
            if (tid, act.id) in stored:
                fields = rt.activity_fields
                unchanged += self._same_or_problem(activities, line, f"activity {act.id!r} of teacher {tid!r}",
                                                   self._comparable(row, fields),
                                                   self._comparable(stored[(tid, act.id)], fields))
                continue
            if not self.allowed(line, "teacher_id", found[tid]["school_id"],
                                f"register activities of teachers of {found[tid]['school_id']}"):
                continue
            if tid not in teacher_values:
                teacher_values[tid] = _typed(rt, repo.teacher_from_row(found[tid]))
            asked = _typed(rt, act)  # typed once for both hooks (each call would type it again)
            stages = rt.hook.xuefen_approval_stages(activity=asked, teacher=teacher_values[tid],
                                                    settings=rt.settings, purpose="activity")
            if not stages:
                self.problems.append(f"{self.where(line)}: kind: region {rt.code!r} gives no approval stages "
                                     f"for this activity")
                continue
            needed = needs.import_problems(rt, teacher_values[tid], asked)  # asked now, not at final approval
            self.problems += [f"{self.where(line)}: {field}: {why}" for field, why in needed]
            if needed:
                continue
            new_acts.append(row)
            claim = repo.Claim(
                id=repo.claim_id_for(tid, act.id), teacher_id=tid, activity_id=act.id, region=rt.code,
                purpose="activity", stages=tuple(stages), state=stages[0].name, version=1,
                created_at=now, updated_at=now).as_row()
            # claims with the same stages share one list: audit.insert converts and encodes it once
            claim["stages"] = self._stages.setdefault(tuple(stages), claim["stages"])
            new_claims.append(claim)
        return new_acts, new_claims, unchanged


def _typed(rt, record):
    """``record`` with the region's declared fields typed, as its hooks get it; a value that does not parse
    is left for the hook call to report, as it did before it was typed here."""
    try:
        return rt.typed(record)
    except InputError:
        return record


def _chunks(rows, size: int):
    """``rows`` (any iterable) as lists of up to ``size``."""
    chunk = []
    for item in rows:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


class _SeenKeys:
    """The keys of a file's rows and the line each was first on, kept in a temporary table of the import's own
    connection instead of in memory (a million activities' keys are ~300 MB of Python objects): a repeat in a
    later chunk is found by one indexed look-up per chunk. ``columns`` name the key's parts (a key of one part
    is given as itself, of two as a tuple). The table is dropped when the import ends (and with the
    transaction when it rolls back)."""

    NAME = "xuefen_import_seen"

    def __init__(self, conn, columns=("teacher_id", "id")):
        self.conn = conn
        self.table = sa.Table(self.NAME, sa.MetaData(), *(sa.Column(c, sa.Text, primary_key=True) for c in columns),
                              sa.Column("line", sa.Integer), prefixes=["TEMPORARY"])
        self.cols = [self.table.c[c] for c in columns]
        self.table.drop(conn, checkfirst=True)
        self.table.create(conn)
        self.empty = True

    def lines(self, keys: list) -> dict:
        """``{key: line}`` of the keys already added."""
        if self.empty or not keys:
            return {}
        out, one = {}, len(self.cols) == 1
        for i in range(0, len(keys), LOOKUP_CHUNK):
            part = keys[i:i + LOOKUP_CHUNK]
            cond = self.cols[0].in_(part) if one else repo.keys_in(self.cols, part)
            for r in self.conn.execute(sa.select(*self.cols, self.table.c.line).where(cond)):
                out[r[0] if one else tuple(r[:-1])] = r[-1]
        return out

    def add(self, items: list) -> None:
        """Add ``(key, line)`` pairs."""
        if items:
            names = [c.name for c in self.cols]
            self.conn.execute(sa.insert(self.table), [
                {**dict(zip(names, key if isinstance(key, tuple) else (key,))), "line": line} for key, line in items])
            self.empty = False

    def close(self) -> None:
        self.table.drop(self.conn)


def _without_history(row: dict) -> dict:
    """A stored teacher row without its history of moves (the registry's record, never in a file)."""
    data = row.get("data")
    if not isinstance(data, dict) or transfers.KEY not in data:
        return row
    return {**row, "data": {k: v for k, v in data.items() if k != transfers.KEY} or None}


#: a ``teachers`` row restating a move already recorded (re-importing the same file changes nothing)
RECORDED = object()


def _root_in_db(org, in_file: dict) -> str | None:
    """For an org whose parent is in the same file: the nearest ancestor outside the file (None: a new root)."""
    seen = set()
    while org.parent_id in in_file and org.parent_id not in seen:
        seen.add(org.parent_id)
        org = in_file[org.parent_id]
    return org.parent_id
