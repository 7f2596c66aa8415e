"""The family's space once logged in: the seed's four entries, and the dossier."""

from __future__ import annotations

from flask import Blueprint, current_app, g, render_template

from entrypoints.web.app_services import services_of
from entrypoints.web.sessions import login_required
from portail_core.domain.dossiers.completeness import SchoolYear
from portail_core.services.dossiers.changes import list_changes
from portail_core.services.dossiers.reading import family_dossier

__all__ = ["blueprint"]

blueprint = Blueprint("space", __name__)


@blueprint.get("/espace")
@login_required
def home() -> str:
    """ "Vous êtes connecté": the four entries of the seed's home page."""
    return render_template("space/home.html")


@blueprint.get("/famille")
@login_required
def family() -> str:
    """ "Informations famille et enfant(s)": the dossier as the guichet unique keeps it."""
    services = services_of(current_app)
    year = SchoolYear.containing(services.clock.today())
    family_id = g.portal_session.family_id
    summary = family_dossier(services.uow(read_only=True), family_id, year, services.clock)
    changes = list_changes(services.uow(read_only=True), family_id=family_id, pending_only=False)
    return render_template("space/family.html", summary=summary, year=year, changes=changes[-5:])
