"""PayFiP's web service over SOAP 1.1, with zeep, on the contract the DGFiP publishes.

The WSDL and its three schemas ship in ``contract/`` and are read from the package, never from the
network; the endpoint is configuration (``soap_url``: PayFiP's, or the local simulator's), as is
the payment page (``page_url``). Each thread gets its own HTTP session on the contract parsed once.

Every failure is an ``OnlinePaymentError`` whose message is French and says what the family or the
desk can do; PayFiP's own code and words travel in ``code`` and ``label``. A functional fault
(``FonctionnelleErreur``: the request was refused) is permanent, except P5 (« not known yet »,
which asking again later answers); a technical one is not. An unreachable, slow or incoherent
service is ``OnlinePaymentError()`` with an empty code. No exception's own text is ever shown.
"""

from __future__ import annotations

import functools
import logging
import re
import threading
from importlib.resources import as_file, files
from typing import Any
from urllib.parse import urlencode, urlparse

import pendulum
import requests
import zeep
from zeep.exceptions import Fault
from zeep.plugins import Plugin
from zeep.transports import Transport
from zeep.wsdl import Document

from adapters.payfip import NAMESPACE
from portail_core.domain.payments.online import (
    MAX_ONLINE_AMOUNT,
    MIN_ONLINE_AMOUNT,
    ClientDetails,
    PaymentOrder,
    PaymentReport,
)
from portail_core.domain.shared.instants import PARIS
from portail_core.domain.shared.money import Money
from portail_core.errors import (
    InvalidInput,
    OnlinePaymentError,
    PaymentNotKnownYet,
    PaymentUnknown,
)

__all__ = ["SoapPayfip"]

log = logging.getLogger("portail.payfip")

WSDL = "PaiementSecuriseService.wsdl"
_BINDING = f"{{{NAMESPACE}}}PaiementSecuriseServicePortBinding"
_SOAP_ENV = "http://schemas.xmlsoap.org/soap/envelope/"
_FUNCTIONAL = "FonctionnelleErreur"
_DIGITS = re.compile(r"[0-9]+")
_DAY = re.compile(r"[0-9]{8}")  # dattrans: DDMMYYYY
_TIME = re.compile(r"[0-9]{4}")  # heurtrans: HHMM

_REFUSED = "rien n'a été payé."
_AMOUNT = (
    "Le montant de cette facture ne peut pas être payé en ligne : PayFiP accepte de "
    f"{MIN_ONLINE_AMOUNT.format_fr()} à {(MAX_ONLINE_AMOUNT - Money(1)).format_fr()}. "
    f"{_REFUSED.capitalize()} Vous pouvez la régler au guichet."
)
_EMAIL = (
    "L'adresse e-mail de votre compte n'est pas acceptée par PayFiP : "
    f"{_REFUSED} Corrigez-la dans votre compte, puis relancez le paiement."
)
_CLIENT = (
    "Le numéro client PayFiP de la commune n'est pas reconnu par PayFiP : "
    f"{_REFUSED} Réglez la facture au guichet et signalez-lui le problème."
)
_SETUP = (
    "Le paiement en ligne de la commune est mal configuré auprès de PayFiP : "
    f"{_REFUSED} Réglez la facture au guichet et signalez-lui le problème."
)
_SPENT = (
    "Cette opération de paiement a expiré ou a déjà servi : "
    f"{_REFUSED} Relancez le paiement depuis la facture."
)
_MESSAGES = {
    "P1": (
        "PayFiP ne connaît pas (ou plus) cette opération de paiement : rien n'a été payé par "
        "elle. Vérifiez le solde de la facture avant de relancer un paiement."
    ),
    "P3": _SPENT,
    "P4": _SPENT,
    "P5": (
        "PayFiP ne connaît pas encore le résultat de ce paiement : il est peut-être en cours. "
        "Revenez dans quelques minutes."
    ),
    "R3": (
        "La référence de la facture n'est pas acceptée par PayFiP : "
        f"{_REFUSED} Le guichet peut vous aider à régler cette facture."
    ),
    "A1": _EMAIL,
    "A2": _EMAIL,
    "M1": _AMOUNT,
    "M3": _AMOUNT,
    "M5": _AMOUNT,
    "T1": _CLIENT,
    "T2": _CLIENT,
    "T3": _CLIENT,
    "T4": _CLIENT,
    "S1": _SETUP,
    "N1": _SETUP,
    "D1": _SETUP,
}


class _ContractTransport(Transport):
    """zeep's HTTP transport, except that documents (the WSDL, its schemas) are read from the
    package only: building the client never reaches the network."""

    def __init__(self, timeout: float = 10.0) -> None:
        Transport.__init__(self, timeout=timeout, operation_timeout=timeout)

    def load(self, url: str) -> bytes:
        if urlparse(url).scheme not in ("", "file"):
            raise zeep.exceptions.Error("the PayFiP contract is read from the package only")
        content: bytes = Transport.load(self, url)
        return content


class _ExpectedAnswer(Plugin):
    """Refuses an answer whose body holds neither the operation's response nor a fault (zeep
    would read it as a response whose fields are all missing)."""

    def ingress(self, envelope: Any, http_headers: Any, operation: Any) -> tuple[Any, Any]:
        body = envelope.find(f"{{{_SOAP_ENV}}}Body")
        children = [] if body is None else [child for child in body if isinstance(child.tag, str)]
        first = children[0] if children else None
        expected = (f"{{{NAMESPACE}}}{operation.name}Response", f"{{{_SOAP_ENV}}}Fault")
        if first is not None and first.tag not in expected:
            raise zeep.exceptions.Error("PayFiP answered another element than the operation's")
        return envelope, http_headers


@functools.cache
def _contract() -> Document:
    """The WSDL and its schemas, parsed once per process (on first use, not at import)."""
    with as_file(files("adapters.payfip") / "contract") as folder:
        # zeep annotates ``transport`` as a class, but uses (and needs) an instance.
        return Document(str(folder / WSDL), _ContractTransport())  # type: ignore[arg-type]


class SoapPayfip:
    """Implements ``portail_core.ports.payments.OnlinePaymentService`` over HTTP.

    ``soap_url`` is the SOAP endpoint (``https://www.payfip.gouv.fr/tpa/services/securite``),
    ``page_url`` the payment page (``https://www.payfip.gouv.fr/tpa/paiementws.web``);
    ``timeout`` bounds each call, in seconds."""

    def __init__(self, soap_url: str, page_url: str, *, timeout: float = 10.0) -> None:
        self._soap_url, self._page_url, self._timeout = soap_url, page_url, timeout
        self._local = threading.local()
        _contract()  # a broken package fails here, not in the middle of a family's payment

    def open(self, order: PaymentOrder) -> str:
        answer = self._call(
            "creerPaiementSecurise",
            exer=str(order.year),
            mel=order.email,
            montant=str(order.amount.cents),
            numcli=order.numcli,
            objet=order.label,
            refdet=order.refdet,
            saisie=order.mode.value,
            urlnotif=order.notify_url,
            urlredirect=order.return_url,
        )
        # zeep unwraps a one-field answer: the ``return`` element is its idOp.
        id_op = "" if answer is None else str(answer).strip()
        if not id_op:
            log.warning("PayFiP: creerPaiementSecurise answered without an idOp")
            raise OnlinePaymentError()
        return id_op

    def report(self, id_op: str) -> PaymentReport:
        answer = self._call("recupererDetailPaiementSecurise", idOp=id_op)
        if answer is None:
            log.warning("PayFiP: recupererDetailPaiementSecurise answered nothing")
            raise OnlinePaymentError()
        montant = _text(answer, "montant")
        return PaymentReport(
            id_op=_text(answer, "idOp") or id_op,
            result=_text(answer, "resultrans"),
            refdet=_text(answer, "refdet"),
            amount=_cents(montant),
            numcli=_text(answer, "numcli"),
            mode=_text(answer, "saisie"),
            authorisation=_text(answer, "numauto"),
            paid_at=_instant(_text(answer, "dattrans"), _text(answer, "heurtrans")),
            email=_text(answer, "mel"),
        )

    def client(self, numcli: str) -> ClientDetails:
        answer = self._call("recupererDetailClient", numCli=numcli)
        if answer is None:
            log.warning("PayFiP: recupererDetailClient answered nothing")
            raise OnlinePaymentError()
        names = (_text(answer, f"libelleN{level}") for level in (1, 2, 3))
        return ClientDetails(
            _text(answer, "numcli") or numcli, tuple(name for name in names if name)
        )

    def page_url(self, id_op: str) -> str:
        separator = "&" if "?" in self._page_url else "?"
        return f"{self._page_url}{separator}{urlencode({'idop': id_op})}"

    def _call(self, operation: str, **arg0: str) -> Any:
        try:
            return getattr(self._service(), operation)(arg0=arg0)
        except Fault as fault:
            raise _fault_error(operation, fault) from None
        except (zeep.exceptions.Error, requests.RequestException) as error:
            # The error's text may quote the answer (personal data): its class is enough here.
            log.warning("PayFiP: %s failed (%s)", operation, type(error).__name__)
            raise OnlinePaymentError() from error

    def _service(self) -> Any:
        """This thread's proxy to the endpoint (a requests session is not shared by threads)."""
        service = getattr(self._local, "service", None)
        if service is None:
            client = zeep.Client(
                _contract(),
                transport=_ContractTransport(self._timeout),
                plugins=[_ExpectedAnswer()],
            )
            service = client.create_service(_BINDING, self._soap_url)
            self._local.service = service
        return service


def _fault_error(operation: str, fault: Fault) -> OnlinePaymentError:
    """PayFiP's fault as the portal's error: its code and words kept, a French message added."""
    kind, fields = _detail(fault.detail)
    code = fields.get("code", "")
    log.info("PayFiP: %s answered the fault %s %s", operation, kind or "-", code or "-")
    if not code:
        return OnlinePaymentError()
    label = fields.get("libelle") or fields.get("descriptif", "")
    if code == "P1":
        return PaymentUnknown(_MESSAGES["P1"], code=code, label=label, permanent=True)
    if code == "P5":  # asking again later is exactly what to do
        return PaymentNotKnownYet(_MESSAGES["P5"], code=code, label=label)
    functional = kind == _FUNCTIONAL  # the request was refused: sending it again will not help
    return OnlinePaymentError(
        _MESSAGES.get(code) or _unlisted(code, functional=functional),
        code=code,
        label=label,
        permanent=functional,
    )


def _unlisted(code: str, *, functional: bool) -> str:
    if functional:
        return (
            f"PayFiP a refusé cette demande de paiement (code {code}) : "
            f"{_REFUSED} Le guichet peut vous aider à régler cette facture."
        )
    return (
        f"Le service de paiement en ligne des Finances Publiques a un incident (code {code}) : "
        f"{_REFUSED} Réessayez dans quelques minutes."
    )


def _detail(detail: Any) -> tuple[str, dict[str, str]]:
    """The fault's kind (``FonctionnelleErreur``, ``TechIndisponibiliteErreur``...) and its
    fields by local name, whatever the prefixes; nothing when the detail is missing."""
    if detail is None or isinstance(detail, str | bytes):
        return "", {}
    for error in detail:
        if isinstance(error.tag, str):  # an element, not a comment
            fields = {
                _local(field.tag): (field.text or "").strip()
                for field in error
                if isinstance(field.tag, str)
            }
            return _local(error.tag), fields
    return "", {}


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _text(answer: Any, name: str) -> str:
    value = getattr(answer, name, None)
    return "" if value is None else str(value).strip()


def _cents(montant: str) -> Money | None:
    if not _DIGITS.fullmatch(montant):
        return None
    try:
        return Money(int(montant))
    except InvalidInput:  # more cents than any Money holds: not an amount either
        return None


def _instant(day: str, time: str) -> pendulum.DateTime | None:
    """dattrans (DDMMYYYY) and heurtrans (HHMM) on the Paris clock; None if either is absent or
    is not a real date and time."""
    if not (_DAY.fullmatch(day) and _TIME.fullmatch(time)):
        return None
    try:
        return pendulum.datetime(
            int(day[4:]), int(day[2:4]), int(day[:2]), int(time[:2]), int(time[2:]), tz=PARIS
        )
    except ValueError:
        return None
