"""The monthly billing run: one invoice per family and month, in one transaction, idempotent.

Re-running a month changes nothing when nothing changed. When a family's consumptions changed
since its invoice (a late pointage, an absence justified afterwards), the run cancels the
invoice with a credit note and issues a new one: an issued document is never edited. The
family's credit (an overpayment, what it had paid on the cancelled invoice) is deducted from its
new invoice at once. Given the portal's address, the run e-mails each family its new invoice,
in the same transaction.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable
from datetime import date, timedelta
from typing import TYPE_CHECKING

import attrs
import pendulum
from attrs import frozen

from portail_core.domain.absences import Absence
from portail_core.domain.attendance import AttendanceMark
from portail_core.domain.audit import Actor, AuditEvent
from portail_core.domain.billing.consumption import BillingRules, consumptions_of
from portail_core.domain.billing.invoice import DocumentKind, Invoice, InvoiceLine
from portail_core.domain.billing.month import PriceList, price_month
from portail_core.domain.communes import Commune
from portail_core.domain.payments.direct_debit import DIRECT_DEBIT_DAY, collection_date
from portail_core.domain.shared.collation import french_sort_key
from portail_core.domain.shared.french_dates import numeric_day_fr
from portail_core.errors import InvalidInput, RuleViolation
from portail_core.ports.clock import Clock
from portail_core.services.billing import notices
from portail_core.services.billing.bills import (
    BillingReport,
    FamilyBill,
    standing_invoice,
)
from portail_core.services.billing.credits import deduct_credits
from portail_core.services.billing.emails import queue_invoice_emails

if TYPE_CHECKING:
    from portail_core.ports.unit_of_work import UnitOfWork

__all__ = [
    "month_bounds",
    "run_billing",
]

DUE_DAYS = 30  # due date: 30 days after issue
_MONTH = re.compile(r"^(\d{4})-(\d{2})$", re.ASCII)

Progress = Callable[[int], None]
Slot = tuple[int, str, str, date]  # child, establishment, unit, day: a booked slot


def month_bounds(month: str) -> tuple[date, date]:
    match = _MONTH.match(month.strip())
    if not match or not 1 <= int(match[2]) <= 12 or not 2000 <= int(match[1]) <= 2100:
        raise InvalidInput(f"Mois invalide : « {month[:20]} » (attendu : AAAA-MM, ex. 2026-09).")
    first = date(int(match[1]), int(match[2]), 1)
    last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    return first, last


def run_billing(
    uow: UnitOfWork,
    clock: Clock,
    *,
    month: str,
    actor: Actor,
    dry_run: bool = False,
    progress: Progress | None = None,
    started: Progress | None = None,
    due_days: int = DUE_DAYS,
    direct_debit_day: int = DIRECT_DEBIT_DAY,
    public_url: str | None = None,
) -> BillingReport:
    """Bill every family for ``month``; ``dry_run`` computes without writing anything.

    The invoices of families with an active SEPA mandate are debited on the first
    ``direct_debit_day`` (1 to 28) at least 14 days after issue (``direct_debit_on``). Each
    family's credit is deducted from its new invoice. With ``public_url`` (the portal's
    address), each family with an address is e-mailed its new invoice and the link to its
    page; without it, nobody is."""
    today = clock.today()
    first, last = _billable_month(month, today, dry_run=dry_run)
    dates = _IssueDates.of(today, due_days, direct_debit_day)
    with uow:
        if not dry_run:  # serialises concurrent runs of the year before anything is read
            uow.invoices.lock_numbering(dates.issued_on.year)
        commune = uow.communes.get()
        dates = dates.payable_online_for(commune)
        bills, documents = _bill_everyone(uow, month, first, last, progress, started)
        report = BillingReport(month, dry_run, tuple(bills))
        if dry_run:
            return report
        _refuse_problems(report)
        written, issued = _write(uow, bills, documents, month, dates, clock.now())
        credits = deduct_credits(uow, issued, day=dates.issued_on, actor=actor, now=clock.now())
        written = [bill.with_credit(credits) for bill in written]
        emailed = 0
        if public_url is not None:
            emailed = queue_invoice_emails(
                uow, issued, written, commune, public_url, clock.now(), credits
            )
        report = BillingReport(month, dry_run, tuple(written), emailed)
        uow.audit.record(_run_notice(report, actor, clock.now()))
        uow.commit()
    return report


def _billable_month(month: str, today: date, *, dry_run: bool) -> tuple[date, date]:
    """The first and last days of ``month``, refused before its end unless it is a dry run."""
    first, last = month_bounds(month)
    if not dry_run and today <= last:
        raise RuleViolation(
            f"Le mois {month} n'est pas terminé : la facturation se fait à partir du "
            f"{numeric_day_fr(last + timedelta(days=1))} (essayez --dry-run pour une simulation)."
        )
    return first, last


@frozen
class _IssueDates:
    """The dates the run prints on what it issues today."""

    issued_on: date
    due_on: date
    debit_on: date  # the collection date of the invoices of families paying by direct debit
    online_until: date  # the last day an invoice may be paid online

    def payable_online_for(self, commune: Commune | None) -> _IssueDates:
        """The commune's PayFiP contract may keep online payment open after the due date."""
        days = commune.online_payment.days_after_due if commune is not None else 0
        return attrs.evolve(self, online_until=self.due_on + timedelta(days=days))

    @classmethod
    def of(cls, today: date, due_days: int, direct_debit_day: int) -> _IssueDates:
        if not 1 <= due_days <= 90:
            raise InvalidInput("Le délai de paiement va de 1 à 90 jours.")
        if not 1 <= direct_debit_day <= 28:
            raise InvalidInput("Le jour de prélèvement va de 1 à 28.")
        issued_on = date(today.year, today.month, today.day)
        due_on = issued_on + timedelta(days=due_days)
        return cls(issued_on, due_on, collection_date(issued_on, direct_debit_day), due_on)


def _refuse_problems(report: BillingReport) -> None:
    """A run writes every family's invoice or none: one family's problem stops it."""
    if report.problems:
        raise RuleViolation(
            "Facturation impossible, rien n'a été écrit : " + " ; ".join(report.problems[:20])
        )


def _run_notice(report: BillingReport, actor: Actor, now: pendulum.DateTime) -> AuditEvent:
    return notices.billing_run(
        report.month,
        new=report.count("new"),
        corrected=report.count("corrected"),
        unchanged=report.count("unchanged"),
        total=report.total,
        emailed=report.emailed,
        credits=report.credits,
        actor=actor,
        now=now,
    )


def _bill_everyone(
    uow: UnitOfWork,
    month: str,
    first: date,
    last: date,
    progress: Progress | None,
    started: Progress | None = None,
) -> tuple[list[FamilyBill], dict[int, list[Invoice]]]:
    """Every family's bill, by family name, with the month's documents read for it (the run
    writes from them: they are not read twice)."""
    prices, rules = _tariffs(uow)
    booked = _booked_by_family(uow, first, last)
    marks = _marks_by_child(uow, first, last)
    absences = _absences_by_family(uow, first, last)
    documents = _documents_by_family(uow, month)
    bills = []
    if started is not None:  # the number of families, before billing them (a progress bar)
        started(uow.families.count())
    for family in uow.families.each():  # a batch of dossiers at a time, not the whole town
        assert family.id is not None  # noqa: S101  (read from storage)
        child_ids = {c.id for c in family.children}
        family_marks = [m for c in child_ids if c is not None for m in marks.get(c, [])]
        consumptions = consumptions_of(
            booked.get(family.id, []), family_marks, absences.get(family.id, []), rules
        )
        priced = price_month(family, consumptions, prices)
        bills.append(FamilyBill.decide(family, priced, documents.get(family.id, [])))
        if progress is not None:
            progress(1)
    # Numbers are handed out in this order: by family name, as the desk files them.
    bills.sort(key=lambda bill: (french_sort_key(bill.family_name), bill.family_id))
    return bills, documents


def _tariffs(uow: UnitOfWork) -> tuple[PriceList, dict[tuple[str, str], BillingRules]]:
    """The tariffs in force and each unit's billing rules, looked up once for every family."""
    catalogue = uow.catalogue.get()
    rules = {(e.code, u.code): u.billing for e in catalogue.establishments for u in e.units}
    return PriceList(catalogue), rules


def _booked_by_family(uow: UnitOfWork, first: date, last: date) -> dict[int, list[Slot]]:
    booked: dict[int, list[Slot]] = defaultdict(list)
    slots = uow.reservations.booked_slots(first, last)  # plain tuples: no Reservation built
    for family_id, child_id, establishment, unit, day in slots:
        booked[family_id].append((child_id, establishment, unit, day))
    return booked


def _marks_by_child(uow: UnitOfWork, first: date, last: date) -> dict[int, list[AttendanceMark]]:
    marks: dict[int, list[AttendanceMark]] = defaultdict(list)
    for mark in uow.attendance.between(first, last):
        marks[mark.child_id].append(mark)
    return marks


def _absences_by_family(uow: UnitOfWork, first: date, last: date) -> dict[int, list[Absence]]:
    absences: dict[int, list[Absence]] = defaultdict(list)
    for absence in uow.absences.between(first, last):
        absences[absence.family_id].append(absence)
    return absences


def _documents_by_family(uow: UnitOfWork, month: str) -> dict[int, list[Invoice]]:
    documents: dict[int, list[Invoice]] = defaultdict(list)
    for document in uow.invoices.of_month(month):
        documents[document.family_id].append(document)
    return documents


def _write(
    uow: UnitOfWork,
    bills: list[FamilyBill],
    documents: dict[int, list[Invoice]],
    month: str,
    dates: _IssueDates,
    now: pendulum.DateTime,
) -> tuple[list[FamilyBill], list[Invoice]]:
    """The credit notes and invoices of the bills to write, numbered, in one statement; the
    bills with the numbers of their documents, and the documents written."""
    credit_numbers, invoice_numbers = _draw_numbers(uow, bills, dates.issued_on.year)
    written = []
    new_documents: list[Invoice] = []
    for bill in bills:
        if bill.action not in {"new", "corrected"}:
            written.append(bill)
            continue
        numbers = []
        if bill.action == "corrected":
            standing = standing_invoice(documents[bill.family_id])
            assert standing is not None  # noqa: S101  (a correction has an invoice to cancel)
            credit = _credit_note(standing, credit_numbers[bill.family_id], month, dates, now)
            new_documents.append(credit)
            numbers.append(credit.number)
        lines = bill.invoice_lines()
        if lines:
            invoice = _invoice(bill, lines, invoice_numbers[bill.family_id], month, dates, now)
            new_documents.append(invoice)
            numbers.append(invoice.number)
        written.append(attrs.evolve(bill, issued=tuple(numbers)))
    uow.invoices.add_all(new_documents)  # credit notes and invoices, in one statement
    return written, new_documents


def _draw_numbers(
    uow: UnitOfWork, bills: list[FamilyBill], year: int
) -> tuple[dict[int, str], dict[int, str]]:
    """The credit notes' and the invoices' numbers by family, drawn in one statement per kind
    and handed out in the order ``_write`` writes the documents: the same numbers, for the same
    families, as one at a time."""
    to_write = [b for b in bills if b.action in {"new", "corrected"}]
    corrected = [b.family_id for b in to_write if b.action == "corrected"]
    invoiced = [b.family_id for b in to_write if b.invoice_lines()]
    return (
        _numbers(uow, DocumentKind.CREDIT_NOTE, year, corrected),
        _numbers(uow, DocumentKind.INVOICE, year, invoiced),
    )


def _credit_note(
    standing: Invoice, number: str, month: str, dates: _IssueDates, now: pendulum.DateTime
) -> Invoice:
    """The credit note cancelling ``standing``: its lines negated, due on issue."""
    return Invoice(
        number=number,
        kind=DocumentKind.CREDIT_NOTE,
        family_id=standing.family_id,
        family_name=standing.family_name,
        address=standing.address,
        month=month,
        issued_on=dates.issued_on,
        due_on=dates.issued_on,
        pay_online_until=dates.issued_on,
        lines=tuple(line.negated() for line in standing.lines),
        created_at=now,
        quotient=standing.quotient,
        corrects=standing.number,
    )


def _invoice(
    bill: FamilyBill,
    lines: tuple[InvoiceLine, ...],
    number: str,
    month: str,
    dates: _IssueDates,
    now: pendulum.DateTime,
) -> Invoice:
    """The family's invoice of the month, addressed as its dossier was read in this run."""
    addressee = bill.addressee  # read in this transaction, under the numbering lock
    return Invoice(
        number=number,
        kind=DocumentKind.INVOICE,
        family_id=bill.family_id,
        family_name=bill.family_name,
        address=addressee.address,
        month=month,
        issued_on=dates.issued_on,
        due_on=dates.due_on,
        pay_online_until=dates.online_until,
        lines=lines,
        created_at=now,
        quotient=addressee.quotient,
        direct_debit_on=dates.debit_on if addressee.direct_debit else None,
    )


def _numbers(
    uow: UnitOfWork, kind: DocumentKind, year: int, family_ids: list[int]
) -> dict[int, str]:
    """The next numbers of that kind, one per family, in the order given."""
    drawn = uow.invoices.next_numbers(kind, year, len(family_ids))
    return dict(zip(family_ids, drawn, strict=True))
