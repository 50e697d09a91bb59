"""Row mapping (one pair of named constructors per table) and small repositories.

Every function takes a :class:`~sqlalchemy.engine.Connection` and never
commits. Values map to rows with ``as_row`` and back with ``from_row``, never
``Cls(**row._mapping)``, so the classes stay independent of the columns.
Writes that must appear in the audit log go through :func:`xuefen.audit.insert`
/ :func:`xuefen.audit.update` with these rows.
"""
from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from typing import Any, Iterable

import attrs
import sqlalchemy as sa

from xuefen import model
from xuefen.errors import InputError, NotFound
from xuefen.io import fields as F
from xuefen.store.schema import activities, actors, claims, integrity, orgs, settings, teachers

# -- org units and actors ------------------------------------------------------


@attrs.frozen
class Org:
    """An org unit: a province, city or county education bureau, or a school."""

    id: str
    name: str
    level: str  #: ``province``, ``city``, ``county`` or ``school``
    region: str  #: region code whose rules apply
    parent_id: str | None = None

    @classmethod
    def from_row(cls, row) -> "Org":
        m = _m(row)
        return cls(id=m["id"], name=m["name"], level=m["level"], region=m["region"], parent_id=m["parent_id"])

    def as_row(self) -> dict:
        return {"id": self.id, "name": self.name, "level": self.level, "parent_id": self.parent_id,
                "region": self.region}


@attrs.frozen
class Actor:
    """Someone who acts in the workflow: a role in an org unit."""

    id: str
    name: str
    role: str  #: one of :data:`xuefen.model.ROLES`
    org_id: str | None  #: None: the registry administrator, above every unit
    active: bool = True
    public_key: str | None = None  #: PEM of the current signing key (``keys`` has every key)
    data: dict = attrs.field(factory=dict, hash=False)
    teacher_id: str | None = None  #: the person's own teacher record, if they teach

    @classmethod
    def from_row(cls, row) -> "Actor":
        m = _m(row)
        return cls(id=m["id"], name=m["name"], role=m["role"], org_id=m["org_id"], active=bool(m["active"]),
                   public_key=m["public_key"], data=dict(m["data"] or {}), teacher_id=m.get("teacher_id"))

    def as_row(self) -> dict:
        return {"id": self.id, "name": self.name, "role": self.role, "org_id": self.org_id, "active": self.active,
                "public_key": self.public_key, "data": self.data or None, "teacher_id": self.teacher_id}


# -- teachers and activities ---------------------------------------------------


def keys_in(cols, keys) -> sa.ColumnElement:
    """``(col1, col2, …) IN keys`` for a composite key, found through the key's index on every database:
    SQLite plans a bare row-value ``IN (VALUES …)`` as a scan of the whole table (a look-up per chunk of an
    import or a batch approval grew with the table: quadratic), so the first column's own ``IN`` leads."""
    keys = list(keys)
    return sa.and_(cols[0].in_({k[0] for k in keys}), sa.tuple_(*cols).in_(keys))


def teacher_as_row(t: model.Teacher) -> dict:
    """A :class:`~xuefen.model.Teacher` as a ``teachers`` row (extras in ``data``)."""
    return {"id": t.id, "name": t.name, "school_id": t.school_id, "stage": t.stage, "hired_on": t.hired_on,
            "principal_since": t.principal_since, "class_teacher": bool(t.class_teacher),
            "cycle_start": t.cycle_start, "previous_certificate_on": t.previous_certificate_on,
            "leave": [{"from": lv.start.isoformat(), "to": lv.end.isoformat(), "kind": lv.kind} for lv in t.leave]
            or None,
            "data": model.jsonable(t.extra) or None}


def teacher_from_row(row) -> model.Teacher:
    """A ``teachers`` row as a :class:`~xuefen.model.Teacher`."""
    m = _m(row)
    return model.Teacher(
        id=m["id"], stage=m["stage"], hired_on=m["hired_on"], principal_since=m["principal_since"],
        class_teacher=bool(m["class_teacher"]), cycle_start=m["cycle_start"],
        previous_certificate_on=m["previous_certificate_on"], school_id=m["school_id"],
        leave=F.parse_leave(m["leave"] or []),
        name=m["name"], extra=dict(m["data"] or {}))


_ACTIVITY_ATTRS = [a.name for a in attrs.fields(model.Activity) if a.name != "extra"]


def activity_data(a: model.Activity) -> dict:
    """Every field of an activity that has a value, as JSON (amounts as decimal strings), extras alongside."""
    data = {name: model.jsonable(getattr(a, name)) for name in _ACTIVITY_ATTRS if getattr(a, name) is not None}
    data.update(model.jsonable(a.extra))
    return data


def activity_as_row(teacher_id: str, a: model.Activity) -> dict:
    """An :class:`~xuefen.model.Activity` of ``teacher_id`` as an ``activities`` row."""
    return {"teacher_id": teacher_id, "id": a.id, "kind": a.kind, "date": a.date, "data": activity_data(a)}


#: the row's columns, which its ``data``'s copies of them do not override
_ACTIVITY_COLUMNS = frozenset({"id", "kind", "date"})
#: each field of ``data``: its parser, and its default when that is a plain value (True, False, a text)
_ACTIVITY_READ = {name: (parse, next((a.default for a in attrs.fields(model.Activity) if a.name == name
                                      and isinstance(a.default, (bool, str))), attrs.NOTHING))
                  for name, parse in F.ACTIVITY_FIELDS.items() if name not in _ACTIVITY_COLUMNS}


def activity_from_row(row, typed: tuple | None = None) -> model.Activity:
    """An ``activities`` row as an :class:`~xuefen.model.Activity` (fields parsed as docs/formats.md §1 says).

    ``data`` holds every field (the defaults too, docs/formats.md §3): a value of the field's own type that
    is its default is left to the default, the rest are parsed (a province's report reads a million rows:
    this was 39 µs a row, most of it parsing ``False`` as a bool). ``typed``: a region's declared activity
    fields, the extras typed as :meth:`xuefen.regions.RegionRuntime.typed` types them, in the one build."""
    m = _m(row)
    values: dict[str, Any] = {}
    extra: dict[str, Any] = {}
    read = _ACTIVITY_READ
    for key, value in (m["data"] or {}).items():
        if value is None:
            continue
        how = read.get(key)
        if how is not None:
            default = how[1]
            if value is default or (type(value) is str and value == default):
                continue
            values[key] = how[0](value)
        elif key not in _ACTIVITY_COLUMNS:
            extra[key] = value
    values.update(id=m["id"], kind=m["kind"], date=m["date"])
    if typed is not None:
        extra = F.typed_extra(extra, typed, lambda: F.record_label(model.Activity(**values)))
    return model.Activity(**values, extra=extra)


# -- claims --------------------------------------------------------------------


def stage_as_json(s: model.Stage) -> dict:
    """A stage as its claim stores it. ``on_paper`` (earlier versions' only medium) is kept beside
    ``medium`` for readers of those versions."""
    return {"name": s.name, "role": s.role, "level": s.level, "rule": s.rule, "article": s.article,
            "signed": s.signed, "records_assessment": s.records_assessment, "on_paper": s.medium == "paper",
            "medium": s.medium, "stand_in": list(s.stand_in) if s.stand_in else None}


def _legacy_stand_in(d: dict) -> tuple[str, str] | None:
    """The stand-in of a stage stored before stages declared theirs (no ``stand_in`` key): those versions
    let the city's admin serve a county stage of a school with no county above it, for every region
    (every region's county stage then declared it: :attr:`xuefen.model.Stage.stand_in`)."""
    role = d.get("role") or ""
    if d.get("level") == "county":
        return ("city", role.replace("county", "city", 1) if role.startswith("county") else role)
    return None


def stage_from_json(d: dict) -> model.Stage:
    medium = d.get("medium") or ("paper" if d.get("on_paper") else "registry")
    stand_in = d["stand_in"] if "stand_in" in d else _legacy_stand_in(d)
    return model.Stage(name=d["name"], role=d["role"], level=d["level"], rule=d["rule"], article=d["article"],
                       signed=bool(d.get("signed")), records_assessment=bool(d.get("records_assessment")),
                       medium=medium, stand_in=stand_in)


@attrs.frozen
class Claim:
    """A claim as stored: an activity (or a cycle) on its way through the region's stages."""

    id: str
    teacher_id: str
    activity_id: str | None
    region: str
    purpose: str  #: ``activity`` or ``cycle``
    stages: tuple[model.Stage, ...]
    state: str  #: a stage name, or ``approved``, ``returned``, ``rejected``, ``revoked``…
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime
    reason: str | None = None
    data: dict = attrs.field(factory=dict, hash=False)

    @classmethod
    def from_row(cls, row) -> "Claim":
        m = _m(row)
        return cls(id=m["id"], teacher_id=m["teacher_id"], activity_id=m["activity_id"], region=m["region"],
                   purpose=m["purpose"], stages=tuple(stage_from_json(s) for s in m["stages"] or ()),
                   state=m["state"], version=m["version"], created_at=m["created_at"],
                   updated_at=m["updated_at"], reason=m["reason"], data=dict(m["data"] or {}))

    def as_row(self) -> dict:
        return {"id": self.id, "teacher_id": self.teacher_id, "activity_id": self.activity_id,
                "region": self.region, "purpose": self.purpose,
                "stages": [stage_as_json(s) for s in self.stages], "state": self.state, "version": self.version,
                "reason": self.reason, "data": model.jsonable(self.data) or None, "created_at": self.created_at,
                "updated_at": self.updated_at}


def derived_id(text: str) -> str:
    """An id built from other ids (``activity:TEACHER:ACTIVITY``, ``CLAIM:STAGE:VERSION``…) that fits the id
    columns: itself when at most :data:`~xuefen.io.fields.ID_MAX` characters, else its beginning, ``~`` and
    32 hex digits of its SHA-256. Deterministic, so the same parts always give the same id, and the same on
    SQLite and PostgreSQL (where a longer value would not fit the column)."""
    if len(text) <= F.ID_MAX:
        return text
    digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:32]
    return f"{text[:F.ID_MAX - len(digest) - 1]}~{digest}"


def claim_id_for(teacher_id: str, activity_id: str | None, purpose: str = "activity") -> str:
    """The id given to the claim of an activity (deterministic, so a re-import finds it)."""
    return derived_id(f"{purpose}:{teacher_id}:{activity_id}" if activity_id is not None
                      else f"{purpose}:{teacher_id}")


# -- lookups -------------------------------------------------------------------


def _m(row):
    return row._mapping if hasattr(row, "_mapping") else row


def get_org(conn, org_id: str) -> Org:
    row = conn.execute(sa.select(orgs).where(orgs.c.id == org_id)).first()
    if row is None:
        raise NotFound(f"org {org_id}: no such org unit")
    return Org.from_row(row)


def get_actor(conn, actor_id: str) -> Actor:
    row = conn.execute(sa.select(actors).where(actors.c.id == actor_id)).first()
    if row is None:
        raise NotFound(f"actor {actor_id}: no such actor")
    return Actor.from_row(row)


def get_teacher(conn, teacher_id: str) -> model.Teacher:
    row = conn.execute(sa.select(teachers).where(teachers.c.id == teacher_id)).first()
    if row is None:
        raise NotFound(f"teacher {teacher_id}: no such teacher")
    return teacher_from_row(row)


def teacher_region(conn, teacher_id: str) -> str | None:
    """The region code of the teacher's school (None: no school recorded)."""
    q = sa.select(orgs.c.region).join(teachers, teachers.c.school_id == orgs.c.id).where(teachers.c.id == teacher_id)
    return conn.execute(q).scalar_one_or_none()


def activities_of(conn, teacher_id: str) -> list[model.Activity]:
    """The teacher's activities by date."""
    q = (sa.select(activities).where(activities.c.teacher_id == teacher_id)
         .order_by(activities.c.date, activities.c.id))
    return [activity_from_row(r) for r in conn.execute(q)]


def get_claim(conn, claim_id: str) -> Claim:
    row = conn.execute(sa.select(claims).where(claims.c.id == claim_id)).first()
    if row is None:
        raise NotFound(f"claim {claim_id}: no such claim")
    return Claim.from_row(row)


def claims_where(conn, *conditions, order: Iterable = ()) -> list[Claim]:
    q = sa.select(claims).where(*conditions).order_by(*(order or (claims.c.created_at, claims.c.id)))
    return [Claim.from_row(r) for r in conn.execute(q)]


__all__ = ["Actor", "Claim", "Org", "activities_of", "activity_as_row", "activity_data",
           "activity_from_row", "claim_id_for", "claims_where", "derived_id", "get_actor", "get_claim",
           "get_org", "get_teacher", "stage_as_json", "stage_from_json", "teacher_as_row",
           "teacher_from_row", "teacher_region"]


# -- region settings -------------------------------------------------------------


def region_settings(conn, region: str) -> dict:
    """The settings a database holds for a region (``settings`` table): name → value."""
    q = sa.select(settings.c.name, settings.c.value).where(settings.c.region == region)
    return {r.name: r.value for r in conn.execute(q)}


#: the claim states whose activity counts
COUNTED_STATES = ("approved",)


# -- the org tree and a teacher's records (rows; the reads the claims, reports and evaluations share) --------------------------------------------------------------------


def org(conn, org_id: str):
    row = conn.execute(sa.select(orgs).where(orgs.c.id == org_id)).first()
    if row is None:
        raise NotFound(f"org unit {org_id!r} not found")
    return row


def ancestors(conn, org_id: str | None) -> list:
    """The unit and every unit above it, nearest first (walking ``parent_id``)."""
    out, seen = [], set()
    while org_id is not None and org_id not in seen:
        seen.add(org_id)
        row = conn.execute(sa.select(orgs).where(orgs.c.id == org_id)).first()
        if row is None:
            break
        out.append(row)
        org_id = row.parent_id
    return out


def descendants(conn, org_id: str) -> list:
    """The unit and every unit below it (breadth first, each unit's children by id).

    One query per level of the tree (``parent_id`` is indexed), not a read of every unit: a school's
    reviewer reads one row, however large the registry (issue 16)."""
    root = conn.execute(sa.select(orgs).where(orgs.c.id == org_id)).first()
    if root is None:
        raise NotFound(f"org unit {org_id!r} not found")
    out, seen, level = [root], {root.id}, [root]
    while level:
        children: dict = defaultdict(list)
        ids = [r.id for r in level]
        for chunk in chunks(ids, 500):
            for row in conn.execute(sa.select(orgs).where(orgs.c.parent_id.in_(chunk))):
                children[row.parent_id].append(row)
        nxt = []
        for parent in level:
            for row in sorted(children.get(parent.id, ()), key=lambda r: r.id):
                if row.id not in seen:
                    seen.add(row.id)
                    nxt.append(row)
        out += nxt
        level = nxt
    return out


def region_of_school(conn, school_id: str | None) -> str:
    for row in ancestors(conn, school_id):
        return row.region
    raise InputError(f"school {school_id!r}: not an org unit, so the teacher's region is unknown")


def teacher(conn, teacher_id: str) -> tuple[model.Teacher, str]:
    """The teacher and their region code."""
    row = conn.execute(sa.select(teachers).where(teachers.c.id == teacher_id)).first()
    if row is None:
        raise NotFound(f"teacher {teacher_id!r} not found")
    return teacher_from_row(row), region_of_school(conn, row.school_id)


def activity(conn, teacher_id: str, activity_id: str) -> model.Activity:
    """One activity of a teacher (NotFound when there is none)."""
    row = conn.execute(sa.select(activities).where(activities.c.teacher_id == teacher_id,
                                                   activities.c.id == activity_id)).first()
    if row is None:
        raise NotFound(f"activity {activity_id!r} of teacher {teacher_id!r} not found")
    return activity_from_row(row)


def approved_activities(conn, teacher_ids: Iterable[str]) -> dict[str, list[model.Activity]]:
    """The activities of each teacher's approved claims."""
    return {t: [activity_from_row(m) for m in rows] for t, rows in approved_activity_rows(conn, teacher_ids).items()}


def approved_activity_rows(conn, teacher_ids: Iterable[str]) -> dict[str, list[dict]]:
    """:func:`approved_activities` as the rows read (plain dicts, for :func:`activity_from_row` elsewhere: a
    report's worker process parses them)."""
    ids = list(teacher_ids)
    out: dict[str, list[dict]] = {t: [] for t in ids}
    # the teachers' activities (their index), each with its claim's state looked up by the claim's unique key
    # (a subquery in the select list: neither planner can turn it into a join driven from elsewhere). Written
    # as a join, SQLite (no statistics) drove it from the claims' state index instead: every approved claim
    # of the registry read for each chunk of teachers — a report's or a county stage's cost grew with the
    # table (at 1M activities: 18.7x, 14.8x the CPU of 100k; bench/README.md)
    state = (sa.select(claims.c.state)
             .where(claims.c.teacher_id == activities.c.teacher_id, claims.c.activity_id == activities.c.id,
                    claims.c.purpose == "activity")
             .scalar_subquery())
    q = sa.select(activities, state.label("claim_state"))
    for chunk in chunks(ids, 500):
        result = conn.execute(q.where(activities.c.teacher_id.in_(chunk)))
        keys = tuple(result.keys())
        for row in result:
            m = dict(zip(keys, row))
            if m.pop("claim_state") in COUNTED_STATES:
                out[m["teacher_id"]].append(m)
    return out


def chunks(items: list, n: int):
    for i in range(0, len(items), n):
        yield items[i:i + n]


def integrity_records(conn, teacher_ids: Iterable[str]) -> dict[str, list[dict]]:
    """Each teacher's integrity-file records (``xuefen revoke --falsified``), oldest first, as JSON values.

    :func:`cases` hands them to the region as ``Teacher.extra["integrity"]``: a
    region whose text keeps an integrity file (Lincang's L-F1) flags them.
    """
    ids = list(teacher_ids)
    out: dict[str, list[dict]] = {}
    q = sa.select(integrity).order_by(integrity.c.recorded_at, integrity.c.id)
    for chunk in chunks(ids, 500):
        for r in conn.execute(q.where(integrity.c.teacher_id.in_(chunk))):
            activity = conn.execute(sa.select(claims.c.activity_id).where(claims.c.id == r.claim_id)
                                    ).scalar_one_or_none() if r.claim_id else None
            out.setdefault(r.teacher_id, []).append({
                "id": r.id, "claim": r.claim_id, "activity": activity, "rule": r.rule, "article": r.article,
                "reason": r.reason, "recorded_at": r.recorded_at.isoformat()})
    return out


def teachers_under(conn, org_id: str) -> list:
    """Every teacher row whose school is the unit or below it, by id."""
    units = [r.id for r in descendants(conn, org_id)]
    out = []
    for chunk in chunks(units, 500):
        out += list(conn.execute(sa.select(teachers).where(teachers.c.school_id.in_(chunk))))
    return sorted(out, key=lambda r: r.id)
