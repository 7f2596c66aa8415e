"""``portail family``: families' dossiers (DIU): create, show, list, import; the desk's edits
(``family_edit``) and what the portal holds about a family (``family_records``)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from entrypoints.cli.dossiers.family_edit import accept_regulation_command, edit_command
from entrypoints.cli.dossiers.family_growth import COMMANDS as GROWTH_COMMANDS
from entrypoints.cli.dossiers.family_import import import_command
from entrypoints.cli.dossiers.family_onboard import onboard_command
from entrypoints.cli.dossiers.family_records import erase_command, export_command, history_command
from entrypoints.cli.dossiers.options import SCHOOL_YEAR_OPTION, school_year_of
from entrypoints.cli.feedback import pass_services, require_current_schema, staff_actor
from entrypoints.cli.output import FORMAT_OPTION, echo_json, echo_rows, read_text
from portail_core.domain.dossiers.child import Child
from portail_core.domain.shared.allergens import Allergen, allergens_fr
from portail_core.domain.shared.french_dates import numeric_day_fr
from portail_core.services.dossiers.reading import FamilySummary

if TYPE_CHECKING:
    from entrypoints.bootstrap import Services


__all__ = ["group"]


@click.group("family")
def group() -> None:
    """Dossiers des familles (DIU) : création, consultation, complétude."""


ALLOW_DUPLICATE = click.option(
    "--allow-duplicate",
    is_flag=True,
    help="Crée le dossier même si la famille semble déjà en avoir un (même e-mail, ou même "
    "responsable et un enfant né le même jour) : deux familles réellement distinctes.",
)


@group.command("create")
@click.argument("path", metavar="FICHIER", type=click.Path(dir_okay=False, path_type=Path))
@ALLOW_DUPLICATE
@pass_services
def create_command(services: Services, path: Path, allow_duplicate: bool) -> None:
    """Crée le dossier d'une famille décrit dans FICHIER (TOML ; voir docs/staff-guide.md).

    Refuse (code 5) une famille qui a probablement déjà un dossier, en le nommant.
    """
    require_current_schema(services)
    text = read_text(path)
    family = services.formats.family_file(text, services.portail.today())
    family_id = services.portail.dossiers.create(
        family, actor=staff_actor(), allow_duplicate=allow_duplicate
    )
    click.echo(f"Dossier créé : famille {family.name}, n° {family_id}.")


@group.command("show")
@click.argument("family_id", metavar="N°", type=click.IntRange(1))
@SCHOOL_YEAR_OPTION
@FORMAT_OPTION
@pass_services
def show_command(
    services: Services, family_id: int, school_year: str | None, output_format: str
) -> None:
    """Affiche le dossier d'une famille, dont les informations de santé des enfants, et ce qui
    lui manque pour l'année scolaire.

    Chaque affichage des informations de santé est inscrit au journal d'audit (qui, quand,
    quels enfants ; jamais les informations elles-mêmes).
    """
    require_current_schema(services)
    year = school_year_of(services, school_year)
    summary = services.portail.dossiers.dossier(family_id, year, health_read_by=staff_actor())
    if output_format == "json":
        echo_json(_json(summary, with_health=True))
        return
    family = summary.family
    click.echo(
        f"Famille {family.name} (n° {family.id})"
        f"{' – habitante de la commune' if family.resident else ''}"
    )
    click.echo(f"Compte : {summary.account_identifier or 'aucun'}")
    if family.legacy_reference:
        click.echo(f"Référence dans l'ancien logiciel : {family.legacy_reference}")
    for guardian in family.guardians:
        click.echo(
            f"Responsable : {guardian.first_name} {guardian.last_name}, "
            f"{guardian.email or 'sans e-mail'}, {', '.join(guardian.phones) or 'sans téléphone'}"
        )
    for child in family.children:
        click.echo(
            f"Enfant n° {child.id} : {child.full_name}, né(e) le "
            f"{numeric_day_fr(child.birth_date)}, {child.school_code or 'école ?'} "
            f"{child.school_class or ''}".rstrip()
        )
        for line in _health_lines(child):
            click.echo(f"  {line}")
    if summary.completeness.complete:
        click.echo(f"Dossier complet pour {year}.")
    else:
        click.echo(f"Dossier incomplet pour {year} ; il manque :")
        for item in summary.completeness.missing:
            click.echo(f"  - {item}")


@group.command("list")
@click.option("--incomplete", is_flag=True, help="Seulement les dossiers incomplets.")
@SCHOOL_YEAR_OPTION
@FORMAT_OPTION
@pass_services
def list_command(
    services: Services, incomplete: bool, school_year: str | None, output_format: str
) -> None:
    """Liste les familles, la complétude de leur dossier et leur compte."""
    require_current_schema(services)
    year = school_year_of(services, school_year)
    summaries = services.portail.dossiers.listing(year, incomplete_only=incomplete)
    if output_format == "json":
        echo_json([_json(s) for s in summaries])
        return
    rows = [
        (
            s.family.id,
            s.family.name,
            len(s.family.children),
            "complet" if s.completeness.complete else f"{len(s.completeness.missing)} manque(s)",
            s.account_identifier or "",
        )
        for s in summaries
    ]
    echo_rows(("n°", "famille", "enfants", f"dossier {year}", "compte"), rows, output_format)


def _health_lines(child: Child) -> list[str]:
    """The child's health information, in French, for the desk's screen only."""
    pai = child.pai
    if pai is None:
        pai_text = "non renseigné"
    elif not pai.has_pai:
        pai_text = "non"
    else:
        until = numeric_day_fr(pai.valid_until) if pai.valid_until else "date non renseignée"
        pai_text = f"oui, valable jusqu'au {until}"
    vaccinations = {True: "oui", False: "non", None: "non déclaré"}[child.vaccinations_up_to_date]
    lines = [
        f"Allergies : {child.allergies or 'aucune'}",
        f"Allergènes à éviter (menus) : {allergens_fr(child.allergens) or 'aucun'}",
        f"Régime : {child.diet.label}",
        f"PAI : {pai_text}",
    ]
    if pai is not None and pai.instructions:
        lines.append(f"Consignes du PAI : {pai.instructions}")
    lines.append(f"Vaccinations à jour : {vaccinations}")
    return [part for line in lines for part in line.splitlines()]


def _health_json(child: Child) -> dict[str, Any]:
    pai = child.pai
    return {
        "allergies": child.allergies,
        "allergens": [a.value for a in Allergen if a in child.allergens],
        "diet": child.diet.kind.value,
        "diet_details": child.diet.details,
        "pai": None
        if pai is None
        else {
            "has_pai": pai.has_pai,
            "valid_until": pai.valid_until.isoformat() if pai.valid_until else None,
            "instructions": pai.instructions,
        },
        "vaccinations_up_to_date": child.vaccinations_up_to_date,
    }


def _json(summary: FamilySummary, *, with_health: bool = False) -> dict[str, Any]:
    family = summary.family
    return {
        "id": family.id,
        "name": family.name,
        "resident": family.resident,
        "children": [
            {
                "id": c.id,
                "first_name": c.first_name,
                "last_name": c.last_name,
                "birth_date": c.birth_date.isoformat(),
                "school": c.school_code,
                "class": c.school_class,
                **({"health": _health_json(c)} if with_health else {}),
            }
            for c in family.children
        ],
        "complete": summary.completeness.complete,
        "missing": list(summary.completeness.missing),
        "account": summary.account_identifier,
        "legacy_reference": family.legacy_reference,
    }


group.add_command(import_command)
group.add_command(onboard_command)
group.add_command(edit_command)
group.add_command(history_command)
group.add_command(export_command)
group.add_command(erase_command)
group.add_command(accept_regulation_command)
for command in GROWTH_COMMANDS:
    group.add_command(command)
