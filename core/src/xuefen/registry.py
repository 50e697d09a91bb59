"""Evaluations from the database: the same pure computation as ``xuefen evaluate``.

A teacher's case is built from the ``teachers`` row and the activities of the
teacher's **approved** claims (not returned, rejected, revoked or still under
review), with the region's stored settings; :func:`evaluate_teachers` runs
:func:`xuefen.evaluate.evaluate_many` over a batch, so ``status`` and
``report`` can never disagree with ``evaluate``.

Also the org-tree reads the workflow and the reports share: a unit's
ancestors (walking ``orgs.parent_id``) and every unit below it.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Iterable

import attrs
import sqlalchemy as sa

from xuefen.errors import InputError, NotFound
from xuefen.evaluate import Case, evaluate_many
from xuefen.model import Activity, Evaluation, Teacher
from xuefen.regions import runtime
from xuefen.store import repo
from xuefen.store.schema import activities, claims, integrity, orgs, teachers

#: the claim states whose activity counts
COUNTED_STATES = ("approved",)


# -- org tree --------------------------------------------------------------------


def org(conn, org_id: str):
    row = conn.execute(sa.select(orgs).where(orgs.c.id == org_id)).first()
    if row is None:
        raise NotFound(f"org unit {org_id!r} not found")
    return row


def ancestors(conn, org_id: str | None) -> list:
    """The unit and every unit above it, nearest first (walking ``parent_id``)."""
    out, seen = [], set()
    while org_id is not None and org_id not in seen:
        seen.add(org_id)
        row = conn.execute(sa.select(orgs).where(orgs.c.id == org_id)).first()
        if row is None:
            break
        out.append(row)
        org_id = row.parent_id
    return out


def descendants(conn, org_id: str) -> list:
    """The unit and every unit below it (breadth first)."""
    children: dict = defaultdict(list)
    by_id = {}
    for row in conn.execute(sa.select(orgs)):
        by_id[row.id] = row
        children[row.parent_id].append(row)
    if org_id not in by_id:
        raise NotFound(f"org unit {org_id!r} not found")
    out, queue, seen = [], [by_id[org_id]], set()
    while queue:
        row = queue.pop(0)
        if row.id in seen:
            continue
        seen.add(row.id)
        out.append(row)
        queue += sorted(children.get(row.id, ()), key=lambda r: r.id)
    return out


def region_of_school(conn, school_id: str | None) -> str:
    for row in ancestors(conn, school_id):
        return row.region
    raise InputError(f"school {school_id!r}: not an org unit, so the teacher's region is unknown")


# -- rows to values (the store's named constructors) ---------------------------------------

teacher_from_row = repo.teacher_from_row
activity_from_row = repo.activity_from_row
region_settings = repo.region_settings


def teacher(conn, teacher_id: str) -> tuple[Teacher, str]:
    """The teacher and their region code."""
    row = conn.execute(sa.select(teachers).where(teachers.c.id == teacher_id)).first()
    if row is None:
        raise NotFound(f"teacher {teacher_id!r} not found")
    return teacher_from_row(row), region_of_school(conn, row.school_id)


def activity(conn, teacher_id: str, activity_id: str) -> Activity:
    row = conn.execute(sa.select(activities).where(activities.c.teacher_id == teacher_id,
                                                   activities.c.id == activity_id)).first()
    if row is None:
        raise NotFound(f"activity {activity_id!r} of teacher {teacher_id!r} not found")
    return activity_from_row(row)


def approved_activities(conn, teacher_ids: Iterable[str]) -> dict[str, list[Activity]]:
    """The activities of each teacher's approved claims."""
    ids = list(teacher_ids)
    out: dict[str, list[Activity]] = {t: [] for t in ids}
    q = (sa.select(activities)
         .join(claims, sa.and_(claims.c.teacher_id == activities.c.teacher_id,
                               claims.c.activity_id == activities.c.id))
         .where(claims.c.purpose == "activity", claims.c.state.in_(COUNTED_STATES)))
    for chunk in _chunks(ids, 500):
        for row in conn.execute(q.where(activities.c.teacher_id.in_(chunk))):
            out[row.teacher_id].append(activity_from_row(row))
    return out


def _chunks(items: list, n: int):
    for i in range(0, len(items), n):
        yield items[i:i + n]


# -- cases and evaluations ------------------------------------------------------------


def cases(conn, teacher_ids: Iterable[str], as_of: dt.date) -> list[Case]:
    """One :class:`Case` per teacher: the teacher row, approved activities, stored settings."""
    ids = list(teacher_ids)
    rows = {}
    for chunk in _chunks(ids, 500):
        for row in conn.execute(sa.select(teachers).where(teachers.c.id.in_(chunk))):
            rows[row.id] = row
    missing = [t for t in ids if t not in rows]
    if missing:
        raise NotFound(f"teacher {missing[0]!r} not found")
    region_by_org = {r.id: r.region for r in conn.execute(sa.select(orgs.c.id, orgs.c.region))}
    acts = approved_activities(conn, ids)
    records = integrity_records(conn, ids)
    stored: dict[str, dict] = {}
    out = []
    for tid in ids:
        row = rows[tid]
        region = region_by_org.get(row.school_id)
        if region is None:
            raise InputError(f"teacher {tid!r}: school {row.school_id!r} is not an org unit, so the region is unknown")
        if region not in stored:
            stored[region] = dict(runtime(region, region_settings(conn, region)).settings)
        teacher = teacher_from_row(row)
        if records.get(tid):  # the integrity file (诚信档案) goes to the region's xuefen_review
            teacher = attrs.evolve(teacher, extra={**teacher.extra, "integrity": records[tid]})
        out.append(Case(region=region, as_of=as_of, teacher=teacher, activities=tuple(acts[tid]),
                        settings=stored[region]))
    return out


def integrity_records(conn, teacher_ids: Iterable[str]) -> dict[str, list[dict]]:
    """Each teacher's integrity-file records (``xuefen revoke --falsified``), oldest first, as JSON values.

    :func:`cases` hands them to the region as ``Teacher.extra["integrity"]``: a
    region whose text keeps an integrity file (Lincang's L-F1) flags them.
    """
    ids = list(teacher_ids)
    out: dict[str, list[dict]] = {}
    q = sa.select(integrity).order_by(integrity.c.recorded_at, integrity.c.id)
    for chunk in _chunks(ids, 500):
        for r in conn.execute(q.where(integrity.c.teacher_id.in_(chunk))):
            activity = conn.execute(sa.select(claims.c.activity_id).where(claims.c.id == r.claim_id)
                                    ).scalar_one_or_none() if r.claim_id else None
            out.setdefault(r.teacher_id, []).append({
                "id": r.id, "claim": r.claim_id, "activity": activity, "rule": r.rule, "article": r.article,
                "reason": r.reason, "recorded_at": r.recorded_at.isoformat()})
    return out


def evaluate_teachers(conn, teacher_ids: Iterable[str], as_of: dt.date) -> list[Evaluation]:
    """Evaluate a batch of teachers from the database (approved claims only)."""
    return evaluate_many(cases(conn, teacher_ids, as_of))


def evaluate_teacher(conn, teacher_id: str, as_of: dt.date) -> Evaluation:
    return evaluate_teachers(conn, [teacher_id], as_of)[0]


def teachers_under(conn, org_id: str) -> list:
    """Every teacher row whose school is the unit or below it, by id."""
    units = [r.id for r in descendants(conn, org_id)]
    out = []
    for chunk in _chunks(units, 500):
        out += list(conn.execute(sa.select(teachers).where(teachers.c.school_id.in_(chunk))))
    return sorted(out, key=lambda r: r.id)
