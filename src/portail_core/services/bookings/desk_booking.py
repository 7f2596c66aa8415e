"""The desk books or cancels on a family's behalf, past a deadline with a reason."""

from __future__ import annotations

from typing import TYPE_CHECKING

from portail_core.domain.audit import Actor
from portail_core.domain.bookings.reservation import new_confirmation_number
from portail_core.domain.bookings.selection import Selection
from portail_core.ports.catalogue import CalendarSources
from portail_core.ports.clock import Clock
from portail_core.services.bookings import desk
from portail_core.services.bookings.confirmation import Confirmation, apply_selection
from portail_core.services.bookings.context import load_booker
from portail_core.services.bookings.validation import check_size

if TYPE_CHECKING:
    from portail_core.ports.unit_of_work import UnitOfWork

__all__ = ["book_at_desk"]


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
    only when forced with a reason (``desk.forced_reason``), which the history and the audit
    trail keep."""
    check_size(selection)
    reason = None if forced_reason is None else desk.forced_reason(forced_reason)
    with uow:
        booker = load_booker(uow, family_id, child_id, establishment_code)
        number = new_confirmation_number()
        summary = apply_selection(
            uow, sources, clock, booker, selection, actor, number, forced_reason=reason
        )
        uow.commit()
    return Confirmation(number, child_id, establishment_code, summary)
