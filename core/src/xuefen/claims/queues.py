"""What waits for whom: an actor's queue and a teacher's claims."""
from __future__ import annotations

import json

import sqlalchemy as sa

from xuefen.store import repo
from xuefen.claims.authority import actor_row, may_serve
from xuefen.claims.flow import APPROVED, CERTIFIED, REJECTED, RETURNED, REVOKED, WITHDRAWN, Flow
from xuefen.store.schema import claims, teachers


def queue(conn, actor_id: str) -> list:
    """The claims waiting for ``actor_id``: under review at a stage this actor may serve."""
    return list(_waiting(conn, actor_id, (claims, teachers.c.school_id, teachers.c.name.label("teacher_name")),
                         lambda row: json.dumps(row.stages, sort_keys=True), lambda row: row.stages))


def queue_ids(conn, actor_id: str) -> list[str]:
    """The ids of :func:`queue`'s claims, in its order, read without the claims' other columns (each distinct
    stored ``stages`` text parsed once): what a batch approval of the queue reads."""
    parsed: dict[str, list] = {}

    def stages(row):
        if row.stages_text not in parsed:
            parsed[row.stages_text] = json.loads(row.stages_text)
        return parsed[row.stages_text]

    cols = (claims.c.id, claims.c.teacher_id, claims.c.purpose, claims.c.state, claims.c.created_at,
            sa.cast(claims.c.stages, sa.Text).label("stages_text"), teachers.c.school_id)
    return [row.id for row in _waiting(conn, actor_id, cols, lambda row: row.stages_text, stages)]


def _waiting(conn, actor_id: str, columns, text_of, stages_of):
    """The rows (of ``columns``) of the claims waiting for ``actor_id``, in queue order; ``text_of(row)`` is a
    text standing for the row's stages (equal texts, equal stages), ``stages_of(row)`` the stages."""
    actor = actor_row(conn, actor_id)
    if not actor.active:
        return
    units = repo.descendants(conn, actor.org_id)
    schools = [u.id for u in units if u.level == "school"]
    chains: dict[str, list] = {}
    flows: dict[tuple, Flow] = {}
    for i in range(0, len(schools), 500):
        q = (sa.select(*columns)
             .join(teachers, teachers.c.id == claims.c.teacher_id)
             .where(teachers.c.school_id.in_(schools[i:i + 500]),
                    claims.c.state.not_in((APPROVED, CERTIFIED, RETURNED, REJECTED, REVOKED, WITHDRAWN)))
             .order_by(claims.c.created_at, claims.c.id))
        for row in conn.execute(q):
            key = (row.purpose, text_of(row))
            if key not in flows:  # each distinct flow built once per queue
                flows[key] = Flow.of(stages_of(row), row.purpose)
            stage = flows[key].stage(row.state)
            if stage is None:
                continue
            if row.school_id not in chains:
                chains[row.school_id] = repo.ancestors(conn, row.school_id)
            if may_serve(actor, row.teacher_id, stage, chains[row.school_id]):
                yield row


def claims_of(conn, teacher_id: str) -> list:
    return list(conn.execute(sa.select(claims).where(claims.c.teacher_id == teacher_id)
                             .order_by(claims.c.created_at, claims.c.id)))


#: activity fields a reviewer sees in their own columns of a queue; every other stored field is evidence
SHOWN_FIELDS = ("id", "kind", "date", "level", "hours", "days")


def _defaults() -> dict:
    import attrs

    from xuefen.model import Activity, jsonable

    return {a.name: jsonable(a.default) for a in attrs.fields(Activity)
            if a.default is not attrs.NOTHING and not isinstance(a.default, attrs.Factory)}


_NONE = object()
#: an activity field's default value (as stored JSON): a field left at it is no evidence worth showing
_DEFAULTS = _defaults()


def describe(conn, rows, as_of=None) -> list[dict]:
    """What a reviewer needs to judge each queued claim (``rows`` as :func:`queue` returns them): the
    activity's kind, level, date, hours and days, its other stored fields (the evidence), and what final
    approval would post under the region's rules as of ``as_of`` (default today) — the same conversion
    as approving, with the teacher's already-approved activities — or why it would earn nothing.

    Returns one mapping per row, in order: ``activity`` (None for a cycle claim) and ``earns``.
    """
    import datetime as dt

    from xuefen import registry
    from xuefen.claims.actions import _activity_entries
    from xuefen.errors import XuefenError
    from xuefen.store.schema import activities

    as_of = as_of or dt.date.today()
    out = []
    runtimes: dict = {}
    for row in rows:
        if row.purpose != "activity" or row.activity_id is None:
            out.append({"activity": None, "earns": None})
            continue
        act = conn.execute(sa.select(activities.c.kind, activities.c.date, activities.c.data).where(
            activities.c.teacher_id == row.teacher_id, activities.c.id == row.activity_id)).first()
        data = dict(act.data or {}) if act is not None else {}
        info = {"kind": act.kind if act else None, "date": act.date.isoformat() if act else None,
                "level": data.get("level"), "hours": data.get("hours"), "days": data.get("days"),
                "evidence": {k: v for k, v in sorted(data.items())
                             if k not in SHOWN_FIELDS and v is not None and v != _DEFAULTS.get(k, _NONE)}}
        try:
            if row.region not in runtimes:
                runtimes[row.region] = registry.region_runtime(conn, row.region)
            entries, refused, _ = _activity_entries(conn, row, runtimes[row.region], as_of)
            earns = {"entries": [e.as_json() for e in entries], "refused": [r.as_json() for r in refused]}
        except XuefenError as exc:  # a record the region cannot convert: the reviewer sees why
            earns = {"entries": [], "refused": [], "error": str(exc)}
        out.append({"activity": info, "earns": earns})
    return out


def queue_rows(conn, claim_ids) -> list:
    """The claims ``claim_ids`` as :func:`queue` returns rows (with the teacher's school and name), for
    :func:`describe`."""
    ids = list(claim_ids)
    if not ids:
        return []
    q = (sa.select(claims, teachers.c.school_id, teachers.c.name.label("teacher_name"))
         .join(teachers, teachers.c.id == claims.c.teacher_id).where(claims.c.id.in_(ids)))
    return list(conn.execute(q))
