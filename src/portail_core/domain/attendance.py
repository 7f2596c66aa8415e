"""The staff's attendance record (pointage): one mark per child, unit and day."""

from __future__ import annotations

import enum
from datetime import date

import pendulum
from attrs import field, frozen

from portail_core.domain.shared.instants import as_utc

__all__ = ["AttendanceMark", "Presence"]


class Presence(enum.Enum):
    """What staff record on the day (pointage)."""

    PRESENT = "present"
    ABSENT = "absent"

    @property
    def label(self) -> str:
        return {Presence.PRESENT: "présent", Presence.ABSENT: "absent"}[self]


@frozen
class AttendanceMark:
    child_id: int
    establishment_code: str
    unit_code: str
    day: date
    presence: Presence
    recorded_at: pendulum.DateTime = field(converter=as_utc)
    recorded_by: str = ""
