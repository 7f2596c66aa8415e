"""What the pre-registrations' use cases share: the school years offered, the documents
required, the family's sector school, a request as the family and the desk see it."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from attrs import frozen

from portail_core.domain.catalogue.establishments import Catalogue
from portail_core.domain.catalogue.school_map import SectorFound
from portail_core.domain.dossiers.completeness import SchoolYear
from portail_core.domain.dossiers.family import Family
from portail_core.domain.preregistrations import (
    PreregistrationDocumentKind,
    SchoolPreregistration,
)
from portail_core.errors import NotFound
from portail_core.services.preregistrations.notices import school_name

if TYPE_CHECKING:
    from portail_core.ports.unit_of_work import UnitOfWork

__all__ = [
    "PreregistrationLine",
    "Sector",
    "line_of",
    "request_of",
    "required_documents",
    "school_years",
    "sector_of",
]


def school_years(today: date) -> tuple[SchoolYear, SchoolYear]:
    """The school years a family may ask for: the next one first, then the current one."""
    current = SchoolYear.containing(today)
    return SchoolYear(current.start + 1), current


def required_documents(*, new_child: bool) -> tuple[PreregistrationDocumentKind, ...]:
    """The proof of address always; the livret de famille for a child new to the dossier."""
    if new_child:
        return (
            PreregistrationDocumentKind.FAMILY_RECORD_BOOK,
            PreregistrationDocumentKind.PROOF_OF_ADDRESS,
        )
    return (PreregistrationDocumentKind.PROOF_OF_ADDRESS,)


@frozen
class Sector:
    """The family's sector school by the commune's school map, or why there is none."""

    school: str  # a school's code; empty when the address is not in the map
    school_name: str
    refusal: str  # French, when ``school`` is empty


def sector_of(family: Family, catalogue: Catalogue) -> Sector:
    address = family.main_guardian.address
    if address is None:
        return Sector("", "", "L'adresse de la famille n'est pas connue : contactez le guichet.")
    found = catalogue.school_map.sector_school(address.street, address.postcode)
    if isinstance(found, SectorFound):
        return Sector(found.school, school_name(catalogue, found.school), "")
    return Sector("", "", found.message)


@frozen
class PreregistrationLine:
    """A request with the names people read."""

    request: SchoolPreregistration
    family_name: str
    requested_school_name: str
    sector_school_name: str
    assigned_school_name: str


def line_of(
    request: SchoolPreregistration, family: Family, catalogue: Catalogue
) -> PreregistrationLine:
    return PreregistrationLine(
        request,
        family.name,
        school_name(catalogue, request.requested_school),
        school_name(catalogue, request.sector_school),
        school_name(catalogue, request.assigned_school),
    )


def request_of(
    uow: UnitOfWork, request_id: int, *, family_id: int | None = None, for_update: bool = False
) -> SchoolPreregistration:
    """The request (of that family when ``family_id`` is given: another's is NotFound)."""
    request = uow.preregistrations.get(request_id, for_update=for_update)
    if request is None or (family_id is not None and request.family_id != family_id):
        raise NotFound(f"Aucune pré-inscription scolaire n° {request_id}.")
    return request
