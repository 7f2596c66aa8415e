"""What a batch of accounts opened (`account create --all-complete`, `family onboard
--open-accounts`) says to the desk."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

from portail_core.domain.shared.french_dates import moment_fr
from portail_core.services.accounts.batch_opening import (
    DEFAULT_PER_MINUTE,
    MAX_PER_MINUTE,
    BatchOpening,
)

__all__ = ["echo_batch_opening", "per_minute_option"]

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


def echo_batch_opening(batch: BatchOpening, per_minute: int) -> None:
    for family in batch.incomplete:
        click.echo(f"Incomplet : dossier n° {family.family_id} ({family.name})")
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
