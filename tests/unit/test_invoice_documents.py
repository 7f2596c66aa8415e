"""The invoice as the family reads it (web page and PDF): the sheet's rows, totals, dates and
how to pay, for an invoice to pay, a paid one, one on direct debit and a credit note; only the
family's own; the desk's listing by family and month."""

from __future__ import annotations

from datetime import date

import attrs
import pytest

from adapters.pdf import RecordingInvoiceRenderer
from portail_core.domain.attendance import Presence
from portail_core.domain.billing.invoice import DocumentKind
from portail_core.domain.billing.invoice_sheet import InvoiceSheet
from portail_core.domain.payments.payment import Payment, PaymentMode
from portail_core.domain.shared.french_dates import month_fr, numeric_day_fr
from portail_core.domain.shared.money import Money
from portail_core.errors import InvalidInput, NotFound
from portail_core.services.billing.documents import invoice_pdf, invoice_sheet, list_invoices
from portail_core.services.billing.invoices import InvoiceStatus
from tests.unit.reservation_world import World, make_world
from tests.unit.test_billing import SEPTEMBER_WEDNESDAYS, booked, euros, invoices, mark, run

NBSP = "\u00a0"


def billed_world() -> World:
    """Léa five Wednesdays, Tom three, billed on 2 October 2026."""
    world = make_world()
    booked(world, "Léa", SEPTEMBER_WEDNESDAYS)
    booked(world, "Tom", SEPTEMBER_WEDNESDAYS[:3])
    run(world)
    return world


def pay(world: World, number: str | None, amount: str) -> None:
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
                number,
            )
        )
        uow.commit()


def test_the_sheet_of_an_invoice_to_pay() -> None:
    world = billed_world()
    sheet = invoice_sheet(world.uow(), "FA-2026-000001", family_id=world.martin)
    assert sheet.title == "Facture FA-2026-000001"
    assert (sheet.commune_name, sheet.contact_email) == (
        "Ville de Démo-sur-Mer",
        "guichet-unique@demo-sur-mer.example",
    )
    assert sheet.contact_address == (
        "Guichet unique, Hôtel de ville, 1 place de la Mairie, 99100 Démo-sur-Mer"
    )
    assert sheet.contact_phone == "05 58 00 12 34"
    assert sheet.period == "septembre 2026"
    assert (sheet.issued_text, sheet.due_text, sheet.online_until_text) == (
        "02/10/2026",
        "01/11/2026",
        "01/11/2026",
    )
    assert sheet.address[0] == "Claire Martin"
    assert sheet.quotient.startswith("QF 1\u202f250")
    rows = [
        (r.child, r.service, r.unit, r.days, r.tariff, r.quantity, r.unit_price, r.total)
        for r in sheet.lines
    ]
    assert rows == [
        (
            "Léa",
            "Accueil de loisirs Les Dunes",
            "Journée avec repas : présent",
            "2, 9, 16, 23 et 30 septembre",
            "QF de 900 à 1299",
            5,
            euros("10,40"),
            euros("52,00"),
        ),
        (  # Tom's price is the PAI price less the second child's reduction, and says so
            "Tom",
            "Accueil de loisirs Les Dunes",
            "Journée avec repas : présent",
            "2, 9 et 16 septembre",
            f"tarif PAI (panier-repas), réduction 2e enfant 10{NBSP}%",
            3,
            euros("7,38"),
            euros("22,14"),
        ),
    ]
    assert (sheet.total, sheet.paid, sheet.amount_due) == (
        euros("74,14"),
        Money.zero(),
        euros("74,14"),
    )
    assert sheet.status == "à payer"
    assert sheet.payment_note == (
        f"Montant à payer avant le 01/11/2026 : 74,14{NBSP}€, en rappelant le numéro "
        "FA-2026-000001."
    )
    titles = [option.title for option in sheet.payment_options]
    assert titles == ["En ligne", "Par chèque", "Au guichet unique"]
    online, cheque, desk = (option.text for option in sheet.payment_options)
    assert "PayFiP" in online
    assert "jusqu'au 01/11/2026" in online
    assert "Trésor public" in cheque
    assert "CESU" in desk
    assert "ANCV" in desk
    assert "espèces" in desk


def test_free_and_surcharged_rows_say_so() -> None:
    world = make_world()
    booked(world, "Léa", SEPTEMBER_WEDNESDAYS[:1])
    mark(world, "Léa", SEPTEMBER_WEDNESDAYS[1], Presence.PRESENT)  # without a reservation
    run(world)
    sheet = invoice_sheet(world.uow(), "FA-2026-000001")
    units = {row.unit: row.tariff for row in sheet.lines}
    assert units == {
        "Journée avec repas : présent": "QF de 900 à 1299",
        "Journée avec repas : présent sans réservation (tarif majoré)": (
            "QF de 900 à 1299 + majoration sans réservation"
        ),
    }


def test_a_partly_paid_then_paid_invoice() -> None:
    world = billed_world()
    pay(world, "FA-2026-000001", "30,00")
    sheet = invoice_sheet(world.uow(), "FA-2026-000001")
    assert (sheet.paid, sheet.amount_due, sheet.status) == (
        euros("30,00"),
        euros("44,14"),
        "partiellement payée",
    )
    assert "44,14" in sheet.payment_note
    pay(world, "FA-2026-000001", "44,14")
    sheet = invoice_sheet(world.uow(), "FA-2026-000001")
    assert (sheet.amount_due, sheet.status) == (Money.zero(), "payée")
    assert sheet.payment_note == "Cette facture est réglée. Merci."
    assert sheet.payment_options == ()


def test_an_invoice_on_direct_debit_gives_the_debit_date_and_no_way_to_pay() -> None:
    world = billed_world()
    invoice = attrs.evolve(invoices(world)[0], direct_debit_on=date(2026, 11, 5))
    sheet = InvoiceSheet.build(
        invoice,
        commune_name="Ville",
        contact_email="guichet@ville.example",
        paid=Money.zero(),
        amount_due=invoice.total,
        status=InvoiceStatus.TO_PAY.label,
    )
    assert sheet.debit_text == "05/11/2026"
    assert sheet.payment_note.startswith("Cette facture sera prélevée le 05/11/2026")
    assert sheet.payment_options == ()


def test_a_credit_note_cancels_the_invoice_it_names_and_asks_for_nothing() -> None:
    world = make_world()
    booked(world, "Léa", SEPTEMBER_WEDNESDAYS[:2])
    run(world)
    mark(world, "Léa", SEPTEMBER_WEDNESDAYS[2], Presence.PRESENT)
    run(world)  # corrected: AV-2026-000001 cancels FA-2026-000001, FA-2026-000002 replaces it
    credit = invoice_sheet(world.uow(), "AV-2026-000001", family_id=world.martin)
    assert credit.title == "Avoir AV-2026-000001"
    assert credit.is_credit_note
    assert credit.corrects == "FA-2026-000001"
    assert credit.total == euros("-20,80")
    assert [row.quantity for row in credit.lines] == [-2]
    assert credit.status == "avoir"
    assert "annule la facture FA-2026-000001" in credit.payment_note
    assert credit.payment_options == ()
    cancelled = invoice_sheet(world.uow(), "FA-2026-000001")
    assert (cancelled.status, cancelled.amount_due) == ("annulée par avoir", Money.zero())


def test_only_the_familys_own_invoice_and_well_formed_numbers() -> None:
    world = billed_world()
    other = world.add_family()
    with pytest.raises(NotFound, match="Facture introuvable"):
        invoice_sheet(world.uow(), "FA-2026-000001", family_id=other)
    with pytest.raises(NotFound):
        invoice_sheet(world.uow(), "FA-2026-000099", family_id=world.martin)
    for hostile in ("", "FA-2026-1", "../etc/passwd", "FA-2026-000001' OR 1=1", "x" * 10_000):
        with pytest.raises(InvalidInput, match="Numéro de facture invalide"):
            invoice_sheet(world.uow(), hostile)
    assert invoice_sheet(world.uow(), " fa-2026-000001 ").number == "FA-2026-000001"


def test_the_pdf_is_rendered_from_the_sheet() -> None:
    world = billed_world()
    renderer = RecordingInvoiceRenderer()
    document = invoice_pdf(world.uow(), renderer, "FA-2026-000001", family_id=world.martin)
    assert document.filename == "facture-FA-2026-000001.pdf"
    assert renderer.rendered == [document.sheet]
    assert document.content.startswith(b"%PDF")
    other = world.add_family()
    with pytest.raises(NotFound):
        invoice_pdf(world.uow(), renderer, "FA-2026-000001", family_id=other)
    assert len(renderer.rendered) == 1  # nothing rendered for another family


def test_the_desk_lists_invoices_by_family_and_by_month() -> None:
    world = make_world()
    booked(world, "Léa", SEPTEMBER_WEDNESDAYS[:2])
    run(world)
    mark(world, "Léa", SEPTEMBER_WEDNESDAYS[2], Presence.PRESENT)
    run(world)
    pay(world, "FA-2026-000002", "10,00")
    everything = list_invoices(world.uow())
    assert [(v.invoice.number, v.status) for v in everything] == [
        ("AV-2026-000001", InvoiceStatus.CREDIT_NOTE),
        ("FA-2026-000001", InvoiceStatus.CANCELLED),
        ("FA-2026-000002", InvoiceStatus.PARTLY_PAID),
    ]
    assert list_invoices(world.uow(), family_id=world.martin) == everything
    assert list_invoices(world.uow(), month="2026-09") == everything
    assert list_invoices(world.uow(), month="2026-08") == []
    assert list_invoices(world.uow(), family_id=world.add_family()) == []
    with pytest.raises(InvalidInput, match="Mois invalide"):
        list_invoices(world.uow(), month="09/2026")
    with pytest.raises(NotFound):
        list_invoices(world.uow(), family_id=999_999)
    assert invoices(world)[1].kind is DocumentKind.CREDIT_NOTE


def test_french_dates_and_months() -> None:
    assert numeric_day_fr(date(2026, 3, 1)) == "01/03/2026"
    assert month_fr("2027-02") == "février 2027"
    assert month_fr("2026-08") == "août 2026"
