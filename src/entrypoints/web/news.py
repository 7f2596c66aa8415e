"""« Actualités »: the town's news, for everyone and, once logged in, for the family's
structures."""

from __future__ import annotations

from flask import Blueprint, g, render_template

from entrypoints.web.app_services import portail
from portail_core.services.news.reading import ShownNews

__all__ = ["blueprint", "news_for_reader"]

blueprint = Blueprint("news", __name__)


def news_for_reader(limit: int | None = None) -> list[ShownNews]:
    """What the visitor reads today: the logged-in family's news, or the news for everyone."""
    session = g.get("portal_session")
    family = session.family_id if session is not None else None
    return portail().news.shown(family_id=family, limit=limit)


@blueprint.get("/actualites")
def home() -> str:
    """The news shown today, the newest first."""
    return render_template("news/home.html", news=news_for_reader())
