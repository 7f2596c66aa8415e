"""The command line's PayFiP client, built on its first call: until then it has read nothing;
then it answers as ``SoapPayfip`` does, over real HTTP against the local simulator."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator

import pendulum
import pytest

from adapters.clock import FixedClock
from adapters.payfip import PAGE_PATH, SOAP_PATH
from adapters.payfip.client import SoapPayfip
from adapters.payfip.deferred import DeferredPayfip
from adapters.payfip.simulator import make_simulator
from portail_core.domain.payments.online import PayfipMode, PaymentOrder
from portail_core.domain.shared.money import Money
from tests.integration.loopback import Served, choose

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


@pytest.fixture
def payfip() -> Iterator[Served]:
    clock = FixedClock(pendulum.datetime(2027, 3, 15, 14, 7, tz="Europe/Paris"))
    served = Served(make_simulator({"123456": ("VILLE DE DEMO-SUR-MER",)}, clock=clock))
    yield served
    served.close()


def test_building_it_imports_neither_zeep_nor_requests() -> None:
    probe = (
        "import sys\n"
        "from adapters.payfip.deferred import DeferredPayfip\n"
        "client = DeferredPayfip('http://127.0.0.1:9/soap', 'http://127.0.0.1:9/page')\n"
        "print(sorted(m for m in ('zeep', 'requests') if m in sys.modules), 'soap' in vars(client))"
    )
    shown = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout
    assert shown.strip() == "[] False"


def test_its_first_call_builds_the_soap_client_once_and_answers_as_it_does(
    payfip: Served,
) -> None:
    soap_url, page_url = payfip.url + SOAP_PATH, payfip.url + PAGE_PATH
    deferred = DeferredPayfip(soap_url, page_url)
    assert "soap" not in vars(deferred)

    id_op = deferred.open(ORDER)
    built = deferred.soap
    assert isinstance(built, SoapPayfip)
    choose(payfip, id_op, "P")
    report = deferred.report(id_op)

    assert deferred.soap is built
    assert (report.id_op, report.result, report.amount) == (id_op, "P", Money(4250))
    assert report == SoapPayfip(soap_url, page_url).report(id_op)
    assert deferred.client("123456").names == ("VILLE DE DEMO-SUR-MER",)
    assert deferred.page_url(id_op) == SoapPayfip(soap_url, page_url).page_url(id_op)
