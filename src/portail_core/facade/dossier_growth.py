"""The dossier's growth, ports bound (``portail.dossiers.growth``): the desk adds a child or a
second guardian, records an expected child's birth, enrols a child, sets its PAI and
vaccinations."""

from __future__ import annotations

from datetime import date

from attrs import frozen

from portail_core.domain.audit import Actor
from portail_core.domain.dossiers.child import Child
from portail_core.domain.dossiers.family import Family
from portail_core.domain.dossiers.guardians import Guardian
from portail_core.facade.ports import Ports
from portail_core.services.dossiers.desk_health import DeskHealth, set_child_health
from portail_core.services.dossiers.growth import (
    add_child,
    add_guardian,
    enrol_child,
    record_birth,
    unenrol_child,
)
from portail_core.services.dossiers.health import HealthSaved

__all__ = ["DossierGrowth"]


@frozen
class DossierGrowth:
    """What the desk adds to an existing dossier; every change audited."""

    _ports: Ports

    def add_child(
        self, family_id: int, child: Child, *, actor: Actor, allow_duplicate: bool = False
    ) -> Child:
        """Add a child (``Child.create`` or ``Child.create_expected``); a probable duplicate
        is a Conflict explaining why, unless ``allow_duplicate``."""
        return add_child(
            self._ports.uow(),
            family_id,
            child,
            actor=actor,
            clock=self._ports.clock,
            allow_duplicate=allow_duplicate,
        )

    def add_guardian(self, family_id: int, guardian: Guardian, *, actor: Actor) -> Family:
        """Add the second legal guardian (``Guardian.create``)."""
        return add_guardian(
            self._ports.uow(), family_id, guardian, actor=actor, clock=self._ports.clock
        )

    def child_born(
        self, family_id: int, child_id: int, *, first_name: str, birth_date: date, actor: Actor
    ) -> Child:
        """An expected child is born: its first name and birth date."""
        return record_birth(
            self._ports.uow(),
            family_id,
            child_id,
            first_name=first_name,
            birth_date=birth_date,
            actor=actor,
            clock=self._ports.clock,
        )

    def enrol(
        self, family_id: int, child_id: int, *, establishment: str, unit: str, actor: Actor
    ) -> bool:
        """Enrol the child in an activity that asks for it; False when enrolled already."""
        return enrol_child(
            self._ports.uow(),
            family_id,
            child_id,
            establishment_code=establishment,
            unit_code=unit,
            actor=actor,
            clock=self._ports.clock,
        )

    def unenrol(
        self, family_id: int, child_id: int, *, establishment: str, unit: str, actor: Actor
    ) -> None:
        """End the child's enrolment (refused while reservations there are to come)."""
        unenrol_child(
            self._ports.uow(),
            family_id,
            child_id,
            establishment_code=establishment,
            unit_code=unit,
            actor=actor,
            clock=self._ports.clock,
        )

    def set_health(
        self, family_id: int, child_id: int, health: DeskHealth, *, actor: Actor
    ) -> HealthSaved:
        """Set the child's PAI and vaccinations (a health change, audited without values)."""
        return set_child_health(
            self._ports.uow(), family_id, child_id, health, actor=actor, clock=self._ports.clock
        )
