"""Billing worked examples on the demo commune's tariffs, as a town's agent computes them by hand,
and the run's promises: idempotent, corrections by credit note, numbering without gaps."""

from __future__ import annotations

from datetime import date

import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st

from adapters.memory.billing import InvoiceState
from portail_core.domain.absences import Absence, AbsenceReason
from portail_core.domain.attendance import AttendanceMark, Presence
from portail_core.domain.billing.invoice import DocumentKind
from portail_core.domain.bookings.reservation import Reservation
from portail_core.domain.dossiers.family import FamilyQuotient
from portail_core.domain.shared.money import Money
from portail_core.errors import RuleViolation
from portail_core.services.billing.run import run_billing
from portail_core.services.dossiers.creation import create_family
from tests.unit.dossier_builders import complete_family
from tests.unit.reservation_world import DESK, World, make_world

SEPTEMBER_WEDNESDAYS = [date(2026, 9, d) for d in (2, 9, 16, 23, 30)]
AFTER_SEPTEMBER = pendulum.datetime(2026, 10, 2, 9, 0, tz="Europe/Paris")


def booked(world: World, child: str, days: list[date], unit: str = "JOURNEE") -> None:
    child_id = world.child_id(child)
    with world.uow() as uow:
        for day in days:
            group = "ELEM" if child == "Léa" else "MAT"
            uow.reservations.add(
                Reservation(
                    world.martin, child_id, "ALSH", unit, day, group, world.clock.now(), "R-TEST"
                )
            )
        uow.commit()


def mark(world: World, child: str, day: date, presence: Presence, unit: str = "JOURNEE") -> None:
    with world.uow() as uow:
        uow.attendance.record(
            AttendanceMark(
                world.child_id(child), "ALSH", unit, day, presence, world.clock.now(), "agent"
            )
        )
        uow.commit()


def run(world: World, *, dry_run: bool = False):
    world.clock.set(AFTER_SEPTEMBER)
    return run_billing(world.uow(), world.clock, month="2026-09", actor=DESK, dry_run=dry_run)


def invoices(world: World):
    return world.store.committed(InvoiceState).invoices


def euros(text: str) -> Money:
    return Money.from_euros(text)


def test_five_booked_days_at_the_family_bracket() -> None:
    world = make_world()
    booked(world, "Léa", SEPTEMBER_WEDNESDAYS)
    report = run(world)
    [invoice] = invoices(world)
    assert invoice.number == "FA-2026-000001"
    [line] = invoice.lines
    assert (line.quantity, line.unit_price, line.total) == (5, euros("10,40"), euros("52,00"))
    assert line.bracket == "QF de 900 à 1299"
    assert invoice.total == euros("52,00") == report.total
    assert invoice.quotient.startswith("QF 1\u202f250 (attestation CAF")


def test_second_child_sibling_reduction_and_pai_price() -> None:
    world = make_world()
    booked(world, "Tom", SEPTEMBER_WEDNESDAYS[:3])
    run(world)
    [line] = invoices(world)[0].lines
    # Tom is the second child: 10 % off the PAI packed-lunch price of 8,20 €
    assert (line.quantity, line.unit_price, line.total) == (3, euros("7,38"), euros("22,14"))


def test_illness_with_a_certificate_bills_the_first_day_only() -> None:
    world = make_world()
    booked(world, "Léa", SEPTEMBER_WEDNESDAYS)
    with world.uow() as uow:
        uow.absences.add(
            Absence(
                world.martin,
                world.child_id("Léa"),
                date(2026, 9, 14),
                date(2026, 9, 25),
                AbsenceReason.ILLNESS,
                world.clock.now(),
                DESK,
                "cert-1.pdf",
                justified=True,
            )
        )
        uow.commit()
    run(world)
    lines = {(line.state.value, line.pricing.value): line for line in invoices(world)[0].lines}
    assert lines[("present", "normal")].quantity == 3
    assert lines[("absent_justified", "normal")].quantity == 1  # 16/09: the first day
    free = lines[("absent_justified", "free")]
    assert (free.quantity, free.total) == (1, Money.zero())  # 23/09
    assert invoices(world)[0].total == euros("41,60")


def test_a_quotient_valid_from_mid_month_splits_the_days_between_two_prices() -> None:
    world = make_world()
    booked(world, "Léa", SEPTEMBER_WEDNESDAYS)
    with world.uow() as uow:
        family = uow.families.get(world.martin)
        assert family is not None
        family.quotient = FamilyQuotient.create(value=1250, source="CAF", valid_from="2026-09-16")
        uow.families.update(family, world.clock.now())
        uow.commit()
    run(world)
    lines = sorted((line.quantity, line.unit_price) for line in invoices(world)[0].lines)
    # 02/09 and 09/09 without a valid quotient: the highest tariff; 16, 23 and 30/09: QF 1 250
    assert lines == [(2, euros("13,00")), (3, euros("10,40"))]
    assert invoices(world)[0].total == euros("57,20")


def test_presence_without_reservation_pays_the_surcharge_and_unjustified_absence_is_billed() -> (
    None
):
    world = make_world()
    booked(world, "Léa", SEPTEMBER_WEDNESDAYS[:1])
    mark(world, "Léa", SEPTEMBER_WEDNESDAYS[0], Presence.ABSENT)
    mark(world, "Léa", SEPTEMBER_WEDNESDAYS[1], Presence.PRESENT)
    run(world)
    lines = {line.state.value: line for line in invoices(world)[0].lines}
    assert lines["absent_unjustified"].total == euros("10,40")
    # the normal price plus the tariff's majoration of 5,00 €
    assert lines["present_unbooked"].unit_price == euros("15,40")
    assert invoices(world)[0].total == euros("25,80")


def test_rerunning_a_month_creates_nothing_and_a_change_is_corrected_by_a_credit_note() -> None:
    world = make_world()
    booked(world, "Léa", SEPTEMBER_WEDNESDAYS[:2])
    run(world)
    again = run(world)
    assert again.count("unchanged") == 1
    assert len(invoices(world)) == 1
    mark(world, "Léa", SEPTEMBER_WEDNESDAYS[2], Presence.PRESENT)  # a late pointage
    corrected = run(world)
    assert corrected.count("corrected") == 1
    numbers = [(i.kind, i.number, i.total) for i in invoices(world)]
    assert numbers == [
        (DocumentKind.INVOICE, "FA-2026-000001", euros("20,80")),
        (DocumentKind.CREDIT_NOTE, "AV-2026-000001", euros("-20,80")),
        (DocumentKind.INVOICE, "FA-2026-000002", euros("36,20")),  # + 10,40 + 5,00
    ]
    assert invoices(world)[1].corrects == "FA-2026-000001"
    assert run(world).count("unchanged") == 1
    assert len(invoices(world)) == 3


def test_numbers_follow_the_family_names_in_french_order_not_their_ids() -> None:
    world = make_world()  # "Martin", added first
    for name in ("Zola", "Émile", "abel"):
        family = complete_family()
        family.name = name
        family_id = create_family(world.uow(), family, actor=DESK, clock=world.clock)
        with world.uow() as uow:
            added = uow.families.get(family_id)
            assert added is not None
            child_id = added.children[0].id
            assert child_id is not None
            for day in SEPTEMBER_WEDNESDAYS[:2]:
                uow.reservations.add(
                    Reservation(
                        family_id, child_id, "ALSH", "JOURNEE", day, "ELEM", world.clock.now(), "R"
                    )
                )
            uow.commit()
    booked(world, "Léa", SEPTEMBER_WEDNESDAYS[:1])
    report = run(world)
    assert [bill.family_name for bill in report.bills] == ["abel", "Émile", "Martin", "Zola"]
    numbers = {i.family_name: i.number for i in invoices(world)}
    assert numbers == {
        "abel": "FA-2026-000001",
        "Émile": "FA-2026-000002",
        "Martin": "FA-2026-000003",
        "Zola": "FA-2026-000004",
    }


def test_a_dry_run_writes_nothing_and_a_month_not_over_is_refused() -> None:
    world = make_world()
    booked(world, "Léa", SEPTEMBER_WEDNESDAYS)
    report = run(world, dry_run=True)
    assert report.total == euros("52,00")
    assert not invoices(world)
    assert report.per_service() == {"Accueil de loisirs Les Dunes": euros("52,00")}
    world.clock.set(pendulum.datetime(2026, 9, 30, 18, 0, tz="Europe/Paris"))
    with pytest.raises(RuleViolation, match="pas terminé"):
        run_billing(world.uow(), world.clock, month="2026-09", actor=DESK)
    assert not invoices(world)


@given(price=st.integers(0, 100_000), quantity=st.integers(0, 31))
def test_a_line_is_quantity_times_unit_price_exactly(price: int, quantity: int) -> None:
    from portail_core.domain.billing.consumption import ConsumptionState, Pricing
    from portail_core.domain.billing.invoice import InvoiceLine

    line = InvoiceLine(
        "Léa", "ALSH", "Repas", ConsumptionState.PRESENT, Pricing.NORMAL, Money(price), quantity
    )
    assert line.total.cents == price * quantity


def test_the_open_source_peers_rounding_bug_does_not_happen_here() -> None:
    from portail_core.domain.billing.consumption import ConsumptionState, Pricing
    from portail_core.domain.billing.invoice import InvoiceLine

    line = InvoiceLine(
        "Léa", "Cantine", "Repas", ConsumptionState.PRESENT, Pricing.NORMAL, euros("4,15"), 17
    )
    assert line.total.format_fr() == "70,55\u00a0€"


def test_statuses_and_balance_from_payments() -> None:
    from portail_core.domain.payments.payment import Payment, PaymentMode
    from portail_core.services.billing.invoices import InvoiceStatus, family_account

    world = make_world()
    booked(world, "Léa", SEPTEMBER_WEDNESDAYS)
    run(world)
    number = invoices(world)[0].number

    def pay(amount: str, invoice: str | None = number) -> None:
        with world.uow() as uow:
            uow.payments.add(
                Payment(
                    world.martin,
                    euros(amount),
                    PaymentMode.CHEQUE,
                    "CHQ 1",
                    date(2026, 10, 5),
                    world.clock.now(),
                    "agent",
                    invoice,
                )
            )
            uow.commit()

    account = family_account(world.uow(), world.martin)
    assert account.invoices[0].status is InvoiceStatus.TO_PAY
    assert account.balance == euros("52,00")
    pay("20,00")
    account = family_account(world.uow(), world.martin)
    assert account.invoices[0].status is InvoiceStatus.PARTLY_PAID
    assert account.balance == euros("32,00")
    pay("40,00")  # 8,00 € too much: a credit of the family
    account = family_account(world.uow(), world.martin)
    assert account.invoices[0].status is InvoiceStatus.PAID
    assert (account.owed, account.credit, account.balance) == (
        Money.zero(),
        euros("8,00"),
        euros("-8,00"),
    )
