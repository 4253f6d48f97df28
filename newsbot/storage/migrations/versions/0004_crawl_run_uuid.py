"""Crawl runs keyed by a crawl uuid, so that a run record replayed from the spool is stored once.

A crawl that could not record its start or end in the database spools its run record; the
replay completes (or inserts) the row whose ``crawl_uuid`` it names. Older rows have none.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30 18:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply this revision."""
    with op.batch_alter_table("crawl_runs") as batch:
        batch.add_column(sa.Column("crawl_uuid", sa.String(length=32), nullable=True))
        batch.create_unique_constraint(op.f("uq_crawl_runs_crawl_uuid"), ["crawl_uuid"])


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("crawl_runs") as batch:
        batch.drop_constraint(op.f("uq_crawl_runs_crawl_uuid"), type_="unique")
        batch.drop_column("crawl_uuid")
