"""``portail waitlist``: who waits for a place, and the scheduled pass that moves the lists on."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

import click

from entrypoints.cli.feedback import pass_services, require_current_schema
from entrypoints.cli.options import as_code
from entrypoints.cli.output import FORMAT_OPTION, DateParam, echo_json, echo_rows
from portail_core.domain.bookings.reservation import WaitingStatus
from portail_core.domain.shared.french_dates import long_day_fr, moment_fr
from portail_core.services.bookings.occupancy import WaitingLine

if TYPE_CHECKING:
    from entrypoints.bootstrap import Services


__all__ = ["group"]

DEFAULT_DAYS = 365


@click.group("waitlist")
def group() -> None:
    """Listes d'attente des jours complets : qui attend, et leur avancement."""


@group.command("show")
@click.option(
    "--establishment",
    "code",
    metavar="CODE",
    callback=as_code,
    help="Code de la structure (par défaut : toutes).",
)
@click.option("--from", "first", type=DateParam(), help="Premier jour (par défaut : aujourd'hui).")
@click.option(
    "--to", "last", type=DateParam(), help="Dernier jour, inclus (par défaut : un an plus tard)."
)
@FORMAT_OPTION
@pass_services
def show_command(
    services: Services,
    code: str | None,
    first: date | None,
    last: date | None,
    output_format: str,
) -> None:
    """Les enfants en liste d'attente, par jour et unité, avec leur rang (1 = le prochain à
    avoir une place) ; « place proposée » : la famille doit l'accepter avant l'heure dite."""
    require_current_schema(services)
    start = first or services.portail.today()
    end = last or start + timedelta(days=DEFAULT_DAYS - 1)
    lines = services.portail.bookings.waiting_list_report(
        establishment_code=code, first=start, last=end
    )
    if output_format == "json":
        echo_json([_json(line) for line in lines])
        return
    if output_format == "table" and not lines:
        click.echo(f"Personne en liste d'attente du {start.isoformat()} au {end.isoformat()}.")
        return
    rows = [
        (
            line.entry.day.isoformat() if output_format == "csv" else long_day_fr(line.entry.day),
            line.entry.establishment_code,
            line.unit_label,
            line.entry.age_group,
            line.position,
            line.child_name,
            f"{line.family_name} (n° {line.entry.family_id})",
            _state(line),
        )
        for line in lines
    ]
    echo_rows(
        ("jour", "structure", "unité", "groupe", "rang", "enfant", "famille", "état"),
        rows,
        output_format,
    )


def _state(line: WaitingLine) -> str:
    expires = line.entry.offer_expires_at
    if line.entry.status is WaitingStatus.OFFERED and expires is not None:
        return f"place proposée jusqu'au {moment_fr(expires)}"
    return "en attente"


def _json(line: WaitingLine) -> dict[str, object]:
    entry = line.entry
    return {
        "id": entry.id,
        "day": entry.day.isoformat(),
        "establishment": entry.establishment_code,
        "unit": entry.unit_code,
        "age_group": entry.age_group,
        "position": line.position,
        "family_id": entry.family_id,
        "family": line.family_name,
        "child_id": entry.child_id,
        "child": line.child_name,
        "status": entry.status.value,
        "joined_at": entry.joined_at.isoformat(),
        "offer_expires_at": entry.offer_expires_at.isoformat() if entry.offer_expires_at else None,
    }


@group.command("process")
@pass_services
def process_command(services: Services) -> None:
    """Fait avancer les listes d'attente : les places proposées et non acceptées à temps
    expirent et passent à l'enfant suivant (réservée d'office ou proposée à son tour, selon le
    choix de la commune).

    À lancer régulièrement par le planificateur (cron, timer systemd), par exemple toutes les
    15 minutes :

    \b
        */15 * * * *  portail waitlist process

    Sans effet quand il n'y a rien à faire : la relancer ne change rien.
    """
    require_current_schema(services)
    report = services.portail.bookings.process_waiting_lists()
    click.echo(
        f"Listes d'attente : {report.expired} proposition(s) expirée(s), "
        f"{report.moved} place(s) réservée(s) ou proposée(s) à l'enfant suivant."
    )
