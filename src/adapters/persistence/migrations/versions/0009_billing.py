"""Billing: attendance marks, absences, invoices and credit notes, their sequences, payments.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-26
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}")
    )


def upgrade() -> None:
    op.create_table(
        "attendance_marks",
        sa.Column("child_id", sa.Integer(), nullable=False),
        sa.Column("establishment_code", sa.String(length=40), nullable=False),
        sa.Column("unit_code", sa.String(length=40), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("presence", sa.String(length=10), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.Column("recorded_by", sa.String(length=200), nullable=False),
        sa.CheckConstraint(
            "presence IN ('present', 'absent')", name=op.f("ck_attendance_marks_presence")
        ),
        _fk("attendance_marks", "child_id", "children"),
        sa.PrimaryKeyConstraint(
            "child_id", "establishment_code", "unit_code", "day", name=op.f("pk_attendance_marks")
        ),
    )
    op.create_index("ix_attendance_marks_day", "attendance_marks", ["day"])
    op.create_table(
        "absences",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("family_id", sa.Integer(), nullable=False),
        sa.Column("child_id", sa.Integer(), nullable=False),
        sa.Column("first_day", sa.Date(), nullable=False),
        sa.Column("last_day", sa.Date(), nullable=False),
        sa.Column("reason", sa.String(length=20), nullable=False),
        sa.Column("declared_at", sa.DateTime(), nullable=False),
        sa.Column("declared_by", sa.String(length=200), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("certificate_file", sa.String(length=80), nullable=True),
        sa.Column("justified", sa.Boolean(), nullable=False),
        sa.CheckConstraint("last_day >= first_day", name=op.f("ck_absences_period")),
        _fk("absences", "family_id", "families"),
        _fk("absences", "child_id", "children"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_absences")),
    )
    op.create_index(op.f("ix_absences_family_id"), "absences", ["family_id"])
    op.create_index("ix_absences_days", "absences", ["last_day", "first_day"])
    op.create_table(
        "invoices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=20), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("family_id", sa.Integer(), nullable=False),
        sa.Column("family_name", sa.String(length=80), nullable=False),
        sa.Column("address", sa.JSON(), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("pay_online_until", sa.Date(), nullable=False),
        sa.Column("total_cents", sa.BigInteger(), nullable=False),
        sa.Column("lines", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("quotient", sa.String(length=200), nullable=False),
        sa.Column("corrects", sa.String(length=20), nullable=True),
        sa.Column("direct_debit_on", sa.Date(), nullable=True),
        sa.CheckConstraint("kind IN ('invoice', 'credit_note')", name=op.f("ck_invoices_kind")),
        _fk("invoices", "family_id", "families"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invoices")),
        sa.UniqueConstraint("number", name=op.f("uq_invoices_number")),
    )
    op.create_index(op.f("ix_invoices_family_id"), "invoices", ["family_id"])
    op.create_index(op.f("ix_invoices_month"), "invoices", ["month"])
    op.create_table(
        "document_sequences",
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("last", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("kind", "year", name=op.f("pk_document_sequences")),
    )
    op.create_table(
        "payments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("family_id", sa.Integer(), nullable=False),
        sa.Column("amount_cents", sa.BigInteger(), nullable=False),
        sa.Column("mode", sa.String(length=20), nullable=False),
        sa.Column("reference", sa.String(length=100), nullable=False),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.Column("recorded_by", sa.String(length=200), nullable=False),
        sa.Column("invoice_number", sa.String(length=20), nullable=True),
        _fk("payments", "family_id", "families"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payments")),
    )
    op.create_index(op.f("ix_payments_family_id"), "payments", ["family_id"])
    op.create_index(op.f("ix_payments_received_on"), "payments", ["received_on"])
    op.create_index(op.f("ix_payments_invoice_number"), "payments", ["invoice_number"])


def downgrade() -> None:
    op.drop_table("payments")
    op.drop_table("document_sequences")
    op.drop_table("invoices")
    op.drop_table("absences")
    op.drop_table("attendance_marks")
