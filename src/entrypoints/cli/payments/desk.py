"""``portail payments``: payments received at the desk, a family's credit used for an invoice,
and the list of payments."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import click

from entrypoints.cli.feedback import pass_services, require_current_schema, staff_actor
from entrypoints.cli.output import FORMAT_OPTION, DateParam, echo_json, echo_rows
from portail_core.domain.payments.payment import DESK_MODES
from portail_core.domain.shared.french_dates import numeric_day_fr
from portail_core.domain.shared.instants import as_paris
from portail_core.domain.shared.money import Money
from portail_core.errors import InvalidInput
from portail_core.services.payments.desk import PaymentLine
from portail_core.services.payments.receiving import PaymentReceipt

if TYPE_CHECKING:
    from entrypoints.bootstrap import Services


__all__ = ["group"]

_OPTIONS = {  # the use case's field names -> the options that set them
    "amount": "--amount",
    "mode": "--mode",
    "reference": "--reference",
    "received_on": "--date",
}

INVOICE_OPTION = click.option(
    "--invoice",
    "invoice_number",
    required=True,
    metavar="NUMÉRO",
    help="Numéro de la facture (ex. : FA-2026-000123).",
)


@click.group("payments")
def group() -> None:
    """Règlements : paiements reçus au guichet, avoirs des familles, liste des règlements."""


@group.command("record")
@INVOICE_OPTION
@click.option(
    "--amount", required=True, metavar="EUROS", help="Montant reçu, en euros (ex. : 12,50)."
)
@click.option(
    "--mode",
    required=True,
    type=click.Choice([m.value for m in DESK_MODES], case_sensitive=False),
    help="Mode de règlement.",
)
@click.option(
    "--reference",
    required=True,
    metavar="RÉF",
    help="N° du chèque, de la quittance, du virement, des titres CESU ou ANCV (60 caractères).",
)
@click.option(
    "--date",
    "day",
    type=DateParam(),
    help="Date de réception (par défaut : aujourd'hui).",
)
@pass_services
def record_command(
    services: Services,
    invoice_number: str,
    amount: str,
    mode: str,
    reference: str,
    day: date | None,
) -> None:
    """Enregistre un règlement reçu au guichet pour une facture.

    Le montant règle la facture jusqu'à ce qu'il reste à payer ; un trop-perçu devient un
    avoir de la famille : la prochaine facturation le déduit de sa nouvelle facture, ou
    `portail payments use-credit` s'en sert tout de suite pour une facture à payer.
    Un paiement partiel laisse la facture « partiellement payée ». Refusé pour un avoir ou une
    facture annulée. Le règlement est inscrit au journal et un reçu part par e-mail à la
    famille.

    \b
    Exemples :
      portail payments record --invoice FA-2026-000123 --amount 52,00 --mode cheque \\
          --reference "CHQ 1234567"
      portail payments record --invoice FA-2026-000123 --amount 20 --mode especes \\
          --reference Q-2026-0042 --date 2026-10-05
    """
    require_current_schema(services)
    try:
        receipt = services.portail.payments.record(
            invoice_number=invoice_number,
            amount=amount,
            mode=mode,
            reference=reference,
            received_on=day,
            actor=staff_actor(),
        )
    except InvalidInput as error:
        raise InvalidInput(
            error.message, {_OPTIONS.get(k, k): v for k, v in error.problems.items()}
        ) from error
    click.echo(
        f"Règlement enregistré : {receipt.amount} ({receipt.mode.label}, réf. "
        f"{receipt.reference}), reçu le {numeric_day_fr(receipt.received_on)}, famille "
        f"{receipt.family_name} (n° {receipt.family_id})."
    )
    _echo_outcome(receipt)


@group.command("use-credit")
@INVOICE_OPTION
@pass_services
def use_credit_command(services: Services, invoice_number: str) -> None:
    """Règle une facture avec l'avoir de la famille (trop-perçu, facture annulée déjà payée),
    jusqu'à ce qu'il reste à payer. Enregistré en mode « avoir », inscrit au journal, reçu
    envoyé par e-mail. La facturation du mois déduit d'elle-même l'avoir de chaque famille de
    sa nouvelle facture : cette commande sert pour une facture émise avant l'avoir."""
    require_current_schema(services)
    receipt = services.portail.payments.use_credit(
        invoice_number=invoice_number, actor=staff_actor()
    )
    click.echo(
        f"Avoir utilisé : {receipt.amount} pour la facture {receipt.invoice_number}, famille "
        f"{receipt.family_name} (n° {receipt.family_id})."
    )
    _echo_outcome(receipt)


def _echo_outcome(receipt: PaymentReceipt) -> None:
    if receipt.invoice_balance.is_zero:
        state = "entièrement réglée"
    else:
        state = f"reste à payer {receipt.invoice_balance}"
    click.echo(f"  Facture {receipt.invoice_number} : {receipt.allocated} affectés, {state}.")
    if not receipt.credit.is_zero:
        click.echo(f"  Trop-perçu : {receipt.credit}, mis en avoir de la famille.")
    click.echo(f"  Avoir de la famille : {max(receipt.family_credit, Money.zero())}.")
    if receipt.emailed_to:
        click.echo(f"  Reçu envoyé par e-mail à {receipt.emailed_to} (file d'envoi).")
    else:
        click.echo("  La famille n'a pas d'adresse e-mail : aucun reçu envoyé.")


@group.command("list")
@click.option("--family", "family_id", type=click.IntRange(1), metavar="N°", help="Une famille.")
@click.option(
    "--from",
    "first",
    type=DateParam(),
    help="Reçus à partir de ce jour (par défaut : le 1er du mois ; toutes les dates avec "
    "--family).",
)
@click.option(
    "--to",
    "last",
    type=DateParam(),
    help="Reçus jusqu'à ce jour inclus (par défaut : aujourd'hui ; toutes avec --family).",
)
@FORMAT_OPTION
@pass_services
def list_command(
    services: Services,
    family_id: int | None,
    first: date | None,
    last: date | None,
    output_format: str,
) -> None:
    """Liste les règlements par date de réception : ceux d'une famille, ou ceux de tous sur
    une période (par défaut, le mois en cours). Les avoirs utilisés figurent deux fois, en
    mode « avoir » : une fois sur la facture réglée, une fois en négatif sur l'avoir."""
    require_current_schema(services)
    if family_id is None:
        today = services.portail.today()
        last = last or date(today.year, today.month, today.day)
        first = first or last.replace(day=1)
    lines = services.portail.payments.listing(family_id=family_id, first=first, last=last)
    if output_format == "json":
        echo_json([_json(line) for line in lines])
        return
    rows = [_row(line, output_format) for line in lines]
    echo_rows(HEADERS, rows, output_format)
    if output_format == "table":
        total = Money.total(line.payment.amount for line in lines)
        click.echo(f"Total : {total} ({len(lines)} règlement(s)).")


HEADERS = ("reçu le", "famille", "facture", "mode", "référence", "montant", "enregistré par")


def _row(line: PaymentLine, output_format: str) -> tuple[str, ...]:
    payment = line.payment
    amount = payment.amount
    return (
        payment.received_on.isoformat()
        if output_format == "csv"
        else f"{numeric_day_fr(payment.received_on)}",
        f"{line.family_name} (n° {payment.family_id})",
        payment.invoice_number or "(avoir)",
        payment.mode.value if output_format == "csv" else payment.mode.label,
        payment.reference,
        str(amount.as_decimal()) if output_format == "csv" else amount.format_fr(),
        payment.recorded_by,
    )


def _json(line: PaymentLine) -> dict[str, object]:
    payment = line.payment
    return {
        "id": payment.id,
        "received_on": payment.received_on.isoformat(),
        "family_id": payment.family_id,
        "family": line.family_name,
        "invoice": payment.invoice_number,
        "mode": payment.mode.value,
        "reference": payment.reference,
        "amount": str(payment.amount.as_decimal()),
        "amount_cents": payment.amount.cents,
        "recorded_at": as_paris(payment.recorded_at).isoformat(),
        "recorded_by": payment.recorded_by,
    }
