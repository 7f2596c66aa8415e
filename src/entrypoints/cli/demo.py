"""``portail demo``: the demo commune, for trying the portal on a laptop."""

from __future__ import annotations

import tomllib
from importlib.resources import files

import click

from entrypoints.bootstrap import Services
from entrypoints.cli.feedback import pass_services, require_current_schema
from portail_core.services.communes import CommuneDetails, set_up_commune

__all__ = ["group"]


@click.group("demo")
def group() -> None:
    """Données de démonstration (ville fictive)."""


@group.command("load")
@pass_services
def load_command(services: Services) -> None:
    """Charge la commune de démonstration si la base est vide, puis affiche les accès de démo.

    Ne remplace jamais les données d'une vraie commune : sur une base déjà remplie, ne fait rien.
    """
    require_current_schema(services)
    demo = tomllib.loads((files("entrypoints.demo") / "commune-demo.toml").read_text("utf-8"))
    result = set_up_commune(services.uow(), CommuneDetails(**demo["commune"]), only_if_empty=True)
    if result.created:
        click.echo(f"Commune de démonstration chargée : {result.commune.name}.")
    else:
        click.echo(f"La base contient déjà la commune {result.commune.name} : rien n'est changé.")
    click.echo(
        "Comptes de démonstration : aucun pour l'instant (les comptes des familles "
        "arrivent avec le dossier DIU)."
    )
