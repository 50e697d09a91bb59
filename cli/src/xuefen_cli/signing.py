"""Who acts: ``--as ACTOR`` and ``--key FILE`` on every command that changes the registry.

The actor is ``--as`` or ``$XUEFEN_ACTOR``; its private key is ``--key FILE``,
``$XUEFEN_KEY``, ``$XUEFEN_KEYS_DIR/ACTOR.pem`` or ``~/.config/xuefen/keys/ACTOR.pem``
(:mod:`xuefen.keys`). An encrypted key's passphrase comes from
``$XUEFEN_KEY_PASSPHRASE`` or, on a terminal, a prompt. No key, a key others can
read, a key of another actor, or one expired, replaced or revoked: exit 3, nothing changed.
"""
from __future__ import annotations

import os
import sys
from contextlib import contextmanager

import click

from xuefen.errors import RefusedAction

ACTOR_ENV = "XUEFEN_ACTOR"

AS = click.option("--as", "actor", envvar=ACTOR_ENV, metavar="ACTOR", default=None,
                  help="The acting actor (default $XUEFEN_ACTOR); the action is signed with its key.")
KEY = click.option("--key", "key_path", metavar="FILE", default=None,
                   help="The actor's private key (default $XUEFEN_KEY, $XUEFEN_KEYS_DIR/ACTOR.pem, "
                        "~/.config/xuefen/keys/ACTOR.pem).")


def signing(f):
    """``--as`` and ``--key`` on a command that changes the registry."""
    return AS(KEY(f))


def _prompt() -> bytes:
    if not sys.stdin.isatty():
        raise RefusedAction("the key is encrypted: set $XUEFEN_KEY_PASSPHRASE (no terminal to ask on)")
    return click.prompt("passphrase of the signing key", hide_input=True, err=True).encode()


def signer_for(actor: str | None, key_path: str | None):
    """The acting actor's :class:`xuefen.keys.Signer`.

    :raises RefusedAction: no actor named, or no usable key (exit 3).
    """
    from xuefen.keys import Signer

    if not actor:
        raise RefusedAction(f"who acts? give --as ACTOR (or set ${ACTOR_ENV}): every change is signed by "
                            f"its actor's key")
    return Signer.load(actor, key_path, passphrase=None if os.environ.get("XUEFEN_KEY_PASSPHRASE") else _prompt)


@contextmanager
def signed_transaction(ctx, actor: str | None, key_path: str | None):
    """``with signed_transaction(ctx, actor, key_path) as (conn, signer):`` — the acting actor's key (checked
    before the database is opened) and one transaction on the command's database, disposed afterwards."""
    from xuefen.store import open_engine

    signer = signer_for(actor, key_path)
    engine = open_engine(ctx.obj["db_url"])
    try:
        with engine.begin() as conn:
            yield conn, signer
    finally:
        engine.dispose()
