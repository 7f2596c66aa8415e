"""Booking and cancellation deadlines, and booking windows, on the Europe/Paris wall clock.

Examples come from French towns' regulations ("J-2 hors week-end à 12h", "jeudi 12h de la
semaine précédente", "le 15 du mois précédent"). Instants are compared in UTC whenever the
wall clock could be ambiguous: two datetimes sharing the same tzinfo compare by wall clock only
(PEP 495), which hides the autumn repeated hour.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable
from datetime import date, time, timedelta

import attrs
import pendulum
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from portail_core.domain.bookings.rules import (
    BookingRules,
    BookingWindow,
    DayOfPreviousMonth,
    DaysBefore,
    Deadline,
    DeadlineOverride,
    DeadlineSchedule,
    FixedDate,
    IsPublicHoliday,
    NoDeadline,
    WeekdayOfEarlierWeek,
)
from portail_core.domain.shared.weekdays import Weekday

NOON = time(12)

# French public holidays of 2027 (Pâques is on 28 March 2027).
HOLIDAYS_2027 = frozenset(
    {
        date(2027, 1, 1),  # Jour de l'an
        date(2027, 3, 29),  # Lundi de Pâques
        date(2027, 5, 1),  # Fête du travail (a Saturday)
        date(2027, 5, 6),  # Ascension
        date(2027, 5, 8),  # Victoire 1945 (a Saturday)
        date(2027, 5, 17),  # Lundi de Pentecôte
        date(2027, 7, 14),  # Fête nationale
        date(2027, 8, 15),  # Assomption (a Sunday)
        date(2027, 11, 1),  # Toussaint
        date(2027, 11, 11),  # Armistice
        date(2027, 12, 25),  # Noël (a Saturday)
    }
)

_EASTER_SUNDAYS = (
    date(2024, 3, 31),
    date(2025, 4, 20),
    date(2026, 4, 5),
    date(2027, 3, 28),
    date(2028, 4, 16),
    date(2029, 4, 1),
)

# Every French public holiday from 2024 to 2029, for the properties.
FRENCH_HOLIDAYS = frozenset(
    {
        date(year, month, day)
        for year in range(2024, 2030)
        for month, day in ((1, 1), (5, 1), (5, 8), (7, 14), (8, 15), (11, 1), (11, 11), (12, 25))
    }
    | {easter + timedelta(days=shift) for easter in _EASTER_SUNDAYS for shift in (1, 39, 50)}
)


def is_holiday_2027(day: date) -> bool:
    return day in HOLIDAYS_2027


def is_french_holiday(day: date) -> bool:
    return day in FRENCH_HOLIDAYS


def no_public_holiday(_: date) -> bool:
    return False


def paris(day: date, hour: int = 0, minute: int = 0) -> pendulum.DateTime:
    return pendulum.datetime(day.year, day.month, day.day, hour, minute, tz="Europe/Paris")


def deadline(
    rule: Deadline,
    slot_start: pendulum.DateTime,
    is_public_holiday: IsPublicHoliday = is_holiday_2027,
) -> pendulum.DateTime:
    return DeadlineSchedule(rule).deadline_for(slot_start, is_public_holiday)


def utc(instant: pendulum.DateTime) -> pendulum.DateTime:
    """The instant in UTC, so that comparisons are by instant and never by wall clock."""
    return instant.in_timezone("UTC")


def last_sunday(year: int, month: int) -> date:
    last = date(year, month, calendar.monthrange(year, month)[1])
    return last - timedelta(days=last.isoweekday() % 7)


def iso_monday(day: date) -> date:
    return day - timedelta(days=day.isoweekday() - 1)


# ---------------------------------------------------------------- J-n, counted in days


def test_j_minus_2_excluding_weekends_for_a_monday_is_the_previous_thursday_noon() -> None:
    rule = DaysBefore(2, NOON, skip_weekends=True)
    monday = pendulum.datetime(2027, 3, 8, 8, 30, tz="Europe/Paris")

    assert deadline(rule, monday) == pendulum.datetime(2027, 3, 4, 12, tz="Europe/Paris")


def test_j_minus_2_excluding_weekends_for_a_wednesday_is_monday_noon() -> None:
    rule = DaysBefore(2, NOON, skip_weekends=True)
    wednesday = pendulum.datetime(2027, 3, 10, 11, 45, tz="Europe/Paris")

    assert deadline(rule, wednesday) == pendulum.datetime(2027, 3, 8, 12, tz="Europe/Paris")


def test_j_minus_2_counting_weekends_for_a_monday_is_the_saturday_noon() -> None:
    rule = DaysBefore(2, NOON)
    monday = pendulum.datetime(2027, 3, 8, 8, 30, tz="Europe/Paris")

    assert deadline(rule, monday) == pendulum.datetime(2027, 3, 6, 12, tz="Europe/Paris")


@pytest.mark.parametrize(
    ("slot_day", "expected_day"),
    [
        (date(2027, 3, 8), date(2027, 3, 4)),  # lundi -> jeudi précédent
        (date(2027, 3, 9), date(2027, 3, 5)),  # mardi -> vendredi précédent
        (date(2027, 3, 10), date(2027, 3, 8)),  # mercredi -> lundi
        (date(2027, 3, 11), date(2027, 3, 9)),  # jeudi -> mardi
        (date(2027, 3, 12), date(2027, 3, 10)),  # vendredi -> mercredi
        (date(2027, 3, 13), date(2027, 3, 11)),  # samedi -> jeudi
        (date(2027, 3, 14), date(2027, 3, 11)),  # dimanche -> jeudi
    ],
)
def test_j_minus_2_excluding_weekends_over_a_whole_week(slot_day: date, expected_day: date) -> None:
    rule = DaysBefore(2, NOON, skip_weekends=True)
    slot = paris(slot_day, 9)

    assert deadline(rule, slot) == paris(expected_day, 12)


@pytest.mark.parametrize(
    ("days", "skip_weekends", "at", "slot_day", "with_holidays", "without_holidays"),
    [
        # Pont de l'Ascension: jeudi 6 mai 2027 férié, samedi 8 mai férié et week-end.
        (2, True, NOON, date(2027, 5, 10), date(2027, 5, 5), date(2027, 5, 6)),
        (1, False, NOON, date(2027, 5, 7), date(2027, 5, 5), date(2027, 5, 6)),
        # Lundi de Pâques 29 mars 2027: the deadline goes back to the Friday before.
        (1, True, time(18), date(2027, 3, 30), date(2027, 3, 26), date(2027, 3, 29)),
        # Lundi de Pentecôte 17 mai 2027.
        (1, True, NOON, date(2027, 5, 18), date(2027, 5, 14), date(2027, 5, 17)),
        # 14 juillet 2027 is a Wednesday.
        (1, True, NOON, date(2027, 7, 15), date(2027, 7, 13), date(2027, 7, 14)),
        # 11 novembre 2027 is a Thursday.
        (1, True, time(9, 30), date(2027, 11, 12), date(2027, 11, 10), date(2027, 11, 11)),
        # Noël 2027 is a Saturday: only the holiday flag skips it when weekends count.
        (1, False, NOON, date(2027, 12, 26), date(2027, 12, 24), date(2027, 12, 25)),
        # 1er janvier 2027 is a Friday: J-2 hors week-ends et fériés for Tuesday 5 January.
        (2, True, NOON, date(2027, 1, 5), date(2026, 12, 31), date(2027, 1, 1)),
    ],
)
def test_public_holidays_are_skipped_only_when_the_rule_says_so(
    days: int,
    skip_weekends: bool,
    at: time,
    slot_day: date,
    with_holidays: date,
    without_holidays: date,
) -> None:
    slot = paris(slot_day, 16)
    skipping = DaysBefore(days, at, skip_weekends=skip_weekends, skip_public_holidays=True)
    counting = DaysBefore(days, at, skip_weekends=skip_weekends, skip_public_holidays=False)

    assert deadline(skipping, slot) == paris(with_holidays, at.hour, at.minute)
    assert deadline(counting, slot) == paris(without_holidays, at.hour, at.minute)


def test_a_holiday_falling_on_a_weekend_is_not_skipped_twice() -> None:
    # Mon 10 May 2027, J-3: Sun 9 and Sat 8 (week-end and férié) skipped, Fri 7 (1),
    # Thu 6 Ascension skipped, Wed 5 (2), Tue 4 (3).
    rule = DaysBefore(3, NOON, skip_weekends=True, skip_public_holidays=True)
    slot = pendulum.datetime(2027, 5, 10, 8, tz="Europe/Paris")

    assert deadline(rule, slot) == pendulum.datetime(2027, 5, 4, 12, tz="Europe/Paris")


def test_the_holiday_calendar_is_ignored_when_holidays_are_not_skipped() -> None:
    def every_day_is_a_holiday(_: date) -> bool:
        return True

    rule = DaysBefore(2, NOON, skip_weekends=True)
    slot = pendulum.datetime(2027, 3, 10, 8, tz="Europe/Paris")

    assert deadline(rule, slot, every_day_is_a_holiday) == pendulum.datetime(
        2027, 3, 8, 12, tz="Europe/Paris"
    )


def test_j_minus_1_at_half_past_six_keeps_the_minutes() -> None:
    rule = DaysBefore(1, time(18, 30))
    slot = pendulum.datetime(2027, 9, 2, 7, 30, tz="Europe/Paris")

    assert deadline(rule, slot) == pendulum.datetime(2027, 9, 1, 18, 30, tz="Europe/Paris")


def test_j_minus_0_is_the_slot_day_itself_even_on_a_saturday_with_weekends_skipped() -> None:
    rule = DaysBefore(0, time(8), skip_weekends=True, skip_public_holidays=True)
    saturday = pendulum.datetime(2027, 3, 13, 10, tz="Europe/Paris")

    assert deadline(rule, saturday) == pendulum.datetime(2027, 3, 13, 8, tz="Europe/Paris")


def test_j_minus_0_at_23_59_for_a_7_30_slot_is_clamped_to_the_slot_start() -> None:
    rule = DaysBefore(0, time(23, 59))
    slot = pendulum.datetime(2027, 3, 10, 7, 30, tz="Europe/Paris")

    assert deadline(rule, slot) == slot


# ---------------------------------------------------------------- WeekdayOfEarlierWeek


@pytest.mark.parametrize("slot_day", [date(2027, 3, day) for day in range(8, 15)])
def test_thursday_noon_of_the_previous_week_is_the_same_for_every_day_of_a_week(
    slot_day: date,
) -> None:
    rule = WeekdayOfEarlierWeek(1, Weekday.THURSDAY, NOON)
    slot = paris(slot_day, 8)

    assert deadline(rule, slot) == pendulum.datetime(2027, 3, 4, 12, tz="Europe/Paris")


@pytest.mark.parametrize("slot_day", [date(2027, 3, day) for day in range(8, 13)])
def test_thursday_noon_of_week_s_minus_2_is_two_weeks_back(slot_day: date) -> None:
    rule = WeekdayOfEarlierWeek(2, Weekday.THURSDAY, NOON)
    slot = paris(slot_day, 8)

    assert deadline(rule, slot) == pendulum.datetime(2027, 2, 25, 12, tz="Europe/Paris")


@pytest.mark.parametrize(
    ("weekday", "expected_day"),
    [
        (Weekday.MONDAY, date(2027, 3, 1)),
        (Weekday.WEDNESDAY, date(2027, 3, 3)),
        (Weekday.FRIDAY, date(2027, 3, 5)),
        (Weekday.SUNDAY, date(2027, 3, 7)),
    ],
)
def test_any_weekday_of_the_previous_iso_week_can_be_the_deadline(
    weekday: Weekday, expected_day: date
) -> None:
    rule = WeekdayOfEarlierWeek(1, weekday, time(18))
    wednesday = pendulum.datetime(2027, 3, 10, 8, tz="Europe/Paris")

    assert deadline(rule, wednesday) == paris(expected_day, 18)


@pytest.mark.parametrize(
    ("slot_day", "expected_day"),
    [
        (date(2027, 1, 1), date(2026, 12, 24)),  # Friday of ISO week 2026-W53
        (date(2027, 1, 3), date(2026, 12, 24)),  # Sunday of the same week
        (date(2027, 1, 4), date(2026, 12, 31)),  # Monday of 2027-W01
        (date(2028, 1, 3), date(2027, 12, 30)),  # Monday of 2028-W01
    ],
)
def test_thursday_of_the_previous_week_crosses_the_new_year(
    slot_day: date, expected_day: date
) -> None:
    rule = WeekdayOfEarlierWeek(1, Weekday.THURSDAY, NOON)
    slot = paris(slot_day, 8)

    assert deadline(rule, slot) == paris(expected_day, 12)


def test_a_weekday_of_the_same_week_after_the_slot_is_clamped_to_the_slot_start() -> None:
    rule = WeekdayOfEarlierWeek(0, Weekday.FRIDAY, NOON)
    wednesday = pendulum.datetime(2027, 3, 10, 9, tz="Europe/Paris")
    saturday = pendulum.datetime(2027, 3, 13, 9, tz="Europe/Paris")

    assert deadline(rule, wednesday) == wednesday
    assert deadline(rule, saturday) == pendulum.datetime(2027, 3, 12, 12, tz="Europe/Paris")


# ---------------------------------------------------------------- DayOfPreviousMonth


@pytest.mark.parametrize("slot_day", [date(2027, 3, 1), date(2027, 3, 3), date(2027, 3, 31)])
def test_the_15th_of_the_previous_month_at_noon(slot_day: date) -> None:
    rule = DayOfPreviousMonth(15, NOON)
    slot = paris(slot_day, 8)

    assert deadline(rule, slot) == pendulum.datetime(2027, 2, 15, 12, tz="Europe/Paris")


@pytest.mark.parametrize(
    ("day", "slot_day", "expected_day"),
    [
        (31, date(2027, 3, 3), date(2027, 2, 28)),
        (29, date(2027, 3, 3), date(2027, 2, 28)),
        (31, date(2028, 3, 3), date(2028, 2, 29)),  # 2028 is a leap year
        (30, date(2100, 3, 3), date(2100, 2, 28)),  # 2100 is not
        (31, date(2027, 5, 20), date(2027, 4, 30)),
        (31, date(2027, 7, 1), date(2027, 6, 30)),
        (31, date(2027, 8, 31), date(2027, 7, 31)),
    ],
)
def test_a_day_past_the_end_of_the_previous_month_is_its_last_day(
    day: int, slot_day: date, expected_day: date
) -> None:
    rule = DayOfPreviousMonth(day, NOON)
    slot = paris(slot_day, 8)

    assert deadline(rule, slot) == paris(expected_day, 12)


def test_the_15th_of_the_previous_month_for_a_january_slot_is_in_december() -> None:
    rule = DayOfPreviousMonth(15, NOON)
    slot = pendulum.datetime(2027, 1, 20, 8, tz="Europe/Paris")

    assert deadline(rule, slot) == pendulum.datetime(2026, 12, 15, 12, tz="Europe/Paris")


# ---------------------------------------------------------------- FixedDate and NoDeadline


@pytest.mark.parametrize("slot_day", [date(2027, 7, 7), date(2027, 8, 2), date(2027, 8, 31)])
def test_a_fixed_date_is_the_same_deadline_for_every_slot(slot_day: date) -> None:
    rule = FixedDate(pendulum.datetime(2027, 6, 20, 12, tz="Europe/Paris"))
    slot = paris(slot_day, 8)

    assert deadline(rule, slot) == pendulum.datetime(2027, 6, 20, 12, tz="Europe/Paris")


def test_a_fixed_date_given_in_utc_is_kept_as_the_same_instant_in_paris() -> None:
    rule = FixedDate(pendulum.datetime(2027, 6, 20, 10, tz="UTC"))

    assert rule.at == pendulum.datetime(2027, 6, 20, 12, tz="Europe/Paris")
    assert rule.at.timezone_name == "Europe/Paris"


def test_a_fixed_date_refuses_a_naive_datetime() -> None:
    with pytest.raises(ValueError, match="naive"):
        FixedDate(pendulum.naive(2027, 6, 20, 12))


def test_a_fixed_date_after_the_slot_is_clamped_to_the_slot_start() -> None:
    rule = FixedDate(pendulum.datetime(2027, 6, 20, 12, tz="Europe/Paris"))
    slot = pendulum.datetime(2027, 6, 18, 8, tz="Europe/Paris")

    assert deadline(rule, slot) == slot


def test_no_deadline_means_until_the_slot_starts() -> None:
    slot = pendulum.datetime(2027, 3, 10, 7, 30, tz="Europe/Paris")

    assert NoDeadline().moment(slot.date(), is_holiday_2027) is None
    assert deadline(NoDeadline(), slot) == slot


# ---------------------------------------------------------------- DeadlineSchedule

SCHOOL_YEAR = DaysBefore(2, NOON, skip_weekends=True)
SUMMER = FixedDate(pendulum.datetime(2027, 6, 20, 12, tz="Europe/Paris"))
SUMMER_OVERRIDE = DeadlineOverride(date(2027, 7, 7), date(2027, 8, 31), SUMMER)


@pytest.mark.parametrize(
    ("slot_day", "expected_rule"),
    [
        (date(2027, 7, 6), SCHOOL_YEAR),
        (date(2027, 7, 7), SUMMER),
        (date(2027, 8, 1), SUMMER),
        (date(2027, 8, 31), SUMMER),
        (date(2027, 9, 1), SCHOOL_YEAR),
    ],
)
def test_an_override_applies_between_its_two_dates_inclusive(
    slot_day: date, expected_rule: Deadline
) -> None:
    schedule = DeadlineSchedule(SCHOOL_YEAR, (SUMMER_OVERRIDE,))

    assert schedule.rule_for(slot_day) == expected_rule


def test_a_schedule_gives_the_override_deadline_inside_and_the_default_outside() -> None:
    schedule = DeadlineSchedule(SCHOOL_YEAR, (SUMMER_OVERRIDE,))
    summer_slot = pendulum.datetime(2027, 7, 15, 8, tz="Europe/Paris")
    september_slot = pendulum.datetime(2027, 9, 6, 8, tz="Europe/Paris")  # a Monday

    assert schedule.deadline_for(summer_slot, is_holiday_2027) == pendulum.datetime(
        2027, 6, 20, 12, tz="Europe/Paris"
    )
    assert schedule.deadline_for(september_slot, is_holiday_2027) == pendulum.datetime(
        2027, 9, 2, 12, tz="Europe/Paris"
    )


def test_the_first_matching_override_wins() -> None:
    week_of_14_july = DeadlineOverride(date(2027, 7, 12), date(2027, 7, 16), NoDeadline())
    schedule = DeadlineSchedule(SCHOOL_YEAR, (week_of_14_july, SUMMER_OVERRIDE))
    slot = pendulum.datetime(2027, 7, 13, 8, tz="Europe/Paris")

    assert schedule.deadline_for(slot, is_holiday_2027) == slot
    assert schedule.rule_for(date(2027, 7, 19)) == SUMMER


def test_a_slot_start_given_in_utc_is_ruled_by_its_paris_date() -> None:
    # Monday 4 January 2027 23:30 UTC is Tuesday 5 January 00:30 in Paris.
    slot = pendulum.datetime(2027, 1, 4, 23, 30, tz="UTC")

    result = deadline(SCHOOL_YEAR, slot, no_public_holiday)

    assert result == pendulum.datetime(2027, 1, 1, 12, tz="Europe/Paris")
    assert result.timezone_name == "Europe/Paris"


def test_an_override_is_chosen_by_the_paris_date_of_a_utc_slot_start() -> None:
    schedule = DeadlineSchedule(SCHOOL_YEAR, (SUMMER_OVERRIDE,))
    # 6 July 2027 23:30 UTC is 7 July 01:30 in Paris: the first summer day.
    slot = pendulum.datetime(2027, 7, 6, 23, 30, tz="UTC")

    assert schedule.deadline_for(slot, is_holiday_2027) == pendulum.datetime(
        2027, 6, 20, 12, tz="Europe/Paris"
    )


def test_a_naive_slot_start_is_refused() -> None:
    with pytest.raises(ValueError, match="naive"):
        deadline(SCHOOL_YEAR, pendulum.naive(2027, 3, 10, 8))


# ---------------------------------------------------------------- daylight saving time


@pytest.mark.parametrize(
    ("rule", "slot_day", "expected", "offset_hours"),
    [
        # Sunday 29 March 2026: 02:00 CET -> 03:00 CEST.
        (DaysBefore(1, time(1, 30)), date(2026, 3, 30), (2026, 3, 29, 1, 30), 1),
        (DaysBefore(1, NOON), date(2026, 3, 30), (2026, 3, 29, 12, 0), 2),
        (DaysBefore(2, NOON), date(2026, 3, 30), (2026, 3, 28, 12, 0), 1),
        (DaysBefore(1, time(3)), date(2026, 3, 30), (2026, 3, 29, 3, 0), 2),
        # Sunday 25 October 2026: 03:00 CEST -> 02:00 CET.
        (DaysBefore(1, time(1, 30)), date(2026, 10, 26), (2026, 10, 25, 1, 30), 2),
        (DaysBefore(1, NOON), date(2026, 10, 26), (2026, 10, 25, 12, 0), 1),
        (DaysBefore(2, NOON), date(2026, 10, 26), (2026, 10, 24, 12, 0), 2),
        (DaysBefore(1, time(3)), date(2026, 10, 26), (2026, 10, 25, 3, 0), 1),
        # Sunday 28 March 2027.
        (
            WeekdayOfEarlierWeek(1, Weekday.SUNDAY, time(18)),
            date(2027, 4, 1),
            (2027, 3, 28, 18, 0),
            2,
        ),
        (DayOfPreviousMonth(28, time(8)), date(2027, 4, 12), (2027, 3, 28, 8, 0), 2),
        (DayOfPreviousMonth(28, time(0)), date(2027, 4, 12), (2027, 3, 28, 0, 0), 1),
        # Sunday 31 October 2027.
        (DayOfPreviousMonth(31, NOON), date(2027, 11, 5), (2027, 10, 31, 12, 0), 1),
        (
            WeekdayOfEarlierWeek(2, Weekday.SUNDAY, time(1)),
            date(2027, 11, 10),
            (2027, 10, 31, 1, 0),
            2,
        ),
        (DaysBefore(1, time(23, 59)), date(2027, 11, 1), (2027, 10, 31, 23, 59), 1),
    ],
)
def test_deadlines_on_a_clock_change_day_keep_the_wall_clock_hour_and_the_right_offset(
    rule: Deadline,
    slot_day: date,
    expected: tuple[int, int, int, int, int],
    offset_hours: int,
) -> None:
    slot = paris(slot_day, 12)

    result = deadline(rule, slot, no_public_holiday)

    assert result == pendulum.datetime(*expected, tz="Europe/Paris")
    assert (result.year, result.month, result.day, result.hour, result.minute) == expected
    assert result.utcoffset() == timedelta(hours=offset_hours)
    year, month, day, hour, minute = expected
    assert utc(result) == pendulum.datetime(year, month, day, hour, minute, tz="UTC") - timedelta(
        hours=offset_hours
    )


def test_a_deadline_in_the_skipped_spring_hour_moves_forward_to_3_30_summer_time() -> None:
    rule = DaysBefore(1, time(2, 30))
    slot = pendulum.datetime(2026, 3, 30, 8, tz="Europe/Paris")

    result = deadline(rule, slot, no_public_holiday)

    assert (result.day, result.hour, result.minute) == (29, 3, 30)
    assert utc(result) == pendulum.datetime(2026, 3, 29, 1, 30, tz="UTC")


def test_a_deadline_in_the_repeated_autumn_hour_keeps_its_wall_clock_time() -> None:
    rule = DaysBefore(1, time(2, 30))
    slot = pendulum.datetime(2026, 10, 26, 8, tz="Europe/Paris")

    result = deadline(rule, slot, no_public_holiday)

    assert (result.month, result.day, result.hour, result.minute) == (10, 25, 2, 30)
    # The wall-clock time happens twice; the deadline is the later one (winter time), which
    # gives families the longer delay.
    assert utc(result) == pendulum.datetime(2026, 10, 25, 1, 30, tz="UTC")
    assert result.offset_hours == 1


def test_a_same_day_deadline_in_the_repeated_autumn_hour_is_never_after_the_slot_start() -> None:
    # The slot starts at the first 02:45 (summer time, 00:45 UTC) of 25 October 2026.
    # "J-0 à 2h30" must give 02:30 summer time (00:30 UTC) or the slot start, never later.
    slot = pendulum.datetime(2026, 10, 25, 0, 45, tz="UTC").in_timezone("Europe/Paris")

    result = deadline(DaysBefore(0, time(2, 30)), slot, no_public_holiday)

    assert utc(result) <= utc(slot)


def test_a_fixed_date_after_the_slot_in_the_repeated_autumn_hour_is_clamped() -> None:
    # The fixed date is the second 02:30 (01:30 UTC), the slot the first 02:45 (00:45 UTC).
    rule = FixedDate(pendulum.datetime(2026, 10, 25, 1, 30, tz="UTC"))
    slot = pendulum.datetime(2026, 10, 25, 0, 45, tz="UTC").in_timezone("Europe/Paris")

    result = deadline(rule, slot, no_public_holiday)

    assert utc(result) == pendulum.datetime(2026, 10, 25, 0, 45, tz="UTC")


# ---------------------------------------------------------------- French text and validation


@pytest.mark.parametrize(
    ("rule", "text"),
    [
        (DaysBefore(2, NOON, skip_weekends=True), "J-2 (hors week-ends) à 12h"),
        (
            DaysBefore(2, NOON, skip_weekends=True, skip_public_holidays=True),
            "J-2 (hors week-ends et jours fériés) à 12h",
        ),
        (DaysBefore(1, time(18, 30), skip_public_holidays=True), "J-1 (hors jours fériés) à 18h30"),
        (DaysBefore(0, time(23, 59)), "J-0 à 23h59"),
        (DaysBefore(7, time(9, 5)), "J-7 à 9h05"),
        (DaysBefore(3, time(0)), "J-3 à 0h"),
        (WeekdayOfEarlierWeek(1, Weekday.THURSDAY, NOON), "jeudi 12h de la semaine précédente"),
        (WeekdayOfEarlierWeek(2, Weekday.WEDNESDAY, time(18)), "mercredi 18h de la semaine S-2"),
        (WeekdayOfEarlierWeek(0, Weekday.MONDAY, time(9, 30)), "lundi 9h30 de la même semaine"),
        (DayOfPreviousMonth(15, NOON), "le 15 du mois précédent à 12h"),
        (DayOfPreviousMonth(25, time(17, 45)), "le 25 du mois précédent à 17h45"),
        (DayOfPreviousMonth(1, NOON), "le 1er du mois précédent à 12h"),
        (FixedDate(pendulum.datetime(2027, 6, 1, 8, tz="Europe/Paris")), "le 1er juin 2027 à 8h"),
        (
            FixedDate(pendulum.datetime(2027, 6, 20, 12, tz="Europe/Paris")),
            "le 20 juin 2027 à 12h",
        ),
        (FixedDate(pendulum.datetime(2027, 8, 16, 7, 5, tz="UTC")), "le 16 août 2027 à 9h05"),
        (NoDeadline(), "jusqu'au début du créneau"),
    ],
)
def test_each_rule_describes_itself_in_french(rule: Deadline, text: str) -> None:
    assert rule.describe() == text


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: DaysBefore(-1, NOON), r"^doit être compris entre 0 et 366 jours$"),
        (lambda: DaysBefore(367, NOON), r"^doit être compris entre 0 et 366 jours$"),
        (
            lambda: DaysBefore(-30, NOON, skip_weekends=True),
            r"^doit être compris entre 0 et 366 jours$",
        ),
        (
            lambda: WeekdayOfEarlierWeek(-1, Weekday.THURSDAY, NOON),
            r"^doit être compris entre 0 et 52 semaines$",
        ),
        (
            lambda: WeekdayOfEarlierWeek(53, Weekday.THURSDAY, NOON),
            r"^doit être compris entre 0 et 52 semaines$",
        ),
    ],
)
def test_counts_of_days_or_weeks_out_of_range_are_refused_in_french(
    build: Callable[[], object], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        build()


@pytest.mark.parametrize("day", [-1, 0, 32, 45])
def test_a_day_of_month_outside_1_to_31_is_refused_in_french(day: int) -> None:
    with pytest.raises(ValueError, match=r"^le jour du mois va de 1 à 31$"):
        DayOfPreviousMonth(day, NOON)


@pytest.mark.parametrize("day", [1, 31])
def test_the_first_and_the_31st_are_valid_days_of_month(day: int) -> None:
    assert DayOfPreviousMonth(day, NOON).day == day


def test_zero_days_and_zero_weeks_are_valid() -> None:
    assert DaysBefore(0, NOON).days == 0
    assert WeekdayOfEarlierWeek(0, Weekday.FRIDAY, NOON).weeks_before == 0


def test_rules_are_immutable_values() -> None:
    rule = DaysBefore(2, NOON, skip_weekends=True)

    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        rule.days = 3  # type: ignore[misc]
    assert rule == DaysBefore(2, NOON, skip_weekends=True)
    assert rule != DaysBefore(2, NOON)


# ---------------------------------------------------------------- booking windows

SUMMER_WINDOW = BookingWindow(
    first_day=date(2027, 7, 7),
    last_day=date(2027, 8, 31),
    residents_from=pendulum.datetime(2027, 5, 3, 8, tz="Europe/Paris"),
    non_residents_from=pendulum.datetime(2027, 5, 17, 8, tz="Europe/Paris"),
)
AUTUMN_WINDOW = BookingWindow(
    first_day=date(2027, 10, 25),
    last_day=date(2027, 11, 5),
    residents_from=pendulum.datetime(2027, 9, 20, 6, tz="UTC"),
    non_residents_from=pendulum.datetime(2027, 9, 27, 6, tz="UTC"),
)
RULES = BookingRules(
    booking=DeadlineSchedule(SCHOOL_YEAR),
    cancellation=DeadlineSchedule(DaysBefore(1, time(18))),
    windows=(SUMMER_WINDOW, AUTUMN_WINDOW),
)


@pytest.mark.parametrize("slot_day", [date(2027, 7, 7), date(2027, 7, 20), date(2027, 8, 31)])
def test_residents_can_book_the_summer_before_non_residents(slot_day: date) -> None:
    residents = RULES.opens_at(slot_day, resident=True)
    others = RULES.opens_at(slot_day, resident=False)

    assert residents == pendulum.datetime(2027, 5, 3, 8, tz="Europe/Paris")
    assert others == pendulum.datetime(2027, 5, 17, 8, tz="Europe/Paris")
    assert residents is not None
    assert others is not None
    assert residents < others


def test_each_window_opens_at_its_own_moments_in_paris_time() -> None:
    residents = RULES.opens_at(date(2027, 11, 2), resident=True)
    others = RULES.opens_at(date(2027, 11, 2), resident=False)

    assert residents == pendulum.datetime(2027, 9, 20, 8, tz="Europe/Paris")
    assert others == pendulum.datetime(2027, 9, 27, 8, tz="Europe/Paris")
    assert residents is not None
    assert residents.timezone_name == "Europe/Paris"


@pytest.mark.parametrize(
    "slot_day", [date(2027, 7, 6), date(2027, 9, 1), date(2027, 10, 24), date(2027, 11, 6)]
)
def test_a_day_outside_every_window_has_no_opening_moment(slot_day: date) -> None:
    assert RULES.opens_at(slot_day, resident=True) is None
    assert RULES.opens_at(slot_day, resident=False) is None


def test_rules_without_any_window_never_restrict_booking() -> None:
    rules = BookingRules(booking=DeadlineSchedule(NoDeadline()), cancellation=RULES.cancellation)

    assert rules.opens_at(date(2027, 7, 20), resident=True) is None
    assert rules.opens_at(date(2027, 7, 20), resident=False) is None


def test_a_window_covers_its_two_dates_inclusive() -> None:
    assert SUMMER_WINDOW.covers(date(2027, 7, 7))
    assert SUMMER_WINDOW.covers(date(2027, 8, 31))
    assert not SUMMER_WINDOW.covers(date(2027, 7, 6))
    assert not SUMMER_WINDOW.covers(date(2027, 9, 1))


def test_a_window_refuses_naive_opening_moments() -> None:
    with pytest.raises(ValueError, match="naive"):
        BookingWindow(
            first_day=date(2027, 7, 7),
            last_day=date(2027, 8, 31),
            residents_from=pendulum.naive(2027, 5, 3, 8),
            non_residents_from=pendulum.datetime(2027, 5, 17, 8, tz="Europe/Paris"),
        )


# ---------------------------------------------------------------- properties

wall_times = st.builds(time, st.integers(0, 23), st.integers(0, 59))
slot_days = st.dates(min_value=date(2025, 1, 1), max_value=date(2029, 12, 31))


@st.composite
def slot_starts(draw: st.DrawFn, days: st.SearchStrategy[date] = slot_days) -> pendulum.DateTime:
    """A slot start anywhere in the day, either occurrence of the repeated autumn hour included."""
    day = draw(days)
    at = draw(wall_times)
    fold = draw(st.sampled_from([0, 1]))
    return pendulum.datetime(
        day.year, day.month, day.day, at.hour, at.minute, tz="Europe/Paris", fold=fold
    )


days_before_rules = st.builds(
    DaysBefore,
    days=st.integers(0, 40),
    at=wall_times,
    skip_weekends=st.booleans(),
    skip_public_holidays=st.booleans(),
)
weekday_rules = st.builds(
    WeekdayOfEarlierWeek,
    weeks_before=st.integers(0, 4),
    weekday=st.sampled_from(Weekday),
    at=wall_times,
)
day_of_month_rules = st.builds(DayOfPreviousMonth, day=st.integers(1, 31), at=wall_times)
fixed_rules = st.builds(FixedDate, slot_starts())
all_rules: st.SearchStrategy[Deadline] = st.one_of(
    days_before_rules, weekday_rules, day_of_month_rules, fixed_rules, st.just(NoDeadline())
)


@given(all_rules, slot_starts())
@example(  # "J-0 à 2h30" for a slot at the first 02:45 (summer time) of 25 October 2026
    DaysBefore(0, time(2, 30)),
    pendulum.datetime(2026, 10, 25, 2, 45, tz="Europe/Paris", fold=0),
)
def test_a_deadline_is_never_after_the_slot_start(rule: Deadline, slot: pendulum.DateTime) -> None:
    assert utc(deadline(rule, slot, is_french_holiday)) <= utc(slot)


@given(all_rules, slot_starts())
def test_a_deadline_is_an_aware_paris_datetime(rule: Deadline, slot: pendulum.DateTime) -> None:
    result = deadline(rule, slot, is_french_holiday)

    assert isinstance(result, pendulum.DateTime)
    assert result.utcoffset() is not None
    assert result.timezone_name == "Europe/Paris"


@given(all_rules, slot_starts())
def test_a_slot_start_given_in_utc_gives_the_same_deadline(
    rule: Deadline, slot: pendulum.DateTime
) -> None:
    assert utc(deadline(rule, utc(slot), is_french_holiday)) == utc(
        deadline(rule, slot, is_french_holiday)
    )


@st.composite
def rules_landing_on_a_clock_change_day(
    draw: st.DrawFn,
) -> tuple[Deadline, pendulum.DateTime, date, time]:
    change_day = last_sunday(draw(st.integers(2025, 2029)), draw(st.sampled_from([3, 10])))
    at = draw(wall_times.filter(lambda t: t.hour != 2))
    kind = draw(st.sampled_from(["J-n", "semaine", "mois"]))
    rule: Deadline
    if kind == "J-n":
        days = draw(st.integers(1, 6))
        rule = DaysBefore(days, at)
        slot_day = change_day + timedelta(days=days)
    elif kind == "semaine":
        weeks = draw(st.integers(1, 3))
        rule = WeekdayOfEarlierWeek(weeks, Weekday.SUNDAY, at)
        slot_day = iso_monday(change_day) + timedelta(weeks=weeks, days=draw(st.integers(0, 6)))
    else:
        rule = DayOfPreviousMonth(change_day.day, at)
        slot_day = date(change_day.year, change_day.month + 1, draw(st.integers(1, 30)))
    slot = draw(slot_starts(st.just(slot_day)))
    return rule, slot, change_day, at


@given(rules_landing_on_a_clock_change_day())
def test_a_deadline_on_a_clock_change_day_keeps_the_wall_clock_hour_and_the_offset(
    case: tuple[Deadline, pendulum.DateTime, date, time],
) -> None:
    rule, slot, change_day, at = case
    spring = change_day.month == 3
    # Spring: CET (+1) until 02:00, CEST (+2) from 03:00. Autumn: CEST until 02:00, CET from 03:00.
    before_change = at.hour < 2
    offset = 1 if before_change == spring else 2

    result = deadline(rule, slot, no_public_holiday)

    assert result.date() == change_day
    assert (result.hour, result.minute) == (at.hour, at.minute)
    assert result.utcoffset() == timedelta(hours=offset)
    assert utc(result) == pendulum.datetime(
        change_day.year, change_day.month, change_day.day, at.hour, at.minute, tz="UTC"
    ) - timedelta(hours=offset)


new_year_slots = st.integers(2025, 2029).flatmap(
    lambda year: slot_starts(st.dates(date(year, 1, 1), date(year, 1, 5)))
)


@given(
    new_year_slots,
    st.integers(0, 10),
    wall_times,
    st.booleans(),
    st.booleans(),
)
def test_j_minus_n_reaching_past_new_year_s_day_is_in_the_previous_december(
    slot: pendulum.DateTime,
    extra_days: int,
    at: time,
    skip_weekends: bool,
    skip_public_holidays: bool,
) -> None:
    rule = DaysBefore(slot.day + extra_days, at, skip_weekends, skip_public_holidays)

    result = deadline(rule, slot, is_french_holiday)

    assert (result.year, result.month) == (slot.year - 1, 12)


@given(new_year_slots, st.integers(2, 3), st.sampled_from(Weekday), wall_times)
def test_a_weekday_two_or_three_weeks_before_a_new_year_slot_is_in_december(
    slot: pendulum.DateTime, weeks: int, weekday: Weekday, at: time
) -> None:
    result = deadline(WeekdayOfEarlierWeek(weeks, weekday, at), slot, is_french_holiday)

    assert (result.year, result.month) == (slot.year - 1, 12)
    assert Weekday.of(result.date()) == weekday


@given(new_year_slots, st.integers(1, 31), wall_times)
def test_a_day_of_the_previous_month_for_a_new_year_slot_is_in_december(
    slot: pendulum.DateTime, day: int, at: time
) -> None:
    result = deadline(DayOfPreviousMonth(day, at), slot, is_french_holiday)

    assert result.date() == date(slot.year - 1, 12, day)


@st.composite
def holiday_sets_near(draw: st.DrawFn, slot: pendulum.DateTime) -> frozenset[date]:
    """French holidays plus random extra ones in the 90 days before the slot."""
    offsets = draw(st.sets(st.integers(0, 90), max_size=30))
    return FRENCH_HOLIDAYS | {slot.date() - timedelta(days=offset) for offset in offsets}


@given(st.data(), slot_starts(), st.integers(1, 20), wall_times, st.booleans(), st.booleans())
def test_j_minus_n_counts_exactly_n_days_neither_skipped_weekends_nor_skipped_holidays(
    data: st.DataObject,
    slot: pendulum.DateTime,
    days: int,
    at: time,
    skip_weekends: bool,
    skip_public_holidays: bool,
) -> None:
    holidays = data.draw(holiday_sets_near(slot))

    def skipped(day: date) -> bool:
        return (skip_weekends and day.isoweekday() >= 6) or (
            skip_public_holidays and day in holidays
        )

    rule = DaysBefore(days, at, skip_weekends, skip_public_holidays)
    result = deadline(rule, slot, holidays.__contains__)
    result_day = result.date()

    assert result_day < slot.date()
    if skip_weekends:
        assert Weekday.of(result_day) not in {Weekday.SATURDAY, Weekday.SUNDAY}
    if skip_public_holidays:
        assert result_day not in holidays
    counted = [
        result_day + timedelta(days=offset)
        for offset in range((slot.date() - result_day).days)
        if not skipped(result_day + timedelta(days=offset))
    ]
    assert len(counted) == days


@given(slot_starts(), st.integers(0, 40), wall_times)
def test_j_minus_n_without_skipping_is_exactly_n_calendar_days_before(
    slot: pendulum.DateTime, days: int, at: time
) -> None:
    result = deadline(DaysBefore(days, at), slot, is_french_holiday)

    assert result.date() == slot.date() - timedelta(days=days)
    clamped = utc(result) == utc(slot)
    in_spring_gap = result.month == 3 and result.day == last_sunday(result.year, 3).day
    if not clamped and not (in_spring_gap and at.hour == 2):
        assert (result.hour, result.minute) == (at.hour, at.minute)


@given(slot_starts(), st.integers(1, 4), st.sampled_from(Weekday), wall_times)
def test_a_weekday_of_an_earlier_week_is_that_weekday_exactly_that_many_weeks_back(
    slot: pendulum.DateTime, weeks: int, weekday: Weekday, at: time
) -> None:
    result = deadline(WeekdayOfEarlierWeek(weeks, weekday, at), slot, is_french_holiday)

    assert Weekday.of(result.date()) == weekday
    assert iso_monday(slot.date()) - iso_monday(result.date()) == timedelta(weeks=weeks)


@given(slot_starts(), st.integers(1, 31), wall_times)
def test_a_day_of_the_previous_month_is_that_day_or_the_month_s_last_day(
    slot: pendulum.DateTime, day: int, at: time
) -> None:
    result = deadline(DayOfPreviousMonth(day, at), slot, is_french_holiday)

    previous_year, previous_month = (
        (slot.year, slot.month - 1) if slot.month > 1 else (slot.year - 1, 12)
    )
    last_day = calendar.monthrange(previous_year, previous_month)[1]
    assert result.date() == date(previous_year, previous_month, min(day, last_day))


@given(all_rules, slot_starts(), slot_starts())
def test_a_schedule_uses_its_override_only_for_slots_within_the_override_dates(
    rule: Deadline, slot: pendulum.DateTime, other_slot: pendulum.DateTime
) -> None:
    first, last = sorted([slot.date(), other_slot.date()])
    schedule = DeadlineSchedule(NoDeadline(), (DeadlineOverride(first, last, rule),))

    assert schedule.rule_for(slot.date()) == rule
    assert schedule.rule_for(last + timedelta(days=1)) == NoDeadline()
    assert schedule.rule_for(first - timedelta(days=1)) == NoDeadline()
    assert utc(schedule.deadline_for(slot, is_french_holiday)) == utc(
        deadline(rule, slot, is_french_holiday)
    )
