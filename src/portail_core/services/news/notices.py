"""What the news' use cases write in French in the audit trail."""

from __future__ import annotations

import pendulum

from portail_core.domain.audit import Actor, AuditEvent
from portail_core.domain.news import NewsItem

__all__ = ["audience", "news_event"]

_VERBS = {
    "news.add": "ajoutée (brouillon)",
    "news.publish": "publiée",
    "news.unpublish": "retirée du portail",
}


def audience(item: NewsItem, establishment_name: str | None = None) -> str:
    """« toutes les familles », « les familles de Accueil de loisirs des Dunes »."""
    if item.establishment_code is None:
        return "toutes les familles"
    return f"les familles de « {establishment_name or item.establishment_code} »"


def news_event(action: str, item: NewsItem, actor: Actor, now: pendulum.DateTime) -> AuditEvent:
    return AuditEvent(
        at=now,
        actor=actor,
        action=action,
        summary=f"Actualité n° {item.id} « {item.title} » {_VERBS[action]}, pour "
        f"{audience(item)}, {item.period()}",
        details={
            "news_id": item.id,
            "title": item.title,
            "establishment": item.establishment_code,
            "from": item.first_day.isoformat(),
            "until": None if item.last_day is None else item.last_day.isoformat(),
        },
    )
