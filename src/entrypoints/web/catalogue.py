"""Public information pages derived from the catalogue: tariffs and opening calendars."""

from __future__ import annotations

from datetime import date, timedelta
from itertools import groupby

from flask import Blueprint, render_template, request

from entrypoints.web.app_services import portail
from portail_core.errors import InvalidInput

__all__ = ["blueprint"]

blueprint = Blueprint("catalogue", __name__)
FIRST_YEAR, LAST_YEAR = 2000, 2100


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


@blueprint.get("/structures/<code>/calendrier")
def opening_calendar(code: str) -> str:
    """One month of an establishment's opening calendar (``?mois=AAAA-MM``)."""
    first = _month(request.args.get("mois"), portail().today())
    last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    calendar = portail().catalogue.calendar(code, first, last)
    units = calendar.establishment.units
    rows = [
        calendar.openings[i : i + len(units)] for i in range(0, len(calendar.openings), len(units))
    ]
    return render_template(
        "catalogue/calendrier.html",
        calendar=calendar,
        rows=rows,
        previous=(first - timedelta(days=1)).strftime("%Y-%m"),
        next=(last + timedelta(days=1)).strftime("%Y-%m"),
    )


def _month(text: str | None, today: date) -> date:
    if not text:
        return today.replace(day=1)
    try:
        year, month = (int(part) for part in text.split("-", 1))
        if FIRST_YEAR <= year <= LAST_YEAR:
            return date(year, month, 1)
    except ValueError:
        pass
    raise InvalidInput(
        f"Mois invalide : « {text[:20]} » (attendu : AAAA-MM, entre {FIRST_YEAR} et {LAST_YEAR})."
    )
