"""The database's schema revision and the code's, read without importing Alembic.

Checking that the schema is current is what every command and the portal's start do; Alembic
(0.1 s of CPU to import) is only needed to migrate. The database's revision is the row of
Alembic's version table; the code's head is the one revision of the shipped scripts that no
other revises, read from the scripts' ``revision`` and ``down_revision`` lines. Anything this
reading does not understand (a line it cannot parse, several heads or none) is left to Alembic
itself, so the answer is always Alembic's (``tests/integration/test_schema_revisions.py``).
"""

from __future__ import annotations

import ast
import functools
import re
from importlib.resources import files
from pathlib import Path

from sqlalchemy import Engine, inspect, text
from sqlalchemy.exc import OperationalError

from adapters.persistence.database import READ_ONLY, database_unreachable

__all__ = ["VERSION_TABLE", "current_revision", "head_revision"]

VERSION_TABLE = "alembic_version"  # Alembic's default, which migrations/env.py keeps
_SELECT_REVISION = text("SELECT version_num FROM alembic_version")
_ON_PATH, _DONE = 1, 2
_ASSIGNMENT = re.compile(
    r"^(revision|down_revision)\s*(?::[^=\n]*)?=\s*(.+?)\s*(?:#.*)?$", re.MULTILINE
)


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at, or None for an empty database (as Alembic's
    ``MigrationContext.get_current_revision``, in a read-only transaction)."""
    try:
        with engine.connect().execution_options(**{READ_ONLY: True}) as connection:
            if not inspect(connection).has_table(VERSION_TABLE):
                return None
            rows = connection.execute(_SELECT_REVISION).all()
    except OperationalError as error:
        raise database_unreachable(error) from error
    if len(rows) > 1:
        raise RuntimeError(f"the table {VERSION_TABLE} holds several revisions: {rows}")
    return str(rows[0][0]) if rows else None


def head_revision(scripts: Path | None = None) -> str | None:
    """The code's head revision; ``scripts`` replaces the shipped migrations (for tests)."""
    if scripts is None:
        return _shipped_head()
    return _head(scripts)


@functools.cache
def _shipped_head() -> str | None:
    """The shipped scripts' head, read once: the code a process runs does not change."""
    return _head(Path(str(files("adapters.persistence") / "migrations")))


def _head(scripts: Path) -> str | None:
    graph = _read_graph(scripts / "versions")
    head = None if graph is None else _single_head(graph)
    if head is not None:
        return head
    from adapters.persistence.migrate import head_revision as alembic_head  # the authority

    return alembic_head(scripts)


def _read_graph(versions: Path) -> dict[str, tuple[str, ...]] | None:
    """Each revision and those it revises, or None when a script is not read as expected."""
    graph: dict[str, tuple[str, ...]] = {}
    for script in sorted(versions.glob("*.py")):
        if script.name == "__init__.py":
            continue
        found = _ASSIGNMENT.findall(script.read_text("utf-8"))
        if sorted(name for name, _ in found) != ["down_revision", "revision"]:
            return None  # each once, at the start of a line: anything else is for Alembic
        values = dict(found)
        try:
            revision = ast.literal_eval(values["revision"])
            down = ast.literal_eval(values["down_revision"])
        except (ValueError, SyntaxError):
            return None
        downs = tuple(down) if isinstance(down, tuple | list) else (down,)
        if not isinstance(revision, str) or revision in graph:
            return None
        if not all(isinstance(d, str) for d in downs if d is not None):
            return None
        graph[revision] = tuple(d for d in downs if d is not None)
    return graph


def _single_head(graph: dict[str, tuple[str, ...]]) -> str | None:
    """The head when the scripts form one history Alembic accepts: every revision revised
    exists, exactly one is revised by none, no cycle, and every revision leads down from it."""
    revised = {down for downs in graph.values() for down in downs}
    heads = [revision for revision in graph if revision not in revised]
    if len(heads) != 1 or not revised <= graph.keys():
        return None
    state = {heads[0]: _ON_PATH}  # depth first from the head, without recursion
    path = [(heads[0], iter(graph[heads[0]]))]
    while path:
        revision, downs = path[-1]
        down = next(downs, None)
        if down is None:
            state[revision] = _DONE
            path.pop()
        elif state.get(down) == _ON_PATH:
            return None  # a cycle
        elif down not in state:
            state[down] = _ON_PATH
            path.append((down, iter(graph[down])))
    return heads[0] if state.keys() == graph.keys() else None
