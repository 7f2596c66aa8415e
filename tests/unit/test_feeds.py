"""The private calendar feed against the in-memory unit of work, parsed back with ``icalendar``:
the children's booked reservations at their unit's hours (Europe/Paris, with its VTIMEZONE), a
stable UID each, cancelled and old ones left out, no family name and no health information; the
secret stored only as its hash; revoked or replaced answers NotFound; reads limited per feed and
unknown secrets per client address; created and revoked are audited."""

from __future__ import annotations

import hashlib
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pendulum
import pytest
from icalendar import Calendar

from adapters.icalendar_feed import IcalendarFeedWriter
from adapters.memory.audit import AuditState
from adapters.memory.feeds import FeedState
from portail_core.domain.accounts.account import TooManyAttempts
from portail_core.domain.bookings.reservation import Reservation
from portail_core.domain.feeds import READS_PER_HOUR, UNKNOWN_PER_HOUR, CalendarFeed
from portail_core.errors import NotFound
from portail_core.services.feeds.reading import read_feed
from portail_core.services.feeds.tokens import create_feed, feed_of, revoke_feed
from tests.unit.reservation_world import FAMILY, World, make_world

SEPTEMBER_1 = pendulum.datetime(2026, 9, 1, 9, 0, tz="Europe/Paris")
PARIS = ZoneInfo("Europe/Paris")
IP = "203.0.113.7"


@pytest.fixture
def world() -> World:
    found = make_world()
    with found.uow() as uow:
        lea, tom = found.child_id("Léa"), found.child_id("Tom")
        for child, place, unit, day in (
            (lea, "ALSH", "JOURNEE", date(2026, 9, 9)),
            (lea, "ALSH", "JOURNEE", date(2026, 9, 16)),  # cancelled below
            (lea, "ALSH", "JOURNEE", date(2026, 6, 17)),  # more than two months before
            (tom, "CANTINE-PLAGE", "REPAS", date(2026, 9, 14)),
        ):
            group = "ELEM" if place == "ALSH" else ""
            reservation = Reservation(
                found.martin, child, place, unit, day, group, found.clock.now(), "R-77"
            )
            uow.reservations.add(reservation)
            if day == date(2026, 9, 16):
                reservation.cancel(found.clock.now())
                uow.reservations.update(reservation)
        uow.commit()
    found.clock.set(SEPTEMBER_1)
    return found


def create(world: World, family_id: int | None = None) -> str:
    family = family_id or world.martin
    return create_feed(world.uow(), world.clock, family_id=family, actor=FAMILY)


def read(world: World, secret: str, ip: str = IP) -> bytes:
    return read_feed(world.uow, world.clock, IcalendarFeedWriter(), secret=secret, actor_ip=ip)


def events_of(content: bytes) -> dict[str, dict[str, object]]:
    calendar = Calendar.from_ical(content)
    return {
        str(event["summary"]): {
            "start": event.decoded("dtstart"),
            "end": event.decoded("dtend"),
            "uid": str(event["uid"]),
            "location": str(event["location"]),
        }
        for event in calendar.walk("VEVENT")
    }


def test_the_feed_holds_the_booked_reservations_at_their_units_hours_in_paris(
    world: World,
) -> None:
    content = read(world, create(world))
    calendar = Calendar.from_ical(content)
    assert [str(tz["tzid"]) for tz in calendar.walk("VTIMEZONE")] == ["Europe/Paris"]
    assert str(calendar["x-wr-calname"]) == "Réservations – Ville de Démo-sur-Mer"
    events = events_of(content)
    assert sorted(events) == [
        "Léa : Journée avec repas (Accueil de loisirs Les Dunes)",
        "Tom : Repas (Restaurant scolaire de l'école de la Plage)",
    ]
    journee = events["Léa : Journée avec repas (Accueil de loisirs Les Dunes)"]
    assert journee["start"] == datetime(2026, 9, 9, 8, 30, tzinfo=PARIS)
    assert journee["end"] == datetime(2026, 9, 9, 17, 30, tzinfo=PARIS)
    assert journee["start"].astimezone(ZoneInfo("UTC")).hour == 6  # type: ignore[attr-defined]
    assert str(journee["location"]).startswith("Accueil de loisirs Les Dunes")
    meal = events["Tom : Repas (Restaurant scolaire de l'école de la Plage)"]
    assert (meal["start"], meal["end"]) == (
        datetime(2026, 9, 14, 11, 45, tzinfo=PARIS),
        datetime(2026, 9, 14, 13, 30, tzinfo=PARIS),
    )


def test_cancelled_and_old_reservations_are_left_out_and_uids_are_stable(world: World) -> None:
    secret = create(world)
    first, again = events_of(read(world, secret)), events_of(read(world, secret))
    days = sorted(e["start"].date() for e in first.values())  # type: ignore[attr-defined]
    assert days == [date(2026, 9, 9), date(2026, 9, 14)]
    uids = [e["uid"] for e in first.values()]
    assert len(set(uids)) == 2
    assert all(str(uid).endswith("-99001@portail-famille") for uid in uids)
    assert uids == [e["uid"] for e in again.values()]


def test_the_feed_names_no_family_and_holds_no_health_information(world: World) -> None:
    text = read(world, create(world)).decode().casefold()
    tom = world.family().children[1]
    assert tom.allergies
    assert tom.pai is not None
    for what in ("martin", "claire", "arachide", "trousse", "pai", "allerg", "santé", "12 rue"):
        assert what not in text, what  # ...the feed does not


def test_only_the_secrets_hash_is_stored_and_it_has_256_bits(world: World) -> None:
    secret = create(world)
    assert len(secret) >= 43  # token_urlsafe(32): 256 bits
    [feed] = world.store.committed(FeedState).feeds.values()
    assert feed.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in repr(world.store.states)


def test_revoked_or_replaced_answers_not_found_and_a_new_one_works(world: World) -> None:
    old = create(world)
    assert revoke_feed(world.uow(), world.clock, family_id=world.martin, actor=FAMILY)
    assert feed_of(world.uow(read_only=True), world.martin) is None
    with pytest.raises(NotFound):
        read(world, old)
    assert not revoke_feed(world.uow(), world.clock, family_id=world.martin, actor=FAMILY)
    first, second = create(world), create(world)
    with pytest.raises(NotFound):
        read(world, first)  # replaced
    assert len(events_of(read(world, second))) == 2
    actions = [
        (e.action, e.details.get("replaced"))
        for e in world.store.committed(AuditState).audit_events
        if e.action.startswith("feed.")
    ]
    assert actions == [
        ("feed.create", False),
        ("feed.revoke", None),
        ("feed.create", False),
        ("feed.create", True),
    ]
    events = world.store.committed(AuditState).audit_events
    assert all(second not in repr(e) and first not in repr(e) for e in events)


def test_another_familys_feed_never_shows_these_children(world: World) -> None:
    other = world.add_family()
    secret = create(world, other)
    assert events_of(read(world, secret)) == {}
    assert create(world) != secret


def test_unknown_secrets_are_counted_per_client_address(world: World) -> None:
    secret = create(world)
    for attempt in range(UNKNOWN_PER_HOUR):
        with pytest.raises(NotFound):
            read(world, f"devine-{attempt}")
    with pytest.raises(TooManyAttempts):
        read(world, secret)  # whatever it asks now: nothing tells a good guess
    assert len(events_of(read(world, secret, ip="198.51.100.9"))) == 2
    world.clock.set(SEPTEMBER_1.add(hours=1, minutes=1))
    assert len(events_of(read(world, secret))) == 2


def test_a_feed_answers_a_limited_number_of_reads_an_hour(world: World) -> None:
    secret = create(world)
    for _ in range(READS_PER_HOUR):
        read(world, secret)
    with pytest.raises(TooManyAttempts):
        read(world, secret)
    world.clock.set(SEPTEMBER_1.add(hours=1))
    read(world, secret)
    feed = feed_of(world.uow(read_only=True), world.martin)
    assert feed is not None
    assert feed.last_read_at == SEPTEMBER_1.add(hours=1)
    assert feed.reads_this_hour == 1


def test_a_secret_too_long_to_be_ours_is_unknown(world: World) -> None:
    create(world)
    with pytest.raises(NotFound):
        read(world, "x" * 5000)


def test_reads_are_counted_in_hour_windows() -> None:
    start = pendulum.datetime(2026, 9, 1, 8, 0, tz="UTC")
    _, feed = CalendarFeed.issue(1, start)
    for minute in range(READS_PER_HOUR):
        feed.record_read(start.add(minutes=minute % 59))
    with pytest.raises(TooManyAttempts) as refused:
        feed.record_read(start.add(minutes=59))
    assert refused.value.wait == pendulum.duration(minutes=1)
    feed.record_read(start.add(hours=1))
    assert feed.reads_this_hour == 1
