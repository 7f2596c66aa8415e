"""Absence numbers are never given again once an absence is withdrawn (deleted).

PostgreSQL's sequence (SERIAL) never goes back. SQLite gives a new row the largest id plus one,
so the number of the last absence, once withdrawn, would go to the next one signalled: the audit
trail and the structures' e-mails would then name two absences by one number. On SQLite the
table is rebuilt with AUTOINCREMENT (its rows and numbers kept); PostgreSQL is left as it is.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-27
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _absences() -> sa.Table:
    """The table as revision 0009 created it (the copy keeps every constraint and index)."""
    return sa.Table(
        "absences",
        sa.MetaData(),
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
        sa.CheckConstraint("last_day >= first_day", name="ck_absences_period"),
        sa.ForeignKeyConstraint(
            ["family_id"], ["families.id"], name="fk_absences_family_id_families"
        ),
        sa.ForeignKeyConstraint(
            ["child_id"], ["children.id"], name="fk_absences_child_id_children"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_absences"),
        sa.Index("ix_absences_family_id", "family_id"),
        sa.Index("ix_absences_days", "last_day", "first_day"),
    )


def _rebuild(autoincrement: bool) -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    with op.batch_alter_table(
        "absences",
        recreate="always",
        copy_from=_absences(),
        table_kwargs={"sqlite_autoincrement": autoincrement},
    ):
        pass


def upgrade() -> None:
    _rebuild(autoincrement=True)


def downgrade() -> None:
    _rebuild(autoincrement=False)
