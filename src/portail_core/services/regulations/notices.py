"""What the regulations' use cases write in French: their audit entries and the e-mail telling a
family that a new version is published."""

from __future__ import annotations

import pendulum

from portail_core.domain.audit import Actor, AuditEvent
from portail_core.domain.catalogue.establishments import Establishment
from portail_core.domain.messaging import OutgoingEmail
from portail_core.domain.regulations import RegulationVersion
from portail_core.domain.shared.french_dates import long_day_fr, numeric_day_fr

__all__ = ["regulation_published", "regulation_published_email", "version_line"]


def version_line(version: RegulationVersion) -> str:
    """« version 2026-2, en vigueur à partir du 01/09/2026 »."""
    start = numeric_day_fr(version.effective_from)
    return f"version {version.version}, en vigueur à partir du {start}"


def regulation_published(
    version: RegulationVersion,
    establishment: Establishment,
    families: int,
    actor: Actor,
    now: pendulum.DateTime,
) -> AuditEvent:
    return AuditEvent(
        at=now,
        actor=actor,
        action="regulation.publish",
        summary=(
            f"Règlement intérieur de « {establishment.name} » publié ({version_line(version)}"
            + (
                f", à accepter avant le {numeric_day_fr(version.deadline)}"
                if version.deadline
                else ""
            )
            + f") ; familles prévenues par courriel : {families}"
        ),
        details={
            "establishment": establishment.code,
            "version": version.version,
            "effective_from": version.effective_from.isoformat(),
            "deadline": version.deadline.isoformat() if version.deadline else None,
            "sha256": version.document.sha256,
            "families": families,
        },
    )


def regulation_published_email(
    version: RegulationVersion,
    establishment: Establishment,
    *,
    to: str,
    family_id: int,
    family_name: str,
    commune_name: str,
    url: str,
    now: pendulum.DateTime,
) -> OutgoingEmail:
    """A family whose children use the establishment: the new version, when it takes effect,
    until when the accepted one still counts for bookings, the link to read and accept it."""
    return OutgoingEmail(
        to,
        "regulation_published",
        {
            "commune": commune_name,
            "family": family_name,
            "establishment": establishment.name,
            "title": version.title,
            "version": version.version,
            "effective_from": long_day_fr(version.effective_from),
            "deadline": long_day_fr(version.deadline) if version.deadline else "",
            "url": url,
        },
        created_at=now,
        family_id=family_id,
    )
