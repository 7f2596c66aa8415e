"""The guichet unique's postal address and phone number, printed on invoices.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-10
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("communes") as batch:
        batch.add_column(
            sa.Column("contact_address", sa.String(length=200), nullable=False, server_default="")
        )
        batch.add_column(
            sa.Column("contact_phone", sa.String(length=20), nullable=False, server_default="")
        )


def downgrade() -> None:
    with op.batch_alter_table("communes") as batch:
        batch.drop_column("contact_phone")
        batch.drop_column("contact_address")
