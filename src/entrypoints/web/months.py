"""The month a page shows (``?mois=AAAA-MM``, this month by default) and its neighbours: the
booking grid and the opening calendars page through months alike."""

from __future__ import annotations

from datetime import date, timedelta

from attrs import frozen

from portail_core.errors import InvalidInput

__all__ = ["ShownMonth", "shown_month"]

FIRST_YEAR, LAST_YEAR = 2000, 2100


@frozen
class ShownMonth:
    first: date
    last: date

    @property
    def value(self) -> str:
        """« 2026-09 », as the links write it."""
        return f"{self.first:%Y-%m}"

    @property
    def previous(self) -> str:
        return f"{self.first - timedelta(days=1):%Y-%m}"

    @property
    def next(self) -> str:
        return f"{self.last + timedelta(days=1):%Y-%m}"


def shown_month(text: str | None, today: date) -> ShownMonth:
    """The month ``text`` names, or today's; InvalidInput (in French) for anything else."""
    first = today.replace(day=1) if not text else _parse(text)
    last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    return ShownMonth(first, last)


def _parse(text: str) -> date:
    try:
        year, month = (int(part) for part in text.split("-", 1))
        if FIRST_YEAR <= year <= LAST_YEAR:
            return date(year, month, 1)
    except ValueError:
        pass
    raise InvalidInput(
        f"Mois invalide : « {text[:20]} » (attendu : AAAA-MM, entre {FIRST_YEAR} et {LAST_YEAR})."
    )
