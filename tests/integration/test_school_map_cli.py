"""`portail catalogue school-map` and `portail catalogue sector`, on a real SQLite database."""

from __future__ import annotations

import json
from pathlib import Path

from tests.integration.test_catalogue_cli import DEMO, loaded, migrated, run

__all__ = ["loaded", "migrated"]  # the fixtures, shared with the catalogue's CLI tests


def test_loading_the_demo_says_the_school_map_is_loaded(migrated: Path) -> None:
    first = run(["catalogue", "load", str(DEMO)], migrated)
    assert "  Carte scolaire mise à jour : 11 secteur(s)" in first.output
    again = run(["catalogue", "load", str(DEMO)], migrated)
    assert "Carte scolaire" not in again.output


def test_the_school_map_is_listed_for_people_and_programs(loaded: Path) -> None:
    table = run(["catalogue", "school-map"], loaded)
    assert table.exit_code == 0, table.output
    assert "avenue de l'Océan" in table.output
    assert "impair" in table.output
    listed = json.loads(run(["catalogue", "school-map", "--format", "json"], loaded).output)
    assert listed["postcodes"] == ["99100"]
    assert listed["sectors"][1] == {
        "street": "avenue de l'Océan",
        "from": 2,
        "to": 40,
        "side": "pair",
        "school": "PLAGE",
    }


def test_the_sector_school_of_an_address(loaded: Path) -> None:
    result = run(["catalogue", "sector", "12 bis rue des Pins", "--postcode", "99100"], loaded)
    assert (result.exit_code, result.output) == (0, "PINS : École des Pins\n")
    result = run(["catalogue", "sector", "41 av. de l'ocean"], loaded)
    assert result.output == "PLAGE : École de la Plage\n"


def test_an_address_outside_the_map_exits_2_in_french(loaded: Path) -> None:
    result = run(["catalogue", "sector", "7 rue Inconnue"], loaded)
    assert result.exit_code == 2
    assert "La voie « rue Inconnue » n'est pas dans la carte scolaire" in result.output


def test_without_a_loaded_map_the_commands_say_so(migrated: Path) -> None:
    result = run(["catalogue", "school-map"], migrated)
    assert result.exit_code == 3
    assert "Aucune carte scolaire n'est chargée" in result.output
