"""``portail reservations``: the day's attendance sheet, and booking or cancelling for a family
(a phone call to the guichet unique)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any, TypeVar

import click
import pendulum

from entrypoints.bootstrap import Services
from entrypoints.cli.feedback import pass_services, require_current_schema, staff_actor
from entrypoints.cli.output import FORMAT_OPTION, DateParam, echo_json, echo_rows
from portail_core.domain.bookings.reservation import Slot
from portail_core.domain.bookings.selection import Request, Selection, SelectionLine
from portail_core.errors import InvalidInput
from portail_core.services.attendance.sheets import (
    AttendanceLine,
    AttendanceSheet,
    attendance_sheet,
)
from portail_core.services.bookings.confirmation import Confirmation
from portail_core.services.bookings.desk import DeskTarget, desk_target, forced_reason
from portail_core.services.bookings.desk_booking import book_at_desk
from portail_core.services.bookings.history import DRAFT_RETENTION_DAYS, purge_planning_drafts

__all__ = ["ESTABLISHMENT_OPTION", "as_code", "french_day", "group"]

F = TypeVar("F", bound=Callable[..., Any])
ALL_REFUSED = 4  # the exit code of a rule's refusal (RuleViolation)


def as_code(_: click.Context, __: click.Parameter, value: Any) -> Any:
    """Codes are capitals in the catalogue: « alsh » is ALSH."""
    if isinstance(value, str):
        return value.strip().upper()
    if isinstance(value, tuple):
        return tuple(v.strip().upper() for v in value)
    return value


ESTABLISHMENT_OPTION = click.option(
    "--establishment",
    "code",
    required=True,
    metavar="CODE",
    callback=as_code,
    help="Code de la structure (ex. : ALSH ; voir `portail catalogue show`).",
)


def french_day(day: date) -> str:
    """« mercredi 9 septembre 2026 »"""
    return pendulum.date(day.year, day.month, day.day).format("dddd D MMMM YYYY", locale="fr")


def short_date(day: date) -> str:
    return day.strftime("%d/%m/%Y")


@click.group("reservations")
def group() -> None:
    """Réservations : fiche de présence du jour, réserver ou annuler pour une famille."""


@group.command("list")
@ESTABLISHMENT_OPTION
@click.option("--date", "day", required=True, type=DateParam(), help="Le jour (AAAA-MM-JJ).")
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
    sheet = attendance_sheet(services.uow(), code, day, actor=staff_actor(), clock=services.clock)
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
    click.echo(f"{sheet.establishment.name} – {french_day(sheet.day)}")
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
        return f" (PAI EXPIRÉ depuis le {short_date(until)})"
    return f" (PAI valable jusqu'au {short_date(until)})"


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


def desk_options(command: F) -> F:
    """The options shared by ``book`` and ``cancel``."""
    decorators = [
        click.argument("family_id", metavar="FAMILLE", type=click.IntRange(1)),
        click.argument("child_id", metavar="ENFANT", type=click.IntRange(1)),
        ESTABLISHMENT_OPTION,
        click.option(
            "--unit",
            "units",
            required=True,
            multiple=True,
            metavar="UNITÉ",
            callback=as_code,
            help="Code de l'unité (ex. : JOURNEE) ; répétable.",
        ),
        click.option(
            "--date",
            "days",
            required=True,
            multiple=True,
            type=DateParam(),
            help="Un jour (AAAA-MM-JJ) ; répétable : --date 2026-09-09 --date 2026-09-16.",
        ),
        click.option(
            "--force",
            is_flag=True,
            help="Passer outre les délais (réservation, annulation) ; exige --reason.",
        ),
        click.option(
            "--reason",
            metavar="TEXTE",
            help="Pourquoi le délai est dépassé (5 à 300 caractères) : gardé dans l'historique.",
        ),
    ]
    for decorator in reversed(decorators):
        command = decorator(command)
    return command


@group.command("book")
@desk_options
@pass_services
def book_command(
    services: Services,
    family_id: int,
    child_id: int,
    code: str,
    units: tuple[str, ...],
    days: tuple[date, ...],
    force: bool,
    reason: str | None,
) -> None:
    """Réserve pour une famille (appel au guichet) : FAMILLE et ENFANT sont leurs numéros
    (`portail family show FAMILLE`).

    Les mêmes règles que sur le portail s'appliquent (ouverture, places, âge, dossier complet,
    règlement accepté, unités incompatibles) ; seuls les délais peuvent être dépassés, avec
    --force et --reason. Chaque jour et unité est réservé ou refusé avec sa raison ; la famille
    reçoit la confirmation par courriel. Code de sortie 4 si tout est refusé.
    """
    _at_desk(services, Request.BOOK, family_id, child_id, code, units, days, force, reason)


@group.command("cancel")
@desk_options
@pass_services
def cancel_command(
    services: Services,
    family_id: int,
    child_id: int,
    code: str,
    units: tuple[str, ...],
    days: tuple[date, ...],
    force: bool,
    reason: str | None,
) -> None:
    """Annule des réservations pour une famille (appel au guichet).

    Après le délai d'annulation, seulement avec --force et --reason (ex. : enfant malade) ;
    l'historique de l'enfant et le journal d'audit gardent la raison. La place libérée va à la
    liste d'attente. Code de sortie 4 si tout est refusé.
    """
    _at_desk(services, Request.CANCEL, family_id, child_id, code, units, days, force, reason)


@group.command("purge-drafts")
@click.option(
    "--days",
    metavar="N",
    type=int,
    default=DRAFT_RETENTION_DAYS,
    show_default=True,
    help="Supprime les récapitulatifs validés il y a plus de ce nombre de jours (1 à 365).",
)
@pass_services
def purge_drafts_command(services: Services, days: int) -> None:
    """Supprime les anciens récapitulatifs de planning (« Valider le planning »), confirmés ou
    non : les réservations, leur historique et les courriels gardent le numéro de
    confirmation. À lancer chaque nuit par le planificateur :

    \b
        30 3 * * *  portail reservations purge-drafts
    """
    require_current_schema(services)
    purged = purge_planning_drafts(services.uow(), services.clock, days=days)
    click.echo(f"{purged} récapitulatif(s) de planning de plus de {days} jour(s) supprimé(s).")


def _at_desk(
    services: Services,
    request: Request,
    family_id: int,
    child_id: int,
    code: str,
    units: tuple[str, ...],
    days: tuple[date, ...],
    force: bool,
    reason: str | None,
) -> None:
    require_current_schema(services)
    if force and reason is None:
        raise InvalidInput(
            "--force exige --reason : dites pourquoi le délai est dépassé "
            '(ex. : --reason "enfant hospitalisé, appel de la mère").'
        )
    if reason is not None and not force:
        raise InvalidInput("--reason ne sert qu'avec --force (passer outre un délai).")
    why = forced_reason(reason) if reason is not None else None
    target = desk_target(
        services.uow(read_only=True),
        family_id=family_id,
        child_id=child_id,
        establishment_code=code,
        unit_codes=tuple(dict.fromkeys(units)),
    )
    slots = frozenset(Slot(day, unit) for day in days for unit in units)
    selection = Selection(book=slots) if request is Request.BOOK else Selection(cancel=slots)
    confirmation = book_at_desk(
        services.uow(),
        services.calendars,
        services.clock,
        family_id=family_id,
        child_id=child_id,
        establishment_code=target.establishment.code,
        selection=selection,
        actor=staff_actor(),
        forced_reason=why,
    )
    _report(target, family_id, confirmation, why)


def _described(line: SelectionLine) -> str:
    price = f" ({line.price.format_fr()})" if line.price is not None else ""
    return f"{french_day(line.slot.day)}, {line.unit_label}{price}"


def _report(target: DeskTarget, family_id: int, done: Confirmation, why: str | None) -> None:
    click.echo(
        f"{target.child_name} (famille {target.family_name}, n° {family_id}) – "
        f"{target.establishment.name}"
    )
    summary = done.summary
    for line in summary.additions:
        click.echo(f"  Réservé : {_described(line)}")
    for line in summary.cancellations:
        click.echo(f"  Annulé : {_described(line)}")
    for line in summary.refused:
        click.echo(f"  Refusé : {_described(line)} – {line.reason}")
    if not summary.accepted:
        click.echo("Rien n'est enregistré : toutes les demandes sont refusées.", err=True)
        raise SystemExit(ALL_REFUSED)
    forced = f" ; délais passés outre : « {why} »" if why else ""
    click.echo(
        f"Confirmation n° {done.number} : {len(summary.additions)} réservation(s), "
        f"{len(summary.cancellations)} annulation(s){forced}."
    )
    if summary.refused:
        click.echo(f"{len(summary.refused)} demande(s) refusée(s), voir ci-dessus.")
