"""The monthly billing run: one invoice per family and month, in one transaction, idempotent.

Re-running a month changes nothing when nothing changed. When a family's consumptions changed
since its invoice (a late pointage, an absence justified afterwards), the run cancels the
invoice with a credit note and issues a new one: an issued document is never edited.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable
from datetime import date, timedelta

import attrs
from attrs import frozen

from portail_core.domain.absences import Absence
from portail_core.domain.attendance import AttendanceMark
from portail_core.domain.audit import Actor, AuditEvent
from portail_core.domain.billing.consumption import BillingRules, consumptions_of
from portail_core.domain.billing.invoice import DocumentKind, Invoice, InvoiceLine, lines_equal
from portail_core.domain.billing.month import PricedMonth, PriceList, price_month, quotient_label
from portail_core.domain.dossiers.family import Family
from portail_core.domain.payments.direct_debit import DIRECT_DEBIT_DAY, collection_date
from portail_core.domain.shared.collation import french_sort_key
from portail_core.domain.shared.money import Money
from portail_core.errors import InvalidInput, RuleViolation
from portail_core.ports.clock import Clock
from portail_core.ports.unit_of_work import UnitOfWork

__all__ = [
    "Addressee",
    "BillingReport",
    "FamilyBill",
    "month_bounds",
    "run_billing",
]

DUE_DAYS = 30  # due date: 30 days after issue
_MONTH = re.compile(r"^(\d{4})-(\d{2})$", re.ASCII)

Progress = Callable[[int], None]


def month_bounds(month: str) -> tuple[date, date]:
    match = _MONTH.match(month.strip())
    if not match or not 1 <= int(match[2]) <= 12 or not 2000 <= int(match[1]) <= 2100:
        raise InvalidInput(f"Mois invalide : « {month[:20]} » (attendu : AAAA-MM, ex. 2026-09).")
    first = date(int(match[1]), int(match[2]), 1)
    last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    return first, last


@frozen
class Addressee:
    """What an invoice prints of the dossier, kept instead of the dossier itself: a run
    reads the families a batch at a time and does not hold a whole town's dossiers."""

    address: tuple[str, ...]
    quotient: str
    direct_debit: bool

    @classmethod
    def of(cls, family: Family) -> Addressee:
        return cls(_address(family), quotient_label(family), family.pays_by_direct_debit)


@frozen
class FamilyBill:
    family_id: int
    family_name: str
    priced: PricedMonth
    action: str  # "new", "unchanged", "corrected", "nothing"
    addressee: Addressee
    issued: tuple[str, ...] = ()  # numbers of the documents written

    def per_service(self) -> dict[str, Money]:
        totals: dict[str, Money] = defaultdict(Money.zero)
        for line in self.priced.lines:
            totals[line.establishment_name] += line.total
        return dict(totals)


@frozen
class BillingReport:
    month: str
    dry_run: bool
    bills: tuple[FamilyBill, ...]

    @property
    def problems(self) -> list[str]:
        return [f"{b.family_name} : {p}" for b in self.bills for p in b.priced.problems]

    @property
    def total(self) -> Money:
        return Money.total(b.priced.total for b in self.bills)

    def per_service(self) -> dict[str, Money]:
        totals: dict[str, Money] = defaultdict(Money.zero)
        for bill in self.bills:
            for service, amount in bill.per_service().items():
                totals[service] += amount
        return dict(sorted(totals.items()))

    def count(self, action: str) -> int:
        return sum(1 for b in self.bills if b.action == action)


def _effective(documents: list[Invoice]) -> Invoice | None:
    """The family's invoice of the month still in force (not cancelled by a credit note)."""
    cancelled = {d.corrects for d in documents if d.kind is DocumentKind.CREDIT_NOTE}
    standing = [
        d for d in documents if d.kind is DocumentKind.INVOICE and d.number not in cancelled
    ]
    return standing[-1] if standing else None


def _address(family: Family) -> tuple[str, ...]:
    guardian = family.main_guardian
    address = guardian.address
    lines = [f"{guardian.first_name} {guardian.last_name}"]
    if address is not None:
        lines += [address.street, f"{address.postcode} {address.city}"]
    return tuple(lines)


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
) -> BillingReport:
    """Bill every family for ``month``; ``dry_run`` computes without writing anything.

    The invoices of families with an active SEPA mandate are debited on the first
    ``direct_debit_day`` (1 to 28) at least 14 days after issue (``direct_debit_on``)."""
    first, last = month_bounds(month)
    today = clock.today()
    if not dry_run and today <= last:
        raise RuleViolation(
            f"Le mois {month} n'est pas terminé : la facturation se fait à partir du "
            f"{last + timedelta(days=1):%d/%m/%Y} (essayez --dry-run pour une simulation)."
        )
    if not 1 <= due_days <= 90:
        raise InvalidInput("Le délai de paiement va de 1 à 90 jours.")
    if not 1 <= direct_debit_day <= 28:
        raise InvalidInput("Le jour de prélèvement va de 1 à 28.")
    issued_on = date(today.year, today.month, today.day)
    due_on = issued_on + timedelta(days=due_days)
    with uow:
        if not dry_run:  # serialises concurrent runs of the year before anything is read
            uow.invoices.lock_numbering(issued_on.year)
        bills, documents = _bill_everyone(uow, month, first, last, progress, started)
        report = BillingReport(month, dry_run, tuple(bills))
        if dry_run:
            return report
        if report.problems:
            raise RuleViolation(
                "Facturation impossible, rien n'a été écrit : " + " ; ".join(report.problems[:20])
            )
        debit_on = collection_date(issued_on, direct_debit_day)
        written = _write(uow, clock, bills, documents, issued_on, due_on, month, debit_on)
        report = BillingReport(month, dry_run, tuple(written))
        uow.audit.record(
            AuditEvent(
                at=clock.now(),
                actor=actor,
                action="billing.run",
                summary=(
                    f"Facturation de {month} : {report.count('new')} facture(s), "
                    f"{report.count('corrected')} correction(s), "
                    f"{report.count('unchanged')} inchangée(s)"
                ),
                details={
                    "month": month,
                    "new": report.count("new"),
                    "corrected": report.count("corrected"),
                    "total_cents": report.total.cents,
                },
            )
        )
        uow.commit()
    return report


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
    catalogue = uow.catalogue.get()
    prices = PriceList(catalogue)  # the tariffs in force, looked up once for every family
    rules: dict[tuple[str, str], BillingRules] = {
        (e.code, u.code): u.billing for e in catalogue.establishments for u in e.units
    }
    booked: dict[int, list[tuple[int, str, str, date]]] = defaultdict(list)
    slots = uow.reservations.booked_slots(first, last)  # plain tuples: no Reservation built
    for family_id, child_id, establishment, unit, day in slots:
        booked[family_id].append((child_id, establishment, unit, day))
    marks: dict[int, list[AttendanceMark]] = defaultdict(list)
    for mark in uow.attendance.between(first, last):
        marks[mark.child_id].append(mark)
    absences: dict[int, list[Absence]] = defaultdict(list)
    for absence in uow.absences.between(first, last):
        absences[absence.family_id].append(absence)
    documents: dict[int, list[Invoice]] = defaultdict(list)
    for document in uow.invoices.of_month(month):
        documents[document.family_id].append(document)
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
        bills.append(_decide(family, priced, documents.get(family.id, [])))
        if progress is not None:
            progress(1)
    # Numbers are handed out in this order: by family name, as the desk files them.
    bills.sort(key=lambda bill: (french_sort_key(bill.family_name), bill.family_id))
    return bills, documents


def _decide(family: Family, priced: PricedMonth, documents: list[Invoice]) -> FamilyBill:
    assert family.id is not None  # noqa: S101
    standing = _effective(documents)
    wanted = [line for line in priced.lines if line.quantity]
    if standing is None:
        action = "new" if wanted and not priced.total.is_zero else "nothing"
    elif lines_equal(standing.lines, wanted):
        action = "unchanged"
    else:
        action = "corrected"
    return FamilyBill(family.id, family.name, priced, action, Addressee.of(family))


def _write(
    uow: UnitOfWork,
    clock: Clock,
    bills: list[FamilyBill],
    documents: dict[int, list[Invoice]],
    issued_on: date,
    due_on: date,
    month: str,
    debit_on: date,
) -> list[FamilyBill]:
    now = clock.now()
    to_write = [b for b in bills if b.action in {"new", "corrected"}]
    # Numbers are drawn in one statement per kind, then handed out in the order the loop below
    # writes the documents: the same numbers, for the same families, as one at a time.
    corrected = [b.family_id for b in to_write if b.action == "corrected"]
    invoiced = [b.family_id for b in to_write if _invoice_lines(b)]
    credit_numbers = _numbers(uow, DocumentKind.CREDIT_NOTE, issued_on.year, corrected)
    invoice_numbers = _numbers(uow, DocumentKind.INVOICE, issued_on.year, invoiced)
    written = []
    new_documents: list[Invoice] = []
    for bill in bills:
        if bill.action not in {"new", "corrected"}:
            written.append(bill)
            continue
        addressee = bill.addressee  # read in this transaction, under the numbering lock
        numbers = []
        if bill.action == "corrected":
            standing = _effective(documents[bill.family_id])
            assert standing is not None  # noqa: S101  (a correction has an invoice to cancel)
            credit = Invoice(
                number=credit_numbers[bill.family_id],
                kind=DocumentKind.CREDIT_NOTE,
                family_id=bill.family_id,
                family_name=standing.family_name,
                address=standing.address,
                month=month,
                issued_on=issued_on,
                due_on=issued_on,
                pay_online_until=issued_on,
                lines=tuple(line.negated() for line in standing.lines),
                created_at=now,
                quotient=standing.quotient,
                corrects=standing.number,
            )
            new_documents.append(credit)
            numbers.append(credit.number)
        lines = _invoice_lines(bill)
        if lines:
            invoice = Invoice(
                number=invoice_numbers[bill.family_id],
                kind=DocumentKind.INVOICE,
                family_id=bill.family_id,
                family_name=bill.family_name,
                address=addressee.address,
                month=month,
                issued_on=issued_on,
                due_on=due_on,
                pay_online_until=due_on,
                lines=lines,
                created_at=now,
                quotient=addressee.quotient,
                direct_debit_on=debit_on if addressee.direct_debit else None,
            )
            new_documents.append(invoice)
            numbers.append(invoice.number)
        written.append(attrs.evolve(bill, issued=tuple(numbers)))
    uow.invoices.add_all(new_documents)  # credit notes and invoices, in one statement
    return written


def _invoice_lines(bill: FamilyBill) -> tuple[InvoiceLine, ...]:
    """The lines of the invoice to issue; none when there is nothing to bill."""
    if bill.priced.total.is_zero:
        return ()
    return tuple(line for line in bill.priced.lines if line.quantity)


def _numbers(
    uow: UnitOfWork, kind: DocumentKind, year: int, family_ids: list[int]
) -> dict[int, str]:
    """The next numbers of that kind, one per family, in the order given."""
    drawn = uow.invoices.next_numbers(kind, year, len(family_ids))
    return dict(zip(family_ids, drawn, strict=True))
