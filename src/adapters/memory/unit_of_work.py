"""An in-memory unit of work with the same transactional promise as the database one.

The committed state lives in an ``InMemoryStore``; a unit of work works on a deep copy of it and
publishes the copy only on ``commit()``, so leaving without committing loses everything, exactly
as a rolled-back database transaction would. Units of work on one store are serialised by a lock,
like writers on SQLite.
"""

from __future__ import annotations

import copy
import threading
from types import TracebackType
from typing import Self

from attrs import define, field

from portail_core.domain.commune import Commune

__all__ = ["InMemoryCommuneRepository", "InMemoryStore", "InMemoryUnitOfWork"]


@define
class _State:
    commune: Commune | None = None
    next_id: int = 1


@define
class InMemoryStore:
    """The committed data shared by the in-memory units of work of one test or demo."""

    state: _State = field(factory=_State)
    lock: threading.RLock = field(factory=threading.RLock)


class InMemoryCommuneRepository:
    def __init__(self, state: _State) -> None:
        self._state = state

    def get(self) -> Commune | None:
        return self._state.commune

    def add(self, commune: Commune) -> None:
        if self._state.commune is not None:
            raise ValueError("this portal already has a commune")
        commune.id = self._state.next_id
        self._state.next_id += 1
        self._state.commune = commune

    def update(self, commune: Commune) -> None:
        if self._state.commune is None or self._state.commune.id != commune.id:
            raise ValueError("update of a commune that was never added")
        self._state.commune = commune


class InMemoryUnitOfWork:
    """Implements ``portail_core.ports.UnitOfWork``; ``commits`` counts the commits, for tests."""

    def __init__(self, store: InMemoryStore | None = None) -> None:
        self.store = store or InMemoryStore()
        self.commits = 0
        self._working: _State | None = None
        self.communes = InMemoryCommuneRepository(self.store.state)

    def __enter__(self) -> Self:
        self.store.lock.acquire()
        self._working = copy.deepcopy(self.store.state)
        self.communes = InMemoryCommuneRepository(self._working)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.rollback()
        self._working = None
        self.store.lock.release()

    def commit(self) -> None:
        if self._working is None:
            raise RuntimeError("commit outside a `with` block")
        self.store.state = copy.deepcopy(self._working)
        self.commits += 1

    def rollback(self) -> None:
        if self._working is not None:
            self._working = copy.deepcopy(self.store.state)
            self.communes = InMemoryCommuneRepository(self._working)
