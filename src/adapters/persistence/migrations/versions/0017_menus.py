"""The canteen's menus: one row per dish of a restaurant's day, with its course and the codes
of the allergens it contains (domain.menus); a restaurant's week is replaced whole.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-14
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "menu_dishes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("establishment_code", sa.String(length=40), nullable=False),
        sa.Column("week", sa.Date(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("course", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=150), nullable=False),
        sa.Column("allergens", sa.String(length=200), nullable=False),
        sa.CheckConstraint(
            "course IN ('entree', 'plat', 'accompagnement', 'laitage', 'dessert', 'gouter')",
            name=op.f("ck_menu_dishes_course"),
        ),
        sa.ForeignKeyConstraint(
            ["establishment_code"],
            ["establishments.code"],
            name=op.f("fk_menu_dishes_establishment_code_establishments"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_menu_dishes")),
    )
    op.create_index(
        "ix_menu_dishes_establishment_code_week",
        "menu_dishes",
        ["establishment_code", "week"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_menu_dishes_establishment_code_week", table_name="menu_dishes")
    op.drop_table("menu_dishes")
