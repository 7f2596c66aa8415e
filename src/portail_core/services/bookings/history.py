"""A child's reservation history (the whole record, and the family's view of it), the family's
planning summaries, and their purge."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import pendulum
from attrs import frozen

from portail_core.domain.bookings.reservation import (
    EventKind,
    ReservationEvent,
)
from portail_core.domain.bookings.selection import (
    PlanningDraft,
)
from portail_core.domain.dossiers.child import Child
from portail_core.errors import InvalidInput, NotFound
from portail_core.ports.clock import Clock
from portail_core.services.bookings import notices

if TYPE_CHECKING:
    from portail_core.ports.unit_of_work import UnitOfWork

__all__ = [
    "DRAFT_RETENTION_DAYS",
    "DraftPage",
    "HistoryLine",
    "child_history",
    "draft_of_family",
    "draft_page",
    "family_history",
    "purge_planning_drafts",
]


DRAFT_RETENTION_DAYS = 7
_NO_DRAFT = "Ce récapitulatif n'existe pas ou ne vous concerne pas."


def child_history(
    uow: UnitOfWork, *, family_id: int, child_id: int, limit: int = 500
) -> list[ReservationEvent]:
    """The "Historique" of one child's reservations, most recent first."""
    with uow:
        family = uow.families.get(family_id)
        if family is None or all(c.id != child_id for c in family.children):
            raise NotFound("Enfant introuvable dans votre dossier.")
        return uow.reservations.history(child_id, limit)


@frozen
class HistoryLine:
    """A line of the history as the family sees it: the establishment's name and the unit's
    label rather than their codes; who acted, in French, without the reason the desk typed when
    it lifted a deadline (that reason stays in ``child_history`` and the audit trail)."""

    at: pendulum.DateTime
    kind: EventKind
    day: date
    establishment: str
    unit: str
    by: str
    confirmation: str


def family_history(
    uow: UnitOfWork, *, family_id: int, child_id: int, limit: int = 500
) -> list[HistoryLine]:
    """The "Historique des réservations" of the family's portal, most recent first."""
    with uow:
        family = uow.families.get(family_id)
        if family is None or all(c.id != child_id for c in family.children):
            raise NotFound("Enfant introuvable dans votre dossier.")
        events = uow.reservations.history(child_id, limit)
        catalogue = uow.catalogue.get()
    lines = []
    for event in events:
        establishment = catalogue.establishment(event.establishment_code)
        unit = establishment.unit(event.unit_code) if establishment else None
        lines.append(
            HistoryLine(
                at=event.at,
                kind=event.kind,
                day=event.day,
                establishment=establishment.name if establishment else event.establishment_code,
                unit=unit.label if unit else event.unit_code,
                by=notices.author_for_family(event),
                confirmation=event.confirmation,
            )
        )
    return lines


def draft_of_family(uow: UnitOfWork, *, family_id: int, token: str) -> PlanningDraft:
    """A validated summary, to show it again (another family's answers NotFound)."""
    with uow:
        draft = uow.drafts.get(token)
    if draft is None or draft.family_id != family_id:
        raise NotFound(_NO_DRAFT)
    return draft


@frozen
class DraftPage:
    """A summary (or its confirmation) and the child it is for, as its page shows them."""

    draft: PlanningDraft
    child: Child


def draft_page(uow: UnitOfWork, *, family_id: int, token: str) -> DraftPage:
    """``draft_of_family`` and its child, read in one transaction (another family's summary,
    or a child no longer in the dossier, answers NotFound)."""
    with uow:
        draft = uow.drafts.get(token)
        if draft is None or draft.family_id != family_id:
            raise NotFound(_NO_DRAFT)
        family = uow.families.get(family_id)
    child = None if family is None else family.child(draft.child_id)
    if child is None:
        raise NotFound(_NO_DRAFT)
    return DraftPage(draft, child)


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
