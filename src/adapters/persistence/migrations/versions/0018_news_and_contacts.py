"""The town's news (domain.news), and each establishment's phone and opening hours (its address
and e-mail were already kept), from the commune file, for « Contacts et informations pratiques ».

Establishments already stored get an empty phone and hours until the commune file gives them.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-14
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from adapters.persistence.types import UtcDateTime

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("establishments") as batch:
        batch.add_column(
            sa.Column("contact_phone", sa.String(length=20), nullable=False, server_default="")
        )
        batch.add_column(
            sa.Column("opening_hours", sa.String(length=300), nullable=False, server_default="")
        )
    op.create_table(
        "news_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=150), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("first_day", sa.Date(), nullable=False),
        sa.Column("last_day", sa.Date(), nullable=True),
        sa.Column("establishment_code", sa.String(length=40), nullable=True),
        sa.Column("published", sa.Boolean(), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.CheckConstraint(
            "last_day IS NULL OR last_day >= first_day", name=op.f("ck_news_items_period")
        ),
        sa.ForeignKeyConstraint(
            ["establishment_code"],
            ["establishments.code"],
            name=op.f("fk_news_items_establishment_code_establishments"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_news_items")),
    )


def downgrade() -> None:
    op.drop_table("news_items")
    with op.batch_alter_table("establishments") as batch:
        batch.drop_column("opening_hours")
        batch.drop_column("contact_phone")
