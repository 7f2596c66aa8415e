"""Attendance marks, absences, invoices with their gapless numbering, and payments."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from typing import Any

import attrs
from sqlalchemy import Connection, Row, and_, bindparam, delete, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from adapters.persistence.codec import domain_codec
from adapters.persistence.tables import (
    absences,
    attendance_marks,
    document_sequences,
    families,
    invoices,
    payments,
)
from portail_core.domain.absences import Absence, AbsenceReason
from portail_core.domain.attendance import AttendanceMark, Presence
from portail_core.domain.audit import Actor, Channel
from portail_core.domain.billing.invoice import DocumentKind, Invoice, InvoiceLine, document_number
from portail_core.domain.payments.payment import Payment, PaymentMode
from portail_core.domain.shared.money import Money

__all__ = [
    "SqlAbsenceRepository",
    "SqlAttendanceRepository",
    "SqlInvoiceRepository",
    "SqlPaymentRepository",
]


def _mark(row: Row[Any]) -> AttendanceMark:
    return AttendanceMark(
        row.child_id,
        row.establishment_code,
        row.unit_code,
        row.day,
        Presence(row.presence),
        row.recorded_at,
        row.recorded_by,
    )


class SqlAttendanceRepository:
    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def record(self, mark: AttendanceMark) -> AttendanceMark | None:
        m = attendance_marks.c
        where = and_(
            m.child_id == mark.child_id,
            m.establishment_code == mark.establishment_code,
            m.unit_code == mark.unit_code,
            m.day == mark.day,
        )
        found = self._connection.execute(select(attendance_marks).where(where)).first()
        if found is not None:
            self._connection.execute(delete(attendance_marks).where(where))
        self._connection.execute(
            insert(attendance_marks).values(
                child_id=mark.child_id,
                establishment_code=mark.establishment_code,
                unit_code=mark.unit_code,
                day=mark.day,
                presence=mark.presence.value,
                recorded_at=mark.recorded_at,
                recorded_by=mark.recorded_by,
            )
        )
        return None if found is None else _mark(found)

    def between(
        self, first: date, last: date, *, establishment_code: str | None = None
    ) -> list[AttendanceMark]:
        m = attendance_marks.c
        query = (
            select(attendance_marks)
            .where(m.day.between(first, last))
            .order_by(m.day, m.establishment_code, m.unit_code, m.child_id)
        )
        if establishment_code is not None:
            query = query.where(m.establishment_code == establishment_code)
        return [_mark(row) for row in self._connection.execute(query)]


def _absence(row: Row[Any]) -> Absence:
    return Absence(
        row.family_id,
        row.child_id,
        row.first_day,
        row.last_day,
        AbsenceReason(row.reason),
        row.declared_at,
        Actor(row.declared_by, Channel(row.channel)),
        row.certificate_file,
        row.justified,
        id=row.id,
    )


class SqlAbsenceRepository:
    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def add(self, absence: Absence) -> Absence:
        statement = insert(absences).values(
            family_id=absence.family_id,
            child_id=absence.child_id,
            first_day=absence.first_day,
            last_day=absence.last_day,
            reason=absence.reason.value,
            declared_at=absence.declared_at,
            declared_by=absence.declared_by.identifier,
            channel=absence.declared_by.channel.value,
            certificate_file=absence.certificate_file,
            justified=absence.justified,
        )
        new_id = self._connection.execute(statement.returning(absences.c.id)).scalar_one()
        return attrs.evolve(absence, id=new_id)

    def get(self, absence_id: int, *, for_update: bool = False) -> Absence | None:
        query = select(absences).where(absences.c.id == absence_id)
        row = self._connection.execute(query.with_for_update() if for_update else query).first()
        return None if row is None else _absence(row)

    def update(self, absence: Absence) -> None:
        self._connection.execute(
            update(absences)
            .where(absences.c.id == absence.id)
            .values(
                first_day=absence.first_day,
                last_day=absence.last_day,
                reason=absence.reason.value,
                certificate_file=absence.certificate_file,
                justified=absence.justified,
            )
        )

    def delete(self, absence_id: int) -> None:
        """Its number is not given again (AUTOINCREMENT on SQLite, a sequence on PostgreSQL)."""
        self._connection.execute(delete(absences).where(absences.c.id == absence_id))

    def between(self, first: date, last: date, *, family_id: int | None = None) -> list[Absence]:
        a = absences.c
        query = select(absences).where(a.first_day <= last, a.last_day >= first).order_by(a.id)
        if family_id is not None:
            query = query.where(a.family_id == family_id)
        return [_absence(row) for row in self._connection.execute(query)]


def _invoice(row: Row[Any]) -> Invoice:
    structure_line = domain_codec().get_structure_hook(InvoiceLine)
    return Invoice(
        number=row.number,
        kind=DocumentKind(row.kind),
        family_id=row.family_id,
        family_name=row.family_name,
        address=tuple(row.address),
        month=row.month,
        issued_on=row.issued_on,
        due_on=row.due_on,
        pay_online_until=row.pay_online_until,
        lines=tuple(structure_line(line, InvoiceLine) for line in row.lines),
        created_at=row.created_at,
        quotient=row.quotient,
        corrects=row.corrects,
        direct_debit_on=row.direct_debit_on,
        id=row.id,
    )


def _row(invoice: Invoice, unstructure_line: Callable[[InvoiceLine], Any]) -> dict[str, Any]:
    return {
        "number": invoice.number,
        "kind": invoice.kind.value,
        "family_id": invoice.family_id,
        "family_name": invoice.family_name,
        "address": list(invoice.address),
        "month": invoice.month,
        "issued_on": invoice.issued_on,
        "due_on": invoice.due_on,
        "pay_online_until": invoice.pay_online_until,
        "total_cents": invoice.total.cents,
        "lines": [unstructure_line(line) for line in invoice.lines],
        "created_at": invoice.created_at,
        "quotient": invoice.quotient,
        "corrects": invoice.corrects,
        "direct_debit_on": invoice.direct_debit_on,
    }


_LOCKED_YEARS = "portail.numbering_locked"  # key in Connection.info
# Built once: a billing run executes them once per document, with their parameters only.
_NEXT_NUMBER = (
    update(document_sequences)
    .where(
        document_sequences.c.kind == bindparam("sequence_kind"),
        document_sequences.c.year == bindparam("sequence_year"),
    )
    .values(last=document_sequences.c.last + 1)
    .returning(document_sequences.c.last)
)
_NEXT_NUMBERS = (
    update(document_sequences)
    .where(
        document_sequences.c.kind == bindparam("sequence_kind"),
        document_sequences.c.year == bindparam("sequence_year"),
    )
    .values(last=document_sequences.c.last + bindparam("count"))
    .returning(document_sequences.c.last)
)
_ADD_INVOICE = insert(invoices).returning(invoices.c.id)


class SqlInvoiceRepository:
    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def lock_numbering(self, year: int) -> None:
        locked = self._locked_years()
        if year in locked:  # locked already in this transaction: the lock holds until its end
            return
        rows = [{"kind": kind.value, "year": year, "last": 0} for kind in DocumentKind]
        dialect = self._connection.dialect.name
        upsert = pg_insert if dialect == "postgresql" else sqlite_insert
        self._connection.execute(upsert(document_sequences).values(rows).on_conflict_do_nothing())
        s = document_sequences.c
        self._connection.execute(
            select(s.kind).where(s.year == year).order_by(s.kind).with_for_update()
        ).all()
        locked.add(year)

    def _locked_years(self) -> set[int]:
        """The years whose sequences this connection's current transaction has locked (kept in
        the connection's info with the transaction they belong to: a repository lives for one
        statement or two, the transaction for the whole unit of work)."""
        transaction = self._connection.get_transaction()
        if transaction is None:  # not begun yet: nothing is locked, nothing to remember
            return set()
        held = self._connection.info.get(_LOCKED_YEARS)
        if held is None or held[0] is not transaction:
            held = (transaction, set())
            self._connection.info[_LOCKED_YEARS] = held
        years: set[int] = held[1]
        return years

    def next_number(self, kind: DocumentKind, year: int) -> str:
        """One UPDATE ... RETURNING once the year is locked (a billing run locks it first)."""
        self.lock_numbering(year)
        parameters = {"sequence_kind": kind.value, "sequence_year": year}
        last = self._connection.execute(_NEXT_NUMBER, parameters).scalar_one()
        return document_number(kind, year, last)

    def next_numbers(self, kind: DocumentKind, year: int, count: int) -> list[str]:
        """One UPDATE ... RETURNING moves the sequence by ``count``: the numbers in between."""
        if count == 0:
            return []
        self.lock_numbering(year)
        parameters = {"sequence_kind": kind.value, "sequence_year": year, "count": count}
        last = self._connection.execute(_NEXT_NUMBERS, parameters).scalar_one()
        return [document_number(kind, year, n) for n in range(last - count + 1, last + 1)]

    def add_all(self, documents: list[Invoice]) -> None:
        """One INSERT of many rows (executemany); the ids are not read back."""
        unstructure_line = domain_codec().get_unstructure_hook(InvoiceLine)
        rows = [_row(invoice, unstructure_line) for invoice in documents]
        if rows:
            self._connection.execute(insert(invoices), rows)

    def add(self, invoice: Invoice) -> Invoice:
        row = _row(invoice, domain_codec().get_unstructure_hook(InvoiceLine))
        new_id = self._connection.execute(_ADD_INVOICE, row).scalar_one()
        return attrs.evolve(invoice, id=new_id)

    def by_number(self, number: str) -> Invoice | None:
        row = self._connection.execute(select(invoices).where(invoices.c.number == number)).first()
        return None if row is None else _invoice(row)

    def of_family(self, family_id: int) -> list[Invoice]:
        query = select(invoices).where(invoices.c.family_id == family_id).order_by(invoices.c.id)
        return [_invoice(row) for row in self._connection.execute(query)]

    def of_month(self, month: str) -> list[Invoice]:
        query = select(invoices).where(invoices.c.month == month).order_by(invoices.c.number)
        return [_invoice(row) for row in self._connection.execute(query)]


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
