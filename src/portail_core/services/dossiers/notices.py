"""What the dossiers' use cases write in French: their audit entries.

Health values never appear here (RGPD art. 9): an entry names the children or the fields, not
what they hold.
"""

from __future__ import annotations

from collections.abc import Sequence

import pendulum

from portail_core.domain.audit import Actor, AuditEvent
from portail_core.domain.dossiers.child import Child, HealthChange
from portail_core.domain.dossiers.family import Family

__all__ = ["health_read", "health_updated"]


def health_read(
    family: Family, children: Sequence[Child], actor: Actor, now: pendulum.DateTime
) -> AuditEvent:
    return AuditEvent(
        at=now,
        actor=actor,
        action="child.health_read",
        summary="Informations de santé consultées : "
        + ", ".join(child.first_name for child in children),
        details={"children": [child.id for child in children]},
        family_id=family.id,
    )


def health_updated(
    family_id: int, child: Child, change: HealthChange, actor: Actor, now: pendulum.DateTime
) -> AuditEvent:
    return AuditEvent(
        at=now,
        actor=actor,
        action="child.health_update",
        summary=f"Santé et autorisations de {child.first_name} modifiées",
        details={"health_fields_changed": change.health_fields, "changes": change.authorizations},
        family_id=family_id,
    )
