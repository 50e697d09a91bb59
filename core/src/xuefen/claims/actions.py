"""Actions on claims: submit, approve, return, reject, revoke, resubmit — each in the caller's transaction.

Each function checks the actor (:mod:`xuefen.claims.authority`) and the flow
(:mod:`xuefen.claims.flow`), then writes the change, the ledger entries and the
audit record in one transaction, with optimistic concurrency on the claim's
``version``. Final approval posts the entries; a cycle review's final approval
writes the region's certificate (:mod:`xuefen.claims.certificates`); a signed
stage signs (:mod:`xuefen.claims.signatures`).
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Iterable

import attrs
import sqlalchemy as sa

from xuefen import audit, ledger, registry
from xuefen.claims import certificates as certs
from xuefen.claims import signatures
from xuefen.claims.authority import actor_row, is_own, refusal_for
from xuefen.claims.flow import ACTIONS, APPROVED, FINAL, REJECTED, RETURNED, REVOKED, WITHDRAWN, Flow, stage_to_json
from xuefen.errors import Conflict, NotFound, RefusedAction
from xuefen.evaluate import Converting, convert_alone
from xuefen.model import Entry, Refusal, Stage, Warning
from xuefen.regions import RegionRuntime
from xuefen.store import repo
from xuefen.store.schema import activities, activity_project_id, certificates, claims, integrity, teachers, utcnow


@attrs.frozen
class Outcome:
    """What one action did."""

    claim: str
    action: str
    actor: str
    before: str
    after: str
    version: int  #: the claim's version after the action
    entries: tuple[Entry, ...] = ()  #: entries posted (final approval) or reversals posted (revoke)
    refused: tuple[Refusal, ...] = ()
    warnings: tuple[Warning, ...] = ()
    certificate: str | None = None  #: id of the certificate row a cycle certification wrote

    def as_json(self) -> dict:
        d = {"claim": self.claim, "action": self.action, "actor": self.actor, "before": self.before,
             "after": self.after, "version": self.version,
             "entries": [e.as_json() for e in self.entries], "refused": [r.as_json() for r in self.refused],
             "warnings": [w.as_json() for w in self.warnings]}
        if self.certificate:
            d["certificate"] = self.certificate
        return d


def claim_row(conn, claim_id: str, *, lock: bool = False):
    """The claim's row; ``lock`` holds it (``FOR UPDATE`` on PostgreSQL) until the transaction ends.

    An action locks the claim before anything else: two processes acting on one
    claim then queue on its row, and the second sees the first's new version
    (a :class:`Conflict`) instead of both posting entries and deadlocking on the
    audit log. SQLite needs no lock: every transaction is ``BEGIN IMMEDIATE``.
    """
    q = sa.select(claims).where(claims.c.id == claim_id)
    if lock and conn.dialect.name == "postgresql":
        q = q.with_for_update()
    row = conn.execute(q).first()
    if row is None:
        raise NotFound(f"claim {claim_id!r} not found")
    return row


def flow_of(row) -> Flow:
    return Flow.of(row.stages, row.purpose)


def _school_of(conn, teacher_id: str) -> str | None:
    return conn.execute(sa.select(teachers.c.school_id).where(teachers.c.id == teacher_id)).scalar_one_or_none()


def _conflict(claim_id: str, detail: str = "") -> Conflict:
    return Conflict(f"claim {claim_id} was changed by someone else{detail}; look at it again and retry")


def _move(conn, actor_id: str, claim, action: str, new_state: str, reason: str | None,
          data: Any = None) -> int:
    """Move the claim (optimistic on its version) and record before/after; returns the new version."""
    values = {"state": new_state, "version": claim.version + 1, "updated_at": utcnow(), "reason": reason}
    if data is not None:
        values["data"] = data
    new = audit.update(conn, actor_id, claims, {"id": claim.id}, values, expect={"version": claim.version},
                       action=action)
    if new is None:
        raise _conflict(claim.id)
    return new["version"]


def _need_reason(action: str, reason: str | None) -> str:
    if reason is None or not reason.strip():
        raise RefusedAction(f"{action}: a reason is required")
    return reason.strip()


# -- the cohort limit (a stage that records assessments) ---------------------------------------


def cohort_query(conn, project_id: str):
    """The activity claims of a project's cohort (rejected, revoked and withdrawn ones aside), every region's: found by the
    project index (migration 0003) — the caller keeps its region's (a region condition in SQL makes SQLite
    scan the region's claims instead)."""
    return (sa.select(claims.c.id, claims.c.region, claims.c.state, claims.c.stages, claims.c.purpose,
                      activities.c.data)
            .join(activities, sa.and_(activities.c.teacher_id == claims.c.teacher_id,
                                      activities.c.id == claims.c.activity_id))
            .where(claims.c.purpose == "activity", claims.c.state.not_in((REJECTED, REVOKED, WITHDRAWN)),
                   activity_project_id(conn.dialect.name) == project_id))


def cohort_check(conn, claim, act, stage: Stage, rt: RegionRuntime) -> None:
    """Refuse grading ``act`` excellent when the cohort's share of excellent would pass the region's limit.

    The cohort is every activity claim of the region whose activity shares
    ``project_id`` (rejected and revoked ones aside); excellent are those
    already approved past ``stage`` plus this one.
    """
    limit = rt.hook.xuefen_cohort_limit(activity=act, settings=rt.settings)
    if limit is None or act.project_id is None or act.assessment != limit.assessment:
        return
    size = excellent = 0
    for row in conn.execute(cohort_query(conn, act.project_id)):
        if row.region != claim.region:
            continue
        size += 1
        if row.id == claim.id or (row.data or {}).get("assessment") != limit.assessment:
            continue
        f = Flow.of(row.stages, row.purpose)
        if f.index(row.state) > f.index(stage.name) >= 0 or row.state == f.final:
            excellent += 1
    excellent += 1  # this one
    if Decimal(excellent) > limit.share * size:
        raise RefusedAction(
            f"claim {claim.id}: {excellent} of {size} trainees of project {act.project_id} graded "
            f"{limit.assessment} would exceed {limit.share * 100:.0f}% of the cohort ({limit.rule}, {limit.article})")


# -- the actions -----------------------------------------------------------------------------


def _activity_entries(conn, claim, rt: RegionRuntime, as_of: dt.date):
    """Convert the claim's activity with the teacher's already-approved ones, as ``evaluate`` does: its
    entries, refusals and warnings. A conversion that reads none of the teacher's history is done alone
    (:func:`xuefen.evaluate.convert_alone`), without reading the approved activities."""
    teacher, _ = repo.teacher(conn, claim.teacher_id)
    act = repo.activity(conn, claim.teacher_id, claim.activity_id)
    cycle = rt.hook.xuefen_cycle(teacher=teacher, as_of=as_of, region=rt.region, settings=rt.settings)
    alone = convert_alone(rt, teacher, act, as_of=as_of, cycle=cycle)
    if alone is not None:
        return alone
    prior = [a for a in repo.approved_activities(conn, [claim.teacher_id])[claim.teacher_id] if a.id != act.id]
    return Converting(rt, teacher, prior + [act], as_of=as_of, cycle=cycle).own(act.id)


def _certify_cycle(conn, actor_id: str, claim, rt: RegionRuntime, stage: Stage, as_of: dt.date) -> str:
    ev = registry.evaluate_teacher(conn, claim.teacher_id, as_of)
    if ev.cycle is None:
        raise RefusedAction(f"claim {claim.id}: teacher {claim.teacher_id} has no cycle under {claim.region}'s rules")
    if not ev.cycle_met:
        short = "; ".join(f"{r.rule} ({r.requirement.article}): {r.counted} of {r.threshold} {r.requirement.unit}"
                          for r in ev.cycle_results if not r.met and r.requirement.severity == "requirement")
        raise RefusedAction(f"claim {claim.id}: the cycle {ev.cycle.start} – {ev.cycle.end} is not met: {short}")
    stage_names = [s.name for s in Flow.of(claim.stages, "cycle").stages]
    try:
        d = certs.decide(conn, claim.teacher_id, on=as_of)
    except RefusedAction:
        d = None  # the region issues no certificate: the cycle's certification is recorded all the same
    if d is not None:
        # the region's certificate rule decides (a veto or a missing assessment can stop a met cycle)
        if d.issued is not None:
            raise RefusedAction(f"claim {claim.id}: certificate {d.issued.serial} was already issued on "
                                f"{d.issued.issued_on} for this cycle ({d.spec.rule}, {d.spec.article})")
        if not d.spec.eligible:
            raise RefusedAction(f"claim {claim.id}: no certificate: {d.spec.reason} ({d.spec.rule}, {d.spec.article})")
        return certs.write(conn, d, actor_id, action="certify", data={"claim": claim.id, "stages": stage_names}).id
    cert = ev.certificate
    cid = repo.derived_id(f"{claim.teacher_id}:cycle:{ev.cycle.start.isoformat()}")
    row = {"id": cid, "serial": repo.derived_id(f"{claim.region}-{cid}"), "teacher_id": claim.teacher_id,
           "region": claim.region,
           "kind": "cycle", "title": cert.title if cert else None, "issuer": cert.issuer if cert else None,
           "cycle_start": ev.cycle.start, "cycle_end": ev.cycle.end, "issued_on": as_of,
           "valid_until": cert.valid_until if cert else None, "rule": cert.rule if cert else stage.rule,
           "article": cert.article if cert else stage.article,
           "data": {"claim": claim.id, "stages": [s.name for s in Flow.of(claim.stages, "cycle").stages]}}
    audit.insert(conn, actor_id, certificates, [row], action="certify")
    certs.start_next_cycle(conn, actor_id, claim.teacher_id, ev.cycle)
    return cid


def _post(conn, actor_id: str, claim, found: tuple[Entry, ...]) -> tuple[Entry, ...]:
    posted = ledger.post(conn, claim.id, claim.teacher_id, found, actor_id=actor_id)
    return tuple(attrs.evolve(p.entry) for p in posted)


def _reverse(conn, actor_id: str, claim, reason: str) -> tuple[Entry, ...]:
    return tuple(p.entry for p in ledger.reverse(conn, claim.id, actor_id=actor_id, reason=reason))


def act(conn, claim_id: str, action: str, signer, *, reason: str | None = None,
        version: int | None = None, as_of: dt.date | None = None, falsified: bool = False) -> Outcome:
    """Take ``action`` on a claim as the actor of ``signer`` inside the caller's transaction (``conn``),
    as one signed action (:class:`xuefen.audit.acting`; it joins one already open for the same actor).

    :param signer: the acting actor's :class:`xuefen.keys.Signer`: no key, no action. On a stage the
        region marks ``signed`` (Lincang's 第十五条) the same key also signs the claim's data
        (:mod:`xuefen.claims.signatures`), shown on the record.
    :param action: ``approve``, ``return``, ``reject``, ``revoke`` or ``resubmit``.
    :param version: the claim version the actor looked at; another one means someone
        else changed it first (:class:`Conflict`).
    :param as_of: the day of the action (default today): conversions and cycle checks run as of it.
    :raises RefusedAction: no valid key, or the actor may not take this action on this claim now.
    :raises Conflict: the claim changed since ``version`` was read.
    """
    if action not in ACTIONS:
        raise RefusedAction(f"unknown action {action!r} (one of {', '.join(ACTIONS)})")
    ctx = audit.acting(conn, signer, action, {"claim": claim_id})
    with ctx as signed:
        out = _act(conn, claim_id, action, signer, reason=reason, version=version, as_of=as_of,
                   falsified=falsified)
        if not ctx.joined:
            signed.subject.update({"version": out.version - 1, "before": out.before, "after": out.after})
        return out


def _act(conn, claim_id: str, action: str, signer, *, reason, version, as_of, falsified) -> Outcome:
    actor_id = signer.actor_id
    as_of = as_of or dt.date.today()
    claim = claim_row(conn, claim_id, lock=True)
    if version is not None and claim.version != version:
        raise _conflict(claim.id, f" (it is at version {claim.version}, not {version})")
    actor = actor_row(conn, actor_id)
    flow = flow_of(claim)
    new_state = flow.next_state(claim.state, action)
    chain = repo.ancestors(conn, _school_of(conn, claim.teacher_id))
    entries: tuple = ()
    refused: tuple = ()
    warnings: tuple = ()
    certificate = None
    data = None
    if action == "resubmit":
        if not actor.active:
            raise RefusedAction(f"actor {actor.id} is inactive")
        if not is_own(actor, claim.teacher_id):
            why = refusal_for(actor, claim.teacher_id, flow.stages[0], chain)
            if why:
                raise RefusedAction(f"claim {claim.id}: only the teacher or a reviewer of its first stage may "
                                    f"resubmit it ({why})")
    else:
        stage = flow.stage(claim.state) if action != "revoke" else flow.stages[-1]
        why = refusal_for(actor, claim.teacher_id, stage, chain)
        if why:
            raise RefusedAction(f"claim {claim.id}: {why}")
    if action in ("return", "reject", "revoke"):
        reason = _need_reason(action, reason)
    if action == "approve":
        stage = flow.stage(claim.state)
        rt = registry.region_runtime(conn, claim.region)
        if stage.records_assessment and claim.purpose == "activity":
            cohort_check(conn, claim, repo.activity(conn, claim.teacher_id, claim.activity_id), stage, rt)
        if stage.signed or any(s.signed for s in flow.stages):
            signatures.on_approve(conn, claim, flow, stage, actor, signer, as_of, new_state == flow.final)
        if new_state == flow.final:
            if claim.purpose == "activity":
                found, refused, warnings = _activity_entries(conn, claim, rt, as_of)
                entries = _post(conn, actor.id, claim, found)
            else:
                certificate = _certify_cycle(conn, actor.id, claim, rt, stage, as_of)
    if action == "revoke":
        if claim.purpose == "activity":
            entries = _reverse(conn, actor.id, claim, reason)
        if falsified:
            stage = flow.stages[-1]
            rule, article = registry.region_runtime(conn, claim.region).region.integrity_rule or (stage.rule,
                                                                                              stage.article)
            audit.insert(conn, actor.id, integrity, [{
                "id": repo.derived_id(f"{claim.id}:falsified"), "teacher_id": claim.teacher_id,
                "claim_id": claim.id,
                "rule": rule, "article": article, "reason": reason, "recorded_at": utcnow()}],
                action="falsified")
            reason = f"falsified: {reason}"
    new_version = _move(conn, actor.id, claim, action, new_state, reason, data)
    return Outcome(claim=claim.id, action=action, actor=actor.id, before=claim.state, after=new_state,
                   version=new_version, entries=entries, refused=refused, warnings=warnings,
                   certificate=certificate)


def run(engine, claim_id: str, action: str, signer, **kw) -> Outcome:
    """:func:`act` in its own transaction: the state change, entries, audit records and signature commit together."""
    with engine.begin() as conn:
        return act(conn, claim_id, action, signer, **kw)


def approve(engine, claim_id: str, signer, **kw) -> Outcome:
    return run(engine, claim_id, "approve", signer, **kw)


def return_(engine, claim_id: str, signer, reason: str, **kw) -> Outcome:
    return run(engine, claim_id, "return", signer, reason=reason, **kw)


def reject(engine, claim_id: str, signer, reason: str, **kw) -> Outcome:
    return run(engine, claim_id, "reject", signer, reason=reason, **kw)


def revoke(engine, claim_id: str, signer, reason: str, **kw) -> Outcome:
    return run(engine, claim_id, "revoke", signer, reason=reason, **kw)


def approve_many(engine, claim_ids: Iterable[str], signer, *, on_each=None, **kw) -> list[Outcome | Exception]:
    """Approve the claims as **one** signed action in one transaction; a refusal or conflict stops only
    its claim (a savepoint each), and the one signature covers every claim approved.

    This is the claim-by-claim path (every statement of :func:`act` per claim); the CLI and
    ``xuefen.claims.approve_many`` use the set-based :func:`xuefen.claims.bulk.approve_many`, which
    gives the same result and is kept equal to this one by tests/workflow/test_bulk_approval.py.

    :param on_each: called with each claim's outcome (or refusal) as soon as it is decided, inside the
        transaction (what is shown may still be undone if the batch fails before it commits).
    :raises RefusedAction: no valid key (nothing is approved).
    """
    out: list = []
    ids = list(claim_ids)
    with engine.begin() as conn:
        with audit.acting(conn, signer, "approve", {"claims": len(ids)}) as signed:
            for cid in ids:
                mark = (signed.first, signed.last, signed.head)
                try:
                    with conn.begin_nested():
                        out.append(act(conn, cid, "approve", signer, **kw))
                except (RefusedAction, Conflict, NotFound) as exc:
                    signed.first, signed.last, signed.head = mark  # its records were rolled back
                    out.append(exc)
                if on_each is not None:
                    on_each(cid, out[-1])
            done = [o for o in out if isinstance(o, Outcome)]
            signed.subject.update({"approved": len(done), "refused": len(out) - len(done)})
    return out


# -- creating claims and reading queues ------------------------------------------------------


def claim_id_for(teacher_id: str, activity_id: str | None, purpose: str, start: dt.date | None = None) -> str:
    """The claim id of an activity (the importer's), or of a teacher's cycle starting on ``start``."""
    if purpose == "cycle":
        return repo.derived_id(f"cycle:{teacher_id}:{start.isoformat() if start else 'current'}")
    return repo.claim_id_for(teacher_id, activity_id)


def open_claim(conn, signer, teacher_id: str, activity_id: str | None = None, *,
               purpose: str = "activity", as_of: dt.date | None = None) -> str:
    """Submit an activity (or the teacher's cycle, ``purpose="cycle"``) for review: a claim in the first stage,
    as a signed action of ``signer``'s actor (the teacher, or a reviewer of the first stage).

    The stages come from the region's ``xuefen_approval_stages`` and are kept on the
    claim, so a later change of the region's routing leaves running claims as they are.
    """
    with audit.acting(conn, signer, "submit", {"teacher": teacher_id, "activity": activity_id,
                                               "purpose": purpose}):
        return _open_claim(conn, signer.actor_id, teacher_id, activity_id, purpose=purpose, as_of=as_of)


def _open_claim(conn, actor_id: str, teacher_id: str, activity_id: str | None, *, purpose: str,
                as_of: dt.date | None) -> str:
    as_of = as_of or dt.date.today()
    teacher, region = repo.teacher(conn, teacher_id)
    rt = registry.region_runtime(conn, region)
    act_value = repo.activity(conn, teacher_id, activity_id) if purpose == "activity" else None
    stages = rt.hook.xuefen_approval_stages(activity=act_value, teacher=teacher, settings=rt.settings,
                                            purpose=purpose)
    flow = Flow.of(stages, purpose)
    data = None
    start = None
    if purpose == "cycle":
        cycle = rt.hook.xuefen_cycle(teacher=teacher, as_of=as_of, region=rt.region, settings=rt.settings)
        if cycle is None:
            raise RefusedAction(f"teacher {teacher_id} has no cycle under {region}'s rules")
        start = cycle.start
        data = {"cycle_start": cycle.start.isoformat(), "cycle_end": cycle.end.isoformat()}
    cid = claim_id_for(teacher_id, activity_id, purpose, start)
    if conn.execute(sa.select(claims.c.id).where(claims.c.id == cid)).first() is not None:
        raise RefusedAction(f"claim {cid} already exists")
    actor = actor_row(conn, actor_id)
    if not actor.active:
        raise RefusedAction(f"actor {actor.id} is inactive")
    if not is_own(actor, teacher_id):
        why = refusal_for(actor, teacher_id, flow.stages[0], repo.ancestors(conn, teacher.school_id))
        if why:
            raise RefusedAction(f"only the teacher or a reviewer of the first stage may submit: {why}")
    now = utcnow()
    audit.insert(conn, actor.id, claims, [{
        "id": cid, "teacher_id": teacher_id, "activity_id": activity_id, "region": region, "purpose": purpose,
        "stages": [stage_to_json(s) for s in flow.stages], "state": flow.first, "version": 1, "reason": None,
        "data": data, "created_at": now, "updated_at": now}], action="submit")
    return cid
