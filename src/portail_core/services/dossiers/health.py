"""Children's health information and authorisations: every read and change audited, no value in
the trail (RGPD art. 9).

A family's form saves at once, except a PAI switched on or off or its end of validity: that
waits for the guichet unique (it changes the price), which validates it on the signed PAI."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING

import attrs
import pendulum
from attrs import field, frozen

from portail_core.domain.audit import Actor, Channel
from portail_core.domain.dossiers.changes import ChangeRequest
from portail_core.domain.dossiers.child import Authorizations, Child, HealthChange
from portail_core.domain.dossiers.family import Family
from portail_core.errors import Conflict, NotFound
from portail_core.ports.clock import Clock
from portail_core.services.dossiers import notices
from portail_core.services.dossiers.changes import family_pai, pending_pai

if TYPE_CHECKING:
    from portail_core.ports.unit_of_work import UnitOfWork

__all__ = [
    "HealthForm",
    "HealthSaved",
    "HealthUpdate",
    "child_health",
    "health_form",
    "record_health_read",
    "update_child_health",
]


@frozen(kw_only=True)
class HealthUpdate:
    """A child's health information and authorisations, as the family or the desk types them."""

    allergies: str = ""
    allergens: frozenset[str] = frozenset()  # codes of the 14 allergens the child must avoid
    diet: str = "aucun"
    diet_details: str = ""
    has_pai: bool | None = None
    pai_valid_until: date | None = None
    pai_instructions: str = ""
    vaccinations_up_to_date: bool | None = None
    authorizations: Authorizations = field(factory=Authorizations)


@frozen
class HealthSaved:
    """The child as saved, and the PAI change that waits for the desk (None: none asked)."""

    child: Child
    pai_request: ChangeRequest | None = None


@frozen
class HealthForm:
    """A child's health as recorded, and the PAI change that waits for the desk, if any."""

    child: Child
    pending_pai: ChangeRequest | None = None

    @property
    def shown(self) -> Child:
        """The child as the form shows it: with the PAI the family asked for, while it waits
        (its instructions are the recorded ones when the child has a PAI already)."""
        if self.pending_pai is None:
            return self.child
        asked, current = self.pending_pai.proposed_pai(), self.child.pai
        if asked.has_pai and current is not None and current.has_pai:
            asked = attrs.evolve(asked, instructions=current.instructions)
        return attrs.evolve(self.child, pai=asked)


def health_form(
    uow: UnitOfWork, family_id: int, child_id: int, *, actor: Actor, clock: Clock
) -> HealthForm:
    """The child's health form for ``actor``, with its PAI change waiting for the desk; the
    read is recorded in the audit trail (another family's child is NotFound)."""
    with uow:
        family, child = _family_and_child(uow, family_id, child_id)
        record_health_read(uow, family, [child], actor, clock.now())
        waiting = pending_pai(uow, family, child)
        uow.commit()
        return HealthForm(child, waiting)


def child_health(
    uow: UnitOfWork, family_id: int, child_id: int, *, actor: Actor, clock: Clock
) -> Child:
    """A child of the family, to show its health information to ``actor``: the read is recorded
    in the audit trail (another family's child is NotFound)."""
    with uow:
        family, child = _family_and_child(uow, family_id, child_id)
        record_health_read(uow, family, [child], actor, clock.now())
        uow.commit()
        return child


def record_health_read(
    uow: UnitOfWork,
    family: Family,
    children: Sequence[Child],
    actor: Actor,
    now: pendulum.DateTime,
) -> None:
    """Who was shown which children's health information, and when: one audit event per read,
    naming the children, never any health value."""
    if children:
        uow.audit.record(notices.health_read(family, children, actor, now))


def update_child_health(
    uow: UnitOfWork,
    family_id: int,
    child_id: int,
    update: HealthUpdate,
    *,
    actor: Actor,
    clock: Clock,
) -> HealthSaved:
    """Change a child's health information and authorisations; the audit entry names the health
    fields changed, not their values, and the authorisations old -> new. From a family (the
    portal), a PAI switched on or off or a new end of validity waits for the desk (see
    ``family_pai``), in the same transaction."""
    now = clock.now()
    with uow:
        family, old = _family_and_child(uow, family_id, child_id, for_update=True)
        if old.expected:
            raise Conflict("L'enfant n'est pas encore né : sa santé se saisit après sa naissance.")
        new, request = _with_health(old, update, clock.today()), None
        if actor.channel is Channel.PORTAL:
            new, request = family_pai(
                uow, family, old, new, actor=actor, now=now, today=clock.today()
            )
        change = HealthChange.between(old, new)
        if change.any:
            family.children[family.children.index(old)] = new
            uow.families.update(family, now)
            uow.audit.record(notices.health_updated(family_id, new, change, actor, now))
        if change.any or request is not None:
            uow.commit()
        return HealthSaved(new, request)


def _family_and_child(
    uow: UnitOfWork, family_id: int, child_id: int, *, for_update: bool = False
) -> tuple[Family, Child]:
    family = uow.families.get(family_id, for_update=for_update)
    child = family.child(child_id) if family else None
    if family is None or child is None:
        raise NotFound("Enfant introuvable.")
    return family, child


def _with_health(old: Child, update: HealthUpdate, today: date) -> Child:
    """The child with ``update``'s health and authorisations, checked by ``Child.create``."""
    doctor = old.doctor
    new = Child.create(
        first_name=old.first_name,
        last_name=old.last_name,
        birth_date=old.birth_date,
        today=today,
        sex=old.sex.value if old.sex else None,
        school_code=old.school_code,
        school_class=old.school_class,
        doctor_name=doctor.name if doctor else None,
        doctor_phone=doctor.phone if doctor else None,
        enrolments=old.enrolments,
        allergies=update.allergies,
        allergens=update.allergens,
        diet=update.diet,
        diet_details=update.diet_details,
        has_pai=update.has_pai,
        pai_valid_until=update.pai_valid_until,
        pai_instructions=update.pai_instructions,
        vaccinations_up_to_date=update.vaccinations_up_to_date,
        authorizations=update.authorizations,
    )
    new.id = old.id
    return new
