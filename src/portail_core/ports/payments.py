"""Payments received, and SEPA direct debit files."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Protocol

from portail_core.domain.payments.direct_debit import BankAccount, Creditor, DebitBatch
from portail_core.domain.payments.payment import Payment

__all__ = ["BankDetails", "DebitFileWriter", "PaymentRepositories", "PaymentRepository"]


class PaymentRepository(Protocol):
    def add(self, payment: Payment) -> Payment: ...

    def lock_families(self, family_ids: Iterable[int]) -> None:
        """Lock these families' rows until the transaction ends, in id order: payments for a
        family are recorded one at a time (a balance or a credit is never used twice)."""
        ...

    def of_family(self, family_id: int) -> list[Payment]: ...

    def of_invoices(self, numbers: Iterable[str]) -> list[Payment]:
        """Payments allocated to these invoices, in the order they were recorded."""
        ...

    def listing(self, first: date, last: date) -> list[Payment]:
        """Payments received between two dates, oldest first."""
        ...


class DebitFileWriter(Protocol):
    """Writes a batch of SEPA direct debits as a pain.008 document."""

    def write(self, batch: DebitBatch) -> bytes:
        """The document, valid against its XSD; InvalidInput (in French) if it cannot be."""
        ...


class PaymentRepositories(Protocol):
    """The payments' repository, as a unit of work gives it."""

    @property
    def payments(self) -> PaymentRepository: ...


class BankDetails(Protocol):
    """Checks bank details beyond their shape: an IBAN's country structure and check digits, a
    BIC, the creditor identifier's check digits. Every problem is an InvalidInput naming its
    field."""

    def account(self, iban: str, bic: str | None = None) -> BankAccount:
        """The account, its IBAN compacted, its BIC the one given or the one the IBAN's bank
        code names (fields ``iban``, ``bic``)."""
        ...

    def creditor(
        self, *, name: str | None, identifier: str | None, iban: str | None, bic: str | None
    ) -> Creditor:
        """The town as a SEPA creditor, every setting checked and all the problems listed at
        once (fields ``creditor_name``, ``creditor_id``, ``creditor_iban``, ``creditor_bic``)."""
        ...
