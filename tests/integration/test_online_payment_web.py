"""« Payer en ligne » through Flask's client on SQLite, PayFiP being its in-memory twin: the
payment opened and the family sent to PayFiP, the notification (any method, any spelling,
always 200, CSRF-free, counted per address), the return page telling the truth to its family
only, PayFiP down, and the invoices that may not be paid online."""

from __future__ import annotations

from collections.abc import Iterator
from importlib.resources import files

import pytest
from flask.testing import FlaskClient

from adapters.clock import FixedClock
from adapters.commune_file import read_commune_file
from adapters.payfip.fake import FakePayfip
from adapters.persistence import upgrade
from entrypoints.bootstrap import Services, bootstrap
from entrypoints.settings import Settings
from entrypoints.web import create_app
from portail_core.domain.payments.attempt import AttemptState
from portail_core.domain.payments.online import OnlinePaymentSettings
from portail_core.domain.payments.payment import PaymentMode
from portail_core.services.catalogue.offer import load_catalogue
from portail_core.services.payments import online_results
from tests.integration.invoice_town import SEPTEMBER_WEDNESDAYS, bill_september, book_september
from tests.integration.test_auth_web import (  # noqa: F401  (fixtures reused)
    NOW,
    STAFF,
    activate,
    clock,
    csrf,
    log_in,
    open_family_account,
    text,
)
from tests.integration.test_invoices_web import other_family_invoice

PAYING = NOW.add(months=3, days=20)  # 5 October 2026: September's invoice is out and due


@pytest.fixture
def payfip() -> FakePayfip:
    return FakePayfip()


@pytest.fixture
def services(
    sqlite_settings: Settings, clock: FixedClock, payfip: FakePayfip
) -> Iterator[Services]:
    built = bootstrap(sqlite_settings, clock=clock, payfip=payfip)
    assert built.engine is not None
    upgrade(built.engine)
    demo = read_commune_file((files("entrypoints.demo") / "commune-demo.toml").read_text("utf-8"))
    load_catalogue(built.ports.uow(), demo.details, demo.catalogue, actor=STAFF, clock=clock)
    yield built
    built.close()


@pytest.fixture
def client(services: Services) -> FlaskClient:
    return create_app({"TESTING": True}, services=services).test_client()


@pytest.fixture
def invoice(services: Services, client: FlaskClient, clock: FixedClock) -> str:
    """The Martins, logged in, billed for September (74,14 €): the invoice's number."""
    account = open_family_account(services)
    activate(client, account["activation_url"])
    log_in(client, account["identifier"])
    family = int(account["identifier"].rsplit(".", 1)[1])
    book_september(services, family, "Léa", SEPTEMBER_WEDNESDAYS)
    book_september(services, family, "Tom", SEPTEMBER_WEDNESDAYS[:3])
    bill_september(services)
    clock.set(PAYING)
    log_in(client, account["identifier"])  # the June session is long gone
    with services.ports.uow(read_only=True) as uow:
        return uow.invoices.of_family(family)[-1].number


def pay_online(client: FlaskClient, number: str):
    token = csrf(client, f"/factures/{number}")
    return client.post(f"/factures/{number}/payer-en-ligne", data={"csrf_token": token})


def the_attempt(services: Services):
    with services.ports.uow(read_only=True) as uow:
        [attempt] = uow.attempts.listing(PAYING.date(), PAYING.date())
    return attempt


def online_payments(services: Services, number: str):
    with services.ports.uow(read_only=True) as uow:
        return [p for p in uow.payments.of_invoices([number]) if p.mode is PaymentMode.PAYFIP]


def test_payer_en_ligne_stores_the_attempt_and_sends_the_family_to_payfip(
    services: Services, client: FlaskClient, invoice: str
) -> None:
    shown = client.get(f"/factures/{invoice}")
    assert "Payer en ligne 74,14\xa0€</button>" in text(shown)
    policy = shown.headers["Content-Security-Policy"]
    assert f"form-action 'self' {services.settings.payfip_url}" in policy  # the redirect
    response = pay_online(client, invoice)
    attempt = the_attempt(services)
    assert response.status_code == 303
    assert response.headers["Location"] == (
        f"https://payfip.test/tpa/paiementws.web?idop={attempt.id_op}"
    )
    assert attempt.amount.cents == 7414
    assert attempt.state is AttemptState.PENDING


def test_payfip_is_given_the_portals_public_addresses_not_the_requests_host(
    services: Services, client: FlaskClient, invoice: str, payfip: FakePayfip
) -> None:
    response = pay_online(client, invoice)
    assert response.request.host == "localhost"  # Flask's test client
    order = payfip.orders[the_attempt(services).id_op]
    public = services.settings.public_url
    assert public == "http://127.0.0.1:5000"
    assert order.notify_url == f"{public}/paiement-en-ligne/notification"
    assert order.return_url == f"{public}/paiement-en-ligne/retour"


def test_paying_online_needs_the_forms_token(client: FlaskClient, invoice: str) -> None:
    assert client.post(f"/factures/{invoice}/payer-en-ligne").status_code == 400


def test_another_familys_invoice_cannot_be_paid_from_here(
    services: Services, client: FlaskClient, invoice: str
) -> None:
    other = other_family_invoice(services)
    token = csrf(client, f"/factures/{invoice}")
    response = client.post(f"/factures/{other}/payer-en-ligne", data={"csrf_token": token})
    assert response.status_code == 404


def test_payfip_down_says_so_and_writes_nothing(
    services: Services, client: FlaskClient, invoice: str, payfip: FakePayfip
) -> None:
    payfip.down = True
    response = pay_online(client, invoice)
    assert response.status_code == 503
    assert "ne répond pas pour l’instant" in text(response) or "ne répond pas" in text(response)
    assert "rien n'a été payé" in text(response)
    with services.ports.uow(read_only=True) as uow:
        assert uow.attempts.of_invoice(invoice) == []


@pytest.mark.parametrize(
    ("method", "name", "where"),
    [("GET", "idop", "query"), ("POST", "idOp", "form"), ("POST", "idop", "query")],
)
def test_the_notification_records_the_payment_whatever_its_form(
    services: Services,
    client: FlaskClient,
    invoice: str,
    payfip: FakePayfip,
    method: str,
    name: str,
    where: str,
) -> None:
    pay_online(client, invoice)
    attempt = the_attempt(services)
    payfip.finish(attempt.id_op, "P", at=PAYING)
    anonymous = client.application.test_client()  # PayFiP's server: no session, no token
    if where == "query":
        response = anonymous.open(
            f"/paiement-en-ligne/notification?{name}={attempt.id_op}", method=method
        )
    else:
        response = anonymous.post("/paiement-en-ligne/notification", data={name: attempt.id_op})
    assert response.status_code == 200
    assert the_attempt(services).state is AttemptState.PAID
    [payment] = online_payments(services, invoice)
    assert payment.amount.cents == 7414


@pytest.mark.parametrize(
    "query", ["", "?idop=", "?idop=inconnue", "?idOp=" + "x" * 5000, "?idop=%00%ff<script>"]
)
def test_the_notification_always_answers_200(client: FlaskClient, query: str) -> None:
    anonymous = client.application.test_client()
    assert anonymous.get(f"/paiement-en-ligne/notification{query}").status_code == 200
    assert anonymous.post(f"/paiement-en-ligne/notification{query}").status_code == 200


def test_notifications_beyond_the_hourly_limit_of_an_address_are_ignored(
    services: Services,
    client: FlaskClient,
    invoice: str,
    payfip: FakePayfip,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(online_results, "NOTIFICATIONS_PER_HOUR", 2)
    pay_online(client, invoice)
    attempt = the_attempt(services)
    anonymous = client.application.test_client()
    for _ in range(2):
        anonymous.get(f"/paiement-en-ligne/notification?idop={attempt.id_op}")
    asked = payfip.calls.count("recupererDetailPaiementSecurise")
    payfip.finish(attempt.id_op, "P", at=PAYING)
    response = anonymous.get(f"/paiement-en-ligne/notification?idop={attempt.id_op}")
    assert response.status_code == 200
    assert payfip.calls.count("recupererDetailPaiementSecurise") == asked  # not even asked
    assert the_attempt(services).state is AttemptState.PENDING


@pytest.mark.parametrize(
    ("result", "words"),
    [
        ("P", "<strong>Paiement accepté</strong> :"),
        ("V", "<strong>Paiement accepté</strong> :"),
        ("R", "Paiement refusé"),
        ("A", "Paiement abandonné"),
        (None, "Paiement en cours de vérification"),
    ],
)
def test_the_return_page_says_what_payfip_reports(
    services: Services,
    client: FlaskClient,
    invoice: str,
    payfip: FakePayfip,
    result: str | None,
    words: str,
) -> None:
    pay_online(client, invoice)
    attempt = the_attempt(services)
    if result is not None:
        payfip.finish(attempt.id_op, result, at=PAYING)
    page = text(client.get(f"/paiement-en-ligne/retour?idop={attempt.id_op}"))
    assert words in page
    assert ("Paiement accepté" in page) == (len(online_payments(services, invoice)) == 1)


def test_a_return_by_form_is_sent_to_the_same_page_by_get(
    services: Services, client: FlaskClient, invoice: str, payfip: FakePayfip
) -> None:
    """Should PayFiP post the browser back: no CSRF token (PayFiP has none), no change, a 303
    to the page, which the family's session cookie reaches."""
    pay_online(client, invoice)
    attempt = the_attempt(services)
    payfip.finish(attempt.id_op, "P", at=PAYING)
    posted = client.application.test_client().post(
        "/paiement-en-ligne/retour", data={"idOp": attempt.id_op}
    )
    assert posted.status_code == 303
    assert posted.headers["Location"] == f"/paiement-en-ligne/retour?idop={attempt.id_op}"
    assert online_payments(services, invoice) == []  # the POST itself changes nothing
    assert "Paiement accepté" in text(client.get(posted.headers["Location"]))


def test_the_return_page_is_the_payers_only(
    services: Services, client: FlaskClient, invoice: str, payfip: FakePayfip
) -> None:
    pay_online(client, invoice)
    attempt = the_attempt(services)
    payfip.finish(attempt.id_op, "P", at=PAYING)
    stranger = client.application.test_client()
    response = stranger.get(f"/paiement-en-ligne/retour?idop={attempt.id_op}")
    assert response.status_code == 302  # to the login page
    assert "/connexion" in response.headers["Location"]
    assert client.get("/paiement-en-ligne/retour?idop=inconnue").status_code == 404


def test_an_invoice_paid_online_offers_no_second_payment(
    services: Services, client: FlaskClient, invoice: str, payfip: FakePayfip
) -> None:
    pay_online(client, invoice)
    payfip.finish(the_attempt(services).id_op, "P", at=PAYING)
    client.get(f"/paiement-en-ligne/retour?idop={the_attempt(services).id_op}")
    page = text(client.get(f"/factures/{invoice}"))
    assert "payer-en-ligne" not in page
    refused = pay_online(client, invoice)
    assert refused.status_code == 409
    assert "est déjà réglée" in text(refused)
    assert len(online_payments(services, invoice)) == 1


def test_a_commune_without_online_payment_never_mentions_it(
    services: Services, client: FlaskClient, invoice: str
) -> None:
    with services.ports.uow() as uow:
        commune = uow.communes.get()
        assert commune is not None
        commune.online_payment = OnlinePaymentSettings()
        uow.communes.update(commune)
        uow.commit()
    for path in (
        "/",
        "/espace",
        "/factures",
        f"/factures/{invoice}",
        "/factures/modes-de-paiement",
    ):
        page = text(client.get(path))
        assert "PayFiP" not in page, path
        assert "en ligne" not in page.replace("espace en ligne", "").replace(
            "faire en ligne", ""
        ), path
    assert pay_online(client, invoice).status_code == 409
