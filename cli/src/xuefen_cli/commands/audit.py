"""``xuefen audit verify`` and ``xuefen audit log``: the hash-chained audit log."""
from __future__ import annotations

import sys

import click
from rich.table import Table

from xuefen_cli.output import console, print_json


@click.group("audit")
def audit_group():
    """The append-only, hash-chained audit log of every change."""


@audit_group.command("verify")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@click.pass_context
def verify_cmd(ctx, as_json):
    """Check the chain and every entry and claim against it; exit 1 naming the first broken link."""
    from xuefen import audit
    from xuefen.store import open_engine

    engine = open_engine(ctx.obj["db_url"])
    try:
        with engine.connect() as conn:
            v = audit.verify(conn)
    finally:
        engine.dispose()
    if as_json:
        print_json(v.as_json())
    elif v.intact:
        click.echo(f"chain intact, {v.records} records")
    else:
        click.echo(f"broken: {v.broken.table} {v.broken.id}: {v.broken.problem}", err=True)
    sys.exit(0 if v.intact else 1)


@audit_group.command("log")
@click.option("--limit", type=click.IntRange(min=1), default=20, show_default=True, help="How many records.")
@click.option("--object", "obj", metavar="TYPE[:ID]", help="Only records about one object type (and id).")
@click.option("--json", "as_json", is_flag=True, help="Print the records as JSON.")
@click.pass_context
def log_cmd(ctx, limit, obj, as_json):
    """Show the newest audit records: when, who, what, and what changed."""
    from xuefen import audit
    from xuefen.store import open_engine

    object_type, _, object_id = (obj or "").partition(":")
    engine = open_engine(ctx.obj["db_url"])
    try:
        with engine.connect() as conn:
            recs = audit.records(conn, limit=limit, object_type=object_type or None, object_id=object_id or None)
    finally:
        engine.dispose()
    if as_json:
        print_json([r.as_json() for r in recs])
        return
    t = Table("seq", "at", "actor", "action", "object", "change", title="audit log")
    for r in recs:
        t.add_row(str(r.seq), r.at.strftime("%Y-%m-%d %H:%M:%S"), r.actor_id, r.action,
                  f"{r.object_type} {r.object_id}", _change(r))
    console().print(t)


def _change(r: audit.Record) -> str:
    from xuefen import audit

    if r.before is None:
        return "created" if r.after is not None else ""
    if r.after is None:
        return "deleted"
    if isinstance(r.before, dict) and isinstance(r.after, dict):
        return "; ".join(f"{k}: {audit.canonical(r.before.get(k))} → {audit.canonical(r.after.get(k))}"
                         for k in sorted(set(r.before) | set(r.after)) if r.before.get(k) != r.after.get(k))
    return f"{audit.canonical(r.before)} → {audit.canonical(r.after)}"


COMMANDS = [audit_group]
