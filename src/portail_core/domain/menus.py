"""The canteen's weekly menus: each day's dishes by course, with the allergens they contain.

A menu belongs to an establishment of the catalogue that serves meals: a school restaurant
(« Restaurant scolaire de l'école de la Plage », kind RESTAURATION), or an accueil de loisirs
whose day includes lunch. A central kitchen that cooks for several schools sends one file with
a line per restaurant it serves: families see the menu of the restaurant where their child eats.

The desk loads them from a CSV file, one line per dish; a week of a restaurant is always replaced
whole by the weeks of the next file that mentions it.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable, Sequence
from datetime import date, timedelta

from attrs import frozen

from portail_core.domain.catalogue.establishments import Establishment, ServiceKind
from portail_core.domain.shared.allergens import Allergen, allergens_fr, parse_allergen
from portail_core.domain.shared.french_dates import day_format, parse_day
from portail_core.domain.shared.text import clean_line, refusal, refused_character

__all__ = [
    "COLUMNS",
    "MAX_DISH_LENGTH",
    "Course",
    "Dish",
    "MenuDay",
    "MenuLine",
    "WeekMenu",
    "monday_of",
    "read_lines",
    "serves_meals",
]

COLUMNS = ("structure", "date", "composante", "intitule", "allergenes")
MAX_DISH_LENGTH = 150
_SEPARATORS = re.compile(r"[,|]")
_NONE = {"", "aucun", "aucune", "-", "néant", "neant"}


class Course(enum.Enum):
    """The courses of a school meal, in the order they are served."""

    STARTER = "entree"
    MAIN = "plat"
    SIDE = "accompagnement"
    DAIRY = "laitage"
    DESSERT = "dessert"
    SNACK = "gouter"

    @property
    def label(self) -> str:
        return _COURSE_LABELS[self]


_COURSE_LABELS = {
    Course.STARTER: "Entrée",
    Course.MAIN: "Plat",
    Course.SIDE: "Accompagnement",
    Course.DAIRY: "Fromage ou laitage",
    Course.DESSERT: "Dessert",
    Course.SNACK: "Goûter",
}
_COURSE_NAMES = {
    "entree": Course.STARTER,
    "plat": Course.MAIN,
    "plat principal": Course.MAIN,
    "accompagnement": Course.SIDE,
    "garniture": Course.SIDE,
    "laitage": Course.DAIRY,
    "fromage": Course.DAIRY,
    "fromage/laitage": Course.DAIRY,
    "fromage ou laitage": Course.DAIRY,
    "produit laitier": Course.DAIRY,
    "dessert": Course.DESSERT,
    "gouter": Course.SNACK,
}


def _course(text: str) -> Course | None:
    simple = text.strip().lower().replace("é", "e").replace("û", "u")
    return _COURSE_NAMES.get(" ".join(simple.split()))


@frozen
class Dish:
    course: Course
    name: str
    allergens: frozenset[Allergen] = frozenset()

    @property
    def allergens_text(self) -> str:
        """« gluten, lait », or empty."""
        return allergens_fr(self.allergens)

    def contains_any(self, avoided: Iterable[Allergen]) -> frozenset[Allergen]:
        """Which of ``avoided`` it contains."""
        return self.allergens & frozenset(avoided)


@frozen
class MenuDay:
    day: date
    dishes: tuple[Dish, ...]


@frozen
class WeekMenu:
    """A restaurant's menu for the week starting ``monday``: the days it serves, in order."""

    establishment_code: str
    monday: date
    days: tuple[MenuDay, ...]

    @property
    def dish_count(self) -> int:
        return sum(len(d.dishes) for d in self.days)


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def serves_meals(establishment: Establishment) -> bool:
    """A school restaurant, or a structure one of whose units includes lunch (ALSH)."""
    return establishment.kind is ServiceKind.RESTAURATION or any(
        u.with_meal for u in establishment.units
    )


@frozen
class MenuLine:
    """One line of the file as typed, with where it is (« ligne 12 »)."""

    where: str
    structure: str
    day: str
    course: str
    name: str
    allergens: str
    problem: str = ""  # a line the file's reader could not cut into the columns


def _allergens(cell: str, problems: list[str]) -> frozenset[Allergen]:
    if cell.strip().lower() in _NONE:
        return frozenset()
    found: set[Allergen] = set()
    for part in _SEPARATORS.split(cell):
        if not part.strip():
            continue
        allergen = parse_allergen(part)
        if allergen is None:
            problems.append(
                f"allergène inconnu « {part.strip()[:40]} » (les 14 du règlement européen : "
                f"{allergens_fr(Allergen)})"
            )
        else:
            found.add(allergen)
    return frozenset(found)


def _checked(
    line: MenuLine, restaurants: dict[str, Establishment], example: date
) -> tuple[str, date, Dish] | list[str]:
    """The line's restaurant, day and dish, or its problems in French."""
    if line.problem:
        return [line.problem]
    problems: list[str] = []
    for cell in (line.structure, line.day, line.course, line.name, line.allergens):
        char = refused_character(cell)
        if char is not None:
            return [refusal(char)]
    code = line.structure.strip().upper()
    if not code:
        problems.append("structure manquante")
    elif code not in restaurants:
        known = ", ".join(sorted(restaurants)) or "aucune"
        problems.append(f"structure « {code[:40]} » inconnue ou sans repas (connues : {known})")
    day = parse_day(line.day)
    if day is None:
        problems.append(f"date « {line.day.strip()[:20]} » illisible : {day_format(example)}")
    course = _course(line.course)
    if course is None:
        problems.append(
            f"composante « {line.course.strip()[:30]} » inconnue (entrée, plat, accompagnement, "
            "fromage ou laitage, dessert, goûter)"
        )
    name = clean_line(line.name) or ""
    if not name:
        problems.append("intitulé du plat manquant")
    elif len(name) > MAX_DISH_LENGTH:
        problems.append(f"intitulé de plus de {MAX_DISH_LENGTH} caractères")
    allergens = _allergens(line.allergens, problems)
    if problems or day is None or course is None:
        return problems
    return code, day, Dish(course, name, allergens)


def read_lines(
    lines: Sequence[MenuLine], restaurants: Iterable[Establishment], example: date
) -> tuple[list[WeekMenu], dict[str, str]]:
    """The weeks the lines describe (by restaurant, then Monday), and every refused line's
    problems (« ligne 12 » -> « date « 31/02/2026 » illisible : ... »). ``example`` is the date
    the messages show as an example."""
    known = {e.code: e for e in restaurants if serves_meals(e)}
    problems: dict[str, str] = {}
    days: dict[tuple[str, date], list[Dish]] = {}
    for line in lines:
        result = _checked(line, known, example)
        if isinstance(result, list):
            problems[line.where] = " ; ".join(result) + "."
            continue
        code, day, dish = result
        days.setdefault((code, day), []).append(dish)
    weeks: dict[tuple[str, date], list[MenuDay]] = {}
    order = list(Course)
    for (code, day), dishes in sorted(days.items()):
        ordered = tuple(sorted(dishes, key=lambda d: order.index(d.course)))
        weeks.setdefault((code, monday_of(day)), []).append(MenuDay(day, ordered))
    menus = [WeekMenu(code, monday, tuple(ds)) for (code, monday), ds in sorted(weeks.items())]
    return menus, problems
