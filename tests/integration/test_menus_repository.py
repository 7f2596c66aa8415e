"""The menus' repository on the in-memory twin, SQLite and PostgreSQL: weeks stored and read
back by restaurant and Monday, a week replaced whole, what is published, a rollback keeps
nothing."""

from __future__ import annotations

from datetime import date

from adapters.clock import FixedClock
from portail_core.domain.menus import Course, Dish, MenuDay, WeekMenu
from portail_core.domain.shared.allergens import Allergen
from portail_core.services.catalogue.offer import load_catalogue
from tests.integration.conftest import UowFactory
from tests.unit.reservation_world import DESK, NOW, demo_catalogue

MONDAY = date(2026, 9, 7)
NEXT = date(2026, 9, 14)


def week(code: str, monday: date, *dishes: Dish) -> WeekMenu:
    return WeekMenu(code, monday, (MenuDay(monday, dishes),))


CARROTS = Dish(Course.STARTER, "Carottes râpées", frozenset({Allergen.MUSTARD}))
BROWNIE = Dish(
    Course.DESSERT, "Brownie", frozenset({Allergen.GLUTEN, Allergen.EGGS, Allergen.PEANUTS})
)
APPLE = Dish(Course.DESSERT, "Pomme")


def with_catalogue(new_uow: UowFactory) -> None:
    details, catalogue = demo_catalogue()
    load_catalogue(new_uow(), details, catalogue, actor=DESK, clock=FixedClock(NOW))


def test_weeks_are_stored_replaced_and_read_back(new_uow: UowFactory) -> None:
    with_catalogue(new_uow)
    two_days = WeekMenu(
        "CANTINE-PLAGE",
        MONDAY,
        (MenuDay(MONDAY, (CARROTS, BROWNIE)), MenuDay(date(2026, 9, 8), (APPLE,))),
    )
    with new_uow() as uow:
        uow.menus.replace_weeks(
            [two_days, week("CANTINE-PLAGE", NEXT, APPLE), week("CANTINE-PINS", MONDAY, APPLE)]
        )
        uow.commit()
    with new_uow(read_only=True) as uow:
        assert uow.menus.weeks(MONDAY, MONDAY, establishment_codes=["CANTINE-PLAGE"]) == [two_days]
        assert [(w.establishment_code, w.monday) for w in uow.menus.weeks(MONDAY, NEXT)] == [
            ("CANTINE-PINS", MONDAY),
            ("CANTINE-PLAGE", MONDAY),
            ("CANTINE-PLAGE", NEXT),
        ]
        assert uow.menus.published() == {
            "CANTINE-PINS": [MONDAY],
            "CANTINE-PLAGE": [MONDAY, NEXT],
        }
    replacement = week("CANTINE-PLAGE", MONDAY, APPLE)
    with new_uow() as uow:
        uow.menus.replace_weeks([replacement])
        uow.commit()
    with new_uow(read_only=True) as uow:
        assert uow.menus.weeks(MONDAY, MONDAY, establishment_codes=["CANTINE-PLAGE"]) == [
            replacement
        ]
        assert len(uow.menus.weeks(MONDAY, NEXT)) == 3  # the other weeks untouched


def test_a_rolled_back_import_keeps_nothing(new_uow: UowFactory) -> None:
    with_catalogue(new_uow)
    with new_uow() as uow:
        uow.menus.replace_weeks([week("CANTINE-PLAGE", MONDAY, CARROTS)])  # no commit
    with new_uow(read_only=True) as uow:
        assert uow.menus.published() == {}
        assert uow.menus.weeks(date.min, date.max) == []
