"""Reading the règlements: the desk's list and one version with its acceptances; a family's page
(what concerns its children, what it must accept and until when); the PDF itself."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from attrs import frozen

from portail_core.domain.catalogue.establishments import Establishment
from portail_core.domain.dossiers.family import Family
from portail_core.domain.regulations import (
    RegulationInForce,
    RegulationVersion,
    check_establishment,
    establishments_used_by,
    regulation_in_force,
)
from portail_core.errors import NotFound
from portail_core.ports.clock import Clock
from portail_core.ports.regulations import RegulationFiles
from portail_core.services.dossiers.common import family_of

if TYPE_CHECKING:
    from portail_core.ports.unit_of_work import UnitOfWork

__all__ = [
    "EstablishmentRegulation",
    "RegulationDetails",
    "RegulationLine",
    "list_regulations",
    "regulation_document",
    "regulations_for",
    "show_regulation",
]

MISSING = "Ce règlement intérieur est introuvable."


@frozen
class RegulationLine:
    """A published version, its establishment, and whether it is in force, to come or past."""

    version: RegulationVersion
    establishment_name: str
    status: str  # « en vigueur », « à venir », « remplacée »


@frozen
class RegulationDetails:
    line: RegulationLine
    families_concerned: int
    families_accepted: int


@frozen
class EstablishmentRegulation:
    """One establishment's published règlement as a family sees it (``family`` None: anyone).

    ``current``: the published version in force (None: only one announced); ``to_accept``: the
    version the family is asked to accept online (None: nothing to do); ``blocked``: its
    bookings there are refused until it does; ``deadline``: until when they are not."""

    establishment: Establishment
    current: RegulationVersion | None
    announced: tuple[RegulationVersion, ...]
    concerns_family: bool
    to_accept: RegulationVersion | None
    blocked: bool
    deadline: date | None


def _status(version: RegulationVersion, standing: RegulationInForce | None) -> str:
    if standing is not None and standing.published == version:
        return "en vigueur"
    if standing is not None and version in standing.announced:
        return "à venir"
    return "remplacée"


def list_regulations(
    uow: UnitOfWork, clock: Clock, *, establishment_code: str | None = None
) -> list[RegulationLine]:
    """Every published version (of one establishment), by establishment and date."""
    today = clock.today()
    with uow:
        catalogue = uow.catalogue.get()
        code = None
        if establishment_code is not None:
            code = check_establishment(catalogue, establishment_code).code
        versions = uow.regulations.listing(code)
    lines = []
    for establishment in catalogue.establishments:
        standing = regulation_in_force(establishment, versions, today)
        lines += [
            RegulationLine(v, establishment.name, _status(v, standing))
            for v in versions
            if v.establishment_code == establishment.code
        ]
    return lines


def show_regulation(
    uow: UnitOfWork, clock: Clock, *, establishment_code: str, version: str
) -> RegulationDetails:
    """One version, with how many families concerned by the establishment accepted it."""
    today = clock.today()
    with uow:
        catalogue = uow.catalogue.get()
        establishment = check_establishment(catalogue, establishment_code)
        found = uow.regulations.get(establishment.code, version.strip())
        if found is None:
            raise NotFound(MISSING)
        standing = regulation_in_force(
            establishment, uow.regulations.listing(establishment.code), today
        )
        concerned = accepted = 0
        for family in uow.families.each():
            if establishment.code in {e.code for e in establishments_used_by(family, catalogue)}:
                concerned += 1
                accepted += family.has_accepted(establishment.code, found.version)
    line = RegulationLine(found, establishment.name, _status(found, standing))
    return RegulationDetails(line, concerned, accepted)


def regulations_for(
    uow: UnitOfWork, clock: Clock, family_id: int | None
) -> list[EstablishmentRegulation]:
    """Each establishment with a published règlement (in force or announced), in the
    catalogue's order, as the family (or anyone, with None) sees it."""
    today = clock.today()
    with uow:  # no version published online (most pages of most towns): one query, no more
        versions = uow.regulations.listing()
        if not versions:
            return []
        catalogue = uow.catalogue.get()
        standings = [
            standing
            for establishment in catalogue.establishments
            if (standing := regulation_in_force(establishment, versions, today)) is not None
            and (standing.published is not None or standing.announced)
        ]
        family = None if family_id is None or not standings else family_of(uow, family_id)
    used = set() if family is None else {e.code for e in establishments_used_by(family, catalogue)}
    return [
        _for_family(standing, family, standing.establishment.code in used, today)
        for standing in standings
    ]


def _for_family(
    standing: RegulationInForce, family: Family | None, concerns: bool, today: date
) -> EstablishmentRegulation:
    to_accept = None
    if family is not None and concerns:
        candidates = [*([standing.published] if standing.published else []), *standing.announced]
        accepted = [
            i
            for i, c in enumerate(candidates)
            if family.has_accepted(c.establishment_code, c.version)
        ]
        following = candidates[accepted[-1] + 1 :] if accepted else candidates
        to_accept = following[0] if following else None
    blocked = family is not None and concerns and not standing.counts_for(family, today)
    return EstablishmentRegulation(
        standing.establishment,
        standing.published,
        standing.announced,
        concerns,
        to_accept,
        blocked,
        standing.deadline if standing.in_grace(today) else None,
    )


def regulation_document(
    uow: UnitOfWork, files: RegulationFiles, *, establishment_code: str, version: str
) -> tuple[RegulationVersion, bytes]:
    """A published version and its PDF (a règlement is public: anyone may read it)."""
    with uow:
        found = uow.regulations.get(establishment_code, version)
    if found is None:
        raise NotFound(MISSING)
    return found, files.open(found.document.file_id)
