"""The committed state of the in-memory twins, one object per capability.

Each capability's module declares its state (``BookingState``...) and the repositories a unit
of work gives on it (``InMemoryBookingRepositories``); the store keeps the states by class, so
that a new capability needs no change here.
"""

from __future__ import annotations

import threading
from typing import Any, TypeVar, cast

from attrs import define, field

__all__ = ["InMemoryStore", "WorkingCopy"]

S = TypeVar("S")


@define
class InMemoryStore:
    """The committed data shared by the in-memory units of work of one test or demo."""

    states: dict[type[Any], Any] = field(factory=dict)
    lock: threading.RLock = field(factory=threading.RLock)

    def committed(self, kind: type[S]) -> S:
        """A capability's committed state (tests read it; a unit of work works on a copy)."""
        if kind not in self.states:
            self.states[kind] = kind()
        return cast(S, self.states[kind])


class WorkingCopy:
    """What a unit of work works on: each capability's state, copied from the store when the
    unit of work begins and published to it on ``commit()``."""

    _working: dict[type[Any], Any] | None = None

    def state(self, kind: type[S]) -> S:
        """The capability's state in the working copy, created empty on first use."""
        if self._working is None:
            raise RuntimeError("the unit of work is used outside its `with` block")
        if kind not in self._working:
            self._working[kind] = kind()
        return cast(S, self._working[kind])
