"""``portail outbox``: the e-mails waiting to be sent, and sending them."""

from __future__ import annotations

import signal
import threading
from typing import TYPE_CHECKING

import click

from entrypoints.cli.feedback import fail_with, pass_services, require_current_schema
from entrypoints.cli.output import FORMAT_OPTION, echo_json, echo_rows
from entrypoints.logs import configure_logging
from portail_core.domain.shared.instants import as_paris
from portail_core.errors import ExternalServiceError

if TYPE_CHECKING:
    from entrypoints.bootstrap import Services


__all__ = ["group"]


@click.group("outbox")
def group() -> None:
    """Courriels en attente d'envoi (boîte d'envoi transactionnelle)."""


@group.command("send")
@click.option(
    "--limit",
    default=100,
    show_default=True,
    metavar="N",
    type=click.IntRange(1, 10_000),
    help="Courriels envoyés au plus par passage.",
)
@click.option(
    "--watch",
    is_flag=True,
    help="Recommence toutes les --every secondes, jusqu'à SIGTERM ou Ctrl+C.",
)
@click.option("--every", default=10, show_default=True, metavar="N", type=click.IntRange(1, 3600))
@pass_services
def send_command(services: Services, limit: int, watch: bool, every: int) -> None:
    """Envoie les courriels dus (SMTP de PORTAIL_SMTP_URL ; sans lui, les affiche dans le journal).

    Un échec est réessayé plus tard (1, 2, 4... minutes) ; un courriel n'est envoyé qu'une fois.
    Sans --watch, sort avec le code 8 si un envoi a échoué (le détail : `portail outbox list`).
    Avec --watch, SIGTERM (systemd, un conteneur) laisse finir le passage en cours (au plus
    --limit courriels, chacun marqué envoyé dès que le serveur l'accepte), puis arrête.
    """
    require_current_schema(services)
    configure_logging()  # plain lines, or JSON with PORTAIL_LOG_FORMAT=json
    stopping = threading.Event()
    if watch:  # killed between the SMTP server's answer and the row marked sent, it would resend
        signal.signal(signal.SIGTERM, lambda *_: stopping.set())
    while True:
        report = services.portail.messaging.dispatch(limit=limit)
        if report.sent or report.retrying or report.failed or not watch:
            click.echo(
                f"{report.sent} envoyé(s), {report.retrying} à réessayer, "
                f"{report.failed} en échec définitif."
            )
        if not watch or stopping.wait(every):
            break
    if not watch and (report.retrying or report.failed):
        fail_with(
            ExternalServiceError(
                f"{report.retrying + report.failed} courriel(s) sur "
                f"{report.sent + report.retrying + report.failed} n'ont pas pu être envoyés "
                f"({report.retrying} à réessayer, {report.failed} en échec définitif) : "
                "vérifiez le serveur de courriel (PORTAIL_SMTP_URL) ; l'erreur de chacun est "
                "dans `portail outbox list`."
            )
        )


@group.command("list")
@click.option("--limit", default=50, show_default=True, metavar="N", type=click.IntRange(1, 10_000))
@FORMAT_OPTION
@pass_services
def list_command(services: Services, limit: int, output_format: str) -> None:
    """Liste les derniers courriels de la boîte d'envoi et leur état."""
    require_current_schema(services)
    messages = services.portail.messaging.listing(limit)
    if output_format == "json":
        echo_json(
            [
                {
                    "id": m.id,
                    "to": m.to,
                    "template": m.template,
                    "status": m.status.value,
                    "attempts": m.attempts,
                    "created_at": m.created_at.isoformat(),
                    "sent_at": m.sent_at.isoformat() if m.sent_at else None,
                    "last_error": m.last_error,
                }
                for m in messages
            ]
        )
        return
    rows = [
        (
            m.id,
            as_paris(m.created_at).format("YYYY-MM-DD HH:mm"),
            m.to,
            m.template,
            m.status.value,
            m.attempts,
            m.last_error,
        )
        for m in messages
    ]
    echo_rows(
        ("n°", "créé (Paris)", "à", "modèle", "état", "essais", "erreur"), rows, output_format
    )
