"""The menus' use cases, ports bound."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from attrs import frozen

from portail_core.domain.audit import Actor
from portail_core.domain.menus import MenuLine
from portail_core.facade.ports import Ports
from portail_core.services.menus.importing import MenuImport, import_menus
from portail_core.services.menus.reading import (
    FamilyMenus,
    WeekSummary,
    desk_week,
    family_has_menus,
    family_menus,
    menu_summaries,
)

__all__ = ["MenuUseCases"]


@frozen
class MenuUseCases:
    """The canteen's weekly menus with their allergens (``portail.menus``)."""

    _ports: Ports

    def import_lines(
        self, lines: Sequence[MenuLine], *, actor: Actor, dry_run: bool = False
    ) -> MenuImport:
        """Store the weeks of a file's lines, all or nothing, each replacing the same week."""
        return import_menus(
            self._ports.uow(), self._ports.clock, lines, actor=actor, dry_run=dry_run
        )

    def summaries(self, establishment_code: str | None = None) -> list[WeekSummary]:
        """Every stored week (of one restaurant), for the desk."""
        return menu_summaries(self._ports.uow(read_only=True), establishment_code)

    def week(self, establishment_code: str, day: date) -> WeekSummary:
        """A restaurant's week containing ``day``, for the desk (NotFound when none)."""
        return desk_week(self._ports.uow(read_only=True), establishment_code, day)

    def family_has_menus(self, family_id: int) -> bool:
        """Whether a restaurant the family's children use has menus (the page exists)."""
        return family_has_menus(self._ports.uow(read_only=True), family_id)

    def of_family(self, family_id: int, day: date, *, actor: Actor) -> FamilyMenus:
        """The week of ``day`` for the family, its children's allergens highlighted (an
        audited health read); NotFound when its children's restaurants have no menu."""
        ports = self._ports
        return family_menus(ports.uow(), ports.clock, family_id, day, actor=actor)
