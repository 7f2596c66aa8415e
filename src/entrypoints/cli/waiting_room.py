"""``portail waiting-room``: the waiting room in front of the booking pages, for opening day."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import click
import pendulum

from entrypoints.cli.feedback import (
    named_as_options,
    pass_services,
    require_current_schema,
    staff_actor,
)
from entrypoints.cli.output import echo_json
from portail_core.domain.shared.french_dates import moment_fr
from portail_core.domain.shared.instants import PARIS
from portail_core.domain.waiting_room import MAX_CAPACITY, MAX_LEASE_MINUTES, RoomMode, wait_fr

if TYPE_CHECKING:
    from entrypoints.bootstrap import Services
    from portail_core.services.waiting_room.desk import RoomReport

__all__ = ["group"]

_OPTIONS = {"capacite": "--capacity", "bail": "--lease", "entrees": "--admit-from"}
_MOMENT = re.compile(
    r"(?:(\d{1,2})/(\d{1,2})/(\d{4})|(\d{4})-(\d{2})-(\d{2}))[ T](\d{1,2})[:h](\d{2})", re.ASCII
)


class MomentParam(click.ParamType[pendulum.DateTime]):
    """A day and an hour on the Paris wall clock: « 15/06/2026 08:00 » (or 2026-06-15 08:00)."""

    name = "« JJ/MM/AAAA HH:MM »"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> pendulum.DateTime:
        if isinstance(value, pendulum.DateTime):
            return value
        match = _MOMENT.fullmatch(str(value).strip())
        try:
            if match is None:
                raise ValueError(value)
            day, month, year = match[1] or match[6], match[2] or match[5], match[3] or match[4]
            return pendulum.datetime(
                int(year), int(month), int(day), int(match[7]), int(match[8]), tz=PARIS
            )
        except ValueError:
            self.fail(f"« {value} » n'est pas un jour et une heure : « 15/06/2026 08:00 ».")


CAPACITY = click.option(
    "--capacity",
    type=click.IntRange(1, MAX_CAPACITY),
    metavar="N",
    help="Familles dans les réservations en même temps (inchangée si absente).",
)
LEASE = click.option(
    "--lease",
    "lease_minutes",
    type=click.IntRange(1, MAX_LEASE_MINUTES),
    metavar="MINUTES",
    help="Place gardée à une famille entrée sans qu'elle ouvre de page (inchangé si absent).",
)


@click.group("waiting-room")
def group() -> None:
    """Salle d'attente des réservations, pour le jour d'ouverture : état, ouverture en
    avance, mode automatique, arrêt.

    Quand le portail est saturé, une famille qui demande les pages de réservation attend son
    tour sur une page légère (sa place dans la file, une estimation) et entre à son tour, au
    rythme où le portail sert. La file suit l'ordre d'arrivée, un ticket par compte. Mode
    par défaut : automatique, 200 familles ; voir docs/operator-guide.md pour choisir la
    capacité.
    """


@group.command("status")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["table", "json"]),
    default="table",
    show_default=True,
    help="table pour lire, json pour un autre programme.",
)
@pass_services
def status_command(services: Services, output_format: str) -> None:
    """Mode, capacité, familles dans les réservations et dans la file, entrées récentes,
    attente estimée du dernier de la file."""
    require_current_schema(services)
    report = services.portail.waiting_room.status()
    if output_format == "json":
        echo_json(_json(report))
    else:
        _echo(report)


@group.command("open")
@CAPACITY
@LEASE
@click.option(
    "--admit-from",
    "admit_from",
    type=MomentParam(),
    help="Heure des premières entrées (heure de Paris) ; sans elle, « portail waiting-room "
    "auto » les lance.",
)
@pass_services
def open_command(
    services: Services,
    capacity: int | None,
    lease_minutes: int | None,
    admit_from: pendulum.DateTime | None,
) -> None:
    """Ouvre la salle d'attente en avance, avant l'ouverture des réservations : chaque famille
    qui arrive prend un ticket, dans l'ordre d'arrivée, et personne n'entre avant l'heure
    --admit-from (ou avant `portail waiting-room auto`). Les familles déjà entrées gardent
    leur place. Inscrit au journal (waiting_room.open)."""
    require_current_schema(services)
    with named_as_options(_OPTIONS):
        report = services.portail.waiting_room.open_early(
            actor=staff_actor(),
            capacity=capacity,
            lease_minutes=lease_minutes,
            admit_from=admit_from,
        )
    _echo(report)


@group.command("auto")
@CAPACITY
@LEASE
@pass_services
def auto_command(services: Services, capacity: int | None, lease_minutes: int | None) -> None:
    """Salle d'attente automatique (le mode par défaut) : une file ne se forme que lorsque la
    capacité est atteinte. Ouverte en avance, les entrées commencent maintenant, dans l'ordre
    des tickets. Inscrit au journal (waiting_room.auto)."""
    require_current_schema(services)
    with named_as_options(_OPTIONS):
        report = services.portail.waiting_room.automatic(
            actor=staff_actor(), capacity=capacity, lease_minutes=lease_minutes
        )
    _echo(report)


@group.command("off")
@click.option("--yes", is_flag=True, help="Arrête sans demander de confirmation (scripts).")
@pass_services
def off_command(services: Services, yes: bool) -> None:
    """Arrête la salle d'attente : toutes les familles entrent, sans ticket ; les tickets sont
    effacés (la file recommence de zéro si on la relance). Une confirmation est demandée, sauf
    avec --yes. Inscrit au journal (waiting_room.off)."""
    require_current_schema(services)
    if not yes:
        click.confirm(
            "Arrêter la salle d'attente (toutes les familles entrent, les tickets sont effacés) ?",
            abort=True,
            default=False,
        )
    _echo(services.portail.waiting_room.switch_off(actor=staff_actor()))


def _echo(report: RoomReport) -> None:
    room = report.room
    click.echo(f"Salle d'attente : {room.mode.label}.")
    if room.mode is RoomMode.OFF:
        click.echo("Toutes les familles entrent dans les réservations, sans file.")
    else:
        if room.mode is RoomMode.OPEN_EARLY and not room.admitting(report.at):
            start = "à votre signal (portail waiting-room auto)"
            if room.admit_from is not None:
                start = f"le {moment_fr(room.admit_from)}"
            click.echo(f"Personne n'entre encore : les entrées commencent {start}.")
        click.echo(
            f"Capacité : {room.capacity} famille(s) dans les réservations en même temps ; "
            f"place gardée {room.lease_seconds // 60} min sans page."
        )
        click.echo(
            f"Dans les réservations : {report.inside} ; dans la file : {report.waiting} ; "
            f"revenues pour réserver encore : {report.returning}."
        )
        rate = report.admissions_per_minute
        entries = "aucune mesurée" if rate is None else f"{rate:.1f} par minute".replace(".", ",")
        wait = "—" if report.last_wait_seconds is None else wait_fr(report.last_wait_seconds)
        click.echo(f"Entrées récentes : {entries} ; attente du dernier de la file : {wait}.")
    if room.changed_at is not None:
        click.echo(f"Dernier changement : le {moment_fr(room.changed_at)}, par {room.changed_by}.")


def _json(report: RoomReport) -> dict[str, Any]:
    room = report.room
    return {
        "mode": room.mode.value,
        "capacity": room.capacity,
        "lease_minutes": room.lease_seconds // 60,
        "admit_from": None if room.admit_from is None else room.admit_from.isoformat(),
        "admitting": room.admitting(report.at),
        "inside": report.inside,
        "waiting": report.waiting,
        "returning": report.returning,
        "admissions_per_minute": report.admissions_per_minute,
        "last_wait_seconds": report.last_wait_seconds,
        "changed_at": None if room.changed_at is None else room.changed_at.isoformat(),
        "changed_by": room.changed_by,
        "at": report.at.isoformat(),
    }
