"""Use cases about the commune that runs the portal."""

from __future__ import annotations

from attrs import frozen

from portail_core.domain.commune import Commune
from portail_core.errors import Conflict
from portail_core.ports import UnitOfWork

__all__ = [
    "CommuneDetails",
    "SetUpResult",
    "apply_commune",
    "commune_from",
    "current_commune",
    "set_up_commune",
]


@frozen
class CommuneDetails:
    """Raw input describing the commune (from the town's file or the command line)."""

    insee_code: str
    name: str
    school_zone: str
    contact_email: str
    school_weekdays: tuple[str, ...] | None = None


@frozen
class SetUpResult:
    commune: Commune
    created: bool
    changed: bool


def current_commune(uow: UnitOfWork) -> Commune | None:
    """The commune of this installation, or None if nothing is loaded yet (give a read-only
    unit of work)."""
    with uow:
        return uow.communes.get()


def set_up_commune(
    uow: UnitOfWork, details: CommuneDetails, *, only_if_empty: bool = False
) -> SetUpResult:
    """Create the commune, or update it when its INSEE code matches; one commune per portal.

    With ``only_if_empty`` an existing commune is left untouched (the demo loader uses this so
    that it never overwrites a town's data).
    """
    wanted = commune_from(details)
    with uow:
        result = apply_commune(uow, wanted, only_if_empty=only_if_empty)
        if result.changed:
            uow.commit()
        return result


def commune_from(details: CommuneDetails) -> Commune:
    return Commune.create(
        insee_code=details.insee_code,
        name=details.name,
        school_zone=details.school_zone,
        contact_email=details.contact_email,
        school_weekdays=details.school_weekdays,
    )


def apply_commune(uow: UnitOfWork, wanted: Commune, *, only_if_empty: bool) -> SetUpResult:
    """Create or update the commune inside the caller's unit of work (which commits)."""
    existing = uow.communes.get()
    if existing is None:
        uow.communes.add(wanted)
        return SetUpResult(wanted, created=True, changed=True)
    if only_if_empty:
        return SetUpResult(existing, created=False, changed=False)
    if existing.insee_code != wanted.insee_code:
        raise Conflict(
            f"Ce portail est déjà celui de {existing.name} ({existing.insee_code}) : "
            f"il ne peut pas servir une autre commune."
        )
    fields = ("name", "school_zone", "contact_email", "school_weekdays")
    if all(getattr(existing, name) == getattr(wanted, name) for name in fields):
        return SetUpResult(existing, created=False, changed=False)
    for name in fields:
        setattr(existing, name, getattr(wanted, name))
    uow.communes.update(existing)
    return SetUpResult(existing, created=False, changed=True)
