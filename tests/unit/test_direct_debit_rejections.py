"""A direct debit the family's bank rejected (SEPA R-transaction), on the in-memory twin: the
debit reversed, the invoice to pay again with the bank's reason, the mandate suspended until the
desk resumes it, the family e-mailed, everything audited; the next exports leave it out."""

from __future__ import annotations

from datetime import date

import attrs
import pendulum
import pytest

from adapters.memory.audit import AuditState
from adapters.memory.billing import InvoiceState
from adapters.memory.messaging import MessagingState
from adapters.memory.payments import PaymentState
from portail_core.domain.billing.invoice import Invoice
from portail_core.domain.payments.direct_debit import REJECTION_REASONS, rejection_reason
from portail_core.domain.payments.payment import PaymentMode
from portail_core.errors import Conflict, InvalidInput, RuleViolation
from portail_core.services.billing.documents import invoice_sheet
from portail_core.services.billing.invoices import InvoiceStatus, family_account
from portail_core.services.billing.run import run_billing
from portail_core.services.payments.online import online_refusal
from portail_core.services.payments.rejections import reject_direct_debit, resume_mandate
from tests.unit.reservation_world import DESK, World
from tests.unit.test_billing import euros
from tests.unit.test_direct_debit import (
    EXPORT_DAY,
    OTHER_IBAN,
    book_lea,
    export,
    mandate_world,
    sign,
)

REJECTED_DAY = pendulum.datetime(2026, 11, 17, 10, 0, tz="Europe/Paris")
PUBLIC_URL = "https://famille.demo.example"


def exported() -> tuple[World, int, str]:
    """Martin's September invoice (52,00 €) debited by the export of 5 October."""
    world, durand = mandate_world()
    world.clock.set(EXPORT_DAY)
    [debit] = export(world).batch.debits
    return world, durand, debit.invoice_number


def reject(world: World, number: str, reason: str = "AM04", **options: object):
    world.clock.set(REJECTED_DAY)
    return reject_direct_debit(
        world.uow(),
        world.clock,
        invoice_number=number,
        reason=reason,
        actor=DESK,
        public_url=PUBLIC_URL,
        **options,  # type: ignore[arg-type]
    )


def view_of(world: World, number: str):
    account = family_account(world.uow(read_only=True), world.martin)
    return next(v for v in account.invoices if v.invoice.number == number)


def test_the_rejection_reverses_the_debit_and_the_invoice_is_to_pay_again() -> None:
    world, _, number = exported()
    assert view_of(world, number).status is InvoiceStatus.DEBITED
    rejection = reject(world, number, "am04", rejected_on=date(2026, 11, 16))
    assert (rejection.reason, rejection.amount, rejection.invoice_balance) == (
        "AM04",
        euros("52,00"),
        euros("52,00"),
    )
    view = view_of(world, number)
    assert (view.status, view.balance) == (InvoiceStatus.TO_PAY, euros("52,00"))
    assert view.invoice.direct_debit_on is None  # no debit planned any more
    assert view.rejection is not None
    assert view.rejection.amount == euros("-52,00")
    assert view.rejection.reference.startswith("AM04 PORTAIL-PRLV-2026-09 PF-")
    [reversal] = [
        p
        for p in world.store.committed(PaymentState).payments
        if p.mode is PaymentMode.DIRECT_DEBIT_REJECTED
    ]
    assert (reversal.received_on, reversal.invoice_number) == (date(2026, 11, 16), number)


def test_the_family_reads_the_reason_and_may_pay_otherwise() -> None:
    world, _, number = exported()
    reject(world, number, "AC04")
    sheet = invoice_sheet(world.uow(read_only=True), number, family_id=world.martin)
    assert sheet.debit_rejection.startswith(
        "Le prélèvement de cette facture a été rejeté par votre banque le 17/11/2026, motif "
        "AC04 (compte clôturé)."
    )
    assert sheet.payment_options  # by cheque, at the desk...
    assert "prélevée le" not in sheet.payment_note
    with world.uow(read_only=True) as uow:
        commune = uow.communes.get()
    assert commune is not None
    online = attrs.evolve(commune.online_payment, enabled=True)
    refusal = online_refusal(view_of(world, number), online, date(2026, 11, 17))
    assert refusal is None or "prélevée automatiquement" not in refusal


def test_the_mandate_is_suspended_and_the_family_emailed_and_the_history_kept() -> None:
    world, _, number = exported()
    rejection = reject(world, number, "MS02")
    family = world.family()
    assert family.mandate is not None
    assert family.mandate.suspended_on == date(2026, 11, 17)
    assert family.mandate.state == "suspendu"
    assert not family.pays_by_direct_debit
    assert rejection.emailed_to == "claire.martin@example.fr"
    [email] = [
        m
        for m in world.store.committed(MessagingState).outbox
        if m.template == "direct_debit_rejected"
    ]
    assert email.to == "claire.martin@example.fr"
    assert email.context["reason_code"] == "MS02"
    assert email.context["reason"] == REJECTION_REASONS["MS02"]
    assert email.context["invoice_url"] == f"{PUBLIC_URL}/factures/{number}"
    assert email.family_id == world.martin
    [event] = [
        e
        for e in world.store.committed(AuditState).audit_events
        if e.action == "payment.direct_debit_rejected"
    ]
    assert event.family_id == world.martin
    assert f"Prélèvement de la facture {number} rejeté le 17/11/2026, motif MS02" in event.summary
    assert "mandat PF-" in event.summary


def test_wrong_rejections_are_refused_and_change_nothing() -> None:
    world, durand, number = exported()
    with pytest.raises(InvalidInput, match="Motif de rejet inconnu"):
        reject(world, number, "XX99")
    with pytest.raises(InvalidInput, match="futur"):
        reject(world, number, rejected_on=date(2026, 12, 1))
    not_debited = next(
        i.number for i in world.store.committed(InvoiceState).invoices if i.family_id == durand
    )
    with pytest.raises(RuleViolation, match="n'a pas été prélevée"):
        reject(world, not_debited)
    reject(world, number)
    with pytest.raises(Conflict, match="déjà enregistré"):
        reject(world, number, "AC04")
    assert len(world.store.committed(PaymentState).payments) == 2  # the debit, its reversal


def test_the_months_file_cannot_be_made_again_once_the_bank_rejected_part_of_it() -> None:
    world, _, number = exported()
    reject(world, number)
    with pytest.raises(RuleViolation, match="ne peut pas être refait"):
        export(world)


def test_the_next_exports_leave_the_family_out_until_the_desk_resumes_its_mandate() -> None:
    world, durand, number = exported()
    sign(world, durand, iban=OTHER_IBAN, holder="Marc Durand", signed_on=date(2026, 10, 3))
    october = [date(2026, 10, 7), date(2026, 10, 14)]
    for family in (world.martin, durand):
        book_lea(world, family, october)
    reject(world, number)
    bill(world, "2026-10", pendulum.datetime(2026, 11, 2, 9, 0, tz="Europe/Paris"))
    world.clock.set(pendulum.datetime(2026, 11, 20, 9, 0, tz="Europe/Paris"))
    result = export(world, month="2026-10", collection_date=date(2026, 12, 15))
    assert {d.family_id for d in result.batch.debits} == {durand}
    [left_out] = result.left_out
    assert "mandat suspendu depuis le 17/11/2026" in left_out
    assert f"`portail directdebit resume {world.martin}`" in left_out

    resumed = resume_mandate(world.uow(), world.clock, world.martin, actor=DESK)
    assert resumed.state == "actif"
    assert world.family().pays_by_direct_debit
    with pytest.raises(Conflict, match="pas de mandat de prélèvement suspendu"):
        resume_mandate(world.uow(), world.clock, world.martin, actor=DESK)
    book_lea(world, world.martin, [date(2026, 11, 4)])
    bill(world, "2026-11", pendulum.datetime(2026, 12, 1, 9, 0, tz="Europe/Paris"))
    world.clock.set(pendulum.datetime(2026, 12, 3, 9, 0, tz="Europe/Paris"))
    assert {d.family_id for d in export(world, month="2026-11").batch.debits} == {world.martin}
    assert view_of(world, number).status is InvoiceStatus.TO_PAY  # the rejected one: not again


def test_every_reason_code_has_a_french_label() -> None:
    assert rejection_reason(" md01 ") == "MD01"
    assert {"AC04", "AM04", "MD01", "MS02", "MD06"} <= set(REJECTION_REASONS)


def bill(world: World, month: str, on: pendulum.DateTime) -> list[Invoice]:
    world.clock.set(on)
    run_billing(world.uow(), world.clock, month=month, actor=DESK)
    return [i for i in world.store.committed(InvoiceState).invoices if i.month == month]
