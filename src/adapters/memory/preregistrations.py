"""The in-memory twin of the school pre-registrations' repository."""

from __future__ import annotations

import attrs
from attrs import define, field

from adapters.memory.store import WorkingCopy
from portail_core.domain.preregistrations import SchoolPreregistration
from portail_core.ports.preregistrations import PreregistrationFilter

__all__ = [
    "InMemoryPreregistrationRepositories",
    "InMemoryPreregistrationRepository",
    "PreregistrationState_",
]


@define
class PreregistrationState_:  # noqa: N801  (PreregistrationState is the domain's enum)
    requests: dict[int, SchoolPreregistration] = field(factory=dict)
    last_id: int = 0


class InMemoryPreregistrationRepository:
    def __init__(self, state: PreregistrationState_) -> None:
        self._state = state

    def add(self, request: SchoolPreregistration) -> SchoolPreregistration:
        self._state.last_id += 1
        stored = attrs.evolve(request, id=self._state.last_id)
        self._state.requests[self._state.last_id] = stored
        return stored

    def get(self, request_id: int, *, for_update: bool = False) -> SchoolPreregistration | None:
        return self._state.requests.get(request_id)

    def update(self, request: SchoolPreregistration) -> None:
        assert request.id is not None  # noqa: S101  (a twin for tests)
        self._state.requests[request.id] = request

    def matching(self, wanted: PreregistrationFilter) -> list[SchoolPreregistration]:
        return [r for _, r in sorted(self._state.requests.items()) if wanted.keeps(r)]

    def delete_of_family(self, family_id: int) -> None:
        for key in [k for k, r in self._state.requests.items() if r.family_id == family_id]:
            del self._state.requests[key]


class InMemoryPreregistrationRepositories(WorkingCopy):
    @property
    def preregistrations(self) -> InMemoryPreregistrationRepository:
        return InMemoryPreregistrationRepository(self.state(PreregistrationState_))
