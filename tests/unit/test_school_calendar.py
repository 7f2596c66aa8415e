from datetime import date

import pytest

from adapters.calendars import shipped_school_calendar
from portail_core.domain.catalogue.school_calendar import SchoolCalendar, SchoolHoliday
from portail_core.domain.communes import SchoolZone

A, B, C = SchoolZone.A, SchoolZone.B, SchoolZone.C


def holiday(
    first_day: date,
    resume_day: date,
    *,
    zone: SchoolZone = A,
    year: str = "2026-2027",
    name: str = "Vacances d'hiver",
) -> SchoolHoliday:
    return SchoolHoliday(zone, year, name, first_day, resume_day)


WINTER_A = holiday(date(2027, 2, 13), date(2027, 3, 1))
SPRING_A = holiday(date(2027, 4, 10), date(2027, 4, 26), name="Vacances de printemps")
WINTER_B = holiday(date(2027, 2, 6), date(2027, 2, 22), zone=B)


@pytest.fixture
def calendar() -> SchoolCalendar:
    return SchoolCalendar((SPRING_A, WINTER_B, WINTER_A))


# ---------------------------------------------------------------- a holiday


def test_a_holiday_covers_its_first_day_but_not_the_day_classes_resume() -> None:
    assert WINTER_A.covers(date(2027, 2, 13))
    assert WINTER_A.covers(date(2027, 2, 28))
    assert not WINTER_A.covers(date(2027, 3, 1))
    assert not WINTER_A.covers(date(2027, 2, 12))


def test_a_holiday_ending_before_it_starts_is_refused() -> None:
    with pytest.raises(ValueError, match=r"^Vacances d'hiver: the holiday ends before it starts$"):
        holiday(date(2027, 3, 1), date(2027, 2, 13))


def test_a_holiday_resuming_the_day_it_starts_is_refused() -> None:
    with pytest.raises(ValueError, match="the holiday ends before it starts"):
        holiday(date(2027, 2, 13), date(2027, 2, 13))


def test_a_one_day_holiday_is_accepted() -> None:
    bridge = holiday(date(2027, 5, 7), date(2027, 5, 8), name="Pont de l'Ascension")
    assert bridge.covers(date(2027, 5, 7))
    assert not bridge.covers(date(2027, 5, 8))


# ---------------------------------------------------------------- holiday_on


def test_holiday_on_finds_the_holiday_from_its_first_day(calendar: SchoolCalendar) -> None:
    assert calendar.holiday_on(A, date(2027, 2, 13)) == WINTER_A


def test_holiday_on_finds_the_holiday_until_the_eve_of_the_resume_day(
    calendar: SchoolCalendar,
) -> None:
    assert calendar.holiday_on(A, date(2027, 2, 28)) == WINTER_A


def test_holiday_on_the_resume_day_is_none(calendar: SchoolCalendar) -> None:
    assert calendar.holiday_on(A, date(2027, 3, 1)) is None


def test_holiday_on_the_eve_of_the_first_day_is_none(calendar: SchoolCalendar) -> None:
    assert calendar.holiday_on(A, date(2027, 2, 12)) is None


def test_holiday_on_looks_only_at_the_given_zone(calendar: SchoolCalendar) -> None:
    # 8 February 2027: zone B is on holiday, zone A is not, zone C has no data at all
    assert calendar.holiday_on(B, date(2027, 2, 8)) == WINTER_B
    assert calendar.holiday_on(A, date(2027, 2, 8)) is None
    assert calendar.holiday_on(C, date(2027, 2, 8)) is None


def test_holidays_are_kept_sorted_by_zone_then_first_day(calendar: SchoolCalendar) -> None:
    assert calendar.holidays == (WINTER_A, SPRING_A, WINTER_B)
    assert calendar.of_zone(A) == (WINTER_A, SPRING_A)
    assert calendar.of_zone(C) == ()


# ---------------------------------------------------------------- knows


def test_knows_from_the_first_day_of_the_zone_s_first_holiday(calendar: SchoolCalendar) -> None:
    assert calendar.knows(A, date(2027, 2, 13))
    assert not calendar.knows(A, date(2027, 2, 12))


def test_knows_the_school_period_between_two_holidays(calendar: SchoolCalendar) -> None:
    assert calendar.knows(A, date(2027, 3, 15))


def test_knows_until_the_day_classes_resume_after_the_last_holiday(
    calendar: SchoolCalendar,
) -> None:
    assert calendar.knows(A, date(2027, 4, 26))
    assert not calendar.knows(A, date(2027, 4, 27))


def test_knows_nothing_of_a_zone_without_holidays(calendar: SchoolCalendar) -> None:
    assert not calendar.knows(C, date(2027, 3, 15))
    assert not SchoolCalendar().knows(A, date(2027, 3, 15))


def test_knows_uses_each_zone_s_own_range(calendar: SchoolCalendar) -> None:
    # zone B's only holiday ends with classes resuming on 22 February; zone A's on 26 April
    assert calendar.knows(B, date(2027, 2, 22))
    assert not calendar.knows(B, date(2027, 2, 23))
    assert not calendar.knows(B, date(2027, 3, 15))


# ---------------------------------------------------------------- school_years


def test_school_years_are_distinct_and_sorted() -> None:
    calendar = SchoolCalendar(
        (
            holiday(date(2027, 10, 23), date(2027, 11, 8), year="2027-2028"),
            WINTER_A,
            SPRING_A,
            holiday(date(2025, 10, 18), date(2025, 11, 3), year="2025-2026"),
        )
    )
    assert calendar.school_years(A) == ["2025-2026", "2026-2027", "2027-2028"]
    assert calendar.school_years(C) == []


# ---------------------------------------------------------------- overlaid_with


def test_a_newer_calendar_replaces_every_holiday_of_the_years_it_describes() -> None:
    older = SchoolCalendar(
        (
            holiday(date(2026, 10, 17), date(2026, 11, 2), name="Vacances de la Toussaint"),
            WINTER_A,
            SPRING_A,
        )
    )
    moved_winter = holiday(date(2027, 2, 20), date(2027, 3, 8))
    merged = older.overlaid_with(SchoolCalendar((moved_winter,)))
    # Toussaint and spring of 2026-2027 zone A are gone too: the newer file holds the whole year
    assert merged.holidays == (moved_winter,)


def test_a_newer_calendar_keeps_other_years_and_other_zones() -> None:
    autumn_2025 = holiday(
        date(2025, 10, 18), date(2025, 11, 3), year="2025-2026", name="Vacances de la Toussaint"
    )
    older = SchoolCalendar((autumn_2025, WINTER_A, WINTER_B))
    moved_winter = holiday(date(2027, 2, 20), date(2027, 3, 8))
    merged = older.overlaid_with(SchoolCalendar((moved_winter,)))
    assert merged.holidays == (autumn_2025, moved_winter, WINTER_B)
    assert merged.holiday_on(A, date(2027, 2, 15)) is None
    assert merged.holiday_on(A, date(2027, 3, 5)) == moved_winter
    assert merged.holiday_on(B, date(2027, 2, 8)) == WINTER_B


def test_a_newer_calendar_adds_years_the_older_did_not_have(calendar: SchoolCalendar) -> None:
    next_year = holiday(
        date(2027, 10, 23), date(2027, 11, 8), year="2027-2028", name="Vacances de la Toussaint"
    )
    merged = calendar.overlaid_with(SchoolCalendar((next_year,)))
    assert merged.holidays == (WINTER_A, SPRING_A, next_year, WINTER_B)
    assert merged.knows(A, date(2027, 11, 8))
    assert not merged.knows(A, date(2027, 11, 9))


def test_an_empty_newer_calendar_changes_nothing(calendar: SchoolCalendar) -> None:
    assert calendar.overlaid_with(SchoolCalendar()) == calendar


# ---------------------------------------------------------------- the shipped calendar


def test_the_shipped_calendar_has_zone_a_winter_holidays_2027_until_classes_resume() -> None:
    shipped = shipped_school_calendar()
    winter = shipped.holiday_on(A, date(2027, 2, 13))
    assert winter == SchoolHoliday(
        A, "2026-2027", "Vacances d'hiver", date(2027, 2, 13), date(2027, 3, 1)
    )
    assert shipped.holiday_on(A, date(2027, 3, 1)) is None


def test_the_shipped_calendar_covers_summer_2025_to_summer_2028_for_every_zone() -> None:
    shipped = shipped_school_calendar()
    for zone in (A, B, C):
        assert shipped.school_years(zone) == ["2024-2025", "2025-2026", "2026-2027", "2027-2028"]
        assert not shipped.knows(zone, date(2025, 7, 4))
        assert shipped.knows(zone, date(2025, 7, 5))
        assert shipped.knows(zone, date(2028, 9, 1))
        assert not shipped.knows(zone, date(2028, 9, 2))
