"""Invoices and credit notes: numbered without gaps per year, never edited once issued.

A line is one child x unit x state x unit price, with its quantity; its total is exactly
quantity x unit price, and a document's total is the sum of its lines. A correction is a credit
note that cancels an invoice (same lines, negative quantities) followed by a new invoice.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from datetime import date

import attrs
import pendulum
from attrs import field, frozen

from portail_core.domain.billing.consumption import ConsumptionState, Pricing
from portail_core.domain.shared.instants import as_utc
from portail_core.domain.shared.money import Money

__all__ = [
    "DocumentKind",
    "Invoice",
    "InvoiceLine",
    "InvoiceTotal",
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
    # Why the unit price: the bracket or the PAI price, the sibling reduction... (« tarif PAI
    # (panier-repas), réduction 2e enfant 10 % »); empty on lines issued before it was kept.
    basis: str = ""
    days: tuple[date, ...] = ()  # the days counted, in order; empty on lines issued before

    @property
    def tariff_text(self) -> str:
        """What the invoice prints in its « Tarif appliqué » column."""
        return self.basis or self.bracket

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
            self.basis,
            self.days,
        )


def lines_equal(a: Iterable[InvoiceLine], b: Iterable[InvoiceLine]) -> bool:
    """The same lines, and the same days on each when both give them (an invoice issued before
    invoices listed their days is compared on its lines only: re-running its month does not
    reissue it)."""
    first, second = list(a), list(b)
    if not all(line.days for line in (*first, *second)):
        first = [attrs.evolve(line, basis="", days=()) for line in first]
        second = [attrs.evolve(line, basis="", days=()) for line in second]
    return sorted(first, key=_key) == sorted(second, key=_key)


def _key(line: InvoiceLine) -> tuple[tuple[str, str, str, str, str, int, int], tuple[date, ...]]:
    return line.sort_key, line.days


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


@frozen
class InvoiceTotal:
    """What a family's credit depends on of an issued document: its number, kind and total, and
    the invoice a credit note cancels (read without the lines, for thousands of families)."""

    family_id: int
    number: str
    kind: DocumentKind
    total: Money
    corrects: str | None = None

    @classmethod
    def of(cls, invoice: Invoice) -> InvoiceTotal:
        return cls(invoice.family_id, invoice.number, invoice.kind, invoice.total, invoice.corrects)
