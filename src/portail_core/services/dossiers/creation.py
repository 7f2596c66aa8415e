"""New dossiers: one typed at the desk, or many imported from another software's export."""

from __future__ import annotations

import pendulum

from portail_core.domain.audit import Actor
from portail_core.domain.dossiers.family import Family
from portail_core.ports.clock import Clock
from portail_core.ports.unit_of_work import UnitOfWork
from portail_core.services.dossiers import notices

__all__ = ["create_family", "import_families"]


def create_family(uow: UnitOfWork, family: Family, *, actor: Actor, clock: Clock) -> int:
    """Record a new family's dossier; returns its number."""
    now = clock.now()
    with uow:
        family_id = _added(uow, family, now)
        uow.audit.record(notices.family_created(family, actor, now))
        uow.commit()
        return family_id


def import_families(
    uow: UnitOfWork, families: list[Family], *, source: str, actor: Actor, clock: Clock
) -> list[int]:
    """Record families read from another software's export, all in one transaction."""
    now = clock.now()
    ids = []
    with uow:
        for family in families:
            ids.append(_added(uow, family, now))
            uow.audit.record(notices.family_imported(family, source, actor, now))
        uow.commit()
    return ids


def _added(uow: UnitOfWork, family: Family, now: pendulum.DateTime) -> int:
    """Add the family; its new number."""
    uow.families.add(family, now)
    assert family.id is not None  # noqa: S101  (set by add)
    return family.id
