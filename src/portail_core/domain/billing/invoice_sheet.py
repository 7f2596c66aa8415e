"""An invoice or a credit note as the family reads it: on the web page and in the PDF alike.

Both show the same ``InvoiceSheet``: the town's header (the guichet unique's e-mail, postal
address and phone), the family and its address, one row per child, service, unit and price with
why that price (the quotient familial bracket, the PAI price, the sibling reduction) and the
days counted, the quotient familial used, the total, the family's credit deducted, what is still
due, the dates, and how to pay. The words are decided here, once; the web page and the PDF only lay
them out, so that the PDF's text is the page's.
"""

from __future__ import annotations

from datetime import date

from attrs import frozen

from portail_core.domain.billing.invoice import DocumentKind, Invoice, InvoiceLine
from portail_core.domain.payments.online import payable_online
from portail_core.domain.shared.french_dates import days_fr, month_fr, numeric_day_fr
from portail_core.domain.shared.money import Money

__all__ = [
    "InvoiceSheet",
    "PaymentOption",
    "SheetLine",
]


_NO_CREDIT = Money.zero()  # Money is immutable: one default shared by every instance


@frozen
class SheetLine:
    """One row: a child, a service (the establishment), a unit with what happened and the days
    counted, the tariff applied and why (the quotient familial bracket, the PAI price, the
    sibling reduction), a quantity, a unit price and their product."""

    child: str
    service: str
    unit: str
    tariff: str
    quantity: int
    unit_price: Money
    total: Money
    days: str = ""  # « 2, 9, 16 et 23 septembre »; empty on lines issued before

    @classmethod
    def of(cls, line: InvoiceLine) -> SheetLine:
        return cls(
            child=line.child_name,
            service=line.establishment_name,
            unit=line.description,
            tariff=line.tariff_text or "–",
            quantity=line.quantity,
            unit_price=line.unit_price,
            total=line.total,
            days=days_fr(line.days),
        )


@frozen
class PaymentOption:
    """One way to pay, in French: "En ligne" -> "par carte bancaire ... jusqu'au 05/11/2026"."""

    title: str
    text: str


@frozen
class InvoiceSheet:
    commune_name: str
    contact_email: str
    kind: DocumentKind
    number: str
    month: str  # "2026-09"
    family_name: str
    address: tuple[str, ...]
    issued_on: date
    due_on: date
    pay_online_until: date
    direct_debit_on: date | None
    quotient: str
    corrects: str | None
    lines: tuple[SheetLine, ...]
    total: Money
    paid: Money
    amount_due: Money
    status: str  # "à payer", "payée", "avoir"...
    payment_note: str  # the one sentence that says what the family has to do
    payment_options: tuple[PaymentOption, ...]  # empty when there is nothing to pay
    contact_address: str = ""  # the guichet unique's postal address; empty when unknown
    contact_phone: str = ""  # its phone, as dialled in France ("05 58 09 12 34")
    credit_used: Money = _NO_CREDIT  # the family's credit (avoir) deducted from the invoice
    debit_rejection: str = ""  # why the invoice's direct debit was rejected, when it was

    @classmethod
    def build(
        cls,
        invoice: Invoice,
        *,
        commune_name: str,
        contact_email: str,
        paid: Money,
        amount_due: Money,
        status: str,
        online: bool = False,
        contact_address: str = "",
        contact_phone: str = "",
        credit_used: Money | None = None,
    ) -> InvoiceSheet:
        """``online``: the commune offers payment online (PayFiP); otherwise it is not named,
        nor for an amount PayFiP does not take. ``credit_used``: what of ``paid`` is the
        family's credit."""
        note, options = _how_to_pay(invoice, amount_due, online=online)
        return cls(
            commune_name=commune_name,
            contact_email=contact_email,
            kind=invoice.kind,
            number=invoice.number,
            month=invoice.month,
            family_name=invoice.family_name,
            address=invoice.address,
            issued_on=invoice.issued_on,
            due_on=invoice.due_on,
            pay_online_until=invoice.pay_online_until,
            direct_debit_on=invoice.direct_debit_on,
            quotient=invoice.quotient or "–",
            corrects=invoice.corrects,
            lines=tuple(SheetLine.of(line) for line in invoice.lines),
            total=invoice.total,
            paid=paid,
            amount_due=amount_due,
            status=status,
            payment_note=note,
            payment_options=options,
            contact_address=contact_address,
            contact_phone=contact_phone,
            credit_used=credit_used or Money.zero(),
        )

    @property
    def title(self) -> str:
        """ "Facture FA-2026-000123" or "Avoir AV-2026-000004"."""
        return f"{self.kind.label} {self.number}"

    @property
    def period(self) -> str:
        """ "septembre 2026"."""
        return month_fr(self.month)

    @property
    def is_credit_note(self) -> bool:
        return self.kind is DocumentKind.CREDIT_NOTE

    @property
    def issued_text(self) -> str:
        return numeric_day_fr(self.issued_on)

    @property
    def due_text(self) -> str:
        return numeric_day_fr(self.due_on)

    @property
    def online_until_text(self) -> str:
        return numeric_day_fr(self.pay_online_until)

    @property
    def debit_text(self) -> str | None:
        return numeric_day_fr(self.direct_debit_on) if self.direct_debit_on else None


def _how_to_pay(
    invoice: Invoice, due: Money, *, online: bool
) -> tuple[str, tuple[PaymentOption, ...]]:
    if invoice.kind is DocumentKind.CREDIT_NOTE:
        cancelled = f"la facture {invoice.corrects}" if invoice.corrects else "une facture"
        return (
            f"Cet avoir annule {cancelled}, remplacée le cas échéant par une nouvelle facture ; "
            "ce que vous aviez payé devient un avoir, déduit de la nouvelle facture ou, à défaut, "
            "de la prochaine facture émise. Vous n'avez rien à payer.",
            (),
        )
    if due.cents <= 0:
        return "Cette facture est réglée. Merci.", ()
    if invoice.direct_debit_on is not None:
        return (
            f"Cette facture sera prélevée le {numeric_day_fr(invoice.direct_debit_on)} sur le "
            "compte de votre mandat de prélèvement SEPA : vous n'avez rien à faire.",
            (),
        )
    by_hand = (
        PaymentOption(
            "Par chèque",
            "à l'ordre du Trésor public, remis ou envoyé au guichet unique avec le numéro "
            "de la facture au dos.",
        ),
        PaymentOption(
            "Au guichet unique",
            "en espèces, en chèques emploi service universel (CESU) ou en chèques-vacances ANCV.",
        ),
    )
    in_line = PaymentOption(
        "En ligne",
        "par carte bancaire ou prélèvement unique sur le site des Finances Publiques (PayFiP), "
        "depuis le Portail Famille, rubrique « Factures et règlements », "
        f"jusqu'au {numeric_day_fr(invoice.pay_online_until)}.",
    )
    return (
        f"Montant à payer avant le {numeric_day_fr(invoice.due_on)} : {due.format_fr()}, "
        f"en rappelant le numéro {invoice.number}.",
        (in_line, *by_hand) if online and payable_online(due) else by_hand,
    )
