"""New dossiers: one typed at the desk, or many imported from another software's export."""

from __future__ import annotations

from portail_core.domain.audit import Actor, AuditEvent
from portail_core.domain.dossiers.family import (
    Family,
)
from portail_core.ports.clock import Clock
from portail_core.ports.unit_of_work import UnitOfWork

__all__ = ["create_family", "import_families"]


def create_family(uow: UnitOfWork, family: Family, *, actor: Actor, clock: Clock) -> int:
    """Record a new family's dossier; returns its number."""
    now = clock.now()
    with uow:
        uow.families.add(family, now)
        assert family.id is not None  # noqa: S101  (set by add)
        uow.audit.record(
            AuditEvent(
                at=now,
                actor=actor,
                action="family.create",
                summary=f"Dossier créé : famille {family.name} (n° {family.id})",
                details={"children": len(family.children)},
                family_id=family.id,
            )
        )
        uow.commit()
        return family.id


def import_families(
    uow: UnitOfWork, families: list[Family], *, source: str, actor: Actor, clock: Clock
) -> list[int]:
    """Record families read from another software's export, all in one transaction."""
    now = clock.now()
    ids = []
    with uow:
        for family in families:
            uow.families.add(family, now)
            assert family.id is not None  # noqa: S101  (set by add)
            ids.append(family.id)
            uow.audit.record(
                AuditEvent(
                    at=now,
                    actor=actor,
                    action="family.import",
                    summary=f"Dossier importé : famille {family.name} (n° {family.id})",
                    details={"source": source[:200], "children": len(family.children)},
                    family_id=family.id,
                )
            )
        uow.commit()
    return ids
