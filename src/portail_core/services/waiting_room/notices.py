"""What the desk's changes to the waiting room write in French in the audit trail."""

from __future__ import annotations

from collections.abc import Mapping

import pendulum

from portail_core.domain.audit import Actor, AuditEvent
from portail_core.domain.shared.french_dates import moment_fr
from portail_core.domain.waiting_room import RoomMode, WaitingRoom

__all__ = ["room_changed"]

_ACTIONS = {
    RoomMode.AUTOMATIC: "waiting_room.auto",
    RoomMode.OPEN_EARLY: "waiting_room.open",
    RoomMode.OFF: "waiting_room.off",
}


def room_changed(
    room: WaitingRoom,
    changes: Mapping[str, list[object]],
    cleared: int,
    actor: Actor,
    now: pendulum.DateTime,
) -> AuditEvent:
    """``changes``: setting -> [old, new]; ``cleared``: tickets deleted (switched off)."""
    if room.mode is RoomMode.OFF:
        summary = f"Salle d'attente arrêtée : tout le monde entre ({cleared} ticket(s) effacé(s))"
    elif room.mode is RoomMode.OPEN_EARLY:
        start = "à l'ordre du guichet" if room.admit_from is None else moment_fr(room.admit_from)
        summary = (
            f"Salle d'attente ouverte en avance (capacité {room.capacity} familles) : "
            f"entrées {start}"
        )
    else:
        summary = f"Salle d'attente automatique (capacité {room.capacity} familles)"
    details: dict[str, object] = {"changes": dict(changes)}
    if cleared:
        details["cleared"] = cleared
    return AuditEvent(
        at=now, actor=actor, action=_ACTIONS[room.mode], summary=summary, details=details
    )
