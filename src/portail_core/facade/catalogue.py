"""The catalogue's use cases, ports bound."""

from __future__ import annotations

from datetime import date

from attrs import frozen

from portail_core.domain.audit import Actor
from portail_core.domain.catalogue.establishments import Catalogue
from portail_core.domain.catalogue.school_calendar import SchoolCalendar
from portail_core.facade.ports import Ports
from portail_core.services.catalogue.calendars import (
    EstablishmentCalendar,
    ImportReport,
    establishment_calendar,
    import_school_calendar,
)
from portail_core.services.catalogue.offer import (
    LoadReport,
    PublishedTariff,
    check_catalogue,
    current_catalogue,
    load_catalogue,
    published_tariffs,
)
from portail_core.services.communes import CommuneDetails

__all__ = ["CatalogueUseCases"]


@frozen
class CatalogueUseCases:
    """What the commune offers and when it is open (``portail.catalogue``)."""

    _ports: Ports

    @staticmethod
    def check(details: CommuneDetails, catalogue: Catalogue) -> None:
        """InvalidInput listing every problem of a commune file's contents at once; needs no
        database, so that a file can be checked anywhere."""
        check_catalogue(details, catalogue)

    def load(self, details: CommuneDetails, catalogue: Catalogue, *, actor: Actor) -> LoadReport:
        """Check then load a commune file's contents in one transaction (all or nothing)."""
        return load_catalogue(
            self._ports.uow(), details, catalogue, actor=actor, clock=self._ports.clock
        )

    def current(self) -> Catalogue:
        """The catalogue in force (empty before the commune file is loaded)."""
        return current_catalogue(self._ports.uow(read_only=True))

    def published_tariffs(self, on: date | None = None) -> list[PublishedTariff]:
        """Each unit's tariff in force on that day (today by default), as families read it."""
        return published_tariffs(self._ports.uow(read_only=True), on or self._ports.clock.today())

    def calendar(self, establishment_code: str, first: date, last: date) -> EstablishmentCalendar:
        """Every day x unit of an establishment between two dates, open or closed and why."""
        return establishment_calendar(
            self._ports.uow(read_only=True), self._ports.calendars, establishment_code, first, last
        )

    def import_school_calendar(self, calendar: SchoolCalendar, *, actor: Actor) -> ImportReport:
        """Store a newer official school calendar; it replaces the years it describes."""
        return import_school_calendar(
            self._ports.uow(),
            calendar,
            shipped=self._ports.calendars.shipped,
            actor=actor,
            clock=self._ports.clock,
        )
