"""The in-memory twin of the SMA requests' repository."""

from __future__ import annotations

import copy

import attrs
from attrs import define, field

from adapters.memory.store import WorkingCopy
from portail_core.domain.sma import SmaRequest

__all__ = ["InMemorySmaRepositories", "InMemorySmaRequestRepository", "SmaRequestsState"]


@define
class SmaRequestsState:
    requests: dict[int, SmaRequest] = field(factory=dict)
    last_id: int = 0


def _order(request: SmaRequest) -> tuple[object, int]:
    return (request.requested_at, request.id or 0)


class InMemorySmaRequestRepository:
    def __init__(self, state: SmaRequestsState) -> None:
        self._state = state

    def add(self, request: SmaRequest) -> SmaRequest:
        self._state.last_id += 1
        stored = attrs.evolve(request, id=self._state.last_id)
        self._state.requests[self._state.last_id] = stored
        return copy.copy(stored)

    def get(self, request_id: int, *, for_update: bool = False) -> SmaRequest | None:
        request = self._state.requests.get(request_id)
        return None if request is None else copy.copy(request)

    def update(self, request: SmaRequest) -> None:
        assert request.id is not None  # noqa: S101  (a twin for tests)
        self._state.requests[request.id] = copy.copy(request)

    def of_family(self, family_id: int) -> list[SmaRequest]:
        found = [r for r in self._state.requests.values() if r.family_id == family_id]
        return [copy.copy(r) for r in sorted(found, key=_order)]

    def open_requests(self) -> list[SmaRequest]:
        found = [r for r in self._state.requests.values() if r.state.open]
        return [copy.copy(r) for r in sorted(found, key=_order)]

    def delete_of_family(self, family_id: int) -> None:
        for key in [k for k, r in self._state.requests.items() if r.family_id == family_id]:
            del self._state.requests[key]


class InMemorySmaRepositories(WorkingCopy):
    """The repositories a unit of work gives on the working copy's SmaRequestsState."""

    @property
    def sma_requests(self) -> InMemorySmaRequestRepository:
        return InMemorySmaRequestRepository(self.state(SmaRequestsState))
