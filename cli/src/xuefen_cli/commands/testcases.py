"""``xuefen test CASES...``: run case files with an ``expect`` block and report each difference."""
from __future__ import annotations

import sys

import click


@click.command("test")
@click.argument("cases", nargs=-1, required=True, type=click.Path())
@click.option("--json", "as_json", is_flag=True, help="Print the results as JSON (one object per case).")
def test_cmd(cases, as_json):
    """Evaluate each case file (FORMATS.md §1) and compare it with its ``expect`` block.

    CASES are files or directories (searched for *.json, recursively). One line
    per case, PASS or FAIL, then one line per difference: PATH: expected X, got
    Y. Touches no database. Exit 0 when every case passes, 1 when one fails, 2
    when a case cannot be read or is invalid (each problem names the file and
    the field).
    """
    from xuefen.testing import case_files, run_file

    files, results = case_files(cases)
    results = results + [run_file(f) for f in files]
    counts = {s: sum(r.status == s for r in results) for s in ("pass", "fail", "error")}
    if as_json:
        from xuefen_cli.output import print_json

        print_json({"passed": counts["pass"], "failed": counts["fail"], "invalid": counts["error"],
                    "cases": [r.as_json() for r in results]})
    else:
        for r in results:
            click.echo(f"{'ERROR' if r.status == 'error' else r.status.upper()} {r.path}")
            for d in r.differences:
                click.echo(f"  {d}")
            for p in r.problems:
                click.echo(f"  {p}")
        click.echo(f"{counts['pass']} passed, {counts['fail']} failed, {counts['error']} invalid")
    sys.exit(2 if counts["error"] else 1 if counts["fail"] else 0)


COMMANDS = [test_cmd]
