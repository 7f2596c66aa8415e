"""``portail catalogue school-map`` and ``sector``: the commune's school map (carte scolaire)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from entrypoints.cli.catalogue.offer import group
from entrypoints.cli.feedback import pass_services, require_current_schema
from entrypoints.cli.output import FORMAT_OPTION, echo_json, echo_rows
from portail_core.domain.catalogue.school_map import MAX_HOUSE_NUMBER
from portail_core.errors import NotFound

if TYPE_CHECKING:
    from entrypoints.bootstrap import Services


__all__ = ["school_map_command", "sector_command"]


@group.command("school-map")
@FORMAT_OPTION
@pass_services
def school_map_command(services: Services, output_format: str) -> None:
    """Affiche la carte scolaire chargée : chaque secteur (voie, numéros, côté) et son école."""
    require_current_schema(services)
    school_map = services.portail.catalogue.current().school_map
    if school_map.is_empty:
        raise NotFound("Aucune carte scolaire n'est chargée (table [school_map] du fichier).")
    if output_format == "json":
        echo_json(
            {
                "postcodes": list(school_map.postcodes),
                "sectors": [
                    {
                        "street": s.street,
                        "from": s.first,
                        "to": None if s.last >= MAX_HOUSE_NUMBER else s.last,
                        "side": s.side.value,
                        "school": s.school,
                    }
                    for s in school_map.sectors
                ],
            }
        )
        return
    rows = [
        (s.street, s.first, "" if s.last >= MAX_HOUSE_NUMBER else s.last, s.side.value, s.school)
        for s in school_map.sectors
    ]
    echo_rows(("voie", "du n°", "au n°", "côté", "école"), rows, output_format)


@group.command("sector")
@click.argument("address", metavar="ADRESSE")
@click.option("--postcode", metavar="CP", help="Code postal (vérifié s'il y en a dans la carte).")
@pass_services
def sector_command(services: Services, address: str, postcode: str | None) -> None:
    """L'école de secteur d'une ADRESSE (« 12 bis rue des Pins ») selon la carte scolaire."""
    require_current_schema(services)
    catalogue = services.portail.catalogue.current()
    code = catalogue.school_map.school_for(address, postcode)  # InvalidInput: exit 2, in French
    names = {school.code: school.name for school in catalogue.schools}
    click.echo(f"{code} : {names.get(code, code)}")
