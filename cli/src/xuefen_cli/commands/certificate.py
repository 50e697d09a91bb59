"""``xuefen certificate issue|show|list``: certificates the region's ``xuefen_certificate`` says are due.

Region-neutral: the region decides eligibility, title, issuer, validity and
whether issuing starts the next cycle; :mod:`xuefen.claims.certificates` issues it
once per span with a serial number, through the audit log. A refused issue
(not due, already issued, wrong actor) exits 3 and changes nothing.
"""
from __future__ import annotations

import datetime as dt

import click
from rich.table import Table

from xuefen_cli.output import console, print_json
from xuefen_cli.signing import signer_for, signing

JSON = click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
ON = click.option("--on", "on", metavar="DATE", default=None, help="Day to evaluate or check on (default: today).")


@click.group("certificate")
def certificate_group():
    """Issue, show and list teachers' certificates."""


@certificate_group.command("issue")
@click.argument("teacher")
@signing
@click.option("--kind", default=None, metavar="KIND",
              help="Which certificate (e.g. cycle, new_teacher); default: the region's main one.")
@click.option("--dry-run", is_flag=True, help="Only say whether it is due; issue nothing.")
@ON
@JSON
@click.pass_context
def issue_cmd(ctx, teacher, actor, key_path, kind, dry_run, on, as_json):
    """Issue TEACHER's certificate, evaluated from approved claims as of --on (the issue date)."""
    from xuefen.claims import certificates
    from xuefen.store import open_engine

    day = certificates.parse_day(on)
    engine = open_engine(ctx.obj["db_url"])
    if dry_run:
        with engine.connect() as conn:
            d = certificates.decide(conn, teacher, kind=kind, on=day)
        out = {"teacher": d.teacher, "region": d.region, "kind": d.kind, "on": d.on.isoformat(),
               "certificate": d.spec.as_json(), "already_issued": d.issued.serial if d.issued else None}
        if as_json:
            print_json(out)
            return
        c = console()
        s = d.spec
        c.print(f"{d.teacher}: {d.kind} certificate on {d.on}: "
                f"{'due' if s.eligible and not d.issued else 'not due'} ({s.rule}, {s.article}) {s.reason}")
        if d.issued:
            c.print(f"  already issued: {d.issued.serial} on {d.issued.issued_on}")
        return
    signer = signer_for(actor, key_path)
    with engine.begin() as conn:
        cert = certificates.issue(conn, teacher, signer, kind=kind, on=day)
    if as_json:
        print_json(cert.as_json())
        return
    _show(cert, cert.issued_on)


@certificate_group.command("show")
@click.argument("serial")
@ON
@JSON
@click.pass_context
def show_cmd(ctx, serial, on, as_json):
    """Show a certificate (by serial number or id) and whether it is valid on --on."""
    from xuefen.claims import certificates
    from xuefen.store import open_engine

    day = certificates.parse_day(on) or dt.date.today()
    with open_engine(ctx.obj["db_url"]).connect() as conn:
        cert = certificates.get(conn, serial)
    if as_json:
        print_json(cert.as_json(day))
        return
    _show(cert, day)


@certificate_group.command("list")
@click.option("--teacher", "teacher_id", default=None, help="Only this teacher's.")
@click.option("--org", "org_id", default=None, help="Only teachers of schools under this org unit.")
@click.option("--kind", default=None, help="Only this kind (cycle, new_teacher, …).")
@ON
@JSON
@click.pass_context
def list_cmd(ctx, teacher_id, org_id, kind, on, as_json):
    """List certificates issued, oldest first, with their validity on --on."""
    from xuefen.claims import certificates
    from xuefen.store import open_engine

    day = certificates.parse_day(on) or dt.date.today()
    with open_engine(ctx.obj["db_url"]).connect() as conn:
        found = certificates.list_(conn, teacher_id=teacher_id, org_id=org_id, kind=kind)
    if as_json:
        print_json([c.as_json(day) for c in found])
        return
    t = Table("serial", "teacher", "kind", "issued", "valid until", f"on {day}", "rule", "title",
              title=f"{len(found)} certificate(s)")
    for c in found:
        t.add_row(c.serial, c.teacher, c.kind, str(c.issued_on), str(c.valid_until or "—"), c.status_on(day),
                  f"{c.rule} {c.article}", c.title or "")
    console().print(t)


def _show(cert: certificates.Certificate, day: dt.date) -> None:
    c = console()
    c.print(f"[bold]{cert.serial}[/] {cert.title or cert.kind}")
    c.print(f"  teacher {cert.teacher} ({cert.region}), kind {cert.kind}, issued {cert.issued_on} by "
            f"{cert.issuer or '—'}")
    if cert.cycle_start:
        c.print(f"  cycle {cert.cycle_start} – {cert.cycle_end}")
    c.print(f"  valid until {cert.valid_until or '(no end)'}; on {day}: {cert.status_on(day)}")
    c.print(f"  {cert.rule} ({cert.article}) {cert.data.get('reason', '')}")
    if cert.data.get("starts_cycle"):
        c.print(f"  the teacher's next cycle runs from {cert.issued_on}")


def show_demo_certificates(c, engine, data: dict, on: dt.date, keys: dict) -> list:
    """``xuefen demo``: issue the certificates due after the reviews, by the admins the region's route names
    (``keys``: actor id → signing key)."""
    from xuefen.claims import certificates

    admins = sorted((a for a in data["actors"] if a["role"].endswith("_admin")),
                    key=lambda a: ("school county city province".split().index(a["role"].split("_")[0]), a["id"]))
    issued = certificates.issue_due(engine, [t["id"] for t in data["teachers"]], [keys[a["id"]] for a in admins], on)
    if issued:
        first = issued[0]
        c.print(f"issued {len(issued)} certificate(s) due on {on} (e.g. {first.serial}: {first.title or first.kind}, "
                f"{first.teacher}, valid until {first.valid_until or '(no end)'}; {first.rule} {first.article})")
    return issued


COMMANDS = [certificate_group]
