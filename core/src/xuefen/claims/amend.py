"""Correcting a record before final approval: amend an activity (its claim goes back to the first stage),
or withdraw it. After final approval a record is never changed: revocation posts the reversal.

Both are signed actions (:class:`xuefen.audit.acting`) writing through the audit log, so ``audit verify``
checks them as it checks every claim action: the move is one of the claim's flow (``amend``: from a
stage or ``returned`` to the first stage; ``withdraw``: to ``withdrawn``,
:mod:`xuefen.claims.flow`), by an actor who could correct the record then
(:func:`xuefen.claims.authority.correction_refusal`), and an activity is amended only while its claim
is before final approval.

Who may correct a record: an administrator who manages the teacher's school — the authority that
registers the record (docs/trust.md: an activity is registered only by an actor who manages its unit) —
or the reviewer who holds the claim at its stage now (a returned claim: its first stage). Never the
teacher.
"""
from __future__ import annotations

import attrs
import sqlalchemy as sa

from xuefen import audit, registry
from xuefen.claims.actions import Outcome, _conflict, _move, claim_row, flow_of
from xuefen.claims.authority import actor_row, correction_refusal
from xuefen.claims.flow import ENDED, RETURNED
from xuefen.errors import InputError, NotFound, RefusedAction
from xuefen.io import fields as F
from xuefen.store import repo
from xuefen.store.schema import activities, claims, teachers, utcnow

#: fields an amendment may not set: they name the record (withdraw it and register a new one instead)
FIXED = ("id", "teacher_id")


@attrs.frozen
class Amendment:
    """What an amendment did: the claim's move and each field's value before and after."""

    outcome: Outcome
    changes: tuple[tuple[str, object, object], ...]  #: (field, before, after) as stored JSON; None: absent

    def as_json(self) -> dict:
        return {**self.outcome.as_json(),
                "changes": [{"field": f, "before": b, "after": a} for f, b, a in self.changes]}


def resolve(conn, ref: str, teacher_id: str | None = None):
    """The claim of the activity ``ref``: a claim id (``activity:TEACHER:ACTIVITY``), ``TEACHER/ACTIVITY``,
    or an activity id (with ``teacher_id`` when several teachers have one of that id).

    :raises NotFound: no such activity or claim. :raises InputError: the activity id is ambiguous.
    """
    row = conn.execute(sa.select(claims).where(claims.c.id == ref)).first()
    if row is not None:
        if teacher_id is not None and row.teacher_id != teacher_id:
            raise InputError(f"claim {ref} is teacher {row.teacher_id}'s, not {teacher_id}'s")
        return row
    if teacher_id is None and "/" in ref:
        teacher_id, ref = ref.split("/", 1)
    q = sa.select(claims).where(claims.c.purpose == "activity", claims.c.activity_id == ref)
    if teacher_id is not None:
        q = q.where(claims.c.teacher_id == teacher_id)
    found = list(conn.execute(q.order_by(claims.c.teacher_id)))
    if not found:
        who = f" of teacher {teacher_id}" if teacher_id else ""
        raise NotFound(f"activity {ref!r}{who}: no such activity with a claim (give its claim id, "
                       f"TEACHER/ACTIVITY, or --teacher)")
    if len(found) > 1:
        raise InputError(f"activity {ref!r}: teachers {', '.join(r.teacher_id for r in found)} each have one; "
                         f"name the teacher (--teacher TEACHER, or TEACHER/{ref})")
    return found[0]


def _open(conn, claim_id: str, what: str, version: int | None):
    """The claim locked, checked to be a record before final approval."""
    claim = claim_row(conn, claim_id, lock=True)
    if version is not None and claim.version != version:
        raise _conflict(claim.id, f" (it is at version {claim.version}, not {version})")
    flow = flow_of(claim)
    if claim.purpose != "activity":
        raise RefusedAction(f"claim {claim.id} is a cycle review: there is no activity record to {what}")
    if claim.state == flow.final:
        raise RefusedAction(f"claim {claim.id} is {claim.state}: its entries are posted, and a posted record is "
                            f"never changed; revoke it (xuefen revoke {claim.id} --reason …), which posts the "
                            f"reversal, then register the corrected activity as a new one")
    if claim.state in ENDED:
        raise RefusedAction(f"claim {claim.id} is {claim.state}: nothing to {what} (possible: nothing)")
    return claim, flow


def _check_actor(conn, actor_id: str, claim, flow, what: str) -> None:
    actor = actor_row(conn, actor_id)
    stage = flow.stage(claim.state) if claim.state != RETURNED else flow.stages[0]
    chain = repo.ancestors(conn, conn.execute(sa.select(teachers.c.school_id).where(
        teachers.c.id == claim.teacher_id)).scalar_one_or_none())
    why = correction_refusal(actor, claim.teacher_id, stage, chain)
    if why:
        raise RefusedAction(f"claim {claim.id}: {actor.id} may not {what} it: {why}")


def parse_sets(items) -> dict[str, str]:
    """``--set field=value`` items as a mapping (an empty value removes an optional field).

    :raises InputError: an item without ``=``, a field named twice.
    """
    out: dict[str, str] = {}
    for item in items:
        field, sep, value = item.partition("=")
        field = field.strip()
        if not sep or not field:
            raise InputError(f"--set {item!r}: give FIELD=VALUE (an empty VALUE removes the field)")
        if field in out:
            raise InputError(f"--set {field}: given twice")
        out[field] = value
    if not out:
        raise InputError("amend: give at least one --set FIELD=VALUE")
    return out


def amend(conn, signer, claim_id: str, changes: dict[str, str], *, version: int | None = None,
          reason: str | None = None) -> Amendment:
    """Set the fields ``changes`` (raw text as in a table cell; ``""`` removes an optional field) on the
    activity of claim ``claim_id`` and take the claim back to its first stage, in the caller's
    transaction, as one signed action of ``signer``'s actor.

    :raises InputError: an unknown field, a bad value, a required field removed, nothing changed.
    :raises RefusedAction: no valid key; the claim is approved (revoke it), ended, or a cycle review; the
        actor may not correct it. :raises Conflict: the claim changed since ``version``.
    """
    with audit.acting(conn, signer, "amend", {"claim": claim_id, "set": dict(changes)}) as signed:
        out = _amend(conn, signer.actor_id, claim_id, changes, version=version, reason=reason)
        signed.subject.update({"version": out.outcome.version - 1, "before": out.outcome.before,
                               "after": out.outcome.after})
        return out


def _amend(conn, actor_id, claim_id, changes, *, version, reason) -> Amendment:
    claim, flow = _open(conn, claim_id, "amend", version)
    _check_actor(conn, actor_id, claim, flow, "amend")
    rt = registry.region_runtime(conn, claim.region)
    where = f"amend {claim.id}"
    problems = [f"{where}: {f}: names the record and is never amended (withdraw it and register a new one)"
                for f in changes if f in FIXED]
    known = set(F.ACTIVITY_FIELDS) | set(rt.region.activity_fields)
    problems += [f"{where}: {f}: unknown field (an activity field of docs/formats.md §1, or one region "
                 f"{claim.region} declares)" for f in changes if f not in known and f not in FIXED]
    problems += [f"{where}: {f}: required, it cannot be removed" for f, v in changes.items()
                 if f in F.ACTIVITY_REQUIRED and not v.strip() and f not in FIXED]
    if problems:
        raise InputError(problems)
    row = conn.execute(sa.select(activities).where(activities.c.teacher_id == claim.teacher_id,
                                                   activities.c.id == claim.activity_id)).first()
    if row is None:
        raise NotFound(f"activity {claim.activity_id!r} of teacher {claim.teacher_id!r} not found")
    old = dict(row.data or {})
    merged = {**old, "kind": row.kind, "date": row.date.isoformat(), "id": row.id}
    for f, v in changes.items():
        if v.strip():
            merged[f] = v
        else:
            merged.pop(f, None)
    values, problems = F.parse_record(merged, F.ACTIVITY_FIELDS, F.ACTIVITY_REQUIRED, where,
                                      tuple(rt.region.activity_fields))
    if problems:
        raise InputError(problems)
    amended = F.activity_from(values)
    from xuefen import needs  # what the region's conversion needs, asked now as the importer asks it

    teacher, _ = repo.teacher(conn, claim.teacher_id)
    needed = needs.import_problems(rt, teacher, amended)
    if needed:
        raise InputError([f"{where}: {field}: {why}" for field, why in needed])
    new = repo.activity_as_row(claim.teacher_id, amended)
    diffs = tuple((f, old.get(f), new["data"].get(f)) for f in sorted(set(old) | set(new["data"]))
                  if audit.canonical(old.get(f)) != audit.canonical(new["data"].get(f)))
    if not diffs:
        raise InputError(f"{where}: nothing changes: the record already holds "
                         + ", ".join(f"{f}={v}" for f, v in changes.items()))
    audit.update(conn, actor_id, activities, {"teacher_id": claim.teacher_id, "id": claim.activity_id},
                 {"kind": new["kind"], "date": new["date"], "data": new["data"]}, action="amend")
    summary = "; ".join(f"{f}: {audit.canonical(b)} → {audit.canonical(a)}" for f, b, a in diffs)
    text = f"amended ({summary})" + (f": {reason.strip()}" if reason and reason.strip() else "")
    data = {**(claim.data or {}), "amended_at": utcnow().isoformat()}
    new_state = flow.next_state(claim.state, "amend")
    v = _move(conn, actor_id, claim, "amend", new_state, text, data)
    return Amendment(Outcome(claim=claim.id, action="amend", actor=actor_id, before=claim.state, after=new_state,
                             version=v), diffs)


def withdraw(conn, signer, claim_id: str, *, reason: str | None = None, version: int | None = None) -> Outcome:
    """Withdraw the activity record of claim ``claim_id`` before final approval (its claim ends
    ``withdrawn``; the record stays, counted nowhere), as one signed action of ``signer``'s actor."""
    with audit.acting(conn, signer, "withdraw", {"claim": claim_id}) as signed:
        claim, flow = _open(conn, claim_id, "withdraw", version)
        _check_actor(conn, signer.actor_id, claim, flow, "withdraw")
        text = "withdrawn" + (f": {reason.strip()}" if reason and reason.strip() else "")
        new_state = flow.next_state(claim.state, "withdraw")
        v = _move(conn, signer.actor_id, claim, "withdraw", new_state, text)
        signed.subject.update({"version": claim.version, "before": claim.state, "after": new_state})
        return Outcome(claim=claim.id, action="withdraw", actor=signer.actor_id, before=claim.state,
                       after=new_state, version=v)

