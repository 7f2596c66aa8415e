"""The canteen's menus: a row per dish; a restaurant's week is deleted and written again whole."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date
from itertools import groupby
from typing import Any

from sqlalchemy import Connection, Row, delete, insert, select

from adapters.persistence.tables import menu_dishes
from adapters.persistence.transaction import OpenTransaction
from portail_core.domain.menus import Course, Dish, MenuDay, WeekMenu
from portail_core.domain.shared.allergens import Allergen

__all__ = ["SqlMenuRepositories", "SqlMenuRepository"]


def _dish(row: Row[Any]) -> Dish:
    allergens = frozenset(Allergen(code) for code in row.allergens.split(",") if code)
    return Dish(Course(row.course), row.name, allergens)


def _dish_rows(week: WeekMenu) -> list[dict[str, Any]]:
    rows = []
    for menu_day in week.days:
        for position, dish in enumerate(menu_day.dishes):
            rows.append(
                {
                    "establishment_code": week.establishment_code,
                    "week": week.monday,
                    "day": menu_day.day,
                    "position": position,
                    "course": dish.course.value,
                    "name": dish.name,
                    "allergens": ",".join(a.value for a in Allergen if a in dish.allergens),
                }
            )
    return rows


class SqlMenuRepository:
    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def replace_weeks(self, weeks: Sequence[WeekMenu]) -> None:
        m = menu_dishes.c
        mondays: dict[str, list[date]] = {}
        for week in weeks:
            mondays.setdefault(week.establishment_code, []).append(week.monday)
        for code, of_code in mondays.items():
            for start in range(0, len(of_code), 500):  # bounded statements, however long
                chunk = of_code[start : start + 500]
                self._connection.execute(
                    delete(menu_dishes).where(m.establishment_code == code, m.week.in_(chunk))
                )
        rows = [row for week in weeks for row in _dish_rows(week)]
        if rows:
            self._connection.execute(insert(menu_dishes), rows)

    def weeks(
        self,
        first: date,
        last: date,
        *,
        establishment_codes: Collection[str] | None = None,
    ) -> list[WeekMenu]:
        m = menu_dishes.c
        query = (
            select(menu_dishes)
            .where(m.week >= first, m.week <= last)
            .order_by(m.establishment_code, m.week, m.day, m.position)
        )
        if establishment_codes is not None:
            query = query.where(m.establishment_code.in_(list(establishment_codes)))
        found = []
        rows = self._connection.execute(query).all()
        for (code, monday), dishes in groupby(rows, key=lambda r: (r.establishment_code, r.week)):
            days = tuple(
                MenuDay(day, tuple(_dish(r) for r in of_day))
                for day, of_day in groupby(dishes, key=lambda r: r.day)
            )
            found.append(WeekMenu(code, monday, days))
        return found

    def published(self) -> dict[str, list[date]]:
        m = menu_dishes.c
        query = (
            select(m.establishment_code, m.week).distinct().order_by(m.establishment_code, m.week)
        )
        found: dict[str, list[date]] = {}
        for code, monday in self._connection.execute(query):
            found.setdefault(code, []).append(monday)
        return found


class SqlMenuRepositories(OpenTransaction):
    """The repositories a unit of work gives on its transaction."""

    @property
    def menus(self) -> SqlMenuRepository:
        return SqlMenuRepository(self.connection())
