"""``portail catalogue``: the commune file (establishments, units, rules, tariffs)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from entrypoints.cli.feedback import pass_services, require_current_schema, staff_actor
from entrypoints.cli.output import FORMAT_OPTION, echo_json, echo_rows, read_text
from portail_core.domain.catalogue.establishments import Catalogue, Establishment, Unit
from portail_core.facade.catalogue import CatalogueUseCases
from portail_core.services.catalogue.commune_file import CommuneFile

if TYPE_CHECKING:
    from entrypoints.bootstrap import Services


__all__ = ["group", "read_file"]

FILE_ARGUMENT = click.argument(
    "path", metavar="FICHIER", type=click.Path(dir_okay=False, path_type=Path)
)


@click.group("catalogue")
def group() -> None:
    """Catalogue de la commune : structures, unités, calendriers, règles, tarifs."""


def read_file(path: Path) -> CommuneFile:
    text = read_text(path)
    from entrypoints.bootstrap import file_formats  # the adapters, when a command runs

    return file_formats().commune_file(text, path.parent)


@group.command("check")
@FILE_ARGUMENT
def check_command(path: Path) -> None:
    """Vérifie FICHIER sans rien enregistrer ; liste toutes ses erreurs avec leur place."""
    commune_file = read_file(path)
    CatalogueUseCases.check(commune_file.details, commune_file.catalogue)
    click.echo(f"{path} est valide : {_summary(commune_file.catalogue)}.")


@group.command("load")
@FILE_ARGUMENT
@pass_services
def load_command(services: Services, path: Path) -> None:
    """Vérifie puis charge FICHIER en une transaction (tout ou rien).

    Recharger le même fichier ne change rien ; un fichier modifié met à jour le catalogue. Les
    structures qui n'y figurent plus sont archivées, pas supprimées.
    """
    require_current_schema(services)
    commune_file = read_file(path)
    report = services.portail.catalogue.load(
        commune_file.details, commune_file.catalogue, actor=staff_actor()
    )
    if not report.changed_anything:
        click.echo("Aucun changement : le catalogue est déjà celui du fichier.")
        return
    changes = report.changes
    click.echo(f"Catalogue chargé : {_summary(commune_file.catalogue)}.")
    if changes.reordered:
        click.echo("  Ordre des structures modifié")
    for label, codes in (
        ("ajoutées", changes.added),
        ("modifiées", changes.updated),
        ("archivées", changes.archived),
    ):
        if codes:
            click.echo(f"  Structures {label} : {', '.join(codes)}")
    if changes.school_map_changed:
        sectors = len(commune_file.catalogue.school_map.sectors)
        click.echo(f"  Carte scolaire mise à jour : {sectors} secteur(s)")
    for change in report.campaigns:
        click.echo(f"  Attribution par tirage : {change}")
    if report.commune.changed:
        click.echo(
            f"  Commune {'créée' if report.commune.created else 'mise à jour'} : "
            f"{report.commune.commune.name}"
        )


@group.command("show")
@FORMAT_OPTION
@pass_services
def show_command(services: Services, output_format: str) -> None:
    """Affiche le catalogue chargé (structures et unités)."""
    require_current_schema(services)
    catalogue = services.portail.catalogue.current()
    if output_format == "json":
        echo_json([_establishment_json(e) for e in catalogue.establishments])
        return
    rows: list[tuple[str, ...]] = []
    for e in catalogue.establishments:
        described = (e.code, e.kind.value, e.name, e.school_code or "")
        rows += [(*described, u.code, u.label, _places(u)) for u in e.units]
        if not e.units:
            rows.append((*described, "", "", ""))
    headers = ("structure", "type", "nom", "école", "unité", "libellé", "places")
    echo_rows(headers, rows, output_format)


def _summary(catalogue: Catalogue) -> str:
    units = sum(len(e.units) for e in catalogue.establishments)
    return (
        f"{len(catalogue.schools)} école(s), {len(catalogue.establishments)} structure(s), "
        f"{units} unité(s)"
    )


def _places(unit: Unit) -> str:
    if unit.age_groups:
        return " + ".join(f"{g.places} ({g.code})" for g in unit.age_groups)
    return "illimité" if unit.places is None else str(unit.places)


def _establishment_json(establishment: Establishment) -> dict[str, Any]:
    return {
        "code": establishment.code,
        "kind": establishment.kind.value,
        "name": establishment.name,
        "school": establishment.school_code,
        "address": establishment.address,
        "contact_email": establishment.contact_email,
        "closures": [
            {"from": c.first_day.isoformat(), "to": c.last_day.isoformat(), "label": c.label}
            for c in establishment.closures
        ],
        "units": [
            {
                "code": u.code,
                "label": u.label,
                "days": sorted(day.value for day in u.days),
                "start": u.start.strftime("%H:%M"),
                "end": u.end.strftime("%H:%M"),
                "meal": u.with_meal,
                "places": u.places,
                "age_groups": [
                    {"code": g.code, "min_age": g.min_age, "max_age": g.max_age, "places": g.places}
                    for g in u.age_groups
                ],
                "booking_deadline": u.rules.booking.default.describe(),
                "cancellation_deadline": u.rules.cancellation.default.describe(),
                "billing": u.billing.describe(),
            }
            for u in establishment.units
        ],
    }
