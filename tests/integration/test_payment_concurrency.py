"""Payments racing on SQLite and PostgreSQL: a family's credit used for two invoices at the same
second is used once, and two payments of the same balance allocate it once (the second becomes
a credit): the family's row is locked while a payment is recorded."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date
from functools import partial

import pendulum
from sqlalchemy import Engine

from adapters.clock import FixedClock
from adapters.persistence import SqlUnitOfWork
from portail_core.domain.audit import Actor
from portail_core.domain.billing.consumption import ConsumptionState, Pricing
from portail_core.domain.billing.invoice import DocumentKind, Invoice, InvoiceLine
from portail_core.domain.payments.payment import Payment, PaymentMode
from portail_core.domain.shared.money import Money
from portail_core.errors import PortailError
from portail_core.services.billing.invoices import family_account
from portail_core.services.dossiers.creation import create_family
from portail_core.services.payments.desk import record_payment, use_credit
from tests.unit.dossier_builders import complete_family

NOW = pendulum.datetime(2026, 10, 5, 10, 0, tz="Europe/Paris")
STAFF = Actor.staff("agent")


def invoice(family_id: int, number: str, month: str, euros: int) -> Invoice:
    line = InvoiceLine(
        "Léa",
        "Accueil de loisirs",
        "Journée",
        ConsumptionState.PRESENT,
        Pricing.NORMAL,
        Money(euros * 100),
        1,
    )
    return Invoice(
        number=number,
        kind=DocumentKind.INVOICE,
        family_id=family_id,
        family_name="Martin",
        address=("Claire Martin",),
        month=month,
        issued_on=date(2026, 10, 1),
        due_on=date(2026, 10, 31),
        pay_online_until=date(2026, 10, 31),
        lines=(line,),
        created_at=NOW,
    )


def family_with_invoices(engine: Engine, credit: int) -> int:
    clock = FixedClock(NOW)
    family_id = create_family(SqlUnitOfWork(engine), complete_family(), actor=STAFF, clock=clock)
    with SqlUnitOfWork(engine) as uow:
        uow.invoices.add(invoice(family_id, "FA-2026-000001", "2026-08", 50))
        uow.invoices.add(invoice(family_id, "FA-2026-000002", "2026-09", 50))
        if credit:
            uow.payments.add(
                Payment(
                    family_id,
                    Money(credit * 100),
                    PaymentMode.CHEQUE,
                    "CHQ",
                    date(2026, 10, 1),
                    NOW,
                    "agent",
                )
            )
        uow.commit()
    return family_id


def together(*calls: Callable[[], object]) -> list[object]:
    """Run the calls in threads released at the same instant; their results or errors."""
    barrier = threading.Barrier(len(calls))
    results: list[object] = [None] * len(calls)

    def one(index: int, call: Callable[[], object]) -> None:
        barrier.wait()
        try:
            results[index] = call()
        except PortailError as error:
            results[index] = error

    threads = [threading.Thread(target=one, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def test_a_credit_used_for_two_invoices_at_once_is_used_once(engine: Engine) -> None:
    family_id = family_with_invoices(engine, credit=30)
    clock = FixedClock(NOW)
    uow = partial(SqlUnitOfWork, engine)
    results = together(
        lambda: use_credit(uow(), clock, invoice_number="FA-2026-000001", actor=STAFF),
        lambda: use_credit(uow(), clock, invoice_number="FA-2026-000002", actor=STAFF),
    )
    account = family_account(uow(read_only=True), family_id)
    assert account.credit == Money.zero()
    assert sum(v.paid.cents for v in account.invoices) == 3000
    assert sum(1 for r in results if isinstance(r, PortailError)) == 1  # "pas d'avoir"


def test_two_payments_of_the_same_balance_allocate_it_once(engine: Engine) -> None:
    family_id = family_with_invoices(engine, credit=0)
    clock = FixedClock(NOW)
    uow = partial(SqlUnitOfWork, engine)

    def pay() -> object:
        return record_payment(
            uow(),
            clock,
            invoice_number="FA-2026-000001",
            amount="50",
            mode="cheque",
            reference="CHQ",
            actor=STAFF,
        )

    together(pay, pay)
    with uow(read_only=True) as unit:
        payments = unit.payments.of_family(family_id)
    assert sorted((p.invoice_number or "", p.amount.cents) for p in payments) == [
        ("", 5000),
        ("FA-2026-000001", 5000),
    ]
    assert family_account(uow(read_only=True), family_id).credit == Money(5000)
