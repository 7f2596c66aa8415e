"""Clocks: the system's, and a fixed one that tests and demos move by hand."""

from __future__ import annotations

import pendulum

from portail_core.domain.shared.instants import PARIS, as_paris

__all__ = ["FixedClock", "SystemClock"]


class SystemClock:
    """The machine's clock, read on the Europe/Paris wall clock."""

    def now(self) -> pendulum.DateTime:
        return pendulum.now(PARIS)

    def today(self) -> pendulum.Date:
        return self.now().date()


class FixedClock:
    """A clock that stands still until told otherwise (in-memory twin of SystemClock)."""

    def __init__(self, instant: pendulum.DateTime) -> None:
        self._instant = as_paris(instant)

    def now(self) -> pendulum.DateTime:
        return self._instant

    def today(self) -> pendulum.Date:
        return self._instant.date()

    def set(self, instant: pendulum.DateTime) -> None:
        self._instant = as_paris(instant)

    def advance(self, duration: pendulum.Duration) -> None:
        self._instant = as_paris(self._instant + duration)
