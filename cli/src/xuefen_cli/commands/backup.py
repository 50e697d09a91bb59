"""``xuefen export --all`` and ``xuefen restore``: the whole registry as JSON lines, and back.

A backup holds personal data (teacher ids and names), so ``export`` writes
nothing unless ``--all`` is given, and says on stderr what it wrote.
"""
from __future__ import annotations

import sys
from pathlib import Path

import click

from xuefen_cli.signing import signing

from xuefen.errors import InputError


@click.command("export")
@click.option("--all", "everything", is_flag=True,
              help="The whole registry (personal data included), as JSON lines; restore with `xuefen restore`.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True),
              help="Write to this file (default: standard output).")
@click.pass_context
def export_cmd(ctx, everything, output):
    """Export the registry. ``--all`` is required: a backup holds teachers' ids and names."""
    from xuefen import backup
    from xuefen.store import open_engine

    if not everything:
        raise InputError("export: --all: required (a backup holds personal data; ask for it explicitly)")
    engine = open_engine(ctx.obj["db_url"])
    with engine.connect() as conn:
        if output:
            tmp = Path(output).with_name(Path(output).name + ".part")
            with open(tmp, "w", encoding="utf-8", newline="\n") as out:
                counts = backup.dump(conn, out)
            tmp.replace(output)  # a crash never leaves a half-written backup under the real name
        else:
            counts = backup.dump(conn, sys.stdout)
    total = sum(counts.values())
    click.echo(f"exported {total} rows ({', '.join(f'{k} {v}' for k, v in counts.items() if v)})"
               f"{' to ' + output if output else ''}; it contains personal data", err=True)


def restore_file(db_url: str, path: str, actor: str | None = None, key_path: str | None = None) -> dict[str, int]:
    """Restore ``path`` into the empty database at ``db_url`` (all or nothing), signed by ``actor``."""
    from xuefen_cli.signing import signer_for

    from xuefen import backup
    from xuefen.store import open_engine

    p = Path(path)
    try:
        raw = p.read_bytes()
    except OSError as exc:
        raise InputError(f"{p}: cannot read: {exc.strerror}") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise InputError(f"{p}: not UTF-8 (a backup is written by `xuefen export --all`)") from None
    data = backup.read(text.splitlines(keepends=True), where=str(p))
    signer = signer_for(actor, key_path)
    engine = open_engine(db_url)
    with engine.begin() as conn:
        return backup.restore(conn, data, signer)


@click.command("restore")
@click.argument("backup_file", type=click.Path(dir_okay=False))
@signing
@click.pass_context
def restore_cmd(ctx, backup_file, actor, key_path):
    """Restore a backup made by ``xuefen export --all`` into an empty database (all or nothing).

    The backup is verified before anything is committed (chain, signed actions, rows); the
    restore is signed by the restored registry's administrator (``--as``, ``--key``)."""
    counts = restore_file(ctx.obj["db_url"], backup_file, actor, key_path)
    click.echo(f"restored {sum(counts.values())} rows "
               f"({', '.join(f'{k} {v}' for k, v in counts.items() if v)})")


COMMANDS = [export_cmd, restore_cmd]
