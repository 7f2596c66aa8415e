"""Create the communes table.

Revision ID: 0001
Revises:
Create Date: 2026-11-26
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "communes",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("insee_code", sa.String(length=5), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("school_zone", sa.String(length=1), nullable=False),
        sa.Column("contact_email", sa.String(length=254), nullable=False),
        sa.CheckConstraint("school_zone IN ('A', 'B', 'C')", name=op.f("ck_communes_school_zone")),
        sa.CheckConstraint("id = 1", name=op.f("ck_communes_single_commune")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_communes")),
        sa.UniqueConstraint("insee_code", name=op.f("uq_communes_insee_code")),
    )


def downgrade() -> None:
    op.drop_table("communes")
