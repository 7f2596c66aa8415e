"""The current time: every deadline is computed from it, so tests can fix it."""

from __future__ import annotations

from typing import Protocol

import pendulum

__all__ = ["Clock"]


class Clock(Protocol):
    """The current time; every deadline is computed from it, so tests can fix it."""

    def now(self) -> pendulum.DateTime:
        """The current instant, on the Europe/Paris wall clock."""
        ...

    def today(self) -> pendulum.Date:
        """Today's date in Europe/Paris."""
        ...
