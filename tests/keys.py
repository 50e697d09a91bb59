"""Signing keys for tests: deterministic from the actor id, so a test can act as anyone it registered.

Never for a real registry: anyone can recompute these keys. A test registry is bootstrapped with
:func:`bootstrap` (its administrator ``admin``), and the actors a test seeds get their keys with
:func:`give_keys`, as ``xuefen keys register`` would, signed by the administrator.
"""
from __future__ import annotations

import hashlib
import os
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from xuefen import actors, audit
from xuefen.keys import Signer, safe_name

#: the test registry's administrator (``xuefen init --admin admin``)
ADMIN = "admin"


def signer(actor_id: str) -> Signer:
    """The test key of ``actor_id`` (the same for every test)."""
    seed = hashlib.sha256(f"xuefen-test-key:{actor_id}".encode()).digest()
    return Signer(actor_id, Ed25519PrivateKey.from_private_bytes(seed))


def bootstrap(conn) -> Signer:
    """Make :data:`ADMIN` the registry's first administrator (its test key); inside ``conn``'s transaction.
    The key file goes into ``$XUEFEN_KEYS_DIR`` (the test's key folder), so the CLI finds it too."""
    out = actors.bootstrap(conn, ADMIN, signer=signer(ADMIN))
    _write_to_keys_dir([ADMIN])
    return out


def give_keys(conn, actor_ids, *, by: str = ADMIN) -> None:
    """Register each actor's test key, one action signed by ``by``; the key files go into the test's key folder."""
    ids = list(actor_ids)
    with audit.acting(conn, signer(by), "key_register", {"actors": len(ids)}):
        for a in ids:
            actors.register_key(conn, signer(by), a, signer(a).public_pem)
    _write_to_keys_dir(ids)


def _write_to_keys_dir(actor_ids) -> None:
    folder = os.environ.get("XUEFEN_KEYS_DIR")
    if folder:
        write_keys(Path(folder), actor_ids)


def write_keys(folder: Path, actor_ids) -> None:
    """Write the test keys of ``actor_ids`` into ``folder`` (ACTOR.pem, mode 0600), for the CLI to find."""
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    for a in actor_ids:
        path = folder / f"{safe_name(a)}.pem"
        if not path.exists():
            signer(a).write(path)
