"""The ``xuefen`` command group.

Each concern is a module in :mod:`xuefen_cli.commands` that exposes ``COMMANDS``
(a list of click commands or groups); they are added here in name order, so a
new concern is a new module, never an edit of this file.
"""
from __future__ import annotations

import importlib
import pkgutil
import sys

import click

from xuefen.errors import XuefenError
from xuefen_cli import commands as _commands

DEFAULT_DB = "sqlite:///xuefen.db"


class XuefenGroup(click.Group):
    """Turns a user's mistake (:class:`XuefenError`) into a message and an exit code, never a traceback."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except XuefenError as exc:
            for line in str(exc).splitlines() or [type(exc).__name__]:
                click.echo(f"error: {line}", err=True)
            sys.exit(exc.exit_code)


@click.group(cls=XuefenGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--db", "db_url", envvar="XUEFEN_DATABASE_URL", default=DEFAULT_DB, show_default=True,
              help="Database URL (SQLite file by default; postgresql+psycopg://… for a server).")
@click.version_option(package_name="xuefen-cli")
@click.pass_context
def cli(ctx, db_url):
    """xuefen (学分): register, approve and audit teachers' continuing-education hours and credits."""
    ctx.ensure_object(dict)
    ctx.obj["db_url"] = db_url


for _info in sorted(pkgutil.iter_modules(_commands.__path__), key=lambda m: m.name):
    _mod = importlib.import_module(f"xuefen_cli.commands.{_info.name}")
    for _cmd in getattr(_mod, "COMMANDS", ()):
        cli.add_command(_cmd)
