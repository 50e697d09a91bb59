"""``xuefen init`` (create or upgrade the database) and ``xuefen import KIND FILE``."""
from __future__ import annotations

import sys

import click

from xuefen.errors import InputError
from xuefen_cli.output import print_json
from xuefen_cli.signing import signer_for, signing

#: a file with more records than this shows a progress bar (on a terminal)
PROGRESS_FROM_ROWS = 2000


@click.command("init")
@click.option("--admin", "admin_id", metavar="ID", default=None,
              help="Create the registry's first administrator ID and its signing key (once per registry).")
@click.option("--name", "admin_name", default=None, help="The administrator's name (with --admin).")
@click.option("--key-out", "key_out", metavar="FILE", default=None,
              help="Where to write the administrator's private key (default $XUEFEN_KEYS_DIR/ID.pem, "
                   "~/.config/xuefen/keys/ID.pem).")
@click.option("--app-role", "app_role", metavar="ROLE", default=None,
              help="PostgreSQL: grant ROLE what the application needs (run as the owner role that migrates): "
                   "the audit log, signed actions and ledger it may only read and append to.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@click.pass_context
def init_cmd(ctx, admin_id, admin_name, key_out, app_role, as_json):
    """Create the database, or upgrade its schema to this version's (Alembic ``upgrade head``).

    With ``--admin ID`` (once per registry): the first administrator, who registers
    org units, actors and their keys; its private key is written to a file only its
    owner can read. Every later change is signed by an actor registered that way.
    """
    from xuefen.store import head_revision
    from xuefen.store import upgrade
    from xuefen.store.engine import create_engine

    url = ctx.obj["db_url"]
    if admin_id:
        from xuefen.io import fields as F
        admin_id = F.checked_id(admin_id, "--admin")  # the id as stored (NFKC), before it names the key file
        if admin_name is not None:
            admin_name = F.checked_name(admin_name, "--name")
    engine = create_engine(url)
    admin = None
    try:
        before, after = upgrade(engine)
        if admin_id:
            from pathlib import Path

            from xuefen import actors, keys

            target = Path(key_out).expanduser() if key_out else keys.default_key_path(admin_id)
            if target.exists():
                raise InputError(f"{target}: already exists; a private key file is never overwritten "
                                 f"(choose another with --key-out)")
            with engine.begin() as conn:
                signer = actors.bootstrap(conn, admin_id, name=admin_name)
                path = signer.write(target)  # inside the transaction: no key file, no administrator
            admin = {"actor": admin_id, "key": str(path), "fingerprint": signer.fingerprint}
        granted = None
        if app_role:
            from xuefen.store.engine import grant_app_role
            granted = grant_app_role(engine, app_role)
    finally:
        engine.dispose()
    shown = engine.url.render_as_string(hide_password=True)
    if as_json:
        print_json({"database": shown, "before": before, "revision": after, "head": head_revision(),
                    **({"admin": admin} if admin else {}), **({"app_role": app_role} if granted else {})})
        return
    if before == after:
        click.echo(f"{shown}: schema already at revision {after}")
    elif before is None:
        click.echo(f"{shown}: created, schema revision {after}")
    else:
        click.echo(f"{shown}: upgraded from revision {before} to {after}")
    if granted:
        click.echo(f"role {app_role}: may read and write the registry, only read and append to the audit log, "
                   f"signed actions and ledger")
    if admin:
        click.echo(f"administrator {admin_id} created; private key {admin['key']} (fingerprint "
                   f"{admin['fingerprint'][:16]}) — keep it safe: it signs everything {admin_id} does")


class _Bar:
    """A rich progress bar on stderr for long imports; nothing when stderr is not a terminal. With
    ``lines`` (``--progress``): one plain line per step instead, ``PHASE DONE/TOTAL``, for logs."""

    def __init__(self, rows: int, lines: bool = False):
        self.lines = lines
        self.on = not lines and rows > PROGRESS_FROM_ROWS and sys.stderr.isatty()
        self.tasks: dict = {}
        if self.on:
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
            self.progress = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                                     TimeRemainingColumn(), console=Console(stderr=True), transient=True)

    def __enter__(self):
        if self.on:
            self.progress.start()
        return self

    def __exit__(self, *exc):
        if self.on:
            self.progress.stop()

    def __call__(self, phase: str, done: int, total: int) -> None:
        if self.lines:
            click.echo(f"{phase} {done}/{total}", err=True)
            return
        if not self.on:
            return
        if phase not in self.tasks:
            self.tasks[phase] = self.progress.add_task(phase, total=total)
        self.progress.update(self.tasks[phase], completed=done, total=total)


@click.command("import")
@click.argument("kind", metavar="KIND", required=False)
@click.argument("file", type=click.Path(dir_okay=False), required=False)
@signing
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@click.option("--all", "everything", is_flag=True,
              help="`import --all FILE`: restore a whole-registry backup (`xuefen export --all`) into an empty "
                   "database, all or nothing (the same as `xuefen restore FILE`).")
@click.option("--create-keys", "keys_out", is_flag=False, flag_value="", default=None, metavar="[DIR]",
              help="With `import actors`: make a signing key for each new actor, private keys (0600) into DIR "
                   "(default $XUEFEN_KEYS_DIR or ~/.config/xuefen/keys), to hand to each.")
@click.option("--progress", "progress_lines", is_flag=True,
              help="Print each step as a line on stderr (`checking 500/500`, `writing claims 500/500`), for logs.")
@click.pass_context
def import_cmd(ctx, kind, file, actor, key_path, as_json, everything, keys_out, progress_lines):
    """Import a CSV or XLSX table (FORMATS.md §3): all rows or, if any row is bad, none.

    KIND is one of orgs, actors, teachers, activities. Every bad row is reported
    as FILE:LINE: field: problem. Importing the same file again changes nothing.
    Imported activities open their claims. The import is one action signed with
    ACTOR's key, who must manage the units the rows belong to (exit 3 naming each
    row outside them). ``import --all FILE`` restores a backup.
    """
    from xuefen import imports
    from xuefen.io.tables import read_table
    from xuefen.store import open_engine
    from xuefen.store import repo

    if everything:
        if kind is None or file is not None:
            raise click.UsageError("import --all takes one FILE (a backup written by `xuefen export --all`)")
        from xuefen_cli.commands.backup import restore_file
        counts = restore_file(ctx.obj["db_url"], kind, actor, key_path)
        if as_json:
            print_json({"restored": counts})
        else:
            click.echo(f"restored {sum(counts.values())} rows "
                       f"({', '.join(f'{k} {v}' for k, v in counts.items() if v)})")
        return
    if kind is None or file is None:
        raise click.UsageError("give KIND and FILE (or --all FILE)")
    if kind not in imports.KINDS:
        raise click.BadParameter(f"{kind!r} is not one of {', '.join(imports.KINDS)}", param_hint="'KIND'")
    if keys_out is not None and kind != "actors":
        raise click.UsageError("--create-keys goes with `import actors`")
    table = read_table(file, stream=True)
    signer = signer_for(actor, key_path)
    engine = open_engine(ctx.obj["db_url"])
    written = []
    try:
        with engine.begin() as conn:
            with _Bar(len(table), progress_lines) as bar:
                if keys_out is None:
                    result = imports.import_table(conn, kind, table, signer=signer, progress=bar)
                else:
                    result, written = _import_actors_with_keys(conn, table, signer, keys_out, bar)
    finally:
        engine.dispose()
    if as_json:
        print_json(result.as_json())
        return
    msg = f"{file}: {result.created} {kind} imported, {result.unchanged} already there"
    if kind == "activities":
        msg += f", {result.claims} claims opened"
    if kind == "teachers" and result.moved:
        msg += f", {result.moved} moved to another school (moved_on)"
    if written:
        msg += f"; {len(written)} signing key(s) written to {written[0].parent} (mode 0600), one per new actor"
    click.echo(msg)


def _import_actors_with_keys(conn, table, signer, folder: str, bar):
    """``import actors --create-keys``: the actors and a key for each new one, as one signed action."""
    from pathlib import Path

    from xuefen import actors, audit, imports, keys

    base = Path(folder).expanduser() if folder else None
    with audit.acting(conn, signer, "import_actors", {"kind": "actors", "file": Path(str(table.path)).name,
                                                      "rows": len(table), "create_keys": True}):
        result = imports.import_table(conn, "actors", table, signer=signer, progress=bar)
        written = []
        for actor_id in result.ids:
            new = actors.create_key(conn, signer, actor_id)
            target = (base / f"{keys.safe_name(actor_id)}.pem") if base else keys.default_key_path(actor_id)
            written.append(new.write(target))  # inside the transaction: a file that cannot be written undoes all
    return result, written


COMMANDS = [init_cmd, import_cmd]
