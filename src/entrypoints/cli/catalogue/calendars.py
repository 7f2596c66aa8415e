"""``portail calendar``: when each establishment is open, and the official school calendar."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import click

from entrypoints.cli.feedback import pass_services, require_current_schema, staff_actor
from entrypoints.cli.output import FORMAT_OPTION, DateParam, echo_json, echo_rows, read_text

if TYPE_CHECKING:
    from entrypoints.bootstrap import Services


__all__ = ["group"]

FRENCH_DAYS = ("lun.", "mar.", "mer.", "jeu.", "ven.", "sam.", "dim.")


@click.group("calendar")
def group() -> None:
    """Calendriers d'ouverture des structures et calendrier scolaire officiel."""


@group.command("show")
@click.option(
    "--establishment", "code", required=True, metavar="CODE", help="Code de la structure."
)
@click.option("--from", "first", required=True, type=DateParam(), help="Premier jour.")
@click.option("--to", "last", required=True, type=DateParam(), help="Dernier jour (inclus).")
@FORMAT_OPTION
@pass_services
def show_command(
    services: Services, code: str, first: date, last: date, output_format: str
) -> None:
    """Pour chaque jour et chaque unité : ouverte ou fermée, et pourquoi."""
    require_current_schema(services)
    calendar = services.portail.catalogue.calendar(code, first, last)
    if output_format == "json":
        echo_json(
            [
                {
                    "date": o.day.isoformat(),
                    "unit": o.unit_code,
                    "open": o.open,
                    "reason": o.reason.value,
                    "label": o.reason.label,
                    "detail": o.detail,
                }
                for o in calendar.openings
            ]
        )
        return
    rows = [
        (
            o.day.isoformat()
            if output_format == "csv"
            else f"{FRENCH_DAYS[o.day.weekday()]} {o.day.isoformat()}",
            o.unit_code,
            "ouvert" if o.open else "fermé",
            o.reason.label + (f" ({o.detail})" if o.detail else ""),
        )
        for o in calendar.openings
    ]
    echo_rows(("date", "unité", "état", "raison"), rows, output_format)


@group.command("import")
@click.argument("path", metavar="FICHIER", type=click.Path(dir_okay=False, path_type=Path))
@pass_services
def import_command(services: Services, path: Path) -> None:
    """Importe un calendrier scolaire officiel plus récent (CSV du ministère).

    Les années scolaires présentes dans FICHIER remplacent celles connues jusque-là.
    """
    require_current_schema(services)
    text = read_text(path, "utf-8-sig")
    report = services.portail.catalogue.import_school_calendar(
        services.formats.school_calendar(text), actor=staff_actor()
    )
    click.echo("Calendrier scolaire importé :")
    for zone, year, count in report.years:
        click.echo(f"  zone {zone.value}, {year} : {count} période(s) de vacances")
