"""Paying an invoice online through PayFiP, on the in-memory twins (PayFiP's too): an attempt is
stored before the family leaves, a payment is recorded only from PayFiP's own report, once, and
only for what was opened."""

from __future__ import annotations

from datetime import date

import attrs
import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st

from adapters.memory.audit import AuditState
from adapters.memory.billing import InvoiceState
from adapters.memory.messaging import MessagingState
from adapters.memory.payments import PaymentState
from adapters.payfip.fake import FakePayfip
from portail_core.domain.audit import Actor, Channel
from portail_core.domain.billing.invoice import DocumentKind
from portail_core.domain.communes import Commune
from portail_core.domain.payments.attempt import AttemptState, PaymentAttempt
from portail_core.domain.payments.online import (
    PayfipMode,
    PaymentReport,
    payfip_label,
    refdet_for,
)
from portail_core.domain.payments.payment import PaymentMode
from portail_core.domain.shared.money import Money
from portail_core.errors import NotFound, OnlinePaymentError, RuleViolation
from portail_core.services.billing.invoices import InvoiceStatus, family_account
from portail_core.services.payments.online import OnlineCheckout, why_not_online
from portail_core.services.payments.online import open_online_payment as open_payment
from portail_core.services.payments.online_desk import check_payfip_client
from portail_core.services.payments.online_results import (
    check_online_payment,
    reconcile_online_payments,
)
from tests.unit.reservation_world import World
from tests.unit.test_payments import billed_copy, pay

FAMILY = Actor("martin.1", Channel.PORTAL)
PAYING = pendulum.datetime(2026, 10, 5, 10, 0, tz="Europe/Paris")


def open_online(world: World, payfip: FakePayfip, number: str, *, family: int | None = None):
    return open_payment(
        world.uow,
        payfip,
        world.clock,
        family_id=family or world.martin,
        invoice_number=number,
        notify_url="https://famille.example/paiement-en-ligne/notification",
        return_url="https://famille.example/paiement-en-ligne/retour",
        actor=FAMILY,
    )


def check(world: World, payfip: FakePayfip, id_op: str) -> PaymentAttempt | None:
    return check_online_payment(world.uow, payfip, world.clock, id_op=id_op)


def attempts(world: World) -> list[PaymentAttempt]:
    return list(world.store.committed(PaymentState).attempts.values())


def online_payments(world: World):
    return [p for p in world.store.committed(PaymentState).payments if p.mode is PaymentMode.PAYFIP]


def balance(world: World) -> Money:
    return family_account(world.uow(), world.martin).balance


def with_settings(world: World, **changes: object) -> None:
    with world.uow() as uow:
        commune = uow.communes.get()
        assert isinstance(commune, Commune)
        commune.online_payment = attrs.evolve(commune.online_payment, **changes)
        uow.communes.update(commune)
        uow.commit()


@pytest.fixture
def world_and_invoice() -> tuple[World, str]:
    return billed_copy()


def test_opening_stores_the_attempt_with_the_balance_then_sends_the_family_to_payfip(
    world_and_invoice: tuple[World, str],
) -> None:
    world, number = world_and_invoice
    payfip = FakePayfip()
    checkout = open_online(world, payfip, number)
    assert isinstance(checkout, OnlineCheckout)
    [attempt] = attempts(world)
    order = payfip.orders[attempt.id_op]
    assert checkout.page_url == f"https://payfip.test/tpa/paiementws.web?idop={attempt.id_op}"
    assert (attempt.state, attempt.amount, attempt.invoice_number) == (
        AttemptState.PENDING,
        balance(world),
        number,
    )
    assert order.refdet == attempt.refdet
    assert order.refdet.startswith(number.replace("-", ""))
    assert (order.numcli, order.mode, order.year, order.amount) == (
        "123456",
        PayfipMode.TEST,
        2026,
        attempt.amount,
    )
    assert order.email == "claire.martin@example.fr"
    assert order.notify_url.endswith("/notification")
    assert order.return_url.endswith("/retour")
    assert [e.action for e in world.store.committed(AuditState).audit_events][-1] == (
        "payment.online_open"
    )


def test_payfip_down_writes_nothing_and_says_so_in_french(
    world_and_invoice: tuple[World, str],
) -> None:
    world, number = world_and_invoice
    payfip = FakePayfip()
    payfip.down = True
    with pytest.raises(OnlinePaymentError, match="rien n'a été payé"):
        open_online(world, payfip, number)
    assert attempts(world) == []


def test_paid_by_card_records_one_payment_with_its_receipt_whoever_asks(
    world_and_invoice: tuple[World, str],
) -> None:
    world, number = world_and_invoice
    payfip = FakePayfip()
    attempt = open_online(world, payfip, number).attempt
    payfip.finish(attempt.id_op, "P", at=PAYING)
    for _ in range(3):  # the notification, the browser's return, the reconciliation
        checked = check(world, payfip, attempt.id_op)
        assert checked is not None
        assert checked.state is AttemptState.PAID
    [payment] = online_payments(world)
    assert (payment.amount, payment.invoice_number, payment.received_on) == (
        attempt.amount,
        number,
        date(2026, 10, 5),
    )
    assert "carte bancaire" in payment.reference
    assert "AUTO0001" in payment.reference
    assert balance(world).is_zero
    assert family_account(world.uow(), world.martin).invoices[0].status is InvoiceStatus.PAID
    receipts = list(world.store.committed(MessagingState).outbox)
    assert [m.template for m in receipts][-1] == "payment_receipt"
    assert payfip.calls.count("recupererDetailPaiementSecurise") == 1  # then final: no call


def test_a_one_off_debit_pays_too(world_and_invoice: tuple[World, str]) -> None:
    world, number = world_and_invoice
    payfip = FakePayfip()
    attempt = open_online(world, payfip, number).attempt
    payfip.finish(attempt.id_op, "V", at=PAYING)
    assert check(world, payfip, attempt.id_op).state is AttemptState.PAID  # type: ignore[union-attr]
    [payment] = online_payments(world)
    assert "prélèvement unique" in payment.reference


@pytest.mark.parametrize(
    ("changes", "named"),
    [
        ({"amount": Money(1)}, "montant"),
        ({"refdet": "AUTRE123456"}, "référence"),
        ({"numcli": "654321"}, "numéro client"),
        ({"mode": "W"}, "mode"),
    ],
)
def test_a_report_that_is_not_what_was_opened_pays_nothing_and_is_reported(
    world_and_invoice: tuple[World, str], changes: dict[str, object], named: str
) -> None:
    world, number = world_and_invoice
    payfip = FakePayfip()
    attempt = open_online(world, payfip, number).attempt
    payfip.finish(attempt.id_op, "P", at=PAYING)
    payfip.tamper(attempt.id_op, **changes)
    checked = check(world, payfip, attempt.id_op)
    assert checked is not None
    assert checked.state is AttemptState.REJECTED
    assert named in checked.problem
    assert online_payments(world) == []
    assert not balance(world).is_zero
    [event] = [
        e
        for e in world.store.committed(AuditState).audit_events
        if e.action == "payment.online_to_check"
    ]
    assert number in event.summary


@pytest.mark.parametrize(("result", "state"), [("R", "REFUSED"), ("Z", "REFUSED"), ("X", "ERROR")])
def test_refused_and_undocumented_results_pay_nothing(
    world_and_invoice: tuple[World, str], result: str, state: str
) -> None:
    world, number = world_and_invoice
    payfip = FakePayfip()
    attempt = open_online(world, payfip, number).attempt
    payfip.finish(attempt.id_op, result)
    assert check(world, payfip, attempt.id_op).state is AttemptState[state]  # type: ignore[union-attr]
    assert online_payments(world) == []


def test_a_result_not_known_yet_waits_then_expires(world_and_invoice: tuple[World, str]) -> None:
    world, number = world_and_invoice
    payfip = FakePayfip()
    attempt = open_online(world, payfip, number).attempt
    world.clock.advance(pendulum.duration(minutes=19))
    assert check(world, payfip, attempt.id_op).state is AttemptState.PENDING  # type: ignore[union-attr]
    world.clock.advance(pendulum.duration(minutes=2))
    expired = check(world, payfip, attempt.id_op)
    assert expired is not None
    assert (expired.state, expired.result) == (AttemptState.EXPIRED, "P5")


def test_an_operation_payfip_forgot_before_any_result_is_for_the_desk(
    world_and_invoice: tuple[World, str],
) -> None:
    world, number = world_and_invoice
    payfip = FakePayfip()
    attempt = open_online(world, payfip, number).attempt
    del payfip.orders[attempt.id_op]  # nobody asked for a day, PayFiP purged it: P1
    forgotten = check(world, payfip, attempt.id_op)
    assert forgotten is not None
    assert (forgotten.state, forgotten.result) == (AttemptState.ERROR, "P1")
    assert "jamais donné le résultat" in forgotten.problem
    assert [e.action for e in world.store.committed(AuditState).audit_events][-1] == (
        "payment.online_to_check"
    )


def test_an_expired_payment_is_asked_about_until_payfip_forgets_it(
    world_and_invoice: tuple[World, str],
) -> None:
    world, number = world_and_invoice
    payfip = FakePayfip()
    attempt = open_online(world, payfip, number).attempt
    world.clock.advance(pendulum.duration(minutes=25))
    assert check(world, payfip, attempt.id_op).state is AttemptState.EXPIRED  # type: ignore[union-attr]
    payfip.finish(attempt.id_op, "P", at=world.clock.now())  # paid at the very last moment
    world.clock.advance(pendulum.duration(minutes=10))
    report = reconcile_online_payments(world.uow, payfip, world.clock)
    assert (report.checked, report.states) == (1, {"payée": 1})
    assert len(online_payments(world)) == 1


def test_an_expired_payment_payfip_forgot_is_no_longer_asked_about(
    world_and_invoice: tuple[World, str],
) -> None:
    world, number = world_and_invoice
    payfip = FakePayfip()
    attempt = open_online(world, payfip, number).attempt
    world.clock.advance(pendulum.duration(minutes=25))
    check(world, payfip, attempt.id_op)
    del payfip.orders[attempt.id_op]
    world.clock.advance(pendulum.duration(hours=30))
    assert reconcile_online_payments(world.uow, payfip, world.clock).checked == 1
    [after] = attempts(world)
    assert (after.state, after.result) == (AttemptState.EXPIRED, "P1")
    asked = len(payfip.calls)
    assert reconcile_online_payments(world.uow, payfip, world.clock).checked == 0
    assert len(payfip.calls) == asked


def test_an_abandoned_payment_may_turn_paid_later(world_and_invoice: tuple[World, str]) -> None:
    world, number = world_and_invoice
    payfip = FakePayfip()
    attempt = open_online(world, payfip, number).attempt
    payfip.finish(attempt.id_op, "A")
    assert check(world, payfip, attempt.id_op).state is AttemptState.ABANDONED  # type: ignore[union-attr]
    payfip.finish(attempt.id_op, "P", at=PAYING)
    assert check(world, payfip, attempt.id_op).state is AttemptState.PAID  # type: ignore[union-attr]
    assert len(online_payments(world)) == 1


def test_a_second_click_goes_back_to_the_same_payment_while_its_page_lives(
    world_and_invoice: tuple[World, str],
) -> None:
    world, number = world_and_invoice
    payfip = FakePayfip()
    first = open_online(world, payfip, number)
    again = open_online(world, payfip, number)  # a double click, « Back » from PayFiP
    assert (again.page_url, again.attempt.id_op) == (first.page_url, first.attempt.id_op)
    assert len(attempts(world)) == 1
    world.clock.advance(pendulum.duration(minutes=16))  # PayFiP's page is gone
    with pytest.raises(RuleViolation, match="attend encore la réponse des Finances Publiques"):
        open_online(world, payfip, number)
    payfip.finish(first.attempt.id_op, "P", at=PAYING)  # the notification has not come yet
    with pytest.raises(RuleViolation, match="déjà réglée"):
        open_online(world, payfip, number)
    assert len(attempts(world)) == 1
    assert len(online_payments(world)) == 1  # recorded by the second tab's check


def test_a_payment_opened_before_the_commune_changed_its_mode_is_judged_as_opened(
    world_and_invoice: tuple[World, str],
) -> None:
    world, number = world_and_invoice
    payfip = FakePayfip()
    attempt = open_online(world, payfip, number).attempt
    with_settings(world, mode=PayfipMode.PRODUCTION, numcli="654321")  # T, then W
    payfip.finish(attempt.id_op, "P", at=PAYING)
    assert check(world, payfip, attempt.id_op).state is AttemptState.PAID  # type: ignore[union-attr]
    [payment] = online_payments(world)
    assert payment.reference.startswith("PayFiP (mode test) carte bancaire, autorisation ")


def test_after_an_abandon_the_page_says_when_the_family_may_pay_again(
    world_and_invoice: tuple[World, str],
) -> None:
    world, number = world_and_invoice
    payfip = FakePayfip()
    world.clock.set(pendulum.datetime(2026, 10, 5, 9, 47, tz="Europe/Paris"))
    first = open_online(world, payfip, number).attempt
    payfip.finish(first.id_op, "A")
    check(world, payfip, first.id_op)

    refusal = why_not_online(
        world.uow(), world.clock, family_id=world.martin, invoice_number=number
    )
    assert refusal == (
        f"Un paiement en ligne de la facture {number}, ouvert à 9h47, attend encore la réponse "
        "des Finances Publiques : s'il n'aboutit pas, vous pourrez payer à nouveau à partir de "
        "10h07."
    )
    with pytest.raises(RuleViolation, match="à partir de"):
        open_online(world, payfip, number)

    world.clock.set(pendulum.datetime(2026, 10, 5, 10, 7, tz="Europe/Paris"))
    assert (
        why_not_online(world.uow(), world.clock, family_id=world.martin, invoice_number=number)
        is None
    )
    second = open_online(world, payfip, number).attempt
    assert second.id_op != first.id_op


def test_a_pending_attempt_older_than_the_window_no_longer_holds_the_page_back(
    world_and_invoice: tuple[World, str],
) -> None:
    world, number = world_and_invoice
    payfip = FakePayfip()
    first = open_online(world, payfip, number).attempt  # the family never chose on PayFiP
    world.clock.set(first.created_at.add(minutes=21))
    assert (
        why_not_online(world.uow(), world.clock, family_id=world.martin, invoice_number=number)
        is None
    )
    open_online(world, payfip, number)  # PayFiP still says P5: the first one expires
    assert [a.state for a in attempts(world)] == [AttemptState.EXPIRED, AttemptState.PENDING]


def test_after_a_refusal_the_family_may_try_again(world_and_invoice: tuple[World, str]) -> None:
    world, number = world_and_invoice
    payfip = FakePayfip()
    first = open_online(world, payfip, number).attempt
    payfip.finish(first.id_op, "R")
    second = open_online(world, payfip, number).attempt
    assert second.refdet != first.refdet
    assert second.id_op != first.id_op


def test_money_paid_at_the_desk_meanwhile_makes_the_online_payment_a_credit(
    world_and_invoice: tuple[World, str],
) -> None:
    world, number = world_and_invoice
    payfip = FakePayfip()
    attempt = open_online(world, payfip, number).attempt
    pay(world, number, str(attempt.amount.cents / 100).replace(".", ","))
    payfip.finish(attempt.id_op, "P", at=PAYING)
    check(world, payfip, attempt.id_op)
    account = family_account(world.uow(), world.martin)
    assert account.credit == attempt.amount
    assert account.balance == -attempt.amount


def test_an_invoice_cancelled_while_the_family_paid_turns_the_payment_into_a_credit(
    world_and_invoice: tuple[World, str],
) -> None:
    world, number = world_and_invoice
    payfip = FakePayfip()
    attempt = open_online(world, payfip, number).attempt
    invoices = world.store.committed(InvoiceState).invoices
    invoice = next(i for i in invoices if i.number == number)
    invoices.append(
        attrs.evolve(
            invoice,
            number="AV-2026-000001",
            kind=DocumentKind.CREDIT_NOTE,
            lines=tuple(attrs.evolve(line, quantity=-line.quantity) for line in invoice.lines),
            corrects=number,
        )
    )
    payfip.finish(attempt.id_op, "P", at=PAYING)
    assert check(world, payfip, attempt.id_op).state is AttemptState.PAID
    [payment] = online_payments(world)
    assert (payment.amount, payment.invoice_number) == (attempt.amount, None)
    assert family_account(world.uow(), world.martin).credit == attempt.amount


@pytest.mark.parametrize(
    ("setting", "invoice_change", "refusal"),
    [
        ({"enabled": False}, {}, "ne propose pas le paiement en ligne"),
        ({}, {"direct_debit_on": date(2026, 10, 15)}, "prélevée automatiquement"),
        ({}, {"pay_online_until": date(2026, 10, 4)}, "était possible jusqu'au 04/10/2026"),
    ],
)
def test_invoices_that_may_not_be_paid_online_are_refused_with_their_reason(
    world_and_invoice: tuple[World, str],
    setting: dict[str, object],
    invoice_change: dict[str, object],
    refusal: str,
) -> None:
    world, number = world_and_invoice
    with_settings(world, **setting)
    if invoice_change:
        invoices = world.store.committed(InvoiceState).invoices
        index = next(i for i, inv in enumerate(invoices) if inv.number == number)
        invoices[index] = attrs.evolve(invoices[index], **invoice_change)
    with pytest.raises(RuleViolation, match=refusal):
        open_online(world, FakePayfip(), number)
    assert attempts(world) == []


def test_an_amount_under_one_euro_is_not_sent_to_payfip(
    world_and_invoice: tuple[World, str],
) -> None:
    world, number = world_and_invoice
    left = balance(world) - Money(50)
    pay(world, number, f"{left.cents // 100},{left.cents % 100:02d}")
    with pytest.raises(RuleViolation, match="PayFiP n'accepte pas un paiement de 0,50"):
        open_online(world, FakePayfip(), number)


def test_another_familys_invoice_is_not_found(world_and_invoice: tuple[World, str]) -> None:
    world, number = world_and_invoice
    other = world.add_family()
    with pytest.raises(NotFound):
        open_online(world, FakePayfip(), number, family=other)


def test_an_operation_the_portal_never_opened_is_ignored(
    world_and_invoice: tuple[World, str],
) -> None:
    world, _ = world_and_invoice
    payfip = FakePayfip()
    assert check(world, payfip, "00000000-0000-0000-0000-000000000000") is None
    assert payfip.calls == []


def test_the_reconciliation_records_what_no_notification_told(
    world_and_invoice: tuple[World, str],
) -> None:
    world, number = world_and_invoice
    payfip = FakePayfip()
    attempt = open_online(world, payfip, number).attempt
    payfip.finish(attempt.id_op, "P", at=PAYING)  # the notification is lost
    too_young = reconcile_online_payments(world.uow, payfip, world.clock)
    assert too_young.checked == 0
    world.clock.advance(pendulum.duration(minutes=6))
    report = reconcile_online_payments(world.uow, payfip, world.clock)
    assert (report.checked, report.states, report.unreachable) == (1, {"payée": 1}, 0)
    assert len(online_payments(world)) == 1
    assert reconcile_online_payments(world.uow, payfip, world.clock).checked == 0


def test_the_reconciliation_counts_what_payfip_did_not_answer(
    world_and_invoice: tuple[World, str],
) -> None:
    world, number = world_and_invoice
    payfip = FakePayfip()
    open_online(world, payfip, number)
    world.clock.advance(pendulum.duration(minutes=6))
    payfip.down = True
    report = reconcile_online_payments(world.uow, payfip, world.clock)
    assert (report.checked, report.unreachable) == (1, 1)
    assert attempts(world)[0].state is AttemptState.PENDING


def test_the_configuration_check_asks_payfip_about_the_client_number(
    world_and_invoice: tuple[World, str],
) -> None:
    world, _ = world_and_invoice
    details = check_payfip_client(world.uow(read_only=True), FakePayfip())
    assert details.names == ("Ville de Démo",)
    with pytest.raises(OnlinePaymentError) as refused:
        check_payfip_client(world.uow(read_only=True), FakePayfip(clients={}))
    assert refused.value.code == "P2"


def test_a_reference_is_the_invoice_number_then_four_random_characters() -> None:
    first, second = refdet_for("FA-2026-000123"), refdet_for("FA-2026-000123")
    assert first.startswith("FA2026000123")
    assert len(first) == 16
    assert first != second
    assert first.isascii()
    assert first.isalnum()
    assert first.isupper()


def test_the_label_keeps_ascii_letters_digits_and_spaces_only() -> None:
    assert payfip_label("Facture FA-2026-000123 Ville de Démo-sur-Mer !") == (
        "Facture FA 2026 000123 Ville de Demo sur Mer"
    )
    assert len(payfip_label("é" * 300)) <= 100


OPENED = PaymentAttempt(
    1,
    "FA-2026-000001",
    "FA2026000001ABCD",
    Money(5200),
    "op",
    pendulum.datetime(2026, 10, 5),
    numcli="123456",
    mode=PayfipMode.TEST,
)


@given(
    result=st.sampled_from(["P", "V", "R", "Z", "A", "E", ""]),
    refdet=st.sampled_from([OPENED.refdet, "FA2026000001WXYZ"]),
    amount=st.sampled_from([Money(5200), Money(5199), None]),
    numcli=st.sampled_from(["123456", "123457"]),
    mode=st.sampled_from(["T", "W"]),
)
def test_paid_only_for_card_or_debit_with_everything_as_opened(
    result: str, refdet: str, amount: Money | None, numcli: str, mode: str
) -> None:
    attempt = attrs.evolve(OPENED)
    report = PaymentReport("op", result, refdet, amount, numcli, mode, "123456")
    state = attempt.judge(report, pendulum.datetime(2026, 10, 5, 0, 5))
    as_opened = (refdet, amount, numcli, mode) == (OPENED.refdet, Money(5200), "123456", "T")
    assert (state is AttemptState.PAID) == (result in ("P", "V") and as_opened)
    if result in ("P", "V") and not as_opened:
        assert state is AttemptState.REJECTED
        assert attempt.problem
