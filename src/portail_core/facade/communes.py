"""The commune's use cases, ports bound."""

from __future__ import annotations

from attrs import frozen

from portail_core.domain.audit import Actor
from portail_core.domain.communes import Commune
from portail_core.domain.look import LogoImage
from portail_core.facade.ports import Ports
from portail_core.services.communes import (
    CommuneDetails,
    SetUpResult,
    commune_logo,
    current_commune,
    set_up_commune,
)

__all__ = ["CommuneUseCases"]


@frozen
class CommuneUseCases:
    """The commune this portal serves (``portail.communes``)."""

    _ports: Ports

    def current(self) -> Commune | None:
        """The commune, or None before its file or the demo is loaded."""
        return current_commune(self._ports.uow(read_only=True))

    def logo(self) -> LogoImage | None:
        """The commune's logo, to be served; None when it has none."""
        return commune_logo(self._ports.uow(read_only=True))

    def set_up(
        self, details: CommuneDetails, *, actor: Actor, only_if_empty: bool = False
    ) -> SetUpResult:
        """Create the commune, or update it (same INSEE code); ``only_if_empty`` never
        overwrites one."""
        return set_up_commune(
            self._ports.uow(),
            details,
            actor=actor,
            clock=self._ports.clock,
            only_if_empty=only_if_empty,
        )
