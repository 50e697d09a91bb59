"""The database schema: every table on one :data:`metadata`, indexes beside their tables.

SQLAlchemy 2 **Core** tables. The first Alembic migration
(``store/migrations/versions/0001_initial.py``) creates exactly these; a test
compares the two. Conventions:

* ids are text, assigned by the client (no RETURNING needed on bulk inserts);
* amounts are :class:`Amount`: ``NUMERIC(18, 4)`` on PostgreSQL, and on SQLite
  (which has no exact decimal type) an integer count of ten-thousandths, so
  ``Decimal("0.1") + Decimal("0.2")`` comes back as exactly ``Decimal("0.3")``,
  also through ``SUM``; Python always sees :class:`decimal.Decimal`;
* times are :class:`UTCDateTime`: timezone-aware UTC datetimes in Python,
  ``TIMESTAMP WITH TIME ZONE`` on PostgreSQL, naive UTC text on SQLite;
* JSON columns hold only JSON values (amounts as decimal strings, dates as
  ``YYYY-MM-DD``), ``JSONB`` on PostgreSQL.

``entries`` is a ledger: rows are inserted, never updated or deleted
(:mod:`xuefen.ledger`); ``audit_log`` is append-only and hash-chained
(:mod:`xuefen.audit`).
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.types import TypeDecorator

#: decimal places every amount is stored with
AMOUNT_SCALE = 4
#: total significant digits of an amount column
AMOUNT_PRECISION = 18
_QUANTUM = Decimal(1).scaleb(-AMOUNT_SCALE)
_FACTOR = 10 ** AMOUNT_SCALE

ID = sa.String(128)

#: naming convention so constraints have the same names on every backend and in the migration
NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_N_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = sa.MetaData(naming_convention=NAMING)


class Amount(TypeDecorator):
    """An exact decimal amount (hours, credits) with :data:`AMOUNT_SCALE` places.

    PostgreSQL: ``NUMERIC(18, 4)``. SQLite: ``BIGINT`` holding the amount times
    10**4, because SQLite's NUMERIC is a binary float. A value with more decimal
    places than the scale is refused (``ValueError``), never rounded silently.
    """

    impl = sa.Numeric(AMOUNT_PRECISION, AMOUNT_SCALE, asdecimal=True)
    cache_ok = True

    def load_dialect_impl(self, dialect):
        if dialect.name == "sqlite":
            return dialect.type_descriptor(sa.BigInteger())
        return dialect.type_descriptor(sa.Numeric(AMOUNT_PRECISION, AMOUNT_SCALE, asdecimal=True))

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if isinstance(value, (bool, float)):
            raise ValueError(f"amount {value!r}: pass a Decimal (or a decimal string), not {type(value).__name__}")
        d = value if isinstance(value, Decimal) else Decimal(str(value))
        q = d.quantize(_QUANTUM)
        if q != d:
            raise ValueError(f"amount {d} has more than {AMOUNT_SCALE} decimal places")
        if dialect.name == "sqlite":
            return int(q.scaleb(AMOUNT_SCALE))
        return q

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if dialect.name == "sqlite":
            # an integer as written by this type; anything else was written behind our back
            d = Decimal(value) if isinstance(value, int) else Decimal(str(value))
            return d.scaleb(-AMOUNT_SCALE).quantize(_QUANTUM)
        return Decimal(value).quantize(_QUANTUM)


class UTCDateTime(TypeDecorator):
    """A point in time, always timezone-aware UTC in Python."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"{value!r}: a timezone-aware datetime is required")
        value = value.astimezone(dt.timezone.utc)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if isinstance(value, str):  # written behind our back
            value = dt.datetime.fromisoformat(value)
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.timezone.utc)
        return value.astimezone(dt.timezone.utc)


JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def utcnow() -> dt.datetime:
    """Now, timezone-aware UTC (what every time column holds)."""
    return dt.datetime.now(dt.timezone.utc)


# -- organisation --------------------------------------------------------------

orgs = sa.Table(
    "orgs", metadata,
    sa.Column("id", ID, primary_key=True),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("level", sa.String(16), nullable=False),  # province | city | county | school
    sa.Column("parent_id", ID, sa.ForeignKey("orgs.id"), nullable=True),
    sa.Column("region", sa.String(64), nullable=False),
    sa.CheckConstraint("level IN ('province', 'city', 'county', 'school')", name="level"),
)
sa.Index(None, orgs.c.parent_id)

actors = sa.Table(
    "actors", metadata,
    sa.Column("id", ID, primary_key=True),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("role", sa.String(32), nullable=False),
    sa.Column("org_id", ID, sa.ForeignKey("orgs.id"), nullable=True),  # None: the registry administrator
    sa.Column("active", sa.Boolean, nullable=False, default=True, server_default=sa.true()),
    sa.Column("public_key", sa.Text, nullable=True),  # the current key's PEM (the keys table has them all)
    sa.Column("data", JSON, nullable=True),
    sa.Column("teacher_id", ID, nullable=True),  # the person's own teacher record, if they teach
)
sa.Index(None, actors.c.org_id)
sa.Index(None, actors.c.teacher_id)

# -- keys: every action is signed with its actor's key (xuefen.keys) -----------

keys = sa.Table(
    "keys", metadata,
    sa.Column("fingerprint", sa.String(64), primary_key=True),  # sha256 of the raw Ed25519 public key
    sa.Column("actor_id", ID, sa.ForeignKey("actors.id"), nullable=False),
    sa.Column("public_key", sa.Text, nullable=False),  # SubjectPublicKeyInfo PEM
    sa.Column("valid_from", UTCDateTime, nullable=False),
    sa.Column("valid_until", UTCDateTime, nullable=True),  # expiry; None: none
    sa.Column("retired_at", UTCDateTime, nullable=True),  # replaced by a newer key
    sa.Column("revoked_at", UTCDateTime, nullable=True),  # withdrawn (lost, stolen): nothing it signs after counts
    sa.Column("reason", sa.Text, nullable=True),
)
sa.Index(None, keys.c.actor_id)

# -- teachers and what they did ------------------------------------------------

teachers = sa.Table(
    "teachers", metadata,
    sa.Column("id", ID, primary_key=True),
    sa.Column("name", sa.Text, nullable=True),
    sa.Column("school_id", ID, sa.ForeignKey("orgs.id"), nullable=True),
    sa.Column("stage", sa.String(32), nullable=False),
    sa.Column("hired_on", sa.Date, nullable=True),
    sa.Column("principal_since", sa.Date, nullable=True),
    sa.Column("class_teacher", sa.Boolean, nullable=False, default=False, server_default=sa.false()),
    sa.Column("cycle_start", sa.Date, nullable=True),
    sa.Column("previous_certificate_on", sa.Date, nullable=True),
    sa.Column("leave", JSON, nullable=True),  # [{"from", "to", "kind"}]
    sa.Column("data", JSON, nullable=True),  # region-declared extra fields
)
sa.Index(None, teachers.c.school_id)

activities = sa.Table(
    "activities", metadata,
    sa.Column("teacher_id", ID, sa.ForeignKey("teachers.id"), primary_key=True),
    sa.Column("id", ID, primary_key=True),
    sa.Column("kind", sa.String(64), nullable=False),
    sa.Column("date", sa.Date, nullable=False),
    sa.Column("data", JSON, nullable=False),  # every FORMATS.md §1 activity field, as JSON
)
sa.Index(None, activities.c.date)
# the project_id of an activity, for a cohort's count (migration 0003; SQLite's twin, on json_extract, is created
# by the migration only: Alembic does not reflect SQLite's expression indexes)
sa.Index("ix_activities_project_id", activities.c.data.op("->>")(sa.literal_column("'project_id'"))).ddl_if(
    dialect="postgresql")


def activity_field(dialect: str, name: str):
    """One field of an activity's JSON ``data`` as text, in SQL (``name`` is a FORMATS.md §1 field name)."""
    if not name.isidentifier():
        raise ValueError(f"not a field name: {name!r}")
    if dialect == "postgresql":
        return sa.literal_column(f"(activities.data ->> '{name}')", sa.Text)
    return sa.literal_column(f"json_extract(activities.data, '$.{name}')", sa.Text)


def activity_project_id(dialect: str):
    """An activity's ``project_id`` as the index ``ix_activities_project_id`` covers it (migration 0003):
    compare with it, not with ``activities.c.data["project_id"]``, for the planner to use the index."""
    if dialect == "postgresql":
        return sa.literal_column("(activities.data ->> 'project_id')")
    return sa.literal_column("json_extract(activities.data, '$.project_id')")

# -- approval ------------------------------------------------------------------

claims = sa.Table(
    "claims", metadata,
    sa.Column("id", ID, primary_key=True),
    sa.Column("teacher_id", ID, sa.ForeignKey("teachers.id"), nullable=False),
    sa.Column("activity_id", ID, nullable=True),
    sa.Column("region", sa.String(64), nullable=False),
    sa.Column("purpose", sa.String(16), nullable=False),  # activity | cycle
    sa.Column("stages", JSON, nullable=False),  # [{name, role, level, rule, article, signed, records_assessment, on_paper, medium, stand_in}]
    sa.Column("state", sa.String(64), nullable=False),
    sa.Column("version", sa.Integer, nullable=False, default=1, server_default="1"),
    sa.Column("reason", sa.Text, nullable=True),
    sa.Column("data", JSON, nullable=True),  # e.g. the cycle window of a cycle claim
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("updated_at", UTCDateTime, nullable=False),
    sa.UniqueConstraint("teacher_id", "activity_id", "purpose"),
    sa.ForeignKeyConstraint(["teacher_id", "activity_id"], ["activities.teacher_id", "activities.id"]),
    sa.CheckConstraint("purpose IN ('activity', 'cycle')", name="purpose"),
)
sa.Index(None, claims.c.state)
sa.Index(None, claims.c.region, claims.c.state)

# -- the ledger ----------------------------------------------------------------

entries = sa.Table(
    "entries", metadata,
    sa.Column("id", ID, primary_key=True),
    sa.Column("claim_id", ID, sa.ForeignKey("claims.id"), nullable=False),
    sa.Column("teacher_id", ID, sa.ForeignKey("teachers.id"), nullable=False),
    sa.Column("activity_id", ID, nullable=True),
    sa.Column("year", sa.Integer, nullable=False),
    sa.Column("date", sa.Date, nullable=False),
    sa.Column("hours", Amount, nullable=True),
    sa.Column("credits", Amount, nullable=True),
    sa.Column("buckets", JSON, nullable=False),
    sa.Column("rule", sa.String(64), nullable=False),
    sa.Column("article", sa.Text, nullable=False),
    sa.Column("note", sa.Text, nullable=True),
    sa.Column("reverses", ID, sa.ForeignKey("entries.id"), nullable=True),
    sa.Column("posted_at", UTCDateTime, nullable=False),
    sa.UniqueConstraint("reverses"),  # an entry is reversed at most once
)
sa.Index(None, entries.c.teacher_id, entries.c.year)
sa.Index(None, entries.c.claim_id)

certificates = sa.Table(
    "certificates", metadata,
    sa.Column("id", ID, primary_key=True),
    sa.Column("serial", sa.String(128), nullable=False, unique=True),
    sa.Column("teacher_id", ID, sa.ForeignKey("teachers.id"), nullable=False),
    sa.Column("region", sa.String(64), nullable=False),
    sa.Column("kind", sa.String(32), nullable=False),
    sa.Column("title", sa.Text, nullable=True),
    sa.Column("issuer", sa.Text, nullable=True),
    sa.Column("cycle_start", sa.Date, nullable=True),
    sa.Column("cycle_end", sa.Date, nullable=True),
    sa.Column("issued_on", sa.Date, nullable=False),
    sa.Column("valid_until", sa.Date, nullable=True),
    sa.Column("rule", sa.String(64), nullable=False),
    sa.Column("article", sa.Text, nullable=False),
    sa.Column("data", JSON, nullable=True),
)
sa.Index(None, certificates.c.teacher_id)

signatures = sa.Table(
    "signatures", metadata,
    sa.Column("id", ID, primary_key=True),
    sa.Column("claim_id", ID, sa.ForeignKey("claims.id"), nullable=False),
    sa.Column("stage", sa.String(64), nullable=False),
    sa.Column("actor_id", ID, sa.ForeignKey("actors.id"), nullable=False),
    sa.Column("payload", sa.Text, nullable=False),
    sa.Column("signature", sa.Text, nullable=False),
    sa.Column("signed_at", UTCDateTime, nullable=False),
)
sa.Index(None, signatures.c.claim_id)

integrity = sa.Table(  # 诚信档案: liability and integrity records
    "integrity", metadata,
    sa.Column("id", ID, primary_key=True),
    sa.Column("teacher_id", ID, sa.ForeignKey("teachers.id"), nullable=False),
    sa.Column("claim_id", ID, sa.ForeignKey("claims.id"), nullable=True),
    sa.Column("rule", sa.String(64), nullable=False),
    sa.Column("article", sa.Text, nullable=False),
    sa.Column("reason", sa.Text, nullable=False),
    sa.Column("recorded_at", UTCDateTime, nullable=False),
)
sa.Index(None, integrity.c.teacher_id)

settings = sa.Table(
    "settings", metadata,
    sa.Column("region", sa.String(64), primary_key=True),
    sa.Column("name", sa.String(128), primary_key=True),
    sa.Column("value", JSON, nullable=True),
)

# -- the audit log -------------------------------------------------------------

audit_log = sa.Table(
    "audit_log", metadata,
    sa.Column("seq", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), primary_key=True,
              autoincrement=False),  # assigned by xuefen.audit: previous seq + 1
    sa.Column("at", UTCDateTime, nullable=False),
    sa.Column("actor_id", ID, nullable=False),  # no foreign key: the log outlives its actors
    sa.Column("action", sa.String(64), nullable=False),
    sa.Column("object_type", sa.String(32), nullable=False),
    sa.Column("object_id", sa.Text, nullable=False),
    sa.Column("before", JSON, nullable=True),
    sa.Column("after", JSON, nullable=True),
    sa.Column("prev_hash", sa.String(64), nullable=False),
    sa.Column("hash", sa.String(64), nullable=False, unique=True),
)
sa.Index(None, audit_log.c.object_type, audit_log.c.object_id)

#: signed actions: each covers the audit records it wrote (first…last) through the hash of the last
actions = sa.Table(
    "actions", metadata,
    sa.Column("seq", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), primary_key=True,
              autoincrement=False),
    sa.Column("at", UTCDateTime, nullable=False),
    sa.Column("actor_id", ID, nullable=False),  # no foreign key: the log outlives its actors
    sa.Column("action", sa.String(64), nullable=False),
    sa.Column("key", sa.String(64), nullable=False),  # fingerprint of the signing key
    sa.Column("first_record", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
    sa.Column("last_record", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
    sa.Column("statement", sa.Text, nullable=False),  # the canonical JSON that was signed
    sa.Column("signature", sa.Text, nullable=False),  # base64 Ed25519 signature of the statement
    sa.Column("hash", sa.String(64), nullable=False, unique=True),  # sha256(statement + signature)
)
sa.Index(None, actions.c.last_record)

#: every table, in the order they can be filled
TABLES = (orgs, actors, keys, teachers, activities, claims, entries, certificates, signatures, integrity,
          settings, audit_log, actions)


# -- rows recorded under an earlier schema ----------------------------------------------------------

#: teacher columns a migration moved into ``teachers.data`` (revision 0004): a region's declared field now
MOVED_TO_DATA = {"teachers": ("normal_school_graduate",)}


def upgrade_row(table: str, row: dict) -> dict:
    """A row of ``table`` as JSON values (an audit record's before/after, a backup line), recorded under an
    earlier schema, in this schema's shape: what the migrations made of that row. A column revision 0004
    moved into ``data`` goes there when true (its default, false, is not written) and leaves the row.
    A row already in this shape is returned as it is."""
    moved = MOVED_TO_DATA.get(table)
    if not moved or not isinstance(row, dict) or not any(c in row for c in moved):
        return row
    out = {k: v for k, v in row.items() if k not in moved}
    true = {c: True for c in moved if row.get(c) is True}
    if true:
        out["data"] = {**(row.get("data") or {}), **true}
    return out

