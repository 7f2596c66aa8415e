"""The database schema as SQLAlchemy Core tables; Alembic migrations must produce exactly this.

The naming convention gives every constraint and index a predictable name, so that migrations can
drop or alter them on both SQLite and PostgreSQL.
"""

from __future__ import annotations

from sqlalchemy import CheckConstraint, Column, Integer, MetaData, String, Table

__all__ = ["communes", "metadata"]

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = MetaData(naming_convention=NAMING_CONVENTION)

# One commune per installation: its row always has id 1.
communes = Table(
    "communes",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("insee_code", String(5), nullable=False, unique=True),
    Column("name", String(120), nullable=False),
    Column("school_zone", String(1), nullable=False),
    Column("contact_email", String(254), nullable=False),
    CheckConstraint("school_zone IN ('A', 'B', 'C')", name="school_zone"),
    CheckConstraint("id = 1", name="single_commune"),
)
