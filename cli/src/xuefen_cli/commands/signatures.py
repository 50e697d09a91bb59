"""Electronic signatures: ``xuefen keys create --actor ID`` and ``xuefen verify-signatures``.

Approving a stage the region marks signed (Lincang's 第十五条) takes the
approver's key: ``xuefen approve CLAIM --as ACTOR --key FILE``.
"""
from __future__ import annotations

import sys

import click

from xuefen_cli.output import console, print_json


@click.group("keys")
def keys_group():
    """Signing keys of actors who approve by electronic signature (Ed25519)."""


@keys_group.command("create")
@click.option("--actor", "actor_id", required=True, metavar="ID", help="The actor the key belongs to.")
@click.option("--out", "path", metavar="FILE", default=None,
              help="Where to write the private key (default: $XUEFEN_KEYS_DIR/ID.pem, "
                   "~/.xuefen/keys/ID.pem when unset). Never overwritten.")
@click.option("--replace", is_flag=True, help="Replace the actor's key; the old public key stays on record so "
              "what it signed still verifies.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@click.pass_context
def keys_create_cmd(ctx, actor_id, path, replace, as_json):
    """Make ACTOR's key pair: the public key into the database, the private key into a file only its owner
    can read (mode 0600)."""
    from xuefen.claims import signatures
    from xuefen.store import open_engine

    engine = open_engine(ctx.obj["db_url"])
    try:
        with engine.begin() as conn:
            info = signatures.create_key(conn, actor_id, path, replace=replace)
    finally:
        engine.dispose()
    if as_json:
        print_json(info.as_json())
        return
    c = console()
    c.print(f"key for [bold]{actor_id}[/]: fingerprint {info.fingerprint[:16]}"
            + (f" (replaces {info.replaced[:16]})" if info.replaced else ""))
    c.print(f"private key written to {info.path} (mode 0600): keep it secret; approve signed stages with "
            f"--key {info.path}")


@keys_group.command("show")
@click.option("--actor", "actor_id", required=True, metavar="ID", help="The actor.")
@click.pass_context
def keys_show_cmd(ctx, actor_id):
    """Print ACTOR's public key (PEM), so anyone can check their signatures."""
    from xuefen.claims import signatures
    from xuefen.store import open_engine

    engine = open_engine(ctx.obj["db_url"])
    try:
        with engine.connect() as conn:
            row = signatures._actor(conn, actor_id)
    finally:
        engine.dispose()
    if not row.public_key:
        click.echo(f"actor {actor_id} has no signing key", err=True)
        sys.exit(1)
    click.echo(f"# fingerprint {signatures.fingerprint(row.public_key)}")
    click.echo(row.public_key.rstrip())


@click.command("verify-signatures")
@click.option("--claim", "claim_ids", multiple=True, metavar="ID", help="Only these claims (repeatable).")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@click.pass_context
def verify_signatures_cmd(ctx, claim_ids, as_json):
    """Check every signed claim against its signers' public keys and the data the database holds now;
    exit 1 naming each claim whose data changed after signing (or whose signature is missing or altered)."""
    from xuefen.claims import signatures
    from xuefen.store import open_engine

    engine = open_engine(ctx.obj["db_url"])
    try:
        with engine.connect() as conn:
            v = signatures.verify_claims(conn, list(claim_ids) or None)
    finally:
        engine.dispose()
    if as_json:
        print_json(v.as_json())
    elif v.ok:
        click.echo(f"{v.signatures} signature(s) on {v.claims} claim(s): all verify")
    else:
        for p in v.problems:
            click.echo(f"{p.problem}: {p}", err=True)
        click.echo(f"{len(v.problems)} problem(s) in {v.signatures} signature(s) on {v.claims} claim(s)", err=True)
    sys.exit(0 if v.ok else 1)


COMMANDS = [keys_group, verify_signatures_cmd]
