from collections.abc import Callable
from datetime import date, timedelta
from importlib.resources import files

import attrs
import pytest

from adapters.calendars import shipped_school_calendar
from adapters.commune_file import read_commune_file
from adapters.public_holidays import FrenchPublicHolidays
from portail_core.domain.catalogue.establishments import Catalogue
from portail_core.domain.catalogue.opening import (
    CalendarContext,
    Opening,
    OpeningReason,
    opening_of,
)
from portail_core.domain.communes import FOUR_DAY_WEEK, SchoolZone
from portail_core.domain.shared.weekdays import Weekday

Open = Callable[[str, str, date], Opening]
R = OpeningReason

FIVE_DAY_WEEK = FOUR_DAY_WEEK | {Weekday.WEDNESDAY}  # the four-and-a-half-day week


@pytest.fixture(scope="module")
def demo() -> Catalogue:
    text = (files("entrypoints.demo") / "commune-demo.toml").read_text("utf-8")
    return read_commune_file(text).catalogue


def context_for(
    zone: SchoolZone = SchoolZone.A, school_weekdays: frozenset[Weekday] = FOUR_DAY_WEEK
) -> CalendarContext:
    """The demo commune's days: the shipped school calendar and metropolitan public holidays."""
    return CalendarContext(
        zone=zone,
        school_weekdays=school_weekdays,
        school_calendar=shipped_school_calendar(),
        public_holidays=FrenchPublicHolidays().between(date(2025, 1, 1), date(2028, 12, 31)),
    )


def opener(catalogue: Catalogue, context: CalendarContext) -> Open:
    def opening(establishment_code: str, unit_code: str, day: date) -> Opening:
        establishment = catalogue.establishment(establishment_code)
        assert establishment is not None
        unit = establishment.unit(unit_code)
        assert unit is not None
        return opening_of(establishment, unit, day, context)

    return opening


@pytest.fixture(scope="module")
def opening(demo: Catalogue) -> Open:
    """Opening in the demo commune: zone A, four-day week (Monday, Tuesday, Thursday, Friday)."""
    return opener(demo, context_for())


def every_opening(catalogue: Catalogue, day: date, context: CalendarContext) -> list[Opening]:
    return [
        opening_of(establishment, unit, day, context)
        for establishment in catalogue.establishments
        for unit in establishment.units
    ]


def weekdays_between(first: date, last: date) -> list[date]:
    days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    return [day for day in days if day.isoweekday() <= 5]


WINTER_2027 = weekdays_between(date(2027, 2, 15), date(2027, 2, 26))  # zone A


# ---------------------------------------------------------------- school holidays


def test_the_winter_holidays_of_zone_a_have_ten_weekdays() -> None:
    assert WINTER_2027[0] == date(2027, 2, 15)
    assert WINTER_2027[-1] == date(2027, 2, 26)
    assert len(WINTER_2027) == 10


@pytest.mark.parametrize("day", WINTER_2027, ids=str)
def test_the_aps_is_closed_on_every_weekday_of_the_winter_holidays(
    opening: Open, day: date
) -> None:
    assert opening("APS-PLAGE", "MATIN", day) == Opening(
        day, "MATIN", False, R.HOLIDAYS_NOT_SERVED, "Vacances d'hiver"
    )


@pytest.mark.parametrize("day", WINTER_2027, ids=str)
def test_the_alsh_is_open_on_every_weekday_of_the_winter_holidays(opening: Open, day: date) -> None:
    assert opening("ALSH", "JOURNEE", day) == Opening(
        day, "JOURNEE", True, R.SCHOOL_HOLIDAYS, "Vacances d'hiver"
    )


def test_school_lunch_is_not_served_during_the_holidays(opening: Open) -> None:
    lunch = opening("CANTINE-PINS", "REPAS", date(2027, 2, 16))
    assert (lunch.open, lunch.reason) == (False, R.HOLIDAYS_NOT_SERVED)
    assert lunch.describe() == "fermé : vacances scolaires (Vacances d'hiver)"


def test_classes_resume_on_the_resume_day_of_the_holidays(opening: Open) -> None:
    monday = date(2027, 3, 1)
    assert opening("APS-PLAGE", "MATIN", monday) == Opening(monday, "MATIN", True, R.SCHOOL_DAY)
    assert opening("ALSH", "JOURNEE", monday) == Opening(
        monday, "JOURNEE", False, R.SCHOOL_DAY_NOT_SERVED
    )


def test_the_friday_before_the_holidays_is_a_school_day(opening: Open) -> None:
    friday = date(2027, 2, 12)
    assert opening("CANTINE-PLAGE", "REPAS", friday).reason is R.SCHOOL_DAY
    assert opening("ALSH", "JOURNEE", friday).reason is R.SCHOOL_DAY_NOT_SERVED


def test_the_friday_of_the_ascension_bridge_is_a_holiday(opening: Open) -> None:
    friday = date(2027, 5, 7)
    assert opening("ALSH", "MATIN", friday) == Opening(
        friday, "MATIN", True, R.SCHOOL_HOLIDAYS, "Pont de l'Ascension"
    )
    assert opening("APS-PINS", "SOIR", friday).reason is R.HOLIDAYS_NOT_SERVED


def test_the_school_zone_decides_which_days_are_holidays(demo: Catalogue) -> None:
    # 1 March 2027: zone A resumes classes, zone B is in the middle of its winter holidays
    monday = date(2027, 3, 1)
    zone_b = opener(demo, context_for(SchoolZone.B))
    assert zone_b("APS-PLAGE", "MATIN", monday).reason is R.HOLIDAYS_NOT_SERVED
    assert zone_b("ALSH", "JOURNEE", monday) == Opening(
        monday, "JOURNEE", True, R.SCHOOL_HOLIDAYS, "Vacances d'hiver"
    )


# ---------------------------------------------------------------- public holidays, weekends


@pytest.mark.parametrize(
    ("day", "name"),
    [
        (date(2026, 11, 11), "Armistice"),  # a Wednesday in a school week
        (date(2027, 3, 29), "Lundi de Pâques"),  # a Monday in a school week
        (date(2027, 5, 6), "Ascension"),  # the Thursday of the Ascension bridge
        (date(2027, 7, 14), "Fête nationale"),  # a Wednesday of the summer holidays
    ],
    ids=str,
)
def test_everything_is_closed_on_a_public_holiday(demo: Catalogue, day: date, name: str) -> None:
    openings = every_opening(demo, day, context_for())
    assert len(openings) == 11
    assert {(o.open, o.reason, o.detail) for o in openings} == {(False, R.PUBLIC_HOLIDAY, name)}
    assert openings[0].describe() == f"fermé : jour férié ({name})"


@pytest.mark.parametrize("day", [date(2027, 2, 13), date(2027, 2, 14), date(2027, 3, 6)], ids=str)
def test_everything_is_closed_on_weekends(demo: Catalogue, day: date) -> None:
    openings = every_opening(demo, day, context_for())
    assert {(o.open, o.reason, o.detail) for o in openings} == {(False, R.WEEKEND, "")}
    assert openings[0].describe() == "fermé : week-end"


def test_a_public_holiday_on_a_sunday_is_reported_as_the_weekend(opening: Open) -> None:
    assert opening("ALSH", "JOURNEE", date(2027, 8, 15)).reason is R.WEEKEND  # Assomption


# ---------------------------------------------------------------- Wednesdays, school days


@pytest.mark.parametrize(
    ("establishment", "unit"),
    [("APS-PLAGE", "MATIN"), ("APS-PLAGE", "SOIR"), ("CANTINE-PLAGE", "REPAS")],
)
def test_aps_and_lunch_are_closed_on_wednesdays_of_a_four_day_week(
    opening: Open, establishment: str, unit: str
) -> None:
    wednesday = date(2027, 3, 3)
    assert opening(establishment, unit, wednesday) == Opening(
        wednesday, unit, False, R.WEDNESDAY_NOT_SERVED
    )
    assert opening(establishment, unit, wednesday).describe() == "fermé : pas de classe ce jour-là"


@pytest.mark.parametrize("unit", ["JOURNEE", "MATIN", "APRES-MIDI"])
def test_the_alsh_is_open_on_wednesdays_of_a_four_day_week(opening: Open, unit: str) -> None:
    wednesday = date(2027, 3, 3)
    assert opening("ALSH", unit, wednesday) == Opening(wednesday, unit, True, R.WEDNESDAY)
    assert opening("ALSH", unit, wednesday).describe() == "ouvert : jour sans classe"


@pytest.mark.parametrize(
    "day",
    [date(2027, 3, 1), date(2027, 3, 2), date(2027, 3, 4), date(2027, 3, 5)],
    ids=str,
)
def test_the_alsh_is_closed_on_school_days(opening: Open, day: date) -> None:
    assert opening("ALSH", "JOURNEE", day) == Opening(
        day, "JOURNEE", False, R.SCHOOL_DAY_NOT_SERVED
    )
    assert opening("ALSH", "JOURNEE", day).describe() == "fermé : jour d'école"


@pytest.mark.parametrize(
    "day",
    [date(2027, 3, 1), date(2027, 3, 2), date(2027, 3, 4), date(2027, 3, 5)],
    ids=str,
)
def test_the_aps_is_open_on_school_days(opening: Open, day: date) -> None:
    assert opening("APS-PINS", "SOIR", day) == Opening(day, "SOIR", True, R.SCHOOL_DAY)
    assert opening("APS-PINS", "SOIR", day).describe() == "ouvert : jour d'école"


def test_a_four_and_a_half_day_week_makes_wednesday_a_school_day(demo: Catalogue) -> None:
    wednesday = date(2027, 3, 3)
    opening = opener(demo, context_for(school_weekdays=FIVE_DAY_WEEK))
    assert opening("APS-PLAGE", "MATIN", wednesday) == Opening(
        wednesday, "MATIN", True, R.SCHOOL_DAY
    )
    assert opening("CANTINE-PLAGE", "REPAS", wednesday).reason is R.SCHOOL_DAY
    assert opening("ALSH", "JOURNEE", wednesday) == Opening(
        wednesday, "JOURNEE", False, R.SCHOOL_DAY_NOT_SERVED
    )
    assert opening("EMS", "NATATION", wednesday).reason is R.SCHOOL_DAY_NOT_SERVED


def test_a_four_and_a_half_day_week_keeps_wednesdays_of_the_holidays_free(
    demo: Catalogue,
) -> None:
    wednesday = date(2027, 2, 17)
    opening = opener(demo, context_for(school_weekdays=FIVE_DAY_WEEK))
    assert opening("ALSH", "JOURNEE", wednesday).reason is R.SCHOOL_HOLIDAYS
    assert opening("APS-PLAGE", "MATIN", wednesday).reason is R.HOLIDAYS_NOT_SERVED


# ---------------------------------------------------------------- closures


@pytest.mark.parametrize(
    "day", [date(2026, 12, 24), date(2026, 12, 28), date(2026, 12, 31)], ids=str
)
def test_the_alsh_is_closed_at_the_end_of_the_year(opening: Open, day: date) -> None:
    assert opening("ALSH", "JOURNEE", day) == Opening(
        day, "JOURNEE", False, R.CLOSURE, "Fermeture de fin d'année"
    )
    assert opening("ALSH", "JOURNEE", day).describe() == (
        "fermé : fermeture de la structure (Fermeture de fin d'année)"
    )


def test_the_alsh_is_open_the_day_before_its_closure(opening: Open) -> None:
    assert opening("ALSH", "JOURNEE", date(2026, 12, 23)) == Opening(
        date(2026, 12, 23), "JOURNEE", True, R.SCHOOL_HOLIDAYS, "Vacances de Noël"
    )


def test_a_public_holiday_inside_a_closure_is_reported_as_the_public_holiday(
    opening: Open,
) -> None:
    assert opening("ALSH", "JOURNEE", date(2026, 12, 25)).detail == "Noël"
    assert opening("ALSH", "JOURNEE", date(2027, 1, 1)).reason is R.PUBLIC_HOLIDAY


@pytest.mark.parametrize("day", [date(2027, 8, 9), date(2027, 8, 16), date(2027, 8, 20)], ids=str)
def test_the_alsh_is_closed_for_two_weeks_in_august(opening: Open, day: date) -> None:
    assert opening("ALSH", "MATIN", day) == Opening(
        day, "MATIN", False, R.CLOSURE, "Fermeture estivale"
    )


@pytest.mark.parametrize("day", [date(2027, 8, 6), date(2027, 8, 23)], ids=str)
def test_the_alsh_is_open_just_around_its_summer_closure(opening: Open, day: date) -> None:
    assert opening("ALSH", "MATIN", day) == Opening(
        day, "MATIN", True, R.SCHOOL_HOLIDAYS, "Vacances d'été"
    )


def test_a_closure_concerns_only_its_own_establishment(opening: Open) -> None:
    # the EMS runs its Wednesday multisport session while the ALSH is closed
    wednesday = date(2027, 8, 11)
    assert opening("ALSH", "JOURNEE", wednesday).reason is R.CLOSURE
    assert opening("EMS", "MULTISPORTS", wednesday) == Opening(
        wednesday, "MULTISPORTS", True, R.SCHOOL_HOLIDAYS, "Vacances d'été"
    )


# ---------------------------------------------------------------- units on some weekdays only


@pytest.mark.parametrize(
    ("day", "weekday"),
    [
        (date(2027, 2, 15), "lundi"),
        (date(2027, 2, 16), "mardi"),
        (date(2027, 2, 18), "jeudi"),
        (date(2027, 2, 19), "vendredi"),
    ],
    ids=str,
)
def test_a_wednesday_only_unit_is_closed_other_weekdays_of_the_holidays(
    opening: Open, day: date, weekday: str
) -> None:
    assert opening("EMS", "MULTISPORTS", day) == Opening(
        day, "MULTISPORTS", False, R.WEEKDAY_NOT_SERVED, weekday
    )
    assert opening("EMS", "MULTISPORTS", day).describe() == (
        f"fermé : pas d'activité ce jour de la semaine ({weekday})"
    )


def test_a_wednesday_only_unit_is_open_on_wednesdays_of_the_holidays(opening: Open) -> None:
    wednesday = date(2027, 2, 17)
    assert opening("EMS", "MULTISPORTS", wednesday) == Opening(
        wednesday, "MULTISPORTS", True, R.SCHOOL_HOLIDAYS, "Vacances d'hiver"
    )
    assert opening("EMS", "MULTISPORTS", wednesday).describe() == (
        "ouvert : vacances scolaires (Vacances d'hiver)"
    )


def test_a_wednesday_only_unit_says_school_day_rather_than_weekday_on_school_days(
    opening: Open,
) -> None:
    assert opening("EMS", "MULTISPORTS", date(2027, 3, 1)).reason is R.SCHOOL_DAY_NOT_SERVED
    assert opening("EMS", "MULTISPORTS", date(2027, 3, 3)).reason is R.WEDNESDAY


def test_a_school_period_wednesday_unit_is_closed_during_the_holidays(opening: Open) -> None:
    wednesday = date(2027, 2, 17)
    assert opening("EMS", "NATATION", wednesday) == Opening(
        wednesday, "NATATION", False, R.HOLIDAYS_NOT_SERVED, "Vacances d'hiver"
    )
    assert opening("EMS", "NATATION", date(2027, 3, 3)).open


def test_weekdays_are_checked_on_the_unit_not_the_establishment(demo: Catalogue) -> None:
    alsh = demo.establishment("ALSH")
    assert alsh is not None
    journee = alsh.unit("JOURNEE")
    assert journee is not None
    mondays_only = attrs.evolve(journee, weekdays=frozenset({Weekday.MONDAY}))
    context = context_for()
    assert opening_of(alsh, mondays_only, date(2027, 2, 15), context).open
    assert opening_of(alsh, mondays_only, date(2027, 2, 17), context) == Opening(
        date(2027, 2, 17), "JOURNEE", False, R.WEEKDAY_NOT_SERVED, "mercredi"
    )


# ---------------------------------------------------------------- beyond the calendar


@pytest.mark.parametrize("day", [date(2028, 9, 4), date(2029, 1, 8), date(2025, 7, 4)], ids=str)
def test_dates_outside_the_shipped_calendar_are_unknown(demo: Catalogue, day: date) -> None:
    openings = every_opening(demo, day, context_for())
    assert {(o.open, o.reason, o.detail) for o in openings} == {(False, R.UNKNOWN_CALENDAR, "")}
    assert openings[0].describe() == "fermé : calendrier scolaire non publié"


def test_a_public_holiday_beyond_the_calendar_is_still_a_public_holiday(opening: Open) -> None:
    assert opening("ALSH", "JOURNEE", date(2028, 11, 1)) == Opening(
        date(2028, 11, 1), "JOURNEE", False, R.PUBLIC_HOLIDAY, "Toussaint"
    )


# ---------------------------------------------------------------- describe


@pytest.mark.parametrize(
    ("an_opening", "text"),
    [
        (Opening(date(2027, 3, 1), "M", True, R.SCHOOL_DAY), "ouvert : jour d'école"),
        (Opening(date(2027, 3, 3), "M", True, R.WEDNESDAY), "ouvert : jour sans classe"),
        (
            Opening(date(2027, 2, 15), "M", True, R.SCHOOL_HOLIDAYS, "Vacances d'hiver"),
            "ouvert : vacances scolaires (Vacances d'hiver)",
        ),
        (Opening(date(2027, 2, 13), "M", False, R.WEEKEND), "fermé : week-end"),
        (
            Opening(date(2027, 3, 29), "M", False, R.PUBLIC_HOLIDAY, "Lundi de Pâques"),
            "fermé : jour férié (Lundi de Pâques)",
        ),
        (
            Opening(date(2027, 8, 9), "M", False, R.CLOSURE, "Fermeture estivale"),
            "fermé : fermeture de la structure (Fermeture estivale)",
        ),
        (
            Opening(date(2027, 2, 15), "M", False, R.HOLIDAYS_NOT_SERVED, "Vacances d'hiver"),
            "fermé : vacances scolaires (Vacances d'hiver)",
        ),
        (Opening(date(2027, 3, 1), "M", False, R.SCHOOL_DAY_NOT_SERVED), "fermé : jour d'école"),
        (
            Opening(date(2027, 3, 3), "M", False, R.WEDNESDAY_NOT_SERVED),
            "fermé : pas de classe ce jour-là",
        ),
        (
            Opening(date(2027, 2, 15), "M", False, R.WEEKDAY_NOT_SERVED, "lundi"),
            "fermé : pas d'activité ce jour de la semaine (lundi)",
        ),
        (
            Opening(date(2028, 9, 4), "M", False, R.UNKNOWN_CALENDAR),
            "fermé : calendrier scolaire non publié",
        ),
    ],
    ids=lambda value: value.reason.value if isinstance(value, Opening) else "text",
)
def test_an_opening_describes_itself_in_french(an_opening: Opening, text: str) -> None:
    assert an_opening.describe() == text


def test_every_reason_has_a_french_label() -> None:
    assert {reason.label for reason in OpeningReason} == {
        "jour d'école",
        "jour sans classe",
        "vacances scolaires",
        "week-end",
        "jour férié",
        "fermeture de la structure",
        "pas de classe ce jour-là",
        "pas d'activité ce jour de la semaine",
        "calendrier scolaire non publié",
    }
