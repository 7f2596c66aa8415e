"""The school map is stored with the catalogue, on memory, SQLite and PostgreSQL alike; and
migration 0021 adds its table and nothing else."""

from __future__ import annotations

from importlib.resources import files

import attrs
import pytest
from sqlalchemy import Engine, inspect, text
from sqlalchemy.exc import IntegrityError

from adapters.commune_file import read_commune_file
from adapters.persistence import downgrade, upgrade
from portail_core.domain.catalogue.establishments import Catalogue
from portail_core.domain.catalogue.school_map import SchoolMap, Sector, Side
from tests.integration.conftest import UowFactory


@pytest.fixture(scope="module")
def demo() -> Catalogue:
    text = (files("entrypoints.demo") / "commune-demo.toml").read_text("utf-8")
    return read_commune_file(text).catalogue


def replace(new_uow: UowFactory, catalogue: Catalogue) -> None:
    with new_uow() as uow:
        uow.catalogue.replace(catalogue)
        uow.commit()


def stored_map(new_uow: UowFactory) -> SchoolMap:
    with new_uow(read_only=True) as uow:
        return uow.catalogue.get().school_map


def test_the_school_map_reads_back_value_for_value(new_uow: UowFactory, demo: Catalogue) -> None:
    assert stored_map(new_uow) == SchoolMap()
    replace(new_uow, demo)
    assert stored_map(new_uow) == demo.school_map
    assert stored_map(new_uow).school_for("12 bis rue des Pins", "99100") == "PINS"


def test_a_new_map_replaces_the_old_one_whole(new_uow: UowFactory, demo: Catalogue) -> None:
    replace(new_uow, demo)
    other = SchoolMap((Sector("PLAGE", "rue des Pins", 1, 99, Side.ODD),), postcodes=("99100",))
    replace(new_uow, attrs.evolve(demo, school_map=other))
    assert stored_map(new_uow) == other
    replace(new_uow, attrs.evolve(demo, school_map=SchoolMap()))
    assert stored_map(new_uow) == SchoolMap()


def test_a_map_of_postcodes_only_is_kept(new_uow: UowFactory, demo: Catalogue) -> None:
    only_postcodes = SchoolMap(postcodes=("99100",))
    replace(new_uow, attrs.evolve(demo, school_map=only_postcodes))
    assert stored_map(new_uow) == only_postcodes


def test_0021_creates_the_school_map_table_and_its_downgrade_removes_it(
    empty_engine: Engine,
) -> None:
    upgrade(empty_engine, "0020")
    before = set(inspect(empty_engine).get_table_names())
    assert "school_map" not in before
    upgrade(empty_engine, "0021")
    assert set(inspect(empty_engine).get_table_names()) == before | {"school_map"}
    with empty_engine.begin() as connection:
        connection.execute(text("INSERT INTO school_map (id, definition) VALUES (1, '{}')"))
    with pytest.raises(IntegrityError), empty_engine.begin() as connection:
        connection.execute(text("INSERT INTO school_map (id, definition) VALUES (2, '{}')"))
    downgrade(empty_engine, "0020")
    assert set(inspect(empty_engine).get_table_names()) == before
    upgrade(empty_engine)
    assert "school_map" in inspect(empty_engine).get_table_names()
