"""Electronic signatures on approval stages: Ed25519 keys per actor, signed claims, later verification.

A region marks a stage ``signed`` (:class:`xuefen.model.Stage`; Lincang's
第十五条: the project leader and the authority head "电子签名确认"). Approving
such a stage needs the approver's private key: the approval signs a canonical
serialisation of the claim (:func:`payload`: teacher id, activity, hours,
grade, rate, credits, and the activity's recorded fields) and the signature is
kept in the ``signatures`` table, beside the approval in the audit log.

Anyone can check a signature afterwards with the signer's public key, which
the database keeps on the actor (``actors.public_key``; a replaced key moves
to ``actors.data["retired_keys"]`` so older signatures stay verifiable).
:func:`verify_all` re-serialises every signed claim from what the database
holds *now* (the activity row; the posted ledger lines once the claim is
approved) and names every claim whose data changed after it was signed, every
signature that does not match its signed data, and every signed stage that was
passed without a signature on record.

Private keys never enter the database: :func:`create_key` writes them to a
file readable by its owner only (mode 0600). Keys are PKCS#8 PEM, public keys
SubjectPublicKeyInfo PEM; signatures are base64 in the table.
"""
from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import json
import os
import re
from decimal import Decimal
from pathlib import Path
from typing import Iterable

import attrs
import sqlalchemy as sa
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from xuefen import audit, registry
from xuefen.claims.flow import REVOKED, Flow
from xuefen.evaluate import convert_all
from xuefen.store import repo
from xuefen.errors import InputError, NotFound, RefusedAction
from xuefen.model import Stage, dec_str
from xuefen.store.schema import actors, claims, entries, signatures, teachers, utcnow

#: environment variable naming the folder of private key files (default :data:`DEFAULT_KEYS_DIR`)
KEYS_DIR_ENV = "XUEFEN_KEYS_DIR"
DEFAULT_KEYS_DIR = Path("~/.xuefen/keys")
#: the claim's fields a signature covers, first the ones 第十五条 names, then the full record
SIGNED_FIELDS = ("teacher", "activity", "hours", "grade", "rate", "credits", "record")
#: payload version, so a later change of the serialisation can still read old signatures
FORMAT = 1


# -- keys -------------------------------------------------------------------------------------------


def keys_dir() -> Path:
    return Path(os.environ.get(KEYS_DIR_ENV) or DEFAULT_KEYS_DIR).expanduser()


def default_key_path(actor_id: str) -> Path:
    """``$XUEFEN_KEYS_DIR/ACTOR.pem`` (``~/.xuefen/keys`` by default), the id made safe for a file name."""
    safe = re.sub(r"[^A-Za-z0-9._-]", "_", actor_id) or "_"
    return keys_dir() / f"{safe}.pem"


def public_pem(key: Ed25519PublicKey) -> str:
    return key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()


def fingerprint(pem: str) -> str:
    """sha256 of the raw public key, hex: how a payload names the key that signed it."""
    key = load_public(pem)
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()


def load_public(pem: str) -> Ed25519PublicKey:
    key = serialization.load_pem_public_key(pem.encode())
    if not isinstance(key, Ed25519PublicKey):
        raise ValueError("not an Ed25519 public key")
    return key


@attrs.frozen
class Signer:
    """A private signing key, loaded from the file :func:`create_key` wrote."""

    key: Ed25519PrivateKey = attrs.field(repr=False)
    path: str | None = None

    @classmethod
    def from_file(cls, path: str | os.PathLike) -> "Signer":
        p = Path(path).expanduser()
        try:
            data = p.read_bytes()
        except OSError as exc:
            raise InputError(f"{p}: cannot read the signing key: {exc.strerror or exc}") from None
        try:
            key = serialization.load_pem_private_key(data, password=None)
        except (ValueError, TypeError) as exc:
            raise InputError(f"{p}: not a usable private key file (PEM, unencrypted): {exc}") from None
        if not isinstance(key, Ed25519PrivateKey):
            raise InputError(f"{p}: not an Ed25519 private key")
        return cls(key, str(p))

    @property
    def public_pem(self) -> str:
        return public_pem(self.key.public_key())

    def sign(self, data: bytes) -> bytes:
        return self.key.sign(data)


@attrs.frozen
class KeyInfo:
    actor: str
    path: str
    fingerprint: str
    replaced: str | None = None  #: fingerprint of the key it replaced

    def as_json(self) -> dict:
        return {"actor": self.actor, "path": self.path, "fingerprint": self.fingerprint, "replaced": self.replaced}


def _actor(conn, actor_id: str):
    row = conn.execute(sa.select(actors).where(actors.c.id == actor_id)).first()
    if row is None:
        raise NotFound(f"actor {actor_id!r} is not registered")
    return row


def create_key(conn, actor_id: str, path: str | os.PathLike | None = None, *, replace: bool = False) -> KeyInfo:
    """Make an Ed25519 key pair for ``actor_id``: the public key into the database (audited), the
    private key into ``path`` (default :func:`default_key_path`), readable by its owner only.

    Runs in the caller's transaction; the file is written last, so a refused
    call leaves no file, and an existing file is never overwritten.
    :raises RefusedAction: the actor has a key already and ``replace`` is false.
    :raises InputError: the file exists or cannot be written.
    """
    actor = _actor(conn, actor_id)
    target = Path(path).expanduser() if path is not None else default_key_path(actor_id)
    old = actor.public_key
    if old and not replace:
        raise RefusedAction(f"actor {actor_id} already has a signing key (fingerprint {fingerprint(old)[:16]}); "
                            f"pass --replace to make a new one (the old one stays on record for what it signed)")
    if target.exists():
        raise InputError(f"{target}: already exists; a private key file is never overwritten (choose another path)")
    key = Ed25519PrivateKey.generate()
    pem = public_pem(key.public_key())
    data = dict(actor.data or {})
    if old:
        data["retired_keys"] = {**dict(data.get("retired_keys") or {}), fingerprint(old): old}
    audit.update(conn, actor_id, actors, {"id": actor_id}, {"public_key": pem, "data": data or None},
                 action="key_replace" if old else "key_create")
    secret = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                               serialization.NoEncryption())
    try:
        target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except OSError as exc:
        raise InputError(f"{target}: cannot write the private key: {exc.strerror or exc}") from None
    try:
        os.fchmod(fd, 0o600)
        os.write(fd, secret)
    finally:
        os.close(fd)
    return KeyInfo(actor_id, str(target), fingerprint(pem), fingerprint(old) if old else None)


def _keys_of(actor) -> dict[str, str]:
    """fingerprint → public PEM of every key the actor had (current and retired)."""
    out = {}
    data = actor.data or {}
    for fp, pem in dict(data.get("retired_keys") or {}).items() if isinstance(data, dict) else ():
        out[fp] = pem
    if actor.public_key:
        out[fingerprint(actor.public_key)] = actor.public_key
    return out


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
    rt = registry.region_runtime(conn, claim.region)
    row = conn.execute(sa.select(teachers).where(teachers.c.id == claim.teacher_id)).first()
    if row is None:
        raise NotFound(f"teacher {claim.teacher_id!r} not found")
    teacher = repo.teacher_from_row(row)
    cycle = rt.hook.xuefen_cycle(teacher=teacher, as_of=as_of, region=rt.region, settings=rt.settings)
    history = convert_all(rt, teacher, [act], as_of=as_of, cycle=cycle)
    found = [e for e in history.entries if e.activity == act.id]
    return _sum(e.hours for e in found), _sum(e.credits for e in found)


def claim_data(conn, claim, as_of: dt.date) -> dict:
    """The signed fields of an activity claim as the database holds them now.

    Hours and credits are those posted to the ledger once the claim is
    approved (its original lines: a revocation's reversals leave them as
    signed), and before that what the region's conversion gives as of ``as_of``.
    """
    act = repo.activity(conn, claim.teacher_id, claim.activity_id)
    posted = list(conn.execute(sa.select(entries.c.hours, entries.c.credits, entries.c.rule)
                               .where(entries.c.claim_id == claim.id, entries.c.reverses.is_(None))))
    if posted:
        hours, credits = _sum(r.hours for r in posted), _sum(r.credits for r in posted)
    else:
        hours, credits = _converted(conn, claim, act, as_of)
    grade = dec_str(act.score) if act.score is not None else act.assessment
    record = {"kind": act.kind, "date": act.date.isoformat(), **repo.activity_data(act)}
    record.pop("id", None)
    return {"teacher": claim.teacher_id, "activity": claim.activity_id, "hours": hours, "grade": grade,
            "rate": dec_str(act.rate), "credits": credits, "record": audit.jsonable(record)}


def payload(conn, claim, stage: str, signer: str, key: str, as_of: dt.date, data: dict | None = None) -> dict:
    """What a signature covers: the claim, the stage, who signs with which key, and the claim's data."""
    return {"format": FORMAT, "claim": claim.id, "stage": stage, "signer": signer, "key": key,
            "as_of": as_of.isoformat(), **(data if data is not None else claim_data(conn, claim, as_of))}


def sign_stage(conn, claim, stage: Stage, actor, signer: Signer | None, as_of: dt.date) -> str:
    """Sign ``claim`` at ``stage`` as ``actor`` (inside the approval's transaction); returns the signature id.

    :raises RefusedAction: no key given, the actor has no registered key, or the key is not theirs.
    """
    cite = f"{stage.rule}, {stage.article}"
    if signer is None:
        raise RefusedAction(f"claim {claim.id}: stage {stage.name} is approved by electronic signature ({cite}): "
                            f"give the signer's private key (--key FILE)")
    if not actor.public_key:
        raise RefusedAction(f"claim {claim.id}: actor {actor.id} has no signing key on record ({cite}): run "
                            f"`xuefen keys create --actor {actor.id}` first")
    fp = fingerprint(signer.public_pem)
    if fp != fingerprint(actor.public_key):
        raise RefusedAction(f"claim {claim.id}: the key in {signer.path or 'the given file'} is not {actor.id}'s "
                            f"registered key ({cite})")
    body = payload(conn, claim, stage.name, actor.id, fp, as_of)
    data = canonical(body)
    sig = signer.sign(data)
    load_public(actor.public_key).verify(sig, data)
    sid = f"{claim.id}:{stage.name}:{claim.version}"
    audit.insert(conn, actor.id, signatures, [{
        "id": sid, "claim_id": claim.id, "stage": stage.name, "actor_id": actor.id, "payload": data.decode(),
        "signature": base64.b64encode(sig).decode(), "signed_at": utcnow()}], action="sign")
    return sid


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
    pem = _keys_of(actor).get(body.get("key")) if actor is not None else None
    if pem is None:
        return Problem(row.claim_id, row.stage, row.actor_id, "unknown_key",
                       f"the signer's public key {str(body.get('key'))[:16]} is not on record")
    try:
        load_public(pem).verify(sig, row.payload.encode())
    except InvalidSignature:
        return Problem(row.claim_id, row.stage, row.actor_id, "bad_signature",
                       "the signature does not match the signed data (the signature record was altered)")
    if claim is None:
        return Problem(row.claim_id, row.stage, row.actor_id, "changed", "the claim no longer exists")
    try:
        as_of = dt.date.fromisoformat(body["as_of"])
        if (claim.id, as_of) not in cache:  # the claim's data once, whoever signed it
            cache[(claim.id, as_of)] = claim_data(conn, claim, as_of)
        now = payload(conn, claim, row.stage, row.actor_id, body["key"], as_of, cache[(claim.id, as_of)])
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
    actor_rows = {r.id: r for r in conn.execute(sa.select(actors).where(
        actors.c.id.in_(sorted({r.actor_id for r in latest.values()}))))} if latest else {}
    problems: list[Problem] = []
    signed_claims = set()
    cache: dict = {}
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
