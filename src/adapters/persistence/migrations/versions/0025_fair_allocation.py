"""Fair allocation of oversubscribed periods: the campaigns of the commune file (their seed and
what the staff did), the families' requests in order of preference, the draw's decisions.

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-05
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from adapters.persistence.types import UtcDateTime

revision: str = "0025"
down_revision: str | None = "0024"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "allocation_campaigns",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=30), nullable=False),
        sa.Column("label", sa.String(length=80), nullable=False),
        sa.Column("establishment_code", sa.String(length=40), nullable=False),
        sa.Column("first_day", sa.Date(), nullable=False),
        sa.Column("last_day", sa.Date(), nullable=False),
        sa.Column("requests_from", UtcDateTime(), nullable=False),
        sa.Column("requests_until", UtcDateTime(), nullable=False),
        sa.Column("priorities", sa.String(length=200), nullable=False),
        sa.Column("max_days_per_child", sa.Integer(), nullable=True),
        sa.Column("seed", sa.String(length=64), nullable=False),
        sa.Column("opened_at", UtcDateTime(), nullable=True),
        sa.Column("drawn_at", UtcDateTime(), nullable=True),
        sa.Column("published_at", UtcDateTime(), nullable=True),
        sa.Column("draw_inputs", sa.JSON(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_allocation_campaigns")),
        sa.UniqueConstraint("code", name=op.f("uq_allocation_campaigns_code")),
    )
    op.create_table(
        "allocation_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("family_id", sa.Integer(), nullable=False),
        sa.Column("child_id", sa.Integer(), nullable=False),
        sa.Column("unit_code", sa.String(length=40), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("preference", sa.Integer(), nullable=False),
        sa.Column("requested_at", UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["allocation_campaigns.id"],
            name=op.f("fk_allocation_requests_campaign_id_allocation_campaigns"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["family_id"], ["families.id"], name=op.f("fk_allocation_requests_family_id_families")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_allocation_requests")),
        sa.UniqueConstraint(
            "campaign_id",
            "child_id",
            "day",
            "unit_code",
            name=op.f("uq_allocation_requests_campaign_id"),
        ),
    )
    op.create_index(op.f("ix_allocation_requests_family_id"), "allocation_requests", ["family_id"])
    op.create_index(
        "ix_allocation_requests_campaign_family",
        "allocation_requests",
        ["campaign_id", "family_id"],
    )
    op.create_table(
        "allocation_decisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("family_id", sa.Integer(), nullable=False),
        sa.Column("child_id", sa.Integer(), nullable=False),
        sa.Column("establishment_code", sa.String(length=40), nullable=False),
        sa.Column("unit_code", sa.String(length=40), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("age_group", sa.String(length=40), nullable=False),
        sa.Column("preference", sa.Integer(), nullable=False),
        sa.Column("outcome", sa.String(length=10), nullable=False),
        sa.Column("priority_class", sa.Integer(), nullable=False),
        sa.Column("draw_rank", sa.Integer(), nullable=False),
        sa.Column("waiting_rank", sa.Integer(), nullable=True),
        sa.Column("rule_refusal", sa.Text(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.CheckConstraint(
            "outcome IN ('granted', 'waiting', 'refused')",
            name=op.f("ck_allocation_decisions_outcome"),
        ),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["allocation_campaigns.id"],
            name=op.f("fk_allocation_decisions_campaign_id_allocation_campaigns"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["family_id"], ["families.id"], name=op.f("fk_allocation_decisions_family_id_families")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_allocation_decisions")),
    )
    op.create_index(
        op.f("ix_allocation_decisions_family_id"), "allocation_decisions", ["family_id"]
    )
    op.create_index(
        "ix_allocation_decisions_campaign_family",
        "allocation_decisions",
        ["campaign_id", "family_id"],
    )


def downgrade() -> None:
    op.drop_index("ix_allocation_decisions_campaign_family", table_name="allocation_decisions")
    op.drop_index(op.f("ix_allocation_decisions_family_id"), table_name="allocation_decisions")
    op.drop_table("allocation_decisions")
    op.drop_index("ix_allocation_requests_campaign_family", table_name="allocation_requests")
    op.drop_index(op.f("ix_allocation_requests_family_id"), table_name="allocation_requests")
    op.drop_table("allocation_requests")
    op.drop_table("allocation_campaigns")
