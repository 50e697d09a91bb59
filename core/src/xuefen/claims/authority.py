"""Who may act where: the authority checks every action and queue uses.

An actor may serve a stage when it is active, is not the teacher (by id, or by
the teacher record its actor row links, ``actors.teacher_id``), has the stage's
role, and its unit is the stage's level and contains the teacher's school.

An actor may *manage* a unit — register org units under it, actors and their
keys in it, teachers of its schools and their records — when its role is one of
:data:`xuefen.model.MANAGER_ROLES` and its unit contains that unit; the
registry administrator (``xuefen init --admin``) manages every unit and approves
nothing.
"""
from __future__ import annotations

import sqlalchemy as sa

from xuefen.errors import RefusedAction
from xuefen.model import MANAGER_ROLES, Stage
from xuefen.store import repo
from xuefen.store.schema import actors

#: the registry administrator's role (``xuefen init --admin``)
REGISTRY_ADMIN = "registry_admin"


def actor_row(conn, actor_id: str):
    row = conn.execute(sa.select(actors).where(actors.c.id == actor_id)).first()
    if row is None:
        raise RefusedAction(f"actor {actor_id!r} is not registered")
    return row


def is_own(actor, teacher_id: str) -> bool:
    """The actor is the teacher: the same id, or the actor's row links the teacher record
    (``actors.teacher_id``, or ``teacher_id`` in its data as earlier versions kept it)."""
    if actor.id == teacher_id or getattr(actor, "teacher_id", None) == teacher_id:
        return True
    data = actor.data or {}
    return isinstance(data, dict) and teacher_id in (data.get("teacher_id"), data.get("teacher"))


def management_refusal(conn, actor, unit_id: str | None, what: str = "manage") -> str | None:
    """Why ``actor`` may not register or change what belongs to org unit ``unit_id`` (None: it may).

    ``unit_id`` None means something above every unit (a root org unit): only the
    registry administrator.
    """
    if not actor.active:
        return f"actor {actor.id} is inactive"
    if actor.role == REGISTRY_ADMIN:
        return None
    if actor.role not in MANAGER_ROLES:
        return f"{actor.id} is a {actor.role}; only an administrator ({', '.join(MANAGER_ROLES)}) may {what}"
    if unit_id is None:
        return f"only the registry administrator may {what} at the top of the tree"
    chain = repo.ancestors(conn, unit_id)
    if not any(o.id == actor.org_id for o in chain):
        return f"actor {actor.id}'s unit {actor.org_id} does not contain {unit_id}"
    return None


def authority(stage: Stage, chain: list) -> tuple[str, str]:
    """The (role, org level) that serves ``stage`` for a school whose units (nearest first) are ``chain``.

    A stage whose level has no unit above the school is served by its declared stand-in
    (:attr:`~xuefen.model.Stage.stand_in`, cited by the stage's rule) when the chain has a unit of that level.
    """
    role, level = stage.role, stage.level
    if stage.stand_in and not any(o.level == level for o in chain):
        in_level, in_role = stage.stand_in
        if any(o.level == in_level for o in chain):
            return in_role, in_level
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


def correction_refusal(actor, teacher_id: str, stage: Stage, chain: list) -> str | None:
    """Why ``actor`` may not correct (amend or withdraw) the record of a claim of ``teacher_id`` waiting at
    ``stage`` (its first stage when returned), whose school's units (nearest first) are ``chain``; None: it may.

    Two actors may: whoever *registers* the record — an administrator who manages the teacher's school
    (docs/trust.md, "Bootstrap and delegation": an activity is registered only by an actor who manages its
    unit; the registry administrator manages every unit) — and the reviewer who holds the claim now, at
    its stage. Never the teacher: a record is not corrected by the person it credits. Pure (no database),
    so ``audit verify`` asks the same question of the records as they stood then.
    """
    if not actor.active:
        return f"actor {actor.id} is inactive"
    if is_own(actor, teacher_id):
        return f"actor {actor.id} may not correct their own record"
    if actor.role == REGISTRY_ADMIN:
        return None
    if actor.role in MANAGER_ROLES and any(o.id == actor.org_id for o in chain):
        return None
    why = refusal_for(actor, teacher_id, stage, chain)
    if why is None:
        return None
    school = chain[0].id if chain else None
    return (f"only an administrator whose unit contains the teacher's school {school} (who registers its "
            f"records) or the reviewer of its stage {stage.name} may correct it: {why}")
