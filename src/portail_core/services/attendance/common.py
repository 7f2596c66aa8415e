"""What the pointage's use cases share: the calendar of the day, the day's check, the children
found by number."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING

from portail_core.domain.catalogue.establishments import Establishment
from portail_core.domain.catalogue.opening import Opening
from portail_core.domain.dossiers.child import Child
from portail_core.domain.dossiers.family import Family
from portail_core.domain.shared.french_dates import numeric_day_fr
from portail_core.errors import RuleViolation

if TYPE_CHECKING:
    from portail_core.ports.unit_of_work import UnitOfWork

__all__ = ["Children", "check_day"]


def check_day(
    establishment: Establishment, day: date, openings: Sequence[Opening], today: date
) -> None:
    """RuleViolation for a day to come or a day every unit is closed: nothing to point."""
    if day > today:
        raise RuleViolation(
            f"Le {numeric_day_fr(day)} n'est pas encore arrivé : on pointe le jour même ou après."
        )
    if not any(opening.open for opening in openings):
        why = "; ".join(sorted({o.describe() for o in openings})) or "aucune unité"
        raise RuleViolation(
            f"« {establishment.name} » est fermée le {numeric_day_fr(day)} ({why})."
        )


class Children:
    """The children concerned, found by number: booked ones through their reservation's family,
    the others by reading the families once, only when needed."""

    def __init__(self, uow: UnitOfWork, family_ids: set[int]) -> None:
        self._uow = uow
        self._all_read = False
        self._families: dict[int, Family] = {}
        self._children: dict[int, tuple[Family, Child]] = {}
        for family_id in sorted(family_ids):
            family = uow.families.get(family_id)
            if family is not None:
                self._add(family)

    def _add(self, family: Family) -> None:
        assert family.id is not None  # noqa: S101  (read from storage)
        self._families[family.id] = family
        for child in family.children:
            if child.id is not None:
                self._children[child.id] = (family, child)

    def find(self, child_id: int) -> tuple[Family, Child] | None:
        if child_id not in self._children and not self._all_read:
            self._all_read = True
            for family in self._uow.families.listing():
                self._add(family)
        return self._children.get(child_id)

    def names(self, child_id: int, family_id: int | None) -> tuple[str, int, str]:
        """The child's name, its family's number and name (numbers when unknown)."""
        found = self.find(child_id)
        if found is None:
            number = family_id or 0
            return f"Enfant n° {child_id}", number, f"n° {number}"
        family, child = found
        return child.full_name, family.id or 0, family.name
