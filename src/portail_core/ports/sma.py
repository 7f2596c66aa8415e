"""SMA pre-registration requests: their repository."""

from __future__ import annotations

from typing import Protocol

from portail_core.domain.sma import SmaRequest

__all__ = ["SmaRepositories", "SmaRequestRepository"]


class SmaRequestRepository(Protocol):
    def add(self, request: SmaRequest) -> SmaRequest:
        """Record it; returns it with its number."""
        ...

    def get(self, request_id: int, *, for_update: bool = False) -> SmaRequest | None: ...

    def update(self, request: SmaRequest) -> None: ...

    def of_family(self, family_id: int) -> list[SmaRequest]:
        """The family's requests, the oldest first."""
        ...

    def open_requests(self) -> list[SmaRequest]:
        """Every request déposée or proposée, by date of request then number."""
        ...

    def delete_of_family(self, family_id: int) -> None:
        """Forget the family's requests (its dossier is erased)."""
        ...


class SmaRepositories(Protocol):
    @property
    def sma_requests(self) -> SmaRequestRepository: ...
