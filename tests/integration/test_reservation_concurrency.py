"""Overbooking must be impossible, on PostgreSQL (row locks) and on a SQLite file (BEGIN
IMMEDIATE), with the real SqlUnitOfWork: fifty families confirming at the same second for the
last ten places of one slot (each through validate_planning then confirm_planning), a double
click on "Confirmer", and the scheduler passing an expired offer on while a family books the
place or accepts the offer at the last second."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from datetime import timedelta
from functools import partial
from typing import TypeVar

import pendulum
import pytest
from sqlalchemy import Engine, func, select, text

from adapters.clock import FixedClock
from adapters.persistence import SqlUnitOfWork, create_database_engine, upgrade
from adapters.persistence.bookings.reservations import SqlReservationRepository
from adapters.persistence.bookings.waiting_list import SqlWaitingListRepository
from adapters.persistence.tables import waiting_entries
from portail_core.domain.bookings.reservation import EventKind, Slot, WaitingStatus
from portail_core.domain.bookings.rules import PromotionMode, WaitingListPolicy
from portail_core.domain.bookings.selection import Selection
from portail_core.errors import RuleViolation
from portail_core.services.bookings.confirmation import Confirmation
from portail_core.services.bookings.waiting_list import (
    ProcessReport,
    accept_offer,
    process_waiting_lists,
)
from tests.integration.reservation_town import ALSH, JOURNEE, make_town, scalar
from tests.unit.reservation_world import FAMILY, WEDNESDAY, book

T = TypeVar("T")
CLIENTS = 50
LAST_PLACES = 10
PLACES = 20  # the ALSH's "Journée" for élémentaire; 10 are booked before the rush
SLOT = Slot(WEDNESDAY, JOURNEE)


def race(attempts: list[Callable[[], T]]) -> list[T | BaseException]:
    """Run each attempt in its own thread, all released together; results or exceptions, in
    the attempts' order."""
    start = threading.Barrier(len(attempts))
    results: list[T | BaseException | None] = [None] * len(attempts)

    def run(index: int, attempt: Callable[[], T]) -> None:
        start.wait()
        try:
            results[index] = attempt()
        except BaseException as error:
            results[index] = error

    threads = [
        threading.Thread(target=run, args=(n, attempt)) for n, attempt in enumerate(attempts)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a confirmation never finished"
    assert all(result is not None for result in results)
    return results  # type: ignore[return-value]


@pytest.fixture
def busy_engine(database_url: str) -> Iterator[Engine]:
    """An engine with a connection for every client, so that all of them really race."""
    engine = create_database_engine(database_url, pool_size=CLIENTS + 2, max_overflow=0)
    upgrade(engine)
    yield engine
    engine.dispose()


def booked_in_sql(engine: Engine) -> int:
    return scalar(
        engine,
        "SELECT count(*) FROM reservations WHERE establishment_code = :e AND unit_code = :u "
        "AND day = :d AND age_group = 'ELEM' AND status = 'booked'",
        e=ALSH,
        u=JOURNEE,
        d=WEDNESDAY,
    )


def test_fifty_families_confirming_at_once_take_exactly_the_last_ten_places(
    busy_engine: Engine,
) -> None:
    town = make_town(partial(SqlUnitOfWork, busy_engine), places=PLACES)
    for _ in range(PLACES - LAST_PLACES):
        town.run(town.add_family(), book((WEDNESDAY, JOURNEE)))
    families = [town.add_family() for _ in range(CLIENTS)]
    drafts = [(family, town.draft(family, book((WEDNESDAY, JOURNEE)))) for family in families]
    assert booked_in_sql(busy_engine) == PLACES - LAST_PLACES

    outcomes = race([partial(town.confirm, family, token) for family, token in drafts])

    errors = [o for o in outcomes if isinstance(o, BaseException)]
    assert errors == []
    confirmations = [o for o in outcomes if isinstance(o, Confirmation)]
    assert len(confirmations) == CLIENTS  # in the order of ``drafts``
    winners = [c for c in confirmations if c.summary.additions]
    losers = [c for c in confirmations if not c.summary.accepted]
    assert len(winners) == LAST_PLACES
    assert len(losers) == CLIENTS - LAST_PLACES
    for lost in losers:
        (refused,) = lost.summary.refused
        assert refused.slot == SLOT
        assert refused.reason.startswith("Complet")
    assert len({c.number for c in confirmations}) == CLIENTS
    # the invariant, read by the database itself
    assert booked_in_sql(busy_engine) == PLACES
    assert (
        scalar(
            busy_engine,
            "SELECT count(*) FROM (SELECT unit_code, day, age_group FROM reservations "
            "WHERE status = 'booked' GROUP BY unit_code, day, age_group "
            "HAVING count(*) > :places) AS over",
            places=PLACES,
        )
        == 0
    )
    assert (
        scalar(
            busy_engine,
            "SELECT count(*) FROM outbox WHERE template = 'reservation_confirmation'",
        )
        == PLACES
    )
    assert scalar(busy_engine, "SELECT count(*) FROM planning_drafts WHERE outcome IS NULL") == 0
    assert (
        scalar(busy_engine, "SELECT count(*) FROM reservation_events WHERE kind = 'booked'")
        == PLACES
    )
    # the families refused may join the waiting list instead, first come first
    refused = [
        family
        for (family, _), c in zip(drafts, confirmations, strict=True)
        if not c.summary.accepted
    ]
    for family in refused[:3]:
        town.run(family, Selection(wait=frozenset({SLOT})))
    queue = "SELECT family_id FROM waiting_entries ORDER BY joined_at, id"
    with busy_engine.connect() as connection:
        assert list(connection.execute(text(queue)).scalars()) == refused[:3]


def test_the_same_summary_confirmed_by_two_requests_at_once_books_once(
    busy_engine: Engine,
) -> None:
    town = make_town(partial(SqlUnitOfWork, busy_engine))
    family = town.add_family()
    wednesdays = frozenset(Slot(WEDNESDAY + timedelta(weeks=n), JOURNEE) for n in range(3))
    for round_ in range(6):  # a double click on "Confirmer la réservation": book, cancel, book...
        booking = round_ % 2 == 0
        selection = Selection(book=wednesdays) if booking else Selection(cancel=wednesdays)
        token = town.draft(family, selection)

        first, second = race([partial(town.confirm, family, token)] * 2)

        assert isinstance(first, Confirmation), first
        assert isinstance(second, Confirmation), second
        assert first.number == second.number
        assert first.summary == second.summary
        assert len(first.summary.accepted) == len(wednesdays)
        assert scalar(busy_engine, "SELECT count(*) FROM reservations WHERE status = 'booked'") == (
            len(wednesdays) if booking else 0
        )
        assert scalar(busy_engine, "SELECT count(*) FROM reservations") == len(wednesdays) * (
            round_ // 2 + 1
        )
        events = "SELECT count(*) FROM reservation_events WHERE confirmation = :n"
        assert scalar(busy_engine, events, n=first.number) == len(wednesdays)
    mails = "SELECT count(*) FROM outbox WHERE template = 'reservation_confirmation'"
    assert scalar(busy_engine, mails) == 6


class Pause:
    """Holds one thread just after a repository call, until another thread is done (or a few
    seconds have passed: the other thread may be waiting for a lock the first one holds)."""

    def __init__(self, thread_name: str) -> None:
        self.thread_name = thread_name
        self.reached = threading.Event()
        self.done = threading.Event()

    def wrap(self, method: Callable[..., T]) -> Callable[..., T]:
        def paused(*args: object, **kwargs: object) -> T:
            result = method(*args, **kwargs)
            if threading.current_thread().name == self.thread_name and not self.reached.is_set():
                self.reached.set()
                self.done.wait(timeout=3)
            return result

        return paused

    def after(self, attempt: Callable[[], T]) -> Callable[[], T]:
        """The other thread's attempt: starts once the first thread is held."""

        def run() -> T:
            assert self.reached.wait(timeout=30)
            try:
                return attempt()
            finally:
                self.done.set()

        return run


def in_threads(**attempts: Callable[[], object]) -> dict[str, object]:
    """Run each attempt in a thread of that name; their results or exceptions."""
    results: dict[str, object] = {}

    def run(name: str, attempt: Callable[[], object]) -> None:
        try:
            results[name] = attempt()
        except BaseException as error:
            results[name] = error

    threads = [
        threading.Thread(target=run, args=(name, attempt), name=name)
        for name, attempt in attempts.items()
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def places_held(engine: Engine, at: pendulum.DateTime) -> int:
    """Booked places and places offered until ``at`` or later, for the slot."""
    w = waiting_entries.c
    offers = select(func.count()).where(
        w.status == WaitingStatus.OFFERED.value, w.offer_expires_at >= at
    )
    with engine.connect() as connection:
        offered = connection.execute(offers).scalar_one()
    return booked_in_sql(engine) + offered


def test_an_expired_offer_passed_on_while_a_family_books_the_place_does_not_overbook(
    busy_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The scheduler passes an expired offer to the next family while another family, who saw
    the place free, confirms it: one of them gets it."""
    town = make_town(
        partial(SqlUnitOfWork, busy_engine),
        places=1,
        policy=WaitingListPolicy(PromotionMode.OFFER, 24),
    )
    first, second, third, late = (town.add_family() for _ in range(4))
    town.run(first, book((WEDNESDAY, JOURNEE)))
    for family in (second, third):
        town.run(family, Selection(wait=frozenset({SLOT})))
        town.clock.advance(pendulum.duration(minutes=1))
    town.run(first, Selection(cancel=frozenset({SLOT})))  # offered to the second family
    town.clock.advance(pendulum.duration(hours=25))  # ... who lets it expire
    token = town.draft(late, book((WEDNESDAY, JOURNEE)))  # the place looks free
    pause = Pause("scheduler")
    monkeypatch.setattr(
        SqlReservationRepository, "taken", pause.wrap(SqlReservationRepository.taken)
    )

    results = in_threads(
        scheduler=lambda: process_waiting_lists(town.uow(), town.sources, town.clock),
        family=pause.after(partial(town.confirm, late, token)),
    )

    assert isinstance(results["scheduler"], ProcessReport), results
    assert isinstance(results["family"], Confirmation), results
    assert places_held(busy_engine, town.clock.now()) == 1
    booked = bool(results["family"].summary.additions)
    assert results["scheduler"].moved == (0 if booked else 1)


def test_an_offer_accepted_just_in_time_is_not_expired_by_the_scheduler(
    busy_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The family accepts a second before the expiry (its server's clock) while the scheduler
    (a second later on its clock) expires the offer: the place stays the family's."""
    town = make_town(
        partial(SqlUnitOfWork, busy_engine),
        places=1,
        policy=WaitingListPolicy(PromotionMode.OFFER, 24),
    )
    first, second, third = (town.add_family() for _ in range(3))
    town.run(first, book((WEDNESDAY, JOURNEE)))
    for family in (second, third):
        town.run(family, Selection(wait=frozenset({SLOT})))
        town.clock.advance(pendulum.duration(minutes=1))
    town.run(first, Selection(cancel=frozenset({SLOT})))
    with town.uow(read_only=True) as uow:
        (offered,) = [
            e
            for e in uow.waiting_list.active(ALSH, WEDNESDAY, WEDNESDAY)
            if e.status is WaitingStatus.OFFERED
        ]
    assert offered.id is not None
    assert offered.offer_expires_at is not None
    family_clock = FixedClock(offered.offer_expires_at.subtract(seconds=1))
    scheduler_clock = FixedClock(offered.offer_expires_at.add(seconds=1))
    pause = Pause("scheduler")
    monkeypatch.setattr(
        SqlWaitingListRepository,
        "expired_offers",
        pause.wrap(SqlWaitingListRepository.expired_offers),
    )

    results = in_threads(
        scheduler=lambda: process_waiting_lists(town.uow(), town.sources, scheduler_clock),
        family=pause.after(
            partial(
                accept_offer,
                town.uow(),
                family_clock,
                family_id=second,
                entry_id=offered.id,
                actor=FAMILY,
            )
        ),
    )

    report = results["scheduler"]
    assert isinstance(report, ProcessReport), results
    with town.uow(read_only=True) as uow:
        entry = uow.waiting_list.get(offered.id)
        history = uow.reservations.history(town.child_id(second), 10)
    assert entry is not None
    if isinstance(results["family"], str):  # accepted first (PostgreSQL: the entry's row lock)
        assert (report.expired, report.moved) == (0, 0)
        assert entry.status is WaitingStatus.PROMOTED
        assert [e.kind for e in history[:2]] == [EventKind.PROMOTED, EventKind.OFFERED]
    else:  # expired first (SQLite: the scheduler's transaction holds the database)
        assert isinstance(results["family"], RuleViolation), results
        assert (report.expired, report.moved) == (1, 1)
        assert entry.status is WaitingStatus.EXPIRED
        assert history[0].kind is EventKind.OFFER_EXPIRED
    assert places_held(busy_engine, scheduler_clock.now()) == 1
