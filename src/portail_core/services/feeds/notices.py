"""What the feeds' use cases write in French in the audit trail (never the secret)."""

from __future__ import annotations

import pendulum

from portail_core.domain.audit import Actor, AuditEvent

__all__ = ["feed_created", "feed_revoked"]


def feed_created(
    family_id: int, replaced: bool, actor: Actor, now: pendulum.DateTime
) -> AuditEvent:
    summary = "Agenda des réservations créé" + (
        " (il remplace le précédent, dont l'adresse ne répond plus)" if replaced else ""
    )
    return AuditEvent(
        at=now,
        actor=actor,
        action="feed.create",
        summary=summary,
        details={"replaced": replaced},
        family_id=family_id,
    )


def feed_revoked(family_id: int, actor: Actor, now: pendulum.DateTime) -> AuditEvent:
    return AuditEvent(
        at=now,
        actor=actor,
        action="feed.revoke",
        summary="Agenda des réservations révoqué : son adresse ne répond plus",
        details={},
        family_id=family_id,
    )
