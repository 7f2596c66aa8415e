"""Migration 0017 on SQLite and PostgreSQL: it creates the menus' table (with its index and its
link to the establishments) and nothing else; its downgrade removes it, the rest kept."""

from __future__ import annotations

from sqlalchemy import Engine, inspect, text

from adapters.persistence import downgrade, upgrade


def test_0017_creates_the_menus_table_and_its_downgrade_removes_it(empty_engine: Engine) -> None:
    upgrade(empty_engine, "0016")
    before = set(inspect(empty_engine).get_table_names())
    assert "menu_dishes" not in before
    upgrade(empty_engine, "0017")
    inspector = inspect(empty_engine)
    assert set(inspector.get_table_names()) == before | {"menu_dishes"}
    assert [i["name"] for i in inspector.get_indexes("menu_dishes")] == [
        "ix_menu_dishes_establishment_code_week"
    ]
    [link] = inspector.get_foreign_keys("menu_dishes")
    assert (link["referred_table"], link["referred_columns"]) == ("establishments", ["code"])
    with empty_engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO establishments (code, name, kind, address, contact_email, closures, "
                "position, active) VALUES ('CANTINE', 'Cantine', 'RESTAURATION', '', "
                "'a@b.fr', '[]', 0, true)"
            )
        )
        connection.execute(
            text(
                "INSERT INTO menu_dishes (establishment_code, week, day, position, course, name, "
                "allergens) VALUES ('CANTINE', '2026-09-07', '2026-09-07', 0, 'plat', 'Poulet', "
                "'')"
            )
        )
    downgrade(empty_engine, "0016")
    assert set(inspect(empty_engine).get_table_names()) == before
    with empty_engine.connect() as connection:
        assert connection.execute(text("SELECT code FROM establishments")).scalars().all() == [
            "CANTINE"
        ]
    upgrade(empty_engine)
    assert "menu_dishes" in inspect(empty_engine).get_table_names()
