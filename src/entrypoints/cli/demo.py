"""``portail demo``: the demo commune, for trying the portal on a laptop."""

from __future__ import annotations

from importlib.resources import files

import click

from adapters.commune_file import read_commune_file
from entrypoints.bootstrap import Services
from entrypoints.cli.feedback import pass_services, require_current_schema
from portail_core.domain.audit import Actor
from portail_core.services.catalogue import load_catalogue
from portail_core.services.communes import current_commune

__all__ = ["group"]


@click.group("demo")
def group() -> None:
    """Données de démonstration (ville fictive)."""


@group.command("load")
@pass_services
def load_command(services: Services) -> None:
    """Charge la commune de démonstration (et son catalogue) si la base est vide, puis affiche
    les accès de démo.

    Ne remplace jamais les données d'une vraie commune : sur une base déjà remplie, ne fait rien.
    """
    require_current_schema(services)
    existing = current_commune(services.uow(read_only=True))
    if existing is not None:
        click.echo(f"La base contient déjà la commune {existing.name} : rien n'est changé.")
    else:
        text = (files("entrypoints.demo") / "commune-demo.toml").read_text("utf-8")
        demo = read_commune_file(text)
        load_catalogue(
            services.uow(),
            demo.details,
            demo.catalogue,
            actor=Actor.system("démo"),
            clock=services.clock,
        )
        click.echo(f"Commune de démonstration chargée : {demo.details.name}.")
    click.echo(
        "Comptes de démonstration : aucun pour l'instant (les comptes des familles arrivent "
        "avec le dossier DIU)."
    )
