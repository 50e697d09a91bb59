"""An index on the activities' ``project_id`` (their JSON ``data``): the cohort of a training project.

A stage that records assessments counts the project's cohort before grading a trainee
excellent (Kunming's K-C3); without an index that count read every activity of the
region for every approval, so approving a county's queue grew with the square of the
registry (issue 16). The expression is :func:`xuefen.store.schema.activity_project_id`'s,
per dialect, so the planner uses the index for the cohort query.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01
"""
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

NAME = "ix_activities_project_id"


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"CREATE INDEX {NAME} ON activities ((data ->> 'project_id'))")
    else:
        op.execute(f"CREATE INDEX {NAME} ON activities (json_extract(data, '$.project_id'))")


def downgrade() -> None:
    op.execute(f"DROP INDEX {NAME}")
