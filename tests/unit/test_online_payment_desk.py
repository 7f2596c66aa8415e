"""What PayFiP's answer leaves to the desk: a payment rejected (not what was opened) holds back
any second payment of the invoice until the desk settles it, paid or not; and PayFiP's
notifications about operations the portal does not know cost nothing."""

from __future__ import annotations

import pytest

from adapters.memory.accounts import AccountState
from adapters.payfip.fake import FakePayfip
from portail_core.domain.audit import Actor
from portail_core.domain.payments.attempt import AttemptState, PaymentAttempt
from portail_core.domain.shared.money import Money
from portail_core.errors import InvalidInput, NotFound, RuleViolation
from portail_core.services.billing.invoices import family_account
from portail_core.services.payments.online import why_not_online
from portail_core.services.payments.online_desk import settle_online_attempt
from portail_core.services.payments.online_results import take_notification
from tests.unit.reservation_world import World
from tests.unit.test_online_payments import (
    PAYING,
    attempts,
    check,
    online_payments,
    open_online,
    world_and_invoice,  # noqa: F401  (fixture)
)
from tests.unit.test_payments import audit, outbox

DESK = Actor.staff("agent")


def rejected(world: World, number: str) -> tuple[FakePayfip, PaymentAttempt]:
    """A payment PayFiP says it took, but for another amount than the one opened."""
    payfip = FakePayfip()
    attempt = open_online(world, payfip, number).attempt
    payfip.finish(attempt.id_op, "P", at=PAYING)
    payfip.tamper(attempt.id_op, amount=attempt.amount + Money(100))
    checked = check(world, payfip, attempt.id_op)
    assert checked is not None
    assert checked.state is AttemptState.REJECTED
    return payfip, checked


def settle(world: World, id_op: str, paid_amount: str | None, note: str = "vu sur PayFiP"):
    return settle_online_attempt(
        world.uow(), world.clock, id_op=id_op, paid_amount=paid_amount, note=note, actor=DESK
    )


def test_a_rejected_payment_holds_back_a_second_one_and_says_the_desk_checks_it(
    world_and_invoice: tuple[World, str],
) -> None:
    world, number = world_and_invoice
    payfip, attempt = rejected(world, number)
    assert attempt.authorisation  # kept for the desk
    page = why_not_online(world.uow(), world.clock, family_id=world.martin, invoice_number=number)
    assert page is not None
    assert "est vérifié par le guichet unique : ne payez pas à nouveau" in page
    world.clock.advance(PAYING.add(days=1) - PAYING)
    with pytest.raises(RuleViolation, match="vérifié par le guichet unique"):
        open_online(world, payfip, number)
    assert len(attempts(world)) == 1


def test_the_desk_records_what_payfip_really_collected(
    world_and_invoice: tuple[World, str],
) -> None:
    world, number = world_and_invoice
    _, attempt = rejected(world, number)
    before = len(outbox(world))
    settled = settle(world, attempt.id_op, "1,00", note="montant vérifié dans l'espace régie")
    assert settled.state is AttemptState.PAID
    assert "réglé par le guichet : montant vérifié" in settled.problem
    [payment] = online_payments(world)
    assert (payment.amount, payment.invoice_number) == (Money(100), number)
    assert payment.reference.startswith("PayFiP, vérifié par le guichet")
    assert [m.template for m in outbox(world)[before:]] == ["payment_receipt"]
    [event] = audit(world, "payment.online_settle")
    assert "payé 1,00" in event.summary
    page = why_not_online(world.uow(), world.clock, family_id=world.martin, invoice_number=number)
    assert page is None  # the rest may be paid online


def test_the_desk_closes_a_payment_payfip_never_collected(
    world_and_invoice: tuple[World, str],
) -> None:
    world, number = world_and_invoice
    payfip, attempt = rejected(world, number)
    settled = settle(world, attempt.id_op, None)
    assert settled.state is AttemptState.CLOSED
    assert online_payments(world) == []
    assert "classé sans paiement" in audit(world, "payment.online_settle")[0].summary
    second = open_online(world, payfip, number).attempt
    assert second.id_op != attempt.id_op


def test_only_a_payment_left_to_the_desk_is_settled_by_it(
    world_and_invoice: tuple[World, str],
) -> None:
    world, number = world_and_invoice
    payfip = FakePayfip()
    attempt = open_online(world, payfip, number).attempt
    with pytest.raises(RuleViolation, match="seul un paiement rejeté ou en erreur"):
        settle(world, attempt.id_op, None)
    with pytest.raises(NotFound):
        settle(world, "inconnue", None)
    assert [a.state for a in attempts(world)] == [AttemptState.PENDING]


@pytest.mark.parametrize(
    ("amount", "note", "field"),
    [("douze", "vu", "paid_amount"), ("-3", "vu", "paid_amount"), ("5,00", "  ", "note")],
)
def test_what_the_desk_typed_wrong_is_refused_and_nothing_changes(
    world_and_invoice: tuple[World, str], amount: str, note: str, field: str
) -> None:
    world, number = world_and_invoice
    _, attempt = rejected(world, number)
    with pytest.raises(InvalidInput) as refused:
        settle(world, attempt.id_op, amount, note=note)
    assert field in refused.value.problems
    assert [a.state for a in attempts(world)] == [AttemptState.REJECTED]
    assert online_payments(world) == []


def test_notifications_about_operations_the_portal_never_opened_are_not_counted(
    world_and_invoice: tuple[World, str],
) -> None:
    world, number = world_and_invoice
    payfip = FakePayfip()
    for n in range(5):
        assert (
            take_notification(world.uow, payfip, world.clock, id_op=f"x{n}", actor_ip="10.0.0.9")
            is None
        )
    assert world.store.committed(AccountState).throttles == {}
    assert payfip.calls == []
    attempt = open_online(world, payfip, number).attempt
    payfip.finish(attempt.id_op, "P", at=PAYING)
    taken = take_notification(
        world.uow, payfip, world.clock, id_op=attempt.id_op, actor_ip="10.0.0.9"
    )
    assert taken is not None
    assert taken.state is AttemptState.PAID
    assert family_account(world.uow(), world.martin).balance.is_zero
