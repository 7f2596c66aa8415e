"""The waiting room's repository on the in-memory twin, SQLite and PostgreSQL alike: the room's
row as migrated, tickets numbered in the order they are added, one per account, read with the
room in one statement; renewal only in the state read; the queue's order, positions, expiry and
counts; and migration 0023 creating the tables with their default room, and dropping them. On
the databases, deleting an account deletes its ticket."""

from __future__ import annotations

import attrs
import pendulum
import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect, text
from sqlalchemy.exc import IntegrityError

from adapters.persistence import SqlUnitOfWork, downgrade, upgrade
from adapters.persistence.migrate import alembic_config
from portail_core.domain.accounts.account import Account
from portail_core.domain.waiting_room import RoomMode, Ticket, TicketState, WaitingRoom
from tests.integration.conftest import UowFactory
from tests.integration.test_billing_repository import add_family

NOW = pendulum.datetime(2026, 6, 15, 8, 0, tz="Europe/Paris")


def accounts(new_uow: UowFactory, count: int) -> list[int]:
    """``count`` families with an account each; the accounts' ids."""
    found = []
    for n in range(count):
        family_id, _ = add_family(new_uow, f"Famille{n}")
        account = Account(family_id, f"famille{n}.{family_id}", f"f{n}@example.fr", NOW)
        with new_uow() as uow:
            uow.accounts.add(account)
            uow.commit()
        assert account.id is not None
        found.append(account.id)
    return found


def waiting(account_id: int, seconds: int = 0) -> Ticket:
    at = NOW.add(seconds=seconds)
    return Ticket(account_id, TicketState.WAITING, at, at.add(minutes=15))


def add(new_uow: UowFactory, *tickets: Ticket) -> list[Ticket]:
    with new_uow() as uow:
        added = [uow.waiting_room.add_ticket(ticket) for ticket in tickets]
        uow.commit()
    return added


def test_the_room_is_there_automatic_for_200_families_and_empty(new_uow: UowFactory) -> None:
    with new_uow(read_only=True) as uow:
        room, ticket = uow.waiting_room.room_and_ticket(1)
        counts = uow.waiting_room.counts()
    assert ticket is None
    assert (room.mode, room.capacity, room.lease_seconds) == (RoomMode.AUTOMATIC, 200, 300)
    assert (room.inside, room.waiting, room.admit_from, room.changed_by) == (0, 0, None, None)
    assert counts == {}


def test_the_room_is_written_back_whole(new_uow: UowFactory) -> None:
    room = WaitingRoom(
        mode=RoomMode.OPEN_EARLY,
        capacity=50,
        lease_seconds=600,
        admit_from=NOW,
        inside=3,
        waiting=7,
        last_pass_at=NOW.add(seconds=1),
        window_started_at=NOW.add(seconds=2),
        window_admitted=4,
        previous_admitted=9,
        previous_seconds=61,
        changed_at=NOW.add(seconds=3),
        changed_by="mdupont",
    )
    with new_uow() as uow:
        assert uow.waiting_room.lock_room(skip_locked=True) is not None
        uow.waiting_room.save_room(room)
        uow.commit()
    with new_uow(read_only=True) as uow:
        assert attrs.asdict(uow.waiting_room.room()) == attrs.asdict(room)


def test_tickets_are_numbered_in_the_order_added_and_read_back_with_the_room(
    new_uow: UowFactory,
) -> None:
    first, second, third = accounts(new_uow, 3)
    a, b = add(new_uow, waiting(second), waiting(first, 5))
    (c,) = add(new_uow, waiting(third, 9))
    assert a.number is not None
    assert b.number is not None
    assert c.number is not None
    assert a.number < b.number < c.number
    with new_uow(read_only=True) as uow:
        room, found = uow.waiting_room.room_and_ticket(first)
        again = uow.waiting_room.ticket_of(third)
    assert room.capacity == 200
    assert found is not None
    assert attrs.asdict(found) == attrs.asdict(b)
    assert again is not None
    assert (again.number, again.queued_at, again.expires_at) == (
        c.number,
        c.queued_at,
        c.expires_at,
    )


def test_an_account_holds_one_ticket(new_uow: UowFactory) -> None:
    (account,) = accounts(new_uow, 1)
    add(new_uow, waiting(account))
    with pytest.raises((IntegrityError, ValueError)), new_uow() as uow:
        uow.waiting_room.add_ticket(waiting(account, 1))


def test_a_ticket_is_renewed_only_in_the_state_it_was_read_in(new_uow: UowFactory) -> None:
    (account,) = accounts(new_uow, 1)
    (ticket,) = add(new_uow, waiting(account))
    ticket.expires_at = NOW.add(hours=1)
    with new_uow() as uow:
        assert uow.waiting_room.renew(ticket)
        uow.commit()
    stale = attrs.evolve(ticket, expires_at=NOW.add(hours=2))
    with new_uow() as uow:
        ticket.admit(WaitingRoom(), NOW)
        uow.waiting_room.update_ticket(ticket)
        assert not uow.waiting_room.renew(stale)  # read waiting, admitted meanwhile
        uow.commit()
    with new_uow(read_only=True) as uow:
        found = uow.waiting_room.ticket_of(account)
    assert found is not None
    assert (found.state, found.admitted_at, found.expires_at) == (
        TicketState.ADMITTED,
        NOW,
        NOW.add(minutes=2),
    )


def test_the_queue_admits_the_smallest_numbers_and_counts_positions(
    new_uow: UowFactory,
) -> None:
    ids = accounts(new_uow, 5)
    tickets = add(new_uow, *(waiting(account) for account in ids))
    numbers = [t.number or 0 for t in tickets]
    with new_uow() as uow:
        assert uow.waiting_room.admit_next(2, NOW, NOW.add(minutes=2)) == 2
        assert uow.waiting_room.ahead_of(numbers[4]) == 2
        assert uow.waiting_room.ahead_of(numbers[2]) == 0
        assert uow.waiting_room.admit_next(10, NOW, NOW.add(minutes=2)) == 3
        uow.commit()
    with new_uow(read_only=True) as uow:
        states = [uow.waiting_room.ticket_of(account) for account in ids]
        assert uow.waiting_room.counts() == {TicketState.ADMITTED: 5}
    assert [t.state if t else None for t in states] == [TicketState.ADMITTED] * 5
    first = states[0]
    assert first is not None
    assert first.admitted_at == NOW


def test_expired_tickets_are_dropped_and_counted_out(new_uow: UowFactory) -> None:
    ids = accounts(new_uow, 3)
    old = Ticket(ids[0], TicketState.ADMITTED, NOW, NOW.add(minutes=1), NOW)
    gone = Ticket(ids[1], TicketState.RELEASED, NOW, NOW.add(minutes=2), NOW)
    add(new_uow, old, gone, waiting(ids[2]))
    later = NOW.add(minutes=3)
    with new_uow(read_only=True) as uow:
        assert uow.waiting_room.counts(later) == {TicketState.WAITING: 1}
        assert uow.waiting_room.counts() == {
            TicketState.ADMITTED: 1,
            TicketState.RELEASED: 1,
            TicketState.WAITING: 1,
        }
    with new_uow() as uow:
        assert uow.waiting_room.drop_expired(NOW.add(minutes=1)) == 0  # ends at that instant
        assert uow.waiting_room.drop_expired(later) == 2
        uow.commit()
    with new_uow() as uow:
        assert uow.waiting_room.ticket_of(ids[0]) is None
        assert uow.waiting_room.clear() == 1
        uow.commit()
    with new_uow(read_only=True) as uow:
        assert uow.waiting_room.counts() == {}


def test_deleting_an_account_deletes_its_ticket(engine: Engine) -> None:
    def new_uow(*, read_only: bool = False) -> SqlUnitOfWork:
        return SqlUnitOfWork(engine, read_only=read_only)

    (account,) = accounts(new_uow, 1)
    add(new_uow, waiting(account))
    with new_uow() as uow:
        uow.accounts.delete(account)
        uow.commit()
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM waiting_room_tickets")).scalar() == 0


def test_migration_0023_creates_the_room_and_its_tickets_and_drops_them(
    empty_engine: Engine,
) -> None:
    script = ScriptDirectory.from_config(alembic_config()).get_revision("0023")
    assert script is not None
    before = script.down_revision
    assert isinstance(before, str)
    upgrade(empty_engine, before)
    assert "waiting_room" not in inspect(empty_engine).get_table_names()
    upgrade(empty_engine, "0023")
    with empty_engine.connect() as connection:
        rows = connection.execute(text("SELECT id, mode, capacity FROM waiting_room")).all()
    assert [tuple(row) for row in rows] == [(1, "auto", 200)]
    indexes = {i["name"] for i in inspect(empty_engine).get_indexes("waiting_room_tickets")}
    assert {"ix_waiting_room_tickets_state_id", "ix_waiting_room_tickets_expires_at"} <= indexes
    downgrade(empty_engine, before)
    names = set(inspect(empty_engine).get_table_names())
    assert not {"waiting_room", "waiting_room_tickets"} & names
