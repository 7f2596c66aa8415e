"""Invoices as documents: the sheet a family reads (web page and PDF), the PDF itself, and the
desk's listing of invoices with their status.

A family reaches only its own invoices: another family's number answers NotFound, exactly like
a number that does not exist.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import attrs
from attrs import frozen

from portail_core.domain.billing.invoice_sheet import InvoiceSheet
from portail_core.domain.communes import Commune
from portail_core.domain.payments.direct_debit import rejection_notice
from portail_core.domain.payments.payment import PaymentMode
from portail_core.domain.shared.money import Money
from portail_core.errors import ConfigurationError, InvalidInput, NotFound
from portail_core.ports.billing import InvoiceRenderer
from portail_core.services.billing.invoices import InvoiceView, account_from
from portail_core.services.billing.run import month_bounds

if TYPE_CHECKING:
    from portail_core.ports.unit_of_work import UnitOfWork

__all__ = [
    "InvoicePdf",
    "invoice_pdf",
    "invoice_sheet",
    "list_invoices",
    "sheet_of",
]

_NUMBER = re.compile(r"^(?:FA|AV)-\d{4}-\d{6}$", re.ASCII)


def _checked_number(number: str) -> str:
    cleaned = number.strip().upper()
    if not _NUMBER.match(cleaned):
        raise InvalidInput(
            f"Numéro de facture invalide : « {number[:30]} » (attendu : FA-2026-000123 ou "
            "AV-2026-000004)."
        )
    return cleaned


@frozen
class InvoicePdf:
    sheet: InvoiceSheet
    content: bytes

    @property
    def filename(self) -> str:
        """ "facture-FA-2026-000123.pdf" or "avoir-AV-2026-000004.pdf"."""
        return f"{self.sheet.kind.label.lower()}-{self.sheet.number}.pdf"


def sheet_of(view: InvoiceView, commune: Commune) -> InvoiceSheet:
    """The sheet of one invoice with its payments and status (no I/O)."""
    sheet = _sheet(view, commune)
    rejected = view.rejection
    if rejected is None:
        return sheet
    notice = rejection_notice(rejected.received_on, rejected.reference)
    return attrs.evolve(sheet, debit_rejection=notice)


def _sheet(view: InvoiceView, commune: Commune) -> InvoiceSheet:
    return InvoiceSheet.build(
        view.invoice,
        commune_name=commune.name,
        contact_email=commune.contact_email,
        paid=view.paid,
        amount_due=view.balance,
        status=view.status.label,
        online=commune.online_payment.enabled,
        contact_address=commune.contact_address,
        contact_phone=commune.contact_phone_text,
        credit_used=Money.total(p.amount for p in view.payments if p.mode is PaymentMode.CREDIT),
    )


def _view(uow: UnitOfWork, number: str, family_id: int | None) -> tuple[InvoiceView, Commune]:
    """Inside an open unit of work: the document with its status, and the commune."""
    wanted = _checked_number(number)
    found = uow.invoices.by_number(wanted)
    if found is None or (family_id is not None and found.family_id != family_id):
        raise NotFound("Facture introuvable.")
    account = account_from(
        uow.invoices.of_family(found.family_id), uow.payments.of_family(found.family_id)
    )
    view = next(v for v in account.invoices if v.invoice.number == wanted)
    commune = uow.communes.get()
    if commune is None:
        raise ConfigurationError("La commune n'est pas configurée : chargez son fichier.")
    return view, commune


def invoice_sheet(uow: UnitOfWork, number: str, *, family_id: int | None = None) -> InvoiceSheet:
    """The sheet of invoice ``number``; with ``family_id``, only if it is that family's."""
    with uow:
        view, commune = _view(uow, number, family_id)
    return sheet_of(view, commune)


def invoice_pdf(
    uow: UnitOfWork, renderer: InvoiceRenderer, number: str, *, family_id: int | None = None
) -> InvoicePdf:
    """The PDF of invoice ``number`` (tagged, accessible); with ``family_id``, only that
    family's."""
    sheet = invoice_sheet(uow, number, family_id=family_id)
    return InvoicePdf(sheet, renderer.render(sheet))


def list_invoices(
    uow: UnitOfWork, *, family_id: int | None = None, month: str | None = None
) -> list[InvoiceView]:
    """Invoices and credit notes with their status, by number; of one family, of one month
    ("2026-09"), or all of them."""
    if month is not None:
        month_bounds(month)  # refuses a malformed month in French
        month = month.strip()
    with uow:
        if family_id is not None:
            if uow.families.get(family_id) is None:
                raise NotFound(f"Aucune famille n° {family_id}.")
            family_ids = [family_id]
        elif month is not None:
            family_ids = sorted({i.family_id for i in uow.invoices.of_month(month)})
        else:
            family_ids = [f.id for f in uow.families.listing() if f.id is not None]
        views: list[InvoiceView] = []
        for family in family_ids:
            documents = uow.invoices.of_family(family)
            if documents:
                views += account_from(documents, uow.payments.of_family(family)).invoices
    chosen = [v for v in views if month is None or v.invoice.month == month]
    return sorted(chosen, key=lambda v: (v.invoice.issued_on, v.invoice.number))
