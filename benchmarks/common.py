"""What the benchmarks share: a throw-away database (SQLite in a temporary file, PostgreSQL in a
schema of its own, dropped at the end), the demo town with a fourth ALSH unit, a SQL query
counter and a few statistics.

Run the benchmarks from the repository's root (``make bench``): they reuse the test suite's
builders (``tests.unit``, ``tests.integration.reservation_town``).
"""

from __future__ import annotations

import os
import statistics
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import attrs
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from tests.unit.reservation_world import demo_catalogue, with_places

from adapters.persistence import create_database_engine, upgrade
from portail_core.domain.catalogue.establishments import Catalogue

__all__ = [
    "DATABASES",
    "FOURTH_UNIT",
    "POSTGRES_URL",
    "QueryCounter",
    "database",
    "four_unit_catalogue",
    "migrated_engine",
    "milliseconds",
]

POSTGRES_URL = os.environ.get(
    "PORTAIL_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
DATABASES = ("sqlite", "postgresql")
FOURTH_UNIT = "VEILLEE"


@contextmanager
def database(kind: str) -> Iterator[str | None]:
    """The URL of an empty database of that kind, removed afterwards; None when PostgreSQL
    cannot be reached (the benchmark then says so and goes on)."""
    if kind == "sqlite":
        with tempfile.TemporaryDirectory(prefix="portail-bench-") as folder:
            yield f"sqlite:///{Path(folder) / 'bench.sqlite3'}"
        return
    schema = f"bench_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    except OperationalError as error:
        admin.dispose()
        print(f"PostgreSQL unreachable at {POSTGRES_URL}: {str(error.orig).strip()}")
        yield None
        return
    url = make_url(POSTGRES_URL).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def migrated_engine(url: str, **options: Any) -> Engine:
    engine = create_database_engine(url, **options)
    upgrade(engine)
    return engine


def four_unit_catalogue(places: int | None = None) -> tuple[Any, Catalogue]:
    """The demo commune; its ALSH gets a fourth unit ("Veillée", like "Après-midi"), so that
    the planning is a grid of four units. ``places``: per age group of "Journée"."""
    details, catalogue = demo_catalogue()
    if places is not None:
        catalogue = with_places(catalogue, "ALSH", "JOURNEE", places)
    alsh = catalogue.establishment("ALSH")
    assert alsh is not None
    afternoon = alsh.unit("APRES-MIDI")
    assert afternoon is not None
    evening = attrs.evolve(
        afternoon, code=FOURTH_UNIT, label="Veillée", incompatible_with=frozenset()
    )
    changed = attrs.evolve(alsh, units=(*alsh.units, evening))
    return details, Catalogue(
        catalogue.schools,
        tuple(changed if e.code == "ALSH" else e for e in catalogue.establishments),
    )


class QueryCounter:
    """Counts the SQL statements an engine sends (SQLAlchemy's before_cursor_execute)."""

    def __init__(self, engine: Engine) -> None:
        self.count = 0
        event.listen(engine, "before_cursor_execute", self._seen)

    def _seen(self, *_: object) -> None:
        self.count += 1

    @contextmanager
    def counting(self) -> Iterator[list[int]]:
        """``with counter.counting() as n:`` then ``n[0]`` is the number of statements."""
        before = self.count
        result = [0]
        try:
            yield result
        finally:
            result[0] = self.count - before


def milliseconds(samples: list[float]) -> tuple[float, float]:
    """Median and 95th percentile, in milliseconds, of durations in seconds."""
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered) * 1000, p95 * 1000
