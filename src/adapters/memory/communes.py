"""The in-memory twin of the commune's repository."""

from __future__ import annotations

import copy

from attrs import define

from adapters.memory.store import WorkingCopy
from portail_core.domain.communes import Commune
from portail_core.domain.look import LogoImage
from portail_core.errors import Conflict

__all__ = [
    "THE_COMMUNE_ID",
    "CommuneState",
    "InMemoryCommuneRepositories",
    "InMemoryCommuneRepository",
]


@define
class CommuneState:
    commune: Commune | None = None
    logo: LogoImage | None = None


THE_COMMUNE_ID = 1


class InMemoryCommuneRepository:
    def __init__(self, state: CommuneState) -> None:
        self._state = state

    def get(self) -> Commune | None:
        return copy.deepcopy(self._state.commune)

    def add(self, commune: Commune) -> None:
        if self._state.commune is not None:
            raise Conflict("Ce portail a déjà une commune.")
        commune.id = THE_COMMUNE_ID
        self._state.commune = copy.deepcopy(commune)

    def update(self, commune: Commune) -> None:
        if self._state.commune is None or commune.id != THE_COMMUNE_ID:
            raise LookupError(f"commune {commune.id} was never added")
        self._state.commune = copy.deepcopy(commune)

    def save_logo(self, logo: LogoImage | None) -> None:
        self._state.logo = logo

    def logo(self) -> LogoImage | None:
        return self._state.logo


class InMemoryCommuneRepositories(WorkingCopy):
    """The repositories a unit of work gives on the working copy's CommuneState."""

    @property
    def communes(self) -> InMemoryCommuneRepository:
        return InMemoryCommuneRepository(self.state(CommuneState))
