"""Reports: every teacher under an org unit, met or short for a year and for their cycle, and each school's flags.

The use case behind ``xuefen report`` (the CLI only renders it): each teacher is
evaluated from the database with the same pure computation as ``xuefen evaluate``
(:mod:`xuefen.registry`: approved claims only), the region's school flags come from
``xuefen_org_flags`` (Kunming's K-R5), and ``key`` puts stable pseudonyms in place of
teacher ids (``--redact``). The shape of the result is docs/formats.md's report JSON.

A report is read school by school, never holding every teacher (issue 16: a province's million):

- :class:`ReportStream` — the schools under the unit in id order, in batches of whole schools of about
  :data:`xuefen.registry.WORKER_CHUNK` teachers (a school's flags, ``xuefen_org_flags``, read its
  evaluations together, so a school is never split); :meth:`ReportStream.parts` yields each school's
  :class:`SchoolPart` (its ``schools`` row and its listed teachers' items, by teacher), counting the
  summary and the ``by`` totals as it goes; then :meth:`ReportStream.around` gives the document's keys
  before and after ``teachers``. ``workers`` > 1 evaluates the batches in forked processes, which send
  back finished items (or their renderings), not evaluations; the database is read in the caller's
  connection (one transaction), at most a few batches ahead.
- :func:`spool_report` — the same, each listed item rendered as it is made (``renders``: e.g. the CLI's
  JSON item and CSV rows) and spooled to a private temporary SQLite file, read back in the report's
  order (teacher id) by :meth:`SpooledReport.texts` (all of them, or one school's): what ``report --json``,
  ``--csv``, ``--xlsx`` and the table write, what the report dict's forms were, in memory bounded by a batch.
- :func:`build_report` — the whole report as one dict (the same dict as ever), built on the stream.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from collections import defaultdict
from decimal import Decimal

import sqlalchemy as sa

from xuefen import registry, transfers
from xuefen.actors import REDACT_NAME, REDACT_SCOPE
from xuefen.errors import InputError
from xuefen.evaluate import collector_paused, evaluate_many
from xuefen.model import LEVELS, dec_str
from xuefen.regions import runtime
from xuefen.store import repo
from xuefen.store.schema import settings, teachers


def year_requirements(ev, year: int):
    """The year's minimums (caps and advice left out): what 'met' means in a report."""
    return [r for r in ev.year_results(year)
            if r.requirement.severity == "requirement" and not r.requirement.is_cap and not r.requirement.share_max]


def redact_key(conn) -> bytes:
    """The registry's own key for pseudonyms, made by its first signed action (``xuefen init --admin``)."""
    value = conn.execute(sa.select(settings.c.value).where(
        settings.c.region == REDACT_SCOPE, settings.c.name == REDACT_NAME)).scalar_one_or_none()
    if value is None:
        raise InputError("report --redact: this registry has no pseudonym key; it is made once, with its first "
                         "administrator (`xuefen init --admin ID`)")
    return bytes.fromhex(value)


def pseudonym(key: bytes, teacher_id: str) -> str:
    """A stable pseudonym: the same teacher gets the same one in every report of this database."""
    return "T-" + hmac.new(key, teacher_id.encode(), hashlib.sha256).hexdigest()[:10]


#: the group of an entry that has no ``NAME:VALUE`` bucket for a ``--by NAME``
UNSTATED = "unstated"


def group_value(entry, name: str) -> str:
    """The value of the grouping ``name`` an entry carries as a ``NAME:VALUE`` bucket (Chifeng's
    ``level:county``, ``dimension:ethics``; Lincang's ``module:ethics``), else :data:`UNSTATED`."""
    prefix = f"{name}:"
    return next((b[len(prefix):] for b in entry.buckets if b.startswith(prefix)), UNSTATED)


def _group_order(value: str):
    return (value == UNSTATED, LEVELS.index(value) if value in LEVELS else len(LEVELS), value)


def groups_of(ev, year: int, by) -> dict:
    """Each grouping of ``by``: the year's entries of one evaluation summed per value and unit (earned,
    before any requirement's weights or caps): ``{"level": {"county": {"credits": "40"}}}``."""
    out = {}
    for name in by:
        sums: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
        for e in ev.entries:
            if e.year != year or e.date > ev.as_of:
                continue
            cell = sums[group_value(e, name)]
            for unit in ev.units:
                cell[unit] += e.amount(unit)
        out[name] = {v: {u: dec_str(a) for u, a in sums[v].items()} for v in sorted(sums, key=_group_order)}
    return out


def _requirement_row(r) -> dict:
    short = max(r.threshold - r.counted, Decimal(0))
    return {"rule": r.rule, "article": r.requirement.article, "unit": r.requirement.unit,
            "label": r.requirement.label, "required": dec_str(r.threshold),
            "counted": dec_str(r.counted), "short": dec_str(short), "met": r.met}


def period(year: int | None = None, as_of: dt.date | None = None, today: dt.date | None = None
           ) -> tuple[int, dt.date]:
    """The year reported and the day evaluated: without either, today's year as of today (the teacher's
    current cycle, :func:`xuefen.defaults.current_window`); a year alone, as of its 31 December; a day
    alone, its year as of it; both, the day must fall in the year.

    :raises InputError: a day outside the year given.
    """
    today = today or dt.date.today()
    if as_of is None:
        return (year, dt.date(year, 12, 31)) if year is not None else (today.year, today)
    if year is not None and as_of.year != year:
        raise InputError(f"report: --as-of {as_of} is not in --year {year}")
    return as_of.year, as_of


def is_short(item: dict) -> dict:
    """Whether a report's teacher item is short in the year reported (of a minimum of that year) and in the
    cycle reported (the teacher's cycle as of the report's day): ``{"year": bool, "cycle": bool}``; what
    the headline counts (``summary.short``, ``summary.cycle_short``) and ``--short-only`` keeps.

    A cycle is short when its ``status`` is ``short`` (it has ended short, or a rule fails it already); a
    cycle still running and not yet met is ``in_progress``, counted apart (``summary.cycle_in_progress``).
    An item without a cycle ``status`` (a report written before statuses) is short when not met."""
    cycle = item.get("cycle")
    return {"year": bool(item["requirements"]) and not item["met"],
            "cycle": bool(cycle) and (cycle["status"] == "short" if "status" in cycle else not cycle["met"])}


# -- the report, school by school -----------------------------------------------------------------


class SchoolPart:
    """One school of a report, as :meth:`ReportStream.parts` yields it: its row of ``schools``, its listed
    teachers' items in teacher order (``(key, item)``: ``key`` the teacher's row id, the report's order even
    under ``--redact``; ``item`` the item dict, or the tuple of its renderings), and what the summary and
    the ``by`` totals count of all its teachers (listed or not)."""

    __slots__ = ("school", "items", "counts", "by")

    def __init__(self, school: dict, items: list, counts: dict, by: dict):
        self.school, self.items, self.counts, self.by = school, items, counts, by

    def __reduce__(self):  # a worker's part is pickled back to the parent
        return SchoolPart, (self.school, self.items, self.counts, self.by)


#: the summary's per-teacher counts, in the summary's order around the schools' ones
_COUNTED = ("met", "with_cycle", "cycle_met", "cycle_short", "cycle_in_progress", "short_listed")


def _item(row_id: str, row_name, school: str, ev, year: int, key: bytes | None, by) -> dict:
    """A teacher's item of the report (docs/formats.md's report JSON ``teachers[]``)."""
    reqs = [_requirement_row(r) for r in year_requirements(ev, year)]
    tid = pseudonym(key, row_id) if key else row_id
    item = {"teacher": tid, "school": school, "region": ev.region,
            "met": all(q["met"] for q in reqs), "status": ev.year_status(year)[0], "requirements": reqs}
    if ev.cycle is not None:  # the cycle the year ends in (a per-teacher cycle, e.g. Zhengzhou's, included)
        item["cycle"] = {"start": ev.cycle.start.isoformat(), "end": ev.cycle.end.isoformat(),
                         "rule": ev.cycle.rule, "met": ev.cycle_met, "status": ev.cycle_status()[0],
                         "requirements": [_requirement_row(r) for r in ev.cycle_results
                                          if r.requirement.severity == "requirement"
                                          and not r.requirement.is_cap and not r.requirement.share_max]}
    # the teacher's whole evaluation in the FORMATS.md §2 shape (the teacher pseudonymised under --redact)
    item["evaluation"] = {**ev.as_json(), "teacher": tid}
    if ev.flags:  # the teacher's own flags (e.g. Lincang's integrity file, L-F1)
        item["flags"] = [f.as_json() for f in ev.flags]
    if by:
        item["by"] = groups_of(ev, year, by)
    item["short"] = is_short(item)
    if not key:
        item = {"teacher": tid, "name": row_name, **{k: v for k, v in item.items() if k != "teacher"}}
    return item


def _add_by(totals: dict, item: dict, order_key: str) -> None:
    """Add a teacher's ``by`` amounts to ``totals`` (``{name: {value: [teachers, {unit: [sum, first]}]}}``);
    ``first`` (the first teacher's key, the unit's place in its amounts) orders the units as a pass over
    the teachers in the report's order would have met them."""
    for name, values in item["by"].items():
        cells = totals.setdefault(name, {})
        for value, amounts in values.items():
            cell = cells.setdefault(value, [0, {}])
            cell[0] += 1
            for pos, (unit, a) in enumerate(amounts.items()):
                got = cell[1].get(unit)
                if got is None:
                    cell[1][unit] = [Decimal(a), (order_key, pos)]
                else:
                    got[0] += Decimal(a)
                    got[1] = min(got[1], (order_key, pos))


def _merge_by(totals: dict, more: dict) -> None:
    for name, values in more.items():
        cells = totals.setdefault(name, {})
        for value, (n, units) in values.items():
            cell = cells.setdefault(value, [0, {}])
            cell[0] += n
            for unit, (a, first) in units.items():
                got = cell[1].get(unit)
                if got is None:
                    cell[1][unit] = [a, first]
                else:
                    got[0] += a
                    got[1] = min(got[1], first)


def _by_out(totals: dict, by) -> dict:
    out = {}
    for name in by:
        cells = totals.get(name, {})
        out[name] = {v: {"teachers": cells[v][0],
                         **{u: dec_str(a) for u, (a, _) in sorted(cells[v][1].items(), key=lambda kv: kv[1][1])}}
                     for v in sorted(cells, key=_group_order)}
    return out


def _school_part(sid: str, name: str, rows: list, evs: list, spec: dict, rt) -> SchoolPart:
    """A school's part from its teachers' rows (``(id, name)``, by id) and evaluations, in one process."""
    year, by = spec["year"], spec["by"]
    flags = rt.hook.xuefen_org_flags(org_id=sid, year=year, evaluations=evs, settings=rt.settings) or []
    items = [_item(row_id, row_name, sid, ev, year, spec["key"], by) for (row_id, row_name), ev in zip(rows, evs)]
    required = [t for t in items if t["requirements"]]
    school = {"id": sid, "name": name, "region": evs[0].region, "teachers": len(items),
              "with_requirements": len(required), "short": sum(1 for t in required if not t["met"]),
              "flags": [f.as_json() for f in flags]}
    counts = dict.fromkeys(_COUNTED, 0)
    totals: dict = {}
    listed = []
    for (row_id, _), t in zip(rows, items):
        counts["met"] += bool(t["requirements"] and t["met"])
        cycle = t.get("cycle")
        counts["with_cycle"] += cycle is not None
        counts["cycle_met"] += bool(cycle and cycle.get("met"))
        counts["cycle_short"] += bool(t["short"]["cycle"])
        counts["cycle_in_progress"] += bool(cycle and cycle.get("status") == "in_progress")
        short = t["short"]["year"] or t["short"]["cycle"]
        counts["short_listed"] += bool(short)
        if by:
            _add_by(totals, t, row_id)
        if short or not spec["short_only"]:
            renders = spec["renders"]
            listed.append((row_id, t if renders is None else tuple(r(t, school) for r in renders)))
    return SchoolPart(school, listed, counts, totals)


def _batch_parts(batch: list, read: list, spec: dict) -> list[SchoolPart]:
    """Evaluate one batch of schools (``(id, name, rows)`` each; ``read`` their teachers' rows and activities,
    :meth:`xuefen.registry.CaseReader.rows`, in that order) and make each school's part: run in the report's
    process or in a worker, which parses the rows and sends back the parts, not the evaluations."""
    runtimes: dict = {}
    settings = {r[0]: r[1] for r in read}  # each region's stored settings
    out = []
    with collector_paused():
        evs = evaluate_many(registry.build_cases(read, spec["as_of"]))
        at = 0
        for sid, name, rows in batch:
            mine = evs[at:at + len(rows)]
            at += len(rows)
            region = mine[0].region
            if region not in runtimes:  # the school's flags under its region's stored settings
                runtimes[region] = runtime(region, settings[region])
            out.append(_school_part(sid, name, rows, mine, spec, runtimes[region]))
        del evs, mine  # freed before the collector resumes: it has only the parts left to look at
    return out


class ReportStream:
    """A report read school by school, never holding more than a batch of schools' evaluations: the use
    case under :func:`build_report` and :func:`spool_report`.

    :meth:`parts` yields each school's :class:`SchoolPart` (schools by id; a school whole, however many
    teachers it has, since its flags (``xuefen_org_flags``) read its evaluations together; a batch is
    whole schools up to about :data:`xuefen.registry.WORKER_CHUNK` teachers); once they have all been
    read, :meth:`document` assembles the report dict around the teachers given and :meth:`around` gives
    its keys before and after ``teachers``. ``renders`` (callables ``(item, school) -> str``, picklable when
    ``workers`` > 1) turn each listed item into its renderings where it is made — in a worker with
    ``workers`` > 1 — so only they come back; without, the parts carry the item dicts.
    """

    def __init__(self, conn, org_id: str, year: int | None = None, *, key: bytes | None = None,
                 by: tuple[str, ...] = (), as_of: dt.date | None = None, short_only: bool = False,
                 workers: int = 1, renders: tuple | None = None):
        self.conn, self.org_id, self.by, self.short_only, self.workers = conn, org_id, tuple(by), short_only, workers
        self.year, self.as_of = period(year, as_of)
        unit = repo.org(conn, org_id)
        self.head = {"org": org_id, "name": unit.name, "level": unit.level, "year": self.year,
                     "as_of": self.as_of.isoformat(), "redacted": bool(key)}
        self._spec = {"year": self.year, "as_of": self.as_of, "key": key, "by": self.by, "short_only": short_only,
                      "renders": tuple(renders) if renders is not None else None}
        self.schools: list[dict] = []
        self._counts = dict.fromkeys(("teachers", *_COUNTED), 0)
        self._by: dict = {}
        self._done = False

    # -- reading --------------------------------------------------------------------------------

    def _groups(self):
        """The schools in id order, in batches (whole schools, about WORKER_CHUNK teachers each), and the
        number of teachers: ``(total, iterator of [(school id, name, rows by id)])``."""
        conn, as_of = self.conn, self.as_of
        units = {o.id: o for o in repo.descendants(conn, self.org_id)}
        moved = transfers.moved_schools(conn, as_of)  # only the teachers with a recorded move
        moved_into: dict[str, list[str]] = defaultdict(list)
        counts: dict[str, int] = defaultdict(int)
        ids = sorted(units)
        for chunk in repo.chunks(ids, 500):
            q = (sa.select(teachers.c.school_id, sa.func.count()).where(teachers.c.school_id.in_(chunk))
                 .group_by(teachers.c.school_id))
            for sid, n in conn.execute(q):
                counts[sid] += n
        for tid, (now, then) in moved.items():
            if now in units:
                counts[now] -= 1
            if then in units:
                counts[then] += 1
                moved_into[then].append(tid)
        total = sum(counts[s] for s in ids)
        self._units = units

        def batches():
            size = max(1, registry.WORKER_CHUNK)
            batch, n = [], 0
            for sid in ids:
                if counts[sid] <= 0:
                    continue
                batch.append(sid)
                n += counts[sid]
                if n >= size:
                    yield self._read(batch, moved, moved_into)
                    batch, n = [], 0
            if batch:
                yield self._read(batch, moved, moved_into)
        return total, batches()

    def _read(self, sids: list[str], moved: dict, moved_into: dict) -> list:
        rows: dict[str, list] = defaultdict(list)
        for chunk in repo.chunks(sids, 500):
            for r in self.conn.execute(sa.select(teachers).where(teachers.c.school_id.in_(chunk))):
                if r.id not in moved:
                    rows[r.school_id].append(r)
        extra = [tid for sid in sids for tid in moved_into.get(sid, ())]
        for chunk in repo.chunks(extra, 500):
            for r in self.conn.execute(sa.select(teachers).where(teachers.c.id.in_(chunk))):
                rows[moved[r.id][1]].append(r)
        return [(sid, self._units[sid].name, sorted(rows[sid], key=lambda r: r.id)) for sid in sids if rows[sid]]

    def parts(self):
        """Each school's :class:`SchoolPart`, schools by id (the order of ``schools``); the summary and the
        ``by`` totals are counted as they go."""
        if self._done or self.schools:
            raise RuntimeError("ReportStream.parts: a report is read once")
        import multiprocessing as mp

        total, batches = self._groups()
        reader = registry.CaseReader(self.conn, self.as_of, regions={o.id: o.region for o in self._units.values()})

        def payloads():
            for batch in batches:  # (the rows read are not kept here: the batch's payload is their only holder)
                yield ([(sid, name, [(r.id, r.name) for r in rows]) for sid, name, rows in batch],
                       reader.rows([r for _, _, rows in batch for r in rows]), self._spec)

        pooled = (self.workers > 1 and total >= 2 * registry.WORKER_CHUNK
                  and "fork" in mp.get_all_start_methods())
        if not pooled:
            for p in payloads():
                done = _batch_parts(*p)
                del p  # the batch's rows
                for part in done:
                    self._count(part)
                    yield part
        else:  # the batches read here, in order, at most a few ahead of what has come back
            from collections import deque

            with mp.get_context("fork").Pool(self.workers) as pool:
                pending: deque = deque()
                for p in payloads():
                    pending.append(pool.apply_async(_batch_parts, p))
                    while len(pending) > self.workers:
                        for part in pending.popleft().get():
                            self._count(part)
                            yield part
                while pending:
                    for part in pending.popleft().get():
                        self._count(part)
                        yield part
        self._done = True

    def _count(self, part: SchoolPart) -> None:
        self.schools.append(part.school)
        self._counts["teachers"] += part.school["teachers"]
        for k, v in part.counts.items():
            self._counts[k] += v
        _merge_by(self._by, part.by)

    # -- the document ---------------------------------------------------------------------------

    @property
    def summary(self) -> dict:
        if not self._done:
            raise RuntimeError("ReportStream.summary: read every part first")
        c, schools = self._counts, self.schools
        return {"teachers": c["teachers"], "with_requirements": sum(s["with_requirements"] for s in schools),
                "met": c["met"], "short": sum(s["short"] for s in schools),
                "flagged_schools": sum(1 for s in schools if s["flags"]),
                "with_cycle": c["with_cycle"], "cycle_met": c["cycle_met"], "cycle_short": c["cycle_short"],
                "cycle_in_progress": c["cycle_in_progress"], "short_listed": c["short_listed"]}

    def around(self) -> tuple[dict, dict]:
        """The report's keys before ``teachers`` and after it, in the document's order."""
        before = {**self.head, "summary": self.summary, "schools": self.schools}
        after = {"short_only": self.short_only}
        if self.by:
            after["by"] = _by_out(self._by, self.by)
        return before, after

    def document(self, teachers: list) -> dict:
        """The report dict (docs/formats.md's report JSON) with ``teachers`` as its listed teachers."""
        before, after = self.around()
        return {**before, "teachers": teachers, **after}


@collector_paused()  # the report's items are kept to the end: no collector passes over them
def build_report(conn, org_id: str, year: int | None = None, *, key: bytes | None = None, by: tuple[str, ...] = (),
                 as_of: dt.date | None = None, short_only: bool = False, workers: int = 1) -> dict:
    """Every teacher under ``org_id`` (met / short per requirement of ``year``), and each school's flags;
    with ``by``, each teacher's and the whole report's amounts of the year per value of each grouping.

    ``year`` and ``as_of`` as :func:`period` reads them (neither: today's year, as of today). With
    ``short_only`` the teachers listed are those short in the year or in their cycle (:func:`is_short`);
    the summary still counts everyone. ``workers`` > 1 evaluates the teachers in that many processes (the
    same report). The whole report in memory: :func:`spool_report` writes a province's without holding it.
    """
    stream = ReportStream(conn, org_id, year, key=key, by=by, as_of=as_of, short_only=short_only, workers=workers)
    items = [kv for part in stream.parts() for kv in part.items]
    items.sort(key=lambda kv: kv[0])
    return stream.document([item for _, item in items])


class SpooledReport:
    """A report read once, school by school (:class:`ReportStream`), its listed teachers' renderings kept in
    a private temporary SQLite file (SQLite's temporary directory: ``SQLITE_TMPDIR`` or ``TMPDIR``), not
    in memory, and read back in the report's order (:meth:`texts`); ``stream`` gives the rest of the
    document (:meth:`ReportStream.around`). Close it (or use it as a context manager) to remove the file."""

    def __init__(self, stream: ReportStream, names: tuple[str, ...]):
        import sqlite3

        self.stream, self.names = stream, names
        self._db = sqlite3.connect("")  # "": a temporary file of its own, deleted when closed
        self._db.execute("PRAGMA journal_mode = OFF")
        self._db.execute("PRAGMA synchronous = OFF")
        cols = ", ".join(f"r{i}" for i in range(len(names)))
        self._db.execute(f"CREATE TABLE items (k TEXT NOT NULL, school TEXT NOT NULL, {cols})")
        insert = f"INSERT INTO items VALUES (?, ?, {', '.join('?' * len(names))})"
        try:
            for part in stream.parts():
                sid = part.school["id"]
                self._db.executemany(insert, ((k, sid, *texts) for k, texts in part.items))
            self._db.execute("CREATE INDEX items_k ON items (k)")  # the report's order (text by code point)
            self._db.execute("CREATE INDEX items_school ON items (school, k)")  # a school's, in that order
        except BaseException:
            self._db.close()
            raise

    def texts(self, name: str, school: str | None = None):
        """The rendering ``name`` of each listed teacher, in the report's order (teacher row id); with
        ``school`` (a school's id, as in ``schools``), of that school's listed teachers only, in that order."""
        col = f"r{self.names.index(name)}"
        if school is None:
            rows = self._db.execute(f"SELECT {col} FROM items ORDER BY k")
        else:
            rows = self._db.execute(f"SELECT {col} FROM items WHERE school = ? ORDER BY k", (school,))
        for (text,) in rows:
            yield text

    def __len__(self) -> int:
        return self._db.execute("SELECT count(*) FROM items").fetchone()[0]

    def close(self) -> None:
        self._db.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def spool_report(conn, org_id: str, year: int | None = None, *, renders: dict, key: bytes | None = None,
                 by: tuple[str, ...] = (), as_of: dt.date | None = None, short_only: bool = False,
                 workers: int = 1) -> SpooledReport:
    """:func:`build_report`'s report read school by school, each listed teacher's item rendered by each of
    ``renders`` (``{name: (item, school) -> str}``) as it is made and spooled: memory bounded by a batch of
    schools, not the number of teachers. The teachers come back in :func:`build_report`'s order with
    :meth:`SpooledReport.texts`."""
    names = tuple(renders)
    stream = ReportStream(conn, org_id, year, key=key, by=by, as_of=as_of, short_only=short_only,
                          workers=workers, renders=tuple(renders[n] for n in names))
    return SpooledReport(stream, names)


#: the columns of :func:`by_rows`
BY_FIELDS = ("teacher", "name", "school", "region", "year", "by", "value", "unit", "amount")


def by_rows(report: dict) -> list[dict]:
    """A report's ``--by`` groupings as rows, one per teacher, grouping, value and unit (the amount earned
    in the year, a decimal string), then the report's totals (``teacher`` ``*``): what the CSV and XLSX
    forms of ``report --by`` hold. ``name`` is left out of a redacted report."""
    redacted = bool(report.get("redacted"))
    out = [r for t in report["teachers"] for r in by_item_rows(t, report["year"], redacted)]
    return out + by_total_rows(report.get("by") or {}, report["year"], redacted)


def by_item_rows(item: dict, year: int, redacted: bool) -> list[dict]:
    """:func:`by_rows`'s rows of one teacher's item."""
    out = []
    for name, values in (item.get("by") or {}).items():
        for value, amounts in values.items():
            for unit, amount in amounts.items():
                row = {"teacher": item["teacher"], "name": item.get("name") or "", "school": item["school"],
                       "region": item["region"], "year": year, "by": name, "value": value, "unit": unit,
                       "amount": amount}
                if redacted:
                    row.pop("name")
                out.append(row)
    return out


def by_total_rows(totals: dict, year: int, redacted: bool) -> list[dict]:
    """:func:`by_rows`'s rows of the report's totals (``report["by"]``)."""
    out = []
    for name, values in totals.items():
        for value, amounts in values.items():
            for unit, amount in amounts.items():
                if unit != "teachers":
                    row = {"teacher": "*", "name": "", "school": "", "region": "", "year": year,
                           "by": name, "value": value, "unit": unit, "amount": amount}
                    if redacted:
                        row.pop("name")
                    out.append(row)
    return out
