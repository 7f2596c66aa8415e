"""What the dossier's growth writes in its audit entries (French): a child or a guardian added,
a birth recorded, an enrolment made or ended. Never a health value."""

from __future__ import annotations

import pendulum

from portail_core.domain.audit import Actor, AuditEvent
from portail_core.domain.catalogue.establishments import Establishment, Unit
from portail_core.domain.dossiers.child import Child
from portail_core.domain.dossiers.family import Family
from portail_core.domain.dossiers.guardians import Guardian

__all__ = ["birth_recorded", "child_added", "enrolment_changed", "guardian_added"]


def child_added(
    family: Family, child: Child, duplicate: str | None, actor: Actor, now: pendulum.DateTime
) -> AuditEvent:
    who = f"enfant à naître (n° {child.id})" if child.expected else f"{child.full_name}"
    return AuditEvent(
        at=now,
        actor=actor,
        action="child.add",
        summary=f"Enfant ajouté au dossier {family.name} : {who}",
        details={
            "child": child.id,
            "expected": child.expected,
            "school_code": child.school_code,
            "school_class": child.school_class,
            "duplicate_allowed": duplicate,
        },
        family_id=family.id,
    )


def guardian_added(
    family: Family, guardian: Guardian, actor: Actor, now: pendulum.DateTime
) -> AuditEvent:
    return AuditEvent(
        at=now,
        actor=actor,
        action="guardian.add",
        summary=f"Second responsable légal ajouté au dossier {family.name} : "
        f"{guardian.full_name} ({guardian.relationship.label})",
        details={"guardian": len(family.guardians), "relationship": guardian.relationship.value},
        family_id=family.id,
    )


def birth_recorded(
    family: Family, child: Child, actor: Actor, now: pendulum.DateTime
) -> AuditEvent:
    return AuditEvent(
        at=now,
        actor=actor,
        action="child.birth",
        summary=f"Naissance enregistrée au dossier {family.name} : {child.full_name}",
        details={"child": child.id, "birth_date": child.birth_date.isoformat()},
        family_id=family.id,
    )


def enrolment_changed(
    family: Family,
    child: Child,
    establishment: Establishment,
    unit: Unit,
    *,
    enrolled: bool,
    actor: Actor,
    now: pendulum.DateTime,
) -> AuditEvent:
    what = "Inscription" if enrolled else "Fin d'inscription"
    return AuditEvent(
        at=now,
        actor=actor,
        action="child.enrol" if enrolled else "child.unenrol",
        summary=f"{what} de {child.full_name} : {establishment.name}, {unit.label}",
        details={"child": child.id, "establishment": establishment.code, "unit": unit.code},
        family_id=family.id,
    )
