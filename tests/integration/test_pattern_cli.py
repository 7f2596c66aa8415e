"""``portail reservations pattern`` through click's CliRunner on SQLite: a school year of canteen
four days a week booked in one step (holidays and public holidays skipped), a dry run that
writes nothing, and bad input answered in French without writing anything."""

from datetime import date, timedelta

import pytest
from click.testing import CliRunner, Result

from adapters.calendars import shipped_school_calendar
from adapters.public_holidays import FrenchPublicHolidays
from entrypoints.bootstrap import Services
from entrypoints.cli import main
from portail_core.domain.communes import SchoolZone
from tests.integration.test_auth_web import clock, services  # noqa: F401  (fixtures reused)
from tests.integration.test_desk_reservations_cli import add_family, audit_count, child_id

CANTEEN = "CANTINE-PLAGE"
SCHOOL_YEAR = (date(2026, 9, 1), date(2027, 7, 2))  # zone A: the summer holidays start on 3 July
FOUR_DAYS = ("--day", "lundi:REPAS", "--day", "mardi:REPAS", "--day", "jeudi:repas")
FRIDAY = ("--day", "vendredi:REPAS")
NEXT_YEAR = ("--until", "fin-annee", "--from", "2026-09-01")  # today is 15 June 2026


def pattern(services: Services, family: int, child: int, *extra: str) -> Result:
    return CliRunner().invoke(
        main,
        ["reservations", "pattern", str(family), str(child), "--establishment", CANTEEN, *extra],
        obj=services,
        catch_exceptions=False,
    )


def canteen_days(services: Services, child: int) -> list[date]:
    with services.ports.uow(read_only=True) as uow:
        found = uow.reservations.of_child(child, CANTEEN, date(2026, 6, 1), SCHOOL_YEAR[1])
    return sorted(r.day for r in found if r.unit_code == "REPAS")


def school_days_of_the_year() -> list[date]:
    """Mondays, Tuesdays, Thursdays and Fridays of 2026-2027 in zone A, without the holidays
    and the public holidays: what the pattern must book, computed on its own."""
    calendar = shipped_school_calendar()
    holidays = FrenchPublicHolidays().between(*SCHOOL_YEAR)
    first, last = SCHOOL_YEAR
    days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    return [
        day
        for day in days
        if day.isoweekday() in (1, 2, 4, 5)
        and day not in holidays
        and calendar.holiday_on(SchoolZone.A, day) is None
    ]


def test_the_desk_books_a_school_year_of_canteen_four_days_a_week(services: Services) -> None:
    family = add_family(services)
    lea = child_id(services, family)
    before = audit_count(services)
    dry = pattern(services, family, lea, *FOUR_DAYS, *FRIDAY, *NEXT_YEAR, "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert "À réserver : mardi 1er septembre 2026, Repas" in dry.output
    assert "Simulation (--dry-run) : rien n'est enregistré." in dry.output
    assert canteen_days(services, lea) == []
    assert audit_count(services) == before

    done = pattern(services, family, lea, *FOUR_DAYS, *FRIDAY, *NEXT_YEAR)
    assert done.exit_code == 0, done.output
    expected = school_days_of_the_year()
    assert len(expected) > 130
    assert canteen_days(services, lea) == expected
    assert date(2026, 11, 11) not in canteen_days(services, lea)  # Armistice: a public holiday
    assert "Confirmation n° " in done.output
    assert f"{len(expected)} réservation(s)" in done.output
    assert audit_count(services) == before + 1  # one confirmation, one audit entry

    again = pattern(services, family, lea, *FOUR_DAYS, *NEXT_YEAR)
    assert again.exit_code == 2
    assert "Aucun jour ouvert à réserver" in again.output


def test_the_end_of_the_term_and_a_chosen_start(services: Services) -> None:
    family = add_family(services)
    lea = child_id(services, family)
    result = pattern(
        services,
        family,
        lea,
        "--day",
        "mardi:REPAS",
        "--until",
        "fin-periode",
        "--from",
        "15/09/2026",
    )
    assert result.exit_code == 0, result.output
    tuesdays = [date(2026, 9, 15) + timedelta(weeks=n) for n in range(5)]  # to 16 October
    assert canteen_days(services, lea) == tuesdays


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (("--day", "lunedi:REPAS", "--until", "fin-annee"), "le jour s'écrit lundi, mardi"),
        (("--day", "lundi", "--until", "fin-annee"), "indiquez les unités après le jour"),
        (("--day", "lundi:GOUTER", "--until", "fin-annee"), "GOUTER"),
        (("--day", "lundi:REPAS", "--until", "demain"), "fin-periode, fin-annee ou une date"),
        (("--day", "lundi:REPAS", "--until", "01/09/2026", "--from", "30/09/2026"), "précède"),
        (("--day", "lundi:REPAS", "--until", "01/09/2028"), "Période trop longue"),
        (("--day", "lundi:REPAS", "--until", "fin-annee", "--from", "01/01/2026"), "est passée"),
        (("--day", "lundi:REPAS", "--until", "fin-annee", "--force"), "--force et --reason"),
        (("--day", "lundi:REPAS", "--until", "'; DROP TABLE reservations; --"), "fin-periode"),
    ],
)
def test_bad_input_is_refused_in_french_and_writes_nothing(
    services: Services, extra: tuple[str, ...], message: str
) -> None:
    family = add_family(services)
    lea = child_id(services, family)
    before = audit_count(services)
    result = pattern(services, family, lea, *extra)
    assert result.exit_code != 0
    assert message in result.output
    assert canteen_days(services, lea) == []
    assert audit_count(services) == before


def test_another_familys_child_is_not_found(services: Services) -> None:
    family, other = add_family(services), add_family(services, "Durand")
    result = pattern(
        services, family, child_id(services, other), "--day", "lundi:REPAS", "--until", "fin-annee"
    )
    assert result.exit_code != 0
    assert "n'a pas d'enfant" in result.output


def test_past_the_deadline_only_with_force_and_a_reason(services: Services) -> None:
    family = add_family(services)
    lea = child_id(services, family)
    late = ("--day", "jeudi:REPAS", "--day", "vendredi:REPAS", "--from", "18/06/2026")
    refused = pattern(services, family, lea, *late, "--until", "19/06/2026")
    assert refused.exit_code == 4  # the deadline was Thursday 11 June, noon
    assert "Délai de réservation dépassé" in refused.output
    assert canteen_days(services, lea) == []
    forced = pattern(
        services, family, lea, *late, "--until", "19/06/2026", "--force", "--reason", "rentrée"
    )
    assert forced.exit_code == 0, forced.output
    assert "délais passés outre : « rentrée »" in forced.output
    assert canteen_days(services, lea) == [date(2026, 6, 18), date(2026, 6, 19)]
