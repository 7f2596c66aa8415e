"""In-memory twins of the catalogue's and the school calendars' repositories."""

from __future__ import annotations

import copy

from attrs import define, field

from adapters.memory.store import WorkingCopy
from portail_core.domain.catalogue.establishments import Catalogue, Establishment
from portail_core.domain.catalogue.school_calendar import SchoolCalendar

__all__ = [
    "CatalogueState",
    "InMemoryCatalogueRepositories",
    "InMemoryCatalogueRepository",
    "InMemorySchoolCalendarRepository",
]


@define
class CatalogueState:
    catalogue: Catalogue = field(factory=lambda: Catalogue((), ()))
    archived: dict[str, Establishment] = field(factory=dict)
    establishment_ids: dict[str, int] = field(factory=dict)
    school_calendar: SchoolCalendar = field(factory=SchoolCalendar)


class InMemoryCatalogueRepository:
    def __init__(self, state: CatalogueState) -> None:
        self._state = state

    def get(self) -> Catalogue:
        return copy.deepcopy(self._state.catalogue)

    def replace(self, catalogue: Catalogue) -> None:
        ids = self._state.establishment_ids
        kept = copy.deepcopy(catalogue)
        for establishment in kept.establishments:
            establishment.id = ids.setdefault(establishment.code, len(ids) + 1)
        listed = {e.code for e in kept.establishments}
        for gone in self._state.catalogue.establishments:
            if gone.code not in listed:
                self._state.archived[gone.code] = gone
        self._state.catalogue = kept


class InMemorySchoolCalendarRepository:
    def __init__(self, state: CatalogueState) -> None:
        self._state = state

    def imported(self) -> SchoolCalendar:
        return self._state.school_calendar

    def replace_years(self, calendar: SchoolCalendar) -> None:
        self._state.school_calendar = self._state.school_calendar.overlaid_with(calendar)


class InMemoryCatalogueRepositories(WorkingCopy):
    """The repositories a unit of work gives on the working copy's CatalogueState."""

    @property
    def catalogue(self) -> InMemoryCatalogueRepository:
        return InMemoryCatalogueRepository(self.state(CatalogueState))

    @property
    def school_calendars(self) -> InMemorySchoolCalendarRepository:
        return InMemorySchoolCalendarRepository(self.state(CatalogueState))
