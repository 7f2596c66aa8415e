"""Payments received, allocated to invoices; families locked while one is recorded."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

import attrs
from sqlalchemy import Connection, Row, insert, select

from adapters.persistence.tables import (
    families,
    payments,
)
from adapters.persistence.transaction import OpenTransaction
from portail_core.domain.payments.payment import Payment, PaymentMode
from portail_core.domain.shared.money import Money

__all__ = ["SqlPaymentRepositories", "SqlPaymentRepository"]


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


class SqlPaymentRepositories(OpenTransaction):
    """The repositories a unit of work gives on its transaction."""

    @property
    def payments(self) -> SqlPaymentRepository:
        return SqlPaymentRepository(self.connection())
