"""``xuefen certificate issue|show|list|pdf|verify|revoke|assign-codes``: the region's certificates.

Region-neutral: the region decides eligibility, title, issuer, validity and
whether issuing starts the next cycle; :mod:`xuefen.claims.certificates` issues it
once per span with a serial number and a random verification code, through the
audit log. A refused issue (not due, already issued, wrong actor) exits 3 and
changes nothing. ``pdf`` renders the certificate (Chinese by default, ``--lang en``)
with a QR code carrying the code; ``verify CODE`` tells whoever holds a code what it
certifies (exit 1 when no certificate carries it).
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
        name = certificates.teacher_name(conn, cert)
    if as_json:
        print_json({**cert.as_json(), "name": name})
        return
    _show(cert, cert.issued_on, name)


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
        name = certificates.teacher_name(conn, cert)
    if as_json:
        print_json({**cert.as_json(day), "name": name})
        return
    _show(cert, day, name)


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


def _show(cert: certificates.Certificate, day: dt.date, name: str | None = None) -> None:
    from rich.markup import escape

    c = console()
    c.print(f"[bold]{escape(cert.serial)}[/] {escape(cert.title or cert.kind)}")
    c.print(f"  teacher {escape(name or '(no name on record)')}, id {escape(cert.teacher)} ({cert.region}), "
            f"kind {cert.kind}, issued {cert.issued_on} by {escape(cert.issuer or '—')}")
    if cert.cycle_start:
        c.print(f"  cycle {cert.cycle_start} – {cert.cycle_end}")
    c.print(f"  valid until {cert.valid_until or '(no end)'}; on {day}: {cert.status_on(day)}")
    c.print(f"  {cert.rule} ({cert.article}) {cert.data.get('reason', '')}")
    if cert.data.get("starts_cycle"):
        c.print(f"  the teacher's next cycle runs from {cert.issued_on}")
    if cert.verification_code:
        c.print(f"  verification code {cert.verification_code} (xuefen certificate verify CODE)")
    else:
        c.print("  no verification code yet (issued before codes): xuefen certificate assign-codes --as ADMIN")
    if cert.revoked:
        rv = cert.revoked
        c.print(f"  [bold red]revoked[/] on {rv['on']} by {escape(rv['by'])}: {escape(rv['reason'])} "
                f"({rv['rule']}, {rv['article']})")


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


@certificate_group.command("pdf")
@click.argument("serial", required=False)
@click.option("-o", "--output", "output", metavar="FILE|DIR", default=None,
              help="The PDF to write (one certificate); with --all, a folder: one SERIAL.pdf per certificate.")
@click.option("--all", "all_", is_flag=True, help="Every certificate of the teachers under --org.")
@click.option("--org", "org_id", default=None, metavar="ID", help="With --all: the org unit (单位).")
@click.option("--kind", default=None, metavar="KIND", help="With --all: only this kind (cycle, new_teacher, …).")
@click.option("--one-file", "one_file", metavar="FILE", default=None,
              help="With --all: one multi-page PDF instead of a folder.")
@click.option("--lang", default="zh", show_default=True, type=click.Choice(["zh", "en"]),
              help="Language of the certificate: Chinese (中文) or English.")
@click.pass_context
def pdf_cmd(ctx, serial, output, all_, org_id, kind, one_file, lang):
    """Render a certificate (by serial number or id) as a printable PDF: A4 landscape, the region's title,
    the teacher's name and id, the cycle, what was counted per requirement (学时/学分) with its rule, the
    issuer, serial and validity, and a QR code carrying the verification code (验证码).

    \b
    xuefen certificate pdf ZHENGZHOU-CYCLE-2020-000001 -o cert.pdf
    xuefen certificate pdf --all --org ZD -o certs/          # one SERIAL.pdf each
    xuefen certificate pdf --all --org ZD --one-file all.pdf # one page each
    """
    from pathlib import Path

    from xuefen import certificate_pdf
    from xuefen.claims import certificates
    from xuefen.errors import InputError
    from xuefen.store import open_engine

    if all_:
        if serial:
            raise InputError("give a SERIAL or --all --org ID, not both")
        if not org_id:
            raise InputError("--all needs --org ID (the unit whose teachers' certificates to render)")
        if bool(output) == bool(one_file):
            raise InputError("--all needs -o DIR (one file per certificate) or --one-file FILE.pdf (one page each)")
    else:
        if not serial:
            raise InputError("give a certificate SERIAL (or --all --org ID)")
        if org_id or one_file or kind:
            raise InputError("--org, --kind and --one-file go with --all")
        if not output:
            raise InputError("give -o FILE.pdf")
    engine = open_engine(ctx.obj["db_url"])
    with engine.connect() as conn:
        if all_:
            views = certificate_pdf.views_under(conn, org_id, lang, kind=kind)
        else:
            views = [certificate_pdf.view(conn, certificates.get(conn, serial), lang)]
    engine.dispose()
    c = console()
    if not views:
        c.print(f"no certificates under {org_id}")
        return
    if all_ and output:
        folder = Path(output)
        if folder.exists() and not folder.is_dir():
            raise InputError(f"-o {output}: is a file; with --all, -o names a folder (or use --one-file)")
        folder.mkdir(parents=True, exist_ok=True)
        for v in views:
            certificate_pdf.render([v], folder / f"{v.serial}.pdf")
        c.print(f"wrote {len(views)} certificate(s) to {folder}/ (one SERIAL.pdf each)")
        return
    path = certificate_pdf.render(views, one_file or output)
    c.print(f"wrote {path} ({len(views)} page(s))")


@certificate_group.command("verify")
@click.argument("code")
@ON
@JSON
@click.pass_context
def verify_cmd(ctx, code, on, as_json):
    """Say whether a certificate carries CODE (as printed, or as its QR code reads): for whom (name and
    masked id), which cycle, valid until when, and whether it was revoked (by whom, citing the rule).

    Exit 0: a certificate carries the code (even an expired or revoked one: the output says which);
    1: no certificate carries it; 2: CODE is not of the form of a code."""
    from xuefen.claims import certificates
    from xuefen.store import open_engine

    day = certificates.parse_day(on) or dt.date.today()
    with open_engine(ctx.obj["db_url"]).connect() as conn:
        found = certificates.verify(conn, code, day)
    if found is None:
        if as_json:
            print_json({"code": certificates.normalise_code(code), "found": False})
        else:
            click.echo(f"no certificate carries the verification code {certificates.normalise_code(code)}: "
                       f"it was never issued by this registry, or it was mistyped", err=True)
        ctx.exit(1)
    if as_json:
        print_json(found.as_json())
        return
    from rich.markup import escape

    cert, c = found.certificate, console()
    status = {"valid": "[bold green]valid[/]", "expired": "[yellow]expired[/]", "revoked": "[bold red]revoked[/]",
              "not_yet_issued": "not yet issued"}[found.status]
    c.print(f"verification code {found.code}: certificate {escape(cert.serial)} {escape(cert.title or cert.kind)}")
    c.print(f"  for {escape(found.name or '(no name on record)')}, id {escape(found.masked_id)} ({cert.region})")
    if cert.cycle_start:
        c.print(f"  cycle {cert.cycle_start} – {cert.cycle_end}")
    c.print(f"  issued {cert.issued_on} by {escape(cert.issuer or '—')} ({cert.rule}, {cert.article}); "
            f"valid until {cert.valid_until or '(no end)'}")
    c.print(f"  on {day}: {status}")
    if cert.revoked:
        rv = cert.revoked
        c.print(f"  revoked on {rv['on']} by {escape(rv['by'])}: {escape(rv['reason'])} ({rv['rule']}, "
                f"{rv['article']})")


@certificate_group.command("revoke")
@click.argument("serial")
@signing
@click.option("--reason", required=True, help="Why (shown to whoever verifies the code).")
@click.option("--falsified", is_flag=True,
              help="It rests on falsified records: cite the region's integrity rule where it has one.")
@ON
@JSON
@click.pass_context
def revoke_cmd(ctx, serial, actor, key_path, reason, falsified, on, as_json):
    """Revoke a certificate (by serial number or id) from --on: `verify` then reports it as revoked, by whom
    and under which rule. Whoever may issue it may revoke it."""
    from xuefen.claims import certificates
    from xuefen_cli.signing import signed_transaction

    day = certificates.parse_day(on)
    with signed_transaction(ctx, actor, key_path) as (conn, signer):
        cert = certificates.revoke(conn, serial, signer, reason=reason, on=day, falsified=falsified)
        name = certificates.teacher_name(conn, cert)
    if as_json:
        print_json({**cert.as_json(), "name": name})
        return
    rv = cert.revoked
    console().print(f"revoked {cert.serial} from {rv['on']} ({rv['rule']}, {rv['article']})")


@certificate_group.command("assign-codes")
@signing
@click.option("--org", "org_id", default=None, help="Only certificates of teachers under this org unit.")
@click.option("--serial", "serials", multiple=True, help="Only this certificate (repeatable).")
@JSON
@click.pass_context
def assign_codes_cmd(ctx, actor, key_path, org_id, serials, as_json):
    """Give each certificate issued before verification codes its code, in one signed action (certificates
    that have a code keep it). The actor must manage each teacher's school."""
    from xuefen.claims import certificates
    from xuefen_cli.signing import signed_transaction

    with signed_transaction(ctx, actor, key_path) as (conn, signer):
        done = certificates.assign_codes(conn, signer, org_id=org_id, serials=list(serials) or None)
    if as_json:
        print_json([{"serial": c.serial, "verification_code": c.verification_code} for c in done])
        return
    console().print(f"assigned {len(done)} verification code(s)")


COMMANDS = [certificate_group]
