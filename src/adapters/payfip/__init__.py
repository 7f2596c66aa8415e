"""PayFiP, the Finances Publiques' online payment service (web-service variant), behind the
``OnlinePaymentService`` port.

- ``adapters.payfip.client.SoapPayfip``: the SOAP client (zeep) built on the contract the DGFiP
  publishes (``contract/``: the WSDL and its three schemas, shipped unchanged);
- ``adapters.payfip.simulator``: the local PayFiP (a WSGI application) that the client talks to
  over real HTTP in development, demos and tests;
- ``adapters.payfip.fake.FakePayfip``: the in-memory twin, for unit tests.

Each is imported from its own module, so that the fake does not pay for zeep.
"""

__all__ = ["NAMESPACE", "PAGE_PATH", "SOAP_PATH"]

# The namespace of the operations and of their faults' detail (the WSDL's tns).
NAMESPACE = (
    "http://securite.service.tpa.cp.finances.gouv.fr/services/mas_securite/"
    "contrat_paiement_securise/PaiementSecuriseService"
)
SOAP_PATH = "/tpa/services/securite"  # the SOAP endpoint, at PayFiP as at the simulator
PAGE_PATH = "/tpa/paiementws.web"  # the payment page, opened with ?idop=<idOp>
