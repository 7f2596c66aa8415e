"""Online payment attempts on the in-memory twin, SQLite and PostgreSQL alike: stored whole, an
operation and a reference once, found by operation, invoice, Paris day and what is left to
check; and PayFiP's report taken by several requests at the same moment records one payment."""

from __future__ import annotations

from datetime import date
from typing import Any

import attrs
import pendulum
import pytest

from adapters.clock import FixedClock
from adapters.payfip.fake import FakePayfip
from portail_core.domain.audit import Actor, Channel
from portail_core.domain.payments.attempt import AttemptState, PaymentAttempt
from portail_core.domain.payments.online import PayfipMode
from portail_core.domain.payments.payment import PaymentMode
from portail_core.domain.shared.money import Money
from portail_core.errors import Conflict
from portail_core.services.catalogue.offer import load_catalogue
from portail_core.services.payments.online import open_online_payment
from portail_core.services.payments.online_results import check_online_payment
from tests.integration.conftest import UowFactory
from tests.integration.test_account_concurrency import race
from tests.integration.test_billing_repository import add_family, an_invoice
from tests.unit.reservation_world import DESK, demo_catalogue

OPENED = pendulum.datetime(2026, 10, 5, 23, 30, tz="Europe/Paris")  # 21:30 UTC


def an_attempt(family_id: int, n: int, **changes: Any) -> PaymentAttempt:
    attempt = PaymentAttempt(
        family_id,
        "FA-2026-000001",
        f"FA2026000001{n:04d}",
        Money(7414),
        f"op-{n:04d}",
        OPENED.add(minutes=n),
        numcli="123456",
        mode=PayfipMode.TEST,
    )
    return attrs.evolve(attempt, **changes)


def fields(attempt: PaymentAttempt | None) -> dict[str, object]:
    """An attempt's fields (attempts are entities: equal only to themselves)."""
    assert attempt is not None
    return attrs.asdict(attempt, recurse=False)


def add(new_uow: UowFactory, *attempts: PaymentAttempt) -> None:
    with new_uow() as uow:
        for attempt in attempts:
            uow.attempts.add(attempt)
        uow.commit()


def test_an_attempt_reads_back_whole_with_its_id(new_uow: UowFactory) -> None:
    family_id, _ = add_family(new_uow)
    attempt = an_attempt(family_id, 1)
    add(new_uow, attempt)
    assert attempt.id is not None
    with new_uow(read_only=True) as uow:
        assert fields(uow.attempts.by_id_op("op-0001")) == fields(attempt)
        assert uow.attempts.by_id_op("op-9999") is None


def test_what_payfip_said_is_written_back(new_uow: UowFactory) -> None:
    family_id, _ = add_family(new_uow)
    attempt = an_attempt(family_id, 1)
    add(new_uow, attempt)
    checked = OPENED.add(minutes=3)
    attempt.state, attempt.checked_at, attempt.result = AttemptState.PAID, checked, "P"
    attempt.authorisation, attempt.paid_at = "123456", checked.subtract(minutes=1)
    with new_uow() as uow:
        uow.attempts.update(attempt)
        uow.commit()
    with new_uow(read_only=True) as uow:
        found = uow.attempts.by_id_op("op-0001", for_update=False)
    assert fields(found) == fields(attempt)


def test_an_operation_or_a_reference_is_stored_once(new_uow: UowFactory) -> None:
    family_id, _ = add_family(new_uow)
    add(new_uow, an_attempt(family_id, 1))
    with new_uow() as uow:
        with pytest.raises(Conflict):
            uow.attempts.add(an_attempt(family_id, 2, id_op="op-0001"))
        with pytest.raises(Conflict):
            uow.attempts.add(an_attempt(family_id, 2, refdet="FA20260000010001"))
        uow.attempts.add(an_attempt(family_id, 3))  # the transaction goes on
        uow.commit()
    with new_uow(read_only=True) as uow:
        found = uow.attempts.of_invoice("FA-2026-000001")
    assert [a.id_op for a in found] == ["op-0001", "op-0003"]


def test_an_invoices_attempts_come_oldest_first(new_uow: UowFactory) -> None:
    family_id, _ = add_family(new_uow)
    add(
        new_uow,
        an_attempt(family_id, 2),
        an_attempt(family_id, 1),
        an_attempt(family_id, 3, invoice_number="FA-2026-000002"),
    )
    with new_uow(read_only=True) as uow:
        assert [a.id_op for a in uow.attempts.of_invoice("FA-2026-000001")] == [
            "op-0002",
            "op-0001",
        ]
        assert uow.attempts.of_invoice("FA-2026-000009") == []


def test_only_attempts_payfip_may_still_say_something_new_about_in_the_span_are_to_check(
    new_uow: UowFactory,
) -> None:
    family_id, _ = add_family(new_uow)
    add(
        new_uow,
        an_attempt(family_id, 1),
        an_attempt(family_id, 2, state=AttemptState.ABANDONED),
        an_attempt(family_id, 3, state=AttemptState.PAID),
        an_attempt(family_id, 4, state=AttemptState.REFUSED),
        an_attempt(family_id, 5, state=AttemptState.EXPIRED, result="P5"),
        an_attempt(family_id, 6, created_at=OPENED.subtract(days=4)),
        an_attempt(family_id, 7, created_at=OPENED.add(hours=1)),
        an_attempt(family_id, 8, state=AttemptState.EXPIRED, result="P1"),  # PayFiP forgot it
        an_attempt(family_id, 9, state=AttemptState.ABANDONED, result="P1"),
        an_attempt(family_id, 10, state=AttemptState.REJECTED, result="P"),
        an_attempt(family_id, 11, state=AttemptState.CLOSED, result="P"),
    )
    with new_uow(read_only=True) as uow:
        found = uow.attempts.to_check(OPENED.subtract(days=3), OPENED.add(minutes=30))
    assert [a.id_op for a in found] == ["op-0001", "op-0002", "op-0005"]


def test_the_listing_takes_paris_days(new_uow: UowFactory) -> None:
    family_id, _ = add_family(new_uow)
    late_evening = an_attempt(family_id, 1)  # 23:31 on 5 October in Paris, the 5th in UTC too
    after_midnight = an_attempt(family_id, 2, created_at=OPENED.add(minutes=45))  # 00:15 the 6th
    add(new_uow, after_midnight, late_evening)
    with new_uow(read_only=True) as uow:
        fifth = uow.attempts.listing(date(2026, 10, 5), date(2026, 10, 5))
        sixth = uow.attempts.listing(date(2026, 10, 6), date(2026, 10, 6))
        both = uow.attempts.listing(date(2026, 10, 1), date(2026, 10, 31))
    assert [a.id_op for a in fifth] == ["op-0001"]
    assert [a.id_op for a in sixth] == ["op-0002"]
    assert [a.id_op for a in both] == ["op-0001", "op-0002"]


def test_concurrent_checks_of_one_paid_operation_record_one_payment(new_uow: UowFactory) -> None:
    clock = FixedClock(OPENED.subtract(hours=12))
    details, catalogue = demo_catalogue()
    load_catalogue(new_uow(), details, catalogue, actor=DESK, clock=clock)
    family_id, child_id = add_family(new_uow)
    with new_uow() as uow:
        uow.invoices.add(an_invoice(family_id, child_id, "FA-2026-000001"))
        uow.commit()
    payfip = FakePayfip()
    checkout = open_online_payment(
        new_uow,
        payfip,
        clock,
        family_id=family_id,
        invoice_number="FA-2026-000001",
        notify_url="https://famille.example/paiement-en-ligne/notification",
        return_url="https://famille.example/paiement-en-ligne/retour",
        actor=Actor("martin.1", Channel.PORTAL),
    )
    payfip.finish(checkout.attempt.id_op, "P", at=clock.now())

    def check() -> None:
        check_online_payment(new_uow, payfip, clock, id_op=checkout.attempt.id_op)

    outcomes = race(6, check)

    assert outcomes == [type(None)] * 6
    with new_uow(read_only=True) as uow:
        paid = [p for p in uow.payments.of_family(family_id) if p.mode is PaymentMode.PAYFIP]
        attempt = uow.attempts.by_id_op(checkout.attempt.id_op)
        receipts = [m for m in uow.outbox.listing(10) if m.template == "payment_receipt"]
    assert [p.amount for p in paid] == [checkout.attempt.amount]
    assert attempt is not None
    assert attempt.state is AttemptState.PAID
    assert len(receipts) == 1
