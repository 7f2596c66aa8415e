"""The waiting room's rules on their own: the modes and when admission starts, who goes straight
in, how many of the queue come in, a ticket's life (admitted, renewed, released, back in line),
the admission rate and the estimate (Hypothesis: never below zero, longer further back), how
often a waiting page asks, the French words, and the desk's settings refused out of range."""

from __future__ import annotations

import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st

from portail_core.domain.waiting_room import (
    ARRIVAL_SECONDS,
    KEEP_PLACE_SECONDS,
    RETURN_SECONDS,
    QueuePlace,
    RoomMode,
    Ticket,
    TicketState,
    WaitingRoom,
    wait_fr,
)
from portail_core.errors import InvalidInput

NOW = pendulum.datetime(2026, 6, 15, 7, 55, tz="Europe/Paris")


def later(seconds: float) -> pendulum.DateTime:
    return NOW.add(microseconds=int(seconds * 1_000_000))


def test_automatic_admits_now_off_lets_everyone_in_open_early_waits_for_its_hour() -> None:
    assert WaitingRoom().admitting(NOW)
    assert WaitingRoom(mode=RoomMode.OFF).lets_everyone_in
    assert not WaitingRoom(mode=RoomMode.OFF).admitting(NOW)
    held = WaitingRoom(mode=RoomMode.OPEN_EARLY)
    assert not held.admitting(NOW)  # until the desk says so
    at_eight = WaitingRoom(mode=RoomMode.OPEN_EARLY, admit_from=NOW.add(minutes=5))
    assert not at_eight.admitting(NOW.add(minutes=4, seconds=59))
    assert at_eight.admitting(NOW.add(minutes=5))


def test_a_new_ticket_waits_at_the_end_of_the_queue_only_a_move_lets_it_in() -> None:
    queued = Ticket.issue(7, NOW)
    assert queued.waiting(NOW)
    assert queued.expires_at == later(KEEP_PLACE_SECONDS)
    queued.admit(WaitingRoom(), NOW)
    assert queued.inside(NOW)
    assert queued.expires_at == later(ARRIVAL_SECONDS)


@given(
    capacity=st.integers(1, 500),
    inside=st.integers(0, 600),
    waiting=st.integers(0, 600),
    mode=st.sampled_from(RoomMode),
)
def test_the_queue_fills_the_free_places_and_never_more(
    capacity: int, inside: int, waiting: int, mode: RoomMode
) -> None:
    room = WaitingRoom(mode=mode, capacity=capacity, admit_from=NOW)
    places = room.places_to_fill(inside, waiting, NOW)
    assert 0 <= places <= waiting
    if mode is RoomMode.OFF:
        assert places == 0
    else:
        assert inside + places <= max(capacity, inside)
        assert places == min(waiting, max(0, capacity - inside))


def test_a_ticket_inside_renews_its_lease_at_most_every_thirty_seconds() -> None:
    room = WaitingRoom(lease_seconds=300)
    ticket = Ticket.issue(1, NOW)
    ticket.admit(room, NOW)
    assert ticket.needs_renewal(room, NOW)  # its first page: the arrival window becomes a lease
    ticket.renew(room, NOW)
    assert ticket.expires_at == later(300)
    assert not ticket.needs_renewal(room, later(29))
    assert ticket.needs_renewal(room, later(31))
    assert ticket.inside(later(300))
    assert not ticket.inside(later(301))


def test_a_released_ticket_keeps_its_number_a_short_while_then_is_gone() -> None:
    ticket = Ticket.issue(1, NOW)
    ticket.number = 12
    ticket.release(later(60))
    assert ticket.state is TicketState.RELEASED
    assert not ticket.inside(later(60))
    assert not ticket.needs_renewal(WaitingRoom(), later(60))
    assert ticket.returning(later(60 + RETURN_SECONDS))
    assert not ticket.returning(later(61 + RETURN_SECONDS))
    ticket.rejoin(later(70))
    assert ticket.waiting(later(70))
    assert (ticket.number, ticket.queued_at) == (12, later(70))


def test_a_move_is_due_a_second_after_the_last_whatever_the_counts_say() -> None:
    room = WaitingRoom(capacity=1, inside=1, waiting=0, last_pass_at=NOW)
    assert not room.pass_due(later(0.5))
    assert room.pass_due(later(1))  # the counts may be stale: the caller's ticket waits
    assert not WaitingRoom(mode=RoomMode.OPEN_EARLY).pass_due(NOW)


def test_the_admission_rate_covers_the_current_and_the_previous_minute() -> None:
    room = WaitingRoom()
    assert room.admissions_per_second(NOW) is None
    room.record_admissions(30, NOW)
    assert room.admissions_per_second(later(0.5)) is None  # too soon to say
    assert room.admissions_per_second(later(30)) == pytest.approx(1.0)
    room.record_admissions(30, later(60))  # a new minute: the first one becomes the previous
    assert (room.previous_admitted, room.previous_seconds, room.window_admitted) == (30, 60, 30)
    assert room.admissions_per_second(later(90)) == pytest.approx(60 / 90)
    assert room.estimate_seconds(60, later(90)) == 90


@given(
    admitted=st.integers(1, 10_000),
    seconds=st.floats(1, 3600),
    position=st.integers(1, 5000),
    further=st.integers(0, 5000),
)
def test_the_estimate_is_positive_and_longer_further_back(
    admitted: int, seconds: float, position: int, further: int
) -> None:
    room = WaitingRoom()
    room.record_admissions(admitted, NOW)
    near = room.estimate_seconds(position, later(seconds))
    far = room.estimate_seconds(position + further, later(seconds))
    assert near is not None
    assert far is not None
    assert 0 < near <= far
    place = room.place_of(position, later(seconds))
    assert 2 <= place.poll_seconds <= 60


def test_open_early_waits_are_counted_from_the_hour_admission_starts() -> None:
    room = WaitingRoom(mode=RoomMode.OPEN_EARLY, admit_from=NOW.add(minutes=5))
    room.record_admissions(60, NOW.subtract(minutes=1))  # one a second, the day before
    place = room.place_of(42, NOW)
    assert (place.waiting, place.started, place.opens_at) == (True, False, NOW.add(minutes=5))
    assert place.estimate_seconds == 300 + 42
    assert place.wait_fr == "Les entrées commencent le lundi 15 juin 2026 à 8h00."
    assert place.poll_seconds == 60
    held = WaitingRoom(mode=RoomMode.OPEN_EARLY).place_of(3, NOW)
    assert held.wait_fr.startswith("Les entrées n’ont pas encore commencé")


def test_a_waiting_page_asks_soon_when_its_turn_is_near_and_seldom_when_far() -> None:
    room = WaitingRoom()
    room.record_admissions(60, NOW)
    assert room.place_of(1, later(60)).poll_seconds == 2
    assert room.place_of(100, later(60)).poll_seconds == 12
    assert room.place_of(5000, later(60)).poll_seconds == 60
    slow = WaitingRoom()
    slow.record_admissions(1, NOW)
    assert slow.place_of(300, later(600)).poll_seconds == 32  # by position: the rate may lag
    assert room.place_of(40, later(60)).poll_seconds == 6
    assert WaitingRoom().place_of(3, NOW).poll_seconds == 2  # no rate yet


def test_what_the_page_says_in_french() -> None:
    assert QueuePlace(True, 1).position_fr == "Vous êtes la prochaine famille à entrer."
    assert QueuePlace(True, 42).position_fr == "Vous êtes n° 42 dans la file : 41 avant vous."
    assert QueuePlace(True, 2, None).wait_fr == "L’attente sera estimée dès les premières entrées."
    assert QueuePlace(True, 2, 400).wait_fr == "Attente estimée : environ 7 minutes."
    assert [wait_fr(s) for s in (0, 59, 60, 61, 3540, 3599, 3900)] == [
        "moins d’une minute",
        "moins d’une minute",
        "environ 1 minute",
        "environ 2 minutes",
        "environ 59 minutes",
        "environ 1 h 00",
        "environ 1 h 05",
    ]


def test_the_desk_s_settings_say_what_changed_and_refuse_what_is_out_of_range() -> None:
    room = WaitingRoom()
    changes = room.configure(
        RoomMode.OPEN_EARLY,
        capacity=150,
        lease_minutes=None,
        admit_from=NOW.add(minutes=5),
        actor="mdupont",
        now=NOW,
    )
    assert changes == {
        "mode": ["auto", "open"],
        "capacity": [200, 150],
        "admit_from": [None, "2026-06-15T06:00:00+00:00"],
    }
    assert (room.changed_at, room.changed_by, room.lease_seconds) == (NOW, "mdupont", 300)
    for wrong, field in (
        ({"capacity": 0}, "capacite"),
        ({"capacity": 100_001}, "capacite"),
        ({"lease_minutes": 0}, "bail"),
        ({"lease_minutes": 61}, "bail"),
    ):
        settings = {"capacity": None, "lease_minutes": None, "admit_from": None, **wrong}
        with pytest.raises(InvalidInput) as refused:
            room.configure(RoomMode.AUTOMATIC, actor="x", now=NOW, **settings)  # type: ignore[arg-type]
        assert field in refused.value.problems
    with pytest.raises(InvalidInput, match="qu'en ouvrant en avance"):
        room.configure(
            RoomMode.AUTOMATIC,
            capacity=None,
            lease_minutes=None,
            admit_from=NOW,
            actor="x",
            now=NOW,
        )
    assert (room.mode, room.capacity) == (RoomMode.OPEN_EARLY, 150)  # refused: nothing changed
