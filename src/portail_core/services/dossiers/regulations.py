"""Accepting an establishment's règlement intérieur, in the version the town publishes.

Bookings are refused until the family has accepted the current version (``planning_context``):
when the town publishes a new one, each family accepts it again. The desk records an acceptance
signed on paper; the families' own page is later work (it needs the document itself, which the
catalogue does not hold yet).
"""

from __future__ import annotations

from attrs import frozen

from portail_core.domain.audit import Actor, AuditEvent
from portail_core.domain.dossiers.family import RegulationConsent
from portail_core.errors import NotFound, RuleViolation
from portail_core.ports.clock import Clock
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
) -> Acceptance:
    """Record that the family accepts the establishment's current règlement intérieur.

    ``version``: the one the family read; refused if the town has published another since. An
    acceptance already recorded is not recorded twice. Audited, with the version."""
    now = clock.now()
    with uow:
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
        family = uow.families.get(family_id, for_update=True)
        if family is None:
            raise NotFound(f"Aucune famille n° {family_id}.")
        if family.has_accepted(establishment.code, current):
            return Acceptance(establishment.name, current, already=True)
        earlier = [c.version for c in family.consents if c.establishment_code == establishment.code]
        family.consents = [
            *family.consents,
            RegulationConsent.create(
                establishment_code=establishment.code, version=current, accepted_at=now
            ),
        ]
        uow.families.update(family, now)
        uow.audit.record(
            AuditEvent(
                at=now,
                actor=actor,
                action="regulation.accept",
                summary=(
                    f"Règlement intérieur de « {establishment.name} » accepté (version {current})"
                ),
                details={
                    "establishment": establishment.code,
                    "version": [earlier[-1] if earlier else "", current],
                },
                family_id=family_id,
            )
        )
        uow.commit()
    return Acceptance(establishment.name, current, already=False)
