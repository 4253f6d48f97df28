"""Lost articles: article pages a crawl could not read, retried until stored or given up.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-30 13:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "lost_articles",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("site", sa.String(length=64), nullable=False),
        sa.Column("article_id", sa.String(length=64), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("section", sa.String(length=128), nullable=True),
        sa.Column("last_reason", sa.String(length=128), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("first_lost_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_lost_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("given_up", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lost_articles")),
        sa.UniqueConstraint("site", "article_id", name=op.f("uq_lost_articles_site_article_id")),
    )


def downgrade() -> None:
    """Revert this revision."""
    op.drop_table("lost_articles")
