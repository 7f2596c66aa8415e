"""« portail menus import »: a file of dishes becomes weeks of menus, all or nothing."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from attrs import frozen

from portail_core.domain.audit import Actor
from portail_core.domain.menus import MenuLine, WeekMenu, read_lines
from portail_core.errors import InvalidInput
from portail_core.ports.clock import Clock
from portail_core.services.menus import notices

if TYPE_CHECKING:
    from portail_core.ports.unit_of_work import UnitOfWork

__all__ = ["MAX_LINES", "MenuImport", "import_menus"]

MAX_LINES = 20_000  # a school year of six courses a day for some twenty restaurants


@frozen
class MenuImport:
    """The weeks the file holds, and those among them that replace a stored week."""

    weeks: list[WeekMenu]
    replaced: list[WeekMenu]
    dry_run: bool

    @property
    def dish_count(self) -> int:
        return sum(w.dish_count for w in self.weeks)


def import_menus(
    uow: UnitOfWork,
    clock: Clock,
    lines: Sequence[MenuLine],
    *,
    actor: Actor,
    dry_run: bool = False,
) -> MenuImport:
    """Check every line (each refused one named by its line), then store the weeks, each
    replacing the same restaurant's stored week, in one transaction; ``dry_run`` stores
    nothing. Any refused line refuses the whole file (InvalidInput, nothing stored)."""
    if not lines:
        raise InvalidInput("Le fichier ne contient aucun plat : rien n'est enregistré.")
    if len(lines) > MAX_LINES:
        raise InvalidInput(
            f"Fichier trop long : {MAX_LINES} plats au plus ({len(lines)} lignes). "
            "Rien n'est enregistré ; découpez-le par période."
        )
    with uow:
        restaurants = uow.catalogue.get().establishments
        weeks, problems = read_lines(lines, restaurants, clock.today())
        if problems:
            raise InvalidInput(
                f"{len(problems)} ligne(s) refusée(s) sur {len(lines)} : rien n'est "
                "enregistré. Corrigez-les et relancez l'import.",
                problems,
            )
        stored = uow.menus.published()
        replaced = [w for w in weeks if w.monday in stored.get(w.establishment_code, [])]
        if not dry_run:
            uow.menus.replace_weeks(weeks)
            uow.audit.record(notices.menus_imported(weeks, len(replaced), actor, clock.now()))
            uow.commit()
        return MenuImport(weeks, replaced, dry_run)
