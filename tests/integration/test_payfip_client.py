"""The PayFiP client (zeep) over real HTTP: against the local simulator, against PayFiP's own
answers served by a tiny canned server, and against a service that is down or silent."""

from __future__ import annotations

import re
import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit
from xml.etree import ElementTree

import attrs
import pendulum
import pytest
import xmlschema
import zeep

from adapters.clock import FixedClock
from adapters.payfip import NAMESPACE, PAGE_PATH, SOAP_PATH
from adapters.payfip.client import SoapPayfip
from adapters.payfip.simulator import PayfipSimulator, make_simulator
from portail_core.domain.payments.online import PayfipMode, PaymentOrder
from portail_core.domain.shared.money import Money
from portail_core.errors import OnlinePaymentError, PaymentNotKnownYet, PaymentUnknown
from tests.integration.loopback import Served, choose, free_port

ANSWERS = Path(__file__).with_name("payfip")
CONTRACT = Path(__file__).parents[2] / "src" / "adapters" / "payfip" / "contract"
SOAP_ENV = "http://schemas.xmlsoap.org/soap/envelope/"
NOW = pendulum.datetime(2027, 3, 15, 14, 7, 32, tz="Europe/Paris")
DEFAULT_MESSAGE = OnlinePaymentError.default_message
ORDER = PaymentOrder(
    numcli="123456",
    year=2027,
    refdet="F2027000012K7QX",
    amount=Money(4250),
    email="claire.martin@example.fr",
    label="Facture 2027 000012",
    mode=PayfipMode.TEST,
    notify_url="http://127.0.0.1:9/paiement/notification",
    return_url="http://127.0.0.1:9/paiement/retour?facture=F2027-000012",
)


# ---------------------------------------------------------------------- servers on loopback
class Recorder:
    """A tiny HTTP server: records every request (method, path, headers, body, when) and answers
    ``status`` with ``body``. It stands for PayFiP (canned answers) or for the portal."""

    def __init__(
        self, status: int = 200, body: bytes = b"", content_type: str = "text/xml"
    ) -> None:
        self.status, self.body, self.content_type = status, body, content_type
        self.requests: list[tuple[str, str, dict[str, str], bytes, float]] = []
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                data = self.rfile.read(length) if length else b""
                recorder.requests.append(
                    (self.command, self.path, dict(self.headers), data, time.monotonic())
                )
                self.send_response(recorder.status)
                self.send_header("Content-Type", recorder.content_type)
                self.send_header("Content-Length", str(len(recorder.body)))
                self.end_headers()
                self.wfile.write(recorder.body)

            do_GET = do_POST = _answer  # noqa: N815  (http.server's hook names)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self._thread = threading.Thread(target=self.server.serve_forever, args=(0.02,), daemon=True)
        self._thread.start()

    def answer(self, body: bytes, status: int = 200, content_type: str = "text/xml") -> None:
        self.status, self.body, self.content_type = status, body, content_type

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self._thread.join(timeout=10)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW)


@pytest.fixture
def simulator(clock: FixedClock) -> PayfipSimulator:
    return make_simulator(
        {"123456": ("VILLE DE DEMO-SUR-MER", "REGIE PERISCOLAIRE")}, clock=clock, late_seconds=0.3
    )


@pytest.fixture
def payfip(simulator: PayfipSimulator) -> Iterator[Served]:
    served = Served(simulator)
    yield served
    served.close()


@pytest.fixture
def client(payfip: Served) -> SoapPayfip:
    return SoapPayfip(payfip.url + SOAP_PATH, payfip.url + PAGE_PATH, timeout=5)


@pytest.fixture
def canned() -> Iterator[Recorder]:
    recorder = Recorder()
    yield recorder
    recorder.close()


@pytest.fixture
def canned_client(canned: Recorder) -> SoapPayfip:
    return SoapPayfip(canned.url + SOAP_PATH, canned.url + PAGE_PATH, timeout=5)


# ---------------------------------------------------------------------- against the simulator
def test_opening_a_payment_gives_an_operation_id_and_its_page(client: SoapPayfip) -> None:
    id_op = client.open(ORDER)

    assert re.fullmatch(r"[0-9a-f-]{36}", id_op)
    page = urlsplit(client.page_url(id_op))
    assert page.path == PAGE_PATH
    assert parse_qs(page.query) == {"idop": [id_op]}


def test_a_payment_the_family_has_not_finished_is_not_known_yet(client: SoapPayfip) -> None:
    id_op = client.open(ORDER)

    with pytest.raises(PaymentNotKnownYet) as raised:
        client.report(id_op)

    assert raised.value.code == "P5"
    assert raised.value.permanent is False
    assert "pas encore le résultat" in raised.value.message


@pytest.mark.parametrize(
    ("result", "means"),
    [("P", "carte bancaire"), ("V", "prélèvement unique"), ("R", ""), ("A", "")],
)
def test_the_familys_choice_on_the_page_is_what_the_client_reports(
    client: SoapPayfip, payfip: Served, result: str, means: str
) -> None:
    id_op = client.open(ORDER)
    choose(payfip, id_op, result)

    report = client.report(id_op)

    assert (report.id_op, report.result, report.means) == (id_op, result, means)
    assert (report.refdet, report.amount, report.numcli) == (
        "F2027000012K7QX",
        Money(4250),
        "123456",
    )
    assert (report.mode, report.email) == ("T", "claire.martin@example.fr")
    assert report.paid_at == pendulum.datetime(2027, 3, 15, 14, 7, tz="Europe/Paris")
    if result in ("P", "V"):
        assert re.fullmatch(r"[1-9][0-9]{5}", report.authorisation)
    else:
        assert report.authorisation == ""


def test_the_client_number_gives_the_collectivitys_names(client: SoapPayfip) -> None:
    details = client.client("123456")

    assert details.numcli == "123456"
    assert details.names == ("VILLE DE DEMO-SUR-MER", "REGIE PERISCOLAIRE")


def test_an_unknown_client_number_is_a_permanent_refusal(client: SoapPayfip) -> None:
    with pytest.raises(OnlinePaymentError) as opening:
        client.open(attrs.evolve(ORDER, numcli="654321"))
    with pytest.raises(OnlinePaymentError) as asking:
        client.client("654321")

    for raised in (opening.value, asking.value):
        assert (raised.code, raised.permanent) == ("T2", True)
        assert "numéro client PayFiP" in raised.message


@pytest.mark.parametrize(
    ("changes", "code", "words"),
    [
        ({"refdet": "F2027-000012"}, "R3", "La référence de la facture n'est pas acceptée"),
        ({"refdet": "F20"}, "R3", "La référence de la facture n'est pas acceptée"),
        ({"email": "claire.martin"}, "A2", "L'adresse e-mail de votre compte"),
        ({"amount": Money(99)}, "M3", "Le montant de cette facture"),
        ({"amount": Money(10_000_000)}, "M3", "Le montant de cette facture"),
    ],
    ids=["refdet-punctuation", "refdet-short", "email", "amount-too-small", "amount-too-large"],
)
def test_payfip_refusing_an_order_is_a_permanent_error_in_french(
    client: SoapPayfip, changes: dict[str, object], code: str, words: str
) -> None:
    with pytest.raises(OnlinePaymentError) as raised:
        client.open(attrs.evolve(ORDER, **changes))

    assert type(raised.value) is OnlinePaymentError
    assert (raised.value.code, raised.value.permanent) == (code, True)
    assert raised.value.message.startswith(words)
    assert "rien n'a été payé" in raised.value.message.lower()
    assert raised.value.label  # PayFiP's own words, for the desk


def test_an_operation_payfip_never_opened_is_unknown(client: SoapPayfip) -> None:
    with pytest.raises(PaymentUnknown) as raised:
        client.report("00000000-0000-0000-0000-000000000000")

    assert (raised.value.code, raised.value.permanent) == ("P1", True)
    assert raised.value.label == "IdOp incorrect."


def test_an_operation_purged_after_a_day_is_unknown(
    client: SoapPayfip, payfip: Served, clock: FixedClock
) -> None:
    id_op = client.open(ORDER)
    choose(payfip, id_op, "P")
    clock.advance(pendulum.duration(days=1))

    with pytest.raises(PaymentUnknown):
        client.report(id_op)


# ---------------------------------------------------------------------- what goes on the wire
def operation_of(envelope: bytes) -> ElementTree.Element:
    body = ElementTree.fromstring(envelope).find(f"{{{SOAP_ENV}}}Body")  # noqa: S314  (our own client's XML)
    assert body is not None
    (operation,) = list(body)
    return operation


def test_every_request_the_client_sends_is_valid_against_the_shipped_schema(
    canned: Recorder, canned_client: SoapPayfip
) -> None:
    schema = xmlschema.XMLSchema(str(CONTRACT / "PaiementSecuriseService_schema1.xsd"))
    canned.answer((ANSWERS / "detail_P.xml").read_bytes())
    canned_client.report("9b0c8f8e-3d55-4d6e-9b7a-2f1d0c6a5e01")
    canned.answer(answer_of("creerPaiementSecuriseResponse", "<idOp>1d2c</idOp>"))
    canned_client.open(ORDER)
    canned.answer(answer_of("recupererDetailClientResponse", "<libelleN1>VILLE</libelleN1>"))
    canned_client.client("123456")

    sent = {operation_of(body).tag: operation_of(body) for _, _, _, body, _ in canned.requests}

    assert set(sent) == {
        f"{{{NAMESPACE}}}{name}"
        for name in (
            "recupererDetailPaiementSecurise",
            "creerPaiementSecurise",
            "recupererDetailClient",
        )
    }
    for operation in sent.values():
        schema.validate(operation)
    creation = sent[f"{{{NAMESPACE}}}creerPaiementSecurise"]
    fields = creation.find("arg0")
    assert fields is not None
    arg0 = {field.tag: field.text for field in fields}
    assert arg0 == {
        "exer": "2027",
        "mel": "claire.martin@example.fr",
        "montant": "4250",
        "numcli": "123456",
        "objet": "Facture 2027 000012",
        "refdet": "F2027000012K7QX",
        "saisie": "T",
        "urlnotif": "http://127.0.0.1:9/paiement/notification",
        "urlredirect": "http://127.0.0.1:9/paiement/retour?facture=F2027-000012",
    }
    asked = sent[f"{{{NAMESPACE}}}recupererDetailPaiementSecurise"].find("arg0/idOp")
    assert asked is not None
    assert asked.text == "9b0c8f8e-3d55-4d6e-9b7a-2f1d0c6a5e01"
    for method, path, headers, _, _ in canned.requests:
        assert (method, path) == ("POST", SOAP_PATH)
        assert headers["Content-Type"].startswith("text/xml")
        assert headers["SOAPAction"] == '""'


def answer_of(operation: str, fields: str) -> bytes:
    return (
        f'<S:Envelope xmlns:S="{SOAP_ENV}"><S:Body><ns2:{operation} xmlns:ns2="{NAMESPACE}">'
        f"<return>{fields}</return></ns2:{operation}></S:Body></S:Envelope>"
    ).encode()


# ---------------------------------------------------------------------- PayFiP's own answers
@pytest.mark.parametrize(
    ("result", "refdet", "cents", "authorisation", "paid_at"),
    [
        ("P", "F2027000012K7QX", 4250, "104823", (15, 14, 7)),
        ("V", "F2027000013M2PA", 11800, "558201", (15, 16, 52)),
        ("R", "F2027000012R8TN", 4250, "", (16, 9, 5)),
        ("Z", "F2027000013W4ZE", 11800, "", (16, 11, 30)),
        ("A", "F2027000012H3LB", 4250, "", (17, 23, 48)),
    ],
)
def test_payfips_detail_answers_become_reports(
    canned: Recorder,
    canned_client: SoapPayfip,
    result: str,
    refdet: str,
    cents: int,
    authorisation: str,
    paid_at: tuple[int, int, int],
) -> None:
    canned.answer((ANSWERS / f"detail_{result}.xml").read_bytes())

    report = canned_client.report("asked-id")

    assert report.result == result
    assert (report.refdet, report.amount, report.authorisation) == (
        refdet,
        Money(cents),
        authorisation,
    )
    assert (report.numcli, report.mode, report.email) == ("123456", "T", "claire.martin@example.fr")
    day, hour, minute = paid_at
    assert report.paid_at == pendulum.datetime(2027, 3, day, hour, minute, tz="Europe/Paris")
    assert report.id_op != "asked-id"  # PayFiP's idOp, as it gives it


@pytest.mark.parametrize(
    ("answer", "error", "code", "permanent", "label"),
    [
        ("fault_P1.xml", PaymentUnknown, "P1", True, "IdOp incorrect."),
        ("fault_P5.xml", PaymentNotKnownYet, "P5", False, "Résultat de la transaction non connu."),
        (
            "fault_R3.xml",
            OnlinePaymentError,
            "R3",
            True,
            "Le format du paramètre REFDET n'est pas conforme",
        ),
        ("fault_A2.xml", OnlinePaymentError, "A2", True, "Adresse mél incorrecte."),
    ],
)
def test_payfips_faults_become_the_portals_errors(
    canned: Recorder,
    canned_client: SoapPayfip,
    answer: str,
    error: type[OnlinePaymentError],
    code: str,
    permanent: bool,
    label: str,
) -> None:
    canned.answer((ANSWERS / answer).read_bytes(), status=500)

    with pytest.raises(OnlinePaymentError) as raised:
        canned_client.report("9b0c8f8e-3d55-4d6e-9b7a-2f1d0c6a5e01")

    assert type(raised.value) is error
    assert (raised.value.code, raised.value.permanent, raised.value.label) == (
        code,
        permanent,
        label,
    )
    assert raised.value.message != DEFAULT_MESSAGE
    assert "PayFiP" in raised.value.message
    assert label not in raised.value.message  # the family reads French advice, not PayFiP's words


def detail_with(**fields: str) -> bytes:
    text = (ANSWERS / "detail_P.xml").read_text("utf-8")
    for name, value in fields.items():
        text = re.sub(f"<{name}>[^<]*</{name}>", f"<{name}>{value}</{name}>", text)
    return text.encode()


def test_every_field_of_a_detail_is_stripped(canned: Recorder, canned_client: SoapPayfip) -> None:
    canned.answer(
        detail_with(
            refdet=" F2027000012K7QX ", montant=" 4250\n", resultrans=" P ", numauto=" 104823"
        )
    )

    report = canned_client.report("asked-id")

    assert (report.refdet, report.amount, report.result) == ("F2027000012K7QX", Money(4250), "P")
    assert report.authorisation == "104823"


@pytest.mark.parametrize("montant", ["", "42,50", "-4250", "4250.00", "１２３", "9" * 40])
def test_an_amount_that_is_not_cents_is_reported_as_none(
    canned: Recorder, canned_client: SoapPayfip, montant: str
) -> None:
    canned.answer(detail_with(montant=montant))

    assert canned_client.report("asked-id").amount is None


@pytest.mark.parametrize(
    ("dattrans", "heurtrans"),
    [
        ("", "1407"),
        ("15032027", ""),
        ("31022027", "1407"),
        ("15032027", "2500"),
        ("1503202", "1407"),
    ],
)
def test_a_date_or_time_that_is_missing_or_malformed_gives_no_payment_time(
    canned: Recorder, canned_client: SoapPayfip, dattrans: str, heurtrans: str
) -> None:
    canned.answer(detail_with(dattrans=dattrans, heurtrans=heurtrans))

    assert canned_client.report("asked-id").paid_at is None


def test_a_technical_fault_is_an_error_worth_retrying(
    canned: Recorder, canned_client: SoapPayfip
) -> None:
    fault = (ANSWERS / "fault_P5.xml").read_text("utf-8")
    fault = fault.replace("FonctionnelleErreur", "TechIndisponibiliteErreur").replace(
        "<code>P5</code>", "<code>T9</code>"
    )
    canned.answer(fault.encode(), status=500)

    with pytest.raises(OnlinePaymentError) as raised:
        canned_client.report("asked-id")

    assert (raised.value.code, raised.value.permanent) == ("T9", False)
    assert "Réessayez dans quelques minutes" in raised.value.message


@pytest.mark.parametrize(
    ("status", "body", "content_type"),
    [
        (500, b"<html><body><h1>Internal Server Error</h1></body></html>", "text/html"),
        (503, b"", "text/plain"),
        (502, b"Bad gateway", "text/plain"),
        (200, b"not xml at all", "text/xml"),
        (200, b"<html><body>Maintenance</body></html>", "text/html"),
        (200, answer_of("unexpectedResponse", "<idOp>1</idOp>"), "text/xml"),
        (500, f'<S:Envelope xmlns:S="{SOAP_ENV}"><S:Body/></S:Envelope>'.encode(), "text/xml"),
        (
            200,
            b'<!DOCTYPE x [<!ENTITY e "P">]>'
            + answer_of("recupererDetailPaiementSecuriseResponse", "<resultrans>&e;</resultrans>"),
            "text/xml",
        ),
        (
            500,
            f'<S:Envelope xmlns:S="{SOAP_ENV}"><S:Body><S:Fault><faultcode>S:Server</faultcode>'
            "<faultstring>java.lang.NullPointerException</faultstring></S:Fault></S:Body>"
            "</S:Envelope>".encode(),
            "text/xml",
        ),
    ],
    ids=[
        "html-500",
        "empty-503",
        "text-502",
        "garbage",
        "html-200",
        "wrong-element",
        "no-fault",
        "dtd",
        "no-detail",
    ],
)
def test_an_answer_that_is_not_payfips_is_the_default_error(
    canned: Recorder, canned_client: SoapPayfip, status: int, body: bytes, content_type: str
) -> None:
    canned.answer(body, status=status, content_type=content_type)

    with pytest.raises(OnlinePaymentError) as raised:
        canned_client.report("asked-id")

    assert type(raised.value) is OnlinePaymentError
    assert (raised.value.code, raised.value.message) == ("", DEFAULT_MESSAGE)


def test_an_answer_without_an_operation_id_is_the_default_error(
    canned: Recorder, canned_client: SoapPayfip
) -> None:
    canned.answer(answer_of("creerPaiementSecuriseResponse", "<idOp> </idOp>"))

    with pytest.raises(OnlinePaymentError) as raised:
        canned_client.open(ORDER)

    assert (raised.value.code, raised.value.message) == ("", DEFAULT_MESSAGE)


# ---------------------------------------------------------------------- a service down or silent
def test_a_stopped_payfip_is_the_default_error_at_once() -> None:
    address = f"http://127.0.0.1:{free_port()}"
    client = SoapPayfip(address + SOAP_PATH, address + PAGE_PATH, timeout=2)
    started = time.monotonic()

    with pytest.raises(OnlinePaymentError) as raised:
        client.open(ORDER)

    assert (raised.value.code, raised.value.message) == ("", DEFAULT_MESSAGE)
    assert raised.value.permanent is False
    assert time.monotonic() - started < 2


def test_a_payfip_that_never_answers_is_given_up_after_the_timeout() -> None:
    with socket.socket() as silent:  # accepts connections (the kernel does) but never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        address = f"http://127.0.0.1:{silent.getsockname()[1]}"
        client = SoapPayfip(address + SOAP_PATH, address + PAGE_PATH, timeout=0.3)
        started = time.monotonic()

        with pytest.raises(OnlinePaymentError) as raised:
            client.report("9b0c8f8e-3d55-4d6e-9b7a-2f1d0c6a5e01")

        assert (raised.value.code, raised.value.message) == ("", DEFAULT_MESSAGE)
        assert 0.25 < time.monotonic() - started < 2


# ---------------------------------------------------------------------- the contract
def test_the_client_is_built_from_the_packaged_contract_without_the_network(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from adapters.payfip import client as module

    def no_network(*args: object, **kwargs: object) -> None:
        raise AssertionError("the client reached the network while loading its contract")

    module._contract.cache_clear()
    monkeypatch.setattr(socket.socket, "connect", no_network)
    try:
        SoapPayfip("https://www.payfip.gouv.fr/tpa/services/securite", "https://x/p")
    finally:
        module._contract.cache_clear()
    with pytest.raises(zeep.exceptions.Error, match="read from the package only"):
        module._ContractTransport().load("https://www.payfip.gouv.fr/tpa/services/securite?wsdl")


def test_the_page_url_carries_the_operation_id_urlencoded() -> None:
    client = SoapPayfip("http://127.0.0.1:1/soap", "https://www.payfip.gouv.fr/tpa/paiementws.web")

    assert client.page_url("a b&c") == "https://www.payfip.gouv.fr/tpa/paiementws.web?idop=a+b%26c"
    assert SoapPayfip("http://127.0.0.1:1/soap", "https://p.test/pay?lang=fr").page_url("1") == (
        "https://p.test/pay?lang=fr&idop=1"
    )
