"""The in-memory twin of PayFiP: operations opened, paid, refused or abandoned by hand, for unit
tests and embedders' tests; no HTTP."""

from __future__ import annotations

import uuid
from typing import Any

import attrs
import pendulum

from portail_core.domain.payments.online import ClientDetails, PaymentOrder, PaymentReport
from portail_core.errors import OnlinePaymentError, PaymentNotKnownYet, PaymentUnknown

__all__ = ["FakePayfip"]


class FakePayfip:
    """Implements ``portail_core.ports.payments.OnlinePaymentService`` in memory.

    ``finish(id_op, "P")`` settles an operation as PayFiP would report it; ``tamper`` changes
    what it reports; ``down`` makes every call fail as an unreachable service does."""

    def __init__(self, clients: dict[str, tuple[str, ...]] | None = None) -> None:
        self.orders: dict[str, PaymentOrder] = {}
        self.reports: dict[str, PaymentReport] = {}
        self.clients = clients if clients is not None else {"123456": ("Ville de Démo",)}
        self.down = False
        self.calls: list[str] = []

    def open(self, order: PaymentOrder) -> str:
        self._call("creerPaiementSecurise")
        if order.numcli not in self.clients:
            raise OnlinePaymentError("Numéro client inconnu.", code="P2", permanent=True)
        id_op = str(uuid.uuid4())
        self.orders[id_op] = order
        return id_op

    def report(self, id_op: str) -> PaymentReport:
        self._call("recupererDetailPaiementSecurise")
        if id_op not in self.orders:
            raise PaymentUnknown("Opération inconnue.", code="P1", permanent=True)
        if id_op not in self.reports:
            raise PaymentNotKnownYet("Paiement en cours.", code="P5")
        return self.reports[id_op]

    def client(self, numcli: str) -> ClientDetails:
        self._call("recupererDetailClient")
        if numcli not in self.clients:
            raise OnlinePaymentError("Numéro client inconnu.", code="P2", permanent=True)
        return ClientDetails(numcli, self.clients[numcli])

    def page_url(self, id_op: str) -> str:
        return f"https://payfip.test/tpa/paiementws.web?idop={id_op}"

    def finish(self, id_op: str, result: str, at: pendulum.DateTime | None = None) -> PaymentReport:
        """Settle the operation: P (card), V (one-off debit), R or Z (refused), A (abandoned)."""
        order = self.orders[id_op]
        paid = result in ("P", "V")
        self.reports[id_op] = PaymentReport(
            id_op=id_op,
            result=result,
            refdet=order.refdet,
            amount=order.amount,
            numcli=order.numcli,
            mode=order.mode.value,
            authorisation=f"AUTO{len(self.reports) + 1:04d}" if paid else "",
            paid_at=at if paid else None,
            email=order.email,
        )
        return self.reports[id_op]

    def tamper(self, id_op: str, **changes: Any) -> None:
        """Make PayFiP report something else than what was opened (refdet, amount...)."""

        self.reports[id_op] = attrs.evolve(self.reports[id_op], **changes)

    def _call(self, operation: str) -> None:
        self.calls.append(operation)
        if self.down:
            raise OnlinePaymentError()
