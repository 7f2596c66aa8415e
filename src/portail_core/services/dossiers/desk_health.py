"""The desk sets a child's PAI and vaccinations on an existing dossier (a dossier created
without them could never become complete). It goes through ``update_child_health`` like the
family's health form: audited as a health change, naming the fields, never their values; a PAI
needs its end of validity and its instructions, as when the desk approves a family's request."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from attrs import frozen

from portail_core.domain.audit import Actor
from portail_core.domain.dossiers.changes import family_pai_problems
from portail_core.domain.dossiers.child import Child, Pai
from portail_core.domain.shared.french_dates import day_format
from portail_core.domain.shared.raw_input import InputReader
from portail_core.errors import Conflict, InvalidInput, NotFound
from portail_core.ports.clock import Clock
from portail_core.services.dossiers.changes import pending_pai
from portail_core.services.dossiers.common import family_of
from portail_core.services.dossiers.health import HealthSaved, HealthUpdate, update_child_health

if TYPE_CHECKING:
    from portail_core.ports.unit_of_work import UnitOfWork

__all__ = ["DeskHealth", "set_child_health"]

NOT_SAVED = "Les informations de santé n'ont pas été enregistrées."


@frozen(kw_only=True)
class DeskHealth:
    """What the desk sets; None leaves a value as it is. ``pai_valid_until`` may be typed
    04/07/2027 or 2027-07-04."""

    has_pai: bool | None = None
    pai_valid_until: date | str | None = None
    pai_instructions: str | None = None
    vaccinations_up_to_date: bool | None = None

    @property
    def empty(self) -> bool:
        return all(
            value is None
            for value in (
                self.has_pai,
                self.pai_valid_until,
                self.pai_instructions,
                self.vaccinations_up_to_date,
            )
        )

    @property
    def touches_pai(self) -> bool:
        return any(
            v is not None for v in (self.has_pai, self.pai_valid_until, self.pai_instructions)
        )


def set_child_health(
    uow: UnitOfWork,
    family_id: int,
    child_id: int,
    health: DeskHealth,
    *,
    actor: Actor,
    clock: Clock,
) -> HealthSaved:
    """Set the child's PAI and vaccinations at the desk; refused for an expected child, or for
    a PAI while the family's PAI request waits (the desk approves or refuses it instead)."""
    if health.empty:
        raise InvalidInput(
            NOT_SAVED, {"health": "Rien à modifier : indiquez au moins un changement."}
        )
    with uow:
        family = family_of(uow, family_id)
        child = family.child(child_id)
        if child is None:
            raise NotFound(f"Aucun enfant n° {child_id} dans le dossier n° {family_id}.")
        if child.expected:
            raise Conflict(
                "L'enfant n'est pas encore né : enregistrez d'abord sa naissance "
                "(portail family child-born)."
            )
        waiting = pending_pai(uow, family, child) if health.touches_pai else None
    if waiting is not None:
        raise Conflict(
            f"Une demande de changement du PAI de {child.first_name} (n° {waiting.id}) attend : "
            "approuvez-la ou refusez-la d'abord (portail changes)."
        )
    update = _update(child, health, clock.today())
    return update_child_health(uow, family_id, child_id, update, actor=actor, clock=clock)


def _update(child: Child, health: DeskHealth, today: date) -> HealthUpdate:
    """The child's current health with the desk's changes; InvalidInput lists every problem."""
    pai = _pai(child.pai, health)
    problems = family_pai_problems(child.pai, pai, today)
    if problems:
        raise InvalidInput(NOT_SAVED, problems)
    vaccinations = health.vaccinations_up_to_date
    return HealthUpdate(
        allergies=child.allergies,
        allergens=frozenset(a.value for a in child.allergens),
        diet=child.diet.kind.value,
        diet_details=child.diet.details,
        has_pai=None if pai is None else pai.has_pai,
        pai_valid_until=None if pai is None else pai.valid_until,
        pai_instructions="" if pai is None else pai.instructions,
        vaccinations_up_to_date=(
            child.vaccinations_up_to_date if vaccinations is None else vaccinations
        ),
        authorizations=child.authorizations,
    )


def _pai(current: Pai | None, health: DeskHealth) -> Pai | None:
    """The PAI as the desk leaves it: a date or instructions without a PAI are refused."""
    reader = InputReader()
    has_pai = health.has_pai
    if has_pai is None and current is not None:
        has_pai = current.has_pai
    until = None
    if health.pai_valid_until is not None:
        until = reader.day(
            "pai_valid_until",
            health.pai_valid_until,
            f"La fin de validité du PAI s'écrit {day_format(date(2027, 7, 4))}.",
        )
    if not has_pai and (until is not None or health.pai_instructions):
        reader.refuse(
            "pai", "Une date ou des consignes de PAI sont données, mais l'enfant n'a pas de PAI."
        )
    reader.raise_if_any(NOT_SAVED)
    if has_pai is None:
        return current
    if not has_pai:
        return Pai(False)
    kept = current if current is not None and current.has_pai else Pai(True)
    return Pai(
        True,
        until if until is not None else kept.valid_until,
        health.pai_instructions if health.pai_instructions is not None else kept.instructions,
    )
