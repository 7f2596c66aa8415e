"""The in-memory twin of the menus' repository."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date

from attrs import define, field

from adapters.memory.store import WorkingCopy
from portail_core.domain.menus import WeekMenu

__all__ = ["InMemoryMenuRepositories", "InMemoryMenuRepository", "MenuState"]


@define
class MenuState:
    weeks: dict[tuple[str, date], WeekMenu] = field(factory=dict)  # (restaurant, Monday)


class InMemoryMenuRepository:
    def __init__(self, state: MenuState) -> None:
        self._state = state

    def replace_weeks(self, weeks: Sequence[WeekMenu]) -> None:
        for week in weeks:
            self._state.weeks[(week.establishment_code, week.monday)] = week

    def weeks(
        self,
        first: date,
        last: date,
        *,
        establishment_codes: Collection[str] | None = None,
    ) -> list[WeekMenu]:
        return [
            week
            for (code, monday), week in sorted(self._state.weeks.items())
            if first <= monday <= last
            and (establishment_codes is None or code in establishment_codes)
        ]

    def published(self) -> dict[str, list[date]]:
        found: dict[str, list[date]] = {}
        for code, monday in sorted(self._state.weeks):
            found.setdefault(code, []).append(monday)
        return found


class InMemoryMenuRepositories(WorkingCopy):
    """The repositories a unit of work gives on the working copy's MenuState."""

    @property
    def menus(self) -> InMemoryMenuRepository:
        return InMemoryMenuRepository(self.state(MenuState))
