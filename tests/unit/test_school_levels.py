"""School levels: the French levels with their labels, and the level a birth date gives."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from portail_core.domain.catalogue.school_levels import LEVELS, SchoolLevel, level_for, parse_level
from portail_core.domain.dossiers.completeness import SchoolYear
from portail_core.errors import InvalidInput

YEAR = SchoolYear(2026)  # 2026-2027


def test_the_levels_in_school_order_with_french_labels() -> None:
    assert [level.value for level in LEVELS] == [
        "TPS", "PS", "MS", "GS", "CP", "CE1", "CE2", "CM1", "CM2"
    ]  # fmt: skip
    assert SchoolLevel.PS.label == "Petite section (PS)"
    assert SchoolLevel.CE1.label == "Cours élémentaire 1re année (CE1)"
    assert SchoolLevel.CM2.label == "Cours moyen 2e année (CM2)"
    assert [level.stage for level in (SchoolLevel.GS, SchoolLevel.CP)] == [
        "maternelle",
        "élémentaire",
    ]
    assert [level.rank for level in LEVELS] == list(range(9))


@pytest.mark.parametrize(
    ("born", "level"),
    [
        (date(2024, 1, 1), SchoolLevel.TPS),
        (date(2023, 12, 31), SchoolLevel.PS),  # three in the civil year of the rentrée
        (date(2023, 1, 1), SchoolLevel.PS),
        (date(2022, 6, 15), SchoolLevel.MS),
        (date(2021, 9, 1), SchoolLevel.GS),
        (date(2020, 12, 31), SchoolLevel.CP),
        (date(2016, 1, 1), SchoolLevel.CM2),
    ],
)
def test_the_birth_year_gives_the_level(born: date, level: SchoolLevel) -> None:
    assert level_for(born, YEAR) is level


def test_too_young_or_past_the_primary_school_is_said_in_french() -> None:
    with pytest.raises(InvalidInput) as young:
        level_for(date(2025, 3, 1), YEAR)
    assert young.value.problems == {
        "birth_date": "Un enfant né en 2025 est trop jeune pour l'école en 2026-2027 : il "
        "pourra entrer en petite section en septembre 2028."
    }
    with pytest.raises(InvalidInput) as old:
        level_for(date(2015, 3, 1), YEAR)
    assert old.value.problems == {
        "birth_date": "Un enfant né en 2015 a passé l'âge de l'école primaire en 2026-2027 (le "
        "CM2 est pour les enfants nés en 2016)."
    }


@given(st.integers(2000, 2090), st.integers(3, 10), st.dates())
def test_a_child_born_in_y_is_in_ps_at_y_plus_3_and_one_level_up_each_year(
    birth_year: int, years_after: int, day: date
) -> None:
    born = date(birth_year, day.month, min(day.day, 28))
    assert level_for(born, SchoolYear(birth_year + 3)) is SchoolLevel.PS
    assert level_for(born, SchoolYear(birth_year + 6)) is SchoolLevel.CP
    assert level_for(born, SchoolYear(birth_year + years_after)).rank == years_after - 2


@pytest.mark.parametrize(("typed", "level"), [("CP", SchoolLevel.CP), (" ce1 ", SchoolLevel.CE1)])
def test_a_level_is_read_whatever_its_case(typed: str, level: SchoolLevel) -> None:
    assert parse_level(typed) is level


def test_an_unknown_level_gets_a_french_message() -> None:
    with pytest.raises(InvalidInput) as raised:
        parse_level("6e")
    message = "Niveau inconnu : « 6e ». Les niveaux sont : TPS, PS, MS, GS, CP, CE1, CE2, CM1, CM2."
    assert raised.value.message == message
    assert raised.value.problems == {"level": message}
