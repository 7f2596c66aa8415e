"""The reference data's version token: one row, replaced by a new random token in the same
transaction as any change to the commune, its catalogue or the imported school calendars, so
that each process may keep what it last read and read it again only when the token differs.

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-05
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0024"
down_revision: str | None = "0023"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    table = op.create_table(
        "reference_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(32), nullable=False),
        sa.CheckConstraint("id = 1", name=op.f("ck_reference_version_single_reference_version")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reference_version")),
    )
    # A token of its own for this database: what was loaded before may be kept at once.
    op.bulk_insert(table, [{"id": 1, "token": uuid.uuid4().hex}])


def downgrade() -> None:
    op.drop_table("reference_version")
