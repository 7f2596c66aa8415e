"""The ordinary booking grid's side of fair allocation: the days of a campaign not yet
published cannot be booked there (one query per planning)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from portail_core.ports.unit_of_work import UnitOfWork

__all__ = ["held_days"]


def held_days(uow: UnitOfWork, establishment_code: str, first: date, last: date) -> dict[date, str]:
    """Day -> why it is kept for a draw, for the establishment's campaigns not yet published."""
    held: dict[date, str] = {}
    for campaign in uow.allocations.campaigns():
        s = campaign.settings
        if s.establishment_code != establishment_code or campaign.published_at is not None:
            continue
        day = max(first, s.first_day)
        while day <= min(last, s.last_day):
            held.setdefault(day, campaign.hold_reason)
            day += timedelta(days=1)
    return held
