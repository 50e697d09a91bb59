"""Keys and signatures: ``xuefen keys create|register|generate|revoke|show``, ``xuefen actors deactivate``,
``xuefen verify-signatures``.

Every change to the registry is signed with its actor's key (:mod:`xuefen.keys`);
on a stage the region marks signed (Lincang's 第十五条) the same key also signs the
claim's data, which ``verify-signatures`` checks against what the database holds now.
"""
from __future__ import annotations

import sys

import click

from xuefen_cli.output import console, print_json
from xuefen_cli.signing import signed_transaction, signing


@click.group("keys")
def keys_group():
    """Actors' signing keys (Ed25519): every change to the registry is signed with one."""


def _valid_until(value):
    if value is None:
        return None
    import datetime as dt

    from xuefen.errors import InputError

    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        raise InputError(f"--valid-until: {value!r} is not a date (YYYY-MM-DD)") from None
    return dt.datetime.combine(day, dt.time(), tzinfo=dt.timezone.utc) + dt.timedelta(days=1)


@keys_group.command("create")
@click.option("--actor", "actor_id", required=True, metavar="ID", help="The actor the new key is for.")
@click.option("--out", "path", metavar="FILE", default=None,
              help="Where to write the new private key (default: $XUEFEN_KEYS_DIR/ID.pem, "
                   "~/.config/xuefen/keys/ID.pem). Never overwritten.")
@click.option("--valid-until", metavar="DATE", default=None, help="The key's last valid day (default: no expiry).")
@signing
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@click.pass_context
def keys_create_cmd(ctx, actor_id, path, valid_until, actor, key_path, as_json):
    """Make a key pair for ID and register its public key, signed by ACTOR (``--as``): an administrator
    whose unit contains ID's, or ID itself replacing its own key. The private key goes into a file only
    its owner can read (mode 0600), to hand to ID; ID's earlier keys stop signing (what they signed stays
    valid)."""
    from pathlib import Path

    from xuefen import actors, keys
    from xuefen.errors import InputError

    target = Path(path).expanduser() if path else keys.default_key_path(actor_id)
    if target.exists():
        raise InputError(f"{target}: already exists; a private key file is never overwritten (choose --out)")
    with signed_transaction(ctx, actor, key_path) as (conn, signer):
        new = actors.create_key(conn, signer, actor_id, valid_until=_valid_until(valid_until))
        written = new.write(target)  # inside the transaction: no file, no key
    info = {"actor": actor_id, "path": str(written), "fingerprint": new.fingerprint, "by": signer.actor_id}
    if as_json:
        print_json(info)
        return
    c = console()
    c.print(f"key for [bold]{actor_id}[/]: fingerprint {new.fingerprint[:16]}, registered by {signer.actor_id}")
    c.print(f"private key written to {written} (mode 0600): hand it to {actor_id} and keep it secret")


@keys_group.command("register")
@click.option("--actor", "actor_id", required=True, metavar="ID", help="The actor the key is for.")
@click.option("--public", "public_file", required=True, type=click.Path(dir_okay=False),
              help="The actor's public key (PEM), made by `xuefen keys generate` on the actor's own machine.")
@click.option("--valid-until", metavar="DATE", default=None, help="The key's last valid day (default: no expiry).")
@signing
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@click.pass_context
def keys_register_cmd(ctx, actor_id, public_file, valid_until, actor, key_path, as_json):
    """Register a public key ID made itself (the private key never leaves ID's machine), signed by ACTOR."""
    from pathlib import Path

    from xuefen import actors
    from xuefen.errors import InputError

    try:
        pem = Path(public_file).read_text(encoding="ascii")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{public_file}: cannot read the public key: {exc}") from None
    with signed_transaction(ctx, actor, key_path) as (conn, signer):
        rec = actors.register_key(conn, signer, actor_id, pem, valid_until=_valid_until(valid_until))
    if as_json:
        print_json(rec.as_json())
    else:
        click.echo(f"key {rec.fingerprint[:16]} registered for {actor_id} by {signer.actor_id}")


@keys_group.command("generate")
@click.option("--actor", "actor_id", required=True, metavar="ID", help="Whose key it is.")
@click.option("--out", "path", metavar="FILE", default=None,
              help="Where to write the private key (default: $XUEFEN_KEYS_DIR/ID.pem, ~/.config/xuefen/keys/ID.pem).")
@click.option("--passphrase", is_flag=True, help="Encrypt the private key with a passphrase (asked twice).")
def keys_generate_cmd(actor_id, path, passphrase):
    """Make a key pair on this machine, touching no database: the private key into a 0600 file, the public
    key (PEM) printed, for an administrator to register with `xuefen keys register`."""
    from xuefen import keys

    secret = click.prompt("passphrase", hide_input=True, confirmation_prompt=True, err=True).encode() \
        if passphrase else None
    new = keys.Signer.generate(actor_id)
    written = new.write(path, passphrase=secret)
    click.echo(f"# private key: {written} (mode 0600); fingerprint {new.fingerprint}", err=True)
    click.echo(new.public_pem.rstrip())


@keys_group.command("revoke")
@click.option("--actor", "actor_id", required=True, metavar="ID", help="Whose key.")
@click.option("--fingerprint", "prefix", required=True, metavar="HEX", help="The key's fingerprint (or its start).")
@click.option("--reason", required=True, help="Why (lost, stolen, …).")
@signing
@click.pass_context
def keys_revoke_cmd(ctx, actor_id, prefix, reason, actor, key_path):
    """Revoke a key: nothing it signs from now on is accepted (what it signed before stays valid)."""
    from xuefen import actors

    with signed_transaction(ctx, actor, key_path) as (conn, signer):
        rec = actors.revoke_key(conn, signer, actor_id, prefix, reason=reason)
    click.echo(f"key {rec.fingerprint[:16]} of {actor_id} revoked by {signer.actor_id}")


@keys_group.command("show")
@click.option("--actor", "actor_id", required=True, metavar="ID", help="The actor.")
@click.option("--json", "as_json", is_flag=True, help="Every key the actor has had, as JSON.")
@click.pass_context
def keys_show_cmd(ctx, actor_id, as_json):
    """Print ACTOR's current public key (PEM), so anyone can check their signatures; --json: every key."""
    from xuefen import keys
    from xuefen.store import open_engine

    engine = open_engine(ctx.obj["db_url"])
    try:
        with engine.connect() as conn:
            history = keys.keys_of(conn, actor_id)
            current = keys.current_key(conn, actor_id)
    finally:
        engine.dispose()
    if as_json:
        print_json([k.as_json() for k in history])
        return
    if current is None:
        click.echo(f"actor {actor_id} has no valid signing key", err=True)
        sys.exit(1)
    click.echo(f"# fingerprint {current.fingerprint}")
    click.echo(current.public_key.rstrip())


@click.group("actors")
def actors_group():
    """Actors: deactivating one (registering is `xuefen import actors`)."""


@actors_group.command("deactivate")
@click.argument("actor_id", metavar="ID")
@click.option("--reason", required=True, help="Why (recorded on the actor and in the audit log).")
@signing
@click.pass_context
def actors_deactivate_cmd(ctx, actor_id, reason, actor, key_path):
    """Deactivate ID, signed by ACTOR (an administrator whose unit contains ID's): ID acts no more."""
    from xuefen import actors

    with signed_transaction(ctx, actor, key_path) as (conn, signer):
        actors.deactivate(conn, signer, actor_id, reason=reason)
    click.echo(f"actor {actor_id} deactivated by {signer.actor_id}")


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


COMMANDS = [keys_group, actors_group, verify_signatures_cmd]
