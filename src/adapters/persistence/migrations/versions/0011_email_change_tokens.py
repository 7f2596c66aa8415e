"""One-time tokens carry the new address an e-mail change link confirms.

When the main guardian's e-mail changes in the dossier, the account keeps its address until the
family follows a link sent to the new one: the token of that link stores the address it
confirms (NULL for the other purposes).

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-27
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("one_time_tokens") as batch:
        batch.add_column(sa.Column("new_email", sa.String(length=254), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("one_time_tokens") as batch:
        batch.drop_column("new_email")
