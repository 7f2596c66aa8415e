"""Paying an invoice online in Chromium, through PayFiP: the portal served for real on loopback
on SQLite, and the PayFiP simulator served for real on loopback too, the portal talking SOAP to
it over HTTP and PayFiP's notifications coming back to the portal over HTTP.

The demo family pays the demo invoice (a few days of last month) by card or one-off debit, has
it refused or abandons it; PayFiP notifies the portal on time, twice, or never (the family has
closed the tab: ``portail payfip reconcile`` records the payment); PayFiP is down. axe-core
checks the invoice's page and the result pages, at full width and at 320 px, and the keyboard
alone reaches PayFiP.

The demo town is loaded once and copied for each test (a fresh SQLite file, its invoice unpaid);
each test has its own simulator and its own portal, on a port chosen before the portal is
built, so that PayFiP's notification URL (the public URL's) really reaches it.
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pendulum
import pytest
from attrs import frozen
from click.testing import CliRunner
from flask import Flask
from playwright.sync_api import ConsoleMessage, Locator, Page, expect

from adapters.clock import FixedClock
from adapters.payfip import PAGE_PATH
from adapters.payfip.simulator import PayfipSimulator, make_simulator
from adapters.persistence import upgrade
from entrypoints.bootstrap import Services, bootstrap
from entrypoints.cli import main
from entrypoints.cli.demo import DEMO_PASSWORD
from entrypoints.settings import Settings
from entrypoints.web import create_app
from portail_core.domain.shared.money import Money
from tests.integration.browser.conftest import assert_no_accessibility_violations
from tests.integration.loopback import Served, choose, free_port, wait_for
from tests.integration.test_invoice_pdf import pdf_text

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIEnvironment

pytestmark = pytest.mark.browser

PAYFIP_CLIENTS = {"123456": ("VILLE DE DEMO-SUR-MER",)}  # the demo commune's numcli
NOTIFICATION_PATH = "/paiement-en-ligne/notification"
RETURN_PATH = "/paiement-en-ligne/retour"
PAY_ONLINE = re.compile(r"^Payer en ligne ")
CARD, DEBIT, REFUSE, ABANDON = (
    "Payer par carte bancaire",
    "Payer par prélèvement unique",
    "Refuser le paiement",
    "Abandonner",
)
ON_TIME, TWICE = "à l'heure", "deux fois"
ZERO = Money(0).format_fr()


# ---------------------------------------------------------------------- the town, served
class CountingNotifications:
    """The portal's WSGI application, remembering each PayFiP notification it has answered
    (so that a test knows when PayFiP's calls are over, without sleeping)."""

    def __init__(self, application: Flask) -> None:
        self.application = application
        self.answered: list[str] = []

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        answer = self.application(environ, start_response)
        try:
            body = b"".join(answer)
        finally:
            close = getattr(answer, "close", None)
            if close is not None:
                close()
        if environ.get("PATH_INFO") == NOTIFICATION_PATH:
            self.answered.append(str(environ.get("QUERY_STRING", "")))
        return [body]


@frozen
class Town:
    """The portal (``url``) on its own copy of the demo town, and its PayFiP."""

    url: str
    services: Services
    portal: CountingNotifications
    payfip: Served
    simulator: PayfipSimulator  # its operations, which a test may tamper with
    number: str  # the demo invoice, unpaid
    family_id: int
    amount: str  # its balance, as the pages show it

    @property
    def invoice_url(self) -> str:
        return f"{self.url}/factures/{self.number}"

    def cli(self, *args: str, services: Services | None = None) -> str:
        """``portail <args>`` on this town's database (with ``services``' clock if given)."""
        result = CliRunner().invoke(main, list(args), obj=services or self.services)
        assert result.exit_code == 0, result.output
        return result.output

    def cli_json(self, *args: str) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = json.loads(self.cli(*args, "--format", "json"))
        return found

    def payments(self) -> list[dict[str, Any]]:
        return self.cli_json("payments", "list", "--family", str(self.family_id))

    def attempts(self) -> list[dict[str, Any]]:
        return self.cli_json("payfip", "attempts")


@frozen
class DemoTown:
    instance: Path
    number: str
    family_id: int
    due_cents: int


@pytest.fixture(scope="module")
def demo_town(tmp_path_factory: pytest.TempPathFactory) -> DemoTown:
    """The demo town loaded once (its [payfip] numcli 123456 in test mode, the Martins and
    their invoice for a few days of last month), to be copied by each test."""
    instance = tmp_path_factory.mktemp("payment-demo")
    services = bootstrap(Settings.from_env({"PORTAIL_INSTANCE_PATH": str(instance)}))
    try:
        assert services.engine is not None
        upgrade(services.engine)
        loaded = CliRunner().invoke(main, ["demo", "load"], obj=services)
        assert loaded.exit_code == 0, loaded.output
        listed = CliRunner().invoke(main, ["invoices", "list", "--format", "json"], obj=services)
        [invoice] = json.loads(listed.output)
    finally:
        services.close()
    assert invoice["status"] == "a_payer"
    cents = int(Decimal(invoice["due"]) * 100)
    assert cents > 0
    return DemoTown(instance, invoice["number"], invoice["family_id"], cents)


@pytest.fixture
def town(demo_town: DemoTown, tmp_path: Path) -> Iterator[Town]:
    """A copy of the demo town, the portal and the PayFiP simulator each served on loopback."""
    instance = tmp_path / "instance"
    shutil.copytree(demo_town.instance, instance)
    simulator = make_simulator(PAYFIP_CLIENTS, late_seconds=0.5)
    payfip = Served(simulator)
    port = free_port()  # the portal's, known before it is built: its public URL
    url = f"http://127.0.0.1:{port}"
    services = bootstrap(
        Settings.from_env(
            {
                "PORTAIL_INSTANCE_PATH": str(instance),
                "PORTAIL_PUBLIC_URL": url,
                "PORTAIL_PAYFIP_URL": payfip.url,
            }
        )
    )
    portal = CountingNotifications(create_app(services=services))
    served = Served(portal, port)
    amount = Money(demo_town.due_cents).format_fr()
    yield Town(
        url, services, portal, payfip, simulator, demo_town.number, demo_town.family_id, amount
    )
    served.close()
    payfip.close()
    services.close()


# ---------------------------------------------------------------------- the family's steps
def log_in(page: Page, town: Town) -> None:
    page.goto(town.url + "/connexion")
    page.get_by_label("Identifiant (obligatoire)").fill("martin.1")
    page.get_by_label("Mot de passe (obligatoire)", exact=True).fill(DEMO_PASSWORD)
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text("Vous êtes connecté : famille Martin")


def open_the_invoice(page: Page, town: Town) -> None:
    """From the family's space: « Factures et règlements », then the invoice."""
    page.get_by_role("link", name="Factures et règlements").click()
    expect(page.locator("h1")).to_have_text("Factures et règlements")
    page.get_by_role("link", name=f"Facture {town.number}", exact=True).click()
    expect(page.locator("h1")).to_have_text(f"Facture {town.number}")


def payfip_page(town: Town) -> re.Pattern[str]:
    return re.compile(re.escape(town.payfip.url + PAGE_PATH) + r"\?idop=([0-9a-f-]{36})$")


def reaches_payfip(page: Page, town: Town, blocked: list[str]) -> str:
    """The browser on PayFiP's page showing the invoice's balance: the operation's id.
    ``blocked``: what Chromium said about the Content-Security-Policy meanwhile."""
    try:
        expect(page).to_have_url(payfip_page(town), timeout=5_000)
    except AssertionError:
        pytest.fail(
            f"« Payer en ligne » left the family on {page.url} instead of PayFiP's page "
            f"{town.payfip.url}{PAGE_PATH}; Chromium said: {blocked or 'nothing'}"
        )
    expect(page.locator("h1")).to_have_text(f"Payer {town.amount}")
    matched = payfip_page(town).match(page.url)
    assert matched is not None
    return matched.group(1)


def csp_reports(page: Page) -> list[str]:
    """The console's Content-Security-Policy messages, as they come."""
    said: list[str] = []

    def listen(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text:
            said.append(message.text)

    page.on("console", listen)
    return said


def pay_online(page: Page, town: Town) -> str:
    """« Payer en ligne » on the invoice's page: off to PayFiP (the operation's id)."""
    blocked = csp_reports(page)
    page.get_by_role("button", name=PAY_ONLINE).click()
    return reaches_payfip(page, town, blocked)


def choose_on_payfip(page: Page, town: Town, id_op: str, outcome: str, notification: str) -> None:
    """The family's choice on PayFiP's page, then back on the portal's result page."""
    page.get_by_label(outcome, exact=True).check()
    page.get_by_label(notification, exact=True).check()
    page.get_by_role("button", name="Valider").click()
    expect(page).to_have_url(f"{town.url}{RETURN_PATH}?idop={id_op}")
    expect(page.locator("h1")).to_have_text(f"Paiement en ligne de la facture {town.number}")


def fact(page: Page, name: str) -> Locator:
    """What the invoice's page says after « name » (its <dt>)."""
    return page.locator(f"dt:text-is('{name}') + dd")


def expect_paid(page: Page, town: Town) -> None:
    """The invoice's page: paid, nothing left to pay, nothing to pay online."""
    page.goto(town.invoice_url)
    expect(fact(page, "Statut")).to_have_text("payée")
    expect(fact(page, "Montant dû")).to_have_text(ZERO)
    expect(page.get_by_text("Cette facture est réglée. Merci.")).to_be_visible()
    expect(page.get_by_role("button", name=PAY_ONLINE)).to_have_count(0)


def expect_unpaid(page: Page, town: Town) -> None:
    """The invoice's page: still to pay in full, « Payer en ligne » offered."""
    page.goto(town.invoice_url)
    expect(fact(page, "Statut")).to_have_text("à payer")
    expect(fact(page, "Montant dû")).to_have_text(town.amount)
    expect(page.get_by_role("button", name=PAY_ONLINE)).to_have_text(
        f"Payer en ligne {town.amount}"
    )


def the_payfip_payment(town: Town) -> dict[str, Any]:
    """The one payment recorded: PayFiP's, for the whole invoice."""
    [payment] = town.payments()
    assert (payment["mode"], payment["invoice"]) == ("payfip", town.number)
    assert Money(payment["amount_cents"]).format_fr() == town.amount
    return payment


def fits(page: Page, width: int) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= width


# ---------------------------------------------------------------------- the journeys
def test_paid_by_card_with_the_notification_on_time_the_invoice_is_paid_once(
    page: Page, town: Town
) -> None:
    log_in(page, town)
    open_the_invoice(page, town)
    id_op = pay_online(page, town)
    expect(page.get_by_text("Simulateur local de PayFiP")).to_be_visible()

    choose_on_payfip(page, town, id_op, CARD, ON_TIME)
    expect(page.get_by_role("status")).to_contain_text(
        f"Paiement accepté : {town.amount} pour la facture {town.number}"
    )
    wait_for(lambda: len(town.portal.answered) == 1)  # PayFiP's notification, answered

    expect_paid(page, town)
    page.get_by_role("link", name="Retour aux factures et règlements").click()
    expect(page.get_by_text("Vous n’avez rien à payer.")).to_be_visible()
    row = page.get_by_role("row", name=re.compile(f"Facture {town.number}"))
    expect(row).to_contain_text("Payée")
    expect(row.locator("td.number").last).to_have_text(ZERO)

    page.goto(town.invoice_url)
    link = page.get_by_role("link", name=re.compile(f"Télécharger la facture {town.number}"))
    pdf = page.request.get(town.url + str(link.get_attribute("href")))
    assert pdf.status == 200
    assert pdf.headers["content-type"] == "application/pdf"
    sheet = pdf_text(pdf.body())  # the PDF agrees with the page (its text has plain spaces)
    assert "Cette facture est réglée. Merci." in sheet
    assert f"Déjà réglé {town.amount} Montant dû {ZERO}".replace("\xa0", " ") in sheet

    payment = the_payfip_payment(town)
    assert payment["reference"].startswith("PayFiP (mode test) carte bancaire, autorisation ")
    [attempt] = town.attempts()
    assert (attempt["id_op"], attempt["state"], attempt["result"]) == (id_op, "payee", "P")


def test_a_one_off_debit_pays_the_invoice_too(page: Page, town: Town) -> None:
    log_in(page, town)
    open_the_invoice(page, town)
    id_op = pay_online(page, town)
    choose_on_payfip(page, town, id_op, DEBIT, ON_TIME)
    expect(page.get_by_role("status")).to_contain_text("Paiement accepté :")
    wait_for(lambda: len(town.portal.answered) == 1)

    expect_paid(page, town)
    payment = the_payfip_payment(town)
    assert payment["reference"].startswith("PayFiP (mode test) prélèvement")
    assert [a["result"] for a in town.attempts()] == ["V"]


def test_a_refused_payment_pays_nothing_and_payer_en_ligne_is_offered_again(
    page: Page, town: Town
) -> None:
    log_in(page, town)
    open_the_invoice(page, town)
    id_op = pay_online(page, town)
    choose_on_payfip(page, town, id_op, REFUSE, ON_TIME)
    expect(page.get_by_role("status")).to_contain_text(
        "Paiement refusé par votre banque : rien n’a été payé."
    )
    wait_for(lambda: len(town.portal.answered) == 1)

    page.get_by_role("link", name=f"Voir la facture {town.number}").click()
    expect_unpaid(page, town)
    assert town.payments() == []
    assert [a["state"] for a in town.attempts()] == ["refusee"]
    pay_online(page, town)  # and the button works: PayFiP's page again


def test_an_abandoned_payment_pays_nothing_and_the_pages_say_when_to_pay_again(
    page: Page, town: Town
) -> None:
    log_in(page, town)
    open_the_invoice(page, town)
    id_op = pay_online(page, town)
    choose_on_payfip(page, town, id_op, ABANDON, ON_TIME)
    status = page.get_by_role("status")
    expect(status).to_contain_text("Paiement abandonné : rien n’a été payé.")
    [attempt] = town.attempts()
    opened = pendulum.parse(attempt["created_at"]).in_timezone("Europe/Paris")  # type: ignore[union-attr]
    again = opened.add(minutes=20)
    expect(status).to_contain_text(
        "vous pourrez payer à nouveau depuis la page de la facture à partir de "
        f"{again.hour}h{again.minute:02d}."
    )
    wait_for(lambda: len(town.portal.answered) == 1)

    # PayFiP may still turn an abandoned payment paid for a while: no second payment meanwhile,
    # and the invoice's page says so instead of offering a button that would refuse.
    page.goto(town.invoice_url)
    expect(fact(page, "Statut")).to_have_text("à payer")
    expect(fact(page, "Montant dû")).to_have_text(town.amount)
    expect(page.get_by_role("button", name=PAY_ONLINE)).to_have_count(0)
    expect(page.get_by_text("attend encore la réponse des Finances Publiques")).to_contain_text(
        f"ouvert à {opened.hour}h{opened.minute:02d}"
    )
    assert town.payments() == []
    assert [a["state"] for a in town.attempts()] == ["abandonnee"]
    assert_no_accessibility_violations(page)


def test_a_notification_sent_twice_records_one_payment(page: Page, town: Town) -> None:
    log_in(page, town)
    open_the_invoice(page, town)
    id_op = pay_online(page, town)
    choose_on_payfip(page, town, id_op, CARD, TWICE)
    expect(page.get_by_role("status")).to_contain_text("Paiement accepté :")
    wait_for(lambda: len(town.portal.answered) == 2)  # both notifications answered

    assert town.portal.answered == [f"idop={id_op}"] * 2
    the_payfip_payment(town)
    expect_paid(page, town)


def test_a_payment_whose_notification_never_comes_is_recorded_by_the_reconciliation(
    page: Page, town: Town
) -> None:
    log_in(page, town)
    open_the_invoice(page, town)
    id_op = pay_online(page, town)
    tab = page.context.new_page()
    page.close()  # the family closes PayFiP's tab once it has paid: it never comes back
    back_to = choose(town.payfip, id_op, "P", notification="never")
    assert back_to == f"{town.url}{RETURN_PATH}?idop={id_op}"  # not followed

    expect_unpaid(tab, town)  # « Payer en ligne » would take the family back to the same page
    assert town.portal.answered == []
    assert town.payments() == []
    assert [a["state"] for a in town.attempts()] == ["en_cours"]
    now = town.cli("payfip", "reconcile")  # the family may still be on PayFiP: left alone
    assert "0 paiement(s) en ligne vérifié(s)." in now
    assert town.payments() == []

    later = bootstrap(
        town.services.settings, clock=FixedClock(pendulum.now("Europe/Paris").add(minutes=10))
    )
    try:
        reconciled = town.cli("payfip", "reconcile", services=later)
    finally:
        later.close()
    assert "1 paiement(s) en ligne vérifié(s) : 1 payée." in reconciled
    expect_paid(tab, town)
    the_payfip_payment(town)


@pytest.mark.parametrize(("field", "value"), [("montant", "100"), ("refdet", "FA2026000001ZZZZ")])
def test_a_payment_payfip_reports_for_another_amount_or_reference_is_not_paid_but_reported(
    page: Page, town: Town, field: str, value: str
) -> None:
    log_in(page, town)
    open_the_invoice(page, town)
    id_op = pay_online(page, town)
    town.simulator.operations[id_op].fields[field] = value  # PayFiP's report will differ
    choose_on_payfip(page, town, id_op, CARD, ON_TIME)
    expect(page.get_by_role("status")).to_contain_text(
        "Paiement en cours de vérification par le guichet unique"
    )
    wait_for(lambda: len(town.portal.answered) == 1)
    assert town.payments() == []
    [attempt] = town.attempts()
    assert attempt["state"] == "rejetee"
    assert attempt["problem"].startswith("montant" if field == "montant" else "référence")
    reported = [
        e for e in town.cli_json("audit", "list") if e["action"] == "payment.online_to_check"
    ]
    assert len(reported) == 1
    assert town.number in reported[0]["summary"]
    page.goto(town.invoice_url)  # no second payment while the desk checks
    expect(fact(page, "Statut")).to_have_text("à payer")
    expect(page.get_by_role("button", name=PAY_ONLINE)).to_have_count(0)
    expect(page.get_by_text("est vérifié par le guichet unique")).to_be_visible()


def test_payfip_down_keeps_the_family_on_the_invoice_with_a_french_message(
    page: Page, town: Town
) -> None:
    town.payfip.close()
    log_in(page, town)
    open_the_invoice(page, town)
    with page.expect_response(lambda r: r.request.method == "POST") as answered:
        page.get_by_role("button", name=PAY_ONLINE).click()
    assert answered.value.status == 503
    assert answered.value.url == f"{town.invoice_url}/payer-en-ligne"
    expect(page.locator("h1")).to_have_text(f"Facture {town.number}")
    expect(page.get_by_role("alert")).to_have_text(
        "Le service de paiement en ligne des Finances Publiques ne répond pas pour l'instant : "
        "rien n'a été payé. Réessayez dans quelques minutes."
    )
    expect(page.get_by_role("button", name=PAY_ONLINE)).to_be_visible()
    assert_no_accessibility_violations(page)
    assert town.attempts() == []
    assert town.payments() == []


def test_the_invoice_and_the_result_pages_are_accessible_at_full_width_and_at_320_pixels(
    page: Page, town: Town
) -> None:
    log_in(page, town)
    open_the_invoice(page, town)
    expect(page.get_by_role("button", name=PAY_ONLINE)).to_have_accessible_description(
        re.compile("Finances Publiques \\(PayFiP\\)")
    )
    assert_no_accessibility_violations(page)
    page.set_viewport_size({"width": 320, "height": 800})
    fits(page, 320)
    assert_no_accessibility_violations(page)
    page.set_viewport_size({"width": 1280, "height": 720})

    id_op = pay_online(page, town)
    choose_on_payfip(page, town, id_op, REFUSE, ON_TIME)
    expect(page.get_by_role("status")).to_contain_text("Paiement refusé")
    assert_no_accessibility_violations(page)

    page.get_by_role("link", name=f"Voir la facture {town.number}").click()
    id_op = pay_online(page, town)
    choose_on_payfip(page, town, id_op, CARD, ON_TIME)
    expect(page.get_by_role("status")).to_contain_text("Paiement accepté :")
    assert_no_accessibility_violations(page)
    page.set_viewport_size({"width": 320, "height": 800})
    fits(page, 320)
    assert_no_accessibility_violations(page)


def test_the_keyboard_alone_takes_the_family_from_the_invoice_to_payfip(
    page: Page, town: Town
) -> None:
    log_in(page, town)
    page.goto(town.invoice_url)
    for _ in range(40):  # Tab through the page until « Payer en ligne » has the focus
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent").startswith("Payer en ligne"):
            break
    else:
        pytest.fail("« Payer en ligne » never got the focus")
    blocked = csp_reports(page)
    page.keyboard.press("Enter")
    reaches_payfip(page, town, blocked)
