"""What fair allocation writes in French: the results e-mail, the staff's audit entries."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pendulum

from portail_core.domain.allocation import Campaign, Decision
from portail_core.domain.audit import Actor, AuditEvent
from portail_core.domain.catalogue.establishments import Establishment
from portail_core.domain.communes import Commune
from portail_core.domain.messaging import OutgoingEmail
from portail_core.domain.shared.french_dates import long_day_fr

__all__ = ["campaign_event", "results_email", "results_url"]


def results_email(
    recipient: str,
    commune: Commune | None,
    campaign: Campaign,
    establishment: Establishment,
    decisions: Sequence[Decision],
    names: Mapping[int, str],
    now: pendulum.DateTime,
    *,
    family_id: int,
    results_url: str = "",
) -> OutgoingEmail:
    """One e-mail per family: each request's outcome and why, the seed to check the draw, and
    the link to its results on the portal (when the portal's address is known)."""
    labels = {u.code: u.label for u in establishment.units}
    lines = [
        f"- {names.get(d.wish.child_id, '')}, {long_day_fr(d.wish.place.day)}, "
        f"{labels.get(d.wish.place.unit_code, d.wish.place.unit_code)} : {d.outcome.label} "
        f"({d.explanation})"
        for d in sorted(decisions, key=lambda d: (d.wish.child_id, d.wish.preference))
    ]
    granted = sum(1 for d in decisions if d.outcome.value == "granted")
    return OutgoingEmail(
        recipient,
        "allocation_results",
        {
            "commune": commune.name if commune else "la commune",
            "campaign": campaign.settings.label,
            "establishment": establishment.name,
            "lines": "\n".join(lines),
            "granted": str(granted),
            "seed": campaign.seed,
            "seed_hash": campaign.seed_hash,
            "results_url": results_url,
        },
        created_at=now,
        family_id=family_id,
    )


def results_url(public_url: str, code: str) -> str:
    """The families' page of a campaign's results (« Voir les résultats »)."""
    return f"{public_url.rstrip('/')}/demandes-de-places/{code}/resultats"


def campaign_event(
    campaign: Campaign,
    action: str,
    summary: str,
    actor: Actor,
    now: pendulum.DateTime,
    details: Mapping[str, object] | None = None,
) -> AuditEvent:
    return AuditEvent(
        at=now,
        actor=actor,
        action=f"allocation.{action}",
        summary=f"{summary} : « {campaign.settings.label} » ({campaign.code})",
        details={"campaign": campaign.code, **(details or {})},
    )
