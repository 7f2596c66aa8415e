"""In-memory twins of the payments' repository and of the pain.008 writer."""

from __future__ import annotations

import copy
from collections.abc import Iterable
from datetime import date, timedelta

import attrs
import pendulum
from attrs import define, field

from adapters.memory.store import WorkingCopy
from portail_core.domain.payments.attempt import PaymentAttempt
from portail_core.domain.payments.direct_debit import DebitBatch
from portail_core.domain.payments.payment import Payment
from portail_core.domain.shared.instants import paris_day_start
from portail_core.domain.shared.money import Money
from portail_core.errors import Conflict

__all__ = [
    "InMemoryPaymentAttemptRepository",
    "InMemoryPaymentRepositories",
    "InMemoryPaymentRepository",
    "PaymentState",
    "RecordingDebitWriter",
]


@define
class PaymentState:
    payments: list[Payment] = field(factory=list)
    attempts: dict[int, PaymentAttempt] = field(factory=dict)


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

    def paid_by_invoice(self, family_ids: Iterable[int]) -> dict[int, dict[str | None, Money]]:
        wanted = set(family_ids)
        sums: dict[int, dict[str | None, Money]] = {}
        for p in self._state.payments:
            if p.family_id in wanted:
                of_family = sums.setdefault(p.family_id, {})
                of_family[p.invoice_number] = of_family.get(p.invoice_number, Money.zero()) + (
                    p.amount
                )
        return sums


class InMemoryPaymentAttemptRepository:
    def __init__(self, state: PaymentState) -> None:
        self._state = state

    def add(self, attempt: PaymentAttempt) -> None:
        known = self._state.attempts.values()
        if any(a.id_op == attempt.id_op or a.refdet == attempt.refdet for a in known):
            raise Conflict("Cette opération de paiement en ligne est déjà enregistrée.")
        attempt.id = len(self._state.attempts) + 1
        self._state.attempts[attempt.id] = copy.deepcopy(attempt)

    def by_id_op(self, id_op: str, *, for_update: bool = False) -> PaymentAttempt | None:
        found = [a for a in self._state.attempts.values() if a.id_op == id_op]
        return copy.deepcopy(found[0]) if found else None

    def of_invoice(self, invoice_number: str) -> list[PaymentAttempt]:
        return copy.deepcopy(
            [
                a
                for _, a in sorted(self._state.attempts.items())
                if a.invoice_number == invoice_number
            ]
        )

    def to_check(
        self, created_after: pendulum.DateTime, created_before: pendulum.DateTime
    ) -> list[PaymentAttempt]:
        found = [
            a
            for a in self._state.attempts.values()
            if a.to_ask_again and created_after <= a.created_at <= created_before
        ]
        return copy.deepcopy(sorted(found, key=lambda a: (a.created_at, a.id or 0)))

    def listing(self, first: date, last: date) -> list[PaymentAttempt]:
        since, until = paris_day_start(first), paris_day_start(last + timedelta(days=1))
        found = [a for a in self._state.attempts.values() if since <= a.created_at < until]
        return copy.deepcopy(sorted(found, key=lambda a: (a.created_at, a.id or 0)))

    def update(self, attempt: PaymentAttempt) -> None:
        if attempt.id not in self._state.attempts:
            raise LookupError(f"payment attempt {attempt.id} is not in the store")
        self._state.attempts[attempt.id] = copy.deepcopy(attempt)


class InMemoryPaymentRepositories(WorkingCopy):
    """The repositories a unit of work gives on the working copy's PaymentState."""

    @property
    def payments(self) -> InMemoryPaymentRepository:
        return InMemoryPaymentRepository(self.state(PaymentState))

    @property
    def attempts(self) -> InMemoryPaymentAttemptRepository:
        return InMemoryPaymentAttemptRepository(self.state(PaymentState))


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
