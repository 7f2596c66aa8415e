"""The waiting room under concurrent requests on PostgreSQL (several servers share one
database): many families asking at the same instant never put more than the capacity inside,
the first numbers go in and the others wait in number order; families confirming (without the
room's lock) while others' pages move the queue (under it) let exactly the next ones in, by the
next move at the latest; one account's tabs asking together share one
ticket. A watcher counts the families inside throughout, from its own connection."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from functools import partial
from pathlib import Path

import pendulum
import pytest
from sqlalchemy import Engine, text

from adapters.clock import FixedClock
from adapters.persistence import SqlUnitOfWork, create_database_engine, upgrade
from portail_core.domain.audit import Actor
from portail_core.domain.waiting_room import RoomMode
from portail_core.ports.unit_of_work import UnitOfWork
from portail_core.services.waiting_room.desk import configure_room
from portail_core.services.waiting_room.gate import enter, leave, queue_place
from tests.integration.conftest import empty_database_url
from tests.integration.test_account_concurrency import race
from tests.integration.test_waiting_room_repository import accounts

pytestmark = pytest.mark.postgresql

NOW = pendulum.datetime(2026, 6, 15, 8, 0, tz="Europe/Paris")
FAMILIES, CAPACITY = 40, 10


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    for url in empty_database_url("postgresql", tmp_path):
        engine = create_database_engine(url, pool_size=FAMILIES + 5)
        upgrade(engine)
        yield engine
        engine.dispose()


class Watcher:
    """Counts the families inside, again and again, until stopped; the most it saw."""

    def __init__(self, engine: Engine) -> None:
        self.engine, self.most, self.looks = engine, 0, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch)

    def __enter__(self) -> Watcher:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join(timeout=30)

    def _watch(self) -> None:
        query = text("SELECT count(*) FROM waiting_room_tickets WHERE state = 'admitted'")
        with self.engine.connect() as connection:
            while not self._stop.is_set():
                self.most = max(self.most, int(connection.execute(query).scalar_one()))
                connection.rollback()
                self.looks += 1


def tickets(engine: Engine) -> dict[str, list[int]]:
    """Ticket numbers by state, in order."""
    found: dict[str, list[int]] = {}
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT state, id FROM waiting_room_tickets ORDER BY id"))
        for state, number in rows:
            found.setdefault(state, []).append(number)
    return found


def test_families_asking_at_once_never_exceed_the_capacity_and_keep_their_order(
    engine: Engine,
) -> None:
    uow = partial(SqlUnitOfWork, engine)
    clock = FixedClock(NOW)
    ids = accounts(uow, FAMILIES)
    configure_room(uow(), clock, mode=RoomMode.AUTOMATIC, capacity=CAPACITY, actor=Actor.staff("a"))
    pending = list(ids)
    lock = threading.Lock()

    def arrive() -> None:
        with lock:
            account = pending.pop()
        enter(uow, clock, account_id=account)

    with Watcher(engine) as watcher:
        assert set(race(FAMILIES, arrive)) == {type(None)}
    assert watcher.looks > 0
    assert watcher.most <= CAPACITY
    found = tickets(engine)
    assert len(found["admitted"]) == CAPACITY
    assert len(found["waiting"]) == FAMILIES - CAPACITY
    assert max(found["admitted"]) < min(found["waiting"])  # the first numbers went in

    # The ten inside confirm while the thirty waiting pages ask: the next ten come in.
    by_number = account_by_number(engine)
    inside = [by_number[n] for n in found["admitted"]]
    outside = [by_number[n] for n in found["waiting"]]
    clock.advance(pendulum.duration(seconds=2))
    work = [partial(leave, uow, clock, account_id=a) for a in inside]
    work += [partial(queue_place, uow, clock, account_id=a) for a in outside]
    with Watcher(engine) as watcher:
        assert set(race(len(work), lambda: take(work, lock)())) == {type(None)}
    assert watcher.most <= CAPACITY
    during = tickets(engine).get("admitted", [])  # places freed after a move: the next fills
    assert during == found["waiting"][: len(during)]
    clock.advance(pendulum.duration(seconds=1))
    with Watcher(engine) as watcher:
        polls = race(len(outside), lambda: queue_place(uow, clock, account_id=outside[-1]))
    assert set(polls) == {type(None)}
    assert watcher.most <= CAPACITY
    after = tickets(engine)
    assert after["admitted"] == found["waiting"][:CAPACITY]
    assert after["waiting"] == found["waiting"][CAPACITY:]
    assert after["released"] == found["admitted"]


def account_by_number(engine: Engine) -> dict[int, int]:
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT id, account_id FROM waiting_room_tickets"))
        return {int(row[0]): int(row[1]) for row in rows}


def take(work: list[partial[object]], lock: threading.Lock) -> partial[object]:
    with lock:
        return work.pop()


def test_one_account_s_tabs_asking_at_once_share_one_ticket(engine: Engine) -> None:
    def uow(*, read_only: bool = False) -> UnitOfWork:
        return SqlUnitOfWork(engine, read_only=read_only)

    clock = FixedClock(NOW)
    first, second = accounts(uow, 2)
    configure_room(uow(), clock, mode=RoomMode.AUTOMATIC, capacity=1, actor=Actor.staff("a"))
    enter(uow, clock, account_id=first)
    answers: list[bool] = []
    outcomes = race(20, lambda: answers.append(enter(uow, clock, account_id=second)))
    assert set(outcomes) == {type(None)}
    assert answers == [False] * 20
    found = tickets(engine)
    assert (len(found["admitted"]), len(found["waiting"])) == (1, 1)
    assert account_by_number(engine)[found["waiting"][0]] == second


def test_families_coming_back_at_once_with_room_for_all_all_come_in(engine: Engine) -> None:
    """Tickets taken and brought back in line without the lock, with numbers smaller than the
    ones a move counted: a move lets in as many as places are free, so nobody is left out."""

    def uow(*, read_only: bool = False) -> UnitOfWork:
        return SqlUnitOfWork(engine, read_only=read_only)

    clock = FixedClock(NOW)
    ids = accounts(uow, FAMILIES)
    configure_room(uow(), clock, mode=RoomMode.AUTOMATIC, capacity=FAMILIES, actor=Actor.staff("a"))
    refused: list[int] = []

    def family(account: int) -> None:
        for _ in range(3):  # three children: in, confirmed, back in line at once
            if not enter(uow, clock, account_id=account):
                refused.append(account)
            leave(uow, clock, account_id=account)

    queue, lock = list(ids), threading.Lock()

    def next_family() -> None:
        with lock:
            account = queue.pop()
        family(account)

    with Watcher(engine) as watcher:
        assert set(race(FAMILIES, next_family)) == {type(None)}
    assert watcher.most <= FAMILIES
    assert refused == []
    found = tickets(engine)
    assert list(found) == ["released"]
    assert len(found["released"]) == FAMILIES
