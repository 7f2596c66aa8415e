"""The local PayFiP over real HTTP: its SOAP endpoint (answers and faults in the contract's shape,
PayFiP's checks), its payment page, and its notifications to a stand-in portal."""

from __future__ import annotations

import http.client
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit
from xml.etree import ElementTree

import attrs
import pendulum
import pytest
import xmlschema

from adapters.clock import FixedClock
from adapters.payfip import NAMESPACE, PAGE_PATH, SOAP_PATH
from adapters.payfip.client import SoapPayfip
from adapters.payfip.simulator import PayfipSimulator
from portail_core.domain.payments.online import PaymentOrder
from portail_core.errors import OnlinePaymentError
from tests.integration.loopback import Served, choose, free_port, wait_for
from tests.integration.test_payfip_client import (  # noqa: F401  (fixtures reused)
    CONTRACT,
    ORDER,
    SOAP_ENV,
    Recorder,
    client,
    clock,
    payfip,
    simulator,
)

SCHEMA = xmlschema.XMLSchema(str(CONTRACT / "PaiementSecuriseService_schema1.xsd"))
FAULT = "fr.gouv.finances.cp.tpa.webservice.exceptions.FonctionnelleErreur"
GOOD = {
    "exer": "2027",
    "mel": "claire.martin@example.fr",
    "montant": "4250",
    "numcli": "123456",
    "objet": "Facture 2027 000012",
    "refdet": "F2027000012K7QX",
    "saisie": "T",
    "urlnotif": "http://127.0.0.1:9/notification",
    "urlredirect": "http://127.0.0.1:9/retour",
}


def call(
    served: Served, method: str, path: str, body: str = "", **headers: str
) -> tuple[int, dict[str, str], str]:
    connection = http.client.HTTPConnection("127.0.0.1", served.server.server_port, timeout=5)
    try:
        connection.request(method, path, body=body.encode(), headers=headers)
        answer = connection.getresponse()
        return answer.status, dict(answer.getheaders()), answer.read().decode()
    finally:
        connection.close()


def soap(served: Served, operation: str, **arg0: str) -> tuple[int, ElementTree.Element]:
    """Post a SOAP 1.1 request by hand; the status and the body's first element."""
    fields = "".join(f"<{name}>{value}</{name}>" for name, value in arg0.items())
    envelope = (
        f'<soapenv:Envelope xmlns:soapenv="{SOAP_ENV}" xmlns:ser="{NAMESPACE}"><soapenv:Body>'
        f"<ser:{operation}><arg0>{fields}</arg0></ser:{operation}></soapenv:Body></soapenv:Envelope>"
    )
    status, headers, text = call(
        served, "POST", SOAP_PATH, envelope, **{"Content-Type": "text/xml"}
    )
    assert headers["Content-Type"].startswith("text/xml")
    return status, body_of(text)


def body_of(text: str) -> ElementTree.Element:
    body = ElementTree.fromstring(text).find(f"{{{SOAP_ENV}}}Body")  # noqa: S314  (our simulator's XML)
    assert body is not None
    (first,) = list(body)
    return first


def fault_detail(fault: ElementTree.Element) -> dict[str, str]:
    detail = fault.find("detail")
    assert detail is not None
    (error,) = list(detail)
    return {field.tag: field.text or "" for field in error}


@pytest.fixture
def portal() -> Iterator[Recorder]:
    """The portal's notification URL, recording what PayFiP sends it."""
    recorder = Recorder(body=b"OK", content_type="text/plain")
    yield recorder
    recorder.close()


# ---------------------------------------------------------------------- SOAP
def test_a_refused_order_is_an_http_500_fault_in_payfips_shape(payfip: Served) -> None:
    status, fault = soap(payfip, "creerPaiementSecurise", **{**GOOD, "refdet": "f2027-12"})

    assert status == 500
    assert fault.tag == f"{{{SOAP_ENV}}}Fault"
    assert fault.findtext("faultcode") == "S:Server"
    assert fault.findtext("faultstring") == FAULT
    detail = fault.find("detail")
    assert detail is not None
    (error,) = list(detail)
    assert error.tag == f"{{{NAMESPACE}}}FonctionnelleErreur"
    assert [field.tag for field in error] == [
        "code",
        "descriptif",
        "libelle",
        "message",
        "severite",
    ]
    assert fault_detail(fault)["code"] == "R3"
    SCHEMA.validate(error)


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"numcli": "654321"}, "T2"),
        ({"saisie": "P"}, "S1"),
        ({"saisie": ""}, "S1"),
        ({"refdet": "F2027"}, "R3"),
        ({"refdet": "F" * 31}, "R3"),
        ({"refdet": "f2027000012k7qx"}, "R3"),
        ({"refdet": "F2027-000012"}, "R3"),
        ({"montant": "99"}, "M3"),
        ({"montant": "10000000"}, "M3"),
        ({"montant": "42,50"}, "M3"),
        ({"montant": ""}, "M3"),
        ({"mel": "claire.martin"}, "A2"),
        ({"mel": "a@b.f"}, "A2"),
        ({"mel": "c" * 70 + "@example.fr"}, "A2"),
        ({"mel": "claire martin@example.fr"}, "A2"),
        ({"urlnotif": ""}, "N1"),
        ({"urlredirect": " "}, "D1"),
    ],
)
def test_the_simulator_checks_an_order_as_payfip_does(
    payfip: Served, changes: dict[str, str], code: str
) -> None:
    status, fault = soap(payfip, "creerPaiementSecurise", **{**GOOD, **changes})

    assert status == 500
    assert fault_detail(fault)["code"] == code


@pytest.mark.parametrize(
    "changes",
    [{}, {"montant": "100"}, {"montant": "9999999"}, {"refdet": "A" * 30}, {"objet": ""}],
)
def test_an_order_within_the_rules_opens_an_operation(
    payfip: Served, simulator: PayfipSimulator, changes: dict[str, str]
) -> None:
    status, answer = soap(payfip, "creerPaiementSecurise", **{**GOOD, **changes})

    assert status == 200
    SCHEMA.validate(answer)
    id_op = answer.findtext("return/idOp")
    assert id_op in simulator.operations


def test_the_simulators_answers_are_valid_against_the_shipped_schema(payfip: Served) -> None:
    _, opened = soap(payfip, "creerPaiementSecurise", **GOOD)
    id_op = opened.findtext("return/idOp") or ""
    choose(payfip, id_op, "P")
    _, detail = soap(payfip, "recupererDetailPaiementSecurise", idOp=id_op)
    _, names = soap(payfip, "recupererDetailClient", numCli="123456")

    for answer in (opened, detail, names):
        SCHEMA.validate(answer)
    assert detail.tag == f"{{{NAMESPACE}}}recupererDetailPaiementSecuriseResponse"
    assert detail.findtext("return/resultrans") == "P"
    assert names.findtext("return/libelleN1") == "VILLE DE DEMO-SUR-MER"


def test_the_result_is_p5_until_the_family_chooses_and_p1_for_an_unknown_operation(
    payfip: Served,
) -> None:
    _, opened = soap(payfip, "creerPaiementSecurise", **GOOD)
    id_op = opened.findtext("return/idOp") or ""

    assert (
        fault_detail(soap(payfip, "recupererDetailPaiementSecurise", idOp=id_op)[1])["code"] == "P5"
    )
    assert (
        fault_detail(soap(payfip, "recupererDetailPaiementSecurise", idOp="nope")[1])["code"]
        == "P1"
    )
    assert fault_detail(soap(payfip, "recupererDetailClient", numCli="654321")[1])["code"] == "T2"


@pytest.mark.parametrize(
    "body",
    [
        "not xml",
        f'<soapenv:Envelope xmlns:soapenv="{SOAP_ENV}"><soapenv:Body/></soapenv:Envelope>',
        f'<soapenv:Envelope xmlns:soapenv="{SOAP_ENV}"><soapenv:Body><x:creerPaiementSecurise '
        'xmlns:x="urn:other"/></soapenv:Body></soapenv:Envelope>',
        f'<soapenv:Envelope xmlns:soapenv="{SOAP_ENV}"><soapenv:Body>'
        f'<x:payer xmlns:x="{NAMESPACE}"/></soapenv:Body></soapenv:Envelope>',
    ],
    ids=["not-xml", "empty-body", "other-namespace", "unknown-operation"],
)
def test_a_request_that_is_not_the_contracts_is_a_protocol_fault(payfip: Served, body: str) -> None:
    status, _, text = call(payfip, "POST", SOAP_PATH, body, **{"Content-Type": "text/xml"})

    assert status == 500
    fault = body_of(text)
    assert fault.findtext("faultstring", "").endswith("TechProtocolaireErreur")
    assert fault_detail(fault)["code"] == "999"


def test_the_soap_endpoint_answers_only_post(payfip: Served) -> None:
    status, headers, _ = call(payfip, "GET", SOAP_PATH)

    assert (status, headers["Allow"]) == (405, "POST")


# ---------------------------------------------------------------------- the payment page
def test_the_payment_page_shows_the_amount_the_object_and_the_choices_in_french(
    client: SoapPayfip, payfip: Served
) -> None:
    id_op = client.open(ORDER)

    status, headers, page = call(payfip, "GET", f"{PAGE_PATH}?idop={id_op}")

    assert status == 200
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    assert '<html lang="fr">' in page
    assert len(re.findall(r"<h1[ >]", page)) == 1
    assert "42,50\u00a0€" in page
    assert "Facture 2027 000012" in page
    for label in (
        "Payer par carte bancaire",
        "Payer par prélèvement unique",
        "Refuser le paiement",
        "Abandonner",
        "à l&#x27;heure",
        "en retard (0,3 seconde)",
        "deux fois",
        "jamais",
    ):
        assert f">{label}</label>" in page
    inputs = re.findall(r'<input type="radio" id="([^"]+)"', page)
    assert len(inputs) == 8
    assert all(f'<label for="{identifier}">' in page for identifier in inputs)
    assert '<form method="post" action="/tpa/paiementws.web">' in page
    assert "<script" not in page
    assert "style" not in page


@pytest.mark.parametrize("id_op", ["", "00000000-0000-0000-0000-000000000000"])
def test_the_page_of_an_unknown_operation_explains_and_is_404(payfip: Served, id_op: str) -> None:
    status, _, page = call(payfip, "GET", f"{PAGE_PATH}?idop={id_op}")

    assert status == 404
    assert '<html lang="fr">' in page
    assert "n'existe pas ou a expiré" in page


def test_the_page_is_open_for_15_minutes(
    client: SoapPayfip, payfip: Served, clock: FixedClock
) -> None:
    id_op = client.open(ORDER)

    clock.advance(pendulum.duration(minutes=14, seconds=59))
    assert call(payfip, "GET", f"{PAGE_PATH}?idop={id_op}")[0] == 200
    clock.advance(pendulum.duration(seconds=1))
    assert call(payfip, "GET", f"{PAGE_PATH}?idop={id_op}")[0] == 404
    status, _, _ = call(
        payfip,
        "POST",
        PAGE_PATH,
        f"idop={id_op}&resultrans=P&notification=never",
        **{"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert status == 404


@pytest.mark.parametrize("result", ["P", "V", "R", "A", "Z"])
def test_each_outcome_is_recorded_and_the_browser_goes_back_to_the_portal(
    client: SoapPayfip, payfip: Served, simulator: PayfipSimulator, result: str
) -> None:
    id_op = client.open(ORDER)

    location = choose(payfip, id_op, result)

    assert location == (f"http://127.0.0.1:9/paiement/retour?facture=F2027-000012&idop={id_op}")
    operation = simulator.operations[id_op]
    assert operation.result == result
    assert bool(operation.authorisation) is (result in ("P", "V"))
    assert client.report(id_op).result == result


def test_a_return_url_without_a_query_gets_one(client: SoapPayfip, payfip: Served) -> None:
    id_op = client.open(attrs.evolve(ORDER, return_url="http://127.0.0.1:9/retour"))

    assert choose(payfip, id_op, "A") == f"http://127.0.0.1:9/retour?idop={id_op}"


def test_a_finished_payment_cannot_be_chosen_again(
    client: SoapPayfip, payfip: Served, simulator: PayfipSimulator
) -> None:
    id_op = client.open(ORDER)
    choose(payfip, id_op, "R")

    page = call(payfip, "GET", f"{PAGE_PATH}?idop={id_op}")
    again = call(
        payfip,
        "POST",
        PAGE_PATH,
        f"idop={id_op}&resultrans=P&notification=never",
        **{"Content-Type": "application/x-www-form-urlencoded"},
    )

    assert (page[0], again[0]) == (409, 409)
    assert "déjà terminé" in page[2]
    assert simulator.operations[id_op].result == "R"


@pytest.mark.parametrize(
    "form", ["resultrans=X&notification=now", "resultrans=P&notification=often", "notification=now"]
)
def test_a_choice_that_is_not_offered_is_refused(
    client: SoapPayfip, payfip: Served, simulator: PayfipSimulator, form: str
) -> None:
    id_op = client.open(ORDER)

    status, _, _ = call(
        payfip,
        "POST",
        PAGE_PATH,
        f"idop={id_op}&{form}",
        **{"Content-Type": "application/x-www-form-urlencoded"},
    )

    assert status == 400
    assert simulator.operations[id_op].result == ""


def test_any_other_address_is_404(payfip: Served) -> None:
    assert call(payfip, "GET", "/tpa/ailleurs")[0] == 404


# ---------------------------------------------------------------------- the notification
def notified(portal: Recorder) -> list[str]:
    """The idOps the portal was told about, in order; every call a GET on urlnotif."""
    for method, path, _, _, _ in portal.requests:
        assert (method, urlsplit(path).path) == ("GET", "/paiement/notification")
    return [parse_qs(urlsplit(path).query)["idop"][0] for _, path, _, _, _ in portal.requests]


@pytest.fixture
def order(portal: Recorder) -> PaymentOrder:
    return attrs.evolve(ORDER, notify_url=portal.url + "/paiement/notification")


def test_an_on_time_notification_arrives_once(
    client: SoapPayfip, payfip: Served, portal: Recorder, order: PaymentOrder
) -> None:
    id_op = client.open(order)
    choose(payfip, id_op, "P", "now")

    wait_for(lambda: len(portal.requests) >= 1)
    time.sleep(0.1)  # a second call would have come by now
    assert notified(portal) == [id_op]


def test_a_double_notification_arrives_twice(
    client: SoapPayfip, payfip: Served, portal: Recorder, order: PaymentOrder
) -> None:
    id_op = client.open(order)
    choose(payfip, id_op, "V", "twice")

    wait_for(lambda: len(portal.requests) >= 2)
    assert notified(portal) == [id_op, id_op]


def test_a_notification_that_never_comes_never_comes(
    client: SoapPayfip, payfip: Served, portal: Recorder, order: PaymentOrder
) -> None:
    forgotten = client.open(order)
    choose(payfip, forgotten, "P", "never")
    told = client.open(order)
    choose(payfip, told, "P", "now")

    wait_for(lambda: len(portal.requests) >= 1)
    time.sleep(0.1)
    assert notified(portal) == [told]


def test_a_late_notification_arrives_after_the_delay(
    client: SoapPayfip, payfip: Served, portal: Recorder, order: PaymentOrder
) -> None:
    id_op = client.open(order)
    chosen = time.monotonic()
    choose(payfip, id_op, "A", "late")

    time.sleep(0.1)
    assert portal.requests == []
    wait_for(lambda: len(portal.requests) >= 1)
    assert notified(portal) == [id_op]
    assert portal.requests[0][4] - chosen >= 0.3


def test_a_notification_url_with_a_query_keeps_it(
    client: SoapPayfip, payfip: Served, portal: Recorder
) -> None:
    url = portal.url + "/paiement/notification?commune=demo"
    id_op = client.open(attrs.evolve(ORDER, notify_url=url))
    choose(payfip, id_op, "P", "now")

    wait_for(lambda: len(portal.requests) >= 1)
    assert parse_qs(urlsplit(portal.requests[0][1]).query) == {"commune": ["demo"], "idop": [id_op]}


# ---------------------------------------------------------------------- serve_simulator
def test_serve_simulator_serves_the_simulator_on_a_port() -> None:
    port = free_port()
    code = "import sys; from adapters.payfip.simulator import serve_simulator as serve; "
    code += "serve('127.0.0.1', int(sys.argv[1]))"
    process = subprocess.Popen([sys.executable, "-c", code, str(port)], stderr=subprocess.DEVNULL)
    try:
        base = f"http://127.0.0.1:{port}"
        client = SoapPayfip(base + SOAP_PATH, base + PAGE_PATH, timeout=2)
        deadline = time.monotonic() + 20
        while True:
            try:
                details = client.client("123456")
                break
            except OnlinePaymentError:
                assert process.poll() is None, "the simulator stopped"
                assert time.monotonic() < deadline, "the simulator did not start"
                time.sleep(0.1)
        assert details.names == ("VILLE DE DEMO-SUR-MER",)
    finally:
        process.terminate()
        process.wait(timeout=10)
