"""Invoices and credit notes: numbered without gaps per year, never edited once issued.

A line is one child x unit x state x unit price, with its quantity; its total is exactly
quantity x unit price, and a document's total is the sum of its lines. A correction is a credit
note that cancels an invoice (same lines, negative quantities) followed by a new invoice.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from datetime import date

import pendulum
from attrs import field, frozen

from portail_core.domain.billing.consumption import ConsumptionState, Pricing
from portail_core.domain.shared.instants import as_utc
from portail_core.domain.shared.money import Money

__all__ = [
    "DocumentKind",
    "Invoice",
    "InvoiceLine",
    "document_number",
    "lines_equal",
]


class DocumentKind(enum.Enum):
    INVOICE = "invoice"
    CREDIT_NOTE = "credit_note"

    @property
    def prefix(self) -> str:
        return {DocumentKind.INVOICE: "FA", DocumentKind.CREDIT_NOTE: "AV"}[self]

    @property
    def label(self) -> str:
        return {DocumentKind.INVOICE: "Facture", DocumentKind.CREDIT_NOTE: "Avoir"}[self]


def document_number(kind: DocumentKind, year: int, sequence: int) -> str:
    """ "FA-2026-000123": the prefix, the year of issue, the 6-digit sequence of that year."""
    return f"{kind.prefix}-{year}-{sequence:06d}"


@frozen
class InvoiceLine:
    child_name: str
    establishment_name: str
    unit_label: str
    state: ConsumptionState
    pricing: Pricing
    unit_price: Money
    quantity: int
    bracket: str = ""  # the quotient familial bracket used, as described to the family
    child_id: int = 0
    establishment_code: str = ""
    unit_code: str = ""

    @property
    def total(self) -> Money:
        return self.unit_price * self.quantity

    @property
    def sort_key(self) -> tuple[str, str, str, str, str, int, int]:
        """Per child, establishment and unit, as the family reads its invoice."""
        return (
            self.child_name,
            self.establishment_name,
            self.unit_label,
            self.state.value,
            self.pricing.value,
            self.unit_price.cents,
            self.quantity,
        )

    @property
    def description(self) -> str:
        """ "Journée avec repas : absence justifiée (gratuite)"."""
        state = self.state.label
        if self.pricing is Pricing.FREE:
            state += " (gratuit)"
        elif self.pricing is Pricing.SURCHARGE:
            state += " (tarif majoré)"
        return f"{self.unit_label} : {state}"

    def negated(self) -> InvoiceLine:
        return InvoiceLine(
            self.child_name,
            self.establishment_name,
            self.unit_label,
            self.state,
            self.pricing,
            self.unit_price,
            -self.quantity,
            self.bracket,
            self.child_id,
            self.establishment_code,
            self.unit_code,
        )


def lines_equal(a: Iterable[InvoiceLine], b: Iterable[InvoiceLine]) -> bool:
    return sorted(a, key=_key) == sorted(b, key=_key)


def _key(line: InvoiceLine) -> tuple[str, str, str, str, str, int, int]:
    return line.sort_key


@frozen
class Invoice:
    """An invoice or a credit note of one family for one month, as issued."""

    number: str
    kind: DocumentKind
    family_id: int
    family_name: str
    address: tuple[str, ...]  # the main guardian's postal address, as on the envelope
    month: str  # "2026-09"
    issued_on: date
    due_on: date
    pay_online_until: date
    lines: tuple[InvoiceLine, ...]
    created_at: pendulum.DateTime = field(converter=as_utc)
    quotient: str = ""  # the quotient familial used, e.g. "QF 1 250 (attestation CAF)"
    corrects: str | None = None  # the invoice a credit note cancels
    direct_debit_on: date | None = None  # families on direct debit: the day of the debit
    id: int | None = field(default=None, kw_only=True, eq=False)

    @property
    def total(self) -> Money:
        return Money.total(line.total for line in self.lines)

    @property
    def year(self) -> int:
        return self.issued_on.year
