"""The family's reference in the previous software, in its own column, unique: a re-import
of the old software's export finds each family by it and never duplicates one.

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-05
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0026"
down_revision: str | None = "0025"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_families = sa.table(
    "families",
    sa.column("id", sa.Integer()),
    sa.column("data", sa.JSON()),
    sa.column("legacy_reference", sa.String(40)),
)


def upgrade() -> None:
    with op.batch_alter_table("families") as batch:
        batch.add_column(sa.Column("legacy_reference", sa.String(length=40), nullable=True))
    connection = op.get_bind()
    rows = connection.execute(sa.select(_families.c.id, _families.c.data)).all()
    seen: set[str] = set()
    for row in rows:  # the reference was kept in the dossier's JSON: the first family keeps it
        reference = (row.data or {}).get("legacy_reference")
        if reference and reference not in seen:
            seen.add(reference)
            connection.execute(
                sa.update(_families)
                .where(_families.c.id == row.id)
                .values(legacy_reference=reference)
            )
    with op.batch_alter_table("families") as batch:
        batch.create_unique_constraint(
            batch.f("uq_families_legacy_reference"), ["legacy_reference"]
        )


def downgrade() -> None:
    with op.batch_alter_table("families") as batch:
        batch.drop_constraint(batch.f("uq_families_legacy_reference"), type_="unique")
        batch.drop_column("legacy_reference")
