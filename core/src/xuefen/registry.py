"""Evaluations from the database: the same pure computation as ``xuefen evaluate``.

A teacher's case is built from the ``teachers`` row (at the school of the day evaluated, for a teacher
who moved: :mod:`xuefen.transfers`) and the activities of the
teacher's **approved** claims (not returned, rejected, revoked or still under
review), with the region's stored settings; :func:`evaluate_teachers` runs
:func:`xuefen.evaluate.evaluate_many` over a batch, so ``status`` and
``report`` can never disagree with ``evaluate``.

The rows it reads come from :mod:`xuefen.store.repo` (the org tree, a
teacher's approved activities, the integrity file); this module adds what
storage may not know: the region's rules (:func:`region_runtime`) and the
evaluation.
"""
from __future__ import annotations

import datetime as dt
from typing import Iterable

import attrs
import sqlalchemy as sa

from xuefen import transfers
from xuefen.errors import InputError, NotFound
from xuefen.evaluate import Case, evaluate_many
from xuefen.model import Evaluation
from xuefen.regions import RegionRuntime, runtime
from xuefen.store import repo
from xuefen.store.repo import chunks
from xuefen.store.schema import orgs, teachers


# -- cases and evaluations ------------------------------------------------------------


def cases(conn, teacher_ids: Iterable[str], as_of: dt.date) -> list[Case]:
    """One :class:`Case` per teacher: the teacher row, approved activities, stored settings."""
    ids = list(teacher_ids)
    rows = {}
    for chunk in chunks(ids, 500):
        for row in conn.execute(sa.select(teachers).where(teachers.c.id.in_(chunk))):
            rows[row.id] = row
    missing = [t for t in ids if t not in rows]
    if missing:
        raise NotFound(f"teacher {missing[0]!r} not found")
    return CaseReader(conn, as_of).cases([rows[t] for t in ids])


class CaseReader:
    """Cases from ``teachers`` rows, batch after batch (:func:`cases`, and the report's schools): the region of
    each org unit read once (``regions``, else every unit's, on first need) and each region's stored settings
    once, however many batches. :meth:`rows` reads what a batch's cases are made of (the database's part,
    picklable); :func:`build_cases` makes them (in another process, for a report's workers)."""

    def __init__(self, conn, as_of: dt.date, regions: dict[str, str] | None = None):
        self.conn, self.as_of = conn, as_of
        self._regions = regions
        self._stored: dict[str, dict] = {}

    def stored_settings(self, region: str) -> dict:
        """The region's settings as stored in the database (what :func:`region_runtime` builds on)."""
        if region not in self._stored:
            self._stored[region] = repo.region_settings(self.conn, region)
        return self._stored[region]

    def rows(self, rows) -> list[tuple]:
        """For each ``teachers`` row, in their order: ``(region, stored settings, the row as a dict, the school
        on the day, integrity records, approved activity rows)``."""
        if self._regions is None:
            self._regions = {r.id: r.region for r in self.conn.execute(sa.select(orgs.c.id, orgs.c.region))}
        ids = [row.id for row in rows]
        acts = repo.approved_activity_rows(self.conn, ids)
        records = repo.integrity_records(self.conn, ids)
        out = []
        for row in rows:
            tid = row.id
            school = transfers.school_on(row.school_id, row.data, self.as_of)  # the school of that day (a moved teacher)
            region = self._regions.get(school)
            if region is None:
                raise InputError(f"teacher {tid!r}: school {school!r} is not an org unit, so the region is unknown")
            out.append((region, self.stored_settings(region), dict(row._mapping), school, records.get(tid),
                        acts[tid]))
        return out

    def cases(self, rows) -> list[Case]:
        """One :class:`Case` per row, in their order."""
        return build_cases(self.rows(rows), self.as_of)


def build_cases(read: list[tuple], as_of: dt.date, runtimes: dict | None = None) -> list[Case]:
    """The cases of :meth:`CaseReader.rows`' rows (each region's runtime built once, in ``runtimes``)."""
    runtimes = {} if runtimes is None else runtimes
    out = []
    for region, stored, row, school, records, acts in read:
        key = (region, repr(sorted(stored.items())))
        rt = runtimes.get(key)
        if rt is None:
            rt = runtimes[key] = runtime(region, stored)
        teacher = repo.teacher_from_row(row)
        if school != row["school_id"]:
            teacher = attrs.evolve(teacher, school_id=school)
        if records:  # the integrity file (诚信档案) goes to the region's xuefen_review
            teacher = attrs.evolve(teacher, extra={**teacher.extra, "integrity": records})
        # the region's declared fields typed, as the import parsed them (a date from its JSON string)
        out.append(Case(region=region, as_of=as_of, teacher=rt.typed(teacher),
                        activities=tuple(repo.activity_from_row(a, rt.activity_fields) for a in acts),
                        settings=dict(rt.settings)))
    return out


def evaluate_teachers(conn, teacher_ids: Iterable[str], as_of: dt.date, *, workers: int = 1) -> list[Evaluation]:
    """Evaluate a batch of teachers from the database (approved claims only); ``workers`` > 1 evaluates the
    cases in that many processes (:func:`evaluate_chunks`), the result the same, in the same order."""
    all_cases = cases(conn, teacher_ids, as_of)
    if workers <= 1 or len(all_cases) < 2 * WORKER_CHUNK:
        return evaluate_many(all_cases)
    out: list[Evaluation] = []
    for evs in evaluate_chunks(chunks(all_cases, WORKER_CHUNK), workers=workers):
        out += evs
    return out


#: cases a worker process evaluates at a time
WORKER_CHUNK = 1000


def evaluate_chunks(case_chunks: Iterable[list[Case]], *, workers: int = 1):
    """:func:`xuefen.evaluate.evaluate_many` of each chunk, yielded in order as each is done; with ``workers`` > 1
    in that many forked processes (each builds a region's runtime once and keeps it), so a chunk's results
    are streamed, not all kept. Where ``fork`` is not available, in this process."""
    import multiprocessing as mp

    if workers > 1 and "fork" in mp.get_all_start_methods():
        with mp.get_context("fork").Pool(workers) as pool:
            yield from pool.imap(evaluate_many, case_chunks)
        return
    for chunk in case_chunks:
        yield evaluate_many(chunk)


def evaluate_teacher(conn, teacher_id: str, as_of: dt.date) -> Evaluation:
    return evaluate_teachers(conn, [teacher_id], as_of)[0]


def region_runtime(conn, region: str) -> RegionRuntime:
    """:func:`xuefen.regions.runtime` for ``region`` with the settings stored in the database."""
    return runtime(region, repo.region_settings(conn, region))


def set_setting(conn, signer, region: str, name: str, value) -> object:
    """Store a named setting of ``region`` (a reading where its text is silent; ``xuefen rules CODE`` lists
    them) as a signed action of ``signer``, who must manage every top unit of the region (or be the
    registry administrator). Returns the value as stored (validated and coerced by the region's spec).

    :raises InputError: an unknown setting or a value it does not take.
    :raises RefusedAction: no valid key, or no authority over the region's units.
    """
    from xuefen import audit
    from xuefen.claims.authority import actor_row, management_refusal
    from xuefen.errors import RefusedAction
    from xuefen.model import jsonable
    from xuefen.store.schema import settings

    stored = jsonable(runtime(region, {name: value}).settings[name])
    with audit.acting(conn, signer, "setting", {"region": region, "name": name, "value": stored}):
        me = actor_row(conn, signer.actor_id)
        units = {r.id: r for r in conn.execute(sa.select(orgs).where(orgs.c.region == region))}
        tops = sorted(u.id for u in units.values() if u.parent_id not in units)
        for top in tops or [None]:
            why = management_refusal(conn, me, top, f"change {region}'s setting {name}")
            if why:
                raise RefusedAction(f"settings set {region} {name}: {why}")
        key = {"region": region, "name": name}
        exists = conn.execute(sa.select(settings.c.value).where(settings.c.region == region,
                                                                settings.c.name == name)).first()
        if exists is None:
            audit.insert(conn, signer.actor_id, settings, [{**key, "value": stored}], action="setting")
        else:
            audit.update(conn, signer.actor_id, settings, key, {"value": stored}, action="setting")
    return stored
