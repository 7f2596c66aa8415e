"""The family's space once logged in: the seed's four entries, and the dossier."""

from __future__ import annotations

from flask import Blueprint, render_template

from entrypoints.web.app_services import family_id, portail
from entrypoints.web.news import news_for_reader
from entrypoints.web.sessions import login_required
from portail_core.domain.dossiers.completeness import SchoolYear

__all__ = ["blueprint"]

blueprint = Blueprint("space", __name__)
LATEST_NEWS = 3  # on the home page; « Actualités » has them all


@blueprint.get("/espace")
@login_required
def home() -> str:
    """ "Vous êtes connecté": the four entries of the seed's home page, and the latest news."""
    return render_template(
        "space/home.html",
        news=news_for_reader(limit=LATEST_NEWS),
        has_sma=bool(portail().sma.establishments()),
    )


@blueprint.get("/famille")
@login_required
def family() -> str:
    """ "Informations famille et enfant(s)": the dossier as the guichet unique keeps it."""
    dossiers = portail().dossiers
    year = SchoolYear.containing(portail().today())
    summary = dossiers.dossier(family_id(), year)
    changes = dossiers.changes(family_id=family_id(), pending_only=False)
    return render_template("space/family.html", summary=summary, year=year, changes=changes[-5:])
