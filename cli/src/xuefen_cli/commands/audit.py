"""``xuefen audit verify`` and ``xuefen audit log``: the hash-chained audit log."""
from __future__ import annotations

import sys

import click
from rich.table import Table

from xuefen_cli.output import console, print_json
from xuefen_cli.signing import signer_for, signing


@click.group("audit")
def audit_group():
    """The append-only, hash-chained audit log of every change."""


@audit_group.command("verify")
@click.option("--checkpoint", "checkpoints", multiple=True, type=click.Path(dir_okay=False), metavar="FILE",
              help="A checkpoint written by `xuefen audit checkpoint`: prove today's log extends it (repeatable).")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@click.pass_context
def verify_cmd(ctx, checkpoints, as_json):
    """Check the chain, every signed action and every registry row against it; exit 1 listing every problem
    (each as ``broken: TABLE ID: problem``, then a count per table)."""
    from xuefen import audit
    from xuefen.store import open_engine

    import json as _json
    from pathlib import Path

    from xuefen.errors import InputError

    files = []
    for f in checkpoints:
        try:
            files.append((f, _json.loads(Path(f).read_text(encoding="utf-8"))))
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            raise InputError(f"{f}: not a readable checkpoint: {exc}") from None
    engine = open_engine(ctx.obj["db_url"])
    try:
        with engine.connect() as conn:
            v = audit.verify(conn)
            extra = [p for f, data in files for p in audit.check_checkpoint(conn, data, where=f)]
    finally:
        engine.dispose()
    if extra:
        import attrs as _attrs
        v = _attrs.evolve(v, problems=tuple(extra) + v.problems)
    if as_json:
        print_json({**v.as_json(), "checkpoints": len(files)})
    elif v.intact:
        click.echo(f"chain intact, {v.records} records, {v.actions} signed actions"
                   + (f"; extends {len(files)} checkpoint(s)" if files else ""))
    else:
        for p in v.problems:
            click.echo(f"broken: {p.table} {p.id}: {p.problem}", err=True)
        counts = ", ".join(f"{t} {n}" for t, n in sorted(v.grouped().items()))
        click.echo(f"{len(v.problems)} problem(s) ({counts}) in {v.records} records and {v.actions} signed actions",
                   err=True)
    sys.exit(0 if v.intact else 1)


@audit_group.command("checkpoint")
@click.option("-o", "--output", "output", required=True, type=click.Path(dir_okay=False), metavar="FILE",
              help="Where to write the signed checkpoint (never overwritten).")
@signing
@click.pass_context
def checkpoint_cmd(ctx, output, actor, key_path):
    """Write a signed checkpoint of the log (record and action counts, head hashes) to keep outside the
    database — send it to the parent bureau, print it, commit it elsewhere; `audit verify --checkpoint FILE`
    later proves the log still extends it (no truncation, rollback or rewrite before it)."""
    import json as _json
    import os
    from pathlib import Path

    from xuefen import audit
    from xuefen.errors import InputError
    from xuefen.store import open_engine

    signer = signer_for(actor, key_path)
    target = Path(output)
    engine = open_engine(ctx.obj["db_url"])
    try:
        with engine.connect() as conn:
            data = audit.checkpoint(conn, signer)
    finally:
        engine.dispose()
    try:
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o644)
    except OSError as exc:
        raise InputError(f"{target}: cannot write the checkpoint ({exc.strerror or exc}); it is never "
                         f"overwritten") from None
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(_json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n")
    c = data["checkpoint"]
    click.echo(f"checkpoint {target}: {c['records']} records, {c['actions']} signed actions, head "
               f"{c['head'][:16]}, signed by {c['signer']}")


@audit_group.command("log")
@click.option("--limit", type=click.IntRange(min=1), default=20, show_default=True, help="How many records.")
@click.option("--object", "obj", metavar="TYPE[:ID]", help="Only records about one object type (and id).")
@click.option("--json", "as_json", is_flag=True, help="Print the records as JSON.")
@click.pass_context
def log_cmd(ctx, limit, obj, as_json):
    """Show the newest audit records: when, who, what, and what changed (a batch record's rows one by one,
    each marked "(batch)", with the batch record's seq)."""
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
    t = Table(title="audit log")
    for name in ("seq", "at", "actor", "action", "object", "change"):  # an object's id is folded, never cut
        t.add_column(name, overflow="fold" if name == "object" else "ellipsis")
    for r in recs:
        t.add_row(str(r.seq), r.at.strftime("%Y-%m-%d %H:%M:%S"), r.actor_id, r.action,
                  f"{r.object_type} {r.object_id}" + (" (batch)" if r.batch else ""), _change(r))
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
