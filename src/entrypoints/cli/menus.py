"""``portail menus``: the canteen's weekly menus, imported from the kitchen's CSV file."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import click

from entrypoints.cli.feedback import pass_services, require_current_schema, staff_actor
from entrypoints.cli.options import as_code
from entrypoints.cli.output import (
    FORMAT_OPTION,
    DateParam,
    echo_json,
    echo_rows,
    file_error,
    read_bytes,
)
from portail_core.domain.shared.french_dates import long_day_fr, numeric_day_fr
from portail_core.errors import InvalidInput

if TYPE_CHECKING:
    from entrypoints.bootstrap import Services


__all__ = ["group"]


@click.group("menus")
def group() -> None:
    """Menus de la restauration scolaire, avec leurs allergènes."""


@group.command("import")
@click.argument("path", metavar="FICHIER", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--dry-run",
    is_flag=True,
    help="Vérifier le fichier et montrer les semaines, sans rien enregistrer.",
)
@pass_services
def import_command(services: Services, path: Path, dry_run: bool) -> None:
    """Importe les menus d'un fichier CSV (UTF-8, séparateur ; ou ,), un plat par ligne, aux
    colonnes structure, date, composante, intitule, allergenes (voir docs/staff-guide.md).

    Tout ou rien : une seule ligne refusée (chacune est citée avec son numéro) et rien n'est
    enregistré. Chaque semaine du fichier remplace la même semaine déjà importée pour ce
    restaurant.
    """
    require_current_schema(services)
    limit = services.formats.max_menus_size
    data = read_bytes(path, limit + 1)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise file_error("lire", path, error) from error
    if len(data) > limit:
        raise InvalidInput("Le fichier est trop gros (5 Mo au plus) : rien n'est enregistré.")
    report = services.portail.menus.import_lines(
        services.formats.menus_csv(text), actor=staff_actor(), dry_run=dry_run
    )
    replaced = {(w.establishment_code, w.monday) for w in report.replaced}
    for week in report.weeks:
        again = (
            " (remplace la semaine importée)"
            if (week.establishment_code, week.monday) in replaced
            else ""
        )
        click.echo(
            f"{week.establishment_code}, semaine du {long_day_fr(week.monday)} : "
            f"{len(week.days)} jour(s), {week.dish_count} plat(s){again}"
        )
    total = f"{len(report.weeks)} semaine(s), {report.dish_count} plat(s)"
    if dry_run:
        click.echo(f"Vérification seule (--dry-run) : {total}, rien n'est enregistré.")
    else:
        click.echo(f"Menus importés : {total}.")


@group.command("list")
@click.option(
    "--structure", "code", metavar="CODE", callback=as_code, help="Un restaurant seulement."
)
@FORMAT_OPTION
@pass_services
def list_command(services: Services, code: str | None, output_format: str) -> None:
    """Les semaines de menus importées, par restaurant puis par semaine."""
    require_current_schema(services)
    summaries = services.portail.menus.summaries(code)
    if output_format == "json":
        echo_json(
            [
                {
                    "structure": s.establishment_code,
                    "semaine": s.week.monday.isoformat(),
                    "jours": [d.day.isoformat() for d in s.week.days],
                    "plats": s.week.dish_count,
                }
                for s in summaries
            ]
        )
        return
    rows = [
        (
            s.establishment_code,
            numeric_day_fr(s.week.monday),
            ", ".join(numeric_day_fr(d.day) for d in s.week.days),
            s.week.dish_count,
        )
        for s in summaries
    ]
    if not rows and output_format == "table":
        click.echo("Aucun menu importé.")
        return
    echo_rows(("structure", "semaine du", "jours", "plats"), rows, output_format)


@group.command("show")
@click.argument("code", metavar="STRUCTURE", callback=as_code)
@click.option(
    "--semaine",
    "day",
    type=DateParam(),
    help="Un jour de la semaine voulue, JJ/MM/AAAA (par défaut : aujourd'hui).",
)
@pass_services
def show_command(services: Services, code: str, day: date | None) -> None:
    """Le menu d'une semaine d'un restaurant, jour par jour, avec les allergènes de chaque
    plat."""
    require_current_schema(services)
    found = services.portail.menus.week(code, day or services.portail.today())
    click.echo(f"{found.establishment_name} ({code}), semaine du {long_day_fr(found.week.monday)}")
    for menu_day in found.week.days:
        click.echo("")
        click.echo(long_day_fr(menu_day.day).capitalize())
        for dish in menu_day.dishes:
            allergens = dish.allergens_text or "aucun"
            click.echo(f"  {dish.course.label} : {dish.name} (allergènes : {allergens})")
