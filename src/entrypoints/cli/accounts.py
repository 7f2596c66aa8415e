"""``portail account``: opening and unlocking families' accounts, and the purge of what they
no longer need."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import click
from click.core import ParameterSource

from entrypoints.cli.bulk_work import cyclic_gc_paused
from entrypoints.cli.dossiers.options import SCHOOL_YEAR_OPTION, school_year_of
from entrypoints.cli.feedback import pass_services, require_current_schema, staff_actor
from portail_core.domain.shared.french_dates import moment_fr
from portail_core.services.accounts.batch_opening import (
    DEFAULT_PER_MINUTE,
    MAX_PER_MINUTE,
    BatchOpening,
)

if TYPE_CHECKING:
    from entrypoints.bootstrap import Services


__all__ = ["echo_batch_opening", "group", "per_minute_option", "refuse_unless"]

F = TypeVar("F", bound=Callable[..., Any])


def per_minute_option(with_flag: str) -> Callable[[F], F]:
    """``--per-minute N``: the pace of the activation e-mails, used with ``with_flag``."""
    return click.option(
        "--per-minute",
        type=click.IntRange(1, MAX_PER_MINUTE),
        metavar="N",
        default=DEFAULT_PER_MINUTE,
        show_default=True,
        help=f"Avec {with_flag} : courriels d'activation envoyés par minute (rythme du relais "
        "de messagerie de la commune).",
    )


def refuse_unless(flag: str, given: bool, *options: str) -> None:
    """These options (parameter names) mean something only with ``flag``: typed without it,
    the command says so rather than ignoring them."""
    context = click.get_current_context()
    for name in options:
        if not given and context.get_parameter_source(name) is ParameterSource.COMMANDLINE:
            typed = "--" + name.replace("_", "-")
            raise click.UsageError(f"{typed} ne s'emploie qu'avec {flag}.")


def echo_batch_opening(batch: BatchOpening, per_minute: int) -> None:
    """What a batch of accounts did, for the desk (`account create --all-complete`, `family
    onboard --open-accounts`)."""
    for family in batch.incomplete:
        # a dry run's new family has no number yet (never "n° 0")
        which = f"dossier n° {family.family_id}" if family.family_id else "nouveau dossier"
        click.echo(f"Incomplet : {which} ({family.name})")
        for missing in family.missing:
            click.echo(f"  - {missing}")
    opened = len(batch.opened)
    if batch.recorded:
        click.echo(f"{opened} compte(s) ouvert(s).")
    else:
        click.echo(f"{opened} compte(s) à ouvrir ; rien n'est enregistré (--dry-run).")
    if batch.opened:
        first, last = batch.opened[0][2], batch.opened[-1][2]
        click.echo(
            f"Courriels d'activation : {per_minute} par minute, du {moment_fr(first)} au "
            f"{moment_fr(last)} (`portail outbox send` ou `portail jobs run` les envoie)."
        )
    click.echo(
        f"{len(batch.incomplete)} dossier(s) incomplet(s) ; {batch.with_account} famille(s) "
        "avaient déjà un compte."
    )


@click.group("account")
def group() -> None:
    """Comptes des familles sur le portail."""


@group.command("create")
@click.argument("family_id", metavar="N°_FAMILLE", type=click.IntRange(1), required=False)
@click.option(
    "--temporary-password",
    is_flag=True,
    help="Envoie un mot de passe provisoire (à changer à la première connexion) plutôt qu'un "
    "lien d'activation.",
)
@click.option(
    "--all-complete",
    is_flag=True,
    help="Ouvre le compte de chaque famille au dossier complet qui n'en a pas (lien "
    "d'activation), en un lot.",
)
@per_minute_option("--all-complete")
@click.option("--dry-run", is_flag=True, help="Avec --all-complete : dit tout, n'ouvre rien.")
@SCHOOL_YEAR_OPTION
@pass_services
def create_command(
    services: Services,
    family_id: int | None,
    temporary_password: bool,
    all_complete: bool,
    per_minute: int,
    dry_run: bool,
    school_year: str | None,
) -> None:
    """Ouvre le compte d'une famille dont le dossier est complet, et lui envoie ses accès.

    Refusé, avec la liste de ce qui manque, tant que le dossier est incomplet. Le courriel part
    par `portail outbox send`. Avec --all-complete (sans N°_FAMILLE) : chaque dossier complet
    sans compte reçoit le sien ; les courriels d'activation partent au rythme de --per-minute,
    chaque lien valable 72 h à compter de son envoi ; les dossiers incomplets sont listés avec
    ce qui leur manque.
    """
    require_current_schema(services)
    refuse_unless("--all-complete", all_complete, "per_minute")
    if all_complete:
        if family_id is not None or temporary_password:
            raise click.UsageError(
                "--all-complete ouvre tous les comptes : sans N°_FAMILLE ni --temporary-password."
            )
        _open_all(services, school_year, per_minute, dry_run)
        return
    if family_id is None:
        raise click.UsageError("Donnez le N°_FAMILLE, ou --all-complete.")
    if dry_run:
        raise click.UsageError("--dry-run ne s'emploie qu'avec --all-complete.")
    opening = services.portail.accounts.open(
        family_id,
        school_year=school_year_of(services, school_year),
        actor=staff_actor(),
        with_temporary_password=temporary_password,
    )
    what = "un mot de passe provisoire" if temporary_password else "un lien d'activation (72 h)"
    click.echo(f"Compte ouvert : identifiant {opening.identifier}.")
    click.echo(f"Courriel à {opening.email} avec {what}, dans la boîte d'envoi.")


def _open_all(services: Services, school_year: str | None, per_minute: int, dry_run: bool) -> None:
    with cyclic_gc_paused():
        batch = services.portail.accounts.open_all_complete(
            actor=staff_actor(),
            school_year=school_year_of(services, school_year),
            per_minute=per_minute,
            dry_run=dry_run,
        )
    echo_batch_opening(batch, per_minute)


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
