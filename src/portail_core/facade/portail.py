"""``Portail``: the core's one entry point, for the web portal, the staff's command line and
software that embeds the core."""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pendulum

    from portail_core.facade.absences import AbsenceUseCases
    from portail_core.facade.accounts import AccountUseCases
    from portail_core.facade.allocation import AllocationUseCases
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
    from portail_core.facade.waiting_room import WaitingRoomUseCases

__all__ = ["Portail"]


class Portail:
    """Every use case of the core, grouped by capability, with the ports bound.

    ``public_url`` is the portal's address as families reach it: the links e-mailed to them
    (activation, reset, unlock, e-mail change, a new invoice) start with it.

    Each capability (its module and the use cases it imports) is built once; all of them at
    construction unless ``lazy``, then each on its first use (the staff's command line, where a
    command uses one or two: it does not pay for importing the others).

    >>> portail.bookings.validate(family_id=1, child_id=2, establishment_code="ALSH",
    ...                           selection=selection)  # doctest: +SKIP
    """

    # Every capability, in the order they are built; each is a cached property below.
    CAPABILITIES = (
        "communes",
        "catalogue",
        "dossiers",
        "accounts",
        "bookings",
        "absences",
        "attendance",
        "billing",
        "payments",
        "messaging",
        "audit",
        "regulations",
        "menus",
        "feeds",
        "preregistrations",
        "sma",
        "news",
        "waiting_room",
        "allocation",
    )

    def __init__(self, ports: Ports, *, public_url: str, lazy: bool = False) -> None:
        self.ports = ports
        self.public_url = public_url.rstrip("/")
        if not lazy:
            for name in self.CAPABILITIES:
                getattr(self, name)

    @cached_property
    def communes(self) -> CommuneUseCases:
        from portail_core.facade.communes import CommuneUseCases

        return CommuneUseCases(self.ports)

    @cached_property
    def catalogue(self) -> CatalogueUseCases:
        from portail_core.facade.catalogue import CatalogueUseCases

        return CatalogueUseCases(self.ports)

    @cached_property
    def dossiers(self) -> DossierUseCases:
        from portail_core.facade.dossiers import DossierUseCases

        return DossierUseCases(self.ports, self.public_url)

    @cached_property
    def accounts(self) -> AccountUseCases:
        from portail_core.facade.accounts import AccountUseCases

        return AccountUseCases(self.ports, self.public_url)

    @cached_property
    def bookings(self) -> BookingUseCases:
        from portail_core.facade.bookings import BookingUseCases

        return BookingUseCases(self.ports)

    @cached_property
    def absences(self) -> AbsenceUseCases:
        from portail_core.facade.absences import AbsenceUseCases

        return AbsenceUseCases(self.ports)

    @cached_property
    def attendance(self) -> AttendanceUseCases:
        from portail_core.facade.attendance import AttendanceUseCases

        return AttendanceUseCases(self.ports)

    @cached_property
    def billing(self) -> BillingUseCases:
        from portail_core.facade.billing import BillingUseCases

        return BillingUseCases(self.ports, self.public_url)

    @cached_property
    def payments(self) -> PaymentUseCases:
        from portail_core.facade.payments import PaymentUseCases

        return PaymentUseCases(self.ports, self.public_url)

    @cached_property
    def messaging(self) -> MessagingUseCases:
        from portail_core.facade.messaging import MessagingUseCases

        return MessagingUseCases(self.ports)

    @cached_property
    def audit(self) -> AuditUseCases:
        from portail_core.facade.audit import AuditUseCases

        return AuditUseCases(self.ports)

    @cached_property
    def regulations(self) -> RegulationUseCases:
        from portail_core.facade.regulations import RegulationUseCases

        return RegulationUseCases(self.ports, self.public_url)

    @cached_property
    def menus(self) -> MenuUseCases:
        from portail_core.facade.menus import MenuUseCases

        return MenuUseCases(self.ports)

    @cached_property
    def feeds(self) -> FeedUseCases:
        from portail_core.facade.feeds import FeedUseCases

        return FeedUseCases(self.ports)

    @cached_property
    def preregistrations(self) -> PreregistrationUseCases:
        from portail_core.facade.preregistrations import PreregistrationUseCases

        return PreregistrationUseCases(self.ports, self.public_url)

    @cached_property
    def sma(self) -> SmaUseCases:
        from portail_core.facade.sma import SmaUseCases

        return SmaUseCases(self.ports)

    @cached_property
    def news(self) -> NewsUseCases:
        from portail_core.facade.news import NewsUseCases

        return NewsUseCases(self.ports)

    @cached_property
    def waiting_room(self) -> WaitingRoomUseCases:
        from portail_core.facade.waiting_room import WaitingRoomUseCases

        return WaitingRoomUseCases(self.ports)

    @cached_property
    def allocation(self) -> AllocationUseCases:
        from portail_core.facade.allocation import AllocationUseCases

        return AllocationUseCases(self.ports, self.public_url)

    def today(self) -> pendulum.Date:
        """Today in Europe/Paris, by the portal's clock (a fixed one in tests)."""
        return self.ports.clock.today()

    def now(self) -> pendulum.DateTime:
        """The current instant on the Paris wall clock, by the portal's clock."""
        return self.ports.clock.now()
