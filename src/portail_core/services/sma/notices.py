"""What SMA pre-registrations write in French: audit entries and e-mails (never health data)."""

from __future__ import annotations

import pendulum

from portail_core.domain.audit import Actor, AuditEvent
from portail_core.domain.messaging import OutgoingEmail
from portail_core.domain.shared.french_dates import numeric_day_fr
from portail_core.domain.sma import SmaRequest

__all__ = ["offer_email", "reminder_email", "sma_event"]

_VERBS = {
    "sma.request": "déposée",
    "sma.offer": "place proposée",
    "sma.accept": "offre acceptée par la famille",
    "sma.decline": "offre refusée par la famille",
    "sma.expire": "offre expirée sans réponse",
    "sma.confirm": "confirmée par la famille",
    "sma.remind": "rappel de confirmation envoyé",
    "sma.drop": "radiée de la liste d'attente (non confirmée)",
}


def sma_event(action: str, request: SmaRequest, actor: Actor, now: pendulum.DateTime) -> AuditEvent:
    offer = request.offer
    details: dict[str, object] = {
        "request_id": request.id,
        "family_id": request.family_id,
        "child_id": request.child_id,
        "state": request.state.value,
        "wishes": list(request.wishes),
    }
    suffix = ""
    if offer is not None and action in {"sma.offer", "sma.accept", "sma.decline", "sma.expire"}:
        details |= {
            "establishment": offer.establishment_code,
            "start": offer.start.isoformat(),
            "deadline": offer.deadline.isoformat(),
        }
        suffix = (
            f" ({offer.establishment_code}, entrée le {numeric_day_fr(offer.start)}, réponse "
            f"avant le {numeric_day_fr(offer.deadline)})"
        )
    return AuditEvent(
        at=now,
        actor=actor,
        action=action,
        summary=f"Pré-inscription SMA n° {request.id} pour {request.child_name} : "
        f"{_VERBS[action]}{suffix}",
        details=details,
        family_id=request.family_id,
    )


def offer_email(
    request: SmaRequest, to: str, establishment: str, commune: str, now: pendulum.DateTime
) -> OutgoingEmail:
    assert request.offer is not None  # noqa: S101  (called once the offer is made)
    return OutgoingEmail(
        to,
        "sma_offer",
        {
            "commune": commune,
            "establishment": establishment,
            "child": request.child_name,
            "start": numeric_day_fr(request.offer.start),
            "deadline": numeric_day_fr(request.offer.deadline),
            "number": str(request.id),
        },
        created_at=now,
        family_id=request.family_id,
    )


def reminder_email(
    request: SmaRequest, to: str, until: pendulum.Date, commune: str, now: pendulum.DateTime
) -> OutgoingEmail:
    return OutgoingEmail(
        to,
        "sma_reminder",
        {
            "commune": commune,
            "child": request.child_name,
            "until": numeric_day_fr(until),
            "number": str(request.id),
        },
        created_at=now,
        family_id=request.family_id,
    )
