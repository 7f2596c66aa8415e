"""In-memory twins of the attendance, absence, invoice and payment repositories."""

from __future__ import annotations

import copy
from collections.abc import Iterable
from datetime import date

import attrs
from attrs import define, field

from portail_core.domain.absences import Absence
from portail_core.domain.attendance import AttendanceMark
from portail_core.domain.billing.invoice import DocumentKind, Invoice, document_number
from portail_core.domain.payments.payment import Payment

__all__ = [
    "BillingState",
    "InMemoryAbsenceRepository",
    "InMemoryAttendanceRepository",
    "InMemoryInvoiceRepository",
    "InMemoryPaymentRepository",
]


@define
class BillingState:
    marks: dict[tuple[int, str, str, date], AttendanceMark] = field(factory=dict)
    absences: dict[int, Absence] = field(factory=dict)
    last_absence_id: int = 0  # numbers are never given again, as in the database
    invoices: list[Invoice] = field(factory=list)
    sequences: dict[tuple[str, int], int] = field(factory=dict)
    payments: list[Payment] = field(factory=list)


class InMemoryAttendanceRepository:
    def __init__(self, state: BillingState) -> None:
        self._state = state

    def record(self, mark: AttendanceMark) -> AttendanceMark | None:
        key = (mark.child_id, mark.establishment_code, mark.unit_code, mark.day)
        previous = self._state.marks.get(key)
        self._state.marks[key] = mark
        return previous

    def between(
        self, first: date, last: date, *, establishment_code: str | None = None
    ) -> list[AttendanceMark]:
        return sorted(
            (
                m
                for m in self._state.marks.values()
                if first <= m.day <= last
                and (establishment_code is None or m.establishment_code == establishment_code)
            ),
            key=lambda m: (m.day, m.establishment_code, m.unit_code, m.child_id),
        )


class InMemoryAbsenceRepository:
    def __init__(self, state: BillingState) -> None:
        self._state = state

    def add(self, absence: Absence) -> Absence:
        self._state.last_absence_id += 1
        stored = attrs.evolve(absence, id=self._state.last_absence_id)
        self._state.absences[self._state.last_absence_id] = stored
        return stored

    def get(self, absence_id: int, *, for_update: bool = False) -> Absence | None:
        return self._state.absences.get(absence_id)

    def update(self, absence: Absence) -> None:
        assert absence.id is not None  # noqa: S101  (a twin for tests)
        self._state.absences[absence.id] = absence

    def delete(self, absence_id: int) -> None:
        self._state.absences.pop(absence_id, None)

    def between(self, first: date, last: date, *, family_id: int | None = None) -> list[Absence]:
        return [
            a
            for _, a in sorted(self._state.absences.items())
            if a.first_day <= last
            and a.last_day >= first
            and (family_id is None or a.family_id == family_id)
        ]


class InMemoryInvoiceRepository:
    def __init__(self, state: BillingState) -> None:
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


def _by_number(invoice: Invoice) -> str:
    return invoice.number


class InMemoryPaymentRepository:
    def __init__(self, state: BillingState) -> None:
        self._state = state

    def add(self, payment: Payment) -> Payment:
        stored = attrs.evolve(payment, id=len(self._state.payments) + 1)
        self._state.payments.append(stored)
        return stored

    def lock_families(self, family_ids: Iterable[int]) -> None:
        """Units of work on one store are serialised already."""
        del family_ids

    def of_family(self, family_id: int) -> list[Payment]:
        return [p for p in self._state.payments if p.family_id == family_id]

    def of_invoices(self, numbers: Iterable[str]) -> list[Payment]:
        wanted = set(numbers)
        return [p for p in self._state.payments if p.invoice_number in wanted]

    def listing(self, first: date, last: date) -> list[Payment]:
        return [p for p in self._state.payments if first <= p.received_on <= last]
