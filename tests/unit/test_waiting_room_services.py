"""The waiting room's use cases on the in-memory twins: the gate lets a family straight in while
places are free, then queues the others in arrival order, one ticket per account whatever the
tabs and reloads; a confirmation gives the place to the next in line at once and keeps the
family's number for another booking; leases and places run out; open early holds everyone
until its hour or the desk's word; off lets everyone in; the desk's changes are audited.

Then Hypothesis drives arrivals, waiting pages, confirmations, time and the desk at random:
admission never exceeds the capacity, nobody comes in while a family with a smaller number
waits, an account holds one ticket, and a waiting page moving the queue fills every free
place."""

from __future__ import annotations

import pendulum
import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from adapters.clock import FixedClock
from adapters.memory import InMemoryStore, InMemoryUnitOfWork
from adapters.memory.audit import AuditState
from adapters.memory.waiting_room import WaitingRoomState
from portail_core.domain.audit import Actor
from portail_core.domain.waiting_room import (
    KEEP_PLACE_SECONDS,
    RETURN_SECONDS,
    RoomMode,
    Ticket,
    TicketState,
)
from portail_core.errors import InvalidInput
from portail_core.ports.unit_of_work import UnitOfWork
from portail_core.services.waiting_room.desk import configure_room, room_report
from portail_core.services.waiting_room.gate import enter, leave, queue_place

NOW = pendulum.datetime(2026, 6, 15, 8, 0, tz="Europe/Paris")
DESK = Actor.staff("mdupont")


class Room:
    """The use cases on one in-memory store and a clock that tests move."""

    def __init__(self) -> None:
        self.store = InMemoryStore()
        self.clock = FixedClock(NOW)

    def uow(self, *, read_only: bool = False) -> UnitOfWork:
        return InMemoryUnitOfWork(self.store, read_only=read_only)

    def enter(self, account: int) -> bool:
        return enter(self.uow, self.clock, account_id=account)

    def position(self, account: int) -> int | None:
        place = queue_place(self.uow, self.clock, account_id=account)
        return place.position if place.waiting else None

    def leave(self, account: int) -> bool:
        return leave(self.uow, self.clock, account_id=account)

    def configure(self, mode: RoomMode, **settings: object) -> None:
        configure_room(self.uow(), self.clock, mode=mode, actor=DESK, **settings)  # type: ignore[arg-type]

    def advance(self, seconds: float) -> None:
        self.clock.advance(pendulum.duration(microseconds=int(seconds * 1_000_000)))

    def tickets(self) -> dict[int, Ticket]:
        """The committed tickets, by account."""
        state = self.store.committed(WaitingRoomState)
        return {t.account_id: t for t in state.tickets.values()}


@pytest.fixture
def room() -> Room:
    return Room()


def test_families_go_straight_in_while_places_are_free_then_queue_in_arrival_order(
    room: Room,
) -> None:
    room.configure(RoomMode.AUTOMATIC, capacity=2)
    assert [room.enter(account) for account in (1, 2, 3, 4, 5)] == [True, True, False, False, False]
    assert [room.position(account) for account in (1, 3, 4, 5)] == [None, 1, 2, 3]
    numbers = {a: t.number for a, t in room.tickets().items()}
    assert numbers[3] < numbers[4] < numbers[5]


def test_reloading_or_another_tab_of_the_same_account_keeps_its_one_ticket(room: Room) -> None:
    room.configure(RoomMode.AUTOMATIC, capacity=1)
    room.enter(1)
    room.enter(2)
    room.enter(3)
    before = room.tickets()[3]
    for _ in range(5):  # reloads, tabs, another device: the account's ticket
        assert not room.enter(3)
        assert room.position(3) == 2
        room.advance(10)
    assert room.tickets()[3].number == before.number
    assert len(room.tickets()) == 3


def test_a_confirmation_lets_the_next_in_and_the_family_back_first_for_another_child(
    room: Room,
) -> None:
    room.configure(RoomMode.AUTOMATIC, capacity=1)
    for account in (1, 2, 3):
        room.enter(account)
    assert room.leave(1)  # no lock: the place is filled by the next move of the queue
    room.advance(1)
    assert room.position(2) is None  # its page's news a second later: the queue moved, it is in
    assert room.tickets()[2].state is TicketState.ADMITTED
    assert not room.enter(1)  # booking another child: back in line, first
    assert [room.position(1), room.position(3)] == [1, 2]
    assert room.leave(2)
    room.advance(1)
    assert room.enter(1)
    assert not room.enter(3)
    assert not room.leave(3)  # not inside: nothing to give


def test_the_number_kept_after_a_confirmation_runs_out(room: Room) -> None:
    room.configure(RoomMode.AUTOMATIC, capacity=1)
    for account in (1, 2, 3):
        room.enter(account)
    room.leave(1)
    room.advance(1)
    assert room.enter(2)  # 2 comes in at the next move: its lease, five minutes
    room.advance(RETURN_SECONDS + 1)
    assert not room.enter(1)
    assert room.position(1) == 2  # behind 3: a new ticket


def test_a_lease_run_out_frees_the_place_for_the_next_in_line(room: Room) -> None:
    room.configure(RoomMode.AUTOMATIC, capacity=1, lease_minutes=5)
    assert room.enter(1)
    assert not room.enter(2)
    room.advance(100)
    assert room.enter(1)  # active: its lease renewed, five minutes from now
    room.advance(299)
    assert room.position(2) == 1
    room.advance(2)
    assert room.position(2) is None  # the waiting page moved the queue: 2 is in
    assert room.enter(2)
    assert not room.enter(1)  # back after its lease: a new ticket, behind


def test_a_waiting_family_without_news_loses_its_place(room: Room) -> None:
    room.configure(RoomMode.AUTOMATIC, capacity=1, lease_minutes=60)
    room.enter(1)
    assert room.enter(1)  # its next page: its lease, an hour
    room.enter(2)
    room.enter(3)
    for _ in range(3):  # 1 books, 3's page asks every ten minutes, 2's never
        room.advance(KEEP_PLACE_SECONDS * 2 / 3)
        assert room.enter(1)
        assert room.position(3) is not None
    assert room.position(3) == 1
    assert not room.enter(2)
    assert room.position(2) == 2


def test_open_early_holds_everyone_in_arrival_order_until_its_hour(room: Room) -> None:
    room.configure(RoomMode.OPEN_EARLY, capacity=2, admit_from=NOW.add(minutes=5))
    assert [room.enter(account) for account in (1, 2, 3)] == [False, False, False]
    place = queue_place(room.uow, room.clock, account_id=3)
    assert (place.position, place.started, place.opens_at) == (3, False, NOW.add(minutes=5))
    room.advance(300)
    assert room.position(3) == 1  # 1 and 2 are in, in their order
    assert room.enter(1)
    assert room.enter(2)
    assert not room.enter(3)


def test_open_early_without_an_hour_waits_for_the_desk_to_switch_to_automatic(
    room: Room,
) -> None:
    room.configure(RoomMode.OPEN_EARLY, capacity=5)
    room.enter(1)
    for _ in range(6):  # an hour, its page asking every ten minutes
        room.advance(600)
        assert room.position(1) == 1
    room.configure(RoomMode.AUTOMATIC)
    assert room.enter(1)


def test_off_lets_everyone_in_and_forgets_the_tickets(room: Room) -> None:
    room.configure(RoomMode.AUTOMATIC, capacity=1)
    room.enter(1)
    room.enter(2)
    room.configure(RoomMode.OFF)
    assert room.tickets() == {}
    assert all(room.enter(account) for account in (1, 2, 3, 4))
    assert room.tickets() == {}
    assert room.position(2) is None
    assert not room.leave(1)
    room.configure(RoomMode.AUTOMATIC)
    assert room.enter(5)


def test_the_desk_s_changes_are_audited_with_what_changed(room: Room) -> None:
    room.configure(RoomMode.OPEN_EARLY, capacity=50, admit_from=NOW.add(minutes=30))
    room.enter(1)
    room.configure(RoomMode.OFF)
    events = room.store.committed(AuditState).audit_events
    assert [e.action for e in events] == ["waiting_room.open", "waiting_room.off"]
    assert events[0].actor == DESK
    assert events[0].details["changes"]["capacity"] == [200, 50]
    assert "8h30" in events[0].summary
    assert events[1].details == {
        "changes": {"mode": ["open", "off"], "admit_from": ["2026-06-15T06:30:00+00:00", None]},
        "cleared": 1,
    }
    with pytest.raises(InvalidInput):
        room.configure(RoomMode.AUTOMATIC, capacity=0)
    assert len(room.store.committed(AuditState).audit_events) == 2


def test_the_desk_sees_who_is_inside_waiting_and_back_and_the_recent_rate(room: Room) -> None:
    room.configure(RoomMode.AUTOMATIC, capacity=2)
    for account in (1, 2, 3, 4):
        room.enter(account)
    room.advance(30)
    room.leave(1)
    assert room.position(3) is None  # its page's news: the queue moves, 3 comes in
    report = room_report(room.uow(read_only=True), room.clock)
    assert (report.inside, report.waiting, report.returning) == (2, 1, 1)
    assert report.admissions_per_minute == pytest.approx(6.0)  # 3 in 30 s
    assert report.last_wait_seconds == 10


class RandomDay(RuleBasedStateMachine):
    """Arrivals, waiting pages, confirmations, time and the desk, at random."""

    accounts = st.integers(1, 7)

    def __init__(self) -> None:
        super().__init__()
        self.room = Room()
        self.capacity = 2

    @initialize(capacity=st.integers(1, 4))
    def open_room(self, capacity: int) -> None:
        self.capacity = capacity
        self.room.configure(RoomMode.AUTOMATIC, capacity=capacity, lease_minutes=5)

    def step(self, action: object) -> None:
        """Run a use case; check admission against the capacity and the queue's order."""
        before = self.room.tickets()
        action()  # type: ignore[operator]
        after, now = self.room.tickets(), self.room.clock.now()
        assert len({t.number for t in after.values()}) == len(after)
        new = [
            t
            for account, t in after.items()
            if t.state is TicketState.ADMITTED
            and (account not in before or before[account].state is not TicketState.ADMITTED)
        ]
        if new:
            inside = [t for t in after.values() if t.state is TicketState.ADMITTED]
            assert len(inside) <= self.capacity
            waiting = [t.number or 0 for t in after.values() if t.waiting(now)]
            assert all((t.number or 0) < min(waiting, default=10**9) for t in new)

    @rule(account=accounts)
    def arrives(self, account: int) -> None:
        before = self.room.tickets().get(account)
        self.step(lambda: self.room.enter(account))
        ticket = self.room.tickets().get(account)
        if before is not None and before.waiting(self.room.clock.now()):
            assert ticket is not None
            assert ticket.number == before.number  # a reload keeps its place

    @rule(account=accounts)
    def waits(self, account: int) -> None:
        state = self.room.store.committed(WaitingRoomState)
        due = state.room.pass_due(self.room.clock.now())
        ticket = self.room.tickets().get(account)
        self.step(lambda: self.room.position(account))
        if due and ticket is not None and ticket.waiting(self.room.clock.now()):
            tickets = self.room.tickets().values()
            inside = sum(t.state is TicketState.ADMITTED for t in tickets)
            still = sum(t.state is TicketState.WAITING for t in tickets)
            assert inside >= self.capacity or still == 0  # every free place filled

    @rule(account=accounts)
    def confirms(self, account: int) -> None:
        self.step(lambda: self.room.leave(account))

    @rule(seconds=st.sampled_from([0.2, 1, 5, 40, 150, 400, 1000]))
    def time_passes(self, seconds: float) -> None:
        self.room.advance(seconds)

    @rule(capacity=st.integers(1, 4), mode=st.sampled_from([RoomMode.AUTOMATIC, RoomMode.OFF]))
    def desk(self, capacity: int, mode: RoomMode) -> None:
        self.capacity = capacity
        self.step(lambda: self.room.configure(mode, capacity=capacity))

    @invariant()
    def one_ticket_per_account(self) -> None:
        state = self.room.store.committed(WaitingRoomState)
        accounts = [t.account_id for t in state.tickets.values()]
        assert len(accounts) == len(set(accounts))


RandomDay.TestCase.settings = settings(max_examples=150, stateful_step_count=40)
test_a_random_day_keeps_the_capacity_the_order_and_one_ticket_per_account = RandomDay.TestCase
