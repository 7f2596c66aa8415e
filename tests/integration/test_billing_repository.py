"""The billing repositories (attendance marks, absences, invoices with their numbering,
payments) on the in-memory twin, SQLite and PostgreSQL alike, and the monthly billing run
through the real SqlUnitOfWork on both databases: the same invoices as the in-memory run, a
re-run that creates nothing, a correction by credit note."""

from __future__ import annotations

from datetime import date
from functools import partial
from typing import Any

import attrs
import pendulum
import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import IntegrityError

from adapters.clock import FixedClock
from adapters.memory import InMemoryStore, InMemoryUnitOfWork
from adapters.persistence import SqlUnitOfWork
from portail_core.domain.absences import Absence, AbsenceReason
from portail_core.domain.attendance import AttendanceMark, Presence
from portail_core.domain.audit import Actor, Channel
from portail_core.domain.billing.consumption import ConsumptionState, Pricing
from portail_core.domain.billing.invoice import DocumentKind, Invoice, InvoiceLine, InvoiceTotal
from portail_core.domain.bookings.reservation import Reservation
from portail_core.domain.dossiers.family import Family, FamilyQuotient
from portail_core.domain.payments.payment import Payment, PaymentMode
from portail_core.domain.shared.money import Money
from portail_core.ports.unit_of_work import UnitOfWorkFactory
from portail_core.services.billing.bills import BillingReport
from portail_core.services.billing.run import run_billing
from portail_core.services.catalogue.offer import load_catalogue
from portail_core.services.dossiers.creation import create_family
from tests.integration.conftest import UowFactory
from tests.unit.dossier_builders import complete_family
from tests.unit.reservation_world import DESK, NOW, demo_catalogue

BILLING_DAY = pendulum.datetime(2026, 10, 2, 9, 0, tz="Europe/Paris")
RECORDED = pendulum.datetime(2026, 9, 9, 18, 30, 15, tz="Europe/Paris")
WEDNESDAYS = [date(2026, 9, d) for d in (2, 9, 16, 23, 30)]
SCHOOL_DAYS = [date(2026, 9, d) for d in (7, 8, 10, 11, 14, 15, 17, 18, 21, 22)]


def euros(amount: str) -> Money:
    return Money.from_euros(amount)


def add_family(new_uow: UowFactory | UnitOfWorkFactory, name: str = "Martin") -> tuple[int, int]:
    """A complete family (Léa, Tom); its id and Léa's."""
    family = attrs.evolve(complete_family(), name=name)
    with new_uow() as uow:
        uow.families.add(family, NOW)
        uow.commit()
    assert family.id is not None
    assert family.children[0].id is not None
    return family.id, family.children[0].id


def a_mark(
    child_id: int, day: date, unit: str = "JOURNEE", establishment: str = "ALSH"
) -> AttendanceMark:
    return AttendanceMark(child_id, establishment, unit, day, Presence.PRESENT, RECORDED, "agent")


# ------------------------------------------------------------------------- attendance marks


def test_a_mark_reads_back_whole_and_recording_it_again_replaces_it(
    new_uow: UowFactory,
) -> None:
    _, lea = add_family(new_uow)
    first = a_mark(lea, WEDNESDAYS[1])
    with new_uow() as uow:
        assert uow.attendance.record(first) is None
        uow.commit()
    corrected = attrs.evolve(first, presence=Presence.ABSENT, recorded_by="directrice")
    with new_uow() as uow:
        assert uow.attendance.record(corrected) == first  # the mark it replaced, whole
        uow.commit()
    with new_uow(read_only=True) as uow:
        assert uow.attendance.between(WEDNESDAYS[0], WEDNESDAYS[-1]) == [corrected]
        [back] = uow.attendance.between(WEDNESDAYS[1], WEDNESDAYS[1])
    assert back.recorded_at == RECORDED
    assert back.recorded_at.timezone_name == "UTC"
    assert back.presence is Presence.ABSENT


def test_marks_are_ordered_by_day_establishment_unit_and_child_and_filtered(
    new_uow: UowFactory,
) -> None:
    _, lea = add_family(new_uow)
    _, other = add_family(new_uow, "Bernard")
    marks = [
        a_mark(other, WEDNESDAYS[2], "MATIN"),
        a_mark(lea, WEDNESDAYS[2], "MATIN"),
        a_mark(lea, WEDNESDAYS[2], "APRES-MIDI"),
        a_mark(lea, SCHOOL_DAYS[0], "REPAS", "CANTINE-PLAGE"),
        a_mark(lea, SCHOOL_DAYS[0], "SOIR", "APS-PLAGE"),
        a_mark(other, WEDNESDAYS[0]),
        a_mark(lea, date(2026, 10, 7)),  # next month
        a_mark(lea, date(2026, 8, 31)),  # last month
    ]
    with new_uow() as uow:
        for mark in marks:
            uow.attendance.record(mark)
        uow.commit()
    with new_uow(read_only=True) as uow:
        september = uow.attendance.between(date(2026, 9, 1), date(2026, 9, 30))
        alsh = uow.attendance.between(
            date(2026, 9, 1), date(2026, 9, 30), establishment_code="ALSH"
        )
        edges = uow.attendance.between(date(2026, 8, 31), date(2026, 10, 7))
    assert september == sorted(
        marks[:6], key=lambda m: (m.day, m.establishment_code, m.unit_code, m.child_id)
    )
    assert [(m.day, m.unit_code, m.child_id) for m in september] == [
        (WEDNESDAYS[0], "JOURNEE", other),
        (SCHOOL_DAYS[0], "SOIR", lea),
        (SCHOOL_DAYS[0], "REPAS", lea),
        (WEDNESDAYS[2], "APRES-MIDI", lea),
        (WEDNESDAYS[2], "MATIN", lea),
        (WEDNESDAYS[2], "MATIN", other),
    ]
    assert alsh == [m for m in september if m.establishment_code == "ALSH"]
    assert len(edges) == len(marks)  # both bounds included


# -------------------------------------------------------------------------------- absences


def an_absence(family_id: int, child_id: int, first: date, last: date, **changes: Any) -> Absence:
    absence = Absence(
        family_id,
        child_id,
        first,
        last,
        AbsenceReason.ILLNESS,
        RECORDED,
        Actor("martin.1", Channel.PORTAL),
    )
    return attrs.evolve(absence, **changes)


def test_an_absence_reads_back_whole_and_is_updated_by_the_desk(new_uow: UowFactory) -> None:
    family, lea = add_family(new_uow)
    declared = an_absence(family, lea, date(2026, 9, 14), date(2026, 9, 18))
    with new_uow() as uow:
        stored = uow.absences.add(declared)
        uow.commit()
    assert stored.id is not None
    assert stored == declared  # the id is not part of equality
    with new_uow(read_only=True) as uow:
        back = uow.absences.get(stored.id)
    assert back == declared
    assert back is not None
    assert back.id == stored.id
    assert back.declared_by == Actor("martin.1", Channel.PORTAL)
    justified = attrs.evolve(
        stored,
        certificate_file="9f2c-certificat.pdf",
        justified=True,
        last_day=date(2026, 9, 21),
        reason=AbsenceReason.OTHER,
    )
    with new_uow() as uow:
        locked = uow.absences.get(stored.id, for_update=True)
        assert locked == stored
        uow.absences.update(justified)
        uow.commit()
    with new_uow(read_only=True) as uow:
        assert uow.absences.get(stored.id) == justified
        assert uow.absences.get(stored.id + 1000) is None


def test_absences_overlapping_a_period_in_the_order_they_were_declared(
    new_uow: UowFactory,
) -> None:
    martin, lea = add_family(new_uow)
    bernard, other = add_family(new_uow, "Bernard")
    declared = [
        an_absence(martin, lea, date(2026, 9, 28), date(2026, 10, 2)),  # overlaps the end
        an_absence(bernard, other, date(2026, 8, 25), date(2026, 9, 1)),  # overlaps the start
        an_absence(martin, lea, date(2026, 8, 1), date(2026, 8, 31)),  # before
        an_absence(martin, lea, date(2026, 10, 1), date(2026, 10, 9)),  # after
        an_absence(bernard, other, date(2026, 9, 10), date(2026, 9, 10), justified=True),
        an_absence(martin, lea, date(2026, 8, 20), date(2026, 10, 20)),  # covers the month
    ]
    with new_uow() as uow:
        ids = [uow.absences.add(absence).id for absence in declared]
        uow.commit()
    assert ids == sorted(ids)
    with new_uow(read_only=True) as uow:
        september = uow.absences.between(date(2026, 9, 1), date(2026, 9, 30))
        of_martin = uow.absences.between(date(2026, 9, 1), date(2026, 9, 30), family_id=martin)
    assert september == [declared[0], declared[1], declared[4], declared[5]]
    assert [a.id for a in september] == [ids[0], ids[1], ids[4], ids[5]]
    assert of_martin == [declared[0], declared[5]]


def test_a_withdrawn_absence_is_deleted_and_its_number_never_given_again(
    new_uow: UowFactory,
) -> None:
    family, lea = add_family(new_uow)
    kept = an_absence(family, lea, date(2026, 9, 14), date(2026, 9, 18))
    withdrawn = an_absence(family, lea, date(2026, 9, 21), date(2026, 9, 21), justified=True)
    with new_uow() as uow:
        kept_id = uow.absences.add(kept).id
        withdrawn_id = uow.absences.add(withdrawn).id
        uow.commit()
    assert kept_id is not None
    assert withdrawn_id is not None
    with new_uow() as uow:  # not committed: nothing is deleted
        uow.absences.delete(withdrawn_id)
        assert uow.absences.get(withdrawn_id) is None
    with new_uow(read_only=True) as uow:
        assert uow.absences.get(withdrawn_id) == withdrawn
    with new_uow() as uow:
        uow.absences.delete(withdrawn_id)
        uow.absences.delete(withdrawn_id + 1000)  # no such absence: nothing happens
        uow.commit()
    with new_uow(read_only=True) as uow:
        assert uow.absences.get(withdrawn_id) is None
        assert uow.absences.get(kept_id) == kept
        assert uow.absences.between(date(2026, 9, 1), date(2026, 9, 30)) == [kept]
    with new_uow() as uow:  # the last number, withdrawn, goes to no other absence
        again = uow.absences.add(withdrawn)
        uow.commit()
    assert again.id is not None
    assert again.id > withdrawn_id


# ---------------------------------------------------------------- invoices and their numbers


def every_kind_of_line(child_id: int) -> tuple[InvoiceLine, ...]:
    """One line per state and pricing, with odd prices, accents and a zero price."""
    states = list(ConsumptionState)
    pricings = list(Pricing)
    return tuple(
        InvoiceLine(
            child_name="Léa-Zoé",
            establishment_name="Accueil de loisirs « Les Dunes »",
            unit_label="Journée avec repas",
            state=state,
            pricing=pricings[n % len(pricings)],
            unit_price=Money(0) if pricings[n % len(pricings)] is Pricing.FREE else Money(415 + n),
            quantity=17 - n,
            bracket="QF de 900 à 1\u202f299" if n % 2 else "tarif majoré",
            child_id=child_id,
            establishment_code="ALSH",
            unit_code="JOURNEE",
        )
        for n, state in enumerate(states)
    )


def an_invoice(family_id: int, child_id: int, number: str, **changes: Any) -> Invoice:
    invoice = Invoice(
        number=number,
        kind=DocumentKind.INVOICE,
        family_id=family_id,
        family_name="Martin",
        address=("Claire Martin", "12 rue des Pins", "40200 Mimizan"),
        month="2026-09",
        issued_on=date(2026, 10, 2),
        due_on=date(2026, 11, 1),
        pay_online_until=date(2026, 11, 1),
        lines=every_kind_of_line(child_id),
        created_at=BILLING_DAY,
        quotient="QF 1\u202f250 (attestation CAF, depuis le 01/01/2026)",
    )
    return attrs.evolve(invoice, **changes)


def test_numbers_follow_each_other_per_kind_and_year_and_survive_the_transaction(
    new_uow: UowFactory,
) -> None:
    with new_uow() as uow:
        drawn = [
            uow.invoices.next_number(DocumentKind.INVOICE, 2026),
            uow.invoices.next_number(DocumentKind.INVOICE, 2026),
            uow.invoices.next_number(DocumentKind.CREDIT_NOTE, 2026),
            uow.invoices.next_number(DocumentKind.INVOICE, 2027),
            uow.invoices.next_number(DocumentKind.INVOICE, 2026),
            uow.invoices.next_number(DocumentKind.CREDIT_NOTE, 2027),
        ]
        uow.commit()
    assert drawn == [
        "FA-2026-000001",
        "FA-2026-000002",
        "AV-2026-000001",
        "FA-2027-000001",
        "FA-2026-000003",
        "AV-2027-000001",
    ]
    with new_uow() as uow:
        assert uow.invoices.next_number(DocumentKind.INVOICE, 2026) == "FA-2026-000004"
        assert uow.invoices.next_number(DocumentKind.CREDIT_NOTE, 2025) == "AV-2025-000001"
        uow.commit()


def test_numbers_drawn_in_a_transaction_rolled_back_are_given_again(new_uow: UowFactory) -> None:
    with new_uow() as uow:
        assert uow.invoices.next_number(DocumentKind.INVOICE, 2026) == "FA-2026-000001"
        uow.commit()
    with pytest.raises(RuntimeError, match="panne"), new_uow() as uow:
        assert uow.invoices.next_number(DocumentKind.INVOICE, 2026) == "FA-2026-000002"
        assert uow.invoices.next_number(DocumentKind.INVOICE, 2026) == "FA-2026-000003"
        raise RuntimeError("panne au milieu de la facturation")
    with new_uow() as uow:
        uow.invoices.next_number(DocumentKind.INVOICE, 2026)  # not committed either
    with new_uow() as uow:
        assert uow.invoices.next_number(DocumentKind.INVOICE, 2026) == "FA-2026-000002"
        uow.commit()


def test_locking_the_numbering_twice_or_again_later_resets_nothing(new_uow: UowFactory) -> None:
    with new_uow() as uow:
        uow.invoices.lock_numbering(2026)
        uow.invoices.lock_numbering(2026)
        assert uow.invoices.next_number(DocumentKind.INVOICE, 2026) == "FA-2026-000001"
        uow.invoices.lock_numbering(2026)
        assert uow.invoices.next_number(DocumentKind.INVOICE, 2026) == "FA-2026-000002"
        uow.commit()
    for _ in range(2):
        with new_uow() as uow:
            uow.invoices.lock_numbering(2026)
            uow.invoices.lock_numbering(2027)
            uow.commit()
    with new_uow() as uow:
        uow.invoices.lock_numbering(2026)
        assert uow.invoices.next_number(DocumentKind.INVOICE, 2026) == "FA-2026-000003"
        assert uow.invoices.next_number(DocumentKind.CREDIT_NOTE, 2026) == "AV-2026-000001"
        assert uow.invoices.next_number(DocumentKind.INVOICE, 2027) == "FA-2027-000001"
        uow.commit()


def test_a_years_numbering_locked_then_rolled_back_is_set_up_again(new_uow: UowFactory) -> None:
    """The sequences' rows of a new year, created by a transaction rolled back, are created
    again by the next one (on the same pooled connection)."""
    for _ in range(2):
        with new_uow() as uow:
            uow.invoices.lock_numbering(2030)
            assert uow.invoices.next_number(DocumentKind.INVOICE, 2030) == "FA-2030-000001"
    with new_uow() as uow:
        assert uow.invoices.next_number(DocumentKind.CREDIT_NOTE, 2030) == "AV-2030-000001"
        assert uow.invoices.next_number(DocumentKind.INVOICE, 2030) == "FA-2030-000001"
        uow.commit()


def test_an_invoice_and_its_credit_note_read_back_exactly(new_uow: UowFactory) -> None:
    family, lea = add_family(new_uow)
    invoice = an_invoice(family, lea, "FA-2026-000001", direct_debit_on=date(2026, 10, 20))
    credit = an_invoice(
        family,
        lea,
        "AV-2026-000001",
        kind=DocumentKind.CREDIT_NOTE,
        lines=tuple(line.negated() for line in invoice.lines),
        due_on=date(2026, 10, 2),
        pay_online_until=date(2026, 10, 2),
        corrects="FA-2026-000001",
        address=(),
        quotient="",
    )
    with new_uow() as uow:
        stored = uow.invoices.add(invoice)
        stored_credit = uow.invoices.add(credit)
        uow.commit()
    assert stored.id is not None
    assert stored_credit.id is not None
    assert stored == invoice
    with new_uow(read_only=True) as uow:
        back = uow.invoices.by_number("FA-2026-000001")
        back_credit = uow.invoices.by_number("AV-2026-000001")
        assert uow.invoices.by_number("FA-2026-000002") is None
    assert back == invoice
    assert back_credit == credit
    assert back is not None
    assert back_credit is not None
    assert back.id == stored.id
    assert back.created_at == BILLING_DAY
    assert back.address == invoice.address
    assert isinstance(back.address, tuple)
    for line, original in zip(back.lines, invoice.lines, strict=True):
        assert attrs.asdict(line, recurse=False) == attrs.asdict(original, recurse=False)
        assert type(line.state) is ConsumptionState
        assert type(line.pricing) is Pricing
        assert type(line.unit_price) is Money
    assert (
        back.total == invoice.total == euros("250,10")
    )  # 17 x 4,15 + 16 x 4,16 + 14 x 4,18 + 13 x 4,19
    assert back_credit.total == -invoice.total
    assert [line.quantity for line in back_credit.lines] == [-17, -16, -15, -14, -13]
    assert (back.direct_debit_on, back_credit.direct_debit_on) == (date(2026, 10, 20), None)
    assert (back.corrects, back_credit.corrects) == (None, "FA-2026-000001")


def test_invoices_of_a_family_oldest_first_and_of_a_month_by_number(new_uow: UowFactory) -> None:
    martin, lea = add_family(new_uow)
    bernard, other = add_family(new_uow, "Bernard")
    added = [
        an_invoice(martin, lea, "FA-2026-000003"),
        an_invoice(bernard, other, "FA-2026-000002", family_name="Bernard"),
        an_invoice(martin, lea, "FA-2026-000001", month="2026-08"),
        an_invoice(martin, lea, "AV-2026-000001", kind=DocumentKind.CREDIT_NOTE),
    ]
    with new_uow() as uow:
        for invoice in added:
            uow.invoices.add(invoice)
        uow.commit()
    with new_uow(read_only=True) as uow:
        of_martin = [i.number for i in uow.invoices.of_family(martin)]
        september = [i.number for i in uow.invoices.of_month("2026-09")]
        assert uow.invoices.of_month("2026-07") == []
        assert uow.invoices.of_family(bernard) == [added[1]]
    assert of_martin == ["FA-2026-000003", "FA-2026-000001", "AV-2026-000001"]
    assert september == ["AV-2026-000001", "FA-2026-000002", "FA-2026-000003"]


def test_the_database_refuses_a_number_twice(engine: Engine) -> None:
    new_uow = partial(SqlUnitOfWork, engine)
    family, lea = add_family(new_uow)
    with new_uow() as uow:
        uow.invoices.add(an_invoice(family, lea, "FA-2026-000001"))
        uow.commit()
    with pytest.raises(IntegrityError), new_uow() as uow:
        uow.invoices.add(an_invoice(family, lea, "FA-2026-000001", month="2026-10"))
    with new_uow(read_only=True) as uow:
        assert len(uow.invoices.of_family(family)) == 1


# -------------------------------------------------------------------------------- payments


def a_payment(family_id: int, cents: int, received: date, **changes: Any) -> Payment:
    payment = Payment(
        family_id,
        Money(cents),
        PaymentMode.CHEQUE,
        "CHQ 0001234 Crédit Agricole",
        received,
        RECORDED,
        "agent",
        "FA-2026-000001",
    )
    return attrs.evolve(payment, **changes)


def test_payments_read_back_whole_per_family_and_per_period(new_uow: UowFactory) -> None:
    martin, _ = add_family(new_uow)
    bernard, _ = add_family(new_uow, "Bernard")
    received = [
        a_payment(martin, 2000, date(2026, 10, 5)),
        a_payment(bernard, 5200, date(2026, 10, 3), mode=PaymentMode.CASH, reference=""),
        a_payment(martin, 3200, date(2026, 10, 3), mode=PaymentMode.CESU),
        a_payment(martin, 800, date(2026, 10, 31), mode=PaymentMode.ANCV, invoice_number=None),
        a_payment(martin, -800, date(2026, 11, 2), mode=PaymentMode.CREDIT),
        a_payment(bernard, 1, date(2026, 9, 30), mode=PaymentMode.TRANSFER),
    ]
    with new_uow() as uow:
        stored = [uow.payments.add(payment) for payment in received]
        uow.commit()
    ids = [by_id(p) for p in stored]
    assert ids == sorted(ids)
    with new_uow(read_only=True) as uow:
        of_martin = uow.payments.of_family(martin)
        october = uow.payments.listing(date(2026, 10, 3), date(2026, 10, 31))
    assert of_martin == [received[0], received[2], received[3], received[4]]
    assert [p.id for p in of_martin] == [ids[0], ids[2], ids[3], ids[4]]
    assert sorted(october, key=by_id) == [received[0], received[1], received[2], received[3]]
    assert of_martin[0].recorded_at == RECORDED
    assert of_martin[2].invoice_number is None
    assert of_martin[3].amount == Money(-800)
    assert of_martin[3].mode is PaymentMode.CREDIT


def by_id(payment: Payment) -> int:
    assert payment.id is not None
    return payment.id


def test_payments_of_a_period_oldest_first_in_the_order_recorded(engine: Engine) -> None:
    """On the databases; the in-memory twin lists them in the order recorded only."""
    new_uow = partial(SqlUnitOfWork, engine)
    martin, _ = add_family(new_uow)
    received = [
        a_payment(martin, 100, date(2026, 10, 5)),
        a_payment(martin, 200, date(2026, 10, 3)),
        a_payment(martin, 300, date(2026, 10, 31)),
        a_payment(martin, 400, date(2026, 10, 3)),
        a_payment(martin, 500, date(2026, 11, 1)),
        a_payment(martin, 600, date(2026, 10, 2)),
    ]
    with new_uow() as uow:
        for payment in received:
            uow.payments.add(payment)
        uow.commit()
    with new_uow(read_only=True) as uow:
        october = uow.payments.listing(date(2026, 10, 3), date(2026, 10, 31))
    # by day received, then in the order recorded; both bounds included
    assert [p.amount.cents for p in october] == [200, 400, 100, 300]


# ---------------------------------------------------------------- the monthly billing run


def build_town(uow: UnitOfWorkFactory) -> dict[str, int]:
    """The demo commune and four families with a September of every kind: bookings at the
    family's bracket, a second child with a PAI, an illness with a certificate, an
    unjustified absence, presences without reservation, no quotient, a quotient valid only
    from October, a non-resident family, and a family with nothing to bill."""
    clock = FixedClock(NOW)
    details, catalogue = demo_catalogue()
    load_catalogue(uow(), details, catalogue, actor=DESK, clock=clock)
    families: dict[str, Family] = {}
    for name in ("Martin", "Bernard", "Dupont", "Petit"):
        family = attrs.evolve(complete_family(), name=name)
        if name == "Bernard":
            family.quotient = None
            family.highest_tariff_chosen = True
            family.resident = False
        if name == "Dupont":
            family.quotient = FamilyQuotient.create(
                value="480", source="CAF", valid_from=date(2026, 10, 1)
            )
        create_family(uow(), family, actor=DESK, clock=clock)
        families[name] = family
    ids = {name: f.id for name, f in families.items() if f.id is not None}

    def child(name: str, index: int = 0) -> int:
        found = families[name].children[index].id
        assert found is not None
        return found

    def book(name: str, index: int, establishment: str, unit: str, days: list[date]) -> None:
        group = "ELEM" if index == 0 else "MAT"
        for day in days:
            booking = Reservation(
                ids[name], child(name, index), establishment, unit, day, group, NOW, "R-0001"
            )
            uow_.reservations.add(booking)

    with uow() as uow_:
        book("Martin", 0, "ALSH", "JOURNEE", WEDNESDAYS)
        book("Martin", 1, "ALSH", "JOURNEE", WEDNESDAYS[:3])
        book("Martin", 0, "CANTINE-PLAGE", "REPAS", SCHOOL_DAYS)
        book("Martin", 1, "CANTINE-PLAGE", "REPAS", SCHOOL_DAYS[:6])
        book("Bernard", 0, "APS-PLAGE", "MATIN", SCHOOL_DAYS[2:8])
        book("Bernard", 0, "CANTINE-PLAGE", "REPAS", SCHOOL_DAYS)
        book("Dupont", 0, "ALSH", "MATIN", WEDNESDAYS[1:4])
        book("Dupont", 1, "ALSH", "APRES-MIDI", WEDNESDAYS[1:4])
        book("Petit", 0, "ALSH", "JOURNEE", [date(2026, 10, 7)])  # October: not this month
        marks = [
            (child("Martin"), "ALSH", "JOURNEE", WEDNESDAYS[0], Presence.PRESENT),
            (child("Martin"), "ALSH", "JOURNEE", WEDNESDAYS[1], Presence.ABSENT),
            (child("Martin"), "APS-PLAGE", "SOIR", SCHOOL_DAYS[3], Presence.PRESENT),
            (child("Martin", 1), "ALSH", "JOURNEE", WEDNESDAYS[4], Presence.PRESENT),
            (child("Bernard"), "APS-PLAGE", "MATIN", SCHOOL_DAYS[2], Presence.ABSENT),
            (child("Bernard"), "APS-PLAGE", "SOIR", SCHOOL_DAYS[2], Presence.ABSENT),
        ]
        for child_id, establishment, unit, day, presence in marks:
            uow_.attendance.record(
                AttendanceMark(child_id, establishment, unit, day, presence, RECORDED, "agent")
            )
        uow_.absences.add(
            an_absence(
                ids["Martin"],
                child("Martin"),
                date(2026, 9, 14),
                date(2026, 9, 25),
                certificate_file="cert.pdf",
                justified=True,
            )
        )
        uow_.absences.add(
            an_absence(
                ids["Bernard"],
                child("Bernard"),
                date(2026, 9, 10),
                date(2026, 9, 11),
                reason=AbsenceReason.FAMILY,
            )
        )
        uow_.commit()
    return {**ids, "Martin.Léa": child("Martin")}


def bill(uow: UnitOfWorkFactory, *, dry_run: bool = False) -> BillingReport:
    return run_billing(uow(), FixedClock(BILLING_DAY), month="2026-09", actor=DESK, dry_run=dry_run)


def documents(uow: UnitOfWorkFactory) -> list[Invoice]:
    with uow() as unit:
        return sorted(unit.invoices.of_month("2026-09"), key=lambda i: (i.kind.value, i.number))


def sequence_rows(engine: Engine) -> list[tuple[str, int, int]]:
    with engine.connect() as connection:
        rows = connection.execute(
            text('SELECT kind, year, "last" FROM document_sequences ORDER BY kind, year')
        )
        return [(row[0], row[1], row[2]) for row in rows]


@pytest.fixture
def in_memory_september() -> tuple[BillingReport, list[Invoice]]:
    store = InMemoryStore()
    uow = partial(InMemoryUnitOfWork, store)
    build_town(uow)
    report = bill(uow)
    return report, documents(uow)


def test_the_run_on_a_database_issues_the_invoices_of_the_in_memory_run(
    engine: Engine, in_memory_september: tuple[BillingReport, list[Invoice]]
) -> None:
    uow = partial(SqlUnitOfWork, engine)
    build_town(uow)
    expected_report, expected = in_memory_september

    dry = bill(uow, dry_run=True)
    assert documents(uow) == []
    report = bill(uow)

    assert report.total == dry.total == expected_report.total
    assert report.total == Money.total(i.total for i in documents(uow))
    assert report.per_service() == expected_report.per_service()
    assert [(b.family_name, b.action, b.issued) for b in report.bills] == [
        (b.family_name, b.action, b.issued) for b in expected_report.bills
    ]
    assert [(b.family_name, b.action) for b in report.bills] == [
        ("Bernard", "new"),
        ("Dupont", "new"),
        ("Martin", "new"),
        ("Petit", "nothing"),
    ]
    issued = documents(uow)
    assert issued == expected  # every field and line, numbers included
    assert [i.number for i in issued] == ["FA-2026-000001", "FA-2026-000002", "FA-2026-000003"]
    assert all(i.total == Money.total(line.total for line in i.lines) for i in issued)
    assert sequence_rows(engine) == [("credit_note", 2026, 0), ("invoice", 2026, 3)]


def test_a_rerun_creates_nothing_and_a_correction_is_a_credit_note_and_a_new_invoice(
    engine: Engine,
) -> None:
    uow = partial(SqlUnitOfWork, engine)
    town = build_town(uow)
    first = bill(uow)
    issued = documents(uow)

    again = bill(uow)

    assert [b.action for b in again.bills] == ["unchanged", "unchanged", "unchanged", "nothing"]
    assert all(b.issued == () for b in again.bills)
    assert documents(uow) == issued
    assert sequence_rows(engine) == [("credit_note", 2026, 0), ("invoice", 2026, 3)]

    with uow() as unit:  # a late pointage: Léa was there on the 30th, without a reservation
        unit.attendance.record(a_mark(town["Martin.Léa"], date(2026, 9, 30), "SOIR", "APS-PLAGE"))
        unit.commit()
    corrected = bill(uow)

    assert [(b.family_name, b.action) for b in corrected.bills] == [
        ("Bernard", "unchanged"),
        ("Dupont", "unchanged"),
        ("Martin", "corrected"),
        ("Petit", "nothing"),
    ]
    martin = next(b for b in corrected.bills if b.family_name == "Martin")
    assert martin.issued == ("AV-2026-000001", "FA-2026-000004")
    now = {i.number: i for i in documents(uow)}
    cancelled = next(i for i in issued if i.family_id == town["Martin"])
    credit, replacement = now["AV-2026-000001"], now["FA-2026-000004"]
    assert credit.kind is DocumentKind.CREDIT_NOTE
    assert credit.corrects == cancelled.number
    assert credit.lines == tuple(line.negated() for line in cancelled.lines)
    assert credit.total == -cancelled.total
    before, after = (
        next(line for line in invoice.lines if line.unit_code == "SOIR")
        for invoice in (cancelled, replacement)
    )
    assert (before.state, before.pricing) == (after.state, after.pricing)
    assert (after.state, after.pricing) == (ConsumptionState.PRESENT_UNBOOKED, Pricing.SURCHARGE)
    assert (before.quantity, after.quantity) == (1, 2)  # the 11th, and now the 30th
    assert replacement.total - cancelled.total == after.unit_price
    assert now[cancelled.number] == cancelled  # never edited
    assert corrected.total - first.total == after.unit_price
    assert sequence_rows(engine) == [("credit_note", 2026, 1), ("invoice", 2026, 4)]

    assert [b.action for b in bill(uow).bills] == ["unchanged"] * 3 + ["nothing"]
    assert len(documents(uow)) == 5


# --------------------------------------------------------- the credit the run deducts (item 16)


def test_sums_per_invoice_and_totals_are_read_for_many_families_at_once(
    new_uow: UowFactory,
) -> None:
    martin, lea = add_family(new_uow)
    bernard, _ = add_family(new_uow, "Bernard")
    petit, _ = add_family(new_uow, "Petit")
    invoice = an_invoice(martin, lea, "FA-2026-000001")
    credit = an_invoice(
        martin,
        lea,
        "AV-2026-000001",
        kind=DocumentKind.CREDIT_NOTE,
        lines=tuple(line.negated() for line in invoice.lines),
        corrects="FA-2026-000001",
    )
    with new_uow() as uow:
        uow.invoices.add_all([invoice, credit])
        for payment in (
            a_payment(martin, 2000, date(2026, 10, 5)),
            a_payment(martin, 3200, date(2026, 10, 6)),
            a_payment(martin, 800, date(2026, 10, 7), invoice_number=None),
            a_payment(martin, -300, date(2026, 10, 8), invoice_number=None),
            a_payment(bernard, 100, date(2026, 10, 8), invoice_number=None),
        ):
            uow.payments.add(payment)
        uow.commit()
    with new_uow(read_only=True) as uow:
        paid = uow.payments.paid_by_invoice([martin, petit, *range(10_000, 12_500)])
        totals = uow.invoices.totals_of_families([martin, bernard])
    assert paid == {martin: {"FA-2026-000001": Money(5200), None: Money(500)}}  # no Petit
    assert sorted(totals, key=lambda t: t.number) == [
        InvoiceTotal(
            martin, "AV-2026-000001", DocumentKind.CREDIT_NOTE, -invoice.total, invoice.number
        ),
        InvoiceTotal(martin, "FA-2026-000001", DocumentKind.INVOICE, invoice.total, None),
    ]


def test_the_run_on_a_database_deducts_a_credit_once(engine: Engine) -> None:
    uow = partial(SqlUnitOfWork, engine)
    town = build_town(uow)
    bill(uow)
    with uow() as unit:
        first = next(i for i in unit.invoices.of_family(town["Martin"]))
        unit.payments.add(
            a_payment(
                town["Martin"], first.total.cents, date(2026, 10, 5), invoice_number=first.number
            )
        )
        unit.attendance.record(a_mark(town["Martin.Léa"], date(2026, 9, 30), "SOIR", "APS-PLAGE"))
        unit.commit()
    corrected = bill(uow)
    martin = next(b for b in corrected.bills if b.family_name == "Martin")
    assert martin.credit_used == first.total == corrected.credits  # all it had paid
    new_number = martin.issued[-1]
    with uow() as unit:
        used = [p for p in unit.payments.of_family(town["Martin"]) if p.mode is PaymentMode.CREDIT]
    assert sorted((p.invoice_number or "", p.amount.cents) for p in used) == [
        ("", -first.total.cents),
        (new_number, first.total.cents),
    ]
    bill(uow)  # again: nothing changed, nothing deducted twice
    with uow() as unit:
        assert (
            len(
                [p for p in unit.payments.of_family(town["Martin"]) if p.mode is PaymentMode.CREDIT]
            )
            == 2
        )
