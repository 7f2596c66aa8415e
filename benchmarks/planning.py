"""Benchmark (a): the server time of the planning and the number of SQL statements it runs.

For one child of the demo town's ALSH (four units), with 120 other families' reservations in the
database, it times ``services.reservations.show_planning`` for 1, 2, 4 and 8 weeks, and the GET of
the grid page (one month) through Flask's test client, on SQLite (a temporary file) and
PostgreSQL (a schema of its own). The number of statements must not grow with the period: the
script exits with status 1 if it does.

    python -m benchmarks.planning [--repeat 50] [--database sqlite|postgresql|both]
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from functools import partial
from pathlib import Path

from flask.testing import FlaskClient
from tests.integration.reservation_town import Town
from tests.unit.reservation_world import DESK, NOW, sources

from adapters.clock import FixedClock
from adapters.documents import InMemoryDocumentStore
from adapters.mail import ConsoleMailer
from adapters.passwords import PlainTestHasher
from adapters.payfip.fake import FakePayfip
from adapters.persistence import SqlUnitOfWork
from benchmarks.common import (
    DATABASES,
    FOURTH_UNIT,
    QueryCounter,
    database,
    four_unit_catalogue,
    migrated_engine,
    milliseconds,
)
from entrypoints.bootstrap import Services, ports_with
from entrypoints.settings import Settings
from entrypoints.web.app import create_app
from portail_core.domain.accounts.account import Account, AccountStatus
from portail_core.domain.bookings.planning import CellState, Planning
from portail_core.domain.bookings.reservation import Reservation, Slot, WaitingEntry
from portail_core.domain.bookings.selection import Selection
from portail_core.facade.portail import Portail
from portail_core.services.accounts.sessions import log_in
from portail_core.services.bookings.planning import show_planning
from portail_core.services.catalogue.offer import load_catalogue

FIRST = date(2026, 9, 7)  # a Monday; eight weeks reach the end of the Toussaint holidays
WEEKS = (1, 2, 4, 8)
MONTHS = ("2026-09", "2026-10")
OTHER_FAMILIES = 120
PASSWORD = "bench password, long enough"  # noqa: S105  (a throw-away database's)
UNITS = ("JOURNEE", "MATIN", "APRES-MIDI", FOURTH_UNIT)


def build_town(url: str) -> tuple[Town, int, int, QueryCounter]:
    """The town, the measured family and child, and the engine's statement counter."""
    engine = migrated_engine(url)
    clock = FixedClock(NOW)
    details, catalogue = four_unit_catalogue()
    uow = partial(SqlUnitOfWork, engine)
    load_catalogue(uow(), details, catalogue, actor=DESK, clock=clock)
    town = Town(uow, clock, sources())
    family = town.add_family()
    child = town.child_id(family)
    open_slots = sorted(
        slot
        for slot, cell in planning(town, family, child, 8).cells.items()
        if cell.state is CellState.BOOKABLE
    )
    populate(town, open_slots)
    # the measured child: four Wednesdays of "Journée" booked, on the waiting list of the first
    # one (in the first week, so that every period holds it: it costs one more query)
    wednesdays = [s for s in open_slots if s.unit_code == "JOURNEE" and s.day.weekday() == 2]
    town.run(family, Selection(book=frozenset(wednesdays[1:5])))
    waiting = wednesdays[0]
    with town.uow() as unit_of_work:
        unit_of_work.waiting_list.add(
            WaitingEntry(family, child, "ALSH", waiting.unit_code, waiting.day, "ELEM", NOW)
        )
        unit_of_work.commit()
    return town, family, child, QueryCounter(engine)


def populate(town: Town, open_slots: list[Slot]) -> None:
    """Other families' children booked on the open days at random (written straight through
    the repository: the volume matters here, not the rules)."""
    rng = random.Random(2026)  # noqa: S311  (test data, not secrets)
    days = sorted({slot.day for slot in open_slots})
    families = [town.add_family() for _ in range(OTHER_FAMILIES)]
    with town.uow() as uow:
        for family_id in families:
            found = uow.families.get(family_id)
            assert found is not None
            for child, group in zip(found.children, ("ELEM", "MAT"), strict=True):
                assert child.id is not None
                for day in days:
                    choice = rng.choice((None, None, "JOURNEE", "MATIN", "APRES-MIDI"))
                    units = [choice] if choice else []
                    if choice == "APRES-MIDI" and rng.random() < 0.5:
                        units.append(FOURTH_UNIT)
                    for unit in units:
                        uow.reservations.add(
                            Reservation(
                                family_id, child.id, "ALSH", unit, day, group, NOW, "R-BENC-HMRK"
                            )
                        )
        uow.commit()


def planning(town: Town, family: int, child: int, weeks: int) -> Planning:
    return show_planning(
        town.uow(read_only=True),
        town.sources,
        town.clock,
        family_id=family,
        child_id=child,
        establishment_code="ALSH",
        first=FIRST,
        last=FIRST + timedelta(days=7 * weeks - 1),
    )


def measure(action: Callable[[], object], repeat: int) -> tuple[float, float]:
    for _ in range(3):  # warm-up: caches, prepared statements, connection pool
        action()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        samples.append(time.perf_counter() - start)
    return milliseconds(samples)


def web_client(town: Town, family: int, url: str, instance: Path) -> FlaskClient:
    """A Flask test client logged in as the measured family."""
    hasher = PlainTestHasher()
    identifier = f"bench.{family}"
    with town.uow() as uow:
        account = Account(family, identifier, "bench@example.fr", created_at=NOW)
        account.status, account.password_hash = AccountStatus.ACTIVE, hasher.hash(PASSWORD)
        uow.accounts.add(account)
        uow.commit()
    settings = Settings(
        instance_path=instance,
        database_url=url,
        secret_key="benchmark-secret-key-" + "x" * 40,
        public_url="http://localhost",
        smtp_url=None,
    )
    ports = ports_with(
        town.uow,
        InMemoryDocumentStore(),
        clock=town.clock,
        mailer=ConsoleMailer(settings.mail_from),
        hasher=hasher,
        payfip=FakePayfip(),
    )
    services = Services(settings, Portail(ports, public_url=settings.public_url))
    secret = log_in(
        town.uow, identifier, PASSWORD, hasher=hasher, actor_ip="127.0.0.1", clock=town.clock
    )
    client = create_app({"TESTING": True}, services=services).test_client()
    client.set_cookie("portail_session", secret)
    return client


def run(kind: str, url: str, repeat: int) -> tuple[list[tuple[object, ...]], bool]:
    town, family, child, counter = build_town(url)
    rows: list[tuple[object, ...]] = []
    counts = set()
    for weeks in WEEKS:
        with counter.counting() as queries:
            grid = planning(town, family, child, weeks)
        counts.add(queries[0])
        median, p95 = measure(partial(planning, town, family, child, weeks), repeat)
        cells = len(grid.cells)
        rows.append((kind, f"show_planning {weeks} wk", cells, median, p95, queries[0]))
    with tempfile.TemporaryDirectory(prefix="portail-bench-web-") as instance:
        client = web_client(town, family, url, Path(instance))
        for month in MONTHS:
            path = f"/reservations/{child}/ALSH?mois={month}"
            with counter.counting() as queries:
                response = client.get(path)
            assert response.status_code == 200, response.status_code
            median, p95 = measure(partial(client.get, path), repeat)
            rows.append((kind, f"GET grid {month}", "", median, p95, queries[0]))
    return rows, len(counts) == 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=50, help="timed calls per row")
    parser.add_argument("--database", choices=[*DATABASES, "both"], default="both")
    arguments = parser.parse_args()
    kinds = DATABASES if arguments.database == "both" else (arguments.database,)
    print(
        f"Planning of one child, ALSH with {len(UNITS)} units, from {FIRST:%d/%m/%Y}; "
        f"{OTHER_FAMILIES} other families' reservations; median and 95th percentile of "
        f"{arguments.repeat} calls"
    )
    header = f"{'database':<11}{'what':<22}{'cells':>6}{'median ms':>11}{'p95 ms':>9}{'SQL':>6}"
    print(header)
    print("-" * len(header))
    constant = True
    for kind in kinds:
        with database(kind) as url:
            if url is None:
                continue
            rows, same = run(kind, url, arguments.repeat)
            constant = constant and same
            for name, what, cells, median, p95, queries in rows:
                print(f"{name:<11}{what:<22}{cells!s:>6}{median:>11.1f}{p95:>9.1f}{queries:>6}")
    if not constant:
        print("FAILED: the number of SQL statements grows with the period.")
        return 1
    print("The number of SQL statements does not depend on the period.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
