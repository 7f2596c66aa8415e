"""The commune this installation serves."""

from __future__ import annotations

from typing import Protocol

from portail_core.domain.communes import Commune
from portail_core.domain.look import LogoImage

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

    def save_logo(self, logo: LogoImage | None) -> None:
        """Keep the bytes of the commune's logo (``commune.look.logo``), or forget them."""
        ...

    def logo(self) -> LogoImage | None:
        """The logo's bytes, read apart: ``get`` never loads them."""
        ...


class CommuneRepositories(Protocol):
    """The commune's repository, as a unit of work gives it."""

    @property
    def communes(self) -> CommuneRepository: ...
