"""Accepting an establishment's règlement intérieur, in the version the town publishes.

Bookings are refused until the family has accepted the version in force (``bookings.context``),
or, while a new version's deadline runs, the one it replaced (``domain.regulations``). The desk
records an acceptance signed on paper (any version in force, a commune file's one included);
a family accepts online a published version it read (``online=True``: in force or announced).
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from attrs import frozen

from portail_core.domain.audit import Actor
from portail_core.domain.catalogue.establishments import Establishment
from portail_core.domain.dossiers.family import Family, RegulationConsent
from portail_core.errors import NotFound, RuleViolation
from portail_core.ports.clock import Clock
from portail_core.services.dossiers import notices
from portail_core.services.dossiers.common import family_of
from portail_core.services.regulations.standing import in_force_of

if TYPE_CHECKING:
    from portail_core.ports.unit_of_work import UnitOfWork

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
    online: bool = False,
) -> Acceptance:
    """Record that the family accepts the establishment's current règlement intérieur.

    ``version``: the one the family read; refused if the town has published another since. An
    acceptance already recorded is not recorded twice. Audited, with the version."""
    now = clock.now()
    with uow:
        establishment, current = _regulation_in_force(
            uow, establishment_code, version, clock.today(), online=online
        )
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
    uow: UnitOfWork,
    establishment_code: str,
    version: str | None,
    today: date,
    *,
    online: bool = False,
) -> tuple[Establishment, str]:
    """The establishment and the version of its règlement to accept: the one in force, or
    ``version`` when the family says which one it read (in force, or published for later).
    Online, only a published version (one with its document) is accepted."""
    establishment = uow.catalogue.get().establishment(establishment_code)
    if establishment is None:
        raise NotFound(f"Aucune structure « {establishment_code[:40]} ».")
    standing = in_force_of(uow, establishment, today)
    if standing is None:
        raise RuleViolation(f"« {establishment.name} » n'a pas de règlement intérieur.")
    current = standing.version
    if version is not None and standing.acceptable(version) is not None:
        return establishment, version
    if not online and version in (None, current):
        return establishment, current
    raise RuleViolation(
        f"Le règlement intérieur de « {establishment.name} » a changé : la version "
        f"en vigueur est la {current} (et non la {(version or '')[:20]})."
    )


def _last_accepted(family: Family, establishment_code: str) -> str:
    """The version of the establishment's règlement the family accepted last, "" if none."""
    earlier = [c.version for c in family.consents if c.establishment_code == establishment_code]
    return earlier[-1] if earlier else ""
