"""``xuefen migrate [NAME] [--apply]``: a region's named data migration over the database.

Region-neutral: the migrations come from the regions' ``xuefen_migrations``
hook (:mod:`xuefen.migrate`). A dry run by default: it prints how many
teachers each decision concerns and lists them; ``--apply`` records the
decisions in the audit log.
"""
from __future__ import annotations

import click
from rich.table import Table

from xuefen_cli.output import console, print_json
from xuefen_cli.signing import signer_for, signing


@click.command("migrate")
@click.argument("name", required=False)
@click.option("--apply", "apply", is_flag=True, help="Record the decisions (default: a dry run that changes nothing).")
@signing
@click.option("--on", "on", metavar="DATE", default=None, help="Evaluate the teachers as of this day (default: today).")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@click.pass_context
def migrate_cmd(ctx, name, apply, actor, key_path, on, as_json):
    """Run the data migration NAME over every teacher of its region; without NAME, list the migrations."""
    from xuefen import migrate
    from xuefen.claims.certificates import parse_day
    from xuefen.store import open_engine

    if not name:
        found = migrate.available()
        if as_json:
            print_json([{"name": m.name, "region": m.region, "rule": m.rule, "article": m.article, "doc": m.doc}
                        for m in found.values()])
            return
        c = console()
        if not found:
            c.print("no installed region declares a migration")
        for m in found.values():
            c.print(f"[bold]{m.name}[/] ({m.region}; {m.rule}, {m.article}): {m.doc}")
        return
    day = parse_day(on)
    signer = signer_for(actor, key_path) if apply else None
    engine = open_engine(ctx.obj["db_url"])
    with engine.begin() as conn:
        result = migrate.run(conn, name, as_of=day, apply=apply, signer=signer)
    if as_json:
        print_json(result.as_json())
        return
    show(result)


def show(result: migrate.Result) -> None:
    c = console()
    m = result.migration
    mode = "applied" if result.applied else "dry run, nothing recorded (pass --apply to record)"
    c.print(f"[bold]{m.name}[/] ({m.rule}, {m.article}) as of {result.as_of}: {result.teachers} teacher(s) of "
            f"{m.region}, {len(result.decided)} concerned — {mode}")
    t = Table("rule", "decision", "teachers", title="counts")
    for (rule, decision), n in result.counts().items():
        t.add_row(rule, decision, str(n))
    t.add_row("—", "not concerned", str(result.teachers - len(result.decided)))
    c.print(t)
    t = Table("teacher", "school", "decisions", "hours", "recorded", title="teachers affected")
    for d in result.decided:
        hours = next((str(x.data["hours"]) for x in d.decisions if "hours" in x.data), "")
        t.add_row(d.teacher, d.school or "", ", ".join(f"{x.rule} {x.decision}" for x in d.decisions), hours,
                  "unchanged" if not d.changed else ("now" if result.applied else "would be"))
    c.print(t)
    manual = result.manual()
    if manual:
        c.print(f"[yellow]{len(manual)} teacher(s) for manual handling[/]:")
        for d in manual:
            why = next(x for x in d.decisions if (x.rule, x.decision) in set(m.manual))
            c.print(f"  {d.teacher} ({d.school}): {why.detail} ({why.rule}, {why.article})")
    if result.applied:
        c.print(f"recorded {result.recorded} teacher(s) in the audit log "
                f"({len(result.decided) - result.recorded} unchanged since the last apply)")


def show_demo_migrations(c, engine, region: str, on, signer) -> list[str]:
    """``xuefen demo``: apply each migration of the region as of ``on`` (signed by the demo's administrator)
    and print its counts; their names."""
    from xuefen import migrate

    names = [m.name for m in migrate.available().values() if m.region == region]
    for name in names:
        with engine.begin() as conn:
            result = migrate.run(conn, name, as_of=on, apply=True, signer=signer)
        counts = ", ".join(f"{n} {d} ({r})" for (r, d), n in result.counts().items())
        c.print(f"migration {name} applied as of {on}: {counts or 'nobody concerned'}; "
                f"{result.teachers - len(result.decided)} not concerned; decisions recorded in the audit log")
    return names


COMMANDS = [migrate_cmd]
