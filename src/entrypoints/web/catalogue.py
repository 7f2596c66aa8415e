"""Public information pages derived from the catalogue: tariffs, opening calendars, contacts."""

from __future__ import annotations

from itertools import groupby

from flask import Blueprint, render_template, request

from entrypoints.web.app_services import portail
from entrypoints.web.months import shown_month

__all__ = ["blueprint"]

blueprint = Blueprint("catalogue", __name__)


@blueprint.get("/tarifs")
def tariffs() -> str:
    """Tariffs in force today, per service and quotient familial bracket."""
    published = portail().catalogue.published_tariffs()
    by_establishment = [
        (establishment, list(items))
        for establishment, items in groupby(published, key=lambda p: p.establishment)
    ]
    return render_template("catalogue/tarifs.html", by_establishment=by_establishment)


@blueprint.get("/structures")
def establishments() -> str:
    """The establishments, each with a link to its opening calendar."""
    catalogue = portail().catalogue.current()
    return render_template("catalogue/structures.html", catalogue=catalogue)


@blueprint.get("/contacts")
def contacts() -> str:
    """« Contacts et informations pratiques »: the guichet unique, then each establishment's
    address, phone, opening hours and e-mail, as the commune file gives them."""
    catalogue = portail().catalogue.current()
    return render_template("catalogue/contacts.html", catalogue=catalogue)


@blueprint.get("/structures/<code>/calendrier")
def opening_calendar(code: str) -> str:
    """One month of an establishment's opening calendar (``?mois=AAAA-MM``)."""
    month = shown_month(request.args.get("mois"), portail().today())
    calendar = portail().catalogue.calendar(code, month.first, month.last)
    units = calendar.establishment.units
    rows = [
        calendar.openings[i : i + len(units)] for i in range(0, len(calendar.openings), len(units))
    ]
    return render_template(
        "catalogue/calendrier.html",
        calendar=calendar,
        rows=rows,
        previous=month.previous,
        next=month.next,
    )
