"""The in-memory twin of the invoices' repository."""

from __future__ import annotations

import copy
from collections.abc import Iterable

import attrs
from attrs import define, field

from adapters.memory.store import WorkingCopy
from portail_core.domain.billing.invoice import (
    DocumentKind,
    Invoice,
    InvoiceTotal,
    document_number,
)

__all__ = ["InMemoryBillingRepositories", "InMemoryInvoiceRepository", "InvoiceState"]


@define
class InvoiceState:
    invoices: list[Invoice] = field(factory=list)
    sequences: dict[tuple[str, int], int] = field(factory=dict)


class InMemoryInvoiceRepository:
    def __init__(self, state: InvoiceState) -> None:
        self._state = state

    def lock_numbering(self, year: int) -> None:
        """Units of work on one store are serialised already."""
        del year

    def next_number(self, kind: DocumentKind, year: int) -> str:
        key = (kind.value, year)
        self._state.sequences[key] = self._state.sequences.get(key, 0) + 1
        return document_number(kind, year, self._state.sequences[key])

    def next_numbers(self, kind: DocumentKind, year: int, count: int) -> list[str]:
        """As many ``next_number`` as asked, in order."""
        return [self.next_number(kind, year) for _ in range(count)]

    def add_all(self, documents: list[Invoice]) -> None:
        """One ``add`` each, in order (ids given the same way)."""
        for invoice in documents:
            self.add(invoice)

    def add(self, invoice: Invoice) -> Invoice:
        if any(i.number == invoice.number for i in self._state.invoices):
            raise ValueError(f"duplicate invoice number {invoice.number}")
        stored = attrs.evolve(invoice, id=len(self._state.invoices) + 1)
        self._state.invoices.append(copy.deepcopy(stored))
        return stored

    def by_number(self, number: str) -> Invoice | None:
        return next((i for i in self._state.invoices if i.number == number), None)

    def of_family(self, family_id: int) -> list[Invoice]:
        return [i for i in self._state.invoices if i.family_id == family_id]

    def of_month(self, month: str) -> list[Invoice]:
        return sorted((i for i in self._state.invoices if i.month == month), key=_by_number)

    def totals_of_families(self, family_ids: Iterable[int]) -> list[InvoiceTotal]:
        wanted = set(family_ids)
        return [InvoiceTotal.of(i) for i in self._state.invoices if i.family_id in wanted]


def _by_number(invoice: Invoice) -> str:
    return invoice.number


class InMemoryBillingRepositories(WorkingCopy):
    """The repositories a unit of work gives on the working copy's InvoiceState."""

    @property
    def invoices(self) -> InMemoryInvoiceRepository:
        return InMemoryInvoiceRepository(self.state(InvoiceState))
