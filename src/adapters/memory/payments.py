"""In-memory twins of the payments' repository and of the pain.008 writer."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import attrs
from attrs import define, field

from adapters.memory.store import WorkingCopy
from portail_core.domain.payments.direct_debit import DebitBatch
from portail_core.domain.payments.payment import Payment

__all__ = [
    "InMemoryPaymentRepositories",
    "InMemoryPaymentRepository",
    "PaymentState",
    "RecordingDebitWriter",
]


@define
class PaymentState:
    payments: list[Payment] = field(factory=list)


class InMemoryPaymentRepository:
    def __init__(self, state: PaymentState) -> None:
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


class InMemoryPaymentRepositories(WorkingCopy):
    """The repositories a unit of work gives on the working copy's PaymentState."""

    @property
    def payments(self) -> InMemoryPaymentRepository:
        return InMemoryPaymentRepository(self.state(PaymentState))


class RecordingDebitWriter:
    def __init__(self) -> None:
        self.batches: list[DebitBatch] = []

    def write(self, batch: DebitBatch) -> bytes:
        self.batches.append(batch)
        lines = [f"{batch.message_id} {batch.control_sum.cents}"] + [
            f"{d.invoice_number} {d.amount.cents} {d.collection_date} {d.mandate.rum}"
            for d in batch.debits
        ]
        return "\n".join(lines).encode()
