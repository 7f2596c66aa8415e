"""Accepting an establishment's règlement intérieur, in the version the town publishes.

Bookings are refused until the family has accepted the current version (``planning_context``):
when the town publishes a new one, each family accepts it again. The desk records an acceptance
signed on paper; the families' own page is later work (it needs the document itself, which the
catalogue does not hold yet).
"""

from __future__ import annotations

from attrs import frozen

from portail_core.domain.audit import Actor
from portail_core.domain.catalogue.establishments import Establishment
from portail_core.domain.dossiers.family import Family, RegulationConsent
from portail_core.errors import NotFound, RuleViolation
from portail_core.ports.clock import Clock
from portail_core.ports.unit_of_work import UnitOfWork
from portail_core.services.dossiers import notices
from portail_core.services.dossiers.common import family_of

__all__ = ["Acceptance", "accept_regulation"]


@frozen
class Acceptance:
    establishment_name: str
    version: str
    already: bool  # accepted before: nothing was written


def accept_regulation(
    uow: UnitOfWork,
    clock: Clock,
    *,
    family_id: int,
    establishment_code: str,
    actor: Actor,
    version: str | None = None,
) -> Acceptance:
    """Record that the family accepts the establishment's current règlement intérieur.

    ``version``: the one the family read; refused if the town has published another since. An
    acceptance already recorded is not recorded twice. Audited, with the version."""
    now = clock.now()
    with uow:
        establishment, current = _regulation_in_force(uow, establishment_code, version)
        family = family_of(uow, family_id, for_update=True)
        if family.has_accepted(establishment.code, current):
            return Acceptance(establishment.name, current, already=True)
        earlier = _last_accepted(family, establishment.code)
        family.accept_regulation(
            RegulationConsent.create(
                establishment_code=establishment.code, version=current, accepted_at=now
            )
        )
        uow.families.update(family, now)
        uow.audit.record(
            notices.regulation_accepted(family_id, establishment, (earlier, current), actor, now)
        )
        uow.commit()
    return Acceptance(establishment.name, current, already=False)


def _regulation_in_force(
    uow: UnitOfWork, establishment_code: str, version: str | None
) -> tuple[Establishment, str]:
    """The establishment and the version of its règlement in force, which must be ``version``
    when the family says which one it read."""
    establishment = uow.catalogue.get().establishment(establishment_code)
    if establishment is None:
        raise NotFound(f"Aucune structure « {establishment_code[:40]} ».")
    current = establishment.regulation
    if current is None:
        raise RuleViolation(f"« {establishment.name} » n'a pas de règlement intérieur.")
    if version is not None and version != current:
        raise RuleViolation(
            f"Le règlement intérieur de « {establishment.name} » a changé : la version "
            f"en vigueur est la {current} (et non la {version[:20]})."
        )
    return establishment, current


def _last_accepted(family: Family, establishment_code: str) -> str:
    """The version of the establishment's règlement the family accepted last, "" if none."""
    earlier = [c.version for c in family.consents if c.establishment_code == establishment_code]
    return earlier[-1] if earlier else ""
