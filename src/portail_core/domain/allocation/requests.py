"""A family's request in a campaign: one day x unit for one child, in order of preference."""

from __future__ import annotations

import pendulum
from attrs import field, frozen

from portail_core.domain.bookings.reservation import Slot
from portail_core.domain.shared.instants import as_utc

__all__ = ["AllocationRequest"]


@frozen
class AllocationRequest:
    campaign_code: str
    family_id: int
    child_id: int
    slot: Slot
    preference: int  # 1: the child's first choice
    requested_at: pendulum.DateTime = field(converter=as_utc)  # shown; never decides anything
