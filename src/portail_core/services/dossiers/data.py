"""Everything the portal holds about a family (RGPD right of access)."""

from __future__ import annotations

from attrs import frozen

from portail_core.domain.audit import Actor, AuditEvent
from portail_core.domain.dossiers.family import Family
from portail_core.ports.clock import Clock
from portail_core.ports.unit_of_work import UnitOfWork
from portail_core.services.dossiers.common import family_of
from portail_core.services.dossiers.health import record_health_read

__all__ = ["FamilyExport", "export_family"]


@frozen
class FamilyExport:
    """Everything the portal holds about a family (RGPD right of access)."""

    family: Family
    account_identifier: str | None
    history: list[AuditEvent]


def export_family(
    uow: UnitOfWork,
    family_id: int,
    *,
    health_read_by: Actor | None = None,
    clock: Clock | None = None,
) -> FamilyExport:
    """Everything about a family (give a read-only unit).

    With ``health_read_by`` (and the ``clock``), the export is shown or handed to that person,
    health information included: the read is recorded in the audit trail (give a writable unit).
    """
    with uow:
        family = family_of(uow, family_id)
        account = uow.accounts.of_family(family_id)
        history = uow.audit.of_family(family_id, 10_000)
        if health_read_by is not None:
            if clock is None:
                raise TypeError("export_family: recording a health read needs the clock")
            record_health_read(uow, family, family.children, health_read_by, clock.now())
            uow.commit()
    return FamilyExport(family, account.identifier if account else None, history)
