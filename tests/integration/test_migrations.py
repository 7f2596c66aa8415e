"""Alembic migrations, on SQLite and on PostgreSQL: they build exactly the schema the code uses,
run in one transaction, and keep the data that other tables point to."""

import shutil
from importlib.resources import files
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, inspect, text

from adapters.persistence import SqlUnitOfWork, current_revision, downgrade, head_revision, upgrade
from adapters.persistence.tables import metadata
from portail_core.domain.communes import Commune
from tests.unit.dossier_builders import complete_family
from tests.unit.reservation_world import NOW


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


def test_upgrade_again_changes_nothing_and_keeps_the_data(engine: Engine) -> None:
    with SqlUnitOfWork(engine) as uow:
        uow.communes.add(
            Commune.create(insee_code="40184", name="M", school_zone="A", contact_email="a@b.fr")
        )
        uow.commit()
    upgrade(engine)
    assert current_revision(engine) == head_revision()
    with SqlUnitOfWork(engine, read_only=True) as uow:
        assert uow.communes.get() is not None


def test_downgrade_to_base_removes_everything_and_upgrade_rebuilds(engine: Engine) -> None:
    downgrade(engine, "base")
    assert current_revision(engine) is None
    assert table_names(engine) == set()
    upgrade(engine)
    assert table_names(engine) == set(metadata.tables)


def test_constraints_have_conventional_names(engine: Engine) -> None:
    inspector = inspect(engine)
    if engine.dialect.name == "postgresql":  # SQLite does not report primary key names
        assert inspector.get_pk_constraint("communes")["name"] == "pk_communes"
    unique_names = {c["name"] for c in inspector.get_unique_constraints("communes")}
    assert "uq_communes_insee_code" in unique_names
    check_names = {c["name"] for c in inspector.get_check_constraints("communes")}
    assert {"ck_communes_school_zone", "ck_communes_single_commune"} <= check_names


def test_absences_keep_their_rows_through_0010_and_a_withdrawn_number_is_not_reused(
    empty_engine: Engine,
) -> None:
    """0010 rebuilds ``absences`` with AUTOINCREMENT on SQLite (PostgreSQL is left as it is):
    the rows, numbers and check constraint are kept, then the last number, deleted, is not
    given again; the downgrade keeps the rows too."""
    upgrade(empty_engine, "0009")
    family_id, child_id = _a_family(empty_engine)
    with empty_engine.begin() as connection:
        for day in ("2026-09-14", "2026-09-21"):
            connection.execute(
                text(
                    "INSERT INTO absences (family_id, child_id, first_day, last_day, reason, "
                    "declared_at, declared_by, channel, certificate_file, justified) VALUES "
                    "(:family, :child, :day, :day, 'maladie', '2026-09-13 08:00:00', 'martin.1', "
                    "'portail', NULL, false)"
                ),
                {"family": family_id, "child": child_id, "day": day},
            )
    upgrade(empty_engine)
    assert _absence_ids(empty_engine) == [1, 2]
    check_names = {c["name"] for c in inspect(empty_engine).get_check_constraints("absences")}
    assert "ck_absences_period" in check_names
    with empty_engine.begin() as connection:
        connection.execute(text("DELETE FROM absences WHERE id = 2"))
        connection.execute(
            text(
                "INSERT INTO absences (family_id, child_id, first_day, last_day, reason, "
                "declared_at, declared_by, channel, justified) SELECT family_id, child_id, "
                "first_day, last_day, reason, declared_at, declared_by, channel, justified "
                "FROM absences WHERE id = 1"
            )
        )
    assert _absence_ids(empty_engine) == [1, 3]
    downgrade(empty_engine, "0009")
    assert _absence_ids(empty_engine) == [1, 3]


def test_tokens_keep_their_rows_through_0011_which_adds_the_new_address(
    empty_engine: Engine,
) -> None:
    """0011 adds ``one_time_tokens.new_email`` (NULL for the tokens already there); the downgrade
    drops it and keeps the rows."""
    upgrade(empty_engine, "0010")
    family_id, _ = _a_family(empty_engine)
    with empty_engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO accounts (family_id, identifier, email, created_at, status, "
                "must_change_password, consecutive_failures, recent_failures, locked) VALUES "
                "(:family, 'martin.1', 'a@b.fr', '2026-09-13 08:00:00', 'active', false, 0, "
                "'[]', false)"
            ),
            {"family": family_id},
        )
        connection.execute(
            text(
                "INSERT INTO one_time_tokens (account_id, purpose, token_hash, expires_at, "
                "revoked) SELECT id, 'password_reset', 'h1', '2026-09-13 09:00:00', false "
                "FROM accounts"
            )
        )
    upgrade(empty_engine)
    with empty_engine.connect() as connection:
        rows = connection.execute(text("SELECT token_hash, new_email FROM one_time_tokens"))
        assert [tuple(row) for row in rows] == [("h1", None)]
    downgrade(empty_engine, "0010")
    columns = {c["name"] for c in inspect(empty_engine).get_columns("one_time_tokens")}
    assert "new_email" not in columns
    with empty_engine.connect() as connection:
        hashes = connection.execute(text("SELECT token_hash FROM one_time_tokens")).scalars()
        assert list(hashes) == ["h1"]


def _a_family(engine: Engine) -> tuple[int, int]:
    family = complete_family()
    with SqlUnitOfWork(engine) as uow:
        uow.families.add(family, NOW)
        uow.commit()
    assert family.id is not None
    assert family.children[0].id is not None
    return family.id, family.children[0].id


def _absence_ids(engine: Engine) -> list[int]:
    with engine.connect() as connection:
        return list(connection.execute(text("SELECT id FROM absences ORDER BY id")).scalars())


# ---------------------------------------------------------------- scripted migrations
# A throw-away script directory with the project's env.py: a parent table referenced by a child
# with ON DELETE CASCADE, then a migration that rebuilds the parent (batch mode on SQLite), then
# one that fails half-way.

SCRIPT = """\
import sqlalchemy as sa
from alembic import op

revision = "{revision}"
down_revision = {down!r}
branch_labels = None
depends_on = None


def upgrade():
{body}


def downgrade():
    pass
"""

PARENT_AND_CHILD = """\
    op.create_table("parent", sa.Column("id", sa.Integer, primary_key=True),
                    sa.Column("label", sa.String(10)))
    op.create_table("child", sa.Column("id", sa.Integer, primary_key=True),
                    sa.Column("parent_id", sa.Integer,
                              sa.ForeignKey("parent.id", ondelete="CASCADE"), nullable=False))
    op.execute("INSERT INTO parent (id, label) VALUES (1, 'un')")
    op.execute("INSERT INTO child (id, parent_id) VALUES (1, 1), (2, 1)")"""

REBUILD_PARENT = """\
    with op.batch_alter_table("parent") as batch:  # SQLite rebuilds the table
        batch.alter_column("label", type_=sa.String(40))"""

FAILS_HALF_WAY = """\
    op.create_table("orphan", sa.Column("id", sa.Integer, primary_key=True))
    op.add_column("parent", sa.Column("extra", sa.Integer))
    op.execute("INSERT INTO no_such_table VALUES (1)")"""


@pytest.fixture
def scripts(tmp_path: Path) -> Path:
    folder = tmp_path / "migrations"
    (folder / "versions").mkdir(parents=True)
    shipped = files("adapters.persistence") / "migrations"
    for name in ("env.py", "script.py.mako"):
        shutil.copyfile(str(shipped / name), folder / name)
    for revision, down, body in [
        ("t1", None, PARENT_AND_CHILD),
        ("t2", "t1", REBUILD_PARENT),
        ("t3", "t2", FAILS_HALF_WAY),
    ]:
        source = SCRIPT.format(revision=revision, down=down, body=body)
        (folder / "versions" / f"{revision}.py").write_text(source)
    return folder


def count_children(engine: Engine) -> int:
    with engine.connect() as connection:
        return connection.execute(text("SELECT count(*) FROM child")).scalar_one()


def test_rebuilding_a_referenced_table_keeps_the_rows_that_refer_to_it(
    empty_engine: Engine, scripts: Path
) -> None:
    upgrade(empty_engine, "t1", scripts=scripts)
    upgrade(empty_engine, "t2", scripts=scripts)
    assert current_revision(empty_engine) == "t2"
    assert count_children(empty_engine) == 2


def test_a_failed_migration_leaves_the_schema_and_revision_as_they_were(
    empty_engine: Engine, scripts: Path
) -> None:
    upgrade(empty_engine, "t2", scripts=scripts)
    with pytest.raises(Exception, match="no_such_table"):
        upgrade(empty_engine, "t3", scripts=scripts)
    assert current_revision(empty_engine) == "t2"
    assert "orphan" not in table_names(empty_engine)
    columns = {column["name"] for column in inspect(empty_engine).get_columns("parent")}
    assert columns == {"id", "label"}
    assert count_children(empty_engine) == 2
