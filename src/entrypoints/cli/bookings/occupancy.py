"""``portail occupancy``: how full each open day of a month is, unit by unit."""

from __future__ import annotations

import re
from datetime import date
from typing import TYPE_CHECKING, Any

import click

from entrypoints.cli.feedback import pass_services, require_current_schema
from entrypoints.cli.options import ESTABLISHMENT_OPTION
from entrypoints.cli.output import FORMAT_OPTION, echo_json, echo_rows
from portail_core.services.bookings.occupancy import Occupancy, OccupancyLine

if TYPE_CHECKING:
    from entrypoints.bootstrap import Services


__all__ = ["MonthParam", "command"]

FRENCH_DAYS = ("lun.", "mar.", "mer.", "jeu.", "ven.", "sam.", "dim.")
_MONTH = re.compile(r"(\d{4})-(\d{2})", re.ASCII)


class MonthParam(click.ParamType[date]):
    """A month written AAAA-MM (its first day), refused in French otherwise."""

    name = "AAAA-MM"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> date:
        if isinstance(value, date):
            return value.replace(day=1)
        match = _MONTH.fullmatch(str(value).strip())
        if match and 1 <= int(match[2]) <= 12 and int(match[1]) >= 1:
            return date(int(match[1]), int(match[2]), 1)
        self.fail(f"« {value} » n'est pas un mois au format AAAA-MM (ex. : 2026-09).")


@click.command("occupancy")
@ESTABLISHMENT_OPTION
@click.option("--month", required=True, type=MonthParam(), help="Le mois (AAAA-MM).")
@FORMAT_OPTION
@pass_services
def command(services: Services, code: str, month: date, output_format: str) -> None:
    """Remplissage d'une structure sur un mois : pour chaque jour d'ouverture et chaque unité
    (et tranche d'âge), les places, les réservés, les places libres et la liste d'attente.

    « proposées » : places gardées pour une famille de la liste d'attente jusqu'à sa réponse.
    Un jour fermé n'apparaît que s'il garde des réservations (à régler avec les familles).
    """
    require_current_schema(services)
    result = services.portail.bookings.occupancy(establishment_code=code, month=month)
    if output_format == "json":
        echo_json([_json(line) for line in result.lines])
        return
    if output_format == "table":
        _echo_title(result)
        if not result.lines:
            click.echo("Aucun jour d'ouverture ce mois-ci.")
            return
    rows = [
        (
            line.day.isoformat()
            if output_format == "csv"
            else f"{FRENCH_DAYS[line.day.weekday()]} {line.day.isoformat()}",
            line.unit_code,
            line.age_group,
            _count(line.places, output_format),
            line.booked,
            line.offered,
            _count(line.free, output_format),
            line.waiting,
            "" if line.open else "FERMÉ",
        )
        for line in result.lines
    ]
    echo_rows(
        (
            "jour",
            "unité",
            "groupe",
            "places",
            "réservés",
            "proposées",
            "libres",
            "en attente",
            "remarque",
        ),
        rows,
        output_format,
    )


def _echo_title(result: Occupancy) -> None:
    click.echo(
        f"{result.establishment.name} ({result.establishment.code}), "
        f"du {result.first.isoformat()} au {result.last.isoformat()}"
    )


def _count(value: int | None, output_format: str) -> str:
    if value is not None:
        return str(value)
    return "" if output_format == "csv" else "illimité"


def _json(line: OccupancyLine) -> dict[str, Any]:
    return {
        "day": line.day.isoformat(),
        "unit": line.unit_code,
        "unit_label": line.unit_label,
        "age_group": line.age_group,
        "age_group_label": line.age_group_label,
        "open": line.open,
        "places": line.places,
        "booked": line.booked,
        "offered": line.offered,
        "free": line.free,
        "waiting": line.waiting,
    }
