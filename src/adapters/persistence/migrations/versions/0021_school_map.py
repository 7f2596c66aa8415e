"""The commune's school map (carte scolaire): one row holding the sectors (street, house
numbers, side, school) and postcodes as JSON, replaced whole when the commune file is loaded.

Revision ID: 0021
Revises: 0020
Create Date: 2027-01-20
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "school_map",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("definition", sa.JSON(), nullable=False),
        sa.CheckConstraint("id = 1", name=op.f("ck_school_map_single_school_map")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_school_map")),
    )


def downgrade() -> None:
    op.drop_table("school_map")
