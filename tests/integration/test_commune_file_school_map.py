"""The commune file's school map ([school_map]): read into the catalogue, every error located
with its line (unknown school, overlap, bad side or number), nothing loaded on any error."""

from __future__ import annotations

from importlib.resources import files

import pytest

from adapters.commune_file import read_commune_file
from portail_core.domain.catalogue.school_map import MAX_HOUSE_NUMBER, SchoolMap, Sector, Side
from portail_core.errors import InvalidInput
from tests.integration.test_commune_file import MINIMAL

DEMO = (files("entrypoints.demo") / "commune-demo.toml").read_text("utf-8")


def with_map(text: str) -> str:
    return MINIMAL + "\n" + text


def errors_of(text: str) -> dict[str, str]:
    with pytest.raises(InvalidInput) as caught:
        read_commune_file(text)
    assert "rien n'est chargé" in caught.value.message
    return caught.value.problems


def line_of(text: str, needle: str, occurrence: int = 1) -> int:
    lines = [n for n, line in enumerate(text.splitlines(), start=1) if needle in line]
    return lines[occurrence - 1]


def test_a_file_without_school_map_has_an_empty_one() -> None:
    assert read_commune_file(MINIMAL).catalogue.school_map == SchoolMap()


def test_the_demo_town_has_a_school_map_for_both_schools() -> None:
    school_map = read_commune_file(DEMO).catalogue.school_map
    assert school_map.postcodes == ("99100",)
    assert school_map.sectors[:3] == (
        Sector("PLAGE", "avenue de l'Océan", 1, MAX_HOUSE_NUMBER, Side.ODD),
        Sector("PLAGE", "avenue de l'Océan", 2, 40, Side.EVEN),
        Sector("PINS", "avenue de l'Océan", 42, MAX_HOUSE_NUMBER, Side.EVEN),
    )
    assert {sector.school for sector in school_map.sectors} == {"PLAGE", "PINS"}
    assert school_map.school_for("12 rue des Pins", "99100") == "PINS"


def test_sectors_read_with_their_defaults() -> None:
    text = with_map(
        """
[school_map]

[[school_map.sectors]]
school = "PLAGE"
street = "rue des Pins"

[[school_map.sectors]]
school = "PLAGE"
street = "avenue de l'Océan"
from = 1
to = 99
side = "impair"
"""
    )
    assert read_commune_file(text).catalogue.school_map == SchoolMap(
        (
            Sector("PLAGE", "rue des Pins"),
            Sector("PLAGE", "avenue de l'Océan", 1, 99, Side.ODD),
        )
    )


def test_sectors_without_the_school_map_header_read_all_the_same() -> None:
    text = with_map('[[school_map.sectors]]\nschool = "PLAGE"\nstreet = "rue des Pins"\n')
    assert read_commune_file(text).catalogue.school_map.sectors == (
        Sector("PLAGE", "rue des Pins"),
    )


def test_an_overlap_and_an_unknown_school_are_located_with_their_lines() -> None:
    text = with_map(
        """
[school_map]
postcodes = ["99100"]

[[school_map.sectors]]
school = "PLAGE"
street = "avenue de l'Océan"
from = 1
to = 99
side = "impair"

[[school_map.sectors]]
school = "PLAGE"
street = "Av. de l'ocean"
from = 51

[[school_map.sectors]]
school = "MAIRIE"
street = "place de la Mairie"
"""
    )
    second = line_of(text, "[[school_map.sectors]]", 2)
    third = line_of(text, "[[school_map.sectors]]", 3)
    assert errors_of(text) == {
        f"school_map > sectors n°2 « Av. de l'ocean » (ligne {second})": "chevauche le "
        "secteur n°1 (avenue de l'Océan, n° 1 à 99, côté impair, école PLAGE) : une adresse "
        "aurait deux écoles",
        f"school_map > sectors n°3 « place de la Mairie » > school (ligne {third + 1})": (
            "école inconnue : « MAIRIE »"
        ),
    }


def test_wrong_values_are_located_on_their_own_line() -> None:
    text = with_map(
        """
[school_map]
postcodes = ["991"]

[[school_map.sectors]]
school = "PLAGE"
street = "rue des Pins"
side = "gauche"
from = "un"

[[school_map.sectors]]
school = "PLAGE"
street = "rue du Port"
from = 30
to = 10
colour = "bleu"
"""
    )
    problems = errors_of(text)
    first = line_of(text, "[[school_map.sectors]]")
    assert problems[f"school_map > sectors n°1 « rue des Pins » > side (ligne {first + 3})"] == (
        "valeur inconnue : « gauche » (possibles : impair, pair, tous)"
    )
    assert problems[f"school_map > sectors n°1 « rue des Pins » > from (ligne {first + 4})"] == (
        "un nombre entier est attendu"
    )
    assert problems[f"school_map > sectors n°2 « rue du Port » (ligne {first + 6})"] == (
        "clé(s) inconnue(s) : colour"
    )


def test_numbers_and_postcodes_out_of_bounds_are_located() -> None:
    text = with_map(
        """
[school_map]
postcodes = ["991"]

[[school_map.sectors]]
school = "PLAGE"
street = "rue du Port"
from = 30
to = 10
"""
    )
    header = line_of(text, "[school_map]")
    sector = line_of(text, "[[school_map.sectors]]")
    assert errors_of(text) == {
        f"school_map > postcodes (ligne {header + 1})": "code postal invalide : « 991 » "
        "(5 chiffres)",
        f"school_map > sectors n°1 « rue du Port » > to (ligne {sector + 4})": (
            "le dernier numéro précède le premier"
        ),
    }


def test_a_school_map_that_is_not_a_table_is_refused() -> None:
    text = 'school_map = "PLAGE"\n' + MINIMAL
    assert errors_of(text) == {
        "school_map (ligne 1)": "une table est attendue (un en-tête [...] suivi de clés)"
    }
