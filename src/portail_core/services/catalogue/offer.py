"""Use cases about the commune's catalogue: check it, load it, read it, publish its tariffs."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from attrs import frozen

from portail_core.domain.audit import Actor
from portail_core.domain.catalogue.checks import Problem, catalogue_problems
from portail_core.domain.catalogue.establishments import (
    Catalogue,
    CatalogueChanges,
    Establishment,
    Unit,
    catalogue_changes,
)
from portail_core.domain.catalogue.tariffs import Tariff
from portail_core.errors import InvalidInput
from portail_core.ports.clock import Clock
from portail_core.services.allocation.campaigns import sync_campaigns
from portail_core.services.catalogue import notices
from portail_core.services.communes import (
    CommuneDetails,
    SetUpResult,
    apply_commune,
    commune_event,
    commune_from,
)

if TYPE_CHECKING:
    from portail_core.ports.unit_of_work import UnitOfWork

__all__ = [
    "LoadReport",
    "PublishedTariff",
    "check_catalogue",
    "current_catalogue",
    "load_catalogue",
    "published_tariffs",
    "where",
]


@frozen
class LoadReport:
    commune: SetUpResult
    changes: CatalogueChanges
    campaigns: tuple[str, ...] = ()  # fair allocation's campaigns added, changed, removed

    @property
    def changed_anything(self) -> bool:
        return self.commune.changed or self.changes.any or bool(self.campaigns)


def where(problem: Problem) -> str:
    """A problem's place, readable: ``establishments APS-PLAGE > units MATIN > tariffs 1``."""
    parts = [str(part) for part in problem.where]
    pairs = [" ".join(parts[i : i + 2]) for i in range(0, len(parts), 2)]
    return " > ".join(pairs)


def check_catalogue(details: CommuneDetails, catalogue: Catalogue) -> None:
    """Raise InvalidInput listing every problem of the commune and its catalogue at once."""
    problems: dict[str, str] = {}
    try:
        commune_from(details)
    except InvalidInput as error:
        problems.update({f"commune > {key}": message for key, message in error.problems.items()})
    for problem in catalogue_problems(catalogue):
        key = where(problem)
        problems[key] = (
            f"{problems[key]} ; {problem.message}" if key in problems else problem.message
        )
    if problems:
        raise InvalidInput(
            f"Le catalogue compte {len(problems)} erreur(s) ; rien n'est chargé.", problems
        )


def load_catalogue(
    uow: UnitOfWork,
    details: CommuneDetails,
    catalogue: Catalogue,
    *,
    actor: Actor,
    clock: Clock,
) -> LoadReport:
    """Check, then load the commune and its catalogue in one transaction (all or nothing), with
    its entry in the audit trail. Loading the same catalogue again changes and writes nothing.
    """
    check_catalogue(details, catalogue)
    with uow:
        commune = apply_commune(uow, commune_from(details), only_if_empty=False, logo=details.logo)
        changes = catalogue_changes(uow.catalogue.get(), catalogue)
        campaigns = tuple(sync_campaigns(uow, details.allocations, clock.now()))
        report = LoadReport(commune, changes, campaigns)
        if commune.changed:
            uow.audit.record(commune_event(commune, actor, clock))
        if changes.any:
            uow.catalogue.replace(catalogue)
            uow.audit.record(notices.catalogue_loaded(changes, actor, clock.now()))
        if report.changed_anything:
            uow.commit()
        return report


def current_catalogue(uow: UnitOfWork) -> Catalogue:
    """The catalogue in force (give a read-only unit of work)."""
    with uow:
        return uow.catalogue.get()


@frozen
class PublishedTariff:
    establishment: Establishment
    unit: Unit
    tariff: Tariff


def published_tariffs(uow: UnitOfWork, on: date) -> list[PublishedTariff]:
    """The tariff of every unit in force on ``on``, for the families' "Tarifs" page."""
    catalogue = current_catalogue(uow)
    published = []
    for establishment in catalogue.establishments:
        for unit in establishment.units:
            tariff = unit.tariff_on(on)
            if tariff is not None:
                published.append(PublishedTariff(establishment, unit, tariff))
    return published
