"""Initial schema: every table of xuefen.

Created in one migration so that the engineers building on it never add
migrations in parallel. Types are spelled out here (not imported from
``xuefen.store.schema``) so this file keeps meaning what it meant when later
revisions change the code:

* amounts: ``NUMERIC(18, 4)``; on SQLite ``BIGINT`` ten-thousandths (see ``schema.Amount``);
* times: ``TIMESTAMP WITH TIME ZONE`` (UTC);
* JSON: ``JSONB`` on PostgreSQL, ``JSON`` elsewhere.

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

ID = sa.String(length=128)


def _json():
    return sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def _amount():
    return sa.Numeric(precision=18, scale=4).with_variant(sa.BigInteger(), "sqlite")


def _time():
    return sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "orgs",
        sa.Column("id", ID, nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("level", sa.String(length=16), nullable=False),
        sa.Column("parent_id", ID, nullable=True),
        sa.Column("region", sa.String(length=64), nullable=False),
        sa.CheckConstraint("level IN ('province', 'city', 'county', 'school')", name=op.f("ck_orgs_level")),
        sa.ForeignKeyConstraint(["parent_id"], ["orgs.id"], name=op.f("fk_orgs_parent_id_orgs")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_orgs")),
    )
    op.create_index(op.f("ix_orgs_parent_id"), "orgs", ["parent_id"])

    op.create_table(
        "actors",
        sa.Column("id", ID, nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("role", sa.String(length=32), nullable=False),
        sa.Column("org_id", ID, nullable=False),
        sa.Column("active", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.Column("public_key", sa.Text(), nullable=True),
        sa.Column("data", _json(), nullable=True),
        sa.ForeignKeyConstraint(["org_id"], ["orgs.id"], name=op.f("fk_actors_org_id_orgs")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_actors")),
    )
    op.create_index(op.f("ix_actors_org_id"), "actors", ["org_id"])

    op.create_table(
        "teachers",
        sa.Column("id", ID, nullable=False),
        sa.Column("name", sa.Text(), nullable=True),
        sa.Column("school_id", ID, nullable=True),
        sa.Column("stage", sa.String(length=32), nullable=False),
        sa.Column("hired_on", sa.Date(), nullable=True),
        sa.Column("principal_since", sa.Date(), nullable=True),
        sa.Column("class_teacher", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("cycle_start", sa.Date(), nullable=True),
        sa.Column("previous_certificate_on", sa.Date(), nullable=True),
        sa.Column("normal_school_graduate", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("leave", _json(), nullable=True),
        sa.Column("data", _json(), nullable=True),
        sa.ForeignKeyConstraint(["school_id"], ["orgs.id"], name=op.f("fk_teachers_school_id_orgs")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_teachers")),
    )
    op.create_index(op.f("ix_teachers_school_id"), "teachers", ["school_id"])

    op.create_table(
        "activities",
        sa.Column("teacher_id", ID, nullable=False),
        sa.Column("id", ID, nullable=False),
        sa.Column("kind", sa.String(length=64), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("data", _json(), nullable=False),
        sa.ForeignKeyConstraint(["teacher_id"], ["teachers.id"], name=op.f("fk_activities_teacher_id_teachers")),
        sa.PrimaryKeyConstraint("teacher_id", "id", name=op.f("pk_activities")),
    )
    op.create_index(op.f("ix_activities_date"), "activities", ["date"])

    op.create_table(
        "claims",
        sa.Column("id", ID, nullable=False),
        sa.Column("teacher_id", ID, nullable=False),
        sa.Column("activity_id", ID, nullable=True),
        sa.Column("region", sa.String(length=64), nullable=False),
        sa.Column("purpose", sa.String(length=16), nullable=False),
        sa.Column("stages", _json(), nullable=False),
        sa.Column("state", sa.String(length=64), nullable=False),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("data", _json(), nullable=True),
        sa.Column("created_at", _time(), nullable=False),
        sa.Column("updated_at", _time(), nullable=False),
        sa.CheckConstraint("purpose IN ('activity', 'cycle')", name=op.f("ck_claims_purpose")),
        sa.ForeignKeyConstraint(["teacher_id", "activity_id"], ["activities.teacher_id", "activities.id"],
                                name=op.f("fk_claims_teacher_id_activity_id_activities")),
        sa.ForeignKeyConstraint(["teacher_id"], ["teachers.id"], name=op.f("fk_claims_teacher_id_teachers")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_claims")),
        sa.UniqueConstraint("teacher_id", "activity_id", "purpose",
                            name=op.f("uq_claims_teacher_id_activity_id_purpose")),
    )
    op.create_index(op.f("ix_claims_state"), "claims", ["state"])
    op.create_index(op.f("ix_claims_region_state"), "claims", ["region", "state"])

    op.create_table(
        "entries",
        sa.Column("id", ID, nullable=False),
        sa.Column("claim_id", ID, nullable=False),
        sa.Column("teacher_id", ID, nullable=False),
        sa.Column("activity_id", ID, nullable=True),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("hours", _amount(), nullable=True),
        sa.Column("credits", _amount(), nullable=True),
        sa.Column("buckets", _json(), nullable=False),
        sa.Column("rule", sa.String(length=64), nullable=False),
        sa.Column("article", sa.Text(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("reverses", ID, nullable=True),
        sa.Column("posted_at", _time(), nullable=False),
        sa.ForeignKeyConstraint(["claim_id"], ["claims.id"], name=op.f("fk_entries_claim_id_claims")),
        sa.ForeignKeyConstraint(["reverses"], ["entries.id"], name=op.f("fk_entries_reverses_entries")),
        sa.ForeignKeyConstraint(["teacher_id"], ["teachers.id"], name=op.f("fk_entries_teacher_id_teachers")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_entries")),
        sa.UniqueConstraint("reverses", name=op.f("uq_entries_reverses")),
    )
    op.create_index(op.f("ix_entries_teacher_id_year"), "entries", ["teacher_id", "year"])
    op.create_index(op.f("ix_entries_claim_id"), "entries", ["claim_id"])

    op.create_table(
        "certificates",
        sa.Column("id", ID, nullable=False),
        sa.Column("serial", sa.String(length=128), nullable=False),
        sa.Column("teacher_id", ID, nullable=False),
        sa.Column("region", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("issuer", sa.Text(), nullable=True),
        sa.Column("cycle_start", sa.Date(), nullable=True),
        sa.Column("cycle_end", sa.Date(), nullable=True),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("valid_until", sa.Date(), nullable=True),
        sa.Column("rule", sa.String(length=64), nullable=False),
        sa.Column("article", sa.Text(), nullable=False),
        sa.Column("data", _json(), nullable=True),
        sa.ForeignKeyConstraint(["teacher_id"], ["teachers.id"], name=op.f("fk_certificates_teacher_id_teachers")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_certificates")),
        sa.UniqueConstraint("serial", name=op.f("uq_certificates_serial")),
    )
    op.create_index(op.f("ix_certificates_teacher_id"), "certificates", ["teacher_id"])

    op.create_table(
        "signatures",
        sa.Column("id", ID, nullable=False),
        sa.Column("claim_id", ID, nullable=False),
        sa.Column("stage", sa.String(length=64), nullable=False),
        sa.Column("actor_id", ID, nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("signature", sa.Text(), nullable=False),
        sa.Column("signed_at", _time(), nullable=False),
        sa.ForeignKeyConstraint(["actor_id"], ["actors.id"], name=op.f("fk_signatures_actor_id_actors")),
        sa.ForeignKeyConstraint(["claim_id"], ["claims.id"], name=op.f("fk_signatures_claim_id_claims")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_signatures")),
    )
    op.create_index(op.f("ix_signatures_claim_id"), "signatures", ["claim_id"])

    op.create_table(
        "integrity",
        sa.Column("id", ID, nullable=False),
        sa.Column("teacher_id", ID, nullable=False),
        sa.Column("claim_id", ID, nullable=True),
        sa.Column("rule", sa.String(length=64), nullable=False),
        sa.Column("article", sa.Text(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("recorded_at", _time(), nullable=False),
        sa.ForeignKeyConstraint(["claim_id"], ["claims.id"], name=op.f("fk_integrity_claim_id_claims")),
        sa.ForeignKeyConstraint(["teacher_id"], ["teachers.id"], name=op.f("fk_integrity_teacher_id_teachers")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_integrity")),
    )
    op.create_index(op.f("ix_integrity_teacher_id"), "integrity", ["teacher_id"])

    op.create_table(
        "settings",
        sa.Column("region", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=128), nullable=False),
        sa.Column("value", _json(), nullable=True),
        sa.PrimaryKeyConstraint("region", "name", name=op.f("pk_settings")),
    )

    op.create_table(
        "audit_log",
        sa.Column("seq", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=False, nullable=False),
        sa.Column("at", _time(), nullable=False),
        sa.Column("actor_id", ID, nullable=False),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("object_type", sa.String(length=32), nullable=False),
        sa.Column("object_id", sa.Text(), nullable=False),
        sa.Column("before", _json(), nullable=True),
        sa.Column("after", _json(), nullable=True),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_audit_log")),
        sa.UniqueConstraint("hash", name=op.f("uq_audit_log_hash")),
    )
    op.create_index(op.f("ix_audit_log_object_type_object_id"), "audit_log", ["object_type", "object_id"])


def downgrade() -> None:
    for table in ("audit_log", "settings", "integrity", "signatures", "certificates", "entries", "claims",
                  "activities", "teachers", "actors", "orgs"):
        op.drop_table(table)
