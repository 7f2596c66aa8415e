"""The in-memory twin of fair allocation's repository."""

from __future__ import annotations

import copy
from collections.abc import Sequence

from attrs import define, field

from adapters.memory.bookings import BookingState, InMemoryWaitingListRepository
from adapters.memory.store import WorkingCopy
from portail_core.domain.allocation import AllocationRequest, Campaign, Decision
from portail_core.domain.bookings.reservation import WaitingEntry

__all__ = ["AllocationState", "InMemoryAllocationRepositories", "InMemoryAllocationRepository"]


@define
class AllocationState:
    campaigns: dict[str, Campaign] = field(factory=dict)
    requests: dict[str, list[AllocationRequest]] = field(factory=dict)
    decisions: dict[str, list[Decision]] = field(factory=dict)
    last_id: int = 0


class InMemoryAllocationRepository:
    def __init__(self, state: AllocationState, bookings: BookingState) -> None:
        self._state, self._bookings = state, bookings

    def campaign(
        self,
        code: str,
        *,
        for_update: bool = False,
        for_share: bool = False,
        with_inputs: bool = False,
    ) -> Campaign | None:
        found = self._state.campaigns.get(code)
        return None if found is None else _copy(found, with_inputs)

    def campaigns(self) -> list[Campaign]:
        found = sorted(self._state.campaigns.values(), key=lambda c: (c.settings.first_day, c.code))
        return [_copy(c, False) for c in found]

    def add_campaign(self, campaign: Campaign) -> None:
        self._state.last_id += 1
        campaign.id = self._state.last_id
        self._state.campaigns[campaign.code] = copy.copy(campaign)

    def update_campaign(self, campaign: Campaign) -> None:
        kept = copy.copy(campaign)
        if kept.draw_inputs is None and campaign.code in self._state.campaigns:
            kept.draw_inputs = self._state.campaigns[campaign.code].draw_inputs
        self._state.campaigns[campaign.code] = kept

    def remove_campaign(self, code: str) -> None:
        for kept in (self._state.campaigns, self._state.requests, self._state.decisions):
            kept.pop(code, None)

    def requests(self, code: str) -> list[AllocationRequest]:
        found = self._state.requests.get(code, [])
        return sorted(found, key=lambda q: (q.family_id, q.child_id, q.preference))

    def requests_of_family(self, code: str, family_id: int) -> list[AllocationRequest]:
        return [q for q in self.requests(code) if q.family_id == family_id]

    def replace_requests(
        self, code: str, child_id: int, requests: Sequence[AllocationRequest]
    ) -> None:
        kept = [q for q in self._state.requests.get(code, []) if q.child_id != child_id]
        self._state.requests[code] = kept + list(requests)

    def save_decisions(self, code: str, decisions: Sequence[Decision]) -> None:
        self._state.decisions[code] = self._state.decisions.get(code, []) + list(decisions)

    def decisions(self, code: str, family_id: int | None = None) -> list[Decision]:
        found = self._state.decisions.get(code, [])
        return [d for d in found if family_id is None or d.wish.family_id == family_id]

    def add_waiting_entries(self, entries: Sequence[WaitingEntry]) -> None:
        waiting_list = InMemoryWaitingListRepository(self._bookings)
        for entry in entries:
            waiting_list.add(entry)

    def delete_of_family(self, family_id: int) -> None:
        for code, found in self._state.requests.items():
            self._state.requests[code] = [q for q in found if q.family_id != family_id]
        for code, decided in self._state.decisions.items():
            self._state.decisions[code] = [d for d in decided if d.wish.family_id != family_id]


def _copy(campaign: Campaign, with_inputs: bool) -> Campaign:
    found = copy.copy(campaign)
    if not with_inputs:
        found.draw_inputs = None
    return found


class InMemoryAllocationRepositories(WorkingCopy):
    """The repositories a unit of work gives on the working copy's AllocationState."""

    @property
    def allocations(self) -> InMemoryAllocationRepository:
        return InMemoryAllocationRepository(self.state(AllocationState), self.state(BookingState))
