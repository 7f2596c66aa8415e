"""Which version of each règlement counts today, read inside a unit of work: shared by the
dossiers (completeness, the desk's acceptance), the bookings and the regulations' pages."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from portail_core.domain.catalogue.establishments import Establishment
from portail_core.domain.dossiers.family import Family
from portail_core.domain.regulations import (
    RegulationInForce,
    regulation_in_force,
    required_regulations,
)

if TYPE_CHECKING:
    from portail_core.ports.unit_of_work import UnitOfWork

__all__ = ["in_force_of", "regulations_required"]


def in_force_of(
    uow: UnitOfWork, establishment: Establishment, today: date
) -> RegulationInForce | None:
    """The establishment's règlement on ``today`` (None: it has none)."""
    return regulation_in_force(establishment, uow.regulations.listing(establishment.code), today)


def regulations_required(uow: UnitOfWork, family: Family, today: date) -> dict[str, str]:
    """Establishment code -> the version the family must have accepted today, for the
    establishments its children may use."""
    return required_regulations(family, uow.catalogue.get(), uow.regulations.listing(), today)
