"""The e-mail each family gets about its new invoice after a billing run, on the in-memory twins:
one per new invoice, with its link and amount; none in a dry run, for a credit note, or for a
family without an address; one way to pay only, online never named when the commune does not
offer it."""

from __future__ import annotations

from datetime import date

import attrs
import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st

from adapters.mail import JinjaEmailRenderer
from adapters.memory.audit import AuditState
from adapters.memory.messaging import MessagingState
from portail_core.domain.accounts.account import Account
from portail_core.domain.attendance import Presence
from portail_core.domain.billing.consumption import ConsumptionState, Pricing
from portail_core.domain.billing.invoice import DocumentKind, Invoice, InvoiceLine
from portail_core.domain.bookings.reservation import Reservation
from portail_core.domain.communes import Commune
from portail_core.domain.messaging import OutgoingEmail
from portail_core.domain.payments.online import (
    MAX_ONLINE_AMOUNT,
    MIN_ONLINE_AMOUNT,
    OnlinePaymentSettings,
)
from portail_core.domain.shared.money import Money
from portail_core.services.billing import notices
from portail_core.services.billing.bills import BillingReport
from portail_core.services.billing.emails import payable_online, queue_invoice_emails
from portail_core.services.billing.run import run_billing
from portail_core.services.payments.mandates import sign_mandate
from tests.unit.reservation_world import DESK, World, make_world
from tests.unit.test_billing import AFTER_SEPTEMBER, SEPTEMBER_WEDNESDAYS, booked, invoices, mark

PUBLIC_URL = "https://famille.demo-sur-mer.example"


def run(
    world: World, *, dry_run: bool = False, public_url: str | None = PUBLIC_URL
) -> BillingReport:
    world.clock.set(AFTER_SEPTEMBER)
    return run_billing(
        world.uow(),
        world.clock,
        month="2026-09",
        actor=DESK,
        dry_run=dry_run,
        public_url=public_url,
    )


def emails(world: World) -> list[OutgoingEmail]:
    return [
        m for m in world.store.committed(MessagingState).outbox if m.template == "invoice_issued"
    ]


def second_family(
    world: World, name: str = "Durand", email: str | None = "durand@example.fr"
) -> int:
    """Another family (Léa and Tom too), its guardian's address ``email``, Léa booked twice."""
    family_id = world.add_family()
    with world.uow() as uow:
        family = uow.families.get(family_id)
        assert family is not None
        family.name = name
        family.guardians = [attrs.evolve(family.guardians[0], email=email), *family.guardians[1:]]
        uow.families.update(family, world.clock.now())
        uow.commit()
    lea = world.child_id("Léa", family_id)
    with world.uow() as uow:
        for day in SEPTEMBER_WEDNESDAYS[:2]:
            uow.reservations.add(
                Reservation(family_id, lea, "ALSH", "JOURNEE", day, "ELEM", world.clock.now(), "R")
            )
        uow.commit()
    return family_id


def payfip_off(world: World) -> None:
    with world.uow() as uow:
        commune = uow.communes.get()
        assert commune is not None
        commune.online_payment = OnlinePaymentSettings()
        uow.communes.update(commune)
        uow.commit()


def open_account(world: World, family_id: int, email: str) -> None:
    with world.uow() as uow:
        uow.accounts.add(Account(family_id, f"famille.{family_id}", email, world.clock.now()))
        uow.commit()


def test_each_new_invoice_is_emailed_once_with_its_amount_month_due_date_and_link() -> None:
    world = make_world()
    booked(world, "Léa", SEPTEMBER_WEDNESDAYS)  # Martin: 52,00 €
    second_family(world)  # Durand: 20,80 €
    report = run(world)
    numbers = {i.family_name: i.number for i in invoices(world)}
    assert numbers == {"Durand": "FA-2026-000001", "Martin": "FA-2026-000002"}
    assert report.emailed == 2
    by_family = {m.context["family"]: m for m in emails(world)}
    assert set(by_family) == {"Durand", "Martin"}
    martin = by_family["Martin"]
    assert martin.to == "claire.martin@example.fr"
    assert martin.context == {
        "commune": "Ville de Démo-sur-Mer",
        "family": "Martin",
        "invoice": "FA-2026-000002",
        "month": "septembre 2026",
        "amount": "52,00\u00a0€",
        "credit": "",
        "amount_due": "52,00\u00a0€",
        "due_on": "01/11/2026",
        "invoice_url": f"{PUBLIC_URL}/factures/FA-2026-000002",
        "payment_way": "online",
        "payment": martin.context["payment"],
    }
    assert by_family["Durand"].to == "durand@example.fr"
    assert by_family["Durand"].context["amount"] == "20,80\u00a0€"
    assert by_family["Durand"].context["invoice_url"].endswith("/factures/FA-2026-000001")
    [audit] = [
        e for e in world.store.committed(AuditState).audit_events if e.action == "billing.run"
    ]
    assert audit.details["emailed"] == 2


def test_the_email_renders_in_french_with_the_link_in_both_parts() -> None:
    world = make_world()
    booked(world, "Léa", SEPTEMBER_WEDNESDAYS)
    run(world, public_url=PUBLIC_URL + "/")  # a trailing slash is not doubled
    [message] = emails(world)
    rendered = JinjaEmailRenderer().render(message.template, message.context)
    assert rendered.subject == "Votre facture de septembre 2026 : 52,00\u00a0€ (n° FA-2026-000001)"
    link = f"{PUBLIC_URL}/factures/FA-2026-000001"
    assert link in rendered.text
    assert f'<a href="{link}">' in rendered.html
    assert "payable en ligne jusqu'au 01/11/2026" in rendered.text
    assert "Le guichet unique de Ville de Démo-sur-Mer" in rendered.text


def test_the_accounts_address_comes_before_the_guardians() -> None:
    world = make_world()
    booked(world, "Léa", SEPTEMBER_WEDNESDAYS)
    open_account(world, world.martin, "compte.martin@example.fr")
    run(world)
    assert [m.to for m in emails(world)] == ["compte.martin@example.fr"]


def test_nothing_is_emailed_in_a_dry_run_nor_without_the_portals_address() -> None:
    world = make_world()
    booked(world, "Léa", SEPTEMBER_WEDNESDAYS)
    assert run(world, dry_run=True).emailed == 0
    assert emails(world) == []
    report = run(world, public_url=None)  # the run's other callers: invoices, no e-mail
    assert (report.count("new"), report.emailed) == (1, 0)
    assert emails(world) == []


def test_a_family_without_an_address_gets_no_email_and_the_others_do() -> None:
    world = make_world()
    booked(world, "Léa", SEPTEMBER_WEDNESDAYS)
    second_family(world, email=None)
    report = run(world)
    assert report.count("new") == 2
    assert report.emailed == 1
    assert [m.context["family"] for m in emails(world)] == ["Martin"]


def test_a_family_on_direct_debit_is_told_the_day_of_the_debit_only() -> None:
    world = make_world()
    sign_mandate(
        world.uow(),
        world.clock,
        world.martin,
        actor=DESK,
        holder="Claire Martin",
        iban="FR7630006000011234567890189",
        signed_on=date(2026, 6, 1),
    )
    booked(world, "Léa", SEPTEMBER_WEDNESDAYS)
    run(world)
    [message] = emails(world)
    assert message.context["payment_way"] == "direct_debit"
    assert "prélevée le 15/11/2026" in message.context["payment"]
    rendered = JinjaEmailRenderer().render(message.template, message.context)
    assert "en ligne" not in rendered.text
    assert "en ligne" not in rendered.html


def test_online_payment_is_offered_when_the_commune_takes_it() -> None:
    world = make_world()  # the demo commune file has a [payfip] table
    booked(world, "Léa", SEPTEMBER_WEDNESDAYS)
    run(world)
    [message] = emails(world)
    assert message.context["payment_way"] == "online"
    assert message.context["payment"].startswith("Elle est payable en ligne jusqu'au 01/11/2026")
    assert "chèque" not in message.context["payment"]


def test_online_payment_is_never_mentioned_when_the_commune_does_not_offer_it() -> None:
    world = make_world()
    payfip_off(world)
    booked(world, "Léa", SEPTEMBER_WEDNESDAYS)
    run(world)
    [message] = emails(world)
    assert message.context["payment_way"] == "by_hand"
    assert message.context["payment"].startswith(
        "Elle est à régler avant le 01/11/2026, par chèque"
    )
    assert "guichet unique en espèces" in message.context["payment"]
    rendered = JinjaEmailRenderer().render(message.template, message.context)
    for part in (rendered.subject, rendered.text, rendered.html):
        assert "en ligne" not in part
        assert "PayFiP" not in part


@pytest.mark.parametrize(
    ("cents", "online"),
    [
        (MIN_ONLINE_AMOUNT.cents - 1, False),  # 0,99 €: PayFiP refuses it
        (MIN_ONLINE_AMOUNT.cents, True),  # 1,00 €
        (MAX_ONLINE_AMOUNT.cents - 1, True),
        (MAX_ONLINE_AMOUNT.cents, False),
    ],
)
def test_an_amount_payfip_refuses_is_to_be_paid_by_hand(cents: int, online: bool) -> None:
    world = make_world()
    with world.uow() as uow:
        commune = uow.communes.get()
    assert commune is not None
    assert commune.online_payment.enabled
    invoice = an_invoice(Money(cents), world.martin)
    assert payable_online(invoice, commune) is online
    assert payable_online(invoice, None) is False
    now = world.clock.now()
    with world.uow() as uow:  # no address known for the family (no bill, no account): none
        assert queue_invoice_emails(uow, [invoice], [], commune, PUBLIC_URL, now) == 0
        uow.accounts.add(Account(world.martin, "famille.martin", "famille@example.fr", now))
        assert queue_invoice_emails(uow, [invoice], [], commune, PUBLIC_URL, now) == 1
        uow.commit()
    [message] = emails(world)
    assert message.context["payment_way"] == ("online" if online else "by_hand")


@given(
    cents=st.integers(1, MAX_ONLINE_AMOUNT.cents + 100),
    offered=st.booleans(),
    debit_on=st.none() | st.dates(date(2026, 10, 15), date(2026, 12, 31)),
)
def test_exactly_one_way_to_pay_is_given_and_online_only_when_it_is_possible(
    cents: int, offered: bool, debit_on: date | None
) -> None:
    invoice = attrs.evolve(an_invoice(Money(cents), 1), direct_debit_on=debit_on)
    commune = demo_commune(online=offered)
    message = notices.invoice_issued(
        invoice,
        to="famille@example.fr",
        commune_name=commune.name,
        online=payable_online(invoice, commune),
        invoice_url=f"{PUBLIC_URL}/factures/{invoice.number}",
        now=pendulum.datetime(2026, 10, 2, 9, 0, tz="Europe/Paris"),
    )
    way, payment = message.context["payment_way"], message.context["payment"]
    online = offered and debit_on is None and 100 <= cents < MAX_ONLINE_AMOUNT.cents
    assert way == ("direct_debit" if debit_on else "online" if online else "by_hand")
    assert ("en ligne" in payment) is online
    assert ("prélevée le" in payment) is (debit_on is not None)
    assert ("par chèque" in payment) is (way == "by_hand")


def demo_commune(*, online: bool) -> Commune:
    settings = OnlinePaymentSettings(enabled=True, numcli="123456") if online else None
    return Commune.create(
        insee_code="40184",
        name="Ville de Démo-sur-Mer",
        school_zone="A",
        contact_email="guichet@example.fr",
        online_payment=settings,
    )


def test_a_credit_note_is_not_emailed() -> None:
    world = make_world()
    invoice = an_invoice(Money(5200), world.martin)
    credit = attrs.evolve(
        invoice,
        number="AV-2026-000001",
        kind=DocumentKind.CREDIT_NOTE,
        lines=tuple(line.negated() for line in invoice.lines),
        corrects=invoice.number,
    )
    open_account(world, world.martin, "martin@example.fr")
    with world.uow() as uow:
        assert queue_invoice_emails(uow, [credit], [], None, PUBLIC_URL, world.clock.now()) == 0
        uow.commit()
    assert emails(world) == []


def test_a_correction_emails_the_familys_new_invoice_only() -> None:
    world = make_world()
    booked(world, "Léa", SEPTEMBER_WEDNESDAYS[:2])
    second_family(world)
    assert run(world).emailed == 2
    assert run(world).emailed == 0  # nothing changed: nothing sent again
    mark(world, "Léa", SEPTEMBER_WEDNESDAYS[2], Presence.PRESENT)  # Martin's late pointage
    corrected = run(world)
    assert (corrected.count("corrected"), corrected.count("unchanged")) == (1, 1)
    assert corrected.emailed == 1
    last = emails(world)[-1]
    assert len(emails(world)) == 3
    kinds = {i.number: i.kind for i in invoices(world)}
    assert kinds[last.context["invoice"]] is DocumentKind.INVOICE
    assert (last.context["family"], last.context["invoice"], last.context["amount"]) == (
        "Martin",
        "FA-2026-000003",
        "36,20\u00a0€",
    )
    assert not any(m.context["invoice"].startswith("AV-") for m in emails(world))


def an_invoice(total: Money, family_id: int) -> Invoice:
    """A family's invoice of one line costing ``total``."""
    line = InvoiceLine("Léa", "ALSH", "Journée", ConsumptionState.PRESENT, Pricing.NORMAL, total, 1)
    return Invoice(
        number="FA-2026-000001",
        kind=DocumentKind.INVOICE,
        family_id=family_id,
        family_name="Martin",
        address=("Claire Martin",),
        month="2026-09",
        issued_on=date(2026, 10, 2),
        due_on=date(2026, 11, 1),
        pay_online_until=date(2026, 11, 1),
        lines=(line,),
        created_at=pendulum.datetime(2026, 10, 2, 9, 0, tz="Europe/Paris"),
    )
