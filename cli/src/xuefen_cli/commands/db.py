"""``xuefen init`` (create or upgrade the database) and ``xuefen import KIND FILE``."""
from __future__ import annotations

import sys

import click

from xuefen.errors import InputError
from xuefen_cli.output import print_json

#: a file with more records than this shows a progress bar (on a terminal)
PROGRESS_FROM_ROWS = 2000
SYSTEM_ACTOR = "system"


@click.command("init")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@click.pass_context
def init_cmd(ctx, as_json):
    """Create the database, or upgrade its schema to this version's (Alembic ``upgrade head``)."""
    from xuefen.store import head_revision
    from xuefen.store import upgrade
    from xuefen.store.engine import create_engine

    url = ctx.obj["db_url"]
    engine = create_engine(url)
    try:
        before, after = upgrade(engine)
    finally:
        engine.dispose()
    shown = engine.url.render_as_string(hide_password=True)
    if as_json:
        print_json({"database": shown, "before": before, "revision": after, "head": head_revision()})
    elif before == after:
        click.echo(f"{shown}: schema already at revision {after}")
    elif before is None:
        click.echo(f"{shown}: created, schema revision {after}")
    else:
        click.echo(f"{shown}: upgraded from revision {before} to {after}")


class _Bar:
    """A rich progress bar on stderr for long imports; nothing when stderr is not a terminal."""

    def __init__(self, rows: int):
        self.on = rows > PROGRESS_FROM_ROWS and sys.stderr.isatty()
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
        if not self.on:
            return
        if phase not in self.tasks:
            self.tasks[phase] = self.progress.add_task(phase, total=total)
        self.progress.update(self.tasks[phase], completed=done, total=total)


@click.command("import")
@click.argument("kind", metavar="KIND", required=False)
@click.argument("file", type=click.Path(dir_okay=False), required=False)
@click.option("--as", "actor_id", default=SYSTEM_ACTOR, show_default=True,
              help="The actor the audit log names for this import.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@click.option("--all", "everything", is_flag=True,
              help="`import --all FILE`: restore a whole-registry backup (`xuefen export --all`) into an empty "
                   "database, all or nothing (the same as `xuefen restore FILE`).")
@click.pass_context
def import_cmd(ctx, kind, file, actor_id, as_json, everything):
    """Import a CSV or XLSX table (FORMATS.md §3): all rows or, if any row is bad, none.

    KIND is one of orgs, actors, teachers, activities. Every bad row is reported
    as FILE:LINE: field: problem. Importing the same file again changes nothing.
    Imported activities open their claims. ``import --all FILE`` restores a backup.
    """
    from xuefen import imports
    from xuefen.io.tables import read_table
    from xuefen.store import open_engine
    from xuefen.store import repo

    if everything:
        if kind is None or file is not None:
            raise click.UsageError("import --all takes one FILE (a backup written by `xuefen export --all`)")
        from xuefen_cli.commands.backup import restore_file
        counts = restore_file(ctx.obj["db_url"], kind)
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
    table = read_table(file)
    engine = open_engine(ctx.obj["db_url"])
    try:
        with engine.begin() as conn:
            if actor_id != SYSTEM_ACTOR:
                try:
                    actor = repo.get_actor(conn, actor_id)
                except Exception:
                    raise InputError(f"--as: no actor {actor_id!r} (import the actors first, or omit --as)") from None
                if not actor.active:
                    raise InputError(f"--as: actor {actor_id!r} is not active")
            with _Bar(len(table)) as bar:
                result = imports.import_table(conn, kind, table, actor_id=actor_id, progress=bar)
    finally:
        engine.dispose()
    if as_json:
        print_json(result.as_json())
        return
    msg = f"{file}: {result.created} {kind} imported, {result.unchanged} already there"
    if kind == "activities":
        msg += f", {result.claims} claims opened"
    click.echo(msg)


COMMANDS = [init_cmd, import_cmd]
