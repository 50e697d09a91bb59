"""Who may act: the registry's first administrator, actors' keys, deactivation — each a signed action.

* :func:`bootstrap` (``xuefen init --admin ID``): once per registry, the first
  administrator and its key, self-signed; that first action also covers every
  audit record written before signing existed (a registry upgraded from 0001).
* :func:`create_key` / :func:`register_key` (``xuefen keys create|register``): a
  key for an actor, registered by an actor who manages the key owner's unit
  (:func:`xuefen.claims.authority.management_refusal`), or by the owner itself
  while its own key is valid (a replacement signed by the old key). Registering
  retires the actor's earlier keys: what they signed stays valid, nothing new is
  accepted under them. ``valid_until`` gives a key an expiry.
* :func:`revoke_key` (a lost or stolen key): nothing it signs from then on counts.
* :func:`deactivate` (``xuefen actors deactivate ID``): the actor acts no more.

Every function runs inside the caller's transaction as one signed action of
``signer`` (:class:`xuefen.audit.acting`).
"""
from __future__ import annotations

import datetime as dt
import secrets

import attrs
import sqlalchemy as sa

from xuefen import audit, keys
from xuefen.claims.authority import REGISTRY_ADMIN, actor_row, management_refusal
from xuefen.errors import InputError, RefusedAction
from xuefen.io import fields as F
from xuefen.store.schema import actors, settings
from xuefen.store.schema import keys as keys_table

#: the registry's own secret for the stable pseudonyms of ``report --redact`` (made by the first action)
REDACT_SCOPE, REDACT_NAME = "*", "redact_key"


def _may_manage(conn, signer, actor_id: str, what: str) -> None:
    """Refuse unless ``signer``'s actor manages ``actor_id``'s unit (or is ``actor_id``, for its own key)."""
    me = actor_row(conn, signer.actor_id)
    target = actor_row(conn, actor_id)
    if me.id == target.id and what.startswith("replace"):
        return
    if target.role == REGISTRY_ADMIN and me.id != target.id:
        raise RefusedAction(f"{what}: only the registry administrator itself manages its keys")
    why = management_refusal(conn, me, target.org_id, what)
    if why:
        raise RefusedAction(f"{what}: {why}")


def create_key(conn, signer, actor_id: str, *, valid_until: dt.datetime | None = None) -> keys.Signer:
    """Make a new key pair for ``actor_id`` and register its public half; returns the private key for the
    caller to write (and hand to the actor). Refused when ``signer`` may not manage the actor."""
    new = keys.Signer.generate(actor_id)
    register_key(conn, signer, actor_id, new.public_pem, valid_until=valid_until)
    return new


def register_key(conn, signer, actor_id: str, pem: str, *, valid_until: dt.datetime | None = None) -> keys.KeyRecord:
    """Register ``pem`` (an Ed25519 public key the actor made itself, as with ssh-keygen) for ``actor_id``."""
    own = signer.actor_id == actor_id
    what = f"replace {actor_id}'s key" if own else f"register a key for {actor_id}"
    with audit.acting(conn, signer, "key_register", {"actor": actor_id, "key": keys.fingerprint(pem)}):
        _may_manage(conn, signer, actor_id, what)
        return _register(conn, actor_id, pem, valid_until=valid_until, by=signer.actor_id,
                         reason="replaced by its owner" if own else f"registered by {signer.actor_id}")


def revoke_key(conn, signer, actor_id: str, prefix: str, *, reason: str) -> keys.KeyRecord:
    """Revoke the actor's key whose fingerprint starts with ``prefix``: nothing it signs from now on counts."""
    if not reason or not reason.strip():
        raise RefusedAction("revoke a key: a reason is required")
    rec = keys.find_by_prefix(conn, actor_id, prefix)
    with audit.acting(conn, signer, "key_revoke", {"actor": actor_id, "key": rec.fingerprint, "reason": reason}):
        if signer.actor_id != actor_id:
            _may_manage(conn, signer, actor_id, f"revoke {actor_id}'s key")
        return _revoke(conn, rec.fingerprint, reason=reason.strip(), by=signer.actor_id)


def deactivate(conn, signer, actor_id: str, *, reason: str) -> None:
    """Deactivate ``actor_id``: it acts no more (its past actions stay valid)."""
    if not reason or not reason.strip():
        raise RefusedAction("deactivate: a reason is required")
    with audit.acting(conn, signer, "deactivate", {"actor": actor_id, "reason": reason}):
        _may_manage(conn, signer, actor_id, f"deactivate {actor_id}")
        target = actor_row(conn, actor_id)
        if not target.active:
            raise RefusedAction(f"actor {actor_id} is inactive already")
        data = dict(target.data or {})
        data["deactivated"] = {"by": signer.actor_id, "reason": reason.strip()}
        audit.update(conn, signer.actor_id, actors, {"id": actor_id}, {"active": False, "data": data},
                     action="deactivate")


def _register(conn, actor_id: str, pem: str, *, at: dt.datetime | None = None,
             valid_until: dt.datetime | None = None, reason: str | None = None, retire: bool = True,
             by: str) -> keys.KeyRecord:
    """Register ``pem`` as ``actor_id``'s key (inside the caller's signed action, by actor ``by``).

    ``retire``: the actor's keys valid until now are marked replaced, so only the new
    one signs from now on (what was signed before stays valid under them).
    :raises RefusedAction: the key is already registered (for this or another actor).
    """
    at = at or audit.current_act(conn, by, "key_register").at
    fp = keys.fingerprint(pem)
    existing = keys.key_record(conn, fp)
    if existing is not None:
        raise RefusedAction(f"key {fp[:16]} is already registered (to {existing.actor_id})")
    if retire:
        for old in keys.keys_of(conn, actor_id):
            if old.problem_at(at) is None:
                audit.update(conn, by, keys_table, {"fingerprint": old.fingerprint}, {"retired_at": at},
                             action="key_retire")
    row = {"fingerprint": fp, "actor_id": actor_id, "public_key": pem, "valid_from": at,
           "valid_until": valid_until, "retired_at": None, "revoked_at": None, "reason": reason}
    audit.insert(conn, by, keys_table, [row], action="key_register")
    audit.update(conn, by, actors, {"id": actor_id}, {"public_key": pem}, action="key_register")
    return keys.KeyRecord(**row)


def _revoke(conn, fp: str, *, reason: str, by: str, at: dt.datetime | None = None) -> keys.KeyRecord:
    """Revoke a key from ``at`` on (inside the caller's signed action): nothing it signs afterwards counts."""
    rec = keys.key_record(conn, fp)
    if rec is None:
        raise RefusedAction(f"no key {fp[:16]} is registered")
    if rec.revoked_at is not None:
        raise RefusedAction(f"key {fp[:16]} was already revoked on {rec.revoked_at:%Y-%m-%d}")
    at = at or audit.current_act(conn, by, "key_revoke").at
    audit.update(conn, by, keys_table, {"fingerprint": fp}, {"revoked_at": at, "reason": reason}, action="key_revoke")
    return attrs.evolve(rec, revoked_at=at, reason=reason)


# -- the first administrator ---------------------------------------------------------------------

def has_admin(conn) -> bool:
    return conn.execute(sa.select(actors.c.id).where(actors.c.role == REGISTRY_ADMIN).limit(1)).first() is not None


def bootstrap(conn, admin_id: str, *, name: str | None = None, signer: keys.Signer | None = None) -> keys.Signer:
    """Create the registry's first administrator and its key, once, as a self-signed first action.

    Runs in the caller's transaction. The action it signs also covers every audit record
    written before it (a registry upgraded from before signing), so from here on every
    record is signed. Returns the new key (the caller writes it to a file).
    :raises RefusedAction: the registry has an administrator already.
    :raises InputError: ``admin_id`` is not a valid id in its normal form, or ``name`` not a valid name
        (docs/formats.md §3, ids).
    """
    if F.checked_id(admin_id, "administrator id") != admin_id:
        raise InputError(f"administrator id: {admin_id!r} is not in its normal form "
                         f"({F.parse_id(admin_id)!r}, NFKC and stripped)")
    if name is not None:
        F.checked_name(name, "administrator name")
    if has_admin(conn):
        found = conn.execute(sa.select(actors.c.id).where(actors.c.role == REGISTRY_ADMIN)).scalars().all()
        raise RefusedAction(f"the registry has an administrator already ({', '.join(found)}); a new actor is "
                            f"registered by a signed action of an actor with authority over its unit")
    if conn.execute(sa.select(actors.c.id).where(actors.c.id == admin_id)).first() is not None:
        raise RefusedAction(f"actor {admin_id} exists already; choose another id for the administrator")
    signer = signer or keys.Signer.generate(admin_id)
    with audit.acting(conn, signer, "bootstrap", {"admin": admin_id}, adopt_unsigned=True, check=False) as act:
        audit.insert(conn, admin_id, actors, [{"id": admin_id, "name": name or admin_id, "role": REGISTRY_ADMIN,
                                               "org_id": None, "active": True, "public_key": None, "data": None}],
                     action="bootstrap")
        _adopt_keys(conn, admin_id)
        _register(conn, admin_id, signer.public_pem, by=admin_id, at=act.at, reason="first administrator")
        if conn.execute(sa.select(settings.c.value).where(settings.c.region == REDACT_SCOPE,
                                                          settings.c.name == REDACT_NAME)).first() is None:
            audit.insert(conn, admin_id, settings, [{"region": REDACT_SCOPE, "name": REDACT_NAME,
                                                     "value": secrets.token_hex(32)}], action="bootstrap")
    return signer


def _adopt_keys(conn, admin_id: str) -> None:
    """Keys copied into the registry by the 0002 migration (Lincang's signers) get their audit record."""
    recorded = audit.recorded_ids(conn, "key")
    for row in conn.execute(sa.select(keys_table).order_by(keys_table.c.fingerprint)).all():
        if row.fingerprint not in recorded:
            audit.record(conn, admin_id, "adopt", "key", row.fingerprint, None,
                         audit.image(keys_table, row._mapping))
