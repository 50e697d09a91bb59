"""Signed actions: a key registry, an actions table, actors linked to their teacher record.

* ``keys``: every public key an actor has had, with when it became valid, its
  expiry, and when it was replaced or revoked. The keys actors already had
  (``actors.public_key`` and ``actors.data["retired_keys"]``, Lincang's signed
  stages) are copied in, valid from the start of time; a retired one is marked
  retired now.
* ``actions``: one signed statement per action, covering the audit records it
  wrote through the hash of the last (``xuefen.audit``).
* ``actors.teacher_id`` (nobody approves their own claim under any actor id) and
  ``actors.org_id`` nullable (the registry administrator ``xuefen init --admin``
  creates belongs to no unit).

Records written before this revision are not signed: the first signed action of
the registry (``xuefen init --admin``) covers them.

On PostgreSQL, ``audit_log``, ``actions`` and ``entries`` become append-only for
every role but a superuser: a trigger raises on UPDATE, DELETE and TRUNCATE (the
application role also lacks those privileges: ``xuefen init --app-role``).

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01
"""
import datetime as dt
import hashlib
import json

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

ID = sa.String(length=128)
SEQ = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)
#: tables whose rows are never updated or deleted (PostgreSQL: a trigger refuses it)
APPEND_ONLY = ("audit_log", "actions", "entries")
APPEND_ONLY_FUNCTION = """
CREATE OR REPLACE FUNCTION xuefen_append_only() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
    -- a superuser can disable any trigger anyway; the signatures and the checkpoints kept outside
    -- the database are what show its changes (docs/reliability.md)
    IF (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'xuefen: % is append-only: % refused for role %', TG_TABLE_NAME, TG_OP, current_user
        USING ERRCODE = 'insufficient_privilege';
END
$fn$
"""


def _time():
    return sa.DateTime(timezone=True)


def _fingerprint(pem: str) -> str:
    from cryptography.hazmat.primitives import serialization

    key = serialization.load_pem_public_key(pem.encode())
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()


def upgrade() -> None:
    with op.batch_alter_table("actors") as batch:
        batch.alter_column("org_id", existing_type=ID, nullable=True)
        batch.add_column(sa.Column("teacher_id", ID, nullable=True))
        batch.create_index(op.f("ix_actors_teacher_id"), ["teacher_id"])

    keys = op.create_table(
        "keys",
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("actor_id", ID, nullable=False),
        sa.Column("public_key", sa.Text(), nullable=False),
        sa.Column("valid_from", _time(), nullable=False),
        sa.Column("valid_until", _time(), nullable=True),
        sa.Column("retired_at", _time(), nullable=True),
        sa.Column("revoked_at", _time(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["actor_id"], ["actors.id"], name=op.f("fk_keys_actor_id_actors")),
        sa.PrimaryKeyConstraint("fingerprint", name=op.f("pk_keys")),
    )
    op.create_index(op.f("ix_keys_actor_id"), "keys", ["actor_id"])

    op.create_table(
        "actions",
        sa.Column("seq", SEQ, autoincrement=False, nullable=False),
        sa.Column("at", _time(), nullable=False),
        sa.Column("actor_id", ID, nullable=False),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("first_record", SEQ, nullable=False),
        sa.Column("last_record", SEQ, nullable=False),
        sa.Column("statement", sa.Text(), nullable=False),
        sa.Column("signature", sa.Text(), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_actions")),
        sa.UniqueConstraint("hash", name=op.f("uq_actions_hash")),
    )
    op.create_index(op.f("ix_actions_last_record"), "actions", ["last_record"])

    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        op.execute(APPEND_ONLY_FUNCTION)
        for table in APPEND_ONLY:  # per statement: it refuses even an UPDATE or DELETE that matches no row
            op.execute(f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON {table} "
                       f"FOR EACH STATEMENT EXECUTE FUNCTION xuefen_append_only()")

    # the keys actors already have (Lincang's signed stages) go into the registry
    now = dt.datetime.now(dt.timezone.utc)
    rows = []
    for actor_id, pem, data in bind.execute(sa.text("SELECT id, public_key, data FROM actors")):
        if isinstance(data, str):
            data = json.loads(data)
        retired = dict((data or {}).get("retired_keys") or {}) if isinstance(data, dict) else {}
        for fp, old in retired.items():
            rows.append({"fingerprint": _fingerprint(old), "actor_id": actor_id, "public_key": old,
                         "valid_from": EPOCH, "retired_at": now, "reason": "retired before revision 0002"})
        if pem:
            rows.append({"fingerprint": _fingerprint(pem), "actor_id": actor_id, "public_key": pem,
                         "valid_from": EPOCH, "reason": "registered before revision 0002"})
    seen = set()
    rows = [r for r in rows if not (r["fingerprint"] in seen or seen.add(r["fingerprint"]))]
    if rows:
        op.bulk_insert(keys, rows)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in APPEND_ONLY:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
        op.execute("DROP FUNCTION IF EXISTS xuefen_append_only()")
    op.drop_index(op.f("ix_actions_last_record"), table_name="actions")
    op.drop_table("actions")
    op.drop_index(op.f("ix_keys_actor_id"), table_name="keys")
    op.drop_table("keys")
    with op.batch_alter_table("actors") as batch:
        batch.drop_index(op.f("ix_actors_teacher_id"))
        batch.drop_column("teacher_id")
        batch.alter_column("org_id", existing_type=ID, nullable=False)
