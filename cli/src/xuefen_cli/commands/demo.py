"""``xuefen demo``: a whole registry in a few seconds, and its report.

Builds a deterministic SQLite database from a region's demo data
(``xuefen_demo_data``): the org tree, admins, a hundred or more invented teachers and two
years of activities, imported through the same code as ``xuefen import``; then
every claim goes through its stages as the right admins would take it, and the
county's report is printed.
"""
from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import click
from rich.rule import Rule

from xuefen.errors import InputError
from xuefen_cli.output import console

DEFAULT_PATH = "xuefen-demo.db"


def demo_region(code: str | None, seed: int) -> tuple[str, dict, str | None]:
    """The region asked for, else the installed regions that ship demo data by code, the first of them;
    its data, and when it was chosen among several, a line saying so (the core prefers no region)."""
    from xuefen import regions

    installed = regions.installed()
    if code:
        if code not in installed:
            raise InputError(f"--region: unknown region {code!r} (installed: {', '.join(sorted(installed)) or 'none'})")
        data = regions.runtime(code).hook.xuefen_demo_data(seed=seed)
        if data is None:
            raise InputError(f"--region: region {code!r} ships no demo data")
        return code, data, None
    # the regions whose plugins (or parents) implement xuefen_demo_data; only the chosen one generates
    shipping = [c for c in sorted(installed)
                if any(i.plugin_name != "xuefen.defaults" for i in regions.runtime(c).hook.xuefen_demo_data.get_hookimpls())]
    chosen = data = None
    for c in shipping:
        data = regions.runtime(c).hook.xuefen_demo_data(seed=seed)
        if data is not None:
            chosen = c
            break
    if chosen is None:
        raise InputError("no installed region ships demo data")
    note = None
    if len(shipping) > 1:
        note = (f"{len(shipping)} installed regions ship demo data ({', '.join(shipping)}): showing {chosen}, "
                f"the first by code; choose another with --region CODE")
    return chosen, data, note


SEED = 2024


def _is_demo(path: Path, data: dict) -> bool:
    """Whether ``path`` holds a registry an earlier ``xuefen demo`` built (its report org is there)."""
    import sqlalchemy as sa

    from xuefen.store.engine import create_engine
    from xuefen.store.schema import orgs

    engine = create_engine(f"sqlite:///{path}")
    try:
        with engine.connect() as conn:
            return conn.execute(sa.select(orgs.c.id).where(orgs.c.id == data["report_org"])).first() is not None
    except sa.exc.DBAPIError:
        return False
    finally:
        engine.dispose()


@click.command("demo")
@click.option("--db", "path", default=DEFAULT_PATH, show_default=True, metavar="FILE",
              help="The SQLite file to create.")
@click.option("--force", is_flag=True, help="Overwrite the file if it exists.")
@click.option("--region", "code", default=None, help="Region whose demo to build (default: the only installed region that ships demo data, else the first by code).")
@click.option("--seed", type=int, default=SEED, show_default=True, help="Random seed: the same seed, the same demo.")
@click.option("--all", "show_all", is_flag=True, help="List every teacher in the report, not only those short.")
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True,
              help="Language (语言) of the demo's report: zh (中文) or en, as `xuefen report --lang`.")
def demo_cmd(path, force, code, seed, show_all, lang):
    """Build a demo registry (invented teachers of an invented district), approve its claims, print its report."""
    from xuefen_cli import demo_runner
    from xuefen.store import open_engine
    from xuefen_cli.commands.certificate import show_demo_certificates
    from xuefen_cli.commands.migrate import show_demo_migrations
    from xuefen.reports import build_report
    from xuefen_cli.commands.reports import show_report

    started = time.perf_counter()
    p = Path(path)
    region, data, note = demo_region(code, seed)
    c = console()
    if note:
        c.print(note)
    if p.exists() and not force:
        if not _is_demo(p, data):
            raise InputError(f"{p}: already exists and is not a demo registry; pass --force to overwrite it, "
                             f"or --db to choose another file")
        c.print(f"replacing the earlier demo in {p}")
    for suffix in ("", "-wal", "-shm", "-journal"):
        q = Path(str(p) + suffix)
        if q.exists():
            q.unlink()
    url = f"sqlite:///{p}"
    keys_dir = Path(str(p.with_suffix("")) + ".keys")
    if keys_dir.exists():  # the earlier demo's keys go with it
        import shutil
        shutil.rmtree(keys_dir)
    keys_dir.mkdir(mode=0o700, parents=True)
    engine = open_engine(url)
    schools = [o for o in data["orgs"] if o["level"] == "school"]
    c.print(Rule(f"xuefen demo · {region}"))
    c.print(f"importing {len(data['orgs'])} org units ({len(schools)} schools), {len(data['actors'])} admins, "
            f"{len(data['teachers'])} teachers and {len(data['activities'])} activities (invented people) …")
    tally = demo_runner.run(engine, data, seed, keys_dir=keys_dir)
    approved = sum(tally.approved.values())
    c.print(f"reviewed as the school, county and city admins would: [bold]{approved}[/] approvals, "
            f"{sum(tally.returned.values())} returned to the teacher ({tally.resubmitted} resubmitted), "
            f"{sum(tally.rejected.values())} rejected, {tally.revoked} revoked as falsified; "
            f"{tally.entries} ledger entries posted")
    for rule, n in sorted(tally.refused.items()):
        c.print(f"  [yellow]{n} action(s) refused by {rule}[/] (e.g. more than the cohort's share graded excellent)")
    with engine.begin() as conn:
        report = build_report(conn, data["report_org"], int(data["year"]))
    show_report(report, short_only=not show_all, out=c, lang=lang)
    reviewed_on = dt.date(int(data["year"]) + 1, 1, 15)  # the day demo_runner.run reviews on
    migrations = show_demo_migrations(c, engine, region, reviewed_on, tally.keys[demo_runner.ADMIN])
    issued = show_demo_certificates(c, engine, data, reviewed_on, tally.keys)
    elapsed = time.perf_counter() - started
    c.print(Rule(f"built {p} in {elapsed:.1f} s"))
    first = data["teachers"][0]["id"]
    school_admin = next(a["id"] for a in data["actors"] if a["role"] == "school_admin")
    c.print("next, try:")
    for cmd in (f"xuefen --db {url} status {first}",
                f"xuefen --db {url} report --org {data['report_org']} --year {data['year']} --redact",
                f"xuefen --db {url} queue --as {school_admin}",
                *(f"xuefen --db {url} migrate {m}" for m in migrations),
                *([f"xuefen --db {url} certificate list --org {data['report_org']}",
                   f"xuefen --db {url} certificate pdf {issued[0].serial} -o certificate.pdf",
                   f"xuefen --db {url} certificate verify {issued[0].verification_code}"] if issued else []),
                f"xuefen --db {url} audit verify"):
        c.print(f"  [cyan]{cmd}[/]")
    checkpoint = p.with_suffix("").name + ".checkpoint.json"
    c.print(f"every action is signed; the invented actors' private keys are in {keys_dir}/. To act as one:")
    c.print(f"  [cyan]export XUEFEN_KEYS_DIR={keys_dir}[/]")
    c.print(f"  [cyan]xuefen --db {url} audit checkpoint -o {checkpoint} --as {demo_runner.ADMIN}[/]")
    c.print(f"  [cyan]xuefen --db {url} audit verify --checkpoint {checkpoint}[/]")

COMMANDS = [demo_cmd]
