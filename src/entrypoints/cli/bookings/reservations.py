"""``portail reservations``: the day's attendance sheet, and booking or cancelling for a family
(a phone call to the guichet unique)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any, TypeVar

import click

from entrypoints.cli.bookings.day_sheet import list_command
from entrypoints.cli.bookings.pattern import pattern_command
from entrypoints.cli.feedback import pass_services, require_current_schema, staff_actor
from entrypoints.cli.options import ESTABLISHMENT_OPTION, as_code
from entrypoints.cli.output import DateParam
from portail_core.domain.bookings.reservation import Slot
from portail_core.domain.bookings.selection import Request, Selection, SelectionLine
from portail_core.domain.shared.french_dates import long_day_fr
from portail_core.errors import InvalidInput
from portail_core.services.bookings.confirmation import Confirmation
from portail_core.services.bookings.desk import DeskTarget
from portail_core.services.bookings.history import DRAFT_RETENTION_DAYS

if TYPE_CHECKING:
    from entrypoints.bootstrap import Services


__all__ = ["group"]

F = TypeVar("F", bound=Callable[..., Any])
ALL_REFUSED = 4  # the exit code of a rule's refusal (RuleViolation)


@click.group("reservations")
def group() -> None:
    """Réservations : fiche de présence du jour, réserver ou annuler pour une famille."""


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
            help="Un jour ; répétable : --date 09/09/2026 --date 16/09/2026.",
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
    purged = services.portail.bookings.purge_drafts(days=days)
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
    bookings = services.portail.bookings
    why = bookings.forced_reason(reason) if reason is not None else None
    target = bookings.desk_target(
        family_id=family_id,
        child_id=child_id,
        establishment_code=code,
        unit_codes=tuple(dict.fromkeys(units)),
    )
    slots = frozenset(Slot(day, unit) for day in days for unit in units)
    selection = Selection(book=slots) if request is Request.BOOK else Selection(cancel=slots)
    confirmation = bookings.book_at_desk(
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
    return f"{long_day_fr(line.slot.day)}, {line.unit_label}{price}"


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


group.add_command(list_command)
group.add_command(pattern_command)
