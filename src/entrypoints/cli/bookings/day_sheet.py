"""``portail reservations list``: the day's attendance sheet of an establishment, for its staff.
It holds health indications: each reading is recorded in the audit trail."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

import click

from entrypoints.cli.feedback import pass_services, require_current_schema, staff_actor
from entrypoints.cli.options import ESTABLISHMENT_OPTION
from entrypoints.cli.output import FORMAT_OPTION, DateParam, echo_json, echo_rows
from portail_core.domain.shared.french_dates import long_day_fr, numeric_day_fr
from portail_core.services.attendance.sheets import AttendanceLine, AttendanceSheet

if TYPE_CHECKING:
    from entrypoints.bootstrap import Services


__all__ = ["list_command"]


@click.command("list")
@ESTABLISHMENT_OPTION
@click.option("--date", "day", required=True, type=DateParam(), help="Le jour (ou AAAA-MM-JJ).")
@FORMAT_OPTION
@pass_services
def list_command(services: Services, code: str, day: date, output_format: str) -> None:
    """Fiche de présence d'un jour : les enfants réservés, par unité puis par nom.

    Pour chaque enfant : groupe d'âge, école et classe, famille, allergie (oui/non), PAI
    (oui/non, avec ses consignes pratiques), autorisation de partir seul et personnes
    autorisées à venir le chercher (nom, téléphone). Document confidentiel : il contient des
    indications de santé, et chaque consultation est inscrite au journal d'audit.
    """
    require_current_schema(services)
    sheet = services.portail.attendance.sheet(code, day, actor=staff_actor())
    if output_format == "json":
        echo_json(
            {
                "establishment": sheet.establishment.code,
                "day": day.isoformat(),
                "children": [_line_json(line) for line in sheet.lines],
            }
        )
    elif output_format == "csv":
        echo_rows(CSV_HEADERS, [_csv_row(line) for line in sheet.lines], "csv")
    else:
        _echo_sheet(sheet)


def _pick_up(line: AttendanceLine) -> str:
    return " ; ".join(f"{p.name} ({p.relationship}) {p.phone}" for p in line.pick_up)


def _yes(value: bool) -> str:
    return "oui" if value else "non"


def _echo_sheet(sheet: AttendanceSheet) -> None:
    click.echo(f"{sheet.establishment.name} – {long_day_fr(sheet.day)}")
    if not sheet.lines:
        click.echo("Aucun enfant réservé ce jour-là.")
        return
    rows = [
        (
            line.unit_label,
            line.child_name,
            line.age_group,
            " ".join(part for part in (line.school, line.school_class) if part),
            f"{line.family_name} (n° {line.family_id})",
            _yes(line.allergies),
            _yes(line.pai),
            _yes(line.leaves_alone),
            _pick_up(line) or "responsables légaux seulement",
        )
        for line in sheet.lines
    ]
    headers = (
        "unité",
        "enfant",
        "groupe",
        "école",
        "famille",
        "allergie",
        "PAI",
        "part seul",
        "personnes autorisées",
    )
    echo_rows(headers, rows, "table")
    with_pai = [line for line in sheet.lines if line.pai]
    if with_pai:
        click.echo("")
        click.echo("Consignes des PAI :")
        for line in with_pai:
            click.echo(f"  - {line.child_name}{_validity(line, sheet.day)} :")
            click.echo(f"      {line.pai_instructions or '(aucune consigne saisie)'}")
    counts: dict[str, int] = {}
    for line in sheet.lines:
        counts[line.unit_label] = counts.get(line.unit_label, 0) + 1
    click.echo("")
    click.echo("Total : " + ", ".join(f"{label} {count}" for label, count in counts.items()) + ".")
    click.echo("Document confidentiel (indications de santé) : ne pas afficher ni diffuser.")


def _validity(line: AttendanceLine, day: date) -> str:
    until = line.pai_valid_until
    if until is None:
        return " (validité non renseignée)"
    if until < day:
        return f" (PAI EXPIRÉ depuis le {numeric_day_fr(until)})"
    return f" (PAI valable jusqu'au {numeric_day_fr(until)})"


CSV_HEADERS = (
    "unite",
    "enfant_nom",
    "enfant_prenom",
    "enfant_n",
    "groupe",
    "ecole",
    "classe",
    "famille",
    "famille_n",
    "allergie",
    "pai",
    "pai_valide_jusqu_au",
    "pai_consignes",
    "part_seul",
    "personnes_autorisees",
)


def _csv_row(line: AttendanceLine) -> tuple[object, ...]:
    return (
        line.unit_code,
        line.last_name,
        line.first_name,
        line.child_id,
        line.age_group,
        line.school,
        line.school_class,
        line.family_name,
        line.family_id,
        _yes(line.allergies),
        _yes(line.pai),
        line.pai_valid_until.isoformat() if line.pai_valid_until else "",
        line.pai_instructions,
        _yes(line.leaves_alone),
        _pick_up(line),
    )


def _line_json(line: AttendanceLine) -> dict[str, Any]:
    return {
        "unit": line.unit_code,
        "unit_label": line.unit_label,
        "child_id": line.child_id,
        "last_name": line.last_name,
        "first_name": line.first_name,
        "age_group": line.age_group,
        "school": line.school,
        "class": line.school_class,
        "family_id": line.family_id,
        "family": line.family_name,
        "allergies": line.allergies,
        "pai": line.pai,
        "pai_valid_until": line.pai_valid_until.isoformat() if line.pai_valid_until else None,
        "pai_instructions": line.pai_instructions,
        "leaves_alone": line.leaves_alone,
        "pick_up": [
            {"name": p.name, "phone": p.phone, "relationship": p.relationship} for p in line.pick_up
        ],
    }
