"""``portail db``: the database schema."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from entrypoints.cli.feedback import pass_services, pass_services_creating_database

if TYPE_CHECKING:
    from entrypoints.bootstrap import Services


__all__ = ["group"]


@click.group("db")
def group() -> None:
    """Schéma de la base de données (migrations Alembic)."""


@group.command("upgrade")
def upgrade_command() -> None:
    """Met la base de données à jour (toutes les migrations, en une transaction) ; avec
    SQLite, la crée si elle n'existe pas (la seule commande qui le fasse).

    Quand le déploiement sert plusieurs communes (PORTAIL_COMMUNES_FILE), met à jour chacune
    (son schéma PostgreSQL, créé s'il manque, ou son fichier), ou la seule choisie par
    `portail --commune CODE`.
    """
    root = click.get_current_context().find_root()
    if root.obj is None and root.params.get("commune") is None:
        from entrypoints.communes import command_services, configured_deployment
        from entrypoints.logs import logging_as_commune

        deployment = configured_deployment()
        if deployment is not None and len(deployment.communes) > 1:
            for code in deployment.codes:
                services = command_services(code, create_database=True, lazy=True)
                try:
                    click.echo(f"Commune {code} : ", nl=False)
                    with logging_as_commune(code):  # the migrations' logs name it
                        _upgrade(services)
                finally:
                    services.close()
            return
    _upgrade_current()


@pass_services_creating_database
def _upgrade_current(services: Services) -> None:
    _upgrade(services)


def _upgrade(services: Services) -> None:
    if services.engine is None:
        click.echo("Base en mémoire : rien à migrer.")
        return
    before, _ = services.revisions()
    services.upgrade_database()
    after, _ = services.revisions()
    if before == after:
        click.echo(f"Base déjà à jour (révision {after}).")
    else:
        click.echo(f"Base migrée de la révision {before or 'vide'} à {after}.")


@group.command("current")
@pass_services
def current_command(services: Services) -> None:
    """Affiche la révision de la base et celle attendue par le code."""
    if services.engine is None:
        click.echo("Base en mémoire.")
        return
    current, head = services.revisions()
    state = "à jour" if current == head else "EN RETARD : lancez `portail db upgrade`"
    click.echo(f"Révision de la base : {current or 'vide'} ; attendue : {head} ({state}).")
