"""`portail payments` through click's CliRunner on SQLite: payments at the desk with their
allocation and credit, the list in three formats, bad input refused in French with nothing
written, and the receipt e-mail delivered to a real SMTP server by the outbox dispatcher."""

from __future__ import annotations

import csv
import io
import json
from datetime import date

import attrs
import pendulum
from click.testing import CliRunner, Result

from adapters.clock import FixedClock
from adapters.mail import JinjaEmailRenderer, SmtpMailer
from entrypoints.bootstrap import Services
from entrypoints.cli import main
from portail_core.domain.audit import Actor
from portail_core.domain.billing.invoice import Invoice
from portail_core.domain.bookings.reservation import Reservation
from portail_core.domain.shared.money import Money
from portail_core.services.billing.invoices import InvoiceStatus, family_account
from portail_core.services.billing.run import run_billing
from portail_core.services.dossiers.creation import create_family
from portail_core.services.messaging import dispatch_outbox
from tests.integration.test_auth_web import clock, services  # noqa: F401  (fixtures reused)
from tests.integration.test_outbox_smtp import Inbox, inbox  # noqa: F401  (fixture reused)
from tests.unit.dossier_builders import complete_family

STAFF = Actor.staff("agent")
WEDNESDAYS = [date(2026, 9, d) for d in (2, 9, 16, 23, 30)]
BILLED_ON = pendulum.datetime(2026, 10, 1, 9, 0, tz="Europe/Paris")
DESK_DAY = pendulum.datetime(2026, 10, 5, 10, 0, tz="Europe/Paris")


def run(services: Services, *args: str) -> Result:
    return CliRunner().invoke(main, list(args), obj=services, catch_exceptions=False)


def add_family(services: Services, name: str, email: str) -> int:
    family = complete_family()
    family.name = name
    family.guardians[0] = attrs.evolve(family.guardians[0], email=email)
    family.children = [attrs.evolve(c, last_name=name) for c in family.children]
    return create_family(services.ports.uow(), family, actor=STAFF, clock=services.ports.clock)


def book(services: Services, family_id: int, days: list[date]) -> None:
    with services.ports.uow() as uow:
        family = uow.families.get(family_id)
        assert family is not None
        lea = next(c for c in family.children if c.first_name == "Léa")
        assert lea.id is not None
        for day in days:
            uow.reservations.add(
                Reservation(
                    family_id,
                    lea.id,
                    "ALSH",
                    "JOURNEE",
                    day,
                    "ELEM",
                    services.ports.clock.now(),
                    "R",
                )
            )
        uow.commit()


def bill_september(services: Services, clock: FixedClock) -> None:
    clock.set(BILLED_ON)
    run_billing(services.ports.uow(), clock, month="2026-09", actor=STAFF)
    clock.set(DESK_DAY)


def invoice_of(services: Services, family_id: int) -> Invoice:
    with services.ports.uow(read_only=True) as uow:
        [invoice] = uow.invoices.of_family(family_id)
    return invoice


def payments_count(services: Services) -> int:
    with services.ports.uow(read_only=True) as uow:
        return len(uow.payments.listing(date(2000, 1, 1), date(2100, 1, 1)))


def billed_family(services: Services, clock: FixedClock) -> tuple[int, Invoice]:
    family_id = add_family(services, "Martin", "claire.martin@example.fr")
    book(services, family_id, WEDNESDAYS)
    bill_september(services, clock)
    return family_id, invoice_of(services, family_id)


def record(services: Services, number: str, amount: str, *extra: str) -> Result:
    return run(
        services,
        "payments",
        "record",
        "--invoice",
        number,
        "--amount",
        amount,
        "--mode",
        "cheque",
        "--reference",
        "CHQ 1234567",
        *extra,
    )


def test_a_partial_then_an_excess_payment_and_the_list(
    services: Services,
    clock: FixedClock,
) -> None:
    family_id, invoice = billed_family(services, clock)
    total = invoice.total
    first = record(services, invoice.number, "20,50")
    assert first.exit_code == 0, first.output
    assert "Règlement enregistré : 20,50\u00a0€ (chèque, réf. CHQ 1234567)" in first.output
    assert f"reste à payer {(total - Money.from_euros('20,50'))}" in first.output
    assert "claire.martin@example.fr" in first.output
    view = family_account(services.ports.uow(read_only=True), family_id).invoices[0]
    assert view.status is InvoiceStatus.PARTLY_PAID
    rest = total - Money.from_euros("20,50")
    second = record(
        services, invoice.number.lower(), str(rest.as_decimal() + 10), "--date", "2026-10-04"
    )
    assert second.exit_code == 0, second.output
    assert "entièrement réglée" in second.output
    assert "Trop-perçu : 10,00\u00a0€" in second.output
    account = family_account(services.ports.uow(read_only=True), family_id)
    assert account.invoices[0].status is InvoiceStatus.PAID
    assert account.credit == Money.from_euros("10")

    table = run(services, "payments", "list", "--from", "2026-10-01", "--to", "2026-10-31")
    assert table.exit_code == 0, table.output
    assert "Martin (n° " in table.output
    assert "(avoir)" in table.output
    assert f"Total : {total + Money.from_euros('10')} (3 règlement(s))." in table.output
    rows = list(
        csv.DictReader(io.StringIO(run(services, "payments", "list", "--format", "csv").output))
    )
    assert [r["montant"] for r in rows] == [str(rest.as_decimal()), "10.00", "20.50"]
    assert rows[0]["mode"] == "cheque"
    data = json.loads(
        run(services, "payments", "list", "--family", str(family_id), "--format", "json").output
    )
    assert [d["invoice"] for d in data] == [invoice.number, None, invoice.number]
    assert data[2]["amount_cents"] == 2050
    assert data[0]["recorded_by"]


def test_bad_input_is_refused_in_french_and_writes_nothing(
    services: Services,
    clock: FixedClock,
) -> None:
    _, invoice = billed_family(services, clock)
    cases = [
        (["--amount", "douze"], 2, "--amount : « douze » n'est pas un montant"),
        (["--amount", "0"], 2, "positif"),
        (["--amount", "-3"], 2, "positif"),
        (["--amount", "1" * 2000], 2, "trop long"),
        (["--amount", "10000,01"], 2, "ne dépasse pas"),
        (["--reference", " "], 2, "--reference : La référence est obligatoire"),
        (["--date", "2026-10-06"], 2, "--date : La date de réception ne peut pas être"),
        (["--date", "5 octobre"], 2, "n'est pas une date : JJ/MM/AAAA ou AAAA-MM-JJ (ex. : "),
        (["--date", "06/10/2026"], 2, "--date : La date de réception ne peut pas être"),
        (["--mode", "payfip"], 2, "payfip"),
        (["--invoice", "FA-2026-999999"], 3, "Aucune facture n° « FA-2026-999999 »"),
        (["--invoice", "\x1b[31m"], 2, "U+001B (échappement)"),
        (["--reference", "CHQ \u202e12"], 2, "U+202E"),
    ]
    for changes, code, message in cases:
        arguments = {
            "--invoice": invoice.number,
            "--amount": "10",
            "--mode": "cheque",
            "--reference": "CHQ 1",
        }
        arguments.update(dict(zip(changes[::2], changes[1::2], strict=True)))
        flat = [part for pair in arguments.items() for part in pair]
        result = run(services, "payments", "record", *flat)
        assert result.exit_code == code, (changes, result.output)
        assert message in result.output, (changes, result.output)
        assert "Traceback" not in result.output
    assert payments_count(services) == 0
    with services.ports.uow(read_only=True) as uow:
        assert uow.outbox.listing(10) == []
    no_credit = run(services, "payments", "use-credit", "--invoice", invoice.number)
    assert no_credit.exit_code == 4
    assert "pas d'avoir" in no_credit.output
    unknown = run(services, "payments", "list", "--family", "999")
    assert unknown.exit_code == 3


def test_the_receipt_reaches_a_real_smtp_server_through_the_outbox(
    services: Services,
    clock: FixedClock,
    inbox: tuple[Inbox, int],
) -> None:
    handler, port = inbox
    _, invoice = billed_family(services, clock)
    assert record(services, invoice.number, "20,50").exit_code == 0
    mailer = SmtpMailer(
        f"smtp://127.0.0.1:{port}", "Portail Famille <ne-pas-repondre@demo.example>"
    )
    report = dispatch_outbox(services.ports.uow, JinjaEmailRenderer(), mailer, clock)
    assert report.sent == 1
    (received,) = handler.messages
    assert received["To"] == "claire.martin@example.fr"
    assert received["Subject"] == (
        f"Reçu de votre règlement de 20,50\u00a0€ (facture {invoice.number})"
    )
    text = received.get_body(preferencelist=("plain",))
    html = received.get_body(preferencelist=("html",))
    assert text is not None
    assert html is not None
    body = text.get_content()
    assert "- mode de règlement : chèque" in body
    assert "- référence : CHQ 1234567" in body
    assert "- reçu le : 5 octobre 2026" in body
    assert f"Il reste {invoice.total - Money.from_euros('20,50')} à payer" in body
    assert "Ville de Démo-sur-Mer" in body
    assert '<html lang="fr">' in html.get_content()
    assert "CHQ 1234567" in html.get_content()
