"""Payments received, and SEPA direct debit files."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Protocol

import pendulum

from portail_core.domain.payments.attempt import PaymentAttempt
from portail_core.domain.payments.direct_debit import BankAccount, Creditor, DebitBatch
from portail_core.domain.payments.online import ClientDetails, PaymentOrder, PaymentReport
from portail_core.domain.payments.payment import Payment
from portail_core.domain.shared.money import Money

__all__ = [
    "BankDetails",
    "DebitFileWriter",
    "OnlinePaymentService",
    "PaymentAttemptRepository",
    "PaymentRepositories",
    "PaymentRepository",
]


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

    def paid_by_invoice(self, family_ids: Iterable[int]) -> dict[int, dict[str | None, Money]]:
        """Per family of these, the sum of its payments per invoice number (None: not allocated
        to an invoice); a family without any payment is left out. A few queries in all."""
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

    @property
    def attempts(self) -> PaymentAttemptRepository: ...


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


class OnlinePaymentService(Protocol):
    """PayFiP, the Finances Publiques' online payment service (web-service variant).

    Every failure is an ``OnlinePaymentError`` carrying PayFiP's code; a result not known yet is
    ``PaymentNotKnownYet`` (P5), an operation PayFiP does not know ``PaymentUnknown`` (P1)."""

    def open(self, order: PaymentOrder) -> str:
        """Open the payment (creerPaiementSecurise); its operation id (idOp)."""
        ...

    def report(self, id_op: str) -> PaymentReport:
        """What happened to the operation (recupererDetailPaiementSecurise)."""
        ...

    def client(self, numcli: str) -> ClientDetails:
        """What PayFiP knows of a client number (recupererDetailClient)."""
        ...

    def page_url(self, id_op: str) -> str:
        """Where the family's browser pays for this operation."""
        ...


class PaymentAttemptRepository(Protocol):
    """Visits to PayFiP, one per attempt to pay an invoice online; an operation id is unique."""

    def add(self, attempt: PaymentAttempt) -> None:
        """Record it and give it its id; Conflict if its idOp or refdet is known already."""
        ...

    def by_id_op(self, id_op: str, *, for_update: bool = False) -> PaymentAttempt | None:
        """``for_update`` locks the row: a notification, the browser's return and the
        reconciliation checking one operation at once record one payment."""
        ...

    def of_invoice(self, invoice_number: str) -> list[PaymentAttempt]:
        """Oldest first."""
        ...

    def to_check(
        self, created_after: pendulum.DateTime, created_before: pendulum.DateTime
    ) -> list[PaymentAttempt]:
        """Attempts PayFiP may still tell something new about (``PaymentAttempt.to_ask_again``)
        created in that span, oldest first (the reconciliation)."""
        ...

    def listing(self, first: date, last: date) -> list[PaymentAttempt]:
        """Every attempt created between two days (Paris, inclusive), oldest first."""
        ...

    def update(self, attempt: PaymentAttempt) -> None:
        """Write back its state and what PayFiP said."""
        ...
