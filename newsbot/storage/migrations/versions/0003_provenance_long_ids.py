"""Provenance of generically read articles; ids and site names long enough for any site.

Articles read by the generic extractor record where each field came from (``provenance``, a
JSON object, on articles and on each revision for audits). Such sites' article ids are
canonical URLs and their names are host names, so the id columns take 2048 characters and
the site columns 255 (the longest host name).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30 15:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

_JSON = sa.JSON().with_variant(JSONB(), "postgresql")
# (table, column, old length, new length)
_WIDENED = (
    ("articles", "article_id", 64, 2048),
    ("articles", "site", 64, 255),
    ("lost_articles", "article_id", 64, 2048),
    ("lost_articles", "site", 64, 255),
    ("popular_ranks", "article_id", 64, 2048),
    ("popular_snapshots", "site", 64, 255),
)


def upgrade() -> None:
    """Apply this revision."""
    for table in ("articles", "article_revisions"):
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("provenance", _JSON, nullable=True))
    for table, column, old, new in _WIDENED:
        with op.batch_alter_table(table) as batch:
            batch.alter_column(
                column, existing_type=sa.String(length=old), type_=sa.String(length=new)
            )


def downgrade() -> None:
    """Revert this revision (ids longer than 64 characters must have been removed first)."""
    for table, column, old, new in reversed(_WIDENED):
        with op.batch_alter_table(table) as batch:
            batch.alter_column(
                column, existing_type=sa.String(length=new), type_=sa.String(length=old)
            )
    for table in ("article_revisions", "articles"):
        with op.batch_alter_table(table) as batch:
            batch.drop_column("provenance")
