"""In-memory twins of the families' and the change requests' repositories."""

from __future__ import annotations

import copy
from collections.abc import Collection, Iterator, Sequence

import pendulum
from attrs import define, field

from adapters.memory.store import WorkingCopy
from portail_core.domain.dossiers.changes import ChangeRequest, ChangeStatus
from portail_core.domain.dossiers.family import Family
from portail_core.domain.shared.collation import french_sort_key

__all__ = [
    "DossierState",
    "InMemoryChangeRequestRepository",
    "InMemoryDossierRepositories",
    "InMemoryFamilyRepository",
]


@define
class DossierState:
    families: dict[int, Family] = field(factory=dict)
    next_child_id: int = 1
    changes: dict[int, ChangeRequest] = field(factory=dict)


class InMemoryFamilyRepository:
    def __init__(self, state: DossierState) -> None:
        self._state = state

    def add(self, family: Family, now: pendulum.DateTime) -> None:
        family.id = len(self._state.families) + 1
        self.update(family, now)

    def get(self, family_id: int, *, for_update: bool = False) -> Family | None:
        # for_update: units of work on the store are serialised already (its lock)
        return copy.deepcopy(self._state.families.get(family_id))

    def update(self, family: Family, now: pendulum.DateTime) -> None:
        for child in family.children:
            if child.id is None:
                child.id = self._state.next_child_id
                self._state.next_child_id += 1
        assert family.id is not None  # noqa: S101  (a twin for tests: misuse should fail loudly)
        self._state.families[family.id] = copy.deepcopy(family)

    def listing(self) -> list[Family]:
        return copy.deepcopy(
            sorted(
                self._state.families.values(),
                key=lambda f: (french_sort_key(f.name), f.id or 0),
            )
        )

    def each(self, batch: int = 500) -> Iterator[Family]:
        if batch < 1:
            raise ValueError("batch must be positive")
        for family_id in sorted(self._state.families):
            family = self._state.families.get(family_id)
            if family is not None:
                yield copy.deepcopy(family)

    def count(self) -> int:
        return len(self._state.families)

    def add_all(self, new: Sequence[Family], now: pendulum.DateTime) -> None:
        for family in new:
            self.add(family, now)

    def by_legacy_reference(self, references: Collection[str]) -> dict[str, Family]:
        wanted = set(references)
        return {
            family.legacy_reference: copy.deepcopy(family)
            for family in self._state.families.values()
            if family.legacy_reference is not None and family.legacy_reference in wanted
        }


class InMemoryChangeRequestRepository:
    def __init__(self, state: DossierState) -> None:
        self._state = state

    def add(self, change: ChangeRequest) -> None:
        change.id = len(self._state.changes) + 1
        self._state.changes[change.id] = copy.deepcopy(change)

    def get(self, change_id: int, *, for_update: bool = False) -> ChangeRequest | None:
        return copy.deepcopy(self._state.changes.get(change_id))

    def listing(
        self, *, family_id: int | None = None, pending_only: bool = True
    ) -> list[ChangeRequest]:
        return copy.deepcopy(
            [
                c
                for _, c in sorted(self._state.changes.items())
                if (family_id is None or c.family_id == family_id)
                and (not pending_only or c.status is ChangeStatus.PENDING)
            ]
        )

    def update(self, change: ChangeRequest) -> None:
        assert change.id is not None  # noqa: S101  (a twin for tests)
        self._state.changes[change.id] = copy.deepcopy(change)

    def delete_of_family(self, family_id: int) -> None:
        self._state.changes = {
            i: c for i, c in self._state.changes.items() if c.family_id != family_id
        }


class InMemoryDossierRepositories(WorkingCopy):
    """The repositories a unit of work gives on the working copy's DossierState."""

    @property
    def families(self) -> InMemoryFamilyRepository:
        return InMemoryFamilyRepository(self.state(DossierState))

    @property
    def changes(self) -> InMemoryChangeRequestRepository:
        return InMemoryChangeRequestRepository(self.state(DossierState))
