"""Invoices for the integration tests, made as the town makes them: reservations of September
2026, then the billing run on 2 October (services.billing.run_billing), payments at the desk."""

from __future__ import annotations

from datetime import date

import pendulum

from adapters.clock import FixedClock
from entrypoints.bootstrap import Services
from portail_core.domain.attendance import AttendanceMark, Presence
from portail_core.domain.audit import Actor
from portail_core.domain.billing.invoice import DocumentKind, Invoice
from portail_core.domain.bookings.reservation import Reservation
from portail_core.domain.payments.payment import Payment, PaymentMode
from portail_core.domain.shared.money import Money
from portail_core.services.billing.bills import BillingReport
from portail_core.services.billing.run import run_billing

SEPTEMBER_WEDNESDAYS = [date(2026, 9, d) for d in (2, 9, 16, 23, 30)]
BILLING_DAY = pendulum.datetime(2026, 10, 2, 9, 0, tz="Europe/Paris")
DESK = Actor.staff("agent")
AGE_GROUPS = {"Léa": "ELEM", "Tom": "MAT"}


def child_id(services: Services, family_id: int, first_name: str) -> int:
    with services.ports.uow(read_only=True) as uow:
        family = uow.families.get(family_id)
    assert family is not None
    found = next(c.id for c in family.children if c.first_name == first_name)
    assert found is not None
    return found


def book_september(services: Services, family_id: int, child: str, days: list[date]) -> None:
    """ALSH full days, written as confirmed reservations."""
    child_number = child_id(services, family_id, child)
    with services.ports.uow() as uow:
        for day in days:
            uow.reservations.add(
                Reservation(
                    family_id,
                    child_number,
                    "ALSH",
                    "JOURNEE",
                    day,
                    AGE_GROUPS.get(child, "ELEM"),
                    BILLING_DAY.subtract(months=2),
                    "R-TEST-0001",
                )
            )
        uow.commit()


def mark_present(services: Services, family_id: int, child: str, day: date) -> None:
    with services.ports.uow() as uow:
        uow.attendance.record(
            AttendanceMark(
                child_id(services, family_id, child),
                "ALSH",
                "JOURNEE",
                day,
                Presence.PRESENT,
                BILLING_DAY,
                "agent",
            )
        )
        uow.commit()


def bill_september(services: Services) -> BillingReport:
    return run_billing(services.ports.uow(), FixedClock(BILLING_DAY), month="2026-09", actor=DESK)


def pay(services: Services, family_id: int, number: str, euros: str) -> None:
    with services.ports.uow() as uow:
        uow.payments.add(
            Payment(
                family_id,
                Money.from_euros(euros),
                PaymentMode.CHEQUE,
                "CHQ 0001",
                date(2026, 10, 5),
                BILLING_DAY,
                "agent",
                number,
            )
        )
        uow.commit()


def add_direct_debit_invoice(services: Services, family_id: int, debit_on: date) -> str:
    """An October invoice of a family on direct debit (a copy of its September lines)."""
    with services.ports.uow() as uow:
        september = [i for i in uow.invoices.of_family(family_id) if i.month == "2026-09"]
        invoice = Invoice(
            number=uow.invoices.next_number(DocumentKind.INVOICE, 2026),
            kind=DocumentKind.INVOICE,
            family_id=family_id,
            family_name=september[-1].family_name,
            address=september[-1].address,
            month="2026-10",
            issued_on=date(2026, 11, 2),
            due_on=date(2026, 12, 2),
            pay_online_until=date(2026, 12, 2),
            lines=september[-1].lines,
            created_at=BILLING_DAY.add(months=1),
            quotient=september[-1].quotient,
            direct_debit_on=debit_on,
        )
        uow.invoices.add(invoice)
        uow.commit()
    return invoice.number
