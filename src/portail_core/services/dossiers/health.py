"""Children's health information and authorisations: every read and change audited, no value in
the trail (RGPD art. 9)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import pendulum
from attrs import field, frozen

from portail_core.domain.audit import Actor
from portail_core.domain.dossiers.child import Authorizations, Child, HealthChange
from portail_core.domain.dossiers.family import Family
from portail_core.errors import NotFound
from portail_core.ports.clock import Clock
from portail_core.ports.unit_of_work import UnitOfWork
from portail_core.services.dossiers import notices

__all__ = [
    "HealthUpdate",
    "child_health",
    "record_health_read",
    "update_child_health",
]


@frozen(kw_only=True)
class HealthUpdate:
    """A child's health information and authorisations, as the family or the desk types them."""

    allergies: str = ""
    diet: str = "aucun"
    diet_details: str = ""
    has_pai: bool | None = None
    pai_valid_until: date | None = None
    pai_instructions: str = ""
    vaccinations_up_to_date: bool | None = None
    authorizations: Authorizations = field(factory=Authorizations)


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
) -> Child:
    """Change a child's health information and authorisations; the audit entry names the health
    fields changed, not their values, and the authorisations old -> new."""
    now = clock.now()
    with uow:
        family, old = _family_and_child(uow, family_id, child_id, for_update=True)
        new = _with_health(old, update, clock.today())
        change = HealthChange.between(old, new)
        if change.any:
            family.children[family.children.index(old)] = new
            uow.families.update(family, now)
            uow.audit.record(notices.health_updated(family_id, new, change, actor, now))
            uow.commit()
        return new


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
