"""Menus against the in-memory unit of work: the 14 allergens read however a kitchen writes
them; a file's lines become weeks by restaurant, each refused line named by its number in
French, and one refused line refuses the file; a week imported again replaces the stored one
whole; a family sees the menus of its children's restaurant only, with the allergens each child
must avoid highlighted, and that read is audited; a commune without menus shows nothing."""

from __future__ import annotations

from datetime import date

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from adapters.memory.audit import AuditState
from portail_core.domain.bookings.reservation import Reservation
from portail_core.domain.dossiers.child import Child, HealthChange
from portail_core.domain.menus import Course, MenuLine, monday_of, read_lines
from portail_core.domain.shared.allergens import Allergen, allergens_fr, parse_allergen
from portail_core.errors import InvalidInput, NotFound
from portail_core.services.menus.importing import MAX_LINES, import_menus
from portail_core.services.menus.reading import (
    desk_week,
    family_has_menus,
    family_menus,
    menu_summaries,
)
from tests.unit.reservation_world import DESK, FAMILY, World, demo_catalogue, make_world

MONDAY = date(2026, 9, 7)


def line(
    number: int, day: str, course: str, name: str, allergens: str = "", where: str = "CANTINE-PLAGE"
) -> MenuLine:
    return MenuLine(f"ligne {number}", where, day, course, name, allergens)


WEEK = [
    line(2, "07/09/2026", "dessert", "Pomme"),
    line(3, "07/09/2026", "plat", "Poulet rôti"),
    line(4, "07/09/2026", "entrée", "Carottes râpées", "moutarde"),
    line(5, "2026-09-08", "Fromage ou laitage", "Yaourt", "lait"),
    line(6, "08/09/2026", "dessert", "Brownie aux cacahuètes", "gluten, Œufs | lait, arachide"),
]


@pytest.fixture
def world() -> World:
    return make_world()


def audit_actions(world: World) -> list[str]:
    return [e.action for e in world.store.committed(AuditState).audit_events]


def set_allergens(world: World, first_name: str, *allergens: Allergen) -> None:
    with world.uow() as uow:
        family = uow.families.get(world.martin)
        assert family is not None
        child = next(c for c in family.children if c.first_name == first_name)
        child.allergens = frozenset(allergens)
        uow.families.update(family, world.clock.now())
        uow.commit()


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("gluten", Allergen.GLUTEN),
        ("Œufs", Allergen.EGGS),
        ("oeuf", Allergen.EGGS),
        ("fruits à coque", Allergen.NUTS),
        ("fruits_a_coque", Allergen.NUTS),
        (" Céleri ", Allergen.CELERY),
        ("arachide", Allergen.PEANUTS),
        ("graines de sésame", Allergen.SESAME),
        ("anhydride sulfureux et sulfites", Allergen.SULPHITES),
        ("noix de coco", None),
        ("", None),
    ],
)
def test_an_allergen_is_read_however_it_is_written(typed: str, expected: Allergen | None) -> None:
    assert parse_allergen(typed) is expected


def test_the_fourteen_allergens_of_the_regulation() -> None:
    assert len(Allergen) == 14
    assert allergens_fr([Allergen.MILK, Allergen.GLUTEN]) == "gluten, lait"


@given(st.sets(st.sampled_from(list(Allergen))))
def test_every_allergen_reads_back_from_its_code_and_its_label(chosen: set[Allergen]) -> None:
    for allergen in chosen:
        assert parse_allergen(allergen.value) is allergen
        assert parse_allergen(allergen.label.upper()) is allergen


def test_lines_become_weeks_by_restaurant_with_courses_in_order() -> None:
    _, catalogue = demo_catalogue()
    weeks, problems = read_lines(WEEK, catalogue.establishments, MONDAY)
    assert problems == {}
    [week] = weeks
    assert (week.establishment_code, week.monday) == ("CANTINE-PLAGE", MONDAY)
    monday, tuesday = week.days
    assert [d.course for d in monday.dishes] == [Course.STARTER, Course.MAIN, Course.DESSERT]
    brownie = tuesday.dishes[1]
    assert brownie.allergens_text == "gluten, œufs, arachides, lait"
    assert week.dish_count == 5


def test_every_refused_line_is_named_by_its_number_in_french() -> None:
    _, catalogue = demo_catalogue()
    lines = [
        line(2, "31/02/2026", "plat", "Poulet"),
        line(3, "2026-13-01", "plat", "Poulet"),
        line(4, "lundi", "plat", "Poulet"),
        line(5, "07/09/2026", "plat", "Poulet", "gluten, noix de coco"),
        line(6, "07/09/2026", "soupe", "Velouté"),
        line(7, "07/09/2026", "plat", "Poulet", where="APS-PLAGE"),
        line(8, "07/09/2026", "plat", "Poulet", where="INCONNUE"),
        line(9, "07/09/2026", "plat", ""),
        line(10, "07/09/2026", "plat", "x" * 151),
        line(11, "07/09/2026", "plat", "Poulet\u202e"),
        MenuLine("ligne 12", "", "", "", "", "", problem="3 colonne(s) au lieu de 5"),
        line(13, "07/09/2026", "plat", "Poulet"),
    ]
    weeks, problems = read_lines(lines, catalogue.establishments, MONDAY)
    assert list(problems) == [f"ligne {n}" for n in range(2, 13)]
    assert "date « 31/02/2026 » illisible : JJ/MM/AAAA ou AAAA-MM-JJ" in problems["ligne 2"]
    assert "allergène inconnu « noix de coco »" in problems["ligne 5"]
    assert "composante « soupe » inconnue" in problems["ligne 6"]
    assert "structure « APS-PLAGE » inconnue ou sans repas" in problems["ligne 7"]
    assert "intitulé du plat manquant" in problems["ligne 9"]
    assert "150 caractères" in problems["ligne 10"]
    assert "U+202E" in problems["ligne 11"]
    assert problems["ligne 12"] == "3 colonne(s) au lieu de 5."
    assert [w.dish_count for w in weeks] == [1]  # the good line, which import_menus refuses too


def test_one_refused_line_refuses_the_whole_file(world: World) -> None:
    lines = [*WEEK, line(7, "08/09/2026", "plat", "Omelette", "lupin, ketchup")]
    with pytest.raises(InvalidInput) as refused:
        import_menus(world.uow(), world.clock, lines, actor=DESK)
    assert refused.value.message.startswith("1 ligne(s) refusée(s) sur 6 : rien n'est enregistré")
    assert list(refused.value.problems) == ["ligne 7"]
    assert menu_summaries(world.uow()) == []
    assert "menus.import" not in audit_actions(world)


def test_a_dry_run_checks_and_stores_nothing(world: World) -> None:
    report = import_menus(world.uow(), world.clock, WEEK, actor=DESK, dry_run=True)
    assert report.dish_count == 5
    assert menu_summaries(world.uow()) == []


def test_too_many_lines_or_none_are_refused(world: World) -> None:
    with pytest.raises(InvalidInput, match="aucun plat"):
        import_menus(world.uow(), world.clock, [], actor=DESK)
    many = [line(n, "07/09/2026", "plat", "Poulet") for n in range(MAX_LINES + 1)]
    with pytest.raises(InvalidInput, match="Fichier trop long"):
        import_menus(world.uow(), world.clock, many, actor=DESK)


def test_importing_a_week_again_replaces_it_whole(world: World) -> None:
    import_menus(world.uow(), world.clock, WEEK, actor=DESK)
    again = [line(2, "10/09/2026", "plat", "Lasagnes", "gluten, lait")]
    report = import_menus(world.uow(), world.clock, again, actor=DESK)
    assert [w.monday for w in report.replaced] == [MONDAY]
    found = desk_week(world.uow(), "cantine-plage", date(2026, 9, 10))
    assert [d.day for d in found.week.days] == [date(2026, 9, 10)]  # Monday and Tuesday gone
    assert found.establishment_name == "Restaurant scolaire de l'école de la Plage"
    assert audit_actions(world).count("menus.import") == 2
    with pytest.raises(NotFound, match="Aucun menu de CANTINE-PLAGE pour la semaine du 14/09"):
        desk_week(world.uow(), "CANTINE-PLAGE", date(2026, 9, 14))


def test_a_family_sees_its_school_s_menu_with_its_child_s_allergens_highlighted(
    world: World,
) -> None:
    other_school = [line(2, "07/09/2026", "plat", "Couscous", "gluten", where="CANTINE-PINS")]
    import_menus(world.uow(), world.clock, [*WEEK, *other_school], actor=DESK)
    set_allergens(world, "Tom", Allergen.PEANUTS, Allergen.MUSTARD)
    before = audit_actions(world).count("child.health_read")
    menus = family_menus(world.uow(), world.clock, world.martin, date(2026, 9, 9), actor=FAMILY)
    assert menus.monday == monday_of(date(2026, 9, 9))
    [restaurant] = menus.restaurants  # not the Pins school's, where no child goes
    assert restaurant.establishment.code == "CANTINE-PLAGE"
    assert [c.first_name for c in restaurant.children] == ["Léa", "Tom"]
    assert restaurant.week is not None
    monday, tuesday = restaurant.week.days
    assert restaurant.warnings(monday.dishes[0]) == ["Tom : moutarde"]
    assert restaurant.warnings(tuesday.dishes[1]) == ["Tom : arachides"]
    assert restaurant.warnings(monday.dishes[1]) == []
    events = [
        e for e in world.store.committed(AuditState).audit_events if e.action == "child.health_read"
    ]
    assert len(events) == before + 1
    assert events[-1].summary == "Allergies consultées avec les menus : Tom"
    assert "arachides" not in str(events[-1].details)


def test_no_allergen_ticked_means_no_health_read(world: World) -> None:
    import_menus(world.uow(), world.clock, WEEK, actor=DESK)
    family_menus(world.uow(), world.clock, world.martin, MONDAY, actor=FAMILY)
    assert "child.health_read" not in audit_actions(world)


def test_weeks_around_and_a_week_without_menu(world: World) -> None:
    later = [line(2, "21/09/2026", "plat", "Poisson", "poisson")]
    import_menus(world.uow(), world.clock, [*WEEK, *later], actor=DESK)
    between = family_menus(world.uow(), world.clock, world.martin, date(2026, 9, 14), actor=FAMILY)
    assert (between.previous, between.next) == (MONDAY, date(2026, 9, 21))
    assert not between.any
    assert between.restaurants[0].week is None
    first = family_menus(world.uow(), world.clock, world.martin, MONDAY, actor=FAMILY)
    assert (first.previous, first.next) == (None, date(2026, 9, 21))


def test_a_commune_without_menus_shows_nothing(world: World) -> None:
    assert not family_has_menus(world.uow(), world.martin)
    with pytest.raises(NotFound):
        family_menus(world.uow(), world.clock, world.martin, MONDAY, actor=FAMILY)
    import_menus(
        world.uow(),
        world.clock,
        [line(2, "07/09/2026", "plat", "X", where="CANTINE-PINS")],
        actor=DESK,
    )
    assert not family_has_menus(world.uow(), world.martin)  # another school's only
    import_menus(world.uow(), world.clock, WEEK, actor=DESK)
    assert family_has_menus(world.uow(), world.martin)


def test_the_leisure_centre_s_menu_is_shown_in_the_weeks_the_child_is_booked(world: World) -> None:
    wednesday = date(2026, 9, 9)
    alsh = [line(2, "09/09/2026", "plat", "Pâtes bolognaise", "gluten", where="ALSH")]
    import_menus(world.uow(), world.clock, alsh, actor=DESK)
    assert not family_has_menus(world.uow(), world.martin)
    with world.uow() as uow:
        uow.reservations.add(
            Reservation(
                world.martin,
                world.child_id("Léa"),
                "ALSH",
                "JOURNEE",
                wednesday,
                "",
                world.clock.now(),
                "C-1",
            )
        )
        uow.commit()
    assert family_has_menus(world.uow(), world.martin)
    menus = family_menus(world.uow(), world.clock, world.martin, wednesday, actor=FAMILY)
    assert [
        (r.establishment.code, [c.first_name for c in r.children]) for r in menus.restaurants
    ] == [("ALSH", ["Léa"])]


def test_a_child_s_allergens_are_among_the_fourteen_and_a_health_field() -> None:
    with pytest.raises(InvalidInput) as refused:
        Child.create(
            first_name="Léa",
            last_name="Martin",
            birth_date=date(2019, 3, 14),
            today=MONDAY,
            allergens=["arachides", "kiwi"],
        )
    assert "règlement européen" in refused.value.problems["allergens"]
    old = Child.create(
        first_name="Léa", last_name="Martin", birth_date=date(2019, 3, 14), today=MONDAY
    )
    new = attrs.evolve(old, allergens=frozenset({Allergen.PEANUTS}))
    assert HealthChange.between(old, new).health_fields == ["allergens"]
    assert "PEANUTS" not in repr(new)
    assert "arachides" not in repr(new)
