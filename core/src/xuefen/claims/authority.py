"""Who may act where: the authority checks every action and queue uses.

An actor may serve a stage when it is active, is not the teacher (by id or by
the teacher id its record carries), has the stage's role, and its unit is the
stage's level and contains the teacher's school.
"""
from __future__ import annotations

import sqlalchemy as sa

from xuefen.errors import RefusedAction
from xuefen.model import Stage
from xuefen.store.schema import actors

def actor_row(conn, actor_id: str):
    row = conn.execute(sa.select(actors).where(actors.c.id == actor_id)).first()
    if row is None:
        raise RefusedAction(f"actor {actor_id!r} is not registered")
    return row


def is_own(actor, teacher_id: str) -> bool:
    """The actor is the teacher (same id, or the actor's data links to the teacher)."""
    if actor.id == teacher_id:
        return True
    data = actor.data or {}
    return isinstance(data, dict) and teacher_id in (data.get("teacher_id"), data.get("teacher"))


def authority(stage: Stage, chain: list) -> tuple[str, str]:
    """The (role, org level) that serves ``stage`` for a school whose units (nearest first) are ``chain``.

    A ``county`` stage of a school with no county above it (a city-direct school)
    is served by the city: the county's role becomes the city's.
    """
    role, level = stage.role, stage.level
    if level == "county" and not any(o.level == "county" for o in chain) and any(o.level == "city" for o in chain):
        return (role.replace("county", "city", 1) if role.startswith("county") else role), "city"
    return role, level


def refusal_for(actor, teacher_id: str, stage: Stage, chain: list) -> str | None:
    """Why ``actor`` may not act at ``stage`` on a claim of ``teacher_id``, whose school's units
    (nearest first) are ``chain``; None: they may."""
    if not actor.active:
        return f"actor {actor.id} is inactive"
    if is_own(actor, teacher_id):
        return f"actor {actor.id} may not act on their own claim"
    role, level = authority(stage, chain)
    if actor.role != role:
        return f"stage {stage.name} ({stage.rule}, {stage.article}) needs a {role}, and {actor.id} is a {actor.role}"
    unit = next((o for o in chain if o.id == actor.org_id), None)
    if unit is None:
        school = chain[0].id if chain else None
        return f"actor {actor.id}'s unit {actor.org_id} does not contain the teacher's school {school}"
    if unit.level != level:
        return f"stage {stage.name} is served at {level} level, and {actor.id}'s unit {unit.id} is a {unit.level}"
    return None



def may_serve(actor, teacher_id: str, stage: Stage, chain: list) -> bool:
    return refusal_for(actor, teacher_id, stage, chain) is None
