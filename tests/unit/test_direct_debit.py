"""Direct debit on the in-memory twin: the mandate in the dossier (IBAN masked in the history),
the billing run's planned collection date, and the month's export recorded as paid by direct
debit in one transaction, idempotent when run again."""

from __future__ import annotations

from datetime import date

import pendulum
import pytest

from adapters.memory.audit import AuditState
from adapters.memory.billing import InvoiceState
from adapters.memory.payments import PaymentState, RecordingDebitWriter
from adapters.persistence.codec import domain_codec
from portail_core.domain.bookings.reservation import Reservation
from portail_core.domain.dossiers.family import Family
from portail_core.domain.payments.direct_debit import (
    Creditor,
    SepaMandate,
    collection_date,
    masked_iban,
    sepa_text,
)
from portail_core.domain.payments.payment import PaymentMode
from portail_core.errors import Conflict, InvalidInput, RuleViolation
from portail_core.services.billing.invoices import InvoiceStatus, family_account
from portail_core.services.payments.desk import record_payment
from portail_core.services.payments.direct_debit import DebitExport, export_direct_debits
from portail_core.services.payments.mandates import list_mandates, revoke_mandate, sign_mandate
from tests.unit.reservation_world import DESK, World, make_world
from tests.unit.test_billing import AFTER_SEPTEMBER, SEPTEMBER_WEDNESDAYS, euros, run

IBAN = "FR7630006000011234567890189"
OTHER_IBAN = "FR7630001007941234567890185"
CREDITOR = Creditor("Ville de Demo-sur-Mer", "FR72ZZZ123456", OTHER_IBAN, "BDFEFRPP")
EXPORT_DAY = pendulum.datetime(2026, 10, 5, 9, 0, tz="Europe/Paris")


def sign(world: World, family_id: int | None = None, **changes: object):
    arguments: dict[str, object] = {
        "holder": "Claire Martin",
        "iban": IBAN,
        "signed_on": date(2026, 6, 1),
        **changes,
    }
    return sign_mandate(
        world.uow(),
        world.clock,
        family_id or world.martin,
        actor=DESK,
        **arguments,  # type: ignore[arg-type]
    )


def book_lea(world: World, family_id: int, days: list[date]) -> None:
    child = world.child_id("Léa", family_id)
    with world.uow() as uow:
        for day in days:
            uow.reservations.add(
                Reservation(
                    family_id, child, "ALSH", "JOURNEE", day, "ELEM", world.clock.now(), "R"
                )
            )
        uow.commit()


def export(
    world: World,
    writer: RecordingDebitWriter | None = None,
    month: str = "2026-09",
    **options: object,
):
    saved: list[bytes] = []
    result = export_direct_debits(
        world.uow(),
        world.clock,
        month=month,
        creditor=CREDITOR,
        writer=writer or RecordingDebitWriter(),
        save=saved.append,
        actor=DESK,
        **options,  # type: ignore[arg-type]
    )
    assert saved == [result.document]
    return result


def mandate_world() -> tuple[World, int]:
    """Martin pays by direct debit (5 days, 52,00 €), Durand does not (2 days, 20,80 €); their
    September is billed on 2 October."""
    world = make_world()
    world.clock.set(pendulum.datetime(2026, 9, 20, 9, 0, tz="Europe/Paris"))
    sign(world)
    durand = world.add_family()
    book_lea(world, world.martin, SEPTEMBER_WEDNESDAYS)
    book_lea(world, durand, SEPTEMBER_WEDNESDAYS[:2])
    run(world)
    return world, durand


def test_the_planned_collection_date_leaves_fourteen_days_of_notice() -> None:
    assert collection_date(date(2026, 10, 1)) == date(2026, 10, 15)
    assert collection_date(date(2026, 10, 2)) == date(2026, 11, 15)
    assert collection_date(date(2026, 12, 10)) == date(2027, 1, 15)
    assert collection_date(date(2026, 10, 2), day=20) == date(2026, 10, 20)
    with pytest.raises(ValueError, match="1 to 28"):
        collection_date(date(2026, 10, 2), day=31)


def test_a_mandate_is_read_from_the_desks_input_with_every_problem_listed() -> None:
    with pytest.raises(InvalidInput) as raised:
        SepaMandate.create(
            holder="  ",
            iban="not an iban",
            rum="PF 12",
            signed_on=date(2026, 10, 1),
            bic="XX",
            today=date(2026, 9, 30),
        )
    assert set(raised.value.problems) == {"holder", "iban", "rum", "signed_on", "bic"}
    assert "futur" in raised.value.problems["signed_on"]
    mandate = SepaMandate.create(
        holder="Claire  Martin",
        iban="fr76 3000 6000 0112 3456 7890 189",
        rum="PF-1",
        signed_on="15/09/2026",
        today=date(2026, 9, 30),
    )
    assert (mandate.holder, mandate.iban, mandate.masked_iban) == (
        "Claire Martin",
        IBAN,
        "FR76 **** 0189",
    )


def test_the_mandate_survives_the_dossiers_json_and_old_dossiers_have_none() -> None:
    world = make_world()
    sign(world, bic="AGRIFRPP")
    family = world.family()
    codec = domain_codec()
    data = codec.unstructure(family, Family)
    assert data["mandate"]["iban"] == IBAN
    again = codec.structure(data, Family)
    assert again.mandate == family.mandate
    del data["mandate"]  # a dossier stored before direct debit existed
    assert codec.structure(data, Family).mandate is None


def test_signing_records_the_history_with_the_iban_masked_and_a_default_rum() -> None:
    world = make_world()
    mandate = sign(world)
    assert mandate.rum == f"PF-{world.martin:06d}-20260601"
    assert world.family().pays_by_direct_debit
    [event] = [
        e for e in world.store.committed(AuditState).audit_events if e.action == "family.mandate"
    ]
    assert event.family_id == world.martin
    assert IBAN not in repr(event)
    assert event.details["changes"]["mandate.iban"] == [None, "FR76 **** 0189"]
    second = sign(world, iban=OTHER_IBAN, holder="Paul Martin")  # the same day, a new account
    assert second.rum == f"PF-{world.martin:06d}-20260601-2"
    events = [
        e for e in world.store.committed(AuditState).audit_events if e.action == "family.mandate"
    ]
    assert events[-1].details["changes"]["mandate.iban"] == ["FR76 **** 0189", "FR76 **** 0185"]
    assert all(OTHER_IBAN not in repr(e) and IBAN not in repr(e) for e in events)


def test_a_rum_is_unique_and_a_new_account_needs_a_new_mandate() -> None:
    world = make_world()
    sign(world, rum="RUM-MARTIN")
    durand = world.add_family()
    with pytest.raises(Conflict, match="autre famille"):
        sign(world, durand, rum="RUM-MARTIN")
    with pytest.raises(InvalidInput, match="attribuées par le portail"):
        sign(world, durand, rum=f"pf-{world.martin:06d}-20260601")
    with pytest.raises(RuleViolation, match="nouveau mandat"):
        sign(world, rum="RUM-MARTIN", iban=OTHER_IBAN)
    sign(world, rum="RUM-MARTIN", holder="Claire Martin-Durand")  # same account: corrected


def test_a_revoked_mandate_stays_in_the_dossier_inactive() -> None:
    world = make_world()
    sign(world)
    revoked = revoke_mandate(world.uow(), world.clock, world.martin, actor=DESK)
    assert not revoked.active
    assert not world.family().pays_by_direct_debit
    assert list_mandates(world.uow(), active_only=True) == []
    assert len(list_mandates(world.uow())) == 1
    with pytest.raises(Conflict, match="pas de mandat"):
        revoke_mandate(world.uow(), world.clock, world.martin, actor=DESK)


def test_the_billing_run_plans_the_debit_of_mandate_families_only() -> None:
    world, durand = mandate_world()
    by_family = {i.family_id: i for i in world.store.committed(InvoiceState).invoices}
    assert by_family[world.martin].direct_debit_on == date(2026, 11, 15)  # issued on 2/10
    assert by_family[durand].direct_debit_on is None


def test_the_billing_run_takes_the_towns_debit_day() -> None:
    from portail_core.services.billing.run import run_billing

    world = make_world()
    sign(world)
    book_lea(world, world.martin, SEPTEMBER_WEDNESDAYS)
    world.clock.set(AFTER_SEPTEMBER)
    run_billing(world.uow(), world.clock, month="2026-09", actor=DESK, direct_debit_day=20)
    [invoice] = world.store.committed(InvoiceState).invoices
    assert invoice.direct_debit_on == date(2026, 10, 20)
    with pytest.raises(InvalidInput, match="1 à 28"):
        run_billing(world.uow(), world.clock, month="2026-09", actor=DESK, direct_debit_day=29)


def test_the_export_debits_the_mandate_families_invoices_and_marks_them_debited() -> None:
    world, durand = mandate_world()
    world.clock.set(EXPORT_DAY)
    writer = RecordingDebitWriter()
    result = export(world, writer)
    [batch] = writer.batches
    [debit] = batch.debits
    assert (debit.family_id, debit.amount, debit.collection_date) == (
        world.martin,
        euros("52,00"),
        date(2026, 11, 15),
    )
    assert debit.description == f"Facture {debit.invoice_number} septembre 2026"
    assert batch.control_sum == euros("52,00")
    assert batch.message_id == "PORTAIL-PRLV-2026-09"
    assert not result.again
    account = family_account(world.uow(), world.martin)
    assert account.invoices[0].status is InvoiceStatus.DEBITED
    assert account.balance == euros("0")
    [payment] = world.store.committed(PaymentState).payments
    assert payment.mode is PaymentMode.DIRECT_DEBIT
    assert payment.reference == f"PORTAIL-PRLV-2026-09 PF-{world.martin:06d}-20260601"
    assert family_account(world.uow(), durand).invoices[0].status is InvoiceStatus.TO_PAY
    events = [
        e
        for e in world.store.committed(AuditState).audit_events
        if e.action == "payment.direct_debit"
    ]
    assert [e.family_id for e in events] == [world.martin]
    assert IBAN not in repr(world.store.committed(AuditState).audit_events)


def test_exporting_a_month_again_rebuilds_the_same_debits_and_records_nothing() -> None:
    world, _ = mandate_world()
    world.clock.set(EXPORT_DAY)
    first = export(world)
    second: DebitExport = export(world)
    assert second.again
    assert second.document == first.document
    assert len(world.store.committed(PaymentState).payments) == 1
    with pytest.raises(InvalidInput, match="déjà été exporté"):
        export(world, collection_date=date(2026, 11, 20))


def test_a_partly_paid_invoice_is_debited_for_its_balance() -> None:
    world, _ = mandate_world()
    world.clock.set(EXPORT_DAY)
    number = next(
        i.number
        for i in world.store.committed(InvoiceState).invoices
        if i.family_id == world.martin
    )
    record_payment(
        world.uow(),
        world.clock,
        invoice_number=number,
        amount="12",
        mode="especes",
        reference="Q-1",
        actor=DESK,
    )
    [debit] = export(world).batch.debits
    assert debit.amount == euros("40,00")
    view = family_account(world.uow(), world.martin).invoices[0]
    assert view.status is InvoiceStatus.PAID  # partly at the desk: "payée", not "prélevée"


def test_a_failed_save_records_nothing() -> None:
    world, _ = mandate_world()
    world.clock.set(EXPORT_DAY)

    def broken(_: bytes) -> None:
        raise OSError("disque plein")

    with pytest.raises(OSError, match="disque plein"):
        export_direct_debits(
            world.uow(),
            world.clock,
            month="2026-09",
            creditor=CREDITOR,
            writer=RecordingDebitWriter(),
            save=broken,
            actor=DESK,
        )
    assert world.store.committed(PaymentState).payments == []


def test_the_export_is_refused_without_a_future_date_or_anything_to_debit() -> None:
    world, _ = mandate_world()
    world.clock.set(pendulum.datetime(2026, 11, 16, 9, 0, tz="Europe/Paris"))
    with pytest.raises(RuleViolation, match="date de prélèvement passée"):
        export(world)
    assert export(world, collection_date=date(2026, 11, 20)).batch.debits[0].collection_date == (
        date(2026, 11, 20)
    )
    with pytest.raises(InvalidInput, match="AAAA-MM"):
        export(world, month="septembre")
    empty = make_world()
    empty.clock.set(EXPORT_DAY)
    with pytest.raises(RuleViolation, match="Aucune facture à prélever"):
        export(empty)


def test_a_family_whose_mandate_was_signed_after_billing_needs_a_collection_date() -> None:
    world, durand = mandate_world()
    world.clock.set(EXPORT_DAY)
    sign(world, durand, iban=OTHER_IBAN, holder="Marc Durand", signed_on=date(2026, 10, 3))
    with pytest.raises(RuleViolation, match="aucune date de prélèvement prévue"):
        export(world)
    result = export(world, collection_date=date(2026, 10, 20))
    assert {d.family_id for d in result.batch.debits} == {world.martin, durand}
    assert result.batch.control_sum == euros("72,80")


def test_sepa_texts_keep_to_the_banks_character_set() -> None:
    assert sepa_text("Crèche « Les Pins » & Cie @ Démo", 70) == "Creche Les Pins Cie Demo"
    assert sepa_text("x" * 100, 70) == "x" * 70
    assert masked_iban("FR12") == "****"
