"""« Informations utiles »: the hub of the information pages (the seed's first home entry).

Each entry leads to a page of its capability (structures and tariffs of the catalogue, news,
contacts...); an entry whose page would be empty for this commune is not shown.
"""

from __future__ import annotations

from flask import Blueprint, render_template

from entrypoints.web.news import news_for_reader

__all__ = ["blueprint"]

blueprint = Blueprint("information", __name__)


@blueprint.get("/informations")
def home() -> str:
    """The list of the information pages this commune publishes."""
    return render_template("information/home.html", has_news=bool(news_for_reader(limit=1)))
