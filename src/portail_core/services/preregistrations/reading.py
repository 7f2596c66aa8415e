"""What families and the desk read: the form's choices, a family's requests, the listing."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from attrs import frozen

from portail_core.domain.catalogue.establishments import School
from portail_core.domain.catalogue.school_levels import LEVELS, SchoolLevel
from portail_core.domain.dossiers.child import Child
from portail_core.domain.dossiers.completeness import SchoolYear
from portail_core.domain.preregistrations import PreregistrationDocumentKind, PreregistrationState
from portail_core.errors import InvalidInput, NotFound
from portail_core.ports.clock import Clock
from portail_core.ports.preregistrations import PreregistrationFilter
from portail_core.services.dossiers.common import family_of
from portail_core.services.preregistrations.common import (
    PreregistrationLine,
    Sector,
    line_of,
    request_of,
    required_documents,
    school_years,
    sector_of,
)

if TYPE_CHECKING:
    from portail_core.ports.unit_of_work import UnitOfWork

__all__ = [
    "PreregistrationForm",
    "family_preregistrations",
    "list_preregistrations",
    "preregistration_form",
    "show_preregistration",
]


@frozen
class PreregistrationForm:
    """What the family's form offers. ``open`` is False when the commune publishes no school map
    (then the portal says nothing about pre-registrations)."""

    open: bool
    children: Sequence[Child]
    school_years: Sequence[SchoolYear]
    levels: Sequence[SchoolLevel]
    schools: Sequence[School]
    sector: Sector
    documents_new_child: Sequence[PreregistrationDocumentKind]
    documents_known_child: Sequence[PreregistrationDocumentKind]


def preregistration_form(uow: UnitOfWork, clock: Clock, family_id: int) -> PreregistrationForm:
    with uow:
        family = family_of(uow, family_id)
        catalogue = uow.catalogue.get()
    born = [c for c in family.children if not getattr(c, "expected", False)]
    return PreregistrationForm(
        not catalogue.school_map.is_empty and bool(catalogue.schools),
        born,
        school_years(clock.today()),
        LEVELS,
        catalogue.schools,
        sector_of(family, catalogue),
        required_documents(new_child=True),
        required_documents(new_child=False),
    )


def family_preregistrations(uow: UnitOfWork, family_id: int) -> list[PreregistrationLine]:
    """The family's requests, the latest first."""
    with uow:
        family = family_of(uow, family_id)
        catalogue = uow.catalogue.get()
        found = uow.preregistrations.matching(PreregistrationFilter(family_id=family_id))
    return [line_of(r, family, catalogue) for r in reversed(found)]


def _filter(
    school: str | None, level: str | None, state: str | None, school_year: str | None
) -> PreregistrationFilter:
    wanted_state = None
    if state:
        try:
            wanted_state = next(
                s for s in PreregistrationState if state.strip().casefold() in {s.value, s.label}
            )
        except StopIteration:
            names = ", ".join(s.value for s in PreregistrationState)
            message = f"État inconnu « {state} » : {names}."
            raise InvalidInput(message, {"state": message}) from None
    year = SchoolYear.parse(school_year).start if school_year else None
    return PreregistrationFilter(
        school_year=year,
        state=wanted_state,
        school=(school or "").strip().upper() or None,
        level=(level or "").strip().upper() or None,
    )


def list_preregistrations(
    uow: UnitOfWork,
    *,
    school: str | None = None,
    level: str | None = None,
    state: str | None = None,
    school_year: str | None = None,
) -> list[PreregistrationLine]:
    """The requests the filters keep, oldest first (the order they are examined in)."""
    wanted = _filter(school, level, state, school_year)
    with uow:
        catalogue = uow.catalogue.get()
        lines = []
        for request in uow.preregistrations.matching(wanted):
            family = uow.families.get(request.family_id)
            if family is None:
                raise NotFound(f"Aucune famille n° {request.family_id}.")
            lines.append(line_of(request, family, catalogue))
    return lines


def show_preregistration(uow: UnitOfWork, request_id: int) -> PreregistrationLine:
    with uow:
        request = request_of(uow, request_id)
        return line_of(request, family_of(uow, request.family_id), uow.catalogue.get())
