from datetime import date, time
from importlib.resources import files
from typing import Any

import attrs
import pendulum
import pytest

from adapters.commune_file import read_commune_file
from portail_core.domain.bookings.rules import (
    BookingRules,
    BookingWindow,
    DeadlineOverride,
    DeadlineSchedule,
    NoDeadline,
)
from portail_core.domain.catalogue.checks import Problem, catalogue_problems
from portail_core.domain.catalogue.establishments import (
    AgeGroup,
    CapacityOverride,
    Catalogue,
    Closure,
    DayKind,
    Establishment,
    School,
    ServiceKind,
    Unit,
    age_in_years,
)
from portail_core.domain.catalogue.tariffs import QuotientBracket, Tariff
from portail_core.domain.shared.money import Money
from portail_core.domain.shared.weekdays import Weekday

RULES = BookingRules(DeadlineSchedule(NoDeadline()), DeadlineSchedule(NoDeadline()))
PLAGE = School("PLAGE", "École de la Plage", "2 avenue de l'Océan")
MAT = AgeGroup("MAT", "Maternelle (3-5 ans)", 3, 5, 24)
ELEM = AgeGroup("ELEM", "Élémentaire (6-11 ans)", 6, 11, 36)


def tariff(valid_from: date, valid_until: date | None = None) -> Tariff:
    return Tariff(valid_from, valid_until, (QuotientBracket(0, None, Money(100), Money(200)),))


def unit(code: str = "MATIN", **options: Any) -> Unit:
    """A sound APS morning unit, changed by ``options``."""
    sound = Unit(
        code=code,
        label=f"Unité {code}",
        days=frozenset({DayKind.SCHOOL_DAYS}),
        start=time(7, 30),
        end=time(8, 50),
        rules=RULES,
        places=40,
    )
    return attrs.evolve(sound, **options)


def establishment(
    code: str = "APS-PLAGE", kind: ServiceKind = ServiceKind.APS, **options: Any
) -> Establishment:
    """A sound establishment of that kind, changed by ``options``."""
    sound = Establishment(
        code=code,
        name=f"Structure {code}",
        kind=kind,
        address="1 rue de la Mairie",
        contact_email="contact@demo.example",
        units=() if kind is ServiceKind.SMA else (unit(),),
        school_code="PLAGE" if kind.serves_a_school else None,
    )
    return attrs.evolve(sound, **options)


def catalogue(*establishments: Establishment, schools: tuple[School, ...] = (PLAGE,)) -> Catalogue:
    return Catalogue(schools, establishments)


def problems_of(*establishments: Establishment) -> list[Problem]:
    return catalogue_problems(catalogue(*establishments))


def here(*path: str | int) -> tuple[str | int, ...]:
    return ("establishments", "APS-PLAGE", *path)


@pytest.fixture(scope="module")
def demo() -> Catalogue:
    text = (files("entrypoints.demo") / "commune-demo.toml").read_text("utf-8")
    return read_commune_file(text).catalogue


# ---------------------------------------------------------------- sound catalogues


def test_the_demo_catalogue_has_no_problems(demo: Catalogue) -> None:
    assert len(demo.establishments) == 7
    assert catalogue_problems(demo) == []


def test_the_builders_make_a_sound_catalogue() -> None:
    assert (
        problems_of(
            establishment(),
            establishment("ALSH", ServiceKind.ALSH),
            establishment("SMA", ServiceKind.SMA),
        )
        == []
    )


def test_an_empty_catalogue_has_no_problems() -> None:
    assert catalogue_problems(Catalogue((), ())) == []


# ---------------------------------------------------------------- codes and schools


def test_duplicate_establishment_codes_are_found() -> None:
    found = problems_of(establishment(), establishment(), establishment("ALSH", ServiceKind.ALSH))
    assert found == [
        Problem(("establishments", "APS-PLAGE"), "le code « APS-PLAGE » est utilisé plusieurs fois")
    ]


def test_duplicate_school_codes_are_found() -> None:
    found = catalogue_problems(catalogue(establishment(), schools=(PLAGE, PLAGE)))
    assert found == [
        Problem(("schools", "PLAGE"), "le code d'école « PLAGE » est utilisé plusieurs fois")
    ]


def test_duplicate_unit_codes_are_found() -> None:
    found = problems_of(establishment(units=(unit("SOIR"), unit("SOIR"))))
    assert found == [
        Problem(here("units", "SOIR"), "le code d'unité « SOIR » est utilisé plusieurs fois")
    ]


@pytest.mark.parametrize(
    ("kind", "label"),
    [
        (ServiceKind.APS, "Accueil périscolaire (APS)"),
        (ServiceKind.RESTAURATION, "Restauration scolaire"),
    ],
)
def test_a_school_service_without_a_school_is_found(kind: ServiceKind, label: str) -> None:
    found = problems_of(establishment(kind=kind, school_code=None))
    assert found == [
        Problem(here("school"), f"un service « {label} » dessert une école : indiquez laquelle")
    ]


def test_an_unknown_school_is_found() -> None:
    found = problems_of(establishment(school_code="PINS"))
    assert found == [Problem(here("school"), "école inconnue : « PINS »")]


def test_an_alsh_needs_no_school() -> None:
    assert problems_of(establishment("ALSH", ServiceKind.ALSH, school_code=None)) == []


# ---------------------------------------------------------------- units of an establishment


def test_an_sma_with_units_is_found() -> None:
    found = problems_of(establishment("SMA", ServiceKind.SMA, units=(unit(),)))
    assert found == [
        Problem(
            ("establishments", "SMA", "units"),
            "une SMA ne prend que des pré-inscriptions : pas d'unités",
        )
    ]


@pytest.mark.parametrize("kind", [ServiceKind.ALSH, ServiceKind.EMS])
def test_an_establishment_without_units_is_found(kind: ServiceKind) -> None:
    found = problems_of(establishment("X", kind, units=()))
    assert found == [
        Problem(
            ("establishments", "X", "units"), "au moins une unité (ce que les familles réservent)"
        )
    ]


def test_a_unit_incompatible_with_itself_is_found() -> None:
    found = problems_of(
        establishment(units=(unit("MATIN", incompatible_with=frozenset({"MATIN"})),))
    )
    assert found == [
        Problem(
            here("units", "MATIN", "incompatible_with"),
            "une unité ne peut être incompatible avec elle-même",
        )
    ]


def test_a_unit_incompatible_with_an_unknown_unit_is_found() -> None:
    found = problems_of(
        establishment(units=(unit("MATIN", incompatible_with=frozenset({"SOIR", "MIDI"})),))
    )
    assert found == [
        Problem(here("units", "MATIN", "incompatible_with"), "unité inconnue : « MIDI »"),
        Problem(here("units", "MATIN", "incompatible_with"), "unité inconnue : « SOIR »"),
    ]


def test_a_unit_incompatible_with_a_sibling_is_sound() -> None:
    units = (
        unit("JOURNEE", incompatible_with=frozenset({"MATIN"})),
        unit("MATIN", incompatible_with=frozenset({"JOURNEE"})),
    )
    assert problems_of(establishment(units=units)) == []


@pytest.mark.parametrize("end", [time(7, 30), time(7, 0)])
def test_a_unit_ending_before_it_starts_is_found(end: time) -> None:
    found = problems_of(establishment(units=(unit(end=end),)))
    assert found == [
        Problem(here("units", "MATIN", "end"), "l'heure de fin doit suivre l'heure de début")
    ]


def test_a_unit_without_kinds_of_day_is_found() -> None:
    found = problems_of(establishment(units=(unit(days=frozenset()),)))
    assert found == [Problem(here("units", "MATIN", "days"), "indiquez au moins un type de jour")]


@pytest.mark.parametrize(
    "weekdays", [frozenset(), frozenset({Weekday.WEDNESDAY, Weekday.SATURDAY})], ids=str
)
def test_a_unit_on_no_weekday_or_on_the_weekend_is_found(weekdays: frozenset[Weekday]) -> None:
    found = problems_of(establishment(units=(unit(weekdays=weekdays),)))
    assert found == [
        Problem(
            here("units", "MATIN", "weekdays"), "les jours de la semaine vont du lundi au vendredi"
        )
    ]


def test_a_closure_ending_before_it_starts_is_found() -> None:
    closures = (
        Closure(date(2026, 12, 24), date(2027, 1, 1), "Fermeture de fin d'année"),
        Closure(date(2027, 8, 20), date(2027, 8, 9), "Fermeture estivale"),
    )
    found = problems_of(establishment(closures=closures))
    assert found == [Problem(here("closures", 1), "la fermeture finit avant de commencer")]


def test_a_booking_period_ending_before_it_starts_is_found() -> None:
    backwards = DeadlineOverride(date(2027, 8, 31), date(2027, 7, 5), NoDeadline())
    june = pendulum.datetime(2027, 6, 1, 8, tz="Europe/Paris")
    window = BookingWindow(date(2027, 8, 31), date(2027, 7, 5), june, june)
    rules = BookingRules(
        DeadlineSchedule(NoDeadline(), (backwards,)),
        DeadlineSchedule(NoDeadline()),
        (window,),
    )
    found = problems_of(establishment(units=(unit(rules=rules),)))
    assert found == [
        Problem(
            here("units", "MATIN", "booking", "booking_deadline", 0),
            "la période finit avant de commencer",
        ),
        Problem(
            here("units", "MATIN", "booking", "windows", 0), "la période finit avant de commencer"
        ),
    ]


# ---------------------------------------------------------------- places and age groups


def test_places_given_with_age_groups_are_found() -> None:
    found = problems_of(establishment(units=(unit(places=40, age_groups=(MAT, ELEM)),)))
    assert found == [
        Problem(
            here("units", "MATIN", "places"),
            "avec des tranches d'âge, les places se donnent par tranche",
        )
    ]


def test_age_groups_without_unit_places_are_sound() -> None:
    assert problems_of(establishment(units=(unit(places=None, age_groups=(MAT, ELEM)),))) == []


def test_negative_places_are_found() -> None:
    found = problems_of(establishment(units=(unit(places=-1),)))
    assert found == [
        Problem(here("units", "MATIN", "places"), "le nombre de places ne peut être négatif")
    ]


def test_a_duplicate_age_group_is_found() -> None:
    found = problems_of(establishment(units=(unit(places=None, age_groups=(MAT, MAT)),)))
    assert found == [
        Problem(here("units", "MATIN", "age_groups", "MAT"), "tranche d'âge « MAT » en double")
    ]


@pytest.mark.parametrize(("min_age", "max_age"), [(6, 5), (-1, 5), (3, 26)])
def test_impossible_ages_are_found(min_age: int, max_age: int) -> None:
    group = AgeGroup("G", "Groupe", min_age, max_age, 10)
    found = problems_of(establishment(units=(unit(places=None, age_groups=(group,)),)))
    assert found == [
        Problem(
            here("units", "MATIN", "age_groups", "G"),
            "âges impossibles (de 0 à 25 ans, minimum avant maximum)",
        )
    ]


def test_a_capacity_override_on_an_unknown_age_group_is_found() -> None:
    overrides = (
        CapacityOverride(date(2027, 7, 5), date(2027, 7, 30), 48, "ELEM"),
        CapacityOverride(date(2027, 7, 5), date(2027, 7, 30), 48, "ADOS"),
    )
    found = problems_of(
        establishment(
            units=(unit(places=None, age_groups=(MAT, ELEM), capacity_overrides=overrides),)
        )
    )
    assert found == [
        Problem(
            here("units", "MATIN", "capacity_overrides", 1), "tranche d'âge inconnue : « ADOS »"
        )
    ]


def test_a_capacity_override_without_age_group_on_a_unit_with_groups_is_found() -> None:
    override = CapacityOverride(date(2027, 7, 5), date(2027, 7, 30), 48)
    found = problems_of(
        establishment(units=(unit(places=None, age_groups=(MAT,), capacity_overrides=(override,)),))
    )
    assert found == [
        Problem(
            here("units", "MATIN", "capacity_overrides", 0),
            "précisez la tranche d'âge (age_group)",
        )
    ]


def test_a_capacity_override_ending_before_it_starts_is_found() -> None:
    override = CapacityOverride(date(2027, 7, 30), date(2027, 7, 5), 48)
    found = problems_of(establishment(units=(unit(capacity_overrides=(override,)),)))
    assert found == [
        Problem(
            here("units", "MATIN", "capacity_overrides", 0), "la période finit avant de commencer"
        )
    ]


# ---------------------------------------------------------------- tariffs


def test_overlapping_tariffs_of_a_unit_are_found() -> None:
    tariffs = (
        tariff(date(2025, 9, 1), date(2026, 8, 31)),
        tariff(date(2026, 8, 1)),
    )
    found = problems_of(establishment(units=(unit(tariffs=tariffs),)))
    assert found == [
        Problem(
            here("units", "MATIN", "tariffs"),
            "deux tarifs s'appliquent en même temps à partir du 01/08/2026",
        )
    ]


def test_an_open_ended_tariff_followed_by_another_is_found_whatever_the_order() -> None:
    tariffs = (tariff(date(2026, 9, 1)), tariff(date(2025, 9, 1)))
    found = problems_of(establishment(units=(unit(tariffs=tariffs),)))
    assert found == [
        Problem(
            here("units", "MATIN", "tariffs"),
            "deux tarifs s'appliquent en même temps à partir du 01/09/2026",
        )
    ]


def test_tariffs_following_each_other_are_sound() -> None:
    tariffs = (
        tariff(date(2025, 9, 1), date(2026, 8, 31)),
        tariff(date(2026, 9, 1)),
    )
    assert problems_of(establishment(units=(unit(tariffs=tariffs),))) == []


def test_a_broken_tariff_is_found_with_its_index() -> None:
    broken = Tariff(date(2026, 9, 1), None, (QuotientBracket(0, 500, Money(100), Money(200)),))
    tariffs = (tariff(date(2025, 9, 1), date(2026, 8, 31)), broken)
    found = problems_of(establishment(units=(unit(tariffs=tariffs),)))
    assert found == [
        Problem(
            here("units", "MATIN", "tariffs", 1), "la dernière tranche ne doit pas avoir de maximum"
        )
    ]


# ---------------------------------------------------------------- all at once


def test_every_problem_is_found_at_once_in_catalogue_order() -> None:
    found = catalogue_problems(
        catalogue(
            establishment(school_code="PINS", units=(unit(end=time(7, 0)),)),
            establishment("SMA", ServiceKind.SMA, units=(unit(),)),
        )
    )
    assert [p.where for p in found] == [
        here("school"),
        here("units", "MATIN", "end"),
        ("establishments", "SMA", "units"),
    ]


# ---------------------------------------------------------------- the catalogue's own rules


def test_places_on_a_day_come_from_the_age_group_or_its_override(demo: Catalogue) -> None:
    alsh = demo.establishment("ALSH")
    assert alsh is not None
    journee = alsh.unit("JOURNEE")
    assert journee is not None
    assert journee.places_on(date(2027, 7, 4), "ELEM") == 36
    assert journee.places_on(date(2027, 7, 5), "ELEM") == 48
    assert journee.places_on(date(2027, 7, 30), "ELEM") == 48
    assert journee.places_on(date(2027, 7, 31), "ELEM") == 36
    assert journee.places_on(date(2027, 7, 5), "MAT") == 24


def test_places_of_a_unit_without_age_groups_follow_whole_unit_overrides() -> None:
    override = CapacityOverride(date(2027, 7, 5), date(2027, 7, 30), 10)
    summer = unit(places=40, capacity_overrides=(override,))
    assert summer.places_on(date(2027, 7, 4)) == 40
    assert summer.places_on(date(2027, 7, 5)) == 10
    assert summer.places_on(date(2027, 7, 31)) == 40


def test_a_unit_without_places_is_unlimited() -> None:
    assert unit(places=None).places_on(date(2027, 3, 1)) is None


def test_the_tariff_on_a_day_is_the_one_in_force() -> None:
    old, new = tariff(date(2025, 9, 1), date(2026, 8, 31)), tariff(date(2026, 9, 1))
    priced = unit(tariffs=(old, new))
    assert priced.tariff_on(date(2025, 8, 31)) is None
    assert priced.tariff_on(date(2026, 8, 31)) is old
    assert priced.tariff_on(date(2026, 9, 1)) is new


@pytest.mark.parametrize(
    ("birth", "on", "age"),
    [
        (date(2021, 6, 10), date(2024, 6, 9), 2),
        (date(2021, 6, 10), date(2024, 6, 10), 3),
        (date(2020, 2, 29), date(2027, 2, 28), 6),
        (date(2020, 2, 29), date(2027, 3, 1), 7),
        (date(2020, 2, 29), date(2028, 2, 29), 8),
    ],
    ids=str,
)
def test_age_in_years_counts_completed_years(birth: date, on: date, age: int) -> None:
    assert age_in_years(birth, on) == age


def test_an_age_group_admits_children_from_min_to_max_age_inclusive() -> None:
    born = date(2021, 6, 10)
    assert not MAT.admits(born, date(2024, 6, 9))
    assert MAT.admits(born, date(2024, 6, 10))
    assert MAT.admits(born, date(2027, 6, 9))
    assert not MAT.admits(born, date(2027, 6, 10))
