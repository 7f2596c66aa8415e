"""The waiting room of opening day: its one row (automatic, 200 families, a lease of five
minutes) and the families' tickets, numbered by the database in arrival order, deleted with
their account.

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-05
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from adapters.persistence.types import UtcDateTime

revision: str = "0023"
down_revision: str | None = "0022"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    room = op.create_table(
        "waiting_room",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("mode", sa.String(length=10), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("lease_seconds", sa.Integer(), nullable=False),
        sa.Column("admit_from", UtcDateTime(), nullable=True),
        sa.Column("inside", sa.Integer(), nullable=False),
        sa.Column("waiting", sa.Integer(), nullable=False),
        sa.Column("last_pass_at", UtcDateTime(), nullable=True),
        sa.Column("window_started_at", UtcDateTime(), nullable=True),
        sa.Column("window_admitted", sa.Integer(), nullable=False),
        sa.Column("previous_admitted", sa.Integer(), nullable=False),
        sa.Column("previous_seconds", sa.Integer(), nullable=False),
        sa.Column("changed_at", UtcDateTime(), nullable=True),
        sa.Column("changed_by", sa.String(length=200), nullable=True),
        sa.CheckConstraint("id = 1", name=op.f("ck_waiting_room_single_room")),
        sa.CheckConstraint("mode IN ('auto', 'open', 'off')", name=op.f("ck_waiting_room_mode")),
        sa.CheckConstraint("capacity >= 1", name=op.f("ck_waiting_room_capacity")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_waiting_room")),
    )
    op.bulk_insert(
        room,
        [
            {
                "id": 1,
                "mode": "auto",
                "capacity": 200,
                "lease_seconds": 300,
                "inside": 0,
                "waiting": 0,
                "window_admitted": 0,
                "previous_admitted": 0,
                "previous_seconds": 0,
            }
        ],
    )
    op.create_table(
        "waiting_room_tickets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("queued_at", UtcDateTime(), nullable=False),
        sa.Column("admitted_at", UtcDateTime(), nullable=True),
        sa.Column("expires_at", UtcDateTime(), nullable=False),
        sa.CheckConstraint(
            "state IN ('waiting', 'admitted', 'released')",
            name=op.f("ck_waiting_room_tickets_state"),
        ),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_waiting_room_tickets_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_waiting_room_tickets")),
        sa.UniqueConstraint("account_id", name=op.f("uq_waiting_room_tickets_account_id")),
    )
    op.create_index(
        op.f("ix_waiting_room_tickets_expires_at"),
        "waiting_room_tickets",
        ["expires_at"],
        unique=False,
    )
    op.create_index(
        "ix_waiting_room_tickets_state_id", "waiting_room_tickets", ["state", "id"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_waiting_room_tickets_state_id", table_name="waiting_room_tickets")
    op.drop_index(op.f("ix_waiting_room_tickets_expires_at"), table_name="waiting_room_tickets")
    op.drop_table("waiting_room_tickets")
    op.drop_table("waiting_room")
