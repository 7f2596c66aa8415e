"""Families asking at the same moment on the window's last evening: their submissions do not
queue on the campaign's row (a shared lock; the draw alone takes it for update), and a double
submission of one child leaves one set of requests, never an error. On SQLite and PostgreSQL;
the "no queue" check on PostgreSQL only (SQLite serialises every writer)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from datetime import date
from functools import partial

import pendulum
import pytest
from sqlalchemy import Engine

from adapters.clock import FixedClock
from adapters.persistence import SqlUnitOfWork, create_database_engine, upgrade
from adapters.persistence.allocation import SqlAllocationRepository
from adapters.persistence.dossiers import SqlFamilyRepository
from portail_core.domain.bookings.reservation import Slot
from portail_core.ports.unit_of_work import UnitOfWorkFactory
from portail_core.services.allocation.desk import draw_campaign
from portail_core.services.allocation.family import submit_requests
from portail_core.services.catalogue.offer import load_catalogue
from portail_core.services.dossiers.creation import create_family
from tests.integration.conftest import _postgres_schema_url, postgres_url_or_skip
from tests.integration.test_account_concurrency import race
from tests.unit.dossier_builders import complete_family
from tests.unit.reservation_world import DESK, FAMILY, NOW, demo_catalogue, sources

JULY = [date(2027, 7, d) for d in (5, 6, 7)]  # NOW (15 June 2026) is inside the demo's window
CLOSED = pendulum.datetime(2027, 5, 20, tz="Europe/Paris")  # the window closed on 15 May 2027


def engine_on(url: str) -> Iterator[Engine]:
    engine = create_database_engine(url, pool_size=6, max_overflow=0)
    upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def busy_engine(database_url: str) -> Iterator[Engine]:
    yield from engine_on(database_url)


@pytest.fixture
def postgres_engine() -> Iterator[Engine]:
    for url in _postgres_schema_url(postgres_url_or_skip()):
        yield from engine_on(url)


def town(engine: Engine) -> tuple[UnitOfWorkFactory, dict[int, int]]:
    """The demo commune and two families: family -> its first child."""
    uow = partial(SqlUnitOfWork, engine)
    clock = FixedClock(NOW)
    details, catalogue = demo_catalogue()
    load_catalogue(uow(), details, catalogue, actor=DESK, clock=clock)
    children = {}
    for _ in range(2):
        family_id = create_family(uow(), complete_family(), actor=DESK, clock=clock)
        with uow(read_only=True) as unit:
            family = unit.families.get(family_id)
            assert family is not None
            children[family_id] = family.children[0].id or 0
    return uow, children


def asking(uow: UnitOfWorkFactory, family_id: int, child_id: int, days: list[date]) -> None:
    submit_requests(
        uow(),
        sources(),
        FixedClock(NOW),
        family_id=family_id,
        campaign_code="ETE2027",
        child_id=child_id,
        wanted=[Slot(day, "JOURNEE") for day in days],
        actor=FAMILY,
    )


def requested(uow: UnitOfWorkFactory, child_id: int) -> list[date]:
    with uow(read_only=True) as unit:
        found = unit.allocations.requests("ETE2027")
    return [q.slot.day for q in found if q.child_id == child_id]


def test_two_families_and_a_double_submission_at_once(busy_engine: Engine) -> None:
    uow, children = town(busy_engine)
    (first, lea), (second, other) = children.items()

    both = [partial(asking, uow, first, lea, JULY), partial(asking, uow, second, other, JULY[:1])]
    outcomes = race(2, _alternately(both))
    assert outcomes == [type(None)] * 2
    assert requested(uow, lea) == JULY
    assert requested(uow, other) == JULY[:1]

    for _ in range(3):  # a double click, with two different lists
        twice = [
            partial(asking, uow, first, lea, JULY[:2]),
            partial(asking, uow, first, lea, JULY[1:]),
        ]
        outcomes = race(2, _alternately(twice))
        assert outcomes == [type(None)] * 2
        assert requested(uow, lea) in (JULY[:2], JULY[1:])


def test_a_family_asking_does_not_wait_for_another(
    postgres_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first family's submission is held just after reading the campaign (its lock
    taken); the second one's goes through meanwhile (with the campaign locked for update, it
    would wait until the first one's transaction ends)."""
    uow, children = town(postgres_engine)
    (first, lea), (second, other) = children.items()
    second_done, held = threading.Event(), threading.Event()
    waited: list[bool] = []
    read = SqlAllocationRepository.campaign

    def campaign(self: SqlAllocationRepository, code: str, **locks: bool) -> object:
        found = read(self, code, **locks)
        if threading.current_thread().name == "first" and not held.is_set():
            held.set()
            waited.append(second_done.wait(timeout=30))
        return found

    monkeypatch.setattr(SqlAllocationRepository, "campaign", campaign)

    def then_second() -> None:
        assert held.wait(timeout=30)
        asking(uow, second, other, JULY)
        second_done.set()

    threads = [
        threading.Thread(target=partial(asking, uow, first, lea, JULY), name="first"),
        threading.Thread(target=then_second, name="second"),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=90)
    assert waited == [True]  # the second family went through while the first held its lock
    assert requested(uow, lea) == JULY
    assert requested(uow, other) == JULY


def test_a_family_asking_as_the_draw_starts_neither_fails(
    postgres_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A family's submission, held just after locking its dossier, and the draw at the same
    moment (each on its own clock: the window open for one, closed for the other): the draw
    writes decisions that point at that dossier, so that taking the locks in another order than
    the draw's (the campaign, then the dossier) would deadlock. Both go through."""
    uow, children = town(postgres_engine)
    (first, lea), (second, other) = children.items()
    asking(uow, first, lea, JULY)
    asking(uow, second, other, JULY)
    locked, drawn = threading.Event(), threading.Event()
    read = SqlFamilyRepository.get

    def get(self: SqlFamilyRepository, family_id: int, *, for_update: bool = False) -> object:
        found = read(self, family_id, for_update=for_update)
        if threading.current_thread().name == "family" and for_update and not locked.is_set():
            locked.set()
            drawn.wait(timeout=3)  # the draw waits for the campaign's lock: it cannot finish
        return found

    monkeypatch.setattr(SqlFamilyRepository, "get", get)
    errors: list[BaseException] = []

    def family() -> None:
        try:
            asking(uow, first, lea, JULY[:1])
        except BaseException as error:
            errors.append(error)

    def draw() -> None:
        assert locked.wait(timeout=30)
        try:
            draw_campaign(
                uow(), sources(), FixedClock(CLOSED), code="ETE2027", dry_run=False, actor=DESK
            )
        except BaseException as error:
            errors.append(error)
        drawn.set()

    threads = [threading.Thread(target=family, name="family"), threading.Thread(target=draw)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=90)
    assert errors == []
    with uow(read_only=True) as unit:
        decided = {
            (d.wish.child_id, d.wish.slot.day) for d in unit.allocations.decisions("ETE2027")
        }
    assert (lea, JULY[0]) in decided
    assert (lea, JULY[1]) not in decided  # the draw came after the new requests


def _alternately(attempts: list[Callable[[], None]]) -> Callable[[], None]:
    """One attempt per thread, in the order the threads take them."""
    lock, left = threading.Lock(), list(attempts)

    def run() -> None:
        with lock:
            attempt = left.pop(0)
        attempt()

    return run
