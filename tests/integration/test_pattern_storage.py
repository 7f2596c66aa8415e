"""A « semaine type » of a school year through the real units of work (the in-memory twin,
SQLite, PostgreSQL): its draft holds the 139 days, confirming it writes them all in one
transaction, and confirming twice books once."""

from datetime import date

from portail_core.domain.bookings.pattern import PatternRequest, PeriodEnd
from portail_core.domain.bookings.reservation import ReservationStatus
from portail_core.domain.shared.weekdays import Weekday
from portail_core.services.bookings.pattern import validate_pattern
from tests.integration.conftest import UowFactory
from tests.integration.reservation_town import make_town

CANTEEN = "CANTINE-PLAGE"
FOUR_DAYS = (Weekday.MONDAY, Weekday.TUESDAY, Weekday.THURSDAY, Weekday.FRIDAY)


def test_a_school_year_pattern_is_drafted_and_confirmed_whole(new_uow: UowFactory) -> None:
    town = make_town(new_uow)
    family = town.add_family()
    child = town.child_id(family)
    asked = PatternRequest(
        {day: frozenset({"REPAS"}) for day in FOUR_DAYS}, PeriodEnd.SCHOOL_YEAR, date(2026, 9, 1)
    )
    validation = validate_pattern(
        town.uow(),
        town.sources,
        town.clock,
        family_id=family,
        child_id=child,
        establishment_code=CANTEEN,
        asked=asked,
    )
    assert validation.draft_token is not None
    assert len(validation.summary.additions) == 139
    assert validation.summary.refused == ()
    with town.uow(read_only=True) as uow:
        draft = uow.drafts.get(validation.draft_token)
    assert draft is not None
    assert draft.summary == validation.summary  # stored whole, read back the same
    assert len(draft.selection.book) == 139

    first = town.confirm(family, validation.draft_token)
    again = town.confirm(family, validation.draft_token)
    assert again.number == first.number
    assert len(first.summary.additions) == 139
    with town.uow(read_only=True) as uow:
        held = uow.reservations.of_child(child, CANTEEN, date(2026, 9, 1), date(2027, 7, 2))
    assert len([r for r in held if r.status is ReservationStatus.BOOKED]) == 139
    assert {r.confirmation for r in held} == {first.number}
