"""Menus as the desk lists them, and as a family reads them, for the restaurants its children
use, with each child's allergens to avoid highlighted.

A family's children use the restaurant of their school, and the structures without a school
that serve lunch (the accueil de loisirs) on the weeks they are booked there. Showing a child's
allergens next to the dishes is a read of its health information: recorded in the audit trail,
as the child's « Santé et autorisations » page is."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

from attrs import frozen

from portail_core.domain.audit import Actor
from portail_core.domain.catalogue.establishments import Catalogue, Establishment
from portail_core.domain.dossiers.child import Child
from portail_core.domain.dossiers.family import Family
from portail_core.domain.menus import Dish, WeekMenu, monday_of, serves_meals
from portail_core.domain.shared.allergens import allergens_fr
from portail_core.domain.shared.french_dates import numeric_day_fr
from portail_core.errors import NotFound
from portail_core.ports.clock import Clock
from portail_core.services.menus import notices

if TYPE_CHECKING:
    from portail_core.ports.unit_of_work import UnitOfWork

__all__ = [
    "FamilyMenus",
    "RestaurantWeek",
    "WeekSummary",
    "desk_week",
    "family_has_menus",
    "family_menus",
    "menu_summaries",
]


@frozen
class WeekSummary:
    establishment_code: str
    establishment_name: str
    week: WeekMenu


@frozen
class RestaurantWeek:
    """A restaurant's week for the family: its menu (None: not published that week) and the
    family's children who eat there."""

    establishment: Establishment
    children: tuple[Child, ...]
    week: WeekMenu | None

    def warnings(self, dish: Dish) -> list[str]:
        """« Léa : arachides » for each child who must avoid an allergen of the dish."""
        found = []
        for child in self.children:
            common = dish.contains_any(child.allergens)
            if common:
                found.append(f"{child.first_name} : {allergens_fr(common)}")
        return found


@frozen
class FamilyMenus:
    monday: date
    restaurants: list[RestaurantWeek]
    previous: date | None  # the Monday of the closest earlier week with a menu, if any
    next: date | None

    @property
    def sunday(self) -> date:
        return self.monday + timedelta(days=6)

    @property
    def any(self) -> bool:
        return any(r.week is not None for r in self.restaurants)


def menu_summaries(uow: UnitOfWork, establishment_code: str | None = None) -> list[WeekSummary]:
    """Every stored week, by restaurant then Monday (the desk's list)."""
    with uow:
        names = {e.code: e.name for e in uow.catalogue.get().establishments}
        codes = None if establishment_code is None else [establishment_code.upper()]
        weeks = uow.menus.weeks(date.min, date.max, establishment_codes=codes)
        return [
            WeekSummary(w.establishment_code, names.get(w.establishment_code, "?"), w)
            for w in weeks
        ]


def desk_week(uow: UnitOfWork, establishment_code: str, day: date) -> WeekSummary:
    """The restaurant's week containing ``day``; NotFound when none is stored."""
    code, monday = establishment_code.upper(), monday_of(day)
    with uow:
        establishment = uow.catalogue.get().establishment(code)
        found = uow.menus.weeks(monday, monday, establishment_codes=[code])
        if establishment is None or not found:
            raise NotFound(f"Aucun menu de {code} pour la semaine du {numeric_day_fr(monday)}.")
        return WeekSummary(code, establishment.name, found[0])


def _family(uow: UnitOfWork, family_id: int) -> Family:
    family = uow.families.get(family_id)
    if family is None:
        raise NotFound("Dossier introuvable.")
    return family


def _eaters(
    uow: UnitOfWork, family: Family, catalogue: Catalogue, first: date, last: date
) -> dict[str, list[Child]]:
    """Each restaurant the children use between two dates -> those children."""
    used: dict[str, list[Child]] = {}
    for establishment in (e for e in catalogue.establishments if serves_meals(e)):
        for child in family.children:
            if establishment.school_code is not None:
                eats = child.school_code == establishment.school_code
            else:
                eats = child.id is not None and bool(
                    uow.reservations.of_child(child.id, establishment.code, first, last)
                )
            if eats:
                used.setdefault(establishment.code, []).append(child)
    return used


def _published_range(published: dict[str, list[date]]) -> tuple[date, date]:
    mondays = [m for ms in published.values() for m in ms]
    return min(mondays), max(mondays) + timedelta(days=6)


def family_has_menus(uow: UnitOfWork, family_id: int) -> bool:
    """Whether any restaurant the family's children use has a menu (the link to the page)."""
    with uow:
        published = uow.menus.published()
        if not published:
            return False
        family, catalogue = _family(uow, family_id), uow.catalogue.get()
        used = _eaters(uow, family, catalogue, *_published_range(published))
        return any(code in published for code in used)


def family_menus(
    uow: UnitOfWork, clock: Clock, family_id: int, day: date, *, actor: Actor
) -> FamilyMenus:
    """The week containing ``day`` of the restaurants the family's children use; NotFound when
    none of them has any menu. Highlighting a child's allergens is audited as a health read."""
    monday = monday_of(day)
    with uow:
        family, catalogue = _family(uow, family_id), uow.catalogue.get()
        published = uow.menus.published()
        ever = _eaters(uow, family, catalogue, *_published_range(published)) if published else {}
        codes = sorted(code for code in ever if code in published)
        if not codes:
            raise NotFound("Aucun menu n'est publié pour les restaurants de vos enfants.")
        used = _eaters(uow, family, catalogue, monday, monday + timedelta(days=6))
        found = uow.menus.weeks(monday, monday, establishment_codes=codes)
        weeks = {w.establishment_code: w for w in found}
        restaurants = [
            RestaurantWeek(e, tuple(used[e.code]), weeks.get(e.code))
            for e in catalogue.establishments
            if e.code in codes and e.code in used
        ]
        shown = _highlighted(restaurants)
        if shown:
            uow.audit.record(notices.allergens_read(family_id, shown, actor, clock.now()))
            uow.commit()
        mondays = sorted({m for code in codes for m in published[code]})
        return FamilyMenus(
            monday,
            restaurants,
            max((m for m in mondays if m < monday), default=None),
            min((m for m in mondays if m > monday), default=None),
        )


def _highlighted(restaurants: list[RestaurantWeek]) -> list[Child]:
    """The children whose allergens the page shows: those with any, eating where a menu is."""
    seen: dict[int | None, Child] = {}
    for restaurant in restaurants:
        if restaurant.week is None:
            continue
        for child in restaurant.children:
            if child.allergens:
                seen.setdefault(child.id, child)
    return list(seen.values())
