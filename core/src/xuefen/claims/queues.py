"""What waits for whom: an actor's queue and a teacher's claims."""
from __future__ import annotations

import sqlalchemy as sa

from xuefen.store import repo
from xuefen.claims.authority import actor_row, may_serve
from xuefen.claims.flow import APPROVED, CERTIFIED, REJECTED, RETURNED, REVOKED, Flow
from xuefen.store.schema import claims, teachers


def queue(conn, actor_id: str) -> list:
    """The claims waiting for ``actor_id``: under review at a stage this actor may serve."""
    actor = actor_row(conn, actor_id)
    if not actor.active:
        return []
    units = repo.descendants(conn, actor.org_id)
    schools = [u.id for u in units if u.level == "school"]
    out = []
    chains: dict[str, list] = {}
    flows: dict[tuple, Flow] = {}
    for i in range(0, len(schools), 500):
        q = (sa.select(claims, teachers.c.school_id, teachers.c.name.label("teacher_name"))
             .join(teachers, teachers.c.id == claims.c.teacher_id)
             .where(teachers.c.school_id.in_(schools[i:i + 500]),
                    claims.c.state.not_in((APPROVED, CERTIFIED, RETURNED, REJECTED, REVOKED)))
             .order_by(claims.c.created_at, claims.c.id))
        for row in conn.execute(q):
            key = (row.purpose, tuple(tuple(sorted((k, tuple(v) if isinstance(v, list) else v)  # stand_in: a list
                                                   for k, v in (s or {}).items())) for s in row.stages or ()))
            if key not in flows:  # each distinct flow built once per queue
                flows[key] = Flow.of(row.stages, row.purpose)
            stage = flows[key].stage(row.state)
            if stage is None:
                continue
            if row.school_id not in chains:
                chains[row.school_id] = repo.ancestors(conn, row.school_id)
            if may_serve(actor, row.teacher_id, stage, chains[row.school_id]):
                out.append(row)
    return out


def claims_of(conn, teacher_id: str) -> list:
    return list(conn.execute(sa.select(claims).where(claims.c.teacher_id == teacher_id)
                             .order_by(claims.c.created_at, claims.c.id)))
