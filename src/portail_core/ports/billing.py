"""Invoices and credit notes, their numbering, and their PDF."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from portail_core.domain.billing.invoice import DocumentKind, Invoice, InvoiceTotal
from portail_core.domain.billing.invoice_sheet import InvoiceSheet

__all__ = ["BillingRepositories", "InvoiceRenderer", "InvoiceRepository"]


class InvoiceRepository(Protocol):
    """Issued invoices and credit notes; never updated."""

    def lock_numbering(self, year: int) -> None:
        """Lock the year's sequences until the transaction ends: a second billing run waits for
        the first to commit, then sees its invoices."""
        ...

    def next_number(self, kind: DocumentKind, year: int) -> str:
        """The next number of that kind and year. The sequence row stays locked until the
        transaction ends, so that numbers never skip (a rollback gives them back) nor repeat
        (a concurrent run waits)."""
        ...

    def next_numbers(self, kind: DocumentKind, year: int, count: int) -> list[str]:
        """The next ``count`` numbers of that kind and year at once, in order (none for 0), with
        the same guarantee as ``next_number``: the sequence stays locked until the transaction
        ends, so that numbers never skip nor repeat."""
        ...

    def add(self, invoice: Invoice) -> Invoice:
        """Record it; returns it with its id."""
        ...

    def add_all(self, documents: list[Invoice]) -> None:
        """Record many documents in one statement (a billing run); their ids are not read back."""
        ...

    def by_number(self, number: str) -> Invoice | None: ...

    def of_family(self, family_id: int) -> list[Invoice]:
        """Oldest first."""
        ...

    def of_month(self, month: str) -> list[Invoice]:
        """Every document of that month ("2026-09"), by number."""
        ...

    def totals_of_families(self, family_ids: Iterable[int]) -> list[InvoiceTotal]:
        """Every document of these families without its lines (what their credit depends on),
        in a few queries whatever their number."""
        ...


class InvoiceRenderer(Protocol):
    """Lays an invoice or a credit note out as a PDF a screen reader can read (tagged, PDF/UA)."""

    def render(self, sheet: InvoiceSheet) -> bytes:
        """The PDF's bytes; the text is the sheet's, word for word."""
        ...


class BillingRepositories(Protocol):
    """The invoices' repository, as a unit of work gives it."""

    @property
    def invoices(self) -> InvoiceRepository: ...
