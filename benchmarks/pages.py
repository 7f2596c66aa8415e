"""Benchmark (d): the worker CPU time of each page of one family's booking flow, with N
waiting-list entries of other families in the town, before and after the family's ranks were
read in SQL (both variants side by side in one run, on the same database).

"before" replaces the repository's ``ranked`` with what the pages did until issue 17: every
active entry of the period read, numbered in Python, the family's (or child's) kept.

    python -m benchmarks.pages [--entries 17500] [--repeat 20] [--database sqlite|postgresql|both]
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import insert
from tests.integration.test_auth_web import csrf
from tests.unit.reservation_world import NOW

from adapters.persistence import create_database_engine
from adapters.persistence.bookings.waiting_list import SqlWaitingListRepository
from adapters.persistence.tables import waiting_entries
from benchmarks.common import DATABASES, database
from benchmarks.planning import UNITS, build_town, web_client
from portail_core.domain.bookings.reservation import PlaceKey, WaitingEntry, WaitingStatus

ENTRIES = 17_500
FAMILIES = 200  # other families, two children each, whose entries fill the waiting lists
STATUSES = (WaitingStatus.WAITING.value,) * 4 + (WaitingStatus.OFFERED.value,)


def fill_waiting_lists(town: Any, url: str, entries: int) -> None:
    """``entries`` active entries of other families on the ALSH's days from September to
    December (written straight into the table: the volume matters here, not the rules)."""
    rng = random.Random(17)  # noqa: S311  (test data)
    children = []
    for _ in range(FAMILIES):
        family = town.add_family()
        children += [
            (family, town.child_id(family), "ELEM"),
            (family, town.child_id(family, "Tom"), "MAT"),
        ]
    days = [
        date.fromordinal(d)
        for d in range(date(2026, 9, 1).toordinal(), date(2026, 12, 19).toordinal())
    ]
    rows = []
    for n in range(entries):
        family, child, group = rng.choice(children)
        rows.append(
            {
                "family_id": family,
                "child_id": child,
                "establishment_code": "ALSH",
                "unit_code": rng.choice(UNITS),
                "day": rng.choice(days),
                "age_group": group,
                "joined_at": NOW.subtract(minutes=entries - n),
                "status": rng.choice(STATUSES),
                "offer_expires_at": NOW.add(days=2),
            }
        )
    engine = create_database_engine(url)
    with engine.begin() as connection:
        connection.execute(insert(waiting_entries), rows)
    engine.dispose()


def ranked_before(
    self: SqlWaitingListRepository,
    establishment_code: str | None,
    first: date,
    last: date,
    *,
    family_id: int | None = None,
    child_id: int | None = None,
) -> list[tuple[WaitingEntry, int]]:
    """The pages' ranking until issue 17: the whole period's list, numbered in Python."""
    positions: dict[PlaceKey, int] = {}
    ranked = []
    for entry in self.active(establishment_code, first, last):
        positions[entry.place] = positions.get(entry.place, 0) + 1
        if (family_id is None or entry.family_id == family_id) and (
            child_id is None or entry.child_id == child_id
        ):
            ranked.append((entry, positions[entry.place]))
    return ranked


@contextmanager
def variant(name: str) -> Iterator[None]:
    after = SqlWaitingListRepository.ranked
    if name == "before":
        SqlWaitingListRepository.ranked = ranked_before  # type: ignore[method-assign]
    try:
        yield
    finally:
        SqlWaitingListRepository.ranked = after  # type: ignore[method-assign]


def cpu(action: Callable[[], object], repeat: int) -> float:
    """Median CPU milliseconds of this process (the worker; SQLite runs in it, PostgreSQL not)."""
    action()
    samples = []
    for _ in range(repeat):
        start = time.process_time()
        action()
        samples.append(time.process_time() - start)
    samples.sort()
    return samples[len(samples) // 2] * 1000


def steps(client: FlaskClient, child: int) -> dict[str, Callable[[], object]]:
    """The flow's pages for the measured child (confirming is benchmark (b)'s)."""

    def get(path: str) -> Callable[[], object]:
        def call() -> object:
            response = client.get(path)
            assert response.status_code == 200, (path, response.status_code)
            return response

        return call

    def choose() -> object:
        data = {"csrf_token": token, "enfant": child, "structure": "ALSH"}
        response = client.post("/reservations", data=data)
        assert response.status_code == 302, response.status_code
        return response

    def validate() -> object:
        response = client.post(
            f"/reservations/{child}/ALSH",
            data={"csrf_token": token, "creneau": ["2026-10-14|JOURNEE"], "mois": "2026-10"},
        )
        assert response.status_code == 302, response.status_code
        return response

    token = csrf(client, "/reservations")
    summary = validate().headers["Location"]  # type: ignore[attr-defined]
    return {
        "home (Réservations)": get("/reservations"),
        "choose (POST)": choose,
        "grid 2026-09": get(f"/reservations/{child}/ALSH?mois=2026-09"),
        "validate (POST)": validate,
        "summary": get(summary),
    }


def run(
    kind: str, url: str, entries: int, repeat: int
) -> list[tuple[str, str, float, float, int, int]]:
    town, family, child, counter = build_town(url)
    fill_waiting_lists(town, url, entries)
    rows = []
    with tempfile.TemporaryDirectory(prefix="portail-bench-pages-") as instance:
        client = web_client(town, family, url, Path(instance))
        for what, action in steps(client, child).items():
            figures = {}
            for name in ("before", "after"):
                with variant(name):
                    with counter.counting() as queries:
                        action()
                    figures[name] = (cpu(action, repeat), queries[0])
            rows.append(
                (
                    kind,
                    what,
                    figures["before"][0],
                    figures["after"][0],
                    figures["before"][1],
                    figures["after"][1],
                )
            )
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=ENTRIES, help="active waiting entries")
    parser.add_argument("--repeat", type=int, default=20, help="timed calls per figure")
    parser.add_argument("--database", choices=[*DATABASES, "both"], default="both")
    arguments = parser.parse_args()
    kinds = DATABASES if arguments.database == "both" else (arguments.database,)
    print(
        f"One family's booking pages, {arguments.entries} waiting-list entries of "
        f"{FAMILIES} other families in the town; median worker CPU ms of {arguments.repeat} calls"
    )
    header = f"{'database':<11}{'page':<22}{'before':>9}{'after':>9}{'ratio':>7}{'SQL b/a':>9}"
    print(header)
    print("-" * len(header))
    for kind in kinds:
        with database(kind) as url:
            if url is None:
                continue
            for name, what, before, after, q_before, q_after in run(
                kind, url, arguments.entries, arguments.repeat
            ):
                ratio = before / after if after else float("inf")
                print(
                    f"{name:<11}{what:<22}{before:>9.1f}{after:>9.1f}{ratio:>7.1f}"
                    f"{f'{q_before}/{q_after}':>9}"
                )
    return 0


if __name__ == "__main__":
    sys.exit(main())
