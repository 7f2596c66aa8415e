"""Reservations, their history, place locks, waiting list and validated summaries (drafts).

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-26
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BOOKED = sa.text("status = 'booked'")


def _fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}")
    )


def upgrade() -> None:
    op.create_table(
        "reservations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("family_id", sa.Integer(), nullable=False),
        sa.Column("child_id", sa.Integer(), nullable=False),
        sa.Column("establishment_code", sa.String(length=40), nullable=False),
        sa.Column("unit_code", sa.String(length=40), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("age_group", sa.String(length=40), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("booked_at", sa.DateTime(), nullable=False),
        sa.Column("confirmation", sa.String(length=20), nullable=False),
        sa.Column("cancelled_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint(
            "status IN ('booked', 'cancelled')", name=op.f("ck_reservations_status")
        ),
        _fk("reservations", "family_id", "families"),
        _fk("reservations", "child_id", "children"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reservations")),
    )
    op.create_index(op.f("ix_reservations_family_id"), "reservations", ["family_id"])
    op.create_index(
        "ix_reservations_place", "reservations", ["establishment_code", "day", "unit_code"]
    )
    op.create_index("ix_reservations_child_day", "reservations", ["child_id", "day"])
    op.create_index(
        "uq_reservations_booked_once",
        "reservations",
        ["child_id", "establishment_code", "unit_code", "day"],
        unique=True,
        sqlite_where=BOOKED,
        postgresql_where=BOOKED,
    )
    op.create_table(
        "place_locks",
        sa.Column("establishment_code", sa.String(length=40), nullable=False),
        sa.Column("unit_code", sa.String(length=40), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint(
            "establishment_code", "unit_code", "day", name=op.f("pk_place_locks")
        ),
    )
    op.create_table(
        "reservation_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("family_id", sa.Integer(), nullable=False),
        sa.Column("child_id", sa.Integer(), nullable=False),
        sa.Column("establishment_code", sa.String(length=40), nullable=False),
        sa.Column("unit_code", sa.String(length=40), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("confirmation", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.String(length=300), nullable=False),
        _fk("reservation_events", "family_id", "families"),
        _fk("reservation_events", "child_id", "children"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reservation_events")),
    )
    op.create_index(op.f("ix_reservation_events_family_id"), "reservation_events", ["family_id"])
    op.create_index(op.f("ix_reservation_events_child_id"), "reservation_events", ["child_id"])
    op.create_table(
        "waiting_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("family_id", sa.Integer(), nullable=False),
        sa.Column("child_id", sa.Integer(), nullable=False),
        sa.Column("establishment_code", sa.String(length=40), nullable=False),
        sa.Column("unit_code", sa.String(length=40), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("age_group", sa.String(length=40), nullable=False),
        sa.Column("joined_at", sa.DateTime(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("offer_expires_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint(
            "status IN ('waiting', 'offered', 'promoted', 'left', 'expired')",
            name=op.f("ck_waiting_entries_status"),
        ),
        _fk("waiting_entries", "family_id", "families"),
        _fk("waiting_entries", "child_id", "children"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_waiting_entries")),
    )
    op.create_index(op.f("ix_waiting_entries_family_id"), "waiting_entries", ["family_id"])
    op.create_index(
        "ix_waiting_entries_place", "waiting_entries", ["establishment_code", "day", "unit_code"]
    )
    op.create_table(
        "planning_drafts",
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("family_id", sa.Integer(), nullable=False),
        sa.Column("child_id", sa.Integer(), nullable=False),
        sa.Column("establishment_code", sa.String(length=40), nullable=False),
        sa.Column("selection", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("summary", sa.JSON(), nullable=True),
        sa.Column("confirmation", sa.String(length=20), nullable=True),
        sa.Column("confirmed_at", sa.DateTime(), nullable=True),
        sa.Column("outcome", sa.JSON(), nullable=True),
        _fk("planning_drafts", "family_id", "families"),
        _fk("planning_drafts", "child_id", "children"),
        sa.PrimaryKeyConstraint("token", name=op.f("pk_planning_drafts")),
        sa.UniqueConstraint("confirmation", name=op.f("uq_planning_drafts_confirmation")),
    )
    op.create_index(op.f("ix_planning_drafts_family_id"), "planning_drafts", ["family_id"])


def downgrade() -> None:
    op.drop_table("planning_drafts")
    op.drop_table("waiting_entries")
    op.drop_table("reservation_events")
    op.drop_table("place_locks")
    op.drop_table("reservations")
