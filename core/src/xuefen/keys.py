"""Keys: every action that changes the registry is signed with the acting actor's Ed25519 key.

It works the way SSH and package signing do:

* A **private key** is a file only its owner can read (PKCS#8 PEM, mode 0600,
  optionally encrypted with a passphrase); it never enters the database. A file
  that others can read is refused, as ``ssh`` refuses one.
* Where the key of ``ACTOR`` comes from, first found: ``--key FILE``;
  ``$XUEFEN_KEY``; ``$XUEFEN_KEYS_DIR/ACTOR.pem``; ``~/.config/xuefen/keys/ACTOR.pem``;
  the older ``~/.xuefen/keys/ACTOR.pem``. A passphrase comes from
  ``$XUEFEN_KEY_PASSPHRASE`` or, on a terminal, a prompt.
* A **public key** is registered in the ``keys`` table, for one actor, valid
  from its registration until it expires (``valid_until``), is replaced
  (``retired_at``) or revoked (``revoked_at``). Key history is kept: an action is
  valid only under a key that was valid at its time.
* Keys are registered only by a signed action (:mod:`xuefen.actors`): the
  registry's first administrator's own key by ``xuefen init --admin`` (once),
  every other key by an actor whose role may manage actors and whose unit
  contains the key owner's unit, or by the owner replacing its own valid key.

:class:`Signer` is what an action is signed with; :mod:`xuefen.audit` checks it
(:func:`check_signer`) when an action starts and seals the action with it.
"""
from __future__ import annotations

import base64
import datetime as dt
import hashlib
import os
import re
import stat
from pathlib import Path
from typing import Callable

import attrs
import sqlalchemy as sa
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from xuefen.errors import InputError, RefusedAction
from xuefen.store.schema import actors, keys, utcnow

#: a single private key file for the acting actor
KEY_ENV = "XUEFEN_KEY"
#: a folder of private key files named ACTOR.pem
KEYS_DIR_ENV = "XUEFEN_KEYS_DIR"
#: the passphrase of an encrypted private key file
PASSPHRASE_ENV = "XUEFEN_KEY_PASSPHRASE"
#: the per-user key folder (XDG), then the folder earlier versions wrote
DEFAULT_KEYS_DIRS = (Path("~/.config/xuefen/keys"), Path("~/.xuefen/keys"))


# -- public keys -----------------------------------------------------------------------------------


def public_pem(key: Ed25519PublicKey) -> str:
    return key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()


def load_public(pem: str) -> Ed25519PublicKey:
    try:
        key = serialization.load_pem_public_key(pem.encode())
    except (ValueError, TypeError) as exc:
        raise InputError(f"not a public key (PEM): {exc}") from None
    if not isinstance(key, Ed25519PublicKey):
        raise InputError("not an Ed25519 public key")
    return key


def fingerprint(pem: str) -> str:
    """sha256 of the raw public key, hex: how a statement names the key that signed it."""
    raw = load_public(pem).public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()


def verify(pem: str, signature: bytes, data: bytes) -> bool:
    """Whether ``signature`` is the key's signature of ``data``."""
    try:
        load_public(pem).verify(signature, data)
        return True
    except (InvalidSignature, InputError):
        return False


# -- private keys ----------------------------------------------------------------------------------


def safe_name(actor_id: str) -> str:
    """The actor id made safe for a file name."""
    return re.sub(r"[^A-Za-z0-9._-]", "_", actor_id) or "_"


def keys_dirs() -> list[Path]:
    """The folders searched for ``ACTOR.pem``, in order."""
    env = os.environ.get(KEYS_DIR_ENV)
    return [Path(env).expanduser()] if env else [p.expanduser() for p in DEFAULT_KEYS_DIRS]


def default_key_path(actor_id: str) -> Path:
    """Where a new private key of ``actor_id`` is written: the first key folder."""
    return keys_dirs()[0] / f"{safe_name(actor_id)}.pem"


def find_key_file(actor_id: str, path: str | os.PathLike | None = None) -> Path:
    """The private key file of ``actor_id`` (see the module docstring for the order).

    :raises RefusedAction: no key file is found (exit 3: nothing is changed without a key).
    """
    if path is not None:
        return Path(path).expanduser()
    if os.environ.get(KEY_ENV):
        return Path(os.environ[KEY_ENV]).expanduser()
    tried = []
    for folder in keys_dirs():
        p = folder / f"{safe_name(actor_id)}.pem"
        if p.exists():
            return p
        tried.append(str(p))
    raise RefusedAction(f"no signing key for actor {actor_id}: give --key FILE, set ${KEY_ENV}, or put the key "
                        f"at {' or '.join(tried)}")


def _check_permissions(p: Path) -> None:
    try:
        st = p.stat()
    except OSError as exc:
        raise InputError(f"{p}: cannot read the signing key: {exc.strerror or exc}") from None
    if os.name == "posix" and st.st_mode & 0o077:
        raise RefusedAction(f"{p}: permissions {stat.S_IMODE(st.st_mode):04o} are too open: a private key must be "
                            f"readable by its owner only (chmod 600 {p})")


@attrs.frozen
class Signer:
    """An actor's private signing key: what every action is signed with."""

    actor_id: str
    key: Ed25519PrivateKey = attrs.field(repr=False, eq=False)
    path: str | None = None

    @classmethod
    def load(cls, actor_id: str, path: str | os.PathLike | None = None, *,
             passphrase: bytes | Callable[[], bytes] | None = None) -> "Signer":
        """The key of ``actor_id`` from ``path`` or the usual places; refused if others can read the file."""
        p = find_key_file(actor_id, path)
        _check_permissions(p)
        data = p.read_bytes()
        secret = None
        if b"ENCRYPTED" in data:
            secret = passphrase() if callable(passphrase) else passphrase
            if secret is None and os.environ.get(PASSPHRASE_ENV):
                secret = os.environ[PASSPHRASE_ENV].encode()
            if secret is None:
                raise RefusedAction(f"{p}: the key is encrypted: give its passphrase (${PASSPHRASE_ENV})")
        try:
            key = serialization.load_pem_private_key(data, password=secret)
        except (ValueError, TypeError) as exc:
            if secret is not None and "decrypt" in str(exc).lower() or "password" in str(exc).lower():
                raise RefusedAction(f"{p}: wrong passphrase for the key") from None
            raise InputError(f"{p}: not a usable private key file (PEM): {exc}") from None
        if not isinstance(key, Ed25519PrivateKey):
            raise InputError(f"{p}: not an Ed25519 private key")
        return cls(actor_id, key, str(p))

    @classmethod
    def generate(cls, actor_id: str) -> "Signer":
        return cls(actor_id, Ed25519PrivateKey.generate())

    @property
    def public_pem(self) -> str:
        return public_pem(self.key.public_key())

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.public_pem)

    def sign(self, data: bytes) -> bytes:
        return self.key.sign(data)

    def write(self, path: str | os.PathLike | None = None, *, passphrase: bytes | None = None) -> Path:
        """Write the private key to a new file, mode 0600 (never overwriting one); returns its path."""
        target = Path(path).expanduser() if path is not None else default_key_path(self.actor_id)
        enc = (serialization.BestAvailableEncryption(passphrase) if passphrase
               else serialization.NoEncryption())
        secret = self.key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, enc)
        try:
            target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
        except FileExistsError:
            raise InputError(f"{target}: already exists; a private key file is never overwritten") from None
        except OSError as exc:
            raise InputError(f"{target}: cannot write the private key: {exc.strerror or exc}") from None
        try:
            os.fchmod(fd, 0o600)
            os.write(fd, secret)
        finally:
            os.close(fd)
        return target


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def unb64(text: str) -> bytes:
    return base64.b64decode(text, validate=True)


# -- the key registry ------------------------------------------------------------------------------


@attrs.frozen
class KeyRecord:
    """One registered public key (a ``keys`` row)."""

    fingerprint: str
    actor_id: str
    public_key: str
    valid_from: dt.datetime
    valid_until: dt.datetime | None = None
    retired_at: dt.datetime | None = None
    revoked_at: dt.datetime | None = None
    reason: str | None = None

    @classmethod
    def from_row(cls, row) -> "KeyRecord":
        m = row._mapping
        return cls(**{f.name: m[f.name] for f in attrs.fields(cls)})

    def problem_at(self, at: dt.datetime) -> str | None:
        """Why the key was not valid at ``at`` (None: it was)."""
        if at < self.valid_from:
            return f"key {self.fingerprint[:16]} was registered only on {self.valid_from:%Y-%m-%d %H:%M:%S}"
        if self.revoked_at is not None and at > self.revoked_at:
            return f"key {self.fingerprint[:16]} was revoked on {self.revoked_at:%Y-%m-%d %H:%M:%S}" + (
                f" ({self.reason})" if self.reason else "")
        if self.retired_at is not None and at > self.retired_at:
            return f"key {self.fingerprint[:16]} was replaced on {self.retired_at:%Y-%m-%d %H:%M:%S}"
        if self.valid_until is not None and at >= self.valid_until:
            return f"key {self.fingerprint[:16]} expired on {self.valid_until:%Y-%m-%d %H:%M:%S}"
        return None

    def as_json(self) -> dict:
        return {k: (v.isoformat() if isinstance(v, dt.datetime) else v) for k, v in attrs.asdict(self).items()}


def key_record(conn, fp: str) -> KeyRecord | None:
    row = conn.execute(sa.select(keys).where(keys.c.fingerprint == fp)).first()
    return KeyRecord.from_row(row) if row is not None else None


def keys_of(conn, actor_id: str) -> list[KeyRecord]:
    """Every key the actor has had, oldest first."""
    q = sa.select(keys).where(keys.c.actor_id == actor_id).order_by(keys.c.valid_from, keys.c.fingerprint)
    return [KeyRecord.from_row(r) for r in conn.execute(q)]


def current_key(conn, actor_id: str, at: dt.datetime | None = None) -> KeyRecord | None:
    at = at or utcnow()
    valid = [k for k in keys_of(conn, actor_id) if k.problem_at(at) is None]
    return valid[-1] if valid else None


def check_signer(conn, signer: "Signer", at: dt.datetime) -> KeyRecord:
    """The registered key ``signer`` holds, valid for its actor at ``at``.

    :raises RefusedAction: an unknown or inactive actor, a key that is not registered, belongs to
        another actor, or was not valid at ``at`` (expired, replaced, revoked) — saying which.
    """
    if not isinstance(signer, Signer):
        raise RefusedAction(f"an action needs the acting actor's signing key (a xuefen.keys.Signer), "
                            f"not {type(signer).__name__} {signer!r}")
    actor = conn.execute(sa.select(actors).where(actors.c.id == signer.actor_id)).first()
    if actor is None:
        raise RefusedAction(f"actor {signer.actor_id!r} is not registered")
    if not actor.active:
        raise RefusedAction(f"actor {signer.actor_id} is inactive")
    rec = key_record(conn, signer.fingerprint)
    where = f" ({signer.path})" if signer.path else ""
    if rec is None:
        raise RefusedAction(f"the key{where} is not registered for anyone (fingerprint {signer.fingerprint[:16]}): "
                            f"{signer.actor_id}'s keys are registered with `xuefen keys create` or `keys register`")
    if rec.actor_id != signer.actor_id:
        raise RefusedAction(f"the key{where} is {rec.actor_id}'s, not {signer.actor_id}'s")
    why = rec.problem_at(at)
    if why:
        raise RefusedAction(f"actor {signer.actor_id}: {why}; no action is accepted under it")
    return rec


def find_by_prefix(conn, actor_id: str, prefix: str) -> KeyRecord:
    """The actor's key whose fingerprint starts with ``prefix``."""
    found = [k for k in keys_of(conn, actor_id) if k.fingerprint.startswith(prefix.lower())]
    if len(found) != 1:
        raise InputError(f"{prefix}: {'no' if not found else 'more than one'} key of {actor_id} has a fingerprint "
                         f"starting so")
    return found[0]
