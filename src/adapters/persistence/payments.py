"""Payments received, allocated to invoices (families locked while one is recorded), and the
attempts to pay online through PayFiP."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

import attrs
import pendulum
from sqlalchemy import Connection, Row, and_, func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError

from adapters.persistence.tables import families, payment_attempts, payments
from adapters.persistence.transaction import OpenTransaction
from portail_core.domain.payments.attempt import FORGOTTEN, AttemptState, PaymentAttempt
from portail_core.domain.payments.online import PayfipMode
from portail_core.domain.payments.payment import Payment, PaymentMode
from portail_core.domain.shared.instants import paris_day_start
from portail_core.domain.shared.money import Money
from portail_core.errors import Conflict

__all__ = ["SqlPaymentAttemptRepository", "SqlPaymentRepositories", "SqlPaymentRepository"]


_CHUNK = 1000  # values per IN (...): far below SQLite's and PostgreSQL's limits


def _payment(row: Row[Any]) -> Payment:
    return Payment(
        family_id=row.family_id,
        amount=Money(row.amount_cents),
        mode=PaymentMode(row.mode),
        reference=row.reference,
        received_on=row.received_on,
        recorded_at=row.recorded_at,
        recorded_by=row.recorded_by,
        invoice_number=row.invoice_number,
        id=row.id,
    )


class SqlPaymentRepository:
    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def add(self, payment: Payment) -> Payment:
        statement = insert(payments).values(
            family_id=payment.family_id,
            amount_cents=payment.amount.cents,
            mode=payment.mode.value,
            reference=payment.reference,
            received_on=payment.received_on,
            recorded_at=payment.recorded_at,
            recorded_by=payment.recorded_by,
            invoice_number=payment.invoice_number,
        )
        new_id = self._connection.execute(statement.returning(payments.c.id)).scalar_one()
        return attrs.evolve(payment, id=new_id)

    def lock_families(self, family_ids: Iterable[int]) -> None:
        wanted = sorted(set(family_ids))
        for start in range(0, len(wanted), _CHUNK):
            chunk = wanted[start : start + _CHUNK]
            query = select(families.c.id).where(families.c.id.in_(chunk)).order_by(families.c.id)
            self._connection.execute(query.with_for_update()).all()

    def of_family(self, family_id: int) -> list[Payment]:
        query = select(payments).where(payments.c.family_id == family_id).order_by(payments.c.id)
        return [_payment(row) for row in self._connection.execute(query)]

    def of_invoices(self, numbers: Iterable[str]) -> list[Payment]:
        wanted = sorted(set(numbers))
        found: list[Payment] = []
        for start in range(0, len(wanted), _CHUNK):
            chunk = wanted[start : start + _CHUNK]
            query = select(payments).where(payments.c.invoice_number.in_(chunk))
            found += [_payment(row) for row in self._connection.execute(query)]
        return sorted(found, key=lambda payment: payment.id or 0)

    def listing(self, first: date, last: date) -> list[Payment]:
        p = payments.c
        query = (
            select(payments).where(p.received_on.between(first, last)).order_by(p.received_on, p.id)
        )
        return [_payment(row) for row in self._connection.execute(query)]

    def paid_by_invoice(self, family_ids: Iterable[int]) -> dict[int, dict[str | None, Money]]:
        """One GROUP BY per thousand families."""
        p = payments.c
        wanted = sorted(set(family_ids))
        sums: dict[int, dict[str | None, Money]] = {}
        for start in range(0, len(wanted), _CHUNK):
            query = (
                select(p.family_id, p.invoice_number, func.sum(p.amount_cents))
                .where(p.family_id.in_(wanted[start : start + _CHUNK]))
                .group_by(p.family_id, p.invoice_number)
            )
            for family_id, number, cents in self._connection.execute(query):
                sums.setdefault(family_id, {})[number] = Money(int(cents))
        return sums


def _attempt(row: Row[Any]) -> PaymentAttempt:
    return PaymentAttempt(
        family_id=row.family_id,
        invoice_number=row.invoice_number,
        refdet=row.refdet,
        amount=Money(row.amount_cents),
        id_op=row.id_op,
        created_at=row.created_at,
        numcli=row.numcli,
        mode=PayfipMode(row.mode),
        state=AttemptState(row.state),
        checked_at=row.checked_at,
        result=row.result,
        authorisation=row.authorisation,
        paid_at=row.paid_at,
        problem=row.problem,
        id=row.id,
    )


def _attempt_row(attempt: PaymentAttempt) -> dict[str, Any]:
    return {
        "state": attempt.state.value,
        "checked_at": attempt.checked_at,
        "result": attempt.result[:8],
        "authorisation": attempt.authorisation[:32],
        "paid_at": attempt.paid_at,
        "problem": attempt.problem[:500],
    }


class SqlPaymentAttemptRepository:
    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def add(self, attempt: PaymentAttempt) -> None:
        statement = insert(payment_attempts).values(
            family_id=attempt.family_id,
            invoice_number=attempt.invoice_number,
            refdet=attempt.refdet,
            amount_cents=attempt.amount.cents,
            id_op=attempt.id_op,
            created_at=attempt.created_at,
            numcli=attempt.numcli,
            mode=attempt.mode.value,
            **_attempt_row(attempt),
        )
        try:
            with self._connection.begin_nested():
                new_id = self._connection.execute(
                    statement.returning(payment_attempts.c.id)
                ).scalar_one()
        except IntegrityError as error:
            raise Conflict("Cette opération de paiement en ligne est déjà enregistrée.") from error
        attempt.id = new_id

    def by_id_op(self, id_op: str, *, for_update: bool = False) -> PaymentAttempt | None:
        query = select(payment_attempts).where(payment_attempts.c.id_op == id_op)
        row = self._connection.execute(query.with_for_update() if for_update else query).first()
        return None if row is None else _attempt(row)

    def of_invoice(self, invoice_number: str) -> list[PaymentAttempt]:
        a = payment_attempts.c
        query = select(payment_attempts).where(a.invoice_number == invoice_number).order_by(a.id)
        return [_attempt(row) for row in self._connection.execute(query)]

    def to_check(
        self, created_after: pendulum.DateTime, created_before: pendulum.DateTime
    ) -> list[PaymentAttempt]:
        a = payment_attempts.c
        settled_for_now = (AttemptState.ABANDONED.value, AttemptState.EXPIRED.value)
        to_ask_again = or_(  # PaymentAttempt.to_ask_again
            a.state == AttemptState.PENDING.value,
            and_(a.state.in_(settled_for_now), a.result != FORGOTTEN),
        )
        query = (
            select(payment_attempts)
            .where(to_ask_again, a.created_at.between(created_after, created_before))
            .order_by(a.created_at, a.id)
        )
        return [_attempt(row) for row in self._connection.execute(query)]

    def listing(self, first: date, last: date) -> list[PaymentAttempt]:
        a = payment_attempts.c
        since, until = paris_day_start(first), paris_day_start(last + timedelta(days=1))
        query = (
            select(payment_attempts)
            .where(a.created_at >= since, a.created_at < until)
            .order_by(a.created_at, a.id)
        )
        return [_attempt(row) for row in self._connection.execute(query)]

    def update(self, attempt: PaymentAttempt) -> None:
        statement = (
            update(payment_attempts)
            .where(payment_attempts.c.id == attempt.id)
            .values(_attempt_row(attempt))
        )
        if self._connection.execute(statement).rowcount != 1:
            raise LookupError(f"payment attempt {attempt.id} is not in the database")


class SqlPaymentRepositories(OpenTransaction):
    """The repositories a unit of work gives on its transaction."""

    @property
    def payments(self) -> SqlPaymentRepository:
        return SqlPaymentRepository(self.connection())

    @property
    def attempts(self) -> SqlPaymentAttemptRepository:
        return SqlPaymentAttemptRepository(self.connection())
