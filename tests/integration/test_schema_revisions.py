"""The schema check without Alembic (``adapters.persistence.revisions``) answers as Alembic does:
the database's revision on SQLite and PostgreSQL, the code's head on the shipped scripts and on
histories it reads itself (linear, merged) or leaves to Alembic (branches, cycles, a missing
revision, a script it cannot read)."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from pathlib import Path

import pytest
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from adapters.persistence import migrate, revisions
from entrypoints.bootstrap import Services, bootstrap_in_memory

SCRIPT = """\
revision{annotation} = {revision!r}
down_revision{annotation} = {down!r}
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
"""


def alembic_current(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def shipped_previous() -> tuple[str, str]:
    """The code's head and the revision before it, by Alembic."""
    scripts = ScriptDirectory.from_config(migrate.alembic_config())
    head = scripts.get_current_head()
    assert head is not None
    previous = scripts.get_revision(head).down_revision
    assert isinstance(previous, str)
    return head, previous


def scripts_folder(tmp_path: Path, history: dict[str, object], *, annotated: bool = False) -> Path:
    """A migrations folder whose scripts are ``revision: down_revision`` pairs."""
    versions = tmp_path / "migrations" / "versions"
    versions.mkdir(parents=True)
    annotation = ": str" if annotated else ""
    for revision, down in history.items():
        text = SCRIPT.format(annotation=annotation, revision=revision, down=down)
        (versions / f"{revision}_step.py").write_text(text)
    return versions.parent


def test_the_head_of_the_shipped_scripts_is_alembic_s() -> None:
    assert revisions.head_revision() == migrate.head_revision()
    assert (
        revisions._read_graph(
            Path(str(migrate.alembic_config().get_main_option("script_location"))) / "versions"
        )
        is not None
    )  # read without Alembic, not left to it


@pytest.mark.parametrize(
    "history",
    [
        {"a1": None, "b2": "a1", "c3": "b2"},
        {"a1": None, "b2": "a1", "c3": "a1", "m4": ("b2", "c3")},  # a merge
    ],
    ids=["linear", "merged"],
)
@pytest.mark.parametrize("annotated", [False, True], ids=["plain", "annotated"])
def test_a_history_read_without_alembic_has_alembic_s_head(
    tmp_path: Path, history: dict[str, object], annotated: bool
) -> None:
    scripts = scripts_folder(tmp_path, history, annotated=annotated)
    graph = revisions._read_graph(scripts / "versions")
    assert graph is not None
    assert revisions._single_head(graph) == migrate.head_revision(scripts)
    assert revisions.head_revision(scripts) == migrate.head_revision(scripts)


def outcome(head: Callable[[], str | None]) -> tuple[str, str]:
    """What asking for the head gives: its value, or the exception raised (Alembic's warnings
    silenced: they are Alembic's, and the same on both paths)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return "head", str(head())
    except Exception as error:  # whatever Alembic raises, compared below
        return type(error).__name__, str(error)


@pytest.mark.parametrize(
    "history",
    [
        {"a1": None, "b2": "a1", "c3": "a1"},  # two heads
        {"a1": None, "b2": "a1", "c3": "d4", "d4": "c3"},  # a cycle beside the history
        {"a1": None, "b2": "zz"},  # revises a revision that does not exist
    ],
    ids=["branches", "cycle", "missing"],
)
def test_a_history_not_read_without_alembic_gets_alembic_s_own_answer(
    tmp_path: Path, history: dict[str, object]
) -> None:
    scripts = scripts_folder(tmp_path, history)
    graph = revisions._read_graph(scripts / "versions")
    assert graph is not None
    assert revisions._single_head(graph) is None  # left to Alembic
    by_alembic = outcome(lambda: migrate.head_revision(scripts))
    assert by_alembic[0] != "head"  # Alembic refuses each of these histories
    assert outcome(lambda: revisions.head_revision(scripts)) == by_alembic


def test_a_script_not_read_as_expected_is_left_to_alembic(tmp_path: Path) -> None:
    scripts = scripts_folder(tmp_path, {"a1": None, "b2": "a1"})
    computed = scripts / "versions" / "c3_computed.py"
    computed.write_text(
        SCRIPT.format(annotation="", revision="c3", down="b2").replace(
            "revision = 'c3'", "revision = 'c' + '3'"
        )
    )
    assert revisions._read_graph(scripts / "versions") is None
    assert revisions.head_revision(scripts) == migrate.head_revision(scripts) == "c3"


def test_the_database_s_revision_is_alembic_s_empty_behind_and_current(
    empty_engine: Engine,
) -> None:
    assert revisions.current_revision(empty_engine) is None
    assert alembic_current(empty_engine) is None
    head, previous = shipped_previous()
    migrate.upgrade(empty_engine, previous)
    assert revisions.current_revision(empty_engine) == alembic_current(empty_engine) == previous
    in_memory = bootstrap_in_memory()
    services = Services(in_memory.settings, in_memory.portail, empty_engine)
    assert services.revisions() == (previous, head)
    assert not services.schema_is_current()
    migrate.upgrade(empty_engine)
    assert revisions.current_revision(empty_engine) == alembic_current(empty_engine) == head
    assert services.schema_is_current()
