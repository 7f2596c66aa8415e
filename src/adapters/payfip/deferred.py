"""PayFiP's SOAP client built on its first call, for processes that seldom pay.

``SoapPayfip`` reads its contract when it is built, so that the web portal fails at its start
when the package is broken; building it imports zeep and requests (0.1 s of CPU). The staff's
command line builds this stand-in instead: a command that opens, checks or settles no payment
never imports them, and one that does builds the real client at its first call.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from adapters.payfip.client import SoapPayfip
    from portail_core.domain.payments.online import ClientDetails, PaymentOrder, PaymentReport

__all__ = ["DeferredPayfip"]


class DeferredPayfip:
    """Implements ``portail_core.ports.payments.OnlinePaymentService`` as ``SoapPayfip(soap_url,
    page_url)``, built on the first call."""

    def __init__(self, soap_url: str, page_url: str) -> None:
        self._soap_url, self._page_url = soap_url, page_url

    @functools.cached_property
    def soap(self) -> SoapPayfip:
        """The real client (built once, on first use)."""
        from adapters.payfip.client import SoapPayfip

        return SoapPayfip(self._soap_url, self._page_url)

    def open(self, order: PaymentOrder) -> str:
        return self.soap.open(order)

    def report(self, id_op: str) -> PaymentReport:
        return self.soap.report(id_op)

    def client(self, numcli: str) -> ClientDetails:
        return self.soap.client(numcli)

    def page_url(self, id_op: str) -> str:
        return self.soap.page_url(id_op)
