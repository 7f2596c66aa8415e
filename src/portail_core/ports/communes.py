"""The commune this installation serves."""

from __future__ import annotations

from typing import Protocol

from portail_core.domain.communes import Commune

__all__ = ["CommuneRepositories", "CommuneRepository"]


class CommuneRepository(Protocol):
    """The commune of this installation (at most one)."""

    def get(self) -> Commune | None:
        """The commune, or None before the demo or the town's data is loaded."""
        ...

    def add(self, commune: Commune) -> None:
        """Record the commune and give it its id; raises Conflict if there is one already."""
        ...

    def update(self, commune: Commune) -> None:
        """Write back a commune read from this repository."""
        ...


class CommuneRepositories(Protocol):
    """The commune's repository, as a unit of work gives it."""

    @property
    def communes(self) -> CommuneRepository: ...
