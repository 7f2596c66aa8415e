"""The in-memory twin of the regulations' repository."""

from __future__ import annotations

import attrs
from attrs import define, field

from adapters.memory.store import WorkingCopy
from portail_core.domain.regulations import RegulationVersion

__all__ = [
    "InMemoryRegulationRepositories",
    "InMemoryRegulationRepository",
    "RegulationState",
]


@define
class RegulationState:
    versions: dict[int, RegulationVersion] = field(factory=dict)
    last_id: int = 0


class InMemoryRegulationRepository:
    def __init__(self, state: RegulationState) -> None:
        self._state = state

    def add(self, version: RegulationVersion) -> RegulationVersion:
        if self.get(version.establishment_code, version.version) is not None:
            raise RuntimeError("duplicate regulation version")  # the database's unique key
        self._state.last_id += 1
        stored = attrs.evolve(version, id=self._state.last_id)
        self._state.versions[self._state.last_id] = stored
        return stored

    def listing(self, establishment_code: str | None = None) -> list[RegulationVersion]:
        return sorted(
            (
                v
                for v in self._state.versions.values()
                if establishment_code is None or v.establishment_code == establishment_code
            ),
            key=lambda v: (v.establishment_code, v.effective_from, v.id or 0),
        )

    def get(self, establishment_code: str, version: str) -> RegulationVersion | None:
        return next(
            (
                v
                for v in self._state.versions.values()
                if v.establishment_code == establishment_code and v.version == version
            ),
            None,
        )


class InMemoryRegulationRepositories(WorkingCopy):
    """The repositories a unit of work gives on the working copy's RegulationState."""

    @property
    def regulations(self) -> InMemoryRegulationRepository:
        return InMemoryRegulationRepository(self.state(RegulationState))
