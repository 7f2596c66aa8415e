""" "Factures et règlements": the family's invoices and credit notes with their status, each
one's detail (the same sheet as its PDF), the PDF, the balance, and the ways to pay.

Another family's invoice answers 404, like a number that does not exist. « Payer en ligne »
(PayFiP) is offered on an invoice that may be paid online, when the commune offers it
(``web.payments`` opens the payment); otherwise online payment is not mentioned.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, render_template

from entrypoints.web.app_services import family_id, portail
from entrypoints.web.sessions import login_required
from portail_core.domain.billing.invoice_sheet import InvoiceSheet
from portail_core.domain.shared.french_dates import month_fr
from portail_core.errors import InvalidInput
from portail_core.services.billing.documents import InvoicePdf

__all__ = ["blueprint"]

blueprint = Blueprint("billing", __name__, url_prefix="/factures")
MAX_NUMBER = 40


@blueprint.app_template_filter("invoice_month")
def _invoice_month(month: str) -> str:
    """ "2026-09" -> "septembre 2026"."""
    return month_fr(month)


@blueprint.get("")
@login_required
def home() -> str:
    """The invoices, most recent first, and the balance."""
    account = portail().billing.account(family_id())
    return render_template("billing/home.html", account=account)


@blueprint.get("/modes-de-paiement")
@login_required
def payment_modes() -> str:
    """ "Modes de paiement": online (PayFiP), cheque, at the desk, direct debit."""
    return render_template("billing/payment_modes.html")


def _sheet(number: str) -> InvoiceSheet:
    try:
        return portail().billing.sheet(number[:MAX_NUMBER], family_id=family_id())
    except InvalidInput:  # not even an invoice number: no such page
        abort(404)


@blueprint.get("/<number>")
@login_required
def detail(number: str) -> str:
    """One invoice or credit note, line by line as in its PDF, and « Payer en ligne »."""
    return invoice_page(number)[0]


def invoice_page(number: str, problem: str | None = None, status: int = 200) -> tuple[str, int]:
    """The invoice's page; ``problem``: why paying online just failed."""
    sheet = _sheet(number)
    refusal = portail().payments.online_refusal(family_id(), sheet.number)
    return render_template(
        "billing/detail.html", sheet=sheet, refusal=refusal, problem=problem
    ), status


@blueprint.get("/<number>/pdf")
@login_required
def pdf(number: str) -> Response:
    """The PDF of one of the family's invoices, as an attachment that no cache keeps."""
    try:
        document: InvoicePdf = portail().billing.pdf(number[:MAX_NUMBER], family_id=family_id())
    except InvalidInput:
        abort(404)
    return Response(
        document.content,
        mimetype="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="{document.filename}"',
            "Cache-Control": "no-store",
        },
    )
