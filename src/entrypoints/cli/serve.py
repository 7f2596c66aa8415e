"""``portail serve``: serve the families' portal (for a trial; production uses gunicorn)."""

from __future__ import annotations

import click
from werkzeug.serving import run_simple

from entrypoints.bootstrap import Services
from entrypoints.cli.feedback import pass_services, require_current_schema
from entrypoints.web import create_app

__all__ = ["command"]


@click.command("serve")
@click.option(
    "--host", default="127.0.0.1", show_default=True, metavar="ADRESSE", help="Adresse d'écoute."
)
@click.option("--port", default=5000, show_default=True, metavar="N", type=click.IntRange(1, 65535))
@pass_services
def command(services: Services, host: str, port: int) -> None:
    """Sert le portail des familles (serveur de démonstration, pas de production).

    Refuse de démarrer sur une base qui n'est pas à jour.
    """
    require_current_schema(services)
    app = create_app(services=services)
    click.echo(f"Portail Famille : http://{host}:{port}/  (Ctrl+C pour arrêter)")
    run_simple(host, port, app, threaded=True, use_reloader=False, use_debugger=False)
