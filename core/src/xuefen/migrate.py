"""Named data migrations a region runs over a database: ``xuefen migrate NAME [--apply]``.

Not the schema's Alembic migrations (:mod:`xuefen.store.migrations`): these are
the one-off decisions a regulation asks of every teacher at a transition, such
as Zhengzhou's 260-hour cutover. A region declares them through the collecting
hook ``xuefen_migrations()``; the core names no region.

A :class:`Migration` decides per teacher from the teacher's evaluation (approved
claims only, as of a day), returning :class:`~xuefen.model.Transition` values.
:func:`run` is a dry run unless ``apply``: it counts the decisions per rule and
decision and lists the teachers of each. Applying records each teacher's
decisions in the audit log (action ``migrate:NAME``, before = the decisions
recorded last time) and, where the migration names a ``field``, writes the
first decision to that region-declared teacher field through the audit log.
Re-applying with nothing changed records nothing.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

import attrs
import sqlalchemy as sa

from xuefen import audit, registry, regions
from xuefen.errors import InputError, RefusedAction
from xuefen.model import Migration, Transition
from xuefen.store.schema import audit_log, orgs, teachers

#: teachers evaluated per batch
BATCH = 500


@attrs.frozen
class Decided:
    """One teacher's decisions."""

    teacher: str
    school: str | None
    decisions: tuple[Transition, ...]
    recorded: Any = None  #: the decisions recorded by the last apply (JSON), if any
    changed: bool = True

    def as_json(self) -> dict:
        return {"teacher": self.teacher, "school": self.school,
                "decisions": [audit.jsonable(t.as_json()) for t in self.decisions], "changed": self.changed}


@attrs.frozen
class Result:
    migration: Migration
    as_of: dt.date
    applied: bool
    teachers: int  #: teachers of the region evaluated
    decided: tuple[Decided, ...]
    recorded: int = 0  #: teachers whose decisions were recorded by this apply

    def counts(self) -> dict[tuple[str, str], int]:
        out: dict[tuple[str, str], int] = defaultdict(int)
        for d in self.decided:
            for t in d.decisions:
                out[(t.rule, t.decision)] += 1
        return dict(sorted(out.items()))

    def manual(self) -> list[Decided]:
        want = set(self.migration.manual)
        return [d for d in self.decided if any((t.rule, t.decision) in want for t in d.decisions)]

    def as_json(self) -> dict:
        m = self.migration
        return {"migration": m.name, "region": m.region, "rule": m.rule, "article": m.article,
                "as_of": self.as_of.isoformat(), "applied": self.applied, "teachers": self.teachers,
                "not_concerned": self.teachers - len(self.decided),
                "counts": [{"rule": r, "decision": d, "teachers": n} for (r, d), n in self.counts().items()],
                "manual_handling": [d.teacher for d in self.manual()],
                "decided": [d.as_json() for d in self.decided], "recorded": self.recorded}


def available() -> dict[str, Migration]:
    """Every installed region's migrations by name (a child region's parent's once, under the parent)."""
    out: dict[str, Migration] = {}
    for code in sorted(regions.installed()):
        for group in regions.runtime(code).hook.xuefen_migrations() or ():
            for m in group or ():
                out.setdefault(m.name, m)
    return out


def find(name: str) -> Migration:
    found = available()
    if name not in found:
        raise InputError(f"migrate: unknown migration {name!r} (installed: {', '.join(sorted(found)) or 'none'})")
    return found[name]


def _recorded(conn, name: str) -> dict[str, Any]:
    """The decisions the last apply recorded, per teacher."""
    out: dict[str, Any] = {}
    q = (sa.select(audit_log.c.object_id, audit_log.c.after)
         .where(audit_log.c.action == f"migrate:{name}", audit_log.c.object_type == "teacher")
         .order_by(audit_log.c.seq))
    for row in conn.execute(q):
        out[row.object_id] = row.after
    return out


def run(conn, name: str, *, as_of: dt.date | None = None, apply: bool = False, signer=None) -> Result:
    """Decide for every teacher of the migration's region, inside the caller's transaction; record when ``apply``.

    Applying is a signed action of ``signer`` (:class:`xuefen.keys.Signer`), an actor who manages
    every unit of the region (the registry administrator, or an admin of the region's top unit).
    :raises RefusedAction: ``apply`` without a valid key or without that authority; nothing is recorded.
    """
    m = find(name)
    if apply:
        if signer is None:
            raise RefusedAction(f"migrate {name} --apply: a signed action: give the acting actor's key")
        with audit.acting(conn, signer, f"migrate:{m.name}", {"migration": m.name,
                                                              "as_of": (as_of or dt.date.today()).isoformat()}) as a:
            _may_apply(conn, signer, m)
            result = _run(conn, m, as_of=as_of, apply=True, actor_id=signer.actor_id)
            a.subject.update({"teachers": result.teachers, "recorded": result.recorded})
            return result
    return _run(conn, m, as_of=as_of, apply=False, actor_id=None)


def _may_apply(conn, signer, m: Migration) -> None:
    """The actor must manage the school of every teacher the migration runs over."""
    from xuefen.claims.authority import actor_row, management_refusal

    me = actor_row(conn, signer.actor_id)
    units = [r.id for r in conn.execute(sa.select(orgs.c.id).where(orgs.c.region == m.region))]
    schools: set = set()
    for i in range(0, len(units), BATCH):
        schools |= set(conn.execute(sa.select(teachers.c.school_id).distinct()
                                    .where(teachers.c.school_id.in_(units[i:i + BATCH]))).scalars())
    for school in sorted(s for s in schools if s):
        why = management_refusal(conn, me, school, f"apply {m.name} to the teachers of {school}")
        if why:
            raise RefusedAction(f"migrate {m.name} --apply: {why}")


def _run(conn, m: Migration, *, as_of: dt.date | None, apply: bool, actor_id: str | None) -> Result:
    as_of = as_of or dt.date.today()
    units = [r.id for r in conn.execute(sa.select(orgs.c.id).where(orgs.c.region == m.region))]
    rows = []
    for i in range(0, len(units), BATCH):
        rows += list(conn.execute(sa.select(teachers.c.id, teachers.c.school_id, teachers.c.data)
                                  .where(teachers.c.school_id.in_(units[i:i + BATCH]))))
    rows.sort(key=lambda r: r.id)
    rt = registry.region_runtime(conn, m.region)
    before = _recorded(conn, m.name)
    decided: list[Decided] = []
    for i in range(0, len(rows), BATCH):
        batch = rows[i:i + BATCH]
        cases = registry.cases(conn, [r.id for r in batch], as_of)
        from xuefen.evaluate import evaluate_many
        for row, case, ev in zip(batch, cases, evaluate_many(cases)):
            found = tuple(m.decide(teacher=case.teacher, evaluation=ev, settings=rt.settings) or ())
            if not found:
                continue
            after = [audit.jsonable(t.as_json()) for t in found]
            decided.append(Decided(row.id, row.school_id, found, before.get(row.id),
                                   changed=before.get(row.id) != {"decisions": after}))
    recorded = 0
    if apply:
        for d in decided:
            if not d.changed:
                continue
            after = {"decisions": [audit.jsonable(t.as_json()) for t in d.decisions]}
            audit.record(conn, actor_id, f"migrate:{m.name}", "teacher", d.teacher, d.recorded, after)
            recorded += 1
            if m.field:
                row = conn.execute(sa.select(teachers.c.data).where(teachers.c.id == d.teacher)).first()
                data = dict(row.data or {})
                if data.get(m.field) != d.decisions[0].decision:
                    data[m.field] = d.decisions[0].decision
                    audit.update(conn, actor_id, teachers, {"id": d.teacher}, {"data": data},
                                 action=f"migrate:{m.name}:{m.field}")
    return Result(m, as_of, apply, len(rows), tuple(decided), recorded)
