"""Use cases about the commune that runs the portal."""

from __future__ import annotations

from attrs import frozen

from portail_core.domain.commune import Commune
from portail_core.errors import Conflict
from portail_core.ports import UnitOfWork

__all__ = ["CommuneDetails", "SetUpResult", "current_commune", "set_up_commune"]


@frozen
class CommuneDetails:
    """Raw input describing the commune (from the town's file or the command line)."""

    insee_code: str
    name: str
    school_zone: str
    contact_email: str


@frozen
class SetUpResult:
    commune: Commune
    created: bool


def current_commune(uow: UnitOfWork) -> Commune | None:
    """The commune of this installation, or None if nothing is loaded yet."""
    with uow:
        return uow.communes.get()


def set_up_commune(
    uow: UnitOfWork, details: CommuneDetails, *, only_if_empty: bool = False
) -> SetUpResult:
    """Create the commune, or update it when its INSEE code matches; one commune per portal.

    With ``only_if_empty`` an existing commune is left untouched (the demo loader uses this so
    that it never overwrites a town's data).
    """
    wanted = Commune.create(
        insee_code=details.insee_code,
        name=details.name,
        school_zone=details.school_zone,
        contact_email=details.contact_email,
    )
    with uow:
        existing = uow.communes.get()
        if existing is None:
            uow.communes.add(wanted)
            uow.commit()
            return SetUpResult(wanted, created=True)
        if only_if_empty:
            return SetUpResult(existing, created=False)
        if existing.insee_code != wanted.insee_code:
            raise Conflict(
                f"Ce portail est déjà celui de {existing.name} ({existing.insee_code}) : "
                f"il ne peut pas servir une autre commune."
            )
        existing.name, existing.school_zone = wanted.name, wanted.school_zone
        existing.contact_email = wanted.contact_email
        uow.communes.update(existing)
        uow.commit()
        return SetUpResult(existing, created=False)
