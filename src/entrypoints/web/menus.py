"""« Menus de la restauration scolaire »: the week's menus of the restaurants the family's
children use, each dish with its allergens in words, and « À éviter » next to a dish that
contains an allergen a child must avoid (ticked in « Santé et autorisations »). Showing them
is a health read, recorded in the audit trail as the child's page is.

A family whose children's restaurants publish no menu has no page (404) and no link to it."""

from __future__ import annotations

from flask import Blueprint, g, render_template, request

from entrypoints.web.app_services import family_actor, family_id, portail
from entrypoints.web.sessions import login_required
from portail_core.domain.shared.french_dates import parse_day
from portail_core.errors import NotFound

__all__ = ["blueprint"]

blueprint = Blueprint("menus", __name__, url_prefix="/menus")


@blueprint.get("")
@login_required
def week() -> str:
    """The week of ``?semaine=AAAA-MM-JJ`` (any day of it; this week by default)."""
    typed = (request.args.get("semaine") or "")[:20]
    day = parse_day(typed) if typed else portail().today()
    if day is None:
        raise NotFound("Semaine introuvable : la date attendue est AAAA-MM-JJ.")
    menus = portail().menus.of_family(family_id(), day, actor=family_actor())
    return render_template("menus/week.html", menus=menus)


@blueprint.app_template_global("menus_published")
def menus_published() -> bool:
    """Whether the logged-in family has menus to read (the link to the page shows only then)."""
    session = g.get("portal_session")
    return session is not None and portail().menus.family_has_menus(session.family_id)
