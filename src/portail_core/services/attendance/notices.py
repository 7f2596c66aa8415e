"""What the attendance use cases write in French: their audit entries.

Reading the attendance sheet is recorded (it shows health flags), naming the establishment and
the day, never a health value.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import pendulum

from portail_core.domain.audit import Actor, AuditEvent
from portail_core.domain.catalogue.establishments import Establishment
from portail_core.domain.shared.french_dates import numeric_day_fr

if TYPE_CHECKING:
    from portail_core.services.attendance.pointage import MarkChange

__all__ = ["mark_changed", "sheet_read"]


def sheet_read(
    establishment: Establishment, day: date, lines: int, actor: Actor, now: pendulum.DateTime
) -> AuditEvent:
    return AuditEvent(
        at=now,
        actor=actor,
        action="attendance.sheet",
        summary=(
            f"Fiche de présence de « {establishment.name} » du {day.isoformat()} "
            f"consultée ({lines} ligne(s), avec les indications de santé)"
        ),
        details={"establishment": establishment.code, "day": day.isoformat()},
    )


def mark_changed(
    establishment: Establishment,
    day: date,
    change: MarkChange,
    family_id: int,
    actor: Actor,
    now: pendulum.DateTime,
) -> AuditEvent:
    """A child's mark old -> new (``family_id`` 0 when unknown)."""
    old = change.old.label if change.old is not None else "non pointé"
    unbooked = "" if change.booked else " (sans réservation)"
    return AuditEvent(
        at=now,
        actor=actor,
        action="attendance.mark",
        summary=(
            f"Pointage « {establishment.name} », {change.unit_label}, {numeric_day_fr(day)} : "
            f"{change.child_name} {old} -> {change.new.label}{unbooked}"
        ),
        details={
            "establishment": establishment.code,
            "unit": change.unit_code,
            "day": day.isoformat(),
            "child_id": change.child_id,
            "booked": change.booked,
            "presence": [change.old.value if change.old else None, change.new.value],
        },
        family_id=family_id or None,
    )
