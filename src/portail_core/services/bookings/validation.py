"""Step 5's « Valider le planning »: the summary of a selection, kept as a draft to confirm."""

from __future__ import annotations

import secrets
from datetime import date
from typing import TYPE_CHECKING

from attrs import frozen

from portail_core.domain.bookings.pattern import MAX_PATTERN_DAYS
from portail_core.domain.bookings.selection import (
    PlanningDraft,
    Request,
    Selection,
    Summary,
    validate_selection,
)
from portail_core.errors import InvalidInput
from portail_core.ports.catalogue import CalendarSources
from portail_core.ports.clock import Clock
from portail_core.services.bookings.context import (
    Booker,
    family_refusals,
    load_booker,
    load_planning,
)

if TYPE_CHECKING:
    from portail_core.ports.unit_of_work import UnitOfWork

__all__ = [
    "MAX_SLOTS",
    "Validation",
    "check_size",
    "kept_as_draft",
    "summarise_selection",
    "validate_planning",
]


MAX_SLOTS = 1000  # a selection larger than a term of every unit is not a family's


@frozen
class Validation:
    summary: Summary
    draft_token: str | None  # None when nothing can be confirmed


def _span(selection: Selection) -> tuple[date, date]:
    days = [slot.day for _, slot in selection.requests()]
    return min(days), max(days)


def check_size(selection: Selection) -> None:
    """Something to do, and not more than a family would ask for."""
    if selection.empty:
        raise InvalidInput("Vous n'avez rien coché ni décoché : aucun changement à valider.")
    if len(selection.book) + len(selection.cancel) + len(selection.wait) > MAX_SLOTS:
        raise InvalidInput(f"{MAX_SLOTS} créneaux au plus par validation.")


def summarise_selection(
    uow: UnitOfWork,
    sources: CalendarSources,
    booker: Booker,
    selection: Selection,
    clock: Clock,
    *,
    ignore_deadlines: bool = False,
) -> Summary:
    """The selection checked against the planning of the days it asks for and the family's
    refusals. Inside the caller's unit of work."""
    first, last = _span(selection)
    asked = {slot.day for _, slot in selection.requests()}
    planning = load_planning(
        uow,
        sources,
        booker,
        first,
        last,
        clock.now(),
        ignore_deadlines=ignore_deadlines,
        only=asked,
        longest=MAX_PATTERN_DAYS,  # a weekly pattern's draft spans a school year
    )
    wanted = [slot.day for request, slot in selection.requests() if request is not Request.CANCEL]
    refusals = family_refusals(uow, booker, wanted, clock.today()) if wanted else ()
    return validate_selection(planning, selection, refusals)


def validate_planning(
    uow: UnitOfWork,
    sources: CalendarSources,
    clock: Clock,
    *,
    family_id: int,
    child_id: int,
    establishment_code: str,
    selection: Selection,
) -> Validation:
    """Step 5's "Valider le planning": the summary, kept as a draft to confirm."""
    check_size(selection)
    with uow:
        booker = load_booker(uow, family_id, child_id, establishment_code)
        summary = summarise_selection(uow, sources, booker, selection, clock)
        return kept_as_draft(uow, clock, booker, summary)


def kept_as_draft(uow: UnitOfWork, clock: Clock, booker: Booker, summary: Summary) -> Validation:
    """The summary, kept as the draft step 6 confirms when something can be confirmed
    (committed); inside the caller's unit of work."""
    if not summary.accepted:
        return Validation(summary, None)
    draft = PlanningDraft(
        token=secrets.token_urlsafe(24),
        family_id=booker.family_id,
        child_id=booker.child_id,
        establishment_code=booker.establishment.code,
        selection=summary.selection,
        created_at=clock.now(),
        summary=summary,
    )
    uow.drafts.add(draft)
    uow.commit()
    return Validation(summary, draft.token)
