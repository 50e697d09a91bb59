"""Certificates: issue once per span, a serial number, validity, the next cycle.

The region decides through ``xuefen_certificate(kind=...)`` whether a
certificate is due, its title and issuer, its last valid day, the span it is
issued once for (``once_from``) and whether issuing it starts the teacher's
next cycle (``starts_cycle``). This module only carries that out, for any
region:

- the teacher is evaluated from the database (approved claims only) as of the
  issue date, exactly as ``status`` does;
- a certificate is refused when the region says it is not due, or when one of
  the same kind was already issued for the same span (the certificate row's id
  is ``TEACHER:KIND:ONCE_FROM``, so even two concurrent issuers cannot both
  succeed, and the cycle certification of :mod:`xuefen.claims.actions` writes the
  same id);
- the row goes into ``certificates`` through the audit log with a serial
  number ``REGION-KIND-YEAR-NNNNNN`` (sequential per region, kind and year);
- with ``starts_cycle`` the teacher's ``previous_certificate_on`` and
  ``cycle_start`` become the issue date, also through the audit log.

Who may issue: an active admin whose unit contains the teacher's school; for
the cycle certificate, the reviewer of the last stage of the region's cycle
route (``xuefen_approval_stages(purpose="cycle")``). Never the teacher.

Verification codes (docs/trust.md, *Certificate verification codes*): every
certificate gets a random code when it is written (:func:`new_code`, 100 bits
from :mod:`secrets`, stored in ``data["verification_code"]``, so the row's audit
image covers it). ``verify`` looks a code up and says for whom, for which cycle,
until when and whether it was revoked. A certificate written before codes gets
one through :func:`assign_codes`, a signed action. :func:`revoke` withdraws a
certificate (signed, citing the rule), which ``verify`` then reports.
"""
from __future__ import annotations

import datetime as dt
import re
import secrets

import attrs
import sqlalchemy as sa

from xuefen import audit, registry
from xuefen.claims.authority import actor_row, is_own, management_refusal, refusal_for
from xuefen.errors import InputError, NotFound, RefusedAction
from xuefen.model import CertificateSpec, Evaluation
from xuefen.store import repo
from xuefen.store.schema import certificates, teachers

#: the certificate a region issues when no kind is asked for
MAIN_KIND = "cycle"


@attrs.frozen
class Certificate:
    """One issued certificate (a ``certificates`` row)."""

    id: str
    serial: str
    teacher: str
    region: str
    kind: str
    issued_on: dt.date
    rule: str
    article: str
    title: str | None = None
    issuer: str | None = None
    cycle_start: dt.date | None = None
    cycle_end: dt.date | None = None
    valid_until: dt.date | None = None  #: last valid day, inclusive; None: no end
    data: dict = attrs.field(factory=dict, hash=False)

    @property
    def verification_code(self) -> str | None:
        """The code printed on the certificate and in its QR (None: written before codes, not assigned yet)."""
        return self.data.get("verification_code")

    @property
    def revoked(self) -> dict | None:
        """``{"on", "by", "reason", "rule", "article"}`` once revoked, else None."""
        return self.data.get("revoked")

    @classmethod
    def from_row(cls, row) -> "Certificate":
        m = row._mapping
        return cls(id=m["id"], serial=m["serial"], teacher=m["teacher_id"], region=m["region"], kind=m["kind"],
                   issued_on=m["issued_on"], rule=m["rule"], article=m["article"], title=m["title"],
                   issuer=m["issuer"], cycle_start=m["cycle_start"], cycle_end=m["cycle_end"],
                   valid_until=m["valid_until"], data=dict(m["data"] or {}))

    def status_on(self, day: dt.date) -> str:
        """``valid``, ``expired``, ``not_yet_issued`` or ``revoked`` on ``day`` (``valid_until`` is the last
        valid day; a revoked certificate is ``revoked`` from its revocation day on)."""
        rv = self.revoked
        if rv and day >= dt.date.fromisoformat(rv["on"]):
            return "revoked"
        if day < self.issued_on:
            return "not_yet_issued"
        if self.valid_until is not None and day > self.valid_until:
            return "expired"
        return "valid"

    def as_json(self, on: dt.date | None = None) -> dict:
        d = {"id": self.id, "serial": self.serial, "teacher": self.teacher, "region": self.region,
             "kind": self.kind, "title": self.title, "issuer": self.issuer,
             "issued_on": self.issued_on.isoformat(),
             "valid_until": self.valid_until.isoformat() if self.valid_until else None,
             "cycle_start": self.cycle_start.isoformat() if self.cycle_start else None,
             "cycle_end": self.cycle_end.isoformat() if self.cycle_end else None,
             "rule": self.rule, "article": self.article, "data": audit.jsonable(self.data),
             "verification_code": self.verification_code, "revoked": self.revoked}
        if on is not None:
            d["on"] = on.isoformat()
            d["status"] = self.status_on(on)
        return d


# -- reading ---------------------------------------------------------------------------------


def get(conn, key: str) -> Certificate:
    """A certificate by serial number or id."""
    row = conn.execute(sa.select(certificates).where(sa.or_(certificates.c.serial == key,
                                                            certificates.c.id == key))).first()
    if row is None:
        raise NotFound(f"certificate {key!r} not found (give a serial number or a certificate id)")
    return Certificate.from_row(row)


def list_(conn, *, teacher_id: str | None = None, org_id: str | None = None, kind: str | None = None,
          region: str | None = None) -> list[Certificate]:
    """Certificates, oldest first; filtered by teacher, by org unit (every school under it), kind, region."""
    q = sa.select(certificates)
    if teacher_id is not None:
        q = q.where(certificates.c.teacher_id == teacher_id)
    if kind is not None:
        q = q.where(certificates.c.kind == kind)
    if region is not None:
        q = q.where(certificates.c.region == region)
    if org_id is not None:
        ids = [r.id for r in repo.teachers_under(conn, org_id)]
        if not ids:
            return []
        q = q.where(certificates.c.teacher_id.in_(ids))
    rows = conn.execute(q.order_by(certificates.c.issued_on, certificates.c.serial))
    return [Certificate.from_row(r) for r in rows]


# -- deciding --------------------------------------------------------------------------------


@attrs.frozen
class Decision:
    """What the region says about a certificate for one teacher on one day."""

    teacher: str
    region: str
    kind: str
    on: dt.date
    spec: CertificateSpec
    evaluation: Evaluation
    once_from: dt.date | None
    issued: Certificate | None  #: the one already issued for this span, if any

    @property
    def cert_id(self) -> str:
        span = self.once_from.isoformat() if self.once_from else "once"
        return repo.derived_id(f"{self.teacher}:{self.kind}:{span}")


def decide(conn, teacher_id: str, *, kind: str | None = None, on: dt.date | None = None) -> Decision:
    """Evaluate the teacher as of ``on`` and ask the region about the certificate of ``kind``."""
    on = on or dt.date.today()
    teacher, region = repo.teacher(conn, teacher_id)
    rt = registry.region_runtime(conn, region)
    ev = registry.evaluate_teacher(conn, teacher_id, on)
    spec = rt.hook.xuefen_certificate(teacher=teacher, cycle=ev.cycle, evaluation=ev, settings=rt.settings,
                                      kind=kind)
    if spec is None:
        raise RefusedAction(f"teacher {teacher_id}: region {region} issues no "
                            f"{(kind + ' ') if kind else ''}certificate")
    kind = kind or spec.kind or MAIN_KIND
    once_from = spec.once_from or (ev.cycle.start if ev.cycle is not None else None)
    return Decision(teacher=teacher_id, region=region, kind=kind, on=on, spec=spec, evaluation=ev,
                    once_from=once_from, issued=_already(conn, teacher_id, kind, once_from))


def _already(conn, teacher_id: str, kind: str, once_from: dt.date | None) -> Certificate | None:
    """A certificate of ``kind`` already issued to the teacher for the span starting ``once_from``."""
    q = sa.select(certificates).where(certificates.c.teacher_id == teacher_id, certificates.c.kind == kind)
    if once_from is not None:
        q = q.where(sa.or_(certificates.c.cycle_start == once_from, certificates.c.issued_on >= once_from))
    row = conn.execute(q.order_by(certificates.c.issued_on.desc())).first()
    return Certificate.from_row(row) if row is not None else None


# -- issuing ---------------------------------------------------------------------------------


def _check_actor(conn, actor_id: str, teacher_id: str, kind: str, region: str) -> None:
    actor = actor_row(conn, actor_id)
    teacher, _ = repo.teacher(conn, teacher_id)
    chain = repo.ancestors(conn, teacher.school_id)
    if not actor.active:
        raise RefusedAction(f"actor {actor.id} is inactive")
    if is_own(actor, teacher_id):
        raise RefusedAction(f"actor {actor.id} may not issue a certificate to themselves")
    if kind == MAIN_KIND:
        rt = registry.region_runtime(conn, region)
        stages = rt.hook.xuefen_approval_stages(activity=None, teacher=teacher, settings=rt.settings,
                                                purpose="cycle")
        if stages:
            why = refusal_for(actor, teacher_id, stages[-1], chain)
            if why:
                raise RefusedAction(f"certificate: {why}")
            return
    if not actor.role.endswith("_admin"):
        raise RefusedAction(f"certificate: {actor.id} is a {actor.role}; an admin issues certificates")
    if not any(o.id == actor.org_id for o in chain):
        school = chain[0].id if chain else None
        raise RefusedAction(f"certificate: actor {actor.id}'s unit {actor.org_id} does not contain the teacher's "
                            f"school {school}")


def next_serial(conn, region: str, kind: str, year: int) -> str:
    """``REGION-KIND-YEAR-NNNNNN``: one more than the highest of that region, kind and year."""
    prefix = f"{region}-{kind}-{year}-".upper()
    found = conn.execute(sa.select(certificates.c.serial)
                         .where(certificates.c.serial.like(prefix + "%"))).scalars().all()
    numbers = [int(m.group(1)) for s in found if (m := re.fullmatch(re.escape(prefix) + r"(\d+)", s))]
    return f"{prefix}{max(numbers, default=0) + 1:06d}"


def issue(conn, teacher_id: str, signer, *, kind: str | None = None,
          on: dt.date | None = None) -> Certificate:
    """Issue the certificate of ``kind`` (the region's main one by default) inside the caller's transaction,
    as a signed action of ``signer``'s actor.

    :raises RefusedAction: no valid key, not due (the region's rule and reason), already issued for this
        span, or the actor may not issue it.
    """
    with audit.acting(conn, signer, "issue_certificate", {"teacher": teacher_id, "kind": kind,
                                                           "on": on.isoformat() if on else None}) as signed:
        cert = _issue(conn, teacher_id, signer.actor_id, kind=kind, on=on)
        signed.subject.update({"serial": cert.serial})
        return cert


def _issue(conn, teacher_id: str, actor_id: str, *, kind: str | None, on: dt.date | None) -> Certificate:
    d = decide(conn, teacher_id, kind=kind, on=on)
    spec = d.spec
    if d.issued is not None:
        raise RefusedAction(f"teacher {teacher_id}: {d.kind} certificate {d.issued.serial} was already issued on "
                            f"{d.issued.issued_on} for the span from {d.once_from}; it is issued once, never twice "
                            f"({spec.rule}, {spec.article})")
    if not spec.eligible:
        raise RefusedAction(f"teacher {teacher_id}: no {d.kind} certificate on {d.on}: {spec.reason} "
                            f"({spec.rule}, {spec.article})")
    _check_actor(conn, actor_id, teacher_id, d.kind, d.region)
    return write(conn, d, actor_id)


def write(conn, d: Decision, actor_id: str, *, action: str = "issue_certificate",
          data: dict | None = None) -> Certificate:
    """Write the certificate ``d`` decided (already checked: due, not issued, actor allowed).

    Also what the workflow's cycle certification calls once the last stage approves, so a
    certificate has one serial numbering and starts the next cycle however it was issued.
    """
    spec, teacher_id = d.spec, d.teacher
    ev = d.evaluation
    counted = {r.rule: r.counted for r in ev.cycle_results}
    # what the certificate certifies, row by row, as printed on it (the cycle's; a region without a cycle:
    # the issue year's)
    results = ev.cycle_results if ev.cycle is not None else ev.year_results(d.on.year)
    keep = ("rule", "article", "unit", "label", "required", "maximum", "counted", "met", "severity")
    requirements = [{k: v for k, v in r.as_json().items() if k in keep} for r in results]
    row = {"id": d.cert_id, "serial": next_serial(conn, d.region, d.kind, d.on.year), "teacher_id": teacher_id,
           "region": d.region, "kind": d.kind, "title": spec.title, "issuer": spec.issuer,
           "cycle_start": ev.cycle.start if ev.cycle is not None else None,
           "cycle_end": ev.cycle.end if ev.cycle is not None else None, "issued_on": d.on,
           "valid_until": spec.valid_until, "rule": spec.rule, "article": spec.article,
           "data": audit.jsonable({"reason": spec.reason, "once_from": d.once_from, "counted": counted,
                                   "exemptions": list(ev.exemptions),
                                   "transitions": [t.as_json() for t in ev.transitions],
                                   "starts_cycle": spec.starts_cycle, "requirements": requirements,
                                   **(data or {}),
                                   "verification_code": new_code()})}
    audit.insert(conn, actor_id, certificates, [row], action=action)
    if spec.starts_cycle:
        audit.update(conn, actor_id, teachers, {"id": teacher_id},
                     {"previous_certificate_on": d.on, "cycle_start": d.on}, action="next_cycle")
    elif d.kind == MAIN_KIND and ev.cycle is not None:
        start_next_cycle(conn, actor_id, teacher_id, ev.cycle)
    return Certificate.from_row(conn.execute(sa.select(certificates)
                                             .where(certificates.c.id == row["id"])).first())


def start_next_cycle(conn, actor_id: str, teacher_id: str, cycle) -> None:
    """The core's rule: a certified cycle starts the next one. A region whose certificate starts the next
    cycle on its issue date says so (``CertificateSpec.starts_cycle``: Zhengzhou's 登记证书, Z-R4); otherwise
    the next cycle starts the day after the certified one ends (consecutive cycles of the region's length),
    written to the teacher's ``cycle_start`` through the audit log (``next_cycle``)."""
    nxt = cycle.end + dt.timedelta(days=1)
    current = conn.execute(sa.select(teachers.c.cycle_start).where(teachers.c.id == teacher_id)).scalar_one()
    if current != nxt:
        audit.update(conn, actor_id, teachers, {"id": teacher_id}, {"cycle_start": nxt}, action="next_cycle")


def parse_day(value: str | None, what: str = "--on") -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise InputError(f"{what}: {value!r} is not a date (YYYY-MM-DD)") from None


def issue_due(engine, teacher_ids: list[str], signers: list, on: dt.date) -> list[Certificate]:
    """Issue each teacher's main certificate where it is due on ``on``, each in its own transaction, by the
    first of ``signers`` the region's route accepts (what ``xuefen demo`` does after the reviews)."""
    with engine.connect() as conn:
        evs = registry.evaluate_teachers(conn, list(teacher_ids), on)
    out = []
    for ev in evs:
        if ev.certificate is None or not ev.certificate.eligible:
            continue
        for signer in signers:
            try:
                with engine.begin() as conn:
                    out.append(issue(conn, ev.teacher, signer, on=on))
                break
            except RefusedAction:
                continue
    return out


# -- verification codes ------------------------------------------------------------------------

#: Crockford's base 32: no I, L, O or U, so a code read aloud or typed is not misread
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
#: 20 symbols of 5 bits: 100 random bits, printed in 4 groups of 5 (``7KQ2M-…``)
CODE_SYMBOLS = 20
_TYPED = str.maketrans({"O": "0", "I": "1", "L": "1"})


def new_code() -> str:
    """A fresh verification code: 100 bits from :mod:`secrets`, nothing derived from the serial or the teacher."""
    raw = "".join(secrets.choice(ALPHABET) for _ in range(CODE_SYMBOLS))
    return "-".join(raw[i:i + 5] for i in range(0, CODE_SYMBOLS, 5))


def normalise_code(text: str) -> str:
    """The stored form of a code as typed or scanned: case, spaces and dashes ignored, O read as 0 and I/L as 1.

    :raises InputError: not 20 symbols of the alphabet, naming what is wrong.
    """
    raw = re.sub(r"[\s\-]", "", text or "").upper().translate(_TYPED)
    bad = sorted({ch for ch in raw if ch not in ALPHABET})
    if bad or len(raw) != CODE_SYMBOLS:
        why = (f"it holds {', '.join(repr(c) for c in bad)}" if bad
               else f"it has {len(raw)} letters and digits")
        raise InputError(f"{text!r} is not a certificate verification code: a code is {CODE_SYMBOLS} letters and "
                         f"digits in groups of 5, e.g. 7KQ2M-4XH9D-P0RWT-C3N8V ({why})")
    return "-".join(raw[i:i + 5] for i in range(0, CODE_SYMBOLS, 5))


def by_code(conn, code: str) -> Certificate | None:
    """The certificate carrying ``code`` (as typed or scanned), or None."""
    want = normalise_code(code)
    q = sa.select(certificates).where(certificates.c.data["verification_code"].as_string() == want)
    row = conn.execute(q).first()
    if row is None:
        return None
    cert = Certificate.from_row(row)
    # compare the whole stored value in Python too: the JSON path is the index, not the judge
    return cert if secrets.compare_digest(cert.verification_code or "", want) else None


@attrs.frozen
class Verification:
    """What ``certificate verify CODE`` tells whoever holds a code."""

    code: str
    certificate: Certificate
    name: str | None
    masked_id: str
    on: dt.date

    @property
    def status(self) -> str:
        return self.certificate.status_on(self.on)

    def as_json(self) -> dict:
        c = self.certificate
        return {"code": self.code, "found": True, "serial": c.serial, "name": self.name, "teacher": self.masked_id,
                "region": c.region, "kind": c.kind, "title": c.title, "issuer": c.issuer,
                "issued_on": c.issued_on.isoformat(),
                "cycle_start": c.cycle_start.isoformat() if c.cycle_start else None,
                "cycle_end": c.cycle_end.isoformat() if c.cycle_end else None,
                "valid_until": c.valid_until.isoformat() if c.valid_until else None,
                "rule": c.rule, "article": c.article, "on": self.on.isoformat(), "status": self.status,
                "revoked": c.revoked}


#: a mainland resident identity number (居民身份证号码): 17 digits and a check digit or X
_ID_NUMBER = re.compile(r"\d{17}[\dXx]")


def mask_id(teacher_id: str) -> str:
    """A teacher id as public verification shows it: an 18-digit identity number keeps its first 6 (the
    region) and last 4 characters, the 8 between (the birth date and more) become ``*``, as bureaus print
    them; any other id (a registry's own) is shown as it is."""
    if _ID_NUMBER.fullmatch(teacher_id):
        return teacher_id[:6] + "*" * 8 + teacher_id[-4:]
    return teacher_id


def verify(conn, code: str, on: dt.date | None = None) -> Verification | None:
    """Whether a certificate carries ``code``, and what it says on ``on`` (None: no certificate does).

    :raises InputError: ``code`` is not of the form of a code.
    """
    cert = by_code(conn, code)
    if cert is None:
        return None
    teacher, _ = repo.teacher(conn, cert.teacher)
    return Verification(code=cert.verification_code, certificate=cert, name=teacher.name,
                        masked_id=mask_id(cert.teacher), on=on or dt.date.today())


def teacher_name(conn, cert: Certificate) -> str | None:
    teacher, _ = repo.teacher(conn, cert.teacher)
    return teacher.name


def assign_codes(conn, signer, *, org_id: str | None = None, serials: list[str] | None = None) -> list[Certificate]:
    """Give every certificate written before verification codes (under ``org_id``, or those ``serials``) its
    code, in one signed action of ``signer``'s actor (``assign_verification_code`` records), who must manage
    each teacher's school (:func:`xuefen.claims.authority.management_refusal`). Certificates that have a code
    keep it: a code, once printed, never changes.

    :raises RefusedAction: the actor may not manage one of the teachers' schools (nothing is assigned).
    """
    if serials:
        found = [get(conn, s) for s in serials]
    else:
        found = list_(conn, org_id=org_id)
    todo = [c for c in found if not c.verification_code]
    with audit.acting(conn, signer, "assign_verification_codes",
                      {"org": org_id, "serials": [c.serial for c in todo]}):
        actor = actor_row(conn, signer.actor_id)
        problems = []
        for c in todo:
            teacher, _ = repo.teacher(conn, c.teacher)
            why = management_refusal(conn, actor, teacher.school_id, "assign a certificate's verification code")
            if why:
                problems.append(f"certificate {c.serial}: {why}")
        if problems:
            raise RefusedAction(problems)
        out = []
        for c in todo:
            data = {**c.data, "verification_code": new_code()}
            audit.update(conn, signer.actor_id, certificates, {"id": c.id}, {"data": audit.jsonable(data)},
                         action="assign_verification_code")
            out.append(get(conn, c.id))
        return out


def revoke(conn, key: str, signer, *, reason: str, on: dt.date | None = None,
           falsified: bool = False) -> Certificate:
    """Revoke the certificate ``key`` (serial or id) from ``on`` (default today), as a signed action.

    Who may: whoever may issue it (:func:`_check_actor`). The revocation cites a rule: with ``falsified``
    the region's integrity rule where it declares one (Lincang's L-F1), otherwise the rule the certificate
    was issued under (what it certified no longer holds). ``verify`` reports it with the actor and the rule.

    :raises RefusedAction: already revoked, no reason, or the actor may not.
    """
    on = on or dt.date.today()
    if not (reason or "").strip():
        raise RefusedAction("certificate revoke: give a --reason (it is shown to whoever verifies the code)")
    with audit.acting(conn, signer, "revoke_certificate", {"certificate": key, "on": on.isoformat()}) as signed:
        cert = get(conn, key)
        signed.subject.update({"serial": cert.serial})
        if cert.revoked:
            rv = cert.revoked
            raise RefusedAction(f"certificate {cert.serial} was already revoked on {rv['on']} by {rv['by']} "
                                f"({rv['rule']}, {rv['article']})")
        if on < cert.issued_on:
            raise RefusedAction(f"certificate {cert.serial}: --on {on} is before its issue date {cert.issued_on}")
        _check_actor(conn, signer.actor_id, cert.teacher, cert.kind, cert.region)
        rule, article = cert.rule, cert.article
        if falsified:
            region = registry.region_runtime(conn, cert.region).region
            if region.integrity_rule:
                rule, article = region.integrity_rule
        revoked = {"on": on.isoformat(), "by": signer.actor_id, "reason": reason.strip(), "rule": rule,
                   "article": article, "falsified": bool(falsified)}
        audit.update(conn, signer.actor_id, certificates, {"id": cert.id},
                     {"data": audit.jsonable({**cert.data, "revoked": revoked})}, action="revoke_certificate")
        return get(conn, cert.id)
