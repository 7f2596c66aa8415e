"""``portail sma``: SMA (multi-accueil) pre-registrations, for the desk: the commission's list,
offers, and the scheduled commands (expire, remind, purge)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import click

from entrypoints.cli.feedback import (
    named_as_options,
    pass_services,
    require_current_schema,
    staff_actor,
)
from entrypoints.cli.output import FORMAT_OPTION, DateParam, echo_json, echo_rows
from portail_core.domain.audit import Actor
from portail_core.domain.shared.french_dates import numeric_day_fr
from portail_core.domain.sma import CRITERIA, SmaRequest

if TYPE_CHECKING:
    from entrypoints.bootstrap import Services


__all__ = ["group"]

_OPTIONS = {"establishment": "--establishment", "start": "--start", "deadline": "--deadline"}
_SCHEDULED = Actor.system("portail sma")


def _wished(request: SmaRequest) -> str:
    return " > ".join(request.wishes)


@click.group("sma")
def group() -> None:
    """Pré-inscriptions à la SMA (multi-accueil) : commission, offres, liste d'attente.

    Les familles déposent leur demande sur le portail (enfant du dossier ou enfant à naître,
    date d'entrée, jours et horaires, structures souhaitées dans l'ordre). La commission
    classe les candidats selon les critères du fichier de la commune ([sma] criteria), dans
    l'ordre : le premier critère décide, le suivant départage, puis la date de la demande et
    son numéro. À planifier chaque jour : portail sma expire, portail sma remind, portail sma
    purge.
    """


@group.command("commission")
@click.option("--date", "day", type=DateParam(), required=True, help="Date de la commission.")
@click.option("--establishment", "code", metavar="CODE", help="Une seule SMA (son code).")
@FORMAT_OPTION
@pass_services
def commission_command(services: Services, day: date, code: str | None, output_format: str) -> None:
    """Les candidats (demandes déposées jusqu'à cette date) dans l'ordre de priorité de la
    commune ; puis les offres en attente de réponse. Une offre refusée ou expirée sort la
    demande de la liste : le candidat suivant monte."""
    require_current_schema(services)
    with named_as_options(_OPTIONS):
        result = services.portail.sma.commission(day=day, establishment_code=code)
    rows = [
        (
            rank,
            c.request.id,
            c.request.child_name,
            c.family_name,
            "oui" if c.resident else "non",
            "oui" if c.siblings_placed else "non",
            numeric_day_fr(c.request.requested_at.date()),
            numeric_day_fr(c.request.start_date),
            _wished(c.request),
        )
        for rank, c in enumerate(result.candidates, 1)
    ]
    if output_format == "json":
        echo_json(
            {
                "criteria": list(result.criteria),
                "candidates": [dict(zip(_JSON_KEYS, row, strict=True)) for row in rows],
                "pending_offers": [r.id for r in result.pending],
            }
        )
        return
    if output_format == "csv":
        echo_rows(_JSON_KEYS, rows, "csv")
        return
    click.echo("Critères, dans l'ordre : " + " ; ".join(CRITERIA[c] for c in result.criteria))
    if not rows:
        click.echo("Aucun candidat.")
    else:
        echo_rows(
            ("rang", "n°", "enfant", "famille", "résident", "fratrie", "demande", "entrée",
             "structures"),
            rows,
            "table",
        )  # fmt: skip
    for request in result.pending:
        assert request.offer is not None  # noqa: S101  (an offered request has its offer)
        click.echo(
            f"Offre en attente : n° {request.id} {request.child_name} "
            f"({request.offer.establishment_code}), réponse avant le "
            f"{numeric_day_fr(request.offer.deadline)}"
        )


_JSON_KEYS = (
    "rank", "id", "child", "family", "resident", "siblings_placed", "requested", "start", "wishes",
)  # fmt: skip


@group.command("offer")
@click.argument("request_id", metavar="N°", type=click.IntRange(1))
@click.option("--establishment", "code", metavar="CODE", required=True, help="La SMA.")
@click.option("--start", type=DateParam(), required=True, help="Date d'entrée.")
@click.option("--deadline", type=DateParam(), required=True, help="Réponse avant (inclus).")
@pass_services
def offer_command(
    services: Services, request_id: int, code: str, start: date, deadline: date
) -> None:
    """Propose une place à la demande N° : la famille reçoit un courriel et répond sur le
    portail avant la date limite. Inscrit au journal (sma.offer)."""
    require_current_schema(services)
    with named_as_options(_OPTIONS):
        request = services.portail.sma.offer(
            request_id, establishment_code=code, start=start, deadline=deadline, actor=staff_actor()
        )
    click.echo(
        f"Place proposée à {request.child_name} (demande n° {request.id}) : entrée le "
        f"{numeric_day_fr(start)}, réponse avant le {numeric_day_fr(deadline)}. Courriel envoyé "
        "à la famille."
    )


@group.command("expire")
@pass_services
def expire_command(services: Services) -> None:
    """(Planifiée, chaque jour.) Les offres sans réponse après leur date limite expirent."""
    require_current_schema(services)
    expired = services.portail.sma.expire(actor=_SCHEDULED)
    for request in expired:
        click.echo(f"Offre expirée : demande n° {request.id} ({request.child_name}).")
    click.echo(f"{len(expired)} offre(s) expirée(s).")


@group.command("remind")
@pass_services
def remind_command(services: Services) -> None:
    """(Planifiée, chaque jour.) Demande aux familles de confirmer les demandes en liste
    d'attente arrivées à échéance ([sma] confirm_months), une fois, par courriel."""
    require_current_schema(services)
    reminded = services.portail.sma.remind(actor=_SCHEDULED)
    click.echo(f"{len(reminded)} famille(s) invitée(s) à confirmer leur demande.")


@group.command("purge")
@pass_services
def purge_command(services: Services) -> None:
    """(Planifiée, chaque jour.) Radie les demandes non confirmées [sma] grace_days jours
    après le rappel."""
    require_current_schema(services)
    dropped = services.portail.sma.purge(actor=_SCHEDULED)
    for request in dropped:
        click.echo(f"Demande radiée : n° {request.id} ({request.child_name}).")
    click.echo(f"{len(dropped)} demande(s) radiée(s).")
