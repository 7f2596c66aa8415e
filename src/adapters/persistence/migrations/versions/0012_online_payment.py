"""Online payment through PayFiP: the commune's contract, and one row per visit to PayFiP.

The commune gets its PayFiP client number (numcli), its mode (saisie T, X or W), how many days
after an invoice's due date it may still be paid online, and whether online payment is on (off
until the commune file says otherwise). ``payment_attempts`` keeps each attempt to pay an
invoice online, stored before the family leaves for PayFiP, with the client number and mode it
was opened with.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-04
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from adapters.persistence.types import UtcDateTime

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

STATES = "'en_cours', 'payee', 'refusee', 'abandonnee', 'expiree', 'rejetee', 'erreur', 'classee'"


def upgrade() -> None:
    with op.batch_alter_table("communes") as batch:
        batch.add_column(
            sa.Column("payfip_enabled", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch.add_column(
            sa.Column("payfip_numcli", sa.String(length=6), nullable=False, server_default="")
        )
        batch.add_column(
            sa.Column("payfip_mode", sa.String(length=1), nullable=False, server_default="T")
        )
        batch.add_column(
            sa.Column("payfip_days_after_due", sa.Integer(), nullable=False, server_default="0")
        )
        batch.create_check_constraint(
            op.f("ck_communes_payfip_mode"), "payfip_mode IN ('T', 'X', 'W')"
        )
    op.create_table(
        "payment_attempts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("family_id", sa.Integer(), nullable=False),
        sa.Column("invoice_number", sa.String(length=20), nullable=False),
        sa.Column("refdet", sa.String(length=30), nullable=False),
        sa.Column("amount_cents", sa.BigInteger(), nullable=False),
        sa.Column("id_op", sa.String(length=64), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("numcli", sa.String(length=6), nullable=False),
        sa.Column("mode", sa.String(length=1), nullable=False),
        sa.Column("state", sa.String(length=12), nullable=False),
        sa.Column("checked_at", UtcDateTime(), nullable=True),
        sa.Column("result", sa.String(length=8), nullable=False),
        sa.Column("authorisation", sa.String(length=32), nullable=False),
        sa.Column("paid_at", UtcDateTime(), nullable=True),
        sa.Column("problem", sa.String(length=500), nullable=False),
        sa.CheckConstraint(f"state IN ({STATES})", name=op.f("ck_payment_attempts_state")),
        sa.ForeignKeyConstraint(
            ["family_id"], ["families.id"], name=op.f("fk_payment_attempts_family_id_families")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payment_attempts")),
        sa.UniqueConstraint("id_op", name=op.f("uq_payment_attempts_id_op")),
        sa.UniqueConstraint("refdet", name=op.f("uq_payment_attempts_refdet")),
    )
    op.create_index(
        op.f("ix_payment_attempts_family_id"), "payment_attempts", ["family_id"], unique=False
    )
    op.create_index(
        op.f("ix_payment_attempts_invoice_number"),
        "payment_attempts",
        ["invoice_number"],
        unique=False,
    )
    op.create_index(
        "ix_payment_attempts_state_created_at",
        "payment_attempts",
        ["state", "created_at"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_table("payment_attempts")
    with op.batch_alter_table("communes") as batch:
        batch.drop_constraint(op.f("ck_communes_payfip_mode"), type_="check")
        batch.drop_column("payfip_days_after_due")
        batch.drop_column("payfip_mode")
        batch.drop_column("payfip_numcli")
        batch.drop_column("payfip_enabled")
