"""``Portail``: the core's one entry point, for the web portal, the staff's command line and
software that embeds the core."""

from __future__ import annotations

import pendulum

from portail_core.facade.absences import AbsenceUseCases
from portail_core.facade.accounts import AccountUseCases
from portail_core.facade.attendance import AttendanceUseCases
from portail_core.facade.audit import AuditUseCases
from portail_core.facade.billing import BillingUseCases
from portail_core.facade.bookings import BookingUseCases
from portail_core.facade.catalogue import CatalogueUseCases
from portail_core.facade.communes import CommuneUseCases
from portail_core.facade.dossiers import DossierUseCases
from portail_core.facade.feeds import FeedUseCases
from portail_core.facade.menus import MenuUseCases
from portail_core.facade.messaging import MessagingUseCases
from portail_core.facade.news import NewsUseCases
from portail_core.facade.payments import PaymentUseCases
from portail_core.facade.ports import Ports
from portail_core.facade.preregistrations import PreregistrationUseCases
from portail_core.facade.regulations import RegulationUseCases
from portail_core.facade.sma import SmaUseCases

__all__ = ["Portail"]


class Portail:
    """Every use case of the core, grouped by capability, with the ports bound.

    ``public_url`` is the portal's address as families reach it: the links e-mailed to them
    (activation, reset, unlock, e-mail change, a new invoice) start with it.

    >>> portail.bookings.validate(family_id=1, child_id=2, establishment_code="ALSH",
    ...                           selection=selection)  # doctest: +SKIP
    """

    def __init__(self, ports: Ports, *, public_url: str) -> None:
        self.ports = ports
        self.public_url = public_url.rstrip("/")
        self.communes = CommuneUseCases(ports)
        self.catalogue = CatalogueUseCases(ports)
        self.dossiers = DossierUseCases(ports, self.public_url)
        self.accounts = AccountUseCases(ports, self.public_url)
        self.bookings = BookingUseCases(ports)
        self.absences = AbsenceUseCases(ports)
        self.attendance = AttendanceUseCases(ports)
        self.billing = BillingUseCases(ports, self.public_url)
        self.payments = PaymentUseCases(ports, self.public_url)
        self.messaging = MessagingUseCases(ports)
        self.audit = AuditUseCases(ports)
        self.regulations = RegulationUseCases(ports, self.public_url)
        self.menus = MenuUseCases(ports)
        self.feeds = FeedUseCases(ports)
        self.preregistrations = PreregistrationUseCases(ports, self.public_url)
        self.sma = SmaUseCases(ports)
        self.news = NewsUseCases(ports)

    def today(self) -> pendulum.Date:
        """Today in Europe/Paris, by the portal's clock (a fixed one in tests)."""
        return self.ports.clock.today()

    def now(self) -> pendulum.DateTime:
        """The current instant on the Paris wall clock, by the portal's clock."""
        return self.ports.clock.now()
