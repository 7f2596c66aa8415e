"""Direct debit (prélèvement automatique): the month's export of the unpaid invoices of families
with a SEPA mandate to a pain.008 file, recorded as paid by direct debit in the same transaction.

Exporting a month twice is idempotent: the second export writes the same debits again (same
message id, invoices, amounts, collection dates and mandates) and records nothing, so that a
lost file, or one the bank sent back for a wrong creditor setting, can be made again without
debiting anyone twice. Invoices that became payable after the export (a correction) are not
added to it: they are listed, to be paid at the desk, online or with the family's credit.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING

import pendulum
from attrs import frozen

from portail_core.domain.audit import Actor
from portail_core.domain.billing.invoice import DocumentKind, Invoice
from portail_core.domain.dossiers.family import Family
from portail_core.domain.payments.direct_debit import Creditor, Debit, DebitBatch
from portail_core.domain.payments.payment import Payment, PaymentMode
from portail_core.domain.shared.french_dates import month_fr, numeric_day_fr
from portail_core.errors import InvalidInput, RuleViolation
from portail_core.ports.clock import Clock
from portail_core.ports.payments import DebitFileWriter
from portail_core.services.billing.invoices import InvoiceStatus, InvoiceView, account_from
from portail_core.services.billing.run import month_bounds
from portail_core.services.payments import notices

if TYPE_CHECKING:
    from portail_core.ports.unit_of_work import UnitOfWork

__all__ = ["DebitExport", "Save", "export_direct_debits", "message_id"]


Save = Callable[[bytes], None]


def message_id(month: str) -> str:
    """The file's message id: one per month, so that a bank refuses a second copy of a file."""
    return f"PORTAIL-PRLV-{month}"


@frozen
class DebitExport:
    batch: DebitBatch
    document: bytes
    again: bool  # the month had been exported: the same debits, nothing recorded
    left_out: tuple[str, ...]  # invoices payable but not in the file, with the reason


def export_direct_debits(
    uow: UnitOfWork,
    clock: Clock,
    *,
    month: str,
    creditor: Creditor,
    writer: DebitFileWriter,
    save: Save,
    actor: Actor,
    collection_date: date | None = None,
) -> DebitExport:
    """Debit the month's unpaid invoices of the families with an active mandate: the pain.008
    document is built (and checked against its XSD), handed to ``save``, and the invoices are
    recorded as paid by direct debit, in one transaction (if ``save`` fails, nothing is
    recorded). Each invoice is collected on ``collection_date`` or, by default, on the date the
    billing run planned for it."""
    month_bounds(month)
    month = month.strip()
    now, today = clock.now(), clock.today()
    with uow:
        ledger = _MonthLedger.read(uow, month)
        debits = ledger.debits(collection_date, date(today.year, today.month, today.day))
        batch = DebitBatch(message_id(month), now, creditor, tuple(debits))
        xml = writer.write(batch)
        if not ledger.exported:
            _record(uow, batch, actor, now)
        left_out = _left_out(ledger.views, ledger.families, {d.invoice_number for d in debits})
        uow.audit.record(
            notices.debits_exported(month, batch, again=ledger.exported, actor=actor, now=now)
        )
        save(xml)
        uow.commit()
    return DebitExport(batch, xml, ledger.exported, left_out)


@frozen
class _MonthLedger:
    """The month's invoices with their status, their families, and the direct debits already
    recorded for them (by a first export of the month)."""

    month: str
    documents: list[Invoice]
    families: dict[int, Family | None]
    views: list[InvoiceView]
    debited: list[Payment]
    rejected: tuple[Payment, ...]  # debits of the month the banks rejected since

    @classmethod
    def read(cls, uow: UnitOfWork, month: str) -> _MonthLedger:
        """Read under the lock of the month's families, so that no payment slips in."""
        documents = uow.invoices.of_month(month)
        by_family: dict[int, list[Invoice]] = defaultdict(list)
        for document in documents:
            by_family[document.family_id].append(document)
        uow.payments.lock_families(by_family)
        payments: dict[int, list[Payment]] = defaultdict(list)
        for payment in uow.payments.of_invoices(d.number for d in documents):
            payments[payment.family_id].append(payment)
        families = {fid: uow.families.get(fid) for fid in sorted(by_family)}
        views = [
            view
            for fid, docs in sorted(by_family.items())
            for view in account_from(docs, payments[fid]).invoices
        ]
        debited = [
            p
            for fid in sorted(payments)
            for p in payments[fid]
            if p.mode is PaymentMode.DIRECT_DEBIT
        ]
        rejected = [p for fid in sorted(payments) for p in payments[fid] if _rejected(p)]
        return cls(month, documents, families, views, debited, tuple(rejected))

    @property
    def exported(self) -> bool:
        return bool(self.debited)

    def debits(self, collection_date: date | None, today: date) -> list[Debit]:
        """The debits of the file: those of the first export again, or new ones."""
        if self.exported and self.rejected:
            numbers = ", ".join(sorted({p.invoice_number or "?" for p in self.rejected}))
            raise RuleViolation(
                f"Le fichier de {self.month} ne peut pas être refait : la banque l'a traité et "
                f"a rejeté des prélèvements ({numbers}). Ces factures se règlent au guichet "
                "ou en ligne."
            )
        if self.exported:
            return _again(self.debited, self.documents, self.families, collection_date, self.month)
        return _new(self.views, self.families, collection_date, today, self.month)


def _rejected(payment: Payment) -> bool:
    return payment.mode is PaymentMode.DIRECT_DEBIT_REJECTED


def _description(invoice_number: str, month: str) -> str:
    return f"Facture {invoice_number} {month_fr(month)}"


def _new(
    views: list[InvoiceView],
    families: dict[int, Family | None],
    collection_date: date | None,
    today: date,
    month: str,
) -> list[Debit]:
    """A debit for each payable invoice of a family with an active mandate, on a future date."""
    problems: list[str] = []
    debits: list[Debit] = []
    for view in views:
        invoice = view.invoice
        family = families.get(invoice.family_id)
        if (
            family is None
            or family.mandate is None
            or not family.pays_by_direct_debit
            or not _payable(view)
        ):
            continue
        on = _collected_on(invoice, collection_date, today, problems)
        if on is not None:
            debits.append(
                Debit(
                    invoice.number,
                    invoice.family_id,
                    family.name,
                    view.balance,
                    on,
                    family.mandate,
                    _description(invoice.number, month),
                )
            )
    _refuse_new(problems, debits, month)
    return _in_order(debits)


def _collected_on(
    invoice: Invoice, collection_date: date | None, today: date, problems: list[str]
) -> date | None:
    """The day to debit ``invoice``: the one given, or the one the billing run planned; None
    when there is none or it is past, with the reason added to ``problems``."""
    on = collection_date or invoice.direct_debit_on
    if on is None:
        problems.append(f"{invoice.number} : aucune date de prélèvement prévue")
        return None
    if on <= today:
        problems.append(f"{invoice.number} : date de prélèvement passée ({numeric_day_fr(on)})")
        return None
    return on


def _refuse_new(problems: list[str], debits: list[Debit], month: str) -> None:
    if problems:
        raise RuleViolation(
            "Export impossible, rien n'a été écrit (donnez --collection-date, une date à "
            "venir) : " + " ; ".join(problems[:20])
        )
    if not debits:
        raise RuleViolation(
            f"Aucune facture à prélever pour {month} : pas de facture à payer d'une famille "
            "ayant un mandat de prélèvement actif (et non suspendu après un rejet)."
        )


def _again(
    debited: list[Payment],
    documents: list[Invoice],
    families: dict[int, Family | None],
    collection_date: date | None,
    month: str,
) -> list[Debit]:
    """The debits recorded by the first export of the month, as they were."""
    numbers = {d.number for d in documents}
    problems: list[str] = []
    debits: list[Debit] = []
    for payment in debited:
        family = families.get(payment.family_id)
        rum = payment.reference.rpartition(" ")[2]
        mandate = family.mandate if family is not None else None
        number = payment.invoice_number or ""
        if mandate is None or mandate.rum != rum or number not in numbers:
            problems.append(f"{number} : le mandat {rum} n'est plus celui du dossier")
            continue
        _refuse_another_date(payment, collection_date, month)
        name = family.name if family else ""
        debits.append(
            Debit(
                number,
                payment.family_id,
                name,
                payment.amount,
                payment.received_on,
                mandate,
                _description(number, month),
            )
        )
    if problems:
        raise RuleViolation(
            f"Le mois {month} a déjà été exporté, mais le fichier ne peut pas être refait : "
            + " ; ".join(problems[:20])
        )
    return _in_order(debits)


def _refuse_another_date(payment: Payment, collection_date: date | None, month: str) -> None:
    """A file made again collects on the dates of the first: they cannot change."""
    if collection_date is not None and collection_date != payment.received_on:
        raise InvalidInput(
            f"Le mois {month} a déjà été exporté, avec la date de prélèvement du "
            f"{numeric_day_fr(payment.received_on)} : le fichier est refait à l'identique, "
            "sans --collection-date."
        )


def _in_order(debits: list[Debit]) -> list[Debit]:
    return sorted(debits, key=lambda d: (d.collection_date, d.invoice_number))


def _payable(view: InvoiceView) -> bool:
    return (
        view.invoice.kind is DocumentKind.INVOICE
        and view.status in {InvoiceStatus.TO_PAY, InvoiceStatus.PARTLY_PAID}
        and view.balance.cents > 0
    )


def _record(uow: UnitOfWork, batch: DebitBatch, actor: Actor, now: pendulum.DateTime) -> None:
    """Each debit of the file a payment of its invoice, audited."""
    for debit in batch.debits:
        uow.payments.add(
            Payment(
                debit.family_id,
                debit.amount,
                PaymentMode.DIRECT_DEBIT,
                f"{batch.message_id} {debit.mandate.rum}",
                debit.collection_date,
                now,
                actor.identifier,
                debit.invoice_number,
            )
        )
        uow.audit.record(notices.debit_recorded(debit, batch.message_id, actor=actor, now=now))


def _left_out(
    views: list[InvoiceView], families: dict[int, Family | None], included: set[str]
) -> tuple[str, ...]:
    """Payable invoices of direct-debit families that the file does not collect, and why."""
    lines = []
    for view in views:
        family = families.get(view.invoice.family_id)
        mandate = family.mandate if family is not None else None
        if not _payable(view) or view.invoice.number in included:
            continue
        if mandate is None or not mandate.active:
            continue
        why = "ajoutée après l'export du mois"
        if mandate.suspended_on is not None:
            why = (
                f"mandat suspendu depuis le {numeric_day_fr(mandate.suspended_on)} "
                f"({mandate.suspension}) ; `portail directdebit resume "
                f"{view.invoice.family_id}` le reprend"
            )
        lines.append(f"{view.invoice.number} ({view.balance.format_fr()}) : {why}")
    return tuple(lines)
