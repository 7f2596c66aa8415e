"""The e-mails of a billing run through a real SMTP conversation (aiosmtpd on loopback), on the
in-memory twin, SQLite and PostgreSQL: ``Outbox.add_all`` queues several messages in one
statement, the run e-mails each family its new invoice (the account's address first), and the
façade gives the run the portal's address."""

from __future__ import annotations

from datetime import date

import attrs

from adapters.clock import FixedClock
from adapters.mail import JinjaEmailRenderer
from entrypoints.bootstrap import Services
from portail_core.domain.accounts.account import Account
from portail_core.domain.bookings.reservation import Reservation
from portail_core.domain.messaging import EmailStatus, OutgoingEmail
from portail_core.services.billing.run import run_billing
from portail_core.services.catalogue.offer import load_catalogue
from portail_core.services.messaging import dispatch_outbox, outbox_listing
from tests.integration.conftest import UowFactory
from tests.integration.invoice_town import BILLING_DAY, SEPTEMBER_WEDNESDAYS, book_september
from tests.integration.test_auth_web import clock, services  # noqa: F401  (fixtures reused)
from tests.integration.test_outbox_smtp import CONTEXT, Inbox, inbox, smtp  # noqa: F401
from tests.unit.dossier_builders import complete_family
from tests.unit.reservation_world import DESK, NOW, demo_catalogue

PUBLIC_URL = "https://famille.demo-sur-mer.example"


def received_text(handler: Inbox) -> dict[str, tuple[str, str, str]]:
    """Each message received, by recipient: its subject, its text and its HTML."""
    found = {}
    for message in handler.messages:
        text = message.get_body(preferencelist=("plain",))
        html = message.get_body(preferencelist=("html",))
        assert text is not None
        assert html is not None
        found[str(message["To"])] = (
            str(message["Subject"]),
            str(text.get_content()),
            str(html.get_content()),
        )
    return found


def test_add_all_queues_several_messages_at_once_and_each_is_sent(
    new_uow: UowFactory, inbox: tuple[Inbox, int]
) -> None:
    handler, port = inbox
    messages = [
        OutgoingEmail(f"famille{n}@example.fr", "account_activation", CONTEXT, created_at=NOW)
        for n in range(3)
    ]
    with new_uow() as uow:
        uow.outbox.add_all(messages)
        uow.outbox.add_all([])  # nothing to queue: nothing written
        uow.commit()
    queued = outbox_listing(new_uow, 10)
    assert sorted(m.to for m in queued) == [f"famille{n}@example.fr" for n in range(3)]
    assert len({m.id for m in queued}) == 3
    assert {m.status for m in queued} == {EmailStatus.PENDING}
    assert queued[0].context == CONTEXT
    report = dispatch_outbox(new_uow, JinjaEmailRenderer(), smtp(port), FixedClock(NOW))
    assert report.sent == 3
    assert sorted(str(m["To"]) for m in handler.messages) == [m.to for m in messages]


def test_add_all_is_rolled_back_with_its_transaction(new_uow: UowFactory) -> None:
    with new_uow() as uow:
        uow.outbox.add_all([OutgoingEmail("a@example.fr", "account_activation", CONTEXT, NOW)])
    assert outbox_listing(new_uow, 10) == []


def add_family(new_uow: UowFactory, name: str) -> tuple[int, int]:
    """A complete family (Léa, Tom) named ``name``; its id and Léa's."""
    family = attrs.evolve(complete_family(), name=name)
    with new_uow() as uow:
        uow.families.add(family, NOW)
        uow.commit()
    assert family.id is not None
    assert family.children[0].id is not None
    return family.id, family.children[0].id


def book(new_uow: UowFactory, family_id: int, child_id: int, days: list[date]) -> None:
    with new_uow() as uow:
        for day in days:
            uow.reservations.add(
                Reservation(family_id, child_id, "ALSH", "JOURNEE", day, "ELEM", NOW, "R-TEST")
            )
        uow.commit()


def test_the_billing_run_emails_each_new_invoice_through_a_real_smtp_server(
    new_uow: UowFactory, inbox: tuple[Inbox, int]
) -> None:
    handler, port = inbox
    details, catalogue = demo_catalogue()
    load_catalogue(new_uow(), details, catalogue, actor=DESK, clock=FixedClock(NOW))
    martin, martin_lea = add_family(new_uow, "Martin")
    durand, durand_lea = add_family(new_uow, "Durand")
    book(new_uow, martin, martin_lea, SEPTEMBER_WEDNESDAYS)  # 52,00 €
    book(new_uow, durand, durand_lea, SEPTEMBER_WEDNESDAYS[:2])  # 20,80 €
    with new_uow() as uow:  # Martin has an account: its address, not the guardian's
        uow.accounts.add(Account(martin, "famille.martin", "compte.martin@example.fr", NOW))
        uow.commit()
    clock = FixedClock(BILLING_DAY)
    report = run_billing(new_uow(), clock, month="2026-09", actor=DESK, public_url=PUBLIC_URL)
    assert (report.count("new"), report.emailed) == (2, 2)
    assert dispatch_outbox(new_uow, JinjaEmailRenderer(), smtp(port), clock).sent == 2
    received = received_text(handler)
    assert set(received) == {"compte.martin@example.fr", "claire.martin@example.fr"}
    subject, text, html = received["compte.martin@example.fr"]
    assert subject == "Votre facture de septembre 2026 : 52,00\u00a0€ (n° FA-2026-000002)"
    assert f"{PUBLIC_URL}/factures/FA-2026-000002" in text
    assert "payable en ligne jusqu'au 01/11/2026" in text
    assert f'href="{PUBLIC_URL}/factures/FA-2026-000002"' in html
    subject, text, _ = received["claire.martin@example.fr"]  # Durand's guardian, no account
    assert subject == "Votre facture de septembre 2026 : 20,80\u00a0€ (n° FA-2026-000001)"
    again = run_billing(new_uow(), clock, month="2026-09", actor=DESK, public_url=PUBLIC_URL)
    assert (again.count("unchanged"), again.emailed) == (2, 0)


def test_the_facade_gives_the_run_the_portals_address(
    services: Services,
    clock: FixedClock,
    inbox: tuple[Inbox, int],
) -> None:
    handler, port = inbox
    with services.ports.uow() as uow:
        family = complete_family()
        uow.families.add(family, NOW)
        uow.commit()
    assert family.id is not None
    book_september(services, family.id, "Léa", SEPTEMBER_WEDNESDAYS)
    clock.set(BILLING_DAY)
    dry = services.portail.billing.run_month(month="2026-09", actor=DESK, dry_run=True)
    assert dry.emailed == 0
    report = services.portail.billing.run_month(month="2026-09", actor=DESK)
    assert report.emailed == 1
    sent = dispatch_outbox(services.ports.uow, JinjaEmailRenderer(), smtp(port), clock)
    assert sent.sent == 1
    [(subject, text, _)] = received_text(handler).values()
    assert f"{services.portail.public_url}/factures/FA-2026-000001" in text
    assert subject.startswith("Votre facture de septembre 2026")
