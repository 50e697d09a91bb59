"""Electronic signatures on approval stages: the claim's data signed with the approver's key, verified later.

A region marks a stage ``signed`` (:class:`xuefen.model.Stage`; Lincang's
第十五条: the project leader and the authority head "电子签名确认"). Approving
such a stage needs the approver's private key: the approval signs a canonical
serialisation of the claim (:func:`payload`: teacher id, activity, hours,
grade, rate, credits, and the activity's recorded fields) and the signature is
kept in the ``signatures`` table, beside the approval in the audit log.

Every action is signed (:mod:`xuefen.audit`, :mod:`xuefen.keys`); on a signed
stage the same key also signs the claim's data, so the record shows it. Anyone
can check a signature afterwards with the signer's public key from the key
registry (``keys``; a replaced key stays there, so older signatures still verify).
:func:`verify_all` re-serialises every signed claim from what the database
holds *now* (the activity row; the posted ledger lines once the claim is
approved) and names every claim whose data changed after it was signed, every
signature that does not match its signed data, and every signed stage that was
passed without a signature on record.

Private keys never enter the database (:mod:`xuefen.keys`). Signatures are
base64 in the table.
"""
from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
from decimal import Decimal
from typing import Iterable

import attrs
import sqlalchemy as sa
from cryptography.exceptions import InvalidSignature

from xuefen import audit, keys, registry
from xuefen.claims.flow import REVOKED, Flow
from xuefen.evaluate import convert_all
from xuefen.store import repo
from xuefen.errors import InputError, NotFound, RefusedAction
from xuefen.model import Stage, dec_str
from xuefen.store.schema import actors, claims, entries, signatures, teachers, utcnow

#: the claim's fields a signature covers, first the ones 第十五条 names, then the full record
SIGNED_FIELDS = ("teacher", "activity", "hours", "grade", "rate", "credits", "record")
#: payload version, so a later change of the serialisation can still read old signatures
FORMAT = 1

# the key files and the key registry are xuefen.keys'; these names stay for callers of earlier versions
Signer = keys.Signer
fingerprint = keys.fingerprint
load_public = keys.load_public


def _keys_of(conn, actor_id: str) -> dict[str, str]:
    """fingerprint → public PEM of every key the actor has had (the ``keys`` registry)."""
    return {k.fingerprint: k.public_key for k in keys.keys_of(conn, actor_id)}


# -- what is signed ------------------------------------------------------------------------------


def canonical(payload: dict) -> bytes:
    return audit.canonical(payload).encode()


def _sum(values) -> str | None:
    values = [v for v in values if v is not None]
    return dec_str(sum(values, Decimal(0))) if values else None


def _converted(conn, claim, act, as_of: dt.date) -> tuple[str | None, str | None]:
    """Hours and credits the region's conversion gives the activity on its own, as of ``as_of``.

    What a signer confirms is the record in front of them (第十五条: hours, grade,
    rate, credits of this training), so the teacher's other activities are left
    out; a region whose conversion of one activity depended on the others would
    need them here.
    """
    got = claims_data(conn, [claim], as_of, activities={(claim.teacher_id, claim.activity_id): act})[claim.id]
    if isinstance(got, Exception):
        raise got
    return got["hours"], got["credits"]


def claim_data(conn, claim, as_of: dt.date) -> dict:
    """The signed fields of an activity claim as the database holds them now.

    Hours and credits are those posted to the ledger once the claim is
    approved (its original lines: a revocation's reversals leave them as
    signed), and before that what the region's conversion gives as of ``as_of``.
    """
    got = claims_data(conn, [claim], as_of)[claim.id]
    if isinstance(got, Exception):
        raise got
    return got


def claims_data(conn, claim_rows, as_of: dt.date, *, activities: dict | None = None,
                runtimes: dict | None = None) -> dict:
    """:func:`claim_data` of many activity claims at once (each activity, posted line, teacher and region
    runtime read once, not per claim): claim id → its signed fields, or the error reading them gave
    (:class:`~xuefen.errors.NotFound`, …) — each claim's own, as :func:`claim_data` of that claim alone
    would raise it; the caller raises it where that claim's data is used.

    :param activities: (teacher, activity) → :class:`~xuefen.model.Activity` already read (the rest are read).
    :param runtimes: region → runtime already built (filled in).
    """
    from xuefen.store.schema import activities as activities_t

    rows = list(claim_rows)
    acts = dict(activities or {})
    runtimes = {} if runtimes is None else runtimes
    want = sorted({(r.teacher_id, r.activity_id) for r in rows} - set(acts))
    for chunk in repo.chunks(want, 500):
        q = sa.select(activities_t).where(repo.keys_in((activities_t.c.teacher_id, activities_t.c.id), chunk))
        for r in conn.execute(q):
            acts[(r.teacher_id, r.id)] = repo.activity_from_row(r)
    posted: dict[str, list] = {}
    for chunk in repo.chunks(sorted({r.id for r in rows}), 500):
        for e in conn.execute(sa.select(entries.c.claim_id, entries.c.hours, entries.c.credits)
                              .where(entries.c.claim_id.in_(chunk), entries.c.reverses.is_(None))):
            posted.setdefault(e.claim_id, []).append(e)
    unposted = [r for r in rows if r.id not in posted]
    trows = {}
    for chunk in repo.chunks(sorted({r.teacher_id for r in unposted}), 500):
        for t in conn.execute(sa.select(teachers).where(teachers.c.id.in_(chunk))):
            trows[t.id] = t
    cycles: dict = {}
    out: dict = {}
    for claim in rows:
        try:
            act = acts.get((claim.teacher_id, claim.activity_id))
            if act is None:
                raise NotFound(f"activity {claim.activity_id!r} of teacher {claim.teacher_id!r} not found")
            if claim.id in posted:
                lines = posted[claim.id]
                hours, credits = _sum(r.hours for r in lines), _sum(r.credits for r in lines)
            else:  # what the region's conversion gives the activity on its own (see _converted)
                if claim.region not in runtimes:
                    runtimes[claim.region] = registry.region_runtime(conn, claim.region)
                rt = runtimes[claim.region]
                if claim.teacher_id not in trows:
                    raise NotFound(f"teacher {claim.teacher_id!r} not found")
                if (claim.region, claim.teacher_id) not in cycles:
                    teacher = repo.teacher_from_row(trows[claim.teacher_id])
                    cycles[(claim.region, claim.teacher_id)] = (teacher, rt.hook.xuefen_cycle(
                        teacher=teacher, as_of=as_of, region=rt.region, settings=rt.settings))
                teacher, cycle = cycles[(claim.region, claim.teacher_id)]
                history = convert_all(rt, teacher, [act], as_of=as_of, cycle=cycle)
                found = [e for e in history.entries if e.activity == act.id]
                hours, credits = _sum(e.hours for e in found), _sum(e.credits for e in found)
            grade = dec_str(act.score) if act.score is not None else act.assessment
            record = {"kind": act.kind, "date": act.date.isoformat(), **repo.activity_data(act)}
            record.pop("id", None)
            out[claim.id] = {"teacher": claim.teacher_id, "activity": claim.activity_id, "hours": hours,
                             "grade": grade, "rate": dec_str(act.rate), "credits": credits,
                             "record": audit.jsonable(record)}
        except Exception as exc:  # noqa: BLE001  (the claim's own error, raised where its data is used)
            out[claim.id] = exc
    return out


def payload(conn, claim, stage: str, signer: str, key: str, as_of: dt.date, data: dict | None = None) -> dict:
    """What a signature covers: the claim, the stage, who signs with which key, and the claim's data."""
    return {"format": FORMAT, "claim": claim.id, "stage": stage, "signer": signer, "key": key,
            "as_of": as_of.isoformat(), **(data if data is not None else claim_data(conn, claim, as_of))}


def sign_stage(conn, claim, stage: Stage, actor, signer: Signer | None, as_of: dt.date) -> str:
    """Sign ``claim`` at ``stage`` as ``actor`` (inside the approval's transaction); returns the signature id.

    :raises RefusedAction: no key given, the actor has no registered key, or the key is not theirs.
    """
    why = key_refusal(conn, stage, actor, signer)
    if why:
        raise RefusedAction(f"claim {claim.id}: {why}")
    return sign_many(conn, [(claim, stage, claim_data(conn, claim, as_of))], actor, signer, as_of)[0]


def key_refusal(conn, stage: Stage, actor, signer: Signer | None) -> str | None:
    """Why :func:`sign_stage` would refuse any claim at ``stage`` (the message after ``claim ID: ``), or None."""
    cite = f"{stage.rule}, {stage.article}"
    if signer is None:
        return (f"stage {stage.name} is approved by electronic signature ({cite}): "
                f"give the signer's private key (--key FILE)")
    if signer.fingerprint not in _keys_of(conn, actor.id):
        return f"the key in {signer.path or 'the given file'} is not {actor.id}'s registered key ({cite})"
    return None


def sign_many(conn, items, actor, signer: Signer, as_of: dt.date) -> list[str]:
    """:func:`sign_stage` for each ``(claim, stage, data)`` of a batch (``data``: the claim's
    :func:`claims_data`): one signature row per claim and stage, each over that claim's own payload, exactly
    as :func:`sign_stage` writes it, recorded by one :func:`xuefen.audit.insert` (batch records). The caller
    checked the key (:func:`key_refusal`). Returns the signature ids."""
    items = list(items)
    if not items:
        return []
    fp = signer.fingerprint
    public = load_public(_keys_of(conn, actor.id)[fp])
    now = utcnow()
    rows, out = [], []
    for claim, stage, data in items:
        body = canonical(payload(conn, claim, stage.name, actor.id, fp, as_of, data))
        sig = signer.sign(body)
        public.verify(sig, body)
        sid = repo.derived_id(f"{claim.id}:{stage.name}:{claim.version}")
        rows.append({"id": sid, "claim_id": claim.id, "stage": stage.name, "actor_id": actor.id,
                     "payload": body.decode(), "signature": base64.b64encode(sig).decode(), "signed_at": now})
        out.append(sid)
    audit.insert(conn, actor.id, signatures, rows, action="sign")
    return out


# -- verification ----------------------------------------------------------------------------------


@attrs.frozen
class Problem:
    """A signed claim that does not verify."""

    claim: str
    stage: str
    signer: str | None
    problem: str  #: ``changed``, ``bad_signature``, ``unknown_key``, ``unsigned`` or ``malformed``
    detail: str
    fields: tuple[str, ...] = ()  #: the signed fields whose value changed

    def as_json(self) -> dict:
        return {"claim": self.claim, "stage": self.stage, "signer": self.signer, "problem": self.problem,
                "detail": self.detail, "fields": list(self.fields)}

    def __str__(self) -> str:
        who = f" signed by {self.signer}" if self.signer else ""
        return f"claim {self.claim}, stage {self.stage}{who}: {self.detail}"


@attrs.frozen
class Verification:
    signatures: int  #: signatures checked (the latest of each claim and stage)
    claims: int  #: claims with a signed stage passed
    problems: tuple[Problem, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.problems

    def as_json(self) -> dict:
        return {"ok": self.ok, "signatures": self.signatures, "claims": self.claims,
                "problems": [p.as_json() for p in self.problems]}


def _show(value) -> str:
    return audit.canonical(value)


def _changes(signed: dict, now: dict) -> tuple[tuple[str, ...], str]:
    fields, parts = [], []
    for name in SIGNED_FIELDS:
        a, b = signed.get(name), now.get(name)
        if a == b:
            continue
        fields.append(name)
        if isinstance(a, dict) and isinstance(b, dict):
            for k in sorted(set(a) | set(b)):
                if a.get(k) != b.get(k):
                    parts.append(f"{name}.{k}: {_show(a.get(k))} → {_show(b.get(k))}")
        else:
            parts.append(f"{name}: {_show(a)} → {_show(b)}")
    return tuple(fields), "; ".join(parts)


def _check(conn, row, claim, actor, cache: dict) -> Problem | None:
    """One signature row against its signer's key and the claim's data now."""
    try:
        body = json.loads(row.payload)
        sig = base64.b64decode(row.signature, validate=True)
    except (ValueError, binascii.Error) as exc:
        return Problem(row.claim_id, row.stage, row.actor_id, "malformed", f"the signature record is unreadable: {exc}")
    if not isinstance(body, dict) or (body.get("claim"), body.get("stage"), body.get("signer")) != (
            row.claim_id, row.stage, row.actor_id):
        return Problem(row.claim_id, row.stage, row.actor_id, "malformed",
                       "the signed data names another claim, stage or signer than its record")
    if actor is not None and ("keys", actor.id) not in cache:  # each signer's keys read once per verification
        cache[("keys", actor.id)] = _keys_of(conn, actor.id)
    pem = cache[("keys", actor.id)].get(body.get("key")) if actor is not None else None
    if pem is None:
        return Problem(row.claim_id, row.stage, row.actor_id, "unknown_key",
                       f"the signer's public key {str(body.get('key'))[:16]} is not on record")
    try:
        if ("pem", pem) not in cache:
            cache[("pem", pem)] = load_public(pem)
        cache[("pem", pem)].verify(sig, row.payload.encode())
    except InvalidSignature:
        return Problem(row.claim_id, row.stage, row.actor_id, "bad_signature",
                       "the signature does not match the signed data (the signature record was altered)")
    if claim is None:
        return Problem(row.claim_id, row.stage, row.actor_id, "changed", "the claim no longer exists")
    try:
        as_of = dt.date.fromisoformat(body["as_of"])
        if (claim.id, as_of) not in cache:  # the claim's data once, whoever signed it
            cache[(claim.id, as_of)] = claims_data(conn, [claim], as_of)[claim.id]
        data = cache[(claim.id, as_of)]
        if isinstance(data, Exception):
            raise data
        now = payload(conn, claim, row.stage, row.actor_id, body["key"], as_of, data)
    except (NotFound, InputError, KeyError, TypeError, ValueError) as exc:
        return Problem(row.claim_id, row.stage, row.actor_id, "changed", f"the claim's data cannot be read: {exc}")
    fields, detail = _changes(body, now)
    if fields:
        return Problem(row.claim_id, row.stage, row.actor_id, "changed", "changed after signing: " + detail, fields)
    return None


def _latest(rows: Iterable) -> dict:
    """The newest signature of each (claim, stage): a returned and resubmitted claim is signed again."""
    out: dict = {}
    for r in rows:
        out[(r.claim_id, r.stage)] = r  # rows come ordered by signed_at
    return out


def _passed_signed_stages(claim) -> list[str]:
    """The signed stages a claim has been approved through (by its state)."""
    flow = Flow.of(claim.stages, claim.purpose)
    here = flow.index(flow.final if claim.state == REVOKED else claim.state)
    if here < 0:  # returned or rejected: how far it got is not known from the state
        return []
    return [s.name for i, s in enumerate(flow.stages) if s.signed and i < here]


def verify_claims(conn, claim_ids: Iterable[str] | None = None) -> Verification:
    """Check the latest signature of every signed stage (of ``claim_ids``, or of every claim)."""
    q = sa.select(signatures).order_by(signatures.c.signed_at, signatures.c.id)
    cq = sa.select(claims)
    ids = None if claim_ids is None else list(claim_ids)
    if ids is not None:
        q = q.where(signatures.c.claim_id.in_(ids))
        cq = cq.where(claims.c.id.in_(ids))
    latest = _latest(conn.execute(q))
    claim_rows = {r.id: r for r in conn.execute(cq)}
    for key, row in list(latest.items()):  # an amended record (xuefen amend) is signed again from its first stage
        amended = ((claim_rows[key[0]].data or {}).get("amended_at") if key[0] in claim_rows else None)
        if amended and _aware(row.signed_at) < dt.datetime.fromisoformat(amended):
            del latest[key]
    actor_rows = {r.id: r for r in conn.execute(sa.select(actors).where(
        actors.c.id.in_(sorted({r.actor_id for r in latest.values()}))))} if latest else {}
    problems: list[Problem] = []
    signed_claims = set()
    cache: dict = {}
    by_day: dict = {}  # the signed claims' data read in bulk, per day signed for (what _check compares)
    for (cid, _stage), row in latest.items():
        try:
            day = dt.date.fromisoformat(json.loads(row.payload)["as_of"])
        except (ValueError, KeyError, TypeError):  # _check names what is wrong with it
            continue
        if cid in claim_rows:
            by_day.setdefault(day, {})[cid] = claim_rows[cid]
    for day, group in by_day.items():
        for cid, data in claims_data(conn, group.values(), day).items():
            cache[(cid, day)] = data
    for (cid, stage), row in sorted(latest.items()):
        signed_claims.add(cid)
        p = _check(conn, row, claim_rows.get(cid), actor_rows.get(row.actor_id), cache)
        if p is not None:
            problems.append(p)
    for cid, claim in sorted(claim_rows.items()):
        if not any(s.get("signed") for s in claim.stages or ()):
            continue
        for stage in _passed_signed_stages(claim):
            signed_claims.add(cid)
            if (cid, stage) not in latest:
                st = next(s for s in claim.stages if s["name"] == stage)
                problems.append(Problem(cid, stage, None, "unsigned",
                                        f"approved at a signed stage without a signature on record "
                                        f"({st.get('rule')}, {st.get('article')})"))
    return Verification(signatures=len(latest), claims=len(signed_claims), problems=tuple(problems))


def _aware(t: dt.datetime) -> dt.datetime:
    return t if t.tzinfo else t.replace(tzinfo=dt.timezone.utc)


def verify_all(conn) -> Verification:
    return verify_claims(conn, None)


def on_approve(conn, claim, flow, stage: Stage, actor, signer: Signer | None, as_of: dt.date,
               final: bool) -> str | None:
    """The workflow's call on every approval: sign a signed stage; before the final approval of a claim
    that was signed, refuse when its data changed after signing. Returns the signature id, if any."""
    sid = None
    if stage.signed and claim.purpose == "activity":
        sid = sign_stage(conn, claim, stage, actor, signer, as_of)
    if final and claim.purpose == "activity" and any(s.signed for s in flow.stages):
        v = verify_claims(conn, [claim.id])
        if not v.ok:
            p = v.problems[0]
            raise RefusedAction(f"claim {claim.id}: not recognised: {p} ({stage.rule}, {stage.article})")
    return sid
