"""Alembic migrations, on SQLite and on PostgreSQL: they build exactly the schema the code uses."""

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, inspect

from adapters.persistence import current_revision, downgrade, head_revision, upgrade
from adapters.persistence.tables import metadata


def table_names(engine: Engine) -> set[str]:
    return set(inspect(engine).get_table_names()) - {"alembic_version"}


def test_an_empty_database_has_no_revision(empty_engine: Engine) -> None:
    assert current_revision(empty_engine) is None


def test_upgrade_reaches_head_and_creates_every_table(empty_engine: Engine) -> None:
    upgrade(empty_engine)
    assert current_revision(empty_engine) == head_revision()
    assert table_names(empty_engine) == set(metadata.tables)


def test_the_migrated_schema_matches_the_tables_in_the_code(engine: Engine) -> None:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, metadata)
    assert differences == []


def test_upgrade_twice_changes_nothing(engine: Engine) -> None:
    upgrade(engine)
    assert current_revision(engine) == head_revision()


def test_downgrade_to_base_removes_everything_and_upgrade_rebuilds(engine: Engine) -> None:
    downgrade(engine, "base")
    assert current_revision(engine) is None
    assert table_names(engine) == set()
    upgrade(engine)
    assert table_names(engine) == set(metadata.tables)


def test_constraints_have_conventional_names(engine: Engine) -> None:
    inspector = inspect(engine)
    assert inspector.get_pk_constraint("communes")["name"] in {"pk_communes", None}
    unique_names = {c["name"] for c in inspector.get_unique_constraints("communes")}
    assert "uq_communes_insee_code" in unique_names
    check_names = {c["name"] for c in inspector.get_check_constraints("communes")}
    assert "ck_communes_school_zone" in check_names
