"""The commune's look: its main colour, and its logo (media type, SHA-256 and bytes, kept in the
database so that each commune's backup carries it and every server sees it). NULL everywhere:
the portal's own look, so that a commune loaded before keeps its pages as they were.

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0027"
down_revision: str | None = "0026"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("communes") as batch:
        batch.add_column(sa.Column("look_colour", sa.String(length=7), nullable=True))
        batch.add_column(sa.Column("logo_media_type", sa.String(length=20), nullable=True))
        batch.add_column(sa.Column("logo_digest", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("logo_content", sa.LargeBinary(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("communes") as batch:
        batch.drop_column("logo_content")
        batch.drop_column("logo_digest")
        batch.drop_column("logo_media_type")
        batch.drop_column("look_colour")
