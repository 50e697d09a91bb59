"""A region's teacher field leaves the core's columns: ``teachers.normal_school_graduate`` goes to ``teachers.data``.

The column held one region's fact (a graduate of a normal programme: a probation minimum of one region's
rules) for every teacher of every region. A region now declares such a field (``Region.teacher_fields``,
typed, default false) and it lives in ``teachers.data`` with the region's other declared fields. The
upgrade writes ``"normal_school_graduate": true`` into the data of every teacher whose column was true (false
is the field's default, so nothing is written for it) and drops the column; the downgrade moves the values
back. ``xuefen.store.schema.upgrade_row`` reads rows recorded before this revision (audit records, backups)
in this shape, so ``audit verify`` and ``restore`` accept what the upgrade made of them.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

FIELD = "normal_school_graduate"
JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
ID = sa.String(length=128)


def _teachers(*columns):
    return sa.table("teachers", sa.column("id", ID), sa.column("data", JSON), *columns)


def upgrade() -> None:
    conn = op.get_bind()
    t = _teachers(sa.column(FIELD, sa.Boolean()))
    rows = conn.execute(sa.select(t.c.id, t.c.data).where(t.c[FIELD] == sa.true())).all()
    for row in rows:
        conn.execute(t.update().where(t.c.id == row.id).values(data={**(row.data or {}), FIELD: True}))
    # ALTER TABLE ... DROP COLUMN on both (SQLite 3.35+): a batch copy of ``teachers`` would drop the table
    # that activities, claims and entries refer to
    op.execute(f"ALTER TABLE teachers DROP COLUMN {FIELD}")


def downgrade() -> None:
    op.add_column("teachers", sa.Column(FIELD, sa.Boolean(), server_default=sa.false(), nullable=False))
    conn = op.get_bind()
    t = _teachers(sa.column(FIELD, sa.Boolean()))
    for row in conn.execute(sa.select(t.c.id, t.c.data)).all():
        data = dict(row.data or {})
        if FIELD in data:
            value = data.pop(FIELD) is True
            conn.execute(t.update().where(t.c.id == row.id).values(data=data or None, **{FIELD: value}))
