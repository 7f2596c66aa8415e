"""``portail account``: opening and unlocking families' accounts, and the purge of what they
no longer need."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from entrypoints.cli.dossiers.options import SCHOOL_YEAR_OPTION, school_year_of
from entrypoints.cli.feedback import pass_services, require_current_schema, staff_actor

if TYPE_CHECKING:
    from entrypoints.bootstrap import Services


__all__ = ["group"]


@click.group("account")
def group() -> None:
    """Comptes des familles sur le portail."""


@group.command("create")
@click.argument("family_id", metavar="N°_FAMILLE", type=click.IntRange(1))
@click.option(
    "--temporary-password",
    is_flag=True,
    help="Envoie un mot de passe provisoire (à changer à la première connexion) plutôt qu'un "
    "lien d'activation.",
)
@SCHOOL_YEAR_OPTION
@pass_services
def create_command(
    services: Services, family_id: int, temporary_password: bool, school_year: str | None
) -> None:
    """Ouvre le compte d'une famille dont le dossier est complet, et lui envoie ses accès.

    Refusé, avec la liste de ce qui manque, tant que le dossier est incomplet. Le courriel part
    par `portail outbox send`.
    """
    require_current_schema(services)
    opening = services.portail.accounts.open(
        family_id,
        school_year=school_year_of(services, school_year),
        actor=staff_actor(),
        with_temporary_password=temporary_password,
    )
    what = "un mot de passe provisoire" if temporary_password else "un lien d'activation (72 h)"
    click.echo(f"Compte ouvert : identifiant {opening.identifier}.")
    click.echo(f"Courriel à {opening.email} avec {what}, dans la boîte d'envoi.")


@group.command("unlock")
@click.argument("family_id", metavar="N°_FAMILLE", type=click.IntRange(1))
@pass_services
def unlock_command(services: Services, family_id: int) -> None:
    """Débloque le compte d'une famille après trop d'essais de mot de passe."""
    require_current_schema(services)
    account = services.portail.accounts.unlock(family_id, actor=staff_actor())
    click.echo(f"Compte {account.identifier} débloqué.")


@group.command("reset")
@click.argument("family_id", metavar="N°_FAMILLE", type=click.IntRange(1))
@pass_services
def reset_command(services: Services, family_id: int) -> None:
    """Envoie à la famille un lien (valable une heure) pour choisir un nouveau mot de passe.

    Le guichet unique ne voit ni ne choisit jamais le mot de passe d'une famille.
    """
    require_current_schema(services)
    account = services.portail.accounts.send_reset_link(family_id, actor=staff_actor())
    click.echo(f"Lien de réinitialisation envoyé à {account.email} (compte {account.identifier}).")


@group.command("purge")
@pass_services
def purge_command(services: Services) -> None:
    """Supprime ce dont les comptes n'ont plus besoin : les sessions expirées depuis une heure,
    les liens (activation, réinitialisation, déblocage, changement d'adresse) expirés depuis
    30 jours, et les compteurs anti-essais de connexion devenus sans effet.

    Une session en cours n'est jamais supprimée ; l'historique garde la trace de chaque lien.
    `portail jobs run` le fait à chaque passage ; à défaut, à lancer chaque nuit :

    \b
        40 3 * * *  portail account purge
    """
    require_current_schema(services)
    report = services.portail.accounts.purge()
    click.echo(
        f"{report.sessions} session(s) expirée(s), {report.links} lien(s) périmé(s) et "
        f"{report.throttles} compteur(s) anti-essais supprimé(s)."
    )
