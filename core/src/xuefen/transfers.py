"""Transfers: a teacher's move to another school (or region) on a date, kept in the teacher's history.

A move changes the teacher's ``school_id`` and appends to ``teachers.data["transfers"]`` (no new
column): ``{"on", "from", "to", "from_region", "to_region"}``, oldest first, so the history keeps both
schools. An evaluation or report as of a day attributes the teacher to the school of that day
(:func:`school_on`): the year 2025 of a teacher who moved on 2026-03-01 is the old school's, under its
region's rules; the teacher's claims keep the region they were opened under. A region whose text
carries credits across a move reads the history (Shandong's S-R2: an activity before a move between
Shandong cities is converted under the city it was earned in).

Who may move a teacher: an actor who manages both schools — the unit that registers teachers at the
school they leave and at the school they join (docs/trust.md, "Bootstrap and delegation"): the county
for a move between its schools, the city or province above both for a move between counties or
cities, or the registry administrator. Never the teacher.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from xuefen.errors import InputError, NotFound, RefusedAction
from xuefen.io import fields as F

# the database is imported inside the functions that use it: the pure readers of the history
# (history, school_on, region_on) run in `xuefen evaluate`/`xuefen test`, which import no database code

#: the key of the history in ``teachers.data``
KEY = "transfers"


def history(data: Any) -> list[dict]:
    """The moves recorded in a teacher's ``data`` (or ``Teacher.extra``), oldest first."""
    moves = (data or {}).get(KEY) if isinstance(data, dict) else None
    return sorted((m for m in moves or () if isinstance(m, dict) and m.get("on")), key=lambda m: m["on"])


def school_on(school_id: str | None, data: Any, day: dt.date) -> str | None:
    """The teacher's school on ``day``: the current ``school_id`` unless a recorded move came after ``day``,
    then the school the first such move left."""
    for m in history(data):
        if day < dt.date.fromisoformat(m["on"]):
            return m.get("from")
    return school_id


def region_on(region: str | None, data: Any, day: dt.date) -> str | None:
    """The teacher's region on ``day`` (as :func:`school_on`)."""
    for m in history(data):
        if day < dt.date.fromisoformat(m["on"]):
            return m.get("from_region")
    return region


def _school(conn, school_id: str, what: str):
    import sqlalchemy as sa

    from xuefen.store.schema import orgs

    row = conn.execute(sa.select(orgs).where(orgs.c.id == school_id)).first()
    if row is None:
        raise NotFound(f"{what}: no org unit {school_id!r}")
    if row.level != "school":
        raise InputError(f"{what}: {school_id!r} is a {row.level}, not a school")
    return row


def check(conn, actor, teacher_row, to_school: str, on: dt.date, where: str) -> tuple[dict, str | None]:
    """The move ``teacher_row`` → ``to_school`` on ``on`` checked (the schools, the order of the history, the
    actor's authority over both schools); returns the history entry to append and why the actor may not
    (None: it may). :raises InputError: a bad move."""
    import sqlalchemy as sa

    from xuefen.claims.authority import is_own, management_refusal
    from xuefen.regions import installed
    from xuefen.store.schema import orgs

    dest = _school(conn, to_school, f"{where}: school_id")
    if dest.region not in installed():
        raise InputError(f"{where}: school_id: the school's region {dest.region!r} is not installed")
    if teacher_row.school_id == to_school:
        raise InputError(f"{where}: school_id: teacher {teacher_row.id} is already at {to_school}")
    moves = history(teacher_row.data)
    if moves and on <= dt.date.fromisoformat(moves[-1]["on"]):
        raise InputError(f"{where}: moved_on: {on} is not after the teacher's last move "
                         f"({moves[-1]['on']}, to {moves[-1]['to']}): moves are recorded in order")
    origin = conn.execute(sa.select(orgs).where(orgs.c.id == teacher_row.school_id)).first() \
        if teacher_row.school_id else None
    entry = {"on": on.isoformat(), "from": teacher_row.school_id, "to": to_school,
             "from_region": origin.region if origin is not None else None, "to_region": dest.region}
    if is_own(actor, teacher_row.id):
        return entry, f"actor {actor.id} may not move their own teacher record"
    for unit, side in ((teacher_row.school_id, "leaves"), (to_school, "joins")):
        why = management_refusal(conn, actor, unit, f"move teacher {teacher_row.id}")
        if why:
            return entry, f"{why} (the school the teacher {side}: a move needs an administrator of both schools)"
    return entry, None


def apply(conn, actor_id: str, teacher_row, entry: dict) -> None:
    """Write a checked move through the audit log (``transfer``)."""
    from xuefen import audit
    from xuefen.store.schema import teachers

    data = dict(teacher_row.data or {})
    data[KEY] = history(data) + [entry]
    audit.update(conn, actor_id, teachers, {"id": teacher_row.id}, {"school_id": entry["to"], "data": data},
                 action="transfer")


def transfer(conn, signer, teacher_id: str, to_school: str, on: dt.date) -> dict:
    """Move ``teacher_id`` to ``to_school`` on ``on`` in the caller's transaction, one signed action of
    ``signer``'s actor; returns the history entry written.

    :raises NotFound: no such teacher or school. :raises InputError: not a school, the same school, a date
        not after the last move. :raises RefusedAction: no valid key, or the actor does not manage both schools.
    """
    import sqlalchemy as sa

    from xuefen import audit
    from xuefen.claims.authority import actor_row
    from xuefen.store.schema import teachers

    try:
        on = F.parse_date(on.isoformat() if isinstance(on, dt.date) else on)
    except ValueError as exc:
        raise InputError(f"transfer {teacher_id}: --on: {exc}") from None
    with audit.acting(conn, signer, "transfer", {"teacher": teacher_id, "to": to_school, "on": on.isoformat()}):
        row = conn.execute(sa.select(teachers).where(teachers.c.id == teacher_id)).first()
        if row is None:
            raise NotFound(f"teacher {teacher_id!r} not found")
        entry, why = check(conn, actor_row(conn, signer.actor_id), row, to_school, on, f"transfer {teacher_id}")
        if why:
            raise RefusedAction(f"transfer {teacher_id}: {signer.actor_id} may not move the teacher: {why}")
        apply(conn, signer.actor_id, row, entry)
        return entry


def teachers_under(conn, org_id: str, as_of: dt.date) -> list:
    """Every teacher row whose school *on* ``as_of`` is the unit or below it, by id: a teacher who moved
    away since is counted where they taught then, one who moved in since is not."""
    import sqlalchemy as sa

    from xuefen.store import repo
    from xuefen.store.schema import teachers

    inside = {r.id for r in repo.descendants(conn, org_id)}
    now = repo.teachers_under(conn, org_id)
    seen = {r.id for r in now}
    moved = conn.execute(sa.select(teachers).where(sa.cast(teachers.c.data, sa.Text).contains(f'"{KEY}"')))
    out = [r for r in now if school_on(r.school_id, r.data, as_of) in inside]
    out += [r for r in moved if r.id not in seen and school_on(r.school_id, r.data, as_of) in inside]
    return sorted(out, key=lambda r: r.id)


def moved_schools(conn, as_of: dt.date) -> dict[str, tuple[str | None, str | None]]:
    """Each teacher with a recorded move: ``{id: (school now, school on as_of)}`` — what a report read school by
    school needs to put a moved teacher where they taught that day (:func:`teachers_under`'s reading), without
    reading every teacher's row."""
    import sqlalchemy as sa

    from xuefen.store.schema import teachers

    q = sa.select(teachers.c.id, teachers.c.school_id, teachers.c.data).where(
        sa.cast(teachers.c.data, sa.Text).contains(f'"{KEY}"'))
    return {r.id: (r.school_id, school_on(r.school_id, r.data, as_of)) for r in conn.execute(q)}
