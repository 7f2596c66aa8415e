"""School pre-registrations: one row per request, the request as JSON with the columns the
desk's listing filters on (school year, state, level, schools).

Revision ID: 0020
Revises: 0019
Create Date: 2027-01-20
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from adapters.persistence.types import UtcDateTime

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "school_preregistrations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("family_id", sa.Integer(), nullable=False),
        sa.Column("school_year", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("level", sa.String(length=10), nullable=False),
        sa.Column("requested_school", sa.String(length=40), nullable=False),
        sa.Column("assigned_school", sa.String(length=40), nullable=True),
        sa.Column("submitted_at", UtcDateTime(), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.CheckConstraint(
            "state IN ('deposee', 'instruction', 'acceptee', 'refusee', 'en_attente')",
            name=op.f("ck_school_preregistrations_state"),
        ),
        sa.ForeignKeyConstraint(
            ["family_id"],
            ["families.id"],
            name=op.f("fk_school_preregistrations_family_id_families"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_school_preregistrations")),
    )
    op.create_index(
        "ix_school_preregistrations_family_id",
        "school_preregistrations",
        ["family_id"],
        unique=False,
    )
    op.create_index(
        "ix_school_preregistrations_school_year_state",
        "school_preregistrations",
        ["school_year", "state"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index(
        "ix_school_preregistrations_school_year_state", table_name="school_preregistrations"
    )
    op.drop_index("ix_school_preregistrations_family_id", table_name="school_preregistrations")
    op.drop_table("school_preregistrations")
