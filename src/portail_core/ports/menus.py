"""The canteen's weekly menus."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date
from typing import Protocol

from portail_core.domain.menus import WeekMenu

__all__ = ["MenuRepositories", "MenuRepository"]


class MenuRepository(Protocol):
    def replace_weeks(self, weeks: Sequence[WeekMenu]) -> None:
        """Each restaurant's week becomes exactly the one given: the dishes stored for the
        same restaurant and the same week (Monday to Sunday) are removed first."""
        ...

    def weeks(
        self,
        first: date,
        last: date,
        *,
        establishment_codes: Collection[str] | None = None,
    ) -> list[WeekMenu]:
        """The weeks whose Monday falls between two dates (inclusive), by restaurant then
        Monday; only those restaurants when ``establishment_codes`` is given."""
        ...

    def published(self) -> dict[str, list[date]]:
        """Each restaurant with menus -> the Mondays of its weeks, in order."""
        ...


class MenuRepositories(Protocol):
    """The menus' repository, as a unit of work gives it."""

    @property
    def menus(self) -> MenuRepository: ...
