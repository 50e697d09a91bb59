"""The approval workflow: ``submit``, ``queue``, ``approve``, ``return``, ``reject``, ``revoke``, ``claims``.

Every action names its actor (``--as``) and is signed with the actor's key
(:mod:`xuefen_cli.signing`); a refused action exits 3 and changes nothing, a
claim changed by someone else meanwhile exits 4.
"""
from __future__ import annotations

import datetime as dt
import sys

import click
from rich.table import Table

from xuefen.errors import Conflict, InputError, NotFound, RefusedAction, XuefenError
from xuefen_cli.output import console, print_json
from xuefen_cli.signing import signer_for, signing


def _engine(ctx):
    from xuefen.store import open_engine

    return open_engine(ctx.obj["db_url"])


def _day(value):
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise InputError(f"--on: {value!r} is not a date (YYYY-MM-DD)") from None


AS = click.option("--as", "actor", required=True, metavar="ACTOR", help="The actor whose queue to show.")
VERSION = click.option("--expect-version", "version", type=int, default=None,
                       help="The claim version you looked at; refused (exit 4) if someone changed it since.")
ON = click.option("--on", "on", metavar="DATE", default=None, help="Day of the action (default: today).")
JSON = click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")


def _show(outcome: actions.Outcome) -> None:
    c = console()
    c.print(f"{outcome.claim}: {outcome.before} → [bold]{outcome.after}[/] by {outcome.actor} "
            f"(version {outcome.version})")
    for e in outcome.entries:
        j = e.as_json()
        amount = " ".join(f"{j[u]} {u}" for u in ("hours", "credits") if j[u] is not None)
        c.print(f"  {'reversed' if e.reverses else 'posted'} {amount} for {e.activity} ({e.year}) "
                f"{e.rule} {e.article}")
    for r in outcome.refused:
        c.print(f"  [yellow]nothing earned[/] by {r.activity}: {r.reason} ({r.rule}, {r.article})")
    for w in outcome.warnings:
        c.print(f"  [yellow]warning[/] {w.rule} ({w.article}): {w.message}")
    if outcome.certificate:
        c.print(f"  cycle certified: certificate {outcome.certificate}")


def _one(ctx, claim_id, action, signer, as_json, **kw):
    from xuefen.claims import actions

    outcome = actions.run(_engine(ctx), claim_id, action, signer, **kw)
    if as_json:
        print_json(outcome.as_json())
    else:
        _show(outcome)


@click.command("submit")
@click.argument("teacher")
@click.argument("activity", required=False)
@signing
@click.option("--cycle", is_flag=True, help="Submit the teacher's current cycle for review instead.")
@ON
@JSON
@click.pass_context
def submit_cmd(ctx, teacher, activity, actor, key_path, cycle, on, as_json):
    """Submit an activity (or with --cycle, the teacher's cycle) for review; resubmit a returned claim."""
    from xuefen.claims import actions
    from xuefen.store.schema import claims
    import sqlalchemy as sa

    if not cycle and not activity:
        raise InputError("submit: give an ACTIVITY id, or --cycle")
    signer = signer_for(actor, key_path)
    engine = _engine(ctx)
    day = _day(on)
    with engine.begin() as conn:
        purpose = "cycle" if cycle else "activity"
        q = sa.select(claims).where(claims.c.teacher_id == teacher, claims.c.purpose == purpose)
        if not cycle:
            q = q.where(claims.c.activity_id == activity)
        else:
            q = q.where(claims.c.state == actions.RETURNED)
        existing = conn.execute(q).first()
        if existing is not None and existing.state == actions.RETURNED:
            outcome = actions.act(conn, existing.id, "resubmit", signer, as_of=day)
            result = outcome.as_json()
        elif existing is not None:
            raise RefusedAction(f"claim {existing.id} already exists and is {existing.state}")
        else:
            cid = actions.open_claim(conn, signer, teacher, None if cycle else activity, purpose=purpose,
                                     as_of=day)
            row = actions.claim_row(conn, cid)
            result = {"claim": cid, "action": "submit", "actor": actor, "after": row.state, "version": row.version}
    if as_json:
        print_json(result)
    else:
        console().print(f"{result['claim']}: submitted, now [bold]{result['after']}[/] (version {result['version']})")


@click.command("queue")
@AS
@JSON
@click.option("--on", "on", metavar="DATE", default=None,
              help="Show what each claim would earn if finally approved on this day (default: today).")
@click.pass_context
def queue_cmd(ctx, actor, as_json, on):
    """What waits for ACTOR: claims at a stage this actor serves, oldest first, with what each activity is
    (kind, level, date, hours, days, its evidence fields) and what final approval would post under the
    region's rules."""
    from xuefen.claims import queues

    with _engine(ctx).begin() as conn:
        rows = queues.queue(conn, actor)
        described = queues.describe(conn, rows, _day(on))
    items = []
    for r, d in zip(rows, described):
        a = d["activity"] or {}
        items.append({"claim": r.id, "teacher": r.teacher_id, "teacher_name": r.teacher_name, "school": r.school_id,
                      "activity": r.activity_id, "purpose": r.purpose, "state": r.state, "version": r.version,
                      "submitted": r.created_at.isoformat(), "kind": a.get("kind"), "level": a.get("level"),
                      "date": a.get("date"), "hours": a.get("hours"), "days": a.get("days"),
                      "evidence": a.get("evidence"), "earns": d["earns"]})
    if as_json:
        print_json(items)
        return
    show_queue(actor, items)


def _earns_text(earns) -> str:
    if earns is None:
        return "cycle review"
    lines = []
    for e in earns["entries"]:
        amount = " ".join(f"{e[u]} {u}" for u in ("hours", "credits") if e[u] is not None)
        lines.append(f"{amount} {e['rule']}")
    for r in earns["refused"]:
        lines.append(f"nothing: {r['reason']} ({r['rule']})")
    if earns.get("error"):
        lines.append(f"cannot convert: {earns['error']}")
    return "\n".join(lines) or "nothing"


def show_queue(actor: str, items: list[dict], out=None) -> None:
    """The queue as a table that fits the terminal (80 columns when not a terminal): the claim id — what
    one types next — is never cut (a long one folds onto a second line); the other cells wrap."""
    c = out or console()
    total = max(c.width, 60)
    claim_w = min(max((len(i["claim"]) for i in items), default=5), 36)
    rest = total - claim_w - 6  # two column separators of 3
    t = Table(title=f"queue of {actor} ({len(items)})", title_justify="left", show_lines=True, show_edge=False,
              pad_edge=False)
    t.add_column("claim", overflow="fold", width=claim_w)
    t.add_column("teacher / activity", overflow="fold", width=rest // 2)
    t.add_column("earns if approved / evidence", overflow="fold", width=rest - rest // 2)
    for i in items:
        claim = f"{i['claim']}\n[dim]{i['state']} v{i['version']}[/]"
        who = f"{i['teacher_name'] or ''} {i['teacher']}".strip()
        if i["purpose"] == "activity":
            amounts = " · ".join(x for x in (f"{i['hours']} hours" if i["hours"] is not None else "",
                                             f"{i['days']} days" if i["days"] is not None else "") if x)
            what = (f"{who}\n{i['kind']} · {i['level'] or 'no level'}\n{i['date']} · "
                    f"{amounts or '[red]no hours or days[/]'}")
        else:
            what = f"{who}\ncycle review"
        evidence = "\n".join(f"[dim]{k}[/]={v}" for k, v in (i["evidence"] or {}).items())
        t.add_row(claim, what, _earns_text(i["earns"]) + (f"\n{evidence}" if evidence else ""))
    c.print(t, soft_wrap=False)


@click.command("approve")
@click.argument("claim_ids", nargs=-1)
@signing
@click.option("--all-queued", is_flag=True, help="Approve every claim in ACTOR's queue.")
@VERSION
@ON
@JSON
@click.pass_context
def approve_cmd(ctx, claim_ids, actor, key_path, all_queued, version, on, as_json):
    """Approve claims at their current stage, signed with ACTOR's key.

    Final approval posts the entries the activity earns (the same conversion as
    ``xuefen evaluate``) or certifies the cycle. Several claims (or
    ``--all-queued``) are one signed action in one transaction: each one that is
    refused or in conflict is reported and left as it was, the others go on; the
    exit code is then that of the first failure.
    """
    from xuefen.claims import actions, queues

    signer = signer_for(actor, key_path)
    engine = _engine(ctx)
    ids = list(claim_ids)
    if all_queued:
        with engine.begin() as conn:
            ids += [r.id for r in queues.queue(conn, actor) if r.id not in ids]
    if not ids:
        if all_queued:
            if as_json:
                print_json([])
            else:
                console().print(f"nothing waits for {actor}")
            return
        raise InputError("approve: give CLAIM ids, or --all-queued")
    if version is not None and len(ids) > 1:
        raise InputError("approve: --expect-version applies to one claim")
    if len(ids) == 1 and not all_queued:
        _one(ctx, ids[0], "approve", signer, as_json, version=version, as_of=_day(on))
        return
    results = []
    first_error: XuefenError | None = None

    def each(cid, outcome):  # shown as each claim is decided (committed together at the end)
        nonlocal first_error
        if isinstance(outcome, actions.Outcome):
            results.append(outcome.as_json())
            if not as_json:
                _show(outcome)
                sys.stdout.flush()
            return
        first_error = first_error or outcome
        results.append({"claim": cid, "action": "approve", "actor": actor, "error": str(outcome),
                        "exit_code": outcome.exit_code})
        if not as_json:
            click.echo(f"error: {outcome}", err=True)

    from xuefen.claims import bulk

    bulk.approve_many(engine, ids, signer, on_each=each, as_of=_day(on))
    if as_json:
        print_json(results)
    else:
        done = sum(1 for r in results if "error" not in r)
        console().print(f"approved {done} of {len(results)} claim(s)")
    if first_error is not None:
        sys.exit(first_error.exit_code)


def _reasoned(name, help_text):
    @click.command(name, help=help_text)
    @click.argument("claim_id")
    @signing
    @click.option("--reason", required=True, help="Why (recorded on the claim and in the audit log).")
    @VERSION
    @ON
    @JSON
    @click.pass_context
    def cmd(ctx, claim_id, actor, key_path, reason, version, on, as_json):
        _one(ctx, claim_id, name, signer_for(actor, key_path), as_json, reason=reason, version=version,
             as_of=_day(on))

    return cmd


return_cmd = _reasoned("return", "Send a claim back to the teacher for correction (resubmitting restarts its review).")
reject_cmd = _reasoned("reject", "Reject a claim for good, with a reason.")


@click.command("revoke")
@click.argument("claim_id")
@signing
@click.option("--reason", required=True, help="Why (recorded on the claim and in the audit log).")
@click.option("--falsified", is_flag=True, help="The claim was falsified: also record it in the teacher's "
              "integrity file.")
@VERSION
@ON
@JSON
@click.pass_context
def revoke_cmd(ctx, claim_id, actor, key_path, reason, falsified, version, on, as_json):
    """Revoke an approved claim: reversing entries cancel what it posted."""
    _one(ctx, claim_id, "revoke", signer_for(actor, key_path), as_json, reason=reason, falsified=falsified, version=version,
         as_of=_day(on))


@click.command("claims")
@click.argument("teacher", required=False)
@click.option("--teacher", "teacher_opt", default=None, metavar="TEACHER",
              help="The same as the TEACHER argument (the older spelling).")
@JSON
@click.pass_context
def claims_cmd(ctx, teacher, teacher_opt, as_json):
    """A teacher's claims, their state, version and reason: ``xuefen claims TEACHER`` (as ``status TEACHER``)."""
    from xuefen.claims import queues

    if teacher and teacher_opt and teacher != teacher_opt:
        raise InputError(f"claims: two teachers given ({teacher} and --teacher {teacher_opt}); give one")
    teacher_id = teacher or teacher_opt
    if not teacher_id:
        raise InputError("claims: give the TEACHER id (xuefen claims TEACHER)")

    with _engine(ctx).begin() as conn:
        rows = queues.claims_of(conn, teacher_id)
        if not rows:
            from xuefen.store import repo
            repo.teacher(conn, teacher_id)  # NotFound when the teacher is unknown
    items = [{"claim": r.id, "activity": r.activity_id, "purpose": r.purpose, "state": r.state,
              "version": r.version, "reason": r.reason, "stages": [s["name"] for s in r.stages],
              "updated": r.updated_at.isoformat()} for r in rows]
    if as_json:
        print_json(items)
        return
    t = Table("claim", "purpose", "state", "version", "reason", title=f"claims of {teacher_id}")
    for i in items:
        t.add_row(i["claim"], i["purpose"], i["state"], str(i["version"]), i["reason"] or "")
    console().print(t)


@click.command("amend")
@click.argument("activity")
@signing
@click.option("--set", "sets", multiple=True, metavar="FIELD=VALUE", required=True,
              help="A field of the activity and its corrected value, as in a table cell (an empty VALUE removes "
                   "an optional field). Repeatable.")
@click.option("--teacher", "teacher_id", default=None, metavar="TEACHER",
              help="The teacher, when several have an activity of that id.")
@click.option("--reason", default=None, help="Why (recorded on the claim and in the audit log).")
@VERSION
@JSON
@click.pass_context
def amend_cmd(ctx, activity, actor, key_path, sets, teacher_id, reason, version, as_json):
    """Correct an activity before final approval: its claim goes back to the first stage.

    ACTIVITY is the claim id (activity:TEACHER:ACTIVITY), TEACHER/ACTIVITY, or the activity id. An
    administrator of the teacher's school (who registers its records) or the reviewer of the claim's stage
    may correct it, never the teacher. An approved claim is never changed: revoke it (the reversal is
    posted) and register the corrected activity anew.
    """
    from xuefen.claims import amend, queues

    changes = amend.parse_sets(sets)
    signer = signer_for(actor, key_path)
    with _engine(ctx).begin() as conn:
        claim = amend.resolve(conn, activity, teacher_id)
        done = amend.amend(conn, signer, claim.id, changes, version=version, reason=reason)
        row = next((r for r in queues.queue_rows(conn, [done.outcome.claim])), None)
        earns = queues.describe(conn, [row])[0]["earns"] if row is not None else None
    result = {**done.as_json(), "earns": earns}
    if as_json:
        print_json(result)
        return
    c = console()
    c.print(f"{done.outcome.claim}: amended, {done.outcome.before} → [bold]{done.outcome.after}[/] by "
            f"{done.outcome.actor} (version {done.outcome.version})")
    for field, before, after in done.changes:
        c.print(f"  {field}: {before if before is not None else '—'} → {after if after is not None else '—'}")
    if earns is not None:
        c.print(f"  would now earn: {_earns_text(earns)}")


@click.command("withdraw")
@click.argument("activity")
@signing
@click.option("--teacher", "teacher_id", default=None, metavar="TEACHER",
              help="The teacher, when several have an activity of that id.")
@click.option("--reason", default=None, help="Why (recorded on the claim and in the audit log).")
@VERSION
@JSON
@click.pass_context
def withdraw_cmd(ctx, activity, actor, key_path, teacher_id, reason, version, as_json):
    """Withdraw an activity before final approval: its claim ends withdrawn and counts nowhere.

    The same actors as for ``amend`` may; an approved claim is revoked instead (``xuefen revoke``)."""
    from xuefen.claims import amend

    signer = signer_for(actor, key_path)
    with _engine(ctx).begin() as conn:
        claim = amend.resolve(conn, activity, teacher_id)
        outcome = amend.withdraw(conn, signer, claim.id, reason=reason, version=version)
    if as_json:
        print_json(outcome.as_json())
    else:
        console().print(f"{outcome.claim}: {outcome.before} → [bold]{outcome.after}[/] by {outcome.actor} "
                        f"(version {outcome.version})")


COMMANDS = [submit_cmd, queue_cmd, approve_cmd, return_cmd, reject_cmd, revoke_cmd, claims_cmd, amend_cmd,
            withdraw_cmd]
