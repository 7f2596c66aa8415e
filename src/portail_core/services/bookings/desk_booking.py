"""The desk books or cancels on a family's behalf, past a deadline with a reason."""

from __future__ import annotations

from portail_core.domain.audit import Actor
from portail_core.domain.bookings.reservation import (
    new_confirmation_number,
)
from portail_core.domain.bookings.selection import (
    Selection,
)
from portail_core.domain.shared.text import clean_line
from portail_core.errors import InvalidInput
from portail_core.ports.catalogue import CalendarSources
from portail_core.ports.clock import Clock
from portail_core.ports.unit_of_work import UnitOfWork
from portail_core.services.bookings.confirmation import Confirmation, _apply
from portail_core.services.bookings.context import (
    load_booker,
)
from portail_core.services.bookings.validation import _check_size

__all__ = ["MAX_REASON", "book_at_desk"]


def book_at_desk(
    uow: UnitOfWork,
    sources: CalendarSources,
    clock: Clock,
    *,
    family_id: int,
    child_id: int,
    establishment_code: str,
    selection: Selection,
    actor: Actor,
    forced_reason: str | None = None,
) -> Confirmation:
    """Staff book or cancel on a family's behalf (a phone call), in one step. Past a deadline
    only when forced with a reason, which the history and the audit trail keep."""
    _check_size(selection)
    if forced_reason is not None:
        forced_reason = _forced_reason(forced_reason)
    with uow:
        booker = load_booker(uow, family_id, child_id, establishment_code)
        number = new_confirmation_number()
        summary = _apply(
            uow, sources, clock, booker, selection, actor, number, forced_reason=forced_reason
        )
        uow.commit()
    return Confirmation(number, child_id, establishment_code, summary)


MAX_REASON = 300  # the history's column


def _forced_reason(text: str) -> str:
    """One readable line of 5 to 300 characters: it goes to the history and the audit trail."""
    reason = clean_line(text)
    if reason is None or not 5 <= len(reason) <= MAX_REASON:
        raise InvalidInput(
            f"Indiquez la raison du forçage sur une ligne, de 5 à {MAX_REASON} caractères."
        )
    return reason
