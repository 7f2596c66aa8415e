"""Invoices and credit notes, numbered without gaps per kind and year."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import attrs
from sqlalchemy import Connection, Row, bindparam, insert, select, update

from adapters.persistence.codec import domain_codec
from adapters.persistence.tables import (
    document_sequences,
    invoices,
)
from adapters.persistence.transaction import OpenTransaction
from portail_core.domain.billing.invoice import (
    DocumentKind,
    Invoice,
    InvoiceLine,
    InvoiceTotal,
    document_number,
)
from portail_core.domain.shared.money import Money

__all__ = ["SqlBillingRepositories", "SqlInvoiceRepository"]


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
_CHUNK = 1000  # values per IN (...): far below SQLite's and PostgreSQL's limits


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
        from sqlalchemy.dialects import postgresql, sqlite  # the one in use is imported already

        dialect = self._connection.dialect.name
        upsert = postgresql.insert if dialect == "postgresql" else sqlite.insert
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

    def totals_of_families(self, family_ids: Iterable[int]) -> list[InvoiceTotal]:
        """The documents' numbers, kinds, totals and what they cancel: no lines read."""
        i = invoices.c
        columns = (i.family_id, i.number, i.kind, i.total_cents, i.corrects)
        wanted = sorted(set(family_ids))
        found: list[InvoiceTotal] = []
        for start in range(0, len(wanted), _CHUNK):
            query = select(*columns).where(i.family_id.in_(wanted[start : start + _CHUNK]))
            found += [
                InvoiceTotal(
                    row.family_id,
                    row.number,
                    DocumentKind(row.kind),
                    Money(row.total_cents),
                    row.corrects,
                )
                for row in self._connection.execute(query.order_by(i.id))
            ]
        return found


class SqlBillingRepositories(OpenTransaction):
    """The repositories a unit of work gives on its transaction."""

    @property
    def invoices(self) -> SqlInvoiceRepository:
        return SqlInvoiceRepository(self.connection())
