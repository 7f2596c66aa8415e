"""Payments at the desk on the in-memory twin: allocation up to the invoice's balance, partial
payments, overpayments as a credit of the family, a credit paying another invoice, refusals that
write nothing, the audit trail and the receipt e-mail."""

from __future__ import annotations

import copy
import functools
from datetime import date

import attrs
import pendulum
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from adapters.clock import FixedClock
from adapters.memory import InMemoryStore
from adapters.memory.audit import AuditState
from adapters.memory.messaging import MessagingState
from adapters.memory.payments import PaymentState
from portail_core.domain.attendance import Presence
from portail_core.domain.audit import AuditEvent
from portail_core.domain.payments.payment import PaymentMode, allocate
from portail_core.domain.shared.money import Money
from portail_core.errors import InvalidInput, NotFound, RuleViolation
from portail_core.services.billing.invoices import InvoiceStatus, family_account
from portail_core.services.billing.run import run_billing
from portail_core.services.payments.desk import list_payments, record_payment, use_credit
from portail_core.services.payments.receiving import PaymentReceipt
from tests.unit.reservation_world import DESK, World, make_world
from tests.unit.test_billing import SEPTEMBER_WEDNESDAYS, booked, euros, invoices, mark, run

PAID_ON = pendulum.datetime(2026, 10, 5, 10, 0, tz="Europe/Paris")


def billed(world: World, days: int = 5) -> str:
    """Léa's September (days x 10,40 €) billed; the invoice's number."""
    booked(world, "Léa", SEPTEMBER_WEDNESDAYS[:days])
    run(world)
    world.clock.set(PAID_ON)
    return invoices(world)[-1].number


@functools.cache
def _billed_once() -> tuple[World, str]:
    world = make_world()
    return world, billed(world)


def billed_copy() -> tuple[World, str]:
    """A fresh copy of a world whose September is billed (building one takes a while)."""
    world, number = _billed_once()
    store = InMemoryStore(states=copy.deepcopy(world.store.states))
    copied = attrs.evolve(world, store=store, clock=FixedClock(world.clock.now()))
    return copied, number


def pay(world: World, number: str, amount: str, **options: object) -> PaymentReceipt:
    arguments: dict[str, object] = {"mode": "cheque", "reference": "CHQ 1234567", **options}
    return record_payment(
        world.uow(),
        world.clock,
        invoice_number=number,
        amount=amount,
        actor=DESK,
        **arguments,  # type: ignore[arg-type]
    )


def payments(world: World):
    return world.store.committed(PaymentState).payments


def outbox(world: World):
    return world.store.committed(MessagingState).outbox


def audit(world: World, action: str) -> list[AuditEvent]:
    return [e for e in world.store.committed(AuditState).audit_events if e.action == action]


def test_a_partial_payment_leaves_the_invoice_partly_paid_with_a_receipt_and_an_audit() -> None:
    world = make_world()
    number = billed(world)
    receipt = pay(world, number, "20,50", mode="especes", reference="Q-2026-0042")
    assert (receipt.allocated, receipt.credit, receipt.invoice_balance) == (
        euros("20,50"),
        Money.zero(),
        euros("31,50"),
    )
    account = family_account(world.uow(), world.martin)
    assert account.invoices[0].status is InvoiceStatus.PARTLY_PAID
    assert account.balance == euros("31,50")
    [payment] = payments(world)
    assert (payment.mode, payment.reference, payment.received_on, payment.recorded_by) == (
        PaymentMode.CASH,
        "Q-2026-0042",
        date(2026, 10, 5),
        "agent",
    )
    [event] = audit(world, "payment.record")
    assert event.family_id == world.martin
    assert event.actor == DESK
    assert "20,50" in event.summary
    assert "espèces" in event.summary
    assert event.details["reference"] == "Q-2026-0042"
    assert event.details["amount_cents"] == 2050
    [email] = outbox(world)
    assert email.template == "payment_receipt"
    assert email.to == receipt.emailed_to
    assert email.context["amount"] == "20,50\u00a0€"
    assert email.context["invoice_balance"] == "31,50\u00a0€"
    assert email.context["mode"] == "espèces"


def test_an_overpayment_pays_the_invoice_and_the_rest_is_a_credit_of_the_family() -> None:
    world = make_world()
    number = billed(world)
    receipt = pay(world, number, "60")
    assert (receipt.allocated, receipt.credit) == (euros("52,00"), euros("8,00"))
    assert receipt.family_credit == euros("8,00")
    to_invoice, to_credit = payments(world)
    assert (to_invoice.invoice_number, to_invoice.amount) == (number, euros("52,00"))
    assert (to_credit.invoice_number, to_credit.amount) == (None, euros("8,00"))
    account = family_account(world.uow(), world.martin)
    assert account.invoices[0].status is InvoiceStatus.PAID
    assert (account.credit, account.balance) == (euros("8,00"), euros("-8,00"))
    assert outbox(world)[0].context["credit"] == "8,00\u00a0€"


def test_successive_payments_then_money_for_a_paid_invoice_is_all_credit() -> None:
    world = make_world()
    number = billed(world)
    pay(world, number, "30")
    second = pay(world, number, "22")
    assert second.invoice_balance.is_zero
    third = pay(world, number, "5", mode="cesu", reference="CESU 998877")
    assert (third.allocated, third.credit, third.family_credit) == (
        Money.zero(),
        euros("5,00"),
        euros("5,00"),
    )
    assert sum(p.amount.cents for p in payments(world)) == 5700  # what the town received


def test_the_run_deducts_the_credit_from_the_corrected_invoice_and_moves_no_money() -> None:
    world = make_world()
    first = billed(world, days=2)  # 20,80 €
    pay(world, first, "20,80")
    mark(world, "Léa", SEPTEMBER_WEDNESDAYS[2], Presence.PRESENT)  # a late pointage
    run(world)  # FA-1 cancelled by a credit note, FA-2 of 36,20 € issued (+ 10,40 + 5,00)
    world.clock.set(PAID_ON)
    cancelled, credit_note, second = invoices(world)
    with pytest.raises(RuleViolation, match="annulée par un avoir"):
        pay(world, cancelled.number, "10")
    with pytest.raises(RuleViolation, match="est un avoir"):
        pay(world, credit_note.number, "10")
    account = family_account(world.uow(), world.martin)
    assert account.credit == Money.zero()  # what FA-1 had received now pays FA-2
    assert account.balance == euros("15,40")
    view = next(v for v in account.invoices if v.invoice.number == second.number)
    assert view.status is InvoiceStatus.PARTLY_PAID
    given, taken = payments(world)[-2:]
    assert (given.mode, given.amount, given.invoice_number, given.reference) == (
        PaymentMode.CREDIT,
        euros("20,80"),
        second.number,
        "avoir de la famille",
    )
    assert (taken.mode, taken.amount, taken.invoice_number, taken.reference) == (
        PaymentMode.CREDIT,
        euros("-20,80"),
        None,
        f"utilisé pour {second.number}",
    )
    assert sum(p.amount.cents for p in payments(world)) == 2080  # a credit moves no money
    [event] = audit(world, "payment.use_credit")
    assert event.summary == (
        f"Avoir de 20,80\u00a0€ déduit de la facture {second.number} à son émission"
    )
    assert (event.family_id, event.details["by"]) == (world.martin, "billing.run")
    [run_event] = audit(world, "billing.run")[-1:]
    assert run_event.details["credits_cents"] == 2080
    with pytest.raises(RuleViolation, match="pas d'avoir"):
        use_credit(world.uow(), world.clock, invoice_number=second.number, actor=DESK)
    run(world)  # run again: nothing changed, the credit is not deducted twice
    assert len(audit(world, "payment.use_credit")) == 1


def test_a_credit_larger_than_the_new_invoice_pays_it_and_the_rest_stays() -> None:
    world = make_world()
    first = billed(world, days=2)
    pay(world, first, "100")  # 79,20 € of credit
    with pytest.raises(RuleViolation, match="déjà réglée"):
        use_credit(world.uow(), world.clock, invoice_number=first, actor=DESK)
    mark(world, "Léa", SEPTEMBER_WEDNESDAYS[2], Presence.PRESENT)
    report = run(world)
    second = invoices(world)[-1].number
    [martin] = [b for b in report.bills if b.family_id == world.martin]
    assert martin.credit_used == euros("36,20") == report.credits
    account = family_account(world.uow(), world.martin)
    view = next(v for v in account.invoices if v.invoice.number == second)
    assert view.status is InvoiceStatus.PAID
    assert account.credit == euros("63,80")  # 100 - 36,20
    with pytest.raises(RuleViolation, match="déjà réglée"):
        use_credit(world.uow(), world.clock, invoice_number=second, actor=DESK)


def test_the_desk_still_uses_a_credit_for_an_invoice_issued_before_it() -> None:
    world = make_world()
    september = billed(world, days=2)  # 20,80 €, not paid
    booked(world, "Léa", [date(2026, 10, 7), date(2026, 10, 14)])
    world.clock.set(pendulum.datetime(2026, 11, 2, 9, 0, tz="Europe/Paris"))
    run_billing(world.uow(), world.clock, month="2026-10", actor=DESK)  # no credit yet
    october = invoices(world)[-1].number
    pay(world, october, "50")  # 29,20 € of credit, after September's invoice was issued
    receipt = use_credit(world.uow(), world.clock, invoice_number=september, actor=DESK)
    assert (receipt.mode, receipt.amount, receipt.invoice_balance) == (
        PaymentMode.CREDIT,
        euros("20,80"),
        Money.zero(),
    )
    assert receipt.family_credit == euros("8,40")
    assert outbox(world)[-1].context["from_credit"] == "oui"
    assert [e.details.get("by") for e in audit(world, "payment.use_credit")] == [None]


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"amount": "abc"}, "amount", "n'est pas un montant"),
        ({"amount": ""}, "amount", "n'est pas un montant"),
        ({"amount": "0"}, "amount", "positif"),
        ({"amount": "-5"}, "amount", "positif"),
        ({"amount": "12,345"}, "amount", "n'est pas un montant"),
        ({"amount": "10000,01"}, "amount", "ne dépasse pas"),
        ({"amount": "9" * 41}, "amount", "trop long"),
        ({"amount": "1e3"}, "amount", "n'est pas un montant"),
        ({"mode": "payfip"}, "mode", "Mode de règlement"),
        ({"mode": "avoir"}, "mode", "Mode de règlement"),
        ({"mode": "bitcoin"}, "mode", "Mode de règlement"),
        ({"reference": ""}, "reference", "obligatoire"),
        ({"reference": "x" * 61}, "reference", "obligatoire"),
        ({"reference": "CHQ\x00 12"}, "reference", "U+0000 (caractère nul)"),
        ({"reference": "CHQ \u202e21"}, "reference", "U+202E (caractère invisible"),
        ({"received_on": date(2026, 10, 6)}, "received_on", "futur"),
        ({"received_on": date(2025, 10, 1)}, "received_on", "plus d'un an"),
    ],
)
def test_bad_input_is_refused_in_french_and_writes_nothing(
    changes: dict[str, object], field: str, message: str
) -> None:
    world = make_world()
    number = billed(world)
    arguments = {"amount": "10", **changes}
    with pytest.raises(InvalidInput) as raised:
        pay(world, number, **arguments)  # type: ignore[arg-type]
    assert message in raised.value.problems[field]
    assert payments(world) == []
    assert outbox(world) == []
    assert audit(world, "payment.record") == []


@pytest.mark.parametrize("number", ["FA-2026-999999", "", "x" * 500, "'; DROP TABLE payments"])
def test_an_unknown_invoice_is_not_found(number: str) -> None:
    world = make_world()
    billed(world)
    with pytest.raises(NotFound, match="Aucune facture"):
        pay(world, number, "10")
    assert payments(world) == []


def test_the_invoice_number_may_be_typed_in_lower_case_with_spaces() -> None:
    world = make_world()
    number = billed(world)
    assert pay(world, f"  {number.lower()} ", "10").invoice_number == number


def test_a_family_without_email_gets_no_receipt_but_the_payment_is_recorded() -> None:
    world = make_world()
    number = billed(world)
    with world.uow() as uow:
        family = uow.families.get(world.martin)
        assert family is not None
        family.guardians[0] = attrs.evolve(family.guardians[0], email=None)
        uow.families.update(family, world.clock.now())
        uow.commit()
    receipt = pay(world, number, "10")
    assert receipt.emailed_to is None
    assert outbox(world) == []
    assert len(payments(world)) == 1
    assert audit(world, "payment.record")[0].details["receipt_to"] == ""


def test_payments_are_listed_by_family_and_by_period() -> None:
    world = make_world()
    number = billed(world)
    pay(world, number, "10", received_on=date(2026, 10, 1))
    pay(world, number, "60", received_on=date(2026, 10, 5))
    everyone = list_payments(world.uow(), first=date(2026, 10, 1), last=date(2026, 10, 4))
    assert [line.payment.amount for line in everyone] == [euros("10")]
    assert everyone[0].family_name == "Martin"
    family = list_payments(world.uow(), family_id=world.martin)
    assert [line.payment.amount for line in family] == [euros("10"), euros("42"), euros("18")]
    with pytest.raises(NotFound):
        list_payments(world.uow(), family_id=999)
    with pytest.raises(InvalidInput, match="après"):
        list_payments(world.uow(), first=date(2026, 10, 5), last=date(2026, 10, 1))


@given(amount=st.integers(1, 10**8), balance=st.integers(-(10**6), 10**8))
def test_allocation_never_exceeds_the_balance_and_loses_nothing(amount: int, balance: int) -> None:
    to_invoice, credit = allocate(Money(amount), Money(balance))
    assert to_invoice + credit == Money(amount)
    assert 0 <= to_invoice.cents <= max(balance, 0)
    assert credit.cents >= 0
    assert credit.is_zero or to_invoice.cents == max(balance, 0)


@settings(max_examples=15, deadline=None)
@given(amounts=st.lists(st.integers(1, 8_000), min_size=1, max_size=6))
def test_any_payments_sum_to_what_the_invoice_shows_plus_the_credit(amounts: list[int]) -> None:
    world, number = billed_copy()
    for cents in amounts:
        pay(world, number, f"{cents // 100},{cents % 100:02d}")
    account = family_account(world.uow(), world.martin)
    view = account.invoices[0]
    received = sum(amounts)
    assert view.paid.cents == min(received, 5200)
    assert account.credit.cents == max(received - 5200, 0)
    assert account.balance.cents == 5200 - received
    expected = InvoiceStatus.PAID if received >= 5200 else InvoiceStatus.PARTLY_PAID
    assert view.status is expected
