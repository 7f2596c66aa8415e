"""SOAP 1.1 as PayFiP's JAX-WS service speaks it, for the simulator: reading a request, PayFiP's
checks of an order, and writing an answer or a fault in the contract's shape (the operation's
element in the service's namespace, ``return`` and the fields unqualified; a fault's detail in
the service's namespace holding code, descriptif, libelle, message, severite; HTTP 500)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from xml.etree import ElementTree
from xml.sax.saxutils import escape

from werkzeug.wrappers import Response

from adapters.payfip import NAMESPACE

__all__ = ["SoapFault", "answer", "check_order", "fault_answer", "read_request"]

_SOAP_ENV = "http://schemas.xmlsoap.org/soap/envelope/"
_EXCEPTIONS = "fr.gouv.finances.cp.tpa.webservice.exceptions"
_REFDET = re.compile(r"[A-Z0-9]{6,30}")
_MONTANT = re.compile(r"[0-9]{1,9}")
_MEL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_MIN_CENTS, _MAX_CENTS = 100, 9_999_999  # 1,00 € to 99 999,99 €


class SoapFault(Exception):
    """A fault to answer: PayFiP's code and words, and its kind (the detail element's name)."""

    def __init__(self, code: str, libelle: str, kind: str = "FonctionnelleErreur") -> None:
        super().__init__(code)
        self.code, self.libelle, self.kind = code, libelle, kind


def read_request(data: bytes) -> tuple[str, dict[str, str]]:
    """The operation's name and its arg0 fields by local name; a protocol fault if the request is
    not a SOAP 1.1 envelope holding one of the service's operations."""
    try:  # expat (>= 2.4) neither expands an entity bomb nor fetches an external entity
        envelope = ElementTree.fromstring(data)  # noqa: S314
    except ElementTree.ParseError:
        raise SoapFault("999", "Requête SOAP illisible.", "TechProtocolaireErreur") from None
    body = envelope.find(f"{{{_SOAP_ENV}}}Body")
    operation = next(iter(body), None) if body is not None else None
    if envelope.tag != f"{{{_SOAP_ENV}}}Envelope" or operation is None:
        raise SoapFault("999", "Enveloppe SOAP 1.1 attendue.", "TechProtocolaireErreur")
    qualified = f"{{{NAMESPACE}}}"
    if not operation.tag.startswith(qualified):
        raise SoapFault("999", "Espace de noms inconnu.", "TechProtocolaireErreur")
    name = operation.tag.removeprefix(qualified)
    arg0 = next((child for child in operation if _local(child.tag) == "arg0"), None)
    fields = {_local(field.tag): field.text or "" for field in (arg0 if arg0 is not None else [])}
    return name, fields


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def check_order(fields: dict[str, str], clients: Mapping[str, object]) -> None:
    """PayFiP's checks of creerPaiementSecurise, the first problem as its fault."""
    if fields.get("numcli", "") not in clients:
        raise SoapFault("T2", "Le numéro client n'existe pas dans la base PayFiP.")
    if fields.get("saisie", "") not in ("T", "X", "W"):
        raise SoapFault("S1", "Le mode de saisie doit valoir T, X ou W.")
    if not _REFDET.fullmatch(fields.get("refdet", "")):
        raise SoapFault("R3", "Le format du paramètre REFDET n'est pas conforme.")
    montant = fields.get("montant", "")
    if not (_MONTANT.fullmatch(montant) and _MIN_CENTS <= int(montant) <= _MAX_CENTS):
        raise SoapFault("M3", "Le montant doit être compris entre 1,00 € et 99 999,99 €.")
    mel = fields.get("mel", "")
    if not (6 <= len(mel) <= 80 and _MEL.fullmatch(mel)):
        raise SoapFault("A2", "L'adresse e-mail est incorrecte.")
    if not fields.get("urlnotif", "").strip():
        raise SoapFault("N1", "L'URL de notification est obligatoire.")
    if not fields.get("urlredirect", "").strip():
        raise SoapFault("D1", "L'URL de redirection est obligatoire.")


def _envelope(body: str, status: int) -> Response:
    xml = (
        f'<?xml version="1.0" encoding="UTF-8"?><S:Envelope xmlns:S="{_SOAP_ENV}">'
        f"<S:Body>{body}</S:Body></S:Envelope>"
    )
    return Response(xml.encode(), status, content_type="text/xml; charset=utf-8")


def answer(operation: str, fields: Iterable[tuple[str, str]]) -> Response:
    """A response element in JAX-WS's shape: the operation's element in the service's namespace,
    ``return`` and its fields unqualified (the schemas' elementFormDefault)."""
    values = "".join(f"<{name}>{escape(value)}</{name}>" for name, value in fields)
    return _envelope(
        f'<ns2:{operation} xmlns:ns2="{NAMESPACE}"><return>{values}</return></ns2:{operation}>',
        200,
    )


def fault_answer(fault: SoapFault) -> Response:
    """The fault as PayFiP answers it: HTTP 500, faultstring naming the Java exception, the
    detail element (in the service's namespace) holding the fields in the schema's order."""
    fields = [
        ("code", fault.code),
        ("descriptif", fault.libelle),
        ("libelle", fault.libelle),
        ("message", fault.libelle),
        ("severite", "2"),
    ]
    detail = "".join(f"<{name}>{escape(value)}</{name}>" for name, value in fields)
    return _envelope(
        "<S:Fault><faultcode>S:Server</faultcode>"
        f"<faultstring>{_EXCEPTIONS}.{fault.kind}</faultstring>"
        f'<detail><ns2:{fault.kind} xmlns:ns2="{NAMESPACE}">{detail}</ns2:{fault.kind}></detail>'
        "</S:Fault>",
        500,
    )
