"""Erasing a dossier: refused while money is owed or bookings are to come; otherwise nothing
left that identifies a person, invoices kept."""

from __future__ import annotations

from datetime import date

import pendulum
import pytest

from adapters.documents import InMemoryDocumentStore
from adapters.memory.audit import AuditState
from adapters.memory.billing import InvoiceState
from adapters.passwords import PlainTestHasher
from portail_core.domain.bookings.reservation import Reservation
from portail_core.domain.payments.payment import Payment, PaymentMode
from portail_core.errors import RuleViolation
from portail_core.services.billing.run import run_billing
from portail_core.services.dossiers.erasure import erase_family
from tests.unit.reservation_world import DESK, World, make_world

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def book(world: World, day: date) -> None:
    with world.uow() as uow:
        uow.reservations.add(
            Reservation(
                world.martin,
                world.child_id("Léa"),
                "ALSH",
                "JOURNEE",
                day,
                "ELEM",
                world.clock.now(),
                "R-TEST",
            )
        )
        uow.commit()


def erase(world: World, store: InMemoryDocumentStore):
    return erase_family(
        world.uow(), store, world.clock, PlainTestHasher(), family_id=world.martin, actor=DESK
    )


def test_money_owed_refuses_the_erasure_until_paid() -> None:
    world = make_world()
    store = InMemoryDocumentStore()
    book(world, date(2026, 9, 9))
    world.clock.set(pendulum.datetime(2026, 10, 2, 9, 0, tz="Europe/Paris"))
    run_billing(world.uow(), world.clock, month="2026-09", actor=DESK)
    with pytest.raises(RuleViolation, match="doit encore 10,40"):
        erase(world, store)
    assert world.family().name == "Martin"
    [invoice] = world.store.committed(InvoiceState).invoices
    with world.uow() as uow:
        uow.payments.add(
            Payment(
                world.martin,
                invoice.total,
                PaymentMode.CASH,
                "caisse",
                date(2026, 10, 3),
                world.clock.now(),
                "agent",
                invoice.number,
            )
        )
        uow.commit()
    erase(world, store)
    assert world.family().name == f"Dossier effacé n° {world.martin}"
    assert world.store.committed(InvoiceState).invoices == [invoice]  # kept: public accounting


def test_bookings_to_come_refuse_the_erasure() -> None:
    world = make_world()
    book(world, date(2026, 9, 9))
    with pytest.raises(RuleViolation, match="réservation"):
        erase(world, InMemoryDocumentStore())


def test_nothing_identifying_is_left() -> None:
    world = make_world()
    store = InMemoryDocumentStore()
    stored = store.save(world.martin, PDF, "attestation.pdf")
    with world.uow() as uow:
        family = uow.families.get(world.martin)
        assert family is not None
        family.documents = [
            d.__class__(d.kind, stored.file_id, d.uploaded_at, d.valid_until)
            for d in family.documents
        ]
        uow.families.update(family, world.clock.now())
        uow.commit()
    report = erase(world, store)
    family = world.family()
    text = repr(family) + repr(family.children) + repr(family.guardians)
    for personal in ("Martin", "Claire", "Léa", "Tom", "Pins", "claire.martin", "Josette", "+33"):
        assert personal not in text
    assert [c.birth_date for c in family.children] == [date(2019, 1, 1), date(2021, 1, 1)]
    assert report.files_deleted == 1
    events = [
        e for e in world.store.committed(AuditState).audit_events if e.family_id == world.martin
    ]
    assert events[-1].action == "family.erase"
    assert all("Martin" not in e.summary and not e.details for e in events[:-1])
