"""``xuefen transfer TEACHER --to SCHOOL --on DATE``: a teacher's move to another school or region."""
from __future__ import annotations

import datetime as dt

import click

from xuefen.errors import InputError
from xuefen_cli.output import console, print_json
from xuefen_cli.signing import signed_transaction, signing


@click.command("transfer")
@click.argument("teacher")
@click.option("--to", "to_school", required=True, metavar="SCHOOL", help="The school the teacher joins.")
@click.option("--on", "on", required=True, metavar="DATE", help="The day of the move (YYYY-MM-DD).")
@signing
@click.option("--json", "as_json", is_flag=True, help="Print the history entry written as JSON.")
@click.pass_context
def transfer_cmd(ctx, teacher, to_school, on, actor, key_path, as_json):
    """Move TEACHER to SCHOOL (in the same region or another) on DATE, signed by an administrator of both
    schools. The history keeps both schools: an evaluation or report of a day before the move counts the
    teacher at the old school, under its region's rules (Shandong's S-R2 carries the credits)."""
    from xuefen import transfers

    try:
        day = dt.date.fromisoformat(on)
    except ValueError:
        raise InputError(f"--on: {on!r} is not a date (YYYY-MM-DD)") from None
    with signed_transaction(ctx, actor, key_path) as (conn, signer):
        entry = transfers.transfer(conn, signer, teacher, to_school, day)
    if as_json:
        print_json({"teacher": teacher, **entry})
    else:
        console().print(f"{teacher}: moved from {entry['from']} ({entry['from_region']}) to [bold]{entry['to']}[/] "
                        f"({entry['to_region']}) on {entry['on']}")


COMMANDS = [transfer_cmd]
