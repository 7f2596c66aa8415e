"""Reading dossiers: one family's, with what it lacks for a school year, the listing, the
history."""

from __future__ import annotations

from typing import TYPE_CHECKING

from attrs import frozen

from portail_core.domain.audit import Actor, AuditEvent
from portail_core.domain.dossiers.completeness import Completeness, SchoolYear, completeness
from portail_core.domain.dossiers.family import Family
from portail_core.domain.regulations import required_regulations
from portail_core.ports.clock import Clock
from portail_core.services.dossiers.common import family_of
from portail_core.services.dossiers.health import record_health_read
from portail_core.services.regulations.standing import regulations_required

if TYPE_CHECKING:
    from portail_core.ports.unit_of_work import UnitOfWork

__all__ = ["FamilySummary", "family_dossier", "family_history", "list_families", "read_family"]


@frozen
class FamilySummary:
    family: Family
    completeness: Completeness
    account_identifier: str | None


def family_dossier(
    uow: UnitOfWork,
    family_id: int,
    school_year: SchoolYear,
    clock: Clock,
    *,
    health_read_by: Actor | None = None,
) -> FamilySummary:
    """A family's dossier and what it lacks for the school year (give a read-only unit).

    With ``health_read_by``, the caller shows the children's health information to that person:
    the read is recorded in the audit trail (give a writable unit then).
    """
    with uow:
        family = family_of(uow, family_id)
        regulations = regulations_required(uow, family, clock.today())
        account = uow.accounts.of_family(family_id)
        if health_read_by is not None:
            record_health_read(uow, family, family.children, health_read_by, clock.now())
            uow.commit()
    return FamilySummary(
        family,
        completeness(family, school_year, regulations, clock.today()),
        account.identifier if account else None,
    )


def list_families(
    uow: UnitOfWork, school_year: SchoolYear, clock: Clock, *, incomplete_only: bool = False
) -> list[FamilySummary]:
    """Every family with its completeness for the school year (give a read-only unit)."""
    with uow:
        families = uow.families.listing()
        catalogue, versions = uow.catalogue.get(), uow.regulations.listing()
        identifiers = uow.accounts.identifiers()
    summaries = [
        FamilySummary(
            family,
            completeness(
                family,
                school_year,
                required_regulations(family, catalogue, versions, clock.today()),
                clock.today(),
            ),
            identifiers.get(family.id or 0),
        )
        for family in families
    ]
    return [s for s in summaries if not (incomplete_only and s.completeness.complete)]


def read_family(uow: UnitOfWork, family_id: int) -> Family:
    """The family's dossier alone (a page showing the family its children, its documents)."""
    with uow:
        return family_of(uow, family_id)


def family_history(uow: UnitOfWork, family_id: int, limit: int = 200) -> list[AuditEvent]:
    """Who changed what in the family's dossier and account, most recent first."""
    with uow:
        family_of(uow, family_id)
        return uow.audit.of_family(family_id, limit)
