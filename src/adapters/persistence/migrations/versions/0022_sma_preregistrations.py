"""SMA (multi-accueil) pre-registrations: one row per request (the child or the expected child,
the wished start, days and hours, structures wished in order, its state and its offer), and the
commune's rules for them (the commission's criteria, confirmation every few months).

Revision ID: 0022
Revises: 0021
Create Date: 2027-01-22
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from adapters.persistence.types import UtcDateTime

revision: str = "0022"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CRITERIA = "residence,siblings_placed,request_date"


def upgrade() -> None:
    with op.batch_alter_table("communes") as batch:
        batch.add_column(
            sa.Column("sma_criteria", sa.String(200), nullable=False, server_default=CRITERIA)
        )
        batch.add_column(
            sa.Column("sma_confirm_months", sa.Integer(), nullable=False, server_default="6")
        )
        batch.add_column(
            sa.Column("sma_grace_days", sa.Integer(), nullable=False, server_default="30")
        )
    op.create_table(
        "sma_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("family_id", sa.Integer(), nullable=False),
        sa.Column("child_id", sa.Integer(), nullable=True),
        sa.Column("child_name", sa.String(length=200), nullable=False),
        sa.Column("last_name", sa.String(length=60), nullable=False),
        sa.Column("expected_birth_date", sa.Date(), nullable=True),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("slots", sa.JSON(), nullable=False),
        sa.Column("wishes", sa.JSON(), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("requested_at", UtcDateTime(), nullable=False),
        sa.Column("confirmed_at", UtcDateTime(), nullable=False),
        sa.Column("reminded_at", UtcDateTime(), nullable=True),
        sa.Column("closed_at", UtcDateTime(), nullable=True),
        sa.Column("offer_establishment", sa.String(length=40), nullable=True),
        sa.Column("offer_start", sa.Date(), nullable=True),
        sa.Column("offer_deadline", sa.Date(), nullable=True),
        sa.Column("offered_at", UtcDateTime(), nullable=True),
        sa.CheckConstraint(
            "state IN ('FILED', 'OFFERED', 'ACCEPTED', 'DECLINED', 'EXPIRED', 'DROPPED')",
            name=op.f("ck_sma_requests_state"),
        ),
        sa.CheckConstraint(
            "child_id IS NOT NULL OR expected_birth_date IS NOT NULL",
            name=op.f("ck_sma_requests_child"),
        ),
        sa.ForeignKeyConstraint(
            ["family_id"], ["families.id"], name=op.f("fk_sma_requests_family_id_families")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sma_requests")),
    )
    op.create_index(op.f("ix_sma_requests_family_id"), "sma_requests", ["family_id"])
    op.create_index(op.f("ix_sma_requests_state"), "sma_requests", ["state"])


def downgrade() -> None:
    op.drop_index(op.f("ix_sma_requests_state"), table_name="sma_requests")
    op.drop_index(op.f("ix_sma_requests_family_id"), table_name="sma_requests")
    op.drop_table("sma_requests")
    with op.batch_alter_table("communes") as batch:
        batch.drop_column("sma_grace_days")
        batch.drop_column("sma_confirm_months")
        batch.drop_column("sma_criteria")
