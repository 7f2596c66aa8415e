"""What the reservation use cases write in French: the confirmation e-mail and its audit entry,
the e-mails of a waiting list giving or offering a place, who acted in the family's history."""

from __future__ import annotations

from datetime import date

import pendulum

from portail_core.domain.audit import Actor, AuditEvent, Channel
from portail_core.domain.bookings.reservation import ReservationEvent
from portail_core.domain.bookings.selection import Request, SelectionLine, Summary
from portail_core.domain.catalogue.establishments import Establishment, Unit
from portail_core.domain.communes import Commune
from portail_core.domain.dossiers.child import Child
from portail_core.domain.messaging import OutgoingEmail
from portail_core.domain.shared.french_dates import long_day_fr, moment_fr

__all__ = [
    "author_for_family",
    "place_given",
    "place_offered",
    "reservations_confirmed",
    "reservations_recorded",
]


def reservations_confirmed(
    recipient: str,
    commune: Commune | None,
    child: Child,
    establishment: Establishment,
    summary: Summary,
    number: str,
    now: pendulum.DateTime,
    *,
    family_id: int | None,
) -> OutgoingEmail:
    """The e-mail of a confirmation: what was booked, cancelled and put on a waiting list."""
    return OutgoingEmail(
        recipient,
        "reservation_confirmation",
        {
            "commune": _commune_name(commune),
            "number": number,
            "when": moment_fr(now),
            "child": child.first_name,
            "establishment": establishment.name,
            "additions": _describe(summary.additions),
            "cancellations": _describe(summary.cancellations, with_price=False),
            "waiting": _describe(summary.waiting, with_price=False),
            "cost": summary.cost.format_fr(),
        },
        created_at=now,
        family_id=family_id,
    )


def reservations_recorded(
    family_id: int | None,
    child: Child,
    establishment: Establishment,
    summary: Summary,
    actor: Actor,
    number: str,
    forced_reason: str | None,
    now: pendulum.DateTime,
) -> AuditEvent:
    """The audit entry of a confirmation, by a family or by the desk (forced or not)."""
    counts = {r.value: len(summary.of(r)) for r in Request}
    details: dict[str, object] = {
        "confirmation": number,
        "child_id": child.id,
        "establishment": establishment.code,
        **counts,
    }
    if forced_reason:
        details["forced_reason"] = forced_reason
    channel = "au guichet" if actor.channel is Channel.DESK else "sur le portail"
    return AuditEvent(
        at=now,
        actor=actor,
        action="reservation.forced" if forced_reason else "reservation.confirm",
        summary=(
            f"Réservations de {child.first_name} ({establishment.name}) "
            f"{channel} : {counts['book']} ajout(s), {counts['cancel']} annulation(s), "
            f"{counts['wait']} liste(s) d'attente, confirmation {number}"
            + (f" ; par dérogation aux délais : {forced_reason}" if forced_reason else "")
        ),
        details=details,
        family_id=family_id,
    )


def author_for_family(event: ReservationEvent) -> str:
    """Who made a change, as the family's history says it. The reason an agent typed to lift a
    deadline is for the desk and the audit trail: the family reads that the deadline was lifted,
    never the agent's words."""
    if event.actor.channel is Channel.PORTAL:
        return "vous, sur le portail"
    if event.actor.channel is Channel.DESK:
        return (
            "le guichet unique, par dérogation aux délais" if event.reason else "le guichet unique"
        )
    return "le portail (automatique)"


def place_given(
    recipient: str,
    commune: Commune | None,
    child: Child,
    establishment: Establishment,
    unit: Unit,
    day: date,
    number: str,
    now: pendulum.DateTime,
    *,
    family_id: int | None,
) -> OutgoingEmail:
    """The waiting list booked the place at once (automatic promotion)."""
    context = _waiting_context(commune, child, establishment, unit, day)
    return OutgoingEmail(
        recipient,
        "waiting_list_promoted",
        {**context, "number": number},
        created_at=now,
        family_id=family_id,
    )


def place_offered(
    recipient: str,
    commune: Commune | None,
    child: Child,
    establishment: Establishment,
    unit: Unit,
    day: date,
    expires: pendulum.DateTime,
    now: pendulum.DateTime,
    *,
    family_id: int | None,
) -> OutgoingEmail:
    """The waiting list holds the place for the family until ``expires``."""
    context = _waiting_context(commune, child, establishment, unit, day)
    return OutgoingEmail(
        recipient,
        "waiting_list_offer",
        {**context, "expires": moment_fr(expires)},
        created_at=now,
        family_id=family_id,
    )


def _commune_name(commune: Commune | None) -> str:
    return commune.name if commune else "la commune"


def _describe(lines: list[SelectionLine], with_price: bool = True) -> str:
    def one(line: SelectionLine) -> str:
        day = long_day_fr(line.slot.day)
        price = f" ({line.price.format_fr()})" if with_price and line.price is not None else ""
        return f"- {day} : {line.unit_label}{price}"

    return "\n".join(one(line) for line in lines)


def _waiting_context(
    commune: Commune | None, child: Child, establishment: Establishment, unit: Unit, day: date
) -> dict[str, str]:
    return {
        "commune": _commune_name(commune),
        "child": child.first_name,
        "establishment": establishment.name,
        "unit": unit.label,
        "day": long_day_fr(day),
    }
