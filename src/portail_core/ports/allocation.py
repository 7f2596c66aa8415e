"""Fair allocation: campaigns, the families' requests, the draw's decisions."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from portail_core.domain.allocation import AllocationRequest, Campaign, Decision
from portail_core.domain.bookings.reservation import WaitingEntry

__all__ = ["AllocationRepositories", "AllocationRepository"]


class AllocationRepository(Protocol):
    def campaign(
        self,
        code: str,
        *,
        for_update: bool = False,
        for_share: bool = False,
        with_inputs: bool = False,
    ) -> Campaign | None:
        """``for_update`` locks the campaign's row (the staff's actions: one at a time, and no
        request while the draw runs); ``for_share`` only keeps it from those (a family's
        requests: many families at once). ``with_inputs``: with the draw's snapshot (large:
        only the verification needs it; the campaigns of ``campaigns()`` have none)."""
        ...

    def campaigns(self) -> list[Campaign]:
        """Every campaign, by first day then code."""
        ...

    def add_campaign(self, campaign: Campaign) -> None: ...

    def update_campaign(self, campaign: Campaign) -> None:
        """Write back its settings, seed and dates, and its draw's snapshot when it carries
        one (read without it, the stored one is kept)."""
        ...

    def remove_campaign(self, code: str) -> None:
        """Forget a campaign and its requests (one never drawn, gone from the commune file)."""
        ...

    def requests(self, code: str) -> list[AllocationRequest]:
        """Every request of the campaign, by family, child and preference."""
        ...

    def requests_of_family(self, code: str, family_id: int) -> list[AllocationRequest]: ...

    def replace_requests(
        self, code: str, child_id: int, requests: Sequence[AllocationRequest]
    ) -> None:
        """The child's requests become these (none: withdrawn)."""
        ...

    def save_decisions(self, code: str, decisions: Sequence[Decision]) -> None:
        """The draw's decisions, in the order they were taken (in one statement)."""
        ...

    def decisions(self, code: str, family_id: int | None = None) -> list[Decision]:
        """The stored decisions (of one family), in the order they were taken."""
        ...

    def add_waiting_entries(self, entries: Sequence[WaitingEntry]) -> None:
        """Waiting-list entries in one statement, in that order (the draw's)."""
        ...

    def delete_of_family(self, family_id: int) -> None:
        """Forget the family's requests and decisions (its dossier is erased)."""
        ...


class AllocationRepositories(Protocol):
    @property
    def allocations(self) -> AllocationRepository: ...
