"""``portail invoices``: the invoices and credit notes issued by the billing run, their status,
and their PDF (the one the family downloads from the portal)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from entrypoints.cli.feedback import fail_with, pass_services, require_current_schema
from entrypoints.cli.output import FORMAT_OPTION, echo_json, echo_rows, file_error
from portail_core.domain.shared.french_dates import numeric_day_fr
from portail_core.services.billing.invoices import InvoiceView

if TYPE_CHECKING:
    from entrypoints.bootstrap import Services


__all__ = ["group"]


@click.group("invoices")
def group() -> None:
    """Factures et avoirs : liste avec leur statut, PDF (celui que la famille télécharge)."""


@group.command("pdf")
@click.argument("number", metavar="NUMÉRO")
@click.option(
    "-o",
    "--output",
    "output",
    type=click.Path(dir_okay=False, writable=True, allow_dash=True, path_type=str),
    help="Fichier à écrire (par défaut NUMÉRO.pdf dans le dossier courant ; - pour la sortie "
    "standard).",
)
@pass_services
def pdf_command(services: Services, number: str, output: str | None) -> None:
    """Écrit le PDF de la facture ou de l'avoir NUMÉRO (ex. : FA-2026-000123).

    Le PDF est balisé (PDF/UA) pour être lu par les lecteurs d'écran ; il montre le montant
    déjà réglé et le reste dû au moment où il est produit.
    """
    require_current_schema(services)
    document = services.portail.billing.pdf(number)
    if output == "-":
        with click.open_file("-", "wb") as stream:
            stream.write(document.content)
        return
    target = Path(output or f"{document.sheet.number}.pdf")
    try:
        target.write_bytes(document.content)
    except OSError as error:
        fail_with(file_error("écrire", target, error))
    click.echo(f"{document.sheet.title} écrite dans {target} ({len(document.content)} octets).")


COLUMNS = (
    "number",
    "kind",
    "family_id",
    "family",
    "month",
    "issued_on",
    "due_on",
    "total",
    "paid",
    "due",
    "status",
    "direct_debit_on",
    "corrects",
)


def _blank_if_none(value: object) -> object:
    return "" if value is None else value


def _row(view: InvoiceView) -> dict[str, object]:
    """One invoice for a program: the CSV columns, the JSON object."""
    invoice = view.invoice
    return {
        "number": invoice.number,
        "kind": invoice.kind.value,
        "family_id": invoice.family_id,
        "family": invoice.family_name,
        "month": invoice.month,
        "issued_on": invoice.issued_on.isoformat(),
        "due_on": invoice.due_on.isoformat(),
        "total": str(invoice.total.as_decimal()),
        "paid": str(view.paid.as_decimal()),
        "due": str(view.balance.as_decimal()),
        "status": view.status.value,
        "direct_debit_on": invoice.direct_debit_on.isoformat() if invoice.direct_debit_on else None,
        "corrects": invoice.corrects,
    }


@group.command("list")
@click.option(
    "--family", "family_id", metavar="N", type=click.IntRange(1), help="Numéro de la famille."
)
@click.option("--month", metavar="AAAA-MM", help="Mois facturé, AAAA-MM (ex. : 2026-09).")
@FORMAT_OPTION
@pass_services
def list_command(
    services: Services, family_id: int | None, month: str | None, output_format: str
) -> None:
    """Liste les factures et avoirs avec leur statut, dans l'ordre d'émission.

    Montants en euros ; en CSV et JSON avec un point décimal (ex. : 52.00), statut et type en
    codes stables (a_payer, partiellement_payee, payee, prelevee, annulee, avoir ;
    invoice, credit_note).
    """
    require_current_schema(services)
    views = services.portail.billing.listing(family_id=family_id, month=month)
    if output_format == "json":
        echo_json([_row(view) for view in views])
        return
    if output_format == "csv":
        rows = [[_blank_if_none(_row(view)[name]) for name in COLUMNS] for view in views]
        echo_rows(COLUMNS, rows, "csv")
        return
    if not views:
        click.echo("Aucune facture.")
        return
    table = [
        (
            v.invoice.number,
            f"{v.invoice.family_name} (n° {v.invoice.family_id})",
            v.invoice.month,
            numeric_day_fr(v.invoice.issued_on),
            v.invoice.total.format_fr(),
            v.paid.format_fr(),
            v.balance.format_fr(),
            v.status.label
            + (
                f", prélèvement le {numeric_day_fr(v.invoice.direct_debit_on)}"
                if v.invoice.direct_debit_on and v.balance.cents > 0
                else ""
            ),
        )
        for v in views
    ]
    echo_rows(
        ("numéro", "famille", "mois", "émise le", "total", "réglé", "reste dû", "statut"),
        table,
        "table",
    )
