"""« Semaine type »: a weekly pattern books exactly the open days of its period that a day-by-day
booking would have accepted, on generated closures, places, earlier bookings and dates."""

from __future__ import annotations

from datetime import date, timedelta

import attrs
import pendulum
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from adapters.calendars import shipped_school_calendar
from adapters.clock import FixedClock
from adapters.memory.store import InMemoryStore
from adapters.memory.unit_of_work import InMemoryUnitOfWork
from portail_core.domain.bookings.pattern import PeriodEnd, WeeklyPattern, period_end
from portail_core.domain.bookings.planning import CellState
from portail_core.domain.bookings.reservation import Slot
from portail_core.domain.bookings.selection import Selection
from portail_core.domain.catalogue.establishments import Catalogue, Closure
from portail_core.domain.communes import SchoolZone
from portail_core.domain.shared.weekdays import Weekday
from portail_core.errors import InvalidInput
from portail_core.services.bookings.confirmation import confirm_planning
from portail_core.services.bookings.context import load_booker, load_planning
from portail_core.services.bookings.pattern import PatternRequest, validate_pattern
from portail_core.services.bookings.validation import validate_planning
from portail_core.services.catalogue.offer import load_catalogue
from portail_core.services.dossiers.creation import create_family
from tests.unit.dossier_builders import complete_family
from tests.unit.reservation_world import (
    DESK,
    FAMILY,
    NOW,
    World,
    demo_catalogue,
    sources,
    with_places,
)

UNITS = {"ALSH": ("JOURNEE", "MATIN", "APRES-MIDI"), "CANTINE-PLAGE": ("REPAS",)}
SCHOOL_DAYS = (Weekday.MONDAY, Weekday.TUESDAY, Weekday.WEDNESDAY, Weekday.THURSDAY, Weekday.FRIDAY)


def world_with(catalogue: Catalogue, now: pendulum.DateTime) -> World:
    store, clock = InMemoryStore(), FixedClock(now)
    details, _ = demo_catalogue()
    load_catalogue(InMemoryUnitOfWork(store), details, catalogue, actor=DESK, clock=clock)
    martin = create_family(InMemoryUnitOfWork(store), complete_family(), actor=DESK, clock=clock)
    return World(store, clock, sources(), martin)


def with_closures(catalogue: Catalogue, code: str, closures: list[Closure]) -> Catalogue:
    chosen = catalogue.establishment(code)
    assert chosen is not None
    changed = attrs.evolve(chosen, closures=tuple(closures))
    return Catalogue(
        catalogue.schools,
        tuple(changed if e.code == code else e for e in catalogue.establishments),
    )


@st.composite
def scenarios(draw: st.DrawFn) -> dict[str, object]:
    code = draw(st.sampled_from(sorted(UNITS)))
    units = {
        day: frozenset(draw(st.sets(st.sampled_from(UNITS[code]), max_size=2)))
        for day in SCHOOL_DAYS
    }
    if not any(units.values()):
        units[Weekday.WEDNESDAY if code == "ALSH" else Weekday.MONDAY] = frozenset({UNITS[code][0]})
    now = NOW + timedelta(days=draw(st.integers(0, 30)))  # the dossier stays complete
    first = now.date() + timedelta(days=draw(st.integers(0, 110)))  # summer, then school days
    last = first + timedelta(days=draw(st.integers(0, 45)))
    closures = [
        Closure(start, start + timedelta(days=draw(st.integers(0, 6))), "Fermeture")
        for start in draw(st.lists(st.dates(first, last), max_size=2))
    ]
    return {
        "code": code,
        "units": units,
        "first": first,
        "last": last,
        "closures": closures,
        "places": draw(st.integers(1, 2)),
        "earlier": draw(st.lists(st.dates(first, last), max_size=4)),  # incompatibility, capacity
        # the first days of the period may be past their deadline
        "now": now,
    }


def one_day(world: World, family: int, child: int, code: str, slots: set[Slot]) -> set[Slot]:
    """What a day-by-day booking of these cells (one day) would have accepted."""
    validation = validate_planning(
        world.uow(),
        world.sources,
        world.clock,
        family_id=family,
        child_id=child,
        establishment_code=code,
        selection=Selection(book=frozenset(slots)),
    )
    return {line.slot for line in validation.summary.additions}


def book_earlier(world: World, family: int, code: str, days: list[date]) -> None:
    """Earlier bookings: another family fills the places, Léa's own JOURNEE clashes with MATIN."""
    unit = UNITS[code][0]
    for day in days:
        for who in (family, world.martin) if code == "ALSH" else (family,):
            slot = Slot(day, unit)
            validation = validate_planning(
                world.uow(),
                world.sources,
                world.clock,
                family_id=who,
                child_id=world.child_id("Léa", who),
                establishment_code=code,
                selection=Selection(book=frozenset({slot})),
            )
            if validation.draft_token is not None:
                confirm_planning(
                    world.uow(),
                    world.sources,
                    world.clock,
                    family_id=who,
                    token=validation.draft_token,
                    actor=FAMILY,
                )


def pattern_additions(world: World, code: str, asked: PatternRequest) -> set[Slot]:
    """What the pattern's summary accepts (nothing when no open day is left to ask for)."""
    try:
        validation = validate_pattern(
            world.uow(),
            world.sources,
            world.clock,
            family_id=world.martin,
            child_id=world.child_id("Léa"),
            establishment_code=code,
            asked=asked,
        )
    except InvalidInput as error:
        if "Aucun jour ouvert" not in str(error):
            raise
        return set()
    return {line.slot for line in validation.summary.additions}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenario=scenarios())
def test_a_pattern_books_exactly_what_day_by_day_bookings_would_accept(
    scenario: dict[str, object],
) -> None:
    code = str(scenario["code"])
    catalogue = with_places(demo_catalogue()[1], "ALSH", "JOURNEE", int(str(scenario["places"])))
    catalogue = with_closures(catalogue, code, scenario["closures"])  # type: ignore[arg-type]
    world = world_with(catalogue, scenario["now"])  # type: ignore[arg-type]
    book_earlier(world, world.add_family(), code, scenario["earlier"])  # type: ignore[arg-type]
    units: dict[Weekday, frozenset[str]] = scenario["units"]  # type: ignore[assignment]
    first, last = scenario["first"], scenario["last"]
    assert isinstance(first, date)
    assert isinstance(last, date)
    child = world.child_id("Léa")
    today = world.clock.today()
    if last < today:
        return
    start = max(first, today)
    by_pattern = pattern_additions(world, code, PatternRequest(units, last, start))
    by_day: set[Slot] = set()
    for offset in range((last - start).days + 1):
        day = start + timedelta(days=offset)
        wanted = {Slot(day, unit) for unit in units.get(Weekday.of(day), frozenset())}
        if wanted:
            by_day |= one_day(world, world.martin, child, code, wanted)
    assert by_pattern == by_day
    with world.uow() as uow:  # every day booked is open
        booker = load_booker(uow, world.martin, child, code)
        planning = load_planning(uow, world.sources, booker, start, last, world.clock.now())
    assert all(planning.cells[slot].state is CellState.BOOKABLE for slot in by_pattern)


def test_the_end_of_the_term_and_of_the_school_year_come_from_the_zone_calendar() -> None:
    calendar = shipped_school_calendar()
    start = date(2026, 9, 14)
    assert period_end(PeriodEnd.TERM, start, calendar, SchoolZone.B) == date(2026, 10, 16)
    assert period_end(PeriodEnd.SCHOOL_YEAR, start, calendar, SchoolZone.B) == date(2027, 7, 2)
    summer = date(2026, 7, 20)  # in the summer holidays: the next school year
    assert period_end(PeriodEnd.SCHOOL_YEAR, summer, calendar, SchoolZone.B) == date(2027, 7, 2)


def test_a_pattern_without_any_unit_or_backwards_is_refused_in_french() -> None:
    with pytest.raises(InvalidInput, match="Cochez au moins une unité"):
        WeeklyPattern({Weekday.MONDAY: frozenset()}, date(2026, 9, 1), date(2026, 9, 30))
    with pytest.raises(InvalidInput, match="précède"):
        WeeklyPattern({Weekday.MONDAY: frozenset({"SOIR"})}, date(2026, 9, 30), date(2026, 9, 1))
    with pytest.raises(InvalidInput, match="Période trop longue"):
        WeeklyPattern({Weekday.MONDAY: frozenset({"SOIR"})}, date(2026, 9, 1), date(2027, 12, 1))
