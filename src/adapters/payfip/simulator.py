"""The local PayFiP: the same contract on loopback, so that the whole payment runs without the
internet (development, demos, tests). The client talks to it over HTTP exactly as to the DGFiP.

- ``POST /tpa/services/securite``: SOAP 1.1, the three operations with PayFiP's checks and faults
  (HTTP 500, a ``FonctionnelleErreur`` detail holding code, descriptif, libelle, message,
  severite); P5 until the family has chosen, P1 for an operation it never opened (or purged, a
  day later).
- ``GET /tpa/paiementws.web?idop=...``: a French payment page (15 minutes per operation) where the
  family picks the outcome (card, one-off debit, refused, abandoned) and how the portal is told
  (on time, late, twice, never: the reconciliation must cope).
- ``POST /tpa/paiementws.web`` (the page's form, or a test): records the outcome, calls
  ``urlnotif?idop=...`` by GET in the background as chosen, and sends the browser back to
  ``urlredirect?idop=...`` (303).

State lives in the process: one simulator serves one developer, never a production portal.
"""

from __future__ import annotations

import html
import logging
import secrets
import threading
import time
import urllib.request
import uuid
from collections.abc import Callable, Iterable, Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import pendulum
from attrs import define
from werkzeug.serving import run_simple
from werkzeug.wrappers import Request, Response

from adapters.clock import SystemClock
from adapters.payfip import PAGE_PATH, SOAP_PATH, soap
from portail_core.domain.shared.money import Money
from portail_core.ports.clock import Clock

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIEnvironment

__all__ = ["DEMO_CLIENTS", "Operation", "PayfipSimulator", "make_simulator", "serve_simulator"]

log = logging.getLogger("portail.payfip.simulator")

DEMO_CLIENTS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {"123456": ("VILLE DE DEMO-SUR-MER",)}
)
PAGE_LIFETIME = pendulum.duration(minutes=15)  # after that the page is gone (PayFiP: P4)
PURGED_AFTER = pendulum.duration(days=1)  # after that PayFiP no longer knows the operation (P1)
OUTCOMES = {  # resultrans: what the family chose on the page (Z, a refused debit, by POST only)
    "P": "Payer par carte bancaire",
    "V": "Payer par prélèvement unique",
    "R": "Refuser le paiement",
    "A": "Abandonner",
}
_SETTLED = {**OUTCOMES, "Z": "Prélèvement refusé"}
NOTIFICATIONS = ("now", "late", "twice", "never")


@define
class Operation:
    """One payment opened by creerPaiementSecurise, and what became of it."""

    id_op: str
    fields: dict[str, str]  # the request's arg0, as sent
    created_at: pendulum.DateTime
    result: str = ""  # resultrans, once the family has chosen
    authorisation: str = ""  # numauto, for P and V
    settled_at: pendulum.DateTime | None = None


class PayfipSimulator:
    """The WSGI application; ``operations`` by idOp (tests may read them)."""

    def __init__(
        self, clients: Mapping[str, tuple[str, ...]], *, clock: Clock, late_seconds: float
    ) -> None:
        self.clients = dict(clients)
        self.operations: dict[str, Operation] = {}
        self.late_seconds = late_seconds
        self._clock = clock
        self._lock = threading.RLock()

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        request = Request(environ)
        return self._route(request)(environ, start_response)

    def _route(self, request: Request) -> Response:
        if request.path == SOAP_PATH:
            if request.method != "POST":
                return _not_allowed("POST")
            return self._soap(request.get_data())
        if request.path == PAGE_PATH:
            if request.method == "GET":
                return self._page(request.args.get("idop", ""), request.script_root + PAGE_PATH)
            if request.method == "POST":
                return self._settle(request.form)
            return _not_allowed("GET, POST")
        return _html("Page introuvable", "<p>Cette adresse n'existe pas.</p>", 404)

    # ------------------------------------------------------------------ SOAP
    def _soap(self, data: bytes) -> Response:
        handlers: dict[str, Callable[[dict[str, str]], Response]] = {
            "creerPaiementSecurise": self._create,
            "recupererDetailPaiementSecurise": self._detail,
            "recupererDetailClient": self._client,
        }
        try:
            name, fields = soap.read_request(data)
            if name not in handlers:
                unknown = f"Opération inconnue : {name}"
                raise soap.SoapFault("999", unknown, "TechProtocolaireErreur")
            return handlers[name](fields)
        except soap.SoapFault as fault:
            return soap.fault_answer(fault)

    def _create(self, fields: dict[str, str]) -> Response:
        soap.check_order(fields, self.clients)
        id_op = str(uuid.uuid4())
        with self._lock:
            self.operations[id_op] = Operation(id_op, fields, self._clock.now())
        return soap.answer("creerPaiementSecuriseResponse", [("idOp", id_op)])

    def _detail(self, fields: dict[str, str]) -> Response:
        operation = self._known(fields.get("idOp", ""))
        if operation is None:
            raise soap.SoapFault("P1", "IdOp incorrect.")
        if operation.settled_at is None:
            raise soap.SoapFault("P5", "Résultat de la transaction non connu.")
        given, at = operation.fields, operation.settled_at
        answered = [
            ("dattrans", at.format("DDMMYYYY")),
            ("exer", given.get("exer", "")),
            ("heurtrans", at.format("HHmm")),
            ("idOp", operation.id_op),
            ("mel", given.get("mel", "")),
            ("montant", given.get("montant", "")),
            ("numauto", operation.authorisation),
            ("numcli", given.get("numcli", "")),
            ("objet", given.get("objet", "")),
            ("refdet", given.get("refdet", "")),
            ("resultrans", operation.result),
            ("saisie", given.get("saisie", "")),
        ]
        return soap.answer("recupererDetailPaiementSecuriseResponse", [f for f in answered if f[1]])

    def _client(self, fields: dict[str, str]) -> Response:
        numcli = fields.get("numCli", "")
        if numcli not in self.clients:
            raise soap.SoapFault("T2", "Le numéro client n'existe pas dans la base PayFiP.")
        names = (*self.clients[numcli], "", "", "")[:3]
        labels = [(f"libelleN{level}", name) for level, name in enumerate(names, start=1)]
        return soap.answer("recupererDetailClientResponse", [*labels, ("numcli", numcli)])

    def _known(self, id_op: str) -> Operation | None:
        """The operation, unless it was never opened or has been purged."""
        with self._lock:
            operation = self.operations.get(id_op)
        if operation is None or self._clock.now() - operation.created_at >= PURGED_AFTER:
            return None
        return operation

    # ------------------------------------------------------------------ the page
    def _page(self, id_op: str, action: str) -> Response:
        operation = self._payable(id_op)
        if not isinstance(operation, Operation):
            return operation
        given = operation.fields
        amount = Money(int(given["montant"])).format_fr()
        outcomes = "".join(
            _radio("resultrans", value, label, checked=value == "P")
            for value, label in OUTCOMES.items()
        )
        notifications = "".join(
            _radio("notification", value, label, checked=value == "now")
            for value, label in zip(NOTIFICATIONS, self._notification_labels(), strict=True)
        )
        body = f"""<p>Simulateur local de PayFiP : aucun paiement réel n'a lieu ici.</p>
<dl>
<dt>Montant</dt><dd>{html.escape(amount)}</dd>
<dt>Objet</dt><dd>{html.escape(given.get("objet", "")) or "(aucun)"}</dd>
<dt>Référence</dt><dd>{html.escape(given.get("refdet", ""))}</dd>
</dl>
<form method="post" action="{html.escape(action)}">
<input type="hidden" name="idop" value="{html.escape(id_op)}">
<fieldset>
<legend>Résultat du paiement</legend>
{outcomes}</fieldset>
<fieldset>
<legend>Notification au portail</legend>
{notifications}</fieldset>
<button type="submit">Valider</button>
</form>"""
        return _html(f"Payer {amount}", body)

    def _notification_labels(self) -> list[str]:
        seconds = f"{self.late_seconds:g}".replace(".", ",")
        unit = "seconde" if self.late_seconds < 2 else "secondes"
        return ["à l'heure", f"en retard ({seconds} {unit})", "deux fois", "jamais"]

    def _payable(self, id_op: str) -> Operation | Response:
        """The operation whose page is open, or the page explaining why it is not."""
        operation = self._known(id_op)
        if operation is None or self._clock.now() - operation.created_at >= PAGE_LIFETIME:
            return _html(
                "Paiement introuvable",
                "<p>Ce paiement n'existe pas ou a expiré : une opération de paiement reste "
                "ouverte 15 minutes.</p><p>Retournez sur le portail pour relancer le paiement "
                "de votre facture.</p>",
                404,
            )
        if operation.settled_at is not None:
            return _html(
                "Paiement déjà terminé",
                "<p>Ce paiement est déjà terminé : retournez sur le portail pour en voir le "
                "résultat.</p>",
                409,
            )
        return operation

    def _settle(self, form: Mapping[str, str]) -> Response:
        result, how = form.get("resultrans", ""), form.get("notification", "now")
        if result not in _SETTLED or how not in NOTIFICATIONS:
            return _html(
                "Choix invalide", "<p>Choisissez un résultat et une notification.</p>", 400
            )
        with self._lock:
            operation = self._payable(form.get("idop", ""))
            if not isinstance(operation, Operation):
                return operation
            operation.result = result
            operation.authorisation = (
                f"{100_000 + secrets.randbelow(900_000)}" if result in ("P", "V") else ""
            )
            operation.settled_at = self._clock.now()
        self._notify(operation, how)
        return Response(
            status=303,
            headers={
                "Location": _with_idop(operation.fields.get("urlredirect", ""), operation.id_op)
            },
        )

    def _notify(self, operation: Operation, how: str) -> None:
        if how == "never":
            return
        url = _with_idop(operation.fields.get("urlnotif", ""), operation.id_op)
        delay = self.late_seconds if how == "late" else 0.0
        times = 2 if how == "twice" else 1
        threading.Thread(
            target=_call_portal, args=(url, delay, times), name="payfip-notification", daemon=True
        ).start()


def make_simulator(
    clients: Mapping[str, tuple[str, ...]] = DEMO_CLIENTS,
    *,
    clock: Clock | None = None,
    late_seconds: float = 30.0,
) -> PayfipSimulator:
    """The simulator knowing these client numbers (numcli: the collectivity's names);
    ``late_seconds`` is how late a « late » notification comes."""
    return PayfipSimulator(clients, clock=clock or SystemClock(), late_seconds=late_seconds)


def serve_simulator(
    host: str,
    port: int,
    clients: Mapping[str, tuple[str, ...]] = DEMO_CLIENTS,
    *,
    late_seconds: float = 30.0,
) -> None:
    """Serve the simulator until interrupted (werkzeug's server, one thread per request)."""
    run_simple(host, port, make_simulator(clients, late_seconds=late_seconds), threaded=True)


# ---------------------------------------------------------------------- the page
def _html(title: str, body: str, status: int = 200) -> Response:
    document = f"""<!DOCTYPE html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)} – Simulateur PayFiP</title>
</head>
<body>
<main>
<h1>{html.escape(title)}</h1>
{body}
</main>
</body>
</html>
"""
    return Response(document, status, content_type="text/html; charset=utf-8")


def _radio(name: str, value: str, label: str, *, checked: bool) -> str:
    identifier = f"{name}-{value}"
    mark = " checked" if checked else ""
    return (
        f'<div><input type="radio" id="{identifier}" name="{name}" value="{value}"{mark}>'
        f' <label for="{identifier}">{html.escape(label)}</label></div>\n'
    )


def _not_allowed(allowed: str) -> Response:
    return Response("Méthode non permise.", 405, headers={"Allow": allowed})


# ---------------------------------------------------------------------- the notification
def _with_idop(url: str, id_op: str) -> str:
    """The URL with ``idop=<idOp>`` added to its query (kept if it has one already)."""
    parts = urlsplit(url)
    query = urlencode([*parse_qsl(parts.query, keep_blank_values=True), ("idop", id_op)])
    return urlunsplit(parts._replace(query=query))


def _call_portal(url: str, delay: float, times: int) -> None:
    """GET the portal's urlnotif, ``times`` times after ``delay`` seconds; failures are logged
    (PayFiP does not try again either)."""
    if urlsplit(url).scheme not in ("http", "https"):
        log.warning("PayFiP simulator: urlnotif is not an http(s) URL, no notification")
        return
    time.sleep(delay)
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback: no proxy
    for _ in range(times):
        try:
            with opener.open(url, timeout=10) as answer:
                answer.read()
        except (OSError, ValueError) as error:
            log.warning("PayFiP simulator: notification to the portal failed (%s)", error)
