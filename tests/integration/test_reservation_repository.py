"""The reservation, waiting-list and draft repositories keep one contract on the in-memory twin,
SQLite and PostgreSQL; the partial unique index is checked on both databases."""

from __future__ import annotations

from datetime import date
from functools import partial

import attrs
import pendulum
import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import IntegrityError

from adapters.clock import FixedClock
from adapters.persistence import SqlUnitOfWork
from portail_core.domain.audit import Actor, Channel
from portail_core.domain.bookings.reservation import (
    EventKind,
    PlaceKey,
    Reservation,
    ReservationEvent,
    ReservationStatus,
    Slot,
    WaitingEntry,
    WaitingStatus,
)
from portail_core.domain.bookings.selection import (
    PlanningDraft,
    Request,
    Selection,
    SelectionLine,
    Summary,
)
from portail_core.domain.shared.money import Money
from portail_core.errors import Conflict
from portail_core.ports.unit_of_work import UnitOfWorkFactory
from portail_core.services.dossiers.creation import create_family
from tests.integration.conftest import UowFactory
from tests.integration.reservation_town import scalar
from tests.unit.dossier_builders import complete_family

NOW = pendulum.datetime(2026, 6, 15, 10, 0, tz="Europe/Paris")
WED = date(2026, 9, 9)
NEXT_WED = date(2026, 9, 16)
FAMILY = Actor("martin.1", Channel.PORTAL)


def children(new_uow: UnitOfWorkFactory) -> tuple[int, int, int]:
    """A family with two children: (family id, Léa's id, Tom's id)."""
    family_id = create_family(
        new_uow(), complete_family(), actor=Actor.staff("a"), clock=FixedClock(NOW)
    )
    with new_uow(read_only=True) as uow:
        family = uow.families.get(family_id)
    assert family is not None
    lea, tom = (c.id for c in family.children)
    assert lea is not None
    assert tom is not None
    return family_id, lea, tom


def reservation(
    family_id: int,
    child_id: int,
    day: date = WED,
    unit: str = "JOURNEE",
    age_group: str = "ELEM",
    establishment: str = "ALSH",
    number: str = "R-AAAA-BBBB",
) -> Reservation:
    return Reservation(family_id, child_id, establishment, unit, day, age_group, NOW, number)


def entry(
    family_id: int,
    child_id: int,
    *,
    joined: pendulum.DateTime = NOW,
    day: date = WED,
    age_group: str = "ELEM",
    status: WaitingStatus = WaitingStatus.WAITING,
    expires: pendulum.DateTime | None = None,
    unit: str = "JOURNEE",
    establishment: str = "ALSH",
) -> WaitingEntry:
    return WaitingEntry(
        family_id, child_id, establishment, unit, day, age_group, joined, status, expires
    )


def add_all(new_uow: UnitOfWorkFactory, *items: Reservation | WaitingEntry) -> None:
    with new_uow() as uow:
        for item in items:
            if isinstance(item, Reservation):
                uow.reservations.add(item)
            else:
                uow.waiting_list.add(item)
        uow.commit()


def described(reservations: list[Reservation]) -> list[tuple[object, ...]]:
    return [
        (r.child_id, r.establishment_code, r.unit_code, r.day, r.age_group, r.status)
        for r in reservations
    ]


def test_reservations_are_added_read_by_child_and_day_and_cancelled(new_uow: UowFactory) -> None:
    family_id, lea, tom = children(new_uow)
    later = reservation(family_id, lea, NEXT_WED, number="R-CCCC-DDDD")
    first = reservation(family_id, lea)
    morning = reservation(family_id, tom, unit="MATIN", age_group="MAT")
    canteen = reservation(family_id, lea, WED, "REPAS", "", "CANTINE-PLAGE")
    add_all(new_uow, later, first, morning, canteen)
    assert all(r.id is not None for r in (later, first, morning, canteen))
    with new_uow(read_only=True) as uow:
        of_lea = uow.reservations.of_child(lea, "ALSH", WED, NEXT_WED)
        everywhere = uow.reservations.of_child(lea, None, WED, NEXT_WED)
        first_day = uow.reservations.of_child(lea, "ALSH", WED, WED)
        on_wednesday = uow.reservations.on_day("ALSH", WED)
    assert described(of_lea) == [
        (lea, "ALSH", "JOURNEE", WED, "ELEM", ReservationStatus.BOOKED),
        (lea, "ALSH", "JOURNEE", NEXT_WED, "ELEM", ReservationStatus.BOOKED),
    ]
    read = of_lea[0]
    assert (read.id, read.family_id, read.confirmation) == (first.id, family_id, "R-AAAA-BBBB")
    assert read.booked_at == NOW
    assert read.booked_at.timezone_name == "UTC"
    assert read.cancelled_at is None
    assert {r.establishment_code for r in everywhere} == {"ALSH", "CANTINE-PLAGE"}
    assert [r.id for r in first_day] == [first.id]
    assert [r.id for r in on_wednesday] == sorted([first.id, morning.id])
    with new_uow() as uow:
        read.cancel(NOW.add(hours=1))
        uow.reservations.update(read)
        uow.commit()
    with new_uow(read_only=True) as uow:
        assert [r.id for r in uow.reservations.of_child(lea, "ALSH", WED, NEXT_WED)] == [later.id]
        assert [r.id for r in uow.reservations.on_day("ALSH", WED)] == [morning.id]


def test_booked_slots_are_the_booked_reservations_between_two_days_inclusive(
    new_uow: UowFactory,
) -> None:
    family_id, lea, tom = children(new_uow)
    before = reservation(family_id, lea, date(2026, 9, 8), number="R-AAAA-0001")
    first = reservation(family_id, lea)
    canteen = reservation(family_id, tom, WED, "REPAS", "", "CANTINE-PLAGE")
    cancelled = reservation(family_id, tom, NEXT_WED, "MATIN", "MAT")
    last = reservation(family_id, lea, NEXT_WED)
    after = reservation(family_id, lea, date(2026, 9, 17), number="R-AAAA-0002")
    add_all(new_uow, before, first, canteen, cancelled, last, after)
    with new_uow() as uow:
        cancelled.cancel(NOW.add(hours=1))
        uow.reservations.update(cancelled)
        uow.commit()
    with new_uow(read_only=True) as uow:
        slots = uow.reservations.booked_slots(WED, NEXT_WED)
        canteens = uow.reservations.booked_slots(WED, NEXT_WED, "CANTINE-PLAGE")
    assert canteens == [(family_id, tom, "CANTINE-PLAGE", "REPAS", WED)]  # filtered in SQL
    assert sorted(slots) == sorted(
        [
            (family_id, lea, "ALSH", "JOURNEE", WED),
            (family_id, tom, "CANTINE-PLAGE", "REPAS", WED),
            (family_id, lea, "ALSH", "JOURNEE", NEXT_WED),
        ]
    )
    assert all(type(slot) is tuple for slot in slots)  # plain tuples: nothing else is built


def test_a_confirmation_writes_its_reservations_and_events_at_once_in_order(
    new_uow: UowFactory,
) -> None:
    family_id, lea, _ = children(new_uow)
    days = [WED, NEXT_WED, date(2026, 9, 23)]
    events = [
        ReservationEvent(NOW, FAMILY, kind, family_id, lea, "ALSH", "JOURNEE", day, "R-AAAA-BBBB")
        for kind, day in zip(
            (EventKind.BOOKED, EventKind.CANCELLED, EventKind.WAITLISTED), days, strict=True
        )
    ]
    with new_uow() as uow:
        uow.reservations.add_all([reservation(family_id, lea, day) for day in days])
        uow.reservations.add_all([])
        uow.reservations.record_all(events)
        uow.reservations.record_all([])
        uow.commit()
    with new_uow(read_only=True) as uow:
        booked = uow.reservations.of_child(lea, "ALSH", WED, date(2026, 9, 30))
        history = uow.reservations.history(lea, 10)
    assert [(r.day, r.confirmation, r.status) for r in booked] == [
        (day, "R-AAAA-BBBB", ReservationStatus.BOOKED) for day in days
    ]
    assert history == events[::-1]  # one instant: the last written comes first
    with pytest.raises((IntegrityError, Conflict)), new_uow() as uow:  # the unique index holds
        uow.reservations.add_all([reservation(family_id, lea, date(2026, 9, 30))] * 2)


def test_places_taken_count_bookings_and_running_offers_per_age_group(
    new_uow: UowFactory,
) -> None:
    family_id, lea, tom = children(new_uow)
    other_family, other_lea, other_tom = children(new_uow)
    cancelled = reservation(family_id, lea, NEXT_WED)
    add_all(
        new_uow,
        reservation(family_id, lea),
        reservation(other_family, other_lea),
        reservation(family_id, tom, age_group="MAT"),
        reservation(family_id, lea, unit="MATIN", day=date(2026, 9, 23)),
        reservation(family_id, lea, date(2026, 10, 7)),  # after the period
        reservation(family_id, lea, WED, "REPAS", "", "CANTINE-PLAGE"),  # elsewhere
        cancelled,
        # a running offer holds its place, up to its expiry included
        entry(other_family, other_tom, age_group="MAT", status=WaitingStatus.OFFERED, expires=NOW),
        entry(other_family, other_lea, day=NEXT_WED, status=WaitingStatus.OFFERED, expires=NOW),
        # an expired offer, a plain waiting entry: no place
        entry(
            family_id,
            tom,
            day=NEXT_WED,
            age_group="MAT",
            status=WaitingStatus.OFFERED,
            expires=NOW.subtract(seconds=1),
        ),
        entry(other_family, other_tom, day=NEXT_WED, age_group="MAT"),
    )
    with new_uow() as uow:
        cancelled.cancel(NOW)
        uow.reservations.update(cancelled)
        uow.commit()
    with new_uow(read_only=True) as uow:
        taken = uow.reservations.taken("ALSH", WED, date(2026, 9, 30), NOW)
        later = uow.reservations.taken("ALSH", WED, date(2026, 9, 30), NOW.add(seconds=1))
    assert taken == {
        PlaceKey("ALSH", "JOURNEE", WED, "ELEM"): 2,
        PlaceKey("ALSH", "JOURNEE", WED, "MAT"): 2,  # Tom booked, another child offered
        PlaceKey("ALSH", "JOURNEE", NEXT_WED, "ELEM"): 1,  # the offer only
        PlaceKey("ALSH", "MATIN", date(2026, 9, 23), "ELEM"): 1,
    }
    assert later == {
        PlaceKey("ALSH", "JOURNEE", WED, "ELEM"): 2,
        PlaceKey("ALSH", "JOURNEE", WED, "MAT"): 1,
        PlaceKey("ALSH", "MATIN", date(2026, 9, 23), "ELEM"): 1,
    }


def test_history_is_the_childs_most_recent_first(new_uow: UowFactory) -> None:
    family_id, lea, tom = children(new_uow)

    def event(at: pendulum.DateTime, kind: EventKind, child: int = lea) -> ReservationEvent:
        return ReservationEvent(
            at, FAMILY, kind, family_id, child, "ALSH", "JOURNEE", WED, "R-AAAA-BBBB"
        )

    booked, waiting, promoted, cancelled = (
        event(NOW, EventKind.BOOKED),
        event(NOW, EventKind.WAITLISTED),  # same instant: the later recorded comes first
        event(NOW.add(minutes=5), EventKind.PROMOTED),
        event(NOW.add(days=1), EventKind.CANCELLED),
    )
    forced = ReservationEvent(
        NOW.add(days=2),
        Actor.staff("agent"),
        EventKind.CANCELLED,
        family_id,
        lea,
        "ALSH",
        "MATIN",
        NEXT_WED,
        "R-EEEE-FFFF",
        "Enfant malade, appel du père",
    )
    with new_uow() as uow:
        for one in (booked, waiting, event(NOW.add(hours=1), EventKind.BOOKED, tom), promoted):
            uow.reservations.record(one)
        uow.reservations.record(forced)  # recorded before an earlier event: by time all the same
        uow.reservations.record(cancelled)
        uow.commit()
    with new_uow(read_only=True) as uow:
        history = uow.reservations.history(lea, 10)
        latest = uow.reservations.history(lea, 2)
        toms = uow.reservations.history(tom, 10)
    assert history == [forced, cancelled, promoted, waiting, booked]
    assert latest == [forced, cancelled]
    assert [e.kind for e in toms] == [EventKind.BOOKED]
    assert history[0].actor == Actor.staff("agent")
    assert history[0].at == NOW.add(days=2)


def test_the_waiting_queue_is_first_come_first_for_its_place_only(new_uow: UowFactory) -> None:
    family_id, lea, tom = children(new_uow)
    second_family, second_lea, second_tom = children(new_uow)
    third_family, third_lea, _ = children(new_uow)
    early = entry(second_family, second_lea, joined=NOW.subtract(hours=2))
    offered = entry(
        third_family,
        third_lea,
        joined=NOW.subtract(hours=3),
        status=WaitingStatus.OFFERED,
        expires=NOW.add(hours=48),
    )
    late = entry(family_id, lea, joined=NOW)
    same_time = entry(family_id, tom, joined=NOW, age_group="MAT")
    add_all(
        new_uow,
        late,
        early,
        offered,
        same_time,
        entry(second_family, second_tom, age_group="MAT", joined=NOW),
        entry(family_id, tom, status=WaitingStatus.PROMOTED),  # no longer waiting
        entry(second_family, second_lea, status=WaitingStatus.LEFT),
        entry(second_family, second_lea, day=NEXT_WED),  # another day
        entry(second_family, second_lea, unit="MATIN"),  # another unit
    )
    with new_uow(read_only=True) as uow:
        queue = uow.waiting_list.queue(PlaceKey("ALSH", "JOURNEE", WED, "ELEM"))
        maternelle = uow.waiting_list.queue(PlaceKey("ALSH", "JOURNEE", WED, "MAT"))
        active = uow.waiting_list.active("ALSH", WED, NEXT_WED)
        of_lea = uow.waiting_list.active("ALSH", WED, NEXT_WED, child_id=second_lea)
        anywhere = uow.waiting_list.active(None, NEXT_WED, NEXT_WED)
        read = uow.waiting_list.get(offered.id or 0)
        missing = uow.waiting_list.get(10_000, for_update=True)
    assert [e.id for e in queue] == [offered.id, early.id, late.id]
    assert [e.child_id for e in maternelle] == [tom, second_tom]  # same instant: by arrival
    assert [(e.day, e.unit_code, e.age_group, e.child_id) for e in active] == [
        (WED, "JOURNEE", "ELEM", third_lea),
        (WED, "JOURNEE", "ELEM", second_lea),
        (WED, "JOURNEE", "ELEM", lea),
        (WED, "JOURNEE", "MAT", tom),
        (WED, "JOURNEE", "MAT", second_tom),
        (WED, "MATIN", "ELEM", second_lea),
        (NEXT_WED, "JOURNEE", "ELEM", second_lea),
    ]
    assert [(e.day, e.unit_code) for e in of_lea] == [
        (WED, "JOURNEE"),
        (WED, "MATIN"),
        (NEXT_WED, "JOURNEE"),
    ]
    assert [e.child_id for e in anywhere] == [second_lea]
    assert read is not None
    assert (read.status, read.offer_expires_at, read.joined_at) == (
        WaitingStatus.OFFERED,
        NOW.add(hours=48),
        NOW.subtract(hours=3),
    )
    assert read.place == PlaceKey("ALSH", "JOURNEE", WED, "ELEM")
    assert missing is None


def test_expired_offers_are_the_offers_past_their_expiry(new_uow: UowFactory) -> None:
    family_id, lea, tom = children(new_uow)
    other_family, other_lea, _ = children(new_uow)
    past = entry(family_id, lea, status=WaitingStatus.OFFERED, expires=NOW.subtract(minutes=1))
    add_all(
        new_uow,
        past,
        entry(family_id, tom, age_group="MAT", status=WaitingStatus.OFFERED, expires=NOW),
        entry(other_family, other_lea, status=WaitingStatus.WAITING),
        entry(
            other_family,
            other_lea,
            day=NEXT_WED,
            status=WaitingStatus.EXPIRED,
            expires=NOW.subtract(days=1),
        ),
    )
    with new_uow(read_only=True) as uow:
        expired = uow.waiting_list.expired_offers(NOW)
    assert [e.id for e in expired] == [past.id]
    with new_uow() as uow:
        found = uow.waiting_list.get(past.id or 0, for_update=True)
        assert found is not None
        found.status = WaitingStatus.EXPIRED
        uow.waiting_list.update(found)
        uow.commit()
    with new_uow(read_only=True) as uow:
        assert uow.waiting_list.expired_offers(NOW.add(hours=1))[0].child_id == tom
        assert uow.waiting_list.queue(PlaceKey("ALSH", "JOURNEE", WED, "ELEM"))[0].child_id == (
            other_lea
        )


def test_a_draft_comes_back_whole_with_its_confirmation_and_outcome(new_uow: UowFactory) -> None:
    family_id, lea, _ = children(new_uow)
    selection = Selection(
        book=frozenset({Slot(WED, "JOURNEE"), Slot(NEXT_WED, "JOURNEE")}),
        cancel=frozenset({Slot(date(2026, 9, 23), "MATIN")}),
        wait=frozenset({Slot(date(2026, 9, 30), "JOURNEE")}),
    )
    draft = PlanningDraft("t" * 32, family_id, lea, "ALSH", selection, NOW)
    with new_uow() as uow:
        uow.drafts.add(draft)
        uow.commit()
    with new_uow(read_only=True) as uow:
        read = uow.drafts.get(draft.token)
        assert uow.drafts.get("inconnu") is None
    assert read is not None
    assert (read.token, read.family_id, read.child_id, read.establishment_code) == (
        draft.token,
        family_id,
        lea,
        "ALSH",
    )
    assert read.selection == selection
    assert read.created_at == NOW
    assert (read.confirmation, read.confirmed_at, read.outcome) == (None, None, None)
    outcome = Summary(
        accepted=(
            SelectionLine(
                Request.BOOK, Slot(WED, "JOURNEE"), "Journée avec repas", "ELEM", Money(1040)
            ),
            SelectionLine(
                Request.CANCEL,
                Slot(date(2026, 9, 23), "MATIN"),
                "Matin sans repas",
                "ELEM",
                Money(420),
            ),
            SelectionLine(Request.WAIT, Slot(date(2026, 9, 30), "JOURNEE"), "Journée", "ELEM"),
        ),
        refused=(
            SelectionLine(
                Request.BOOK,
                Slot(NEXT_WED, "JOURNEE"),
                "Journée avec repas",
                "ELEM",
                Money(1040),
                "Complet : plus de place disponible (liste d'attente possible).",
            ),
        ),
    )
    with new_uow() as uow:
        locked = uow.drafts.get(draft.token, for_update=True)
        assert locked is not None
        locked.confirmation, locked.confirmed_at = "R-7KQ2-M9XP", NOW.add(minutes=3)
        locked.outcome = outcome
        uow.drafts.update(locked)
        uow.commit()
    with new_uow(read_only=True) as uow:
        confirmed = uow.drafts.get(draft.token)
    assert confirmed is not None
    assert confirmed.confirmation == "R-7KQ2-M9XP"
    assert confirmed.confirmed_at == NOW.add(minutes=3)
    assert confirmed.outcome == outcome
    assert confirmed.outcome.cost == Money(1040)
    assert confirmed.outcome.refund == Money(420)
    assert confirmed.outcome.refused[0].reason.startswith("Complet")
    assert confirmed.selection == selection


def test_drafts_created_before_an_instant_are_purged_confirmed_or_not(new_uow: UowFactory) -> None:
    family_id, lea, _ = children(new_uow)
    selection = Selection(book=frozenset({Slot(WED, "JOURNEE")}))
    old = PlanningDraft("o" * 32, family_id, lea, "ALSH", selection, NOW.subtract(days=8))
    confirmed = PlanningDraft("c" * 32, family_id, lea, "ALSH", selection, NOW.subtract(days=9))
    recent = PlanningDraft("r" * 32, family_id, lea, "ALSH", selection, NOW)
    with new_uow() as uow:
        for draft in (old, confirmed, recent):
            uow.drafts.add(draft)
        uow.drafts.update(
            attrs.evolve(
                confirmed,
                confirmation="R-AAAA-BBBB",
                confirmed_at=NOW.subtract(days=9),
                outcome=Summary(accepted=(), refused=()),
            )
        )
        uow.commit()
    with new_uow() as uow:
        assert uow.drafts.purge(NOW.subtract(days=7)) == 2
        uow.commit()
    with new_uow(read_only=True) as uow:
        left = [uow.drafts.get(d.token) for d in (old, confirmed, recent)]
    assert [d.token if d else None for d in left] == [None, None, recent.token]


def test_a_child_is_booked_once_per_unit_and_day_but_may_book_again_after_cancelling(
    new_uow: UowFactory,
) -> None:
    family_id, lea, _ = children(new_uow)
    first = reservation(family_id, lea)
    add_all(new_uow, first)
    with pytest.raises((IntegrityError, Conflict)), new_uow() as uow:
        uow.reservations.add(reservation(family_id, lea, number="R-ZZZZ-ZZZZ"))
    # the same day in another unit or establishment, or another day: allowed
    add_all(
        new_uow,
        reservation(family_id, lea, unit="MATIN"),
        reservation(family_id, lea, WED, "JOURNEE", "", "EMS"),
        reservation(family_id, lea, NEXT_WED),
    )
    with new_uow() as uow:
        first.cancel(NOW)
        uow.reservations.update(first)
        uow.commit()
    again = reservation(family_id, lea, number="R-YYYY-YYYY")
    add_all(new_uow, again)
    with new_uow() as uow:
        again.cancel(NOW.add(hours=1))
        uow.reservations.update(again)
        uow.commit()
    third = reservation(family_id, lea, number="R-XXXX-XXXX")
    add_all(new_uow, third)  # two cancelled reservations of that day and one booked
    with new_uow(read_only=True) as uow:
        booked = uow.reservations.of_child(lea, "ALSH", WED, WED)
    assert [(r.unit_code, r.confirmation) for r in booked] == [
        ("MATIN", "R-AAAA-BBBB"),
        ("JOURNEE", "R-XXXX-XXXX"),
    ]


def test_the_partial_unique_index_is_in_the_database(engine: Engine) -> None:
    """Written straight with SQL: the database itself refuses a second booked row."""
    family_id, lea, _ = children(partial(SqlUnitOfWork, engine))
    insert = (
        "INSERT INTO reservations (family_id, child_id, establishment_code, unit_code, day, "
        "age_group, status, booked_at, confirmation) VALUES (:family, :child, 'ALSH', "
        "'JOURNEE', :day, 'ELEM', :status, '2026-06-15 08:00:00', 'R-AAAA-AAAA')"
    )
    row = {"family": family_id, "child": lea, "day": WED}
    with engine.begin() as connection:
        connection.execute(text(insert), {**row, "status": "cancelled"})
        connection.execute(text(insert), {**row, "status": "cancelled"})
        connection.execute(text(insert), {**row, "status": "booked"})
    with pytest.raises(IntegrityError), engine.begin() as connection:
        connection.execute(text(insert), {**row, "status": "booked"})
    assert scalar(engine, "SELECT count(*) FROM reservations WHERE status = 'booked'") == 1
    assert scalar(engine, "SELECT count(*) FROM reservations") == 3


def ranked_from_everyone(
    everyone: list[WaitingEntry], *, family_id: int | None = None, child_id: int | None = None
) -> list[tuple[int | None, int]]:
    """The ranks as the « Réservations » page computed them before: every active entry of
    the town read, numbered per place, the family's kept."""
    positions: dict[PlaceKey, int] = {}
    ranked = []
    for one in everyone:
        positions[one.place] = positions.get(one.place, 0) + 1
        if one.family_id == family_id or one.child_id == child_id:
            ranked.append((one.id, positions[one.place]))
    return ranked


def test_a_familys_ranks_are_read_from_its_own_queues_as_from_the_whole_list(
    new_uow: UowFactory,
) -> None:
    family_id, lea, tom = children(new_uow)
    second_family, second_lea, second_tom = children(new_uow)
    third_family, third_lea, _ = children(new_uow)
    add_all(
        new_uow,
        entry(second_family, second_lea, joined=NOW.subtract(hours=2)),
        entry(family_id, lea, joined=NOW),  # ELEM Wednesday: after two others
        entry(third_family, third_lea, joined=NOW.subtract(hours=3), status=WaitingStatus.OFFERED),
        entry(second_family, second_tom, age_group="MAT", joined=NOW),  # a tie, smaller id
        entry(family_id, tom, age_group="MAT", joined=NOW),  # the tie: after by id
        entry(third_family, third_lea, age_group="MAT", joined=NOW.add(minutes=1)),
        entry(second_family, second_lea, joined=NOW.subtract(hours=9), status=WaitingStatus.LEFT),
        entry(family_id, lea, day=NEXT_WED, joined=NOW.add(hours=1)),  # alone: first
        entry(second_family, second_lea, day=NEXT_WED, joined=NOW.add(hours=2)),
        entry(family_id, tom, unit="MATIN", joined=NOW.add(hours=5)),
        entry(second_family, second_tom, unit="MATIN", joined=NOW.add(hours=4)),
        entry(family_id, lea, establishment="CANTINE", joined=NOW.add(hours=1)),
        entry(third_family, third_lea, establishment="CANTINE", joined=NOW),
        entry(family_id, tom, status=WaitingStatus.PROMOTED),  # no longer waiting
        entry(family_id, lea, day=date(2026, 10, 7)),  # after the period
    )
    with new_uow(read_only=True) as uow:
        everyone = uow.waiting_list.active(None, WED, NEXT_WED)
        alsh = uow.waiting_list.active("ALSH", WED, NEXT_WED)
        ranks = {
            family: uow.waiting_list.ranked(None, WED, NEXT_WED, family_id=family)
            for family in (family_id, second_family, third_family)
        }
        of_tom = uow.waiting_list.ranked("ALSH", WED, NEXT_WED, child_id=tom)
    for family, found in ranks.items():
        assert [(e.id, p) for e, p in found] == ranked_from_everyone(everyone, family_id=family)
        assert all(e.family_id == family and e.active for e, _ in found)
    assert [(e.unit_code, e.age_group, p) for e, p in of_tom] == [
        ("JOURNEE", "MAT", 2),
        ("MATIN", "ELEM", 2),
    ]
    assert [(e.id, p) for e, p in of_tom] == ranked_from_everyone(alsh, child_id=tom)
    mine = [(e.establishment_code, e.day, e.unit_code, e.age_group, p) for e, p in ranks[family_id]]
    assert sorted(mine) == [
        ("ALSH", WED, "JOURNEE", "ELEM", 3),
        ("ALSH", WED, "JOURNEE", "MAT", 2),
        ("ALSH", WED, "MATIN", "ELEM", 2),
        ("ALSH", NEXT_WED, "JOURNEE", "ELEM", 1),
        ("CANTINE", WED, "JOURNEE", "ELEM", 2),
    ]
