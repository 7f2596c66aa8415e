"""A child's reservation history, the family's planning summaries, and their purge."""

from __future__ import annotations

from portail_core.domain.bookings.reservation import (
    ReservationEvent,
)
from portail_core.domain.bookings.selection import (
    PlanningDraft,
)
from portail_core.errors import InvalidInput, NotFound
from portail_core.ports.clock import Clock
from portail_core.ports.unit_of_work import UnitOfWork

__all__ = ["DRAFT_RETENTION_DAYS", "child_history", "draft_of_family", "purge_planning_drafts"]


DRAFT_RETENTION_DAYS = 7


def child_history(
    uow: UnitOfWork, *, family_id: int, child_id: int, limit: int = 500
) -> list[ReservationEvent]:
    """The "Historique" of one child's reservations, most recent first."""
    with uow:
        family = uow.families.get(family_id)
        if family is None or all(c.id != child_id for c in family.children):
            raise NotFound("Enfant introuvable dans votre dossier.")
        return uow.reservations.history(child_id, limit)


def draft_of_family(uow: UnitOfWork, *, family_id: int, token: str) -> PlanningDraft:
    """A validated summary, to show it again (another family's answers NotFound)."""
    with uow:
        draft = uow.drafts.get(token)
    if draft is None or draft.family_id != family_id:
        raise NotFound("Ce récapitulatif n'existe pas ou ne vous concerne pas.")
    return draft


def purge_planning_drafts(
    uow: UnitOfWork, clock: Clock, *, days: int = DRAFT_RETENTION_DAYS
) -> int:
    """Delete the validated summaries (drafts) created more than ``days`` days ago, confirmed or
    not; how many. Every « Valider le planning » keeps one; an unconfirmed one is dead after an
    hour, a confirmed one only serves its confirmation page. The reservations, their history
    and the e-mails keep the confirmation number."""
    if not 1 <= days <= 365:
        raise InvalidInput("La durée de conservation va de 1 à 365 jours.")
    with uow:
        purged = uow.drafts.purge(clock.now().subtract(days=days))
        uow.commit()
    return purged
