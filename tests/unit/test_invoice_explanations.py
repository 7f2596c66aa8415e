"""What an invoice line explains (issue 15): the days it counts, and why its unit price (the
quotient familial bracket, the PAI price, the sibling reduction, the non-residents' price); and
the guichet unique's postal address and phone, checked when the commune is set up."""

from __future__ import annotations

from datetime import date
from importlib.resources import files

import attrs
import pytest

from adapters.commune_file import read_commune_file
from adapters.memory.billing import InvoiceState
from portail_core.domain.billing.consumption import ConsumptionState, Pricing
from portail_core.domain.billing.invoice import InvoiceLine, lines_equal
from portail_core.domain.bookings.reservation import ReservationStatus
from portail_core.domain.communes import Commune
from portail_core.domain.dossiers.family import FamilyQuotient
from portail_core.domain.shared.french_dates import days_fr
from portail_core.errors import InvalidInput
from tests.unit.reservation_world import World, make_world
from tests.unit.test_billing import SEPTEMBER_WEDNESDAYS, booked, euros, invoices, run

NBSP = "\u00a0"


def test_days_are_listed_the_french_way() -> None:
    september = [date(2026, 9, d) for d in (23, 2, 16, 9)]
    assert days_fr(september) == "2, 9, 16 et 23 septembre"
    assert days_fr([date(2026, 9, 1)]) == "1er septembre"
    assert days_fr([date(2026, 9, 30), date(2026, 10, 2), date(2026, 10, 1)]) == (
        "30 septembre, 1er et 2 octobre"
    )
    assert days_fr([date(2026, 12, 31), date(2027, 1, 1)]) == ("31 décembre 2026, 1er janvier 2027")
    assert days_fr([]) == ""


def test_each_line_gives_its_days_and_why_its_unit_price() -> None:
    world = make_world()
    booked(world, "Léa", SEPTEMBER_WEDNESDAYS)
    booked(world, "Tom", SEPTEMBER_WEDNESDAYS[:3])
    run(world)
    lea, tom = invoices(world)[0].lines
    assert lea.days == tuple(SEPTEMBER_WEDNESDAYS)
    assert (lea.unit_price, lea.tariff_text) == (euros("10,40"), "QF de 900 à 1299")
    # 8,20 € of the PAI packed lunch, less 10 % for the second child: not the bracket's price
    assert tom.days == tuple(SEPTEMBER_WEDNESDAYS[:3])
    assert (tom.unit_price, tom.tariff_text) == (
        euros("7,38"),
        f"tarif PAI (panier-repas), réduction 2e enfant 10{NBSP}%",
    )


def test_a_non_resident_without_quotient_reads_the_highest_non_residents_price() -> None:
    world = make_world()
    with world.uow() as uow:
        family = uow.families.get(world.martin)
        assert family is not None
        family.quotient, family.resident = None, False
        uow.families.update(family, world.clock.now())
        uow.commit()
    booked(world, "Léa", SEPTEMBER_WEDNESDAYS[:2])
    run(world)
    [line] = invoices(world)[0].lines
    assert line.tariff_text == "QF à partir de 1300 (tarif maximal), non-résident"


def test_a_quotient_from_mid_month_gives_each_price_its_own_days() -> None:
    world = make_world()
    booked(world, "Léa", SEPTEMBER_WEDNESDAYS)
    with world.uow() as uow:
        family = uow.families.get(world.martin)
        assert family is not None
        family.set_quotient(
            FamilyQuotient.create(value="450", source="caf", valid_from=date(2026, 9, 15))
        )
        uow.families.update(family, world.clock.now())
        uow.commit()
    run(world)
    days = {line.tariff_text: days_fr(line.days) for line in invoices(world)[0].lines}
    assert days == {
        "QF à partir de 1300 (tarif maximal)": "2 et 9 septembre",
        "QF inférieur à 500": "16, 23 et 30 septembre",
    }


def move_reservation(world: World, old: date, new: date) -> None:
    with world.uow() as uow:
        [reservation] = [
            r
            for r in uow.reservations.of_child(world.child_id("Léa"), "ALSH", old, old)
            if r.status is ReservationStatus.BOOKED
        ]
        reservation.cancel(world.clock.now())
        uow.reservations.update(reservation)
        uow.commit()
    booked(world, "Léa", [new])


def test_the_same_count_on_other_days_is_a_correction_listing_the_new_days() -> None:
    world = make_world()
    booked(world, "Léa", SEPTEMBER_WEDNESDAYS[:2])
    run(world)
    move_reservation(world, SEPTEMBER_WEDNESDAYS[1], SEPTEMBER_WEDNESDAYS[3])
    report = run(world)
    assert report.count("corrected") == 1
    first, credit_note, second = invoices(world)
    assert first.total == second.total  # the same amount...
    assert days_fr(credit_note.lines[0].days) == "2 et 9 septembre"
    assert days_fr(second.lines[0].days) == "2 et 23 septembre"  # ...but not the same days


def test_an_invoice_issued_before_lines_gave_their_days_is_not_reissued() -> None:
    world = make_world()
    booked(world, "Léa", SEPTEMBER_WEDNESDAYS)
    run(world)
    state = world.store.committed(InvoiceState)  # as stored before: no days, no basis
    old = state.invoices[0]
    state.invoices[0] = attrs.evolve(
        old, lines=tuple(attrs.evolve(line, days=(), basis="") for line in old.lines)
    )
    assert run(world).count("unchanged") == 1
    assert len(invoices(world)) == 1


def test_lines_are_equal_with_or_without_their_days_but_never_with_other_days() -> None:
    line = InvoiceLine(
        "Léa", "ALSH", "Journée", ConsumptionState.PRESENT, Pricing.NORMAL, euros("10,40"), 2
    )
    with_days = attrs.evolve(line, days=(date(2026, 9, 2), date(2026, 9, 9)), basis="QF")
    other_days = attrs.evolve(with_days, days=(date(2026, 9, 2), date(2026, 9, 16)))
    assert lines_equal([line], [with_days])  # an old invoice against a new pricing
    assert lines_equal([with_days], [with_days])
    assert not lines_equal([with_days], [other_days])


def test_the_guichets_address_and_phone_are_checked_and_the_phone_kept_as_dialled() -> None:
    commune = Commune.create(
        insee_code="40184",
        name="Mimizan",
        school_zone="A",
        contact_email="guichet@mimizan.example",
        contact_address="  Mairie,  2 avenue de la Gare, 40200 Mimizan ",
        contact_phone="05.58.09.12.34",
    )
    assert commune.contact_address == "Mairie, 2 avenue de la Gare, 40200 Mimizan"
    assert (commune.contact_phone, commune.contact_phone_text) == ("+33558091234", "05 58 09 12 34")
    with pytest.raises(InvalidInput) as caught:
        Commune.create(
            insee_code="40184",
            name="Mimizan",
            school_zone="A",
            contact_email="guichet@mimizan.example",
            contact_address="x" * 201,
            contact_phone="pas un numéro",
        )
    assert set(caught.value.problems) == {"contact_address", "contact_phone"}
    assert "05 58 09 12 34" in caught.value.problems["contact_phone"]


def test_the_demo_file_gives_them_and_a_bad_phone_is_located() -> None:
    demo = (files("entrypoints.demo") / "commune-demo.toml").read_text("utf-8")
    details = read_commune_file(demo).details
    assert (details.contact_address, details.contact_phone) == (
        "Guichet unique, Hôtel de ville, 1 place de la Mairie, 99100 Démo-sur-Mer",
        "05 58 00 12 34",
    )
    line = (
        demo.splitlines().index(
            'contact_phone = "05 58 00 12 34"   # address and phone: printed on every invoice'
        )
        + 1
    )
    with pytest.raises(InvalidInput) as caught:
        read_commune_file(demo.replace('"05 58 00 12 34"', '"0558"'))
    place = f"commune > contact_phone (ligne {line})"
    assert list(caught.value.problems) == [place]
    assert "n'est pas un numéro valide" in caught.value.problems[place]
