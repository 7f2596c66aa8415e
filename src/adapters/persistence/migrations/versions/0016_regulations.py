"""Règlements intérieurs as published versions: each PDF the desk uploads, its version number,
title, the day it takes effect and the deadline it gives families (domain.regulations).

The commune file's ``regulation_version`` of each establishment stays as it is: it is the
version in force until a published one takes effect, so nothing needs moving.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-14
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from adapters.persistence.types import UtcDateTime

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "regulation_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("establishment_code", sa.String(length=40), nullable=False),
        sa.Column("version", sa.String(length=40), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("effective_from", sa.Date(), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=True),
        sa.Column("file_id", sa.String(length=32), nullable=False),
        sa.Column("format", sa.String(length=10), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("original_name", sa.String(length=200), nullable=False),
        sa.Column("published_at", UtcDateTime(), nullable=False),
        sa.Column("published_by", sa.String(length=200), nullable=False),
        sa.CheckConstraint(
            "deadline IS NULL OR deadline >= effective_from",
            name=op.f("ck_regulation_versions_deadline"),
        ),
        sa.ForeignKeyConstraint(
            ["establishment_code"],
            ["establishments.code"],
            name=op.f("fk_regulation_versions_establishment_code_establishments"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_regulation_versions")),
        sa.UniqueConstraint(
            "establishment_code",
            "version",
            name=op.f("uq_regulation_versions_establishment_code_version"),
        ),
    )


def downgrade() -> None:
    op.drop_table("regulation_versions")
